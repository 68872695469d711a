"""Adjudication: a gold store made from what two or more annotators finished.

A review is an ordinary session on the gold store ("gold" by default) over the articles two or
more of the annotators marked done, most disagreements first. What all of them made is taken at
once when an article is first opened (unless turned off). What only some made is offered like
a suggestion, its source naming who made it ("review:alice+bob"): `.` and `,` step through the
disagreements, enter takes one, x turns it down, and one key takes one annotator's whole
article. Every other edit works as always, undo included; the spans taken keep who proposed them
as their source.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from cooltui.corpus import Article, Corpus
from cooltui.errors import CoolError
from cooltui.model import Annotation, Span, Status
from cooltui.session import Counts, Opened, Restored, Session
from cooltui.store import Store, annotators, atomic_write
from cooltui.suggest.core import Suggestions
from cooltui.team.compare import Comparison, compare
from cooltui.team.proposers import AGREED, PROPOSED, letters, source_of

if TYPE_CHECKING:
    from cooltui.lazy_suggester import LazySuggester
    from cooltui.suggest import Suggester

GOLD = "gold"
REVIEW_FILE = "review.json"
"""In a review's store folder: whose work it adjudicates. `cooltui agree` leaves such stores out
unless named: a gold store is no annotator's."""


def is_review_store(folder: Path) -> bool:
    return (folder / REVIEW_FILE).is_file()


class ReviewError(CoolError):
    """A review that cannot start: the message says what to give instead."""


@dataclass(frozen=True, slots=True)
class _Article:
    comparison: Comparison
    work: Mapping[str, Annotation]
    """Each annotator's finished annotation of the article."""


class Review:
    """What the annotators finished, compared article by article, for a review into `gold`."""

    def __init__(self, names: Sequence[str], articles: Mapping[str, _Article]) -> None:
        self.annotators = tuple(names)
        self.letters = letters(self.annotators)
        self._articles = dict(articles)
        self.order = sorted(
            self._articles,
            key=lambda article_id: -self._articles[article_id].comparison.disagreements,
        )
        """The articles to review, most disagreements first (ties in the order read)."""

    @classmethod
    def open(cls, store_dir: Path, names: Sequence[str], corpus: Corpus, gold: str) -> Review:
        """Read the annotators' stores (read-only) and compare what two or more finished."""
        known = annotators(store_dir)
        missing = [name for name in names if name not in known]
        if missing:
            raise ReviewError(
                f"no store for {', '.join(missing)} in {store_dir}; the stores there: "
                f"{', '.join(known) or 'none'} (check --store and --annotators)"
            )
        if len(set(names)) < 2:
            raise ReviewError("--annotators needs two or more names, e.g. alice,bob")
        if gold in names:
            raise ReviewError(
                f"--as {gold}: the review's store must not be one of the annotators'; "
                "choose another name"
            )
        finished: dict[str, dict[str, Annotation]] = {}
        for name in names:
            with Store.open(store_dir, name, read_only=True) as store:
                for annotation in store:
                    article = corpus.get(annotation.article_id)
                    if (
                        annotation.status is Status.DONE
                        and article is not None
                        and annotation.text_sha == article.text_sha
                    ):
                        finished.setdefault(annotation.article_id, {})[name] = annotation
        articles = {
            article.id: _Article(compare(article.id, work), work)
            for article in corpus
            if len(work := finished.get(article.id, {})) >= 2
        }
        if not articles:
            raise ReviewError(
                f"no article of this corpus is done by two or more of {', '.join(names)} (on "
                "its current text); nothing to review"
            )
        return cls(names, articles)

    def corpus(self, corpus: Corpus) -> Corpus:
        """The articles to review, most disagreements first."""
        return Corpus([a for i in self.order if (a := corpus.get(i)) is not None], [])

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._articles

    def comparison(self, article_id: str) -> Comparison:
        return self._articles[article_id].comparison

    def proposals(self, article_id: str) -> Suggestions:
        """What some annotators made and others did not, offered as suggestions."""
        comparison = self.comparison(article_id)
        spans = tuple(
            replace(proposed.item, source=source_of(PROPOSED, proposed.by))
            for proposed in comparison.split_spans
            if isinstance(proposed.item, Span)
        )
        labels: dict[str, list[str]] = {}
        for proposed in comparison.split_values:
            if not isinstance(proposed.item, Span):
                group, value = proposed.item
                labels.setdefault(group, []).append(value)
        return Suggestions((), ()).with_imported(
            spans, {group: tuple(values) for group, values in labels.items()}
        )

    def value_marks(self, article_id: str) -> dict[tuple[str, str], str]:
        """Each document label value any annotator chose, and the letters of who did."""
        comparison = self.comparison(article_id)
        everyone = "".join(self.letters[name] for name in comparison.annotators)
        marks = {pair: everyone for pair in comparison.agreed_values}
        for proposed in comparison.split_values:
            if not isinstance(proposed.item, Span):
                marks[proposed.item] = "".join(self.letters[name] for name in proposed.by)
        return marks

    def with_agreed(self, annotation: Annotation) -> Annotation:
        """`annotation` with what every annotator made: spans (keeping any already there) and
        document label values."""
        comparison = self.comparison(annotation.article_id)
        source = source_of(AGREED, comparison.annotators)
        keys = {span.key for span in annotation.spans}
        taken = [replace(s, source=source) for s in comparison.agreed_spans if s.key not in keys]
        result = annotation.with_spans((*annotation.spans, *taken)) if taken else annotation
        for group in {group for group, _ in comparison.agreed_values}:
            chosen = list(result.doc_labels.get(group, ()))
            chosen += [v for g, v in comparison.agreed_values if g == group and v not in chosen]
            result = result.with_doc_labels(group, chosen)
        return result

    def whole(self, annotation: Annotation, name: str) -> Annotation:
        """`annotation` with one annotator's spans and document labels in place of its own."""
        work = self._articles[annotation.article_id].work.get(name)
        if work is None:
            return annotation
        source = source_of(PROPOSED, (name,))
        result = annotation.with_spans(replace(span, source=source) for span in work.spans)
        for group in {*annotation.doc_labels, *work.doc_labels}:
            result = result.with_doc_labels(group, work.doc_labels.get(group, ()))
        return result

    def left(self, article_id: str, gold: Annotation | None) -> int:
        """Disagreements of an article the gold record has not settled: a span neither taken
        nor turned down, a value not chosen; none once the article is done."""
        comparison = self.comparison(article_id)
        if gold is None:
            return comparison.disagreements
        if gold.status is Status.DONE:
            return 0
        settled = {span.key for span in gold.spans} | {span.key for span in gold.rejected}
        spans = sum(
            1
            for proposed in comparison.split_spans
            if isinstance(proposed.item, Span) and proposed.item.key not in settled
        )
        chosen = {(group, value) for group, values in gold.doc_labels.items() for value in values}
        values = sum(1 for proposed in comparison.split_values if proposed.item not in chosen)
        return spans + values


