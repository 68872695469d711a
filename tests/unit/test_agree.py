"""Agreement figures (cooltui.team.agree) checked against the krippendorff package and
scikit-learn's cohen_kappa_score, on hand-made data with known values and on random codings."""

from __future__ import annotations

import math
import warnings
from collections.abc import Hashable, Sequence
from itertools import combinations
from pathlib import Path

import krippendorff
import numpy as np
import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from cooltui.model import Annotation, Span, Status
from cooltui.scheme import load_scheme
from cooltui.store import Store
from cooltui.team.agree import (
    Agreement,
    NominalAgreement,
    PairCodes,
    PairSpans,
    SpanCounts,
    measure,
    scores,
    stretches,
)

SCHEME = load_scheme()
CODERS = ("alice", "bob", "carol")

Matrix = Sequence[Sequence[Hashable | None]]
"""Reliability data: a row of codes per coder, a column per unit; None is a missing code."""

# Krippendorff's own example (Content Analysis, 2004; the krippendorff package's doctest):
# three coders, fifteen units, codes missing all over; nominal alpha 0.691358.
KRIPPENDORFF_EXAMPLE: Matrix = [
    [None, None, None, None, None, 3, 4, 1, 2, 1, 1, 3, 3, None, 3],
    [1, None, 2, 1, 3, 3, 4, 3, None, None, None, None, None, None, None],
    [None, None, 2, 1, 3, 4, 4, None, 2, 1, 1, 3, 3, None, 4],
]


def nominal(matrix: Matrix, coders: Sequence[str] = CODERS) -> NominalAgreement:
    codes = NominalAgreement(coders[: len(matrix)])
    for unit in zip(*matrix, strict=True):
        codes.add(unit)
    return codes


def their_alpha(matrix: Matrix) -> float | None:
    """The krippendorff package's nominal alpha; None where it finds it undefined (it raises
    or returns nan)."""
    domain = sorted({code for row in matrix for code in row if code is not None}, key=str)
    index = {code: number for number, code in enumerate(domain)}
    data = [[np.nan if code is None else index[code] for code in row] for row in matrix]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            value = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
        except ValueError:  # one code in the whole domain, or no unit with two codes
            return None
    return None if math.isnan(value) else float(value)


def their_kappa(first: Sequence[Hashable], second: Sequence[Hashable]) -> float | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = cohen_kappa_score([str(c) for c in first], [str(c) for c in second])
    return None if math.isnan(value) else float(value)


def co_coded(matrix: Matrix, first: int, second: int) -> tuple[list[Hashable], list[Hashable]]:
    pairs = [
        (a, b) for a, b in zip(matrix[first], matrix[second], strict=True) if None not in (a, b)
    ]
    return [a for a, _ in pairs], [b for _, b in pairs]


def assert_same(mine: float | None, theirs: float | None, tolerance: float = 1e-9) -> None:
    if theirs is None:
        assert mine is None
    else:
        assert mine is not None and mine == pytest.approx(theirs, abs=tolerance)


# Krippendorff's alpha, kappa and percent agreement on known data.


def test_alpha_of_krippendorffs_example_with_missing_codes() -> None:
    codes = nominal(KRIPPENDORFF_EXAMPLE)
    assert codes.alpha() == pytest.approx(0.691358, abs=1e-6)
    assert_same(codes.alpha(), their_alpha(KRIPPENDORFF_EXAMPLE))
    # Units with fewer than two codes do not count: the first, second and fourteenth.
    assert codes.units == 12


def test_kappa_per_pair_of_krippendorffs_example_matches_sklearn() -> None:
    codes = nominal(KRIPPENDORFF_EXAMPLE)
    for (first, second), pair in zip(combinations(range(3), 2), codes.pairs.values(), strict=True):
        mine = pair.kappa()
        assert_same(mine, their_kappa(*co_coded(KRIPPENDORFF_EXAMPLE, first, second)))
    # alice and bob coded units 6 to 8 together, alice and carol eight, bob and carol 3 to 7.
    assert [pair.units for pair in codes.pairs.values()] == [3, 8, 5]


def test_kappa_of_a_textbook_two_by_two_table() -> None:
    # 50 items: both yes 20, yes/no 5, no/yes 10, both no 15: p_o 0.7, p_e 0.5, kappa 0.4.
    first = ["yes"] * 25 + ["no"] * 25
    second = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    pair = PairCodes()
    for a, b in zip(first, second, strict=True):
        pair.add(a, b)
    assert pair.kappa() == pytest.approx(0.4)
    assert_same(pair.kappa(), their_kappa(first, second))
    assert pair.agreement() == pytest.approx(0.7)


