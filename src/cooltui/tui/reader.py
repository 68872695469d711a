"""The reader: an article's text with its spans, a cursor and a token-snapped selection.

A read-only TextArea gives wrapping, cursor moves, selection and mouse drag; spans are styled in
its get_line() hook. TextArea speaks (row, column) in code points of lines; everything else in
cooltui speaks offsets into the text, so the reader converts through a table of line starts.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Mapping, Sequence
from operator import itemgetter
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import BindingType
from textual.cache import LRUCache
from textual.content import Content
from textual.expand_tabs import expand_text_tabs_from_widths
from textual.geometry import Region
from textual.reactive import Reactive, reactive
from textual.strip import Strip
from textual.widgets import Static, TextArea
from textual.widgets.text_area import Selection

from cooltui.corpus import Article
from cooltui.edits import SpanIndex, span_changes
from cooltui.model import Span
from cooltui.scheme import Scheme
from cooltui.text import ID_WIDTH, TITLE_WIDTH, TokenIndex, printable, truncate
from cooltui.tui.bindings import bindings_for
from cooltui.tui.scrolling import KeepsScrolledLines
from cooltui.tui.upstream.text_area import (
    SlicedTextArea,
    draws_cursor,
    render_lines_past_text_area,
    text_area_theme,
)
from cooltui.tui.upstream.widget import border_subtitle, set_border_subtitle
from cooltui.tui.upstream.wrapped_document import screen_lines, screen_row

Location = tuple[int, int]

Mark = tuple[int, int, int, Style]
"""A styled stretch of a text line: layer (suggestions 0, under spans 1), start, end, style."""

_MARK_ORDER = itemgetter(0, 1, 2)

SPAN_TEXT_WIDTH = 40
"""Cells of a span's text the bottom border shows when the cursor is on the span."""

REPAINT_ALL_OVER = 32
"""A change to more spans than this (a new article, accepting all) repaints the whole reader
rather than the lines of each span."""


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
        shown_id = truncate(printable(article.id), ID_WIDTH, flatten=True, at_word=True)
        facts = " · ".join(
            part for part in (article.outlet, article.place, article.date, shown_id) if part
        )
        # Titles come from scraped text: never markup. An article without one is titled by its id,
        # which comes as the source gave it: one line each, no control characters.
        title = truncate(printable(article.title), TITLE_WIDTH, flatten=True, at_word=True)
        self.update(Content.assemble(title, "\n", (printable(facts), "dim not bold"), note))


class ReviewWarning(Static):
    """While spans wait for review after the article's text changed: how many, and the keys that
    resolve them. Its height follows its text, so it is never cut at any size."""

    _shown = 0
    """The count the text says."""

    DEFAULT_CSS = """
    ReviewWarning {
        height: auto;
        padding: 0 1;
        background: $warning 25%;
        color: $text;
        display: none;
    }
    """

    def show(self, waiting: int, keys: dict[str, str]) -> None:
        """Show the warning for `waiting` spans (0 hides it); `keys`: action id -> key shown.
        Called after every edit: the text is made again only when the count changed."""
        self.display = waiting > 0
        if not waiting or waiting == self._shown:
            return
        self._shown = waiting
        spans = f"{waiting} span{'s' if waiting > 1 else ''}"
        self.update(
            Content.assemble(
                ("⚠ The text changed: ", "bold"),
                f"{spans} could not be found again and wait for review. ",
                (keys["next_span"], "bold"),
                " goes to each; ",
                (keys["accept_suggestion"], "bold"),
                " puts it at the proposed place, or select where it goes and press its label's "
                "key; ",
                (keys["remove_span"], "bold"),
                " drops it.",
            )
        )


