"""The export formats: ours (jsonl), doccano's JSONL, CoNLL-2003 IOB2 and spaCy's DocBin.

Each format is a Writer over a binary stream; `read_jsonl` reads our own format back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from cooltui.errors import CoolError
from cooltui.export.labels import LabelsMap
from cooltui.export.record import Record, Writer, WriterFactory, categories
from cooltui.model import MANUAL, Annotation, Span, Status
from cooltui.offsets import Utf16Offsets
from cooltui.scheme import EXPORT_FIELDS, Scheme


@dataclass(frozen=True, slots=True)
class Format:
    name: str
    extension: str
    """Of the default output file, without the leading dot."""
    open: WriterFactory
    binary: bool = False
    """A binary file cannot go to stdout."""
    tokens: bool = False
    """Labels whole tokens: every span must start and end on a token boundary."""
    overlap: bool = True
    """Can hold overlapping spans; an article with overlapping spans is dropped otherwise."""
    overlap_note: str | None = None
    """What becomes of overlapping spans, for the report, when the format treats them apart."""
    chunks: bool = True
    """Each record is written as bytes of its own: the export puts them in corpus order, and
    worker processes' files can be put together. Otherwise the writer keeps its records until
    it is closed and orders them itself."""
    options: tuple[str, ...] = ()
    """The fields of ExportOptions the writer takes as keywords (utf16, cats...)."""
    folder: bool = False
    """Writes a folder of files: `open` is given the folder's path instead of a stream."""
    companions: Callable[[Scheme, LabelsMap | None], dict[str, bytes]] | None = None
    """Files made from the scheme and the labels map that go with the export (a labelling
    config, a label list): each is written beside the output as <output>.<key>, or into a
    folder format's folder as <key>."""


# --- jsonl: ours -------------------------------------------------------------------------------


def jsonl_line(record: Record) -> dict[str, Any]:
    """The JSON object of one article in our jsonl: what JsonlWriter puts on a line."""
    annotation, article = record.annotation, record.article
    return {
        "id": article.id,
        "text": record.text,
        # The keys of Prodigy's and spaCy's JSONL spans, so both read them as they are, and
        # who made each: "manual", or the rule that suggested it ("source" in Prodigy too).
        "spans": [
            {"start": s.start, "end": s.end, "label": s.label, "text": s.text, "source": s.source}
            for s in record.spans
        ],
        **record.doc_labels,
        "note": annotation.note,
        "status": annotation.status.value,
        "annotator": record.annotator,
        "meta": {
            "title": article.full_title,
            "source": article.location,
            "outlet": article.outlet,
            "date": article.date,
            "text_sha": annotation.text_sha,
            "updated": annotation.updated,
            "seconds": annotation.seconds,
        },
    }


class JsonlWriter:
    """One JSON object per article: its text, spans, document labels, note, status and meta."""

    def __init__(self, out: BinaryIO, scheme: Scheme) -> None:
        self.out = out

    def write(self, record: Record) -> None:
        self.out.write(orjson.dumps(jsonl_line(record), option=orjson.OPT_APPEND_NEWLINE))

    def close(self) -> None:
        pass


class JsonlReadError(CoolError):
    """A line of an exported file that is not a record of our jsonl format."""


@dataclass(frozen=True, slots=True)
class ExportedArticle:
    """One line of our jsonl format, read back; `annotation` holds what the export carries."""

    id: str
    text: str
    annotator: str
    annotation: Annotation
    meta: dict[str, Any]


def read_jsonl(path: Path) -> Iterator[ExportedArticle]:
    """The records of a file written by `cooltui export --format jsonl`, checked as they are read.

    Every span must lie in the text at its offsets, and keeps its source ("manual" when a file
    written before spans had one lacks it); a document label group (any key that is not a field
    of the format) becomes a tuple of values, empty for [] or null.
    """
    with path.open("rb") as lines:
        for number, raw in enumerate(lines, 1):
            if not raw.strip():
                continue
            try:
                yield _exported(orjson.loads(raw))
            except (
                orjson.JSONDecodeError,
                AttributeError,
                KeyError,
                TypeError,
                ValueError,
            ) as error:
                reason = f"lacks {error}" if isinstance(error, KeyError) else str(error)
                raise JsonlReadError(
                    f"{path}:{number}: not a cooltui jsonl record ({reason})"
                ) from None


