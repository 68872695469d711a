"""One article as two or more annotators left it: what they agree on and where they differ.

The unit of a disagreement is what an adjudicator decides in one step: a span (start, end,
label) that some annotators made and others did not, or a document label value that some chose
and others did not. What all of them made is agreed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cooltui.model import Annotation, Span


@dataclass(frozen=True, slots=True)
class Proposed:
    """A span, or a (group, value) choice, and the annotators who made it (in the order the
    annotators were given)."""

    item: Span | tuple[str, str]
    by: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Comparison:
    """One article across annotators."""

    article_id: str
    annotators: tuple[str, ...]
    agreed_spans: tuple[Span, ...]
    agreed_values: tuple[tuple[str, str], ...]
    split_spans: tuple[Proposed, ...]
    """Spans some annotators made and the others did not, in text order."""
    split_values: tuple[Proposed, ...]
    """(group, value) choices some made and the others did not, in scheme order as given."""

    @property
    def disagreements(self) -> int:
        return len(self.split_spans) + len(self.split_values)


def compare(article_id: str, annotations: Mapping[str, Annotation]) -> Comparison:
    """Compare the annotations of one article, keyed by annotator (their order is kept)."""
    names = tuple(annotations)
    span_by: dict[tuple[int, int, str], list[str]] = {}
    spans: dict[tuple[int, int, str], Span] = {}
    value_by: dict[tuple[str, str], list[str]] = {}
    for name, annotation in annotations.items():
        for span in annotation.spans:
            if name not in span_by.setdefault(span.key, []):
                span_by[span.key].append(name)
                spans.setdefault(span.key, span)
        for group, values in annotation.doc_labels.items():
            for value in values:
                holders = value_by.setdefault((group, value), [])
                if name not in holders:
                    holders.append(name)
    everyone = len(names)
    agreed_spans = tuple(spans[key] for key in sorted(span_by) if len(span_by[key]) == everyone)
    split_spans = tuple(
        Proposed(spans[key], tuple(span_by[key]))
        for key in sorted(span_by)
        if len(span_by[key]) < everyone
    )
    agreed_values = tuple(pair for pair, by in value_by.items() if len(by) == everyone)
    split_values = tuple(
        Proposed(pair, tuple(by)) for pair, by in value_by.items() if len(by) < everyone
    )
    return Comparison(article_id, names, agreed_spans, agreed_values, split_spans, split_values)
