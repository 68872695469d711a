"""The project file (cooltui.team.project): the draw, the file, and the list's assigned: terms."""

from __future__ import annotations

import errno
import json
import math
import random
from itertools import combinations
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cooltui.model import Status
from cooltui.query import Assigned, ListRow, QueryError, in_force, parse_query
from cooltui.team.project import (
    PROJECT_FILE,
    Plan,
    Project,
    ProjectError,
    assign,
    load_project,
    save_project,
)

TEAM = ("alice", "bob", "carol")


def ids(count: int, start: int = 0) -> list[str]:
    return [f"art-{i:05d}" for i in range(start, start + count)]


def shared(project: Project) -> int:
    return sum(1 for names in project.articles.values() if len(names) > 1)


def spread(project: Project) -> int:
    loads = project.loads().values()
    return max(loads) - min(loads)


plans = st.builds(
    lambda size, overlap, extra, seed: Plan(TEAM[:size], overlap, min(2 + extra, size), seed),
    st.integers(2, 3),
    st.floats(0, 1),
    st.integers(0, 1),
    st.integers(-5, 5),
)


class TestDraw:
    @given(plans, st.integers(0, 300))
    def test_share_per_article_count_and_balance(self, plan, count):
        project = assign(ids(count), plan)
        assert set(project.articles) == set(ids(count))
        assert shared(project) == math.floor(plan.overlap * count + 0.5)
        assert all(len(names) in (1, plan.per_article) for names in project.articles.values())
        assert all(len(set(names)) == len(names) for names in project.articles.values())
        assert spread(project) <= 1

    @given(plans, st.integers(0, 120), st.integers(0, 120))
    def test_a_growing_corpus_keeps_earlier_assignments(self, plan, first, more):
        before = assign(ids(first), plan)
        after = assign(ids(first + more), plan, before)
        assert {i: after.articles[i] for i in before.articles} == dict(before.articles)
        assert len(after.articles) == first + more
        # The share stays exact and the load even over the whole grown project.
        assert shared(after) == math.floor(plan.overlap * (first + more) + 0.5)
        assert spread(after) <= 1

    def test_the_corpus_order_never_changes_the_draw(self):
        plan = Plan(TEAM, 0.2)
        ordered = ids(200)
        shuffled = random.Random(7).sample(ordered, len(ordered))
        assert assign(ordered, plan) == assign(shuffled, plan)
        assert assign([*ordered, *ordered], plan) == assign(ordered, plan)

    def test_the_seed_changes_the_draw(self):
        draws = {seed: assign(ids(100), Plan(TEAM, 0.2, seed=seed)).articles for seed in (0, 1)}
        assert draws[0] != draws[1]
        # Another draw, the same shape: the share and the balance do not depend on the seed.
        assert sorted(map(len, draws[0].values())) == sorted(map(len, draws[1].values()))

    def test_every_pair_of_annotators_shares_articles(self):
        project = assign(ids(300), Plan(("a", "b", "c", "d"), 0.2))
        pairs = {tuple(names) for names in project.articles.values() if len(names) > 1}
        assert pairs == set(combinations(("a", "b", "c", "d"), 2))

    def test_annotators_are_listed_in_the_plans_order(self):
        project = assign(ids(50), Plan(("zed", "amy"), 1.0))
        assert set(project.articles.values()) == {("zed", "amy")}

    def test_a_new_annotator_in_an_old_project_gets_the_new_articles_first(self):
        # (A changed plan is refused by `cooltui assign`; the draw itself still balances.)
        before = assign(ids(30), Plan(("alice", "bob"), 0.0))
        after = assign(ids(45), Plan(TEAM, 0.0), before)
        assert {after.articles[i] for i in ids(15, 30)} == {("carol",)}

    def test_changes_are_named_and_order_of_annotators_is_no_change(self):
        plan = Plan(TEAM, 0.2)
        assert Plan(("carol", "alice", "bob"), 0.2).changes_from(plan) == []
        assert Plan(("alice", "bob"), 0.25, 2, 3).changes_from(plan) == [
            "annotators alice,bob (was alice,bob,carol)",
            "overlap 25% (was 20%)",
            "seed 3 (was 0)",
        ]


