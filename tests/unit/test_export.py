"""The export core on plain annotations: what is written, what is dropped and why, and how."""

from __future__ import annotations

import io
import json
import os
import tempfile
from collections import Counter
from dataclasses import replace
from pathlib import Path

import orjson
import pytest

from cooltui.corpus import Corpus, load_corpus
from cooltui.errors import UsageError
from cooltui.export import (
    FORMATS,
    NERGRIT,
    ExportError,
    ExportOptions,
    JsonlReadError,
    Kind,
    LabelsMapError,
    Split,
    export,
    load_labels_map,
    part_paths,
    read_jsonl,
)
from cooltui.export import output as output_module
from cooltui.model import Annotation, Span, Status
from cooltui.scheme import Scheme, load_scheme

TEXT = "Kapolsek Minas, Kompol Wan Mantazakka SH MH, hadir di Pemilu 2024.\nAman dan damai."
OTHER = "DUMAI - Polsek Dumai Timur mengadakan Cooling System di Kota Dumai."


@pytest.fixture(scope="module")
def scheme() -> Scheme:
    return load_scheme()


@pytest.fixture
def corpus(tmp_path: Path) -> Corpus:
    return make_corpus(tmp_path, {"a1": TEXT, "a2": OTHER})


def make_corpus(folder: Path, texts: dict[str, str]) -> Corpus:
    path = folder / "corpus.jsonl"
    with path.open("wb") as out:
        for article_id, text in texts.items():
            out.write(orjson.dumps({"id": article_id, "text": text, "title": f"T {article_id}"}))
            out.write(b"\n")
    return load_corpus([path], cache=False)


def annotate(
    corpus: Corpus,
    article_id: str,
    *spans: tuple[str, str],
    status: Status = Status.DONE,
    **groups: tuple[str, ...],
) -> Annotation:
    """An annotation of the article with (label, text) spans found in order in its text."""
    article = corpus.get(article_id)
    assert article is not None
    text, found, position = article.text, [], 0
    for label, piece in spans:
        start = text.index(piece, position)
        found.append(Span(start, start + len(piece), label, piece))
        position = start + 1
    annotation = Annotation(article_id, article.text_sha, tuple(sorted(found)), status=status)
    for group, values in groups.items():
        annotation = annotation.with_doc_labels(group, values)
    return annotation.touched(now=1700000000.5, seconds=42.0)


def full(corpus: Corpus) -> Annotation:
    return annotate(
        corpus,
        "a1",
        ("ROLE", "Kapolsek Minas"),
        ("RANK", "Kompol"),
        ("PER", "Wan Mantazakka"),
        ("TITLE", "SH MH"),
        ("EVENT", "Pemilu 2024"),
        themes=("PERSATUAN", "KAMTIBMAS"),
        activity=("SAMBANG",),
    )


def run(corpus, scheme, annotations, output, annotator="alice", **options):
    return export(
        ((annotator, a) for a in annotations), corpus, scheme, output, ExportOptions(**options)
    )


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# --- jsonl -------------------------------------------------------------------------------------


def test_jsonl_line_has_every_field_in_order(tmp_path, corpus, scheme):
    out = tmp_path / "out.jsonl"
    report = run(corpus, scheme, [full(corpus)], out)
    assert report.exported == 1 and report.written and report.dropped == 0
    (line,) = lines(out)
    assert list(line) == [
        "id", "text", "spans", "themes", "activity", "note", "status", "annotator", "meta",
    ]  # fmt: skip
    assert line["id"] == "a1" and line["text"] == TEXT
    assert line["spans"][0] == {
        "start": 0, "end": 14, "label": "ROLE", "text": "Kapolsek Minas", "source": "manual",
    }  # fmt: skip
    assert [s["label"] for s in line["spans"]] == ["ROLE", "RANK", "PER", "TITLE", "EVENT"]
    assert line["themes"] == ["KAMTIBMAS", "PERSATUAN"]  # the scheme's order, not the stored one
    assert line["activity"] == "SAMBANG"
    assert (line["note"], line["status"], line["annotator"]) == ("", "done", "alice")
    meta = line["meta"]
    assert list(meta) == ["title", "source", "outlet", "date", "text_sha", "updated", "seconds"]
    assert meta["title"] == "T a1" and meta["source"] == f"{tmp_path / 'corpus.jsonl'}:1"
    assert meta["text_sha"] == corpus.get("a1").text_sha
    assert (meta["updated"], meta["seconds"]) == (1700000000.5, 42.0)
    for span in line["spans"]:
        assert line["text"][span["start"] : span["end"]] == span["text"]


