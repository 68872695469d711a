"""Re-anchoring spans when an article's text changed."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from cooltui.anchor import find_near, propose, reanchor
from cooltui.edits import resolve_review
from cooltui.model import Annotation, Span, Status
from cooltui.text import TokenIndex

TEXT = "Presiden Joko Widodo bertemu Menteri Keuangan Sri Mulyani di Jakarta pada hari Senin."


def span_of(text: str, needle: str, label: str = "PER", occurrence: int = 0) -> Span:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    return Span(start, start + len(needle), label, needle)


def annotation(text: str, *spans: Span) -> Annotation:
    return Annotation("a1", "old", spans=tuple(sorted(spans)), status=Status.DONE)


def test_same_sha_returns_the_annotation_unchanged() -> None:
    before = annotation(TEXT, span_of(TEXT, "Joko Widodo"))
    assert reanchor(before, "whatever", "old") is before


def test_text_inserted_before_moves_spans_and_keeps_the_status() -> None:
    before = annotation(TEXT, span_of(TEXT, "Joko Widodo"), span_of(TEXT, "Jakarta", "LOC"))
    new_text = "JAKARTA, KOMPAS - " + TEXT
    after = reanchor(before, new_text, "new")
    assert [(s.text, s.start) for s in after.spans] == [
        ("Joko Widodo", TEXT.index("Joko") + 18),
        ("Jakarta", TEXT.index("Jakarta") + 18),
    ]
    assert all(new_text[s.start : s.end] == s.text for s in after.spans)
    # Every span found again: nothing to review, so a done article stays done (and exported).
    assert after.status is Status.DONE
    assert after.text_sha == "new"
    assert after.previous_text_sha == "old"
    assert after.review == ()


def test_unchanged_spans_keep_their_offsets() -> None:
    spans = (span_of(TEXT, "Presiden"), span_of(TEXT, "Jakarta", "LOC"))
    new_text = TEXT.replace("Senin", "Selasa")
    after = reanchor(annotation(TEXT, *spans), new_text, "new")
    assert after.spans == spans
    assert [(s.start, s.end) for s in after.spans] == [(s.start, s.end) for s in spans]


def test_span_whose_text_is_gone_goes_to_review_not_shifted() -> None:
    gone = span_of(TEXT, "Sri Mulyani")
    kept = span_of(TEXT, "Jakarta", "LOC")
    new_text = TEXT.replace("Sri Mulyani", "Purbaya")
    after = reanchor(annotation(TEXT, gone, kept), new_text, "new")
    assert after.review == (gone,)
    assert [s.text for s in after.spans] == ["Jakarta"]
    assert new_text[after.spans[0].start : after.spans[0].end] == "Jakarta"


def test_span_far_away_beyond_the_window_goes_to_review() -> None:
    text = "Budi " + "x" * 50
    span = span_of(text, "Budi")
    new_text = "y" * 5000 + "Budi"
    after = reanchor(annotation(text, span), new_text, "new", window=100)
    assert after.spans == ()
    assert after.review == (span,)


def test_nearest_occurrence_wins() -> None:
    text = "Budi makan. Budi tidur. Budi pergi."
    second = span_of(text, "Budi", occurrence=1)
    new_text = "Oh. " + text
    after = reanchor(annotation(text, second), new_text, "new")
    assert after.spans[0].start == second.start + 4


def test_rejected_suggestions_move_or_are_dropped() -> None:
    base = annotation(TEXT)
    base = base.reject(span_of(TEXT, "Jakarta", "LOC")).reject(span_of(TEXT, "Senin", "DATE"))
    new_text = ("Kabar: " + TEXT).replace("Senin", "Rabu")
    after = reanchor(base, new_text, "new")
    assert [(s.text, s.start) for s in after.rejected] == [("Jakarta", TEXT.index("Jakarta") + 7)]
    assert after.review == ()


def test_find_near() -> None:
    assert find_near("abc abc abc", "abc", 5) == 4
    assert find_near("abc abc abc", "abc", 6) == 4  # ties go to the earlier one
    assert find_near("abc", "zzz", 0) is None
    assert find_near("abc", "", 0) is None
    assert find_near("a" * 100 + "b", "b", 0, window=10) is None


# Properties: an edit (insertion or deletion) made before some of the spans.

WORD = st.text(alphabet="abcdefghij", min_size=1, max_size=6)


@st.composite
def edited_text(draw: st.DrawFn) -> tuple[str, list[Span], str, int, int]:
    """A text, spans on it, an edited text, and the edit's place and size change."""
    words = draw(st.lists(WORD, min_size=3, max_size=40))
    text = " ".join(words)
    spans = []
    for _ in range(draw(st.integers(0, 8))):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, min(len(text), start + 12)))
        spans.append(Span(start, end, draw(st.sampled_from(["PER", "LOC"])), text[start:end]))
    at = draw(st.integers(0, len(text)))
    if draw(st.booleans()):
        inserted = draw(st.text(alphabet="klmnop XYZ", min_size=1, max_size=300))
        return text, spans, text[:at] + inserted + text[at:], at, len(inserted)
    cut = draw(st.integers(1, max(1, min(50, len(text) - at))))
    return text, spans, text[:at] + text[at + cut :], at, -cut


