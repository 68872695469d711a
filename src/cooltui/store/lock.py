"""The OS lock on <annotator>/lock that makes one cooltui the store's only writer.

It is held from open to close, and the OS drops it when its process dies, so a lock left by a
killed cooltui never blocks. lock.info says who holds it, for the message another cooltui shows.
"""

from __future__ import annotations

import contextlib
import errno
import os
import socket
import time
from pathlib import Path
from typing import Any

import orjson

from cooltui.store.files import atomic_write
from cooltui.store.layout import LOCK, LOCK_INFO, StoreError, StoreLocked, StoreNotWritable

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

_RETRYABLE_LOCK = {errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK}


def _hostname() -> str:
    return socket.gethostname() or "unknown host"


def _holder(folder: Path) -> str:
    try:
        info = orjson.loads((folder / LOCK_INFO).read_bytes())
        return f"pid {int(info['pid'])} on host {info['host']}"
    except (OSError, orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return "pid unknown"


class FolderLock:
    """An OS lock on <annotator>/lock, held from open to close; the OS drops it when we die."""

    def __init__(self, folder: Path, fd: int | None, fallback: Any = None) -> None:
        self.folder = folder
        self._fd = fd
        self._fallback = fallback

    @classmethod
    def acquire(cls, folder: Path) -> FolderLock:
        path = folder / LOCK
        if fcntl is None:  # pragma: no cover - Windows
            return cls._acquire_filelock(folder, path)
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            raise StoreNotWritable(f"cannot open {folder} for writing ({error.strerror})") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            os.close(fd)
            if error.errno in _RETRYABLE_LOCK:
                raise StoreLocked(folder, _holder(folder)) from None
            raise StoreError(f"cannot lock {path}: {error.strerror}") from None
        lock = cls(folder, fd)
        lock.write_info()
        return lock

    @classmethod
    def _acquire_filelock(  # pragma: no cover - Windows
        cls, folder: Path, path: Path
    ) -> FolderLock:
        import filelock

        lock = filelock.FileLock(str(path), thread_local=False, blocking=False)
        try:
            lock.acquire()
        except filelock.Timeout:
            raise StoreLocked(folder, _holder(folder)) from None
        result = cls(folder, None, lock)
        result.write_info()
        return result

    def write_info(self) -> None:
        info = {"pid": os.getpid(), "host": _hostname(), "since": time.time()}
        # Only for the message another cooltui shows; a full disk must not stop the open.
        with contextlib.suppress(OSError):
            atomic_write(self.folder / LOCK_INFO, orjson.dumps(info), sync_dir=False)

    def release(self) -> None:
        with contextlib.suppress(OSError):
            (self.folder / LOCK_INFO).unlink()
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the flock
            self._fd = None
        if self._fallback is not None:  # pragma: no cover - Windows
            self._fallback.release()
            self._fallback = None
