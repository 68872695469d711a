"""What an annotator is doing, without a screen: the open article, its annotation and what is
on offer, the statuses, navigation, the one path by which an edit is saved (with the time spent
on it), undo and redo across articles, and the counts the header shows.

The app (cooltui.tui.app) turns keys into Session calls and shows what they return; tests drive a
Session directly. A refused action raises a CoolError whose message is for the user: EditRefused
for an edit that breaks the scheme, SessionRefused for one this session cannot make.
"""

from __future__ import annotations

import time
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from cooltui.anchor import propose, review_key
from cooltui.corpus import Article, Corpus
from cooltui.edits import Offer, SpanIndex, label_range, resolve_review, toggle_value
from cooltui.errors import CoolError
from cooltui.keys import ACTIONS, bound_keys, key_shown, split_keys
from cooltui.model import MODEL_SOURCE, Annotation, Span, Status
from cooltui.query import ArticleFacts, Assigned, ListRow
from cooltui.scheme import Scheme
from cooltui.store import PROJECT_FILE, Store, StoreError
from cooltui.text import ID_WIDTH, TokenIndex, printable, truncate

if TYPE_CHECKING:
    from cooltui.lazy_suggester import LazySuggester
    from cooltui.learn.loop import ModelEvent, ModelLoop
    from cooltui.suggest import Suggester, Suggestions
    from cooltui.team.project import Project

IDLE_SECONDS = 300
"""A pause longer than this between two edits is not counted as time spent on the article."""

PACE_AFTER_DONE = 3
PACE_AFTER_SECONDS = 300
"""The pace (done per active hour) means something, and is shown, only after this many
articles done this session and this much active time."""

Clock = Callable[[], float]
"""Seconds from any fixed point (time.monotonic); tests pass their own."""

Edit = Callable[[Annotation], tuple[Annotation, Span | None]]
"""An edit of the open article's annotation: the new annotation and the span to focus."""

Source = Literal["rules", "model"]
"""One source of suggestions: the rules (and imported suggestions), or the annotator's model."""


class SessionRefused(CoolError):
    """An action this session cannot take (a read-only store, no article open)."""


class NotDoneYet(SessionRefused):
    """Done was asked of an article with suggestions still open, or with nothing labelled: the
    message says so; asking again at once marks it done (the scheme's check_done turns this off)."""


@dataclass(frozen=True, slots=True)
class Opened:
    """An article just opened: its text cut into tokens, its annotation (re-anchored if its
    text changed), and `note`: what the heading says about re-anchoring ("" if nothing)."""

    article: Article
    text: str
    tokens: TokenIndex
    annotation: Annotation
    note: str


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """A span waiting for review after the text changed: `entry` as it was made (its offsets are
    in the old text), and `proposed`, where it probably is now (None: no guess)."""

    entry: Span
    proposed: Span | None

    @property
    def at(self) -> int:
        """Where the reader goes for it: its proposed place, else where it was."""
        return self.proposed.start if self.proposed else self.entry.start


@dataclass(frozen=True, slots=True)
class Restored:
    """What undo or redo changed: the article, whether it is another than the open one (then the
    caller opens it), and `said`, for the user: "undid: span PER 'Wan Mantazakka'", "redid:
    done", "undid: note (in 001_77e9…)"."""

    article_id: str
    elsewhere: bool
    said: str


@dataclass(frozen=True, slots=True)
class Counts:
    """The header's figures: the corpus's articles done, of all of them (of the annotator's own
    when the project file gives them articles); and the articles done this session per hour of
    active time (None until it means something: PACE_AFTER_*)."""

    done: int
    total: int
    per_hour: float | None
    disagreements: tuple[int, int] | None = None
    """In a review: the disagreements left, of all of them."""


