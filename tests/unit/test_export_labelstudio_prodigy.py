"""The labelstudio and prodigy writers against those tools' documented shapes.

Label Studio: tasks as its import guide shows them ({"data", "annotations": [{"result": [...]}]},
"labels" / "choices" / "textarea" results), offsets in the browser's UTF-16 units on request, and
a labelling config whose tag names and values take every result. Prodigy: the JSONL `db-in`
reads, with tokens a spaCy Doc can be made of and spans pointing at them.
"""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cooltui.corpus import Corpus, load_corpus
from cooltui.export.docbin import words_and_spaces
from cooltui.export.labels import LabelsMap
from cooltui.export.labelstudio import (
    LabelStudioWriter,
    labeling_config,
    task_id,
)
from cooltui.export.output import ExportError
from cooltui.export.prodigy import ProdigyWriter, input_hash, prodigy_tokens
from cooltui.export.record import DocLabels, Record
from cooltui.model import Annotation, Span, Status
from cooltui.scheme import GroupValue, LabelGroup, Scheme, SpanLabel, load_scheme
from cooltui.text import TokenIndex

ARTICLES = {
    "a1": "Kapolsek Minas, Kompol Wan Mantazakka SH MH, hadir di Pemilu 2024.\nAman dan damai.",
    "a2": "DUMAI - Polsek Dumai Timur mengadakan Cooling System di Kota Dumai.",
    "a3": "Warga 😀 hadir di Kota Dumai.",
    "a4": "Di Kota\nDumai  dan\n\n  Minas.",
}
SPANS = {
    "a1": [(0, 14, "ROLE"), (16, 22, "RANK"), (23, 37, "PER"), (54, 65, "EVENT")],
    "a2": [(8, 26, "ORG"), (56, 66, "LOC")],
    "a3": [(0, 5, "PER"), (17, 27, "LOC")],
    "a4": [(3, 13, "LOC"), (22, 27, "LOC")],
}
GROUPS = {
    "a1": {"themes": ("PERSATUAN", "KAMTIBMAS"), "activity": ("SAMBANG",)},
    "a3": {"activity": ("SILATURAHMI",)},
}
RESULT_ID = re.compile(r"[A-Za-z0-9_-]{10}\Z")


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


def record(
    corpus: Corpus,
    scheme: Scheme,
    article_id: str,
    annotator: str = "alice",
    *,
    note: str = "",
    status: Status = Status.DONE,
    spans: list[tuple[int, int, str]] | None = None,
) -> Record:
    """A record as the export's checks hand it to a writer."""
    article = corpus.get(article_id)
    text = article.text
    found = tuple(
        Span(s, e, label, text[s:e])
        for s, e, label in (SPANS[article_id] if spans is None else spans)
    )
    chosen = GROUPS.get(article_id, {})
    annotation = Annotation(
        article_id,
        article.text_sha,
        found,
        doc_labels=chosen,
        note=note,
        status=status,
        updated=1_700_000_000.5,
        seconds=42.5,
    )
    doc_labels: DocLabels = {
        group.name: list(chosen.get(group.name, ()))
        if group.multi
        else next(iter(chosen.get(group.name, ())), None)
        for group in scheme.groups
    }
    position = list(ARTICLES).index(article_id)
    return Record(
        annotator, article, text, annotation, found, doc_labels, TokenIndex(text), position
    )


def labelstudio(scheme: Scheme, records: list[Record], **options: bool) -> list[dict]:
    out = io.BytesIO()
    writer = LabelStudioWriter(out, scheme, **options)
    for one in records:
        writer.write(one)
    writer.close()
    return json.loads(out.getvalue())


def utf16_slice(text: str, start: int, end: int) -> str:
    """What a browser shows between two offsets: JavaScript strings count UTF-16 units."""
    return text.encode("utf-16-le")[2 * start : 2 * end].decode("utf-16-le")


# --- Label Studio: tasks -----------------------------------------------------------------------


