"""The export: every record checked against its article's text, then written, in one stream.

Records come from the store one at a time; each article's text is read, checked and written,
then forgotten, so memory stays flat however large the corpus. They are written in corpus order
(one article's records by annotator), whatever order they come in (see order.py). An article
with any problem is dropped whole (a partly labelled article would teach a model that its
unlabelled entities are not entities) and its problems go to the Report. Files are written
atomically: nothing replaces the previous output until the whole export has been written.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, BinaryIO

from cooltui.corpus import Article, Corpus, CorpusError
from cooltui.export.formats import FORMATS, Format
from cooltui.export.labels import LabelsMap
from cooltui.export.order import Layout, Spool
from cooltui.export.output import (
    PARTS,
    AtomicFile,
    AtomicFolder,
    ExportError,
    Split,
    Target,
    part_paths,
)
from cooltui.export.record import DocLabels, Record, Writer
from cooltui.memory import gc_paused
from cooltui.model import Annotation, Span, Status
from cooltui.scheme import Scheme
from cooltui.store.files import atomic_write
from cooltui.text import ID_WIDTH, TokenIndex, printable, truncate

ONLY = ("done", "all")
SHOWN_PROBLEMS = 15
"""Problem lines in the report, so that it fits on one screen."""
SHOWN_EMPTY = 8
"""Done articles with nothing labelled named in the report, on one line."""


class Kind(StrEnum):
    """Why an article was dropped; the order is the report's."""

    MISSING = "missing"
    UNREADABLE = "unreadable"
    STALE = "stale"
    REVIEW = "review"
    LABEL = "label"
    BOUNDS = "bounds"
    TEXT = "text"
    OVERLAP = "overlap"
    BOUNDARY = "boundary"
    DOC_LABEL = "doc_label"


# What each kind means and what to do about it, for the report's headings.
_HEADINGS = {
    Kind.MISSING: "not in the corpus: check --corpus",
    Kind.UNREADABLE: "article cannot be read",
    Kind.STALE: "text changed since it was annotated: open the article in cooltui to re-anchor "
    "its spans",
    Kind.REVIEW: "spans wait for review after the text changed: open the article in cooltui, "
    "tab to each, enter places it or x drops it",
    Kind.LABEL: "span label not in the scheme: check --scheme",
    Kind.BOUNDS: "span outside the text",
    Kind.TEXT: "span text differs from the article's text at its offsets",
    Kind.OVERLAP: "overlapping spans, which {format} cannot hold: fix them in cooltui or "
    "export to jsonl or spacy",
    Kind.BOUNDARY: "span not on token boundaries ({format} labels whole tokens): fix it in cooltui",
    Kind.DOC_LABEL: "document label not in the scheme: check --scheme",
}


@dataclass(frozen=True, slots=True)
class Problem:
    """Why one article was dropped: which article (and whose record), what, and where."""

    kind: Kind
    article_id: str
    annotator: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class ExportOptions:
    format: str = "jsonl"
    only: str = "done"
    """"done": the articles marked done; "all": every annotated one."""
    split: Split | None = None
    labels_map: LabelsMap | None = None
    utf16: bool = False
    """Offsets in UTF-16 code units (doccano, labelstudio), as browsers count them."""
    doccano_shape: str = "label"
    """doccano's spans as "label" (sequence labelling) or "entities" (intent and slots)."""
    cats: str | None = None
    """spacy: the one document label group doc.cats holds (all of them when None)."""
    as_predictions: bool = False
    """labelstudio: the annotations as predictions, to review in Label Studio."""


