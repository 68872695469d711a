"""Scrolling that restyles only the lines that scrolled into view.

A Textual ScrollView repaints every line of its viewport when it scrolls, styling each again
(border, padding, colour filters): about 3 ms for a reader of 35 lines, on every key that moves
past an edge. The lines still in view are the same as before, only moved; this mixin moves
Textual's styled lines with them, so a scroll by one line styles one line.
"""

from __future__ import annotations

from textual.scroll_view import ScrollView


class KeepsScrolledLines(ScrollView):
    """A ScrollView whose styled lines follow a scroll instead of being styled again."""

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
