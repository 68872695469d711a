"""The corpus folder walk: symlink loops, second routes to a folder or file, broken links."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cooltui.corpus import load_corpus

# A walk that follows a loop lists folders without end (two links to "." made it exponential):
# past this many listings a test fails at once instead of hanging the suite.
MAX_LISTINGS = 50


@pytest.fixture(autouse=True)
def listing_budget(monkeypatch):
    listings = 0
    scandir = os.scandir

    def counted(path):
        nonlocal listings
        listings += 1
        if listings > MAX_LISTINGS:
            pytest.fail(f"the walk listed more than {MAX_LISTINGS} folders: it follows a loop")
        return scandir(path)

    monkeypatch.setattr(os, "scandir", counted)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def load(*paths: Path):
    return load_corpus(list(paths), cache=False)


def messages(corpus) -> list[str]:
    return [str(problem) for problem in corpus.problems]


def test_two_links_to_the_folder_itself_are_each_reported_once(tmp_path):
    write(tmp_path / "a.txt", "Satu.")
    write(tmp_path / "sub" / "b.txt", "Dua.")
    (tmp_path / "here").symlink_to(".")
    (tmp_path / "sub" / "again").symlink_to(".")
    corpus = load(tmp_path)
    assert [a.id for a in corpus] == ["a", "b"]
    assert messages(corpus) == [
        f"{tmp_path / 'here'}: link to ., a folder already read as {tmp_path} (a loop); skipped",
        f"{tmp_path / 'sub' / 'again'}: link to ., a folder already read as {tmp_path / 'sub'} "
        "(a loop); skipped",
    ]


def test_link_to_the_parent_folder_is_reported_once_and_nothing_is_read_twice(tmp_path):
    write(tmp_path / "a.txt", "Satu.")
    write(tmp_path / "sub" / "b.txt", "Dua.")
    (tmp_path / "sub" / "up").symlink_to("..")
    corpus = load(tmp_path)
    assert [a.location for a in corpus] == [
        str(tmp_path / "a.txt"),
        str(tmp_path / "sub" / "b.txt"),
    ]
    assert messages(corpus) == [
        f"{tmp_path / 'sub' / 'up'}: link to .., a folder already read as {tmp_path} (a loop); "
        "skipped"
    ]


def test_folder_outside_the_corpus_is_followed_once_by_two_links(tmp_path):
    outside = tmp_path / "outside"
    write(outside / "luar.txt", "Di luar.")
    corpus_folder = tmp_path / "corpus"
    write(corpus_folder / "a.txt", "Satu.")
    (corpus_folder / "ext").symlink_to(outside)
    (corpus_folder / "more").symlink_to(outside)
    corpus = load(corpus_folder)
    assert [a.location for a in corpus] == [
        str(corpus_folder / "a.txt"),
        str(corpus_folder / "ext" / "luar.txt"),
    ]
    assert messages(corpus) == [
        f"{corpus_folder / 'more'}: link to {outside}, a folder already read as "
        f"{corpus_folder / 'ext'}; skipped"
    ]


def test_broken_links_are_reported_with_their_target(tmp_path):
    write(tmp_path / "a.txt", "Satu.")
    (tmp_path / "gone").symlink_to("missing-folder")
    (tmp_path / "gone.txt").symlink_to("missing.txt")
    corpus = load(tmp_path)
    assert [a.id for a in corpus] == ["a"] and not corpus.failed
    assert messages(corpus) == [
        f"{tmp_path / 'gone'}: broken link to missing-folder (No such file or directory); "
        "fix or remove it; skipped",
        f"{tmp_path / 'gone.txt'}: broken link to missing.txt (No such file or directory); "
        "fix or remove it; skipped",
    ]


def test_link_to_a_file_of_the_corpus_is_skipped_and_the_file_keeps_its_id(tmp_path):
    story = write(tmp_path / "story.txt", "Berita.")
    # "early" sorts before "story": the file, not the link, must still give the article its id.
    (tmp_path / "early.txt").symlink_to("story.txt")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "zz.txt").symlink_to(story)
    corpus = load(tmp_path)
    assert [a.location for a in corpus] == [str(story)]
    assert messages(corpus) == [
        f"{tmp_path / 'early.txt'}: link to story.txt, a file already read as {story}; skipped",
        f"{tmp_path / 'sub' / 'zz.txt'}: link to {story}, a file already read as {story}; skipped",
    ]


@pytest.mark.parametrize("second", ["folder", "file", "subfolder"])
def test_corpus_paths_that_overlap_read_each_file_once_silently(tmp_path, second):
    write(tmp_path / "a.txt", "Satu.")
    write(tmp_path / "sub" / "b.txt", "Dua.")
    other = {"folder": tmp_path, "file": tmp_path / "a.txt", "subfolder": tmp_path / "sub"}[second]
    for paths in [(tmp_path, other), (other, tmp_path)]:
        corpus = load(*paths)
        assert sorted(a.id for a in corpus) == ["a", "b"]
        assert corpus.problems == []


def test_hard_linked_file_is_read_once_under_its_first_name(tmp_path):
    story = write(tmp_path / "story.txt", "Berita.")
    os.link(story, tmp_path / "copy.txt")
    corpus = load(tmp_path)
    assert [a.id for a in corpus] == ["copy"]
    assert messages(corpus) == [
        f"{story}: the same file as {tmp_path / 'copy.txt'} (a hard link); skipped"
    ]


@pytest.mark.parametrize("order", ["target first", "link first"])
def test_link_between_two_corpus_folders_reads_the_file_once(tmp_path, order):
    story = write(tmp_path / "a" / "story.txt", "Berita.")
    write(tmp_path / "b" / "other.txt", "Lain.")
    (tmp_path / "b" / "alias.txt").symlink_to(story)
    folders = [tmp_path / "a", tmp_path / "b"]
    corpus = load(*(folders if order == "target first" else reversed(folders)))
    assert sorted(a.id for a in corpus) == (
        ["other", "story"] if order == "target first" else ["alias", "other"]
    )
    assert all("already used" not in message for message in messages(corpus))


def test_file_and_folder_names_that_are_not_utf8_are_reported_and_skipped(tmp_path):
    """An id and the index cache's paths must be text: such names are refused, not a crash."""
    file, folder = tmp_path / os.fsdecode(b"caf\xe9.txt"), tmp_path / os.fsdecode(b"d\xe9j\xe0")
    write(tmp_path / "ok.txt", "Satu.")
    write(file, "Dua.")
    write(folder / "inside.txt", "Tiga.")
    corpus = load_corpus([tmp_path])  # with the index cache, which once crashed on them
    assert [a.id for a in corpus] == ["ok"]
    assert sorted(messages(corpus)) == [
        f"{file}: the file name is not valid UTF-8; rename it to read it; skipped",
        f"{folder}: the folder name is not valid UTF-8; rename it to read it; skipped",
    ]
