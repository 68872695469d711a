"""Stores made for git: shard files in a stable form, a .gitignore for what is local, and what
`cooltui sync` asks of the Store (put, number_past)."""

from __future__ import annotations

import difflib
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tinydb import TinyDB

import cooltui.store.shards as store_shards
from cooltui.model import Annotation, Span, Status
from cooltui.store import (
    DEFAULT_SHARDS,
    HISTORY,
    TABLE,
    Store,
    StoreCorrupt,
    atomic_write,
    shard_json,
    shard_name,
    shard_of,
    write_manifest,
)

LABELS = ("PER", "LOC", "ORG")


def annotation(article_id: str, spans: int = 3, note: str = "", at: float = 1000.0) -> Annotation:
    made = Annotation(article_id, "sha", created=at, updated=at, note=note)
    return made.with_spans(
        Span(10 * n, 10 * n + 4, LABELS[n % 3], f"w{n:03d}") for n in range(spans)
    ).with_doc_labels("topik", ["politik"])


def one_shard_store(store_dir: Path, annotator: str = "alice") -> Path:
    """A store whose records all go to shard-000.json."""
    folder = store_dir / annotator
    folder.mkdir(parents=True)
    write_manifest(folder, annotator, 1)
    return folder / shard_name(0)


def saved(store_dir: Path, annotations: list[Annotation]) -> dict[str, bytes]:
    """Save `annotations` in this order into a new one-shard store; its shard files' bytes."""
    one_shard_store(store_dir)
    with Store.open(store_dir, "alice") as store:
        for item in annotations:
            store.save(item)
    return {p.name: p.read_bytes() for p in sorted((store_dir / "alice").glob("shard-*.json"))}


def changed_lines(old: bytes, new: bytes) -> tuple[list[bytes], list[bytes]]:
    """The lines a diff of the two files removes and adds."""
    removed: list[bytes] = []
    added: list[bytes] = []
    before, after = old.splitlines(), new.splitlines()
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            removed += before[i1:i2]
            added += after[j1:j2]
    return removed, added


ids = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12)


@settings(max_examples=30, deadline=None)
@given(st.lists(ids, min_size=1, max_size=12, unique=True), st.data())
def test_the_same_records_saved_in_any_order_make_the_same_bytes(
    article_ids: list[str], data: st.DataObject
) -> None:
    annotations = [annotation(a, spans=len(a) % 4, note=a[::-1]) for a in article_ids]
    shuffled = data.draw(st.permutations(annotations))
    with tempfile.TemporaryDirectory() as one, tempfile.TemporaryDirectory() as other:
        first = saved(Path(one), annotations)
        assert saved(Path(other), shuffled) == first
        raw = first[shard_name(0)]
        assert shard_json(orjson.loads(raw))[0] == raw  # as a store opened afresh writes it
        # Stock TinyDB reads the form, every record under its table.
        db = TinyDB(Path(one) / "alice" / shard_name(0), access_mode="r")
        try:
            assert sorted(r["id"] for r in db.table(TABLE).all()) == sorted(article_ids)
        finally:
            db.close()


def test_a_one_span_edit_changes_three_lines(tmp_path: Path) -> None:
    path = one_shard_store(tmp_path)
    long = annotation("kompas-1", spans=40)
    with Store.open(tmp_path, "alice") as store:
        for n in range(50):
            store.save(annotation(f"kompas-{n}", spans=40 if n == 1 else 5))
        store.flush()
        old = path.read_bytes()
        moved = long.spans[20]
        assert moved.label == "ORG"
        store.save(
            long.remove_span(moved)
            .add_span(Span(moved.start, moved.end, "LOC", moved.text))
            .touched(now=2000.0)
        )
    new = path.read_bytes()
    assert shard_json(orjson.loads(new))[0] == new
    removed, added = changed_lines(old, new)
    # The span's line, the record's last line (its `updated`), the stamp.
    assert len(removed) == len(added) == 3
    assert b'{"end":204,"label":"ORG","source":"manual","start":200,"text":"w020"},' in removed
    assert b'{"end":204,"label":"LOC","source":"manual","start":200,"text":"w020"},' in added
    assert any(b'"updated":2000.0}' in line for line in added)
    assert any(line.startswith(b'"journal":') for line in added)


