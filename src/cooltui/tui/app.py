"""The review app: article list, reader and sidebar, the face of a Session.

The app turns keys into calls of its Session (cooltui.session: what an action means, the open
article, saving, undo, the counts), and what they return into widget updates; widgets post
messages up and get data down, and only the session talks to the store. Edits are pure functions
(cooltui.edits) on the open article's Annotation.
"""

from __future__ import annotations

import gc
import re
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, Static

from cooltui.corpus import Article, Corpus
from cooltui.edits import (
    EditRefused,
    label_range,
    move_edge,
    relabel,
    remove,
    toggle_value,
)
from cooltui.errors import CoolError, UsageError
from cooltui.keys import ACTIONS, FIELD_ACTIONS, OPENERS, keymap
from cooltui.lazy_suggester import LazySuggester
from cooltui.model import MANUAL, Annotation, Span, Status
from cooltui.query import QUERY_HELP
from cooltui.session import Edit, Restored, ReviewItem, Session, SessionRefused, shown_path
from cooltui.settings import Settings
from cooltui.store import SaveState, Store, StoreError, StoreNotWritable
from cooltui.text import printable, truncate
from cooltui.tui.article_list import ArticleList, ListFilter
from cooltui.tui.bindings import (
    add_scheme_bindings,
    bindings_for,
    footer_items,
    help_rows,
    live_keys,
    palette_commands,
)
from cooltui.tui.key_bar import KeyBar
from cooltui.tui.reader import ArticleHeading, Reader, ReviewWarning
from cooltui.tui.sidebar import Sidebar

if TYPE_CHECKING:
    from cooltui.learn.loop import ModelEvent, ModelLoop
    from cooltui.team.walk import ConsistencyWalk
    from cooltui.tui.pickers import ValuePicker

GC_AFTER_PAUSE = 1.0
GC_AT_MOST_EVERY = 10.0
GC_AT_LEAST_EVERY = 60.0
"""Python's full garbage collections take 100-200 ms at 100,000 articles: instead of letting
them fall on a key press, the app runs them when the user pauses, at most every 10 s, and at
least once a minute, and freezes what survives, so that the next one (20-40 ms) looks only at
newer objects. Reference counting frees everything else as it goes."""

NARROW_BELOW = 100
"""Columns under which the list is hidden and the sidebar slims (see app.tcss)."""

SAVING_SHOWN_AFTER = 0.3
"""Seconds a save may run before the footer says "saving…"."""

CLOCK_AT_MOST_EVERY = 60.0
CLOCK_CATCHES_UP_AFTER = 1.0
"""While saves keep coming, the time in "saved 14:03:07" moves at most once a minute, and shows
the last save's time once they have stopped for a second: moving it on each save cost a frame
of its own for every key (the save ends after the key's frame), and a write to the terminal."""

REVIEW_REACH = 300
"""Characters either way from a span waiting for review, chosen with tab, within which its
label's key still places it (inside its paragraph)."""

SessionOpener = Callable[[Callable[[SaveState], None]], Session]
SessionFactory = Callable[..., Session]
"""Makes the app's session from (corpus, store, suggester, **options): Session or a subclass."""
"""Opens the app's session, its store telling the given callback how saving stands."""


class Row(Horizontal):
    """A row that only places its children. BLANK: it has nothing of its own to draw, so the
    compositor, which asks every widget under a changed region for its lines on every frame,
    gets blank lines at once instead of the cached lines of a styled widget."""

    BLANK = True


class Column(Vertical):
    """A column that only places its children (see Row)."""

    BLANK = True


class MainScreen(Screen[None]):
    """The app's screen: its bars and columns cover it whole, so it has nothing of its own to
    draw either (see Row); Textual asks it for its lines on every frame."""

    BLANK = True


class SaveStatus(Static):
    """The store's save state, bottom right: it stays red until the data is on disk.

    "saving…" shows only for a save still running after SAVING_SHOWN_AFTER: saves take a few
    milliseconds, and flashing it on every key would cost two repaints a key for nothing. The
    time of the last save catches up as CLOCK_AT_MOST_EVERY says; a change of state (saving,
    failed, saved again) shows at once.
    """

    DEFAULT_CSS = """
    SaveStatus { width: auto; padding: 0 1; }
    SaveStatus.-failed { background: $error; color: $text; text-style: bold; }
    SaveStatus.-saving { color: $text-muted; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._saving_timer: Timer | None = None
        self._clock_timer: Timer | None = None
        self._clock_moved = 0.0
        """When the time shown last moved (monotonic)."""
        self._latest: tuple[SaveState | None, bool] = (None, False)
        """The state a pending catch-up will show."""

    def show(self, state: SaveState | None, read_only: bool) -> None:
        if state is not None and state.kind == "saving" and not read_only:
            if self._saving_timer is None and not self.has_class("-failed"):
                self._saving_timer = self.set_timer(
                    SAVING_SHOWN_AFTER, lambda: self._paint(state, read_only)
                )
            return
        self._paint(state, read_only)

    def _paint(self, state: SaveState | None, read_only: bool) -> None:
        if self._saving_timer is not None:
            self._saving_timer.stop()
            self._saving_timer = None
        kind = "read-only" if read_only else state.kind if state is not None else "saved"
        self.set_class(kind == "failed", "-failed")
        self.set_class(kind == "saving", "-saving")
        if read_only:
            text = "read-only"
        elif state is None:
            text = "all saved"  # nothing saved yet this session, and nothing waiting
        elif state.kind == "failed":
            text = printable(f"NOT SAVED: {state.error or 'error'}, retrying")
        elif state.kind == "saving":
            text = "saving…".ljust(14)  # as wide as "saved 14:03:07": no re-layout
        else:
            text = f"saved {time.strftime('%H:%M:%S', time.localtime(state.at))}"
        shown = str(self.content)
        moves_clock = text.startswith("saved ") and shown.startswith("saved ")
        if moves_clock and time.monotonic() - self._clock_moved < CLOCK_AT_MOST_EVERY:
            self._catch_up_later(state, read_only)
            return
        if self._clock_timer is not None:
            self._clock_timer.stop()
            self._clock_timer = None
        if text == shown:
            return
        if text.startswith("saved "):
            self._clock_moved = time.monotonic()
        # Only a change of width needs a layout pass, which costs a whole-screen repaint.
        self.update(Content(text), layout=len(text) != len(shown))

    def _catch_up_later(self, state: SaveState | None, read_only: bool) -> None:
        """Show this save's time once no other save has come for CLOCK_CATCHES_UP_AFTER."""
        self._latest = (state, read_only)
        if self._clock_timer is None:
            self._clock_timer = self.set_timer(CLOCK_CATCHES_UP_AFTER, self._catch_up)
        else:
            self._clock_timer.reset()

    def _catch_up(self) -> None:
        self._clock_timer = None
        self._clock_moved = 0.0
        self._paint(*self._latest)


