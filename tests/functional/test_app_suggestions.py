"""Suggestions in the app: shown apart from spans, accepted with Enter or A, rejected with x."""

from __future__ import annotations

import json
from pathlib import Path

from cooltui.cli import main
from cooltui.scheme import default_scheme_path
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
        themes = sorted(v for g, v in app.session.suggested_values() if g == "themes")
        assert themes, "the first seed has suggested themes"
        await pilot.press("A")  # the spans and the suggested themes
        assert len(app.annotation.spans) == count > 10
        assert "Wan Mantazakka" not in {s.text for s in app.annotation.spans}
        assert sorted(app.annotation.doc_labels["themes"]) == themes
        await pilot.press("u")
        assert app.annotation.spans == () and not app.annotation.doc_labels.get("themes")
        assert len(app.query_one(Reader).suggestions) == count
        await pilot.press("U", "a")  # redo, done (nothing is left open: done at once)
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
    assert sorted(record["themes"]) == themes


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


def selected(app: CoolApp) -> str:
    reader = app.query_one(Reader)
    start, end = reader.selected_range
    return reader.text[start:end]


def said(app: CoolApp) -> str:
    return str(list(app._notifications)[-1].message)


async def test_full_stop_and_comma_step_through_the_suggestions_and_wrap(tmp_path, seeds):
    app = make_app(tmp_path, seeds)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        offered_ = app.session.offered()
        await pilot.press("full_stop")
        assert selected(app) == offered_[0].text
        subtitle = str(app.query_one(Reader).border_subtitle)
        assert f"suggested {offered_[0].label}: {offered_[0].text}" in subtitle
        await pilot.press("full_stop")
        assert selected(app) == offered_[1].text
        await pilot.press("comma", "comma")  # back to the first, then wraps to the last
        assert selected(app) == offered_[-1].text
        await pilot.press("full_stop")  # past the last: the first again
        assert selected(app) == offered_[0].text
    app.store.close()


async def test_enter_and_x_on_a_suggestion_go_on_to_the_next(tmp_path, seeds):
    app = make_app(tmp_path, seeds)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        first, second, third = app.session.offered()[:3]
        await pilot.press("full_stop", "enter")
        assert [(s.text, s.source) for s in app.annotation.spans] == [(first.text, first.source)]
        assert selected(app) == second.text
        await pilot.press("x")
        assert second in app.annotation.rejected
        assert selected(app) == third.text
        await pilot.press("p")  # a label key on a selected suggestion: that stretch, that label
        assert third.text in {s.text for s in app.annotation.spans}
    app.store.close()


async def test_x_on_an_accepted_suggestion_says_it_is_back_on_offer(tmp_path, seeds):
    app = make_app(tmp_path, seeds)
    async with app.run_test(size=(120, 40)) as pilot:
        cursor_on(app, "Kompol")
        await pilot.press("enter")
        cursor_on(app, "Kompol")
        await pilot.press("x")
        assert app.annotation.spans == ()
        assert said(app) == "RANK 'Kompol' is a suggestion again: x again rejects it"
        await pilot.press("x")
        assert [s.text for s in app.annotation.rejected] == ["Kompol"]
    app.store.close()


async def test_stepping_says_why_nothing_is_selected(tmp_path, seeds):
    app = make_app(tmp_path, seeds)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("S", "full_stop")
        assert said(app) == "suggestions are hidden: S shows them"
        await pilot.press("S", "A", "comma")
        assert said(app) == "no suggestions on offer in this article"
    app.store.close()


async def test_the_stepping_keys_are_remappable_and_in_the_help_and_palette(tmp_path, seeds):
    scheme = tmp_path / "scheme.toml"
    default = default_scheme_path().read_text(encoding="utf-8")
    scheme.write_text(default + '\n[keys]\nnext_suggestion = "ctrl+n"\n', encoding="utf-8")
    settings = Settings.resolve(
        corpus=[seeds], store=tmp_path / "ann", annotator="sugi", scheme=scheme
    )
    app = build_app(settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+n")
        assert selected(app) == app.session.offered()[0].text
        commands = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Next suggestion", "Previous suggestion"} <= commands
        await pilot.press("question_mark")
        await pilot.pause()
        help_text = "\n".join(str(w.render()) for w in app.screen.query("*"))
        assert "Next suggestion" in help_text and "Previous suggestion" in help_text
    app.store.close()
