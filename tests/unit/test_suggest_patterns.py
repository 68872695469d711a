"""Users' pattern files in Prodigy's patterns JSONL format: matching, and every kind of bad line."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from cooltui.scheme import load_scheme
from cooltui.suggest import Dateline, PatternError, Suggester

DATA = Path(__file__).resolve().parent.parent / "data" / "patterns"


@pytest.fixture(scope="module")
def scheme():
    return load_scheme()


def suggest(scheme, tmp_path: Path, text: str, *lines: str) -> list[tuple[str, str, str]]:
    path = tmp_path / "rules.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    spans = Suggester(scheme, [path]).suggest(text, dateline=Dateline()).spans
    return [(s.label, s.text, s.source) for s in spans if s.source.startswith("pattern:")]


def test_a_phrase_matches_its_tokens_as_written(scheme, tmp_path):
    line = '{"label": "FAC", "pattern": "Balai Adat Melayu"}'
    text = "di Balai Adat Melayu, lalu di balai adat melayu."
    assert suggest(scheme, tmp_path, text, line) == [
        ("FAC", "Balai Adat Melayu", "pattern:rules.jsonl:1")
    ]


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ('[{"lower": "kompol"}]', "oleh KOMPOL Budi", "KOMPOL"),
        ('[{"LOWER": "kompol"}]', "oleh Kompol Budi", "Kompol"),
        (
            '[{"orth": "Polsubsektor"}, {"is_title": true}]',
            "di Polsubsektor Tualang",
            "Polsubsektor Tualang",
        ),
        ('[{"text": "Satgas"}, {"IS_UPPER": true, "OP": "?"}]', "Satgas PPKM hadir", "Satgas PPKM"),
        ('[{"lower": {"IN": ["tps", "pps"]}}, {"like_num": true}]', "di TPS 05 warga", "TPS 05"),
        ('[{"lower": "rt"}, {"is_digit": true, "OP": "+"}]', "RT 01 02 hadir", "RT 01 02"),
        (
            '[{"TEXT": {"REGEX": "^Polsek"}}, {"IS_TITLE": true, "OP": "*"}]',
            "di Polsek Tapung Hulu.",
            "Polsek Tapung Hulu",
        ),
        ('[{"LENGTH": {">=": 12}}]', "sosialisasi kamtibmasnya", "kamtibmasnya"),
        (
            '[{"lower": "desa"}, {"IS_PUNCT": true, "OP": "!"}]',
            "desa Kiab dan desa, lalu",
            "desa Kiab",
        ),
        ('[{"SHAPE": "dd/dd"}]', "pada 19/10 lalu", "19/10"),
        (
            '[{"lower": "pos"}, {"lower": "kamling"}, {"is_alpha": true, "OP": "{1,2}"}]',
            "Pos Kamling Mawar Merah hadir",
            "Pos Kamling Mawar Merah",
        ),
        (
            '[{"TEXT": {"NOT_IN": ["di", "ke"]}, "IS_LOWER": true}, {"lower": "kamtibmas"}]',
            "di kamtibmas, jaga kamtibmas",
            "jaga kamtibmas",
        ),
        ('[{"lower": "ada"}, {}, {"lower": "ada"}]', "ada apa ada", "ada apa ada"),
    ],
)
def test_token_patterns(scheme, tmp_path, pattern, text, expected):
    line = f'{{"label": "ORG", "pattern": {pattern}}}'
    assert [span for _, span, _ in suggest(scheme, tmp_path, text, line)] == [expected]


def test_blank_lines_and_extra_keys_are_fine(scheme, tmp_path):
    lines = ("", '{"label": "ORG", "pattern": "FKPM", "id": "fkpm"}', "   ")
    assert suggest(scheme, tmp_path, "bersama FKPM desa", *lines) == [
        ("ORG", "FKPM", "pattern:rules.jsonl:2")
    ]


def test_the_sample_pattern_files_load_and_match(scheme):
    files = sorted(DATA.glob("*.jsonl"))
    assert files
    suggester = Suggester(scheme, files)
    text = "Personel Pospol Simpang Beringin dan Pokdarkamtibmas Kecamatan Tualang hadir."
    sources = {span.source.rpartition(":")[0] for span in suggester.suggest(text).spans}
    assert {f"pattern:{path.name}" for path in files} <= sources


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", r"rules\.jsonl:2: not JSON"),
        ('["ORG", "x"]', r"rules\.jsonl:2: not a JSON object"),
        ('{"pattern": "Polsek"}', r'rules\.jsonl:2: no "label"'),
        (
            '{"label": "PERSON", "pattern": "Budi"}',
            r"rules\.jsonl:2: label 'PERSON' is not in the scheme; use one of DATE, EVENT",
        ),
        ('{"label": "ORG"}', r'rules\.jsonl:2: "pattern" must be a phrase'),
        ('{"label": "ORG", "pattern": 5}', r'rules\.jsonl:2: "pattern" must be a phrase'),
        ('{"label": "ORG", "pattern": ""}', r'rules\.jsonl:2: "pattern" is an empty phrase'),
        ('{"label": "ORG", "pattern": []}', r'rules\.jsonl:2: "pattern" is an empty list'),
        (
            '{"label": "ORG", "pattern": ["Polsek"]}',
            r"rules\.jsonl:2: token pattern 1 is not an object",
        ),
        (
            '{"label": "ORG", "pattern": [{"POS": "PROPN"}]}',
            r"rules\.jsonl:2: token pattern 1: attribute 'POS' is not supported",
        ),
        (
            '{"label": "ORG", "pattern": [{"lower": "a"}, {"lemma": "b"}]}',
            r"rules\.jsonl:2: token pattern 2: attribute 'lemma'",
        ),
        (
            '{"label": "ORG", "pattern": [{"lower": "a", "OP": "++"}]}',
            r"rules\.jsonl:2: token pattern 1: unknown OP '\+\+'",
        ),
        (
            '{"label": "ORG", "pattern": [{"lower": "a", "OP": "{3,1}"}]}',
            r"allows fewer than it needs",
        ),
        (
            '{"label": "ORG", "pattern": [{"LENGTH": "3"}]}',
            r"token pattern 1: LENGTH takes a int, not '3'",
        ),
        ('{"label": "ORG", "pattern": [{"IS_UPPER": 1}]}', r"IS_UPPER takes a bool"),
        ('{"label": "ORG", "pattern": [{"TEXT": {"REGEX": "("}}]}', r"bad REGEX"),
        ('{"label": "ORG", "pattern": [{"TEXT": {"IN": "abc"}}]}', r"IN takes a list"),
        ('{"label": "ORG", "pattern": [{"TEXT": {"FUZZY": "abc"}}]}', r"'FUZZY' is not supported"),
        ('{"label": "ORG", "pattern": [{"TEXT": {">=": 3}}]}', r"'>=' is not supported"),
    ],
)
def test_bad_lines_name_the_file_and_line(scheme, tmp_path, line, message):
    path = tmp_path / "rules.jsonl"
    path.write_text('{"label": "ORG", "pattern": "Polsek"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(PatternError, match=message) as caught:
        Suggester(scheme, [path])
    assert "\n" not in str(caught.value)


def test_a_missing_or_unreadable_file(scheme, tmp_path):
    with pytest.raises(PatternError, match=r"nope\.jsonl: no such patterns file; check --patterns"):
        Suggester(scheme, [tmp_path / "nope.jsonl"])
    with pytest.raises(PatternError, match="is a folder"):
        Suggester(scheme, [tmp_path])


def test_a_byte_order_mark_and_decomposed_letters(scheme, tmp_path):
    path = tmp_path / "rules.jsonl"
    pattern = '{"label": "FAC", "pattern": "Kafe Sejahtere\u0301"}\n'  # e + combining acute
    path.write_bytes(b"\xef\xbb\xbf" + pattern.encode("utf-8"))
    text = "ngopi di Kafe Sejahter\u00e9 kemarin."
    spans = Suggester(scheme, [path]).suggest(text, dateline=Dateline()).spans
    assert [(s.label, s.text) for s in spans] == [("FAC", "Kafe Sejahter\u00e9")]


def test_many_token_patterns_over_a_long_article_stay_fast(scheme, tmp_path):
    path = tmp_path / "gazetteer.jsonl"
    lines = [
        f'{{"label": "LOC", "pattern": [{{"lower": "dusun{n}"}}, {{"is_title": true}}]}}'
        for n in range(500)
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    suggester = Suggester(scheme, [path])
    text = "Warga Dusun7 Makmur dan dusun9 hadir di balai. " * 400
    start = time.perf_counter()
    spans = suggester.suggest(text, dateline=Dateline()).spans
    assert time.perf_counter() - start < 2.0  # ~0.1 s; every token tries 500 patterns without keys
    assert [s.text for s in spans if s.label == "LOC"][:1] == ["Dusun7 Makmur"]
