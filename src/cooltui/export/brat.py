"""brat's standoff format: a folder with a .txt and a .ann file per article, and annotation.conf.

The .txt is the article's text as UTF-8, exactly: brat counts offsets in code points, as we do,
and our normalised text has no "\\r" for brat's reading to fold. The .ann holds, one per line:

    T0  Document 0 N  <first line>     the document, when it has document labels or a note
    A1  <group> T0 <VALUE>             the value of a single-choice group
    A2  <group>_<VALUE> T0             each value chosen of a multi-choice group (binary)
    #1  AnnotatorNotes T0  <note>      the note, its line breaks and tabs made spaces
    T1  PER 0 5  Wan                   each span, in order

(fields separated by one tab, values by one space). T0 covers the first line that holds text,
from its first non-blank character to the line's end or its first tab, trailing blanks left out:
"0 N" for a text that starts with its title, and never an empty text (which parsers such as
bratly refuse) nor a tab (which those that split the line at tabs cut short).

A .ann line cannot hold a line break, nor a tab inside a span's text: a span over one is cut
into fragments there, the blanks beside the break left out, their texts joined with a space,
as brat's own editor does it (server/src/annotator.py, _create_span):
"T2\\tLOC 10 14;15 20\\tKota Dumai" for "Kota\\nDumai" at 10.

File names: `file_stem`. With several annotators, the articles of each are told apart by the
annotator's name after the id: <id>.<annotator>.txt (see BratWriter).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

from cooltui.errors import CoolError
from cooltui.export.labels import LabelsMap, exported_labels
from cooltui.export.record import DocLabels, Record
from cooltui.scheme import Scheme

DOCUMENT = "Document"
"""The entity type of T0, the document, which the document labels and the note are attached to."""
NOTES = "AnnotatorNotes"
"""The comment type brat shows as an annotation's note."""

_PIECE = re.compile(r"[^\n\t]+")
"""A stretch of text with no line break or tab, which a .ann line cannot hold in an annotation's
text (a normalised text has no other line break)."""
_FIRST_TEXT = re.compile(r"\S[^\n\t]*")
"""From the first non-blank character to the end of its line or a tab."""
_NOTE_BREAK = re.compile("\r\n|[\t\n\v\f\r\x1c-\x1e\x85\u2028\u2029]")
"""A note is not normalised: every line break that str.splitlines knows, and tabs."""

# File names. An id keeps its ASCII letters, digits, "-" and "_"; any other character is
# written as the %XX of its UTF-8 bytes, "%" and "." included, so that no id can name a path
# ("/", ".."), a hidden file, a control character or another id's file, and the first "." of a
# name ends the id. An annotator's name is escaped so too but keeps its dots: the store allows
# only letters, digits, ".", "_" and "-" in it, so it stays as it is. A part longer than
# _MAX_PART (or empty) is cut and ends in "~" and a hash of the whole: the name stays unique, at
# most 245 bytes, but the id can no longer be read from it.
_ID_ESCAPE = re.compile(r"[^A-Za-z0-9_\-]")
_ANNOTATOR_ESCAPE = re.compile(r"[^A-Za-z0-9_.\-]")
_MAX_PART = 120
_CUT_ESCAPE = re.compile(r"%[0-9A-F]?\Z")
"""The start of a %XX escape that cutting a long name split."""


class BratError(CoolError):
    """A scheme or a span brat cannot hold, or a file name taken twice; the message says what to
    do."""


# --- file names --------------------------------------------------------------------------------


def file_stem(article_id: str, annotator: str | None = None) -> str:
    """The file name of an article's .txt and .ann without the extension: the id escaped (see
    above), then "." and the annotator when the export holds several."""
    stem = _part(article_id, _ID_ESCAPE)
    return stem if annotator is None else f"{stem}.{_annotator_part(annotator)}"


def split_stem(stem: str) -> tuple[str | None, str | None]:
    """(article id, annotator) of a name file_stem made; the id is None when the name was cut
    (match the article by its text then), the annotator None when the name has none."""
    id_part, dot, annotator_part = stem.partition(".")
    article_id = None if "~" in id_part else unquote(id_part, errors="surrogatepass")
    if not dot or "~" in annotator_part:
        return article_id, None
    return article_id, unquote(annotator_part, errors="surrogatepass")


def _annotator_part(annotator: str) -> str:
    return _part(annotator, _ANNOTATOR_ESCAPE)


def _part(text: str, unsafe: re.Pattern[str]) -> str:
    escaped = unsafe.sub(_escape, text)
    if 0 < len(escaped) <= _MAX_PART:
        return escaped
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"{_CUT_ESCAPE.sub('', escaped[:96])}~{digest}"


