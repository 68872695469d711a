"""The consistency queue: texts an annotator labelled somewhere and left unlabelled, or labelled
otherwise, elsewhere.

An item is a text that is the text of at least one of the annotator's spans, with how many spans
of each label it has. Texts are compared exactly, case included: "Bank" and "bank" are two texts
(a bank and a river bank), and so are "Polres Dumai" and "Polres  Dumai". An item is in the queue
when its spans have two labels or more, or when the text also occurs unlabelled: as whole tokens
(cooltui.text's tokens, so "Dumai" never counts inside "Dumaian") and outside every span. An
occurrence inside or across another span ("Dumai" inside a span "Polres Dumai") belongs to that
span and is not counted. The articles searched are those of the annotator's annotations (`only`:
those marked done, or every annotated one) whose text is still the one they were made on.

How it is fast: every labelled text goes into one Aho-Corasick automaton (pyahocorasick), which
finds them all in one pass over an article. Texts and articles are searched in a *marked* form,
with SEP at every token boundary ("Polri," is SEP Polri SEP , SEP), so that every match is whole
tokens; the characters of the article's own spans are masked, so that every match is an
unlabelled occurrence, counted in C. Spans are read once from the store and kept in arrays of
ints; each article is read once, in corpus order, and not kept.

Memory holds the labelled texts (the automaton takes about 0.5 KB a text), the articles' spans
as ints, and at most KEPT occurrences of each item: nothing of the articles' texts.

Ignoring: the texts an annotator set aside are kept in <store>/<annotator>/IGNORED_FILE, a JSON
file written whole and atomically, one text a line, so that git shows a change as one line.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import accumulate, count, pairwise
from operator import add, itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import orjson

from cooltui.corpus import Corpus, CorpusError, text_sha
from cooltui.errors import CoolError
from cooltui.model import Annotation, Status
from cooltui.text import tokenize

if TYPE_CHECKING:
    from multiprocessing.sharedctypes import Synchronized

    import ahocorasick

Only = Literal["done", "all"]
"""Which annotations are searched: those marked done, or every annotated one."""

KEPT = 200
"""Occurrences kept for each item: enough to walk and show; `occurrences_of` finds them all."""

PARALLEL_MIN = 5_000
"""Fewer articles are searched in one process: starting workers would cost more than it saves."""

IGNORED_FILE = "consistency-ignored.json"

Progress = Callable[[int, int], None]
"""Told (steps done, steps in all): an annotation read, then an article searched."""

_PROGRESS_EVERY = 1_000

SEP = "\x1f"
"""Marks a token boundary in a marked text. `normalise` strips every control character, so none
is ever part of an article's text or of a span's."""
_MASK = "\x1e"
"""Stands for a span's characters in a marked text: no marked labelled text holds it."""

_CACHED_PARTS = 200_000
"""Marked parts kept while searching: news repeats its words, so most are found here."""
_SHORT_PART = 256
"""A marked part up to this long is counted through for an offset; a longer one bisected."""

_WHITESPACE = re.compile(r"(\s+)")
_VALUE = itemgetter(1)

_SPAN_INTS = 4
"""A span in the arrays of spans: start, end, item number (-1: not searched for), label number."""
_OCCURRENCE_INTS = 4
"""An occurrence kept: the article's place in the corpus, start, end, label number (-1:
unlabelled)."""


class ConsistencyError(CoolError):
    """The ignored texts' file cannot be read or written."""


@dataclass(frozen=True, slots=True)
class Occurrence:
    """Where an item's text stands in an article without the item's label: unlabelled (label
    None), or as a span labelled `label`."""

    article_id: str
    start: int
    end: int
    label: str | None = None


@dataclass(frozen=True, slots=True)
class Item:
    """A text of the queue."""

    text: str
    label: str
    """The label its spans have most often (of labels as frequent, the first by name): the one
    to give it where it is unlabelled or labelled otherwise."""
    labels: Mapping[str, int]
    """How many spans of each label it has, most first."""
    unlabelled: int
    """Its whole-token occurrences outside every span."""
    occurrences: tuple[Occurrence, ...]
    """The first KEPT (in corpus order) of its unlabelled occurrences and of its spans labelled
    otherwise."""

    @property
    def otherwise(self) -> int:
        """Its spans labelled otherwise than `label`."""
        return sum(self.labels.values()) - self.labels[self.label]

    @property
    def to_check(self) -> int:
        """Its occurrences without `label`: what puts it in the queue, and where."""
        return self.unlabelled + self.otherwise

    @property
    def complete(self) -> bool:
        """Whether `occurrences` holds all of them (if not, `occurrences_of` finds them)."""
        return len(self.occurrences) == self.to_check


