"""Shared test setup: stable terminals, a private cache, the seed corpus."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

# Snapshots and colours must not depend on the developer's terminal.
for variable in ("NO_COLOR", "TEXTUAL_THEME", "COOLTUI_DEBUG", "COOLTUI_ANNOTATOR"):
    os.environ.pop(variable, None)


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Each test gets its own corpus index cache, so no test sees another's."""
    monkeypatch.setenv("COOLTUI_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(autouse=True)
def no_background_training(monkeypatch: pytest.MonkeyPatch):
    """An app built as `cooltui` builds it retrains the annotator's model every 10 done articles
    when spaCy is installed: no test starts such a training unless it asks for one."""
    monkeypatch.setattr("cooltui.learn.loop.DEFAULT_EVERY", 0)


@pytest.fixture
def seeds() -> Path:
    return SEEDS


@pytest.fixture
def dead_pid() -> int:
    """The pid of a process that has ended (a killed export's, say)."""
    child = subprocess.Popen([sys.executable, "-c", ""])
    child.wait()
    try:
        os.kill(child.pid, 0)
    except ProcessLookupError:
        return child.pid
    pytest.skip("the pid of a finished child was taken again at once")
