"""`cooltui sync` between clones of one bare repository on this machine (no network): two
annotators, the same annotator on two machines, and every way a sync refuses."""

from __future__ import annotations

import subprocess
from pathlib import Path

import orjson
import pytest

import cooltui.team.sync as sync_module
from cooltui.cli import main
from cooltui.model import Annotation, Span
from cooltui.store import CONFLICTS, Store, annotators, write_manifest
from cooltui.team.sync import SyncError, sync

pytestmark = pytest.mark.skipif(
    subprocess.run(["git", "--version"], capture_output=True, check=False).returncode != 0,
    reason="git is not installed",
)


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.fixture(autouse=True)
def plain_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """git as a fresh install has it: no settings of this machine's user."""
    empty = tmp_path / "gitconfig"
    empty.write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    bare = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(bare)], check=True)
    return bare


def clone(remote: Path, name: str) -> Path:
    """A clone of `remote` at `name` (an empty remote gives an empty clone on main)."""
    repo = remote.parent / name
    subprocess.run(["git", "clone", "-q", str(remote), str(repo)], check=True, capture_output=True)
    git(repo, "config", "user.name", name)
    git(repo, "config", "user.email", f"{name}@example.org")
    return repo


def annotate(repo: Path, annotator: str, article_id: str, note: str, at: float) -> Annotation:
    made = (
        Annotation(article_id, "sha", created=at, updated=at)
        .add_span(Span(0, 4, "PER", "Budi"))
        .with_note(note)
    )
    with Store.open(repo / "annotations", annotator) as store:
        store.save(made)
    return made


def notes(repo: Path, annotator: str) -> dict[str, str]:
    with Store.open(repo / "annotations", annotator, read_only=True) as store:
        return {a.article_id: a.note for a in store}


def clean(repo: Path) -> bool:
    return git(repo, "status", "--porcelain", "--untracked-files=all") == ""


def test_two_annotators_each_get_both_folders(remote: Path) -> None:
    one, two = clone(remote, "one"), clone(remote, "two")
    annotate(one, "alice", "kompas-1", "alice's", 1000.0)
    annotate(one, "alice", "kompas-2", "alice's too", 1001.0)
    annotate(two, "bob", "kompas-1", "bob's", 1002.0)

    first = sync(one / "annotations", "alice")
    assert first.committed == ("kompas-1", "kompas-2") and first.pushed
    assert git(one, "log", "-1", "--format=%s") == "alice: 2 articles (kompas-1, kompas-2)"
    assert sync(two / "annotations", "bob").pushed
    assert not sync(one / "annotations", "alice").pushed  # nothing new of alice's

    for repo in (one, two):
        assert annotators(repo / "annotations") == ["alice", "bob"]
        assert notes(repo, "alice") == {"kompas-1": "alice's", "kompas-2": "alice's too"}
        assert notes(repo, "bob") == {"kompas-1": "bob's"}
        assert clean(repo)  # the lock, the journal and the backups stay out of git
    assert git(two, "log", "--format=%s") == (
        "bob: 1 article (kompas-1)\nalice: 2 articles (kompas-1, kompas-2)"
    )


@pytest.mark.parametrize("later", ["one", "two"])
def test_the_same_annotator_on_two_machines_loses_nothing(remote: Path, later: str) -> None:
    one, two = clone(remote, "one"), clone(remote, "two")
    annotate(one, "alice", "kompas-1", "first", 1000.0)
    sync(one / "annotations", "alice")
    sync(two / "annotations", "alice")
    at = {"one": 2000.0, "two": 2000.0}
    at[later] += 500.0
    annotate(one, "alice", "kompas-1", "edited on one", at["one"])
    for n in range(40):  # one's journal numbers (and shard stamps) run far ahead of two's
        annotate(one, "alice", "kompas-2", f"draft {n}", at["one"] - 40 + n)
    annotate(one, "alice", "kompas-2", "only on one", at["one"])
    annotate(two, "alice", "kompas-1", "edited on two", at["two"])
    annotate(two, "alice", "kompas-3", "only on two", at["two"])

    sync(one / "annotations", "alice")
    second = sync(two / "annotations", "alice")
    assert second.taken == ("kompas-2",)
    assert second.conflicts == ("kompas-1",)
    assert "kompas-1" in (second.conflict_message() or "")
    third = sync(one / "annotations", "alice")
    assert third.conflicts == ("kompas-1",)  # told here too: its record may be the one set aside

    kept, aside = f"edited on {later}", "edited on one" if later == "two" else "edited on two"
    expected = {"kompas-1": kept, "kompas-2": "only on one", "kompas-3": "only on two"}
    for repo in (one, two):
        assert notes(repo, "alice") == expected
        lines = (repo / "annotations" / "alice" / CONFLICTS).read_bytes().splitlines()
        assert [orjson.loads(line)["record"]["note"] for line in lines] == [aside]
        assert clean(repo)
        with Store.open(repo / "annotations", "alice") as store:  # journal and shards agree
            assert store.can_undo
    assert not sync(one / "annotations", "alice").pushed  # settled: no commit back and forth
    assert not sync(two / "annotations", "alice").pushed
    subjects = git(one, "log", "--format=%s").splitlines()
    assert subjects == [
        "alice: 2 articles (kompas-1, kompas-3)",
        "alice: 2 articles (kompas-1, kompas-2)",
        "alice: 1 article (kompas-1)",
    ]


