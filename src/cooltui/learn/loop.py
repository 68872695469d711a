"""The model in the annotator's loop: retrained every N done articles, asked for suggestions,
always in other processes (cooltui.learn.worker), so that the app never imports spaCy and no
key waits for a model.

The session asks for an article's prediction when it opens it (`request`) and offers what has
come (`prediction`); a prediction arriving, or a training ending, is told to `on_event` from
one of this loop's threads (the app hands it on to its own). The model is the annotator's own:
<store>/models/<annotator>, as `cooltui train` makes it, with the threshold it chose on its
dev share for its spans beside the rules'.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from queue import SimpleQueue
from typing import IO

import orjson

from cooltui.learn.layout import META_FILE, model_stamp
from cooltui.learn.scored import Prediction
from cooltui.model import MODEL_SOURCE

DEFAULT_EVERY = 10
"""Done articles between two trainings, when spaCy is installed and --retrain-every is not
given."""
MIN_DONE = 5
"""As cooltui train asks: fewer done articles train nothing."""
TRAIN_MINUTES = 3.0
"""Each retraining's time budget: the model goes on improving at the next one."""
WANTED = 4
"""Articles whose requests are still worth answering: the last ones opened. A request for an
article left long ago is dropped unanswered when its turn comes."""
LOG_SUFFIX = ".training.log"
DONE_SUFFIX = ".trained-at-done"
"""Beside the model's folder, its log and the done count when its last training started."""


@dataclass(frozen=True, slots=True)
class ModelEvent:
    """What the loop tells the app: a prediction came for `article_id`, or a training ended
    (`message`, an error when `failed`)."""

    article_id: str | None = None
    message: str | None = None
    failed: bool = False


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """The model's training.json, as far as the app needs it."""

    stamp: int
    threshold: float | None
    trained_on: int
    """Done articles it was trained on (its train and dev shares)."""
    summary: str


