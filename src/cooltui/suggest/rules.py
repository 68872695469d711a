"""The built-in rules: trigger words, then anchored regular expressions and a little Python.

One scan of the lower-cased article finds the words that start something (a rank, an office, a
unit, an area head, a weekday...); each rule family then matches its expression at those offsets
only and reads the capitalised words that follow with small anchored matches. Scanning every
offset with every family's expression instead cost ten times as much. Dates that start with a
digit or bracket, and dotted titles, are found by scans that the regex engine runs fast.
Rules only propose candidates; core.py checks token boundaries and resolves overlaps.

Conventions (see tests/data/gold/README.md): an office keeps the unit and area attached to it
("Ketua PPK Kecamatan Kuala Kampar", "Kapolsek Minas"), an organisation keeps its place
("Polsek Minas"), an area keeps its head word ("Kecamatan Minas"); titles separated by spaces
make one TITLE ("SH MH"), a comma starts the next one ("S.H., M.Han").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import NamedTuple

from cooltui.suggest import lexicon as lx

SPECIFIC = 20
"""Priority of a rule that matched a listed word or a written form: ties go to it."""
CONTEXT = 15
"""Priority of a name read from its context (after a rank, an office, a comma)."""
ECHO = 10
"""Priority of a repeat of something found elsewhere in the article, or of a gazetteer."""


class Candidate(NamedTuple):
    """A proposed span: text[start:end] with a label, the rule's name and its priority."""

    start: int
    end: int
    label: str
    source: str
    priority: int


# --- building expressions ---------------------------------------------------------------------

_GAP = r"[^\S\n]+"
"""Blanks within a line: a name, place or date never runs over a line break."""
_OFF = r"(?![\w'’]|-(?!(?<=[A-Z]{2}-)[A-Z][a-z])\w)"
"""The end of a word: no letter follows, nor a hyphen that the tokenizer would join."""
_HEAD_OFF = rf"(?:(?<=\.)|{_OFF})"
"""The end of a head word; a dotted one may be glued to the name it heads ("Kec.Minas", as
press releases write them), which the tokenizer splits after its dot."""


def _alternatives(words: Iterable[str], *, any_case: bool = False, upper: bool = True) -> str:
    """A regex group of the phrases, longest first; blanks match any run of blanks.

    Without `any_case`, each phrase matches as written and, with `upper`, in capitals.
    """
    forms = set(words)
    if not any_case and upper:
        forms |= {word.upper() for word in forms}
    ordered = sorted(forms, key=lambda word: (-len(word), word))
    body = "|".join(re.escape(word).replace(r"\ ", _GAP) for word in ordered)
    return f"(?i:{body})" if any_case else f"(?:{body})"


def _lower(words: Iterable[str]) -> frozenset[str]:
    return frozenset(word.lower() for word in words)


# Capitalised words, joined by hyphens and apostrophes as the tokenizer joins them: a hyphen
# between two capitals and a capitalised word ("PELALAWAN-Dalam") is a missing space instead.
_HYPHEN = r"-(?!(?<=[A-Z]{2}-)[A-Z][a-z])"
_CAP = rf"[A-Z][A-Za-z0-9'’]*(?:{_HYPHEN}[A-Za-z0-9'’]+)*"
_WORD = re.compile(_CAP)
_PLACE_WORD = re.compile(rf"(?:{_GAP}|(?<=[./]))({_CAP})(?![\w'’-])")
_NAME_WORD = re.compile(
    rf"{_GAP}("
    rf"[A-Z]\.(?={_GAP}[A-Z])"  # an initial: "J. Butar-Butar", "M. Aris"
    rf"|[A-Z][a-z]{{1,3}}\.(?={_GAP}[A-Z])"  # a shortened first name: "Muh. Arief"
    rf"|[A-Z][A-Za-z'’]*(?:{_HYPHEN}[A-Za-z'’]+)*(?![\w'’-])(?!\.\w)"  # not "S" of "S.H"
    ")"
)
# A unit's number, maybe with a slash before its place: "0705/Magelang", "I/Bukit Barisan".
_UNIT_NUMBER = re.compile(
    rf"{_GAP}(?:(?:\d+(?:-\d+)?|[IVX]+)(?P<slash>/)(?=[A-Z])|\d+(?:-\d+)?(?![\w/-]))"
)
_RT_NUMBER = re.compile(r"[^\S\n]*\.?[^\S\n]*\d{1,3}(?:/(?:RW|rw)\.?[^\S\n]*\d{1,3})?(?![\w/-])")
"""The number of a neighbourhood: "RT 05", "RT.03/RW.02"."""

_STOPS = lx.lower_set(
    lx.FUNCTION_WORDS,
    lx.DAYS,  # months are not stops: "Agus", "Juli" and "Mei" are names too
    lx.RANK_ABBREVIATIONS,
    ("Pol",),  # "Kombes Pol": part of the rank
    lx.TNI_CORPS,
    # Ranks of one word only: the first words of the others ("Bhayangkara Satu") name things.
    (rank for rank in lx.RANK_PHRASES if " " not in rank),
    lx.POLICE_CHIEFS,
    lx.UNIT_OFFICES,
    lx.COMMUNITY_OFFICES,
    lx.MILITARY_OFFICES,
    lx.CIVIL_OFFICES,
    lx.BODY_LEADERS,
    lx.POLICE_UNITS,
    lx.MILITARY_UNITS,
    lx.ELECTION_BODIES,
    lx.OTHER_BODIES,
    lx.NAMED_ORG_HEADS,
    lx.AREA_HEADS,
    lx.POLICE_BUILDINGS,
    lx.STREET_HEADS,
    lx.VENUE_HEADS,
    lx.TITLES_UNDOTTED,
    lx.TITLES_BEFORE,
    lx.HONORIFICS,
    lx.ELECTIONS,
    lx.LAWS,
    lx.SPEECH_VERBS,  # "Menurut Yusran (45)": a sentence's first word, not the name's
    ("menurut",),
)
"""Words that end a run of capitalised words: they start something else."""
_STRONG_STOPS = _STOPS - lx.lower_set(lx.FUNCTION_WORDS, lx.DAYS, lx.ELECTIONS)
"""Stops that show where a headline's name ends, so its words need not be cut."""
_AREA_WORDS = lx.lower_set(lx.AREA_HEADS)
"""Area heads end a run only when a name follows them: "Polsek Dumai Kota" keeps its "Kota"."""
_FACILITY_STOPS = _STOPS - lx.lower_set(
    lx.VENUE_HEADS,
    lx.POLICE_UNITS,
    lx.MILITARY_UNITS,
    lx.ELECTION_BODIES,
    lx.OTHER_BODIES,
    lx.AREA_HEADS,
    lx.POLICE_BUILDINGS,
    lx.CIVIL_OFFICES,
    lx.NAMED_ORG_HEADS,
    lx.RANK_PHRASES,
)
"""A building's name may hold a unit, an area or a person's rank ("Jalan Jenderal Sudirman")."""
_AREA_STOPS = _STOPS - lx.lower_set(lx.VENUE_HEADS)
"""An area's name may hold a venue's word: "Desa Pasar Baru", "Kelurahan Simpang Baru"."""
_DIRECTIONS = frozenset(lx.DIRECTIONS)
_VERB = re.compile(r"[a-z]{5,}kan")
"""Long words in -kan are verbs ("Laksanakan", "Gulirkan"); "Tarakan" is short enough to pass."""
_PROVINCE_NAMES = frozenset(lx.PROVINCES)

