"""The model's suggestions beside the rules', without spaCy: Suggestions.with_model, the
threshold chosen on a dev share, a prediction's JSON, and a session whose model is a stand-in
with ModelLoop's interface."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from itertools import pairwise
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cooltui.corpus import load_corpus
from cooltui.learn.loop import ModelEvent, ModelInfo
from cooltui.learn.scored import Prediction, scored_spans
from cooltui.learn.threshold import GRID, DevText, choose_threshold
from cooltui.model import Annotation, Span, Status
from cooltui.scheme import Scheme, load_scheme
from cooltui.session import NotDoneYet, Session
from cooltui.store import Store
from cooltui.suggest import Suggester, Suggestions, ThemeSuggestion
from cooltui.suggest.core import ScoredSpan, boundaries_of
from cooltui.text import TokenIndex

TEXT = "Kapolsek Tualang, Kompol Budi Santoso SH, hadir di Kecamatan Tualang, Senin (8/1)."
MODEL = "model:alice"
FIRST, SECOND = "000_368710ebfebd31c9", "001_77e9b59e62f45c1c"


def at(text: str, phrase: str, label: str, source: str = MODEL, nth: int = 0) -> Span:
    """The span of `phrase`'s `nth` occurrence in `text`."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    return Span(start, start + len(phrase), label, phrase, source)


def rule(phrase: str, label: str) -> Span:
    return at(TEXT, phrase, label, f"rule:{label}")


def model(phrase: str, label: str, score: float) -> ScoredSpan:
    return at(TEXT, phrase, label), score


RULES = Suggestions(
    (rule("Kompol", "RANK"), rule("Budi Santoso", "PER")),
    (ThemeSuggestion("themes", "KAMTIBMAS", ("kamtibmas",)),),
)


def join(
    spans: list[ScoredSpan],
    threshold: float | None = 0.5,
    themes: tuple[tuple[ThemeSuggestion, float], ...] = (),
    rules: Suggestions = RULES,
) -> Suggestions:
    return rules.with_model(MODEL, spans, themes, boundaries_of(TEXT), threshold)


def texts(found: Suggestions) -> list[tuple[str, str, str]]:
    return [(span.text, span.label, span.source) for span in found.spans]


# Suggestions.with_model


def test_no_threshold_adds_no_span_and_scores_none():
    found = join([model("Kecamatan Tualang", "LOC", 0.99), model("Kompol", "RANK", 0.99)], None)
    assert texts(found) == texts(RULES)
    assert found.span_scores == {}
    assert not any(found.from_model(span) for span in found.spans)


def test_a_span_below_the_threshold_is_dropped_one_at_it_is_kept():
    found = join([model("Kecamatan Tualang", "LOC", 0.49), model("Senin (8/1)", "DATE", 0.5)])
    assert ("Kecamatan Tualang", "LOC", MODEL) not in texts(found)
    assert ("Senin (8/1)", "DATE", MODEL) in texts(found)
    date = at(TEXT, "Senin (8/1)", "DATE")
    assert found.span_scores == {date.key: 0.5} and found.from_model(date)
    assert found.model == MODEL


def test_a_span_both_propose_shows_once_keeps_the_rules_source_and_gets_the_score():
    found = join([model("Kompol", "RANK", 0.97)])
    assert texts(found) == [("Kompol", "RANK", "rule:RANK"), ("Budi Santoso", "PER", "rule:PER")]
    kompol, budi = found.spans
    assert found.span_scores == {kompol.key: 0.97}
    assert found.from_model(kompol) and not found.from_model(budi)


def test_a_model_span_overlapping_a_rules_span_is_dropped():
    found = join(
        [
            model("Kompol Budi", "PER", 0.99),  # across both rules' spans
            model("Budi", "PER", 0.99),  # inside one
            model("Budi Santoso SH", "PER", 0.99),  # around one
            model("Kompol", "ROLE", 0.99),  # the same stretch, another label
        ]
    )
    assert texts(found) == texts(RULES)
    assert found.span_scores == {}


