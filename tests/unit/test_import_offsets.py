"""Offsets from other tools: raw text onto the normalised text, UTF-16 units onto code points."""

from __future__ import annotations

import re
import tracemalloc
import unicodedata
from collections.abc import Callable
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cooltui import offsets
from cooltui.offsets import (
    OffsetError,
    OffsetMap,
    Utf16Offsets,
    detect_units,
    has_astral,
    normalised_with_map,
)
from cooltui.text import normalise

# What normalise removes, joins or composes, and what it keeps, as files hold them.
DIRT = [
    *("\r\n", "\r", "\n", "\t", "\v", "\f", "\x85", "\u2028", "\u2029"),
    *("\x1b[31m", "\x1b[0m", "\x1b[", "\x1b", "\x1b]0;title\x07", "\x1b]8;;u\x1b\\", "\x1b(B"),
    *("\x9b1m", "\x9b", "\x90dcs\x9c", "\x00", "\x07", "\x1f", "\x7f", "\x9f"),
    *("\ufeff", "\u202e", "\u2066", "\ud83d", "\ude00"),  # BOM, bidi, lone surrogates
    *("e\u0301", "\u0301", "\u0327", "a\u0316\u0301", "\u0344", "\u0958", "\u0f73", "\u212b"),
    *("\u1100", "\u1161", "\u11a8", "\uac00", "\u1100\u1161\u11a8", "\u0b47\u0b3e"),
    *("😀", "👍🏽", "🇮🇩", "👨\u200d👩\u200d👧"),
    *("a", "Z", " ", "é", "Jl.", "Polres"),
]
raw_texts = st.lists(st.one_of(st.sampled_from(DIRT), st.text(max_size=4)), max_size=30).map(
    "".join
)


def exact_map(raw: str) -> tuple[str, OffsetMap]:
    """normalised_with_map(raw), failing if its cuts disagreed with normalise anywhere (and
    so needed the fallback's wider units)."""
    with patch.object(offsets, "_coarsened", side_effect=AssertionError("fallback used")):
        return normalised_with_map(raw)


def boundaries(mapping: OffsetMap) -> list[int]:
    return [offset for offset in range(mapping.raw_length + 1) if mapping.is_boundary(offset)]


# --- normalised_with_map: properties -------------------------------------------------------------


@settings(max_examples=400, deadline=None)
@given(raw_texts)
def test_the_text_is_normalise_of_the_raw_text(raw: str) -> None:
    text, mapping = normalised_with_map(raw)
    assert text == normalise(raw)
    assert (mapping.raw_length, mapping.length) == (len(raw), len(text))


@settings(max_examples=400, deadline=None)
@given(raw_texts)
def test_the_map_runs_from_0_to_the_end_and_never_goes_back(raw: str) -> None:
    text, mapping = normalised_with_map(raw)
    mapped = [mapping(offset) for offset in range(len(raw) + 1)]
    assert mapped[0] == 0
    assert mapped[-1] == len(text)
    assert mapped == sorted(mapped)


@settings(max_examples=400, deadline=None)
@given(raw_texts)
def test_at_every_boundary_the_text_can_be_cut(raw: str) -> None:
    """The oracle is normalise itself: the raw text before a boundary normalises to the text
    before its mapped offset, and the rest to the rest. The units are the ones built, not
    the fallback's."""
    text, mapping = exact_map(raw)
    for offset in boundaries(mapping):
        place = mapping(offset)
        assert normalise(raw[:offset]) == text[:place], offset
        assert normalise(raw[offset:]) == text[place:], offset


@settings(max_examples=400, deadline=None)
@given(raw_texts, st.data())
def test_a_span_is_the_normalised_raw_span_widened_to_whole_units(
    raw: str, data: st.DataObject
) -> None:
    text, mapping = exact_map(raw)
    start = data.draw(st.integers(0, len(raw)), label="start")
    end = data.draw(st.integers(start, len(raw)), label="end")
    first, last = mapping.span(start, end)
    # Widened: the nearest boundaries outside the span give the same span, and normalise
    # makes exactly its text of the raw text between them.
    cut = boundaries(mapping)
    wide_start = max(offset for offset in cut if offset <= start)
    wide_end = min(offset for offset in cut if offset >= end)
    assert mapping.span(wide_start, wide_end) == (first, last)
    assert normalise(raw[wide_start:wide_end]) == text[first:last]
    if mapping.is_boundary(start) and mapping.is_boundary(end):
        assert normalise(raw[start:end]) == text[first:last]


