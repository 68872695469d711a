"""`export -o` onto what is not a plain file name, and what killed exports leave behind.

A FIFO, a device or an open descriptor is written in place and stays what it was; a symlink is
written through to its target and stays a symlink; leftovers of killed exports are removed at
the next export. Every special file here is made in tmp_path: a regression must never touch the
system's own /dev/null or /dev/stdout (the tests run as root).
"""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson
import pytest

from cooltui.cli import main
from cooltui.corpus import load_corpus
from cooltui.export import parallel
from cooltui.model import Annotation, Status
from cooltui.store import Store

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
DAY = 24 * 3600


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """alice: 4 articles done."""
    folder = tmp_path / "annotations"
    with Store.open(folder, "alice") as opened:
        for article in list(load_corpus([SEEDS], cache=False))[:4]:
            opened.save(Annotation(article.id, article.text_sha, status=Status.DONE))
    return folder


def export(store: Path, *args: str) -> int:
    return main(["export", "--corpus", str(SEEDS), "--store", str(store), "--annotator", "alice",
                 *args])  # fmt: skip


def ids(data: bytes) -> list[str]:
    return [orjson.loads(line)["id"] for line in data.splitlines()]


@contextmanager
def fifo_read(path: Path) -> Iterator[list[bytes]]:
    """A FIFO at `path` and a thread reading it; what it read is in the list once the block ends.

    The test holds the FIFO open for writing too: the export's open never waits, and the reader
    sees the end as soon as the block ends, whatever the export did, so a failure cannot hang.
    """
    os.mkfifo(path)
    keep = os.open(path, os.O_RDWR)
    reader = os.open(path, os.O_RDONLY)
    got: list[bytes] = []

    def read() -> None:
        with os.fdopen(reader, "rb") as stream:
            got.append(stream.read())

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    try:
        yield got
    finally:
        os.close(keep)
        thread.join(10)
    assert not thread.is_alive()


def names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def is_fifo(path: Path) -> bool:
    return stat.S_ISFIFO(path.lstat().st_mode)


def touch(path: Path, size: int, age: float) -> Path:
    path.write_bytes(b"x" * size)
    os.utime(path, (time.time() - age, time.time() - age))
    return path


def test_a_fifo_gets_the_export_and_stays_a_fifo(store, tmp_path, capsys):
    fifo = tmp_path / "out" / "fifo"
    fifo.parent.mkdir()
    with fifo_read(fifo) as got:
        assert export(store, "-o", str(fifo)) == 0
    assert len(ids(got[0])) == 4
    assert is_fifo(fifo)
    assert names(fifo.parent) == ["fifo"]  # no temporary file beside it
    assert f"exported 4 articles with 0 spans (jsonl): {fifo}" in capsys.readouterr().err


def test_a_parallel_export_onto_a_fifo_keeps_its_workers_in_the_temporary_folder(
    store, tmp_path, monkeypatch
):
    monkeypatch.setattr(parallel, "MIN_RECORDS", 1)  # split even a small export
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    folders: list[str] = []
    real_mkdtemp = tempfile.mkdtemp

    def mkdtemp(suffix=None, prefix=None, dir=None):  # tempfile's own names
        folders.append(str(dir))
        return real_mkdtemp(suffix, prefix, dir)

    monkeypatch.setattr(tempfile, "mkdtemp", mkdtemp)
    fifo = tmp_path / "out" / "fifo"
    fifo.parent.mkdir()
    with fifo_read(fifo) as got:
        assert export(store, "--jobs", "2", "-o", str(fifo)) == 0
    assert len(ids(got[0])) == 4
    assert is_fifo(fifo)
    # The workers' folder was made in the temporary folder, never beside a special file.
    assert folders == [str(scratch)]
    assert names(scratch) == [] and names(fifo.parent) == ["fifo"]


def test_a_character_device_stays_one(store, tmp_path):
    null = tmp_path / "null"
    try:  # a device like /dev/null (1, 3), made here: the real one must never be at risk
        os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        os.close(os.open(null, os.O_WRONLY))
    except OSError as error:  # not root, or a file system mounted nodev
        pytest.skip(f"cannot make or open a character device here: {error}")
    before = null.lstat()
    assert export(store, "-o", str(null)) == 0
    after = null.lstat()
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev
    assert after.st_ino == before.st_ino
    assert names(tmp_path) == ["annotations", "null"]


def test_split_onto_a_device_is_refused(store, tmp_path, capsys):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    assert export(store, "--split", "80/10/10", "-o", str(fifo)) == 1
    err = capsys.readouterr().err
    assert err == (
        f"cooltui: --split writes three files named after -o, and {fifo} is a FIFO; "
        "give -o a file name\n"
    )
    assert names(tmp_path) == ["annotations", "fifo"] and is_fifo(fifo)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        ("socket", "is a socket, which cannot be opened as a file; give -o a file name or -"),
        ("block", "is a block device; cooltui does not write exports onto disks"),
    ],
)
def test_a_socket_or_a_block_device_is_refused_and_kept(store, tmp_path, capsys, make, message):
    path = tmp_path / make
    if make == "socket":
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))
        server.close()
    else:  # never opened: refused before, and replaced before the fix
        os.mknod(path, stat.S_IFBLK | 0o600, os.makedev(7, 200))
    kind = stat.S_IFMT(path.lstat().st_mode)
    assert export(store, "-o", str(path)) == 1
    assert capsys.readouterr().err == f"cooltui: {path}: {message}\n"
    assert stat.S_IFMT(path.lstat().st_mode) == kind
    assert names(tmp_path) == sorted(["annotations", make])


