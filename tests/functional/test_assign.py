"""`cooltui assign` as users run it, and the app following the project file it writes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from cooltui.cli import main
from cooltui.corpus import load_corpus
from cooltui.model import Status
from cooltui.scheme import load_scheme
from cooltui.session import Session, shown_path
from cooltui.settings import Settings
from cooltui.store import Store
from cooltui.suggest import Suggester
from cooltui.team.project import (
    PROJECT_FILE,
    Plan,
    Project,
    ProjectError,
    assign,
    load_project,
    save_project,
)
from cooltui.tui.app import CoolApp, TopBar, build_app
from cooltui.tui.reader import Reader

TEAM = ("alice", "bob", "carol")
SENTENCE = "Polsek Minas menggelar patroli di Kecamatan Minas pada Selasa malam."


def write_corpus(folder: Path, names: list[str]) -> Path:
    """One article a file, its id the file's name."""
    folder.mkdir(exist_ok=True)
    for name in names:
        (folder / f"{name}.txt").write_text(f"Berita {name}\n\n{SENTENCE}\n", encoding="utf-8")
    return folder


def names(count: int, start: int = 0) -> list[str]:
    return [f"n{i:03d}" for i in range(start, start + count)]


def run(*args: str, corpus: Path, store: Path) -> int:
    return main(["assign", "--corpus", str(corpus), "--store", str(store), *args])


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "corpus", names(30))


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return tmp_path / "ann"


