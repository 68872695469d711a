"""The annotation store: round trips, history, locking, corruption, schema, full disk."""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from tinydb import TinyDB

import cooltui.store.files as store_files
import cooltui.store.journal as store_journal
import cooltui.store.migrate as store_migrate
import cooltui.store.writer as store_writer
from cooltui.model import Annotation, Span, Status
from cooltui.store import (
    DEFAULT_SHARDS,
    HISTORY,
    MANIFEST,
    SCHEMA_VERSION,
    ReadOnlyStore,
    SaveState,
    Store,
    StoreCorrupt,
    StoreError,
    StoreLocked,
    annotators,
    recover,
    shard_name,
    shard_of,
)

TEXT = "Budi pergi ke Jakarta bersama Ani."


def ann(
    article_id: str = "a1",
    note: str = "",
    status: Status = Status.IN_PROGRESS,
    sha: str = "sha-1",
) -> Annotation:
    return (
        Annotation.new(article_id, sha, now=1000.0)
        .add_span(Span(0, 4, "PER", "Budi"))
        .add_span(Span(14, 21, "LOC", "Jakarta", "rule:gazetteer"))
        .with_doc_labels("topik", ["politik"])
        .with_note(note)
        .with_status(status)
    )


def content(annotation: Annotation | None) -> dict[str, Any] | None:
    """An annotation's stored form without its timestamps (which save() stamps)."""
    if annotation is None:
        return None
    record = annotation.to_dict()
    del record["created"], record["updated"]
    return record


def wait_for(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.01)


def undoable(store: Store) -> list[tuple[str, str | None]]:
    """The edits undo would revert, newest first: each one's article and its note before the
    edit (None: there was no record), read from the store's undo stack."""
    return [
        (entry.article_id, None if before is None else before["note"])
        for entry in reversed(store._history.undo)
        for before, _ in [entry.records()]
    ]


def tree(folder: Path) -> dict[str, tuple[int, bytes | None]]:
    """Every file and folder under `folder`, with its mtime and (files) its bytes."""
    listing: dict[str, tuple[int, bytes | None]] = {".": (folder.stat().st_mtime_ns, None)}
    for path in sorted(folder.rglob("*")):
        content = path.read_bytes() if path.is_file() else None
        listing[str(path.relative_to(folder))] = (path.stat().st_mtime_ns, content)
    return listing


def contents(folder: Path) -> dict[str, bytes]:
    """The bytes of the store's data files (not the lock files)."""
    return {
        p.name: p.read_bytes()
        for p in sorted(folder.iterdir())
        if p.is_file() and not p.name.startswith("lock")
    }


def shard_path(store_dir: Path, article_id: str, annotator: str = "alice") -> Path:
    return store_dir / annotator / shard_name(shard_of(article_id, DEFAULT_SHARDS))


def shard_notes(store_dir: Path, article_id: str) -> dict[str, str]:
    """The notes in the shard file of `article_id`, read by stock TinyDB (no journal replay)."""
    db = TinyDB(shard_path(store_dir, article_id), access_mode="r")
    try:
        return {r["id"]: r["note"] for r in db.table("annotations").all()}
    finally:
        db.close()


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    return tmp_path / "annotations"


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Store, "retry_delays", (0.05,))
    monkeypatch.setattr(Store, "close_timeout", 3.0)


@pytest.fixture
def opened(store_dir: Path) -> Iterator[Store]:
    store = Store.open(store_dir, "alice")
    yield store
    store.close()


