"""TextArea: the reader's base, drawn line by line with the reader's own shortcuts.

Relies on these private parts of `textual.widgets._text_area.TextArea`, as of Textual 8.2.8:
- that it makes the WrappedDocument of each text it loads by assigning `self.wrapped_document`
  (in `__init__` and `_set_document`), and hands that same object to its DocumentNavigator:
  SlicedTextArea catches the assignment and turns the object into a SlicedWrappedDocument;
- `_theme`: the TextAreaTheme it draws with (the `theme` reactive holds only its name);
- that `render_lines` only applies `_theme`'s CSS (its colours) before rendering as the classes
  after TextArea in the MRO do: `render_lines_past_text_area` skips that step;
- `_draw_cursor`: whether the cursor shows now (focus, read-only, blink);
- `_render_line`: a screen line as TextArea draws it, before its own line cache; the contract
  tests compare the reader's lines with it.
"""

from __future__ import annotations

from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import TextArea
from textual.widgets.text_area import TextAreaTheme, WrappedDocument

from cooltui.tui.upstream.wrapped_document import SlicedWrappedDocument, sliced


class SlicedTextArea(TextArea):
    """A TextArea whose wrapped text is always a SlicedWrappedDocument (see there)."""

    @property
    def wrapped_document(self) -> SlicedWrappedDocument:
        return self._sliced_wrapped_document

    @wrapped_document.setter
    def wrapped_document(self, wrapped: WrappedDocument) -> None:
        # TextArea makes a new one for each text it loads; it becomes ours, state and all.
        self._sliced_wrapped_document = sliced(wrapped)


def text_area_theme(text_area: TextArea) -> TextAreaTheme | None:
    """The TextAreaTheme `text_area` draws with; `apply_css` reads its colours from the CSS."""
    return text_area._theme


def draws_cursor(text_area: TextArea) -> bool:
    """Whether `text_area` shows its cursor now."""
    return text_area._draw_cursor


def render_lines_past_text_area(text_area: TextArea, crop: Region) -> list[Strip]:
    """`text_area.render_lines(crop)` without TextArea's own step, which reads its theme's
    colours from the CSS on every frame (about 0.5 ms): the caller does when styles change."""
    return super(TextArea, text_area).render_lines(crop)


def text_area_line(text_area: TextArea, y: int) -> Strip:
    """Screen line `y` as TextArea itself draws it, past its line cache and any override."""
    return TextArea._render_line(text_area, y)
