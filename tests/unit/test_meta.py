"""Titles, outlets, places and dates read from article text."""

from __future__ import annotations

import pytest

from cooltui.meta import TITLE_WIDTH, describe, first_date, shorten
from cooltui.text import normalise


@pytest.mark.parametrize(
    ("name", "title", "outlet", "place", "date"),
    [
        ("000_368710ebfebd31c9.txt",
         "Polsek Minas, Polres Siak, pada Sabtu (19/10), melaksanakan kegiatan Cooling…",
         "lingkupperistiwa.com", "Siak", "--10-19"),
        ("001_77e9b59e62f45c1c.txt",
         "Dalam Kegiatan Cooling system yang dilaksanakan dan mencakup dialog…",
         "TOPIKMETRO.COM", "BDR. SEIKIJANG", "2024-01-08"),
        ("002_217cba9fa2ed1089.txt",
         "Polsek Dumai Timur mengadakan kegiatan Cooling System berupa Silaturahmi…",
         None, "DUMAI", "--10-28"),
        ("003_5bf4fdd0230e5f0d.txt", "Ngumpul di Kafe, Pilkada Serentak 2024 yang Damai",
         "ZONAMERDEKA.COM", "PELALAWAN", "2024-10-26"),
        ("004_d053499ff816151a.txt",
         "Ciptakan Pemilu Damai, Polres Dumai Gulirkan Pesan dan Himbauan Kamtibmas",
         "PANTAUNEWS.CO.ID", "DUMAI", "2024-02-08"),
    ],
)  # fmt: skip
def test_seed_articles(seeds, name, title, outlet, place, date):
    about = describe(normalise((seeds / name).read_text(encoding="utf-8")))
    assert (about.title, about.outlet, about.place, about.date) == (title, outlet, place, date)


@pytest.mark.parametrize(
    ("text", "outlet", "place"),
    [
        ("JAKARTA, KOMPAS.com - Presiden meninjau", "KOMPAS.com", "JAKARTA"),
        ("Pekanbaru (ANTARA) - Polda Riau menggelar", "ANTARA", "Pekanbaru"),
        ("SIAK, RIAUPOS.CO -- Polres Siak menggelar", "RIAUPOS.CO", "SIAK"),
        ("Dumai, Bertuahpos.com – Polres Dumai", "Bertuahpos.com", "Dumai"),
        ("Polsek Minas - yang dipimpin Kapolsek", None, None),
        ("Kegiatan berjalan lancar. Warga - terutama pemuda - hadir.", None, None),
    ],
)
def test_datelines_of_other_outlets(text, outlet, place):
    about = describe(text)
    assert (about.outlet, about.place) == (outlet, place)


def test_page_junk_never_becomes_the_title():
    text = "Notification\n\n×\n\nIklan\n\nBaca Juga: Polisi Sambang Warga\n\nShare\n\n"
    text += "Polsek Minas Gelar Cooling System di Kampung Minas Timur\n\n12 Maret 2024\n\n"
    text += "SIAK - Polsek Minas menggelar kegiatan."
    about = describe(text)
    assert about.title == "Polsek Minas Gelar Cooling System di Kampung Minas Timur"
    assert about.date == "2024-03-12"


def test_a_long_first_paragraph_is_shortened_at_a_word():
    text = "Kegiatan " * 40
    title = describe(text).title
    assert len(title) <= TITLE_WIDTH and title.endswith("Kegiatan…")


def test_jsonl_title_wins_and_is_one_line():
    assert describe("SIAK - Isi berita.", title="Judul\nBerita  Ini").title == "Judul Berita Ini"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kamis (8/2/2024) warga", "2024-02-08"),
        ("pada 14 Pebruari 2024 dan 1 Januari 2025", "2024-02-14"),
        ("pada 3 Nop. 2024", "2024-11-03"),
        ("(31/2) lalu (28/10)", "--10-28"),
        ("30 Februari 2024 tidak ada", None),
        ("tanpa tanggal", None),
    ],
)
def test_first_valid_date(text, expected):
    assert first_date(text) == expected


def test_shorten_keeps_short_text_and_collapses_space():
    assert shorten("  a\tb\n c ") == "a b c"
