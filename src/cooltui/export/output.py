"""Where an export goes: its output files, train/dev/test splits and default file names.

A path that leads (symlinks followed) to a regular file, or to nothing yet, is written to a
temporary file beside that file and renamed over it at the end, all or nothing; a symlink stays a
symlink. A FIFO, a character device or an open descriptor (/dev/stdout, /dev/fd/N) is opened and
written in place instead: a rename would replace it. Temporary files and worker folders carry
their export's pid in their names and are locked while it runs, so that the next export can tell
the leftovers of a killed one and remove them (remove_stale).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cooltui.errors import CoolError, UsageError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

PARTS = ("train", "dev", "test")
_SPLIT = re.compile(r"(\d+)/(\d+)/(\d+)\Z")
_HASH_RANGE = 1 << 64

TEMP_SUFFIX = ".tmp"
WORKERS_SUFFIX = ".parts"
FOLDER_SUFFIX = ".tmpdir"
"""A folder format's output while it is written (AtomicFolder)."""
_RANDOM = "[a-z0-9_]{8}"
"""What tempfile puts in the names it makes."""
_DESCRIPTORS = re.compile(r"/proc/(?:self|\d+)(?:/task/\d+)?/fd\Z")
"""The folder behind /dev/fd, /dev/stdout and /dev/stderr, whose entries are open descriptors."""
_MAX_LINKS = 40
"""Linux's own limit on a chain of symlinks."""
_WORKER_FILE = re.compile(r"\.?worker\d+\.")
"""A worker's file, or the temporary file of a worker killed while writing it."""
_UNNAMED_AGE = 24 * 3600
"""Leftovers named before names carried a pid are removed when untouched for a day."""


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
    """train/dev/test files beside `base`: out.jsonl -> out.train.jsonl, out.dev.jsonl, ...

    A FIFO, a device or a descriptor has no "beside" (/dev/null.train.jsonl would be a file in
    /dev): ExportError.
    """
    target = Target.of(base)
    if target.in_place:
        raise ExportError(
            f"--split writes three files named after -o, and {base} is {target.kind}; "
            "give -o a file name"
        )
    name = base.name
    if name.endswith(f".{extension}") and len(name) > len(extension) + 1:
        stem, ext = name[: -len(extension) - 1], extension
    else:
        stem, ext = base.stem, base.suffix.lstrip(".")
    return {
        part: base.with_name(f"{stem}.{part}.{ext}" if ext else f"{stem}.{part}") for part in PARTS
    }


@dataclass(frozen=True, slots=True)
class Target:
    """Where writing `path` leads: `real` is the file to replace, symlinks followed, unless the
    target is written `in_place`; `mode` is its st_mode, None when nothing is there yet."""

    path: Path
    real: Path
    mode: int | None
    descriptor: bool
    """`path` leads into /proc/<pid>/fd: to a descriptor some process has open."""

    @classmethod
    def of(cls, path: Path) -> Target:
        """Where `path` leads; ExportError for what an export cannot or must not be written to."""
        mode = _mode(path)
        if mode is not None:
            _refuse(path, mode)
        descriptor = _names_a_descriptor(path)
        real = path if descriptor else path.resolve()
        return cls(path, real, mode, descriptor)

    @property
    def in_place(self) -> bool:
        """Opened and written, never replaced: anything but a regular file (or nothing) reached
        by name."""
        return self.descriptor or (self.mode is not None and not stat.S_ISREG(self.mode))

    @property
    def kind(self) -> str:
        """What a target written in place is, for messages."""
        if self.descriptor:
            return "an open file descriptor"
        if self.mode is not None and stat.S_ISFIFO(self.mode):
            return "a FIFO"
        if self.mode is not None and stat.S_ISCHR(self.mode):
            return "a character device"
        return "a special file"

    @property
    def scratch(self) -> Path:
        """Where the export's own temporary files go: beside the file it replaces, on a disk
        with room for it; the system's temporary folder for a target written in place, whose
        folder (/dev) is no place for them."""
        return Path(tempfile.gettempdir()) if self.in_place else self.real.parent

    @property
    def prefix(self) -> str:
        """How the names of the export's temporary files begin: the pid tells whose they are."""
        return f".{self.real.name}.{os.getpid()}."


