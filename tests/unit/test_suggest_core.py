"""The Suggester as the app uses it: overlaps, the annotator's spans, schemes, themes, tokens."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cooltui.model import Span
from cooltui.scheme import Scheme, load_scheme, parse_scheme
from cooltui.suggest import Dateline, Suggester, ThemeSuggestion
from cooltui.text import TokenIndex

TEXT = "Kapolsek Tualang, Kompol Budi Santoso SH, hadir di Kecamatan Tualang, Senin (8/1)."
NO_DATELINE = Dateline()


@pytest.fixture(scope="module")
def scheme() -> Scheme:
    return load_scheme()


@pytest.fixture(scope="module")
def suggester(scheme: Scheme) -> Suggester:
    return Suggester(scheme)


def write(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def keys(spans) -> list[tuple[int, int, str]]:
    return [span.key for span in spans]


def test_spans_are_sorted_hold_their_text_and_name_their_rule(suggester):
    spans = suggester.suggest(TEXT, dateline=NO_DATELINE).spans
    assert [(s.label, s.text) for s in spans] == [
        ("ROLE", "Kapolsek Tualang"),
        ("RANK", "Kompol"),
        ("PER", "Budi Santoso"),
        ("TITLE", "SH"),
        ("LOC", "Kecamatan Tualang"),
        ("DATE", "Senin (8/1)"),
    ]
    assert all(TEXT[s.start : s.end] == s.text for s in spans)
    assert all(s.source.startswith("rule:") for s in spans)
    assert spans == tuple(sorted(spans))


def test_the_longest_suggestion_wins_an_overlap(tmp_path, scheme):
    patterns = write(tmp_path / "p.jsonl", '{"label": "LOC", "pattern": "Tualang"}')
    spans = Suggester(scheme, [patterns]).suggest(TEXT, dateline=NO_DATELINE).spans
    # "Tualang" (a user's pattern) loses to the longer office and area around it.
    assert ("ROLE", "Kapolsek Tualang") in [(s.label, s.text) for s in spans]
    assert ("LOC", "Tualang") not in [(s.label, s.text) for s in spans]


def test_on_equal_length_the_more_specific_rule_wins(tmp_path, scheme):
    patterns = write(tmp_path / "p.jsonl", '{"label": "ORG", "pattern": "Kompol"}')
    spans = Suggester(scheme, [patterns]).suggest(TEXT, dateline=NO_DATELINE).spans
    kompol = [s for s in spans if s.text == "Kompol"]
    assert [(s.label, s.source) for s in kompol] == [("ORG", "pattern:p.jsonl:1")]


def test_no_suggestion_overlaps_the_annotators_spans(suggester):
    start = TEXT.index("Budi")
    mine = Span(start, start + 4, "PER", "Budi")
    spans = suggester.suggest(TEXT, existing=[mine], dateline=NO_DATELINE).spans
    assert not any(span.overlaps(mine) for span in spans)
    assert ("RANK", "Kompol") in [(s.label, s.text) for s in spans]


def test_a_rejected_suggestion_does_not_come_back(suggester):
    first = suggester.suggest(TEXT, dateline=NO_DATELINE).spans
    role = next(span for span in first if span.label == "ROLE")
    again = suggester.suggest(TEXT, rejected=[role], dateline=NO_DATELINE).spans
    assert role.key not in keys(again)
    assert set(keys(first)) - {role.key} <= set(keys(again))


def test_rejecting_one_label_leaves_room_for_another_on_the_same_words(tmp_path, scheme):
    patterns = write(tmp_path / "p.jsonl", '{"label": "ORG", "pattern": "Kompol"}')
    suggester = Suggester(scheme, [patterns])
    org = next(s for s in suggester.suggest(TEXT, dateline=NO_DATELINE).spans if s.label == "ORG")
    again = suggester.suggest(TEXT, rejected=[org], dateline=NO_DATELINE).spans
    assert [(s.label, s.text) for s in again if s.text == "Kompol"] == [("RANK", "Kompol")]


SMALL_SCHEME = """
[scheme]
name = "small"
{extra}

[[labels]]
name = "PER"
key = "p"
color = "yellow"

[[labels]]
name = "ORG"
key = "o"
color = "blue"

[[groups]]
name = "topic"
choice = "single"

[[groups.values]]
name = "VOTE"
cues = ["hak pilih", "golput"]

