"""spaCy's DocBin (.spacy), read with spaCy and a blank vocab: no model is needed.

Each Doc is a record: its text, the spans of doc.ents and of every doc.spans group (a span in
several is taken once), and its categories scoring 0.5 or more as document labels (cooltui's
own export names them "group:VALUE"). cooltui's export puts the article id and the annotator in
doc.user_data, and each span's source in its id_, which goes to meta["sources"] (aligned with
the spans; None for a span without one). A DocBin has no status: a record is done only when
user_data["status"] is "done". Offsets are character offsets, as cooltui's.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from itertools import count
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cooltui.imports.source import SourceError, SourceRecord, SourceSpan
from cooltui.memory import gc_paused

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

SUFFIX = ".spacy"
CAT_THRESHOLD = 0.5
"""A category scoring this or more is a document label (a model's cats are probabilities)."""

_FIX = "give a DocBin written by spaCy (DocBin.to_disk), or name the file's --format"


def claims(path: Path, head: bytes) -> bool:
    """A .spacy file; or any file whose head is a zlib stream of a msgpack map that starts
    with the "version" and "attrs" keys of DocBin.to_bytes."""
    if path.suffix.lower() == SUFFIX:
        return path.is_file()
    try:
        start = zlib.decompressobj().decompress(head, 64)
    except zlib.error:
        return False
    # A msgpack fixmap (0x80-0x8f) whose first key is "version" (fixstr 0xa7), "attrs" after
    # its value.
    return start[1:9] == b"\xa7version" and start[0] >> 4 == 0x8 and b"\xa5attrs" in start


def read(path: Path) -> Iterator[SourceRecord]:
    """One record per Doc, in the DocBin's order. spaCy loads the whole DocBin at once."""
    # spaCy takes seconds to import: only a DocBin's import pays for it.
    try:
        from spacy.tokens import DocBin
        from spacy.vocab import Vocab
    except ImportError:
        raise SourceError(
            f"{path}: reading a DocBin needs spaCy, which is not installed; install it with "
            "pip install 'cooltui[spacy]'"
        ) from None

    try:
        data = path.read_bytes()
    except OSError as error:
        raise SourceError(f"{path}: cannot read it ({error.strerror or error})") from None
    vocab = Vocab()  # blank: the DocBin brings the strings it needs
    # spaCy's loader raises whatever broken bytes lead it to (zlib's error wrapped in a
    # ValueError, msgpack's, numpy's, KeyError for a missing key or string): all of them
    # mean the same thing to the user.
    try:
        # srsly's msgpack turns the garbage collector off while it unpacks and leaves it off
        # when the bytes are broken: gc_paused puts it back as it was however this ends.
        with gc_paused():
            docs = DocBin().from_bytes(data).get_docs(vocab)
    except Exception as error:
        raise SourceError(f"{path}: not a spaCy DocBin ({_reason(error)}); {_FIX}") from None
    for number in count(1):
        where = f"{path}: doc {number}"
        try:
            doc = next(docs)
        except StopIteration:
            return
        except Exception as error:
            raise SourceError(f"{where}: cannot be read ({_reason(error)}); {_FIX}") from None
        yield _record(where, doc)


def _reason(error: Exception) -> str:
    """spaCy's own message ("[E1014] ...") cut to one line, or the error's type and message."""
    message = " ".join(str(error).split(". ")[0].split())
    return message if message.startswith("[E") else f"{type(error).__name__}: {message}"


def _record(where: str, doc: Doc) -> SourceRecord:
    spans = _spans(doc)
    user_data: dict[Any, Any] = doc.user_data
    return SourceRecord(
        where=where,
        text=doc.text,
        id=_text_or_none(user_data.get("id")),
        spans=tuple(
            SourceSpan(span.start_char, span.end_char, span.label_, span.text) for span in spans
        ),
        labels=tuple(cat for cat, score in doc.cats.items() if score >= CAT_THRESHOLD),
        done=user_data.get("status") == "done",
        annotator=_text_or_none(user_data.get("annotator")),
        meta={"sources": [span.id_ or None for span in spans]},
    )


def _spans(doc: Doc) -> list[Span]:
    """doc.ents, then each span group's spans, each (start, end, label) once."""
    found: dict[tuple[int, int, str], Span] = {}
    for group in (doc.ents, *doc.spans.values()):
        for span in group:
            found.setdefault((span.start_char, span.end_char, span.label_), span)
    return list(found.values())


def _text_or_none(value: Any) -> str | None:
    """An id or name as text: str() of a number, None for anything else."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None
