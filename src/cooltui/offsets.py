"""Other tools' offsets onto cooltui's: raw text to normalised text, UTF-16 units to code points.

cooltui's offsets are code points into `normalise(raw)`. A source's offsets point into the raw
text, where normalisation has not yet removed escape sequences and controls, joined CR LF or
composed accents (every change moves the offsets after it), and a browser's count UTF-16 code
units, two for an emoji. `normalised_with_map` maps the first, `Utf16Offsets` converts the second,
and `detect_units` tells which unit a source's offsets are in. Headless: the standard library.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from heapq import merge
from itertools import accumulate
from typing import Literal

# Private to cooltui.text, imported all the same: the map must cut the text exactly where
# normalise changes it, so it runs normalise's own passes one by one.
from cooltui.text import _LINE_BREAK, _STRIP, normalise

Unit = Literal["codepoints", "utf16"]

_Change = tuple[int, int, int]
"""(start, end, growth): text[start:end] becomes a stretch `growth` characters longer (less
than zero when it shrinks) and is mapped as a whole; sorted, never overlapping."""

_CRLF = re.compile("\r\n")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class OffsetError(ValueError):
    """An offset that is not a place in the text: negative, past its end, an end before its
    start, or inside a surrogate pair. The importer names the file and the record."""


def _checked(offset: int, length: int, unit: str) -> int:
    if not 0 <= offset <= length:
        raise OffsetError(f"offset {offset} is outside the text (0 to {length} {unit})")
    return offset


# --- raw -> normalised -------------------------------------------------------------------------


class OffsetMap:
    """Offsets into a raw text mapped to offsets into `normalise(raw)`.

    Normalisation changes the raw text in units (an escape sequence or control character that
    goes, a CR LF pair that becomes one "\\n", a base character and the marks NFC composes with
    it); between units each character maps to one. An offset strictly inside a unit maps to the
    unit's start, and `span` widens a span that cuts a unit to the whole unit, so that an offset
    is never shifted onto another character. Non-decreasing; 0 maps to 0, raw_length to length.
    """

    __slots__ = ("_ends", "_raw_ends", "_raw_starts", "_starts", "length", "raw_length")

    def __init__(
        self,
        raw_length: int,
        length: int,
        raw_starts: Sequence[int] = (),
        raw_ends: Sequence[int] = (),
        starts: Sequence[int] = (),
        ends: Sequence[int] = (),
    ) -> None:
        """Unit i: raw[raw_starts[i]:raw_ends[i]] becomes text[starts[i]:ends[i]] as a whole;
        sorted, never overlapping. No unit: the identity."""
        self.raw_length = raw_length
        self.length = length
        self._raw_starts = raw_starts
        self._raw_ends = raw_ends
        self._starts = starts
        self._ends = ends

    def _unit_before(self, offset: int) -> int:
        """The index of the last unit starting at or before `offset`, -1 if none."""
        return bisect_right(self._raw_starts, _checked(offset, self.raw_length, "characters")) - 1

    def __call__(self, offset: int) -> int:
        """The normalised offset of raw `offset`; inside a unit, the unit's start."""
        unit = self._unit_before(offset)
        if unit < 0:
            return offset
        if offset < self._raw_ends[unit]:
            return self._starts[unit]
        return offset - self._raw_ends[unit] + self._ends[unit]

    def is_boundary(self, offset: int) -> bool:
        """Whether raw `offset` falls between units, where the text can be cut: then
        normalise(raw[:offset]) is the text up to self(offset)."""
        unit = self._unit_before(offset)
        return unit < 0 or offset == self._raw_starts[unit] or offset >= self._raw_ends[unit]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The normalised span of raw [start, end), grown to the whole units it cuts: when both
        ends are boundaries, normalise(raw[start:end]) == text[result]. A span of nothing but
        removed characters (an escape sequence) becomes empty."""
        if start > end:
            raise OffsetError(f"span [{start}, {end}) ends before it starts")
        unit = self._unit_before(end)
        if unit >= 0 and self._raw_starts[unit] < end < self._raw_ends[unit]:
            return self(start), self._ends[unit]
        return self(start), self(end)


def normalised_with_map(raw: str) -> tuple[str, OffsetMap]:
    """`normalise(raw)` and the map from offsets into `raw` to offsets into it.

    Clean text (most articles) gets the identity map, which holds nothing. Other text is cut
    where each pass of normalise changes it, in O(n), and the cuts are checked against
    normalise itself: the pieces between them, normalised one by one, must make the text;
    where they do not, pieces are joined until they do (coarser units, never a shifted offset).
    """
    text = normalise(raw)
    if text == raw:
        return text, OffsetMap(len(raw), len(text))
    return text, _checked_map(raw, text, _changes(raw))


def _changes(raw: str) -> list[_Change]:
    """Where normalise changes `raw`, pass by pass, in `raw`'s offsets."""
    changes = [
        (match.start(), match.end(), match.start() - match.end()) for match in _STRIP.finditer(raw)
    ]
    stripped = _STRIP.sub("", raw)
    changes = _composed(
        changes, [(match.start(), match.end(), -1) for match in _CRLF.finditer(stripped)]
    )
    # _LINE_BREAK replaces one character by one: offsets do not move.
    lines = _LINE_BREAK.sub("\n", stripped.replace("\r\n", "\n"))
    return _composed(changes, _nfc_changes(lines))


