"""`cooltui export` as users run it: files written, the report, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from stores import make_store

from cooltui.cli import main
from cooltui.corpus import Corpus, load_corpus
from cooltui.model import Annotation, Span, Status
from cooltui.text import tokenize

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"


@pytest.fixture
def corpus() -> Corpus:
    return load_corpus([SEEDS], cache=False)


def annotation(article, status: Status = Status.DONE) -> Annotation:
    """Two spans on the article's tokens (the 3rd; the 6th and 7th), a theme, and `status`."""
    text = article.text
    tokens = tokenize(text)
    spans = [
        Span(
            tokens[start].start, tokens[end].end, label, text[tokens[start].start : tokens[end].end]
        )
        for label, start, end in (("ORG", 2, 2), ("EVENT", 5, 6))
    ]
    result = Annotation(article.id, article.text_sha, tuple(spans), status=status)
    return result.with_doc_labels("themes", ["KAMTIBMAS"])


@pytest.fixture
def store(tmp_path: Path, corpus: Corpus) -> Path:
    """alice: 4 articles done, 1 in progress."""
    folder = tmp_path / "annotations"
    articles = list(corpus)
    done = [annotation(a) for a in articles[:4]]
    make_store(folder, "alice", [*done, annotation(articles[4], Status.IN_PROGRESS)])
    return folder


def export(store: Path, *args: str) -> int:
    return main(["export", "--corpus", str(SEEDS), "--store", str(store), *args])


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_default_output_and_report(store, capsys):
    assert export(store, "--annotator", "alice") == 0
    out, err = capsys.readouterr()
    assert out == ""
    written = lines(store / "alice.jsonl")
    assert len(written) == 4 and {line["annotator"] for line in written} == {"alice"}
    assert err.splitlines()[0] == (
        f"exported 4 articles with 8 spans (jsonl): {store / 'alice.jsonl'}"
    )
    assert "1 annotated article not marked done (--only all exports them)" in err
    assert "spans per label: ORG 4, EVENT 4\n" in err
    assert [p.name for p in store.iterdir() if p.name.startswith(".")] == []


def test_only_all_and_each_format_has_its_extension(store, capsys):
    assert export(store, "--annotator", "alice", "--only", "all", "--format", "doccano") == 0
    assert len(lines(store / "alice.doccano.jsonl")) == 5
    assert export(store, "--annotator", "alice", "--format", "conll") == 0
    assert (store / "alice.conll").read_text(encoding="utf-8").count("-DOCSTART-") == 4


