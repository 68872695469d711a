"""The built-in rules, family by family: what they find and what they leave alone.

The examples are made up in the style of other outlets and regions, not taken from the seeds.
"""

from __future__ import annotations

import pytest

from cooltui.scheme import load_scheme
from cooltui.suggest import Dateline, Suggester


@pytest.fixture(scope="module")
def suggester() -> Suggester:
    return Suggester(load_scheme())


def found(suggester: Suggester, text: str, dateline: Dateline | None = None) -> list[tuple]:
    """(label, text) of every suggested span, in order."""
    result = suggester.suggest(text, dateline=dateline or Dateline())
    return [(span.label, span.text) for span in result.spans]


def labelled(suggester: Suggester, text: str, label: str) -> list[str]:
    return [span for kind, span in found(suggester, text) if kind == label]


# --- RANK, PER, TITLE, ROLE -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Kapolres Kampar AKBP Ronald Sumaja, S.I.K., M.H. mengatakan hal itu.",
            [
                ("ROLE", "Kapolres Kampar"),
                ("RANK", "AKBP"),
                ("PER", "Ronald Sumaja"),
                ("TITLE", "S.I.K."),
                ("TITLE", "M.H."),
            ],
        ),
        (
            "Hadir IRJEN POL MOHAMMAD IQBAL dalam acara itu.",
            [("RANK", "IRJEN POL"), ("PER", "MOHAMMAD IQBAL")],
        ),
        (
            "Turut hadir Danramil 04/Tualang Kapten Inf Hasan Basri dan warga.",
            [
                ("ROLE", "Danramil 04/Tualang"),
                ("RANK", "Kapten Inf"),
                ("PER", "Hasan Basri"),
            ],
        ),
        (
            "Menurut Bripka M. Aris, warga antusias.",
            [("RANK", "Bripka"), ("PER", "M. Aris")],
        ),
        (
            "Kasat Binmas Polres Pelalawan AKP Sutrisno SH MH menyampaikan pesan.",
            [
                ("ROLE", "Kasat Binmas Polres Pelalawan"),
                ("RANK", "AKP"),
                ("PER", "Sutrisno"),
                ("TITLE", "SH MH"),
            ],
        ),
        (
            "Wakapolsek Tapung Hulu Iptu Hendra Gunawan hadir.",
            [("ROLE", "Wakapolsek Tapung Hulu"), ("RANK", "Iptu"), ("PER", "Hendra Gunawan")],
        ),
        (
            "Bhabinkamtibmas Desa Pulau Birandang Brigadir Rahmat Hidayat menyambangi warga.",
            [
                ("ROLE", "Bhabinkamtibmas Desa Pulau Birandang"),
                ("RANK", "Brigadir"),
                ("PER", "Rahmat Hidayat"),
            ],
        ),
        (
            "Plt. Camat Tualang, Zulkifli, membuka acara.",
            [("ROLE", "Plt. Camat Tualang"), ("PER", "Zulkifli")],
        ),
        (
            "Ketua KPU Kabupaten Bengkalis, Fajar Triasmoko, hadir.",
            [("ROLE", "Ketua KPU Kabupaten Bengkalis"), ("PER", "Fajar Triasmoko")],
        ),
        (
            "Kasatreskrim Polres Bengkalis AKP Meki Wahyudi memimpin.",
            [
                ("ROLE", "Kasatreskrim Polres Bengkalis"),
                ("RANK", "AKP"),
                ("PER", "Meki Wahyudi"),
            ],
        ),
        (
            "Bupati Siak Drs. H. Alfedri, M.Si membuka kegiatan.",
            [
                ("ROLE", "Bupati Siak"),
                ("TITLE", "Drs. H."),
                ("PER", "Alfedri"),
                ("TITLE", "M.Si"),
            ],
        ),
        (
            "Pesan itu disampaikan Serka TNI Budi Hartono.",
            [("RANK", "Serka TNI"), ("PER", "Budi Hartono")],
        ),
        (
            "Wakapolda Riau Brigjen Pol Adrianto Jossy Kusumo, S.H., S.I.K. hadir.",
            [
                ("ROLE", "Wakapolda Riau"),
                ("RANK", "Brigjen Pol"),
                ("PER", "Adrianto Jossy Kusumo"),
                ("TITLE", "S.H."),
                ("TITLE", "S.I.K."),
            ],
        ),
        (
            "Kapolres Karawang AKBP Edwar Zulkarnain, SIK., SH., MH melalui Kapolsek hadir.",
            [
                ("ROLE", "Kapolres Karawang"),
                ("RANK", "AKBP"),
                ("PER", "Edwar Zulkarnain"),
                ("TITLE", "SIK."),
                ("TITLE", "SH."),
                ("TITLE", "MH"),
                ("ROLE", "Kapolsek"),
            ],
        ),
        (
            "anggota Brigpol Nanjar Supriyadi S.H melalui kegiatan itu.",
            [("RANK", "Brigpol"), ("PER", "Nanjar Supriyadi"), ("TITLE", "S.H")],
        ),
        (
            "sambang ke tokoh agama K.H Mattin Sarkowi, S.Ag di pesantren.",
            [("TITLE", "K.H"), ("PER", "Mattin Sarkowi"), ("TITLE", "S.Ag")],
        ),
        (
            "bersama Serka Agus Salim dan Bripka Juli Hartono hadir.",
            [("RANK", "Serka"), ("PER", "Agus Salim"), ("RANK", "Bripka"), ("PER", "Juli Hartono")],
        ),
        (
            "Penulis: Rina Marlina",
            [("PER", "Rina Marlina")],
        ),
        (
            "menurut Bapak Sutrisno Wibowo, warga",
            [("PER", "Sutrisno Wibowo")],
        ),
    ],
)
def test_people_and_offices(suggester, text, expected):
    assert found(suggester, text) == expected


