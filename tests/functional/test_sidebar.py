"""The sidebar: document label marks, spans by label, review, suggestions, note and legend."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import replace

import pytest
from painting import stale_lines
from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import TextArea

from cooltui.model import Annotation, Span
from cooltui.scheme import LabelGroup, Scheme, SpanLabel, load_scheme
from cooltui.session import ReviewItem
from cooltui.tui.sidebar import Sidebar, SidebarRows, label_style

SIZES = [(80, 24), (200, 60)]
SCHEME = load_scheme()
TEXT = "Kapolsek Minas Kompol Wan Mantazakka bersama Kompol lain di Polsek Minas."
SPANS = (
    Span(0, 14, "ROLE", "Kapolsek Minas"),
    Span(15, 21, "RANK", "Kompol"),
    Span(22, 36, "PER", "Wan Mantazakka"),
    Span(45, 51, "RANK", "Kompol"),
    Span(60, 72, "ORG", "Polsek Minas"),
)
ANNOTATION = Annotation(
    "a1",
    "sha",
    spans=SPANS,
    doc_labels={"themes": ("KAMTIBMAS", "ANTI_HOAX"), "activity": ("SAMBANG",)},
)


class SidebarApp(App[None]):
    """A reader stand-in beside the sidebar, recording what the sidebar posts."""

    def __init__(
        self,
        annotation: Annotation | None,
        suggested: frozenset[tuple[str, str]] = frozenset(),
        suggestions: Sequence[Span] = (),
        scheme: Scheme = SCHEME,
        review: Sequence[ReviewItem] = (),
    ) -> None:
        super().__init__()
        self.annotation = annotation
        self.suggested = suggested
        self.suggestions = suggestions
        self.review = review
        self.scheme = scheme
        self.posted: list[Message] = []

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield TextArea(TEXT, read_only=True, id="reader")
            yield Sidebar(self.scheme)

    def on_mount(self) -> None:
        self.query_one(Sidebar).show(self.annotation, self.suggested, self.suggestions, self.review)

    def on_sidebar_value_toggled(self, message: Sidebar.ValueToggled) -> None:
        self.posted.append(message)

    def on_sidebar_span_chosen(self, message: Sidebar.SpanChosen) -> None:
        self.posted.append(message)

    def on_sidebar_review_chosen(self, message: Sidebar.ReviewChosen) -> None:
        self.posted.append(message)


def screen_text(app: App) -> str:
    """What the terminal shows, as text (the compositor is what Textual paints from)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def rows(app: App, id: str) -> list[str]:
    return app.query_one(f"#{id}", SidebarRows).lines


@pytest.mark.parametrize("size", SIZES)
async def test_groups_show_checkbox_and_radio_marks_with_keys_and_suggestions(size):
    app = SidebarApp(ANNOTATION, suggested=frozenset({("themes", "SILATURAHMI")}))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        themes = rows(app, "sidebar-group-themes")
        assert themes[0].startswith("themes (2)")
        assert " [x] 1 KAMTIBMAS" in themes
        assert "✦[ ] 2 SILATURAHMI" in themes
        assert " [x] 3 ANTI_HOAX" in themes
        assert " [ ] 4 PERSATUAN" in themes
        assert " [ ]   LAINNYA" in themes  # no key, aligned with the keyed values
        activity = rows(app, "sidebar-group-activity")
        assert " (•) @ SAMBANG" in activity  # single-choice values have keys too
        assert " ( ) $ DIALOG" in activity
        shown = screen_text(app)
        assert "[x] 1 KAMTIBMAS" in shown
        assert "(•) @ SAMBANG" in shown or size == (80, 24)  # below the fold at 24 rows