# A degree starts with the letter of its level ("S.H.", "M.Si", "A.Md") or a doctor's ("Ph.D",
# "Sp.PD"): "Kec.Minas" and "Kab.Siak" after a name are addresses, not titles.
_TITLE_DOTTED = r"(?:[A-Z]|Ph|Sp)\.(?:[A-Z][A-Za-z]{0,3}\.)*[A-Z][A-Za-z]{0,4}\.?(?!\w)"
# An undotted title may carry a stray full stop before the next title's comma ("SIK., SH").
_TITLE = (
    rf"(?:{_TITLE_DOTTED}|{_alternatives(lx.TITLES_UNDOTTED, upper=False)}"
    r"(?:\.(?=[^\S\n]*,))?(?!\w)(?!\.\w))"
)
_TITLE_STEP = re.compile(rf"([^\S\n]*,)?[^\S\n]*({_TITLE})")
_TITLE_DOTTED_AT = re.compile(_TITLE_DOTTED)
_DOTTED_TITLE_SCAN = re.compile(r"[A-Z][a-z]?\.[A-Z]")  # starts with [A-Z]: a fast scan
_NAME_END_BEFORE = re.compile(r"[a-z](?:,?[^\S\n]+|,)$")  # "Pandita, " before "S.Pd"
_BEFORE_NAME = rf"{_alternatives(lx.TITLES_BEFORE, upper=False)}(?![\w.])"
# Optional blanks first: a person() call starts after a rank, or at the titles themselves.
_TITLES_BEFORE = re.compile(rf"(?:{_GAP})?({_BEFORE_NAME}(?:{_GAP}{_BEFORE_NAME})*)(?={_GAP}[A-Z])")
_TITLES_BEFORE_END = re.compile(rf"(?<![\w.])({_BEFORE_NAME}(?:{_GAP}{_BEFORE_NAME})*){_GAP}$")
_LAST_NAME_WORD = re.compile(r"(?<![^\s])([A-Z][A-Za-z'’-]*|[A-Z]\.)$")
_BLANKS_BEFORE = re.compile(rf"{_GAP}$")
_NEXT_WORD = re.compile(rf"{_GAP}(\S)")
_LINE_END = re.compile(r"[^\S\n]*(?:\n|\Z)")

_RANK = re.compile(
    rf"(?:{_alternatives(lx.RANK_ABBREVIATIONS, any_case=True)}"
    rf"|{_alternatives(lx.RANK_PHRASES)}){_OFF}"
    rf"(?:{_GAP}(?:(?i:pol)(?![\w'’-])\.?|TNI{_OFF}))?"
    rf"(?:{_GAP}{_alternatives(lx.TNI_CORPS)}{_OFF})?"
)

_UNIT_FUSED = _alternatives(lx.UNITS, any_case=True)
_ROLE = re.compile(
    rf"(?P<acting>{_alternatives(lx.ACTING)}{_GAP})?(?:"
    rf"(?P<chief>{_alternatives(lx.POLICE_CHIEFS, any_case=True)})"
    rf"|(?P<unit>{_alternatives(lx.UNIT_OFFICES)})(?P<fused>{_UNIT_FUSED})?"
    rf"|(?P<community>{_alternatives(lx.COMMUNITY_OFFICES, any_case=True)})"
    rf"|(?P<military>{_alternatives(lx.MILITARY_OFFICES, any_case=True)})"
    rf"|(?P<civil>{_alternatives(lx.CIVIL_OFFICES)})"
    rf"|(?P<leader>{_alternatives(lx.BODY_LEADERS)})"
    rf"){_OFF}"
)
_UNIT_AFTER = re.compile(rf"{_GAP}({_UNIT_FUSED}){_OFF}")
_NEEDS_UNIT = frozenset(
    form
    for office in ("Dir", "Wadir", "Direktur", "Wakil Direktur")
    for form in (office, office.upper())
)
"""Offices that are words of their own without a unit after them ("Direktur" of a company)."""

_BODIES = (*lx.ELECTION_BODIES, *lx.OTHER_BODIES, "RT", "RW")
# A body the lexicon does not know is named by its acronym: "Ketua PWI", "Ketua DPD KNPI".
_BODY_AFTER = re.compile(
    rf"{_GAP}(?P<body>{_alternatives(_BODIES)}|[A-Z]{{2,6}}(?:{_GAP}[A-Z]{{2,6}})?){_OFF}"
)
_REGIONAL = frozenset(lx.REGIONAL_BODIES) | {body.upper() for body in lx.REGIONAL_BODIES}
_NEIGHBOURHOODS = frozenset({"RT", "RW"})
_NATIONAL = frozenset(lx.ELECTION_BODIES + lx.OTHER_BODIES) - _REGIONAL
"""Bodies a place name alone cannot follow; a body known by its acronym only, a regional
one and a neighbourhood can ("Bawaslu Riau", "Ketua PWI Riau", "Ketua RT 03 Rintis")."""
_QUANTIFIED = re.compile(rf"(?<![\w-]){_alternatives(lx.QUANTIFIERS, any_case=True)}{_GAP}$")
_JURISDICTION = re.compile(
    rf"{_GAP}(?:(?P<area>{_alternatives(lx.AREA_HEADS, any_case=True)}){_HEAD_OFF}"
    rf"|(?:(?P<police>{_alternatives(lx.POLICE_UNITS[1:], any_case=True)})"
    rf"|(?P<military>{_alternatives(lx.MILITARY_UNITS)})"
    rf"|(?P<body>{_alternatives(lx.ELECTION_BODIES)})){_OFF})"
)

_ORG = re.compile(
    rf"(?:(?P<polri>Polri|POLRI|Mabes{_GAP}Polri|MABES{_GAP}POLRI)"
    rf"|(?P<police>{_alternatives(lx.POLICE_UNITS[1:], any_case=True)})"
    rf"|(?P<formal>{_alternatives(lx.POLICE_FORMAL)})(?:[^\S\n]*\([A-Za-z]+\))?"
    rf"|(?P<unit>{_alternatives(lx.UNIT_HEADS)}[^\S\n]?{_UNIT_FUSED}|(?P<bare>{_UNIT_FUSED}))"
    rf"|(?P<military>{_alternatives(lx.MILITARY_UNITS)})"
    rf"|(?P<body>{_alternatives((*lx.ELECTION_BODIES, *lx.OTHER_BODIES))})"
    rf"|(?P<named>{_alternatives(lx.NAMED_ORG_HEADS)})"
    rf"){_OFF}"
)
_POLRI_AFTER = re.compile(rf"{_GAP}(?:Polri|POLRI){_OFF}")
_POLICE_AFTER = re.compile(rf"{_GAP}({_alternatives(lx.POLICE_UNITS[1:], any_case=True)}){_OFF}")

_AREA = re.compile(rf"{_alternatives(lx.AREA_HEADS, any_case=True)}{_HEAD_OFF}")
_PROVINCE = re.compile(rf"{_alternatives(lx.PROVINCES, upper=False)}{_OFF}")

