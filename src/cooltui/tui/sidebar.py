"""The right column of the main screen: document labels, spans, note and the label legend.

The sidebar never takes focus, so the reader keeps the keyboard; rows are plain lines of Content
that post a message when clicked. The app owns the data: it calls `Sidebar.show()` after every
edit, and the sidebar only re-renders the sections whose input changed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import ClassVar, NamedTuple

from rich.color import Color as RichColor
from rich.color import ColorParseError
from textual import events, on
from textual.app import ComposeResult
from textual.color import Color
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.geometry import Region, Size
from textual.message import Message
from textual.strip import Strip
from textual.style import Style
from textual.visual import Visual
from textual.widget import Widget
from textual.widgets import Static

from cooltui.model import Annotation, Span
from cooltui.scheme import LabelGroup, Scheme
from cooltui.session import ReviewItem
from cooltui.span_groups import SpanGroups
from cooltui.team.proposers import proposers
from cooltui.text import printable, truncate

SUGGESTED_MARK = "✦"

"""Marks a document label value that the suggester proposes (text, so it survives NO_COLOR)."""

TEXTS_PER_LABEL = 8
"""Distinct span texts listed under each label; a long article's full list helps nobody and
re-laying out a thousand rows on every edit would slow the keys down."""

SUGGESTIONS_LISTED = 12
"""Suggestions listed, in text order; a long article can have hundreds (tab and enter in the
reader reach them all)."""

_SPAN_TEXT_MAX = 80
_NOTE_LINES = 3
_UNSET = object()


@lru_cache(maxsize=256)
def label_style(color: str) -> Style:
    """A bold Textual style in a scheme colour, which is written for rich ("bright_red").

    Textual's own colour parser rejects rich's names, so the colour goes through rich first.
    """
    try:
        foreground = Color.from_rich_color(RichColor.parse(color))
    except ColorParseError:
        return Style(bold=True)
    return Style(foreground=foreground, bold=True)


def first_key(keys: str) -> str:
    """The first of a binding's comma-separated keys, as the help and hints show it."""
    return keys.split(",", maxsplit=1)[0].strip()


@lru_cache(maxsize=8192)
def one_line(text: str, limit: int = _SPAN_TEXT_MAX) -> str:
    """A span's text on one line: whitespace runs (line breaks too) become one space."""
    return truncate(text, limit, flatten=True)


def value_rows(
    group: LabelGroup,
    chosen: Sequence[str],
    suggested: frozenset[tuple[str, str]],
    marks: Mapping[tuple[str, str], str] | None = None,
) -> list[tuple[Content, str]]:
    """One line per value of a group: its mark, [x]/( ) mark, key, name. The mark is the
    value's in `marks` (in a review: the letters of the annotators who chose it), else the
    suggestion mark for a suggested value.

    Values chosen but no longer in the scheme are listed too, so they can be seen and removed.
    """
    on_box, off_box = ("[x]", "[ ]") if group.multi else ("(•)", "( )")
    key_width = max((len(v.key) for v in group.values if v.key), default=0)
    names = [(v.name, v.key) for v in group.values]
    names += [(name, None) for name in chosen if group.value(name) is None]
    marks = marks or {}
    width = max((len(marks.get((group.name, name), "")) for name, _ in names), default=1) or 1
    rows: list[tuple[Content, str]] = []
    for name, key in names:
        is_chosen = name in chosen
        key_part = f"{key or '':<{key_width}} " if key_width else ""
        mark = marks.get((group.name, name)) or (
            SUGGESTED_MARK if (group.name, name) in suggested else ""
        )
        rows.append(
            (
                Content.assemble(
                    (f"{mark:<{width}}", "$text-warning") if mark else " " * width,
                    (on_box if is_chosen else off_box, "bold" if is_chosen else ""),
                    " ",
                    (key_part, "$text-muted"),
                    (name, "bold $text-success" if is_chosen else ""),
                ),
                name,
            )
        )
    return rows


@lru_cache(maxsize=4096)
def _span_row(text: str, count: int) -> Content:
    # Cached: an edit re-renders every span row, but most rows are the same as before.
    return Content.assemble("  ", text, (f" ×{count}", "$text-muted") if count > 1 else "")


