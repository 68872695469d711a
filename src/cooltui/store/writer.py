"""The writer: the one thread that puts a store's changes on disk, and all that it keeps.

The Store changes its records in memory and, under its state lock, hands the writer each change:
a numbered journal line to queue, a shard that changed. The thread takes everything queued as one
job and writes it outside the lock: the journal first (one fsynced append), then each changed
shard whole, stamped with the number of the last operation so far, then it fsyncs the folder.
Several changes to one shard become one write. A job that fails (full disk, read-only folder,
I/O error) puts its work back and is retried every 0.5-2 s; nothing is dropped.
"""

from __future__ import annotations

import contextlib
import errno
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from cooltui.store.files import _write_durably, atomic_write, fsync_dir
from cooltui.store.journal import _History
from cooltui.store.layout import HISTORY, StoreError
from cooltui.store.shards import ShardStorage


@dataclass(frozen=True)
class SaveState:
    """Where saving stands, for the footer: saved, saving, or failed (and still retrying)."""

    kind: Literal["saved", "saving", "failed"]
    at: float
    error: str | None = None


@dataclass
class _Job:
    """One batch for the writer thread: everything queued up to `seq`."""

    attempt: int
    seq: int
    lines: list[bytes] = field(default_factory=list)
    journal: bytes | None = None
    journal_lines: int = 0
    shards: list[tuple[int, ShardStorage, bytes, int]] = field(default_factory=list)
    """Each changed shard's number, storage, JSON and the version of its data that JSON is."""
    journal_done: bool = False
    trim: bool = False


class _JournalFile:
    """The journal file as the writer thread appends to it: its descriptor, the size and number
    of its complete lines, and what is due before the next append."""

    def __init__(
        self,
        path: Path,
        size: int = 0,
        lines: int = 0,
        *,
        trim_due: bool = False,
        compact_due: bool = False,
    ) -> None:
        self.path = path
        self.size = size
        self.lines = lines
        self.trim_due = trim_due
        """Whether bytes follow the last complete line (a crash or a failed append left them)."""
        self.compact_due = compact_due
        """Whether the journal holds more than the history needs, to be rewritten to it."""
        self._fd: int | None = None

    def _append_fd(self) -> int:
        """The journal's descriptor, for appending."""
        if self._fd is None:
            existed = self.path.exists()
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            if not existed:
                fsync_dir(self.path.parent)
        return self._fd

    def trim(self) -> None:
        """Cut the journal back to its last complete line (a crash or a failed append left more)."""
        fd = self._append_fd()
        os.ftruncate(fd, self.size)
        os.fsync(fd)
        self.trim_due = False

    def rewrite(self, data: bytes, lines: int) -> None:
        """Replace the journal by `data`, `lines` lines (the compacted history)."""
        atomic_write(self.path, data)
        self.close()
        self.size, self.lines = len(data), lines
        self.trim_due = False
        self.compact_due = False

    def append(self, data: bytes, lines: int) -> None:
        fd = self._append_fd()
        try:
            _write_durably(fd, data)
        except OSError:
            # Cut a partly written append off again, so that no torn line is ever followed by
            # another; if even that fails, the next attempt does it before appending.
            try:
                os.ftruncate(fd, self.size)
            except OSError:
                self.trim_due = True
            raise
        self.size += len(data)
        self.lines += lines

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


_FLUSH_SLICE = 0.5
"""Seconds flush() waits before it looks again whether the writer is still alive."""


