"""The review app driven by key presses, as a user would; checked on what is saved and shown."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input

from cooltui.model import Status
from cooltui.settings import Settings
from cooltui.store import Store
from cooltui.tui.app import CoolApp, build_app
from cooltui.tui.reader import Reader

FIRST = "000_368710ebfebd31c9"
SECOND = "001_77e9b59e62f45c1c"


def settings(tmp_path: Path, corpus: Path, annotator: str = "alice") -> Settings:
    return Settings.resolve(corpus=[corpus], store=tmp_path / "ann", annotator=annotator)


def saved(tmp_path: Path, article_id: str, annotator: str = "alice"):
    with Store.open(tmp_path / "ann", annotator, read_only=True) as store:
        return store.get(article_id)


async def select_words(pilot, app: CoolApp, phrase: str, count: int, skip: str = "") -> None:
    """Put the cursor on `phrase` (after `skip`), as a click would; select `count` tokens."""
    reader = app.query_one(Reader)
    offset = reader.text.index(phrase) + len(skip)
    reader.move_to(offset)
    await pilot.press(*["shift+right"] * count)


class TestAnnotating:
    async def test_launch_opens_the_first_unfinished_article_ready_to_tag(self, tmp_path, seeds):
        app = build_app(settings(tmp_path, seeds))
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            reader = app.query_one(Reader)
            assert app.article.id == FIRST
            assert reader.has_focus and reader.cursor_offset == 0
            assert reader.text.startswith("lingkupperistiwa.com, Siak")
        app.store.close()

    async def test_tag_toggle_done_quit_and_find_it_all_again(self, tmp_path, seeds):
        app = build_app(settings(tmp_path, seeds))
        async with app.run_test(size=(120, 40)) as pilot:
            await select_words(pilot, app, "Kompol", 1)
            assert app.query_one(Reader).selected_range[1] - app.query_one(Reader).selected_range[
                0
            ] == len("Kompol")
            await pilot.press("r")
            await select_words(pilot, app, "Wan", 2)
            await pilot.press("p")
            await pilot.press("1", "5")
            await pilot.press("a")  # suggestions are still open: asked once
            await pilot.pause()
            assert app.article.id == FIRST
            notice = [str(n.message) for n in app._notifications][-1]
            assert (
                "suggestions still open (. goes to each): enter/x each, A takes all; a again"
                in notice
            )
            await pilot.press("a")
            await pilot.pause()
            assert app.article.id == SECOND  # done opens the next unfinished one
            await pilot.press("q")
        app.store.close()
        record = saved(tmp_path, FIRST)
        assert [(s.text, s.label) for s in record.spans] == [
            ("Kompol", "RANK"),
            ("Wan Mantazakka", "PER"),
        ]
        assert record.doc_labels["themes"] == ("KAMTIBMAS", "ANTI_GOLPUT")
        assert record.status is Status.DONE and record.seconds >= 0

        again = build_app(settings(tmp_path, seeds))
        async with again.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert again.article.id == SECOND  # the first is done: not offered again
            await pilot.press("[")
            assert again.article.id == FIRST
            assert [s.text for s in again.query_one(Reader).spans] == ["Kompol", "Wan Mantazakka"]
        again.store.close()

    async def test_label_key_without_selection_tags_the_token_under_the_cursor(
        self, tmp_path, seeds
    ):
        app = build_app(settings(tmp_path, seeds))
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("m")
            await pilot.pause()
            assert [(s.text, s.label) for s in app.annotation.spans] == [
                ("lingkupperistiwa.com", "MEDIA")
            ]
        app.store.close()

    async def test_relabel_move_boundaries_and_delete(self, tmp_path, seeds):
        app = build_app(settings(tmp_path, seeds))
        async with app.run_test(size=(120, 40)) as pilot:
            await select_words(pilot, app, "Wan", 1)
            await pilot.press("p")  # PER "Wan"
            app.query_one(Reader).move_to(0)
            await pilot.press("tab")  # from the start of the text, to the span: it is selected
            assert app.query_one(Reader).selected_range == (
                app.annotation.spans[0].start,
                app.annotation.spans[0].end,
            )
            await pilot.press(">")  # its end one token right
            assert [s.text for s in app.annotation.spans] == ["Wan Mantazakka"]
            await pilot.press("{")  # its start one token left
            assert [s.text for s in app.annotation.spans] == ["Kompol Wan Mantazakka"]
            await pilot.press("}")
            await pilot.press("j")  # relabel in place
            assert [(s.text, s.label) for s in app.annotation.spans] == [("Wan Mantazakka", "ROLE")]
            await pilot.press("x")
            await pilot.pause()
            assert app.annotation.spans == ()
        app.store.close()
        assert saved(tmp_path, FIRST).spans == ()

    async def test_find_selects_whole_tokens_ready_to_label(self, tmp_path, seeds):
        app = build_app(settings(tmp_path, seeds))
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("ctrl+f", *"wan mant", "enter")
            reader = app.query_one(Reader)
            start, end = reader.selected_range
            assert reader.text[start:end] == "Wan Mantazakka" and reader.has_focus
            await pilot.press("p")
            assert [(s.text, s.label) for s in app.annotation.spans] == [("Wan Mantazakka", "PER")]
            assert "PER: Wan Mantazakka" in str(reader.border_subtitle)
            reader.move_to(0)
            await pilot.press("ctrl+f", *"minas", "enter")  # "Minas" is written 7 times
            found = [reader.selected_range]
            for _ in range(7):
                await pilot.press("ctrl+g")
                found.append(reader.selected_range)
            assert all(reader.text[a:b] == "Minas" for a, b in found)
            assert found[:7] == sorted(set(found[:7])) and found[7] == found[0]  # then wraps
            reader.move_to(0)
            await pilot.press("ctrl+f", *"polsek minas", "enter")  # not inside "Kapolsek Minas"
            assert reader.text[slice(*reader.selected_range)] == "Polsek Minas"
            reader.move_to(reader.text.index("Kapolsek Minas") - 1)
            await pilot.press("ctrl+g")  # no "Polsek Minas" after it, but inside it: wraps
            assert reader.selected_range[0] == reader.text.index("Polsek Minas")
            await pilot.press("ctrl+f", *"zzzz", "enter", "ctrl+g")
            await pilot.pause()
            assert any("not found: zzzz" in str(n.message) for n in app._notifications)
        app.store.close()

    async def test_tab_from_the_top_reaches_a_span_at_the_very_start(self, tmp_path, seeds):
        app = build_app(settings(tmp_path, seeds))
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("m")  # "lingkupperistiwa.com", at offset 0
            await select_words(pilot, app, "Siak", 1)
            await pilot.press("l")
            await pilot.press("ctrl+home", "tab")
            assert app.query_one(Reader).selected_range == (0, len("lingkupperistiwa.com"))
            await pilot.press("tab")
            reader = app.query_one(Reader)
            assert reader.text[slice(*reader.selected_range)] == "Siak"
            await pilot.press("shift+tab", "shift+tab")  # wraps from the first to the last
            assert reader.text[slice(*reader.selected_range)] == "Siak"
        app.store.close()

    async def test_delete_ctrl_z_and_ctrl_y_reach_the_app_from_the_reader(self, tmp_path, seeds):
        app = build_app(settings(tmp_path, seeds))
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("m")
            await pilot.press("delete")
            assert app.annotation.spans == ()
            await pilot.press("ctrl+z")
            assert [s.label for s in app.annotation.spans] == ["MEDIA"]
            await pilot.press("ctrl+y")
            await pilot.pause()
            assert app.annotation.spans == ()
        app.store.close()

    async def test_overlapping_span_is_refused_with_a_message(self, tmp_path, seeds):
        app = build_app(settings(tmp_path, seeds))
        async with app.run_test(size=(120, 40)) as pilot:
            await select_words(pilot, app, "Kapolsek Minas", 2)
            await pilot.press("j")
            await select_words(pilot, app, "Kapolsek Minas", 1, skip="Kapolsek ")
            await pilot.press("l")
            await pilot.pause()
            assert [s.label for s in app.annotation.spans] == ["ROLE"]
            assert any("overlaps ROLE" in str(n.message) for n in app._notifications)
        app.store.close()


class TestReaderCache:
    async def test_cached_lines_equal_fresh_renders_after_moves_and_selections(
        self, tmp_path, seeds
    ):
        """The reader's line cache must never show a stale selection, cursor or span."""
        app = build_app(settings(tmp_path, seeds))
        async with app.run_test(size=(90, 30)) as pilot:
            reader = app.query_one(Reader)
            keys = ["shift+down", "shift+down", "shift+right", "m", "shift+up", "shift+left",
                    "down", "shift+down", "shift+down", "shift+up", "shift+up", "shift+up",
                    "right", "shift+right", "x", "pagedown", "shift+down", "up"]  # fmt: skip
            for key in keys:
                await pilot.press(key)
                await pilot.pause()
                cached = [reader.render_line(y).text for y in range(reader.size.height)]
                styles = [list(reader.render_line(y)) for y in range(reader.size.height)]
                reader._strips.clear()
                fresh = [reader.render_line(y).text for y in range(reader.size.height)]
                assert cached == fresh, key
                assert styles == [list(reader.render_line(y)) for y in range(reader.size.height)], (
                    key
                )
        app.store.close()