def _composed(changes: list[_Change], later: list[_Change]) -> list[_Change]:
    """`changes` (raw -> t) followed by `later` (t -> t', in t's offsets), in raw's offsets:
    each later change covers the raw characters its characters come from, and merges with the
    changes it overlaps (a CR LF around a removed escape sequence is one change)."""
    if not changes or not later:
        return changes or later
    starts: list[int] = []  # where each change lies in t
    ends: list[int] = []
    growth_before = 0
    for start, end, growth in changes:
        starts.append(start + growth_before)
        growth_before += growth
        ends.append(end + growth_before)

    def source(char: int) -> tuple[int, int]:
        """The raw stretch that character `char` of t comes from."""
        after = bisect_right(ends, char)  # the first change ending after char
        if after < len(changes) and starts[after] <= char:
            return changes[after][0], changes[after][1]
        raw = char - ends[after - 1] + changes[after - 1][1] if after else char
        return raw, raw + 1

    pulled = [(source(start)[0], source(end - 1)[1], growth) for start, end, growth in later]
    return _merged(merge(changes, pulled))


def _merged(changes: Iterable[_Change]) -> list[_Change]:
    """Changes sorted by start, overlapping ones joined."""
    joined: list[_Change] = []
    for start, end, growth in changes:
        if joined and start < joined[-1][1]:
            first, last, total = joined[-1]
            joined[-1] = (first, max(last, end), total + growth)
        else:
            joined.append((start, end, growth))
    return joined


def _nfc_changes(text: str) -> list[_Change]:
    """The clusters of `text` that NFC changes: a character NFC replaces, or any other (or
    none, at the start), with the characters after it that NFC may join to it."""
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return []
    joining: list[str] = []
    replaced: list[str] = []
    for char in set(text):
        if char.isascii():
            continue
        if _joins_previous(char):
            joining.append(char)
        elif not unicodedata.is_normalized("NFC", char):
            replaced.append(char)
    join = _char_class(joining)
    cluster = re.compile(f"(?s){_char_class(replaced)}{join}*|(?:\\A|.){join}+")
    composed: dict[str, str] = {}  # a text repeats its clusters
    changes = []
    for match in cluster.finditer(text):
        found = match.group()
        if (nfc := composed.get(found)) is None:
            nfc = composed[found] = unicodedata.normalize("NFC", found)
        if nfc != found:
            changes.append((match.start(), match.end(), len(nfc) - len(found)))
    return changes


def _char_class(chars: list[str]) -> str:
    """A regex class of `chars`; with none, one that matches nothing."""
    return f"[{''.join(map(re.escape, chars))}]" if chars else "[^\\x00-\\U0010ffff]"


def _joins_previous(char: str) -> bool:
    """Whether NFC may change `char` together with the character before it, so that the text
    cannot be cut between them. Cutting is safe before a character of combining class 0 that
    NFC never composes with a previous one; this errs on the safe side: every mark (those of
    another combining class are all marks, and so are the Indic vowel signs that compose) and
    the Hangul vowel and final jamo."""
    return unicodedata.category(char)[0] == "M" or "\u1160" <= char <= "\u11ff"


def _checked_map(raw: str, text: str, changes: Iterable[_Change]) -> OffsetMap:
    """The map of `changes`, checked against normalise: `raw` between them, with its line
    breaks replaced, and each change normalised on its own must make `text`. Where they do
    not, changes around the first to the last difference become one; if even that fails,
    the whole text is one."""
    stretches = [(start, end) for start, end, _ in changes]
    cuts, parts = _pieces(raw, stretches)
    if "".join(parts) != text:
        cuts, parts = _pieces(raw, _coarsened(text, stretches, cuts, parts))
        if "".join(parts) != text:
            cuts, parts = _pieces(raw, [(0, len(raw))])
    places = list(accumulate(map(len, parts), initial=0))
    # Pieces alternate: one for one, then a change mapped as a whole.
    return OffsetMap(len(raw), len(text), cuts[1:-1:2], cuts[2::2], places[1:-1:2], places[2::2])


def _pieces(raw: str, stretches: list[tuple[int, int]]) -> tuple[list[int], list[str]]:
    """`raw` cut at the edges of `stretches` (sorted, apart): the cuts, from 0 to len(raw), and
    what normalise makes of each piece. A piece between two stretches is raw with its line
    breaks replaced (normalise changes nothing else there), which is checked with the rest;
    each stretch is normalised, and one that recurs (CR LF, a colour code) only once."""
    lined = _LINE_BREAK.sub("\n", raw)
    wholes = [raw[start:end] for start, end in stretches]
    normalised = {whole: normalise(whole) for whole in set(wholes)}
    cuts = [0]
    parts = []
    for (start, end), whole in zip(stretches, wholes, strict=True):
        parts += (lined[cuts[-1] : start], normalised[whole])
        cuts += (start, end)
    parts.append(lined[cuts[-1] :])
    cuts.append(len(raw))
    return cuts, parts


