"""Articles: loading a corpus of .txt/.md files and .jsonl files, fast at 100,000 articles.

The list needs only each article's id, title, outlet, date, size and text hash. Those are kept in
an index cache (one file per corpus path, under the user's cache folder) and reused for every file
whose size and modification time are unchanged, so a second start reads no article at all. An
article's text is read when it is opened, and checked against its hash then.

Bad input never stops the rest of the corpus from loading: each bad file or line becomes a Problem
that names it and says what to do.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISDIR
from typing import Any, BinaryIO

import orjson

from cooltui import __version__
from cooltui.errors import CoolError
from cooltui.text import normalise

TEXT_SUFFIXES = frozenset({".txt", ".md"})
JSONL_SUFFIX = ".jsonl"
MAX_ARTICLE_MB = 5.0
"""Larger articles are scraping accidents, not news: skipped unless --max-article-mb says more."""

_SUFFIXES = TEXT_SUFFIXES | {JSONL_SUFFIX}
_CACHE_FORMAT = f"cooltui-corpus-index-4/{__version__}"


class CorpusError(CoolError):
    """Nothing could be loaded, or an article's file cannot be read any more."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One bad file or line: what is wrong and what to do; `fatal` for a path that is missing."""

    path: Path
    message: str
    line: int | None = None
    fatal: bool = False

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.message}"


@dataclass(slots=True, eq=False)
class Article:
    """An article of the corpus; its text is read from `source` on first use."""

    id: str
    title: str
    text_sha: str
    chars: int
    path: str
    """The file the article is read from (a plain string: 100,000 Path objects cost memory)."""
    line: int | None = None
    """The line of a .jsonl article (1-based); None for an article file."""
    offset: int = 0
    """Where a .jsonl article's line starts, in bytes."""
    outlet: str | None = None
    place: str | None = None
    date: str | None = None
    _text: str | None = field(default=None, repr=False)
    _meta: dict[str, Any] | None = field(default=None, repr=False)
    _given_title: str | None = field(default=None, repr=False)
    """A .jsonl article's own "title", read with its text."""

    @property
    def source(self) -> Path:
        return Path(self.path)

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    @property
    def text(self) -> str:
        """The normalised text; read on first use, and text_sha follows what was read."""
        if self._text is None:
            self._text, self._meta, self._given_title = _read_article(self)
            self.text_sha = text_sha(self._text)
            self.chars = len(self._text)
        return self._text

    @property
    def meta(self) -> dict[str, Any]:
        """The "meta" object of a .jsonl article; empty for an article file."""
        if self._meta is None:
            _ = self.text
        return self._meta or {}

    @property
    def full_title(self) -> str:
        """The whole title, never cut (`title` is shortened for the list): what exports keep."""
        if not self.title.endswith("…"):  # not shortened: no need to read the head again
            return self.title
        from cooltui.meta import headline  # see _article

        return headline(self.text, self._given_title) or self.id

    def read_text(self) -> str:
        """The normalised text, without keeping it: for a search over many articles from another
        thread, which must not load or drop the text the reader shows."""
        text = self._text
        return text if text is not None else _read_article(self)[0]

    def unload(self) -> None:
        """Forget the text (it is read again when needed), to keep memory flat over a corpus."""
        self._text = self._meta = self._given_title = None

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "outlet": self.outlet,
            "place": self.place,
            "date": self.date,
            "chars": self.chars,
            "text_sha": self.text_sha,
            "source": self.location,
        }


@dataclass(slots=True)
class Corpus:
    articles: list[Article]
    problems: list[Problem]
    _by_id: dict[str, Article] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id = {article.id: article for article in self.articles}

    def __len__(self) -> int:
        return len(self.articles)

    def __iter__(self) -> Iterator[Article]:
        return iter(self.articles)

    def get(self, article_id: str) -> Article | None:
        return self._by_id.get(article_id)

    @property
    def failed(self) -> bool:
        """A command fails when nothing loaded or a given path does not exist."""
        return not self.articles or any(problem.fatal for problem in self.problems)


def text_sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


Progress = Callable[[int, int], None]
"""Told (files read so far, files to read) while files the index cache lacks are read."""

_PROGRESS_EVERY = 500