class _ValueRef(NamedTuple):
    group: str
    value: str


Row = tuple[Content, object | None]
"""A line of a SidebarRows and what a click on it chooses (None: not clickable)."""


class SidebarRows(Widget, can_focus=False):
    """Lines of content, one row each (never wrapped), some of which can be clicked.

    Each row is drawn on its own and kept: after an edit only the rows that changed repaint
    (a new span changes a count or two among a hundred rows).
    """

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {"sidebar-rows--hover"}
    DEFAULT_CSS = """
    SidebarRows {
        height: auto;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        margin-bottom: 1;
        & > .sidebar-rows--hover { background: $boost; text-style: underline; }
    }
    """

    class Clicked(Message):
        """A clickable row was clicked; the sidebar turns this into its public messages."""

        def __init__(self, payload: object) -> None:
            super().__init__()
            self.payload = payload

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._rows: list[Row] = []
        self._hover: int | None = None
        self._strips: dict[int, Strip] = {}
        self._strips_width = 0

    @property
    def lines(self) -> list[str]:
        """The plain text of each row, as shown."""
        return [content.plain for content, _ in self._rows]

    def set_rows(self, rows: Sequence[Row]) -> None:
        previous, self._rows = self._rows, list(rows)
        self._set_hover(None)
        if len(previous) != len(self._rows):
            # Rows never wrap: only a change in their number changes the size.
            self._strips.clear()
            self.refresh(layout=True)
            return
        for y, ((content, _), (before, _)) in enumerate(zip(self._rows, previous, strict=True)):
            if content is not before and content != before:
                self._refresh_row(y)

    def _refresh_row(self, y: int) -> None:
        self._strips.pop(y, None)
        self.refresh(Region(0, y, self.size.width, 1))

    def _set_hover(self, row: int | None) -> None:
        if row != self._hover:
            for y in (self._hover, row):
                if y is not None:
                    self._refresh_row(y)
            self._hover = row

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if width != self._strips_width:
            self._strips.clear()
            self._strips_width = width
        strip = self._strips.get(y)
        if strip is None:
            strip = self._render_row(y, width)
            self._strips[y] = strip
        return strip

    def _render_row(self, y: int, width: int) -> Strip:
        if y >= len(self._rows):
            return Strip.blank(width, self.visual_style.rich_style)
        content = self._rows[y][0]
        if y == self._hover:
            content = content.stylize(self.get_visual_style("sidebar-rows--hover", partial=True))
        strips = Visual.to_strips(self, content, width, 1, self.visual_style)
        return strips[0] if strips else Strip.blank(width, self.visual_style.rich_style)

    def notify_style_update(self) -> None:
        self._strips.clear()
        super().notify_style_update()

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # Rows never wrap, so the height is known without rendering.
        return len(self._rows)

    def _row_at(self, event: events.MouseEvent) -> int | None:
        offset = event.get_content_offset(self)
        if offset is None or not 0 <= offset.y < len(self._rows):
            return None
        return offset.y if self._rows[offset.y][1] is not None else None

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._set_hover(self._row_at(event))

    def on_leave(self, _: events.Leave) -> None:
        self._set_hover(None)

    def on_click(self, event: events.Click) -> None:
        row = self._row_at(event)
        if row is not None:
            event.stop()
            self.post_message(self.Clicked(self._rows[row][1]))


