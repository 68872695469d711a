"""What a widget has left on screen, against a fresh paint of it.

Widgets that repaint only the lines they think changed (the reader, the sidebar's rows) are
checked with these: after any change, every line as last painted must equal the same line
painted anew from nothing.
"""

from __future__ import annotations

from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from cooltui.tui.upstream.styles_cache import forget_styled_lines, styled_lines
from cooltui.tui.upstream.widget import render_content_anew


def painted(widget: Widget) -> dict[int, Strip]:
    """Each line as it was last painted (lines never in view were never painted)."""
    return styled_lines(widget)


def stale_lines(widget: Widget) -> list[int]:
    """The painted lines that differ from the same lines painted from nothing (a scrollbar's
    too: pass `widget.vertical_scrollbar`)."""
    shown = painted(widget)
    assert shown, f"{widget} has not been painted"
    forget_styled_lines(widget)
    own_cache = getattr(widget, "_strips", None)
    if own_cache is not None:
        own_cache.clear()
    if type(widget).render_line is Widget.render_line:
        # A widget drawn by render(): its drawing is made anew from its state now.
        render_content_anew(widget)
    width, height = widget.outer_size
    # Through Textual's own styling, past any shortcut of the widget's (see scrolling.py).
    Widget.render_lines(widget, Region(0, 0, width, height))
    fresh = painted(widget)
    return [y for y, strip in shown.items() if strip != fresh.get(y)]