def _exported(data: dict[str, Any]) -> ExportedArticle:
    text = data["text"]
    spans = tuple(
        sorted(
            Span(s["start"], s["end"], s["label"], s["text"], s.get("source", MANUAL))
            for s in data["spans"]
        )
    )
    for span in spans:
        if span.end > len(text) or text[span.start : span.end] != span.text:
            raise ValueError(f"span {span.start}-{span.end} does not match the text")
    groups = {
        key: tuple(value) if isinstance(value, list) else (value,) if value is not None else ()
        for key, value in data.items()
        if key not in EXPORT_FIELDS
    }
    meta = data["meta"]
    annotation = Annotation(
        article_id=data["id"],
        text_sha=meta["text_sha"],
        spans=spans,
        doc_labels=groups,
        note=data["note"],
        status=Status(data["status"]),
        updated=meta["updated"],
        seconds=meta["seconds"],
    )
    return ExportedArticle(data["id"], text, data["annotator"], annotation, meta)


# --- doccano -----------------------------------------------------------------------------------


class DoccanoWriter:
    """doccano's sequence labelling JSONL, with the document labels as its "cats".

    doccano reads {"text", "label": [[start, end, LABEL], ...]} for sequence labelling and a
    "cats" list of categories beside the spans; any other key (our "id") becomes the example's
    metadata. A category is "group:VALUE", since one value name may sit in two groups. An
    intent-and-slot project reads the spans as "entities" instead (`shape`). doccano's browser
    counts offsets in UTF-16 units: with `utf16`, a text holding emoji gets offsets it places
    right (doccano issue #2290).
    """

    def __init__(
        self, out: BinaryIO, scheme: Scheme, *, utf16: bool = False, doccano_shape: str = "label"
    ) -> None:
        self.out = out
        self.utf16 = utf16
        self.key = "entities" if doccano_shape == "entities" else "label"

    def write(self, record: Record) -> None:
        offsets = Utf16Offsets(record.text) if self.utf16 else None
        spans = [
            [offsets.to_utf16(s.start), offsets.to_utf16(s.end), s.label]
            if offsets is not None
            else [s.start, s.end, s.label]
            for s in record.spans
        ]
        line = {
            "id": record.article.id,
            "text": record.text,
            self.key: spans,
            "cats": categories(record.doc_labels),
        }
        self.out.write(orjson.dumps(line, option=orjson.OPT_APPEND_NEWLINE))

    def close(self) -> None:
        pass


# --- CoNLL-2003 --------------------------------------------------------------------------------

DOCSTART = "-DOCSTART- -X- O O"
"""The line spaCy's `spacy convert --converter ner` splits documents at, exactly: with CoNLL-2003's
own "-DOCSTART- -X- -X- O" it makes one document of every ten sentences. Readers for seqeval and
the like skip any line that starts with -DOCSTART-."""


class ConllWriter:
    """CoNLL-2003 columns (token, POS, chunk, NER) with IOB2 tags on our tokenizer's tokens.

    We have no POS or chunk tags: their columns hold "-X-" and "_". A document starts with the
    DOCSTART line; a line break in the text ends a sentence (a blank line), unless it falls
    inside a span. Records come in corpus order. The article's id is not written: spaCy's
    converter stops at an id after DOCSTART (error E903) and at a comment line (E177: it reads
    every line as token and tags).
    """

    def __init__(self, out: BinaryIO, scheme: Scheme) -> None:
        self.out = out

    def write(self, record: Record) -> None:
        assert record.tokens is not None  # the conll format asks for tokens
        text = record.text
        lines = [DOCSTART, ""]
        spans = iter(record.spans)
        span = next(spans, None)
        previous_end: int | None = None
        for token in record.tokens.tokens:
            while span is not None and span.end <= token.start:
                span = next(spans, None)
            if span is not None and span.start <= token.start:
                tag = ("I-" if token.start > span.start else "B-") + span.label
            else:
                tag = "O"
            if (
                previous_end is not None
                and tag[0] != "I"
                and "\n" in text[previous_end : token.start]
            ):
                lines.append("")
            lines.append(f"{token.text} -X- _ {tag}")
            previous_end = token.end
        lines.append("")
        self.out.write(("\n".join(lines) + "\n").encode())

    def close(self) -> None:
        pass


