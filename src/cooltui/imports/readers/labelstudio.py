"""Label Studio's JSON export: one array of tasks, streamed with ijson; also a file of one task a
line, a single task (Label Studio's target storage writes one file per task), and the JSON-MIN
export.

A task is {"id", "data": {"text", ...}, "annotations": [{"id", "completed_by", "was_cancelled",
"result": [...]}], "predictions": [{"result", "score", "model_version"}], "meta"}. A result is
{"from_name", "to_name", "type", "value"}:
- "labels": a region {"start", "end", "text", "labels": [...]}, one span per label;
- "choices": {"choices": [...]}, document labels named "from_name:CHOICE";
- "textarea": {"text": [...]}, the note, a line each;
- "hypertextlabels", "paragraphlabels": xpath offsets into HTML or dialogue, not supported;
- any other type (relation, rating, taxonomy, ...) is not read: meta["ignored"] names them.
The last annotation not cancelled is taken (done; meta["other_annotations"] counts those passed
over); with none, the prediction with the highest score (not done, meta["prediction"]); a task
whose annotations were all cancelled is read with left_out saying so. The annotator is the
annotation's completed_by (a user id, or the user's email), else its name in meta["annotators"]
(cooltui's export). The record's id is the task's own document id when its data or meta has one
("id"), else Label Studio's task id; where names the task by Label Studio's id.

JSON-MIN flattens a task: its data's keys, "id", and one key per control tag (from_name) beside
"annotator", "annotation_id", "created_at", "updated_at", "lead_time". Regions and choice lists
keep their shape there, but a single choice or a one-line text area becomes a bare string that
cannot be told from the task's data: bare strings go to meta["fields"], not to the labels.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from cooltui.imports.readers import jsonlines
from cooltui.imports.source import SourceError, SourceRecord, SourceSpan

UNSUPPORTED_TYPES = ("hypertextlabels", "paragraphlabels")
"""Regions whose offsets are xpaths into HTML, or into a dialogue's paragraphs."""

MIN_KEYS = frozenset(
    {"id", "annotator", "annotation_id", "created_at", "updated_at", "lead_time", "agreement"}
)
"""Keys JSON-MIN adds to a task's data."""

PRODIGY_KEYS = ("_input_hash", "_task_hash")
"""Keys of a Prodigy task, which a Label Studio one never has."""

_FIX = "export the project from Label Studio again as JSON, or name the file's --format"
_XPATH_FIX = (
    "only regions of a <Text> tag labelled with <Labels> can be imported; "
    "leave this task out of the file"
)


def claims(path: Path, head: bytes) -> bool:
    """A .json/.jsonl/.jsonlines/.ndjson file (one array, one object a line, or one object)
    whose first record has a "data" object (the JSON export, or tasks to import), or has both
    "annotation_id" and "lead_time" (JSON-MIN); and has none of Prodigy's hashes and is not a
    line of cooltui's jsonl."""
    shape = jsonlines.first_shape(path, head)
    return (
        shape is not None
        and (shape.has("data", "object") or (shape.has("annotation_id") and shape.has("lead_time")))
        and not shape.has_any(PRODIGY_KEYS)
        and not shape.cooltui
    )


def read(path: Path) -> Iterator[SourceRecord]:
    """The file's tasks in order, streamed."""
    for place, task in _tasks(path):
        task_id = jsonlines.optional_id(task.get("id"))
        where = place if task_id is None else f"{place} (id {task_id})"
        if "data" in task:
            yield _full(where, task)
        elif "annotation_id" in task:
            yield _minimal(where, task)
        else:
            raise SourceError(
                f'{where}: neither a task (it has no "data") nor a JSON-MIN record (no '
                f'"annotation_id"); {_FIX}'
            )


