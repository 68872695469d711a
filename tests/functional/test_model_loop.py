"""The model in the loop with a real (tiny) model: the worker process that answers requests,
ModelLoop's predictions and its retrainings in the background, and `cooltui --retrain-every`."""

from __future__ import annotations

import contextlib
import io
import os
import queue
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from importlib.util import find_spec
from pathlib import Path

import orjson
import pytest

from cooltui.cli import main
from cooltui.export import ExportedArticle, read_jsonl
from cooltui.learn.layout import META_FILE, model_folder, model_stamp
from cooltui.learn.loop import ModelEvent, ModelLoop
from cooltui.learn.scored import Prediction
from cooltui.model import Status
from cooltui.scheme import load_scheme
from cooltui.store import Store

needs_spacy = pytest.mark.skipif(find_spec("spacy") is None, reason="spaCy is not installed")

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "tests" / "data" / "gold"
CORPUS = [ROOT / "seeds", GOLD / "heldout"]
CORPUS_OPTIONS = [option for path in CORPUS for option in ("--corpus", str(path))]
MINUTES = "0.05"
"""Three seconds of training: one epoch always ends, enough for a model that answers."""
WAIT = 300
"""Seconds to wait for a process or an event before failing, not a speed limit: a busy
machine takes its time loading spaCy."""


def gold() -> list[ExportedArticle]:
    return [
        record for name in ("seeds.jsonl", "heldout.jsonl") for record in read_jsonl(GOLD / name)
    ]


def make_store(folder: Path, name: str, records: list[ExportedArticle], status: Status) -> None:
    with Store.open(folder, name) as store:
        for record in records:
            store.save(replace(record.annotation, status=status))


def train_options(store: Path, annotator: str) -> list[str]:
    return [*CORPUS_OPTIONS, "--store", str(store), "--annotator", annotator, "--minutes", MINUTES]


def train_command(store: Path, annotator: str) -> list[str]:
    """What the app runs to retrain (cooltui.tui.app.model_loop), with a budget of seconds."""
    return [sys.executable, "-m", "cooltui.learn.worker", "train", *train_options(store, annotator)]


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """gold's store: the gold, done, and a model trained on it in models/gold."""
    store = tmp_path_factory.mktemp("loop") / "annotations"
    make_store(store, "gold", gold(), Status.DONE)
    with contextlib.redirect_stderr(io.StringIO()):  # a module's fixture cannot take capsys
        assert main(["train", *train_options(store, "gold")]) == 0
    return store


def set_threshold(folder: Path, threshold: float | None) -> None:
    """Give the model in `folder` another threshold (a tiny model seldom earns one)."""
    meta = orjson.loads((folder / META_FILE).read_bytes())
    (folder / META_FILE).write_bytes(orjson.dumps(meta | {"threshold": threshold}))


@pytest.fixture
def model(trained: Path, tmp_path: Path) -> Path:
    """A copy of the trained model, its spans offered from 0.5."""
    folder = tmp_path / "models" / "gold"
    shutil.copytree(trained / "models" / "gold", folder)
    set_threshold(folder, 0.5)
    return folder


class Events:
    """What a ModelLoop tells, as the app's on_event gets it: from the loop's threads."""

    def __init__(self) -> None:
        self.queue: queue.SimpleQueue[ModelEvent] = queue.SimpleQueue()
        self.seen: list[ModelEvent] = []

    def __call__(self, event: ModelEvent) -> None:
        self.queue.put(event)

    def wait_for(self, wanted: Callable[[ModelEvent], bool]) -> ModelEvent:
        """The first event from now on that is `wanted`; fails if none comes."""
        while True:
            try:
                event = self.queue.get(timeout=WAIT)
            except queue.Empty:
                pytest.fail(f"no such event came; these did: {self.seen}")
            self.seen.append(event)
            if wanted(event):
                return event


@pytest.fixture
def loops() -> Iterator[Callable[..., ModelLoop]]:
    """Make ModelLoops, closed at the end (a test that fails leaves no worker behind)."""
    made: list[ModelLoop] = []

    def make(folder: Path, command: list[str], every: int) -> ModelLoop:
        loop = ModelLoop(folder, command, every)
        made.append(loop)
        return loop

    yield make
    for loop in made:
        loop.close()
        if loop._training is not None:  # close() leaves a training to end: wait for it
            loop._training.wait(timeout=WAIT)