class TestGarbageCollection:
    async def test_full_collections_wait_for_a_pause_and_the_process_gets_them_back(
        self, tmp_path, seeds
    ):
        import gc
        import time

        app = build_app(settings(tmp_path, seeds))
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert not gc.isenabled()  # no automatic full collection in the middle of a key
            now = time.monotonic()
            app._last_collect = now - 30
            await pilot.press("right")  # typing: no collection yet
            app._collect_garbage()
            assert app._last_collect == now - 30
            survivor = [object()]
            app._last_key = time.monotonic() - 2  # a pause
            app._collect_garbage()
            assert app._last_collect > now
            # What survived is frozen: the next collection does not look at it again.
            assert not any(tracked is survivor for tracked in gc.get_objects())
            app._last_key = time.monotonic()  # typing on and on: still at least once a minute
            app._last_collect = time.monotonic() - 61
            app._collect_garbage()
            assert time.monotonic() - app._last_collect < 1
        app.store.close()
        assert gc.isenabled()


class TestUndo:
    async def test_undo_and_redo_across_a_restart_and_across_articles(self, tmp_path, seeds):
        app = build_app(settings(tmp_path, seeds))
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("m")  # first article: MEDIA
            await pilot.press("]")
            await pilot.press("m")  # second article: MEDIA
            await pilot.press("q")
        app.store.close()

        again = build_app(settings(tmp_path, seeds))
        async with again.run_test(size=(120, 40)) as pilot:
            await pilot.press("u")
            assert labels_in(again, SECOND) == []
            await pilot.press("u")
            await pilot.pause()
            assert again.article.id == FIRST  # undo went back to the other article
            assert labels_in(again, FIRST) == []
            assert again.session.statuses[FIRST] is Status.TODO
            await pilot.press("U")
            assert labels_in(again, FIRST) == ["MEDIA"]
            await pilot.press("ctrl+y")
            await pilot.press("ctrl+z")
            await pilot.press("q")
        again.store.close()
        assert [s.label for s in saved(tmp_path, FIRST).spans] == ["MEDIA"]
        assert saved(tmp_path, SECOND) is None


