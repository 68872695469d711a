"""Who codes which article: the project file, <store>/project.json, that `cooltui assign` writes.

Each article goes to one annotator, or, for a share of the articles (the overlap), to
`per_article` of them, whose work is then compared (`cooltui agree`). The draw is:

- stable by article id: new articles are dealt out in the order of a hash of the seed and their
  id, never in corpus order, so the same ids and seed give the same project however the corpus
  is ordered or split into files;
- kept: an article keeps its annotators once assigned. A later run (the corpus grew) deals out
  only the articles the project lacks; articles gone from the corpus keep their entry (they may
  come back, and their work is in the stores);
- exact in its share: the shared articles are the first ones in hash order, as many as make the
  overlap's share of all the project's articles, rounded half up;
- balanced: each article goes to the annotators with the fewest articles so far (ties broken by
  a hash of the seed, the id and the name, so that every pair shares articles), which keeps
  every annotator's count within one of the others'.

Changing the plan (the annotators, the overlap, the count per shared article or the seed) would
move articles already assigned, and the work done on them: `cooltui assign` refuses it unless
asked with --reassign, which deals every article out afresh (`assign` over all the ids).

The file holds a "version", the plan, and one line per article, sorted by id, so that a growing
corpus shows in `git diff` as the lines of its new articles.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import orjson

from cooltui.errors import CoolError
from cooltui.store import PROJECT_FILE, StoreError, atomic_write, check_annotator

VERSION = 1
"""The project file's format; a file of a later version is refused, not misread."""

_FIX = "restore it (from git or a backup), or remove it and run `cooltui assign` again"


class ProjectError(CoolError):
    """The project file cannot be read or written; the message names it and says what to do."""


@dataclass(frozen=True, slots=True)
class Plan:
    """How articles are dealt out: to whom, the share coded by several (0 to 1), by how many,
    and the seed of the draw."""

    annotators: tuple[str, ...]
    overlap: float
    per_article: int = 2
    seed: int = 0

    def changes_from(self, other: Plan) -> list[str]:
        """What differs from `other`, in words ("overlap 20% (was 10%)"); the annotators' order
        does not count: it changes no draw."""
        changes = []
        if set(self.annotators) != set(other.annotators):
            now, was = ",".join(self.annotators), ",".join(other.annotators)
            changes.append(f"annotators {now} (was {was})")
        if self.overlap != other.overlap:
            changes.append(f"overlap {percent(self.overlap)} (was {percent(other.overlap)})")
        if self.per_article != other.per_article:
            changes.append(f"per article {self.per_article} (was {other.per_article})")
        if self.seed != other.seed:
            changes.append(f"seed {self.seed} (was {other.seed})")
        return changes


@dataclass(frozen=True, slots=True)
class Project:
    """A plan and, for each article id it has dealt out, its annotators (in the plan's order)."""

    plan: Plan
    articles: Mapping[str, tuple[str, ...]]

    @property
    def shared(self) -> int:
        """How many articles more than one annotator codes."""
        return sum(1 for names in self.articles.values() if len(names) > 1)

    def loads(self) -> dict[str, int]:
        """How many articles each annotator codes, in the plan's order."""
        counts = Counter(name for names in self.articles.values() for name in names)
        return {name: counts[name] for name in self.plan.annotators}

    def articles_of(self, annotator: str) -> frozenset[str]:
        """The ids of the articles `annotator` codes (none when not in the plan)."""
        return frozenset(i for i, names in self.articles.items() if annotator in names)


def percent(share: float) -> str:
    """A share as the user writes it: 0.2 -> "20%", 0.333 -> "33.3%"."""
    return f"{share * 100:.4g}%"


def assign(article_ids: Iterable[str], plan: Plan, project: Project | None = None) -> Project:
    """A project in which every id of `article_ids` is dealt out by `plan`: the articles
    `project` has keep their annotators, the new ones are dealt out as the module says (and
    balance the load over all of them)."""
    articles = dict(project.articles) if project is not None else {}
    new = sorted({i for i in article_ids if i not in articles}, key=lambda i: (_hash(plan, i), i))
    kept_shared = project.shared if project is not None else 0
    wanted_shared = math.floor(plan.overlap * (len(articles) + len(new)) + 0.5)
    shared = min(len(new), max(0, wanted_shared - kept_shared))
    loads = Counter(dict.fromkeys(plan.annotators, 0))
    loads.update(name for names in articles.values() for name in names if name in loads)
    for index, article_id in enumerate(new):
        count = plan.per_article if index < shared else 1
        chosen = sorted(loads, key=lambda name: (loads[name], _hash(plan, article_id, name)))
        picked = set(chosen[:count])
        loads.update(picked)
        articles[article_id] = tuple(name for name in plan.annotators if name in picked)
    return Project(plan, articles)


def _hash(plan: Plan, article_id: str, annotator: str = "") -> bytes:
    """The draw's order: the same on every machine and Python (unlike hash())."""
    key = f"{plan.seed}\0{article_id}\0{annotator}".encode()
    return hashlib.blake2b(key, digest_size=8).digest()