class TestCommand:
    def test_writes_the_project_and_reports_each_annotators_load(self, corpus, store, capsys):
        assert (
            run("--annotators", "alice,bob,carol", "--overlap", "20%", corpus=corpus, store=store)
            == 0
        )
        project = load_project(store)
        assert project == assign(names(30), Plan(TEAM, 0.2))
        out = capsys.readouterr().out.splitlines()
        assert out == [
            f"{store / PROJECT_FILE}: 30 articles for 3 annotators, 6 of them coded by 2 "
            "(overlap 20%, seed 0)",
            *(
                f"  {name:<5}  12 articles ({shared} shared)"
                for name, shared in zip(TEAM, shared_counts(project), strict=True)
            ),
        ]

    def test_a_fraction_is_the_same_share_as_a_percentage(self, corpus, tmp_path):
        run("--annotators", "alice,bob", "--overlap", "20%", corpus=corpus, store=tmp_path / "a")
        run("--annotators", "alice,bob", "--overlap", "0.2", corpus=corpus, store=tmp_path / "b")
        percent, fraction = (tmp_path / which / PROJECT_FILE for which in "ab")
        assert percent.read_bytes() == fraction.read_bytes()

    def test_per_article_and_seed(self, corpus, store):
        args = ("--annotators", "alice,bob,carol", "--overlap", "50%", "--per-article", "3")
        assert run(*args, "--seed", "4", corpus=corpus, store=store) == 0
        project = load_project(store)
        assert project is not None and project.plan == Plan(TEAM, 0.5, 3, 4)
        assert sorted(map(len, project.articles.values())) == [1] * 15 + [3] * 15

    def test_a_grown_corpus_gets_its_new_articles_and_keeps_the_rest(self, corpus, store, capsys):
        run("--annotators", "alice,bob,carol", "--overlap", "20%", corpus=corpus, store=store)
        before = load_project(store)
        write_corpus(corpus, names(10, start=30))
        capsys.readouterr()
        assert run(corpus=corpus, store=store) == 0  # the options are the project's
        after = load_project(store)
        assert after is not None and before is not None
        assert {i: after.articles[i] for i in before.articles} == before.articles
        assert set(after.articles) == set(names(40))
        assert after.shared == 8
        out = capsys.readouterr().out
        assert "40 articles for 3 annotators, 8 of them coded by 2" in out
        assert "new: 10 articles, 2 of them shared" in out
        loads = sorted(after.loads().values())
        assert loads[-1] - loads[0] <= 1

    def test_the_same_options_again_change_nothing(self, corpus, store, capsys):
        args = ("--annotators", "alice,bob,carol", "--overlap", "20%")
        run(*args, corpus=corpus, store=store)
        path = store / PROJECT_FILE
        written = path.stat().st_mtime_ns, path.read_bytes()
        capsys.readouterr()
        assert run(*args, corpus=corpus, store=store) == 0
        assert "new: none; the file is unchanged" in capsys.readouterr().out
        assert (path.stat().st_mtime_ns, path.read_bytes()) == written

    def test_articles_gone_from_the_corpus_keep_their_entry(self, corpus, store, capsys):
        run("--annotators", "alice,bob", "--overlap", "10%", corpus=corpus, store=store)
        (corpus / "n007.txt").unlink()
        capsys.readouterr()
        assert run(corpus=corpus, store=store) == 0
        assert "1 article not in this corpus keeps its entry (e.g. n007)" in capsys.readouterr().out
        (corpus / "n004.txt").unlink()
        assert run(corpus=corpus, store=store) == 0
        project = load_project(store)
        assert project is not None and {"n004", "n007"} <= set(project.articles)
        assert "2 articles not in this corpus keep their entries (e.g. n004)" in (
            capsys.readouterr().out
        )

    @pytest.mark.parametrize(
        "change",
        [
            ("--annotators", "alice,bob"),
            ("--overlap", "30%"),
            ("--per-article", "3"),
            ("--seed", "1"),
        ],
    )
    def test_another_plan_is_refused_without_reassign(self, corpus, store, capsys, change):
        run("--annotators", "alice,bob,carol", "--overlap", "20%", corpus=corpus, store=store)
        written = (store / PROJECT_FILE).read_bytes()
        capsys.readouterr()
        assert run(*change, corpus=corpus, store=store) == 2
        error = capsys.readouterr().err
        assert error.startswith(f"cooltui: {store / PROJECT_FILE} deals articles out otherwise")
        assert "--reassign deals every article out afresh" in error
        assert error.count("\n") == 1
        assert (store / PROJECT_FILE).read_bytes() == written

    def test_reassign_deals_every_article_out_afresh(self, corpus, store, capsys):
        run("--annotators", "alice,bob,carol", "--overlap", "20%", corpus=corpus, store=store)
        (corpus / "n000.txt").unlink()  # gone: dealt out again all the same
        capsys.readouterr()
        assert run("--annotators", "alice,bob", "--reassign", corpus=corpus, store=store) == 0
        assert load_project(store) == assign(names(30), Plan(("alice", "bob"), 0.2))
        out = capsys.readouterr().out
        assert "30 articles for 2 annotators, 6 of them coded by 2" in out
        assert "changed hands" in out

    @pytest.mark.parametrize(
        ("args", "said"),
        [
            (("--overlap", "20%"), "no annotators: name them, e.g. --annotators alice,bob,carol"),
            (("--annotators", " , ", "--overlap", "20%"), "no annotators"),
            (("--annotators", "alice,bob"), "give the share coded by several annotators"),
            (("--annotators", "alice", "--overlap", "20%"), "names only alice: a project needs"),
            (("--annotators", "alice,bob", "--overlap", "150%"), "--overlap 150%: a share is from"),
            (("--annotators", "alice,bob", "--overlap=-5%"), "--overlap -5%: a share is from"),
            (("--annotators", "alice,bob", "--overlap", "20"), "without % is from 0 to 1; 20%?"),
            (("--annotators", "alice,bob", "--overlap", "lots"), "give a share such as 20%"),
            (("--annotators", "alice,bob", "--overlap", "nan%"), "give a share such as 20%"),
            (
                ("--annotators", "alice,bob,carol", "--overlap", "20%", "--per-article", "4"),
                "--per-article 4 is more than the 3 annotators",
            ),
            (
                ("--annotators", "alice,bob", "--overlap", "20%", "--per-article", "1"),
                "--per-article 1: a shared article needs 2 or more",
            ),
            (("--annotators", "alice,Alice", "--overlap", "20%"), "names 'Alice' twice"),
            (("--annotators", "alice,me", "--overlap", "20%"), "'me' is a word of the list's"),
            (("--annotators", "alice,al ice", "--overlap", "20%"), "annotator name 'al ice'"),
        ],
    )
    def test_bad_options_are_one_line_and_write_nothing(self, corpus, store, capsys, args, said):
        assert run(*args, corpus=corpus, store=store) == 2
        error = capsys.readouterr().err
        assert said in error and error.count("\n") == 1
        assert not (store / PROJECT_FILE).exists()

    def test_a_damaged_project_file_is_named(self, corpus, store, capsys):
        store.mkdir()
        (store / PROJECT_FILE).write_text('{"version": 1, "annotators": "alice"}')
        assert run("--reassign", corpus=corpus, store=store) == 1
        error = capsys.readouterr().err
        assert error.startswith(f"cooltui: {store / PROJECT_FILE}: ")
        assert '"annotators" must be a list of names' in error

    def test_it_is_listed_in_the_help(self, capsys):
        with pytest.raises(SystemExit):
            main(["assign", "--help"])
        out = capsys.readouterr().out
        assert "--reassign" in out and "never the corpus order" in out


