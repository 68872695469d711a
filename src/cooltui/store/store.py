"""The Store: one annotator's annotations in memory, and the face the rest of cooltui uses.

It opens a store folder (migrating an older one, applying the journal's edits a crash kept from
their shards, refusing damage), serves reads from memory, and makes each save, delete, undo and
redo at once in memory, handing the writer (see writer.py) the journal line and the changed shard
to put on disk. Shard files are read at open as bytes and parsed when first used; only the last
few used stay parsed.
"""

from __future__ import annotations

import atexit
import contextlib
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal, Self

import orjson

from cooltui.anchor import reanchor as _reanchor
from cooltui.errors import warn
from cooltui.memory import gc_paused
from cooltui.model import Annotation, RecordError, Span, Status, differing_stretch
from cooltui.store.files import _TMP_FILE
from cooltui.store.gitfiles import write_git_files
from cooltui.store.journal import (
    _Disagreement,
    _Entry,
    _History,
    _journal_behind,
    _journal_ops,
    _op,
)
from cooltui.store.layout import (
    HISTORY,
    RECOVER_COMMAND,
    ReadOnlyStore,
    StoreCorrupt,
    StoreError,
    _corrupt,
    _unreadable,
    check_annotator,
)
from cooltui.store.lock import FolderLock
from cooltui.store.migrate import _current_manifest
from cooltui.store.shards import (
    _STATUS,
    APPLIED_TABLE,
    DEFAULT_SHARDS,
    TABLE,
    ShardStorage,
    _annotation_problem,
    _record_problem,
    _Shard,
    _shard_files,
    _stamp_problem,
    _tables_problem,
    shard_name,
    shard_of,
    span_json,
)
from cooltui.store.writer import SaveState, _Writer

JOURNALLED_KEPT = 8
"""How many articles' last journalled records (and span dicts) are kept for their next edit
(see _journalled and _span_dicts)."""

HOT_SHARDS = 8
"""How many shards stay parsed in memory (those used last); the others are kept as bytes."""

_SHIFT = 32
_DOC_ID = (1 << _SHIFT) - 1


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
    """An article's spans as a save stored them: their dicts in the record, and their JSON
    (span_json: the journal's and the shard file's)."""

    spans: tuple[Span, ...]
    dicts: list[dict[str, Any]]
    jsons: list[bytes]


