"""`cooltui check` as users run it: the report on a terminal, piped and as JSON, the ignored texts
remembered, the messages and exit codes."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from cooltui.cli import main
from cooltui.corpus import load_corpus
from cooltui.model import Annotation, Span, Status
from cooltui.store import Store
from cooltui.team.consistency import IGNORED_FILE

TEXTS = {
    "a1": "Kapolres Dumai, AKBP Budi, hadir di Bank Riau.",
    "a2": "AKBP Budi menyapa warga Dumaian di Bank Riau.",
    "a3": "Warga [ORG] Dumai hadir; Bank Riau tutup.",
}
SPANS = {  # article: (needle, label) of its spans
    "a1": [("Dumai", "LOC"), ("AKBP Budi", "PER"), ("Bank Riau", "ORG")],
    "a2": [("Bank Riau", "ORG")],
    "a3": [("Bank Riau", "LOC")],
}
"""To check: "AKBP Budi" unlabelled in a2; "Dumai" unlabelled in a3 (not inside "Dumaian" in
a2); "Bank Riau" labelled LOC in a3, ORG twice elsewhere."""


def make_project(
    folder: Path, texts: dict[str, str], spans: dict[str, list[tuple[str, str]]]
) -> tuple[Path, Path]:
    """A corpus of `texts`, and alice's store of `spans`, every article done."""
    corpus_file = folder / "corpus.jsonl"
    corpus_file.write_text(
        "".join(json.dumps({"id": key, "text": text}) + "\n" for key, text in texts.items()),
        encoding="utf-8",
    )
    corpus = load_corpus([corpus_file], cache=False)
    store_dir = folder / "annotations"
    with Store.open(store_dir, "alice") as store:
        for article in corpus:
            made = []
            for needle, label in spans[article.id]:
                start = article.text.index(needle)
                made.append(Span(start, start + len(needle), label, needle))
            annotation = Annotation(article.id, article.text_sha, status=Status.DONE)
            store.save(annotation.with_spans(made))
    return corpus_file, store_dir


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, Path]:
    return make_project(tmp_path, TEXTS, SPANS)


def check(project: tuple[Path, Path], *args: str, annotator: str = "alice") -> int:
    corpus_file, store_dir = project
    options = ["--corpus", str(corpus_file), "--store", str(store_dir), "--annotator", annotator]
    return main(["check", *options, *args])


def test_json_is_a_stable_document_of_the_items_worst_first(project, capsys):
    assert check(project, "--json") == 0
    document = json.loads(capsys.readouterr().out)
    assert list(document) == ["annotator", "only", "articles", "items", "ignored", "skipped"]
    assert (document["annotator"], document["only"], document["articles"]) == ("alice", "done", 3)
    assert document["ignored"] == []
    assert document["skipped"] == {"missing": 0, "stale": 0, "unreadable": 0}
    items = document["items"]
    assert [item["text"] for item in items] == ["AKBP Budi", "Bank Riau", "Dumai"]
    bank = items[1]
    assert list(bank) == [
        "text", "label", "labels", "unlabelled", "otherwise", "to_check", "occurrences", "complete",
    ]  # fmt: skip
    assert bank["label"] == "ORG" and bank["labels"] == {"ORG": 2, "LOC": 1}
    assert (bank["unlabelled"], bank["otherwise"], bank["to_check"]) == (0, 1, 1)
    start = TEXTS["a3"].index("Bank Riau")
    assert bank["occurrences"] == [
        {"article": "a3", "start": start, "end": start + 9, "label": "LOC"}
    ]
    assert bank["complete"] is True
    dumai = items[2]
    start = TEXTS["a3"].index("Dumai")
    assert dumai["occurrences"] == [
        {"article": "a3", "start": start, "end": start + 5, "label": None}
    ]