def test_stdout_carries_the_data_and_stderr_the_report(store):
    result = subprocess.run(
        [sys.executable, "-m", "cooltui", "export", "--corpus", str(SEEDS), "--store", str(store),
         "--annotator", "alice", "-o", "-", "--format", "doccano"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert [set(json.loads(line)) for line in result.stdout.splitlines()] == [
        {"id", "text", "label", "cats"}
    ] * 4
    assert result.stderr.startswith("exported 4 articles") and ": -\n" in result.stderr
    assert not (store / "alice.doccano.jsonl").exists()


def test_export_never_imports_textual_nor_rich_console(store, tmp_path):
    code = (
        "import sys\n"
        "from cooltui.cli import main\n"
        f"code = main(['export', '--corpus', {str(SEEDS)!r}, '--store', {str(store)!r},\n"
        "             '--annotator', 'alice', '--format', 'conll'])\n"
        "assert code == 0, code\n"
        "loaded = [m for m in sys.modules\n"
        "          if m.split('.')[0] in ('textual', 'spacy') or m == 'rich.console']\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert (store / "alice.conll").exists()


def test_drops_exit_1_with_the_good_records_written_unless_allowed(store, corpus, capsys):
    articles = list(corpus)
    stale = Annotation(articles[0].id, "0" * 64, status=Status.DONE)
    make_store(store, "bob", [annotation(articles[1]), stale])
    assert export(store, "--annotator", "bob") == 1
    err = capsys.readouterr().err
    assert "dropped 1 article with problems, not in the export:" in err
    assert "open the article in cooltui to re-anchor its spans (1)" in err
    assert err.splitlines()[-1] == (
        "cooltui: 1 article left out of the export because of the problems above; fix them, "
        "or pass --allow-drops to accept the export without them"
    )
    assert [line["id"] for line in lines(store / "bob.jsonl")] == [articles[1].id]
    assert export(store, "--annotator", "bob", "--allow-drops") == 0


def test_all_annotators(store, corpus, capsys):
    make_store(store, "bob", [annotation(next(iter(corpus)))])
    assert export(store, "--all-annotators") == 0
    written = lines(store / "all.jsonl")
    assert sorted(line["annotator"] for line in written) == ["alice"] * 4 + ["bob"]
    assert export(store, "--all-annotators", "--annotator", "bob") == 2
    assert "--annotator and --all-annotators exclude each other" in capsys.readouterr().err


def test_split_files_by_default_name(store, capsys):
    assert export(store, "--annotator", "alice", "--split", "50/25/25", "--seed", "7") == 0
    parts = {part: lines(store / f"alice.{part}.jsonl") for part in ("train", "dev", "test")}
    assert sum(len(found) for found in parts.values()) == 4
    assert not (store / "alice.jsonl").exists()
    err = capsys.readouterr().err
    assert "  train " in err and f"{store / 'alice.train.jsonl'}" in err


def test_spacy_file(store, tmp_path):
    pytest.importorskip("spacy")
    out = tmp_path / "seeds.spacy"
    assert export(store, "--annotator", "alice", "--format", "spacy", "-o", str(out)) == 0
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    docs = list(DocBin().from_disk(out).get_docs(Vocab()))
    assert len(docs) == 4 and all(doc.spans["sc"] for doc in docs)


def test_labels_map_nergrit(store):
    assert export(store, "--annotator", "alice", "--labels-map", "nergrit") == 0
    labels = {s["label"] for line in lines(store / "alice.jsonl") for s in line["spans"]}
    assert labels == {"ORG", "EVT"}
    assert sum(len(line["spans"]) for line in lines(store / "alice.jsonl")) == 8


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--format", "xml"], 2, "argument --format: invalid choice: 'xml'"),
        (["--split", "80/20"], 2, "--split '80/20': give three whole percentages"),
        (["--split", "70/20/20"], 2, "the parts sum to 110, not 100"),
        (["--seed", "3"], 2, "--seed chooses a split: give --split too"),
        (["--annotator", "carol"], 1, "there is no store of 'carol' in"),
        (["--format", "spacy", "-o", "-"], 1, "spacy is a binary format; write it to a file"),
        (["--split", "80/10/10", "-o", "-"], 1, "--split writes three files"),
        (["--labels-map", "nope.json"], 1, "nope.json: no such labels map file"),
        (["-o", "/no/such/folder/out.jsonl"], 1, "/no/such/folder: no such folder"),
    ],
)
def test_refusals_are_one_line(store, capsys, args, code, message):
    if "--annotator" not in args:
        args = ["--annotator", "alice", *args]
    assert export(store, *args) == code
    err = capsys.readouterr().err
    assert err.startswith("cooltui: ") and message in err and err.count("\n") == 1
    assert sorted(p.name for p in store.iterdir()) == ["alice"]


def test_labels_map_missing_a_label_writes_nothing(store, tmp_path, capsys):
    path = tmp_path / "map.json"
    path.write_text('{"PER": "PER"}', encoding="utf-8")
    assert export(store, "--annotator", "alice", "--labels-map", str(path)) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"cooltui: {path}: no mapping for labels RANK, ROLE, TITLE, ORG")
    assert not (store / "alice.jsonl").exists()


def test_nothing_done_exits_1_and_keeps_the_old_file(store, corpus, capsys):
    make_store(store, "dina", [annotation(next(iter(corpus)), Status.IN_PROGRESS)])
    (store / "dina.jsonl").write_text("old\n", encoding="utf-8")
    assert export(store, "--annotator", "dina") == 1
    err = capsys.readouterr().err
    assert "(jsonl): nothing written" in err
    assert err.splitlines()[-1] == (
        "cooltui: nothing to export (no article is marked done; see --only all)"
    )
    assert (store / "dina.jsonl").read_text(encoding="utf-8") == "old\n"