def test_a_name_found_once_is_found_where_it_stands_alone(suggester):
    text = "Kompol Yusuf Hidayat hadir. Menurut Yusuf Hidayat, situasi aman."
    assert labelled(suggester, text, "PER") == ["Yusuf Hidayat", "Yusuf Hidayat"]


def test_a_headline_name_stops_before_its_verb(suggester):
    text = "Kapolsek Tualang AKP Budi Santoso Hadiri Kegiatan Warga\n\nIsi berita."
    assert found(suggester, text) == [
        ("ROLE", "Kapolsek Tualang"),
        ("RANK", "AKP"),
        ("PER", "Budi Santoso"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "mayoritas warga hadir",
        "seorang kapten kapal tenggelam",
        "Komisaris PT Maju Jaya hadir",
        "ketua kelas memimpin doa",
        "Dir menyatakan",
    ],
)
def test_no_rank_or_office_in_ordinary_words(suggester, text):
    assert not {"RANK", "ROLE"} & {label for label, _ in found(suggester, text)}


def test_ranks_in_any_case_but_written_out_ranks_only_capitalised(suggester):
    assert labelled(suggester, "oleh aipda joni", "RANK") == ["aipda"]
    assert labelled(suggester, "oleh Mayor Inf Sugeng", "RANK") == ["Mayor Inf"]
    assert labelled(suggester, "oleh mayor sugeng", "RANK") == []


