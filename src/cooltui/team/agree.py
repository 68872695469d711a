"""How far annotators agree: span F1 per pair, Krippendorff's alpha and Cohen's kappa of the
document labels, and the articles with the most disagreements.

The units are the articles two or more of the annotators finished (marked done; with
only="all", every article two or more annotated). Each figure is made so:

- Spans, per pair of annotators, over the articles both finished, overall and per label.
  Precision is the share of the first annotator's spans the second also made (the second is
  the reference), recall the share of the second's the first made; swapping the two swaps them,
  and F1 is the same either way. Exact: the same start, end and label. Overlap: a span counts
  as matched when it overlaps a span of the same label the other made.
- Document labels: a single-choice group is one nominal item, its code the value chosen (none
  chosen is a code of its own: a finished article is the annotator's decision); each value of
  a multi-choice group is a binary item, chosen or not. An annotator who did not finish an
  article has no code there (missing). Per item: Krippendorff's alpha (nominal) over all the
  annotators, the percent agreement (the share of pairs of codes on a unit that match), and per
  pair Cohen's kappa and their percent agreement.
- Undefined figures are None (null in JSON): alpha and kappa are 0/0 when every code is the
  same (a value nobody chose, say), as there is no variation to agree beyond chance; precision
  when the first annotator made no span, and so on.

Everything is counted in whole numbers as the articles stream past and divided once at the
end, so the figures match the krippendorff and scikit-learn packages' and do not depend on the
order the articles come in. Pure Python: `cooltui agree` must start fast and run where only
cooltui is installed.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import accumulate, combinations
from typing import TYPE_CHECKING, Any, NamedTuple

from cooltui.errors import CoolError
from cooltui.model import Annotation, Span, Status
from cooltui.team.compare import compare

if TYPE_CHECKING:
    from cooltui.scheme import Scheme
    from cooltui.store import Store


class AgreeError(CoolError):
    """Agreement cannot be measured (fewer than two annotators, no article to compare)."""


# Nominal codes: alpha, kappa and percent agreement.


@dataclass(slots=True)
class PairCodes:
    """Two coders' codes of one item on the units both coded."""

    units: int = 0
    agreed: int = 0
    first: Counter[Hashable] = field(default_factory=Counter)
    second: Counter[Hashable] = field(default_factory=Counter)

    def add(self, first: Hashable, second: Hashable, times: int = 1) -> None:
        self.units += times
        self.agreed += times * (first == second)
        self.first[first] += times
        self.second[second] += times

    def kappa(self) -> float | None:
        """Cohen's kappa: (p_o - p_e) / (1 - p_e), here multiplied through by units²."""
        chance = sum(count * self.second[code] for code, count in self.first.items())
        expected_disagreement = self.units * self.units - chance
        if not expected_disagreement:
            return None
        return (self.units * self.agreed - chance) / expected_disagreement

    def agreement(self) -> float | None:
        return self.agreed / self.units if self.units else None


class NominalAgreement:
    """The codes of one item (a single-choice group, or one value of a multi-choice group)
    across units: enough for alpha, percent agreement and each pair's kappa.

    Kept as how often each row of codes (one unit's, in the coders' order) came: a binary item
    of three coders has at most 27 rows, so a unit costs one count, and the figures are
    worked out from the rows when asked for.
    """

    def __init__(self, coders: Sequence[str]) -> None:
        self.coders = tuple(coders)
        self.rows: Counter[tuple[Hashable | None, ...]] = Counter()

    def add(self, codes: Iterable[Hashable | None]) -> None:
        """One unit: each coder's code in the coders' order, None where a coder gave none."""
        self.rows[tuple(codes)] += 1

    def _pairable(self) -> Iterator[tuple[Counter[Hashable], int, int]]:
        """For each row of two or more codes (the others do not count for agreement): how
        often each code is in it, how many codes it has, and how many units had it."""
        for row, times in self.rows.items():
            codes = [code for code in row if code is not None]
            if len(codes) >= 2:
                yield Counter(codes), len(codes), times

    @property
    def units(self) -> int:
        """The units with two or more codes."""
        return sum(times for _, _, times in self._pairable())

    def alpha(self) -> float | None:
        """Krippendorff's alpha for nominal data: 1 - D_o / D_e, which with the coincidences
        counted (n pairable codes, n_c of code c, A the matching ordered pairs of codes on a
        unit of m codes each weighed 1/(m - 1)) is 1 - (n - 1)(n - A) / (n² - Σ n_c²). Exact
        fractions until the one division."""
        totals: Counter[Hashable] = Counter()
        matched = Fraction(0)
        for counts, m, times in self._pairable():
            for code, count in counts.items():
                totals[code] += times * count
            matched += Fraction(times * sum(n * (n - 1) for n in counts.values()), m - 1)
        n = totals.total()
        expected = n * n - sum(count * count for count in totals.values())
        if not expected:
            return None
        return float(1 - (n - 1) * (n - matched) / expected)

    def agreement(self) -> float | None:
        """The share of the pairs of codes given to one unit that match."""
        matching = pairs = 0
        for counts, m, times in self._pairable():
            matching += times * sum(n * (n - 1) for n in counts.values())
            pairs += times * m * (m - 1)
        return matching / pairs if pairs else None

    @property
    def pairs(self) -> dict[tuple[str, str], PairCodes]:
        """Each pair of coders' codes on the units both coded."""
        places = list(combinations(range(len(self.coders)), 2))
        found = {(self.coders[i], self.coders[j]): PairCodes() for i, j in places}
        for row, times in self.rows.items():
            for (i, j), pair in zip(places, found.values(), strict=True):
                if row[i] is not None and row[j] is not None:
                    pair.add(row[i], row[j], times)
        return found


