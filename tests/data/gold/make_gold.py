"""Builds the gold files seeds.jsonl and heldout.jsonl from the hand-made annotations below.

The annotations were written by reading the articles (see README.md for the conventions), never
by running the suggester. Each span is (label, surface text, which occurrence of that text in
the article, counting from 0, substrings of longer words included); this script only finds the
offsets, checks that spans do not overlap, and writes our export jsonl through the exporter.
Each article's heads (title, outlet, place: what the article list should show) replace what
the exporter writes in the record's "meta", so that they are gold too.

    .venv/bin/python tests/data/gold/make_gold.py [--show]

Run it from the repository root, so that the records name their files relatively.
"""

from __future__ import annotations

import argparse
import io
import itertools
import sys
from pathlib import Path
from typing import Any

import orjson

from cooltui.corpus import load_corpus
from cooltui.export import ExportOptions, export
from cooltui.meta import shorten
from cooltui.model import Annotation, Span, Status
from cooltui.scheme import load_scheme

GOLD = Path(__file__).resolve().parent
ANNOTATOR = "gold"

Gold = tuple[list[tuple[str, str, int]], list[str], str | None]
"""(spans, themes, activity) of one article."""
Heads = tuple[str, str | None, str | None]
"""(title, outlet, place) of one article: its headline, or else the first sentence of its lead,
as written; the dateline's outlet and place, None where it names none."""

