"""`cooltui export`: the annotations as a labelled dataset, checked against the texts."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, BinaryIO, TypeVar

from cooltui.options import settings_from

if TYPE_CHECKING:
    from pathlib import Path

    from cooltui.export import ExportOptions, Report
    from cooltui.scheme import Scheme
    from cooltui.settings import Settings

NAME = "export"
HELP = (
    "write the annotations as a labelled dataset (jsonl, doccano, conll, spacy, hf, "
    "labelstudio, prodigy or brat), every span checked against its article's text"
)
FORMAT_NAMES = ("jsonl", "doccano", "conll", "spacy", "labelstudio", "prodigy", "hf", "brat")
"""The keys of cooltui.export.FORMATS, spelled out so that `cooltui --help` need not import it."""

PROGRESS_MIN = 5_000
"""Exports of fewer records finish before a progress bar would be worth drawing."""

_T = TypeVar("_T")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--all-annotators",
        action="store_true",
        help="export every annotator's store: one record per article and annotator",
    )
    parser.add_argument(
        "--format",
        choices=FORMAT_NAMES,
        default="jsonl",
        help="jsonl (ours, the default), doccano, conll (CoNLL-2003 IOB2), spacy (a DocBin), "
        "hf (a Hugging Face token classification dataset), labelstudio (tasks, and the "
        "labelling config beside them), prodigy (for db-in) or brat (a folder)",
    )
    parser.add_argument(
        "--offsets",
        choices=("codepoints", "utf16"),
        help="doccano and labelstudio: utf16 counts offsets as their browsers do, which texts "
        "with emoji need (the default for labelstudio); codepoints as Python and spaCy count "
        "(the default for doccano, whose import reads them so)",
    )
    parser.add_argument(
        "--doccano-shape",
        choices=("label", "entities"),
        default="label",
        help='doccano: spans under "label" (sequence labelling, the default) or "entities" '
        "(intent detection and slot filling)",
    )
    parser.add_argument(
        "--cats",
        metavar="GROUP",
        help="spacy: put only this document label group in doc.cats (a single-label textcat "
        "trains on one single-choice group)",
    )
    parser.add_argument(
        "--as-predictions",
        action="store_true",
        help="labelstudio: write the annotations as predictions, to review in Label Studio",
    )
    parser.add_argument(
        "--only",
        choices=("done", "all"),
        default="done",
        help="done: the articles marked done (the default); all: every annotated one",
    )
    parser.add_argument(
        "--split",
        metavar="TRAIN/DEV/TEST",
        help="write train, dev and test files, e.g. 80/10/10, by a stable hash of the article id",
    )
    parser.add_argument(
        "--seed", type=int, metavar="N", help="with --split: another seed, another split (0)"
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help="the file to write, - for stdout (default: <store>/<annotator>.<format's extension>)",
    )
    parser.add_argument(
        "--labels-map",
        metavar="FILE",
        help='rename labels on export: a JSON map such as {"MEDIA": "ORG", "RANK": "O"} '
        '(O leaves a span out), or "nergrit"',
    )
    parser.add_argument(
        "--allow-drops",
        action="store_true",
        help="exit 0 even when articles with problems were left out of the export",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="worker processes for a large jsonl, doccano or conll export "
        "(default: one per CPU, at most 4; 1: one process)",
    )


def run(args: argparse.Namespace) -> int:
    import os
    import time
    from pathlib import Path

    from cooltui.errors import UsageError, warn
    from cooltui.export import (
        FORMATS,
        ExportError,
        ExportOptions,
        Split,
        default_output,
        load_labels_map,
        part_paths,
    )
    from cooltui.export.output import remove_stale
    from cooltui.store import annotators

    started = time.time()
    if args.all_annotators and args.annotator:
        raise UsageError("--annotator and --all-annotators exclude each other; give one")
    if args.seed is not None and args.split is None:
        raise UsageError("--seed chooses a split: give --split too, e.g. --split 80/10/10")
    split = Split.parse(args.split, args.seed or 0) if args.split else None
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be 1 or more")
    jobs = args.jobs or min(os.cpu_count() or 1, 4)
    labels_map = load_labels_map(args.labels_map) if args.labels_map else None
    settings = settings_from(args)
    scheme = settings.load_scheme()
    if labels_map is not None:
        labels_map.check(scheme)  # before the slow part: a wrong map fails at once
    if args.all_annotators:
        names = annotators(settings.store_dir)
        if not names:
            raise ExportError(f"no annotation stores in {settings.store_dir}; check --store")
    else:
        names = [settings.annotator]
    fmt = FORMATS[args.format]
    if args.output == "-":
        output: Path | BinaryIO = sys.stdout.buffer
    elif args.output:
        output = Path(args.output)
    else:
        name = "all" if args.all_annotators else settings.annotator
        output = default_output(settings.store_dir, name, fmt.extension)
    if isinstance(output, Path):
        # Before the slow part, so that a split onto a FIFO or a device is refused at once and
        # what killed exports left is gone before this one needs the room.
        parts = part_paths(output, fmt.extension).values() if split else ()
        outputs = [output, *parts]
        stale = (
            remove_stale([], started, folders=outputs)
            if fmt.folder
            else (remove_stale(outputs, started))
        )
        for removed in stale:
            warn(str(removed))
    _check_format_options(args, scheme)
    options = ExportOptions(
        fmt.name,
        args.only,
        split,
        labels_map,
        utf16=args.offsets == "utf16" or (args.offsets is None and fmt.name == "labelstudio"),
        doccano_shape=args.doccano_shape,
        cats=args.cats,
        as_predictions=args.as_predictions,
    )
    report = _export(settings, names, scheme, output, options, jobs)
    print(report.render(), file=sys.stderr)
    if not report.exported:
        print(_nothing_exported(report, args.only), file=sys.stderr)
        return 1
    if report.dropped and not args.allow_drops:
        print(
            f"cooltui: {report.dropped:,} article{'' if report.dropped == 1 else 's'} left out "
            "of the export because of the problems above; fix them, or pass --allow-drops to "
            "accept the export without them",
            file=sys.stderr,
        )
        return 1
    return 0


_FORMAT_OPTIONS = {
    "offsets": ("--offsets utf16", "utf16", ("doccano", "labelstudio")),
    "doccano_shape": ("--doccano-shape entities", "entities", ("doccano",)),
    "as_predictions": ("--as-predictions", True, ("labelstudio",)),
}
"""An option that only some formats take: its name, the value that asks for it, the formats."""


def _check_format_options(args: argparse.Namespace, scheme: Scheme) -> None:
    """Refuse a format's option given with another format, which would be quietly ignored."""
    from cooltui.errors import UsageError, warn

    for name, (flag, value, formats) in _FORMAT_OPTIONS.items():
        if getattr(args, name) == value and args.format not in formats:
            raise UsageError(f"{flag} is for --format {' or '.join(formats)}; drop it")
    if args.cats is not None:
        if args.format != "spacy":
            raise UsageError("--cats is for --format spacy; drop it")
        group = scheme.group(args.cats)
        if group is None:
            groups = ", ".join(known.name for known in scheme.groups) or "none"
            raise UsageError(
                f"--cats {args.cats!r}: no such document label group in scheme "
                f"{scheme.name!r} (its groups: {groups})"
            )
        if group.multi:
            warn(
                f"--cats {args.cats}: a multi-choice group, which spaCy trains with "
                "textcat_multilabel (its single-label textcat stops at error E895)"
            )


