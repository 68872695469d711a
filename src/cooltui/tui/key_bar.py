"""The footer's keys: one line, fitted to the width, each key clickable.

Textual's Footer is a widget per key and cuts the line at the right edge, so at 80 columns the
help and quit keys fell off. This bar is one widget that picks the longest form that fits: full
descriptions, then short ones, then tighter spacing, then fewer keys (the help key stays).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from rich.cells import cell_len
from textual import events
from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget

from cooltui.keys import FOOTER_KEEPS


class KeyItem(NamedTuple):
    """One key the bar shows: how the key reads, what it does (long and short), its action."""

    key: str
    description: str
    short: str
    action: str


class KeyBar(Widget, can_focus=False):
    """The main keys on one line; a click on one runs its action."""

    ALLOW_SELECT = False
    DEFAULT_CSS = """
    KeyBar {
        height: 1;
        width: 1fr;
        background: $footer-background;
        text-wrap: nowrap;
        text-overflow: clip;
    }
    """

    def __init__(self, *, keep: str = FOOTER_KEEPS, id: str | None = None) -> None:
        super().__init__(id=id)
        self._items: list[KeyItem] = []
        self._keep = keep
        # Each shown item's cells on the line, for clicks: (first, past the last, action).
        self._cells: list[tuple[int, int, str]] = []

    def set_keys(self, items: Sequence[KeyItem]) -> None:
        self._items = list(items)
        self.refresh()

    def fitted(self, width: int) -> list[tuple[str, str, int]]:
        """(key, description, gap after) of each item shown at `width`, longest form that fits."""
        for short in (False, True):
            for gap in (2, 1):
                shown = [(i.key, i.short if short else i.description, gap) for i in self._items]
                if _width(shown) <= width:
                    return shown
        # Still too wide: drop keys from the end, never the one to keep (the help). Items, not
        # positions, are dropped: a position moves once a key before it has gone.
        shown = list(self._items)
        droppable = [item for item in shown if item.action != self._keep]
        while len(shown) > 1 and droppable and _width(_short(shown)) > width:
            shown.remove(droppable.pop())
        return _short(shown)

    def render(self) -> Content:
        parts: list[Content] = [Content(" ")]
        self._cells = []
        x = 1
        by_key = {item.key: item.action for item in self._items}
        for key, description, gap in self.fitted(self.content_size.width):
            item = Content.assemble(
                (key, "bold $footer-key-foreground"),
                " ",
                (description, "$footer-description-foreground"),
            )
            self._cells.append((x, x + item.cell_length, by_key[key]))
            parts += [item, Content(" " * gap)]
            x += item.cell_length + gap
        return Content("").join(parts)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 1

    async def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        for first, past, action in self._cells:
            if first <= offset.x < past:
                event.stop()
                await self.app.run_action(action)
                return


def _short(items: Sequence[KeyItem]) -> list[tuple[str, str, int]]:
    return [(item.key, item.short, 1) for item in items]


def _width(shown: Sequence[tuple[str, str, int]]) -> int:
    # A leading space, then each "key description" and the gap after it (not after the last).
    total = 1 + sum(cell_len(key) + 1 + cell_len(what) + gap for key, what, gap in shown)
    return total - (shown[-1][2] if shown else 0)
