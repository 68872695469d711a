"""Suggestions brought in by `cooltui import --as-suggestions` (another tool's or a model's
predictions): merged with the rules' when an article opens, answered like them, and never taken
for the annotator's own work."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cooltui.corpus import load_corpus
from cooltui.model import SPAN_ORDER, Annotation, Span, Status
from cooltui.scheme import load_scheme
from cooltui.session import NotDoneYet, Session
from cooltui.store import Store
from cooltui.suggest import Suggester, Suggestions, ThemeSuggestion

FIRST, SECOND = "000_368710ebfebd31c9", "001_77e9b59e62f45c1c"
IMPORTED = "import:doccano"

PREDICTED = (
    ("lingkupperistiwa.com", "MEDIA"),  # the rules suggest the same span
    ("Polsek Minas", "ORG"),  # the same too
    ("Cooling System Silahturahmi Kamtibmas", "EVENT"),  # longer than the rules' "Cooling System"
    ("Minas Timur", "LOC"),  # inside the rules' first "Kampung Minas Timur"
    ("pesta demokrasi", "EVENT"),  # no rule suggests it
)
"""A model's spans on the first seed, each at the phrase's first occurrence."""

PREDICTED_VALUES = {"themes": ("KAMTIBMAS", "ANTI_POLITIK_UANG"), "activity": ("DIALOG",)}
"""A model's document labels on the first seed: the rules suggest KAMTIBMAS as well, neither
of the others."""


def at_first(text: str, phrase: str, label: str, source: str = IMPORTED) -> Span:
    start = text.index(phrase)
    return Span(start, start + len(phrase), label, phrase, source)


def predicted_spans(text: str) -> tuple[Span, ...]:
    return tuple(sorted((at_first(text, p, label) for p, label in PREDICTED), key=SPAN_ORDER))


# --- Suggestions.with_imported ------------------------------------------------------------------


def stretch(start: int, end: int, label: str, source: str) -> Span:
    return Span(start, end, label, "x" * (end - start), source)


def rules_spans() -> st.SearchStrategy[list[Span]]:
    """The rules' spans: never overlapping one another, as the suggester resolves them."""

    def between(cuts: list[int]) -> list[Span]:
        cuts = sorted(cuts)  # start, end, start, end...: an odd last cut starts nothing
        return [
            stretch(a, b, "ORG", "rule:ORG") for a, b in zip(cuts[::2], cuts[1::2], strict=False)
        ]

    return st.lists(st.integers(0, 80), unique=True, max_size=16).map(between)


def imported_spans() -> st.SearchStrategy[list[Span]]:
    return st.lists(
        st.builds(
            lambda start, length, label: stretch(start, start + length, label, IMPORTED),
            st.integers(0, 79),
            st.integers(1, 12),
            st.sampled_from(["ORG", "LOC"]),
        ),
        max_size=6,
        unique_by=lambda span: span.key,
    )


@settings(max_examples=300, deadline=None)
@given(rules=rules_spans(), imported=imported_spans())
def test_imported_spans_are_all_offered_and_win_over_the_rules_they_overlap(
    rules: list[Span], imported: list[Span]
) -> None:
    merged = Suggestions(tuple(rules), ()).with_imported(imported, {}).spans
    assert list(merged) == sorted(merged, key=SPAN_ORDER)
    from_import = [span for span in merged if span.source == IMPORTED]
    assert sorted(from_import, key=SPAN_ORDER) == sorted(imported, key=SPAN_ORDER)
    kept_rules = [span for span in merged if span.source != IMPORTED]
    clear = [span for span in rules if not any(span.overlaps(i) for i in imported)]
    assert kept_rules == clear  # none overlapping an imported span, none lost besides


def test_a_span_both_propose_comes_once_as_the_import_and_touching_ones_both_stay() -> None:
    rules = (stretch(0, 5, "ORG", "rule:ORG"), stretch(5, 9, "LOC", "rule:LOC"))
    merged = Suggestions(rules, ()).with_imported([stretch(0, 5, "ORG", IMPORTED)], {})
    assert [(s.key, s.source) for s in merged.spans] == [
        ((0, 5, "ORG"), IMPORTED),
        ((5, 9, "LOC"), "rule:LOC"),  # ends where the other starts: no overlap
    ]


