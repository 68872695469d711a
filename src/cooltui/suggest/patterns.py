"""Users' own rules: pattern files in Prodigy's patterns JSONL format.

One pattern a line, {"label": "ORG", "pattern": ...}, with the pattern either a phrase
("Polsek Minas": its tokens, matched exactly as written, like spaCy's PhraseMatcher on ORTH) or
a list of token patterns in spaCy's Matcher syntax ([{"lower": "kompol"}]). Other keys, such as
Prodigy's "id", are ignored. The tokens are cooltui's own (cooltui.text.tokenize), which keep
"Pol.", "S.H." and "19/10" whole where spaCy splits them.

Token attributes (any case): ORTH, TEXT, LOWER, NORM (taken as LOWER), LENGTH, IS_ALPHA,
IS_ASCII, IS_DIGIT, IS_LOWER, IS_UPPER, IS_TITLE, IS_PUNCT, LIKE_NUM, SHAPE; a value is the
value itself or a dict of IN, NOT_IN, REGEX, or ==, !=, >=, <=, >, < for LENGTH. Operators:
OP "!", "?", "+", "*", "{n}", "{n,m}", "{n,}", "{,m}". Attributes that need a trained pipeline
(POS, LEMMA, ENT_TYPE...) are refused with the line that asks for them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import orjson

from cooltui.errors import CoolError, read_user_file
from cooltui.suggest.rules import Candidate
from cooltui.text import TokenIndex, normalise, tokenize

PRIORITY = 30
"""A user's pattern outranks a built-in rule of the same length."""

Test = Callable[[str], bool]


class PatternError(CoolError):
    """A patterns file that cannot be used; the message names the file and line."""


def _is_punct(word: str) -> bool:
    return all(unicodedata.category(char).startswith("P") for char in word)


def _like_num(word: str) -> bool:
    digits = word.lstrip("+-±~").replace(",", "").replace(".", "")
    if digits.isdigit():
        return True
    top, slash, bottom = word.partition("/")
    return bool(slash) and top.isdigit() and bottom.isdigit()


def _shape(word: str) -> str:
    """spaCy's word shape: Xxxx, dd/dd; runs of one kind longer than four are cut to four."""
    shape: list[str] = []
    last, run = "", 0
    for char in word:
        kind = "X" if char.isupper() else "x" if char.isalpha() else "d" if char.isdigit() else char
        run = run + 1 if kind == last else 1
        last = kind
        if run <= 4:
            shape.append(kind)
    return "".join(shape)


# Attribute -> (how to read it from a token's text, the type of its values).
_ATTRIBUTES: dict[str, tuple[Callable[[str], Any], type]] = {
    "ORTH": (str, str),
    "TEXT": (str, str),
    "LOWER": (str.lower, str),
    "NORM": (str.lower, str),
    "LENGTH": (len, int),
    "IS_ALPHA": (str.isalpha, bool),
    "IS_ASCII": (str.isascii, bool),
    "IS_DIGIT": (str.isdigit, bool),
    "IS_LOWER": (str.islower, bool),
    "IS_UPPER": (str.isupper, bool),
    "IS_TITLE": (str.istitle, bool),
    "IS_PUNCT": (_is_punct, bool),
    "LIKE_NUM": (_like_num, bool),
    "SHAPE": (_shape, str),
}
_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    ">=": lambda a, b: a >= b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    "<": lambda a, b: a < b,
}
_OP = re.compile(r"\{(\d*)(,?)(\d*)\}\Z")
_UNBOUNDED = 1 << 30


@dataclass(frozen=True, slots=True)
class _Step:
    """One token pattern: a test, and how many tokens in a row must pass it."""

    test: Test
    least: int
    most: int
    words: frozenset[str] | None = None
    """The only tokens (lower-cased) that can pass, when an ORTH, TEXT, LOWER or NORM says."""


@dataclass(frozen=True, slots=True)
class _TokenPattern:
    steps: tuple[_Step, ...]
    label: str
    source: str