def _mode(path: Path) -> int | None:
    """The st_mode of what `path` leads to, symlinks followed; None when nothing is there."""
    try:
        return path.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as error:  # a loop of symlinks, a folder that cannot be searched
        raise ExportError(
            f"{path}: cannot write there ({error.strerror or error}); choose another -o"
        ) from None


def _refuse(path: Path, mode: int) -> None:
    if stat.S_ISDIR(mode):
        raise ExportError(f"{path}: is a folder; give -o a file name")
    if stat.S_ISSOCK(mode):
        raise ExportError(
            f"{path}: is a socket, which cannot be opened as a file; give -o a file name or -"
        )
    if stat.S_ISBLK(mode):
        # Writing into it would overwrite a disk, replacing it would remove the disk's device.
        raise ExportError(f"{path}: is a block device; cooltui does not write exports onto disks")


def _names_a_descriptor(path: Path) -> bool:
    """Whether `path` leads through /proc/<pid>/fd, as /dev/stdout and /dev/fd/N do.

    An entry there is an open descriptor, not a name: what it leads to (a pipe, a terminal, a
    file the shell opened and may be appending to) must be written, never renamed over.
    """
    current = path.absolute()
    for _ in range(_MAX_LINKS):
        if _DESCRIPTORS.match(str(current.parent.resolve())):
            return True
        try:
            current = current.parent / current.readlink()
        except OSError:  # not a symlink, or not there: the end of the chain
            return False
    return False


class AtomicFile:
    """The file an export writes: write `stream`, then `commit`, or `abort` on failure.

    A path leading to a regular file or to nothing yet is written to a temporary file in its
    target's folder (symlinks followed, so a symlink stays one) and renamed over the target at
    commit: until then the target, and any previous version of it, is untouched, and abort
    removes the temporary file. Commit flushes and fsyncs the data and the folder, so the new
    file survives a crash whole or not at all. A FIFO, a character device or a descriptor is
    written in place (a rename would replace it), so what was written before an abort stays.
    """

    def __init__(self, target: Path) -> None:
        self.target = target
        where = Target.of(target)
        self.real = where.real
        self.temp: Path | None = None
        if where.in_place:
            self.stream = _open_in_place(where)
        else:
            self.temp, self.stream = _temporary(where)

    def commit(self) -> None:
        self.stream.flush()
        if self.temp is None:  # in place: no rename follows, so there is no order to keep
            self.stream.close()
            return
        os.fsync(self.stream.fileno())
        self.stream.close()
        self.temp.replace(self.real)
        _fsync_folder(self.real.parent)

    def abort(self) -> None:
        # A full disk may refuse the last buffer on close: the file goes anyway.
        with contextlib.suppress(OSError):
            self.stream.close()
        if self.temp is not None:
            self.temp.unlink(missing_ok=True)


FOLDER_MARK = "annotation.conf"
"""What a folder an export wrote holds (brat's configuration), and may therefore replace."""


