"""cooltui's own export jsonl (`cooltui export --format jsonl`), read back for `cooltui import`.

A line is {"id", "text", "spans": [{"start", "end", "label", "text", "source"}], one key per
document label group, "note", "status", "annotator", "meta": {"title", ...}}, as
cooltui.export.formats.jsonl_line writes it. The reader is strict on that shape and leaves the
offsets to the import's checks. SourceSpan has no source: the spans' sources go to
meta["sources"], a list aligned with the spans, and the status itself to meta["status"].
"""

from __future__ import annotations

from codecs import BOM_UTF8
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from cooltui.imports.source import SourceError, SourceRecord, SourceSpan
from cooltui.model import MANUAL, SUGGESTED, Status
from cooltui.scheme import EXPORT_FIELDS

LINE_KEYS = ("id", "text", "spans", "status", "annotator", "meta")
"""The keys every line of ours has and doccano's and Prodigy's JSONL lack (all of them)."""

SPAN_KEYS = ("start", "end", "label", "text")

FIRST_LINE_LIMIT = 64 * 1024 * 1024
"""How far claims() reads on for a first article longer than the head it is given."""

_FIX = "check that it was written by `cooltui export --format jsonl`, or name its --format"


def claims(path: Path, head: bytes) -> bool:
    """A file whose first non-blank line is an object with all of LINE_KEYS and a list of spans
    with all of SPAN_KEYS (an empty list too): the line itself decides, not the extension."""
    try:
        data = orjson.loads(_first_line(path, head))
    except orjson.JSONDecodeError:
        return False
    return (
        isinstance(data, dict)
        and all(key in data for key in LINE_KEYS)
        and isinstance(data["spans"], list)
        and all(isinstance(s, dict) and all(k in s for k in SPAN_KEYS) for s in data["spans"])
    )


def _first_line(path: Path, head: bytes) -> bytes:
    bom = len(BOM_UTF8) if head.startswith(BOM_UTF8) else 0
    start = len(head) - len(head[bom:].lstrip())
    end = head.find(b"\n", start)
    if end >= 0:
        return head[start:end]
    if not head.startswith(b"{", start) or not path.is_file():
        return b""
    # The first line starts an object longer than the head: read on to its end.
    with path.open("rb") as file:
        file.seek(start)
        return file.readline(FIRST_LINE_LIMIT)


def read(path: Path) -> Iterator[SourceRecord]:
    """The file's records, one line at a time; blank lines are skipped."""
    try:
        lines = path.open("rb")
    except OSError as error:
        raise SourceError(f"{path}: cannot read it ({error.strerror or error})") from None
    with lines:
        if lines.read(len(BOM_UTF8)) != BOM_UTF8:  # as an editor on Windows may save it
            lines.seek(0)
        for number, raw in enumerate(lines, 1):
            if raw.strip():
                yield _record(f"{path}:{number}", raw)


def _record(where: str, raw: bytes) -> SourceRecord:
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise SourceError(f"{where}: not JSON ({error}); {_FIX}") from None
    try:
        return _from_line(where, data)
    except _ShapeError as error:
        raise SourceError(f"{where}: not a cooltui jsonl record ({error}); {_FIX}") from None


class _ShapeError(Exception):
    """What is wrong with a line's shape, for SourceError's message."""


def _from_line(where: str, data: Any) -> SourceRecord:
    if not isinstance(data, dict):
        raise _ShapeError("the line is not a JSON object")
    spans = _field(data, "spans", list, "a list")
    given = _field(data, "status", str, "a string")
    # `cooltui suggest` writes this form with "suggested": offered, nobody's work.
    status = None if given == SUGGESTED else _status(given)
    meta = _field(data, "meta", dict, "an object")
    title = meta.get("title")
    return SourceRecord(
        where=where,
        text=_field(data, "text", str, "a string"),
        id=_field(data, "id", str, "a string"),
        spans=tuple(_span(span) for span in spans),
        labels=tuple(_labels(data)),
        note=_field(data, "note", str, "a string", default=""),
        done=status is Status.DONE,
        annotator=_field(data, "annotator", str, "a string"),
        title=title if isinstance(title, str) else None,
        meta={
            **meta,
            "sources": [_source(span) for span in spans],
            **({"status": status.value} if status is not None else {}),
        },
    )


def _status(value: str) -> Status:
    try:
        return Status(value)
    except ValueError:
        raise _ShapeError(f"unknown status {value!r}") from None


_MISSING = object()


def _field(data: dict[str, Any], key: str, kind: type, what: str, default: Any = _MISSING) -> Any:
    value = data.get(key, default)
    if value is _MISSING:
        raise _ShapeError(f"lacks {key!r}")
    # bool is an int to isinstance, and never an offset.
    if not isinstance(value, kind) or isinstance(value, bool):
        raise _ShapeError(f"{key!r} is not {what}")
    return value


def _span(data: Any) -> SourceSpan:
    if not isinstance(data, dict):
        raise _ShapeError("a span is not an object")
    return SourceSpan(
        start=_field(data, "start", int, "a whole number"),
        end=_field(data, "end", int, "a whole number"),
        label=_field(data, "label", str, "a string"),
        text=_field(data, "text", str, "a string"),
    )


def _source(data: dict[str, Any]) -> str:
    """Who made the span: "manual", or the rule that suggested it (older files lack it)."""
    return _field(data, "source", str, "a string", default=MANUAL)


def _labels(data: dict[str, Any]) -> Iterator[str]:
    """Each document label group (any key not a field of the format) as "group:VALUE"s."""
    for group, chosen in data.items():
        if group in EXPORT_FIELDS:
            continue
        values = chosen if isinstance(chosen, list) else [] if chosen is None else [chosen]
        if not all(isinstance(value, str) for value in values):
            raise _ShapeError(f"group {group!r} is not a value, a list of values or null")
        yield from (f"{group}:{value}" for value in values)
