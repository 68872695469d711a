"""Pure values: spans and an article's annotation.

Offsets are Python string indices (code points) into the article's normalised text, end exclusive.
Values are immutable: an edit makes a new Annotation, which is what the store saves and what the
history keeps for undo.
"""

from __future__ import annotations

import time
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from itertools import compress, count
from operator import attrgetter, is_not
from typing import Any, Self

MANUAL = "manual"
"""The source of a span the annotator made by hand; a suggested span names its rule instead."""
MODEL_SOURCE = "model:"
"""How the source of a trained model's suggestion begins: "model:<its folder's name>"."""
SUGGESTED = "suggested"
"""The status of a record `cooltui suggest` writes: suggestions, nobody's work yet."""


class Status(StrEnum):
    """Where an annotator stands with an article."""

    TODO = "todo"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    SKIPPED = "skipped"
    FLAGGED = "flagged"

    @property
    def finished(self) -> bool:
        """Done and skipped articles are not offered again as the next one to work on."""
        return self in (Status.DONE, Status.SKIPPED)


class RecordError(ValueError):
    """A stored record that does not have the shape of an annotation."""


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A labelled stretch of an article's text: text == article_text[start:end]."""

    start: int
    end: int
    label: str
    text: str = field(compare=False)
    source: str = field(default=MANUAL, compare=False)

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError(f"span [{self.start}, {self.end}) is empty or negative")

    @property
    def key(self) -> tuple[int, int, str]:
        """What identifies a span within one article."""
        return (self.start, self.end, self.label)

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "label": self.label,
            "text": self.text,
            "source": self.source,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        try:
            start, end, label, text = data["start"], data["end"], data["label"], data["text"]
            source = data.get("source", MANUAL)
        except (KeyError, TypeError, AttributeError) as error:
            raise RecordError(f"span {data!r} lacks {error}") from None
        if not (
            type(start) is int
            and type(end) is int
            and isinstance(label, str)
            and isinstance(text, str)
            and isinstance(source, str)
        ):
            raise RecordError(f"span {data!r} has a field of the wrong type")
        try:
            return cls(start, end, label, text, source)
        except ValueError as error:
            raise RecordError(str(error)) from None


SPAN_ORDER = attrgetter("start", "end", "label")
"""The order spans are kept in, as a sort key: it compares in C, where the dataclass's own
ordering calls Python for every pair."""


def differing_stretch(old: Sequence[Span], new: Sequence[Span]) -> tuple[int, int, int]:
    """(first, old_stop, new_stop): the spans before `first` and those from `old_stop` in `old`
    (from `new_stop` in `new`) are the same objects in both; what an edit changed lies between.

    Compared by identity in C (no hashing, no dataclass __eq__), so a thousand shared spans cost
    microseconds. A span object appears at most once in a sequence.
    """
    shorter = min(len(old), len(new))
    first = next(compress(count(), map(is_not, old, new)), shorter)
    last = next(compress(count(), map(is_not, reversed(old), reversed(new))), shorter)
    last = min(last, shorter - first)
    return first, len(old) - last, len(new) - last


def _sorted(spans: Iterable[Span]) -> tuple[Span, ...]:
    return tuple(sorted(spans, key=SPAN_ORDER))


def _spans_from(items: Any, what: str) -> tuple[Span, ...]:
    if not isinstance(items, list):
        raise RecordError(f"{what} is not a list")
    return _sorted(Span.from_dict(item) for item in items)