def shared_counts(project: Project) -> list[int]:
    return [
        sum(1 for team in project.articles.values() if name in team and len(team) > 1)
        for name in project.plan.annotators
    ]


# --- the session and the app following the project file ------------------------------------------

ALICE = ["n000", "n002", "n003", "n005"]
"""alice's articles in the project below; n003 she shares with bob."""
PROJECT = {
    "n000": ("alice",),
    "n001": ("bob",),
    "n002": ("alice",),
    "n003": ("alice", "bob"),
    "n004": ("carol",),
    "n005": ("alice",),
    "n006": ("bob",),
    "n007": ("carol",),
    "gone": ("carol",),  # no longer in the corpus
}
"""n008 and n009 are new: in no one's assignment yet."""


@pytest.fixture
def team_store(tmp_path: Path) -> Path:
    folder = tmp_path / "ann"
    save_project(folder, Project(Plan(TEAM, 0.1), PROJECT))
    return folder


@pytest.fixture
def team_corpus(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "corpus", names(10))


@pytest.fixture
def open_session(team_corpus: Path, team_store: Path):
    opened: list[Session] = []
    suggester = Suggester(replace(load_scheme(), check_done=False))

    def open_(annotator: str) -> Session:
        store = Store.open(team_store, annotator)
        session = Session(load_corpus([team_corpus], cache=False), store, suggester)
        opened.append(session)
        return session

    yield open_
    for session in opened:
        session.store.close()


def finish(session: Session, article_id: str) -> str | None:
    session.open(article_id)
    return session.finish(Status.DONE)


class TestSession:
    def test_it_starts_on_and_walks_the_annotators_own_articles(self, open_session):
        session = open_session("alice")
        assert session.first_article() == "n000"
        assert session.next_unfinished(after="n000") == "n002"  # not bob's n001
        assert finish(session, "n002") == "n003"
        assert session.next_unfinished(after="n005") == "n000"  # wraps round her own
        assert session.next_unfinished(after="n009") == "n000"  # from another's article

    def test_the_counts_are_of_the_assignment(self, open_session):
        session = open_session("alice")
        assert (session.counts().done, session.counts().total) == (0, 4)
        finish(session, "n001")  # bob's article: done, but not hers to count
        finish(session, "n003")
        assert (session.counts().done, session.counts().total) == (1, 4)
        session.undo()
        assert session.counts().done == 0

    def test_when_all_her_articles_are_done_none_is_next(self, open_session):
        session = open_session("alice")
        for article_id in ALICE:
            following = finish(session, article_id)
        assert following is None
        assert session.first_article() == "n000"  # the first of hers, done

    def test_one_not_in_the_project_has_every_article(self, open_session, team_store):
        session = open_session("dave")
        assert session.counts().total == 10
        assert session.next_unfinished(after="n000") == "n001"
        assert session.assignment_notice() == (
            f"dave is not among the annotators of {shown_path(team_store / PROJECT_FILE)} "
            "(alice, bob, carol): all articles shown"
        )

    def test_the_notice_says_how_to_see_every_article(self, open_session, team_store):
        assert open_session("alice").assignment_notice() == (
            f"the list shows the 4 articles {shown_path(team_store / PROJECT_FILE)} gives "
            "alice: assigned:all in the filter (/) shows all"
        )

    def test_the_list_rows_say_who_codes_each_article(self, open_session):
        session = open_session("alice")
        rows = {article.id: session.row(article) for article in session.corpus}
        assert {i for i, row in rows.items() if row.assigned and row.assigned.mine} == set(ALICE)
        assert rows["n003"].assigned is not None
        assert rows["n003"].assigned.names == {"alice", "bob"}
        assert rows["n009"].assigned is not None and not rows["n009"].assigned.names
        # One object per team, shared by its rows.
        assert rows["n000"].assigned is rows["n002"].assigned

    def test_without_a_project_file_nothing_changes(self, open_session, team_store):
        (team_store / PROJECT_FILE).unlink()
        session = open_session("alice")
        assert session.project is None and session.assignment_notice() is None
        assert session.counts().total == 10
        assert session.next_unfinished(after="n000") == "n001"
        assert all(session.row(article).assigned is None for article in session.corpus)


