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
from cooltui.text import tokenize

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
        "-DOCSTART- -X- O O\n\n"
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


# --- the CoNLL file in the tools that read CoNLL -----------------------------------------------


def token_entities(corpus: Corpus) -> list[list[tuple[str, int, int]]]:
    """Each article's spans as (label, first token, last token), counted within the article."""
    found = []
    for article in corpus:
        tokens = tokenize(article.text)
        starts = {token.start: index for index, token in enumerate(tokens)}
        ends = {token.end: index for index, token in enumerate(tokens)}
        found.append([(label, starts[s], ends[e]) for s, e, label in SPANS[article.id]])
    return found


def test_conll_loads_in_spacy_convert_one_doc_per_article(tmp_path, corpus, scheme):
    pytest.importorskip("spacy")
    from spacy.training.converters import conll_ner_to_docs  # what `spacy convert -c ner` runs

    out = tmp_path / "out.conll"
    export(annotations(corpus), corpus, scheme, out, ExportOptions(format="conll"))
    docs = list(conll_ner_to_docs(out.read_text(encoding="utf-8"), no_print=True))
    assert len(docs) == len(ARTICLES)
    for doc, article, entities in zip(docs, corpus, token_entities(corpus), strict=True):
        assert [token.text for token in doc] == [token.text for token in tokenize(article.text)]
        assert [(e.label_, e.start, e.end - 1) for e in doc.ents] == entities
        # A line break of the text starts a sentence.
        assert sum(token.is_sent_start for token in doc) == article.text.count("\n") + 1


def read_conll(text: str) -> list[list[tuple[str, str]]]:
    """Sentences of (token, tag), as CoNLL-2003 readers take them: the first column and the
    last, a blank line between sentences, -DOCSTART- lines skipped."""
    sentences: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    for line in [*text.splitlines(), ""]:
        if not line.strip() or line.startswith("-DOCSTART-"):
            if current:
                sentences.append(current)
            current = []
            continue
        columns = line.split()
        current.append((columns[0], columns[-1]))
    return sentences


def test_conll_tags_read_in_seqeval_as_the_spans_exported(tmp_path, corpus, scheme):
    pytest.importorskip("seqeval")
    from seqeval.metrics import classification_report
    from seqeval.metrics.sequence_labeling import get_entities
    from seqeval.scheme import IOB2

    out = tmp_path / "out.conll"
    export(annotations(corpus), corpus, scheme, out, ExportOptions(format="conll"))
    sentences = read_conll(out.read_text(encoding="utf-8"))
    # The sentences' tokens are the articles' tokens, one after the other.
    words = [word for sentence in sentences for word, _ in sentence]
    assert words == [token.text for article in corpus for token in tokenize(article.text)]
    got, offset = [], 0
    for sentence in sentences:
        tags = [tag for _, tag in sentence]
        got.extend((label, offset + s, offset + e) for label, s, e in get_entities(tags))
        offset += len(sentence)
    expected, offset = [], 0
    for article, entities in zip(corpus, token_entities(corpus), strict=True):
        expected.extend((label, offset + s, offset + e) for label, s, e in entities)
        offset += len(tokenize(article.text))
    assert got == expected
    # Strict IOB2: every entity is well formed, so all of them count.
    tags = [[tag for _, tag in sentence] for sentence in sentences]
    report = classification_report(tags, tags, mode="strict", scheme=IOB2, output_dict=True)
    supports = {label: row["support"] for label, row in report.items() if "avg" not in label}
    labels = [label for spans in SPANS.values() for *_, label in spans]
    assert supports == {label: labels.count(label) for label in set(labels)}
    assert report["micro avg"]["f1-score"] == 1.0