def test_empty_groups_are_an_empty_list_and_null(tmp_path, corpus, scheme):
    out = tmp_path / "out.jsonl"
    run(corpus, scheme, [annotate(corpus, "a2", ("ORG", "Polsek Dumai Timur"))], out)
    (line,) = lines(out)
    assert line["themes"] == [] and line["activity"] is None


def test_jsonl_reads_back_as_the_annotations(tmp_path, corpus, scheme):
    stored = [
        full(corpus).with_note("catatan: ✓"),
        annotate(corpus, "a2", ("ORG", "Polsek Dumai Timur"), ("LOC", "Kota Dumai")),
    ]
    out = tmp_path / "out.jsonl"
    run(corpus, scheme, stored, out)
    back = list(read_jsonl(out))
    assert [record.id for record in back] == ["a1", "a2"]
    for original, record in zip(stored, back, strict=True):
        annotation = record.annotation
        assert record.annotator == "alice" and record.text == corpus.get(record.id).text
        assert [(s.start, s.end, s.label, s.text) for s in annotation.spans] == [
            (s.start, s.end, s.label, s.text) for s in original.spans
        ]
        assert {g: v for g, v in annotation.doc_labels.items() if v} == {
            g: tuple(sorted(v, key=_scheme_order)) for g, v in original.doc_labels.items() if v
        }
        for name in ("article_id", "text_sha", "note", "status", "updated", "seconds"):
            assert getattr(annotation, name) == getattr(original, name), name


def _scheme_order(value: str) -> int:
    order = [v.name for group in load_scheme().groups for v in group.values]
    return order.index(value)


def test_each_span_keeps_its_source_and_reads_back_with_it(tmp_path, corpus, scheme):
    made = annotate(corpus, "a2", ("ORG", "Polsek Dumai Timur"), ("LOC", "Kota Dumai"))
    by_hand, suggested = made.spans
    record = made.with_spans([by_hand, replace(suggested, source="rule:LOC")])
    out = tmp_path / "out.jsonl"
    # A renamed label keeps its span's source too.
    run(corpus, scheme, [record], out, labels_map=load_labels_map("nergrit"))
    (line,) = lines(out)
    assert [(s["label"], s["text"], s["source"]) for s in line["spans"]] == [
        ("ORG", "Polsek Dumai Timur", "manual"),
        ("LOC", "Kota Dumai", "rule:LOC"),
    ]
    (back,) = read_jsonl(out)
    assert [s.source for s in back.annotation.spans] == ["manual", "rule:LOC"]


def test_meta_title_is_the_whole_title(tmp_path, scheme):
    given = "Kapolsek Minas hadiri rapat koordinasi pengamanan Pemilu 2024 bersama Forkopimcam " * 2
    headline = (
        "Polsek Dumai Timur gelar Cooling System jelang Pemilu 2024 di Kelurahan Tanjung Palas"
    )
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "b1.txt").write_text(f"{headline}\n\nDUMAI - {OTHER}\n", encoding="utf-8")
    (folder / "a1.jsonl").write_bytes(
        orjson.dumps({"id": "a1", "text": TEXT, "title": given.strip()}) + b"\n"
    )
    corpus = load_corpus([folder], cache=False)
    records = [Annotation(a.id, a.text_sha, status=Status.DONE) for a in corpus]
    out = tmp_path / "out.jsonl"
    run(corpus, scheme, records, out)
    titles = {line["id"]: line["meta"]["title"] for line in lines(out)}
    assert titles == {"a1": given.strip(), "b1": headline}


