"""Keystrokes saved: a gold annotation replayed by an oracle annotator with the app's keys.

The oracle knows the gold annotation and presses the keys cooltui.tui.app binds, through a
real Session and Store (in a temporary folder, the corpus made of the gold texts), moving a
headless cursor the way the reader moves it. It works through an article in text order:

- a suggestion on offer: `.` until the cursor is on it (none when answering the last one put
  it there); enter if it is a gold span; if it overlaps a gold span not made yet with another
  extent or label, whichever costs fewer keys of: its gold label's key on it then { } < > one
  token at a time (the span stays the suggestion's until moved), or x and the span typed later
  (its keys estimated from the suggestion's place); otherwise x;
- a gold span no suggestion offers: the cursor taken to its start by the cheaper of word moves
  (ctrl+right, ctrl+left) and find (ctrl+f, the span's text typed up to the first prefix whose
  match from the cursor is the span, ctrl+g past earlier matches, enter), shift+right to its last
  token (no selection for a one-token span after word moves: the label key takes the token under
  the cursor), then its label's key;
- document labels: each value's key (a value without one: T, tab to its group, down to it,
  space, Esc); with suggestions shown, A first when it saves keys (it takes the suggested
  values once every suggestion is answered), then the keys that set the rest right;
- done: a, and a again when the done check asks (hidden suggestions are still unanswered).

The same cursor model serves every condition. Without suggestions, S hides them once at the
start of a gold set. The store must end with exactly the gold spans (start, end, label), the gold
document labels and status done, for every article: the check that the replay is honest.

Prints `name=value unit` lines per condition (none, rules) and gold set (seeds, heldout):
`keys_per_span_rules_heldout=1.46 keys/span`, the keys per article, the keys by action, and
how many fewer keys the rules take.

Then the rules + model condition (`both`), on articles the model never saw: the held-out
records whose id number is in --test (h40-h51, learning_curve.py's test set) are replayed with
none, rules and both, after a model was trained (learning_curve.train_on: the app's training
code, --minutes) on every other gold record. The model's suggestions join the rules' through
the session as in the app: the Session is given a `learning` object with the ModelLoop
interface it uses, backed by predictions made beforehand with cooltui.learn.predict rather than
by the worker subprocess. Each article's prediction is there when it opens (in the app it comes
a moment later, and the suggestions change then): the oracle sees what the annotator sees once
the model has answered. --no-model replays that set with none and rules only (no spaCy needed);
--threshold T, a diagnostic, makes the model's spans scored T or more join whatever threshold
its dev share chose (`model_h40-h51.threshold_forced` says so):

    python bench/keystrokes.py [GOLD.jsonl ...] [--minutes 1.5] [--test 40-51] [--no-model]
"""

from __future__ import annotations

import argparse
import re
import tempfile
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, cast

import orjson

from cooltui.corpus import load_corpus
from cooltui.edits import SpanIndex, label_range, move_edge, toggle_value
from cooltui.export import ExportedArticle, read_jsonl
from cooltui.learn.loop import ModelInfo
from cooltui.learn.scored import Prediction
from cooltui.learn.train import TrainError
from cooltui.model import Annotation, Span, Status
from cooltui.scheme import Scheme, load_scheme
from cooltui.session import Edit, NotDoneYet, Session
from cooltui.store import Store
from cooltui.suggest import Suggester
from learning_curve import SOURCE, TEST, parse_range, predict_texts, split_test, train_on

if TYPE_CHECKING:
    from cooltui.learn.loop import ModelLoop

GOLD = Path(__file__).resolve().parent.parent / "tests" / "data" / "gold"
Condition = Literal["none", "rules", "both"]
CONDITIONS: tuple[Condition, ...] = ("none", "rules")
"""The conditions of every gold set; `both` (rules + model) only on the test set."""
Edge = Literal["start", "end"]
EDGE_STEPS: tuple[tuple[Edge, Literal[-1, 1]], ...] = (
    ("start", -1),
    ("end", 1),
    ("start", 1),
    ("end", -1),
)
"""The edge keys { > } <, growing ones first: a span keeps at least one token on the way."""


