"""Demo workshop: 40 made-up participants in 5 groups who have answered the whole day.

Used by ``cityworkshop demo``, by the notebooks' CI run and by the benchmarks. Every activity of
the program has plausible answers in Indonesian: the groups' scoring and ideas, the room's dot
votes, peer ratings and feedback on every other group's presentation, each participant's
definition of city branding and its urgency, the branding matrix and plan of each group, questions
for the speaker with votes, reflections, satisfaction and closing comments. All of it is drawn
from one :class:`random.Random` seeded with ``seed``: two demos with the same seed hold the same
answers. The database is marked as demo (``WorkshopInfo.is_demo``) and every view shows a
"DEMO DATA" banner; every activity is left closed. Layer: it writes through
:class:`~cityworkshop.store.WorkshopStore` only.
"""

from __future__ import annotations

from pathlib import Path
from random import Random
from typing import Any

from .errors import NotFound
from .store import WorkshopStore

__all__ = ["DEMO_SEED", "make_demo", "seed_answers"]

DEMO_SEED = 2008

_FIRST = ["Ahmad", "Siti", "Budi", "Dewi", "Rina", "Agus", "Yusuf", "Fitri", "Hendra", "Lestari",
          "Wahyu", "Nur", "Dian", "Eko", "Ratna", "Bambang", "Indah", "Taufik", "Maya", "Rizki"]
_LAST = ["Hidayat", "Saputra", "Wulandari", "Pratama", "Nugroho", "Permata", "Santoso", "Lubis",
         "Kusuma", "Siregar", "Rahman", "Utami", "Setiawan", "Harahap", "Purnama"]

# -- session 1: scoring the city as a disruptive city -----------------------------------------

# How the made-up room sees its city now (1-5) and where it wants it to be.
# Texts name the city as {city}: the short name of the pack's city, filled in when stored.
_BASELINE = {
    "digital_services": (3.2, 4.6),
    "responsive_complaints": (3.0, 4.5),
    "data_driven": (2.4, 4.3),
    "mobility": (1.9, 3.9),
    "health_liveability": (3.4, 4.3),
    "digital_economy": (2.8, 4.2),
    "learning_society": (3.1, 4.1),
    "collaboration": (2.3, 4.2),
    "environment": (2.0, 4.0),
    "city_identity": (2.2, 4.4),
}
_REASONS = {
    "digital_services": ("Perizinan sudah daring, tetapi banyak "
                         "layanan masih harus datang ke kantor."),
    "responsive_complaints": ("Kanal aduan dikenal warga, namun tindak "
                              "lanjut antar-OPD belum terpantau."),
    "data_driven": ("Data ada di tiap OPD tetapi belum terhubung "
                    "dan jarang dipakai dalam rapat pimpinan."),
    "mobility": "Kemacetan di koridor utama kota; angkutan umum belum terintegrasi.",
    "health_liveability": "IPM sudah tinggi, tetapi ruang publik dan trotoar masih kurang.",
    "digital_economy": "UMKM banyak yang sudah memakai QRIS, pendampingan masih terbatas.",
    "learning_society": "Warga muda melek digital; warga lansia masih perlu dibantu.",
    "collaboration": ("Kampus dan komunitas aktif, tetapi jarang "
                      "diajak merancang layanan sejak awal."),
    "environment": ("Sampah masih menjadi masalah utama; data "
                    "timbulan per kecamatan belum real time."),
    "city_identity": ("Orang luar mengenal beberapa kawasannya, "
                      "belum mengenal {city} sebagai satu kota."),
}

