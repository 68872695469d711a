"""`cooltui check`: the consistency queue, texts an annotator labelled somewhere and left
unlabelled, or labelled otherwise, elsewhere.

A report: it exits 0 whether or not it finds texts to check (scripts count the items of
--json); 1 when the store or the corpus cannot be read, 2 on a wrong option.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from cooltui.options import settings_from

if TYPE_CHECKING:
    from cooltui.settings import Settings
    from cooltui.team.consistency import ConsistencyQueue, Item

NAME = "check"
HELP = (
    "list the texts you labelled somewhere and left unlabelled (as whole words) or labelled "
    "otherwise elsewhere, worst first"
)
PROGRESS_MIN = 5_000
"""Below this many annotations the check is over before a progress bar would be worth it."""
SHOWN_PLACES = 3
"""Occurrences named in a row of the table."""
SKIPPED = {
    "missing": "no such article in the corpus",
    "stale": "the article's text changed since",
    "unreadable": "the article cannot be read",
}
"""Why an annotation was not searched (ConsistencyQueue.skipped), as the summary says it."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = (
        'A text counts where it stands as whole words, case included ("Bank" is not "bank"), '
        "outside every span: inside a longer span it belongs to that span. Exit 0 whether or "
        "not there is anything to check."
    )
    parser.add_argument(
        "--only",
        choices=("done", "all"),
        default="done",
        help="done: search the articles marked done (the default); all: every annotated one",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="one JSON object: the items with their labels, counts and occurrences",
    )
    parser.add_argument(
        "--ignore",
        action="append",
        metavar="TEXT",
        help="leave TEXT out of the check from now on (remembered in the store); repeatable",
    )
    parser.add_argument(
        "--unignore",
        action="append",
        metavar="TEXT",
        help="check TEXT again; repeatable",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="worker processes for a large corpus (default: one per CPU, at most 4; "
        "1: one process)",
    )


def run(args: argparse.Namespace) -> int:
    import os

    from cooltui.errors import UsageError

    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be 1 or more")
    settings = settings_from(args)
    if args.ignore or args.unignore:
        return _change_ignored(settings, args.ignore or [], args.unignore or [])
    queue = _check(settings, args.only, args.jobs or min(os.cpu_count() or 1, 4))
    if args.json:
        _print_json(queue, settings.annotator, args.only)
    elif sys.stdout.isatty():
        _print_table(queue)
    else:
        _print_plain(queue)
    print(_summary(queue, args.only), file=sys.stderr)
    return 0


def _change_ignored(settings: Settings, ignore: list[str], unignore: list[str]) -> int:
    from cooltui.errors import UsageError, warn
    from cooltui.team import consistency

    if any(not text for text in (*ignore, *unignore)):
        raise UsageError("--ignore and --unignore take a text; it is empty")
    both = sorted(set(ignore) & set(unignore))
    if both:
        raise UsageError(f"--ignore and --unignore both name {both[0]!r}; give one")
    store_dir, annotator = settings.store_dir, settings.annotator
    now = before = consistency.load_ignored(store_dir, annotator)
    if ignore:
        now = consistency.ignore(store_dir, annotator, ignore)
    if unignore:
        now = consistency.unignore(store_dir, annotator, unignore)
    for text in ignore:
        warn(f"{text!r} is {'already ' if text in before else ''}ignored by `cooltui check`")
    for text in unignore:
        was = "is checked again" if text in before else "was not ignored"
        warn(f"{text!r} {was}")
    warn(f"{len(now):,} text{_s(len(now))} ignored in all (--unignore TEXT checks one again)")
    return 0


def _check(settings: Settings, only: str, jobs: int) -> ConsistencyQueue:
    from cooltui.store import Store
    from cooltui.team.consistency import find_inconsistencies, load_ignored

    ignored = load_ignored(settings.store_dir, settings.annotator)
    with Store.open(settings.store_dir, settings.annotator, read_only=True) as store:
        corpus = settings.load_corpus()
        with _progress_bar(len(store)) as progress:
            return find_inconsistencies(
                corpus, store, only=only, ignored=ignored, progress=progress, jobs=jobs
            )