@dataclass(frozen=True, slots=True)
class Annotation:
    """One annotator's work on one article.

    spans (like rejected and review) are sorted by start, end and label, as with_spans and
    from_dict leave them: lookups bisect them. doc_labels maps each document label group of the
    scheme to the values chosen, in the scheme's order; a single-choice group holds at most one.
    rejected keeps the suggestions the annotator turned down so they do not come back; review
    keeps the spans that could not be found again after the article's text changed
    (previous_text_sha is the text they were made on), and status_before_review the status the
    article had then: it comes back when the last of them is resolved. suggested and
    suggested_labels hold what `cooltui import --as-suggestions` brought in (another tool's or a
    model's predictions): offered like the rules' suggestions, never part of the work itself.
    """

    article_id: str
    text_sha: str
    spans: tuple[Span, ...] = ()
    doc_labels: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    note: str = ""
    status: Status = Status.TODO
    created: float = 0.0
    updated: float = 0.0
    seconds: float = 0.0
    rejected: tuple[Span, ...] = ()
    review: tuple[Span, ...] = ()
    previous_text_sha: str | None = None
    status_before_review: Status | None = None
    suggested: tuple[Span, ...] = ()
    suggested_labels: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def new(cls, article_id: str, text_sha: str, now: float | None = None) -> Self:
        stamp = time.time() if now is None else now
        return cls(article_id, text_sha, created=stamp, updated=stamp)

    # Edits: each returns a new value.

    def with_spans(self, spans: Iterable[Span]) -> Self:
        return replace(self, spans=_sorted(spans))

    # The spans are sorted: one span goes in or out at its bisected place, with no walk over
    # the other thousand (which sorting or filtering them would be, at every key press).

    def add_span(self, span: Span) -> Self:
        spans = self.spans
        at = bisect_right(spans, SPAN_ORDER(span), key=SPAN_ORDER)
        return replace(self, spans=(*spans[:at], span, *spans[at:]))

    def remove_span(self, span: Span) -> Self:
        """Without the spans of `span`'s key (start, end and label)."""
        spans, key = self.spans, SPAN_ORDER(span)
        first = bisect_left(spans, key, key=SPAN_ORDER)
        last = bisect_right(spans, key, lo=first, key=SPAN_ORDER)
        return replace(self, spans=spans[:first] + spans[last:]) if last > first else self

    def with_doc_labels(self, group: str, values: Iterable[str]) -> Self:
        labels = dict(self.doc_labels)
        labels[group] = tuple(values)
        return replace(self, doc_labels=labels)

    def with_note(self, note: str) -> Self:
        return replace(self, note=note)

    def with_status(self, status: Status) -> Self:
        """With `status` set; a status set by hand is kept when the review is resolved."""
        return replace(self, status=status, status_before_review=None)

    def with_suggestions(
        self, spans: Iterable[Span], labels: Mapping[str, tuple[str, ...]]
    ) -> Self:
        """With `spans` and `labels` as the imported suggestions, in place of any before."""
        return replace(self, suggested=_sorted(spans), suggested_labels=dict(labels))

    def reject(self, suggestion: Span) -> Self:
        if any(s.key == suggestion.key for s in self.rejected):
            return self
        return replace(self, rejected=_sorted((*self.rejected, suggestion)))

    def touched(self, now: float | None = None, seconds: float = 0.0) -> Self:
        """The same annotation stamped as updated now, with `seconds` more time spent on it."""
        stamp = time.time() if now is None else now
        return replace(self, updated=stamp, seconds=self.seconds + seconds)

    @property
    def is_empty(self) -> bool:
        """Nothing the annotator would miss if it were not saved."""
        return (
            not self.spans
            and not any(self.doc_labels.values())
            and not self.note
            and self.status is Status.TODO
            and not self.rejected
            and not self.review
            and not self.suggested
            and not any(self.suggested_labels.values())
        )

    # The stored form: plain JSON types only.

    def to_dict(self, span_dicts: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        """The record; `span_dicts`, if given, are the spans' to_dict()s, made already."""
        return {
            "id": self.article_id,
            "text_sha": self.text_sha,
            "spans": [s.to_dict() for s in self.spans] if span_dicts is None else span_dicts,
            "doc_labels": {group: list(values) for group, values in self.doc_labels.items()},
            "note": self.note,
            "status": self.status.value,
            "created": self.created,
            "updated": self.updated,
            "seconds": self.seconds,
            "rejected": [s.to_dict() for s in self.rejected],
            "review": [s.to_dict() for s in self.review],
            "previous_text_sha": self.previous_text_sha,
            "status_before_review": (
                self.status_before_review.value if self.status_before_review else None
            ),
            **self._suggestions_dict(),
        }

    def _suggestions_dict(self) -> dict[str, Any]:
        # Only when there are any: most records never hold imported suggestions.
        if not self.suggested and not self.suggested_labels:
            return {}
        return {
            "suggested": [s.to_dict() for s in self.suggested],
            "suggested_labels": {g: list(v) for g, v in self.suggested_labels.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Read a stored record; RecordError says what is wrong with a malformed one."""
        if not isinstance(data, Mapping):
            raise RecordError("record is not an object")
        try:
            article_id, text_sha = data["id"], data["text_sha"]
        except KeyError as error:
            raise RecordError(f"record lacks {error}") from None
        if not isinstance(article_id, str) or not isinstance(text_sha, str):
            raise RecordError("record id or text_sha is not a string")
        labels = _labels_from(data.get("doc_labels", {}), article_id, "doc_labels")
        suggested_labels = _labels_from(
            data.get("suggested_labels", {}), article_id, "suggested_labels"
        )
        status = _status(data.get("status", Status.TODO), article_id)
        before_review = data.get("status_before_review")
        if before_review is not None:
            before_review = _status(before_review, article_id)
        note = data.get("note", "")
        previous = data.get("previous_text_sha")
        numbers = [data.get(key, 0.0) for key in ("created", "updated", "seconds")]
        if (
            not isinstance(note, str)
            or not (previous is None or isinstance(previous, str))
            or not all(isinstance(n, int | float) and not isinstance(n, bool) for n in numbers)
        ):
            raise RecordError(f"record {article_id!r} has a field of the wrong type")
        created, updated, seconds = (float(n) for n in numbers)
        return cls(
            article_id=article_id,
            text_sha=text_sha,
            spans=_spans_from(data.get("spans", []), "spans"),
            doc_labels=labels,
            note=note,
            status=status,
            created=created,
            updated=updated,
            seconds=seconds,
            rejected=_spans_from(data.get("rejected", []), "rejected"),
            review=_spans_from(data.get("review", []), "review"),
            previous_text_sha=previous,
            status_before_review=before_review,
            suggested=_spans_from(data.get("suggested", []), "suggested"),
            suggested_labels=suggested_labels,
        )


def _labels_from(labels: Any, article_id: str, what: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(labels, Mapping) or not all(
        isinstance(values, list) and all(isinstance(v, str) for v in values)
        for values in labels.values()
    ):
        raise RecordError(f"record {article_id!r}: {what} is not a map of lists")
    return {group: tuple(values) for group, values in labels.items()}


def _status(value: Any, article_id: str) -> Status:
    try:
        return Status(value)
    except ValueError:
        raise RecordError(f"record {article_id!r}: unknown status {value!r}") from None