@dataclass(slots=True)
class Report:
    """What an export did: counts, spans per label, and the problems that dropped articles."""

    format: str
    outputs: list[str] = field(default_factory=list)
    exported: int = 0
    written: bool = False
    """Whether the output was written: nothing replaces a previous file when nothing exported."""
    parts: Counter[str] = field(default_factory=Counter)
    labels: Counter[str] = field(default_factory=Counter)
    left_out: Counter[str] = field(default_factory=Counter)
    """Spans the labels map leaves out, by our label."""
    not_done: int = 0
    unannotated: int = 0
    overlapping: int = 0
    """Exported articles with overlapping spans, when the format treats them apart."""
    empty: int = 0
    """Exported articles marked done with no span and no document label."""
    empty_examples: list[tuple[int, str, str]] = field(default_factory=list)
    """(corpus position, annotator, id) of the first of them in corpus order, for the report."""
    dropped: int = 0
    problems: Counter[Kind] = field(default_factory=Counter)
    examples: dict[Kind, list[Problem]] = field(default_factory=dict)
    """The first few problems of each kind, for the report; a bad corpus must not fill memory."""
    several_annotators: bool = False

    def add(self, problem: Problem) -> None:
        self.problems[problem.kind] += 1
        shown = self.examples.setdefault(problem.kind, [])
        if len(shown) < SHOWN_PROBLEMS:
            shown.append(problem)

    def add_empty(self, position: int, annotator: str, article_id: str) -> None:
        """An exported done article with no span and no document label."""
        self.empty += 1
        self.empty_examples.append((position, annotator, article_id))
        if len(self.empty_examples) > 4 * SHOWN_EMPTY:  # records come in any order
            self.empty_examples = sorted(self.empty_examples)[:SHOWN_EMPTY]

    def merge(self, other: Report) -> None:
        """Add another report of the same export to this one: a worker's share of its records.

        The outputs and whether they were written are left alone: they are the whole export's.
        """
        self.exported += other.exported
        self.not_done += other.not_done
        self.unannotated += other.unannotated
        self.overlapping += other.overlapping
        self.empty += other.empty
        self.empty_examples = sorted(self.empty_examples + other.empty_examples)[:SHOWN_EMPTY]
        self.dropped += other.dropped
        self.parts.update(other.parts)
        self.labels.update(other.labels)
        self.left_out.update(other.left_out)
        self.problems.update(other.problems)
        self.several_annotators |= other.several_annotators
        for kind, problems in other.examples.items():
            shown = self.examples.setdefault(kind, [])
            shown.extend(problems[: SHOWN_PROBLEMS - len(shown)])

    def render(self) -> str:
        """The report: one screen, for stderr."""
        fmt = FORMATS[self.format]
        spans = sum(self.labels.values())
        where = ", ".join(self.outputs) if self.written else "nothing written"
        lines = [
            f"exported {self.exported:,} article{_s(self.exported)} with {spans:,} span{_s(spans)} "
            f"({self.format}): {where}"
        ]
        if self.parts:
            lines.append("  " + ", ".join(f"{part} {self.parts[part]:,}" for part in self.parts))
        if self.not_done:
            lines.append(
                f"  not exported: {self.not_done:,} annotated article{_s(self.not_done)} not "
                "marked done (--only all exports them)"
            )
        if self.unannotated:
            lines.append(f"  not exported: {self.unannotated:,} with nothing annotated")
        if self.labels:
            lines.append("spans per label: " + _counts(self.labels))
        if self.left_out:
            lines.append("  left out by the labels map: " + _counts(self.left_out))
        if self.overlapping and fmt.overlap_note:
            lines.append(
                f"  {self.overlapping:,} article{_s(self.overlapping)} with {fmt.overlap_note}"
            )
        if self.empty:
            lines.extend(self._empty_lines())
        if self.dropped:
            lines.append(
                f"dropped {self.dropped:,} article{_s(self.dropped)} with problems, not in the "
                "export:"
            )
            lines.extend(self._problem_lines(fmt))
        # Each line on its own: ids and details come from the store and the corpus as they are.
        return "\n".join(printable(line) for line in lines)

    def _empty_lines(self) -> list[str]:
        """The done articles exported with nothing labelled, apart: an article can truly have
        none, and one that was marked done too soon is found by its id."""
        shown = sorted(self.empty_examples)[:SHOWN_EMPTY]
        ids = ", ".join(
            (f"{annotator}/" if self.several_annotators else "")
            + truncate(printable(article_id), ID_WIDTH)
            for _, annotator, article_id in shown
        )
        more = self.empty - len(shown)
        return [
            f"  {self.empty:,} done article{_s(self.empty)} with no span and no document label, "
            "exported all the same:",
            f"    {ids}" + (f" ... and {more:,} more" if more > 0 else ""),
        ]

    def _problem_lines(self, fmt: Format) -> list[str]:
        """A heading per kind, then examples, SHOWN_PROBLEMS lines in all, shared among kinds."""
        kinds = [kind for kind in Kind if self.problems[kind]]
        budget = SHOWN_PROBLEMS - len(kinds)
        lines: list[str] = []
        shown = 0
        for left, kind in enumerate(kinds):
            heading = _HEADINGS[kind].format(format=fmt.name)
            lines.append(f"  {heading} ({self.problems[kind]:,})")
            share = max(0, budget - shown) // (len(kinds) - left)
            for problem in self.examples[kind][:share]:
                who = f"{problem.annotator}/" if self.several_annotators else ""
                detail = f": {problem.detail}" if problem.detail else ""
                lines.append(f"    {who}{problem.article_id}{detail}")
                shown += 1
        hidden = self.problems.total() - shown
        if hidden > 0:
            lines.append(f"  ... and {hidden:,} more")
        return lines


