"""The reader: an article's text with its spans, a cursor and a token-snapped selection.

A read-only TextArea gives wrapping, cursor moves, selection and mouse drag; spans are styled in
its get_line() hook. TextArea speaks (row, column) in code points of lines; everything else in
cooltui speaks offsets into the text, so the reader converts through a table of line starts.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.content import Content
from textual.reactive import reactive
from textual.strip import Strip
from textual.widgets import Static, TextArea
from textual.widgets.text_area import Selection

from cooltui.corpus import Article
from cooltui.edits import covering
from cooltui.model import Span
from cooltui.scheme import DEFAULT_APP_KEYS, Scheme
from cooltui.text import TokenIndex

Location = tuple[int, int]


class ArticleHeading(Static):
    """The open article's title and where it comes from, above the reader."""

    DEFAULT_CSS = """
    ArticleHeading {
        height: auto;
        max-height: 4;
        padding: 0 1;
        text-style: bold;
    }
    """

    def show(self, article: Article | None, note: str = "") -> None:
        if article is None:
            self.update("")
            return
        facts = " · ".join(
            part for part in (article.outlet, article.place, article.date, article.id) if part
        )
        # Titles come from scraped text: never markup.
        self.update(Content.assemble(article.title, "\n", (facts, "dim not bold"), note))