def test_an_office_after_a_comma_with_a_province_is_no_name(suggester):
    assert labelled(suggester, "Kapolres Dumai, Riau, hadir.", "PER") == []


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # A speaker after a quotation or a comma, one word or more.
        ('"Kami siap menjaga desa," kata Rosnaini.', ["Rosnaini"]),
        ("Warga diminta tenang, ujar Tengku Amri di Bengkalis.", ["Tengku Amri"]),
        ("Menurut Wahyuni, warga senang.", ["Wahyuni"]),
        # A resident introduced with their age.
        ("Seorang pedagang, Sutarmi (61), mengaku senang.", ["Sutarmi"]),
        ("Menurut Yusran Efendi (45 tahun) patroli membantu.", ["Yusran Efendi"]),
        # A name found once is found where a report shortens it, first or last word.
        (
            "Aipda Rosmalia Hutabarat hadir. Hutabarat mengatakan warga antusias.",
            ["Rosmalia Hutabarat", "Hutabarat"],
        ),
        ("Iptu Rahmad Saleh hadir. Saat itu Rahmad mengajak warga.", ["Rahmad Saleh", "Rahmad"]),
    ],
)
def test_names_outside_a_rank_and_an_office(suggester, text, names):
    assert labelled(suggester, text, "PER") == names


@pytest.mark.parametrize(
    "text",
    [
        '"Situasi aman," ujar Kapolsek.',  # an office, not a name
        "Dalam kata sambutannya Bupati berpesan.",  # no quotation or comma before the verb
        "Menurut BMKG, cuaca cerah.",  # an acronym
        "Menurut Undang-Undang Pemilu, hal itu dilarang.",  # a law
        "Sebanyak 12 (dua belas) personel dan anggota (20) hadir.",  # counts, no names
    ],
)
def test_no_name_where_nothing_introduces_one(suggester, text):
    assert labelled(suggester, text, "PER") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Ketua MUI Kampar, Tgk. H. Zulkarnaini, hadir.",
            [("TITLE", "Tgk. H."), ("PER", "Zulkarnaini")],
        ),
        (
            "Pemeriksaan oleh dr. Melati Sukma, Sp.A, berjalan lancar.",
            [("TITLE", "dr."), ("PER", "Melati Sukma"), ("TITLE", "Sp.A")],
        ),
        (
            "Tausiah Ustadzah Hj. Rukiah, S.Pd.I., M.A. menyejukkan.",
            [("TITLE", "Ustadzah Hj."), ("PER", "Rukiah"), ("TITLE", "S.Pd.I."), ("TITLE", "M.A.")],
        ),
        ("Hadir Kiai Haji Ahmad Sanusi.", [("TITLE", "Kiai Haji"), ("PER", "Ahmad Sanusi")]),
        ("Narasumber Dr Yusmar Yusuf memaparkan.", [("TITLE", "Dr"), ("PER", "Yusmar Yusuf")]),
    ],
)
def test_titles_before_a_name_wherever_it_stands(suggester, text, expected):
    assert [(label, span) for label, span in found(suggester, text) if label != "ROLE"] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "H." of a title after a name is no title before the next word.
        (
            "Kata Aipda Joko Susilo, S.H. Menurut warga, ia ramah.",
            [("RANK", "Aipda"), ("PER", "Joko Susilo"), ("TITLE", "S.H.")],
        ),
        # An address glued to its abbreviation after a name is no title.
        (
            "Rumah Brigpol Hendrik, Kec.Minas, dijaga.",
            [("RANK", "Brigpol"), ("PER", "Hendrik"), ("LOC", "Kec.Minas")],
        ),
    ],
)
def test_other_abbreviations_are_no_titles(suggester, text, expected):
    assert found(suggester, text) == expected