def test_percent_agreement_counts_matching_pairs_of_codes_on_each_unit() -> None:
    # Unit 1: three codes, a a b: 1 of 3 pairs match; unit 2: a a: 1 of 1; unit 3: one code.
    codes = nominal([["a", "a", "x"], ["a", "a", None], ["b", None, None]])
    assert codes.agreement() == pytest.approx(2 / 4)
    assert codes.units == 2


def test_perfect_agreement() -> None:
    matrix = [["a", "b", "c", "a"], ["a", "b", "c", "a"], ["a", "b", None, "a"]]
    codes = nominal(matrix)
    assert codes.alpha() == 1.0 == their_alpha(matrix)
    assert codes.agreement() == 1.0
    assert all(pair.kappa() == 1.0 and pair.agreement() == 1.0 for pair in codes.pairs.values())


def test_a_constant_item_has_no_alpha_and_no_kappa() -> None:
    """Every code the same (a theme nobody chose): expected disagreement is 0, alpha and kappa
    0/0. The packages raise or give nan; we give None, shown as null and n/a."""
    matrix = [[False, False, False], [False, False, False]]
    codes = nominal(matrix)
    assert codes.alpha() is None
    assert their_alpha(matrix) is None
    pair = next(iter(codes.pairs.values()))
    assert pair.kappa() is None
    assert their_kappa(matrix[0], matrix[1]) is None
    assert codes.agreement() == 1.0 == pair.agreement()


def test_constant_where_paired_though_other_codes_stand_alone() -> None:
    # The lone "b" is on a unit nobody else coded: it does not count, so no variation is left.
    matrix = [["a", "a", "b"], ["a", "a", None]]
    assert nominal(matrix).alpha() is None
    assert their_alpha(matrix) is None


def test_a_pair_that_never_coded_a_unit_together_has_no_figures() -> None:
    codes = nominal([["a", None], [None, "a"], ["a", "a"]])
    alice_bob = codes.pairs["alice", "bob"]
    assert (alice_bob.units, alice_bob.kappa(), alice_bob.agreement()) == (0, None, None)


def test_alpha_does_not_depend_on_the_order_of_units() -> None:
    matrix = KRIPPENDORFF_EXAMPLE
    reversed_matrix = [list(reversed(row)) for row in matrix]
    assert nominal(matrix).alpha() == nominal(reversed_matrix).alpha()


codings = st.integers(2, 4).flatmap(
    lambda coders: st.integers(1, 25).flatmap(
        lambda units: st.lists(
            st.lists(st.sampled_from(["a", "b", "c", None]), min_size=units, max_size=units),
            min_size=coders,
            max_size=coders,
        )
    )
)


@settings(max_examples=300, deadline=None)
@given(codings)
def test_alpha_equals_krippendorffs_on_random_codings(matrix: list[list[str | None]]) -> None:
    assert_same(nominal(matrix, ("a1", "a2", "a3", "a4")).alpha(), their_alpha(matrix))


@settings(max_examples=300, deadline=None)
@given(codings)
def test_kappa_equals_sklearns_on_random_codings(matrix: list[list[str | None]]) -> None:
    codes = nominal(matrix, ("a1", "a2", "a3", "a4"))
    for (first, second), pair in zip(
        combinations(range(len(matrix)), 2), codes.pairs.values(), strict=True
    ):
        a, b = co_coded(matrix, first, second)
        if a:
            assert_same(pair.kappa(), their_kappa(a, b))
            assert pair.agreement() == sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


@settings(max_examples=200, deadline=None)
@given(codings)
def test_percent_agreement_is_the_share_of_matching_pairs(matrix: list[list[str | None]]) -> None:
    agreeing = pairs = 0
    for unit in zip(*matrix, strict=True):
        present = [code for code in unit if code is not None]
        for a, b in combinations(present, 2):
            pairs += 1
            agreeing += a == b
    mine = nominal(matrix, ("a1", "a2", "a3", "a4")).agreement()
    assert mine == (agreeing / pairs if pairs else None)


# Spans.


def span(start: int, end: int, label: str = "PER") -> Span:
    return Span(start, end, label, "x" * (end - start))


