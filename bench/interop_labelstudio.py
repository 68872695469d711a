"""Whether Label Studio's own code takes the labelstudio export and its labelling config.

Writes, with cooltui's LabelStudioWriter, tasks for a few hundred generated articles (a third of
them with emoji before their spans, some with several annotators, notes, both document label
groups) as annotations and as predictions, with UTF-16 offsets, and the labelling config made
from the default scheme. Then, in a separate virtual environment holding label-studio-sdk (it
is not one of cooltui's dependencies), this same script checks them with the SDK:

- `LabelInterface(config).validate()`: the checks Label Studio runs on a project's config
  (its JSON schema, unique names, every toName naming a tag);
- each task's data holds every object tag's `$value` as Label Studio's TaskValidator wants it;
- `validate_annotation` / `validate_prediction` on every annotation and prediction: the check
  Label Studio's import runs on predictions (every result's from_name, to_name, type and value
  against the config, labels and choices among the declared values);
- the SDK's `Converter` (what Label Studio's export runs) reads the tasks file as JSON_MIN, and
  every span it returns lies in the text at its offsets counted in UTF-16 units;
- a task with a label the config lacks is refused (so the checks above can fail).

Prints `name=value unit` lines:

    labelstudio_config_valid=1 configs
    labelstudio_tasks_valid=N tasks            (of labelstudio_tasks=N)
    labelstudio_annotations_valid=N annotations  (of labelstudio_annotations=N)
    labelstudio_predictions_valid=N predictions  (of labelstudio_predictions=N)
    labelstudio_converter_spans=N spans        (read back by the Converter)
    labelstudio_span_mismatches=0 spans        (a Converter span not at its offsets)
    labelstudio_bad_label_rejected=1 predictions

    python -m venv /tmp/ls-venv && /tmp/ls-venv/bin/pip install label-studio-sdk
    python bench/interop_labelstudio.py [--articles 300] [--ls-python /tmp/ls-venv/bin/python]
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

EMOJI = ["😀", "🇮🇩", "👮\u200d♂️", "🔥"]


def export(folder: Path, count: int) -> None:
    """The tasks (annotations and predictions, UTF-16 offsets) and the config, into `folder`."""
    import orjson

    from cooltui.corpus import load_corpus
    from cooltui.export.labelstudio import LabelStudioWriter, labeling_config
    from cooltui.scheme import load_scheme
    from corpus import make_articles

    rng = random.Random(15)
    scheme = load_scheme()
    articles = [
        (article_id, f"Warga {rng.choice(EMOJI)} hadir.\n{text}" if number % 3 == 0 else text)
        for number, (article_id, text) in enumerate(make_articles(count))
    ]
    corpus_path = folder / "corpus.jsonl"
    corpus_path.write_bytes(
        b"".join(orjson.dumps({"id": i, "text": t}) + b"\n" for i, t in articles)
    )
    corpus = load_corpus([corpus_path], cache=False)
    records = [
        record
        for position, article in enumerate(corpus)
        for record in _records(article, position, scheme, rng)
    ]
    rng.shuffle(records)  # the store gives them in any order
    (folder / "config.xml").write_text(labeling_config(scheme), encoding="utf-8")
    for name, as_predictions in (("annotations", False), ("predictions", True)):
        with (folder / f"{name}.json").open("wb") as out:
            writer = LabelStudioWriter(out, scheme, as_predictions=as_predictions, utf16=True)
            for record in records:
                writer.write(record)
            writer.close()


def _records(article: Any, position: int, scheme: Any, rng: random.Random) -> list[Any]:
    """One to three annotators' records of an article, as the export's checks hand them on."""
    from cooltui.export.record import Record
    from cooltui.model import Annotation, Span, Status
    from cooltui.text import TokenIndex

    text = article.text
    tokens = TokenIndex(text)
    found = []
    for annotator in rng.sample(["alice", "bob", "carol"], rng.randint(1, 3)):
        spans, edge = [], 0
        for token in sorted(rng.sample(tokens.tokens, min(8, len(tokens)))):
            if token.start >= edge:
                label = rng.choice(scheme.labels).name
                spans.append(Span(token.start, token.end, label, token.text))
                edge = token.end
        groups = scheme.groups
        chosen = {g.name: [v.name for v in rng.sample(g.values, 1)] for g in groups}
        doc_labels = {
            g.name: chosen[g.name] if g.multi else chosen[g.name][0] for g in scheme.groups
        }
        note = rng.choice(["", "", 'cek "ulang" <b> & 😀'])
        annotation = Annotation(
            article.id, article.text_sha, tuple(spans), chosen, note, Status.DONE, seconds=30.0
        )
        found.append(
            Record(annotator, article, text, annotation, tuple(spans), doc_labels, None, position)
        )
    return found


# --- in label-studio-sdk's virtual environment -------------------------------------------------


def check(folder: Path) -> dict[str, int]:
    """The SDK's verdicts on the files `export` wrote (runs where label_studio_sdk is)."""
    from label_studio_sdk.converter import Converter
    from label_studio_sdk.label_interface import LabelInterface

    config = (folder / "config.xml").read_text(encoding="utf-8")
    interface = LabelInterface(config)
    interface.validate()  # raises on a config Label Studio refuses
    found = {"config_valid": 1}
    values = [tag.value_name for tag in interface.objects if tag.value_is_variable]
    annotated = json.loads((folder / "annotations.json").read_text(encoding="utf-8"))
    predicted = json.loads((folder / "predictions.json").read_text(encoding="utf-8"))
    found["tasks"] = len(annotated)
    found["tasks_valid"] = 0
    for task in annotated:
        data_ok = all(isinstance(task["data"].get(key), str) for key in values)
        errors = [interface.validate_prediction(a, return_errors=True) for a in task["annotations"]]
        found["tasks_valid"] += data_ok and not any(errors)
        if not data_ok or any(errors):
            print(f"task {task['id']}: data {data_ok}, {errors}", file=sys.stderr)
    annotations = [a for task in annotated for a in task["annotations"]]
    predictions = [p for task in predicted for p in task["predictions"]]
    found["annotations"] = len(annotations)
    found["annotations_valid"] = sum(map(interface.validate_annotation, annotations))
    found["predictions"] = len(predictions)
    found["predictions_valid"] = sum(map(interface.validate_prediction, predictions))

    bad = copy.deepcopy(predictions[0])
    next(r for r in bad["result"] if r["type"] == "labels")["value"]["labels"] = ["NOT_A_LABEL"]
    found["bad_label_rejected"] = int(not interface.validate_prediction(bad))

    converter = Converter(config, project_dir=str(folder), download_resources=False)
    read_back = folder / "min"
    converter.convert_to_json_min(str(folder / "annotations.json"), str(read_back), is_dir=False)
    spans = mismatches = 0
    for item in json.loads((read_back / "result.json").read_text(encoding="utf-8")):
        units = item["text"].encode("utf-16-le")
        for span in item.get("label", []):
            spans += 1
            shown = units[2 * span["start"] : 2 * span["end"]].decode("utf-16-le")
            mismatches += shown != span["text"]
    found["converter_spans"] = spans
    found["span_mismatches"] = mismatches
    return found


UNITS = {
    "config_valid": "configs",
    "tasks": "tasks",
    "tasks_valid": "tasks",
    "annotations": "annotations",
    "annotations_valid": "annotations",
    "predictions": "predictions",
    "predictions_valid": "predictions",
    "converter_spans": "spans",
    "span_mismatches": "spans",
    "bad_label_rejected": "predictions",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--ls-python", default="/tmp/ls-venv/bin/python")
    parser.add_argument("--check", type=Path, help=argparse.SUPPRESS)  # the SDK side
    args = parser.parse_args()
    if args.check is not None:
        print(json.dumps(check(args.check)))
        return
    with tempfile.TemporaryDirectory() as folder:
        export(Path(folder), args.articles)
        done = subprocess.run(
            [args.ls_python, __file__, "--check", folder],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            sys.exit(f"label-studio-sdk's checks failed:\n{done.stderr}")
        for name, value in json.loads(done.stdout.splitlines()[-1]).items():
            print(f"labelstudio_{name}={value} {UNITS[name]}")


if __name__ == "__main__":
    main()
