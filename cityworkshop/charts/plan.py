"""The groups' roadmap: each action step as a bar from its start to its end month.

Charts layer: draws :func:`~cityworkshop.analysis.plan_steps`. Bars are grouped by group and
coloured by phase (the activity's items); step text, owner and KPI are escaped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from ..answers.plan import month_index, month_label
from ..content import Activity, Owner, Text
from ..i18n import t
from . import _base_layout, _empty, _escape, _wrap

__all__ = ["roadmap_chart"]

_PHASE_COLOURS = ("#1f5fa8", "#e07b00", "#2a9d8f", "#8e44ad", "#c0392b", "#6d8b00", "#b8860b",
                  "#d6336c")
_STEP_CHARS = 34


def _month_start(month: str) -> dt.date:
    year, mon = month.split("-")
    return dt.date(int(year), int(mon), 1)


def _after(month: str) -> dt.date:
    """The first day after ``month`` ends."""
    return _month_start(month_label(month_index(month) + 1))


def _owner_names(owners: Any, lang: str) -> dict[str, str]:
    """Owner id -> name, from ``City.opds`` (Owner objects), a mapping or plain ids."""
    if isinstance(owners, Mapping):
        return {k: v.get(lang) if isinstance(v, Text) else str(v) for k, v in owners.items()}
    names = {}
    for o in owners or ():
        if isinstance(o, Owner):
            names[o.id] = o.name.get(lang)
        else:
            names[str(o)] = str(o)
    return names


def _short(text: str, n: int = _STEP_CHARS) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def roadmap_chart(
    steps: pd.DataFrame,
    activity: Activity,
    owners: Sequence[Owner] | Mapping[str, Text | str] | Sequence[str],
    lang: str = "id",
    *,
    demo: bool = False,
) -> go.Figure:
    """A timeline of the action steps: one bar per step, grouped by group, coloured by phase.

    Parameters
    ----------
    steps
        :func:`~cityworkshop.analysis.plan_steps`.
    activity
        The plan activity: its phases (items, for colours and the legend), title and window
        (``plan_start``, ``plan_months``: the x range).
    owners
        The units that own steps: ``City.opds`` (names shown), a mapping id -> name, or ids.
    lang
        ``"id"`` or ``"en"``.
    demo
        Show the demo banner under the title.

    Returns
    -------
    Figure
        One horizontal ``bar`` trace on a date axis (base = first day of the start month,
        length up to the end of the end month), y = (group, step) as a two-level category axis;
        plus one legend-only trace per phase. Hover: step, phase, owner, period, KPI.
    """
    title = activity.title.get(lang)
    rows = steps.dropna(subset=["start", "end"]) if not steps.empty else steps
    if rows.empty:
        return _empty(title, lang, demo)
    phases = {it.id: it.label.get(lang) for it in activity.items}
    colour = {pid: _PHASE_COLOURS[i % len(_PHASE_COLOURS)] for i, pid in enumerate(phases)}
    names = _owner_names(owners, lang)
    phase_l, owner_l = _escape(t("chart.phase", lang)), _escape(t("chart.owner", lang))
    period_l, kpi_l = _escape(t("chart.period", lang)), _escape(t("chart.kpi", lang))
    groups, labels, bases, lengths, colours, texts, hovers = [], [], [], [], [], [], []
    for n, r in enumerate(rows.itertuples(index=False)):
        start, stop = _month_start(r.start), _after(r.end)
        owner = names.get(r.owner, str(r.owner))
        groups.append(_escape(r.group))
        # The step number keeps two identical step texts apart on the category axis.
        labels.append(f"{int(str(r.entry)[1:]) + 1 if str(r.entry)[1:].isdigit() else n + 1}. "
                      f"{_escape(_short(r.what))}")
        bases.append(start.isoformat())
        lengths.append((dt.datetime.combine(stop, dt.time()) -
                        dt.datetime.combine(start, dt.time())).total_seconds() * 1000)
        colours.append(colour.get(r.phase, "#6b7280"))
        texts.append(_escape(_short(owner, 28)))
        hovers.append(
            f"<b>{_wrap(r.what, 50)}</b><br>{phase_l}: {_escape(phases.get(r.phase, r.phase))}"
            f"<br>{owner_l}: {_escape(owner)}<br>{period_l}: {_escape(r.start)} – "
            f"{_escape(r.end)}<br>{kpi_l}: {_wrap(r.kpi, 50)}")
    main = dict(type="bar",
        y=[groups, labels],
        x=lengths,
        base=bases,
        orientation="h",
        marker={"color": colours, "line": {"width": 1, "color": "white"}},
        text=texts,
        textposition="auto",
        insidetextanchor="start",
        textfont={"size": 14},
        insidetextfont={"size": 14, "color": "white"},
        outsidetextfont={"size": 14, "color": "#374151"},
        cliponaxis=False,
        customdata=hovers,
        hovertemplate="%{customdata}<extra></extra>",
        showlegend=False,
    )
    used = [pid for pid in phases if pid in set(rows["phase"])]
    legend = [dict(type="bar", x=[None], y=[[groups[0]], [labels[0]]], orientation="h",
                     name=_escape(phases[pid]), marker={"color": colour[pid]},
                     hoverinfo="skip", showlegend=True) for pid in used]
    fig = go.Figure(data=[main, *legend])  # at once: add_trace re-lays out for each trace
    first = _month_start(activity.plan_start)
    last = _month_start(month_label(month_index(activity.plan_start) + activity.plan_months))
    _base_layout(fig, title, lang, demo,
        barmode="overlay",
        height=max(400, 220 + 34 * len(rows)),
        xaxis={"type": "date", "range": [first.isoformat(), last.isoformat()],
               "dtick": "M3", "tickformat": "%b<br>%Y", "showgrid": True,
               "gridcolor": "#e5e7eb", "side": "top", "tickfont": {"size": 14}},
        yaxis={"autorange": "reversed", "automargin": True, "tickfont": {"size": 14},
               "dividercolor": "#9ca3af", "dividerwidth": 2},
        legend={"orientation": "h", "x": 0, "y": -0.02, "yanchor": "top",
                "font": {"size": 15}, "title": {"text": phase_l}},
        uniformtext={"minsize": 14, "mode": "show"},
        margin={"t": 150 if demo else 120, "b": 90},
        bargap=0.25,
    )
    return fig
