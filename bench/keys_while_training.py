"""Does a key slow down while the model retrains? Issue #17: the app "retrains in a separate
process without slowing a key".

The app runs on a store holding the gold (tests/data/gold seeds and held-out, imported done)
and ui.py's long article (50,000 characters, 1,000 spans, in progress), which it opens. Each
round of keys is, --presses times: right, down (cursor moves), the cursor taken to a free word
(untimed), o (a label's key: a new span), u (undo: the span goes again). Each key is timed
until the last frame it put out (ui.py's Frames), in wall time (what the user waits) and in
the UI thread's CPU time (the app's own work), p50 and p99 over every key of every round.

Four conditions, each key session in a new process (ui.py's reason), interleaved over
--rounds (their order turned each round), each on a fresh copy of the store:
- quiet: nothing else of ours running;
- training: a real training of the annotator's model on the gold, started as the app starts
  one (the command cooltui.tui.app.model_loop builds: `python -m cooltui.learn.worker train`,
  whose lower_priority() nices it and its autogroup by cooltui.learn.worker.NICENESS), only its
  time budget longer (--train-minutes) so that it outlasts the keys;
- training_nice_only: the same, its autogroup left alone (os.nice only, as the worker did
  first). With the kernel's autogroups on (/proc/sys/kernel/sched_autogroup_enabled, as most
  desktop Linux kernels have them), each session (setsid) is a scheduling group of its own,
  groups share the CPU evenly whatever their tasks' niceness, and ModelLoop starts the worker
  in a new session: its nice value alone then only ranks it against itself;
- training_not_niced: the same with lower_priority() a no-op, to show what niceness buys.
Each training's (nice, autogroup nice) is checked against what its condition means.
The key session starts once the training has written its data (spaCy loaded, the epochs
about to start); the training is polled throughout, its CPU use over the key session and its
niceness (its own and its autogroup's) read from /proc, and it is stopped when the keys end
(a training that ended before them is reported). The app itself is started with
--retrain-every 0: the training it would start on opening this store is the bench's to start.
No model is in the store, so no model worker (`serve`) runs.

On an otherwise idle machine of 2 cores the training takes one and the app the other, and
niceness has little to do; --busy N keeps N more processes spinning at the user's priority
throughout, in every condition, as other work on a user's machine would.

Prints `name=value unit` lines, then a markdown table for the README:

    python bench/keys_while_training.py [--presses 200] [--rounds 3] [--busy 0]
        [--train-minutes 10]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cooltui.cli import main as cooltui
from cooltui.learn.layout import model_folder
from cooltui.learn.worker import NICENESS
from cooltui.settings import Settings
from cooltui.tui.app import CoolApp, build_app, model_loop
from cooltui.tui.reader import Reader
from ui import SEEDS, Frames, annotate_long_article, make_corpus

GOLD = Path(__file__).resolve().parent.parent / "tests" / "data" / "gold"
ANNOTATOR = "bench"
CONDITIONS = ("quiet", "training", "training_nice_only", "training_not_niced")
KINDS = ("cursor_right", "cursor_down", "label", "undo")
CLOCKS = ("wall", "cpu", "wall_first", "cpu_first")
"""To the last frame the key put out (as ui.py), and to the first (the one that shows it)."""
LABEL_KEY, UNDO_KEY = "o", "u"
# `python -c WRAPPER train ...`: the worker's main, its lower_priority() replaced (the only
# difference from the app's training).
_WRAPPER = (
    "import os, sys\n"
    "from cooltui.learn import worker\n"
    "assert callable(worker.lower_priority), 'the worker has changed: see this bench'\n"
    "worker.lower_priority = {}\n"
    "sys.exit(worker.main(sys.argv[1:]))\n"
)
WRAPPERS: dict[str, str | None] = {
    "training": None,
    "training_nice_only": _WRAPPER.format("lambda: os.nice(worker.NICENESS)"),
    "training_not_niced": _WRAPPER.format("lambda: None"),
}
"""How each condition's training is started: None, as the app starts it."""
EXPECTED = {
    "training": (NICENESS, NICENESS),
    "training_nice_only": (NICENESS, 0),
    "training_not_niced": (0, 0),
}
"""(nice, autogroup nice) each condition's training must run at, with autogroups on."""
READY_TIMEOUT_S = 300.0
POLL_S = 0.2
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# The key session, in a process of its own


