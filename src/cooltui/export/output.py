"""Where an export goes: atomic output files, train/dev/test splits and default file names."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cooltui.errors import CoolError, UsageError

PARTS = ("train", "dev", "test")
_SPLIT = re.compile(r"(\d+)/(\d+)/(\d+)\Z")
_HASH_RANGE = 1 << 64


class ExportError(CoolError):
    """An export that cannot be done or written; the previous output file, if any, is kept."""


@dataclass(frozen=True, slots=True)
class Split:
    """Percentages of articles for train, dev and test, assigned by a hash of id and seed.

    An article's part depends on nothing but its id and the seed, so it never changes as the
    corpus grows, and every annotator's record of one article lands in the same part.
    """

    train: int
    dev: int
    test: int
    seed: int = 0

    @classmethod
    def parse(cls, spec: str, seed: int = 0) -> Split:
        """ "80/10/10" -> Split(80, 10, 10); the three must be whole numbers that sum to 100."""
        match = _SPLIT.match(spec.strip())
        if not match:
            raise UsageError(
                f"--split {spec!r}: give three whole percentages for train/dev/test, "
                "such as 80/10/10"
            )
        train, dev, test = (int(part) for part in match.groups())
        if train + dev + test != 100:
            raise UsageError(
                f"--split {spec!r}: the parts sum to {train + dev + test}, not 100; e.g. 80/10/10"
            )
        return cls(train, dev, test, seed)

    def part(self, article_id: str) -> str:
        digest = hashlib.sha256(f"{self.seed}:{article_id}".encode()).digest()
        # The first 8 bytes as a fraction of 2**64, compared in integers: no rounding.
        point = int.from_bytes(digest[:8], "big") * 100
        if point < self.train * _HASH_RANGE:
            return "train"
        if point < (self.train + self.dev) * _HASH_RANGE:
            return "dev"
        return "test"


def default_output(store_dir: Path, name: str, extension: str) -> Path:
    """<store>/<annotator>.<ext>, or <store>/all.<ext> for every annotator."""
    return store_dir / f"{name}.{extension}"


def part_paths(base: Path, extension: str) -> dict[str, Path]:
    """train/dev/test files beside `base`: out.jsonl -> out.train.jsonl, out.dev.jsonl, ..."""
    name = base.name
    if name.endswith(f".{extension}") and len(name) > len(extension) + 1:
        stem, ext = name[: -len(extension) - 1], extension
    else:
        stem, ext = base.stem, base.suffix.lstrip(".")
    return {
        part: base.with_name(f"{stem}.{part}.{ext}" if ext else f"{stem}.{part}") for part in PARTS
    }


class AtomicFile:
    """A file written to a temporary name in the target's folder and renamed over it at the end.

    Until `commit`, the target (and any previous version of it) is untouched; `abort` removes the
    temporary file. Commit flushes and fsyncs the data and the folder, so the new file survives a
    crash whole or not at all.
    """

    def __init__(self, target: Path) -> None:
        self.target = target
        if target.is_dir():
            raise ExportError(f"{target}: is a folder; give -o a file name")
        folder = target.parent
        try:
            handle, name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
        except (FileNotFoundError, NotADirectoryError):
            raise ExportError(f"{folder}: no such folder; create it or choose another -o") from None
        except PermissionError:
            raise ExportError(
                f"{folder}: cannot write there (permission denied); choose another -o"
            ) from None
        except OSError as error:
            raise ExportError(
                f"{folder}: cannot write there ({error.strerror or error}); choose another -o"
            ) from None
        self.temp = Path(name)
        # mkstemp makes the file private (0600); an export is an ordinary file (0666 - umask).
        os.fchmod(handle, 0o666 & ~_umask())
        self.stream = os.fdopen(handle, "wb", buffering=1 << 20)

    def commit(self) -> None:
        self.stream.flush()
        os.fsync(self.stream.fileno())
        self.stream.close()
        self.temp.replace(self.target)
        _fsync_folder(self.target.parent)

    def abort(self) -> None:
        # A full disk may refuse the last buffer on close: the file goes anyway.
        with contextlib.suppress(OSError):
            self.stream.close()
        self.temp.unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _fsync_folder(folder: Path) -> None:
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