def labels_in(app: CoolApp, article_id: str) -> list[str]:
    """The labels saved for an article; undoing its first edit removes the whole record."""
    record = app.store.get(article_id)
    return [s.label for s in record.spans] if record else []


class TestListAndFilter:
    async def test_filter_by_status_and_open_from_the_list(self, tmp_path, seeds):
        app = build_app(settings(tmp_path, seeds))
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("a", "a")  # first article done, past the check
            await pilot.press("slash")
            await pilot.press(*"status:done")
            await pilot.pause()
            articles = app.articles
            assert articles.visible_count == 1
            await pilot.press("enter")  # to the list
            await pilot.press("enter")  # open the highlighted article
            await pilot.pause()
            assert app.article.id == FIRST
            assert app.query_one(Reader).has_focus
        app.store.close()

    async def test_words_find_the_dateline_place(self, tmp_path, seeds):
        app = build_app(settings(tmp_path, seeds))
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("slash", *"seikijang")  # TOPIKMETRO.COM, BDR. SEIKIJANG –
            await pilot.pause()
            assert app.articles.visible_count == 1
        app.store.close()

    async def test_a_bad_filter_says_why_and_keeps_the_list(self, tmp_path, seeds):
        app = build_app(settings(tmp_path, seeds))
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("slash")
            await pilot.press(*"dumai")
            await pilot.pause()
            assert app.articles.visible_count == 2
            app.query_one("#filter", Input).value = "dumai status:nope"  # pasted
            await pilot.pause()
            error = app.query_one(".list-filter--error")
            assert error.region.height > 0  # under the field, wrapped, in full
            assert "'nope': use todo, progress, done" in str(error.render())
            assert app.articles.visible_count == 2  # the last good filter stays
        app.store.close()