class Faults:
    """A fault-injecting disk: while `error` is set, every write puts half its bytes down and fails."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.error: int | None = None
        self.calls = 0
        real = store_files._write_fully

        def write_fully(fd: int, data: bytes) -> None:
            self.calls += 1
            if self.error is not None:
                os.write(fd, data[: len(data) // 2])
                raise OSError(self.error, os.strerror(self.error))
            real(fd, data)

        monkeypatch.setattr(store_files, "_write_fully", write_fully)


@pytest.fixture
def faults(monkeypatch: pytest.MonkeyPatch) -> Faults:
    return Faults(monkeypatch)


# Round trips


def test_round_trip_through_close_and_reopen(store_dir: Path) -> None:
    first, second = ann("a1", note="catatan"), ann("a2", status=Status.DONE)
    with Store.open(store_dir, "alice") as store:
        store.save(first)
        store.save(second)
        assert store.get("a1") == first
        store.flush()
    with Store.open(store_dir, "alice") as store:
        assert store.get("a1") == first
        assert store.get("a2") == second
        assert store.get("nope") is None
        assert len(store) == 2
        assert sorted(a.article_id for a in store) == ["a1", "a2"]


def test_shards_are_real_tinydb_files(store_dir: Path, opened: Store) -> None:
    opened.save(ann("a1", note="x"))
    opened.flush()
    db = TinyDB(shard_path(store_dir, "a1"), access_mode="r")
    try:
        records = db.table("annotations").all()
    finally:
        db.close()
    assert [Annotation.from_dict(r) for r in records] == [ann("a1", note="x")]
    manifest = orjson.loads((store_dir / "alice" / MANIFEST).read_bytes())
    assert manifest["schema"] == SCHEMA_VERSION
    assert manifest["annotator"] == "alice"
    assert manifest["shards"] == DEFAULT_SHARDS
    assert manifest["created_by"].startswith("cooltui ")


def test_save_stamps_updated_unless_the_caller_did(opened: Store) -> None:
    opened.save(ann("a1"))
    stamped = opened.get("a1")
    assert stamped is not None and stamped.updated == 1000.0  # Annotation.new set it
    before = time.time()
    opened.save(stamped.with_note("lupa touched()"))
    updated = opened.get("a1")
    assert updated is not None and updated.updated >= before
    assert updated.created == 1000.0
    opened.save(updated.with_note("b").touched(now=updated.updated + 50, seconds=7))
    touched = opened.get("a1")
    assert touched is not None and touched.updated == updated.updated + 50
    assert touched.seconds == 7


def test_blank_timestamps_are_filled(opened: Store) -> None:
    opened.save(Annotation("a9", "sha"))
    saved = opened.get("a9")
    assert saved is not None and saved.created > 0 and saved.updated == saved.created


def test_saving_the_same_value_is_not_an_edit(opened: Store) -> None:
    opened.save(ann("a1"))
    current = opened.get("a1")
    assert current is not None
    opened.save(current)
    assert len(undoable(opened)) == 1
    opened.save(current.with_note("changed, with the same time stamps"))
    assert len(undoable(opened)) == 2


def test_statuses_and_delete(opened: Store) -> None:
    opened.save(ann("a1", status=Status.DONE))
    opened.save(ann("a2", status=Status.FLAGGED))
    opened.save(ann("a1", status=Status.SKIPPED))
    statuses = opened.statuses()
    assert statuses == {"a1": Status.SKIPPED, "a2": Status.FLAGGED}
    statuses["zzz"] = Status.DONE  # a copy
    opened.delete("a2")
    assert opened.statuses() == {"a1": Status.SKIPPED}
    assert opened.get("a2") is None
    assert "a2" not in opened and "a1" in opened


def test_state_goes_saving_then_saved(store_dir: Path) -> None:
    states: list[SaveState] = []
    with Store.open(store_dir, "alice", on_state=states.append) as store:
        assert store.state.kind == "saved"
        store.save(ann())
        store.flush()
        wait_for(lambda: store.state.kind == "saved" and len(states) >= 2)
    kinds = [s.kind for s in states]
    assert kinds[0] == "saving" and kinds[-1] == "saved"
    assert all(s.error is None for s in states)


def test_save_returns_before_the_disk_write(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = threading.Event()
    writes: Counter[str] = Counter()
    real = store_writer.atomic_write

    def slow_write(path: Path, data: bytes, **kwargs: Any) -> None:
        if path.name.startswith("shard-"):
            writes[path.name] += 1
            gate.wait(10)
        real(path, data, **kwargs)

    monkeypatch.setattr(store_writer, "atomic_write", slow_write)
    store = Store.open(store_dir, "alice")
    try:
        start = time.perf_counter()
        for n in range(30):
            store.save(ann("a1", note=f"edit {n}"))
        assert time.perf_counter() - start < 1.0  # not blocked on the writer (held at the gate)
        assert store.state.kind == "saving"
        with pytest.raises(StoreError, match="not written within"):
            store.flush(timeout=0.1)
        gate.set()
        store.flush(timeout=10)
    finally:
        gate.set()
        store.close()
    # 30 saves of one article: one write was under way, the other 29 became one more.
    assert writes[shard_path(store_dir, "a1").name] <= 3
    with Store.open(store_dir, "alice", read_only=True) as store:
        assert content(store.get("a1")) == content(ann("a1", note="edit 29"))


def test_saved_on_disk_soon_without_flush(store_dir: Path, opened: Store) -> None:
    start = time.monotonic()
    opened.save(ann("a1", note="soon"))
    path = shard_path(store_dir, "a1")
    wait_for(lambda: path.exists() and b'"soon"' in path.read_bytes(), timeout=2)
    assert time.monotonic() - start < 1.0


def test_closed_store_refuses_writes_and_close_is_idempotent(store_dir: Path) -> None:
    store = Store.open(store_dir, "alice")
    store.save(ann())
    store.close()
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.save(ann("a2"))
    with Store.open(store_dir, "alice") as again:  # the lock was released
        assert content(again.get("a1")) == content(ann())


# Undo, redo, history


def test_undo_and_redo_across_articles(opened: Store) -> None:
    opened.save(ann("a1", note="one"))
    opened.save(ann("b", note="bee"))
    opened.save(ann("a1", note="two"))
    assert opened.can_undo and not opened.can_redo

    undone = opened.undo()
    assert undone is not None and undone.article_id == "a1" and undone.note == "one"
    assert opened.get("a1") == undone

    undone = opened.undo()  # b's first save: its record goes
    assert undone is not None and undone.article_id == "b" and undone.is_empty
    assert opened.get("b") is None and "b" not in opened.statuses()

    redone = opened.redo()
    assert redone is not None and redone.article_id == "b" and redone.note == "bee"
    assert opened.get("b") == redone
    redone = opened.redo()
    assert redone is not None and redone.note == "two"
    assert opened.redo() is None
    assert content(opened.get("a1")) == content(ann("a1", note="two"))


span_edits = st.lists(
    st.tuples(
        st.integers(0, 4),
        st.integers(1, 2),
        st.sampled_from(["PER", "LOC"]),
        st.sampled_from(["manual", "rule:x"]),
        st.sampled_from(["add", "remove", "replace", "undo"]),
    ),
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(span_edits)
@example([(0, 2, "PER", "manual", "add"), (0, 2, "PER", "rule:x", "replace")])
def test_every_save_stores_and_journals_the_spans_saved(edits) -> None:
    """A save reuses the stored dicts of the spans an edit kept: what is stored, and what a
    restart reads back, is still exactly the annotation saved (sources and texts included)."""
    with tempfile.TemporaryDirectory() as folder:
        with Store.open(Path(folder), "ann") as store:
            annotation = Annotation.new("a1", "sha", now=1000.0).with_status(Status.IN_PROGRESS)
            for start, length, label, source, kind in edits:
                span = Span(start, start + length, label, TEXT[start : start + length], source)
                if kind == "undo":
                    annotation = store.undo() or annotation
                    annotation = store.get("a1") or annotation
                    continue
                if kind != "add":  # replace: an equal span, its source maybe changed
                    annotation = annotation.remove_span(span)
                if kind != "remove":
                    annotation = annotation.add_span(span)
                store.save(annotation)
                assert content(store.get("a1")) == content(annotation)
            last = store.get("a1")
        with Store.open(Path(folder), "ann") as reopened:
            assert content(reopened.get("a1")) == content(last)


def test_undo_with_nothing_to_undo(opened: Store) -> None:
    assert opened.undo() is None
    assert opened.redo() is None
    assert not opened.can_undo and not opened.can_redo


def test_undo_a_delete_brings_the_record_back(opened: Store) -> None:
    opened.save(ann("a1", note="keep"))
    opened.delete("a1")
    assert opened.get("a1") is None
    restored = opened.undo()
    assert restored == ann("a1", note="keep")
    assert opened.get("a1") == restored


def test_a_new_edit_clears_redo(opened: Store) -> None:
    opened.save(ann("a1", note="one"))
    opened.save(ann("a1", note="two"))
    opened.undo()
    assert opened.can_redo
    opened.save(ann("a2"))
    assert not opened.can_redo
    assert opened.redo() is None


def test_each_edit_journals_the_record_it_changed_after_undo_redo_and_other_articles(
    store_dir: Path,
) -> None:
    """An edit journals its article's record before it from the last edit's JSON when that is
    still the record: after an undo or a redo it is not, and undoing must bring back what was
    really there, in this session and the next."""
    with Store.open(store_dir, "alice") as store:
        for note in ("v1", "v2"):
            store.save(ann("a1", note=note))
        store.undo()  # back to v1
        store.save(ann("a1", note="v3"))  # from v1, not v2
        store.save(ann("a2", note="elsewhere"))
        store.undo()
        store.redo()
        store.save(ann("a2", note="again"))  # from "elsewhere", as redone
        store.delete("a1")
        store.save(ann("a1", note="v4"))  # from nothing
        assert [note for _, note in undoable(store)] == [
            None, "v3", "elsewhere", None, "v1", None,
        ]  # fmt: skip
    with Store.open(store_dir, "alice") as store:
        notes = []
        while (undone := store.undo()) is not None:
            notes.append((undone.article_id, undone.note))
        assert notes == [
            ("a1", ""), ("a1", "v3"), ("a2", "elsewhere"), ("a2", ""), ("a1", "v1"), ("a1", ""),
        ]  # fmt: skip


def test_undo_and_redo_survive_a_restart(store_dir: Path) -> None:
    with Store.open(store_dir, "alice") as store:
        store.save(ann("a1", note="monday"))
        store.save(ann("a2", note="tuesday"))
        store.save(ann("a1", note="yesterday"))
        store.save(ann("a3", note="undone"))
        store.undo()
    with Store.open(store_dir, "alice") as store:
        assert store.can_redo
        assert store.get("a3") is None
        undone = store.undo()  # yesterday's last edit
        assert undone is not None and (undone.article_id, undone.note) == ("a1", "monday")
    with Store.open(store_dir, "alice") as store:
        assert content(store.get("a1")) == content(ann("a1", note="monday"))
        redone = store.redo()
        assert redone is not None and redone.note == "yesterday"
        redone = store.redo()
        assert redone is not None and (redone.article_id, redone.note) == ("a3", "undone")
        store.save(ann("a4"))
    with Store.open(store_dir, "alice") as store:
        assert not store.can_redo
        assert [article_id for article_id, _ in undoable(store)] == ["a4", "a3", "a1", "a2", "a1"]


def test_history_is_bounded_in_memory_and_on_disk(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_journal, "HISTORY_LIMIT", 5)
    journal = store_dir / "alice" / HISTORY
    with Store.open(store_dir, "alice") as store:
        for n in range(40):
            store.save(ann("a1", note=str(n)))
        store.flush()
        # Compacted while running: never more than the bound plus one bound of new lines.
        wait_for(lambda: len(journal.read_bytes().splitlines()) <= 11)
        assert len(undoable(store)) == 5
    assert len(journal.read_bytes().splitlines()) == 5  # compacted at close
    with Store.open(store_dir, "alice") as store:
        notes = []
        while (undone := store.undo()) is not None:
            notes.append(undone.note)
        assert notes == ["38", "37", "36", "35", "34"]
        assert content(store.get("a1")) == content(ann("a1", note="34"))


# Read-only


def test_read_only_refuses_writes_and_touches_nothing(store_dir: Path) -> None:
    with Store.open(store_dir, "alice") as store:
        store.save(ann("a1"))
        store.save(ann("a2", status=Status.DONE))
        store.undo()
    folder = store_dir / "alice"
    before = tree(store_dir)
    reader = Store.open(store_dir, "alice", read_only=True)
    assert reader.read_only
    assert content(reader.get("a1")) == content(ann("a1"))
    assert reader.statuses() == {"a1": Status.IN_PROGRESS}
    assert [a.article_id for a in reader] == ["a1"]
    assert len(undoable(reader)) == 1
    assert not reader.can_undo and not reader.can_redo
    for write in (
        lambda: reader.save(ann("a3")),
        lambda: reader.delete("a1"),
        reader.undo,
        reader.redo,
    ):
        with pytest.raises(ReadOnlyStore, match="read-only"):
            write()
    carried = reader.reanchor("a1", "Oh. " + TEXT, "sha-2")
    assert carried is not None and carried.spans[0].start == 4  # computed, not saved
    reader.flush()
    reader.close()
    assert tree(store_dir) == before
    assert (folder / "lock").exists()  # the writer's, untouched


def test_read_only_of_a_missing_store_creates_nothing(store_dir: Path) -> None:
    with pytest.raises(StoreError, match="no store of 'bob'"):
        Store.open(store_dir, "bob", read_only=True)
    assert not store_dir.exists()


def test_read_only_while_a_writer_has_it_open(store_dir: Path, opened: Store) -> None:
    opened.save(ann("a1", note="live"))
    opened.flush()
    with Store.open(store_dir, "alice", read_only=True) as reader:
        assert content(reader.get("a1")) == content(ann("a1", note="live"))


# One writer


def test_a_second_writer_in_the_same_process_is_refused(store_dir: Path, opened: Store) -> None:
    with pytest.raises(StoreLocked) as refused:
        Store.open(store_dir, "alice")
    message = str(refused.value)
    assert f"pid {os.getpid()}" in message
    assert socket.gethostname() in message
    assert "--read-only" in message
    assert str(store_dir / "alice") in message


HOLDER = """
import sys
from pathlib import Path
from cooltui.store import Store
store = Store.open(Path(sys.argv[1]), "alice")
print("ready", flush=True)
sys.stdin.readline()
"""


def test_another_process_holding_the_store_then_killed(store_dir: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(store_dir)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreLocked) as refused:
            Store.open(store_dir, "alice")
        assert f"pid {holder.pid} on host {socket.gethostname()}" in str(refused.value)
        with Store.open(store_dir, "alice", read_only=True) as reader:
            assert len(reader) == 0
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    assert (store_dir / "alice" / "lock").exists()  # left behind by the killed process...
    with Store.open(store_dir, "alice") as store:  # ...and it does not block
        store.save(ann())


def test_recover_refuses_while_the_store_is_open(store_dir: Path, opened: Store) -> None:
    with pytest.raises(StoreLocked):
        recover(store_dir, "alice")


# Names


@pytest.mark.parametrize("name", ["", "../x", "a/b", ".hidden", "-x", "a b", "x" * 65, "é"])
def test_unsafe_annotator_names_are_refused(store_dir: Path, name: str) -> None:
    with pytest.raises(StoreError, match="annotator name"):
        Store.open(store_dir, name)
    assert not store_dir.exists()


def test_annotators_lists_the_stores(store_dir: Path) -> None:
    assert annotators(store_dir) == []
    for name in ("bob", "alice", "c.d-e_1"):
        Store.open(store_dir, name).close()
    (store_dir / "not-a-store").mkdir()
    (store_dir / "file.txt").write_text("x")
    assert annotators(store_dir) == ["alice", "bob", "c.d-e_1"]


# Damaged files


def _saved_twice(store_dir: Path) -> Path:
    """A store where a1 was saved as v1 and then v2: its shard holds v2, the .bak v1."""
    with Store.open(store_dir, "alice") as store:
        store.save(ann("a1", note="v1"))
        store.flush()
        store.save(ann("a1", note="v2"))
        store.save(ann("other", note="elsewhere"))
    return shard_path(store_dir, "a1")


DAMAGES = {
    "truncated": lambda raw: raw[: len(raw) // 2],
    "empty": lambda raw: b"",
    "garbage": lambda raw: b"\x00\xff\xfe garbage",
    "extra data": lambda raw: raw + b'"}}',
    "not an object": lambda raw: b"[1, 2, 3]",
    "table not an object": lambda raw: b'{"annotations": [1]}',
    "document id not a number": lambda raw: raw.replace(b'{"1":', b'{"one":', 1),
    "record without id": lambda raw: raw.replace(b'"id":"a1"', b'"idx":"a1"'),
    "unknown status": lambda raw: raw.replace(b'"in_progress"', b'"half-done"'),
}


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_shard_is_refused_and_left_as_it_is(store_dir: Path, damage: str) -> None:
    path = _saved_twice(store_dir)
    damaged = DAMAGES[damage](path.read_bytes())
    path.write_bytes(damaged)
    before = contents(store_dir / "alice")
    for read_only in (False, True):
        with pytest.raises(StoreCorrupt) as refused:
            Store.open(store_dir, "alice", read_only=read_only)
        assert refused.value.paths == (path,)
        assert str(path) in str(refused.value)
        assert "cooltui store recover alice" in str(refused.value)
    assert contents(store_dir / "alice") == before
    assert path.read_bytes() == damaged


def test_recover_moves_the_bad_shard_aside_and_restores_its_backup(store_dir: Path) -> None:
    path = _saved_twice(store_dir)
    damaged = path.read_bytes()[:-7]
    path.write_bytes(damaged)
    (store_dir / "alice" / HISTORY).unlink()  # without the journal, the .bak is all there is
    lines = recover(store_dir, "alice")
    assert any(str(path) in line and "restored" in line for line in lines), lines
    aside = list(path.parent.glob(path.name + ".corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == damaged
    with Store.open(store_dir, "alice") as store:
        assert content(store.get("a1")) == content(
            ann("a1", note="v1")
        )  # the state before the last save
        assert content(store.get("other")) == content(ann("other", note="elsewhere"))
    assert recover(store_dir, "alice") == [
        f"{store_dir / 'alice'}: every file is readable; nothing to do"
    ]


def test_recover_then_the_journal_brings_back_the_last_edit(store_dir: Path) -> None:
    path = _saved_twice(store_dir)
    path.write_bytes(b"\x00" * 100)
    recover(store_dir, "alice")
    with Store.open(store_dir, "alice") as store:
        assert content(store.get("a1")) == content(ann("a1", note="v2"))
    assert (
        Annotation.from_dict(TinyDB(path, access_mode="r").table("annotations").all()[0]).note
        == "v2"
    )


def test_recover_without_a_good_copy_says_so(store_dir: Path) -> None:
    with Store.open(store_dir, "alice") as store:
        store.save(ann("a1"))
    path = shard_path(store_dir, "a1")
    path.write_bytes(b"{")
    (store_dir / "alice" / HISTORY).unlink()
    lines = recover(store_dir, "alice")
    assert any("no good copy" in line for line in lines), lines
    with Store.open(store_dir, "alice") as store:
        assert len(store) == 0


def test_a_record_damaged_inside_is_found_when_its_shard_is_used(store_dir: Path) -> None:
    path = _saved_twice(store_dir)
    (store_dir / "alice" / HISTORY).unlink()  # else the journal check finds it at open
    damaged = path.read_bytes().replace(b'"start":0', b'"start":"zero"')
    path.write_bytes(damaged)
    store = Store.open(store_dir, "alice")
    try:
        with pytest.raises(StoreCorrupt) as refused:
            store.get("a1")
        assert str(path) in str(refused.value)
        with pytest.raises(StoreCorrupt):
            store.save(ann("elsewhere"))  # no more writes until recovered
        assert store.statuses() == {"a1": Status.IN_PROGRESS, "other": Status.IN_PROGRESS}
    finally:
        store.close()
    with Store.open(store_dir, "alice", read_only=True) as reader, pytest.raises(StoreCorrupt):
        list(reader)  # what the exporter does: every record is checked
    assert path.read_bytes() == damaged
    lines = recover(store_dir, "alice")
    assert any("restored" in line for line in lines)
    with Store.open(store_dir, "alice") as store:
        assert content(store.get("a1")) == content(ann("a1", note="v1"))


def test_a_damaged_manifest(store_dir: Path) -> None:
    _saved_twice(store_dir)
    manifest = store_dir / "alice" / MANIFEST
    manifest.write_bytes(b'{"schema": ')
    with pytest.raises(StoreCorrupt, match=r"manifest\.json"):
        Store.open(store_dir, "alice")
    assert manifest.read_bytes() == b'{"schema": '
    lines = recover(store_dir, "alice")
    assert any("manifest.json" in line for line in lines)
    with Store.open(store_dir, "alice") as store:
        assert content(store.get("a1")) == content(ann("a1", note="v2"))


def test_a_missing_manifest_next_to_shards_is_refused(store_dir: Path) -> None:
    _saved_twice(store_dir)
    (store_dir / "alice" / MANIFEST).unlink()
    with pytest.raises(StoreCorrupt, match="missing"):
        Store.open(store_dir, "alice")


def test_a_damaged_journal_line_is_refused_then_recovered(store_dir: Path) -> None:
    _saved_twice(store_dir)
    journal = store_dir / "alice" / HISTORY
    lines = journal.read_bytes().splitlines(keepends=True)
    damaged = lines[0] + b'{"op": "edit", "id": 7}\n' + b"".join(lines[1:])
    journal.write_bytes(damaged)
    with pytest.raises(StoreCorrupt, match="line 2"):
        Store.open(store_dir, "alice")
    assert journal.read_bytes() == damaged
    assert any("undo history starts empty" in line for line in recover(store_dir, "alice"))
    with Store.open(store_dir, "alice") as store:
        assert content(store.get("a1")) == content(ann("a1", note="v2"))
        assert not store.can_undo


def test_a_torn_last_journal_line_is_dropped(store_dir: Path) -> None:
    _saved_twice(store_dir)
    journal = store_dir / "alice" / HISTORY
    journal.write_bytes(journal.read_bytes() + b'{"op":"edit","id":"a1","bef')
    with Store.open(store_dir, "alice") as store:
        assert len(undoable(store)) == 3
        store.save(ann("a1", note="v3"))
    for line in journal.read_bytes().splitlines():
        orjson.loads(line)
    with Store.open(store_dir, "alice") as store:
        assert content(store.get("a1")) == content(ann("a1", note="v3"))
        assert len(undoable(store)) == 4


def journal_edit_not_in_shard(store_dir: Path, after: Annotation) -> Annotation:
    """Append an edit of alice's a1 to `after` to her journal, numbered next, as a crash between
    the journal append and the shard write leaves it; returns a1 as its shard holds it."""
    with Store.open(store_dir, "alice", read_only=True) as store:
        current = store.get("a1")
    assert current is not None
    journal = store_dir / "alice" / HISTORY
    last = max(orjson.loads(line)["n"] for line in journal.read_bytes().splitlines())
    entry = store_journal._Entry.make(
        "a1", orjson.dumps(current.to_dict()), orjson.dumps(after.to_dict()), 1.0, last + 1
    )
    journal.write_bytes(journal.read_bytes() + entry.line)
    return current


def test_an_edit_in_the_journal_but_not_in_its_shard_is_applied_at_open(store_dir: Path) -> None:
    """What a crash between the journal append and the shard write leaves."""
    _saved_twice(store_dir)
    current = journal_edit_not_in_shard(store_dir, ann("a1", note="v3"))
    with Store.open(store_dir, "alice", read_only=True) as reader:
        assert content(reader.get("a1")) == content(ann("a1", note="v3"))
    with Store.open(store_dir, "alice") as store:
        assert content(store.get("a1")) == content(ann("a1", note="v3"))
        assert store.undo() == current
        assert content(store.redo()) == content(ann("a1", note="v3"))
    db = TinyDB(shard_path(store_dir, "a1"), access_mode="r")
    assert Annotation.from_dict(db.table("annotations").all()[0]).note == "v3"
    db.close()


# Schema


def test_a_store_from_a_newer_cooltui_is_refused(store_dir: Path) -> None:
    _saved_twice(store_dir)
    manifest = store_dir / "alice" / MANIFEST
    newer = orjson.loads(manifest.read_bytes()) | {"schema": SCHEMA_VERSION + 1}
    manifest.write_bytes(orjson.dumps(newer))
    before = contents(store_dir / "alice")
    for read_only in (False, True):
        with pytest.raises(StoreError, match=rf"newer cooltui \(schema {SCHEMA_VERSION + 1}"):
            Store.open(store_dir, "alice", read_only=read_only)
    assert contents(store_dir / "alice") == before


def _v0_store(store_dir: Path) -> list[Annotation]:
    """A schema 0 store: one annotations.json as stock TinyDB writes it."""
    folder = store_dir / "alice"
    folder.mkdir(parents=True)
    saved = [ann(f"a{n}", note=f"old {n}", status=Status.DONE) for n in range(30)]
    db = TinyDB(folder / "annotations.json")
    for annotation in saved:
        db.insert(annotation.to_dict())
    db.close()
    return saved


def test_an_older_store_is_migrated(store_dir: Path) -> None:
    saved = _v0_store(store_dir)
    folder = store_dir / "alice"
    with pytest.raises(StoreError, match="older schema 0"):
        Store.open(store_dir, "alice", read_only=True)
    with Store.open(store_dir, "alice") as store:
        assert sorted(store, key=lambda a: int(a.article_id[1:])) == saved
        store.save(ann("new"))
    manifest = orjson.loads((folder / MANIFEST).read_bytes())
    assert manifest["schema"] == SCHEMA_VERSION == 2
    assert not (folder / "annotations.json").exists()
    assert (folder / "annotations.json.v0").exists()  # kept, never deleted
    with Store.open(store_dir, "alice", read_only=True) as store:
        assert len(store) == 31


def test_a_migration_cut_short_is_done_again(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = _v0_store(store_dir)
    folder = store_dir / "alice"

    def crash(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EIO, "power cut")

    monkeypatch.setattr(store_migrate, "write_manifest", crash)
    with pytest.raises(StoreError):
        Store.open(store_dir, "alice")
    assert (folder / "annotations.json").exists()
    assert not (folder / MANIFEST).exists()
    assert list(folder.glob("shard-*.json"))  # written before the manifest
    monkeypatch.undo()
    with Store.open(store_dir, "alice") as store:
        assert len(store) == len(saved)
        assert store.get("a3") == saved[3]


# Full disk, read-only folder, I/O errors (a fault-injecting fake of the write call)


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS, errno.EIO])
def test_a_failing_disk_keeps_the_edit_and_retries(
    store_dir: Path, faults: Faults, code: int
) -> None:
    states: list[SaveState] = []
    store = Store.open(store_dir, "alice", on_state=states.append)
    try:
        store.save(ann("a1", note="good"))
        store.flush()
        on_disk = contents(store_dir / "alice")

        faults.error = code
        store.save(ann("a1", note="pending"))
        wait_for(lambda: store.state.kind == "failed")
        # The state says why in a few words (for the footer); flush's error says it all.
        reason = "disk full" if code == errno.ENOSPC else os.strerror(code)
        assert store.state.error == reason
        assert any(s.kind == "failed" and s.error == reason for s in states)
        with pytest.raises(StoreError, match=os.strerror(code)):
            store.flush(timeout=5)
        assert contents(store_dir / "alice") == on_disk  # the last good state, no temp files
        assert content(store.get("a1")) == content(ann("a1", note="pending"))  # nothing dropped
        store.save(ann("a2", note="also pending"))

        calls = faults.calls
        wait_for(lambda: faults.calls > calls + 2)  # it keeps retrying
        faults.error = None
        wait_for(lambda: store.state.kind == "saved")  # with no new call
        assert states[-1].kind == "saved"
        with Store.open(store_dir, "alice", read_only=True) as reader:
            assert content(reader.get("a1")) == content(ann("a1", note="pending"))
            assert content(reader.get("a2")) == content(ann("a2", note="also pending"))
        for article_id, note in (("a1", "pending"), ("a2", "also pending")):
            assert shard_notes(store_dir, article_id)[article_id] == note  # the shard itself
    finally:
        faults.error = None
        store.close()
    for line in (store_dir / "alice" / HISTORY).read_bytes().splitlines():
        orjson.loads(line)  # no torn line was left in the journal


def test_close_on_a_full_disk_says_what_is_unsaved(store_dir: Path, faults: Faults) -> None:
    store = Store.open(store_dir, "alice")
    store.save(ann("a1"))
    store.flush()
    faults.error = errno.ENOSPC
    store.save(ann("berita-42", note="unsaved"))
    with pytest.raises(StoreError) as refused:
        store.close()
    message = str(refused.value)
    assert "berita-42" in message and "not saved" in message and "No space left" in message
    with pytest.raises(StoreLocked):  # still open, still holding the edit
        Store.open(store_dir, "alice")
    faults.error = None
    store.close()
    assert shard_notes(store_dir, "berita-42") == {"berita-42": "unsaved"}
    with Store.open(store_dir, "alice") as again:
        assert content(again.get("berita-42")) == content(ann("berita-42", note="unsaved"))


def test_opening_a_folder_that_cannot_be_written(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Store.open(store_dir, "alice").close()
    real_open = os.open

    def read_only_fs(path: Any, flags: int, *args: Any) -> int:
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", read_only_fs)
    with pytest.raises(StoreError, match=r"Read-only file system.*--read-only"):
        Store.open(store_dir, "alice")
    with Store.open(store_dir, "alice", read_only=True) as reader:
        assert len(reader) == 0


# Stale text


def test_reanchor_carries_a_changed_text_over_and_saves_it(opened: Store) -> None:
    opened.save(ann("a1"))
    assert opened.reanchor("a1", TEXT, "sha-1") == ann("a1")
    assert len(undoable(opened)) == 1  # the same text: nothing saved
    new_text = "JAKARTA - " + TEXT.replace("Budi", "Badu")
    carried = opened.reanchor("a1", new_text, "sha-2")
    assert carried is not None
    assert carried.text_sha == "sha-2" and carried.previous_text_sha == "sha-1"
    assert carried.status is Status.FLAGGED
    assert [(s.text, s.start) for s in carried.spans] == [("Jakarta", 24)]
    assert [s.text for s in carried.review] == ["Budi"]
    assert opened.get("a1") == carried
    assert opened.reanchor("a1", new_text, "sha-2") == carried
    assert len(undoable(opened)) == 2  # carried over once
    assert opened.reanchor("missing", TEXT, "x") is None
    assert content(opened.undo()) == content(ann("a1"))  # re-anchoring is an edit like others


def test_a_reader_applies_journal_edits_in_memory_only(store_dir: Path) -> None:
    _saved_twice(store_dir)
    journal_edit_not_in_shard(store_dir, ann("a1", note="v3"))
    before = tree(store_dir)
    with Store.open(store_dir, "alice", read_only=True) as reader:
        assert content(reader.get("a1")) == content(ann("a1", note="v3"))
        assert reader.state.kind == "saved"
    assert tree(store_dir) == before


def test_saves_from_several_threads_all_arrive(store_dir: Path) -> None:
    def work(store: Store, worker: int) -> None:
        for n in range(150):
            store.save(ann(f"w{worker}-{n % 20}", note=f"{n}"))
            if n % 50 == 0:
                store.get(f"w{(worker + 1) % 4}-0")

    with Store.open(store_dir, "alice") as store:
        threads = [threading.Thread(target=work, args=(store, w)) for w in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        in_memory = {i: store.get(i) for i in store.statuses()}  # many shards: some evicted
    last = {k: max(n for n in range(150) if n % 20 == k) for k in range(20)}
    expected = {f"w{w}-{k}": str(last[k]) for w in range(4) for k in range(20)}
    assert {i: a.note for i, a in in_memory.items() if a is not None} == expected
    with Store.open(store_dir, "alice", read_only=True) as store:
        assert {a.article_id: a.note for a in store} == expected


def test_the_store_does_not_import_the_ui_toolkits() -> None:
    code = (
        "import pkgutil, sys, importlib, cooltui.store\n"
        "for module in pkgutil.iter_modules(cooltui.store.__path__, 'cooltui.store.'):\n"
        "    importlib.import_module(module.name)\n"
        "print(sorted({'textual', 'rich'} & set(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_a_damaged_record_deep_in_the_history_is_refused_when_undone(store_dir: Path) -> None:
    """Opening reads a long history fast (records are checked when used): a damaged span in an
    old edit is found when that edit is undone, and nothing is changed."""
    with Store.open(store_dir, "alice") as store:
        store.save(ann("a1", note="v1"))
        store.save(ann("a1", note="v2"))
    journal = store_dir / "alice" / HISTORY
    lines = journal.read_bytes().splitlines(keepends=True)
    op = orjson.loads(lines[-1])
    assert op["before"] is not None  # the edit from v1 to v2
    op["before"]["spans"] = [{"start": 5, "end": 2, "label": "PER", "text": "x"}]
    journal.write_bytes(b"".join(lines[:-1]) + orjson.dumps(op) + b"\n")
    with Store.open(store_dir, "alice") as store:
        _the_damaged_edit_is_refused(store)
    _recovered_without_history(store_dir, note="v2")  # as the refusal said to


def _the_damaged_edit_is_refused(store: Store) -> None:
    """Undo refuses the damaged edit next in line, and nothing changes."""
    current = store.get("a1")
    with pytest.raises(StoreError, match="the edit to undo is damaged"):
        store.undo()
    assert store.get("a1") == current


def _recovered_without_history(store_dir: Path, note: str) -> None:
    """recover finds the damage and sets the journal aside: a1 is as it was, with no undo."""
    assert any("undo history starts empty" in line for line in recover(store_dir, "alice"))
    with Store.open(store_dir, "alice") as store:
        assert store.get("a1").note == note
        assert not store.can_undo


def _break_inside(line: bytes) -> bytes:
    """The line with its middle (inside its records) no longer JSON, its head and tail whole."""
    middle = len(line) // 2
    return line[:middle] + b"\x00{[" + line[middle:]


def test_a_line_damaged_inside_an_old_edit_is_found_when_used_and_recovered(
    store_dir: Path,
) -> None:
    """Opening reads an edit line's head and tail only: a line broken inside its records, deep
    in the history, is found when undo or the history reaches it, and recover sets it aside."""
    with Store.open(store_dir, "alice") as store:
        for note in ("v1", "v2", "v3"):
            store.save(ann("a1", note=note))
    journal = store_dir / "alice" / HISTORY
    lines = journal.read_bytes().splitlines(keepends=True)
    lines[0] = _break_inside(lines[0])  # the edit that made v1
    journal.write_bytes(b"".join(lines))
    with Store.open(store_dir, "alice") as store:
        assert store.get("a1").note == "v3"
        assert store.undo().note == "v2"
        assert store.undo().note == "v1"
        _the_damaged_edit_is_refused(store)
    _recovered_without_history(store_dir, note="v1")


def test_a_line_damaged_inside_the_last_edit_of_an_article_is_refused_at_open(
    store_dir: Path,
) -> None:
    _saved_twice(store_dir)
    journal = store_dir / "alice" / HISTORY
    lines = journal.read_bytes().splitlines(keepends=True)
    last_of_a1 = max(n for n, line in enumerate(lines) if b'"id":"a1"' in line[:40])
    lines[last_of_a1] = _break_inside(lines[last_of_a1])
    journal.write_bytes(b"".join(lines))
    with pytest.raises(StoreCorrupt, match="the last edit of 'a1'"):
        Store.open(store_dir, "alice")


def test_the_history_keeps_at_most_its_byte_budget(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a long article each edit journals a big record: the history is bounded in bytes too,
    and the journal is compacted to it, so that opening never reads an unbounded file."""
    monkeypatch.setattr(store_journal, "HISTORY_BYTES", 20_000)
    big = "x" * 2_000
    with Store.open(store_dir, "alice") as store:
        for n in range(40):
            store.save(ann("a1", note=f"{n} {big}"))
        store.flush()
        kept = len(undoable(store))
        assert 3 <= kept <= 10
        for _ in range(kept):
            assert store.undo() is not None
        assert not store.can_undo
    assert (store_dir / "alice" / HISTORY).stat().st_size <= 2 * 20_000 + 5_000


