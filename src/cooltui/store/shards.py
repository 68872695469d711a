"""The shard files: the TinyDB files that hold the records, and how they are checked.

An article's record lives in shard crc32(id) % shards (a number the manifest fixes), in the
shard's table TABLE; its second table, APPLIED_TABLE, stamps it with the last journal operation
it holds. ShardStorage keeps one shard in memory for the Store, as bytes until it is used.

A shard file is written in one form, made for git (see shard_json): the records in the order
of their article ids, a span a line, each record's keys sorted and under a document id made from
its article id (doc_id_of), so the same records make the same bytes whatever order they were
saved in, and an edit changes a few lines: its span's, its record's first and last, the
stamp's. Any TinyDB JSON is read (older stores wrote theirs on one line, numbered in the order
of insertion): a shard takes this form when it is next written.

TinyDB itself is imported when a record is first changed: opening a store and reading its
records need none of it, and the app's start does without the import.
"""

from __future__ import annotations

import contextlib
import hashlib
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

MAX_DOC_ID = 2**31 - 1
"""The largest document id doc_id_of gives: one below 2**31, so that the ids TinyDB counts on
from the largest (an older cooltui does) stay within the 32 bits the Store's index keeps."""

_SORTED = orjson.OPT_SORT_KEYS


def shard_of(article_id: str, shards: int) -> int:
    """The shard a new record of `article_id` goes to: stable across runs and machines."""
    return zlib.crc32(article_id.encode("utf-8", "surrogatepass")) % shards


def shard_name(number: int) -> str:
    return f"shard-{number:03d}.json"


def doc_id_of(article_id: str) -> int:
    """The TinyDB document id of an article's record: a hash of its id, so that it does not
    depend on the order records came in (a different hash from shard_of's: within a shard,
    crc32 values share their low bits)."""
    digest = hashlib.blake2b(article_id.encode("utf-8", "surrogatepass"), digest_size=4).digest()
    return int.from_bytes(digest, "big") % MAX_DOC_ID + 1


def _next_doc_id(doc_id: int) -> int:
    return doc_id % MAX_DOC_ID + 1


def _doc_ids(bases: list[int]) -> list[int]:
    """The document ids of records in the order of their article ids, given their doc_id_of:
    each its own, unless one before it took it (two ids with one hash, about one store in 400
    at 100,000 articles), then the next free one."""
    if len(set(bases)) == len(bases):
        return bases
    taken: set[int] = set()
    ids = []
    for base in bases:
        doc_id = base
        while doc_id in taken:
            doc_id = _next_doc_id(doc_id)
        taken.add(doc_id)
        ids.append(doc_id)
    return ids


_SPAN_LISTS = ("rejected", "review", "spans", "suggested")
"""A record's lists of spans, written a span a line."""


def span_json(span: dict[str, Any]) -> bytes:
    """A span's JSON as shard files hold it (sorted keys)."""
    return orjson.dumps(span, option=_SORTED)


def record_json(record: dict[str, Any], spans: list[bytes] | None = None) -> bytes:
    """A record as a shard file holds it: its keys sorted, each span of its lists on a line of
    its own, so that a one-span edit of a long article changes a line, not 300 KB. `spans` is
    the span_json of each of record["spans"], where the caller has it already."""
    lists = {}
    for key in _SPAN_LISTS:
        items = record.get(key)
        if items:
            jsons = spans if key == "spans" and spans is not None else map(span_json, items)
            lists[key] = orjson.Fragment(b"[\n%b]" % b",\n".join(jsons))
    return orjson.dumps({**record, **lists} if lists else record, option=_SORTED)


