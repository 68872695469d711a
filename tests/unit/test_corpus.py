"""Loading a corpus: files, folders and JSONL, every kind of bad input, and the index cache."""

from __future__ import annotations

import os
from pathlib import Path

import orjson
import pytest

from cooltui.corpus import CorpusError, load_corpus, text_sha
from cooltui.text import normalise


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def messages(corpus) -> list[str]:
    return [str(problem) for problem in corpus.problems]


def test_seed_folder_loads_five_articles_in_name_order(seeds):
    corpus = load_corpus([seeds])
    assert [a.id for a in corpus] == sorted(p.stem for p in seeds.glob("*.txt"))
    assert corpus.problems == [] and not corpus.failed
    first = corpus.articles[0]
    raw = (seeds / f"{first.id}.txt").read_text(encoding="utf-8")
    assert first.text == normalise(raw)
    assert first.text_sha == text_sha(first.text) and first.chars == len(first.text)


def test_folder_is_searched_recursively_for_txt_md_jsonl(tmp_path):
    write(tmp_path / "a" / "one.txt", "SIAK - Satu.")
    write(tmp_path / "a" / "b" / "two.md", "Dua.")
    write(tmp_path / "three.jsonl", '{"id": "t3", "text": "Tiga.", "meta": {"url": "u"}}\n')
    write(tmp_path / "notes.csv", "x,y")
    write(tmp_path / ".hidden" / "four.txt", "Empat.")
    corpus = load_corpus([tmp_path])
    assert sorted(a.id for a in corpus) == ["one", "t3", "two"]
    assert corpus.get("t3").meta == {"url": "u"}
    assert corpus.get("t3").text == "Tiga."


def test_several_paths_mix_files_and_folders(tmp_path, seeds):
    extra = write(tmp_path / "extra.txt", "Tambahan.")
    corpus = load_corpus([seeds, extra])
    assert len(corpus) == 6 and corpus.articles[-1].id == "extra"


def test_text_is_read_lazily_and_crlf_is_normalised(tmp_path):
    path = write(tmp_path / "crlf.txt", "Baris satu\r\nBaris dua\r\n")
    article = load_corpus([path]).articles[0]
    assert article._text is None
    assert article.text == "Baris satu\nBaris dua\n"


def test_bom_is_accepted(tmp_path):
    path = write(tmp_path / "bom.txt", b"\xef\xbb\xbfDengan BOM.")
    assert load_corpus([path]).articles[0].text == "Dengan BOM."


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("latin.txt", b"Caf\xe9 di\nDumai", "latin.txt: not UTF-8: byte 0xe9 at offset 3 (line 1)"),
        ("second.txt", b"ok\nx \xff y", "second.txt: not UTF-8: byte 0xff at offset 5 (line 2)"),
        ("empty.txt", b"", "empty.txt: empty article; skipped"),
        ("blank.md", b" \n\r\n\t", "blank.md: empty article; skipped"),
        (
            "image.txt",
            b"\x89PNG\r\n\x1a\n\x00\x00",
            "image.txt: binary file (NUL byte at offset 8)",
        ),
        ("wide.txt", "UTF-16".encode("utf-16"), "wide.txt: UTF-16 text; convert it to UTF-8"),
    ],
)
def test_bad_files_are_named_and_the_rest_loads(tmp_path, name, data, expected):
    write(tmp_path / "good.txt", "Berita baik.")
    write(tmp_path / name, data)
    corpus = load_corpus([tmp_path])
    assert [a.id for a in corpus] == ["good"]
    assert len(corpus.problems) == 1 and expected in messages(corpus)[0]
    assert not corpus.failed