class ReviewSession(Session):
    """A session on the gold store whose suggestions are the annotators' disagreements."""

    def __init__(
        self,
        corpus: Corpus,
        store: Store,
        suggester: Suggester | LazySuggester,
        *,
        review: Review,
        take_agreed: bool = True,
        **options: Any,
    ) -> None:
        super().__init__(corpus, store, suggester, **options)
        self.review = review
        if not store.read_only:
            data = {"annotators": list(review.annotators)}
            atomic_write(store.path / REVIEW_FILE, orjson.dumps(data) + b"\n")
        self.take_agreed = take_agreed
        self._left = {
            article_id: review.left(article_id, self.store.get(article_id))
            for article_id in review.order
        }
        self.total_disagreements = sum(
            review.comparison(article_id).disagreements for article_id in review.order
        )

    def counts(self) -> Counts:
        counts = super().counts()
        return replace(counts, disagreements=(sum(self._left.values()), self.total_disagreements))

    def _suggestions_for(self, article: Article) -> Suggestions:
        return self.review.proposals(article.id)

    def reviewers(self) -> Mapping[str, str]:
        return self.review.letters

    def value_marks(self) -> dict[tuple[str, str], str]:
        if self.article is None or not self.suggestions_shown:
            return {}
        return self.review.value_marks(self.article.id)

    def open(self, article_id: str, *, suggest: bool = True) -> Opened | None:
        opened = super().open(article_id, suggest=suggest)
        annotation = self.annotation
        if (
            opened is not None
            and annotation is not None
            and self.take_agreed
            and not self.store.read_only
            and self.store.get(article_id) is None
        ):
            with_agreed = self.review.with_agreed(annotation)
            if with_agreed is not annotation:
                self.commit(with_agreed)
                opened = replace(opened, annotation=self.annotation)
        return opened

    def commit(self, annotation: Annotation) -> None:
        super().commit(annotation)
        if annotation.article_id in self._left:
            self._left[annotation.article_id] = self.review.left(
                annotation.article_id, self.annotation
            )

    def take_whole(self, name: str) -> None:
        """Take one annotator's spans and document labels for the open article, in place of
        what the gold record holds: one edit, which one undo takes back."""
        annotation = self._open_annotation()
        self.commit(self.review.whole(annotation, name))

    def undo(self) -> Restored | None:
        return self._count_again(super().undo())

    def redo(self) -> Restored | None:
        return self._count_again(super().redo())

    def _count_again(self, restored: Restored | None) -> Restored | None:
        if restored is not None and restored.article_id in self._left:
            article_id = restored.article_id
            self._left[article_id] = self.review.left(article_id, self.store.get(article_id))
        return restored
