"""The hf and brat writers: the lines and files they make from checked records, read back with
the formats' documented grammar (Hugging Face's token classification JSON lines; brat's standoff
and configuration files, https://brat.nlplab.org/standoff.html and configuration.html)."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cooltui.corpus import Article, text_sha
from cooltui.export.brat import (
    BratError,
    BratWriter,
    ann_text,
    annotation_conf,
    file_stem,
    fragments,
    split_stem,
    visual_conf,
)
from cooltui.export.hf import HfError, HfWriter, label_names, labels_file
from cooltui.export.labels import NERGRIT, LabelsMap
from cooltui.export.record import DocLabels, Record
from cooltui.model import Annotation, Span, Status
from cooltui.scheme import Scheme, load_scheme, parse_scheme
from cooltui.text import TokenIndex, tokenize

TEXT = "Kapolsek Minas, Kompol Wan Mantazakka hadir di Kota\nDumai.\nAman dan damai."
SPANS = [(0, 14, "ROLE"), (16, 22, "RANK"), (23, 37, "PER"), (47, 57, "LOC")]
"""The last one, "Kota\\nDumai", runs over a line break."""
NO_GROUPS: DocLabels = {"themes": [], "activity": None}


@pytest.fixture(scope="module")
def scheme() -> Scheme:
    return load_scheme()


def small_scheme(groups: str, labels: Sequence[str] = ("PER", "LOC")) -> Scheme:
    declared = "".join(
        f'[[labels]]\nname = "{name}"\nkey = "{key}"\ncolor = "red"\n'
        for name, key in zip(labels, "plofemwt", strict=False)
    )
    return parse_scheme(declared + groups, Path("small.toml"))


def make_record(
    text: str = TEXT,
    spans: Sequence[tuple[int, int, str]] = SPANS,
    doc_labels: DocLabels = NO_GROUPS,
    note: str = "",
    article_id: str = "a1",
    annotator: str = "alice",
) -> Record:
    article = Article(article_id, "", text_sha(text), len(text), "corpus.jsonl", _text=text)
    made = tuple(Span(start, end, label, text[start:end]) for start, end, label in spans)
    annotation = Annotation(article_id, text_sha(text), made, note=note, status=Status.DONE)
    return Record(annotator, article, text, annotation, made, doc_labels, TokenIndex(text))


# --- hf ----------------------------------------------------------------------------------------


def hf_lines(records: Sequence[Record], scheme: Scheme, **options: Any) -> list[dict[str, Any]]:
    out = io.BytesIO()
    writer = HfWriter(out, scheme, **options)
    for record in records:
        writer.write(record)
    writer.close()
    return [json.loads(line) for line in out.getvalue().decode().splitlines()]


def iob2_spans(
    tokens: Sequence[tuple[int, int]], tags: Sequence[str]
) -> list[tuple[int, int, str]]:
    """The spans IOB2 tags mark, as a reader such as seqeval decodes them."""
    spans: list[tuple[int, int, str]] = []
    for (start, end), tag in zip(tokens, tags, strict=True):
        if tag.startswith("B-"):
            spans.append((start, end, tag[2:]))
        elif tag.startswith("I-"):
            assert spans and spans[-1][2] == tag[2:], f"{tag} does not follow its B-"
            spans[-1] = (spans[-1][0], end, tag[2:])
    return spans


def test_label_names_are_o_then_b_and_i_of_each_label_in_scheme_order(scheme):
    names = label_names(scheme)
    labels = [label.name for label in scheme.labels]
    assert names[:5] == ["O", *(f"{tag}-{label}" for label in labels[:2] for tag in "BI")]
    assert len(names) == 1 + 2 * len(labels) == len(set(names))


def test_label_names_follow_a_labels_map_each_once_without_those_left_out(scheme):
    names = label_names(scheme, LabelsMap("nergrit", NERGRIT))
    assert names[:3] == ["O", "B-PER", "I-PER"]
    assert names.count("B-ORG") == 1  # ORG and MEDIA both map to it
    assert not {"B-RANK", "B-ROLE", "B-TITLE"} & set(names)  # mapped to "O"


def test_a_line_holds_id_tokens_iob2_ids_and_every_group(scheme):
    doc_labels = {"themes": ["KAMTIBMAS", "PERSATUAN"], "activity": "SAMBANG"}
    (line,) = hf_lines([make_record(doc_labels=doc_labels)], scheme)
    assert list(line) == ["id", "tokens", "ner_tags", "themes", "activity"]
    assert line["id"] == "a1"
    assert line["tokens"][:8] == [
        "Kapolsek",
        "Minas",
        ",",
        "Kompol",
        "Wan",
        "Mantazakka",
        "hadir",
        "di",
    ]
    names = label_names(scheme)
    tags = [names[tag] for tag in line["ner_tags"]]
    assert tags[:11] == [
        "B-ROLE",
        "I-ROLE",
        "O",
        "B-RANK",
        "B-PER",
        "I-PER",
        "O",
        "O",
        "B-LOC",
        "I-LOC",
        "O",
    ]
    assert line["themes"] == ["KAMTIBMAS", "PERSATUAN"]
    assert line["activity"] == "SAMBANG"


def test_groups_left_empty_are_an_empty_list_and_null(scheme):
    (line,) = hf_lines([make_record()], scheme)
    assert line["themes"] == []
    assert line["activity"] is None


def test_a_document_with_no_spans_is_all_o(scheme):
    (line,) = hf_lines([make_record(spans=[])], scheme)
    assert line["ner_tags"] == [0] * len(tokenize(TEXT)) == [0] * len(line["tokens"])


def test_spans_take_the_ids_of_their_mapped_labels(scheme):
    mapped = [(23, 37, "PER"), (47, 57, "LOC")]  # what the export leaves after mapping
    (line,) = hf_lines([make_record(spans=mapped)], scheme, labels_map=LabelsMap("m", NERGRIT))
    names = label_names(scheme, LabelsMap("m", NERGRIT))
    assert [names[tag] for tag in line["ner_tags"][4:10]] == [
        "B-PER",
        "I-PER",
        "O",
        "O",
        "B-LOC",
        "I-LOC",
    ]


@given(st.data())
def test_iob2_tags_decode_back_to_the_spans(data):
    scheme = small_scheme("", ("PER", "LOC", "ORG"))
    words = data.draw(
        st.lists(st.sampled_from(["Wan", "Kota", "Dumai", ",", "😀", "2024"]), min_size=1)
    )
    text = " ".join(words)
    tokens = [(token.start, token.end) for token in tokenize(text)]
    cuts = sorted(data.draw(st.sets(st.integers(0, len(tokens)), max_size=6)))
    spans = [
        (tokens[first][0], tokens[last - 1][1], data.draw(st.sampled_from(["PER", "LOC", "ORG"])))
        for first, last in pairwise(cuts)
        if data.draw(st.booleans())
    ]
    (line,) = hf_lines([make_record(text, spans, {})], scheme)
    names = label_names(scheme)
    assert iob2_spans(tokens, [names[tag] for tag in line["ner_tags"]]) == spans


def test_labels_file_lists_the_tag_names_in_id_order_and_each_groups_values(scheme):
    labels = json.loads(labels_file(scheme))
    assert labels["ner_tags"] == label_names(scheme)
    assert list(labels) == ["ner_tags", "themes", "activity", "_features"]
    assert labels["activity"] == [value.name for value in scheme.group("activity").values]
    # The columns' types as datasets reads them: a multi-choice group is a list of strings.
    features = labels["_features"]
    assert features["ner_tags"]["feature"] == {"names": label_names(scheme), "_type": "ClassLabel"}
    assert features["themes"]["_type"] == "Sequence" and features["activity"]["_type"] == "Value"


def test_a_group_named_like_a_column_is_refused_before_anything_is_written():
    clash = small_scheme('[[groups]]\nname = "tokens"\n[[groups.values]]\nname = "A"\n')
    with pytest.raises(HfError, match=r"small.toml: document label group 'tokens' .* rename"):
        HfWriter(io.BytesIO(), clash)
    with pytest.raises(HfError, match="'tokens'"):
        labels_file(clash)


@pytest.mark.parametrize(
    ("spans", "why"),
    [
        ([(1, 14, "ROLE")], "off the tokens"),  # starts inside "Kapolsek"
        ([(0, 14, "ROLE"), (9, 14, "LOC")], "overlaps"),
        ([(0, 14, "NOPE")], "'NOPE' is not in the hf label list"),
    ],
)
def test_a_span_the_checks_should_have_stopped_stops_the_writer(scheme, spans, why):
    with pytest.raises(RuntimeError, match=f"a1: .*{why}"):
        hf_lines([make_record(spans=spans)], scheme)


# --- brat: the grammar of standoff files, as brat documents it --------------------------------

ANN_LINE = {
    "T": re.compile(r"(T\d+)\t([A-Za-z][\w-]*) (\d+ \d+(?:;\d+ \d+)*)\t(.*)"),
    "A": re.compile(r"(A\d+)\t([\w-]+) (T\d+)(?: ([\w-]+))?"),
    "#": re.compile(r"(#\d+)\tAnnotatorNotes (T\d+)\t(.*)"),
}


def parse_ann(ann: str, text: str) -> dict[str, Any]:
    """Every line of a .ann by brat's grammar; each T line's text checked against the .txt as
    brat checks it (the fragments' texts joined with a space)."""
    assert ann == "" or ann.endswith("\n")
    entities: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    attributes: list[tuple[str, str, str | None]] = []
    notes: dict[str, str] = {}
    for line in ann.splitlines():
        match = ANN_LINE[line[0]].fullmatch(line)
        assert match, f"not brat's standoff grammar: {line!r}"
        if line[0] == "T":
            tid, kind, offsets, shown = match.groups()
            pieces = [tuple(map(int, pair.split())) for pair in offsets.split(";")]
            assert shown == " ".join(text[start:end] for start, end in pieces), line
            assert tid not in entities
            entities[tid] = (kind, pieces)
        elif line[0] == "A":
            _, name, target, value = match.groups()
            assert target in entities
            attributes.append((name, target, value))
        else:
            _, target, note = match.groups()
            assert target in entities
            notes[target] = note
    return {"entities": entities, "attributes": attributes, "notes": notes}


def parse_conf(conf: str) -> dict[str, dict[str, dict[str, str]]]:
    """brat's configuration: [section] headers, then one type a line, its arguments after a tab
    as comma-separated Key:Value pairs; # starts a comment."""
    sections: dict[str, dict[str, dict[str, str]]] = {}
    section: dict[str, dict[str, str]] | None = None
    for line in conf.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        header = re.fullmatch(r"\[(\w+)\]", line)
        if header:
            section = sections.setdefault(header.group(1), {})
            continue
        assert section is not None, f"{line!r} before any section"
        name, _, arguments = line.partition("\t")
        assert re.fullmatch(r"[A-Za-z][\w-]*|<[A-Z-]+>", name), line  # <...>: brat's own
        pairs = [argument.split(":", 1) for argument in arguments.split(", ") if argument]
        section[name] = dict(pairs)
    return sections


def brat_files(records: Sequence[Record], scheme: Scheme, folder: Path) -> dict[str, bytes]:
    writer = BratWriter(folder, scheme)
    for record in records:
        writer.write(record)
    writer.close()
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_a_record_is_its_text_exactly_and_t_lines_whose_text_is_there(scheme, tmp_path):
    text = "Warga 😀 hadir di Kota Dumai.\n\tBaris\u00a0dua."  # offsets count code points
    spans = [(0, 5, "PER"), (17, 27, "LOC")]
    files = brat_files([make_record(text, spans)], scheme, tmp_path)
    assert sorted(files) == ["a1.ann", "a1.txt"]
    assert files["a1.txt"] == text.encode()
    parsed = parse_ann(files["a1.ann"].decode(), files["a1.txt"].decode())
    assert parsed["entities"] == {"T1": ("PER", [(0, 5)]), "T2": ("LOC", [(17, 27)])}


def test_a_span_over_a_line_break_is_cut_there_as_brat_does(scheme):
    ann = ann_text(make_record(), scheme)
    assert "T4\tLOC 47 51;52 57\tKota Dumai\n" in ann
    parse_ann(ann, TEXT)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kota\nDumai", [(0, 4), (5, 10)]),
        ("Kota \n\n  Dumai", [(0, 4), (9, 14)]),  # blanks beside the breaks left out
        ("Kota\tDumai\nTimur", [(0, 4), (5, 10), (11, 16)]),
        (" Kota Dumai ", [(0, 12)]),  # no break: the span's own ends stay
        ("Kota\n \nDumai", [(0, 4), (7, 12)]),  # a line of blanks is no fragment
    ],
)
def test_fragments(text, expected):
    assert fragments(text, 0, len(text)) == expected