@pytest.mark.parametrize("size", SIZES)
async def test_clicking_a_value_row_posts_value_toggled_and_keeps_focus_in_the_reader(size):
    app = SidebarApp(ANNOTATION)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert app.focused is app.query_one("#reader")
        themes = app.query_one("#sidebar-group-themes", SidebarRows)
        await pilot.click(themes, offset=(6, 0))  # the heading: nothing
        await pilot.click(themes, offset=(6, 2))  # row 2: the second value
        activity = app.query_one("#sidebar-group-activity", SidebarRows)
        await pilot.click(activity, offset=(6, 3))
        await pilot.pause()
        assert [(m.group, m.value) for m in app.posted] == [
            ("themes", "SILATURAHMI"),
            ("activity", "DIALOG"),
        ]
        assert all(isinstance(m, Sidebar.ValueToggled) for m in app.posted)
        assert app.focused is app.query_one("#reader")


@pytest.mark.parametrize("size", SIZES)
async def test_spans_are_grouped_by_label_in_scheme_order_with_counts(size):
    app = SidebarApp(ANNOTATION)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert rows(app, "sidebar-spans") == [
            "spans (5)",
            "PER (1)",
            "  Wan Mantazakka",
            "RANK (2)",
            "  Kompol ×2",
            "ROLE (1)",
            "  Kapolsek Minas",
            "ORG (1)",
            "  Polsek Minas",
        ]


async def test_clicking_a_repeated_span_visits_each_occurrence_in_turn():
    app = SidebarApp(ANNOTATION)
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.pause()
        app.query_one("#sidebar-spans").scroll_visible(animate=False)
        await pilot.pause()
        spans = app.query_one("#sidebar-spans", SidebarRows)
        for _ in range(3):
            await pilot.click(spans, offset=(4, 4))  # "  Kompol ×2"
        await pilot.click(spans, offset=(4, 3))  # "RANK (2)": a heading
        await pilot.pause()
        chosen = [m.span.start for m in app.posted if isinstance(m, Sidebar.SpanChosen)]
        assert chosen == [15, 45, 15]