def test_scores_of_matched_spans() -> None:
    assert scores(4, 5, 2, 3) == (0.5, 0.6, pytest.approx(2 * 0.5 * 0.6 / 1.1))
    # Exact matching: 3 of 4 and 3 of 6 make F1 2 * 3 / (4 + 6).
    assert scores(4, 6, 3, 3).f1 == pytest.approx(0.6)
    assert scores(3, 3, 0, 0) == (0.0, 0.0, 0.0)


def test_scores_when_one_or_both_made_no_span() -> None:
    assert scores(0, 3, 0, 0) == (None, 0.0, 0.0)
    assert scores(2, 0, 0, 0) == (0.0, None, 0.0)
    assert scores(0, 0, 0, 0) == (None, None, None)


def test_pair_spans_exact_and_overlapping_per_label() -> None:
    pair = PairSpans()
    first = [span(0, 5), span(10, 15, "ORG"), span(20, 25), span(40, 45, "LOC")]
    second = [span(0, 5), span(12, 18, "ORG"), span(22, 24, "ORG"), span(30, 35)]
    pair.add(stretches(first), stretches(second))
    assert pair.labels["PER"] == SpanCounts(2, 2, 1, 1, 1)
    # ORG 10-15 overlaps 12-18; 22-24 overlaps only a PER span, which does not count.
    assert pair.labels["ORG"] == SpanCounts(1, 2, 0, 1, 1)
    assert pair.labels["LOC"] == SpanCounts(1, 0, 0, 0, 0)
    overall = pair.overall()
    assert overall == SpanCounts(4, 4, 1, 2, 2)
    assert overall.exact_scores() == (0.25, 0.25, 0.25)
    assert overall.overlap_scores() == (0.5, 0.5, 0.5)


def test_a_long_span_overlapping_two_short_ones_matches_all_three() -> None:
    pair = PairSpans()
    pair.add(stretches([span(0, 20)]), stretches([span(0, 5), span(8, 12)]))
    assert pair.labels["PER"] == SpanCounts(1, 2, 0, 1, 2)
    assert pair.overall().overlap_scores() == (1.0, 1.0, 1.0)


def test_a_span_made_twice_counts_once() -> None:
    pair = PairSpans()
    pair.add(stretches([span(0, 5), span(0, 5)]), stretches([span(0, 5)]))
    assert pair.labels["PER"] == SpanCounts(1, 1, 1, 1, 1)


