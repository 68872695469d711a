"""The annotation store: a crash-safe TinyDB store per annotator, with undo that survives restarts.

Layout of <store_dir>/<annotator>/ (schema 1):

    manifest.json        {"schema": 1, "annotator": ..., "shards": 1024, "created_by": ...}
    shard-000.json ...   TinyDB files (table "annotations", one document per article); an article
                         lives in shard crc32(id) % shards; files are created when first needed
    shard-000.json.bak   the previous version of each shard, kept for `recover`
    history.jsonl        the edit journal: one JSON line per edit, undo or redo
    lock, lock.info      the OS lock held by the writing cooltui, and its pid and host

Every file is written whole to a temporary file in the same folder, fsynced, renamed over the old
one and the folder fsynced, so a file is always either its old or its new version. The journal is
the one file that is appended to (one fsynced append per batch of edits); it is written before the
shards, so at open any edit found in it but not in its shard (a crash in between) is applied again.

Saving does not block the caller: Store.save() changes the in-memory state and one writer thread
puts it on disk (several saves to one shard become one write). When a write fails (full disk,
read-only folder, I/O error) the changes stay in memory, the writer retries every 0.5-2 s, and the
state callback reports it; close() refuses to lose them silently.
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import itertools
import os
import re
import socket
import threading
import time
import weakref
import zlib
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, Self

import orjson
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from cooltui import __version__
from cooltui.anchor import reanchor as _reanchor
from cooltui.errors import CoolError, warn
from cooltui.memory import gc_paused
from cooltui.model import Annotation, RecordError, Span, Status, differing_stretch

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

SCHEMA_VERSION = 2
"""The layout this cooltui writes; older ones are migrated at open, newer ones refused.
Schema 2 numbers the journal's operations and stamps each shard with the last one it holds."""

DEFAULT_SHARDS = 1024
"""Shard files of a new store: ~100 articles each at 100,000 articles, so a save stays small."""

HISTORY_LIMIT = 1000
"""How many edits can be undone (undo and redo together); older ones are forgotten."""

HISTORY_BYTES = 32 * 2**20
"""The most the undo history keeps, in journal bytes: an edit journals its article's whole record
before and after, so on a long article with a thousand spans (~300 KB an edit) the history holds
about a hundred edits, and opening the store never has to read more than this."""

JOURNALLED_KEPT = 8
"""How many articles' last journalled records (and span dicts) are kept for their next edit
(see _journalled and _span_dicts)."""

HOT_SHARDS = 8
"""How many shards stay parsed in memory (those used last); the others are kept as bytes."""

TABLE = "annotations"
APPLIED_TABLE = "journal"
"""A shard's second TinyDB table: one document {"applied": n}, the number of the last journal
operation the shard file holds (every operation up to n that touched its articles)."""
MANIFEST = "manifest.json"
HISTORY = "history.jsonl"
LOCK = "lock"
LOCK_INFO = "lock.info"
V0_FILE = "annotations.json"
"""Schema 0 (before the manifest): one stock TinyDB file, records in its _default table."""

READ_ONLY_FLAG = "--read-only"
RECOVER_COMMAND = "cooltui store recover"

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_SHARD_FILE = re.compile(r"shard-(\d+)\.json")
_TMP_FILE = re.compile(r"\..+\.\d+-\d+\.tmp")
_STATUS = {status.value: status for status in Status}
_SHIFT = 32
_DOC_ID = (1 << _SHIFT) - 1
_RETRYABLE_LOCK = {errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK}


# Errors and values


class StoreError(CoolError):
    """The store cannot do what was asked; the message says why and what to do."""


class StoreNotWritable(StoreError):
    """This cooltui cannot write the store; `reason` says why, for a read-only open to show."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"{reason}; open it read-only with {READ_ONLY_FLAG}")
        self.reason = reason


class StoreLocked(StoreNotWritable):
    """Another cooltui is writing this annotator's store; `holder` says which (pid, host)."""

    def __init__(self, folder: Path, holder: str) -> None:
        super().__init__(f"{folder} is open in another cooltui ({holder})")
        self.folder = folder
        self.holder = holder


class StoreCorrupt(StoreError):
    """A store file cannot be read; nothing is written until the user runs the recover command."""

    def __init__(self, message: str, paths: tuple[Path, ...], detail: str = "") -> None:
        super().__init__(message)
        self.paths = paths
        self.detail = detail


class ReadOnlyStore(StoreError):
    """A write to a store opened read-only."""


@dataclass(frozen=True)
class SaveState:
    """Where saving stands, for the footer: saved, saving, or failed (and still retrying)."""

    kind: Literal["saved", "saving", "failed"]
    at: float
    error: str | None = None


@dataclass(frozen=True)
class HistoryEntry:
    """One edit: the article's record before and after it (None: there was no record)."""

    article_id: str
    before: Annotation | None
    after: Annotation | None
    at: float


@dataclass(frozen=True, slots=True)
class _Entry:
    """An edit as kept in memory: its journal line (bytes, which the garbage collector does not
    have to scan, unlike 2,000 parsed records), parsed again when undo or history need it."""

    article_id: str
    at: float
    line: bytes = field(repr=False)
    n: int = 0
    """The number of the journal operation that put the edit where it is: the edit itself, or
    the undo or redo that moved it last (its line keeps the edit's own number until compacted)."""

    @classmethod
    def make(cls, article_id: str, before: bytes, after: bytes, at: float, n: int) -> _Entry:
        """Edit number `n` of `article_id`, from and to these records' JSON (b"null": none)."""
        line = b'{"op":"edit","id":%b,"before":%b,"after":%b,"at":%b,"n":%d}\n' % (
            orjson.dumps(article_id),
            before,
            after,
            orjson.dumps(at),
            n,
        )
        return cls(article_id, at, line, n)

    def numbered_line(self) -> bytes:
        """The edit's line carrying `n`, as a compacted journal writes it, so that replaying it
        numbers the article's state as the operation that made it did."""
        tail = _EDIT_TAIL.search(self.line, max(0, len(self.line) - 80))
        if tail is None:  # a line not in _Entry.make's form (hand-edited): written anew
            op = orjson.loads(self.line)
            return orjson.dumps({**op, "n": self.n}) + b"\n"
        if tail[2] is not None and int(tail[2]) == self.n:
            return self.line
        return self.line[: tail.end(1)] + b',"n":%d}\n' % self.n

    def records(self) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        """The article's record before and after the edit (None: no record); a RecordError if
        the line is damaged (opening the store reads only the head and tail of most lines)."""
        try:
            op = orjson.loads(self.line)
            return op["before"], op["after"]
        except (orjson.JSONDecodeError, KeyError, TypeError) as error:
            raise RecordError(f"a journal line that is not an edit: {error}") from None

    def public(self) -> HistoryEntry:
        before, after = self.records()
        return HistoryEntry(
            self.article_id,
            None if before is None else Annotation.from_dict(before),
            None if after is None else Annotation.from_dict(after),
            self.at,
        )


# Files


