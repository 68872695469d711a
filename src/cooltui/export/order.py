"""Records in corpus order: written as they come, put in order at the end.

The store gives its records shard by shard, an order nobody reading the export expects; an
export's records come in the corpus's order, and one article's records by annotator name. The
formats whose records stand alone as bytes (jsonl, doccano, conll) are written to a Spool, an
unnamed temporary file, and copied into the output in order when the export is done; only each
record's key and length stay in memory (24 bytes a record, however long it is). Worker
processes each write their share so, and `merge` puts their files together in order.
"""

from __future__ import annotations

import heapq
import tempfile
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import BinaryIO, cast

from cooltui.export.output import TEMP_SUFFIX, ExportError

Key = tuple[int, str]
"""Where a record goes: its article's place in the corpus, then its annotator."""

_CHUNK = 1 << 20


@dataclass(slots=True)
class Layout:
    """The records of a file, in the file's order: each one's key and length in bytes."""

    positions: array[int] = field(default_factory=lambda: array("q"))
    annotators: array[int] = field(default_factory=lambda: array("l"))
    """Indexes into `names`: one string per annotator, not per record."""
    lengths: array[int] = field(default_factory=lambda: array("q"))
    names: list[str] = field(default_factory=list)
    _numbers: dict[str, int] = field(default_factory=dict)

    def add(self, position: int, annotator: str, length: int) -> None:
        number = self._numbers.get(annotator)
        if number is None:
            number = self._numbers[annotator] = len(self.names)
            self.names.append(annotator)
        self.positions.append(position)
        self.annotators.append(number)
        self.lengths.append(length)

    def __len__(self) -> int:
        return len(self.lengths)

    def __iter__(self) -> Iterator[tuple[Key, int]]:
        names = self.names
        for position, number, length in zip(
            self.positions, self.annotators, self.lengths, strict=True
        ):
            yield (position, names[number]), length

    def in_order(self) -> list[int]:
        """The records' indexes, sorted by key (a record's key is unique)."""
        ranks = {name: rank for rank, name in enumerate(sorted(self.names))}
        rank_of = [ranks[name] for name in self.names]
        count = len(self.names)
        keys = [
            position * count + rank_of[number]
            for position, number in zip(self.positions, self.annotators, strict=True)
        ]
        return sorted(range(len(keys)), key=keys.__getitem__)


class Spool:
    """A format's records, written as they come to an unnamed temporary file in `folder` (the
    system's temporary folder when None), then copied out in key order.

    Call `note` after each record is written, with its key.
    """

    def __init__(self, folder: Path | None, prefix: str = "") -> None:
        try:
            # Unnamed where the system allows (O_TMPFILE): a killed export leaves nothing. The
            # export closes it (close), also when it fails.
            spool = tempfile.TemporaryFile(  # noqa: SIM115
                dir=folder, prefix=prefix, suffix=TEMP_SUFFIX
            )
            self.file = cast(BinaryIO, spool)
        except OSError as error:
            where = folder or Path(tempfile.gettempdir())
            raise ExportError(
                f"{where}: cannot write a temporary file there ({error.strerror or error}); "
                "choose another -o"
            ) from None
        self.layout = Layout()
        self._end = 0

    def note(self, position: int, annotator: str) -> None:
        """The record written since the last note is the one of this key."""
        end = self.file.tell()
        self.layout.add(position, annotator, end - self._end)
        self._end = end

    def copy_to(self, out: BinaryIO) -> Layout:
        """Write the records to `out` in key order; the layout of what was written."""
        layout, source = self.layout, self.file
        source.flush()
        starts = list(accumulate(layout.lengths, initial=0))
        written = Layout()
        run_start = run_end = 0
        names, lengths = layout.names, layout.lengths
        for index in layout.in_order():
            start, length = starts[index], lengths[index]
            written.add(layout.positions[index], names[layout.annotators[index]], length)
            if start != run_end:  # records that follow each other in the spool go in one copy
                source.seek(run_start)
                copy_bytes(source, out, run_end - run_start)
                run_start = start
            run_end = start + length
        source.seek(run_start)
        copy_bytes(source, out, run_end - run_start)
        return written

    def close(self) -> None:
        self.file.close()


def merge(sources: Sequence[tuple[BinaryIO, Layout]], out: BinaryIO) -> None:
    """Write to `out` the records of several files, each in key order as its layout says, in
    key order: each file is read once, from start to end."""
    streams = [_tagged(layout, which) for which, (_, layout) in enumerate(sources)]
    current, pending = -1, 0
    for _, which, length in heapq.merge(*streams):
        if which != current:
            if pending:
                copy_bytes(sources[current][0], out, pending)
            current, pending = which, 0
        pending += length
    if pending:
        copy_bytes(sources[current][0], out, pending)


def _tagged(layout: Layout, which: int) -> Iterator[tuple[Key, int, int]]:
    for key, length in layout:
        yield key, which, length


def copy_bytes(source: BinaryIO, out: BinaryIO, length: int) -> None:
    """Copy the next `length` bytes of `source` to `out`."""
    while length > 0:
        chunk = source.read(min(length, _CHUNK))
        if not chunk:
            raise OSError(f"{length:,} bytes missing from a temporary file of the export")
        out.write(chunk)
        length -= len(chunk)
