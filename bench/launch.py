"""How long `cooltui` takes to show an article, beside a hello-world Textual app.

Each start runs in a fresh detached 120x40 tmux session, on a tmux server of the bench's own (its
socket in the bench's temporary folder; started once, so that its start is not timed). The clock
runs from asking tmux for the session until `tmux capture-pane -p`, polled every 5 ms, shows the
first words of the article: for cooltui, a corpus of one 50,000-character article of reshuffled
seed sentences (bench/ui.py's long article) and a store of its own; for the hello-world app, the
words of its one Static. Then the session is killed, and the next start waits until its process
is gone. The two apps take turns (ABBA, so that neither always follows the other), after one
untimed start of each that fills the corpus index cache, the store and the bytecode caches as a
user's earlier starts have. Both apps keep their bytecode in a cache of the bench's own
(PYTHONPYCACHEPREFIX), written whatever PYTHONDONTWRITEBYTECODE says: without it, a source
checkout would compile cooltui's modules again at every start, while Textual's come compiled, and
a user's install has both.

Prints `name=value unit` lines: the median, p90 and p99 of each app, and `launch_ratio`, the
cooltui median over the hello-world median (compare ratios, not seconds, across runs: the
machine is shared). The tmux server and the temporary folder go however the bench ends (Ctrl-C,
SIGTERM, SIGHUP). PYTHONPATH, if set, reaches both apps: it times a copy of the sources.

    python bench/launch.py [--runs 10]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import make_articles

WIDTH, HEIGHT = 120, 40
POLL_SECONDS = 0.005
TIMEOUT_SECONDS = 30.0
LONG_CHARS = 50_000
NEEDLE_CHARS = 24
"""The article's first words looked for: as many as fit in this many characters, so that they
stand on the reader's first line however narrow it is."""

TITLE = "Artikel panjang untuk uji peluncuran"
"""Given in the corpus, so that neither the list nor the heading shows the text's first words."""

HELLO_WORDS = "Selamat datang di aplikasi percobaan"
HELLO_APP = f"""
from textual.app import App, ComposeResult
from textual.widgets import Static


class Hello(App[None]):
    def compose(self) -> ComposeResult:
        yield Static({HELLO_WORDS!r})


Hello().run()
"""


@dataclass(frozen=True, slots=True)
class Contender:
    name: str
    command: list[str]
    needle: str


def long_article() -> str:
    """50,000 characters of reshuffled seed articles, each with its dateline, as bench/ui.py's
    long article (the same seed, so the same text)."""
    text = ""
    pieces = iter(body for _, body in make_articles(200, seed=3))
    while len(text) < LONG_CHARS:
        text += next(pieces) + "\n\n"
    return text[:LONG_CHARS]


def first_words(text: str, chars: int = NEEDLE_CHARS) -> str:
    words = text.split()
    needle = words[0]
    for word in words[1:]:
        if len(needle) + 1 + len(word) > chars:
            break
        needle += " " + word
    return needle


def make_corpus(folder: Path) -> str:
    """The corpus file of one long article; the words that show it is on screen."""
    text = long_article()
    record = {"id": "long", "title": TITLE, "text": text}
    (folder / "corpus.jsonl").write_bytes(orjson.dumps(record) + b"\n")
    return first_words(text)


def cooltui_command() -> list[str]:
    script = Path(sys.executable).parent / "cooltui"
    return [str(script)] if script.exists() else [sys.executable, "-m", "cooltui"]


