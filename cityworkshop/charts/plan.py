"""The groups' roadmap: each action step as a bar from its start to its end month.

Charts layer: draws :func:`~cityworkshop.analysis.plan_steps`. Bars are grouped by group, in
plan order (the activity's phases, then start month), and coloured by phase; each row's label is
the step (wrapped) with its owner's full name under it; months are named in the chart's
language. Step text, owner and KPI are escaped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from .. import palette as P
from ..analysis.plan import drawable
from ..content import Activity, Owner, Text
from ..i18n import t
from ..kinds.plan import month_index, month_label
from . import _base_layout, _empty, _escape, _wrap
from . import _style as S

__all__ = ["drawable", "figures", "roadmap_chart"]

_PHASE_COLOURS = P.SERIES[:8]
_STEP_WRAP = 52  # characters per line of a step's label
_STEP_LINES = 3  # a longer step is shortened (its full text is in the hover label)
_GROUP_PX = 34  # the group's heading row


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


def _lines(text: str, width: int, most: int | None = None) -> list[str]:
    """``text`` (escaped) in lines of at most ``width`` characters; with ``most``, the last
    kept line ends with "…" when there was more."""
    import textwrap

    lines = textwrap.wrap(" ".join(str(text).split()), width=width, break_on_hyphens=False) or [""]
    if most is not None and len(lines) > most:
        lines = lines[:most]
        lines[-1] = lines[-1][: width - 1].rstrip() + "…"
    return [_escape(line) for line in lines]


def month_ticks(first: str, months: int, lang: str, every: int = 6) -> tuple[list[str], list[str]]:
    """Tick positions (first day of every ``every``-th month from ``first`` to ``months`` later)
    and their text: the month's short name in ``lang`` over the year ("Okt<br>2027")."""
    names = t("form.months", lang).split()
    start = month_index(first)
    vals, text = [], []
    for k in range(0, months + 1, every):
        label = month_label(start + k)
        year, mon = label.split("-")
        vals.append(f"{label}-01")
        text.append(f"{names[int(mon) - 1]}<br>{year}")
    return vals, text


def _step_number(entry: object, fallback: int) -> int:
    tail = str(entry)[1:]
    return int(tail) + 1 if tail.isdigit() else fallback


def plan_order(steps: pd.DataFrame, activity: Activity) -> pd.DataFrame:
    """The steps in plan order: groups as given, then the activity's phases, then start month,
    then the group's own numbering."""
    phase = {it.id: i for i, it in enumerate(activity.items)}
    groups = {g: i for i, g in enumerate(dict.fromkeys(steps["group"]))}
    keys = steps.assign(
        _g=steps["group"].map(groups),
        _p=steps["phase"].map(lambda p: phase.get(p, len(phase))),
        _s=steps["start"].astype(str),
        _n=[_step_number(e, i) for i, e in enumerate(steps["entry"])])
    return (keys.sort_values(["_g", "_p", "_s", "_n"], kind="stable")
            .drop(columns=["_g", "_p", "_s", "_n"]))


