"""The consistency queue: what counts as an occurrence to check, the counts, the order, the
occurrences kept, the articles searched, the ignored texts; checked on hand-made corpora and
against a plain search (str.find and TokenIndex) on generated ones."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cooltui.corpus import Corpus, load_corpus
from cooltui.model import Annotation, Span, Status
from cooltui.store import Store
from cooltui.team import consistency
from cooltui.team.consistency import (
    IGNORED_FILE,
    SEP,
    ConsistencyError,
    Occurrence,
    find_inconsistencies,
    ignore,
    load_ignored,
    occurrences_of,
    unignore,
)
from cooltui.text import TokenIndex, tokenize

# --- building corpora and annotations --------------------------------------------------------


def make_corpus(folder: Path, *texts: str) -> Corpus:
    """Articles a0, a1, ... of `texts`, in one .jsonl file."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "corpus.jsonl"
    lines = [json.dumps({"id": f"a{number}", "text": text}) for number, text in enumerate(texts)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_corpus([path], cache=False)


def span(text: str, needle: str, label: str, nth: int = 0) -> Span:
    """A span of the `nth` occurrence of `needle` in `text`."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return Span(start, start + len(needle), label, needle)


def annotate(
    corpus: Corpus, article_id: str, *spans: tuple[str, str] | tuple[str, str, int], **kw
) -> Annotation:
    """An annotation of `article_id`, done unless `status` says otherwise, with a span for each
    (needle, label[, nth])."""
    article = corpus.get(article_id)
    assert article is not None
    made = tuple(span(article.text, *spec) for spec in spans)
    return Annotation(article_id, article.text_sha, made, status=kw.get("status", Status.DONE))


def queue_of(corpus: Corpus, annotations: list[Annotation], **options):
    return {item.text: item for item in find_inconsistencies(corpus, annotations, **options).items}


@pytest.fixture
def tmp_corpus(tmp_path: Path):
    return lambda *texts: make_corpus(tmp_path / "corpus", *texts)


# --- what counts -----------------------------------------------------------------------------


def test_a_text_labelled_in_one_article_and_unlabelled_in_another(tmp_corpus):
    corpus = tmp_corpus("Warga Dumai berkumpul.", "Di Dumai, hujan turun.")
    items = queue_of(corpus, [annotate(corpus, "a0", ("Dumai", "LOC")), annotate(corpus, "a1")])
    item = items["Dumai"]
    assert (item.label, dict(item.labels), item.unlabelled, item.otherwise) == (
        "LOC",
        {"LOC": 1},
        1,
        0,
    )
    assert item.occurrences == (Occurrence("a1", 3, 8, None),)
    assert item.to_check == 1 and item.complete


def test_an_occurrence_unlabelled_in_the_same_article_counts(tmp_corpus):
    corpus = tmp_corpus("Dumai ramai. Kota Dumai sepi.")
    items = queue_of(corpus, [annotate(corpus, "a0", ("Dumai", "LOC"))])
    assert items["Dumai"].occurrences == (Occurrence("a0", 18, 23, None),)


@pytest.mark.parametrize(
    "elsewhere",
    [
        "Warga Dumaian datang.",  # inside a longer word
        "Warga KotaDumai datang.",  # at the end of one
        "Marga Butar-Dumai datang.",  # a hyphen joins the words into one token
        "Warga dumai datang.",  # another case: another text
        "Warga DUMAI datang.",
    ],
)
def test_what_is_not_the_text_as_whole_tokens_does_not_count(tmp_corpus, elsewhere):
    corpus = tmp_corpus("Warga Dumai berkumpul.", elsewhere)
    items = queue_of(corpus, [annotate(corpus, "a0", ("Dumai", "LOC")), annotate(corpus, "a1")])
    assert items == {}


@pytest.mark.parametrize(
    "elsewhere", ["(Dumai)", "“Dumai”", "Dumai.", "Dumai,", "Dumai🚓", "—Dumai—", "Dumai\nKota"]
)
def test_punctuation_or_a_symbol_beside_the_text_leaves_it_whole_tokens(tmp_corpus, elsewhere):
    corpus = tmp_corpus("Warga Dumai berkumpul.", f"Ke {elsewhere} lagi")
    items = queue_of(corpus, [annotate(corpus, "a0", ("Dumai", "LOC")), annotate(corpus, "a1")])
    assert items["Dumai"].unlabelled == 1


def test_a_text_of_several_tokens_is_found_as_it_is_written(tmp_corpus):
    corpus = tmp_corpus(
        "Kapolres Dumai, AKBP Budi datang.",
        "AKBP Budi pergi; AKBP  Budi (two spaces) and AKBP Budiman do not count.",
    )
    annotations = [annotate(corpus, "a0", ("AKBP Budi", "PER")), annotate(corpus, "a1")]
    assert queue_of(corpus, annotations)["AKBP Budi"].occurrences == (Occurrence("a1", 0, 9, None),)


def test_labelled_otherwise_elsewhere(tmp_corpus):
    corpus = tmp_corpus("Bank Riau buka.", "Bank Riau tutup.", "Kata Bank Riau.")
    annotations = [
        annotate(corpus, "a0", ("Bank Riau", "ORG")),
        annotate(corpus, "a1", ("Bank Riau", "ORG")),
        annotate(corpus, "a2", ("Bank Riau", "LOC")),
    ]
    item = queue_of(corpus, annotations)["Bank Riau"]
    assert (item.label, list(item.labels.items())) == ("ORG", [("ORG", 2), ("LOC", 1)])
    assert (item.unlabelled, item.otherwise, item.to_check) == (0, 1, 1)
    assert item.occurrences == (Occurrence("a2", 5, 14, "LOC"),)


def test_of_labels_as_frequent_the_first_by_name_is_the_items(tmp_corpus):
    corpus = tmp_corpus("Bank buka.", "Bank tutup.")
    annotations = [annotate(corpus, "a0", ("Bank", "PER")), annotate(corpus, "a1", ("Bank", "ORG"))]
    item = queue_of(corpus, annotations)["Bank"]
    assert item.label == "ORG"
    assert item.occurrences == (Occurrence("a0", 0, 4, "PER"),)


def test_an_occurrence_inside_or_across_another_span_belongs_to_it(tmp_corpus):
    corpus = tmp_corpus(
        "Warga Dumai berkumpul.",
        "Polres Dumai siaga.",  # inside a longer span of another label
        "Kota Dumai Raya.",  # across two spans: "Kota Du" is nonsense, but spans may be so
    )
    annotations = [
        annotate(corpus, "a0", ("Dumai", "LOC")),
        annotate(corpus, "a1", ("Polres Dumai", "ORG")),
        annotate(corpus, "a2", ("Kota Du", "LOC"), ("mai Raya", "LOC")),
    ]
    items = queue_of(corpus, annotations)
    assert "Dumai" not in items
    assert "Polres Dumai" not in items  # its one occurrence is its span


def test_an_occurrence_beside_a_span_still_counts(tmp_corpus):
    corpus = tmp_corpus("Warga Dumai berkumpul.", "Polres Dumai,Dumai siaga.")
    annotations = [
        annotate(corpus, "a0", ("Dumai", "LOC")),
        annotate(corpus, "a1", ("Polres Dumai", "ORG")),
    ]
    assert queue_of(corpus, annotations)["Dumai"].occurrences == (Occurrence("a1", 13, 18),)


def test_a_text_with_spaces_at_an_edge_is_counted_but_never_found(tmp_corpus):
    corpus = tmp_corpus("Warga  Dumai berkumpul.", "Kota  Dumai.", "Ke  Dumai lagi.")
    annotations = []
    for article_id, label in (("a0", "LOC"), ("a1", "ORG")):  # imported spans, say
        article = corpus.get(article_id)
        start = article.text.index("  Dumai")
        sloppy = Span(start, start + 7, label, "  Dumai")
        annotations.append(Annotation(article_id, article.text_sha, (sloppy,), status=Status.DONE))
    item = queue_of(corpus, [*annotations, annotate(corpus, "a2")])["  Dumai"]
    assert (dict(item.labels), item.unlabelled) == ({"LOC": 1, "ORG": 1}, 0)


def test_a_text_without_spaces_is_searched_alike(tmp_corpus):
    lines = [f"Baris {n}:Dumai" if n % 7 else f"Baris {n}:Siak" for n in range(80)]
    corpus = tmp_corpus("Warga Dumai.", "\n".join(line.replace(" ", "\n") for line in lines))
    text = corpus.get("a1").text
    assert " " not in text and len(text) > 500  # one long part
    annotations = [
        annotate(corpus, "a0", ("Dumai", "LOC")),
        annotate(corpus, "a1", ("Dumai", "LOC", 3), ("Siak", "LOC"), ("Dumai", "ORG", 50)),
    ]
    item = queue_of(corpus, annotations)["Dumai"]
    labelled = {span(text, "Dumai", "", nth).start for nth in (3, 50)}
    expected = [at for at in range(len(text)) if text.startswith("Dumai", at)]
    assert [o.start for o in item.occurrences if o.label is None] == [
        at for at in expected if at not in labelled
    ]
    assert [o for o in item.occurrences if o.label] == [
        Occurrence("a1", span(text, "Dumai", "", 50).start, span(text, "Dumai", "", 50).end, "ORG")
    ]


# --- which articles --------------------------------------------------------------------------


def test_only_done_articles_are_searched_unless_all_is_asked(tmp_corpus):
    corpus = tmp_corpus("Warga Dumai berkumpul.", "Di Dumai hujan.", "Dumai lagi.")
    annotations = [
        annotate(corpus, "a0", ("Dumai", "LOC")),
        annotate(corpus, "a1", status=Status.IN_PROGRESS),
        annotate(corpus, "a2", status=Status.TODO),  # never worked on: not annotated
    ]
    assert queue_of(corpus, annotations) == {}
    every = find_inconsistencies(corpus, annotations, only="all")
    assert every.articles == 2
    assert [o.article_id for o in every.items[0].occurrences] == ["a1"]


def test_a_span_of_an_article_not_searched_is_not_counted(tmp_corpus):
    corpus = tmp_corpus("Warga Dumai berkumpul.", "Di Dumai hujan.")
    annotations = [
        annotate(corpus, "a0", ("Dumai", "LOC")),
        annotate(corpus, "a1", ("Dumai", "PER"), status=Status.IN_PROGRESS),
    ]
    assert queue_of(corpus, annotations) == {}


def test_stale_and_missing_articles_are_left_out_and_counted(tmp_corpus):
    corpus = tmp_corpus("Warga Dumai berkumpul.", "Di Dumai hujan.")
    stale = annotate(corpus, "a1", ("Dumai", "PER"))
    annotations = [
        annotate(corpus, "a0", ("Dumai", "LOC")),
        Annotation("a1", "0" * 64, stale.spans, status=Status.DONE),
        Annotation("gone", "0" * 64, status=Status.DONE),
    ]
    queue = find_inconsistencies(corpus, annotations)
    assert queue.items == () and queue.articles == 1
    assert queue.skipped == {"stale": 1, "missing": 1}


def test_an_article_that_cannot_be_read_is_left_out_and_counted(tmp_path):
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "a0.txt").write_text("Warga Dumai berkumpul.", encoding="utf-8")
    (folder / "a1.txt").write_text("Di Dumai hujan.", encoding="utf-8")
    corpus = load_corpus([folder], cache=False)
    annotations = [annotate(corpus, "a0", ("Dumai", "LOC")), annotate(corpus, "a1")]
    (folder / "a1.txt").unlink()
    queue = find_inconsistencies(corpus, annotations)
    assert (queue.items, queue.articles, queue.skipped) == ((), 1, {"unreadable": 1})


def test_an_article_changed_since_the_corpus_was_loaded_is_left_out(tmp_path):
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "a0.txt").write_text("Warga Dumai berkumpul.", encoding="utf-8")
    (folder / "a1.txt").write_text("Di Dumai hujan.", encoding="utf-8")
    corpus = load_corpus([folder], cache=False)
    annotations = [annotate(corpus, "a0", ("Dumai", "LOC")), annotate(corpus, "a1")]
    (folder / "a1.txt").write_text("Di Dumai hujan lagi.", encoding="utf-8")
    assert find_inconsistencies(corpus, annotations).skipped == {"stale": 1}


def test_texts_are_read_without_being_kept_or_dropped(tmp_corpus):
    corpus = tmp_corpus("Warga Dumai berkumpul.", "Di Dumai hujan.")
    annotations = [annotate(corpus, "a0", ("Dumai", "LOC")), annotate(corpus, "a1")]
    corpus.get("a0").unload()
    shown = corpus.get("a1")
    text = shown.text  # the reader shows it
    find_inconsistencies(corpus, annotations)
    assert corpus.get("a0")._text is None  # memory stays flat
    assert shown._text is text  # the reader's text neither dropped nor read again


# --- order, limits, progress -----------------------------------------------------------------


def test_the_worst_come_first_then_by_text(tmp_corpus):
    corpus = tmp_corpus("Riau Dumai Siak", "Riau Dumai Siak Siak", "Riau Siak")
    annotations = [
        annotate(corpus, "a0", ("Riau", "LOC"), ("Dumai", "LOC"), ("Siak", "LOC")),
        annotate(corpus, "a1"),
        annotate(corpus, "a2"),
    ]
    queue = find_inconsistencies(corpus, annotations)
    assert [(item.text, item.to_check) for item in queue.items] == [
        ("Siak", 3),
        ("Riau", 2),
        ("Dumai", 1),
    ]


def test_occurrences_are_kept_up_to_the_limit_and_all_found_on_demand(tmp_corpus, monkeypatch):
    monkeypatch.setattr(consistency, "KEPT", 2)
    corpus = tmp_corpus("Dumai.", "Dumai", "a Dumai", "Dumai Dumai")
    annotations = [annotate(corpus, "a0", ("Dumai", "LOC"))] + [
        annotate(corpus, f"a{n}") for n in (1, 2, 3)
    ]
    item = queue_of(corpus, annotations)["Dumai"]
    assert item.unlabelled == 4 and not item.complete
    assert item.occurrences == (Occurrence("a1", 0, 5), Occurrence("a2", 2, 7))
    assert occurrences_of("Dumai", corpus, annotations) == (
        Occurrence("a1", 0, 5),
        Occurrence("a2", 2, 7),
        Occurrence("a3", 0, 5),
        Occurrence("a3", 6, 11),
    )


def test_occurrences_of_a_text_in_no_queue_are_none(tmp_corpus):
    corpus = tmp_corpus("Warga Dumai berkumpul.")
    assert occurrences_of("Dumai", corpus, [annotate(corpus, "a0", ("Dumai", "LOC"))]) == ()
    assert occurrences_of("Siak", corpus, [annotate(corpus, "a0")]) == ()


def test_worker_processes_find_what_one_process_finds(tmp_corpus, monkeypatch):
    monkeypatch.setattr(consistency, "PARALLEL_MIN", 1)
    monkeypatch.setattr(consistency, "KEPT", 3)
    monkeypatch.setattr(consistency, "_PROGRESS_EVERY", 1)
    texts = [f"Warga Dumai {n} datang ke Siak, Dumai." for n in range(12)]
    corpus = tmp_corpus(*texts)
    annotations = [
        annotate(corpus, f"a{n}", ("Dumai", "LOC" if n % 5 else "ORG"), ("Siak", "LOC"))
        for n in range(12)
    ]
    told: list[tuple[int, int]] = []
    one = find_inconsistencies(corpus, annotations, jobs=1)
    three = find_inconsistencies(
        corpus, annotations, jobs=3, progress=lambda *step: told.append(step)
    )
    assert three == one
    second = texts[0].rindex("Dumai")
    assert one.items[0].occurrences == (  # the first three in corpus order, of all shares
        Occurrence("a0", 6, 11, "ORG"),
        Occurrence("a0", second, second + 5),
        Occurrence("a1", second, second + 5),
    )
    assert told[-1] == (24, 24)


def test_progress_is_told_up_to_the_end(tmp_corpus, monkeypatch):
    monkeypatch.setattr(consistency, "_PROGRESS_EVERY", 3)
    corpus = tmp_corpus(*(f"Dumai {n}" for n in range(5)))
    annotations = [annotate(corpus, "a0", ("Dumai", "LOC"))] + [
        annotate(corpus, f"a{n}") for n in range(1, 5)
    ]
    told: list[tuple[int, int]] = []
    find_inconsistencies(corpus, annotations, progress=lambda *step: told.append(step))
    assert told[0] == (3, 10)  # five annotations to read, then as many articles to search
    assert told[-1] == (10, 10)
    assert [done for done, _ in told] == sorted(done for done, _ in told)


# --- ignored texts ---------------------------------------------------------------------------


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "annotations"
    with Store.open(folder, "alice"):
        pass
    return folder


def test_ignored_texts_are_left_out_and_named(tmp_corpus):
    corpus = tmp_corpus("Bank Dumai", "Bank Dumai")
    annotations = [
        annotate(corpus, "a0", ("Bank", "ORG"), ("Dumai", "LOC")),
        annotate(corpus, "a1"),
    ]
    queue = find_inconsistencies(corpus, annotations, ignored={"Bank", "Siak"})
    assert [item.text for item in queue.items] == ["Dumai"]
    assert queue.ignored == ("Bank",)  # Siak would be no item anyway


def test_ignored_texts_persist_in_the_annotators_folder(store_dir):
    assert load_ignored(store_dir, "alice") == frozenset()
    assert ignore(store_dir, "alice", ["Bank", "Dumai"]) == {"Bank", "Dumai"}
    assert ignore(store_dir, "alice", ["Bank"]) == {"Bank", "Dumai"}
    assert load_ignored(store_dir, "alice") == {"Bank", "Dumai"}
    assert unignore(store_dir, "alice", ["Bank", "Siak"]) == {"Dumai"}
    assert load_ignored(store_dir, "alice") == {"Dumai"}
    assert load_ignored(store_dir, "bob") == frozenset()


def test_the_ignored_file_is_sorted_one_text_a_line(store_dir):
    ignore(store_dir, "alice", ["Siak", 'Bank "BRI"', "Dumai"])
    lines = (store_dir / "alice" / IGNORED_FILE).read_text(encoding="utf-8").splitlines()
    assert lines == [
        "{",
        '  "ignored": [',
        '    "Bank \\"BRI\\"",',
        '    "Dumai",',
        '    "Siak"',
        "  ]",
        "}",
    ]


def test_ignoring_for_an_annotator_without_a_store_says_so(tmp_path):
    with pytest.raises(ConsistencyError, match="no store of 'carol'"):
        ignore(tmp_path, "carol", ["Bank"])
    assert not (tmp_path / "carol").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "not JSON"),
        ('["Bank"]', 'not {"ignored"'),
        ('{"ignored": ["Bank", 3]}', 'not {"ignored"'),
    ],
)
def test_a_damaged_ignored_file_is_named_with_what_to_do(store_dir, content, message):
    path = store_dir / "alice" / IGNORED_FILE
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConsistencyError, match=message) as caught:
        load_ignored(store_dir, "alice")
    assert str(path) in str(caught.value) and "fix or remove the file" in str(caught.value)
    assert "\n" not in str(caught.value)


# --- against a plain search ------------------------------------------------------------------

WORDS = [
    "Dumai", "Dumaian", "dumai", "Polres", "Bank", "Butar-Butar", "Butar", "M.", "Yusuf",
    "Jl.", "Sudirman", "kondusif.Kapolsek", "Kapolsek", "Rp", "2,5", "09.00", "S.H.", "AKBP",
    ",", ".", "(", ")", "“", "”", "🚓", "Jum'at", "PELALAWAN-Dalam", "R&D", "dan",
]  # fmt: skip
SEPARATORS = [" ", " ", " ", "", "\n", "  ", " \n", "\u00a0"]


@st.composite
def article_texts(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=14))
    seps = draw(st.lists(st.sampled_from(SEPARATORS), min_size=len(words), max_size=len(words)))
    return "".join(word + sep for word, sep in zip(words, seps, strict=True))


@st.composite
def annotations_of(draw: st.DrawFn, corpus: Corpus) -> list[Annotation]:
    annotations = []
    for article in corpus:
        text, tokens = article.text, TokenIndex(article.text).tokens
        spans: list[Span] = []
        for _ in range(draw(st.integers(0, 3)) if tokens else 0):
            if draw(st.integers(0, 9)) == 0:  # now and then a span off the tokens
                start = draw(st.integers(0, len(text) - 1))
                end = draw(st.integers(start + 1, len(text)))
            else:
                first = draw(st.integers(0, len(tokens) - 1))
                last = draw(st.integers(first, min(first + 2, len(tokens) - 1)))
                start, end = tokens[first].start, tokens[last].end
            label = draw(st.sampled_from(["LOC", "ORG", "PER"]))
            spans.append(Span(start, end, label, text[start:end]))
        status = draw(st.sampled_from([Status.DONE, Status.DONE, Status.IN_PROGRESS]))
        annotation = Annotation(article.id, article.text_sha, status=status)
        annotations.append(annotation.with_spans(spans))  # sorted, as the store keeps them
    return annotations


def plain_search(corpus: Corpus, annotations: list[Annotation]) -> dict[str, tuple]:
    """The queue by str.find and TokenIndex: each text's labels, unlabelled count and the
    occurrences to check."""
    searched = [a for a in annotations if a.status is Status.DONE]
    labels: dict[str, Counter[str]] = {}
    for annotation in searched:
        for s in annotation.spans:
            labels.setdefault(s.text, Counter())[s.label] += 1
    queue = {}
    for text, counts in labels.items():
        label = min(counts, key=lambda name: (-counts[name], name))
        found = set()
        for annotation in searched:
            article = corpus.get(annotation.article_id)
            found |= {
                (article.id, s.start, s.end, s.label)
                for s in annotation.spans
                if s.text == text and s.label != label
            }
            tokens, body = TokenIndex(article.text), article.text
            at = body.find(text)
            while at >= 0:
                end = at + len(text)
                if (
                    tokens.is_start(at)
                    and tokens.is_end(end)
                    and not any(s.start < end and at < s.end for s in annotation.spans)
                ):
                    found.add((article.id, at, end, None))
                at = body.find(text, at + 1)
        unlabelled = sum(1 for found_one in found if found_one[3] is None)
        if unlabelled or len(counts) > 1:
            queue[text] = (label, dict(counts), unlabelled, found)
    return queue


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(texts=st.lists(article_texts(), min_size=1, max_size=5), data=st.data())
def test_the_queue_is_what_a_plain_search_finds(tmp_path_factory, texts, data):
    corpus = make_corpus(tmp_path_factory.mktemp("corpus"), *texts)
    annotations = data.draw(annotations_of(corpus))
    queue = find_inconsistencies(corpus, annotations)
    found = {
        item.text: (
            item.label,
            dict(item.labels),
            item.unlabelled,
            {(o.article_id, o.start, o.end, o.label) for o in item.occurrences},
        )
        for item in queue.items
    }
    assert found == plain_search(corpus, annotations)


CHARACTERS = "aZ9.,-'’/:(“🚓\u0301 \n\t\u00a0" + "MJlS"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=CHARACTERS, max_size=40))
def test_marking_part_by_part_gives_the_tokens_of_the_whole_text(text):
    bounds = sorted({edge for token in tokenize(text) for edge in token[:2]})
    whole = text
    for edge in reversed(bounds):
        whole = whole[:edge] + SEP + whole[edge:]
    assert consistency._Marker().mark(text) == whole