class Tmux:
    """A tmux server of the bench's own (its own socket, no configuration file)."""

    def __init__(self, socket: Path, env: dict[str, str]) -> None:
        self.socket = socket
        self.env = env
        """The server's environment, and so every session's."""
        self._count = 0

    def __call__(self, *args: str, check: bool = True) -> str:
        done = subprocess.run(
            ["tmux", "-S", str(self.socket), "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            check=False,
            env=self.env,
        )
        if check and done.returncode:
            raise RuntimeError(f"tmux {args[0]} failed: {done.stderr.strip()}")
        return done.stdout

    def start_server(self) -> None:
        # An idle session keeps the server up between the timed ones; an app that exits stays
        # on its screen, to be shown.
        self("new-session", "-d", "-s", "idle", "-x", str(WIDTH), "-y", str(HEIGHT), "sleep 1d")
        self("set-option", "-g", "remain-on-exit", "on")

    def kill_server(self) -> None:
        self("kill-server", check=False)

    def time_start(self, contender: Contender) -> float:
        """Seconds from asking for the session until its pane shows the needle."""
        self._count += 1
        name = f"run{self._count}"
        size = ["-x", str(WIDTH), "-y", str(HEIGHT)]
        start = time.perf_counter()
        self("new-session", "-d", "-s", name, *size, "--", *contender.command)
        pid = None
        try:
            pid = int(self("display-message", "-p", "-t", name, "#{pane_pid}").strip())
            deadline = start + TIMEOUT_SECONDS
            tick, polls = start, 0
            while True:
                polls += 1
                screen = self("capture-pane", "-p", "-t", name)
                seen = time.perf_counter()
                if contender.needle in screen:
                    return seen - start
                if seen > deadline or (polls % 20 == 0 and self._dead(name)):
                    raise RuntimeError(
                        f"{contender.name} showed no {contender.needle!r} "
                        f"({'it exited' if self._dead(name) else 'in time'}); the screen:\n{screen}"
                    )
                tick += POLL_SECONDS
                time.sleep(max(0.0, tick - time.perf_counter()))
        finally:
            self("kill-session", "-t", name, check=False)
            if pid is not None:
                _wait_gone(pid)

    def _dead(self, name: str) -> bool:
        return self("display-message", "-p", "-t", name, "#{pane_dead}").strip() == "1"


def _wait_gone(pid: int, timeout: float = 10.0) -> None:
    """Until the killed app's process has exited: the next start must not share the CPU with
    it, nor find the store still locked."""
    deadline = time.monotonic() + timeout
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.01)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def report(name: str, times: list[float]) -> None:
    print(f"launch_{name}_p50_s={statistics.median(times):.3f} s")
    print(f"launch_{name}_p90_s={percentile(times, 0.90):.3f} s")
    print(f"launch_{name}_p99_s={percentile(times, 0.99):.3f} s")


def _interrupted(signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


@contextmanager
def interruptible() -> Iterator[None]:
    """SIGTERM and SIGHUP end the bench as Ctrl-C does, through its clean-ups."""
    previous = {s: signal.signal(s, _interrupted) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="starts of each app (default 10)")
    options = parser.parse_args()
    if shutil.which("tmux") is None:
        raise SystemExit("the bench needs tmux")
    with (
        interruptible(),
        tempfile.TemporaryDirectory(prefix="cooltui-launch-", ignore_cleanup_errors=True) as temp,
    ):
        root = Path(temp)
        needle = make_corpus(root)
        hello = root / "hello.py"
        hello.write_text(HELLO_APP, encoding="utf-8")
        contenders = [
            Contender(
                "cooltui",
                [
                    *cooltui_command(),
                    *("--corpus", str(root / "corpus.jsonl")),
                    *("--store", str(root / "store")),
                    *("--annotator", "bench"),
                ],
                needle,
            ),
            Contender("hello", [sys.executable, str(hello)], HELLO_WORDS),
        ]
        # The bench's environment (PYTHONPATH times a copy of the sources) and its caches.
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env |= {"COOLTUI_CACHE_DIR": str(root / "cache"), "PYTHONPYCACHEPREFIX": str(root / "pyc")}
        tmux = Tmux(root / "tmux.socket", env)
        try:
            tmux.start_server()
            for contender in contenders:  # untimed: the caches a user's earlier starts left
                tmux.time_start(contender)
            times: dict[str, list[float]] = {c.name: [] for c in contenders}
            for run in range(options.runs):
                for contender in contenders if run % 2 == 0 else contenders[::-1]:
                    times[contender.name].append(tmux.time_start(contender))
        finally:
            tmux.kill_server()
        for contender in contenders:
            report(contender.name, times[contender.name])
        ratio = statistics.median(times["cooltui"]) / statistics.median(times["hello"])
        print(f"launch_ratio={ratio:.2f} ratio")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:  # cleaned up on the way out
        raise SystemExit(130) from None
