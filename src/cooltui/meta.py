"""What the article list shows of an article, read from its normalised text.

Scraped news starts in many ways: page junk ("Notification", "Iklan", "Baca Juga: ..."), a headline,
a date line, then a first paragraph that opens with a dateline such as
"TOPIKMETRO.COM, BDR. SEIKIJANG – " (outlet, place) or "DUMAI - " (place only).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from cooltui.text import truncate

TITLE_WIDTH = 80
"""Titles are shortened to this many cells, a list row's worth."""

_SCAN_CHARS = 6000  # the head of the article where the headline and dateline stand

_JUNK = re.compile(
    r"""^(?:
        notification|notifications|iklan|advertisement|advertisment|ads|sponsored|
        baca\ juga\b.*|lihat\ juga\b.*|berita\ terkait\b.*|artikel\ terkait\b.*|
        scroll\ (?:to|untuk)\ (?:continue|melanjutkan).*|
        share|bagikan|loading.*|home|beranda|close|tutup|
        (?:ikuti|follow)\b.*(?:google\ news|whatsapp|instagram|telegram).*|
        (?:tags?|editor|penulis|reporter|sumber|foto|redaktur|pewarta)\s*:.*
    )$""",
    re.IGNORECASE | re.VERBOSE,
)

MONTHS = {
    "januari": 1, "january": 1, "jan": 1,
    "februari": 2, "pebruari": 2, "february": 2, "feb": 2, "peb": 2,
    "maret": 3, "march": 3, "mar": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "june": 6, "jun": 6,
    "juli": 7, "july": 7, "jul": 7,
    "agustus": 8, "august": 8, "agu": 8, "agt": 8, "agus": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9,
    "oktober": 10, "october": 10, "okt": 10, "oct": 10,
    "november": 11, "nopember": 11, "nov": 11, "nop": 11,
    "desember": 12, "december": 12, "des": 12, "dec": 12,
}  # fmt: skip
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DAY = r"(?:senin|selasa|rabu|kamis|jum'?at|sabtu|minggu|ahad)"

# The first written date: "08 Februari 2024", "(8/2/2024)", "8-2-2024", or "(19/10)" without a year.
# The pattern starts with a digit so that the regex engine skips ahead fast; the month name and
# the characters around a match are checked in _iso_date.
_DATE = re.compile(
    r"""(?P<day>\d{1,2})(?:
        \s+(?P<month_name>[A-Za-z]{3,9})\.?\s+(?P<year>\d{4})(?!\d)
        | [/-](?P<month>\d{1,2})[/-](?P<full_year>\d{4})(?!\d)
        | /(?P<short_month>\d{1,2})\)
    )""",
    re.VERBOSE,
)

# A line that is only a date, maybe with weekday and time: "Kamis, 08 Februari 2024 | 10:15 WIB".
_DATE_LINE = re.compile(
    rf"^(?:{_DAY},?\s*)?\d{{1,2}}\s+(?:{_MONTH})\.?\s+\d{{4}}(?:\W+\d{{1,2}}[:.]\d{{2}}\W*\w*)?$",
    re.IGNORECASE,
)

# The dateline at the start of the first paragraph: a short head, then a dash. A plain hyphen
# counts when spaced ("DUMAI - Polsek") or glued to a capitalised word ("PELALAWAN-Dalam").
_DATELINE = re.compile(r"^(?P<head>[^\n–—]{2,70}?)\s*(?:[–—]+|\s-{1,2}|-{1,2}(?=\s|[A-Z][a-z]))\s*")
_DOMAIN = re.compile(r"^(?:www\.)?[A-Za-z0-9][\w-]*(?:\.[\w-]+)*\.[A-Za-z]{2,6}$")
_BRACKETED_OUTLET = re.compile(r"^(?P<place>[^()]+?)\s*\((?P<outlet>[^()]+)\)$")
_SENTENCE_END = re.compile(r"(?<=[a-z0-9)”\"]{3})[.!?](?=\s+[A-Z“\"])")


@dataclass(frozen=True, slots=True)
class Description:
    title: str
    outlet: str | None = None
    place: str | None = None
    date: str | None = None
    """ISO 8601: "2024-02-08", or "--10-19" when the article gives no year."""