def test_read_jsonl_refuses_a_span_that_does_not_match(tmp_path):
    path = tmp_path / "bad.jsonl"
    record = {
        "id": "x", "text": "abc", "spans": [{"start": 0, "end": 2, "label": "PER", "text": "ax"}],
        "note": "", "status": "done", "annotator": "a",
        "meta": {"text_sha": "s", "updated": 0.0, "seconds": 0.0},
    }  # fmt: skip
    path.write_bytes(orjson.dumps(record) + b"\n")
    with pytest.raises(JsonlReadError, match=r"bad.jsonl:1: not a cooltui jsonl record"):
        list(read_jsonl(path))


# --- which records -----------------------------------------------------------------------------


def test_only_done_by_default_and_all_on_request(tmp_path, corpus, scheme):
    records = [
        full(corpus),
        annotate(corpus, "a2", ("ORG", "Polsek Dumai Timur"), status=Status.IN_PROGRESS),
    ]
    out = tmp_path / "out.jsonl"
    report = run(corpus, scheme, records, out)
    assert [line["id"] for line in lines(out)] == ["a1"] and report.not_done == 1
    assert "1 annotated article not marked done (--only all exports them)" in report.render()
    report = run(corpus, scheme, records, out, only="all")
    assert [line["id"] for line in lines(out)] == ["a1", "a2"] and report.not_done == 0


def test_only_all_skips_records_with_nothing_annotated(tmp_path, corpus, scheme):
    untouched = Annotation("a2", corpus.get("a2").text_sha).reject(Span(0, 5, "LOC", "DUMAI"))
    out = tmp_path / "out.jsonl"
    report = run(corpus, scheme, [full(corpus), untouched], out, only="all")
    assert [line["id"] for line in lines(out)] == ["a1"] and report.unannotated == 1


# --- order -------------------------------------------------------------------------------------

ORDER_IDS = ["n3", "n1", "n4", "n0", "n2"]
"""The corpus order, which is neither the ids' order nor the order the records come in."""


def written_order(path: Path, fmt: str) -> list[tuple[str, str]]:
    """(article id, annotator) of each record of an exported file, in the file's order."""
    if fmt == "jsonl":
        return [(line["id"], line["annotator"]) for line in lines(path)]
    if fmt == "doccano":  # no annotator there: the article ids, each record once
        return [(line["id"], "") for line in lines(path)]
    if fmt == "conll":  # no ids there: each article's text holds its number
        docs = path.read_text(encoding="utf-8").split("-DOCSTART-")[1:]
        words = [[row.split()[0] for row in doc.splitlines()[1:] if row] for doc in docs]
        return [("n" + found[3], "") for found in words]  # "Kapolsek hadir . 3 orang ."
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    docs = DocBin().from_disk(path).get_docs(spacy.vocab.Vocab())
    return [(doc.user_data["id"], doc.user_data["annotator"]) for doc in docs]


@pytest.mark.parametrize("fmt", ["jsonl", "doccano", "conll", "spacy", "stdout"])
def test_records_come_in_corpus_order(tmp_path, scheme, fmt):
    corpus = make_corpus(tmp_path, {i: f"Kapolsek hadir .\n{i[1:]} orang ." for i in ORDER_IDS})
    came = ["n2", "n0", "n4", "n1", "n3"]
    records = [
        (who, annotate(corpus, i, ("ROLE", "Kapolsek"))) for who in ("bob", "alice") for i in came
    ]
    out = tmp_path / f"out.{FORMATS['jsonl' if fmt == 'stdout' else fmt].extension}"
    if fmt == "stdout":
        stream = io.BytesIO()
        export(records, corpus, scheme, stream)
        out.write_bytes(stream.getvalue())
    else:
        export(records, corpus, scheme, out, ExportOptions(fmt))
    got = written_order(out, "jsonl" if fmt == "stdout" else fmt)
    both = [(i, who) for i in ORDER_IDS for who in ("alice", "bob")]
    if fmt in ("doccano", "conll"):
        both = [(i, "") for i, _ in both]
    assert got == both


