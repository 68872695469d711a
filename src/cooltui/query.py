"""The article list's filter language, typed after `/`; headless (no textual, no rich).

    kantor polisi        every word occurs in the title, outlet, place or date (any case, accents)
    "kantor polisi"      the phrase, words in this order
    status:done          status: todo, progress (in_progress), done, skipped, flagged,
                         unfinished (todo, progress, flagged) or finished (done, skipped);
                         several with commas: status:todo,flagged
    label:PER            the article has at least one span labelled PER
    themes:KAMTIBMAS     a document label group's value (a unique start of the group name will do)
    body:polsek          the article's text holds the word (or body:"a phrase"); slower: reads texts
    assigned:me          with a project file (`cooltui assign`): the annotator's own articles, the
                         list's default; assigned:bob bob's (several with commas), assigned:all
                         every article
    -word  -status:done  a leading - negates any term

Words match anywhere inside a word ("polis" finds "Polisi"). Text with a colon in it goes in
quotes: "10:30" is a field-less phrase, so is "http://x".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from cooltui.errors import CoolError
from cooltui.model import Status

QUERY_HELP = """\
kantor polisi      words in the title, outlet, place or date (any case, any accents)
"kantor polisi"    a phrase
status:done        todo, progress, done, skipped, flagged; unfinished (todo, progress, flagged),
                   finished (done, skipped); several: status:todo,flagged
label:PER          has a span labelled PER
themes:KAMTIBMAS   a document label value (group name or its start: theme:)
body:polsek        the article text holds the word or "phrase" (slower)
assigned:me        your articles, by the project file (cooltui assign), shown unless the
                   filter says whose: assigned:all every article, assigned:bob bob's
-term              not: -status:done, -label:PER, -body:hoax"""

BUILTIN_FIELDS = ("status", "label", "body", "assigned")

ASSIGNED_TO_ME = "assigned:me"
"""The list's filter when a project file gives the annotator articles, unless the filter typed
says whose articles to show."""
ME, ALL = "me", "all"

_STATUS_NAMES: dict[str, frozenset[Status]] = {
    "todo": frozenset({Status.TODO}),
    "progress": frozenset({Status.IN_PROGRESS}),
    "in_progress": frozenset({Status.IN_PROGRESS}),
    "in-progress": frozenset({Status.IN_PROGRESS}),
    "done": frozenset({Status.DONE}),
    "skipped": frozenset({Status.SKIPPED}),
    "flagged": frozenset({Status.FLAGGED}),
    "unfinished": frozenset(s for s in Status if not s.finished),
    "finished": frozenset(s for s in Status if s.finished),
}

# Combining marks left by NFKD decomposition: removing them makes "é" match "e". The common
# blocks are enough for the Latin-script text of news articles.
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")

# One term: optional "-", optional "field:", then a "quoted phrase" (closing quote optional, so
# that a half-typed query still filters) or a bare word.
_TERM = re.compile(
    r'(?P<neg>-)?(?:(?P<field>[^\W\d][\w-]*):)?(?:"(?P<quoted>[^"]*)"?|(?P<bare>[^\s"]+))?'
)


class QueryError(CoolError):
    """A filter the user typed that cannot be understood; the message says how to fix it."""


def fold(text: str) -> str:
    """`text` for matching: case and accents dropped, runs of whitespace made one space."""
    if text.isascii():
        return " ".join(text.lower().split())
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join(_MARKS.sub("", decomposed).casefold().split())


def _haystack(title: str, outlet: str, place: str, date: str) -> str:
    raw = f"{title}\n{outlet}\n{place}\n{date}"
    # Most titles are clean ASCII: one lower() then, instead of four folds (2x slower at 100k).
    if raw.isascii() and raw.count("\n") == 3 and "  " not in raw and "\t" not in raw:
        return raw.lower()
    return "\n".join((fold(title), fold(outlet), fold(place), fold(date)))


@dataclass(slots=True, unsafe_hash=True)
class ListRow:
    """What the article list shows of one article; `stale` when its text changed since annotated,
    `place` the dateline's place ("BDR. SEIKIJANG" of "TOPIKMETRO.COM, BDR. SEIKIJANG -").

    Treated as immutable (a changed row is a new row) but not frozen: a frozen dataclass takes
    three times as long to make, and the app makes 100,000 of them before its first paint.
    """

    id: str
    title: str
    outlet: str
    date: str
    status: Status
    stale: bool = False
    place: str = ""
    assigned: Assigned | None = None
    """Who codes the article by the project file; None without one."""
    _folded: str | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def haystack(self) -> str:
        """Title, outlet, place and date folded (one per line), so filtering 100k rows stays fast.

        Folded the first time a filter asks, not when the row is made: folding 100,000 titles
        at launch cost half a second before the first paint.
        """
        folded = self._folded
        if folded is None:
            folded = _haystack(self.title, self.outlet, self.place, self.date)
            self._folded = folded
        return folded


@dataclass(frozen=True, slots=True)
class Assigned:
    """Who codes an article by the project file (cooltui.team.project): `names`, casefolded,
    and whether the list's annotator is one of them (`mine`). `mine` is None when the project
    gives that annotator nothing (they are not in it): every article is theirs then, as without
    a project file. One list's rows are made by one session: they agree on that."""

    names: frozenset[str]
    mine: bool | None