def describe(text: str, title: str | None = None) -> Description:
    """Title, outlet, place and first date of an article; `title` overrides the found one."""
    head = text[:_SCAN_CHARS]
    lines = [line.strip() for line in head.split("\n")]
    content = [i for i, line in enumerate(lines) if line and not _is_junk(line)]
    dateline_at, outlet, place, body = _find_dateline(lines, content)
    found_title = title and shorten(title)
    if not found_title:
        headline = _find_headline(lines, content, dateline_at)
        if headline:
            found_title = shorten(headline)
        else:
            first = body if body is not None else (lines[content[0]] if content else "")
            found_title = shorten(_first_sentence(first))
    return Description(found_title or "", outlet, place, first_date(text))


def shorten(text: str, width: int = TITLE_WIDTH) -> str:
    """A title: one line of at most `width` cells, cut at a word with an ellipsis."""
    return truncate(text, width, flatten=True, at_word=True)


def first_date(text: str) -> str | None:
    for match in _DATE.finditer(text):
        found = _iso_date(text, match)
        if found:
            return found
    return None


def _iso_date(text: str, match: re.Match[str]) -> str | None:
    before = text[match.start() - 1] if match.start() else ""
    if before.isdigit():
        return None
    if match["short_month"]:
        if before != "(":
            return None
        day, month = int(match["day"]), int(match["short_month"])
        # Check against a leap year so that 29/2 counts.
        return f"--{month:02d}-{day:02d}" if _valid(2024, month, day) else None
    if match["month_name"]:
        month = MONTHS.get(match["month_name"].lower())
        year = int(match["year"])
    else:
        month, year = int(match["month"]), int(match["full_year"])
    day = int(match["day"])
    if month is None or not _valid(year, month, day):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _is_junk(line: str) -> bool:
    return not any(c.isalpha() for c in line) or bool(_JUNK.match(line))


def _find_dateline(
    lines: list[str], content: list[int]
) -> tuple[int | None, str | None, str | None, str | None]:
    """(line index, outlet, place, the line after the dateline) of the first dateline found."""
    for index in content[:8]:
        line = lines[index]
        match = _DATELINE.match(line)
        if not match:
            continue
        parsed = _parse_head(match["head"])
        if parsed:
            return index, *parsed, line[match.end() :]
    return None, None, None, None


def _parse_head(head: str) -> tuple[str | None, str | None] | None:
    """(outlet, place) of a dateline's head, or None when it is not a dateline."""
    parts = [part.strip() for part in head.split(",")]
    if len(parts) > 2 or not all(parts):
        return None
    bracketed = _BRACKETED_OUTLET.match(parts[0]) if len(parts) == 1 else None
    if bracketed:
        return bracketed["outlet"].strip(), bracketed["place"]
    domains = [part for part in parts if _DOMAIN.match(part)]
    if domains:
        others = [part for part in parts if part is not domains[0]]
        return domains[0], (others[0] if others else None)
    if len(parts) == 1 and _is_upper_name(parts[0]):
        return None, parts[0]
    if len(parts) == 2 and _is_upper_name(parts[0]) and _is_upper_name(parts[1]):
        return parts[1], parts[0]  # "JAKARTA, KOMPAS -": place first, then the outlet
    return None


def _is_upper_name(part: str) -> bool:
    letters = [c for c in part if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters) and len(part.split()) <= 5


def _find_headline(lines: list[str], content: list[int], dateline_at: int | None) -> str | None:
    """The first content line if it reads as a headline: short, several words, no full stop."""
    if not content or content[0] == dateline_at:
        return None
    line = lines[content[0]]
    words = line.split()
    if _DATE_LINE.match(line) or len(words) < 3 or len(line) > 200 or line.endswith("."):
        return None
    following = content[1] if len(content) > 1 else None
    # A headline stands alone: a blank line, a date line or the dateline paragraph follows it.
    if (
        following is None
        or following > content[0] + 1
        or following == dateline_at
        or _DATE_LINE.match(lines[following])
    ):
        return line
    return None


def _first_sentence(paragraph: str) -> str:
    match = _SENTENCE_END.search(paragraph)
    return paragraph[: match.start() + 1] if match else paragraph
