"""A large export split over worker processes writes what one process writes, and fails alike."""

from __future__ import annotations

import orjson
import pytest

from cooltui.cli import main
from cooltui.corpus import load_corpus
from cooltui.export import order, parallel
from cooltui.model import Annotation, Span, Status
from cooltui.store import Store

WORDS = ["Kapolsek", "Minas", "Kompol", "Wan", "Mantazakka", "menyampaikan", "pesan"]


@pytest.fixture
def data(tmp_path, monkeypatch):
    """60 articles, 50 annotated: done, not done, and one made on an older text."""
    monkeypatch.setattr(parallel, "MIN_RECORDS", 1)  # split even a small export
    corpus = tmp_path / "corpus.jsonl"
    # In an order of their own: neither the ids' nor the store's.
    lines = [
        {"id": f"a{n:02d}", "text": f"Berita {n}: " + " ".join(WORDS[: 2 + n % 5])}
        for n in sorted(range(60), key=lambda n: n * 37 % 60)
    ]
    corpus.write_bytes(b"".join(orjson.dumps(line) + b"\n" for line in lines))
    articles = load_corpus([corpus])
    with Store.open(tmp_path / "ann", "alice") as store:
        for article in list(articles)[:50]:
            text = article.text
            start = text.index("Kapolsek")
            annotation = Annotation.new(article.id, article.text_sha).with_spans(
                [Span(start, start + 8, "ROLE", "Kapolsek")]
            )
            status = Status.IN_PROGRESS if article.id.endswith("7") else Status.DONE
            if article.id == "a13":
                annotation = Annotation.new(article.id, "an-older-text").with_spans(
                    annotation.spans
                )
            store.save(annotation.with_status(status))
    return tmp_path, corpus


def run(data, *extra: str) -> int:
    tmp_path, corpus = data
    return main(["export", "--corpus", str(corpus), "--store", str(tmp_path / "ann"),
                 "--annotator", "alice", "--allow-drops", *extra])  # fmt: skip


@pytest.mark.parametrize("fmt", ["jsonl", "doccano", "conll"])
def test_two_workers_write_what_one_process_writes(data, capsys, fmt):
    tmp_path, _ = data
    one, two = tmp_path / f"one.{fmt}", tmp_path / f"two.{fmt}"
    assert run(data, "--format", fmt, "--jobs", "1", "-o", str(one)) == 0
    report_one = capsys.readouterr().err
    assert run(data, "--format", fmt, "--jobs", "2", "-o", str(two)) == 0
    report_two = capsys.readouterr().err
    # The same file, records in corpus order, and the same report.
    assert two.read_bytes() == one.read_bytes()
    assert report_two.replace(str(two), "X") == report_one.replace(str(one), "X")
    if fmt != "conll":  # conll names no article
        corpus_order = [a.id for a in load_corpus([data[1]])]
        written = [orjson.loads(line)["id"] for line in one.read_bytes().splitlines()]
        assert written == [i for i in corpus_order if i in set(written)]
    assert "exported 44 articles" in report_two  # 50 annotated, 5 not done, 1 stale
    assert "text changed since it was annotated" in report_two
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_split_files_are_put_together_part_by_part(data, capsys):
    tmp_path, _ = data
    for jobs in ("1", "2"):
        assert (
            run(data, "--split", "60/20/20", "--jobs", jobs, "-o", str(tmp_path / f"j{jobs}.jsonl"))
            == 0
        )
    for part in ("train", "dev", "test"):
        one = (tmp_path / f"j1.{part}.jsonl").read_bytes()
        two = (tmp_path / f"j2.{part}.jsonl").read_bytes()
        assert two == one


def test_nothing_exported_keeps_the_previous_file(data, capsys):
    tmp_path, _ = data
    out = tmp_path / "out.jsonl"
    out.write_text("old\n")
    assert (
        run(data, "--only", "done", "--labels-map", "nergrit", "--jobs", "2", "-o", str(out)) == 0
    )
    assert out.read_text() != "old\n"
    with Store.open(tmp_path / "ann", "bob") as store:
        store.save(Annotation.new("a00", "x"))  # bob has nothing done
    args = ["export", "--corpus", str(data[1]), "--store", str(tmp_path / "ann"),
            "--annotator", "bob", "--jobs", "2", "-o", str(out)]  # fmt: skip
    written = out.read_text()
    assert main(args) == 1
    assert out.read_text() == written
    assert "nothing to export" in capsys.readouterr().err


def test_a_missing_output_folder_is_one_line(data, capsys):
    tmp_path, _ = data
    assert run(data, "--jobs", "2", "-o", str(tmp_path / "nowhere" / "x.jsonl")) == 1
    err = capsys.readouterr().err
    assert "no such folder; create it or choose another -o" in err and "Traceback" not in err


def test_a_full_disk_while_joining_leaves_no_half_file(data, capsys, monkeypatch):
    tmp_path, _ = data
    out = tmp_path / "out.jsonl"
    out.write_text("old\n")

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(order, "copy_bytes", full)
    assert run(data, "--jobs", "2", "-o", str(out)) == 1
    assert "No space left on device); nothing was written" in capsys.readouterr().err
    assert out.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ann", "corpus.jsonl", "out.jsonl"]


def test_workers_count_their_records_for_the_progress_bar():
    import multiprocessing

    done = multiprocessing.get_context("fork").Value("q", 0)
    assert list(parallel._told(iter(range(1234)), done)) == list(range(1234))
    assert done.value == 1000  # told every 500 records