class Session:
    """One annotator's work on a corpus, through their store.

    `read_only_reason` is set when the store is read-only: every change is then refused with it.
    """

    def __init__(
        self,
        corpus: Corpus,
        store: Store,
        suggester: Suggester | LazySuggester,
        *,
        read_only_reason: str | None = None,
        clock: Clock = time.monotonic,
        corpus_paths: tuple[Path, ...] = (),
        new_store: bool = False,
        learning: ModelLoop | None = None,
    ) -> None:
        self.corpus = corpus
        self.store = store
        self.scheme = suggester.scheme
        self.suggester = suggester
        self.read_only_reason = read_only_reason or (
            "opened read-only" if store.read_only else None
        )
        self._clock = clock
        parts = [f"store {shown_path(store.path)}"]
        if corpus_paths:
            parts.append(f"corpus {', '.join(shown_path(p) for p in corpus_paths)}")
        self.where = " · ".join(parts)
        """Which store and corpus this is, for the header: "store ./annotations/root · corpus
        seeds" (paths under the current folder are shown from it); worked out once, not on
        every edit's header."""
        self.new_store = new_store
        """The store was made by this session's opening: nothing was annotated here before."""
        self._position = {article.id: index for index, article in enumerate(corpus)}
        self.project: Project | None = _load_project(store.path.parent)
        """The project file beside the stores (`cooltui assign`); None without one."""
        self._mine = self._assignment()
        """The articles of this corpus the project gives this annotator; None when it gives
        them none (no project file, or they are not in it): every article is theirs then."""
        self._counted: Collection[str] = self._position if self._mine is None else self._mine
        """The articles the header counts and "next unfinished" walks."""
        self._teams: dict[tuple[str, ...], Assigned] = {}
        """The list's Assigned of each team of annotators: rows share them."""
        self.statuses: dict[str, Status] = store.statuses()
        self._done = sum(
            1
            for article_id, status in self.statuses.items()
            if status is Status.DONE and article_id in self._counted
        )
        """Done articles counted: the store may hold records of articles of others."""
        # Every done article of the store: what a model is trained on.
        self._done_all = sum(1 for status in self.statuses.values() if status is Status.DONE)
        self.stale: set[str] = {
            article_id
            for article_id, sha in store.text_shas().items()
            if (article := corpus.get(article_id)) is not None and article.text_sha != sha
        }
        """Articles whose text changed since they were annotated (marked in the list)."""
        self.article: Article | None = None
        self.tokens = TokenIndex("")
        self.annotation: Annotation | None = None
        self.suggestions: Suggestions | None = None
        """What the rules suggest for the open article, whatever has been made or rejected;
        None until found (see `open`)."""
        self.suggestions_shown = True
        # When set, only this source's suggestions are shown (S steps through them).
        self.only_source: Source | None = None
        # The annotator's model, retrained as they go (cooltui.learn.loop); None without it.
        self.learning = learning
        # The suggestions on offer, what they were found in and the source shown: and those
        # of them of that source.
        self._shown: tuple[
            tuple[Span, ...], Suggestions | None, Source | None, tuple[Span, ...]
        ] = ((), None, None, ())
        self._offer = Offer(())
        """What of the suggestions is on offer, kept up to date edit by edit."""
        self._last_edit = clock()
        self._active = 0.0
        """Seconds of this session's edits, counted as an article's time spent is."""
        self._done_here: set[str] = set()
        """Articles marked done this session (some may have been undone since)."""
        self._done_asked: str | None = None
        """The article whose done was just refused with a reason: done again confirms it."""
        self._review: tuple[object, tuple[ReviewItem, ...]] = ((), ())
        """The review items of the open article, and the entries and spans they were worked out
        for."""
        self._proposed: dict[tuple[int, int, str, str], Span | None] = {}
        """Where each span waiting for review in the open article probably went (a guess costs
        milliseconds: made once an entry, not on every edit)."""

    # Articles and navigation

    def first_article(self) -> str | None:
        """Where a session starts: the first unfinished article, else the first; of the
        annotator's own when the project file gives them articles."""
        counted = self._counted
        first = next((a.id for a in self.corpus.articles if a.id in counted), None)
        return self.next_unfinished(after=None) or first

    def open(self, article_id: str, *, suggest: bool = True) -> Opened | None:
        """Open an article (None if the corpus has no such id); CorpusError if its text cannot
        be read, with the article before it left open. Without `suggest`, its suggestions wait
        for `suggest()`: the app shows the text first."""
        article = self.corpus.get(article_id)
        if article is None:
            return None
        text = article.text
        if self.article is not None and self.article is not article:
            self.article.unload()
        self.article = article
        self.tokens = TokenIndex(text)
        self._done_asked = None
        self._proposed = {}
        stored = self.store.get(article_id)
        note = ""
        if stored is not None and stored.text_sha != article.text_sha:
            stored, note = self._reanchor(article, stored)
        self.annotation = stored or Annotation.new(article.id, article.text_sha)
        self._last_edit = self._clock()
        self.suggestions = None
        self._offer = Offer(())
        if self.learning is not None:
            self.learning.request(article.id, text)
        if suggest:
            self.suggest()
        return Opened(article, text, self.tokens, self.annotation, note)

    def _reanchor(self, article: Article, stored: Annotation) -> tuple[Annotation, str]:
        if self.store.read_only:
            return (
                stored,
                "\n⚠ the text changed since it was annotated (read-only: not re-anchored)",
            )
        anchored = self.store.reanchor(article.id, article.text, article.text_sha) or stored
        self._note_status(article.id, anchored.status)
        # Re-anchored: what still waits is in its record (and flags it), not in `stale`.
        self.stale.discard(article.id)
        if anchored.review:  # the warning above the text says it, with the keys
            return anchored, ""
        return anchored, "\n⚠ the text changed since it was annotated: every span found again"

    def next_unfinished(self, after: str | None) -> str | None:
        """The first article after `after` (wrapping around) that is not done or skipped, or
        whose text changed since it was: opening it re-anchors its spans (unless read-only).
        Only the annotator's own when the project file gives them articles."""
        articles = self.corpus.articles
        start = self._position[after] + 1 if after in self._position else 0
        stale = () if self.store.read_only else self.stale
        statuses = self.statuses
        mine = self._mine
        for step in range(len(articles)):
            article_id = articles[(start + step) % len(articles)].id
            if article_id == after or (mine is not None and article_id not in mine):
                continue
            if not statuses.get(article_id, Status.TODO).finished or article_id in stale:
                return article_id
        return None

    def neighbour(self, step: int) -> str | None:
        """The article `step` places from the open one in corpus order; None past either end."""
        if self.article is None:
            return None
        index = self._position[self.article.id] + step
        articles = self.corpus.articles
        return articles[index].id if 0 <= index < len(articles) else None

    def row(self, article: Article) -> ListRow:
        """What the article list shows of `article`."""
        return ListRow(
            id=article.id,
            title=article.title,
            outlet=article.outlet or "",
            place=article.place or "",
            date=article.date or "",
            status=self.statuses.get(article.id, Status.TODO),
            stale=article.id in self.stale,
            # Asked here, not in _assigned: the list makes 100,000 rows at once, mostly without
            # a project file.
            assigned=self._assigned(article.id) if self.project is not None else None,
        )

    # The project file's assignment

    def _assignment(self) -> frozenset[str] | None:
        project, name = self.project, self.store.annotator
        if project is None or name not in project.plan.annotators:
            return None
        return frozenset(i for i in project.articles_of(name) if i in self._position)

    def _assigned(self, article_id: str) -> Assigned:
        """Who codes `article_id` by the project file, for the list's assigned: terms."""
        assert self.project is not None
        team = self.project.articles.get(article_id, ())
        assigned = self._teams.get(team)
        if assigned is None:
            mine = None if self._mine is None else self.store.annotator in team
            assigned = Assigned(frozenset(name.casefold() for name in team), mine)
            self._teams[team] = assigned
        return assigned

    def assignment_notice(self) -> str | None:
        """What the app says at the start about the project file, if there is one: whose
        articles the list shows, and how to see them all."""
        project = self.project
        if project is None:
            return None
        name, where = self.store.annotator, shown_path(self.store.path.parent / PROJECT_FILE)
        if self._mine is None:
            team = ", ".join(project.plan.annotators)
            return f"{name} is not among the annotators of {where} ({team}): all articles shown"
        return (
            f"the list shows the {len(self._mine):,} articles {where} gives {name}: "
            f"assigned:all in the filter ({_key(self.scheme, 'filter')}) shows all"
        )

    # Saving

    def edit(self, make: Edit) -> Span | None:
        """Make an edit of the open article and save it; the span to focus. EditRefused (from
        `make`) or SessionRefused, with nothing changed."""
        annotation = self._open_annotation()
        changed, focus = make(annotation)
        self.commit(changed)
        return focus

    def commit(self, annotation: Annotation) -> None:
        """Save an annotation of the open article, with the time since the last edit (a pause
        over IDLE_SECONDS counts as IDLE_SECONDS); its first edit puts it in progress."""
        self._check_writable()
        self._done_asked = None  # an edit since: done is checked again
        now = self._clock()
        spent = min(now - self._last_edit, IDLE_SECONDS)
        self._last_edit = now
        self._active += spent
        if annotation.status is Status.TODO:
            annotation = annotation.with_status(Status.IN_PROGRESS)
        annotation = annotation.touched(seconds=spent)
        try:
            self.store.save(annotation)
        except StoreError as error:  # a damaged or closed store: refused, nothing changed
            raise SessionRefused(str(error)) from None
        self.annotation = annotation
        self._note_status(annotation.article_id, annotation.status)

    def finish(self, status: Status) -> str | None:
        """Mark the open article done or skipped; the next unfinished article, if any.

        Done is refused once (NotDoneYet, saying why) while suggestions are open or the article
        holds no span and no document label: a partly labelled article would teach a model that
        its unlabelled entities are not entities. Done again at once marks it done anyway.
        """
        annotation = self._open_annotation()
        self._check_writable()  # before the check: a read-only store never asks twice
        if status is Status.DONE:
            self._check_done(annotation)
        self.commit(annotation.with_status(status))
        if status is Status.DONE:
            self._done_here.add(annotation.article_id)
            if self.learning is not None:
                self.learning.note_done(self._done_all)
        return self.next_unfinished(after=annotation.article_id)

    def _check_done(self, annotation: Annotation) -> None:
        if not self.scheme.check_done or self._done_asked == annotation.article_id:
            return
        # What is on offer whether shown or not: hidden suggestions are still unanswered.
        self.suggest()
        open_ = len(self._offer.update(annotation.spans, annotation.rejected))
        done = _key(self.scheme, "done")
        waiting = len(annotation.review)
        if waiting:
            why = (
                f"{waiting} span{'s' if waiting > 1 else ''} still need review: "
                f"{_key(self.scheme, 'next_span')} goes to each"
            )
        elif open_:
            why = (
                f"{open_} suggestion{'s' if open_ > 1 else ''} still open "
                f"({_key(self.scheme, 'next_suggestion')} goes to each): "
                f"{_key(self.scheme, 'accept_suggestion')}/{_key(self.scheme, 'remove_span')} "
                f"each, {_key(self.scheme, 'accept_all_suggestions')} takes all"
            )
        elif not annotation.spans and not any(annotation.doc_labels.values()):
            why = "nothing is labelled yet, no span and no document label"
        else:
            return
        self._done_asked = annotation.article_id
        raise NotDoneYet(f"{why}; {done} again marks it done anyway")

    def toggle_flag(self) -> bool:
        """Flag the open article, or unflag it; whether it is flagged now."""
        flagged = self._open_annotation().status is not Status.FLAGGED
        status = Status.FLAGGED if flagged else Status.IN_PROGRESS
        self.commit(self._open_annotation().with_status(status))
        return flagged

    def set_note(self, note: str) -> bool:
        """Save the open article's note; False when it is unchanged."""
        annotation = self._open_annotation()
        if note == annotation.note:
            return False
        self.commit(annotation.with_note(note))
        return True

    def undo(self) -> Restored | None:
        """Revert the newest edit, of whichever article; None when there is none."""
        return self._restore("undo")

    def redo(self) -> Restored | None:
        """Apply again the edit undone last; None when there is none."""
        return self._restore("redo")

    def _restore(self, kind: Literal["undo", "redo"]) -> Restored | None:
        self._check_writable()
        article_id = self.store.next_step(kind)
        if article_id is None:
            return None
        others = self.store.step_articles(kind) - 1
        before = self.store.get(article_id)
        # A damaged history is a StoreError, with nothing changed.
        restored = self.store.undo() if kind == "undo" else self.store.redo()
        if restored is None:
            return None
        article = self.corpus.get(article_id)
        back = self.store.get(article_id)
        shown = article.text_sha if article is not None else None
        if kind == "undo" and back is not None and shown not in (None, back.text_sha):
            self.store.redo()  # back before the text changed, which is not what is shown
            raise SessionRefused(
                f"nothing more to undo in {truncate(printable(article_id), ID_WIDTH)}: its "
                "edits before its text changed cannot come back"
            )
        self._note_status(article_id, restored.status)
        after = self.store.get(article_id)  # None: undoing its first save removed the record
        elsewhere = self.article is None or self.article.id != article_id
        if self.article is not None:
            # From the store: one undo may take back an edit of several articles (save_all),
            # the open one among them even when the first is another.
            shown = after if not elsewhere else self.store.get(self.article.id)
            self.annotation = shown or Annotation.new(self.article.id, self.article.text_sha)
        # The edit undone went from `after` to `before`; the one redone from `before` to `after`.
        edit = _what_changed(after, before) if kind == "undo" else _what_changed(before, after)
        said = f"{'undid' if kind == 'undo' else 'redid'}: {edit}"
        if elsewhere:
            said += f" (in {truncate(printable(article_id), ID_WIDTH)})"
        if others > 0:
            said += f", and the same in {others} more article{'s' if others > 1 else ''}"
        return Restored(article_id, elsewhere, said)

    # Spans waiting for review after the text changed

    def review_items(self) -> tuple[ReviewItem, ...]:
        """The open article's spans waiting for review, each with the place `propose` guesses,
        in the order of where the reader goes for them."""
        annotation = self.annotation
        if annotation is None or not annotation.review or self.article is None:
            return ()
        made_for, items = self._review
        if made_for == (annotation.review, annotation.spans):
            return items
        made = [ReviewItem(entry, self._propose(entry)) for entry in annotation.review]
        items = tuple(sorted(made, key=lambda item: (item.at, item.entry.start)))
        self._review = ((annotation.review, annotation.spans), items)
        return items

    def _propose(self, entry: Span) -> Span | None:
        """Where `entry` probably went, unless another span stands there (placing it would
        relabel that one)."""
        key = review_key(entry)
        if key not in self._proposed:
            assert self.article is not None
            text = self.article.text
            where = propose(entry, text, self.tokens)
            proposed = None
            if where is not None:
                start, end = where
                proposed = Span(start, end, entry.label, text[start:end], entry.source)
            self._proposed[key] = proposed
        proposed = self._proposed[key]
        spans = self.annotation.spans if self.annotation is not None else ()
        if proposed is None:
            return None
        others = SpanIndex.of(spans).overlapping(proposed)
        return None if any(other.key != proposed.key for other in others) else proposed

    def place_review(self, entry: Span, start: int, end: int, label: str) -> Span | None:
        """Resolve a span waiting for review by making [start, end) a span of `label` (the
        annotator placed it: its source is manual); the span made."""
        text = self._open_article().text

        def place(annotation: Annotation) -> tuple[Annotation, Span | None]:
            made = label_range(annotation, text, start, end, label, self.scheme)
            return resolve_review(annotation, entry, made)

        return self.edit(place)

    def drop_review(self, entry: Span) -> None:
        """Resolve a span waiting for review by dropping it."""
        self.edit(lambda annotation: resolve_review(annotation, entry))

    def _open_article(self) -> Article:
        if self.article is None:
            raise SessionRefused("no article is open")
        return self.article

    def _open_annotation(self) -> Annotation:
        if self.annotation is None:
            raise SessionRefused("no article is open")
        return self.annotation

    def _check_writable(self) -> None:
        if self.store.read_only:
            raise SessionRefused(f"read-only ({self.read_only_reason}): nothing is changed")

    def _note_status(self, article_id: str, status: Status) -> None:
        before = self.statuses.get(article_id, Status.TODO)
        change = (status is Status.DONE) - (before is Status.DONE)
        if article_id in self._counted:
            self._done += change
        self._done_all += change
        self.statuses[article_id] = status

    # Suggestions

    def suggest(self) -> None:
        """Find the open article's suggestions, unless they are found already."""
        article = self.article
        if article is None or self.suggestions is not None:
            return
        self.suggestions = self._suggestions_for(article)
        self._offer = Offer(self.suggestions.spans)

    def _suggestions_for(self, article: Article) -> Suggestions:
        """What to offer on `article`: the rules' suggestions, those imported into its record
        (`cooltui import --as-suggestions`), and the annotator's model's once they came."""
        from cooltui.suggest import Dateline  # the rules' import waits for the first article

        found = self.suggester.suggest(
            article.text, self.tokens, dateline=Dateline(article.outlet, article.place)
        )
        imported = self.annotation
        if imported is not None:
            found = found.with_imported(imported.suggested, imported.suggested_labels)
        learning = self.learning
        info = learning.info() if learning is not None else None
        prediction = learning.prediction(article.id) if learning is not None else None
        if learning is not None and info is not None and prediction is not None:
            from cooltui.learn.scored import scored_spans, scored_themes

            text = article.text
            if imported is not None and imported.rejected:
                # A rule's suggestion turned down no longer keeps the model's from its place.
                refused = {span.key for span in imported.rejected}
                found = replace(found, spans=tuple(s for s in found.spans if s.key not in refused))
            found = found.with_model(
                learning.source,
                scored_spans(prediction, text, self.scheme, learning.source),
                scored_themes(prediction, self.scheme),
                self.tokens,
                info.threshold,
            )
        return found

    def model_arrived(self, article_id: str) -> bool:
        """The model's prediction for `article_id` came: whether the open article's suggestions
        changed with it."""
        if self.article is None or self.article.id != article_id or self.suggestions is None:
            return False
        learning = self.learning
        if learning is not None and learning.prediction(article_id) is None:
            # A training ended: the new model has not been asked about the open article yet.
            learning.request(article_id, self.article.text)
        before = self.suggestions
        self.suggestions = None
        self.suggest()
        return self.suggestions != before

    def start_learning(
        self, on_event: Callable[[ModelEvent], None], learning: ModelLoop | None = None
    ) -> None:
        """Start the model's loop (`learning`, or the one given at the start): its worker, a
        training that is due. Events come to `on_event` from its threads."""
        if learning is not None:
            self.learning = learning
        if self.learning is None:
            return
        self.learning.start(self._done_all, on_event)
        if self.article is not None:
            self.learning.request(self.article.id, self.article.text)

    def stop_learning(self) -> None:
        if self.learning is not None:
            self.learning.close()

    def offered(self) -> tuple[Span, ...]:
        """The suggestions on offer: shown (of the source shown), not rejected, not under a
        span already made."""
        if not self.suggestions_shown or self.annotation is None:
            return ()
        offered = self._offer.update(self.annotation.spans, self.annotation.rejected)
        if self.only_source is None or self.suggestions is None:
            return offered
        found, only = self.suggestions, self.only_source
        if self._shown[:3] != (offered, found, only):  # the same tuple back while unchanged
            shown = tuple(s for s in offered if self._from(found, s) in (only, None))
            self._shown = (offered, found, only, shown)
        return self._shown[3]

    @staticmethod
    def _from(found: Suggestions, span: Span) -> Source | None:
        """Which source proposed `span`: None for both."""
        if not found.from_model(span):
            return "rules"
        return "model" if span.source.startswith(MODEL_SOURCE) else None

    def step_suggestions(self) -> str:
        """Show the next of: every suggestion, the rules' only, the model's only (those two
        while a model has joined), none; what is shown now, in words."""
        model = self.suggestions is not None and self.suggestions.model is not None
        if not self.suggestions_shown:
            self.suggestions_shown, self.only_source = True, None
            return "suggestions shown"
        if model and self.only_source is None:
            self.only_source = "rules"
            return "the model's suggestions hidden: the rules' only"
        if model and self.only_source == "rules":
            self.only_source = "model"
            return "the rules' suggestions hidden: the model's only"
        self.suggestions_shown, self.only_source = False, None
        return "suggestions hidden"

    def suggestion_notes(self) -> Mapping[tuple[int, int, str], str]:
        """What names the source of each suggestion the model proposed, with its score (the
        reader's border shows it): "model:alice 0.93", or "rule:RANK + model:alice 0.97"."""
        found = self.suggestions
        if found is None or found.model is None:
            return {}
        notes = {}
        for span in self.offered():
            score = found.span_scores.get(span.key)
            if score is None:
                continue
            by_model = span.source.startswith(MODEL_SOURCE)
            joined = "" if by_model else f" + {found.model}"
            notes[span.key] = f"{span.source}{joined} {score:.2f}"
        return notes

    def suggestion_from(self, offset: int, step: int, current: Span | None = None) -> Span | None:
        """The suggestion on offer after `offset` (step 1) or before it (-1), wrapping at the
        ends; from `current`, the one the cursor is on, strictly past it. None if none is on
        offer."""
        offered = self.offered()
        if not offered:
            return None
        where = current.start if current is not None else offset
        if step > 0:
            find = bisect_right if current is not None else bisect_left
            return offered[find(offered, where, key=_start) % len(offered)]
        return offered[bisect_left(offered, where, key=_start) - 1]  # -1: the last one

    def accept_all(self) -> tuple[int, int]:
        """Accept every suggestion on offer and every suggested document value not chosen yet (a
        single-choice group's only while it holds none) in one edit, which one undo takes back:
        how many spans and values it took."""
        annotation = self._open_annotation()
        spans = self.offered()
        values: list[tuple[str, str]] = []
        for group_name, value in self._suggested_in_scheme_order():
            group = self.scheme.group(group_name)
            chosen = annotation.doc_labels.get(group_name, ())
            if group is None or value in chosen:
                continue
            if not group.multi and (chosen or any(g == group_name for g, _ in values)):
                continue
            values.append((group_name, value))
        if not spans and not values:
            return 0, 0

        def accept(annotation: Annotation) -> tuple[Annotation, Span | None]:
            changed = annotation.with_spans((*annotation.spans, *spans)) if spans else annotation
            for group_name, value in values:
                changed = toggle_value(changed, self.scheme, group_name, value)
            return changed, None

        self.edit(accept)
        return len(spans), len(values)

    def _suggested_in_scheme_order(self) -> list[tuple[str, str]]:
        suggested = self.suggested_values()
        return [
            (group.name, value.name)
            for group in self.scheme.groups
            for value in group.values
            if (group.name, value.name) in suggested
        ]

    def back_on_offer(self, span: Span) -> bool:
        """Whether removing `span` put a suggestion on offer again at its place."""
        return any(s.key == span.key for s in self.offered())

    def suggested_values(self) -> frozenset[tuple[str, str]]:
        """The (group, value) pairs suggested for the open article, when shown (of the source
        shown: a value with no cue of the rules and a score is the model's)."""
        found = self.suggestions
        if not self.suggestions_shown or found is None:
            return frozenset()
        only = self.only_source
        return frozenset(
            key
            for theme in found.themes
            if (key := (theme.group, theme.value))
            and (
                only is None
                or (only == "rules" and (theme.cues or key not in found.theme_scores))
                or (only == "model" and key in found.theme_scores)
            )
        )

    def value_marks(self) -> Mapping[tuple[str, str], str]:
        """What to mark document label values with beside a suggestion's mark: who chose each,
        in a review; nothing here."""
        return {}

    def reviewers(self) -> Mapping[str, str]:
        """In a review (cooltui.team.review), the annotators reviewed and their letters; none
        here."""
        return {}

    def take_whole(self, name: str) -> None:
        """In a review, take one annotator's whole article; refused here."""
        raise SessionRefused("taking an annotator's whole article is for `cooltui review`")

    # Counts and the list's filter

    def counts(self) -> Counts:
        done = sum(1 for i in self._done_here if self.statuses.get(i) is Status.DONE)
        per_hour = None
        if done >= PACE_AFTER_DONE and self._active >= PACE_AFTER_SECONDS:
            per_hour = done / (self._active / 3600)
        return Counts(self._done, len(self._counted), per_hour)

    def facts(self, article_id: str) -> ArticleFacts | None:
        """What an article's annotation holds, for the filter (called from its worker thread)."""
        try:
            annotation = self.store.get(article_id) if article_id in self.statuses else None
        except StoreError:  # a damaged shard: the article cannot match (opening it says why)
            return None
        if annotation is None:
            return None
        values = frozenset((g, v) for g, chosen in annotation.doc_labels.items() for v in chosen)
        return ArticleFacts(frozenset(s.label for s in annotation.spans), values)

    def body(self, article_id: str) -> str:
        """An article's text for the filter's body search, from its worker thread: read without
        keeping it, so that the open article's text is never loaded or dropped from there."""
        article = self.corpus.get(article_id)
        if article is None:
            return ""
        try:
            return article.read_text()
        except CoolError:  # unreadable now: it cannot match
            return ""