def check_annotator(name: str) -> str:
    """`name` if it is a safe folder name for an annotator's store, else a StoreError."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise StoreError(
            f"annotator name {name!r} must be 1-64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return name


def _recover_hint(folder: Path) -> str:
    store_dir = folder.parent
    where = "" if store_dir == Path("annotations") else f" --store {store_dir}"
    return f"`{RECOVER_COMMAND} {folder.name}{where}`"


def _corrupt(folder: Path, problems: list[tuple[Path, str]]) -> StoreCorrupt:
    path, detail = problems[0]
    more = f" (and {len(problems) - 1} more damaged file(s))" if len(problems) > 1 else ""
    return StoreCorrupt(
        f"{path} is damaged ({detail}){more}; cooltui changed nothing and will not write to "
        f"this store. Run {_recover_hint(folder)} to move the damaged file aside and restore "
        "its last good copy",
        tuple(p for p, _ in problems),
        detail,
    )


_tmp_names = itertools.count()


def _tmp_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}-{next(_tmp_names)}.tmp")


def _write_fully(fd: int, data: bytes) -> None:
    """Write all of `data` (the place where a full disk shows up, and where tests inject it)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _fsync_dir(folder: Path) -> None:
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
        _write_fully(fd, data)
        os.fsync(fd)
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
        _fsync_dir(path.parent)


def shard_of(article_id: str, shards: int) -> int:
    """The shard a new record of `article_id` goes to: stable across runs and machines."""
    return zlib.crc32(article_id.encode("utf-8", "surrogatepass")) % shards


def shard_name(number: int) -> str:
    return f"shard-{number:03d}.json"


def _shard_files(folder: Path) -> dict[int, Path]:
    found: dict[int, Path] = {}
    with contextlib.suppress(FileNotFoundError):
        for path in folder.iterdir():
            match = _SHARD_FILE.fullmatch(path.name)
            if match:
                found[int(match.group(1))] = path
    return dict(sorted(found.items()))


def write_manifest(folder: Path, annotator: str, shards: int, schema: int = SCHEMA_VERSION) -> None:
    manifest = {
        "schema": schema,
        "annotator": annotator,
        "shards": shards,
        "created_by": f"cooltui {__version__}",
    }
    data = orjson.dumps(manifest, option=orjson.OPT_INDENT_2) + b"\n"
    atomic_write(folder / MANIFEST, data, backup=True)


def _manifest_problem(raw: bytes) -> tuple[dict[str, Any] | None, str | None]:
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        return None, f"not valid JSON: {error}"
    if not isinstance(data, dict):
        return None, "not a JSON object"
    schema, shards = data.get("schema"), data.get("shards", DEFAULT_SHARDS)
    if type(schema) is not int or schema < 0:
        return None, f"schema {schema!r} is not a version number"
    if type(shards) is not int or not 0 < shards <= 100_000:
        return None, f"shards {shards!r} is not a number of shards"
    return data, None


def _record_problem(record: Any) -> str | None:
    """What is wrong with a stored record at a glance: the fields the index needs."""
    if type(record) is not dict:
        return "a document is not an object"
    article_id = record.get("id")
    if type(article_id) is not str or type(record.get("text_sha")) is not str:
        return "a document lacks its id or text_sha"
    if record.get("status", "todo") not in _STATUS:
        return f"record {article_id!r} has an unknown status"
    return None


def _stamp_problem(data: dict[str, Any]) -> str | None:
    """What is wrong with a shard's stamp (its APPLIED_TABLE), if it has one."""
    if APPLIED_TABLE not in data:
        return None
    document = data[APPLIED_TABLE].get("1")
    stamp = document.get("applied") if type(document) is dict else None
    if len(data[APPLIED_TABLE]) != 1 or type(stamp) is not int or stamp < 0:
        return f"its {APPLIED_TABLE!r} table is not one document with a whole number 'applied'"
    return None


def _tables_problem(data: Any) -> str | None:
    if type(data) is not dict:
        return "not a TinyDB file: the top level is not an object"
    for name, table in data.items():
        if type(table) is not dict:
            return f"not a TinyDB file: table {name!r} is not an object"
        for key in table:
            if not (key.isascii() and key.isdigit()):
                return f"not a TinyDB file: document id {key!r} in table {name!r}"
    return None


def _parse_shard(
    raw: bytes, annotations: list[Annotation] | None = None
) -> tuple[dict[str, Any] | None, str | None]:
    """Parse and check a shard fully (every record as Annotation.from_dict reads it).

    The annotations made while checking are added to `annotations` when it is given, so that a
    caller who wants them does not parse every record twice.
    """
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        return None, f"not valid JSON: {error}"
    problem = _tables_problem(data)
    if problem:
        return None, problem
    seen: set[str] = set()
    for record in data.get(TABLE, {}).values():
        problem = _record_problem(record)
        if problem:
            return None, problem
        try:
            annotation = Annotation.from_dict(record)
        except RecordError as error:
            return None, str(error)
        if annotations is not None:
            annotations.append(annotation)
        if record["id"] in seen:
            return None, f"article {record['id']!r} is stored twice"
        seen.add(record["id"])
    return data, None


class ShardStorage(Storage):
    """A TinyDB storage that holds one shard file's data in memory.

    The file's bytes are read at open and parsed (each record checked as Annotation.from_dict
    reads it) when the shard is first used. The store keeps only the shards used last parsed and
    turns the others back into bytes (`evict`), which the garbage collector does not have to scan:
    100,000 parsed records would make each of its full passes take a few hundred milliseconds.
    write() only keeps the new data: the store's writer thread puts it on disk with atomic_write.
    """

    def __init__(self, path: Path, raw: bytes | None = None) -> None:
        super().__init__()
        self.path = path
        self.raw = raw
        """The shard's JSON, while it is not parsed or not changed since."""
        self.data: dict[str, Any] | None = None if raw is not None else {}
        self.checked = raw is None
        """Whether raw is known good (checked once, or serialised by us)."""
        self.version = 0

    def _parsed(self) -> dict[str, Any]:
        assert self.raw is not None
        if self.checked:
            data: dict[str, Any] = orjson.loads(self.raw)
            return data
        checked, problem = _parse_shard(self.raw)
        if checked is None:
            raise _corrupt(self.path.parent, [(self.path, str(problem))])
        return checked

    def read(self) -> dict[str, Any] | None:
        if self.data is None:
            self.data = self._parsed()
            self.checked = True
        return self.data

    def write(self, data: dict[str, Any]) -> None:
        self.data = data
        self.raw = None
        self.version += 1

    def serialize(self, applied: int) -> bytes:
        """The shard's JSON, stamped with the number of the last journal operation it holds."""
        data = self.read()
        assert data is not None
        data[APPLIED_TABLE] = {"1": {"applied": applied}}
        return orjson.dumps(data)

    def written(self, version: int, raw: bytes) -> None:
        """The writer put `raw` (the data at `version`) on disk: keep it for evict()."""
        if version == self.version and self.raw is None:
            self.raw = raw

    def evict(self) -> None:
        """Drop the parsed data, keeping it as bytes."""
        if self.data is not None:
            if self.raw is None:
                self.raw = orjson.dumps(self.data)
            self.data = None

    def annotations(self) -> list[Annotation]:
        """Every record as an Annotation, each parsed once; the shard's parse is not kept."""
        if self.data is not None or self.checked:
            data = self.data if self.data is not None else self._parsed()
            return [Annotation.from_dict(record) for record in data.get(TABLE, {}).values()]
        assert self.raw is not None
        found: list[Annotation] = []
        checked, problem = _parse_shard(self.raw, found)
        if checked is None:
            raise _corrupt(self.path.parent, [(self.path, str(problem))])
        return found