class Reader(TextArea, inherit_bindings=False):
    """The article text, read-only, with spans styled in their labels' colours."""

    DEFAULT_CSS = """
    Reader {
        height: 1fr;
        border: round $primary 40%;
        padding: 0 1;
        & > .text-area--cursor { text-style: reverse; }
        & > .text-area--selection { text-style: reverse; }
        &:focus { border: round $primary; }
    }
    """

    # A viewer, not an editor (inherit_bindings=False): none of TextArea's editing keys
    # (delete, ctrl+z, ctrl+w...), which would shadow the app's own bindings on those keys.
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(key, action, description, show=False, id=f"reader.{action}")
            for key, action, description in (
                ("up", "cursor_up", "Up"),
                ("down", "cursor_down", "Down"),
                ("left", "cursor_left", "Left"),
                ("right", "cursor_right", "Right"),
                ("ctrl+left", "cursor_word_left", "Word left"),
                ("ctrl+right", "cursor_word_right", "Word right"),
                ("home", "cursor_line_start", "Line start"),
                ("end", "cursor_line_end", "Line end"),
                ("pageup", "cursor_page_up", "Page up"),
                ("pagedown", "cursor_page_down", "Page down"),
                ("ctrl+home", "text_start", "Start of text"),
                ("ctrl+end", "text_end", "End of text"),
                ("ctrl+c", "copy", "Copy"),
            )
        ),
        *(
            Binding(key, f"{action}(True)", description, show=False, id=f"reader.select_{name}")
            for key, action, name, description in (
                ("shift+up", "cursor_up", "up", "Select up"),
                ("shift+down", "cursor_down", "down", "Select down"),
                ("shift+left", "cursor_left", "left", "Select left, by token"),
                ("shift+right", "cursor_right", "right", "Select right, by token"),
                ("ctrl+shift+left", "cursor_word_left", "word_left", "Select word left"),
                ("ctrl+shift+right", "cursor_word_right", "word_right", "Select word right"),
                ("shift+home", "cursor_line_start", "line_start", "Select to line start"),
                ("shift+end", "cursor_line_end", "line_end", "Select to line end"),
            )
        ),
        # Here, not on the app: the screen's own tab (focus next) would shadow the app's.
        Binding(
            DEFAULT_APP_KEYS["next_span"],
            "app.next_span",
            "Next span",
            show=False,
            id="app.next_span",
        ),
        Binding(
            DEFAULT_APP_KEYS["previous_span"],
            "app.previous_span",
            "Previous span",
            show=False,
            id="app.previous_span",
        ),
    ]

    snap: reactive[bool] = reactive(True)
    """Selections grow and shrink by whole tokens; off is character mode."""

    def __init__(self, scheme: Scheme, *, id: str | None = None) -> None:
        super().__init__(
            "",
            read_only=True,
            soft_wrap=True,
            show_line_numbers=False,
            highlight_cursor_line=False,
            tab_behavior="focus",
            id=id,
        )
        # A steady cursor: no blink timer repainting twice a second.
        self.cursor_blink = False
        self.match_cursor_bracket = False
        self.scheme = scheme
        self.tokens = TokenIndex("")
        self.spans: tuple[Span, ...] = ()
        self.suggestions: tuple[Span, ...] = ()
        self._line_starts = [0]
        self._marks: dict[int, list[tuple[int, int, Style]]] = {}
        # Rendered screen lines, keyed on what they show: only changed lines render again.
        self._strips: LRUCache[tuple[object, ...], Strip] = LRUCache(2048)
        self._wrap_info: object = None
        self._span_pieces: dict[
            tuple[int, int, str, bool], list[tuple[int, tuple[int, int, Style]]]
        ] = {}
        self._label_styles = {
            label.name: Style(color=label.color, bold=True, underline=True)
            for label in scheme.labels
        }
        self._suggestion_styles = {
            label.name: Style(color=label.color, italic=True, underline=True, dim=True)
            for label in scheme.labels
        }

    # Content

    def show_article(
        self, text: str, spans: Sequence[Span], suggestions: Sequence[Span] = ()
    ) -> None:
        """Show a new article with the cursor at the start of its text."""
        self.load_text(text)
        starts = [0]
        find = text.find
        index = find("\n")
        while index >= 0:
            starts.append(index + 1)
            index = find("\n", index + 1)
        self._line_starts = starts
        self.tokens = TokenIndex(text)
        self._strips.clear()
        self._marks = {}
        self._span_pieces.clear()
        self.set_spans(spans, suggestions)
        self.move_cursor((0, 0))
        self.scroll_home(animate=False)

    def set_spans(self, spans: Sequence[Span], suggestions: Sequence[Span] = ()) -> None:
        """Restyle for a new set of spans and suggestions."""
        self.spans = tuple(spans)
        self.suggestions = tuple(suggestions)
        marks: dict[int, list[tuple[int, int, Style]]] = {}
        for suggested, group in ((True, self.suggestions), (False, self.spans)):
            for span in group:
                for row, mark in self._pieces(span, suggested):
                    marks.setdefault(row, []).append(mark)
        self._marks = marks
        self.refresh()
        self._show_span_at_cursor()

    def _pieces(self, span: Span, suggested: bool) -> list[tuple[int, tuple[int, int, Style]]]:
        """A span's styled stretch on each text line it covers; kept until the text changes,
        since an edit changes one span and restyling the other thousand would cost a frame."""
        key = (span.start, span.end, span.label, suggested)
        pieces = self._span_pieces.get(key)
        if pieces is None:
            styles = self._suggestion_styles if suggested else self._label_styles
            style = styles.get(span.label, Style())
            row, column = self.location_of(span.start)
            end_row, end_column = self.location_of(span.end)
            pieces = []
            while row < end_row:
                line_end = self._line_starts[row + 1] - 1 - self._line_starts[row]
                pieces.append((row, (column, line_end, style)))
                row, column = row + 1, 0
            pieces.append((row, (column, end_column, style)))
            self._span_pieces[key] = pieces
        return pieces

    def render_line(self, y: int) -> Strip:
        """A screen line from the cache unless its spans, the selection or the cursor changed.

        TextArea's own cache keys every line on the whole selection when soft-wrapping, so each
        cursor move would repaint every visible line; here only the wrapped sections whose part
        of the selection, cursor or spans changed repaint.
        """
        scroll_x, scroll_y = self.scroll_offset
        wrapped = self.wrapped_document
        if wrapped._offset_to_line_info is not self._wrap_info:
            # TextArea wrapped the text anew (resize, new text): every cached line is stale.
            self._wrap_info = wrapped._offset_to_line_info
            self._strips.clear()
        try:
            row, section = wrapped._offset_to_line_info[scroll_y + y]
        except IndexError:
            return super().render_line(y)
        offsets = wrapped.get_offsets(row)
        first = offsets[section - 1] if section else 0
        last = offsets[section] if section < len(offsets) else len(self.document[row])
        # What this section shows of the selection: the part inside it, and the cursor if here.
        # A section the growing selection already covered keeps its cached line.
        top, bottom = sorted(self.selection)
        start, end = (row, first), (row, last)
        shown = None
        if top <= end and bottom >= start:
            cursor = self.selection.end
            shown = (max(top, start), min(bottom, end), cursor if start <= cursor <= end else None)
        marks = tuple(
            mark for mark in self._marks.get(row, ()) if mark[0] <= last and mark[1] >= first
        )
        key = (
            self.size,
            scroll_x,
            scroll_y + y,
            row,
            first,
            last,
            shown,
            self.has_focus,
            marks,
            self.theme,
            self.app.theme,
        )
        strip = self._strips.get(key)
        if strip is None:
            strip = self._render_line(y)
            self._strips[key] = strip
        return strip

    def notify_style_update(self) -> None:
        self._strips.clear()
        super().notify_style_update()

    def get_line(self, line_index: int) -> Text:
        line = Text(self.document.get_line(line_index), end="", no_wrap=True)
        for start, end, style in self._marks.get(line_index, ()):
            line.stylize(style, start, end)
        return line

    # Offsets

    def location_of(self, offset: int) -> Location:
        row = bisect_right(self._line_starts, offset) - 1
        return row, offset - self._line_starts[row]

    def offset_of(self, location: Location) -> int:
        row, column = location
        return self._line_starts[row] + column

    @property
    def cursor_offset(self) -> int:
        return self.offset_of(self.selection.end)

    @property
    def selected_range(self) -> tuple[int, int]:
        """The selection as (start, end) offsets, start <= end; empty when nothing is selected."""
        anchor, cursor = (self.offset_of(loc) for loc in self.selection)
        return min(anchor, cursor), max(anchor, cursor)

    def select_range(self, start: int, end: int) -> None:
        self.selection = Selection(self.location_of(start), self.location_of(end))
        self.scroll_cursor_visible(center=True)

    def action_text_start(self) -> None:
        self.move_to(0)

    def action_text_end(self) -> None:
        self.move_to(len(self.text))

    def collapse_selection(self) -> None:
        """Keep the cursor where it is and drop the selection, without scrolling."""
        self.selection = Selection.cursor(self.selection.end)

    def move_to(self, offset: int) -> None:
        self.selection = Selection.cursor(self.location_of(offset))
        self.scroll_cursor_visible(center=True)

    # Token-snapped selection and word moves

    def action_cursor_left(self, select: bool = False) -> None:
        if select and self.snap:
            self._step_selection(-1)
        else:
            super().action_cursor_left(select)

    def action_cursor_right(self, select: bool = False) -> None:
        if select and self.snap:
            self._step_selection(1)
        else:
            super().action_cursor_right(select)

    def action_cursor_up(self, select: bool = False) -> None:
        super().action_cursor_up(select)
        if select and self.snap:
            self._snap_selection()

    def action_cursor_down(self, select: bool = False) -> None:
        super().action_cursor_down(select)
        if select and self.snap:
            self._snap_selection()

    def action_cursor_word_left(self, select: bool = False) -> None:
        if select and self.snap:
            self._step_selection(-1)
            return
        index = bisect_left(self.tokens.starts, self.cursor_offset) - 1
        self._move_cursor_to(self.tokens.starts[index] if index >= 0 else 0, select)

    def action_cursor_word_right(self, select: bool = False) -> None:
        if select and self.snap:
            self._step_selection(1)
            return
        index = bisect_right(self.tokens.starts, self.cursor_offset)
        starts = self.tokens.starts
        self._move_cursor_to(starts[index] if index < len(starts) else len(self.text), select)

    def _move_cursor_to(self, offset: int, select: bool) -> None:
        anchor = self.selection.start if select else self.location_of(offset)
        self.selection = Selection(anchor, self.location_of(offset))
        self.scroll_cursor_visible()

    def _step_selection(self, step: int) -> None:
        """Grow or shrink the selection by one token in direction `step`."""
        anchor, end = (self.offset_of(loc) for loc in self.selection)
        tokens = self.tokens
        if anchor == end:
            # A new selection starts at the edge of the token under the cursor.
            index = tokens.token_at(anchor)
            if index is not None:
                anchor = tokens.starts[index] if step > 0 else tokens.ends[index]
                end = anchor
        growing = (end >= anchor) if step > 0 else (end <= anchor)
        if step > 0:
            bounds = tokens.ends if growing else tokens.starts
            index = bisect_right(bounds, end)
            target = bounds[index] if index < len(bounds) else None
        else:
            bounds = tokens.starts if growing else tokens.ends
            index = bisect_left(bounds, end) - 1
            target = bounds[index] if index >= 0 else None
        if target is None:
            return
        if not growing and (target - anchor) * step > 0:
            target = anchor  # shrinking stops at the anchor
        self.selection = Selection(self.location_of(anchor), self.location_of(target))
        self.scroll_cursor_visible()

    def _snap_selection(self) -> None:
        """Widen a selection made by line moves or the mouse to whole tokens."""
        anchor, end = (self.offset_of(loc) for loc in self.selection)
        if anchor == end:
            return
        start, stop = self.tokens.snap(min(anchor, end), max(anchor, end))
        anchor, end = (start, stop) if anchor < end else (stop, start)
        self.selection = Selection(self.location_of(anchor), self.location_of(end))

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self.snap:
            self._snap_selection()

    # What is under the cursor

    def span_at(self, offset: int) -> Span | None:
        return covering(self.spans, offset)

    def suggestion_at(self, offset: int) -> Span | None:
        return covering(self.suggestions, offset)

    def on_text_area_selection_changed(self, event: TextArea.SelectionChanged) -> None:
        self._show_span_at_cursor()

    def _show_span_at_cursor(self) -> None:
        """The label of the span under the cursor, in words: readable without colour."""
        start, end = self.selected_range
        offset = start if end > start else self.cursor_offset
        # Right after labelling, the cursor stands just past the new span: name that one.
        span = self.span_at(offset) or next((s for s in self.spans if s.end == offset), None)
        mode = "" if self.snap else "character mode · "
        if span is not None:
            self.border_subtitle = Content(f"{mode}{span.label}: {_short(span.text)}")
            return
        suggestion = self.suggestion_at(offset)
        if suggestion is not None:
            self.border_subtitle = Content(
                f"{mode}suggested {suggestion.label}: {_short(suggestion.text)} (enter accepts)"
            )
            return
        self.border_subtitle = Content(mode.removesuffix(" · "))

    def watch_snap(self) -> None:
        self._show_span_at_cursor()


def _short(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
