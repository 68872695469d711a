"""CoNLL-2003 and other token-per-line files: the token in the first column, its tag in the last.

Columns are split at tabs when a line holds one (a token may then hold spaces), else at runs of
spaces. A blank line ends a sentence; "#" lines are comments, except "# id = X" and
"# doc_id = X", which name a record, and a "#" token with a tag (cooltui's export writes
"# -X- _ O"). Tags are read with one set of rules that decodes IOB2, IOB1, BIOES and BILOU
alike, so the scheme needs no detection: B- starts an entity; I- continues one of its label or
else starts one (IOB1, and an I- after O, as seqeval's default mode reads it); E-/L- ends one
(or is one token on its own); S-/U- is one token; O is outside. A sentence ends any entity.

Records: a file with a -DOCSTART- line or an id comment before its first token is read as
documents, one record per document (CoNLL-2003, cooltui's export): each -DOCSTART- and each id
comment after a token starts the next. Any other file (WikiANN, WNUT, the Hugging Face token
classification sets) holds independent sentences: one record per sentence. The record's text is
rebuilt from its tokens (one space between tokens, a line break between sentences) and the
offsets point into it; the file has no other text. Streamed: memory holds one record.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from cooltui.imports.source import SourceError, SourceRecord, SourceSpan

SUFFIXES = frozenset(
    {".conll", ".conll03", ".conll2003", ".iob", ".iob1", ".iob2", ".bio", ".bioes", ".bilou"}
)
DOCSTART = "-DOCSTART-"
OUTSIDE = "O"
PREFIXES = frozenset("BIESLU")
_CONTINUING = frozenset("IEL")
"""Prefixes that extend an open entity of their label."""
_ENDING = frozenset("ESLU")
"""Prefixes whose token is an entity's last."""

_ID_COMMENT = re.compile(r"#\s*(?:doc_)?id\s*=\s*(\S.*?)\s*\Z")

_TAG_HELP = (
    "the last column must be O or B-, I-, E-, S-, L- or U- and a label (IOB2, IOB1, BIOES or BILOU)"
)


def claims(path: Path, head: bytes) -> bool:
    """A file with a CoNLL suffix (SUFFIXES); or one whose head holds a token line and every
    whole line of it is blank, -DOCSTART-, a comment, or a token and a tag."""
    if not path.is_file():
        return False
    if path.suffix.lower() in SUFFIXES:
        return True
    lines = head.split(b"\n")
    if len(lines) > 1:
        lines.pop()  # the last line may be cut off by the head's end, or is empty
    try:
        kinds = [_kind(_columns(line.decode("utf-8-sig").rstrip("\r")))[0] for line in lines]
    except UnicodeDecodeError:
        return False
    return _TOKEN in kinds and _NOT_CONLL not in kinds


_BLANK, _DOCSTART, _COMMENT, _TOKEN, _NOT_CONLL = range(5)


def _kind(columns: list[str]) -> tuple[int, tuple[str, str] | None]:
    """What a line is, and the tag of a token line."""
    if not columns:
        return _BLANK, None
    if columns[0] == DOCSTART:
        return _DOCSTART, None
    tag = _tag(columns[-1]) if len(columns) > 1 else None
    # "# id = X" is a comment, "# -X- _ O" the token "#".
    if columns[0].startswith("#") and (tag is None or "=" in columns[1:-1]):
        return _COMMENT, None
    return (_NOT_CONLL, None) if tag is None else (_TOKEN, tag)


def _columns(line: str) -> list[str]:
    columns = [c.strip(" ") for c in line.split("\t")] if "\t" in line else line.split(" ")
    return [column for column in columns if column] if "" in columns else columns


def _tag(tag: str) -> tuple[str, str] | None:
    """(prefix, label) of a tag, ("", "") for O; None for what is not a tag."""
    if tag == OUTSIDE:
        return "", ""
    if len(tag) > 2 and tag[0] in PREFIXES and tag[1] == "-":
        return tag[0], tag[2:]
    return None


