"""The footer's save state (SaveStatus), as the user sees it.

"saved 14:03:07" after a save; "saving…" only for a save still running SAVING_SHOWN_AFTER
later (a quick save never flashes it); a red "NOT SAVED: <error>, retrying" that retries do not
clear and only a save does; "read-only" in read-only mode. States are either posted as the
store's writer posts them, or produced by real edits, with a full disk injected into the store.
"""

from __future__ import annotations

import errno
import math
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Literal

import pytest
from textual.app import App
from textual.pilot import Pilot

import cooltui.store.files as store_files
import cooltui.tui.app as app_module
from cooltui.settings import Settings
from cooltui.store import SaveState, Store
from cooltui.tui.app import CoolApp, build_app

SAVED_AT = 1_700_000_000.0
DELAY = 0.05
"""SAVING_SHOWN_AFTER in these tests; the tests wait four times as long."""


def settings(tmp_path: Path, corpus: Path) -> Settings:
    return Settings.resolve(corpus=[corpus], store=tmp_path / "ann", annotator="alice")


def clock(at: float) -> str:
    return time.strftime("%H:%M:%S", time.localtime(at))


def shown(app: CoolApp) -> str:
    return str(app.save_status.content).rstrip()


def bottom_line(app: App) -> str:
    """The screen's last line, as painted."""
    return app.screen._compositor.render_strips()[-1].text


Kind = Literal["saved", "saving", "failed"]


def post(app: CoolApp, kind: Kind, error: str | None = None, at: float = SAVED_AT) -> None:
    """Post a state as the store's writer thread does."""
    app.post_message(CoolApp.StoreState(SaveState(kind, at, error)))


async def label_a_token(pilot: Pilot[None]) -> None:
    await pilot.press("right", "right", "right", "p")
    await pilot.pause()


async def wait_until(pilot: Pilot[None], done: Callable[[], bool], seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.02)


@pytest.fixture(autouse=True)
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app_module, "SAVING_SHOWN_AFTER", DELAY)
    monkeypatch.setattr(Store, "retry_delays", (0.05,))
    monkeypatch.setattr(Store, "close_timeout", 3.0)


@pytest.fixture(autouse=True)
def local_time_off_utc() -> Iterator[None]:
    """Local time 7 hours ahead of UTC (as in Jakarta), so that a clock in UTC would show."""
    if not hasattr(time, "tzset"):  # Windows: the machine's own zone
        yield
        return
    before = os.environ.get("TZ")
    os.environ["TZ"] = "WIB-7"
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()


async def test_an_edit_shows_saved_with_the_local_time(tmp_path: Path, seeds: Path) -> None:
    app = build_app(settings(tmp_path, seeds))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert shown(app) == "all saved"  # nothing saved yet this session, nothing waiting
        before = time.time()
        await label_a_token(pilot)
        app.store.flush()
        await pilot.pause()
        after = time.time()
        assert [s.label for s in app.annotation.spans] == ["PER"]  # the edit was made
        seconds = range(math.floor(before), math.floor(after) + 1)
        assert shown(app) in {f"saved {clock(second)}" for second in seconds}
        assert not app.save_status.has_class("-failed")
        assert bottom_line(app).rstrip().endswith(shown(app))
    app.store.close()


async def test_saving_shows_only_once_a_save_has_run_a_while(tmp_path: Path, seeds: Path) -> None:
    app = build_app(settings(tmp_path, seeds))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()  # the start's work after the first paint: not in the timed stretch
        post(app, "saved")
        await pilot.pause()
        assert shown(app) == f"saved {clock(SAVED_AT)}"
        post(app, "saving")
        await pilot.pause()
        assert shown(app) == f"saved {clock(SAVED_AT)}"  # not at once
        await pilot.pause(4 * DELAY)
        assert shown(app) == "saving…"
        assert "saving…" in bottom_line(app)
        assert not app.save_status.has_class("-failed")
    app.store.close()


async def test_a_quick_save_never_shows_saving(tmp_path: Path, seeds: Path) -> None:
    app = build_app(settings(tmp_path, seeds))
    async with app.run_test(size=(120, 40)) as pilot:
        post(app, "saving")
        post(app, "saved", at=SAVED_AT + 1)
        for _ in range(10):  # well past the delay, looking all along
            await pilot.pause(DELAY / 2)
            assert shown(app) == f"saved {clock(SAVED_AT + 1)}"
    app.store.close()


