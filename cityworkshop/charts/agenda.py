"""The day's timeline: planned session blocks against the times the activities were open.

Charts layer: takes the program, the city (its zone and label) and the store's events as values
(:meth:`~cityworkshop.store.WorkshopStore.events`; the overview notebook's
:func:`~cityworkshop.facilitator.agenda_timeline` reads them), never the store. Built on the
house layout of every chart (:func:`~cityworkshop.charts._base_layout`); titles are escaped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from .. import palette as P
from ..clock import to_zone
from ..content import City, Program
from ..i18n import t
from . import _base_layout, _escape
from . import _style as S

__all__ = ["agenda_chart", "open_spans"]

_MIN_BAR_S = 180.0  # a bar is at least 3 minutes wide: an activity opened for a moment shows


def open_spans(events: Sequence[Mapping[str, Any]], zone: str, now: dt.datetime
               ) -> list[tuple[str, dt.datetime, dt.datetime, bool]]:
    """``(activity id, opened, closed, still open)`` for every open/close pair of ``events``,
    in the city's time (naive), by opening time; an activity still open ends at ``now``."""
    opened: dict[str, dt.datetime] = {}
    spans = []
    for e in events:
        aid, action = e.get("activity_id"), e.get("action")
        if not aid:
            continue
        when = to_zone(e["at"], zone).replace(tzinfo=None)
        if action == "open":
            opened.setdefault(aid, when)
        elif action == "close" and aid in opened:
            spans.append((aid, opened.pop(aid), when, False))
    spans.extend((aid, start, max(now, start), True) for aid, start in opened.items())
    return sorted(spans, key=lambda s: s[1])


def agenda_chart(program: Program, city: City, events: Sequence[Mapping[str, Any]],
                 lang: str = "id", *, day: dt.date, now: dt.datetime | None = None,
                 demo: bool = False) -> go.Figure:
    """Planned session blocks against the actual open-close times of the activities.

    Parameters
    ----------
    program, city
        The workshop's program (sessions, activities) and city (time zone and its label).
    events
        The store's events (``at`` in UTC, ``action``, ``activity_id``), oldest first.
    lang
        ``"id"`` or ``"en"``.
    day
        The workshop's day (the sessions' times are on it).
    now
        The time now in the city (naive or aware); None: the clock's.
    demo
        Show the demo banner under the title.

    Returns
    -------
    Figure
        One row per session: a grey bar for the planned block, blue bars for each time one of
        its activities was open (green while still open), and a red line at the current time
        when it falls on the workshop day.
    """
    if now is None or now.tzinfo is not None:
        now = to_zone(now, city.timezone)
    now = now.replace(tzinfo=None)  # the sessions' times are naive city times
    session_of = {a.id: s for s in program.sessions for a in s.activities}
    titles = {a.id: a.title.get(lang) for a in program.activities}
    rows = [_escape(s.title.get(lang)) for s in program.sessions]

    def ms(a: dt.datetime, b: dt.datetime) -> float:
        return max((b - a).total_seconds(), _MIN_BAR_S) * 1000.0

    starts = [dt.datetime.combine(day, s.start) for s in program.sessions]
    ends = [dt.datetime.combine(day, s.end) for s in program.sessions]
    traces: list[dict[str, Any]] = [dict(type="bar",
        name=_escape(t("overview.planned", lang)), orientation="h", y=rows,
        base=[s.isoformat() for s in starts],
        x=[ms(a, b) for a, b in zip(starts, ends, strict=True)],
        marker={"color": P.PLANNED, "line": {"color": P.PLANNED_LINE, "width": 1}}, width=0.8,
        hovertemplate="%{y}<br>%{base|%H:%M}–%{customdata}<extra></extra>",
        customdata=[f"{b:%H:%M}" for b in ends])]
    spans = open_spans(events, city.timezone, now)
    for still_open in (False, True):
        sel = [s for s in spans if s[3] == still_open and s[0] in session_of]
        if not sel:
            continue
        traces.append(dict(type="bar",
            name=_escape(t("overview.open_now" if still_open else "overview.actual", lang)),
            orientation="h",
            y=[_escape(session_of[aid].title.get(lang)) for aid, *_ in sel],
            base=[a.isoformat() for _, a, _, _ in sel], x=[ms(a, b) for _, a, b, _ in sel],
            width=0.4, marker={"color": P.GOOD if still_open else P.ACCENT},
            customdata=[[_escape(titles[aid]), f"{a:%H:%M}", f"{b:%H:%M}"]
                        for aid, a, b, _ in sel],
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}–%{customdata[2]}"
                          "<extra></extra>"))
    lo = min(starts + [s[1] for s in spans]) - dt.timedelta(minutes=15)
    hi = max(ends + [s[2] for s in spans]) + dt.timedelta(minutes=15)
    marks: dict[str, Any] = {}
    if lo <= now <= hi:
        marks = {
            "shapes": [{"type": "line", "x0": now.isoformat(), "x1": now.isoformat(),
                        "y0": 0, "y1": 1, "xref": "x", "yref": "paper",
                        "line": {"color": P.ALERT, "width": 2, "dash": "dot"}}],
            "annotations": [{"x": now.isoformat(), "y": 1.0, "yref": "paper",
                             "showarrow": False, "yanchor": "bottom",
                             "text": _escape(f"{t('overview.now', lang)} {now:%H:%M}"),
                             "font": {"color": P.ALERT, "size": S.SMALL}}],
        }
    title = t("overview.timeline_title", lang, tz=city.timezone_label, date=f"{day:%d-%m-%Y}")
    fig = go.Figure(traces)
    _base_layout(fig, title, lang, demo,
        barmode="overlay",
        height=140 + 52 * len(rows),
        margin={"t": 120, "l": 40, "r": 40, "b": 50},
        legend={"orientation": "h", "y": -0.12, "x": 0},
        xaxis={"type": "date", "tickformat": "%H:%M", "range": [lo.isoformat(), hi.isoformat()],
               "dtick": (30 if hi - lo <= dt.timedelta(hours=5) else 60) * 60 * 1000,
               "tickangle": 0, "gridcolor": P.TIMELINE_GRID},
        yaxis={"categoryorder": "array", "categoryarray": list(reversed(rows)),
               "automargin": True},
        **marks,
    )
    return fig
