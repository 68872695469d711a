"""`printable`: any string from a file made safe to show on one line of a terminal."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from cooltui.text import UNPRINTABLE, normalise, printable

# Characters a terminal acts on or that reorder what it shows.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def is_safe(shown: str) -> bool:
    """One line, with no control character, escape, surrogate or bidi override left."""
    return (
        len(shown.splitlines()) <= 1
        and not any(unicodedata.category(char) in ("Cc", "Cs") for char in shown)
        and not any(char in BIDI_CONTROLS for char in shown)
    )


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("000_368710ebfebd31c9", "000_368710ebfebd31c9"),
        ("Polsek Minas · Siak – “damai” ✓ 警察", "Polsek Minas · Siak – “damai” ✓ 警察"),
        # Whole escape sequences go: OSC 0 (window title), OSC 52 (clipboard), CSI, 8-bit CSI.
        ("evil\x1b]0;pwned\x07id", "evilid"),
        ("a\x1b]52;c;aGk=\x1b\\b", "ab"),
        ("junk\x1b[2J\x1b[31mred", "junkred"),
        ("a\x9b31mb", "ab"),
        # Line breaks and tabs become a space; CR LF is one break.
        ("one\ntwo\r\nthree\rfour\tfive\u2028six\x85seven", "one two three four five six seven"),
        # Any other control becomes visible, so that ids differing in one still look different.
        ("a\x00b\x07c\x7fd\x9ce", f"a{UNPRINTABLE}b{UNPRINTABLE}c{UNPRINTABLE}d{UNPRINTABLE}e"),
        ("\x1b", UNPRINTABLE),
        ("abc\u202egpj.exe", f"abc{UNPRINTABLE}gpj.exe"),
        ("caf\udce9.txt", f"caf{UNPRINTABLE}.txt"),  # a file name that was not UTF-8
    ],
)
def test_examples(raw, shown):
    assert printable(raw) == shown


def test_a_clean_string_is_returned_as_it_is():
    text = "Polsek Minas, Polres Siak " * 1000
    assert printable(text) is text


def test_an_unterminated_sequence_loses_its_introducer():
    # The terminal would wait for the end of the string, taking what follows as its body.
    assert printable("\x1b]0;" + "x" * 100_000 + "\x1b]0;") == "0;" + "x" * 100_000 + "0;"


@given(st.text())
@example("\x1b]0;pwned\x07\n")
@example("\x1b\x1b]0;x\x07")
@example("\x1b[\x1b[31m")
@example("\r\n\x1bP\x9c")
def test_any_string_becomes_one_safe_line_and_stays_so(raw):
    shown = printable(raw)
    assert is_safe(shown)
    assert printable(shown) == shown


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cf", "Zl", "Zp"))))
def test_text_without_controls_is_unchanged(raw):
    assert printable(raw) == raw


@given(st.text())
def test_a_normalised_text_loses_only_its_line_breaks_and_tabs(raw):
    # normalise keeps "\n" and "\t" for the reader; printable makes them spaces for one line.
    text = normalise(raw)
    assert printable(text) == text.replace("\n", " ").replace("\t", " ")
