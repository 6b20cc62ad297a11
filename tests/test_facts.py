"""The reference program's facts are those of the reference event, as ``shared/reference/FACTS.md``
has them (issue 11, point 3): date, venue, presenter, participants and hours.

Expected values are parsed from FACTS.md's table "The reference event" at test time, not copied
here; the test is skipped only when FACTS.md is not beside the checkout (``../shared``) or named by
``CITYWORKSHOP_FACTS``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest

from cityworkshop.content import ContentPack, load_pack

ROOT = Path(__file__).resolve().parent.parent
MONTHS = [dt.date(2000, m, 1).strftime("%B") for m in range(1, 13)]  # C locale: English


def _facts_md() -> Path | None:
    candidates = [os.environ.get("CITYWORKSHOP_FACTS"),
                  ROOT.parent / "shared" / "reference" / "FACTS.md",
                  Path("/work/shared/reference/FACTS.md")]
    return next((Path(c) for c in candidates if c and Path(c).is_file()), None)


@pytest.fixture(scope="module")
def event() -> dict[str, str]:
    """FACTS.md's "The reference event" table: fact -> value (first two columns)."""
    path = _facts_md()
    if path is None:
        pytest.skip("FACTS.md not found beside the checkout (../shared/reference/FACTS.md)")
    text = path.read_text(encoding="utf-8")
    part = text.split("## The reference event", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in part.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[0] not in ("fact", "") and not set(cells[0]) <= set("-"):
            rows[cells[0].lower()] = cells[1]
    assert {"date", "venue", "led by", "participants", "hours"} <= set(rows), rows
    return rows


@pytest.fixture(scope="module")
def pack() -> ContentPack:
    return load_pack("tangsel-elp")


def test_date_is_the_reference_events(event, pack):
    day, month, year = event["date"].split()
    assert pack.program.date == dt.date(int(year), MONTHS.index(month) + 1, int(day))


def test_venue_is_the_reference_events_and_not_in_tangsel(event, pack):
    # "Rumah Perubahan (Rhenald Kasali's institute, Jatimurni, Pondok Melati, Kota Bekasi;
    #  not in Tangerang Selatan)"
    m = re.fullmatch(r"(?P<name>[^(]+)\((?P<where>[^;)]+);\s*not in (?P<not>[^)]+)\)",
                     event["venue"])
    assert m, event["venue"]
    places = [p.strip() for p in m["where"].split(",")[1:]]  # after "Rhenald Kasali's institute"
    assert places and places[-1].startswith("Kota ")
    venue = {lang: pack.program.venue.get(lang) for lang in ("id", "en")}
    for lang, text in venue.items():
        assert text.startswith(m["name"].strip()), (lang, text)
        assert m["not"].strip() not in text, (lang, text)  # the old "..., Tangerang Selatan"
        assert places[-1].removeprefix("Kota ") in text, (lang, text)
    for place in places:  # Indonesian names the kelurahan, kecamatan and city in full
        assert place in venue["id"]


def test_presenter_is_the_reference_events(event, pack):
    # "a Senior Faculty Member of Rumah Perubahan"
    role, org = re.fullmatch(r"(?:an? )?(.+?) of (.+)", event["led by"]).groups()
    assert pack.program.presenter is not None
    for lang in ("id", "en"):
        text = pack.program.presenter.get(lang)
        assert role in text and org in text, (lang, text)


def test_participants_and_hours_are_the_reference_events(event, pack):
    # "at least 40 Eselon 2 officials of the Tangerang Selatan city government"
    n = int(re.search(r"\d+", event["participants"]).group())
    assert pack.program.participants_expected == n
    grade = re.search(r"Eselon \d", event["participants"]).group()
    assert grade in pack.program.audience.get("id") and grade in pack.program.audience.get("en")
    # "from 08:00 sharp to 15:00 WIB; lunch before the sharing session"
    start, end = re.findall(r"\d\d:\d\d", event["hours"])
    sessions = pack.program.sessions
    assert f"{sessions[0].start:%H:%M}" == start and f"{sessions[-1].end:%H:%M}" == end
    ids = [s.id for s in sessions]
    assert ids.index("lunch") + 1 == ids.index("sharing-session")


def test_the_facts_carry_their_source_and_year(event, pack):
    source = pack.program.source or ""
    assert event["date"] in source  # the news report of the event, dated
    assert str(pack.program.date.year) in source
    assert "Rumah Perubahan" in source  # the institute's address for the venue
