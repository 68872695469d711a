"""The sidebar's span groups: per label, texts in first-occurrence order, kept edit by edit."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from cooltui.model import SPAN_ORDER, Annotation, Span
from cooltui.span_groups import SpanGroups

# "Kompol Wan" and "di Minas" spelt with other whitespace too, which `shown` makes one text.
TEXT = "Kompol Wan di Minas, Kompol  Wan di\nMinas; MINAS, Kapolsek Minas dan Kompol Wan"
LABELS = ("PER", "LOC", "ROLE")

Group = tuple[str, list[tuple[int, int, str]], list[int]]
"""A text, its spans' keys in order, and which span objects (by id, in any order)."""


def shown(text: str) -> str:
    """As a sidebar row shows a text: each run of whitespace one space."""
    return " ".join(text.split())


def span(words: str, label: str) -> Span:
    """A span on the first occurrence of `words`."""
    start = TEXT.index(words)
    return Span(start, start + len(words), label, words)


def from_scratch(spans: tuple[Span, ...]) -> dict[str, list[Group]]:
    """The groups as a walk over every span in order makes them."""
    groups: dict[str, dict[str, list[Span]]] = {}
    for item in sorted(spans, key=SPAN_ORDER):
        groups.setdefault(item.label, {}).setdefault(shown(item.text), []).append(item)
    return {
        label: [_group(t, same) for t, same in texts.items()] for label, texts in groups.items()
    }


def kept(groups: SpanGroups) -> dict[str, list[Group]]:
    """The groups as SpanGroups keeps them, checking its counts on the way."""
    out: dict[str, list[Group]] = {}
    for label in LABELS:
        texts = groups.texts(label)
        assert groups.distinct(label) == len(texts)
        assert groups.count(label) == sum(len(same) for _, same in texts)
        if texts:
            out[label] = [_group(text, same) for text, same in texts]
    return out


def _group(text: str, same: tuple[Span, ...] | list[Span]) -> Group:
    # Spans with the same offsets and label come in any order: their objects are compared apart.
    return text, [SPAN_ORDER(item) for item in same], sorted(map(id, same))


def test_texts_in_first_occurrence_order_with_their_spans() -> None:
    groups = SpanGroups(shown)
    first, second, third = span("Kompol Wan", "PER"), span("Kompol  Wan", "PER"), span("Wan", "PER")
    annotation = Annotation.new("a", "sha").with_spans([third, second, first])
    assert groups.update(annotation.spans) == {"PER"}
    assert groups.texts("PER") == [("Kompol Wan", (first, second)), ("Wan", (third,))]
    assert groups.count("PER") == 3
    # Without its first span, "Kompol Wan" first occurs after "Wan" (at its second spelling).
    assert groups.update(annotation.remove_span(first).spans) == {"PER"}
    assert groups.texts("PER") == [("Wan", (third,)), ("Kompol Wan", (second,))]
    assert groups.texts("PER", 1) == [("Wan", (third,))]
    assert (groups.count("LOC"), groups.distinct("LOC"), groups.texts("LOC")) == (0, 0, [])


def test_update_touches_only_the_labels_of_the_spans_it_adds_or_removes() -> None:
    groups = SpanGroups(shown)
    annotation = Annotation.new("a", "sha").with_spans([span("Minas", "LOC")])
    groups.update(annotation.spans)
    assert groups.update(annotation.spans) == set()
    assert groups.update(annotation.add_span(span("Kapolsek", "ROLE")).spans) == {"ROLE"}


def test_clear_forgets_the_article() -> None:
    groups = SpanGroups(shown)
    groups.update((span("Minas", "LOC"),))
    groups.clear()
    other = (span("MINAS", "LOC"),)
    assert groups.update(other) == {"LOC"}
    assert groups.texts("LOC") == [("MINAS", other)]


WORDS = [match.span() for match in re.finditer(r"\S+", TEXT)]
# One or two words: few enough offsets that spans share texts, keys and starts.
OFFSETS = [(start, end) for at, (start, _) in enumerate(WORDS) for _, end in WORDS[at : at + 2]]


@st.composite
def new_spans(draw: st.DrawFn) -> Span:
    start, end = draw(st.sampled_from(OFFSETS))
    return Span(start, end, draw(st.sampled_from(LABELS)), TEXT[start:end])


EDITS = st.one_of(
    st.tuples(st.just("add"), new_spans()),
    st.tuples(st.just("remove"), st.integers(0, 200)),  # every span of one key
    st.tuples(st.just("drop"), st.integers(0, 200)),  # one span object, not its equals
    st.tuples(st.just("reload"), st.none()),  # every span a new, equal object
    st.tuples(st.just("reopen"), st.none()),  # another article shown, then this one again
)


@given(st.lists(EDITS, max_size=40))
def test_groups_after_any_edits_equal_a_grouping_from_scratch(
    edits: list[tuple[str, object]],
) -> None:
    groups = SpanGroups(shown)
    annotation = Annotation.new("a", "sha")
    groups.update(annotation.spans)
    for action, value in edits:
        before = annotation.spans
        if action == "add":
            assert isinstance(value, Span)
            annotation = annotation.add_span(value)
        elif action == "remove" and before:
            assert isinstance(value, int)
            annotation = annotation.remove_span(before[value % len(before)])
        elif action == "drop" and before:
            assert isinstance(value, int)
            victim = before[value % len(before)]
            annotation = annotation.with_spans(s for s in before if s is not victim)
        elif action == "reload":
            annotation = annotation.with_spans(Span(*SPAN_ORDER(s), s.text) for s in before)
        elif action == "reopen":
            groups.clear()
            before = ()
        # Told apart by identity, as the sidebar's edits are: `before` keeps the ids in use.
        was, now = {id(s): s for s in before}, {id(s): s for s in annotation.spans}
        changed = {**was, **now}
        assert groups.update(annotation.spans) == {
            changed[key].label for key in was.keys() ^ now.keys()
        }
        assert kept(groups) == from_scratch(annotation.spans)