class AtomicFolder:
    """The folder a folder format (brat) writes: filled as a temporary folder beside the
    target, which `commit` puts in its place. A folder there already is replaced only if an
    export made it (it holds FOLDER_MARK) or it is empty; anything else is refused at once."""

    def __init__(self, target: Path) -> None:
        self.target = target
        if target.exists() and not _replaceable_folder(target):
            raise ExportError(
                f"{target} exists and is not a folder an export wrote; choose another -o "
                "(an export replaces only its own folders)"
            )
        prefix = f".{target.name}.{os.getpid()}."
        try:
            self.path = Path(
                tempfile.mkdtemp(dir=target.parent, prefix=prefix, suffix=FOLDER_SUFFIX)
            )
        except (FileNotFoundError, NotADirectoryError):
            raise ExportError(
                f"{target.parent}: no such folder; create it or choose another -o"
            ) from None
        except OSError as error:
            raise ExportError(
                f"{target.parent}: cannot write there ({error.strerror or error}); choose "
                "another -o"
            ) from None
        self.path.chmod(0o777 & ~_umask())
        # Locked while it is written, as a temporary file is: remove_stale leaves it alone.
        self._handle = os.open(self.path, os.O_RDONLY)
        _lock(self._handle)

    def commit(self) -> None:
        for entry in self.path.iterdir():
            with entry.open("rb") as file:
                os.fsync(file.fileno())
        _fsync_folder(self.path)
        old: Path | None = None
        if self.target.exists():
            old = self.path.with_name(self.path.name + ".old")
            self.target.rename(old)
        self.path.rename(self.target)
        _fsync_folder(self.target.parent)
        os.close(self._handle)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def abort(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        with contextlib.suppress(OSError):
            os.close(self._handle)


def _replaceable_folder(path: Path) -> bool:
    if not path.is_dir() or path.is_symlink():
        return False
    try:
        return (path / FOLDER_MARK).is_file() or not any(path.iterdir())
    except OSError:
        return False


def _temporary(target: Target) -> tuple[Path, BinaryIO]:
    """A new temporary file beside `target.real`, locked, with a stream to write it."""
    folder = target.real.parent
    try:
        handle, name = tempfile.mkstemp(dir=folder, prefix=target.prefix, suffix=TEMP_SUFFIX)
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
    _lock(handle)
    # mkstemp makes the file private (0600); an export is an ordinary file (0666 - umask).
    os.fchmod(handle, 0o666 & ~_umask())
    return Path(name), os.fdopen(handle, "wb", buffering=1 << 20)


def _open_in_place(target: Target) -> BinaryIO:
    flags = os.O_WRONLY | os.O_NOCTTY
    if target.mode is not None and stat.S_ISREG(target.mode):
        # A file behind a descriptor, as the shell opened it: `>` has emptied it, and `>>`
        # (or a command before ours) wants the export after what is there.
        flags |= os.O_APPEND
    try:
        handle = os.open(target.path, flags)  # a FIFO waits for its reader, as `cat >` does
    except OSError as error:
        raise ExportError(
            f"{target.path}: cannot open it for writing ({error.strerror or error}); "
            "choose another -o"
        ) from None
    return os.fdopen(handle, "wb", buffering=1 << 20)


@contextlib.contextmanager
def workers_folder(output: Path) -> Iterator[Path]:
    """A private folder for the files of an export's workers, removed at the end.

    It is made where `output`'s temporary files go (Target.scratch), named and locked as they
    are, so that the next export can tell it from a live export's if this one is killed.
    """
    target = Target.of(output)
    with tempfile.TemporaryDirectory(
        dir=target.scratch, prefix=target.prefix, suffix=WORKERS_SUFFIX
    ) as name:
        handle = os.open(name, os.O_RDONLY)
        try:
            _lock(handle)
            yield Path(name)
        finally:
            os.close(handle)


def _lock(handle: int) -> None:
    """Hold a lock on a temporary file or folder while the export runs.

    The kernel drops a process's locks when it dies, also in another pid namespace (a container
    sharing the folder), where the pid in the name says nothing: the lock is what tells the next
    export that this one still runs.
    """
    if fcntl is not None:
        # A file system without locks: the pid and the age of the file still protect it.
        with contextlib.suppress(OSError):
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)


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


# Leftovers of killed exports.


@dataclass(frozen=True, slots=True)
class Removed:
    """What remove_stale removed from one folder."""

    folder: Path
    count: int
    size: int

    def __str__(self) -> str:
        files = "file" if self.count == 1 else "files"
        return (
            f"removed {self.count:,} stale temporary {files} of killed exports "
            f"({_amount(self.size)}) in {self.folder}"
        )


def remove_stale(
    outputs: Iterable[Path], since: float, *, folders: Iterable[Path] = ()
) -> list[Removed]:
    """Remove the temporary files and worker folders that killed exports to `outputs` left.

    Only what is unmistakably ours goes: a name made by AtomicFile or workers_folder for one of
    `outputs`, a regular file or a folder (never a symlink), untouched since `since` (when the
    running export began), whose pid is not a live process and whose lock nobody holds; or a
    name an earlier cooltui made without a pid, untouched for a day. A pid taken again by
    another process keeps a leftover, which is harmless; a live export's file is never removed.
    `folders` are the outputs of a folder format, whose leftovers are folders made by
    AtomicFolder.
    """
    if fcntl is None:  # pragma: no cover - Windows: no lock to tell a live export by
        return []
    names: dict[Path, set[str]] = {}
    for output in outputs:
        target = Target.of(output)
        names.setdefault(target.scratch, set()).add(target.real.name)
    for folder in folders:
        real = folder.resolve()
        names.setdefault(real.parent, set()).add(real.name)
    removed = []
    for folder, ours in names.items():
        count, size = _remove_stale_in(folder, ours, since)
        if count:
            removed.append(Removed(folder, count, size))
    return removed


