"""What the readers of other tools' JSON share: records streamed from a file of one JSON object a
line or from one JSON array (ijson), messages that name the record, the first record's shape
for claims(), and the checks on a span's offsets.

Numbers come in as int or float, never Decimal: ijson is asked for floats.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import IO, Any

import ijson
import orjson

from cooltui.imports.source import SourceError, SourceSpan

JSON_SUFFIXES = frozenset({".json", ".jsonl", ".jsonlines", ".ndjson"})
"""The extensions a JSON reader's claims() accepts."""

COOLTUI_KEYS = ("spans", "status", "annotator")
"""Keys that, together, mark a line of cooltui's own export jsonl, which no other reader claims."""

_BOM = codecs.BOM_UTF8
_WHITESPACE = b" \t\r\n"
_PROBE = 64 * 1024
FIRST_RECORD_LIMIT = 16 * 1024 * 1024
"""How far claims() reads on for a first record longer than the head it is given."""
_SHOWN = 40
"""How many characters of a bad value a message shows."""


# --- Opening ---------------------------------------------------------------------------------


@contextmanager
def open_source(path: Path) -> Iterator[IO[bytes]]:
    """`path` opened for reading bytes, past a UTF-8 byte order mark (Windows tools write one)."""
    try:
        file = path.open("rb")
    except OSError as error:
        raise SourceError(f"{path}: cannot read it ({error.strerror or error})") from None
    with file:
        if file.read(len(_BOM)) != _BOM:
            file.seek(0)
        yield file


def first_char(path: Path) -> str:
    """The first character of `path` past the byte order mark and whitespace: "[" for one
    JSON array, "{" for JSON lines or one object, "" for an empty file."""
    with open_source(path) as file:
        while chunk := file.read(_PROBE):
            if stripped := chunk.lstrip(_WHITESPACE):
                return chr(stripped[0])
    return ""


# --- Records ---------------------------------------------------------------------------------


