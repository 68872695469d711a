"""The command line as users run it: a real process, its output, its exit code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cooltui.cli import main
from cooltui.model import Annotation, Status
from cooltui.store import Store

ROOT = Path(__file__).resolve().parents[2]


def cooltui(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None):
    return subprocess.run(
        [sys.executable, "-m", "cooltui", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=60,
        check=False,
    )


def test_list_shows_the_five_seeds_with_titles_and_outlets():
    result = cooltui("list")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["id", "status", "title", "outlet", "date", "chars"]
    assert len(lines) == 6
    assert "Ngumpul di Kafe, Pilkada Serentak 2024 yang Damai" in lines[4]
    assert "ZONAMERDEKA.COM" in lines[4] and "Notification" not in result.stdout
    assert "TOPIKMETRO.COM" in lines[2] and "2024-01-08" in lines[2]
    assert result.stderr == ""


def test_list_jsonl_has_every_field():
    result = cooltui("list", "--jsonl")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["id"][:3] for row in rows] == ["000", "001", "002", "003", "004"]
    assert set(rows[0]) == {
        "id", "title", "outlet", "place", "date", "chars", "text_sha", "source", "status",
    }  # fmt: skip
    assert rows[4]["outlet"] == "PANTAUNEWS.CO.ID" and len(rows[4]["text_sha"]) == 64


def test_list_shows_the_annotators_statuses(tmp_path):
    with Store.open(tmp_path, "alice") as store:
        store.save(Annotation.new("002_217cba9fa2ed1089", "sha").with_status(Status.DONE))
    result = cooltui("list", "--jsonl", "--store", str(tmp_path), "--annotator", "alice")
    statuses = [json.loads(line)["status"] for line in result.stdout.splitlines()]
    assert statuses == ["todo", "todo", "done", "todo", "todo"]
    table = cooltui("list", "--store", str(tmp_path), "--annotator", "alice").stdout
    assert "  done  " in table.splitlines()[3]


def test_store_recover_moves_a_damaged_file_aside_and_the_store_opens_again(tmp_path):
    with Store.open(tmp_path, "bob") as store:
        store.save(Annotation.new("a1", "sha").with_note("first"))
    with Store.open(tmp_path, "bob") as store:
        store.save(store.get("a1").with_note("second"))
    (shard,) = (tmp_path / "bob").glob("shard-*.json")
    shard.write_bytes(b"{truncated")
    refused = cooltui("list", "--store", str(tmp_path), "--annotator", "bob")
    assert f"{shard}" in refused.stderr and "cooltui store recover bob" in refused.stderr
    result = cooltui("store", "recover", "bob", "--store", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "moved it to shard-" in result.stdout
    assert [p.name for p in (tmp_path / "bob").glob("shard-*.corrupt-*")]
    with Store.open(tmp_path, "bob", read_only=True) as store:
        assert store.get("a1").note == "second"  # the journal re-applied the last edit


def test_a_journal_cut_short_is_refused_then_recovered_keeping_the_newest(tmp_path):
    with Store.open(tmp_path, "bob") as store:
        for n in range(6):
            store.save(Annotation.new("002_217cba9fa2ed1089", "sha").with_note(f"v{n}"))
        store.save(store.get("002_217cba9fa2ed1089").with_status(Status.DONE))
    journal = tmp_path / "bob" / "history.jsonl"
    journal.write_bytes(journal.read_bytes()[: journal.stat().st_size // 2])
    for command in (("list",), ("export", "-o", str(tmp_path / "out.jsonl"))):
        refused = cooltui(*command, "--store", str(tmp_path), "--annotator", "bob")
        assert refused.returncode == 1
        assert f"{journal} has lost edits" in refused.stderr
        assert "cooltui store recover bob" in refused.stderr
    result = cooltui("store", "recover", "bob", "--store", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "kept the record of '002_217cba9fa2ed1089'" in result.stdout
    assert "the undo history starts empty" in result.stdout
    listed = cooltui("list", "--jsonl", "--store", str(tmp_path), "--annotator", "bob")
    assert listed.returncode == 0, listed.stderr
    assert [json.loads(line)["status"] for line in listed.stdout.splitlines()][2] == "done"
    with Store.open(tmp_path, "bob", read_only=True) as store:
        assert store.get("002_217cba9fa2ed1089").note == "v5"


def test_store_recover_of_a_missing_store(tmp_path):
    result = cooltui("store", "recover", "nobody", "--store", str(tmp_path))
    assert result.returncode == 1
    assert result.stderr == f"cooltui: there is no store of 'nobody' in {tmp_path}\n"


def test_outside_the_repo_the_bundled_seeds_are_the_default(tmp_path):
    result = cooltui("list", "--jsonl", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 5


def test_options_before_and_after_the_command(tmp_path):
    (tmp_path / "one.txt").write_text("SIAK - Satu berita.", encoding="utf-8")
    before = cooltui("--corpus", str(tmp_path), "list", "--jsonl")
    after = cooltui("list", "--jsonl", "--corpus", str(tmp_path))
    assert before.stdout == after.stdout and json.loads(after.stdout)["id"] == "one"


def test_several_corpus_paths(tmp_path):
    (tmp_path / "one.txt").write_text("Satu.", encoding="utf-8")
    result = cooltui("list", "--jsonl", "--corpus", "seeds", "--corpus", str(tmp_path / "one.txt"))
    assert len(result.stdout.splitlines()) == 6


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--bogus"], 2, "cooltui: unknown option --bogus; see `cooltui --help`"),
        (["list", "--corpus", "/no/such/dir"], 1, "cooltui: /no/such/dir: no such file or folder"),
        (["list", "--max-article-mb", "-1"], 2, "--max-article-mb must be a positive number"),
        (["list", "--annotator", "../x"], 2, "annotator name '../x' must be 1-64 letters"),
        (["frobnicate"], 2, "invalid choice: 'frobnicate'"),
    ],
)
def test_wrong_input_is_one_line_and_nonzero(args, code, message):
    result = cooltui(*args)
    assert result.returncode == code
    assert result.stderr.startswith("cooltui: ") and message in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_bad_files_are_reported_and_the_rest_listed(tmp_path):
    (tmp_path / "good.txt").write_text("Baik.", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"caf\xe9")
    result = cooltui("list", "--jsonl", "--corpus", str(tmp_path))
    assert result.returncode == 0
    assert json.loads(result.stdout)["id"] == "good"
    assert (
        result.stderr
        == f"cooltui: {tmp_path / 'bad.txt'}: not UTF-8: byte 0xe9 at offset 3 (line 1); convert it to UTF-8 (e.g. iconv -f WINDOWS-1252 -t UTF-8); skipped\n"
    )


def test_nothing_loadable_fails(tmp_path):
    (tmp_path / "bad.txt").write_bytes(b"")
    result = cooltui("list", "--corpus", str(tmp_path))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"cooltui: {tmp_path / 'bad.txt'}: empty article; skipped",
        f"cooltui: no article could be loaded from {tmp_path}; see the messages above",
    ]


def test_bad_scheme_is_one_line(tmp_path):
    scheme = tmp_path / "bad.toml"
    scheme.write_text("[[labels]]\nname = 'X'\n", encoding="utf-8")
    result = cooltui("--scheme", str(scheme))
    assert result.returncode == 1
    assert result.stderr == f"cooltui: {scheme}: label X lacks 'key'\n"


def test_version_and_help():
    assert cooltui("--version").stdout.strip().startswith("cooltui ")
    help_text = cooltui("--help").stdout
    assert "list" in help_text and "--corpus PATH" in help_text


def test_an_internal_error_is_one_line_unless_debugging(monkeypatch, capsys):
    def boom(args):
        raise RuntimeError("kaput")

    monkeypatch.setattr("cooltui.commands.listing.run", boom)
    assert main(["list"]) == 70
    err = capsys.readouterr().err
    assert err.startswith("cooltui: internal error: RuntimeError: kaput (set COOLTUI_DEBUG=1")
    monkeypatch.setenv("COOLTUI_DEBUG", "1")
    assert main(["list"]) == 70
    assert "Traceback" in capsys.readouterr().err


def test_no_command_imports_the_cli():
    """The commands sit below cli.py, which loads them by name: an import back would be a loop."""
    commands = ROOT / "src" / "cooltui" / "commands"
    for module in commands.glob("*.py"):
        source = module.read_text(encoding="utf-8")
        assert "cooltui.cli" not in source, module.name


def test_headless_modules_never_import_textual():
    """Every module outside cooltui.tui, found by walking the package (a new one is covered
    without a word), then a command run: none loads textual."""
    code = (
        "import importlib, pkgutil, sys\n"
        "import cooltui\n"
        "names = [m.name for m in pkgutil.walk_packages(cooltui.__path__, 'cooltui.')\n"
        "         if not m.name.startswith(('cooltui.tui', 'cooltui.__main__'))]\n"
        "assert {'cooltui.session', 'cooltui.keys', 'cooltui.store.writer'} <= set(names), names\n"
        "for name in names:\n"
        "    importlib.import_module(name)\n"
        "from cooltui.cli import main\n"
        "main(['list', '--jsonl'])\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] == 'textual' or m == 'rich.console']\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--corpsu", "seeds", "list"], "--corpsu"),
        (["list", "--jsnol"], "--jsnol"),
        (["export", "--formt=conll"], "--formt"),
        (["--max-article-mb", "-1", "list", "--nope"], "--nope"),
    ],
)
def test_a_misspelt_option_names_itself(args, named, capsys):
    assert main(args) == 2
    assert capsys.readouterr().err == f"cooltui: unknown option {named}; see `cooltui --help`\n"


def test_an_abbreviated_option_still_works(capsys):
    assert main(["list", "--js"]) == 0
    assert capsys.readouterr().out.startswith('{"id":')


@pytest.mark.parametrize("command", [["list"], ["export", "-o", "-"], ["suggest", "-o", "-"]])
def test_every_command_refuses_a_missing_scheme(command, tmp_path, capsys):
    missing = tmp_path / "nope.toml"
    assert main([*command, "--scheme", str(missing)]) == 1
    assert capsys.readouterr().err == (
        f"cooltui: {missing}: no such scheme file; check the --scheme path\n"
    )
