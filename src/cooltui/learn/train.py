"""Train a spaCy pipeline on the done articles, within a time budget, on the CPU.

The training data is what `cooltui export --format spacy --split 80/20/0` would write: every
record goes through the export's checks (an article with a problem is left out whole) and its
DocBin writer, and the dev share is the export's Split, a stable hash of the article id, so an
article stays on its side as the store grows. The two DocBins are kept beside the model: they
are the annotations it was trained on.

The pipeline is a blank `id` language with `ner` (or `spancat` on doc.spans["sc"] when the
scheme allows overlapping spans) and one `textcat_multilabel` over every document label group,
its labels "group:VALUE": one component keeps the pipeline small, and a single-choice group is
read as its top-scoring value. spaCy's own tokenizer splits the text at inference, so training
aligns each gold Doc (on cooltui's tokens) to the Doc that tokenizer makes of the same text.

The model with the best dev score is kept, as `nlp.to_disk` writes it, in
<store>/models/<name>/model-best, with training.json (scores per label on the dev share, the
annotators, the articles trained on and held out, the scheme, the time taken) beside it. The
folder is built as a temporary folder beside its place and renamed into it when done.
"""

from __future__ import annotations

import os
import random
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from cooltui import __version__
from cooltui.corpus import Corpus
from cooltui.errors import CoolError, UsageError
from cooltui.export import ExportOptions, LabelsMap, Split, export, part_paths
from cooltui.export.docbin import SPANS_KEY
from cooltui.export.labels import OUTSIDE
from cooltui.learn.layout import BEST, META_FILE
from cooltui.learn.threshold import Choice, DevText, choose_threshold
from cooltui.model import Annotation, Span
from cooltui.scheme import Scheme
from cooltui.suggest.core import Suggestions

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc
    from spacy.training import Example

DATA_FILE = "annotations.spacy"
"""The export's base name: annotations.train.spacy and annotations.dev.spacy are written."""
MIN_ARTICLES = 5
DEV_SHARE = 20
"""Percent of the articles held out to score the model and choose the best one."""
PATIENCE = 15
"""Epochs without a better dev score after which training stops before its time is up."""
BATCH_SIZE = 2
"""Articles per update: a few hundred words each, about what spaCy's own batches hold."""
DROPOUT = 0.1
LEARN_RATE = 0.001
LANGUAGE = "id"

Progress = Callable[[float, int, float], None]
"""Told the seconds spent, the epochs done and the best dev score so far, after each epoch."""


class TrainError(CoolError):
    """A model that cannot be trained: no spaCy, too few done articles, an empty dev share."""


@dataclass(frozen=True, slots=True)
class TrainOptions:
    minutes: float = 5.0
    """The time budget: training stops when it runs out (one epoch is always finished)."""
    seed: int = 0
    """Chooses the dev share (as --split's seed does) and seeds spaCy's randomness."""
    labels: tuple[str, ...] | None = None
    """The span labels to learn; None: every label of the scheme."""
    epochs: int | None = None
    """At most this many epochs (None: as many as the time budget and PATIENCE allow): the
    same data, seed and epochs make the same model however busy the machine is."""


@dataclass(frozen=True, slots=True)
class Trained:
    """A trained model and what it scored on the dev share."""

    folder: Path
    pipeline: list[str]
    score: float
    """The mean of the span F1 and the document labels' macro F1, on the dev share."""
    scores: dict[str, dict[str, float]]
    """Precision, recall and F1 on the dev share, per span label and per "group:VALUE"."""
    train_ids: list[str]
    dev_ids: list[str]
    epochs: int
    best_epoch: int
    seconds: float
    left_out: int = 0
    """Done articles left out of the data because of problems (`cooltui export` names them)."""
    totals: dict[str, float | None] = field(default_factory=dict)
    beside_rules: Choice | None = None
    """The threshold its spans must reach beside the rules', and the figures it was chosen by;
    None when the pipeline finds no spans."""


def require_spacy() -> None:
    """Fail in one line when spaCy is not installed."""
    try:
        import spacy  # noqa: F401
    except ImportError:
        raise TrainError(
            "cooltui train needs spaCy, which is not installed; install it with "
            "pip install 'cooltui[spacy]'"
        ) from None


