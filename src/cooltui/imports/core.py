"""Import: other tools' records mapped onto the corpus and the scheme, checked, then saved.

Two passes, so that nothing is written unless the whole import can be: the first reads every file,
maps each record's offsets onto cooltui's normalised text, attaches it to an article of the corpus
(by id, else by text) or makes a new text of it, checks its spans as the exporter does and its
labels against the scheme, and spools the annotations it would save to a file beside the store.
Labels the scheme lacks stop the import there. The second saves the texts the corpus lacked under
<store>/texts/ (which every command reads as part of the corpus) and the annotations into the
annotator's store, and logs what each replaced, for `cooltui import --undo`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
import time
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import IO, Any, Literal

import orjson

from cooltui.anchor import find_near
from cooltui.corpus import Article, Corpus, text_sha
from cooltui.errors import CoolError
from cooltui.export.core import first_overlap
from cooltui.imports.readers import detect, module
from cooltui.imports.source import SourceRecord, SourceSpan
from cooltui.model import Annotation, Span, Status
from cooltui.offsets import OffsetMap, Utf16Offsets, detect_units, normalised_with_map
from cooltui.scheme import Scheme
from cooltui.settings import IMPORTED_TEXTS
from cooltui.store import Store
from cooltui.store.files import fsync_dir
from cooltui.text import normalise, printable, truncate

LOG_FOLDER = "imports"
"""In the store folder: one log per import, what it saved and what that replaced."""
OUTSIDE = "O"
"""A labels map's target that leaves the span (or document label) out."""
SHOWN_PROBLEMS = 15
SHOWN_UNKNOWN = 12

Offsets = Literal["auto", "codepoints", "utf16"]

REBUILT_TEXT = frozenset({"conll"})
"""Formats that hold tokens, not the text: their text is rebuilt (tokens one space apart), and
a record attaches to the article with the same characters but for blanks."""
_BLANKS = re.compile(r"\s+")
_NOT_BLANK = re.compile(r"\S")


class ImportFailed(CoolError):
    """An import that cannot be done at all; nothing was written."""


class Kind(StrEnum):
    """Why a record was left out; the order is the report's."""

    CONFLICT = "conflict"
    TWICE = "twice"
    ANNOTATED = "annotated"
    BOUNDS = "bounds"
    TEXT = "text"
    OVERLAP = "overlap"
    SINGLE = "single"
    STALE = "stale"
    EMPTY = "empty"


_HEADINGS = {
    Kind.CONFLICT: "the corpus holds another text under this id: rename the record's id, or "
    "check --corpus",
    Kind.TWICE: "the same article comes twice in the import: the first was taken",
    Kind.ANNOTATED: "already annotated in this store: pass --replace to overwrite "
    "(`cooltui import --undo` takes an import back)",
    Kind.BOUNDS: "span outside the text",
    Kind.TEXT: "span text not found at its offsets nor near them",
    Kind.OVERLAP: "overlapping spans, which the scheme does not allow (allow_overlap)",
    Kind.SINGLE: "several values for a single-choice group",
    Kind.STALE: "annotated in this store on an earlier text of the article: open it in cooltui "
    "(which re-anchors it to the text as it is), then import again",
    Kind.EMPTY: "empty text",
}


@dataclass(frozen=True, slots=True)
class ImportOptions:
    format: str = "auto"
    as_suggestions: bool = False
    """Offer the spans and document labels as suggestions instead of saving them as work."""
    labels_map: Mapping[str, str] | None = None
    """Their label -> ours ("O" leaves it out), for labels the scheme lacks."""
    replace: bool = False
    offsets: Offsets = "auto"


@dataclass(frozen=True, slots=True)
class Problem:
    kind: Kind
    where: str
    detail: str = ""


