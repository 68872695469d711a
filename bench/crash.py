"""Kill a cooltui store with SIGKILL at random moments while it saves; count the damage.

A child process opens a store and saves annotations without pause (a random article of 400 each
time, records of up to ~4 KB; every other save or so it calls flush() and prints the saves it
acknowledged). The parent kills it at a random moment: a quarter of the time anywhere from start
(perhaps while importing or opening), otherwise 0-250 ms after the store is open. After each kill
it checks every file of the store parses (the journal may end in one torn line: an append the kill
cut short, never acknowledged), opens the store read-only reading every record in full, and looks
for each acknowledged save. The store is kept across trials, so it grows, and its history bound is
small so that the journal is compacted often (and killed while compacting).

In a third of the trials the journal is also damaged after the kill, as a crash never leaves it:
cut at a random byte of its last two lines, cut to half, or a whole line dropped from its end or
its middle. Then the store is opened for writing, as the next cooltui does: if it refuses (it
must whenever the journal lost edits the shards hold), `recover` runs, as the message says. An
open or a recover that wrote back a record older than an acknowledged save counts as lost.

Prints: trials=N corrupt=N lost=N (and damaged_journals=, refused=, acked_saves=,
acked_articles=, child_errors=, seconds=).
Run: .venv/bin/python bench/crash.py [--trials 200] [--seed 1] [--dir DIR]
"""

from __future__ import annotations

import argparse
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

from cooltui.store import HISTORY, Store, StoreCorrupt, StoreError, recover

CHILD = r"""
import random, sys
from pathlib import Path
import cooltui.store.journal
from cooltui.model import Annotation, Span, Status
from cooltui.store import Store

store_dir, first, limit = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
cooltui.store.journal.HISTORY_LIMIT = limit  # where the undo history reads it
rng = random.Random(first)
store = Store.open(store_dir, "crash")
print("open", flush=True)
n, since_flush = first, []
while True:
    article_id = f"art-{rng.randrange(400)}"
    annotation = (
        Annotation.new(article_id, "sha")
        .with_note(str(n))
        .with_status(rng.choice(list(Status)))
        .add_span(Span(0, 4, "PER", "Budi"))
        .with_doc_labels("g", ["x" * rng.randrange(3000)])
    )
    store.save(annotation)
    since_flush.append(f"{article_id} {n}")
    if rng.random() < 0.5:
        store.flush()
        print("\n".join(since_flush), flush=True)
        since_flush = []
    n += 1
"""


def shard_notes(folder: Path) -> dict[str, int]:
    """Each article's note as its shard file holds it (acknowledged = in the shard itself)."""
    notes = {}
    for path in folder.glob("shard-*.json"):
        try:
            table = orjson.loads(path.read_bytes()).get("annotations", {})
        except orjson.JSONDecodeError:
            continue  # counted as damaged
        notes.update({r["id"]: int(r["note"]) for r in table.values()})
    return notes


def check(store_dir: Path, acked: dict[str, int]) -> tuple[int, int]:
    """Damaged files in the store, and acknowledged saves not found in it."""
    damaged = 0
    if not (store_dir / "crash").exists():
        # Killed before it made its store (a busy machine is slow to start a child): it can
        # have acknowledged nothing.
        return 0, len(acked)
    for path in (store_dir / "crash").iterdir():
        if path.name == HISTORY:
            parts = path.read_bytes().split(b"\n")[:-1]  # the part after the last newline: torn
        elif path.suffix in (".json", ".bak", ".info"):
            parts = [path.read_bytes()]
        else:
            continue
        for part in parts:
            try:
                orjson.loads(part)
            except orjson.JSONDecodeError:
                print(f"damaged: {path}", file=sys.stderr)
                damaged += 1
                break
    try:
        with Store.open(store_dir, "crash", read_only=True) as store:
            notes = {a.article_id: int(a.note) for a in store}
    except StoreError as error:
        print(f"cannot open: {error}", file=sys.stderr)
        return damaged + 1, len(acked)
    in_shards = shard_notes(store_dir / "crash")  # the shard files alone, without the journal
    missing = [i for i, n in acked.items() if min(notes.get(i, -1), in_shards.get(i, -1)) < n]
    for article_id in missing:
        print(f"lost: {article_id} {acked[article_id]}", file=sys.stderr)
    return damaged, len(missing)


def damage_journal(journal: Path, rng: random.Random) -> bool:
    """Damage the journal as a crash never does; False if it has too little to damage."""
    raw = journal.read_bytes() if journal.exists() else b""
    lines = raw.splitlines(keepends=True)
    if len(lines) < 3:
        return False
    kind = rng.choice(["cut end", "cut half", "drop last", "drop middle"])
    if kind == "cut end":
        raw = raw[: rng.randrange(len(raw) - len(lines[-1]) - len(lines[-2]), len(raw))]
    elif kind == "cut half":
        raw = raw[: len(raw) // 2]
    else:
        gone = len(lines) - 1 if kind == "drop last" else rng.randrange(len(lines) - 1)
        raw = b"".join(lines[:gone] + lines[gone + 1 :])
    journal.write_bytes(raw)
    return True


def reopen(store_dir: Path) -> bool:
    """Open the store for writing and close it, as the next cooltui would; when it refuses a
    damaged journal, run recover as its message says. True if it refused."""
    try:
        Store.open(store_dir, "crash").close()
    except StoreCorrupt:
        recover(store_dir, "crash")
        Store.open(store_dir, "crash").close()
        return True
    return False


def run(store_dir: Path, trials: int, seed: int, limit: int) -> dict[str, float]:
    rng = random.Random(seed)
    acked: dict[str, int] = {}
    corrupt = lost = errors = acked_saves = damaged_journals = refused = 0
    start = time.monotonic()
    for trial in range(trials):
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(store_dir), str((trial + 1) * 10**7), str(limit)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        if rng.random() < 0.25:
            time.sleep(rng.uniform(0, 0.5))
        else:
            child.stdout.readline()
            time.sleep(rng.uniform(0, 0.25))
        child.send_signal(signal.SIGKILL)
        output, error = child.communicate()
        if error.strip():
            errors += 1
            print(f"child error: {error.strip().splitlines()[-1]}", file=sys.stderr)
        for line in output.splitlines():
            if line.startswith("art-"):
                acked_saves += 1
                article_id, n = line.split()
                acked[article_id] = max(acked.get(article_id, 0), int(n))
        if rng.random() < 1 / 3 and damage_journal(store_dir / "crash" / HISTORY, rng):
            damaged_journals += 1
            refused += reopen(store_dir)
        damaged, missing = check(store_dir, acked)
        corrupt += damaged
        lost += missing
    with Store.open(store_dir, "crash") as store:  # a writable open after the last kill, too
        assert len(store) == len({a.article_id for a in store})
    return {
        "trials": trials,
        "corrupt": corrupt,
        "lost": lost,
        "damaged_journals": damaged_journals,
        "refused": refused,
        "acked": len(acked),
        "acked_saves": acked_saves,
        "child_errors": errors,
        "seconds": round(time.monotonic() - start, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--history-limit", type=int, default=30)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir, prefix="cooltui-crash-") as tmp:
        result = run(Path(tmp) / "annotations", args.trials, args.seed, args.history_limit)
    print(f"trials={result['trials']} corrupt={result['corrupt']} lost={result['lost']}")
    print(f"damaged_journals={result['damaged_journals']} refused={result['refused']}")
    print(f"acked_saves={result['acked_saves']} acked_articles={result['acked']}")
    print(f"child_errors={result['child_errors']}")
    print(f"seconds={result['seconds']} s")


if __name__ == "__main__":
    main()