SEEDS: dict[str, Gold] = {
    "000_368710ebfebd31c9": (
        [
            ("MEDIA", "lingkupperistiwa.com", 0),
            ("LOC", "Siak", 0),
            ("ORG", "Polsek Minas", 0),
            ("ORG", "Polres Siak", 0),
            ("DATE", "Sabtu (19/10)", 0),
            ("EVENT", "Cooling System", 0),
            ("ORG", "TNI", 0),
            ("EVENT", "Pilkada Serentak Tahun 2024", 0),
            ("LOC", "Kampung Minas Timur", 0),
            ("LOC", "Kecamatan Minas", 0),
            ("ROLE", "Kanit Samapta", 0),
            ("ROLE", "Kanit Provos", 0),
            ("ROLE", "Panit Yanmin Intelkam Polsek Minas", 0),
            ("ROLE", "Babinkamtibmas", 0),
            ("ORG", "TNI", 1),
            ("LOC", "Kampung Minas Timur", 1),
            ("ROLE", "Kapolsek Minas", 0),
            ("RANK", "Kompol", 0),
            ("PER", "Wan Mantazakka", 0),
            ("TITLE", "SH MH", 0),
            ("EVENT", "Cooling System", 1),
            ("ORG", "Polri", 0),
            ("ROLE", "Kapolsek", 1),
            ("EVENT", "Cooling System", 2),
            ("LOC", "Kecamatan Minas", 1),
            ("PER", "juminawati", 0),
        ],
        ["KAMTIBMAS", "SILATURAHMI", "PERLINDUNGAN_PEREMPUAN_ANAK", "ANTI_GOLPUT"],
        "SILATURAHMI",
    ),
    "001_77e9b59e62f45c1c": (
        [
            ("MEDIA", "TOPIKMETRO.COM", 0),
            ("LOC", "BDR. SEIKIJANG", 0),
            ("EVENT", "Cooling system", 0),
            ("ORG", "Polsek Bandar Sei Kijang", 0),
            ("EVENT", "Pemilu Tahun 2024", 0),
            ("LOC", "Kecamatan Bandar Sei Kijang", 0),
            ("FAC", "warung sarapan Mak Hitam", 0),
            ("FAC", "Jl. Lintas Timur KM 35", 0),
            ("LOC", "Kelurahan Sekijang", 0),
            ("LOC", "Kecamatan Bandar Sei Kijang", 1),
            ("TIME", "sekira pkl. 09.00 wib", 0),
            ("DATE", "Senin 08 Januari 2024", 0),
            ("EVENT", "Cooling System", 0),
            ("EVENT", "Pemilu Serentak 2024", 0),
            ("LOC", "Kecamatan Bandar Sei Kijang", 2),
            ("ORG", "Polsek Bandar SeiKijang", 0),
            ("ROLE", "Ps. Kanit Intelkam", 0),
            ("RANK", "AIPDA", 0),
            ("PER", "JAMAL PUTRA", 0),
            ("ROLE", "Bhabinkamtibmas Desa Kiab Jaya", 0),
            ("RANK", "AIPTU", 0),
            ("PER", "BARONI", 0),
            ("ROLE", "Ps. Kanit Intelkam", 1),
            ("EVENT", "Pemilu tahun 2024", 0),
            ("ORG", "Polsek Bandar Sei Kijang", 1),
            ("EVENT", "Cooling system", 1),
            ("ORG", "Polri", 0),
            ("EVENT", "Pesta Demokrasi 2024", 0),
            ("ROLE", "Kapolsek Bandar SeiKijang", 0),
            ("RANK", "AKP", 0),
            ("PER", "Mulian Dony", 0),
            ("TITLE", "SH", 0),
            ("EVENT", "cooling system", 0),
            ("LOC", "Kecamatan Bandar Sei Kijang", 3),
            ("EVENT", "pemilu serentak 2024", 0),
            ("LOC", "kecamatan Bandar Sei Kijang", 0),
            ("ORG", "Polri", 1),
            ("EVENT", "Cooling System", 1),
            ("ORG", "Polsek Bandar Sei Kijang", 2),
            ("TIME", "pukul 10.00 wib", 0),
        ],
        ["KAMTIBMAS", "SILATURAHMI", "PERSATUAN", "ANTI_GOLPUT", "KEPERCAYAAN_PUBLIK"],
        "SAMBANG",
    ),
    "002_217cba9fa2ed1089": (
        [
            ("LOC", "DUMAI", 0),
            ("ORG", "Polsek Dumai Timur", 0),
            ("EVENT", "Cooling System", 0),
            ("FAC", "Mapolsek Dumai Timur", 0),
            ("FAC", "Jalan Utama Karya", 0),
            ("LOC", "Kelurahan Bukit Batrem", 0),
            ("LOC", "Kecamatan Dumai Timur", 0),
            ("DATE", "(28/10)", 0),
            ("EVENT", "Pilkada serentak 2024", 0),
            ("LOC", "Kota Dumai", 0),
            ("ORG", "Rumah Sakit Bhayangkara Dumai", 0),
            ("ORG", "Polsek Dumai Timur", 1),
            ("ROLE", "Kapolsek Dumai Timur", 0),
            ("RANK", "Kompol", 0),
            ("PER", "Abdul Rahman", 0),
            ("TITLE", "S.H.", 0),
            ("TITLE", "M.Han", 0),
            ("ROLE", "Kapolres Dumai", 0),
            ("RANK", "AKBP", 0),
            ("PER", "Dhovan Oktavianton", 0),
            ("RANK", "Kompol", 1),
            ("PER", "Abdul Rahman", 1),
            ("RANK", "Kompol", 2),
            ("PER", "Abdul Rahman", 2),
            ("RANK", "Kompol", 3),
            ("PER", "Abdul Rahman", 3),
            ("ORG", "Polsek Dumai Timur", 2),
            ("ORG", "Rumkit Bhayangkara Dumai", 0),
            ("LOC", "Dumai Timur", 6),
            ("RANK", "Kompol", 4),
            ("PER", "Abdul Rahman", 4),
            ("PER", "Abdul Rahman", 5),
            ("ORG", "Polsek", 3),
            ("ORG", "Rumkit Bhayangkara", 1),
            ("ORG", "Polsek Dumai Timur", 3),
            ("EVENT", "Pilkada serentak 2024", 1),
            ("LOC", "Dumai", 12),
            ("RANK", "Kompol", 5),
            ("PER", "Abdul Rahman", 6),
            ("PER", "Ari Susanto", 0),
        ],
        ["KAMTIBMAS", "SILATURAHMI", "ANTI_HOAX", "PERSATUAN"],
        "SILATURAHMI",
    ),
    "003_5bf4fdd0230e5f0d": (
        [
            ("EVENT", "Pilkada Serentak 2024", 0),
            ("DATE", "26 Oktober 2024", 0),
            ("MEDIA", "ZONAMERDEKA.COM", 0),
            ("LOC", "PELALAWAN", 0),
            ("EVENT", "Pilkada Serentak 2024", 1),
            ("ORG", "Polsek Kuala Kampar", 0),
            ("ROLE", "Kapolsek", 0),
            ("RANK", "AKP", 0),
            ("PER", "Rhino Handoyo", 0),
            ("TITLE", "SH", 0),
            ("EVENT", "Coffe Bareng Yuk", 0),
            ("FAC", "D'Dion Coffee", 0),
            ("LOC", "Teluk Dalam", 0),
            ("LOC", "Kecamatan Kuala Kampar", 0),
            ("ROLE", "Ketua PPK Kecamatan Kuala Kampar", 0),
            ("PER", "Hendri Pandita", 0),
            ("ROLE", "Ketua Panwaslu Kecamatan Kuala Kampar", 0),
            ("PER", "Ahmadi", 0),
            ("EVENT", "Cooling System", 0),
            ("ORG", "Polsek Kuala Kampar", 1),
            ("EVENT", "Pilkada Serentak 2024", 2),
            ("RANK", "AKP", 1),
            ("PER", "Rhino Handoyo", 1),
            ("ORG", "Polsek", 2),
            ("ROLE", "Kapolsek", 1),
            ("ROLE", "Kapolsek", 2),
            ("ORG", "Polsek Kuala Kampar", 2),
            ("EVENT", "Pilkada 2024", 0),
            ("EVENT", "Coffe Bareng Yuk", 1),
            ("ORG", "Polsek Kuala Kampar", 3),
            ("EVENT", "Pilkada 2024", 1),
            ("MEDIA", "zonamerdeka.com", 0),
        ],
        ["KAMTIBMAS", "SILATURAHMI", "KOORDINASI_PENYELENGGARA"],
        "DIALOG",
    ),
    "004_d053499ff816151a": (
        [
            ("ORG", "Polres Dumai", 0),
            ("DATE", "Kamis, 08 Februari 2024", 0),
            ("MEDIA", "PANTAUNEWS.CO.ID", 0),
            ("LOC", "DUMAI", 0),
            ("ORG", "Polri", 0),
            ("EVENT", "Pemilu Damai 2024", 0),
            ("ORG", "Polres Dumai", 1),
            ("ORG", "Polsek", 0),
            ("EVENT", "Pemilihan Umum (Pemilu) 2024", 0),
            ("EVENT", "Cooling System", 0),
            ("ORG", "Polri", 1),
            ("ORG", "Polres Dumai", 2),
            ("ORG", "Polsek", 1),
            ("EVENT", "Cooling System", 1),
            ("EVENT", "Pemilu Damai 2024", 1),
            ("LOC", "Kota Dumai", 0),
            ("ROLE", "Kapolsek Bukit Kapur", 0),
            ("RANK", "Iptu", 0),
            ("PER", "Irsanuddin Harahap", 0),
            ("TITLE", "S.H", 0),
            ("TITLE", "M.H", 0),
            ("ROLE", "Bhabinkamtibmas", 0),
            ("ORG", "Polsek Bukit Kapur", 0),
            ("ORG", "Polri", 2),
            ("EVENT", "cooling system", 0),
            ("EVENT", "Pemilu Damai 2024", 2),
            ("ROLE", "Bhabinkamtibmas Kelurahan Bagan Besar Timur", 0),
            ("RANK", "Aipda", 0),
            ("PER", "J. Butar-Butar", 0),
            ("FAC", "Jalan Soekarno - Hatta", 0),
            ("LOC", "Kelurahan Bagan Besar", 1),
            ("LOC", "Kecamatan Bukit Kapur", 0),
            ("DATE", "Kamis (8/2/2024)", 0),
            ("ROLE", "Bhabinkamtibmas Kelurahan Bagan Besar Timur", 1),
            ("ORG", "Polri", 3),
            ("ROLE", "Bhabin", 3),
            ("ROLE", "Bhabinkamtibmas Kelurahan Bagan Besar Timur", 2),
            ("EVENT", "Pemilu 2024", 0),
            ("RANK", "Aipda", 1),
            ("PER", "J. Butar-Butar", 1),
            ("ROLE", "Bhabinkamtibmas Kelurahan Bagan Besar Timur", 3),
            ("LOC", "Kecamatan Bukit Kapur", 1),
            ("EVENT", "Pemilu Damai 2024", 3),
            ("DATE", "14 Februari 2024", 0),
            ("EVENT", "Pemilu 2024", 1),
            ("LOC", "Kota Dumai", 1),
            ("ORG", "Polsek Bukit Kapur", 1),
            ("EVENT", "cooling system", 1),
            ("EVENT", "Pemilu Damai 2024", 4),
            ("LOC", "Kota Dumai", 2),
            ("EVENT", "Pemilu 2024", 2),
            ("ROLE", "Bhabinkamtibmas Kelurahan Bagan Besar Timur", 4),
        ],
        [
            "KAMTIBMAS",
            "SILATURAHMI",
            "ANTI_HOAX",
            "PERSATUAN",
            "ANTI_GOLPUT",
            "ANTI_POLITIK_UANG",
        ],
        "SAMBANG",
    ),
}

