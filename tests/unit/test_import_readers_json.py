"""The doccano, Prodigy and Label Studio readers: each shape the tools write, hostile files, a big
file read in bounded memory, and claims() telling the formats apart."""

from __future__ import annotations

import tracemalloc
from pathlib import Path
from types import ModuleType

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cooltui.imports.readers import doccano, jsonlines, labelstudio, prodigy
from cooltui.imports.source import SourceError, SourceRecord, SourceSpan

DATA = Path(__file__).resolve().parent.parent / "data" / "import" / "json"
READERS: dict[str, ModuleType] = {
    "doccano": doccano,
    "prodigy": prodigy,
    "labelstudio": labelstudio,
}
HEAD_BYTES = 64 * 1024


def read(module: ModuleType, path: Path) -> list[SourceRecord]:
    return list(module.read(path))


def spans(record: SourceRecord) -> list[tuple[int, int, str]]:
    return [(s.start, s.end, s.label) for s in record.spans]


def failure(module: ModuleType, path: Path) -> str:
    """The message of the SourceError reading `path` raises: one line naming the file."""
    with pytest.raises(SourceError) as caught:
        read(module, path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(str(path))
    return message


def write(tmp_path: Path, name: str, content: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def claimed_by(path: Path, head: bytes | None = None) -> list[str]:
    head = path.read_bytes()[:HEAD_BYTES] if head is None else head
    return [name for name, module in READERS.items() if module.claims(path, head)]


# --- doccano -----------------------------------------------------------------------------------


def test_doccano_sequence_labelling_keeps_ids_comments_and_metadata() -> None:
    first, second, third = read(doccano, DATA / "doccano_sequence.jsonl")
    assert first.text == "EU rejects German call to boycott British lamb."
    assert spans(first) == [(0, 2, "ORG"), (11, 17, "MISC")]
    assert (first.id, first.note, first.done, first.annotator) == ("1", "check MISC", False, None)
    assert second.note == ""
    # The blank third line is skipped; the fourth keeps its number, and its other keys.
    assert third.where == f"{DATA / 'doccano_sequence.jsonl'}:4"
    assert third.meta == {"source": "wiki"}
    assert third.spans == ()


def test_doccano_older_labels_key() -> None:
    (record,) = read(doccano, DATA / "doccano_labels.jsonl")
    assert spans(record) == [(0, 8, "ROLE"), (9, 14, "LOC")]
    assert record.id is None


def test_doccano_relation_project_entities() -> None:
    (record,) = read(doccano, DATA / "doccano_relation.jsonl")
    assert spans(record) == [(0, 6, "ORG"), (22, 32, "PER")]
    assert record.note == "relation is fine"
    assert "relations" not in record.meta


def test_doccano_intent_project_entities_and_cats() -> None:
    (record,) = read(doccano, DATA / "doccano_intent.jsonl")
    assert spans(record) == [(14, 18, "TIME")]
    assert record.labels == ("alarm/set_alarm",)


@pytest.mark.parametrize("name", ["doccano_textcat.jsonl", "doccano_textcat.json"])
def test_doccano_text_classification_labels(name: str) -> None:
    records = read(doccano, DATA / name)
    assert records[0].labels[0] == "EKONOMI"
    assert all(record.spans == () for record in records)


def test_doccano_json_array_records_are_numbered() -> None:
    records = read(doccano, DATA / "doccano_textcat.json")
    assert [r.where for r in records] == [
        f"{DATA / 'doccano_textcat.json'}: record {n}" for n in (1, 2)
    ]


def test_doccano_reads_cooltui_doccano_export() -> None:
    first, second = read(doccano, DATA / "doccano_cooltui.jsonl")
    assert first.id == "a1"
    assert first.labels == ("themes:KAMTIBMAS", "themes:PERSATUAN", "activity:SAMBANG")
    assert first.text[23:37] == "Wan Mantazakka"
    assert (23, 37, "PER") in spans(first)
    assert second.labels == ("activity:SILATURAHMI",)


def test_doccano_lone_category_string(tmp_path: Path) -> None:
    # doccano's import takes "label": "A" for one category; so does the reader.
    path = write(tmp_path, "one.jsonl", '{"text": "a", "label": "POSITIF"}\n')
    assert [record.labels for record in read(doccano, path)] == [("POSITIF",)]


# --- Prodigy -----------------------------------------------------------------------------------


def test_prodigy_ner_manual_answers() -> None:
    accepted, rejected, ignored = read(prodigy, DATA / "prodigy_ner.jsonl")
    assert spans(accepted) == [(0, 6, "PER"), (15, 20, "LOC")]
    assert (accepted.id, accepted.title, accepted.annotator) == (
        "riau-1",
        "Kunjungan",
        "news_ner-alice",
    )
    assert accepted.done and accepted.left_out is None
    # A rejected task keeps what was turned down, marked to be left out.
    assert rejected.left_out == "Prodigy answer reject" and not rejected.done
    assert rejected.spans == (SourceSpan(0, 13, "ORG", "Polres Kampar"),)
    assert (rejected.id, rejected.annotator) == ("42", "news_ner-bob")
    assert ignored.left_out == "Prodigy answer ignore"


def test_prodigy_choice_and_binary_textcat_labels() -> None:
    choice, binary, numbered = read(prodigy, DATA / "prodigy_textcat.jsonl")
    assert choice.labels == ("themes:EKONOMI", "themes:PANGAN")
    assert choice.id == "7"
    assert binary.labels == ("economie",) and binary.done
    assert numbered.labels == ("2",)


def test_prodigy_note_from_meta_and_flag(tmp_path: Path) -> None:
    line = {"text": "abc", "meta": {"id": "a1", "note": "cek ulang"}, "flagged": True}
    (record,) = read(prodigy, write(tmp_path, "n.jsonl", orjson.dumps(line)))
    assert record.note == "cek ulang"
    assert record.meta == {"id": "a1", "note": "cek ulang", "flagged": True}


def test_prodigy_input_without_answer_is_neither_done_nor_left_out() -> None:
    (record,) = read(prodigy, DATA / "prodigy_input.jsonl")
    assert spans(record) == [(0, 6, "PER")]
    assert not record.done and record.left_out is None


# --- Label Studio ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tasks() -> list[SourceRecord]:
    return read(labelstudio, DATA / "labelstudio_tasks.json")


def test_labelstudio_annotation_regions_choices_and_note(tasks: list[SourceRecord]) -> None:
    task = tasks[0]
    assert task.where == f"{DATA / 'labelstudio_tasks.json'}: task 1 (id 17)"
    assert task.id == "riau-1"  # the document's own id, not Label Studio's
    assert task.spans == (
        SourceSpan(0, 6, "PER", "Jokowi"),
        SourceSpan(15, 20, "LOC", "Dumai"),
        SourceSpan(15, 20, "GPE", "Dumai"),
    )
    assert task.labels == ("themes:POLITIK", "themes:EKONOMI", "activity:SAMBANG")
    assert task.note == "cek gelar\ndan pangkat"
    assert (task.done, task.annotator, task.title) == (True, "1", "Kunjungan")
    assert task.meta == {"source": "riau", "ignored": ["rating", "relation"]}


def test_labelstudio_best_prediction_without_annotations(tasks: list[SourceRecord]) -> None:
    task = tasks[1]
    assert task.spans == (SourceSpan(0, 13, "ORG", "Polres Kampar"),)
    assert not task.done
    assert task.meta == {"prediction": True, "model_version": "v2", "score": 0.9}
    assert task.id == "18"


def test_labelstudio_cancelled_annotation_is_left_out(tasks: list[SourceRecord]) -> None:
    assert tasks[2].left_out == "Label Studio annotation cancelled"
    assert not tasks[2].done


def test_labelstudio_text_is_the_only_string_of_data(tasks: list[SourceRecord]) -> None:
    assert tasks[3].text == "Banjir di Pekanbaru."
    assert tasks[3].spans == () and not tasks[3].done and tasks[3].left_out is None


def test_labelstudio_last_annotation_wins(tasks: list[SourceRecord]) -> None:
    task = tasks[4]
    assert spans(task) == [(0, 5, "EVENT")]
    assert task.annotator == "rina@example.com"
    assert task.meta == {"other_annotations": 1}


def test_labelstudio_annotators_named_in_meta(tmp_path: Path) -> None:
    # cooltui's export names the annotators in meta, in the order of the annotations: Label
    # Studio refuses a completed_by that is not one of its users.
    task = {
        "id": 3,
        "data": {"text": "abc", "id": "a1"},
        "annotations": [{"result": []}, {"result": [], "was_cancelled": True}],
        "meta": {"annotators": ["alice", "bob"]},
    }
    (record,) = read(labelstudio, write(tmp_path, "t.json", orjson.dumps([task])))
    assert (record.id, record.annotator, record.done) == ("a1", "alice", True)


def test_labelstudio_json_lines_and_single_task() -> None:
    first, second = read(labelstudio, DATA / "labelstudio_tasks.jsonl")
    assert first.where == f"{DATA / 'labelstudio_tasks.jsonl'}:1 (id 1)"
    assert spans(first) == [(0, 6, "PER")]
    assert (second.id, second.where) == ("riau-9", f"{DATA / 'labelstudio_tasks.jsonl'}:2")
    (single,) = read(labelstudio, DATA / "labelstudio_single.json")
    assert (single.id, spans(single), single.done) == ("5", [(0, 6, "PER")], True)


def test_labelstudio_json_min() -> None:
    annotated, empty = read(labelstudio, DATA / "labelstudio_min.json")
    assert annotated.text == "Jokowi tiba di Dumai."
    assert spans(annotated) == [(0, 6, "PER"), (15, 20, "LOC"), (15, 20, "GPE")]
    assert annotated.labels == ("themes:POLITIK", "themes:EKONOMI")
    assert annotated.note == "cek gelar\ndan pangkat"
    assert (annotated.id, annotated.done, annotated.annotator) == ("17", True, "rina@example.com")
    # A single choice is a bare string there, like the task's data: kept aside, not a label.
    assert annotated.meta == {"fields": {"title": "Kunjungan", "activity": "SAMBANG"}}
    assert (empty.done, empty.spans, empty.annotator) == (False, (), None)


def test_labelstudio_numbers_are_never_decimal(tasks: list[SourceRecord]) -> None:
    assert type(tasks[1].meta["score"]) is float
    assert all(type(s.start) is int and type(s.end) is int for t in tasks for s in t.spans)


# --- Hostile files -----------------------------------------------------------------------------

DOCCANO_LINE = '{"text": "abc", "label": [[0, 1, "X"]]}\n'
PRODIGY_LINE = (
    '{"text": "abc", "spans": [{"start": 0, "end": 1, "label": "X"}], "answer": "accept"}\n'
)
LS_TASK = '{"id": 1, "data": {"text": "abc"}, "annotations": [{"result": [{"type": "labels", "value": {"start": 0, "end": 1, "labels": ["X"]}}]}]}'
GOOD = {
    "doccano": DOCCANO_LINE * 2,
    "prodigy": PRODIGY_LINE * 2,
    "labelstudio": f"[{LS_TASK}, {LS_TASK}]",
}
SECOND = {"doccano": ":2", "prodigy": ":2", "labelstudio": ": task 2"}
"""How a message names the second record."""


@pytest.mark.parametrize("name", READERS)
def test_good_file_reads(tmp_path: Path, name: str) -> None:
    records = read(READERS[name], write(tmp_path, "good.json", GOOD[name]))
    assert [spans(r) for r in records] == [[(0, 1, "X")]] * 2


@pytest.mark.parametrize("name", READERS)
@pytest.mark.parametrize("content", [b"", b"\n \n"])
def test_empty_file(tmp_path: Path, name: str, content: bytes) -> None:
    assert "the file is empty" in failure(READERS[name], write(tmp_path, "e.json", content))


@pytest.mark.parametrize("name", READERS)
@pytest.mark.parametrize("cut", [12, 30])
def test_truncated_file(tmp_path: Path, name: str, cut: int) -> None:
    good = GOOD[name].encode()
    middle = len(good) // 2 + cut
    message = failure(READERS[name], write(tmp_path, "cut.json", good[:middle]))
    assert SECOND[name] in message
    assert "truncated" in message


@pytest.mark.parametrize("name", READERS)
def test_bad_utf8(tmp_path: Path, name: str) -> None:
    content = GOOD[name].encode()
    second_abc = content.rindex(b"abc")
    bad = content[:second_abc] + b"a\xffc" + content[second_abc + 3 :]
    message = failure(READERS[name], write(tmp_path, "bad.json", bad))
    assert SECOND[name] in message
    assert "not UTF-8" in message


@pytest.mark.parametrize("name", READERS)
def test_byte_order_mark_is_passed_over(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, "bom.json", b"\xef\xbb\xbf" + GOOD[name].encode())
    assert len(read(READERS[name], path)) == 2


@pytest.mark.parametrize("name", ["doccano", "prodigy"])
def test_windows_line_ends(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, "crlf.jsonl", GOOD[name].replace("\n", "\r\n"))
    assert [r.where[-2:] for r in read(READERS[name], path)] == [":1", ":2"]


def test_prodigy_null_spans_and_accept(tmp_path: Path) -> None:
    path = write(tmp_path, "n.jsonl", '{"text": "abc", "spans": null, "accept": null}\n')
    (record,) = read(prodigy, path)
    assert (record.spans, record.labels) == ((), ())


def test_prodigy_refuses_a_json_array(tmp_path: Path) -> None:
    path = write(tmp_path, "a.json", f"[{PRODIGY_LINE.strip()}]")
    assert "one JSON array, not one JSON object a line" in failure(prodigy, path)


@pytest.mark.parametrize("module", [doccano, prodigy])
def test_pretty_printed_object_where_lines_were_expected(
    tmp_path: Path, module: ModuleType
) -> None:
    path = write(tmp_path, "p.json", '{\n  "text": "abc"\n}\n')
    assert ":1: the file is one JSON object spread over lines" in failure(module, path)


@pytest.mark.parametrize(
    ("name", "line", "expected"),
    [
        ("doccano", '"abc"', ":2: not a JSON object but a string"),
        ("prodigy", "[1, 2]", ":2: not a JSON object but a list"),
        ("labelstudio", '{"text": "abc"}', ':2: neither a task (it has no "data")'),
        ("doccano", '{"label": [[0, 1, "X"]]}', ':2: no "text" string'),
        ("prodigy", '{"spans": []}', ':2: no "text" string'),
        ("labelstudio", '{"data": {"n": 1}}', ":2: no text in the task's data"),
        ("labelstudio", '{"data": "abc"}', ':2: "data" is a string, not an object'),
        ("labelstudio", '{"data": {"text": ["a", "b"]}}', '"text" in the task\'s data is a list'),
        ("doccano", '{"text": tru}', ":2: not valid JSON"),
    ],
)
def test_record_of_the_wrong_shape(tmp_path: Path, name: str, line: str, expected: str) -> None:
    first = GOOD[name].splitlines()[0] if name != "labelstudio" else LS_TASK
    path = write(tmp_path, "w.jsonl", f"{first}\n{line}\n")
    assert expected in failure(READERS[name], path)


NOT_WHOLE = ["0.5", "1.0", '"0"', "true", "null", "[0]", "{}"]


@pytest.mark.parametrize("offset", NOT_WHOLE)
@pytest.mark.parametrize("name", READERS)
def test_offsets_that_are_not_whole_numbers(tmp_path: Path, name: str, offset: str) -> None:
    content = (
        GOOD[name].replace("[0, 1,", f"[{offset}, 1,").replace('"start": 0', f'"start": {offset}')
    )
    message = failure(READERS[name], write(tmp_path, "o.json", content))
    assert "start" in message and "is not a whole number" in message


@pytest.mark.parametrize(("start", "end"), [(1, 1), (2, 1), (-1, 1)])
@pytest.mark.parametrize("name", READERS)
def test_empty_or_negative_spans(tmp_path: Path, name: str, start: int, end: int) -> None:
    content = GOOD[name].replace("[0, 1,", f"[{start}, {end},")
    content = content.replace('"start": 0, "end": 1', f'"start": {start}, "end": {end}')
    message = failure(READERS[name], write(tmp_path, "n.json", content))
    assert f"[{start}, {end}) is empty or negative" in message


@pytest.mark.parametrize(
    ("module", "content", "expected"),
    [
        (
            doccano,
            '{"text": "abc", "label": [[0, 1]]}',
            ':1: "label" span 1 is [0, 1], not [start, end, label]',
        ),
        (doccano, '{"text": "abc", "label": [[0, 1, "X"], "A"]}', '"label" is neither'),
        (doccano, '{"text": "abc", "label": [[0, 1, 2]]}', "label 2 is not a name"),
        (
            doccano,
            '{"text": "abc", "entities": [{"label": "X", "start_offset": 0}]}',
            'entity 1 lacks "end_offset"',
        ),
        (doccano, '{"text": "abc", "cats": [1]}', '"cats" holds 1, not a category name'),
        (prodigy, '{"text": "abc", "spans": [{"end": 1, "label": "X"}]}', 'span 1 lacks "start"'),
        (prodigy, '{"text": "abc", "spans": [{"start": 0, "end": 1}]}', 'span 1 lacks "label"'),
        (prodigy, '{"text": "abc", "answer": "maybe"}', 'answer "maybe" is not one of'),
        (prodigy, '{"text": "abc", "accept": [{"id": 1}]}', '"accept" holds {"id": 1}'),
        (
            labelstudio,
            '{"data": {"text": "a"}, "annotations": {}}',
            '"annotations" is an object, not a list',
        ),
        (
            labelstudio,
            '{"data": {"text": "a"}, "annotations": [{"result": [{"type": "labels", "value": {"end": 1, "labels": ["X"]}}]}]}',
            'result 1 lacks "start"',
        ),
        (
            labelstudio,
            '{"data": {"body": "a", "title": "b"}}',
            'several texts (body, title) and none named "text"; rename',
        ),
    ],
)
def test_shape_errors_say_what_is_wrong(
    tmp_path: Path, module: ModuleType, content: str, expected: str
) -> None:
    assert expected in failure(module, write(tmp_path, "s.jsonl", content + "\n"))


@pytest.mark.parametrize("kind", ["hypertextlabels", "paragraphlabels"])
def test_labelstudio_xpath_regions_are_not_supported(tmp_path: Path, kind: str) -> None:
    value = {"start": "/p[1]/text()[1]", "end": "/p[1]/text()[1]", "startOffset": 0, "endOffset": 3}
    task = {
        "id": 4,
        "data": {"text": "<p>abc</p>"},
        "annotations": [{"result": [{"type": kind, "value": value | {kind: ["X"]}}]}],
    }
    message = failure(labelstudio, write(tmp_path, "x.json", orjson.dumps([task])))
    assert f"task 1 (id 4): result 1 is a {kind} region" in message
    assert "<Text>" in message


def test_labelstudio_json_min_xpath_regions(tmp_path: Path) -> None:
    record = {
        "text": "abc",
        "id": 2,
        "ner": [
            {"start": "/p", "startOffset": 0, "end": "/p", "endOffset": 1, "hypertextlabels": ["X"]}
        ],
        "annotation_id": 1,
    }
    message = failure(labelstudio, write(tmp_path, "m.json", orjson.dumps([record])))
    assert '"ner" holds xpath regions' in message


@given(start=st.integers(-5, 20), end=st.integers(-5, 20))
def test_span_is_taken_exactly_when_offsets_are_a_stretch(start: int, end: int) -> None:
    if 0 <= start < end:
        assert jsonlines.span("f:1", "span 1", start, end, "X") == SourceSpan(start, end, "X")
    else:
        with pytest.raises(SourceError, match=r"^f:1: span 1: .* empty or negative"):
            jsonlines.span("f:1", "span 1", start, end, "X")


@given(offset=st.one_of(st.floats(), st.text(), st.booleans(), st.none(), st.lists(st.integers())))
def test_span_refuses_offsets_of_any_other_type(offset: object) -> None:
    with pytest.raises(SourceError, match="is not a whole number"):
        jsonlines.span("f:1", "span 1", offset, 5, "X")
    with pytest.raises(SourceError, match="is not a whole number"):
        jsonlines.span("f:1", "span 1", 0, offset, "X")


def test_unreadable_path(tmp_path: Path) -> None:
    for module in READERS.values():
        with pytest.raises(SourceError, match="cannot read it"):
            read(module, tmp_path / "missing.jsonl")
        with pytest.raises(SourceError, match="cannot read it"):
            read(module, tmp_path)


# --- Big files ---------------------------------------------------------------------------------

BIG_BYTES = 50_000_000
PEAK_LIMIT = 4_000_000
TEXT = "Kapolres Dumai AKBP Budi hadir di Pekanbaru. " * 400


def test_big_labelstudio_array_streams_in_bounded_memory(tmp_path: Path) -> None:
    result = {"from_name": "label", "to_name": "text", "type": "labels"}
    regions = [result | {"value": {"start": 0, "end": 8, "labels": ["ROLE"]}}] * 5
    path = tmp_path / "big.json"
    with path.open("wb") as out:
        out.write(b"[")
        written = 0
        while out.tell() < BIG_BYTES:
            task = {"id": written, "data": {"text": TEXT}, "annotations": [{"result": regions}]}
            out.write((b",\n" if written else b"") + orjson.dumps(task))
            written += 1
        out.write(b"]")
    tracemalloc.start()
    try:
        count = sum(len(record.spans) == 5 for record in labelstudio.read(path))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == written
    assert peak < PEAK_LIMIT


@pytest.mark.parametrize(
    ("module", "line"),
    [
        (doccano, {"text": TEXT, "label": [[0, 8, "ROLE"]] * 5}),
        (prodigy, {"text": TEXT, "spans": [{"start": 0, "end": 8, "label": "ROLE"}] * 5}),
    ],
)
def test_big_json_lines_stream_in_bounded_memory(
    tmp_path: Path, module: ModuleType, line: dict[str, object]
) -> None:
    raw = orjson.dumps(line, option=orjson.OPT_APPEND_NEWLINE)
    lines = BIG_BYTES // 2 // len(raw)
    path = tmp_path / "big.jsonl"
    path.write_bytes(raw * lines)
    tracemalloc.start()
    try:
        count = sum(len(record.spans) == 5 for record in module.read(path))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == lines
    assert peak < PEAK_LIMIT


# --- claims ------------------------------------------------------------------------------------

CLAIMS = {
    "doccano_sequence.jsonl": "doccano",
    "doccano_labels.jsonl": "doccano",
    "doccano_relation.jsonl": "doccano",
    "doccano_intent.jsonl": "doccano",
    "doccano_textcat.jsonl": "doccano",
    "doccano_textcat.json": "doccano",
    "doccano_cooltui.jsonl": "doccano",
    "prodigy_ner.jsonl": "prodigy",
    "prodigy_textcat.jsonl": "prodigy",
    "prodigy_input.jsonl": "prodigy",
    "labelstudio_tasks.json": "labelstudio",
    "labelstudio_tasks.jsonl": "labelstudio",
    "labelstudio_single.json": "labelstudio",
    "labelstudio_min.json": "labelstudio",
    "cooltui_export.jsonl": None,
}


def test_every_data_file_has_its_claim() -> None:
    assert set(CLAIMS) == {path.name for path in DATA.iterdir()}


@pytest.mark.parametrize(("name", "expected"), CLAIMS.items())
def test_claims_tell_every_shape_apart(name: str, expected: str | None) -> None:
    assert claimed_by(DATA / name) == ([expected] if expected else [])


@pytest.mark.parametrize("name", [n for n, owner in CLAIMS.items() if owner])
def test_claims_need_a_json_extension(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, Path(name).with_suffix(".txt").name, (DATA / name).read_bytes())
    assert claimed_by(path) == []


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"-DOCSTART- -X- O O\n\nJokowi -X- _ B-PER\n",
        b'{"foo": 1}\n',
        b"[1, 2, 3]",
        b'{"text": "plain, with nothing else"}\n',
        b'{"text": "abc", "label": "POSITIF"}\n',  # Prodigy's binary label, lacking its keys
        b"{not json",
    ],
)
def test_claims_refuse_what_is_none_of_them(tmp_path: Path, content: bytes) -> None:
    assert claimed_by(write(tmp_path, "other.json", content)) == []


