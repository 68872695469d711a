"""The learning curve of #17: suggestion span F1 of the rules, the model and both, on held-out
gold articles, after the model was trained on 10, 20, 40 and all of the other gold articles.

Test set: the held-out records whose id number is in --test (h40-h51 by default: written for
this curve, never used to tune the rules and never trained on). Pool: every other gold record
(the seeds and h1-h39: 44 articles), in an order shuffled by --seed. For each size n the model
is trained on the first n of the pool through the app's own code path
(cooltui.learn.train.train_model, as `cooltui train` and the app's retraining call it), which
holds out a dev share of those n by id hash and chooses there the threshold its spans must
reach beside the rules'. On the test set it then scores, exactly (same start, end, label):

- rules: what the rules suggest (cooltui.suggest.Suggester), the same at every n;
- model: the model's spans scored MODEL_ALONE or more, as `cooltui suggest --model` writes them;
- both: the rules' suggestions joined by the model's above the chosen threshold, as the session
  offers them (Suggestions.with_model on the article's TokenIndex).

The issue's guarantee is that both never does worse than the rules alone; the last lines say
at how many points it did. As a diagnostic only, `curve.nN.test_best.*` is both at the grid's
threshold that does best on the test set itself (ties: the higher): an upper bound of what any
threshold could have made of that model there, not a result. Prints `name=value unit` lines,
then a markdown table:

    curve.n10.train=8 articles    curve.n10.threshold=0.85 score    curve.n10.both.f1=0.871 ratio

With --own-labels the curve is that of a team with its own scheme (#17: "rules can't follow a
user's own scheme"): the same gold with every span label renamed (PER -> ORANG, ...; OWN_LABELS)
under a copy of the default scheme whose labels carry those names, written to a temporary
folder and read with load_scheme as a user's --scheme file. The built-in rules' candidates
carry the default names, which that scheme lacks, so the rules suggest nothing (checked before
training: curve.own_labels.rules_suggested) and both is the model alone, above the threshold
chosen on the dev share rather than MODEL_ALONE.

    python bench/learning_curve.py [--minutes 1.5] [--seed 0] [--test 40-51] [--sizes 10,20,40,all]
                                   [--own-labels]

It takes minutes: --minutes of training per point, and the beam search over the dev and test
texts. keystrokes.py uses its split and its training for its rules + model replay.
"""

from __future__ import annotations

import argparse
import random
import re
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import orjson

from cooltui.corpus import Corpus, load_corpus
from cooltui.export import ExportedArticle, read_jsonl
from cooltui.learn.scored import Counts, Prediction, scored_spans, scored_themes, span_f1
from cooltui.learn.threshold import GRID, MODEL_ALONE
from cooltui.learn.train import Trained, TrainError, TrainOptions, train_model
from cooltui.model import MODEL_SOURCE, SPAN_ORDER, Span, Status
from cooltui.scheme import Scheme, default_scheme_path, load_scheme
from cooltui.suggest import Suggester, Suggestions
from cooltui.text import TokenIndex

GOLD = Path(__file__).resolve().parent.parent / "tests" / "data" / "gold"
GOLD_FILES = (GOLD / "seeds.jsonl", GOLD / "heldout.jsonl")
ANNOTATOR = "gold"
SOURCE = f"{MODEL_SOURCE}{ANNOTATOR}"
"""The model's folder is named after the annotator, as the app's is: "model:gold"."""
TEST = (40, 51)
HELD_OUT_ID = re.compile(r"h(\d+)_")
OWN_LABELS: Mapping[str, str] = {
    "PER": "ORANG",
    "ORG": "LEMBAGA",
    "LOC": "TEMPAT",
    "ROLE": "JABATAN",
    "RANK": "PANGKAT",
    "TITLE": "GELAR",
    "DATE": "TANGGAL",
    "TIME": "WAKTU",
    "EVENT": "ACARA",
    "FAC": "FASILITAS",
    "MEDIA": "MEDIA_MASSA",
    "LAW": "UU",
}
"""--own-labels: each default span label and the name a team of its own might give it."""
OWN_SCHEME_NAME = "own-labels"
TABLE_HEADER = re.compile(r"^\s*\[\[?([^\]]+)\]\]?\s*(#.*)?$")
LABEL_NAME = re.compile(r'^(\s*name\s*=\s*)"([^"]*)"(\s*(#.*)?)$')


def gold_records(paths: Iterable[Path] = GOLD_FILES) -> list[ExportedArticle]:
    return [record for path in paths for record in read_jsonl(path)]


