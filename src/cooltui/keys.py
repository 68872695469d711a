"""Every key of the app in one registry: its id, default keys, what it does, where it runs.

Headless (never imports textual): the scheme validates its `[keys]` table against this, and
cooltui.tui.bindings turns it into Textual bindings, the footer, the help and the palette.

Where each target's actions are handled (an action "x" runs the method `action_x`):
- "app": CoolApp in cooltui/tui/app.py; a label's key runs `action_label`, a document value's
  key `action_toggle_value` (see label_action and value_action below). The span keys tab and
  shift+tab are app actions bound on the reader (`bound_on`).
- "reader": Reader in cooltui/tui/reader.py, most of them inherited from Textual's TextArea.
- "list": ArticleList in cooltui/tui/article_list.py.

A binding's id is "<target>.<id>" ("app.done"); a scheme's `[keys]` table remaps an action
that is `remappable` by its bare id (`done = "D"`), through Textual's keymap.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, NamedTuple

Target = Literal["app", "reader", "list"]

Priority = Literal["opens", "in_field", "anywhere"]
"""Why an action runs as a Textual priority binding, as its key arrives and before the focused
widget sees it, so that keys arriving in the same read (over a slow link, say) go where the
focus went; otherwise the reader would take "minas" after ctrl+f as m, i, n, a (done), s (skip).
A field that types the key still gets it: Textual leaves out priority keys it would type.
- "opens": it moves the keyboard to a field or a screen, or back to the reader; on the main
  screen only (over the help or a picker, that screen's own keys apply).
- "in_field": Enter in the find or filter field, only there: elsewhere Enter is the app's.
- "anywhere": the command palette, over any screen, as Textual binds its own.
"""

# Help sections: the help shows them in cooltui.tui.help.KEY_SECTIONS's order, then the others
# as first met.
MOVE = "Move and select"
LABEL = "Label"
SPANS = "Spans"
THEMES = "Themes"
SUGGESTIONS = "Suggestions"
ARTICLE = "Article"
APP = "App"


@dataclass(frozen=True, slots=True)
class KeyAction:
    """One action and its keys."""

    id: str
    """Unique within its target; the scheme's `[keys]` name of a remappable one."""
    keys: str
    """The default keys, comma-separated Textual key names ("u,ctrl+z")."""
    description: str
    """What it does, as the help, the footer's long form and the palette say it."""
    section: str = ""
    """The help section; empty: not in the help."""
    target: Target = "app"
    """Where its handler is (see the module's docstring)."""
    action: str = ""
    """The Textual action string run on the target, when not the id: "cursor_up(True)"."""
    footer: str = ""
    """Its short name in the footer; empty: not in the footer."""
    priority: Priority | None = None
    """Why it is a Textual priority binding, when it is one."""
    remappable: bool = False
    """A scheme's `[keys]` table may give it other keys."""
    palette: bool = False
    """The command palette lists it."""
    bound_on: Target | None = None
    """Bound on this other widget: the reader binds tab itself, or the screen's focus-next
    would take it first."""

    @property
    def binding_id(self) -> str:
        return f"{self.target}.{self.id}"

    @property
    def run(self) -> str:
        """The action string, run on the target."""
        return self.action or self.id

    @property
    def name(self) -> str:
        """The action's name, without parameters: `action_<name>` handles it."""
        return self.run.split("(", 1)[0]

    @property
    def holder(self) -> Target:
        """The widget (or the app) whose bindings hold it."""
        return self.bound_on or self.target


def _reader(id: str, keys: str, description: str, action: str = "") -> KeyAction:
    return KeyAction(id, keys, description, MOVE, target="reader", action=action)


def _command(
    id: str,
    keys: str,
    description: str,
    section: str,
    *,
    action: str = "",
    footer: str = "",
    priority: Priority | None = None,
    bound_on: Target | None = None,
) -> KeyAction:
    """An app action a user may remap and find in the palette."""
    return KeyAction(
        id,
        keys,
        description,
        section,
        action=action,
        footer=footer,
        priority=priority,
        remappable=True,
        palette=True,
        bound_on=bound_on,
    )


def _list(id: str, keys: str, description: str, action: str = "") -> KeyAction:
    return KeyAction(id, keys, description, target="list", action=action)


# The order is the help's within each section, the footer's and the palette's.
ACTIONS: tuple[KeyAction, ...] = (
    # The reader's own moves; selections grow by whole tokens unless in character mode.
    _reader("cursor_up", "up", "Up"),
    _reader("cursor_down", "down", "Down"),
    _reader("cursor_left", "left", "Left"),
    _reader("cursor_right", "right", "Right"),
    _reader("cursor_word_left", "ctrl+left", "Word left"),
    _reader("cursor_word_right", "ctrl+right", "Word right"),
    _reader("cursor_line_start", "home", "Line start"),
    _reader("cursor_line_end", "end", "Line end"),
    _reader("cursor_page_up", "pageup", "Page up"),
    _reader("cursor_page_down", "pagedown", "Page down"),
    _reader("text_start", "ctrl+home", "Start of text"),
    _reader("text_end", "ctrl+end", "End of text"),
    _reader("copy", "ctrl+c", "Copy"),
    _reader("select_up", "shift+up", "Select up", "cursor_up(True)"),
    _reader("select_down", "shift+down", "Select down", "cursor_down(True)"),
    _reader("select_left", "shift+left", "Select left, by token", "cursor_left(True)"),
    _reader("select_right", "shift+right", "Select right, by token", "cursor_right(True)"),
    _reader("select_word_left", "ctrl+shift+left", "Select word left", "cursor_word_left(True)"),
    _reader(
        "select_word_right", "ctrl+shift+right", "Select word right", "cursor_word_right(True)"
    ),
    _reader("select_line_start", "shift+home", "Select to line start", "cursor_line_start(True)"),
    _reader("select_line_end", "shift+end", "Select to line end", "cursor_line_end(True)"),
    KeyAction("focus_reader", "escape", "Back to the reader", APP, priority="opens"),
    KeyAction(
        "command_palette",
        "ctrl+p",
        "Command palette: every action",
        APP,
        priority="anywhere",
        remappable=True,
    ),
    _command("done", "a", "Done, next", ARTICLE, footer="done"),
    _command("skip", "s", "Skip", ARTICLE, footer="skip"),
    _command("flag", "!", "Flag", ARTICLE),
    _command("next_article", "]", "Next article", ARTICLE),
    _command("previous_article", "[", "Previous article", ARTICLE),
    _command("next_unfinished", "n", "Next unfinished", ARTICLE),
    _command("edit_note", "c", "Note", ARTICLE, footer="note", priority="opens"),
    _command("undo", "u,ctrl+z", "Undo", ARTICLE, footer="undo"),
    _command("redo", "U,ctrl+y", "Redo", ARTICLE),
    _command("remove_span", "x,delete", "Remove span (or reject a suggestion)", SPANS),
    _command("next_span", "tab", "Next span", SPANS, bound_on="reader"),
    _command("previous_span", "shift+tab", "Previous span", SPANS, bound_on="reader"),
    _command("span_start_left", "{", "Span start ←", SPANS, action="move_edge('start', -1)"),
    _command("span_start_right", "}", "Span start →", SPANS, action="move_edge('start', 1)"),
    _command("span_end_left", "<", "Span end ←", SPANS, action="move_edge('end', -1)"),
    _command("span_end_right", ">", "Span end →", SPANS, action="move_edge('end', 1)"),
    _command("char_mode", "v", "Token/character selection", MOVE),
    _command("find", "ctrl+f", "Find in the article", MOVE, footer="find", priority="opens"),
    _command("find_next", "ctrl+g,f3", "Find the next match", MOVE),
    _command("pick_labels", "T", "Pick themes, activity", THEMES, priority="opens"),
    _command("accept_suggestion", "enter", "Accept the suggestion", SUGGESTIONS),
    _command("accept_all_suggestions", "A", "Accept all", SUGGESTIONS),
    _command("toggle_suggestions", "S", "Suggestions shown: all, rules, model, none", SUGGESTIONS),
    _command("consistency_next", "K", "Consistency: next text labelled elsewhere", SPANS),
    _command(
        "consistency_label_all",
        "L",
        "Consistency: label every unlabelled occurrence (one undo)",
        SPANS,
    ),
    _command("consistency_ignore", "I", "Consistency: ignore this text for good", SPANS),
    _command(
        "take_annotator",
        "W",
        "Review: take one annotator's whole article",
        SUGGESTIONS,
        priority="opens",
    ),
    _command("toggle_list", "B", "Show/hide the list", APP),
    _command("sidebar_next_part", "i", "Sidebar: scroll to its next part", APP),
    _command("filter", "/", "Filter the list", APP, footer="filter", priority="opens"),
    _command("help", "?", "Help", APP, footer="help", priority="opens"),
    _command("quit", "q", "Quit", APP, footer="quit"),
    # Last of the footer's: where the footer is short of room, it drops these first.
    _command("next_suggestion", ".", "Next suggestion", SUGGESTIONS, footer="suggestion"),
    # "comma": a bare "," would split the key string (see split_keys).
    _command("previous_suggestion", "comma", "Previous suggestion", SUGGESTIONS),
    KeyAction("submit_field", "enter", "Enter in the find or filter field", priority="in_field"),
    _list("up", "up", "Up", "cursor_up"),
    _list("down", "down", "Down", "cursor_down"),
    _list("page_up", "pageup", "Page up"),
    _list("page_down", "pagedown", "Page down"),
    _list("first", "home", "First"),
    _list("last", "end", "Last"),
    _list("select", "enter", "Open"),
)

DEFAULT_APP_KEYS: Mapping[str, str] = {
    action.id: action.keys for action in ACTIONS if action.remappable
}
"""What a scheme's `[keys]` table may remap, by id ("key" or "key1,key2"), and the defaults."""

MOTION_KEYS = frozenset(
    f"{modifier}{key}"
    for modifier in ("", "shift+", "ctrl+", "ctrl+shift+")
    for key in ("left", "right", "up", "down", "home", "end", "pageup", "pagedown")
) | {"escape"}
"""Keys the reader needs for moving and selecting, and Esc back to it: never remappable, never
a label's."""

OPENERS = frozenset(action.name for action in ACTIONS if action.priority == "opens")
"""Actions CoolApp.check_action allows on the main screen only (see Priority)."""

FIELD_ACTIONS = frozenset(action.name for action in ACTIONS if action.priority == "in_field")
"""Actions CoolApp.check_action allows only while the find or filter field has focus."""

FOOTER_KEEPS = "help"
"""The action whose key the footer keeps however narrow the terminal: it leads to all others."""


class SchemeKey(NamedTuple):
    """A key the scheme declares, as the app binds it and the help lists it."""

    key: str
    action: str
    description: str
    section: str


class HelpRow(NamedTuple):
    """A row of the help's key tables: keys as shown, what they do, the section."""

    keys: str
    description: str
    section: str


def split_keys(keys: str) -> list[str]:
    """The keys of a comma-separated key string."""
    return [key.strip() for key in keys.split(",")]


_KEY_CHARACTERS = {"comma": ",", "full_stop": "."}


def key_shown(key: str) -> str:
    """A key as a message names it: "comma" is ","."""
    return _KEY_CHARACTERS.get(key, key)


def bound_keys(action: KeyAction, app_keys: Mapping[str, str]) -> str:
    """The action's keys, comma-separated, as a scheme's `app_keys` remap them."""
    return app_keys.get(action.id, action.keys) if action.remappable else action.keys


def keymap(app_keys: Mapping[str, str]) -> dict[str, str]:
    """A scheme's remapped keys as a Textual keymap: binding id -> keys."""
    remapped = ((action, bound_keys(action, app_keys)) for action in ACTIONS)
    return {action.binding_id: keys for action, keys in remapped if keys != action.keys}


def label_action(label: str) -> str:
    return f"label('{label}')"


def value_action(group: str, value: str) -> str:
    return f"toggle_value('{group}', '{value}')"