class Patterns:
    """The patterns of some files, checked against the scheme's labels, ready to match."""

    def __init__(self, paths: Sequence[Path], labels: Iterable[str]) -> None:
        self.labels = frozenset(labels)
        # Phrases by their first token, and token patterns by the lower-cased tokens they can
        # start with where their first step says, so that a token costs a dict lookup or two.
        self.phrases: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}
        self.by_first: dict[str, list[_TokenPattern]] = {}
        self.anywhere: list[_TokenPattern] = []
        for path in paths:
            self._load(path)

    def __bool__(self) -> bool:
        return bool(self.phrases or self.by_first or self.anywhere)

    def _load(self, path: Path) -> None:
        data = read_user_file(path, PatternError, "patterns file", "check --patterns")
        for number, raw in enumerate(data.removeprefix(b"\xef\xbb\xbf").splitlines(), 1):
            if raw.strip():
                self._add(_Line(path, number), raw)

    def _add(self, where: _Line, raw: bytes) -> None:
        try:
            entry = orjson.loads(raw)
        except orjson.JSONDecodeError as error:
            where.fail(f"not JSON ({error}); each line must be one JSON object")
        if not isinstance(entry, dict):
            where.fail('not a JSON object; write {"label": "ORG", "pattern": "..."}')
        label = entry.get("label")
        if not isinstance(label, str) or not label:
            where.fail('no "label"; give each pattern the label it suggests')
        if label not in self.labels:
            where.fail(
                f"label {label!r} is not in the scheme; use one of {', '.join(sorted(self.labels))}"
            )
        pattern = entry.get("pattern")
        source = f"pattern:{where.path.name}:{where.number}"
        if isinstance(pattern, str):
            words = tuple(token.text for token in tokenize(normalise(pattern)))
            if not words:
                where.fail('"pattern" is an empty phrase')
            self.phrases.setdefault(words[0], []).append((words, label, source))
        elif isinstance(pattern, list):
            if not pattern:
                where.fail('"pattern" is an empty list; give at least one token pattern')
            steps = tuple(_step(item, index, where) for index, item in enumerate(pattern, 1))
            token_pattern = _TokenPattern(steps, label, source)
            first = steps[0]
            if first.least and first.words is not None:
                for word in first.words:
                    self.by_first.setdefault(word, []).append(token_pattern)
            else:
                self.anywhere.append(token_pattern)
        else:
            where.fail(
                '"pattern" must be a phrase (a string) or a list of token patterns, such as '
                '[{"lower": "kompol"}]'
            )

    def find(self, tokens: TokenIndex) -> list[Candidate]:
        """Every match: for each pattern and start token, its longest match."""
        words = [token.text for token in tokens.tokens]
        starts, ends = tokens.starts, tokens.ends
        found: list[Candidate] = []
        phrases, by_first, anywhere = self.phrases, self.by_first, self.anywhere
        count = len(words)
        for index, word in enumerate(words):
            for phrase, label, source in phrases.get(word, ()):
                stop = index + len(phrase)
                if stop <= count and tuple(words[index:stop]) == phrase:
                    found.append(Candidate(starts[index], ends[stop - 1], label, source, PRIORITY))
            keyed = by_first.get(word.lower(), ()) if by_first else ()
            for pattern in (*keyed, *anywhere):
                stop = _longest(pattern.steps, 0, words, index)
                if stop > index:
                    found.append(
                        Candidate(
                            starts[index], ends[stop - 1], pattern.label, pattern.source, PRIORITY
                        )
                    )
        return found


@dataclass(frozen=True, slots=True)
class _Line:
    path: Path
    number: int

    def fail(self, message: str) -> NoReturn:
        raise PatternError(f"{self.path}:{self.number}: {message}")


def _longest(steps: tuple[_Step, ...], at: int, words: list[str], index: int) -> int:
    """The end of the longest match of steps[at:] from token `index`, or -1 if none."""
    if at == len(steps):
        return index
    step = steps[at]
    position = index
    while position - index < step.least:  # the tokens the step needs
        if position >= len(words) or not step.test(words[position]):
            return -1
        position += 1
    ends = [position]
    while position - index < step.most and position < len(words) and step.test(words[position]):
        position += 1
        ends.append(position)
    best = -1
    for end in reversed(ends):
        best = max(best, _longest(steps, at + 1, words, end))
    return best


