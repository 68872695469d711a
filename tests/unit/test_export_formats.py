"""doccano and CoNLL output against files written by hand from those formats' documentation."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest

from cooltui.corpus import Corpus, load_corpus
from cooltui.export import ExportOptions, export
from cooltui.model import Annotation, Span, Status
from cooltui.scheme import Scheme, load_scheme

EXPECTED = Path(__file__).resolve().parents[1] / "data" / "export"

ARTICLES = {
    "a1": "Kapolsek Minas, Kompol Wan Mantazakka SH MH, hadir di Pemilu 2024.\nAman dan damai.",
    "a2": "DUMAI - Polsek Dumai Timur mengadakan Cooling System di Kota Dumai.",
    "a3": "Warga 😀 hadir di Kota Dumai.",
}
SPANS = {
    "a1": [
        (0, 14, "ROLE"),
        (16, 22, "RANK"),
        (23, 37, "PER"),
        (38, 43, "TITLE"),
        (54, 65, "EVENT"),
    ],
    "a2": [(8, 26, "ORG"), (38, 52, "EVENT"), (56, 66, "LOC")],
    "a3": [(17, 27, "LOC")],
}
GROUPS = {
    "a1": {"themes": ("PERSATUAN", "KAMTIBMAS"), "activity": ("SAMBANG",)},
    "a2": {},
    "a3": {"activity": ("SILATURAHMI",)},
}


@pytest.fixture(scope="module")
def scheme() -> Scheme:
    return load_scheme()


@pytest.fixture
def corpus(tmp_path: Path) -> Corpus:
    path = tmp_path / "corpus.jsonl"
    path.write_bytes(
        b"".join(orjson.dumps({"id": i, "text": t}) + b"\n" for i, t in ARTICLES.items())
    )
    return load_corpus([path], cache=False)


def annotations(corpus: Corpus) -> list[tuple[str, Annotation]]:
    found = []
    for article in corpus:
        text = article.text
        spans = [Span(s, e, label, text[s:e]) for s, e, label in SPANS[article.id]]
        annotation = Annotation(article.id, article.text_sha, tuple(spans), status=Status.DONE)
        for group, values in GROUPS[article.id].items():
            annotation = annotation.with_doc_labels(group, values)
        found.append(("alice", annotation))
    return found


def test_doccano_matches_the_hand_written_file(tmp_path, corpus, scheme):
    out = tmp_path / "out.doccano.jsonl"
    export(annotations(corpus), corpus, scheme, out, ExportOptions(format="doccano"))
    got = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    expected = [
        json.loads(line) for line in (EXPECTED / "doccano.jsonl").read_text("utf-8").splitlines()
    ]
    assert got == expected
    assert [list(line) for line in got] == [["id", "text", "label", "cats"]] * 3


def test_conll_matches_the_hand_written_file(tmp_path, corpus, scheme):
    out = tmp_path / "out.conll"
    export(annotations(corpus), corpus, scheme, out, ExportOptions(format="conll"))
    assert out.read_text(encoding="utf-8") == (EXPECTED / "conll").read_text(encoding="utf-8")


def test_conll_keeps_a_span_across_a_line_break_in_one_sentence(tmp_path, scheme):
    path = tmp_path / "c.jsonl"
    path.write_bytes(orjson.dumps({"id": "x", "text": "Di Kota\nDumai.\n\nAman."}) + b"\n")
    corpus = load_corpus([path], cache=False)
    article = corpus.get("x")
    span = Span(3, 13, "LOC", "Kota\nDumai")
    annotation = Annotation("x", article.text_sha, (span,), status=Status.DONE)
    out = tmp_path / "out.conll"
    export([("a", annotation)], corpus, scheme, out, ExportOptions(format="conll"))
    assert out.read_text(encoding="utf-8") == (
        "-DOCSTART- -X- -X- O\n\n"
        "Di -X- _ O\nKota -X- _ B-LOC\nDumai -X- _ I-LOC\n. -X- _ O\n\n"
        "Aman -X- _ O\n. -X- _ O\n\n"
    )


def test_conll_keeps_adjacent_spans_of_one_label_apart(tmp_path, corpus, scheme):
    article = corpus.get("a2")
    spans = (Span(8, 14, "ORG", "Polsek"), Span(15, 26, "ORG", "Dumai Timur"))
    annotation = Annotation("a2", article.text_sha, spans, status=Status.DONE)
    out = tmp_path / "out.conll"
    export([("a", annotation)], corpus, scheme, out, ExportOptions(format="conll"))
    tags = [line.split()[-1] for line in out.read_text(encoding="utf-8").splitlines()[4:7]]
    assert tags == ["B-ORG", "B-ORG", "I-ORG"]
