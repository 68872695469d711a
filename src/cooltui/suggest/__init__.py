"""Rule-based pre-annotation: spans and document labels suggested for an article.

    suggester = Suggester(scheme, patterns=[Path("my.jsonl")])
    found = suggester.suggest(article.text, tokens, existing=annotation.spans,
                              rejected=annotation.rejected,
                              dateline=Dateline(article.outlet, article.place))
    found.spans   # Span(..., source="rule:RANK"), sorted, never overlapping
    found.themes  # ThemeSuggestion("themes", "KAMTIBMAS", ("kamtibmas", "kondusif"))

Headless: never imports textual or rich.
"""

from cooltui.suggest.core import Dateline, Suggester, Suggestions
from cooltui.suggest.output import SuggestionWriter, Written, write_suggestions
from cooltui.suggest.patterns import PatternError
from cooltui.suggest.themes import ThemeSuggestion

__all__ = [
    "Dateline",
    "PatternError",
    "Suggester",
    "SuggestionWriter",
    "Suggestions",
    "ThemeSuggestion",
    "Written",
    "write_suggestions",
]