@dataclass
class Cursor:
    """The reader's selection: `anchor` to `cursor`, and the span the span keys act on."""

    anchor: int = 0
    cursor: int = 0
    focused: Span | None = None

    @property
    def selected(self) -> tuple[int, int]:
        return min(self.anchor, self.cursor), max(self.anchor, self.cursor)

    @property
    def target(self) -> int:
        """Where the keys act (Reader.target_offset): the selection's start, else the cursor."""
        start, end = self.selected
        return start if end > start else self.cursor

    def select(self, start: int, end: int) -> None:
        self.anchor, self.cursor = start, end
        self._moved()

    def move_to(self, offset: int) -> None:
        self.select(offset, offset)

    def collapse(self) -> None:
        self.anchor = self.cursor

    def _moved(self) -> None:
        # CoolApp._forget_focused_span: the focused span stays while the cursor is on it.
        span = self.focused
        if span is not None and not span.start <= self.cursor <= span.end:
            self.focused = None


@dataclass
class Oracle:
    """Presses the app's keys on the open article of `session`, counting them by action."""

    session: Session
    gold: ExportedArticle
    keys: Counter[str] = field(default_factory=Counter)
    at: Cursor = field(default_factory=Cursor)

    @property
    def scheme(self) -> Scheme:
        return self.session.scheme

    @property
    def text(self) -> str:
        return self.gold.text

    @property
    def annotation(self) -> Annotation:
        assert self.session.annotation is not None
        return self.session.annotation

    def annotate(self) -> None:
        self.annotate_spans()
        self.set_document_labels()
        self.mark_done()

    # Spans

    def annotate_spans(self) -> None:
        gold = self.gold.annotation.spans
        for _ in range(4 * (len(gold) + len(self.offered()) + 1)):
            made = {span.key for span in self.annotation.spans}
            pending = [span for span in gold if span.key not in made]
            offered = self.offered()
            index = SpanIndex(offered)
            typed = [span for span in pending if not index.overlaps(span.start, span.end)]
            if offered and (not typed or offered[0].start <= typed[0].start):
                self.answer(offered[0], pending)
            elif typed:
                self.type_span(typed[0])
            else:
                return
        raise AssertionError(f"{self.gold.id}: the oracle made no progress")

    def offered(self) -> tuple[Span, ...]:
        return self.session.offered()

    def answer(self, suggestion: Span, pending: list[Span]) -> None:
        self.reach(suggestion)
        if any(span.key == suggestion.key for span in pending):
            self.accept(suggestion)
            return
        overlapping = [span for span in pending if span.overlaps(suggestion)]
        if overlapping:
            wanted = max(overlapping, key=lambda span: _overlap(span, suggestion))
            # Fixing: its label's key and the edge moves; else x, and typed later (estimated from
            # here) with its label's key.
            fixing = 1 + self.edge_moves(suggestion, wanted)
            if fixing <= 1 + len(self.typing(wanted)) + 1:
                self.fix(suggestion, wanted)
                return
        self.reject(suggestion)

    def reach(self, suggestion: Span) -> None:
        """`.` until the suggestion is selected (CoolApp._step_suggestion)."""
        for _ in range(len(self.offered()) + 1):
            if self.at.selected == (suggestion.start, suggestion.end):
                return
            self.press("next_suggestion")
            self.step_suggestion(past=None)
        raise AssertionError(f"{self.gold.id}: . never reached {suggestion}")

    def step_suggestion(self, past: Span | None) -> None:
        here = self.suggestion_here()
        selected = here is not None and self.at.selected == (here.start, here.end)
        current = past or (here if selected else None)
        found = self.session.suggestion_from(self.at.target, 1, current)
        if found is not None:
            self.at.focused = None
            self.at.select(found.start, found.end)

    def suggestion_here(self) -> Span | None:
        return SpanIndex(self.offered()).covering(self.at.target)

    def accept(self, suggestion: Span) -> None:
        self.press("accept_suggestion")
        text = self.text
        self.edit(
            lambda a: label_range(
                a,
                text,
                suggestion.start,
                suggestion.end,
                suggestion.label,
                self.scheme,
                suggestion.source,
            )
        )
        self.step_suggestion(past=suggestion)

    def reject(self, suggestion: Span) -> None:
        self.press("remove_span")
        self.edit(lambda a: (a.reject(suggestion), None))
        self.step_suggestion(past=suggestion)

    def fix(self, suggestion: Span, wanted: Span) -> None:
        """Its gold label's key on the selected suggestion, then its edges moved to the gold."""
        self.label(wanted.label)
        for edge, step in EDGE_STEPS:
            while self.edge_short(edge, step, wanted):
                self.press("move_edge")
                self.move_edge(edge, step)
        assert self.at.focused is not None and self.at.focused.key == wanted.key, self.gold.id

    def edge_short(self, edge: Edge, step: int, wanted: Span) -> bool:
        span = self.at.focused
        assert span is not None
        have, want = (span.start, wanted.start) if edge == "start" else (span.end, wanted.end)
        return (want - have) * step > 0

    def move_edge(self, edge: Edge, step: Literal[-1, 1]) -> None:
        span, text, tokens = self.at.focused, self.text, self.session.tokens
        assert span is not None
        self.edit(lambda a: move_edge(a, text, tokens, span, edge, step, self.scheme))
        focused = self.at.focused
        assert focused is not None
        self.at.select(focused.start, focused.end)

    def edge_moves(self, suggestion: Span, wanted: Span) -> int:
        """How many { } < > presses take the suggestion's edges to the gold span's."""
        tokens = self.session.tokens
        return _bounds_between(tokens.starts, suggestion.start, wanted.start) + _bounds_between(
            tokens.ends, suggestion.end, wanted.end
        )

    def type_span(self, span: Span) -> None:
        for action, selection in self.typing(span):
            self.press(action)
            if selection is not None:
                self.at.select(*selection)
        self.label(span.label)
        made = self.at.focused
        assert made is not None and made.key == span.key, (self.gold.id, made, span)

    def typing(self, span: Span) -> list[tuple[str, tuple[int, int] | None]]:
        """The keys that select `span` (all but its label's), each with the selection it leaves
        (None: unchanged): the cheaper of word moves and find."""
        return min(self.by_word_moves(span), self.by_find(span), key=len)

    def by_word_moves(self, span: Span) -> list[tuple[str, tuple[int, int] | None]]:
        starts, cursor = self.session.tokens.starts, self.at.cursor
        if span.start >= cursor:
            landing = starts[bisect_right(starts, cursor) : bisect_right(starts, span.start)]
            presses = [("word_right", (at, at)) for at in landing]
        else:
            landing = starts[bisect_left(starts, span.start) : bisect_left(starts, cursor)]
            presses = [("word_left", (at, at)) for at in reversed(landing)]
        return presses + self.grow(span, span.start, span.start)

    def by_find(self, span: Span) -> list[tuple[str, tuple[int, int] | None]]:
        """ctrl+f, the shortest prefix of the span whose match from the cursor is the span
        (CoolApp._find: whole tokens, from a word's start, any case), ctrl+g past the matches
        before it when no prefix will do, enter."""
        wanted = self.text[span.start : span.end]
        found: tuple[int, int] | None = None
        typed = 0
        for typed in range(1, len(wanted) + 1):
            found = self.find(wanted[:typed], self.at.cursor)
            if found is not None and found[0] == span.start:
                break
        presses: list[tuple[str, tuple[int, int] | None]] = [("find", None)]
        presses += [
            ("find_typed", self.find(wanted[: n + 1], self.at.cursor)) for n in range(typed)
        ]
        # As many ctrl+g as find has matches (any case, from a word's start), and one more.
        for _ in range(len(_find_pattern(wanted).findall(self.text)) + 1):
            if found is not None and found[0] == span.start:
                break
            assert found is not None
            found = self.find(wanted, found[1])
            presses.append(("find_next", found))
        assert found is not None and found[0] == span.start, (self.gold.id, span)
        presses.append(("submit_field", None))
        return presses + self.grow(span, *found)

    def find(self, query: str, start: int) -> tuple[int, int] | None:
        if not query.strip():
            return None
        pattern = _find_pattern(query)
        text = self.text
        match = pattern.search(text, min(start, len(text))) or pattern.search(text)
        return None if match is None else self.session.tokens.snap(*match.span())

    def grow(self, span: Span, start: int, end: int) -> list[tuple[str, tuple[int, int] | None]]:
        """shift+right from the selection [start, end) to the span's end (Reader's token
        steps); none for a one-token span under an empty selection."""
        ends = self.session.tokens.ends
        steps = ends[bisect_right(ends, end) : bisect_right(ends, span.end)]
        if start == end and len(steps) == 1:
            return []
        return [("select_right", (start, step)) for step in steps]

    def label(self, name: str) -> None:
        """A label's key, as CoolApp.action_label treats it."""
        label = self.scheme.label(name)
        assert label is not None, name
        self.press("label")
        text = self.text
        start, end = self.at.selected
        suggestion = self.suggestion_here()
        if start == end:
            focused = self.at.focused
            assert focused is None or focused not in self.annotation.spans, self.gold.id
            index = self.session.tokens.token_at(start)
            assert index is not None and suggestion is None, self.gold.id
            start, end = self.session.tokens.starts[index], self.session.tokens.ends[index]
            source = "manual"
        else:
            whole = suggestion is not None and (suggestion.start, suggestion.end) == (start, end)
            source = suggestion.source if whole and suggestion.label == name else "manual"
        self.edit(lambda a: label_range(a, text, start, end, name, self.scheme, source))
        self.at.collapse()

    def edit(self, make: Edit) -> None:
        # CoolApp._edited: the span an edit returns is the one the span keys act on next.
        self.at.focused = self.session.edit(make)

    # Document labels and done

    def set_document_labels(self) -> None:
        gold = self.gold.annotation.doc_labels
        toggles = self.toggles(self.annotation, gold)
        if self.session.suggestions_shown and not self.offered():
            after_all = self.accept_all_gives(self.annotation)
            if after_all is not None and 1 + len(self.toggles(after_all, gold)) < len(toggles):
                self.press("accept_all_suggestions")
                self.session.accept_all()
                toggles = self.toggles(self.annotation, gold)
        for group, value in toggles:
            self.toggle(group, value)
        assert self.annotation.doc_labels == _labels(gold, self.scheme), self.gold.id

    def accept_all_gives(self, annotation: Annotation) -> Annotation | None:
        """What A leaves of the document labels once no span is on offer (Session.accept_all)."""
        suggested = self.session.suggested_values()
        changed = annotation
        for group in self.scheme.groups:
            for value in group.values:
                chosen = changed.doc_labels.get(group.name, ())
                taken = (group.name, value.name) in suggested and value.name not in chosen
                if taken and (group.multi or not chosen):
                    changed = toggle_value(changed, self.scheme, group.name, value.name)
        return changed if changed is not annotation else None

    def toggles(
        self, annotation: Annotation, gold: dict[str, tuple[str, ...]]
    ) -> list[tuple[str, str]]:
        """The value keys that take the annotation's document labels to the gold's."""
        presses = []
        for group in self.scheme.groups:
            have = set(annotation.doc_labels.get(group.name, ()))
            want = set(gold.get(group.name, ()))
            if group.multi:
                presses += [(group.name, v.name) for v in group.values if v.name in have ^ want]
            elif have != want:  # one press sets the gold value, or clears a wrong one
                presses.append((group.name, next(iter(want or have))))
        return presses

    def toggle(self, group: str, value: str) -> None:
        """A document value's key (CoolApp.action_toggle_value)."""
        self.press_value(group, value)
        focused = self.at.focused
        self.edit(lambda a: (toggle_value(a, self.scheme, group, value), focused))

    def press_value(self, group_name: str, value_name: str) -> None:
        group = self.scheme.group(group_name)
        assert group is not None
        value = group.value(value_name)
        assert value is not None
        if value.key is not None:
            self.press("toggle_value")
            return
        self.press("pick_labels")
        self.press("picker_group", self.scheme.groups.index(group))
        self.press("picker_down", group.values.index(value))
        self.press("picker_toggle")
        self.press("picker_close")

    def mark_done(self) -> None:
        self.press("done")
        try:
            self.session.finish(Status.DONE)
        except NotDoneYet:
            self.press("done")
            self.session.finish(Status.DONE)

    def press(self, action: str, times: int = 1) -> None:
        """Count `times` presses of the key of `action` (cooltui.keys ids, where it has one)."""
        if times:
            self.keys[action] += times