def test_streets_and_venues_named_after_titled_people_are_facilities(suggester):
    text = "Di Jl. Dr. Sutomo, Jalan KH. Ahmad Dahlan dan Masjid Haji Ahmad."
    assert found(suggester, text) == [
        ("FAC", "Jl. Dr. Sutomo"),
        ("FAC", "Jalan KH. Ahmad Dahlan"),
        ("FAC", "Masjid Haji Ahmad"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The unit of a village's officer follows its village.
        (
            "Bhabinkamtibmas Desa Teluk Merbau Polsek Dayun Bripka Sahrul hadir.",
            [
                ("ROLE", "Bhabinkamtibmas Desa Teluk Merbau Polsek Dayun"),
                ("RANK", "Bripka"),
                ("PER", "Sahrul"),
            ],
        ),
        # Neighbourhoods keep their numbers.
        (
            "Ketua RT 03 Kelurahan Rintis, Amran, dan Ketua RW.02 Desa Kualu, Syahrial, hadir.",
            [
                ("ROLE", "Ketua RT 03 Kelurahan Rintis"),
                ("PER", "Amran"),
                ("ROLE", "Ketua RW.02 Desa Kualu"),
                ("PER", "Syahrial"),
            ],
        ),
        # Offices written out, and chiefs of the whole force.
        (
            "Direktur Reskrimum Polda Riau Kombes Pol Asep Darmawan hadir.",
            [
                ("ROLE", "Direktur Reskrimum Polda Riau"),
                ("RANK", "Kombes Pol"),
                ("PER", "Asep Darmawan"),
            ],
        ),
        (
            "Kakorlantas Polri Irjen Pol Aan Suhanan memimpin.",
            [("ROLE", "Kakorlantas Polri"), ("RANK", "Irjen Pol"), ("PER", "Aan Suhanan")],
        ),
        # A body the lexicon does not know, by its acronym, with its region.
        (
            "Ketua PWI Riau, Zulkifli Ali, hadir.",
            [("ROLE", "Ketua PWI Riau"), ("PER", "Zulkifli Ali")],
        ),
        # Commands numbered in Roman figures, a place of two words after the slash.
        (
            "Pangdam XII/Tanjungpura Mayjen TNI Iwan Setiawan dan Koramil 05/Kampar Kiri hadir.",
            [
                ("ROLE", "Pangdam XII/Tanjungpura"),
                ("RANK", "Mayjen TNI"),
                ("PER", "Iwan Setiawan"),
                ("ORG", "Koramil 05/Kampar Kiri"),
            ],
        ),
    ],
)
def test_offices_with_their_units_and_bodies(suggester, text, expected):
    assert found(suggester, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The place is known from elsewhere in the article: the name after it is no place.
        (
            "Warga Kecamatan Tenayan Raya berkumpul. Camat Tenayan Raya Dedi Gusriadi membuka.",
            [
                ("LOC", "Kecamatan Tenayan Raya"),
                ("ROLE", "Camat Tenayan Raya"),
                ("PER", "Dedi Gusriadi"),
            ],
        ),
        # A province, or "RI", ends the area: even one word after it is a name.
        (
            "Ketua KPU Sumbar Surya Efitrimen dan Ketua KPU RI Mochammad hadir.",
            [
                ("ROLE", "Ketua KPU Sumbar"),
                ("PER", "Surya Efitrimen"),
                ("ROLE", "Ketua KPU RI"),
                ("PER", "Mochammad"),
            ],
        ),
    ],
)
def test_an_office_running_on_into_a_name_is_cut_where_a_known_place_ends(
    suggester, text, expected
):
    assert found(suggester, text) == expected


@pytest.mark.parametrize(
    ("text", "role"),
    [
        # One word after a known place, with nothing to say it is a name: part of the place.
        ("Polres Siak berjaga. Kapolsek Siak Kecil hadir.", "Kapolsek Siak Kecil"),
        # Places' own words and directions go on a place, however known its start.
        (
            "Di Kecamatan Tanah Putih, Kapolsek Tanah Putih Tanjung Melawan hadir.",
            "Kapolsek Tanah Putih Tanjung Melawan",
        ),
        ("Di Kabupaten Kampar, Kapolsek Kampar Kiri Hilir hadir.", "Kapolsek Kampar Kiri Hilir"),
    ],
)
def test_a_place_that_goes_on_is_not_cut(suggester, text, role):
    assert labelled(suggester, text, "ROLE") == [role]
    assert labelled(suggester, text, "PER") == []


