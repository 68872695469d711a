"""Word lists of the built-in rules: ranks, offices, units, heads of names, titles, months.

Lists, not patterns: rules.py turns them into regular expressions. Words listed in `ANY_CASE`
lists are matched in any case; the others only capitalised or in capitals, because in lower case
they are ordinary words ("kapten kapal", "kota", "ketua kelas").
"""

from __future__ import annotations

from collections.abc import Iterable

# The month table is meta's, which finds articles' first dates with it: one table, one truth.
from cooltui.meta import MONTHS

# --- ranks (Perkap 3/2016 for Polri, PP 39/2010 for the TNI) --------------------------------------

RANK_ABBREVIATIONS = (
    "Komjen", "Irjen", "Brigjen", "Kombes", "AKBP", "Kompol", "AKP", "Iptu", "Ipda", "Aiptu",
    "Aipda", "Bripka", "Brigpol", "Briptu", "Bripda", "Abrippol", "Abrip", "Abriptu", "Abripda",
    "Bharaka", "Bharatu", "Bharada", "Letjen", "Mayjen", "Letkol", "Lettu", "Letda", "Peltu",
    "Pelda", "Serma", "Serka", "Sertu", "Serda", "Kopka", "Koptu", "Kopda", "Praka", "Pratu",
    "Prada", "Laksdya", "Laksda", "Laksma", "Marsdya", "Marsda", "Marsma",
)  # fmt: skip
"""Abbreviated ranks: not Indonesian words, so any case is a rank ("AIPDA", "aipda")."""

RANK_PHRASES = (
    "Jenderal", "Komisaris Jenderal", "Inspektur Jenderal", "Brigadir Jenderal",
    "Komisaris Besar", "Ajun Komisaris Besar", "Komisaris Polisi", "Ajun Komisaris Polisi",
    "Inspektur Polisi Satu", "Inspektur Polisi Dua", "Ajun Inspektur Polisi Satu",
    "Ajun Inspektur Polisi Dua", "Brigadir Polisi Kepala", "Brigadir Polisi Satu",
    "Brigadir Polisi Dua", "Brigadir Polisi", "Brigadir", "Bhayangkara Kepala",
    "Bhayangkara Satu", "Bhayangkara Dua", "Letnan Jenderal", "Mayor Jenderal", "Kolonel",
    "Letnan Kolonel", "Mayor", "Kapten", "Letnan Satu", "Letnan Dua", "Pembantu Letnan Satu",
    "Pembantu Letnan Dua", "Sersan Mayor", "Sersan Kepala", "Sersan Satu", "Sersan Dua",
    "Kopral Kepala", "Kopral Satu", "Kopral Dua", "Prajurit Kepala", "Prajurit Satu",
    "Prajurit Dua", "Laksamana", "Laksamana Madya", "Laksamana Muda", "Laksamana Pertama",
    "Marsekal", "Marsekal Madya", "Marsekal Muda", "Marsekal Pertama",
)  # fmt: skip
"""Ranks written out: only capitalised or in capitals ("seorang mayor" is not a name's rank)."""

TNI_CORPS = (
    "Inf", "Kav", "Arm", "Arh", "Czi", "Cba", "Chb", "Cpl", "Cpm", "Ckm", "Cku", "Caj", "Ckh",
    "Cpn", "Pnb", "Psk", "Mar", "Kes", "Tek", "Adm", "Sus", "Lek", "Nav",
)  # fmt: skip
"""Branch abbreviations that follow a TNI rank ("Letkol Inf"): part of the rank."""

# --- offices -------------------------------------------------------------------------------------

POLICE_CHIEFS = (
    "Kapolri", "Wakapolri", "Kapolda", "Wakapolda", "Kapolres", "Wakapolres", "Kapolresta",
    "Wakapolresta", "Kapolrestabes", "Wakapolrestabes", "Kapolsek", "Wakapolsek",
    "Kapolsubsektor", "Kapospol", "Kabareskrim", "Kabaharkam", "Kabaintelkam", "Kakorlantas",
    "Kakorbinmas", "Kadivhumas", "Kadivpropam",
)  # fmt: skip
"""Chiefs whose unit is fused into the word: the place that follows is part of the office."""