def load_corpus(
    paths: Sequence[Path],
    *,
    max_article_mb: float = MAX_ARTICLE_MB,
    cache: bool = True,
    progress: Progress | None = None,
) -> Corpus:
    """Load every article under `paths` (files or folders, searched recursively)."""
    limit = int(max_article_mb * 1024 * 1024)
    articles: list[Article] = []
    problems: list[Problem] = []
    seen = _Seen()
    for root in paths:
        if not root.exists():
            problems.append(Problem(root, "no such file or folder; check the path", fatal=True))
            continue
        index = _IndexCache(root) if cache else None
        files = _article_files(root, problems, seen)
        read = 0
        for path, status in files:
            entry = index.lookup(path, status) if index else None
            if entry is None:
                entry = _load_file(Path(path), limit)
                if index:
                    index.store(path, status, entry)
                read += 1
                if progress is not None and read % _PROGRESS_EVERY == 0:
                    progress(read, len(files))
            articles.extend(entry.articles)
            problems.extend(entry.problems)
        if index:
            index.save()
    return Corpus(_unique(articles, problems), problems)


def default_corpus_paths() -> list[Path]:
    """./seeds when the current folder has one, else the seed articles shipped with cooltui."""
    local = Path("seeds")
    if local.is_dir():
        return [local]
    package = Path(__file__).resolve().parent
    bundled = package / "seeds"
    # An editable install runs from the source tree, where the seeds stand at the top.
    return [bundled if bundled.is_dir() else package.parent.parent / "seeds"]


# Reading files


@dataclass(slots=True)
class _FileEntry:
    articles: list[Article]
    problems: list[Problem]


_Key = tuple[int, int]
"""A file's or folder's identity, (device, inode): the same by whichever path it is reached."""

_Found = list[tuple[str, os.stat_result]]


@dataclass(slots=True)
class _Seen:
    """What one load walked and read so far, over all its --corpus paths, each with the path it
    was first reached by: every folder is walked once and every file read once, whichever path
    or link reaches it."""

    folders: dict[_Key, str] = field(default_factory=dict)
    files: dict[_Key, str] = field(default_factory=dict)
    """Only the files that may be reached twice: checking all costs a tenth of the walk."""


def _claim(table: dict[_Key, str], status: os.stat_result, path: str) -> str | None:
    """The path this file or folder was reached by before; None if it is new (it is now noted as
    reached by `path`)."""
    # On Windows DirEntry.stat() leaves st_ino 0: such a file cannot be told from another, so it
    # is never taken for one already read.
    if not status.st_ino:
        return None
    key = (status.st_dev, status.st_ino)
    first = table.get(key)
    if first is None:
        table[key] = path
    return first


def _already_read(path: str, status: os.stat_result, seen: _Seen) -> str | None:
    """Where the file at `path` (a link, or a file given with --corpus) was read before, if it
    was; else None, and it now counts as read."""
    return _read_by_walk(path, seen) or _claim(seen.files, status, path)


def _read_by_walk(path: str, seen: _Seen) -> str | None:
    """Where a walk read the file `path` leads to, if one did. A walk reads each article file of
    each folder it lists, so the file's real folder tells, with no record of each file read."""
    try:
        real = Path(path).resolve()
        folder = real.parent.stat()
    except OSError:
        return None
    if real.name.startswith(".") or real.suffix.lower() not in _SUFFIXES:
        return None
    walked = seen.folders.get((folder.st_dev, folder.st_ino))
    return None if walked is None else str(Path(walked) / real.name)


def _article_files(root: Path, problems: list[Problem], seen: _Seen) -> _Found:
    """Every article file under `root` not `seen` yet, in name order, with its size and
    modification time. A file or folder given twice, or inside another given folder, is read
    once without a word: it is the same corpus."""
    status = root.stat()
    if not S_ISDIR(status.st_mode):
        suffix = root.suffix.lower()
        if suffix in TEXT_SUFFIXES or suffix == JSONL_SUFFIX:
            path = str(root)
            return [] if _already_read(path, status, seen) is not None else [(path, status)]
        problems.append(
            Problem(root, "not an article file; give .txt, .md or .jsonl files or a folder")
        )
        return []
    if _claim(seen.folders, status, str(root)) is not None:
        return []
    walk = _Walk(seen, problems)
    walk.folder(str(root))
    if not walk.found:
        problems.append(
            Problem(root, "holds no .txt, .md or .jsonl articles; point --corpus at them")
        )
    return walk.settle()


