"""The help screen: the live key map, the scheme's labels and values, and the filter syntax.

Everything from the scheme file (names, descriptions) and from the app (key names, query help) is
shown as Content, never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import ItemGrid, Vertical, VerticalScroll
from textual.content import Content
from textual.geometry import Size
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Static

from cooltui.scheme import LabelGroup, Scheme
from cooltui.tui.sidebar import label_style

KEY_SECTIONS = ("Move/Select", "Label", "Spans", "Themes", "Article", "App")
"""The order of the key sections; a section the app names otherwise comes after these."""

_KEY_GAP = 2


class HelpTable(Widget, can_focus=False):
    """A titled two-column table; the second column wraps under itself, not under the keys."""

    DEFAULT_CSS = """
    HelpTable {
        height: auto;
    }
    """

    def __init__(
        self,
        title: Content,
        rows: Sequence[tuple[Content, Content]],
        *,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.title = title
        self.rows = list(rows)
        self._key_width = max((key.cell_length for key, _ in self.rows), default=0)
        self._cache: tuple[int, list[Content]] = (-1, [])

    def lines(self, width: int) -> list[Content]:
        """The table laid out for a width."""
        if self._cache[0] == width:
            return self._cache[1]
        indent = self._key_width + _KEY_GAP if self._key_width else 0
        # Long keys in a narrow column: each key on its own line, the text under it.
        stacked = indent > width // 2
        if stacked:
            indent = _KEY_GAP * 2
        text_width = max(10, width - indent)
        lines = [*self.title.wrap(max(1, width))]
        for key, text in self.rows:
            wrapped = text.wrap(text_width) or [Content("")]
            if stacked:
                lines.append(key)
            else:
                first = wrapped.pop(0)
                lines.append(Content.assemble(key.pad_right(indent - key.cell_length), first))
            lines.extend(Content.assemble(" " * indent, line) for line in wrapped)
        self._cache = (width, lines)
        return lines

    def render(self) -> Content:
        return Content("\n").join(self.lines(self.content_size.width))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines(width))


def _heading(text: str, note: str = "") -> Content:
    return Content.assemble((text, "bold $text-accent"), (note, "$text-muted"))


def _key(text: str) -> Content:
    return Content.styled(text, "bold")


def key_tables(keys: Sequence[tuple[str, str, str]]) -> list[HelpTable]:
    """One table per key section, in KEY_SECTIONS order, then any other section as first met."""
    sections: dict[str, list[tuple[Content, Content]]] = {name: [] for name in KEY_SECTIONS}
    for key, description, section in keys:
        sections.setdefault(section, []).append((_key(key), Content(description)))
    return [
        HelpTable(_heading(name), rows, classes="help--keys")
        for name, rows in sections.items()
        if rows
    ]


def label_table(scheme: Scheme) -> HelpTable:
    rows = [
        (
            Content.assemble((label.key, "bold"), " ", (label.name, label_style(label.color))),
            Content(label.description),
        )
        for label in scheme.labels
    ]
    return HelpTable(
        _heading("Span labels", "  select text, press the key"), rows, classes="help--labels"
    )


def query_table(query_help: str) -> HelpTable:
    """The filter syntax as a table: each line is a term, two spaces or more, and what it does;
    a line that starts with a space goes on with the line before."""
    rows: list[tuple[str, str]] = []
    for line in query_help.splitlines():
        if line[:1].isspace() and rows:
            term, text = rows[-1]
            rows[-1] = (term, f"{text} {line.strip()}")
        elif line.strip():
            term, _, text = line.strip().partition("  ")
            rows.append((term, text.strip()))
    return HelpTable(
        _heading("Filter the article list"),
        [(_key(term), Content(text)) for term, text in rows],
        classes="help--query",
    )


def group_table(group: LabelGroup) -> HelpTable:
    key_width = max((len(value.key) for value in group.values if value.key), default=0)
    rows = [
        (
            Content.assemble(
                (f"{value.key or '':<{key_width}} " if key_width else "", "bold"), value.name
            ),
            Content(value.description),
        )
        for value in group.values
    ]
    note = "  any number" if group.multi else "  one at most"
    title = _heading(group.name, note)
    if group.description:
        title = Content("\n").join([title, Content.styled(group.description, "italic")])
    return HelpTable(title, rows, classes="help--group")


class HelpScreen(ModalScreen[None]):
    """Every key of the app by section, the scheme's labels and values, and the filter syntax.

    `keys` are (key as shown, what it does, section) rows from the app's live key map
    (cooltui.tui.bindings.help_rows), so keys remapped in the scheme's [keys] table show as they
    are.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close help", id="help.close"),
    ]
    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }
    #help-dialog {
        width: 1fr;
        height: 1fr;
        max-width: 200;
        margin: 1 2;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    #help-title, #help-footer {
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    #help-footer { color: $text-muted; }
    #help-body {
        height: 1fr;
        scrollbar-size-vertical: 1;
    }
    #help-grid {
        grid-gutter: 1 3;
    }
    """

    def __init__(self, scheme: Scheme, keys: Sequence[tuple[str, str, str]], query_help: str):
        super().__init__()
        self.scheme = scheme
        self.keys = tuple(keys)
        self.query_help = query_help

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog"):
            yield Static(
                Content.assemble(("cooltui help", "bold"), "  scheme: ", self.scheme.name),
                id="help-title",
            )
            with (
                VerticalScroll(id="help-body"),
                ItemGrid(id="help-grid", min_column_width=56, stretch_height=False),
            ):
                yield from key_tables(self.keys)
                yield label_table(self.scheme)
                yield from (group_table(group) for group in self.scheme.groups)
                yield query_table(self.query_help)
            yield Static(Content("Esc, q or ? closes   ↑ ↓ PgUp PgDn scroll"), id="help-footer")

    def action_close(self) -> None:
        self.dismiss(None)
