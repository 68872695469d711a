"""The help screen: every key the app passes, every label and value of the scheme, the filter."""

from __future__ import annotations

import pytest
from textual.app import App
from textual.widgets import Static

from cooltui.query import QUERY_HELP as FILTER_HELP
from cooltui.scheme import LabelGroup, Scheme, SpanLabel, load_scheme
from cooltui.tui.help import HelpScreen, HelpTable

SIZES = [(80, 24), (200, 60)]
SCHEME = load_scheme()
KEYS = [
    ("←→↑↓", "move the cursor", "Move/Select"),
    ("p r j …", "label the selection", "Label"),
    ("X, delete", "remove the span under the cursor", "Spans"),
    ("1-0", "toggle a theme", "Themes"),
    ("ctrl+k", "mark done, go to the next article", "Article"),
    ("F10", "quit", "App"),
    ("ctrl+p", "commands", "Elsewhere"),
]
QUERY_HELP = "status:done  label:PER  -word [/] excludes"


class HelpApp(App[None]):
    def __init__(self, scheme: Scheme = SCHEME, query_help: str = QUERY_HELP) -> None:
        super().__init__()
        self.scheme = scheme
        self.query_help = query_help

    def on_mount(self) -> None:
        self.push_screen(HelpScreen(self.scheme, KEYS, self.query_help))


def help_text(app: App) -> str:
    """Everything the help screen holds, scrolled into view or not, as the user reads it."""
    screen = app.screen
    assert isinstance(screen, HelpScreen)
    return "\n".join(str(widget.render()) for widget in screen.query("HelpTable, Static"))


def table(app: App, title: str) -> list[str]:
    """The lines of the table with this title, laid out at its width."""
    for widget in app.screen.query(HelpTable):
        lines = [str(line) for line in widget.lines(widget.content_size.width)]
        if lines[0].startswith(title):
            return lines
    raise AssertionError(f"no table {title!r}")


@pytest.mark.parametrize("size", SIZES)
async def test_help_lists_every_key_label_value_and_the_query_help(size):
    app = HelpApp()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        text = help_text(app)
        for key, description, section in KEYS:
            assert key in text and description in text and section in text
        for label in SCHEME.labels:
            assert any(
                line.startswith(f"{label.key} {label.name} ") for line in table(app, "Span labels")
            )
        themes = table(app, "themes")
        for value in SCHEME.group("themes").values:
            assert any(line.startswith(f"{value.key or ' '} {value.name}") for line in themes)
        activity = table(app, "activity")
        for value in SCHEME.group("activity").values:
            named = f"{value.key} {value.name}  " if value.key else f"{value.name}  "
            assert any(line.startswith(named) for line in activity)
        assert QUERY_HELP in text
        assert "Esc, q or ? closes" in text


@pytest.mark.parametrize("size", SIZES)
async def test_the_filter_help_is_a_table_that_wraps_under_its_own_column(size):
    app = HelpApp(query_help=FILTER_HELP)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        entries: list[tuple[str, str]] = []  # a line led by spaces goes on with the one before
        for line in FILTER_HELP.splitlines():
            if line.startswith(" "):
                entries[-1] = (entries[-1][0], f"{entries[-1][1]} {line.strip()}")
            else:
                term, text = line.split("  ", 1)
                entries.append((term, text.strip()))
        lines = table(app, "Filter the article list")
        indent = max(len(term) for term, _ in entries) + 2
        starts = [n for n, line in enumerate(lines) if not line.startswith(" ")][1:]
        assert [lines[n].split("  ", 1)[0] for n in starts] == [term for term, _ in entries]
        # Every line of a description starts at its column: none runs back under the terms.
        for line in lines[1:]:
            assert line[indent - 2 : indent] == "  " and line[indent] != " ", line
        said = " ".join(line[indent:].strip() for line in lines[1:])
        for _, text in entries:
            assert " ".join(text.split()) in said
        assert "finished" in said.replace("unfinished", "")


async def test_key_sections_come_in_the_fixed_order_then_the_others():
    app = HelpApp()
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.pause()
        titles = [str(t.title).split("\n")[0] for t in app.screen.query(HelpTable)]
        assert titles[:7] == [
            "Move/Select",
            "Label",
            "Spans",
            "Themes",
            "Article",
            "App",
            "Elsewhere",
        ]


async def test_a_long_description_wraps_under_its_own_column():
    app = HelpApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        labels = table(app, "Span labels")
        first = labels.index(next(line for line in labels if line.startswith("p PER ")))
        assert labels[first + 1].startswith(" " * 9) and labels[first + 1].strip()


@pytest.mark.parametrize("key", ["escape", "q", "question_mark"])
async def test_esc_q_and_question_mark_close_the_help(key):
    app = HelpApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("pagedown", "down")
        await pilot.press(key)
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_the_help_scrolls_at_80x24():
    app = HelpApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        body = app.screen.query_one("#help-body")
        assert body.max_scroll_y > 0
        await pilot.press("pagedown")
        await pilot.pause()
        assert body.scroll_y > 0


async def test_a_users_scheme_text_is_never_markup():
    hostile = "[@click=app.quit]boom[/] [bold]"
    scheme = Scheme(
        "[/]",
        (SpanLabel("PER", "p", "bright_red", hostile),),
        (LabelGroup("topic", True, (), description=hostile),),
    )
    app = HelpApp(scheme)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = help_text(app)
        assert f"PER  {hostile}" in text
        assert str(app.screen.query_one("#help-title", Static).render()).endswith("scheme: [/]")
        await pilot.click("HelpTable", offset=(12, 1))
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, HelpScreen)
