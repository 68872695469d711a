"""The label scheme: the default one, and every mistake a user can make in their own."""

from __future__ import annotations

from pathlib import Path

import pytest

from cooltui.scheme import DEFAULT_APP_KEYS, SchemeError, load_scheme

LABEL = """
[[labels]]
name = "{name}"
key = "{key}"
color = "{color}"
description = "a label"
"""

GROUP = """
[[groups]]
name = "{name}"
choice = "{choice}"

[[groups.values]]
name = "A"
key = "{key}"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scheme.toml"
    path.write_text(text, encoding="utf-8")
    return path


def labels(*specs: tuple[str, str, str]) -> str:
    return "".join(LABEL.format(name=n, key=k, color=c) for n, k, c in specs)


def test_default_scheme_has_the_domain_labels_and_groups():
    scheme = load_scheme()
    assert [(label.name, label.key) for label in scheme.labels] == [
        ("PER", "p"), ("RANK", "r"), ("ROLE", "j"), ("TITLE", "g"), ("ORG", "o"), ("LOC", "l"),
        ("FAC", "f"), ("EVENT", "e"), ("DATE", "d"), ("TIME", "t"), ("MEDIA", "m"), ("LAW", "w"),
    ]  # fmt: skip
    themes, activity = scheme.groups
    assert (themes.name, themes.multi, activity.name, activity.multi) == (
        "themes", True, "activity", False,
    )  # fmt: skip
    assert [v.key for v in themes.values[:10]] == [*"1234567890"]
    assert {"hoax", "hoaks", "berita bohong"} <= set(themes.value("ANTI_HOAX").cues)
    assert len(themes.values) == 11 and len(activity.values) == 7
    assert scheme.label_for_key("r").name == "RANK"
    assert all(label.description for label in scheme.labels)


def test_a_small_valid_scheme_loads(tmp_path):
    path = write(
        tmp_path,
        labels(("PER", "p", "red"), ("ORG", "O", "#00ff00"))
        + GROUP.format(name="topic", choice="single", key="1"),
    )
    scheme = load_scheme(path)
    assert scheme.label_names == {"PER", "ORG"}
    assert scheme.group("topic").multi is False
    assert scheme.app_keys == DEFAULT_APP_KEYS


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (labels(("PER", "p", "red"), ("PER", "k", "red")), "scheme.toml:9: span label 'PER' is declared twice"),
        (labels(("PER", "p", "red"), ("ORG", "p", "blue")), "scheme.toml:10: label ORG: key 'p' is already label PER"),
        (labels(("PER", "a", "red")), "scheme.toml:4: label PER: key 'a' is already the app's done"),
        (labels(("PER", "q", "red")), "key 'q' is already the app's quit"),
        (labels(("PER", "left", "red")), "key 'left' is already the reader's motion keys"),
        (labels(("PER", "p", "reddish")), "scheme.toml:5: label PER: unknown colour 'reddish'"),
        (labels(("B I", "p", "red")), "name 'B I' must start with a letter"),
        (labels(("PER", "p", "red")) + GROUP.format(name="status", choice="multi", key="1"),
         "scheme.toml:9: group name 'status' clashes with a field of the export format"),
        (labels(("PER", "p", "red")) + GROUP.format(name="meta", choice="multi", key="1"),
         "group name 'meta' clashes"),
        (labels(("PER", "p", "red")) + GROUP.format(name="topic", choice="several", key="1"),
         'group topic: choice must be "multi" or "single"'),
        (labels(("PER", "1", "red")) + GROUP.format(name="topic", choice="multi", key="1"),
         "value topic.A: key '1' is already label PER"),
        ("[scheme]\nname = 'x'\n", "declares no span labels"),
        ("[[labels]\nname=", "not valid TOML"),
        (labels(("PER", "p", "red")) + '[keys]\nfly = "y"\n', "unknown binding 'fly'"),
        (labels(("PER", "p", "red")) + '[keys]\nskip = "n"\n', "both use 'n'"),
    ],
)  # fmt: skip
def test_mistakes_are_named_with_file_and_line(tmp_path, text, expected):
    with pytest.raises(SchemeError) as raised:
        load_scheme(write(tmp_path, text))
    message = str(raised.value)
    assert expected in message
    assert "\n" not in message


def test_keys_table_remaps_app_keys_and_frees_the_old_key(tmp_path):
    path = write(tmp_path, '[keys]\ndone = "D"\n' + labels(("PER", "a", "red")))
    scheme = load_scheme(path)
    assert scheme.app_keys["done"] == "D"
    assert scheme.label_for_key("a").name == "PER"


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda p: p, "no such scheme file"),
        (lambda p: p.parent, "is a folder"),
    ],
)
def test_unreadable_scheme_files(tmp_path, make, expected):
    with pytest.raises(SchemeError, match=expected):
        load_scheme(make(tmp_path / "missing.toml"))


def test_scheme_that_is_not_utf8(tmp_path):
    path = tmp_path / "latin.toml"
    path.write_bytes(labels(("PER", "p", "red")).encode() + b"# caf\xe9\n")
    with pytest.raises(SchemeError, match=r"not UTF-8 \(bad byte 0xe9"):
        load_scheme(path)


def test_declared_pattern_files_are_relative_to_the_scheme(tmp_path):
    path = write(
        tmp_path, '[scheme]\npatterns = ["rules/mine.jsonl"]\n' + labels(("PER", "p", "red"))
    )
    assert load_scheme(path).patterns == (tmp_path / "rules" / "mine.jsonl",)
    with pytest.raises(SchemeError, match="patterns must be a list of file names"):
        load_scheme(
            write(tmp_path, '[scheme]\npatterns = "mine.jsonl"\n' + labels(("PER", "p", "red")))
        )


def test_check_done_is_on_unless_the_scheme_turns_it_off(tmp_path) -> None:
    assert load_scheme().check_done is True
    path = tmp_path / "s.toml"
    base = '[[labels]]\nname = "PER"\nkey = "p"\ncolor = "red"\n'
    path.write_text("[scheme]\ncheck_done = false\n" + base, encoding="utf-8")
    assert load_scheme(path).check_done is False
    path.write_text('[scheme]\ncheck_done = "no"\n' + base, encoding="utf-8")
    with pytest.raises(SchemeError, match=r"scheme\.check_done must be true or false"):
        load_scheme(path)