class TopBar(Static):
    """Who is annotating, progress, and pace this session."""

    DEFAULT_CSS = """
    TopBar { height: 1; width: 1fr; background: $panel; padding: 0 1; }
    TopBar.-read-only { background: $warning 40%; }
    """


class CoolApp(App[None]):
    """cooltui's review app."""

    CSS_PATH = "app.tcss"
    TITLE = "cooltui"
    ENABLE_COMMAND_PALETTE = True

    # The command palette's binding is among them, so Textual adds no other: a scheme can remap it.
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("app")  # see cooltui.keys

    class StoreState(Message):
        """The store's writer thread reports a save state."""

        def __init__(self, state: SaveState) -> None:
            super().__init__()
            self.state = state

    def __init__(
        self,
        open_session: SessionOpener,
        make_learning: Callable[[], ModelLoop | None] | None = None,
    ) -> None:
        super().__init__()
        self._make_learning = make_learning
        """Makes the annotator's model loop, after the first paint (its classes cost ~15 ms)."""
        # Opened here, before run(), so that a store that cannot open fails as a one-line error.
        self.session = open_session(self.post_message_from_store)
        self.scheme = scheme = self.session.scheme
        self.focused_span: Span | None = None
        """The span tab chose: the target of span keys until the cursor leaves it."""
        self.focused_review: ReviewItem | None = None
        """The span waiting for review tab chose: the target of enter, x and its label's key
        while the cursor stays in its paragraph."""
        self._last_key = self._last_collect = time.monotonic()
        self._gc_was_enabled = True
        self._find_from = 0
        self._walk: ConsistencyWalk | None = None
        """The consistency queue walked with K, made on its first press."""
        self._started = False
        """Whether _after_first_paint has run."""
        add_scheme_bindings(self, scheme)

    class ModelNews(Message):
        """The annotator's model told something, from one of its threads: a prediction came
        (several in a burst replace each other), or a training ended."""

        def __init__(self, event: ModelEvent) -> None:
            super().__init__()
            self.event = event

        def can_replace(self, message: Message) -> bool:
            return (
                isinstance(message, CoolApp.ModelNews)
                and message.event.message is None
                and self.event.message is None
                and message.event.article_id == self.event.article_id
            )

    def post_message_from_store(self, state: SaveState) -> None:
        self.post_message(self.StoreState(state))

    def post_model_news(self, event: ModelEvent) -> None:
        self.post_message(self.ModelNews(event))

    @on(ModelNews)
    def _show_model_news(self, message: ModelNews) -> None:
        event = message.event
        if event.article_id is not None and self.session.model_arrived(event.article_id):
            self._refresh_views()
        if event.message is not None:
            severity = "error" if event.failed else "information"
            self.notify(Content(printable(event.message)), severity=severity, timeout=8)

    @property
    def store(self) -> Store:
        return self.session.store

    @property
    def article(self) -> Article | None:
        return self.session.article

    @property
    def annotation(self) -> Annotation | None:
        return self.session.annotation

    # Layout

    def compose(self) -> ComposeResult:
        # The list, its filter, the find field and the sidebar are mounted after the first
        # paint (_after_first_paint); until then the side columns are empty places as wide.
        groups = [group.name for group in self.scheme.groups]
        self._list_filter = ListFilter(groups, input_id="filter")
        self._list = ArticleList(id="articles")
        self._find_field = Input(
            placeholder="find in the article: Enter selects, Esc closes", id="find"
        )
        self._sidebar = Sidebar(self.scheme, id="sidebar")
        self._sidebar.letters = self.session.reviewers()
        self._sidebar_place = Column(id="sidebar-place")
        yield TopBar(id="top")
        with Row(id="main"):
            yield Vertical(id="list-column")
            with Column(id="centre"):
                yield ArticleHeading(id="heading")
                yield ReviewWarning(id="review-warning")
                yield Reader(self.scheme, id="reader")
            yield self._sidebar_place
        with Row(id="bottom"):
            yield KeyBar(id="footer")
            yield SaveStatus(id="save-status")

    def get_default_screen(self) -> Screen[None]:
        return MainScreen(id="_default")

    def on_mount(self) -> None:
        if self.size.width < NARROW_BELOW:
            # No room for three columns: the list starts hidden (B or / shows it).
            self.query_one("#list-column").display = False
        self.screen.set_class(self.size.width < NARROW_BELOW, "-narrow")
        self.set_keymap(keymap(self.scheme.app_keys))  # the scheme's [keys] table
        live = live_keys(self, self.scheme)
        self.keys_shown = {action.id: live[action.binding_id][0] for action in ACTIONS}
        """Each action's first key as the footer shows it, by id, for messages that name keys."""
        self.query_one(KeyBar).set_keys(footer_items(self, self.scheme))
        self._find_field.display = False
        self.save_status.show(None, self.store.read_only)
        if self.session.new_store:  # once: starting elsewhere must not look like lost work
            store = shown_path(self.store.path)
            self.notify(Content(printable(f"new store: {store}")), timeout=8)
        notice = self.session.assignment_notice()
        if notice is not None and not self.session.reviewers():  # a review's store is no one's
            self.notify(Content(printable(notice)), timeout=8)
        first = self.session.first_article()
        if first is not None:
            self.open_article(first, suggest=False)  # the text first: see _after_first_paint
        self._focus(self.reader)
        self.call_after_refresh(self._after_first_paint)

    async def on_event(self, event: events.Event) -> None:
        # A key or a click that comes before the first paint is out (typed ahead) finds the
        # app whole: what the first frame did without is done first.
        if not self._started and isinstance(event, (events.Key, events.MouseEvent)):
            await self._after_first_paint()
        await super().on_event(event)

    async def _after_first_paint(self) -> None:
        """What the first frame does without: the list and its rows (100,000 take a second),
        the find field, the sidebar, the open article's suggestions (their rules' import alone
        takes ~100 ms), and the garbage collector's settings. Right after the first paint, or
        before the first key."""
        if self._started:
            return
        self._started = True
        await self.query_one("#list-column").mount(self._list_filter, self._list)
        await self.query_one("#centre").mount(self._find_field)
        await self._sidebar_place.remove()
        await self.query_one("#main").mount(self._sidebar)
        self.query_one("#filter").display = False
        self.articles.set_rows([self.session.row(article) for article in self.session.corpus])
        if self.article is not None:
            self.articles.set_current(self.article.id)
            self.session.suggest()
            self._refresh_views()
        learning = self._make_learning() if self._make_learning is not None else None
        self.session.start_learning(self.post_model_news, learning)
        # The corpus and its rows live as long as the app: keep them out of the garbage
        # collector's full passes, which otherwise stall keys for ~100 ms at 100k articles.
        gc.freeze()
        self._gc_was_enabled = gc.isenabled()
        gc.disable()
        self.set_interval(GC_AFTER_PAUSE, self._collect_garbage)

    def on_key(self) -> None:
        self._last_key = time.monotonic()

    def _collect_garbage(self) -> None:
        """A full garbage collection when the user pauses (see GC_AFTER_PAUSE)."""
        now = time.monotonic()
        since = now - self._last_collect
        paused = now - self._last_key >= GC_AFTER_PAUSE
        if (paused and since >= GC_AT_MOST_EVERY) or since >= GC_AT_LEAST_EVERY:
            gc.collect()
            # What survives is mostly caches that live on (drawn lines, parsed shards): out of
            # the next collection's way, which then looks only at what is new since this one.
            gc.freeze()
            self._last_collect = time.monotonic()

    def on_unmount(self) -> None:
        if self._gc_was_enabled:
            gc.enable()
        self.session.stop_learning()

    def on_resize(self, event: events.Resize) -> None:
        narrow = event.size.width < NARROW_BELOW  # self.size is still the old one here
        if narrow != self.screen.has_class("-narrow"):
            # Crossing into narrow hides the list, as at launch; crossing back shows it.
            self.query_one("#list-column").display = not narrow
        self.screen.set_class(narrow, "-narrow")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The openers and closers belong to the main screen; over help or a picker, its own
        # keys apply. Enter is the fields' only; elsewhere it accepts a suggestion.
        if action in FIELD_ACTIONS:
            return self.focused is not None and self.focused.id in ("find", "filter")
        if action == "take_annotator" and not self.session.reviewers():
            return False  # a review's only
        return action not in OPENERS or self.screen is self.screen_stack[0]

    def _focus(self, widget: Widget) -> None:
        """Focus `widget` now: Widget.focus() waits its turn in the queue, and the keys after an
        opener (see cooltui.keys.Priority) would go to the old focus."""
        self.screen.set_focus(widget)

    @property
    def reader(self) -> Reader:
        return self.query_one(Reader)

    @property
    def articles(self) -> ArticleList:
        return self._list

    @property
    def sidebar(self) -> Sidebar:
        return self._sidebar

    @property
    def save_status(self) -> SaveStatus:
        return self.query_one(SaveStatus)

    # Articles

    def open_article(self, article_id: str, *, suggest: bool = True) -> None:
        try:
            opened = self.session.open(article_id, suggest=suggest)
        except CoolError as error:  # an unreadable text, a damaged shard: said, nothing changed
            self._warn(error, severity="error", timeout=10)
            return
        if opened is None:
            return
        self.focused_span = None
        self.focused_review = None
        self.query_one(ArticleHeading).show(opened.article, opened.note)
        self.reader.show_article(opened.text, opened.tokens, opened.annotation.spans)
        self._show_row(article_id)  # re-anchoring can change its status and mark
        self._refresh_views()
        self.articles.set_current(article_id)

    def _refresh_views(self) -> None:
        annotation = self.annotation
        spans = annotation.spans if annotation else ()
        offered = self.session.offered()
        review = self.session.review_items()
        proposals = [item.proposed for item in review if item.proposed is not None]
        self.reader.set_spans(spans, offered, proposals, self.session.suggestion_notes())
        self.sidebar.show(
            annotation, self.session.suggested_values(), offered, review, self.session.value_marks()
        )
        self.query_one(ReviewWarning).show(len(review), self.keys_shown)
        self._refresh_top()

    def _refresh_top(self) -> None:
        counts = self.session.counts()
        pace = f"{counts.per_hour:.0f}/h" if counts.per_hour is not None else "–/h"
        parts = [
            f"cooltui · {self.store.annotator}",
            f"{counts.done} of {counts.total} done",
            f"{pace} this session",
            self.session.where,
        ]
        if counts.disagreements is not None:
            left, total = counts.disagreements
            parts[0] = f"cooltui review · {self.store.annotator}"
            parts.insert(2, f"{left} of {total} disagreements left")
        top = self.query_one(TopBar)
        top.set_class(self.store.read_only, "-read-only")
        if self.store.read_only:
            parts.append(f"READ-ONLY: {self.session.read_only_reason}")
        text = printable(" · ".join(parts))  # the reason can name a file and another's host
        if text != str(top.content):
            top.update(Content(text), layout=False)

    def _open_neighbour(self, step: int) -> None:
        following = self.session.neighbour(step)
        if following is None:
            self.notify("no more articles that way", timeout=2)
        else:
            self.open_article(following)

    def _show_row(self, article_id: str) -> None:
        article = self.session.corpus.get(article_id)
        if article is not None:
            self.articles.update_row(self.session.row(article))

    def _warn(self, error: Exception, **options: Any) -> None:
        """A refusal or failure in one line (its message can name ids and files as given)."""
        options.setdefault("severity", "warning")
        self.notify(Content(printable(str(error))), **options)

    @on(StoreState)
    def _show_store_state(self, message: StoreState) -> None:
        self.save_status.show(message.state, self.store.read_only)

    # Saving: every change goes through the session, which refuses it with a message

    def _edit(self, make: Edit) -> bool:
        """Make an edit through the session; False (and a warning) when it is refused."""
        try:
            focus = self.session.edit(make)
        except (EditRefused, SessionRefused) as error:
            self._warn(error, timeout=4)
            return False
        self._edited(focus)
        return True

    def _edited(self, focus: Span | None = None) -> None:
        """Show what an edit of the open article made."""
        self.focused_span = focus
        self.focused_review = None
        if self.annotation is not None:
            self._show_row(self.annotation.article_id)
        self._refresh_views()

    def _target_span(self) -> Span | None:
        """The span an action works on: the one tab selected, else the one under the cursor."""
        focused, annotation = self.focused_span, self.annotation
        if focused is not None and annotation is not None and focused in annotation.spans:
            return focused
        return self.reader.span_at(self.reader.cursor_offset)

    def action_label(self, label: str) -> None:
        if self.article is None:
            return
        text = self.article.text
        start, end = self.reader.selected_range
        # Its label's key places the span waiting for review that tab chose, on the selection.
        review = self.focused_review or self._review_here()
        if review is not None and label == review.entry.label:
            self._place_review(review, label)
            return
        if start == end:
            span = self._target_span()
            if span is not None:
                self._edit(lambda a: relabel(a, span, label, self.scheme))
                return
            source = MANUAL
            suggestion = self._suggestion_here()
            if suggestion is not None:  # the suggested stretch, with the label pressed
                start, end = suggestion.start, suggestion.end
                source = suggestion.source if suggestion.label == label else source
            else:
                index = self.reader.tokens.token_at(start)
                if index is None:
                    self.notify("put the cursor on a word or select some text first", timeout=3)
                    return
                start, end = self.reader.tokens.starts[index], self.reader.tokens.ends[index]
            self._edit(lambda a: label_range(a, text, start, end, label, self.scheme, source))
            self.reader.collapse_selection()
            return
        # A suggestion selected whole (as . and , select it) keeps its rule as the source.
        suggestion = self._suggestion_here()
        whole = suggestion is not None and (suggestion.start, suggestion.end) == (start, end)
        source = suggestion.source if whole and suggestion.label == label else MANUAL
        self._edit(lambda a: label_range(a, text, start, end, label, self.scheme, source))
        self.reader.collapse_selection()

    def action_remove_span(self) -> None:
        review = self._review_here()
        if review is not None and review is self.focused_review:
            self._resolve_review(lambda: self.session.drop_review(review.entry), "dropped")
            return
        span = self._target_span()
        if span is not None:
            if self._edit(lambda a: (remove(a, span), None)) and self.session.back_on_offer(span):
                key = self.keys_shown["remove_span"]
                said = f"{span.label} '{truncate(span.text, 30, flatten=True)}'"
                self.notify(
                    Content(printable(f"{said} is a suggestion again: {key} again rejects it")),
                    timeout=4,
                )
            return
        suggestion = self._suggestion_here()
        if suggestion is None and review is not None:  # its proposed place, reached by hand
            self._resolve_review(lambda: self.session.drop_review(review.entry), "dropped")
            return
        if suggestion is None:
            self.notify("no span or suggestion here to remove", timeout=2)
            return
        # Remembered with the annotation, so that the rule does not offer it again.
        if self._edit(lambda a: (a.reject(suggestion), None)):
            self._step_suggestion(1, past=suggestion)

    # Suggestions

    def _suggestion_here(self) -> Span | None:
        """The suggestion on offer at the selection's start, else under the cursor (the reader
        shows just those on offer)."""
        return self.reader.suggestion_at(self.reader.target_offset)

    def action_accept_suggestion(self) -> None:
        review = self._review_here()
        suggestion = self._suggestion_here()
        if review is not None and (review is self.focused_review or suggestion is None):
            self._place_review(review, review.entry.label)
            return
        if suggestion is None or self.article is None:
            self.notify("no suggestion under the cursor", timeout=2)
            return
        text = self.article.text
        accepted = self._edit(
            lambda a: label_range(
                a,
                text,
                suggestion.start,
                suggestion.end,
                suggestion.label,
                self.scheme,
                source=suggestion.source,
            )
        )
        if accepted:
            self._step_suggestion(1, past=suggestion)

    def action_accept_all_suggestions(self) -> None:
        try:
            spans, values = self.session.accept_all()  # one edit: one undo takes all back
        except (EditRefused, SessionRefused) as error:
            self._warn(error, timeout=4)
            return
        if not spans and not values:
            self.notify("no suggestions to accept", timeout=2)
            return
        self._edited()
        taken = [f"{spans} suggestion{'s' if spans != 1 else ''}"] if spans else []
        if values:
            taken.append(f"{values} suggested value{'s' if values != 1 else ''}")
        self.notify(f"accepted {' and '.join(taken)}", timeout=2)

    def action_next_suggestion(self) -> None:
        self._step_suggestion(1)

    def action_previous_suggestion(self) -> None:
        self._step_suggestion(-1)

    def _step_suggestion(self, step: int, past: Span | None = None) -> None:
        """Select the next (or previous) suggestion on offer, from `past` (one just answered)
        or from the one selected, else from the cursor."""
        here = self._suggestion_here()
        selected = here is not None and self.reader.selected_range == (here.start, here.end)
        current = past or (here if selected else None)
        found = self.session.suggestion_from(self.reader.target_offset, step, current)
        if found is not None:
            self.focused_span = self.focused_review = None
            self.reader.select_range(found.start, found.end)
        elif past is None:
            hidden = not self.session.suggestions_shown
            key = self.keys_shown["toggle_suggestions"]
            self.notify(
                f"suggestions are hidden: {key} shows them"
                if hidden
                else "no suggestions on offer in this article",
                timeout=2,
            )

    def action_toggle_suggestions(self) -> None:
        said = self.session.step_suggestions()
        self._refresh_views()
        self.notify(said, timeout=2)

    def action_next_span(self) -> None:
        self._jump_span(1)

    def action_previous_span(self) -> None:
        self._jump_span(-1)

    def _jump_span(self, step: int) -> None:
        """Tab's walk over the spans and the spans waiting for review, in text order."""
        spans = self.annotation.spans if self.annotation else ()
        review = self.session.review_items()
        targets: list[tuple[int, Span | ReviewItem]] = [(span.start, span) for span in spans]
        targets += [(item.at, item) for item in review]
        if not targets:
            self.notify("no spans in this article yet", timeout=2)
            return
        targets.sort(key=lambda target: target[0])  # stable: a span before a review at a place
        focused = self.focused_review or (
            self._target_span() if self.focused_span is not None else None
        )
        at = next((n for n, (_, t) in enumerate(targets) if t is focused), None)
        if at is not None:  # from the one tab chose: the one after it
            target = targets[(at + step) % len(targets)][1]
        else:  # from the cursor: one starting right there is the next one
            cursor = self.reader.cursor_offset
            after = [t for start, t in targets if start >= cursor]
            before = [t for start, t in targets if start < cursor]
            # Past the last, tab wraps to the first; shift+tab past the first, to the last.
            everything = [t for _, t in targets]
            target = (after or everything)[0] if step > 0 else (before or everything)[-1]
        if isinstance(target, ReviewItem):
            self._focus_review(target)
        else:
            self._focus_span(target)

    def _focus_span(self, span: Span) -> None:
        self.reader.select_range(span.start, span.end)
        self.focused_span = span
        self.focused_review = None

    def _focus_review(self, item: ReviewItem) -> None:
        """Go to a span waiting for review: select its proposed place, else put the cursor where
        it was, and say what it was and which keys resolve it."""
        proposed = item.proposed
        if proposed is not None:
            self.reader.select_range(proposed.start, proposed.end)
        else:
            self.reader.move_to(min(item.entry.start, len(self.reader.text)))
        self.focused_span = None
        self.focused_review = item
        keys, entry = self.keys_shown, item.entry
        was = f"needs review: {entry.label} '{truncate(entry.text, 30, flatten=True)}'"
        label_key = self.scheme.label(entry.label)
        press = label_key.key if label_key is not None else "its label's key"
        if proposed is None:
            how = f"not found; select where it goes and press {press}"
        else:
            how = f"{keys['accept_suggestion']} puts it here, or select elsewhere and press {press}"
        self.notify(Content(printable(f"{was}: {how}; {keys['remove_span']} drops it")), timeout=6)

    def _review_here(self) -> ReviewItem | None:
        """The span waiting for review that enter and x act on: the one tab chose while the
        cursor stays at its place, else the one proposed under the cursor."""
        offset = self.reader.target_offset
        chosen = self.focused_review
        if chosen is not None:
            place = chosen.proposed
            start, end = (place.start, place.end) if place is not None else (chosen.at, chosen.at)
            if start <= offset <= end:
                return chosen
        proposal = self.reader.proposal_at(offset)
        if proposal is None:
            return None
        return next((i for i in self.session.review_items() if i.proposed is proposal), None)

    def _place_review(self, item: ReviewItem, label: str) -> None:
        start, end = self.reader.selected_range
        if start == end:
            if item.proposed is None:
                self.notify("select where it goes first, then press its label's key", timeout=3)
                return
            start, end = item.proposed.start, item.proposed.end
        self._resolve_review(
            lambda: self.session.place_review(item.entry, start, end, label), "placed"
        )

    def _resolve_review(self, resolve: Callable[[], object], done: str) -> None:
        """Place or drop a span waiting for review, then go to the next one waiting, if any."""
        try:
            resolve()
        except (EditRefused, SessionRefused) as error:
            self._warn(error, timeout=4)
            return
        self._edited()
        self.reader.collapse_selection()
        left = self.session.review_items()
        if left:
            self._focus_review(left[0])
            return
        status = self.annotation.status.value.replace("_", " ") if self.annotation else ""
        self.notify(f"{done}: nothing waits for review now; the article is {status}", timeout=4)

    @on(Reader.SelectionChanged)
    def _forget_focused_span(self) -> None:
        """A span chosen with tab stays the target of span keys until the cursor leaves it; a
        span waiting for review stays the target of its label's key until the selection leaves
        its paragraph, or goes farther than REVIEW_REACH from it (a text without line breaks)."""
        span = self.focused_span
        if span is not None and not span.start <= self.reader.cursor_offset <= span.end:
            self.focused_span = None
        review = self.focused_review
        if review is not None:
            text, at = self.reader.text, review.at
            paragraph_end = text.find("\n", at)
            first = max(text.rfind("\n", 0, at) + 1, at - REVIEW_REACH)
            last = min(len(text) if paragraph_end < 0 else paragraph_end, at + REVIEW_REACH)
            start, end = self.reader.selected_range
            if end < first or start > last:
                self.focused_review = None

    def action_move_edge(self, edge: str, step: int) -> None:
        span = self._target_span()
        if span is None or self.article is None:
            self.notify("tab to a span first, then move its start or end", timeout=3)
            return
        text, tokens = self.article.text, self.reader.tokens
        self._edit(lambda a: move_edge(a, text, tokens, span, edge, step, self.scheme))  # type: ignore[arg-type]
        if self.focused_span is not None:
            self.reader.select_range(self.focused_span.start, self.focused_span.end)

    def action_char_mode(self) -> None:
        self.reader.snap = not self.reader.snap
        mode = "token" if self.reader.snap else "character"
        self.notify(f"{mode} selection", timeout=2)

    # Document labels and status

    def action_toggle_value(self, group: str, value: str) -> None:
        self._edit(lambda a: (toggle_value(a, self.scheme, group, value), self.focused_span))

    @on(Sidebar.ValueToggled)
    def _sidebar_toggle(self, message: Sidebar.ValueToggled) -> None:
        self.action_toggle_value(message.group, message.value)

    @on(Sidebar.SpanChosen)
    def _sidebar_span(self, message: Sidebar.SpanChosen) -> None:
        self._focus_span(message.span)
        self._focus(self.reader)

    @on(Sidebar.ReviewChosen)
    def _sidebar_review(self, message: Sidebar.ReviewChosen) -> None:
        self._focus_review(message.item)
        self._focus(self.reader)

    def action_pick_labels(self) -> None:
        if self.annotation is not None:
            suggested = self.session.suggested_values()
            from cooltui.tui.pickers import ValuePicker

            self.push_screen(ValuePicker(self.scheme, self.annotation, suggested))

    # The consistency queue (cooltui check), walked

    def action_consistency_next(self) -> None:
        if self._walk is None:
            self.notify("looking for texts labelled elsewhere and not here…", timeout=3)
            self._make_walk()
            return
        self._go_to_stop()

    @work(thread=True, exclusive=True, group="consistency")
    def _make_walk(self) -> None:
        # The whole corpus is read: off the event loop, as the list's body search is.
        from cooltui.team.walk import ConsistencyWalk

        try:
            walk = ConsistencyWalk(self.session)
        except CoolError as error:
            self.call_from_thread(self._warn, error)
            return
        self.call_from_thread(self._walk_made, walk)

    def _walk_made(self, walk: ConsistencyWalk) -> None:
        self._walk = walk
        self._go_to_stop()

    def _go_to_stop(self) -> None:
        assert self._walk is not None
        stop = self._walk.next_stop()
        if stop is None:
            self.notify("no text labelled elsewhere is left unlabelled", timeout=4)
            return
        here = stop.occurrence
        if self.article is None or self.article.id != here.article_id:
            self.open_article(here.article_id)
        self.reader.select_range(here.start, here.end)
        self.notify(Content(printable(stop.said)), timeout=8)

    def action_consistency_label_all(self) -> None:
        if self._walk is None or self._walk.stop is None:
            self.notify("K first: it goes to a text labelled elsewhere", timeout=3)
            return
        text, label = self._walk.stop.item.text, self._walk.stop.item.label
        try:
            count = self._walk.label_everywhere()
        except SessionRefused as error:
            self._warn(error)
            return
        self._edited()
        said = f"labelled {count} more {text!r} {label}: u undoes all of them"
        self.notify(Content(printable(said)), timeout=5)

    def action_consistency_ignore(self) -> None:
        if self._walk is None or self._walk.stop is None:
            self.notify("K first: it goes to a text labelled elsewhere", timeout=3)
            return
        text = self._walk.ignore_current()
        said = f"{text!r} is ignored from now on (cooltui check --unignore brings it back)"
        self.notify(Content(printable(said)), timeout=4)

    def action_take_annotator(self) -> None:
        if self.annotation is None:
            return
        from cooltui.tui.pickers import AnnotatorPicker

        def take(name: str | None) -> None:
            if name is None:
                return
            try:
                self.session.take_whole(name)
            except SessionRefused as error:
                self._warn(error)
                return
            self._edited()
            self.notify(Content(printable(f"took {name}'s article: u undoes it")), timeout=3)

        self.push_screen(AnnotatorPicker(self.session.reviewers()), take)

    def on_value_picker_toggled(self, message: ValuePicker.Toggled) -> None:
        # A handler by name, not @on(ValuePicker.Toggled): the pickers are imported when used.
        from cooltui.tui.pickers import ValuePicker

        self.action_toggle_value(message.group, message.value)
        if isinstance(self.screen, ValuePicker) and self.annotation is not None:
            self.screen.show(self.annotation, self.session.suggested_values())

    def _finish(self, status: Status) -> None:
        try:
            following = self.session.finish(status)
        except SessionRefused as error:
            self._warn(error)
            return
        self._edited()
        if following is None:
            self.notify("every article is done or skipped", timeout=4)
            return
        self.open_article(following)

    def action_done(self) -> None:
        self._finish(Status.DONE)

    def action_skip(self) -> None:
        self._finish(Status.SKIPPED)

    def action_flag(self) -> None:
        try:
            flagged = self.session.toggle_flag()
        except SessionRefused as error:
            self._warn(error)
            return
        self._edited(self.focused_span)
        self.notify("flagged" if flagged else "unflagged", timeout=2)

    def action_next_article(self) -> None:
        self._open_neighbour(1)

    def action_previous_article(self) -> None:
        self._open_neighbour(-1)

    def action_next_unfinished(self) -> None:
        following = self.session.next_unfinished(after=self.article.id if self.article else None)
        if following is None:
            self.notify("every article is done or skipped", timeout=3)
        else:
            self.open_article(following)

    def action_edit_note(self) -> None:
        if self.annotation is None or self.article is None:
            return

        def keep(note: str | None) -> None:
            try:
                if note is not None and self.session.set_note(note):
                    self._edited(self.focused_span)
            except SessionRefused as error:
                self._warn(error)

        from cooltui.tui.pickers import NoteEditor

        self.push_screen(NoteEditor(self.annotation.note, self.article.title), keep)

    # Undo and redo, across articles

    def action_undo(self) -> None:
        self._history(self.session.undo, "nothing to undo")

    def action_redo(self) -> None:
        self._history(self.session.redo, "nothing to redo")

    def _history(self, step: Callable[[], Restored | None], nothing: str) -> None:
        try:
            restored = step()
        except SessionRefused as error:
            self._warn(error)
            return
        except StoreError as error:
            self._warn(error, severity="error")
            return
        if restored is None:
            self.notify(nothing, timeout=2)
            return
        self._show_row(restored.article_id)
        if restored.elsewhere:
            self.open_article(restored.article_id)
        else:
            self.focused_span = None
            self._refresh_views()
        self.notify(Content(printable(restored.said)), timeout=3)

    # The list and its filter

    @on(ArticleList.Selected)
    def _list_selected(self, message: ArticleList.Selected) -> None:
        self.open_article(message.article_id)
        self._focus(self.reader)

    def action_toggle_list(self) -> None:
        column = self.query_one("#list-column")
        column.display = not column.display
        if not column.display:
            self._focus(self.reader)

    def action_sidebar_next_part(self) -> None:
        part = self.sidebar.show_next_part()
        if part is None:
            self.notify("the sidebar shows all of itself already", timeout=2)

    def action_filter(self) -> None:
        column = self.query_one("#list-column")
        column.display = True
        field = self.query_one("#filter", Input)
        field.display = True
        self._focus(field)
        self.articles.prepare_filter()

    @on(ListFilter.Changed)
    def _filter_changed(self, message: ListFilter.Changed) -> None:
        self.articles.apply_filter(message.query, self.session.facts, self.session.body)

    # Finding text in the article

    def action_find(self) -> None:
        field = self.query_one("#find", Input)
        field.display = True
        self._focus(field)
        field.action_select_all()  # typing replaces the last query; Enter repeats it
        self._find_from = self.reader.cursor_offset

    @on(Input.Changed, "#find")
    def _find_as_typed(self, message: Input.Changed) -> None:
        self._find(message.value, self._find_from, quiet=True)

    def action_find_next(self) -> None:
        query = self.query_one("#find", Input).value
        if not query:
            self.action_find()
            return
        start, end = self.reader.selected_range
        self._find(query, end if end > start else self.reader.cursor_offset + 1)

    def _find(self, query: str, start: int, *, quiet: bool = False) -> None:
        """Select the next match of `query` from `start` (as whole tokens), wrapping around."""
        if not query.strip():
            return
        # A regex keeps offsets exact; lower() can change a text's length (İ -> i̇). With token
        # snapping, a match starts a word: "polsek" must not find the inside of "Kapolsek".
        word_start = r"(?<!\w)" if self.reader.snap else ""
        pattern = re.compile(word_start + re.escape(query), re.IGNORECASE)
        text = self.reader.text
        match = pattern.search(text, min(start, len(text))) or pattern.search(text)
        if match is None:
            if not quiet:
                self.notify(Content(printable(f"not found: {query}")), timeout=2)
            return
        begin, end = match.span()
        if self.reader.snap:
            begin, end = self.reader.tokens.snap(begin, end)
        self.reader.select_range(begin, end)

    def action_submit_field(self) -> None:
        """Enter in the find field selects the match and goes back to the reader; in the
        filter, it goes to the list."""
        field = self.focused
        if field is not None and field.id == "find":
            field.display = False
            self._focus(self.reader)
        elif field is not None and field.id == "filter":
            self._focus(self.articles)

    def action_focus_reader(self) -> None:
        for field in self.query(Input):
            if field.has_focus and (field.id == "find" or not field.value):
                field.display = False
        self._focus(self.reader)

    # Help, palette, quitting

    def action_help(self) -> None:
        from cooltui.tui.help import HelpScreen

        self.push_screen(HelpScreen(self.scheme, help_rows(self, self.scheme), QUERY_HELP))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield from palette_commands(self, self.scheme)

    async def action_quit(self) -> None:
        """Quit once everything is on disk; with the disk full, stay and say so."""
        try:
            self.store.close()
        except CoolError as error:
            message = printable(f"NOT SAVED, not quitting: {error}")
            self.notify(Content(message), severity="error", timeout=15)
            return
        self.exit()