@dataclass(slots=True)
class ImportReport:
    """What an import did, or would have done: counts, labels, and what it left out, and why."""

    annotator: str
    as_suggestions: bool = False
    files: list[tuple[str, str]] = field(default_factory=list)
    """(path, format) of each file read."""
    records: int = 0
    imported: int = 0
    unchanged: int = 0
    new_texts: int = 0
    texts_file: Path | None = None
    log_file: Path | None = None
    rejected_by_source: Counter[str] = field(default_factory=Counter)
    """Records the source itself says not to take, by its reason."""
    mapped_out: Counter[str] = field(default_factory=Counter)
    """Spans and document labels the labels map left out, by their label."""
    reanchored: int = 0
    """Spans whose offsets were off and whose text was found near them."""
    units: Counter[str] = field(default_factory=Counter)
    """Records by the unit their offsets were read in."""
    labels: Counter[str] = field(default_factory=Counter)
    values: Counter[str] = field(default_factory=Counter)
    left_out: int = 0
    problems: Counter[Kind] = field(default_factory=Counter)
    examples: dict[Kind, list[Problem]] = field(default_factory=dict)

    def add(self, problem: Problem) -> None:
        self.problems[problem.kind] += 1
        shown = self.examples.setdefault(problem.kind, [])
        if len(shown) < SHOWN_PROBLEMS:
            shown.append(problem)

    def render(self) -> str:
        files = ", ".join(f"{path} ({fmt})" for path, fmt in self.files)
        what = "suggestions for" if self.as_suggestions else "annotations of"
        lines = [
            f"imported {what} {self.imported:,} article{_s(self.imported)} into "
            f"{self.annotator!r} from {files}"
        ]
        if self.unchanged:
            lines.append(f"  {self.unchanged:,} already in the store as imported: unchanged")
        if self.new_texts and self.texts_file is not None:
            lines.append(
                f"  {self.new_texts:,} text{_s(self.new_texts)} not in the corpus kept in "
                f"{self.texts_file}: cooltui shows {'them' if self.new_texts > 1 else 'it'} "
                "with the corpus"
            )
        if self.labels:
            lines.append("  spans: " + _counts(self.labels))
        if self.values:
            lines.append("  document labels: " + _counts(self.values))
        if self.units["utf16"]:
            count = self.units["utf16"]
            lines.append(f"  {count:,} record{_s(count)} with UTF-16 offsets, converted")
        if self.reanchored:
            lines.append(
                f"  {self.reanchored:,} span{_s(self.reanchored)} found near "
                "offsets that did not match their text"
            )
        if self.mapped_out:
            lines.append("  left out by the labels map: " + _counts(self.mapped_out))
        for reason, count in sorted(self.rejected_by_source.items()):
            lines.append(f"  not taken, as the source says: {reason} ({count:,})")
        if self.left_out:
            lines.append(f"left out: {self.left_out:,} record{_s(self.left_out)}")
            for kind in Kind:
                count = self.problems[kind]
                if not count:
                    continue
                lines.append(f"  {_HEADINGS[kind]} ({count:,}):")
                for problem in self.examples[kind]:
                    detail = f": {problem.detail}" if problem.detail else ""
                    lines.append(f"    {printable(problem.where)}{printable(detail)}")
                if count > len(self.examples[kind]):
                    lines.append(f"    ... and {count - len(self.examples[kind]):,} more")
        if self.log_file is not None:
            lines.append(f"log: {self.log_file} (`cooltui import --undo` takes this import back)")
        return "\n".join(lines)


def _s(count: int) -> str:
    return "" if count == 1 else "s"


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{name} {count:,}" for name, count in counter.most_common())


def _quote(text: str, width: int = 40) -> str:
    return repr(truncate(text, width))


# --- labels --------------------------------------------------------------------------------------


