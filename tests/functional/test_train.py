"""`cooltui train` as users run it: a model trained on the gold, kept in the store, and the
one-line refusals."""

from __future__ import annotations

import contextlib
import io
import json
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from cooltui.cli import main
from cooltui.export import ExportedArticle, read_jsonl
from cooltui.model import Status
from cooltui.store import Store

spacy = pytest.importorskip("spacy")

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "tests" / "data" / "gold"
CORPUS = [ROOT / "seeds", GOLD / "heldout"]
MINUTES = "0.12"
"""Seven seconds: for trainings that only need to run, not to learn (one epoch always ends)."""
EPOCHS = "4"
"""Four epochs of the seeds and h1-h27 (about 15 s on a quiet machine): enough for the model
to find entities, however busy the machine (a time budget alone learns less when it is)."""


def gold() -> list[ExportedArticle]:
    return [
        record for name in ("seeds.jsonl", "heldout.jsonl") for record in read_jsonl(GOLD / name)
    ]


def short_gold() -> list[ExportedArticle]:
    """The seeds and the shorter held-out articles (h1-h27)."""
    return [record for record in gold() if record.meta.get("batch") != "h28-h51"]


def make_store(folder: Path, name: str, records: list[ExportedArticle], status: Status) -> None:
    with Store.open(folder, name) as store:
        for record in records:
            store.save(replace(record.annotation, status=status))


def train(store: Path, *args: str) -> int:
    corpus = [option for path in CORPUS for option in ("--corpus", str(path))]
    return main(["train", *corpus, "--store", str(store), *args])


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The gold, done, in gold's store, and a model trained on it; and the report."""
    store = tmp_path_factory.mktemp("train") / "annotations"
    make_store(store, "gold", short_gold(), Status.DONE)
    err = io.StringIO()  # a module's fixture cannot take capsys
    with contextlib.redirect_stderr(err):
        assert train(store, "--annotator", "gold", "--minutes", "5", "--epochs", EPOCHS) == 0
    return store, err.getvalue()


def test_the_model_and_its_meta_are_kept_in_the_store(trained):
    store, report = trained
    folder = store / "models" / "gold"
    meta = json.loads((folder / "training.json").read_text(encoding="utf-8"))
    ids = {record.id for record in short_gold()}
    assert set(meta["train"]) | set(meta["dev"]) == ids
    assert not set(meta["train"]) & set(meta["dev"]) and meta["dev"]
    assert meta["annotators"] == ["gold"] and meta["scheme"]
    assert meta["pipeline"] == ["ner", "textcat_multilabel"]
    assert {"PER", "themes:KAMTIBMAS"} <= set(meta["dev_scores"])
    assert meta["seconds"] > 0 and meta["epochs"] == meta["max_epochs"] == int(EPOCHS)
    assert set(meta["dev_totals"]) == {"span_p", "span_r", "span_f", "cats_macro_f"}
    assert (folder / "annotations.train.spacy").is_file()
    assert (folder / "annotations.dev.spacy").is_file()
    assert not (folder / "annotations.test.spacy").exists()
    assert [p.name for p in folder.parent.iterdir()] == ["gold"]  # no temporary folder left
    assert report.startswith(f"trained ner, textcat_multilabel on {len(meta['train'])} articles")
    assert "per label on the dev share" in report
    assert str(folder) in report.splitlines()[0]


def test_the_model_loads_and_finds_entities_on_a_gold_text(trained):
    store, _ = trained
    nlp = spacy.load(store / "models" / "gold" / "model-best")
    labels = {span.label for record in gold() for span in record.annotation.spans}
    found = [entity for record in gold()[:5] for entity in nlp(record.text).ents]
    assert found and {entity.label_ for entity in found} <= labels
    cats = nlp(gold()[0].text).cats
    assert "themes:KAMTIBMAS" in cats