def build_app(
    settings: Settings,
    *,
    read_only: bool = False,
    patterns: Sequence[Path] = (),
    corpus: Corpus | None = None,
    make_session: SessionFactory = Session,
    retrain_every: int | None = None,
) -> CoolApp:
    """The app on the settings' corpus (or `corpus`), scheme and store, as `cooltui` starts it;
    `make_session` makes its session (a review's: cooltui.team.review.ReviewSession).

    When the annotator's store cannot be written (another cooltui holds it, a read-only file
    system, no permission), this one opens it read-only and says why.
    """
    # Made when the first article's suggestions are found, after the first paint (a bad
    # pattern file fails here all the same).
    suggester = LazySuggester(settings.load_scheme(), patterns)
    # A review's store is no one's own work: it trains no model. The loop is made after the
    # first paint; a --retrain-every that cannot be followed is refused now.
    make_learning = None
    if make_session is Session and spacy_installed(retrain_every):
        make_learning = partial(model_loop, settings, retrain_every, read_only)
    articles = corpus if corpus is not None else settings.load_corpus()

    def open_session(on_state: Callable[[SaveState], None]) -> Session:
        reason = "opened with --read-only" if read_only else None
        new_store = not read_only and not (settings.store_dir / settings.annotator).exists()
        try:
            store = Store.open(
                settings.store_dir, settings.annotator, read_only=read_only, on_state=on_state
            )
        except StoreNotWritable as error:
            reason = error.reason
            store = Store.open(
                settings.store_dir, settings.annotator, read_only=True, on_state=on_state
            )
        return make_session(
            articles,
            store,
            suggester,
            read_only_reason=reason,
            corpus_paths=settings.corpus_paths,
            new_store=new_store,
        )

    return CoolApp(open_session, make_learning)


