"""The guided notebooks' city-specific texts: defaults with placeholders, filled from the pack.

Content layer (plain text, no Jupyter module). Every sentence of a guided notebook that names the
city, its government, its time zone, a session's times or an activity's numbers is one entry
here, keyed by name; a program may give its own text for any key (``narrative:`` in
``programs/<id>.yaml``, ``{id: ..., en: ...}``), else the default below is used. Placeholders:

- of the city: ``{city}`` (short name), ``{city_name}``, ``{province}``, ``{government}``,
  ``{tz}`` (e.g. WIB)
- of the day: ``{start}``, ``{end}`` (first and last session), ``{sessions}`` (their titles)
- of the activity the text is about: ``{title}``, ``{scale}`` (e.g. 1–5), ``{dimensions}``,
  ``{axes}``, ``{n_items}``, ``{max_entries}``, ``{budget}``, ``{max_per_item}``

:mod:`cityworkshop.facilitator.narrative` shows them in the notebooks (Markdown, Bahasa Indonesia
first, the other language in italics).

>>> from cityworkshop.content import load_pack
>>> narrative_text(load_pack(), "thanks", "en").startswith("Thank you to every participant")
True
"""

from __future__ import annotations

import string
from typing import Any

from .content import ContentPack, Session, Text

__all__ = ["HEADINGS", "NARRATIVE", "PLACEHOLDERS", "narrative_heading", "narrative_problems",
           "narrative_text", "session_lines"]


def _t(id_: str, en: str) -> Text:
    return Text(id=id_, en=en)


# key -> the heading above the text (None: no heading)
HEADINGS: dict[str, Text | None] = {
    "day": None,
    "timeline": None,
    "material": _t("Materi: kriteria dan fakta {city}", "Material: criteria and facts of {city}"),
    "scoring": _t("Cara penilaian kelompok", "How the groups score"),
    "ideas": _t("{title}", "{title}"),
    "votes": _t("{title}", "{title}"),
    "urgency": _t("2. {title}", "2. {title}"),
    "initiatives": _t("3. {title}", "3. {title}"),
    "plan": _t("4. {title}", "4. {title}"),
    "thanks": _t("Terima kasih · Thank you", "Thank you · Terima kasih"),
}