def test_a_task_has_the_shape_of_label_studios_import_guide(corpus, scheme):
    [task] = labelstudio(scheme, [record(corpus, scheme, "a1", note="cek ulang")])
    assert list(task) == ["id", "data", "annotations", "meta"]
    text = ARTICLES["a1"]
    assert task["id"] == task_id("a1")
    assert task["data"]["text"] == text
    assert task["data"]["id"] == "a1"
    assert {"title", "outlet", "date", "source"} <= set(task["data"])
    assert task["meta"] == {"annotators": ["alice"]}
    [annotation] = task["annotations"]
    assert annotation["ground_truth"] is False  # Label Studio takes a missing one as true
    assert annotation["was_cancelled"] is False
    assert annotation["lead_time"] == 42.5
    assert "completed_by" not in annotation  # a name there stops Label Studio's whole import
    results = annotation["result"]
    spans = [r for r in results if r["type"] == "labels"]
    assert [(r["value"]["start"], r["value"]["end"], r["value"]["labels"]) for r in spans] == [
        (s, e, [label]) for s, e, label in SPANS["a1"]
    ]
    for result in spans:
        value = result["value"]
        assert (result["from_name"], result["to_name"], result["origin"]) == (
            "label",
            "text",
            "manual",
        )
        assert value["text"] == text[value["start"] : value["end"]]
    choices = {r["from_name"]: r["value"]["choices"] for r in results if r["type"] == "choices"}
    assert choices == {"themes": ["PERSATUAN", "KAMTIBMAS"], "activity": ["SAMBANG"]}
    [note] = [r for r in results if r["type"] == "textarea"]
    assert (note["from_name"], note["to_name"], note["value"]) == (
        "note",
        "text",
        {"text": ["cek ulang"]},
    )
    assert all(RESULT_ID.match(r["id"]) for r in results)
    assert len({r["id"] for r in results}) == len(results)


def test_an_article_is_one_task_with_each_annotators_annotation_in_corpus_order(corpus, scheme):
    records = [
        record(corpus, scheme, "a2", "bob"),
        record(corpus, scheme, "a1", "carol"),
        record(corpus, scheme, "a3", "alice"),
        record(corpus, scheme, "a1", "alice", status=Status.SKIPPED),
    ]
    tasks = labelstudio(scheme, records)
    assert [task["data"]["id"] for task in tasks] == ["a1", "a2", "a3"]
    first = tasks[0]
    assert first["meta"] == {"annotators": ["alice", "carol"]}
    assert [a["was_cancelled"] for a in first["annotations"]] == [True, False]
    ids = [r["id"] for annotation in first["annotations"] for r in annotation["result"]]
    assert len(set(ids)) == len(ids)  # the editor links regions by id


def test_groups_without_a_value_and_an_empty_note_give_no_result(corpus, scheme):
    [task] = labelstudio(scheme, [record(corpus, scheme, "a2")])
    assert {r["type"] for r in task["annotations"][0]["result"]} == {"labels"}


def test_no_record_is_an_empty_json_array(scheme):
    assert labelstudio(scheme, []) == []


def test_the_same_records_give_the_same_bytes(corpus, scheme):
    def run() -> bytes:
        out = io.BytesIO()
        writer = LabelStudioWriter(out, scheme)
        for article_id in ("a3", "a1"):
            writer.write(record(corpus, scheme, article_id))
        writer.close()
        return out.getvalue()

    assert run() == run()
    assert task_id("a1") == 0xD2763B371316  # the same in every run and release
    assert task_id("a1") < 2**53  # a JavaScript number holds it exactly


def test_as_predictions_the_results_are_pre_annotations(corpus, scheme):
    [task] = labelstudio(scheme, [record(corpus, scheme, "a1")], as_predictions=True)
    assert "annotations" not in task
    [prediction] = task["predictions"]
    assert list(prediction) == ["result", "model_version"]
    assert prediction["model_version"] == "cooltui"
    assert {r["origin"] for r in prediction["result"]} == {"prediction"}
    assert len(prediction["result"]) == len(SPANS["a1"]) + 2


def test_utf16_offsets_put_a_span_after_an_emoji_where_the_browser_shows_it(corpus, scheme):
    text = ARTICLES["a3"]
    [plain] = labelstudio(scheme, [record(corpus, scheme, "a3")])
    [browser] = labelstudio(scheme, [record(corpus, scheme, "a3")], utf16=True)

    def offsets(task: dict) -> list[tuple[int, int, str]]:
        return [
            (r["value"]["start"], r["value"]["end"], r["value"]["text"])
            for r in task["annotations"][0]["result"]
            if r["type"] == "labels"
        ]

    assert offsets(plain) == [(0, 5, "Warga"), (17, 27, "Kota Dumai")]
    assert offsets(browser) == [(0, 5, "Warga"), (18, 28, "Kota Dumai")]
    for start, end, span_text in offsets(browser):
        assert utf16_slice(text, start, end) == span_text


# --- Label Studio: the labelling config --------------------------------------------------------


