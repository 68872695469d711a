"""What a trained pipeline finds in texts, with a score for every span: spaCy's side.

spaCy's greedy `ner` gives no score per entity. A beam search over its actions does: an
entity's score is the share of the beam's probability mass whose parses hold it, so a span the
model is sure of scores near 1 and a doubtful one lower, and the candidates of one text may
overlap (each from other parses). `spancat` scores each span itself (doc.spans["sc"]).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from cooltui.export.docbin import SPANS_KEY
from cooltui.learn.layout import BEST
from cooltui.learn.scored import Candidate, Prediction
from cooltui.learn.train import TrainError, require_spacy

if TYPE_CHECKING:
    from spacy.language import Language

BEAM_WIDTH = 16
BEAM_DENSITY = 0.0001
"""Parses scoring less than this share of the best one are dropped from the beam early."""


def load_model(folder: Path) -> Language:
    """The pipeline in `folder` (a `cooltui train` folder or its model-best); TrainError when
    there is none or it cannot be loaded."""
    require_spacy()
    import spacy

    path = folder / BEST if (folder / BEST).is_dir() else folder
    if not (path / "config.cfg").is_file():
        raise TrainError(
            f"{folder}: no model there; `cooltui train` makes one (in <store>/models/NAME), "
            "or give its folder with --model"
        )
    try:
        # The tokenizer is the language's own (training never changes it): made from the
        # language's defaults, not from disk as well, which halves the seconds a load takes.
        return spacy.load(path, exclude=["tokenizer"])
    except (OSError, ValueError) as error:
        raise TrainError(f"{path}: cannot load the model ({error})") from None


def predict(nlp: Language, texts: Iterable[str]) -> Iterator[Prediction]:
    """Each text's scored span candidates and document label scores."""
    ner = nlp.get_pipe("ner") if "ner" in nlp.pipe_names else None
    for doc in nlp.pipe(texts, disable=["ner"] if ner is not None else []):
        spans: list[Candidate] = []
        if ner is not None:
            beams = ner.beam_parse([doc], beam_width=BEAM_WIDTH, beam_density=BEAM_DENSITY)
            for (start, end, label), score in ner.scored_ents(beams)[0].items():
                found = doc[start:end]
                spans.append((found.start_char, found.end_char, label, float(score)))
        if SPANS_KEY in doc.spans:
            group = doc.spans[SPANS_KEY]
            scores = group.attrs.get("scores", [1.0] * len(group))
            spans += [
                (span.start_char, span.end_char, span.label_, float(score))
                for span, score in zip(group, scores, strict=False)
            ]
        yield Prediction(tuple(spans), {name: float(score) for name, score in doc.cats.items()})