def test_a_folder_begun_on_two_machines_apart_is_merged(remote: Path) -> None:
    one, two = clone(remote, "one"), clone(remote, "two")
    annotate(one, "alice", "kompas-1", "on one", 1000.0)
    sync(one / "annotations", "alice")
    annotate(two, "alice", "kompas-9", "on two", 1001.0)  # two has no commit of the remote's
    report = sync(two / "annotations", "alice")
    assert report.taken == ("kompas-1",) and report.conflicts == ()
    assert notes(two, "alice") == {"kompas-1": "on one", "kompas-9": "on two"}
    sync(one / "annotations", "alice")
    assert notes(one, "alice") == notes(two, "alice")


def test_a_folder_begun_apart_with_other_shards_is_made_one(remote: Path) -> None:
    one, two = clone(remote, "one"), clone(remote, "two")
    (one / "annotations" / "alice").mkdir(parents=True)
    write_manifest(one / "annotations" / "alice", "alice", 1)  # every record in shard-000.json
    for n in range(5):
        annotate(one, "alice", f"kompas-{n}", "on one", 1000.0 + n)
    sync(one / "annotations", "alice")
    annotate(two, "alice", "kompas-9", "on two", 1001.0)
    sync(two / "annotations", "alice")
    expected = {f"kompas-{n}": "on one" for n in range(5)} | {"kompas-9": "on two"}
    assert notes(two, "alice") == expected  # each article once: one's shard-000.json is gone
    assert clean(two)
    sync(one / "annotations", "alice")
    assert notes(one, "alice") == expected