@settings(max_examples=300, deadline=None)
@given(edited_text())
def test_every_span_is_exact_or_in_review(case: tuple[str, list[Span], str, int, int]) -> None:
    text, spans, new_text, _, _ = case
    before = annotation(text, *spans)
    after = reanchor(before, new_text, "new")
    for span in after.spans:
        assert new_text[span.start : span.end] == span.text
    placed = {(s.label, s.text) for s in after.spans} | {(s.label, s.text) for s in after.review}
    assert {(s.label, s.text) for s in spans} <= placed
    assert set(after.review) <= set(spans)


@settings(max_examples=300, deadline=None)
@given(edited_text())
def test_spans_before_the_edit_keep_their_offsets(
    case: tuple[str, list[Span], str, int, int],
) -> None:
    text, spans, new_text, at, _ = case
    after = reanchor(annotation(text, *spans), new_text, "new")
    for span in spans:
        if span.end <= at:
            assert any(s.key == span.key for s in after.spans)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(0, 10_000), min_size=1, max_size=6, unique=True),
    st.integers(0, 800),
    st.booleans(),
)
def test_spans_after_the_edit_follow_it(names: list[int], size: int, delete: bool) -> None:
    """With span texts found once in the text, every span after the edit moves by its size."""
    words = [f"<w{n}>" for n in names]
    text = "intro " + " filler ".join(words) + " outro"
    spans = [span_of(text, w) for w in words]
    if delete:
        size = min(size, 5)
        new_text = text[:0] + text[size:]
        delta = -size
    else:
        new_text = "z" * size + text
        delta = size
    after = reanchor(annotation(text, *spans), new_text, "new")
    assert after.review == ()
    assert [(s.start, s.end, s.text) for s in after.spans] == [
        (s.start + delta, s.end + delta, s.text) for s in spans
    ]


def test_a_span_to_review_flags_the_article_and_keeps_its_status_for_later() -> None:
    gone = span_of(TEXT, "Sri Mulyani")
    after = reanchor(annotation(TEXT, gone), TEXT.replace("Sri Mulyani", "Purbaya"), "new")
    assert after.review == (gone,)
    assert after.status is Status.FLAGGED
    assert after.status_before_review is Status.DONE
    assert Annotation.from_dict(after.to_dict()) == after