async def test_the_time_of_the_last_save_waits_while_saves_keep_coming(
    tmp_path: Path, seeds: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each save ends after its key's frame: moving the time each time would cost a frame a
    key. It moves once saves stop; a change of state still shows at once."""
    monkeypatch.setattr(app_module, "CLOCK_CATCHES_UP_AFTER", DELAY)
    app = build_app(settings(tmp_path, seeds))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()  # the start's work after the first paint: not in the timed stretch
        post(app, "saved")
        await pilot.pause()
        assert shown(app) == f"saved {clock(SAVED_AT)}"
        for second in (1, 2, 3):
            post(app, "saving", at=SAVED_AT + second)
            post(app, "saved", at=SAVED_AT + second)
            await pilot.pause()
            assert shown(app) == f"saved {clock(SAVED_AT)}"
        await pilot.pause(4 * DELAY)
        assert shown(app) == f"saved {clock(SAVED_AT + 3)}"
        assert bottom_line(app).rstrip().endswith(shown(app))

        post(app, "saved", at=SAVED_AT + 4)  # waits...
        post(app, "failed", "disk full")  # ...but a failure shows at once, and stays
        await pilot.pause()
        assert shown(app) == "NOT SAVED: disk full, retrying"
        await pilot.pause(4 * DELAY)
        assert shown(app) == "NOT SAVED: disk full, retrying"
        post(app, "saved", at=SAVED_AT + 5)
        await pilot.pause()
        assert shown(app) == f"saved {clock(SAVED_AT + 5)}"
    app.store.close()


async def test_not_saved_stays_red_through_retries_until_saved(tmp_path: Path, seeds: Path) -> None:
    app = build_app(settings(tmp_path, seeds))
    async with app.run_test(size=(120, 40)) as pilot:
        post(app, "saving")  # as the writer does: a save starts, then fails
        post(app, "failed", "disk full")
        await pilot.pause()
        assert shown(app) == "NOT SAVED: disk full, retrying"
        assert app.save_status.has_class("-failed")
        assert "NOT SAVED: disk full, retrying" in bottom_line(app)
        await pilot.pause(4 * DELAY)  # the first save's "saving…" must not come up now
        assert shown(app) == "NOT SAVED: disk full, retrying"

        post(app, "saving")  # a retry
        await pilot.pause(4 * DELAY)
        assert shown(app) == "NOT SAVED: disk full, retrying"
        assert app.save_status.has_class("-failed")

        post(app, "saved", at=SAVED_AT + 2)
        await pilot.pause()
        assert shown(app) == f"saved {clock(SAVED_AT + 2)}"
        assert not app.save_status.has_class("-failed")
        await pilot.pause(4 * DELAY)
        assert shown(app) == f"saved {clock(SAVED_AT + 2)}"
    app.store.close()


async def test_read_only_says_so_whatever_the_store_reports(tmp_path: Path, seeds: Path) -> None:
    Store.open(tmp_path / "ann", "alice").close()  # read-only needs an existing store
    app = build_app(settings(tmp_path, seeds), read_only=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert shown(app) == "read-only"
        post(app, "saving")
        await pilot.pause(4 * DELAY)
        assert shown(app) == "read-only"
        assert "read-only" in bottom_line(app)
    app.store.close()


async def test_a_full_disk_shows_not_saved_until_space_is_freed(
    tmp_path: Path, seeds: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    full = False
    real_write = store_files._write_fully

    def write_fully(fd: int, data: bytes) -> None:
        if full:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_write(fd, data)

    monkeypatch.setattr(store_files, "_write_fully", write_fully)
    app = build_app(settings(tmp_path, seeds))
    full = True  # once the store is open: the disk fills up
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await label_a_token(pilot)
            await wait_until(pilot, lambda: app.save_status.has_class("-failed"))
            assert shown(app) == "NOT SAVED: disk full, retrying"
            assert "NOT SAVED: disk full, retrying" in bottom_line(app)
            await pilot.pause(0.3)  # several retries fail meanwhile: still red
            assert app.save_status.has_class("-failed")

            full = False  # space is freed: the next retry saves, with no key pressed
            await wait_until(pilot, lambda: not app.save_status.has_class("-failed"))
            assert shown(app).startswith("saved ")
            assert app.store.state.kind == "saved"
    finally:
        full = False
        app.store.close()
