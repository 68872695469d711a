"""What the article list shows of an article, read from its normalised text.

Scraped news starts in many ways: page junk ("Notification", "Iklan", "Baca Juga: ...", a URL,
breadcrumbs, scraper headers such as "# source: https://..."), a headline, a date line, then a
first paragraph that opens with a dateline such as "TOPIKMETRO.COM, BDR. SEIKIJANG – " (outlet,
place), "KABAR SIAK, MINAS- " (outlet, place), "JAKARTA, KOMPAS - " (place, outlet),
"Pekanbaru (Rumbai) - riauonline. co.id- " (place, outlet) or "DUMAI - " (place only).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from itertools import islice

from cooltui.text import TITLE_WIDTH, truncate

_SCAN_CHARS = 6000  # the head of the article where the headline and dateline stand
_CONTENT_LINES = 8  # the headline and dateline stand in the first lines that are not junk

_JUNK = re.compile(
    r"""^(?:
        notification|notifications|iklan|advertisement|advertisment|ads|sponsored|
        baca\ juga\b.*|lihat\ juga\b.*|berita\ terkait\b.*|artikel\ terkait\b.*|
        scroll\ (?:to|untuk)\ (?:continue|melanjutkan).*|
        share|bagikan|loading.*|home|beranda|close|tutup|
        (?:ikuti|follow)\b.*(?:google\ news|whatsapp|instagram|telegram).*|
        (?:tags?|editor|penulis|reporter|sumber|foto|redaktur|pewarta|oleh|kontributor|
            diperbarui|diterbitkan|dipublikasikan|published|updated|dibaca)\s*:.*|
        \#.*|  # a scraper's header: "# source: https://...", "# lang: id"
        (?:https?://|www\.)\S*  # a URL alone on its line
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_BREADCRUMBS = re.compile(r"[^»>/|]{1,40}(?:\s[»>/|]\s[^»>/|]{1,40}){2,}$")
"""A site's breadcrumbs: "Home » Riau » Siak", "Beranda / Daerah / Solo"."""
_CRUMB_MARKS = ("»", " > ", " / ", " | ")

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

# A time stamp after an outlet's name: "Kompas.com - 05/11/2024, 14:20 WIB" is no dateline.
_STAMP = re.compile(r"^[\d\s/.:,|-]*\d[\d\s/.:,|-]*(?:wib|wita|wit)?$", re.IGNORECASE)

# The dateline at the start of the first paragraph: a short head, then a dash. A plain hyphen
# counts when spaced ("DUMAI - Polsek") or glued to a capitalised word ("PELALAWAN-Dalam").
_DATELINE = re.compile(r"^(?P<head>[^\n–—]{2,70}?)\s*(?:[–—]+|\s-{1,2}|-{1,2}(?=\s|[A-Z][a-z]))\s*")
_DOMAIN = re.compile(r"^(?:www\.)?[A-Za-z0-9][\w-]*(?:\.[\w-]+)*\.(?P<tld>[A-Za-z]{2,6})$")
_NEWS_TLDS = frozenset({"com", "id", "net", "co", "news", "online", "info", "tv", "org"})
_AFTER_DOT = re.compile(r"\.\s+")
_BRACKETED = re.compile(r"^(?P<before>[^()]+?)\s*\((?P<inside>[^()]+)\)$")
_SENTENCE_END = re.compile(r"(?<=[a-z0-9)”\"]{3})[.!?](?=\s+[A-Z“\"])")
_LETTERS = re.compile(r"[a-z]+")
_TWO_LETTERS = re.compile(r"[^\W\d_].*[^\W\d_]")  # a word, not "»" or "A" ("A A A" buttons)

_OUTLET_WORDS = frozenset({
    "kabar", "berita", "warta", "news", "pos", "post", "media", "online", "times", "info",
    "terkini", "tribun", "metro", "suara", "ekspres", "express", "today", "harian", "daily",
    "portal", "detik", "koran", "tv", "radio", "channel", "antara", "kompas", "peristiwa", "zona",
    "topik", "pantau", "jurnal", "aktual", "fakta", "klik", "update", "sindo", "okezone",
    "liputan", "kumparan", "tempo", "republika", "viva",
})  # fmt: skip
"""Words outlets' names are made of ("KABAR SIAK", "Riau Pos"), alone or glued ("riaupos")."""
_GLUED = "|".join(sorted((word for word in _OUTLET_WORDS if len(word) >= 3), key=len, reverse=True))
_GLUED_OUTLET = re.compile(rf"(?:{_GLUED})[a-z]{{3,}}$|[a-z]{{3,}}(?:{_GLUED})$")
"""An outlet's word glued to a name: "riaupos", "detiksumut", "siakterkini"."""
_PLACE_WORDS = frozenset({
    "kab", "kabupaten", "kec", "kecamatan", "kota", "kel", "kelurahan", "desa", "kampung", "dusun",
    "bdr", "bandar", "kuala", "teluk", "tanjung", "tg", "sei", "sungai", "pulau", "bagan", "pasir",
    "bukit", "air", "batu", "muara", "rantau", "lubuk", "koto", "simpang", "pangkalan", "timur",
    "barat", "utara", "selatan", "tengah", "hulu", "hilir",
})  # fmt: skip
"""Words places' names are made of ("BUKIT KAPUR", "KEC. MINAS", "DUMAI TIMUR")."""


@dataclass(frozen=True, slots=True)
class Description:
    title: str
    outlet: str | None = None
    place: str | None = None
    date: str | None = None
    """ISO 8601: "2024-02-08", or "--10-19" when the article gives no year."""


def describe(text: str, title: str | None = None) -> Description:
    """Title (shortened for a list row), outlet, place and first date of an article; `title`
    overrides the found one."""
    found_title, outlet, place = _read_head(text, title)
    return Description(shorten(found_title), outlet, place, first_date(text))


def headline(text: str, title: str | None = None) -> str:
    """The article's whole title on one line, as describe() finds it but never cut: what an
    export keeps."""
    found = title if title and title.strip() else _read_head(text, None)[0]
    return " ".join(found.split())


def _read_head(text: str, title: str | None) -> tuple[str, str | None, str | None]:
    """The title (whole), outlet and place, from the head of the text."""
    head = text[:_SCAN_CHARS]
    lines = [line.strip() for line in head.split("\n")]
    content = list(
        islice((i for i, line in enumerate(lines) if line and not _is_junk(line)), _CONTENT_LINES)
    )
    dateline_at, outlet, place, body = _find_dateline(lines, content)
    if title and title.strip():
        return title, outlet, place
    lead_at = dateline_at if dateline_at is not None else _find_lead(lines, content)
    found = _find_headline(lines, content, lead_at)
    if not found:
        first = body if body is not None else (lines[lead_at] if lead_at is not None else "")
        found = _first_sentence(first)
    return found or "", outlet, place


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
    if not any(c.isalpha() for c in line) or _JUNK.match(line):
        return True
    # The marks first: trying the expression on every paragraph line would cost more.
    return any(mark in line for mark in _CRUMB_MARKS) and bool(_BREADCRUMBS.match(line))


def _find_dateline(
    lines: list[str], content: list[int]
) -> tuple[int | None, str | None, str | None, str | None]:
    """(line index, outlet, place, the line after the dateline) of the first dateline found."""
    for index in content:
        found = _read_dateline(lines[index])
        if found:
            return index, *found
    return None, None, None, None


def _read_dateline(line: str) -> tuple[str | None, str | None, str] | None:
    """(outlet, place, what follows) of the dateline that starts `line`, or None."""
    match = _DATELINE.match(line)
    if not match:
        return None
    body = line[match.end() :]
    if _is_date(body):
        return None
    # A paragraph that only starts with capitalised words goes on in lower case after its dash:
    # "Polsek Minas - yang dipimpin Kapolsek".
    paragraph = _is_paragraph(line) and body[:1].isupper()
    # A second short head may follow the first: "Pekanbaru (Rumbai) - riauonline. co.id- ".
    then = _DATELINE.match(body)
    if then and "," not in then["head"] and not _is_date(body[then.end() :]):
        pair = _pair(match["head"], then["head"])
        if pair:
            return *pair, body[then.end() :]
    first = _parse_head(match["head"], paragraph)
    return (*first, body) if first else None


def _pair(first: str, second: str) -> tuple[str, str] | None:
    """(outlet, place) of two heads written one after the other, one an outlet, one a place."""
    for outlet, place in ((second, first), (first, second)):
        if _outlet_score(outlet) > 0 >= _outlet_score(place) and _names(outlet, place):
            return _outlet_name(outlet), place
    return None


def _parse_head(head: str, paragraph: bool) -> tuple[str | None, str | None] | None:
    """(outlet, place) of a dateline's head, or None when it is not a dateline.

    `paragraph` tells whether the line reads as a paragraph: a head of capitalised words, which
    a headline may start with too ("Cooling System - Polsek..."), counts only there.
    """
    parts = [part.strip() for part in head.split(",")]
    if len(parts) > 2 or not all(parts):
        return None
    if len(parts) == 2:
        # The outlet is the part that reads more like one; "JAKARTA, KOMPAS": place first.
        # Without a sign either way it comes first: a name with neither a domain nor an
        # outlet's word is a local paper's, and local papers sign "OUTLET, PLACE" ("LANCANG
        # KUNING, DUMAI"); national ones, which put the place first, carry one.
        first, second = (_outlet_score(part) for part in parts)
        place, outlet = parts if second > first else parts[::-1]
        evidence = max(first, second) > 0
        if _domain(outlet) or (
            (evidence or (_is_upper_name(place) and _is_upper_name(outlet)))
            and _names(outlet, place)
        ):
            return _outlet_name(outlet), place
        return None
    (part,) = parts
    bracketed = _BRACKETED.match(part)
    if bracketed:
        return bracketed["inside"].strip(), bracketed["before"]  # "Pekanbaru (ANTARA)"
    if _domain(part):
        return _outlet_name(part), None
    if _is_upper_name(part) or (
        paragraph and _is_name(part) and len(part.split()) <= 3 and _outlet_score(part) == 0
    ):
        return None, part
    return None


def _outlet_score(part: str) -> int:
    """How much `part` reads as an outlet's name (a domain, outlets' words) rather than a place's;
    0 without a sign either way, negative for a place's words."""
    domain = _domain(part)
    if domain:
        return 3 if domain["tld"].lower() in _NEWS_TLDS else 2
    words = _LETTERS.findall(part.lower())
    if any(word in _OUTLET_WORDS for word in words):
        return 2
    if any(word in _PLACE_WORDS for word in words):
        return -1
    if len(words) == 1 and _GLUED_OUTLET.match(words[0]):
        return 1
    return 0


def _domain(part: str) -> re.Match[str] | None:
    """The domain `part` is, also when written with blanks after its dots ("riauonline. co.id");
    with blanks, only a news site's ending counts, so that "KEC. MINAS" is no domain."""
    compact = _AFTER_DOT.sub(".", part)
    match = _DOMAIN.match(compact)
    if match and (compact == part or match["tld"].lower() in _NEWS_TLDS):
        return match
    return None


def _outlet_name(part: str) -> str:
    """An outlet as written, but a domain without the blanks scraping left after its dots."""
    return _AFTER_DOT.sub(".", part) if _domain(part) else part


def _names(outlet: str, place: str) -> bool:
    """Whether `outlet` and `place` are written as names, the outlet maybe as a domain."""
    return (bool(_domain(outlet)) or _is_name(outlet)) and _is_name(place)


def _is_name(part: str) -> bool:
    """Whether `part` is written as a name: capitalised words without digits, a sub-place in
    brackets allowed ("Pekanbaru (Rumbai)")."""
    words = part.replace("(", " ").replace(")", " ").split()
    return (
        0 < len(words) <= 5
        and not any(char.isdigit() for char in part)
        and all(word[0].isupper() for word in words)
    )


def _is_upper_name(part: str) -> bool:
    letters = [c for c in part if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters) and len(part.split()) <= 5


def _is_date(line: str) -> bool:
    """Whether `line` is only a date or a time stamp."""
    return bool(_DATE_LINE.match(line) or _STAMP.match(line))


def _is_paragraph(line: str) -> bool:
    """Whether `line` reads as a paragraph, not a headline: long, or ending a sentence."""
    return len(line) > 200 or line.endswith((".", '."', ".”"))


def _find_lead(lines: list[str], content: list[int]) -> int | None:
    """The first paragraph of an article without a dateline; else its first line."""
    for index in content:
        if _is_paragraph(lines[index]):
            return index
    return content[0] if content else None


def _find_headline(lines: list[str], content: list[int], lead_at: int | None) -> str | None:
    """The first line before the lead that reads as a headline: short, several words, no full
    stop, standing alone."""
    if lead_at is None:
        return None
    before = [i for i in content if i < lead_at]
    for position, index in enumerate(before):
        line = lines[index]
        if len(line) > 200 or line.endswith(".") or _is_stamp(line):
            continue
        if sum(1 for word in line.split() if _TWO_LETTERS.search(word)) < 3:
            continue
        previous = lines[index - 1] if index else ""
        following = before[position + 1] if position + 1 < len(before) else lead_at
        # A headline stands alone: after a blank, junk or date line, and before one or the
        # lead; a headline wrapped over two lines is neither of its halves.
        if (not previous or _is_junk(previous) or _is_stamp(previous)) and (
            following is None
            or following > index + 1
            or following == lead_at
            or _is_stamp(lines[following])
        ):
            return line
    return None


def _is_stamp(line: str) -> bool:
    """A date line, or an outlet and a time stamp: "Kompas.com - 05/11/2024, 14:20 WIB"."""
    match = _DATELINE.match(line)
    return _is_date(line) or bool(match and _is_date(line[match.end() :]))


def _first_sentence(paragraph: str) -> str:
    match = _SENTENCE_END.search(paragraph)
    return paragraph[: match.start() + 1] if match else paragraph