class _Labels:
    """Their span and document labels mapped onto the scheme's; what it lacks is gathered, to
    stop the import with all of them named at once."""

    def __init__(self, scheme: Scheme, labels_map: Mapping[str, str] | None) -> None:
        self.scheme = scheme
        self.names = scheme.label_names
        self.map = labels_map or {}
        self.groups = {group.name: group for group in scheme.groups}
        self.value_groups: dict[str, list[str]] = {}
        for group in scheme.groups:
            for value in group.values:
                self.value_groups.setdefault(value.name, []).append(group.name)
        self.unknown: dict[str, tuple[int, str]] = {}
        """Each label found that the scheme lacks: how often, and where first."""

    def _unknown(self, label: str, where: str) -> None:
        count, first = self.unknown.get(label, (0, where))
        self.unknown[label] = (count + 1, first)

    def span_label(self, label: str, where: str) -> str | None:
        """Our label for theirs; None when it is left out or unknown (then gathered)."""
        mapped = self.map.get(label, label)
        if mapped == OUTSIDE:
            return None
        if mapped in self.names:
            return mapped
        self._unknown(label, where)
        return None

    def value(self, label: str, where: str) -> tuple[str, str] | None:
        """(group, value) for a document label, "group:VALUE" or a bare value that only one
        group holds; None when it is left out or unknown (then gathered)."""
        mapped = self.map.get(label, label)
        if mapped == OUTSIDE:
            return None
        group_name, colon, value = mapped.partition(":")
        if colon:
            group = self.groups.get(group_name)
            if group is not None and group.value(value) is not None:
                return group_name, value
        else:
            holders = self.value_groups.get(mapped, [])
            if len(holders) == 1:
                return holders[0], mapped
        self._unknown(label, where)
        return None

    def check(self) -> None:
        if not self.unknown:
            return
        named = sorted(self.unknown.items(), key=lambda item: -item[1][0])
        shown = ", ".join(
            f"{printable(label)} ({count:,}, first at {printable(where)})"
            for label, (count, where) in named[:SHOWN_UNKNOWN]
        )
        more = f" and {len(named) - SHOWN_UNKNOWN} more" if len(named) > SHOWN_UNKNOWN else ""
        raise ImportFailed(
            f"label{_s(len(named))} not in scheme {self.scheme.name!r}: {shown}{more}; map "
            f"each with --labels-map FILE (a JSON map such as "
            f'{{"{printable(named[0][0])}": "ORG"}}, "{OUTSIDE}" leaves one out); nothing '
            "was imported"
        )


# --- one record ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A record checked and ready to save: the annotation, and its text when it is new."""

    annotation: Annotation
    new_text: dict[str, Any] | None = None


