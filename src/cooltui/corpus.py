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
from typing import Any, BinaryIO

import orjson

from cooltui import __version__
from cooltui.errors import CoolError
from cooltui.meta import describe
from cooltui.text import normalise

TEXT_SUFFIXES = frozenset({".txt", ".md"})
JSONL_SUFFIX = ".jsonl"
MAX_ARTICLE_MB = 5.0
"""Larger articles are scraping accidents, not news: skipped unless --max-article-mb says more."""

_SUFFIXES = TEXT_SUFFIXES | {JSONL_SUFFIX}
_CACHE_FORMAT = f"cooltui-corpus-index-3/{__version__}"


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
            self._text, self._meta = _read_article(self)
            self.text_sha = text_sha(self._text)
            self.chars = len(self._text)
        return self._text

    @property
    def meta(self) -> dict[str, Any]:
        """The "meta" object of a .jsonl article; empty for an article file."""
        if self._meta is None:
            _ = self.text
        return self._meta or {}

    def unload(self) -> None:
        """Forget the text (it is read again when needed), to keep memory flat over a corpus."""
        self._text = self._meta = None

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
    for root in paths:
        if not root.exists():
            problems.append(Problem(root, "no such file or folder; check the path", fatal=True))
            continue
        index = _IndexCache(root) if cache else None
        files = _article_files(root, problems)
        if root.is_dir() and not files:
            problems.append(
                Problem(root, "holds no .txt, .md or .jsonl articles; point --corpus at them")
            )
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


def _article_files(root: Path, problems: list[Problem]) -> list[tuple[str, os.stat_result]]:
    """Every article file under `root`, in name order, with its size and modification time."""
    if not root.is_dir():
        suffix = root.suffix.lower()
        if suffix in TEXT_SUFFIXES or suffix == JSONL_SUFFIX:
            return [(str(root), root.stat())]
        problems.append(
            Problem(root, "not an article file; give .txt, .md or .jsonl files or a folder")
        )
        return []
    found: list[tuple[str, os.stat_result]] = []
    _walk(str(root), found, problems)
    return found


def _walk(folder: str, found: list[tuple[str, os.stat_result]], problems: list[Problem]) -> None:
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError as error:
        problems.append(
            Problem(Path(folder), f"cannot list this folder ({error.strerror}); skipped")
        )
        return
    for entry in entries:
        name = entry.name
        if name.startswith("."):
            continue
        try:
            if entry.is_dir():
                _walk(entry.path, found, problems)
            # No Path per file here: at 100,000 files they cost a second of start-up.
            elif os.path.splitext(name)[1].lower() in _SUFFIXES:  # noqa: PTH122
                found.append((entry.path, entry.stat()))
        except OSError as error:
            problems.append(
                Problem(Path(entry.path), f"cannot read it ({error.strerror}); skipped")
            )


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


def _read_article(article: Article) -> tuple[str, dict[str, Any]]:
    """Read an article's text again from its source, e.g. when the reader opens it."""
    try:
        if article.line is None:
            return decode(Path(article.path).read_bytes()), {}
        record = _parse_jsonl_line(_jsonl_line(article.path, article.offset))
        return normalise(record["text"]), record.get("meta") or {}
    except (OSError, _DecodeProblem) as error:
        raise CorpusError(f"{article.location}: {_reason(error)}") from None


class _OpenJsonl(threading.local):
    """The .jsonl file read last in this thread, kept open: reading a corpus in order (an
    export, a body search) then costs one readline an article, not an open and a seek."""

    path: str | None = None
    file: BinaryIO | None = None


_open_jsonl = _OpenJsonl()


def _jsonl_line(path: str, offset: int) -> bytes:
    reader = _open_jsonl
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
