"""Normalisation, tokens and the token index: examples from the seeds, then properties."""

from __future__ import annotations

import time
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cooltui.text import Token, TokenIndex, normalise, tokenize

SEEDS = sorted((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt"))


def words(text: str) -> list[str]:
    return [token.text for token in tokenize(text)]


def _symbol(char: str) -> bool:
    """An emoji or another symbol: not ASCII ("$", "+" and the like are punctuation here), and
    beyond the BMP only in the emoji blocks (Sutton SignWriting or musical notation may stay
    inside a word: they never stand in the news, and testing for them would slow every word)."""
    code = ord(char)
    if char.isascii() or (code > 0xFFFF and not 0x1F000 <= code < 0x1FC00):
        return False
    return unicodedata.category(char) in ("So", "Sm", "Sc")


def check_tokens(text: str, tokens: list[Token]) -> None:
    """The invariants every tokenization must keep."""
    covered = [0] * len(text)
    previous_end = 0
    for token in tokens:
        assert text[token.start : token.end] == token.text
        assert token.start < token.end
        assert token.start >= previous_end, "tokens overlap or are out of order"
        assert not any(char.isspace() for char in token.text)
        if unicodedata.category(token.text[0]).startswith("M"):
            # A mark starts a token only where there is no base to keep it with.
            assert token.start == 0 or text[token.start - 1].isspace()
        if any(char.isalnum() for char in token.text):
            # An emoji or another symbol is never glued into a word.
            assert not any(_symbol(char) for char in token.text), token
        previous_end = token.end
        for offset in range(token.start, token.end):
            covered[offset] += 1
    for offset, char in enumerate(text):
        assert covered[offset] == (0 if char.isspace() else 1), (offset, char)


# --- normalise: examples -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a\r\nb", "a\nb"),
        ("a\rb\r\rc", "a\nb\n\nc"),
        ("a\x85b\u2028c\u2029d", "a\nb\nc\nd"),
        ("a\vb\fc", "a\nb\nc"),
        ("a\r\n\r\nb", "a\n\nb"),
        ("\x1b]0;pwned\x07title", "title"),
        ("\x1b]2;pwned\x1b\\title", "title"),
        ("\x1b]52;c;SGVsbG8=\x07x", "x"),
        ("\x1b[31mred\x1b[0m", "red"),
        ("\x1b[1;38;5;196mbold\x1b[K", "bold"),
        ("\x9b31mred", "red"),
        ("\x9d0;pwned\x9ctitle", "title"),
        ("\x1bPq#0;2;0;0;0\x1b\\ok", "ok"),
        ("\x1b_apc\x1b\\\x1b^pm\x1b\\\x1bXsos\x1b\\ok", "ok"),
        ("\x1b(Ba\x1b7b\x1b8", "ab"),
        # An unterminated string sequence loses only its introducer: no text is swallowed.
        ("\x1b]0;never ends", "0;never ends"),
        ("ring\x07bell\x00nul\x7fdel", "ringbellnuldel"),
        ("\ufeffKapolsek", "Kapolsek"),
        ("kata\ufeffkata", "katakata"),
        ("\u202eevil\u202c text", "evil text"),
        ("lone \ud800 surrogate", "lone  surrogate"),
        ("tab\there\nline", "tab\there\nline"),
        ("[/] [bold] [@click=app.quit]", "[/] [bold] [@click=app.quit]"),
        ("trailing spaces   \n  kept  ", "trailing spaces   \n  kept  "),
        ("Jum'at D'Dion “Kami”", "Jum'at D'Dion “Kami”"),
        ("👨\u200d👩\u200d👧 ❤\ufe0f", "👨\u200d👩\u200d👧 ❤\ufe0f"),
    ],
)
def test_normalise_examples(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def test_normalise_composes_nfd() -> None:
    decomposed = unicodedata.normalize("NFD", "Café Résumé")
    assert decomposed != "Café Résumé"
    assert normalise(decomposed) == "Café Résumé"


def test_normalise_composes_across_a_removed_sequence() -> None:
    # NFC runs after removal, so the mark meets its base and the result is stable.
    assert normalise("e\x1b[0m\u0301") == "é"
    assert normalise("e\x00\u0301") == "é"


def test_normalise_joins_cr_lf_split_by_a_removed_character() -> None:
    assert normalise("a\r\x00\nb") == "a\nb"
    assert normalise("a\r\x1b[0m\nb") == "a\nb"


@pytest.mark.parametrize("introducer", ["\x1b]", "\x9d", "\x1bP", "\x9b", "\x1b["])
def test_normalise_is_linear_on_unterminated_sequences(introducer: str) -> None:
    # Each unterminated sequence must not be scanned to the end of the text: 20,000 of them
    # take milliseconds when linear and many seconds when quadratic.
    raw = (introducer + "0;x ") * 20_000
    started = time.perf_counter()
    text = normalise(raw)
    assert time.perf_counter() - started < 2
    assert "\x1b" not in text and "\x9d" not in text


def test_normalise_returns_clean_ascii_unchanged() -> None:
    text = SEEDS[0].read_text(encoding="utf-8").encode("ascii", "ignore").decode()
    assert normalise(text) is text


@pytest.mark.parametrize("path", SEEDS, ids=lambda path: path.stem)
def test_seeds_are_already_normal(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert normalise(text) == text
    check_tokens(text, tokenize(text))


# --- tokenize: examples --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Kapolsek Minas, Kompol Wan Mantazakka SH MH, dalam",
            ["Kapolsek", "Minas", ",", "Kompol", "Wan", "Mantazakka", "SH", "MH", ",", "dalam"],
        ),
        (
            "pada Sabtu (19/10), melaksanakan",
            ["pada", "Sabtu", "(", "19/10", ")", ",", "melaksanakan"],
        ),
        (
            "sekira pkl. 09.00 wib, pada Senin 08 Januari 2024.",
            ["sekira", "pkl.", "09.00", "wib", ",", "pada", "Senin", "08", "Januari", "2024", "."],
        ),
        ("Aipda J. Butar-Butar menyambangi", ["Aipda", "J.", "Butar-Butar", "menyambangi"]),
        (
            "“Kami mengajak seluruh PNS,” ujar Kompol Abdul Rahman.",
            [
                "“",
                "Kami",
                "mengajak",
                "seluruh",
                "PNS",
                ",",
                "”",
                "ujar",
                "Kompol",
                "Abdul",
                "Rahman",
                ".",
            ],
        ),
        (
            "Kompol Abdul Rahman, S.H., M.Han, yang",
            ["Kompol", "Abdul", "Rahman", ",", "S.H.", ",", "M.Han", ",", "yang"],
        ),
        (
            "Kapolres Siak AKBP Asep Sujarwadi S.I.K., M.Si dan Iptu Budi S.Tr.K",
            [
                "Kapolres",
                "Siak",
                "AKBP",
                "Asep",
                "Sujarwadi",
                "S.I.K.",
                ",",
                "M.Si",
                "dan",
                "Iptu",
                "Budi",
                "S.Tr.K",
            ],
        ),
        (
            "lingkupperistiwa.com, Siak – Polsek Minas",
            ["lingkupperistiwa.com", ",", "Siak", "–", "Polsek", "Minas"],
        ),
        (
            "TOPIKMETRO.COM, BDR. SEIKIJANG – Dalam",
            ["TOPIKMETRO.COM", ",", "BDR.", "SEIKIJANG", "–", "Dalam"],
        ),
        ("PANTAUNEWS.CO.ID, DUMAI – Wujud", ["PANTAUNEWS.CO.ID", ",", "DUMAI", "–", "Wujud"]),
        ("DUMAI - Polsek Dumai Timur", ["DUMAI", "-", "Polsek", "Dumai", "Timur"]),
        ("Jalan Soekarno - Hatta RT. 005", ["Jalan", "Soekarno", "-", "Hatta", "RT.", "005"]),
        ("Kamis (8/2/2024).", ["Kamis", "(", "8/2/2024", ")", "."]),
        (
            "Jl. Lintas Timur KM 35 Kelurahan",
            ["Jl.", "Lintas", "Timur", "KM", "35", "Kelurahan"],
        ),
        ("di Jl warung sarapan", ["di", "Jl", "warung", "sarapan"]),
        (
            'kegiatan bertajuk "Coffe Bareng Yuk" di D\'Dion Coffee,',
            [
                "kegiatan",
                "bertajuk",
                '"',
                "Coffe",
                "Bareng",
                "Yuk",
                '"',
                "di",
                "D'Dion",
                "Coffee",
                ",",
            ],
        ),
        ("Jum'at dan Jum’at", ["Jum'at", "dan", "Jum’at"]),
        ("Bhabinkamtibmas Desa Kiab Jaya", ["Bhabinkamtibmas", "Desa", "Kiab", "Jaya"]),
        ("•Ps. Kanit Intelkam AIPDA", ["•", "Ps.", "Kanit", "Intelkam", "AIPDA"]),
        ("• Pentingnya menjaga", ["•", "Pentingnya", "menjaga"]),
        ("yaitu :", ["yaitu", ":"]),
        ("Editor : Ari Susanto", ["Editor", ":", "Ari", "Susanto"]),
        (
            "aman; tertib! Benar? Ya—tidak",
            ["aman", ";", "tertib", "!", "Benar", "?", "Ya", "—", "tidak"],
        ),
        ("Minas.***(juminawati)", ["Minas", ".", "***", "(", "juminawati", ")"]),
        ("kondusif. (*).", ["kondusif", ".", "(", "*", ")", "."]),
        ("Bripka M. Aris dan Dr. H. Ahmad", ["Bripka", "M.", "Aris", "dan", "Dr.", "H.", "Ahmad"]),
        ("Plt. Camat dan Pj. Bupati", ["Plt.", "Camat", "dan", "Pj.", "Bupati"]),
        ("Irjen Pol. Iqbal", ["Irjen", "Pol.", "Iqbal"]),
        ("PT. Chevron Tbk. dll.", ["PT.", "Chevron", "Tbk.", "dll."]),
        ("s.d. tanggal a.n. Kapolsek", ["s.d.", "tanggal", "a.n.", "Kapolsek"]),
        ("pukul 10.00 wib.", ["pukul", "10.00", "wib", "."]),
        ("pukul 09:30.", ["pukul", "09:30", "."]),
        ("naik 2,5 persen, 3", ["naik", "2,5", "persen", ",", "3"]),
        ("isu-isu dan pesan-pesan", ["isu-isu", "dan", "pesan-pesan"]),
        ("dan/atau", ["dan/atau"]),
        ("ikuti zonamerdeka.com di", ["ikuti", "zonamerdeka.com", "di"]),
        ("lihat detik.com.", ["lihat", "detik.com", "."]),
        ("Tunggu...", ["Tunggu", "..."]),
        ("Tunggu…", ["Tunggu", "…"]),
        ("humas@polri.go.id #PemiluDamai 50%", ["humas@polri.go.id", "#PemiluDamai", "50%"]),
        ("'Coffe'", ["'", "Coffe", "'"]),
    ],
)
def test_tokenize_examples(text: str, expected: list[str]) -> None:
    tokens = tokenize(text)
    assert [token.text for token in tokens] == expected
    check_tokens(text, tokens)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A missing space after a full stop or a dateline's hyphen is a boundary, so that the
        # entity after it can be marked.
        ("aman.Kapolsek Minas", ["aman", ".", "Kapolsek", "Minas"]),
        ("2024.Kegiatan ini", ["2024", ".", "Kegiatan", "ini"]),
        (
            "ZONAMERDEKA.COM, PELALAWAN-Dalam rangka",
            ["ZONAMERDEKA.COM", ",", "PELALAWAN", "-", "Dalam", "rangka"],
        ),
        ("TNI-Polri", ["TNI", "-", "Polri"]),
        ("COVID-19", ["COVID-19"]),
        ("Jl.Sudirman", ["Jl.", "Sudirman"]),
    ],
)
def test_tokenize_splits_missing_spaces(text: str, expected: list[str]) -> None:
    assert words(text) == expected