class _Importer:
    """The first pass: each SourceRecord mapped, attached, checked, and spooled."""

    def __init__(
        self,
        corpus: Corpus,
        scheme: Scheme,
        store: Store,
        options: ImportOptions,
        report: ImportReport,
    ) -> None:
        self.corpus = corpus
        self.scheme = scheme
        self.store = store
        self.options = options
        self.report = report
        self.labels = _Labels(scheme, options.labels_map)
        self.by_sha: dict[str, str] | None = None
        self.by_letters: dict[str, list[Article]] | None = None
        """The corpus by the sha of its texts without blanks, made when first needed."""
        self.seen: dict[str, str] = {}
        """Each article taken so far, and where its record stood."""
        self.new_ids: dict[str, str] = {}
        """The id given to each new text, by its sha."""

    def _article_with_sha(self, sha: str) -> str | None:
        if self.by_sha is None:
            # Built on first need: every record of a round trip attaches by id.
            self.by_sha = {article.text_sha: article.id for article in self.corpus}
        return self.by_sha.get(sha)

    def prepare(self, record: SourceRecord, fmt: str) -> _Prepared | None:
        report = self.report
        report.records += 1
        if record.left_out is not None:
            report.rejected_by_source[record.left_out] += 1
            return None
        text, offsets = normalised_with_map(record.text)
        if not text.strip():
            return self._leave_out(Kind.EMPTY, record.where)
        sha = text_sha(text)
        if fmt in REBUILT_TEXT:
            moved = self._onto_corpus_text(record, text, offsets, sha)
            if moved is not None:
                record = moved
                text, offsets = normalised_with_map(record.text)
                sha = text_sha(text)
        article_id, new_text = self._attach(record, text, sha)
        if article_id is None:
            return None
        first = self.seen.setdefault(article_id, record.where)
        if first is not record.where:
            return self._leave_out(Kind.TWICE, record.where, f"first at {first}")
        problems: list[tuple[Kind, str]] = []
        spans = self._spans(record, text, offsets, fmt, problems)
        values = self._values(record, problems)
        if not self.scheme.allow_overlap:
            overlapping = first_overlap(spans)
            if overlapping:
                a, b = overlapping
                problems.append((Kind.OVERLAP, f"{_show(a)} and {_show(b)}"))
        if problems:
            report.left_out += 1
            for kind, detail in problems:
                report.add(Problem(kind, record.where, detail))
            return None
        annotation = self._annotation(record, article_id, sha, spans, values)
        if annotation is None:
            return None
        report.labels.update(span.label for span in spans)
        report.values.update(
            f"{group}:{value}" for group, chosen in values.items() for value in chosen
        )
        return _Prepared(annotation, new_text)

    def _onto_corpus_text(
        self, record: SourceRecord, text: str, offsets: OffsetMap, sha: str
    ) -> SourceRecord | None:
        """A record whose text was rebuilt from tokens (CoNLL), moved onto the corpus article
        whose text has the same characters but for blanks: its spans re-expressed in that text,
        character for character. None when the corpus has no such article, or the record
        attaches as it is."""
        if (record.id is not None and self.corpus.get(record.id)) or self._article_with_sha(sha):
            return None
        if self.by_letters is None:
            self.by_letters = {}
            for article in self.corpus:
                key = text_sha(_BLANKS.sub("", article.read_text()))
                self.by_letters.setdefault(key, []).append(article)
        # Texts that differ only in blanks (a release scraped twice) share a key: each record
        # takes the first of them not taken yet, in corpus order, as an export writes them.
        candidates = self.by_letters.get(text_sha(_BLANKS.sub("", text)), [])
        article = next((a for a in candidates if a.id not in self.seen), None)
        if article is None:
            return None
        theirs = [m.start() for m in _NOT_BLANK.finditer(text)]
        ours = [m.start() for m in _NOT_BLANK.finditer(article.text)]
        spans = []
        for span in record.spans:
            if not 0 <= span.start < span.end <= len(record.text):
                spans.append(span)  # reported as out of the text, as any other
                continue
            start, end = offsets.span(span.start, span.end)
            first, last = bisect_left(theirs, start), bisect_left(theirs, end) - 1
            if first > last:
                continue  # nothing but blanks: no span
            spans.append(replace(span, start=ours[first], end=ours[last] + 1, text=None))
        return replace(record, text=article.text, spans=tuple(spans), id=article.id)

    def _leave_out(self, kind: Kind, where: str, detail: str = "") -> None:
        self.report.left_out += 1
        self.report.add(Problem(kind, where, detail))

    def _attach(
        self, record: SourceRecord, text: str, sha: str
    ) -> tuple[str | None, dict[str, Any] | None]:
        """The id of the record's article, and the text record to keep when the corpus lacks
        it; (None, None) when the record cannot be attached (reported)."""
        if record.id is not None:
            article = self.corpus.get(record.id)
            if article is not None:
                if article.text_sha == sha:
                    return article.id, None
                found = self._article_with_sha(sha)
                if found is not None:
                    return found, None
                self._leave_out(Kind.CONFLICT, record.where, f"id {record.id!r}")
                return None, None
        found = self._article_with_sha(sha)
        if found is not None:
            return found, None
        new_id = self.new_ids.get(sha)
        if new_id is None:
            new_id = record.id if record.id is not None else f"imported_{sha[:16]}"
            self.new_ids[sha] = new_id
        line: dict[str, Any] = {"id": new_id, "text": text}
        if record.title:
            line["title"] = record.title
        return new_id, line

    def _spans(
        self,
        record: SourceRecord,
        text: str,
        offsets: OffsetMap,
        fmt: str,
        problems: list[tuple[Kind, str]],
    ) -> list[Span]:
        raw = record.text
        units = self.options.offsets
        if units == "auto":
            units = (
                detect_units(raw, [(s.start, s.end, s.text) for s in record.spans]) or "codepoints"
            )
        self.report.units[units] += 1
        utf16 = Utf16Offsets(raw) if units == "utf16" else None
        sources = record.meta.get("sources") if fmt in ("jsonl", "spacy") else None
        spans: list[Span] = []
        seen: set[tuple[int, int, str]] = set()
        for index, given in enumerate(record.spans):
            label = self.labels.span_label(given.label, record.where)
            if label is None:
                if self.options.labels_map and self.options.labels_map.get(given.label) == OUTSIDE:
                    self.report.mapped_out[given.label] += 1
                continue
            placed = self._place(given, raw, text, offsets, utf16, problems)
            if placed is None:
                continue
            start, end = placed
            source = (
                sources[index]
                if isinstance(sources, list)
                and index < len(sources)
                and isinstance(sources[index], str)
                else f"import:{fmt}"
            )
            if (start, end, label) not in seen:
                seen.add((start, end, label))
                spans.append(Span(start, end, label, text[start:end], source))
        return spans

    def _place(
        self,
        given: SourceSpan,
        raw: str,
        text: str,
        offsets: OffsetMap,
        utf16: Utf16Offsets | None,
        problems: list[tuple[Kind, str]],
    ) -> tuple[int, int] | None:
        """The span's offsets in the normalised text, checked against its text if it has one;
        found near its place when they disagree; None (reported) when it cannot be placed."""
        wanted = normalise(given.text) if given.text is not None else None
        shown = f"{given.start}-{given.end} {given.label}" + (
            f" {_quote(given.text)}" if given.text is not None else ""
        )
        start = end = None
        try:
            raw_start, raw_end = given.start, given.end
            if utf16 is not None:
                raw_start, raw_end = utf16.to_codepoints(raw_start), utf16.to_codepoints(raw_end)
            if 0 <= raw_start < raw_end <= len(raw):
                start, end = offsets.span(raw_start, raw_end)
        except ValueError:
            start = end = None
        if start is not None and end is not None and (wanted is None or text[start:end] == wanted):
            return start, end
        if wanted:
            near = find_near(text, wanted, start if start is not None else given.start)
            if near is not None:
                self.report.reanchored += 1
                return near, near + len(wanted)
            problems.append((Kind.TEXT, shown))
            return None
        problems.append((Kind.BOUNDS, f"{shown} (the text has {len(raw):,} characters)"))
        return None

    def _values(
        self, record: SourceRecord, problems: list[tuple[Kind, str]]
    ) -> dict[str, tuple[str, ...]]:
        chosen: dict[str, list[str]] = {}
        for label in record.labels:
            pair = self.labels.value(label, record.where)
            if pair is None:
                if self.options.labels_map and self.options.labels_map.get(label) == OUTSIDE:
                    self.report.mapped_out[label] += 1
                continue
            group, value = pair
            values = chosen.setdefault(group, [])
            if value not in values:
                values.append(value)
        result: dict[str, tuple[str, ...]] = {}
        for group in self.scheme.groups:
            values = chosen.get(group.name)
            if not values:
                continue
            if not group.multi and len(values) > 1:
                problems.append((Kind.SINGLE, f"{group.name}: {', '.join(values)}"))
            order = [value.name for value in group.values]
            result[group.name] = tuple(sorted(values, key=order.index))
        return result

    def _annotation(
        self,
        record: SourceRecord,
        article_id: str,
        sha: str,
        spans: list[Span],
        values: dict[str, tuple[str, ...]],
    ) -> Annotation | None:
        existing = self.store.get(article_id)
        if existing is not None and existing.text_sha != sha:
            # Its offsets are the earlier text's, the import's this text's: one record cannot
            # hold both.
            self._leave_out(Kind.STALE, record.where, article_id)
            return None
        if self.options.as_suggestions:
            base = existing or Annotation(article_id, sha)
            made = base.with_suggestions(spans, values)
        else:
            made = _made(record, article_id, sha, spans, values, existing)
            if (
                existing is not None
                and _holds_work(existing)
                and not _same_work(existing, made)
                and not self.options.replace
            ):
                self._leave_out(
                    Kind.ANNOTATED,
                    record.where,
                    f"{article_id} ({len(existing.spans)} span{_s(len(existing.spans))})",
                )
                return None
        if (
            existing is not None
            and _same_work(existing, made)
            and (
                existing.suggested == made.suggested
                and existing.suggested_labels == made.suggested_labels
            )
        ):
            self.report.unchanged += 1
            return None
        return made