class _Shard:
    def __init__(self, path: Path, raw: bytes | None) -> None:
        self.db = TinyDB(storage=ShardStorage, path=path, raw=raw)
        self.storage: ShardStorage = self.db.storage  # type: ignore[assignment]
        self.table: Table = self.db.table(TABLE)


# The journal


_EDIT_HEAD = re.compile(rb'\{"op":"edit","id":("(?:[^"\\\x00-\x1f]|\\.)*"),"before":[{n]')
_EDIT_TAIL = re.compile(rb'[}l],"at":(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)(?:,"n":(\d+))?\}\n?\Z')


def _edit_head(line: bytes) -> dict[str, Any] | None:
    """The op, id, time and number of an edit line as _Entry.make writes it, read from its head
    and tail alone: its records, 300 KB a line on a long article, are parsed when they are used.
    Lines of schema 1 have no number."""
    head, tail = _EDIT_HEAD.match(line), _EDIT_TAIL.search(line, max(0, len(line) - 80))
    if head is None or tail is None:
        return None
    op = {"op": "edit", "id": orjson.loads(head[1]), "at": float(tail[1])}
    if tail[2] is not None:
        op["n"] = int(tail[2])
    return op


def _journal_ops(
    raw: bytes, path: Path, *, strict: bool = False
) -> tuple[list[tuple[dict[str, Any], bytes]], int, bool]:
    """The journal's operations (parsed, and their lines), the size of its complete lines, and
    whether a torn line follows them. Edit lines are read from their head and tail only, unless
    `strict` (recover): then every line is parsed and every record checked."""
    lines = raw.split(b"\n")
    tail = lines.pop()
    ops = []
    for number, line in enumerate(lines, 1):
        op = None if strict else _edit_head(line)
        if op is None:
            try:
                op = orjson.loads(line)
            except orjson.JSONDecodeError as error:
                raise _corrupt(
                    path.parent, [(path, f"line {number} is not valid JSON: {error}")]
                ) from None
            problem = _op_problem(op, strict)
            if problem:
                raise _corrupt(path.parent, [(path, f"line {number}: {problem}")])
        ops.append((op, line + b"\n"))
    return ops, len(raw) - len(tail), bool(tail)


def _annotation_problem(record: dict[str, Any]) -> str | None:
    try:
        Annotation.from_dict(record)
    except RecordError as error:
        return str(error)
    return None


def _op_problem(op: Any, strict: bool = False) -> str | None:
    if type(op) is not dict or op.get("op") not in ("edit", "undo", "redo"):
        return "not an edit, undo or redo"
    if not isinstance(op.get("at"), int | float):
        return "no time"
    if "n" in op and (type(op["n"]) is not int or op["n"] < 0):
        return "its number is not a whole number"
    if op["op"] != "edit":
        return None
    if type(op.get("id")) is not str:
        return "no article id"
    for side in ("before", "after"):
        record = op.get(side)
        if record is None:
            continue
        # The rest of a record is checked when it is used (applied at open, undone, listed):
        # checking every span of a long history here made opening take seconds.
        if _record_problem(record) or record["id"] != op["id"]:
            return f"the {side} record is not an annotation of {op['id']!r}"
        if strict and (problem := _annotation_problem(record)):
            return f"the {side} record of {op['id']!r}: {problem}"
    return None


@dataclass
class _History:
    """Undo and redo stacks and each article's latest state, as the journal leaves them."""

    undo: deque[_Entry] = field(default_factory=lambda: deque(maxlen=HISTORY_LIMIT))
    redo: list[_Entry] = field(default_factory=list)
    state: dict[str, tuple[_Entry, int]] = field(default_factory=dict)
    """Each article's state as the journal leaves it: the edit and its side (0 before, 1 after);
    the entry's n is the number of the operation that made that state."""
    last_n: int = 0
    """The highest number of the journal's operations: its last one's."""

    def replay(self, ops: list[tuple[dict[str, Any], bytes]]) -> None:
        for op, line in ops:
            # A schema 1 journal has no numbers: its lines count up, as they were written. (A
            # compacted one is not in order: its undos come last.)
            n = op.get("n", self.last_n + 1)
            self.last_n = max(self.last_n, n)
            kind = op["op"]
            if kind == "edit":
                entry = _Entry(op["id"], float(op["at"]), line, n)
                self.push(entry)
                self.state[op["id"]] = (entry, 1)
            elif kind == "undo" and self.undo:
                entry = replace(self.undo.pop(), n=n)
                self.redo.append(entry)
                self.state[entry.article_id] = (entry, 0)
            elif kind == "redo" and self.redo:
                entry = replace(self.redo.pop(), n=n)
                self.undo.append(entry)
                self.state[entry.article_id] = (entry, 1)

    def final_records(self, path: Path) -> dict[str, tuple[dict[str, Any] | None, int]]:
        """Each article's record as the journal leaves it (None: removed) and the number of the
        operation that made it, parsing only the lines that hold them; a damaged one is a
        StoreCorrupt, as at open it always was."""
        records = {}
        for article_id, (entry, side) in self.state.items():
            try:
                record = entry.records()[side]
            except RecordError as error:
                problem = f"the last edit of {article_id!r}: {error}"
                raise _corrupt(path.parent, [(path, problem)]) from None
            if record is not None and (_record_problem(record) or record["id"] != article_id):
                problem = f"the last record of {article_id!r} is not an annotation of it"
                raise _corrupt(path.parent, [(path, problem)])
            records[article_id] = (record, entry.n)
        return records

    def push(self, entry: _Entry) -> None:
        """A new edit: it can be undone, the redo stack is gone, and the oldest edits go when
        the history passes HISTORY_LIMIT edits or HISTORY_BYTES."""
        self.undo.append(entry)
        self.redo.clear()
        size = sum(len(e.line) for e in self.undo)
        while size > HISTORY_BYTES and len(self.undo) > 1:
            size -= len(self.undo.popleft().line)

    @property
    def compact_lines(self) -> int:
        return len(self.undo) + 2 * len(self.redo)

    def compacted(self) -> bytes:
        """The journal that rebuilds these stacks, numbers included: the undo stack's edits,
        then the redo stack's, then the undos that put them there."""
        redo = list(reversed(self.redo))
        undos = [_op("undo", e.article_id, e.at, e.n) for e in self.redo]
        return b"".join(
            [e.numbered_line() for e in self.undo] + [e.numbered_line() for e in redo] + undos
        )