# Dirt that vanishes whole wherever it stands (complete sequences only: a lone ESC or CSI
# introducer takes the characters after it, which is what a terminal would do too).
VANISHING = [
    "\x1b[31m",
    "\x1b[0m",
    "\x1b]0;title\x07",
    "\x1b(B",
    "\x00",
    "\x7f",
    "\ufeff",
    "\u202e",
]
words = st.lists(
    st.sampled_from(["Polres", "Riau", "kafe\u0301", "Pe\u0301kanbaru", "09.00", "😀", "été"]),
    min_size=1,
    max_size=8,
)


@settings(max_examples=300, deadline=None)
@given(words, st.sampled_from([" ", "\r\n", "\n"]), st.data())
def test_a_span_survives_dirt_inserted_anywhere(
    chosen: list[str], separator: str, data: st.DataObject
) -> None:
    """A span over whole words of a text keeps exactly those words, composed and with "\\n"
    line breaks, however much vanishing dirt is put in and around it."""
    first_word = data.draw(st.integers(0, len(chosen) - 1), label="first word")
    last_word = data.draw(st.integers(first_word, len(chosen) - 1), label="last word")
    raw, start, end = "", 0, 0
    for index, word in enumerate(chosen):
        if index:
            raw += separator
        raw += "".join(data.draw(st.lists(st.sampled_from(VANISHING), max_size=2)))
        if index == first_word:
            start = len(raw)
        for char in word:  # dirt inside the word too, between a letter and its accent
            raw += char + "".join(data.draw(st.lists(st.sampled_from(VANISHING), max_size=1)))
        if index == last_word:
            end = len(raw)
    text, mapping = normalised_with_map(raw)
    first, last = mapping.span(start, end)
    expected = separator.join(chosen[first_word : last_word + 1])
    assert text[first:last] == unicodedata.normalize("NFC", expected.replace("\r\n", "\n"))


# --- normalised_with_map: examples ---------------------------------------------------------------


def test_clean_text_maps_to_itself_and_allocates_nothing_per_character() -> None:
    raw = "Polres Pelalawan menggelar patroli, kafé 😀 di Riau.\n" * 20_000
    tracemalloc.start()
    try:
        text, mapping = normalised_with_map(raw)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert text is raw
    assert peak < 10_000
    assert [mapping(offset) for offset in (0, 7, len(raw))] == [0, 7, len(raw)]
    assert mapping.span(7, 16) == (7, 16)


def test_crlf_becomes_one_line_break_and_later_offsets_move_back() -> None:
    raw = "Polres\r\nRiau\r\nPekanbaru"
    text, mapping = normalised_with_map(raw)
    assert text == "Polres\nRiau\nPekanbaru"
    assert mapping.span(8, 12) == (7, 11)  # "Riau"
    assert text[slice(*mapping.span(14, 23))] == "Pekanbaru"
    assert mapping.span(0, 8) == (0, 7)  # "Polres\r\n": the pair is one "\n"


def test_a_span_cutting_a_crlf_pair_takes_the_whole_pair() -> None:
    text, mapping = normalised_with_map("ab\r\ncd")
    assert not mapping.is_boundary(3)
    assert mapping(3) == 2
    assert mapping.span(0, 3) == (0, 3)  # "ab\r" -> "ab\n"
    assert mapping.span(3, 6) == (2, 5)  # "\ncd" -> "\ncd"
    assert text[2:5] == "\ncd"


def test_an_escape_sequence_inside_a_span_goes_and_the_span_closes_up() -> None:
    raw = "Kapolres \x1b[1mAKBP Budi\x1b[0m hadir"
    text, mapping = normalised_with_map(raw)
    assert text == "Kapolres AKBP Budi hadir"
    start, end = raw.index("AKBP"), raw.index("\x1b[0m")
    assert mapping.span(start, end) == (9, 18)
    assert mapping.span(raw.index("\x1b[1m"), end + len("\x1b[0m")) == (9, 18)
    assert mapping.span(raw.index("hadir"), len(raw)) == (19, 24)


def test_a_span_edge_inside_an_escape_sequence_widens_instead_of_shifting() -> None:
    raw = "a\x1b[31mBudi\x1b[0m b"
    text, mapping = normalised_with_map(raw)
    assert text == "aBudi b"
    inside_first, inside_last = raw.index("[31m"), raw.index("0m")
    assert not mapping.is_boundary(inside_first)
    assert mapping.span(inside_first, inside_last) == (1, 5)  # "Budi", no debris
    assert mapping(inside_first) == 1
    # A span of nothing but a sequence is empty.
    assert mapping.span(inside_first, inside_first + 2) == (1, 1)