def test_tokenize_token_offsets() -> None:
    assert tokenize("Sabtu (19/10),") == [
        Token(0, 5, "Sabtu"),
        Token(6, 7, "("),
        Token(7, 12, "19/10"),
        Token(12, 13, ")"),
        Token(13, 14, ","),
    ]
    assert tokenize("") == []
    assert tokenize(" \n\t ") == []


def test_tokenize_keeps_marks_and_emoji_inside_tokens() -> None:
    # NFC leaves x + U+0301 decomposed: there is no precomposed form.
    text = normalise("x\u0301y (\u0301z 👨\u200d👩\u200d👧 ❤\ufe0f *\ufe0f\u20e3 中文，好")
    assert "x\u0301y" in text
    assert words(text) == [
        "x\u0301y",
        "(\u0301",
        "z",
        "👨\u200d👩\u200d👧",
        "❤\ufe0f",
        "*\ufe0f\u20e3",
        "中文",
        "，",
        "好",
    ]
    assert words("Jl.\u0301x") == ["Jl.\u0301", "x"]
    assert words("\u0301a b") == ["\u0301a", "b"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # An emoji or another symbol glued to a word is a token of its own, so that the word
        # can be labelled as it is.
        ("Polsek Bangko🚓 hadir", ["Polsek", "Bangko", "🚓", "hadir"]),
        ("🚓Bangko", ["🚓", "Bangko"]),
        ("Bangko🚓🚓.", ["Bangko", "🚓", "🚓", "."]),
        ("Mantap👍🏽Polri", ["Mantap", "👍🏽", "Polri"]),
        ("Dumai❤\ufe0f", ["Dumai", "❤\ufe0f"]),
        ("Keluarga👨\u200d👩\u200d👧bahagia", ["Keluarga", "👨\u200d👩\u200d👧", "bahagia"]),
        ("Merdeka🇮🇩🇮🇩", ["Merdeka", "🇮🇩", "🇮🇩"]),
        ("Samsung® dan Polri™", ["Samsung", "®", "dan", "Polri", "™"]),
        ("harga €50 atau ±3", ["harga", "€", "50", "atau", "±", "3"]),
        ("S.H.🚓", ["S.H.", "🚓"]),
        # Unchanged: marks stay with their base, symbols kept in words stay there.
        ("*\ufe0f\u20e3 1\ufe0f\u20e3", ["*\ufe0f\u20e3", "1\ufe0f\u20e3"]),
        ("R&D 50% #Pemilu humas@polri.go.id", ["R&D", "50%", "#Pemilu", "humas@polri.go.id"]),
        ("Jum´at", ["Jum´at"]),
    ],
)
def test_tokenize_splits_symbols_off_words(text: str, expected: list[str]) -> None:
    tokens = tokenize(text)
    assert [token.text for token in tokens] == expected
    check_tokens(text, tokens)