def test_of_overlapping_model_spans_the_higher_score_wins_in_any_order():
    low, high = model("Kecamatan Tualang", "LOC", 0.6), model("Tualang, Senin", "LOC", 0.8)
    for given_ in ([low, high], [high, low]):
        found = join(given_)
        assert ("Tualang, Senin", "LOC", MODEL) in texts(found)
        assert ("Kecamatan Tualang", "LOC", MODEL) not in texts(found)
    # The loser does not block a third one that overlaps only it.
    found = join([low, high, model("hadir di Kecamatan", "EVENT", 0.7)])
    assert [t for t in texts(found) if t[2] == MODEL] == [
        ("hadir di Kecamatan", "EVENT", MODEL),
        ("Tualang, Senin", "LOC", MODEL),
    ]


@pytest.mark.parametrize(
    "phrase",
    ["Tualan", "ualang", "Senin (8", "(8/", "Tualang, Kompol B", " hadir"],
)
def test_a_model_span_off_the_token_boundaries_is_dropped(phrase):
    off = model(phrase, "LOC", 0.99)
    found = join([off, model("hadir", "EVENT", 0.9)])
    assert off[0].key not in {span.key for span in found.spans}
    assert ("hadir", "EVENT", MODEL) in texts(found)


def test_themes_join_once_with_the_models_scores():
    kamtibmas = ThemeSuggestion("themes", "KAMTIBMAS", ())
    golput = ThemeSuggestion("themes", "ANTI_GOLPUT", ())
    found = join([], themes=((kamtibmas, 0.7), (golput, 0.8), (golput, 0.8)))
    assert [(t.group, t.value, t.cues) for t in found.themes] == [
        ("themes", "KAMTIBMAS", ("kamtibmas",)),  # the rules' own, with its cues
        ("themes", "ANTI_GOLPUT", ()),
    ]
    assert found.theme_scores == {("themes", "KAMTIBMAS"): 0.7, ("themes", "ANTI_GOLPUT"): 0.8}


WORDS = ("Kompol", "Budi", "Santoso", "SH,", "(8/1)", "di", "Tualang.", "Pol-Pp", "2024", "“Aman”")


@st.composite
def joined(draw: st.DrawFn) -> tuple[str, Suggestions, list[ScoredSpan], float | None]:
    """A text of words, rules' spans on its tokens that never overlap, and model spans
    anywhere in it (overlapping, off the tokens), scored."""
    text = " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=12)))
    tokens = TokenIndex(text)
    cuts = sorted(draw(st.sets(st.integers(0, len(tokens)), max_size=8)))
    rules = []
    for first, last in zip(cuts[::2], cuts[1::2], strict=False):
        if first < last:
            start, end = tokens[first].start, tokens[last - 1].end
            rules.append(Span(start, end, "PER", text[start:end], "rule:PER"))
    offsets = st.integers(0, len(text))
    models = []
    for start, length, label, score in draw(
        st.lists(
            st.tuples(
                offsets, st.integers(1, 20), st.sampled_from(["PER", "LOC"]), st.floats(0, 1)
            ),
            max_size=10,
        )
    ):
        end = min(start + length, len(text))
        if start < end:
            models.append((Span(start, end, label, text[start:end], MODEL), score))
    threshold = draw(st.none() | st.sampled_from(GRID))
    return text, Suggestions(tuple(rules), ()), models, threshold


@settings(max_examples=200, deadline=None)
@given(joined())
def test_joined_spans_never_overlap_and_keep_every_rules_span(case):
    text, rules, models, threshold = case
    found = rules.with_model(MODEL, models, (), boundaries_of(text), threshold)
    spans = found.spans
    assert all(a.end <= b.start for a, b in pairwise(spans))
    assert [(s.key, s.source) for s in rules.spans] == [
        (s.key, s.source) for s in spans if not s.source.startswith("model:")
    ]
    tokens = TokenIndex(text)
    for span in spans:
        if span.source == MODEL:
            assert threshold is not None and found.span_scores[span.key] >= threshold
            assert tokens.is_start(span.start) and tokens.is_end(span.end)


