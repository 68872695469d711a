"""What every importer reads a record of another tool's file into, before any check.

A reader knows its format and nothing of cooltui's corpus, scheme or store: it gives the text and
the spans as the source holds them (offsets into that text, in the source's own unit) and says
where each record stands in the file, for messages. A file that is not of the format at all
(truncated, bad UTF-8, wrong shape) raises SourceError naming the file and the record.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from cooltui.errors import CoolError


class SourceError(CoolError):
    """A file, or a record of it, that cannot be read as its format: one line that names the
    file and the record ("tasks.json: task 3: ...") and says what to do. Nothing is imported."""


@dataclass(frozen=True, slots=True)
class SourceSpan:
    start: int
    end: int
    """Offsets into SourceRecord.text, end exclusive, in the source's unit: code points, or
    UTF-16 code units for JSON written by a browser (the importer tells them apart)."""
    label: str
    """As the source names it; the import maps it onto the scheme."""
    text: str | None = None
    """The span's text as the source gives it, when it does: a check on the offsets."""


@dataclass(frozen=True, slots=True)
class SourceRecord:
    where: str
    """The file and the record, for messages: "data.jsonl:12", "tasks.json: task 3"."""
    text: str
    """The text as the source holds it, not normalised."""
    id: str | None = None
    """The source's own id of the text, when it has one (str() of a number)."""
    spans: tuple[SourceSpan, ...] = ()
    labels: tuple[str, ...] = ()
    """Document labels as the source names them: "group:VALUE" (what cooltui exports) or a
    bare "VALUE"."""
    note: str = ""
    done: bool = False
    """The source marks the annotation finished or accepted."""
    left_out: str | None = None
    """Why the source itself says not to take this record (Prodigy's "answer": "reject"), as
    the report shows it; None to take it."""
    annotator: str | None = None
    """Who made the annotation, when the source says."""
    title: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


class Reader(Protocol):
    def __call__(self, path: Path) -> Iterator[SourceRecord]:
        """The records of `path`, streamed: memory stays flat on a file of gigabytes."""
        ...
