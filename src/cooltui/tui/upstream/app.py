"""App: starting a widget that is not mounted, and each frame put out.

Relies on these private parts of `textual.app.App`, as of Textual 8.2.8:
- `_start_widget(parent, widget)`: starts a widget outside the DOM (a scrollbar), so that it
  gets messages; `Widget.vertical_scrollbar` starts its scrollbar so;
- `_display(screen, renderable)`: writes each frame to the terminal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App
from textual.widget import Widget


def start_widget(app: App[Any], parent: Widget, widget: Widget) -> None:
    """Start `widget`, a part of `parent` that is not mounted, so that it gets messages."""
    app._start_widget(parent, widget)


def on_each_frame(app: App[Any], callback: Callable[[], None]) -> None:
    """Call `callback` right after `app` writes each frame out to the terminal."""
    display = app._display

    def display_and_call(*args: Any, **kwargs: Any) -> None:
        display(*args, **kwargs)
        callback()

    app._display = display_and_call  # type: ignore[method-assign]
