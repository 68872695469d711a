"""The article list driven through Pilot: what it shows, keys, mouse, filters, 100k rows."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from painting import stale_lines
from rich.cells import cell_len, set_cell_size
from textual import events, on
from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input

from cooltui.model import Status
from cooltui.query import ArticleFacts, ListRow, Query, QueryError, parse_query
from cooltui.text import truncate
from cooltui.tui.article_list import CURRENT_MARK, STATUS_MARKS, ArticleList, ListFilter

GROUPS = ("themes", "activity")
STATUSES = list(Status)


def make_rows(count: int) -> list[ListRow]:
    return [
        ListRow(
            id=f"a{i:06d}",
            title=f"Berita nomor {i} Polsek {'Minas' if i % 2 else 'Dumai'}",
            outlet="TOPIKMETRO.COM",
            date="2024-08-14",
            status=STATUSES[i % len(STATUSES)],
        )
        for i in range(count)
    ]


class ListApp(App[None]):
    """Only an ArticleList, and the messages it sent."""

    def __init__(self, rows: Sequence[ListRow]) -> None:
        super().__init__()
        self.rows = rows
        self.highlighted: list[str] = []
        self.selected: list[str] = []

    def compose(self) -> ComposeResult:
        yield ArticleList(self.rows)

    def on_mount(self) -> None:
        self.query_one(ArticleList).focus()

    def on_article_list_highlighted(self, message: ArticleList.Highlighted) -> None:
        assert isinstance(message.control, ArticleList)
        self.highlighted.append(message.article_id)

    def on_article_list_selected(self, message: ArticleList.Selected) -> None:
        self.selected.append(message.article_id)


def lines(widget: ArticleList) -> list[str]:
    """The text of every line the list shows now, as painted (a row not refreshed shows stale)."""
    content = widget.content_region.translate(-widget.region.offset)
    width = widget.scrollable_content_region.width  # without the scrollbar
    return [
        strip.text
        for strip in widget.render_lines(Region(content.x, content.y, width, content.height))
    ]


def shown_ids(widget: ArticleList) -> list[str]:
    """The ids of all rows the filter lets through, by walking the list with the keys' actions."""
    ids = []
    widget.action_first()
    for _ in range(widget.visible_count):
        ids.append(widget.highlighted_id)
        widget.action_cursor_down()
    return ids


async def settle(app: App[None], pilot: Pilot[None]) -> None:
    """Wait (up to 5 s) until no worker runs, then until the list has handled what they sent."""
    for _ in range(500):
        if not any(worker.is_running for worker in app.workers):
            break
        await pilot.pause(0.01)
    else:
        pytest.fail("the body search did not finish in 5 s")
    await pilot.pause()


def no_facts(article_id: str) -> ArticleFacts | None:
    return None


def no_body(article_id: str) -> str:
    return ""


async def test_rows_show_mark_title_outlet_and_date() -> None:
    rows = make_rows(5)
    rows[3] = ListRow("a000003", "Stale one", "ZONA", "2024-01-02", Status.DONE, stale=True)
    app = ListApp(rows)
    async with app.run_test(size=(80, 24)):
        widget = app.query_one(ArticleList)
        shown = lines(widget)
        width = widget.scrollable_content_region.width
        assert shown[0].startswith(f" {STATUS_MARKS[Status.TODO]}  Berita nomor 0 Polsek Dumai")
        assert shown[0].endswith("TOPIKMETRO.COM  2024-08-14")
        assert shown[1][1] == STATUS_MARKS[Status.IN_PROGRESS]
        assert shown[3].startswith(f" {STATUS_MARKS[Status.DONE]}! Stale one")
        assert shown[4][1] == STATUS_MARKS[Status.FLAGGED]
        assert all(cell_len(line) == width for line in shown)
        assert shown[5].strip() == ""
        assert len(set(STATUS_MARKS.values())) == len(Status)
        assert widget.total_count == widget.visible_count == 5
        assert app.highlighted == ["a000000"]


