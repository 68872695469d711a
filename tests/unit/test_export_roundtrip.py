"""Random texts and spans survive export and read-back with identical offsets."""

from __future__ import annotations

import itertools
import json
import tempfile
from pathlib import Path

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from cooltui.corpus import load_corpus
from cooltui.export import ExportOptions, export, read_jsonl
from cooltui.model import Annotation, Span, Status
from cooltui.scheme import load_scheme
from cooltui.text import tokenize

SCHEME = load_scheme()
LABELS = [label.name for label in SCHEME.labels]

# Words, punctuation, emoji (skin tone, ZWJ sequence), combining marks, CRLF and CR line breaks
# in the source, tabs, no-break spaces, CJK punctuation.
PIECES = st.sampled_from(
    [
        "Kapolsek", "Dumai", "S.H.", "(19/10)", "pkl.", "09.00", "Butar-Butar", "Jum'at", "x",
        "😀", "👍🏽", "👨‍👩‍👧", "e\u0301", "\u0301", "café", "、", "“kutip”", "•", "...",
        " ", " ", "  ", "\t", "\n", "\r\n", "\r", "\u00a0", "\r\n\r\n",
    ]
)  # fmt: skip
RAW = st.lists(PIECES, min_size=1, max_size=30).map("".join).filter(lambda t: t.strip())


def export_one(folder: Path, raw: str, fmt: str, spans_of) -> tuple[str, list[Span], Path]:
    """`raw` as a corpus article, annotated with spans_of(its text), exported in `fmt`."""
    source = folder / "corpus.jsonl"
    source.write_bytes(orjson.dumps({"id": "r", "text": raw}) + b"\n")
    corpus = load_corpus([source], cache=False)
    article = corpus.get("r")
    text = article.text
    spans = spans_of(text)
    annotation = Annotation("r", article.text_sha, tuple(sorted(spans)), status=Status.DONE)
    out = folder / f"out.{fmt}"
    report = export([("a", annotation)], corpus, SCHEME, out, ExportOptions(fmt))
    assert report.dropped == 0, report.render()
    return text, spans, out


@settings(max_examples=150, deadline=None)
@given(raw=RAW, data=st.data())
def test_jsonl_and_doccano_keep_every_offset(raw, data):
    def spans_of(text: str) -> list[Span]:
        found = []
        for _ in range(data.draw(st.integers(0, 4))):
            start = data.draw(st.integers(0, len(text) - 1))
            end = data.draw(st.integers(start + 1, len(text)))
            found.append(Span(start, end, data.draw(st.sampled_from(LABELS)), text[start:end]))
        return list({s.key: s for s in found}.values())

    with tempfile.TemporaryDirectory() as folder:
        text, spans, path = export_one(Path(folder), raw, "jsonl", spans_of)
        (back,) = read_jsonl(path)
        _, _, doccano = export_one(Path(folder), raw, "doccano", lambda _: spans)
        line = json.loads(doccano.read_text(encoding="utf-8"))
    assert "\r" not in text
    expected = sorted((s.start, s.end, s.label, s.text) for s in spans)
    assert back.text == text
    assert [(s.start, s.end, s.label, s.text) for s in back.annotation.spans] == expected
    assert line["text"] == text
    assert sorted((s, e, label, text[s:e]) for s, e, label in line["label"]) == expected


@settings(max_examples=150, deadline=None)
@given(raw=RAW, data=st.data())
def test_conll_tags_give_back_the_spans(raw, data):
    def spans_of(text: str) -> list[Span]:
        tokens = tokenize(text)
        cuts = sorted(set(data.draw(st.lists(st.integers(0, len(tokens)), max_size=6))))
        found = []
        for first, last in itertools.pairwise(cuts):  # token ranges that do not overlap
            if data.draw(st.booleans()):
                start, end = tokens[first].start, tokens[last - 1].end
                found.append(Span(start, end, data.draw(st.sampled_from(LABELS)), text[start:end]))
        return found

    with tempfile.TemporaryDirectory() as folder:
        text, spans, path = export_one(Path(folder), raw, "conll", spans_of)
        conll = path.read_text(encoding="utf-8")
    tokens = tokenize(text)
    rows = [line.split(" ") for line in conll.splitlines() if line and not line.startswith("-DOC")]
    assert [row[0] for row in rows] == [token.text for token in tokens]
    assert all(row[1:3] == ["-X-", "_"] for row in rows)
    back, current = [], None
    for token, (*_, tag) in zip(tokens, rows, strict=True):
        if tag.startswith("B-"):
            current = [token.start, token.end, tag[2:]]
            back.append(current)
        elif tag.startswith("I-"):
            assert current is not None and current[2] == tag[2:]
            current[1] = token.end
        else:
            current = None
    assert [tuple(b) for b in back] == [(s.start, s.end, s.label) for s in sorted(spans)]