UNIT_OFFICES = (
    "Kasat", "Wakasat", "Kanit", "Panit", "Banit", "Kasi", "Kasubsi", "Kabag", "Kasubbag",
    "Kasubag", "Kabid", "Kasubbid", "Kadiv", "Kaur", "Paur", "Kasubdit", "Dir", "Wadir",
    "Direktur", "Wakil Direktur",
)  # fmt: skip
"""Heads of a unit: "Kanit Intelkam", fused as "Kasatbinmas", "Dirbinmas"."""

UNITS = (
    "Intelkam", "Intel", "Reskrim", "Reskrimum", "Reskrimsus", "Krimum", "Krimsus", "Binmas",
    "Bimmas", "Samapta", "Sabhara", "Lantas", "Provos", "Propam", "Polairud", "Polair", "Airud",
    "Resnarkoba", "Narkoba", "Yanmin", "Humas", "Ops", "Ren", "Sumda", "Log", "Tahti", "Tipiter",
    "Tipidter", "Tipikor", "Pidum", "Pidsus", "Turjawali", "Dikyasa", "Regident", "Gakkum",
    "Kamsel", "PPA", "Jatanras", "Resmob", "Buser", "Dalmas", "Pamobvit", "Sium", "Siwas",
    "Sikeu", "Sitipol", "SPKT", "Binops", "Identifikasi", "Inafis", "Kamneg", "Polmas",
    "Brimob", "Perintis", "Dokkes", "SDM", "TIK", "Keu", "Kum", "Labfor",
)  # fmt: skip

UNIT_HEADS = (
    "Sat", "Satuan", "Unit", "Dit", "Direktorat", "Bid", "Bidang", "Subdit", "Subbid",
)  # fmt: skip
"""What a unit's name starts with: "Satbinmas", "Satuan Binmas", "Bid Humas"."""

COMMUNITY_OFFICES = ("Bhabinkamtibmas", "Babinkamtibmas", "Bhabinsa", "Babinsa", "Bhabin")
"""Officers assigned to a village: the area or unit that follows is part of the office."""

MILITARY_OFFICES = (
    "Danramil", "Dandim", "Danrem", "Danyon", "Danki", "Danton", "Danpos", "Pangdam",
    "Danlanal", "Danlanud", "Pabung", "Dansat", "Danpuskesad",
)  # fmt: skip
"""Commanders, written with the unit's number: "Dandim 0705/Magelang"."""

CIVIL_OFFICES = (
    "Camat", "Sekcam", "Lurah", "Penghulu", "Datuk Penghulu", "Kades", "Kepala Desa",
    "Kepala Kampung", "Kepala Dusun", "Kadus", "Bupati", "Wakil Bupati", "Wabup", "Wali Kota",
    "Walikota", "Wakil Wali Kota", "Wakil Walikota", "Wawako", "Gubernur", "Wakil Gubernur",
    "Wagub", "Sekda", "Pj Bupati", "Pj Wali Kota", "Pj Gubernur",
)  # fmt: skip
"""Civil offices, followed by the place they govern: "Camat Minas", "Bupati Siak"."""

BODY_LEADERS = ("Ketua", "Wakil Ketua", "Sekretaris", "Komisioner", "Koordinator Divisi", "Kordiv")
"""Offices in a body: "Ketua PPK Kecamatan Kuala Kampar"; the body and its area belong to them."""

QUANTIFIERS = (
    "para", "seluruh", "setiap", "tiap", "tiap-tiap", "semua", "segenap", "sejumlah",
    "beberapa", "masing-masing",
)  # fmt: skip
"""Words that make an office a kind of officer ("para Kapolsek", "setiap Bhabinkamtibmas"):
no office anyone holds, so no ROLE."""

ACTING = ("Ps.", "Plt.", "Pj.", "Pjs.", "Plh.", "Pgs.")
"""Acting or interim: part of the office that follows ("Ps. Kanit Intelkam")."""

