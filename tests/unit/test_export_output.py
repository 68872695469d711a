"""Where an export's bytes go: replaced atomically, written in place, and what is left to clean."""

from __future__ import annotations

import fcntl
import os
import re
import stat
import time
from pathlib import Path

import pytest

from cooltui.export.output import AtomicFile, Target, remove_stale, workers_folder

DAY = 24 * 3600


def locked(path: Path) -> bool:
    """Whether some open file holds the lock on `path` (another open, even in this process,
    conflicts with a flock)."""
    handle = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(handle)
    return False


def names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def touch(path: Path, size: int = 10, age: float = 60) -> Path:
    path.write_bytes(b"x" * size)
    os.utime(path, (time.time() - age, time.time() - age))
    return path


def test_the_temporary_file_is_named_with_the_pid_and_locked(tmp_path):
    out = AtomicFile(tmp_path / "out.jsonl")
    assert out.temp is not None
    assert re.fullmatch(rf"\.out\.jsonl\.{os.getpid()}\.[a-z0-9_]{{8}}\.tmp", out.temp.name)
    assert locked(out.temp)
    out.stream.write(b"x\n")
    out.commit()
    assert (tmp_path / "out.jsonl").read_bytes() == b"x\n" and not locked(tmp_path / "out.jsonl")


def test_the_workers_folder_is_named_with_the_pid_locked_and_removed(tmp_path):
    with workers_folder(tmp_path / "out.jsonl") as folder:
        assert folder.parent == tmp_path
        assert re.fullmatch(rf"\.out\.jsonl\.{os.getpid()}\.[a-z0-9_]{{8}}\.parts", folder.name)
        assert locked(folder)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"])
def test_descriptors_are_written_in_place(name):
    assert Target.of(Path(name)).in_place


def test_what_is_replaced_and_what_is_written_in_place(tmp_path):
    (tmp_path / "file").write_text("x")
    (tmp_path / "link").symlink_to("file")
    (tmp_path / "to_stdout").symlink_to("/dev/stdout")
    os.mkfifo(tmp_path / "fifo")
    assert Target.of(tmp_path / "link").real == tmp_path / "file"
    assert not Target.of(tmp_path / "link").in_place
    assert not Target.of(tmp_path / "new").in_place
    assert Target.of(tmp_path / "to_stdout").kind == "an open file descriptor"
    assert Target.of(tmp_path / "fifo").kind == "a FIFO"


def test_an_aborted_fifo_stays_a_fifo(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    keep = os.open(fifo, os.O_RDWR)  # a reader: opening for writing does not wait
    try:
        out = AtomicFile(fifo)
        assert out.temp is None
        out.abort()
    finally:
        os.close(keep)
    assert stat.S_ISFIFO(fifo.lstat().st_mode) and names(tmp_path) == ["fifo"]


def test_only_unmistakable_leftovers_of_dead_exports_go(tmp_path, dead_pid):
    dead = dead_pid
    gone = [
        touch(tmp_path / f".out.jsonl.{dead}.abcd1234.tmp"),
        touch(tmp_path / ".out.jsonl.abcd1234.tmp", age=2 * DAY),
    ]
    old_workers = tmp_path / ".out.jsonl.efgh5678"  # an earlier cooltui's worker folder
    old_workers.mkdir()
    touch(old_workers / "worker0.train.jsonl", age=2 * DAY)
    touch(old_workers / ".worker1.train.jsonl.abcd1234.tmp", age=2 * DAY)  # a killed worker's
    os.utime(old_workers, (time.time() - 2 * DAY,) * 2)
    gone.append(old_workers)
    held = touch(tmp_path / f".out.jsonl.{dead}.held1234.tmp")
    foreign = tmp_path / ".out.jsonl.ijkl9012"  # named like an old worker folder: not only ours
    foreign.mkdir()
    touch(foreign / "notes.txt", age=2 * DAY)
    os.utime(foreign, (time.time() - 2 * DAY,) * 2)
    target = touch(tmp_path / "precious")
    (tmp_path / f".out.jsonl.{dead}.mnop3456.tmp").symlink_to(target)
    touch(tmp_path / f".out.jsonl.{dead}.qrst7890.parts")  # a file where a folder is named
    kept = sorted(p.name for p in tmp_path.iterdir() if p not in gone)
    holder = os.open(held, os.O_RDONLY)  # a live export elsewhere (another pid namespace)
    try:
        fcntl.flock(holder, fcntl.LOCK_EX)
        [removed] = remove_stale([tmp_path / "out.jsonl"], time.time())
    finally:
        os.close(holder)
    assert (removed.folder, removed.count, removed.size) == (tmp_path, 3, 40)
    assert sorted(p.name for p in tmp_path.iterdir()) == kept
    assert str(removed) == (
        f"removed 3 stale temporary files of killed exports (40 bytes) in {tmp_path}"
    )
