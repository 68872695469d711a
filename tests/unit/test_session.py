"""The headless session: what done, skip, flag, undo and next unfinished mean, with no screen."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from cooltui.corpus import load_corpus
from cooltui.edits import EditRefused, label_range, toggle_value
from cooltui.model import Annotation, Status
from cooltui.scheme import load_scheme
from cooltui.session import IDLE_SECONDS, NotDoneYet, ReviewItem, Session, SessionRefused
from cooltui.store import Store, StoreCorrupt
from cooltui.suggest import Suggester, Suggestions
from cooltui.suggest.themes import ThemeSuggestion

FIRST, SECOND, THIRD, FOURTH, FIFTH = (
    "000_368710ebfebd31c9",
    "001_77e9b59e62f45c1c",
    "002_217cba9fa2ed1089",
    "003_5bf4fdd0230e5f0d",
    "004_d053499ff816151a",
)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def suggester() -> Suggester:
    """The default scheme without the check before done (tested apart, with `checking`)."""
    return Suggester(replace(load_scheme(), check_done=False))


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def open_session(tmp_path: Path, seeds: Path, suggester: Suggester, clock: Clock):
    """Open a session on the seeds and alice's store (read-only if asked); closed at the end."""
    opened: list[Session] = []

    def open_(read_only: bool = False, corpus: Path = seeds) -> Session:
        store = Store.open(tmp_path / "ann", "alice", read_only=read_only)
        session = Session(load_corpus([corpus]), store, suggester, clock=clock)
        opened.append(session)
        return session

    yield open_
    for session in opened:
        session.store.close()


@pytest.fixture
def session(open_session) -> Iterator[Session]:
    session = open_session()
    first = session.first_article()
    assert first is not None
    session.open(first)
    return session


def tag_word(session: Session, word: str, label: str) -> None:
    """Label the first occurrence of `word` in the open article."""
    assert session.article is not None
    text = session.article.text
    start = text.index(word)
    session.edit(lambda a: label_range(a, text, start, start + len(word), label, session.scheme))


def test_it_starts_at_the_first_unfinished_article(session: Session) -> None:
    assert session.article is not None and session.article.id == FIRST
    assert session.annotation is not None and session.annotation.is_empty
    assert session.counts().done == 0 and session.counts().total == 5


def test_done_goes_to_the_next_unfinished_and_wraps(session: Session) -> None:
    session.open(THIRD)
    session.finish(Status.DONE)  # marks THIRD done
    session.open(FIRST)
    assert session.finish(Status.SKIPPED) == SECOND
    session.open(FIFTH)
    assert session.finish(Status.DONE) == SECOND  # wraps, past the skipped and the done
    assert session.statuses == {THIRD: Status.DONE, FIRST: Status.SKIPPED, FIFTH: Status.DONE}
    assert session.counts().done == 2


def test_every_article_finished_has_no_next(session: Session) -> None:
    for article_id in (FIRST, SECOND, THIRD, FOURTH):
        session.open(article_id)
        session.finish(Status.DONE)
    session.open(FIFTH)
    assert session.finish(Status.SKIPPED) is None
    assert session.next_unfinished(after=None) is None


def test_neighbours_stop_at_either_end(session: Session) -> None:
    assert session.neighbour(-1) is None
    assert session.neighbour(1) == SECOND
    session.open(FIFTH)
    assert session.neighbour(1) is None and session.neighbour(-4) == FIRST


def test_flag_then_unflag(session: Session) -> None:
    assert session.toggle_flag() is True
    assert session.statuses[FIRST] is Status.FLAGGED
    assert session.toggle_flag() is False
    assert session.statuses[FIRST] is Status.IN_PROGRESS


def test_an_edit_is_saved_and_puts_the_article_in_progress(session: Session) -> None:
    tag_word(session, "Polsek Minas", "ORG")
    session.store.flush()
    stored = session.store.get(FIRST)
    assert stored is not None and [s.text for s in stored.spans] == ["Polsek Minas"]
    assert session.statuses[FIRST] is Status.IN_PROGRESS


def test_a_refused_edit_changes_nothing(session: Session) -> None:
    tag_word(session, "Polsek Minas", "ORG")
    before = session.annotation
    with pytest.raises(EditRefused, match="overlaps"):
        tag_word(session, "Minas", "LOC")
    assert session.annotation is before