def _keep_last(cache: dict[str, Any], article_id: str, value: Any) -> None:
    """Remember `value` for the article, forgetting the oldest past JOURNALLED_KEPT articles."""
    cache.pop(article_id, None)
    cache[article_id] = value
    while len(cache) > JOURNALLED_KEPT:
        del cache[next(iter(cache))]


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
        folder_lock: FolderLock | None,
        on_state: Callable[[SaveState], None] | None,
    ) -> None:
        self.path = folder
        self.annotator = annotator
        self.read_only = read_only
        self._folder_lock = folder_lock
        self._state_lock = threading.RLock()
        """Guards the in-memory state: the records, their index, the history, and what the
        writer is handed."""
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
        self._journalled: dict[str, bytes] = {}
        """The JSON of the records the last few edits journalled as their "after", while they
        are still the stored records: the next edit of the article journals it as its "before"."""
        self._span_dicts: dict[str, _SpanForms] = {}
        """The spans the last few saves stored, with their dicts and JSON: a save of the same
        article reuses those of the spans it kept (see _record_of and _json_of)."""
        self._broken: StoreCorrupt | None = None
        self._closed = False
        self._writer = _Writer(
            folder,
            self._state_lock,
            self._history,
            on_state=on_state,
            retry_delays=self.retry_delays,
        )

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
            store = cls(folder, annotator, read_only=True, folder_lock=None, on_state=on_state)
            store._load_or_explain()
            return store
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(f"cannot create {folder}: {error.strerror}") from None
        folder_lock = FolderLock.acquire(folder)
        try:
            store = cls(
                folder, annotator, read_only=False, folder_lock=folder_lock, on_state=on_state
            )
            store._load_or_explain()
            write_git_files(folder)
            store._start()
        except BaseException:
            folder_lock.release()
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
        manifest = _current_manifest(folder, self.annotator, read_only=self.read_only)
        if manifest is not None:
            self._shard_count = manifest["shards"]
        # The shards before the journal: the journal is written first, so it then holds every
        # operation the shards read do, even while another cooltui is writing the store.
        shards = {
            number: (path, path.read_bytes()) for number, path in _shard_files(folder).items()
        }
        ops, size, torn = self._read_journal()
        self._history.replay(ops)
        disagreements = self._load_shards(shards, journalled=bool(ops))
        self._history.state = {}  # only needed to check the shards against the journal
        if disagreements and not reconcile:
            raise _journal_behind(folder, disagreements)
        if not self.read_only:
            self._writer.found_journal(size, len(ops), torn=torn)
            for path in folder.iterdir():
                if _TMP_FILE.fullmatch(path.name):
                    with contextlib.suppress(OSError):
                        path.unlink()
        return disagreements

    def _read_journal(self) -> tuple[list[tuple[dict[str, Any], bytes]], int, bool]:
        """The journal's operations, the size of its complete lines, and whether a torn line
        follows them (see _journal_ops); a missing journal is an empty one."""
        path = self.path / HISTORY
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return [], 0, False
        return _journal_ops(raw, path)

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
        self._writer.number_after(max(self._history.last_n, *applied.values(), 0))
        for article_id in sorted(stale):
            record = state[article_id][0]
            problem = None if record is None else _annotation_problem(record)
            if problem:
                raise _corrupt(self.path, [(self.path / HISTORY, f"{article_id}: {problem}")])
            self._apply(article_id, record)
        if self.read_only:
            self._writer.forget_changes()  # applied in memory only
        elif stale:
            self._writer.reapplied(stale)
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
        self._writer.start_journal_afresh(self._history)

    def _start(self) -> None:
        self._writer.start(f"cooltui-store-{self.annotator}")

    # Reading

    def get(self, article_id: str) -> Annotation | None:
        """The annotation of `article_id`, None if the annotator has none."""
        with self._state_lock:
            record = self._current(article_id)
        return None if record is None else Annotation.from_dict(record)

    def statuses(self) -> dict[str, Status]:
        """Every annotated article id and its status (a copy; no record is parsed)."""
        with self._state_lock:
            return dict(self._statuses)

    def text_shas(self) -> dict[str, str]:
        """Every annotated article id and the text_sha its record was made on (a copy)."""
        with self._state_lock:
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
        with self._state_lock:
            numbers = sorted(n for n in {*self._shards, *self._unopened} if n % shares == index)
        for number in numbers:
            with self._state_lock:
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

    def _damaged_history(self, what: str) -> StoreError:
        return StoreError(
            f"{self.path / HISTORY}: {what}; `{RECOVER_COMMAND} {self.annotator}` starts the "
            "history afresh"
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
        return self._writer.state

    # Writing

    def save(self, annotation: Annotation) -> None:
        """Store `annotation` as its article's record; returns at once, the writer saves it.

        Stamps `updated` (and `created` if unset) unless the caller did; a save that changes
        nothing is not recorded. Each save is an edit in the history.
        """
        self._save(annotation)

    def save_all(self, annotations: Sequence[Annotation]) -> None:
        """Store several articles' records as one edit of the history: one undo (or redo) takes
        all of them back. They share one time stamp, which is what groups them, in memory and
        in the journal (so across restarts too)."""
        with self._state_lock:
            now = time.time()
            for annotation in annotations:
                self._save(annotation, now)

    def _save(self, annotation: Annotation, now: float | None = None) -> dict[str, Any] | None:
        self._check_writable()
        now = time.time() if now is None else now
        with self._state_lock:
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

    def put(self, annotation: Annotation) -> None:
        """Store `annotation` exactly as it is, its times included: a record from another copy
        of this store (`cooltui sync`). An edit like save's, which undo reverts."""
        self._check_writable()
        with self._state_lock:
            before = self._current(annotation.article_id)
            after = annotation.to_dict()
            if after != before:
                self._edit(annotation.article_id, before, after, time.time())

    def number_past(self, stamp: int) -> None:
        """Number the journal up to `stamp` at least, the highest stamp of the shard files of
        another copy of this store, before they take the place of these (`cooltui sync`, once
        their records are this store's too): a stamp above the journal's last number would tell
        the next open that the journal lost edits. The next operation is numbered above it.

        Every number in the undo history moves up by as much (the journal is rewritten so),
        which keeps their order; waits until it is on disk.
        """
        self._check_writable()
        with self._state_lock:
            self._writer.renumber_past(stamp)
        self.flush()

    def _record_of(self, annotation: Annotation) -> dict[str, Any]:
        """annotation.to_dict(), with the dicts of the spans its article's last save stored
        (the same Span objects) reused: an edit changes a span or two of a thousand, and
        making a thousand dicts again was most of what a save cost the app."""
        spans = annotation.spans
        last = self._span_dicts.get(annotation.article_id)
        if last is None:
            dicts = [span.to_dict() for span in spans]
            jsons = list(map(span_json, dicts))
        else:
            first, stored_stop, stop = differing_stretch(last.spans, spans)
            made = [span.to_dict() for span in spans[first:stop]]
            dicts = [*last.dicts[:first], *made, *last.dicts[stored_stop:]]
            jsons = [*last.jsons[:first], *map(span_json, made), *last.jsons[stored_stop:]]
        _keep_last(self._span_dicts, annotation.article_id, _SpanForms(spans, dicts, jsons))
        # The dicts are shared between records; nothing changes a stored record's spans in place.
        return annotation.to_dict(span_dicts=dicts)

    def _span_jsons(self, article_id: str, record: dict[str, Any] | None) -> list[bytes] | None:
        """The span_json of the record's spans, if _record_of made them (as it made the record)."""
        forms = self._span_dicts.get(article_id)
        if record is None or forms is None or record["spans"] is not forms.dicts:
            return None
        return forms.jsons

    def _json_of(self, record: dict[str, Any] | None, spans: list[bytes] | None) -> bytes:
        """orjson.dumps(record), with its spans' JSON joined from `spans` where given."""
        if record is None or spans is None:
            return orjson.dumps(record)
        return orjson.dumps({**record, "spans": orjson.Fragment(b"[%b]" % b",".join(spans))})

    def delete(self, article_id: str) -> None:
        """Remove the record of `article_id` (an edit like any other: undo brings it back)."""
        self._check_writable()
        with self._state_lock:
            before = self._current(article_id)
            if before is not None:
                self._edit(article_id, before, None, time.time())

    def next_step(self, kind: Literal["undo", "redo"]) -> str | None:
        """The article the next undo (or redo) would change; None when there is nothing to undo."""
        with self._state_lock:
            source = self._history.undo if kind == "undo" else self._history.redo
            return source[-1].article_id if source else None

    def step_articles(self, kind: Literal["undo", "redo"]) -> int:
        """How many articles' edits the next undo (or redo) takes back: more than one for an
        edit made with save_all."""
        with self._state_lock:
            source = self._history.undo if kind == "undo" else self._history.redo
            if not source:
                return 0
            stamp, count = source[-1].at, 0
            for entry in reversed(source):
                if entry.at != stamp:
                    break
                count += 1
            return count

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
        """Undo or redo the newest edit, and with it the edits of the same save_all (those
        next in the history with the same time stamp): the annotation of the first, whose
        article next_step named."""
        with self._state_lock:
            source = self._history.undo if kind == "undo" else self._history.redo
            stamp = source[-1].at if source else None
            result = self._step_one(kind)
            while source and source[-1].at == stamp:
                self._step_one(kind)
            return result

    def _step_one(self, kind: Literal["undo", "redo"]) -> Annotation | None:
        self._check_writable()
        history = self._history
        with self._state_lock:
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
            n = self._writer.number()
            moved = replace(source.pop(), n=n)
            (history.redo if kind == "undo" else history.undo).append(moved)
            line = _op(kind, entry.article_id, time.time(), n)
            self._writer.queue(line, entry.article_id)
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

    # In-memory state (call with self._state_lock held)

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
            for old in [n for n in hot if n != number and not self._writer.is_dirty(n)]:
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
        document = self._shard(where >> _SHIFT).record(where & _DOC_ID)
        return None if document is None else dict(document)

    def _apply(
        self, article_id: str, record: dict[str, Any] | None, spans: list[bytes] | None = None
    ) -> None:
        """Make `record` the stored record of `article_id` (None: remove it), in memory;
        `spans`, the span_json of its spans if made already, is handed to its shard."""
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
            doc_id = self._shard(number).insert(record)
            self._where[article_id] = number << _SHIFT | doc_id
        else:

            def overwrite(document: dict[str, Any]) -> None:
                document.clear()
                document.update(record)

            self._shard(number).table.update(overwrite, doc_ids=[doc_id])
        if record is not None:
            self._statuses[article_id] = _STATUS[record["status"]]
            self._text_shas[article_id] = record["text_sha"]
        storage = self._shards[number].storage
        storage.record_changed(article_id, spans)
        self._writer.changed(number, storage)

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
        spans = self._span_jsons(article_id, after)
        after_json = self._json_of(after, spans)
        entry = _Entry.make(article_id, before_json, after_json, at, self._writer.number())
        self._apply(article_id, after, spans)
        if after is not None:
            _keep_last(self._journalled, article_id, after_json)
        self._history.push(entry)
        self._writer.queue(entry.line, article_id)

    # Flushing and closing

    def flush(self, timeout: float | None = None) -> None:
        """Wait until every change so far is on disk; StoreError if it cannot be written."""
        self._writer.flush(timeout)

    def close(self) -> None:
        """Save what is pending, stop the writer, release the lock. Idempotent.

        If the changes cannot be written (disk still full...), raises StoreError naming them and
        stays open, still retrying: nothing is discarded. Free space and close again.
        """
        if self._closed:
            return
        if self._writer.started:
            self._writer.stop(self.close_timeout)
            # A store with a damaged shard keeps its whole journal: it may hold the only copy of
            # edits that shard lost, for recover to apply again.
            self._writer.close_journal(compact=self._broken is None)
        if self._folder_lock is not None:
            self._folder_lock.release()
            self._folder_lock = None
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