def test_no_done_article_is_one_line_and_exit_1(tmp_path, capsys):
    store = tmp_path / "annotations"
    make_store(store, "alice", gold()[:8], Status.IN_PROGRESS)
    assert train(store, "--annotator", "alice") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "training needs 5 or more done articles, and there are 0" in err
    assert not (store / "models" / "alice").exists()
    assert [p.name for p in (store / "models").iterdir()] == []  # the work folder is gone


def test_too_few_done_articles(tmp_path, capsys):
    store = tmp_path / "annotations"
    make_store(store, "alice", gold()[:3], Status.DONE)
    assert train(store, "--annotator", "alice") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "and there are 3;" in err


def test_unknown_annotator(tmp_path, capsys):
    store = tmp_path / "annotations"
    make_store(store, "alice", gold()[:5], Status.DONE)
    assert train(store, "--annotators", "alice,bob") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "no annotation store for bob" in err and "(its stores: alice)" in err


def test_unknown_label_is_a_usage_error(tmp_path, capsys):
    store = tmp_path / "annotations"
    make_store(store, "alice", gold()[:5], Status.DONE)
    assert train(store, "--annotator", "alice", "--labels", "PER,NOPE") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--labels: NOPE not in scheme" in err


def test_a_folder_no_training_made_is_not_replaced(tmp_path, capsys):
    store = tmp_path / "annotations"
    make_store(store, "alice", gold()[:5], Status.DONE)
    mine = store / "models" / "alice"
    mine.mkdir(parents=True)
    (mine / "notes.txt").write_text("mine", encoding="utf-8")
    assert train(store, "--annotator", "alice") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "holds no trained model" in err
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_spacy_missing_is_one_line(tmp_path, capsys, monkeypatch):
    store = tmp_path / "annotations"
    make_store(store, "alice", gold()[:5], Status.DONE)
    monkeypatch.setitem(sys.modules, "spacy", None)  # `import spacy` raises ImportError
    assert train(store, "--annotator", "alice") == 1
    err = capsys.readouterr().err
    assert err == (
        "cooltui: cooltui train needs spaCy, which is not installed; install it with "
        "pip install 'cooltui[spacy]'\n"
    )


def test_suggest_with_the_model_writes_what_import_offers_as_suggestions(trained, tmp_path, capsys):
    store, _ = trained
    out = tmp_path / "model.jsonl"
    corpus = [option for path in CORPUS for option in ("--corpus", str(path))]
    common = [*corpus, "--store", str(store)]
    assert main(["suggest", *common, "--annotator", "gold", "--model", "-o", str(out)]) == 0
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    spans = [span for line in lines for span in line["spans"]]
    assert spans and {span["source"] for span in spans} == {"model:gold"}
    assert all(line["status"] == "suggested" for line in lines)
    assert all(
        s["text"] == line["text"][s["start"] : s["end"]] for line in lines for s in line["spans"]
    )
    capsys.readouterr()
    args = ["import", str(out), "--as-suggestions", *common, "--annotator", "eve"]
    assert main(args) == 0, capsys.readouterr().err
    with Store.open(store, "eve", read_only=True) as opened:
        offered = [span for annotation in opened for span in annotation.suggested]
    assert offered and {span.source for span in offered} == {"model:gold"}


def test_suggest_with_no_model_says_where_it_looked(tmp_path, capsys):
    corpus = [option for path in CORPUS for option in ("--corpus", str(path))]
    store = tmp_path / "annotations"
    assert (
        main(["suggest", *corpus, "--store", str(store), "--annotator", "nobody", "--model"]) == 1
    )
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "no model there; `cooltui train` makes one" in err


@pytest.mark.parametrize(
    ("option", "said"),
    [
        ("--minutes=0", "--minutes must be more than 0"),
        ("--epochs=0", "--epochs must be 1 or more"),
    ],
)
def test_a_budget_of_nothing_is_refused_in_one_line(tmp_path, capsys, option, said):
    store = tmp_path / "annotations"
    make_store(store, "alice", gold()[:5], Status.DONE)
    assert train(store, "--annotator", "alice", option) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and said in err
    assert not (store / "models").exists()
