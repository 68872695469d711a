"""spaCy's DocBin (.spacy), written by spaCy itself; imported only for --format spacy.

A Doc is built from our tokens, so every exported span is a valid `doc.char_span`, and from the
whitespace between them the way spaCy's own tokenizer does it, so that doc.text is the article's
text character for character: a gap of one space is the previous token's trailing space; in a
longer gap that starts with a space, that space is trailing and the rest is a whitespace token;
any other gap ("\\n", "\\t", "  \\n") is one whitespace token.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import BinaryIO

from cooltui.errors import CoolError
from cooltui.export.record import Record, categories
from cooltui.scheme import Scheme
from cooltui.text import Token

SPANS_KEY = "sc"
"""The doc.spans key spaCy's span categorizer reads by default."""

DOC_ATTRS = ("ORTH", "SPACY", "ENT_IOB", "ENT_TYPE", "ENT_ID")
"""The token attributes the DocBin keeps: text, trailing space, entities and their ids."""

_PER_DOC = ("tokens", "spaces", "cats", "flags", "user_data", "span_groups")
"""The DocBin's lists with one item per Doc (those DocBin.merge extends), put in corpus order
at the end."""


class SpacyMissing(CoolError):
    """--format spacy without spaCy installed."""


def words_and_spaces(text: str, tokens: Sequence[Token]) -> tuple[list[str], list[bool]]:
    """The words and trailing-space flags of a spaCy Doc whose text is exactly `text`."""
    words: list[str] = []
    spaces: list[bool] = []
    position = 0
    for start, end, word in tokens:
        if start > position:
            _blank(text[position:start], words, spaces)
        words.append(word)
        spaces.append(False)
        position = end
    if position < len(text):
        _blank(text[position:], words, spaces)
    return words, spaces


def _blank(blank: str, words: list[str], spaces: list[bool]) -> None:
    """Whitespace between tokens: a leading space trails the previous word, the rest is a word."""
    if blank[0] == " " and words:
        spaces[-1] = True
        blank = blank[1:]
    if blank:
        words.append(blank)
        spaces.append(False)


class DocBinWriter:
    """Collects one Doc per article and writes the DocBin at the end (spaCy's format is one blob).

    Spans go to doc.spans["sc"] always and to doc.ents when none overlap (an article with
    overlapping spans leaves its entities unset, i.e. unknown, rather than claim some tokens are
    outside any entity), each with its source as its `id_` ("manual", or the rule that suggested
    it, as spaCy's span and entity rulers set a pattern's id); document labels go to doc.cats as
    "group:VALUE" -> 1.0 or 0.0 for every value of every group; the article id and annotator go
    to doc.user_data. The docs come in corpus order, one article's by annotator.

    With `cats`, doc.cats holds that group's values only: spaCy's single-label textcat trains on
    one single-choice group, and stops (E895) at a doc with two positive labels, which two groups
    in one doc.cats would give it.
    """

    def __init__(self, out: BinaryIO, scheme: Scheme, *, cats: str | None = None) -> None:
        try:
            from spacy.tokens import Doc, DocBin
            from spacy.vocab import Vocab
        except ImportError:
            raise SpacyMissing(
                "--format spacy needs spaCy, which is not installed; install it with "
                "pip install 'cooltui[spacy]', or choose another --format"
            ) from None
        self.out = out
        self.doc_type = Doc
        self.vocab = Vocab()  # a blank vocab: the DocBin keeps only the strings it needs
        # Only what we set: the default attributes (tags, lemmas, heads...) are all empty here
        # and would triple the memory the DocBin holds until it is written.
        self.docs = DocBin(attrs=DOC_ATTRS, store_user_data=True)
        self.cats = [
            f"{group.name}:{value.name}"
            for group in scheme.groups
            if cats is None or group.name == cats
            for value in group.values
        ]
        self.keys: list[tuple[int, str]] = []

    def write(self, record: Record) -> None:
        assert record.tokens is not None  # the spacy format asks for tokens
        words, spaces = words_and_spaces(record.text, record.tokens.tokens)
        doc = self.doc_type(self.vocab, words=words, spaces=spaces)
        spans = []
        for span in record.spans:
            found = doc.char_span(span.start, span.end, label=span.label, span_id=span.source)
            if found is None:  # the checks let no such span through: stop rather than shift it
                raise RuntimeError(
                    f"{record.article.id}: span {span.start}-{span.end} not on tokens"
                )
            spans.append(found)
        doc.spans[SPANS_KEY] = spans
        if all(a.end <= b.start for a, b in pairwise(record.spans)):
            doc.ents = spans
        cats = dict.fromkeys(self.cats, 0.0)
        cats.update((cat, 1.0) for cat in categories(record.doc_labels) if cat in cats)
        doc.cats = cats
        doc.user_data["id"] = record.article.id
        doc.user_data["annotator"] = record.annotator
        doc.user_data["status"] = record.annotation.status.value
        self.docs.add(doc)
        self.keys.append((record.position, record.annotator))

    def close(self) -> None:
        order = sorted(range(len(self.keys)), key=self.keys.__getitem__)
        if order != list(range(len(order))):
            for name in _PER_DOC:
                items = getattr(self.docs, name)
                if len(items) != len(order):  # a spaCy whose DocBin is made otherwise
                    raise RuntimeError(f"DocBin.{name} does not hold one item per doc")
                setattr(self.docs, name, [items[index] for index in order])
        self.out.write(self.docs.to_bytes())
