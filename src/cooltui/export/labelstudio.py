"""Label Studio's import JSON, and the labelling config made from the scheme that accepts it.

A task is one article: {"id", "data": {"text", "id", "title", ...}, "annotations": [...],
"meta": {"annotators": [...]}}, with one annotation per annotator (or, `as_predictions`, one
prediction each, for Label Studio to offer as pre-annotations). An annotation's results are a
"labels" result per span (from_name "label"), a "choices" result per document label group that
has a value (from_name the group's name) and a "textarea" result for the note (from_name
"note"): the names of the tags `labeling_config` writes, so a project with that config takes
the tasks as they are.

What Label Studio's import does with the fields (label_studio/tasks/serializers.py): it gives
tasks ids of its own (ours serve its SDK's converter, which needs one, and anyone matching
files), takes `ground_truth` as true when it is missing, and refuses any `completed_by` that is
not one of its users' ids or e-mails: an annotator's name would stop the whole import, so it is
not written there; `meta.annotators` names them in the order of the annotations instead.
Offsets count code points, or with `utf16` UTF-16 units, which is how the browser counts them:
a text with an emoji needs it to show its spans in place.
"""

from __future__ import annotations

from base64 import urlsafe_b64encode
from collections.abc import Iterator
from hashlib import blake2b
from itertools import groupby
from operator import itemgetter
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

import orjson

from cooltui.export.labels import LabelsMap, exported_labels
from cooltui.export.order import Spool
from cooltui.export.output import ExportError
from cooltui.export.record import Record
from cooltui.model import Status
from cooltui.offsets import Utf16Offsets
from cooltui.scheme import Scheme

LABELS = "label"
"""The name of the Labels tag, every span result's from_name."""
TEXT = "text"
"""The name of the Text tag (every result's to_name) and the key of the text in task data."""
NOTE = "note"
"""The name of the TextArea tag that holds the annotator's note."""
MODEL_VERSION = "cooltui"
"""What predictions name as the model that made them."""

_Entry = tuple[int, str, int, int, int]
"""A spooled record: (position, annotator, offset, length of the task's head, of its item)."""


# --- offsets -----------------------------------------------------------------------------------


# --- the labelling config ----------------------------------------------------------------------


def labeling_config(scheme: Scheme, labels_map: LabelsMap | None = None) -> str:
    """The labelling config XML of a project that takes this scheme's export (with
    `labels_map`, the labels it exports to): its span labels with their colours, a Choices
    tag per document label group and a TextArea for the note."""
    check_names(scheme)
    lines = ["<View>", f"  <Labels name={_quote(LABELS)} toName={_quote(TEXT)}>"]
    lines += [
        f"    <Label value={_quote(name)} background={_quote(colour)}/>"
        for name, colour in _coloured(scheme, labels_map)
    ]
    lines += ["  </Labels>", f"  <Text name={_quote(TEXT)} value={_quote('$' + TEXT)}/>"]
    for group in scheme.groups:
        choice = "multiple" if group.multi else "single"
        lines += [
            f"  <Header value={_quote(group.name)}/>",
            f"  <Choices name={_quote(group.name)} toName={_quote(TEXT)} "
            f'choice="{choice}" showInLine="true">',
            *(f"    <Choice value={_quote(value.name)}/>" for value in group.values),
            "  </Choices>",
        ]
    lines += [
        f"  <Header value={_quote(NOTE)}/>",
        f"  <TextArea name={_quote(NOTE)} toName={_quote(TEXT)}/>",
        "</View>",
    ]
    return "\n".join(lines) + "\n"


def _coloured(scheme: Scheme, labels_map: LabelsMap | None) -> list[tuple[str, str]]:
    """(name, #rrggbb) of each label the export writes; a label several map to takes the
    colour of the first."""
    exported = exported_labels(scheme, labels_map)
    return [(name, _hex(label.color)) for name, label in exported.items()]


def check_names(scheme: Scheme) -> None:
    """Fail before anything is written when a group's Choices tag would take the name of the
    Labels tag: Label Studio refuses a config with a name twice (the scheme already keeps
    groups from being named "text" or "note")."""
    if scheme.group(LABELS) is not None:
        where = f"{scheme.path}: " if scheme.path else ""
        raise ExportError(
            f"{where}group {LABELS!r} has the name of Label Studio's span labels tag; rename "
            "the group in the scheme to export to labelstudio"
        )


def _quote(value: str) -> str:
    # Always double quotes: Label Studio checks names with a regex that looks for name="...".
    return '"' + escape(value, {'"': "&quot;"}) + '"'


def _hex(colour: str) -> str:
    """A scheme colour (#rrggbb or one of rich's names, which CSS may not know) as #rrggbb."""
    from rich.color import Color  # a small module: it does not pull in rich's console

    return Color.parse(colour).get_truecolor().hex


