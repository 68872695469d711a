"""`cooltui import` as users run it: what lands in the store, the report, exit codes, undo."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
from stores import make_store

from cooltui.cli import main
from cooltui.corpus import Corpus, load_corpus
from cooltui.model import Annotation, Span, Status
from cooltui.store import Store
from cooltui.text import tokenize

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
FORMATS = ("jsonl", "doccano", "conll", "spacy", "labelstudio", "prodigy", "brat")
"""Every format cooltui both writes and reads."""


@pytest.fixture
def corpus() -> Corpus:
    return load_corpus([SEEDS], cache=False)


def annotation(article, status: Status = Status.DONE) -> Annotation:
    """Two spans on whole tokens, a theme and an activity, a note, and `status`."""
    text = article.text
    tokens = tokenize(text)
    spans = [
        Span(
            tokens[start].start, tokens[end].end, label, text[tokens[start].start : tokens[end].end]
        )
        for label, start, end in (("ORG", 2, 2), ("EVENT", 5, 6))
    ]
    made = Annotation(article.id, article.text_sha, tuple(spans), status=status, note="cek lagi")
    return made.with_doc_labels("themes", ["KAMTIBMAS"]).with_doc_labels("activity", ["SAMBANG"])


def records(folder: Path, name: str) -> dict[str, Annotation]:
    with Store.open(folder, name, read_only=True) as store:
        return {a.article_id: a for a in store}


def run(*args: str, store: Path, annotator: str = "bob") -> int:
    return main(
        ["import", "--corpus", str(SEEDS), "--store", str(store), "--annotator", annotator, *args]
    )


def exported_path(folder: Path, fmt: str) -> Path:
    """Where an export in `fmt` goes by default, named as `cooltui export` names it."""
    from cooltui.export import FORMATS

    return folder / f"out.{FORMATS[fmt].extension}"


def export(store: Path, annotator: str, output: Path, *args: str) -> int:
    return main(
        [
            "export",
            "--corpus",
            str(SEEDS),
            "--store",
            str(store),
            "--annotator",
            annotator,
            "-o",
            str(output),
            *args,
        ]
    )


@pytest.fixture
def alice(tmp_path: Path, corpus: Corpus) -> Path:
    """A store where alice finished every seed article."""
    folder = tmp_path / "alice-store"
    make_store(folder, "alice", [annotation(article) for article in corpus])
    return folder


def work(annotation: Annotation) -> tuple:
    return (
        [(s.start, s.end, s.label, s.text) for s in annotation.spans],
        {group: values for group, values in annotation.doc_labels.items() if values},
    )


# --- round trips -----------------------------------------------------------------------------


def test_jsonl_export_import_export_is_byte_identical(alice, tmp_path, capsys):
    first = tmp_path / "first.jsonl"
    assert export(alice, "alice", first) == 0
    again = tmp_path / "again"
    assert run(str(first), store=again, annotator="alice") == 0
    err = capsys.readouterr().err
    assert "imported annotations of 5 articles into 'alice'" in err
    second = tmp_path / "second.jsonl"
    assert export(again, "alice", second) == 0
    assert second.read_bytes() == first.read_bytes()


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_comes_back_with_the_same_spans_and_labels(fmt, alice, tmp_path, capsys):
    exported = exported_path(tmp_path, fmt)
    assert export(alice, "alice", exported, "--format", fmt) == 0
    into = tmp_path / "into"
    assert run(str(exported), "--format", fmt, store=into) == 0, capsys.readouterr().err
    theirs, ours = records(alice, "alice"), records(into, "bob")
    assert set(ours) == set(theirs)
    for article_id, annotation in theirs.items():
        spans, labels = work(annotation)
        got_spans, got_labels = work(ours[article_id])
        assert got_spans == spans, article_id
        if fmt != "conll":  # CoNLL has no document labels
            assert got_labels == labels, article_id


@pytest.mark.parametrize("fmt", FORMATS)
def test_auto_tells_each_format_apart(fmt, alice, tmp_path, capsys):
    exported = exported_path(tmp_path, fmt)
    assert export(alice, "alice", exported, "--format", fmt) == 0
    assert run(str(exported), store=tmp_path / "into") == 0
    assert f"({fmt})" in capsys.readouterr().err


# --- nothing overwritten, nothing twice ----------------------------------------------------------


def test_importing_the_same_file_twice_changes_nothing(alice, tmp_path, capsys):
    exported = tmp_path / "out.jsonl"
    export(alice, "alice", exported)
    into = tmp_path / "into"
    assert run(str(exported), store=into) == 0
    before = records(into, "bob")
    capsys.readouterr()
    assert run(str(exported), store=into) == 0
    err = capsys.readouterr().err
    assert "imported annotations of 0 articles" in err
    assert "5 already in the store as imported: unchanged" in err
    assert records(into, "bob") == before


def test_an_annotated_article_is_refused_without_replace_and_undo_brings_it_back(
    alice, tmp_path, corpus, capsys
):
    exported = tmp_path / "out.jsonl"
    export(alice, "alice", exported)
    into = tmp_path / "into"
    article = next(iter(corpus))
    own = Annotation(article.id, article.text_sha, status=Status.DONE).with_doc_labels(
        "themes", ["PERSATUAN"]
    )
    make_store(into, "bob", [own])

    assert run(str(exported), store=into) == 1
    err = capsys.readouterr().err
    assert "already annotated in this store: pass --replace to overwrite" in err
    assert "1 record left out" in err
    kept = records(into, "bob")
    assert kept[article.id].doc_labels["themes"] == ("PERSATUAN",)
    assert len(kept) == 5  # the other four came in

    assert run(str(exported), "--replace", store=into) == 0
    assert records(into, "bob")[article.id].doc_labels["themes"] == ("KAMTIBMAS",)

    capsys.readouterr()
    assert run("--undo", store=into) == 0
    assert "took back 1 article" in capsys.readouterr().err
    assert records(into, "bob")[article.id].doc_labels["themes"] == ("PERSATUAN",)
    assert run("--undo", store=into) == 0  # the first import: its four articles go
    assert set(records(into, "bob")) == {article.id}


def test_undo_keeps_an_article_edited_since_the_import(alice, tmp_path, corpus, capsys):
    exported = tmp_path / "out.jsonl"
    export(alice, "alice", exported)
    into = tmp_path / "into"
    run(str(exported), store=into)
    article = next(iter(corpus))
    with Store.open(into, "bob") as store:
        edited = store.get(article.id)
        assert edited is not None
        store.save(edited.with_note("changed by hand"))
    capsys.readouterr()
    assert run("--undo", store=into) == 0
    err = capsys.readouterr().err
    assert "took back 4 articles" in err and "kept 1 edited since the import" in err
    assert set(records(into, "bob")) == {article.id}


def test_undo_with_nothing_imported_says_so(tmp_path, capsys):
    assert run("--undo", store=tmp_path / "empty") == 2
    assert "no import to take back" in capsys.readouterr().err


# --- labels ----------------------------------------------------------------------------------


def doccano_line(text: str, spans: list, **more) -> bytes:
    return orjson.dumps({"text": text, "label": spans, **more}) + b"\n"


def test_labels_the_scheme_lacks_stop_the_import_before_anything_is_written(tmp_path, capsys):
    source = tmp_path / "data.jsonl"
    source.write_bytes(
        doccano_line("Kapolres Dumai hadir.", [[0, 8, "JABATAN"]])
        + doccano_line("Warga Dumai hadir.", [[6, 11, "GPE"]])
    )
    into = tmp_path / "into"
    assert run(str(source), store=into) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "labels not in scheme 'cooling-system': JABATAN (1, first at" in err and "GPE" in err
    assert "--labels-map FILE" in err and "nothing was imported" in err
    assert not (into / "texts").exists()
    assert records(into, "bob") == {}

    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps({"JABATAN": "ROLE", "GPE": "LOC"}))
    assert run(str(source), "--labels-map", str(mapping), store=into) == 0
    spans = sorted(s.label for a in records(into, "bob").values() for s in a.spans)
    assert spans == ["LOC", "ROLE"]


def test_a_document_label_maps_to_its_group(tmp_path):
    source = tmp_path / "data.jsonl"
    source.write_bytes(
        doccano_line("Warga Dumai hadir.", [], cats=["KAMTIBMAS", "activity:SAMBANG"])
    )
    into = tmp_path / "into"
    assert run(str(source), store=into) == 0
    (only,) = records(into, "bob").values()
    assert only.doc_labels == {"themes": ("KAMTIBMAS",), "activity": ("SAMBANG",)}


# --- texts and offsets -----------------------------------------------------------------------


def test_texts_not_in_the_corpus_are_kept_and_shown_with_it(tmp_path, capsys):
    source = tmp_path / "new.jsonl"
    source.write_bytes(doccano_line("Kapolres Dumai hadir di Pemilu 2024.", [[0, 8, "ROLE"]], id=7))
    into = tmp_path / "into"
    assert run(str(source), store=into) == 0
    err = capsys.readouterr().err
    assert "1 text not in the corpus kept in" in err
    kept = list((into / "texts").iterdir())
    assert len(kept) == 1
    assert main(["list", "--corpus", str(SEEDS), "--store", str(into), "--annotator", "bob"]) == 0
    listed = capsys.readouterr().out
    assert "7" in listed.split() or any(line.startswith("7") for line in listed.splitlines())
    # Imported again, the text is in the corpus now: nothing new is kept.
    assert run(str(source), store=into) == 0
    assert list((into / "texts").iterdir()) == kept


def test_crlf_and_escape_sequences_are_mapped_never_shifted(tmp_path):
    raw = "DUMAI\r\n\x1b[1mKapolres\x1b[0m Dumai hadir.\r\nAman."
    start = raw.index("Kapolres")
    source = tmp_path / "data.jsonl"
    source.write_bytes(
        doccano_line(
            raw,
            [[start, start + 8, "ROLE"], [raw.index("Dumai h"), raw.index("Dumai h") + 5, "LOC"]],
        )
    )
    into = tmp_path / "into"
    assert run(str(source), store=into) == 0
    (only,) = records(into, "bob").values()
    assert [(s.label, s.text) for s in only.spans] == [("ROLE", "Kapolres"), ("LOC", "Dumai")]


def test_utf16_offsets_are_converted(tmp_path, capsys):
    text = "Warga 😀 hadir di Kota Dumai."
    start = text.index("Kota")
    # As a browser counts: the emoji is two units.
    spans = [[start + 1, start + 1 + len("Kota Dumai"), "LOC"]]
    source = tmp_path / "data.jsonl"
    source.write_bytes(doccano_line(text, spans))
    into = tmp_path / "into"
    assert run(str(source), "--offsets", "utf16", store=into) == 0
    (only,) = records(into, "bob").values()
    assert [s.text for s in only.spans] == ["Kota Dumai"]


def test_utf16_offsets_are_told_from_the_span_texts(tmp_path, capsys):
    text = "Warga 😀 hadir di Kota Dumai."
    start = text.index("Kota") + 1
    task = {
        "id": 1,
        "data": {"text": text},
        "annotations": [
            {
                "result": [
                    {
                        "from_name": "label",
                        "to_name": "text",
                        "type": "labels",
                        "value": {
                            "start": start,
                            "end": start + 10,
                            "text": "Kota Dumai",
                            "labels": ["LOC"],
                        },
                    }
                ]
            }
        ],
    }
    source = tmp_path / "tasks.json"
    source.write_text(json.dumps([task]))
    into = tmp_path / "into"
    assert run(str(source), store=into) == 0
    assert "1 record with UTF-16 offsets, converted" in capsys.readouterr().err
    (only,) = records(into, "bob").values()
    assert [s.text for s in only.spans] == ["Kota Dumai"]


def test_a_span_whose_text_is_elsewhere_is_found_near_or_reported(tmp_path, capsys):
    text = "Kapolres Dumai hadir. Warga Dumai senang."
    task = lambda start, end, said: {  # noqa: E731
        "data": {"text": text},
        "annotations": [
            {
                "result": [
                    {
                        "type": "labels",
                        "from_name": "label",
                        "to_name": "text",
                        "value": {"start": start, "end": end, "text": said, "labels": ["LOC"]},
                    }
                ]
            }
        ],
    }
    source = tmp_path / "tasks.json"
    source.write_text(
        json.dumps([task(8, 13, "Dumai"), task(0, 5, "Pekanbaru")]).replace(text, text, 1)
    )
    # Two tasks on one text: the second is the same article twice.
    into = tmp_path / "into"
    assert run(str(source), store=into) == 1
    err = capsys.readouterr().err
    assert "1 span found near offsets that did not match their text" in err
    assert "the same article comes twice in the import" in err


def test_overlapping_spans_are_left_out_with_the_record_named(tmp_path, capsys):
    source = tmp_path / "data.jsonl"
    source.write_bytes(doccano_line("Kapolres Dumai hadir.", [[0, 14, "ROLE"], [9, 14, "LOC"]]))
    into = tmp_path / "into"
    assert run(str(source), store=into) == 1
    err = capsys.readouterr().err
    assert "overlapping spans, which the scheme does not allow" in err
    assert "data.jsonl:1" in err
    assert records(into, "bob") == {}


# --- suggestions -------------------------------------------------------------------------------


def test_as_suggestions_offers_them_and_leaves_the_work_alone(alice, tmp_path, corpus, capsys):
    exported = tmp_path / "out.jsonl"
    export(alice, "alice", exported)
    into = tmp_path / "into"
    article = next(iter(corpus))
    own = Annotation(article.id, article.text_sha, note="mine")
    make_store(into, "bob", [own])
    assert run(str(exported), "--as-suggestions", store=into) == 0
    assert "imported suggestions for 5 articles" in capsys.readouterr().err
    stored = records(into, "bob")
    assert stored[article.id].note == "mine" and stored[article.id].spans == ()
    assert all(a.status is Status.TODO for a in stored.values())
    assert [s.label for s in stored[article.id].suggested] == ["ORG", "EVENT"] or sorted(
        s.label for s in stored[article.id].suggested
    ) == ["EVENT", "ORG"]
    assert stored[article.id].suggested_labels["themes"] == ("KAMTIBMAS",)


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b'{"text": "abc", "label": [[0, 1', "cut.jsonl"),
        (b"\xff\xfe not utf-8\n", "bad.jsonl"),
        (b"[1, 2, 3]", "tasks.json"),
        (b"", "empty.jsonl"),
    ],
)
def test_a_broken_file_is_one_line_and_nothing_is_written(content, name, tmp_path, capsys):
    source = tmp_path / name
    source.write_bytes(content)
    into = tmp_path / "into"
    assert run(str(source), store=into) != 0
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("cooltui: ")
    assert name in err
    assert "Traceback" not in err
    assert records(into, "bob") == {}


def test_a_missing_file_is_named(tmp_path, capsys):
    assert run(str(tmp_path / "nope.jsonl"), store=tmp_path / "into") == 2
    assert "nope.jsonl: no such file or folder" in capsys.readouterr().err


def test_no_files_says_what_to_give(tmp_path, capsys):
    assert run(store=tmp_path / "into") == 2
    assert "give the files to import" in capsys.readouterr().err


def test_a_record_made_on_an_earlier_text_is_not_mixed_with_the_import(tmp_path, corpus, capsys):
    article = next(iter(corpus))
    into = tmp_path / "into"
    make_store(into, "bob", [Annotation(article.id, "an-earlier-text-sha", note="old")])
    source = tmp_path / "data.jsonl"
    source.write_bytes(doccano_line(article.text, [[0, 5, "LOC"]]))
    assert run(str(source), "--as-suggestions", store=into) == 1
    assert "annotated in this store on an earlier text of the article" in capsys.readouterr().err
    assert records(into, "bob")[article.id].suggested == ()


def test_conll_records_of_texts_differing_only_in_blanks_each_find_their_article(tmp_path, capsys):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(
        '{"id": "a", "text": "Polsek Minas hadir.\\nWarga senang."}\n'
        '{"id": "b", "text": "Polsek Minas hadir. Warga senang."}\n',
        encoding="utf-8",
    )
    articles = list(load_corpus([corpus], cache=False))
    source = tmp_path / "alice"
    make_store(
        source,
        "alice",
        [
            Annotation(a.id, a.text_sha, (Span(0, 12, "ORG", "Polsek Minas"),), status=Status.DONE)
            for a in articles
        ],
    )
    out = tmp_path / "out.conll"
    common = ["--corpus", str(corpus), "--annotator", "alice"]
    assert (
        main(["export", "--format", "conll", "--store", str(source), "-o", str(out), *common]) == 0
    )
    into = tmp_path / "into"
    assert main(["import", str(out), "--store", str(into), *common]) == 0, capsys.readouterr().err
    assert {i: [s.text for s in a.spans] for i, a in records(into, "alice").items()} == {
        "a": ["Polsek Minas"],
        "b": ["Polsek Minas"],
    }


def test_the_rules_suggestions_written_by_suggest_come_in_as_suggestions(tmp_path, capsys):
    out = tmp_path / "suggestions.jsonl"
    store = tmp_path / "into"
    assert (
        main(
            [
                "suggest",
                "--corpus",
                str(SEEDS),
                "--store",
                str(store),
                "-o",
                str(out),
                "--jobs",
                "1",
            ]
        )
        == 0
    )
    assert run(str(out), "--as-suggestions", store=store) == 0, capsys.readouterr().err
    stored = records(store, "bob")
    assert len(stored) == 5
    assert all(a.suggested and not a.spans and a.status is Status.TODO for a in stored.values())
    assert all(s.source.startswith("rule:") for a in stored.values() for s in a.suggested)
