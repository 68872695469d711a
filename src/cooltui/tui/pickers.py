"""Small modal screens: document label picker, span label picker, note editor, yes/no question.

The pickers report and the app decides: ValuePicker posts `ValuePicker.Toggled`, stays open, and
shows the result when the app calls `show()` with the updated annotation; the others dismiss
with their answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from cooltui.model import Annotation
from cooltui.scheme import Scheme
from cooltui.text import normalise, printable
from cooltui.tui.sidebar import label_style, value_rows


def _matches(key: str | None, event: events.Key) -> bool:
    """Whether a key from the scheme ("1", "!", "ctrl+k") is the key pressed."""
    return key is not None and key in (event.key, event.character)


def _hint(*parts: tuple[str, str]) -> Content:
    """A footer line such as "↑↓ move  Esc close", keys in bold."""
    return Content("   ").join(Content.assemble((key, "bold"), " ", what) for key, what in parts)


_DIALOG_CSS = """
    align: center middle;
    & > Vertical {
        width: 64;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    .picker--title { text-style: bold; text-wrap: nowrap; text-overflow: ellipsis; }
    .picker--hint { color: $text-muted; }
    .picker--detail { color: $text-muted; height: auto; min-height: 1; }
    OptionList { height: auto; max-height: 70vh; padding: 0; }
    OptionList, OptionList:focus { border: none; }
    OptionList > .option-list--option-disabled { color: $text; }
"""


class ValuePicker(ModalScreen[None]):
    """Every document label group and value with [x]/( ) marks, for the keyboard.

    Space, enter, a click or a value's key posts `Toggled`; the app applies it (clearing the other
    value of a single-choice group) and calls `show()`. Esc closes.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle", "Toggle", id="value_picker.toggle"),
        Binding("escape", "close", "Close", id="value_picker.close"),
        Binding("tab", "group(1)", "Next group", id="value_picker.next_group"),
        Binding("shift+tab", "group(-1)", "Previous group", id="value_picker.previous_group"),
    ]
    DEFAULT_CSS = f"ValuePicker {{ {_DIALOG_CSS} }}"

    class Toggled(Message):
        """Toggle `value` in `group` of the open article's document labels."""

        def __init__(self, group: str, value: str) -> None:
            super().__init__()
            self.group = group
            self.value = value

    def __init__(
        self,
        scheme: Scheme,
        annotation: Annotation | None,
        suggested: frozenset[tuple[str, str]] = frozenset(),
    ) -> None:
        super().__init__()
        self.scheme = scheme
        # (group, value) of each option; None for a group's heading.
        self._targets: list[tuple[str, str] | None] = []
        self.options = OptionList(id="value-picker-options")
        self._fill(annotation, suggested)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content("Document labels"), classes="picker--title")
            yield self.options
            yield Static(Content(""), classes="picker--detail", id="value-picker-detail")
            yield Static(
                _hint(
                    ("↑↓", "move"),
                    ("tab", "next group"),
                    ("space/enter/key", "toggle"),
                    ("Esc", "close"),
                ),
                classes="picker--hint",
            )

    def on_mount(self) -> None:
        self.options.highlighted = next(
            (i for i, target in enumerate(self._targets) if target is not None), None
        )

    def _fill(self, annotation: Annotation | None, suggested: frozenset[tuple[str, str]]) -> None:
        labels = annotation.doc_labels if annotation is not None else {}
        options: list[Option] = []
        targets: list[tuple[str, str] | None] = []
        for group in self.scheme.groups:
            how = " · any number" if group.multi else " · one at most"
            heading = Content.assemble((group.name, "bold $text-accent"), (how, "$text-muted"))
            options.append(Option(heading, disabled=True))
            targets.append(None)
            for content, name in value_rows(group, labels.get(group.name, ()), suggested):
                options.append(Option(content))
                targets.append((group.name, name))
        self._targets = targets
        self.options.set_options(options)

    def show(
        self, annotation: Annotation | None, suggested: frozenset[tuple[str, str]] = frozenset()
    ) -> None:
        """Re-render the marks after the app applied a toggle; the highlight stays where it was."""
        highlighted = self.options.highlighted
        self._fill(annotation, suggested)
        if highlighted is not None and highlighted < len(self._targets):
            self.options.highlighted = highlighted

    def _toggle(self, index: int | None) -> None:
        target = self._targets[index] if index is not None else None
        if target is not None:
            self.post_message(self.Toggled(*target))

    def action_toggle(self) -> None:
        self._toggle(self.options.highlighted)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_group(self, step: int) -> None:
        """To the first value of the next (step 1) or previous (-1) group, wrapping round."""
        firsts = [
            index
            for index, target in enumerate(self._targets)
            if target is not None and self._targets[index - 1] is None
        ]
        if not firsts:
            return
        here = self.options.highlighted or 0
        current = max((i for i, first in enumerate(firsts) if first <= here), default=0)
        self.options.highlighted = firsts[(current + step) % len(firsts)]

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._toggle(event.option_index)

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        target = self._targets[event.option_index]
        group = self.scheme.group(target[0]) if target else None
        value = group.value(target[1]) if group and target else None
        detail = Content(value.description) if value is not None else Content("")
        self.query_one("#value-picker-detail", Static).update(detail)

    def on_key(self, event: events.Key) -> None:
        for index, target in enumerate(self._targets):
            if target is None:
                continue
            group = self.scheme.group(target[0])
            value = group.value(target[1]) if group else None
            if value is not None and _matches(value.key, event):
                event.stop()
                self.options.highlighted = index
                self._toggle(index)
                return