# --- the tasks ---------------------------------------------------------------------------------


def task_id(article_id: str) -> int:
    """A task's id: from the article id, so the same in every export; 48 bits, which a
    JavaScript number holds exactly."""
    return int.from_bytes(blake2b(article_id.encode(), digest_size=6).digest(), "big")


def task_data(record: Record) -> dict[str, Any]:
    """What Label Studio shows and keeps with the text: the task's "data"."""
    article = record.article
    return {
        TEXT: record.text,
        "id": article.id,
        "title": article.full_title,
        "outlet": article.outlet,
        "date": article.date,
        "source": article.location,
    }


def results(record: Record, origin: str, utf16: bool) -> list[dict[str, Any]]:
    """The results of one record: its spans, its groups that have a value, its note."""
    found: list[dict[str, Any]] = []
    ids = _result_ids(record)
    offset = Utf16Offsets(record.text).to_utf16 if utf16 else _unchanged
    for span in record.spans:
        value = {
            "start": offset(span.start),
            "end": offset(span.end),
            "text": span.text,
            "labels": [span.label],
        }
        found.append(_result(next(ids), LABELS, "labels", origin, value))
    for group, chosen in record.doc_labels.items():
        values = chosen if isinstance(chosen, list) else [] if chosen is None else [chosen]
        if values:
            found.append(_result(next(ids), group, "choices", origin, {"choices": values}))
    note = record.annotation.note
    if note:
        found.append(_result(next(ids), NOTE, "textarea", origin, {"text": [note]}))
    return found


def _unchanged(offset: int) -> int:
    return offset


def _result(
    result_id: str, from_name: str, kind: str, origin: str, value: dict[str, Any]
) -> dict[str, Any]:
    return {
        "id": result_id,
        "from_name": from_name,
        "to_name": TEXT,
        "type": kind,
        "origin": origin,
        "value": value,
    }


def _result_ids(record: Record) -> Iterator[str]:
    """Ids like Label Studio's own (ten URL-safe characters), the same in every export, and
    distinct across a task's annotations: the editor links regions by id."""
    seed = f"{record.article.id}\0{record.annotator}\0".encode()
    number = 0
    while True:
        digest = blake2b(seed + str(number).encode(), digest_size=8).digest()
        yield urlsafe_b64encode(digest).decode()[:10]
        number += 1


class LabelStudioWriter:
    """Label Studio's import JSON: one array of tasks, one task per article in corpus order.

    An article's records must become one task, and the array's brackets and commas are not any
    record's own bytes, so each record's pieces go to a temporary file as they come (memory
    stays flat) and `close` writes the array in the order of (record.position,
    record.annotator): the format is not one of chunks.
    """

    def __init__(
        self, out: BinaryIO, scheme: Scheme, *, as_predictions: bool = False, utf16: bool = False
    ) -> None:
        check_names(scheme)
        self.out = out
        self.as_predictions = as_predictions
        self.utf16 = utf16
        self.spool = Spool(None)
        self.entries: list[_Entry] = []
        self.end = 0

    def write(self, record: Record) -> None:
        head = orjson.dumps({"id": task_id(record.article.id), "data": task_data(record)})
        item = orjson.dumps(self._item(record))
        self.spool.file.write(head + item)
        self.entries.append((record.position, record.annotator, self.end, len(head), len(item)))
        self.end += len(head) + len(item)

    def _item(self, record: Record) -> dict[str, Any]:
        """The record's annotation, or prediction."""
        if self.as_predictions:
            found = results(record, "prediction", self.utf16)
            return {"result": found, "model_version": MODEL_VERSION}
        return {
            "result": results(record, "manual", self.utf16),
            "lead_time": record.annotation.seconds,
            "ground_truth": False,
            "was_cancelled": record.annotation.status is Status.SKIPPED,
        }

    def close(self) -> None:
        try:
            self._write_tasks()
        finally:
            self.spool.close()

    def _write_tasks(self) -> None:
        out, source = self.out, self.spool.file
        source.flush()
        key = "predictions" if self.as_predictions else "annotations"
        written = 0
        for _, group in groupby(sorted(self.entries), key=itemgetter(0)):
            records = list(group)
            _, _, offset, head_length, _ = records[0]
            source.seek(offset)
            head = source.read(head_length)
            items = []
            for _, _, offset, head_length, item_length in records:
                source.seek(offset + head_length)
                items.append(source.read(item_length))
            meta = orjson.dumps({"annotators": [annotator for _, annotator, *_ in records]})
            out.write(b",\n" if written else b"[\n")
            # head is {"id":..,"data":{..}}: the task goes on where its closing brace was.
            out.write(b"".join((head[:-1], b',"', key.encode(), b'":[')))
            out.write(b",".join(items) + b'],"meta":' + meta + b"}")
            written += 1
        out.write(b"\n]\n" if written else b"[]\n")