def _s(count: int) -> str:
    return "" if count == 1 else "s"


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{label} {count:,}" for label, count in counter.most_common())


def export(
    annotations: Iterable[tuple[str, Annotation]],
    corpus: Corpus,
    scheme: Scheme,
    output: Path | BinaryIO,
    options: ExportOptions | None = None,
) -> Report:
    """Check and write (annotator, annotation) records to `output`, a file path or a stream.

    A path is written atomically (with a split, as its train/dev/test files); a stream is
    written at the end, as a file is. Records are written in corpus order, one article's by
    annotator name, whatever order they come in. Raises ExportError for an export that cannot
    be done at all, before anything is written; problems with single articles drop them and go
    to the report.
    """
    return export_laid_out(annotations, corpus, scheme, output, options)[0]


def export_laid_out(
    annotations: Iterable[tuple[str, Annotation]],
    corpus: Corpus,
    scheme: Scheme,
    output: Path | BinaryIO,
    options: ExportOptions | None = None,
) -> tuple[Report, dict[str, Layout]]:
    """`export`, and the layout of each part it wrote ("" without a split) in a format of
    chunks: what a worker process hands back, for its files to be put together in order."""
    options = options or ExportOptions()
    fmt = FORMATS.get(options.format)
    if fmt is None:
        raise ExportError(f"unknown format {options.format!r}; choose one of {', '.join(FORMATS)}")
    if options.only not in ONLY:
        raise ExportError(f"--only {options.only!r}: choose done or all")
    if options.labels_map is not None:
        options.labels_map.check(scheme)
    if not isinstance(output, Path):
        if fmt.folder:
            raise ExportError(f"{fmt.name} writes a folder of files; name it with -o FOLDER")
        if fmt.binary:
            raise ExportError(f"{fmt.name} is a binary format; write it to a file with -o FILE")
        if options.split is not None:
            raise ExportError("--split writes three files; give -o a file name, not -")
    report = Report(fmt.name)
    if options.split is not None:
        report.parts.update(dict.fromkeys(PARTS, 0))
    checker = _Checker(corpus, scheme, fmt, options, report)
    outputs = _Outputs(output, fmt, scheme, options)
    try:
        with gc_paused():
            for annotator, annotation in annotations:
                article = corpus.get(annotation.article_id)
                try:
                    record = checker.check(annotator, annotation, article)
                    if record is not None:
                        part = options.split.part(record.article.id) if options.split else ""
                        outputs.write(part, record)
                        if part:
                            report.parts[part] += 1
                finally:
                    if article is not None:
                        article.unload()  # keeps memory flat: the text is not needed again
        report.several_annotators = len(checker.annotators) > 1
        report.outputs = outputs.names
        layouts = outputs.finish(commit=report.exported > 0)
        report.written = layouts is not None
    except BrokenPipeError:
        outputs.abort()
        raise  # the reader of stdout went away: the command line handles that
    except OSError as error:
        outputs.abort()
        raise ExportError(
            f"writing {', '.join(outputs.names)} failed ({error.strerror or error}); "
            "nothing was written"
        ) from None
    except BaseException:
        outputs.abort()
        raise
    return report, layouts or {}


def companions(
    output: Path, fmt: Format, scheme: Scheme, options: ExportOptions, *, inside: bool = False
) -> dict[Path, bytes]:
    """The format's companion files for `output`: beside it (out.jsonl.config.xml), or `inside`
    a folder format's folder."""
    if fmt.companions is None:
        return {}
    return {
        output / name if inside else output.with_name(f"{output.name}.{name}"): data
        for name, data in fmt.companions(scheme, options.labels_map).items()
    }


