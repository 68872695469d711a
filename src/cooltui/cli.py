"""The command line: `cooltui` launches the review app; subcommands run headless.

Commands live one a module in cooltui.commands and import what they need when they run, so that
`cooltui list` or `cooltui export` start fast and never load the UI. The options they share are
in cooltui.options, which the commands import instead of this module.
"""

from __future__ import annotations

import argparse
import os
import sys
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import NoReturn

from cooltui import __version__
from cooltui.errors import CoolError, UsageError, warn
from cooltui.options import add_common_options, settings_from

COMMANDS = ("listing", "export", "store", "suggest")
DEBUG_ENV = "COOLTUI_DEBUG"


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors instead of a usage dump."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message}; see `{self.prog} --help`")


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
        given = sys.argv[1:] if argv is None else argv
        try:
            args = parser.parse_args(given)
        except UsageError as error:
            raise _unknown_option(parser, given) or error from None
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


def _unknown_option(parser: argparse.ArgumentParser, given: list[str]) -> UsageError | None:
    """A misspelt option named as such: argparse would complain about what follows it instead
    (`cooltui --corpsu seeds` said 'seeds' is no command)."""
    known = _option_strings(parser)
    for word in given:
        if word == "--":
            break
        name = word.split("=", 1)[0]
        number = name[1:].replace(".", "", 1).isdigit()  # a value, as in --max-article-mb -1
        # A prefix of a known option is argparse's abbreviation of it, not a misspelling.
        if name.startswith("-") and not number and not any(o.startswith(name) for o in known):
            return UsageError(f"unknown option {name}; see `cooltui --help`")
    return None


def _option_strings(parser: argparse.ArgumentParser) -> set[str]:
    """Every option of the parser and of its commands' parsers. (argparse lists them only in
    its private _actions.)"""
    found: set[str] = set()
    for action in parser._actions:
        found.update(action.option_strings)
        if isinstance(action, argparse._SubParsersAction):
            for command in action.choices.values():
                found |= _option_strings(command)
    return found


def _launch_app(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    from cooltui.tui.app import run

    return run(settings, read_only=args.read_only, patterns=args.patterns or ())


def _debug_traceback() -> None:
    if os.environ.get(DEBUG_ENV):
        import traceback

        traceback.print_exc()