def _same_record(record: dict[str, Any], other: dict[str, Any] | None) -> bool:
    # The time stamps first: an edit from the app has a new one, which tells at once, without
    # comparing a thousand spans.
    return (
        other is not None
        and record["updated"] == other.get("updated")
        and record["seconds"] == other.get("seconds")
        and record == other
    )


@dataclass(frozen=True, slots=True)
class _SpanForms:
    """An article's spans as a save stored them: their dicts in the record, and their JSON."""

    spans: tuple[Span, ...]
    dicts: list[dict[str, Any]]
    jsons: list[bytes]


def _keep_last(cache: dict[str, Any], article_id: str, value: Any) -> None:
    """Remember `value` for the article, forgetting the oldest past JOURNALLED_KEPT articles."""
    cache.pop(article_id, None)
    cache[article_id] = value
    while len(cache) > JOURNALLED_KEPT:
        del cache[next(iter(cache))]


def _op(kind: str, article_id: str, at: float, n: int) -> bytes:
    return orjson.dumps({"op": kind, "id": article_id, "at": at, "n": n}) + b"\n"


@dataclass(frozen=True, slots=True)
class _Disagreement:
    """A shard holding a newer state than the journal: the journal's last operation on the
    article (or its last operation at all, when `article_id` is None) is number `journal`, the
    shard holds every operation up to `shard`."""

    article_id: str | None
    shard: int
    journal: int
    shard_stamp: int

    def __str__(self) -> str:
        name = shard_name(self.shard)
        if self.article_id is None:
            return (
                f"{name} holds edits up to #{self.shard_stamp}, the journal ends at #{self.journal}"
            )
        return (
            f"its last edit of {self.article_id!r} is #{self.journal}, older than what "
            f"{name} holds (up to #{self.shard_stamp})"
        )


def _journal_behind(folder: Path, disagreements: list[_Disagreement]) -> StoreCorrupt:
    """The refusal when the journal has lost lines that its shards hold (not a crash: a crash
    only ever leaves the journal ahead of the shards)."""
    journal = folder / HISTORY
    more = len(disagreements) - 1
    return StoreCorrupt(
        f"{journal} has lost edits that the shards hold ({disagreements[0]}"
        + (f"; and {more} more" if more else "")
        + "); it is damaged, not cut by a crash, so cooltui changed nothing and will not write "
        f"to this store. Run {_recover_hint(folder)} to keep the newest record of each article",
        (journal, *sorted({folder / shard_name(d.shard) for d in disagreements})),
        str(disagreements[0]),
    )


# The lock


def _hostname() -> str:
    return socket.gethostname() or "unknown host"