# --- organisations, places, facilities -------------------------------------------------------

POLICE_UNITS = (
    "Polri", "Polda", "Polres", "Polresta", "Polrestabes", "Polsek", "Polsubsektor", "Pospol",
)  # fmt: skip

POLICE_FORMAL = (
    "Kepolisian Daerah", "Kepolisian Resor", "Kepolisian Resort", "Kepolisian Sektor",
    "Kepolisian Resor Kota", "Kepolisian Negara Republik Indonesia",
)  # fmt: skip
"""The written-out names of police units, followed by the place like their short forms."""

MILITARY_UNITS = ("Koramil", "Kodim", "Korem", "Kodam", "Yonif", "Lanal", "Lanud", "Batalyon")

ELECTION_BODIES = (
    "KPU", "KPUD", "Bawaslu", "Panwaslu", "Panwascam", "Panwas", "PPK", "PPS", "KPPS",
    "Gakkumdu", "Sentra Gakkumdu", "DKPP", "PKD", "PTPS", "Pantarlih",
)  # fmt: skip

REGIONAL_BODIES = ("KPU", "KPUD", "Bawaslu", "DPRD", "Pemkab", "Pemkot", "Pemprov", "Pemda")
"""Bodies named by their region alone ("Bawaslu Riau", "Pemkab Siak")."""

OTHER_BODIES = (
    "TNI", "Mabes Polri", "DPRD", "DPR", "Pemkab", "Pemkot", "Pemprov", "Pemda", "Pemdes",
    "Kesbangpol", "Satpol PP", "Forkopimda", "Forkopimcam", "FKUB", "MUI", "PKK",
    "Karang Taruna", "Bhayangkari", "Linmas", "Satlinmas", "Muhammadiyah", "Pemuda Pancasila",
    "FKPM", "Pokdarkamtibmas", "Brimob", "Satbrimob", "Jasa Raharja",
)  # fmt: skip
"""Organisations known by one name; those in REGIONAL_BODIES may be followed by a region."""

NAMED_ORG_HEADS = (
    "Rumah Sakit", "RSUD", "RS", "Rumkit", "Puskesmas", "Klinik", "PT", "PT.", "CV", "CV.",
    "Universitas", "Politeknik", "UIN", "IAIN", "Dinas", "Kementerian", "Pemerintah Kabupaten",
    "Pemerintah Kota", "Pemerintah Provinsi", "Pemerintah Desa",
)  # fmt: skip
"""Heads of organisation names that must be followed by a name: "Rumah Sakit Bhayangkara Dumai"."""

AREA_HEADS = (
    "Provinsi", "Prov.", "Kabupaten", "Kab.", "Kota", "Kecamatan", "Kec.", "Kelurahan", "Kel.",
    "Desa", "Ds.", "Kampung", "Kp.", "Dusun", "Dsn.", "Nagari", "Jorong", "Gampong",
    "Kepenghuluan", "Kenagarian", "Pekon",
)  # fmt: skip
"""Administrative areas: the head is part of the LOC ("Kecamatan Minas"), in any case."""

PLACE_WORDS = (
    "Kuala", "Teluk", "Tanjung", "Tg", "Sei", "Sungai", "Pulau", "Bagan", "Pasir", "Bukit",
    "Air", "Batu", "Muara", "Rantau", "Lubuk", "Koto", "Simpang", "Pangkalan", "Bandar",
    "Tanah", "Ujung", "Danau", "Gunung", "Kampung", "Pantai",
)  # fmt: skip
"""Words places' names are made of ("Sei Kijang", "Tanjung Melawan"), as cooltui.meta knows them."""

DIRECTIONS = (
    "Timur", "Barat", "Utara", "Selatan", "Tengah", "Hulu", "Hilir", "Raya", "Baru", "Lama",
    "Jaya", "Kota", "Darat", "Laut", "Pesisir", "Ilir", "Ulu", "Kiri", "Kanan", "Seberang",
)  # fmt: skip
"""Words that end a place name ("Dumai Timur"), kept even where a headline's words are cut."""