def test_tokenize_treats_nbsp_as_space() -> None:
    # NBSP is whitespace to str.isspace, so it separates tokens like a space.
    assert words("Kompol\xa0Wan") == ["Kompol", "Wan"]


# --- TokenIndex: examples ------------------------------------------------------------------------

SENTENCE = "Kapolsek Minas, Kompol Wan  (19/10)."
#           0         1         2         3
#           0123456789012345678901234567890123456


def test_index_lookups() -> None:
    index = TokenIndex(SENTENCE)
    assert [token.text for token in index.tokens] == [
        "Kapolsek", "Minas", ",", "Kompol", "Wan", "(", "19/10", ")", ".",
    ]  # fmt: skip
    assert index.starts == [0, 9, 14, 16, 23, 28, 29, 34, 35]
    assert index.ends == [8, 14, 15, 22, 26, 29, 34, 35, 36]
    assert len(index) == 9
    assert index[1] == Token(9, 14, "Minas")
    assert index.text == SENTENCE
    assert TokenIndex.of(SENTENCE).tokens == index.tokens

    assert index.token_at(0) == 0
    assert index.token_at(7) == 0
    assert index.token_at(8) is None  # the space after "Kapolsek"
    assert index.token_at(14) == 2
    assert index.token_at(36) is None
    assert index.token_at(-1) is None

    assert index.next_token(0) == 0
    assert index.next_token(1) == 1
    assert index.next_token(26) == 5
    assert index.next_token(36) is None

    assert index.prev_token(0) is None
    assert index.prev_token(8) == 0
    assert index.prev_token(13) == 0
    assert index.prev_token(14) == 1
    assert index.prev_token(100) == 8

    assert index.is_start(9) and index.is_start(29)
    assert not index.is_start(10) and not index.is_start(8)
    assert index.is_end(14) and index.is_end(36)
    assert not index.is_end(13) and not index.is_end(9)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (9, 14, (9, 14)),  # already a token
        (10, 12, (9, 14)),  # inside "Minas"
        (3, 11, (0, 14)),  # "Kapolsek" tail to "Minas" head
        (8, 9, (9, 14)),  # only a space: the next token
        (26, 28, (28, 29)),  # two spaces before "("
        (8, 15, (9, 15)),  # edge spaces dropped
        (11, 3, (0, 14)),  # reversed range
        (10, 10, (9, 14)),  # a point inside a token
        (14, 14, (14, 15)),  # a point between tokens: the one after
        (36, 36, (36, 36)),  # nothing after: unchanged
        (20, 36, (16, 36)),
    ],
)
def test_snap(start: int, end: int, expected: tuple[int, int]) -> None:
    assert TokenIndex(SENTENCE).snap(start, end) == expected


