"""Builds the gold files seeds.jsonl and heldout.jsonl from the hand-made annotations below.

The annotations were written by reading the articles (see README.md for the conventions), never
by running the suggester. Each span is (label, surface text, which occurrence of that text in
the article, counting from 0, substrings of longer words included); this script only finds the
offsets, checks that spans do not overlap, and writes our export jsonl through the exporter.

    .venv/bin/python tests/data/gold/make_gold.py [--show]

Run it from the repository root, so that the records name their files relatively.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

from cooltui.corpus import load_corpus
from cooltui.export import ExportOptions, export
from cooltui.model import Annotation, Span, Status
from cooltui.scheme import load_scheme

GOLD = Path(__file__).resolve().parent
ANNOTATOR = "gold"

Gold = tuple[list[tuple[str, str, int]], list[str], str | None]
"""(spans, themes, activity) of one article."""

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
    for article_id, (items, themes, activity) in specs.items():
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
    report = export(records, corpus, scheme, output, ExportOptions("jsonl"))
    if report.dropped or report.exported != len(specs):
        raise SystemExit(report.render())
    print(report.render(), file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print every span in its context")
    show = parser.parse_args().show
    build(Path("seeds"), SEEDS, GOLD / "seeds.jsonl", show)
    build(Path("tests/data/gold/heldout"), HELDOUT, GOLD / "heldout.jsonl", show)


if __name__ == "__main__":
    main()