def _tasks(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    if jsonlines.first_char(path) == "{" and not _first_line_is_json(path):
        # One task spread over lines, as target storage writes it.
        for _, value in jsonlines.array_items(path, "task", _FIX, prefix=""):
            where = f"{path}: task 1"
            yield where, jsonlines.as_object(where, value, _FIX)
        return
    yield from jsonlines.records(path, "task", _FIX)


def _first_line_is_json(path: Path) -> bool:
    with jsonlines.open_source(path) as file:
        for raw in file:
            if raw.strip():
                try:
                    orjson.loads(raw)
                except orjson.JSONDecodeError:
                    return False
                return True
    return False


# --- Results -----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Found:
    """What a task's results come to."""

    spans: list[SourceSpan] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    ignored: set[str] = field(default_factory=set)

    def meta(self) -> dict[str, Any]:
        return {"ignored": sorted(self.ignored)} if self.ignored else {}


def _results(where: str, results: Any) -> _Found:
    found = _Found()
    for n, result in enumerate(_list(where, "result", results), 1):
        what = f"result {n}"
        if not isinstance(result, dict):
            raise SourceError(f"{where}: {what} is {jsonlines.kind(result)}, not an object; {_FIX}")
        kind = result.get("type")
        if kind in UNSUPPORTED_TYPES:
            raise SourceError(f"{where}: {what} is a {kind} region; {_XPATH_FIX}")
        if kind not in ("labels", "choices", "textarea"):
            found.ignored.add(str(kind))
            continue
        value = result.get("value")
        if not isinstance(value, dict):
            raise SourceError(f'{where}: {what} has no "value" object; {_FIX}')
        if kind == "labels":
            found.spans.extend(_region(where, what, value))
        elif kind == "choices":
            found.labels.extend(_choices(where, what, result.get("from_name"), value))
        else:
            found.notes.extend(_texts(value))
    return found


def _region(where: str, what: str, value: dict[str, Any]) -> Iterator[SourceSpan]:
    """One span per label of a text region."""
    for name in ("start", "end"):
        if name not in value:
            raise SourceError(f'{where}: {what} lacks "{name}"; {_FIX}')
    labels = value.get("labels")
    if not isinstance(labels, list):
        raise SourceError(f'{where}: {what} has no "labels" list; {_FIX}')
    for label in labels:
        yield jsonlines.span(where, what, value["start"], value["end"], label, value.get("text"))


def _choices(where: str, what: str, group: Any, value: dict[str, Any]) -> Iterator[str]:
    choices = value.get("choices")
    if not isinstance(choices, list):
        raise SourceError(f'{where}: {what} has no "choices" list; {_FIX}')
    for choice in choices:
        if not isinstance(choice, str):
            raise SourceError(
                f"{where}: {what}: choice {jsonlines.shown(choice)} is not a name; {_FIX}"
            )
        yield f"{group}:{choice}" if isinstance(group, str) and group else choice


def _texts(value: dict[str, Any]) -> list[str]:
    """A text area's lines: a list of strings, or one string."""
    texts = value.get("text")
    lines = texts if isinstance(texts, list) else [texts]
    return [line for line in lines if isinstance(line, str) and line]


def _list(where: str, key: str, value: Any) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise SourceError(f'{where}: "{key}" is {jsonlines.kind(value)}, not a list; {_FIX}')
    return value


# --- The JSON export -------------------------------------------------------------------------


def _full(where: str, task: dict[str, Any]) -> SourceRecord:
    data = task["data"]
    if not isinstance(data, dict):
        raise SourceError(f'{where}: "data" is {jsonlines.kind(data)}, not an object; {_FIX}')
    text_key, text = _text(where, data, "the task's data")
    meta = task.get("meta")
    meta = dict(meta) if isinstance(meta, dict) else {}
    choice = _choose(where, task, meta.get("annotators"))
    found = _results(where, choice.result)
    title = data.get("title") if text_key != "title" else None
    return SourceRecord(
        where=where,
        text=text,
        id=jsonlines.optional_id(data.get("id"))
        or jsonlines.optional_id(meta.get("id"))
        or jsonlines.optional_id(task.get("id")),
        spans=tuple(found.spans),
        labels=tuple(found.labels),
        note="\n".join(found.notes),
        done=choice.done,
        left_out=choice.left_out,
        annotator=choice.annotator,
        title=jsonlines.optional_str(title),
        meta=meta | choice.meta | found.meta(),
    )


@dataclass(frozen=True, slots=True)
class _Choice:
    """The annotation or prediction a task is read from."""

    result: Any = None
    done: bool = False
    annotator: str | None = None
    left_out: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


def _choose(where: str, task: dict[str, Any], names: Any) -> _Choice:
    """The last annotation not cancelled; else the prediction of the highest score; else
    nothing, left out when every annotation was cancelled. Who made it: its completed_by,
    else its name in `names` (cooltui's export lists the annotators in meta["annotators"], in
    the order of the annotations, since Label Studio takes only its own users there)."""
    # "completions" and "skipped": Label Studio before 1.0.
    annotations = _objects(where, "annotations", task.get("annotations", task.get("completions")))
    predictions = _objects(where, "predictions", task.get("predictions"))
    kept = [
        (n, a)
        for n, a in enumerate(annotations)
        if not (a.get("was_cancelled") or a.get("skipped"))
    ]
    if kept:
        index, last = kept[-1]
        return _Choice(
            last.get("result"),
            done=True,
            annotator=_annotator(last.get("completed_by")) or _nth_name(names, index),
            meta={"other_annotations": len(kept) - 1} if len(kept) > 1 else {},
        )
    if predictions:
        # The last of equal scores: max() keeps the first it meets.
        index, best = max(reversed(list(enumerate(predictions))), key=lambda p: _score(p[1]))
        return _Choice(
            best.get("result"),
            annotator=_nth_name(names, index),
            meta={
                "prediction": True,
                "model_version": best.get("model_version"),
                "score": best.get("score"),
            },
        )
    if annotations:
        return _Choice(left_out="Label Studio annotation cancelled")
    return _Choice()


def _objects(where: str, key: str, value: Any) -> list[dict[str, Any]]:
    items = _list(where, key, value)
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise SourceError(
                f'{where}: "{key}" item {n} is {jsonlines.kind(item)}, not an object; {_FIX}'
            )
    return items


def _score(prediction: dict[str, Any]) -> float:
    score = prediction.get("score")
    if isinstance(score, int | float) and not isinstance(score, bool) and not math.isnan(score):
        return float(score)
    return -math.inf


def _nth_name(names: Any, index: int) -> str | None:
    if isinstance(names, list) and index < len(names):
        return jsonlines.optional_str(names[index])
    return None


def _annotator(completed_by: Any) -> str | None:
    """Label Studio's user id, or the user's email when the export gives the user."""
    if isinstance(completed_by, dict):
        return jsonlines.optional_str(completed_by.get("email")) or jsonlines.optional_id(
            completed_by.get("id")
        )
    return jsonlines.optional_id(completed_by)


def _text(where: str, fields: dict[str, Any], what: str) -> tuple[str, str]:
    """The key and the text of a task: "text", else the one string among `fields`."""
    value = fields.get("text")
    if isinstance(value, str):
        return "text", value
    if "text" in fields:
        raise SourceError(
            f'{where}: "text" in {what} is {jsonlines.kind(value)}, not a string; '
            "only plain text tasks can be imported"
        )
    keys = [key for key, value in fields.items() if isinstance(value, str)]
    if len(keys) == 1:
        return keys[0], fields[keys[0]]
    if not keys:
        raise SourceError(f"{where}: no text in {what}; only text tasks can be imported")
    raise SourceError(
        f'{where}: {what} has several texts ({", ".join(keys)}) and none named "text"; '
        'rename the key of the text to import to "text"'
    )


# --- JSON-MIN ----------------------------------------------------------------------------------


def _minimal(where: str, task: dict[str, Any]) -> SourceRecord:
    fields = {key: value for key, value in task.items() if key not in MIN_KEYS}
    text_key, text = _text(where, fields, "the task")
    found = _Found()
    kept: dict[str, Any] = {}
    for key, value in fields.items():
        if key != text_key and not _read_output(where, key, value, found):
            kept[key] = value
    title = fields.get("title") if text_key != "title" else None
    return SourceRecord(
        where=where,
        text=text,
        id=jsonlines.optional_id(task.get("id")),
        spans=tuple(found.spans),
        labels=tuple(found.labels),
        note="\n".join(found.notes),
        done=task.get("annotation_id") is not None,
        annotator=_annotator(task.get("annotator")),
        title=jsonlines.optional_str(title),
        meta=({"fields": kept} if kept else {}) | found.meta(),
    )


def _read_output(where: str, key: str, value: Any, found: _Found) -> bool:
    """Read a JSON-MIN control tag's output (a list of regions, of choice lists or of text
    area lists) into `found`; False for anything else, which is the task's data or an output
    of a kind not read."""
    if not isinstance(value, list) or not value:
        return False
    kinds = [_output_kind(where, key, item) for item in value]
    if None in kinds:
        return False
    what = f'"{key}"'
    for item, kind in zip(value, kinds, strict=True):
        if kind == "labels":
            found.spans.extend(_region(where, what, item))
        elif kind == "choices":
            found.labels.extend(_choices(where, what, key, item))
        else:
            found.notes.extend(_texts(item))
    return True


def _output_kind(where: str, key: str, item: Any) -> str | None:
    """The result type a JSON-MIN output item is of, told by its keys (JSON-MIN drops
    "type"), or None for an item of no type read."""
    if not isinstance(item, dict):
        return None
    if any(name in item for name in (*UNSUPPORTED_TYPES, "startOffset")):
        raise SourceError(f'{where}: "{key}" holds xpath regions; {_XPATH_FIX}')
    if "labels" in item:
        return "labels"
    if isinstance(item.get("choices"), list):
        return "choices"
    if isinstance(item.get("text"), list):
        return "textarea"
    return None