def test_a_new_article_adds_its_lines_and_leaves_the_others(tmp_path: Path) -> None:
    path = one_shard_store(tmp_path)
    with Store.open(tmp_path, "alice") as store:
        for n in (1, 3, 5):
            store.save(annotation(f"a{n}"))
        store.flush()
        old = path.read_bytes()
        store.save(annotation("a2"))
    removed, added = changed_lines(old, path.read_bytes())
    assert [line[:11] for line in removed] == [b'"journal":{']
    assert len(added) == 1 + 3 + 1  # its first line, a line a span, the stamp
    assert any(line.startswith(b'"%d":{' % store_shards.doc_id_of("a2")) for line in added)


def test_old_one_line_shards_open_and_take_the_stable_form_when_written(tmp_path: Path) -> None:
    folder = tmp_path / "alice"
    folder.mkdir()
    write_manifest(folder, "alice", DEFAULT_SHARDS)
    records = {a: annotation(a).to_dict() for a in ("a1", "a2", "b1")}
    by_shard: dict[int, dict[str, object]] = {}
    for article_id, record in records.items():
        table = by_shard.setdefault(shard_of(article_id, DEFAULT_SHARDS), {})
        table[str(len(table) + 1)] = record  # as older cooltuis numbered them
    for number, table in by_shard.items():
        atomic_write(folder / shard_name(number), orjson.dumps({TABLE: table}))
    touched = folder / shard_name(shard_of("a1", DEFAULT_SHARDS))
    untouched = {p: p.read_bytes() for p in folder.glob("shard-*.json") if p != touched}
    with Store.open(tmp_path, "alice") as store:
        assert {a.article_id for a in store} == set(records)
        store.save(annotation("a1", note="edited"))
    assert touched.read_bytes().startswith(b'{"annotations":{\n"')
    assert {p: p.read_bytes() for p in untouched} == untouched  # rewritten only when written
    with Store.open(tmp_path, "alice", read_only=True) as store:
        assert {a.article_id: a.note for a in store} == {"a1": "edited", "a2": "", "b1": ""}


def test_articles_whose_ids_hash_alike_are_all_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_shards, "doc_id_of", lambda article_id: 7)
    names = ["c", "a", "b"]
    first = saved(tmp_path / "one", [annotation(n, note=n) for n in names])
    assert saved(tmp_path / "two", [annotation(n, note=n) for n in sorted(names)]) == first
    assert b'"7":' in first[shard_name(0)] and b'"9":' in first[shard_name(0)]
    with Store.open(tmp_path / "one", "alice") as store:
        store.save(annotation("d", note="d"))
        store.flush()
        for shard in store._shards.values():
            shard.storage.evict()  # read back from the bytes kept in memory
        assert {a.article_id: a.note for a in store} == {n: n for n in "abcd"}
        assert store.get("b") == annotation("b", note="b")
    with Store.open(tmp_path / "one", "alice", read_only=True) as store:
        assert {a.article_id: a.note for a in store} == {n: n for n in "abcd"}


# .gitignore and .gitattributes


@pytest.fixture
def git_repo(tmp_path: Path) -> Iterator[Path]:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    yield tmp_path


def git_status(repo: Path) -> list[str]:
    out = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return sorted(line[3:] for line in out.splitlines())