[[groups.values]]
name = "CALM"
cues = ["kondusif"]
"""


def small_scheme(tmp_path: Path, extra: str = "") -> Scheme:
    path = tmp_path / "small.toml"
    path.write_text(SMALL_SCHEME.format(extra=extra), encoding="utf-8")
    return parse_scheme(path.read_text(encoding="utf-8"), path)


def test_a_scheme_gets_only_its_own_labels(tmp_path):
    spans = Suggester(small_scheme(tmp_path)).suggest(TEXT, dateline=NO_DATELINE).spans
    # No RANK in this scheme, but a rank still tells where a name is.
    assert [(s.label, s.text) for s in spans] == [("PER", "Budi Santoso")]


def test_a_single_choice_group_gets_one_value(tmp_path):
    suggester = Suggester(small_scheme(tmp_path))
    text = "Gunakan hak pilih, jangan golput, agar tetap kondusif."
    assert suggester.suggest(text).themes == (
        ThemeSuggestion("topic", "VOTE", ("hak pilih", "golput")),
    )


def test_patterns_declared_in_the_scheme(tmp_path):
    write(tmp_path / "mine.jsonl", '{"label": "ORG", "pattern": "Kapolsek"}')
    scheme = small_scheme(tmp_path, 'patterns = ["mine.jsonl"]')
    spans = Suggester(scheme).suggest(TEXT, dateline=NO_DATELINE).spans
    assert next((s.label, s.text, s.source) for s in spans) == (
        "ORG",
        "Kapolsek",
        "pattern:mine.jsonl:1",
    )


def test_the_readers_tokens_give_the_same_suggestions(suggester):
    with_tokens = suggester.suggest(TEXT, TokenIndex(TEXT), dateline=NO_DATELINE)
    assert with_tokens == suggester.suggest(TEXT, dateline=NO_DATELINE)


# --- themes --------------------------------------------------------------------------------------


def themes(suggester: Suggester, text: str) -> dict[str, tuple[str, ...]]:
    return {theme.value: theme.cues for theme in suggester.suggest(text).themes}


def test_theme_cues_match_in_any_case_as_whole_words(suggester):
    found = themes(suggester, "Situasi KONDUSIF dan Netralitas aparat dijaga; sarana memadai.")
    assert found == {"KAMTIBMAS": ("kondusif",), "NETRALITAS": ("netralitas",)}


def test_theme_cues_take_indonesian_affixes(suggester):
    found = themes(suggester, "Polisi bersinergi dan menjaga kondusifitas; gunakan hak pilihnya.")
    assert found == {
        "KAMTIBMAS": ("kondusif",),
        "SILATURAHMI": ("sinergi",),
        "ANTI_GOLPUT": ("hak pilih",),
    }


def test_a_phrase_cue_matches_across_blanks_and_lines(suggester):
    assert themes(suggester, "agar tetap aman\ndan  damai.") == {"KAMTIBMAS": ("aman dan damai",)}


def test_acronym_cues_match_only_in_capitals(suggester):
    assert themes(suggester, "Kata Sara, tidak ada isu.") == {}
    assert themes(suggester, "Jangan sebar isu SARA.") == {"ANTI_HOAX": ("SARA",)}
    assert themes(suggester, "koordinasi dengan KPU dan PPS.") == {
        "KOORDINASI_PENYELENGGARA": ("KPU", "PPS")
    }


def test_no_cue_inside_another_word(suggester):
    assert themes(suggester, "Kami memakai sarana umum dan ketahoaxan.") == {}


# --- invariants ----------------------------------------------------------------------------------

WORDS = [
    "Kapolsek", "Polsek", "Polres", "Kecamatan", "Kota", "Jl.", "Jalan", "Kompol", "AKP", "AIPDA",
    "Bripka", "M.", "J.", "Butar-Butar", "Budi", "Santoso", "SH", "S.H.", "M.Han", "Ketua", "PPK",
    "Pilkada", "Serentak", "2024", "Senin", "(19/10)", "(8/2/2024)", "08", "Januari", "pukul",
    "sekira", "pkl.", "09.00", "WIB", "Cooling", "System", "Mapolsek", "Dumai", "Timur", "dan",
    "di", "yang", ",", ".", "-", "–", "•", '"', "“", "”", "(", ")", "Ps.", "Plt.", "KPU",
    "Bhabinkamtibmas", "Desa", "Kiab", "Jaya", "Coffee", "D'Dion", "bertajuk", "Operasi",
    "TOPIKMETRO.COM", "kompas.com", "Editor", ":", "Bapak", "UU", "Nomor", "7", "Tahun", "Rumah",
    "Sakit", "RT.", "No.", "KM", "35", "İstanbul", "é", "\u0301", "ŞAHİN",
]  # fmt: skip
SEPARATORS = [" ", " ", " ", "", "\n", "\n\n", "\xa0", "\t", "  "]


@st.composite
def articles(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS))))
    return "".join(word + separator for word, separator in parts)


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(articles(), st.text(max_size=200)))
def test_suggestions_never_overlap_and_lie_on_token_boundaries(suggester, scheme, text):
    tokens = TokenIndex(text)
    spans = suggester.suggest(text).spans
    for span in spans:
        assert text[span.start : span.end] == span.text
        assert tokens.is_start(span.start) and tokens.is_end(span.end), span
        assert span.label in scheme.label_names
    for first, second in itertools.pairwise(spans):
        assert first.end <= second.start


@settings(max_examples=100, deadline=None)
@given(text=articles(), picks=st.lists(st.integers(0, 10_000), max_size=4))
def test_the_annotators_spans_are_never_covered(suggester, text, picks):
    tokens = TokenIndex(text)
    if not len(tokens):
        return
    existing = []
    for pick in picks:
        token = tokens[pick % len(tokens)]
        existing.append(Span(token.start, token.end, "ORG", token.text))
    for span in suggester.suggest(text, tokens, existing=existing).spans:
        assert not any(span.overlaps(mine) for mine in existing)


def test_a_long_article_takes_milliseconds(suggester):
    text = (TEXT + " Warga Polsek Bandar Sei Kijang hadir. ") * 500 + "x" * 20_000
    start = time.perf_counter()
    suggester.suggest(text)
    assert time.perf_counter() - start < 2.0  # ~50 ms on a laptop; a slow CI gets room