class TestFile:
    def test_saved_and_loaded_back_as_it_was(self, tmp_path):
        project = assign(ids(40), Plan(TEAM, 0.333, 3, seed=9))
        path = save_project(tmp_path / "ann", project)
        assert path == tmp_path / "ann" / PROJECT_FILE
        assert load_project(tmp_path / "ann") == project
        assert [p.name for p in path.parent.iterdir()] == [PROJECT_FILE]  # no temporary left

    def test_the_file_is_versioned_json_with_one_line_per_article_in_id_order(self, tmp_path):
        project = assign(["b", "a", "c"], Plan(TEAM, 0.0))
        text = save_project(tmp_path, project).read_text()
        data = json.loads(text)
        assert data["version"] == 1
        assert data["annotators"] == list(TEAM) and data["per_article"] == 2
        lines = [line.strip() for line in text.splitlines()]
        entries = [line for line in lines if line.startswith(('"a"', '"b"', '"c"'))]
        assert [line[1] for line in entries] == ["a", "b", "c"]

    def test_a_grown_project_differs_by_the_new_lines_only(self, tmp_path):
        plan = Plan(TEAM, 0.2)
        before = save_project(tmp_path, assign(ids(20), plan)).read_text().splitlines()
        grown = assign(ids(30), plan, load_project(tmp_path))
        after = save_project(tmp_path, grown).read_text().splitlines()
        added = [line for line in after if line not in before]
        removed = [line for line in before if line not in after]
        # The 10 new articles, and the comma the last of the old ones gains (JSON's syntax).
        assert len(removed) == 1 and f'"{ids(20)[-1]}"' in removed[0]
        assert added == [f"{removed[0]},", *(line for line in after if "art-0002" in line)]

    def test_an_empty_project_is_valid_json(self, tmp_path):
        save_project(tmp_path, Project(Plan(TEAM, 0.2), {}))
        assert load_project(tmp_path) == Project(Plan(TEAM, 0.2), {})

    def test_no_file_is_no_project(self, tmp_path):
        assert load_project(tmp_path) is None
        assert load_project(tmp_path / "missing") is None

    @pytest.mark.parametrize(
        ("content", "said"),
        [
            ("{not json", "not JSON"),
            ('{"annotators": []}', 'no "version"'),
            ('{"version": 2}', "written by a newer cooltui (version 2; this one reads 1)"),
            ('{"version": "1"}', "unknown version '1'"),
            ('{"version": 1, "annotators": ["al ice"]}', "annotator name 'al ice'"),
            ('{"version": 1, "annotators": ["a", "a"]}', "names someone twice"),
        ],
    )
    def test_a_bad_file_is_named_with_what_is_wrong(self, tmp_path, content, said):
        (tmp_path / PROJECT_FILE).write_text(content)
        with pytest.raises(ProjectError) as raised:
            load_project(tmp_path)
        message = str(raised.value)
        assert message.startswith(f"{tmp_path / PROJECT_FILE}: ")
        assert said in message and "\n" not in message

    @pytest.mark.parametrize(
        ("field", "value", "said"),
        [
            ("overlap", 1.5, '"overlap" must be a share from 0 to 1'),
            ("overlap", True, '"overlap" must be a share'),
            ("per_article", 4, '"per_article" must be from 2 to the 3 annotators'),
            ("seed", 0.5, '"seed" must be a whole number'),
            ("articles", [], '"articles" must map article ids'),
        ],
    )
    def test_a_bad_plan_is_named(self, tmp_path, field, value, said):
        save_project(tmp_path, assign(ids(3), Plan(TEAM, 0.2)))
        data = json.loads((tmp_path / PROJECT_FILE).read_text())
        (tmp_path / PROJECT_FILE).write_text(json.dumps({**data, field: value}))
        with pytest.raises(ProjectError, match=said):
            load_project(tmp_path)

    @pytest.mark.parametrize(
        ("names", "said"),
        [
            (["dave"], "'dave' is not among the project's annotators"),
            (["alice", "alice"], "2 annotators, not 1 or 2 different ones"),
            (["alice", "bob", "carol"], "3 annotators, not 1 or 2"),
            ("alice", "its annotators must be a list of names"),
        ],
    )
    def test_a_bad_entry_names_its_article(self, tmp_path, names, said):
        save_project(tmp_path, assign(ids(3), Plan(TEAM, 0.2)))
        data = json.loads((tmp_path / PROJECT_FILE).read_text())
        data["articles"]["art-00001"] = names
        (tmp_path / PROJECT_FILE).write_text(json.dumps(data))
        with pytest.raises(ProjectError, match=f"article 'art-00001': {said}"):
            load_project(tmp_path)

    def test_a_file_that_cannot_be_written_leaves_the_old_one(self, tmp_path, monkeypatch):
        project = assign(ids(5), Plan(TEAM, 0.2))
        save_project(tmp_path, project)

        def full_disk(fd: int, data: bytes) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr("cooltui.store.files._write_fully", full_disk)
        with pytest.raises(ProjectError) as raised:
            save_project(tmp_path, assign(ids(9), Plan(TEAM, 0.2)))
        assert str(raised.value) == (
            f"{tmp_path / PROJECT_FILE}: cannot write the project file (No space left on "
            "device); it is unchanged"
        )
        assert load_project(tmp_path) == project
        assert [p.name for p in tmp_path.iterdir()] == [PROJECT_FILE]