class SidebarLegend(Widget, can_focus=False):
    """Each span label's key and name in its colour, as many to a line as fit the width."""

    DEFAULT_CSS = """
    SidebarLegend {
        height: auto;
        border-top: hkey $panel-lighten-2;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self, scheme: Scheme, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._cells = [
            Content.assemble((label.key, "bold"), " ", (label.name, label_style(label.color)))
            for label in scheme.labels
        ]
        self._cell_width = max((cell.cell_length for cell in self._cells), default=0) + 2

    def _columns(self, width: int) -> int:
        return max(1, (width + 2) // self._cell_width)

    def lines(self, width: int) -> list[Content]:
        """The legend laid out for a width: cells padded to one width, row after row."""
        columns = self._columns(width)
        return [
            Content("").join(
                cell.pad_right(self._cell_width - cell.cell_length) if i < columns - 1 else cell
                for i, cell in enumerate(self._cells[start : start + columns])
            )
            for start in range(0, len(self._cells), columns)
        ]

    def render(self) -> Content:
        return Content("\n").join(self.lines(self.content_size.width))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return -(-len(self._cells) // self._columns(width))


class SidebarBody(VerticalScroll, can_focus=False):
    """The scrolling part of the sidebar; scrolls with the mouse wheel, never takes focus."""


class Sidebar(Vertical):
    """Document label groups, spans by label, spans to review, suggestions, note and legend.

    Call `show()` with the open article's annotation whenever it changes. Clicks post
    `ValueToggled` and `SpanChosen`; the app applies them and calls `show()` again.
    """

    DEFAULT_CSS = """
    Sidebar {
        width: 25%;
        min-width: 30;
        max-width: 44;
        height: 1fr;
        border-left: vkey $panel-lighten-2;
        padding-left: 1;
        & > SidebarBody { height: 1fr; scrollbar-size-vertical: 1; }
        .sidebar--placeholder { color: $text-muted; }
        #sidebar-note { text-wrap: nowrap; text-overflow: ellipsis; margin-bottom: 1; }
    }
    """

    class ValueToggled(Message):
        """The annotator clicked a document label value: toggle it in its group."""

        def __init__(self, group: str, value: str) -> None:
            super().__init__()
            self.group = group
            self.value = value

    class ReviewChosen(Message):
        """The annotator clicked a span waiting for review: the reader should go to it."""

        def __init__(self, item: ReviewItem) -> None:
            super().__init__()
            self.item = item

    class SpanChosen(Message):
        """The annotator clicked a span (or a suggestion): the reader should go to it."""

        def __init__(self, span: Span) -> None:
            super().__init__()
            self.span = span

    def __init__(
        self, scheme: Scheme, *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.scheme = scheme
        # Built here rather than in compose, so show() works before the sidebar is mounted.
        self.placeholder = Static(
            Content("no article open"), classes="sidebar--placeholder", id="sidebar-placeholder"
        )
        self.groups = {
            group.name: SidebarRows(id=f"sidebar-group-{group.name}", classes="sidebar--group")
            for group in scheme.groups
        }
        self.note = Static(Content(""), id="sidebar-note")
        self.review = SidebarRows(id="sidebar-review")
        self.spans = SidebarRows(id="sidebar-spans")
        self.suggestions = SidebarRows(id="sidebar-suggestions")
        self.legend = SidebarLegend(scheme, id="sidebar-legend")
        # What each section last showed: an edit that leaves the spans alone (a theme, the
        # note) re-renders only the section it touched.
        self._shown: dict[str, object] = {}
        # Which occurrence of a "Kompol ×2" row the next click goes to.
        self._next_occurrence: dict[tuple[Span, ...], int] = {}
        # The spans section's rows of each label, kept between edits: an edit regroups only
        # the labels of the spans it added or removed, not all thousand spans.
        self._label_rows: dict[str, list[Row]] = {}
        self._groups = SpanGroups(one_line)
        """The spans grouped per label, then per text as a row shows it: an edit regroups the
        labels it touched without a walk over their spans."""
        self._article_id: str | None = None
        self.letters: Mapping[str, str] = {}
        """In a review: each annotator's letter, to mark what they proposed."""
        self.show(None)

    def compose(self) -> ComposeResult:
        with SidebarBody():
            yield self.placeholder
            yield from self.groups.values()
            yield self.note
            yield self.review
            yield self.spans
            yield self.suggestions
        yield self.legend

    def show(
        self,
        annotation: Annotation | None,
        suggested: frozenset[tuple[str, str]] = frozenset(),
        suggestions: Sequence[Span] = (),
        review: Sequence[ReviewItem] = (),
        marks: Mapping[tuple[str, str], str] | None = None,
    ) -> None:
        """Show an article's annotation (None: no article open), with the suggestions on offer
        and its spans waiting for review; cheap enough for every edit."""
        is_open = annotation is not None
        self.placeholder.display = not is_open
        for widget in (*self.groups.values(), self.note, self.spans):
            widget.display = is_open
        if annotation is None:
            self.review.display = self.suggestions.display = False
            self._shown.clear()
            return
        if annotation.article_id != self._article_id:
            self._article_id = annotation.article_id
            self._next_occurrence.clear()
            self._regroup_from_scratch()
        for group in self.scheme.groups:
            chosen = annotation.doc_labels.get(group.name, ())
            if self._changed(f"group:{group.name}", (chosen, suggested, marks)):
                self.groups[group.name].set_rows(self._group_rows(group, chosen, suggested, marks))
        if self._changed("note", annotation.note):
            self.note.update(self._note_content(annotation.note))
        review = tuple(review)
        if self._changed("review", review):
            self.review.display = bool(review)
            self.review.set_rows(self._review_rows(review))
        if self._changed("spans", annotation.spans):
            self.spans.set_rows(self._span_rows(annotation.spans))
        suggestions = tuple(suggestions)
        if self._changed("suggestions", suggestions):
            self.suggestions.display = bool(suggestions)
            self.suggestions.set_rows(self._suggestion_rows(suggestions))

    def _changed(self, section: str, value: object) -> bool:
        # Tuples of the same spans compare element by element by identity first: fast.
        previous = self._shown.get(section, _UNSET)
        if previous is value or previous == value:
            return False
        self._shown[section] = value
        return True

    def _group_rows(
        self,
        group: LabelGroup,
        chosen: Sequence[str],
        suggested: frozenset[tuple[str, str]],
        marks: Mapping[tuple[str, str], str] | None,
    ) -> list[Row]:
        count = sum(1 for name in chosen if name)
        heading = Content.assemble(
            (group.name, "bold"),
            (f" ({count})" if count else "", "bold"),
            (" · any" if group.multi else " · one", "$text-muted"),
        )
        return [
            (heading, None),
            *(
                (content, _ValueRef(group.name, name))
                for content, name in value_rows(group, chosen, suggested, marks)
            ),
        ]

    def _note_content(self, note: str) -> Content:
        if not note.strip():
            key = first_key(self.scheme.app_keys.get("edit_note", "c"))
            return Content.assemble(("note", "bold"), "\n", (f"no note — {key} to write", "dim"))
        lines = note.strip().splitlines()
        # A note saved by an older cooltui, or edited by hand in the store, may hold controls.
        shown = [Content(printable(line)) for line in lines[:_NOTE_LINES]]
        if len(lines) > _NOTE_LINES:
            shown.append(Content.styled(f"… (+{len(lines) - _NOTE_LINES} lines)", "dim"))
        return Content("\n").join([Content.styled("note", "bold"), *shown])

    def _label_name(self, label: str) -> Content:
        found = self.scheme.label(label)
        return Content.styled(label, label_style(found.color) if found else "bold")

    def _span_rows(self, spans: Sequence[Span]) -> list[Row]:
        for label in self._groups.update(spans):
            self._label_rows[label] = self._label_group(label)
        rows: list[Row] = [(Content.styled(f"spans ({len(spans)})", "bold underline"), None)]
        if not spans:
            hint = "  none yet: select text, press a label key"
            return [*rows, (Content.styled(hint, "dim"), None)]
        known = [label.name for label in self.scheme.labels]
        others = sorted(set(self._label_rows) - set(known))
        for label in [*known, *others]:
            rows.extend(self._label_rows.get(label, ()))
        return rows

    def _regroup_from_scratch(self) -> None:
        """Forget the grouping: the next spans shown are grouped anew (another article)."""
        self._label_rows.clear()
        self._groups.clear()

    def _label_group(self, label: str) -> list[Row]:
        """A label's heading with its count, then its first TEXTS_PER_LABEL distinct texts (in
        the order they first occur)."""
        count = self._groups.count(label)
        if not count:
            return []
        rows: list[Row] = [(Content.assemble(self._label_name(label), f" ({count})"), None)]
        shown = self._groups.texts(label, TEXTS_PER_LABEL)
        rows.extend((_span_row(text, len(same)), same) for text, same in shown)
        hidden = self._groups.distinct(label) - len(shown)
        if hidden:
            more = f"  … {hidden} more (tab walks through every span)"
            rows.append((Content.styled(more, "dim"), None))
        return rows

    def _review_rows(self, review: Sequence[ReviewItem]) -> list[Row]:
        heading = Content.styled(f"needs review ({len(review)})", "bold $text-warning")
        rows: list[Row] = [(heading, None)]
        for item in review:
            proposed = item.proposed
            place = (
                ("  → ", one_line(proposed.text, 30), "?")
                if proposed is not None and proposed.text != item.entry.text
                else ()
            )
            where = ("  (no place found)", "$text-muted") if proposed is None else ""
            rows.append(
                (
                    Content.assemble(
                        "  ! ",
                        self._label_name(item.entry.label),
                        " ",
                        one_line(item.entry.text, 30),
                        *place,
                        where,
                    ),
                    item,
                )
            )
        return rows

    def _suggestion_rows(self, suggestions: Sequence[Span]) -> list[Row]:
        heading = Content.styled(f"suggested ({len(suggestions)})", "bold $text-muted")
        rows: list[Row] = [(heading, None)]
        rows.extend(
            (
                Content.assemble(
                    f"  {self._proposed_by(span)} ",
                    self._label_name(span.label),
                    " ",
                    (one_line(span.text), "$text-muted"),
                ),
                (span,),
            )
            for span in suggestions[:SUGGESTIONS_LISTED]
        )
        if len(suggestions) > SUGGESTIONS_LISTED:
            more = f"  … {len(suggestions) - SUGGESTIONS_LISTED} more in the text"
            rows.append((Content.styled(more, "dim"), None))
        return rows

    def _proposed_by(self, span: Span) -> str:
        """A suggestion's mark: in a review, the letters of the annotators who made it."""
        names = proposers(span.source)
        if not names or not self.letters:
            return SUGGESTED_MARK
        return "".join(self.letters.get(name, "?") for name in names)

    def show_next_part(self) -> str | None:
        """Scroll the next part (a label group, the note, the spans waiting for review, the
        spans, the suggestions) to the top, after the last wrapping to the first: the keyboard's
        way to every part on a small screen. Its name, or None when everything is in view."""
        body = self.query_one(SidebarBody)
        if body.max_scroll_y <= 0:
            return None
        parts = [part for part in self._parts() if part.display]
        top = round(body.scroll_y)
        following = [p for p in parts if p.virtual_region.y > top]
        if body.scroll_y >= body.max_scroll_y or not following:
            following = parts  # at the end: back to the first
        part = following[0]
        body.scroll_to(y=part.virtual_region.y, animate=False, immediate=True)
        return self._part_names[part.id or ""]

    def _parts(self) -> list[Widget]:
        return [*self.groups.values(), self.note, self.review, self.spans, self.suggestions]

    @property
    def _part_names(self) -> dict[str, str]:
        names = {f"sidebar-group-{group.name}": group.name for group in self.scheme.groups}
        return names | {
            "sidebar-note": "note",
            "sidebar-review": "needs review",
            "sidebar-spans": "spans",
            "sidebar-suggestions": "suggestions",
        }

    @on(SidebarRows.Clicked)
    def _row_clicked(self, event: SidebarRows.Clicked) -> None:
        event.stop()
        payload = event.payload
        if isinstance(payload, _ValueRef):
            self.post_message(self.ValueToggled(payload.group, payload.value))
            return
        if isinstance(payload, ReviewItem):
            self.post_message(self.ReviewChosen(payload))
            return
        assert isinstance(payload, tuple)
        # Repeated clicks on "Kompol ×2" visit each occurrence in turn.
        index = self._next_occurrence.get(payload, 0) % len(payload)
        self._next_occurrence[payload] = index + 1
        self.post_message(self.SpanChosen(payload[index]))