def serve(folder: Path, *lines: bytes) -> subprocess.CompletedProcess[bytes]:
    """The worker, sent `lines`, its input then closed."""
    command = [sys.executable, "-m", "cooltui.learn.worker", "serve", str(folder)]
    return subprocess.run(
        command, input=b"".join(lines), capture_output=True, timeout=WAIT, check=False
    )


def request(article_id: str, text: str) -> bytes:
    return orjson.dumps({"id": article_id, "text": text}) + b"\n"


# The worker


@needs_spacy
@pytest.mark.slow
def test_the_worker_answers_each_request_and_ends_when_its_input_closes(model: Path):
    first, second = gold()[:2]
    done = serve(
        model,
        b"not a request\n",  # never from the app: not answered
        request(first.id, first.text),
        request(second.id, second.text),
    )
    assert done.returncode == 0, done.stderr.decode()
    answers = [orjson.loads(line) for line in done.stdout.splitlines()]
    assert [answer["id"] for answer in answers] == [first.id, second.id]
    labels = load_scheme().label_names
    for answer, record in zip(answers, (first, second), strict=True):
        assert set(answer) == {"id", "stamp", "spans", "cats"}
        assert answer["stamp"] == model_stamp(model)
        prediction = Prediction.from_json(answer)
        for start, end, label, score in prediction.spans:
            assert 0 <= start < end <= len(record.text) and label in labels
            assert 0 <= score <= 1
        assert "themes:KAMTIBMAS" in prediction.cats and "activity:DIALOG" in prediction.cats
    assert any(answer["spans"] for answer in answers), "the model found nothing in gold texts"


@needs_spacy
def test_the_worker_without_a_model_answers_with_the_error(tmp_path: Path):
    done = serve(tmp_path / "models" / "nobody", request("a1", "Kompol Budi hadir."))
    assert done.returncode == 0
    (answer,) = [orjson.loads(line) for line in done.stdout.splitlines()]
    assert set(answer) == {"id", "error"} and answer["id"] == "a1"
    assert "no model there; `cooltui train` makes one" in answer["error"]


# Predictions through the loop


@needs_spacy
@pytest.mark.slow
def test_a_request_brings_an_event_and_the_prediction_until_the_model_changes(
    model: Path, loops: Callable[..., ModelLoop]
):
    record = gold()[0]
    loop = loops(model, ["false"], 0)
    events = Events()
    loop.start(len(gold()), events)
    assert loop.source == "model:gold"
    assert loop.prediction(record.id) is None
    loop.request(record.id, record.text)
    events.wait_for(lambda event: event == ModelEvent(article_id=record.id))
    prediction = loop.prediction(record.id)
    assert prediction is not None and prediction.spans
    assert loop.prediction(gold()[1].id) is None  # never asked

    # A training replaced training.json: what the model before it said is no longer offered.
    stamp = model_stamp(model)
    assert stamp is not None
    later = stamp + 10**9
    os.utime(model / META_FILE, ns=(later, later))
    assert loop.prediction(record.id) is None
    loop.request(record.id, record.text)  # the session asks again
    events.wait_for(lambda event: event == ModelEvent(article_id=record.id))
    assert loop.prediction(record.id) == prediction  # the same model, read again
    assert not any(event.failed for event in events.seen)

    worker = loop._worker
    assert worker is not None and worker.poll() is None
    loop.close()
    assert worker.poll() is not None  # close() waited for it to end


@needs_spacy
def test_nothing_is_asked_before_start_or_of_a_model_without_a_threshold(
    model: Path, loops: Callable[..., ModelLoop]
):
    """Before start, the app's first paint comes first; a model without a threshold adds
    nothing to the rules' suggestions. No worker is started for either."""
    loop = loops(model, ["false"], 0)
    loop.request(gold()[0].id, gold()[0].text)
    assert loop._worker is None
    set_threshold(model, None)
    loop.start(len(gold()), Events())
    info = loop.info()
    assert info is not None and info.threshold is None
    assert "adds nothing yet" in info.summary
    loop.request(gold()[0].id, gold()[0].text)
    assert loop._worker is None


