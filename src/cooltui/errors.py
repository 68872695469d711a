"""The errors a user can cause and fix: each carries a one-line message that says what to do."""


class CoolError(Exception):
    """An error shown to the user as one line, never as a traceback."""

    exit_code = 1


class UsageError(CoolError):
    """A wrong flag or argument on the command line."""

    exit_code = 2