def _escape(match: re.Match[str]) -> str:
    return "".join(f"%{byte:02X}" for byte in match.group().encode("utf-8", "surrogatepass"))


# --- configuration -----------------------------------------------------------------------------


def attribute_names(scheme: Scheme) -> list[str]:
    """brat's attribute of each single-choice group, and of each value of a multi-choice one."""
    return [
        name
        for group in scheme.groups
        for name in (
            [f"{group.name}_{value.name}" for value in group.values]
            if group.multi
            else [group.name]
        )
    ]


def check_names(scheme: Scheme, labels_map: LabelsMap | None = None) -> None:
    """Fail, before anything is written, if two things would have one name in brat: a span
    label named Document, or attributes such as group a_b's and value b of group a's."""
    taken = {DOCUMENT: "brat's document entity"}
    names = [(label, f"span label {label}") for label in exported_labels(scheme, labels_map)]
    names += [(name, f"document label attribute {name}") for name in attribute_names(scheme)]
    for name, what in names:
        if name in taken:
            raise BratError(
                f"{scheme.path or scheme.name}: {what} and {taken[name]} would both be named "
                f"{name!r} in brat; rename one in the scheme (or map the label with "
                "--labels-map) to export to brat"
            )
        taken[name] = what


CONF_MARK = "made by cooltui export"
"""What the first line of the configurations this export writes says: the brat reader
(cooltui.imports.readers.brat) reads file names as this export made them when it is there."""


def annotation_conf(scheme: Scheme, labels_map: LabelsMap | None = None) -> str:
    """brat's annotation.conf: the span labels and Document as entities, no relations or
    events, and the document label groups as attributes of Document.

    The one line in [relations] is brat's declaration of the overlaps it allows (brat 1.3's
    <OVERLAP>, not a relation an annotator can draw): any span may overlap the document's T0,
    and each other too when the scheme allows overlap; without it brat's verifier reports
    every span on the first line as an error.
    """
    check_names(scheme, labels_map)
    overlapped = "<ENTITY>" if scheme.allow_overlap else DOCUMENT
    return _conf(
        f"# brat's annotation configuration, {CONF_MARK} from scheme {scheme.name}.",
        "[entities]",
        *exported_labels(scheme, labels_map),
        DOCUMENT,
        "",
        "[relations]",
        f"<OVERLAP>\tArg1:<ENTITY>, Arg2:{overlapped}, <OVL-TYPE>:<ANY>",
        "",
        "[events]",
        "",
        "[attributes]",
        *_attribute_lines(scheme),
    )


def _attribute_lines(scheme: Scheme) -> Iterator[str]:
    for group in scheme.groups:
        if group.multi:
            yield from (f"{group.name}_{value.name}\tArg:{DOCUMENT}" for value in group.values)
        else:
            values = "|".join(value.name for value in group.values)
            yield f"{group.name}\tArg:{DOCUMENT}, Value:{values}"


def visual_conf(scheme: Scheme, labels_map: LabelsMap | None = None) -> str:
    """brat's visual.conf: each span label in its colour in cooltui (the first of those mapped
    to it), the document white, and brat's defaults for the rest."""
    from rich.color import Color  # a small module; only an export to brat needs it

    colours: dict[str, str] = {}
    for label in scheme.labels:
        name = labels_map(label.name) if labels_map is not None else label.name
        if name is not None and name not in colours:
            colours[name] = Color.parse(label.color).get_truecolor().hex
    return _conf(
        f"# brat's visual configuration, {CONF_MARK} from scheme {scheme.name}.",
        "[labels]",
        "",
        "[drawing]",
        "SPAN_DEFAULT\tfgColor:black, bgColor:lightgreen, borderColor:darken",
        "ARC_DEFAULT\tcolor:black",
        "ATTRIBUTE_DEFAULT\tglyph:*",
        f"{DOCUMENT}\tbgColor:#ffffff",
        *(f"{name}\tbgColor:{colour}" for name, colour in colours.items()),
    )


def _conf(*lines: str) -> str:
    return "\n".join(lines) + "\n"


# --- annotations -------------------------------------------------------------------------------


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """[start, end) cut at its line breaks and tabs, the blanks beside each cut left out, as
    brat does; the span's own ends stay where they are. ValueError for a span of nothing but
    breaks and blanks, which brat cannot hold."""
    found: list[tuple[int, int]] = []
    for match in _PIECE.finditer(text, start, end):
        first, last = match.span()
        piece = match.group()
        if first > start:  # after a break
            first += len(piece) - len(piece.lstrip())
        if last < end:  # before a break
            last -= len(piece) - len(piece.rstrip())
        if first < last:
            found.append((first, last))
    if not found:
        raise ValueError(f"span {start}-{end} holds only line breaks and blanks")
    return found