class _Walk:
    """A depth-first walk of one folder in name order. It follows links to folders and files,
    but never into a folder already `seen`: a link loop costs one problem, not a walk without
    end. The files found are settled after the walk (see settle)."""

    def __init__(self, seen: _Seen, problems: list[Problem]) -> None:
        self.seen = seen
        self.problems = problems
        self.found: _Found = []
        self.links: list[int] = []
        """Where the linked files stand in `found`."""
        self.shared: list[int] = []
        """Where the hard-linked files stand in `found`."""

    def folder(self, path: str) -> None:
        try:
            with os.scandir(path) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except OSError as error:
            self.problems.append(
                Problem(Path(path), f"cannot list this folder ({error.strerror}); skipped")
            )
            return
        found = self.found
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            if not name.isascii() and not _is_utf8_name(name):
                self.problems.append(_not_utf8(entry))
                continue
            try:
                if entry.is_dir():
                    self.subfolder(entry, path)
                # No Path per file here: at 100,000 files they cost a second of start-up.
                elif os.path.splitext(name)[1].lower() not in _SUFFIXES:  # noqa: PTH122
                    if entry.is_symlink():
                        Path(entry.path).stat()  # only to report a broken link (below)
                elif entry.is_symlink():
                    # Path.stat, not entry.stat(): the same one call for a link, and it knows
                    # the inode on Windows.
                    status = Path(entry.path).stat()
                    self.links.append(len(found))
                    found.append((entry.path, status))
                else:
                    status = entry.stat()
                    if status.st_nlink > 1:
                        self.shared.append(len(found))
                    found.append((entry.path, status))
            except OSError as error:
                self.problems.append(_unreadable(entry, error))

    def subfolder(self, entry: os.DirEntry[str], parent: str) -> None:
        # os.stat, not entry.stat(): the same one call for a folder, and it knows the inode on
        # Windows; not Path.stat: a Path costs more than the call, once a folder.
        first = _claim(self.seen.folders, os.stat(entry.path), entry.path)  # noqa: PTH116
        if first is None:
            self.folder(entry.path)
        elif entry.is_symlink():
            # The walk is depth-first: the folders whose walk is under way are those holding
            # this one.
            loop = Path(parent).is_relative_to(first)
            self.problems.append(
                Problem(
                    Path(entry.path),
                    f"link to {_target(entry.path)}, a folder already read as {first}"
                    f"{' (a loop)' if loop else ''}; skipped",
                )
            )
        # Else a second route with no link (a bind mount, or a folder given with --corpus too):
        # the same files, read once without a word.

    def settle(self) -> _Found:
        """`found` less the files already read by another path. Settled once the walk is over,
        and links last, so that a file keeps its own name, and so its article id, even when a
        link to it comes first in name order."""
        links = set(self.links)
        # A plain file can be reached twice only as a hard link, or when files were given with
        # --corpus or read through links before this walk.
        plain = range(len(self.found)) if self.seen.files else self.shared
        dropped: set[int] = set()
        for number in plain:
            if number in links:
                continue
            path, status = self.found[number]
            first = _claim(self.seen.files, status, path)
            if first is None:
                continue
            dropped.add(number)
            # The same name by another route (a file given with --corpus too) goes without a
            # word; a second name would otherwise make an article go missing unexplained.
            if Path(first).resolve() != Path(path).resolve():
                self.problems.append(
                    Problem(Path(path), f"the same file as {first} (a hard link); skipped")
                )
        for number in self.links:
            path, status = self.found[number]
            first = _already_read(path, status, self.seen)
            if first is not None:
                dropped.add(number)
                self.problems.append(
                    Problem(
                        Path(path),
                        f"link to {_target(path)}, a file already read as {first}; skipped",
                    )
                )
        if not dropped:
            return self.found
        return [item for number, item in enumerate(self.found) if number not in dropped]


