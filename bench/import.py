"""How long `cooltui import` takes at 100,000 records, for each format cooltui writes and reads.

Builds a corpus (one .jsonl file of articles of 300 to 3,700 characters made of the seed articles'
sentences) and a store where every article is annotated and done (spans on tokens, themes, an
activity) through the real Store API; exports it once per format with `cooltui export`; then
runs `cooltui import` of that export into a fresh store, as a user would:

    python -m cooltui import FILE --format FMT --corpus CORPUS --store STORE --annotator x

so that start-up, loading the corpus, reading, checking and saving are all in the time. The
corpus index cache is warm (as after any earlier command). Afterwards another process opens the
store and counts what it holds. Prints `name=value unit` lines, per format:

    import_<fmt>_s=          median wall seconds of the import process over --runs (default 1:
                             a run of every format at 100,000 records takes minutes)
    import_<fmt>_cpu_s=      median CPU seconds of the import process (user + system; steadier
                             than wall time on a machine others use)
    import_<fmt>_rec_per_s=  records per second, from the median wall time
    import_<fmt>_peak_mb=    the import process's peak RSS: its own ru_maxrss, from os.wait4 (a
                             per-child RUSAGE_CHILDREN). Linux carries the parent's peak into a
                             child's ru_maxrss over exec, so the bench builds and counts in
                             other processes and stays small itself; bench_peak_mb says how
                             small (a figure at or below it is only a floor, and says so)
    import_<fmt>_imported=   annotations in the store afterwards, of the N articles (a MISMATCH
                             line when they differ)
    import_<fmt>_spans=      spans in the store afterwards, of those exported (likewise)

    python bench/import.py [--articles 100000] [--runs 1] [--formats jsonl,conll] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from multiprocessing import get_context
from pathlib import Path
from typing import TypeVar

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cooltui.corpus import load_corpus
from cooltui.model import Annotation, Status
from cooltui.store import Store
from cooltui.text import tokenize
from corpus import sentences
from export import make_article

FORMATS = ("jsonl", "doccano", "conll", "spacy", "labelstudio", "prodigy", "brat")
"""The formats `cooltui export` writes and `cooltui import` reads."""
THEMES = ["KAMTIBMAS", "SILATURAHMI", "ANTI_HOAX", "PERSATUAN", "ANTI_GOLPUT"]
ACTIVITIES = ["SAMBANG", "DIALOG", "SOSIALISASI", "PATROLI"]
CHARS = (300, 3_700)
"""Each article's length is drawn from this range (2,000 characters on average)."""
EXPORTER = "bench"
IMPORTER = "x"

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class Built:
    corpus: Path
    store: Path
    articles: int
    spans: int


@dataclass(frozen=True, slots=True)
class Counted:
    annotations: int
    spans: int


@dataclass(frozen=True, slots=True)
class Run:
    seconds: float
    cpu_seconds: float
    peak_mb: float
    exit_code: int
    counted: Counted = Counted(0, 0)
    """What the store holds afterwards, counted by another process."""


# --- in other processes: the bench's own peak would be carried into every child's ru_maxrss ----


def in_child(function: Callable[..., _T], *args: object) -> _T:
    """`function(*args)` in a fresh interpreter, so that its memory never becomes ours."""
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def build(root: Path, count: int) -> Built:
    """The corpus file and the exporter's store, made once and kept in `root` for later runs."""
    corpus_path, store_dir = root / "corpus.jsonl", root / "annotations"
    marker = root / f"built-{count}.json"
    if marker.exists():
        return Built(corpus_path, store_dir, **orjson.loads(marker.read_bytes()))
    rng = random.Random(7)
    pool = [(sentence, tokenize(sentence)) for sentence in sentences()]
    made = [make_article(rng, pool, rng.randint(*CHARS)) for _ in range(count)]
    with corpus_path.open("wb") as out:
        for number, (text, _) in enumerate(made):
            out.write(orjson.dumps({"id": f"a{number:06d}", "text": text}) + b"\n")
    corpus = load_corpus([corpus_path])  # also writes the index cache the commands will use
    with Store.open(store_dir, EXPORTER) as store:
        for article, (_, spans) in zip(corpus, made, strict=True):
            annotation = Annotation(article.id, article.text_sha, tuple(spans), status=Status.DONE)
            annotation = annotation.with_doc_labels("themes", rng.sample(THEMES, rng.randint(1, 3)))
            annotation = annotation.with_doc_labels("activity", [rng.choice(ACTIVITIES)])
            store.save(annotation.touched(seconds=30.0))
    totals = {"articles": count, "spans": sum(len(spans) for _, spans in made)}
    marker.write_bytes(orjson.dumps(totals))
    return Built(corpus_path, store_dir, **totals)


def count_store(store_dir: Path, annotator: str) -> Counted:
    with Store.open(store_dir, annotator, read_only=True) as store:
        return Counted(len(store), sum(len(annotation.spans) for annotation in store))


# --- the commands ------------------------------------------------------------------------------


def cooltui(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "cooltui", *map(str, args)]


