"""A changed text in the app: the spans that could not be found again wait for review, and the
keyboard alone resolves them until the article can be exported again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cooltui.cli import main
from cooltui.corpus import load_corpus
from cooltui.edits import label_range
from cooltui.model import Status
from cooltui.scheme import load_scheme
from cooltui.session import NotDoneYet, Session
from cooltui.settings import Settings
from cooltui.store import Store
from cooltui.suggest import Suggester
from cooltui.tui.app import CoolApp, TopBar, build_app
from cooltui.tui.article_list import STATUS_MARKS, ArticleList
from cooltui.tui.reader import Reader, ReviewWarning

FIRST, SECOND = "000_368710ebfebd31c9", "001_77e9b59e62f45c1c"


def app_on(corpus: Path, store: Path) -> CoolApp:
    return build_app(Settings.resolve(corpus=[corpus], store=store, annotator="rev"))


@pytest.fixture
def changed(tmp_path: Path, seeds: Path) -> tuple[Path, Path]:
    """FIRST done with "Kanit Provos" (ROLE) and "Polsek Minas" (ORG), SECOND untouched; then
    FIRST's text gains a first line and "Kanit Provos" becomes "Kanit Propam"."""
    corpus, store = tmp_path / "corpus", tmp_path / "ann"
    corpus.mkdir()
    text = (seeds / f"{FIRST}.txt").read_text(encoding="utf-8")
    (corpus / f"{FIRST}.txt").write_text(text, encoding="utf-8")
    (corpus / f"{SECOND}.txt").write_bytes((seeds / f"{SECOND}.txt").read_bytes())
    scheme = load_scheme()
    session = Session(load_corpus([corpus]), Store.open(store, "rev"), Suggester(scheme))
    session.open(FIRST)
    for word, label in (("Kanit Provos", "ROLE"), ("Polsek Minas", "ORG")):
        start = text.index(word)
        end = start + len(word)
        session.edit(lambda a, s=start, e=end, lab=label: label_range(a, text, s, e, lab, scheme))
    with pytest.raises(NotDoneYet):  # suggestions are still open: asked once
        session.finish(Status.DONE)
    session.finish(Status.DONE)
    session.store.close()
    changed_text = "Judul baru\n\n" + text.replace("Kanit Provos", "Kanit Propam")
    (corpus / f"{FIRST}.txt").write_text(changed_text, encoding="utf-8")
    return corpus, store


def selected(app: CoolApp) -> str:
    reader = app.query_one(Reader)
    start, end = reader.selected_range
    return reader.text[start:end]


def first_row(app: CoolApp) -> str:
    """The list's first row as painted."""
    listed = app.query_one(ArticleList)
    return listed.render_lines(listed.content_region.translate(-listed.region.offset))[0].text


def exported(tmp_path: Path, corpus: Path, store: Path) -> list[str]:
    out = tmp_path / "out.jsonl"
    args = ["export", "--corpus", str(corpus), "--store", str(store), "--annotator", "rev"]
    if main([*args, "-o", str(out)]) != 0:  # every done article left out: nothing written
        return []
    return [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 50)])
async def test_the_warning_is_whole_at_every_size_and_names_the_keys(changed, size):
    app = app_on(*changed)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert app.article.id == FIRST  # flagged: the first unfinished article
        warning = app.query_one(ReviewWarning)
        assert warning.display and warning.region.height >= 1
        shown = " ".join(str(warning.render()).split())
        assert shown.startswith("⚠ The text changed: 1 span could not be found again")
        assert "tab goes to each; ⏎ puts it at the proposed place" in shown
        assert "x drops it." in shown
        # Whole: as many lines as the text needs at this width, and all of them on screen.
        assert warning.region.height == warning.get_content_height(
            warning.region.size, warning.region.size, warning.region.width
        )
        assert app.screen.region.contains_region(warning.region)
    app.store.close()


async def test_tab_then_enter_places_it_and_the_article_is_done_and_exported_again(
    tmp_path, changed
):
    corpus, store = changed
    assert exported(tmp_path, corpus, store) == []  # waiting for review: left out
    app = app_on(corpus, store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "0 of 2 done" in str(app.query_one(TopBar).render())
        # Re-anchored at once: flagged, and no longer marked changed (!) since nothing else is.
        assert first_row(app)[1:3] == f"{STATUS_MARKS[Status.FLAGGED]} "
        await pilot.press("ctrl+home", "tab")
        # Tab visits the spans and the one waiting, in text order: Polsek Minas comes first.
        assert selected(app) == "Polsek Minas"
        await pilot.press("tab")
        assert selected(app) == "Kanit Propam"  # the proposed place
        assert "needs review ROLE" in str(app.query_one(Reader).border_subtitle)
        await pilot.press("enter")
        await pilot.pause()
        assert not app.query_one(ReviewWarning).display
        stored = app.store.get(FIRST)
        assert stored is not None and stored.review == () and stored.status is Status.DONE
        assert "Kanit Propam" in {s.text for s in stored.spans}
        # The list, as painted: done (✓) and no longer marked changed (!).
        assert first_row(app)[1:3] == f"{STATUS_MARKS[Status.DONE]} "
        assert "1 of 2 done" in str(app.query_one(TopBar).render())
        await pilot.press("q")
    app.store.close()
    assert exported(tmp_path, corpus, store) == [FIRST]


async def test_x_drops_it_and_a_label_key_places_it_on_a_selection(tmp_path, changed):
    corpus, store = changed
    app = app_on(corpus, store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        reader = app.query_one(Reader)
        await pilot.press("ctrl+home", "tab", "tab")  # to the one waiting
        # Select just "Kanit" instead and press its label's key (j, ROLE).
        start = reader.text.index("Kanit Propam")
        reader.select_range(start, start + len("Kanit"))
        await pilot.press("j")
        stored = app.store.get(FIRST)
        assert stored is not None and stored.review == ()
        assert ("Kanit", "ROLE", "manual") in {(s.text, s.label, s.source) for s in stored.spans}
        await pilot.press("u")  # one undo: waiting again, flagged again
        assert len(app.annotation.review) == 1 and app.annotation.status is Status.FLAGGED
        assert app.query_one(ReviewWarning).display
        await pilot.press("ctrl+home", "tab", "tab", "x")
        stored = app.store.get(FIRST)
        assert stored is not None and stored.review == () and stored.status is Status.DONE
        assert [s.text for s in stored.spans] == ["Polsek Minas"]
    app.store.close()


async def test_a_second_change_does_not_duplicate_what_waits(tmp_path, changed):
    corpus, store = changed
    app = app_on(corpus, store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("q")
    app.store.close()
    path = corpus / f"{FIRST}.txt"
    path.write_text("Baris lain\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    app = app_on(corpus, store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert [s.text for s in app.annotation.review] == ["Kanit Provos"]
        assert app.sidebar.review.lines[0] == "needs review (1)"
    app.store.close()


async def test_x_on_another_span_near_the_one_waiting_removes_that_span(changed):
    app = app_on(*changed)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        reader = app.query_one(Reader)
        near = reader.text.index("Intelkam", reader.text.index("Kanit Propam"))
        reader.move_to(near)
        await pilot.press("o")  # an ORG span in the same paragraph
        while app.focused_review is None:
            await pilot.press("tab")  # to the one waiting: "Kanit Propam"
        reader.move_to(near + 1)
        await pilot.press("x")
        assert "Intelkam" not in {s.text for s in app.annotation.spans}  # that span went
        assert len(app.annotation.review) == 1  # the one waiting still waits
    app.store.close()
