"""Ids, titles, file names and notes that would drive the terminal, split a line or fill it.

They come from file names, JSONL and the store as their authors wrote them: `cooltui list`, the
error messages and the app show them cleaned (see cooltui.text.printable) and cut, while the data
keeps them as they are, so that annotations still find their articles.
"""

from __future__ import annotations

from pathlib import Path

import orjson
from test_cli import cooltui
from textual import events
from textual.app import App
from textual.widgets import TextArea

from cooltui.cli import main
from cooltui.corpus import text_sha
from cooltui.model import Annotation, Status
from cooltui.settings import Settings
from cooltui.store import Store
from cooltui.text import ID_WIDTH
from cooltui.tui.app import build_app
from cooltui.tui.article_list import ArticleList
from cooltui.tui.reader import ArticleHeading, Reader

OSC_TITLE = "\x1b]0;pwned\x07"  # sets the terminal's title
OSC_CLIPBOARD = "\x1b]52;c;cHduZWQ=\x07"  # writes "pwned" to the clipboard
EVIL_ID = f"evil{OSC_TITLE}\nid"
EVIL_TEXT = "SIAK - Polsek Siak menggelar Cooling System. Kapolsek hadir."
LONG_ID = "x" * 100_000
UNTITLED_ID = f"{OSC_CLIPBOARD}{'y' * 100_000}\n2"
"""Its text has no title to find ("Iklan" is page junk), so its title is its id."""


def assert_clean(shown: str) -> None:
    """Nothing in `shown` drives a terminal, nor is left over from what would have."""
    assert "\x1b" not in shown and "\x07" not in shown
    assert "pwned" not in shown and "]0;" not in shown and "]52;" not in shown


def hostile_corpus(folder: Path) -> Path:
    folder.mkdir()
    records = [
        {
            "id": EVIL_ID,
            "title": f"Judul{OSC_TITLE}\nkedua",
            "text": EVIL_TEXT,
        },
        {"id": LONG_ID, "text": "DUMAI - Polres Dumai menggelar patroli dialogis."},
        {"id": UNTITLED_ID, "text": "Iklan"},
    ]
    path = folder / "hostile.jsonl"
    path.write_bytes(b"".join(orjson.dumps(record) + b"\n" for record in records))
    return folder


# `cooltui list` and the messages on stderr


def test_list_shows_each_article_on_one_clean_line_of_sane_width(tmp_path):
    corpus = hostile_corpus(tmp_path / "corpus")
    with Store.open(tmp_path / "ann", "alice") as store:
        store.save(Annotation.new(EVIL_ID, "sha").with_status(Status.DONE))
    result = cooltui("list", "--corpus", str(corpus), "--store", str(tmp_path / "ann"),
                     "--annotator", "alice")  # fmt: skip
    assert result.returncode == 0 and result.stderr == ""
    assert_clean(result.stdout)
    header, evil, long, untitled = result.stdout.splitlines()  # no id splits a row
    assert all(len(line) < 200 for line in (header, evil, long, untitled))
    # The id as the source gave it still finds its annotation.
    assert evil.split() == ["evil", "id", "done", "Judul", "kedua", "SIAK", "60"]
    assert long.split()[:3] == ["x" * (ID_WIDTH - 1) + "…", "todo", "Polres"]
    assert untitled.split()[:3] == ["y" * (ID_WIDTH - 1) + "…", "todo", "y" * 79 + "…"]


def test_file_names_are_shown_clean_in_the_list_and_in_problems(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / f"name{OSC_TITLE}\nd.txt").write_text("SIAK - Satu berita.", encoding="utf-8")
    (corpus / f"empty{OSC_CLIPBOARD}.txt").write_bytes(b"")
    result = cooltui("list", "--corpus", str(corpus))
    assert result.returncode == 0, result.stderr
    assert_clean(result.stdout + result.stderr)
    assert [line.split()[0] for line in result.stdout.splitlines()] == ["id", "name"]
    (problem,) = result.stderr.splitlines()
    assert problem == f"cooltui: {corpus / 'empty'}.txt: empty article; skipped"


def test_an_error_naming_a_hostile_path_is_one_clean_line(tmp_path):
    missing = tmp_path / f"no{OSC_TITLE}\nsuch"
    result = cooltui("list", "--corpus", str(missing))
    assert result.returncode == 1
    assert_clean(result.stderr)
    where = tmp_path / "no such"
    assert result.stderr == f"cooltui: {where}: no such file or folder; check the path (--corpus)\n"


def test_a_damaged_store_at_a_hostile_path_is_reported_clean(tmp_path):
    store_dir = tmp_path / f"store{OSC_TITLE}"
    with Store.open(store_dir, "bob") as store:
        store.save(Annotation.new("a1", "sha").with_note("first"))
    with Store.open(store_dir, "bob") as store:
        store.save(store.get("a1").with_note("second"))
    (shard,) = (store_dir / "bob").glob("shard-*.json")
    shard.write_bytes(b"{truncated")
    result = cooltui("list", "--store", str(store_dir), "--annotator", "bob")
    assert result.returncode == 1  # listed, but without the statuses
    assert_clean(result.stderr)
    assert result.stderr.count("\n") == 1 and result.stderr.endswith("; statuses not shown\n")