# The threshold chosen on the dev share


@pytest.fixture(scope="module")
def scheme() -> Scheme:
    return load_scheme()


def dev_text(gold: list[Span], rules: list[Span]) -> DevText:
    return DevText(TEXT, tuple(gold), Suggestions(tuple(rules), ()))


def candidate(phrase: str, label: str, score: float) -> tuple[int, int, str, float]:
    start = TEXT.index(phrase)
    return (start, start + len(phrase), label, score)


GOLD = [rule("Kompol", "RANK"), rule("Budi Santoso", "PER"), rule("Kecamatan Tualang", "LOC")]
DEV = [dev_text(GOLD, GOLD[:2]), dev_text(GOLD, GOLD[:1])]
"""Two dev texts: the rules find two of the three gold spans in one, one in the other."""


def test_a_model_that_only_adds_right_spans_gets_a_threshold(scheme):
    predictions = [
        Prediction((candidate("Kecamatan Tualang", "LOC", 0.8),), {}),
        Prediction(
            (candidate("Budi Santoso", "PER", 0.9), candidate("Kecamatan Tualang", "LOC", 0.7)),
            {},
        ),
    ]
    choice = choose_threshold(DEV, predictions, scheme, MODEL)
    assert choice.threshold == 0.7  # every threshold up to it does as well: the highest
    assert (choice.rules.tp, choice.rules.fp, choice.rules.fn) == (3, 0, 3)
    assert (choice.both.tp, choice.both.fp, choice.both.fn) == (6, 0, 0)
    assert choice.both.f1 > choice.rules.f1
    assert (choice.model.tp, choice.model.fn) == (3, 3)  # alone, at 0.5: its three spans
    assert choice.to_json()["threshold"] == 0.7


def test_a_wrong_span_scored_low_sets_the_threshold_above_it(scheme):
    predictions = [
        Prediction(
            (candidate("Kecamatan Tualang", "LOC", 0.9), candidate("Senin (8/1)", "DATE", 0.3)),
            {},
        ),
        Prediction((), {}),
    ]
    choice = choose_threshold(DEV, predictions, scheme, MODEL)
    assert choice.threshold == 0.9
    assert (choice.both.tp, choice.both.fp) == (4, 0)


def test_a_model_that_only_adds_wrong_spans_gets_no_threshold(scheme):
    predictions = [
        Prediction(
            (
                candidate("Senin (8/1)", "DATE", 0.95),  # not in the gold
                candidate("Kecamatan Tualang", "ORG", 0.9),  # the wrong label
                candidate("Budi Santoso", "LOC", 0.99),  # the rules' span, another label
            ),
            {},
        ),
        Prediction((candidate("Kapolsek Tualang", "ROLE", 0.6),), {}),
    ]
    choice = choose_threshold(DEV, predictions, scheme, MODEL)
    assert choice.threshold is None
    assert choice.both == choice.rules
    assert choice.to_json()["threshold"] is None
    assert choice.to_json()["dev_suggestions"]["both"] == choice.rules.to_json()


def test_spans_of_labels_outside_the_scheme_or_the_text_are_ignored(scheme):
    predictions = [
        Prediction(((0, 5, "NOPE", 0.99), (len(TEXT) - 2, len(TEXT) + 5, "LOC", 0.99)), {}),
        Prediction((), {}),
    ]
    choice = choose_threshold(DEV, predictions, scheme, MODEL)
    assert choice.threshold is None and choice.model.fp == 0


# A prediction as the worker sends it