class WallFrames(Frames):
    """ui.py's Frames, with the wall clock beside the UI thread's CPU clock, and the first
    frame after the key beside the last: the last may be a later one the key caused (the
    save state's, once the writer thread has saved), the first is the one that shows it."""

    def __init__(self, app: CoolApp) -> None:
        self.forget()
        super().__init__(app)

    def forget(self) -> None:
        self.last: float | None = None
        self.last_wall: float | None = None
        self.first: tuple[float, float] | None = None

    def _frame_out(self) -> None:
        super()._frame_out()
        self.last_wall = time.perf_counter()
        if self.first is None:
            assert self.last is not None
            self.first = (self.last_wall, self.last)


async def key_session(settings: Settings, presses: int) -> dict[str, object]:
    """Each kind's keys timed to their frame: {"wall": {kind: [ms]}, "cpu": ..., "start",
    "end" (the session's epoch seconds), "frameless" (keys that put no frame out)}."""
    app = build_app(settings, retrain_every=0)
    wall: dict[str, list[float]] = {kind: [] for kind in KINDS}
    cpu: dict[str, list[float]] = {kind: [] for kind in KINDS}
    wall_first: dict[str, list[float]] = {kind: [] for kind in KINDS}
    cpu_first: dict[str, list[float]] = {kind: [] for kind in KINDS}
    frameless = 0
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        reader = app.query_one(Reader)
        assert app.article is not None and app.article.id == "long", app.article
        assert app.annotation is not None
        spans_before = len(app.annotation.spans)
        frames = WallFrames(app)
        taken = {span.start for span in reader.spans}
        free = [
            i
            for i, start in enumerate(reader.tokens.starts)
            if start not in taken and reader.tokens[i].text.isalpha()
        ]
        targets = random.Random(5).sample(free, presses)

        async def timed(kind: str, key: str) -> None:
            nonlocal frameless
            frames.forget()
            wall_start, cpu_start = time.perf_counter(), time.thread_time()
            await pilot.press(key)
            await pilot.pause()
            if frames.last is None or frames.last_wall is None or frames.first is None:
                frameless += 1
                return
            wall[kind].append((frames.last_wall - wall_start) * 1000)
            cpu[kind].append((frames.last - cpu_start) * 1000)
            wall_first[kind].append((frames.first[0] - wall_start) * 1000)
            cpu_first[kind].append((frames.first[1] - cpu_start) * 1000)

        # One round untimed: a first key's frame carries the app's own first-use costs.
        await pilot.press("right", "down", LABEL_KEY, UNDO_KEY)
        await pilot.pause()
        start = time.time()
        # The kinds take turns key by key, so that each meets every phase of the training.
        for target in targets:
            await timed("cursor_right", "right")
            await timed("cursor_down", "down")
            reader.move_to(reader.tokens.starts[target])
            await pilot.pause()
            await timed("label", LABEL_KEY)
            await timed("undo", UNDO_KEY)
        end = time.time()
        # Every label was undone: the keys did what they are timed for.
        assert app.annotation is not None and len(app.annotation.spans) == spans_before
    app.store.close()
    return {
        "wall": wall,
        "cpu": cpu,
        "wall_first": wall_first,
        "cpu_first": cpu_first,
        "start": start,
        "end": end,
        "frameless": frameless,
    }


# The training beside it


def proc_stat(pid: int) -> tuple[float, int, int] | None:
    """(CPU seconds of all its threads, niceness, its autogroup's niceness or -99 without
    autogroups) of a live process, from /proc."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()  # from field 3 (state) on
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS, int(fields[16]), group_nice(pid)


def group_nice(pid: int | str) -> int:
    """The niceness of the process's autogroup ("/autogroup-56 nice 10"); -99 without."""
    try:
        return int(Path(f"/proc/{pid}/autogroup").read_text(encoding="ascii").split()[-1])
    except (OSError, ValueError, IndexError):
        return -99


def autogroups_on() -> bool:
    try:
        return Path("/proc/sys/kernel/sched_autogroup_enabled").read_text().strip() == "1"
    except OSError:
        return False


