"""`cooltui sync`: share this annotator's store over git, and take the others'."""

from __future__ import annotations

import argparse

from cooltui.options import settings_from

NAME = "sync"
HELP = (
    "share your annotations over git: commit your folder of the store, pull the others' work "
    "(rebasing onto it) and push; the same annotator on two machines loses nothing"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--remote",
        metavar="NAME",
        help="the git remote to sync with (default: the branch's, else origin)",
    )


def run(args: argparse.Namespace) -> int:
    from cooltui.errors import warn
    from cooltui.team.sync import sync

    settings = settings_from(args)
    report = sync(settings.store_dir, settings.annotator, remote=args.remote)
    for line in report.lines():
        print(line)
    conflicts = report.conflict_message()
    if conflicts:
        warn(conflicts)
    return 0