NARRATIVE: dict[str, Text] = {
    "day": _t("Satu hari, {start}–{end} {tz}: {sessions}.",
              "One day, {start}–{end} {tz}: {sessions}."),
    "timeline": _t(
        "Blok abu-abu: sesi menurut agenda. Batang biru: kapan setiap kegiatan benar-benar "
        "dibuka untuk peserta (hijau: sedang dibuka). Waktu dalam {tz}.",
        "Grey blocks: the sessions as planned. Blue bars: when each activity was actually open "
        "to participants (green: open now). Times in {tz}."),
    "material": _t(
        "Tampilkan materi ini saat narasumber memaparkan. Fakta bertanda **belum "
        "terverifikasi** perlu dicek ulang sebelum dikutip.",
        "Show this material during the talk. Facts marked **unverified** need checking before "
        "they are quoted."),
    "scoring": _t(
        "1. Setiap kelompok berdiskusi, lalu satu anggota mengisi jawaban kelompok di ponsel. "
        "Anggota lain boleh mengubahnya; jawaban terakhir yang berlaku.\n"
        "2. Untuk setiap kriteria, kelompok menilai {city} **{scale}**: {dimensions}, ditambah "
        "alasan singkat bila perlu.\n"
        "3. Fasilitator menekan **Buka untuk peserta**, memantau berapa kelompok sudah menjawab, "
        "lalu menekan **Tutup** saat waktu habis.",
        "1. Each group discusses, then one member fills in the group's answer on a phone. Other "
        "members may change it; the latest answer counts.\n"
        "2. For each criterion the group scores {city} **{scale}**: {dimensions}, with a short "
        "reason if they like.\n"
        "3. The facilitator presses **Buka untuk peserta** (open), watches how many groups have "
        "answered, then presses **Tutup** (close) when time is up."),
    "ideas": _t(
        "Setiap kelompok menulis **sampai {max_entries} gagasan konkret** dan menghubungkan "
        "setiap gagasan dengan **satu kriteria** kota disruptif di atas. Mulailah dari "
        "kesenjangan terbesar. Di dinding jawaban, fasilitator dapat **menyematkan** gagasan yang "
        "ingin dibahas (tampil paling depan) dan mengetik **sintesis ruangan**.",
        "Each group writes **up to {max_entries} concrete ideas** and links each to **one "
        "criterion** of the disruptive city above. Start from the largest gaps. On the answer "
        "wall the facilitator can **pin** ideas to discuss (shown first) and type **the room's "
        "synthesis**."),
    "votes": _t(
        "Setiap peserta punya **{budget} poin** untuk diberikan pada gagasan kelompok mana pun "
        "yang paling layak dikerjakan, **paling banyak {max_per_item} poin** untuk satu gagasan. "
        "Buka kegiatan ini setelah semua kelompok menulis gagasan: daftar gagasan diambil dari "
        "jawaban di atas. Sembunyikan hasil sampai semua memilih, agar pilihan awal tidak "
        "memengaruhi yang lain.",
        "Each participant has **{budget} points** to put on any group's ideas most worth "
        "pursuing, **at most {max_per_item} points** on one idea. Open this after every group has "
        "written its ideas: the list comes from the answers above. Keep the results hidden until "
        "everyone has voted, so that early votes do not sway the rest."),
    "urgency": _t(
        "Setiap peserta memberi nilai {scale} dan alasannya. Grafik: rata-rata dan jumlah "
        "jawaban; di bawahnya alasan per kelompok (tanpa nama).",
        "Every participant scores {scale} with a reason. Chart: the mean and the number of "
        "answers; below, the reasons by group (no names)."),
    "initiatives": _t(
        "Setiap kelompok menempatkan {n_items} inisiatif pada dua sumbu: {axes}. Titik kecil: "
        "setiap suara kelompok; titik besar: rata-rata ruangan. Kuadran kanan atas adalah "
        "prioritas utama.",
        "Each group places {n_items} initiatives on two axes: {axes}. Small dots: each group's "
        "vote; large dots: the room's average. The top-right quadrant is the top priority."),
    "plan": _t(
        "Setiap kelompok menyusun langkah mengikuti {n_items} tahap Govers dan Go: untuk setiap "
        "langkah **apa**, **OPD penanggung jawab**, **bulan mulai dan selesai**, dan **KPI**. "
        "Peta jalan: satu batang per langkah, warna menurut tahap; arahkan kursor untuk membaca "
        "KPI.",
        "Each group lays out steps along Govers and Go's {n_items} stages: for each step "
        "**what**, the **owning OPD**, the **start and end month** and a **KPI**. Roadmap: one "
        "bar per step, coloured by stage; hover to read the KPI."),
    "thanks": _t(
        "Terima kasih kepada seluruh peserta, narasumber, dan {government} atas waktu, gagasan "
        "dan keterbukaannya hari ini.\n\n"
        "**Penyerahan laporan.** Semua jawaban hari ini (penilaian, gagasan, pilihan, umpan "
        "balik, rencana, pertanyaan dan refleksi) tersimpan dalam satu berkas lokakarya. "
        "Fasilitator menyusun laporan dari berkas itu, ditampilkan per kelompok tanpa nama "
        "peserta, dan menyerahkannya kepada penyelenggara sebagai bahan tindak lanjut.",
        "Thank you to every participant, the speakers and {government} for your time, ideas "
        "and openness today.\n\n"
        "**Hand-over of the report.** Every answer of the day (scores, ideas, votes, feedback, "
        "plans, questions and reflections) is kept in one workshop file. The facilitator builds "
        "the report from it, shown by group without participants' names, and hands it to the "
        "organisers for the follow-up."),
}

PLACEHOLDERS = ("city", "city_name", "province", "government", "tz", "start", "end", "sessions",
                "title", "scale", "dimensions", "axes", "n_items", "max_entries", "budget",
                "max_per_item")


class _Keep(dict[str, str]):
    def __missing__(self, key: str) -> str:  # an unknown placeholder stays as it was written
        return "{" + key + "}"


def _government(pack: ContentPack, lang: str) -> str:
    gov: Text | None = getattr(pack.city, "government", None)
    if gov is not None:
        return gov.get(lang)
    return f"Pemerintah {pack.city.name}" if lang != "en" else f"the government of {pack.city.name}"


