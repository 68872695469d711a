"""How well the suggester does against hand-made gold files: precision, recall and F1.

Spans count as found only on an exact match of start, end and label. Themes count per article
and value, for every document label group with cue words. Prints `name=value` lines, per gold
file: `<file>.spans.<LABEL>.precision=...`, `<file>.spans.micro.f1=...`, `<file>.themes...`.
Where the gold holds each article's heads (a "place" in its meta, which the exporter never
writes), it also prints how often the article list's title, outlet and place (cooltui.meta)
are exactly the gold ones: `<file>.title_accuracy=0.923 ratio`, and the same for outlet and place.

    python bench/suggest_eval.py [GOLD.jsonl ...] [--errors]

Without files it reads tests/data/gold/seeds.jsonl and heldout.jsonl. --errors lists every miss
(-) and false suggestion (+), and every wrong title, outlet and place, after the scores.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from cooltui.export import read_jsonl
from cooltui.meta import describe
from cooltui.scheme import Scheme, load_scheme
from cooltui.suggest import Suggester

GOLD = Path(__file__).resolve().parent.parent / "tests" / "data" / "gold"
HEADS = ("title", "outlet", "place")
"""What the article list shows of an article, read by cooltui.meta.describe."""


class Tally:
    """True positives, false positives and false negatives per class."""

    def __init__(self) -> None:
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

    def lines(self, prefix: str) -> list[str]:
        classes = sorted(set(self.tp) | set(self.fp) | set(self.fn))
        rows = [(name, self.tp[name], self.fp[name], self.fn[name]) for name in classes]
        rows.append(("micro", self.tp.total(), self.fp.total(), self.fn.total()))
        out = []
        for name, tp, fp, fn in rows:
            precision = tp / (tp + fp) if tp + fp else 0.0
            recall = tp / (tp + fn) if tp + fn else 0.0
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
            out += [
                f"{prefix}.{name}.precision={precision:.3f}",
                f"{prefix}.{name}.recall={recall:.3f}",
                f"{prefix}.{name}.f1={f1:.3f}",
                f"{prefix}.{name}.support={tp + fn}",
            ]
        return out


def cue_groups(scheme: Scheme) -> list[str]:
    return [group.name for group in scheme.groups if any(value.cues for value in group.values)]


def evaluate(path: Path, suggester: Suggester, errors: list[str]) -> list[str]:
    spans, themes = Tally(), Tally()
    heads: Counter[str] = Counter()
    judged = 0
    groups = cue_groups(suggester.scheme)
    for record in read_jsonl(path):
        text = record.text
        if "place" in record.meta:
            judged += 1
            about = describe(text)
            for head in HEADS:
                found_head, gold_head = getattr(about, head), record.meta[head]
                if found_head == gold_head:
                    heads[head] += 1
                else:
                    errors.append(f"{record.id} {head} {found_head!r}, not {gold_head!r}")
        found = suggester.suggest(text)
        gold = {span.key for span in record.annotation.spans}
        suggested = {span.key for span in found.spans}
        spans.add(gold, suggested, 2)
        gold_themes = {
            (group, value)
            for group in groups
            for value in record.annotation.doc_labels.get(group, ())
        }
        suggested_themes = {(t.group, t.value) for t in found.themes if t.group in groups}
        themes.add(gold_themes, suggested_themes, 1)
        for sign, items in (("-", gold - suggested), ("+", suggested - gold)):
            errors += [f"{record.id} {sign} {label} {text[s:e]!r}" for s, e, label in sorted(items)]
        for sign, items in (
            ("-", gold_themes - suggested_themes),
            ("+", suggested_themes - gold_themes),
        ):
            errors += [f"{record.id} {sign} theme {value}" for _, value in sorted(items)]
    name = path.stem
    lines = spans.lines(f"{name}.spans") + themes.lines(f"{name}.themes")
    if judged:
        lines += [f"{name}.{head}_accuracy={heads[head] / judged:.3f} ratio" for head in HEADS]
        lines.append(f"{name}.heads.support={judged} articles")
    return lines


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