POLICE_BUILDINGS = (
    "Mapolda", "Mapolres", "Mapolresta", "Mapolrestabes", "Mapolsek", "Makodim", "Makoramil",
    "Makorem", "Mako",
)  # fmt: skip
"""Headquarters of a unit ("Mapolsek Dumai Timur"): a building, FAC, unlike the unit (ORG)."""

STREET_HEADS = ("Jalan", "Jl.", "Jl", "Jln.", "Jln", "JL.", "Gg.", "Gang", "Lorong", "Lr.")

VENUE_HEADS = (
    "Aula", "Balai", "Gedung", "Masjid", "Mesjid", "Musala", "Musholla", "Mushola", "Surau",
    "Gereja", "Pura", "Vihara", "Klenteng", "Hotel", "Wisma", "Kafe", "Cafe", "Café", "Warung",
    "Warkop", "Kedai", "Rumah Makan", "RM", "Lapangan", "Stadion", "Pasar", "Pelabuhan",
    "Bandara", "Terminal", "Posko", "Pos Kamling", "Poskamling", "Pos Pam", "Pos Yan", "Kantor",
    "Gudang", "Pondok Pesantren", "Ponpes", "Taman", "Lapas", "Rutan", "Mall", "Plaza", "GOR",
    "Gelanggang", "Auditorium", "Pendopo", "Rumah Dinas", "Rumdin", "Tugu", "Monumen",
    "Jembatan", "Simpang", "Bundaran", "Kampus", "Sekolah",
)  # fmt: skip
"""Buildings and venues, capitalised and followed by a name ("Hotel Atria")."""

EATERIES = ("warung", "kedai", "warkop", "kafe", "cafe", "rumah makan", "kedai kopi")
"""Lower-case venue words that may precede a proprietor's name ("warung sarapan Mak Hitam")."""

VENUE_SUFFIXES = (
    "Coffee", "Coffe", "Kopi", "Cafe", "Café", "Kafe", "Resto", "Restaurant", "Hotel", "Mall",
    "Plaza", "Square", "Hall", "Center", "Centre", "Ballroom",
)  # fmt: skip
"""Last words of venue names ("D'Dion Coffee")."""

PROVINCES = (
    "Aceh", "Sumatera Utara", "Sumatera Barat", "Riau", "Kepulauan Riau", "Jambi",
    "Sumatera Selatan", "Kepulauan Bangka Belitung", "Bangka Belitung", "Bengkulu", "Lampung",
    "DKI Jakarta", "Jakarta", "Jawa Barat", "Banten", "Jawa Tengah", "Yogyakarta", "Jawa Timur",
    "Bali", "Nusa Tenggara Barat", "Nusa Tenggara Timur",
    "Kalimantan Barat", "Kalimantan Tengah", "Kalimantan Selatan", "Kalimantan Timur",
    "Kalimantan Utara", "Sulawesi Utara", "Gorontalo", "Sulawesi Tengah", "Sulawesi Barat",
    "Sulawesi Selatan", "Sulawesi Tenggara", "Maluku", "Maluku Utara", "Papua", "Papua Barat",
    "Papua Barat Daya", "Papua Tengah", "Papua Pegunungan", "Papua Selatan", "Indonesia",
    # and the provinces' short names
    "NAD", "Sumut", "Sumbar", "Sumsel", "Kepri", "Babel", "Jabar", "Jateng", "Jatim", "DIY",
    "NTB", "NTT", "Kalbar", "Kalteng", "Kalsel", "Kaltim", "Kaltara", "Sulut", "Sulteng",
    "Sulbar", "Sulsel", "Sultra", "Malut", "Pabar",
)  # fmt: skip
"""Places known anywhere in the country: LOC wherever they stand alone."""

# --- people --------------------------------------------------------------------------------------

TITLES_UNDOTTED = (
    "SH", "MH", "SIK", "SE", "MM", "SSTP", "SKM", "MT", "ST", "MSi", "MAP", "MBA", "SPd",
    "SAg", "SSos", "SIP", "SKom", "SHI", "MPd", "MKes", "MA", "Lc", "PhD", "STrK", "SPsi",
    "SSi", "SKep", "AMd", "MKn", "MHum", "MSc",
)  # fmt: skip
"""Academic titles without full stops: titles only right after a name ("Mulian Dony SH")."""