def _made(
    record: SourceRecord,
    article_id: str,
    sha: str,
    spans: list[Span],
    values: dict[str, tuple[str, ...]],
    existing: Annotation | None,
) -> Annotation:
    """The annotation a record makes: its spans, labels, note and status; the time spent and
    the suggestions turned down of what it replaces, which were the annotator's own."""
    meta = record.meta
    status = Status.DONE if record.done else Status.IN_PROGRESS
    given_status = meta.get("status")
    if isinstance(given_status, str) and given_status in Status.__members__.values():
        status = Status(given_status)
    stamps = {
        key: float(meta[key])
        for key in ("created", "updated", "seconds")
        if isinstance(meta.get(key), int | float) and not isinstance(meta.get(key), bool)
    }
    made = Annotation(
        article_id,
        sha,
        spans=tuple(sorted(spans)),
        doc_labels=values,
        note=normalise(record.note),
        status=status,
        created=stamps.get("created", existing.created if existing else 0.0),
        updated=stamps.get("updated", 0.0),
        seconds=stamps.get("seconds", existing.seconds if existing else 0.0),
    )
    if existing is not None:
        made = replace(
            made,
            rejected=existing.rejected,
            suggested=existing.suggested,
            suggested_labels=existing.suggested_labels,
        )
    return made