class _Writer:
    """A store's writer thread and everything it keeps.

    Its queue (lines, changed shards, unsaved articles, counters, retry state) is shared with the
    Store's threads and used only with the state lock held: the Store's RLock, which the
    writer's condition wraps; the Store calls number, queue, changed, is_dirty and unsaved
    holding it. The journal file (_JournalFile) is the writer thread's alone once it runs;
    opening sets it up before (found_journal, start_journal_afresh).
    """

    def __init__(
        self,
        folder: Path,
        state_lock: threading.RLock,
        history: _History,
        *,
        on_state: Callable[[SaveState], None] | None,
        retry_delays: tuple[float, ...],
    ) -> None:
        self._folder = folder
        self._cond = threading.Condition(state_lock)
        """Notified when work is queued and when a job is done or has failed."""
        self._history = history
        """The Store's undo history: what the journal is compacted to."""
        self._on_state = on_state
        self._retry_delays = retry_delays
        self._thread: threading.Thread | None = None
        self._state = SaveState("saved", time.time())
        self._n = 0
        """The number of the last journal operation made (edit, undo or redo)."""
        self._pending: list[bytes] = []
        self._dirty: dict[int, ShardStorage] = {}
        self._unsaved: dict[str, int] = {}
        """Each article with changes not on disk yet, and the seq of its last change."""
        self._seq = 0
        self._written = 0
        self._attempts = 0
        self._failed_attempt = 0
        self._failures = 0
        self._error: str | None = None
        self._next_retry = 0.0
        self._retry_now = False
        self._stopping = False
        self._journal = _JournalFile(folder / HISTORY)

    # Opening: before the thread starts

    def number_after(self, last: int) -> None:
        """Number the next operation after `last`, the highest the journal or a shard holds."""
        self._n = last

    def found_journal(self, size: int, lines: int, *, torn: bool) -> None:
        """The journal as opening read it: `lines` complete lines, `size` bytes, then a torn line
        if `torn` (an append a crash cut short, never acknowledged: it is cut off first). One
        that holds more than the history is compacted first."""
        compact_due = lines > self._history.compact_lines
        self._journal = _JournalFile(
            self._folder / HISTORY, size, lines, trim_due=torn, compact_due=compact_due
        )

    def start_journal_afresh(self, history: _History) -> None:
        """Start a new journal, of `history` (recover set the old one aside)."""
        self._history = history
        self._journal = _JournalFile(self._folder / HISTORY)

    def reapplied(self, article_ids: Iterable[str]) -> None:
        """Articles the journal changed at open (edits a crash kept from their shards): flush()
        and close() wait for their shards too."""
        self._seq += 1
        self._unsaved.update(dict.fromkeys(article_ids, self._seq))

    def forget_changes(self) -> None:
        """Forget the shards marked changed (a read-only store changes them in memory only)."""
        self._dirty.clear()

    def start(self, name: str) -> None:
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    @property
    def started(self) -> bool:
        return self._thread is not None

    # The Store's changes (with the state lock held)

    def number(self) -> int:
        """The number of a new journal operation: every shard written from now on holds it."""
        self._n += 1
        return self._n

    def queue(self, line: bytes, article_id: str) -> None:
        """Journal `line`, an operation on `article_id`, before its shard is written."""
        self._pending.append(line)
        self._seq += 1
        self._unsaved[article_id] = self._seq
        self._cond.notify_all()

    def renumber_past(self, stamp: int) -> None:
        """Number every operation kept, and every one to come, above `stamp`: the history's
        numbers move up by as much as the last one must, and the journal is rewritten to them
        as a compaction (the job that writes it counts as a change for flush())."""
        by = stamp - self._n
        if by <= 0:
            return
        self._history.shift(by)
        self._n = stamp
        self._journal.compact_due = True
        self._seq += 1
        self._cond.notify_all()

    def changed(self, number: int, storage: ShardStorage) -> None:
        """Shard `number` changed in memory: the next job writes it."""
        self._dirty[number] = storage

    def is_dirty(self, number: int) -> bool:
        """Whether shard `number` has changes the writer has not taken yet."""
        return number in self._dirty

    def unsaved(self) -> list[str]:
        """The articles with changes not on disk yet, sorted."""
        return sorted(self._unsaved)

    @property
    def state(self) -> SaveState:
        """Saved, saving (changes not on disk yet) or failed (and retrying, with the error)."""
        state = self._state
        if state.kind == "saved" and self._written < self._seq:
            return SaveState("saving", time.time())
        return state

    # The writer thread

    def _run(self) -> None:
        while True:
            with self._cond:
                job = self._next_job()
                if job is None:
                    return
                starting = self._state.kind == "saved"
            if starting:
                self._set_state("saving", None)
            try:
                self._write(job)
            except Exception as error:
                with self._cond:
                    message = self._failed(job, error)
                self._set_state("failed", message)
            else:
                with self._cond:
                    idle = self._written_up_to(job)
                if idle or self._state.kind == "failed":
                    self._set_state("saved" if idle else "saving", None)

    def _has_work(self) -> bool:
        journal = self._journal
        return bool(self._pending or self._dirty or journal.compact_due or journal.trim_due)

    def _next_job(self) -> _Job | None:
        while True:
            if self._stopping and not (self._pending or self._dirty):
                return None  # close_journal() compacts the journal itself
            if not self._has_work():
                self._cond.wait()
                continue
            if self._error is not None and not self._retry_now:
                left = self._next_retry - time.monotonic()
                if left > 0:
                    self._cond.wait(left)
                    continue
            break
        self._retry_now = False
        self._attempts += 1
        job = _Job(self._attempts, self._seq, trim=self._journal.trim_due)
        if self._journal.compact_due and not self._pending and not self._dirty:
            # Only when everything is on disk: the edits it drops are then in their shards.
            job.journal = self._history.compacted()
            job.journal_lines = self._history.compact_lines
        job.lines, self._pending = self._pending, []
        for number in sorted(self._dirty):
            # Every operation so far is in this job's lines or an earlier job's, which the
            # journal takes before the shards: the shard holds them all.
            storage = self._dirty[number]
            data = storage.serialize(self._n)
            job.shards.append((number, storage, data, storage.version))
        self._dirty.clear()
        return job

    def _write(self, job: _Job) -> None:
        """Journal first, then the shards, then fsync the folder (outside the lock)."""
        if job.trim:
            self._journal.trim()
        if job.journal is not None:
            self._journal.rewrite(job.journal, job.journal_lines)
        elif job.lines:
            self._journal.append(b"".join(job.lines), len(job.lines))
        job.journal_done = True
        for _, storage, data, _ in job.shards:
            atomic_write(storage.path, data, backup=True, sync_dir=False)
        if job.shards:
            fsync_dir(self._folder)

    def _failed(self, job: _Job, error: Exception) -> str:
        """Put a failed job's work back (nothing is dropped) and schedule a retry; returns the
        reason in a few words, for the footer (the full message, with the file, is kept)."""
        if not job.journal_done:
            self._pending[:0] = job.lines
        self._dirty.update((number, storage) for number, storage, _, _ in job.shards)
        self._failures += 1
        delay = self._retry_delays[min(self._failures, len(self._retry_delays)) - 1]
        self._next_retry = time.monotonic() + delay
        self._failed_attempt = job.attempt
        if isinstance(error, OSError):
            short = "disk full" if error.errno == errno.ENOSPC else str(error.strerror or error)
            where = f" ({error.filename})" if error.filename else ""
            reason = f"{error.strerror or error}{where}"
        else:
            short = reason = f"{type(error).__name__}: {error}"
        self._error = (
            f"not saved: {reason}; {len(self._unsaved)} article(s) waiting, retrying every "
            f"{self._retry_delays[-1]:g} s"
        )
        self._cond.notify_all()
        return short

    def _written_up_to(self, job: _Job) -> bool:
        """Record a successful job; True if nothing is left to write."""
        self._written = max(self._written, job.seq)
        for article_id in [i for i, seq in self._unsaved.items() if seq <= job.seq]:
            del self._unsaved[article_id]
        self._error = None
        self._failures = 0
        for _, storage, data, version in job.shards:
            storage.written(version, data)
        if self._history.outgrown(self._journal.lines, self._journal.size):
            self._journal.compact_due = True
        self._cond.notify_all()
        return not self._has_work()

    def _set_state(self, kind: Literal["saved", "saving", "failed"], error: str | None) -> None:
        state = SaveState(kind, time.time(), error)
        self._state = state
        if self._on_state is not None:
            with contextlib.suppress(Exception):
                self._on_state(state)

    # Flushing and stopping

    def flush(self, timeout: float | None = None) -> None:
        """Wait until every change so far is on disk; StoreError if it cannot be written."""
        if self._thread is None:
            return
        if threading.current_thread() is self._thread:
            raise StoreError("flush() was called from the store's writer (an on_state callback)")
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            target = self._seq
            since = self._attempts
            self._retry_now = True
            self._cond.notify_all()
            while self._written < target:
                if self._failed_attempt > since:
                    raise StoreError(self._unsaved_message())
                if not self._thread.is_alive():
                    raise StoreError(
                        f"{self._folder}: the writer stopped; {self._unsaved_message()}"
                    )
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    raise StoreError(
                        f"{self._folder}: not written within {timeout:g} s; "
                        f"{self._unsaved_message()}"
                    )
                # In slices: a writer that died of a bug notifies no one, and the check of
                # is_alive above must come round again rather than wait for ever.
                self._cond.wait(_FLUSH_SLICE if left is None else min(left, _FLUSH_SLICE))

    def _unsaved_message(self) -> str:
        ids = self.unsaved()
        shown = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
        reason = self._error or "not written yet"
        return f"changes to {len(ids)} article(s) are not saved ({shown}): {reason}"

    def stop(self, timeout: float) -> None:
        """Write what is pending, then stop the thread. If the changes cannot be written within
        `timeout` (disk still full...), a StoreError naming them, and the thread keeps retrying."""
        assert self._thread is not None
        try:
            self.flush(timeout)
        except StoreError as error:
            raise StoreError(
                f"{error}. Nothing was discarded: free space (or fix the folder) and quit again"
            ) from None
        with self._cond:
            if self._written < self._seq:  # saved by another thread meanwhile
                raise StoreError(f"{self._folder}: changes were still being made; close again")
            self._stopping = True
            self._cond.notify_all()
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise StoreError(f"{self._folder}: the writer did not stop; close again")

    def close_journal(self, *, compact: bool) -> None:
        """Once stopped: rewrite the journal to the history if it holds more (and `compact`),
        then close it."""
        if compact and self._journal.lines > self._history.compact_lines:
            with contextlib.suppress(OSError):
                self._journal.rewrite(self._history.compacted(), self._history.compact_lines)
        self._journal.close()