def test_time_spent_counts_pauses_up_to_the_idle_cap(session: Session, clock: Clock) -> None:
    clock.now += 30
    session.set_note("thirty seconds in")
    assert session.annotation is not None and session.annotation.seconds == pytest.approx(30)
    clock.now += 600  # ten minutes away: five are counted
    session.set_note("back after a break")
    assert session.annotation.seconds == pytest.approx(30 + IDLE_SECONDS)
    clock.now += 5
    session.toggle_flag()
    assert session.annotation.seconds == pytest.approx(35 + IDLE_SECONDS)


def test_opening_an_article_restarts_its_clock(session: Session, clock: Clock) -> None:
    clock.now += 200  # reading another article does not count for this one
    session.open(SECOND)
    clock.now += 10
    session.set_note("ten seconds")
    assert session.annotation is not None and session.annotation.seconds == pytest.approx(10)


def test_the_pace_shows_after_three_done_and_five_active_minutes(
    session: Session, clock: Clock
) -> None:
    """Done articles per hour of active time (pauses capped), and only once it means something;
    an article undone from done no longer counts."""
    for article_id, minutes in ((FIRST, 1), (SECOND, 2), (THIRD, 1)):
        session.open(article_id)
        clock.now += 60 * minutes
        session.finish(Status.DONE)
    assert session.counts().per_hour is None  # three done, but four minutes of work
    session.open(FOURTH)
    clock.now += 3600  # a long pause: five minutes of it count
    session.set_note("back")
    assert session.counts().per_hour == pytest.approx(3 / (9 / 60))
    session.undo()  # the note
    session.undo()  # THIRD back from done
    assert session.counts().per_hour is None


def test_the_done_count_is_of_the_corpus_in_view(open_session, tmp_path, seeds) -> None:
    """The store may hold records of articles of another corpus: they are not counted."""
    everything = open_session()
    for article_id in (FIRST, SECOND):
        everything.open(article_id)
        everything.finish(Status.DONE)
    everything.store.close()
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for article_id in (SECOND, THIRD):
        (corpus / f"{article_id}.txt").write_bytes((seeds / f"{article_id}.txt").read_bytes())
    part = open_session(corpus=corpus)
    assert part.counts().done == 1 and part.counts().total == 2
    part.open(THIRD)
    part.finish(Status.DONE)
    assert part.counts().done == 2


def test_undo_and_redo_across_articles(session: Session) -> None:
    tag_word(session, "Polsek Minas", "ORG")
    session.open(SECOND)
    session.edit(lambda a: (toggle_value(a, session.scheme, "themes", "KAMTIBMAS"), None))
    undone = session.undo()
    assert undone is not None and undone.article_id == SECOND and not undone.elsewhere
    assert session.annotation is not None and not session.annotation.doc_labels
    undone = session.undo()  # the first article's span, while the second is open
    assert undone is not None and undone.article_id == FIRST and undone.elsewhere
    assert session.store.get(FIRST) is None  # its only edit undone: no record
    assert session.statuses.get(FIRST, Status.TODO) is Status.TODO
    redone = session.redo()
    assert redone is not None and redone.elsewhere
    redone_first = session.store.get(FIRST)
    assert redone_first is not None and [s.text for s in redone_first.spans] == ["Polsek Minas"]
    assert session.undo() is not None and session.undo() is None


def test_undo_reaches_across_a_restart(open_session) -> None:
    first = open_session()
    first.open(FIRST)
    tag_word(first, "Polsek Minas", "ORG")
    first.finish(Status.DONE)
    first.store.close()
    again = open_session()
    assert again.counts().done == 1 and again.first_article() == SECOND
    again.open(again.first_article())
    undone = again.undo()
    assert undone is not None and undone.article_id == FIRST and undone.elsewhere
    assert again.statuses[FIRST] is Status.IN_PROGRESS
    assert again.counts().done == 0


def test_a_read_only_session_refuses_every_change_with_its_reason(
    session: Session, open_session
) -> None:
    tag_word(session, "Polsek Minas", "ORG")
    session.store.flush()
    reader = open_session(read_only=True)
    reader.open(FIRST)
    for change in (
        lambda: tag_word(reader, "Siak", "LOC"),
        lambda: reader.finish(Status.DONE),
        reader.toggle_flag,
        lambda: reader.set_note("x"),
        reader.undo,
    ):
        with pytest.raises(SessionRefused, match=r"read-only \(opened read-only\)"):
            change()
    assert reader.statuses[FIRST] is Status.IN_PROGRESS


def test_nothing_open_is_refused(open_session) -> None:
    session = open_session()
    with pytest.raises(SessionRefused, match="no article is open"):
        session.finish(Status.DONE)