# A damaged journal: it may only add what its shards provably lack


def _edited_store(store_dir: Path) -> dict[str, Annotation | None]:
    """A store after edits, undos and redos of several articles, closed; each article's record."""
    with Store.open(store_dir, "alice") as store:
        for n in range(4):
            for article_id in ("a1", "a2", "a3"):
                store.save(ann(article_id, note=f"{article_id} v{n}"))
        store.undo()
        store.undo()
        store.redo()
        store.delete("a3")
        store.save(ann("a1", note="a1 last"))
        return {i: store.get(i) for i in ("a1", "a2", "a3")}


def _refused_and_untouched(store_dir: Path, journal: bytes) -> None:
    """With this journal, opening is refused (both ways) with the journal and a shard named, and
    no file changes."""
    folder = store_dir / "alice"
    (folder / HISTORY).write_bytes(journal)
    before = contents(folder)
    for read_only in (False, True):
        with pytest.raises(StoreCorrupt) as refused:
            Store.open(store_dir, "alice", read_only=read_only)
        assert refused.value.paths[0] == folder / HISTORY
        assert any(p.name.startswith("shard-") for p in refused.value.paths[1:])
        assert "lost edits" in str(refused.value)
        assert "cooltui store recover alice" in str(refused.value)
    assert contents(folder) == before