def _values(pack: ContentPack, lang: str, activity_id: str | None) -> dict[str, str]:
    sessions = pack.program.sessions
    values = {
        "city": pack.city.short_name, "city_name": pack.city.name,
        "province": pack.city.province, "government": _government(pack, lang),
        "tz": pack.city.timezone_label,
        "start": f"{sessions[0].start:%H:%M}", "end": f"{sessions[-1].end:%H:%M}",
        "sessions": "; ".join(s.title.get(lang) for s in sessions if s.kind != "break"),
    }
    if activity_id is not None:
        values.update(_activity_values(pack, activity_id, lang))
    return values


def _activity_values(pack: ContentPack, activity_id: str, lang: str) -> dict[str, str]:
    a = pack.program.activity(activity_id)

    def get(name: str) -> Any:
        return getattr(a, name, None)

    both = " dan " if lang != "en" else " and "
    dims = [f"**{d.get(lang)}**" for d in (x.label for x in get("dimensions") or ())]
    axes = []
    for axis in (get("x_axis"), get("y_axis")):
        if axis is not None:
            span = (f" ({axis.low.get(lang)}–{axis.high.get(lang)})"
                    if axis.low is not None and axis.high is not None else "")
            axes.append(f"**{axis.label.get(lang)}**{span}")
    out = {"title": a.title.get(lang), "n_items": str(len(get("items") or ())),
           "dimensions": both.join([", ".join(dims[:-1]), dims[-1]] if len(dims) > 1 else dims),
           "axes": both.join(axes)}
    if get("scale_min") is not None and get("scale_max") is not None:
        out["scale"] = f"{get('scale_min')}–{get('scale_max')}"
    for name in ("max_entries", "budget", "max_per_item"):
        if get(name) is not None:
            out[name] = str(get(name))
    return out


def _own(pack: ContentPack) -> dict[str, Text]:
    return dict(getattr(pack.program, "narrative", None) or {})


def narrative_text(pack: ContentPack, key: str, lang: str, activity: str | None = None) -> str:
    """The text ``key`` in ``lang``: the program's own (``narrative:``) or the default, with
    its placeholders filled from the pack (and from ``activity``, the activity it is about).

    Raises
    ------
    KeyError
        ``key`` is not a known text.
    """
    text = _own(pack).get(key) or NARRATIVE[key]
    return text.get(lang).format_map(_Keep(_values(pack, lang, activity)))


def narrative_heading(pack: ContentPack, key: str, lang: str,
                      activity: str | None = None) -> str | None:
    """The heading above the text ``key`` in ``lang``, filled like the text (None: none)."""
    heading = HEADINGS.get(key)
    if heading is None:
        return None
    return heading.get(lang).format_map(_Keep(_values(pack, lang, activity)))


def session_lines(pack: ContentPack, notebook: str, lang: str) -> list[str]:
    """One line per session of the program shown in ``notebook``: times, title, description."""
    out = []
    for s in pack.program.sessions:
        if s.notebook != notebook:
            continue
        out.append(_session_line(s, pack.city.timezone_label, lang))
    return out


def _session_line(s: Session, tz: str, lang: str) -> str:
    word = "Sesi" if lang != "en" else "Session"
    line = f"**{word} {s.start:%H:%M}–{s.end:%H:%M} {tz} · {s.title.get(lang)}.**"
    if s.description is not None:
        line += f" {s.description.get(lang)}"
    return line


def narrative_problems(pack: ContentPack) -> list[tuple[str, str]]:
    """(field, message) for every text of the program's ``narrative:`` that would not show:
    an unknown key, or a placeholder that is not one of :data:`PLACEHOLDERS`."""
    out: list[tuple[str, str]] = []
    known = ", ".join(NARRATIVE)
    for key, text in _own(pack).items():
        if key not in NARRATIVE:
            out.append((f"narrative.{key}", (f"unknown text key {key!r} in narrative "
                                            f"(known: {known})")))
            continue
        for lang in ("id", "en"):
            try:
                names = [f for _, f, _, _ in string.Formatter().parse(text.get(lang)) if f]
            except ValueError as e:
                out.append((f"narrative.{key}.{lang}", (f"{e}; write a single {{ or }} as {{{{ "
                                                       "or }}")))
                continue
            for name in names:
                if name not in PLACEHOLDERS:
                    out.append((f"narrative.{key}.{lang}",
                                (f"unknown placeholder {{{name}}} (known: "
                                f"{', '.join('{' + p + '}' for p in PLACEHOLDERS)})")))
    return out

