"""The modal pickers: document labels, span label, note editor and yes/no."""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App
from textual.screen import Screen
from textual.widgets import OptionList, Static, TextArea

from cooltui.model import Annotation
from cooltui.scheme import load_scheme
from cooltui.tui.pickers import ConfirmScreen, LabelPicker, NoteEditor, ValuePicker

SIZES = [(80, 24), (200, 60)]
SCHEME = load_scheme()
ANNOTATION = Annotation("a1", "sha", doc_labels={"themes": ("KAMTIBMAS",)})


class PickerApp(App[None]):
    """Pushes one screen, records its result, and applies ValuePicker toggles like the app."""

    def __init__(self, screen: Screen[Any], annotation: Annotation = ANNOTATION) -> None:
        super().__init__()
        self.picker = screen
        self.annotation = annotation
        self.results: list[Any] = []
        self.toggles: list[tuple[str, str]] = []

    def on_mount(self) -> None:
        self.push_screen(self.picker, self.results.append)

    def on_value_picker_toggled(self, message: ValuePicker.Toggled) -> None:
        self.toggles.append((message.group, message.value))
        group = SCHEME.group(message.group)
        chosen = self.annotation.doc_labels.get(message.group, ())
        if message.value in chosen:
            values = tuple(v for v in chosen if v != message.value)
        elif group is not None and group.multi:
            values = (*chosen, message.value)
        else:
            values = (message.value,)
        self.annotation = self.annotation.with_doc_labels(message.group, values)
        assert isinstance(self.picker, ValuePicker)
        self.picker.show(self.annotation)


