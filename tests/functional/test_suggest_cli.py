"""`cooltui suggest` as users run it: the export jsonl it writes, its errors, its imports."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from cooltui.cli import main
from cooltui.corpus import load_corpus
from cooltui.model import Annotation, Span, Status
from cooltui.scheme import load_scheme
from cooltui.store import Store
from cooltui.suggest import Suggester, output, write_suggestions

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"


def records(data: bytes) -> list[dict]:
    return [json.loads(line) for line in data.decode("utf-8").splitlines()]


@pytest.fixture
def exported(tmp_path: Path) -> dict:
    """A record of `cooltui export --format jsonl`, to compare shapes with."""
    article = next(iter(load_corpus([SEEDS], cache=False)))
    span = Span(0, 20, "MEDIA", article.text[:20])
    annotation = Annotation(article.id, article.text_sha, (span,), status=Status.DONE)
    with Store.open(tmp_path / "store", "alice") as store:
        store.save(annotation)
    out = tmp_path / "export.jsonl"
    assert main(["export", "--corpus", str(SEEDS), "--store", str(tmp_path / "store"),
                 "--annotator", "alice", "-o", str(out)]) == 0  # fmt: skip
    return records(out.read_bytes())[0]


def test_stdout_holds_export_records_with_suggested_status_and_rule_sources(capsysbinary, exported):
    capsysbinary.readouterr()  # the export's report
    assert main(["suggest", "--corpus", str(SEEDS), "-o", "-"]) == 0
    out, err = capsysbinary.readouterr()
    lines = records(out)
    assert len(lines) == 5
    for line in lines:
        assert line.keys() == exported.keys()
        assert exported["meta"].keys() <= line["meta"].keys()
        assert line["status"] == "suggested"
        assert line["spans"], line["id"]
        for span in line["spans"]:
            assert line["text"][span["start"] : span["end"]] == span["text"]
            assert span["source"].startswith("rule:")
        assert line["activity"] is None  # the default scheme gives activities no cues
    first = lines[0]
    assert first["themes"] == [
        "KAMTIBMAS",
        "SILATURAHMI",
        "ANTI_GOLPUT",
        "PERLINDUNGAN_PEREMPUAN_ANAK",
    ]
    assert first["meta"]["cues"]["themes"]["SILATURAHMI"] == ["silaturahmi"]
    assert err.decode().startswith("suggested ")
    assert "in 5 articles: stdout" in err.decode()


def test_default_output_is_in_the_store_and_patterns_add_their_spans(tmp_path, capsys):
    patterns = tmp_path / "mine.jsonl"
    patterns.write_text('{"label": "FAC", "pattern": "Teluk Dalam"}\n', encoding="utf-8")
    store = tmp_path / "annotations"
    # Given before the command, as for the app, --patterns counts too.
    args = ["--patterns", str(patterns), "suggest", "--corpus", str(SEEDS), "--store", str(store)]
    assert main(args) == 0
    written = records((store / "suggestions.jsonl").read_bytes())
    spans = [span for line in written for span in line["spans"]]
    assert {"start", "end", "label", "text", "source"} == set(spans[0])
    assert ("FAC", "Teluk Dalam", "pattern:mine.jsonl:1") in {
        (s["label"], s["text"], s["source"]) for s in spans
    }
    assert str(store / "suggestions.jsonl") in capsys.readouterr().err


def test_a_bad_patterns_file_is_one_line_and_exit_1(tmp_path, capsys):
    patterns = tmp_path / "bad.jsonl"
    patterns.write_text('{"label": "ORG", "pattern": "KPU"}\n{"label": "NOPE", "pattern": "x"}\n')
    assert main(["suggest", "--corpus", str(SEEDS), "--patterns", str(patterns), "-o", "-"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"cooltui: {patterns}:2: label 'NOPE' is not in the scheme")
    assert err.count("\n") == 1


def test_a_missing_patterns_file_and_bad_jobs(tmp_path, capsys):
    missing = tmp_path / "missing.jsonl"
    assert main(["suggest", "--corpus", str(SEEDS), "--patterns", str(missing)]) == 1
    assert capsys.readouterr().err == (
        f"cooltui: {missing}: no such patterns file; check --patterns\n"
    )
    assert main(["suggest", "--corpus", str(SEEDS), "--jobs", "0"]) == 2
    assert "--jobs must be 1 or more" in capsys.readouterr().err


def test_an_article_that_cannot_be_read_any_more_is_left_out(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("a", "b"):
        (corpus / f"{name}.txt").write_text(f"DUMAI - Polsek Dumai Timur {name}.", encoding="utf-8")
    loaded = load_corpus([corpus], cache=False)
    (corpus / "a.txt").unlink()
    buffer = io.BytesIO()
    written = write_suggestions(Suggester(load_scheme()), loaded, buffer)
    assert [line["id"] for line in records(buffer.getvalue())] == ["b"]
    assert len(written.unreadable) == 1 and "a.txt" in written.unreadable[0]


def test_worker_processes_write_what_one_process_writes(monkeypatch):
    monkeypatch.setattr(output, "PARALLEL_MIN", 2)
    monkeypatch.setattr(output, "_CHUNK", 2)
    patterns = [ROOT / "tests" / "data" / "patterns" / "riau_units.jsonl"]
    suggester = Suggester(load_scheme(), patterns)
    outputs = []
    for jobs in (1, 2):
        buffer = io.BytesIO()
        written = write_suggestions(suggester, load_corpus([SEEDS], cache=False), buffer, jobs=jobs)
        outputs.append((buffer.getvalue(), written.articles, written.labels))
    assert outputs[0] == outputs[1]
    assert outputs[0][1] == 5


def loaded_after(code: str) -> str:
    """What a fresh interpreter prints after running `code` and listing UI modules loaded."""
    listing = "sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'rich'})"
    result = subprocess.run(
        [sys.executable, "-c", f"import sys\n{code}\nprint({listing})"],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


def test_suggest_never_imports_textual(tmp_path):
    out = tmp_path / "o.jsonl"
    code = f"from cooltui.cli import main\nassert main(['suggest', '-o', {str(out)!r}]) == 0"
    assert "textual" not in loaded_after(code)
    assert out.stat().st_size > 0


def test_the_suggester_imports_neither_textual_nor_rich():
    code = "import cooltui.suggest, cooltui.commands.suggest"
    assert loaded_after(code) == "[]"
