"""What git is told about an annotator's folder: which files are this machine's alone, and how
the shared ones merge.

Shared (committed): the manifest, the shard files, conflicts.jsonl (records `cooltui sync` set
aside) and these two files. Local: the lock, the .bak copies, the undo journal (its numbers are
this machine's), temporary files, damaged files moved aside, a migrated schema 0 file.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from cooltui.store.files import atomic_write
from cooltui.store.layout import CONFLICTS, GITATTRIBUTES, GITIGNORE, HISTORY, LOCK, LOCK_INFO

LOCAL_PATTERNS = (
    f"/{LOCK}",
    f"/{LOCK_INFO}",
    f"/{HISTORY}",
    "/*.bak",
    "/.*.tmp",
    "/*.corrupt-*",
    "/*.v0",
)
"""The .gitignore lines: what git leaves out of an annotator's folder."""

MERGE_RULES = (
    "/shard-*.json -merge",
    f"/{CONFLICTS} merge=union",
)
"""The .gitattributes lines. A shard that two machines changed is never merged line by line
(the result could hold an article twice, or records under ids another cooltui did not give
them): git marks it as a conflict, which `cooltui sync` settles record by record. The records
set aside keep every line of both sides."""

_HEADER = "# Written by cooltui (lines you add are kept)."


def _with_lines(path: Path, lines: tuple[str, ...]) -> bytes | None:
    """The file at `path` with every one of `lines` in it, or None if it has them all already;
    the lines someone added are kept."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ("\n".join([_HEADER, *lines]) + "\n").encode()
    present = set(text.splitlines())
    missing = [line for line in lines if line not in present]
    if not missing:
        return None
    start = text if not text or text.endswith("\n") else text + "\n"
    return (start + "\n".join(missing) + "\n").encode()


def write_git_files(folder: Path) -> None:
    """Write .gitignore and .gitattributes in an annotator's folder where they lack a line.

    Not needed to annotate: a folder that refuses them (odd permissions, a bad encoding) is
    left as it is.
    """
    for name, lines in ((GITIGNORE, LOCAL_PATTERNS), (GITATTRIBUTES, MERGE_RULES)):
        with contextlib.suppress(OSError, UnicodeDecodeError):
            data = _with_lines(folder / name, lines)
            if data is not None:
                atomic_write(folder / name, data)