def test_a_prediction_goes_through_json_and_back():
    prediction = Prediction(
        ((0, 8, "ROLE", 0.25), (18, 24, "RANK", 0.9999)),
        {"themes:KAMTIBMAS": 0.75, "activity:DIALOG": 0.125},
    )
    sent = orjson.loads(orjson.dumps(prediction.to_json()))
    assert Prediction.from_json(sent) == prediction
    assert Prediction.from_json({"spans": [], "cats": {}}) == Prediction((), {})


@pytest.mark.parametrize(
    "data",
    [{"spans": [[0, 1, "PER"]], "cats": {}}, {"spans": [["a", 1, "PER", 0.5]], "cats": {}}, {}],
)
def test_a_prediction_this_never_wrote_is_refused(data):
    with pytest.raises((ValueError, KeyError, TypeError)):
        Prediction.from_json(data)


# A session with a model in the loop


@dataclass
class FakeLearning:
    """ModelLoop's interface, with predictions set by hand and the calls noted."""

    source: str = MODEL
    threshold: float | None = 0.5
    predictions: dict[str, Prediction] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    done: list[int] = field(default_factory=list)
    started: list[int] = field(default_factory=list)
    on_event: Callable[[ModelEvent], None] | None = None
    closed: bool = False

    def info(self) -> ModelInfo | None:
        return ModelInfo(1, self.threshold, 5, "a model")

    def request(self, article_id: str, text: str) -> None:
        self.requests.append(article_id)

    def prediction(self, article_id: str) -> Prediction | None:
        return self.predictions.get(article_id)

    def note_done(self, done: int) -> None:
        self.done.append(done)

    def start(self, done: int, on_event: Callable[[ModelEvent], None]) -> None:
        self.started.append(done)
        self.on_event = on_event

    def close(self) -> None:
        self.closed = True


MODEL_ONLY = ("pesta demokrasi", "EVENT", 0.93)
"""On the first seed: no rule suggests it."""
BOTH = ("lingkupperistiwa.com", "MEDIA", 0.97)
"""The first seed's first suggestion, which the rules make too (rule:MEDIA.dateline)."""
BELOW = ("Kanit Samapta", "PER", 0.2)
"""A rules' ROLE span, the model's PER: below the threshold, and overlapping."""
MODEL_THEME = "ANTI_HOAX"
"""A theme the rules do not suggest for the first seed."""


def first_prediction(text: str) -> Prediction:
    spans = []
    for phrase, label, score in (MODEL_ONLY, BOTH, BELOW):
        start = text.index(phrase)
        spans.append((start, start + len(phrase), label, score))
    return Prediction(
        tuple(spans),
        {f"themes:{MODEL_THEME}": 0.8, "themes:KAMTIBMAS": 0.9, "themes:NETRALITAS": 0.1},
    )


@pytest.fixture(scope="module")
def suggester() -> Suggester:
    return Suggester(replace(load_scheme(), check_done=False))


@pytest.fixture
def learning() -> FakeLearning:
    return FakeLearning()


@pytest.fixture
def open_session(
    tmp_path: Path, seeds: Path, suggester: Suggester, learning: FakeLearning
) -> Iterator[Callable[..., Session]]:
    opened: list[Session] = []

    def open_(suggester: Suggester = suggester) -> Session:
        store = Store.open(tmp_path / "ann", "alice")
        session = Session(load_corpus([seeds]), store, suggester, learning=learning)  # type: ignore[arg-type]
        opened.append(session)
        return session

    yield open_
    for session in opened:
        session.store.close()


@pytest.fixture
def session(open_session: Callable[..., Session]) -> Session:
    session = open_session()
    session.open(FIRST)
    return session


def arrive(session: Session, learning: FakeLearning) -> bool:
    """The model's prediction for the first seed comes."""
    assert session.article is not None
    learning.predictions[FIRST] = first_prediction(session.article.text)
    return session.model_arrived(FIRST)


def offered(session: Session) -> set[tuple[str, str]]:
    return {(span.text, span.source) for span in session.offered()}