def _what_changed(old: Annotation | None, new: Annotation | None) -> str:
    """An edit in a few words, for the user: the span it added or removed, else the document
    labels or the note it changed, else the status it set (a first edit sets "in progress" on
    the way: it is named only when nothing else changed)."""
    old_spans = set(old.spans) if old else set()
    new_spans = set(new.spans) if new else set()
    changed = sorted(new_spans ^ old_spans, key=lambda span: (span.start, span.end))
    if changed:
        span = changed[0]
        more = f" and {len(changed) - 1} more" if len(changed) > 1 else ""
        return f"span {span.label} '{truncate(span.text, 30, flatten=True)}'{more}"
    old_labels = dict(old.doc_labels) if old else {}
    new_labels = dict(new.doc_labels) if new else {}
    for group in sorted(old_labels.keys() | new_labels.keys()):
        values = set(old_labels.get(group, ())) ^ set(new_labels.get(group, ()))
        if values:
            return f"{group} {', '.join(sorted(values))}"
    if (old.note if old else "") != (new.note if new else ""):
        return "note"
    old_status = old.status if old else Status.TODO
    new_status = new.status if new else Status.TODO
    if old_status is not new_status:
        return new_status.value.replace("_", " ")
    return "an edit"


def _load_project(store_dir: Path) -> Project | None:
    """The project file beside the stores, if there is one: its module is imported only then,
    since most stores have none and the app's launch does without it."""
    if not (store_dir / PROJECT_FILE).exists():
        return None
    from cooltui.team.project import load_project

    return load_project(store_dir)


def shown_path(path: Path) -> str:
    """A path as the user would type it: from the current folder ("./annotations/root") when it
    is under it, else absolute."""
    absolute = Path.cwd() / path  # not resolved: a symlinked folder keeps the name typed
    try:
        return f"./{absolute.relative_to(Path.cwd())}"
    except ValueError:
        return str(absolute)


def _start(span: Span) -> int:
    return span.start


def _key(scheme: Scheme, action_id: str) -> str:
    """The first key of an app action, as the scheme's [keys] table binds it."""
    action = next(action for action in ACTIONS if action.id == action_id)
    return key_shown(split_keys(bound_keys(action, scheme.app_keys))[0])
