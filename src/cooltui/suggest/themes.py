"""Document labels from the cue words of the scheme: a value whose cues an article contains.

Cues match as whole words in any case, and also with the common Indonesian affixes around them
("bersinergi", "hak pilihnya", "kondusifitas"). A cue written in capitals is an acronym ("SARA",
"KPU", "TPS") and matches only in capitals, as written: "Sara" is a name, not SARA.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cooltui.scheme import Scheme
from cooltui.suggest.rules import Scan, scan

_PREFIXES = ("ber", "di", "ter", "se")
_SUFFIXES = ("nya", "kan", "an", "i", "itas", "tas", "s")


@dataclass(frozen=True, slots=True)
class ThemeSuggestion:
    """A document label value to suggest, and the scheme's cues that the article contains."""

    group: str
    value: str
    cues: tuple[str, ...]


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def _starts_word(text: str, at: int, prefixes: tuple[str, ...]) -> bool:
    """Whether a word starts at `at`, or just before it with one of `prefixes`."""
    if at == 0 or not _is_word_char(text[at - 1]):
        return True
    for prefix in prefixes:
        begin = at - len(prefix)
        if begin >= 0 and text.startswith(prefix, begin):
            return begin == 0 or not _is_word_char(text[begin - 1])
    return False


def _ends_word(text: str, end: int, suffixes: tuple[str, ...]) -> bool:
    """Whether a word ends at `end`, or just after it with one of `suffixes`."""
    if end == len(text) or not _is_word_char(text[end]):
        return True
    for suffix in suffixes:
        if text.startswith(suffix, end):
            after = end + len(suffix)
            if after == len(text) or not _is_word_char(text[after]):
                return True
    return False


class CueMatcher:
    """Finds the cues of every value of every group of a scheme.

    A set of the article's words, intersected with every affixed form of every cue's first
    word, says which cues may occur: a one-word cue that is no acronym is then found, and the
    others (phrases, acronyms) are checked in the text.
    """

    def __init__(self, scheme: Scheme) -> None:
        self.groups = scheme.groups
        # Each cue as searched (lower-cased with single blanks, or an acronym as written) and
        # the (group, value, cue) it marks.
        self.owners: dict[tuple[str, bool], list[tuple[str, str, str]]] = {}
        # Lower-cased word forms (with affixes) -> the cues they may be the first word of.
        self.forms: dict[str, list[tuple[str, bool]]] = {}
        for group in scheme.groups:
            for value in group.values:
                for cue in value.cues:
                    acronym = cue.isupper()
                    needle = (cue if acronym else " ".join(cue.lower().split()), acronym)
                    self.owners.setdefault(needle, []).append((group.name, value.name, cue))
        # Cues whose first word has letters outside ASCII escape the scan; they are searched.
        self.unscanned: list[tuple[str, bool]] = []
        for needle in self.owners:
            if _ASCII.fullmatch(needle[0].split(maxsplit=1)[0].lower()):
                for form in _forms(*needle):
                    self.forms.setdefault(form, []).append(needle)
            else:
                self.unscanned.append(needle)
        # A word that is a cue itself is that cue only: "netralitas" is not "netral" + "itas".
        for needle in self.owners:
            if needle[0] in self.forms and not needle[1] and " " not in needle[0]:
                self.forms[needle[0]] = [needle]
        self.form_words = frozenset(self.forms)
        # A phrase is searched with blanks of any kind and number between its words.
        self.phrases = {
            needle: re.compile(r"\s+".join(map(re.escape, needle[0].split())))
            for needle in self.owners
            if " " in needle[0]
        }

    def _occurs(self, text: str, words: Scan, needle: tuple[str, bool]) -> bool:
        """Whether a cue stands in the text as whole words, with an affix if it is no acronym."""
        cue, acronym = needle
        if acronym:
            return _occurs(text, cue, (), ())
        phrase = self.phrases.get(needle)
        if phrase is None:
            # A one-word cue came in the word set (affixed forms included), or is searched.
            return _ASCII.fullmatch(cue) is not None or _occurs(
                words.lower, cue, _PREFIXES, _SUFFIXES
            )
        lower = words.lower
        return any(
            _starts_word(lower, match.start(), _PREFIXES)
            and _ends_word(lower, match.end(), _SUFFIXES)
            for match in phrase.finditer(lower)
        )

    def find(self, text: str, words: Scan | None = None) -> tuple[ThemeSuggestion, ...]:
        """The values whose cues `text` holds, in the scheme's order; one per single-choice group.

        `words` is scan(text), when the caller has it already.
        """
        if not self.owners:
            return ()
        words = words or scan(text)
        found: set[tuple[str, bool]] = set()
        for form in words.words & self.form_words:
            found.update(needle for needle in self.forms[form] if self._occurs(text, words, needle))
        found.update(needle for needle in self.unscanned if self._occurs(text, words, needle))
        if not found:
            return ()
        chosen_cues: dict[tuple[str, str], set[str]] = {}
        for needle in found:
            for group, value, cue in self.owners[needle]:
                chosen_cues.setdefault((group, value), set()).add(cue)
        result: list[ThemeSuggestion] = []
        for group in self.groups:
            chosen = [
                ThemeSuggestion(
                    group.name,
                    value.name,
                    tuple(
                        cue for cue in value.cues if cue in chosen_cues[(group.name, value.name)]
                    ),
                )
                for value in group.values
                if (group.name, value.name) in chosen_cues
            ]
            if not group.multi and len(chosen) > 1:
                # One value only: the one with the most cues found (the first on a tie).
                chosen = [max(chosen, key=lambda theme: len(theme.cues))]
            result.extend(chosen)
        return tuple(result)


_ASCII = re.compile(r"[a-z]+")


def _forms(needle: str, acronym: bool) -> set[str]:
    """The lower-cased words that may be the first word of `needle` in a text."""
    first = needle.split(maxsplit=1)[0].lower()
    if acronym:
        return {first}
    if " " in needle:
        return {first} | {prefix + first for prefix in _PREFIXES}
    return {prefix + first + suffix for prefix in ("", *_PREFIXES) for suffix in ("", *_SUFFIXES)}


def _occurs(text: str, needle: str, prefixes: tuple[str, ...], suffixes: tuple[str, ...]) -> bool:
    """Whether `needle` stands in `text` as whole words, maybe with one of the affixes."""
    at = text.find(needle)
    while at >= 0:
        if _starts_word(text, at, prefixes) and _ends_word(text, at + len(needle), suffixes):
            return True
        at = text.find(needle, at + 1)
    return False
