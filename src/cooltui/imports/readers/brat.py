"""brat standoff: a folder of <name>.txt and <name>.ann files, or one .ann (or .txt) file.

Each document is a record, read pair by pair in the order of their names (the folder itself
only, not its subfolders). Its id is the files' name without the extension; in a folder
cooltui's brat export wrote (its annotation.conf says so), names are read as that export makes
them: escaped ids, and the annotator after a "." when it held several. The text is the .txt as
it is, decoded from UTF-8 with its line breaks kept: brat's offsets count its characters, and
the import maps them onto the normalised text. A .txt without an .ann is a document nobody
annotated: it comes with no spans; an .ann without its .txt is an error.

From the .ann: each text-bound annotation (`T1<TAB>PER 0 5<TAB>Wan`) is a span. A
discontinuous one (`0 5;8 10`) is one span per fragment, except that fragments with nothing but
whitespace between them are one span: brat's editor (and cooltui's export) cut a span at each
line break it runs over. An entity of type "Document" is not a span: it carries the document's
labels and note, as cooltui's brat export writes them. Its attributes become labels
"group:VALUE": a multi-valued one (`A1<TAB>activity T0 SAMBANG`) as it is, a binary one
(`A2<TAB>themes_PERSATUAN T0`) split at its first "_" (a group name holding "_" is split
wrongly; a binary attribute with no "_" is a bare label); its AnnotatorNotes are the note.
Relations, events, normalisations, equivalences, and the attributes and notes of other
annotations have no place in cooltui: their ids go to meta["ignored"]. brat has no status: a
record is never done.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path

from cooltui.export.brat import CONF_MARK, split_stem
from cooltui.imports.source import SourceError, SourceRecord, SourceSpan

TEXT_SUFFIX = ".txt"
ANN_SUFFIX = ".ann"
DOCUMENT = "Document"
"""The entity type cooltui's brat export gives the whole document."""
FRAGMENT_SEPARATOR = " "
"""What brat puts between a discontinuous entity's fragments in its text field."""

CONF = "annotation.conf"

_IGNORED_KINDS = frozenset("RENP*")
"""Relations, events, normalisations and equivalences (P: brat's old relation prefix)."""
_FIX = "fix the line as brat's standoff format has it"


def claims(path: Path, head: bytes) -> bool:
    """An .ann file, or a folder holding one."""
    if path.is_dir():
        return next(path.glob(f"*{ANN_SUFFIX}"), None) is not None
    return path.suffix == ANN_SUFFIX and path.is_file()


Names = Callable[[str], tuple[str | None, str | None]]
"""(id, annotator) of a document, from its files' name without the extension."""


def read(path: Path) -> Iterator[SourceRecord]:
    """The documents of a folder, or the one of an .ann or .txt file."""
    documents = _documents(path)
    names = _names(path if path.is_dir() else path.parent)
    for text_path, ann_path in documents:
        yield _record(text_path, ann_path, *names(text_path.stem))


def _names(folder: Path) -> Names:
    if _made_by_cooltui(folder):
        return split_stem  # the export's own naming, undone
    return lambda stem: (stem, None)


def _made_by_cooltui(folder: Path) -> bool:
    try:
        with (folder / CONF).open("rb") as conf:
            return CONF_MARK.encode() in conf.readline(4096)
    except OSError:
        return False


def _documents(path: Path) -> list[tuple[Path, Path | None]]:
    """(.txt, .ann or None) of each document, by name."""
    if not path.is_dir():
        if path.suffix not in (TEXT_SUFFIX, ANN_SUFFIX):
            raise SourceError(f"{path}: not a brat .txt or .ann file; give a folder or an .ann")
        return [_pair(path.with_suffix(TEXT_SUFFIX), path.with_suffix(ANN_SUFFIX))]
    try:
        files = [entry for entry in path.iterdir() if entry.is_file()]
    except OSError as error:
        raise SourceError(f"{path}: cannot list it ({error.strerror or error})") from None
    stems = sorted({file.stem for file in files if file.suffix in (TEXT_SUFFIX, ANN_SUFFIX)})
    if not stems:
        raise SourceError(f"{path}: holds no .txt or .ann file; give the folder of a brat project")
    return [_pair(path / f"{stem}{TEXT_SUFFIX}", path / f"{stem}{ANN_SUFFIX}") for stem in stems]


def _pair(text_path: Path, ann_path: Path) -> tuple[Path, Path | None]:
    if text_path.is_file():
        return text_path, ann_path if ann_path.is_file() else None
    if ann_path.is_file():
        raise SourceError(
            f"{ann_path}: no {text_path.name} beside it; brat keeps each document's text in "
            "a .txt of the same name: put it there"
        )
    raise SourceError(f"{text_path}: no such file; give a brat folder or an .ann file")


def _record(
    text_path: Path, ann_path: Path | None, doc_id: str | None, annotator: str | None
) -> SourceRecord:
    text = _read_text(text_path)
    found = _Annotations()
    if ann_path is not None:
        for number, line in enumerate(_read_text(ann_path).split("\n"), 1):
            found.read(line.removesuffix("\r"), f"{ann_path}:{number}")
    return found.record(str(text_path), text, doc_id, annotator)


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SourceError(f"{path}: cannot read it ({error.strerror or error})") from None
    try:
        # Not "utf-8-sig": brat counts a byte order mark as a character.
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise SourceError(
            f"{path}:{line}: not UTF-8 (bad byte 0x{data[error.start]:02x}); save the file as UTF-8"
        ) from None