HELDOUT: dict[str, Gold] = {
    "h1_antara_pekanbaru": (
        [
            ("LOC", "Pekanbaru", 0),
            ("MEDIA", "ANTARA", 0),
            ("ORG", "Kepolisian Daerah Riau", 0),
            ("EVENT", "Cooling System", 0),
            ("FAC", "Aula Mapolda Riau", 0),
            ("FAC", "Jalan Pattimura No. 13", 0),
            ("LOC", "Pekanbaru", 1),
            ("DATE", "Selasa pagi (3/12/2024)", 0),
            ("TIME", "sekitar pukul 08.30 WIB", 0),
            ("ROLE", "Kabid Humas Polda Riau", 0),
            ("RANK", "Kombes Pol", 0),
            ("PER", "Anom Karibianto", 0),
            ("TITLE", "S.I.K.", 0),
            ("TITLE", "M.Si", 0),
            ("ORG", "KPU Provinsi Riau", 0),
            ("ORG", "Bawaslu Riau", 0),
            ("LOC", "Kabupaten Kampar", 0),
            ("EVENT", "Pilkada Serentak", 0),
            ("DATE", "27 November 2024", 0),
            ("PER", "Anom Karibianto", 1),
            ("ORG", "Polri", 0),
            ("EVENT", "Pilkada 2024", 0),
            ("LAW", "Perkap Nomor 3 Tahun 2016", 0),
            ("ROLE", "Dirbinmas Polda Riau", 0),
            ("RANK", "Kombes Pol", 1),
            ("PER", "Manang Soebeti", 0),
            ("ROLE", "Ketua Bawaslu Kota Pekanbaru", 0),
            ("PER", "Yasir Ananda", 0),
            ("TITLE", "S.Sos.", 0),
            ("PER", "Bayu Agustari Adha", 0),
        ],
        ["KAMTIBMAS", "ANTI_HOAX", "NETRALITAS"],
        "DIALOG",
    ),
    "h2_riaupos_rohil": (
        [
            ("ORG", "POLSEK BANGKO", 0),
            ("EVENT", "PEMILU 2024", 0),
            ("MEDIA", "RIAUPOS.CO", 0),
            ("LOC", "BAGANSIAPIAPI", 0),
            ("ROLE", "Kapolsek Bangko", 0),
            ("RANK", "AKP", 0),
            ("PER", "Wawan Setiawan", 0),
            ("TITLE", "SH", 0),
            ("ROLE", "Kanit Binmas Polsek Bangko", 0),
            ("RANK", "AIPTU", 0),
            ("PER", "SAHAT M. SIREGAR", 0),
            ("LOC", "Kepenghuluan Bagan Punak Meranti", 0),
            ("LOC", "Kecamatan Bangko", 0),
            ("LOC", "Kabupaten Rokan Hilir", 0),
            ("DATE", "Jum'at 12 Januari 2024", 0),
            ("RANK", "Aiptu", 0),
            ("PER", "Sahat", 0),
            ("DATE", "14 Februari 2024", 0),
            ("TIME", "pukul 14.00 WIB hingga 15.30 WIB", 0),
            ("FAC", "Balai Kepenghuluan Bagan Punak Meranti", 0),
            ("ROLE", "Babinsa Koramil 01/Bangko", 0),
            ("RANK", "Serka", 0),
            ("PER", "Junaidi", 0),
            ("ROLE", "Penghulu Bagan Punak Meranti", 0),
            ("PER", "Syafrizal", 0),
            ("ROLE", "Kasi Humas Polres Rokan Hilir", 0),
            ("RANK", "AKP", 1),
            ("PER", "Juliandi", 0),
        ],
        ["KAMTIBMAS", "ANTI_GOLPUT", "ANTI_POLITIK_UANG"],
        "SAMBANG",
    ),
    "h3_kompas_magelang": (
        [
            ("MEDIA", "Kompas.com", 0),
            ("DATE", "05/11/2024", 0),
            ("TIME", "14:20 WIB", 0),
            ("ORG", "Polres Magelang Kota", 0),
            ("LOC", "MAGELANG", 0),
            ("MEDIA", "KOMPAS.com", 0),
            ("ORG", "Kepolisian Resor (Polres) Magelang Kota", 0),
            ("FAC", "Hotel Atria", 0),
            ("LOC", "Kota Magelang", 0),
            ("LOC", "Jawa Tengah", 0),
            ("DATE", "Senin (4/11/2024)", 0),
            ("ROLE", "Kapolres Magelang Kota", 0),
            ("RANK", "AKBP", 0),
            ("PER", "Herlina", 0),
            ("TITLE", "S.H.", 0),
            ("TITLE", "S.I.K.", 0),
            ("TITLE", "M.H.", 0),
            ("EVENT", "Cooling System", 0),
            ("EVENT", "Pilkada Serentak 2024", 0),
            ("PER", "Herlina", 1),
            ("ROLE", "Ketua FKUB Kota Magelang", 0),
            ("TITLE", "KH", 0),
            ("PER", "Muhammad Yusuf", 0),
            ("ROLE", "Dandim 0705/Magelang", 0),
            ("RANK", "Letkol Inf", 0),
            ("PER", "Mochammad Yusuf Subekti", 0),
            ("ROLE", "Ketua KPU Kota Magelang", 0),
            ("PER", "Dian Kusumawati", 0),
            ("PER", "Egadia Birru", 0),
            ("PER", "Reni Susanti", 0),
        ],
        ["ANTI_HOAX", "PERSATUAN", "NETRALITAS"],
        "DIALOG",
    ),
    "h4_tribun_banjarmasin": (
        [
            ("LOC", "BANJARMASIN", 0),
            ("MEDIA", "TRIBUN", 0),
            ("ROLE", "Bhabinkamtibmas Polsek Banjarmasin Tengah", 0),
            ("RANK", "Brigpol", 0),
            ("PER", "M. Rizky Ramadhan", 0),
            ("ROLE", "Babinsa Kelurahan Kertak Baru Ilir", 0),
            ("RANK", "Sertu", 0),
            ("PER", "Agus Salim", 0),
            ("FAC", "Pasar Sudimampir", 0),
            ("DATE", "Kamis (15/2)", 0),
            ("TIME", "sekira pukul 09.15 WITA", 0),
            ("EVENT", "Pemilu 2024", 0),
            ("ROLE", "Plt. Kapolsek Banjarmasin Tengah", 0),
            ("RANK", "Iptu", 0),
            ("TITLE", "Dr. H.", 0),
            ("PER", "Ahmad Fauzi", 0),
            ("TITLE", "S.H.", 0),
            ("TITLE", "M.H.", 0),
            ("EVENT", "Operasi Mantap Brata Intan 2023-2024", 0),
            ("LAW", "Undang-Undang Nomor 7 Tahun 2017", 0),
        ],
        ["ANTI_HOAX", "PERSATUAN"],
        "PATROLI",
    ),
    "h5_dumaiterkini_sungaisembilan": (
        [
            ("ORG", "Polsek Sungai Sembilan", 0),
            ("EVENT", "Pilkada Serentak", 0),
            ("LOC", "Dumai", 0),
            ("LOC", "Sungai Sembilan", 1),
            ("MEDIA", "dumaiterkini. co.id", 0),
            ("ORG", "Polsek Sungai Sembilan", 1),
            ("LOC", "Kelurahan Batu Teritip", 0),
            ("DATE", "Senin (18/11/2024)", 0),
            ("EVENT", "Cooling System", 0),
            ("EVENT", "Pilkada Serentak", 1),
            ("DATE", "27 November 2024", 0),
            ("ROLE", "Kapolsek Sungai Sembilan", 0),
            ("RANK", "AKP", 0),
            ("PER", "Hendra Wijaya", 0),
            ("TITLE", "S.H.", 0),
            ("PER", "Hendra", 1),
            ("FAC", "Pelabuhan Batu Teritip", 0),
        ],
        ["KAMTIBMAS", "ANTI_HOAX", "PERSATUAN", "ANTI_GOLPUT"],
        "SAMBANG",
    ),
    "h6_wartakampar_petapahan": (
        [
            ("MEDIA", "WARTA KAMPAR", 0),
            ("LOC", "PETAPAHAN", 0),
            ("ORG", "Polsek Tapung", 0),
            ("EVENT", "Jumat Curhat", 0),
            ("LOC", "Desa Petapahan", 0),
            ("LOC", "Kecamatan Tapung", 0),
            ("LOC", "Kabupaten Kampar", 0),
            ("DATE", "Jumat (25/10/2024)", 0),
            ("EVENT", "Cooling System", 0),
            ("EVENT", "Pilkada Kampar 2024", 0),
            ("ROLE", "Kapolsek Tapung", 0),
            ("RANK", "Kompol", 0),
            ("PER", "Rudi Hartono", 0),
            ("ROLE", "Kanit Binmas", 0),
            ("RANK", "Aipda", 0),
            ("PER", "Syafri Yanto", 0),
            ("PER", "Syafri", 1),
            ("LOC", "Dusun Sei Putih", 0),
            ("ORG", "Pemerintah Desa Petapahan", 0),
        ],
        ["PERSATUAN", "ANTI_POLITIK_UANG"],
        "DIALOG",
    ),
    "h7_tribun_perawang": (
        [
            ("LOC", "Riau", 0),
            ("LOC", "Siak", 0),
            ("ORG", "Polres Siak", 0),
            ("LOC", "Perawang", 0),
            ("EVENT", "Pemilu 2024", 0),
            ("DATE", "Rabu, 31 Januari 2024", 0),
            ("TIME", "14:05 WIB", 0),
            ("PER", "Teguh Santoso", 0),
            ("PER", "Ratna Dewi", 0),
            ("MEDIA", "TRIBUNPEKANBARU.COM", 0),
            ("LOC", "PERAWANG", 0),
            ("ORG", "Polres Siak", 1),
            ("EVENT", "Cooling System", 0),
            ("FAC", "Gedung Serbaguna Perawang", 0),
            ("LOC", "Kecamatan Tualang", 0),
            ("DATE", "Selasa (30/1/2024)", 0),
            ("ORG", "Polsek Minas", 0),
            ("ROLE", "Wakapolres Siak", 0),
            ("RANK", "Kompol", 0),
            ("PER", "Mhd. Khoiri", 0),
            ("TITLE", "S.I.K.", 0),
        ],
        ["KAMTIBMAS", "ANTI_HOAX"],
        "DIALOG",
    ),
    "h8_rohulnews_pasirpengaraian": (
        [
            ("ORG", "Polsek Rambah", 0),
            ("LOC", "PASIR PENGARAIAN", 0),
            ("MEDIA", "rohulnews.com", 1),
            ("ORG", "Polsek Rambah", 1),
            ("FAC", "Balai Adat Luhak Rambah", 0),
            ("DATE", "Kamis (14/11/2024)", 0),
            ("ROLE", "Kapolsek Rambah", 0),
            ("RANK", "Iptu", 0),
            ("PER", "Azwar Anas", 0),
            ("ROLE", "Bhabinkamtibmas Desa Koto Tinggi", 0),
            ("RANK", "Bripka", 0),
            ("PER", "Dedi Kurniawan", 0),
            ("ORG", "Polri", 0),
            ("EVENT", "Pilkada Rokan Hulu 2024", 0),
            ("ROLE", "Ketua Lembaga Adat Luhak Rambah", 0),
            ("TITLE", "H.", 0),
            ("PER", "Syamsul Bahri", 0),
        ],
        ["KAMTIBMAS", "ANTI_HOAX", "NETRALITAS"],
        "SILATURAHMI",
    ),
    "h9_detik_medan": (
        [
            ("MEDIA", "detikSumut", 0),
            ("DATE", "Kamis, 21 Nov 2024", 0),
            ("TIME", "10:15 WIB", 0),
            ("ORG", "Polrestabes Medan", 0),
            ("LOC", "Medan", 1),
            ("ORG", "Polrestabes Medan", 1),
            ("FAC", "Lapangan Merdeka Medan", 0),
            ("DATE", "Kamis (21/11/2024)", 0),
            ("EVENT", "Cooling System", 0),
            ("ROLE", "Kasat Binmas Polrestabes Medan", 0),
            ("RANK", "AKBP", 0),
            ("PER", "Rosmawati Siregar", 0),
            ("EVENT", "Pilkada Serentak 2024", 0),
        ],
        ["KAMTIBMAS", "ANTI_HOAX"],
        "DIALOG",
    ),
    "h10_suararohil_bagansinembah": (
        [
            ("MEDIA", "SUARA ROHIL", 0),
            ("LOC", "BAGAN SINEMBAH", 0),
            ("ORG", "Polsek Bagan Sinembah", 0),
            ("ORG", "Koramil 03/Bagan Sinembah", 0),
            ("LOC", "Bagan Batu", 0),
            ("DATE", "Sabtu (10/2/2024)", 0),
            ("EVENT", "Cooling System", 0),
            ("EVENT", "Pemilu 2024", 0),
            ("ROLE", "Kapolsek Bagan Sinembah", 0),
            ("RANK", "AKP", 0),
            ("PER", "Firman Syah", 0),
        ],
        ["ANTI_POLITIK_UANG"],
        "PATROLI",
    ),
    "h11_riaupos_selatpanjang": (
        [
            ("ORG", "Polres Kepulauan Meranti", 0),
            ("EVENT", "Cooling System", 0),
            ("LOC", "Selatpanjang", 0),
            ("MEDIA", "Riau Pos", 0),
            ("ORG", "Polres Kepulauan Meranti", 1),
            ("EVENT", "Cooling System", 1),
            ("FAC", "Mapolres Kepulauan Meranti", 0),
            ("DATE", "Senin (25/11/2024)", 0),
            ("EVENT", "Pilkada Serentak 2024", 0),
            ("ROLE", "Kapolres Kepulauan Meranti", 0),
            ("RANK", "AKBP", 0),
            ("PER", "Bambang Sutopo", 0),
            ("TITLE", "S.I.K.", 0),
            ("TITLE", "M.H.", 0),
            ("ORG", "Kodim 0303/Bengkalis", 0),
            ("ORG", "KPU Kabupaten Kepulauan Meranti", 0),
        ],
        ["NETRALITAS"],
        "LAINNYA",
    ),
    "h12_antara_tembilahan": (
        [
            ("ORG", "Polres Inhil", 0),
            ("LOC", "Tembilahan", 0),
            ("MEDIA", "ANTARA", 0),
            ("ORG", "Kepolisian Resor Indragiri Hilir", 0),
            ("ORG", "Polres Inhil", 1),
            ("LOC", "Riau", 0),
            ("FAC", "Pondok Pesantren Darul Ulum Tembilahan", 0),
            ("EVENT", "Pilkada 2024", 0),
            ("ROLE", "Kasat Binmas Polres Inhil", 0),
            ("RANK", "AKP", 0),
            ("PER", "Zulkifli", 0),
            ("LOC", "Tembilahan", 2),
            ("DATE", "Rabu", 0),
            ("EVENT", "Cooling System", 0),
            ("PER", "Dian Pratiwi", 0),
            ("PER", "Rahmad Hidayat", 0),
        ],
        ["ANTI_HOAX", "PERSATUAN"],
        "SOSIALISASI",
    ),
    "h13_siakterkini_kandis": (
        [
            ("MEDIA", "Siakterkini", 0),
            ("LOC", "KANDIS", 0),
            ("ROLE", "Bhabinkamtibmas Polsek Kandis", 0),
            ("RANK", "Brigpol", 0),
            ("PER", "Yudi Pranata", 0),
            ("LOC", "Kampung Belutu", 0),
            ("LOC", "Kecamatan Kandis", 0),
            ("LOC", "Kabupaten Siak", 0),
            ("DATE", "Selasa (22/10/2024)", 0),
            ("RANK", "Brigpol", 1),
            ("PER", "Yudi", 1),
            ("DATE", "27 November 2024", 0),
        ],
        ["ANTI_GOLPUT"],
        "SAMBANG",
    ),
}