def test_jsonl_bad_lines_are_named_by_line(tmp_path):
    lines = [
        '{"id": "a", "text": "Satu."}',
        "{not json",
        '{"id": "b"}',
        '{"text": "tanpa id"}',
        "[1, 2]",
        "",
        '{"id": 7, "text": "Angka sebagai id.", "title": "Judul"}',
        '{"id": "c", "text": "   "}',
        '{"id": "d", "text": "Meta salah.", "meta": "x"}',
    ]
    path = write(tmp_path / "batch.jsonl", "\n".join(lines) + "\n")
    corpus = load_corpus([path])
    assert [a.id for a in corpus] == ["a", "7"]
    assert corpus.get("7").title == "Judul" and corpus.get("7").line == 7
    found = messages(corpus)
    assert found[0].startswith(f"{path}:2: not JSON")
    assert found[1] == f'{path}:3: no "text" string; skipped'
    assert found[2].startswith(f'{path}:4: no "id"')
    assert found[3].startswith(f"{path}:5: not a JSON object")
    assert found[4] == f'{path}:8: empty "text"; skipped'
    assert found[5].startswith(f'{path}:9: "meta" is not an object')


def test_jsonl_text_is_read_from_its_own_line(tmp_path):
    records = [{"id": f"n{i}", "text": f"Berita nomor {i}.\r\nBaris ☕ {i}."} for i in range(50)]
    path = write(tmp_path / "many.jsonl", b"".join(orjson.dumps(r) + b"\n" for r in records))
    corpus = load_corpus([path])
    assert corpus.get("n31").text == "Berita nomor 31.\nBaris ☕ 31."


def test_duplicate_ids_keep_the_first_and_name_both(tmp_path):
    write(tmp_path / "a" / "same.txt", "Pertama.")
    write(tmp_path / "b" / "same.txt", "Kedua.")
    corpus = load_corpus([tmp_path])
    assert [a.text for a in corpus] == ["Pertama."]
    (message,) = messages(corpus)
    assert message.startswith(str(tmp_path / "b" / "same.txt"))
    assert f"already used by {tmp_path / 'a' / 'same.txt'}" in message


def test_missing_path_is_fatal_but_the_rest_still_loads(tmp_path, seeds):
    corpus = load_corpus([seeds, tmp_path / "nowhere"])
    assert len(corpus) == 5 and corpus.failed
    assert "nowhere: no such file or folder" in messages(corpus)[0]


def test_folder_without_articles(tmp_path):
    write(tmp_path / "readme.pdf", b"%PDF")
    corpus = load_corpus([tmp_path])
    assert corpus.failed and "holds no .txt, .md or .jsonl articles" in messages(corpus)[0]


def test_file_of_unknown_type(tmp_path):
    corpus = load_corpus([write(tmp_path / "data.json", "{}")])
    assert corpus.failed and "not an article file" in messages(corpus)[0]


def test_huge_article_is_skipped_with_the_limit_named(tmp_path):
    write(tmp_path / "small.txt", "Kecil.")
    big = write(tmp_path / "big.txt", b"kata " * (4 * 1024 * 1024))  # 20 MB
    write(tmp_path / "big.jsonl", b'{"id": "j", "text": "' + b"x" * (6 * 1024 * 1024) + b'"}\n')
    corpus = load_corpus([tmp_path], max_article_mb=5)
    assert [a.id for a in corpus] == ["small"]
    found = sorted(messages(corpus))
    assert found[0].startswith(f"{tmp_path / 'big.jsonl'}:1: article of 6.0 MB is larger")
    assert found[1].startswith(f"{big}: article of 20.0 MB is larger than the limit")
    assert len(load_corpus([big], max_article_mb=25)) == 1


def test_unreadable_file(tmp_path, monkeypatch):
    write(tmp_path / "open.txt", "Terbuka.")
    secret = write(tmp_path / "secret.txt", "Rahasia.")
    read_bytes = Path.read_bytes

    def refuse(path: Path) -> bytes:  # chmod 0 does not stop root, who runs CI
        if path == secret:
            raise PermissionError(13, "Permission denied")
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    corpus = load_corpus([tmp_path])
    assert [a.id for a in corpus] == ["open"]
    assert messages(corpus) == [
        f"{secret}: cannot read it (permission denied); check its permissions; skipped"
    ]


def test_a_file_gone_after_listing_raises_a_clear_error(tmp_path):
    path = write(tmp_path / "gone.txt", "Hilang.")
    article = load_corpus([path]).articles[0]
    path.unlink()
    with pytest.raises(CorpusError, match=r"gone\.txt: cannot read it"):
        _ = article.text


