"""`cooltui suggest`: rule-based suggestions for every article, written as our export jsonl."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from cooltui.options import settings_from

NAME = "suggest"
HELP = (
    "suggest spans and themes for every article with the built-in rules and pattern files; "
    'writes export jsonl with "status": "suggested" and each span\'s rule as its "source"'
)
DEFAULT_NAME = "suggestions.jsonl"
MAX_JOBS = 4
SHOWN_PROBLEMS = 20
"""Articles that could not be read, named one a line; the rest are counted."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--patterns",
        action="append",
        type=Path,
        # Not given after the command, it must not undo `cooltui --patterns FILE suggest`.
        default=argparse.SUPPRESS,
        metavar="FILE",
        help='your own rules: a patterns file in Prodigy\'s JSONL format, one {"label": "ORG", '
        '"pattern": "Polsek Minas"} or {"label": "RANK", "pattern": [{"lower": "kompol"}]} a '
        "line; repeatable",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help=f"the file to write, - for stdout (default: <store>/{DEFAULT_NAME})",
    )
    parser.add_argument(
        "--model",
        nargs="?",
        const="",
        metavar="FOLDER",
        help="suggest with a model `cooltui train` made instead of the rules: the annotator's "
        "(<store>/models/<annotator>), or the one in FOLDER; `cooltui import --as-suggestions` "
        "then offers them in the app",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help=f"worker processes for large corpora (default: one per CPU, at most {MAX_JOBS})",
    )


def run(args: argparse.Namespace) -> int:
    from collections.abc import Iterator
    from contextlib import contextmanager
    from typing import BinaryIO

    from cooltui.errors import UsageError, warn
    from cooltui.export import ExportError
    from cooltui.export.output import AtomicFile, remove_stale
    from cooltui.suggest import Suggester, write_suggestions

    started = time.time()
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be 1 or more")
    settings = settings_from(args)
    if args.model is not None:
        from cooltui.learn.layout import model_folder
        from cooltui.learn.suggest import ModelSuggester

        folder = (
            Path(args.model)
            if args.model
            else model_folder(settings.store_dir, [settings.annotator])
        )
        suggester: Suggester | ModelSuggester = ModelSuggester(settings.load_scheme(), folder)
        jobs = 1  # the workers would make the rules' suggester; the model runs here
    else:
        # The patterns are checked before the corpus loads: a typo fails at once.
        suggester = Suggester(settings.load_scheme(), getattr(args, "patterns", None) or ())
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        jobs = args.jobs or min(MAX_JOBS, cpus or 1)
    corpus = settings.load_corpus()

    @contextmanager
    def output() -> Iterator[tuple[BinaryIO, str]]:
        if args.output == "-":
            yield sys.stdout.buffer, "stdout"
            sys.stdout.buffer.flush()
            return
        path = Path(args.output) if args.output else settings.store_dir / DEFAULT_NAME
        if not args.output:
            path.parent.mkdir(parents=True, exist_ok=True)
        for removed in remove_stale([path], started):
            warn(str(removed))
        target = AtomicFile(path)
        try:
            yield target.stream, str(path)
        except BaseException:
            target.abort()
            raise
        try:
            target.commit()
        except OSError as error:
            target.abort()
            raise ExportError(f"writing {path} failed ({error.strerror or error})") from None

    with output() as (stream, where):
        written = write_suggestions(suggester, corpus, stream, jobs=jobs)
    for problem in written.unreadable[:SHOWN_PROBLEMS]:
        warn(f"{problem}; left out")
    if len(written.unreadable) > SHOWN_PROBLEMS:
        hidden = len(written.unreadable) - SHOWN_PROBLEMS
        print(f"cooltui: ... and {hidden:,} more articles left out", file=sys.stderr)
    spans = written.labels.total()
    per_label = ", ".join(f"{label} {count:,}" for label, count in written.labels.most_common())
    print(
        f"suggested {spans:,} span{'' if spans == 1 else 's'} in {written.articles:,} "
        f"article{'' if written.articles == 1 else 's'}: {where}"
        + (f"\nspans per label: {per_label}" if per_label else ""),
        file=sys.stderr,
    )
    return 0