def _find_pattern(query: str) -> re.Pattern[str]:
    """What CoolApp._find matches: `query` from a word's start, in any case."""
    return re.compile(r"(?<!\w)" + re.escape(query), re.IGNORECASE)


def _bounds_between(bounds: list[int], have: int, want: int) -> int:
    """Token steps (Session's move_edge) from `have` to `want` over sorted `bounds`."""
    if want >= have:
        return bisect_right(bounds, want) - bisect_right(bounds, have)
    return bisect_left(bounds, have) - bisect_left(bounds, want)


def _overlap(a: Span, b: Span) -> int:
    return min(a.end, b.end) - max(a.start, b.start)


def _labels(gold: dict[str, tuple[str, ...]], scheme: Scheme) -> dict[str, tuple[str, ...]]:
    """The gold's document labels as the annotation holds them (groups with values)."""
    return {group.name: gold[group.name] for group in scheme.groups if gold.get(group.name)}


@dataclass
class Tally:
    keys: Counter[str] = field(default_factory=Counter)
    articles: int = 0
    spans: int = 0


class PrecomputedModel:
    """What the Session asks of its ModelLoop (source, info, request, prediction, note_done),
    answered from predictions made beforehand: no worker, no retraining."""

    def __init__(
        self, source: str, threshold: float | None, trained_on: int, found: dict[str, Prediction]
    ) -> None:
        self.source = source
        self._info = ModelInfo(1, threshold, trained_on, "precomputed")
        self._found = found
        self._asked: set[str] = set()

    def info(self) -> ModelInfo:
        return self._info

    def request(self, article_id: str, text: str) -> None:
        # ModelLoop asks nothing of a model without a threshold: its prediction never comes.
        if self._info.threshold is not None:
            self._asked.add(article_id)

    def prediction(self, article_id: str) -> Prediction | None:
        return self._found.get(article_id) if article_id in self._asked else None

    def note_done(self, done: int) -> None:
        """No retraining: the model stays the one trained before the replay."""