async def test_keys_move_the_highlight_and_enter_selects() -> None:
    app = ListApp(make_rows(100))
    async with app.run_test(size=(80, 24)) as pilot:
        widget = app.query_one(ArticleList)
        height = widget.scrollable_content_region.height
        await pilot.press("down", "down")
        assert widget.highlighted_id == "a000002"
        await pilot.press("up")
        assert app.highlighted == ["a000000", "a000001", "a000002", "a000001"]
        await pilot.press("enter")
        assert app.selected == ["a000001"]
        await pilot.press("pagedown")
        assert widget.highlighted_id == f"a{1 + height:06d}"
        await pilot.press("end")
        assert widget.highlighted_id == "a000099"
        assert "nomor 99 " in lines(widget)[-1]  # scrolled to the end
        await pilot.press("down")  # already at the end: nothing moves, nothing is posted
        assert app.highlighted[-1] == "a000099"
        assert app.highlighted.count("a000099") == 1
        await pilot.press("pageup", "home")
        assert widget.highlighted_id == "a000000"
        assert "nomor 0 " in lines(widget)[0]
        await pilot.press("enter")
        assert app.selected == ["a000001", "a000000"]


async def test_the_highlight_is_drawn_and_reversed_without_colour(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = ListApp(make_rows(10))
    async with app.run_test(size=(80, 24)) as pilot:
        widget = app.query_one(ArticleList)
        await pilot.press("down")
        highlighted = widget.render_line(1)
        assert all(segment.style and segment.style.reverse for segment in highlighted)
        assert not any(segment.style and segment.style.reverse for segment in widget.render_line(0))


async def test_a_click_on_a_row_selects_it() -> None:
    app = ListApp(make_rows(50))
    async with app.run_test(size=(80, 24)) as pilot:
        widget = app.query_one(ArticleList)
        top = widget.content_region.y - widget.region.y  # below the border
        assert await pilot.click(ArticleList, offset=(10, top + 3))
        assert app.selected == ["a000003"]
        assert widget.highlighted_id == "a000003"
        await pilot.click(ArticleList, offset=(10, widget.region.height - 1))  # the border
        assert app.selected == ["a000003"]


async def test_the_wheel_scrolls() -> None:
    app = ListApp(make_rows(200))
    async with app.run_test(size=(80, 24)) as pilot:
        widget = app.query_one(ArticleList)
        for _ in range(3):
            # Pilot has no wheel: post what the driver sends for one notch of the wheel.
            widget.post_message(events.MouseScrollDown(widget, 10, 5, 0, 1, 0, False, False, False))
        await pilot.pause()
        assert widget.scroll_offset.y > 0
        assert "nomor 0 " not in lines(widget)[0]


async def test_set_current_marks_a_far_row_and_brings_it_into_view() -> None:
    app = ListApp(make_rows(100_000))
    async with app.run_test(size=(80, 24)) as pilot:
        widget = app.query_one(ArticleList)
        widget.set_current("a090000")
        await pilot.pause()
        assert widget.highlighted_id == "a090000"
        assert app.highlighted[-1] == "a090000"
        marked = [line for line in lines(widget) if line.startswith(CURRENT_MARK)]
        assert len(marked) == 1
        assert "Berita nomor 90000 " in marked[0]
        await pilot.press("down")
        assert widget.highlighted_id == "a090001"
        widget.set_current(None)
        await pilot.pause()
        assert not any(line.startswith(CURRENT_MARK) for line in lines(widget))


async def test_filters_by_title_status_negation_and_label() -> None:
    rows = make_rows(20)
    facts = {"a000004": ArticleFacts(frozenset({"PER"}), frozenset({("themes", "KAMTIBMAS")}))}
    app = ListApp(rows)
    async with app.run_test(size=(80, 24)) as pilot:
        widget = app.query_one(ArticleList)

        def apply(text: str) -> list[str]:
            widget.apply_filter(parse_query(text, GROUPS), facts.get, no_body)
            return shown_ids(widget)

        assert apply('"nomor 1"') == [f"a{i:06d}" for i in (1, *range(10, 20))]
        assert apply("status:done") == [f"a{i:06d}" for i in (2, 7, 12, 17)]
        assert apply("status:done -minas") == ["a000002", "a000012"]
        assert apply("label:PER") == ["a000004"]
        assert apply("theme:kamtibmas") == ["a000004"]
        assert widget.border_subtitle == "1/20"
        assert apply("-label:per") == [row.id for row in rows if row.id != "a000004"]
        assert apply("nothing-like-this") == []
        await pilot.pause()
        assert lines(widget)[0].strip() == "no articles match"
        assert widget.highlighted_id is None
        await pilot.press("down", "enter")  # no rows: nothing to move to or select
        assert app.selected == []
        widget.apply_filter(None, no_facts, no_body)
        assert widget.visible_count == 20
        assert widget.highlighted_id == "a000019"  # where it was before a filter matched none


async def test_the_highlight_stays_on_its_article_through_filters_and_new_rows() -> None:
    app = ListApp(make_rows(20))
    async with app.run_test(size=(80, 24)) as pilot:
        widget = app.query_one(ArticleList)
        await pilot.press("down", "down", "down", "down", "down")
        assert widget.highlighted_id == "a000005"
        widget.apply_filter(parse_query("minas"), no_facts, no_body)
        assert widget.highlighted_id == "a000005"
        widget.apply_filter(parse_query("dumai"), no_facts, no_body)
        assert widget.highlighted_id == "a000000"  # gone: the first row
        widget.set_rows(make_rows(30)[::-1])
        assert widget.highlighted_id == "a000000"
        assert widget.total_count == 30
        assert widget.visible_count == 15  # the filter stays in force


async def test_body_search_runs_in_a_worker_and_shows_what_it_finds() -> None:
    rows = make_rows(3000)
    texts = {row.id: f"Isi berita {row.id}: warga menolak hoaks." for row in rows[::7]}
    app = ListApp(rows)
    async with app.run_test(size=(80, 24)) as pilot:
        widget = app.query_one(ArticleList)
        widget.apply_filter(
            parse_query("minas body:hoaks"), no_facts, lambda i: texts.get(i, "Aman.")
        )
        assert widget.border_subtitle.startswith("searching… ")
        await settle(app, pilot)
        expected = [row.id for i, row in enumerate(rows) if i % 7 == 0 and i % 2 == 1]
        assert widget.visible_count == len(expected)
        assert "nomor 7 " in lines(widget)[0]
        assert widget.border_subtitle == f"{len(expected):,}/3,000"
        assert shown_ids(widget) == expected


async def test_a_new_filter_cancels_a_body_search() -> None:
    release = threading.Event()
    read: list[str] = []

    def slow_body(article_id: str) -> str:
        release.wait(5)
        read.append(article_id)
        return "hoaks"

    app = ListApp(make_rows(200))
    async with app.run_test(size=(80, 24)) as pilot:
        widget = app.query_one(ArticleList)
        widget.apply_filter(parse_query("body:hoaks"), no_facts, slow_body)
        await pilot.pause()
        widget.apply_filter(parse_query('"nomor 19"'), no_facts, no_body)
        release.set()
        await settle(app, pilot)
        assert shown_ids(widget) == ["a000019", *(f"a{i:06d}" for i in range(190, 200))]
        assert widget.border_subtitle == "11/200"
        assert len(read) < 10  # the search stopped rather than reading all 200 texts


async def test_a_body_search_that_finds_nothing_says_so() -> None:
    app = ListApp(make_rows(50))
    async with app.run_test(size=(80, 24)) as pilot:
        widget = app.query_one(ArticleList)
        widget.apply_filter(parse_query("body:hoaks"), no_facts, no_body)
        await settle(app, pilot)
        assert lines(widget)[0].strip() == "no articles match"


async def test_titles_are_never_markup() -> None:
    titles = ["[bold]x[/]", "[@click=app.quit]quit[/]", "[/]", "a\x1b[31mred\nline", "$x [b"]
    rows = [ListRow(f"m{i}", title, "[i]", "[/]", Status.TODO) for i, title in enumerate(titles)]
    app = ListApp(rows)
    async with app.run_test(size=(80, 24)) as pilot:
        widget = app.query_one(ArticleList)
        shown = lines(widget)
        assert shown[0].startswith(" ◦  [bold]x[/]")
        assert shown[1].startswith(" ◦  [@click=app.quit]quit[/]")
        assert shown[2].startswith(" ◦  [/]")
        assert shown[3].startswith(" ◦  ared line")  # no escape sequence, a line break a space
        assert all("[i]  [/]" in line for line in shown[:5])
        await pilot.click(ArticleList, offset=(10, 2))
        await pilot.press("enter")
        assert app.is_running
        assert app.selected == ["m1", "m1"]


async def test_wide_titles_are_cut_by_cells() -> None:
    rows = [ListRow("w", "警察" * 40, "報道", "2024-08-14", Status.DONE)]
    app = ListApp(rows)
    async with app.run_test(size=(80, 24)):
        widget = app.query_one(ArticleList)
        line = lines(widget)[0]
        assert cell_len(line) == widget.scrollable_content_region.width
        assert "…" in line
        assert line.endswith("報道  2024-08-14")


async def test_resizing_to_40x12_keeps_it_working() -> None:
    app = ListApp(make_rows(1000))
    async with app.run_test(size=(80, 24)) as pilot:
        widget = app.query_one(ArticleList)
        await pilot.press("end")
        await pilot.resize_terminal(40, 12)
        await pilot.pause()
        width = widget.scrollable_content_region.width
        shown = lines(widget)
        assert len(shown) == widget.scrollable_content_region.height < 12
        assert all(cell_len(line) == width for line in shown)
        assert "nomor 999" in shown[-1]  # the highlight is still in view
        await pilot.press("home", "down")
        assert widget.highlighted_id == "a000001"
        assert shown[0].endswith("…") or "2024" not in shown[0]  # room for the title first
        await pilot.resize_terminal(12, 6)
        await pilot.pause()
        assert all(
            cell_len(line) == widget.scrollable_content_region.width for line in lines(widget)
        )


async def test_update_row_changes_the_mark() -> None:
    rows = make_rows(10)
    app = ListApp(rows)
    async with app.run_test(size=(80, 24)) as pilot:
        widget = app.query_one(ArticleList)
        assert lines(widget)[5][1] == STATUS_MARKS[Status.TODO]
        widget.update_row(ListRow("a000005", rows[5].title, "X", "Y", Status.FLAGGED, stale=True))
        await pilot.pause()
        assert lines(widget)[5].startswith(f" {STATUS_MARKS[Status.FLAGGED]}! Berita nomor 5")
        widget.update_row(ListRow("unknown", "x", "", "", Status.DONE))  # ignored
        assert widget.total_count == 10


async def test_an_empty_list_says_so() -> None:
    app = ListApp([])
    async with app.run_test(size=(80, 24)) as pilot:
        widget = app.query_one(ArticleList)
        assert lines(widget)[0].strip() == "no articles"
        assert widget.highlighted_id is None
        await pilot.press("down", "pagedown", "end", "enter")
        assert app.selected == app.highlighted == []
        widget.set_rows(make_rows(3))
        await pilot.pause()
        assert widget.highlighted_id == "a000000"


MIXED_ROWS = [
    ListRow("m0", "Polsek Minas", "TOPIKMETRO.COM", "2024-01-08", Status.DONE, place="SIAK"),
    ListRow(
        "m1", "Kapolres " * 30, "lingkupperistiwa.com" * 4, "--10-19", Status.TODO, place="Siak"
    ),
    ListRow("m2", "Dumai damai", "", "--10-28", Status.TODO, place="DUMAI"),
    ListRow(
        "m3", "警察と報道" * 12, "報道新聞社" * 6, "2024-08-14", Status.FLAGGED, place="東京都" * 9
    ),
    ListRow(
        "m4",
        "Pemilu 😀 damai 🎉" * 8,
        "😀 NEWS 🎉" * 7,
        "2024-10-26",
        Status.SKIPPED,
        place="🏝️" * 20,
    ),
    ListRow("m5", "Tanpa tanggal", "ZONA", "", Status.IN_PROGRESS, place="Bdr. Seikijang" * 5),
    ListRow("m6", "x", "A", "2024-02-08", Status.TODO),
    ListRow(
        "m7", "Ngumpul di Kafe", "PANTAUNEWS.CO.ID", "2024-02-08", Status.DONE, place="PELALAWAN"
    ),
]


def column_of(line: str, text: str) -> int:
    """The cell where `text` starts in `line`."""
    assert text in line, (text, line)
    return cell_len(line[: line.index(text)])


@pytest.mark.parametrize("columns", [80, 120, 200])
async def test_columns_line_up_whatever_the_outlet_place_or_title(columns: int) -> None:
    app = ListApp(MIXED_ROWS)
    async with app.run_test(size=(columns, 24)) as pilot:
        await pilot.pause()
        widget = app.query_one(ArticleList)
        width = widget.scrollable_content_region.width
        shown = lines(widget)[: len(MIXED_ROWS)]
        assert all(cell_len(line) == width for line in shown)
        dated = [(line, row.date) for line, row in zip(shown, MIXED_ROWS, strict=True) if row.date]
        starts = {column_of(line, date) for line, date in dated}
        assert len(starts) == 1, shown
        # The dates come last, left-aligned in a column as wide as the widest date.
        assert starts == {width - 10}
        # The outlets start at one cell too, right after the titles' column.
        outlets = {column_of(shown[n], outlet) for n, outlet in [(0, "TOPIK"), (5, "ZONA  ")]}
        assert len(outlets) == 1, shown
        for n in (1, 3, 4):
            assert "…" in shown[n]  # long titles, outlets and places are cut, each in its column
        assert all(line.startswith(" ") for line in shown)


@pytest.mark.parametrize("columns", [120, 200])
async def test_wide_lists_show_the_place_in_a_column_of_its_own(columns: int) -> None:
    app = ListApp(MIXED_ROWS)
    async with app.run_test(size=(columns, 24)) as pilot:
        await pilot.pause()
        widget = app.query_one(ArticleList)
        shown = lines(widget)
        places = {
            column_of(shown[n], place) for n, place in [(0, "SIAK"), (2, "DUMAI"), (7, "PELA")]
        }
        assert len(places) == 1, shown
        assert column_of(shown[0], "SIAK") > column_of(shown[0], "TOPIKMETRO.COM")


async def test_without_a_place_column_the_place_stands_in_for_a_missing_outlet() -> None:
    app = ListApp(MIXED_ROWS)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        shown = lines(app.query_one(ArticleList))
        assert "SIAK" not in shown[0]  # no room for a place column at 80
        assert column_of(shown[2], "DUMAI") == column_of(shown[0], "TOPIKMETRO.COM")


@pytest.mark.upstream
async def test_what_is_on_screen_after_scrolling_equals_a_fresh_paint() -> None:
    """Scrolling moves the drawn rows instead of drawing them again: none may be left stale,
    the highlight and a row whose status changed included; nor may the scrollbar, which is
    redrawn only when its thumb moves."""
    app = ListApp(make_rows(500))
    async with app.run_test(size=(60, 20)) as pilot:
        widget = app.query_one(ArticleList)
        keys = ["down"] * 30 + ["pagedown", "up", "up"] + ["up"] * 25 + ["end", "pageup", "down"]
        for n, key in enumerate(keys):
            await pilot.press(key)
            if n == 20:  # a status changes, then the list scrolls in the same frame
                row = next(r for r in make_rows(500) if r.id == widget.highlighted_id)
                widget.update_row(ListRow(row.id, row.title, row.outlet, row.date, Status.DONE))
                await pilot.press("down")
            await pilot.pause()
            assert stale_lines(widget) == [], key
            assert stale_lines(widget.vertical_scrollbar) == [], key


@pytest.mark.upstream
async def test_rows_new_to_the_view_are_framed_as_textual_frames_them() -> None:
    """A page of new rows is framed with the border learned from a row Textual styled: the
    frame must follow the focus (the border's colour) and the size."""
    app = ListApp(make_rows(5))
    async with app.run_test(size=(60, 20)) as pilot:
        widget = app.query_one(ArticleList)
        await pilot.pause()
        assert widget._frame is not None, "nothing learned: the shortcut is not tested"
        widget.set_rows(make_rows(500))  # a scrollbar comes: the rows are a cell narrower
        await pilot.pause()
        assert stale_lines(widget) == []
        for change in ("blur", "resize", "focus"):
            if change == "resize":
                await pilot.resize_terminal(50, 16)
            else:
                app.set_focus(widget if change == "focus" else None)
            await pilot.pause()
            widget.action_page_down()
            await pilot.pause()
            assert stale_lines(widget) == [], change


class FilterApp(App[None]):
    """The filter field over a list, in a column `width` cells wide; the queries it sent."""

    CSS = "#column { border-right: vkey $primary; }"  # as in the app

    def __init__(self, width: int) -> None:
        super().__init__()
        self.width = width
        self.queries: list[Query | None] = []
        self.inputs_changed = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="column"):
            yield ListFilter(GROUPS, input_id="filter")
            yield ArticleList(make_rows(5))

    def on_mount(self) -> None:
        self.query_one("#column").styles.width = self.width
        self.query_one("#filter").focus()

    @on(ListFilter.Changed)
    def _changed(self, message: ListFilter.Changed) -> None:
        assert isinstance(message.control, ListFilter)
        self.queries.append(message.query)

    def on_input_changed(self) -> None:
        self.inputs_changed += 1


