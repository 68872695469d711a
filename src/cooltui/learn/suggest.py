"""A model `cooltui train` made, as a suggester: what `cooltui suggest --model` writes.

It stands where the rules' Suggester stands (a `scheme` and `suggest(text, ...)`), so the same
writer makes the same lines: spans with their source ("model:<name>"), and the document labels
the model gives 0.5 or more (a single-choice group: its best value only). Those lines are what
`cooltui import --as-suggestions` takes, for the app to offer them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cooltui.learn.layout import BEST
from cooltui.learn.predict import load_model, predict
from cooltui.learn.scored import scored_spans, scored_themes
from cooltui.learn.threshold import MODEL_ALONE
from cooltui.model import MODEL_SOURCE, Span
from cooltui.scheme import Scheme
from cooltui.suggest.core import Suggestions, boundaries_of

if TYPE_CHECKING:
    from cooltui.suggest.core import Dateline
    from cooltui.text import TokenIndex


def model_source(folder: Path) -> str:
    """The source that names a model's suggestions: "model:<the folder's name>"."""
    return f"{MODEL_SOURCE}{folder.name if folder.name != BEST else folder.parent.name}"


class ModelSuggester:
    """The model in `folder` (a `cooltui train` folder or its model-best), as a suggester."""

    def __init__(self, scheme: Scheme, folder: Path) -> None:
        self.nlp = load_model(folder)
        self.scheme = scheme
        self.source = model_source(folder)

    def suggest(
        self,
        text: str,
        tokens: TokenIndex | None = None,
        *,
        existing: Sequence[Span] = (),
        rejected: Sequence[Span] = (),
        dateline: Dateline | None = None,
    ) -> Suggestions:
        """The spans scored MODEL_ALONE or more (ones most of its likely parses hold), the
        surest of overlapping ones, on token boundaries, and the document values."""
        prediction = next(predict(self.nlp, [text]))
        return Suggestions((), ()).with_model(
            self.source,
            scored_spans(prediction, text, self.scheme, self.source),
            scored_themes(prediction, self.scheme),
            tokens if tokens is not None else boundaries_of(text),
            MODEL_ALONE,
        )