def test_split_parts_come_in_corpus_order(tmp_path, scheme):
    ids = [f"n{i:02d}" for i in (7, 3, 11, 0, 5, 9, 1, 10, 2, 8, 4, 6)]
    corpus = make_corpus(tmp_path, {i: f"Kapolsek hadir {i}." for i in ids})
    records = [annotate(corpus, i, ("ROLE", "Kapolsek")) for i in sorted(ids)]
    split = Split.parse("50/25/25", seed=2)
    run(corpus, scheme, records, tmp_path / "data.jsonl", split=split)
    for part, path in part_paths(tmp_path / "data.jsonl", "jsonl").items():
        written = [line["id"] for line in lines(path)]
        assert written == [i for i in ids if split.part(i) == part]


def test_done_articles_with_nothing_labelled_are_exported_and_listed_apart(tmp_path, scheme):
    texts = {f"e{i}": f"Berita nomor {i} tanpa nama." for i in range(12)} | {"a1": TEXT}
    corpus = make_corpus(tmp_path, texts)
    empty = [
        Annotation(i, corpus.get(i).text_sha, status=Status.DONE).with_note("tidak ada")
        for i in reversed(list(texts)[:12])
    ]
    only_labels = annotate(corpus, "e3", activity=("SAMBANG",))
    not_done = Annotation("e5", corpus.get("e5").text_sha, status=Status.IN_PROGRESS)
    out = tmp_path / "out.jsonl"
    records = [full(corpus), only_labels, not_done]
    records += [e for e in empty if e.article_id not in ("e3", "e5")]
    report = run(corpus, scheme, records, out, only="all")
    assert len(lines(out)) == 13  # every one exported: an article can truly have none
    text = report.render().splitlines()
    at = text.index("  10 done articles with no span and no document label, exported all the same:")
    # In corpus order, by id; a line's worth of them.
    assert text[at + 1] == "    e0, e1, e2, e4, e6, e7, e8, e9 ... and 2 more"


# --- checks: each problem drops its article and is reported --------------------------------------


def dropped(corpus, scheme, tmp_path, bad, fmt="jsonl", **options):
    """Export a good article and `bad`: the good one is written, `bad` dropped; the report."""
    out = tmp_path / f"out.{FORMATS[fmt].extension}"
    report = run(corpus, scheme, [full(corpus), bad], out, format=fmt, **options)
    assert report.exported == 1 and report.dropped == 1 and report.written
    if fmt in ("jsonl", "doccano"):
        assert [line["id"] for line in lines(out)] == ["a1"]
    return report


def test_stale_record_is_dropped_with_the_hint_to_reanchor(tmp_path, corpus, scheme):
    stale = Annotation("a2", "0" * 64, (Span(0, 5, "LOC", "DUMAI"),), status=Status.DONE)
    report = dropped(corpus, scheme, tmp_path, stale)
    assert report.problems == Counter({Kind.STALE: 1})
    text = report.render()
    assert "dropped 1 article with problems, not in the export:" in text
    assert "open the article in cooltui to re-anchor its spans (1)" in text
    assert "    a2: " in text


def test_record_of_an_article_not_in_the_corpus(tmp_path, corpus, scheme):
    ghost = Annotation("zz", "0" * 64, status=Status.DONE)
    report = dropped(corpus, scheme, tmp_path, ghost)
    assert report.problems == Counter({Kind.MISSING: 1})
    assert "not in the corpus: check --corpus (1)\n    zz" in report.render()


def test_span_whose_text_no_longer_matches(tmp_path, corpus, scheme):
    bad = annotate(corpus, "a2", ("ORG", "Polsek Dumai Timur"))
    bad = bad.with_spans([Span(8, 26, "ORG", "Polsek Dumai Barat")])
    report = dropped(corpus, scheme, tmp_path, bad)
    assert report.problems == Counter({Kind.TEXT: 1})
    assert (
        "a2: 8-26 ORG 'Polsek Dumai Barat': the text there is 'Polsek Dumai Timur'"
        in report.render()
    )


