"""What `cooltui` (no command: the app's launch) imports and leaves behind, and what opening a
store imports. (How long the launch takes is measured in bench/launch.py, not here.)"""

from __future__ import annotations

import subprocess
import sys
from importlib import import_module
from pathlib import Path

import pytest

from cooltui.cli import COMMANDS, main
from cooltui.model import Annotation, Status
from cooltui.store import Store

ROOT = Path(__file__).resolve().parents[2]


def in_a_new_interpreter(code: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_each_command_is_named_as_its_module_says():
    for name, module_name in COMMANDS.items():
        module = import_module(f"cooltui.commands.{module_name}")
        assert (module.NAME, module_name) == (name, COMMANDS[module.NAME])


def test_the_launch_imports_no_command_and_leaves_the_collector_on(tmp_path, seeds):
    """The app (its run() stubbed here) starts with no command module loaded and the garbage
    collector off; the collector is on again once the app is over."""
    in_a_new_interpreter(
        "import gc, sys\n"
        "import cooltui.tui.app\n"
        "seen = {}\n"
        "def run(settings, **options):\n"
        "    seen['collector'] = gc.isenabled()\n"
        "    seen['commands'] = sorted(m for m in sys.modules if m.startswith('cooltui.commands'))\n"
        "    return 0\n"
        "cooltui.tui.app.run = run\n"
        "from cooltui.cli import main\n"
        f"args = ['--corpus', {str(seeds)!r}, '--store', {str(tmp_path)!r}, '--annotator', 'a']\n"
        "assert main(args) == 0\n"
        "assert seen == {'collector': False, 'commands': []}, seen\n"
        "assert gc.isenabled()\n"
    )


@pytest.mark.parametrize(
    ("args", "said"),
    [
        # An option of a command, without the command: the bare parser would call it unknown.
        (["--jsonl"], "unrecognized arguments: --jsonl"),
        (["seeds"], "invalid choice: 'seeds'"),
        (["--corpus"], "argument --corpus: expected one argument"),
    ],
)
def test_a_refused_launch_is_said_as_the_whole_parser_says_it(args, said, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("cooltui: ") and said in err and err.count("\n") == 1


def test_help_still_lists_the_commands(capsys):
    with pytest.raises(SystemExit):
        main(["--he"])
    out = capsys.readouterr().out
    assert all(name in out for name in COMMANDS) and "print the articles" in out


def test_reading_a_store_needs_no_tinydb(tmp_path):
    """Opening a store and reading its records imports no TinyDB: the first change does."""
    with Store.open(tmp_path, "alice") as store:
        store.save(Annotation.new("a1", "sha").with_note("kept").with_status(Status.DONE))
    in_a_new_interpreter(
        "import sys\n"
        "from pathlib import Path\n"
        "from cooltui.store import Store\n"
        f"with Store.open(Path({str(tmp_path)!r}), 'alice') as store:\n"
        "    assert store.get('a1').note == 'kept'\n"
        "    assert store.statuses() == {'a1': store.get('a1').status}\n"
        "    assert not [m for m in sys.modules if m.startswith('tinydb')]\n"
        "    store.save(store.get('a1').with_note('changed'))\n"
        "    assert 'tinydb' in sys.modules\n"
        f"with Store.open(Path({str(tmp_path)!r}), 'alice', read_only=True) as store:\n"
        "    assert store.get('a1').note == 'changed'\n"
    )