def test_opening_an_article_asks_the_model_and_starting_learning_starts_the_loop(
    session: Session, learning: FakeLearning
):
    assert learning.requests == [FIRST]
    events: list[ModelEvent] = []
    session.start_learning(events.append)
    assert learning.started == [0] and learning.on_event == events.append
    assert learning.requests == [FIRST, FIRST]  # the open article, asked with the loop started
    session.stop_learning()
    assert learning.closed


def test_the_models_prediction_for_the_open_article_changes_what_is_offered(
    session: Session, learning: FakeLearning
):
    before = offered(session)
    assert ("pesta demokrasi", MODEL) not in before
    assert not session.model_arrived(FIRST)  # nothing has come: nothing changes
    assert not session.model_arrived(SECOND)  # another article's: not the open one
    learning.predictions[SECOND] = Prediction(((0, 5, "PER", 0.99),), {})
    assert not session.model_arrived(SECOND)
    assert session.article is not None
    learning.predictions[FIRST] = first_prediction(session.article.text)
    assert not session.model_arrived(SECOND)  # the open article's came, but was not told
    assert offered(session) == before
    assert session.model_arrived(FIRST)
    after = offered(session)
    assert after == before | {("pesta demokrasi", MODEL)}
    assert ("lingkupperistiwa.com", "rule:MEDIA.dateline") in after  # once, the rules' source
    assert [s.text for s in session.offered()].count("lingkupperistiwa.com") == 1
    assert ("Kanit Samapta", "rule:ROLE") in after  # below the threshold: the rules' stays
    assert (
        "themes",
        MODEL_THEME,
    ) in session.suggested_values() and ("themes", "NETRALITAS") not in session.suggested_values()
    assert not session.model_arrived(FIRST)  # the same prediction again: no change


def test_after_a_retraining_the_new_model_is_asked_for_the_open_article(
    session: Session, learning: FakeLearning
):
    """ModelLoop tells the open article's id when a training ends, for the session to ask the
    new model (the old one's prediction no longer counts): its suggestions come back."""
    session.start_learning(lambda event: None)
    arrive(session, learning)
    assert ("pesta demokrasi", MODEL) in offered(session)
    asked = len(learning.requests)
    learning.predictions.clear()  # a new model: what the old one said is not offered
    session.model_arrived(FIRST)  # ModelEvent(article_id=FIRST), from _await_training
    assert learning.requests[asked:] == [FIRST]


def test_a_prediction_already_there_is_offered_on_opening(
    open_session: Callable[..., Session], learning: FakeLearning, seeds: Path
):
    text = load_corpus([seeds]).get(FIRST).text  # type: ignore[union-attr]
    learning.predictions[FIRST] = first_prediction(text)
    session = open_session()
    session.open(FIRST)
    assert ("pesta demokrasi", MODEL) in offered(session)


def test_no_threshold_no_model_span(session: Session, learning: FakeLearning):
    learning.threshold = None
    before = offered(session)
    arrive(session, learning)
    assert offered(session) == before


def test_s_steps_through_all_rules_model_none_once_a_model_joined(
    session: Session, learning: FakeLearning
):
    arrive(session, learning)
    everything = offered(session)
    model_only = {("pesta demokrasi", MODEL)}
    both = {("lingkupperistiwa.com", "rule:MEDIA.dateline")}
    said = session.step_suggestions()
    assert said == "the model's suggestions hidden: the rules' only"
    assert offered(session) == everything - model_only
    assert session.suggested_values() >= {("themes", "KAMTIBMAS")}  # the rules' cue
    assert ("themes", MODEL_THEME) not in session.suggested_values()
    said = session.step_suggestions()
    assert said == "the rules' suggestions hidden: the model's only"
    assert offered(session) == model_only | both
    assert session.suggested_values() == {("themes", MODEL_THEME), ("themes", "KAMTIBMAS")}
    assert session.step_suggestions() == "suggestions hidden"
    assert offered(session) == set() and session.suggested_values() == frozenset()
    assert session.step_suggestions() == "suggestions shown"
    assert offered(session) == everything
    assert ("themes", MODEL_THEME) in session.suggested_values()
    assert session.step_suggestions() == "the model's suggestions hidden: the rules' only"


