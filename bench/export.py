"""How long `cooltui export` takes at 100,000 annotated articles, and whether its memory grows.

Builds a corpus (one .jsonl file of ~2 KB articles made of the seed articles' sentences) and a
store of one annotation per article (spans on tokens, document labels, status done) through the
real Store API, then runs the export to a temporary jsonl file several times, each in a fresh
interpreter with the corpus index cache warm (as a second `cooltui export` would run). Prints:

    export_s=         median seconds of the export pass (stream: read, check, write)
    export_cpu_s=     median CPU seconds of the export pass (steadier than wall time on a
                      machine others use)
    export_total_s=   median seconds with opening the store and loading the corpus
    export_mb_per_s=  output megabytes per second of the export pass
    export_peak_mb=   peak resident memory of the process (VmHWM; ru_maxrss would carry the
                      parent's over exec)
    export_growth_mb= the peak of the export pass (VmHWM reset through /proc/self/clear_refs
                      after opening) minus the resident memory after opening store and corpus:
                      what the export itself adds (flat if it streams)

    python bench/export.py [--articles 100000] [--runs 5] [--format jsonl] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cooltui.corpus import load_corpus
from cooltui.model import Annotation, Span, Status
from cooltui.store import Store
from cooltui.text import Token, tokenize
from corpus import sentences

LABELS = ["PER", "ORG", "LOC", "EVENT", "DATE", "ROLE", "RANK"]
THEMES = ["KAMTIBMAS", "SILATURAHMI", "ANTI_HOAX", "PERSATUAN", "ANTI_GOLPUT"]
TARGET_CHARS = 2000

# Runs in the child: open the store and the corpus as the command does, then export.
_CHILD = """
import json, re, sys, time
from pathlib import Path
from cooltui.corpus import load_corpus
from cooltui.export import ExportOptions, export
from cooltui.export.parallel import can_split, export_in_parts
from cooltui.scheme import load_scheme
from cooltui.store import Store

def status(key):
    text = Path("/proc/self/status").read_text()
    return int(re.search(key + r":\\s+(\\d+)", text)[1]) / 1024

corpus_path, store_dir, out, fmt, jobs = sys.argv[1:6]
start = time.perf_counter()
scheme = load_scheme()
store = Store.open(Path(store_dir), "bench", read_only=True)
corpus = load_corpus([Path(corpus_path)])
opened, cpu = time.perf_counter(), time.process_time()
open_peak, base = status("VmHWM"), status("VmRSS")
Path("/proc/self/clear_refs").write_text("5")  # VmHWM from here on: the export's own peak
# As `cooltui export` does: worker processes when they pay (their memory is not counted here).
if can_split(fmt, Path(out), len(store), int(jobs)):
    options = ExportOptions(format=fmt)
    report = export_in_parts([store], corpus, scheme, Path(out), options, int(jobs))
else:
    records = (("bench", annotation) for annotation in store)
    report = export(records, corpus, scheme, Path(out), ExportOptions(format=fmt))
done, cpu = time.perf_counter(), time.process_time() - cpu
store.close()
peak = status("VmHWM")
print(json.dumps({"export_s": done - opened, "cpu_s": cpu, "total_s": done - start,
                  "peak_mb": max(open_peak, peak), "growth_mb": peak - base,
                  "exported": report.exported, "dropped": report.dropped,
                  "bytes": Path(out).stat().st_size}))
"""


def make_article(
    rng: random.Random, pool: list[tuple[str, list[Token]]], target: int = TARGET_CHARS
) -> tuple[str, list[Span]]:
    """A text of seed sentences of about `target` characters, and spans of one to three tokens
    on most of its sentences (each sentence tokenized once)."""
    text, spans = "", []
    while len(text) < target:
        sentence, tokens = rng.choice(pool)
        base = len(text)
        first = rng.randrange(len(tokens))
        if rng.random() < 0.6 and (not spans or spans[-1].end <= base + tokens[first].start):
            last = min(len(tokens) - 1, first + rng.randint(0, 2))
            start, end = base + tokens[first].start, base + tokens[last].end
            spans.append(Span(start, end, rng.choice(LABELS), (text + sentence)[start:end]))
        text += sentence + ("\n" if rng.random() < 0.3 else " ")  # paragraphs, as scraped
    return text.strip(), spans


def build(root: Path, count: int) -> tuple[Path, Path]:
    """The corpus file and the store, made once and kept in `root` for later runs."""
    corpus_path, store_dir = root / "corpus.jsonl", root / "annotations"
    marker = root / f"built-{count}"
    if marker.exists():
        return corpus_path, store_dir
    rng = random.Random(7)
    pool = [(sentence, tokenize(sentence)) for sentence in sentences()]
    made = [make_article(rng, pool) for _ in range(count)]
    with corpus_path.open("wb") as out:
        for number, (text, _) in enumerate(made):
            out.write(orjson.dumps({"id": f"a{number:06d}", "text": text}) + b"\n")
    corpus = load_corpus([corpus_path])  # also writes the index cache the runs will use
    with Store.open(store_dir, "bench") as store:
        for article, (_, spans) in zip(corpus, made, strict=True):
            annotation = Annotation(article.id, article.text_sha, tuple(spans), status=Status.DONE)
            annotation = annotation.with_doc_labels("themes", rng.sample(THEMES, 2))
            store.save(annotation.with_doc_labels("activity", ["SAMBANG"]).touched(seconds=30.0))
    marker.touch()
    return corpus_path, store_dir


def run_once(
    corpus: Path, store: Path, out: Path, fmt: str, jobs: int, cache: Path
) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, str(corpus), str(store), str(out), fmt, str(jobs)],
        capture_output=True,
        text=True,
        check=True,
        env={"COOLTUI_CACHE_DIR": str(cache), "PATH": ""},
    )
    return json.loads(result.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--format", default="jsonl")
    parser.add_argument("--keep", metavar="DIR", help="build the data here, and reuse it next time")
    parser.add_argument(
        "--jobs", type=int, default=min(os.cpu_count() or 1, 4), help="as cooltui export --jobs"
    )
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cooltui-bench-") as temp:
        root = Path(options.keep or temp)
        root.mkdir(parents=True, exist_ok=True)
        cache = root / "cache"
        os.environ["COOLTUI_CACHE_DIR"] = str(cache)
        started = time.perf_counter()
        corpus, store = build(root, options.articles)
        print(f"# {options.articles:,} articles ready in {time.perf_counter() - started:.0f} s")
        out = Path(temp) / f"out.{options.format}"
        print(f"export_jobs={options.jobs} processes")
        runs = [
            run_once(corpus, store, out, options.format, options.jobs, cache)
            for _ in range(options.runs)
        ]
        assert runs[0]["exported"] == options.articles and runs[0]["dropped"] == 0, runs[0]
        megabytes = runs[0]["bytes"] / 1024 / 1024
        export_s = statistics.median(r["export_s"] for r in runs)
        print(f"export_s={export_s:.2f} s")
        print(f"export_max_s={max(r['export_s'] for r in runs):.2f} s")
        # With workers, the main process's CPU time leaves theirs out.
        print(f"export_main_cpu_s={statistics.median(r['cpu_s'] for r in runs):.2f} s")
        print(f"export_total_s={statistics.median(r['total_s'] for r in runs):.2f} s")
        print(f"export_mb_per_s={megabytes / export_s:.1f} MB/s ({megabytes:.0f} MB written)")
        print(f"export_peak_mb={max(r['peak_mb'] for r in runs):.0f} MB")
        print(f"export_growth_mb={max(r['growth_mb'] for r in runs):.0f} MB")


if __name__ == "__main__":
    main()
