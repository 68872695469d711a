"""A model `cooltui train` made, as a suggester: what `cooltui suggest --model` writes.

It stands where the rules' Suggester stands (a `scheme` and `suggest(text, ...)`), so the same
writer makes the same lines: spans with their source ("model:<name>"), and the document labels
the model gives 0.5 or more (a single-choice group: its best value only). Those lines are what
`cooltui import --as-suggestions` takes, for the app to offer them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cooltui.learn.train import BEST, TrainError, require_spacy
from cooltui.model import SPAN_ORDER, Span
from cooltui.scheme import Scheme
from cooltui.suggest.core import Suggestions
from cooltui.suggest.themes import ThemeSuggestion

if TYPE_CHECKING:
    from cooltui.suggest.core import Dateline
    from cooltui.text import TokenIndex

THRESHOLD = 0.5
"""A document label the model scores at least this high is suggested."""
SPANS_KEY = "sc"
"""Where a spancat model puts its spans (cooltui.learn.train trains it so)."""


class ModelSuggester:
    """The model in `folder` (a `cooltui train` folder or its model-best), as a suggester."""

    def __init__(self, scheme: Scheme, folder: Path) -> None:
        require_spacy()
        import spacy

        path = folder / BEST if (folder / BEST).is_dir() else folder
        if not (path / "config.cfg").is_file():
            raise TrainError(
                f"{folder}: no model there; `cooltui train` makes one (in <store>/models/NAME), "
                "or give its folder with --model"
            )
        try:
            self.nlp = spacy.load(path)
        except (OSError, ValueError) as error:
            raise TrainError(f"{path}: cannot load the model ({error})") from None
        self.scheme = scheme
        self.source = f"model:{folder.name if folder.name != BEST else folder.parent.name}"
        self._labels = scheme.label_names
        self._groups = {group.name: group for group in scheme.groups}

    def suggest(
        self,
        text: str,
        tokens: TokenIndex | None = None,
        *,
        existing: Sequence[Span] = (),
        rejected: Sequence[Span] = (),
        dateline: Dateline | None = None,
    ) -> Suggestions:
        doc = self.nlp(text)
        found = list(doc.ents) + list(doc.spans.get(SPANS_KEY, ()))
        spans = {
            (s.start_char, s.end_char, s.label_): Span(
                s.start_char, s.end_char, s.label_, text[s.start_char : s.end_char], self.source
            )
            for s in found
            if s.label_ in self._labels and s.end_char > s.start_char
        }
        return Suggestions(tuple(sorted(spans.values(), key=SPAN_ORDER)), self._themes(doc.cats))

    def _themes(self, cats: dict[str, Any]) -> tuple[ThemeSuggestion, ...]:
        best: dict[str, tuple[float, str]] = {}
        chosen: list[ThemeSuggestion] = []
        for name, score in cats.items():
            group_name, _, value = name.partition(":")
            group = self._groups.get(group_name)
            if group is None or group.value(value) is None or score < THRESHOLD:
                continue
            if group.multi:
                chosen.append(ThemeSuggestion(group_name, value, ()))
            elif score > best.get(group_name, (0.0, ""))[0]:
                best[group_name] = (score, value)
        chosen += [ThemeSuggestion(group, value, ()) for group, (_, value) in best.items()]
        return tuple(chosen)
