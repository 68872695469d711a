"""The edits an annotator makes to one article, as pure functions on Annotation values.

The app turns key presses into these calls and saves what they return; a refused edit raises
EditRefused with the message to show. Offsets are indices into the article's normalised text.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import replace
from itertools import accumulate
from operator import attrgetter
from typing import Any, ClassVar, Literal

from cooltui.anchor import review_key, settle_review
from cooltui.errors import CoolError
from cooltui.model import MANUAL, SPAN_ORDER, Annotation, Span, differing_stretch
from cooltui.scheme import Scheme
from cooltui.text import TokenIndex, truncate

_START, _END, _START_END = attrgetter("start"), attrgetter("end"), attrgetter("start", "end")
_RECENT_INDEXES = 4
_DERIVED_UP_TO = 64
"""An edit that changes at most this many spans updates a span index (from a recent one) and
the suggestions on offer from what it changed; a bigger one makes them afresh."""


class EditRefused(CoolError):
    """An edit that would break a rule of the scheme; the message says which."""


def _quote(text: str, width: int = 30) -> str:
    return f"“{truncate(text, width, flatten=True)}”"


def _check_overlap(annotation: Annotation, span: Span, scheme: Scheme, ignore: Span | None) -> None:
    if scheme.allow_overlap:
        return
    for other in SpanIndex.of(annotation.spans).overlapping(span):
        if other.key != span.key and (ignore is None or other.key != ignore.key):
            raise EditRefused(
                f"{_quote(span.text)} overlaps {other.label} {_quote(other.text)}; "
                "remove or shrink that span first (this scheme does not allow overlaps)"
            )


class SpanIndex:
    """Spans sorted by start, found by offset without a walk over all of them.

    A running maximum of their ends tells, walking back from the last span starting before an
    offset, when no earlier span can reach it: a lookup is a bisect plus the spans around the
    offset, so moving the cursor stays cheap on an article with a thousand spans.
    """

    __slots__ = ("_reach", "_starts", "spans")

    _recent: ClassVar[list[SpanIndex]] = []

    def __init__(self, spans: Sequence[Span]) -> None:
        self.spans = spans
        self._starts = list(map(_START, spans))
        self._reach = list(accumulate(map(_END, spans), max))  # the furthest end of spans[:i + 1]

    @classmethod
    def of(cls, spans: tuple[Span, ...]) -> SpanIndex:
        """The index of `spans`, made once for the same tuple: one edit asks for it to check
        overlaps, for the reader and for the suggestions still on offer. An edit's spans are
        the last index's but for a few: the new index reuses the rest of it."""
        recent = cls._recent
        for index in recent:
            if index.spans is spans:
                return index
        index = cls._derived(recent[0], spans) if recent else cls(spans)
        cls._recent = [index, *recent[: _RECENT_INDEXES - 1]]
        return index

    @classmethod
    def _derived(cls, base: SpanIndex, spans: Sequence[Span]) -> SpanIndex:
        first, base_stop, stop = differing_stretch(base.spans, spans)
        if stop - first > _DERIVED_UP_TO:
            return cls(spans)
        index = cls.__new__(cls)
        index.spans = spans
        middle = spans[first:stop]
        index._starts = [*base._starts[:first], *map(_START, middle), *base._starts[base_stop:]]
        reach = base._reach[:first]
        running = reach[-1] if reach else 0  # ends are positive: 0 is below every one
        for span in middle:
            running = max(running, span.end)
            reach.append(running)
        if stop < len(spans):
            before = base._reach[base_stop - 1] if base_stop else 0
            if max(running, before) <= spans[stop].end:
                # Both running maximums restart at the first span after the edit: as before.
                reach += base._reach[base_stop:]
            else:
                reach += accumulate(map(_END, spans[stop:]), max, initial=running)
                del reach[stop]  # the initial value
        index._reach = reach
        return index

    def _reaching(self, before: int, past: int) -> list[Span]:
        """The spans starting before `before` and ending after `past`, in start order."""
        spans, reach = self.spans, self._reach
        found = []
        index = bisect_left(self._starts, before) - 1
        while index >= 0 and reach[index] > past:
            if spans[index].end > past:
                found.append(spans[index])
            index -= 1
        found.reverse()
        return found

    def overlapping(self, span: Span) -> list[Span]:
        """The spans overlapping `span` (itself included, if it is one of them)."""
        return self._reaching(span.end, span.start)

    def covering(self, offset: int) -> Span | None:
        """The span covering `offset`, the shortest when spans overlap."""
        over = self._reaching(offset + 1, offset)
        return min(over, key=lambda s: s.end - s.start) if over else None

    def ending_at(self, offset: int) -> Span | None:
        """A span ending just before `offset` (the one starting last, if several do)."""
        return next(
            (s for s in reversed(self._reaching(offset, offset - 1)) if s.end == offset), None
        )

    def overlaps(self, start: int, end: int) -> bool:
        """Whether any span overlaps [start, end)."""
        index = bisect_left(self._starts, end) - 1
        return index >= 0 and self._reach[index] > start

    def clear_of(self, candidates: Iterable[Span]) -> list[Span]:
        """The candidates that overlap none of the spans (overlaps() for many, in one loop)."""
        starts, reach = self._starts, self._reach
        clear = []
        for candidate in candidates:
            index = bisect_left(starts, candidate.end) - 1
            if index < 0 or reach[index] <= candidate.start:
                clear.append(candidate)
        return clear


