"""The Suggester: built-in rules, users' patterns and theme cues, resolved into suggestions.

Suggestions never overlap each other or a span the annotator made (the longest wins, then the
more specific rule: a user's pattern, then a listed word, then a name read from context, then a
repeat), never come back once rejected (same start, end and label), keep to the scheme's labels
and lie on token boundaries, so that every exporter takes them.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import Protocol

from cooltui.meta import describe
from cooltui.model import SPAN_ORDER, Span
from cooltui.scheme import Scheme
from cooltui.suggest.patterns import Patterns
from cooltui.suggest.rules import BuiltinRules, Candidate, scan
from cooltui.suggest.themes import CueMatcher, ThemeSuggestion
from cooltui.text import TokenIndex, tokenize

ScoredSpan = tuple[Span, float]
"""A span a model proposes, with its score (0 to 1)."""
ScoredTheme = tuple[ThemeSuggestion, float]

_NEVER_JOINS = frozenset('()[]{}"“”«»,;!?')
"""Punctuation the tokenizer never keeps inside a word next to a letter: a token boundary."""
_CLOSERS = frozenset(')]}"”»')
_BLANK_OR_END = frozenset({"", " ", "\n", "\t", "\xa0"})
_CHUNK_LIMIT = 300
"""Longest stretch without blanks that a boundary check tokenizes; longer ones take no span."""


@dataclass(frozen=True, slots=True)
class Suggestions:
    """What the suggester proposes for one article: spans sorted by offset, and themes."""

    spans: tuple[Span, ...]
    themes: tuple[ThemeSuggestion, ...]
    model: str | None = None
    """The source name of the model whose suggestions joined these ("model:alice"), if any."""
    span_scores: Mapping[tuple[int, int, str], float] = field(default_factory=dict)
    """The model's score of each span it proposed (by Span.key), the rules' spans included."""
    theme_scores: Mapping[tuple[str, str], float] = field(default_factory=dict)
    """The model's score of each (group, value) it proposed."""

    def with_imported(
        self, spans: Sequence[Span], labels: Mapping[str, Sequence[str]]
    ) -> Suggestions:
        """These and what `cooltui import --as-suggestions` brought in: an imported span wins
        over a rule's that overlaps it (a model or another tool was asked on purpose), and a
        span or a value both propose comes once."""
        if not spans and not any(labels.values()):
            return self
        taken = sorted(spans, key=SPAN_ORDER)
        kept = [s for s in self.spans if not _overlaps_any(s, taken)]
        themes = list(self.themes)
        known = {(theme.group, theme.value) for theme in themes}
        for group, values in labels.items():
            themes.extend(
                ThemeSuggestion(group, value, ()) for value in values if (group, value) not in known
            )
        return Suggestions(
            tuple(sorted([*kept, *taken], key=SPAN_ORDER)),
            tuple(themes),
            self.model,
            self.span_scores,
            self.theme_scores,
        )

    def with_model(
        self,
        model: str,
        spans: Sequence[ScoredSpan],
        themes: Sequence[ScoredTheme],
        boundaries: Boundaries,
        threshold: float | None,
    ) -> Suggestions:
        """These and a model's: its spans scored `threshold` or more that lie on token
        boundaries and overlap none of these, each once (a span these propose too keeps its
        source and gets the model's score), and its document values; with no threshold (no
        threshold made the model useful beside the rules), these alone.

        These win where the two overlap: the threshold is chosen (cooltui.learn.train) so that
        what the model adds beside them makes the whole better on the dev share, never worse.
        """
        if threshold is None:
            return self
        scores = dict(self.span_scores)
        mine = {span.key for span in self.spans}
        taken = _Taken(self.spans)
        added: list[Span] = []
        for span, score in sorted(spans, key=lambda item: -item[1]):  # the surest first
            if score < threshold:
                continue
            if span.key in mine:
                scores[span.key] = max(score, scores.get(span.key, 0.0))
            elif (
                taken.free(span.start, span.end)
                and boundaries.is_start(span.start)
                and boundaries.is_end(span.end)
            ):
                taken.take(span.start, span.end)
                added.append(span)
                scores[span.key] = score
        theme_scores = dict(self.theme_scores)
        known = {(theme.group, theme.value) for theme in self.themes}
        more = []
        for theme, score in themes:
            key = (theme.group, theme.value)
            theme_scores[key] = score
            if key not in known:
                known.add(key)
                more.append(theme)
        return Suggestions(
            tuple(sorted([*self.spans, *added], key=SPAN_ORDER)),
            (*self.themes, *more),
            model,
            scores,
            theme_scores,
        )

    def from_model(self, span: Span) -> bool:
        """Whether the model proposed `span` (alone, or with the rules)."""
        return span.key in self.span_scores


