"""How fast the article list is at 100,000 articles, driven by Pilot in a 120x40 terminal.

Prints `name=value unit` lines:
- list_rows_build_ms: making the ListRows (each folds its title, outlet and date once);
- list_first_paint_ms: mounting the list into a running app and painting it (5 rows for scale);
- list_key_p50_ms / p99 (down) and list_pagedown_p50_ms / p99: the CPU time of one
  `pilot.press` and the paint that follows. Wall time would measure Pilot instead: each press
  sleeps twice in `wait_for_idle` (20 ms at least), which list_key_wall_p50_ms shows.
  Presses start at the top, so most of them scroll the list and repaint all of it;
- list_key_gc_frozen_p50_ms / p99: the same after gc.freeze(). The rare slow press is a full
  garbage collection walking the 100k rows, not the list's work;
- list_filter_title_ms (a rare word), list_filter_title_common_ms (a word in half the titles),
  list_filter_status_ms, list_filter_clear_ms: apply_filter (the part that holds up the UI),
  median of 5 runs, and the rows each lets through;
- list_resize_ms: the CPU time of a terminal resize and the repaint;
- list_set_rows_ms: replacing all rows (the id index is the part that grows with the corpus).

    python bench/article_list.py [--rows 100000] [--presses 200]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import time
from collections.abc import Awaitable, Callable

from textual.app import App

from cooltui.model import Status
from cooltui.query import ListRow, parse_query
from cooltui.tui.article_list import ArticleList

WORDS = [
    "Kapolsek",
    "Minas",
    "hadiri",
    "silaturahmi",
    "Pilkada",
    "warga",
    "Bhabinkamtibmas",
    "patroli",
    "Dumai",
    "Siak",
    "imbau",
    "hoaks",
    "pemilu",
    "damai",
    "tokoh",
    "masyarakat",
]
OUTLETS = ["lingkupperistiwa.com", "TOPIKMETRO.COM", "ZONAMERDEKA.COM", "PANTAUNEWS.CO.ID"]
STATUSES = list(Status)


def make_fields(count: int) -> list[tuple[str, str, str, str, Status]]:
    return [
        (
            f"a{n:06d}",
            " ".join(WORDS[(n * 7 + k * 3) % len(WORDS)] for k in range(9)) + f" {n}",
            OUTLETS[n % len(OUTLETS)],
            f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}",
            STATUSES[n % 11 % len(STATUSES)],
        )
        for n in range(count)
    ]


def report(name: str, value: float, unit: str = "ms") -> None:
    print(f"{name}={value:.2f} {unit}", flush=True)


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


class BenchApp(App[None]):
    """An empty screen to mount lists into."""


def paint(app: App[None]) -> None:
    """Paint now what is dirty, as the screen's update timer would."""
    app.screen._on_timer_update()


async def cpu_ms(step: Callable[[], Awaitable[None]]) -> float:
    start = time.process_time()
    await step()
    return (time.process_time() - start) * 1000


async def run(count: int, presses: int) -> None:
    fields = make_fields(count)
    start = time.perf_counter()
    rows = [ListRow(*row) for row in fields]
    report("list_rows_build_ms", (time.perf_counter() - start) * 1000)
    app = BenchApp()
    async with app.run_test(size=(120, 40)) as pilot:
        for label, subset in (("list_first_paint_5_ms", rows[:5]), ("list_first_paint_ms", rows)):
            start = time.perf_counter()
            widget = ArticleList(subset)
            await app.mount(widget)
            paint(app)
            report(label, (time.perf_counter() - start) * 1000)
            if subset is not rows:
                await widget.remove()
        widget.focus()
        await pilot.pause()

        keys = (
            ("down", "list_key", False),
            ("pagedown", "list_pagedown", False),
            ("down", "list_key_gc_frozen", True),
        )
        for key, name, freeze in keys:
            await pilot.press("home")
            if freeze:
                gc.freeze()

            async def press(key: str = key) -> None:
                await pilot.press(key)
                paint(app)

            samples = [await cpu_ms(press) for _ in range(presses)]
            report(f"{name}_p50_ms", statistics.median(samples))
            report(f"{name}_p99_ms", percentile(samples, 0.99))
        walls = []
        for _ in range(20):
            start = time.perf_counter()
            await pilot.press("up")
            walls.append((time.perf_counter() - start) * 1000)
        report("list_key_wall_p50_ms", statistics.median(walls))

        rare = parse_query("4242")
        for name, before, query in (
            ("list_filter_title_ms", None, rare),
            ("list_filter_title_common_ms", None, parse_query("minas")),
            ("list_filter_status_ms", None, parse_query("status:flagged")),
            ("list_filter_clear_ms", rare, None),
        ):
            times = []
            for _ in range(5):
                widget.apply_filter(before, lambda _id: None, lambda _id: "")
                await pilot.pause()
                start = time.perf_counter()
                widget.apply_filter(query, lambda _id: None, lambda _id: "")
                times.append((time.perf_counter() - start) * 1000)
            report(name, statistics.median(times))
            report(name.replace("_ms", "_rows"), widget.visible_count, "rows")

        async def resize() -> None:
            await pilot.resize_terminal(80, 24)
            paint(app)

        report("list_resize_ms", await cpu_ms(resize))

        start = time.perf_counter()
        widget.set_rows(rows[::-1])
        report("list_set_rows_ms", (time.perf_counter() - start) * 1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--presses", type=int, default=200)
    arguments = parser.parse_args()
    asyncio.run(run(arguments.rows, arguments.presses))


if __name__ == "__main__":
    main()