def test_span_out_of_bounds(tmp_path, corpus, scheme):
    length = len(OTHER)
    bad = annotate(corpus, "a2").with_spans([Span(length - 1, length + 3, "LOC", ".xyz")])
    report = dropped(corpus, scheme, tmp_path, bad)
    assert report.problems == Counter({Kind.BOUNDS: 1})
    assert f"ends after the text ({length})" in report.render()


def test_label_not_in_the_scheme(tmp_path, corpus, scheme):
    bad = annotate(corpus, "a2", ("GPE", "Kota Dumai"))
    report = dropped(corpus, scheme, tmp_path, bad)
    assert report.problems == Counter({Kind.LABEL: 1})
    assert "span label not in the scheme" in report.render() and "GPE 'Kota Dumai'" in (
        report.render()
    )


def test_spans_waiting_for_review_drop_their_article(tmp_path, corpus, scheme):
    bad = annotate(corpus, "a2", ("ORG", "Polsek Dumai Timur"))
    bad = Annotation(
        bad.article_id, bad.text_sha, bad.spans, status=Status.DONE,
        review=(Span(3, 9, "PER", "Hilang"),),
    )  # fmt: skip
    report = dropped(corpus, scheme, tmp_path, bad)
    assert report.problems == Counter({Kind.REVIEW: 1})
    assert "spans wait for review" in report.render() and "a2: 1 span" in report.render()


def test_document_labels_not_in_the_scheme(tmp_path, corpus, scheme):
    bad = annotate(corpus, "a2", themes=("KAMTIBMAS", "GONE"), mood=("HAPPY",))
    report = dropped(corpus, scheme, tmp_path, bad)
    assert report.problems == Counter({Kind.DOC_LABEL: 2})
    assert "themes: GONE" in report.render() and "group 'mood'" in report.render()


def test_single_choice_group_with_two_values(tmp_path, corpus, scheme):
    bad = annotate(corpus, "a2", activity=("SAMBANG", "PATROLI"))
    report = dropped(corpus, scheme, tmp_path, bad)
    assert "activity takes one value, not SAMBANG, PATROLI" in report.render()


def test_overlapping_spans_drop_the_article_for_conll_only(tmp_path, corpus, scheme):
    bad = annotate(corpus, "a2", ("ORG", "Polsek Dumai Timur"), ("LOC", "Dumai Timur"))
    report = dropped(corpus, scheme, tmp_path, bad, fmt="conll")
    assert report.problems == Counter({Kind.OVERLAP: 1})
    assert (
        "overlapping spans, which conll cannot hold: fix them in cooltui or export to jsonl "
        "or spacy (1)\n    a2: 8-26 ORG 'Polsek Dumai Timur' and 15-26 LOC 'Dumai Timur'"
    ) in report.render()
    out = tmp_path / "o.jsonl"
    assert run(corpus, scheme, [bad], out).exported == 1  # jsonl holds overlapping spans


def test_span_off_token_boundaries_is_reported_never_shifted(tmp_path, corpus, scheme):
    bad = annotate(corpus, "a2", ("ORG", "olsek Dumai Tim"))
    report = dropped(corpus, scheme, tmp_path, bad, fmt="conll")
    assert report.problems == Counter({Kind.BOUNDARY: 1})
    assert (
        "a2: 9-24 ORG 'olsek Dumai Tim' starts inside the token 'Polsek' and ends inside the "
        "token 'Timur'"
    ) in report.render()
    assert "Polsek" not in (tmp_path / "out.conll").read_text(encoding="utf-8")
    on_space = annotate(corpus, "a2").with_spans([Span(7, 14, "ORG", " Polsek")])
    report = dropped(corpus, scheme, tmp_path, on_space, fmt="conll")
    assert "7-14 ORG ' Polsek' starts on whitespace" in report.render()