def row(article_id: str, assigned: Assigned | None) -> ListRow:
    return ListRow(article_id, f"title {article_id}", "", "", Status.TODO, assigned=assigned)


class TestListFilter:
    """The list's assigned: terms on rows a session made: alice's view of a project."""

    ALICE = Assigned(frozenset({"alice"}), mine=True)
    PAIR = Assigned(frozenset({"alice", "bob"}), mine=True)
    BOB = Assigned(frozenset({"bob"}), mine=False)
    NOBODY = Assigned(frozenset(), mine=False)
    ROWS = (row("a", ALICE), row("ab", PAIR), row("b", BOB), row("new", NOBODY))

    def shown(self, typed: str | None, rows=ROWS) -> list[str]:
        query = in_force(parse_query(typed) if typed else None, rows)
        return [rows[i].id for i in (query.select(rows) if query else range(len(rows)))]

    def test_the_annotators_own_articles_by_default(self):
        assert self.shown(None) == ["a", "ab"]

    def test_other_terms_keep_the_default(self):
        assert self.shown("status:todo -title") == []
        assert self.shown("title") == ["a", "ab"]

    @pytest.mark.parametrize(
        ("typed", "ids_shown"),
        [
            ("assigned:all", ["a", "ab", "b", "new"]),
            ("assigned:me", ["a", "ab"]),
            ("assigned:BOB", ["ab", "b"]),
            ("assigned:bob,me", ["a", "ab", "b"]),
            ("-assigned:me", ["b", "new"]),
            ("-assigned:bob", ["a", "new"]),
            ("assigned:dave", []),
            ("assigned:all status:done", []),
        ],
    )
    def test_a_typed_assigned_term_says_whose(self, typed, ids_shown):
        assert self.shown(typed) == ids_shown

    def test_one_not_in_the_project_sees_every_article(self):
        outsider = (
            row("a", Assigned(frozenset({"alice"}), None)),
            row("b", Assigned(frozenset({"bob"}), None)),
        )
        assert self.shown(None, outsider) == ["a", "b"]
        assert self.shown("assigned:me", outsider) == ["a", "b"]
        assert self.shown("assigned:bob", outsider) == ["b"]

    def test_without_a_project_nothing_changes(self):
        plain = (row("a", None), row("b", None))
        assert in_force(None, plain) is None
        typed = parse_query("title")
        assert in_force(typed, plain) is typed
        assert self.shown("assigned:me", plain) == ["a", "b"]
        assert self.shown("assigned:bob", plain) == []

    def test_the_one_by_one_test_agrees_with_select(self):
        for typed in ("assigned:bob", "-assigned:me", "assigned:me title"):
            query = in_force(parse_query(typed), self.ROWS)
            assert query is not None
            one_by_one = [r.id for r in self.ROWS if query.matches(r, None, None)]
            assert one_by_one == self.shown(typed)

    @pytest.mark.parametrize(
        ("typed", "said"),
        [("-assigned:all", "-assigned:all hides every article"), ("assigned:", "assigned:me")],
    )
    def test_bad_assigned_terms_say_why(self, typed, said):
        with pytest.raises(QueryError, match=said):
            parse_query(typed)


def test_the_draw_of_a_large_corpus_is_balanced(tmp_path: Path) -> None:
    project = assign(ids(20_000), Plan(TEAM, 0.1))
    assert shared(project) == 2_000
    assert spread(project) <= 1
    assert save_project(tmp_path, project).stat().st_size < 20_000 * 50