def test_a_second_change_neither_duplicates_nor_loses_what_waits_for_review() -> None:
    gone = span_of(TEXT, "Sri Mulyani")
    other = span_of(TEXT, "Jakarta", "LOC")
    second_text = TEXT.replace("Sri Mulyani", "Purbaya")
    first = reanchor(annotation(TEXT, gone, other), second_text, "v2")
    third_text = "Baru: " + second_text.replace("Jakarta", "Bandung")
    second = reanchor(first, third_text, "v3")
    assert [(s.label, s.text) for s in second.review] == [
        ("PER", "Sri Mulyani"),
        ("LOC", "Jakarta"),
    ]
    assert second.status is Status.FLAGGED and second.status_before_review is Status.DONE
    # Opened again on the same text (a store written twice over): nothing changes.
    assert reanchor(second, third_text, "v3") is second


def test_a_span_waiting_for_review_whose_text_comes_back_is_a_span_again() -> None:
    gone = span_of(TEXT, "Sri Mulyani")
    first = reanchor(annotation(TEXT, gone), TEXT.replace("Sri Mulyani", "Purbaya"), "v2")
    back = reanchor(first, TEXT, "v3")
    assert back.review == ()
    assert [(s.start, s.text) for s in back.spans] == [(gone.start, "Sri Mulyani")]
    assert back.status is Status.DONE and back.status_before_review is None


def test_propose_finds_the_text_anywhere_nearest_its_old_place() -> None:
    entry = Span(5, 16, "PER", "Sri Mulyani")
    text = "x" * 3000 + " Sri Mulyani berkata"
    assert propose(entry, text, TokenIndex(text)) == (3001, 3012)


def test_propose_offers_a_changed_name_near_its_old_place() -> None:
    text = "Kanit Provos Polsek Minas Aiptu Budi hadir. Kanit Intelkam juga hadir."
    entry = span_of(text, "Kanit Provos", "ROLE")
    new_text = "Judul baru\n" + text.replace("Kanit Provos", "Kanit Propam")
    start, end = propose(entry, new_text, TokenIndex(new_text)) or (0, 0)
    assert new_text[start:end] == "Kanit Propam"


def test_propose_offers_nothing_for_a_text_gone_without_a_likeness() -> None:
    text = "Presiden bertemu warga di balai desa."
    entry = Span(0, 11, "PER", "Sri Mulyani")
    assert propose(entry, text, TokenIndex(text)) is None


def test_a_status_set_by_hand_while_spans_wait_is_kept() -> None:
    gone = span_of(TEXT, "Sri Mulyani")
    also = span_of(TEXT, "Joko Widodo")
    new_text = TEXT.replace("Sri Mulyani", "Purbaya").replace("Joko Widodo", "Prabowo")
    flagged = reanchor(annotation(TEXT, gone, also), new_text, "new")
    by_hand = flagged.with_status(Status.DONE)  # "a again marks it done anyway"
    one_left, _ = resolve_review(by_hand, gone)
    assert one_left.status is Status.DONE and len(one_left.review) == 1
    none_left, _ = resolve_review(one_left, also)
    assert none_left.status is Status.DONE


def test_resolving_one_span_waiting_leaves_another_of_the_same_place_and_label() -> None:
    first = Span(0, 5, "PER", "Alpha")
    second = Span(0, 5, "PER", "Delta")  # made on a later text, lost in its turn
    waiting = Annotation("a1", "v3", review=(first, second), status=Status.FLAGGED)
    after, _ = resolve_review(waiting, first)
    assert after.review == (second,)


def test_a_span_found_again_where_one_was_made_meanwhile_still_waits() -> None:
    gone = span_of(TEXT, "Sri Mulyani")
    first = reanchor(annotation(TEXT, gone), TEXT.replace("Sri Mulyani", "Purbaya"), "v2")
    made = span_of(TEXT, "Sri", "ORG")  # the text is reverted; "Sri" was labelled meanwhile
    meanwhile = first.with_spans((*first.spans, made))
    back = reanchor(replace(meanwhile, text_sha="v2"), TEXT, "v3")
    assert [s.text for s in back.review] == ["Sri Mulyani"]
    assert [s.text for s in back.spans] == ["Sri"]
