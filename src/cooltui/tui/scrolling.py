"""Scrolling that redraws only what a scroll changed.

A Textual ScrollView repaints every line of its viewport when it scrolls, styling each again
(border, padding, colour filters): about 3 ms for a reader of 35 lines, on every key that moves
past an edge. The lines still in view are the same as before, only moved; this mixin moves
Textual's styled lines with them, so a scroll by one line styles one line.

Its scrollbar, too, redraws all its cells on every scroll (about 1 ms), even when its thumb has
not moved by the eighth of a cell it can show: in a list of 100,000 rows a page down moves it
by a hundredth of a cell. ThumbScrollBar redraws only when the thumb moves.
"""

from __future__ import annotations

from math import ceil

from textual.reactive import Reactive
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar

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


class KeepsScrolledLines(ScrollView):
    """A ScrollView whose styled lines follow a scroll instead of being styled again, and whose
    vertical scrollbar redraws only when its thumb moves."""

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        # Textual's own property, making a ThumbScrollBar instead of a ScrollBar.
        if self._vertical_scrollbar is None:
            bar = ThumbScrollBar(
                vertical=True, name="vertical", thickness=self.scrollbar_size_vertical
            )
            bar.display = False
            self._vertical_scrollbar = bar
            self.app._start_widget(self, bar)
        return self._vertical_scrollbar

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        # Lines changed since the last frame must be drawn anew wherever they move to.
        styled = self._styles_cache
        clean = styled._cache.keys() - styled._dirty_lines
        super().watch_scroll_y(old_value, new_value)  # marks every line for repainting
        shift = round(new_value) - round(old_value)
        if not shift:
            return
        top = self.content_offset.y
        rows = range(top, top + self.size.height)
        moved = {
            y: styled._cache[y + shift] for y in rows if y + shift in rows and y + shift in clean
        }
        styled._cache.update(moved)
        styled._dirty_lines.difference_update(moved)
