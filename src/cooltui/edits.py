"""The edits an annotator makes to one article, as pure functions on Annotation values.

The app turns key presses into these calls and saves what they return; a refused edit raises
EditRefused with the message to show. Offsets are indices into the article's normalised text.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import replace
from itertools import accumulate
from typing import Literal

from cooltui.errors import CoolError
from cooltui.model import MANUAL, Annotation, Span
from cooltui.scheme import Scheme
from cooltui.text import TokenIndex


class EditRefused(CoolError):
    """An edit that would break a rule of the scheme; the message says which."""


def _quote(text: str, width: int = 30) -> str:
    text = " ".join(text.split())
    return f"“{text if len(text) <= width else text[: width - 1] + '…'}”"


def _check_overlap(annotation: Annotation, span: Span, scheme: Scheme, ignore: Span | None) -> None:
    if scheme.allow_overlap:
        return
    for other in annotation.overlapping(span):
        if ignore is None or other.key != ignore.key:
            raise EditRefused(
                f"{_quote(span.text)} overlaps {other.label} {_quote(other.text)}; "
                "remove or shrink that span first (this scheme does not allow overlaps)"
            )


def covering(spans: Iterable[Span], offset: int) -> Span | None:
    """The span covering `offset`, the shortest when spans overlap."""
    over = [s for s in spans if s.start <= offset < s.end]
    return min(over, key=lambda s: s.end - s.start) if over else None


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
    existing = next((s for s in annotation.spans if (s.start, s.end) == (start, end)), None)
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
    _check_overlap(annotation.remove_span(span), new, scheme, ignore=None)
    return annotation.remove_span(span).add_span(new), new


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
    """The spans `new` drops from `old`, and those it adds.

    Told apart by identity: an edit keeps the Span objects it does not touch, so this stays
    cheap for a thousand spans. An equal span made anew counts as dropped and added.
    """
    if old is new:
        return [], []
    old_ids, new_ids = set(map(id, old)), set(map(id, new))
    return [s for s in old if id(s) not in new_ids], [s for s in new if id(s) not in old_ids]


def live_suggestions(
    suggestions: Sequence[Span], spans: Sequence[Span], rejected: Sequence[Span]
) -> tuple[Span, ...]:
    """The suggestions still on offer: none rejected, none overlapping a span already made.

    Spans are sorted by start; with a running maximum of their ends, one bisect per suggestion
    tells whether any span overlaps it, so this stays cheap for a thousand spans.
    """
    turned_down = {span.key for span in rejected}
    starts = [span.start for span in spans]
    reach = list(accumulate((span.end for span in spans), max))  # furthest end of spans[:i + 1]
    live = []
    for suggestion in suggestions:
        if suggestion.key in turned_down:
            continue
        before = bisect_left(starts, suggestion.end)  # spans starting before it ends
        if before and reach[before - 1] > suggestion.start:
            continue
        live.append(suggestion)
    return tuple(live)
