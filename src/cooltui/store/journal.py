"""The edit journal, history.jsonl: its line format and the undo and redo stacks it rebuilds.

One JSON line per operation, each numbered: an edit (the article's record before and after it),
an undo or a redo. Opening reads an edit line's head and tail only (_edit_head) and parses its
records when they are used. _History replays the journal into the undo and redo stacks, and
makes the compacted journal that rebuilds them. A journal older than its shards (it lost lines:
damage, not a crash) is a _Disagreement.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import orjson

from cooltui.model import RecordError
from cooltui.store.layout import HISTORY, StoreCorrupt, _corrupt, _recover_hint
from cooltui.store.shards import _annotation_problem, _record_problem, shard_name

HISTORY_LIMIT = 1000
"""How many edits can be undone (undo and redo together); older ones are forgotten."""

HISTORY_BYTES = 32 * 2**20
"""The most the undo history keeps, in journal bytes: an edit journals its article's whole record
before and after, so on a long article with a thousand spans (~300 KB an edit) the history holds
about a hundred edits, and opening the store never has to read more than this."""

_EDIT_HEAD = re.compile(rb'\{"op":"edit","id":("(?:[^"\\\x00-\x1f]|\\.)*"),"before":[{n]')
_EDIT_TAIL = re.compile(rb'[}l],"at":(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)(?:,"n":(\d+))?\}\n?\Z')


@dataclass(frozen=True, slots=True)
class _Entry:
    """An edit as kept in memory: its journal line (bytes, which the garbage collector does not
    have to scan, unlike 2,000 parsed records), parsed again when it is undone or redone, or
    when it holds an article's last state at open."""

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

    def shift(self, by: int) -> None:
        """Add `by` to the number of every edit kept (see Store.number_past)."""
        for stack in (self.undo, self.redo):
            for index, entry in enumerate(stack):
                stack[index] = replace(entry, n=entry.n + by)
        self.last_n += by

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
        """The lines of the journal compacted() makes."""
        return len(self.undo) + 2 * len(self.redo)

    def outgrown(self, lines: int, size: int) -> bool:
        """Whether a journal of `lines` lines and `size` bytes is due to be compacted: when it
        holds a whole history more than the history itself, in edits or bytes."""
        return lines > self.compact_lines + HISTORY_LIMIT or size > 2 * HISTORY_BYTES

    def compacted(self) -> bytes:
        """The journal that rebuilds these stacks, numbers included: the undo stack's edits,
        then the redo stack's, then the undos that put them there."""
        redo = list(reversed(self.redo))
        undos = [_op("undo", e.article_id, e.at, e.n) for e in self.redo]
        return b"".join(
            [e.numbered_line() for e in self.undo] + [e.numbered_line() for e in redo] + undos
        )


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
