"""Tests of cityworkshop.narrative and the notebooks' texts from the pack: defaults and a program's
own texts, placeholders checked when the pack loads, the Markdown the notebooks show, and a guard
that the guided notebooks' markdown names no city, time zone or session time.
"""

from __future__ import annotations

import json
import re
import shutil
import string
from pathlib import Path

import pytest
import yaml

from cityworkshop.content import load_pack
from cityworkshop.errors import ContentError
from cityworkshop.facilitator import narrative, session_intro
from cityworkshop.narrative import (
    HEADINGS,
    NARRATIVE,
    PLACEHOLDERS,
    narrative_problems,
    narrative_text,
    session_lines,
)
from cityworkshop.packs import check_pack, load_content, problem_text

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("0*.ipynb"))


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_every_default_has_a_heading_entry_and_known_placeholders_in_both_languages():
    assert set(NARRATIVE) == set(HEADINGS)
    for key, text in NARRATIVE.items():
        assert _fields(text.id) == _fields(text.en), key
        assert _fields(text.id) <= set(PLACEHOLDERS), key


def test_defaults_are_filled_from_the_pack():
    pack = load_pack("tangsel-elp")
    scoring = narrative_text(pack, "scoring", "id", "disruptive-scoring")
    assert "menilai Tangsel **1–5**: **Sekarang** dan **Target 2029**" in scoring
    assert "Pemerintah Kota Tangerang Selatan" in narrative_text(pack, "thanks", "id")
    assert "the City Government of Tangerang Selatan" in narrative_text(pack, "thanks", "en")
    votes = narrative_text(pack, "votes", "en", "idea-votes")
    assert "**5 points**" in votes and "**at most 3 points**" in votes
    assert narrative_text(pack, "timeline", "id").endswith("Waktu dalam WIB.")
    day = narrative_text(pack, "day", "en")
    assert day.startswith("One day, 08:00–15:00 WIB: Opening; Disruptive city;")
    assert "Lunch" not in day  # breaks are not a session of the day's work


def test_a_programs_own_text_wins_and_the_city_fills_it():
    pack = load_pack("bogor-elp")
    raw = yaml.safe_load((DATA / "programs" / "bogor-elp.yaml").read_text("utf-8"))
    own = raw["narrative"]["votes"]["id"]
    assert narrative_text(pack, "votes", "id", "idea-votes") == own.format(
        budget=5, max_per_item=3, city="Kota Bogor")
    assert "8 inisiatif" not in narrative_text(pack, "initiatives", "id", "branding-initiatives")
    assert "6 inisiatif" in narrative_text(pack, "initiatives", "id", "branding-initiatives")


def test_government_defaults_to_the_citys_name():
    pack = load_pack("tangsel-elp")
    pack = pack.model_copy(update={"city": pack.city.model_copy(update={"government": None})})
    assert "dan Pemerintah Kota Tangerang Selatan atas" in narrative_text(pack, "thanks", "id")


def test_unknown_keys_and_placeholders_are_problems_of_the_program_file(tmp_path):
    folder = tmp_path / "pack"
    shutil.copytree(DATA, folder)
    prog = folder / "programs" / "bogor-elp.yaml"
    text = prog.read_text("utf-8")
    text = text.replace("narrative:\n  votes:\n",
                        "narrative:\n  vots:\n    {id: \"x\", en: \"y\"}\n  votes:\n", 1)
    text = text.replace("**{budget} poin**", "**{poin} poin**", 1)
    prog.write_text(text, "utf-8")
    with pytest.raises(ContentError) as err:
        load_content("bogor-elp", folder)
    fields = sorted(p.field for p in err.value.problems)
    assert fields == ["narrative.votes.id", "narrative.vots"]
    assert all(p.file == str(prog) for p in err.value.problems)
    lines = [problem_text(p, "id") for p in check_pack(folder)]
    assert any("key teks 'vots' tidak dikenal" in line for line in lines)
    assert any("{poin}" in line for line in lines)


def test_a_stray_brace_is_a_problem_not_a_crash():
    pack = load_pack("bogor-elp")
    text = pack.program.narrative["votes"].model_copy(update={"en": "Points { left"})
    program = pack.program.model_copy(update={"narrative": {"votes": text}})
    found = narrative_problems(pack.model_copy(update={"program": program}))
    assert [f for f, _ in found] == ["narrative.votes.en"]


def test_narrative_shows_heading_the_language_first_and_the_other_in_italics():
    pack = load_pack("tangsel-elp")
    md = narrative(pack, "ideas", "id", activity="liveable-ideas").data
    head, first, second = md.split("\n\n")
    assert head == "## Gagasan untuk Tangsel yang lebih layak huni"
    assert first.startswith("Setiap kelompok menulis **sampai 5 gagasan konkret**")
    assert second.startswith("*Each group writes **up to 5 concrete ideas**")
    assert second.endswith("*")
    en = narrative(pack, "ideas", "en", activity="liveable-ideas").data
    assert en.startswith("## Ideas for a more liveable Tangsel\n\nEach group writes")


def test_session_intro_names_the_notebooks_sessions_with_their_times():
    pack = load_pack("tangsel-elp")
    lines = session_lines(pack, "01_kota_disruptif.ipynb", "id")
    assert lines == [
        ("**Sesi 08:15–09:00 WIB · Kota disruptif.** Paparan narasumber: kota yang bergerak dengan "
        "teknologi untuk memudahkan hidup warga."),
        ("**Sesi 09:00–10:00 WIB · Kerja kelompok: Tangsel yang lebih layak huni.** Kelompok "
        "menilai Tangsel terhadap kriteria kota disruptif, menulis gagasan, lalu seluruh ruangan "
        "memilih gagasan terbaik.")]
    md = session_intro(pack, "01_kota_disruptif.ipynb", "id").data
    assert md.count("**Sesi ") == 2 and md.count("***Session ") == 2
    assert session_intro(pack, "no-such.ipynb", "id").data == ""


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_guided_notebooks_markdown_names_no_city_zone_or_session_time(path):
    """Whatever is the city's (or its program's) comes from the pack, through code cells."""
    words = set()
    for program in ("tangsel-elp", "bogor-elp"):
        pack = load_pack(program)
        words |= {pack.city.name, pack.city.short_name, pack.city.province,
                  pack.city.timezone_label, "Tangerang", "Tangsel"}
    nb = json.loads(path.read_text("utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        src = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        for word in words:
            assert word not in src, (path.name, cell["id"], word)
        assert not re.search(r"\b\d{2}:\d{2}\b", src), (path.name, cell["id"], "a clock time")