def test_a_word_glued_to_an_emoji_is_labelled_and_kept_in_conll(tmp_path, scheme):
    corpus = make_corpus(tmp_path, {"b1": "Polsek Bangko🚓 siaga di Kota Dumai😀."})
    record = annotate(corpus, "b1", ("ORG", "Polsek Bangko"), ("LOC", "Kota Dumai"))
    out = tmp_path / "out.conll"
    report = run(corpus, scheme, [record], out, format="conll")
    assert (report.exported, report.dropped) == (1, 0), report.render()
    rows = [line.split() for line in out.read_text(encoding="utf-8").splitlines()[2:] if line]
    assert [(row[0], row[-1]) for row in rows] == [
        ("Polsek", "B-ORG"), ("Bangko", "I-ORG"), ("🚓", "O"), ("siaga", "O"), ("di", "O"),
        ("Kota", "B-LOC"), ("Dumai", "I-LOC"), ("😀", "O"), (".", "O"),
    ]  # fmt: skip


def test_every_problem_of_an_article_is_reported_at_once(tmp_path, corpus, scheme):
    bad = annotate(corpus, "a2", ("ORG", "Polsek Dumai"), ("GPE", "Kota Dumai"))
    bad = bad.with_spans([*bad.spans, Span(0, 3, "LOC", "XXX")])
    report = dropped(corpus, scheme, tmp_path, bad)
    assert report.problems == Counter({Kind.TEXT: 1, Kind.LABEL: 1})


def test_report_stays_on_one_screen(tmp_path, scheme):
    texts = {f"n{i:03d}": f"Berita nomor {i}." for i in range(200)}
    corpus = make_corpus(tmp_path, texts)
    stale = [Annotation(i, "0" * 64, status=Status.DONE) for i in texts]
    ghosts = [Annotation(f"g{i}", "0" * 64, status=Status.DONE) for i in range(30)]
    report = run(corpus, scheme, stale + ghosts, tmp_path / "o.jsonl")
    text = report.render()
    assert report.dropped == 230 and not report.written
    assert len(text.splitlines()) <= 20
    assert text.splitlines()[-1] == "  ... and 217 more"
    assert "nothing written" in text.splitlines()[0]


def test_several_annotators_name_the_annotator_in_problems(tmp_path, corpus, scheme):
    stale = Annotation("a2", "0" * 64, status=Status.DONE)
    report = export([("alice", full(corpus)), ("bob", stale)], corpus, scheme, tmp_path / "o.jsonl")
    assert "    bob/a2: " in report.render()
    assert [line["annotator"] for line in lines(tmp_path / "o.jsonl")] == ["alice"]


# --- labels maps -------------------------------------------------------------------------------


def test_nergrit_map_renames_and_leaves_out(tmp_path, corpus, scheme):
    out = tmp_path / "out.jsonl"
    report = run(corpus, scheme, [full(corpus)], out, labels_map=load_labels_map("nergrit"))
    (line,) = lines(out)
    assert [(s["label"], s["text"]) for s in line["spans"]] == [
        ("PER", "Wan Mantazakka"),
        ("EVT", "Pemilu 2024"),
    ]
    assert report.left_out == Counter({"ROLE": 1, "RANK": 1, "TITLE": 1})
    assert "left out by the labels map: " in report.render()
    assert NERGRIT["MEDIA"] == "ORG" and NERGRIT["DATE"] == "DAT"


def test_labels_map_file_missing_a_label_fails_before_writing(tmp_path, corpus, scheme):
    path = tmp_path / "map.json"
    path.write_text(json.dumps({"PER": "PERSON", "ORG": "ORGANISATION"}), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    with pytest.raises(LabelsMapError, match=r"map.json: no mapping for labels RANK, ROLE, "):
        run(corpus, scheme, [full(corpus)], out, labels_map=load_labels_map(str(path)))
    assert list(tmp_path.iterdir()) == [tmp_path / "corpus.jsonl", path]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "not valid JSON"),
        ('["PER"]', "must be a JSON object"),
        ('{"PER": "B PER"}', "'PER' maps to 'B PER'; map it to a label name"),
        ('{"PER": null}', "'PER' maps to None"),
    ],
)
def test_bad_labels_map_files(tmp_path, content, message):
    path = tmp_path / "map.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(LabelsMapError, match=message):
        load_labels_map(str(path))
    with pytest.raises(LabelsMapError, match="no such labels map file; give a JSON file or"):
        load_labels_map(str(tmp_path / "none.json"))


