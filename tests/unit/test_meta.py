"""Titles, outlets, places and dates read from article text."""

from __future__ import annotations

import pytest

from cooltui.meta import TITLE_WIDTH, describe, first_date, headline, shorten
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
        # An outlet of two words in capitals before the place, not after it.
        ("KABAR SIAK, MINAS- Personel Polsek Minas menyambangi warga.", "KABAR SIAK", "MINAS"),
        ("BERITA DUMAI, BUKIT KAPUR - Polsek Bukit Kapur menggelar apel.", "BERITA DUMAI",
         "BUKIT KAPUR"),
        ("KABAR SIAK, SIAK - Polres Siak menggelar apel.", "KABAR SIAK", "SIAK"),
        ("SIAK, KABAR SIAK - Polres Siak menggelar apel.", "KABAR SIAK", "SIAK"),
        ("DURI, RIAUPOS - Polsek Mandau menggelar apel.", "RIAUPOS", "DURI"),
        # A sub-place in brackets, then the outlet as a domain with stray blanks.
        ("Pekanbaru (Rumbai) - riauonline. co.id- Polsek Rumbai menggelar apel.",
         "riauonline.co.id", "Pekanbaru (Rumbai)"),
        ("Pekanbaru (Rumbai) - riauonline.co.id - Polsek Rumbai menggelar apel.",
         "riauonline.co.id", "Pekanbaru (Rumbai)"),
        ("Riauterkini - DURI - Polsek Mandau menggelar apel.", "Riauterkini", "DURI"),
        ("BENGKALIS, bengkalisnews.com - Polres Bengkalis menggelar apel.", "bengkalisnews.com",
         "BENGKALIS"),
        ("SIAK HULU, riauonline. co.id – Polsek Siak Hulu menggelar apel.", "riauonline.co.id",
         "SIAK HULU"),
        ("Bangkinang, Riau Pos - Polres Kampar menggelar apel siaga.", "Riau Pos", "Bangkinang"),
        ("Jakarta - Polri menggelar apel siaga di Monas, Senin (11/11/2024).", None, "Jakarta"),
        # A place of abbreviations is no domain.
        ("KEC. MINAS, TOPIKMETRO.COM - Polsek Minas menggelar.", "TOPIKMETRO.COM", "KEC. MINAS"),
        # A headline with a dash, or a paragraph going on in lower case, is no dateline.
        ("Cooling System - Polsek Minas Sambangi Warga", None, None),
        ("Polsek Minas - yang dipimpin Kapolsek - hadir.", None, None),
        # An outlet's word alone may name a place too (Metro, Lampung): no outlet without a domain.
        ("Metro - Polres Metro menggelar apel.", None, None),
    ],
)  # fmt: skip
def test_datelines_of_other_outlets(text, outlet, place):
    about = describe(text)
    assert (about.outlet, about.place) == (outlet, place)


@pytest.mark.parametrize(
    "header",
    [
        "https://www.riauonline.co.id/riau/read/2024/10/19/polsek-rumbai-gelar-cooling-system\n",
        "www.riauonline.co.id/riau/read/2024/10/19/polsek-rumbai\n\n",
        "# source: https://www.riauonline.co.id/riau/read/2024/10/19/polsek-rumbai\n"
        "# fetched: 2024-10-20 06:12:44\n",
        "#source: https://kabarsiak.com/berita/1 - Kabar Siak\n",
    ],
)
def test_a_url_or_a_scraper_header_is_never_the_title_outlet_or_place(header):
    text = header + "Polsek Rumbai Gelar Cooling System Jelang Pilkada\n\n"
    text += "Pekanbaru (Rumbai) - riauonline. co.id- Polsek Rumbai menggelar apel."
    about = describe(text)
    assert (about.title, about.outlet, about.place) == (
        "Polsek Rumbai Gelar Cooling System Jelang Pilkada",
        "riauonline.co.id",
        "Pekanbaru (Rumbai)",
    )


def test_without_a_headline_the_lead_after_a_header_is_the_title():
    text = "# source: https://kabarsiak.com/berita/2024/10/sambang\n# lang: id\n"
    text += "KABAR SIAK, MINAS- Personel Polsek Minas menyambangi warga. Warga antusias."
    about = describe(text)
    assert (about.title, about.outlet, about.place) == (
        "Personel Polsek Minas menyambangi warga.",
        "KABAR SIAK",
        "MINAS",
    )


@pytest.mark.parametrize(
    "junk",
    [
        "detikJateng\nSenin, 12 Feb 2024 08:00 WIB\n\n",
        "Home » Jateng » Solo\n\n",
        "Beranda / Daerah / Solo\n\n",
        "Kompas.com - 12/02/2024, 08:00 WIB\n\n",
        "Oleh: Redaksi\n",
    ],
)
def test_the_headline_before_the_dateline_is_the_title(junk):
    text = junk + "Polresta Solo Ajak Warga Tolak Hoaks Jelang Pemilu\n\n"
    text += "Solo - Polresta Solo mengajak warga menolak hoaks menjelang Pemilu 2024."
    about = describe(text)
    assert (about.title, about.place) == (
        "Polresta Solo Ajak Warga Tolak Hoaks Jelang Pemilu",
        "Solo",
    )


def test_a_headline_wrapped_over_two_lines_is_not_half_of_it():
    text = "Polsek Minas Gelar Sambang\nKamtibmas di Kampung Minas Timur\n\n"
    text += "SIAK - Polsek Minas menggelar sambang. Warga antusias."
    assert describe(text).title == "Polsek Minas menggelar sambang."


def test_an_outlet_and_date_line_is_no_dateline():
    text = "Kompas.com - 12/02/2024, 08:00 WIB\n\nPolresta Padang Gelar Dialog Kebangsaan\n\n"
    text += "PADANG, KOMPAS.com - Polresta Padang menggelar dialog kebangsaan."
    about = describe(text)
    assert (about.title, about.outlet, about.place) == (
        "Polresta Padang Gelar Dialog Kebangsaan",
        "KOMPAS.com",
        "PADANG",
    )


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


def test_headline_is_the_whole_title_that_describe_shortens() -> None:
    title = (
        "Polres Dumai Gelar Cooling System Jelang Pilkada Serentak 2024 di Kecamatan Sungai "
        "Sembilan Bersama Tokoh Masyarakat dan Tokoh Agama"
    )
    text = f"{title}\n\nDUMAI - Polres Dumai menggelar kegiatan Cooling System.\n"
    assert headline(text) == title
    assert describe(text).title == shorten(title) != title
    assert headline("x", title="  Judul\n dari  sumber ") == "Judul dari sumber"
