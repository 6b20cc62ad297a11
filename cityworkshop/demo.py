"""Demo workshop: 40 made-up participants in 5 groups who have answered, seeded and reproducible.

Used by ``cityworkshop demo``, by the notebooks' CI run and by the benchmarks. The database is
marked as demo (``WorkshopInfo.is_demo``) and every view shows a "DEMO DATA" banner. Layer: it
writes through :class:`~cityworkshop.store.WorkshopStore` only.
"""

from __future__ import annotations

from pathlib import Path
from random import Random

from .store import WorkshopStore

__all__ = ["DEMO_SEED", "make_demo", "seed_answers"]

DEMO_SEED = 2008

_FIRST = ["Ahmad", "Siti", "Budi", "Dewi", "Rina", "Agus", "Yusuf", "Fitri", "Hendra", "Lestari",
          "Wahyu", "Nur", "Dian", "Eko", "Ratna", "Bambang", "Indah", "Taufik", "Maya", "Rizki"]
_LAST = ["Hidayat", "Saputra", "Wulandari", "Pratama", "Nugroho", "Permata", "Santoso", "Lubis",
         "Kusuma", "Siregar", "Rahman", "Utami", "Setiawan", "Harahap", "Purnama"]

# How the made-up room sees Tangsel now (1-5) and where it wants to be in 2029.
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
    "digital_services": "Perizinan sudah daring, tetapi banyak layanan masih harus datang ke kantor.",
    "responsive_complaints": "SIARAN dikenal warga, namun tindak lanjut antar-OPD belum terpantau.",
    "data_driven": "Data ada di tiap OPD tetapi belum terhubung dan jarang dipakai dalam rapat pimpinan.",
    "mobility": "Kemacetan di koridor Pamulang-Ciputat; angkutan umum belum terintegrasi.",
    "health_liveability": "IPM tertinggi di Banten, tetapi ruang publik dan trotoar masih kurang.",
    "digital_economy": "UMKM banyak yang sudah memakai QRIS, pendampingan masih terbatas.",
    "learning_society": "Warga muda melek digital; warga lansia masih perlu dibantu.",
    "collaboration": "Kampus dan komunitas aktif, tetapi jarang diajak merancang layanan sejak awal.",
    "environment": "Sampah masih menjadi masalah utama; data timbulan per kecamatan belum real time.",
    "city_identity": "Orang luar mengenal BSD dan Serpong, belum mengenal Tangsel sebagai satu kota.",
}


def _clamp(x: float, lo: int = 1, hi: int = 5) -> int:
    return max(lo, min(hi, round(x)))


def seed_answers(store: WorkshopStore, rng: Random, *, participants_per_group: int = 8) -> None:
    """Join made-up participants to every group and answer every activity for them."""
    members: dict[int, list[str]] = {}
    used: set[str] = set()
    for group in store.list_groups():
        for _ in range(participants_per_group):
            while True:
                name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
                if name not in used:
                    used.add(name)
                    break
            p = store.join(group.code, name)
            members.setdefault(group.id, []).append(p.id)

    activity = store.activity("disruptive-scoring")
    for group_id, people in members.items():
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
            store.submit(activity.id, rng.choice(people), {"scores": scores, "reasons": reasons},
                         require_open=False)


def make_demo(path: str | Path, *, seed: int = DEMO_SEED, groups: int = 5,
              participants_per_group: int = 8) -> WorkshopStore:
    """Create a demo workshop at ``path`` (which must not exist) and return its open store."""
    store = WorkshopStore.create(path, groups=groups, demo=True, seed=seed)
    seed_answers(store, Random(seed), participants_per_group=participants_per_group)
    return store
