"""`cooltui train`: a spaCy pipeline trained on the done articles, kept in the store folder."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from cooltui.options import settings_from

if TYPE_CHECKING:
    from pathlib import Path

    from cooltui.learn.train import Progress, Trained

NAME = "train"
HELP = (
    "train a spaCy model (needs the spacy extra) on the done articles, scored on a held-out "
    "dev share, and keep the best one in <store>/models/"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--annotators",
        metavar="NAME,...",
        help="train on these annotators' stores, comma-separated (default: --annotator's)",
    )
    parser.add_argument(
        "--labels",
        metavar="LABEL,...",
        help="learn only these span labels, comma-separated (default: every label of the scheme)",
    )
    parser.add_argument(
        "--minutes",
        type=float,
        default=5.0,
        metavar="N",
        help="the time budget: stop when it runs out and keep the best model so far (5)",
    )
    parser.add_argument(
        "--seed", type=int, default=0, metavar="N", help="another seed, another dev share (0)"
    )
    parser.add_argument(
        "--epochs",
        type=int,
        metavar="N",
        help="stop after N epochs at most (default: when the time runs out, or after 15 "
        "epochs without a better dev score)",
    )


def run(args: argparse.Namespace) -> int:
    from contextlib import ExitStack

    from cooltui.errors import UsageError
    from cooltui.learn.layout import model_folder
    from cooltui.learn.train import TrainOptions, require_spacy, train_model
    from cooltui.store import Store

    if not args.minutes > 0:
        raise UsageError("--minutes must be more than 0")
    if args.epochs is not None and args.epochs < 1:
        raise UsageError("--epochs must be 1 or more")
    require_spacy()  # before the corpus is read: a missing spaCy is known at once
    settings = settings_from(args)
    names = _annotators(args.annotators, settings.annotator, settings.store_dir)
    labels = _split(args.labels, "--labels") if args.labels is not None else None
    options = TrainOptions(args.minutes, args.seed, labels, args.epochs)
    scheme = settings.load_scheme()
    target = model_folder(settings.store_dir, names)
    with ExitStack() as stack:
        stores = [
            stack.enter_context(Store.open(settings.store_dir, name, read_only=True))
            for name in names
        ]
        corpus = settings.load_corpus()
        records = ((store.annotator, a) for store in stores for a in store)
        bar = stack.enter_context(_progress_bar(args.minutes * 60))
        trained = train_model(records, corpus, scheme, target, names, options, bar)
    print(_report(trained, names), file=sys.stderr)
    return 0


def _split(given: str, option: str) -> tuple[str, ...]:
    from cooltui.errors import UsageError

    names = tuple(dict.fromkeys(name.strip() for name in given.split(",") if name.strip()))
    if not names:
        raise UsageError(f"{option} is empty; give one or more names, comma-separated")
    return names


def _annotators(given: str | None, default: str, store_dir: Path) -> list[str]:
    """The annotators named (or --annotator's), each checked to have a store."""
    from cooltui.learn.train import TrainError
    from cooltui.store import annotators

    names = list(_split(given, "--annotators")) if given is not None else [default]
    found = annotators(store_dir)
    missing = [name for name in names if name not in found]
    if missing:
        known = ", ".join(found) or "none"
        raise TrainError(
            f"no annotation store for {', '.join(missing)} in {store_dir} (its stores: {known}); "
            "check --annotators and --store"
        )
    return names


@contextmanager
def _progress_bar(seconds: float) -> Iterator[Progress | None]:
    """A bar on stderr over the time budget, when stderr is a terminal; None otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("training", total=seconds)

        def tell(spent: float, epochs: int, best: float) -> None:
            description = f"training: epoch {epochs}, best dev score {best:.3f}"
            progress.update(task, completed=min(spent, seconds), description=description)

        yield tell


def _report(trained: Trained, names: list[str]) -> str:
    """What was trained, on what, how well: one screen, for stderr."""
    lines = [
        f"trained {', '.join(trained.pipeline)} on {len(trained.train_ids):,} articles of "
        f"{', '.join(names)}, scored on {len(trained.dev_ids):,} held out, in "
        f"{trained.seconds:.0f} s ({trained.epochs} epochs, the best after epoch "
        f"{trained.best_epoch}): {trained.folder}",
        f"dev score {trained.score:.3f} (the mean of span F1 and document labels' macro F1)",
    ]
    totals = trained.totals
    if all(totals.get(key) is not None for key in ("span_p", "span_r", "span_f")):
        lines.append(
            f"spans: precision {totals['span_p']:.2f}, recall {totals['span_r']:.2f}, "
            f"F1 {totals['span_f']:.2f}"
        )
    choice = trained.beside_rules
    if choice is not None:
        rules, model, both = choice.rules, choice.model, choice.both
        lines.append(
            f"suggestions on the dev share, span F1: rules {rules.f1:.2f}, model {model.f1:.2f}, "
            + (
                f"both {both.f1:.2f} with the model's spans scored {choice.threshold:.2f} or more"
                if choice.threshold is not None
                else "both: the model adds nothing beside the rules (no threshold did better)"
            )
        )
    width = max(map(len, trained.scores), default=0)
    lines.append("per label on the dev share (precision, recall, F1):")
    lines.extend(
        f"  {label:<{width}}  {figures['p']:.2f} {figures['r']:.2f} {figures['f']:.2f}"
        for label, figures in trained.scores.items()
    )
    if trained.left_out:
        lines.append(
            f"left out {trained.left_out:,} done article{'' if trained.left_out == 1 else 's'} "
            "with problems: `cooltui export --format spacy` names them"
        )
    return "\n".join(lines)
