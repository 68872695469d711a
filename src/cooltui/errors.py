"""The errors a user can cause and fix: each carries a one-line message that says what to do."""

from __future__ import annotations

import sys
from pathlib import Path


class CoolError(Exception):
    """An error shown to the user as one line, never as a traceback."""

    exit_code = 1


class UsageError(CoolError):
    """A wrong flag or argument on the command line."""

    exit_code = 2


def warn(message: str) -> None:
    """`message` on stderr as one line, "cooltui: " first. Messages name files, ids and paths as
    they were given, which may hold line breaks or escape sequences that would drive the
    terminal: they are shown cleaned."""
    from cooltui.text import printable  # here: compiling its patterns costs start-up time

    print(f"cooltui: {printable(message)}", file=sys.stderr)


def read_user_file(path: Path, error: type[CoolError], what: str, fix: str) -> bytes:
    """The bytes of a file the user named, or `error` naming it and saying what to do.

    `what` is what the file should be ("scheme file"); `fix` what to do instead
    ("check the --scheme path").
    """
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise error(f"{path}: no such {what}; {fix}") from None
    except IsADirectoryError:
        raise error(f"{path}: is a folder, not a {what}; {fix}") from None
    except OSError as problem:
        raise error(f"{path}: cannot read the {what} ({problem.strerror or problem})") from None