def screen_lines(app: App[None], widget: Widget) -> list[str]:
    """What the screen shows in the widget's region, line by line."""
    region = widget.region
    strips = app.screen._compositor.render_strips()[region.y : region.bottom]
    return [strip.crop(region.x, region.right).text for strip in strips]


def error_of(text: str) -> str:
    with pytest.raises(QueryError) as caught:
        parse_query(text, GROUPS)
    return str(caught.value)


@pytest.mark.parametrize("width", [26, 56, 150])
@pytest.mark.parametrize("bad", ["status:finito", "foo:bar", "label:"])
async def test_a_filter_error_shows_whole_under_the_field(width: int, bad: str) -> None:
    app = FilterApp(width)
    async with app.run_test(size=(160, 24)) as pilot:
        field = app.query_one(ListFilter)
        await pilot.press(*"dumai ")
        app.query_one("#filter", Input).value = f"dumai {bad}"  # pasted
        await pilot.pause()
        assert app.queries[-1] is not None and app.queries[-1].text == "dumai "
        error = field.query_one(".list-filter--error")
        shown = screen_lines(app, error)
        assert " ".join(" ".join(shown).split()) == " ".join(error_of(bad).split())
        assert all(line.startswith(" ") for line in shown)  # under the field's text, not cut
        assert app.queries[-1].text == "dumai "  # the bad text was not applied
        app.query_one("#filter", Input).value = "dumai status:finished"
        await pilot.pause()
        assert error.region.height == 0
        assert app.queries[-1] is not None and app.queries[-1].text == "dumai status:finished"
        app.query_one("#filter", Input).value = ""
        await pilot.pause()
        assert app.queries[-1] is None  # empty: no filter
        assert app.inputs_changed == 0  # the field's own message is the one that leaves it


