"""Re-anchoring: carry an annotation over to a changed text of its article.

Pure functions, no I/O. A span whose text is still at its offsets keeps them; a span whose text
moved is looked for near where it was (allowing for the shift of the spans before it) and moved
there; a span that cannot be found goes to the annotation's `review` list for the annotator to
place again. A span is never shifted by guesswork: every span in the result satisfies
new_text[start:end] == span.text.
"""

from __future__ import annotations

from dataclasses import replace

from cooltui.model import Annotation, Span, Status

WINDOW = 1000
"""How far (in characters, either way) from its expected place a moved span's text is looked for."""


def find_near(text: str, needle: str, expected: int, window: int = WINDOW) -> int | None:
    """The start of the occurrence of `needle` in `text` nearest to `expected`, within ±window.

    Ties go to the earlier occurrence. None when there is none in the window (or needle is empty).
    """
    if not needle:
        return None
    lo = max(0, expected - window)
    hi = min(len(text), expected + window + len(needle))
    best: int | None = None
    pos = text.find(needle, lo, hi)
    while pos != -1:
        if best is None or abs(pos - expected) < abs(best - expected):
            best = pos
        elif pos > expected:
            break  # occurrences only get farther from here on
        pos = text.find(needle, pos + 1, hi)
    return best


def _moved(span: Span, start: int) -> Span:
    return Span(start, start + len(span.text), span.label, span.text, span.source)


def _place(span: Span, new_text: str, shift: int, window: int) -> Span | None:
    """Where `span` is in the new text: at its offsets, or nearest its shifted or old place."""
    if new_text[span.start : span.end] == span.text:
        return span
    for expected in dict.fromkeys((span.start + shift, span.start)):
        found = find_near(new_text, span.text, expected, window)
        if found is not None:
            return _moved(span, found)
    return None


def _carry(spans: tuple[Span, ...], new_text: str, window: int) -> tuple[list[Span], list[Span]]:
    """Place each span in the new text: (placed spans, spans that could not be found)."""
    placed: dict[tuple[int, int, str], Span] = {}
    lost: list[Span] = []
    shift = 0
    for span in sorted(spans):
        where = _place(span, new_text, shift, window)
        if where is None:
            lost.append(span)
            continue
        shift = where.start - span.start
        placed.setdefault(where.key, where)
    return sorted(placed.values()), lost


def reanchor(
    annotation: Annotation, new_text: str, new_sha: str, *, window: int = WINDOW
) -> Annotation:
    """The annotation carried over to `new_text` (whose sha is `new_sha`).

    Unchanged when the sha is the same. Otherwise: spans still in place keep their offsets, moved
    ones are re-anchored where their text is found nearest to their expected place, the rest are
    added to `review`; rejected suggestions that cannot be found are dropped (they only serve to
    keep a suggestion from coming back at that place). The result is flagged, has
    text_sha=new_sha and previous_text_sha=the old sha.
    """
    if annotation.text_sha == new_sha:
        return annotation
    spans, lost = _carry(annotation.spans, new_text, window)
    rejected, _ = _carry(annotation.rejected, new_text, window)
    review = {span.key: span for span in annotation.review}
    for span in lost:
        review.setdefault(span.key, span)
    return replace(
        annotation,
        text_sha=new_sha,
        spans=tuple(spans),
        rejected=tuple(rejected),
        review=tuple(sorted(review.values())),
        status=Status.FLAGGED,
        previous_text_sha=annotation.text_sha,
    )