def ann_text(record: Record, scheme: Scheme) -> str:
    """The .ann file of one record."""
    text = record.text
    lines = _document_lines(text, record.doc_labels, record.annotation.note, scheme)
    for number, span in enumerate(record.spans, 1):
        try:
            pieces = fragments(text, span.start, span.end)
        except ValueError as error:
            raise BratError(
                f"{record.article.id}: {error}; brat cannot hold it: fix it in cooltui"
            ) from None
        offsets = ";".join(f"{first} {last}" for first, last in pieces)
        shown = " ".join(text[first:last] for first, last in pieces)
        lines.append(f"T{number}\t{span.label} {offsets}\t{shown}")
    return "".join(f"{line}\n" for line in lines)


def _document_lines(text: str, doc_labels: DocLabels, note: str, scheme: Scheme) -> list[str]:
    """T0 with its attributes and note; nothing when the record has no document label or note."""
    attributes = list(_attributes(doc_labels, scheme))
    if not attributes and not note:
        return []
    found = _FIRST_TEXT.search(text)
    start, first_line = (found.start(), found.group().rstrip()) if found else (0, "")
    lines = [f"T0\t{DOCUMENT} {start} {start + len(first_line)}\t{first_line}"]
    lines += [
        f"A{number}\t{name} T0" + (f" {value}" if value is not None else "")
        for number, (name, value) in enumerate(attributes, 1)
    ]
    if note:
        lines.append(f"#1\t{NOTES} T0\t{_NOTE_BREAK.sub(' ', note)}")
    return lines


def _attributes(doc_labels: DocLabels, scheme: Scheme) -> Iterator[tuple[str, str | None]]:
    """(attribute, value) of each value chosen: a single-choice group's attribute has the value,
    a multi-choice group's is binary (None)."""
    for group in scheme.groups:
        chosen = doc_labels.get(group.name)
        values = chosen if isinstance(chosen, list) else [] if chosen is None else [chosen]
        for value in values:
            yield (f"{group.name}_{value}", None) if group.multi else (group.name, value)


# --- the writer --------------------------------------------------------------------------------


class BratWriter:
    """Writes each record's .txt and .ann into `folder` as it comes.

    While every record is one annotator's, files are named <id>.txt and <id>.ann. When a second
    annotator's record comes, the export holds several, and every file says whose it is: those
    written so far are renamed <id>.<first annotator>.txt, and the rest are named so too. The
    name then tells the annotator of every file, and an article two annotators did gets two
    pairs of files. Files are created, never replaced: a name taken twice (two ids that differ
    only in letter case, on a file system that ignores it) stops the export.
    """

    def __init__(
        self, folder: Path, scheme: Scheme, *, labels_map: LabelsMap | None = None
    ) -> None:
        check_names(scheme, labels_map)
        self.folder = folder
        self.scheme = scheme
        self.first_annotator: str | None = None
        self.several = False
        self.unnamed: list[str] = []
        """The stems written before a second annotator came, without an annotator."""

    def write(self, record: Record) -> None:
        annotator = record.annotator
        if self.first_annotator is None:
            self.first_annotator = annotator
        elif not self.several and annotator != self.first_annotator:
            self._name_annotators(self.first_annotator)
        stem = file_stem(record.article.id, annotator if self.several else None)
        self._create(f"{stem}.ann", ann_text(record, self.scheme))
        self._create(f"{stem}.txt", record.text)
        if not self.several:
            self.unnamed.append(stem)

    def _name_annotators(self, first: str) -> None:
        self.several = True
        suffix = _annotator_part(first)
        for stem in self.unnamed:  # no id's stem holds a ".": no rename replaces a file
            for extension in ("txt", "ann"):
                old = self.folder / f"{stem}.{extension}"
                old.rename(self.folder / f"{stem}.{suffix}.{extension}")
        self.unnamed = []

    def _create(self, name: str, content: str) -> None:
        path = self.folder / name
        try:
            with path.open("xb") as file:
                file.write(content.encode())
        except FileExistsError:
            raise BratError(
                f"{path}: two articles would have this file: their ids differ only in letter "
                "case and this file system ignores it; export to a case-sensitive one"
            ) from None

    def close(self) -> None:
        pass
