"""`cooltui store recover NAME`: set a damaged annotation store right, keeping every bad file."""

from __future__ import annotations

import argparse

from cooltui.options import add_common_options, settings_from

NAME = "store"
HELP = "look after an annotator's store: `recover` restores the last good copy of damaged files"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="store_action", metavar="ACTION", required=True)
    recover = actions.add_parser(
        "recover",
        help="move damaged files aside (never deleted) and restore their last good copies",
    )
    recover.add_argument("name", metavar="ANNOTATOR", help="whose store to recover")
    add_common_options(recover, top=False)


def run(args: argparse.Namespace) -> int:
    from cooltui.store import recover

    settings = settings_from(args)
    for line in recover(settings.store_dir, args.name):
        print(line)
    return 0
