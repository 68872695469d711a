"""Hugging Face token classification: JSON lines that `datasets.load_dataset("json", ...)` loads.

One line per article (and annotator): {"id", "tokens": our tokenizer's words, "ner_tags": IOB2
tag ids, then one key per document label group: a list of values for a multi-choice group, a
value or null for a single-choice one}. The tag names, in id order, are "O" then B- and I- of
every exported span label in scheme order, the way the Hub's NER datasets (conll2003, wikiann)
list them; `labels_file` writes them, and each group's values, beside the data, so that a
ClassLabel can be cast from them. IOB2 holds no overlapping spans: the format is registered
with overlap=False, and the export leaves such an article out and says so.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping, Sequence
from typing import Any, BinaryIO

import orjson

from cooltui.errors import CoolError
from cooltui.export.labels import LabelsMap, exported_labels
from cooltui.export.record import Record
from cooltui.model import Span
from cooltui.scheme import Scheme
from cooltui.text import TokenIndex

OUTSIDE_TAG = "O"
COLUMNS = ("id", "tokens", "ner_tags")
"""The keys of a line besides the document label groups."""


class HfError(CoolError):
    """A scheme the hf format cannot write: a group named like one of its columns."""


def label_names(scheme: Scheme, labels_map: LabelsMap | None = None) -> list[str]:
    """The IOB2 tag names in id order: "O", then B- and I- of every exported span label."""
    return [
        OUTSIDE_TAG,
        *(f"{prefix}-{label}" for label in exported_labels(scheme, labels_map) for prefix in "BI"),
    ]


def labels_file(scheme: Scheme, labels_map: LabelsMap | None = None) -> bytes:
    """The JSON written beside the data: {"ner_tags": tag names in id order, each document label
    group: its values in scheme order, and "_features": the columns' types as `datasets` writes
    them}.

    `datasets` guesses a column's type from the first 10 MB of a file: a group no article there
    has a value for reads as null, and a value further on stops the load ("Couldn't cast array
    of type string to null"). `load_dataset("json", data_files=...,
    features=Features.from_dict(labels["_features"]))` never guesses, and gives ner_tags their
    ClassLabel names. (A group's name starts with a letter: "_features" is never one.)"""
    check_columns(scheme)
    names = label_names(scheme, labels_map)
    labels: dict[str, Any] = {"ner_tags": names}
    labels.update({group.name: [value.name for value in group.values] for group in scheme.groups})
    labels[FEATURES] = _features(scheme, names)
    return orjson.dumps(labels, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


FEATURES = "_features"


def _features(scheme: Scheme, tag_names: list[str]) -> dict[str, Any]:
    """Each column's type in the form `datasets.Features.to_dict()` gives and `from_dict`
    reads (Sequence, which every version of `datasets` reads, for a list)."""
    string = {"dtype": "string", "_type": "Value"}
    strings = {"feature": string, "_type": "Sequence"}
    return {
        "id": string,
        "tokens": strings,
        "ner_tags": {"feature": {"names": tag_names, "_type": "ClassLabel"}, "_type": "Sequence"},
        **{group.name: strings if group.multi else string for group in scheme.groups},
    }


def check_columns(scheme: Scheme) -> None:
    """Fail, before anything is written, if a group of the scheme would overwrite a column."""
    for group in scheme.groups:
        if group.name in COLUMNS:
            where = scheme.path or scheme.name
            raise HfError(
                f"{where}: document label group {group.name!r} has the name of a column of the "
                f"hf format ({', '.join(COLUMNS)}); rename the group to export to hf"
            )


def ner_tags(tokens: TokenIndex, spans: Sequence[Span], tag_ids: Mapping[str, int]) -> list[int]:
    """The IOB2 tag id of every token: B- on a span's first token, I- on the rest, else O (0).

    The export's checks let through only spans on token boundaries that do not overlap, with a
    label of the list; anything else is a ValueError rather than tags shifted or merged.
    """
    starts, ends = tokens.starts, tokens.ends
    tags = [0] * len(starts)
    for span in spans:
        first = bisect_left(starts, span.start)
        last = bisect_left(ends, span.end)
        if (
            first >= len(starts)
            or last >= len(ends)
            or starts[first] != span.start
            or ends[last] != span.end
            or any(tags[first : last + 1])
        ):
            raise ValueError(f"span {span.start}-{span.end} is off the tokens or overlaps")
        begin = tag_ids.get(f"B-{span.label}")
        if begin is None:
            raise ValueError(f"span label {span.label!r} is not in the hf label list")
        tags[first] = begin
        tags[first + 1 : last + 1] = [begin + 1] * (last - first)  # I- follows B- in the list
    return tags


class HfWriter:
    """One JSON line per record; records stand alone, so the export orders them (chunks)."""

    def __init__(
        self, out: BinaryIO, scheme: Scheme, *, labels_map: LabelsMap | None = None
    ) -> None:
        check_columns(scheme)
        self.out = out
        self.tag_ids = {name: index for index, name in enumerate(label_names(scheme, labels_map))}

    def write(self, record: Record) -> None:
        assert record.tokens is not None  # the hf format asks for tokens
        try:
            tags = ner_tags(record.tokens, record.spans, self.tag_ids)
        except ValueError as error:  # the checks let no such span through: stop, write nothing
            raise RuntimeError(f"{record.article.id}: {error}") from None
        line = {
            "id": record.article.id,
            "tokens": [token.text for token in record.tokens.tokens],
            "ner_tags": tags,
            **record.doc_labels,
        }
        self.out.write(orjson.dumps(line, option=orjson.OPT_APPEND_NEWLINE))

    def close(self) -> None:
        pass
