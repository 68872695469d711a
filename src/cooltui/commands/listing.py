"""`cooltui list`: the corpus as a table, or as JSON lines for pipelines."""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Iterable
from pathlib import Path

from cooltui.options import settings_from

NAME = "list"
HELP = "print the articles of the corpus with their titles, outlets, dates and sizes"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--jsonl",
        action="store_true",
        help="one JSON object per article (id, title, outlet, place, date, chars, text_sha, "
        "source, status)",
    )


def run(args: argparse.Namespace) -> int:
    from cooltui.meta import shorten
    from cooltui.text import ID_WIDTH, printable

    settings = settings_from(args)
    corpus = settings.load_corpus()
    statuses = _statuses(settings.store_dir, settings.annotator)
    # A store that cannot be read still lists the corpus, every article as todo, and says so;
    # the exit code tells a pipeline the statuses are missing.
    exit_code = 0 if statuses is not None else 1
    statuses = statuses or {}
    if args.jsonl:
        import orjson

        out = sys.stdout.buffer
        for article in corpus:
            row = {**article.summary(), "status": statuses.get(article.id, "todo")}
            out.write(orjson.dumps(row, option=orjson.OPT_APPEND_NEWLINE))
        out.flush()
        return exit_code
    # Ids come from file names and JSON as they are, and an article without a title is titled by
    # its id: shown, they must not drive the terminal, split a row or widen every row. The
    # status is looked up by the id as the source gave it.
    rows = [
        (
            printable(a.id),
            statuses.get(a.id, "todo"),
            shorten(printable(a.title)),
            printable(a.outlet or a.place or ""),
            a.date or "",
            f"{a.chars:,}",
        )
        for a in corpus
    ]
    width = shutil.get_terminal_size((120, 24)).columns if sys.stdout.isatty() else 10_000
    header = ("id", "status", "title", "outlet", "date", "chars")
    for line in _table(header, rows, width, flexible=2, widest={0: ID_WIDTH}):
        print(line)
    return exit_code


def _statuses(store_dir: Path, annotator: str) -> dict[str, str] | None:
    """The annotator's status of each article: none when there is no store yet, None (and a
    message) when the store cannot be read."""
    from cooltui.errors import warn
    from cooltui.store import Store, StoreError

    if not (store_dir / annotator).is_dir():
        return {}
    try:
        with Store.open(store_dir, annotator, read_only=True) as store:
            return {article_id: status.value for article_id, status in store.statuses().items()}
    except StoreError as error:
        warn(f"{error}; statuses not shown")
        return None


def _table(
    header: tuple[str, ...],
    rows: list[tuple[str, ...]],
    width: int,
    *,
    flexible: int,
    widest: dict[int, int],
) -> Iterable[str]:
    """Columns padded to their widest cell, but at most `widest[column]` cells where given (one
    long id must not pad every row); the `flexible` column gives way to fit `width`. The last
    column (numbers) is aligned right."""
    from cooltui.text import cells, truncate

    widths = [max(cells(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for column, most in widest.items():
        widths[column] = min(widths[column], most)
    spare = width - (sum(widths) + 2 * (len(widths) - 1))
    if spare < 0:
        widths[flexible] = max(10, widths[flexible] + spare)
    last = len(header) - 1
    for row in [header, *rows]:
        line = []
        for column, cell in enumerate(row):
            shown = truncate(cell, widths[column])
            pad = " " * (widths[column] - cells(shown))
            line.append(pad + shown if column == last else shown + pad)
        yield "  ".join(line).rstrip()