def roadmap_chart(
    steps: pd.DataFrame,
    activity: Activity,
    owners: Sequence[Owner] | Mapping[str, Text | str] | Sequence[str],
    lang: str = "id",
    *,
    demo: bool = False,
    per_group: bool = False,
) -> go.Figure:
    """A timeline of the action steps: one bar per step, grouped by group, coloured by phase.

    Parameters
    ----------
    steps
        :func:`~cityworkshop.analysis.plan_steps`.
    activity
        The plan activity: its phases (items, for colours, order and the legend), title and
        window (``plan_start``, ``plan_months``: the x range).
    owners
        The units that own steps: ``City.opds`` (names shown), a mapping id -> name, or ids.
    lang
        ``"id"`` or ``"en"``: labels and month names.
    demo
        Show the demo banner under the title.
    per_group
        For the projector: one group at a time (a button per group beside the chart), so that a
        group's steps fit one screen. Otherwise every group, as tall as it needs (the report).

    Returns
    -------
    Figure
        One horizontal ``bar`` trace on a date axis (base = first day of the start month,
        length up to the end of the end month) at numeric y positions (one row per step, a
        heading row per group, ``yaxis.tickvals``/``ticktext`` for the labels), in
        :func:`plan_order`; plus one legend-only trace per phase. Hover: step, phase, owner,
        period, KPI. Month ticks are ``xaxis.ticktext`` in ``lang`` (:func:`month_ticks`).
    """
    title = activity.title.get(lang)
    rows = steps.dropna(subset=["start", "end"]) if not steps.empty else steps
    if rows.empty:
        return _empty(title, lang, demo)
    rows = plan_order(rows, activity)
    phases = {it.id: it.label.get(lang) for it in activity.items}
    colour = {pid: _PHASE_COLOURS[i % len(_PHASE_COLOURS)] for i, pid in enumerate(phases)}
    names = _owner_names(owners, lang)
    phase_l, owner_l = _escape(t("chart.phase", lang)), _escape(t("chart.owner", lang))
    period_l, kpi_l = _escape(t("chart.period", lang)), _escape(t("chart.kpi", lang))
    ys, bases, lengths, colours, hovers = [], [], [], [], []
    tickvals: list[float] = []
    ticktext: list[str] = []
    spans: dict[str, tuple[float, float]] = {}  # group -> (top, bottom) in px
    blocks: list[tuple[str, float, float]] = []  # (group, top, bottom): heading + first step,
    dividers: list[float] = []                   # then each further step
    y = 0.0
    group = None
    for n, r in enumerate(rows.itertuples(index=False)):
        if r.group != group:
            if group is not None:
                spans[group] = (spans[group][0], y)
                dividers.append(y)
            group = r.group
            spans[group] = (y, y)
            tickvals.append(y + _GROUP_PX / 2)
            ticktext.append(f"<b>{_escape(group)}</b>")
            blocks.append((group, y, y))  # the heading, joined to the first step below
            y += _GROUP_PX
        owner = names.get(r.owner, str(r.owner))
        what = _lines(f"{_step_number(r.entry, n + 1)}. {r.what}", _STEP_WRAP, _STEP_LINES)
        who = [f'<span style="color:{P.OWNER_INK}">{line}</span>'
               for line in _lines(owner, _STEP_WRAP)]
        label = what + who
        height = S.LINE * len(label) + 14
        tickvals.append(y + height / 2)
        ticktext.append("<br>".join(label))
        start, stop = _month_start(r.start), _after(r.end)
        ys.append(y + height / 2)
        bases.append(start.isoformat())
        lengths.append((dt.datetime.combine(stop, dt.time()) -
                        dt.datetime.combine(start, dt.time())).total_seconds() * 1000)
        colours.append(colour.get(r.phase, P.GREY))
        hovers.append(
            f"<b>{_wrap(r.what, 50)}</b><br>{phase_l}: {_escape(phases.get(r.phase, r.phase))}"
            f"<br>{owner_l}: {_escape(owner)}<br>{period_l}: {_escape(r.start)} – "
            f"{_escape(r.end)}<br>{kpi_l}: {_wrap(r.kpi, 50)}")
        if blocks[-1][0] == group and blocks[-1][1] == blocks[-1][2]:
            blocks[-1] = (group, blocks[-1][1], y + height)  # a heading stays with its step
        else:
            blocks.append((group, y, y + height))
        y += height
    assert group is not None
    spans[group] = (spans[group][0], y)
    main = dict(type="bar",
        y=ys,
        x=lengths,
        base=bases,
        width=S.ROW - 12,
        orientation="h",
        marker={"color": colours, "line": {"width": 1, "color": "white"}},
        customdata=hovers,
        hovertemplate="%{customdata}<extra></extra>",
        showlegend=False,
    )
    used = [pid for pid in phases if pid in set(rows["phase"])]
    legend = [dict(type="bar", x=[None], y=[ys[0]], orientation="h",
                   name=_wrap(phases[pid], 26 if per_group else 60),
                   marker={"color": colour[pid]}, hoverinfo="skip", showlegend=True)
              for pid in used]
    fig = go.Figure(data=[main, *legend])  # at once: add_trace re-lays out for each trace
    first = _month_start(activity.plan_start)
    last = _month_start(month_label(month_index(activity.plan_start) + activity.plan_months))
    vals, text = month_ticks(activity.plan_start, activity.plan_months, lang)
    top = S.top_margin(demo) + 2 * S.LINE + 8  # title, then the months on top
    shapes = [{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "yref": "y", "y0": d,
               "y1": d, "line": {"color": P.DIVIDER, "width": 2}} for d in dividers]
    layout: dict[str, Any] = dict(
        barmode="overlay",
        xaxis={"type": "date", "range": [first.isoformat(), last.isoformat()],
               "tickvals": vals, "ticktext": text, "showgrid": True,
               "gridcolor": P.ROADMAP_GRID, "side": "top", "tickfont": {"size": S.SMALL}},
        yaxis={"range": [y, 0], "tickvals": tickvals, "ticktext": ticktext,
               "automargin": True, "tickfont": {"size": S.SMALL}, "showgrid": False,
               "zeroline": False, "ticklabelstandoff": 8},
        shapes=shapes,
        bargap=0.25,
    )
    if per_group:
        # Pages of at most one screen: a group per page, a long group on more than one.
        room = S.SCREEN_HEIGHT - top - 24
        pages: list[tuple[str, float, float]] = []
        for g, a, b in blocks:
            if pages and pages[-1][0] == g and b - pages[-1][1] <= room:
                pages[-1] = (g, pages[-1][1], b)
            else:
                pages.append((g, a, b))
        tallest = max(b - a for _, a, b in pages)
        count = {g: sum(p[0] == g for p in pages) for g in spans}
        seen: dict[str, int] = {}
        buttons = []
        for g, a, _b in pages:
            seen[g] = seen.get(g, 0) + 1
            label = _escape(g) + (f" ({seen[g]}/{count[g]})" if count[g] > 1 else "")
            buttons.append({"label": label, "method": "relayout",
                            "args": [{"yaxis.range": [a + tallest, a]}]})
        layout["yaxis"]["range"] = [pages[0][1] + tallest, pages[0][1]]
        layout.update(
            height=S.clamp(top + tallest + 24),
            # A drop-down, not a button per page: any number of pages fits above the legend.
            updatemenus=[{"type": "dropdown", "direction": "down", "buttons": buttons,
                          "active": 0, "showactive": True, "x": 1.02, "xanchor": "left",
                          "y": 1, "yanchor": "top", "font": {"size": S.FONT},
                          "bgcolor": P.PANEL, "pad": {"t": 0, "l": 0}}],
            legend={"x": 1.02, "xanchor": "left", "y": 1 - 56 / tallest, "yanchor": "top",
                    "font": {"size": S.SMALL}, "title": {"text": phase_l}},
            margin={"t": top, "b": 24, "r": 20},
        )
    else:
        legend_lines = (len(used) + 1) // 2
        layout.update(
            height=top + y + 40 + 26 * legend_lines + 20,
            legend={"orientation": "h", "x": 0, "y": -0.01, "yanchor": "top",
                    "font": {"size": S.SMALL}, "title": {"text": phase_l}},
            margin={"t": top, "b": 40 + 26 * legend_lines},
        )
    _base_layout(fig, title, lang, demo, **layout)
    return fig


def figures(activity: Activity, summaries: Mapping[str, Any], lang: str = "id", *,
            demo: bool = False, projector: bool = True) -> dict[str, go.Figure]:
    """``roadmap``: the steps on a timeline; on the projector one group at a time."""
    return {"roadmap": roadmap_chart(drawable(summaries["steps"]), activity,
                                     summaries["owners"], lang, demo=demo, per_group=projector)}
