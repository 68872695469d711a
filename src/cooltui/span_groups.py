"""An article's spans grouped per label, then per text as shown, kept up to date edit by edit.

The sidebar lists each label's distinct texts in the order they first occur, with their spans.
An edit adds or removes a span or two among a thousand, so the groups follow the edit (found by
identity, see cooltui.edits.span_changes) with a bisection per span instead of a regrouping.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import Counter
from collections.abc import Callable, Sequence

from cooltui.edits import span_changes
from cooltui.model import SPAN_ORDER, Span

_First = tuple[tuple[int, int, str], str]
"""A text's place in its label's order: its first span's SPAN_ORDER key, then the text."""


class SpanGroups:
    """Per label, its spans grouped by text as `shown` turns it into a row (each group in text
    order), the texts in the order they first occur."""

    def __init__(self, shown: Callable[[str], str]) -> None:
        self._shown = shown
        self._spans: tuple[Span, ...] = ()
        self._by_text: dict[str, dict[str, list[Span]]] = {}
        self._counts: Counter[str] = Counter()
        self._firsts: dict[str, list[_First]] = {}

    def update(self, spans: Sequence[Span]) -> set[str]:
        """Group `spans` instead of the last ones given; the labels whose groups changed.

        Costs a bisection per span the edit added or removed: the spans it kept are the same
        objects as before.
        """
        dropped, added = span_changes(self._spans, spans)
        # A tuple stays the same object: the next edit's span_changes reuses the reader's answer.
        self._spans = tuple(spans)
        for span in dropped:
            self._drop(span)
        for span in added:
            self._add(span)
        return {span.label for span in dropped + added}

    def clear(self) -> None:
        """Forget every span: the next update groups its spans anew (another article)."""
        self._spans = ()
        self._by_text.clear()
        self._counts.clear()
        self._firsts.clear()

    def count(self, label: str) -> int:
        """How many spans `label` has."""
        return self._counts[label]

    def distinct(self, label: str) -> int:
        """How many distinct texts `label` has."""
        return len(self._by_text.get(label, {}))

    def texts(self, label: str, limit: int | None = None) -> list[tuple[str, tuple[Span, ...]]]:
        """`label`'s first `limit` texts (None: all) in the order they first occur, each with its
        spans in text order."""
        same = self._by_text.get(label, {})
        return [(text, tuple(same[text])) for _, text in self._firsts.get(label, [])[:limit]]

    def _drop(self, span: Span) -> None:
        text = self._shown(span.text)
        same = self._by_text[span.label][text]
        first = same[0]
        at = bisect_left(same, SPAN_ORDER(span), key=SPAN_ORDER)
        while same[at] is not span:  # spans with the same offsets and label: by identity
            at += 1
        del same[at]
        self._counts[span.label] -= 1
        self._first_moved(span.label, text, first, same)

    def _add(self, span: Span) -> None:
        text = self._shown(span.text)
        same = self._by_text.setdefault(span.label, {}).setdefault(text, [])
        first = same[0] if same else None
        insort(same, span, key=SPAN_ORDER)
        self._counts[span.label] += 1
        self._first_moved(span.label, text, first, same)

    def _first_moved(self, label: str, text: str, first: Span | None, same: list[Span]) -> None:
        """Keep the label's texts in first-occurrence order after `text`'s spans changed from
        starting with `first` (None: it had none) to `same`; a text left with none goes."""
        if same and same[0] is first:
            return
        firsts = self._firsts.setdefault(label, [])
        if first is not None:
            del firsts[bisect_left(firsts, (SPAN_ORDER(first), text))]
        if same:
            insort(firsts, (SPAN_ORDER(same[0]), text))
        else:
            del self._by_text[label][text]
