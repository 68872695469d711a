"""Text normalisation and word tokens: the ground every offset in cooltui stands on.

`normalise` is applied once when an article is loaded; every span offset is a Python str index
(code point) into its result, end exclusive. `tokenize` cuts that text into word tokens, and
`TokenIndex` answers the boundary questions the reader and the exporters ask about them.
`printable` makes any other string from a file (an id, a file name) safe to show on one line of
a terminal, and `truncate` cuts what is shown to the cells there are (`cells` measures them).
A headless core module: the standard library only, and rich's cell widths, imported the first
time a text that is not ASCII is measured.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from functools import cache
from types import ModuleType
from typing import NamedTuple

# --- normalise ---------------------------------------------------------------------------------

# One pass removes every character below, and with an escape introducer (ESC or an 8-bit C1 one)
# the whole sequence it starts, so that neither its effect nor its debris ("]0;title") survives.
# The pattern starts with a plain character class, which lets the regex engine skip clean text
# fast. String bodies (OSC, DCS, SOS, PM, APC) may not hold control characters: every scan stops
# at the next introducer, so it stays linear, and an unterminated one loses only its introducer.
_CSI_TAIL = r"[0-?]*[ -/]*[@-~]"
_STRING_TAIL = r"[^\x00-\x1f\x7f-\x9f]*(?:\x07|\x1b\\|\x9c)"
_STRIP = re.compile(
    # Controls other than the line breaks converted below, lone surrogates (they cannot be encoded
    # or stored as JSON), the BOM / zero-width no-break space, and the bidi embeddings, overrides
    # and isolates that can make a terminal show text in another order than it is stored.
    "[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufeff\u202a-\u202e\u2066-\u2069]"
    "(?:"
    rf"(?<=\x1b)(?:\[{_CSI_TAIL}|[]PX^_]{_STRING_TAIL}|[ -/]*[0-~])"  # 7-bit: CSI, strings, ESC x
    rf"|(?<=\x9b){_CSI_TAIL}"  # 8-bit CSI
    rf"|(?<=[\x90\x98\x9d-\x9f]){_STRING_TAIL}"  # 8-bit DCS, SOS, OSC, PM, APC
    ")?"
)
# Every break str.splitlines() knows that survives _STRIP becomes "\n", so that the editor's lines
# and our offsets agree; CR LF is done first with str.replace, which is faster than a regex.
_LINE_BREAK = re.compile("[\r\v\f\x85\u2028\u2029]")
_ASCII_DIRTY = re.compile("[^\t\n -~]")
# Anything _STRIP or _LINE_BREAK would touch: clean text (most articles) is returned as it is.
_DIRTY = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufeff\u202a-\u202e\u2066-\u2069\u2028\u2029]"
)


def normalise(raw: str) -> str:
    """The text all offsets refer to: NFC, "\\n" line breaks, no escape sequences or controls.

    Only "\\n" and "\\t" remain of the control characters; nothing else (spaces included) changes.
    Idempotent: removal comes first so that NFC and CR LF see the text as it will stay.
    """
    if raw.isascii():
        if not _ASCII_DIRTY.search(raw):
            return raw
    elif not _DIRTY.search(raw) and unicodedata.is_normalized("NFC", raw):
        return raw
    text = _STRIP.sub("", raw).replace("\r\n", "\n")
    text = _LINE_BREAK.sub("\n", text)
    return text if text.isascii() else unicodedata.normalize("NFC", text)


# --- printable ---------------------------------------------------------------------------------

UNPRINTABLE = "\ufffd"
"""What `printable` shows for a control character: Unicode's own mark for a character that cannot
be shown, one cell wide, and unlike "?" never mistaken for a character of an id."""

ID_WIDTH = 32
"""Where an article id is shown, it is cut to this width: ids are keys of a few dozen characters,
and one of 100,000 must not push everything else off the screen or pad every row of a table."""

TITLE_WIDTH = 80
"""Titles are shortened to this many cells, a list row's worth (cooltui.meta.shorten)."""

# Whitespace controls become a space: they separate words in titles, notes and messages.
_SPACING = re.compile("\r\n?|[\t\n\v\f\x85\u2028\u2029]")