def _coarsened(
    text: str, stretches: list[tuple[int, int]], cuts: list[int], parts: list[str]
) -> list[tuple[int, int]]:
    """`stretches` with those from one piece before the first that differs from `text` to one
    after the last made one: the neighbours are what a missed change would join with."""
    joined = "".join(parts)
    head = _common_prefix(joined, text)
    tail = min(_common_prefix(joined[::-1], text[::-1]), len(joined) - head, len(text) - head)
    places = list(accumulate(map(len, parts), initial=0))
    first = bisect_right(places, head) - 1  # the first piece not wholly in the common head
    last = bisect_left(places, len(joined) - tail) - 1  # the last not wholly in the tail
    first, last = sorted((first, last))
    start, end = cuts[max(first - 1, 0)], cuts[min(last + 2, len(cuts) - 1)]
    return [
        *(stretch for stretch in stretches if stretch[1] <= start),
        (start, end),
        *(stretch for stretch in stretches if stretch[0] >= end),
    ]


def _common_prefix(one: str, other: str) -> int:
    """The length of the longest start `one` and `other` share."""
    differ = (index for index, (a, b) in enumerate(zip(one, other, strict=False)) if a != b)
    return next(differ, min(len(one), len(other)))


# --- UTF-16 code units -> code points ----------------------------------------------------------


def has_astral(text: str) -> bool:
    """Whether `text` holds a character beyond the BMP (an emoji, say): one that UTF-16 writes
    as two units, so that UTF-16 offsets and code point offsets part after it."""
    return not text.isascii() and _ASTRAL.search(text) is not None


class Utf16Offsets:
    """Converts offsets into one text between UTF-16 code units (what JavaScript counts, and so
    doccano and Label Studio) and code points (Python's str indices), by bisecting the places
    of its astral characters; a text without any needs no table."""

    __slots__ = ("_astral", "_astral_units", "length", "utf16_length")

    def __init__(self, text: str) -> None:
        # Each astral character's code point offset, and its UTF-16 offset: one more for each
        # astral character before it.
        self._astral = [m.start() for m in _ASTRAL.finditer(text)] if has_astral(text) else []
        self._astral_units = [offset + before for before, offset in enumerate(self._astral)]
        self.length = len(text)
        self.utf16_length = len(text) + len(self._astral)

    def to_utf16(self, offset: int) -> int:
        """The UTF-16 offset of code point `offset`."""
        _checked(offset, self.length, "code points")
        return offset + bisect_left(self._astral, offset)

    def to_codepoints(self, offset: int) -> int:
        """The code point offset of UTF-16 `offset`, which must not split a surrogate pair."""
        _checked(offset, self.utf16_length, "UTF-16 units")
        before = bisect_left(self._astral_units, offset)
        if before and self._astral_units[before - 1] + 1 == offset:
            raise OffsetError(
                f"UTF-16 offset {offset} falls between the two halves of the surrogate pair of "
                f"character {self._astral[before - 1]}: the offsets are not UTF-16 ones"
            )
        return offset - before


def detect_units(text: str, spans: Sequence[tuple[int, int, str | None]]) -> Unit | None:
    """The unit the offsets of `spans` (start, end, and the span's text if the source gives
    it) count in `text`, the raw text: "codepoints", "utf16", or None when neither explains
    them (an offset out of range in both, or a span text found at its offsets in neither).

    A unit explains the spans when every offset is a place in the text in that unit (not
    negative, not past the end, an end not before its start, and for UTF-16 not inside a
    surrogate pair) and every given span text is the text at its offsets. Code points are
    tried first, so they win whenever both explain, and that is all that can be decided:
    - without an astral character the two units are one and the same;
    - with span texts, both explain only when each text recurs at both places ("a" in
      "😀 aa"): rare, and then undecidable;
    - with no span text, only an end past the text in code points but not in UTF-16 units
      shows UTF-16; any other spans read as code points, so a source known to count UTF-16
      (doccano's JSONL has no span texts) must be declared as such.
    """
    if _explain(text, spans, lambda offset: _checked(offset, len(text), "code points")):
        return "codepoints"
    if has_astral(text) and _explain(text, spans, Utf16Offsets(text).to_codepoints):
        return "utf16"
    return None


def _explain(
    text: str, spans: Sequence[tuple[int, int, str | None]], to_codepoints: Callable[[int], int]
) -> bool:
    """Whether every span lies in `text` when its offsets go through `to_codepoints`, with its
    text where it gives one."""
    for start, end, span_text in spans:
        try:
            first, last = to_codepoints(start), to_codepoints(end)
        except OffsetError:
            return False
        if first > last or (span_text is not None and text[first:last] != span_text):
            return False
    return True
