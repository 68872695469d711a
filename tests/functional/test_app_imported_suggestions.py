"""A model's predictions brought in with `cooltui import --as-suggestions`, in the app: offered
beside the rules' suggestions, stepped through with . and answered with enter and x."""

from __future__ import annotations

import json
from pathlib import Path

from cooltui.cli import main
from cooltui.corpus import load_corpus
from cooltui.model import Annotation, Span
from cooltui.settings import Settings
from cooltui.store import Store
from cooltui.tui.app import CoolApp, build_app
from cooltui.tui.reader import Reader
from cooltui.tui.sidebar import SidebarRows

FIRST = "000_368710ebfebd31c9"
IMPORTED = "import:doccano"

PREDICTED = (
    ("lingkupperistiwa.com", "MEDIA"),  # the text's first suggestion, which the rules make too
    ("Polsek Minas", "ORG"),
    ("Minas Timur", "LOC"),  # inside the rules' "Kampung Minas Timur"
    ("pesta demokrasi", "EVENT"),  # no rule suggests it
)
"""A model's spans on the first seed, each at the phrase's first occurrence."""

PREDICTED_CATEGORIES = ("ANTI_POLITIK_UANG", "DIALOG")
"""Its document labels, as doccano names them (bare): a theme and an activity that the rules
do not suggest for this article."""


def write_doccano(path: Path, seeds: Path) -> Path:
    """An intent-and-slot doccano export of the first seed: its text (no id of ours: it attaches
    by text), the model's spans as entities and its document labels as cats."""
    text = (seeds / f"{FIRST}.txt").read_text(encoding="utf-8")
    entities = [
        [text.index(phrase), text.index(phrase) + len(phrase), label] for phrase, label in PREDICTED
    ]
    record = {"id": 17, "text": text, "entities": entities, "cats": list(PREDICTED_CATEGORIES)}
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def import_as_suggestions(tmp_path: Path, seeds: Path) -> None:
    source = write_doccano(tmp_path / "model.jsonl", seeds)
    args = ["import", str(source), "--as-suggestions", "--corpus", str(seeds)]
    assert main([*args, "--store", str(tmp_path / "ann"), "--annotator", "sugi"]) == 0


def save_predictions(tmp_path: Path, seeds: Path) -> None:
    """sugi's store as the import leaves it, made directly."""
    article = load_corpus([seeds]).get(FIRST)
    assert article is not None
    spans = []
    for phrase, label in PREDICTED:
        start = article.text.index(phrase)
        spans.append(Span(start, start + len(phrase), label, phrase, IMPORTED))
    made = Annotation(article.id, article.text_sha).with_suggestions(
        spans, {"themes": ("ANTI_POLITIK_UANG",), "activity": ("DIALOG",)}
    )
    with Store.open(tmp_path / "ann", "sugi") as store:
        store.save(made)


def make_app(tmp_path: Path, seeds: Path) -> CoolApp:
    settings = Settings.resolve(corpus=[seeds], store=tmp_path / "ann", annotator="sugi")
    return build_app(settings)


def cursor_on(app: CoolApp, phrase: str) -> None:
    reader = app.query_one(Reader)
    reader.move_to(reader.text.index(phrase))


def selected(app: CoolApp) -> str:
    reader = app.query_one(Reader)
    start, end = reader.selected_range
    return reader.text[start:end]


def offered(app: CoolApp) -> dict[str, str]:
    """The suggestions the reader shows, each as its text and its source."""
    return {span.text: span.source for span in app.query_one(Reader).suggestions}


def row_of(app: CoolApp, group: str, value: str) -> str:
    rows = app.query_one(f"#sidebar-group-{group}", SidebarRows).lines
    return next(row for row in rows if row.endswith(f" {value}"))


async def test_a_doccano_import_is_offered_accepted_rejected_and_marked_in_the_sidebar(
    tmp_path, seeds
):
    import_as_suggestions(tmp_path, seeds)
    app = make_app(tmp_path, seeds)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.article.id == FIRST and app.annotation.spans == ()
        shown = offered(app)
        assert {phrase: shown.get(phrase) for phrase, _ in PREDICTED} == {
            phrase: IMPORTED for phrase, _ in PREDICTED
        }
        assert "Kampung Minas Timur" in shown  # its second occurrence: no prediction there
        assert [s.text for s in app.session.offered()].count("Kampung Minas Timur") == 1
        assert row_of(app, "themes", "ANTI_POLITIK_UANG").startswith("✦")
        assert row_of(app, "activity", "DIALOG").startswith("✦")
        assert not row_of(app, "themes", "NETRALITAS").startswith("✦")

        await pilot.press("full_stop")
        assert selected(app) == "lingkupperistiwa.com"
        subtitle = str(app.query_one(Reader).border_subtitle)
        assert "suggested MEDIA: lingkupperistiwa.com" in subtitle
        await pilot.press("enter")
        (span,) = app.annotation.spans
        assert (span.text, span.label, span.source) == ("lingkupperistiwa.com", "MEDIA", IMPORTED)

        cursor_on(app, "Polsek Minas")
        await pilot.press("x")
        assert [(s.text, s.source) for s in app.annotation.rejected] == [("Polsek Minas", IMPORTED)]
        assert "Polsek Minas" not in offered(app)
        await pilot.press("q")
    app.store.close()
    with Store.open(tmp_path / "ann", "sugi", read_only=True) as store:
        stored = store.get(FIRST)
    assert stored is not None
    assert [(s.text, s.label, s.source) for s in stored.spans] == [
        ("lingkupperistiwa.com", "MEDIA", IMPORTED)
    ]
    assert [s.text for s in stored.rejected] == ["Polsek Minas"]


async def test_the_border_names_an_imported_suggestion_by_its_source(tmp_path, seeds):
    """Whether a suggestion comes from the rules or from another tool's predictions decides how
    far it is trusted: the border says which, as it says the label."""
    save_predictions(tmp_path, seeds)
    app = make_app(tmp_path, seeds)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("full_stop")
        assert selected(app) == "lingkupperistiwa.com"
        subtitle = str(app.query_one(Reader).border_subtitle)
        assert "suggested MEDIA: lingkupperistiwa.com" in subtitle
        assert IMPORTED in subtitle
    app.store.close()


async def test_a_rejected_imported_suggestion_is_not_offered_after_a_restart(tmp_path, seeds):
    save_predictions(tmp_path, seeds)
    app = make_app(tmp_path, seeds)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        cursor_on(app, "pesta demokrasi")
        await pilot.press("x")
        assert "pesta demokrasi" not in offered(app)
        await pilot.press("q")
    app.store.close()
    again = make_app(tmp_path, seeds)
    async with again.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert again.article.id == FIRST
        shown = offered(again)
        assert "pesta demokrasi" not in shown
        assert shown.get("Minas Timur") == IMPORTED  # the other predictions are still open
    again.store.close()