class ModelLoop:
    """The annotator's model: its worker, its trainings, its predictions so far."""

    def __init__(
        self,
        folder: Path,
        train_command: Sequence[str],
        every: int,
    ) -> None:
        self.folder = folder
        self.source = f"{MODEL_SOURCE}{folder.name}"
        self.every = every
        """Done articles between trainings; 0: never retrain (a model there is still used)."""
        self._train_command = list(train_command)
        self._done_file = folder.parent / f".{folder.name}{DONE_SUFFIX}"
        self._on_event: Callable[[ModelEvent], None] | None = None
        self._lock = threading.Lock()
        self._predictions: dict[str, tuple[int, Prediction]] = {}
        self._pending: set[str] = set()
        self._wanted: deque[str] = deque(maxlen=WANTED)
        self._requests: SimpleQueue[tuple[str, str] | None] = SimpleQueue()
        self._worker: subprocess.Popen[bytes] | None = None
        self._training: subprocess.Popen[bytes] | None = None
        self._done_since = 0
        self._info: ModelInfo | None = None
        self._closed = False

    # The app's side

    def start(self, done: int, on_event: Callable[[ModelEvent], None]) -> None:
        """Tell `on_event` what comes from now on, and train at once when `done` articles are
        at least `every` more than the model there is was trained on."""
        self._on_event = on_event
        self._done_since = done - self._done_at_last_training()
        self._maybe_train(done)

    def _done_at_last_training(self) -> int:
        """The done articles there were when the last training started (what the loop noted
        then), else as many as the model there was trained on, else 0. Done articles that no
        training can take (problems, texts not in the corpus) thus never ask for another."""
        try:
            return int(self._done_file.read_text(encoding="ascii"))
        except (OSError, ValueError):
            info = self.info()
            return info.trained_on if info else 0

    def info(self) -> ModelInfo | None:
        """The model now in its folder (read again only when a training replaced it)."""
        stamp = model_stamp(self.folder)
        if stamp is None:
            return None
        if self._info is None or self._info.stamp != stamp:
            self._info = _read_info(self.folder, stamp)
        return self._info

    def request(self, article_id: str, text: str) -> None:
        """Ask for an article's prediction, unless it is here or asked for already (nothing is
        asked before `start`: the app's first paint comes first)."""
        if self._on_event is None:
            return
        with self._lock:  # wanted even without a model: a training's end asks for it then
            if article_id in self._wanted:
                self._wanted.remove(article_id)
            self._wanted.append(article_id)
        info = self.info()
        if info is None or info.threshold is None:
            return
        with self._lock:
            known = self._predictions.get(article_id)
            if (known is not None and known[0] == info.stamp) or article_id in self._pending:
                return
            self._pending.add(article_id)
        self._ensure_worker()
        self._requests.put((article_id, text))

    def prediction(self, article_id: str) -> Prediction | None:
        """The current model's prediction for the article, if it has come."""
        info = self.info()
        with self._lock:
            known = self._predictions.get(article_id)
        if info is None or known is None or known[0] != info.stamp:
            return None
        return known[1]

    def note_done(self, done: int) -> None:
        """An article was marked done; `done` are done now in all."""
        self._done_since += 1
        self._maybe_train(done)

    @property
    def training(self) -> bool:
        return self._training is not None and self._training.poll() is None

    def close(self) -> None:
        """Stop the worker; a training under way finishes on its own and leaves its model."""
        self._closed = True
        self._requests.put(None)
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(timeout=2)
            except subprocess.TimeoutExpired:
                worker.kill()

    # Training

    def _maybe_train(self, done: int) -> None:
        if self.every <= 0 or self.training or self._closed:
            return
        if done < MIN_DONE or self._done_since < self.every:
            return
        self._done_since = 0
        log = self.folder.parent / f".{self.folder.name}{LOG_SUFFIX}"
        try:
            log.parent.mkdir(parents=True, exist_ok=True)
            self._done_file.write_text(str(done), encoding="ascii")
            with log.open("wb") as out:
                self._training = subprocess.Popen(
                    self._train_command,
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=out,
                    start_new_session=True,  # a ^C in the app's terminal is not for it
                )
        except OSError as error:
            self._tell(ModelEvent(message=f"cannot start training: {error}", failed=True))
            return
        threading.Thread(
            target=self._await_training, args=(self._training, log), daemon=True
        ).start()

    def _await_training(self, process: subprocess.Popen[bytes], log: Path) -> None:
        code = process.wait()
        if code != 0:
            self._tell(ModelEvent(message=f"training failed: {_last_line(log)}", failed=True))
            return
        info = self.info()
        with self._lock:
            self._pending.clear()  # asked of the model before: ask this one
            wanted = list(self._wanted)
        self._tell(ModelEvent(message=info.summary if info else "training ended"))
        # The open article's prediction from the new model: asked again by the app's session.
        for article_id in wanted[-1:]:
            self._tell(ModelEvent(article_id=article_id))

    # The worker

    def _ensure_worker(self) -> None:
        worker = self._worker
        if self._closed or (worker is not None and worker.poll() is None):
            return
        command = [sys.executable, "-m", "cooltui.learn.worker", "serve", str(self.folder)]
        try:
            worker = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        except OSError as error:
            self._tell(ModelEvent(message=f"cannot start the model: {error}", failed=True))
            return
        self._worker = worker
        assert worker.stdin is not None and worker.stdout is not None
        threading.Thread(target=self._send, args=(worker, worker.stdin), daemon=True).start()
        threading.Thread(target=self._receive, args=(worker.stdout,), daemon=True).start()

    def _send(self, worker: subprocess.Popen[bytes], pipe: IO[bytes]) -> None:
        while (item := self._requests.get()) is not None:
            article_id, text = item
            with self._lock:
                wanted = article_id in self._wanted
                if not wanted:
                    self._pending.discard(article_id)
            if not wanted:
                continue
            try:
                pipe.write(orjson.dumps({"id": article_id, "text": text}) + b"\n")
                pipe.flush()
            except (BrokenPipeError, ValueError, OSError):
                with self._lock:
                    self._pending.discard(article_id)  # asked again when next opened
                break
        if worker is self._worker:
            self._worker = None  # the next request starts another

    def _receive(self, pipe: IO[bytes]) -> None:
        for line in pipe:
            try:
                answer = orjson.loads(line)
                article_id = str(answer["id"])
            except (orjson.JSONDecodeError, KeyError, TypeError):
                continue
            if "error" in answer:
                with self._lock:
                    self._pending.discard(article_id)
                self._tell(ModelEvent(message=str(answer["error"]), failed=True))
                continue
            try:
                prediction = Prediction.from_json(answer)
                stamp = int(answer["stamp"])
            except (KeyError, TypeError, ValueError):
                continue
            with self._lock:
                self._pending.discard(article_id)
                self._predictions[article_id] = (stamp, prediction)
            self._tell(ModelEvent(article_id=article_id))

    def _tell(self, event: ModelEvent) -> None:
        if not self._closed and self._on_event is not None:
            self._on_event(event)


def _read_info(folder: Path, stamp: int) -> ModelInfo | None:
    try:
        meta = orjson.loads((folder / META_FILE).read_bytes())
        threshold = meta.get("threshold")
        trained_on = len(set(meta["train"]) | set(meta["dev"]))
        both = meta.get("dev_suggestions", {}).get("both", {})
        rules = meta.get("dev_suggestions", {}).get("rules", {})
    except (OSError, orjson.JSONDecodeError, KeyError, TypeError, AttributeError):
        return None
    if threshold is None:
        summary = (
            f"model retrained on {trained_on} done articles; beside the rules it adds nothing "
            "yet (no threshold did better on its dev share)"
        )
    else:
        summary = (
            f"model retrained on {trained_on} done articles: with the rules, span F1 "
            f"{both.get('f', 0):.2f} on its dev share (rules alone {rules.get('f', 0):.2f}); "
            f"its suggestions scored {threshold:.2f} or more join the rules'"
        )
    chosen = float(threshold) if threshold is not None else None
    return ModelInfo(stamp, chosen, trained_on, summary)


def _last_line(log: Path) -> str:
    """The training's last words (its one-line error), for the app to show."""
    try:
        lines = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    except OSError:
        return f"see {log}"
    return lines[-1] if lines else f"see {log}"