def split_test(
    records: Sequence[ExportedArticle], test: tuple[int, int] = TEST
) -> tuple[list[ExportedArticle], list[ExportedArticle]]:
    """(pool, test): the test set is the held-out records whose id number (h40_...) lies in
    `test`, both ends included; the pool is every other record, sorted by id."""
    low, high = test
    pool, held = [], []
    for record in records:
        found = HELD_OUT_ID.match(record.id)
        (held if found and low <= int(found[1]) <= high else pool).append(record)
    return sorted(pool, key=lambda r: r.id), sorted(held, key=_number)


def _number(record: ExportedArticle) -> tuple[int, str]:
    found = HELD_OUT_ID.match(record.id)
    return (int(found[1]) if found else -1, record.id)


def own_scheme_text(source: str, renamed: Mapping[str, str] = OWN_LABELS) -> str:
    """The scheme file `source` with its span labels renamed and the scheme named
    OWN_SCHEME_NAME. Only the `name` lines of [[labels]] tables change: keys, colours and
    descriptions stay, and the document label groups (whose cues match words, not labels)
    stay as they are. Raises KeyError for a label `renamed` lacks."""
    lines, table = [], ""
    for line in source.splitlines(keepends=True):
        header = TABLE_HEADER.match(line)
        if header:
            table = header[1].strip()
        found = LABEL_NAME.match(line.rstrip("\n"))
        if found and table == "labels":
            lines.append(f'{found[1]}"{renamed[found[2]]}"{found[3]}\n')
        elif found and table == "scheme":
            lines.append(f'{found[1]}"{OWN_SCHEME_NAME}"{found[3]}\n')
        else:
            lines.append(line)
    return "".join(lines)


def own_scheme(folder: Path, renamed: Mapping[str, str] = OWN_LABELS) -> Scheme:
    """The default scheme with its span labels renamed, written to folder/own.toml and read
    back with load_scheme as a user's --scheme file; checked to differ from the default in
    the labels' and the scheme's names only."""
    default = load_scheme()
    path = folder / "own.toml"
    path.write_text(own_scheme_text(default_scheme_path().read_text("utf-8"), renamed), "utf-8")
    own = load_scheme(path)
    # Pattern files name labels too: the default has none, and a copy would need renaming.
    expected = [replace(label, name=renamed[label.name]) for label in default.labels]
    if (
        list(own.labels) != expected
        or own.groups != default.groups
        or own.patterns
        or default.patterns
        or own.name != OWN_SCHEME_NAME
    ):
        raise SystemExit(f"{path}: not the default scheme with its labels renamed")
    return own


def own_records(
    records: Iterable[ExportedArticle], renamed: Mapping[str, str] = OWN_LABELS
) -> list[ExportedArticle]:
    """The records with every span label renamed (what the annotators made: gold has no
    rejected, review or suggested spans to rename, and they would never be trained on)."""
    return [
        replace(record, annotation=replace(record.annotation, spans=_renamed(record, renamed)))
        for record in records
    ]


def _renamed(record: ExportedArticle, renamed: Mapping[str, str]) -> tuple[Span, ...]:
    spans = (replace(span, label=renamed[span.label]) for span in record.annotation.spans)
    return tuple(sorted(spans, key=SPAN_ORDER))  # annotations keep spans sorted by label too


