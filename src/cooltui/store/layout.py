"""What every part of the store shares: the names of an annotator's folder and of its files, and
the errors the store raises (those about a damaged file name it and the recover command)."""

from __future__ import annotations

import re
from pathlib import Path

from cooltui.errors import CoolError

MANIFEST = "manifest.json"
HISTORY = "history.jsonl"
LOCK = "lock"
LOCK_INFO = "lock.info"
V0_FILE = "annotations.json"
"""Schema 0 (before the manifest): one stock TinyDB file, records in its _default table."""
GITIGNORE = ".gitignore"
GITATTRIBUTES = ".gitattributes"
PROJECT_FILE = "project.json"
"""In the store folder, beside the annotators' stores: who codes which article (cooltui assign,
cooltui.team.project)."""
CONFLICTS = "conflicts.jsonl"
"""Records `cooltui sync` set aside: an article edited on two machines keeps the later record,
and the other is kept here (see cooltui.team.sync)."""

READ_ONLY_FLAG = "--read-only"
RECOVER_COMMAND = "cooltui store recover"

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


class StoreError(CoolError):
    """The store cannot do what was asked; the message says why and what to do."""


class StoreNotWritable(StoreError):
    """This cooltui cannot write the store; `reason` says why, for a read-only open to show."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"{reason}; open it read-only with {READ_ONLY_FLAG}")
        self.reason = reason


class StoreLocked(StoreNotWritable):
    """Another cooltui is writing this annotator's store; `holder` says which (pid, host)."""

    def __init__(self, folder: Path, holder: str) -> None:
        super().__init__(f"{folder} is open in another cooltui ({holder})")
        self.folder = folder
        self.holder = holder


class StoreCorrupt(StoreError):
    """A store file cannot be read; nothing is written until the user runs the recover command."""

    def __init__(self, message: str, paths: tuple[Path, ...], detail: str = "") -> None:
        super().__init__(message)
        self.paths = paths
        self.detail = detail


class ReadOnlyStore(StoreError):
    """A write to a store opened read-only."""


def check_annotator(name: str) -> str:
    """`name` if it is a safe folder name for an annotator's store, else a StoreError."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise StoreError(
            f"annotator name {name!r} must be 1-64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return name


def _recover_hint(folder: Path) -> str:
    store_dir = folder.parent
    where = "" if store_dir == Path("annotations") else f" --store {store_dir}"
    return f"`{RECOVER_COMMAND} {folder.name}{where}`"


def _corrupt(folder: Path, problems: list[tuple[Path, str]]) -> StoreCorrupt:
    path, detail = problems[0]
    more = f" (and {len(problems) - 1} more damaged file(s))" if len(problems) > 1 else ""
    return StoreCorrupt(
        f"{path} is damaged ({detail}){more}; cooltui changed nothing and will not write to "
        f"this store. Run {_recover_hint(folder)} to move the damaged file aside and restore "
        "its last good copy",
        tuple(p for p, _ in problems),
        detail,
    )


def _unreadable(folder: Path, error: OSError) -> StoreError:
    """A store file this user may not read: a permission to fix, not damage to recover."""
    return StoreError(
        f"cannot read {error.filename or folder} ({error.strerror}); the file is not damaged "
        "and nothing was changed: give your user access to the store's files (e.g. chmod u+rw) "
        "and try again"
    )
