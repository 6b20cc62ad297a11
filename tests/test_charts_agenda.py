"""cityworkshop.charts.agenda: the day's timeline drawn from values (program, city, events),
on the charts' house layout: planned blocks, the times activities were open, the line at now."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from cityworkshop.charts import _style as S
from cityworkshop.charts import agenda_chart
from cityworkshop.charts.agenda import open_spans
from cityworkshop.content import load_pack

PACK = load_pack()
PROGRAM, CITY = PACK.program, PACK.city
DAY = dt.date(2026, 11, 26)
WORK = [s for s in PROGRAM.sessions if s.activities]  # the sessions with activities
FIRST = WORK[0].activities[0].id  # opened 01:10-01:40 UTC = 08:10-08:40 WIB
SECOND = WORK[1].activities[0].id  # opened at 03:00 UTC, still open
EVENTS = [
    {"at": "2026-11-26T01:10:00+00:00", "action": "open", "activity_id": FIRST},
    {"at": "2026-11-26T01:40:00+00:00", "action": "close", "activity_id": FIRST},
    {"at": "2026-11-26T02:00:00+00:00", "action": "reveal", "activity_id": FIRST},
    {"at": "2026-11-26T03:00:00+00:00", "action": "open", "activity_id": SECOND},
]
NOW = dt.datetime(2026, 11, 26, 10, 30)  # WIB


def _sizes(obj: Any) -> list[float]:
    if isinstance(obj, dict):
        own = [v["size"] for k, v in obj.items()
               if "font" in k and isinstance(v, dict) and v.get("size") is not None
               and k != "hoverlabel"]
        return own + [s for k, v in obj.items() if k != "hoverlabel" for s in _sizes(v)]
    if isinstance(obj, list):
        return [s for v in obj for s in _sizes(v)]
    return []


def test_open_spans_in_city_time() -> None:
    spans = open_spans(EVENTS, CITY.timezone, NOW)
    assert spans == [(FIRST, dt.datetime(2026, 11, 26, 8, 10), dt.datetime(2026, 11, 26, 8, 40),
                      False),
                     (SECOND, dt.datetime(2026, 11, 26, 10, 0), NOW, True)]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_planned_actual_and_now(lang: str) -> None:
    fig = agenda_chart(PROGRAM, CITY, EVENTS, lang, day=DAY, now=NOW).to_dict()
    planned, actual, still = fig["data"]
    assert len(planned["y"]) == len(PROGRAM.sessions)
    assert planned["base"][0] == f"{DAY}T{PROGRAM.sessions[0].start:%H:%M:%S}"
    assert actual["base"] == ["2026-11-26T08:10:00"] and actual["x"] == [30 * 60 * 1000.0]
    assert still["base"] == ["2026-11-26T10:00:00"] and still["x"] == [30 * 60 * 1000.0]
    assert actual["y"][0] == WORK[0].title.get(lang) and still["y"][0] == WORK[1].title.get(lang)
    assert still["customdata"][0][0] == PROGRAM.activity(SECOND).title.get(lang)
    assert fig["layout"]["shapes"][0]["x0"] == NOW.isoformat()
    assert CITY.timezone_label in fig["layout"]["title"]["text"]
    assert "26-11-2026" in fig["layout"]["title"]["text"]


def test_no_now_line_on_another_day() -> None:
    fig = agenda_chart(PROGRAM, CITY, [], "id", day=DAY, now=NOW + dt.timedelta(days=1))
    assert not fig.layout.shapes and len(fig.data) == 1


def test_an_aware_now_is_taken_in_the_city_zone() -> None:
    utc = dt.datetime(2026, 11, 26, 3, 30, tzinfo=dt.UTC)
    fig = agenda_chart(PROGRAM, CITY, [], "id", day=DAY, now=utc)
    assert fig.layout.shapes[0].x0 == NOW.isoformat()


def test_projector_letters_and_demo_banner() -> None:
    fig = agenda_chart(PROGRAM, CITY, EVENTS, "id", day=DAY, now=NOW, demo=True).to_dict()
    assert min(_sizes(fig)) >= S.MIN_FONT
    assert fig["layout"]["title"]["subtitle"]["text"]  # the demo banner under the title


def test_titles_are_escaped() -> None:
    session = PROGRAM.sessions[0]
    evil = session.model_copy(update={"title": session.title.model_copy(
        update={"id": "<b>Sesi</b> & co"})})
    program = PROGRAM.model_copy(update={"sessions": [evil, *PROGRAM.sessions[1:]]})
    fig = agenda_chart(program, CITY, [], "id", day=DAY, now=NOW).to_dict()
    assert fig["data"][0]["y"][0] == "&lt;b&gt;Sesi&lt;/b&gt; &amp; co"
