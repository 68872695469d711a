"""`cooltui agree` as users run it: the figures of a small project, the JSON, the text in a
pipe, and the refusals."""

from __future__ import annotations

import json
import math
import re
import sys
import warnings
from pathlib import Path

import krippendorff
import pytest
from sklearn.metrics import cohen_kappa_score

from cooltui.cli import main
from cooltui.model import Annotation, Span, Status
from cooltui.store import Store

TEXT = "Kapolsek Minas AKP Wan Mantazakka hadir di Kampung Minas Timur bersama KPU."


def span(start: int, end: int, label: str) -> Span:
    return Span(start, end, label, TEXT[start:end])


# Kapolsek Minas 0-14, AKP 15-18, Wan Mantazakka 19-33, Kampung Minas Timur 43-62, KPU 71-74.
ROLE, RANK, PER, LOC, ORG = (
    (0, 14, "ROLE"),
    (15, 18, "RANK"),
    (19, 33, "PER"),
    (43, 62, "LOC"),
    (71, 74, "ORG"),
)

WORK: dict[str, dict[str, tuple[list[tuple[int, int, str]], list[str], list[str], Status]]] = {
    # article: spans, themes, activity, status
    "alice": {
        "a1": ([ROLE, RANK, PER, LOC], ["KAMTIBMAS"], ["SAMBANG"], Status.DONE),
        "a2": ([PER, ORG], ["ANTI_HOAX", "KAMTIBMAS"], ["DIALOG"], Status.DONE),
        "a3": ([PER], [], ["PATROLI"], Status.DONE),
        "a4": ([LOC], ["ANTI_GOLPUT"], [], Status.DONE),
    },
    "bob": {
        "a1": ([ROLE, RANK, PER, (43, 56, "LOC")], ["KAMTIBMAS"], ["SAMBANG"], Status.DONE),
        "a2": ([PER], ["ANTI_HOAX"], ["SOSIALISASI"], Status.DONE),
        "a3": ([PER, ORG], ["KAMTIBMAS"], ["PATROLI"], Status.IN_PROGRESS),
        "a4": ([LOC], ["ANTI_GOLPUT"], [], Status.DONE),
    },
    "carol": {
        "a1": ([ROLE, (15, 33, "PER"), LOC], ["KAMTIBMAS"], ["SAMBANG"], Status.DONE),
        "a3": ([PER], ["KAMTIBMAS"], ["PATROLI"], Status.DONE),
        "a4": ([(43, 62, "FAC")], [], ["SAMBANG"], Status.DONE),
    },
}
"""Three annotators; bob did not finish a3, carol never opened a2: missing codes."""


def make_project(folder: Path, work: dict = WORK) -> Path:
    for name, articles in work.items():
        with Store.open(folder, name) as store:
            for article_id, (spans, themes, activity, status) in articles.items():
                made = Annotation(
                    article_id, "sha1", tuple(span(*s) for s in spans), status=status
                ).with_doc_labels("themes", themes)
                store.save(made.with_doc_labels("activity", activity))
    return folder


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "annotations")


def agree(store: Path, *args: str) -> int:
    return main(["agree", "--store", str(store), *args])