def train_model(
    annotations: Iterable[tuple[str, Annotation]],
    corpus: Corpus,
    scheme: Scheme,
    target: Path,
    annotators: Sequence[str],
    options: TrainOptions | None = None,
    progress: Progress | None = None,
) -> Trained:
    """Train on the done articles among (annotator, annotation) `annotations` and keep the best
    model in `target`, replacing a model trained there before."""
    options = options or TrainOptions()
    require_spacy()
    labels_map = _labels_map(scheme, options.labels)
    _check_replaceable(target)
    started = time.monotonic()
    work = _work_folder(target)
    try:
        data = _training_data(annotations, corpus, scheme, work, options.seed, labels_map)
        trained = _fit(data, scheme, work, options, started, progress)
        trained = replace(trained, beside_rules=_beside_rules(data, scheme, work, options))
        _write_meta(work / META_FILE, trained, scheme, annotators, options)
        _put_in_place(work, target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return replace(trained, folder=target)


def _labels_map(scheme: Scheme, labels: tuple[str, ...] | None) -> LabelsMap | None:
    """A labels map that leaves out every span label not asked for (the export's own means)."""
    if labels is None:
        return None
    unknown = [label for label in labels if label not in scheme.label_names]
    if unknown:
        known = ", ".join(label.name for label in scheme.labels)
        raise UsageError(
            f"--labels: {', '.join(unknown)} not in scheme {scheme.name!r} (its labels: {known})"
        )
    return LabelsMap(
        "--labels", {name: name if name in labels else OUTSIDE for name in scheme.label_names}
    )


def _check_replaceable(target: Path) -> None:
    """Refuse at once, not after the training, a folder that no training made."""
    if target.exists() and not (target / META_FILE).is_file():
        raise TrainError(f"{target} exists and holds no trained model ({META_FILE}); move it away")


def _work_folder(target: Path) -> Path:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"))
    except OSError as error:
        raise TrainError(
            f"{target.parent}: cannot write there ({error.strerror or error}); check --store"
        ) from None
    work.chmod(0o777 & ~_umask())  # mkdtemp's folder is private; a model is an ordinary folder
    return work


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@dataclass(frozen=True, slots=True)
class _Data:
    train: Path
    dev: Path
    left_out: int


def _training_data(
    annotations: Iterable[tuple[str, Annotation]],
    corpus: Corpus,
    scheme: Scheme,
    folder: Path,
    seed: int,
    labels_map: LabelsMap | None,
) -> _Data:
    """The done articles checked and written as train and dev DocBins into `folder`."""
    base = folder / DATA_FILE
    split = Split(100 - DEV_SHARE, DEV_SHARE, 0, seed)
    options = ExportOptions("spacy", "done", split, labels_map)
    report = export(annotations, corpus, scheme, base, options)
    parts = part_paths(base, "spacy")
    parts["test"].unlink(missing_ok=True)  # no test share: the dev share is held out
    problems = (
        f" ({report.dropped:,} more left out with problems: `cooltui export --format spacy` "
        "names them)"
        if report.dropped
        else ""
    )
    if report.exported < MIN_ARTICLES:
        raise TrainError(
            f"training needs {MIN_ARTICLES} or more done articles, and there "
            f"{'is' if report.exported == 1 else 'are'} {report.exported}{problems}; "
            "mark more articles done"
        )
    if not report.parts["dev"] or not report.parts["train"]:
        side = "dev" if not report.parts["dev"] else "train"
        raise TrainError(
            f"none of the {report.exported} done articles falls in the {side} share by its "
            "id's hash; mark more articles done, or try another --seed"
        )
    return _Data(parts["train"], parts["dev"], report.dropped)


def _fit(
    data: _Data,
    scheme: Scheme,
    folder: Path,
    options: TrainOptions,
    started: float,
    progress: Progress | None,
) -> Trained:
    """Train until the budget runs out or the dev score stops improving; the best model is
    written to folder/model-best as each improvement comes."""
    import spacy
    from spacy.util import fix_random_seed, minibatch
    from thinc.api import Adam

    fix_random_seed(options.seed)
    shuffle = random.Random(options.seed).shuffle
    deadline = started + options.minutes * 60
    nlp = spacy.blank(LANGUAGE)
    train_docs = _docs(data.train, nlp)
    dev_docs = _docs(data.dev, nlp)
    _add_components(nlp, scheme, train_docs)
    examples = [_example(nlp, doc) for doc in train_docs]
    dev = [_example(nlp, doc) for doc in dev_docs]
    # Without averaged weights: on a few dozen articles and a budget of minutes there are too
    # few updates for an average to catch up with the weights it trails.
    optimizer = nlp.initialize(lambda: examples, sgd=Adam(LEARN_RATE, use_averages=False))
    best, best_epoch, epochs = -1.0, 0, 0
    scores: dict[str, Any] = {}
    while True:
        shuffle(examples)
        for batch in minibatch(examples, size=BATCH_SIZE):
            nlp.update(batch, drop=DROPOUT, sgd=optimizer)
            if epochs and time.monotonic() > deadline:  # the first epoch always ends
                break
        epochs += 1
        found = nlp.evaluate(dev)
        score = _main_score(found)
        if score > best:
            best, best_epoch, scores = score, epochs, found
            nlp.to_disk(folder / BEST)
        if progress is not None:
            progress(time.monotonic() - started, epochs, best)
        if time.monotonic() > deadline or epochs - best_epoch >= PATIENCE:
            break
        if options.epochs is not None and epochs >= options.epochs:
            break
    return Trained(
        folder,
        list(nlp.pipe_names),
        best,
        _per_label(scores),
        _ids(train_docs),
        _ids(dev_docs),
        epochs,
        best_epoch,
        time.monotonic() - started,
        data.left_out,
        _totals(scores),
    )


def _beside_rules(
    data: _Data, scheme: Scheme, folder: Path, options: TrainOptions
) -> Choice | None:
    """The best model's threshold beside the rules, chosen on the dev share."""
    if not scheme.labels:
        return None
    from cooltui.learn.predict import load_model, predict
    from cooltui.suggest import Suggester

    nlp = load_model(folder / BEST)
    learned = set(options.labels or scheme.label_names)
    rules = Suggester(scheme)
    dev = []
    for doc in _docs(data.dev, nlp):
        found = rules.suggest(doc.text)
        kept = tuple(span for span in found.spans if span.label in learned)
        gold = tuple(
            Span(span.start_char, span.end_char, span.label_, span.text)
            for span in doc.spans[SPANS_KEY]
        )
        dev.append(DevText(doc.text, gold, Suggestions(kept, found.themes)))
    predictions = list(predict(nlp, (item.text for item in dev)))
    return choose_threshold(dev, predictions, scheme, "model")


def _docs(path: Path, nlp: Language) -> list[Doc]:
    from spacy.tokens import DocBin

    return list(DocBin(store_user_data=True).from_disk(path).get_docs(nlp.vocab))


def _add_components(nlp: Language, scheme: Scheme, docs: list[Doc]) -> None:
    if scheme.labels:
        if scheme.allow_overlap:
            # Candidates as long as the longest span the annotators marked, no longer.
            longest = max((len(span) for doc in docs for span in doc.spans[SPANS_KEY]), default=1)
            suggester = {"@misc": "spacy.ngram_range_suggester.v1", "min_size": 1}
            nlp.add_pipe(
                "spancat",
                config={"spans_key": SPANS_KEY, "suggester": suggester | {"max_size": longest}},
            )
        else:
            nlp.add_pipe("ner")
    if scheme.groups:
        nlp.add_pipe("textcat_multilabel")
    if not nlp.pipe_names:
        raise TrainError(f"scheme {scheme.name!r} has no span label and no group to learn")


def _example(nlp: Language, gold: Doc) -> Example:
    """The gold Doc against the Doc spaCy's tokenizer makes of its text, as at inference."""
    from spacy.training import Example

    return Example(nlp.make_doc(gold.text), gold)


def _main_score(scores: dict[str, Any]) -> float:
    """The mean of the span F1 and the document labels' macro F1 (those the pipeline has)."""
    found = [
        value
        for key in ("ents_f", f"spans_{SPANS_KEY}_f", "cats_macro_f")
        if isinstance(value := scores.get(key), float | int)
    ]
    return sum(found) / len(found) if found else 0.0


def _per_label(scores: dict[str, Any]) -> dict[str, dict[str, float]]:
    per_label: dict[str, dict[str, float]] = {}
    for key in ("ents_per_type", f"spans_{SPANS_KEY}_per_type", "cats_f_per_type"):
        for label, figures in sorted((scores.get(key) or {}).items()):
            per_label[label] = {name: round(figures[name], 4) for name in ("p", "r", "f")}
    return per_label


def _totals(scores: dict[str, Any]) -> dict[str, float | None]:
    """The spans' precision, recall and F1 (from ner's or spancat's keys) and the document
    labels' macro F1: "span_p", "span_r", "span_f", "cats_macro_f", those the pipeline has."""
    totals: dict[str, float | None] = {}
    for prefix in ("ents", f"spans_{SPANS_KEY}"):
        for figure in ("p", "r", "f"):
            if f"{prefix}_{figure}" in scores:
                totals[f"span_{figure}"] = scores[f"{prefix}_{figure}"]
    if "cats_macro_f" in scores:
        totals["cats_macro_f"] = scores["cats_macro_f"]
    return totals


def _ids(docs: list[Doc]) -> list[str]:
    """The article ids, each once (two annotators' records of one article are two docs)."""
    return list(dict.fromkeys(doc.user_data["id"] for doc in docs))


def _write_meta(
    path: Path,
    trained: Trained,
    scheme: Scheme,
    annotators: Sequence[str],
    options: TrainOptions,
) -> None:
    meta = {
        "cooltui": __version__,
        "model": BEST,
        "pipeline": trained.pipeline,
        "scheme": scheme.name,
        "annotators": list(annotators),
        "labels": list(options.labels) if options.labels else sorted(scheme.label_names),
        "seed": options.seed,
        "minutes": options.minutes,
        "max_epochs": options.epochs,
        "seconds": round(trained.seconds, 1),
        "epochs": trained.epochs,
        "best_epoch": trained.best_epoch,
        "dev_score": round(trained.score, 4),
        "dev_totals": trained.totals,
        "dev_scores": trained.scores,
        "train": trained.train_ids,
        "dev": trained.dev_ids,
        "left_out": trained.left_out,
        "data": {"train": "annotations.train.spacy", "dev": "annotations.dev.spacy"},
    }
    if trained.beside_rules is not None:
        meta |= trained.beside_rules.to_json()
    path.write_bytes(orjson.dumps(meta, option=orjson.OPT_INDENT_2) + b"\n")


def _put_in_place(work: Path, target: Path) -> None:
    """Rename the finished folder to `target`; a model trained there before goes after."""
    old: Path | None = None
    if target.exists():
        _check_replaceable(target)  # it may have changed while we trained
        old = work.with_name(work.name + ".old")
        target.rename(old)
    work.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
