"""Review mode (`cooltui review`): two annotators' work adjudicated into a gold store, by keys."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest

from cooltui.cli import main
from cooltui.corpus import Corpus, load_corpus
from cooltui.model import Annotation, Span, Status
from cooltui.settings import Settings
from cooltui.store import Store
from cooltui.team.review import Review, ReviewError, ReviewSession
from cooltui.text import tokenize
from cooltui.tui.app import CoolApp, build_app
from cooltui.tui.pickers import AnnotatorPicker
from cooltui.tui.reader import Reader

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def spans_on(article, picks) -> tuple[Span, ...]:
    text, tokens = article.text, tokenize(article.text)
    return tuple(
        Span(tokens[a].start, tokens[b].end, label, text[tokens[a].start : tokens[b].end])
        for label, a, b in picks
    )


def done(article, picks, themes) -> Annotation:
    made = Annotation(article.id, article.text_sha, spans_on(article, picks), status=Status.DONE)
    return made.with_doc_labels("themes", themes)


@pytest.fixture
def corpus() -> Corpus:
    return load_corpus([SEEDS], cache=False)


@pytest.fixture
def stores(tmp_path: Path, corpus: Corpus) -> Path:
    """alice finished every seed, bob the first three: they agree on ORG and KAMTIBMAS, and
    differ on EVENT's extent, alice's LOC, bob's PER and bob's PERSATUAN."""
    folder = tmp_path / "ann"
    articles = list(corpus)
    with Store.open(folder, "alice") as store:
        for article in articles:
            store.save(
                done(article, [("ORG", 2, 2), ("EVENT", 5, 6), ("LOC", 10, 11)], ["KAMTIBMAS"])
            )
    with Store.open(folder, "bob") as store:
        for article in articles[:3]:
            store.save(
                done(
                    article,
                    [("ORG", 2, 2), ("EVENT", 5, 5), ("PER", 14, 15)],
                    ["KAMTIBMAS", "PERSATUAN"],
                )
            )
    return folder


def make_app(stores: Path, corpus: Corpus, *, take_agreed: bool = True) -> CoolApp:
    settings = Settings.resolve(corpus=[SEEDS], store=stores, annotator="gold")
    review = Review.open(stores, ["alice", "bob"], corpus, "gold")
    return build_app(
        settings,
        corpus=review.corpus(corpus),
        make_session=partial(ReviewSession, review=review, take_agreed=take_agreed),
    )


def gold(stores: Path) -> dict[str, Annotation]:
    with Store.open(stores, "gold", read_only=True) as store:
        return {a.article_id: a for a in store}


def top(app: CoolApp) -> str:
    return str(app.query_one("#top").content)


def selected(app: CoolApp) -> str:
    reader = app.query_one(Reader)
    start, end = reader.selected_range
    return reader.text[start:end]


# --- the review itself, headless ---------------------------------------------------------------


def test_only_articles_two_finished_are_reviewed_most_disagreements_first(stores, corpus):
    review = Review.open(stores, ["alice", "bob"], corpus, "gold")
    first_three = [article.id for article in list(corpus)[:3]]
    assert sorted(review.order) == sorted(first_three)
    counts = [review.comparison(i).disagreements for i in review.order]
    assert counts == sorted(counts, reverse=True)
    assert review.letters == {"alice": "a", "bob": "b"}


@pytest.mark.parametrize(
    ("names", "gold_name", "message"),
    [
        (["alice", "carol"], "gold", "no store for carol"),
        (["alice", "alice"], "gold", "two or more names"),
        (["alice", "bob"], "alice", "must not be one of the annotators'"),
    ],
)
def test_a_review_that_cannot_start_says_why(stores, corpus, names, gold_name, message):
    with pytest.raises(ReviewError, match=message):
        Review.open(stores, names, corpus, gold_name)


def test_the_command_refuses_when_nothing_is_finished_by_two(tmp_path, corpus, capsys):
    folder = tmp_path / "ann"
    article = next(iter(corpus))
    with Store.open(folder, "alice") as store:
        store.save(done(article, [("ORG", 2, 2)], []))
    with Store.open(folder, "bob") as store:
        pass
    args = ["review", "--annotators", "alice,bob", "--store", str(folder), "--corpus", str(SEEDS)]
    assert main(args) == 1
    assert "nothing to review" in capsys.readouterr().err


# --- in the app --------------------------------------------------------------------------------


async def test_what_both_made_is_taken_at_once_and_the_header_counts_disagreements(stores, corpus):
    app = make_app(stores, corpus)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        first = app.session.article.id
        taken = app.session.annotation
        assert [s.label for s in taken.spans] == ["ORG"]
        assert taken.spans[0].source == "agreed:alice+bob"
        assert taken.doc_labels["themes"] == ("KAMTIBMAS",)
        # Per article: EVENT twice (two extents), LOC, PER and PERSATUAN.
        assert "0 of 15 disagreements left" not in top(app)
        assert "15 of 15 disagreements left" in top(app)
    assert gold(stores)[first].spans[0].source == "agreed:alice+bob"


async def test_no_agreed_leaves_everything_to_review(stores, corpus):
    app = make_app(stores, corpus, take_agreed=False)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        assert app.session.annotation.spans == ()
    assert gold(stores) == {}


async def test_take_reject_next_and_undo_a_disagreement(stores, corpus):
    app = make_app(stores, corpus)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await pilot.press("full_stop")  # the first disagreement
        first = selected(app)
        assert "review:" in str(app.query_one(Reader).border_subtitle or "") + str(
            app.query_one(Reader).border_title or ""
        )
        await pilot.press("enter")  # taken
        annotation = app.session.annotation
        taken = [s for s in annotation.spans if s.text == first]
        assert taken and taken[0].source.startswith("review:")
        assert "14 of 15 disagreements left" in top(app)
        await pilot.press("x")  # the next one, turned down
        assert len(app.session.annotation.rejected) == 1
        assert "13 of 15 disagreements left" in top(app)
        await pilot.press("u")
        assert app.session.annotation.rejected == ()
        assert "14 of 15 disagreements left" in top(app)


async def test_w_takes_one_annotators_whole_article_and_undo_takes_it_back(stores, corpus):
    app = make_app(stores, corpus)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        article_id = app.session.article.id
        await pilot.press("W")
        assert isinstance(app.screen, AnnotatorPicker)
        await pilot.press("b")
        await pilot.pause()
        annotation = app.session.annotation
        assert sorted(s.label for s in annotation.spans) == ["EVENT", "ORG", "PER"]
        assert all(s.source == "review:bob" for s in annotation.spans)
        assert annotation.doc_labels["themes"] == ("KAMTIBMAS", "PERSATUAN")
        await pilot.press("u")
        assert [s.source for s in app.session.annotation.spans] == ["agreed:alice+bob"]
    assert [s.source for s in gold(stores)[article_id].spans] == ["agreed:alice+bob"]


async def test_done_settles_an_article_and_moves_to_the_next(stores, corpus):
    app = make_app(stores, corpus)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        first = app.session.article.id
        await pilot.press("a", "a")  # done asks once while disagreements are on offer
        await pilot.pause()
        assert app.session.article.id != first
        assert "10 of 15 disagreements left" in top(app)
        assert "1 of 3 done" in top(app)


async def test_the_sidebar_marks_who_chose_each_value(stores, corpus):
    from cooltui.tui.sidebar import SidebarRows

    app = make_app(stores, corpus)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        themes = app.query_one("#sidebar-group-themes", SidebarRows).lines
        assert any(line.startswith("ab") and "KAMTIBMAS" in line for line in themes)
        assert any(line.startswith("b ") and "PERSATUAN" in line for line in themes)
        offered = app.query_one("#sidebar-suggestions", SidebarRows).lines
        assert any(line.strip().startswith("a ") and "LOC" in line for line in offered)
        assert any(line.strip().startswith("b ") and "PER" in line for line in offered)


async def test_w_outside_a_review_does_nothing(tmp_path):
    settings = Settings.resolve(corpus=[SEEDS], store=tmp_path / "ann", annotator="solo")
    app = build_app(settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("W")
        assert not isinstance(app.screen, AnnotatorPicker)


async def test_agree_leaves_the_review_store_out_unless_named(stores, corpus, capsys):
    app = make_app(stores, corpus)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
    assert (stores / "gold" / "review.json").is_file()
    capsys.readouterr()
    assert main(["agree", "--store", str(stores), "--corpus", str(SEEDS), "--json"]) == 0
    captured = capsys.readouterr()
    assert "left out gold: a review's store" in captured.err
    assert '"gold"' not in captured.out
