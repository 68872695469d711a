"""The options every command shares, resolved: which corpus, store, annotator and scheme."""

from __future__ import annotations

import getpass
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from cooltui.corpus import MAX_ARTICLE_MB, Corpus, CorpusError, default_corpus_paths, load_corpus
from cooltui.errors import UsageError, warn
from cooltui.scheme import Scheme, load_scheme
from cooltui.store import StoreError, check_annotator

DEFAULT_STORE = Path("annotations")
IMPORTED_TEXTS = "texts"
"""The folder of the store that holds texts `cooltui import` kept (cooltui.imports.core)."""
ANNOTATOR_ENV = "COOLTUI_ANNOTATOR"
_SHOWN_PROBLEMS = 20


@dataclass(frozen=True, slots=True)
class Settings:
    corpus_paths: tuple[Path, ...]
    store_dir: Path
    annotator: str
    scheme_path: Path | None
    max_article_mb: float = MAX_ARTICLE_MB

    @classmethod
    def resolve(
        cls,
        corpus: list[Path] | None = None,
        store: Path | None = None,
        annotator: str | None = None,
        scheme: Path | None = None,
        max_article_mb: float | None = None,
    ) -> Settings:
        if annotator == "":
            # Given but empty, as `--annotator "$NAME"` with NAME unset gives: saving under the
            # login name instead would quietly mix two people's work.
            raise UsageError(
                "--annotator is empty; give a name, or leave the option out to use "
                f"${ANNOTATOR_ENV} or the login name"
            )
        # An empty environment variable counts as unset, as in the shell's ${VAR:-default}.
        name = annotator or os.environ.get(ANNOTATOR_ENV) or _login_name()
        try:
            check_annotator(name)
        except StoreError as error:
            raise UsageError(f"{error} (--annotator NAME or ${ANNOTATOR_ENV})") from None
        if max_article_mb is not None and not max_article_mb > 0:
            raise UsageError("--max-article-mb must be a positive number of megabytes")
        if scheme is not None:
            # Checked here, so that every command refuses a --scheme it cannot read, also those
            # that never use it (a typo would otherwise pass unnoticed until the next export).
            load_scheme(scheme)
        store_dir = store or DEFAULT_STORE
        return cls(
            corpus_paths=_with_imported_texts(corpus or default_corpus_paths(), store_dir),
            store_dir=store_dir,
            annotator=name,
            scheme_path=scheme,
            max_article_mb=max_article_mb or MAX_ARTICLE_MB,
        )

    def command_line(self) -> list[str]:
        """The common options that give another cooltui command these settings."""
        options = ["--store", str(self.store_dir.absolute()), "--annotator", self.annotator]
        for path in self.corpus_paths:
            options += ["--corpus", str(path.absolute())]
        if self.scheme_path is not None:
            options += ["--scheme", str(self.scheme_path.absolute())]
        return [*options, "--max-article-mb", str(self.max_article_mb)]

    def load_corpus(self) -> Corpus:
        """The corpus, with each problem reported on stderr; fails when nothing could load."""
        progress = _ProgressLine() if sys.stderr.isatty() else None
        corpus = load_corpus(
            self.corpus_paths, max_article_mb=self.max_article_mb, progress=progress
        )
        if progress is not None:
            progress.clear()
        report_problems(corpus)
        if corpus.failed:
            fatal = next((problem for problem in corpus.problems if problem.fatal), None)
            if fatal:
                raise CorpusError(f"{fatal} (--corpus)")
            paths = ", ".join(str(path) for path in self.corpus_paths)
            raise CorpusError(f"no article could be loaded from {paths}; see the messages above")
        return corpus

    def load_scheme(self) -> Scheme:
        return load_scheme(self.scheme_path)


class _ProgressLine:
    """A first read of a large corpus takes seconds: say so on the terminal, on one line."""

    shown = False

    def __call__(self, done: int, total: int) -> None:
        self.shown = True
        print(
            f"\rcooltui: indexing the corpus, {done:,} of up to {total:,} files read "
            "(later starts use the index)",
            end="",
            file=sys.stderr,
            flush=True,
        )

    def clear(self) -> None:
        if self.shown:
            print("\r\x1b[K", end="", file=sys.stderr, flush=True)


def _with_imported_texts(paths: list[Path], store_dir: Path) -> tuple[Path, ...]:
    """`paths`, and the store's folder of texts that `cooltui import` brought in and the corpus
    lacked, when it has one: annotations of them are shown and exported like any other."""
    texts = store_dir / IMPORTED_TEXTS
    if texts.is_dir() and not any(path.resolve() == texts.resolve() for path in paths):
        return (*paths, texts)
    return tuple(paths)


def report_problems(corpus: Corpus) -> None:
    """Each problem on stderr, but for a missing path: that one ends the command."""
    problems = [problem for problem in corpus.problems if not problem.fatal]
    for problem in problems[:_SHOWN_PROBLEMS]:
        warn(str(problem))
    hidden = len(problems) - _SHOWN_PROBLEMS
    if hidden > 0:
        warn(f"... and {hidden} more problems like these")


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry, e.g. in a container
        return "annotator"