HEADS: dict[str, Heads] = {
    "000_368710ebfebd31c9": (
        "Polsek Minas, Polres Siak, pada Sabtu (19/10), melaksanakan kegiatan Cooling System "
        "Silahturahmi Kamtibmas bersama TNI dalam rangka mendukung pelaksanaan Pilkada Serentak "
        "Tahun 2024.",
        "lingkupperistiwa.com",
        "Siak",
    ),
    "001_77e9b59e62f45c1c": (
        "Dalam Kegiatan Cooling system yang dilaksanakan dan mencakup dialog interaktif, "
        "sosialisasi dan pertemuan dengan berbagai elemen masyarakat.",
        "TOPIKMETRO.COM",
        "BDR. SEIKIJANG",
    ),
    "002_217cba9fa2ed1089": (
        "Polsek Dumai Timur mengadakan kegiatan Cooling System berupa Silaturahmi Kamtibmas di "
        "Mapolsek Dumai Timur, Jalan Utama Karya, Kelurahan Bukit Batrem, Kecamatan Dumai Timur, "
        "(28/10).",
        None,
        "DUMAI",
    ),
    "003_5bf4fdd0230e5f0d": (
        "Ngumpul di Kafe, Pilkada Serentak 2024 yang Damai",
        "ZONAMERDEKA.COM",
        "PELALAWAN",
    ),
    "004_d053499ff816151a": (
        "Ciptakan Pemilu Damai, Polres Dumai Gulirkan Pesan dan Himbauan Kamtibmas",
        "PANTAUNEWS.CO.ID",
        "DUMAI",
    ),
    "h1_antara_pekanbaru": (
        "Kepolisian Daerah Riau menggelar kegiatan Cooling System di Aula Mapolda Riau, Jalan "
        "Pattimura No. 13, Pekanbaru, Selasa pagi (3/12/2024) sekitar pukul 08.30 WIB.",
        "ANTARA",
        "Pekanbaru",
    ),
    "h2_riaupos_rohil": (
        "POLSEK BANGKO GELAR SAMBANG KAMTIBMAS JELANG PEMILU 2024",
        "RIAUPOS.CO",
        "BAGANSIAPIAPI",
    ),
    "h3_kompas_magelang": (
        "Polres Magelang Kota Gelar Coffee Morning Bersama Tokoh Agama",
        "KOMPAS.com",
        "MAGELANG",
    ),
    "h4_tribun_banjarmasin": (
        "Bhabinkamtibmas Polsek Banjarmasin Tengah Brigpol M. Rizky Ramadhan bersama Babinsa "
        "Kelurahan Kertak Baru Ilir Sertu Agus Salim melaksanakan patroli dialogis di Pasar "
        "Sudimampir, Kamis (15/2) sekira pukul 09.15 WITA.",
        "TRIBUN",
        "BANJARMASIN",
    ),
    "h5_dumaiterkini_sungaisembilan": (
        "Polsek Sungai Sembilan Sambangi Nelayan Jelang Pilkada Serentak",
        "dumaiterkini.co.id",  # written "dumaiterkini. co.id": the stray blank is no part of it
        "Dumai (Sungai Sembilan)",
    ),
    "h6_wartakampar_petapahan": (
        "Polsek Tapung menggelar Jumat Curhat bersama warga Desa Petapahan, Kecamatan Tapung, "
        "Kabupaten Kampar, Jumat (25/10/2024).",
        "WARTA KAMPAR",
        "PETAPAHAN",
    ),
    "h7_tribun_perawang": (
        "Polres Siak Ajak Pemuda Perawang Jaga Kamtibmas Jelang Pemilu 2024",
        "TRIBUNPEKANBARU.COM",
        "PERAWANG",
    ),
    "h8_rohulnews_pasirpengaraian": (
        "Polsek Rambah Gelar Silaturahmi Kamtibmas dengan Tokoh Adat",
        "rohulnews.com",
        "PASIR PENGARAIAN",
    ),
    "h9_detik_medan": (
        "Polrestabes Medan Gelar Coffee Morning dengan Ojol Jelang Pilkada",
        None,
        "Medan",
    ),
    "h10_suararohil_bagansinembah": (
        "Personel Polsek Bagan Sinembah bersama Koramil 03/Bagan Sinembah menggelar patroli "
        "dialogis ke pasar tradisional Bagan Batu, Sabtu (10/2/2024) sore, dalam rangka Cooling "
        "System Pemilu 2024.",
        "SUARA ROHIL",
        "BAGAN SINEMBAH",
    ),
    "h11_riaupos_selatpanjang": (
        "Polres Kepulauan Meranti Gelar Apel Siaga Cooling System",
        "Riau Pos",
        "Selatpanjang",
    ),
    "h12_antara_tembilahan": (
        "Polres Inhil ajak santri tolak hoaks jelang pilkada",
        "ANTARA",
        "Tembilahan",
    ),
    "h13_siakterkini_kandis": (
        "Bhabinkamtibmas Polsek Kandis Brigpol Yudi Pranata menyambangi warga Kampung Belutu, "
        "Kecamatan Kandis, Kabupaten Siak, Selasa (22/10/2024).",
        "Siakterkini",
        "KANDIS",
    ),
}