def _remove_stale_in(folder: Path, outputs: set[str], since: float) -> tuple[int, int]:
    """Remove the leftovers of `outputs` in `folder`: how many, and their bytes."""
    names = "|".join(re.escape(name) for name in sorted(outputs))
    suffixes = "|".join(map(re.escape, (TEMP_SUFFIX, WORKERS_SUFFIX, FOLDER_SUFFIX)))
    named = re.compile(rf"\.(?:{names})\.(\d+)\.{_RANDOM}({suffixes})\Z")
    unnamed = re.compile(rf"\.(?:{names})\.{_RANDOM}({TEMP_SUFFIX})?\Z")
    count = size = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:  # a courtesy: a folder that cannot be read stops nothing
        return 0, 0
    for entry in entries:
        if match := named.match(entry.name):
            gone = _remove_dead(entry, int(match[1]), match[2] != TEMP_SUFFIX, since)
        elif match := unnamed.match(entry.name):
            gone = _remove_unnamed(entry, match[1] is None, since - _UNNAMED_AGE)
        else:
            continue
        if gone is not None:
            count += 1
            size += gone
    return count, size


def _remove_dead(entry: os.DirEntry[str], pid: int, folder: bool, since: float) -> int | None:
    """Remove a leftover named with its export's pid when that export is gone: its size, or
    None when it is kept."""
    if not _kind_is(entry, folder=folder) or _last_touched(entry) >= since or _alive(pid):
        return None
    try:
        handle = os.open(entry.path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # held by a live export, or the file system cannot tell: kept
            return None
        return _remove(entry, folder=folder)  # under our lock: no export can take it now
    finally:
        os.close(handle)


def _remove_unnamed(entry: os.DirEntry[str], folder: bool, before: float) -> int | None:
    """Remove a leftover an earlier cooltui named without a pid, untouched since `before`: a
    temporary file, or a worker folder holding nothing but worker files."""
    if not _kind_is(entry, folder=folder) or _last_touched(entry) >= before:
        return None
    if folder and not _holds_only_worker_files(entry):
        return None
    return _remove(entry, folder=folder)


def _holds_only_worker_files(entry: os.DirEntry[str]) -> bool:
    try:
        return all(
            _WORKER_FILE.match(inner.name) and inner.is_file(follow_symlinks=False)
            for inner in os.scandir(entry)
        )
    except OSError:
        return False


def _kind_is(entry: os.DirEntry[str], *, folder: bool) -> bool:
    """A folder, or a regular file, as its name says; never a symlink."""
    try:
        if folder:
            return entry.is_dir(follow_symlinks=False)
        return entry.is_file(follow_symlinks=False)
    except OSError:
        return False


def _alive(pid: int) -> bool:
    """Whether process `pid` may be running (in our pid namespace)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):  # PermissionError: another user's live process
        return True
    return True


def _last_touched(entry: os.DirEntry[str]) -> float:
    """The last change to a file, or to a folder or any file in it; never long ago when that
    cannot be read."""
    try:
        times = [entry.stat(follow_symlinks=False).st_mtime]
        if entry.is_dir(follow_symlinks=False):
            times += [inner.stat(follow_symlinks=False).st_mtime for inner in os.scandir(entry)]
    except OSError:
        return float("inf")
    return max(times)


def _remove(entry: os.DirEntry[str], *, folder: bool) -> int | None:
    """Remove a leftover: its size, or None when it could not be removed."""
    try:
        if not folder:
            size = entry.stat(follow_symlinks=False).st_size
            Path(entry.path).unlink()
            return size
        size = sum(inner.stat(follow_symlinks=False).st_size for inner in os.scandir(entry))
        shutil.rmtree(entry.path)
    except OSError:
        return None
    return size


def _amount(size: int) -> str:
    return f"{size / 1_000_000:,.1f} MB" if size >= 1_000_000 else f"{size:,} bytes"