def spacy_installed(retrain_every: int | None) -> bool:
    """Whether spaCy is there to train and run a model; UsageError when `retrain_every` asks
    for retraining without it."""
    from importlib.util import find_spec

    if find_spec("spacy") is not None:
        return True
    if retrain_every:
        raise UsageError(
            "--retrain-every needs spaCy, which is not installed; install it with "
            "pip install 'cooltui[spacy]'"
        )
    return False


def model_loop(settings: Settings, every: int | None, read_only: bool) -> ModelLoop | None:
    """The annotator's model in the loop, when spaCy is installed: retrained every `every` done
    articles (None: DEFAULT_EVERY; 0, or a read-only store: never, a model there still used)."""
    if not spacy_installed(every):
        return None
    from cooltui.learn.layout import model_folder
    from cooltui.learn.loop import DEFAULT_EVERY, TRAIN_MINUTES, ModelLoop

    command = [
        sys.executable,
        "-m",
        "cooltui.learn.worker",
        "train",
        *settings.command_line(),
        "--minutes",
        str(TRAIN_MINUTES),
    ]
    every = DEFAULT_EVERY if every is None else every
    folder = model_folder(settings.store_dir, [settings.annotator])
    return ModelLoop(folder, command, 0 if read_only else every)


def run(
    settings: Settings,
    *,
    read_only: bool = False,
    patterns: Sequence[Path] = (),
    corpus: Corpus | None = None,
    make_session: SessionFactory = Session,
    retrain_every: int | None = None,
) -> int:
    """Launch the app in this terminal; the store is closed (flushed) however the app ends."""
    app = build_app(
        settings,
        read_only=read_only,
        patterns=patterns,
        corpus=corpus,
        make_session=make_session,
        retrain_every=retrain_every,
    )
    try:
        app.run()
    finally:
        app.store.close()
    return app.return_code or 0