# Spans: precision, recall and F1 of a pair.


class Scores(NamedTuple):
    precision: float | None
    recall: float | None
    f1: float | None


def scores(first: int, second: int, first_matched: int, second_matched: int) -> Scores:
    """Precision of `first_matched` of the first annotator's `first` spans, recall of
    `second_matched` of the second's `second`, and F1: 2PR / (P + R), multiplied through by
    first * second so that it is one division. F1 is None when neither made a span, 0 when
    only one did."""
    precision = first_matched / first if first else None
    recall = second_matched / second if second else None
    if not first and not second:
        return Scores(precision, recall, None)
    harmonic = first_matched * second + second_matched * first
    f1 = 2 * first_matched * second_matched / harmonic if harmonic else 0.0
    return Scores(precision, recall, f1)


@dataclass(slots=True)
class SpanCounts:
    """A pair's spans (of one label, or all): how many each made, how many were made by both
    (exact), and how many of each one's overlap a span of the same label of the other's."""

    first: int = 0
    second: int = 0
    exact: int = 0
    first_overlapping: int = 0
    second_overlapping: int = 0

    def __iadd__(self, other: SpanCounts) -> SpanCounts:
        self.first += other.first
        self.second += other.second
        self.exact += other.exact
        self.first_overlapping += other.first_overlapping
        self.second_overlapping += other.second_overlapping
        return self

    def exact_scores(self) -> Scores:
        return scores(self.first, self.second, self.exact, self.exact)

    def overlap_scores(self) -> Scores:
        return scores(self.first, self.second, self.first_overlapping, self.second_overlapping)


class Stretches(NamedTuple):
    """One annotator's spans of one label in an article, as (start, end), each once; and,
    in the order of their starts, the starts and how far the spans up to each one reach, to
    find overlaps by bisection. Made once per annotator and article, used by every pair."""

    spans: frozenset[tuple[int, int]]
    starts: list[int]
    reach: list[int]

    def overlapped(self, others: Stretches) -> int:
        """How many of these spans overlap one of `others`: those of `others` that start
        before a span ends are a prefix, and one of them reaches into it if the furthest does."""
        starts, reach = others.starts, others.reach
        return sum(
            1
            for start, end in self.spans
            if (before := bisect_left(starts, end)) and reach[before - 1] > start
        )


def stretches(spans: Iterable[Span]) -> dict[str, Stretches]:
    """An annotation's spans by label."""
    by_label: dict[str, set[tuple[int, int]]] = {}
    for span in spans:
        by_label.setdefault(span.label, set()).add((span.start, span.end))
    made = {}
    for label, found in by_label.items():
        ordered = sorted(found)
        made[label] = Stretches(
            frozenset(found),
            [start for start, _ in ordered],
            list(accumulate((end for _, end in ordered), max)),
        )
    return made


_NONE = Stretches(frozenset(), [], [])