@pytest.mark.parametrize(
    ("text", "roles"),
    [
        ("Kapolres hadir bersama seluruh Kapolsek jajaran.", ["Kapolres"]),
        ("Pertemuan para Bhabinkamtibmas digelar.", []),
        ("setiap Babinsa wajib hadir", []),
    ],
)
def test_an_office_after_a_quantifier_is_a_kind_of_officer_not_a_role(suggester, text, roles):
    assert labelled(suggester, text, "ROLE") == roles


def test_a_bare_office_in_a_headline_is_followed_by_its_verb_not_a_name(suggester):
    text = "Bhabinkamtibmas Ajak Warga Tolak Hoaks\n\nIsi berita."
    assert found(suggester, text) == [("ROLE", "Bhabinkamtibmas")]


# --- ORG, LOC, FAC ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Personel Polresta Pekanbaru berjaga.", [("ORG", "Polresta Pekanbaru")]),
        ("Polda Sumatera Barat menggelar apel.", [("ORG", "Polda Sumatera Barat")]),
        ("bersama KPU Kabupaten Siak dan warga", [("ORG", "KPU Kabupaten Siak")]),
        ("bersama Bawaslu Kota Dumai dan warga", [("ORG", "Bawaslu Kota Dumai")]),
        ("anggota Koramil 02/Kandis berjaga", [("ORG", "Koramil 02/Kandis")]),
        ("Satbinmas Polres Rokan Hulu menggelar", [("ORG", "Satbinmas Polres Rokan Hulu")]),
        ("karyawan PT Chevron Pacific Indonesia ikut", [("ORG", "PT Chevron Pacific Indonesia")]),
        ("arahan Mabes Polri jelas", [("ORG", "Mabes Polri")]),
        ("sinergi TNI-Polri terjaga", [("ORG", "TNI"), ("ORG", "Polri")]),
        ("Warga Kecamatan Tanah Putih hadir.", [("LOC", "Kecamatan Tanah Putih")]),
        ("di Desa Sungai Rawa, warga", [("LOC", "Desa Sungai Rawa")]),
        ("di kelurahan Rintis hari ini", [("LOC", "kelurahan Rintis")]),
        ("Kabupaten Indragiri Hilir aman", [("LOC", "Kabupaten Indragiri Hilir")]),
        ("situasi di Riau kondusif", [("LOC", "Riau")]),
        ("dijaga di Mapolres Siak kemarin", [("FAC", "Mapolres Siak")]),
        ("di Jl. Jenderal Sudirman No. 5, Pekanbaru", [("FAC", "Jl. Jenderal Sudirman No. 5")]),
        (
            "Acara di Aula Kantor Camat Tualang, warga hadir.",
            [("FAC", "Aula Kantor Camat Tualang")],
        ),
        ("di Masjid Raya An-Nur usai salat", [("FAC", "Masjid Raya An-Nur")]),
        ("ngopi di Kopi Kenangan Cafe sore itu", [("FAC", "Kopi Kenangan Cafe")]),
        ("di warung kopi Bang Ucok sambil", [("FAC", "warung kopi Bang Ucok")]),
    ],
)
def test_places_and_organisations(suggester, text, expected):
    assert found(suggester, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Press releases glue abbreviations to the names they head.
        (
            "warga Desa Buatan, Kec.Koto Gasib, Kab.Siak di Jl.Sudirman, Kel.Rintis.",
            [
                ("LOC", "Desa Buatan"),
                ("LOC", "Kec.Koto Gasib"),
                ("LOC", "Kab.Siak"),
                ("FAC", "Jl.Sudirman"),
                ("LOC", "Kel.Rintis"),
            ],
        ),
        # An area's name may start with a venue's word.
        ("warga Kelurahan Simpang Baru hadir", [("LOC", "Kelurahan Simpang Baru")]),
        # A police unit with its parent; written out.
        (
            "Humas Polres Kampar dan Satuan Lantas Polres Siak berjaga.",
            [("ORG", "Humas Polres Kampar"), ("ORG", "Satuan Lantas Polres Siak")],
        ),
        ("Kodam I/Bukit Barisan bersiaga", [("ORG", "Kodam I/Bukit Barisan")]),
        # Provinces by their short names.
        ("Situasi di Kalbar dan NTT kondusif.", [("LOC", "Kalbar"), ("LOC", "NTT")]),
    ],
)
def test_places_and_units_as_other_outlets_write_them(suggester, text, expected):
    assert found(suggester, text) == expected