def test_piped_output_is_plain_tab_separated_lines(project, capsys):
    assert check(project) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0].split("\t") == [
        "to check", "text", "label", "labelled", "unlabelled", "first in",
    ]  # fmt: skip
    assert lines[1].split("\t") == ["1", "AKBP Budi", "PER", "PER 1", "1", "a2"]
    assert lines[2].split("\t") == ["1", "Bank Riau", "ORG", "ORG 2, LOC 1", "0", "a3"]
    assert len(lines) == 4
    assert "\x1b" not in captured.out
    assert captured.err == "cooltui: 3 texts to check in 3 articles searched\n"


def test_on_a_terminal_a_table_shows_texts_as_they_are(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    texts = {"a1": "Kata [bold]Polri[/bold] di sini.", "a2": "Lagi [bold]Polri[/bold] ya."}
    spans = {"a1": [("[bold]Polri[/bold]", "ORG")], "a2": []}
    assert check(make_project(tmp_path, texts, spans)) == 0
    out = capsys.readouterr().out
    assert "\t" not in out
    assert "to check" in out and "[bold]Polri[/bold]" in out


def test_ignored_texts_are_remembered_and_left_out_with_a_count(project, capsys):
    assert check(project, "--ignore", "Bank Riau", "--ignore", "Dumai") == 0
    err = capsys.readouterr().err
    assert "'Bank Riau' is ignored by `cooltui check`" in err
    assert "2 texts ignored in all" in err
    assert (project[1] / "alice" / IGNORED_FILE).is_file()
    assert check(project, "--json") == 0
    captured = capsys.readouterr()
    document = json.loads(captured.out)
    assert [item["text"] for item in document["items"]] == ["AKBP Budi"]
    assert document["ignored"] == ["Bank Riau", "Dumai"]
    assert "2 ignored texts left out (--unignore TEXT checks one again)" in captured.err
    assert check(project, "--unignore", "Dumai") == 0
    assert "'Dumai' is checked again" in capsys.readouterr().err
    assert check(project, "--json") == 0
    assert len(json.loads(capsys.readouterr().out)["items"]) == 2


def test_nothing_to_check_exits_0_and_says_why(project, capsys, tmp_path):
    with Store.open(project[1], "bob") as store:
        for article in load_corpus([project[0]], cache=False):
            store.save(Annotation(article.id, article.text_sha, status=Status.IN_PROGRESS))
    assert check(project, annotator="bob") == 0
    captured = capsys.readouterr()
    assert captured.err == "cooltui: nothing to check: no article is marked done (see --only all)\n"
    assert check(project, "--only", "all", annotator="bob") == 0
    assert "nothing to check: every labelled text is labelled alike" in capsys.readouterr().err


def test_annotations_not_searched_are_counted_in_the_summary(project, capsys):
    corpus_file, _ = project
    corpus_file.write_text(corpus_file.read_text().replace("hadir di", "hadir lagi di"))
    assert check(project) == 0
    err = capsys.readouterr().err
    assert "1 annotation not searched (1: the article's text changed since)" in err


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--jobs", "0"], 2, "--jobs must be 1 or more"),
        (["--ignore", ""], 2, "--ignore and --unignore take a text; it is empty"),
        (["--ignore", "Bank", "--unignore", "Bank"], 2, "both name 'Bank'; give one"),
        (["--only", "some"], 2, "invalid choice"),
    ],
)
def test_wrong_options_are_one_line_errors(project, capsys, args, code, message):
    assert check(project, *args) == code
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_an_annotator_without_a_store_is_told_in_one_line(project, capsys):
    assert check(project, annotator="carol") == 1
    err = capsys.readouterr().err
    assert "no store of 'carol'" in err and err.count("\n") == 1
    assert check(project, "--ignore", "Bank", annotator="carol") == 1
    assert "no store of 'carol'" in capsys.readouterr().err


def test_a_damaged_ignored_file_is_named(project, capsys):
    path = project[1] / "alice" / IGNORED_FILE
    path.write_text("[1, 2", encoding="utf-8")
    assert check(project) == 1
    err = capsys.readouterr().err
    assert str(path) in err and "fix or remove the file" in err and err.count("\n") == 1


def test_check_is_listed_in_the_help(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "check" in capsys.readouterr().out