def agree_json(store: Path, capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    assert agree(store, "--json", *args) == 0
    return json.loads(capsys.readouterr().out)


def finished(name: str, article_id: str) -> bool:
    entry = WORK[name].get(article_id)
    return entry is not None and entry[3] is Status.DONE


def codes(name: str, article_id: str, group: str, value: str | None) -> object:
    """What an annotator coded for an item, as the test sees it; None: not finished."""
    if not finished(name, article_id):
        return None
    _, themes, activity, _ = WORK[name][article_id]
    chosen = themes if group == "themes" else activity
    return str(value in chosen) if value is not None else ",".join(chosen) or "(none)"


def their_alpha(group: str, value: str | None) -> float | None:
    matrix = [
        [codes(name, a, group, value) or math.nan for a in ("a1", "a2", "a3", "a4")]
        for name in WORK
    ]
    domain = sorted({c for row in matrix for c in row if isinstance(c, str)})
    data = [[domain.index(c) if isinstance(c, str) else math.nan for c in row] for row in matrix]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            found = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
        except ValueError:
            return None
    return None if math.isnan(found) else float(found)


def their_kappa(group: str, value: str | None, first: str, second: str) -> float | None:
    both = [a for a in ("a1", "a2", "a3", "a4") if finished(first, a) and finished(second, a)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = cohen_kappa_score(
            [codes(first, a, group, value) for a in both],
            [codes(second, a, group, value) for a in both],
        )
    return None if math.isnan(found) else float(found)


def close(mine: float | None, theirs: float | None) -> bool:
    return mine is None if theirs is None else mine == pytest.approx(theirs, abs=1e-9)


def test_document_label_figures_match_krippendorff_and_sklearn(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = agree_json(project, capsys)
    assert data["annotators"] == ["alice", "bob", "carol"]
    assert data["articles_compared"] == 4
    assert len(data["groups"]) == 12  # the default scheme's eleven themes and its activity
    for item in data["groups"]:
        group, value = item["group"], item["value"]
        assert close(item["alpha"], their_alpha(group, value)), item
        for pair in item["pairs"]:
            assert close(pair["kappa"], their_kappa(group, value, *pair["annotators"])), pair
    activity = next(item for item in data["groups"] if item["group"] == "activity")
    # By hand: 10 pairable codes (SAMBANG 4, PATROLI 2, none 2, DIALOG 1, SOSIALISASI 1),
    # matching pairs weighed 6/2 + 0 + 2/1 + 2/2 = 6: 1 - 9 * (10 - 6) / (100 - 26) = 19/37.
    assert activity["alpha"] == pytest.approx(19 / 37, abs=1e-12)
    assert [pair["articles"] for pair in activity["pairs"]] == [3, 3, 2]
    nobody = next(item for item in data["groups"] if item["value"] == "NETRALITAS")
    assert (nobody["alpha"], nobody["agreement"]) == (None, 1.0)


def test_span_figures_of_the_project(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = agree_json(project, capsys)
    pairs = {tuple(pair["annotators"]): pair for pair in data["spans"]}
    alice_bob = pairs["alice", "bob"]
    # a1, a2 and a4: alice made 4 + 2 + 1 spans, bob 4 + 1 + 1, 3 + 1 + 1 the same; bob's
    # shorter LOC on a1 overlaps alice's.
    assert alice_bob["articles"] == 3
    assert alice_bob["all"]["spans"] == {"alice": 7, "bob": 6}
    assert alice_bob["all"]["exact"] == {
        "precision": pytest.approx(5 / 7),
        "recall": pytest.approx(5 / 6),
        "f1": pytest.approx(10 / 13),
        "matched": {"alice": 5, "bob": 5},
    }
    assert alice_bob["all"]["overlap"]["matched"] == {"alice": 6, "bob": 6}
    assert alice_bob["labels"]["LOC"]["exact"]["f1"] == 0.5
    assert alice_bob["labels"]["LOC"]["overlap"]["f1"] == 1.0
    # carol's PER over the rank and the name overlaps both of alice's on a1; FAC is not LOC.
    alice_carol = pairs["alice", "carol"]["labels"]
    assert alice_carol["PER"]["overlap"]["matched"] == {"alice": 2, "carol": 2}
    assert alice_carol["RANK"]["overlap"]["matched"] == {"alice": 0, "carol": 0}
    assert alice_carol["FAC"]["exact"] == {
        "precision": None,
        "recall": 0.0,
        "f1": 0.0,
        "matched": {"alice": 0, "carol": 0},
    }


def test_articles_worst_first(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = agree_json(project, capsys)
    assert data["articles"] == [
        {"id": "a1", "disagreements": 5, "annotators": ["alice", "bob", "carol"]},
        {"id": "a2", "disagreements": 4, "annotators": ["alice", "bob"]},
        {"id": "a4", "disagreements": 4, "annotators": ["alice", "bob", "carol"]},
        {"id": "a3", "disagreements": 1, "annotators": ["alice", "carol"]},
    ]


def test_json_is_stable_with_sorted_keys(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert agree(project, "--json") == 0
    first = capsys.readouterr().out
    assert agree(project, "--json") == 0
    assert capsys.readouterr().out == first
    data = json.loads(first)
    assert list(data) == sorted(data)
    assert list(data["spans"][0]["all"]["exact"]) == ["f1", "matched", "precision", "recall"]
    assert first.count("\n") == 1


def test_only_all_takes_articles_in_progress(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = agree_json(project, capsys, "--only", "all")
    a3 = next(row for row in data["articles"] if row["id"] == "a3")
    assert a3["annotators"] == ["alice", "bob", "carol"]
    assert data["only"] == "all"


def test_annotators_named_choose_the_stores(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = agree_json(project, capsys, "--annotators", "carol,alice")
    assert data["annotators"] == ["carol", "alice"]
    (pair,) = data["spans"]
    assert pair["annotators"] == ["carol", "alice"] and pair["reference"] == "alice"
    # Between carol and alice, a4 is the worse: LOC against FAC, a theme and an activity.
    assert [row["id"] for row in data["articles"]] == ["a4", "a1", "a3"]


def test_text_in_a_pipe_is_plain(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert agree(project) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out
    lines = out.splitlines()
    assert (
        lines[0] == "Agreement of alice, bob and carol on 4 articles done by two or more of them."
    )
    assert all(line == line.rstrip() for line in lines)
    row = next(line for line in lines if line.startswith("alice/bob"))
    assert row.split() == [
        "alice/bob",
        "all",
        "7",
        "/",
        "6",
        "0.714",
        "0.833",
        "0.769",
        "0.857",
        "1.000",
        "0.923",
    ]
    activity = next(line for line in lines if line.startswith("activity"))
    assert activity.split()[-6:] == ["4", "0.514", "62.5%", "0.571", "0.500", "0.000"]
    netralitas = next(line for line in lines if "NETRALITAS" in line)
    assert netralitas.split()[-5:] == ["n/a", "100.0%", "n/a", "n/a", "n/a"]
    worst = lines.index("Most disagreements (adjudicate these first)")
    assert lines[worst + 2].split() == ["a1", "5", "alice,", "bob,", "carol"]


def test_articles_made_on_different_texts_are_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = make_project(tmp_path, {name: WORK[name] for name in ("alice", "bob")})
    with Store.open(store, "bob") as bob:
        edited = bob.get("a4")
        assert edited is not None
        bob.save(Annotation(edited.article_id, "sha2", edited.spans, status=Status.DONE))
    data = agree_json(store, capsys)
    assert data["texts_differ"] == ["a4"]
    assert [row["id"] for row in data["articles"]] == ["a2", "a1"]
    assert agree(store) == 0
    assert "Left out 1 article whose annotators worked on different versions of the text: a4" in (
        capsys.readouterr().out
    )


def test_an_unknown_annotator_is_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert agree(project, "--annotators", "alice,dave") == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert "there is no store of 'dave'" in captured.err
    assert "its annotators: alice, bob, carol" in captured.err


def test_one_annotator_named_is_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert agree(project, "--annotators", "alice") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "two or more annotators" in err


def test_a_store_folder_of_one_annotator_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = make_project(tmp_path, {"alice": WORK["alice"]})
    assert agree(store) == 1
    err = capsys.readouterr().err
    assert (
        err
        == f"cooltui: agreement needs two or more annotators; {store} holds only 'alice'; check --store\n"
    )


def test_no_article_finished_by_two(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    work = {"alice": {"a1": WORK["alice"]["a1"]}, "bob": {"a3": WORK["bob"]["a3"]}}
    store = make_project(tmp_path, work)
    assert agree(store) == 1
    err = capsys.readouterr().err
    assert (
        err
        == "cooltui: no article is marked done by two or more of alice and bob (see --only all)\n"
    )


def test_a_name_given_twice_is_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert agree(project, "--annotators", "alice,bob,alice") == 2
    assert "names 'alice' twice" in capsys.readouterr().err


def test_on_a_terminal_rich_tables_fit_its_width(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "80")
    assert agree(project) == 0
    out = capsys.readouterr().out
    assert "\x1b[1m" in out  # bold headings
    plain = re.sub(r"\x1b\[[0-9;]*m", "", out)
    assert max(len(line) for line in plain.splitlines()) <= 80
    assert "…" not in plain  # long names fold onto another line, none is cut short
    row = next(line for line in plain.splitlines() if "alice/bob" in line)
    assert row.split()[-6:] == ["0.714", "0.833", "0.769", "0.857", "1.000", "0.923"]
