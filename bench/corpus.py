"""How long the article list takes to load, and its peak memory, at 1k, 10k and 100k articles.

Corpora are made of the seed articles' sentences, reshuffled, as folders of .txt files and as one
.jsonl file. Each load runs in a fresh interpreter, as `cooltui` would: `first` has no index
cache (every file is read), `cached` has the cache of a previous load. Prints `name=value unit`.

    python bench/corpus.py [--sizes 1000,10000,100000] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import orjson

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
OUTLETS = ["lingkupperistiwa.com", "TOPIKMETRO.COM", "ZONAMERDEKA.COM", "PANTAUNEWS.CO.ID"]
PLACES = ["SIAK", "DUMAI", "PELALAWAN", "BDR. SEIKIJANG", "Kampar", "Bengkalis"]

# Runs in the child: load the corpus, then report time and memory as JSON.
# VmHWM is the process's peak resident memory (ru_maxrss would carry the parent's over exec).
_CHILD = """
import json, re, sys, time
from pathlib import Path
from cooltui.corpus import load_corpus
def peak_mb():
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"VmHWM:\\s+(\\d+)", status)[1]) / 1024
base = peak_mb()
start = time.perf_counter()
corpus = load_corpus([Path(sys.argv[1])])
seconds = time.perf_counter() - start
peak = peak_mb()
print(json.dumps({"s": seconds, "peak_mb": peak, "growth_mb": peak - base,
                  "articles": len(corpus), "problems": len(corpus.problems)}))
"""


def sentences() -> list[str]:
    found: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        found += [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", text) if len(s.strip()) > 20]
    return found


def make_articles(count: int, seed: int = 7) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    pool = sentences()
    articles = []
    for number in range(count):
        body = " ".join(rng.sample(pool, rng.randint(8, 20)))
        dateline = f"{rng.choice(OUTLETS)}, {rng.choice(PLACES)} – "
        articles.append((f"a{number:06d}", dateline + body))
    return articles


def write_folder(root: Path, articles: list[tuple[str, str]]) -> None:
    for number, (article_id, text) in enumerate(articles):
        folder = root / f"{number // 1000:03d}"  # real corpora are split into folders too
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{article_id}.txt").write_text(text, encoding="utf-8")


def write_jsonl(path: Path, articles: list[tuple[str, str]]) -> None:
    with path.open("wb") as out:
        for article_id, text in articles:
            out.write(orjson.dumps({"id": article_id, "text": text}) + b"\n")


def load_once(corpus: Path, cache: Path, *, keep_cache: bool) -> dict[str, float]:
    if not keep_cache:
        shutil.rmtree(cache, ignore_errors=True)
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, str(corpus)],
        capture_output=True,
        text=True,
        check=True,
        env={"COOLTUI_CACHE_DIR": str(cache), "PATH": ""},
    )
    return json.loads(result.stdout)


def measure(name: str, corpus: Path, cache: Path, runs: int) -> None:
    first = [load_once(corpus, cache, keep_cache=False) for _ in range(runs)]
    cached = [load_once(corpus, cache, keep_cache=True) for _ in range(runs)]
    assert first[0]["problems"] == 0, first[0]
    for kind, samples in (("first", first), ("cached", cached)):
        times = sorted(sample["s"] for sample in samples)
        print(f"{name}_{kind}_load_s={statistics.median(times):.3f} s")
        print(f"{name}_{kind}_load_max_s={times[-1]:.3f} s")
        print(f"{name}_{kind}_peak_mb={max(s['peak_mb'] for s in samples):.0f} MB")
        print(f"{name}_{kind}_growth_mb={max(s['growth_mb'] for s in samples):.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cooltui-bench-") as temp:
        root = Path(temp)
        for size in (int(s) for s in options.sizes.split(",")):
            articles = make_articles(size)
            folder, jsonl = root / f"txt{size}", root / f"corpus{size}.jsonl"
            write_folder(folder, articles)
            write_jsonl(jsonl, articles)
            runs = options.runs if size < 100_000 else max(3, options.runs // 2)
            measure(f"txt_{size}", folder, root / "cache", runs)
            measure(f"jsonl_{size}", jsonl, root / "cache", runs)
            shutil.rmtree(folder)


if __name__ == "__main__":
    main()