def _is_utf8_name(name: str) -> bool:
    """Whether a file name was valid UTF-8 (Python keeps other bytes as lone surrogates)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _not_utf8(entry: os.DirEntry[str]) -> Problem:
    # An id, and the path in the index cache, must be text: such a name cannot be either.
    what = "folder" if entry.is_dir() else "file"
    return Problem(
        Path(entry.path), f"the {what} name is not valid UTF-8; rename it to read it; skipped"
    )


def _unreadable(entry: os.DirEntry[str], error: OSError) -> Problem:
    if entry.is_symlink():
        message = f"broken link to {_target(entry.path)} ({error.strerror}); fix or remove it"
    else:
        message = f"cannot read it ({error.strerror})"
    return Problem(Path(entry.path), f"{message}; skipped")


def _target(link: str) -> str:
    """What a link points to, as written in it."""
    try:
        return str(Path(link).readlink())
    except OSError:
        return "?"


def _load_file(path: Path, limit: int) -> _FileEntry:
    if path.suffix.lower() == JSONL_SUFFIX:
        return _load_jsonl(path, limit)
    try:
        size = path.stat().st_size
        if size > limit:
            return _FileEntry([], [_too_large(path, size, None)])
        text = decode(path.read_bytes())
    except (OSError, _DecodeProblem) as error:
        return _FileEntry([], [Problem(path, _reason(error))])
    if not text.strip():
        return _FileEntry([], [Problem(path, "empty article; skipped")])
    return _FileEntry([_article(path.stem, text, path, None, 0, None)], [])


def _load_jsonl(path: Path, limit: int) -> _FileEntry:
    articles: list[Article] = []
    problems: list[Problem] = []
    try:
        with path.open("rb") as lines:
            offset = 0
            for number, raw in enumerate(lines, 1):
                start, offset = offset, offset + len(raw)
                if not raw.strip():
                    continue
                if len(raw) > limit:
                    problems.append(_too_large(path, len(raw), number))
                    continue
                try:
                    record = _parse_jsonl_line(raw)
                    articles.append(_jsonl_article(record, path, number, start))
                except _DecodeProblem as error:
                    problems.append(Problem(path, str(error), number))
    except OSError as error:
        problems.append(Problem(path, _reason(error)))
    if not articles and not problems:
        problems.append(Problem(path, "empty file; skipped"))
    return _FileEntry(articles, problems)


def _jsonl_article(record: dict[str, Any], path: Path, number: int, start: int) -> Article:
    raw_id = record.get("id")
    if isinstance(raw_id, bool) or not isinstance(raw_id, str | int) or str(raw_id) == "":
        raise _DecodeProblem('no "id" (a string or number); give each line a unique "id"')
    text = normalise(record["text"])
    if not text.strip():
        raise _DecodeProblem('empty "text"; skipped')
    title = record.get("title")
    title = normalise(title) if isinstance(title, str) else None
    return _article(str(raw_id), text, path, number, start, title)


def _article(
    article_id: str, text: str, path: Path, line: int | None, offset: int, title: str | None
) -> Article:
    # Imported here: describe() runs when an article is indexed anew, not at every start.
    from cooltui.meta import describe

    about = describe(text, title)
    return Article(
        id=article_id,
        title=about.title or article_id,
        text_sha=text_sha(text),
        chars=len(text),
        path=str(path),
        line=line,
        offset=offset,
        outlet=about.outlet,
        place=about.place,
        date=about.date,
    )


def _parse_jsonl_line(raw: bytes) -> dict[str, Any]:
    try:
        record = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        if b"\x00" in raw or not _is_utf8(raw):
            raise _DecodeProblem(f"not UTF-8 JSON ({error}); skipped") from None
        raise _DecodeProblem(f"not JSON ({error}); skipped") from None
    if not isinstance(record, dict):
        raise _DecodeProblem('not a JSON object; each line must be {"id": ..., "text": ...}')
    if not isinstance(record.get("text"), str):
        raise _DecodeProblem('no "text" string; skipped')
    meta = record.get("meta")
    if meta is not None and not isinstance(meta, dict):
        raise _DecodeProblem('"meta" is not an object; skipped')
    return record


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class _DecodeProblem(Exception):
    """Why one file or line could not be read as an article."""


def decode(data: bytes) -> str:
    """Article bytes to normalised text: UTF-8, with or without a BOM; never binary."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _DecodeProblem("UTF-16 text; convert it to UTF-8 (iconv -f UTF-16 -t UTF-8); skipped")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise _DecodeProblem(f"binary file (NUL byte at offset {nul}), not text; skipped")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise _DecodeProblem(
            f"not UTF-8: byte 0x{data[error.start]:02x} at offset {error.start} (line {line}); "
            "convert it to UTF-8 (e.g. iconv -f WINDOWS-1252 -t UTF-8); skipped"
        ) from None
    return normalise(text)


def _reason(error: Exception) -> str:
    if isinstance(error, _DecodeProblem):
        return str(error)
    if isinstance(error, PermissionError):
        return "cannot read it (permission denied); check its permissions; skipped"
    if isinstance(error, OSError):
        return f"cannot read it ({error.strerror or error}); skipped"
    return str(error)


def _too_large(path: Path, size: int, line: int | None) -> Problem:
    return Problem(
        path,
        f"article of {size / 1024 / 1024:.1f} MB is larger than the limit; skipped "
        "(split it, or raise the limit with --max-article-mb)",
        line,
    )


