"""spaCy itself reads cooltui's exports and trains on them, offline, on the CPU.

Puts the gold annotations (tests/data/gold: the 18 articles with their spans, themes and
activity) in a store through the real Store API, with the articles as a corpus file, and exports
them with `python -m cooltui export`, as a user would: a DocBin split 70/15/15 with
`--cats activity`, the same split without --cats (themes and activity both in doc.cats), and
the whole corpus as a DocBin and as CoNLL. Then, with spaCy's own command line:

- `spacy convert FILE.conll OUT --converter ner` reads the CoNLL file; its docs must hold the
  DocBin's tokens and entities (whitespace tokens aside: CoNLL has none);
- `spacy init config --lang id --pipeline ner` (a blank Indonesian pipeline: no vectors, no
  transformer, nothing downloaded) and a one-epoch `spacy train` on the train/dev DocBins;
- the same with an exclusive `textcat` on the --cats activity export; on the export without
  --cats, where spaCy stops with E895 (a doc with two positive labels), and, as a control that
  the file is sound, a `textcat_multilabel` on it.

Each train evaluates on dev after every step (--training.eval_frequency 1), so the scores it
reports, read from model-last/meta.json, are those after the one epoch. One epoch on 13
articles teaches a model little: the scores show that training ran, not what it can learn.
Prints `name=value unit` lines:

    spacy_export_s=                 seconds of `cooltui export --format spacy --split`
    spacy_split_docs=               train/dev/test docs of the split
    spacy_train_one_activity=       train docs with one positive label in doc.cats (all)
    spacy_docbin_docs= / _ents=     docs and entities of the whole-corpus DocBin
    spacy_convert_docs= / _ents=    docs and entities `spacy convert` makes of the CoNLL file
    spacy_convert_equal=            docs whose tokens and entities equal the DocBin's
    spacy_train_ner_exit=           exit code of the one-epoch NER training (0), and _s, _scores
    spacy_train_textcat_exit=       the same for textcat on the --cats activity export
    spacy_textcat_without_cats=     what textcat does on the export without --cats
    spacy_train_multilabel_without_cats_exit=  textcat_multilabel on that export (0)

    .venv/bin/python bench/interop_spacy.py [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "data" / "gold"
ANNOTATOR = "gold"
SPLIT = "70/15/15"
CATS_GROUP = "activity"
"""A single-choice group: one positive label per doc, as an exclusive textcat wants."""
ONE_EPOCH = {"max_epochs": 1, "max_steps": 0, "eval_frequency": 1}
"""One pass over train, no step limit, and an evaluation on dev after every step, the last of
which is after the epoch (spaCy's default of every 200 steps would score step 0 only)."""
SCORES = {
    "ner": ("ents_f", "ents_p", "ents_r", "ner_loss"),
    "textcat": ("cats_score", "cats_macro_auc", "textcat_loss"),
    "textcat_multilabel": ("cats_score", "cats_macro_auc", "textcat_multilabel_loss"),
}
"""The scores each pipe's training reports that are printed (cats_score is a macro F)."""


@dataclass(frozen=True, slots=True)
class Run:
    """A finished command: its exit code, wall seconds and what it printed (both streams)."""

    exit: int
    seconds: float
    output: str

    def error(self) -> str:
        """spaCy's last error code and its first sentence, or the last line printed."""
        codes = re.findall(r"\[(E\d+)\] ([^.]*\.)", self.output)
        if codes:
            return f"{codes[-1][0]}: {codes[-1][1]}"
        lines = self.output.strip().splitlines()
        return lines[-1] if lines else "nothing printed"


def run(command: list[str], folder: Path, env: dict[str, str]) -> Run:
    started = time.perf_counter()
    done = subprocess.run(
        command,
        cwd=folder,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
    return Run(done.returncode, time.perf_counter() - started, done.stdout)


def environment(folder: Path) -> dict[str, str]:
    """CPU only, no colours to read past, and cooltui's index cache inside the temporary folder."""
    return {
        **os.environ,
        "CUDA_VISIBLE_DEVICES": "",
        "ANSI_COLORS_DISABLED": "1",
        "NO_COLOR": "1",
        "COOLTUI_CACHE_DIR": str(folder / "cache"),
    }


# --- the data: a corpus, a store and cooltui's exports -------------------------------------------


def build_store(folder: Path) -> None:
    """corpus.jsonl of the gold articles, and the gold annotations in the store `annotations`."""
    import orjson

    from cooltui.export.formats import read_jsonl
    from cooltui.store import Store

    gold = [
        exported
        for name in ("seeds.jsonl", "heldout.jsonl")
        for exported in read_jsonl(GOLD / name)
    ]
    with (folder / "corpus.jsonl").open("wb") as corpus:
        for exported in gold:
            corpus.write(orjson.dumps({"id": exported.id, "text": exported.text}) + b"\n")
    with Store.open(folder / "annotations", ANNOTATOR) as store:
        for exported in gold:
            store.save(exported.annotation)


def export(folder: Path, env: dict[str, str], output: str, *options: str) -> Run:
    """`cooltui export` of the gold store; stops the bench when it fails."""
    command = [sys.executable, "-m", "cooltui", "export", "--corpus", "corpus.jsonl"]
    command += ["--store", "annotations", "--annotator", ANNOTATOR, "-o", output, *options]
    done = run(command, folder, env)
    if done.exit:
        sys.exit(f"cooltui export {' '.join(options)} failed:\n{done.output}")
    return done


def export_all(folder: Path, env: dict[str, str]) -> None:
    split = export(
        folder, env, "act.spacy", "--format", "spacy", "--split", SPLIT, "--cats", CATS_GROUP
    )
    print(f"spacy_export_s={split.seconds:.2f} s (--split {SPLIT} --cats {CATS_GROUP})")
    export(folder, env, "all.spacy", "--format", "spacy", "--split", SPLIT)
    export(folder, env, "gold.spacy", "--format", "spacy")
    export(folder, env, "gold.conll", "--format", "conll")


# --- spaCy reading them --------------------------------------------------------------------------


def read_docbin(path: Path) -> list[Any]:
    import spacy
    from spacy.tokens import DocBin

    return list(DocBin().from_disk(path).get_docs(spacy.blank("id").vocab))


def words(doc_or_span: Any) -> list[str]:
    """The tokens' texts, whitespace tokens left out (a CoNLL file has none)."""
    return [token.text for token in doc_or_span if not token.is_space]


def entities(doc: Any) -> list[tuple[list[str], str]]:
    return [(words(entity), entity.label_) for entity in doc.ents]


def check_convert(folder: Path, env: dict[str, str]) -> None:
    """`spacy convert` of the CoNLL file gives the docs and entities of the DocBin."""
    (folder / "converted").mkdir(exist_ok=True)
    command = [sys.executable, "-m", "spacy", "convert", "gold.conll", "converted"]
    conversion = run([*command, "--converter", "ner"], folder, env)
    print(f"spacy_convert_exit={conversion.exit} ({conversion.seconds:.2f} s)")
    docbin = read_docbin(folder / "gold.spacy")
    converted = read_docbin(folder / "converted" / "gold.spacy") if conversion.exit == 0 else []
    equal = sum(
        words(ours) == words(theirs) and entities(ours) == entities(theirs)
        for ours, theirs in zip(docbin, converted, strict=False)
    )
    print(f"spacy_docbin_docs={len(docbin)} docs")
    print(f"spacy_docbin_ents={sum(len(doc.ents) for doc in docbin)} ents")
    print(f"spacy_convert_docs={len(converted)} docs")
    print(f"spacy_convert_ents={sum(len(doc.ents) for doc in converted)} ents")
    print(f"spacy_convert_equal={equal}/{len(docbin)} docs (tokens and entities, in order)")


def print_split(folder: Path) -> None:
    parts = [read_docbin(folder / f"act.{part}.spacy") for part in ("train", "dev", "test")]
    print(f"spacy_split_docs={'/'.join(str(len(part)) for part in parts)} docs (train/dev/test)")
    single = sum(list(doc.cats.values()).count(1.0) == 1 for doc in parts[0])
    print(f"spacy_train_one_{CATS_GROUP}={single}/{len(parts[0])} docs (one positive cat)")


# --- spaCy training on them ----------------------------------------------------------------------


def train(folder: Path, env: dict[str, str], pipe: str, data: str) -> Run:
    """`spacy init config` for a blank id pipeline with `pipe`, then one epoch of `spacy train`
    on <data>.train.spacy with <data>.dev.spacy, into the folder <pipe>-<data>."""
    config = f"{pipe}-{data}.cfg"
    init = [sys.executable, "-m", "spacy", "init", "config", config, "--lang", "id", "--force"]
    made = run([*init, "--pipeline", pipe], folder, env)
    if made.exit:
        sys.exit(f"spacy init config --pipeline {pipe} failed:\n{made.output}")
    command = [sys.executable, "-m", "spacy", "train", config, "--output", f"{pipe}-{data}"]
    command += ["--paths.train", f"{data}.train.spacy", "--paths.dev", f"{data}.dev.spacy"]
    for key, value in ONE_EPOCH.items():
        command += [f"--training.{key}", str(value)]
    return run(command, folder, env)


def scores(folder: Path, pipe: str, data: str) -> str | None:
    """The scores the training of `pipe` on `data` reports, from its model-last; None if none."""
    meta = folder / f"{pipe}-{data}" / "model-last" / "meta.json"
    if not meta.exists():
        return None
    performance = json.loads(meta.read_text())["performance"]
    return " ".join(f"{key} {performance[key]:.3f}" for key in SCORES[pipe])


def train_and_report(folder: Path, env: dict[str, str], name: str, pipe: str, data: str) -> None:
    training = train(folder, env, pipe, data)
    print(f"spacy_train_{name}_exit={training.exit}")
    print(f"spacy_train_{name}_s={training.seconds:.1f} s (spaCy's start included)")
    found = scores(folder, pipe, data) if training.exit == 0 else None
    if found is None:
        print(f"spacy_train_{name}_model_last=missing ({training.error()})")
    else:
        print(f"spacy_train_{name}_scores={found} (dev, after the epoch)")


def train_all(folder: Path, env: dict[str, str]) -> None:
    train_and_report(folder, env, "ner", "ner", "act")
    train_and_report(folder, env, "textcat", "textcat", "act")
    without = train(folder, env, "textcat", "all")
    outcome = "trained" if without.exit == 0 else f"failed ({without.error()})"
    print(f"spacy_textcat_without_cats={outcome} exit {without.exit}")
    # The control: the same file is sound, for a pipe that takes several labels per doc.
    train_and_report(folder, env, "multilabel_without_cats", "textcat_multilabel", "all")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cooltui-spacy-") as temporary:
        folder = args.keep or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        env = environment(folder)
        started = time.perf_counter()
        build_store(folder)
        export_all(folder, env)
        print_split(folder)
        check_convert(folder, env)
        train_all(folder, env)
        print(f"spacy_bench_s={time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