class TestUntrustedText:
    @pytest.mark.parametrize(
        "nasty", ["[/]", "[bold]x", "[@click=app.quit]click me[/]", "\x1b]0;pwned\x07ok"]
    )
    async def test_markup_and_escapes_in_articles_are_shown_as_text(self, tmp_path, nasty):
        corpus = tmp_path / "corpus"
        corpus.mkdir()
        (corpus / "m.txt").write_text(f"{nasty} Judul berita\n\nIsi {nasty} berita.", "utf-8")
        app = build_app(settings(tmp_path, corpus))
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("c")
            await pilot.press(*"[/] catatan [@click=app.quit]")
            await pilot.press("escape")
            await pilot.pause()
            assert app.is_running
            shown = app.query_one(Reader).text
            assert "\x1b" not in shown
            if "\x1b" not in nasty:
                assert nasty in shown
        app.store.close()
        assert saved(tmp_path, "m").note == "[/] catatan [@click=app.quit]"


class TestChangedText:
    async def test_a_changed_article_is_marked_and_its_lost_spans_shown_apart(
        self, tmp_path, seeds
    ):
        corpus = tmp_path / "corpus"
        corpus.mkdir()
        for name in ("000_368710ebfebd31c9.txt", "001_77e9b59e62f45c1c.txt"):
            (corpus / name).write_bytes((seeds / name).read_bytes())
        app = build_app(settings(tmp_path, corpus))
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("]")  # the second article
            await select_words(pilot, app, "AIPDA", 1)
            await pilot.press("r")
            await select_words(pilot, app, "AIPTU", 1)
            await pilot.press("r")
        app.store.close()
        changed = corpus / "001_77e9b59e62f45c1c.txt"
        text = changed.read_text(encoding="utf-8")
        changed.write_text("BARU: " + text.replace("AIPTU", "Aiptu"), encoding="utf-8")

        again = build_app(settings(tmp_path, corpus))
        async with again.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            row = again.articles.render_line(1).text + again.articles.render_line(2).text
            assert "!" in row  # the list marks the changed article before it is opened
            await pilot.press("]")
            await pilot.pause()
            assert "The text changed: 1 span could not be found again" in str(
                again.query_one("#review-warning").render()
            )
            annotation = again.annotation
            assert [s.text for s in annotation.spans] == ["AIPDA"]  # moved with the text
            reader = again.query_one(Reader)
            assert reader.text[annotation.spans[0].start : annotation.spans[0].end] == "AIPDA"
            assert [s.text for s in annotation.review] == ["AIPTU"]  # never silently shifted
            assert "needs review (1)" in "\n".join(again.query_one("#sidebar-review").lines)
        again.store.close()


