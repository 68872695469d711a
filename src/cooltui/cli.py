"""The command line: `cooltui` launches the review app; subcommands run headless.

Commands live one a module in cooltui.commands and import what they need when they run, so that
`cooltui list` or `cooltui export` start fast and never load the UI.
"""

from __future__ import annotations

import argparse
import os
import sys
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, NoReturn

from cooltui import __version__
from cooltui.errors import CoolError, UsageError, warn

if TYPE_CHECKING:
    from cooltui.settings import Settings

COMMANDS = ("listing", "export", "store", "suggest")
DEBUG_ENV = "COOLTUI_DEBUG"


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors instead of a usage dump."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message}; see `{self.prog} --help`")


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


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, ModuleType]]:
    parser = _Parser(
        prog="cooltui",
        description="Read and annotate a corpus of news articles in the terminal.",
        epilog="Run `cooltui COMMAND --help` for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"cooltui {__version__}")
    parser.add_argument(
        "--read-only",
        action="store_true",
        help="open the annotator's store without changing it (also when it is in use elsewhere)",
    )
    parser.add_argument(
        "--patterns",
        action="append",
        type=Path,
        metavar="FILE",
        help="more suggestion rules: a patterns file in Prodigy's JSONL format; repeatable",
    )
    add_common_options(parser, top=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    modules: dict[str, ModuleType] = {}
    for module_name in COMMANDS:
        module = import_module(f"cooltui.commands.{module_name}")
        sub = commands.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        module.add_arguments(sub)
        add_common_options(sub, top=False)
        modules[module.NAME] = module
    return parser, modules


def main(argv: list[str] | None = None) -> int:
    try:
        parser, modules = build_parser()
        args = parser.parse_args(argv)
        if args.command is None:
            return _launch_app(args)
        return modules[args.command].run(args)
    except CoolError as error:
        _debug_traceback()
        warn(str(error))
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader of our output went away (`cooltui list | head`): not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as error:
        _debug_traceback()
        warn(
            f"internal error: {type(error).__name__}: {error} "
            f"(set {DEBUG_ENV}=1 to see the traceback, and please report it)"
        )
        return 70


def settings_from(args: argparse.Namespace) -> Settings:
    from cooltui.settings import Settings

    return Settings.resolve(
        corpus=args.corpus,
        store=args.store,
        annotator=args.annotator,
        scheme=args.scheme,
        max_article_mb=args.max_article_mb,
    )


def _launch_app(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    from cooltui.tui.app import run

    return run(settings, read_only=args.read_only, patterns=args.patterns or ())


def _debug_traceback() -> None:
    if os.environ.get(DEBUG_ENV):
        import traceback

        traceback.print_exc()
