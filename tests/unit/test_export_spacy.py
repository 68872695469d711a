"""The spacy format: a DocBin that spaCy itself loads, every span a valid char_span of its doc."""

from __future__ import annotations

import sys
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cooltui.corpus import Corpus, load_corpus
from cooltui.export import ExportOptions, Kind, SpacyMissing, export, words_and_spaces
from cooltui.model import Annotation, Span, Status
from cooltui.scheme import Scheme, load_scheme
from cooltui.text import TokenIndex, normalise

spacy = pytest.importorskip("spacy")
from spacy.tokens import Doc, DocBin  # noqa: E402
from spacy.vocab import Vocab  # noqa: E402

TEXTS = {
    "a1": "Kapolsek Minas, Kompol Wan Mantazakka SH MH, hadir.\n\n  Pemilu 2024\taman 😀 damai.  ",
    "a2": "\tDUMAI - Polsek Dumai Timur mengadakan Cooling System di Kota Dumai.\n",
}


@pytest.fixture(scope="module")
def scheme() -> Scheme:
    return load_scheme()


@pytest.fixture(scope="module")
def vocab() -> Vocab:
    return spacy.blank("id").vocab


def make_corpus(folder: Path, texts: dict[str, str]) -> Corpus:
    path = folder / "corpus.jsonl"
    path.write_bytes(b"".join(orjson.dumps({"id": i, "text": t}) + b"\n" for i, t in texts.items()))
    return load_corpus([path], cache=False)


def annotation(corpus: Corpus, article_id: str, *spans: tuple[str, str], **groups) -> Annotation:
    article = corpus.get(article_id)
    found = []
    for label, piece in spans:
        start = article.text.index(piece)
        found.append(Span(start, start + len(piece), label, piece))
    result = Annotation(article_id, article.text_sha, tuple(sorted(found)), status=Status.DONE)
    for group, values in groups.items():
        result = result.with_doc_labels(group, values)
    return result


def read_docs(path: Path, vocab: Vocab) -> list[Doc]:
    return list(DocBin().from_disk(path).get_docs(vocab))


def test_spacy_loads_the_docbin_with_every_span_and_label(tmp_path, scheme, vocab):
    corpus = make_corpus(tmp_path, TEXTS)
    records = [
        annotation(
            corpus, "a1", ("ROLE", "Kapolsek Minas"), ("PER", "Wan Mantazakka"),
            ("EVENT", "Pemilu 2024"), themes=("KAMTIBMAS",), activity=("DIALOG",),
        ),
        annotation(corpus, "a2", ("ORG", "Polsek Dumai Timur"), ("LOC", "Kota Dumai")),
    ]  # fmt: skip
    out = tmp_path / "out.spacy"
    report = export([("alice", r) for r in records], corpus, scheme, out, ExportOptions("spacy"))
    assert report.exported == 2 and report.dropped == 0
    docs = read_docs(out, vocab)
    assert [doc.user_data["id"] for doc in docs] == ["a1", "a2"]
    for doc, record in zip(docs, records, strict=True):
        text = corpus.get(record.article_id).text
        assert doc.text == text  # character for character: line breaks, tabs, edge spaces
        assert doc.user_data["annotator"] == "alice"
        expected = [(s.start, s.end, s.label, s.text) for s in record.spans]
        assert [(s.start_char, s.end_char, s.label_, s.text) for s in doc.spans["sc"]] == expected
        assert [(e.start_char, e.end_char, e.label_, e.text) for e in doc.ents] == expected
        for span in record.spans:
            assert doc.char_span(span.start, span.end).text == span.text
    cats = docs[0].cats
    assert len(cats) == sum(len(group.values) for group in scheme.groups)
    assert {name for name, value in cats.items() if value == 1.0} == {
        "themes:KAMTIBMAS",
        "activity:DIALOG",
    }
    assert set(docs[1].cats.values()) == {0.0}
    # Whitespace between tokens is split as spaCy's own tokenizer splits it.
    spaces = [t.text for t in docs[0] if t.is_space]
    assert spaces == ["\n\n  ", "\t", " "]
    assert [t.text for t in spacy.blank("id")(TEXTS["a1"]) if t.is_space] == spaces


def test_overlapping_spans_stay_in_spans_not_ents(tmp_path, scheme, vocab):
    corpus = make_corpus(tmp_path, TEXTS)
    record = annotation(corpus, "a2", ("ORG", "Polsek Dumai Timur"), ("LOC", "Dumai Timur"))
    out = tmp_path / "out.spacy"
    report = export([("a", record)], corpus, scheme, out, ExportOptions("spacy"))
    assert report.exported == 1 and report.overlapping == 1
    assert 'overlapping spans: kept in doc.spans["sc"], doc.ents left unset' in report.render()
    (doc,) = read_docs(out, vocab)
    assert [s.text for s in doc.spans["sc"]] == ["Polsek Dumai Timur", "Dumai Timur"]
    assert doc.ents == () and {t.ent_iob_ for t in doc} == {""}  # unknown, not "outside"