def test_a_span_of_nothing_but_breaks_and_blanks_stops_the_export_naming_it(scheme):
    text = "Kota\n \nDumai"
    with pytest.raises(
        BratError, match=r"a1: span 4-7 holds only line breaks .* fix it in cooltui"
    ):
        ann_text(make_record(text, [(4, 7, "LOC")]), scheme)


def test_document_labels_and_the_note_go_on_t0_the_first_line(scheme):
    doc_labels = {"themes": ["KAMTIBMAS", "ANTI_HOAX"], "activity": "DIALOG"}
    note = "cek lagi:\r\nnama\tpangkat\u2028ok\n"
    ann = ann_text(make_record(doc_labels=doc_labels, note=note), scheme)
    head = ann.splitlines()[:5]
    assert head == [
        "T0\tDocument 0 51\tKapolsek Minas, Kompol Wan Mantazakka hadir di Kota",
        "A1\tthemes_KAMTIBMAS T0",
        "A2\tthemes_ANTI_HOAX T0",
        "A3\tactivity T0 DIALOG",
        "#1\tAnnotatorNotes T0\tcek lagi: nama pangkat ok ",
    ]
    parsed = parse_ann(ann, TEXT)
    assert parsed["notes"] == {"T0": "cek lagi: nama pangkat ok "}
    kinds = [kind for kind, _ in parsed["entities"].values()]
    assert kinds == ["Document", "ROLE", "RANK", "PER", "LOC"]