@dataclass(frozen=True, slots=True)
class ArticleFacts:
    """What an article's annotation holds: its span labels and its (group, value) choices."""

    labels: frozenset[str]
    values: frozenset[tuple[str, str]]


_NO_FACTS = ArticleFacts(frozenset(), frozenset())

FactsLookup = Callable[[str], ArticleFacts | None]


# --- terms ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Term:
    negated: bool

    uses_facts: ClassVar[bool] = False

    def test(self, row: ListRow, facts: ArticleFacts) -> bool:
        raise NotImplementedError

    def select(
        self, rows: Sequence[ListRow], candidates: Iterable[int], facts: FactsLookup
    ) -> list[int]:
        """The candidates that pass; fast terms override this with one tight comprehension."""
        negated = self.negated
        test = self.test
        if self.uses_facts:
            return [
                i
                for i in candidates
                if test(rows[i], facts(rows[i].id) or _NO_FACTS) is not negated
            ]
        return [i for i in candidates if test(rows[i], _NO_FACTS) is not negated]


@dataclass(frozen=True, slots=True)
class _Text(_Term):
    needle: str

    def test(self, row: ListRow, facts: ArticleFacts) -> bool:
        return self.needle in row.haystack

    def select(
        self, rows: Sequence[ListRow], candidates: Iterable[int], facts: FactsLookup
    ) -> list[int]:
        needle = self.needle
        if self.negated:
            return [i for i in candidates if needle not in rows[i].haystack]
        return [i for i in candidates if needle in rows[i].haystack]


@dataclass(frozen=True, slots=True)
class _Status(_Term):
    statuses: frozenset[Status]

    def test(self, row: ListRow, facts: ArticleFacts) -> bool:
        return row.status in self.statuses

    def select(
        self, rows: Sequence[ListRow], candidates: Iterable[int], facts: FactsLookup
    ) -> list[int]:
        statuses = self.statuses if not self.negated else frozenset(Status) - self.statuses
        return [i for i in candidates if rows[i].status in statuses]


@dataclass(frozen=True, slots=True)
class _Label(_Term):
    label: str
    """Casefolded: label:per finds PER."""

    uses_facts: ClassVar[bool] = True

    def test(self, row: ListRow, facts: ArticleFacts) -> bool:
        return any(label.casefold() == self.label for label in facts.labels)


@dataclass(frozen=True, slots=True)
class _Value(_Term):
    group: str
    value: str
    """Casefolded: themes:kamtibmas finds KAMTIBMAS."""

    uses_facts: ClassVar[bool] = True

    def test(self, row: ListRow, facts: ArticleFacts) -> bool:
        return any(g == self.group and v.casefold() == self.value for g, v in facts.values)


@dataclass(frozen=True, slots=True)
class _Assigned(_Term):
    names: frozenset[str]
    """Casefolded; "me" is the list's annotator."""

    def test(self, row: ListRow, facts: ArticleFacts) -> bool:
        assigned = row.assigned
        if ME in self.names and (assigned is None or assigned.mine is not False):
            return True  # with no assignment of their own, every article is the annotator's
        return assigned is not None and not self.names.isdisjoint(assigned.names)


@dataclass(frozen=True, slots=True)
class _Body:
    negated: bool
    needle: str


# --- the query -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed filter: every term must hold. Build one with `parse_query`."""

    text: str
    terms: tuple[_Term, ...] = ()
    body_terms: tuple[_Body, ...] = ()
    says_whose: bool = False
    """Some assigned: term says whose articles to show (assigned:all: everyone's), so the
    list's default, assigned:me, stands aside."""

    @property
    def needs_body(self) -> bool:
        """Some term reads the article text (slow: the list runs it in a worker)."""
        return bool(self.body_terms)

    @property
    def needs_facts(self) -> bool:
        """Some term asks about the annotation (labels or document values)."""
        return any(term.uses_facts for term in self.terms)

    @property
    def is_empty(self) -> bool:
        """No terms at all: every row matches (and the list's default stands: not after
        assigned:all, which says whose)."""
        return not self.terms and not self.body_terms and not self.says_whose

    def matches(
        self, row: ListRow, facts: ArticleFacts | None, body: Callable[[], str] | None
    ) -> bool:
        """Whether `row` passes. Without `body` the body terms are not checked (they pass)."""
        known = facts or _NO_FACTS
        if any(term.test(row, known) is term.negated for term in self.terms):
            return False
        return body is None or self.matches_body(body())

    def matches_body(self, text: str) -> bool:
        """Whether an article's text passes the body terms (True when there are none)."""
        if not self.body_terms:
            return True
        folded = fold(text)
        return all((term.needle in folded) is not term.negated for term in self.body_terms)

    def select(self, rows: Sequence[ListRow], facts: FactsLookup | None = None) -> list[int]:
        """The indices, ascending, of the rows that pass every term but the body terms.

        The same answer as `matches(row, facts(row.id), None)` for each row, many times faster.
        """
        lookup: FactsLookup = facts or (lambda _id: None)
        candidates: Iterable[int] = range(len(rows))
        for term in self.terms:
            candidates = term.select(rows, candidates, lookup)
        return list(candidates)