TITLES_BEFORE = (
    "Dr.", "Dr", "dr.", "drg.", "Drs.", "Drs", "Dra.", "Ir.", "Prof.", "H.", "Hj.", "Hj", "KH.",
    "KH", "K.H.", "K.H", "Haji", "Hajjah", "Ust.", "Ustaz", "Ustadz", "Ustazah", "Ustadzah",
    "Kiai", "Kyai", "Syekh", "Tgk.", "Tgk", "TGH.", "TGH",
)  # fmt: skip
"""Academic and religious titles before a name, with and without their full stops ("Tgk." is
Teungku, "TGH." Tuan Guru Haji); "H." is Haji there, while "M." and other letters are
initials."""

HONORIFICS = ("Bapak", "Pak", "Ibu", "Bu", "Sdr.", "Sdri.", "Saudara", "Saudari")
"""Forms of address before a name; not part of the PER."""

SPEECH_VERBS = (
    "kata", "ujar", "ucap", "ungkap", "jelas", "terang", "tutur", "tegas", "imbuh", "tambah",
    "sebut", "pungkas", "tutup", "lanjut", "papar", "urai", "pesan", "harap", "pinta", "ajak",
    "akui",
)  # fmt: skip
"""Verbs of saying that put the speaker after them ('," kata Budi.'), in any case."""

BYLINES = (
    "Penulis", "Editor", "Reporter", "Pewarta", "Wartawan", "Redaktur", "Laporan", "Liputan",
    "Kontributor",
)  # fmt: skip
"""Labels of the journalist's name at the end of an article ("Editor : Ari Susanto")."""

# --- events, dates, outlets, laws ------------------------------------------------------------

ELECTIONS = (
    "Pemilihan Umum", "Pemilihan Kepala Daerah", "Pemilihan Serentak", "Pemilihan Gubernur",
    "Pemilihan Bupati", "Pemilihan Wali Kota", "Pemilihan Walikota", "Pemilihan Presiden",
    "Pemilihan Legislatif", "Pemilihan Anggota Legislatif", "Pemilihan Kepala Desa",
    "Pesta Demokrasi", "Pemilu", "Pemilukada", "Pilkada", "Pilpres", "Pileg", "Pilgub",
    "Pilbup", "Pilwako", "Pilwalkot", "Pilwali", "Pilkades",
)  # fmt: skip

ELECTED_DEPUTIES = (
    "Wakil Gubernur", "Wakil Bupati", "Wakil Wali Kota", "Wakil Walikota", "Wakil Presiden",
)  # fmt: skip
"""The running mates an election names: "Pemilihan Bupati dan Wakil Bupati Siak 2024"."""

ELECTION_WORDS = ("Serentak", "Damai", "Raya", "Legislatif", "Presiden", "Nasional", "Langsung")
"""Words between an election and its year, inside the EVENT ("Pemilu Damai 2024")."""

PROGRAMMES = ("Cooling System", "Cooling Sistem", "Jumat Curhat", "Jum'at Curhat", "Minggu Kasih")

DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jum'at", "Jum’at", "Jumat", "Sabtu", "Minggu", "Ahad")

DAY_PARTS = ("pagi", "siang", "sore", "petang", "malam", "dini hari")

SHORT_MONTHS = frozenset(
    name
    for name in MONTHS
    if len(name) <= 4 and name not in {"mei", "may", "juni", "juli", "june", "july"}
)
"""Shortened month names: a date needs its year with them ("7 jun" is too often a word)."""

TIME_ZONES = ("WIB", "WITA", "WIT")

