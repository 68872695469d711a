"""Textual's side of the key registry (cooltui.keys): each target's bindings, the keys as the
scheme remaps them, the footer's keys, the help's rows and the palette's commands."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType

from cooltui.keys import (
    ACTIONS,
    HelpRow,
    KeyAction,
    Target,
    bound_keys,
    label_action,
)
from cooltui.scheme import Scheme
from cooltui.tui.key_bar import KeyItem
from cooltui.tui.upstream.dom_node import add_bindings

_PALETTE = "command_palette"
"""Textual's command palette: the footer ends with it, the way to every other action."""


def bindings_for(holder: Target) -> list[BindingType]:
    """The BINDINGS of the app, the reader or the article list, with the default keys (the app's
    keymap remaps them, see cooltui.keys.keymap)."""
    return [_binding(action) for action in ACTIONS if action.holder == holder]


def _binding(action: KeyAction) -> Binding:
    # Bound away from its target, an action names it: "app.next_span" on the reader.
    run = action.run if action.bound_on is None else f"{action.target}.{action.run}"
    return Binding(
        action.keys,
        run,
        action.description,
        # Only the footer's keys show (in Textual's key panel they all do).
        show=bool(action.footer),
        id=action.binding_id,
        priority=action.priority is not None,
    )


def add_scheme_bindings(app: App[Any], scheme: Scheme) -> None:
    """Bind the scheme's label and value keys on the app (a class's BINDINGS cannot: they come
    with the scheme)."""
    bindings = [
        Binding(key.key, key.action, key.description, show=False) for key in scheme.declared_keys()
    ]
    add_bindings(app, bindings)


def live_keys(app: App[Any], scheme: Scheme) -> dict[str, list[str]]:
    """Each binding id's keys as shown, remapped as the scheme's `[keys]` table says."""
    return {
        action.binding_id: [
            app.get_key_display(binding)
            # make_bindings splits the keys and names them as Textual binds them.
            for binding in Binding.make_bindings([Binding(bound_keys(action, scheme.app_keys), "")])
        ]
        for action in ACTIONS
    }


def footer_items(app: App[Any], scheme: Scheme) -> list[KeyItem]:
    """The footer's keys, each shown as its first key; the command palette's last."""
    keys = live_keys(app, scheme)
    items = [
        KeyItem(keys[action.binding_id][0], action.description, action.footer, action.run)
        for action in ACTIONS
        if action.footer
    ]
    return [*items, KeyItem(keys[f"app.{_PALETTE}"][0], "Commands", "commands", _PALETTE)]


def help_rows(app: App[Any], scheme: Scheme) -> list[HelpRow]:
    """Every key as the help shows it, the scheme's label and value keys last."""
    keys = live_keys(app, scheme)
    rows = [
        HelpRow(" ".join(keys[action.binding_id]), action.description, action.section)
        for action in ACTIONS
        if action.section
    ]
    return rows + [HelpRow(key.key, key.description, key.section) for key in scheme.declared_keys()]


def palette_commands(app: App[Any], scheme: Scheme) -> Iterator[SystemCommand]:
    """The palette's commands: every app action by its description, then every label."""
    for action in ACTIONS:
        if action.palette:
            yield SystemCommand(
                action.description,
                f"{action.section}: {action.description}",
                partial(app.run_action, action.run),
            )
    for label in scheme.labels:
        yield SystemCommand(
            f"Label {label.name}",
            label.description,
            partial(app.run_action, label_action(label.name)),
        )