def test_snap_without_tokens_is_unchanged() -> None:
    assert TokenIndex("   ").snap(1, 2) == (1, 2)
    assert TokenIndex("").snap(0, 0) == (0, 0)


# --- properties ----------------------------------------------------------------------------------

TRICKY = list("\r\n\t\x1b[]();,.“”•-/'’:!?–—*\"\x07\x9b\x9c\x9d\x85\x00\x7f \xa0")
TRICKY += ["\u2028", "\u2029", "\ufeff", "\u200d", "\u202e", "\ufe0f", "\u20e3", "\ud800"]
EMOJI = ["😀", "👍", "🏽", "❤", "👨", "🇮", "🇩", "中", "文"]
WORDS = ["S", "H", "M", "Jl", "pkl", "Ps", "KM", "Dr", "09", "19", "10", "com", "Minas", "PNS"]
pieces = st.one_of(
    st.sampled_from(TRICKY),
    st.sampled_from(EMOJI),
    st.sampled_from(WORDS),
    st.characters(min_codepoint=0x300, max_codepoint=0x36F),
    st.characters(min_codepoint=0x41, max_codepoint=0x7A),
    st.characters(codec="utf-8"),
)
broad = st.lists(pieces, max_size=40).map("".join)
texts = st.one_of(broad, st.text(), st.text(st.characters()))


