"""How well the suggester does against hand-made gold files: precision, recall and F1.

Spans count as found only on an exact match of start, end and label. Themes count per article
and value, for every document label group with cue words. Prints `name=value unit` lines, per
gold file and per label, with the counts behind each figure:

    heldout.spans.PER.tp=75 spans          heldout.spans.PER.precision=0.962 ratio
    heldout.spans.PER.fp=3 spans           heldout.spans.PER.recall=0.750 ratio
    heldout.spans.PER.fn=25 spans          heldout.spans.PER.f1=0.843 ratio

then `<file>.spans.micro.*` and `<file>.themes.<VALUE>.*` the same way. A file whose records
name a "batch" in their meta (the held-out articles: the batches were written at different
times, see tests/data/gold/README.md) is also scored batch by batch, micro figures only:
`heldout.h14-h27.spans.micro.f1=0.815 ratio`. Where the gold holds each article's heads (a
"place" in its meta, which the exporter never writes), it also prints how often the article
list's title, outlet and place (cooltui.meta) are exactly the gold ones:
`<file>.title_accuracy=0.923 ratio`, and the same for outlet and place.

    python bench/suggest_eval.py [GOLD.jsonl ...] [--errors]

Without files it reads tests/data/gold/seeds.jsonl and heldout.jsonl. --errors lists every miss
(-) and false suggestion (+), and every wrong title, outlet and place, after the scores.
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict
from pathlib import Path

from cooltui.export import ExportedArticle, read_jsonl
from cooltui.meta import describe
from cooltui.scheme import Scheme, load_scheme
from cooltui.suggest import Suggester

GOLD = Path(__file__).resolve().parent.parent / "tests" / "data" / "gold"
HEADS = ("title", "outlet", "place")
"""What the article list shows of an article, read by cooltui.meta.describe."""


class Tally:
    """True positives, false positives and false negatives per class."""

    def __init__(self, unit: str) -> None:
        self.unit = unit
        """What is counted: "spans" or "labels"."""
        self.tp: Counter[str] = Counter()
        self.fp: Counter[str] = Counter()
        self.fn: Counter[str] = Counter()

    def add(self, gold: set[tuple], found: set[tuple], label_of: int) -> None:
        for item in found & gold:
            self.tp[item[label_of]] += 1
        for item in found - gold:
            self.fp[item[label_of]] += 1
        for item in gold - found:
            self.fn[item[label_of]] += 1

    def lines(self, prefix: str, *, per_class: bool = True) -> list[str]:
        classes = sorted(set(self.tp) | set(self.fp) | set(self.fn)) if per_class else []
        rows = [(name, self.tp[name], self.fp[name], self.fn[name]) for name in classes]
        rows.append(("micro", self.tp.total(), self.fp.total(), self.fn.total()))
        return [line for row in rows for line in self._row(prefix, *row)]

    def _row(self, prefix: str, name: str, tp: int, fp: int, fn: int) -> list[str]:
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        at = f"{prefix}.{name}"
        return [
            f"{at}.tp={tp} {self.unit}",
            f"{at}.fp={fp} {self.unit}",
            f"{at}.fn={fn} {self.unit}",
            f"{at}.precision={precision:.3f} ratio",
            f"{at}.recall={recall:.3f} ratio",
            f"{at}.f1={f1:.3f} ratio",
        ]


class Score:
    """Span and theme tallies of a set of articles."""

    def __init__(self) -> None:
        self.spans = Tally("spans")
        self.themes = Tally("labels")

    def lines(self, prefix: str, *, per_class: bool = True) -> list[str]:
        return self.spans.lines(f"{prefix}.spans", per_class=per_class) + self.themes.lines(
            f"{prefix}.themes", per_class=per_class
        )


def cue_groups(scheme: Scheme) -> list[str]:
    return [group.name for group in scheme.groups if any(value.cues for value in group.values)]


def evaluate(path: Path, suggester: Suggester, errors: list[str]) -> list[str]:
    whole = Score()
    batches: defaultdict[str, Score] = defaultdict(Score)
    heads: Counter[str] = Counter()
    judged = 0
    groups = cue_groups(suggester.scheme)
    for record in read_jsonl(path):
        if "place" in record.meta:
            judged += 1
            heads.update(judge_heads(record, errors))
        scores = [whole]
        if "batch" in record.meta:
            scores.append(batches[record.meta["batch"]])
        score_record(record, suggester, groups, scores, errors)
    name = path.stem
    lines = whole.lines(name)
    for batch, score in sorted(batches.items()):
        lines += score.lines(f"{name}.{batch}", per_class=False)
    if judged:
        lines += [f"{name}.{head}_accuracy={heads[head] / judged:.3f} ratio" for head in HEADS]
        lines.append(f"{name}.heads.support={judged} articles")
    return lines


def judge_heads(record: ExportedArticle, errors: list[str]) -> list[str]:
    """The heads (title, outlet, place) that cooltui.meta reads right in a record's text."""
    about = describe(record.text)
    right = []
    for head in HEADS:
        found_head, gold_head = getattr(about, head), record.meta[head]
        if found_head == gold_head:
            right.append(head)
        else:
            errors.append(f"{record.id} {head} {found_head!r}, not {gold_head!r}")
    return right


def score_record(
    record: ExportedArticle,
    suggester: Suggester,
    groups: list[str],
    scores: list[Score],
    errors: list[str],
) -> None:
    """Adds one record's spans and themes to each of `scores`, and its misses to `errors`."""
    text = record.text
    found = suggester.suggest(text)
    gold = {span.key for span in record.annotation.spans}
    suggested = {span.key for span in found.spans}
    gold_themes = {
        (group, value) for group in groups for value in record.annotation.doc_labels.get(group, ())
    }
    suggested_themes = {(t.group, t.value) for t in found.themes if t.group in groups}
    for score in scores:
        score.spans.add(gold, suggested, 2)
        score.themes.add(gold_themes, suggested_themes, 1)
    for sign, items in (("-", gold - suggested), ("+", suggested - gold)):
        errors += [f"{record.id} {sign} {label} {text[s:e]!r}" for s, e, label in sorted(items)]
    for sign, items in (
        ("-", gold_themes - suggested_themes),
        ("+", suggested_themes - gold_themes),
    ):
        errors += [f"{record.id} {sign} theme {value}" for _, value in sorted(items)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", nargs="*", type=Path, help="gold files in our export jsonl")
    parser.add_argument("--errors", action="store_true", help="list misses and false suggestions")
    parser.add_argument("--scheme", type=Path, help="the label scheme (default: the default one)")
    options = parser.parse_args()
    suggester = Suggester(load_scheme(options.scheme))
    errors: list[str] = []
    for path in options.gold or [GOLD / "seeds.jsonl", GOLD / "heldout.jsonl"]:
        print("\n".join(evaluate(path, suggester, errors)))
    if options.errors:
        print("\n".join(errors))


if __name__ == "__main__":
    main()