@dataclass(frozen=True, slots=True)
class ConsistencyQueue:
    """The items to check, worst first (most occurrences to check, then by text)."""

    items: tuple[Item, ...]
    articles: int
    """The articles searched."""
    ignored: tuple[str, ...] = ()
    """The texts that would be items but are ignored, sorted."""
    skipped: Mapping[str, int] = field(default_factory=dict)
    """Annotations not searched, by why: "missing" (no such article in the corpus), "stale"
    (the article's text changed since) and "unreadable" (its file cannot be read)."""


def find_inconsistencies(
    corpus: Corpus,
    annotations: Iterable[Annotation],
    *,
    only: Only = "done",
    ignored: Collection[str] = frozenset(),
    progress: Progress | None = None,
    jobs: int = 1,
) -> ConsistencyQueue:
    """The consistency queue of one annotator's `annotations` (their Store, or any iterable of
    them) over `corpus`, without the `ignored` texts.

    Articles are read with Article.read_text, which neither keeps a text nor drops one that the
    app shows: this may run in a worker thread while the app reads. `jobs` > 1 searches a
    large corpus in that many forked processes: only for a process without threads (the
    command line), never the app.
    """
    search = _Search(corpus, only, progress)
    search.collect(annotations)
    found = search.find(KEPT, jobs)
    items, left_out = [], []
    for item in search.items(found):
        (left_out if item.text in ignored else items).append(item)
    items.sort(key=lambda item: (-item.to_check, item.text))
    return ConsistencyQueue(
        tuple(items),
        found.searched,
        tuple(sorted(item.text for item in left_out)),
        dict(search.skipped + found.skipped),
    )


def occurrences_of(
    text: str, corpus: Corpus, annotations: Iterable[Annotation], *, only: Only = "done"
) -> tuple[Occurrence, ...]:
    """Every occurrence of `text` to check, as in Item.occurrences but with no limit: to label
    every occurrence of an item whose `occurrences` are not complete."""
    search = _Search(corpus, only, None, texts={text})
    search.collect(annotations)
    found = search.find(None, jobs=1)
    return next((item.occurrences for item in search.items(found)), ())


# --- the ignored texts -----------------------------------------------------------------------


def ignored_path(store_dir: Path, annotator: str) -> Path:
    return Path(store_dir) / annotator / IGNORED_FILE


def load_ignored(store_dir: Path, annotator: str) -> frozenset[str]:
    """The texts `annotator` ignores; none when there is no such file."""
    path = ignored_path(store_dir, annotator)
    try:
        data = orjson.loads(path.read_bytes())
    except FileNotFoundError:
        return frozenset()
    except OSError as error:
        raise ConsistencyError(f"{path}: cannot read it ({error.strerror or error})") from None
    except orjson.JSONDecodeError as error:
        raise ConsistencyError(f"{path}: not JSON ({error}); fix or remove the file") from None
    texts = data.get("ignored") if isinstance(data, dict) else None
    if not isinstance(texts, list) or not all(isinstance(text, str) for text in texts):
        raise ConsistencyError(
            f'{path}: not {{"ignored": [a list of texts]}}; fix or remove the file'
        )
    return frozenset(texts)


def ignore(store_dir: Path, annotator: str, texts: Iterable[str]) -> frozenset[str]:
    """Add `texts` to those `annotator` ignores; returns the texts ignored now."""
    return _save_ignored(store_dir, annotator, load_ignored(store_dir, annotator) | set(texts))


def unignore(store_dir: Path, annotator: str, texts: Iterable[str]) -> frozenset[str]:
    """Take `texts` out of those `annotator` ignores; returns the texts ignored now."""
    return _save_ignored(store_dir, annotator, load_ignored(store_dir, annotator) - set(texts))