@given(texts)
def test_normalise_is_idempotent(raw: str) -> None:
    once = normalise(raw)
    assert normalise(once) == once


@given(texts)
def test_normalise_output_is_clean(raw: str) -> None:
    text = normalise(raw)
    assert "\x1b" not in text
    for char in text:
        category = unicodedata.category(char)
        assert category not in ("Cc", "Cs") or char in "\n\t", repr(char)
        assert char not in "\ufeff\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    assert unicodedata.is_normalized("NFC", text)
    # The editor splits lines with str.splitlines(): only "\n" may break one.
    assert text.splitlines() == (text.removesuffix("\n").split("\n") if text else [])


@given(texts)
def test_normalise_keeps_ordinary_text(raw: str) -> None:
    # Characters that are neither controls nor line breaks nor removed format characters survive,
    # in order (NFC aside): normalising only ever removes or converts.
    plain = "".join(char for char in raw if char.isalnum() or char in " .,-/'“”")
    assert normalise(plain) == unicodedata.normalize("NFC", plain)


@given(texts)
def test_tokens_cover_the_text(raw: str) -> None:
    text = normalise(raw)
    check_tokens(text, tokenize(text))


@given(texts)
def test_tokenize_survives_raw_text(raw: str) -> None:
    # Unnormalised text must not crash it either: it covers it all the same.
    check_tokens(raw, tokenize(raw))


@given(broad, st.data())
def test_index_agrees_with_brute_force(raw: str, data: st.DataObject) -> None:
    text = normalise(raw)
    index = TokenIndex(text)
    tokens = index.tokens
    offset = data.draw(st.integers(-2, len(text) + 2), label="offset")

    containing = [i for i, token in enumerate(tokens) if token.start <= offset < token.end]
    assert index.token_at(offset) == (containing[0] if containing else None)
    after = [i for i, token in enumerate(tokens) if token.start >= offset]
    assert index.next_token(offset) == (after[0] if after else None)
    before = [i for i, token in enumerate(tokens) if token.end <= offset]
    assert index.prev_token(offset) == (before[-1] if before else None)
    assert index.is_start(offset) == any(token.start == offset for token in tokens)
    assert index.is_end(offset) == any(token.end == offset for token in tokens)


@given(broad, st.data())
def test_snap_grows_to_token_boundaries(raw: str, data: st.DataObject) -> None:
    text = normalise(raw)
    index = TokenIndex(text)
    start = data.draw(st.integers(0, len(text)), label="start")
    end = data.draw(st.integers(start, len(text)), label="end")
    snapped_start, snapped_end = index.snap(start, end)
    assert index.snap(end, start) == (snapped_start, snapped_end)

    overlapping = [t for t in index.tokens if t.start < end and t.end > start]
    if start == end:
        inside = [t for t in index.tokens if t.start < start < t.end]
        overlapping = inside
    if overlapping:
        # Whole tokens: every one the range touches, and none it does not.
        assert snapped_start == overlapping[0].start
        assert snapped_end == overlapping[-1].end
        assert index.is_start(snapped_start) and index.is_end(snapped_end)
        for offset in range(start, end):
            if not text[offset].isspace():
                assert snapped_start <= offset < snapped_end
    else:
        following = [t for t in index.tokens if t.start >= end]
        expected = (following[0].start, following[0].end) if following else (start, end)
        assert (snapped_start, snapped_end) == expected
