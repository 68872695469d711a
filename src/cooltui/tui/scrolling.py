"""Scrolling that redraws only what a scroll changed.

A Textual ScrollView repaints every line of its viewport when it scrolls, styling each again
(border, padding, colour filters): about 3 ms for a reader of 35 lines, on every key that moves
past an edge. The lines still in view are the same as before, only moved; this mixin moves
Textual's styled lines with them, so a scroll by one line styles one line.

A line new to the view (a page down shows a screenful) is framed by the mixin too: its border
and padding are the same segments on every line, which it learns from a line Textual styled and
puts around the new line's content, where Textual works them out again for each line (about 60
microseconds a line, two milliseconds a page of the article list).

Its scrollbar, too, redraws all its cells on every scroll (about 1 ms), even when its thumb has
not moved by the eighth of a cell it can show: in a list of 100,000 rows a page down moves it
by a hundredth of a cell. ThumbScrollBar redraws only when the thumb moves.
"""

from __future__ import annotations

from math import ceil

from rich.segment import Segment
from textual.geometry import Region
from textual.reactive import Reactive
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip

from cooltui.tui.upstream.styles_cache import clean_styled_lines, keep_styled_line, styled_line
from cooltui.tui.upstream.widget import vertical_scrollbar

EIGHTHS = 8
"""The steps of a cell the scrollbar draws its thumb in (by its block characters)."""


class ThumbScrollBar(ScrollBar):
    """A scrollbar that repaints when its thumb moves, not whenever the position changes."""

    position: Reactive[float] = Reactive(0.0, repaint=False)

    def watch_position(self, old_position: float, new_position: float) -> None:
        if self.thumb_top(old_position) != self.thumb_top(new_position):
            self.refresh()

    def thumb_top(self, position: float) -> int:
        """Where ScrollBarRender draws the thumb's top at `position`, in eighths of a cell.

        Its size depends on the bar's and the window's sizes only, which repaint when they
        change; so the thumb's top is all that a new position can move.
        """
        virtual_size = ceil(self.window_virtual_size)
        window_size = ceil(self.window_size) if self.window_size < self.window_virtual_size else 0
        size = self.size.height if self.vertical else self.size.width
        if not (window_size and size and virtual_size and size != virtual_size):
            return 0
        thumb_size = max(1, window_size / (virtual_size / size))
        return int((size - thumb_size) * (position / (virtual_size - window_size)) * EIGHTHS)


class _Frame:
    """What Textual puts around each line of content of a widget: the segments before it (left
    border, padding) and after it, on the lines from `top` to `bottom` (those between the top
    and bottom borders and padding), for content `width` cells wide in a line `cells` wide."""

    __slots__ = ("after", "before", "bottom", "cells", "top", "width")

    def __init__(
        self, rows: range, width: int, cells: int, before: list[Segment], after: list[Segment]
    ) -> None:
        self.top, self.bottom = rows.start, rows.stop
        self.width, self.cells, self.before, self.after = width, cells, before, after

    @classmethod
    def learned(cls, rows: range, styled: Strip, content: Strip) -> _Frame | None:
        """The frame of `styled` (a line as Textual styled it) around `content` (the same line
        as the widget drew it), if it is exactly one around the other: else None, and Textual
        keeps styling every line (tint, opacity and the like change the content too)."""
        segments, inner = list(styled), list(content)
        count = len(inner)
        if not count:
            return None
        for start in range(len(segments) - count + 1):
            if segments[start : start + count] == inner:
                before, after = segments[:start], segments[start + count :]
                return cls(rows, content.cell_length, styled.cell_length, before, after)
        return None

    def around(self, content: Strip) -> Strip:
        return Strip([*self.before, *content, *self.after], self.cells)


class KeepsScrolledLines(ScrollView):
    """A ScrollView whose styled lines follow a scroll instead of being styled again, whose new
    lines are framed with what it learned from the last one Textual styled, and whose vertical
    scrollbar redraws only when its thumb moves."""

    _frame: _Frame | None = None

    def notify_style_update(self) -> None:
        self._frame = None  # a new border colour (focus), a new theme...
        super().notify_style_update()

    def render_lines(self, crop: Region) -> list[Strip]:
        frame, width = self._frame, self.outer_size.width  # lines are styled border and all
        if frame is not None:
            for y in range(max(crop.y, frame.top), min(crop.bottom, frame.bottom)):
                if styled_line(self, y) is None:
                    content = self.render_line(y - frame.top)
                    if (content.cell_length, width) != (frame.width, frame.cells):
                        # Resized, or a scrollbar came or went: learn the frame again.
                        self._frame = frame = None
                        break
                    keep_styled_line(self, y, frame.around(content))
        strips = super().render_lines(crop)
        if frame is None:
            gutter = self.styles.gutter
            rows = range(gutter.top, self.outer_size.height - gutter.bottom)
            y = max(crop.y, rows.start)
            styled = styled_line(self, y) if y < min(crop.bottom, rows.stop) else None
            if styled is not None:  # styled by Textual just now
                content = self.render_line(y - rows.start)
                self._frame = _Frame.learned(rows, styled, content)
        return strips

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        return vertical_scrollbar(self, ThumbScrollBar)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        # Lines changed since the last frame must be drawn anew wherever they move to.
        clean = clean_styled_lines(self)
        super().watch_scroll_y(old_value, new_value)  # marks every line for repainting
        shift = round(new_value) - round(old_value)
        if not shift:
            return
        top = self.content_offset.y
        rows = range(top, top + self.size.height)
        for y in rows:
            if y + shift in rows and y + shift in clean:
                keep_styled_line(self, y, clean[y + shift])