intervals = st.lists(
    st.tuples(st.integers(0, 40), st.integers(1, 8), st.sampled_from(["PER", "ORG"])).map(
        lambda t: span(t[0], t[0] + t[1], t[2])
    ),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(intervals, intervals)
def test_span_counts_against_a_direct_count(first: list[Span], second: list[Span]) -> None:
    pair = PairSpans()
    pair.add(stretches(first), stretches(second))
    mine, theirs = set(first), set(second)  # spans compare by start, end and label
    total = pair.overall()
    assert (total.first, total.second, total.exact) == (len(mine), len(theirs), len(mine & theirs))
    assert total.first_overlapping == sum(
        any(a.label == b.label and a.overlaps(b) for b in theirs) for a in mine
    )
    assert total.second_overlapping == sum(
        any(a.label == b.label and a.overlaps(b) for a in mine) for b in theirs
    )


@settings(max_examples=200, deadline=None)
@given(intervals, intervals)
def test_swapping_the_reference_swaps_precision_and_recall(
    first: list[Span], second: list[Span]
) -> None:
    forward, backward = PairSpans(), PairSpans()
    forward.add(stretches(first), stretches(second))
    backward.add(stretches(second), stretches(first))
    ahead, behind = forward.overall(), backward.overall()
    for mine, theirs in (
        (ahead.exact_scores(), behind.exact_scores()),
        (ahead.overlap_scores(), behind.overlap_scores()),
    ):
        assert (mine.precision, mine.recall) == (theirs.recall, theirs.precision)
        assert_same(mine.f1, theirs.f1, 1e-12)
    # Every exact match overlaps: the lenient F1 is never below the strict one.
    exact, overlap = ahead.exact_scores().f1, ahead.overlap_scores().f1
    assert exact is None or exact <= overlap + 1e-12


# Articles.


def annotation(
    article_id: str,
    spans: Sequence[Span] = (),
    themes: Sequence[str] = (),
    activity: Sequence[str] = (),
    status: Status = Status.DONE,
    text_sha: str = "sha",
) -> Annotation:
    made = Annotation(article_id, text_sha, tuple(spans), status=status)
    return made.with_doc_labels("themes", themes).with_doc_labels("activity", activity)


def item(agreement: Agreement, group: str, value: str | None = None) -> NominalAgreement:
    return next(i.codes for i in agreement.items if (i.group, i.value) == (group, value))


def test_articles_coded_into_items_with_missing_coders() -> None:
    agreement = Agreement(CODERS, SCHEME)
    agreement.add(
        "a1",
        {
            "alice": annotation("a1", themes=["KAMTIBMAS"], activity=["SAMBANG"]),
            "bob": annotation("a1", themes=["KAMTIBMAS", "ANTI_HOAX"], activity=["SAMBANG"]),
        },
    )
    agreement.add(
        "a2",
        {
            "alice": annotation("a2", activity=["DIALOG"]),
            "bob": annotation("a2", themes=["ANTI_HOAX"]),
            "carol": annotation("a2", activity=["DIALOG"]),
        },
    )
    # Each value of a multi-choice group is chosen or not; carol has no code on a1.
    hoax = item(agreement, "themes", "ANTI_HOAX")
    assert hoax.rows == {(False, True, None): 1, (False, True, False): 1}
    assert_same(hoax.alpha(), their_alpha([[False, False], [True, True], [None, False]]))
    # A single-choice group left empty is a code of its own, unlike an article not finished.
    activity = item(agreement, "activity")
    matrix = [["SAMBANG", "DIALOG"], ["SAMBANG", "(none)"], [None, "DIALOG"]]
    assert_same(activity.alpha(), their_alpha(matrix))
    assert activity.pairs["alice", "bob"].agreed == 1
    assert item(agreement, "themes", "NETRALITAS").alpha() is None


def test_articles_worst_first_with_disagreements_as_compare_counts_them() -> None:
    agreement = Agreement(CODERS, SCHEME)
    same = annotation("calm", [span(0, 4)], ["KAMTIBMAS"])
    agreement.add("calm", {"alice": same, "carol": same})
    agreement.add(
        "b-split",
        {"alice": annotation("b-split", [span(0, 4)]), "bob": annotation("b-split", [span(0, 5)])},
    )
    agreement.add(
        "a-split",
        {
            "alice": annotation("a-split", [span(0, 4)], activity=["SAMBANG"]),
            "bob": annotation("a-split", [span(0, 5)]),
        },
    )
    assert [(row.article_id, row.disagreements) for row in agreement.worst_first()] == [
        ("a-split", 3),
        ("b-split", 2),
        ("calm", 0),
    ]
    assert agreement.worst_first()[-1].annotators == ("alice", "carol")


def test_an_article_annotated_on_different_texts_is_left_out() -> None:
    agreement = Agreement(CODERS, SCHEME)
    agreement.add(
        "edited",
        {"alice": annotation("edited"), "bob": annotation("edited", text_sha="other")},
    )
    assert agreement.texts_differ == ["edited"]
    assert agreement.articles == []
    assert item(agreement, "activity").units == 0


def test_labels_in_scheme_order_then_unknown_ones() -> None:
    agreement = Agreement(CODERS, SCHEME)
    spans = [span(0, 2, "ZZZ"), span(3, 4, "LOC"), span(5, 6, "PER"), span(7, 8, "AAA")]
    agreement.add("a1", {"alice": annotation("a1", spans), "bob": annotation("a1")})
    assert agreement.labels() == ["PER", "LOC", "AAA", "ZZZ"]


def test_json_shape_sorted_and_undefined_as_null() -> None:
    agreement = Agreement(CODERS[:2], SCHEME)
    agreement.add(
        "a1",
        {
            "alice": annotation("a1", [span(0, 4)], activity=["SAMBANG"]),
            "bob": annotation("a1", [span(0, 4), span(6, 9, "ORG")], activity=["SAMBANG"]),
        },
    )
    data = orjson.loads(orjson.dumps(agreement.to_json(), option=orjson.OPT_SORT_KEYS))
    assert set(data) == {
        "annotators",
        "only",
        "articles_compared",
        "texts_differ",
        "spans",
        "groups",
        "articles",
    }
    (pair,) = data["spans"]
    assert pair["annotators"] == ["alice", "bob"] and pair["reference"] == "bob"
    assert pair["all"] == {
        "spans": {"alice": 1, "bob": 2},
        "exact": {
            "precision": 1.0,
            "recall": 0.5,
            "f1": pytest.approx(2 / 3),
            "matched": {"alice": 1, "bob": 1},
        },
        "overlap": {
            "precision": 1.0,
            "recall": 0.5,
            "f1": pytest.approx(2 / 3),
            "matched": {"alice": 1, "bob": 1},
        },
    }
    assert pair["labels"]["ORG"]["exact"] == {
        "precision": None,
        "recall": 0.0,
        "f1": 0.0,
        "matched": {"alice": 0, "bob": 0},
    }
    activity = next(g for g in data["groups"] if g["group"] == "activity")
    assert activity == {
        "group": "activity",
        "value": None,
        "choice": "single",
        "units": 1,
        "alpha": None,
        "agreement": 1.0,
        "pairs": [{"annotators": ["alice", "bob"], "articles": 1, "kappa": None, "agreement": 1.0}],
    }
    assert data["articles"] == [{"id": "a1", "disagreements": 1, "annotators": ["alice", "bob"]}]


# Reading the stores.


def make_stores(folder: Path, work: dict[str, list[Annotation]]) -> None:
    for name, made_by in work.items():
        with Store.open(folder, name) as store:
            for made in made_by:
                store.save(made)


def measured(folder: Path, names: Sequence[str], only: str = "done") -> Agreement:
    stores = [Store.open(folder, name, read_only=True) for name in names]
    try:
        return measure(stores, SCHEME, only)
    finally:
        for store in stores:
            store.close()


def test_measure_compares_the_articles_two_or_more_finished(tmp_path: Path) -> None:
    make_stores(
        tmp_path,
        {
            "alice": [annotation("a1", [span(0, 3)]), annotation("a2"), annotation("a3")],
            "bob": [
                annotation("a1", [span(0, 3)]),
                annotation("a2", status=Status.IN_PROGRESS),
                annotation("a4"),
            ],
            "carol": [annotation("a2", [span(1, 2)]), annotation("a4", status=Status.SKIPPED)],
        },
    )
    done = measured(tmp_path, CODERS)
    assert {row.article_id: row.annotators for row in done.articles} == {
        "a1": ("alice", "bob"),
        "a2": ("alice", "carol"),
    }
    assert done.spans["alice", "bob"].articles == 1
    assert done.spans["bob", "carol"].articles == 0
    every = measured(tmp_path, CODERS, "all")
    assert {row.article_id: row.annotators for row in every.articles} == {
        "a1": ("alice", "bob"),
        "a2": ("alice", "bob", "carol"),
        "a4": ("bob", "carol"),
    }


def test_measure_all_leaves_out_records_with_no_work_in_them(tmp_path: Path) -> None:
    untouched = Annotation("a1", "sha", status=Status.TODO).reject(span(0, 2))
    make_stores(
        tmp_path,
        {"alice": [annotation("a1", status=Status.IN_PROGRESS)], "bob": [untouched]},
    )
    assert measured(tmp_path, CODERS[:2], "all").articles == []


def test_measure_reads_every_article_across_many_shards(tmp_path: Path) -> None:
    ids = [f"n{number:04d}" for number in range(300)]
    make_stores(
        tmp_path,
        {
            "alice": [annotation(i, [span(0, 3)], activity=["SAMBANG"]) for i in ids],
            "bob": [
                annotation(i, [span(0, 3 + (n % 3 == 0))], activity=["SAMBANG"])
                for n, i in enumerate(ids)
            ],
        },
    )
    agreement = measured(tmp_path, CODERS[:2])
    assert len(agreement.articles) == 300
    assert agreement.spans["alice", "bob"].overall() == SpanCounts(300, 300, 200, 300, 300)
    assert sum(row.disagreements for row in agreement.articles) == 200


def test_measure_is_right_with_a_store_sharded_otherwise(tmp_path: Path) -> None:
    """Records are read shard by shard of every store at once; a store with another number of
    shards holds an article in another shard, which must only make its records wait longer."""
    from cooltui.store import write_manifest

    (tmp_path / "bob").mkdir()
    write_manifest(tmp_path / "bob", "bob", 7)
    ids = [f"n{number:03d}" for number in range(60)]
    make_stores(
        tmp_path,
        {
            "alice": [annotation(i, [span(0, 3)]) for i in ids],
            "bob": [annotation(i, [span(0, 3 + (n % 2))]) for n, i in enumerate(ids)],
        },
    )
    agreement = measured(tmp_path, CODERS[:2])
    assert len(agreement.articles) == 60
    assert agreement.spans["alice", "bob"].overall() == SpanCounts(60, 60, 30, 60, 60)