def label_range(
    annotation: Annotation,
    text: str,
    start: int,
    end: int,
    label: str,
    scheme: Scheme,
    source: str = MANUAL,
) -> tuple[Annotation, Span]:
    """Make [start, end) a span of `label`; the same range already a span is relabelled."""
    if scheme.label(label) is None:
        raise EditRefused(f"{label} is not a label of the scheme {scheme.name}")
    # Whitespace at either end is never part of an entity.
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        raise EditRefused("nothing to label here: select some text first")
    spans = annotation.spans
    at = bisect_left(spans, (start, end), key=_START_END)
    existing = spans[at] if at < len(spans) and _START_END(spans[at]) == (start, end) else None
    span = Span(start, end, label, text[start:end], source)
    if existing is not None:
        if existing.label == label:
            return annotation, existing
        return annotation.remove_span(existing).add_span(span), span
    _check_overlap(annotation, span, scheme, ignore=None)
    return annotation.add_span(span), span


def relabel(
    annotation: Annotation, span: Span, label: str, scheme: Scheme
) -> tuple[Annotation, Span]:
    if scheme.label(label) is None:
        raise EditRefused(f"{label} is not a label of the scheme {scheme.name}")
    new = replace(span, label=label, source=MANUAL)
    return annotation.remove_span(span).add_span(new), new


def remove(annotation: Annotation, span: Span) -> Annotation:
    return annotation.remove_span(span)


def resolve_review(
    annotation: Annotation, entry: Span, placed: tuple[Annotation, Span] | None = None
) -> tuple[Annotation, Span | None]:
    """Take `entry` off the spans waiting for review: dropped, or `placed` (what label_range
    made of the annotation and the new span). With none left waiting, the article has the
    status it had before its text changed (see cooltui.anchor.settle_review)."""
    key = review_key(entry)
    if all(review_key(waiting) != key for waiting in annotation.review):
        raise EditRefused(f"{_quote(entry.text)} no longer waits for review")
    changed, span = placed if placed is not None else (annotation, None)
    changed = replace(changed, review=tuple(e for e in changed.review if review_key(e) != key))
    return settle_review(changed), span


Edge = Literal["start", "end"]


def move_edge(
    annotation: Annotation,
    text: str,
    tokens: TokenIndex,
    span: Span,
    edge: Edge,
    step: Literal[-1, 1],
    scheme: Scheme,
) -> tuple[Annotation, Span]:
    """Move a span's start or end by one token: left (-1) or right (+1)."""
    start, end = span.start, span.end
    if edge == "start":
        start = _token_step(tokens, start, step, starts=True)
    else:
        end = _token_step(tokens, end, step, starts=False)
    if start is None or end is None:
        raise EditRefused(f"the span cannot move further {'left' if step < 0 else 'right'}")
    if start >= end:
        raise EditRefused("a span keeps at least one token; remove it with x instead")
    new = Span(start, end, span.label, text[start:end], span.source)
    without = annotation.remove_span(span)
    _check_overlap(without, new, scheme, ignore=None)
    return without.add_span(new), new


def _token_step(tokens: TokenIndex, offset: int, step: int, *, starts: bool) -> int | None:
    """The nearest token start (or end) past `offset` in direction `step`, if any."""
    bounds = tokens.starts if starts else tokens.ends
    if step > 0:
        index = bisect_right(bounds, offset)
        return bounds[index] if index < len(bounds) else None
    index = bisect_left(bounds, offset) - 1
    return bounds[index] if index >= 0 else None


def toggle_value(annotation: Annotation, scheme: Scheme, group_name: str, value: str) -> Annotation:
    """Tick or untick a document label; a single-choice group holds at most one value."""
    group = scheme.group(group_name)
    if group is None or group.value(value) is None:
        raise EditRefused(f"{group_name}:{value} is not in the scheme {scheme.name}")
    chosen = annotation.doc_labels.get(group_name, ())
    if value in chosen:
        values = tuple(v for v in chosen if v != value)
    elif group.multi:
        order = [v.name for v in group.values]
        values = tuple(sorted((*chosen, value), key=order.index))
    else:
        values = (value,)
    return annotation.with_doc_labels(group_name, values)