def corpus_of(records: Sequence[ExportedArticle], folder: Path) -> Corpus:
    """A corpus of the records' texts (a jsonl of id and text, as keystrokes.py makes)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "corpus.jsonl"
    path.write_bytes(b"".join(orjson.dumps({"id": r.id, "text": r.text}) + b"\n" for r in records))
    return load_corpus([path], cache=False)


def train_on(
    records: Sequence[ExportedArticle], folder: Path, scheme: Scheme, minutes: float
) -> Trained:
    """A model trained on the records, done, as `cooltui import` then `cooltui train` would
    make it (the app's defaults: seed 0, every label), in folder/models/gold."""
    corpus = corpus_of(records, folder / "corpus")
    # Imported gold is done; the exporter takes only done records.
    annotations = [(ANNOTATOR, replace(r.annotation, status=Status.DONE)) for r in records]
    target = folder / "models" / ANNOTATOR
    return train_model(annotations, corpus, scheme, target, [ANNOTATOR], TrainOptions(minutes))


def predict_texts(model: Path, texts: Iterable[str]) -> list[Prediction]:
    """The model's raw predictions, as its worker would send them to the app."""
    from cooltui.learn.predict import load_model, predict

    return list(predict(load_model(model), texts))


@dataclass(frozen=True, slots=True)
class Scores:
    rules: Counts
    model: Counts
    both: Counts
    best_threshold: float | None
    """The grid's threshold that does best on the test set (None: none beats the rules)."""
    best: Counts


def score(
    test: Sequence[ExportedArticle],
    predictions: Sequence[Prediction],
    threshold: float | None,
    suggester: Suggester,
) -> Scores:
    """The rules', the model's and both's span counts on the test records."""
    scheme = suggester.scheme
    rules, model = [], []
    joined: dict[float | None, list[tuple[Span, ...]]] = {t: [] for t in (threshold, *GRID)}
    for record, prediction in zip(test, predictions, strict=True):
        text = record.text
        tokens = TokenIndex(text)  # the session's boundaries
        found = suggester.suggest(text, tokens)
        spans = scored_spans(prediction, text, scheme, SOURCE)
        themes = scored_themes(prediction, scheme)
        alone = Suggestions((), ()).with_model(SOURCE, spans, themes, tokens, MODEL_ALONE)
        rules.append(found.spans)
        model.append(alone.spans)
        for at, both in joined.items():
            both.append(found.with_model(SOURCE, spans, themes, tokens, at).spans)
    gold = [record.annotation.spans for record in test]
    counts = {at: span_f1(both, gold) for at, both in joined.items()}
    best_at, best = None, span_f1(rules, gold)
    for at in GRID:  # as choose_threshold does on the dev share
        if counts[at].f1 > best.f1 or (best_at is not None and counts[at].f1 == best.f1):
            best_at, best = at, counts[at]
    return Scores(span_f1(rules, gold), span_f1(model, gold), counts[threshold], best_at, best)


@dataclass(frozen=True, slots=True)
class Point:
    n: int
    trained: Trained | None
    scores: Scores | None
    error: str = ""


def run_point(
    n: int,
    pool: Sequence[ExportedArticle],
    test: Sequence[ExportedArticle],
    suggester: Suggester,
    minutes: float,
) -> Point:
    with tempfile.TemporaryDirectory() as folder:
        try:
            trained = train_on(pool[:n], Path(folder), suggester.scheme, minutes)
        except TrainError as error:  # e.g. no article of the n in the dev share
            return Point(n, None, None, str(error))
        predictions = predict_texts(trained.folder, (record.text for record in test))
    choice = trained.beside_rules
    threshold = choice.threshold if choice is not None else None
    return Point(n, trained, score(test, predictions, threshold, suggester))


def counts_lines(prefix: str, counts: Counts) -> Iterator[str]:
    yield f"{prefix}.tp={counts.tp} spans"
    yield f"{prefix}.fp={counts.fp} spans"
    yield f"{prefix}.fn={counts.fn} spans"
    yield f"{prefix}.precision={counts.precision:.3f} ratio"
    yield f"{prefix}.recall={counts.recall:.3f} ratio"
    yield f"{prefix}.f1={counts.f1:.3f} ratio"


def point_lines(point: Point) -> Iterator[str]:
    at = f"curve.n{point.n}"
    if point.trained is None or point.scores is None:
        yield f"{at}.error=1 point  # {point.error}"
        return
    trained, scores = point.trained, point.scores
    choice = trained.beside_rules
    threshold = choice.threshold if choice is not None else None
    yield f"{at}.train={len(trained.train_ids)} articles"
    yield f"{at}.dev={len(trained.dev_ids)} articles"
    yield f"{at}.epochs={trained.epochs} epochs"
    yield f"{at}.best_epoch={trained.best_epoch} epochs"
    yield f"{at}.seconds={trained.seconds:.0f} s"
    yield f"{at}.threshold={'none' if threshold is None else f'{threshold:.2f}'} score"
    if choice is not None:
        for name in ("rules", "model", "both"):
            yield f"{at}.dev.{name}.f1={getattr(choice, name).f1:.3f} ratio"
    for name in ("rules", "model", "both"):
        yield from counts_lines(f"{at}.{name}", getattr(scores, name))
    best = scores.best_threshold
    yield f"{at}.test_best.threshold={'none' if best is None else f'{best:.2f}'} score"
    yield from counts_lines(f"{at}.test_best", scores.best)


def table(points: Sequence[Point], total: int) -> Iterator[str]:
    yield "| n | train/dev | rules F1 | model F1 | both F1 | threshold |"
    yield "|---|---|---|---|---|---|"
    for point in points:
        n = "all" if point.n == total else str(point.n)
        if point.trained is None or point.scores is None:
            yield f"| {n} ({point.n}) | - | - | - | - | failed: {point.error} |"
            continue
        trained, scores = point.trained, point.scores
        choice = trained.beside_rules
        threshold = choice.threshold if choice is not None else None
        yield (
            f"| {n} | {len(trained.train_ids)}/{len(trained.dev_ids)} "
            f"| {scores.rules.f1:.3f} | {scores.model.f1:.3f} | {scores.both.f1:.3f} "
            f"| {'none' if threshold is None else f'{threshold:.2f}'} |"
        )


def parse_range(given: str) -> tuple[int, int]:
    low, _, high = given.partition("-")
    try:
        bounds = int(low), int(high or low)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{given!r}: give FIRST-LAST, e.g. 40-51") from None
    if bounds[0] > bounds[1]:
        raise argparse.ArgumentTypeError(f"{given!r}: FIRST is past LAST")
    return bounds


def parse_sizes(given: str, pool: int) -> list[int]:
    sizes = [pool if part.strip() == "all" else int(part) for part in given.split(",")]
    return sorted({min(size, pool) for size in sizes if size > 0})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", nargs="*", type=Path, help="gold files in our export jsonl")
    parser.add_argument("--minutes", type=float, default=1.5, help="training budget per point")
    parser.add_argument("--seed", type=int, default=0, help="the pool's shuffle")
    parser.add_argument(
        "--test", type=parse_range, default=TEST, metavar="FIRST-LAST", help="test ids hN_"
    )
    parser.add_argument("--sizes", default="10,20,40,all", help="pool sizes, 'all' for all")
    parser.add_argument(
        "--own-labels",
        action="store_true",
        help="a scheme of other label names (PER -> ORANG, ...): the rules then suggest nothing",
    )
    options = parser.parse_args()
    records = gold_records(options.gold or GOLD_FILES)
    with tempfile.TemporaryDirectory() as folder:
        if options.own_labels:
            scheme, records = own_scheme(Path(folder)), own_records(records)
        else:
            scheme = load_scheme()
        pool, test = split_test(records, options.test)
        if not test:
            parser.error(f"no gold record has an id h{options.test[0]}_ to h{options.test[1]}_")
        random.Random(options.seed).shuffle(pool)
        run(pool, test, Suggester(scheme), options)


def run(
    pool: Sequence[ExportedArticle],
    test: Sequence[ExportedArticle],
    suggester: Suggester,
    options: argparse.Namespace,
) -> None:
    """The curve's points under the suggester's scheme, printed as they come, then the table."""
    scheme = suggester.scheme
    print(f"curve.scheme={scheme.name} scheme")
    names = ",".join(label.name for label in scheme.labels)
    print(f"curve.labels={len(scheme.labels)} labels  # {names}")
    if options.own_labels:
        # Before any training: the whole point of the variant is that this is 0.
        suggested = sum(len(suggester.suggest(r.text, TokenIndex(r.text)).spans) for r in test)
        print(f"curve.own_labels.rules_suggested={suggested} spans")
    print(f"curve.pool={len(pool)} articles")
    print(f"curve.test={len(test)} articles")
    print(f"curve.test.spans={sum(len(r.annotation.spans) for r in test)} spans")
    print(f"curve.minutes={options.minutes} minutes")
    points = []
    started = time.monotonic()
    for n in parse_sizes(options.sizes, len(pool)):
        point = run_point(n, pool, test, suggester, options.minutes)
        points.append(point)
        print("\n".join(point_lines(point)), flush=True)
    scored = [p.scores for p in points if p.scores is not None]
    below = sum(s.both.f1 < s.rules.f1 for s in scored)
    print(f"curve.both_below_rules={below} points")
    print(f"curve.points={len(scored)} points")
    print(f"curve.seconds={time.monotonic() - started:.0f} s")
    print()
    print(
        f"Test set: h{options.test[0]}-h{options.test[1]} ({len(test)} articles); pool shuffled "
        f"with seed {options.seed}; {options.minutes} minutes of training per point; "
        f"scheme {scheme.name!r}."
    )
    print()
    print("\n".join(table(points, len(pool))))
    print()
    verdict = "at every point" if not below else f"NOT at {below} of {len(scored)} points"
    print(f"both >= rules on the test set: {verdict}")


if __name__ == "__main__":
    main()