def printable(text: str) -> str:
    """`text` safe to show on one line of a terminal. For strings from files and the store: ids,
    file names and messages naming them were never normalised, and titles and notes were but
    keep their line breaks and tabs.

    Whole escape sequences go, as in `normalise`: their debris ("]0;title") means nothing to a
    reader. Line breaks and tabs become a space, and any other control character (C0, C1, lone
    surrogates, the BOM, bidi overrides and isolates) becomes UNPRINTABLE, so that two ids that
    differ only in one still look different. Idempotent; nothing else changes.
    """
    if text.isprintable():
        return text
    return _SPACING.sub(" ", _STRIP.sub(_unprintable, text))


def _unprintable(match: re.Match[str]) -> str:
    # _STRIP matches a whole escape sequence, or a lone control character.
    return "" if len(match.group()) > 1 else UNPRINTABLE


# --- truncate ----------------------------------------------------------------------------------

_WORD_CUT_TRAILERS = " ,;:–-"
"""What a cut at a word can leave before the ellipsis: "Polres,…" is shown as "Polres…"."""


@cache
def _rich_cells() -> ModuleType:
    """rich's cell widths, imported on first use: `cooltui list` starts without rich (a few ms)
    and imports it only for a text that is not ASCII."""
    import rich.cells

    return rich.cells


def cells(text: str) -> int:
    """The terminal cells `text` takes, as rich and so Textual count them (two for a wide East
    Asian character or an emoji, none for a combining mark): a list row drawn with one count
    and laid out with another would be misaligned. For text with no control characters
    (`printable`, or normalised on one line), where an ASCII character takes one cell."""
    if text.isascii():
        return len(text)
    return _rich_cells().cell_len(text)


# The options are not keyword-only: CPython specialises calls to functions without keyword-only
# parameters only, and that saves a tenth of the time of a call here.
def truncate(text: str, width: int, flatten: bool = False, at_word: bool = False) -> str:
    """`text` in at most `width` cells, ending with "…" when cut. The one shortener: the
    article list calls it for every row it draws, so ASCII text takes a fast path.

    flatten: first make each run of whitespace, line breaks too, one space (span texts, titles).
    at_word: cut after the last whole word when that keeps more than half the width, and drop
    the punctuation left before the ellipsis (titles).

    A cut through a wide character leaves a space for the half that shows, so a text cut other
    than at a word takes exactly `width` cells.
    """
    if flatten:
        text = " ".join(text.split())
    if width <= 0:
        return ""
    if text.isascii():  # a character is a cell (see `cells`)
        if len(text) <= width:
            return text
        head = text[: width - 1]
    else:
        rich_cells = _rich_cells()
        if rich_cells.cell_len(text) <= width:
            return text
        # Only the head can show, and rich measures a whole text grapheme by grapheme: a long
        # title would cost several times a short one. A head of 2 * width characters is enough
        # unless it is mostly zero-width marks.
        head = text[: 2 * width]
        if rich_cells.cell_len(head) < width - 1:
            head = text
        head = rich_cells.set_cell_size(head, width - 1)
    if at_word:
        space = head.rfind(" ")
        if space > 0 and cells(head[:space]) > width // 2:
            head = head[:space]
        head = head.rstrip(_WORD_CUT_TRAILERS)
    return head + "…"


# --- tokenize ----------------------------------------------------------------------------------


class Token(NamedTuple):
    """A word, punctuation or symbol token: text == source[start:end], end exclusive."""

    start: int
    end: int
    text: str


def _ranges(points: list[int]) -> str:
    """The body of a regex class of `points` (ascending code points), as ranges."""
    ranges: list[tuple[int, int]] = []
    for code in points:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    return "".join(f"\\U{low:08x}-\\U{high:08x}" for low, high in ranges)


# Characters that never belong to a word: ASCII punctuation except # % & @ _ (hashtags, 50%,
# R&D, e-mail addresses stay whole), plus quotes, dashes, bullets and CJK punctuation.
_PUNCT = (
    "!\"$'()*+,\\-./:;<=>?\\[\\\\\\]^`{|}~"
    "“”„‟‘’‚‛«»‹›″′"
    "‐‑‒–—―−⁃"
    "•‣◦∙·●▪■►▶➢➤❖◆…¡¿§¶†‡"
    "、。，！？：；（）【】「」『』《》〈〉"
)
_SKIN_TONES = range(0x1F3FB, 0x1F400)
"""The emoji modifiers (category Sk): they stay with the emoji before them, else stand alone."""
_EMOJI_PUNCT = "‼⁉〰〽"
"""Emoji that Unicode files as punctuation: tokens of their own all the same."""


