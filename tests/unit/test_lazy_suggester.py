"""LazySuggester: a Suggester made on the first suggestion, or at once to check pattern files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cooltui.lazy_suggester import LazySuggester
from cooltui.scheme import load_scheme
from cooltui.suggest import Dateline, PatternError, Suggester
from cooltui.text import TokenIndex

ROOT = Path(__file__).resolve().parents[2]


def test_it_suggests_what_a_suggester_suggests(seeds):
    scheme = load_scheme()
    text = sorted(seeds.glob("*.txt"))[0].read_text(encoding="utf-8")
    lazy = LazySuggester(scheme)
    assert not lazy.is_made and lazy.scheme is scheme and lazy.pattern_files == ()
    dateline = Dateline("TOPIKMETRO.COM", "DUMAI")
    found = lazy.suggest(text, TokenIndex(text), dateline=dateline)
    assert lazy.is_made and found.spans
    assert found == Suggester(scheme).suggest(text, TokenIndex(text), dateline=dateline)


def test_without_patterns_the_rules_wait_for_the_first_suggestion():
    code = (
        "import sys\n"
        "from cooltui.lazy_suggester import LazySuggester\n"
        "from cooltui.scheme import load_scheme\n"
        "lazy = LazySuggester(load_scheme())\n"
        "assert not [m for m in sys.modules if m.startswith('cooltui.suggest')]\n"
        "lazy.suggest('Kapolsek Siak AKP Budi hadir.')\n"
        "assert 'cooltui.suggest.rules' in sys.modules\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_a_bad_pattern_file_fails_at_once(tmp_path):
    patterns = tmp_path / "bad.jsonl"
    patterns.write_text("not json\n", encoding="utf-8")
    with pytest.raises(PatternError, match=r"bad\.jsonl"):
        LazySuggester(load_scheme(), [patterns])


def test_good_pattern_files_are_read_at_once(tmp_path):
    patterns = tmp_path / "mine.jsonl"
    patterns.write_text('{"label": "ORG", "pattern": "Polsek Siak"}\n', encoding="utf-8")
    lazy = LazySuggester(load_scheme(), [patterns])
    assert lazy.is_made and lazy.pattern_files == (patterns,)
    spans = lazy.suggest("Personil Polsek Siak hadir.").spans
    assert [(s.text, s.label) for s in spans] == [("Polsek Siak", "ORG")]