@pytest.fixture
def changed(open_session, tmp_path: Path, seeds: Path) -> Session:
    """A session on an article done with two spans, whose text then changed so that one of
    them ("Kanit Provos", now "Kanit Propam") waits for review."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = (seeds / f"{FIRST}.txt").read_text(encoding="utf-8")
    (corpus / f"{FIRST}.txt").write_text(text, encoding="utf-8")
    (corpus / f"{SECOND}.txt").write_bytes((seeds / f"{SECOND}.txt").read_bytes())
    before = open_session(corpus=corpus)
    before.open(FIRST)
    tag_word(before, "Kanit Provos", "ROLE")
    tag_word(before, "Polsek Minas", "ORG")
    before.finish(Status.DONE)
    before.store.close()
    (corpus / f"{FIRST}.txt").write_text(
        "Judul baru\n\n" + text.replace("Kanit Provos", "Kanit Propam"), encoding="utf-8"
    )
    session = open_session(corpus=corpus)
    assert FIRST in session.stale  # marked before it is opened
    opened = session.open(FIRST)
    assert opened is not None and opened.note == ""  # the warning above the text says it
    return session


def test_a_changed_text_is_reanchored_and_counted_at_once(changed: Session) -> None:
    """Re-anchoring flagged the article (a span needs review): the statuses say so at once."""
    stored = changed.store.get(FIRST)
    assert stored is not None and len(stored.review) == 1
    assert changed.statuses[FIRST] is stored.status is Status.FLAGGED
    assert FIRST not in changed.stale  # re-anchored: what waits is in the record, flagged


def test_a_span_waiting_for_review_is_proposed_where_it_probably_went(changed: Session) -> None:
    (item,) = changed.review_items()
    assert isinstance(item, ReviewItem)
    assert item.entry.text == "Kanit Provos"
    assert item.proposed is not None and item.proposed.text == "Kanit Propam"
    assert changed.statuses[FIRST] is Status.FLAGGED
    assert changed.counts().done == 0


def test_placing_the_last_span_waiting_for_review_makes_the_article_done_again(
    changed: Session,
) -> None:
    (item,) = changed.review_items()
    assert item.proposed is not None
    placed = changed.place_review(item.entry, item.proposed.start, item.proposed.end, "ROLE")
    assert placed is not None and placed.text == "Kanit Propam"
    stored = changed.store.get(FIRST)
    assert stored is not None and stored.review == () and stored.status is Status.DONE
    assert changed.statuses[FIRST] is Status.DONE and changed.counts().done == 1
    assert FIRST not in changed.stale and not changed.row(changed.corpus.articles[0]).stale
    assert changed.review_items() == ()
    undone = changed.undo()  # one undo puts it back to review
    assert undone is not None and changed.statuses[FIRST] is Status.FLAGGED


def test_dropping_a_span_waiting_for_review(changed: Session) -> None:
    (item,) = changed.review_items()
    changed.drop_review(item.entry)
    stored = changed.store.get(FIRST)
    assert stored is not None and stored.review == () and stored.status is Status.DONE
    assert [s.text for s in stored.spans] == ["Polsek Minas"]
    with pytest.raises(EditRefused, match="no longer waits"):
        changed.drop_review(item.entry)


def test_a_status_set_by_hand_meanwhile_is_kept(changed: Session) -> None:
    changed.toggle_flag()  # unflagged by hand: in progress
    (item,) = changed.review_items()
    changed.drop_review(item.entry)
    assert changed.statuses[FIRST] is Status.IN_PROGRESS


def test_done_waits_for_the_review(changed: Session) -> None:
    checking = Session(
        changed.corpus, changed.store, Suggester(load_scheme()), clock=changed._clock
    )
    checking.open(FIRST)
    with pytest.raises(NotDoneYet, match="1 span still need review: tab goes to each"):
        checking.finish(Status.DONE)


def test_the_filter_reads_bodies_without_touching_the_open_article(session: Session) -> None:
    """The body search runs in a worker thread: it must not load or drop texts the UI uses."""
    assert session.article is not None
    shown = session.article.text
    found: dict[str, str] = {}
    worker = threading.Thread(
        target=lambda: found.update({i: session.body(i) for i in (FIRST, SECOND, "missing")})
    )
    worker.start()
    worker.join()
    assert found[FIRST] is shown and found["missing"] == ""
    assert found[SECOND].startswith("TOPIKMETRO.COM, BDR. SEIKIJANG")
    second = session.corpus.get(SECOND)
    assert second is not None and second._text is None  # read, not kept
    assert session.article._text is shown  # not dropped


def test_facts_for_the_filter(session: Session) -> None:
    assert session.facts(FIRST) is None
    tag_word(session, "Polsek Minas", "ORG")
    session.edit(lambda a: (toggle_value(a, session.scheme, "themes", "KAMTIBMAS"), None))
    facts = session.facts(FIRST)
    assert facts is not None
    assert facts.labels == frozenset({"ORG"})
    assert ("themes", "KAMTIBMAS") in facts.values


def test_suggestions_on_offer_follow_the_edits(session: Session) -> None:
    offered = session.offered()
    assert offered, "the seeds have suggestions"
    first = offered[0]
    assert session.article is not None
    text = session.article.text
    session.edit(
        lambda a: label_range(a, text, first.start, first.end, first.label, session.scheme)
    )
    assert first not in session.offered()
    session.suggestions_shown = False
    assert session.offered() == () and session.suggested_values() == frozenset()


def test_stepping_through_suggestions_wraps_at_either_end(session: Session) -> None:
    offered = session.offered()
    assert len(offered) > 2
    first, second, last = offered[0], offered[1], offered[-1]
    assert session.suggestion_from(0, 1) is first
    assert session.suggestion_from(first.start, 1, current=first) is second
    assert session.suggestion_from(second.start + 1, -1) is second
    assert session.suggestion_from(last.start, 1, current=last) is first  # wraps
    assert session.suggestion_from(first.start, -1, current=first) is last
    assert session.suggestion_from(last.end + 1, 1) is first
    session.suggestions_shown = False
    assert session.suggestion_from(0, 1) is None


def test_accept_all_takes_the_spans_and_themes_and_one_undo_takes_all_back(
    session: Session,
) -> None:
    offered = session.offered()
    suggested = session.suggested_values()
    assert offered and suggested, "the first seed has suggested spans and themes"
    spans, values = session.accept_all()
    assert (spans, values) == (len(offered), len(suggested))
    annotation = session.annotation
    assert annotation is not None and session.offered() == ()
    chosen = {(g, v) for g, values_ in annotation.doc_labels.items() for v in values_}
    assert chosen == suggested
    assert session.accept_all() == (0, 0)
    session.undo()
    assert session.annotation is not None and session.annotation.spans == ()
    assert not any(session.annotation.doc_labels.values())


def test_accept_all_takes_one_value_of_a_single_choice_group_and_only_when_unset(
    session: Session,
) -> None:
    """A scheme whose cues suggest two activities (the default's activities have none)."""
    themes = (
        ThemeSuggestion("activity", "PATROLI", ("patroli",)),
        ThemeSuggestion("activity", "SAMBANG", ("sambang",)),
    )
    session.suggestions = Suggestions(session.suggestions.spans, themes)
    session.accept_all()
    assert session.annotation is not None
    assert session.annotation.doc_labels["activity"] == ("SAMBANG",)  # the scheme's first
    session.undo()
    session.edit(lambda a: (toggle_value(a, session.scheme, "activity", "DIALOG"), None))
    spans, values = session.accept_all()  # the spans again, no activity: one is set
    assert spans > 0 and values == 0
    assert session.annotation.doc_labels["activity"] == ("DIALOG",)


def test_removing_an_accepted_suggestion_puts_it_back_on_offer(session: Session) -> None:
    suggestion = session.offered()[0]
    assert session.article is not None
    text = session.article.text
    made = session.edit(
        lambda a: label_range(
            a,
            text,
            suggestion.start,
            suggestion.end,
            suggestion.label,
            session.scheme,
            suggestion.source,
        )
    )
    assert made is not None and not session.back_on_offer(made)
    session.edit(lambda a: (a.remove_span(made), None))
    assert session.back_on_offer(made)


def test_undo_and_redo_say_what_they_did(session: Session) -> None:
    tag_word(session, "Wan Mantazakka", "PER")
    session.edit(lambda a: (toggle_value(a, session.scheme, "themes", "KAMTIBMAS"), None))
    session.set_note("dua kegiatan")
    following = session.finish(Status.DONE)
    assert following == SECOND
    session.open(following)
    said = []
    for _ in range(4):
        restored = session.undo()
        assert restored is not None
        said.append(restored.said)
    assert said == [
        f"undid: done (in {FIRST})",
        f"undid: note (in {FIRST})",
        f"undid: themes KAMTIBMAS (in {FIRST})",
        f"undid: span PER 'Wan Mantazakka' (in {FIRST})",
    ]
    session.open(FIRST)
    redone = session.redo()
    assert redone is not None and redone.said == "redid: span PER 'Wan Mantazakka'"
    session.redo()
    session.redo()
    redone = session.redo()
    assert redone is not None and redone.said == "redid: done"


@pytest.fixture
def checking(tmp_path: Path, seeds: Path, clock: Clock) -> Iterator[Session]:
    """A session on the default scheme, which checks before done."""
    store = Store.open(tmp_path / "ann", "alice")
    session = Session(load_corpus([seeds]), store, Suggester(load_scheme()), clock=clock)
    session.open(FIRST)
    yield session
    store.close()


def test_done_with_suggestions_open_asks_once_then_marks_done(checking: Session) -> None:
    open_ = len(checking.offered())
    assert open_ > 1
    with pytest.raises(NotDoneYet) as refused:
        checking.finish(Status.DONE)
    assert str(refused.value) == (
        f"{open_} suggestions still open (. goes to each): enter/x each, A takes all; "
        "a again marks it done anyway"
    )
    assert checking.statuses.get(FIRST, Status.TODO) is Status.TODO  # nothing was saved
    assert checking.finish(Status.DONE) == SECOND  # asked again at once: done
    assert checking.statuses[FIRST] is Status.DONE


def test_an_edit_between_two_dones_asks_again(checking: Session) -> None:
    with pytest.raises(NotDoneYet):
        checking.finish(Status.DONE)
    tag_word(checking, "Polsek Minas", "ORG")
    with pytest.raises(NotDoneYet, match="still open"):
        checking.finish(Status.DONE)
    checking.open(SECOND)  # and so does another article
    checking.open(FIRST)
    with pytest.raises(NotDoneYet):
        checking.finish(Status.DONE)


def test_done_with_nothing_labelled_asks_once(checking: Session) -> None:
    """Every suggestion answered (rejected), and no span or document label: asked once."""
    offered = checking.offered()

    def reject_all(annotation: Annotation) -> tuple[Annotation, None]:
        for suggestion in offered:
            annotation = annotation.reject(suggestion)
        return annotation, None

    checking.edit(reject_all)
    assert checking.offered() == ()
    with pytest.raises(NotDoneYet, match="nothing is labelled yet"):
        checking.finish(Status.DONE)
    checking.finish(Status.DONE)
    assert checking.statuses[FIRST] is Status.DONE


def test_an_answered_article_is_done_at_once_and_skip_is_never_checked(
    checking: Session,
) -> None:
    checking.finish(Status.SKIPPED)
    checking.open(FIRST)
    offered = checking.offered()
    checking.edit(lambda a: (a.with_spans((*a.spans, *offered)), None))
    checking.finish(Status.DONE)
    assert checking.statuses[FIRST] is Status.DONE


def test_a_damaged_store_refuses_edits_with_its_message(session: Session) -> None:
    """A shard found damaged when used: the edit is refused with the store's one line (the app
    shows it; it was a traceback)."""
    tag_word(session, "Polsek Minas", "ORG")
    session.store.flush()
    session.store._broken = StoreCorrupt("shard-001.json is damaged", ())
    with pytest.raises(SessionRefused, match=r"shard-001\.json is damaged"):
        session.set_note("after the damage")
    with pytest.raises(SessionRefused, match=r"shard-001\.json is damaged"):
        session.finish(Status.SKIPPED)


def test_undo_never_goes_back_before_a_text_change(changed: Session) -> None:
    """The re-anchoring is the newest edit: undoing it would show spans made on another text."""
    before = changed.store.get(FIRST)
    with pytest.raises(SessionRefused, match="edits before its text changed cannot come back"):
        changed.undo()
    after = changed.store.get(FIRST)
    assert after is not None and before is not None
    assert (after.text_sha, after.review, after.status) == (
        before.text_sha,
        before.review,
        before.status,
    )


def test_a_read_only_session_does_not_lead_to_a_changed_text_it_cannot_re_anchor(
    open_session, changed: Session
) -> None:
    changed.finish(Status.DONE)  # marked done with a span still waiting
    changed.finish(Status.DONE)  # and the second article
    changed.store.close()
    path = Path(changed.corpus.articles[0].path)
    path.write_text("Lagi\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    reader = open_session(read_only=True, corpus=path.parent)
    assert FIRST in reader.stale
    assert reader.next_unfinished(after=SECOND) is None


def test_no_place_is_proposed_over_another_span(changed: Session) -> None:
    (item,) = changed.review_items()
    assert item.proposed is not None
    start = item.proposed.start
    assert changed.article is not None
    text = changed.article.text
    changed.edit(lambda a: label_range(a, text, start, start + 5, "ORG", changed.scheme))
    (item,) = changed.review_items()
    assert item.proposed is None  # placing it there would relabel the ORG span
