"""cityworkshop.clock: stored UTC times in the city's zone and "10:05 WIB"; and the guard that
the pages convert times through it."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

from cityworkshop.clock import clock, to_zone

PACKAGE = Path(__file__).resolve().parent.parent / "cityworkshop"
JAKARTA = ZoneInfo("Asia/Jakarta")


def test_a_stored_time_in_the_city_zone() -> None:
    for when in ("2026-11-29T03:05:00+00:00", "2026-11-29T03:05:00",
                 dt.datetime(2026, 11, 29, 3, 5, tzinfo=dt.UTC)):
        local = to_zone(when, "Asia/Jakarta")
        assert local == dt.datetime(2026, 11, 29, 10, 5, tzinfo=JAKARTA)
        assert local.utcoffset() == dt.timedelta(hours=7)
    assert to_zone("2026-11-29T03:05:00Z", JAKARTA).hour == 10  # a tzinfo, and "Z"
    assert to_zone("2026-11-29T10:05:00+07:00", "Asia/Makassar").hour == 11  # WITA


def test_now_in_the_city_zone() -> None:
    before = dt.datetime.now(dt.UTC)
    now = to_zone(None, "Asia/Jakarta")
    assert now.tzinfo is not None and now.utcoffset() == dt.timedelta(hours=7)
    assert abs((now - before).total_seconds()) < 60


def test_clock_text() -> None:
    when = dt.datetime(2026, 11, 29, 9, 41, 5)
    assert clock(when, "WIB") == "09:41 WIB"
    assert clock(when, "WITA", seconds=True) == "09:41:05 WITA"


def test_the_old_names_say_the_same() -> None:
    from cityworkshop.participant.parts import local_time

    assert local_time("2026-11-29T03:05:00+00:00", JAKARTA, "WIB") == "10:05 WIB"


def test_the_pages_convert_times_through_the_clock() -> None:
    """Only clock.py turns a time into the city's zone (content.py checks a zone's name)."""
    found = [f"{p.relative_to(PACKAGE)}:{n}"
             for p in sorted(PACKAGE.rglob("*.py")) if p.name not in ("clock.py", "content.py")
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1)
             if re.search(r"\.astimezone\((?!dt\.UTC)", line)]
    assert found == []
