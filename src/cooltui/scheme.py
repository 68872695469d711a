"""The label scheme: span labels and document label groups, read from a TOML file.

The default scheme ships with the package (schemes/default.toml); `--scheme FILE` takes another.
Loading validates everything a user can get wrong and names the file and line of each mistake.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn

from cooltui.errors import CoolError, read_user_file
from cooltui.keys import (
    DEFAULT_APP_KEYS,
    LABEL,
    MOTION_KEYS,
    THEMES,
    SchemeKey,
    label_action,
    split_keys,
    value_action,
)

DEFAULT_SCHEME_NAME = "default.toml"

# A document label group may not be named like a field of the export format.
EXPORT_FIELDS = frozenset({"id", "text", "spans", "meta", "note", "status", "annotator"})

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_\-]*\Z")


class SchemeError(CoolError):
    """A scheme file that cannot be used; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class SpanLabel:
    name: str
    key: str
    color: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class GroupValue:
    name: str
    key: str | None = None
    description: str = ""
    cues: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LabelGroup:
    """A document label group: `multi` allows any number of values, else at most one."""

    name: str
    multi: bool
    values: tuple[GroupValue, ...]
    description: str = ""

    def value(self, name: str) -> GroupValue | None:
        return next((v for v in self.values if v.name == name), None)


@dataclass(frozen=True, slots=True)
class Scheme:
    name: str
    labels: tuple[SpanLabel, ...]
    groups: tuple[LabelGroup, ...]
    allow_overlap: bool = False
    check_done: bool = True
    """Marking an article done asks again when suggestions are still open or it holds nothing."""
    app_keys: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_APP_KEYS))
    description: str = ""
    path: Path | None = None
    patterns: tuple[Path, ...] = ()
    """Suggestion pattern files the scheme declares, relative to the scheme file."""

    def label(self, name: str) -> SpanLabel | None:
        return next((label for label in self.labels if label.name == name), None)

    def label_for_key(self, key: str) -> SpanLabel | None:
        return next((label for label in self.labels if label.key == key), None)

    def group(self, name: str) -> LabelGroup | None:
        return next((group for group in self.groups if group.name == name), None)

    @property
    def label_names(self) -> frozenset[str]:
        return frozenset(label.name for label in self.labels)

    def declared_keys(self) -> list[SchemeKey]:
        """Each label's key, then each document value's that has one, bound on the app.

        Names are quoted as they are: the scheme allows only letters, digits, _ and - in them.
        """
        return [
            SchemeKey(label.key, label_action(label.name), f"Label {label.name}", LABEL)
            for label in self.labels
        ] + [
            SchemeKey(
                value.key,
                value_action(group.name, value.name),
                f"{'Toggle' if group.multi else 'Choose'} {group.name} {value.name}",
                THEMES,
            )
            for group in self.groups
            for value in group.values
            if value.key
        ]


def default_scheme_path() -> Path:
    return Path(str(resources.files("cooltui") / "schemes" / DEFAULT_SCHEME_NAME))


def load_scheme(path: Path | None = None) -> Scheme:
    """Read and validate a scheme file (the default one when `path` is None)."""
    path = default_scheme_path() if path is None else path
    data = read_user_file(path, SchemeError, "scheme file", "check the --scheme path")
    try:
        source = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SchemeError(
            f"{path}: not UTF-8 (bad byte 0x{error.object[error.start]:02x} at offset "
            f"{error.start}); save the scheme as UTF-8"
        ) from None
    return parse_scheme(source, path)


def parse_scheme(source: str, path: Path) -> Scheme:
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as error:
        raise SchemeError(f"{path}: not valid TOML: {error}") from None
    return _SchemeReader(source, path).read(data)