def test_a_map_file_renames_labels(tmp_path, corpus, scheme):
    mapping = {label.name: "O" for label in scheme.labels} | {"PER": "PERSON"}
    path = tmp_path / "map.json"
    path.write_text(json.dumps(mapping), encoding="utf-8")
    out = tmp_path / "out.conll"
    run(corpus, scheme, [full(corpus)], out, format="conll", labels_map=load_labels_map(str(path)))
    tags = [line.split()[-1] for line in out.read_text(encoding="utf-8").splitlines() if line]
    assert [t for t in tags if t != "O"] == ["B-PERSON", "I-PERSON"]


# --- splits ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("80/10", "give three whole percentages for train/dev/test"),
        ("80/10/5", "the parts sum to 95, not 100"),
        ("0.8/0.1/0.1", "give three whole percentages"),
    ],
)
def test_bad_split(spec, message):
    with pytest.raises(UsageError, match=message):
        Split.parse(spec)


def test_split_is_stable_and_close_to_the_percentages():
    split = Split.parse("80/10/10", seed=3)
    ids = [f"article-{i}" for i in range(20_000)]
    parts = Counter(split.part(i) for i in ids)
    assert abs(parts["train"] / 20_000 - 0.8) < 0.02 and abs(parts["dev"] / 20_000 - 0.1) < 0.01
    # The part of an id depends on it and the seed only: the same tomorrow, in a bigger corpus.
    assert [Split.parse("80/10/10", seed=3).part(i) for i in ids[:100]] == [
        split.part(i) for i in ids[:100]
    ]
    other = Split.parse("80/10/10", seed=4)
    assert [other.part(i) for i in ids[:100]] != [split.part(i) for i in ids[:100]]
    assert {Split.parse("100/0/0").part(i) for i in ids[:100]} == {"train"}


def test_split_writes_three_files_each_article_in_one(tmp_path, scheme):
    texts = {f"n{i:02d}": f"Kapolsek hadir {i}." for i in range(40)}
    corpus = make_corpus(tmp_path, texts)
    records = [annotate(corpus, i, ("ROLE", "Kapolsek")) for i in texts]
    split = Split.parse("60/20/20", seed=1)
    report = run(corpus, scheme, records, tmp_path / "data.doccano.jsonl", format="doccano",
                 split=split)  # fmt: skip
    paths = part_paths(tmp_path / "data.doccano.jsonl", "doccano.jsonl")
    assert [p.name for p in paths.values()] == [
        "data.train.doccano.jsonl", "data.dev.doccano.jsonl", "data.test.doccano.jsonl",
    ]  # fmt: skip
    seen = {part: [line["id"] for line in lines(path)] for part, path in paths.items()}
    assert sorted(i for ids in seen.values() for i in ids) == sorted(texts)
    for part, ids in seen.items():
        assert all(split.part(i) == part for i in ids) and report.parts[part] == len(ids)
    assert "train " in report.render() and "dev " in report.render()


# --- atomic output -----------------------------------------------------------------------------


def test_a_failed_export_leaves_the_old_file_and_no_temp(tmp_path, corpus, scheme, monkeypatch):
    out = tmp_path / "out.jsonl"
    out.write_text("old\n", encoding="utf-8")

    def records():
        yield "alice", full(corpus)
        raise RuntimeError("store went away")

    with pytest.raises(RuntimeError):
        export(records(), corpus, scheme, out)
    assert out.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus.jsonl", "out.jsonl"]


