"""The store's file primitives: writing a file whole and durably, keeping its last version.

Every file is written whole to a temporary file in the same folder, fsynced, renamed over the old
one and the folder fsynced, so a file is always either its old or its new version.
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import os
import re
from pathlib import Path

_TMP_FILE = re.compile(r"\..+\.\d+-\d+\.tmp")
"""The name _tmp_path gives a temporary file (those a crash left behind are removed at open)."""

_tmp_names = itertools.count()


def _tmp_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}-{next(_tmp_names)}.tmp")


def _write_fully(fd: int, data: bytes) -> None:
    """Write all of `data` (the place where a full disk shows up, and where tests inject it)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _write_durably(fd: int, data: bytes) -> None:
    """Write all of `data` to `fd` and fsync it."""
    _write_fully(fd, data)
    os.fsync(fd)


def fsync_dir(folder: Path) -> None:
    """Make a rename or a new file in `folder` durable (Windows cannot open a folder: skipped)."""
    if os.name == "nt":  # pragma: no cover
        return
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_new(path: Path, data: bytes) -> None:
    """Write `data` to a new file and fsync it."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        _write_durably(fd, data)
    finally:
        os.close(fd)


def _keep_backup(path: Path) -> None:
    """Make `path`.bak the current version of `path` (a hard link, or a copy where links fail)."""
    backup = path.with_name(path.name + ".bak")
    tmp = _tmp_path(backup)
    try:
        try:
            tmp.hardlink_to(path)
        except OSError as error:
            if error.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
                raise
            _write_new(tmp, path.read_bytes())
        tmp.replace(backup)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def atomic_write(path: Path, data: bytes, *, backup: bool = False, sync_dir: bool = True) -> None:
    """Replace `path` by `data` durably and atomically, or leave it as it was.

    Temp file in the same folder, write, fsync, (backup the old version,) os.replace, fsync the
    folder. With sync_dir=False the caller fsyncs the folder after a batch of files.
    """
    tmp = _tmp_path(path)
    try:
        _write_new(tmp, data)
        if backup and path.exists():
            _keep_backup(path)
        tmp.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    if sync_dir:
        fsync_dir(path.parent)