class _SchemeReader:
    """Turns parsed TOML into a Scheme, locating each mistake in the source for its message."""

    def __init__(self, source: str, path: Path) -> None:
        self.lines = source.splitlines()
        self.path = path

    def fail(
        self, message: str, field_name: str | None = None, value: str = "", nth: int = 0
    ) -> NoReturn:
        line = self.line_of(field_name, value, nth) if field_name else None
        where = f"{self.path}:{line}" if line else str(self.path)
        raise SchemeError(f"{where}: {message}")

    def line_of(self, field_name: str, value: str, nth: int) -> int | None:
        """The line of the nth `field = "value"` in the file (TOML parsers give no positions)."""
        pattern = re.compile(rf"""^\s*{re.escape(field_name)}\s*=\s*["']{re.escape(value)}["']""")
        found = [i for i, line in enumerate(self.lines, 1) if pattern.search(line)]
        return found[min(nth, len(found) - 1)] if found else None

    def read(self, data: dict[str, Any]) -> Scheme:
        unknown = set(data) - {"scheme", "labels", "groups", "keys"}
        if unknown:
            self.fail(
                f"unknown table {sorted(unknown)[0]!r}; expected scheme, labels, groups, keys"
            )
        head = self.table(data.get("scheme", {}), "[scheme]")
        allow_overlap = self.flag(head, "allow_overlap", default=False)
        check_done = self.flag(head, "check_done", default=True)
        app_keys = self.app_keys(self.table(data.get("keys", {}), "[keys]"))
        labels = self.labels(data.get("labels"))
        groups = self.groups(data.get("groups", []))
        self.check_keys(app_keys, labels, groups)
        patterns = head.get("patterns", [])
        if not isinstance(patterns, list) or not all(isinstance(p, str) and p for p in patterns):
            self.fail('[scheme] patterns must be a list of file names, such as ["my.jsonl"]')
        return Scheme(
            patterns=tuple(self.path.parent / name for name in patterns),
            name=self.text(head, "name", "[scheme]", default=self.path.stem),
            description=self.text(head, "description", "[scheme]", default=""),
            labels=labels,
            groups=groups,
            allow_overlap=allow_overlap,
            check_done=check_done,
            app_keys=app_keys,
            path=self.path,
        )

    def flag(self, head: dict[str, Any], key: str, *, default: bool) -> bool:
        value = head.get(key, default)
        if not isinstance(value, bool):
            self.fail(f"scheme.{key} must be true or false", key, "")
        return value

    def table(self, value: Any, what: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(f"{what} must be a table")
        return value

    def text(self, table: dict[str, Any], key: str, what: str, default: str | None = None) -> str:
        value = table.get(key, default)
        if value is None:
            self.fail(f"{what} lacks {key!r}")
        if not isinstance(value, str):
            self.fail(f"{what}: {key!r} must be a string", key, str(value))
        return value

    def key(self, key: Any, what: str) -> str:
        if not isinstance(key, str) or not key or any(c.isspace() for c in key):
            self.fail(f'{what}: key must be one key such as "p", "1" or "ctrl+k"')
        return key

    def name(self, table: dict[str, Any], what: str) -> str:
        name = self.text(table, "name", what)
        if not _NAME.match(name):
            self.fail(
                f"{what}: name {name!r} must start with a letter and hold only letters, "
                "digits, _ and -",
                "name",
                name,
            )
        return name

    def app_keys(self, table: dict[str, Any]) -> dict[str, str]:
        """The `[keys]` table over the defaults; cooltui.keys says which ids it may remap."""
        keys = dict(DEFAULT_APP_KEYS)
        for binding, value in table.items():
            if binding not in DEFAULT_APP_KEYS:
                self.fail(
                    f"[keys]: unknown binding {binding!r}; known: {', '.join(DEFAULT_APP_KEYS)}",
                    binding,
                    str(value),
                )
            if not isinstance(value, str) or not all(split_keys(value)):
                self.fail(f'[keys]: {binding} must be a key such as "a" or "ctrl+k"', binding)
            keys[binding] = value
        return keys

    def labels(self, items: Any) -> tuple[SpanLabel, ...]:
        if not isinstance(items, list) or not items:
            self.fail("the scheme declares no span labels; add [[labels]] tables")
        labels: list[SpanLabel] = []
        seen: dict[str, int] = {}
        for item in items:
            table = self.table(item, "[[labels]]")
            name = self.name(table, "[[labels]]")
            if name in seen:
                self.fail(f"span label {name!r} is declared twice", "name", name, nth=1)
            seen[name] = 1
            what = f"label {name}"
            key = self.key(self.text(table, "key", what), what)
            color = self.text(table, "color", what)
            if not _is_color(color):
                self.fail(
                    f"{what}: unknown colour {color!r}; use #rrggbb or a colour name such as "
                    "'red' or 'bright_blue'",
                    "color",
                    color,
                )
            description = self.text(table, "description", what, default="")
            labels.append(SpanLabel(name, key, color, description))
        return tuple(labels)

    def groups(self, items: Any) -> tuple[LabelGroup, ...]:
        if not isinstance(items, list):
            self.fail("groups must be a list of [[groups]] tables")
        groups: list[LabelGroup] = []
        for item in items:
            table = self.table(item, "[[groups]]")
            name = self.name(table, "[[groups]]")
            if name in EXPORT_FIELDS:
                self.fail(
                    f"group name {name!r} clashes with a field of the export format "
                    f"({', '.join(sorted(EXPORT_FIELDS))}); rename it",
                    "name",
                    name,
                )
            if any(group.name == name for group in groups):
                self.fail(f"group {name!r} is declared twice", "name", name, nth=1)
            choice = table.get("choice", "multi")
            if choice not in ("multi", "single"):
                self.fail(f'group {name}: choice must be "multi" or "single"', "choice", choice)
            groups.append(
                LabelGroup(
                    name=name,
                    multi=choice == "multi",
                    values=self.values(table.get("values"), name),
                    description=self.text(table, "description", f"group {name}", default=""),
                )
            )
        return tuple(groups)

    def values(self, items: Any, group: str) -> tuple[GroupValue, ...]:
        if not isinstance(items, list) or not items:
            self.fail(f"group {group} has no values; add [[groups.values]] tables")
        values: list[GroupValue] = []
        for item in items:
            table = self.table(item, f"a value of group {group}")
            name = self.name(table, f"a value of group {group}")
            if any(value.name == name for value in values):
                self.fail(f"group {group}: value {name!r} is declared twice", "name", name, nth=1)
            what = f"value {group}.{name}"
            key = table.get("key")
            if key is not None:
                key = self.key(key, what)
            cues = table.get("cues", [])
            if not isinstance(cues, list) or not all(isinstance(c, str) and c for c in cues):
                self.fail(f"{what}: cues must be a list of words or phrases", "name", name)
            description = self.text(table, "description", what, default="")
            values.append(GroupValue(name, key, description, tuple(cues)))
        return tuple(values)

    def check_keys(
        self,
        app_keys: Mapping[str, str],
        labels: tuple[SpanLabel, ...],
        groups: tuple[LabelGroup, ...],
    ) -> None:
        """Every key does one thing: no label or value key is an app key or another's key."""
        taken: dict[str, str] = {}
        for binding, keys in app_keys.items():
            for key in split_keys(keys):
                if key in MOTION_KEYS:
                    self.fail(f"[keys]: {binding} cannot take {key!r}, the reader moves with it")
                if key in taken:
                    self.fail(f"[keys]: {binding} and {taken[key]} both use {key!r}", binding)
                taken[key] = f"the app's {binding}"
        owned = [(label.key, f"label {label.name}") for label in labels] + [
            (value.key, f"value {group.name}.{value.name}")
            for group in groups
            for value in group.values
            if value.key is not None
        ]
        nth: dict[str, int] = {}
        for key, owner in owned:
            if key in taken or key in MOTION_KEYS:
                holder = taken.get(key, "the reader's motion keys")
                self.fail(
                    f"{owner}: key {key!r} is already {holder}; choose another key",
                    "key",
                    key,
                    nth=nth.get(key, 0),
                )
            nth[key] = nth.get(key, 0) + 1
            taken[key] = owner


def _is_color(color: str) -> bool:
    # rich.color is a small module: it does not pull in rich's console.
    from rich.color import Color, ColorParseError

    try:
        Color.parse(color)
    except ColorParseError:
        return False
    return True
