"""The annotator's model in the app, its loop stood in for: a prediction that comes is offered
beside the rules' suggestions, S steps through the sources, the reader's border names the
model and its score, and what a training says is shown."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from cooltui.errors import UsageError
from cooltui.learn.loop import TRAIN_MINUTES, ModelEvent, ModelInfo, ModelLoop
from cooltui.learn.scored import Prediction
from cooltui.session import Session
from cooltui.settings import Settings
from cooltui.tui.app import CoolApp, build_app, model_loop
from cooltui.tui.reader import Reader
from cooltui.tui.sidebar import SidebarRows

FIRST = "000_368710ebfebd31c9"
MODEL = "model:alice"
MEDIA_RULE = "rule:MEDIA.dateline"

PREDICTED = (
    ("pesta demokrasi", "EVENT", 0.93),  # no rule suggests it
    ("lingkupperistiwa.com", "MEDIA", 0.97),  # the first suggestion, which the rules make too
    ("Polsek Minas", "PER", 0.99),  # the rules' ORG, another label: the rules' wins
    ("Siak", "LOC", 0.3),  # below the threshold
)
"""The model's spans on the first seed, each at the phrase's first occurrence."""


@dataclass
class FakeLearning:
    """ModelLoop's interface: predictions set by hand, the app's callback kept."""

    source: str = MODEL
    predictions: dict[str, Prediction] = field(default_factory=dict)
    on_event: Callable[[ModelEvent], None] | None = None
    done: list[int] = field(default_factory=list)
    closed: bool = False

    def info(self) -> ModelInfo | None:
        return ModelInfo(1, 0.5, 5, "a model")

    def request(self, article_id: str, text: str) -> None:
        pass

    def prediction(self, article_id: str) -> Prediction | None:
        return self.predictions.get(article_id)

    def note_done(self, done: int) -> None:
        self.done.append(done)

    def start(self, done: int, on_event: Callable[[ModelEvent], None]) -> None:
        self.on_event = on_event

    def close(self) -> None:
        self.closed = True


def prediction_for(text: str) -> Prediction:
    spans = []
    for phrase, label, score in PREDICTED:
        start = text.index(phrase)
        spans.append((start, start + len(phrase), label, score))
    return Prediction(tuple(spans), {"themes:ANTI_HOAX": 0.8, "activity:PATROLI": 0.7})


def settings_for(tmp_path: Path, seeds: Path) -> Settings:
    return Settings.resolve(corpus=[seeds], store=tmp_path / "ann", annotator="alice")


def make_app(tmp_path: Path, seeds: Path, learning: FakeLearning) -> CoolApp:
    def make_session(*args: Any, **options: Any) -> Session:
        return Session(*args, learning=learning, **options)  # type: ignore[arg-type]

    return build_app(settings_for(tmp_path, seeds), make_session=make_session)


def offered(app: CoolApp) -> dict[str, str]:
    """The suggestions the reader shows, each as its text and its source."""
    return {span.text: span.source for span in app.query_one(Reader).suggestions}


def selected(app: CoolApp) -> str:
    reader = app.query_one(Reader)
    start, end = reader.selected_range
    return reader.text[start:end]


def subtitle(app: CoolApp) -> str:
    return str(app.query_one(Reader).border_subtitle)


def notices(app: CoolApp) -> list[tuple[str, str]]:
    return [(str(n.message), n.severity) for n in app._notifications]


def shown_spans(app: CoolApp) -> tuple[object, ...]:
    return app.query_one(Reader).suggestions


def suggested_header(app: CoolApp) -> str:
    """The sidebar's heading of the suggestions on offer: it counts them."""
    return app.query_one("#sidebar-suggestions", SidebarRows).lines[0]


def marked(app: CoolApp, group: str, value: str) -> bool:
    rows = app.query_one(f"#sidebar-group-{group}", SidebarRows).lines
    return next(row for row in rows if row.endswith(f" {value}")).startswith("✦")


async def arrive(app: CoolApp, pilot: Any, learning: FakeLearning) -> None:
    """The model's prediction for the open article comes, told as the loop tells it."""
    assert learning.on_event is not None, "the app never started the model's loop"
    learning.predictions[FIRST] = prediction_for(app.query_one(Reader).text)
    learning.on_event(ModelEvent(article_id=FIRST))
    await pilot.pause()


async def test_a_prediction_that_comes_is_offered_in_the_reader_and_the_sidebar(tmp_path, seeds):
    learning = FakeLearning()
    app = make_app(tmp_path, seeds, learning)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.article.id == FIRST
        assert learning.on_event == app.post_model_news
        before = offered(app)
        assert "pesta demokrasi" not in before and not marked(app, "themes", "ANTI_HOAX")
        assert suggested_header(app) == f"suggested ({len(shown_spans(app))})"
        count = len(shown_spans(app))

        await arrive(app, pilot, learning)
        assert offered(app) == before | {"pesta demokrasi": MODEL}
        assert offered(app)["lingkupperistiwa.com"] == MEDIA_RULE  # once, as the rules name it
        assert offered(app)["Polsek Minas"] == "rule:ORG" and offered(app)["Siak"].startswith(
            "rule"
        )
        assert marked(app, "themes", "ANTI_HOAX") and marked(app, "activity", "PATROLI")
        assert suggested_header(app) == f"suggested ({count + 1})"
        await pilot.press("q")
    app.store.close()
    assert learning.closed  # the loop is stopped with the app


