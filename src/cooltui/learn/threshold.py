"""The score a model's span must reach to be offered beside the rules', chosen on the dev share.

Beside the rules, the model only adds spans where the rules propose none (theirs win where the
two overlap: Suggestions.with_model). Every threshold on a grid is tried on the dev articles,
the rules' suggestions and the model's together scored against what the annotators made; the
one with the best span F1 is kept, the higher of equals. When no threshold does better than
the rules alone, there is none: the model then adds nothing, so that it never makes the
suggestions worse than the rules on the articles it was chosen on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cooltui.learn.scored import Counts, Prediction, scored_spans, span_f1
from cooltui.model import Span
from cooltui.scheme import Scheme
from cooltui.suggest.core import Suggestions, boundaries_of

if TYPE_CHECKING:
    from cooltui.suggest.core import Boundaries

GRID = tuple(round(step * 0.05, 2) for step in range(1, 21))
"""0.05 to 1.0: finer steps would only fit the dev share's few articles more closely."""
MODEL_ALONE = 0.5
"""The model's own suggestions (`cooltui suggest --model`) are those scored this or more."""


@dataclass(frozen=True, slots=True)
class DevText:
    """One dev article: its text, what the annotator made in it, and the rules' suggestions."""

    text: str
    gold: tuple[Span, ...]
    rules: Suggestions


@dataclass(frozen=True, slots=True)
class Choice:
    """The threshold chosen, and the dev share's span counts it was chosen by."""

    threshold: float | None
    rules: Counts
    model: Counts
    both: Counts
    """With the threshold chosen: the rules' figures again when it is None."""

    def to_json(self) -> dict[str, Any]:
        return {
            "threshold": self.threshold,
            "dev_suggestions": {
                "rules": self.rules.to_json(),
                "model": self.model.to_json(),
                "both": self.both.to_json(),
            },
        }


def choose_threshold(
    dev: Sequence[DevText], predictions: Sequence[Prediction], scheme: Scheme, source: str
) -> Choice:
    """The threshold for the model (named `source`) beside the rules, on the dev articles."""
    candidates = [
        scored_spans(prediction, item.text, scheme, source)
        for item, prediction in zip(dev, predictions, strict=True)
    ]
    bounds: list[Boundaries] = [boundaries_of(item.text) for item in dev]
    gold = [item.gold for item in dev]

    def scored(threshold: float | None, alone: bool = False) -> Counts:
        found = [
            (Suggestions((), ()) if alone else item.rules)
            .with_model(source, spans, (), where, threshold)
            .spans
            for item, spans, where in zip(dev, candidates, bounds, strict=True)
        ]
        return span_f1(found, gold)

    rules = span_f1([item.rules.spans for item in dev], gold)
    best, best_counts = None, rules
    for threshold in GRID:
        counts = scored(threshold)
        if counts.f1 > best_counts.f1 or (best is not None and counts.f1 == best_counts.f1):
            best, best_counts = threshold, counts
    return Choice(best, rules, scored(MODEL_ALONE, alone=True), best_counts)
