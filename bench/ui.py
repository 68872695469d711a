"""How fast the app answers: first paint, and per-key latency on a long article in a big corpus.

The corpus has 100,000 articles (one .jsonl file of reshuffled seed sentences); the first one is
50,000 characters long and carries 1,000 spans in the store, so it is the one the app opens.
Each key is timed in the UI thread's CPU time, over many presses (p50 and p99), twice: until
the frame that shows it is out (`_to_frame`: the latency a user sees), and until the app is idle
again (Pilot's press and pause, whose walks over every widget cost a few milliseconds of their
own: `ui_key_unbound` is a key bound to nothing). Wall time would measure Pilot, which sleeps
while it waits for idle; the store's writer thread runs beside the UI on the other core and is
timed apart (`ui_writer_cpu_ms_per_save`). First paint is timed from building the app
(corpus from its cache, store opened) to the first idle screen; the seeds alone are measured
the same way, and the big corpus again after the key session, with its undo history in the store.
Each paint and the key session run in a new process, as a user's app does.

    python bench/ui.py [--articles 100000] [--presses 200]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cooltui.corpus import load_corpus
from cooltui.model import Annotation, Span, Status
from cooltui.settings import Settings
from cooltui.store import Store
from cooltui.text import TokenIndex
from cooltui.tui.app import CoolApp, build_app
from cooltui.tui.reader import Reader
from cooltui.tui.upstream.app import on_each_frame
from corpus import make_articles

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
LONG_CHARS = 50_000
SPANS = 1_000
LABELS = ("PER", "RANK", "ROLE", "ORG", "LOC", "DATE")


def make_corpus(folder: Path, count: int) -> Path:
    articles = make_articles(count)
    long_text = ""
    pieces = iter(text for _, text in make_articles(200, seed=3))
    while len(long_text) < LONG_CHARS:
        long_text += next(pieces) + "\n\n"
    articles[0] = ("long", long_text[:LONG_CHARS])
    path = folder / "corpus.jsonl"
    with path.open("wb") as out:
        for article_id, text in articles:
            out.write(orjson.dumps({"id": article_id, "text": text}) + b"\n")
    return path


def annotate_long_article(settings: Settings) -> None:
    """1,000 spans on every few tokens of the long article, leaving free tokens between."""
    article = load_corpus(list(settings.corpus_paths)).get("long")
    assert article is not None
    text = article.text
    tokens = TokenIndex(text)
    step = len(tokens) // SPANS
    spans = [
        Span(tokens.starts[i], tokens.ends[i], LABELS[n % len(LABELS)], tokens[i].text)
        for n, i in enumerate(range(0, step * SPANS, step))
    ]
    annotation = Annotation.new("long", article.text_sha).with_spans(spans)
    with Store.open(settings.store_dir, settings.annotator) as store:
        store.save(annotation.with_status(Status.IN_PROGRESS))


class Frames:
    """When the app last put a frame out, in UI-thread CPU time: the latency a user sees is
    from the key to the frame, which Pilot's own waits (walks over every widget, before and
    after the frame) do not delay."""

    def __init__(self, app: CoolApp) -> None:
        self.last: float | None = None
        on_each_frame(app, self._frame_out)

    def _frame_out(self) -> None:
        self.last = time.thread_time()


async def timed(
    press: Callable[[], Awaitable[None]],
    samples: int,
    prepare: Callable[[], Awaitable[None]] | None = None,
    frames: Frames | None = None,
) -> tuple[list[float], list[float]]:
    """UI-thread CPU milliseconds of each press until idle, and until the last frame it put
    out (if any: the key's, or a later one it caused); `prepare` runs untimed before each."""
    times, to_frame = [], []
    for _ in range(samples):
        if prepare is not None:
            await prepare()
        if frames is not None:
            frames.last = None
        start = time.thread_time()
        await press()
        times.append((time.thread_time() - start) * 1000)
        if frames is not None and frames.last is not None:
            to_frame.append((frames.last - start) * 1000)
    return times, to_frame


def report(name: str, measured: tuple[list[float], list[float]]) -> None:
    times, to_frame = measured
    for suffix, values in (("", times), ("_to_frame", to_frame)):
        if values:
            ordered = sorted(values)
            p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
            print(f"{name}{suffix}_p50_ms={statistics.median(ordered):.1f} ms")
            print(f"{name}{suffix}_p99_ms={p99:.1f} ms")


async def first_paint(settings: Settings, size: tuple[int, int]) -> float:
    start = time.perf_counter()
    app = build_app(settings)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        elapsed = time.perf_counter() - start
    app.store.close()
    return elapsed


async def keys(settings: Settings, presses: int) -> None:
    app: CoolApp = build_app(settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        reader = app.query_one(Reader)
        assert app.article is not None and app.article.id == "long", app.article
        frames = Frames(app)

        async def press(*keys: str) -> None:
            await pilot.press(*keys)
            await pilot.pause()

        # The harness's own cost: a key bound to nothing still goes through Pilot's waits (two
        # walks over every widget) and the app's key dispatch. Every figure until idle below
        # includes it; the figures to the frame do not (a key bound to nothing puts none out).
        report("ui_key_unbound", await timed(lambda: press("f20"), presses))
        report("ui_key_cursor_move", await timed(lambda: press("right"), presses, None, frames))
        report("ui_key_cursor_down", await timed(lambda: press("down"), presses, None, frames))

        async def grow() -> None:
            await press("shift+right")

        reader.move_to(reader.text.index("Kapolsek"))
        report("ui_key_grow_selection", await timed(grow, presses, None, frames))

        taken = {s.start for s in reader.spans}
        free = [
            i
            for i, start in enumerate(reader.tokens.starts)
            if start not in taken and reader.tokens[i].text.isalpha()
        ]
        rng = random.Random(5)
        targets = iter(rng.sample(free, presses))

        async def to_free_token() -> None:
            reader.move_to(reader.tokens.starts[next(targets)])
            await pilot.pause()

        before = len(app.annotation.spans) if app.annotation else 0
        process_start, thread_start = time.process_time(), time.thread_time()
        report("ui_key_add_span", await timed(lambda: press("o"), presses, to_free_token, frames))
        app.store.flush()
        writer = (time.process_time() - process_start) - (time.thread_time() - thread_start)
        print(f"ui_writer_cpu_ms_per_save={writer * 1000 / presses:.1f} ms")
        assert app.annotation is not None and len(app.annotation.spans) > before

        app.articles.focus()
        await pilot.pause()
        report("ui_key_list_down", await timed(lambda: press("down"), presses, None, frames))
        report(
            "ui_key_list_pagedown", await timed(lambda: press("pagedown"), presses, None, frames)
        )
    app.store.close()


def in_a_new_process(what: str, root: Path, *args: str) -> str:
    """Run one measurement in a process of its own, as a user runs one app per process: a
    process that has run a dozen apps is slower to build and drive the next (its heap is
    bigger and scattered), by 15-20% here. Returns what the measurement printed."""
    command = [sys.executable, __file__, "--measure", what, "--root", str(root), *args]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"the {what} measurement failed:\n{done.stderr}")
    return done.stdout


def paints(name: str, root: Path, settings_name: str, count: int) -> None:
    times = [float(in_a_new_process("paint", root, settings_name)) for _ in range(count)]
    print(f"ui_first_paint_{name}_s={statistics.median(times):.3f} s")
    print(f"ui_first_paint_{name}_max_s={max(times):.3f} s")


def settings_in(root: Path) -> dict[str, Settings]:
    return {
        "seeds": Settings.resolve(corpus=[SEEDS], store=root / "seeds-store", annotator="bench"),
        "big": Settings.resolve(
            corpus=[root / "corpus.jsonl"], store=root / "store", annotator="bench"
        ),
    }


async def measure(what: str, root: Path, settings_name: str, presses: int) -> None:
    """One measurement, in this (new) process."""
    os.environ["COOLTUI_CACHE_DIR"] = str(root / "cache")
    settings = settings_in(root)[settings_name]
    if what == "paint":
        print(f"{await first_paint(settings, (120, 40)):.4f}")
    else:
        await keys(settings, presses)


def key_sessions(root: Path, big: Settings, sessions: int, presses: int) -> None:
    """The key session `sessions` times, each in a new process on the store as annotated: each
    figure is the median over the sessions (of their p50s, of their p99s), with the worst p99
    beside it. This machine's speed drifts by a third within minutes, which a single session's
    p99 takes for the app's."""
    store, before = big.store_dir, root / "store-before-keys"
    shutil.copytree(store, before)
    figures: dict[str, list[float]] = {}
    units: dict[str, str] = {}
    for _ in range(sessions):
        shutil.rmtree(store)
        shutil.copytree(before, store)
        for line in in_a_new_process("keys", root, "--presses", str(presses)).splitlines():
            name, _, measured = line.partition("=")
            value, _, units[name] = measured.partition(" ")
            figures.setdefault(name, []).append(float(value))
    for name, values in figures.items():
        print(f"{name}={statistics.median(values):.1f} {units[name]}")
        if name.endswith("_p99_ms") and sessions > 1:
            print(f"{name.removesuffix('_ms')}_max_ms={max(values):.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--presses", type=int, default=200)
    parser.add_argument("--paints", type=int, default=5)
    parser.add_argument("--sessions", type=int, default=3)
    parser.add_argument("--measure", choices=("paint", "keys"), help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("settings", nargs="?", default="big", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.measure:
        asyncio.run(measure(options.measure, options.root, options.settings, options.presses))
        return
    with tempfile.TemporaryDirectory(prefix="cooltui-ui-") as temp:
        root = Path(temp)
        os.environ["COOLTUI_CACHE_DIR"] = str(root / "cache")
        make_corpus(root, options.articles)
        big = settings_in(root)["big"]
        annotate_long_article(big)  # also fills the corpus index cache
        paints("seeds", root, "seeds", options.paints)
        paints(f"corpus_{options.articles}", root, "big", options.paints)
        key_sessions(root, big, options.sessions, options.presses)
        # Next morning: the same store now carries the session's edits of the long article,
        # each journalled whole (the undo history), which opening has to read.
        paints("after_session", root, "big", options.paints)
        journal = big.store_dir / "bench" / "history.jsonl"
        print(f"ui_journal_after_session_mb={journal.stat().st_size / 2**20:.0f} MB")


if __name__ == "__main__":
    main()