class PairSpans:
    """One pair's spans over the articles both finished, by label."""

    def __init__(self) -> None:
        self.articles = 0
        self.labels: dict[str, SpanCounts] = {}

    def add(self, first: Mapping[str, Stretches], second: Mapping[str, Stretches]) -> None:
        """One article: each annotator's spans by label (see stretches)."""
        self.articles += 1
        for label in first.keys() | second.keys():
            mine, theirs = first.get(label, _NONE), second.get(label, _NONE)
            counts = self.labels.setdefault(label, SpanCounts())
            counts.first += len(mine.spans)
            counts.second += len(theirs.spans)
            if mine.spans and theirs.spans:
                counts.exact += len(mine.spans & theirs.spans)
                counts.first_overlapping += mine.overlapped(theirs)
                counts.second_overlapping += theirs.overlapped(mine)

    def overall(self) -> SpanCounts:
        total = SpanCounts()
        for counts in self.labels.values():
            total += counts
        return total


# One article after another.


@dataclass(frozen=True, slots=True)
class Item:
    """A document label item: a single-choice group (value None), or one value of a
    multi-choice group."""

    group: str
    value: str | None
    codes: NominalAgreement

    @property
    def multi(self) -> bool:
        return self.value is not None


class ArticleDisagreements(NamedTuple):
    article_id: str
    disagreements: int
    annotators: tuple[str, ...]


class Agreement:
    """The figures of `annotators` over the articles added so far (see the module's doc)."""

    def __init__(self, annotators: Sequence[str], scheme: Scheme, only: str = "done") -> None:
        self.annotators = tuple(annotators)
        self.only = only
        self.label_order = [label.name for label in scheme.labels]
        self.spans = {pair: PairSpans() for pair in combinations(self.annotators, 2)}
        self.items: list[Item] = []
        for group in scheme.groups:
            if group.multi:
                self.items += [
                    Item(group.name, value.name, NominalAgreement(self.annotators))
                    for value in group.values
                ]
            else:
                self.items.append(Item(group.name, None, NominalAgreement(self.annotators)))
        self.articles: list[ArticleDisagreements] = []
        self.texts_differ: list[str] = []
        """Articles left out: their annotators worked on different versions of the text, so
        their offsets cannot be compared."""

    def add(self, article_id: str, annotations: Mapping[str, Annotation]) -> None:
        """One article as two or more of the annotators left it, keyed by annotator."""
        if len({annotation.text_sha for annotation in annotations.values()}) > 1:
            self.texts_differ.append(article_id)
            return
        names = tuple(name for name in self.annotators if name in annotations)
        self.articles.append(
            ArticleDisagreements(article_id, compare(article_id, annotations).disagreements, names)
        )
        spans = {name: stretches(annotations[name].spans) for name in names}
        for (first, second), pair in self.spans.items():
            if first in spans and second in spans:
                pair.add(spans[first], spans[second])
        present = [annotations.get(name) for name in self.annotators]
        for item in self.items:
            item.codes.add([None if made is None else _code(made, item) for made in present])

    def labels(self) -> list[str]:
        """The span labels any pair used: the scheme's order, then others (another scheme's)."""
        used = {label for pair in self.spans.values() for label in pair.labels}
        known = [label for label in self.label_order if label in used]
        return known + sorted(used.difference(known))

    def worst_first(self) -> list[ArticleDisagreements]:
        """The articles compared, those with the most disagreements first (then by id)."""
        return sorted(self.articles, key=lambda row: (-row.disagreements, row.article_id))

    def to_json(self) -> dict[str, Any]:
        """The figures as plain JSON types (dump with sorted keys), in this shape:

            {"annotators": [names], "only": "done" | "all", "articles_compared": n,
             "texts_differ": [ids left out: annotators worked on different texts],
             "spans": [per pair: {"annotators": [a, b], "reference": b, "articles": n,
                       "all": SPANS, "labels": {label: SPANS}}],
             "groups": [per item: {"group": g, "value": v (null: a single-choice group),
                        "choice": "single" | "multi", "units": n, "alpha": x,
                        "agreement": x, "pairs": [{"annotators": [a, b], "articles": n,
                        "kappa": x, "agreement": x}]}],
             "articles": [worst first: {"id": id, "disagreements": n,
                          "annotators": [names]}]}

        where SPANS is {"spans": {a: n, b: n}, "exact": SCORES, "overlap": SCORES} and SCORES
        {"precision": x, "recall": x, "f1": x, "matched": {a: n, b: n}}; an undefined x is
        null.
        """
        return {
            "annotators": list(self.annotators),
            "only": self.only,
            "articles_compared": len(self.articles),
            "texts_differ": sorted(self.texts_differ),
            "spans": [self._pair_json(pair) for pair in self.spans],
            "groups": [self._item_json(item) for item in self.items],
            "articles": [
                {
                    "id": row.article_id,
                    "disagreements": row.disagreements,
                    "annotators": list(row.annotators),
                }
                for row in self.worst_first()
            ],
        }

    def _pair_json(self, pair: tuple[str, str]) -> dict[str, Any]:
        spans = self.spans[pair]
        return {
            "annotators": list(pair),
            "reference": pair[1],
            "articles": spans.articles,
            "all": _counts_json(pair, spans.overall()),
            "labels": {label: _counts_json(pair, counts) for label, counts in spans.labels.items()},
        }

    def _item_json(self, item: Item) -> dict[str, Any]:
        codes = item.codes
        return {
            "group": item.group,
            "value": item.value,
            "choice": "multi" if item.multi else "single",
            "units": codes.units,
            "alpha": codes.alpha(),
            "agreement": codes.agreement(),
            "pairs": [
                {
                    "annotators": list(pair),
                    "articles": tally.units,
                    "kappa": tally.kappa(),
                    "agreement": tally.agreement(),
                }
                for pair, tally in codes.pairs.items()
            ],
        }