def test_imported_document_labels_are_suggested_once_each() -> None:
    rules_theme = ThemeSuggestion("themes", "KAMTIBMAS", ("kamtibmas",))
    merged = Suggestions((), (rules_theme,)).with_imported((), PREDICTED_VALUES)
    assert merged.themes == (
        rules_theme,  # the rules' own, with the cue words that found it
        ThemeSuggestion("themes", "ANTI_POLITIK_UANG", ()),
        ThemeSuggestion("activity", "DIALOG", ()),
    )


# --- the session --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def suggester() -> Suggester:
    """The default scheme without the check before done (tested apart, with the default)."""
    return Suggester(replace(load_scheme(), check_done=False))


OpenSession = Callable[..., Session]


@pytest.fixture
def open_session(tmp_path: Path, seeds: Path, suggester: Suggester) -> Iterator[OpenSession]:
    """Open a session on `corpus` (the seeds) and alice's store; all closed at the end."""
    opened: list[Session] = []

    def open_(corpus: Path = seeds, with_suggester: Suggester = suggester) -> Session:
        store = Store.open(tmp_path / "ann", "alice")
        session = Session(load_corpus([corpus]), store, with_suggester)
        opened.append(session)
        return session

    yield open_
    for session in opened:
        session.store.close()


def save_predictions(folder: Path, corpus: Path, *ids: str) -> None:
    """alice's store as `import --as-suggestions` leaves it: the first seed's PREDICTED spans
    and values, and DIALOG alone for each of the other `ids`; nothing annotated."""
    articles = load_corpus([corpus])
    with Store.open(folder / "ann", "alice") as store:
        for article_id in (FIRST, *ids):
            article = articles.get(article_id)
            assert article is not None
            if article_id == FIRST:
                spans, values = predicted_spans(article.text), PREDICTED_VALUES
            else:
                spans, values = (), {"activity": ("DIALOG",)}
            store.save(Annotation(article.id, article.text_sha).with_suggestions(spans, values))


@pytest.fixture
def session(tmp_path: Path, seeds: Path, open_session: OpenSession) -> Session:
    """A session with the first seed open, on a store holding its imported suggestions."""
    save_predictions(tmp_path, seeds)
    session = open_session()
    session.open(FIRST)
    return session


def offered_at(session: Session) -> dict[tuple[int, int, str], str]:
    """The suggestions on offer, each as its key and its source."""
    return {span.key: span.source for span in session.offered()}


def test_opening_an_article_offers_the_imported_spans_over_the_rules(session: Session) -> None:
    assert session.article is not None
    text = session.article.text
    offered = offered_at(session)
    for phrase, label in PREDICTED:
        assert offered.get(at_first(text, phrase, label).key) == IMPORTED, phrase
    assert len([s for s in session.offered() if s.key == (29, 41, "ORG")]) == 1  # Polsek Minas
    for phrase, label in (("Cooling System", "EVENT"), ("Kampung Minas Timur", "LOC")):
        assert at_first(text, phrase, label).key not in offered, phrase  # overlapped: left out
    # The rules' others stay, the second "Kampung Minas Timur" too: no imported span is there.
    second_kampung = text.index("Kampung Minas Timur", text.index("Kampung Minas Timur") + 1)
    assert offered.get((second_kampung, second_kampung + 19, "LOC")) == "rule:LOC"
    assert offered.get(at_first(text, "Kompol", "RANK").key) == "rule:RANK"


def test_imported_document_labels_are_suggested_values(
    session: Session, suggester: Suggester
) -> None:
    assert session.article is not None
    by_rules = {(t.group, t.value) for t in suggester.suggest(session.article.text).themes}
    assert ("themes", "KAMTIBMAS") in by_rules
    assert not {("themes", "ANTI_POLITIK_UANG"), ("activity", "DIALOG")} & by_rules
    suggested = session.suggested_values()
    assert {("themes", "ANTI_POLITIK_UANG"), ("activity", "DIALOG")} <= suggested
    assert ("themes", "KAMTIBMAS") in suggested
    assert session.suggestions is not None
    themes = [(t.group, t.value) for t in session.suggestions.themes]
    assert themes.count(("themes", "KAMTIBMAS")) == 1