def test_a_unit_alone_is_a_kind_of_work_not_an_organisation(suggester):
    assert found(suggester, "Tugas Humas sibuk, bidang humas juga.") == []


@pytest.mark.parametrize(
    "text",
    [
        "di kota itu warga berjalan-jalan",
        "desa binaan aman",
        "Jalan menuju lokasi rusak",
        "kegiatan berjalan lancar",
        "di warung milik Pak Budi",
    ],
)
def test_no_place_without_a_name(suggester, text):
    assert not {"LOC", "FAC", "ORG"} & {label for label, _ in found(suggester, text)}


def test_a_place_read_after_a_head_is_a_place_where_it_stands_alone(suggester):
    text = "Polsek Tualang berjaga. Situasi di Tualang kondusif."
    assert found(suggester, text) == [("ORG", "Polsek Tualang"), ("LOC", "Tualang")]


def test_a_place_stops_before_a_capitalised_verb(suggester):
    text = "Jelang Pemilu, Dirbinmas Polda Banten Laksanakan Kegiatan di Kota Tarakan, Kaltara."
    assert ("ROLE", "Dirbinmas Polda Banten") in found(suggester, text)
    assert ("LOC", "Kota Tarakan") in found(suggester, text)


def test_a_headline_place_stops_before_the_headline_verbs(suggester):
    text = "Polres Kampar Gelar Patroli Malam Jelang Pilkada\n\nIsi berita di sini."
    assert labelled(suggester, text, "ORG") == ["Polres Kampar"]
    text = "Wujudkan Pilkada Kondusif, Polsek Tapung Gelar Sambang di Desa Sialang Sakti\n\nIsi."
    assert labelled(suggester, text, "LOC") == ["Desa Sialang Sakti"]


def test_an_eatery_is_named_by_its_owner_not_its_area(suggester):
    text = "Sambang di kedai kopi Kampung Parit Baru, warga hadir."
    assert found(suggester, text) == [("LOC", "Kampung Parit Baru")]


# --- EVENT, DATE, TIME --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("jelang Pilkada 2024 nanti", [("EVENT", "Pilkada 2024")]),
        ("JELANG PILKADA SERENTAK 2024", [("EVENT", "PILKADA SERENTAK 2024")]),
        (
            "Pemilihan Kepala Daerah Serentak Tahun 2024 berjalan",
            [("EVENT", "Pemilihan Kepala Daerah Serentak Tahun 2024")],
        ),
        ("program cooling system terus", [("EVENT", "cooling system")]),
        (
            "dalam Operasi Mantap Praja Lancang Kuning 2024 ini",
            [("EVENT", "Operasi Mantap Praja Lancang Kuning 2024")],
        ),
        ("jelang Pilkades Serentak di desa", [("EVENT", "Pilkades Serentak")]),
        (
            "bagian Operasi Ketupat Lancang Kuning 2024.",
            [("EVENT", "Operasi Ketupat Lancang Kuning 2024")],
        ),
        ('acara bertajuk "Ngopi Kamtibmas" digelar', [("EVENT", "Ngopi Kamtibmas")]),
    ],
)
def test_events(suggester, text, expected):
    assert found(suggester, text) == expected