def _holds_work(annotation: Annotation) -> bool:
    """Whether an annotation holds anything the annotator made: an import must not replace it
    unasked."""
    return bool(
        annotation.spans
        or any(annotation.doc_labels.values())
        or annotation.note
        or annotation.review
        or annotation.status.finished
    )


def _same_work(a: Annotation, b: Annotation) -> bool:
    """The same spans (with their sources), document labels, note and status: re-importing a
    file finds its articles unchanged."""
    return (
        [(s.start, s.end, s.label, s.source) for s in a.spans]
        == [(s.start, s.end, s.label, s.source) for s in b.spans]
        and {g: v for g, v in a.doc_labels.items() if v}
        == {g: v for g, v in b.doc_labels.items() if v}
        and a.note == b.note
        and a.status is b.status
    )


def _show(span: Span) -> str:
    return f"{span.start}-{span.end} {span.label} {_quote(span.text)}"


# --- the whole import ----------------------------------------------------------------------------


def records_of(paths: Sequence[Path], fmt: str) -> Iterator[tuple[Path, str, SourceRecord]]:
    """Each record of each file, with the file and its format (told apart with "auto")."""
    for path in paths:
        name = detect(path) if fmt == "auto" else fmt
        for record in module(name).read(path):
            yield path, name, record


def run_import(
    paths: Sequence[Path],
    corpus: Corpus,
    scheme: Scheme,
    store: Store,
    store_dir: Path,
    options: ImportOptions,
) -> ImportReport:
    """Import `paths` into `store` (open for writing): all of it, or nothing when a file cannot
    be read or holds labels the scheme lacks (ImportFailed, SourceError)."""
    report = ImportReport(store.annotator, as_suggestions=options.as_suggestions)
    importer = _Importer(corpus, scheme, store, options, report)
    with _Spool(store_dir) as spool:
        formats: dict[Path, str] = {}
        for path, fmt, record in records_of(paths, options.format):
            formats.setdefault(path, fmt)
            prepared = importer.prepare(record, fmt)
            if prepared is not None:
                spool.add(prepared)
        report.files = [(str(path), fmt) for path, fmt in formats.items()]
        importer.labels.check()
        if spool.count:
            if spool.text_count:
                report.texts_file = _keep_texts(store_dir, paths[0], spool.texts())
                report.new_texts = spool.text_count
            report.log_file = _save(store, store_dir, spool.annotations())
        report.imported = spool.count
    return report


