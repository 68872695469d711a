"""The footer's keys: fitted to the terminal's width, from the live key map, clickable; the
scheme's keys, bound and remapped."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.command import CommandPalette

from cooltui.scheme import default_scheme_path
from cooltui.settings import Settings
from cooltui.tui.app import CoolApp, build_app
from cooltui.tui.bindings import help_rows
from cooltui.tui.help import HelpScreen
from cooltui.tui.key_bar import KeyBar, KeyItem
from cooltui.tui.reader import Reader


def footer_text(app: CoolApp) -> str:
    bar = app.query_one(KeyBar)
    return app.screen._compositor.render_strips()[bar.region.y].text


def make_app(tmp_path: Path, seeds: Path, scheme: Path | None = None) -> CoolApp:
    return build_app(
        Settings.resolve(corpus=[seeds], store=tmp_path / "ann", annotator="alice", scheme=scheme)
    )


def default_scheme_and(tmp_path: Path, toml: str) -> Path:
    scheme = tmp_path / "scheme.toml"
    scheme.write_text(default_scheme_path().read_text(encoding="utf-8") + toml, encoding="utf-8")
    return scheme


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ((200, 60), "a Done, next  s Skip  c Note  u Undo  ^f Find in the article"),
        ((200, 60), "? Help  q Quit  . Next suggestion  ^p Commands"),
        ((120, 40), "/ filter  ? help  q quit  . suggestion  ^p commands"),
        ((80, 24), "a done s skip c note u undo ^f find / filter ? help q quit"),
    ],
)
async def test_every_main_key_shows_in_the_longest_form_that_fits(tmp_path, seeds, size, expected):
    app = make_app(tmp_path, seeds)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        line = footer_text(app)
        assert expected in line
        # Nothing is cut: a key shown is shown whole, the last one too.
        assert "^p" not in line or "^p commands" in line.lower()
        assert line.rstrip().endswith("all saved")
    app.store.close()


@pytest.mark.parametrize("columns", [40, 45, 50, 80])
async def test_the_help_key_stays_at_every_width(tmp_path, seeds, columns):
    app = make_app(tmp_path, seeds)
    async with app.run_test(size=(columns, 24)) as pilot:
        await pilot.pause()
        line = footer_text(app)
        assert " ? help" in line.lower(), line
        assert line.startswith(" a done"), line  # the first keys stay too
        assert line.rstrip().endswith("all saved")
        bar = app.query_one(KeyBar)
        shown = bar.fitted(bar.content_size.width)
        assert sum(len(key) + 1 + len(what) + gap for key, what, gap in shown) <= bar.size.width
    app.store.close()


async def test_dropping_keys_never_drops_the_help_wherever_it_is():
    items = [KeyItem(k, f"Long {k} words", k * 3, k) for k in "abcdefgh"]
    for at in range(len(items) + 1):
        bar = KeyBar(keep="help")
        bar.set_keys([*items[:at], KeyItem("?", "Help", "help", "help"), *items[at:]])
        for width in range(len(" ? help"), 60):
            keys = [key for key, _, _ in bar.fitted(width)]
            assert "?" in keys, (width, at, keys)
            kept = [key for key in "abcdefgh" if key in keys]
            assert kept == list("abcdefgh"[: len(kept)]), "keys go from the end, in order"


async def test_too_narrow_drops_keys_from_the_end_but_keeps_help():
    bar = KeyBar(keep="help")
    items = [KeyItem(k, f"Long {k} words", k * 3, k) for k in "abcdefg"]
    bar.set_keys([*items[:3], KeyItem("?", "Help", "help", "help"), *items[3:]])
    shown = bar.fitted(24)
    keys = [key for key, _, _ in shown]
    assert "?" in keys and keys[0] == "a"
    assert 1 + sum(len(k) + 1 + len(d) + g for k, d, g in shown) - shown[-1][2] <= 24
    assert keys != ["a", "b", "c", "?", *"defg"], "some keys must go at this width"


async def test_remapped_keys_show_as_remapped(tmp_path, seeds):
    scheme = tmp_path / "scheme.toml"
    scheme.write_text(
        default_scheme_path().read_text(encoding="utf-8") + '\n[keys]\nhelp = "f1"\n',
        encoding="utf-8",
    )
    app = make_app(tmp_path, seeds, scheme)
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.pause()
        line = footer_text(app)
        assert "f1 Help" in line and "? Help" not in line
    app.store.close()


async def test_the_palette_and_keys_of_two_remap_and_show_once_each(tmp_path, seeds):
    toml = '\n[keys]\ncommand_palette = "ctrl+k"\nundo = "ctrl+u,u"\n'
    app = make_app(tmp_path, seeds, default_scheme_and(tmp_path, toml))
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.pause()
        assert "^k Commands" in footer_text(app)
        shown = {row.description: row.keys for row in help_rows(app, app.scheme)}
        assert shown["Undo"] == "^u u" and shown["Command palette: every action"] == "^k"
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert not CommandPalette.is_open(app)
        await pilot.press("ctrl+k")
        await pilot.pause()
        assert CommandPalette.is_open(app)
    app.store.close()


async def test_a_label_on_a_punctuation_key_labels(tmp_path, seeds):
    toml = '\n[[labels]]\nname = "MISC"\nkey = "~"\ncolor = "red"\n'
    app = make_app(tmp_path, seeds, default_scheme_and(tmp_path, toml))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("tilde")
        await pilot.pause()
        assert [span.label for span in app.annotation.spans] == ["MISC"]
        assert app.query_one(Reader).has_focus
    app.store.close()


async def test_clicking_a_key_runs_its_action(tmp_path, seeds):
    app = make_app(tmp_path, seeds)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        column = footer_text(app).index("? help")
        await pilot.click(KeyBar, offset=(column + 1, 0))
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
    app.store.close()