def test_claims_look_at_the_first_record_only(tmp_path: Path) -> None:
    # The rest of the file is read() 's to check.
    path = write(tmp_path, "d.json", '[{"text": "abc", "label": [[0, 1, "X"]]}, {"broken')
    assert claimed_by(path) == ["doccano"]


def test_claims_on_a_head_that_cuts_the_first_record(tmp_path: Path) -> None:
    # JSON-MIN puts the task's text first and its own keys after: a first text longer than
    # the head is read on.
    record = {"text": "x" * (2 * HEAD_BYTES), "id": 1, "annotation_id": 3, "lead_time": 1.5}
    path = write(tmp_path, "min.json", orjson.dumps([record]))
    assert claimed_by(path) == ["labelstudio"]
    line = {"text": "x" * (2 * HEAD_BYTES), "spans": [], "answer": "accept"}
    path = write(tmp_path, "p.jsonl", orjson.dumps(line))
    assert claimed_by(path) == ["prodigy"]


def test_claims_a_folder_never(tmp_path: Path) -> None:
    folder = tmp_path / "brat.json"
    folder.mkdir()
    assert claimed_by(folder, b"") == []


@pytest.mark.parametrize(
    "name", ["doccano_sequence.jsonl", "prodigy_ner.jsonl", "labelstudio_tasks.json"]
)
def test_claims_read_past_a_byte_order_mark(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, name, b"\xef\xbb\xbf" + (DATA / name).read_bytes())
    assert claimed_by(path) == [CLAIMS[name]]