# Concrete ideas for a more liveable city, each linked to one disruptive-city criterion.
_IDEAS: dict[str, tuple[str, ...]] = {
    "digital_services": (
        "Satu aplikasi layanan warga: perizinan, kependudukan dan pajak daerah dalam satu akun.",
        "Mal pelayanan publik keliling ke kelurahan untuk warga lansia yang belum bisa daring.",
        "Tanda tangan elektronik untuk semua surat keterangan kelurahan, selesai dalam satu hari.",
    ),
    "responsive_complaints": (
        "Dasbor aduan terbuka: warga melihat status setiap aduan sampai selesai.",
        "Batas waktu tindak lanjut aduan 3x24 jam per OPD, dipantau langsung oleh Sekda.",
        "Petugas penghubung aduan di setiap kecamatan yang meneruskan laporan ke OPD yang tepat.",
    ),
    "data_driven": (
        "Satu Data {city}: portal data terbuka yang diperbarui setiap bulan oleh setiap OPD.",
        "Rapat pimpinan bulanan dibuka dengan dasbor kinerja, bukan laporan kertas.",
        "Tim analis data kecil di Bappelitbangda yang melayani permintaan data semua OPD.",
    ),
    "mobility": (
        "Integrasi jadwal dan tarif angkot, bus dan KRL dalam satu aplikasi perjalanan.",
        "Trotoar teduh dan aman dari stasiun dan terminal ke permukiman.",
        "Lampu lalu lintas adaptif di koridor paling padat.",
    ),
    "health_liveability": (
        "Taman kota di setiap kecamatan dengan jalur lari dan ruang bermain anak.",
        "Janji temu puskesmas secara daring dengan antrean yang terlihat di ponsel.",
        "Posyandu lansia digital dengan kunjungan rumah terjadwal.",
    ),
    "digital_economy": (
        "Pendampingan UMKM naik kelas: foto produk, toko daring dan QRIS dalam satu paket.",
        "Izin usaha mikro selesai dalam satu hari lewat OSS dengan pendamping di kelurahan.",
        "Pasar kuliner malam {city} dengan pembayaran non-tunai penuh.",
    ),
    "learning_society": (
        "Pojok literasi digital di perpustakaan dan kantor kelurahan untuk warga lansia.",
        "Akademi ASN digital: pelatihan data dan layanan daring untuk setiap pejabat.",
        "Kelas coding gratis untuk pelajar SMP bersama kampus-kampus di {city}.",
    ),
    "collaboration": (
        "Forum inovasi kota tiap triwulan bersama kampus, komunitas dan pengembang kawasan.",
        "Tantangan inovasi terbuka: startup lokal memecahkan masalah nyata OPD.",
        "Kemitraan dengan pengelola kawasan untuk shuttle dan ruang publik bersama.",
    ),
    "environment": (
        "Bank sampah digital dengan poin yang bisa dipakai membayar retribusi.",
        "Sensor timbulan sampah di TPS dan jadwal angkut berdasarkan data.",
        "Gerakan pilah sampah dari rumah, bertahap di semua kelurahan.",
    ),
    "city_identity": (
        "Satu logo dan slogan kota yang dipakai seragam oleh semua OPD dan kanal media sosial.",
        "Festival tahunan {city} yang menampilkan kuliner, budaya dan inovasi warga.",
        "Gerbang kota dan penanda kawasan yang menegaskan identitas {city} sebagai satu kota.",
    ),
}

# -- session 2: presentations ------------------------------------------------------------------

_PEER_OFFSET = {"clarity": 0.2, "evidence": -0.4, "feasibility": 0.0, "innovation": 0.1}
_STRENGTHS = (
    "Masalahnya dirumuskan dengan jelas dan dekat dengan pengalaman warga.",
    "Gagasan didukung data yang relevan, misalnya jumlah aduan dan waktu tindak lanjut.",
    "Pembagian peran antar-OPD sudah terlihat jelas.",
    "Gagasannya berani dan benar-benar mengubah cara kerja lama.",
    "Presentasinya singkat, runtut dan mudah diikuti.",
    "Contoh dari kota lain dipakai dengan tepat untuk meyakinkan.",
    "Memperhatikan warga yang rentan, seperti lansia dan warga berpenghasilan rendah.",
    "Ada target terukur untuk tahun pertama.",
    "Gagasan dihubungkan dengan visi RPJMD 2025-2029.",
    "Memanfaatkan aset yang sudah ada, seperti kanal aduan dan data kependudukan.",
)
_SUGGESTIONS = (
    "Perjelas sumber anggaran dan tahap pendanaannya.",
    "Tambahkan indikator keberhasilan yang bisa diukur setiap triwulan.",
    "Sebutkan OPD penanggung jawab utama, bukan hanya OPD pendukung.",
    "Libatkan kecamatan dan kelurahan sejak tahap perencanaan.",
    "Pertimbangkan warga yang belum memiliki ponsel pintar.",
    "Mulai dengan uji coba di satu kecamatan sebelum diperluas.",
    "Perhatikan perlindungan data pribadi warga.",
    "Kurangi jumlah gagasan dan fokus pada dua yang paling berdampak.",
    "Tunjukkan data awal (baseline) agar kemajuan bisa dibandingkan.",
    "Jelaskan peran swasta dan pengembang kawasan secara lebih konkret.",
)

# -- session 3: city branding ------------------------------------------------------------------

_DEF_OPEN = ("City branding adalah", "Menurut saya, city branding adalah",
             "Bagi saya, city branding berarti", "City branding itu",
             "Intinya, city branding adalah")
