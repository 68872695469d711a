"""Re-anchoring: carry an annotation over to a changed text of its article.

Pure functions, no I/O. A span whose text is still at its offsets keeps them; a span whose text
moved is looked for near where it was (allowing for the shift of the spans before it) and moved
there; a span that cannot be found goes to the annotation's `review` list for the annotator to
place again. A span is never shifted by guesswork: every span in the result satisfies
new_text[start:end] == span.text. `propose` guesses where a span waiting for review went, for
the annotator to accept or not.
"""

from __future__ import annotations

from dataclasses import replace
from difflib import SequenceMatcher

from cooltui.model import Annotation, Span, Status
from cooltui.text import TokenIndex, tokenize

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
    added to `review` (spans already waiting there that are found again become spans); rejected
    suggestions that cannot be found are dropped (they only serve to keep a suggestion from
    coming back at that place). The result has text_sha=new_sha and previous_text_sha=the old
    sha. When spans are lost it is flagged, status_before_review keeping the status it had
    (a status set by hand since is kept); with none waiting, that status comes back.
    """
    if annotation.text_sha == new_sha:
        return annotation
    spans, lost = _carry(annotation.spans, new_text, window)
    found, still_lost = _carry(annotation.review, new_text, window)
    rejected, _ = _carry(annotation.rejected, new_text, window)
    suggested, _ = _carry(annotation.suggested, new_text, window)
    placed = {span.key: span for span in spans}
    for span in found:
        if span.key in placed:
            continue
        if any(other.start < span.end and span.start < other.end for other in spans):
            still_lost.append(span)  # a span made meanwhile stands there: the annotator decides
            continue
        placed[span.key] = span
    # A span of the same place, label and text waits once, however often the text changes.
    review = {review_key(span): span for span in (*still_lost, *lost)}
    carried = replace(
        annotation,
        text_sha=new_sha,
        spans=tuple(sorted(placed.values())),
        rejected=tuple(rejected),
        suggested=tuple(suggested),
        review=tuple(sorted(review.values())),
        previous_text_sha=annotation.text_sha,
    )
    if lost and carried.status is not Status.FLAGGED:
        return replace(carried, status=Status.FLAGGED, status_before_review=carried.status)
    return settle_review(carried)


def review_key(span: Span) -> tuple[int, int, str, str]:
    """What tells spans waiting for review apart: two made on different texts can share a
    place and a label."""
    return span.start, span.end, span.label, span.text


def settle_review(annotation: Annotation) -> Annotation:
    """With no span waiting for review, the status the article had before its text changed
    (unless another was set by hand meanwhile, which with_status keeps)."""
    if annotation.review or annotation.status_before_review is None:
        return annotation
    return replace(annotation, status=annotation.status_before_review, status_before_review=None)


SIMILAR_ENOUGH = 0.6
"""How alike (difflib's ratio, 0 to 1) a stretch of the new text must be to a span waiting for
review to be proposed as its place: "Kanit Propam" for "Kanit Provos" is 0.75."""


def propose(
    entry: Span, text: str, tokens: TokenIndex, window: int = WINDOW
) -> tuple[int, int] | None:
    """Where a span waiting for review probably is in `text`: its text, nearest its old place
    anywhere in the text; else the run of as many tokens (one more or fewer) within `window` of
    its old place most like it, if alike enough (SIMILAR_ENOUGH); else None."""
    exact = find_near(text, entry.text, entry.start, max(len(text), window))
    if exact is not None:
        return exact, exact + len(entry.text)
    size = len(tokenize(entry.text))
    if not size or not len(tokens):
        return None
    wanted = entry.text.casefold()
    first = tokens.next_token(max(0, entry.start - window))
    if first is None:
        return None
    best: tuple[float, int, int, int] | None = None  # (-ratio, distance, start, end)
    index = first
    while index < len(tokens) and tokens.starts[index] <= entry.start + window:
        for count in (size, size - 1, size + 1):
            last = index + count - 1
            if count < 1 or last >= len(tokens):
                continue
            start, end = tokens.starts[index], tokens.ends[last]
            matcher = SequenceMatcher(None, wanted, text[start:end].casefold(), autojunk=False)
            if (
                matcher.real_quick_ratio() < SIMILAR_ENOUGH
                or matcher.quick_ratio() < SIMILAR_ENOUGH
            ):
                continue
            ratio = matcher.ratio()
            candidate = (-ratio, abs(start - entry.start), start, end)
            if ratio >= SIMILAR_ENOUGH and (best is None or candidate < best):
                best = candidate
        index += 1
    return None if best is None else (best[2], best[3])
