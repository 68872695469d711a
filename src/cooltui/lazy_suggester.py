"""A Suggester made when the first suggestion is asked for, not when the app starts.

Making one imports the built-in rules (cooltui.suggest.rules compiles a hundred or so regular
expressions) and, through the cooltui.suggest package, the exporters: about 100 ms at every
start, which the app's first paint does without (it shows the article's text, then its
suggestions). Pattern files are read at once all the same, so that a bad one still fails
before the app starts, as it always did: a scheme or a command line with patterns pays the
import at start, one without does not. Headless: never imports textual.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cooltui.model import Span
from cooltui.scheme import Scheme

if TYPE_CHECKING:
    from cooltui.suggest import Dateline, Suggester, Suggestions
    from cooltui.text import TokenIndex


class LazySuggester:
    """Stands for `Suggester(scheme, patterns)`, with the same `scheme`, `pattern_files` and
    `suggest`; the Suggester is made on the first `suggest` (at once when there are pattern
    files to check: PatternError then, as Suggester raises it)."""

    def __init__(self, scheme: Scheme, patterns: Sequence[Path] = ()) -> None:
        self.scheme = scheme
        self.pattern_files = tuple(patterns)
        """The pattern files given, besides the scheme's own."""
        self._made: Suggester | None = None
        if scheme.patterns or self.pattern_files:
            self.made()

    @property
    def is_made(self) -> bool:
        """Whether the Suggester is made (and the rules imported)."""
        return self._made is not None

    def made(self) -> Suggester:
        """The Suggester itself, made on first use."""
        if self._made is None:
            from cooltui.suggest import Suggester

            self._made = Suggester(self.scheme, self.pattern_files)
        return self._made

    def suggest(
        self,
        text: str,
        tokens: TokenIndex | None = None,
        *,
        existing: Sequence[Span] = (),
        rejected: Sequence[Span] = (),
        dateline: Dateline | None = None,
    ) -> Suggestions:
        """Suggester.suggest, the Suggester made first if it is not yet."""
        return self.made().suggest(
            text, tokens, existing=existing, rejected=rejected, dateline=dateline
        )