_DEF_CORE = (
    "cara kota memperkenalkan jati dirinya",
    "upaya membangun citra kota yang khas dan konsisten",
    "janji kota kepada warga, investor dan wisatawan",
    "identitas bersama yang membedakan {city} dari kota lain",
    "strategi mengelola reputasi kota",
    "cerita tentang kota yang dibuktikan dengan layanan nyata",
    "persepsi orang tentang kota yang dibentuk secara sengaja",
    "kesatuan pesan, tampilan dan pengalaman yang ditawarkan kota",
)
_DEF_PURPOSE = (
    "agar warga bangga tinggal di sini.",
    "sehingga investor dan pengunjung tertarik datang.",
    "yang harus dibuktikan oleh kualitas layanan publik, bukan hanya logo.",
    "supaya {city} dikenal sebagai satu kota, bukan hanya kawasan-kawasannya.",
    "yang dibangun bersama warga, swasta dan pemerintah.",
    "untuk menarik talenta, investasi dan wisatawan.",
    "yang konsisten di semua OPD dan kanal komunikasi.",
    "yang sejalan dengan moto kota.",
)
_DEF_EXTRA = (
    "Bukan sekadar slogan.",
    "Logo hanya bagian kecilnya.",
    "Yang terpenting adalah pengalaman warga sehari-hari.",
    "Semua OPD harus menyampaikan pesan yang sama.",
    "Warga sendiri adalah duta terbaiknya.",
)
_URGENCY_WEIGHTS = {1: 0.02, 2: 0.06, 3: 0.2, 4: 0.4, 5: 0.32}
_URGENCY_REASONS = {
    5: ("Kota lain di sekitar kita sudah bergerak; {city} belum punya identitas yang "
        "dikenal luas.",
        "Banyak orang mengenal kawasannya, tetapi belum mengenal kotanya.",
        "Investasi dan talenta memilih kota yang citranya jelas; kita bisa tertinggal.",
        "Momentum RPJMD 2025-2029 harus dipakai sekarang.",
        "Warga baru terus berdatangan, tetapi rasa memiliki terhadap {city} masih rendah."),
    4: ("Penting, tetapi layanan dasar seperti sampah dan kemacetan harus dibenahi bersamaan.",
        "Perlu segera, agar promosi investasi punya pesan yang sama.",
        "Identitas kota belum konsisten antar-OPD; ini perlu dirapikan dalam dua tahun.",
        "Citra kota membantu menarik wisatawan kuliner dan penyelenggara acara."),
    3: ("Perlu, tetapi masalah sampah dan macet lebih mendesak bagi warga.",
        "Branding akan mengikuti jika layanan publik sudah baik.",
        "Bisa berjalan bertahap sambil memperbaiki layanan."),
    2: ("Anggaran lebih baik untuk infrastruktur dasar dulu.",
        "Warga lebih butuh bukti layanan daripada kampanye."),
    1: ("Belum menjadi prioritas dibanding layanan dasar.",),
}
# Where the made-up room puts each branding initiative: (impact, urgency), 1-5.
_MATRIX = {
    "visual_identity": (3.4, 4.1),
    "city_story": (3.8, 3.8),
    "signature_event": (3.6, 2.9),
    "ambassadors": (3.1, 2.7),
    "culinary_heritage": (3.3, 2.4),
    "investment_promo": (4.3, 3.5),
    "city_appearance": (4.0, 3.3),
    "service_proof": (4.6, 4.4),
}
# Plan steps per phase: what, owners who may lead it, KPI. Months are offsets from plan_start:
# (first start, last start, shortest, longest duration).
_PLAN: dict[str, tuple[tuple[int, int, int, int], tuple[tuple[str, tuple[str, ...], str], ...]]] = {
    "goals": ((0, 3, 2, 4), (
        ("Lokakarya visi merek bersama tokoh masyarakat, kampus, pelaku usaha dan "
         "pengembang kawasan",
         ("bappelitbangda", "setda"), "Visi merek disepakati oleh minimal 30 pemangku kepentingan"),
        ("Menetapkan tujuan city branding dalam Peraturan Wali Kota", ("setda",),
         "Perwal city branding ditetapkan"),
        ("Membentuk tim koordinasi city branding lintas OPD", ("setda", "bappelitbangda"),
         "SK tim terbit dan rapat koordinasi berjalan setiap bulan"),
    )),
    "audit": ((2, 6, 3, 5), (
        ("Survei persepsi warga, investor dan pengunjung tentang {city}",
         ("diskominfo", "bappelitbangda"), "Survei 1.500 responden selesai dan dipublikasikan"),
        ("Audit semua logo, slogan dan akun media sosial milik OPD",
         ("diskominfo", "bagian-prokopim"), "Daftar aset komunikasi lengkap untuk 100% OPD"),
        ("Analisis pemberitaan dan percakapan daring tentang {city}", ("diskominfo",),
         "Laporan sentimen media setiap triwulan"),
    )),
    "essence": ((6, 10, 3, 6), (
        ("Merumuskan esensi dan janji merek kota bersama desainer profesional",
         ("disbudpar", "diskominfo"), "Esensi merek disetujui Wali Kota"),
        ("Menyusun pedoman identitas visual untuk semua OPD", ("diskominfo",),
         "Pedoman terbit dan dipakai oleh semua OPD"),
        ("Menguji pesan merek kepada warga muda dan pelaku usaha", ("disbudpar", "diskopukm"),
         "Minimal 70% responden memahami pesan merek"),
    )),
    "implement": ((12, 20, 6, 15), (
        ("Menyeragamkan tampilan situs, aplikasi dan media sosial seluruh OPD", ("diskominfo",),
         "100% kanal resmi memakai identitas baru"),
        ("Menyelenggarakan festival tahunan {city}", ("disbudpar",),
         "50.000 pengunjung dan liputan media nasional"),
        ("Paket promosi investasi dengan perizinan selesai dalam satu hari", ("dpmptsp",),
         "Nilai investasi naik 10% per tahun"),
        ("Menata gerbang kota, taman dan trotoar koridor utama", ("dpupr", "dlh"),
         "5 koridor utama selesai ditata"),
        ("Program duta warga dan komunitas di setiap kecamatan", ("kecamatan", "disbudpar"),
         "10 duta aktif di setiap kecamatan"),
        ("Kurasi wisata kuliner dan UMKM unggulan berlabel {city}", ("diskopukm", "disbudpar"),
         "100 UMKM memakai label kota"),
    )),
    "monitor": ((18, 28, 6, 18), (
        ("Dasbor reputasi kota: survei persepsi dan sentimen media",
         ("diskominfo", "bappelitbangda"),
         "Indeks persepsi kota naik setiap tahun"),
        ("Evaluasi tahunan city branding dilaporkan kepada Wali Kota dan DPRD",
         ("bappelitbangda", "setda"), "Laporan evaluasi terbit tepat waktu setiap tahun"),
        ("Survei kepuasan warga terhadap layanan publik sebagai bukti merek",
         ("bappelitbangda",), "Indeks kepuasan masyarakat minimal 85"),
    )),
}

