"""The review app: article list, reader and sidebar; every edit saved through the store.

The app is the only part of the UI that talks to the store: widgets post messages up and get
data down. Edits are pure functions (cooltui.edits) on the open article's Annotation; the app
saves each result, and the store writes it off the UI thread.
"""

from __future__ import annotations

import gc
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual import events, on
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingsMap
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, Static

from cooltui.corpus import Article, Corpus, CorpusError
from cooltui.edits import (
    EditRefused,
    Offer,
    label_range,
    move_edge,
    relabel,
    remove,
    toggle_value,
)
from cooltui.errors import CoolError
from cooltui.meta import shorten
from cooltui.model import MANUAL, Annotation, Span, Status
from cooltui.query import QUERY_HELP, ArticleFacts, ListRow, QueryError, parse_query
from cooltui.scheme import DEFAULT_APP_KEYS, Scheme
from cooltui.settings import Settings
from cooltui.store import SaveState, Store, StoreError, StoreNotWritable
from cooltui.suggest import Dateline, Suggester, Suggestions
from cooltui.text import ID_WIDTH, printable
from cooltui.tui.article_list import ArticleList
from cooltui.tui.help import HelpScreen
from cooltui.tui.key_bar import KeyBar, KeyItem
from cooltui.tui.pickers import NoteEditor, ValuePicker
from cooltui.tui.reader import ArticleHeading, Reader
from cooltui.tui.sidebar import Sidebar

IDLE_SECONDS = 300
"""A pause longer than this between two edits is not counted as time spent on the article."""

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

StoreOpener = Callable[[Callable[[SaveState], None]], Store]


@dataclass(frozen=True)
class _Action:
    """An app binding: its id (the scheme's [keys] name), action, description, help section,
    its short name in the footer (empty: not in the footer), and whether it opens a field or a
    screen (see _PRIORITY_ACTIONS)."""

    id: str
    action: str
    description: str
    section: str
    footer: str = ""
    opens: bool = False


# The reader binds next_span and previous_span itself; they are listed here for help and palette.
_READER_ACTIONS = frozenset({"next_span", "previous_span"})

_ACTIONS: tuple[_Action, ...] = (
    _Action("done", "done", "Done, next", "Article", footer="done"),
    _Action("skip", "skip", "Skip", "Article", footer="skip"),
    _Action("flag", "flag", "Flag", "Article"),
    _Action("next_article", "next_article", "Next article", "Article"),
    _Action("previous_article", "previous_article", "Previous article", "Article"),
    _Action("next_unfinished", "next_unfinished", "Next unfinished", "Article"),
    _Action("edit_note", "edit_note", "Note", "Article", footer="note", opens=True),
    _Action("undo", "undo", "Undo", "Article", footer="undo"),
    _Action("redo", "redo", "Redo", "Article"),
    _Action("remove_span", "remove_span", "Remove span (or reject a suggestion)", "Spans"),
    _Action("next_span", "next_span", "Next span", "Spans"),
    _Action("previous_span", "previous_span", "Previous span", "Spans"),
    _Action("span_start_left", "move_edge('start', -1)", "Span start ←", "Spans"),
    _Action("span_start_right", "move_edge('start', 1)", "Span start →", "Spans"),
    _Action("span_end_left", "move_edge('end', -1)", "Span end ←", "Spans"),
    _Action("span_end_right", "move_edge('end', 1)", "Span end →", "Spans"),
    _Action("char_mode", "char_mode", "Token/character selection", "Move and select"),
    _Action("find", "find", "Find in the article", "Move and select", footer="find", opens=True),
    _Action("find_next", "find_next", "Find the next match", "Move and select"),
    _Action("pick_labels", "pick_labels", "Pick themes, activity", "Themes", opens=True),
    _Action("accept_suggestion", "accept_suggestion", "Accept the suggestion", "Suggestions"),
    _Action("accept_all_suggestions", "accept_all_suggestions", "Accept all", "Suggestions"),
    _Action("toggle_suggestions", "toggle_suggestions", "Show/hide suggestions", "Suggestions"),
    _Action("toggle_list", "toggle_list", "Show/hide the list", "App"),
    _Action("filter", "filter", "Filter the list", "App", footer="filter", opens=True),
    _Action("help", "help", "Help", "App", footer="help", opens=True),
    _Action("quit", "quit", "Quit", "App", footer="quit"),
)