class TestReadOnly:
    async def test_second_instance_opens_read_only_and_refuses_edits(self, tmp_path, seeds):
        first = build_app(settings(tmp_path, seeds))
        async with first.run_test(size=(120, 40)) as pilot:
            await pilot.press("m")
            first.store.flush()
            second = build_app(settings(tmp_path, seeds))
            assert second.store.read_only
            async with second.run_test(size=(120, 40)) as other:
                await other.pause()
                assert "READ-ONLY" in str(second.query_one("#top").render())
                await other.press("p")
                await other.pause()
                assert [s.label for s in second.annotation.spans] == ["MEDIA"]
                assert any("read-only" in str(n.message) for n in second._notifications)
            second.store.close()
        first.store.close()
        assert [s.label for s in saved(tmp_path, FIRST).spans] == ["MEDIA"]

    @staticmethod
    async def refusal_after_a_label_key(app: CoolApp, key: str = "p") -> str:
        """Press a label key (or another edit's) in a read-only app: the one notice it gives,
        and nothing saved."""
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert app.store.read_only
            top = str(app.query_one("#top").render())
            await pilot.press(key)
            await pilot.pause()
            assert app.annotation is None or not app.annotation.spans
            notices = [str(n.message) for n in app._notifications]
        app.store.close()
        assert len(notices) == 1 and "another cooltui" not in notices[0]
        return f"{top}\n{notices[0]}"

    async def test_read_only_on_request_says_so(self, tmp_path, seeds):
        Store.open(tmp_path / "ann", "alice").close()
        shown = await self.refusal_after_a_label_key(
            build_app(settings(tmp_path, seeds), read_only=True)
        )
        assert "read-only (opened with --read-only): nothing is changed" in shown

    async def test_accept_all_in_read_only_says_only_that_it_is_refused(self, tmp_path, seeds):
        Store.open(tmp_path / "ann", "alice").close()
        app = build_app(settings(tmp_path, seeds), read_only=True)
        shown = await self.refusal_after_a_label_key(app, key="A")
        assert "nothing is changed" in shown and "accepted" not in shown

    async def test_a_store_that_cannot_be_written_opens_read_only_and_says_why(
        self, tmp_path, seeds, monkeypatch
    ):
        Store.open(tmp_path / "ann", "alice").close()
        real_open = os.open

        def read_only_fs(path, flags, *args):
            if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
                raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
            return real_open(path, flags, *args)

        monkeypatch.setattr(os, "open", read_only_fs)
        shown = await self.refusal_after_a_label_key(build_app(settings(tmp_path, seeds)))
        assert "READ-ONLY: cannot open" in shown and "(Read-only file system)" in shown
        assert "read-only (cannot open" in shown


class TestKeysInABurst:
    """Over SSH keys often arrive together: what follows a key that opens a field goes into it."""

    @staticmethod
    def burst(app: CoolApp, keys: str) -> None:
        """Queue keys at once, as one read from a slow connection delivers them."""
        for key in keys.split():
            app.post_message(events.Key(key, key if len(key) == 1 else None))

    async def test_typing_right_after_ctrl_f_goes_into_the_find_field(self, tmp_path, seeds):
        app = build_app(settings(tmp_path, seeds))
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            first = app.article.id
            self.burst(app, "ctrl+f m i n a s")
            await pilot.pause()
            assert app.query_one("#find", Input).value == "minas"
            assert (
                app.article.id == first
                and app.session.statuses.get(first, Status.TODO) is Status.TODO
            )
            self.burst(app, "enter r")  # back in the reader at once: r labels the match
            await pilot.pause()
            assert [(s.label, s.text) for s in app.annotation.spans] == [("RANK", "Minas")]
        app.store.close()

    async def test_typing_right_after_slash_goes_into_the_filter(self, tmp_path, seeds):
        app = build_app(settings(tmp_path, seeds))
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            self.burst(app, "slash d u m a i")
            await pilot.pause()
            assert app.query_one("#filter", Input).value == "dumai"
            assert not any(status is Status.DONE for status in app.session.statuses.values())
        app.store.close()


class TestNarrowTerminals:
    async def test_the_list_hides_below_100_columns_and_comes_back(self, tmp_path, seeds):
        app = build_app(settings(tmp_path, seeds))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            column = app.query_one("#list-column")
            assert not column.display  # no room at launch
            await pilot.press("B")
            assert column.display  # shown on request
            await pilot.press("B")
            assert not column.display
            await pilot.resize_terminal(120, 40)
            assert column.display and not app.screen.has_class("-narrow")
            await pilot.resize_terminal(80, 24)
            assert not column.display and app.screen.has_class("-narrow")
            assert app.focused is app.reader
        app.store.close()