def test_every_done_article_dropped_says_so(store, corpus, capsys):
    articles = list(corpus)
    stale = [Annotation(a.id, "0" * 64, status=Status.DONE) for a in articles[:2]]
    make_store(store, "erin", [*stale, annotation(articles[2], Status.IN_PROGRESS)])
    (store / "erin.jsonl").write_text("old\n", encoding="utf-8")
    assert export(store, "--annotator", "erin", "--allow-drops") == 1
    err = capsys.readouterr().err
    assert "(jsonl): nothing written" in err and "dropped 2 articles with problems" in err
    assert err.splitlines()[-1] == (
        "cooltui: nothing to export: all 2 done articles were left out because of the problems "
        "above; fix them and export again"
    )
    assert "no article is marked done" not in err
    assert (store / "erin.jsonl").read_text(encoding="utf-8") == "old\n"
    make_store(store, "finn", [stale[0]])
    assert export(store, "--annotator", "finn", "--only", "all") == 1
    assert capsys.readouterr().err.splitlines()[-1] == (
        "cooltui: nothing to export: the one annotated article was left out because of the "
        "problems above; fix them and export again"
    )


def test_done_articles_with_nothing_labelled_are_listed_apart(store, corpus, capsys):
    articles = list(corpus)
    nothing = Annotation(articles[4].id, articles[4].text_sha, status=Status.DONE)
    make_store(store, "gina", [annotation(articles[0]), nothing])
    assert export(store, "--annotator", "gina") == 0
    assert [line["id"] for line in lines(store / "gina.jsonl")] == [articles[0].id, articles[4].id]
    err = capsys.readouterr().err.splitlines()
    at = err.index("  1 done article with no span and no document label, exported all the same:")
    assert err[at + 1] == f"    {articles[4].id}"


def test_no_stores_at_all(tmp_path, capsys):
    assert export(tmp_path, "--all-annotators") == 1
    assert f"no annotation stores in {tmp_path}; check --store" in capsys.readouterr().err


def test_help_lists_the_options(capsys):
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    out = capsys.readouterr().out
    for option in ("--format", "--only", "--split", "--seed", "-o", "--labels-map",
                   "--allow-drops", "--all-annotators", "--corpus"):  # fmt: skip
        assert option in out


def test_format_names_match_the_formats():
    from cooltui.commands.export import FORMAT_NAMES
    from cooltui.export import FORMATS

    assert tuple(FORMATS) == FORMAT_NAMES


def test_read_only_output_folder(store, tmp_path, capsys, monkeypatch):
    import cooltui.export.output as output_module

    def denied(*args, **kwargs):  # chmod does not stop root, who runs CI
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(output_module.tempfile, "mkstemp", denied)
    assert export(store, "--annotator", "alice", "-o", str(tmp_path / "x.jsonl")) == 1
    err = capsys.readouterr().err
    assert "cannot write there (permission denied)" in err and "Traceback" not in err
    assert not (tmp_path / "x.jsonl").exists()


def test_progress_passes_every_record_through(capsys):
    from cooltui.commands.export import _counted, _progress_bar

    items = list(range(1234))
    with _progress_bar(len(items)) as bar:
        assert bar is None  # not a terminal: no bar
    assert _counted(items, None) is items
    told: list[int] = []
    assert list(_counted(iter(items), told.append)) == items
    assert told == [500, 1000]


# --- the formats' own options and companion files ----------------------------------------------


