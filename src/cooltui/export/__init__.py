"""Labelled datasets from the annotations: checked against the texts, written atomically.

    report = export(((annotator, annotation) for annotation in store), corpus, scheme,
                    Path("out.jsonl"), ExportOptions(format="conll"))

Formats: jsonl (ours; read it back with read_jsonl), doccano, conll (CoNLL-2003 IOB2) and
spacy (a DocBin; needs the `cooltui[spacy]` extra). Headless: never imports textual.
"""

from cooltui.export.core import ExportOptions, Kind, Problem, Report, export
from cooltui.export.docbin import SpacyMissing, words_and_spaces
from cooltui.export.formats import FORMATS, ExportedArticle, Format, JsonlReadError, read_jsonl
from cooltui.export.labels import NERGRIT, LabelsMap, LabelsMapError, load_labels_map
from cooltui.export.output import ExportError, Split, default_output, part_paths
from cooltui.export.record import Record

__all__ = [
    "FORMATS",
    "NERGRIT",
    "ExportError",
    "ExportOptions",
    "ExportedArticle",
    "Format",
    "JsonlReadError",
    "Kind",
    "LabelsMap",
    "LabelsMapError",
    "Problem",
    "Record",
    "Report",
    "SpacyMissing",
    "Split",
    "default_output",
    "export",
    "load_labels_map",
    "part_paths",
    "read_jsonl",
    "words_and_spaces",
]