def test_a_symlink_is_written_through_and_stays_a_symlink(store, tmp_path, capsys):
    real = tmp_path / "real"
    links = tmp_path / "links"
    real.mkdir()
    links.mkdir()
    (real / "out.jsonl").write_text("old\n")
    link = links / "out.jsonl"
    link.symlink_to(real / "out.jsonl")
    assert export(store, "-o", str(link)) == 0
    assert link.is_symlink() and link.readlink() == real / "out.jsonl"
    assert len(ids((real / "out.jsonl").read_bytes())) == 4
    # The temporary file was made beside the target and renamed there: nothing is left over.
    assert names(real) == ["out.jsonl"] and names(links) == ["out.jsonl"]
    assert f"(jsonl): {link}" in capsys.readouterr().err


def test_a_dangling_symlink_makes_the_file_it_names(store, tmp_path, capsys):
    (tmp_path / "real").mkdir()
    link = tmp_path / "out.jsonl"
    link.symlink_to("real/new.jsonl")  # relative: to the link's folder
    assert export(store, "-o", str(link)) == 0
    assert link.is_symlink()
    assert len(ids((tmp_path / "real" / "new.jsonl").read_bytes())) == 4
    nowhere = tmp_path / "nowhere.jsonl"
    nowhere.symlink_to(tmp_path / "missing" / "x.jsonl")
    assert export(store, "-o", str(nowhere)) == 1
    err = capsys.readouterr().err.splitlines()[-1]
    assert err == f"cooltui: {tmp_path / 'missing'}: no such folder; create it or choose another -o"
    assert nowhere.is_symlink()


def test_suggest_shares_the_writer_and_its_cleaning(tmp_path, capsys, dead_pid):
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "suggestions.jsonl"
    link.symlink_to(real / "s.jsonl")
    touch(real / f".s.jsonl.{dead_pid}.abcd1234.tmp", 10, 60)  # beside the target
    args = ["suggest", "--corpus", str(SEEDS), "--store", str(tmp_path), "--jobs", "1"]
    assert main([*args, "-o", str(link)]) == 0
    assert link.is_symlink() and ids((real / "s.jsonl").read_bytes())
    assert names(real) == ["s.jsonl"]
    assert capsys.readouterr().err.startswith(
        f"cooltui: removed 1 stale temporary file of killed exports (10 bytes) in {real}\n"
    )


@pytest.mark.parametrize("stdout", ["pipe", "file"])
def test_a_link_to_dev_stdout_writes_to_stdout(store, tmp_path, stdout):
    """/dev/stdout is this process's descriptor 1: written in place, never replaced (reached here
    through a link of our own, so that a regression replaces that link, never /dev/stdout)."""
    link = tmp_path / "stdout"
    link.symlink_to("/dev/stdout")
    command = [sys.executable, "-m", "cooltui", "export", "--corpus", str(SEEDS),
               "--store", str(store), "--annotator", "alice", "-o", str(link)]  # fmt: skip
    if stdout == "pipe":
        result = subprocess.run(command, capture_output=True, timeout=60, check=False)
        written = result.stdout
    else:  # opened for appending, as a shell's >> does: the export goes after what is there
        out = tmp_path / "out.txt"
        out.write_bytes(b'{"id": "header"}\n')
        with out.open("ab") as handle:
            result = subprocess.run(
                command, stdout=handle, stderr=subprocess.PIPE, timeout=60, check=False
            )
        written = out.read_bytes()
    assert result.returncode == 0, result.stderr
    assert len(ids(written)) == (4 if stdout == "pipe" else 5)
    assert link.is_symlink()
    assert names(tmp_path) == sorted(
        ["annotations", "stdout", *(["out.txt"] if stdout == "file" else [])]
    )


def test_leftovers_of_killed_exports_are_removed_and_reported(store, tmp_path, capsys, dead_pid):
    dead = dead_pid
    out = tmp_path / "out.jsonl"
    touch(tmp_path / f".out.jsonl.{dead}.abcd1234.tmp", 1000, 60)
    workers = tmp_path / f".out.jsonl.{dead}.efgh5678.parts"
    workers.mkdir()
    touch(workers / "worker0.jsonl", 2000, 60)
    os.utime(workers, (time.time() - 60, time.time() - 60))
    touch(tmp_path / ".out.jsonl.ijkl9012.tmp", 500, 2 * DAY)  # made before pids were in names
    kept = [
        touch(tmp_path / f".out.jsonl.{os.getpid()}.mnop3456.tmp", 10, 60),  # a live export's
        touch(tmp_path / f".out.jsonl.{dead}.qrst7890.tmp", 10, -60),  # touched since we began
        touch(tmp_path / ".out.jsonl.uvwx1234.tmp", 10, 3600),  # old name, but only an hour old
        touch(tmp_path / f".other.jsonl.{dead}.abcd1234.tmp", 10, 60),  # another output's
    ]
    assert export(store, "-o", str(out)) == 0
    err = capsys.readouterr().err
    assert err.splitlines()[0] == (
        f"cooltui: removed 3 stale temporary files of killed exports (3,500 bytes) in {tmp_path}"
    )
    assert names(tmp_path) == sorted(["annotations", "out.jsonl", *(path.name for path in kept)])
    assert export(store, "-o", str(out)) == 0
    assert "removed" not in capsys.readouterr().err  # said once, when there was something