def export(built: Built, fmt: str, out: Path, env: dict[str, str]) -> float:
    """Export the exporter's store with `cooltui export`; its seconds (not the figure here)."""
    command = cooltui(
        "export",
        "--format",
        fmt,
        "-o",
        out,
        "--corpus",
        built.corpus,
        "--store",
        built.store,
        "--annotator",
        EXPORTER,
    )
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"cooltui export --format {fmt} failed:\n{done.stderr}")
    return time.perf_counter() - started


def import_once(
    built: Built, fmt: str, source: Path, store: Path, log: Path, env: dict[str, str]
) -> Run:
    """One `cooltui import` into `store`, timed; its peak RSS from os.wait4 (Popen's own wait
    would reap the child without its rusage)."""
    command = cooltui(
        "import",
        source,
        "--format",
        fmt,
        "--corpus",
        built.corpus,
        "--store",
        store,
        "--annotator",
        IMPORTER,
    )
    with log.open("wb") as output:
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=output, stderr=output)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, process.returncode)


# --- the report --------------------------------------------------------------------------------


def measure(built: Built, fmt: str, work: Path, runs: int, env: dict[str, str]) -> None:
    """Export once in `fmt`, import it `runs` times into fresh stores, and print the figures."""
    folder = work / fmt  # the export, its companions and the stores: removed when done
    folder.mkdir()
    source = folder / "export"
    seconds = export(built, fmt, source, env)
    print(f"# {fmt}: exported in {seconds:.0f} s ({megabytes(source):.0f} MB)", flush=True)
    measured: list[Run] = []
    for number in range(runs):
        store, log = folder / f"store-{number}", folder / f"import-{number}.log"
        run = import_once(built, fmt, source, store, log, env)
        if run.exit_code:
            print(f"# {fmt}: FAILED: cooltui import exited {run.exit_code}:\n{summary(log)}")
        counted = in_child(count_store, store, IMPORTER) if store.is_dir() else Counted(0, 0)
        measured.append(replace(run, counted=counted))
        remove(store)
    remove(folder)
    report(fmt, measured, built)


def summary(log: Path) -> str:
    """The import's report without its examples (each on a line of its own, indented four):
    what it imported and how many it left out, and why."""
    lines = log.read_text(errors="replace").splitlines()
    return "\n".join(line for line in lines if not line.startswith("    "))


def report(fmt: str, runs: list[Run], built: Built) -> None:
    name = f"import_{fmt}"
    wall = statistics.median(run.seconds for run in runs)
    peak = max(run.peak_mb for run in runs)
    floor = " (a floor: no higher than the bench's own peak)" if peak <= own_peak_mb() else ""
    counted = runs[0].counted
    print(f"{name}_s={wall:.2f} s (median of {len(runs)} run{'' if len(runs) == 1 else 's'})")
    print(f"{name}_cpu_s={statistics.median(run.cpu_seconds for run in runs):.2f} s")
    print(f"{name}_rec_per_s={built.articles / wall:.0f} records/s")
    print(f"{name}_peak_mb={peak:.0f} MB{floor}")
    print(f"{name}_imported={counted.annotations} annotations (of {built.articles})")
    print(f"{name}_spans={counted.spans} spans (of {built.spans})", flush=True)
    for number, run in enumerate(runs, 1):
        for what, got, wanted in [
            ("annotations", run.counted.annotations, built.articles),
            ("spans", run.counted.spans, built.spans),
        ]:
            if got != wanted:
                print(
                    f"# {fmt}: MISMATCH (run {number}): {got:,} {what} in the store, "
                    f"{wanted:,} exported",
                    flush=True,
                )


def megabytes(path: Path) -> float:
    # du, not a walk here: listing a brat folder of 200,000 files would raise the bench's peak.
    done = subprocess.run(["du", "-sb", "--", path], capture_output=True, text=True, check=True)
    return int(done.stdout.split()[0]) / 1024 / 1024


def remove(path: Path) -> None:
    """Remove a file or folder; rm, not shutil.rmtree, which lists a folder whole in memory."""
    subprocess.run(["rm", "-rf", "--", path], check=True)


def own_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=1, help="imports per format (the median)")
    parser.add_argument(
        "--formats", default=",".join(FORMATS), help=f"comma-separated, of {', '.join(FORMATS)}"
    )
    parser.add_argument("--keep", metavar="DIR", help="build the data here, and reuse it next time")
    options = parser.parse_args()
    formats = options.formats.split(",")
    if unknown := set(formats) - set(FORMATS):
        parser.error(f"no such format: {', '.join(sorted(unknown))}")
    with tempfile.TemporaryDirectory(prefix="cooltui-bench-") as temp:
        root = Path(options.keep or temp)
        root.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "COOLTUI_CACHE_DIR": str(root / "cache")}
        os.environ["COOLTUI_CACHE_DIR"] = env["COOLTUI_CACHE_DIR"]  # the build's child reads it
        started = time.perf_counter()
        built = in_child(build, root, options.articles)
        print(
            f"# {built.articles:,} articles, {built.spans:,} spans ready in "
            f"{time.perf_counter() - started:.0f} s",
            flush=True,
        )
        work = Path(tempfile.mkdtemp(dir=temp))  # exports and imported stores: never kept
        for fmt in formats:
            measure(built, fmt, work, options.runs, env)
        print(f"bench_peak_mb={own_peak_mb():.0f} MB (the bench process itself)")
        print(f"# total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
