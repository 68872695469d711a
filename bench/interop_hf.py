"""The hf export loaded by Hugging Face `datasets` itself, offline: no span lost or shifted.

Writes the gold annotations (tests/data/gold: 5 seed and 13 held-out articles, with their themes
and activity) with HfWriter, as one file and as train/dev/test files, with the labels file
beside them; then, in a Python that has `datasets` (not the project's: install it apart, e.g.
`python -m venv /tmp/hf-venv && /tmp/hf-venv/bin/pip install datasets`), runs this same script
with --load, which loads them with `datasets.load_dataset("json", data_files=...)`, casts
ner_tags to Sequence(ClassLabel) from the labels file, decodes every article's IOB2 tags back to
token spans and compares them with the gold's. Also loads a file whose first 10 MB (the batch
`datasets` infers the columns' types from) has no document label at all and whose later lines
do: as it is, and with `features=Features.from_dict(labels["_features"])` from the labels
file. Prints `name=value unit` lines:

    hf_rows=                  articles written / loaded as one dataset
    hf_spans=                 gold spans / spans decoded from the loaded tags; how many are equal
    hf_tokens_equal=          articles whose loaded tokens equal our tokenizer's
    hf_groups_equal=          articles whose loaded groups equal the gold's
    hf_classlabel_names=      the ClassLabel names equal the labels file's (1) or not (0)
    hf_split_rows=            train/validation/test rows of the DatasetDict
    hf_late_labels_as_is=     loading the file whose first batch has no document label
    hf_late_labels_features=  the same with features= from the labels file
    hf_load_s=                seconds to load the single file (a cold cache)

    .venv/bin/python bench/interop_hf.py [--client /tmp/hf-venv/bin/python] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "data" / "gold"
LATE_LINES = (6_000, 200)
"""Lines without, then with, document labels: 6,000 of ~3 KB fill datasets' first 10 MB."""


# --- the writing side (the project's Python) ----------------------------------------------------


def gold_records() -> Iterator[Any]:
    """The gold articles as the export's checks hand them to a writer."""
    from cooltui.corpus import Article
    from cooltui.export.formats import read_jsonl
    from cooltui.export.record import Record
    from cooltui.scheme import load_scheme
    from cooltui.text import TokenIndex

    scheme = load_scheme()
    for path in (GOLD / "seeds.jsonl", GOLD / "heldout.jsonl"):
        for position, exported in enumerate(read_jsonl(path)):
            annotation, text = exported.annotation, exported.text
            article = Article(
                exported.id, "", annotation.text_sha, len(text), str(path), _text=text
            )
            doc_labels = {
                group.name: (
                    list(annotation.doc_labels.get(group.name, ()))
                    if group.multi
                    else next(iter(annotation.doc_labels.get(group.name, ())), None)
                )
                for group in scheme.groups
            }
            yield Record(
                exported.annotator,
                article,
                text,
                annotation,
                annotation.spans,
                doc_labels,
                TokenIndex(text),
                position,
            )


def write(folder: Path) -> dict[str, Any]:
    """The hf files and what the loaded dataset must hold."""
    from dataclasses import replace

    from cooltui.export.hf import HfWriter, labels_file
    from cooltui.scheme import load_scheme

    scheme = load_scheme()
    records = list(gold_records())
    parts = {"train": records[:5], "validation": records[5:11], "test": records[11:]}
    files = {"all": records, **parts}
    for name, part in files.items():
        with (folder / f"{name}.hf.jsonl").open("wb") as out:
            writer = HfWriter(out, scheme)
            for record in part:
                writer.write(record)
    unlabelled = {group.name: [] if group.multi else None for group in scheme.groups}
    with (folder / "late.hf.jsonl").open("wb") as out:
        writer = HfWriter(out, scheme)
        for index in range(sum(LATE_LINES)):
            record = records[index % len(records)]
            writer.write(
                record if index >= LATE_LINES[0] else replace(record, doc_labels=unlabelled)
            )
    (folder / "all.hf.jsonl.labels.json").write_bytes(labels_file(scheme))
    return {
        "expected": {record.article.id: expected(record) for record in records},
        "parts": {name: len(part) for name, part in parts.items()},
    }


def expected(record: Any) -> dict[str, Any]:
    tokens = record.tokens
    return {
        "tokens": [token.text for token in tokens.tokens],
        "spans": [
            [tokens.starts.index(span.start), tokens.ends.index(span.end), span.label]
            for span in record.spans
        ],
        "groups": dict(record.doc_labels),
    }


