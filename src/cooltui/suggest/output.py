"""Suggestions for a whole corpus, written as our export jsonl.

Each line is the record `cooltui export --format jsonl` writes, built by its own writer, with
"status": "suggested", each span's "source" naming its rule, the suggested document labels in
their groups, and the cues behind them under meta "cues".
"""

from __future__ import annotations

import io
import multiprocessing
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import BinaryIO

import orjson

from cooltui.corpus import Article, CorpusError
from cooltui.export.formats import jsonl_line
from cooltui.export.record import DocLabels, Record
from cooltui.model import SUGGESTED, Annotation
from cooltui.scheme import Scheme
from cooltui.suggest.core import Dateline, Suggester, Suggestions

_START_METHODS = multiprocessing.get_all_start_methods()
ANNOTATOR = "suggester"
"""The "annotator" of suggested records."""
STATUS = SUGGESTED


@dataclass(slots=True)
class Written:
    """What a run wrote: articles, spans per label, and the articles it could not read."""

    articles: int = 0
    labels: Counter[str] = field(default_factory=Counter)
    unreadable: list[str] = field(default_factory=list)
    """Why each article that could not be read was left out, one line each."""


class SuggestionWriter:
    """Writes one export jsonl line per article; the exporter's own writer makes the record."""

    def __init__(self, suggester: Suggester, out: BinaryIO) -> None:
        self.suggester = suggester
        self.out = out
        self.written = Written()

    def write(self, article: Article, text: str) -> None:
        """The line of `article`, whose text has been read."""
        found = self.suggester.suggest(text, dateline=Dateline(article.outlet, article.place))
        annotation = Annotation(article.id, article.text_sha, found.spans)
        record = Record(
            ANNOTATOR, article, text, annotation, found.spans, self._groups(found), None
        )
        # The exporter's line, with what only suggestions have: their status and rules.
        line = jsonl_line(record)
        line["status"] = STATUS
        for item, span in zip(line["spans"], found.spans, strict=True):
            item["source"] = span.source
        cues: dict[str, dict[str, list[str]]] = {}
        for theme in found.themes:
            cues.setdefault(theme.group, {})[theme.value] = list(theme.cues)
        line["meta"]["cues"] = cues
        self.out.write(orjson.dumps(line, option=orjson.OPT_APPEND_NEWLINE))
        self.written.articles += 1
        self.written.labels.update(span.label for span in found.spans)

    def _groups(self, found: Suggestions) -> DocLabels:
        """Every group of the scheme: a list for a multi-choice group, a value or None else."""
        chosen: dict[str, list[str]] = {}
        for theme in found.themes:
            chosen.setdefault(theme.group, []).append(theme.value)
        return {
            group.name: chosen.get(group.name, [])
            if group.multi
            else next(iter(chosen.get(group.name, [])), None)
            for group in self.suggester.scheme.groups
        }


def write_suggestions(
    suggester: Suggester, articles: Iterable[Article], out: BinaryIO, *, jobs: int = 1
) -> Written:
    """Suggestions for every article, one line each, in order; articles are unloaded once read.

    With `jobs` > 1 (and enough articles) that many worker processes suggest, while this one
    reads the texts and writes the lines.
    """
    articles = list(articles)
    if jobs > 1 and len(articles) >= PARALLEL_MIN:
        return _write_in_parallel(suggester, articles, out, jobs)
    writer = SuggestionWriter(suggester, out)
    for article, text in _read(articles, writer.written):
        writer.write(article, text)
    return writer.written


def _read(articles: Iterable[Article], written: Written) -> Iterator[tuple[Article, str]]:
    """Each article with its text, then unloaded (memory stays flat over a large corpus).

    An article that cannot be read any more is left out, and why goes to `written`.
    """
    for article in articles:
        try:
            text = article.text
        except CorpusError as error:
            written.unreadable.append(str(error))
            continue
        try:
            yield article, text
        finally:
            article.unload()


PARALLEL_MIN = 2000
"""Fewer articles are done before worker processes would have started."""
_CHUNK = 250
"""Articles per task: large enough to pay for the trip to a worker, small enough to stream."""

_worker: Suggester | None = None


def _start_worker(scheme: Scheme, patterns: tuple[Path, ...]) -> None:
    global _worker  # noqa: PLW0603 - one suggester per worker process, built once
    _worker = Suggester(scheme, patterns)


def _suggest_chunk(articles: list[tuple[Article, str]]) -> tuple[bytes, Written]:
    assert _worker is not None
    buffer = io.BytesIO()
    writer = SuggestionWriter(_worker, buffer)
    for article, text in articles:
        writer.write(article, text)
    return buffer.getvalue(), writer.written


def _write_in_parallel(
    suggester: Suggester, articles: list[Article], out: BinaryIO, jobs: int
) -> Written:
    """Chunks of articles, texts read here, suggested by `jobs` processes, written in order.

    Workers never open the corpus files: this process sends each article with its text. A few
    chunks at a time are under way, so memory stays flat however large the corpus.
    """
    written = Written()
    context = multiprocessing.get_context("fork" if "fork" in _START_METHODS else "spawn")
    setup = (suggester.scheme, suggester.pattern_files)
    texts = _read(articles, written)
    with ProcessPoolExecutor(jobs, context, initializer=_start_worker, initargs=setup) as pool:
        pending: deque[Future[tuple[bytes, Written]]] = deque()
        while chunk := list(islice(texts, _CHUNK)):
            pending.append(pool.submit(_suggest_chunk, chunk))
            if len(pending) > 2 * jobs:
                _collect(pending.popleft(), out, written)
        while pending:
            _collect(pending.popleft(), out, written)
    return written


def _collect(future: Future[tuple[bytes, Written]], out: BinaryIO, written: Written) -> None:
    lines, counts = future.result()
    out.write(lines)
    written.articles += counts.articles
    written.labels.update(counts.labels)