# Retraining


@needs_spacy
@pytest.mark.slow
def test_every_two_done_articles_the_model_is_retrained(
    trained: Path, tmp_path: Path, loops: Callable[..., ModelLoop]
):
    store = tmp_path / "annotations"
    shutil.copytree(trained, store)
    folder = model_folder(store, ["gold"])
    set_threshold(folder, None)  # a model that adds nothing yet: nothing is asked of it
    loop = loops(folder, train_command(store, "gold"), 2)
    before = loop.info()
    assert before is not None and before.trained_on == len(gold())
    events = Events()
    loop.start(before.trained_on, events)  # none done since the model
    assert not loop.training
    opened = gold()[0]
    loop.request(opened.id, opened.text)  # the article open in the app
    loop.note_done(before.trained_on + 1)  # one: not yet
    assert not loop.training
    loop.note_done(before.trained_on + 2)  # two since: retrained
    assert loop.training
    event = events.wait_for(lambda event: event.message is not None)
    after = loop.info()
    assert after is not None and after.stamp != before.stamp
    assert event == ModelEvent(message=after.summary)
    assert event.message.startswith(f"model retrained on {len(gold())} done articles")
    # Then the open article, for the session to ask the new model about it.
    assert events.wait_for(lambda event: event.message is None).article_id == opened.id
    assert not loop.training
    assert (store / "models" / ".gold.training.log").is_file()
    assert [p.name for p in (store / "models").iterdir() if p.is_dir()] == ["gold"]


@needs_spacy
@pytest.mark.slow
def test_a_failing_training_tells_its_one_line_reason(
    tmp_path: Path, loops: Callable[..., ModelLoop]
):
    store = tmp_path / "annotations"
    make_store(store, "bob", gold()[:3], Status.DONE)
    folder = model_folder(store, ["bob"])
    early = loops(folder, train_command(store, "bob"), 1)
    early.start(4, Events())  # fewer than 5 done: no training is tried
    assert not early.training
    loop = loops(folder, train_command(store, "bob"), 1)
    events = Events()
    loop.start(5, events)  # no model yet: trained at once
    assert loop.training
    event = events.wait_for(lambda event: event.message is not None)
    assert event.failed
    assert event.message == (
        "training failed: cooltui: training needs 5 or more done articles, and there are 3; "
        "mark more articles done"
    )
    assert loop.info() is None


# The command line


@pytest.fixture
def launched(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, object]]:
    """The app's launches, stood in for: what each was given."""
    calls: list[dict[str, object]] = []

    def run(settings: object, **options: object) -> int:
        calls.append(options)
        return 0

    monkeypatch.setattr("cooltui.tui.app.run", run)
    return calls


@pytest.mark.parametrize("given", ["-1", "abc", "1.5"])
def test_retrain_every_must_be_a_count(given, tmp_path, seeds, capsys, launched):
    common = ["--corpus", str(seeds), "--store", str(tmp_path / "ann"), "--annotator", "al"]
    assert main(["--retrain-every", given, *common]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert f"--retrain-every: {given!r} is not a number of articles (0 or more)" in err
    assert launched == []


def test_retrain_every_reaches_the_app(tmp_path, seeds, launched):
    common = ["--corpus", str(seeds), "--store", str(tmp_path / "ann"), "--annotator", "al"]
    assert main(["--retrain-every", "0", *common]) == 0
    assert main(common) == 0
    assert [call["retrain_every"] for call in launched] == [0, None]


def test_retrain_every_without_spacy_is_refused_before_the_app_starts(
    tmp_path, seeds, capsys, monkeypatch
):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "spacy" else real(name, *a)
    )
    started: list[object] = []
    monkeypatch.setattr("cooltui.tui.app.CoolApp.run", lambda app, *a, **k: started.append(app))
    common = ["--corpus", str(seeds), "--store", str(tmp_path / "ann"), "--annotator", "al"]
    assert main(["--retrain-every", "3", *common]) == 2
    err = capsys.readouterr().err
    assert err == (
        "cooltui: --retrain-every needs spaCy, which is not installed; install it with "
        "pip install 'cooltui[spacy]'\n"
    )
    assert started == []