def _holder(folder: Path) -> str:
    try:
        info = orjson.loads((folder / LOCK_INFO).read_bytes())
        return f"pid {int(info['pid'])} on host {info['host']}"
    except (OSError, orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return "pid unknown"


class _Lock:
    """An OS lock on <annotator>/lock, held from open to close; the OS drops it when we die."""

    def __init__(self, folder: Path, fd: int | None, fallback: Any = None) -> None:
        self.folder = folder
        self._fd = fd
        self._fallback = fallback

    @classmethod
    def acquire(cls, folder: Path) -> _Lock:
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
    def _acquire_filelock(cls, folder: Path, path: Path) -> _Lock:  # pragma: no cover - Windows
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


# Migrations: each takes a folder at schema N to N + 1, writing the manifest last.


def _migrate_0_to_1(folder: Path, annotator: str) -> None:
    """Schema 0: one stock TinyDB file annotations.json -> shard files, then the manifest."""
    source = folder / V0_FILE
    try:
        data = orjson.loads(source.read_bytes())
    except orjson.JSONDecodeError as error:
        raise _corrupt(folder, [(source, f"not valid JSON: {error}")]) from None
    problem = _tables_problem(data)
    if problem:
        raise _corrupt(folder, [(source, problem)])
    shards: dict[int, dict[str, Any]] = {}
    seen: set[str] = set()
    for record in data.get("_default", {}).values():
        try:
            annotation = Annotation.from_dict(record)
        except RecordError as error:
            raise _corrupt(folder, [(source, str(error))]) from None
        if annotation.article_id in seen:
            raise _corrupt(folder, [(source, f"article {annotation.article_id!r} is stored twice")])
        seen.add(annotation.article_id)
        table = shards.setdefault(shard_of(annotation.article_id, DEFAULT_SHARDS), {})
        table[str(len(table) + 1)] = annotation.to_dict()
    for number, table in shards.items():
        atomic_write(folder / shard_name(number), orjson.dumps({TABLE: table}), sync_dir=False)
    _fsync_dir(folder)
    write_manifest(folder, annotator, DEFAULT_SHARDS, schema=1)
    source.rename(folder / (V0_FILE + ".v0"))
    _fsync_dir(folder)


def _migrate_1_to_2(folder: Path, annotator: str) -> None:
    """Schema 1 numbered nothing: its journal's lines count up in the order they were written
    and its shards are stamped 0 (see _History.replay, _index), so only the manifest changes,
    which keeps an older cooltui, blind to the numbers, from writing the store."""
    _, manifest = _store_version(folder)
    assert manifest is not None
    write_manifest(folder, annotator, manifest["shards"], schema=2)


_MIGRATIONS: dict[int, Callable[[Path, str], None]] = {0: _migrate_0_to_1, 1: _migrate_1_to_2}


def _store_version(folder: Path) -> tuple[int | None, dict[str, Any] | None]:
    """The schema of the store in `folder` (None: no store yet) and its manifest."""
    path = folder / MANIFEST
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        if (folder / V0_FILE).exists():
            return 0, None
        if _shard_files(folder):
            raise _corrupt(folder, [(path, "missing, but the folder holds shard files")]) from None
        return None, None
    manifest, problem = _manifest_problem(raw)
    if manifest is None:
        raise _corrupt(folder, [(path, str(problem))])
    return manifest["schema"], manifest


# The store


@dataclass
class _Job:
    """One batch for the writer thread: everything queued up to `seq`."""

    attempt: int
    seq: int
    lines: list[bytes] = field(default_factory=list)
    journal: bytes | None = None
    journal_lines: int = 0
    shards: list[tuple[int, Path, bytes, int]] = field(default_factory=list)
    journal_done: bool = False
    trim: bool = False


class Store:
    """One annotator's annotations: open with Store.open(), close (or use as a context manager).

    Reading methods can be called from any thread; writing ones (save, delete, undo, redo) are
    quick and never wait for the disk. on_state is called from the writer thread.
    """

    retry_delays: tuple[float, ...] = (0.5, 1.0, 2.0)
    """Seconds between retries of a failed write (the last one repeats)."""
    close_timeout: float = 10.0

    path: Path
    annotator: str
    read_only: bool

    def __init__(
        self,
        folder: Path,
        annotator: str,
        *,
        read_only: bool,
        lock: _Lock | None,
        on_state: Callable[[SaveState], None] | None,
    ) -> None:
        self.path = folder
        self.annotator = annotator
        self.read_only = read_only
        self._lock_file = lock
        self._on_state = on_state
        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self._state = SaveState("saved", time.time())
        self._shard_count = DEFAULT_SHARDS
        self._shards: dict[int, _Shard] = {}
        self._unopened: dict[int, bytes] = {}
        """Shard files read at open whose TinyDB is not made yet (1,024 of them cost 10,000
        objects the garbage collector would scan, and 20 ms of the open)."""
        self._hot: dict[int, None] = {}
        self._where: dict[str, int] = {}
        """Where each article's record is: shard number << _SHIFT | TinyDB doc_id (ints, which the
        garbage collector does not track, unlike 100,000 tuples)."""
        self._statuses: dict[str, Status] = {}
        self._text_shas: dict[str, str] = {}
        self._history = _History()
        self._journal_n = 0
        """The number of the last journal operation made (edit, undo or redo)."""
        self._journalled: dict[str, bytes] = {}
        """The JSON of the records the last few edits journalled as their "after", while they
        are still the stored records: the next edit of the article journals it as its "before"."""
        self._span_dicts: dict[str, _SpanForms] = {}
        """The spans the last few saves stored, with their dicts and JSON: a save of the same
        article reuses those of the spans it kept (see _record_of and _json_of)."""
        self._broken: StoreCorrupt | None = None
        self._closed = False
        # Writer state: guarded by self._cond.
        self._pending: list[bytes] = []
        self._dirty: set[int] = set()
        self._unsaved: dict[str, int] = {}
        self._seq = 0
        self._written = 0
        self._attempts = 0
        self._failed_attempt = 0
        self._failures = 0
        self._error: str | None = None
        self._next_retry = 0.0
        self._retry_now = False
        self._stopping = False
        self._compact_due = False
        # Journal file state: used by the writer thread only (and by open/close around it).
        self._journal_fd: int | None = None
        self._journal_size = 0
        self._journal_lines = 0
        self._journal_trim = False
        self._writer: threading.Thread | None = None

    # Opening

    @classmethod
    def open(
        cls,
        store_dir: Path,
        annotator: str,
        *,
        read_only: bool = False,
        on_state: Callable[[SaveState], None] | None = None,
    ) -> Self:
        """Open (creating if need be) the store of `annotator` under `store_dir`.

        Read-only: loads the data without writing, creating or locking anything.
        Raises StoreLocked, StoreCorrupt or StoreError with a message for the user.
        """
        check_annotator(annotator)
        folder = Path(store_dir) / annotator
        if read_only:
            if not folder.is_dir():
                raise StoreError(f"there is no store of {annotator!r} in {store_dir}")
            store = cls(folder, annotator, read_only=True, lock=None, on_state=on_state)
            store._load_or_explain()
            return store
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(f"cannot create {folder}: {error.strerror}") from None
        lock = _Lock.acquire(folder)
        try:
            store = cls(folder, annotator, read_only=False, lock=lock, on_state=on_state)
            store._load_or_explain()
            store._start()
        except BaseException:
            lock.release()
            raise
        _open_stores.add(store)
        return store

    def _load_or_explain(self) -> None:
        try:
            self._load()
        except PermissionError as error:
            raise _unreadable(self.path, error) from None
        except OSError as error:
            raise StoreError(f"cannot read the store in {self.path}: {error}") from None

    def _load(self, *, reconcile: bool = False) -> list[_Disagreement]:
        """Read the store's files. Where the journal is older than a shard (damage: a crash
        leaves it only newer), refuse with StoreCorrupt, or with `reconcile` (recover) keep the
        shard's record and return what disagreed."""
        folder = self.path
        version, manifest = _store_version(folder)
        if version is not None and version > SCHEMA_VERSION:
            raise StoreError(
                f"{folder} was made by a newer cooltui (schema {version}; this one reads up to "
                f"{SCHEMA_VERSION}): upgrade cooltui"
            )
        if version is not None and version < SCHEMA_VERSION:
            if self.read_only:
                raise StoreError(
                    f"{folder} has the older schema {version}: open it once without "
                    f"{READ_ONLY_FLAG} to upgrade it"
                )
            while version < SCHEMA_VERSION:
                _MIGRATIONS[version](folder, self.annotator)
                version, manifest = _store_version(folder)
                assert version is not None
        if manifest is None and not self.read_only:
            try:
                write_manifest(folder, self.annotator, DEFAULT_SHARDS)
            except OSError as error:
                raise StoreError(f"cannot create the store in {folder}: {error.strerror}") from None
        if manifest is not None:
            self._shard_count = manifest["shards"]
        # The shards before the journal: the journal is written first, so it then holds every
        # operation the shards read do, even while another cooltui is writing the store.
        shards = {
            number: (path, path.read_bytes()) for number, path in _shard_files(folder).items()
        }
        ops = self._read_journal()
        self._history.replay(ops)
        disagreements = self._load_shards(shards, journalled=bool(ops))
        self._history.state = {}  # only needed to check the shards against the journal
        if disagreements and not reconcile:
            raise _journal_behind(folder, disagreements)
        if not self.read_only:
            self._journal_lines = len(ops)
            self._compact_due = self._journal_lines > self._history.compact_lines
            for path in folder.iterdir():
                if _TMP_FILE.fullmatch(path.name):
                    with contextlib.suppress(OSError):
                        path.unlink()
        return disagreements

    def _read_journal(self) -> list[tuple[dict[str, Any], bytes]]:
        path = self.path / HISTORY
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return []
        ops, size, torn = _journal_ops(raw, path)
        self._journal_size = size
        # A torn last line is an append a crash cut short (never acknowledged): cut it off.
        self._journal_trim = torn
        return ops

    def _load_shards(
        self, shards: dict[int, tuple[Path, bytes]], *, journalled: bool
    ) -> list[_Disagreement]:
        """Index every shard's records and apply the journal's operations missing from them.

        An operation is missing from a shard when its number is above the shard's stamp (the
        last operation the shard file holds): a crash between the journal and the shard. Where
        the journal's last record of an article is older than the shard's, or the shard holds
        operations the journal has not, the journal has lost lines: those disagreements are
        returned, and the shard's record is kept.
        """
        state = self._history.final_records(self.path / HISTORY)
        stale: set[str] = set()
        behind: list[_Disagreement] = []
        applied: dict[int, int] = {}
        problems: list[tuple[Path, str]] = []
        with gc_paused():
            for number, (path, raw) in shards.items():
                try:
                    data = orjson.loads(raw)
                except orjson.JSONDecodeError as error:
                    problems.append((path, f"not valid JSON: {error}"))
                    continue
                problem = self._index(number, data, state, applied, stale, behind)
                if problem:
                    problems.append((path, problem))
                else:
                    self._unopened[number] = raw
                del data
        if problems:
            raise _corrupt(self.path, problems)
        for article_id, (record, n) in state.items():
            if record is None or article_id in self._where:
                continue
            number = shard_of(article_id, self._shard_count)
            if n > applied.get(number, 0):
                stale.add(article_id)
            else:  # the shard holds this operation, yet not the record: a later one is lost
                behind.append(_Disagreement(article_id, number, n, applied[number]))
        if journalled:
            behind.extend(
                _Disagreement(None, number, self._history.last_n, stamp)
                for number, stamp in applied.items()
                if stamp > self._history.last_n
            )
        self._journal_n = max(self._history.last_n, *applied.values(), 0)
        for article_id in sorted(stale):
            record = state[article_id][0]
            problem = None if record is None else _annotation_problem(record)
            if problem:
                raise _corrupt(self.path, [(self.path / HISTORY, f"{article_id}: {problem}")])
            self._apply(article_id, record)
        if self.read_only:
            self._dirty.clear()  # applied in memory only
        elif stale:
            self._seq += 1  # so that flush() and close() wait for these shards too
            self._unsaved.update(dict.fromkeys(stale, self._seq))
        return behind

    def _index(
        self,
        number: int,
        data: Any,
        state: dict[str, tuple[dict[str, Any] | None, int]],
        applied: dict[int, int],
        stale: set[str],
        behind: list[_Disagreement],
    ) -> str | None:
        """Index the records of shard `number` (its parsed JSON); what is wrong with it, if any.

        The hot loop of opening a store: 100,000 records must take well under a second, so it
        checks only what the index needs, catching what a damaged record raises; the rest of each
        record is checked when its shard is first used.
        """
        if type(data) is not dict or type(data.get(TABLE, {})) is not dict:
            return _tables_problem(data) or "not a TinyDB file"
        if len(data) > 1 or TABLE not in data:
            problem = _tables_problem(data) or _stamp_problem(data)
            if problem:
                return problem
        stamp = applied[number] = data.get(APPLIED_TABLE, {}).get("1", {}).get("applied", 0)
        where, statuses, status_of = self._where, self._statuses, _STATUS
        text_shas = self._text_shas
        base = number << _SHIFT
        record: Any = None
        try:
            for key, record in data.get(TABLE, {}).items():
                article_id = record["id"]
                statuses[article_id] = status_of[record.get("status", "todo")]
                if type(article_id) is not str or type(record["text_sha"]) is not str:
                    raise TypeError
                text_shas[article_id] = record["text_sha"]
                if article_id in where:
                    other = shard_name(where[article_id] >> _SHIFT)
                    return f"article {article_id!r} is also in {other}"
                where[article_id] = base | int(key)
                if article_id in state:
                    journalled, n = state[article_id]
                    if journalled == record:
                        continue
                    if n > stamp:
                        stale.add(article_id)
                    else:
                        behind.append(_Disagreement(article_id, number, n, stamp))
        except (KeyError, TypeError, ValueError, AttributeError):
            return _tables_problem(data) or _record_problem(record) or "a damaged document"
        return None

    def _start_history_afresh(self) -> None:
        """Forget the undo history (recover set its journal aside): the next edit starts one."""
        self._history = _History()
        self._journal_size = self._journal_lines = 0
        self._journal_trim = self._compact_due = False

    def _start(self) -> None:
        self._writer = threading.Thread(
            target=self._run, name=f"cooltui-store-{self.annotator}", daemon=True
        )
        self._writer.start()

    # Reading

    def get(self, article_id: str) -> Annotation | None:
        """The annotation of `article_id`, None if the annotator has none."""
        with self._lock:
            record = self._current(article_id)
        return None if record is None else Annotation.from_dict(record)

    def statuses(self) -> dict[str, Status]:
        """Every annotated article id and its status (a copy; no record is parsed)."""
        with self._lock:
            return dict(self._statuses)

    def text_shas(self) -> dict[str, str]:
        """Every annotated article id and the text_sha its record was made on (a copy)."""
        with self._lock:
            return dict(self._text_shas)

    def __len__(self) -> int:
        return len(self._where)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._where

    def __iter__(self) -> Iterator[Annotation]:
        """Every annotation, shard by shard (a shard's records are read as one snapshot)."""
        return self.share(0, 1)

    def share(self, index: int, shares: int) -> Iterator[Annotation]:
        """The annotations of every `shares`-th shard from `index`: one worker's share."""
        with self._lock:
            numbers = sorted(n for n in {*self._shards, *self._unopened} if n % shares == index)
        for number in numbers:
            with self._lock:
                shard = self._shards.get(number)
                storage = (  # one not used yet is read for the moment, without a TinyDB
                    shard.storage
                    if shard
                    else ShardStorage(self._path_of(number), self._unopened[number])
                )
                try:
                    annotations = storage.annotations()
                except StoreCorrupt as error:
                    self._broken = error
                    raise
            yield from annotations

    def history(self, article_id: str | None = None, limit: int = 100) -> list[HistoryEntry]:
        """The edits undo would revert, newest first (of one article, or of all)."""
        with self._lock:
            entries = [
                e
                for e in reversed(self._history.undo)
                if article_id is None or e.article_id == article_id
            ][:limit]
        try:
            return [e.public() for e in entries]
        except RecordError as error:
            raise self._damaged_history(f"a damaged edit in the undo history ({error})") from None

    def _damaged_history(self, what: str) -> StoreError:
        return StoreError(
            f"{self.path / HISTORY}: {what}; `cooltui store recover {self.annotator}` starts "
            "the history afresh"
        )

    @property
    def can_undo(self) -> bool:
        return not self.read_only and bool(self._history.undo)

    @property
    def can_redo(self) -> bool:
        return not self.read_only and bool(self._history.redo)

    @property
    def state(self) -> SaveState:
        """Saved, saving (changes not on disk yet) or failed (and retrying, with the error)."""
        state = self._state
        if state.kind == "saved" and self._written < self._seq:
            return SaveState("saving", time.time())
        return state

    # Writing

    def save(self, annotation: Annotation) -> None:
        """Store `annotation` as its article's record; returns at once, the writer saves it.

        Stamps `updated` (and `created` if unset) unless the caller did; a save that changes
        nothing is not recorded. Each save is an edit in the history.
        """
        self._save(annotation)

    def _save(self, annotation: Annotation) -> dict[str, Any] | None:
        self._check_writable()
        now = time.time()
        with self._cond:
            before = self._current(annotation.article_id)
            after = self._record_of(annotation)
            if _same_record(after, before):
                return before
            if annotation.updated == 0.0 or (
                before is not None and annotation.updated <= before.get("updated", 0.0)
            ):
                after["updated"] = now
            if annotation.created == 0.0:
                after["created"] = now if before is None else before.get("created", now)
            self._edit(annotation.article_id, before, after, now)
            return after

    def _record_of(self, annotation: Annotation) -> dict[str, Any]:
        """annotation.to_dict(), with the dicts of the spans its article's last save stored
        (the same Span objects) reused: an edit changes a span or two of a thousand, and
        making a thousand dicts again was most of what a save cost the app."""
        spans = annotation.spans
        last = self._span_dicts.get(annotation.article_id)
        if last is None:
            dicts = [span.to_dict() for span in spans]
            jsons = list(map(orjson.dumps, dicts))
        else:
            first, stored_stop, stop = differing_stretch(last.spans, spans)
            made = [span.to_dict() for span in spans[first:stop]]
            dicts = [*last.dicts[:first], *made, *last.dicts[stored_stop:]]
            jsons = [*last.jsons[:first], *map(orjson.dumps, made), *last.jsons[stored_stop:]]
        _keep_last(self._span_dicts, annotation.article_id, _SpanForms(spans, dicts, jsons))
        # The dicts are shared between records; nothing changes a stored record's spans in place.
        return annotation.to_dict(span_dicts=dicts)

    def _json_of(self, article_id: str, record: dict[str, Any] | None) -> bytes:
        """orjson.dumps(record), with its spans' JSON joined from those _record_of made."""
        forms = self._span_dicts.get(article_id)
        if record is None or forms is None or record["spans"] is not forms.dicts:
            return orjson.dumps(record)
        rest = orjson.dumps({key: value for key, value in record.items() if key != "spans"})
        return b'{"spans":[%b],%b' % (b",".join(forms.jsons), rest[1:])

    def delete(self, article_id: str) -> None:
        """Remove the record of `article_id` (an edit like any other: undo brings it back)."""
        self._check_writable()
        with self._cond:
            before = self._current(article_id)
            if before is not None:
                self._edit(article_id, before, None, time.time())

    def undo(self) -> Annotation | None:
        """Revert the newest edit (of whichever article) and return that article's annotation.

        None if there is nothing to undo. Undoing an article's first save removes its record and
        returns a blank Annotation of the article (is_empty; get() then returns None).
        """
        return self._step("undo")

    def redo(self) -> Annotation | None:
        """Apply again the edit undone last; None if there is none."""
        return self._step("redo")

    def _step(self, kind: Literal["undo", "redo"]) -> Annotation | None:
        self._check_writable()
        history = self._history
        with self._cond:
            source = history.undo if kind == "undo" else history.redo
            if not source:
                return None
            entry = source[-1]
            try:
                before, after = entry.records()
            except RecordError as error:
                raise self._damaged_history(
                    f"the edit to {kind} is damaged ({error}), nothing was changed"
                ) from None
            record, other = (before, after) if kind == "undo" else (after, before)
            problem = None if record is None else _annotation_problem(record)
            if problem:
                raise self._damaged_history(
                    f"the edit to {kind} is damaged ({problem}), nothing was changed"
                )
            self._apply(entry.article_id, record)
            self._journal_n += 1
            moved = replace(source.pop(), n=self._journal_n)
            (history.redo if kind == "undo" else history.undo).append(moved)
            line = _op(kind, entry.article_id, time.time(), self._journal_n)
            self._queue(line, entry.article_id)
        if record is not None:
            return Annotation.from_dict(record)
        assert other is not None
        return Annotation(entry.article_id, other["text_sha"])

    def reanchor(self, article_id: str, text: str, text_sha: str) -> Annotation | None:
        """The annotation of `article_id` carried over to the article's current text.

        When text_sha differs from the record's, the spans are re-anchored (see
        cooltui.anchor.reanchor), the record flagged and saved (an edit undo can revert); in a
        read-only store the result is returned without saving. None if there is no record.
        """
        current = self.get(article_id)
        if current is None or current.text_sha == text_sha:
            return current
        carried = _reanchor(current, text, text_sha)
        if self.read_only:
            return carried
        saved = self._save(carried)
        return carried if saved is None else Annotation.from_dict(saved)

    def load(self, article_id: str, text: str, text_sha: str) -> tuple[Annotation | None, bool]:
        """The annotation for the article's current text, and whether it had to be re-anchored."""
        current = self.get(article_id)
        if current is None or current.text_sha == text_sha:
            return current, False
        return self.reanchor(article_id, text, text_sha), True

    # In-memory state (call with self._lock held)

    def _check_writable(self) -> None:
        if self.read_only:
            raise ReadOnlyStore(f"{self.path} is open read-only: changes cannot be saved")
        if self._closed:
            raise StoreError(f"{self.path} is closed")
        if self._broken is not None:
            raise self._broken

    def _shard(self, number: int) -> _Shard:
        shard = self._shards.get(number)
        if shard is None:
            raw = self._unopened.pop(number, None)
            shard = self._shards[number] = _Shard(self._path_of(number), raw)
        try:
            shard.storage.read()
        except StoreCorrupt as error:
            self._broken = error
            raise
        hot = self._hot
        hot.pop(number, None)
        hot[number] = None
        if len(hot) > HOT_SHARDS:
            for old in [n for n in hot if n != number and n not in self._dirty]:
                self._shards[old].storage.evict()
                del hot[old]
                if len(hot) <= HOT_SHARDS:
                    break
        return shard

    def _path_of(self, number: int) -> Path:
        return self.path / shard_name(number)

    def _current(self, article_id: str) -> dict[str, Any] | None:
        where = self._where.get(article_id)
        if where is None:
            return None
        document = self._shard(where >> _SHIFT).table.get(doc_id=where & _DOC_ID)
        return None if document is None else dict(document)

    def _apply(self, article_id: str, record: dict[str, Any] | None) -> None:
        """Make `record` the stored record of `article_id` (None: remove it), in memory."""
        self._journalled.pop(article_id, None)
        where = self._where.get(article_id)
        if where is not None:
            number, doc_id = where >> _SHIFT, where & _DOC_ID
        if record is None:
            if where is None:
                return
            self._shard(number).table.remove(doc_ids=[doc_id])
            del self._where[article_id], self._statuses[article_id], self._text_shas[article_id]
        elif where is None:
            number = shard_of(article_id, self._shard_count)
            doc_id = self._shard(number).table.insert(record)
            self._where[article_id] = number << _SHIFT | doc_id
        else:

            def overwrite(document: dict[str, Any]) -> None:
                document.clear()
                document.update(record)

            self._shard(number).table.update(overwrite, doc_ids=[doc_id])
        if record is not None:
            self._statuses[article_id] = _STATUS[record["status"]]
            self._text_shas[article_id] = record["text_sha"]
        self._dirty.add(number)

    def _edit(
        self,
        article_id: str,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        at: float,
    ) -> None:
        # The record before this edit is the one the last edit journalled, unless something
        # else (undo, redo) changed it since: its JSON is reused rather than made again.
        before_json = self._journalled.pop(article_id, None) or orjson.dumps(before)
        after_json = self._json_of(article_id, after)
        self._journal_n += 1
        entry = _Entry.make(article_id, before_json, after_json, at, self._journal_n)
        self._apply(article_id, after)
        if after is not None:
            _keep_last(self._journalled, article_id, after_json)
        self._history.push(entry)
        self._queue(entry.line, article_id)

    def _queue(self, line: bytes, article_id: str) -> None:
        self._pending.append(line)
        self._seq += 1
        self._unsaved[article_id] = self._seq
        self._cond.notify_all()

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
        return bool(self._pending or self._dirty or self._compact_due or self._journal_trim)

    def _next_job(self) -> _Job | None:
        while True:
            if self._stopping and not (self._pending or self._dirty):
                return None  # close() compacts the journal itself
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
        job = _Job(self._attempts, self._seq, trim=self._journal_trim)
        if self._compact_due and not self._pending and not self._dirty:
            # Only when everything is on disk: the edits it drops are then in their shards.
            job.journal = self._history.compacted()
            job.journal_lines = self._history.compact_lines
        job.lines, self._pending = self._pending, []
        for number in sorted(self._dirty):
            # Every operation so far is in this job's lines or an earlier job's, which the
            # journal takes before the shards: the shard holds them all.
            storage = self._shards[number].storage
            data = storage.serialize(self._journal_n)
            job.shards.append((number, storage.path, data, storage.version))
        self._dirty.clear()
        return job

    def _write(self, job: _Job) -> None:
        """Journal first, then the shards, then fsync the folder (outside the lock)."""
        if job.trim:
            self._trim_journal()
        if job.journal is not None:
            self._rewrite_journal(job.journal, job.journal_lines)
        elif job.lines:
            self._append_journal(b"".join(job.lines), len(job.lines))
        job.journal_done = True
        for _, path, data, _ in job.shards:
            atomic_write(path, data, backup=True, sync_dir=False)
        if job.shards:
            _fsync_dir(self.path)

    def _journal(self) -> int:
        """The journal's descriptor, for appending."""
        if self._journal_fd is None:
            path = self.path / HISTORY
            existed = path.exists()
            self._journal_fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            if not existed:
                _fsync_dir(self.path)
        return self._journal_fd

    def _trim_journal(self) -> None:
        """Cut the journal back to its last complete line (a crash or a failed append left more)."""
        fd = self._journal()
        os.ftruncate(fd, self._journal_size)
        os.fsync(fd)
        self._journal_trim = False

    def _rewrite_journal(self, data: bytes, lines: int) -> None:
        atomic_write(self.path / HISTORY, data)
        if self._journal_fd is not None:
            os.close(self._journal_fd)
            self._journal_fd = None
        self._journal_size, self._journal_lines = len(data), lines
        self._journal_trim = False
        self._compact_due = False

    def _append_journal(self, data: bytes, lines: int) -> None:
        fd = self._journal()
        try:
            _write_fully(fd, data)
            os.fsync(fd)
        except OSError:
            # Cut a partly written append off again, so that no torn line is ever followed by
            # another; if even that fails, the next attempt does it before appending.
            try:
                os.ftruncate(fd, self._journal_size)
            except OSError:
                self._journal_trim = True
            raise
        self._journal_size += len(data)
        self._journal_lines += lines

    def _failed(self, job: _Job, error: Exception) -> str:
        """Put a failed job's work back (nothing is dropped) and schedule a retry; returns the
        reason in a few words, for the footer (the full message, with the file, is kept)."""
        if not job.journal_done:
            self._pending[:0] = job.lines
        self._dirty.update(number for number, _, _, _ in job.shards)
        self._failures += 1
        delay = self.retry_delays[min(self._failures, len(self.retry_delays)) - 1]
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
            f"{self.retry_delays[-1]:g} s"
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
        for number, _, data, version in job.shards:
            self._shards[number].storage.written(version, data)
        # Compacted when it holds a whole history more than the history itself, in edits or bytes.
        if (
            self._journal_lines > self._history.compact_lines + HISTORY_LIMIT
            or self._journal_size > 2 * HISTORY_BYTES
        ):
            self._compact_due = True
        self._cond.notify_all()
        return not self._has_work()

    def _set_state(self, kind: Literal["saved", "saving", "failed"], error: str | None) -> None:
        state = SaveState(kind, time.time(), error)
        self._state = state
        if self._on_state is not None:
            with contextlib.suppress(Exception):
                self._on_state(state)

    # Flushing and closing

    def flush(self, timeout: float | None = None) -> None:
        """Wait until every change so far is on disk; StoreError if it cannot be written."""
        if self._writer is None:
            return
        if threading.current_thread() is self._writer:
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
                if not self._writer.is_alive():
                    raise StoreError(f"{self.path}: the writer stopped; {self._unsaved_message()}")
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    raise StoreError(
                        f"{self.path}: not written within {timeout:g} s; {self._unsaved_message()}"
                    )
                self._cond.wait(left)

    def _unsaved_message(self) -> str:
        ids = sorted(self._unsaved)
        shown = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
        reason = self._error or "not written yet"
        return f"changes to {len(ids)} article(s) are not saved ({shown}): {reason}"

    def close(self) -> None:
        """Save what is pending, stop the writer, release the lock. Idempotent.

        If the changes cannot be written (disk still full...), raises StoreError naming them and
        stays open, still retrying: nothing is discarded. Free space and close again.
        """
        if self._closed:
            return
        if self._writer is not None:
            try:
                self.flush(self.close_timeout)
            except StoreError as error:
                raise StoreError(
                    f"{error}. Nothing was discarded: free space (or fix the folder) and quit again"
                ) from None
            with self._cond:
                if self._written < self._seq:  # saved by another thread meanwhile
                    raise StoreError(f"{self.path}: changes were still being made; close again")
                self._stopping = True
                self._cond.notify_all()
            self._writer.join(self.close_timeout)
            if self._writer.is_alive():
                raise StoreError(f"{self.path}: the writer did not stop; close again")
            if self._broken is None and self._journal_lines > self._history.compact_lines:
                with contextlib.suppress(OSError):
                    self._rewrite_journal(self._history.compacted(), self._history.compact_lines)
            if self._journal_fd is not None:
                os.close(self._journal_fd)
                self._journal_fd = None
        if self._lock_file is not None:
            self._lock_file.release()
            self._lock_file = None
        self._closed = True
        _open_stores.discard(self)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        mode = "read-only" if self.read_only else "writable"
        return f"<Store {self.path} {mode} {len(self)} records>"


_open_stores: weakref.WeakSet[Store] = weakref.WeakSet()


@atexit.register
def _close_open_stores() -> None:
    """A safety net for a program that exits without closing its store: save what is pending."""
    for store in list(_open_stores):
        try:
            store.close()
        except StoreError as error:
            warn(str(error))


# Folder-level commands


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


def _unreadable(folder: Path, error: OSError) -> StoreError:
    """A store file this user may not read: a permission to fix, not damage to recover."""
    return StoreError(
        f"cannot read {error.filename or folder} ({error.strerror}); the file is not damaged "
        "and nothing was changed: give your user access to the store's files (e.g. chmod u+rw) "
        "and try again"
    )


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
            _fsync_dir(path.parent)
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
    store = Store(folder, annotator, read_only=False, lock=None, on_state=None)
    disagreements = store._load(reconcile=True)
    if not disagreements:
        return []
    ahead = sorted(store._unsaved)
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
    lock = _Lock.acquire(folder)
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
        lock.release()
    return lines or [f"{folder}: every file is readable; nothing to do"]


__all__ = [
    "DEFAULT_SHARDS",
    "HISTORY_LIMIT",
    "READ_ONLY_FLAG",
    "RECOVER_COMMAND",
    "SCHEMA_VERSION",
    "HistoryEntry",
    "ReadOnlyStore",
    "SaveState",
    "Store",
    "StoreCorrupt",
    "StoreError",
    "StoreLocked",
    "StoreNotWritable",
    "annotators",
    "check_annotator",
    "recover",
]