def replay(
    records: list[ExportedArticle],
    condition: Condition,
    folder: Path,
    model: PrecomputedModel | None = None,
) -> Tally:
    """Every record annotated by the oracle in a fresh store; the store checked against them.
    `model` joins the rules (condition both)."""
    assert (condition == "both") == (model is not None), condition
    corpus_file = folder / "corpus.jsonl"
    corpus_file.write_bytes(
        b"".join(orjson.dumps({"id": r.id, "text": r.text}) + b"\n" for r in records)
    )
    scheme = load_scheme()
    store = Store.open(folder / "store", "oracle")
    # The Session uses no more of a ModelLoop than PrecomputedModel has.
    learning = cast("ModelLoop | None", model)
    session = Session(
        load_corpus([corpus_file], cache=False), store, Suggester(scheme), learning=learning
    )
    tally = Tally()
    if condition == "none":
        tally.keys["toggle_suggestions"] += 1
        session.suggestions_shown = False
    try:
        for record in records:
            session.open(record.id)
            oracle = Oracle(session, record)
            oracle.annotate()
            tally.keys += oracle.keys
            tally.articles += 1
            tally.spans += len(record.annotation.spans)
    finally:
        store.close()
    check_store(folder / "store", records, scheme)
    return tally


def check_store(store_dir: Path, records: list[ExportedArticle], scheme: Scheme) -> None:
    """The store, read again from disk, holds exactly the gold annotation of every record."""
    store = Store.open(store_dir, "oracle", read_only=True)
    for record in records:
        saved = store.get(record.id)
        assert saved is not None, f"{record.id}: not in the store"
        assert saved.status is Status.DONE, f"{record.id}: {saved.status}"
        want = sorted(span.key for span in record.annotation.spans)
        assert sorted(span.key for span in saved.spans) == want, f"{record.id}: spans differ"
        labels = _labels(record.annotation.doc_labels, scheme)
        assert dict(saved.doc_labels) == labels, f"{record.id}: document labels differ"


