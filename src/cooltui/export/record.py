"""What a format writer is given: one article whose annotation passed every check."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, BinaryIO, Protocol

from cooltui.corpus import Article
from cooltui.model import Annotation, Span
from cooltui.scheme import Scheme
from cooltui.text import TokenIndex

DocLabels = Mapping[str, list[str] | str | None]
"""Each group of the scheme: a list for a multi-choice group, a value or None for a single one."""


@dataclass(frozen=True, slots=True)
class Record:
    """A checked article: every span lies in `text` at its offsets, with its exported label."""

    annotator: str
    article: Article
    text: str
    annotation: Annotation
    spans: tuple[Span, ...]
    doc_labels: DocLabels
    tokens: TokenIndex | None
    """The article's tokens, for the formats that label whole tokens."""
    position: int = 0
    """The article's place in the corpus: records are written in corpus order."""


class Writer(Protocol):
    """Writes records in one format to a binary stream.

    A format whose records stand alone as bytes (Format.chunks) writes each as it comes, and the
    export puts them in corpus order; any other keeps them until close and writes them in the
    order of (record.position, record.annotator).
    """

    def write(self, record: Record) -> None: ...

    def close(self) -> None:
        """Write whatever the format keeps until the end; the stream stays open."""


class WriterFactory(Protocol):
    def __call__(self, out: BinaryIO, scheme: Scheme, **options: Any) -> Writer:
        """A writer to `out`; `options` are the fields of ExportOptions its Format names."""
        ...


def categories(doc_labels: DocLabels) -> list[str]:
    """The document labels chosen, as "group:VALUE" (one value name may sit in two groups)."""
    found: list[str] = []
    for group, chosen in doc_labels.items():
        values = chosen if isinstance(chosen, list) else [] if chosen is None else [chosen]
        found.extend(f"{group}:{value}" for value in values)
    return found
