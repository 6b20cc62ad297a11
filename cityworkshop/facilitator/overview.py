"""The day at a glance: agenda, group codes, planned vs actual timeline, who answered what.

Pages layer, for the overview notebook (``00_ikhtisar.ipynb``). Times are stored in UTC
(:meth:`~cityworkshop.store.WorkshopStore.events`) and shown in the city's zone (Asia/Jakarta,
WIB, for Tangsel). Groups are shown, never participants' names.

>>> agenda(store, "id")  # doctest: +SKIP
>>> group_codes(store, "id")  # doctest: +SKIP
>>> agenda_timeline(store, "id")  # doctest: +SKIP
>>> who_answered(store, "id")  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ipywidgets as widgets
import plotly.graph_objects as go

from .. import palette as P
from ..i18n import t
from ..markup import escape
from ..store import WorkshopStore
from ._html import CSS, banner, esc, local_now, to_local

__all__ = ["agenda", "agenda_timeline", "group_codes", "who_answered"]

_PLANNED = P.PLANNED
_ACTUAL = P.ACCENT
_OPEN_NOW = P.GOOD


def _label(text: str) -> str:
    return escape(text, quote=False)


def agenda(store: WorkshopStore, lang: str = "id") -> widgets.HTML:
    """The program's sessions: time, title, description, activities and notebook."""
    pack = store.pack
    prog = pack.program
    tz = pack.city.timezone_label
    rows = []
    for s in prog.sessions:
        acts = "".join(f"<li>{esc(a.title.get(lang))}</li>" for a in s.activities)
        acts_html = f'<ul style="margin:0;padding-left:18px">{acts}</ul>' if acts else ""
        desc = esc(s.description.get(lang)) if s.description else ""
        rows.append(f"<tr><td style='white-space:nowrap'><b>{s.start:%H:%M}–{s.end:%H:%M}</b></td>"
                    f"<td><b>{esc(s.title.get(lang))}</b><div class='cw-src'>{desc}</div></td>"
                    f"<td>{acts_html}</td><td class='cw-src'>{esc(s.notebook or '')}</td></tr>")
    head = "".join(f"<th>{esc(t(k, lang, tz=tz))}</th>" for k in
                   ("overview.time", "overview.session", "overview.activities",
                    "overview.notebook"))
    value = (f'{CSS}{banner(store, lang)}<div class="cw-box"><h3>{esc(prog.title.get(lang))}</h3>'
             f'<p>{esc(prog.audience.get(lang))} · {esc(prog.venue.get(lang))}</p>'
             f'<h3>{esc(t("overview.agenda", lang))}</h3>'
             f'<table class="cw-table"><tr>{head}</tr>{"".join(rows)}</table></div>')
    w = widgets.HTML(value)
    w.add_class("cw-agenda")
    return w


def group_codes(store: WorkshopStore, lang: str = "id") -> widgets.HTML:
    """Every group's join code, large enough to read from the back of the room."""
    cards = "".join(
        f'<div class="cw-code-card"><div class="cw-group">{esc(g.name)}</div>'
        f'<div class="cw-code">{esc(g.code)}</div></div>' for g in store.list_groups())
    w = widgets.HTML(f'{CSS}<div class="cw-box" style="max-width:1400px">'
                     f'<h3>{esc(t("overview.codes", lang))}</h3>'
                     f'<div class="cw-codes">{cards}</div></div>')
    w.add_class("cw-group-codes")
    return w


def _workshop_day(store: WorkshopStore, events: list[dict[str, Any]]) -> dt.date:
    """The day of the workshop: of its first event, else of its creation (local time)."""
    first = events[0]["at"] if events else store.info().created_at
    try:
        return to_local(store, first).date()
    except (TypeError, ValueError):
        return local_now(store).date()


def _intervals(store: WorkshopStore, events: list[dict[str, Any]],
               now: dt.datetime) -> list[tuple[str, dt.datetime, dt.datetime, bool]]:
    """``(activity id, opened, closed, still open)`` for every open/close pair, local time."""
    opened: dict[str, dt.datetime] = {}
    spans = []
    for e in events:
        aid, action = e.get("activity_id"), e.get("action")
        if not aid:
            continue
        when = to_local(store, e["at"])
        if action == "open":
            opened.setdefault(aid, when)
        elif action == "close" and aid in opened:
            spans.append((aid, opened.pop(aid), when, False))
    spans.extend((aid, start, max(now, start), True) for aid, start in opened.items())
    return sorted(spans, key=lambda s: s[1])