def test_accept_all_takes_the_imported_spans_and_values_in_one_edit_one_undo_takes_back(
    session: Session,
) -> None:
    assert session.article is not None
    on_offer = session.offered()
    assert session.accept_all() == (len(on_offer), len(session.suggested_values()))
    stored = session.store.get(FIRST)
    assert stored is not None and stored.spans == session.annotation.spans
    made = {span.key: span.source for span in stored.spans}
    for span in predicted_spans(session.article.text):
        assert made[span.key] == IMPORTED  # the source says where the span came from
    assert stored.doc_labels["activity"] == ("DIALOG",)
    assert {"KAMTIBMAS", "ANTI_POLITIK_UANG"} <= set(stored.doc_labels["themes"])
    session.undo()
    back = session.store.get(FIRST)
    assert back is not None and back.spans == () and not any(back.doc_labels.values())
    assert back.suggested == predicted_spans(session.article.text)  # the import itself stays
    assert session.offered() == on_offer


def test_a_rejected_imported_span_stays_rejected_when_the_article_is_opened_again(
    session: Session, open_session: OpenSession
) -> None:
    assert session.article is not None
    polsek = at_first(session.article.text, "Polsek Minas", "ORG")
    session.edit(lambda annotation: (annotation.reject(polsek), None))
    assert polsek.key not in offered_at(session)
    session.open(SECOND)
    session.open(FIRST)
    assert polsek.key not in offered_at(session)
    session.store.close()
    again = open_session()
    again.open(FIRST)
    assert polsek.key not in offered_at(again)  # neither the import's nor the rules' own
    stored = again.store.get(FIRST)
    assert stored is not None and [s.key for s in stored.rejected] == [polsek.key]
    assert polsek in stored.suggested  # the import is kept, with the annotator's answer to it
    assert "pesta demokrasi" in {s.text for s in again.offered()}  # the others are still open


def test_an_article_with_only_imported_suggestions_is_still_to_do(
    tmp_path: Path, seeds: Path, open_session: OpenSession
) -> None:
    save_predictions(tmp_path, seeds, SECOND)
    session = open_session()
    assert session.statuses.get(FIRST, Status.TODO) is Status.TODO
    assert session.statuses.get(SECOND, Status.TODO) is Status.TODO
    assert session.counts().done == 0
    assert session.first_article() == FIRST
    session.open(FIRST)
    assert session.finish(Status.DONE) == SECOND  # the next unfinished: it holds only an import
    article = session.corpus.get(SECOND)
    assert article is not None and session.row(article).status is Status.TODO


def test_done_is_asked_once_while_imported_suggestions_are_open(
    tmp_path: Path, seeds: Path, open_session: OpenSession
) -> None:
    save_predictions(tmp_path, seeds)
    checking = open_session(with_suggester=Suggester(load_scheme()))
    checking.open(FIRST)
    rules = [span for span in checking.offered() if span.source != IMPORTED]

    def reject_rules(annotation: Annotation) -> tuple[Annotation, None]:
        for suggestion in rules:
            annotation = annotation.reject(suggestion)
        return annotation, None

    checking.edit(reject_rules)
    with pytest.raises(NotDoneYet, match=f"^{len(PREDICTED)} suggestions still open"):
        checking.finish(Status.DONE)


def test_imported_suggestions_follow_the_text_when_it_changes(
    tmp_path: Path, seeds: Path, open_session: OpenSession
) -> None:
    """The corpus fetched again after the import, with a heading above the text: each imported
    span is offered where its words now are, never at its old offsets over other words."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = (seeds / f"{FIRST}.txt").read_text(encoding="utf-8")
    (corpus / f"{FIRST}.txt").write_text(text, encoding="utf-8")
    save_predictions(tmp_path, corpus)
    heading = "Judul baru\n\n"
    (corpus / f"{FIRST}.txt").write_text(heading + text, encoding="utf-8")
    session = open_session(corpus=corpus)
    opened = session.open(FIRST)
    assert opened is not None
    misplaced = [
        (span.text, opened.text[span.start : span.end])
        for span in session.offered()
        if opened.text[span.start : span.end] != span.text
    ]
    assert misplaced == []
    offered = offered_at(session)
    for phrase, label in PREDICTED:
        assert offered.get(at_first(opened.text, phrase, label).key) == IMPORTED, phrase