# -- session 4: sharing session ------------------------------------------------------------------

_QUESTIONS = (
    "Bagaimana Bapak menghadapi penolakan dari staf senior saat perubahan dimulai?",
    "Apa langkah pertama yang paling menentukan keberhasilan perubahan itu?",
    "Bagaimana meyakinkan DPRD untuk mendukung anggaran inovasi?",
    "Berapa lama sampai warga merasakan manfaat perubahan tersebut?",
    "Bagaimana menjaga inovasi tetap berjalan setelah pimpinan berganti?",
    "Apa kesalahan terbesar yang Bapak pelajari dari proses itu?",
    "Bagaimana membagi peran antar-OPD agar tidak saling menunggu?",
    "Apakah ada regulasi yang harus diubah lebih dulu?",
    "Bagaimana mengukur keberhasilan perubahan yang awalnya tidak populer?",
    "Bagaimana melibatkan warga agar mereka ikut memiliki perubahan itu?",
    "Bagaimana mengelola risiko gagal agar ASN tetap berani mencoba?",
    "Apa peran data dalam meyakinkan pimpinan dan masyarakat?",
    "Bagaimana kerja sama dengan swasta diatur agar tetap transparan?",
    "Jika memulai lagi dari awal, apa yang akan Bapak lakukan berbeda?",
    "Bagaimana menjaga semangat tim ketika hasilnya belum terlihat?",
)
_REFLECT_DO = (
    "Memulai rapat staf mingguan dengan melihat data aduan warga",
    "Memangkas satu tahap persetujuan dalam layanan perizinan di unit saya",
    "Meminta setiap bidang mengusulkan satu inovasi kecil",
    "Membuka kanal masukan warga yang dibalas paling lambat dua hari",
    "Memindahkan laporan kinerja bulanan ke dasbor daring",
    "Mengajak staf muda memimpin uji coba layanan baru",
    "Memetakan layanan unit saya yang masih memerlukan tatap muka",
    "Menyamakan tampilan media sosial unit dengan identitas kota",
    "Membuat forum belajar singkat setiap Jumat untuk berbagi praktik baik",
    "Menetapkan satu indikator kinerja yang dipantau bersama warga",
    "Berkoordinasi rutin dengan OPD lain sebelum meluncurkan program",
    "Memberi ruang bagi staf untuk mencoba tanpa takut disalahkan",
)
_REFLECT_WHEN = ("mulai bulan ini.", "mulai minggu depan.", "dan mengevaluasinya dalam tiga bulan.",
                 "sebelum akhir triwulan ini.", "bersama para kepala bidang.",
                 "agar hasilnya bisa dilihat warga.")