@pytest.mark.parametrize(
    ("text", "t0"),
    [
        ("Judul berita  \nIsi.", "0 12\tJudul berita"),  # trailing blanks left out
        ("Judul\tkedua\nIsi.", "0 5\tJudul"),  # a .ann line's text holds no tab
        ("\n  \n  Isi.", "6 10\tIsi."),  # the first line that holds text, never an empty T0
        ("Satu baris saja.", "0 16\tSatu baris saja."),
    ],
)
def test_t0_covers_the_first_line_that_holds_text(scheme, text, t0):
    ann = ann_text(make_record(text, [], note="n"), scheme)
    assert ann.splitlines()[0] == f"T0\tDocument {t0}"
    parse_ann(ann, text)


def test_no_t0_without_document_labels_or_note(scheme):
    ann = ann_text(make_record(), scheme)
    assert not any(line.startswith(("T0", "A", "#")) for line in ann.splitlines())
    assert ann_text(make_record(spans=[]), scheme) == ""


def test_two_annotators_files_say_whose_they_are(scheme, tmp_path):
    records = [
        make_record(article_id="a1", annotator="alice"),
        make_record(article_id="a2", annotator="alice", note="x"),
        make_record(article_id="a1", annotator="bob.k", spans=[]),
    ]
    files = brat_files(records, scheme, tmp_path)
    assert sorted(files) == [
        "a1.alice.ann",
        "a1.alice.txt",
        "a1.bob.k.ann",
        "a1.bob.k.txt",
        "a2.alice.ann",
        "a2.alice.txt",
    ]
    assert b"AnnotatorNotes" in files["a2.alice.ann"]  # renamed with its content
    assert files["a1.bob.k.ann"] == b""
    assert split_stem("a1.bob.k") == ("a1", "bob.k")


def test_one_annotators_files_are_named_by_the_id_alone(scheme, tmp_path):
    records = [make_record(article_id=name) for name in ("a1", "a2")]
    assert sorted(brat_files(records, scheme, tmp_path)) == ["a1.ann", "a1.txt", "a2.ann", "a2.txt"]


def test_a_name_written_twice_stops_rather_than_replace_a_file(scheme, tmp_path):
    writer = BratWriter(tmp_path, scheme)
    writer.write(make_record())
    with pytest.raises(BratError, match=r"a1.ann: two articles would have this file"):
        writer.write(make_record())
    assert (tmp_path / "a1.ann").read_text() == ann_text(make_record(), scheme)


UNSAFE_IDS = [
    "../../etc/passwd",
    "a/b",
    "..",
    ".hidden",
    "a.b",
    "a%2Eb",
    "bad\x00id\x1b[31m",
    "spasi dan\ttab\n",
    "berita-2024_01",
    "日本語",
    "x" * 1000,
    "x" * 999 + "y",
    "é" * 300,
    "",
]


def test_unsafe_ids_map_to_safe_unique_names_in_the_folder(scheme, tmp_path):
    records = [make_record(article_id=article_id) for article_id in UNSAFE_IDS]
    files = brat_files(records, scheme, tmp_path)
    assert len(files) == 2 * len(UNSAFE_IDS)
    for name in files:
        assert re.fullmatch(r"[A-Za-z0-9_%~-]+\.(txt|ann)", name), name
        assert len(name.encode()) <= 245
    assert "berita-2024_01.txt" in files  # a safe id is kept as it is
    assert "%2E%2E%2F%2E%2E%2Fetc%2Fpasswd.txt" in files


@given(st.text(), st.text())
def test_file_stems_are_safe_and_read_back(article_id, other):
    stem = file_stem(article_id, "alice")
    assert re.fullmatch(r"[A-Za-z0-9_%~-]+\.alice", stem)
    readable, annotator = split_stem(stem)
    assert annotator == "alice"
    assert readable in (article_id, None)  # None: a cut name, matched by its text instead
    if article_id != other:
        assert file_stem(article_id) != file_stem(other)


def test_annotation_conf_declares_labels_document_and_the_groups_attributes(scheme):
    conf = parse_conf(annotation_conf(scheme))
    assert list(conf) == ["entities", "relations", "events", "attributes"]
    assert list(conf["entities"]) == [label.name for label in scheme.labels] + ["Document"]
    assert conf["events"] == {}
    # brat's verifier would report every span in T0, the document's first line, without it
    assert conf["relations"] == {
        "<OVERLAP>": {"Arg1": "<ENTITY>", "Arg2": "Document", "<OVL-TYPE>": "<ANY>"}
    }
    overlapping = small_scheme("[scheme]\nallow_overlap = true\n")
    relations = parse_conf(annotation_conf(overlapping))["relations"]
    assert relations["<OVERLAP>"]["Arg2"] == "<ENTITY>"  # spans may overlap each other too
    activity = scheme.group("activity")
    assert conf["attributes"]["activity"] == {
        "Arg": "Document",
        "Value": "|".join(value.name for value in activity.values),
    }
    assert conf["attributes"]["themes_KAMTIBMAS"] == {"Arg": "Document"}
    assert len(conf["attributes"]) == 1 + len(scheme.group("themes").values)


def test_every_attribute_and_type_of_an_ann_is_declared(scheme):
    conf = parse_conf(annotation_conf(scheme))
    doc_labels = {"themes": ["NETRALITAS"], "activity": "PATROLI"}
    parsed = parse_ann(ann_text(make_record(doc_labels=doc_labels), scheme), TEXT)
    for kind, _ in parsed["entities"].values():
        assert kind in conf["entities"]
    for name, _, value in parsed["attributes"]:
        allowed = conf["attributes"][name].get("Value")
        assert (value is None) == (allowed is None)
        assert value is None or value in allowed.split("|")


def test_annotation_conf_follows_a_labels_map(scheme):
    conf = parse_conf(annotation_conf(scheme, LabelsMap("nergrit", NERGRIT)))
    assert list(conf["entities"])[:3] == ["PER", "ORG", "LOC"]
    assert "RANK" not in conf["entities"]


@pytest.mark.parametrize(
    ("groups", "labels", "clash"),
    [
        ("", ("PER", "Document"), "span label Document and brat's document entity"),
        (
            '[[groups]]\nname = "a_b"\nchoice = "single"\n[[groups.values]]\nname = "X"\n'
            '[[groups]]\nname = "a"\n[[groups.values]]\nname = "b"\n',
            ("PER",),
            "'a_b'",
        ),
    ],
)
def test_names_brat_would_confuse_are_refused_before_anything_is_written(
    tmp_path, groups, labels, clash
):
    clashing = small_scheme(groups, labels)
    with pytest.raises(BratError, match=f"small.toml: .*{clash}.*rename one"):
        BratWriter(tmp_path, clashing)
    with pytest.raises(BratError):
        annotation_conf(clashing)
    assert not any(tmp_path.iterdir())


def test_visual_conf_gives_each_label_its_colour(scheme):
    drawing = parse_conf(visual_conf(scheme))["drawing"]
    per = scheme.label("PER")
    assert drawing["PER"] == {"bgColor": per.color}
    assert drawing["LOC"]["bgColor"].startswith("#")
    named = parse_conf(visual_conf(small_scheme("")))["drawing"]
    assert re.fullmatch(r"#[0-9a-f]{6}", named["PER"]["bgColor"])  # "red" made #rrggbb
    # brat reads "-" in a value as ",": no colour may hold one
    assert not any("-" in value for values in drawing.values() for value in values.values())
