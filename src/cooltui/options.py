"""The options every command takes, and the settings they resolve to.

Below both cooltui.cli and cooltui.commands: the command line loads the commands by name, and
the commands take their shared options from here, never from the command line.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cooltui.settings import Settings


def add_common_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """The options every command takes, before or after the command's name."""
    # After the command, an option not given must not undo the same option given before it.
    default = None if top else argparse.SUPPRESS
    group = parser.add_argument_group("common options")
    group.add_argument(
        "--corpus",
        action="append",
        type=Path,
        metavar="PATH",
        default=default,
        help="article files or folders (.txt, .md, .jsonl); repeatable; default: the seeds",
    )
    group.add_argument(
        "--store",
        type=Path,
        metavar="DIR",
        default=default,
        help="where the annotation stores are (default: ./annotations)",
    )
    group.add_argument(
        "--annotator",
        metavar="NAME",
        default=default,
        help="whose annotations (default: $COOLTUI_ANNOTATOR, else your login name)",
    )
    group.add_argument(
        "--scheme", type=Path, metavar="FILE", default=default, help="a label scheme TOML file"
    )
    group.add_argument(
        "--max-article-mb",
        type=float,
        metavar="MB",
        default=default,
        help="skip articles larger than this (default: 5)",
    )


def settings_from(args: argparse.Namespace) -> Settings:
    # Imported here: `cooltui --help` and `--version` never need the settings.
    from cooltui.settings import Settings

    return Settings.resolve(
        corpus=args.corpus,
        store=args.store,
        annotator=args.annotator,
        scheme=args.scheme,
        max_article_mb=args.max_article_mb,
    )