# -- closing -----------------------------------------------------------------------------------

_SATISFACTION = {"disruptive-city": 4.2, "presentations": 3.9, "city-branding": 4.3,
                 "sharing-session": 4.5}
_COMMENTS = (
    "Terima kasih, materinya sangat relevan dengan tugas kami.",
    "Waktu kerja kelompok terasa kurang; mohon ditambah.",
    "Menjawab lewat ponsel membuat semua orang ikut bersuara.",
    "Mohon hasil hari ini dibagikan kepada semua peserta dalam bentuk laporan.",
    "Sharing session sangat menginspirasi, terutama cerita tentang penolakan di awal.",
    "Contoh dari kota lain di Indonesia akan sangat membantu.",
    "Sebaiknya ada tindak lanjut tiga bulan lagi untuk melihat kemajuan rencana.",
    "Ruangan agak dingin, tetapi acaranya berjalan lancar.",
    "Materi city branding membuka wawasan; perlu pelatihan lanjutan.",
    "Kelompok lintas OPD sangat baik untuk koordinasi.",
    "Jadwalnya padat; istirahat bisa sedikit lebih panjang.",
    "Fasilitator menjaga diskusi tetap fokus dan tepat waktu.",
    "Semoga rencana aksi hari ini benar-benar masuk ke RKPD.",
    "Grafik hasil penilaian langsung di layar sangat membantu diskusi.",
    "Perlu melibatkan camat dan lurah pada kegiatan berikutnya.",
    "Terima kasih kepada narasumber yang terbuka berbagi pengalaman.",
    "Kegiatan seperti ini perlu diadakan setiap tahun.",
    "Mohon bahan paparan dikirim sebelum acara agar bisa dipelajari.",
    "Dot voting membuat prioritas gagasan cepat terlihat.",
    "Sebaiknya ada sesi khusus tentang penganggaran inovasi.",
    "Diskusi kelompok paling bermanfaat karena bisa mendengar pandangan OPD lain.",
    "Mohon rencana aksi kelompok dipantau oleh Bappelitbangda.",
    "Penilaian antar kelompok membuat presentasi lebih serius.",
    "Materi kota disruptif perlu diperdalam dengan studi kasus {city}.",
    "Sesi tanya jawab dengan narasumber sebaiknya lebih panjang.",
    "Terima kasih, acara dimulai dan selesai tepat waktu.",
    "Perlu contoh anggaran dan regulasi yang dipakai kota lain.",
    "Hasil dot voting sebaiknya dibahas dalam rapat pimpinan berikutnya.",
    "Konsumsi dan tempat baik, suara pengeras di belakang kurang jelas.",
    "Akan lebih baik jika perwakilan warga ikut di sesi city branding.",
    "Pertanyaan di ponsel memudahkan peserta yang segan bertanya langsung.",
    "Mohon ada grup komunikasi untuk melanjutkan diskusi setelah hari ini.",
)


def _clamp(x: float, lo: int = 1, hi: int = 5) -> int:
    return max(lo, min(hi, round(x)))


def _pick_distinct(rng: Random, pool: tuple[str, ...] | list[str], n: int) -> list[str]:
    """``n`` texts of ``pool``: all different while the pool lasts, then drawn again."""
    if n <= len(pool):
        return rng.sample(list(pool), n)
    return rng.sample(list(pool), len(pool)) + [rng.choice(pool) for _ in range(n - len(pool))]


def _combos(rng: Random, n: int, *parts: tuple[str, ...]) -> list[tuple[str, ...]]:
    """``n`` distinct combinations of one element of each part (repeats only when exhausted)."""
    sizes = [len(p) for p in parts]
    total = 1
    for s in sizes:
        total *= s
    picks = rng.sample(range(total), min(n, total))
    picks += [rng.randrange(total) for _ in range(n - len(picks))]
    out = []
    for k in picks:
        combo = []
        for part, size in zip(parts, sizes, strict=True):
            k, i = divmod(k, size)
            combo.append(part[i])
        out.append(tuple(combo))
    return out


