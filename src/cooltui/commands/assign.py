"""`cooltui assign`: who codes which article, written to <store>/project.json.

The first run deals the corpus out by the options given. A later run, with the options left out
or the same, deals out only the articles the project lacks (the corpus grew) and keeps every
earlier assignment. Other options would move articles already assigned, and the work done on
them: refused unless --reassign, which deals every article out afresh. See
cooltui.team.project for the draw.
"""

from __future__ import annotations

import argparse
import math
from typing import TYPE_CHECKING

from cooltui.options import settings_from

if TYPE_CHECKING:
    from pathlib import Path

    from cooltui.team.project import Plan, Project

NAME = "assign"
HELP = (
    "deal the articles out to annotators, a share of them to several for agreement; written to "
    "<store>/project.json, and the app then shows each annotator their own"
)
EPILOG = (
    "Run it again as the corpus grows (the options can be left out): new articles are dealt "
    "out the same way and every earlier assignment is kept; articles gone from the corpus keep "
    "theirs. Other annotators, overlap, --per-article or --seed would move articles already "
    "assigned: refused unless --reassign, which deals every article out afresh (the work done "
    "stays in each annotator's store, but an article may go to someone else). The draw is "
    "stable: a hash of the seed and the article id, never the corpus order."
)
RESERVED = ("me", "all")
"""Words of the list's filter (assigned:me, assigned:all), so no annotator's name."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.add_argument(
        "--annotators",
        metavar="NAMES",
        help="who codes, comma-separated: alice,bob,carol (default: the project's)",
    )
    parser.add_argument(
        "--overlap",
        metavar="SHARE",
        help="the share of articles coded by several annotators, to measure agreement on: "
        "20%% or 0.2 (default: the project's)",
    )
    parser.add_argument(
        "--per-article",
        type=int,
        metavar="N",
        help="how many annotators code each shared article (default: 2, or the project's)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        metavar="N",
        help="another seed, another draw (default: 0, or the project's)",
    )
    parser.add_argument(
        "--reassign",
        action="store_true",
        help="deal every article out afresh, moving articles already assigned",
    )


def run(args: argparse.Namespace) -> int:
    from cooltui.errors import UsageError
    from cooltui.team.project import assign, load_project, project_path, save_project

    settings = settings_from(args)
    path = project_path(settings.store_dir)
    before = load_project(settings.store_dir)
    plan = _plan(args, before.plan if before is not None else None)
    changes = plan.changes_from(before.plan) if before is not None else []
    if changes and not args.reassign:
        raise UsageError(
            f"{path} deals articles out otherwise; this run asks for {'; '.join(changes)}. "
            "--reassign deals every article out afresh (articles move between annotators); "
            "leaving those options out assigns the new articles as before"
        )
    corpus_ids = [article.id for article in settings.load_corpus()]
    if before is None:
        project = assign(corpus_ids, plan)
    elif args.reassign:
        project = assign([*corpus_ids, *before.articles], plan)
    else:
        project = assign(corpus_ids, before.plan, before)
    if project != before:
        save_project(settings.store_dir, project)
    kept = None if args.reassign else before
    for line in report(path, project, kept, set(corpus_ids)):
        print(line)
    if args.reassign and before is not None:
        moved = sum(1 for i, names in before.articles.items() if project.articles[i] != names)
        print(f"reassigned: {moved:,} of the {len(before.articles):,} articles changed hands")
    return 0


def _plan(args: argparse.Namespace, before: Plan | None) -> Plan:
    """The plan the options ask for; an option left out is the project's (or the default)."""
    from cooltui.errors import UsageError
    from cooltui.team.project import Plan

    if args.annotators is not None:
        annotators = parse_annotators(args.annotators)
    elif before is not None:
        annotators = before.annotators
    else:
        raise UsageError("no annotators: name them, e.g. --annotators alice,bob,carol")
    if len(annotators) < 2:
        raise UsageError(
            f"--annotators names only {annotators[0]}: a project needs two or more annotators"
        )
    if args.overlap is not None:
        overlap = parse_overlap(args.overlap)
    elif before is not None:
        overlap = before.overlap
    else:
        raise UsageError("give the share coded by several annotators, e.g. --overlap 20%")
    if args.per_article is not None:
        per_article = args.per_article
    else:
        per_article = before.per_article if before is not None else 2
    if per_article < 2:
        raise UsageError(f"--per-article {per_article}: a shared article needs 2 or more")
    if per_article > len(annotators):
        raise UsageError(
            f"--per-article {per_article} is more than the {len(annotators)} annotators; "
            "name more with --annotators or ask for fewer"
        )
    seed = args.seed if args.seed is not None else before.seed if before is not None else 0
    return Plan(annotators, overlap, per_article, seed)


