"""How long `cooltui check` takes at 100,000 annotated articles, and how much memory it holds.

The corpus and the store are bench/export.py's (built the same way, or reused with --keep): ~2 KB
articles of the seed articles' sentences, each with spans on one to three tokens chosen at
random, labelled at random. That is the hardest case there is for the check: every token of the
seed sentences is labelled somewhere with every label, so every word of every article is an
occurrence to count. Each run is a fresh interpreter with the corpus index cache warm, as a
second `cooltui check` would run. Prints:

    check_s=          median seconds of the check itself (both passes: the store's spans, then
                      every article searched), with --jobs processes
    check_cpu_s=      median CPU seconds of the main process (with workers, theirs are not in it)
    check_total_s=    median seconds with opening the store and loading the corpus
    check_1_s=        median seconds of the check in one process (--jobs 1), as the app runs it
    check_1_cpu_s=    its CPU seconds: the work itself, steadier than wall time on a busy machine
    check_peak_mb=    peak resident memory of the process in one process (VmHWM)
    check_growth_mb=  that peak less the resident memory after opening store and corpus: what
                      the check itself holds (the labelled texts, the spans as ints, the
                      occurrences kept; no article's text)
    check_items=      texts in the queue

    python bench/check.py [--articles 100000] [--runs 3] [--jobs N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from export import build

# Runs in the child: open the store and the corpus as the command does, then check.
_CHILD = """
import json, re, sys, time
from pathlib import Path
from cooltui.corpus import load_corpus
from cooltui.store import Store
from cooltui.team.consistency import find_inconsistencies

def status(key):
    text = Path("/proc/self/status").read_text()
    return int(re.search(key + r":\\s+(\\d+)", text)[1]) / 1024

corpus_path, store_dir, jobs = sys.argv[1], sys.argv[2], int(sys.argv[3])
start = time.perf_counter()
store = Store.open(Path(store_dir), "bench", read_only=True)
corpus = load_corpus([Path(corpus_path)])
opened, cpu = time.perf_counter(), time.process_time()
open_peak, base = status("VmHWM"), status("VmRSS")
Path("/proc/self/clear_refs").write_text("5")  # VmHWM from here on: the check's own peak
queue = find_inconsistencies(corpus, store, jobs=jobs)
done, cpu = time.perf_counter(), time.process_time() - cpu
peak = status("VmHWM")
print(json.dumps({"check_s": done - opened, "cpu_s": cpu, "total_s": done - start,
                  "peak_mb": max(open_peak, peak), "growth_mb": peak - base,
                  "items": len(queue.items), "articles": queue.articles}))
"""


def run_once(corpus: Path, store: Path, jobs: int, cache: Path) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, str(corpus), str(store), str(jobs)],
        capture_output=True,
        text=True,
        check=True,
        env={"COOLTUI_CACHE_DIR": str(cache), "PATH": ""},
    )
    return json.loads(result.stdout)


def median(runs: list[dict[str, float]], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", metavar="DIR", help="build the data here, and reuse it next time")
    parser.add_argument(
        "--jobs", type=int, default=min(os.cpu_count() or 1, 4), help="as cooltui check --jobs"
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
        parallel = [run_once(corpus, store, options.jobs, cache) for _ in range(options.runs)]
        single = [run_once(corpus, store, 1, cache) for _ in range(options.runs)]
        assert parallel[0]["articles"] == options.articles, parallel[0]
        assert parallel[0]["items"] == single[0]["items"], (parallel[0], single[0])
        print(f"check_jobs={options.jobs} processes")
        print(f"check_s={median(parallel, 'check_s'):.2f} s")
        print(f"check_cpu_s={median(parallel, 'cpu_s'):.2f} s")
        print(f"check_total_s={median(parallel, 'total_s'):.2f} s")
        print(f"check_1_s={median(single, 'check_s'):.2f} s")
        print(f"check_1_cpu_s={median(single, 'cpu_s'):.2f} s")
        print(f"check_peak_mb={max(run['peak_mb'] for run in single):.0f} MB")
        print(f"check_growth_mb={max(run['growth_mb'] for run in single):.0f} MB")
        print(f"check_items={parallel[0]['items']:.0f} items")


if __name__ == "__main__":
    main()
