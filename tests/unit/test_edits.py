"""The annotator's edits: labelling, relabelling, boundaries, overlaps, document labels."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from cooltui.edits import (
    EditRefused,
    Offer,
    SpanIndex,
    label_range,
    live_suggestions,
    move_edge,
    relabel,
    remove,
    span_changes,
    toggle_value,
)
from cooltui.model import Annotation, Span
from cooltui.scheme import load_scheme
from cooltui.text import TokenIndex

TEXT = "Kapolsek Minas, Kompol Wan Mantazakka SH MH, dalam keterangannya"
SCHEME = load_scheme()
TOKENS = TokenIndex(TEXT)


def at(word: str) -> tuple[int, int]:
    start = TEXT.index(word)
    return start, start + len(word)


@pytest.fixture
def empty() -> Annotation:
    return Annotation.new("a1", "sha")


def test_label_a_range(empty):
    annotation, span = label_range(empty, TEXT, *at("Kompol"), "RANK", SCHEME)
    assert (span.text, span.label, span.source) == ("Kompol", "RANK", "manual")
    assert annotation.spans == (span,)


def test_whitespace_at_the_edges_is_trimmed(empty):
    start, end = at(" Wan Mantazakka ")
    _, span = label_range(empty, TEXT, start, end, "PER", SCHEME)
    assert span.text == "Wan Mantazakka"


def test_the_same_range_again_relabels(empty):
    annotation, _ = label_range(empty, TEXT, *at("Kompol"), "RANK", SCHEME)
    annotation, _ = label_range(annotation, TEXT, *at("Kompol"), "ROLE", SCHEME)
    assert [(s.text, s.label) for s in annotation.spans] == [("Kompol", "ROLE")]


def test_overlap_is_refused_with_the_other_span_named(empty):
    annotation, _ = label_range(empty, TEXT, *at("Kapolsek Minas"), "ROLE", SCHEME)
    with pytest.raises(EditRefused, match="overlaps ROLE “Kapolsek Minas”"):
        label_range(annotation, TEXT, *at("Minas"), "LOC", SCHEME)


def test_overlap_allowed_when_the_scheme_says_so(empty):
    permissive = replace(SCHEME, allow_overlap=True)
    annotation, _ = label_range(empty, TEXT, *at("Kapolsek Minas"), "ROLE", permissive)
    annotation, _ = label_range(annotation, TEXT, *at("Minas"), "LOC", permissive)
    assert len(annotation.spans) == 2
    assert SpanIndex(annotation.spans).covering(TEXT.index("Minas")).label == "LOC"  # shortest


@pytest.mark.parametrize(("start", "end"), [(8, 9), (5, 5)])
def test_nothing_to_label(empty, start, end):
    with pytest.raises(EditRefused, match="nothing to label"):
        label_range(empty, TEXT, start, end, "PER", SCHEME)


def test_unknown_label(empty):
    with pytest.raises(EditRefused, match="NOPE is not a label"):
        label_range(empty, TEXT, 0, 3, "NOPE", SCHEME)


def test_relabel_and_remove(empty):
    annotation, span = label_range(empty, TEXT, *at("Kompol"), "PER", SCHEME, source="rule:x")
    annotation, new = relabel(annotation, span, "RANK", SCHEME)
    assert (new.label, new.source) == ("RANK", "manual")
    assert remove(annotation, new).spans == ()


def test_move_edges_by_whole_tokens(empty):
    annotation, span = label_range(empty, TEXT, *at("Wan"), "PER", SCHEME)
    annotation, span = move_edge(annotation, TEXT, TOKENS, span, "end", 1, SCHEME)
    assert span.text == "Wan Mantazakka"
    annotation, span = move_edge(annotation, TEXT, TOKENS, span, "start", -1, SCHEME)
    assert span.text == "Kompol Wan Mantazakka"
    annotation, span = move_edge(annotation, TEXT, TOKENS, span, "start", 1, SCHEME)
    annotation, span = move_edge(annotation, TEXT, TOKENS, span, "end", -1, SCHEME)
    assert span.text == "Wan" and [s.text for s in annotation.spans] == ["Wan"]


def test_moving_an_edge_past_the_other_is_refused(empty):
    annotation, span = label_range(empty, TEXT, *at("Wan"), "PER", SCHEME)
    with pytest.raises(EditRefused, match="at least one token"):
        move_edge(annotation, TEXT, TOKENS, span, "end", -1, SCHEME)


def test_moving_into_another_span_is_refused(empty):
    annotation, _ = label_range(empty, TEXT, *at("Kompol"), "RANK", SCHEME)
    annotation, span = label_range(annotation, TEXT, *at("Wan"), "PER", SCHEME)
    with pytest.raises(EditRefused, match="overlaps RANK “Kompol”"):
        move_edge(annotation, TEXT, TOKENS, span, "start", -1, SCHEME)


def test_moving_past_the_text_is_refused(empty):
    annotation, span = label_range(empty, TEXT, *at("keterangannya"), "PER", SCHEME)
    with pytest.raises(EditRefused, match="cannot move further right"):
        move_edge(annotation, TEXT, TOKENS, span, "end", 1, SCHEME)


def test_multi_choice_keeps_scheme_order_and_single_choice_is_a_radio(empty):
    annotation = toggle_value(empty, SCHEME, "themes", "ANTI_GOLPUT")
    annotation = toggle_value(annotation, SCHEME, "themes", "KAMTIBMAS")
    assert annotation.doc_labels["themes"] == ("KAMTIBMAS", "ANTI_GOLPUT")
    annotation = toggle_value(annotation, SCHEME, "themes", "KAMTIBMAS")
    assert annotation.doc_labels["themes"] == ("ANTI_GOLPUT",)
    annotation = toggle_value(annotation, SCHEME, "activity", "SAMBANG")
    annotation = toggle_value(annotation, SCHEME, "activity", "DIALOG")
    assert annotation.doc_labels["activity"] == ("DIALOG",)
    annotation = toggle_value(annotation, SCHEME, "activity", "DIALOG")
    assert annotation.doc_labels["activity"] == ()
    with pytest.raises(EditRefused):
        toggle_value(annotation, SCHEME, "activity", "DANCING")


def test_live_suggestions_drop_rejected_and_overlapped_ones():
    kompol, wan = (
        Span(16, 22, "RANK", "Kompol", "rule:rank"),
        Span(23, 26, "PER", "Wan", "rule:per"),
    )
    minas = Span(9, 14, "LOC", "Minas", "rule:loc")
    made = [Span(0, 14, "ROLE", "Kapolsek Minas")]
    assert live_suggestions([minas, kompol, wan], made, rejected=[wan]) == (kompol,)


spans_strategy = st.lists(
    st.tuples(st.integers(0, 60), st.integers(1, 8)).map(
        lambda t: Span(t[0], t[0] + t[1], "X", "x")
    ),
    max_size=12,
)


crowded_spans = st.lists(
    st.tuples(st.integers(0, 20), st.integers(1, 10)).map(
        lambda t: Span(t[0], t[0] + t[1], "X", "x")
    ),
    max_size=12,
)


labelled_spans = st.lists(
    st.tuples(st.integers(0, 12), st.integers(1, 4), st.sampled_from("AB")).map(
        lambda t: Span(t[0], t[0] + t[1], t[2], "x")
    ),
    max_size=12,
)


@given(labelled_spans, labelled_spans)
def test_adding_and_removing_spans_keeps_them_sorted_as_a_fresh_sort(spans, edits):
    """Spans are put in and taken out at their bisected place; equal keys included."""
    annotation = Annotation.new("a1", "sha").with_spans(spans)
    expected = list(annotation.spans)
    for n, span in enumerate(edits):
        if n % 2:
            annotation = annotation.remove_span(span)
            expected = [s for s in expected if s.key != span.key]
        else:
            annotation = annotation.add_span(span)
            expected = sorted([*expected, span], key=lambda s: s.key)
        assert [s.key for s in annotation.spans] == [s.key for s in expected]
        assert sorted(map(id, annotation.spans)) == sorted(map(id, expected))


@given(spans_strategy, crowded_spans, spans_strategy)
def test_live_suggestions_agree_with_a_plain_search(suggestions, spans, rejected):
    spans = sorted(spans, key=lambda s: (s.start, s.end))
    expected = tuple(
        s
        for s in suggestions
        if s.key not in {r.key for r in rejected} and not any(s.overlaps(m) for m in spans)
    )
    assert live_suggestions(suggestions, spans, rejected) == expected


@given(crowded_spans, st.lists(st.tuples(labelled_spans, st.booleans()), max_size=8))
def test_the_offer_after_each_edit_is_a_fresh_search(suggested, edits):
    """Suggestions that overlap one another included; a span added blocks some, one removed
    may free others, and a new rejection is taken into account."""
    suggestions = tuple(sorted(suggested, key=lambda s: (s.start, s.end)))
    offer = Offer(suggestions)
    annotation = Annotation.new("a1", "sha")
    for spans, reject in edits:
        for span in spans:
            if any(span.key == s.key for s in annotation.spans):
                annotation = annotation.remove_span(span)
            else:
                annotation = annotation.add_span(span)
        if reject and suggestions:
            annotation = annotation.reject(suggestions[len(annotation.spans) % len(suggestions)])
        offered = offer.update(annotation.spans, annotation.rejected)
        assert offered == live_suggestions(suggestions, annotation.spans, annotation.rejected)
        assert offer.update(annotation.spans, annotation.rejected) is offered


@given(crowded_spans, st.integers(-1, 32), st.integers(-1, 32))
@example([Span(0, 10, "X", "x"), Span(2, 3, "X", "x")], 5, 6)  # a long span around a short one
def test_a_span_index_finds_what_a_walk_over_every_span_finds(spans, offset, end):
    """Spans that overlap one another, nest and share ends included."""
    spans = sorted(spans, key=lambda s: (s.start, s.end))
    index = SpanIndex(spans)
    over = [s for s in spans if s.start <= offset < s.end]
    covering = index.covering(offset)
    if over:
        assert covering in over
        assert covering.end - covering.start == min(s.end - s.start for s in over)
    else:
        assert covering is None
    ending = [s for s in spans if s.end == offset]
    assert (index.ending_at(offset) in ending) if ending else index.ending_at(offset) is None
    start, stop = min(offset, end), max(offset, end) + 1
    over = [s for s in spans if s.start < stop and start < s.end]
    assert index.overlaps(start, stop) == bool(over)
    if stop > max(start, 0):  # a span is never empty
        assert index.overlapping(Span(max(start, 0), stop, "X", "x")) == [
            s for s in spans if s.start < stop and max(start, 0) < s.end
        ]


def test_a_span_index_is_made_once_for_the_same_tuple_of_spans():
    spans = (Span(0, 3, "PER", "abc"), Span(4, 7, "ORG", "def"))
    assert SpanIndex.of(spans) is SpanIndex.of(spans)
    remade = tuple(list(spans))
    assert remade is not spans and SpanIndex.of(remade).spans is remade


@given(crowded_spans, labelled_spans, st.lists(st.booleans(), max_size=12))
def test_an_index_made_from_the_last_one_equals_a_fresh_one(spans, edits, removes):
    """Overlapping and nested spans included: the reuse must keep the running maximum."""
    annotation = Annotation.new("a1", "sha").with_spans(spans)
    SpanIndex._recent = [SpanIndex(annotation.spans)]
    for span, remove_one in zip(edits, removes + [False] * len(edits), strict=False):
        if remove_one and annotation.spans:
            annotation = annotation.remove_span(
                annotation.spans[span.start % len(annotation.spans)]
            )
        else:
            annotation = annotation.add_span(span)
        made, fresh = SpanIndex.of(annotation.spans), SpanIndex(annotation.spans)
        assert made.spans is annotation.spans
        assert (made._starts, made._reach) == (fresh._starts, fresh._reach)


@given(labelled_spans, labelled_spans, st.integers(0, 12))
def test_span_changes_are_the_spans_not_shared_by_identity(spans, added, cut):
    old = tuple(sorted(spans, key=lambda s: s.key))
    new = tuple(sorted([*old[:cut], *old[cut + 2 :], *added], key=lambda s: s.key))
    dropped, made = span_changes(old, new)
    assert {id(s) for s in dropped} == {id(s) for s in old} - {id(s) for s in new}
    assert {id(s) for s in made} == {id(s) for s in new} - {id(s) for s in old}
    assert dropped == sorted(dropped, key=lambda s: s.key)


def test_span_changes_tells_dropped_and_added_spans_by_identity() -> None:
    kept, dropped = Span(0, 3, "PER", "abc"), Span(4, 7, "ORG", "def")
    added, remade = Span(8, 9, "LOC", "g"), Span(0, 3, "PER", "abc")
    assert span_changes((kept, dropped), (kept, added)) == ([dropped], [added])
    assert span_changes((kept,), (remade,)) == ([kept], [remade])  # equal, but made anew
    same = (kept, dropped)
    assert span_changes(same, same) == ([], [])
    many = [Span(n, n + 1, "PER", "a") for n in range(50)]
    fewer = [s for s in many if s.start % 7]
    assert span_changes(many, fewer) == ([s for s in many if not s.start % 7], [])  # in order
    # The reader and the sidebar ask about the same edit: answered once, right for each pair.
    assert span_changes(many, fewer) is span_changes(many, fewer)
    assert span_changes(fewer, many) == ([], [s for s in many if not s.start % 7])
    assert span_changes(list(many), fewer) == span_changes(many, fewer)