def _save_ignored(store_dir: Path, annotator: str, texts: frozenset[str]) -> frozenset[str]:
    from cooltui.store import atomic_write

    path = ignored_path(store_dir, annotator)
    if not path.parent.is_dir():
        raise ConsistencyError(
            f"there is no store of {annotator!r} in {store_dir}; check --store and --annotator"
        )
    data = orjson.dumps({"ignored": sorted(texts)}, option=orjson.OPT_INDENT_2) + b"\n"
    try:
        atomic_write(path, data)
    except OSError as error:
        raise ConsistencyError(f"{path}: cannot write it ({error.strerror or error})") from None
    return texts


# --- marked texts ----------------------------------------------------------------------------


class _Marker(dict[str, str]):
    """Marks texts: SEP at every token boundary, whitespace left as it is.

    A text is marked part by part (the text split at spaces), each distinct part once and then
    looked up. That gives the tokens of the whole text: tokens never hold whitespace, and the
    tokenizer looks at no character past the whitespace around a token (the tests check this
    against `tokenize` on whole texts). Tokenizing every article whole would take longer than
    the whole search.
    """

    def __missing__(self, part: str) -> str:
        if len(self) >= _CACHED_PARTS:
            self.clear()  # the frequent parts come back at once; memory stays bounded
        marked = self[part] = "".join(map(_mark_chunk, _WHITESPACE.split(part)))
        return marked

    def mark(self, text: str) -> str:
        return " ".join(map(self.__getitem__, text.split(" ")))


def _mark_chunk(chunk: str) -> str:
    """A chunk without whitespace marked (whitespace itself, or nothing, as it is)."""
    if not chunk or chunk.isspace():
        return chunk
    if chunk.isascii() and chunk.isalnum():  # one token: most chunks of news
        return f"{SEP}{chunk}{SEP}"
    bounds = sorted({edge for token in tokenize(chunk) for edge in token[:2]})
    return f"{SEP}{SEP.join(chunk[start:end] for start, end in pairwise(bounds))}{SEP}"


class _Marked:
    """An article's text marked, with the characters of its spans masked (and the SEPs between
    them), so that no match can overlap a span; and the way from a SEP of it back to the text's
    offset. The SEPs at a span's edges stay, for the tokens beside it."""

    __slots__ = ("_bounds", "_marked_starts", "_starts", "marked_parts", "parts", "text")

    def __init__(self, text: str, marker: _Marker, spans: Iterable[tuple[int, int]]) -> None:
        self.parts = text.split(" ")
        self.marked_parts = list(map(marker.__getitem__, self.parts))
        # Made when first needed: where each part starts in the text and in the marked text,
        # and the token boundaries of a part.
        self._starts: list[int] = []
        self._marked_starts: list[int] = []
        self._bounds: dict[int, list[int]] = {}
        self.text = " ".join(self._masked(text, spans))

    def _masked(self, text: str, spans: Iterable[tuple[int, int]]) -> list[str]:
        """The marked parts with the spans (sorted by start) masked. A span's parts are found
        by counting spaces, in C: no offset is worked out for every part."""
        masked: list[str] | None = None
        part, counted = 0, 0  # the part of the text's character at `counted`
        for start, end in spans:
            part += text.count(" ", counted, start)
            counted = start
            first, at = part, text.rfind(" ", 0, start) + 1  # a part, and where it starts
            while at < end and first < len(self.parts):
                begin, stop = max(start, at), min(end, at + len(self.parts[first]))
                if stop > begin:
                    masked = masked or list(self.marked_parts)
                    left, right = self._masked_range(first, begin - at, stop - at)
                    was = masked[first]
                    masked[first] = f"{was[:left]}{_MASK * (right - left)}{was[right:]}"
                first, at = first + 1, at + len(self.parts[first]) + 1
        return masked or self.marked_parts

    def _masked_range(self, part: int, first: int, stop: int) -> tuple[int, int]:
        """Where the characters of a part from `first` to `stop` (offsets into the part), and
        the SEPs between them, stand in its marked form."""
        marked = self.marked_parts[part]
        if first == 0 and stop == len(self.parts[part]) and marked[0] == marked[-1] == SEP:
            return 1, len(marked) - 1  # a whole part: the commonest case
        bounds = self._part_bounds(part)
        return first + bisect_right(bounds, first), stop + bisect_right(bounds, stop - 1)

    def _part_bounds(self, part: int) -> list[int]:
        """The token boundaries of a part, as offsets into it: one a SEP of its marked form,
        each before the character at its offset."""
        bounds = self._bounds.get(part)
        if bounds is None:
            pieces = self.marked_parts[part].split(SEP)[:-1]
            bounds = self._bounds[part] = list(accumulate(map(len, pieces)))
        return bounds

    def offset(self, sep: int) -> int:
        """The text's offset of the token boundary marked by the SEP at `sep`."""
        if not self._starts:
            # A part starts after the parts before it and a space after each.
            self._starts = list(map(add, accumulate(map(len, self.parts), initial=0), count()))
            self._marked_starts = list(
                map(add, accumulate(map(len, self.marked_parts), initial=0), count())
            )
        part = bisect_right(self._marked_starts, sep) - 1
        local = sep - self._marked_starts[part]
        marked = self.marked_parts[part]
        if len(marked) <= _SHORT_PART:
            seps_before = marked.count(SEP, 0, local)
        else:  # a text without spaces is one part: no counting through it each time
            bounds = self._part_bounds(part)
            seps_before = bisect_left(range(len(bounds)), local, key=lambda n: bounds[n] + n)
        return self._starts[part] + local - seps_before