def _overlaps_any(span: Span, spans: Sequence[Span]) -> bool:
    """Whether `span` overlaps one of `spans` (sorted by start): one that starts before it ends
    and ends after it starts."""
    stop = bisect_right(spans, span.end - 1, key=attrgetter("start"))
    return any(s.end > span.start for s in spans[:stop])


@dataclass(frozen=True, slots=True)
class Dateline:
    """An article's outlet and place as cooltui.meta read them (Article.outlet, .place)."""

    outlet: str | None = None
    place: str | None = None


class Boundaries(Protocol):
    """Where tokens start and end in one text: a TokenIndex, or boundaries_of(text)."""

    def is_start(self, offset: int) -> bool: ...

    def is_end(self, offset: int) -> bool: ...


def boundaries_of(text: str) -> Boundaries:
    """The token boundaries of `text`, found only where asked (cheaper than a TokenIndex for a
    few dozen spans)."""
    return _LocalTokens(text)


class _LocalTokens:
    """Token boundaries of a text, found by tokenizing only the blank-free stretch asked about.

    Tokens never hold a blank and the tokenizer looks no further than the blanks around a
    stretch, so a stretch's tokens are the same as in the whole text; checking a few dozen
    suggestions this way costs far less than tokenizing a whole article.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts: set[int] = set()
        self.ends: set[int] = set()
        self.done: set[int] = set()

    def _tokenize_around(self, offset: int) -> None:
        text = self.text
        low = offset
        while low > 0 and not text[low - 1].isspace():
            low -= 1
            if offset - low > _CHUNK_LIMIT:
                return
        if low in self.done:
            return
        high = offset
        while high < len(text) and not text[high].isspace():
            high += 1
            if high - low > _CHUNK_LIMIT:
                return
        self.done.add(low)
        for token in tokenize(text[low:high]):
            self.starts.add(low + token.start)
            self.ends.add(low + token.end)

    def is_start(self, offset: int) -> bool:
        text = self.text
        if offset >= len(text) or text[offset].isspace():
            return False
        before = text[offset - 1] if offset else " "
        if before.isspace() or (before in _NEVER_JOINS and text[offset].isalnum()):
            return True
        self._tokenize_around(offset)
        return offset in self.starts

    def _ends_before(self, offset: int, last: str, after: str) -> bool:
        """Whether the punctuation `after` surely starts a new token (the common cases)."""
        if after in _NEVER_JOINS:
            return last.isalpha() or (last in _CLOSERS and last != after)
        # A full stop before a blank joins only an abbreviation, initial or dotted title, and
        # none of those has five letters in a row before it.
        return (
            after == "."
            and self.text[offset + 1 : offset + 2] in _BLANK_OR_END
            and (last in _CLOSERS or (offset >= 5 and self.text[offset - 5 : offset].isalpha()))
        )

    def is_end(self, offset: int) -> bool:
        text = self.text
        if offset <= 0 or text[offset - 1].isspace():
            return False
        after = text[offset] if offset < len(text) else " "
        if after.isspace() or self._ends_before(offset, text[offset - 1], after):
            return True
        self._tokenize_around(offset - 1)
        return offset in self.ends


class Suggester:
    """Suggests spans and document labels for articles, under one scheme.

    Built once (it reads the pattern files: the scheme's, then `patterns`), then asked per
    article. Raises PatternError for a pattern file that cannot be used.
    """

    def __init__(self, scheme: Scheme, patterns: Sequence[Path] = ()) -> None:
        self.scheme = scheme
        self.labels = scheme.label_names
        self.rules = BuiltinRules()
        self.pattern_files = tuple(patterns)
        """The pattern files given, besides the scheme's own."""
        self.patterns = Patterns((*scheme.patterns, *self.pattern_files), self.labels)
        self.cues = CueMatcher(scheme)

    def suggest(
        self,
        text: str,
        tokens: TokenIndex | None = None,
        *,
        existing: Sequence[Span] = (),
        rejected: Sequence[Span] = (),
        dateline: Dateline | None = None,
    ) -> Suggestions:
        """Suggestions for the normalised `text` of one article.

        `tokens` (the reader's TokenIndex of `text`) saves tokenizing where pattern files need
        tokens; `existing` are the annotator's spans, `rejected` the suggestions turned down;
        `dateline` saves reading the dateline again (None: read it from the text).
        """
        if dateline is None:
            about = describe(text)
            dateline = Dateline(about.outlet, about.place)
        words = scan(text)
        candidates = self.rules.find(text, dateline.outlet, dateline.place, words)
        if self.patterns:
            tokens = tokens if tokens is not None else TokenIndex(text)
            candidates.extend(self.patterns.find(tokens))
        boundaries: Boundaries = tokens if tokens is not None else _LocalTokens(text)
        spans = _resolve(text, candidates, self.labels, boundaries, existing, rejected)
        return Suggestions(spans, self.cues.find(text, words))


def _resolve(
    text: str,
    candidates: Iterable[Candidate],
    labels: frozenset[str],
    boundaries: Boundaries,
    existing: Sequence[Span],
    rejected: Sequence[Span],
) -> tuple[Span, ...]:
    """The candidates that survive, as spans sorted by offset."""
    refused = {span.key for span in rejected}
    best: dict[tuple[int, int, str], Candidate] = {}
    for candidate in candidates:
        key = candidate[:3]
        if candidate.label not in labels or key in refused:
            continue
        kept = best.get(key)
        if kept is None or candidate.priority > kept.priority:
            best[key] = candidate
    # Longest first, then the more specific rule, then the earlier.
    order = sorted(best.values(), key=lambda c: (c.start - c.end, -c.priority, c.start))
    taken = _Taken(existing)
    chosen: list[Candidate] = []
    for candidate in order:
        start, end = candidate.start, candidate.end
        if taken.free(start, end) and boundaries.is_start(start) and boundaries.is_end(end):
            taken.take(start, end)
            chosen.append(candidate)
    chosen.sort()
    return tuple(Span(c.start, c.end, c.label, text[c.start : c.end], c.source) for c in chosen)


class _Taken:
    """Stretches of the text already taken, kept as sorted disjoint intervals."""

    def __init__(self, spans: Sequence[Span]) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        for span in sorted(spans):
            if self.ends and span.start < self.ends[-1]:
                self.ends[-1] = max(self.ends[-1], span.end)  # the annotator's may overlap
            else:
                self.starts.append(span.start)
                self.ends.append(span.end)

    def free(self, start: int, end: int) -> bool:
        index = bisect_right(self.starts, start)
        if index and self.ends[index - 1] > start:
            return False
        return index == len(self.starts) or self.starts[index] >= end

    def take(self, start: int, end: int) -> None:
        index = bisect_right(self.starts, start)
        self.starts.insert(index, start)
        self.ends.insert(index, end)
