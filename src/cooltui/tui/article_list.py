"""The article list: one line per article, rendered only where it is visible; and its filter.

A line-API ScrollView: mounting, scrolling, filtering and resizing cost the same at 100,000
articles as at 5 (OptionList, DataTable and ListView build every row up front and do not scale:
mounting 100,000 items took OptionList 5.5 s and DataTable ~5 s, 10,000 took ListView 39 s).
Each line is built from plain strings as Segments, so a title is never parsed as markup.

Filtering takes a `Query` (see cooltui.query), which `ListFilter`, the field over the list,
parses as the user types. Title, status and annotation terms run at once; body terms read
article texts in a thread worker, which shows matches as it finds them and is cancelled by the
next `apply_filter`. When a project file gives the annotator articles, the list shows theirs
(assigned:me) unless the filter says whose to show (cooltui.query.in_force).
"""

from __future__ import annotations

import time
from bisect import bisect_left
from collections.abc import Callable, Sequence
from operator import attrgetter
from typing import ClassVar, NamedTuple

from rich.cells import set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.cache import LRUCache
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from cooltui.errors import CoolError
from cooltui.model import Status
from cooltui.query import ArticleFacts, ListRow, Query, QueryError, in_force, parse_query
from cooltui.text import cells, printable, truncate
from cooltui.tui.bindings import bindings_for
from cooltui.tui.scrolling import KeepsScrolledLines

FactsLookup = Callable[[str], ArticleFacts | None]
BodyLookup = Callable[[str], str]

STATUS_MARKS: dict[Status, str] = {
    Status.TODO: "◦",
    Status.IN_PROGRESS: "◔",
    Status.DONE: "✓",
    Status.SKIPPED: "↷",
    Status.FLAGGED: "⚑",
}
"""One cell each, and East Asian width "neutral", so no terminal draws them two cells wide."""
STALE_MARK = "!"
CURRENT_MARK = "▸"

_STATUS_CLASSES = {s: f"article-list--status-{s.value.replace('_', '-')}" for s in Status}
_HIGHLIGHT = ("article-list--highlight",)
_PLAIN: tuple[str, ...] = ()
_PREFIX_CELLS = 4
"""Current marker, status mark, stale mark, space."""
_META_MIN_ROOM = 40
"""Below this many cells for title and columns, the columns give way to the title."""
_GAP = 2
"""Cells between two columns."""
_MAX_CELLS = {"date": 10, "outlet": 20, "place": 16}
"""The widest each column gets (an ISO date; "lingkupperistiwa.com"): longer text is cut."""
_MIN_CUT = 8
"""An outlet or place cut narrower than this says too little: the column is left out."""
_PROGRESS_SECONDS = 0.1
"""How often the body search shows what it found."""

_RowStyles = tuple[Style, Style, Style, Style, Style]
"""A row's current marker, status mark, stale mark, title and columns."""


class _Columns(NamedTuple):
    """Cells of each part of a row after the marks; 0 for a column left out."""

    title: int
    outlet: int
    place: int
    date: int


def _columns(room: int, widest: dict[str, int]) -> _Columns:
    """Fixed column widths for `room` cells, the same for every row so that columns line up.

    `widest` is each column's widest text in the list (capped), so no column is wider than
    its text needs. The title keeps at least half the room; the date comes first, then the
    outlet, then the place; an outlet or place may be cut, a date never.
    """
    if room < _META_MIN_ROOM:
        return _Columns(room, 0, 0, 0)
    free = room - room // 2
    given: dict[str, int] = {}
    for name in ("date", "outlet", "place"):
        want = widest[name]
        give = min(want, free - _GAP)
        if want and give >= (want if name == "date" else min(want, _MIN_CUT)):
            given[name] = give
            free -= give + _GAP
    title = room - sum(width + _GAP for width in given.values())
    return _Columns(title, given.get("outlet", 0), given.get("place", 0), given.get("date", 0))


def _cell(text: str, width: int) -> str:
    """`text` cut to `width` cells and padded to exactly `width` (wide characters count two)."""
    text = truncate(text, width)
    return text + " " * (width - cells(text))