def _field_for(name: str, groups: Collection[str]) -> str:
    """The built-in field or the scheme group that `name` (any case, or a start of it) means."""
    folded = name.casefold()
    if folded in BUILTIN_FIELDS:
        return folded
    exact = [group for group in groups if group.casefold() == folded]
    if exact:
        return exact[0]
    starts = [group for group in groups if group.casefold().startswith(folded)]
    if len(starts) == 1:
        return starts[0]
    known = ", ".join(f"{f}:" for f in (*BUILTIN_FIELDS, *groups))
    if starts:
        options = ", ".join(f"{group}:" for group in starts)
        raise QueryError(f"{name}: could mean {options}; type more of the name")
    raise QueryError(
        f'unknown field {name}: (known: {known}); put text with a colon in quotes: "{name}:…"'
    )


def _statuses(value: str) -> frozenset[Status]:
    found: set[Status] = set()
    for name in value.casefold().split(","):
        if not name:
            continue
        if name not in _STATUS_NAMES:
            raise QueryError(
                f"unknown status {name!r}: use todo, progress, done, skipped, flagged, "
                "unfinished or finished"
            )
        found |= _STATUS_NAMES[name]
    if not found:
        raise QueryError("status: needs a value, e.g. status:done")
    return frozenset(found)


def parse_query(text: str, groups: Collection[str] = ()) -> Query:
    """Parse what the user typed; `groups` are the scheme's document label group names.

    Raises QueryError for an unknown field or status, or a field with no value. A lone "-" or
    an empty pair of quotes is ignored, so that a half-typed query still filters.
    """
    terms: list[_Term] = []
    body_terms: list[_Body] = []
    says_whose = False
    position = 0
    while position < len(text):
        if text[position].isspace():
            position += 1
            continue
        # Every part of the pattern is optional, and a non-space character always starts one of
        # them (a "-", a quote or a bare word), so each match moves on.
        match = _TERM.match(text, position)
        assert match is not None
        position = match.end()
        negated = match["neg"] is not None
        name = match["field"]
        value = match["quoted"] if match["quoted"] is not None else match["bare"] or ""
        if name is None:
            needle = fold(value)
            if needle:
                terms.append(_Text(negated, needle))
            continue
        which = _field_for(name, groups)
        if not value.strip():
            raise QueryError(f"{name}: needs a value, e.g. {_example(which)}")
        if which == "status":
            terms.append(_Status(negated, _statuses(value)))
        elif which == "label":
            terms.append(_Label(negated, value.strip().casefold()))
        elif which == "body":
            if needle := fold(value):
                body_terms.append(_Body(negated, needle))
        elif which == "assigned":
            says_whose = True
            names = frozenset(n.strip().casefold() for n in value.split(",") if n.strip())
            if ALL not in names:
                terms.append(_Assigned(negated, names))
            elif negated:
                raise QueryError("-assigned:all hides every article; assigned:all shows them all")
        else:
            terms.append(_Value(negated, which, value.strip().casefold()))
    terms.sort(key=_cost)
    return Query(text, tuple(terms), tuple(body_terms), says_whose)


def in_force(query: Query | None, rows: Sequence[ListRow]) -> Query | None:
    """The filter a list of `rows` runs for `query` (None: nothing typed): assigned:me is added
    when a project file gives the rows' annotator articles and `query` does not say whose
    articles to show itself."""
    if query is not None and query.says_whose:
        return query
    assigned = rows[0].assigned if rows else None
    if assigned is None or assigned.mine is None:
        return query
    mine = _Assigned(False, frozenset({ME}))
    if query is None:
        return Query(ASSIGNED_TO_ME, (mine,), says_whose=True)
    terms = tuple(sorted((mine, *query.terms), key=_cost))
    return Query(f"{ASSIGNED_TO_ME} {query.text}", terms, query.body_terms, says_whose=True)


def _cost(term: _Term) -> tuple[bool, bool, bool, int]:
    """Sort key: each term narrows the rows the next one scans, so cheap and selective go first.

    Status tests are cheapest, facts lookups dearest; among words, a longer one is likelier to
    be rare, and a negated one rarely narrows much.
    """
    if isinstance(term, _Text):
        return (False, True, term.negated, -len(term.needle))
    return (term.uses_facts, False, term.negated, 0)


def _example(which: str) -> str:
    return {
        "status": "status:done",
        "label": "label:PER",
        "body": "body:polsek",
        "assigned": ASSIGNED_TO_ME,
    }.get(which, f"{which}:VALUE")