_EMOJI_BLOCKS = range(0x1F000, 0x1FC00)
"""Where the emoji stand beyond the BMP (Mahjong tiles to Symbols for Legacy Computing)."""


def _classes() -> tuple[str, str]:
    """Regex class bodies of every combining mark (categories Mn, Mc, Me) and of every symbol
    (So, Sm, Sc: emoji, ©, ™, °, €, ±...) but those of ASCII and _PUNCT, as this Python knows
    them. Beyond the BMP a symbol is whatever of _EMOJI_BLOCKS is not a digit: an emoji newer
    than this Python is one too, and the class stays three ranges, which the regex engine tests
    one by one for every character of every word (all of plane 1's symbols make tokenizing half
    as fast again; the historic and mathematical ones left out never stand in the news).

    Marks live only in planes 0 and 1 and in the variation selectors at U+E0100-E01EF, so only
    those are scanned, once at import.
    """
    category = unicodedata.category
    punct = {ord(char) for char in _PUNCT}
    marks: list[int] = []
    symbols = {*_SKIN_TONES, *map(ord, _EMOJI_PUNCT)}
    for code in (*range(0x80, 0x20000), *range(0xE0000, 0xE1000)):
        kind = category(chr(code))
        if kind[0] == "M":
            marks.append(code)
        elif code in _EMOJI_BLOCKS:
            if kind[0] != "N":
                symbols.add(code)
        elif code < 0x10000 and kind in ("So", "Sm", "Sc") and code not in punct:
            symbols.add(code)
    return _ranges(marks), _ranges(sorted(symbols))


# Words whose full stop is part of them (compared case-insensitively). Single letters are
# initials ("M.", "H.") and are handled by shape, so they are not listed.
_ABBREVIATIONS = frozenset(
    {
        # places and addresses
        "jl", "jln", "gg", "no", "rt", "rw", "km", "kel", "kec", "kab", "kp", "ds", "dsn",
        "bdr", "tj", "kep", "prov",
        # offices, ranks and honorifics
        "ps", "plt", "pj", "pjs", "pol", "kol", "jend", "purn", "dr", "drs", "dra", "drg", "ir",
        "prof", "hj", "kh", "sdr", "sdri", "bpk", "yth",
        # times and dates
        "pkl", "tgl", "th", "thn",
        # companies, money, lists
        "pt", "cv", "ud", "tbk", "rp", "dll", "dsb", "dst", "dkk", "tsb", "vs",
    }
)  # fmt: skip
_ABBREVIATION = "|".join(sorted(_ABBREVIATIONS, key=len, reverse=True))
_DOTTED_HEAD = max(4, *map(len, _ABBREVIATIONS))  # letters before the first full stop, at most

# A full stop or hyphen between two words stays inside them ("S.Tr.K", "09.00", "Butar-Butar")
# unless it looks like a missing space: "kondusif.Kapolsek", "2024.Kegiatan", "PELALAWAN-Dalam".
_JOINER = (
    r"(?:\.(?!(?<=[a-z0-9]{2}\.)[A-Z][a-z])"
    r"|[-‐‑](?!(?<=[A-Z]{2}.)[A-Z][a-z])"
    r"|[/'’‘`]"  # 19/10, dan/atau, Jum'at, D'Dion
    r"|(?<=\d)[:,](?=\d))"  # 09:00, 2,5
)


@cache
def _token_regex() -> re.Pattern[str]:
    """The tokenizer's pattern, made when first used: the scan of Unicode for its classes and
    the compiling take 50-80 ms, which a start that cuts no text (the app's first paint:
    TokenIndex cuts when first asked; `cooltui list`) does without."""
    marks, symbols = _classes()
    mark = f"[{marks}]"
    # Word material: whatever is not whitespace, punctuation or a symbol: letters, digits,
    # marks, ZWJ... An emoji or another symbol glued to a word is a token of its own, so that
    # the word can be labelled whole: "Bangko🚓" is "Bangko" and "🚓".
    w = f"[^\\s{_PUNCT}{symbols}]"
    # What stays with a symbol: marks and variation selectors (❤️), a skin tone (👍🏽), the tag
    # characters of a subdivision's flag; symbols joined by a ZWJ are one (👨‍👩‍👧), and so are
    # two regional indicators (🇮🇩).
    symbol_tail = f"[{marks}\\U0001f3fb-\\U0001f3ff\\U000e0020-\\U000e007f]*"
    emoji = (
        f"[\\U0001f1e6-\\U0001f1ff]{{2}}{symbol_tail}"
        f"|[{symbols}]{symbol_tail}(?:\\u200d[{symbols}]{symbol_tail})*"
    )
    # Alternatives in order of precedence. The three that keep a full stop with the word all
    # begin with a few letters and a full stop; testing that once first makes tokenizing 2-3
    # times faster.
    return re.compile(
        rf"(?=[^\W\d_]{{1,{_DOTTED_HEAD}}}\.)(?:"
        f"(?i:{_ABBREVIATION})\\.{mark}*"  # listed abbreviation: Jl. pkl. Ps. Dr.
        rf"|(?:(?:[A-Z][A-Za-z]{{0,3}}|[a-z]{{1,2}})\.){{2,}}(?!{w})"  # dotted: S.H. S.I.K. s.d.
        rf"|[^\W\d_]\.(?!{w})"  # an initial: M. J.
        ")"
        f"|{w}+(?:{_JOINER}{w}+)*"  # a word, with joiners inside it
        f"|([{_PUNCT}])\\1*{mark}*"  # punctuation: one character or a run of it ("...", "***")
        f"|{emoji}"  # an emoji or another symbol, with what stays with it
    )