@pytest.mark.parametrize(
    ("text", "event"),
    [
        ("jelang Pilkada Kabupaten Pelalawan 2024 nanti", "Pilkada Kabupaten Pelalawan 2024"),
        ("sukseskan Pilgub Sumut 2024!", "Pilgub Sumut 2024"),
        (
            "Pemilihan Bupati dan Wakil Bupati Siak Tahun 2024 berjalan",
            "Pemilihan Bupati dan Wakil Bupati Siak Tahun 2024",
        ),
        ("jelang pilwali Tanjungpinang 2024", "pilwali Tanjungpinang 2024"),
    ],
)
def test_an_election_with_its_region_before_the_year(suggester, text, event):
    assert labelled(suggester, text, "EVENT") == [event]


@pytest.mark.parametrize(
    "text",
    [
        "saat Pilkada nanti",
        "pemilu damai",
        "pesta demokrasi rakyat",
        "Pilkada Pelalawan berjalan aman",  # a region, but no year
    ],
)
def test_no_event_without_a_year(suggester, text):
    assert labelled(suggester, text, "EVENT") == []


@pytest.mark.parametrize(
    ("text", "dates"),
    [
        ("pada Rabu (23/10/2024) lalu", ["Rabu (23/10/2024)"]),
        ("Jumat, 1 Maret 2024 pukul", ["Jumat, 1 Maret 2024"]),
        ("Minggu malam (10/11) warga", ["Minggu malam (10/11)"]),
        ("kemarin (31/12).", ["(31/12)"]),
        ("sejak 5 Agustus 2024 hingga", ["5 Agustus 2024"]),
        ("Jum'at (5/1/2024) pagi", ["Jum'at (5/1/2024)"]),
        ("Senin, 02/12/2024 | 10:15 WIB", ["Senin, 02/12/2024"]),
        ("pada 17 Agustus mendatang", ["17 Agustus"]),
        ("pada bulan Desember 2024 lalu", ["Desember 2024"]),
        ("tanggal 3 Des 2024.", ["3 Des 2024"]),
    ],
)
def test_dates(suggester, text, dates):
    assert labelled(suggester, text, "DATE") == dates


@pytest.mark.parametrize(
    "text", ["skor (32/10)", "bulan (12/13)", "rasio 10/20", "2 personil", "7 jun berlalu"]
)
def test_no_date(suggester, text):
    assert labelled(suggester, text, "DATE") == []


@pytest.mark.parametrize(
    ("text", "times"),
    [
        ("mulai pukul 19.30 WIB hingga", ["pukul 19.30 WIB"]),
        ("Pkl. 08.00 WIB peserta", ["Pkl. 08.00 WIB"]),
        ("sekitar pukul 13:00 WITA, warga", ["sekitar pukul 13:00 WITA"]),
        ("jam 10 pagi tadi", ["jam 10 pagi"]),
        ("pukul 09.00 s/d 12.00 WIB.", ["pukul 09.00 s/d 12.00 WIB"]),
        ("berakhir 16.00 WIT dengan aman", ["16.00 WIT"]),
    ],
)
def test_times(suggester, text, times):
    assert labelled(suggester, text, "TIME") == times


@pytest.mark.parametrize(
    "text", ["selama 1 jam penuh", "pukul rata", "pukul 25.00 WIB", "satu jam"]
)
def test_no_time(suggester, text):
    assert labelled(suggester, text, "TIME") == []


# --- MEDIA, LAW ---------------------------------------------------------------------------------


def test_the_dateline_gives_the_outlet_and_place(suggester):
    text = "RIAUPOS.CO, PEKANBARU - Polresta Pekanbaru berjaga."
    assert found(suggester, text, Dateline("RIAUPOS.CO", "PEKANBARU"))[:2] == [
        ("MEDIA", "RIAUPOS.CO"),
        ("LOC", "PEKANBARU"),
    ]