def test_the_command_reports_and_a_refusal_is_one_line(
    remote: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one = clone(remote, "one")
    annotate(one, "alice", "kompas-1", "x", 1000.0)
    store = str(one / "annotations")
    assert main(["sync", "--store", store, "--annotator", "alice"]) == 0
    out = capsys.readouterr().out
    assert "committed 1 article (kompas-1)" in out and "pushed to origin/main" in out
    assert main(["sync", "--store", store, "--annotator", "alice", "--remote", "upstream"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no git remote 'upstream' (it has origin)" in err


# Refusals: a one-line message saying what to do, nothing lost


def test_a_store_open_in_another_cooltui_is_refused(remote: Path) -> None:
    one = clone(remote, "one")
    annotate(one, "alice", "kompas-1", "x", 1000.0)
    with Store.open(one / "annotations", "alice") as store:
        store.save(Annotation("kompas-2", "sha"))
        with pytest.raises(SyncError, match=r"open in another cooltui \(pid \d+.*quit it"):
            sync(one / "annotations", "alice")
    assert git(one, "rev-list", "--all") == ""  # nothing committed
    assert sync(one / "annotations", "alice").committed == ("kompas-1", "kompas-2")


def test_not_a_git_repository(tmp_path: Path) -> None:
    annotate(tmp_path, "alice", "kompas-1", "x", 1000.0)
    with pytest.raises(SyncError, match="is not in a git repository: clone"):
        sync(tmp_path / "annotations", "alice")


def test_no_remote(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    annotate(tmp_path, "alice", "kompas-1", "x", 1000.0)
    with pytest.raises(SyncError, match="has no git remote to sync with: add the team's"):
        sync(tmp_path / "annotations", "alice")


def test_git_missing(remote: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    one = clone(remote, "one")
    monkeypatch.setenv("PATH", str(remote.parent / "nowhere"))
    with pytest.raises(SyncError, match="git is not installed"):
        sync(one / "annotations", "alice")


def test_changes_outside_the_folder_are_refused(remote: Path) -> None:
    one = clone(remote, "one")
    (one / "README.md").write_text("the team's corpus\n")
    git(one, "add", "README.md")
    git(one, "commit", "-q", "-m", "readme")
    annotate(one, "alice", "kompas-1", "x", 1000.0)
    (one / "README.md").write_text("changed, not committed\n")
    with pytest.raises(SyncError, match=r"README\.md outside annotations/alice has uncommitted"):
        sync(one / "annotations", "alice")
    assert git(one, "log", "--format=%s") == "readme"


def test_a_folder_git_ignores_is_refused(remote: Path) -> None:
    one = clone(remote, "one")
    annotate(one, "alice", "kompas-1", "x", 1000.0)
    (one / "annotations" / ".gitignore").write_text("*\n")
    with pytest.raises(SyncError, match=r"git ignores annotations/alice \(annotations/.gitignore"):
        sync(one / "annotations", "alice")


def test_a_rejected_push_keeps_the_commit(remote: Path) -> None:
    one = clone(remote, "one")
    annotate(one, "alice", "kompas-1", "x", 1000.0)
    hook = remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\nexit 1\n")
    hook.chmod(0o755)
    with pytest.raises(SyncError, match=r"rejected: ! \[remote rejected\].*run `cooltui sync"):
        sync(one / "annotations", "alice")
    assert git(one, "log", "--format=%s") == "alice: 1 article (kompas-1)"
    hook.unlink()
    assert sync(one / "annotations", "alice").pushed


def test_someone_pushing_meanwhile(remote: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    one, two = clone(remote, "one"), clone(remote, "two")
    annotate(one, "alice", "kompas-1", "x", 1000.0)
    annotate(two, "bob", "kompas-1", "y", 1000.0)
    fetch = sync_module._fetch

    def bob_pushes_after_the_fetch(where: sync_module._Where) -> str | None:
        upstream = fetch(where)
        monkeypatch.setattr(sync_module, "_fetch", fetch)
        sync(two / "annotations", "bob")
        return upstream

    monkeypatch.setattr(sync_module, "_fetch", bob_pushes_after_the_fetch)
    with pytest.raises(SyncError, match=r"rejected \(someone pushed meanwhile\)"):
        sync(one / "annotations", "alice")
    assert sync(one / "annotations", "alice").pushed
    assert annotators(one / "annotations") == ["alice", "bob"]


def test_a_conflict_outside_the_folder_leaves_everything_as_it_was(remote: Path) -> None:
    one, two = clone(remote, "one"), clone(remote, "two")
    for repo, text in ((one, "one's\n"), (two, "two's\n")):
        (repo / "README.md").write_text(text)
        git(repo, "add", "README.md")
        git(repo, "commit", "-q", "-m", f"readme {text}")
    git(two, "push", "-q", "origin", "main")
    annotate(one, "alice", "kompas-1", "x", 1000.0)
    with pytest.raises(SyncError, match=r"conflict with it in README\.md.*nothing was lost"):
        sync(one / "annotations", "alice")
    assert not (one / ".git" / "rebase-merge").exists()
    assert git(one, "log", "-1", "--format=%s") == "alice: 1 article (kompas-1)"
    assert (one / "README.md").read_text() == "one's\n"
    assert notes(one, "alice") == {"kompas-1": "x"}


def test_git_without_a_name_to_commit_with(remote: Path) -> None:
    one = clone(remote, "one")
    git(one, "config", "--unset", "user.name")
    git(one, "config", "--unset", "user.email")
    git(one, "config", "user.useConfigOnly", "true")
    annotate(one, "alice", "kompas-1", "x", 1000.0)
    with pytest.raises(SyncError, match="git does not know who you are"):
        sync(one / "annotations", "alice")
    assert git(one, "rev-list", "--all") == ""
    assert notes(one, "alice") == {"kompas-1": "x"}


def test_after_sync_agree_in_either_clone_reads_both_annotators(remote: Path, capsys) -> None:
    from cooltui.model import Status

    one, two = clone(remote, "one"), clone(remote, "two")
    for repo, annotator, label in ((one, "alice", "PER"), (two, "bob", "LOC")):
        done = Annotation("kompas-1", "sha", (Span(0, 4, label, "Budi"),), status=Status.DONE)
        with Store.open(repo / "annotations", annotator) as store:
            store.save(done.with_doc_labels("themes", ["KAMTIBMAS"]))
    sync(one / "annotations", "alice")
    sync(two / "annotations", "bob")
    sync(one / "annotations", "alice")
    for repo in (one, two):
        capsys.readouterr()
        assert main(["agree", "--store", str(repo / "annotations"), "--json"]) == 0
        report = orjson.loads(capsys.readouterr().out)
        assert report["annotators"] == ["alice", "bob"]
        assert [article["id"] for article in report["articles"]] == ["kompas-1"]