class _Outputs:
    """One writer per part (just "" without a split), over atomic files or folders, or a
    stream; and the format's companion files beside them.

    A format of chunks writes to a spool per part, copied into its file or the stream in order
    at the end; any other writes to the file (or folder), ordering its records itself.
    """

    def __init__(
        self, output: Path | BinaryIO, fmt: Format, scheme: Scheme, options: ExportOptions
    ) -> None:
        self.files: list[AtomicFile | AtomicFolder] = []
        self.stream: BinaryIO | None = None
        self.writers: dict[str, Writer] = {}
        self.sinks: dict[str, BinaryIO] = {}
        """Where each part's records end up: its file's stream, or the stream."""
        self.spools: dict[str, Spool] = {}
        self.companions: dict[Path, bytes] = {}
        keywords = {name: getattr(options, name) for name in fmt.options}
        try:
            if not isinstance(output, Path):
                self.names = ["-"]
                self.stream = output
                self._open("", output, fmt, scheme, None, "", keywords)
                return
            paths = part_paths(output, fmt.extension) if options.split else {"": output}
            self.names = [str(path) for path in paths.values()]
            for part, path in paths.items():
                if fmt.folder:
                    folder = AtomicFolder(path)
                    self.files.append(folder)
                    self.writers[part] = fmt.open(folder.path, scheme, **keywords)
                    self.companions.update(
                        companions(folder.path, fmt, scheme, options, inside=True)
                    )
                    continue
                file = AtomicFile(path)
                self.files.append(file)
                target = Target.of(path)
                self._open(part, file.stream, fmt, scheme, target.scratch, target.prefix, keywords)
            if not fmt.folder:
                self.companions = companions(output, fmt, scheme, options)
                self.names.extend(str(path) for path in self.companions)
        except BaseException:
            self.abort()
            raise

    def _open(
        self,
        part: str,
        sink: BinaryIO,
        fmt: Format,
        scheme: Scheme,
        scratch: Path | None,
        prefix: str,
        keywords: dict[str, Any],
    ) -> None:
        self.sinks[part] = sink
        if fmt.chunks:
            spool = self.spools[part] = Spool(scratch, prefix)
            self.writers[part] = fmt.open(spool.file, scheme, **keywords)
        else:
            self.writers[part] = fmt.open(sink, scheme, **keywords)

    def write(self, part: str, record: Record) -> None:
        self.writers[part].write(record)
        spool = self.spools.get(part)
        if spool is not None:
            spool.note(record.position, record.annotator)

    def finish(self, *, commit: bool) -> dict[str, Layout] | None:
        """Close the writers and, if `commit`, write the records in order and replace the
        output files (and their companions): the layout of each part in chunks, or None when
        nothing was written. A stream is always written."""
        if self.stream is None and not commit:
            self.abort()
            return None
        layouts: dict[str, Layout] = {}
        for part, writer in self.writers.items():
            writer.close()
            spool = self.spools.get(part)
            if spool is not None:
                layouts[part] = spool.copy_to(self.sinks[part])
                spool.close()
        if self.stream is not None:
            self.stream.flush()
        for path, data in self.companions.items():
            atomic_write(path, data, sync_dir=False)
        for file in self.files:
            file.commit()
        return layouts

    def abort(self) -> None:
        for spool in self.spools.values():
            spool.close()
        for file in self.files:
            file.abort()


