"""The consistency queue walked in the app: one occurrence after another, and what to do there.

`cooltui check` lists the queue; in the app, `K` goes to the next occurrence of a text labelled
elsewhere (selected, so that its label's key labels it here), `L` labels every unlabelled
occurrence of that text with its label, in one edit that one undo takes back, and `I` sets the
text aside for good (remembered, as `cooltui check --ignore` does).
"""

from __future__ import annotations

from dataclasses import dataclass

from cooltui.model import MANUAL, Annotation, Span
from cooltui.session import Session, SessionRefused
from cooltui.team.consistency import (
    ConsistencyQueue,
    Item,
    Occurrence,
    find_inconsistencies,
    ignore,
    load_ignored,
    occurrences_of,
)


@dataclass(frozen=True, slots=True)
class Stop:
    """Where the walk is: an occurrence of an item, and which of the item's it is."""

    item: Item
    occurrence: Occurrence
    number: int
    """1-based, of the item's occurrences to check."""

    @property
    def said(self) -> str:
        item, here = self.item, self.occurrence
        labelled = ", ".join(f"{label} ×{count}" for label, count in item.labels.items())
        what = "unlabelled here" if here.label is None else f"{here.label} here"
        return (
            f"{item.text!r} is labelled {labelled} elsewhere, {what} "
            f"({self.number} of {item.to_check}): "
            f"its label's key labels it · L labels every unlabelled one {item.label} · "
            "I ignores it · K goes on"
        )


class ConsistencyWalk:
    """The queue of one session's annotator, walked occurrence by occurrence."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.queue: ConsistencyQueue = find_inconsistencies(
            session.corpus,
            session.store,
            only="all",
            ignored=load_ignored(session.store.path.parent, session.store.annotator),
        )
        self.items = [item for item in self.queue.items if item.occurrences]
        self._item = 0
        self._next = 0
        self.stop: Stop | None = None

    def next_stop(self) -> Stop | None:
        """The next occurrence to check, the queue's order, wrapping; None when none is left."""
        for _ in range(2 * len(self.items) + 1):
            if not self.items:
                return None
            self._item %= len(self.items)
            item = self.items[self._item]
            pending = [o for o in item.occurrences if self._still_to_check(item, o)]
            if self._next < len(pending):
                self.stop = Stop(item, pending[self._next], self._next + 1)
                self._next += 1
                return self.stop
            self._item += 1
            self._next = 0
        return None

    def _still_to_check(self, item: Item, occurrence: Occurrence) -> bool:
        """Not labelled as the item since the queue was made (here, or by L)."""
        annotation = self.session.store.get(occurrence.article_id)
        if annotation is None:
            return True
        return not any(
            span.start == occurrence.start and span.end == occurrence.end
            for span in annotation.spans
        )

    def label_everywhere(self) -> int:
        """Label every unlabelled occurrence of the current text with its label, in one edit
        of the history; how many. Occurrences that would overlap a span are left alone."""
        if self.stop is None:
            raise SessionRefused("K first: it goes to a text labelled elsewhere")
        session = self.session
        if session.read_only_reason:
            raise SessionRefused(f"read-only: {session.read_only_reason}")
        item = self.stop.item
        found = (
            item.occurrences
            if item.complete
            else occurrences_of(item.text, session.corpus, session.store)
        )
        changed: dict[str, Annotation] = {}
        labelled = 0
        for occurrence in found:
            if occurrence.label is not None:
                continue
            annotation = changed.get(occurrence.article_id) or session.store.get(
                occurrence.article_id
            )
            if annotation is None:
                continue
            span = Span(occurrence.start, occurrence.end, item.label, item.text, MANUAL)
            if any(span.overlaps(s) for s in annotation.spans) and not session.scheme.allow_overlap:
                continue
            changed[occurrence.article_id] = annotation.add_span(span)
            labelled += 1
        if changed:
            session.store.save_all(list(changed.values()))
            if session.article is not None and session.article.id in changed:
                session.annotation = session.store.get(session.article.id)
        self.drop_current()
        return labelled

    def ignore_current(self) -> str:
        """Set the current text aside for good; the text."""
        if self.stop is None:
            raise SessionRefused("K first: it goes to a text labelled elsewhere")
        text = self.stop.item.text
        ignore(self.session.store.path.parent, self.session.store.annotator, [text])
        self.drop_current()
        return text

    def drop_current(self) -> None:
        if self.stop is not None and self.stop.item in self.items:
            self.items.remove(self.stop.item)
            self._next = 0
        self.stop = None