class TestIndexCache:
    def test_second_load_reads_no_article(self, tmp_path, monkeypatch, seeds):
        first = load_corpus([seeds])
        read_bytes = Path.read_bytes

        def no_articles(path: Path) -> bytes:
            assert path.suffix != ".txt", f"read {path}"
            return read_bytes(path)

        monkeypatch.setattr(Path, "read_bytes", no_articles)
        second = load_corpus([seeds])
        assert [a.summary() for a in second] == [a.summary() for a in first]

    def test_changed_file_is_read_again(self, tmp_path):
        path = write(tmp_path / "x.txt", "SIAK - Lama.")
        assert load_corpus([tmp_path]).articles[0].title == "Lama."
        write(path, "DUMAI - Baru sekali.")
        os.utime(path, ns=(1, 1))  # a new mtime, whatever the clock's resolution
        article = load_corpus([tmp_path]).articles[0]
        assert (article.title, article.place) == ("Baru sekali.", "DUMAI")

    def test_problems_are_reported_again_from_the_cache(self, tmp_path):
        write(tmp_path / "bad.jsonl", '{"id": "a", "text": "A."}\nnope\n')
        assert len(load_corpus([tmp_path]).problems) == 1
        again = load_corpus([tmp_path])
        assert [a.id for a in again] == ["a"] and "bad.jsonl:2: not JSON" in messages(again)[0]

    def test_a_damaged_cache_is_ignored(self, tmp_path, seeds):
        load_corpus([seeds])
        for cache in Path(os.environ["COOLTUI_CACHE_DIR"]).glob("corpus-*.json"):
            cache.write_bytes(b'{"format": "cooltui-corpus-index-2/0.1.0", "files": {"x": 1')
        assert len(load_corpus([seeds])) == 5

    def test_an_unwritable_cache_folder_is_no_error(self, tmp_path, seeds, monkeypatch):
        blocker = write(tmp_path / "file", "not a folder")
        monkeypatch.setenv("COOLTUI_CACHE_DIR", str(blocker / "cache"))
        assert len(load_corpus([seeds])) == 5

    def test_text_sha_follows_a_file_changed_behind_the_cache(self, tmp_path):
        path = write(tmp_path / "x.txt", "Satu.")
        stamp = path.stat().st_mtime_ns
        load_corpus([tmp_path])
        write(path, "Dua.!")  # same size, same mtime: the cache cannot tell
        os.utime(path, ns=(stamp, stamp))
        article = load_corpus([tmp_path]).articles[0]
        assert article.text == "Dua.!" and article.text_sha == text_sha("Dua.!")


def test_progress_is_told_while_uncached_files_are_read(tmp_path):
    for number in range(1200):
        write(tmp_path / f"{number:04d}.txt", f"Berita {number}.")
    told: list[tuple[int, int]] = []
    load_corpus([tmp_path], progress=lambda done, total: told.append((done, total)))
    assert told == [(500, 1200), (1000, 1200)]
    told.clear()
    load_corpus([tmp_path], progress=lambda done, total: told.append((done, total)))
    assert told == []  # everything came from the index cache


def test_a_forked_worker_reading_jsonl_articles_never_moves_the_parents_place(tmp_path):
    """`cooltui suggest` forks workers while it reads texts: they must not share its file."""
    import os

    path = tmp_path / "corpus.jsonl"
    # Lines longer than a read buffer: each is read in several system calls, between which
    # a worker sharing the file's offset would move it.
    texts = [f"Artikel {n} " + "kata " * (6000 + n % 50) for n in range(60)]
    path.write_bytes(
        b"".join(orjson.dumps({"id": str(n), "text": t}) + b"\n" for n, t in enumerate(texts))
    )
    articles = list(load_corpus([path], cache=False))
    assert articles[0].read_text() == texts[0]  # the file is open in this process now
    child = os.fork()
    if child == 0:  # pragma: no cover - the worker
        try:
            for _ in range(60):
                for article in reversed(articles):
                    article.read_text()
        finally:
            os._exit(0)
    try:
        wrong = [
            article.id
            for _ in range(20)
            for article, text in zip(articles, texts, strict=True)
            if article.read_text() != text
        ]
    finally:
        os.waitpid(child, 0)
    assert wrong == []