@dataclass
class Training:
    """A training started beside a key session, and what polling it saw."""

    process: subprocess.Popen[bytes]
    log: Path
    samples: list[tuple[float, float, int, int]] = field(default_factory=list)
    """(epoch seconds, CPU seconds so far, niceness, its autogroup's)."""
    ended_at: float | None = None

    def poll(self) -> None:
        if self.ended_at is None and self.process.poll() is not None:
            self.ended_at = time.time()
        stat = proc_stat(self.process.pid) if self.ended_at is None else None
        if stat is not None:
            self.samples.append((time.time(), *stat))

    def cores_between(self, start: float, end: float) -> float:
        """Its CPU use between two moments, in cores (1.0: one core all the time)."""
        inside = [(t, c) for t, c, _, _ in self.samples if start <= t <= end]
        if len(inside) < 2 or inside[-1][0] <= inside[0][0]:
            return float("nan")
        return (inside[-1][1] - inside[0][1]) / (inside[-1][0] - inside[0][0])

    def nice_between(self, start: float, end: float) -> set[tuple[int, int]]:
        """(niceness, its autogroup's) seen between two moments."""
        return {(nice, group) for t, _, nice, group in self.samples if start <= t <= end}

    def stop(self) -> None:
        if self.process.poll() is None:
            # Its own session (start_new_session, as the app starts it): its group is its pid.
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def last_words(self) -> str:
        lines = self.log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        return lines[-1] if lines else "(nothing)"


def train_command(settings: Settings, minutes: float) -> list[str]:
    """The very command the app runs to retrain (model_loop's), with another time budget."""
    loop = model_loop(settings, None, False)
    if loop is None:
        raise SystemExit("this bench needs spaCy: pip install 'cooltui[spacy]'")
    command = list(loop._train_command)  # the app's own, not a copy that could drift
    command[command.index("--minutes") + 1] = str(minutes)
    return command


def start_training(
    settings: Settings, command: list[str], wrapper: str | None, log: Path
) -> Training | None:
    """Start the training as ModelLoop does (through `python -c wrapper` if given), and wait
    until its data is written (spaCy is loaded, the epochs are about to start). None (with
    why) when it ends before."""
    if wrapper is not None:
        assert command[1:3] == ["-m", "cooltui.learn.worker"], command
        command = [command[0], "-c", wrapper, *command[3:]]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=out, stderr=out, start_new_session=True
        )
    training = Training(process, log)
    target = model_folder(settings.store_dir, [settings.annotator])
    deadline = time.monotonic() + READY_TIMEOUT_S
    while not any(target.parent.glob(f".{target.name}.*.tmp/*.dev.spacy")):
        training.poll()
        if training.ended_at is not None or time.monotonic() > deadline:
            print(f"# the training did not start: {training.last_words()}", file=sys.stderr)
            training.stop()
            return None
        time.sleep(POLL_S)
    return training


# The rounds


@dataclass
class Measured:
    times: dict[str, dict[str, list[float]]] = field(
        default_factory=lambda: {clock: {kind: [] for kind in KINDS} for clock in CLOCKS}
    )
    """Milliseconds, by clock, by kind of key."""
    round_p99s: list[float] = field(default_factory=list)
    cores: list[float] = field(default_factory=list)
    nice: set[tuple[int, int]] = field(default_factory=set)
    ended_early: int = 0
    wrong_priority: int = 0
    session_s: list[float] = field(default_factory=list)
    frameless: int = 0