def locate(text: str, surface: str, nth: int) -> int:
    """The offset of the nth occurrence (from 0) of `surface` in `text`."""
    at = -1
    for _ in range(nth + 1):
        at = text.find(surface, at + 1)
        if at < 0:
            raise SystemExit(f"{surface!r}: fewer than {nth + 1} occurrences")
    return at


def build(corpus_path: Path, specs: dict[str, Gold], output: Path, show: bool) -> None:
    corpus = load_corpus([corpus_path], cache=False)
    scheme = load_scheme()
    records = []
    # In file-name order, the order in which the tests list the articles' files.
    for article_id, (items, themes, activity) in sorted(specs.items()):
        article = corpus.get(article_id)
        if article is None:
            raise SystemExit(f"{article_id}: not in {corpus_path}")
        text = article.text
        spans = []
        for label, surface, nth in items:
            start = locate(text, surface, nth)
            spans.append(Span(start, start + len(surface), label, surface))
        spans.sort()
        for first, second in itertools.pairwise(spans):
            if first.overlaps(second):
                raise SystemExit(f"{article_id}: {first} overlaps {second}")
        if show:
            for span in spans:
                left = text[max(0, span.start - 25) : span.start].replace("\n", " ")
                right = text[span.end : span.end + 15].replace("\n", " ")
                print(f"{article_id[:4]} {span.label:6} …{left}[{span.text}]{right}…")
        annotation = Annotation(
            article_id,
            article.text_sha,
            spans=tuple(spans),
            doc_labels={"themes": tuple(themes), "activity": (activity,) if activity else ()},
            status=Status.DONE,
        )
        records.append((ANNOTATOR, annotation))
    written = io.BytesIO()
    report = export(records, corpus, scheme, written, ExportOptions("jsonl"))
    if report.dropped or report.exported != len(specs):
        raise SystemExit(report.render())
    lines = [with_heads(orjson.loads(line)) for line in written.getvalue().splitlines()]
    output.write_bytes(
        b"".join(orjson.dumps(line, option=orjson.OPT_APPEND_NEWLINE) for line in lines)
    )
    print(report.render(), file=sys.stderr)


def with_heads(record: dict[str, Any]) -> dict[str, Any]:
    """The record with the hand-made title (as the list shows it), outlet and place in its meta."""
    title, outlet, place = HEADS[record["id"]]
    if title not in record["text"]:
        raise SystemExit(f"{record['id']}: the title {title!r} is not in the text")
    record["meta"] |= {"title": shorten(title), "outlet": outlet, "place": place}
    return record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print every span in its context")
    show = parser.parse_args().show
    build(Path("seeds"), SEEDS, GOLD / "seeds.jsonl", show)
    build(Path("tests/data/gold/heldout"), HELDOUT, GOLD / "heldout.jsonl", show)


if __name__ == "__main__":
    main()
