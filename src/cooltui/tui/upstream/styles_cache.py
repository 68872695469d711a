"""StylesCache: a widget's lines as Textual styled them (border, padding, colours and all).

Relies on these private parts of Textual 8.2.8:
- `Widget._styles_cache`: each widget's StylesCache (`textual._styles_cache`), made once in
  `Widget.__init__`;
- `StylesCache._cache`: each line as last styled, by y in the widget (border included);
- `StylesCache._dirty_lines`: the lines to style again at the next paint (`refresh` adds to it);
- that `StylesCache.render` styles exactly the lines of the crop that are dirty or not cached,
  and paints the others as they are in `_cache`: a line kept here is painted without styling.
"""

from __future__ import annotations

from textual.strip import Strip
from textual.widget import Widget


def styled_line(widget: Widget, y: int) -> Strip | None:
    """Line `y` of `widget` as Textual last styled it, or None if it must be styled again."""
    cache = widget._styles_cache
    return None if y in cache._dirty_lines else cache._cache.get(y)


def clean_styled_lines(widget: Widget) -> dict[int, Strip]:
    """The lines of `widget` that the next paint would show as they are, by y."""
    cache = widget._styles_cache
    dirty = cache._dirty_lines
    return {y: strip for y, strip in cache._cache.items() if y not in dirty}


def keep_styled_line(widget: Widget, y: int, strip: Strip) -> None:
    """Make `strip` line `y` of `widget` as styled, which the next paint shows as it is."""
    cache = widget._styles_cache
    cache._cache[y] = strip
    cache._dirty_lines.discard(y)


def styled_lines(widget: Widget) -> dict[int, Strip]:
    """Every line of `widget` as last styled (still to be styled again or not), by y."""
    return dict(widget._styles_cache._cache)


def forget_styled_lines(widget: Widget) -> None:
    """Drop every styled line of `widget`: the next paint styles each line it shows anew."""
    widget._styles_cache.clear()