class LabelPicker(ModalScreen[str | None]):
    """Choose a span label: up/down and enter, a click, or the label's key. Esc: None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="label_picker.cancel"),
    ]
    DEFAULT_CSS = f"LabelPicker {{ {_DIALOG_CSS} }}"

    def __init__(self, scheme: Scheme, current: str | None = None, title: str = "Span label"):
        super().__init__()
        self.scheme = scheme
        self.current = current
        self.title_text = title

    def compose(self) -> ComposeResult:
        options = [
            Option(
                Content.assemble(
                    "•" if label.name == self.current else " ",
                    (label.key, "bold"),
                    "  ",
                    (label.name, label_style(label.color)),
                )
            )
            for label in self.scheme.labels
        ]
        with Vertical():
            yield Static(Content(self.title_text), classes="picker--title")
            yield OptionList(*options, id="label-picker-options")
            yield Static(Content(""), classes="picker--detail", id="label-picker-detail")
            yield Static(
                _hint(("↑↓", "move"), ("enter/key", "choose"), ("Esc", "cancel")),
                classes="picker--hint",
            )

    def on_mount(self) -> None:
        names = [label.name for label in self.scheme.labels]
        options = self.query_one(OptionList)
        options.highlighted = names.index(self.current) if self.current in names else 0

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        description = self.scheme.labels[event.option_index].description
        self.query_one("#label-picker-detail", Static).update(Content(description))

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.scheme.labels[event.option_index].name)

    def on_key(self, event: events.Key) -> None:
        for label in self.scheme.labels:
            if _matches(label.key, event):
                event.stop()
                self.dismiss(label.name)
                return

    def action_cancel(self) -> None:
        self.dismiss(None)


class AnnotatorPicker(ModalScreen[str | None]):
    """In a review: whose whole article to take. Their letter, or up/down and enter. Esc: None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="annotator_picker.cancel"),
    ]
    DEFAULT_CSS = f"AnnotatorPicker {{ {_DIALOG_CSS} }}"

    def __init__(self, letters: Mapping[str, str]) -> None:
        super().__init__()
        self.letters = dict(letters)

    def compose(self) -> ComposeResult:
        options = [
            Option(Content.assemble((letter, "bold"), "  ", name))
            for name, letter in self.letters.items()
        ]
        with Vertical():
            yield Static(
                Content("Take whose article? (its spans and labels replace the gold's)"),
                classes="picker--title",
            )
            yield OptionList(*options, id="annotator-picker-options")
            yield Static(
                _hint(("↑↓", "move"), ("enter/letter", "take"), ("Esc", "cancel")),
                classes="picker--hint",
            )

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(list(self.letters)[event.option_index])

    def on_key(self, event: events.Key) -> None:
        for name, letter in self.letters.items():
            if event.character == letter:
                event.stop()
                self.dismiss(name)
                return

    def action_cancel(self) -> None:
        self.dismiss(None)


class _NoteArea(TextArea):
    """The note's TextArea. TextArea draws control characters as they are, so that a note
    pasted or read with an escape sequence in it would drive the terminal: it is cleaned as an
    article's text is, keeping its lines and tabs, before it shows."""

    def on_paste(self, event: events.Paste) -> None:
        event.prevent_default()  # TextArea's own handler would insert the text as it came
        # Inserted as that handler does it, through TextArea's public API.
        pasted = normalise(event.text)
        result = self.replace(pasted, *self.selection, maintain_selection_offset=False)
        self.move_cursor(result.end_location)


class NoteEditor(ModalScreen[str | None]):
    """Edit an article's note; Esc or ctrl+s saves and closes (dismisses with the text)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,ctrl+s", "save", "Save and close", id="note_editor.save"),
    ]
    DEFAULT_CSS = """
    NoteEditor {
        align: center middle;
        & > Vertical {
            width: 80%;
            min-width: 40;
            max-width: 100;
            max-height: 100%;
            height: 18;
            border: round $primary;
            background: $surface;
            padding: 0 1;
        }
        .picker--title { text-style: bold; text-wrap: nowrap; text-overflow: ellipsis; }
        .picker--hint { color: $text-muted; }
        TextArea { height: 1fr; }
    }
    """

    def __init__(self, note: str, title: str) -> None:
        super().__init__()
        self.note = normalise(note)  # see _NoteArea; what is shown is what is saved
        self.article_title = printable(title)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content.assemble("Note: ", self.article_title), classes="picker--title")
            yield _NoteArea(self.note, soft_wrap=True, id="note-editor-text")
            yield Static(
                _hint(("Esc", "save and close"), ("ctrl+s", "save")), classes="picker--hint"
            )

    def on_mount(self) -> None:
        text_area = self.query_one(TextArea)
        text_area.move_cursor(text_area.document.end)
        text_area.focus()

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text)


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question: y or the Yes button is True; n, Esc or the No button is False."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]
    # No is focused first, so a stray enter does not confirm.
    AUTO_FOCUS = "#confirm-no"
    DEFAULT_CSS = """
    ConfirmScreen {
        align: center middle;
        & > Vertical {
            width: 56;
            max-width: 100%;
            height: auto;
            border: round $warning;
            background: $surface;
            padding: 0 1;
        }
        #confirm-question { margin-bottom: 1; }
        Horizontal { height: auto; align-horizontal: right; }
        Button { margin-left: 2; }
    }
    """

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(self.question), id="confirm-question")
            with Horizontal():
                yield Button(Content("No (n)"), id="confirm-no")
                yield Button(Content("Yes (y)"), variant="warning", id="confirm-yes")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