# --- the file ------------------------------------------------------------------------------------


def project_path(store_dir: Path) -> Path:
    return Path(store_dir) / PROJECT_FILE


def load_project(store_dir: Path) -> Project | None:
    """The project file of the stores in `store_dir`; None when there is none."""
    path = project_path(store_dir)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise ProjectError(
            f"{path}: cannot read the project file ({error.strerror or error})"
        ) from None
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise ProjectError(f"{path}: not JSON ({error}); {_FIX}") from None
    if not isinstance(data, dict) or "version" not in data:
        raise ProjectError(f'{path}: not a cooltui project file (no "version"); {_FIX}')
    version = data["version"]
    if version != VERSION:
        newer = isinstance(version, int) and not isinstance(version, bool) and version > VERSION
        if newer:
            raise ProjectError(
                f"{path}: written by a newer cooltui (version {version}; this one reads "
                f"{VERSION}): update cooltui"
            )
        raise ProjectError(f"{path}: unknown version {version!r}; {_FIX}")
    plan = _plan_of(path, data)
    return Project(plan, _articles_of(path, data.get("articles"), plan))


def _plan_of(path: Path, data: dict[str, object]) -> Plan:
    names = data.get("annotators")
    if not isinstance(names, list) or not names:
        raise ProjectError(f'{path}: "annotators" must be a list of names; {_FIX}')
    for name in names:
        try:
            check_annotator(name)  # type: ignore[arg-type]
        except StoreError as error:
            raise ProjectError(f'{path}: "annotators": {error}; {_FIX}') from None
    if len(set(names)) < len(names):
        raise ProjectError(f'{path}: "annotators" names someone twice; {_FIX}')
    overlap = data.get("overlap")
    if not _number(overlap) or not 0 <= overlap <= 1:  # type: ignore[operator]
        raise ProjectError(f'{path}: "overlap" must be a share from 0 to 1; {_FIX}')
    per_article = data.get("per_article")
    if not _number(per_article, whole=True) or not 2 <= per_article <= len(names):  # type: ignore[operator]
        raise ProjectError(
            f'{path}: "per_article" must be from 2 to the {len(names)} annotators; {_FIX}'
        )
    seed = data.get("seed")
    if not _number(seed, whole=True):
        raise ProjectError(f'{path}: "seed" must be a whole number; {_FIX}')
    return Plan(tuple(names), float(overlap), per_article, seed)  # type: ignore[arg-type]


def _number(value: object, *, whole: bool = False) -> bool:
    if isinstance(value, bool):  # JSON's true is no number
        return False
    return isinstance(value, int) or (not whole and isinstance(value, float))


def _articles_of(path: Path, articles: object, plan: Plan) -> dict[str, tuple[str, ...]]:
    if not isinstance(articles, dict):
        raise ProjectError(f'{path}: "articles" must map article ids to annotators; {_FIX}')
    # Teams repeat (100,000 articles, a handful of teams): each is checked once, and its
    # articles share one tuple of it.
    teams: dict[tuple[str, ...], tuple[str, ...]] = {}
    found: dict[str, tuple[str, ...]] = {}
    for article_id, names in articles.items():
        try:
            team = teams.get(tuple(names)) if type(names) is list else None
        except TypeError:  # something unhashable in the list: told below
            team = None
        if team is None:
            team = _team(path, article_id, names, plan)
            teams[team] = team
        found[article_id] = team
    return found


def _team(path: Path, article_id: str, names: object, plan: Plan) -> tuple[str, ...]:
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        problem = "its annotators must be a list of names"
    elif len(names) not in (1, plan.per_article) or len(set(names)) < len(names):
        problem = f"{len(names)} annotators, not 1 or {plan.per_article} different ones"
    elif not set(plan.annotators).issuperset(names):
        stranger = next(n for n in names if n not in plan.annotators)
        problem = f"{stranger!r} is not among the project's annotators"
    else:
        return tuple(names)
    raise ProjectError(f"{path}: article {article_id!r}: {problem}; {_FIX}")


def save_project(store_dir: Path, project: Project) -> Path:
    """Write the project file whole and atomically (its old version or its new one, never
    half of it); its path."""
    path = project_path(store_dir)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, _dumps(project))
    except OSError as error:
        raise ProjectError(
            f"{path}: cannot write the project file ({error.strerror or error}); it is unchanged"
        ) from None
    return path


def _dumps(project: Project) -> bytes:
    plan = project.plan
    head = {
        "version": VERSION,
        "annotators": list(plan.annotators),
        "overlap": plan.overlap,
        "per_article": plan.per_article,
        "seed": plan.seed,
    }
    lines = [f"  {_json(key)}: {_json(value)}," for key, value in head.items()]
    entries = [
        f"    {_json(article_id)}: {_json(list(names))}"
        for article_id, names in sorted(project.articles.items())
    ]
    articles = [",\n".join(entries)] if entries else []
    return "\n".join(("{", *lines, '  "articles": {', *articles, "  }", "}", "")).encode()


def _json(value: object) -> str:
    return orjson.dumps(value).decode()