def app_for(tmp_path: Path, corpus: Path, annotator: str) -> CoolApp:
    return build_app(Settings.resolve(corpus=[corpus], store=tmp_path / "ann", annotator=annotator))


def header(app: CoolApp) -> str:
    return str(app.query_one(TopBar).render())


class TestApp:
    async def test_the_list_shows_the_annotators_own_articles(
        self, tmp_path, team_corpus, team_store
    ):
        app = app_for(tmp_path, team_corpus, "alice")
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert app.article is not None and app.article.id == "n000"
            assert app.articles.visible_count == 4
            assert app.articles.total_count == 10
            assert str(app.articles.border_subtitle) == "mine 4/10"
            shown = []
            for _ in range(app.articles.visible_count):
                shown.append(app.articles.highlighted_id)
                app.articles.action_cursor_down()
            assert shown == ALICE
            assert "0 of 4 done" in header(app)
        app.store.close()

    async def test_assigned_all_typed_in_the_filter_shows_every_article(
        self, tmp_path, team_corpus, team_store
    ):
        app = app_for(tmp_path, team_corpus, "alice")
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("slash", *"assigned:all")
            await pilot.pause()
            assert app.articles.visible_count == 10
            assert str(app.articles.border_subtitle) == "10/10"
            app.query_one("#filter").value = "assigned:bob"
            await pilot.pause()
            assert app.articles.visible_count == 3  # n001, n003, n006
            app.query_one("#filter").value = "patroli"  # says not whose: hers again
            await pilot.pause()
            assert app.articles.visible_count == 4
            app.query_one("#filter").value = ""
            await pilot.pause()
            assert str(app.articles.border_subtitle) == "mine 4/10"
        app.store.close()

    async def test_next_unfinished_and_done_skip_others_articles(
        self, tmp_path, team_corpus, team_store
    ):
        app = app_for(tmp_path, team_corpus, "alice")
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await pilot.press("n")
            assert app.article.id == "n002"  # bob's n001 skipped
            await pilot.press("a", "a")  # done (asked once: nothing labelled): hers next
            await pilot.pause()
            assert app.article.id == "n003"
            assert "1 of 4 done" in header(app)
            await pilot.press("n", "n")
            assert app.article.id == "n000"  # n005, then round to n000: n002 is done
            assert app.query_one(Reader).has_focus
        app.store.close()
        with Store.open(tmp_path / "ann", "alice", read_only=True) as store:
            assert store.get("n002").status is Status.DONE

    async def test_one_not_in_the_project_sees_every_article(
        self, tmp_path, team_corpus, team_store
    ):
        app = app_for(tmp_path, team_corpus, "dave")
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert app.articles.visible_count == 10
            assert str(app.articles.border_subtitle) == "10"
            assert "0 of 10 done" in header(app)
            await pilot.press("n")
            assert app.article.id == "n001"
        app.store.close()

    def test_a_damaged_project_file_stops_the_launch_in_one_line(
        self, tmp_path, team_corpus, team_store
    ):
        (team_store / PROJECT_FILE).write_text("{")
        with pytest.raises(ProjectError, match=r"project\.json: not JSON"):
            app_for(tmp_path, team_corpus, "alice")


async def test_the_app_says_whose_articles_it_shows(tmp_path, team_corpus, team_store):
    app = app_for(tmp_path, team_corpus, "alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        said = [str(n.message) for n in app._notifications]
        assert any("assigned:all in the filter (/) shows all" in s for s in said), said
    app.store.close()