def test_the_config_takes_every_result_the_tasks_hold(corpus, scheme):
    view = ET.fromstring(labeling_config(scheme))
    assert view.tag == "View"
    [labels] = view.findall("Labels")
    assert (labels.get("name"), labels.get("toName")) == ("label", "text")
    assert [label.get("value") for label in labels] == [label.name for label in scheme.labels]
    assert all(re.match(r"#[0-9a-f]{6}\Z", label.get("background")) for label in labels)
    [text] = view.findall("Text")
    assert (text.get("name"), text.get("value")) == ("text", "$text")
    choices = {tag.get("name"): tag for tag in view.findall("Choices")}
    assert list(choices) == [group.name for group in scheme.groups]
    for group in scheme.groups:
        tag = choices[group.name]
        assert tag.get("choice") == ("multiple" if group.multi else "single")
        assert [c.get("value") for c in tag] == [value.name for value in group.values]
    [note] = view.findall("TextArea")
    assert (note.get("name"), note.get("toName")) == ("note", "text")

    allowed = {
        ("label", "labels"): {label.get("value") for label in labels},
        **{(name, "choices"): {c.get("value") for c in tag} for name, tag in choices.items()},
        ("note", "textarea"): None,
    }
    records = [record(corpus, scheme, article_id, note="x") for article_id in ARTICLES]
    for task in labelstudio(scheme, records):
        for result in task["annotations"][0]["result"]:
            values = allowed[result["from_name"], result["type"]]
            chosen = result["value"].get("labels", result["value"].get("choices", []))
            assert values is None or set(chosen) <= values


def test_the_config_escapes_names_xml_would_read_otherwise():
    odd = 'A&B "x" <y>'
    scheme = Scheme(
        name="odd",
        labels=(SpanLabel(odd, "a", "bright_blue"), SpanLabel("PER", "p", "#E5C07B")),
        groups=(LabelGroup("topic", False, (GroupValue("it's <b>"), GroupValue("plain"))),),
    )
    view = ET.fromstring(labeling_config(scheme))
    labels = view.find("Labels")
    assert [(label.get("value"), label.get("background")) for label in labels] == [
        (odd, "#0000ff"),
        ("PER", "#e5c07b"),
    ]
    assert [c.get("value") for c in view.find("Choices")] == ["it's <b>", "plain"]


def test_the_config_names_the_labels_a_labels_map_exports(scheme):
    mapping = {label.name: label.name for label in scheme.labels} | {"MEDIA": "ORG", "RANK": "O"}
    view = ET.fromstring(labeling_config(scheme, LabelsMap("test", mapping)))
    values = [label.get("value") for label in view.find("Labels")]
    assert "MEDIA" not in values
    assert "RANK" not in values
    assert values.count("ORG") == 1


def test_a_group_named_like_the_labels_tag_is_refused_before_anything_is_written():
    scheme = Scheme(
        name="clash",
        labels=(SpanLabel("PER", "p", "red"),),
        groups=(LabelGroup("label", True, (GroupValue("X"),)),),
        path=Path("clash.toml"),
    )
    with pytest.raises(ExportError, match=r"clash\.toml: group 'label' .* rename the group"):
        labeling_config(scheme)
    out = io.BytesIO()
    with pytest.raises(ExportError):
        LabelStudioWriter(out, scheme)
    assert out.getvalue() == b""


# --- Prodigy -----------------------------------------------------------------------------------


def prodigy(scheme: Scheme, records: list[Record]) -> list[dict]:
    out = io.BytesIO()
    writer = ProdigyWriter(out, scheme)
    for one in records:
        writer.write(one)
    writer.close()
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_a_prodigy_task_has_the_shape_db_in_and_the_training_recipes_read(corpus, scheme):
    [task] = prodigy(scheme, [record(corpus, scheme, "a1", note="cek")])
    text = ARTICLES["a1"]
    assert task["text"] == text
    assert task["meta"]["id"] == "a1"
    assert task["meta"]["note"] == "cek"
    assert "outlet" not in task["meta"]  # the article has none: no "outlet: null" on the card
    assert task["answer"] == "accept"
    assert (task["_annotator_id"], task["_session_id"]) == ("alice", "alice")
    assert task["_timestamp"] == 1_700_000_000
    tokens = task["tokens"]
    assert [token["id"] for token in tokens] == list(range(len(tokens)))
    assert all(text[t["start"] : t["end"]] == t["text"] for t in tokens)
    for span, (start, end, label) in zip(task["spans"], SPANS["a1"], strict=True):
        assert (span["start"], span["end"], span["label"]) == (start, end, label)
        assert span["text"] == text[start:end]
        assert tokens[span["token_start"]]["start"] == start
        assert tokens[span["token_end"]]["end"] == end  # inclusive, as Prodigy counts
        assert span["source"] == "manual"
    values = [(g.name, v.name) for g in scheme.groups for v in g.values]
    assert [option["id"] for option in task["options"]] == [f"{g}:{v}" for g, v in values]
    assert task["accept"] == ["themes:PERSATUAN", "themes:KAMTIBMAS", "activity:SAMBANG"]
    for key in ("_input_hash", "_task_hash"):
        assert -(2**31) <= task[key] < 2**31


