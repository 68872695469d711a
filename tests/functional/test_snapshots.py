"""What the app looks like: the main screen at 80x24 and 120x40, and the help screen.

Snapshots are taken at launch, before any save, so that no clock time is on screen. Update the
baselines with `pytest --snapshot-update` after a deliberate change, and look at the report.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cooltui.settings import Settings
from cooltui.tui.app import CoolApp, build_app


@pytest.fixture
def app(tmp_path: Path, seeds: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CoolApp]:
    # Relative paths: the top bar and the "new store" notice show the same on every machine.
    (tmp_path / "seeds").symlink_to(seeds)
    monkeypatch.chdir(tmp_path)
    settings = Settings.resolve(corpus=[Path("seeds")], store=Path("ann"), annotator="snap")
    app = build_app(settings)
    yield app
    app.store.close()


def test_main_screen_80x24(snap_compare, app):
    assert snap_compare(app, terminal_size=(80, 24))


def test_main_screen_120x40(snap_compare, app):
    assert snap_compare(app, terminal_size=(120, 40))


def test_help_screen_120x40(snap_compare, app):
    assert snap_compare(app, terminal_size=(120, 40), press=["question_mark"])