_FACILITY = re.compile(
    rf"(?:(?P<building>{_alternatives(lx.POLICE_BUILDINGS, any_case=True)})"
    rf"|(?P<street>{_alternatives(lx.STREET_HEADS, upper=False)})"
    rf"|(?P<venue>{_alternatives(lx.VENUE_HEADS)})"
    rf"|(?P<eatery>{_alternatives(lx.EATERIES, any_case=True)})"
    rf"(?:{_GAP}(?P<kind>[a-z]+))?(?=[^\S\n]+[A-Z])"
    rf"){_HEAD_OFF}"
)
_STREET_EXTRA = re.compile(
    rf"{_GAP}(?:(?i:km|no)\.?[^\S\n]*\d+[A-Za-z]?|\d+)(?![\w.])|[^\S\n]+-(?={_GAP}[A-Z])"
)
_NOT_A_KIND = frozenset({"milik", "punya", "yang", "dan", "di", "ke", "dari", "untuk", "bersama"})
_VENUE_SUFFIX = re.compile(rf"{_alternatives(lx.VENUE_SUFFIXES, upper=False)}{_OFF}")
_OUTLET_ENDING = re.compile(rf"{_alternatives(lx.OUTLET_ENDINGS)}{_OFF}")
_CAPITALISED_BEFORE = re.compile(rf"(?<![\w'’-])(?:{_CAP}{_GAP}){{1,3}}$")

_YEAR = r"(?:19|20)\d\d(?:[-/](?:19|20)\d\d)?"
"""A year or a span of years ("2023-2024")."""
_ELECTION_YEAR = rf"(?:{_GAP}(?i:tahun|th\.))?{_GAP}{_YEAR}(?!\w)"
_ELECTION = re.compile(
    rf"{_alternatives(lx.ELECTIONS, any_case=True)}"
    rf"(?:{_GAP}(?i:dan){_GAP}{_alternatives(lx.ELECTED_DEPUTIES, any_case=True)})?"
    r"(?:[^\S\n]*\((?i:pemilu|pilkada|pilpres|pileg)\))?"
    rf"(?P<words>(?:{_GAP}{_alternatives(lx.ELECTION_WORDS, any_case=True)})*)"
    rf"(?P<year>{_ELECTION_YEAR})?(?!\w)"
)
_YEAR_AT = re.compile(_ELECTION_YEAR)
_AREA_AFTER = re.compile(rf"{_GAP}{_alternatives(lx.AREA_HEADS, any_case=True)}{_HEAD_OFF}")
_PROGRAMME = re.compile(rf"{_alternatives(lx.PROGRAMMES, any_case=True)}{_OFF}")
_OPERATION = re.compile(r"(?:Operasi|OPERASI)(?=[^\S\n]+[A-Z])")
_YEAR_AFTER = re.compile(rf"{_GAP}{_YEAR}(?!\w|\.\d)")
_NAMED_EVENT = re.compile(rf"(?i:bertajuk|bertagline){_GAP}[\"“]([^\"“”\n]{{3,60}})[\"”]")

_DAY = _alternatives(lx.DAYS, any_case=True)
_MONTH = _alternatives(lx.MONTHS, any_case=True)
_IN_BRACKETS = (
    r"\((?:(?P<pd>\d\d?)[/-](?P<pm>\d\d?)(?:[/-](?P<py>\d{4}|\d\d))?"
    rf"|(?P<qd>\d\d?){_GAP}(?P<qm>{_MONTH})\.?(?:{_GAP}(?P<qy>\d{{4}}))?)\)"
)
_WRITTEN = (
    rf"(?P<d>\d\d?)(?:{_GAP}(?P<m>{_MONTH})(?!\w)(?:\.?{_GAP}(?P<y>\d{{4}})(?!\w))?"
    r"|[/-](?P<nm>\d\d?)[/-](?P<ny>\d{4})(?![\w/]))"
)
# Dates that start with a digit or bracket are found by scanning (the expressions start with a
# literal or a digit class, which the regex engine skips to fast); a weekday is a trigger word.
_DATE_IN_BRACKETS = re.compile(_IN_BRACKETS)
_DATE_WRITTEN = re.compile(_WRITTEN)
_DATE_WITH_DAY = re.compile(
    rf"{_DAY}(?!\w),?(?:{_GAP}{_alternatives(lx.DAY_PARTS, any_case=True)})?,?[^\S\n]*"
    rf"(?:{_IN_BRACKETS}|{_WRITTEN})"
)
_MONTH_YEAR = re.compile(rf"{_MONTH}{_GAP}(?:19|20)\d\d(?!\w)")
_ZONE = rf"(?:[^\S\n]*{_alternatives(lx.TIME_ZONES, any_case=True)}(?!\w))"
_CLOCK = r"(?P<{0}h>\d{{1,2}})(?:[.:](?P<{0}m>\d\d))"
_TIME = re.compile(
    rf"(?<![\w.:])(?:(?:(?i:sekira|sekitar|kurang{_GAP}lebih|kira-kira){_GAP})?"
    rf"(?i:pukul|pkl\.|pkl|jam)[^\S\n]*(?P<h>\d{{1,2}})(?:[.:](?P<m>\d\d))?(?!\d|[.:]\d)"
    rf"{_ZONE}?(?:{_GAP}{_alternatives(lx.DAY_PARTS, any_case=True)})?"
    rf"|{_CLOCK.format('b')}{_ZONE})"
    rf"(?:[^\S\n]*(?:-|–|s/d|s\.d\.|sampai(?:{_GAP}dengan)?|hingga)[^\S\n]*"
    rf"(?:(?i:pukul|pkl\.|pkl){_GAP})?{_CLOCK.format('e')}{_ZONE}?)?(?![\w:])"
)

