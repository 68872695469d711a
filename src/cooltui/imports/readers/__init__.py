"""One reader module per format: `read(path)` yields SourceRecords, `claims(path, head)` says
whether a file looks like the format. Modules are imported when their format is asked for."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

from cooltui.imports.source import SourceError

FORMATS = {
    "jsonl": "cooltui_jsonl",
    "doccano": "doccano",
    "prodigy": "prodigy",
    "labelstudio": "labelstudio",
    "spacy": "spacy",
    "conll": "conll",
    "brat": "brat",
}
"""The --format names, and their modules."""

DETECTION_ORDER = ("jsonl", "prodigy", "labelstudio", "doccano", "spacy", "brat", "conll")
"""--format auto asks each in turn: the formats with the most telling shapes first."""

HEAD_BYTES = 64 * 1024


def module(name: str) -> ModuleType:
    return importlib.import_module(f"cooltui.imports.readers.{FORMATS[name]}")


def detect(path: Path) -> str:
    """The format of `path`, told by its extension and shape, or SourceError saying to name it."""
    head = b""
    if path.is_file():
        with path.open("rb") as file:
            head = file.read(HEAD_BYTES)
    for name in DETECTION_ORDER:
        if module(name).claims(path, head):
            return name
    raise SourceError(
        f"{path}: cannot tell its format; name it with --format ({'|'.join(FORMATS)})"
    )