async def test_no_spans_yet_shows_a_hint():
    app = SidebarApp(Annotation("a1", "sha"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert rows(app, "sidebar-spans") == [
            "spans (0)",
            "  none yet: select text, press a label key",
        ]


@pytest.mark.parametrize("size", SIZES)
async def test_spans_needing_review_have_their_own_section(size):
    moved = Span(3, 14, "LOC", "Minas\nTimur")
    lost = Span(40, 52, "ROLE", "Kanit Provos")
    review = (
        ReviewItem(moved, Span(30, 41, "LOC", "Minas\nTimur")),
        ReviewItem(lost, Span(60, 72, "ROLE", "Kanit Propam")),
        ReviewItem(Span(80, 83, "PER", "Ani"), None),
    )
    annotation = Annotation("a1", "sha", spans=SPANS, review=tuple(i.entry for i in review))
    app = SidebarApp(annotation, review=review)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        section = app.query_one("#sidebar-review", SidebarRows)
        assert section.display
        assert section.lines == [
            "needs review (3)",
            "  ! LOC Minas Timur",
            "  ! ROLE Kanit Provos  → Kanit Propam?",
            "  ! PER Ani  (no place found)",
        ]
        section.scroll_visible(animate=False)
        await pilot.pause()
        await pilot.click(section, offset=(4, 2))
        await pilot.pause()
        assert [m.item for m in app.posted] == [review[1]]
        app.query_one(Sidebar).show(ANNOTATION)
        await pilot.pause()
        assert not section.display


async def test_suggestions_are_listed_and_clickable():
    suggestion = Span(60, 72, "ORG", "Polsek Minas", source="rules")
    app = SidebarApp(ANNOTATION, suggestions=[suggestion])
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.pause()
        section = app.query_one("#sidebar-suggestions", SidebarRows)
        assert section.lines == ["suggested (1)", "  ✦ ORG Polsek Minas"]
        await pilot.click(section, offset=(6, 1))
        await pilot.pause()
        assert [m.span for m in app.posted] == [suggestion]


@pytest.mark.parametrize("size", SIZES)
async def test_markup_in_note_and_span_text_is_shown_literally(size):
    note = "[bold]loud[/] and [@click=app.quit]quit[/]\n[/]"
    spans = (Span(0, 20, "PER", "[@click=app.quit]x[/]"),)
    app = SidebarApp(Annotation("a1", "sha", spans=spans, note=note))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        shown = str(app.query_one("#sidebar-note").render())
        assert shown == "note\n[bold]loud[/] and [@click=app.quit]quit[/]\n[/]"
        assert "  [@click=app.quit]x[/]" in rows(app, "sidebar-spans")
        await pilot.click("#sidebar-note", offset=(25, 1))
        await pilot.pause()
        assert app.is_running and app.return_code is None
        if size == (200, 60):
            assert "[bold]loud[/] and [@click=app.quit]quit[/]" in screen_text(app)


async def test_an_empty_note_invites_writing_one_with_the_live_key():
    scheme = Scheme(
        "s",
        SCHEME.labels,
        SCHEME.groups,
        app_keys={**SCHEME.app_keys, "edit_note": "N,ctrl+n"},
    )
    app = SidebarApp(Annotation("a1", "sha", note="  \n"), scheme=scheme)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert str(app.query_one("#sidebar-note").render()) == "note\nno note — N to write"


async def test_a_long_note_shows_its_first_lines():
    note = "\n".join(f"line {i}" for i in range(1, 8))
    app = SidebarApp(Annotation("a1", "sha", note=note))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        shown = str(app.query_one("#sidebar-note").render())
        assert shown == "note\nline 1\nline 2\nline 3\n… (+4 lines)"


@pytest.mark.parametrize(("size", "most_lines"), [((80, 24), 6), ((200, 60), 4)])
async def test_legend_lists_every_label_key_and_name_compactly(size, most_lines):
    app = SidebarApp(ANNOTATION)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        legend = app.query_one("#sidebar-legend")
        lines = str(legend.render()).splitlines()
        assert 1 < len(lines) <= most_lines
        assert legend.content_region.height == len(lines)
        words = " ".join(lines).split()
        for label in SCHEME.labels:
            assert f"{label.key} {label.name}" in " ".join(words)
        assert "p PER" in screen_text(app)


async def test_show_none_leaves_only_a_placeholder_and_the_legend():
    app = SidebarApp(ANNOTATION)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        sidebar = app.query_one(Sidebar)
        sidebar.show(None)
        await pilot.pause()
        shown = screen_text(app)
        assert "no article open" in shown
        assert "KAMTIBMAS" not in shown
        assert "p PER" in shown
        sidebar.show(ANNOTATION)
        await pilot.pause()
        assert "[x] 1 KAMTIBMAS" in screen_text(app)


async def test_show_after_an_edit_updates_marks_and_counts():
    app = SidebarApp(ANNOTATION)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        edited = ANNOTATION.with_doc_labels("themes", ["PERSATUAN"]).remove_span(SPANS[1])
        app.query_one(Sidebar).show(edited)
        await pilot.pause()
        themes = rows(app, "sidebar-group-themes")
        assert " [ ] 1 KAMTIBMAS" in themes and " [x] 4 PERSATUAN" in themes
        assert "  Kompol" in rows(app, "sidebar-spans")
        assert "RANK (1)" in rows(app, "sidebar-spans")


async def test_rich_colour_names_and_unknown_labels_and_values_render():
    scheme = Scheme(
        "s",
        (SpanLabel("PER", "p", "bright_red"), SpanLabel("ORG", "o", "color(33)")),
        (LabelGroup("topic", False, ()),),
    )
    annotation = Annotation(
        "a1",
        "sha",
        spans=(Span(0, 3, "GONE", "abc"),),
        doc_labels={"topic": ("OLD",)},
    )
    app = SidebarApp(annotation, scheme=scheme)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert rows(app, "sidebar-spans") == ["spans (1)", "GONE (1)", "  abc"]
        assert rows(app, "sidebar-group-topic") == ["topic (1) · one", " (•) OLD"]
        assert "p PER" in screen_text(app)
    assert label_style("bright_red").foreground.ansi == 9
    assert label_style("#e5c07b").foreground.hex == "#E5C07B"


@pytest.mark.upstream
async def test_rows_on_screen_after_edits_and_hovers_equal_a_fresh_paint():
    """Rows repaint one by one after an edit: none may be left showing what it was."""
    app = SidebarApp(ANNOTATION)
    async with app.run_test(size=(80, 40)) as pilot:
        await pilot.pause()
        sidebar = app.query_one(Sidebar)
        annotation = ANNOTATION
        edits = [
            lambda a: a.with_doc_labels("themes", ["PERSATUAN"]),
            lambda a: a.with_spans([*a.spans, Span(37, 44, "PER", "bersama")]),
            lambda a: a.remove_span(SPANS[1]),
            lambda a: a.with_spans([*a.spans, Span(52, 56, "PER", "lain")]),
            lambda a: a.with_doc_labels("themes", []),
        ]
        for edit in edits:
            annotation = edit(annotation)
            sidebar.show(annotation)
            await pilot.pause()
            for rows_widget in sidebar.query(SidebarRows):
                if rows_widget.display:
                    assert stale_lines(rows_widget) == [], rows_widget.id
        spans = sidebar.spans
        for y in (2, 3, 0, 3):
            await pilot.hover(spans, offset=(2, y))
            await pilot.pause()
            assert stale_lines(spans) == [], y


async def test_labels_with_many_texts_show_their_first_ones_as_a_fresh_grouping_does():
    """Thirty texts repeated across a long text: more than a label shows, added and removed
    anywhere, so the texts shown (the first to occur) and the "… more" count keep changing."""
    words = [f"kata{n % 30}" for n in range(240)]  # the text: these words, one space apart
    starts = [sum(len(w) + 1 for w in words[:n]) for n in range(len(words))]
    app = SidebarApp(ANNOTATION)
    rng = random.Random(5)
    async with app.run_test(size=(80, 60)) as pilot:
        await pilot.pause()
        sidebar = app.query_one(Sidebar)
        annotation = replace(ANNOTATION, spans=())
        for _ in range(150):
            if annotation.spans and rng.random() < 0.3:
                annotation = annotation.remove_span(rng.choice(annotation.spans))
            else:
                n = rng.randrange(len(words))
                span = Span(
                    starts[n], starts[n] + len(words[n]), rng.choice(["PER", "ORG"]), words[n]
                )
                if not any(s.overlaps(span) for s in annotation.spans):
                    annotation = annotation.add_span(span)
            shown = [(row[0].plain, row[1]) for row in sidebar._span_rows(annotation.spans)]
            sidebar._regroup_from_scratch()
            fresh = [(row[0].plain, row[1]) for row in sidebar._span_rows(annotation.spans)]
            assert shown == fresh
        assert any("more (tab walks" in plain for plain, _ in shown)


async def test_span_rows_after_many_edits_equal_a_fresh_grouping():
    """An edit regroups only the labels it touched: the rows must still be a fresh grouping's."""
    app = SidebarApp(ANNOTATION)
    rng = random.Random(3)
    words = TEXT.split()
    async with app.run_test(size=(80, 60)) as pilot:
        await pilot.pause()
        sidebar = app.query_one(Sidebar)
        annotation = ANNOTATION
        for _ in range(40):
            if annotation.spans and rng.random() < 0.4:
                annotation = annotation.remove_span(rng.choice(annotation.spans))
            else:
                word = rng.choice(words)
                start = TEXT.index(word)
                span = Span(start, start + len(word), rng.choice(["PER", "ORG", "GONE"]), word)
                if not any(s.overlaps(span) for s in annotation.spans):
                    annotation = annotation.add_span(span)
            sidebar.show(annotation)
            shown = [(row[0].plain, row[1]) for row in sidebar._span_rows(annotation.spans)]
            sidebar._regroup_from_scratch()
            fresh = [(row[0].plain, row[1]) for row in sidebar._span_rows(annotation.spans)]
            assert shown == fresh
        await pilot.pause()