def records(
    path: Path, noun: str, fix: str, *, arrays: bool = True
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(where, object) for each record of `path`, which holds one JSON array of them (unless
    not `arrays`) or one a line: where is "data.jsonl:12" for a line, "tasks.json: task 3" for
    the third item of an array (`noun` names an item). SourceError for an empty file, bad
    UTF-8, invalid or truncated JSON and a record that is not an object; `fix` says what to
    do."""
    start = first_char(path)
    if not start:
        raise SourceError(f"{path}: the file is empty; {fix}")
    if start == "[" and not arrays:
        raise SourceError(f"{path}: the file is one JSON array, not one JSON object a line; {fix}")
    if start == "[":
        numbered = ((f"{path}: {noun} {n}", value) for n, value in array_items(path, noun, fix))
    else:
        numbered = ((f"{path}:{n}", value) for n, value in json_lines(path, fix))
    for where, value in numbered:
        yield where, as_object(where, value, fix)


def json_lines(path: Path, fix: str) -> Iterator[tuple[int, Any]]:
    """(line number from 1, value) of each line of `path` that is not blank."""
    with open_source(path) as file:
        for number, raw in enumerate(file, 1):
            if not raw.strip():
                continue
            try:
                value = orjson.loads(raw)
            except orjson.JSONDecodeError as error:
                raise SourceError(
                    f"{path}:{number}: {_line_problem(raw, number, error)}; {fix}"
                ) from None
            yield number, value


def _line_problem(raw: bytes, number: int, error: orjson.JSONDecodeError) -> str:
    try:
        raw.decode()
    except UnicodeDecodeError as bad:
        return f"not UTF-8 text (byte {bad.start + 1} of the line)"
    if number == 1 and raw.strip() == b"{":
        return "the file is one JSON object spread over lines, not one JSON object a line"
    if not raw.endswith(b"\n") and str(error).startswith("unexpected end of data"):
        return "the last line is cut short (the file is truncated)"
    return f"not valid JSON ({error})"


def array_items(path: Path, noun: str, fix: str, prefix: str = "item") -> Iterator[tuple[int, Any]]:
    """(index from 1, value) of each item of the JSON array `path` holds, streamed; with
    prefix "" the one JSON value the file holds."""
    with open_source(path) as file:
        items = ijson.items(file, prefix, use_float=True)
        index = 0
        while True:
            try:
                value = next(items)
            except StopIteration:
                return
            except ijson.JSONError as error:
                raise SourceError(
                    f"{path}: {noun} {index + 1}: {_stream_problem(error)}; {fix}"
                ) from None
            index += 1
            yield index, value


def _stream_problem(error: ijson.JSONError) -> str:
    # yajl's messages run over several lines (the text around the fault, a pointer) and
    # may be bytes: the first line says what is wrong.
    message = error.args[0] if error.args else ""
    if isinstance(message, bytes):
        message = message.decode(errors="replace")
    first = next(iter(str(message).strip().splitlines()), "unknown error")
    if "UTF8" in first:
        return "not UTF-8 text"
    if "premature EOF" in first:
        return "the file ends in the middle of it (the file is truncated)"
    return f"not valid JSON ({first})"


def as_object(where: str, value: Any, fix: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise SourceError(f"{where}: not a JSON object but {kind(value)}; {fix}")
    return value


def kind(value: Any) -> str:
    """What a JSON value is, for messages: "a list", "a string", ..."""
    match value:
        case dict():
            return "an object"
        case list():
            return "a list"
        case str():
            return "a string"
        case bool():
            return "true or false"
        case int() | float():
            return "a number"
        case None:
            return "null"
    return type(value).__name__


def shown(value: Any) -> str:
    """`value` as JSON, cut short, for a message."""
    # The standard library's json, not orjson: it shows any int, and NaN.
    text = json.dumps(value, ensure_ascii=False, default=repr)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


# --- Fields and spans ------------------------------------------------------------------------


def optional_id(value: Any) -> str | None:
    """A record's id as cooltui keeps it: str() of a string or a whole number, else None."""
    if isinstance(value, str) and value:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def optional_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def span(where: str, what: str, start: Any, end: Any, label: Any, text: Any = None) -> SourceSpan:
    """A SourceSpan, or SourceError naming `where` and the span (`what`: "span 2") when its
    offsets are not whole numbers with 0 <= start < end or its label is not a string. Whether
    the offsets fit the text is the import's check."""
    for name, offset in (("start", start), ("end", end)):
        if not isinstance(offset, int) or isinstance(offset, bool):
            raise SourceError(
                f"{where}: {what}: {name} {shown(offset)} is not a whole number; "
                "give character offsets"
            )
    if not 0 <= start < end:
        raise SourceError(
            f"{where}: {what}: [{start}, {end}) is empty or negative; "
            "give 0 <= start < end, end exclusive"
        )
    if not isinstance(label, str) or not label:
        raise SourceError(f"{where}: {what}: label {shown(label)} is not a name; give its label")
    return SourceSpan(start, end, label, text if isinstance(text, str) else None)


# --- Shape, for claims() ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Shape:
    """The first record of a JSON file, as far as the head holds it."""

    in_array: bool
    """The file is one JSON array (else one object a line, or one object)."""
    kinds: dict[str, str] = field(default_factory=dict)
    """Each top-level key: the kind of its value ("object", "array", "string", "number",
    "boolean", "null")."""
    first_items: dict[str, str] = field(default_factory=dict)
    """Each key whose value is a non-empty array: the kind of its first item."""

    def has(self, key: str, value_kind: str | None = None) -> bool:
        return key in self.kinds and value_kind in (None, self.kinds[key])

    def has_any(self, keys: tuple[str, ...]) -> bool:
        return any(key in self.kinds for key in keys)

    @property
    def cooltui(self) -> bool:
        """A line of cooltui's own export jsonl."""
        return all(key in self.kinds for key in COOLTUI_KEYS)


_KINDS = {
    "start_map": "object",
    "start_array": "array",
    "string": "string",
    "number": "number",
    "integer": "number",
    "double": "number",
    "boolean": "boolean",
    "null": "null",
}


def first_shape(path: Path, head: bytes) -> Shape | None:
    """The shape of the first record of the file `path`, whose first bytes are `head`. None
    when `path` has no JSON extension, or the file does not start with a JSON object (one a
    line, or alone) or an array of them. A first record longer than the head is read on in
    the file, up to FIRST_RECORD_LIMIT bytes."""
    if path.suffix.lower() not in JSON_SUFFIXES:
        return None
    shape, whole = _shape(head)
    if not whole and path.is_file():
        with open_source(path) as file:
            shape, _ = _shape(file.read(FIRST_RECORD_LIMIT))
    return shape if shape is not None and shape.kinds else None


def _shape(head: bytes) -> tuple[Shape | None, bool]:
    """The shape of the first record in `head`, and whether the record ends in it."""
    body = head.removeprefix(_BOM).lstrip(_WHITESPACE)
    if body[:1] not in (b"[", b"{"):
        return None, True
    in_array = body[:1] == b"["
    shape = Shape(in_array)
    record = "item" if in_array else ""
    key_prefix = f"{record}." if record else ""
    key: str | None = None
    events = ijson.parse(BytesIO(body), multiple_values=True, use_float=True)
    try:
        for prefix, event, value in events:
            if prefix == record:
                if event == "map_key":
                    key = value
                elif event == "end_map":
                    return shape, True
                elif event != "start_map":
                    return None, True  # an array of something else, or a bare value
            elif key is not None:
                _note_value(shape, key, prefix.removeprefix(key_prefix), event)
    except ijson.JSONError:
        pass  # the head ends inside the record, or the file is broken: read() will say so
    return shape, False


def _note_value(shape: Shape, key: str, path: str, event: str) -> None:
    """Note an event of the value of `key` (at `path` below the record) in `shape`: the
    value's own first event, and the first event of an array's first item."""
    if path == key:
        shape.kinds.setdefault(key, _KINDS.get(event, event))
    elif path == f"{key}.item" and shape.kinds[key] == "array":
        shape.first_items.setdefault(key, _KINDS.get(event, event))