def prompts(screen: Screen[Any]) -> list[str]:
    options = screen.query_one(OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


def highlighted(screen: Screen[Any]) -> str:
    options = screen.query_one(OptionList)
    assert options.highlighted is not None
    return str(options.get_option_at_index(options.highlighted).prompt)


# ValuePicker


@pytest.mark.parametrize("size", SIZES)
async def test_value_picker_lists_every_group_and_value_with_marks(size):
    picker = ValuePicker(SCHEME, ANNOTATION, suggested=frozenset({("themes", "ANTI_HOAX")}))
    app = PickerApp(picker)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        shown = prompts(picker)
        assert shown[0] == "themes · any number"
        assert " [x] 1 KAMTIBMAS" in shown and "✦[ ] 3 ANTI_HOAX" in shown
        assert "activity · one at most" in shown and " ( ) @ SAMBANG" in shown
        expected = sum(len(group.values) + 1 for group in SCHEME.groups)
        assert len(shown) == expected
        assert highlighted(picker) == " [x] 1 KAMTIBMAS"  # the first value, not the heading
        description = SCHEME.group("themes").values[0].description
        assert str(picker.query_one("#value-picker-detail", Static).render()) == description


@pytest.mark.parametrize("size", SIZES)
async def test_value_picker_toggles_by_key_enter_and_space_and_shows_the_result(size):
    picker = ValuePicker(SCHEME, ANNOTATION)
    app = PickerApp(picker)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("3")  # ANTI_HOAX on
        await pilot.press("1")  # KAMTIBMAS off; a key moves the highlight to its value
        await pilot.press("down", "enter")  # SILATURAHMI on
        await pilot.press("down", "space")  # ANTI_HOAX off
        await pilot.pause()
        assert app.toggles == [
            ("themes", "ANTI_HOAX"),
            ("themes", "KAMTIBMAS"),
            ("themes", "SILATURAHMI"),
            ("themes", "ANTI_HOAX"),
        ]
        shown = prompts(picker)
        assert " [ ] 1 KAMTIBMAS" in shown and " [x] 2 SILATURAHMI" in shown
        assert " [ ] 3 ANTI_HOAX" in shown
        assert highlighted(picker) == " [ ] 3 ANTI_HOAX"  # the highlight survives show()
        await pilot.press("escape")
        await pilot.pause()
        assert app.results == [None] and app.screen is not picker


async def test_value_picker_single_choice_group_is_a_radio_the_app_applies():
    picker = ValuePicker(SCHEME, ANNOTATION)
    app = PickerApp(picker)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("end", "up", "up", "enter")  # activity: BAKTI_SOSIAL
        await pilot.press("up", "up", "enter")  # DIALOG replaces it
        await pilot.pause()
        assert app.toggles == [("activity", "BAKTI_SOSIAL"), ("activity", "DIALOG")]
        shown = prompts(picker)
        assert " (•) $ DIALOG" in shown and " ( ) ^ BAKTI_SOSIAL" in shown


async def test_value_picker_tab_jumps_between_groups():
    picker = ValuePicker(SCHEME, ANNOTATION)
    app = PickerApp(picker)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("down", "down", "tab")  # from inside themes to activity's first value
        assert highlighted(picker).endswith("SAMBANG")
        await pilot.press("enter")
        await pilot.press("tab")  # wraps round to the first theme
        assert highlighted(picker).endswith("1 KAMTIBMAS")
        await pilot.press("shift+tab")
        assert highlighted(picker).endswith("SAMBANG")
        assert app.toggles == [("activity", "SAMBANG")]


async def test_value_picker_click_toggles_and_headings_do_nothing():
    picker = ValuePicker(SCHEME, ANNOTATION)
    app = PickerApp(picker)
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.pause()
        options = picker.query_one(OptionList)
        await pilot.click(options, offset=(4, 0))  # the "themes" heading
        await pilot.click(options, offset=(4, 2))  # SILATURAHMI
        await pilot.pause()
        assert app.toggles == [("themes", "SILATURAHMI")]


async def test_value_picker_keys_are_the_schemes_and_other_keys_do_nothing():
    picker = ValuePicker(SCHEME, None)
    app = PickerApp(picker)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("p", "a", "0")
        await pilot.pause()
        assert app.toggles == [("themes", "NETRALITAS")]


# LabelPicker


@pytest.mark.parametrize("size", SIZES)
async def test_label_picker_returns_the_label_of_a_key(size):
    picker = LabelPicker(SCHEME)
    app = PickerApp(picker)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert [line.split()[-1] for line in prompts(picker)] == [
            label.name for label in SCHEME.labels
        ]
        await pilot.press("r")
        await pilot.pause()
        assert app.results == ["RANK"]


async def test_label_picker_starts_at_the_current_label_and_returns_it_by_enter():
    picker = LabelPicker(SCHEME, current="ORG", title="Relabel [b]Polsek[/b]")
    app = PickerApp(picker)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert highlighted(picker) == "•o  ORG"
        assert str(picker.query_one(".picker--title", Static).render()) == "Relabel [b]Polsek[/b]"
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.results == ["LOC"]


async def test_label_picker_escape_returns_none():
    app = PickerApp(LabelPicker(SCHEME))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.results == [None]


# NoteEditor


@pytest.mark.parametrize(("size", "save"), [((80, 24), "escape"), ((200, 60), "ctrl+s")])
async def test_note_editor_prefills_and_returns_the_edited_note(size, save):
    editor = NoteEditor("check [bold] the rank\nof", title="Polsek [red]Minas[/] [@click=app.quit]")
    app = PickerApp(editor)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        text_area = editor.query_one(TextArea)
        assert app.focused is text_area and text_area.soft_wrap
        assert text_area.cursor_location == (1, 2)
        title = str(editor.query_one(".picker--title", Static).render())
        assert title == "Note: Polsek [red]Minas[/] [@click=app.quit]"
        await pilot.press("space", "K", "o", "m", "p", "o", "l", "q")
        await pilot.press(save)
        await pilot.pause()
        assert app.results == ["check [bold] the rank\nof Kompolq"]
        assert app.is_running


# ConfirmScreen


@pytest.mark.parametrize(("key", "answer"), [("y", True), ("n", False), ("escape", False)])
async def test_confirm_answers_by_key(key, answer):
    app = PickerApp(ConfirmScreen("Quit with 2 unsaved [/] changes?"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        question = str(app.screen.query_one("#confirm-question", Static).render())
        assert question == "Quit with 2 unsaved [/] changes?"
        await pilot.press(key)
        await pilot.pause()
        assert app.results == [answer]


async def test_confirm_defaults_to_no_on_enter_and_yes_by_click():
    app = PickerApp(ConfirmScreen("Quit?"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == [False]
    app = PickerApp(ConfirmScreen("Quit?"))
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.pause()
        await pilot.click("#confirm-yes")
        await pilot.pause()
        assert app.results == [True]