def test_git_sees_the_shared_files_and_not_the_local_ones(git_repo: Path) -> None:
    store_dir = git_repo / "annotations"
    with Store.open(store_dir, "alice") as store:
        store.save(annotation("a1"))
        store.flush()
        store.save(annotation("a1", note="again"))  # a .bak of its shard
        store.flush()
        (store.path / ".shard-001.json.99-1.tmp").write_bytes(b"left by a crash")
        assert (store.path / "lock").exists() and (store.path / HISTORY).exists()
        listed = git_status(git_repo)
    shard = shard_name(shard_of("a1", DEFAULT_SHARDS))
    assert (store_dir / "alice" / f"{shard}.bak").exists()
    assert listed == [
        f"annotations/alice/{name}"
        for name in (".gitattributes", ".gitignore", "manifest.json", shard)
    ]


def test_git_files_keep_lines_someone_added(tmp_path: Path) -> None:
    folder = tmp_path / "alice"
    folder.mkdir()
    (folder / ".gitignore").write_text("notes.txt")  # no final line break
    with Store.open(tmp_path, "alice"):
        pass
    lines = (folder / ".gitignore").read_text().splitlines()
    assert lines[0] == "notes.txt" and "/lock" in lines and "/history.jsonl" in lines
    written = (folder / ".gitignore").read_bytes()
    with Store.open(tmp_path, "alice"):
        pass
    assert (folder / ".gitignore").read_bytes() == written  # nothing missing: not rewritten
    assert "/shard-*.json -merge" in (folder / ".gitattributes").read_text().splitlines()


def test_a_read_only_open_writes_no_git_file(tmp_path: Path) -> None:
    with Store.open(tmp_path, "alice") as store:
        store.save(annotation("a1"))
    for name in (".gitignore", ".gitattributes"):
        (tmp_path / "alice" / name).unlink()
    with Store.open(tmp_path, "alice", read_only=True):
        pass
    assert not (tmp_path / "alice" / ".gitignore").exists()


# What sync asks of the Store


def test_put_keeps_the_record_as_it_is_and_undo_takes_it_back(tmp_path: Path) -> None:
    with Store.open(tmp_path, "alice") as store:
        store.save(annotation("a1", note="mine", at=5000.0))
        older = annotation("a1", note="from the other machine", at=4000.0).with_status(Status.DONE)
        store.put(older)
        assert store.get("a1") == older and store.get("a1").updated == 4000.0  # type: ignore[union-attr]
        store.put(older)  # the same record again: no edit
        undone = store.undo()
        assert undone is not None and undone.note == "mine"


def replace_shard_from_elsewhere(folder: Path, article_id: str, stamp: int) -> None:
    """Put the shard of `article_id` back as another copy of the store would have written it:
    the same records, stamped `stamp` by that copy's journal."""
    path = folder / shard_name(shard_of(article_id, DEFAULT_SHARDS))
    data = orjson.loads(path.read_bytes())
    data["journal"] = {"1": {"applied": stamp}}
    atomic_write(path, shard_json(data)[0])


def test_number_past_lets_another_copys_stamps_in(tmp_path: Path) -> None:
    with Store.open(tmp_path, "alice") as store:
        store.save(annotation("a1", note="one"))
        store.save(annotation("a1", note="two"))
        store.number_past(900)
        replace_shard_from_elsewhere(store.path, "a1", 900)
    with Store.open(tmp_path, "alice") as store:  # not refused
        assert store.undo() is not None and store.get("a1").note == "one"  # type: ignore[union-attr]
        store.save(annotation("b1"))
    stamp = orjson.loads(
        (tmp_path / "alice" / shard_name(shard_of("b1", DEFAULT_SHARDS))).read_bytes()
    )
    assert stamp["journal"]["1"]["applied"] > 900
    with Store.open(tmp_path, "alice") as store:
        assert store.get("a1").note == "one"  # type: ignore[union-attr]


def test_without_number_past_another_copys_stamps_are_refused(tmp_path: Path) -> None:
    with Store.open(tmp_path, "alice") as store:
        store.save(annotation("a1", note="one"))
        store.save(annotation("a1", note="two"))
        store.flush()
        replace_shard_from_elsewhere(store.path, "a1", 900)
    with pytest.raises(StoreCorrupt, match="lost edits"):
        Store.open(tmp_path, "alice")