# --- spaCy -------------------------------------------------------------------------------------


def _open_docbin(out: BinaryIO, scheme: Scheme, *, cats: str | None = None) -> Writer:
    # spaCy takes seconds to import: only an export to this format pays for it.
    from cooltui.export.docbin import DocBinWriter

    return DocBinWriter(out, scheme, cats=cats)


def _open_labelstudio(
    out: BinaryIO, scheme: Scheme, *, utf16: bool = False, as_predictions: bool = False
) -> Writer:
    from cooltui.export.labelstudio import LabelStudioWriter

    return LabelStudioWriter(out, scheme, as_predictions=as_predictions, utf16=utf16)


def _labelstudio_config(scheme: Scheme, labels_map: LabelsMap | None) -> dict[str, bytes]:
    from cooltui.export.labelstudio import labeling_config

    return {"config.xml": labeling_config(scheme, labels_map).encode()}


def _open_prodigy(out: BinaryIO, scheme: Scheme) -> Writer:
    from cooltui.export.prodigy import ProdigyWriter

    return ProdigyWriter(out, scheme)


def _hf_labels(scheme: Scheme, labels_map: LabelsMap | None) -> dict[str, bytes]:
    from cooltui.export.hf import labels_file

    return {"labels.json": labels_file(scheme, labels_map)}


def _open_hf(out: BinaryIO, scheme: Scheme, *, labels_map: LabelsMap | None = None) -> Writer:
    from cooltui.export.hf import HfWriter

    return HfWriter(out, scheme, labels_map=labels_map)


def _brat_configs(scheme: Scheme, labels_map: LabelsMap | None) -> dict[str, bytes]:
    from cooltui.export.brat import annotation_conf, visual_conf

    return {
        "annotation.conf": annotation_conf(scheme, labels_map).encode(),
        "visual.conf": visual_conf(scheme, labels_map).encode(),
    }


def _open_brat(folder: Path, scheme: Scheme, *, labels_map: LabelsMap | None = None) -> Writer:
    from cooltui.export.brat import BratWriter

    return BratWriter(folder, scheme, labels_map=labels_map)


FORMATS: dict[str, Format] = {
    "jsonl": Format("jsonl", "jsonl", JsonlWriter),
    "doccano": Format(
        "doccano", "doccano.jsonl", DoccanoWriter, options=("utf16", "doccano_shape")
    ),
    "conll": Format("conll", "conll", ConllWriter, tokens=True, overlap=False),
    "spacy": Format(
        "spacy",
        "spacy",
        _open_docbin,
        binary=True,
        tokens=True,
        overlap_note='overlapping spans: kept in doc.spans["sc"], doc.ents left unset',
        chunks=False,
        options=("cats",),
    ),
    "labelstudio": Format(
        "labelstudio",
        "labelstudio.json",
        _open_labelstudio,
        chunks=False,
        options=("utf16", "as_predictions"),
        companions=_labelstudio_config,
    ),
    "prodigy": Format(
        "prodigy",
        "prodigy.jsonl",
        _open_prodigy,
        tokens=True,
        overlap_note="overlapping spans: kept, for Prodigy's spans recipes (ner takes none)",
    ),
    "hf": Format(
        "hf",
        "hf.jsonl",
        _open_hf,
        tokens=True,
        overlap=False,
        options=("labels_map",),
        companions=_hf_labels,
    ),
    "brat": Format(
        "brat",
        "brat",
        _open_brat,
        folder=True,
        chunks=False,
        options=("labels_map",),
        companions=_brat_configs,
    ),
}
