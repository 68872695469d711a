"""The command line: `cooltui` launches the review app; subcommands run headless.

Commands live one a module in cooltui.commands and import what they need when they run, so that
`cooltui list` or `cooltui export` start fast and never load the UI; launching the app imports
none of them. The options they share are in cooltui.options, which the commands import instead
of this module.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import NoReturn

from cooltui import __version__
from cooltui.errors import CoolError, UsageError, warn
from cooltui.options import add_common_options, settings_from

COMMANDS = {
    "list": "listing",
    "export": "export",
    "import": "imports",
    "train": "train",
    "check": "check",
    "sync": "sync",
    "assign": "assign",
    "agree": "agree",
    "store": "store",
    "suggest": "suggest",
    "review": "review",
}
"""Each command's name, and its module in cooltui.commands."""
DEBUG_ENV = "COOLTUI_DEBUG"


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors instead of a usage dump."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message}; see `{self.prog} --help`")


def build_parser(
    *, with_commands: bool = True
) -> tuple[argparse.ArgumentParser, dict[str, ModuleType]]:
    """The command line's parser, and each command's module by its name. Without
    `with_commands`, no command module is imported and the commands have no parser: enough for
    a command line that names none and asks for no help (the app's launch)."""
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
    parser.add_argument(
        "--retrain-every",
        type=_count,
        metavar="N",
        help="retrain your model (needs the spacy extra) in the background every N articles "
        "you mark done, its suggestions joining the rules'; 0: never (default: 10 when spaCy "
        "is installed)",
    )
    add_common_options(parser, top=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    modules: dict[str, ModuleType] = {}
    for name, module_name in COMMANDS.items() if with_commands else ():
        module = import_module(f"cooltui.commands.{module_name}")
        sub = commands.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(sub)
        add_common_options(sub, top=False)
        modules[name] = module
    return parser, modules


def _count(given: str) -> int:
    try:
        number = int(given)
    except ValueError:
        number = -1
    if number < 0:
        raise argparse.ArgumentTypeError(f"{given!r} is not a number of articles (0 or more)")
    return number


def main(argv: list[str] | None = None) -> int:
    try:
        given = sys.argv[1:] if argv is None else argv
        args, modules = _parse(given)
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


def _parse(given: list[str]) -> tuple[argparse.Namespace, dict[str, ModuleType]]:
    """The command line parsed, and the commands' modules. The app's launch (no command named,
    no help asked) imports none of them; a command line that is refused is parsed again by the
    whole parser, which knows every command's options, to say what is wrong as it always did."""
    if not _may_name_a_command(given):
        parser, modules = build_parser(with_commands=False)
        with contextlib.suppress(UsageError):
            return parser.parse_args(given), modules
    parser, modules = build_parser()
    try:
        return parser.parse_args(given), modules
    except UsageError as error:
        raise _unknown_option(parser, given) or error from None


def _may_name_a_command(given: list[str]) -> bool:
    """Whether a word is a command's name (maybe an option's value, as in `--corpus export`:
    then the commands are imported for nothing), or may be -h or --help, however abbreviated."""
    return any(word in COMMANDS or word.startswith(("-h", "--h")) for word in given)


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
    # The start makes hundreds of thousands of objects that live as long as the app (modules,
    # classes, the corpus's articles) and next to no garbage, and the app runs the collector
    # itself once it is up (cooltui.tui.app): the collector's passes over all that while it is
    # made are skipped.
    enabled = gc.isenabled()
    gc.disable()
    try:
        settings = settings_from(args)
        from cooltui.tui.app import run

        return run(
            settings,
            read_only=args.read_only,
            patterns=args.patterns or (),
            retrain_every=args.retrain_every,
        )
    finally:
        if enabled:
            gc.enable()


def _debug_traceback() -> None:
    if os.environ.get(DEBUG_ENV):
        import traceback

        traceback.print_exc()
