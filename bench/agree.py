"""How long `cooltui agree` takes on 100,000 articles and three annotators, and its memory.

Builds three annotators' stores through the real Store API: each article (~2 KB of the seed
articles' sentences, spans on its tokens, two themes and an activity, as bench/export.py makes
them) as each annotator left it, with their own slips (a span missed, relabelled, cut short or
added; a theme or the activity chosen otherwise), 85% of them done. agree reads no corpus, so
none is written. Then, each in a fresh interpreter:

    agree_json_s=        seconds of `cooltui agree --json` (in the process: opening the
                         stores, measuring, writing every article's line)
    agree_text_s=        the same with the text report, into a pipe
    agree_process_s=     the --json run as a user waits for it, interpreter start included
    agree_peak_mb=       peak resident memory of `cooltui agree --json` (VmHWM)
    stores_open_peak_mb= peak resident memory of opening the three stores and nothing more: what
                         agree's streaming adds is the difference
    load_all_peak_mb=    peak resident memory of opening the stores and holding every annotation
                         of every annotator at once, as a non-streaming agree would

    python bench/agree.py [--articles 100000] [--runs 3] [--keep DIR]
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
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cooltui.model import Annotation, Span, Status
from cooltui.store import Store
from cooltui.text import tokenize
from corpus import sentences
from export import LABELS, THEMES, make_article

ANNOTATORS = ("alice", "bob", "carol")
ACTIVITIES = ["SAMBANG", "SILATURAHMI", "DIALOG", "SOSIALISASI", "PATROLI"]
DONE_SHARE = 0.85

# Runs in the child: one of the measured things, then its time and peak memory as JSON.
_CHILD = """
import io, json, re, sys, time
from contextlib import redirect_stdout
from pathlib import Path

def peak_mb():
    text = Path("/proc/self/status").read_text()
    return int(re.search(r"VmHWM:\\s+(\\d+)", text)[1]) / 1024

what, store_dir = sys.argv[1:3]
start = time.perf_counter()
if what in ("json", "text"):
    from cooltui.cli import main
    args = ["agree", "--store", store_dir] + (["--json"] if what == "json" else [])
    with open("/dev/null", "w") as sink, redirect_stdout(sink):
        assert main(args) == 0
else:
    from cooltui.store import Store
    stores = [Store.open(Path(store_dir), name, read_only=True) for name in sys.argv[3:]]
    if what == "load_all":
        held = [list(store) for store in stores]
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "peak_mb": peak_mb()}))
"""


def slipped(rng: random.Random, spans: list[Span], text: str) -> tuple[Span, ...]:
    """One annotator's version of the spans: most as they are, some missed, relabelled, cut
    short by a character, and now and then one more."""
    made: list[Span] = []
    for span in spans:
        roll = rng.random()
        if roll < 0.06:
            continue
        if roll < 0.10:
            made.append(Span(span.start, span.end, rng.choice(LABELS), span.text))
        elif roll < 0.14 and span.end - span.start > 1:
            made.append(Span(span.start, span.end - 1, span.label, text[span.start : span.end - 1]))
        else:
            made.append(span)
    if rng.random() < 0.2:
        start = rng.randrange(len(text) - 10)
        made.append(Span(start, start + 8, rng.choice(LABELS), text[start : start + 8]))
    return tuple(made)


def build(store_dir: Path, count: int) -> None:
    """The three stores, made once and kept in `store_dir` for later runs."""
    marker = store_dir / f"built-{count}"
    if marker.exists():
        return
    rng = random.Random(11)
    pool = [(sentence, tokenize(sentence)) for sentence in sentences()]
    with ExitStack() as stack:
        stores = [stack.enter_context(Store.open(store_dir, name)) for name in ANNOTATORS]
        for number in range(count):
            text, spans = make_article(rng, pool)
            themes = rng.sample(THEMES, 2)
            activity = rng.choice(ACTIVITIES)
            article_id = f"a{number:06d}"
            for store in stores:
                status = Status.DONE if rng.random() < DONE_SHARE else Status.IN_PROGRESS
                chosen = [t for t in THEMES if (t in themes) != (rng.random() < 0.05)]
                picked = activity if rng.random() < 0.9 else rng.choice(ACTIVITIES)
                made = Annotation(article_id, "sha", slipped(rng, spans, text), status=status)
                made = made.with_doc_labels("themes", chosen).with_doc_labels("activity", [picked])
                store.save(made.touched(seconds=60.0))
    marker.touch()


def run_once(what: str, store_dir: Path) -> dict[str, float]:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, what, str(store_dir), *ANNOTATORS],
        capture_output=True,
        text=True,
        check=True,
    )
    return {**json.loads(result.stdout), "process_s": time.perf_counter() - started}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", metavar="DIR", help="build the stores here, and reuse them")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cooltui-bench-") as temp:
        store_dir = Path(options.keep or temp) / "annotations"
        store_dir.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        build(store_dir, options.articles)
        built = time.perf_counter() - started
        print(f"# {options.articles:,} articles, 3 stores ready in {built:.0f} s")
        runs = {
            what: [run_once(what, store_dir) for _ in range(options.runs)]
            for what in ("json", "text", "open", "load_all")
        }

        def median(what: str, key: str) -> float:
            return statistics.median(run[key] for run in runs[what])

        print(f"agree_json_s={median('json', 'seconds'):.2f} s")
        print(f"agree_text_s={median('text', 'seconds'):.2f} s")
        print(f"agree_process_s={median('json', 'process_s'):.2f} s")
        print(f"agree_peak_mb={max(run['peak_mb'] for run in runs['json']):.0f} MB")
        print(f"stores_open_peak_mb={max(run['peak_mb'] for run in runs['open']):.0f} MB")
        print(f"load_all_peak_mb={max(run['peak_mb'] for run in runs['load_all']):.0f} MB")
        print(f"# cpus={os.cpu_count()}")


if __name__ == "__main__":
    main()