_PRIORITY_ACTIONS = frozenset(
    [action.action for action in _ACTIONS if action.opens] + ["focus_reader", "submit_field"]
)
"""Actions that move the keyboard to a field or a screen, or back, run as priority bindings on
the main screen: the app runs them as the key arrives, so that keys arriving in the same read
(over a slow link, say) go where the focus went. Otherwise the reader would take "minas" after
ctrl+f as m, i, n, a (done), s (skip). A field that types the key (the filter, the note) still
gets it: Textual leaves out priority keys the focused widget would type."""

_APP_HELP = (
    ("esc", "Back to the reader", "App"),
    ("ctrl+p", "Command palette: every action", "App"),
)


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

    BINDINGS: ClassVar[list[Binding]] = [
        Binding(
            DEFAULT_APP_KEYS[action.id],
            action.action,
            action.description,
            show=bool(action.footer),
            id=f"app.{action.id}",
            priority=action.opens,
        )
        for action in _ACTIONS
        if action.id not in _READER_ACTIONS
    ] + [
        # Priority (see _PRIORITY_ACTIONS): the keys after them go back to the reader.
        Binding(
            "escape", "focus_reader", "Reader", show=False, id="app.focus_reader", priority=True
        ),
        Binding("enter", "submit_field", "Done", show=False, id="app.submit_field", priority=True),
    ]

    class StoreState(Message):
        """The store's writer thread reports a save state."""

        def __init__(self, state: SaveState) -> None:
            super().__init__()
            self.state = state

    def __init__(
        self,
        corpus: Corpus,
        scheme: Scheme,
        open_store: StoreOpener,
        suggester: Suggester | None = None,
    ) -> None:
        super().__init__()
        self.corpus = corpus
        self.scheme = scheme
        self.suggester = suggester or Suggester(scheme)
        self.suggestions = Suggestions((), ())
        """What the rules suggest for the open article, whatever has been made or rejected."""
        self.show_suggestions = True
        self._offer = Offer(self.suggestions.spans)
        """What of the suggestions is on offer, kept up to date edit by edit."""
        # Opened here, before run(), so that a store that cannot open fails as a one-line error.
        self.store = open_store(self.post_message_from_store)
        self.read_only_reason: str | None = None
        self.article: Article | None = None
        self.annotation: Annotation | None = None
        self.focused_span: Span | None = None
        self._position = {article.id: index for index, article in enumerate(corpus)}
        self.statuses: dict[str, Status] = self.store.statuses()
        self._done = sum(1 for status in self.statuses.values() if status is Status.DONE)
        # Articles whose text changed since they were annotated: marked in the list.
        self.stale: set[str] = {
            article_id
            for article_id, sha in self.store.text_shas().items()
            if (article := corpus.get(article_id)) is not None and article.text_sha != sha
        }
        self._last_edit = time.monotonic()
        self._started = time.monotonic()
        self._last_key = self._last_collect = time.monotonic()
        self._gc_was_enabled = True
        self._done_this_session = 0
        self._find_from = 0
        self._add_scheme_bindings()
        # The scheme's [keys] table, as a Textual keymap (binding id: keys).
        self._remapped = {
            f"app.{binding}": keys
            for binding, keys in scheme.app_keys.items()
            if keys != DEFAULT_APP_KEYS[binding]
        }

    def post_message_from_store(self, state: SaveState) -> None:
        self.post_message(self.StoreState(state))

    def _add_scheme_bindings(self) -> None:
        """Bindings for each label's key and each document value's key."""
        extra = [
            Binding(label.key, f"label('{label.name}')", label.name, show=False)
            for label in self.scheme.labels
        ] + [
            Binding(
                value.key, f"toggle_value('{group.name}', '{value.name}')", value.name, show=False
            )
            for group in self.scheme.groups
            for value in group.values
            if value.key
        ]
        self._bindings = BindingsMap.merge([self._bindings, BindingsMap(extra)])

    # Layout

    def compose(self) -> ComposeResult:
        yield TopBar(id="top")
        with Row(id="main"):
            with Vertical(id="list-column"):
                yield Input(placeholder="filter: words status:done label:PER theme:X", id="filter")
                yield ArticleList(id="articles")
            with Column(id="centre"):
                yield ArticleHeading(id="heading")
                yield Reader(self.scheme, id="reader")
                yield Input(placeholder="find in the article: Enter selects, Esc closes", id="find")
            yield Sidebar(self.scheme, id="sidebar")
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
        if self._remapped:
            self.set_keymap(self._remapped)
        self.query_one(KeyBar).set_keys(self._footer_keys())
        self.query_one("#filter").display = False
        self.query_one("#find").display = False
        self.articles.set_rows([self._row(article) for article in self.corpus])
        # The corpus and its rows live as long as the app: keep them out of the garbage
        # collector's full passes, which otherwise stall keys for ~100 ms at 100k articles.
        gc.freeze()
        self._gc_was_enabled = gc.isenabled()
        gc.disable()
        self.set_interval(GC_AFTER_PAUSE, self._collect_garbage)
        self.save_status.show(None, self.store.read_only)
        first = self._next_unfinished(after=None) or (self.corpus.articles[0].id)
        self.open_article(first)
        self._focus(self.reader)

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

    def on_resize(self, event: events.Resize) -> None:
        narrow = event.size.width < NARROW_BELOW  # self.size is still the old one here
        if narrow != self.screen.has_class("-narrow"):
            # Crossing into narrow hides the list, as at launch; crossing back shows it.
            self.query_one("#list-column").display = not narrow
        self.screen.set_class(narrow, "-narrow")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The openers and closers belong to the main screen; over help or a picker, its own
        # keys apply. Enter is the fields' only; elsewhere it accepts a suggestion.
        if action == "submit_field":
            return self.focused is not None and self.focused.id in ("find", "filter")
        return action not in _PRIORITY_ACTIONS or self.screen is self.screen_stack[0]

    def _focus(self, widget: Widget) -> None:
        """Focus `widget` now: Widget.focus() waits its turn in the queue, and the keys after an
        opener (see _PRIORITY_ACTIONS) would go to the old focus."""
        self.screen.set_focus(widget)

    @property
    def reader(self) -> Reader:
        return self.query_one(Reader)

    @property
    def articles(self) -> ArticleList:
        return self.query_one(ArticleList)

    @property
    def sidebar(self) -> Sidebar:
        return self.query_one(Sidebar)

    @property
    def save_status(self) -> SaveStatus:
        return self.query_one(SaveStatus)

    def _row(self, article: Article) -> ListRow:
        return ListRow(
            id=article.id,
            title=article.title,
            outlet=article.outlet or article.place or "",
            date=article.date or "",
            status=self.statuses.get(article.id, Status.TODO),
            stale=article.id in self.stale,
        )

    # Articles

    def open_article(self, article_id: str) -> None:
        article = self.corpus.get(article_id)
        if article is None:
            return
        try:
            text = article.text
        except CorpusError as error:
            self.notify(Content(printable(str(error))), severity="error", timeout=10)
            return
        if self.article is not None and self.article.id != article_id:
            self.article.unload()
        self.article = article
        self.focused_span = None
        annotation = self.store.get(article_id)
        note = ""
        if annotation is not None and annotation.text_sha != article.text_sha:
            annotation, note = self._reanchor(article, annotation)
        self.annotation = annotation or Annotation.new(article.id, article.text_sha)
        self._last_edit = time.monotonic()
        self.query_one(ArticleHeading).show(article, note)
        self.reader.show_article(text, self.annotation.spans)
        self.suggestions = self.suggester.suggest(
            text, self.reader.tokens, dateline=Dateline(article.outlet, article.place)
        )
        self._offer = Offer(self.suggestions.spans)
        self._refresh_views()
        self.articles.set_current(article_id)

    def _reanchor(self, article: Article, annotation: Annotation) -> tuple[Annotation, str]:
        if self.store.read_only:
            return (
                annotation,
                "\n⚠ the text changed since it was annotated (read-only: not re-anchored)",
            )
        anchored = self.store.reanchor(article.id, article.text, article.text_sha) or annotation
        review = len(anchored.review)
        if not review:
            self.stale.discard(article.id)
            self.articles.update_row(self._row(article))
        message = "\n⚠ the text changed since it was annotated: spans re-anchored"
        if review:
            message += f"; {review} need review (sidebar)"
        return anchored, message

    def _refresh_views(self) -> None:
        annotation = self.annotation
        spans = annotation.spans if annotation else ()
        offered = self._offered()
        self.reader.set_spans(spans, offered)
        self.sidebar.show(annotation, self._suggested_values(), offered)
        self._refresh_top()

    def _offered(self) -> tuple[Span, ...]:
        """The suggestions on offer: shown, not rejected, not under a span already made."""
        if not self.show_suggestions or self.annotation is None:
            return ()
        return self._offer.update(self.annotation.spans, self.annotation.rejected)

    def _refresh_top(self) -> None:
        done = self._done
        hours = (time.monotonic() - self._started) / 3600
        pace = f"{self._done_this_session / hours:.0f}/h" if self._done_this_session else "–/h"
        parts = [
            f"cooltui · {self.store.annotator}",
            f"{done} of {len(self.corpus)} done",
            f"{pace} this session",
        ]
        top = self.query_one(TopBar)
        top.set_class(self.store.read_only, "-read-only")
        if self.store.read_only:
            parts.append(f"READ-ONLY: {self._read_only_why}")
        text = printable(" · ".join(parts))  # the reason can name a file and another's host
        if text != str(top.content):
            top.update(Content(text), layout=False)

    def _next_unfinished(self, after: str | None) -> str | None:
        """The first article after `after` (wrapping around) that is not done or skipped."""
        articles = self.corpus.articles
        start = self._position[after] + 1 if after in self._position else 0
        for step in range(len(articles)):
            article_id = articles[(start + step) % len(articles)].id
            if article_id != after and not self.statuses.get(article_id, Status.TODO).finished:
                return article_id
        return None

    def _step_article(self, step: int) -> None:
        if self.article is None:
            return
        index = self._position[self.article.id] + step
        if 0 <= index < len(self.corpus.articles):
            self.open_article(self.corpus.articles[index].id)
        else:
            self.notify("no more articles that way", timeout=2)

    # Saving

    def _commit(self, annotation: Annotation, focus: Span | None = None) -> bool:
        """Save an edited annotation of the open article; False when the store is read-only."""
        if self.store.read_only:
            self._refuse_read_only()
            return False
        now = time.monotonic()
        spent = min(now - self._last_edit, IDLE_SECONDS)
        self._last_edit = now
        if annotation.status is Status.TODO:
            annotation = annotation.with_status(Status.IN_PROGRESS)
        annotation = annotation.touched(seconds=spent)
        self.store.save(annotation)
        self.annotation = annotation
        self.focused_span = focus
        self._set_status(annotation.article_id, annotation.status)
        self._refresh_views()
        return True

    @property
    def _read_only_why(self) -> str:
        return self.read_only_reason or "opened read-only"

    def _refuse_read_only(self) -> None:
        message = f"read-only ({self._read_only_why}): nothing is changed"
        self.notify(Content(printable(message)), severity="warning")

    def _set_status(self, article_id: str, status: Status) -> None:
        before = self.statuses.get(article_id, Status.TODO)
        self._done += (status is Status.DONE) - (before is Status.DONE)
        self.statuses[article_id] = status
        article = self.corpus.get(article_id)
        if article is not None:
            self.articles.update_row(self._row(article))

    @on(StoreState)
    def _show_store_state(self, message: StoreState) -> None:
        self.save_status.show(message.state, self.store.read_only)

    # Span actions

    def _edit(self, make: Callable[[Annotation], tuple[Annotation, Span | None]]) -> None:
        if self.annotation is None:
            return
        try:
            annotation, focus = make(self.annotation)
        except EditRefused as error:
            self.notify(Content(printable(str(error))), severity="warning", timeout=4)
            return
        self._commit(annotation, focus)

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
        self._edit(lambda a: label_range(a, text, start, end, label, self.scheme))
        self.reader.collapse_selection()

    def action_remove_span(self) -> None:
        span = self._target_span()
        if span is not None:
            self._edit(lambda a: (remove(a, span), None))
            return
        suggestion = self._suggestion_here()
        if suggestion is None:
            self.notify("no span or suggestion here to remove", timeout=2)
            return
        # Remembered with the annotation, so that the rule does not offer it again.
        self._edit(lambda a: (a.reject(suggestion), None))

    # Suggestions

    def _suggestion_here(self) -> Span | None:
        """The suggestion on offer under the cursor (the reader shows just those on offer)."""
        return self.reader.suggestion_at(self.reader.cursor_offset)

    def action_accept_suggestion(self) -> None:
        suggestion = self._suggestion_here()
        if suggestion is None or self.article is None:
            self.notify("no suggestion under the cursor", timeout=2)
            return
        text = self.article.text
        self._edit(
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

    def action_accept_all_suggestions(self) -> None:
        offered = self._offered()
        if not offered:
            self.notify("no suggestions to accept", timeout=2)
            return
        # One edit, so that one undo takes them all back.
        self._edit(lambda a: (a.with_spans((*a.spans, *offered)), None))
        self.notify(f"accepted {len(offered)} suggestions", timeout=2)

    def action_toggle_suggestions(self) -> None:
        self.show_suggestions = not self.show_suggestions
        self._refresh_views()
        self.notify(
            "suggestions shown" if self.show_suggestions else "suggestions hidden", timeout=2
        )

    def action_next_span(self) -> None:
        self._jump_span(1)

    def action_previous_span(self) -> None:
        self._jump_span(-1)

    def _jump_span(self, step: int) -> None:
        spans = self.annotation.spans if self.annotation else ()
        if not spans:
            self.notify("no spans in this article yet", timeout=2)
            return
        focused = self._target_span() if self.focused_span is not None else None
        if focused is not None:  # from the span tab chose: strictly past it
            after = [s for s in spans if s.start > focused.start]
            before = [s for s in spans if s.start < focused.start]
        else:  # from the cursor: a span starting right there is the next one
            cursor = self.reader.cursor_offset
            after = [s for s in spans if s.start >= cursor]
            before = [s for s in spans if s.start < cursor]
        # Past the last span, tab wraps to the first; shift+tab past the first, to the last.
        self._focus_span((after or list(spans))[0] if step > 0 else (before or list(spans))[-1])

    def _focus_span(self, span: Span) -> None:
        self.reader.select_range(span.start, span.end)
        self.focused_span = span

    @on(Reader.SelectionChanged)
    def _forget_focused_span(self) -> None:
        """A span chosen with tab stays the target of span keys until the cursor leaves it."""
        span = self.focused_span
        if span is not None and not span.start <= self.reader.cursor_offset <= span.end:
            self.focused_span = None

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

    def action_pick_labels(self) -> None:
        if self.annotation is not None:
            self.push_screen(ValuePicker(self.scheme, self.annotation, self._suggested_values()))

    def _suggested_values(self) -> frozenset[tuple[str, str]]:
        if not self.show_suggestions:
            return frozenset()
        return frozenset((theme.group, theme.value) for theme in self.suggestions.themes)

    @on(ValuePicker.Toggled)
    def _picker_toggle(self, message: ValuePicker.Toggled) -> None:
        self.action_toggle_value(message.group, message.value)
        if isinstance(self.screen, ValuePicker) and self.annotation is not None:
            self.screen.show(self.annotation, self._suggested_values())

    def _finish(self, status: Status) -> None:
        if self.annotation is None or self.article is None:
            return
        if not self._commit(self.annotation.with_status(status)):
            return
        if status is Status.DONE:
            self._done_this_session += 1
        following = self._next_unfinished(after=self.article.id)
        if following is None:
            self.notify("every article is done or skipped", timeout=4)
            self._refresh_top()
            return
        self.open_article(following)

    def action_done(self) -> None:
        self._finish(Status.DONE)

    def action_skip(self) -> None:
        self._finish(Status.SKIPPED)

    def action_flag(self) -> None:
        if self.annotation is None:
            return
        flagged = self.annotation.status is Status.FLAGGED
        status = Status.IN_PROGRESS if flagged else Status.FLAGGED
        if self._commit(self.annotation.with_status(status)):
            self.notify("unflagged" if flagged else "flagged", timeout=2)

    def action_next_article(self) -> None:
        self._step_article(1)

    def action_previous_article(self) -> None:
        self._step_article(-1)

    def action_next_unfinished(self) -> None:
        following = self._next_unfinished(after=self.article.id if self.article else None)
        if following is None:
            self.notify("every article is done or skipped", timeout=3)
        else:
            self.open_article(following)

    def action_edit_note(self) -> None:
        if self.annotation is None or self.article is None:
            return

        def keep(note: str | None) -> None:
            if note is not None and self.annotation is not None and note != self.annotation.note:
                self._commit(self.annotation.with_note(note), self.focused_span)

        self.push_screen(NoteEditor(self.annotation.note, self.article.title), keep)

    # Undo and redo, across articles

    def action_undo(self) -> None:
        self._history(self.store.undo, "nothing to undo")

    def action_redo(self) -> None:
        self._history(self.store.redo, "nothing to redo")

    def _history(self, step: Callable[[], Annotation | None], nothing: str) -> None:
        if self.store.read_only:
            self._refuse_read_only()
            return
        try:
            restored = step()
        except StoreError as error:
            self.notify(Content(printable(str(error))), severity="error")
            return
        if restored is None:
            self.notify(nothing, timeout=2)
            return
        article_id = restored.article_id
        self._set_status(article_id, restored.status)
        if self.article is None or self.article.id != article_id:
            self.open_article(article_id)
            shown = shorten(printable(article_id), ID_WIDTH)
            self.notify(Content(f"in another article: {shown}"), timeout=3)
        else:
            self.annotation = self.store.get(article_id) or Annotation.new(
                article_id, self.article.text_sha
            )
            self.focused_span = None
            self._refresh_views()

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

    def action_filter(self) -> None:
        column = self.query_one("#list-column")
        column.display = True
        field = self.query_one("#filter", Input)
        field.display = True
        self._focus(field)
        self.articles.prepare_filter()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, message: Input.Changed) -> None:
        groups = [group.name for group in self.scheme.groups]
        try:
            query = parse_query(message.value, groups) if message.value.strip() else None
        except QueryError as error:
            message.input.border_subtitle = Content(printable(str(error)))
            return
        message.input.border_subtitle = ""
        self.articles.apply_filter(query, self._facts, self._body)

    def _facts(self, article_id: str) -> ArticleFacts | None:
        annotation = self.store.get(article_id) if article_id in self.statuses else None
        if annotation is None:
            return None
        values = frozenset((g, v) for g, chosen in annotation.doc_labels.items() for v in chosen)
        return ArticleFacts(frozenset(s.label for s in annotation.spans), values)

    def _body(self, article_id: str) -> str:
        article = self.corpus.get(article_id)
        if article is None:
            return ""
        try:
            text = article.text
        except CorpusError:
            return ""
        if article is not self.article:
            article.unload()
        return text

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

    def key_rows(self) -> list[tuple[str, str, str]]:
        """Every key as the help shows it: (keys, what it does, section), from the live map."""
        # The reader's own moves and selections, from its bindings (selections grow by whole
        # tokens unless in character mode).
        rows = [
            (self.get_key_display(binding), binding.description, "Move and select")
            for binding in Reader.BINDINGS
            if isinstance(binding, Binding) and (binding.id or "").startswith("reader.")
        ]
        rows += _APP_HELP
        keys = self._live_keys()
        for action in _ACTIONS:
            shown = " ".join(keys.get(f"app.{action.id}", ()))
            rows.append((shown or "–", action.description, action.section))
        rows += [(label.key, f"Label {label.name}", "Label") for label in self.scheme.labels] + [
            (value.key, f"Toggle {group.name} {value.name}", "Themes")
            for group in self.scheme.groups
            for value in group.values
            if value.key
        ]
        return rows

    def _live_keys(self) -> dict[str, list[str]]:
        """Each binding id's keys as shown, remapped as the scheme says, whatever has focus.

        Not the active bindings: while an input has focus those leave out every printable key.
        """
        keys: dict[str, list[str]] = {}
        for node in (self.reader, self):
            bindings = node._bindings.copy()
            if self._remapped:
                bindings.apply_keymap(self._remapped)
            for found in bindings.key_to_bindings.values():
                for binding in found:
                    if binding.id:
                        keys.setdefault(binding.id, []).append(self.get_key_display(binding))
        return keys

    def _footer_keys(self) -> list[KeyItem]:
        """The footer's keys, each shown as its first key."""
        keys = self._live_keys()
        palette = Binding(self.COMMAND_PALETTE_BINDING, "command_palette")
        return [
            KeyItem(keys[f"app.{action.id}"][0], action.description, action.footer, action.action)
            for action in _ACTIONS
            if action.footer and f"app.{action.id}" in keys
        ] + [KeyItem(self.get_key_display(palette), "Commands", "commands", "command_palette")]

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.scheme, self.key_rows(), QUERY_HELP))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for action in _ACTIONS:
            yield SystemCommand(
                action.description,
                f"{action.section}: {action.description}",
                lambda action=action: self.run_action(action.action),
            )
        for label in self.scheme.labels:
            yield SystemCommand(
                f"Label {label.name}",
                label.description,
                lambda name=label.name: self.action_label(name),
            )

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
    settings: Settings, *, read_only: bool = False, patterns: Sequence[Path] = ()
) -> CoolApp:
    """The app on the settings' corpus, scheme and store, as `cooltui` starts it.

    When the annotator's store cannot be written (another cooltui holds it, a read-only file
    system, no permission), this one opens it read-only and says why.
    """
    scheme = settings.load_scheme()
    suggester = Suggester(scheme, patterns)  # a bad pattern file fails here, as one line
    corpus = settings.load_corpus()
    reason: list[str] = []

    def open_store(on_state: Callable[[SaveState], None]) -> Store:
        try:
            return Store.open(
                settings.store_dir, settings.annotator, read_only=read_only, on_state=on_state
            )
        except StoreNotWritable as error:
            reason.append(error.reason)
            return Store.open(
                settings.store_dir, settings.annotator, read_only=True, on_state=on_state
            )

    app = CoolApp(corpus, scheme, open_store, suggester)
    app.read_only_reason = (
        reason[0] if reason else ("opened with --read-only" if read_only else None)
    )
    return app


def run(settings: Settings, *, read_only: bool = False, patterns: Sequence[Path] = ()) -> int:
    """Launch the app in this terminal; the store is closed (flushed) however the app ends."""
    app = build_app(settings, read_only=read_only, patterns=patterns)
    try:
        app.run()
    finally:
        app.store.close()
    return app.return_code or 0