def tokenize(text: str) -> list[Token]:
    """Word, punctuation and symbol tokens of `text`, in order, covering every non-space
    character once.

    Tokens never contain whitespace, and a combining mark starts one only at the start of the
    text or after whitespace, where it has no base to stay with. An emoji or another symbol is
    never part of a word: "Bangko🚓" is "Bangko" and "🚓".
    """
    return [Token(m.start(), m.end(), m.group()) for m in _token_regex().finditer(text)]


# --- TokenIndex --------------------------------------------------------------------------------


class TokenIndex:
    """The tokens of one normalised text with sorted starts and ends, for bisect lookups.

    The text is cut when its tokens are first asked for (20 ms for 50,000 characters): the app
    shows an article before, and its first paint does without.
    """

    __slots__ = ("_ends", "_starts", "_tokens", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._tokens: list[Token] | None = None
        self._starts: list[int] = []
        self._ends: list[int] = []

    def _cut(self) -> list[Token]:
        tokens = self._tokens = tokenize(self.text)
        self._starts = [token.start for token in tokens]
        self._ends = [token.end for token in tokens]
        return tokens

    @property
    def tokens(self) -> list[Token]:
        return self._cut() if self._tokens is None else self._tokens

    @property
    def starts(self) -> list[int]:
        if self._tokens is None:
            self._cut()
        return self._starts

    @property
    def ends(self) -> list[int]:
        if self._tokens is None:
            self._cut()
        return self._ends

    @classmethod
    def of(cls, text: str) -> TokenIndex:
        """Same as TokenIndex(text)."""
        return cls(text)

    def __len__(self) -> int:
        return len(self.tokens)

    def __getitem__(self, index: int) -> Token:
        return self.tokens[index]

    def token_at(self, offset: int) -> int | None:
        """Index of the token with start <= offset < end, or None if offset is not in one."""
        index = bisect_right(self.starts, offset) - 1
        return index if index >= 0 and offset < self.ends[index] else None

    def next_token(self, offset: int) -> int | None:
        """Index of the first token starting at or after offset, or None."""
        index = bisect_left(self.starts, offset)
        return index if index < len(self.starts) else None

    def prev_token(self, offset: int) -> int | None:
        """Index of the last token ending at or before offset, or None."""
        index = bisect_right(self.ends, offset) - 1
        return index if index >= 0 else None

    def snap(self, start: int, end: int) -> tuple[int, int]:
        """[start, end) (either order) grown to the whole tokens it touches, edge spaces dropped.

        A range touching no token (only whitespace, or empty between tokens) becomes the next
        token, or is returned as it is if there is none.
        """
        start, end = min(start, end), max(start, end)
        first = bisect_right(self.ends, start)  # first token ending after start
        last = bisect_left(self.starts, end) - 1  # last token starting before end
        if first <= last:
            return self.starts[first], self.ends[last]
        if first < len(self.starts):
            return self.starts[first], self.ends[first]
        return start, end

    def is_start(self, offset: int) -> bool:
        """Whether a token starts at offset."""
        index = bisect_left(self.starts, offset)
        return index < len(self.starts) and self.starts[index] == offset

    def is_end(self, offset: int) -> bool:
        """Whether a token ends at offset."""
        index = bisect_left(self.ends, offset)
        return index < len(self.ends) and self.ends[index] == offset