@dataclass(frozen=True, slots=True)
class _Entity:
    id: str
    type: str
    fragments: tuple[tuple[int, int], ...]
    text: str | None


@dataclass(slots=True)
class _Annotations:
    """What one .ann holds, read line by line, then put together (a line may name an entity
    defined further down)."""

    entities: list[_Entity] = field(default_factory=list)
    attributes: list[tuple[str, str, str, str | None]] = field(default_factory=list)
    """(id, name, target, value or None for a binary attribute)."""
    notes: list[tuple[str, str, str]] = field(default_factory=list)
    """(id, target, note)."""
    ignored: list[str] = field(default_factory=list)

    def read(self, line: str, where: str) -> None:
        if not line.strip():
            return
        ann_id, tab, rest = line.partition("\t")
        kind = ann_id[:1]
        if not tab or not ann_id:
            raise SourceError(f"{where}: no tab after the annotation's id; {_FIX}")
        if kind == "T":
            self.entities.append(_entity(ann_id, rest, where))
        elif kind in "AM":
            self.attributes.append(_attribute(ann_id, rest, where))
        elif kind == "#":
            body, _, note = rest.partition("\t")
            fields = body.split()
            if len(fields) != 2:
                raise SourceError(f"{where}: a note is #1<TAB>AnnotatorNotes T1<TAB>text; {_FIX}")
            self.notes.append((ann_id, fields[1], note))
        elif kind in _IGNORED_KINDS:
            self.ignored.append(ann_id)
        else:
            raise SourceError(
                f"{where}: unknown annotation {ann_id!r} (brat's start with T, R, E, A, M, N, "
                f"* or #); {_FIX}"
            )

    def record(
        self, where: str, text: str, doc_id: str | None, annotator: str | None
    ) -> SourceRecord:
        documents = {entity.id for entity in self.entities if entity.type == DOCUMENT}
        spans = [
            span
            for entity in self.entities
            if entity.type != DOCUMENT
            for span in _spans(entity, text)
        ]
        labels = [
            _label(name, value) for _, name, target, value in self.attributes if target in documents
        ]
        notes = [note for _, target, note in self.notes if target in documents]
        ignored = [
            *self.ignored,
            *(ann_id for ann_id, _, target, _ in self.attributes if target not in documents),
            *(ann_id for ann_id, target, _ in self.notes if target not in documents),
        ]
        return SourceRecord(
            where=where,
            text=text,
            id=doc_id,
            spans=tuple(spans),
            labels=tuple(labels),
            note="\n".join(notes),
            annotator=annotator,
            meta={"ignored": ignored} if ignored else {},
        )


def _entity(ann_id: str, rest: str, where: str) -> _Entity:
    """`TYPE START END[;START END]...<TAB>TEXT`."""
    body, _, text = rest.partition("\t")
    entity_type, _, offsets = body.partition(" ")
    try:
        if not entity_type:
            raise ValueError(body)
        fragments = tuple(_fragment(piece) for piece in offsets.split(";"))
    except ValueError:
        raise SourceError(
            f"{where}: {ann_id} is not ID<TAB>TYPE START END[;START END...]<TAB>TEXT with "
            f"whole-number offsets; {_FIX}"
        ) from None
    return _Entity(ann_id, entity_type, fragments, text if text else None)


def _fragment(piece: str) -> tuple[int, int]:
    start, end = piece.split()  # ValueError unless two
    if not (start.isascii() and start.isdigit() and end.isascii() and end.isdigit()):
        raise ValueError(piece)
    return int(start), int(end)


def _attribute(ann_id: str, rest: str, where: str) -> tuple[str, str, str, str | None]:
    """`NAME TARGET [VALUE]`."""
    fields = rest.split()
    if len(fields) not in (2, 3):
        raise SourceError(f"{where}: an attribute is A1<TAB>NAME T1 [VALUE]; {_FIX}")
    return ann_id, fields[0], fields[1], fields[2] if len(fields) == 3 else None


def _spans(entity: _Entity, text: str) -> list[SourceSpan]:
    """One span per fragment, fragments with only whitespace between them taken together; each
    with its text as the .ann gives it (the whitespace between fragments from the .txt)."""
    spans: list[SourceSpan] = []
    for (start, end), piece in zip(entity.fragments, _fragment_texts(entity), strict=True):
        last = spans[-1] if spans else None
        if last is None or last.end > start or text[last.end : start].strip():
            spans.append(SourceSpan(start, end, entity.type, piece))
            continue
        joined = (
            None
            if last.text is None or piece is None
            else last.text + text[last.end : start] + piece
        )
        spans[-1] = SourceSpan(last.start, end, entity.type, joined)
    return spans


def _fragment_texts(entity: _Entity) -> list[str | None]:
    lengths = [end - start for start, end in entity.fragments]
    text = entity.text
    if text is None or len(text) != sum(lengths) + len(FRAGMENT_SEPARATOR) * (len(lengths) - 1):
        return [text if len(lengths) == 1 else None for _ in lengths]
    starts = accumulate((length + len(FRAGMENT_SEPARATOR) for length in lengths), initial=0)
    return [text[start : start + length] for start, length in zip(starts, lengths, strict=False)]


def _label(name: str, value: str | None) -> str:
    """A document attribute as a label: "group:VALUE"; a binary one split at its first "_"."""
    if value is not None:
        return f"{name}:{value}"
    group, underscore, chosen = name.partition("_")
    return f"{group}:{chosen}" if underscore and group and chosen else name
