"""Commands on a whole store folder: listing the annotators' stores, and recovering a damaged one.

recover() moves each damaged file aside (never deleting it), restores its last good copy where
there is one, and where the journal lost edits its shards hold, keeps each article's newest
record and starts the undo history afresh.
"""

from __future__ import annotations

import contextlib
import itertools
import time
from pathlib import Path

from cooltui.store.files import atomic_write, fsync_dir
from cooltui.store.journal import _journal_ops
from cooltui.store.layout import (
    _NAME,
    HISTORY,
    MANIFEST,
    V0_FILE,
    StoreCorrupt,
    StoreError,
    _unreadable,
    check_annotator,
)
from cooltui.store.lock import FolderLock
from cooltui.store.migrate import SCHEMA_VERSION, _manifest_problem, write_manifest
from cooltui.store.shards import _SHARD_FILE, DEFAULT_SHARDS, _parse_shard, _shard_files, shard_name
from cooltui.store.store import Store


def annotators(store_dir: Path) -> list[str]:
    """The names of the annotator stores in `store_dir`."""
    names = []
    with contextlib.suppress(FileNotFoundError, NotADirectoryError):
        for path in Path(store_dir).iterdir():
            if (
                _NAME.fullmatch(path.name)
                and path.is_dir()
                and ((path / MANIFEST).exists() or (path / V0_FILE).exists())
            ):
                names.append(path.name)
    return sorted(names)


def _check_readable(folder: Path) -> None:
    """Raise _unreadable for the first store file of `folder` this user may not read."""
    for path in sorted(folder.iterdir()):
        name = path.name.removesuffix(".bak")
        if name not in (MANIFEST, HISTORY) and not _SHARD_FILE.fullmatch(name):
            continue
        try:
            path.open("rb").close()
        except PermissionError as error:
            raise _unreadable(folder, error) from None


def _move_aside(path: Path, stamp: str) -> Path:
    """Rename a damaged file to <name>.corrupt-<stamp>, never over another file."""
    for n in itertools.count(1):
        target = path.with_name(f"{path.name}.corrupt-{stamp}" + (f"-{n}" if n > 1 else ""))
        if not target.exists():
            path.rename(target)
            fsync_dir(path.parent)
            return target
    raise AssertionError("unreachable")


def _shard_problem(path: Path) -> str | None:
    try:
        raw = path.read_bytes()
    except OSError as error:
        return f"unreadable: {error.strerror}"
    return _parse_shard(raw)[1]


def _recover_manifest(folder: Path, annotator: str, stamp: str) -> list[str]:
    path = folder / MANIFEST
    if path.exists():
        try:
            problem = _manifest_problem(path.read_bytes())[1]
        except OSError as error:
            problem = f"unreadable: {error.strerror}"
        if problem is None:
            return []
        aside = _move_aside(path, stamp)
        lines = [f"{path}: {problem}; moved it to {aside.name}"]
    elif _shard_files(folder):
        lines = [f"{path}: missing"]
    else:
        return []
    backup = path.with_name(path.name + ".bak")
    if backup.exists() and _manifest_problem(backup.read_bytes())[1] is None:
        atomic_write(path, backup.read_bytes())
        return [*lines, f"{path}: restored from {backup.name}"]
    write_manifest(folder, annotator, DEFAULT_SHARDS)
    return [*lines, f"{path}: wrote a new one (schema {SCHEMA_VERSION})"]


def _recover_shards(folder: Path, stamp: str) -> list[str]:
    lines = []
    for path in _shard_files(folder).values():
        problem = _shard_problem(path)
        if problem is None:
            continue
        aside = _move_aside(path, stamp)
        backup = path.with_name(path.name + ".bak")
        if backup.exists() and _shard_problem(backup) is None:
            atomic_write(path, backup.read_bytes())
            lines.append(
                f"{path}: {problem}; moved it to {aside.name} and restored {backup.name} "
                "(the shard before its last save; edits still in the undo history are "
                "applied again at the next open)"
            )
        else:
            lines.append(
                f"{path}: {problem}; moved it to {aside.name}; there is no good copy, so its "
                "articles are gone from the store except those in the undo history"
            )
    return lines


def _recover_history(folder: Path, stamp: str) -> list[str]:
    path = folder / HISTORY
    try:
        _journal_ops(path.read_bytes(), path, strict=True)
    except FileNotFoundError:
        return []
    except StoreCorrupt as error:
        aside = _move_aside(path, stamp)
        return [f"{path}: {error.detail}; moved it to {aside.name}; the undo history starts empty"]
    return []


def _recover_journal(folder: Path, annotator: str, stamp: str) -> list[str]:
    """Where the journal has lost edits its shards hold, keep each article's newest record (the
    shard's; the journal's where a crash left it ahead) and set the journal aside."""
    journal = folder / HISTORY
    if not journal.exists():
        return []
    store = Store(folder, annotator, read_only=False, folder_lock=None, on_state=None)
    disagreements = store._load(reconcile=True)
    if not disagreements:
        return []
    ahead = store._writer.unsaved()
    # The journal's newer records go to their shards before the journal goes aside whole.
    store._start_history_afresh()
    store._start()
    store.close()
    aside = _move_aside(journal, stamp)
    lines = [f"{journal}: it has lost edits that the shards hold; moved it to {aside.name}"]
    named = {d.shard for d in disagreements if d.article_id is not None}
    lines += [
        f"{folder / shard_name(d.shard)}: kept "
        + (f"the record of {d.article_id!r}" if d.article_id else "its records")
        + f" (edits up to #{d.shard_stamp}; the journal's last was #{d.journal})"
        for d in disagreements
        if d.article_id is not None or d.shard not in named  # a shard named once is enough
    ]
    lines += [f"{journal}: took its newer record of {article_id!r}" for article_id in ahead]
    return [*lines, f"{journal}: the undo history starts empty"]


def recover(store_dir: Path, annotator: str) -> list[str]:
    """Move each damaged file of a store aside (<name>.corrupt-<time>) and restore its last good
    copy where there is one. Returns lines saying what was done. Takes the store's lock, so it
    refuses while a cooltui has the store open.
    """
    check_annotator(annotator)
    folder = Path(store_dir) / annotator
    if not folder.is_dir():
        raise StoreError(f"there is no store of {annotator!r} in {store_dir}")
    folder_lock = FolderLock.acquire(folder)
    try:
        _check_readable(folder)  # before anything is moved: an unreadable file is not damaged
        stamp = time.strftime("%Y%m%dT%H%M%S")
        lines = [
            *_recover_manifest(folder, annotator, stamp),
            *_recover_shards(folder, stamp),
            *_recover_history(folder, stamp),
            *_recover_journal(folder, annotator, stamp),
        ]
    except OSError as error:
        raise StoreError(f"recovering {folder} failed: {error}") from None
    finally:
        folder_lock.release()
    return lines or [f"{folder}: every file is readable; nothing to do"]