def _step(item: Any, index: int, where: _Line) -> _Step:
    """One token pattern of a line, as a test and a repeat count."""
    if not isinstance(item, dict):
        where.fail(f'token pattern {index} is not an object such as {{"lower": "kompol"}}')
    tests: list[Test] = []
    least = most = 1
    negate = False
    words: frozenset[str] | None = None
    for key, value in item.items():
        name = key.upper() if isinstance(key, str) else key
        if name == "OP":
            least, most, negate = _operator(value, index, where)
            continue
        if name not in _ATTRIBUTES:
            where.fail(
                f"token pattern {index}: attribute {key!r} is not supported (cooltui matches "
                f"its own tokens, without a spaCy pipeline); use {', '.join(_ATTRIBUTES)}"
            )
        tests.append(_test(name, value, index, where))
        fixed = _fixed_words(name, value)
        if fixed is not None:
            words = fixed if words is None else words & fixed

    def test(word: str) -> bool:
        return all(check(word) for check in tests) != negate

    return _Step(test, least, most, None if negate else words)


def _fixed_words(name: str, value: Any) -> frozenset[str] | None:
    """The lower-cased tokens an ORTH, TEXT, LOWER or NORM value allows, if it names them."""
    if name not in ("ORTH", "TEXT", "LOWER", "NORM"):
        return None
    if isinstance(value, str):
        return frozenset({value.lower()})
    if isinstance(value, dict) and set(value) == {"IN"}:
        return frozenset(item.lower() for item in value["IN"])
    return None


def _operator(value: Any, index: int, where: _Line) -> tuple[int, int, bool]:
    """(least, most, negate) of an OP value."""
    simple = {"!": (1, 1, True), "?": (0, 1, False), "+": (1, _UNBOUNDED, False)}
    simple |= {"*": (0, _UNBOUNDED, False), "1": (1, 1, False)}
    if isinstance(value, str) and value in simple:
        return simple[value]
    match = _OP.match(value) if isinstance(value, str) else None
    if match is None or not (match[1] or match[3]):
        where.fail(
            f'token pattern {index}: unknown OP {value!r}; use "!", "?", "+", "*", "{{n}}", '
            '"{n,m}", "{n,}" or "{,m}"'
        )
    least = int(match[1] or 0)
    most = int(match[3]) if match[3] else (_UNBOUNDED if match[2] else least)
    if most < least:
        where.fail(f"token pattern {index}: OP {value!r} allows fewer than it needs")
    return least, most, False


def _test(name: str, value: Any, index: int, where: _Line) -> Test:
    """A test of one attribute of a token's text."""
    read, kind = _ATTRIBUTES[name]
    what = f"token pattern {index}: {name}"
    if not isinstance(value, dict):
        _check_type(value, kind, what, where)
        return lambda word: read(word) == value
    checks: list[Test] = []
    for operator, operand in value.items():
        checks.append(_value_test(read, kind, operator, operand, what, where))
    return lambda word: all(check(word) for check in checks)


def _value_test(
    read: Callable[[str], Any], kind: type, operator: Any, operand: Any, what: str, where: _Line
) -> Test:
    if operator in ("IN", "NOT_IN"):
        if not isinstance(operand, list):
            where.fail(f"{what}: {operator} takes a list")
        for item in operand:
            _check_type(item, kind, what, where)
        members = frozenset(operand)
        if operator == "IN":
            return lambda word: read(word) in members
        return lambda word: read(word) not in members
    if operator == "REGEX":
        if not isinstance(operand, str):
            where.fail(f"{what}: REGEX takes a string")
        try:
            expression = re.compile(operand)
        except re.error as error:
            where.fail(f"{what}: bad REGEX {operand!r} ({error})")
        return lambda word: expression.search(str(read(word))) is not None
    if operator in _COMPARISONS and kind is int:
        _check_type(operand, int, what, where)
        compare = _COMPARISONS[operator]
        return lambda word: compare(read(word), operand)
    where.fail(
        f"{what}: {operator!r} is not supported; use IN, NOT_IN, REGEX"
        + (" or ==, !=, >=, <=, >, <" if kind is int else "")
    )


def _check_type(value: Any, kind: type, what: str, where: _Line) -> None:
    # bool is an int in Python: LENGTH true would pass an isinstance test.
    if type(value) is not kind:
        where.fail(f"{what} takes a {kind.__name__}, not {value!r}")