def test_prodigy_tokens_make_a_spacy_doc_with_the_articles_text(corpus, scheme):
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    [task] = prodigy(scheme, [record(corpus, scheme, "a4")])
    text, tokens = ARTICLES["a4"], task["tokens"]
    assert [t["text"] for t in tokens if not t["text"].strip()] == ["\n", " ", "\n\n  "]
    doc = Doc(Vocab(), words=[t["text"] for t in tokens], spaces=[t["ws"] for t in tokens])
    assert doc.text == text
    for span in task["spans"]:
        found = doc.char_span(span["start"], span["end"])
        assert (found.start, found.end - 1) == (span["token_start"], span["token_end"])
    assert task["spans"][0]["text"] == "Kota\nDumai"  # across the "\n" token, as spaCy has it


def test_prodigy_tokens_keep_leading_and_trailing_whitespace():
    text = "  Aman.\n"
    tokens = prodigy_tokens(text, TokenIndex(text).tokens)
    assert [t["text"] for t in tokens] == ["  ", "Aman", ".", "\n"]


@given(st.text(alphabet=st.sampled_from("ab. \n\t😀")))
def test_prodigy_tokens_are_the_spacy_exports_words_and_spaces(text):
    tokens = prodigy_tokens(text, TokenIndex(text).tokens)
    words, spaces = words_and_spaces(text, TokenIndex(text).tokens)
    assert [(t["text"], t["ws"]) for t in tokens] == list(zip(words, spaces, strict=True))
    assert all(text[t["start"] : t["end"]] == t["text"] for t in tokens)
    assert "".join(t["text"] + " " * t["ws"] for t in tokens) == text


def test_prodigy_hashes_group_records_as_prodigy_does(corpus, scheme):
    alice, bob, other_spans, other_text = prodigy(
        scheme,
        [
            record(corpus, scheme, "a2", "alice"),
            record(corpus, scheme, "a2", "bob"),
            record(corpus, scheme, "a2", "carol", spans=[(8, 14, "ORG")]),
            record(corpus, scheme, "a1", "alice"),
        ],
    )
    assert alice["_input_hash"] == bob["_input_hash"] == other_spans["_input_hash"]
    assert alice["_task_hash"] == bob["_task_hash"]  # the same answer to the same question
    assert other_spans["_task_hash"] != alice["_task_hash"]
    assert other_text["_input_hash"] != alice["_input_hash"]
    assert input_hash("Kota Dumai.") == 368839742  # the same in every run and release


def test_a_spans_source_does_not_change_the_task_hash(corpus, scheme):
    manual = record(corpus, scheme, "a2")
    suggested = Span(8, 26, "ORG", ARTICLES["a2"][8:26], source="rule:org")
    other = replace(manual, spans=(suggested, manual.spans[1]))
    first, second = prodigy(scheme, [manual, other])
    assert second["spans"][0]["source"] == "rule:org"
    assert first["_task_hash"] == second["_task_hash"]


def test_a_skipped_article_is_ignored_and_a_flagged_one_flagged(corpus, scheme):
    skipped, flagged, done = prodigy(
        scheme,
        [
            record(corpus, scheme, "a1", status=Status.SKIPPED),
            record(corpus, scheme, "a2", status=Status.FLAGGED),
            record(corpus, scheme, "a3"),
        ],
    )
    assert (skipped["answer"], "flagged" in skipped) == ("ignore", False)
    assert (flagged["answer"], flagged["flagged"]) == ("accept", True)
    assert (done["answer"], "flagged" in done) == ("accept", False)


def test_a_scheme_without_groups_gives_no_choice_task(corpus):
    scheme = Scheme(name="spans only", labels=(SpanLabel("LOC", "l", "green"),), groups=())
    [task] = prodigy(scheme, [record(corpus, scheme, "a2", spans=[(56, 66, "LOC")])])
    assert "options" not in task
    assert "accept" not in task


def test_a_span_off_the_tokens_stops_the_writer_rather_than_shift(corpus, scheme):
    bad = record(corpus, scheme, "a2", spans=[(9, 14, "ORG")])  # "olsek": inside "Polsek"
    with pytest.raises(RuntimeError, match="a2: span 9-14 not on tokens"):
        prodigy(scheme, [bad])