# --- the search ------------------------------------------------------------------------------


@dataclass(slots=True)
class _Found:
    """What a search of articles found."""

    unlabelled: Counter[int] = field(default_factory=Counter)
    kept: dict[int, array[int]] = field(default_factory=dict)
    """Each item's occurrences kept, in corpus order, as _OCCURRENCE_INTS ints each."""
    searched: int = 0
    skipped: Counter[str] = field(default_factory=Counter)

    def add(self, later: _Found, kept: int | None) -> None:
        """Add what the search of later articles found, keeping at most `kept` of each item."""
        self.unlabelled.update(later.unlabelled)
        for number, occurrences in later.kept.items():
            mine = self.kept.setdefault(number, array("q"))
            room = len(occurrences) if kept is None else kept * _OCCURRENCE_INTS - len(mine)
            mine.extend(occurrences[:room])
        self.searched += later.searched
        self.skipped.update(later.skipped)


class _Search:
    """The labelled texts of one annotator's annotations, then each of their articles searched
    for them."""

    def __init__(
        self,
        corpus: Corpus,
        only: Only,
        progress: Progress | None,
        texts: Collection[str] | None = None,
    ) -> None:
        self.corpus = corpus
        self.only_done = only == "done"
        self.wanted = texts
        """Only these texts, when given (occurrences_of)."""
        self.progress = progress
        self.done = 0
        self.total = 0
        self.number: dict[str, int] = {}
        """Each labelled text's item number."""
        self.texts: list[str] = []
        self.labels: list[Counter[int]] = []
        """Each item's spans, counted by label number."""
        self.label_names: list[str] = []
        self.label_number: dict[str, int] = {}
        self.spans: dict[int, array[int]] = {}
        """The spans of each article to search, by its place in the corpus, as _SPAN_INTS ints
        each."""
        self.skipped: Counter[str] = Counter()

    def tick(self, steps: int = 1) -> None:
        before, self.done = self.done, self.done + steps
        if self.progress is not None and before // _PROGRESS_EVERY != self.done // _PROGRESS_EVERY:
            self.progress(self.done, self.total)

    def _in_scope(self, annotation: Annotation) -> bool:
        if self.only_done:
            return annotation.status is Status.DONE
        return _annotated(annotation)

    # The first pass: the annotations.

    def collect(self, annotations: Iterable[Annotation]) -> None:
        places = {article.id: place for place, article in enumerate(self.corpus)}
        if isinstance(annotations, Collection):
            self.total = 2 * len(annotations)  # till the articles to search are known
        for annotation in annotations:
            self.tick()
            if not self._in_scope(annotation):
                continue
            place = places.get(annotation.article_id)
            if place is None:
                self.skipped["missing"] += 1
            elif self.corpus.articles[place].text_sha != annotation.text_sha:
                self.skipped["stale"] += 1
            else:
                self.spans[place] = self._span_ints(annotation)
        self.total = self.done + len(self.spans)

    def _span_ints(self, annotation: Annotation) -> array[int]:
        """The annotation's spans as ints, each counted under its text and label."""
        ints = array("q")
        wanted = self.wanted
        for span in annotation.spans:
            label = self.label_number.get(span.label)
            if label is None:
                label = self.label_number[span.label] = len(self.label_names)
                self.label_names.append(span.label)
            number = -1 if wanted is not None and span.text not in wanted else self._item(span.text)
            if number >= 0:
                self.labels[number][label] += 1
            ints.extend((span.start, span.end, number, label))
        return ints

    def _item(self, text: str) -> int:
        number = self.number.get(text)
        if number is None:
            number = self.number[text] = len(self.texts)
            self.texts.append(text)
            self.labels.append(Counter())
        return number

    def ranked(self, labels: Counter[int]) -> list[tuple[int, int]]:
        """(label number, spans) most first, then by the label's name."""
        names = self.label_names
        return sorted(labels.items(), key=lambda pair: (-pair[1], names[pair[0]]))

    # The second pass: the articles, in corpus order.

    def find(self, kept: int | None, jobs: int) -> _Found:
        """Count the unlabelled occurrences of every item, and keep up to `kept` (or all)
        occurrences to check of each; in `jobs` processes when that pays."""
        finder = _Finder(self, kept)
        places = sorted(self.spans)
        if jobs > 1 and len(places) >= PARALLEL_MIN and _can_fork():
            found = _find_in_shares(finder, places, jobs, self.tick)
        else:
            found = finder.search(places, self.tick)
        if self.progress is not None:
            self.progress(self.done, self.total)  # the end, whatever the step
        return found

    def items(self, found: _Found) -> Iterator[Item]:
        """The items of the queue, in no order."""
        names, articles = self.label_names, self.corpus.articles
        for number, text in enumerate(self.texts):
            labels = self.labels[number]
            unlabelled = found.unlabelled[number]
            if unlabelled == 0 and len(labels) < 2:
                continue
            ranked = self.ranked(labels)
            kept = found.kept.get(number, array("q"))
            yield Item(
                text,
                names[ranked[0][0]],
                {names[label]: spans for label, spans in ranked},
                unlabelled,
                tuple(
                    Occurrence(articles[place].id, start, end, names[label] if label >= 0 else None)
                    for place, start, end, label in sorted(zip(*_fields(kept, 4), strict=True))
                ),
            )