def _unique(articles: list[Article], problems: list[Problem]) -> list[Article]:
    first: dict[str, Article] = {}
    for article in articles:
        holder = first.setdefault(article.id, article)
        if holder is not article:
            problems.append(
                Problem(
                    article.source,
                    f"id {article.id!r} is already used by {holder.location}; skipped "
                    "(give each article a unique id)",
                    article.line,
                )
            )
    return list(first.values())


def _read_article(article: Article) -> tuple[str, dict[str, Any], str | None]:
    """Read an article's text again from its source, e.g. when the reader opens it: the text,
    a .jsonl article's "meta" and "title"."""
    try:
        if article.line is None:
            return decode(Path(article.path).read_bytes()), {}, None
        record = _parse_jsonl_line(_jsonl_line(article.path, article.offset))
        title = record.get("title")
        title = normalise(title) if isinstance(title, str) else None
        return normalise(record["text"]), record.get("meta") or {}, title
    except (OSError, _DecodeProblem) as error:
        raise CorpusError(f"{article.location}: {_reason(error)}") from None


class _OpenJsonl(threading.local):
    """The .jsonl file read last in this thread, kept open: reading a corpus in order (an
    export, a body search) then costs one readline an article, not an open and a seek."""

    path: str | None = None
    file: BinaryIO | None = None
    pid: int = 0
    """The process that opened it: a forked worker shares the file's offset with its parent
    (one open file description), so it must open the file again, or the two move each other's
    place in it and read half lines."""


_open_jsonl = _OpenJsonl()


def _jsonl_line(path: str, offset: int) -> bytes:
    reader = _open_jsonl
    if reader.pid != os.getpid():
        reader.file = reader.path = None  # the parent's: left to it, never closed here
        reader.pid = os.getpid()
    if reader.path != path or reader.file is None:
        if reader.file is not None:
            reader.file.close()
        reader.file, reader.path = None, None
        reader.file = Path(path).open("rb")  # noqa: SIM115 - kept open across calls on purpose
        reader.path = path
    if reader.file.tell() != offset:
        reader.file.seek(offset)
    return reader.file.readline()


# The index cache


class _IndexCache:
    """What was read of each file under one corpus path, valid while size and mtime match."""

    def __init__(self, root: Path) -> None:
        key = hashlib.sha1(str(root.resolve()).encode(), usedforsecurity=False).hexdigest()
        self.path = cache_dir() / f"corpus-{key[:20]}.json"
        self.entries: dict[str, Any] = {}
        self.fresh: dict[str, Any] = {}
        try:
            data = orjson.loads(self.path.read_bytes())
            if data.get("format") == _CACHE_FORMAT:
                self.entries = data["files"]
        except (OSError, orjson.JSONDecodeError, AttributeError, KeyError, TypeError):
            pass  # no cache, or a damaged one: read the files
        self.changed = False

    def lookup(self, path: str, status: os.stat_result) -> _FileEntry | None:
        cached = self.entries.get(path)
        if not cached or cached["stamp"] != [status.st_size, status.st_mtime_ns]:
            return None
        try:
            entry = _FileEntry(
                [_cached_article(row, path) for row in cached["articles"]],
                [Problem(Path(path), message, line) for line, message in cached["problems"]],
            )
        except (KeyError, TypeError, ValueError):
            return None
        self.fresh[path] = cached
        return entry

    def store(self, path: str, status: os.stat_result, entry: _FileEntry) -> None:
        self.changed = True
        self.fresh[path] = {
            "stamp": [status.st_size, status.st_mtime_ns],
            "articles": [
                [a.id, a.title, a.text_sha, a.chars, a.line, a.offset, a.outlet, a.place, a.date]
                for a in entry.articles
            ],
            "problems": [[problem.line, problem.message] for problem in entry.problems],
        }

    def save(self) -> None:
        """Write the cache if anything changed; a cache that cannot be written is no error."""
        if not self.changed and len(self.fresh) == len(self.entries):
            return
        data = orjson.dumps({"format": _CACHE_FORMAT, "files": self.fresh})
        temp: Path | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(dir=self.path.parent, prefix=".corpus-")
            temp = Path(name)
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            temp.replace(self.path)
        except OSError:
            if temp is not None:
                temp.unlink(missing_ok=True)


def _cached_article(row: list[Any], path: str) -> Article:
    article_id, title, sha, chars, line, offset, outlet, place, date = row
    return Article(article_id, title, sha, chars, path, line, offset, outlet, place, date)


def cache_dir() -> Path:
    explicit = os.environ.get("COOLTUI_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "cooltui"