def shard_json(
    data: dict[str, Any],
    lines: dict[str, tuple[int, bytes]] | None = None,
    spans: dict[str, list[bytes]] | None = None,
) -> tuple[bytes, bool]:
    """A shard's file in its stable form, and whether its document ids are those of `data`.

    The records in the order of their article ids, each under its doc_id_of, with sorted keys
    and a span a line (record_json); then the other tables (the stamp), one a line:

        {"annotations":{
        "1977657962":{"created":1000.0,"doc_labels":{"topik":["x"]},"id":"a0",...,"spans":[
        {"end":4,"label":"PER","source":"manual","start":0,"text":"Budi"},
        {"end":21,"label":"LOC","source":"manual","start":14,"text":"Jakarta"}],"status":...},
        "213875139":{"created":1001.0,"doc_labels":{},"id":"a1",...,"spans":[],...}
        },
        "journal":{"1":{"applied":12}}}

    `lines` keeps each record's doc_id_of and JSON by article id, for the next call to reuse:
    the caller forgets an article's when its record changes (ShardStorage.record_changed), and
    may give the span_json of its spans in `spans`, which this takes.
    """
    known = {} if lines is None else lines
    given = {} if spans is None else spans
    records: dict[str, dict[str, Any]] = data.get(TABLE, {})
    keyed = sorted((record["id"], key) for key, record in records.items())
    found = []
    for article_id, key in keyed:
        line = known.get(article_id)
        if line is None:
            json = record_json(records[key], given.pop(article_id, None))
            line = known[article_id] = (doc_id_of(article_id), json)
        found.append(line)
    ids = _doc_ids([doc_id for doc_id, _ in found])
    same_ids = all(str(doc_id) == key for doc_id, (_, key) in zip(ids, keyed, strict=True))
    # One join: a long article's record is 300 KB, and every copy of the file costs.
    pieces = [b'{"%b":{' % TABLE.encode()]
    for doc_id, (_, json) in zip(ids, found, strict=True):
        pieces += (b'\n"%d":' % doc_id, json, b",")
    if found:
        pieces[-1] = b"\n}"
    else:
        pieces.append(b"}")
    for name, table in sorted(data.items()):
        if name != TABLE:
            pieces += (b",\n", orjson.dumps(name), b":", orjson.dumps(table, option=_SORTED))
    pieces.append(b"}\n")
    return b"".join(pieces), same_ids


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


def shard_contents(raw: bytes) -> tuple[dict[str, dict[str, Any]], int]:
    """The records of a shard file by article id, each checked as Annotation.from_dict reads
    it, and the shard's stamp (0 if none); a ValueError says what is wrong with a damaged one."""
    data, problem = _parse_shard(raw)
    if data is None:
        raise ValueError(problem)
    stamp_problem = _stamp_problem(data)
    if stamp_problem:
        raise ValueError(stamp_problem)
    records = {record["id"]: record for record in data.get(TABLE, {}).values()}
    return records, data.get(APPLIED_TABLE, {}).get("1", {}).get("applied", 0)


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
        self._lines: dict[str, tuple[int, bytes]] = {}
        """Each record's doc_id_of and JSON as serialize() made them, until it changes: an edit
        makes one record's line again, not a hundred."""
        self._spans: dict[str, list[bytes]] = {}
        """The span_json of the spans of records changed since, where the Store made them."""
        self._same_ids_version: int | None = None
        """The version whose file serialize() made with the document ids the data has: only
        those bytes can stand for the data (written, then evict)."""

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

    def record_changed(self, article_id: str, spans: list[bytes] | None = None) -> None:
        """The record of `article_id` changed (or went): its line is made again, from `spans`,
        the span_json of its spans, if given."""
        self._lines.pop(article_id, None)
        if spans is None:
            self._spans.pop(article_id, None)
        else:
            self._spans[article_id] = spans

    def serialize(self, applied: int) -> bytes:
        """The shard's file (shard_json), stamped with the number of the last journal operation
        it holds."""
        data = self.read()
        assert data is not None
        data[APPLIED_TABLE] = {"1": {"applied": applied}}
        raw, same_ids = shard_json(data, self._lines, self._spans)
        self._same_ids_version = self.version if same_ids else None
        return raw

    def written(self, version: int, raw: bytes) -> None:
        """The writer put `raw` (the data at `version`) on disk: keep it for evict(), unless its
        document ids are not those of the data (an older file's, until the store is reopened)."""
        if version == self.version == self._same_ids_version and self.raw is None:
            self.raw = raw

    def evict(self) -> None:
        """Drop the parsed data, keeping it as bytes."""
        if self.data is not None:
            if self.raw is None:
                self.raw = orjson.dumps(self.data)
            self.data = None
            self._lines = {}
            self._spans = {}

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

    def insert(self, record: dict[str, Any]) -> int:
        """Add the record of an article the shard lacks, under its doc_id_of (the next free id
        if another article has it); returns the document id."""
        from tinydb.table import Document

        data = self.storage.read()
        assert data is not None
        taken = data.get(TABLE, {})
        doc_id = doc_id_of(record["id"])
        while str(doc_id) in taken:
            doc_id = _next_doc_id(doc_id)
        return self.table.insert(Document(record, doc_id=doc_id))

    @property
    def table(self) -> Table:
        """The records' table, to change them."""
        if self._table is None:
            from tinydb import TinyDB

            storage = self.storage
            self._table = TinyDB(storage=lambda: storage).table(TABLE)
        return self._table