def test_a_journal_cut_anywhere_in_its_last_two_lines_or_at_half_is_refused(
    store_dir: Path,
) -> None:
    """Every edit reached its shard, so a journal that lost any of its end lost edits the shards
    hold: no open may take its older records for newer ones and write them back."""
    records = _edited_store(store_dir)
    journal = (store_dir / "alice" / HISTORY).read_bytes()
    lines = journal.splitlines(keepends=True)
    start = len(journal) - len(lines[-1]) - len(lines[-2])
    for cut in [*range(start, len(journal)), len(journal) // 2]:
        _refused_and_untouched(store_dir, journal[:cut])
    (store_dir / "alice" / HISTORY).write_bytes(journal)
    with Store.open(store_dir, "alice") as store:
        assert {i: store.get(i) for i in records} == records


def test_a_journal_that_lost_an_articles_last_edit_from_its_middle_is_refused(
    store_dir: Path,
) -> None:
    """(A lost line that was not an article's last edit leaves a gap in its undo history, but
    no older record to take for a newer one.)"""
    _edited_store(store_dir)
    lines = (store_dir / "alice" / HISTORY).read_bytes().splitlines(keepends=True)
    last_of_a2 = max(i for i, line in enumerate(lines) if orjson.loads(line)["id"] == "a2")
    assert last_of_a2 < len(lines) - 1
    _refused_and_untouched(store_dir, b"".join(lines[:last_of_a2] + lines[last_of_a2 + 1 :]))


def test_recover_keeps_the_newest_records_and_says_which(store_dir: Path) -> None:
    records = _edited_store(store_dir)
    # A crash-left edit of a2 (in the journal, not in its shard), then the journal cut to half.
    journal = store_dir / "alice" / HISTORY
    raw = journal.read_bytes()
    half = raw[: raw.rindex(b"\n", 0, len(raw) // 2) + 1]
    journal.write_bytes(half)
    lines = recover(store_dir, "alice")
    text = "\n".join(lines)
    assert "lost edits" in text and "kept the record of 'a1'" in text, text
    assert "undo history starts empty" in text
    aside = list(journal.parent.glob(HISTORY + ".corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == half  # set aside, never deleted
    with Store.open(store_dir, "alice") as store:
        assert {i: store.get(i) for i in records} == records
        assert not store.can_undo
        store.save(ann("a2", note="after recover"))
    with Store.open(store_dir, "alice") as store:  # the new history matches the shards
        assert store.get("a2").note == "after recover"
        assert content(store.undo()) == content(records["a2"])


def test_recover_takes_a_crash_left_edit_newer_than_its_shard(store_dir: Path) -> None:
    """Damage to one article's history and a crash-left edit of another: recover keeps the
    shard where the journal is older and the journal where it is newer."""
    _saved_twice(store_dir)
    with Store.open(store_dir, "alice") as store:
        store.save(ann("b1", note="b1 v1"))
        store.save(ann("b1", note="b1 v2"))
    journal_edit_not_in_shard(store_dir, ann("a1", note="v3"))
    journal = store_dir / "alice" / HISTORY
    lines = journal.read_bytes().splitlines(keepends=True)
    journal.write_bytes(b"".join(lines[:-2] + lines[-1:]))  # b1's last edit is lost
    with pytest.raises(StoreCorrupt):
        Store.open(store_dir, "alice")
    text = "\n".join(recover(store_dir, "alice"))
    assert "took its newer record of 'a1'" in text, text
    with Store.open(store_dir, "alice") as store:
        assert store.get("a1").note == "v3"
        assert store.get("b1").note == "b1 v2"
    assert shard_notes(store_dir, "a1")["a1"] == "v3"


def test_operation_numbers_survive_compaction_undo_and_redo(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A compacted journal numbers each article's state as the operation that made it, so that
    reopening agrees with the shards and a crash-left edit after it is still applied."""
    monkeypatch.setattr(store_journal, "HISTORY_LIMIT", 4)
    with Store.open(store_dir, "alice") as store:
        for n in range(12):
            store.save(ann(f"a{n % 3}", note=f"v{n}"))
            if n % 4 == 3:
                store.undo()
                store.undo()
                store.redo()
        expected = {i: store.get(i) for i in ("a0", "a1", "a2")}
    for _ in range(2):  # compacted at close; opened, compacted again
        with Store.open(store_dir, "alice") as store:
            assert {i: store.get(i) for i in expected} == expected
            assert store.can_undo and store.can_redo
    journal_edit_not_in_shard(store_dir, ann("a1", note="crash-left"))
    with Store.open(store_dir, "alice") as store:
        assert store.get("a1").note == "crash-left"


def _as_schema_1(store_dir: Path) -> None:
    """Make alice's store as cooltui wrote schema 1: no operation numbers anywhere."""
    folder = store_dir / "alice"
    manifest = orjson.loads((folder / MANIFEST).read_bytes())
    (folder / MANIFEST).write_bytes(orjson.dumps({**manifest, "schema": 1}))
    for path in folder.glob("shard-*.json"):
        data = orjson.loads(path.read_bytes())
        del data["journal"]
        path.write_bytes(orjson.dumps(data))
    journal = folder / HISTORY
    ops = [orjson.loads(line) for line in journal.read_bytes().splitlines()]
    journal.write_bytes(
        b"".join(orjson.dumps({k: v for k, v in op.items() if k != "n"}) + b"\n" for op in ops)
    )


def test_a_schema_1_store_is_upgraded_and_its_crash_left_edit_applied(store_dir: Path) -> None:
    _saved_twice(store_dir)
    with Store.open(store_dir, "alice", read_only=True) as store:
        v2 = store.get("a1")
    journal_edit_not_in_shard(store_dir, ann("a1", note="v3"))
    _as_schema_1(store_dir)
    with Store.open(store_dir, "alice") as store:
        assert store.get("a1").note == "v3"
        assert store.undo() == v2
        store.redo()
    manifest = orjson.loads((store_dir / "alice" / MANIFEST).read_bytes())
    assert manifest["schema"] == 2
    with Store.open(store_dir, "alice") as store:  # numbered now: a cut is refused
        assert store.get("a1").note == "v3"
    journal = (store_dir / "alice" / HISTORY).read_bytes()
    _refused_and_untouched(store_dir, journal[: journal.rindex(b"\n", 0, -1) + 1])


def test_a_reader_beside_a_writer_is_not_refused(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only open while another cooltui saves: the writer saves between the reader's read
    of the journal and of the shards; the reader sees no disagreement (it reads the shards
    first, and the journal, written before them, is then at least as new)."""
    with Store.open(store_dir, "alice") as writer:
        writer.save(ann("a1", note="v1"))
        writer.flush()
        read_journal = Store._read_journal

        def journal_then_a_save(
            reader: Store,
        ) -> tuple[list[tuple[dict[str, Any], bytes]], int, bool]:
            journal = read_journal(reader)
            writer.save(ann("a1", note="v2"))
            writer.flush()
            return journal

        monkeypatch.setattr(Store, "_read_journal", journal_then_a_save)
        with Store.open(store_dir, "alice", read_only=True) as reader:
            assert reader.get("a1").note == "v1"


def test_close_names_the_articles_the_journal_reapplied_on_a_full_disk(
    store_dir: Path, faults: Faults
) -> None:
    _saved_twice(store_dir)
    journal_edit_not_in_shard(store_dir, ann("a1", note="v3"))
    faults.error = errno.ENOSPC
    store = Store.open(store_dir, "alice")
    with pytest.raises(StoreError, match=r"changes to 1 article\(s\) are not saved \(a1\)"):
        store.close()
    faults.error = None
    store.close()
    assert shard_notes(store_dir, "a1")["a1"] == "v3"


def test_a_shard_unreadable_for_its_permissions_is_not_damage(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """(The tests run as root, whom chmod does not stop: the refusal is injected.)"""
    path = _saved_twice(store_dir)
    real_open, real_read = Path.open, Path.read_bytes

    def refused(path_: Path, *args: Any, **kwargs: Any) -> Any:
        if path_ == path:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path_))
        return (real_open if args or kwargs else real_read)(path_, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refused)
    monkeypatch.setattr(Path, "read_bytes", refused)
    for attempt in (
        lambda: recover(store_dir, "alice"),
        lambda: Store.open(store_dir, "alice"),
        lambda: Store.open(store_dir, "alice", read_only=True),
    ):
        with pytest.raises(StoreError, match=r"Permission denied.*not damaged") as error:
            attempt()
        assert str(path) in str(error.value) and not isinstance(error.value, StoreCorrupt)
    monkeypatch.undo()
    assert not list(path.parent.glob("*.corrupt-*"))  # nothing was moved aside
    with Store.open(store_dir, "alice") as store:
        assert store.get("a1").note == "v2"


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_flush_says_so_when_the_writer_died_of_a_bug(tmp_path, monkeypatch):
    """A writer thread killed by an exception outside its own error handling must not leave
    flush() (and so quitting the app) waiting for ever."""
    from cooltui.store.writer import _Writer

    def broken(self):
        raise RuntimeError("a bug")

    monkeypatch.setattr(_Writer, "_next_job", broken)
    store = Store.open(tmp_path, "alice")
    store.save(Annotation("a1", "sha", note="x"))
    with pytest.raises(StoreError, match="the writer stopped"):
        store.flush()
    monkeypatch.undo()
    with contextlib.suppress(StoreError):
        store.close()