def lines(name: str, condition: Condition, tally: Tally) -> Iterator[str]:
    total = tally.keys.total()
    yield f"keys_{condition}_{name}={total} keys"
    yield f"keys_per_span_{condition}_{name}={total / tally.spans:.2f} keys/span"
    yield f"keys_per_article_{condition}_{name}={total / tally.articles:.1f} keys/article"
    for action, count in sorted(tally.keys.items()):
        yield f"keys_{condition}_{name}.{action}={count} keys"


def trained_model(
    pool: list[ExportedArticle],
    test: list[ExportedArticle],
    minutes: float,
    name: str,
    forced: float | None = None,
) -> tuple[PrecomputedModel, list[str]]:
    """A model trained on `pool` (the app's training code), its predictions for `test`, and
    lines saying what it was trained on. `forced` replaces the threshold it chose."""
    with tempfile.TemporaryDirectory() as folder:
        trained = train_on(pool, Path(folder), load_scheme(), minutes)
        found = predict_texts(trained.folder, (record.text for record in test))
    choice = trained.beside_rules
    threshold = choice.threshold if choice is not None else None
    shown = "none" if threshold is None else f"{threshold:.2f}"
    said = [
        f"model_{name}.train={len(trained.train_ids)} articles",
        f"model_{name}.dev={len(trained.dev_ids)} articles",
        f"model_{name}.epochs={trained.epochs} epochs",
        f"model_{name}.threshold={shown} score",
    ]
    if forced is not None:
        threshold = forced
        said.append(f"model_{name}.threshold_forced={forced:.2f} score")
    trained_on = len(trained.train_ids) + len(trained.dev_ids)
    predictions = {record.id: p for record, p in zip(test, found, strict=True)}
    return PrecomputedModel(SOURCE, threshold, trained_on, predictions), said