OUTLETS = (
    "ANTARA", "Antaranews", "ANTARA News", "Kompas", "KOMPAS", "Kompas TV", "Tribunnews",
    "TRIBUN", "Riau Pos", "RIAU POS", "Republika", "detikcom", "detikNews", "CNN Indonesia",
    "Liputan6", "Okezone", "Sindonews", "Kumparan", "kumparan", "iNews", "Metro TV", "TVRI",
    "RRI", "Tribratanews", "Tempo.co", "Jawa Pos", "Media Indonesia", "Suara Merdeka",
)  # fmt: skip
"""National outlets written without a domain; matched in these spellings only."""

OUTLET_ENDINGS = ("Pos", "Post", "Ekspres", "Express", "Online", "Times", "TV")
"""Last words of outlets named after their region or a word ("Kaltim Post", "Jambi Ekspres"),
the capitalised words before them the rest of the name ("News" ends "Google News" too)."""

OUTLET_SERIES = ("Tribun",)
"""Outlets with regional editions: "Tribun Pekanbaru", "Tribun Timur"."""

MEDIA_DOMAINS = (
    "com", "co.id", "co", "id", "net", "news", "online", "info", "tv", "web.id", "my.id",
)  # fmt: skip
NOT_MEDIA_DOMAINS = (".go.id", ".ac.id", ".sch.id", ".mil.id", ".desa.id", ".or.id")
"""Government, academic and school sites are no news outlets."""

LAWS = (
    "Undang-Undang", "Undang-undang", "UU", "Perkap", "Peraturan Kapolri", "Perpol",
    "Peraturan Polri", "Peraturan Pemerintah", "PP", "Perpres", "Peraturan Presiden", "Perppu",
    "Perpu", "PKPU", "Peraturan KPU", "Perbawaslu", "Peraturan Bawaslu", "Perda", "Perbup",
    "Perwako", "Perwali", "Pergub", "Permendagri", "Inpres", "Keppres", "Surat Edaran", "SE",
    "Surat Telegram", "ST", "Maklumat Kapolri", "Keputusan Presiden", "Keputusan KPU",
)  # fmt: skip
"""Kinds of regulation, followed by "Nomor ..."."""

NAMED_LAWS = ("UU ITE", "UU Pemilu", "UU Pilkada", "KUHP", "KUHAP", "UUD 1945")

# --- words that end a run of capitalised words ----------------------------------------------

FUNCTION_WORDS = (
    "dan", "di", "ke", "dari", "yang", "untuk", "dalam", "pada", "bersama", "beserta", "serta",
    "dengan", "oleh", "selaku", "sebagai", "jajaran", "jajarannya", "melalui", "bahwa", "itu",
    "ini", "tersebut", "juga", "saat", "atau", "agar", "guna", "kepada", "terhadap", "bagi",
    "kami", "kita", "para", "seluruh", "personil", "personel", "anggota", "warga", "masyarakat",
    "kegiatan", "giat", "wilayah", "hukum", "tahun", "rt", "rw", "no", "km", "kamtibmas",
    "harkamtibmas", "cooling", "system", "pilkada", "pemilu", "tim", "pesan", "himbauan",
    "imbauan", "gelar", "menggelar", "hadiri", "hadir", "sambang", "sambangi", "jelang",
    "menjelang", "pasca", "usai", "sebelum", "selama", "hingga", "sampai", "sekira", "sekitar",
    "pukul", "pkl", "wib", "wita", "wit", "editor", "penulis", "reporter", "foto", "sumber",
    "baca", "juga", "the", "of", "acara", "rapat", "apel", "patroli", "sosialisasi", "dialog",
    "selain", "namun", "sementara", "kemudian", "adapun", "sedangkan", "setelah", "selanjutnya",
    "karena", "ia", "dia", "mereka",
)  # fmt: skip
"""Capitalised in headlines and at sentence starts, never part of a name or place."""


def lower_set(*groups: Iterable[str]) -> frozenset[str]:
    """The first word of every phrase of `groups`, lower-cased and without a full stop.

    Only the first: a run of capitalised words stops where a phrase starts, and the later words
    of a phrase ("Komisaris Besar") are ordinary in names ("Bagan Besar").
    """
    return frozenset(phrase.split()[0].lower().rstrip(".") for group in groups for phrase in group)