def agenda_timeline(store: WorkshopStore, lang: str = "id") -> go.Figure:
    """Planned session blocks against the actual open-close times of the activities.

    Parameters
    ----------
    store
        The workshop; actual times come from ``store.events()`` (UTC), shown in the city's zone.
    lang
        ``"id"`` or ``"en"``.

    Returns
    -------
    Figure
        One row per session: a grey bar for the planned block, blue bars for each time one of
        its activities was open (green while still open), and a red line at the current time
        when it falls on the workshop day.
    """
    pack = store.pack
    prog, city = pack.program, pack.city
    events = store.events()
    day = _workshop_day(store, events)
    now = local_now(store).replace(tzinfo=None)
    session_of = {a.id: s for s in prog.sessions for a in s.activities}
    titles = {a.id: a.title.get(lang) for a in prog.activities}
    rows = [_label(s.title.get(lang)) for s in prog.sessions]

    def ms(a: dt.datetime, b: dt.datetime) -> float:
        return max((b - a).total_seconds(), 180.0) * 1000.0  # at least 3 min: visible

    fig = go.Figure()
    starts = [dt.datetime.combine(day, s.start) for s in prog.sessions]
    ends = [dt.datetime.combine(day, s.end) for s in prog.sessions]
    fig.add_trace(go.Bar(
        name=_label(t("overview.planned", lang)), orientation="h", y=rows,
        base=[s.isoformat() for s in starts],
        x=[ms(a, b) for a, b in zip(starts, ends, strict=True)],
        marker={"color": _PLANNED, "line": {"color": P.PLANNED_LINE, "width": 1}}, width=0.8,
        hovertemplate="%{y}<br>%{base|%H:%M}–%{customdata}<extra></extra>",
        customdata=[f"{b:%H:%M}" for b in ends]))
    spans = _intervals(store, events, now)
    for still_open in (False, True):
        sel = [s for s in spans if s[3] == still_open and s[0] in session_of]
        if not sel:
            continue
        fig.add_trace(go.Bar(
            name=_label(t("overview.open_now" if still_open else "overview.actual", lang)),
            orientation="h",
            y=[_label(session_of[aid].title.get(lang)) for aid, *_ in sel],
            base=[a.isoformat() for _, a, _, _ in sel], x=[ms(a, b) for _, a, b, _ in sel],
            width=0.4, marker={"color": _OPEN_NOW if still_open else _ACTUAL},
            customdata=[[_label(titles[aid]), f"{a:%H:%M}", f"{b:%H:%M}"]
                        for aid, a, b, _ in sel],
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}–%{customdata[2]}"
                          "<extra></extra>"))
    lo = min(starts + [s[1] for s in spans]) - dt.timedelta(minutes=15)
    hi = max(ends + [s[2] for s in spans]) + dt.timedelta(minutes=15)
    if lo <= now <= hi:
        fig.add_shape(type="line", x0=now.isoformat(), x1=now.isoformat(), y0=0, y1=1,
                      xref="x", yref="paper", line={"color": P.ALERT, "width": 2, "dash": "dot"})
        fig.add_annotation(x=now.isoformat(), y=1.0, yref="paper", showarrow=False,
                           yanchor="bottom", text=_label(f"{t('overview.now', lang)} {now:%H:%M}"),
                           font={"color": P.ALERT, "size": 14})
    subtitle = ({"subtitle": {"text": _label(t("demo.banner", lang)),
                              "font": {"color": P.ALERT, "size": 15}}}
                if store.info().is_demo else {})
    fig.update_layout(
        title={"text": _label(t("overview.timeline_title", lang, tz=city.timezone_label,
                                date=f"{day:%d-%m-%Y}")),
               "font": {"size": 22}, "x": 0.02, "xanchor": "left", **subtitle},
        template="plotly_white", font={"size": 16}, barmode="overlay",
        height=140 + 52 * len(rows), margin={"t": 120, "l": 40, "r": 40, "b": 50},
        legend={"orientation": "h", "y": -0.12, "x": 0},
        xaxis={"type": "date", "tickformat": "%H:%M", "range": [lo.isoformat(), hi.isoformat()],
               "dtick": (30 if hi - lo <= dt.timedelta(hours=5) else 60) * 60 * 1000,
               "tickangle": 0, "gridcolor": P.TIMELINE_GRID},
        yaxis={"categoryorder": "array", "categoryarray": list(reversed(rows)),
               "automargin": True},
        hoverlabel={"font": {"size": 15}, "align": "left"},
    )
    return fig


#: what is counted (:attr:`Progress.unit <cityworkshop.store.Progress.unit>`) -> whose row
_SCOPE_KEYS = {"questions": "overview.scope_questions", "groups": "overview.scope_group",
               "pairs": "overview.scope_group", "participants": "overview.scope_participant"}


def who_answered(store: WorkshopStore, lang: str = "id") -> widgets.HTML:
    """A table of activity x group: ✓ for a group's answer, ``n/m`` for participants (or for
    the groups a group rated), the number of questions for a questions activity."""
    groups = store.list_groups()
    rows = []
    for session in store.pack.program.sessions:
        for act in session.activities:
            progress = store.progress(act)
            n, total, per = progress.as_tuple()
            cells = []
            for _name, done, possible in per:
                if progress.unit == "questions":
                    mark, cls = (str(done), "cw-yes") if done else ("–", "cw-no")
                elif progress.unit == "groups":
                    mark, cls = ("✓", "cw-yes") if done else ("–", "cw-no")
                else:
                    mark = f"{done}/{possible}" if possible else "–"
                    cls = "cw-yes" if done and done >= possible else ("" if done else "cw-no")
                cells.append(f'<td class="cw-mark {cls}">{mark}</td>')
            scope = t(_SCOPE_KEYS[progress.unit], lang)
            summary = f"{n}" if progress.unit == "questions" else f"{n}/{total}"
            rows.append(f"<tr><td>{esc(act.title.get(lang))}<div class='cw-src'>"
                        f"{esc(session.title.get(lang))} · {esc(scope)}</div></td>"
                        f"{''.join(cells)}<td class='cw-mark'>{summary}</td></tr>")
    head = "".join(f"<th style='text-align:center'>{esc(g.name)}</th>" for g in groups)
    value = (f'{CSS}<div class="cw-box cw-who-answered"><h3>{esc(t("overview.who_title", lang))}'
             f'</h3><table class="cw-table"><tr><th>{esc(t("overview.activity", lang))}</th>'
             f'{head}<th style="text-align:center">{esc(t("overview.total", lang))}</th></tr>'
             f'{"".join(rows)}</table>'
             f'<p class="cw-src">{esc(t("overview.legend", lang))}</p></div>')
    w = widgets.HTML(value)
    w.add_class("cw-who-answered")
    return w