class Reader(SlicedTextArea, KeepsScrolledLines, inherit_bindings=False):
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
    # (delete, ctrl+z, ctrl+w...), which would shadow the app's own bindings on those keys. Its
    # moves and selections, and the app's tab and shift+tab, come from cooltui.keys.
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("reader")

    # TextArea repaints all of itself for every cursor move; the watcher below repaints just
    # the lines whose share of the selection changed.
    selection: Reactive[Selection] = reactive(
        Selection(), init=False, always_update=True, repaint=False
    )

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
        self.proposals: tuple[Span, ...] = ()
        """Where spans waiting for review probably went, drawn as suggestions are."""
        self._notes: Mapping[tuple[int, int, str], str] = {}
        self._span_index = self._suggestion_index = self._proposal_index = SpanIndex.of(())
        self._line_starts = [0]
        self._marks: dict[int, list[Mark]] = {}
        # Rendered screen lines, keyed on what they show: only changed lines render again.
        self._strips: LRUCache[tuple[object, ...], Strip] = LRUCache(2048)
        self._wrap_info: object = None
        self._theme_css_stale = True
        self._span_pieces: dict[tuple[int, int, str, bool], list[tuple[int, Mark]]] = {}
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
        self,
        text: str,
        tokens: TokenIndex,
        spans: Sequence[Span],
        suggestions: Sequence[Span] = (),
    ) -> None:
        """Show a new article, cut into `tokens`, with the cursor at the start of its text."""
        self.load_text(text)
        starts = [0]
        find = text.find
        index = find("\n")
        while index >= 0:
            starts.append(index + 1)
            index = find("\n", index + 1)
        self._line_starts = starts
        self.tokens = tokens
        self._strips.clear()
        self._span_pieces.clear()
        self.spans = self.suggestions = self.proposals = ()
        self._marks = {}
        self.set_spans(spans, suggestions)
        self.move_cursor((0, 0))
        self.scroll_home(animate=False)

    def set_spans(
        self,
        spans: Sequence[Span],
        suggestions: Sequence[Span] = (),
        proposals: Sequence[Span] = (),
        notes: Mapping[tuple[int, int, str], str] | None = None,
    ) -> None:
        """Restyle for a new set of spans, suggestions and proposed places of spans waiting for
        review, repainting only what changed; `notes` name the source of suggestions (by key)
        where their own source says too little (a model's score)."""
        self._notes = notes or {}
        changed: list[Span] = []
        for suggested, old, new in (
            (True, self.suggestions, tuple(suggestions)),
            (True, self.proposals, tuple(proposals)),
            (False, self.spans, tuple(spans)),
        ):
            dropped, added = span_changes(old, new)
            for span in dropped:
                for row, mark in self._pieces(span, suggested):
                    self._marks[row].remove(mark)
            for span in added:
                for row, mark in self._pieces(span, suggested):
                    insort(self._marks.setdefault(row, []), mark, key=_MARK_ORDER)
            changed += dropped + added
        self.spans, self.suggestions = tuple(spans), tuple(suggestions)
        self.proposals = tuple(proposals)
        self._span_index = SpanIndex.of(self.spans)
        self._suggestion_index = SpanIndex.of(self.suggestions)
        self._proposal_index = SpanIndex.of(self.proposals)
        if len(changed) > REPAINT_ALL_OVER:
            self.refresh()
        else:
            for span in changed:
                self._refresh_range(span.start, span.end)
        self._show_span_at_cursor()

    def _refresh_range(self, start: int, end: int) -> None:
        """Repaint the screen lines that show the text from `start` to `end`, if in view."""
        wrapped = self.wrapped_document
        self._refresh_rows(
            screen_row(wrapped, self.location_of(start)), screen_row(wrapped, self.location_of(end))
        )

    def _refresh_rows(self, first: int, last: int) -> None:
        """Repaint screen lines `first` to `last` (either order), those of them in view."""
        top = max(min(first, last), round(self.scroll_y))
        bottom = min(max(first, last), round(self.scroll_y) + self.size.height - 1)
        if bottom >= top:
            self.refresh_lines(top, bottom - top + 1)

    def _pieces(self, span: Span, suggested: bool) -> list[tuple[int, Mark]]:
        """A span's styled stretch on each text line it covers; kept until the text changes,
        since an edit changes one span and restyling the other thousand would cost a frame."""
        key = (span.start, span.end, span.label, suggested)
        pieces = self._span_pieces.get(key)
        if pieces is None:
            styles = self._suggestion_styles if suggested else self._label_styles
            style = styles.get(span.label, Style())
            layer = 0 if suggested else 1
            row, column = self.location_of(span.start)
            end_row, end_column = self.location_of(span.end)
            pieces = []
            while row < end_row:
                line_end = self._line_starts[row + 1] - 1 - self._line_starts[row]
                pieces.append((row, (layer, column, line_end, style)))
                row, column = row + 1, 0
            pieces.append((row, (layer, column, end_column, style)))
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
        lines = screen_lines(wrapped)
        if lines is not self._wrap_info:
            # TextArea wrapped the text anew (resize, new text): every cached line is stale.
            self._wrap_info = lines
            self._strips.clear()
        try:
            row, section = lines[scroll_y + y]
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
            mark for mark in self._marks.get(row, ()) if mark[1] <= last and mark[2] >= first
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
            strip = self._render_section(row, first, last, marks)
            self._strips[key] = strip
        return strip

    def _render_section(self, row: int, first: int, last: int, marks: Sequence[Mark]) -> Strip:
        """Draw the wrapped section `first:last` of text line `row` as TextArea would, from that
        stretch of the line alone: TextArea styles and renders the whole line for each of its
        sections, which costs a millisecond a section on paragraphs of thousands of characters.
        """
        theme = text_area_theme(self)
        line = self.document[row]
        at_line_end = last >= len(line)
        section = Text(line[first:last], end="", no_wrap=True)
        if at_line_end:
            section.pad_right(1)  # room for the cursor after the last character

        def stylize(style: Style, start: int, end: int) -> None:
            # Clipped to the section; rich would read a negative end as counted from the end.
            start, end = max(start, first) - first, min(end, last + 1) - first
            if start < end:
                section.stylize(style, start, end)

        for _, start, end, style in marks:
            stylize(style, start, end)
        anchor, cursor = self.selection
        top, bottom = sorted((anchor, cursor))
        selection_style = theme.selection_style if theme else None
        if anchor != cursor and top[0] <= row <= bottom[0] and selection_style:
            if not line and row != cursor[0]:
                # An empty line inside the selection shows a bar, as in TextArea.
                section = Text("▌", end="")
                section.stylize(Style(color=selection_style.bgcolor))
            else:
                start = top[1] if row == top[0] else 0
                end = bottom[1] if row == bottom[0] else len(line)
                stylize(selection_style, start, end)
        cursor_row, cursor_column = cursor
        cursor_style = theme.cursor_style if theme else None
        on_this_line = cursor_row == row and (cursor_column < last or at_line_end)
        if on_this_line and cursor_style and draws_cursor(self):
            stylize(cursor_style, cursor_column, cursor_column + 1)
        if "\t" in section.plain:
            before = line.count("\t", 0, first)
            widths = self.wrapped_document.get_tab_widths(row)
            section = expand_text_tabs_from_widths(
                section, widths[before : before + section.plain.count("\t")]
            )
        strip = Strip(section.render(self.app.console), cell_length=section.cell_len)
        width = self.scrollable_content_region.width - self.gutter_width
        strip = strip.extend_cell_length(width, theme.base_style if theme else None)
        has_base = theme is not None and theme.base_style is not None
        return strip.apply_style(theme.base_style if has_base else self.rich_style)

    def watch_selection(self, previous: Selection, selection: Selection) -> None:
        # Textual calls TextArea's own watcher (_watch_selection) first, which scrolls the
        # cursor into view: the rows below are where the lines are on screen after that.
        # With the anchor kept, only the stretch the cursor crossed changed; otherwise the old
        # selection and the new one both repaint.
        ends = (previous.end, selection.end)
        if previous.start != selection.start:
            ends += (previous.start, selection.start)
        wrapped = self.wrapped_document
        rows = [screen_row(wrapped, location) for location in ends]
        self._refresh_rows(min(rows), max(rows))

    def notify_style_update(self) -> None:
        self._strips.clear()
        self._theme_css_stale = True
        super().notify_style_update()

    def render_lines(self, crop: Region) -> list[Strip]:
        # TextArea reads its theme's colours from the CSS on every frame (about 0.5 ms); they
        # change only when the styles do, which notify_style_update says.
        theme = text_area_theme(self)
        if self._theme_css_stale and theme is not None:
            theme.apply_css(self)
            self._theme_css_stale = False
        return render_lines_past_text_area(self, crop)

    def get_line(self, line_index: int) -> Text:
        line = Text(self.document.get_line(line_index), end="", no_wrap=True)
        for _, start, end, style in self._marks.get(line_index, ()):
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
        # Setting the selection always runs TextArea's watchers (about 1 ms on a long line),
        # even to the same value: labelling the token under the cursor selected nothing.
        if not self.selection.is_empty:
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
        return self._span_index.covering(offset)

    def suggestion_at(self, offset: int) -> Span | None:
        return self._suggestion_index.covering(offset)

    def proposal_at(self, offset: int) -> Span | None:
        return self._proposal_index.covering(offset)

    @property
    def target_offset(self) -> int:
        """Where the keys act: the selection's start, else the cursor."""
        start, end = self.selected_range
        return start if end > start else self.cursor_offset

    def on_text_area_selection_changed(self, event: TextArea.SelectionChanged) -> None:
        self._show_span_at_cursor()

    def _show_span_at_cursor(self) -> None:
        """The label of the span under the cursor, in words: readable without colour."""
        offset = self.target_offset
        # Right after labelling, the cursor stands just past the new span: name that one.
        span = self.span_at(offset) or self._span_index.ending_at(offset)
        mode = "" if self.snap else "character mode · "
        if span is not None:
            self._say(f"{mode}{span.label}: {truncate(span.text, SPAN_TEXT_WIDTH, flatten=True)}")
            return
        proposal = self.proposal_at(offset)
        if proposal is not None:
            self._say(
                f"{mode}needs review {proposal.label}: proposed here "
                f"{truncate(proposal.text, SPAN_TEXT_WIDTH, flatten=True)} (enter places it)"
            )
            return
        suggestion = self.suggestion_at(offset)
        if suggestion is not None:
            self._say(
                f"{mode}suggested {suggestion.label}: "
                f"{truncate(suggestion.text, SPAN_TEXT_WIDTH, flatten=True)} "
                f"· {printable(self._notes.get(suggestion.key, suggestion.source))} "
                "(enter accepts)"
            )
            return
        self._say(mode.removesuffix(" · "))

    def _say(self, text: str) -> None:
        """Show `text` in the bottom border, repainting that border line only: setting
        border_subtitle repaints the whole reader, a frame's worth on a long article."""
        shown = border_subtitle(self)
        if shown is not None and shown.plain == text:
            return
        set_border_subtitle(self, Content(text))
        # Dirty regions are given relative to the content, which the border and padding offset.
        left, top = self.content_offset
        width, height = self.outer_size
        self.refresh(Region(-left, height - 1 - top, width, 1))

    def watch_snap(self) -> None:
        self._show_span_at_cursor()