def test_a_full_disk_is_one_message_and_keeps_the_old_file(tmp_path, corpus, scheme, monkeypatch):
    out = tmp_path / "out.jsonl"
    out.write_text("old\n", encoding="utf-8")
    real_fsync = os.fsync

    def full_disk(fd: int) -> None:
        if os.fstat(fd).st_size:  # the export's data, not the folder
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(output_module.os, "fsync", full_disk)
    with pytest.raises(ExportError, match=r"out.jsonl failed \(No space left on device\); nothing"):
        run(corpus, scheme, [full(corpus)], out)
    assert out.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus.jsonl", "out.jsonl"]


def test_unwritable_folder(tmp_path, corpus, scheme, monkeypatch):
    def denied(**kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(output_module.tempfile, "mkstemp", denied)
    with pytest.raises(ExportError, match=r"cannot write there \(permission denied\); choose"):
        run(corpus, scheme, [full(corpus)], tmp_path / "out.jsonl")


def test_read_only_folder_keeps_the_old_file(tmp_path, corpus, scheme, monkeypatch):
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "out.jsonl").write_text("old\n", encoding="utf-8")

    def read_only(*args, **kwargs):  # chmod does not stop root, who runs CI: refuse as EROFS
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(output_module.tempfile, "mkstemp", read_only)
    with pytest.raises(ExportError, match=r"cannot write there \(Read-only file system\)"):
        run(corpus, scheme, [full(corpus)], folder / "out.jsonl")
    assert [p.name for p in folder.iterdir()] == ["out.jsonl"]
    assert (folder / "out.jsonl").read_text(encoding="utf-8") == "old\n"


def test_missing_folder_and_folder_as_output(tmp_path, corpus, scheme):
    with pytest.raises(ExportError, match=r"no such folder; create it or choose another -o"):
        run(corpus, scheme, [full(corpus)], tmp_path / "nope" / "out.jsonl")
    with pytest.raises(ExportError, match=r"is a folder; give -o a file name"):
        run(corpus, scheme, [full(corpus)], tmp_path)


def test_nothing_to_export_writes_nothing(tmp_path, corpus, scheme):
    out = tmp_path / "out.jsonl"
    out.write_text("old\n", encoding="utf-8")
    report = run(corpus, scheme, [full(corpus).with_status(Status.IN_PROGRESS)], out)
    assert report.exported == 0 and not report.written
    assert out.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus.jsonl", "out.jsonl"]


def test_the_file_gets_ordinary_permissions(tmp_path, corpus, scheme):
    out = tmp_path / "out.jsonl"
    run(corpus, scheme, [full(corpus)], out)
    mask = os.umask(0)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask


# --- streams and refusals ----------------------------------------------------------------------


def test_a_stream_gets_the_records_as_they_pass(corpus, scheme):
    stream = io.BytesIO()
    report = run(corpus, scheme, [full(corpus)], stream, format="doccano")
    assert report.outputs == ["-"] and json.loads(stream.getvalue())["id"] == "a1"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"format": "spacy"}, "spacy is a binary format; write it to a file with -o FILE"),
        ({"split": Split(80, 10, 10)}, "--split writes three files; give -o a file name"),
        ({"format": "xml"}, "unknown format 'xml'; choose one of jsonl, doccano, conll, spacy"),
        ({"only": "some"}, "--only 'some': choose done or all"),
    ],
)
def test_refused_before_anything_is_written(corpus, scheme, options, message):
    stream = io.BytesIO()
    with pytest.raises(ExportError, match=message):
        run(corpus, scheme, [full(corpus)], stream, **options)
    assert stream.getvalue() == b""


def test_memory_does_not_keep_article_texts(tmp_path, corpus, scheme):
    run(corpus, scheme, [full(corpus)], tmp_path / "o.jsonl")
    assert all(article._text is None for article in corpus)


def test_temp_files_go_in_the_target_folder(tmp_path, corpus, scheme, monkeypatch):
    seen = []
    real = tempfile.mkstemp

    def spy(**kwargs):
        seen.append(kwargs["dir"])
        return real(**kwargs)

    monkeypatch.setattr(output_module.tempfile, "mkstemp", spy)
    run(corpus, scheme, [full(corpus)], tmp_path / "o.jsonl")
    assert seen == [tmp_path]