def percentile(values: list[float], share: float) -> float:
    """As ui.py's report: the nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def every_key(by_kind: dict[str, list[float]]) -> list[float]:
    return [value for values in by_kind.values() for value in values]


def one_session(
    root: Path, settings: Settings, condition: str, command: list[str], presses: int
) -> tuple[dict[str, object], Training | None]:
    store, pristine = settings.store_dir, root / "store-pristine"
    shutil.rmtree(store)
    shutil.copytree(pristine, store)
    training = None
    if condition != "quiet":
        log = root / f"training-{condition}.log"
        training = start_training(settings, command, WRAPPERS[condition], log)
        if training is None:
            raise SystemExit(f"{condition}: the training ended before the keys; see {log}")
    child = subprocess.Popen(
        [sys.executable, __file__, "--measure", "--root", str(root), "--presses", str(presses)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    # communicate() with a timeout reads the child's pipes and lets this thread poll the
    # training in between.
    while True:
        if training is not None:
            training.poll()
        try:
            out, err = child.communicate(timeout=POLL_S)
            break
        except subprocess.TimeoutExpired:
            continue
    if training is not None:
        training.poll()
        training.stop()
    if child.returncode:
        raise SystemExit(f"the {condition} key session failed:\n{err.decode(errors='replace')}")
    return orjson.loads(out), training


def run_rounds(
    root: Path, settings: Settings, command: list[str], presses: int, rounds: int
) -> dict[str, Measured]:
    measured = {condition: Measured() for condition in CONDITIONS}
    for number in range(rounds):
        # Turned each round: no condition always follows the same one.
        turn = number % len(CONDITIONS)
        order = CONDITIONS[turn:] + CONDITIONS[:turn]
        for condition in order:
            result, training = one_session(root, settings, condition, command, presses)
            into = measured[condition]
            for clock in CLOCKS:
                got = result[clock]
                assert isinstance(got, dict)
                for kind in KINDS:
                    into.times[clock][kind].extend(got[kind])
            got_wall = result["wall"]
            assert isinstance(got_wall, dict)
            into.round_p99s.append(percentile(every_key(got_wall), 0.99))
            start, end = float(result["start"]), float(result["end"])  # type: ignore[arg-type]
            into.session_s.append(end - start)
            into.frameless += int(result["frameless"])  # type: ignore[call-overload]
            note = ""
            if training is not None:
                into.cores.append(training.cores_between(start, end))
                nice = training.nice_between(start, end)
                into.nice |= nice
                expected = EXPECTED[condition]
                if not autogroups_on():
                    nice = {(own, -99) for own, _ in nice}
                    expected = (expected[0], -99)
                if nice != {expected}:
                    into.wrong_priority += 1
                    note = f", NOT at the (nice, autogroup nice) {expected} it should be"
                if training.ended_at is not None and training.ended_at < end:
                    into.ended_early += 1
                    note += (
                        f", the training ENDED {end - training.ended_at:.0f} s before the keys: "
                        f"{training.last_words()}"
                    )
                note = (
                    f", training at {into.cores[-1]:.2f} cores, (nice, autogroup nice) {nice}"
                    + note
                )
            print(
                f"# round {number + 1} {condition}: {end - start:.0f} s of keys, wall p99 "
                f"{into.round_p99s[-1]:.1f} ms{note}",
                file=sys.stderr,
                flush=True,
            )
    return measured


def load_average() -> float:
    return os.getloadavg()[0]


def print_figures(measured: dict[str, Measured]) -> None:
    figures: dict[str, dict[str, float]] = {}
    for condition, got in measured.items():
        mine = figures[condition] = {}
        for clock in CLOCKS:
            for share, name in ((0.5, "p50"), (0.99, "p99")):
                mine[f"{clock}_{name}"] = percentile(every_key(got.times[clock]), share)
                print(f"keys_{condition}_{clock}_{name}_ms={mine[f'{clock}_{name}']:.1f} ms")
        print(f"keys_{condition}_wall_p99_max_ms={max(got.round_p99s):.1f} ms")
        for kind in KINDS:
            for clock in ("wall", "cpu", "wall_first"):
                values = got.times[clock][kind]
                print(f"keys_{condition}_{kind}_{clock}_p50_ms={percentile(values, 0.5):.1f} ms")
                print(f"keys_{condition}_{kind}_{clock}_p99_ms={percentile(values, 0.99):.1f} ms")
        print(f"keys_{condition}_count={len(every_key(got.times['wall']))} keys")
        print(f"keys_{condition}_frameless={got.frameless} keys")
        print(f"keys_{condition}_session_s={statistics.median(got.session_s):.0f} s")
        if condition != "quiet":
            mine["cores"] = statistics.median(got.cores)
            print(f"training_{condition}_cpu_during_keys={mine['cores']:.2f} cores")
            nice, group = max(got.nice, default=(-99, -99))
            print(f"training_{condition}_nice={nice} nice")
            print(f"training_{condition}_autogroup_nice={group} nice")
            print(f"training_{condition}_ended_early={got.ended_early} sessions")
            print(f"training_{condition}_wrong_priority={got.wrong_priority} sessions")
    quiet = figures["quiet"]
    for condition in CONDITIONS[1:]:
        for clock in CLOCKS:
            suffix = "" if clock == "wall" else f"_{clock}"
            for name in ("p50", "p99"):
                ratio = figures[condition][f"{clock}_{name}"] / quiet[f"{clock}_{name}"]
                print(f"keys_{condition}_over_quiet{suffix}_{name}={ratio:.2f} x")
    print()
    print(
        "| condition | key to last frame, wall p50 / p99 | to first frame, wall p50 / p99 "
        "| UI-thread CPU to last frame, p50 / p99 | training's CPU during the keys |"
    )
    print("|---|---|---|---|---|")
    for condition in CONDITIONS:
        mine = figures[condition]
        cores = f"{mine['cores']:.2f} cores" if "cores" in mine else "-"
        print(
            f"| {condition.replace('_', ' ')} | {mine['wall_p50']:.1f} / {mine['wall_p99']:.1f}"
            f" ms | {mine['wall_first_p50']:.1f} / {mine['wall_first_p99']:.1f} ms"
            f" | {mine['cpu_p50']:.1f} / {mine['cpu_p99']:.1f} ms | {cores} |"
        )


def settings_in(root: Path) -> Settings:
    return Settings.resolve(
        corpus=[SEEDS, GOLD / "heldout", root / "corpus.jsonl"],
        store=root / "store",
        annotator=ANNOTATOR,
    )


def prepare(root: Path) -> Settings:
    """The gold imported done, and the long article in progress, in root/store-pristine."""
    make_corpus(root, 1)  # only ui.py's long article
    settings = settings_in(root)
    gold = [str(GOLD / "seeds.jsonl"), str(GOLD / "heldout.jsonl")]
    if cooltui(["import", *gold, *settings.command_line()]):
        raise SystemExit("importing the gold failed")
    annotate_long_article(settings)
    shutil.copytree(settings.store_dir, root / "store-pristine")
    return settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=200, help="rounds of the four keys")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--train-minutes",
        type=float,
        default=10.0,
        help="the training's budget, longer than the app's (cooltui.learn.loop.TRAIN_MINUTES) "
        "so that it outlasts the keys; it is stopped when they end (10)",
    )
    parser.add_argument(
        "--busy",
        type=int,
        default=0,
        metavar="N",
        help="keep N other processes busy throughout, each in a session of its own as a "
        "browser or a build in another terminal is: what niceness is for (0)",
    )
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.measure:
        os.environ["COOLTUI_CACHE_DIR"] = str(options.root / "cache")
        result = asyncio.run(key_session(settings_in(options.root), options.presses))
        sys.stdout.buffer.write(orjson.dumps(result))
        return
    with tempfile.TemporaryDirectory(prefix="cooltui-keys-training-") as temp:
        root = Path(temp)
        os.environ["COOLTUI_CACHE_DIR"] = str(root / "cache")  # the children's too
        settings = prepare(root)
        command = train_command(settings, options.train_minutes)
        print(f"# training command: {' '.join(command)}", file=sys.stderr)
        print(f"# worker niceness: {NICENESS}; cores: {os.cpu_count()}", file=sys.stderr)
        print(f"sched_autogroup_enabled={int(autogroups_on())} bool")
        print(f"app_autogroup_nice={group_nice('self')} nice")
        print(f"load_average_before={load_average():.2f} load")
        print(f"busy_processes={options.busy} processes")
        busy = [
            subprocess.Popen([sys.executable, "-c", "while True: pass"], start_new_session=True)
            for _ in range(options.busy)
        ]
        try:
            measured = run_rounds(root, settings, command, options.presses, options.rounds)
        finally:
            for process in busy:
                process.kill()
                process.wait()
        print(f"load_average_after={load_average():.2f} load")
        print_figures(measured)


if __name__ == "__main__":
    main()