class _Finder:
    """The search of articles, one at a time, in corpus order.

    Two automata: `counting` holds every labelled text, and its matches are only counted, in C;
    `locating` holds the texts of the items still short of `kept` occurrences, whose matches
    are placed and kept. It is made again, smaller, as they are filled, so that a corpus full
    of occurrences is soon searched by `counting` alone.
    """

    def __init__(self, search: _Search, kept: int | None) -> None:
        self.corpus = search.corpus
        self.spans = search.spans
        self.kept = kept
        self.marker = _Marker()
        self.marked_texts = [self.marker.mark(text) for text in search.texts]
        self.counting = _automaton(self.marked_texts, range(len(search.texts)))
        self.main = [search.ranked(labels)[0][0] for labels in search.labels]
        """Each item's most frequent label number."""
        # What one search finds and where it stands (see search).
        self.found = _Found()
        self.open: set[int] = set()
        """The items with fewer than `kept` occurrences kept."""
        self.locating = self.counting
        self.located = 0
        """How many items `locating` holds."""

    def search(self, places: Iterable[int], tick: Callable[[], None]) -> _Found:
        """What the articles at `places` hold (a search afresh: a worker process may be given
        two shares)."""
        self.found = _Found()
        self.open = set(range(len(self.marked_texts)))
        self.locating, self.located = self.counting, len(self.open)
        for place in places:
            tick()
            text = self._text(place)
            if text is not None:
                self._article(place, text, self.spans[place])
        return self.found

    def _text(self, place: int) -> str | None:
        """The text of the article at `place`, or None if it cannot be searched (and why is
        counted)."""
        article = self.corpus.articles[place]
        try:
            text = article.read_text()
        except CorpusError:
            self.found.skipped["unreadable"] += 1
            return None
        if text_sha(text) != article.text_sha:  # changed since the corpus was indexed
            self.found.skipped["stale"] += 1
            return None
        return text

    def _article(self, place: int, text: str, spans: array[int]) -> None:
        self.found.searched += 1
        starts, ends, numbers, labels = _fields(spans, _SPAN_INTS)
        if self.open:
            for start, end, number, label in zip(starts, ends, numbers, labels, strict=True):
                if number in self.open and label != self.main[number]:
                    self._keep(number, place, start, end, label)
        if self.counting is None:
            return
        marked = _Marked(text, self.marker, zip(starts, ends, strict=True))
        self.found.unlabelled.update(map(_VALUE, self.counting.iter(marked.text)))  # the bulk
        if self.locating is None:
            return
        for end, number in self.locating.iter(marked.text):
            if number in self.open:
                first = end + 1 - len(self.marked_texts[number])
                self._keep(number, place, marked.offset(first), marked.offset(end), -1)
        if len(self.open) <= self.located // 2:
            self.locating = _automaton(self.marked_texts, self.open)
            self.located = len(self.open)

    def _keep(self, number: int, place: int, start: int, end: int, label: int) -> None:
        occurrences = self.found.kept.setdefault(number, array("q"))
        occurrences.extend((place, start, end, label))
        if self.kept is not None and len(occurrences) >= self.kept * _OCCURRENCE_INTS:
            self.open.discard(number)