class _Day:
    """The made-up room answering the day, one activity after another."""

    def __init__(self, store: WorkshopStore, rng: Random, members: dict[int, list[str]]):
        self.store = store
        self.rng = rng
        self.members = {g: people for g, people in members.items() if people}
        self.people = [p for people in self.members.values() for p in people]
        self.group_of = {p: g for g, people in self.members.items() for p in people}
        self.city = store.pack.city.short_name

    def named(self, value: Any) -> Any:
        """``value`` with ``{city}`` in every text replaced by the city's short name."""
        if isinstance(value, str):
            return value.replace("{city}", self.city)
        if isinstance(value, dict):
            return {k: self.named(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.named(v) for v in value]
        return value

    def speaker(self, group_id: int) -> str:
        """The member who types the group's answer."""
        return self.rng.choice(self.members[group_id])

    def submit(self, activity_id: str, participant_id: str, answer: dict[str, Any]) -> None:
        self.store.submit(activity_id, participant_id, self.named(answer), require_open=False)

    def the_rest(self, rng: Random) -> None:
        """Every activity the reference day left unanswered (another pack's, a new kind's):
        its kind's demo answer (:meth:`Kind.demo_answer <cityworkshop.kinds.Kind.demo_answer>`)
        from each subject; a board kind gets a few questions."""
        from .kinds import kind_of

        store, owners = self.store, self.store.owners()
        counts = store.submission_counts()
        asked = store.question_counts()
        for activity in store.pack.program.activities:
            kind = kind_of(activity)
            if counts[activity.id]["subjects"] or activity.id in asked:
                continue
            items = store.items_of(activity)
            if kind.board:
                for person in rng.sample(self.people, min(5, len(self.people))):
                    text = kind.demo_answer(activity, items, owners, rng)["text"]
                    store.ask(activity.id, person, text, require_open=False)
                continue
            if activity.needs_items and not items:
                continue  # e.g. votes over ideas nobody wrote
            speakers = ([self.speaker(g) for g in self.members] if activity.scope == "group"
                        else list(self.people))
            for person in speakers:
                abouts: list[int | None] = [None]
                if activity.peer:
                    mine = self.group_of[person]
                    abouts = [g for g in self.members if g != mine]
                for about in abouts:
                    answer = kind.demo_answer(activity, items, owners, rng)
                    if about is not None:
                        answer["about"] = about
                    self.submit(activity.id, person, answer)

    # session 1 --------------------------------------------------------------------------------

    def scoring(self) -> None:
        rng = self.rng
        activity = self.store.activity("disruptive-scoring")
        for group_id in self.members:
            bias = rng.uniform(-0.6, 0.6)
            # Two revisions per group: a first draft, then the group's final answer.
            for revision in range(2):
                scores: dict[str, dict[str, int]] = {}
                reasons: dict[str, str] = {}
                for item in activity.items:
                    now, target = _BASELINE.get(item.id, (3.0, 4.0))
                    n = _clamp(now + bias + rng.gauss(0, 0.7))
                    t = max(n, _clamp(target + bias / 2 + rng.gauss(0, 0.5)))
                    scores[item.id] = {"now": n, "target": t}
                    if revision == 1 and rng.random() < 0.6:
                        reasons[item.id] = _REASONS.get(item.id, "")
                self.submit(activity.id, self.speaker(group_id),
                            {"scores": scores, "reasons": reasons})

    def ideas(self) -> None:
        rng = self.rng
        activity = self.store.activity("liveable-ideas")
        known = {it.id for it in activity.items}
        pool = [(c, text) for c, texts in _IDEAS.items() if c in known for text in texts]
        rng.shuffle(pool)
        for group_id in self.members:
            n = rng.randint(3, min(5, activity.max_entries))
            if len(pool) < n:  # more groups than ideas: deal the pack again
                pool += rng.sample([(c, t) for c, ts in _IDEAS.items() if c in known for t in ts],
                                   sum(map(len, _IDEAS.values())))
            mine, pool = pool[:n], pool[n:]
            self.submit(activity.id, self.speaker(group_id),
                        {"entries": [{"text": text, "item": c} for c, text in mine]})

    def idea_votes(self) -> None:
        rng = self.rng
        activity = self.store.activity("idea-votes")
        items = self.store.items_of(activity)
        if not items:
            return
        appeal = {it.id: rng.lognormvariate(0, 0.7) for it in items}
        group_names = {g.id: g.name for g in self.store.list_groups()}
        budget, cap = activity.budget, activity.max_per_item or activity.budget
        for person in self.people:
            own = group_names[self.group_of[person]]
            ids = [it.id for it in items]
            weights = [appeal[it.id] * (1.6 if it.help and it.help.get("id") == own else 1.0)
                       for it in items]
            dots = budget if rng.random() < 0.9 else budget - 1
            points: dict[str, int] = {}
            for _ in range(dots * 4):
                if sum(points.values()) >= dots:
                    break
                pick = rng.choices(ids, weights)[0]
                if points.get(pick, 0) < cap:
                    points[pick] = points.get(pick, 0) + 1
            self.submit(activity.id, person, {"points": points})

    # session 2 --------------------------------------------------------------------------------

    def presentations(self) -> None:
        rng = self.rng
        rating = self.store.activity("presentation-rating")
        feedback = self.store.activity("presentation-feedback")
        groups = [g.id for g in self.store.list_groups()]
        quality = {g: rng.gauss(0, 0.45) for g in groups}
        for rater in self.members:
            severity = rng.gauss(0, 0.3)
            for about in groups:
                if about == rater:
                    continue
                scores = {it.id: {d.id: _clamp(3.7 + quality[about] + severity
                                                + _PEER_OFFSET.get(it.id, 0.0) + rng.gauss(0, 0.6),
                                                rating.scale_min, rating.scale_max)
                                  for d in rating.dimensions}
                          for it in rating.items}
                self.submit(rating.id, self.speaker(rater), {"scores": scores, "about": about})
        for rater in self.members:
            for about in groups:
                if about == rater:
                    continue
                n_str = rng.choice((1, 1, 2))
                n_sug = rng.choice((1, 1, 2))
                entries = ([{"text": s, "item": "strength"} for s in rng.sample(_STRENGTHS, n_str)]
                           + [{"text": s, "item": "suggestion"}
                              for s in rng.sample(_SUGGESTIONS, n_sug)])
                self.submit(feedback.id, self.speaker(rater),
                            {"entries": entries[:feedback.max_entries], "about": about})

    # session 3 --------------------------------------------------------------------------------

    def branding(self) -> None:
        rng = self.rng
        for person, (opener, core, purpose) in zip(
                self.people, _combos(rng, len(self.people), _DEF_OPEN, _DEF_CORE, _DEF_PURPOSE),
                strict=True):
            text = f"{opener} {core} {purpose}"
            if rng.random() < 0.3:
                text += " " + rng.choice(_DEF_EXTRA)
            self.submit("branding-definition", person, {"entries": [{"text": text}]})

        levels, weights = zip(*_URGENCY_WEIGHTS.items(), strict=True)
        for person in self.people:
            score = rng.choices(levels, weights)[0]
            answer: dict[str, Any] = {"scores": {"urgency": {"score": score}}, "reasons": {}}
            if rng.random() < 0.8:
                answer["reasons"]["urgency"] = rng.choice(_URGENCY_REASONS[score])
            self.submit("branding-urgency", person, answer)

        matrix = self.store.activity("branding-initiatives")
        x, y = matrix.x_axis, matrix.y_axis
        for group_id in self.members:
            placed = rng.sample(matrix.items, rng.randint(max(1, len(matrix.items) - 2),
                                                          len(matrix.items)))
            positions = {}
            for item in sorted(placed, key=lambda it: matrix.items.index(it)):
                impact, urgency = _MATRIX.get(item.id, (3.0, 3.0))
                positions[item.id] = {"x": _clamp(impact + rng.gauss(0, 0.7), x.min, x.max),
                                      "y": _clamp(urgency + rng.gauss(0, 0.7), y.min, y.max)}
            self.submit(matrix.id, self.speaker(group_id), {"positions": positions})

        self.plans()

    def plans(self) -> None:
        from .kinds.plan import month_index, month_label

        rng = self.rng
        plan = self.store.activity("branding-plan")
        owners = self.store.owners()
        first = month_index(plan.plan_start)
        last = plan.plan_months - 1
        phases = [it.id for it in plan.items if it.id in _PLAN] or list(_PLAN)
        for group_id in self.members:
            n = rng.randint(max(4, len(phases)), min(7, plan.max_steps))
            chosen = list(phases)
            extra = [p for p in ("implement", "implement", "monitor", "audit") if p in phases]
            while len(chosen) < n:
                chosen.append(rng.choice(extra or phases))
            chosen = chosen[:n]
            used: dict[str, set[int]] = {}
            steps = []
            for phase in sorted(chosen, key=phases.index):
                (s_lo, s_hi, d_lo, d_hi), pool = _PLAN[phase]
                left = [i for i in range(len(pool)) if i not in used.setdefault(phase, set())]
                k = rng.choice(left or range(len(pool)))
                used[phase].add(k)
                what, leads, kpi = pool[k]
                valid = [o for o in leads if o in owners]
                owner = rng.choice(valid) if valid else rng.choice(owners)
                start = min(rng.randint(s_lo, s_hi), last)
                end = min(start + rng.randint(d_lo, d_hi) - 1, last)
                steps.append({"phase": phase, "what": what, "owner": owner,
                              "start": month_label(first + start),
                              "end": month_label(first + end), "kpi": kpi})
            self.submit(plan.id, self.speaker(group_id), {"steps": steps})

    # session 4 --------------------------------------------------------------------------------

    def sharing(self) -> None:
        rng = self.rng
        store = self.store
        n = rng.randint(8, min(15, len(_QUESTIONS)))
        texts = rng.sample(_QUESTIONS, n)
        askers = _pick_distinct(rng, self.people, n)
        asked = [(store.ask("leader-questions", who, self.named(text), require_open=False),
                  rng.random() + 0.2)
                 for who, text in zip(askers, texts, strict=True)]
        ids = [q for q, _ in asked]
        weights = [w ** 2 for _, w in asked]
        for person in self.people:
            k = min(rng.choice((0, 1, 2, 2, 3, 3, 4)), len(ids))
            chosen: list[int] = []
            while len(chosen) < k:
                q = rng.choices(ids, weights)[0]
                if q not in chosen:
                    chosen.append(q)
            for q in chosen:
                store.vote(q, person, require_open=False)  # False for one's own: skipped
        top = [r["question_id"] for r in store.question_rows("leader-questions")][:4]
        for q in sorted(rng.sample(top, min(2, len(top)))):
            store.mark_answered(q)

        for person, (do, when) in zip(
                self.people, _combos(rng, len(self.people), _REFLECT_DO, _REFLECT_WHEN),
                strict=True):
            self.submit("reflection", person, {"entries": [{"text": f"{do} {when}"}]})

    # closing ----------------------------------------------------------------------------------

    def closing(self) -> None:
        rng = self.rng
        activity = self.store.activity("satisfaction")
        for person in self.people:
            mood = rng.gauss(0, 0.4)
            scores = {}
            for item in activity.items:
                if item.id in _SATISFACTION:
                    scores[item.id] = {"score": _clamp(_SATISFACTION[item.id] + mood
                                                       + rng.gauss(0, 0.5))}
            sessions = [v["score"] for v in scores.values()]
            for item in activity.items:
                if item.id not in _SATISFACTION:  # "overall": follows the sessions
                    base = sum(sessions) / len(sessions) if sessions else 4.2
                    scores[item.id] = {"score": _clamp(base + rng.gauss(0, 0.3))}
            self.submit(activity.id, person, {"scores": scores})

        commenters = [p for p in self.people if rng.random() < 0.6]
        texts = _pick_distinct(rng, _COMMENTS, len(commenters))
        for person, text in zip(commenters, texts, strict=True):
            self.submit("closing-comments", person, {"entries": [{"text": text}]})


def seed_answers(store: WorkshopStore, rng: Random, *, participants_per_group: int = 8) -> None:
    """Join made-up participants to every group and answer every activity of the day for them.

    Everything is drawn from ``rng``, in a fixed order: the same seed gives the same answers.
    Answers are stored with ``require_open=False``; no activity is opened.
    """
    members: dict[int, list[str]] = {}
    used: set[str] = set()
    for group in store.list_groups():
        members[group.id] = []
        for _ in range(participants_per_group):
            while True:
                name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
                if name not in used:
                    used.add(name)
                    break
            members[group.id].append(store.join(group.code, name).id)

    day = _Day(store, rng, members)
    if not day.people:
        return
    # the reference day's activities; a program without one of them skips that part
    for part in (day.scoring, day.ideas, day.idea_votes, day.presentations, day.branding,
                 day.sharing, day.closing):
        try:
            part()
        except NotFound:
            continue
    day.the_rest(Random(rng.random()))


def make_demo(path: str | Path, *, seed: int = DEMO_SEED, groups: int | None = None,
              participants_per_group: int = 8, program: str = "tangsel-elp",
              content: str | Path | None = None) -> WorkshopStore:
    """Create a demo workshop at ``path`` (which must not exist) and return its open store.

    ``program`` and ``content`` (a city's own pack folder) as for
    :meth:`WorkshopStore.create <cityworkshop.store.WorkshopStore.create>`. The made-up answers
    follow the reference day's activity ids; texts name the pack's city. ``groups``: default
    the program's ``groups_default``.
    """
    store = WorkshopStore.create(path, groups=groups, demo=True, seed=seed, program=program,
                                 content=content)
    seed_answers(store, Random(seed), participants_per_group=participants_per_group)
    return store