def test_the_export_report_shows_store_ids_clean(tmp_path, seeds, capsys):
    with Store.open(tmp_path, "alice") as store:
        store.save(Annotation.new(EVIL_ID, "sha").with_status(Status.DONE))
    args = ["--corpus", str(seeds), "--store", str(tmp_path), "--annotator", "alice"]
    assert main(["export", *args]) == 1
    err = capsys.readouterr().err
    assert_clean(err)
    assert "    evil id\n" in err  # the dropped article, on its own line


def test_an_internal_error_message_is_one_clean_line(monkeypatch, capsys):
    def boom(args):
        raise RuntimeError(f"bad id {EVIL_ID}")

    monkeypatch.setattr("cooltui.commands.listing.run", boom)
    assert main(["list"]) == 70
    err = capsys.readouterr().err
    assert_clean(err)
    assert err.startswith("cooltui: internal error: RuntimeError: bad id evil id (set")
    assert err.count("\n") == 1


# --annotator ''


def test_an_empty_annotator_is_refused(tmp_path):
    result = cooltui("list", "--annotator", "", "--store", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr == (
        "cooltui: --annotator is empty; give a name, or leave the option out to use "
        "$COOLTUI_ANNOTATOR or the login name\n"
    )


def test_an_empty_annotator_variable_counts_as_unset(monkeypatch):
    # As the shell's ${COOLTUI_ANNOTATOR:-login name}: `COOLTUI_ANNOTATOR= cooltui` unsets it.
    login = Settings.resolve().annotator
    monkeypatch.setenv("COOLTUI_ANNOTATOR", "")
    assert Settings.resolve().annotator == login


# The app


def screen_text(app: App) -> list[str]:
    """What the terminal shows, line by line (the compositor is what Textual paints from)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def list_lines(app: App) -> list[str]:
    region = app.query_one(ArticleList).content_region
    return [line[region.x : region.right] for line in screen_text(app)[region.y : region.bottom]]


async def test_the_app_shows_hostile_ids_and_titles_clean_on_their_lines(tmp_path):
    settings = Settings.resolve(
        corpus=[hostile_corpus(tmp_path / "corpus")], store=tmp_path / "ann", annotator="alice"
    )
    app = build_app(settings)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        assert app.article.id == EVIL_ID
        assert_clean("\n".join(screen_text(app)))
        heading = app.query_one(ArticleHeading)
        assert heading.size.height == 2  # the title, then outlet, place, date and id
        rows = [line for line in list_lines(app) if line.strip()]
        assert [row[1] for row in rows] == ["◦", "◦", "◦"]  # one line each, status marks
        assert "Judul kedua" in rows[0] and rows[2].endswith("yyy…")

        await pilot.press("1", "]")  # an edit here, then the next article: the 100,000-char id
        await pilot.pause()
        assert app.article.id == LONG_ID
        assert heading.size.height == 2
        assert "x" * (ID_WIDTH - 1) + "…" in str(heading.render())
        assert app.query_one(Reader).region.y == heading.region.bottom
        assert any("DUMAI - Polres Dumai" in line for line in screen_text(app))

        await pilot.press("]")  # titled by its 100,000-char id with a clipboard write in it
        await pilot.pause()
        assert app.article.id == UNTITLED_ID
        assert heading.size.height == 3  # an 80-character title takes two lines at this width
        assert_clean("\n".join(screen_text(app)))
        assert [row[1] for row in list_lines(app) if row.strip()] == ["◔", "◦", "◦"]

        await pilot.press("u")  # the undo happens in another article, which a toast names
        await pilot.pause()
        assert app.article.id == EVIL_ID
        assert_clean("\n".join(screen_text(app)))
        assert [str(n.message) for n in app._notifications][
            -1
        ] == "undid: themes KAMTIBMAS (in evil id)"
    app.store.close()


async def test_notes_are_shown_and_edited_clean(tmp_path):
    settings = Settings.resolve(
        corpus=[hostile_corpus(tmp_path / "corpus")], store=tmp_path / "ann", annotator="alice"
    )
    with Store.open(settings.store_dir, "alice") as store:  # a store edited by hand
        note = f"stored{OSC_TITLE} note"
        store.save(Annotation.new(EVIL_ID, text_sha(EVIL_TEXT)).with_note(note))
    app = build_app(settings)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        assert_clean("\n".join(screen_text(app)))
        assert any("stored note" in line for line in screen_text(app))

        await pilot.press("c")
        await pilot.pause()
        editor = app.screen.query_one(TextArea)
        assert editor.text == "stored note"
        app.post_message(events.Paste(f" pasted{OSC_CLIPBOARD}\r\nline"))  # as a terminal does
        await pilot.pause()
        assert_clean("\n".join(screen_text(app)))
        assert editor.text == "stored note pasted\nline"
        await pilot.press("escape")
        await pilot.pause()
        assert app.annotation.note == "stored note pasted\nline"
    app.store.close()