def replay_set(
    name: str,
    records: list[ExportedArticle],
    conditions: tuple[Condition, ...],
    model: PrecomputedModel | None = None,
) -> None:
    """The gold set replayed under each condition, with its lines and the keys saved."""
    spans = sum(len(record.annotation.spans) for record in records)
    print(f"gold_{name}.articles={len(records)} articles")
    print(f"gold_{name}.spans={spans} spans")
    tallies = {}
    for condition in conditions:
        with tempfile.TemporaryDirectory() as folder:
            given = model if condition == "both" else None
            tallies[condition] = replay(records, condition, Path(folder), given)
        print("\n".join(lines(name, condition, tallies[condition])), flush=True)
    none = tallies["none"].keys.total()
    for condition in conditions[1:]:
        saved = 1 - tallies[condition].keys.total() / none
        print(f"keys_saved_{condition}_{name}={saved:.3f} ratio")
    if "both" in tallies:
        rules = tallies["rules"].keys.total()
        saved = 1 - tallies["both"].keys.total() / rules
        print(f"keys_saved_both_vs_rules_{name}={saved:.3f} ratio")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", nargs="*", type=Path, help="gold files in our export jsonl")
    parser.add_argument(
        "--minutes", type=float, default=1.5, help="the model's training budget (1.5)"
    )
    parser.add_argument(
        "--test",
        type=parse_range,
        default=TEST,
        metavar="FIRST-LAST",
        help="the held-out ids hN_ replayed with rules + model (40-51)",
    )
    parser.add_argument(
        "--no-model", action="store_true", help="no model: the test set with none and rules"
    )
    parser.add_argument(
        "--threshold",
        type=float,
        help="a diagnostic, not what the app does: the model's spans join the rules' from this "
        "score, whatever threshold its dev share chose",
    )
    options = parser.parse_args()
    paths = options.gold or [GOLD / "seeds.jsonl", GOLD / "heldout.jsonl"]
    every: list[ExportedArticle] = []
    for path in paths:
        records = list(read_jsonl(path))
        every += records
        replay_set(path.stem, records, CONDITIONS)
    pool, test = split_test(every, options.test)
    name = f"h{options.test[0]}-h{options.test[1]}"
    if not test:
        print(f"with rules + model: not measured (no gold record has an id in {name})")
        return
    model = None
    if not options.no_model:
        try:
            model, said = trained_model(pool, test, options.minutes, name, options.threshold)
        except TrainError as error:
            print(f"with rules + model: not measured ({error})")
        else:
            print("\n".join(said))
    conditions: tuple[Condition, ...] = (*CONDITIONS, "both") if model else CONDITIONS
    replay_set(name, test, conditions, model)


if __name__ == "__main__":
    main()
