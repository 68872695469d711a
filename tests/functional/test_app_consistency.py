"""The consistency queue in the app: K goes to a text labelled elsewhere and not here, L labels
every such occurrence in one edit that one undo takes back, I sets the text aside for good."""

from __future__ import annotations

from pathlib import Path

import pytest

from cooltui.corpus import load_corpus
from cooltui.model import Annotation, Span, Status
from cooltui.settings import Settings
from cooltui.store import Store
from cooltui.team.consistency import load_ignored
from cooltui.tui.app import CoolApp, build_app
from cooltui.tui.reader import Reader

TEXTS = {
    "a1": "Polisi hadir di Dumai hari ini.",
    "a2": "Warga Dumai senang. Kota Dumai aman.",
    "a3": "Dumai lagi, bukan Dumaian.",
}


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, Path]:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in TEXTS.items():
        (corpus / f"{name}.txt").write_text(text, encoding="utf-8")
    articles = {a.id: a for a in load_corpus([corpus], cache=False)}
    store = tmp_path / "ann"
    with Store.open(store, "ana") as opened:
        first = articles["a1"]
        start = first.text.index("Dumai")
        span = Span(start, start + 5, "LOC", "Dumai")
        opened.save(Annotation("a1", first.text_sha, (span,), status=Status.DONE))
        for name in ("a2", "a3"):
            article = articles[name]
            opened.save(
                Annotation(name, article.text_sha, note="dibaca", status=Status.IN_PROGRESS)
            )
    return corpus, store


def make_app(project: tuple[Path, Path]) -> CoolApp:
    corpus, store = project
    return build_app(Settings.resolve(corpus=[corpus], store=store, annotator="ana"))


def stored(store: Path) -> dict[str, list[tuple[str, str]]]:
    with Store.open(store, "ana", read_only=True) as opened:
        return {a.article_id: [(s.label, s.text) for s in a.spans] for a in opened}


def selected(app: CoolApp) -> str:
    reader = app.query_one(Reader)
    start, end = reader.selected_range
    return reader.text[start:end]


async def walk_ready(app: CoolApp, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_k_goes_to_an_unlabelled_occurrence_and_l_labels_all_in_one_undo(project):
    app = make_app(project)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        await pilot.press("K")
        await walk_ready(app, pilot)
        assert app.session.article.id in ("a2", "a3")
        assert selected(app) == "Dumai"
        said = [str(n.message) for n in app._notifications]
        assert any("'Dumai' is labelled LOC ×1 elsewhere, unlabelled here" in s for s in said), said
        await pilot.press("L")
        await pilot.pause()
        labelled = stored(project[1])
        assert labelled["a2"] == [("LOC", "Dumai"), ("LOC", "Dumai")]
        assert labelled["a3"] == [("LOC", "Dumai")]  # "Dumaian" is another word
        assert [s.label for s in app.session.annotation.spans] == ["LOC"] * len(
            labelled[app.session.article.id]
        )
        await pilot.press("u")
        await pilot.pause()
        said = [str(n.message) for n in app._notifications]
        assert any("and the same in 1 more article" in s for s in said), said
        assert stored(project[1])["a2"] == [] and stored(project[1])["a3"] == []
        assert app.session.annotation.spans == ()


async def test_a_label_key_labels_it_here_and_k_goes_on(project):
    app = make_app(project)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        await pilot.press("K")
        await walk_ready(app, pilot)
        first = app.session.article.id
        await pilot.press("l")  # LOC on the selection
        await pilot.press("K")
        await pilot.pause()
        assert selected(app) == "Dumai"
        assert stored(project[1])[first].count(("LOC", "Dumai")) == 1


async def test_i_sets_the_text_aside_for_good(project):
    app = make_app(project)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        await pilot.press("K")
        await walk_ready(app, pilot)
        await pilot.press("I")
        await pilot.press("K")
        await pilot.pause()
        said = [str(n.message) for n in app._notifications]
        assert any("no text labelled elsewhere is left unlabelled" in s for s in said), said
    assert load_ignored(project[1], "ana") == {"Dumai"}


async def test_l_before_k_says_what_to_do_first(project):
    app = make_app(project)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        await pilot.press("L")
        said = [str(n.message) for n in app._notifications]
        assert any("K first" in s for s in said)
