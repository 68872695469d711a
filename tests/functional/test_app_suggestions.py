"""Suggestions in the app: shown apart from spans, accepted with Enter or A, rejected with x."""

from __future__ import annotations

import json
from pathlib import Path

from cooltui.cli import main
from cooltui.settings import Settings
from cooltui.store import Store
from cooltui.tui.app import CoolApp, build_app
from cooltui.tui.reader import Reader

FIRST = "000_368710ebfebd31c9"


def make_app(tmp_path: Path, seeds: Path, patterns: tuple[Path, ...] = ()) -> CoolApp:
    settings = Settings.resolve(corpus=[seeds], store=tmp_path / "ann", annotator="sugi")
    return build_app(settings, patterns=patterns)


def cursor_on(app: CoolApp, phrase: str) -> None:
    reader = app.query_one(Reader)
    reader.move_to(reader.text.index(phrase))


def offered(app: CoolApp) -> dict[str, str]:
    return {span.text: span.label for span in app.query_one(Reader).suggestions}


async def test_suggestions_are_shown_apart_and_enter_accepts_one(tmp_path, seeds):
    app = make_app(tmp_path, seeds)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert offered(app)["Kompol"] == "RANK"
        assert app.annotation.spans == ()  # suggestions are not spans until accepted
        cursor_on(app, "Kompol")
        await pilot.pause()
        assert "suggested RANK: Kompol" in str(app.query_one(Reader).border_subtitle)
        await pilot.press("enter")
        (span,) = app.annotation.spans
        assert (span.text, span.label, span.source.startswith("rule:")) == ("Kompol", "RANK", True)
        assert "Kompol" not in offered(app)  # it is a span now
    app.store.close()
    with Store.open(tmp_path / "ann", "sugi", read_only=True) as store:
        assert [(s.text, s.source) for s in store.get(FIRST).spans] == [("Kompol", span.source)]


async def test_rejected_suggestions_do_not_come_back(tmp_path, seeds):
    app = make_app(tmp_path, seeds)
    async with app.run_test(size=(120, 40)) as pilot:
        cursor_on(app, "Wan Mantazakka")
        await pilot.press("x")
        assert "Wan Mantazakka" not in offered(app)
        assert [s.text for s in app.annotation.rejected] == ["Wan Mantazakka"]
        await pilot.press("q")
    app.store.close()
    again = make_app(tmp_path, seeds)
    async with again.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert again.article.id == FIRST
        assert "Wan Mantazakka" not in offered(again) and "Kompol" in offered(again)
    again.store.close()


async def test_a_label_key_on_a_suggestion_takes_its_whole_stretch(tmp_path, seeds):
    app = make_app(tmp_path, seeds)
    async with app.run_test(size=(120, 40)) as pilot:
        cursor_on(app, "Minas Timur")  # inside the suggested LOC "Kampung Minas Timur"
        await pilot.press("f")  # the annotator says it is a FAC
        (span,) = app.annotation.spans
        assert (span.text, span.label, span.source) == ("Kampung Minas Timur", "FAC", "manual")
    app.store.close()


async def test_accept_all_is_one_undo_step_and_reaches_the_export(tmp_path, seeds, capsys):
    app = make_app(tmp_path, seeds)
    async with app.run_test(size=(120, 40)) as pilot:
        cursor_on(app, "Wan Mantazakka")
        await pilot.press("x")  # rejected first: accept all leaves it out
        count = len(app.query_one(Reader).suggestions)
        await pilot.press("A")
        assert len(app.annotation.spans) == count > 10
        assert "Wan Mantazakka" not in {s.text for s in app.annotation.spans}
        await pilot.press("u")
        assert app.annotation.spans == ()
        assert len(app.query_one(Reader).suggestions) == count
        await pilot.press("U", "1", "a")  # redo, a theme, done
        await pilot.press("q")
    app.store.close()
    out = tmp_path / "out.jsonl"
    args = ["export", "--store", str(tmp_path / "ann"), "--annotator", "sugi", "-o", str(out)]
    assert main(args) == 0
    (record,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert record["id"] == FIRST and len(record["spans"]) == count
    assert {"text": "Kompol", "label": "RANK"}.items() <= next(
        s for s in record["spans"] if s["text"] == "Kompol"
    ).items()
    assert record["themes"] == ["KAMTIBMAS"]


async def test_suggestions_can_be_hidden_and_themes_are_marked(tmp_path, seeds):
    app = make_app(tmp_path, seeds)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        sidebar_text = "\n".join(app.query_one("#sidebar-group-themes").lines)
        assert "✦" in sidebar_text  # KAMTIBMAS and others are suggested by their cue words
        await pilot.press("S")
        assert offered(app) == {}
        cursor_on(app, "Kompol")
        await pilot.press("enter")
        assert app.annotation.spans == ()
        await pilot.press("S")
        assert offered(app)
    app.store.close()


async def test_user_patterns_add_suggestions(tmp_path, seeds):
    patterns = tmp_path / "mine.jsonl"
    patterns.write_text('{"label": "EVENT", "pattern": "pesta demokrasi"}\n', encoding="utf-8")
    app = make_app(tmp_path, seeds, (patterns,))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert offered(app)["pesta demokrasi"] == "EVENT"
    app.store.close()
