"""Stores made for tests through the real Store API."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from cooltui.model import Annotation
from cooltui.store import Store


def make_store(folder: Path, name: str, annotations: Iterable[Annotation]) -> None:
    """`name`'s store in `folder`, holding `annotations` (saved in order, then closed)."""
    with Store.open(folder, name) as store:
        for annotation in annotations:
            store.save(annotation)
