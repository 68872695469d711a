"""doccano's JSONL (and its JSON array), as doccano 1.x exports it and as `cooltui export --format
doccano` writes it.

A record is {"text", ...} with, by project type:
- sequence labelling: "label": [[start, end, "LABEL"], ...] ("labels" in older doccano);
- relation extraction: "entities": [{"id", "label", "start_offset", "end_offset"}] beside
  "relations" (cooltui has no relations: they are not read);
- intent detection and slot filling: "entities": [[start, end, "LABEL"]] and "cats": [...];
- text classification: "label": ["A", "B"];
- cooltui's own export: "cats": ["group:VALUE", ...].
"id" is the example's id (doccano puts the uploaded "id" there), "Comments" become the note and
any other key is the example's metadata. doccano's export does not say whether an example was
confirmed, nor who annotated it (one file per user in its zip): records are not done.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cooltui.imports.readers import jsonlines
from cooltui.imports.source import SourceError, SourceRecord, SourceSpan

LABEL_KEYS = ("label", "labels")
"""Spans or categories: doccano 1.x writes "label", older versions "labels"."""

SHAPE_KEYS = (*LABEL_KEYS, "entities", "cats")
"""A doccano record has at least one of these, each a list."""

FOREIGN_KEYS = (
    "data",  # Label Studio
    "annotation_id",  # Label Studio's JSON-MIN
    "_input_hash",  # Prodigy
    "_task_hash",
    "answer",
    "spans",
    "tokens",
)
"""Keys of the other JSON formats, that a doccano record never has."""

KNOWN_KEYS = frozenset({"id", "text", "title", "relations", "Comments", *SHAPE_KEYS})
"""Keys read as fields: any other is the example's metadata."""

_FIX = "export the project from doccano again as JSONL, or name the file's --format"


def claims(path: Path, head: bytes) -> bool:
    """A .json/.jsonl/.jsonlines/.ndjson file (one object a line, or one array) whose first
    record has a "text" string, a list under at least one of "label", "labels", "entities",
    "cats", whose "label"/"labels" list does not start with an object, and none of
    FOREIGN_KEYS; and is not a line of cooltui's jsonl."""
    shape = jsonlines.first_shape(path, head)
    return (
        shape is not None
        and shape.has("text", "string")
        and any(shape.has(key, "array") for key in SHAPE_KEYS)
        and all(shape.first_items.get(key) != "object" for key in LABEL_KEYS)
        and not shape.has_any(FOREIGN_KEYS)
        and not shape.cooltui
    )


def read(path: Path) -> Iterator[SourceRecord]:
    """The file's records in order, streamed; blank lines are skipped."""
    for where, data in jsonlines.records(path, "record", _FIX):
        yield _record(where, data)


def _record(where: str, data: dict[str, Any]) -> SourceRecord:
    text = data.get("text")
    if not isinstance(text, str):
        raise SourceError(f'{where}: no "text" string; every doccano record needs its text')
    spans: list[SourceSpan] = []
    labels: list[str] = []
    for key in LABEL_KEYS:
        if key in data:
            _read_label_list(where, key, data[key], spans, labels)
    if "entities" in data:
        spans.extend(_entities(where, data["entities"]))
    if "cats" in data:
        labels.extend(_strings(where, "cats", data["cats"]))
    return SourceRecord(
        where=where,
        text=text,
        id=jsonlines.optional_id(data.get("id")),
        spans=tuple(spans),
        labels=tuple(labels),
        note=_comments(data.get("Comments")),
        title=jsonlines.optional_str(data.get("title")),
        meta={key: value for key, value in data.items() if key not in KNOWN_KEYS},
    )


def _read_label_list(
    where: str, key: str, value: Any, spans: list[SourceSpan], labels: list[str]
) -> None:
    """Spans ([start, end, LABEL]) or categories (strings) from a "label" list: one kind
    only, as doccano writes one per project type. A lone string is one category (doccano's
    import takes it so)."""
    if isinstance(value, str):
        labels.append(value)
        return
    items = _list(where, key, value)
    if all(isinstance(item, str) for item in items):
        labels.extend(items)
    elif all(isinstance(item, list) for item in items):
        spans.extend(_triple(where, f'"{key}" span {n}', item) for n, item in enumerate(items, 1))
    else:
        raise SourceError(
            f'{where}: "{key}" is neither a list of [start, end, label] spans nor a list of '
            f"category names; {_FIX}"
        )


def _entities(where: str, value: Any) -> Iterator[SourceSpan]:
    """Relation projects' {"start_offset", "end_offset", "label"} objects, or intent
    projects' [start, end, label] lists."""
    for n, item in enumerate(_list(where, "entities", value), 1):
        what = f"entity {n}"
        if isinstance(item, list):
            yield _triple(where, what, item)
            continue
        if not isinstance(item, dict):
            raise SourceError(
                f"{where}: {what} is {jsonlines.kind(item)}, not an object or a "
                f"[start, end, label] list; {_FIX}"
            )
        for field in ("start_offset", "end_offset", "label"):
            if field not in item:
                raise SourceError(f'{where}: {what} lacks "{field}"; {_FIX}')
        yield jsonlines.span(where, what, item["start_offset"], item["end_offset"], item["label"])


def _triple(where: str, what: str, item: list[Any]) -> SourceSpan:
    if len(item) != 3:
        raise SourceError(
            f"{where}: {what} is {jsonlines.shown(item)}, not [start, end, label]; {_FIX}"
        )
    return jsonlines.span(where, what, *item)


def _list(where: str, key: str, value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise SourceError(f'{where}: "{key}" is {jsonlines.kind(value)}, not a list; {_FIX}')
    return value


def _strings(where: str, key: str, value: Any) -> list[str]:
    items = _list(where, key, value)
    for item in items:
        if not isinstance(item, str):
            raise SourceError(
                f'{where}: "{key}" holds {jsonlines.shown(item)}, not a category name; {_FIX}'
            )
    return items


def _comments(value: Any) -> str:
    """doccano's "Comments": strings, or objects with a "text" (relation projects), one a
    line. Anything else in the list is not a comment's text and is passed over."""
    if not isinstance(value, list):
        return ""
    texts = (item.get("text") if isinstance(item, dict) else item for item in value)
    return "\n".join(text for text in texts if isinstance(text, str) and text)
