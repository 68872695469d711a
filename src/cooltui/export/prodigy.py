"""Prodigy's JSONL, as `prodigy db-in` takes it and its ner, spans and textcat training reads it.

One line per article and annotator: {"text", "meta", "_input_hash", "_task_hash", "tokens",
"spans", "options", "accept", "answer", "_annotator_id", "_session_id", "_timestamp"}.

- tokens are our tokenizer's, with the whitespace between them as spaCy keeps it (a single
  space is the previous token's "ws", any other gap a token of its own), so that a spaCy Doc
  made of the tokens' texts and ws flags has the article's text character for character and
  every span's token_start and token_end (inclusive, as Prodigy counts) point into it.
- Document labels are a choice task: "options" lists every value of every group of the scheme
  as "group:VALUE" (what the other exports call a category) and "accept" holds those chosen.
- "answer" is "accept", or "ignore" for an article the annotator skipped (Prodigy's own skip);
  a flagged article is "flagged" too, as Prodigy's flag button marks it.

Hashes: Prodigy's set_hashes makes "_input_hash" from the input keys a task has (of "text",
"image", "html", "input": here the text) and "_task_hash" from the input hash and the task keys
("spans", "label", "options", "arcs"), leaving out keys it ignores (a span's "source" among
them): two annotators' identical answers share a task hash, and every record of one text shares
the input hash, which `data-to-spacy` and `review` group by. Ours are made from the same keys
and are the same kind of number, a signed 32-bit integer (what Prodigy's MurmurHash gives), but
Prodigy serialises the keys in a way it does not document, so its own values may differ: where
a recipe must recognise texts it hashes itself (to skip those already annotated), hash the
tasks again in Prodigy (`prodigy.set_hashes(task, overwrite=True)`).
"""

from __future__ import annotations

from collections.abc import Sequence
from hashlib import blake2b
from typing import Any, BinaryIO

import orjson

from cooltui.export.record import Record, categories
from cooltui.model import Status
from cooltui.scheme import Scheme
from cooltui.text import Token

IGNORED_KEYS = frozenset({"source"})
"""Keys of a span that Prodigy's hashes leave out (of its IGNORE_HASH_KEYS, those a span has)."""


def prodigy_hash(data: bytes) -> int:
    """A stable signed 32-bit integer from `data`."""
    return int.from_bytes(blake2b(data, digest_size=4).digest(), "little", signed=True)


def input_hash(text: str) -> int:
    return prodigy_hash(orjson.dumps({"text": text}))


def task_hash(hashed_input: int, spans: Sequence[dict[str, Any]], options: list[Any]) -> int:
    """From the input hash and the task keys the task has: its spans, its options if any."""
    keys: dict[str, Any] = {
        "spans": [{k: v for k, v in span.items() if k not in IGNORED_KEYS} for span in spans]
    }
    if options:
        keys["options"] = options
    keyed = orjson.dumps(keys, option=orjson.OPT_SORT_KEYS)
    return prodigy_hash(str(hashed_input).encode() + keyed)


def prodigy_tokens(text: str, tokens: Sequence[Token]) -> list[dict[str, Any]]:
    """Prodigy's tokens for `text`: ours, and the whitespace between them as spaCy keeps it.

    The words and spaces of `words_and_spaces` (the spacy export's Docs), made in one pass with
    their offsets: a gap that starts with a space gives that space to the token before as its
    "ws", and the rest of a gap is a token of its own.
    """
    found: list[dict[str, Any]] = []
    position = 0
    for start, end, word in tokens:
        if start > position:
            _blank(text, position, start, found)
        found.append({"text": word, "start": start, "end": end, "id": len(found), "ws": False})
        position = end
    if position < len(text):
        _blank(text, position, len(text), found)
    return found


def _blank(text: str, start: int, end: int, found: list[dict[str, Any]]) -> None:
    if text[start] == " " and found:
        found[-1]["ws"] = True
        start += 1
    if start < end:
        found.append(
            {"text": text[start:end], "start": start, "end": end, "id": len(found), "ws": False}
        )


class ProdigyWriter:
    """One JSON object per line: each record stands alone, so the export puts them in order."""

    def __init__(self, out: BinaryIO, scheme: Scheme) -> None:
        self.out = out
        self.options = [
            {"id": f"{group.name}:{value.name}", "text": f"{group.name}: {value.name}"}
            for group in scheme.groups
            for value in group.values
        ]

    def write(self, record: Record) -> None:
        self.out.write(orjson.dumps(self.task(record), option=orjson.OPT_APPEND_NEWLINE))

    def task(self, record: Record) -> dict[str, Any]:
        assert record.tokens is not None  # the prodigy format asks for tokens
        text, annotation, article = record.text, record.annotation, record.article
        tokens = prodigy_tokens(text, record.tokens.tokens)
        spans = _spans(record, tokens)
        # Prodigy shows the meta in a corner of the card: what an article lacks is left out.
        meta = {
            key: value
            for key, value in (
                ("id", article.id),
                ("title", article.full_title),
                ("outlet", article.outlet),
                ("date", article.date),
                ("source", article.location),
                ("note", annotation.note),
            )
            if value
        }
        hashed = input_hash(text)
        task: dict[str, Any] = {
            "text": text,
            "meta": meta,
            "_input_hash": hashed,
            "_task_hash": task_hash(hashed, spans, self.options),
            "tokens": tokens,
            "spans": spans,
        }
        if self.options:
            task["options"] = self.options
            task["accept"] = categories(record.doc_labels)
        task["answer"] = "ignore" if annotation.status is Status.SKIPPED else "accept"
        if annotation.status is Status.FLAGGED:
            task["flagged"] = True
        task["_annotator_id"] = task["_session_id"] = record.annotator
        task["_timestamp"] = int(annotation.updated)
        return task

    def close(self) -> None:
        pass


def _spans(record: Record, tokens: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The record's spans with the tokens they start and end on (token_end inclusive)."""
    firsts = {token["start"]: token["id"] for token in tokens}
    lasts = {token["end"]: token["id"] for token in tokens}
    spans = []
    for span in record.spans:
        first, last = firsts.get(span.start), lasts.get(span.end)
        if first is None or last is None:  # the checks let no such span through
            raise RuntimeError(f"{record.article.id}: span {span.start}-{span.end} not on tokens")
        spans.append(
            {
                "start": span.start,
                "end": span.end,
                "label": span.label,
                "token_start": first,
                "token_end": last,
                "text": span.text,
                "source": span.source,
            }
        )
    return spans
