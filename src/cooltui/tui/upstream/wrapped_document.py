"""WrappedDocument: TextArea's text as wrapped onto screen lines.

Relies on these private parts of `textual.document._wrapped_document.WrappedDocument`, as of
Textual 8.2.8:
- `_wrap_offsets`: for each text line, where its wrapped sections after the first begin (what
  `get_offsets` returns, one line at a time);
- `_offset_to_line_info`: for each screen line, (text line, section). `wrap()` makes a new list,
  so a new list means a new wrapping; `wrap_range()` changes it in place, but only edits call
  that, which a read-only TextArea never makes;
- `_line_index_to_offsets`: for each text line, the screen lines of its sections;
- that an instance's class can be swapped for a subclass adding methods only (no slots, no
  state): `sliced` does so to the WrappedDocument a TextArea made (see text_area.py).
"""

from __future__ import annotations

from bisect import bisect_right
from typing import cast

from textual.geometry import clamp
from textual.widgets.text_area import Location, WrappedDocument


class SlicedWrappedDocument(WrappedDocument):
    """TextArea's wrapped text, cutting a line into its wrapped sections by slicing.

    TextArea builds a rich Text of the whole line and divides it, a Text per section, on every
    cursor move up or down: two milliseconds for a paragraph of a few thousand characters, and
    scraped articles often are one paragraph. The reader's text is normalised, with no control
    codes for rich to strip, so the slices are the same sections.
    """

    def get_sections(self, line_index: int) -> list[str]:
        line = self.document[line_index]
        offsets = self._wrap_offsets[line_index]
        starts, ends = [0, *offsets], [*offsets, len(line)]
        return [line[start:end] for start, end in zip(starts, ends, strict=True)]


def sliced(wrapped: WrappedDocument) -> SlicedWrappedDocument:
    """`wrapped` itself, turned into a SlicedWrappedDocument with its state kept: TextArea's
    navigator holds the same object, so it cannot be replaced by a new one."""
    wrapped.__class__ = SlicedWrappedDocument
    return cast(SlicedWrappedDocument, wrapped)


def screen_lines(wrapped: WrappedDocument) -> list[tuple[int, int]]:
    """(row, section) of each screen line, from the top. A new list each time the text is
    wrapped anew (a new text, a new width): what was drawn from the old one is stale."""
    return wrapped._offset_to_line_info


def screen_row(wrapped: WrappedDocument, location: Location) -> int:
    """The screen line that shows `location`, clamped to the text. `location_to_offset` says
    it too, but also measures the column in cells: slow on a long line, and not needed."""
    rows = wrapped._line_index_to_offsets
    if not rows:
        return 0
    row, column = location
    row = clamp(row, 0, len(rows) - 1)
    return rows[row][bisect_right(wrapped.get_offsets(row), column)]