_DOTTED_WORD = re.compile(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_DOTTED_BEFORE = re.compile(r"(?<![\w@./-])[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.$")
_CLOCK_BEFORE = re.compile(r"(?<![\w.:])\d\d?[.:]\d\d[^\S\n]*$")
_MEDIA_ENDINGS = tuple(f".{ending}" for ending in lx.MEDIA_DOMAINS)
_OUTLET = re.compile(
    rf"(?:{_alternatives(lx.OUTLETS, upper=False)}"
    rf"|{_alternatives(lx.OUTLET_SERIES)}{_GAP}[A-Z][a-z]+){_OFF}"
)
_LAW = re.compile(
    rf"(?:{_alternatives(lx.LAWS, upper=False)}(?:{_GAP}(?:Republik{_GAP}Indonesia|RI))?"
    rf"{_GAP}(?i:nomor|no\.?)[^\S\n]*[\w/-]*\d[\w/-]*(?:\.[\w/-]+)*"
    rf"(?:{_GAP}(?i:tahun){_GAP}\d{{4}})?"
    rf"|{_alternatives(lx.NAMED_LAWS, upper=False)}){_OFF}"
)

_SAID = re.compile(rf"{_alternatives(lx.SPEECH_VERBS, any_case=True)}(?={_GAP}[A-Z])")
_QUOTE_ENDS = frozenset(",\"”’'")
"""What a verb of saying follows when a speaker's name comes after it."""
_ACCORDING = re.compile(rf"(?i:menurut)({_GAP}[A-Z][\w'’-]*(?:{_GAP}[A-Z][\w'’-]*){{0,3}}),")
# Starts with a literal, which the regex engine skips to fast; the name before is checked apart.
_AGE = re.compile(r"\(\d{1,2}(?:[^\S\n]+(?i:tahun|thn))?\)")
"""A person's age after the name: "Sutarmi (61)", "Yusran Efendi (45 tahun)"."""
_HONORIFIC = re.compile(rf"{_alternatives(lx.HONORIFICS, upper=False)}(?=[^\S\n]+[A-Z])")
_BYLINE = re.compile(rf"{_alternatives(lx.BYLINES)}[^\S\n]*:(?=[^\S\n]*[A-Z])")
_COMMA = re.compile(r"[^\S\n]*,(?=[^\S\n]+\S)")
_BLANKS = re.compile(r"[^\S\n]+")
_RUN_WORD = re.compile(r"[^\s./]+")
"""The words of a run as places are read: "05/Kampar Kiri" holds "Kampar Kiri"."""
_NAME_WORDS_MAX = 3
_NAME_TAIL = re.compile(rf"[A-Z][a-zA-Z'’-]+(?:{_GAP}[A-Z][a-zA-Z'’-]+){{0,{_NAME_WORDS_MAX - 1}}}")
_NOT_NAME_WORDS = _STOPS | lx.lower_set(lx.PLACE_WORDS)
"""Words a place's name may go on with ("Sei Kijang", "Tanjung Melawan"), never a name's."""
_RUN_LABELS = frozenset({"ROLE", "ORG", "LOC"})
"""Labels of runs of capitalised words that a name at their end is cut from."""

_SENTENCE_ENDS = frozenset('.!?\n"“”•:;(')
_HEADLINE_CHARS = 160
"""Longer lines are paragraphs, however many capitals they hold."""
_HEAD_CHARS = 6000
"""The dateline stands in the first lines of an article."""
_BRACKETS = re.compile(r"[()]")


class Found:
    """The built-in rules' candidates for one article, and what they learnt of it on the way."""

    __slots__ = ("candidates", "events", "names", "outlets", "places", "text", "titlecase")

    def __init__(self, text: str) -> None:
        self.text = text
        self.candidates: list[Candidate] = []
        self.names: set[str] = set()
        """Person names found in context: their repeats are names too."""
        self.places: set[str] = set()
        """Place names read after a unit or area head: where they stand alone, they are LOC."""
        self.events: set[str] = set()
        """Names of events read after "bertajuk": their repeats are events too."""
        self.outlets: set[str] = set()
        """The dateline's outlet: its repeats are MEDIA, never a place in it ("Suara Riau")."""
        self.titlecase: dict[int, bool] = {}

    def add(self, start: int, end: int, label: str, rule: str, priority: int = SPECIFIC) -> None:
        self.candidates.append(Candidate(start, end, label, rule, priority))

    # --- reading runs of words -------------------------------------------------------------

    def run(
        self, pos: int, word: re.Pattern[str], stops: frozenset[str], limit: int
    ) -> tuple[list[tuple[int, int]], bool]:
        """The capitalised words from `pos` on, up to a stop word; and whether it was strong."""
        text = self.text
        words: list[tuple[int, int]] = []
        while len(words) < limit:
            match = word.match(text, pos)
            if match is None:
                return words, False
            low = match[1].lower().rstrip(".")
            if low in stops and not (low in _AREA_WORDS and not word.match(text, match.end())):
                return words, low in _STRONG_STOPS
            if _VERB.fullmatch(low):  # "Polda Banten Laksanakan": capitalised verbs end here
                return words, False
            words.append(match.span(1))
            pos = match.end()
        return words, False

    def is_titlecase(self, pos: int) -> bool:
        """Whether the line holding `pos` is a headline or list item: capitalised throughout.

        Its words cannot tell where a name ends ("Polres Dumai Gulirkan Pesan"), so a run there
        that no strong stop ends is cut short.
        """
        text = self.text
        start = text.rfind("\n", 0, pos) + 1
        known = self.titlecase.get(start)
        if known is None:
            end = text.find("\n", pos, start + _HEADLINE_CHARS + 1)
            if end < 0 and len(text) - start <= _HEADLINE_CHARS:
                end = len(text)
            # Sentences full of names and addresses are capitalised too, but long and ended.
            line = text[start:end].strip() if end >= 0 else ""
            words = [w for w in line.split() if len(w) > 3 and w[0].isalpha()]
            capitalised = sum(word[0].isupper() for word in words)
            known = not line.endswith(".") and len(words) >= 4 and capitalised >= 0.8 * len(words)
            self.titlecase[start] = known
        return known

    def place(
        self, pos: int, *, stops: frozenset[str] = _STOPS, limit: int = 4, learn: bool = True
    ) -> int:
        """The end of the place name that starts after `pos`, or `pos` if there is none.

        With `learn`, the name joins the article's known places.
        """
        words, strong = self.run(pos, _PLACE_WORD, stops, limit)
        if not words:
            return pos
        # A headline's verbs follow its names; a name that ends the line has none after it.
        ends_line = _LINE_END.match(self.text, words[-1][1]) is not None
        if len(words) > 1 and not (strong or ends_line) and self.is_titlecase(pos):
            kept = 1
            while kept < len(words) and self.text[slice(*words[kept])] in _DIRECTIONS:
                kept += 1
            words = words[:kept]
        if learn:
            self.places.add(self.text[words[0][0] : words[-1][1]])
        return words[-1][1]

    def jurisdiction(self, pos: int, *, bare: bool) -> int:
        """The end of the unit or area an office or body belongs to, or `pos` if none follows.

        `bare` lets a place name alone be one ("Kapolsek Minas", "Bawaslu Riau").
        """
        match = _JURISDICTION.match(self.text, pos)
        if match is not None:
            if match["military"]:
                return self.numbered(match.end()) or self.place(match.end())
            end = self.place(match.end(), stops=_AREA_STOPS if match["area"] else _STOPS)
            if end > match.end() or not match["area"]:
                return end
        return self.place(pos) if bare else pos

    def numbered(self, pos: int) -> int | None:
        """The end of a unit's number from `pos` on, with the place its slash leads to
        ("05/Kampar Kiri", "0301-02/Rumbai"); None if no number is there."""
        match = _UNIT_NUMBER.match(self.text, pos)
        if match is None:
            return None
        if not match["slash"]:
            return match.end()
        end = self.place(match.end())
        return end if end > match.end() else None

    # --- people ------------------------------------------------------------------------------

    def person(self, pos: int, rule: str) -> None:
        """The titles and name of a person from `pos` on, if a name is there."""
        text = self.text
        before = _TITLES_BEFORE.match(text, pos)
        start = before.end() if before else pos
        words, strong = self.run(start, _NAME_WORD, _STOPS, 5)
        if len(words) > 3 and not strong and self.is_titlecase(pos):
            words = words[:3]
        while words and text[words[-1][1] - 1] == ".":  # an initial ends no name
            words.pop()
        if not words:
            return
        if before:
            self.add(*before.span(1), "TITLE", "rule:TITLE", CONTEXT)
        name_start, name_end = words[0][0], words[-1][1]
        self.add(name_start, name_end, "PER", rule, CONTEXT)
        self.names.add(text[name_start:name_end])
        self.titles(name_end)

    def titles(self, pos: int) -> None:
        """TITLE spans right after a name: blanks join titles into one span, a comma splits."""
        start = end = pos
        while (match := _TITLE_STEP.match(self.text, end)) is not None:
            if match[1] or start == pos:
                if start != pos:
                    self.add(start, end, "TITLE", "rule:TITLE")
                start = match.start(2)
            end = match.end()
        if start != pos:
            self.add(start, end, "TITLE", "rule:TITLE")

    def after_comma(self, pos: int, rule: str) -> None:
        """A person named after an office and a comma: "Ketua PPK ..., Hendri Pandita,"."""
        comma = _COMMA.match(self.text, pos)
        if comma is None:
            return
        first = _PLACE_WORD.match(self.text, comma.end())
        if first is not None and first[1] in _PROVINCE_NAMES:
            return  # "Kapolres Dumai, Riau": a region, not a name
        self.person(comma.end(), rule)


# --- the families: each reads one match at a trigger word's offset -----------------------

Family = Callable[["Found", int], None]


def _matched(
    expression: re.Pattern[str], label: str, rule: str, priority: int = SPECIFIC
) -> Family:
    """A family whose whole match is the span: a listed name, a written form."""

    def family(found: Found, pos: int) -> None:
        match = expression.match(found.text, pos)
        if match is not None:
            found.add(pos, match.end(), label, rule, priority)

    return family


def _introduced(expression: re.Pattern[str], rule: str) -> Family:
    """A family whose match introduces a person's name: "Bapak ...", "Editor : ..."."""

    def family(found: Found, pos: int) -> None:
        match = expression.match(found.text, pos)
        if match is not None:
            found.person(match.end(), rule)

    return family


def _titled_people(found: Found, pos: int) -> None:
    """A name after titles only people bear, wherever it stands: "Dr. Yusmar", "Hj. Rukiah"."""
    text = found.text
    if pos and (text[pos - 1].isalnum() or text[pos - 1] in ".'’-"):
        return  # "S.H." holds an "H." too
    if _TITLES_BEFORE.match(text, pos) is not None:
        found.person(pos, "rule:PER.titled")


def _speakers(found: Found, pos: int) -> None:
    """The name after a verb of saying that follows a quotation or a comma: '," kata Budi.'."""
    text = found.text
    before = text[max(0, pos - 3) : pos].rstrip()
    match = _SAID.match(text, pos) if before[-1:] in _QUOTE_ENDS else None
    if match is not None:
        found.person(match.end(), "rule:PER.speaker")


def _according_to(found: Found, pos: int) -> None:
    """The name after "menurut" that a comma closes: "Menurut Wahyuni, warga senang"."""
    match = _ACCORDING.match(found.text, pos)
    if match is not None and not match[1].isupper():  # "Menurut BMKG," is no person
        found.person(match.start(1), "rule:PER.speaker")


def _ranks(found: Found, pos: int) -> None:
    match = _RANK.match(found.text, pos)
    if match is not None:
        found.add(pos, match.end(), "RANK", "rule:RANK")
        found.person(match.end(), "rule:PER")


def _roles(found: Found, pos: int) -> None:
    text = found.text
    match = _ROLE.match(text, pos)
    if match is None:
        return
    end = match.end()
    named = False  # whether a name may follow the office directly
    if match["chief"] or match["civil"]:
        end = found.jurisdiction(end, bare=True)
        if match["chief"] and (force := _POLRI_AFTER.match(text, end)):
            end = force.end()  # "Kabareskrim Polri"
    elif match["unit"]:
        units = 0
        while units < 3 and (unit := _UNIT_AFTER.match(text, end)) is not None:
            end, units = unit.end(), units + 1
        if not (units or match["fused"]) and match["unit"] in _NEEDS_UNIT:
            return
        after = found.jurisdiction(end, bare=False)
        named, end = after == end and bool(units or match["fused"]), after
    elif match["community"]:
        after = found.jurisdiction(end, bare=False)
        # The village's officer names the station too: "Bhabinkamtibmas Desa X Polsek Y".
        station = _POLICE_AFTER.match(text, after) if after > end else None
        named, end = after == end, found.place(station.end()) if station else after
    elif match["military"]:
        end = found.numbered(end) or found.place(end)
    else:  # a leader, of a body
        body = _BODY_AFTER.match(text, end)
        if body is None:
            return
        end = body.end()
        if body["body"] in _NEIGHBOURHOODS and (number := _RT_NUMBER.match(text, end)):
            end = number.end()
        end = found.jurisdiction(end, bare=body["body"] not in _NATIONAL)
    if _QUANTIFIED.search(text, max(0, pos - 20), pos):
        return  # "para Kapolsek", "setiap Bhabinkamtibmas": a kind of officer, no office held
    found.add(pos, end, "ROLE", "rule:ROLE")
    # In a headline, a bare office is followed by its verb: "Bhabinkamtibmas Imbau Warga".
    if named and _NAME_WORD.match(text, end) and not found.is_titlecase(pos):
        found.person(end, "rule:PER.after_role")
    else:
        found.after_comma(end, "rule:PER.after_role")


def _organisations(found: Found, pos: int) -> None:
    text = found.text
    match = _ORG.match(text, pos)
    if match is None:
        return
    end = match.end()
    if match["police"] or match["formal"] or match["military"]:
        number = found.numbered(end) if match["military"] else None
        end = number or found.place(end)
    elif match["unit"]:
        parent = _POLICE_AFTER.match(text, end)
        if parent is not None:
            end = found.place(parent.end())
        elif match["bare"]:
            return  # "Humas" alone is a kind of work; "Humas Polres Siak" is the unit
    elif match["body"]:
        end = found.jurisdiction(end, bare=match["body"] in _REGIONAL)
    elif match["named"]:
        end = found.place(end, learn=False)
        if end == match.end():
            return
        end = found.jurisdiction(end, bare=False)
    found.add(pos, end, "ORG", "rule:ORG")


def _areas(found: Found, pos: int) -> None:
    match = _AREA.match(found.text, pos)
    if match is not None:
        end = found.place(match.end(), stops=_AREA_STOPS)
        if end > match.end():
            found.add(pos, end, "LOC", "rule:LOC")


def _facilities(found: Found, pos: int) -> None:
    match = _FACILITY.match(found.text, pos)
    if match is None:
        return
    if match["building"]:
        end = found.place(match.end())
        if end == match.end() and match["building"].lower() == "mako":
            return
    else:
        if match["eatery"]:
            if (match["kind"] or "") in _NOT_A_KIND:
                return
            end = found.place(match.end(), learn=False)  # a proprietor's name, not an area's
        else:
            end = _facility_name(found, match.end(), street=bool(match["street"]))
        if end == match.end():
            return
    found.add(pos, end, "FAC", "rule:FAC")


def _facility_name(found: Found, pos: int, *, street: bool) -> int:
    """The end of a street's or venue's name, with the titles of the person it is named after
    ("Jl. Dr. Sutomo", "Masjid Haji Ahmad"); a street's takes "KM 35", "No. 13", " - "."""
    titles = _TITLES_BEFORE.match(found.text, pos)
    start = titles.end() if titles else pos
    end = found.place(start, stops=_FACILITY_STOPS, limit=5, learn=False)
    if end == start:
        return pos
    if not street:
        return end
    while (extra := _STREET_EXTRA.match(found.text, end)) is not None:
        if extra[0].strip() == "-":
            after = found.place(extra.end(), stops=_FACILITY_STOPS, learn=False)
            if after == extra.end():
                break
            end = after
        else:
            end = extra.end()
    return end


def _suffixed(expression: re.Pattern[str], label: str, rule: str) -> Family:
    """A family for names told by their last word, whose capitalised words before it are the
    rest of the name: "D'Dion Coffee" (a venue), "Kaltim Post" (an outlet)."""

    def family(found: Found, pos: int) -> None:
        text = found.text
        suffix = expression.match(text, pos) if text[pos].isupper() else None
        before = _CAPITALISED_BEFORE.search(text, max(0, pos - 80), pos) if suffix else None
        if suffix is None or before is None:
            return
        # Leading words that start something else are not the name's: "Polsek X Cafe".
        for word in _WORD.finditer(text, before.start(), pos):
            if word[0].lower() not in _STOPS:
                found.add(word.start(), suffix.end(), label, rule)
                return

    return family


def _titled_names(found: Found, pos: int) -> None:
    """A name read backwards from the academic titles after it: "Hendri Pandita, S.Pd"."""
    text = found.text
    if _TITLE_DOTTED_AT.match(text, pos) is None:
        return
    gap = _NAME_END_BEFORE.search(text, max(0, pos - 8), pos)
    if gap is None:
        return
    name_end = gap.start() + 1
    start = _name_before(found, name_end, "rule:PER.titled")
    if start is not None:
        found.titles(name_end)
        before = _TITLES_BEFORE_END.search(text, max(0, start - 30), start)
        if before is not None:
            found.add(*before.span(1), "TITLE", "rule:TITLE", CONTEXT)


def _aged_names(found: Found) -> None:
    """Names followed by the person's age, as reports introduce residents: "Sutarmi (61)"."""
    text = found.text
    for match in _AGE.finditer(text):
        blanks = _BLANKS_BEFORE.search(text, max(0, match.start() - 3), match.start())
        if blanks is not None and blanks.start() and text[blanks.start() - 1].isalpha():
            _name_before(found, blanks.start(), "rule:PER.aged")


def _name_before(found: Found, name_end: int, rule: str) -> int | None:
    """The start of the PER that ends at `name_end`, read backwards over capitalised words up to
    a stop word; None (and no PER) where no name is there."""
    text = found.text
    start = cursor = name_end
    words = 0
    while words < 4:
        match = _LAST_NAME_WORD.search(text, max(0, cursor - 40), cursor)
        if match is None or match[1].lower().rstrip(".") in _STOPS:
            break
        start, words = match.start(1), words + 1
        blanks = _BLANKS_BEFORE.search(text, max(0, start - 20), start)
        if blanks is None:
            break
        cursor = blanks.start()
    name = text[start:name_end]
    # A place read after a head word may stand in front: "Camat Minas Budi, S.Sos".
    for place in found.places:
        if name.startswith(place + " "):
            start += len(place) + 1
            name = name[len(place) + 1 :]
    if not words or name in found.places:
        return None
    found.add(start, name_end, "PER", rule, CONTEXT)
    found.names.add(name)
    return start


def _elections(found: Found, pos: int) -> None:
    """An election with its year or "Serentak"; its region may stand before the year
    ("Pilgub Sumut 2024", "Pilkada Kota Pekanbaru Tahun 2024")."""
    text = found.text
    match = _ELECTION.match(text, pos)
    if match is None:
        return
    if match["year"]:
        found.add(pos, match.end(), "EVENT", "rule:EVENT")
        return
    end = match.end("words")
    area = _AREA_AFTER.match(text, end)
    region = found.place(area.end() if area else end, learn=False)
    year = _YEAR_AT.match(text, region) if region > end else None
    if year is not None:
        found.add(pos, year.end(), "EVENT", "rule:EVENT")
    elif "serentak" in match["words"].lower():
        found.add(pos, end, "EVENT", "rule:EVENT")


def _operations(found: Found, pos: int) -> None:
    match = _OPERATION.match(found.text, pos)
    words = found.run(match.end(), _PLACE_WORD, frozenset(), 5)[0] if match else None
    if words:
        year = _YEAR_AFTER.match(found.text, words[-1][1])
        found.add(pos, year.end() if year else words[-1][1], "EVENT", "rule:EVENT")


def _named_events(found: Found, pos: int) -> None:
    match = _NAMED_EVENT.match(found.text, pos)
    if match is not None:
        name = match[1].strip()
        start = match.start(1) + match[1].index(name)
        found.add(start, start + len(name), "EVENT", "rule:EVENT.named")
        found.events.add(name)


def _dates_with_day(found: Found, pos: int) -> None:
    match = _DATE_WITH_DAY.match(found.text, pos)
    if match is not None and _valid_date(match):
        found.add(pos, match.end(), "DATE", "rule:DATE")


def _times(found: Found, pos: int) -> None:
    match = _TIME.match(found.text, pos)
    if match is not None and _valid_time(match):
        found.add(pos, match.end(), "TIME", "rule:TIME")


def _clocks(found: Found, pos: int) -> None:
    """A time told by its zone alone: "14:20 WIB"."""
    clock = _CLOCK_BEFORE.search(found.text, max(0, pos - 12), pos)
    if clock is not None:
        _times(found, clock.start())


def _domains(found: Found, pos: int) -> None:
    """A news site's domain, found from its ending: "lingkupperistiwa.com"."""
    text = found.text
    if not pos or text[pos - 1] != ".":
        return
    head = _DOTTED_BEFORE.search(text, max(0, pos - 80), pos)
    match = _DOTTED_WORD.match(text, head.start()) if head else None
    if match is None or match.end() <= pos:
        return
    lower, end = match[0].lower(), match.end()
    if (
        lower.endswith(_MEDIA_ENDINGS)
        and not lower.endswith(lx.NOT_MEDIA_DOMAINS)
        and any(char.isalpha() for char in lower.rpartition(".")[0])
        and text[end : end + 1] not in ("@", "/")
    ):
        found.add(match.start(), end, "MEDIA", "rule:MEDIA.domain")


def _first_words(*groups: Iterable[str]) -> set[str]:
    """The lower-cased first word of each phrase, as the word scan sees it."""
    return {_ASCII_WORD.findall(phrase.lower())[0] for group in groups for phrase in group}


def _fused(offices: Iterable[str], units: Iterable[str]) -> set[str]:
    return {(office + unit).lower() for office in offices for unit in units}


_ASCII_WORD = re.compile(r"[a-z]+")
"""Words as the trigger table knows them: no full stops, digits or hyphens ("jl", "undang")."""

_Families = tuple[tuple[Family, set[str]], ...]
"""Rule families, each with the lower-cased words that trigger it."""

_BEFORE_DATELINE: _Families = (
    (
        _roles,
        _first_words(
            lx.ACTING,
            lx.POLICE_CHIEFS,
            lx.UNIT_OFFICES,
            lx.COMMUNITY_OFFICES,
            lx.MILITARY_OFFICES,
            lx.CIVIL_OFFICES,
            lx.BODY_LEADERS,
        )
        | _fused(lx.UNIT_OFFICES, lx.UNITS),
    ),
    (
        _organisations,
        _first_words(
            lx.POLICE_UNITS,
            lx.POLICE_FORMAL,
            lx.MILITARY_UNITS,
            lx.ELECTION_BODIES,
            lx.OTHER_BODIES,
            lx.NAMED_ORG_HEADS,
            lx.UNIT_HEADS,
            lx.UNITS,
            ("Mabes",),
        )
        | _fused(lx.UNIT_HEADS, lx.UNITS),
    ),
    (_areas, _first_words(lx.AREA_HEADS)),
    (_matched(_PROVINCE, "LOC", "rule:LOC.gazetteer", ECHO), _first_words(lx.PROVINCES)),
    (
        _facilities,
        _first_words(lx.POLICE_BUILDINGS, lx.STREET_HEADS, lx.VENUE_HEADS, lx.EATERIES),
    ),
    (_suffixed(_VENUE_SUFFIX, "FAC", "rule:FAC.venue"), _first_words(lx.VENUE_SUFFIXES)),
)
"""Offices, organisations, areas and buildings, with their trigger words: they run first, so that
the places they read are known to the rules that look for names and repeats."""
_AFTER_DATELINE: _Families = (
    (_ranks, _first_words(lx.RANK_ABBREVIATIONS, lx.RANK_PHRASES)),
    (_introduced(_HONORIFIC, "rule:PER.address"), _first_words(lx.HONORIFICS)),
    (_titled_people, _first_words(lx.TITLES_BEFORE)),
    (_speakers, _first_words(lx.SPEECH_VERBS)),
    (_according_to, {"menurut"}),
    (_introduced(_BYLINE, "rule:PER.byline"), _first_words(lx.BYLINES)),
    (_elections, _first_words(lx.ELECTIONS)),
    (_matched(_PROGRAMME, "EVENT", "rule:EVENT"), _first_words(lx.PROGRAMMES)),
    (_operations, {"operasi"}),
    (_named_events, {"bertajuk", "bertagline"}),
    (_dates_with_day, _first_words(lx.DAYS)),
    (
        _matched(_MONTH_YEAR, "DATE", "rule:DATE"),
        {month for month in lx.MONTHS if month not in lx.SHORT_MONTHS},
    ),
    (_times, {"pukul", "pkl", "jam", "sekira", "sekitar", "kurang", "kira"}),
    (_clocks, _lower(lx.TIME_ZONES)),
    (_matched(_OUTLET, "MEDIA", "rule:MEDIA"), _first_words(lx.OUTLETS, lx.OUTLET_SERIES)),
    (_suffixed(_OUTLET_ENDING, "MEDIA", "rule:MEDIA"), _first_words(lx.OUTLET_ENDINGS)),
    (_domains, _first_words(lx.MEDIA_DOMAINS)),
    (_matched(_LAW, "LAW", "rule:LAW"), _first_words(lx.LAWS, lx.NAMED_LAWS)),
)
"""People, events, dates, times, media and laws: they run after the dateline is read, so that
on the dateline's outlet its candidate comes before the MEDIA rules' and is the one kept (the
resolver keeps the first of equal priority)."""
_FAMILIES: _Families = (*_BEFORE_DATELINE, *_AFTER_DATELINE)
"""Every family in the order they run: the trigger table and a scan's hits index this."""


def _trigger_table() -> dict[str, tuple[int, ...]]:
    table: dict[str, list[int]] = {}
    for index, (_, words) in enumerate(_FAMILIES):
        for word in words:
            table.setdefault(word, []).append(index)
    return {word: tuple(indices) for word, indices in table.items()}


_TRIGGERS = _trigger_table()
_TRIGGER_WORDS = frozenset(_TRIGGERS)


def lowered(text: str) -> str:
    """`text` in lower case, offset for offset (a character whose lower case is longer, such as
    "İ", stays as it is)."""
    lower = text.lower()
    if len(lower) == len(text):
        return lower
    return "".join(char if len(low := char.lower()) != 1 else low for char in text)


class Scan(NamedTuple):
    """One pass over an article's words, shared by the rules and the theme cues."""

    lower: str
    """The text in lower case, offset for offset."""
    words: set[str]
    """Every word of the text in lower case, ASCII letters only ("jum'at" is "jum", "at")."""
    hits: list[list[int]]
    """For each family, the offsets of the words that trigger it, in order."""


def scan(text: str) -> Scan:
    """The words of `text` (in ASCII: no trigger word has other letters) and its triggers.

    A word glued to other letters or digits is no whole word; a span there fails the token check.
    """
    lower = lowered(text)
    hits: list[list[int]] = [[] for _ in _FAMILIES]
    words: set[str] = set()
    seen, triggers = words.add, _TRIGGER_WORDS
    for match in _ASCII_WORD.finditer(lower):
        word = match[0]
        seen(word)
        if word in triggers:
            for index in _TRIGGERS[word]:
                hits[index].append(match.start())
    return Scan(lower, words, hits)


class BuiltinRules:
    """Every built-in rule family; `find` runs them all over one article."""

    def find(
        self, text: str, outlet: str | None, place: str | None, words: Scan | None = None
    ) -> list[Candidate]:
        """Candidates for `text`; `words` is scan(text), when the caller has it already."""
        found = Found(text)
        hits = (words or scan(text)).hits
        split = len(_BEFORE_DATELINE)
        _run(found, _BEFORE_DATELINE, hits[:split])
        _dateline(found, outlet, place)
        _run(found, _AFTER_DATELINE, hits[split:])
        _numeric_dates(found)
        for match in _DOTTED_TITLE_SCAN.finditer(text):
            _titled_names(found, match.start())
        _aged_names(found)
        _names_after_offices(found)
        _echoes(found)
        return found.candidates


def _run(found: Found, families: _Families, hits: list[list[int]]) -> None:
    """Each family at the offsets of its trigger words (`hits`, in the families' order)."""
    for (family, _), positions in zip(families, hits, strict=True):
        for pos in positions:
            family(found, pos)


def _dateline(found: Found, outlet: str | None, place: str | None) -> None:
    """The outlet (MEDIA) and place (LOC) of the dateline, in the line that starts with one.

    `outlet` and `place` are what cooltui.meta read from the dateline, without offsets: a domain
    without the blanks scraping left after its dots ("riauonline. co.id"), and a place with its
    sub-place in brackets ("Pekanbaru (Rumbai)"), each part a LOC of its own.
    """
    written = _written(outlet) if outlet else None
    places = [part.strip() for part in _BRACKETS.split(place) if part.strip()] if place else []
    if not (written or places):
        return
    text = found.text
    offset = 0
    for line in text[:_HEAD_CHARS].split("\n"):
        stripped = line.lstrip()
        head = offset + len(line) - len(stripped)
        if (written and written.match(stripped)) or (place and stripped.startswith(place)):
            media = written.search(text, head, head + 120) if written else None
            if media:
                found.add(*media.span(), "MEDIA", "rule:MEDIA.dateline")
                found.outlets.add(media[0])
            at = head
            for name in places:
                at = text.find(name, at, head + 120)
                if media and at >= 0 and at < media.end() and at + len(name) > media.start():
                    # The place is written outside the outlet's name: "KABAR SIAK, SIAK -".
                    at = text.find(name, media.end(), head + 120)
                if at < 0:
                    break
                found.add(at, at + len(name), "LOC", "rule:LOC.dateline")
                # A dateline in capitals names a place the article writes capitalised.
                found.places.add(name.title() if name.isupper() else name)
                at += len(name)
            return
        offset += len(line) + 1


def _written(outlet: str) -> re.Pattern[str]:
    """The outlet as written in the text, where a blank may follow any of its dots."""
    return re.compile(r"\.[^\S\n]*".join(re.escape(part) for part in outlet.split(".")))


def _numeric_dates(found: Found) -> None:
    """Dates without a weekday: "(28/10)", "14 Februari 2024", "8/2/2024"."""
    text = found.text
    for expression in (_DATE_IN_BRACKETS, _DATE_WRITTEN):
        for match in expression.finditer(text):
            start = match.start()
            glued = start and (text[start - 1].isalnum() or text[start - 1] in "/.")
            if not glued and _valid_date(match):
                found.add(start, match.end(), "DATE", "rule:DATE")


def _echoes(found: Found) -> None:
    """Names, places and events found in context, wherever else they stand alone."""
    text = found.text
    # Where a rule's candidate starts, a repeat is the same span or a shorter one that loses.
    taken = {candidate.start for candidate in found.candidates}
    # A dateline's outlet in capitals is written capitalised in the text: "Kabar Siak".
    outlets = found.outlets | {outlet.title() for outlet in found.outlets if outlet.isupper()}
    for names, label, rule in (
        (found.names, "PER", "rule:PER.repeat"),
        (_name_parts(found.names) - found.places, "PER", "rule:PER.repeat"),
        (found.places - _PROVINCE_NAMES, "LOC", "rule:LOC.known"),
        (found.events, "EVENT", "rule:EVENT.repeat"),
        (outlets, "MEDIA", "rule:MEDIA.repeat"),
    ):
        for name in names:
            if len(name) < 3 or name.lower() in _STOPS:
                continue
            at = text.find(name)
            while at >= 0:
                end = at + len(name)
                if at not in taken and _stands_alone(text, at, end):
                    found.add(at, end, label, rule, ECHO)
                at = text.find(name, end)


def _names_after_offices(found: Found) -> None:
    """Cuts an office's run where a place it knows ends and a name follows, which reports
    write without a comma: "Camat Tenayan Raya Dedi Gusriadi" once "Tenayan Raya" is known.

    The unit or area read after the office, and the words after it that look like a name,
    are one run of capitalised words; a place known from elsewhere in the article (a dateline,
    an area's name, a province, "RI") tells where the office ends. A one-word rest needs more:
    a province or "RI" before it, a title after it, or the name known from elsewhere.
    """
    text = found.text
    places = found.places | _PROVINCE_NAMES | {"RI"}
    names = found.names | _name_parts(found.names)
    cuts: dict[int, tuple[int, int]] = {}
    for candidate in found.candidates:
        if candidate.label == "ROLE" and candidate.end not in cuts:
            cut = _name_after_place(text, candidate, places, names)
            if cut is not None:
                cuts[candidate.end] = cut
    if not cuts:
        return
    found.candidates = [_cut(candidate, cuts.get(candidate.end)) for candidate in found.candidates]
    for end, (_, name_start) in cuts.items():
        name = text[name_start:end]
        found.add(name_start, end, "PER", "rule:PER.after_role", CONTEXT)
        found.names.add(name)
        found.places = {place for place in found.places if not place.endswith(name)}
        found.titles(end)


def _cut(candidate: Candidate, cut: tuple[int, int] | None) -> Candidate:
    """The candidate up to an office's end, where it ran on into the name after it."""
    if cut and candidate.label in _RUN_LABELS and candidate.start < cut[0]:
        return candidate._replace(end=cut[0])
    return candidate


def _name_after_place(
    text: str, office: Candidate, places: set[str], names: set[str]
) -> tuple[int, int] | None:
    """(end of the office, start of the name) where `office` runs on into a name."""
    gaps = list(_BLANKS.finditer(text, office.start, office.end))
    if len(gaps) < 2:
        return None  # an office, a place and a name take two blanks at least
    for gap in reversed(gaps[-_NAME_WORDS_MAX:]):
        name = text[gap.end() : office.end]
        if not _NAME_TAIL.fullmatch(name) or any(
            word.lower() in _NOT_NAME_WORDS or word in _DIRECTIONS for word in name.split()
        ):
            return None
        place = _place_ending(text, office.start, gap.start(), places)
        if place is None:
            continue
        if (
            " " in name
            or place in _PROVINCE_NAMES
            or place == "RI"
            or name in names
            or _TITLE_STEP.match(text, office.end) is not None
        ):
            return gap.start(), gap.end()
    return None


def _place_ending(text: str, start: int, end: int, places: set[str]) -> str | None:
    """The known place of up to four words that ends text[start:end], if there is one."""
    words = [word.start() for word in _RUN_WORD.finditer(text, start, end)]
    return next((text[at:end] for at in words[-4:] if text[at:end] in places), None)


def _name_parts(names: Iterable[str]) -> set[str]:
    """The parts of names that reports shorten them to: the first or last word ("Hutabarat" for
    "Rosmalia Hutabarat"), or the first two of three ("Tengku Amri" for "Tengku Amri Yusuf")."""
    parts = set()
    for name in names:
        words = name.split()
        if len(words) > 1:
            parts.update((words[0], words[-1]))
        if len(words) > 2:
            parts.add(f"{words[0]} {words[1]}")
    return {part for part in parts if not part.endswith(".")}


def _stands_alone(text: str, start: int, end: int) -> bool:
    """Neither glued to a word nor in a run of capitalised words, on either side.

    A capitalised word that starts a sentence does not count as part of a run.
    """
    if start and (text[start - 1].isalnum() or text[start - 1] in "-'’"):
        return False
    if end < len(text) and (text[end].isalnum() or text[end] in "-'’"):
        return False
    if start > 1 and text[start - 1] in " \t\xa0":
        low = max(0, start - 40)
        space = text.rfind(" ", low, start - 1)
        begin = space + 1 if space >= 0 else low
        previous = text[begin : start - 1].rpartition("\n")[2]
        if (
            previous[:1].isupper()
            and previous[-1:].isalnum()
            and previous.lower() not in _STOPS
            and not _starts_sentence(text, start - 1 - len(previous))
        ):
            return False
    following = _NEXT_WORD.match(text, end)
    return following is None or not following[1].isupper()


def _starts_sentence(text: str, pos: int) -> bool:
    """Whether the word at `pos` starts a sentence, a line or a quotation."""
    before = text[max(0, pos - 3) : pos].rstrip(" \t\xa0")
    return not before or before[-1] in _SENTENCE_ENDS


def _valid_date(match: re.Match[str]) -> bool:
    """Whether the day and month of a date match are a real day and month."""
    groups = match.groupdict()
    if groups.get("pd"):
        day, month = int(groups["pd"]), int(groups["pm"])
    elif groups.get("nm"):
        day, month = int(groups["d"]), int(groups["nm"])
    else:
        day = int(groups.get("qd") or groups["d"])
        name = (groups.get("qm") or groups["m"]).lower()
        month = lx.MONTHS[name]
        # A short month name without a year reads too easily as a word ("7 jun").
        if name in lx.SHORT_MONTHS and not (groups.get("qy") or groups.get("y")):
            return False
    return 1 <= day <= 31 and 1 <= month <= 12


def _valid_time(match: re.Match[str]) -> bool:
    hour = match["h"] or match["bh"]
    minute = match["m"] or match["bm"] or "0"
    return int(hour) <= 24 and int(minute) < 60