def test_a_combining_accent_after_a_span_edge_joins_the_span() -> None:
    raw = "cafe\u0301 di Jl. Sudirman"
    text, mapping = normalised_with_map(raw)
    assert text == "café di Jl. Sudirman"
    # The span ends between "e" and its accent: it takes the composed "é", not half of it.
    assert not mapping.is_boundary(4)
    assert mapping.span(0, 4) == (0, 4)
    assert mapping.span(0, 5) == (0, 4)
    # After the accent every offset moves back by one.
    start = raw.index("Jl.")
    assert mapping.span(start, len(raw)) == (start - 1, len(text))
    # A span starting at the accent widens back to the "e".
    assert mapping.span(4, 5) == (3, 4)


def test_an_escape_sequence_between_a_letter_and_its_accent() -> None:
    raw = "kafe\x1b[0m\u0301!"
    text, mapping = normalised_with_map(raw)
    assert text == "kafé!"
    assert mapping.span(0, len(raw) - 1) == (0, 4)
    assert mapping.span(len(raw) - 1, len(raw)) == (4, 5)


def test_a_cr_and_lf_apart_by_an_escape_sequence_are_one_pair() -> None:
    raw = "a\r\x1b[0m\nb"
    text, mapping = normalised_with_map(raw)
    assert text == "a\nb"
    assert mapping.span(len(raw) - 1, len(raw)) == (2, 3)
    assert not mapping.is_boundary(2)


def test_hangul_jamo_compose_into_one_syllable() -> None:
    raw = "\u1100\u1161\u11a8 x"
    text, mapping = normalised_with_map(raw)
    assert text == "각 x"
    assert mapping.span(0, 2) == (0, 1)
    assert mapping.span(4, 5) == (2, 3)


def test_units_stay_small_where_normalise_changes_little() -> None:
    """Widening never spreads past what normalisation joins: the words around stay exact."""
    raw = "satu\r\ndua \x1b[1mtiga\x1b[0m e\u0301mpat\r\nx\u0958 lima \u212b x\u0316y"
    text, mapping = exact_map(raw)
    for word in ("satu", "dua", "tiga", "mpat", "lima", "x\u0316y"):
        start = raw.index(word)
        assert mapping.is_boundary(start) and mapping.is_boundary(start + len(word))
        assert text[slice(*mapping.span(start, start + len(word)))] == word
    # What NFC replaces is a unit of its own: "\u0958" is two characters, "\u212b" one.
    start = raw.index("\u212b")
    assert text[slice(*mapping.span(start, start + 1))] == "\u00c5"
    start = raw.index("\u0958")
    assert text[slice(*mapping.span(start, start + 1))] == "\u0915\u093c"
    # A mark NFC leaves alone makes no unit.
    assert mapping.is_boundary(raw.index("\u0316"))


def test_a_construction_that_misses_a_change_falls_back_to_wider_units(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """If the cuts ever disagree with normalise (here: NFC is left out), the pieces around
    the difference are joined: offsets there widen, none shifts, and the rest stay exact."""
    monkeypatch.setattr(offsets, "_nfc_changes", lambda text: [])
    raw = "satu\r\ndua e\u0301mpat\r\nlima enam"
    text, mapping = normalised_with_map(raw)
    assert text == "satu\ndua émpat\nlima enam"
    for offset in boundaries(mapping):
        assert normalise(raw[:offset]) == text[: mapping(offset)]
    assert not mapping.is_boundary(raw.index("mpat"))
    assert text[slice(*mapping.span(0, 4))] == "satu"
    start = raw.index("enam")
    assert text[slice(*mapping.span(start, start + 4))] == "enam"


def test_the_fallback_joins_the_neighbours_a_missed_change_reaches_into(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """ESC B is one sequence; cut after the ESC, the "B" comes back. The pieces differ only
    at "B", but the cause lies in the piece before, which the fallback joins too."""
    raw = "ab\r\ncd\x1bBef\r\ngh"
    monkeypatch.setattr(offsets, "_changes", lambda raw: [(2, 4, -1), (6, 7, -1), (10, 12, -1)])
    text, mapping = normalised_with_map(raw)
    assert text == "ab\ncdef\ngh"
    for offset in boundaries(mapping):
        assert normalise(raw[:offset]) == text[: mapping(offset)]
    assert mapping.span(0, 2) == (0, 2)
    assert mapping.span(len(raw) - 2, len(raw)) == (len(text) - 2, len(text))
    assert not mapping.is_boundary(raw.index("B"))


def test_when_even_the_joined_pieces_disagree_the_whole_text_is_one_unit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(offsets, "_nfc_changes", lambda text: [])
    monkeypatch.setattr(offsets, "_coarsened", lambda text, stretches, *_: stretches)
    raw = "satu e\u0301mpat"
    text, mapping = normalised_with_map(raw)
    assert [mapping.is_boundary(offset) for offset in range(len(raw) + 1)] == [
        offset in (0, len(raw)) for offset in range(len(raw) + 1)
    ]
    assert mapping.span(1, 3) == (0, len(text))


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (-1, 2, "offset -1 is outside the text (0 to 6 characters)"),
        (0, 7, "offset 7 is outside the text (0 to 6 characters)"),
        (4, 2, "span [4, 2) ends before it starts"),
    ],
)
def test_offsets_outside_the_raw_text_are_refused(start: int, end: int, message: str) -> None:
    for raw in ("abcdef", "ab\r\ncd"):  # the identity and a map with units
        _, mapping = normalised_with_map(raw)
        with pytest.raises(OffsetError, match=f"^{re.escape(message)}$"):
            mapping.span(start, end)


