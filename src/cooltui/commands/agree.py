"""`cooltui agree`: how far the annotators agree, and where adjudication should start."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from cooltui.options import settings_from

if TYPE_CHECKING:
    from pathlib import Path

    from rich.console import Group, RenderableType
    from rich.table import Table

    from cooltui.team.agree import Agreement, Scores

NAME = "agree"
HELP = (
    "inter-annotator agreement on the articles two or more annotators finished: span "
    "precision, recall and F1 per pair, Krippendorff's alpha and Cohen's kappa of the document "
    "labels, and the articles with the most disagreements"
)
WORST_SHOWN = 20
"""Articles listed in the text report; --json lists every one."""
NOT_DEFINED = "n/a"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--annotators",
        metavar="A,B,...",
        help="whose stores to compare, by name, comma-separated (default: every annotator "
        "store in --store)",
    )
    parser.add_argument(
        "--only",
        choices=("done", "all"),
        default="done",
        help="done: the articles two or more of them marked done (the default); all: every "
        "article two or more annotated",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="the figures as one JSON object with sorted keys (its shape: "
        "cooltui.team.agree.Agreement.to_json); undefined figures are null",
    )


def run(args: argparse.Namespace) -> int:
    from contextlib import ExitStack

    from cooltui.store import Store
    from cooltui.team.agree import AgreeError, measure

    settings = settings_from(args)
    names = _annotators(args.annotators, settings.store_dir)
    scheme = settings.load_scheme()
    with ExitStack() as stack:
        stores = [
            stack.enter_context(Store.open(settings.store_dir, name, read_only=True))
            for name in names
        ]
        agreement = measure(stores, scheme, args.only)
    if not agreement.articles:
        what = "marked done" if args.only == "done" else "annotated"
        why = (
            f" ({len(agreement.texts_differ):,} left out: their annotators worked on different "
            "versions of the text; open them in cooltui as each annotator to carry the spans "
            "over)"
            if agreement.texts_differ
            else (" (see --only all)" if args.only == "done" else "")
        )
        raise AgreeError(f"no article is {what} by two or more of {_listed(names)}{why}")
    if args.json:
        import orjson

        sys.stdout.buffer.write(
            orjson.dumps(
                agreement.to_json(), option=orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE
            )
        )
        sys.stdout.flush()
    else:
        _report(agreement)
    return 0


def _annotators(given: str | None, store_dir: Path) -> list[str]:
    """The annotators named, each checked to have a store, or every one in the store folder."""
    from cooltui.errors import UsageError
    from cooltui.store import annotators
    from cooltui.team.agree import AgreeError

    found = annotators(store_dir)
    if given is None:
        from cooltui.errors import warn
        from cooltui.team.review import is_review_store

        reviews = [name for name in found if is_review_store(store_dir / name)]
        if reviews:
            found = [name for name in found if name not in reviews]
            warn(
                f"left out {', '.join(reviews)}: a review's store (cooltui review), no "
                "annotator's; name it in --annotators to compare it"
            )
        if len(found) < 2:
            raise AgreeError(
                f"agreement needs two or more annotators; {store_dir} holds "
                f"{_count(found)}; check --store"
            )
        return found
    names = [name.strip() for name in given.split(",") if name.strip()]
    for name in names:
        if name not in found:
            raise UsageError(
                f"--annotators: there is no store of {name!r} in {store_dir} (its annotators: "
                f"{', '.join(found) or 'none'}); check the name and --store"
            )
        if names.count(name) > 1:
            raise UsageError(f"--annotators names {name!r} twice; name each annotator once")
    if len(names) < 2:
        raise AgreeError(
            f"--annotators {given}: agreement needs two or more annotators; name them "
            "comma-separated, e.g. --annotators alice,bob"
        )
    return names


def _count(names: list[str]) -> str:
    return f"only {names[0]!r}" if len(names) == 1 else "no annotator store"


def _listed(names: list[str]) -> str:
    return ", ".join(names[:-1]) + f" and {names[-1]}"


# The text report: rich tables on a terminal, the same without colour or borders in a pipe.


def _report(agreement: Agreement) -> None:
    from rich.console import Console

    if sys.stdout.isatty():
        console = Console(highlight=False)
        for section in _sections(agreement, plain=False):
            console.print(section)
        return
    # No colour or borders, and wide enough never to wrap a row: a pipe's reader wants whole
    # lines, without the padding rich gives every cell of a table's last column.
    console = Console(color_system=None, highlight=False, width=10_000)
    with console.capture() as captured:
        for section in _sections(agreement, plain=True):
            console.print(section)
    for line in captured.get().splitlines():
        print(line.rstrip())


def _sections(agreement: Agreement, plain: bool) -> list[RenderableType]:
    from rich.text import Text

    what = "done" if agreement.only == "done" else "annotated"
    count = len(agreement.articles)
    head = Text(
        f"Agreement of {_listed(list(agreement.annotators))} on {count:,} "
        f"article{'' if count == 1 else 's'} {what} by two or more of them."
    )
    if agreement.texts_differ:
        head.append("\n" + _texts_differ(agreement.texts_differ))
    return [
        head,
        "",
        _span_table(agreement, plain),
        "",
        _label_table(agreement, plain),
        "",
        _worst_table(agreement, plain),
    ]


def _texts_differ(ids: list[str]) -> str:
    from cooltui.text import printable

    shown = ", ".join(printable(article_id) for article_id in sorted(ids)[:WORST_SHOWN])
    more = f" and {len(ids) - WORST_SHOWN:,} more" if len(ids) > WORST_SHOWN else ""
    return (
        f"Left out {len(ids):,} article{'' if len(ids) == 1 else 's'} whose annotators worked "
        f"on different versions of the text: {shown}{more}. Open each in cooltui as each "
        "annotator to carry the spans over to the current text."
    )


def _table(plain: bool) -> Table:
    from rich.box import SIMPLE_HEAD
    from rich.table import Table

    # On a terminal, neighbouring cells share their padding, so that the tables fit a narrow
    # one; names fold onto another line there rather than lose their ends.
    return Table(
        box=None if plain else SIMPLE_HEAD,
        pad_edge=False,
        show_edge=not plain,
        collapse_padding=not plain,
    )


def _titled(title: str, table: Table, caption: str) -> Group:
    """The table with its title above and its caption below, each as wide as the screen (a
    table's own would wrap at the table's width)."""
    from rich.console import Group
    from rich.text import Text

    return Group(Text(title, style="bold"), table, *([Text(caption)] if caption else []))


def _span_table(agreement: Agreement, plain: bool) -> Group:
    from rich.text import Text

    from cooltui.text import printable

    table = _table(plain)
    table.add_column("pair", overflow="fold")
    table.add_column("label", overflow="fold")
    table.add_column("spans", justify="right")
    # Each measure named once, above its first figure: narrow columns fit a narrow terminal.
    for measure in ("exact", "overlap"):
        for figure in ("P", "R", "F1"):
            table.add_column(f"{measure if figure == 'P' else ''}\n{figure}", justify="right")
    labels = agreement.labels()
    for (first, second), pair in agreement.spans.items():
        rows = [("all", pair.overall())] + [
            (label, pair.labels[label]) for label in labels if label in pair.labels
        ]
        for number, (label, counts) in enumerate(rows):
            table.add_row(
                Text(_pair(first, second) if number == 0 else ""),
                Text(printable(label)),
                f"{counts.first:,} / {counts.second:,}",
                *_scores(counts.exact_scores()),
                *_scores(counts.overlap_scores()),
                end_section=number == len(rows) - 1,
            )
    caption = (
        "P: the share of the first one's spans the second also made (the second as "
        "reference); R: the other way round; F1 is the same either way. Exact: the same start, "
        "end and label; overlap: overlapping a span of the same label."
    )
    return _titled("Spans", table, caption)


def _label_table(agreement: Agreement, plain: bool) -> Group:
    from rich.text import Text

    table = _table(plain)
    table.add_column("group", overflow="fold")
    table.add_column("value", overflow="fold")
    table.add_column("articles", justify="right")
    table.add_column("alpha", justify="right")
    table.add_column("agreement", justify="right")
    for first, second in agreement.spans:
        table.add_column(f"kappa\n{first}\n{second}", justify="right", overflow="fold")
    for item in agreement.items:
        codes = item.codes
        table.add_row(
            Text(item.group),
            Text(item.value if item.value is not None else "(the value chosen)"),
            f"{codes.units:,}",
            _number(codes.alpha()),
            _percent(codes.agreement()),
            *(_number(pair.kappa()) for pair in codes.pairs.values()),
        )
    caption = (
        "alpha: Krippendorff's, nominal, over every annotator (missing codes allowed); "
        "agreement: the share of pairs of codes that match; kappa: Cohen's, per pair. A "
        "single-choice group is one item, each value of a multi-choice group one (chosen or "
        f"not). {NOT_DEFINED}: undefined, as every code was the same (a value nobody chose): "
        "there is no variation to agree on beyond chance."
    )
    return _titled("Document labels", table, caption)


def _worst_table(agreement: Agreement, plain: bool) -> RenderableType:
    from rich.text import Text

    from cooltui.text import printable

    disagreeing = [row for row in agreement.worst_first() if row.disagreements]
    if not disagreeing:
        return "No disagreements: the annotators made the same spans and labels."
    table = _table(plain)
    table.add_column("article", overflow="fold")
    table.add_column("disagreements", justify="right")
    table.add_column("annotators")
    for row in disagreeing[:WORST_SHOWN]:
        table.add_row(
            Text(printable(row.article_id)),
            f"{row.disagreements:,}",
            Text(", ".join(row.annotators)),
        )
    hidden = len(disagreeing) - WORST_SHOWN
    caption = (
        f"and {hidden:,} more article{'' if hidden == 1 else 's'} with disagreements; --json "
        "lists every article"
        if hidden > 0
        else ""
    )
    return _titled("Most disagreements (adjudicate these first)", table, caption)


def _pair(first: str, second: str) -> str:
    return f"{first}/{second}"


def _scores(scores: Scores) -> tuple[str, str, str]:
    return (_number(scores.precision), _number(scores.recall), _number(scores.f1))


def _number(value: float | None) -> str:
    return NOT_DEFINED if value is None else f"{value:.3f}"


def _percent(value: float | None) -> str:
    return NOT_DEFINED if value is None else f"{value:.1%}"