@contextmanager
def _progress_bar(annotations: int) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr, told (steps done, steps in all), when stderr is a terminal and
    the check is long; None otherwise."""
    if annotations < PROGRESS_MIN or not sys.stderr.isatty():
        yield None
        return
    # rich is imported only here: a check piped to a file never loads its progress bar.
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TimeRemainingColumn

    columns = ("checking", BarColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("check", total=None)
        yield lambda done, total: progress.update(task, completed=done, total=total)


# --- output ----------------------------------------------------------------------------------


def _print_json(queue: ConsistencyQueue, annotator: str, only: str) -> None:
    import orjson

    document = {
        "annotator": annotator,
        "only": only,
        "articles": queue.articles,
        "items": [_item_json(item) for item in queue.items],
        "ignored": list(queue.ignored),
        "skipped": {reason: queue.skipped.get(reason, 0) for reason in SKIPPED},
    }
    sys.stdout.buffer.write(orjson.dumps(document, option=orjson.OPT_APPEND_NEWLINE))
    sys.stdout.buffer.flush()


def _item_json(item: Item) -> dict[str, Any]:
    return {
        "text": item.text,
        "label": item.label,
        "labels": dict(item.labels),
        "unlabelled": item.unlabelled,
        "otherwise": item.otherwise,
        "to_check": item.to_check,
        "occurrences": [
            {"article": o.article_id, "start": o.start, "end": o.end, "label": o.label}
            for o in item.occurrences
        ],
        "complete": item.complete,
    }


_HEADER = ("to check", "text", "label", "labelled", "unlabelled", "first in")


def _row(item: Item, number: Callable[[int], str]) -> tuple[str, ...]:
    """An item as a row shows it, its counts as `number` writes them; every string from the
    store made printable."""
    from cooltui.text import printable

    labels = ", ".join(
        f"{printable(label)} {number(spans)}" for label, spans in item.labels.items()
    )
    places = list(dict.fromkeys(o.article_id for o in item.occurrences))
    first = ", ".join(printable(place) for place in places[:SHOWN_PLACES])
    if len(places) > SHOWN_PLACES or not item.complete:
        first += ", …"
    return (
        number(item.to_check),
        printable(item.text),
        printable(item.label),
        labels,
        number(item.unlabelled),
        first,
    )


def _print_plain(queue: ConsistencyQueue) -> None:
    """Tab-separated, a header and then a line an item: for grep, cut and spreadsheets."""
    for row in (_HEADER, *(_row(item, str) for item in queue.items)):
        print("\t".join(row))


def _print_table(queue: ConsistencyQueue) -> None:
    if not queue.items:
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, header_style="bold", pad_edge=False)
    for number, name in enumerate(_HEADER):
        table.add_column(name, justify="right" if number in (0, 4) else "left")
    for item in queue.items:
        # Text, not markup: a text such as "[ORG]" must show as it is.
        table.add_row(*map(Text, _row(item, "{:,}".format)))
    Console().print(table)


def _summary(queue: ConsistencyQueue, only: str) -> str:
    """One line on stderr: what was found, what was left out and why."""
    if not queue.articles:
        which = "is marked done (see --only all)" if only == "done" else "is annotated"
        line = f"nothing to check: no article {which}"
    elif queue.items:
        count = len(queue.items)
        line = f"{count:,} text{_s(count)} to check in {queue.articles:,} articles searched"
    else:
        line = (
            f"nothing to check: every labelled text is labelled alike wherever it stands in "
            f"the {queue.articles:,} articles searched"
        )
    if queue.ignored:
        count = len(queue.ignored)
        line += f"; {count:,} ignored text{_s(count)} left out (--unignore TEXT checks one again)"
    skipped = {reason: queue.skipped.get(reason, 0) for reason in SKIPPED}
    if any(skipped.values()):
        count = sum(skipped.values())
        reasons = "; ".join(f"{n:,}: {SKIPPED[reason]}" for reason, n in skipped.items() if n)
        line += f"; {count:,} annotation{_s(count)} not searched ({reasons})"
    return f"cooltui: {line}"


def _s(count: int) -> str:
    return "" if count == 1 else "s"
