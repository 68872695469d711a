"""The reader draws what TextArea would, and repaints every line whose look changed.

The reader draws each wrapped section from its own stretch of text and repaints only the lines a
cursor move touches; both are shortcuts past TextArea, so both are checked against it: each
section equals TextArea's own drawing of that line, and what is on screen after any key equals a
fresh paint of the whole reader. Every test here is such a contract test (`pytest -m upstream`).
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st
from painting import painted, stale_lines
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.widgets import TextArea
from textual.widgets.text_area import Document, Selection, WrappedDocument

from cooltui.model import Span
from cooltui.scheme import load_scheme
from cooltui.text import TokenIndex
from cooltui.tui.reader import Reader
from cooltui.tui.upstream.styles_cache import forget_styled_lines
from cooltui.tui.upstream.text_area import text_area_line
from cooltui.tui.upstream.wrapped_document import SlicedWrappedDocument

pytestmark = pytest.mark.upstream

SCHEME = load_scheme()
PARAGRAPH = (
    "Kapolsek Minas Kompol Wan Mantazakka bersama Kompol lain di Polsek Minas menggelar "
    "Cooling System menjelang Pemilu 2024 di Kecamatan Minas, Kabupaten Siak, Riau. "
)
# Long paragraphs that wrap many times, an empty line, a tab, and a last line with no newline.
TEXT = PARAGRAPH * 6 + "\n\n" + "Kolom\tdengan\ttab " * 8 + "\n" + PARAGRAPH * 3 + "\nAkhir"


def spans_of(text: str) -> tuple[Span, ...]:
    spans = []
    for word, label in (("Kompol", "RANK"), ("Wan Mantazakka", "PER"), ("Polsek Minas", "ORG")):
        start = text.find(word)
        while start >= 0:
            spans.append(Span(start, start + len(word), label, word))
            start = text.find(word, start + 1)
    return tuple(sorted(spans, key=lambda s: s.start))


class ReaderApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Reader(SCHEME, id="reader")

    def on_mount(self) -> None:
        reader = self.query_one(Reader)
        reader.show_article(
            TEXT, TokenIndex(TEXT), spans_of(TEXT), suggestions=(Span(0, 8, "ROLE", "Kapolsek"),)
        )
        reader.focus()


def textarea_lines(reader: Reader) -> list[list]:
    """Every visible line as TextArea itself draws it, with no cache of ours in the way."""
    return [list(text_area_line(reader, y)) for y in range(reader.size.height)]


def reader_lines(reader: Reader) -> list[list]:
    reader._strips.clear()
    return [list(reader.render_line(y)) for y in range(reader.size.height)]


SELECTIONS = [
    Selection((0, 0), (0, 0)),
    Selection((0, 5), (0, 40)),  # inside one section
    Selection((0, 60), (0, 400)),  # across sections of one line
    Selection((0, 300), (3, 10)),  # across lines and the empty line
    Selection((3, 10), (0, 300)),  # the same, cursor at the top
    Selection((2, 0), (2, 0)),  # the cursor on the empty line
    Selection((0, len(PARAGRAPH) * 6), (0, len(PARAGRAPH) * 6)),  # after the last character
    Selection((2, 3), (2, 30)),  # across tabs
    Selection((5, 5), (5, 5)),  # the last line, with no newline
]


@pytest.mark.parametrize("size", [(40, 30), (90, 30)])
@pytest.mark.parametrize("selection", SELECTIONS, ids=str)
async def test_each_section_is_drawn_as_textarea_draws_its_line(size, selection):
    app = ReaderApp()
    async with app.run_test(size=size) as pilot:
        reader = app.query_one(Reader)
        reader.selection = selection
        reader.scroll_cursor_visible()
        await pilot.pause()
        assert reader_lines(reader) == textarea_lines(reader)
        reader.blur()
        await pilot.pause()
        assert reader_lines(reader) == textarea_lines(reader), "without focus: no cursor"


# Normalised text: any characters but controls other than tab and line feed; wide ones too.
READER_TEXT = st.text(
    st.one_of(
        st.sampled_from(" \t\n-.,"),
        st.characters(blacklist_categories=("Cc", "Cs")),
        st.sampled_from("中文😀é"),
    ),
    max_size=300,
)


@given(text=READER_TEXT, width=st.integers(min_value=1, max_value=40))
def test_the_readers_wrapped_sections_are_textareas(text: str, width: int) -> None:
    document = Document(text)
    ours, textareas = SlicedWrappedDocument(document), WrappedDocument(document)
    ours.wrap(width)
    textareas.wrap(width)
    for line in range(document.line_count):
        assert ours.get_sections(line) == textareas.get_sections(line)


async def test_every_text_the_reader_loads_is_wrapped_by_slicing():
    app = ReaderApp()
    async with app.run_test(size=(60, 16)):
        reader = app.query_one(Reader)
        assert isinstance(reader.wrapped_document, SlicedWrappedDocument)
        reader.show_article(PARAGRAPH * 2, TokenIndex(PARAGRAPH * 2), ())
        assert isinstance(reader.wrapped_document, SlicedWrappedDocument)
        assert reader.wrapped_document.get_sections(0) == WrappedDocument.get_sections(
            reader.wrapped_document, 0
        )


async def test_what_is_on_screen_after_any_key_equals_a_fresh_paint():
    keys = ["right", "shift+right", "shift+right", "shift+down", "shift+down", "shift+left",
            "down", "down", "shift+up", "shift+up", "shift+up", "left", "ctrl+right",
            "shift+end", "end", "right", "pagedown", "shift+pageup", "up", "home",
            "shift+down", "ctrl+home", "shift+right", "tab", "tab", "shift+tab"]  # fmt: skip
    # Line by line past the bottom edge and back past the top: each key scrolls by one line.
    keys += ["down"] * 24 + ["shift+down"] * 4 + ["up"] * 32
    rng = random.Random(4)
    keys += rng.choices(["up", "down", "left", "right", "shift+up", "shift+down",
                         "shift+left", "shift+right", "ctrl+left", "ctrl+right"], k=60)  # fmt: skip
    app = ReaderApp()
    async with app.run_test(size=(60, 16)) as pilot:
        reader = app.query_one(Reader)
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
            assert stale_lines(reader) == [], key
            assert stale_lines(reader.vertical_scrollbar) == [], key


async def test_the_border_names_the_span_under_the_cursor_on_screen():
    app = ReaderApp()
    async with app.run_test(size=(90, 20)) as pilot:
        reader = app.query_one(Reader)
        reader.move_to(TEXT.index("Wan"))
        await pilot.pause()
        bottom = painted(reader)[reader.outer_size.height - 1].text
        assert "PER: Wan Mantazakka" in bottom
        reader.move_to(TEXT.index("bersama"))
        await pilot.pause()
        bottom = painted(reader)[reader.outer_size.height - 1].text
        assert "PER" not in bottom
        assert stale_lines(reader) == []


async def test_span_edits_restyle_and_repaint_as_a_fresh_start_would():
    """Spans and suggestions added and removed one by one end as if shown from the start."""
    app = ReaderApp()
    rng = random.Random(7)
    async with app.run_test(size=(60, 24)) as pilot:
        reader = app.query_one(Reader)
        reader.move_to(TEXT.index("Kolom") - 40)
        await pilot.pause()
        spans, suggestions = list(reader.spans), list(reader.suggestions)
        for step in range(60):
            start = rng.randrange(0, len(TEXT) - 60)
            # Some cross a line end, some are suggestions; some steps remove instead.
            span = Span(start, start + rng.choice([3, 12, 45]), rng.choice(["PER", "LOC"]), "x")
            group = suggestions if step % 3 == 0 else spans
            if group and rng.random() < 0.4:
                group.remove(rng.choice(group))
            elif span not in group:
                group.append(span)
            reader.set_spans(sorted(spans), sorted(suggestions))
            await pilot.pause()
            assert stale_lines(reader) == [], step
        marks = {row: list(found) for row, found in reader._marks.items() if found}
        reader.spans = reader.suggestions = ()
        reader._marks = {}
        reader.set_spans(sorted(spans), sorted(suggestions))
        assert marks == reader._marks


async def test_a_scroll_right_after_an_edit_keeps_no_stale_line():
    """Lines still in view are kept across a scroll, except those an edit in the same frame
    changed: those must be drawn anew."""
    app = ReaderApp()
    async with app.run_test(size=(60, 16)) as pilot:
        reader = app.query_one(Reader)
        await pilot.pause()
        for row in range(2, 8):
            start = reader.offset_of((0, reader.wrapped_document.get_offsets(0)[row]))
            span = Span(start, start + 4, "LOC", TEXT[start : start + 4])
            if any(span.overlaps(s) for s in reader.spans):
                continue
            reader.set_spans(sorted((*reader.spans, span)), reader.suggestions)
            reader.scroll_to(y=reader.scroll_y + 1, animate=False)  # in the same frame
            await pilot.pause()
            assert stale_lines(reader) == [], row


async def test_a_new_theme_recolours_the_reader_as_textarea_would():
    """The reader reads its theme's colours from the CSS only when styles change."""
    app = ReaderApp()
    async with app.run_test(size=(60, 16)) as pilot:
        reader = app.query_one(Reader)
        reader.selection = Selection((0, 5), (0, 40))
        await pilot.pause()
        for theme in ("textual-light", "nord", "textual-dark"):
            app.theme = theme
            await pilot.pause()
            width, height = reader.outer_size
            ours = [list(s) for s in reader.render_lines(Region(0, 0, width, height))]
            forget_styled_lines(reader)
            reader._strips.clear()
            theirs = [list(s) for s in TextArea.render_lines(reader, Region(0, 0, width, height))]
            assert ours == theirs, theme
