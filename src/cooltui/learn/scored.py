"""A model's raw predictions for one text, read as scored suggestions under a scheme.

What cooltui.learn.predict gets out of spaCy (and the model worker sends to the app) is plain
data: (start, end, label, score) candidates, which may overlap, and a score per "group:VALUE".
This turns them into the suggester's terms without importing spaCy, so that the app can do it
in its own process; Suggestions.with_model then decides which of them are offered.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cooltui.model import Span

if TYPE_CHECKING:
    from cooltui.scheme import Scheme
    from cooltui.suggest.core import ScoredSpan, ScoredTheme

CATS_THRESHOLD = 0.5
"""A document value the model scores at least this high is suggested."""

Candidate = tuple[int, int, str, float]
"""A span a model found: start, end (offsets into the text), label, score from 0 to 1."""


@dataclass(frozen=True, slots=True)
class Prediction:
    """A model's raw output for one text."""

    spans: tuple[Candidate, ...]
    cats: Mapping[str, float]

    def to_json(self) -> dict[str, Any]:
        return {"spans": [list(span) for span in self.spans], "cats": dict(self.cats)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Prediction:
        """Raises ValueError (or KeyError, TypeError) for data this never wrote."""
        spans = tuple(
            (int(start), int(end), str(label), float(score))
            for start, end, label, score in data["spans"]
        )
        return cls(spans, {str(name): float(score) for name, score in data["cats"].items()})


def scored_spans(
    prediction: Prediction, text: str, scheme: Scheme, source: str
) -> list[ScoredSpan]:
    """The candidates of the scheme's labels that lie inside `text` and within one line, as
    spans from `source`. An undertrained model (a training cut short by a busy machine) can
    run an entity on over hundreds of words, with a high score all the same; what annotators
    mark never crosses a line."""
    labels = scheme.label_names
    return [
        (Span(start, end, label, covered, source), score)
        for start, end, label, score in prediction.spans
        if label in labels
        and 0 <= start < end <= len(text)
        and "\n" not in (covered := text[start:end])
    ]


def scored_themes(prediction: Prediction, scheme: Scheme) -> list[ScoredTheme]:
    """The document values scored CATS_THRESHOLD or more: in a single-choice group, its best
    value only."""
    from cooltui.suggest.themes import ThemeSuggestion  # the app imports this module at start

    best: dict[str, tuple[float, str]] = {}
    chosen: list[ScoredTheme] = []
    for name, score in prediction.cats.items():
        group_name, _, value = name.partition(":")
        group = scheme.group(group_name)
        if group is None or group.value(value) is None or score < CATS_THRESHOLD:
            continue
        if group.multi:
            chosen.append((ThemeSuggestion(group_name, value, ()), score))
        elif score > best.get(group_name, (0.0, ""))[0]:
            best[group_name] = (score, value)
    chosen += [(ThemeSuggestion(g, value, ()), score) for g, (score, value) in best.items()]
    return chosen


def span_f1(found: Iterable[Sequence[Span]], gold: Iterable[Sequence[Span]]) -> Counts:
    """Exact-match counts (same start, end and label) of `found` against `gold`, text by text."""
    counts = Counts()
    for spans, truth in zip(found, gold, strict=True):
        keys, true_keys = {s.key for s in spans}, {s.key for s in truth}
        counts = counts.add(len(keys & true_keys), len(keys - true_keys), len(true_keys - keys))
    return counts


@dataclass(frozen=True, slots=True)
class Counts:
    """True positives, false positives and false negatives, and the figures they give."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, tp: int, fp: int, fn: int) -> Counts:
        return Counts(self.tp + tp, self.fp + fp, self.fn + fn)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn) if self.tp else 0.0

    def to_json(self) -> dict[str, float | int]:
        return {
            "p": round(self.precision, 4),
            "r": round(self.recall, 4),
            "f": round(self.f1, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }
