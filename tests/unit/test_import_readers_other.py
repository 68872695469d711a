"""The readers of cooltui's own jsonl, spaCy's DocBin, CoNLL columns and brat folders: what
cooltui's writers wrote reads back as the same spans and labels; files written by hand from each
tool's documentation read as that documentation says; bad files stop with one line naming the
file and the record; claims() tells the formats apart."""

from __future__ import annotations

import gc
import os
import sys
import tracemalloc
import zlib
from pathlib import Path

import orjson
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cooltui.corpus import Corpus, load_corpus
from cooltui.export import ExportOptions, export
from cooltui.export.record import categories
from cooltui.imports.readers import brat, conll, cooltui_jsonl, spacy
from cooltui.imports.source import SourceError, SourceRecord, SourceSpan
from cooltui.model import Annotation, Span, Status
from cooltui.scheme import Scheme, load_scheme
from cooltui.text import tokenize

DATA = Path(__file__).resolve().parents[1] / "data" / "import" / "other"
READERS = {"jsonl": cooltui_jsonl, "spacy": spacy, "conll": conll, "brat": brat}

ARTICLES = {
    "a1": "Kapolsek Minas, Kompol Wan Mantazakka SH MH, hadir di Pemilu 2024.\nAman dan damai.",
    "a2": "DUMAI - Polsek Dumai Timur mengadakan Cooling System di Kota\nDumai.",
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
NOTES = {"a1": "Cek lagi:\nnama lengkap", "a2": "", "a3": ""}


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
        if article.id == "a2":  # a suggestion accepted: its rule is its source
            spans[0] = Span(8, 26, "ORG", text[8:26], "rule:polsek")
        annotation = Annotation(
            article.id, article.text_sha, tuple(spans), note=NOTES[article.id], status=Status.DONE
        )
        for group, values in GROUPS[article.id].items():
            annotation = annotation.with_doc_labels(group, values)
        found.append(("alice", annotation))
    return found


def exported(tmp_path: Path, corpus: Corpus, scheme: Scheme, fmt: str) -> Path:
    out = tmp_path / f"out.{fmt}"
    export(annotations(corpus), corpus, scheme, out, ExportOptions(format=fmt))
    return out


def expected_labels(article_id: str) -> set[str]:
    return set(categories({g: list(v) for g, v in GROUPS[article_id].items()}))


def read(reader, path: Path) -> list[SourceRecord]:
    return list(reader.read(path))


def failure(reader, path: Path) -> str:
    with pytest.raises(SourceError) as caught:
        read(reader, path)
    message = str(caught.value)
    assert "\n" not in message
    return message


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", newline="")
    return path


def head(path: Path) -> bytes:
    if path.is_dir():
        return b""
    with path.open("rb") as file:
        return file.read(64 * 1024)


# --- round trips through cooltui's own writers ---------------------------------------------------


def test_jsonl_reads_back_what_the_export_wrote(tmp_path, corpus, scheme):
    records = read(cooltui_jsonl, exported(tmp_path, corpus, scheme, "jsonl"))
    assert [r.id for r in records] == list(ARTICLES)
    for record in records:
        article = corpus.get(record.id)
        assert record.text == article.text
        assert [(s.start, s.end, s.label) for s in record.spans] == SPANS[record.id]
        assert all(s.text == record.text[s.start : s.end] for s in record.spans)
        assert set(record.labels) == expected_labels(record.id)
        assert record.note == NOTES[record.id]
        assert (record.done, record.annotator) == (True, "alice")
        assert record.title == article.full_title
        assert record.meta["text_sha"] == article.text_sha
    assert records[1].meta["sources"] == ["rule:polsek", "manual", "manual"]


def test_jsonl_reads_every_status_and_a_file_without_sources(tmp_path):
    lines = [
        {
            "id": "x",
            "text": "Aman.",
            "spans": [{"start": 0, "end": 4, "label": "LOC", "text": "Aman"}],
            "themes": None,
            "activity": "SAMBANG",
            "note": "",
            "status": status,
            "annotator": "bob",
            "meta": {"title": None},
        }
        for status in Status
    ]
    path = tmp_path / "old.jsonl"
    path.write_bytes(b"".join(orjson.dumps(line) + b"\n\n" for line in lines))
    records = read(cooltui_jsonl, path)
    assert [r.done for r in records] == [status is Status.DONE for status in Status]
    assert [r.meta["status"] for r in records] == [status.value for status in Status]
    assert {r.labels for r in records} == {("activity:SAMBANG",)}
    assert {r.title for r in records} == {None}
    assert records[0].meta["sources"] == ["manual"]
    assert [r.where for r in records][:2] == [f"{path}:1", f"{path}:3"]


def test_conll_reads_back_the_spans_the_export_wrote(tmp_path, corpus, scheme):
    records = read(conll, exported(tmp_path, corpus, scheme, "conll"))
    assert len(records) == len(ARTICLES)
    for record, article in zip(records, corpus, strict=True):
        # The text is rebuilt from the tokens: the article's tokens, one space apart.
        assert record.text.split() == [t.text for t in tokenize(article.text)]
        assert all(s.text == record.text[s.start : s.end] for s in record.spans)
        got = [(s.label, s.text.replace("\n", " ")) for s in record.spans]
        want = [(label, " ".join(article.text[s:e].split())) for s, e, label in SPANS[article.id]]
        assert got == want
        assert (record.id, record.labels, record.done) == (None, (), False)
    # A span across a line break of the text stays whole: the export keeps it in one sentence.
    assert records[1].text.endswith("Kota Dumai .")
    assert records[0].text.split("\n")[1] == "Aman dan damai ."


def test_spacy_reads_back_what_the_export_wrote(tmp_path, corpus, scheme):
    records = read(spacy, exported(tmp_path, corpus, scheme, "spacy"))
    assert [r.id for r in records] == list(ARTICLES)
    for record in records:
        assert record.text == corpus.get(record.id).text
        assert [(s.start, s.end, s.label) for s in record.spans] == SPANS[record.id]
        assert all(s.text == record.text[s.start : s.end] for s in record.spans)
        assert set(record.labels) == expected_labels(record.id)
        assert (record.annotator, record.done) == ("alice", True)  # user_data["status"]
    assert records[1].meta["sources"] == ["rule:polsek", "manual", "manual"]
    assert records[0].where.endswith("out.spacy: doc 1")


# --- spaCy: DocBins that spaCy writes ------------------------------------------------------------


def test_spacy_takes_ents_and_span_groups_once_and_cats_from_one_half(tmp_path):
    from spacy.tokens import Doc, DocBin
    from spacy.vocab import Vocab

    doc = Doc(Vocab(), words=["Kompol", "Wan", "Mantazakka", "hadir", "."], spaces=[1, 1, 1, 0, 0])
    doc.ents = [doc.char_span(7, 21, "PER")]
    doc.spans["sc"] = [doc.char_span(7, 21, "PER"), doc.char_span(0, 21, "PER")]
    doc.spans["other"] = [doc.char_span(0, 6, "RANK"), doc.char_span(7, 21, "PER")]
    doc.cats = {"POSITIVE": 0.5, "NEGATIVE": 0.49, "themes:PERSATUAN": 1.0}
    doc.user_data["id"] = 7  # a number: read as its text
    path = tmp_path / "model.spacy"
    DocBin(
        store_user_data=True, docs=[doc, Doc(Vocab(), words=["Kosong"], spaces=[False])]
    ).to_disk(path)
    first, second = read(spacy, path)
    assert first.spans == (
        SourceSpan(7, 21, "PER", "Wan Mantazakka"),
        SourceSpan(0, 21, "PER", "Kompol Wan Mantazakka"),
        SourceSpan(0, 6, "RANK", "Kompol"),
    )
    assert first.meta["sources"] == [None, None, None]
    assert first.labels == ("POSITIVE", "themes:PERSATUAN")
    assert (first.id, first.annotator, first.done) == ("7", None, False)
    assert (second.text, second.id, second.spans, second.labels) == ("Kosong", None, (), ())


def test_spacy_record_is_done_when_its_user_data_says_so(tmp_path):
    from spacy.tokens import Doc, DocBin
    from spacy.vocab import Vocab

    docs = [Doc(Vocab(), words=[word]) for word in ("Selesai", "Belum")]
    docs[0].user_data["status"] = "done"
    path = tmp_path / "status.spacy"
    DocBin(store_user_data=True, docs=docs).to_disk(path)
    assert [r.done for r in read(spacy, path)] == [True, False]


@pytest.mark.parametrize(
    "data",
    [b"", os.urandom(4096), zlib.compress(b"\x81\xa1a\x01"), zlib.compress(b"not msgpack")],
    ids=["empty", "random", "msgpack-without-attrs", "zlib-of-text"],
)
def test_spacy_refuses_what_is_not_a_docbin(tmp_path, data):
    path = tmp_path / "bad.spacy"
    path.write_bytes(data)
    message = failure(spacy, path)
    assert message.startswith(f"{path}: not a spaCy DocBin (")
    assert "give a DocBin written by spaCy" in message
    assert gc.isenabled()  # srsly's msgpack leaves the collector off on broken bytes


def test_spacy_refuses_a_truncated_docbin(tmp_path, corpus, scheme):
    path = exported(tmp_path, corpus, scheme, "spacy")
    path.write_bytes(path.read_bytes()[:-40])
    assert failure(spacy, path).startswith(f"{path}: not a spaCy DocBin (")


def test_spacy_names_a_missing_file(tmp_path):
    assert failure(spacy, tmp_path / "nowhere.spacy").startswith(f"{tmp_path / 'nowhere.spacy'}: ")


def test_spacy_without_spacy_installed_says_how_to_install_it(
    tmp_path, corpus, scheme, monkeypatch
):
    path = exported(tmp_path, corpus, scheme, "spacy")
    for name in [name for name in sys.modules if name == "spacy" or name.startswith("spacy.")]:
        monkeypatch.setitem(sys.modules, name, None)  # as if it were not installed
    assert failure(spacy, path) == (
        f"{path}: reading a DocBin needs spaCy, which is not installed; install it with "
        "pip install 'cooltui[spacy]'"
    )


# --- CoNLL: files from the tools' documentation --------------------------------------------------

CONLL_2003 = [
    [
        ("ORG", "EU"),
        ("MISC", "German"),
        ("MISC", "British"),
        ("PER", "Peter Blackburn"),
        ("LOC", "BRUSSELS"),
    ],
    [("MISC", "Spanish"), ("MISC", "Portuguese"), ("LOC", "Lisbon")],
]


def labelled(record: SourceRecord) -> list[tuple[str, str | None]]:
    assert all(s.text == record.text[s.start : s.end] for s in record.spans)
    return [(s.label, s.text) for s in record.spans]


@pytest.mark.parametrize("name", ["conll2003_iob1.conll", "conll2003_iob2.conll", "bioes.conll"])
def test_conll_2003_in_iob1_iob2_and_bioes_reads_as_the_same_documents(name):
    records = read(conll, DATA / name)
    assert [labelled(r) for r in records] == CONLL_2003
    assert records[0].text == (
        "EU rejects German call to boycott British lamb .\nPeter Blackburn\nBRUSSELS 1996-08-22"
    )
    assert records[0].where == f"{DATA / name}:3"


def test_conll_without_docstart_is_one_record_per_sentence():
    records = read(conll, DATA / "bilou.tsv")
    assert [labelled(r) for r in records] == [
        [("RANK", "Kompol"), ("PER", "Wan Mantazakka"), ("LOC", "Kota Dumai")],
        [("ORG", "Polsek Dumai Timur"), ("EVENT", "Cooling System")],
    ]
    assert records[0].text == "Kompol Wan Mantazakka hadir di Kota Dumai ."
    assert [r.id for r in records] == [None, None]


def test_conll_id_comments_name_and_split_documents():
    records = read(conll, DATA / "ids.conll")
    assert [r.id for r in records] == ["berita-7", "berita-8"]
    assert records[0].text == "Kapolsek Minas hadir .\nAman ."
    # A "#" token with a tag is a token, not a comment.
    assert records[1].text == "#Pemilu2024 aman #"
    assert labelled(records[1]) == [("EVENT", "#Pemilu2024")]


def test_conll_reads_i_after_o_as_a_start_and_ends_entities_at_the_sentence(tmp_path):
    path = write(
        tmp_path / "x.conll",
        "\ufeff-DOCSTART- O\n\ndi O\nKota I-LOC\nDumai I-LOC\n\nDumai I-LOC\r\nAman I-LOC\naman O",
    )
    [record] = read(conll, path)
    assert record.text == "di Kota Dumai\nDumai Aman aman"
    assert labelled(record) == [("LOC", "Kota Dumai"), ("LOC", "Dumai Aman")]


def test_conll_tab_columns_keep_spaces_in_tokens(tmp_path):
    path = write(tmp_path / "t.tsv", "Kota Dumai\t_\tB-LOC\n  \t\nhadir\tO\n")
    records = read(conll, path)
    assert [labelled(r) for r in records] == [[("LOC", "Kota Dumai")], []]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Kota B-LOC\nDumai\n", "2: no tag column in 'Dumai'"),
        ("Kota LOC\n", "1: unknown tag 'LOC'"),
        ("Kota X-LOC\n", "1: unknown tag 'X-LOC'"),
        ("1\tKota\tkota\tPROPN\t_\t_\t0\troot\t_\t_\n", "1: unknown tag '_'"),
        ("Kota B-LOC\nDumai I-\n", "2: unknown tag 'I-'"),
    ],
)
def test_conll_names_the_line_without_a_tag(tmp_path, text, problem):
    path = write(tmp_path / "bad.conll", text)
    message = failure(conll, path)
    assert message.startswith(f"{path}:{problem}")
    assert "IOB2, IOB1, BIOES or BILOU" in message


def test_conll_names_the_line_of_bad_utf8(tmp_path):
    path = tmp_path / "bad.conll"
    path.write_bytes(b"-DOCSTART- O\n\nKota B-LOC\nDum\xe2i I-LOC\n")
    assert failure(conll, path) == (f"{path}:4: not UTF-8 (bad byte 0xe2); save the file as UTF-8")


def test_an_empty_conll_or_jsonl_file_holds_no_records(tmp_path):
    for reader, name in ((conll, "e.conll"), (cooltui_jsonl, "e.jsonl")):
        assert read(reader, write(tmp_path / name, "")) == []
        assert read(reader, write(tmp_path / name, "\n\n")) == []
    assert read(conll, write(tmp_path / "d.conll", "-DOCSTART- O\n\n# just a comment\n")) == []


TAGS = st.sampled_from(["O", *(f"{p}-{label}" for p in "BIESLU" for label in ("A", "B"))])


@settings(max_examples=300, deadline=None)
@given(st.lists(TAGS, min_size=1, max_size=12))
def test_conll_entities_are_seqevals(tmp_path_factory, tags):
    from seqeval.metrics.sequence_labeling import get_entities

    path = tmp_path_factory.mktemp("seq") / "s.conll"
    write(path, "".join(f"w{i % 10} {tag}\n" for i, tag in enumerate(tags)))
    [record] = read(conll, path)
    # Tokens of two characters, one space apart: token i starts at 3 i and ends at 3 i + 2.
    got = [(s.label, s.start // 3, (s.end - 2) // 3) for s in record.spans]
    # seqeval knows BIOES; BILOU's L and U are its E and S.
    seqeval_tags = [tag.replace("L-", "E-").replace("U-", "S-") for tag in tags]
    assert got == get_entities(seqeval_tags)


@pytest.mark.slow  # tracing every allocation of 2.5 million lines
def test_conll_streams_a_large_file_in_flat_memory(tmp_path):
    document = (
        "-DOCSTART- -X- O O\n\n"
        + "Kapolsek -X- _ B-ROLE\nMinas -X- _ I-ROLE\nhadir -X- _ O\ndi -X- _ O\n"
        "Kota -X- _ B-LOC\nDumai -X- _ I-LOC\n. -X- _ O\n\n" * 150
    ).encode()
    path = tmp_path / "large.conll"
    with path.open("wb") as out:
        for _ in range(50 * 1024 * 1024 // len(document)):
            out.write(document)
    assert path.stat().st_size > 49 * 1024 * 1024
    tracemalloc.start()
    try:
        count = spans = 0
        for record in conll.read(path):
            count += 1
            spans += len(record.spans)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 50 * 1024 * 1024 // len(document)
    assert spans == count * 300
    assert peak < 1024 * 1024  # one document (25 KB of text) at a time, not the 50 MB


# --- brat ----------------------------------------------------------------------------------------


def test_brat_folder_reads_pair_by_pair_by_name():
    records = read(brat, DATA / "brat")
    assert [r.id for r in records] == ["a1", "berita1", "kosong"]
    assert [r.where for r in records] == [str(DATA / "brat" / f"{r.id}.txt") for r in records]
    assert {r.done for r in records} == {False}
    assert {r.annotator for r in records} == {None}
    assert (records[2].text, records[2].spans, records[2].meta) == ("Belum dianotasi.\n", (), {})


def test_brat_spans_count_characters_of_the_text_as_it_is():
    record = read(brat, DATA / "brat" / "berita1.ann")[0]
    assert "\r\n" in record.text  # kept: the import maps it onto the normalised text
    assert labelled(record) == [
        ("ROLE", "Kapolsek Minas"),
        ("RANK", "Kompol"),
        ("PER", "Wan Mantazakka"),
        ("TITLE", "SH MH"),
        ("EVENT", "Pemilu 2024"),
        ("LOC", "Kota Dumai"),  # after "\r\n" and an emoji: each counts as brat counts them
        ("LOC", "Kota"),  # the discontinuous "Kota ... Pekanbaru": one span per fragment
        ("LOC", "Pekanbaru"),
    ]
    assert (record.labels, record.note) == ((), "")
    assert record.meta == {"ignored": ["R1", "E1", "N1", "*", "A1", "M2", "#1"]}


def test_brat_document_entity_gives_labels_and_note_not_a_span():
    record = read(brat, DATA / "brat" / "a1.txt")[0]
    assert labelled(record) == [("ROLE", "Kapolsek Minas")]
    assert record.labels == ("activity:SAMBANG", "themes:PERSATUAN", "themes:ANTI_HOAX")
    assert record.note == "dicek ulang besok"


def ann_record(folder: Path, text: str, ann: str) -> SourceRecord:
    write(folder / "doc.txt", text)
    return read(brat, write(folder / "doc.ann", ann))[0]


def test_brat_binary_attribute_without_underscore_is_a_bare_label(tmp_path):
    record = ann_record(tmp_path, "Aman.\n", "T9\tDocument 0 5\tAman.\nA1\tUrgent T9\n")
    assert (record.labels, record.spans) == (("Urgent",), ())


@settings(max_examples=100, deadline=None)
@given(
    st.text(st.sampled_from("ab😀é"), min_size=2, max_size=30),
    st.lists(st.integers(0, 30), min_size=2, max_size=8, unique=True),
)
def test_brat_fragments_apart_are_spans_apart_with_their_part_of_the_text(
    tmp_path_factory, text, cuts
):
    bounds = sorted({cut % (len(text) + 1) for cut in cuts})
    fragments = list(zip(bounds[::2], bounds[1::2], strict=False))  # text between each two
    assume(fragments)
    offsets = ";".join(f"{s} {e}" for s, e in fragments)
    pieces = " ".join(text[s:e] for s, e in fragments)
    record = ann_record(tmp_path_factory.mktemp("brat"), text, f"T1\tX {offsets}\t{pieces}\n")
    assert record.spans == tuple(SourceSpan(s, e, "X", text[s:e]) for s, e in fragments)


@pytest.mark.parametrize(
    ("text", "offsets", "spans"),
    [
        ("Kota\nDumai", "0 4;5 10", [(0, 10)]),
        ("Kota \r\n\t Dumai", "0 4;9 14", [(0, 14)]),
        ("KotaDumai", "0 4;4 9", [(0, 9)]),
        ("Kota Dumai dan Pekanbaru", "0 4;15 24", [(0, 4), (15, 24)]),
        ("Kota\nDumai dan Pekanbaru", "0 4;5 10;15 24", [(0, 10), (15, 24)]),
    ],
)
def test_brat_fragments_with_only_whitespace_between_are_one_span(tmp_path, text, offsets, spans):
    pieces = " ".join(text[int(s) : int(e)] for s, e in (p.split() for p in offsets.split(";")))
    record = ann_record(tmp_path, text, f"T1\tLOC {offsets}\t{pieces}\n")
    assert record.spans == tuple(SourceSpan(s, e, "LOC", text[s:e]) for s, e in spans)


# cooltui's brat export, as it writes (cooltui.export.brat).


def brat_record(article_id: str, text: str, spans, doc_labels, note: str = "", annotator="alice"):
    from cooltui.corpus import Article, text_sha
    from cooltui.export.record import Record
    from cooltui.text import TokenIndex

    article = Article(article_id, "", text_sha(text), len(text), "corpus.jsonl", _text=text)
    made = tuple(Span(s, e, label, text[s:e]) for s, e, label in spans)
    annotation = Annotation(article_id, text_sha(text), made, note=note, status=Status.DONE)
    return Record(annotator, article, text, annotation, made, doc_labels, TokenIndex(text))


def brat_export(folder: Path, scheme: Scheme, records) -> Path:
    brat_export_module = pytest.importorskip("cooltui.export.brat")
    folder.mkdir()
    writer = brat_export_module.BratWriter(folder, scheme)
    for record in records:
        writer.write(record)
    writer.close()
    # What the export puts beside the documents.
    write(folder / "annotation.conf", brat_export_module.annotation_conf(scheme))
    return folder


def doc_labels(article_id: str) -> dict[str, list[str] | str | None]:
    groups = GROUPS[article_id]
    return {
        "themes": list(groups.get("themes", ())),
        "activity": next(iter(groups.get("activity", ())), None),
    }


def test_brat_reads_back_what_the_export_wrote(tmp_path, scheme):
    records = [
        brat_record(i, text, SPANS[i], doc_labels(i), NOTES[i], annotator)
        for annotator in ("alice", "bob")
        for i, text in ARTICLES.items()
    ]
    records.append(brat_record("berita/1 ü", "Wan hadir.", [(0, 3, "PER")], doc_labels("a2")))
    read_back = read(brat, brat_export(tmp_path / "out", scheme, records))
    got = {(r.id, r.annotator): r for r in read_back}
    assert sorted(got) == sorted(
        [(i, a) for i in ARTICLES for a in ("alice", "bob")] + [("berita/1 ü", "alice")]
    )
    for (article_id, _), record in got.items():
        if article_id in ARTICLES:
            assert record.text == ARTICLES[article_id]
            assert [(s.start, s.end, s.label) for s in record.spans] == SPANS[article_id]
            assert all(s.text == record.text[s.start : s.end] for s in record.spans)
            assert set(record.labels) == expected_labels(article_id)
            assert record.note == NOTES[article_id].replace("\n", " ")
            assert (record.done, record.meta) == (False, {})
    # "Kota\nDumai", cut at its line break by the export, is one span again.
    assert got["a2", "bob"].spans[-1] == SourceSpan(56, 66, "LOC", "Kota\nDumai")


@settings(max_examples=200, deadline=None)
@given(
    words=st.lists(st.sampled_from(["Kota", " ", "\n", "\t", "😀", "\u00a0", "é"]), max_size=12),
    data=st.data(),
)
def test_brat_reads_any_span_the_export_writes_as_it_was(tmp_path_factory, words, data, scheme):
    text = "".join(words) + "x"
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    # cooltui's spans start and end on a character that is not a blank (whole tokens).
    assume(not text[start].isspace() and not text[end - 1].isspace())
    folder = tmp_path_factory.mktemp("brat") / "out"
    brat_export(folder, scheme, [brat_record("a", text, [(start, end, "LOC")], doc_labels("a1"))])
    [record] = read(brat, folder)
    assert record.spans == (SourceSpan(start, end, "LOC", text[start:end]),)
    assert set(record.labels) == expected_labels("a1")


def test_brat_file_names_of_other_tools_are_ids_as_they_are(tmp_path):
    write(tmp_path / "doc.v2%41.txt", "Aman.")
    write(tmp_path / "doc.v2%41.ann", "T1\tLOC 0 4\tAman\n")
    [record] = read(brat, tmp_path)
    assert (record.id, record.annotator) == ("doc.v2%41", None)


@pytest.mark.parametrize(
    ("ann", "problem"),
    [
        ("T1\tPER a 5\tWan\n", "1: T1 is not ID<TAB>TYPE START END"),
        ("T1\tPER 0 5 9\tWan\n", "1: T1 is not ID<TAB>TYPE START END"),
        ("T1\tPER 0 3;\tWan\n", "1: T1 is not ID<TAB>TYPE START END"),
        ("T1\t 0 3\tWan\n", "1: T1 is not ID<TAB>TYPE START END"),
        ("T1\tPER -1 3\tWan\n", "1: T1 is not ID<TAB>TYPE START END"),
        ("T1\tPER 0 3\tWan\nT2 LOC 0 3 Wan\n", "2: no tab after the annotation's id"),
        ("X1\tPER 0 3\tWan\n", "1: unknown annotation 'X1'"),
        ("A1\tNegation\n", "1: an attribute is A1<TAB>NAME T1 [VALUE]"),
        ("#1\tAnnotatorNotes\tnote\n", "1: a note is #1<TAB>AnnotatorNotes T1<TAB>text"),
    ],
)
def test_brat_names_the_ann_line_that_does_not_parse(tmp_path, ann, problem):
    write(tmp_path / "doc.txt", "Wan hadir.")
    path = write(tmp_path / "doc.ann", ann)
    message = failure(brat, tmp_path)
    assert message.startswith(f"{path}:{problem}")
    assert message.endswith("fix the line as brat's standoff format has it")


def test_brat_leaves_offsets_outside_the_text_to_the_import(tmp_path):
    record = ann_record(tmp_path, "Wan.", "T1\tPER 2 90\tWan\n")
    assert record.spans == (SourceSpan(2, 90, "PER", "Wan"),)


def test_brat_refuses_an_ann_without_its_txt(tmp_path):
    write(tmp_path / "a.txt", "Aman.")
    write(tmp_path / "a.ann", "")
    path = write(tmp_path / "b.ann", "T1\tPER 0 3\tWan\n")
    assert failure(brat, tmp_path) == (
        f"{path}: no b.txt beside it; brat keeps each document's text in a .txt of the same "
        "name: put it there"
    )


def test_brat_names_bad_utf8_in_the_txt_and_in_the_ann(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"Aman.\nDum\xe2i.")
    assert failure(brat, tmp_path) == (
        f"{tmp_path / 'a.txt'}:2: not UTF-8 (bad byte 0xe2); save the file as UTF-8"
    )
    (tmp_path / "a.txt").write_bytes(b"Aman.")
    (tmp_path / "a.ann").write_bytes(b"T1\tLOC 0 4\tAman\nT2\tLOC 0 4\tAm\xffn\n")
    assert failure(brat, tmp_path).startswith(f"{tmp_path / 'a.ann'}:2: not UTF-8 (bad byte 0xff)")


def test_brat_refuses_a_folder_without_documents(tmp_path):
    write(tmp_path / "annotation.conf", "[entities]\nPER\n")
    assert failure(brat, tmp_path) == (
        f"{tmp_path}: holds no .txt or .ann file; give the folder of a brat project"
    )


# --- cooltui jsonl: strict on shape, lenient on offsets -------------------------------------------

GOOD_LINE = {
    "id": "a1",
    "text": "Wan hadir.",
    "spans": [{"start": 0, "end": 3, "label": "PER", "text": "Wan"}],
    "themes": [],
    "note": "",
    "status": "done",
    "annotator": "alice",
    "meta": {"title": "Wan"},
}


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"spans": None}, "'spans' is not a list"),
        ({"spans": [[0, 3, "PER"]]}, "a span is not an object"),
        ({"spans": [{"start": 0, "end": 3, "label": "PER"}]}, "lacks 'text'"),
        (
            {"spans": [{"start": "0", "end": 3, "label": "PER", "text": "W"}]},
            "'start' is not a whole",
        ),
        (
            {"spans": [{"start": True, "end": 3, "label": "PER", "text": "W"}]},
            "'start' is not a whole",
        ),
        ({"status": "accepted"}, "unknown status 'accepted'"),
        ({"themes": [1]}, "group 'themes' is not a value, a list of values or null"),
        ({"id": 7}, "'id' is not a string"),
        ({"meta": []}, "'meta' is not an object"),
        ({"annotator": None}, "'annotator' is not a string"),
    ],
)
def test_jsonl_names_the_line_of_a_wrong_shape(tmp_path, change, problem):
    path = tmp_path / "x.jsonl"
    path.write_bytes(orjson.dumps(GOOD_LINE) + b"\n" + orjson.dumps(GOOD_LINE | change) + b"\n")
    message = failure(cooltui_jsonl, path)
    assert message.startswith(f"{path}:2: not a cooltui jsonl record ({problem}")
    assert message.endswith("or name its --format")


def test_jsonl_names_lines_that_are_not_json_or_not_utf8(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_bytes(orjson.dumps(GOOD_LINE) + b'\n{"id": "a2", "text": "Dum\xe2i"}\n')
    assert failure(cooltui_jsonl, path).startswith(f"{path}:2: not JSON (")
    path.write_bytes(b"\xef\xbb\xbf" + orjson.dumps(GOOD_LINE) + b"\n" + b'{"id": "a2", "te')
    assert failure(cooltui_jsonl, path).startswith(f"{path}:2: not JSON (")


def test_jsonl_leaves_offsets_to_the_import(tmp_path):
    line = GOOD_LINE | {"spans": [{"start": 5, "end": 99, "label": "PER", "text": "Wan"}]}
    path = tmp_path / "x.jsonl"
    path.write_bytes(orjson.dumps(line))
    [record] = read(cooltui_jsonl, path)
    assert record.spans == (SourceSpan(5, 99, "PER", "Wan"),)


# --- claims(): which reader takes which file ----------------------------------------------------

DOCCANO = {"id": 1, "text": "Wan hadir.", "label": [[0, 3, "PER"]], "cats": ["themes:X"]}
DOCCANO_ENTITIES = {
    "id": 1,
    "text": "Wan hadir.",
    "entities": [{"id": 1, "label": "PER", "start_offset": 0, "end_offset": 3}],
    "relations": [],
}
PRODIGY = {
    "text": "Wan hadir.",
    "meta": {"source": "x"},
    "_input_hash": 1,
    "_task_hash": 2,
    "spans": [{"start": 0, "end": 3, "label": "PER", "token_start": 0, "token_end": 0}],
    "answer": "accept",
}
LABEL_STUDIO = [{"id": 1, "data": {"text": "Wan hadir."}, "annotations": [{"result": []}]}]


def claimed(path: Path) -> list[str]:
    return [name for name, reader in READERS.items() if reader.claims(path, head(path))]


@pytest.fixture
def files(tmp_path: Path, corpus: Corpus, scheme: Scheme) -> dict[str, Path]:
    made = {
        name: exported(tmp_path, corpus, scheme, fmt)
        for name, fmt in (("jsonl", "jsonl"), ("conll", "conll"), ("spacy", "spacy"))
    }
    docbin = made["spacy"].with_suffix(".bin")
    docbin.write_bytes(made["spacy"].read_bytes())
    long_line = GOOD_LINE | {"text": "Wan hadir. " * 10_000}  # longer than the 64 KiB head
    folder_without_ann = tmp_path / "texts"
    folder_without_ann.mkdir()
    write(folder_without_ann / "a.txt", "Aman.")
    return made | {
        "docbin named .bin": docbin,
        "jsonl, first line past the head": write(
            tmp_path / "long.jsonl", orjson.dumps(long_line).decode() + "\n"
        ),
        "doccano": write(tmp_path / "d.jsonl", orjson.dumps(DOCCANO).decode() + "\n"),
        "doccano entities": write(
            tmp_path / "e.jsonl", orjson.dumps(DOCCANO_ENTITIES).decode() + "\n"
        ),
        "prodigy": write(tmp_path / "p.jsonl", orjson.dumps(PRODIGY).decode() + "\n"),
        "label studio": write(tmp_path / "ls.json", orjson.dumps(LABEL_STUDIO).decode()),
        "conll sentences as .txt": write(tmp_path / "s.txt", "# text = x\nWan\tB-PER\n\n"),
        "bioes": DATA / "bioes.conll",
        "brat folder": DATA / "brat",
        "brat .ann": DATA / "brat" / "a1.ann",
        "prose": write(tmp_path / "prose.txt", "Wan hadir di Kota Dumai.\nAman.\n"),
        "folder of texts": folder_without_ann,
        "empty": write(tmp_path / "empty.jsonl", ""),
        "random": write(tmp_path / "random.bin", os.urandom(2048).hex()),
    }


def test_claims_tell_the_formats_apart(files):
    assert {name: claimed(path) for name, path in files.items()} == {
        "jsonl": ["jsonl"],
        "conll": ["conll"],
        "spacy": ["spacy"],
        "docbin named .bin": ["spacy"],
        "jsonl, first line past the head": ["jsonl"],
        "doccano": [],
        "doccano entities": [],
        "prodigy": [],
        "label studio": [],
        "conll sentences as .txt": ["conll"],
        "bioes": ["conll"],
        "brat folder": ["brat"],
        "brat .ann": ["brat"],
        "prose": [],
        "folder of texts": [],
        "empty": [],
        "random": [],
    }