class _Checker:
    """Turns a stored annotation into a Record, or drops it and reports why."""

    def __init__(
        self,
        corpus: Corpus,
        scheme: Scheme,
        fmt: Format,
        options: ExportOptions,
        report: Report,
    ) -> None:
        self.corpus = corpus
        self.scheme = scheme
        self.fmt = fmt
        self.only_done = options.only == "done"
        self.labels_map = options.labels_map
        self.report = report
        self.label_names = scheme.label_names
        # Each group's values with their place in the scheme, to order a multi-choice group.
        self.orders = {
            group.name: {value.name: index for index, value in enumerate(group.values)}
            for group in scheme.groups
        }
        self.annotators: set[str] = set()
        self.positions = {article.id: index for index, article in enumerate(corpus)}
        """Each article's place in the corpus: the order records are written in."""

    def check(
        self, annotator: str, annotation: Annotation, article: Article | None
    ) -> Record | None:
        report = self.report
        self.annotators.add(annotator)
        if self.only_done:
            if annotation.status is not Status.DONE:
                report.not_done += 1
                return None
        elif _unannotated(annotation):
            report.unannotated += 1
            return None
        if article is None:
            return self._drop(annotator, annotation, [(Kind.MISSING, "")])
        try:
            text = article.text
        except CorpusError as error:
            return self._drop(annotator, annotation, [(Kind.UNREADABLE, str(error))])
        if annotation.text_sha != article.text_sha:
            return self._drop(annotator, annotation, [(Kind.STALE, article.location)])
        problems: list[tuple[Kind, str]] = []
        if annotation.review:
            count = len(annotation.review)
            problems.append((Kind.REVIEW, f"{count} span{_s(count)}"))
        spans, left_out = self._spans(annotation, text, problems)
        tokens = TokenIndex(text) if self.fmt.tokens else None
        if tokens is not None:
            for span in spans:
                why = _off_tokens(tokens, span)
                if why:
                    problems.append((Kind.BOUNDARY, f"{_show(span)} {why}"))
        overlapping = first_overlap(spans)
        if overlapping and not self.fmt.overlap:
            first, second = overlapping
            problems.append((Kind.OVERLAP, f"{_show(first)} and {_show(second)}"))
        doc_labels = self._doc_labels(annotation, problems)
        if problems:
            return self._drop(annotator, annotation, problems)
        report.exported += 1
        labels = report.labels
        for span in spans:
            labels[span.label] += 1
        if left_out:
            report.left_out.update(left_out)
        report.overlapping += overlapping is not None
        position = self.positions[article.id]
        if (
            annotation.status is Status.DONE
            and not annotation.spans
            and not any(annotation.doc_labels.values())
        ):
            report.add_empty(position, annotator, article.id)
        return Record(
            annotator, article, text, annotation, tuple(spans), doc_labels, tokens, position
        )

    def _drop(
        self, annotator: str, annotation: Annotation, problems: list[tuple[Kind, str]]
    ) -> None:
        self.report.dropped += 1
        for kind, detail in problems:
            self.report.add(Problem(kind, annotation.article_id, annotator, detail))

    def _spans(
        self, annotation: Annotation, text: str, problems: list[tuple[Kind, str]]
    ) -> tuple[list[Span], list[str]]:
        """The spans to export (labels mapped, sorted) and the labels the map left out."""
        spans: list[Span] = []
        left_out: list[str] = []
        length = len(text)
        names, labels_map = self.label_names, self.labels_map
        for span in annotation.spans:
            if span.label not in names:
                problems.append((Kind.LABEL, _show(span)))
                continue
            if span.end > length:
                problems.append((Kind.BOUNDS, f"{_show(span)} ends after the text ({length})"))
                continue
            found = text[span.start : span.end]
            if found != span.text:
                problems.append((Kind.TEXT, f"{_show(span)}: the text there is {_quote(found)}"))
                continue
            label = labels_map(span.label) if labels_map else span.label
            if label is None:
                left_out.append(span.label)
            elif label == span.label:
                spans.append(span)
            else:
                spans.append(Span(span.start, span.end, label, span.text, span.source))
        if labels_map:
            spans.sort()  # a renamed label can change the order of two spans on one stretch
        return spans, left_out

    def _doc_labels(self, annotation: Annotation, problems: list[tuple[Kind, str]]) -> DocLabels:
        """Every group of the scheme, in its order: a list (multi) or a value or None (single)."""
        orders = self.orders
        for name, values in annotation.doc_labels.items():
            order = orders.get(name)
            if order is None:
                if values:
                    problems.append((Kind.DOC_LABEL, f"group {name!r}"))
                continue
            unknown = [value for value in values if value not in order]
            if unknown:
                problems.append((Kind.DOC_LABEL, f"{name}: {', '.join(unknown)}"))
        labels: dict[str, list[str] | str | None] = {}
        for group in self.scheme.groups:
            order = orders[group.name]
            chosen = sorted(
                {v for v in annotation.doc_labels.get(group.name, ()) if v in order},
                key=order.__getitem__,
            )
            if group.multi:
                labels[group.name] = chosen
            elif len(chosen) > 1:
                problems.append(
                    (Kind.DOC_LABEL, f"{group.name} takes one value, not {', '.join(chosen)}")
                )
            else:
                labels[group.name] = chosen[0] if chosen else None
        return labels


def _unannotated(annotation: Annotation) -> bool:
    """Nothing to export: no span, document label or note, and never given a status."""
    return (
        annotation.status is Status.TODO
        and not annotation.spans
        and not annotation.review
        and not annotation.note
        and not any(annotation.doc_labels.values())
    )


def first_overlap(spans: list[Span]) -> tuple[Span, Span] | None:
    """The first two overlapping spans of sorted `spans`, if any."""
    widest: Span | None = None
    for span in spans:
        if widest is not None and span.start < widest.end:
            return widest, span
        if widest is None or span.end > widest.end:
            widest = span
    return None


def _off_tokens(tokens: TokenIndex, span: Span) -> str:
    """Why `span` does not start and end on token boundaries, or "" when it does."""
    reasons = []
    if not tokens.is_start(span.start):
        inside = tokens.token_at(span.start)
        reasons.append(
            f"starts inside the token {_quote(tokens[inside].text)}"
            if inside is not None
            else "starts on whitespace"
        )
    if not tokens.is_end(span.end):
        inside = tokens.token_at(span.end - 1)
        reasons.append(
            f"ends inside the token {_quote(tokens[inside].text)}"
            if inside is not None
            else "ends on whitespace"
        )
    return " and ".join(reasons)


def _show(span: Span) -> str:
    return f"{span.start}-{span.end} {span.label} {_quote(span.text)}"


def _quote(text: str, width: int = 40) -> str:
    """A short, one-line repr of a piece of text."""
    return repr(truncate(text, width))