def _fields(ints: array[int], width: int) -> list[array[int]]:
    """Each field of the records of `width` ints laid end to end in `ints`."""
    return [ints[at::width] for at in range(width)]


# --- worker processes ------------------------------------------------------------------------

# What the forked workers search: set by the parent just before forking, inherited, never
# pickled; with a counter of the articles searched, shared with the parent for its progress.
_JOB: tuple[_Finder, list[list[int]], Synchronized[int]] | None = None
_TELL_EVERY = 200


def _find_in_shares(
    finder: _Finder, places: list[int], jobs: int, tick: Callable[[int], None]
) -> _Found:
    """`finder`'s search of `places` by `jobs` forked processes, each taking a share of them in
    a row, put together in corpus order. `tick` is told of the articles searched as they are."""
    global _JOB  # noqa: PLW0603 - handed to the forked workers, which inherit it
    import multiprocessing

    context = multiprocessing.get_context("fork")
    size = -(-len(places) // jobs)
    shares = [places[at : at + size] for at in range(0, len(places), size)]
    searched = context.Value("q", 0)
    _JOB = (finder, shares, searched)
    told = 0
    try:
        with context.Pool(len(shares)) as pool:
            result = pool.map_async(_search_share, range(len(shares)))
            while not result.ready():
                result.wait(0.25)
                now = searched.value
                tick(now - told)
                told = now
            found = result.get()
    finally:
        _JOB = None
    tick(len(places) - told)
    total = found[0]
    for later in found[1:]:
        total.add(later, finder.kept)
    return total


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def _search_share(index: int) -> _Found:
    assert _JOB is not None
    finder, shares, searched = _JOB
    steps = 0

    def tick() -> None:
        nonlocal steps
        steps += 1
        if steps == _TELL_EVERY:
            with searched.get_lock():
                searched.value += steps
            steps = 0

    return finder.search(shares[index], tick)


def _automaton(marked_texts: list[str], numbers: Iterable[int]) -> ahocorasick.Automaton | None:
    """The automaton of the `numbers` of the marked texts, those that stand on token boundaries
    at both ends (whitespace at an edge is never whole tokens); None if there are none."""
    import ahocorasick

    automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    for number in numbers:
        marked = marked_texts[number]
        if marked.startswith(SEP) and marked.endswith(SEP):
            automaton.add_word(marked, number)
    if not len(automaton):
        return None
    automaton.make_automaton()
    return automaton


def _annotated(annotation: Annotation) -> bool:
    """Worked on: a span, a document label, a note, or a status given."""
    return (
        annotation.status is not Status.TODO
        or bool(annotation.spans)
        or bool(annotation.note)
        or any(annotation.doc_labels.values())
    )