def _code(annotation: Annotation, item: Item) -> Hashable:
    values = annotation.doc_labels.get(item.group, ())
    return item.value in values if item.value is not None else tuple(values)


def _counts_json(pair: tuple[str, str], counts: SpanCounts) -> dict[str, Any]:
    first, second = pair

    def scored(values: Scores, first_matched: int, second_matched: int) -> dict[str, Any]:
        return {**values._asdict(), "matched": {first: first_matched, second: second_matched}}

    return {
        "spans": {first: counts.first, second: counts.second},
        "exact": scored(counts.exact_scores(), counts.exact, counts.exact),
        "overlap": scored(
            counts.overlap_scores(), counts.first_overlapping, counts.second_overlapping
        ),
    }


# Reading the stores.


def measure(stores: Sequence[Store], scheme: Scheme, only: str = "done") -> Agreement:
    """The agreement of the stores' annotators, each article measured once every one of its
    annotators' records has been read, then let go."""
    from cooltui.store import DEFAULT_SHARDS

    agreement = Agreement([store.annotator for store in stores], scheme, only)
    holders = _holders(stores, only)
    waiting: dict[str, dict[str, Annotation | None]] = {}
    # Shard by shard, the same shard of every store at once: an article's records lie in the
    # same shard of each (shard_of is the same everywhere), so what waits for the other
    # stores' records is a shard's worth, and every record is parsed once. A store sharded
    # otherwise is still read whole, each shard once; only more would wait.
    for index in range(DEFAULT_SHARDS):
        for store in stores:
            for annotation in store.share(index, DEFAULT_SHARDS):
                names = holders.get(annotation.article_id)
                if names is None or store.annotator not in names:
                    continue
                read = waiting.setdefault(annotation.article_id, {})
                keep = only == "done" or _annotated(annotation)
                read[store.annotator] = annotation if keep else None
                if len(read) == len(names):
                    del waiting[annotation.article_id]
                    _measure_article(agreement, annotation.article_id, read)
    return agreement


def _measure_article(
    agreement: Agreement, article_id: str, read: Mapping[str, Annotation | None]
) -> None:
    annotations = {name: made for name, made in read.items() if made is not None}
    if len(annotations) >= 2:
        agreement.add(article_id, annotations)


def _holders(stores: Sequence[Store], only: str) -> dict[str, list[str]]:
    """The articles two or more of the stores may have finished, and whose they are: from the
    statuses the stores index, without reading a record."""
    holders: dict[str, list[str]] = {}
    for store in stores:
        for article_id, status in store.statuses().items():
            if only == "all" or status is Status.DONE:
                holders.setdefault(article_id, []).append(store.annotator)
    return {article_id: names for article_id, names in holders.items() if len(names) >= 2}


def _annotated(annotation: Annotation) -> bool:
    """Work to compare: a status given, or a span or document label made (a record may hold
    only rejected or imported suggestions)."""
    return (
        annotation.status is not Status.TODO
        or bool(annotation.spans)
        or any(annotation.doc_labels.values())
    )