async def test_news_of_another_article_changes_nothing(tmp_path, seeds):
    learning = FakeLearning()
    app = make_app(tmp_path, seeds, learning)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        before, told = offered(app), notices(app)
        text = app.query_one(Reader).text
        learning.predictions["001_77e9b59e62f45c1c"] = prediction_for(text)
        app.post_message(CoolApp.ModelNews(ModelEvent(article_id="001_77e9b59e62f45c1c")))
        await pilot.pause()
        assert offered(app) == before
        assert notices(app) == told
    app.store.close()


async def test_s_steps_through_all_rules_model_and_none(tmp_path, seeds):
    learning = FakeLearning()
    app = make_app(tmp_path, seeds, learning)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await arrive(app, pilot, learning)
        everything = offered(app)
        await pilot.press("S")
        assert notices(app)[-1][0] == "the model's suggestions hidden: the rules' only"
        assert offered(app) == {k: v for k, v in everything.items() if k != "pesta demokrasi"}
        assert not marked(app, "themes", "ANTI_HOAX") and marked(app, "themes", "KAMTIBMAS")
        await pilot.press("S")
        assert notices(app)[-1][0] == "the rules' suggestions hidden: the model's only"
        assert offered(app) == {"pesta demokrasi": MODEL, "lingkupperistiwa.com": MEDIA_RULE}
        assert marked(app, "themes", "ANTI_HOAX") and not marked(app, "themes", "KAMTIBMAS")
        await pilot.press("S")
        assert notices(app)[-1][0] == "suggestions hidden"
        assert offered(app) == {}
        await pilot.press("S")
        assert notices(app)[-1][0] == "suggestions shown"
        assert offered(app) == everything
    app.store.close()


async def test_s_without_a_model_shows_and_hides(tmp_path, seeds):
    app = make_app(tmp_path, seeds, FakeLearning())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("S")
        assert notices(app)[-1][0] == "suggestions hidden" and offered(app) == {}
        await pilot.press("S")
        assert notices(app)[-1][0] == "suggestions shown" and offered(app)
    app.store.close()


async def test_the_border_names_the_model_and_its_score(tmp_path, seeds):
    learning = FakeLearning()
    app = make_app(tmp_path, seeds, learning)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("full_stop")
        assert selected(app) == "lingkupperistiwa.com"
        assert f"· {MEDIA_RULE} (enter accepts)" in subtitle(app)
        await arrive(app, pilot, learning)  # the cursor still on it: the border says more
        assert f"· {MEDIA_RULE} + {MODEL} 0.97 (enter accepts)" in subtitle(app)

        reader = app.query_one(Reader)
        reader.move_to(reader.text.index("dalam pesta demokrasi"))
        await pilot.press("full_stop")
        assert selected(app) == "pesta demokrasi"
        assert "suggested EVENT: pesta demokrasi · model:alice 0.93 (enter accepts)" in subtitle(
            app
        )
        await pilot.press("enter")
        accepted = [s for s in app.annotation.spans if s.text == "pesta demokrasi"]
        assert [(s.label, s.source) for s in accepted] == [("EVENT", MODEL)]
    app.store.close()


async def test_what_a_training_says_is_shown(tmp_path, seeds):
    learning = FakeLearning()
    app = make_app(tmp_path, seeds, learning)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert learning.on_event is not None
        learning.on_event(ModelEvent(message="model retrained on 12 done articles"))
        await pilot.pause()
        assert notices(app)[-1] == ("model retrained on 12 done articles", "information")
        learning.on_event(ModelEvent(message="training failed: no \x1b[31mspace\n", failed=True))
        await pilot.pause()
        message, severity = notices(app)[-1]
        assert severity == "error" and message.startswith("training failed: no ")
        assert "\x1b" not in message  # shown printable
    app.store.close()


# The loop the app makes


def test_the_app_loop_trains_the_annotators_own_model(tmp_path, seeds, monkeypatch):
    pytest.importorskip("spacy")
    monkeypatch.setattr("cooltui.learn.loop.DEFAULT_EVERY", 7)  # tests set it to 0 (conftest)
    settings = settings_for(tmp_path, seeds)
    loop = model_loop(settings, None, read_only=False)
    assert isinstance(loop, ModelLoop)
    assert loop.folder == tmp_path / "ann" / "models" / "alice"
    assert loop.source == MODEL and loop.every == 7
    command = loop._train_command
    assert command[1:4] == ["-m", "cooltui.learn.worker", "train"]
    assert command[-2:] == ["--minutes", str(TRAIN_MINUTES)]
    assert settings.command_line() == command[4:-2]
    assert model_loop(settings, 3, read_only=False).every == 3  # type: ignore[union-attr]
    assert model_loop(settings, 3, read_only=True).every == 0  # type: ignore[union-attr]


def test_without_spacy_there_is_no_loop_and_retrain_every_is_refused(tmp_path, seeds, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "spacy" else real(name, *a)
    )
    settings = settings_for(tmp_path, seeds)
    assert model_loop(settings, None, read_only=False) is None
    assert model_loop(settings, 0, read_only=False) is None
    with pytest.raises(UsageError, match=r"^--retrain-every needs spaCy, which is not installed"):
        model_loop(settings, 3, read_only=False)