# --- UTF-16 --------------------------------------------------------------------------------------


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


astral_texts = st.lists(
    st.one_of(
        st.sampled_from(["😀", "👍🏽", "🇮🇩", "𝕏", "\U0010ffff", "\ud83d"]), st.text(max_size=3)
    ),
    max_size=20,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(astral_texts)
def test_utf16_offsets_match_javascripts_and_round_trip(text: str) -> None:
    units = Utf16Offsets(text)
    assert units.utf16_length == utf16_length(text)
    assert has_astral(text) == (units.utf16_length != len(text))
    for offset in range(len(text) + 1):
        unit = units.to_utf16(offset)
        assert unit == utf16_length(text[:offset])
        assert units.to_codepoints(unit) == offset


@settings(max_examples=300, deadline=None)
@given(astral_texts)
def test_a_utf16_offset_inside_a_surrogate_pair_is_refused(text: str) -> None:
    units = Utf16Offsets(text)
    starts = {utf16_length(text[:offset]) for offset in range(len(text) + 1)}
    for unit in range(units.utf16_length + 1):
        if unit in starts:
            assert units.to_utf16(units.to_codepoints(unit)) == unit
        else:
            with pytest.raises(
                OffsetError, match="falls between the two halves of the surrogate pair"
            ):
                units.to_codepoints(unit)


def test_an_emoji_moves_every_later_utf16_offset_by_one() -> None:
    text = "Banjir 😀 di Riau 🚓 Pekanbaru"
    units = Utf16Offsets(text)
    riau = text.index("Riau")
    assert units.to_utf16(riau) == riau + 1
    assert units.to_codepoints(riau + 1) == riau
    assert units.to_codepoints(text.index("Pekanbaru") + 2) == text.index("Pekanbaru")
    with pytest.raises(OffsetError, match=r"^UTF-16 offset 8 falls between the two halves"):
        units.to_codepoints(8)


@pytest.mark.parametrize("offset", [-1, 4])
def test_utf16_offsets_outside_the_text_are_refused(offset: int) -> None:
    for text in ("abc", "a😀"):  # without and with the table
        with pytest.raises(OffsetError, match=r"is outside the text \(0 to 3 UTF-16 units\)"):
            Utf16Offsets(text).to_codepoints(offset)
    with pytest.raises(OffsetError, match=r"outside the text \(0 to 2 code points\)"):
        Utf16Offsets("a😀").to_utf16(3)


def test_text_without_astral_characters_needs_no_table() -> None:
    text = "kafé — “Riau” ☕ ok\n" * 50_000
    tracemalloc.start()
    try:
        units = Utf16Offsets(text)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 10_000
    assert not has_astral(text)
    assert units.to_codepoints(123_456) == units.to_utf16(123_456) == 123_456


# --- detect_units --------------------------------------------------------------------------------


TEXT = "😀 Banjir di Riau, 🚓 Polres Pekanbaru"


def spans_of(
    words: list[str], unit: str, with_text: bool = True
) -> list[tuple[int, int, str | None]]:
    convert = Utf16Offsets(TEXT).to_utf16 if unit == "utf16" else (lambda offset: offset)
    spans: list[tuple[int, int, str | None]] = []
    for word in words:
        start = TEXT.index(word)
        spans.append((convert(start), convert(start + len(word)), word if with_text else None))
    return spans


@pytest.mark.parametrize("unit", ["codepoints", "utf16"])
def test_span_texts_tell_the_unit(unit: str) -> None:
    assert detect_units(TEXT, spans_of(["Riau", "Polres Pekanbaru"], unit)) == unit


def test_spans_whose_texts_fit_neither_unit_are_none() -> None:
    assert detect_units(TEXT, [(2, 8, "Banjor")]) is None
    # One span fits code points, the other UTF-16: no single unit explains both.
    mixed = [spans_of(["Riau"], "codepoints")[0], spans_of(["Polres"], "utf16")[0]]
    assert detect_units(TEXT, mixed) is None


def test_without_span_texts_only_an_offset_past_the_code_points_tells_utf16() -> None:
    last = spans_of(["Pekanbaru"], "utf16", with_text=False)
    assert last[0][1] == len(TEXT) + 2
    assert detect_units(TEXT, last) == "utf16"
    # Offsets that are places in both units: undecidable, read as code points.
    assert detect_units(TEXT, spans_of(["Riau"], "utf16", with_text=False)) == "codepoints"


def test_offsets_that_are_places_in_neither_unit_are_none() -> None:
    text = "a😀b"  # 3 code points, 4 UTF-16 units, the emoji at units 1-2
    assert detect_units(text, [(2, 4, None)]) is None  # past the end, or inside the pair
    assert detect_units(text, [(0, 5, None)]) is None
    assert detect_units(text, [(-1, 1, None)]) is None
    assert detect_units(text, [(2, 1, None)]) is None
    assert detect_units(text, [(3, 4, None)]) == "utf16"


def test_text_without_astral_characters_is_code_points() -> None:
    assert detect_units("Banjir di Riau", [(10, 14, "Riau"), (0, 6, None)]) == "codepoints"
    assert detect_units("Banjir di Riau", [(10, 15, None)]) is None
    assert detect_units("Banjir di Riau", []) == "codepoints"


@settings(max_examples=300, deadline=None)
@given(astral_texts, st.data())
def test_the_detected_unit_explains_every_span(text: str, data: st.DataObject) -> None:
    """Spans made in either unit are recognised; code points win when both explain them."""
    unit = data.draw(st.sampled_from(["codepoints", "utf16"]), label="unit")
    units = Utf16Offsets(text)
    spans: list[tuple[int, int, str | None]] = []
    for _ in range(data.draw(st.integers(0, 4), label="spans")):
        start = data.draw(st.integers(0, len(text)))
        end = data.draw(st.integers(start, len(text)))
        given_text = text[start:end] if data.draw(st.booleans()) else None
        if unit == "utf16":
            start, end = units.to_utf16(start), units.to_utf16(end)
        spans.append((start, end, given_text))
    found = detect_units(text, spans)
    assert found is not None
    if unit == "codepoints":
        assert found == "codepoints"
    assert explained(text, spans, units.to_codepoints if found == "utf16" else int)
    if found == "utf16":
        assert not explained(text, spans, int)


def explained(
    text: str, spans: list[tuple[int, int, str | None]], convert: Callable[[int], int]
) -> bool:
    for start, end, given_text in spans:
        try:
            first, last = convert(start), convert(end)
        except OffsetError:
            return False
        if not 0 <= first <= last <= len(text):
            return False
        if given_text is not None and text[first:last] != given_text:
            return False
    return True


def test_utf16_offsets_from_a_browser_onto_a_dirty_text() -> None:
    """What an import does: tell the unit, convert to code points, then map onto the text."""
    raw = "😀 Kapolres\r\n\x1b[1mAKBP Budi\x1b[0m 🚓 hadir"
    units = Utf16Offsets(raw)
    budi = raw.index("AKBP Budi")
    spans = [(units.to_utf16(budi), units.to_utf16(budi + 9), "AKBP Budi")]
    assert spans[0][0] == budi + 1
    assert detect_units(raw, spans) == "utf16"
    text, mapping = normalised_with_map(raw)
    first, last = mapping.span(units.to_codepoints(spans[0][0]), units.to_codepoints(spans[0][1]))
    assert text[first:last] == "AKBP Budi"
    hadir = raw.index("hadir")
    assert text[mapping(hadir) :] == "hadir"