async def test_the_placeholder_fits_the_narrowest_list() -> None:
    app = FilterApp(26)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        field = app.query_one("#filter", Input)
        assert cell_len(field.placeholder) < field.content_size.width
        assert field.placeholder in screen_lines(app, field)[1]


@pytest.mark.parametrize("width", [26, 56])
async def test_the_syntax_shows_under_the_field_while_it_has_focus(width: int) -> None:
    app = FilterApp(width)
    async with app.run_test(size=(80, 24)) as pilot:
        hint = app.query_one(".list-filter--hint")
        app.query_one(ArticleList).focus()
        await pilot.pause()
        assert hint.region.height == 0
        app.screen.set_focus(app.query_one("#filter"))  # as the app opens it
        await pilot.pause()
        shown = screen_lines(app, hint)
        words = " ".join(shown).split()
        for term in ("status:done", "label:PER", "themes:X", "body:word", "-word"):
            assert term in words, shown  # whole, never cut across lines
        assert any('"a phrase"' in line for line in shown), shown
        await pilot.press(*"status:")
        await pilot.pause()
        assert hint.region.height == 0  # the error takes its place
        app.query_one(ArticleList).focus()
        app.query_one("#filter", Input).value = ""
        await pilot.pause()
        assert hint.region.height == 0  # the list gets the room back


@given(
    text=st.lists(
        st.sampled_from(["a", " ", "é", "e\u0301", "\u0301", "漢", "–", "😀", "\u200b"]),
        max_size=80,
    ).map("".join),
    width=st.integers(min_value=1, max_value=40),
)
@example(text="\u0301" * 60 + "abc" * 10, width=10)  # a head of zero-width marks
def test_truncating_a_title_cuts_as_the_whole_text_would(text: str, width: int) -> None:
    """Titles are cut from their head only; the result is what cutting the whole text gives."""
    cut = truncate(text, width)
    whole = text if cell_len(text) <= width else set_cell_size(text, width - 1) + "…"
    assert cut == whole
    assert cell_len(cut) <= width