def read(path: Path) -> Iterator[SourceRecord]:
    """The file's records (documents or sentences, see the module's doc), streamed."""
    try:
        lines = path.open("rb")
    except OSError as error:
        raise SourceError(f"{path}: cannot read it ({error.strerror or error})") from None
    with lines:
        reader = _Reader(path)
        for number, raw in enumerate(lines, 1):
            record = reader.line(number, _decode(raw, path, number))
            if record is not None:
                yield record
        last = reader.next_record()
        if last is not None:
            yield last


def _decode(raw: bytes, path: Path, number: int) -> str:
    try:
        # The first line may start with a byte order mark.
        return raw.decode("utf-8-sig" if number == 1 else "utf-8").rstrip("\r\n")
    except UnicodeDecodeError as error:
        raise SourceError(
            f"{path}:{number}: not UTF-8 (bad byte 0x{raw[error.start]:02x}); "
            "save the file as UTF-8"
        ) from None


@dataclass(slots=True)
class _Record:
    """The record being read: its tokens' text and the entities decoded from their tags."""

    where: str = ""
    """The file and the line of the first token."""
    id: str | None = None
    pieces: list[str] = field(default_factory=list)
    """The tokens, and the space or line break before each but the first."""
    length: int = 0
    tokens: int = 0
    in_sentence: bool = False
    entities: list[tuple[int, int, str]] = field(default_factory=list)
    entity: tuple[int, int, str] | None = None
    """The entity still open: (start, end, label); a next token of its label may extend it."""

    def add(self, token: str, prefix: str, label: str) -> None:
        separator = (" " if self.in_sentence else "\n") if self.tokens else ""
        start = self.length + len(separator)
        end = start + len(token)
        self.pieces += (separator, token)
        self.length, self.tokens, self.in_sentence = end, self.tokens + 1, True
        entity = self.entity
        if entity is not None and entity[2] == label and prefix in _CONTINUING:
            self.entity = (entity[0], end, label)
        else:
            self.close()
            if prefix:
                self.entity = (start, end, label)
        if prefix in _ENDING:
            self.close()

    def close(self) -> None:
        if self.entity is not None:
            self.entities.append(self.entity)
            self.entity = None

    def end_sentence(self) -> None:
        self.close()
        self.in_sentence = False

    def finish(self) -> SourceRecord:
        self.close()
        text = "".join(self.pieces)
        return SourceRecord(
            where=self.where,
            text=text,
            id=self.id,
            spans=tuple(SourceSpan(s, e, label, text[s:e]) for s, e, label in self.entities),
        )


class _Reader:
    """Turns lines into records; each line ends at most one record."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.record = _Record()
        self.by_document: bool | None = None
        """Records are documents, or sentences; told at the first token."""
        self.marked = False
        """A -DOCSTART- line or an id comment came before the first token."""

    def line(self, number: int, line: str) -> SourceRecord | None:
        columns = _columns(line)
        kind, tag = _kind(columns)
        if kind == _BLANK:
            self.record.end_sentence()
            return None if self.by_document else self.next_record()
        if kind == _DOCSTART:
            self.marked = True
            return self.next_record()
        if kind == _COMMENT:
            found = _ID_COMMENT.match(line.strip())
            if found is None:
                return None
            self.marked = True
            finished = self.next_record()
            self.record.id = found.group(1)
            return finished
        if tag is None:
            self.refuse(number, columns)
        if self.by_document is None:
            self.by_document = self.marked
        if not self.record.tokens:
            self.record.where = f"{self.path}:{number}"
        self.record.add(columns[0], *tag)
        return None

    def next_record(self) -> SourceRecord | None:
        """The record read so far, and a new one started; None while it holds no token."""
        if not self.record.tokens:
            return None
        finished = self.record.finish()
        self.record = _Record()
        return finished

    def refuse(self, number: int, columns: list[str]) -> NoReturn:
        where = f"{self.path}:{number}"
        if len(columns) == 1:
            raise SourceError(f"{where}: no tag column in {columns[0]!r}; {_TAG_HELP}")
        raise SourceError(f"{where}: unknown tag {columns[-1]!r}; {_TAG_HELP}")