def test_the_dateline_is_read_from_the_text_when_not_given(suggester):
    result = suggester.suggest("Pekanbaru (ANTARA) - Polda Riau menggelar apel.")
    assert [(s.label, s.text, s.source) for s in result.spans][:2] == [
        ("LOC", "Pekanbaru", "rule:LOC.dateline"),
        ("MEDIA", "ANTARA", "rule:MEDIA.dateline"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "KABAR SIAK, MINAS- Personel Polsek Minas menyambangi warga.",
            [("MEDIA", "KABAR SIAK"), ("LOC", "MINAS")],
        ),
        (
            "KABAR SIAK, SIAK - Polres Siak menggelar apel.",
            [("MEDIA", "KABAR SIAK"), ("LOC", "SIAK")],
        ),
        (
            "Pekanbaru (Rumbai) - riauonline. co.id- Polsek Rumbai menggelar apel.",
            [("LOC", "Pekanbaru"), ("LOC", "Rumbai"), ("MEDIA", "riauonline. co.id")],
        ),
        (
            "https://goriau.com/berita/2024/11/polsek-bangkinang\n"
            "BANGKINANG, goriau.com - Polsek Bangkinang menggelar apel.",
            [("LOC", "BANGKINANG"), ("MEDIA", "goriau.com")],
        ),
        (
            "# source: https://suarariau.com/berita/1\n"
            "Bengkalis, Suara Riau - Polres Bengkalis menggelar apel.\n\n"
            "Berita ini lebih dulu terbit di Suara Riau.",
            [("LOC", "Bengkalis"), ("MEDIA", "Suara Riau"), ("MEDIA", "Suara Riau")],
        ),
    ],
)
def test_the_outlet_of_the_dateline_is_media_and_never_a_place(suggester, text, expected):
    spans = suggester.suggest(text).spans
    assert [(s.label, s.text) for s in spans if s.label in ("MEDIA", "LOC")] == expected


def test_an_outlet_without_a_sign_in_the_dateline_comes_first(suggester):
    text = (
        "LANCANG KUNING, DUMAI - Polres Dumai menggelar apel.\n\n"
        "Berita ini lebih dulu terbit di Lancang Kuning."
    )
    assert [(s.label, s.text) for s in suggester.suggest(text).spans] == [
        ("MEDIA", "LANCANG KUNING"),
        ("LOC", "DUMAI"),
        ("ORG", "Polres Dumai"),
        ("MEDIA", "Lancang Kuning"),
    ]


@pytest.mark.parametrize(
    ("text", "media"),
    [
        ("dikutip dari Kompas.com kemarin", ["Kompas.com"]),
        # An outlet named after its region is no place.
        ("seperti dilansir Jambi Ekspres, polisi", ["Jambi Ekspres"]),
        ("Sumber: Kaltim Post", ["Kaltim Post"]),
        ("di depan Kantor Pos Jambi", []),
        ("ikuti kami di Google News", []),
        ("dilansir tribunpekanbaru.com, polisi", ["tribunpekanbaru.com"]),
        ("seperti diberitakan detikcom sebelumnya", ["detikcom"]),
        ("laman www.polri.go.id memuat", []),
        ("kirim ke redaksi@riaupos.co sekarang", []),
    ],
)
def test_outlets(suggester, text, media):
    assert labelled(suggester, text, "MEDIA") == media


@pytest.mark.parametrize(
    ("text", "laws"),
    [
        ("sesuai UU Nomor 7 Tahun 2017 tentang", ["UU Nomor 7 Tahun 2017"]),
        ("diatur Perkap No. 3 Tahun 2016.", ["Perkap No. 3 Tahun 2016"]),
        ("melanggar UU ITE dan", ["UU ITE"]),
    ],
)
def test_laws(suggester, text, laws):
    assert labelled(suggester, text, "LAW") == laws


def test_every_suggestion_names_its_rule(suggester):
    result = suggester.suggest("Kapolsek Tualang AKP Budi Santoso hadir pada Senin (8/1).")
    assert [span.source for span in result.spans] == [
        "rule:ROLE",
        "rule:RANK",
        "rule:PER",
        "rule:DATE",
    ]