def parse_annotators(text: str) -> tuple[str, ...]:
    """--annotators: names as stores are named, each once, none a word of the list's filter."""
    from cooltui.errors import UsageError
    from cooltui.store import StoreError, check_annotator

    names = tuple(name.strip() for name in text.split(",") if name.strip())
    if not names:
        raise UsageError("no annotators: name them, e.g. --annotators alice,bob,carol")
    seen: set[str] = set()
    for name in names:
        try:
            check_annotator(name)
        except StoreError as error:
            raise UsageError(f"--annotators: {error}") from None
        folded = name.casefold()
        if folded in RESERVED:
            raise UsageError(
                f"--annotators: {name!r} is a word of the list's filter (assigned:me, "
                "assigned:all); name the annotator otherwise"
            )
        if folded in seen:
            raise UsageError(f"--annotators names {name!r} twice (case aside)")
        seen.add(folded)
    return names


def parse_overlap(text: str) -> float:
    """--overlap: a percentage ("20%") or a fraction ("0.2"), from none to all."""
    from cooltui.errors import UsageError

    spelled = text.strip()
    try:
        number = float(spelled.removesuffix("%"))
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise UsageError(f"--overlap {text}: give a share such as 20% or 0.2")
    if spelled.endswith("%"):
        share = number / 100
    elif number > 1:
        raise UsageError(f"--overlap {text}: a share without % is from 0 to 1; {text}%?")
    else:
        share = number
    if not 0 <= share <= 1:
        raise UsageError(f"--overlap {text}: a share is from 0% to 100%")
    return share


def report(path: Path, project: Project, before: Project | None, corpus: set[str]) -> list[str]:
    """What the project deals out: its articles and share, each annotator's count (and how
    many of them are new since `before`, when given), and the articles the corpus lacks."""
    from collections import Counter

    from cooltui.team.project import percent
    from cooltui.text import printable

    plan, articles = project.plan, project.articles
    lines = [
        f"{path}: {len(articles):,} articles for {len(plan.annotators)} annotators, "
        f"{project.shared:,} of them coded by {plan.per_article} "
        f"(overlap {percent(plan.overlap)}, seed {plan.seed})"
    ]
    shared: Counter[str] = Counter()
    new: Counter[str] = Counter()
    new_articles = new_shared = 0
    for article_id, names in articles.items():
        is_new = before is not None and article_id not in before.articles
        new_articles += is_new
        new_shared += is_new and len(names) > 1
        for name in names:
            shared[name] += len(names) > 1
            new[name] += is_new
    if before is not None and new_articles:
        lines.append(f"new: {new_articles:,} articles, {new_shared:,} of them shared")
    elif before is not None:
        lines.append("new: none; the file is unchanged")
    loads = project.loads()
    width = max(len(name) for name in loads)
    digits = max(len(f"{load:,}") for load in loads.values())
    for name, load in loads.items():
        also_new = f", {new[name]:,} new" if before is not None else ""
        lines.append(
            f"  {name:<{width}}  {load:>{digits},} articles ({shared[name]:,} shared{also_new})"
        )
    gone = sorted(i for i in articles if i not in corpus)
    if gone:
        some = f"{len(gone):,} articles not in this corpus keep their entries"
        one = "1 article not in this corpus keeps its entry"
        lines.append(f"{some if len(gone) > 1 else one} (e.g. {printable(gone[0])})")
    return lines