class _BodyMatches(Message, bubble=False):
    """From the body search worker to its list: rows found since the last message."""

    def __init__(
        self, generation: int, found: list[int], checked: int, total: int, done: bool
    ) -> None:
        super().__init__()
        self.generation = generation
        self.found = found
        self.checked = checked
        self.total = total
        self.done = done


class ArticleList(KeepsScrolledLines, can_focus=True):
    """The corpus as a list of articles: status, title, outlet, place and date; filterable."""

    BINDINGS: ClassVar[list[BindingType]] = bindings_for("list")  # see cooltui.keys

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-list--title",
        "article-list--dim",
        "article-list--highlight",
        "article-list--current",
        "article-list--stale",
        "article-list--empty",
        *_STATUS_CLASSES.values(),
    }
    """
    | Class | Description |
    | :- | :- |
    | `article-list--title` | A row's title. |
    | `article-list--dim` | A row's outlet, place and date. |
    | `article-list--highlight` | The highlighted row (the cursor), over the others. |
    | `article-list--current` | The row of the article open in the reader. |
    | `article-list--stale` | The "!" of an article whose text changed since it was annotated. |
    | `article-list--empty` | The "no articles" line. |
    | `article-list--status-todo`, `-in-progress`, `-done`, `-skipped`, `-flagged` | The mark. |
    """

    # The nocolor rule comes last: without colour the highlight must not rely on a background.
    DEFAULT_CSS = """
    ArticleList {
        height: 1fr;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-size-vertical: 1;
        background: $surface;
        border: tall $border-blurred;
        &:focus {
            border: tall $border;
        }
        & > .article-list--dim {
            color: $text-muted;
        }
        & > .article-list--current {
            text-style: bold;
        }
        & > .article-list--stale {
            color: $text-warning;
            text-style: bold;
        }
        & > .article-list--empty {
            color: $text-muted;
            text-style: italic;
        }
        & > .article-list--status-todo {
            color: $text-muted;
        }
        & > .article-list--status-in-progress {
            color: $text-accent;
        }
        & > .article-list--status-done {
            color: $text-success;
        }
        & > .article-list--status-skipped {
            color: $text-muted;
        }
        & > .article-list--status-flagged {
            color: $text-error;
        }
        & > .article-list--highlight {
            color: $block-cursor-blurred-foreground;
            background: $block-cursor-blurred-background;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .article-list--highlight {
            color: $block-cursor-foreground;
            background: $block-cursor-background;
            text-style: $block-cursor-text-style;
        }
        &:nocolor > .article-list--highlight {
            text-style: reverse;
        }
    }
    """

    class _ArticleMessage(Message):
        def __init__(self, article_list: ArticleList, article_id: str) -> None:
            super().__init__()
            self.article_list = article_list
            self.article_id = article_id

        @property
        def control(self) -> ArticleList:
            """The list that sent the message (for the `on` decorator's selectors)."""
            return self.article_list

    class Highlighted(_ArticleMessage):
        """The highlighted article changed (cursor, filter, set_rows or set_current)."""

    class Selected(_ArticleMessage):
        """The user chose an article: Enter, or a click on its row."""

    def __init__(
        self,
        rows: Sequence[ListRow] = (),
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._rows: list[ListRow] = []
        self._index: dict[str, int] = {}
        """Article id -> index in _rows."""
        self._shown: Sequence[int] = range(0)
        """Indices into _rows of the rows shown, ascending: a range when not filtered."""
        self._cursor: int | None = None
        """Position in _shown of the highlighted row."""
        self._current: str | None = None
        self._announced: str | None = None
        """The id the last Highlighted message carried: a move to the same row is quiet, and
        after a filter that matched nothing the highlight goes back to it."""
        self._query: Query | None = None
        """The filter typed."""
        self._in_force: Query | None = None
        """The filter in force: the one typed, and assigned:me unless it says whose articles."""
        self._facts: FactsLookup = lambda _id: None
        self._body: BodyLookup = lambda _id: ""
        self._generation = 0
        """Bumped by each filter run, so that a cancelled search's late results are dropped."""
        self._progress: tuple[int, int] | None = None
        """(checked, of) while a body search runs."""
        self._center_pending = False
        self._folding_started = False
        # Drawn rows, keyed on what they show: scrolling one row redraws one, not a screenful.
        self._strips: LRUCache[tuple[ListRow, int, bool, bool], Strip] = LRUCache(512)
        self._styles: dict[tuple[Status, bool, bool], _RowStyles] = {}
        self._widest = dict.fromkeys(_MAX_CELLS, 0)
        """Each column's widest text among the rows, capped: a column is no wider than that."""
        self._columns: dict[int, _Columns] = {}
        """The columns laid out for each room they were drawn in."""
        self.set_rows(rows)

    # --- the app's API ---------------------------------------------------------------------------

    @property
    def highlighted_id(self) -> str | None:
        """The id of the highlighted article, or None when no row is shown."""
        if self._cursor is None:
            return None
        return self._rows[self._shown[self._cursor]].id

    @property
    def visible_count(self) -> int:
        """How many rows the filter lets through (so far, while a body search runs)."""
        return len(self._shown)

    @property
    def total_count(self) -> int:
        return len(self._rows)

    def set_rows(self, rows: Sequence[ListRow]) -> None:
        """Show these rows instead; the filter in force and the highlighted id (if any) stay."""
        keep = self._last_highlighted()
        self._rows = list(rows)
        self._index = {row.id: index for index, row in enumerate(self._rows)}
        self._measure(self._rows, grow_only=False)
        self._run_filter(keep)

    def update_row(self, row: ListRow) -> None:
        """One article's row changed (its status, say); an id not in the list is ignored.

        The filter is not run again: a row that no longer matches stays until the next
        apply_filter, rather than vanishing from under the cursor while the user works on it.
        """
        index = self._index.get(row.id)
        if index is None or self._rows[index] == row:
            return
        self._rows[index] = row
        if self._measure([row], grow_only=True):
            self.refresh()  # a wider column moves every row's columns
        else:
            self._refresh_position(self._position_of(index))

    def set_current(self, article_id: str | None) -> None:
        """Mark the article open in the reader, and move the highlight to it (into view)."""
        previous, self._current = self._current, article_id
        if previous is not None and previous in self._index:
            self._refresh_position(self._position_of(self._index[previous]))
        if article_id is None or article_id not in self._index:
            return
        position = self._position_of(self._index[article_id])
        if position is not None:
            self._refresh_position(position)
            self._move_to(position, center=True)

    def apply_filter(self, query: Query | None, facts: FactsLookup, body: BodyLookup) -> None:
        """Show only the rows that match `query` (None or an empty query shows all, or the
        annotator's own articles: see cooltui.query.in_force).

        Body terms run in a worker: the rows appear as they are found, and the border's
        subtitle says "searching… N/M"; the next apply_filter cancels that search.
        """
        self._query = None if query is None or query.is_empty else query
        self._facts = facts
        self._body = body
        self._run_filter(self._last_highlighted())

    # --- actions ---------------------------------------------------------------------------------

    def action_cursor_up(self) -> None:
        self._move_to(0 if self._cursor is None else self._cursor - 1)

    def action_cursor_down(self) -> None:
        self._move_to(0 if self._cursor is None else self._cursor + 1)

    def action_page_up(self) -> None:
        self._move_page(-1)

    def action_page_down(self) -> None:
        self._move_page(1)

    def action_first(self) -> None:
        self._move_to(0)

    def action_last(self) -> None:
        self._move_to(len(self._shown) - 1)

    def action_select(self) -> None:
        article_id = self.highlighted_id
        if article_id is not None:
            self.post_message(self.Selected(self, article_id))

    # --- events ----------------------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        position = self.scroll_offset.y + offset.y
        if position < len(self._shown):
            self._move_to(position)
            self.action_select()

    def on_resize(self, event: events.Resize) -> None:
        # Rows were set (or set_current called) before the list had a height: scroll now.
        self._scroll_to_cursor(center=self._center_pending)

    @on(_BodyMatches)
    def _body_matches(self, message: _BodyMatches) -> None:
        if message.generation != self._generation:
            return  # a search the user has typed past
        self._progress = None if message.done else (message.checked, message.total)
        if message.found:
            shown = self._shown
            assert isinstance(shown, list)  # a body search always collects into a list
            shown.extend(message.found)
            # A new virtual size repaints the whole list, the new rows with it.
            self.virtual_size = Size(0, len(shown))
            if self._cursor is None:
                self._move_to(0)
        elif message.done and not self._shown:
            self.refresh()  # "searching…" becomes "no articles match"
        self._update_subtitle()

    # --- rendering -------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        position = self.scroll_offset.y + y
        if position < len(self._shown):
            return self._render_row(position, width)
        base = self.get_component_rich_style("article-list--title")
        if y == 0 and not self._shown:
            if self._progress is not None:
                message = "searching…"
            elif self._in_force is not None:
                message = "no articles match"
            else:
                message = "no articles"
            style = self.get_component_rich_style("article-list--empty")
            text = set_cell_size(f" {message}", width)
            return Strip([Segment(text, style)], width)
        return Strip.blank(width, base)

    def _render_row(self, position: int, width: int) -> Strip:
        row = self._rows[self._shown[position]]
        highlighted, current = position == self._cursor, row.id == self._current
        key = (row, width, highlighted, current)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._draw_row(row, width, highlighted, current)
            self._strips[key] = strip
        return strip

    def notify_style_update(self) -> None:
        self._strips.clear()
        self._styles.clear()
        super().notify_style_update()

    def _draw_row(self, row: ListRow, width: int, highlighted: bool, current: bool) -> Strip:
        mark, status, stale, title_style, dim = self._row_styles(row.status, highlighted, current)
        columns = self._columns_for(width - _PREFIX_CELLS)
        # A row is one line, drawn as it is: no control character or escape sequence may reach
        # the terminal (titles can be raw ids, see corpus.py).
        segments = [
            Segment(CURRENT_MARK if current else " ", mark),
            Segment(STATUS_MARKS[row.status], status),
            Segment(STALE_MARK if row.stale else " ", stale),
            Segment(f" {_cell(printable(row.title), columns.title)}", title_style),
        ]
        # Without a column of its own, the place stands in for a missing outlet ("DUMAI -").
        outlet = row.outlet or ("" if columns.place else row.place)
        meta = "".join(
            f"{' ' * _GAP}{_cell(printable(text), cells_wide)}"
            for text, cells_wide in (
                (outlet, columns.outlet),
                (row.place, columns.place),
                (row.date, columns.date),
            )
            if cells_wide
        )
        if meta:
            segments.append(Segment(meta, dim))
        if width < _PREFIX_CELLS:
            return Strip(segments).crop(0, width)
        return Strip(segments, width)

    def _row_styles(self, status: Status, highlighted: bool, current: bool) -> _RowStyles:
        """The styles of a row's parts: a page of new rows asks for the same few every time."""
        key = (status, highlighted, current)
        styles = self._styles.get(key)
        if styles is None:
            style = self.get_component_rich_style
            extra = _HIGHLIGHT if highlighted else _PLAIN
            title = (
                ("article-list--title", "article-list--current")
                if current
                else ("article-list--title",)
            )
            styles = self._styles[key] = (
                style("article-list--current", *extra),
                style(_STATUS_CLASSES[status], *extra),
                style("article-list--stale", *extra),
                style(*title, *extra),
                style("article-list--dim", *extra),
            )
        return styles

    # --- internals -------------------------------------------------------------------------------

    def _measure(self, rows: Sequence[ListRow], *, grow_only: bool) -> bool:
        """Find each column's widest text in `rows`; True when a column's width changed."""
        widest = dict.fromkeys(_MAX_CELLS, 0) if not grow_only else dict(self._widest)
        for name in ("outlet", "place"):
            # Outlets and places repeat: measure each distinct one once (100k rows, ~7 ms each).
            distinct = set(map(attrgetter(name), rows))
            found = max((cells(printable(text)) for text in distinct), default=0)
            widest[name] = min(_MAX_CELLS[name], max(widest[name], found))
        # Dates are ISO 8601 (or "--10-19"): the column is as wide as the longest form, as soon
        # as one row has a date; any() stops at the first.
        if any(map(attrgetter("date"), rows)):
            widest["date"] = _MAX_CELLS["date"]
        if widest == self._widest:
            return False
        self._widest = widest
        self._columns.clear()
        self._strips.clear()
        return True

    def _columns_for(self, room: int) -> _Columns:
        columns = self._columns.get(room)
        if columns is None:
            columns = self._columns[room] = _columns(room, self._widest)
        return columns

    def _position_of(self, index: int) -> int | None:
        """Where row `index` is in the shown rows, or None when filtered out."""
        shown = self._shown
        if isinstance(shown, range):
            return index if index < len(shown) else None
        position = bisect_left(shown, index)
        return position if position < len(shown) and shown[position] == index else None

    def _last_highlighted(self) -> str | None:
        """The highlighted id, or the last one while no row is shown (a filter matched none)."""
        return self.highlighted_id or self._announced

    def _refresh_position(self, position: int | None) -> None:
        if position is not None:
            self.refresh_line(position)

    def _run_filter(self, keep: str | None) -> None:
        """Filter the rows again; keep the highlight on `keep` when it is still shown."""
        self._generation += 1
        if self._progress is not None:
            self.workers.cancel_group(self, "article-list-body")
            self._progress = None
        query = self._in_force = in_force(self._query, self._rows)
        shown: Sequence[int]
        if query is None:
            shown = range(len(self._rows))
        else:
            shown = query.select(self._rows, self._facts if query.needs_facts else None)
            if query.needs_body:
                self._progress = (0, len(shown))
                self._search_bodies(self._generation, query, self._rows, shown, self._body)
                shown = []
        self._shown = shown
        self.virtual_size = Size(0, len(shown))
        index = None if keep is None else self._index.get(keep)
        position = None if index is None else self._position_of(index)
        self._cursor = None
        self.refresh()
        self._update_subtitle()
        if shown:
            self._move_to(position if position is not None else 0)

    def _move_to(self, position: int, *, center: bool = False) -> None:
        """Highlight the shown row at `position` (clamped), bring it into view, announce it."""
        if not self._shown:
            return
        position = max(0, min(position, len(self._shown) - 1))
        previous, self._cursor = self._cursor, position
        if previous != position:
            self._refresh_position(previous)
            self._refresh_position(position)
        self._scroll_to_cursor(center=center)
        article_id = self.highlighted_id
        if article_id is not None and article_id != self._announced:
            self._announced = article_id
            self.post_message(self.Highlighted(self, article_id))

    def _move_page(self, direction: int) -> None:
        if self._cursor is None:
            return
        page = max(1, self.scrollable_content_region.height)
        # Scroll by the same page, so that the highlight keeps its place on the screen.
        self.scroll_to(y=self.scroll_offset.y + direction * page, animate=False, force=True)
        self._move_to(self._cursor + direction * page)

    def _scroll_to_cursor(self, *, center: bool = False) -> None:
        """Scroll the least that shows the highlight; or centre it when it was out of view."""
        height = self.scrollable_content_region.height
        if self._cursor is None:
            return
        if height <= 0:
            self._center_pending = self._center_pending or center
            return
        self._center_pending = False
        top = self.scroll_offset.y
        position = self._cursor
        if top <= position < top + height:
            return
        if center:
            target = position - height // 2
        elif position < top:
            target = position
        else:
            target = position - height + 1
        self.scroll_to(y=target, animate=False, force=True)

    def _update_subtitle(self) -> None:
        total = len(self._rows)
        if self._progress is not None:
            checked, of = self._progress
            self.border_subtitle = f"searching… {checked:,}/{of:,}"
        elif self._in_force is not None:
            # Only the annotator's own articles, though nothing typed says so: "mine" says it.
            mine = "mine " if self._in_force is not self._query else ""
            self.border_subtitle = f"{mine}{len(self._shown):,}/{total:,}"
        else:
            self.border_subtitle = f"{total:,}"

    def prepare_filter(self) -> None:
        """Fold every row's title for matching, in the background, before the first query
        needs it (a filter that comes first folds what is left itself)."""
        if not self._folding_started:
            self._folding_started = True
            self._fold_rows(list(self._rows))

    @work(thread=True, group="article-list-fold")
    def _fold_rows(self, rows: list[ListRow]) -> None:
        for row in rows:
            row.haystack  # noqa: B018 (folds it and keeps it on the row)

    @work(thread=True, exclusive=True, group="article-list-body")
    def _search_bodies(
        self,
        generation: int,
        query: Query,
        rows: list[ListRow],
        candidates: Sequence[int],
        body: BodyLookup,
    ) -> None:
        """Read the candidates' texts, posting what matches every _PROGRESS_SECONDS."""
        worker = get_current_worker()
        found: list[int] = []
        total = len(candidates)
        last_post = time.monotonic()
        for checked, index in enumerate(candidates, 1):
            if worker.is_cancelled:
                return
            try:
                text = body(rows[index].id)
            except (OSError, CoolError):
                continue  # an article that cannot be read any more matches nothing
            if query.matches_body(text):
                found.append(index)
            now = time.monotonic()
            if now - last_post >= _PROGRESS_SECONDS:
                self.post_message(_BodyMatches(generation, found, checked, total, done=False))
                found, last_post = [], now
        if not worker.is_cancelled:
            self.post_message(_BodyMatches(generation, found, total, total, done=True))


class ListFilter(Widget):
    """The filter field over the list: the syntax under it while it has focus, and an error in
    full under it while what is typed cannot be parsed (the list keeps the last good filter).

    The field's border is too narrow for either (26 cells in a narrow terminal): both wrap
    below it instead. Posts `ListFilter.Changed` for each text that parses.
    """

    PLACEHOLDER = "words, field:value"
    """Short enough for the narrowest list; the hint under the field gives the examples."""

    DEFAULT_CSS = """
    ListFilter {
        height: auto;
        & > .list-filter--hint, & > .list-filter--error {
            display: none;
            padding: 0 1 0 2;
        }
        & > .list-filter--hint {
            color: $text-muted;
        }
        & > .list-filter--error {
            color: $text-error;
        }
        &.-focused > .list-filter--hint {
            display: block;
        }
        &.-error > .list-filter--hint {
            display: none;
        }
        &.-error > .list-filter--error {
            display: block;
        }
    }
    """

    class Changed(Message):
        """The filter text changed and parses: `query` is None when it is empty."""

        def __init__(self, list_filter: ListFilter, query: Query | None) -> None:
            super().__init__()
            self.list_filter = list_filter
            self.query = query

        @property
        def control(self) -> ListFilter:
            """The filter that sent the message (for the `on` decorator's selectors)."""
            return self.list_filter

    def __init__(
        self,
        groups: Sequence[str] = (),
        *,
        input_id: str | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """`groups` are the scheme's document label groups; `input_id` the field's id."""
        super().__init__(name=name, id=id, classes=classes)
        self.groups = tuple(groups)
        self._input_id = input_id

    def compose(self) -> ComposeResult:
        yield Input(placeholder=self.PLACEHOLDER, id=self._input_id)
        group = f" {self.groups[0]}:X" if self.groups else ""
        # The hint wraps at spaces: the phrase, the one term with a space, comes first so that
        # it is never broken (the narrowest field is 21 cells wide).
        hint = f'"a phrase" status:done label:PER{group} body:word -word'
        yield Static(Content(hint), classes="list-filter--hint")
        yield Static(classes="list-filter--error")

    # A class, not :focus-within: Textual restyles only the focused widget's ancestors when the
    # focus moves, and the hint is the field's sibling.
    @on(events.DescendantFocus)
    def _focused(self) -> None:
        self.add_class("-focused")

    @on(events.DescendantBlur)
    def _blurred(self) -> None:
        self.remove_class("-focused")

    @on(Input.Changed)
    def _parse(self, event: Input.Changed) -> None:
        # This widget's own message replaces the field's: the app hears one, with the query.
        event.stop()
        try:
            query = parse_query(event.value, self.groups) if event.value.strip() else None
        except QueryError as error:
            self.query_one(".list-filter--error", Static).update(Content(printable(str(error))))
            self.add_class("-error")
            return
        self.remove_class("-error")
        self.post_message(self.Changed(self, query))