def _nothing_exported(report: Report, only: str) -> str:
    """Why an export wrote nothing, in one line: every article it would take was dropped, or
    there was none to take."""
    if report.dropped:
        what = "done" if only == "done" else "annotated"
        which = (
            f"the one {what} article was"
            if report.dropped == 1
            else f"all {report.dropped:,} {what} articles were"
        )
        return (
            f"cooltui: nothing to export: {which} left out because of the problems above; "
            "fix them and export again"
        )
    if only == "all":
        return "cooltui: nothing to export"
    return "cooltui: nothing to export (no article is marked done; see --only all)"


@contextmanager
def _progress_bar(total: int) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on stderr, told how many records are done, when stderr is a terminal and
    the export is long; None otherwise."""
    if total < PROGRESS_MIN or not sys.stderr.isatty():
        yield None
        return
    # rich's console is imported only here: a headless export to a pipe never loads it.
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    columns = ("exporting", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("export", total=total)
        yield lambda done: progress.update(task, completed=done)


def _counted(items: Iterable[_T], tell: Callable[[int], None] | None) -> Iterable[_T]:
    """`items` as they are, telling `tell` every 500 how many have passed."""
    if tell is None:
        return items
    return _counting(items, tell)


def _counting(items: Iterable[_T], tell: Callable[[int], None]) -> Iterator[_T]:
    for count, item in enumerate(items, 1):
        yield item
        if count % 500 == 0:
            tell(count)


def _export(
    settings: Settings,
    names: list[str],
    scheme: Scheme,
    output: Path | BinaryIO,
    options: ExportOptions,
    jobs: int,
) -> Report:
    """Open the stores and the corpus, and export: in worker processes when that pays."""
    from contextlib import ExitStack
    from pathlib import Path

    from cooltui.export import export
    from cooltui.export.parallel import can_split, export_in_parts
    from cooltui.store import Store

    with ExitStack() as stack:
        stores = [
            stack.enter_context(Store.open(settings.store_dir, name, read_only=True))
            for name in names
        ]
        corpus = settings.load_corpus()
        total = sum(len(store) for store in stores)
        bar = stack.enter_context(_progress_bar(total))
        if can_split(options.format, output, total, jobs):
            assert isinstance(output, Path)
            return export_in_parts(stores, corpus, scheme, output, options, jobs, progress=bar)
        # Store order: a store reads its records fastest shard by shard.
        records = ((store.annotator, a) for store in stores for a in store)
        return export(_counted(records, bar), corpus, scheme, output, options)
