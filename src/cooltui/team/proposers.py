"""Who proposed a span in a review, as its source says: light enough for the app's launch."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

PROPOSED = "review:"
"""The source of a span some annotators made: "review:alice+bob"."""
AGREED = "agreed:"
"""The source of a span every annotator made, taken at once: "agreed:alice+bob"."""


def letters(names: Sequence[str]) -> dict[str, str]:
    """One letter per annotator, to tell them apart without colour: each one's first letter
    when those differ, else a, b, c..."""
    firsts = [name[:1].lower() for name in names]
    if len(set(firsts)) == len(names) and all(first.isalnum() for first in firsts):
        return dict(zip(names, firsts, strict=True))
    return {name: chr(ord("a") + index) for index, name in enumerate(names)}


def proposers(source: str) -> tuple[str, ...]:
    """Who made a span offered or taken in a review, from its source; () for any other."""
    for prefix in (PROPOSED, AGREED):
        if source.startswith(prefix):
            return tuple(source[len(prefix) :].split("+"))
    return ()


def source_of(prefix: str, names: Iterable[str]) -> str:
    return prefix + "+".join(names)
