"""How fast the annotation store saves and opens as it grows.

For stores of 100, 10,000 and 100,000 annotated articles (records of ~1 KB with realistic spans,
labels and notes), built directly as shard files in a temporary folder, measure:

- one durable save: Store.save() of a changed annotation, then flush() (on disk, fsynced), over
  many saves of random articles (each article read with get() first, as the app does when it
  opens one; that read is measured apart as get_*);
- opening the store (median of several opens).

Prints `name=value unit` lines: save_p50_ms_<n>, save_p99_ms_<n>, open_s_<n>, get_p99_ms_<n> ...
and disk_p50_ms_<n>, disk_p99_ms_<n>: the bare durable write (write, fsync, rename, fsync the
folder) measured just before, to tell the store's cost from the machine's state (others' I/O and
CPU on a shared machine move every figure).
Run: .venv/bin/python bench/store.py [--sizes 100,10000,100000] [--saves 500] [--dir DIR]
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import tempfile
import time
from pathlib import Path

import orjson

from cooltui.model import Annotation, Span, Status
from cooltui.store import DEFAULT_SHARDS, TABLE, Store, atomic_write, shard_name, shard_of
from cooltui.store import write_manifest as _write_manifest

WORDS = [
    "presiden",
    "jokowi",
    "jakarta",
    "menteri",
    "bank",
    "indonesia",
    "rupiah",
    "pemerintah",
    "partai",
    "golkar",
    "dpr",
    "kpk",
    "surabaya",
    "bandung",
    "gubernur",
    "polisi",
    "pemilu",
    "ekonomi",
    "harga",
    "beras",
    "bbm",
    "investasi",
    "china",
    "amerika",
]
LABELS = ("PER", "ORG", "LOC", "EVT", "MISC")
SOURCES = ("manual", "manual", "rule:gazetteer", "rule:title-case")


def make_annotation(rng: random.Random, article_id: str) -> Annotation:
    """An annotation of ~1 KB: 6 spans, two document label groups, a short note."""
    spans = []
    position = 0
    for _ in range(6):
        position += rng.randint(20, 300)
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 3)))
        spans.append(
            Span(position, position + len(text), rng.choice(LABELS), text, rng.choice(SOURCES))
        )
        position += len(text)
    now = time.time() - rng.uniform(0, 86400 * 30)
    return Annotation(
        article_id=article_id,
        text_sha=f"{rng.getrandbits(256):064x}",
        spans=tuple(spans),
        doc_labels={
            "topik": (rng.choice(["politik", "ekonomi", "hukum"]),),
            "sentimen": ("netral",),
        },
        note=" ".join(rng.choice(WORDS) for _ in range(12)),
        status=rng.choice(list(Status)),
        created=now,
        updated=now + 60,
        seconds=rng.uniform(10, 600),
    )


def build(folder: Path, annotator: str, count: int, rng: random.Random) -> list[str]:
    """Write a store of `count` records as shard files (as the store would lay them out)."""
    target = folder / annotator
    target.mkdir(parents=True)
    tables: dict[int, dict[str, object]] = {}
    ids = []
    for n in range(count):
        article_id = f"kompas-{n:07d}"
        ids.append(article_id)
        table = tables.setdefault(shard_of(article_id, DEFAULT_SHARDS), {})
        table[str(len(table) + 1)] = make_annotation(rng, article_id).to_dict()
    for number, table in tables.items():
        atomic_write(target / shard_name(number), orjson.dumps({TABLE: table}), sync_dir=False)
    _write_manifest(target, annotator, DEFAULT_SHARDS)
    return ids


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def disk_baseline(folder: Path, samples: int = 200) -> list[float]:
    """The bare durable write the store's save rests on, as the machine does it right now: a
    100 KB temp file written and fsynced, renamed over the old one, the folder fsynced (ms)."""
    data = bytes(100_000)
    target = folder / "baseline.bin"
    times = []
    for _ in range(samples):
        start = time.perf_counter()
        atomic_write(target, data)
        times.append((time.perf_counter() - start) * 1000)
    target.unlink()
    return times


def measure(folder: Path, count: int, saves: int, opens: int) -> dict[str, float]:
    rng = random.Random(count)
    ids = build(folder, "bench", count, rng)
    gc.collect()
    record_bytes = sum(p.stat().st_size for p in (folder / "bench").glob("shard-*.json")) / count
    open_times = []
    for _ in range(opens):
        start = time.perf_counter()
        store = Store.open(folder, "bench")
        open_times.append(time.perf_counter() - start)
        assert len(store) == count
        store.close()
    disk_ms = disk_baseline(folder)
    save_ms, get_ms = [], []
    with Store.open(folder, "bench") as store:
        for n in range(saves):
            article_id = rng.choice(ids)
            start = time.perf_counter()
            annotation = store.get(article_id)
            get_ms.append((time.perf_counter() - start) * 1000)
            assert annotation is not None
            changed = annotation.with_note(f"catatan {n}").touched(seconds=1.5)
            start = time.perf_counter()
            store.save(changed)
            store.flush()
            save_ms.append((time.perf_counter() - start) * 1000)
    return {
        f"record_bytes_{count}": record_bytes,
        f"save_p50_ms_{count}": statistics.median(save_ms),
        f"save_p99_ms_{count}": percentile(save_ms, 0.99),
        f"save_max_ms_{count}": max(save_ms),
        f"get_p50_ms_{count}": statistics.median(get_ms),
        f"get_p99_ms_{count}": percentile(get_ms, 0.99),
        f"open_s_{count}": statistics.median(open_times),
        f"disk_p50_ms_{count}": statistics.median(disk_ms),
        f"disk_p99_ms_{count}": percentile(disk_ms, 0.99),
    }


UNITS = {"ms": "ms", "s": "s", "bytes": "bytes"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,10000,100000")
    parser.add_argument("--saves", type=int, default=500)
    parser.add_argument("--opens", type=int, default=5)
    parser.add_argument(
        "--dir", type=Path, default=None, help="where to build (default: a temp dir)"
    )
    args = parser.parse_args()
    for count in (int(size) for size in args.sizes.split(",")):
        with tempfile.TemporaryDirectory(dir=args.dir, prefix="cooltui-bench-") as tmp:
            for name, value in measure(Path(tmp), count, args.saves, args.opens).items():
                unit = name.split("_")[-2]
                print(f"{name}={value:.3f} {UNITS.get(unit, '')}".rstrip(), flush=True)


if __name__ == "__main__":
    main()