def span_changes(old: Sequence[Span], new: Sequence[Span]) -> tuple[list[Span], list[Span]]:
    """The spans `new` drops from `old`, and those it adds, each in start order.

    Told apart by identity: an edit keeps the Span objects it does not touch, so only the
    stretch between the spans both share at either end is looked at (see differing_stretch).
    An equal span made anew counts as dropped and added. The reader and the sidebar both ask
    about the same edit: the last answer is kept for the same two sequences (the caller must
    not change the lists).
    """
    if old is new:
        return [], []
    last = _last_changes
    if last and last[0] is old and last[1] is new:
        return last[2]
    first, old_stop, new_stop = differing_stretch(old, new)
    was, now = old[first:old_stop], new[first:new_stop]
    old_by_id, new_by_id = (
        dict(zip(map(id, was), was, strict=True)),
        dict(zip(map(id, now), now, strict=True)),
    )
    dropped = [old_by_id[key] for key in old_by_id.keys() - new_by_id.keys()]
    added = [new_by_id[key] for key in new_by_id.keys() - old_by_id.keys()]
    changes = sorted(dropped, key=SPAN_ORDER), sorted(added, key=SPAN_ORDER)
    _last_changes[:] = (old, new, changes)
    return changes


_last_changes: list[Any] = []
"""The last span_changes asked: [old, new, answer] (holding old and new keeps their ids)."""


def live_suggestions(
    suggestions: Sequence[Span], spans: Sequence[Span], rejected: Sequence[Span]
) -> tuple[Span, ...]:
    """The suggestions still on offer: none rejected, none overlapping a span already made."""
    if rejected:
        turned_down = {span.key for span in rejected}
        suggestions = [s for s in suggestions if s.key not in turned_down]
    index = SpanIndex.of(spans) if isinstance(spans, tuple) else SpanIndex(spans)
    return tuple(index.clear_of(suggestions))


class Offer:
    """The suggestions on offer for one article as it is edited: live_suggestions(), worked out
    again after an edit only where its spans changed. A span added takes back the suggestions
    it overlaps, one removed may give back those it blocked; the rest stays as it was, where
    checking every suggestion against the spans again cost half a millisecond an edit."""

    def __init__(self, suggestions: tuple[Span, ...]) -> None:
        self.suggestions = suggestions
        """In start order (as the suggester makes them)."""
        self.offered: tuple[Span, ...] = ()
        self._index = SpanIndex(suggestions)
        order = {id(suggestion): n for n, suggestion in enumerate(suggestions)}
        self._order = lambda suggestion: order[id(suggestion)]
        self._for: tuple[tuple[Span, ...], tuple[Span, ...]] | None = None
        """The spans and rejected suggestions `offered` was worked out for."""

    def update(self, spans: tuple[Span, ...], rejected: tuple[Span, ...]) -> tuple[Span, ...]:
        """The suggestions on offer with these spans made and these rejected; the same tuple
        as before when that has not changed (the reader and the sidebar skip it then)."""
        last = self._for
        if last is not None and last[0] is spans and last[1] is rejected:
            return self.offered
        self._for = (spans, rejected)
        if last is not None and last[1] is rejected:
            dropped, added = span_changes(last[0], spans)
            if len(dropped) + len(added) <= _DERIVED_UP_TO:
                self.offered = self._after(dropped, added, spans, rejected)
                return self.offered
        offered = live_suggestions(self.suggestions, spans, rejected)
        if offered != self.offered:
            self.offered = offered
        return self.offered

    def _after(
        self,
        dropped: list[Span],
        added: list[Span],
        spans: tuple[Span, ...],
        rejected: tuple[Span, ...],
    ) -> tuple[Span, ...]:
        offered, position = self.offered, self._order
        overlapped = self._index.overlapping
        for suggestion in {id(s): s for span in added for s in overlapped(span)}.values():
            at = bisect_left(offered, position(suggestion), key=position)
            if at < len(offered) and offered[at] is suggestion:
                offered = offered[:at] + offered[at + 1 :]
        if dropped:
            turned_down = {span.key for span in rejected}
            made = SpanIndex.of(spans)
            for suggestion in {id(s): s for span in dropped for s in overlapped(span)}.values():
                if suggestion.key in turned_down or made.overlaps(suggestion.start, suggestion.end):
                    continue
                at = bisect_left(offered, position(suggestion), key=position)
                if at == len(offered) or offered[at] is not suggestion:
                    offered = (*offered[:at], suggestion, *offered[at:])
        return offered
