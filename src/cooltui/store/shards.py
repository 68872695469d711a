"""The shard files: the TinyDB files that hold the records, and how they are checked.

An article's record lives in shard crc32(id) % shards (a number the manifest fixes), in the
shard's table TABLE; its second table, APPLIED_TABLE, stamps it with the last journal operation
it holds. ShardStorage keeps one shard in memory for the Store, as bytes until it is used.

TinyDB itself is imported when a record is first changed: opening a store and reading its
records need none of it, and the app's start does without the import.
"""

from __future__ import annotations

import contextlib
import re
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from cooltui.model import Annotation, RecordError, Status
from cooltui.store.layout import _corrupt

if TYPE_CHECKING:
    from tinydb.table import Table

DEFAULT_SHARDS = 1024
"""Shard files of a new store: ~100 articles each at 100,000 articles, so a save stays small."""

TABLE = "annotations"
APPLIED_TABLE = "journal"
"""A shard's second TinyDB table: one document {"applied": n}, the number of the last journal
operation the shard file holds (every operation up to n that touched its articles)."""

_SHARD_FILE = re.compile(r"shard-(\d+)\.json")
_STATUS = {status.value: status for status in Status}


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


def _annotation_problem(record: dict[str, Any]) -> str | None:
    try:
        Annotation.from_dict(record)
    except RecordError as error:
        return str(error)
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


class ShardStorage:
    """A TinyDB storage that holds one shard file's data in memory. (TinyDB asks a storage for
    read, write and close only: not being a subclass of its Storage spares its import.)

    The file's bytes are read at open and parsed (each record checked as Annotation.from_dict
    reads it) when the shard is first used. The store keeps only the shards used last parsed and
    turns the others back into bytes (`evict`), which the garbage collector does not have to scan:
    100,000 parsed records would make each of its full passes take a few hundred milliseconds.
    write() only keeps the new data: the store's writer thread puts it on disk with atomic_write.
    """

    def __init__(self, path: Path, raw: bytes | None = None) -> None:
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

    def close(self) -> None:
        """Nothing to close: the writer thread writes the file whole, and it is never open."""

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
    """A shard the store has used: its ShardStorage, and the TinyDB table over it that changes
    its records, made on the first change (reading a record needs no TinyDB)."""

    def __init__(self, path: Path, raw: bytes | None) -> None:
        self.storage = ShardStorage(path, raw)
        self._table: Table | None = None

    def record(self, doc_id: int) -> dict[str, Any] | None:
        """The stored record with this TinyDB document id (not a copy), as TinyDB reads it."""
        data = self.storage.read()
        assert data is not None
        records: dict[str, dict[str, Any]] = data.get(TABLE, {})
        return records.get(str(doc_id))

    @property
    def table(self) -> Table:
        """The records' table, to change them."""
        if self._table is None:
            from tinydb import TinyDB

            storage = self.storage
            self._table = TinyDB(storage=lambda: storage).table(TABLE)
        return self._table
