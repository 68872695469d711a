"""The store under real faults: SIGKILL while saving, a full disk, a read-only mount.

The SIGKILL test is the quick version of bench/crash.py. The disk tests mount a small tmpfs and
are skipped where mounting is not permitted (not root, or in a container without the right).
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import orjson
import pytest

from cooltui.model import Annotation, Span, Status
from cooltui.store import HISTORY, Store, StoreError

BENCH = Path(__file__).resolve().parents[2] / "bench"


def crash_bench() -> ModuleType:
    """bench/crash.py, whose kill-and-check procedure this test runs in small."""
    spec = importlib.util.spec_from_file_location("crash_bench", BENCH / "crash.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_sigkill_while_saving_loses_nothing_acknowledged(tmp_path: Path) -> None:
    result = crash_bench().run(tmp_path / "annotations", trials=16, seed=1, limit=30)
    assert result["acked"] > 0  # the children did save (else the test proves nothing)
    assert result["child_errors"] == 0
    assert result["corrupt"] == 0
    assert result["lost"] == 0


# A real full disk and a real read-only folder: a small tmpfs.


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, check=False)


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    if os.name != "posix" or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mount = tmp_path / "disk"
    mount.mkdir()
    mounted = _run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount))
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield mount
    finally:
        _run("umount", "-l", str(mount))


def fill(disk: Path) -> Path:
    """Fill the disk to the last byte."""
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as handle:
        for size in (65536, 4096, 512, 1):
            with contextlib.suppress(OSError):
                while True:
                    handle.write(b"\0" * size)
    return filler


def data_files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.name.startswith(("shard", "man"))}


def wait_for(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_a_real_full_disk(tiny_disk: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Store, "retry_delays", (0.05,))
    monkeypatch.setattr(Store, "close_timeout", 2.0)
    store_dir = tiny_disk / "annotations"
    store = Store.open(store_dir, "alice")
    try:
        for n in range(5):
            store.save(Annotation.new(f"a{n}", "sha").add_span(Span(0, 4, "PER", "Budi")))
        store.flush()
        before = data_files(store_dir / "alice")
        filler = fill(tiny_disk)

        big = Annotation.new("a1", "sha").with_note("n" * 20_000).with_status(Status.DONE)
        store.save(big)
        wait_for(lambda: store.state.kind == "failed")
        assert store.state.error == "disk full"
        with pytest.raises(StoreError, match="No space left on device"):
            store.flush(timeout=5)
        assert data_files(store_dir / "alice") == before  # the last good state
        assert not [p for p in (store_dir / "alice").iterdir() if p.name.endswith(".tmp")]
        assert store.get("a1") == big  # kept in memory
        with pytest.raises(StoreError, match="a1"):
            store.close()

        filler.unlink()  # space is freed: the retry saves it, with no call from us
        wait_for(lambda: store.state.kind == "saved")
        with Store.open(store_dir, "alice", read_only=True) as reader:
            assert reader.get("a1") == big
            assert len(reader) == 5
        on_disk = {
            record["id"]: record["note"]
            for path in (store_dir / "alice").glob("shard-*.json")
            for record in orjson.loads(path.read_bytes())["annotations"].values()
        }
        assert on_disk["a1"] == big.note  # in its shard file, not only in the journal
    finally:
        with contextlib.suppress(OSError):
            (tiny_disk / "filler").unlink()
        store.close()
    for line in (store_dir / "alice" / HISTORY).read_bytes().splitlines():
        orjson.loads(line)


def test_a_real_read_only_folder(tiny_disk: Path) -> None:
    store_dir = tiny_disk / "annotations"
    with Store.open(store_dir, "alice") as store:
        store.save(Annotation.new("a1", "sha").with_note("kept"))
    before = {p.name: p.read_bytes() for p in (store_dir / "alice").iterdir()}
    remounted = _run("mount", "-o", "remount,ro", str(tiny_disk))
    if remounted.returncode != 0:
        pytest.skip(f"cannot remount read-only: {remounted.stderr.strip()}")
    try:
        with pytest.raises(StoreError, match=r"Read-only file system.*--read-only"):
            Store.open(store_dir, "alice")
        with pytest.raises(StoreError, match="Read-only file system"):
            Store.open(store_dir, "bob")
        with Store.open(store_dir, "alice", read_only=True) as reader:
            note = reader.get("a1")
            assert note is not None and note.note == "kept"
    finally:
        _run("mount", "-o", "remount,rw", str(tiny_disk))
    assert {p.name: p.read_bytes() for p in (store_dir / "alice").iterdir()} == before