# --- the loading side (a Python with datasets) ---------------------------------------------------


def load(folder: Path) -> None:
    os.environ["HF_DATASETS_OFFLINE"] = "1"
    import datasets

    cache = str(folder / "cache")
    facts = json.loads((folder / "facts.json").read_text())
    labels = json.loads((folder / "all.hf.jsonl.labels.json").read_text())
    names = labels["ner_tags"]
    started = time.perf_counter()
    loaded = datasets.load_dataset("json", data_files=str(folder / "all.hf.jsonl"), cache_dir=cache)
    seconds = time.perf_counter() - started
    rows = loaded["train"].cast_column(
        "ner_tags", datasets.Sequence(datasets.ClassLabel(names=names))
    )
    report_rows(rows, facts["expected"], names)
    print(f"hf_load_s={seconds:.2f} s")

    splits = {part: str(folder / f"{part}.hf.jsonl") for part in facts["parts"]}
    dataset_dict = datasets.load_dataset("json", data_files=splits, cache_dir=cache)
    counts = "/".join(str(dataset_dict[part].num_rows) for part in facts["parts"])
    wanted = "/".join(str(count) for count in facts["parts"].values())
    print(f"hf_split_rows={counts} rows (written {wanted})")

    late = str(folder / "late.hf.jsonl")
    try:
        datasets.load_dataset("json", data_files=late, cache_dir=cache)
        print("hf_late_labels_as_is=loaded")
    except datasets.exceptions.DatasetGenerationError as error:
        print(f"hf_late_labels_as_is=failed ({error.__cause__})")
    # The labels file says each column's type as datasets writes them: nothing is guessed.
    features = datasets.Features.from_dict(labels["_features"])
    late_rows = datasets.load_dataset("json", data_files=late, features=features, cache_dir=cache)
    print(f"hf_late_labels_features=loaded {late_rows['train'].num_rows} rows")


def report_rows(rows: Any, expected: dict[str, Any], names: list[str]) -> None:
    gold = sum(len(item["spans"]) for item in expected.values())
    matched = decoded = tokens_equal = groups_equal = 0
    for row in rows:
        wanted = expected[row["id"]]
        found = decode([names[tag] for tag in row["ner_tags"]])
        decoded += len(found)
        matched += sum(span in found for span in wanted["spans"])
        tokens_equal += row["tokens"] == wanted["tokens"]
        groups_equal += all(row[group] == value for group, value in wanted["groups"].items())
    print(f"hf_rows={len(expected)}/{rows.num_rows} articles")
    print(f"hf_spans={gold}/{decoded} spans (gold/decoded; {matched} equal and in place)")
    print(f"hf_tokens_equal={tokens_equal} articles")
    print(f"hf_groups_equal={groups_equal} articles")
    print(f"hf_classlabel_names={int(rows.features['ner_tags'].feature.names == names)} bool")


def decode(tags: list[str]) -> list[list[Any]]:
    """[first token, last token, label] of each span IOB2 tags mark."""
    spans: list[list[Any]] = []
    for index, tag in enumerate(tags):
        if tag.startswith("B-"):
            spans.append([index, index, tag[2:]])
        elif (
            tag.startswith("I-") and spans and spans[-1][2] == tag[2:] and spans[-1][1] == index - 1
        ):
            spans[-1][1] = index
        elif tag != "O":
            raise ValueError(f"token {index}: {tag} follows no span of its label")
    return spans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--client", default="/tmp/hf-venv/bin/python", help="a Python with datasets"
    )
    parser.add_argument("--keep", type=Path, help="write the files here and keep them")
    parser.add_argument("--load", type=Path, help=argparse.SUPPRESS)  # the client's side
    args = parser.parse_args()
    if args.load:
        load(args.load)
        return
    with tempfile.TemporaryDirectory() as temporary:
        folder = args.keep or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        facts = write(folder)
        (folder / "facts.json").write_text(json.dumps(facts))
        environment = {**os.environ, "HF_DATASETS_OFFLINE": "1", "HF_HOME": str(folder / "hf")}
        done = subprocess.run(
            [args.client, __file__, "--load", str(folder)],
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )
        sys.stdout.write(done.stdout)
        if done.returncode:
            sys.exit(f"the loading side failed:\n{done.stderr}")


if __name__ == "__main__":
    main()
