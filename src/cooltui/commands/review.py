"""`cooltui review`: adjudicate two or more annotators' work into a gold store, in the app."""

from __future__ import annotations

import argparse

from cooltui.options import settings_from

NAME = "review"
HELP = (
    "adjudicate: open the app on the articles two or more annotators finished, most "
    "disagreements first, and make a gold store from their spans and labels"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--annotators",
        required=True,
        metavar="A,B,...",
        help="whose work to review: two or more annotators' names, comma-separated",
    )
    parser.add_argument(
        "--as",
        dest="gold",
        default="gold",
        metavar="NAME",
        help="the store the review makes (default: gold); `cooltui export --annotator gold` "
        "exports it",
    )
    parser.add_argument(
        "--no-agreed",
        action="store_true",
        help="do not take what every annotator made at once: review it too",
    )


def run(args: argparse.Namespace) -> int:
    from dataclasses import replace
    from functools import partial

    from cooltui.errors import UsageError
    from cooltui.store import StoreError, check_annotator
    from cooltui.team.review import Review, ReviewSession
    from cooltui.tui.app import run as run_app

    names = [name.strip() for name in args.annotators.split(",") if name.strip()]
    try:
        check_annotator(args.gold)
    except StoreError as error:
        raise UsageError(f"--as: {error}") from None
    settings = replace(settings_from(args), annotator=args.gold)
    corpus = settings.load_corpus()
    review = Review.open(settings.store_dir, names, corpus, args.gold)
    return run_app(
        settings,
        corpus=review.corpus(corpus),
        make_session=partial(ReviewSession, review=review, take_agreed=not args.no_agreed),
    )
