"""What a small screen and a new user reach from the keyboard: every part of the sidebar, one
key per activity, and which store and corpus this is."""

from __future__ import annotations

from pathlib import Path

import pytest

from cooltui.settings import Settings
from cooltui.tui.app import CoolApp, TopBar, build_app
from cooltui.tui.help import HelpScreen
from cooltui.tui.sidebar import SidebarBody


def make_app(tmp_path: Path, seeds: Path) -> CoolApp:
    settings = Settings.resolve(corpus=[seeds], store=tmp_path / "ann", annotator="reach")
    return build_app(settings)


def in_view(app: CoolApp, widget_id: str) -> bool:
    """Whether the sidebar part's first line shows in the sidebar's scrolled view."""
    body = app.query_one(SidebarBody)
    part = app.query_one(f"#{widget_id}")
    return body.region.contains(part.region.x, part.region.y)


async def test_i_brings_every_part_of_the_sidebar_into_view_at_80x24(tmp_path, seeds):
    app = make_app(tmp_path, seeds)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        parts = ["sidebar-note", "sidebar-spans", "sidebar-suggestions"]
        assert not any(in_view(app, part) for part in parts)  # below the fold at first
        seen: set[str] = set()
        for _ in range(8):
            await pilot.press("i")
            await pilot.pause()
            seen |= {part for part in parts if in_view(app, part)}
        assert seen == set(parts)
        assert app.focused is app.reader  # the reader kept the keyboard
    app.store.close()


async def test_i_says_when_the_sidebar_already_shows_everything(tmp_path, seeds):
    app = make_app(tmp_path, seeds)
    async with app.run_test(size=(200, 80)) as pilot:
        await pilot.press("i")
        assert str(list(app._notifications)[-1].message) == (
            "the sidebar shows all of itself already"
        )
    app.store.close()


@pytest.mark.parametrize(("keys", "chosen"), [("@", "SAMBANG"), ("@&", "PATROLI"), ("&&", "")])
async def test_one_key_sets_the_activity(tmp_path, seeds, keys, chosen):
    app = make_app(tmp_path, seeds)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*keys)
        stored = app.store.get(app.article.id)
        assert stored is not None
        assert stored.doc_labels.get("activity", ()) == ((chosen,) if chosen else ())
        rows = app.sidebar.groups["activity"].lines
        mark = "(•)" if chosen == "PATROLI" else "( )"
        assert f" {mark} & PATROLI" in rows  # the key is shown beside its value
    app.store.close()


async def test_the_help_lists_the_activity_keys(tmp_path, seeds):
    app = make_app(tmp_path, seeds)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        shown = "\n".join(str(widget.render()) for widget in app.screen.query("*"))
        assert "Choose activity PATROLI" in shown
    app.store.close()


async def test_a_new_store_is_said_once_and_the_top_bar_names_store_and_corpus(
    tmp_path, seeds, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    settings = Settings.resolve(corpus=[seeds], store=Path("annotations"), annotator="root")
    for first_time in (True, False):
        app = build_app(settings)
        async with app.run_test(size=(200, 50)) as pilot:
            await pilot.pause()
            said = [str(n.message) for n in app._notifications]
            assert ("new store: ./annotations/root" in said) is first_time
            top = str(app.query_one(TopBar).render())
            assert f"store ./annotations/root · corpus {seeds}" in top
            await pilot.press("q")
        app.store.close()