class _Spool:
    """The first pass's annotations and new texts, in a file beside the store (the same disk),
    so that memory stays flat on an import of millions of records."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        # Closed by __exit__; unnamed, so that nothing is left behind by a killed import.
        self.file: IO[bytes] = tempfile.TemporaryFile(dir=folder, prefix=".import-")  # noqa: SIM115
        self.count = 0
        self.text_count = 0

    def __enter__(self) -> _Spool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.file.close()

    def add(self, prepared: _Prepared) -> None:
        line = {"a": prepared.annotation.to_dict(), "t": prepared.new_text}
        self.file.write(orjson.dumps(line, option=orjson.OPT_APPEND_NEWLINE))
        self.count += 1
        self.text_count += prepared.new_text is not None

    def _lines(self) -> Iterator[dict[str, Any]]:
        self.file.flush()
        self.file.seek(0)
        for raw in self.file:
            yield orjson.loads(raw)

    def texts(self) -> Iterator[dict[str, Any]]:
        if self.text_count:
            yield from (line["t"] for line in self._lines() if line["t"] is not None)

    def annotations(self) -> Iterator[Annotation]:
        for line in self._lines():
            yield Annotation.from_dict(line["a"])


def texts_folder(store_dir: Path) -> Path:
    return store_dir / IMPORTED_TEXTS


def _keep_texts(store_dir: Path, first: Path, texts: Iterable[dict[str, Any]]) -> Path:
    """Write the new texts as a corpus file in the store's texts folder, streamed; its name
    says where they came from, and its hash what they are."""
    folder = texts_folder(store_dir)
    folder.mkdir(parents=True, exist_ok=True)
    stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in first.stem)[:40] or "import"
    digest = hashlib.sha256()
    with tempfile.NamedTemporaryFile(dir=folder, prefix=".texts-", delete=False) as file:
        try:
            for text in texts:
                line = orjson.dumps(text, option=orjson.OPT_APPEND_NEWLINE)
                digest.update(line)
                file.write(line)
            file.flush()
            os.fsync(file.fileno())
            path = folder / f"{stem}-{digest.hexdigest()[:8]}.jsonl"
            Path(file.name).replace(path)
        except BaseException:
            Path(file.name).unlink(missing_ok=True)
            raise
    fsync_dir(folder)
    return path


def _save(store: Store, store_dir: Path, annotations: Iterable[Annotation]) -> Path:
    """Save every annotation, logging what each replaced first, so that an import stopped
    half way can still be taken back."""
    folder = store_dir / LOG_FOLDER / store.annotator
    folder.mkdir(parents=True, exist_ok=True)
    # Named by time to the nanosecond: they sort in the order the imports ran.
    stamp = time.strftime("%Y%m%d-%H%M%S") + f".{time.time_ns() % 10**9:09d}"
    path = folder / f"{stamp}-{os.getpid()}.jsonl"
    with path.open("xb") as log:
        for annotation in annotations:
            before = store.get(annotation.article_id)
            entry = {
                "id": annotation.article_id,
                "before": before.to_dict() if before is not None else None,
                "after": annotation.to_dict(),
            }
            log.write(orjson.dumps(entry, option=orjson.OPT_APPEND_NEWLINE))
            log.flush()
            store.save(annotation)
        os.fsync(log.fileno())
    store.flush()
    return path


# --- undo ----------------------------------------------------------------------------------------


@dataclass(slots=True)
class UndoReport:
    log_file: Path
    restored: int = 0
    edited_since: list[str] = field(default_factory=list)

    def render(self) -> str:
        lines = [f"took back {self.restored:,} article{_s(self.restored)} of {self.log_file}"]
        if self.edited_since:
            shown = ", ".join(self.edited_since[:SHOWN_PROBLEMS])
            lines.append(
                f"  kept {len(self.edited_since):,} edited since the import (undo those in "
                f"cooltui): {shown}"
            )
        return "\n".join(lines)


def last_log(store_dir: Path, annotator: str) -> Path | None:
    folder = store_dir / LOG_FOLDER / annotator
    logs = sorted(folder.glob("*.jsonl")) if folder.is_dir() else []
    return logs[-1] if logs else None


def undo_import(store: Store, log_file: Path) -> UndoReport:
    """Put back what the import logged in `log_file` replaced, for each article not edited
    since; the log is kept, renamed .undone, so that the undo can be seen and is not repeated."""
    report = UndoReport(log_file)
    try:
        lines = log_file.read_bytes().splitlines()
    except OSError as error:
        raise ImportFailed(f"{log_file}: cannot read the import log ({error.strerror})") from None
    for number, raw in enumerate(reversed(lines), 1):
        try:
            entry = orjson.loads(raw)
            after = Annotation.from_dict(entry["after"])
            before = Annotation.from_dict(entry["before"]) if entry["before"] else None
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            if number == 1:
                continue  # the last line of an import killed while writing it
            raise ImportFailed(
                f"{log_file}:{len(lines) - number + 1}: not an import log line; nothing was "
                "taken back"
            ) from None
        current = store.get(after.article_id)
        if (
            current is None
            or not _same_work(current, after)
            or (current.suggested != after.suggested)
        ):
            if current is not None or before is not None:
                report.edited_since.append(after.article_id)
            continue
        if before is None:
            store.delete(after.article_id)
        else:
            store.save(before)
        report.restored += 1
    store.flush()
    with contextlib.suppress(OSError):
        log_file.rename(log_file.with_suffix(".undone"))
    return report
