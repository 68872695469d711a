"""Prodigy's JSONL, as `prodigy db-out` writes a dataset: one task a line.

A task is {"text", "tokens", "spans": [{"start", "end", "label", "token_start", "token_end"}],
"answer": "accept"|"reject"|"ignore", "_input_hash", "_task_hash", "_annotator_id", "meta",
...} from ner.manual and spans.manual; "options": [{"id", "text"}] with "accept": [option ids]
from textcat.manual and choice recipes; "label": "X" from binary recipes (textcat.teach). Span
offsets are character offsets; tokens are not needed for them and are not read.

Prodigy has no note: a "note" in the task's meta (where Prodigy shows it, and cooltui's export
puts it) is taken as one; "flagged" (Prodigy's flag) goes to meta["flagged"]. An accepted task
is done; a rejected or ignored one is read with left_out saying so, since
its spans and labels are what the annotator turned down. A task without "answer" (Prodigy's
input, or a model's output) is neither.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cooltui.imports.readers import jsonlines
from cooltui.imports.source import SourceError, SourceRecord, SourceSpan

ANSWERS = ("accept", "reject", "ignore")

MARKER_KEYS = (
    "_input_hash",
    "_task_hash",
    "_view_id",
    "_session_id",
    "_annotator_id",
    "answer",
    "tokens",
    "accept",
)
"""Keys Prodigy adds to a task, any of which marks one (besides "spans")."""

FOREIGN_KEYS = ("data", "annotation_id")
"""Label Studio's task and JSON-MIN keys, that a Prodigy task never has."""

_FIX = "export the dataset again with `prodigy db-out DATASET > FILE.jsonl`, or name its --format"


def claims(path: Path, head: bytes) -> bool:
    """A .json/.jsonl/.jsonlines/.ndjson file of one object a line (not an array) whose first
    record has a "text" string and a "spans" list or any of MARKER_KEYS, none of FOREIGN_KEYS,
    and is not a line of cooltui's jsonl (which has "spans" too, with "status" and
    "annotator")."""
    shape = jsonlines.first_shape(path, head)
    return (
        shape is not None
        and not shape.in_array
        and shape.has("text", "string")
        and (shape.has("spans", "array") or shape.has_any(MARKER_KEYS))
        and not shape.has_any(FOREIGN_KEYS)
        and not shape.cooltui
    )


def read(path: Path) -> Iterator[SourceRecord]:
    """The file's tasks in order, streamed; blank lines are skipped."""
    for where, data in jsonlines.records(path, "task", _FIX, arrays=False):
        yield _record(where, data)


def _record(where: str, data: dict[str, Any]) -> SourceRecord:
    text = data.get("text")
    if not isinstance(text, str):
        raise SourceError(f'{where}: no "text" string; only text tasks can be imported')
    answer = data.get("answer")
    if answer is not None and answer not in ANSWERS:
        raise SourceError(
            f"{where}: answer {jsonlines.shown(answer)} is not one of {', '.join(ANSWERS)}; {_FIX}"
        )
    meta = data.get("meta")
    meta = dict(meta) if isinstance(meta, dict) else {}
    if data.get("flagged") is True:  # Prodigy's flag button
        meta["flagged"] = True
    return SourceRecord(
        where=where,
        text=text,
        id=jsonlines.optional_id(meta.get("id")) or jsonlines.optional_id(data.get("id")),
        spans=tuple(_spans(where, data.get("spans"))),
        labels=tuple(_labels(where, data)),
        note=jsonlines.optional_str(meta.get("note")) or "",
        done=answer == "accept",
        left_out=None if answer in (None, "accept") else f"Prodigy answer {answer}",
        annotator=jsonlines.optional_str(data.get("_annotator_id"))
        or jsonlines.optional_str(data.get("_session_id")),
        title=jsonlines.optional_str(meta.get("title")),
        meta=meta,
    )


def _spans(where: str, value: Any) -> Iterator[SourceSpan]:
    if value is None:  # no "spans", or null
        return
    if not isinstance(value, list):
        raise SourceError(f'{where}: "spans" is {jsonlines.kind(value)}, not a list; {_FIX}')
    for n, item in enumerate(value, 1):
        what = f"span {n}"
        if not isinstance(item, dict):
            raise SourceError(f"{where}: {what} is {jsonlines.kind(item)}, not an object; {_FIX}")
        for field in ("start", "end", "label"):
            if field not in item:
                raise SourceError(
                    f'{where}: {what} lacks "{field}"; Prodigy spans need character offsets '
                    "start and end and a label"
                )
        yield jsonlines.span(
            where, what, item["start"], item["end"], item["label"], item.get("text")
        )


def _labels(where: str, data: dict[str, Any]) -> Iterator[str]:
    """The options accepted (their ids), and a binary task's "label"."""
    accepted = data.get("accept")
    if accepted is None:
        accepted = []
    elif not isinstance(accepted, list):
        raise SourceError(f'{where}: "accept" is {jsonlines.kind(accepted)}, not a list; {_FIX}')
    for option in accepted:
        option_id = jsonlines.optional_id(option)
        if option_id is None:
            raise SourceError(
                f'{where}: "accept" holds {jsonlines.shown(option)}, not an option id; {_FIX}'
            )
        yield option_id
    label = data.get("label")
    if isinstance(label, str) and label:
        yield label