def test_s_shows_and_hides_without_a_model(session: Session, learning: FakeLearning):
    everything = offered(session)
    assert everything
    assert session.step_suggestions() == "suggestions hidden"
    assert offered(session) == set()
    assert session.step_suggestions() == "suggestions shown"
    assert offered(session) == everything
    assert session.step_suggestions() == "suggestions hidden"


def test_the_border_notes_name_the_model_and_its_score(session: Session, learning: FakeLearning):
    assert session.suggestion_notes() == {}  # no model yet
    arrive(session, learning)
    assert session.article is not None
    text = session.article.text
    pesta = at(text, "pesta demokrasi", "EVENT")
    media = at(text, "lingkupperistiwa.com", "MEDIA")
    assert session.suggestion_notes() == {
        pesta.key: "model:alice 0.93",
        media.key: "rule:MEDIA.dateline + model:alice 0.97",
    }
    session.step_suggestions()  # the rules' only
    assert session.suggestion_notes() == {media.key: "rule:MEDIA.dateline + model:alice 0.97"}


def test_done_tells_the_model_how_many_the_store_holds_done(
    tmp_path: Path, open_session: Callable[..., Session], learning: FakeLearning
):
    with Store.open(tmp_path / "ann", "alice") as store:
        store.save(Annotation.new(SECOND, "sha").with_status(Status.DONE))
        store.save(Annotation.new("999_not_in_this_corpus", "sha").with_status(Status.DONE))
        store.save(Annotation.new("998_skipped", "sha").with_status(Status.SKIPPED))
    session = open_session()
    session.open(FIRST)
    session.start_learning(lambda event: None)
    assert learning.started == [2]  # every done article of the store: what a model learns from
    session.finish(Status.SKIPPED)
    assert learning.done == []
    session.open(FIRST)
    session.finish(Status.DONE)
    assert learning.done == [3]
    assert session.counts().done == 2  # the header counts this corpus's only


def test_done_is_refused_while_a_model_suggestion_is_open_even_hidden(
    open_session: Callable[..., Session], learning: FakeLearning
):
    session = open_session(Suggester(load_scheme()))  # the scheme's check before done is on
    assert session.scheme.check_done
    session.open(FIRST)
    session.accept_all()  # every rules' suggestion answered
    arrive(session, learning)
    session.step_suggestions()  # the model's hidden: still unanswered
    assert offered(session) == set()  # the rules' all answered, the model's hidden
    with pytest.raises(NotDoneYet, match=r"^1 suggestion still open"):
        session.finish(Status.DONE)
    assert learning.done == []
    session.finish(Status.DONE)  # done again: done anyway
    assert learning.done == [1]


def test_without_the_model_the_same_article_may_be_done(
    open_session: Callable[..., Session], learning: FakeLearning
):
    """The check above fails only because of the model's suggestion."""
    session = open_session(Suggester(load_scheme()))
    session.open(FIRST)
    session.accept_all()
    session.finish(Status.DONE)
    assert learning.done == [1]


def test_a_candidate_across_a_line_or_outside_the_text_or_scheme_is_no_span():
    text = "Kapolsek Minas hadir.\nWarga Minas senang."
    prediction = Prediction(
        (
            (0, 14, "ROLE", 0.9),
            (9, 27, "ORG", 0.99),  # runs on into the next line
            (0, 8, "NOT_A_LABEL", 0.9),
            (30, 99, "LOC", 0.9),  # past the end
        ),
        {},
    )
    found = scored_spans(prediction, text, load_scheme(), "model:alice")
    assert [(span.key, span.text, span.source, score) for span, score in found] == [
        ((0, 14, "ROLE"), "Kapolsek Minas", "model:alice", 0.9)
    ]
