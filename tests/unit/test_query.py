"""The list's filter language: examples, errors, then properties that tie select() to matches()."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Collection

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cooltui.model import Status
from cooltui.query import (
    QUERY_HELP,
    ArticleFacts,
    ListRow,
    Query,
    QueryError,
    fold,
    parse_query,
)

GROUPS = ("themes", "activity")


def row(
    title: str = "Kapolsek Minas Hadiri Silaturahmi",
    outlet: str = "TOPIKMETRO.COM",
    date: str = "2024-08-14",
    status: Status = Status.TODO,
    id: str = "a1",
    place: str = "",
) -> ListRow:
    return ListRow(id, title, outlet, date, status, place=place)


def facts(labels: Collection[str] = (), values: Collection[tuple[str, str]] = ()) -> ArticleFacts:
    return ArticleFacts(frozenset(labels), frozenset(values))


def matches(
    text: str, target: ListRow, found: ArticleFacts | None = None, body: str | None = None
) -> bool:
    query = parse_query(text, GROUPS)
    return query.matches(target, found, None if body is None else lambda: body)


# --- words and phrases ---------------------------------------------------------------------------


def test_every_word_must_occur_in_title_outlet_or_date() -> None:
    target = row()
    assert matches("kapolsek minas", target)
    assert matches("MINAS kapolsek", target)  # any order, any case
    assert matches("topikmetro", target)  # the outlet
    assert matches("2024-08", target)  # the date
    assert matches("silatur", target)  # part of a word
    assert not matches("kapolsek dumai", target)


def test_words_search_the_dateline_place_too() -> None:
    target = row(outlet="TOPIKMETRO.COM", place="BDR. SEIKIJANG")
    assert matches("seikijang", target)
    assert matches("topikmetro seikijang minas", target)
    assert not matches("-seikijang", target)
    assert parse_query("seikijang", GROUPS).select([row(), target]) == [1]
    # A phrase does not run from the outlet into the place, nor from the place into the date.
    assert not matches('"topikmetro.com bdr"', target)
    assert not matches('"seikijang 2024"', target)


def test_accents_and_case_do_not_matter() -> None:
    assert matches("cafe", row(title="Ngopi di Café Rakyat"))
    assert matches("CAFÉ", row(title="Ngopi di cafe rakyat"))


def test_a_quoted_phrase_keeps_its_words_together_and_in_order() -> None:
    target = row(title="Kapolsek  Minas hadiri silaturahmi")
    assert matches('"kapolsek minas"', target)  # runs of spaces count as one
    assert not matches('"minas kapolsek"', target)
    assert matches('"minas hadiri', target)  # an unclosed quote runs to the end
    # A phrase does not run from the title into the outlet.
    assert not matches('"silaturahmi topikmetro"', target)


def test_negation() -> None:
    target = row(status=Status.DONE)
    assert not matches("-minas", target)
    assert matches("-dumai", target)
    assert not matches('-"kapolsek minas"', target)
    assert not matches("-status:done", target)
    assert matches("-status:todo", target)
    assert matches("-label:PER", target, facts())
    assert not matches("-label:PER", target, facts({"PER"}))


def test_a_lone_dash_or_empty_quotes_are_ignored_while_typing() -> None:
    assert parse_query("-", GROUPS).is_empty
    assert parse_query('""', GROUPS).is_empty
    assert parse_query("  ", GROUPS).is_empty
    assert matches("minas -", row())


def test_text_with_a_colon_is_searched_when_quoted_or_led_by_a_digit() -> None:
    target = row(title="Apel pagi pukul 07:30 di Mapolsek: semua hadir")
    assert matches("07:30", target)
    assert matches('"mapolsek:"', target)


# --- fields --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "statuses"),
    [
        ("status:todo", {Status.TODO}),
        ("status:progress", {Status.IN_PROGRESS}),
        ("status:in_progress", {Status.IN_PROGRESS}),
        ("status:DONE", {Status.DONE}),
        ("status:skipped", {Status.SKIPPED}),
        ("status:flagged", {Status.FLAGGED}),
        ("status:unfinished", {Status.TODO, Status.IN_PROGRESS, Status.FLAGGED}),
        ("status:finished", {Status.DONE, Status.SKIPPED}),
        ("status:todo,flagged", {Status.TODO, Status.FLAGGED}),
    ],
)
def test_status_names_and_aliases(text: str, statuses: set[Status]) -> None:
    accepted = {status for status in Status if matches(text, row(status=status))}
    assert accepted == statuses


def test_labels_and_group_values_come_from_the_facts() -> None:
    target = row()
    annotated = facts({"PER", "ORG"}, {("themes", "KAMTIBMAS"), ("activity", "PATROLI")})
    assert matches("label:PER", target, annotated)
    assert matches("label:org", target, annotated)  # any case
    assert not matches("label:LOC", target, annotated)
    assert matches("themes:KAMTIBMAS", target, annotated)
    assert matches("theme:kamtibmas", target, annotated)  # the start of a group's name will do
    assert not matches("activity:KAMTIBMAS", target, annotated)  # the value of another group
    assert not matches("label:PER", target, None)  # no annotation: no labels


def test_fields_need_facts_or_body_and_say_so() -> None:
    assert not parse_query("minas status:done", GROUPS).needs_facts
    assert parse_query("label:PER", GROUPS).needs_facts
    assert parse_query("-themes:X", GROUPS).needs_facts
    assert not parse_query("label:PER", GROUPS).needs_body
    assert parse_query("body:hoax", GROUPS).needs_body


def test_body_terms_search_the_text_only_when_it_is_given() -> None:
    target = row()
    assert matches("body:hoaks", target, body="Warga diimbau tidak menyebar HOAKS.")
    assert not matches("body:hoaks", target, body="Warga diimbau tetap tenang.")
    assert matches('body:"tidak menyebar"', target, body="Warga diimbau tidak  menyebar hoaks.")
    assert not matches("-body:hoaks", target, body="Ada hoaks.")
    # Without the body the body terms are not checked: what the list filters on before reading.
    assert matches("minas body:hoaks", target)
    assert not matches("dumai body:hoaks", target)
    query = parse_query("body:hoaks -body:pemilu", GROUPS)
    assert query.matches_body("hoaks pilkada")
    assert not query.matches_body("hoaks pemilu")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("foo:bar", ["unknown field foo:", "status:", "themes:", "quotes"]),
        ("status:finito", ["unknown status 'finito'", "todo", "unfinished"]),
        ("status:", ["status: needs a value", "status:done"]),
        ("label:", ["label: needs a value", "label:PER"]),
        ('themes:""', ["themes: needs a value"]),
        ("body: x", ["body: needs a value"]),
        ("-status:", ["status: needs a value"]),
    ],
)
def test_errors_say_what_is_wrong_and_how_to_fix_it(text: str, words: list[str]) -> None:
    with pytest.raises(QueryError) as caught:
        parse_query(text, GROUPS)
    for word in words:
        assert word in str(caught.value)


def test_an_unknown_status_names_every_status_accepted() -> None:
    with pytest.raises(QueryError) as caught:
        parse_query("status:finito", GROUPS)
    named = set(re.findall(r"[a-z_]+", str(caught.value).split(":", 1)[1]))
    for name in ("todo", "progress", "done", "skipped", "flagged", "unfinished", "finished"):
        assert name in named
        parse_query(f"status:{name}", GROUPS)  # and each one named is accepted


def test_an_ambiguous_group_start_is_an_error_naming_the_groups() -> None:
    with pytest.raises(QueryError, match="themes:, topics:"):
        parse_query("t:X", ["themes", "topics"])
    assert parse_query("th:X", ["themes", "topics"]).needs_facts


def test_the_help_names_every_kind_of_term() -> None:
    for word in ("status:", "label:", "body:", '"', "-", "unfinished", "place"):
        assert word in QUERY_HELP
    assert re.search(r"\bfinished\b", QUERY_HELP), "status:finished is accepted: say so"


# --- select ---------------------------------------------------------------------------------------


def test_select_gives_the_indices_of_matching_rows_in_order() -> None:
    rows = [
        row("Polsek Minas patroli", status=Status.DONE, id="a"),
        row("Polsek Dumai patroli", status=Status.TODO, id="b"),
        row("Kapolres Siak", status=Status.TODO, id="c"),
    ]
    annotated = {"b": facts({"PER"})}
    assert parse_query("patroli", GROUPS).select(rows) == [0, 1]
    assert parse_query("patroli -status:done", GROUPS).select(rows) == [1]
    assert parse_query("label:PER", GROUPS).select(rows, annotated.get) == [1]
    assert parse_query("-label:PER", GROUPS).select(rows, annotated.get) == [0, 2]
    assert parse_query("", GROUPS).select(rows) == [0, 1, 2]


def test_selecting_100k_rows_by_a_title_word_finds_each_match() -> None:
    """(Its speed is bench/article_list.py's list_filter_title: timed tests fail on busy machines.)"""
    rows = [row(f"Kapolsek Minas hadiri silaturahmi nomor {i}", id=f"a{i}") for i in range(100_000)]
    found = parse_query("nomor 4242", GROUPS).select(rows)
    assert [rows[i].id for i in found] == [f"a{i}" for i in range(100_000) if "4242" in str(i)]


def test_the_module_is_headless() -> None:
    code = (
        "import sys, cooltui.query; "
        "assert not {'textual', 'rich'} & {m.split('.')[0] for m in sys.modules}"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --- properties -----------------------------------------------------------------------------------

WORDS = ["polsek", "minas", "Café", "hoaks", "pemilu", "siak", "dumai", "patroli", "seikijang"]
word = st.sampled_from(WORDS)
titles = st.lists(word, max_size=5).map(" ".join)
rows_strategy = st.lists(
    st.builds(
        ListRow,
        id=st.text(min_size=1, max_size=4),
        title=titles,
        outlet=st.sampled_from(["TOPIKMETRO.COM", "Zona Merdeka", ""]),
        date=st.sampled_from(["2024-08-14", ""]),
        status=st.sampled_from(list(Status)),
        place=st.sampled_from(["DUMAI", "Bdr. Seikijang", ""]),
    ),
    max_size=12,
)
term = st.one_of(
    word.map(str.lower),
    word.map(lambda w: f'"{w} {w}"'),
    st.sampled_from(["status:done", "status:unfinished", "label:PER", "themes:KAMTIBMAS"]),
    word.map(lambda w: f"body:{w}"),
)
query_text = st.lists(st.tuples(st.booleans(), term), max_size=4).map(
    lambda terms: " ".join(("-" if negated else "") + text for negated, text in terms)
)
facts_strategy = st.builds(
    facts,
    st.sets(st.sampled_from(["PER", "ORG"])),
    st.sets(st.sampled_from([("themes", "KAMTIBMAS"), ("activity", "PATROLI")])),
)


@settings(max_examples=300)
@given(rows_strategy, query_text, st.lists(facts_strategy, min_size=12, max_size=12))
def test_select_agrees_with_matches(
    rows: list[ListRow], text: str, found: list[ArticleFacts]
) -> None:
    by_id = {r.id: found[i] for i, r in enumerate(rows)}
    query = parse_query(text, GROUPS)
    expected = [i for i, r in enumerate(rows) if query.matches(r, by_id.get(r.id), None)]
    assert query.select(rows, by_id.get) == expected


@given(term, titles, facts_strategy, titles)
def test_a_negated_term_matches_exactly_where_the_term_does_not(
    text: str, title: str, found: ArticleFacts, body: str
) -> None:
    target = row(title=title)
    assert matches(f"-{text}", target, found, body) is not matches(text, target, found, body)


latin = st.text(
    st.characters(codec="latin-1", categories=["L", "Nd", "Zs", "P"], exclude_characters='"'),
    max_size=30,
)


@given(latin, st.data())
def test_any_quoted_piece_of_a_title_finds_it(title: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(title)))
    end = data.draw(st.integers(start, len(title)))
    assert matches(f'"{title[start:end]}"', row(title=title))


@settings(max_examples=300)
@given(st.text(max_size=40))
def test_any_input_parses_or_raises_query_error(text: str) -> None:
    try:
        query = parse_query(text, GROUPS)
    except QueryError as error:
        assert str(error)
        return
    assert isinstance(query, Query)
    query.matches(row(), facts(), lambda: text)


@given(st.text(max_size=30))
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)
