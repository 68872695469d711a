"""Widget: its scrollbar, its border's subtitle, and its drawing from `render()`.

Relies on these private parts of `textual.widget.Widget`, as of Textual 8.2.8:
- `_vertical_scrollbar`: the vertical scrollbar once made, else None. `vertical_scrollbar`
  below is a copy of Textual's `Widget.vertical_scrollbar` property, which always makes a
  ScrollBar, that makes one of the class given (and starts it, see app.py);
- `_border_subtitle`: the Content that the `border_subtitle` attribute keeps, which, set, parses
  a str as markup and repaints the whole widget;
- `_layout_cache` and `_render_content()`: the drawing of a widget drawn by `render()`, cached,
  and drawing it anew from the widget's state (for the tests).
"""

from __future__ import annotations

from textual.content import Content
from textual.scrollbar import ScrollBar
from textual.widget import Widget

from cooltui.tui.upstream.app import start_widget


def vertical_scrollbar(widget: Widget, bar_class: type[ScrollBar]) -> ScrollBar:
    """`widget`'s vertical scrollbar, made of `bar_class` when first asked for."""
    bar = widget._vertical_scrollbar
    if bar is None:
        bar = bar_class(vertical=True, name="vertical", thickness=widget.scrollbar_size_vertical)
        bar.display = False
        widget._vertical_scrollbar = bar
        start_widget(widget.app, widget, bar)
    return bar


def border_subtitle(widget: Widget) -> Content | None:
    """What `widget`'s bottom border shows, as set (None for nothing)."""
    return widget._border_subtitle


def set_border_subtitle(widget: Widget, subtitle: Content) -> None:
    """Show `subtitle` in `widget`'s bottom border at the next repaint of that line, without
    repainting the rest of the widget: the caller refreshes the line."""
    widget._border_subtitle = subtitle


def render_content_anew(widget: Widget) -> None:
    """Draw `widget`, which draws by `render()`, anew from its state, past its cached drawing."""
    widget._layout_cache.clear()
    widget._render_content()
