"""The key registry: one entry per action, each handled where it says, no key bound twice."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from cooltui.keys import ACTIONS, DEFAULT_APP_KEYS, MOTION_KEYS, keymap, split_keys
from cooltui.scheme import SchemeError, default_scheme_path, load_scheme
from cooltui.tui.app import CoolApp
from cooltui.tui.article_list import ArticleList
from cooltui.tui.reader import Reader

HANDLERS = {"app": CoolApp, "reader": Reader, "list": ArticleList}


def scheme_with_keys(tmp_path: Path, keys: str):
    path = tmp_path / "scheme.toml"
    default = default_scheme_path().read_text(encoding="utf-8")
    path.write_text(f"{default}\n[keys]\n{keys}\n", encoding="utf-8")
    return load_scheme(path)


def test_binding_ids_are_unique():
    counts = Counter(action.binding_id for action in ACTIONS)
    assert [binding_id for binding_id, n in counts.items() if n > 1] == []


@pytest.mark.parametrize("action", ACTIONS, ids=lambda action: action.binding_id)
def test_every_action_has_a_handler_on_its_target(action):
    assert callable(getattr(HANDLERS[action.target], f"action_{action.name}", None))


def test_no_two_actions_bound_on_one_widget_share_a_default_key():
    # Enter in the find and filter fields shares the key with the app's accept: check_action
    # lets just one of them run, by what has focus.
    seen: dict[tuple[str, str], str] = {}
    for action in ACTIONS:
        if action.priority == "in_field":
            continue
        for key in split_keys(action.keys):
            holder_key = (action.holder, key)
            assert holder_key not in seen, f"{action.binding_id} and {seen[holder_key]}: {key}"
            seen[holder_key] = action.binding_id


def test_only_app_actions_are_remapped_in_the_palette_or_bound_elsewhere():
    for action in ACTIONS:
        if action.remappable or action.palette or action.bound_on:
            assert action.target == "app", action.binding_id


def test_the_reader_keeps_its_motion_keys():
    reader_keys = {key for a in ACTIONS if a.target == "reader" for key in split_keys(a.keys)}
    assert reader_keys - MOTION_KEYS == {"ctrl+c"}  # copy: Textual's, not a motion


def test_every_id_the_scheme_remaps_is_in_the_registry(tmp_path):
    app_ids = {action.id for action in ACTIONS if action.target == "app"}
    assert set(DEFAULT_APP_KEYS) <= app_ids
    for binding in DEFAULT_APP_KEYS:
        scheme = scheme_with_keys(tmp_path, f'{binding} = "f20"')
        assert keymap(scheme.app_keys) == {f"app.{binding}": "f20"}
    with pytest.raises(SchemeError, match="unknown binding 'focus_reader'"):
        scheme_with_keys(tmp_path, 'focus_reader = "f1"')