def emoji_store(tmp_path: Path) -> tuple[Path, Path, str]:
    """A corpus of one article with an emoji before its span, annotated and done."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = "Warga 😀 hadir di Kota Dumai."
    (corpus / "a1.txt").write_text(text, encoding="utf-8")
    article = next(iter(load_corpus([corpus], cache=False)))
    start = text.index("Kota")
    span = Span(start, start + 10, "LOC", "Kota Dumai")
    make_store(
        tmp_path / "s",
        "alice",
        [Annotation(article.id, article.text_sha, (span,), status=Status.DONE)],
    )
    return corpus, tmp_path / "s", text


def export_emoji(tmp_path: Path, *args: str) -> int:
    corpus, store, _ = emoji_store(tmp_path)
    return main(
        ["export", "--corpus", str(corpus), "--store", str(store), "--annotator", "alice", *args]
    )


def test_doccano_offsets_utf16_and_the_entities_shape(tmp_path):
    out = tmp_path / "d.jsonl"
    assert (
        export_emoji(
            tmp_path,
            "--format",
            "doccano",
            "--offsets",
            "utf16",
            "--doccano-shape",
            "entities",
            "-o",
            str(out),
        )
        == 0
    )
    (line,) = lines(out)
    text = line["text"]
    (start, end, label) = line["entities"][0]
    # What a browser shows there: the emoji counts two units.
    assert text.encode("utf-16-le")[2 * start : 2 * end].decode("utf-16-le") == "Kota Dumai"
    assert "label" not in line and label == "LOC"


def test_labelstudio_writes_its_config_beside_and_counts_utf16_by_default(tmp_path):
    import xml.etree.ElementTree as ET

    out = tmp_path / "tasks.json"
    assert export_emoji(tmp_path, "--format", "labelstudio", "-o", str(out)) == 0
    (task,) = json.loads(out.read_text(encoding="utf-8"))
    (result,) = [r for r in task["annotations"][0]["result"] if r["type"] == "labels"]
    text = task["data"]["text"]
    start, end = result["value"]["start"], result["value"]["end"]
    assert text.encode("utf-16-le")[2 * start : 2 * end].decode("utf-16-le") == "Kota Dumai"
    config = ET.parse(tmp_path / "tasks.json.config.xml").getroot()
    assert "LOC" in {label.get("value") for label in config.iter("Label")}


def test_hf_writes_its_labels_file_beside(tmp_path):
    out = tmp_path / "data.jsonl"
    assert export_emoji(tmp_path, "--format", "hf", "-o", str(out)) == 0
    labels = json.loads((tmp_path / "data.jsonl.labels.json").read_text())
    (row,) = lines(out)
    assert [labels["ner_tags"][tag] for tag in row["ner_tags"]][-3:] == ["B-LOC", "I-LOC", "O"]
    assert labels["_features"]["ner_tags"]["feature"]["names"] == labels["ner_tags"]


def test_brat_writes_a_folder_and_replaces_only_its_own(tmp_path, capsys):
    out = tmp_path / "brat"
    assert export_emoji(tmp_path, "--format", "brat", "-o", str(out)) == 0
    names = sorted(path.name for path in out.iterdir())
    assert names == ["a1.ann", "a1.txt", "annotation.conf", "visual.conf"]
    assert "T1\tLOC " in (out / "a1.ann").read_text(encoding="utf-8")

    def again(output: str) -> int:
        common = ["--corpus", str(tmp_path / "corpus"), "--store", str(tmp_path / "s")]
        return main(["export", *common, "--annotator", "alice", "--format", "brat", "-o", output])

    assert again(str(out)) == 0  # over its own folder: replaced
    other = tmp_path / "mine"
    other.mkdir()
    (other / "keep.txt").write_text("mine")
    capsys.readouterr()
    assert again(str(other)) == 1
    assert "is not a folder an export wrote" in capsys.readouterr().err
    assert (other / "keep.txt").read_text() == "mine"
    assert again("-") == 1
    assert "writes a folder of files" in capsys.readouterr().err


def test_spacy_cats_holds_one_group(tmp_path, corpus, store):
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    out = tmp_path / "x.spacy"
    assert (
        export(
            store, "--annotator", "alice", "--format", "spacy", "--cats", "activity", "-o", str(out)
        )
        == 0
    )
    docs = list(DocBin().from_disk(out).get_docs(Vocab()))
    assert docs and all(
        set(doc.cats) == {c for c in doc.cats if c.startswith("activity:")} for doc in docs
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--format", "jsonl", "--offsets", "utf16"],
            "--offsets utf16 is for --format doccano or labelstudio",
        ),
        (
            ["--format", "jsonl", "--doccano-shape", "entities"],
            "--doccano-shape entities is for --format doccano",
        ),
        (
            ["--format", "doccano", "--as-predictions"],
            "--as-predictions is for --format labelstudio",
        ),
        (["--format", "jsonl", "--cats", "themes"], "--cats is for --format spacy"),
        (["--format", "spacy", "--cats", "mood"], "--cats 'mood': no such document label group"),
    ],
)
def test_a_formats_option_with_another_format_is_refused(store, capsys, args, message):
    assert export(store, "--annotator", "alice", *args) == 2
    assert message in capsys.readouterr().err


def test_spacy_cats_of_a_multi_choice_group_names_the_component_to_train(tmp_path, store, capsys):
    out = tmp_path / "x.spacy"
    assert (
        export(
            store, "--annotator", "alice", "--format", "spacy", "--cats", "themes", "-o", str(out)
        )
        == 0
    )
    assert (
        "a multi-choice group, which spaCy trains with textcat_multilabel"
        in capsys.readouterr().err
    )
