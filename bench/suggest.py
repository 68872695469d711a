"""How fast `cooltui suggest` pre-annotates a corpus: 100,000 articles by default.

The corpus is made of the seed articles' sentences, reshuffled (bench/corpus.py), as one .jsonl
file. The command runs as users run it, in a fresh interpreter with no corpus index cache, so
the time covers loading the corpus, suggesting and writing. Prints `name=value` lines; the
goal is 100,000 articles in under 60 s.

    python bench/suggest.py [--size 100000] [--jobs N] [--per-article]

--per-article also times Suggester.suggest alone, in this process, on 2,000 articles and on
one article of 50,000 characters.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cooltui.scheme import load_scheme
from cooltui.suggest import Dateline, Suggester
from corpus import make_articles, write_jsonl


def run_command(corpus: Path, output: Path, cache: Path, jobs: int | None) -> float:
    command = [sys.executable, "-m", "cooltui", "suggest", "--corpus", str(corpus)]
    command += ["-o", str(output)] + (["--jobs", str(jobs)] if jobs else [])
    environment = {**os.environ, "COOLTUI_CACHE_DIR": str(cache)}
    start = time.perf_counter()
    subprocess.run(command, check=True, env=environment, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def per_article(suggester: Suggester) -> None:
    texts = [text for _, text in make_articles(2000, seed=11)]
    dateline = Dateline("TOPIKMETRO.COM", "DUMAI")
    start = time.perf_counter()
    for text in texts:
        suggester.suggest(text, dateline=dateline)
    seconds = time.perf_counter() - start
    print(f"per_article_ms={seconds / len(texts) * 1000:.3f}")
    print(f"article_chars={sum(map(len, texts)) // len(texts)}")
    long_text = "\n\n".join(texts)[:50_000]
    start = time.perf_counter()
    suggester.suggest(long_text)
    print(f"article_50k_ms={(time.perf_counter() - start) * 1000:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--jobs", type=int, help="passed on to cooltui suggest --jobs")
    parser.add_argument("--per-article", action="store_true")
    options = parser.parse_args()
    if options.per_article:
        per_article(Suggester(load_scheme()))
    with tempfile.TemporaryDirectory(prefix="cooltui-bench-") as temp:
        root = Path(temp)
        corpus = root / "corpus.jsonl"
        write_jsonl(corpus, make_articles(options.size))
        seconds = run_command(corpus, root / "suggestions.jsonl", root / "cache", options.jobs)
        with (root / "suggestions.jsonl").open("rb") as written:
            lines = sum(1 for _ in written)
        assert lines == options.size, f"{lines} lines written for {options.size} articles"
    print(f"articles={options.size}")
    print(f"suggest_s={seconds:.1f}")
    print(f"articles_per_s={options.size / seconds:.0f}")


if __name__ == "__main__":
    main()