def test_span_off_tokens_is_dropped_and_explained(tmp_path, scheme):
    corpus = make_corpus(tmp_path, TEXTS)
    good = annotation(corpus, "a1", ("PER", "Wan Mantazakka"))
    bad = annotation(corpus, "a2", ("ORG", "Polsek Dumai Tim"))
    out = tmp_path / "out.spacy"
    report = export([("a", good), ("a", bad)], corpus, scheme, out, ExportOptions("spacy"))
    assert report.exported == 1 and report.problems[Kind.BOUNDARY] == 1
    assert "span not on token boundaries (spacy labels whole tokens)" in report.render()
    assert "'Polsek Dumai Tim' ends inside the token 'Timur'" in report.render()


def test_spans_keep_their_source_through_the_docbin(tmp_path, scheme, vocab):
    corpus = make_corpus(tmp_path, TEXTS)
    made = annotation(corpus, "a2", ("ORG", "Polsek Dumai Timur"), ("LOC", "Kota Dumai"))
    org, loc = made.spans
    record = made.with_spans([org, Span(loc.start, loc.end, loc.label, loc.text, "rule:LOC")])
    overlapping = annotation(corpus, "a1", ("ROLE", "Kapolsek Minas"), ("LOC", "Minas"))
    out = tmp_path / "out.spacy"
    export([("a", record), ("a", overlapping)], corpus, scheme, out, ExportOptions("spacy"))
    # Read back as spaCy reads a DocBin from disk, into a vocab that never saw the strings.
    a1, a2 = read_docs(out, Vocab())  # in corpus order
    assert [(s.text, s.label_, s.id_) for s in a2.spans["sc"]] == [
        ("Polsek Dumai Timur", "ORG", "manual"),
        ("Kota Dumai", "LOC", "rule:LOC"),
    ]
    assert [(e.text, e.id_) for e in a2.ents] == [
        ("Polsek Dumai Timur", "manual"),
        ("Kota Dumai", "rule:LOC"),
    ]
    assert a1.ents == ()  # overlapping spans: no entities
    assert [(s.text, s.id_) for s in a1.spans["sc"]] == [
        ("Kapolsek Minas", "manual"),
        ("Minas", "manual"),
    ]


def test_a_word_glued_to_an_emoji_is_a_span_of_its_own_doc(tmp_path, scheme, vocab):
    text = "Polsek Bangko🚓 siaga di Kota Dumai😀.\n👍🏽Mantap"
    corpus = make_corpus(tmp_path, {"b1": text})
    record = annotation(corpus, "b1", ("ORG", "Polsek Bangko"), ("LOC", "Kota Dumai"))
    out = tmp_path / "out.spacy"
    report = export([("a", record)], corpus, scheme, out, ExportOptions("spacy"))
    assert (report.exported, report.dropped) == (1, 0), report.render()
    (doc,) = read_docs(out, vocab)
    assert doc.text == text
    assert [t.text for t in doc if not t.is_space] == [
        "Polsek", "Bangko", "🚓", "siaga", "di", "Kota", "Dumai", "😀", ".", "👍🏽", "Mantap",
    ]  # fmt: skip
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("Polsek Bangko", "ORG"),
        ("Kota Dumai", "LOC"),
    ]


def test_without_spacy_a_clear_message_and_no_file(tmp_path, scheme, monkeypatch):
    for name in ("spacy", "spacy.tokens", "spacy.vocab"):
        monkeypatch.setitem(sys.modules, name, None)  # as if it were not installed
    corpus = make_corpus(tmp_path, TEXTS)
    out = tmp_path / "out.spacy"
    with pytest.raises(SpacyMissing, match=r"pip install 'cooltui\[spacy\]'"):
        export([], corpus, scheme, out, ExportOptions("spacy"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus.jsonl"]


# Random texts: words, punctuation, emoji (with skin tones and ZWJ), combining marks, CRLF, tabs,
# no-break spaces and runs of spaces.
PIECES = st.sampled_from(
    [
        "Kapolsek", "Dumai", "S.H.", "(19/10)", "pkl.", "09.00", "Butar-Butar", "Jum'at", "a",
        "😀", "👍🏽", "👨‍👩‍👧", "e\u0301", "\u0301", "café", "、", "“kutip”", "•", "...",
        " ", " ", "  ", "\t", "\n", "\r\n", "\r", "\u00a0", " \n ", "\n\n",
    ]
)  # fmt: skip
TEXT = st.lists(PIECES, min_size=1, max_size=40).map("".join)


@settings(max_examples=200, deadline=None)
@given(raw=TEXT, data=st.data())
def test_any_text_makes_a_doc_with_that_text_and_every_span_a_char_span(raw, data):
    text = normalise(raw)
    tokens = TokenIndex(text)
    words, spaces = words_and_spaces(text, tokens.tokens)
    doc = Doc(Vocab(), words=words, spaces=spaces)
    assert doc.text == text
    if not tokens.tokens:
        return
    first = data.draw(st.integers(0, len(tokens) - 1))
    last = data.draw(st.integers(first, len(tokens) - 1))
    start, end = tokens[first].start, tokens[last].end
    span = doc.char_span(start, end, label="X")
    assert span is not None and span.text == text[start:end]
