"""Label maps: our span labels renamed to another scheme's on export (--labels-map).

A map file is a JSON object from each of our labels to the label to export, or "O" to leave the
span out: {"PER": "PER", "MEDIA": "ORG", "RANK": "O"}. Every label of the scheme must be mapped,
so that a label added later is never dropped unnoticed; labels the scheme lacks are ignored, so
one file serves several schemes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import orjson

from cooltui.errors import CoolError, read_user_file
from cooltui.scheme import Scheme, SpanLabel

OUTSIDE = "O"
"""The label that leaves a span out of the export, as in IOB tagging."""

NERGRIT: Mapping[str, str] = {
    "PER": "PER",
    "ORG": "ORG",
    "MEDIA": "ORG",
    "LOC": "LOC",
    "FAC": "FAC",
    "EVENT": "EVT",
    "DATE": "DAT",
    "TIME": "TIM",
    "LAW": "LAW",
    "RANK": OUTSIDE,
    "ROLE": OUTSIDE,
    "TITLE": OUTSIDE,
}
"""The default scheme to the NERGrit corpus's labels (see the domain notes)."""

BUILT_IN: Mapping[str, Mapping[str, str]] = {"nergrit": NERGRIT}

# Like a scheme's label names; no spaces, since CoNLL columns are split on them.
_LABEL = re.compile(r"[A-Za-z][A-Za-z0-9_\-]*\Z")
# An import's map may also name a document label, "group:VALUE".
_LABEL_OR_VALUE = re.compile(r"[A-Za-z][A-Za-z0-9_\-]*(:[A-Za-z0-9_\-]+)?\Z")


class LabelsMapError(CoolError):
    """A labels map that cannot be used; the message names the file and the label."""


@dataclass(frozen=True, slots=True)
class LabelsMap:
    """Our label -> exported label; None for a span left out."""

    name: str
    mapping: Mapping[str, str]

    def __call__(self, label: str) -> str | None:
        target = self.mapping[label]
        return None if target == OUTSIDE else target

    def check(self, scheme: Scheme) -> None:
        """Fail, before anything is written, if a label of the scheme is not mapped."""
        missing = [label.name for label in scheme.labels if label.name not in self.mapping]
        if missing:
            raise LabelsMapError(
                f"{self.name}: no mapping for label{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)} of scheme {scheme.name!r}; map each to a label or to "
                f'"{OUTSIDE}" to leave it out'
            )


def load_labels_map(spec: str, *, values: bool = False) -> LabelsMap:
    """A built-in map by name ("nergrit") or a JSON map file; with `values`, targets may be
    document labels ("group:VALUE") too."""
    if spec in BUILT_IN:
        return LabelsMap(spec, BUILT_IN[spec])
    path = Path(spec)
    fix = f"give a JSON file or a built-in map ({', '.join(BUILT_IN)})"
    raw = read_user_file(path, LabelsMapError, "labels map file", fix)
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise LabelsMapError(f"{path}: not valid JSON ({error})") from None
    if not isinstance(data, dict):
        raise LabelsMapError(f'{path}: must be a JSON object such as {{"PER": "PER", "RANK": "O"}}')
    for ours, theirs in data.items():
        if not isinstance(theirs, str) or not (_LABEL_OR_VALUE if values else _LABEL).match(theirs):
            raise LabelsMapError(
                f"{path}: {ours!r} maps to {theirs!r}; map it to a label name (letters, digits, "
                f'_ and -, no spaces) or to "{OUTSIDE}"'
            )
    return LabelsMap(str(path), data)


def exported_labels(scheme: Scheme, labels_map: LabelsMap | None = None) -> dict[str, SpanLabel]:
    """The span labels an export writes, in the scheme's order, each once: the scheme's, or with
    `labels_map` the labels they are renamed to (those left out gone), each with the first of
    the scheme's labels that maps to it (its colour, for a format that shows one)."""
    found: dict[str, SpanLabel] = {}
    for label in scheme.labels:
        name = labels_map(label.name) if labels_map is not None else label.name
        if name is not None and name not in found:
            found[name] = label
    return found
