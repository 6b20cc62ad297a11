"""The 2x2 matrix (e.g. impact x urgency): every placement, the room's average, the quadrants.

Charts layer: draws :func:`~cityworkshop.analysis.matrix_votes` and
:func:`~cityworkshop.analysis.summarize_matrix`. Each item's average is a large numbered marker;
the legend gives the numbers' labels, so that long labels never overlap on the plot.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from .. import palette as P
from ..content import Axis, MatrixActivity
from ..i18n import t
from . import _base_layout, _empty, _escape, _item_labels, _translucent, _wrap
from . import _style as S

__all__ = ["figures", "matrix_chart"]

_COLOURS = P.SERIES
_QUADRANT_FILLS = P.QUADRANT_FILLS  # TL, TR, BL, BR


def _axis_title(axis: Axis, lang: str, sep: str = "  ") -> str:
    label = _escape(axis.label.get(lang))
    if axis.low and axis.high:
        return (f"<b>{label}</b>{sep}({_escape(axis.low.get(lang))} → "
                f"{_escape(axis.high.get(lang))})")
    return f"<b>{label}</b>"


def _jitter(n: int, k: int, step: float = 0.11) -> tuple[float, float]:
    """The k-th of n offsets around a point, on a small ring: votes on the same cell stay
    visible instead of hiding each other."""
    if n <= 1:
        return 0.0, 0.0
    angle = 2 * math.pi * k / n
    radius = step * (1 + (k % 2) * 0.6)
    return radius * math.cos(angle), radius * math.sin(angle)


def matrix_chart(
    votes: pd.DataFrame,
    summary: pd.DataFrame,
    activity: MatrixActivity,
    lang: str = "id",
    *,
    demo: bool = False,
) -> go.Figure:
    """Every placement (small, translucent) and each item's average (large, numbered).

    Parameters
    ----------
    votes
        :func:`~cityworkshop.analysis.matrix_votes` (one row per placement).
    summary
        :func:`~cityworkshop.analysis.summarize_matrix` (one row per item).
    activity
        The matrix activity: item labels, axes (label, range, low and high ends) and the
        quadrant names (top-left, top-right, bottom-left, bottom-right).
    lang
        ``"id"`` or ``"en"``.
    demo
        Show the demo banner under the title.

    Returns
    -------
    Figure
        Per item in the activity's order: a trace of its placements (jittered around the
        integer cell; hover shows the group and the exact values) and a trace of its average,
        named ``"<n>. <label>"`` in the legend. Quadrant names are annotations in the corners.
    """
    title = activity.title.get(lang)
    if summary.empty and votes.empty:
        return _empty(title, lang, demo)
    xa, ya = activity.x_axis, activity.y_axis
    labels = _item_labels(activity, lang)
    order = [it.id for it in activity.items]
    present = set(summary["item_id"]) | set(votes["item_id"])
    order = [i for i in order if i in present] + sorted(present - set(order))
    number = {it.id: n + 1 for n, it in enumerate(activity.items)}
    for item in order:
        number.setdefault(item, len(number) + 1)
    x_name, y_name = _escape(xa.label.get(lang)), _escape(ya.label.get(lang))
    each, avg = _escape(t("chart.each_answer", lang)), _escape(t("chart.average", lang))
    count_label = _escape(t("chart.count", lang))
    traces: list[dict[str, Any]] = []  # added at once: add_trace per trace re-lays out each time
    # Placements on the same cell are spread on a small ring around it.
    cells: dict[tuple[float, float], int] = {}
    for r in votes.itertuples(index=False):
        cells[(r.x, r.y)] = cells.get((r.x, r.y), 0) + 1
    seen: dict[tuple[float, float], int] = {}
    # Every placement in ONE trace (colour per point): a trace per item cost ~2 ms each.
    xs, ys, fills, lines, custom = [], [], [], [], []
    for item in order:
        colour = _COLOURS[(number[item] - 1) % len(_COLOURS)]
        name = f"{number[item]}. {_escape(labels.get(item, item))}"
        for r in votes[votes["item_id"] == item].itertuples(index=False):
            k = seen.get((r.x, r.y), 0)
            seen[(r.x, r.y)] = k + 1
            dx, dy = _jitter(cells[(r.x, r.y)], k)
            xs.append(r.x + dx)
            ys.append(r.y + dy)
            fills.append(_translucent(colour, 0.45))
            lines.append(colour)
            custom.append([name, _escape(r.group), r.x, r.y])
    if xs:
        traces.append(dict(type="scatter",
            x=xs, y=ys, mode="markers", showlegend=False, name=each,
            marker={"size": 11, "color": fills, "line": {"width": 1, "color": lines}},
            customdata=custom,
            hovertemplate=(f"<b>%{{customdata[0]}}</b><br>{each}: %{{customdata[1]}}<br>"
                           f"{x_name}: %{{customdata[2]:.0f}}<br>"
                           f"{y_name}: %{{customdata[3]:.0f}}<extra></extra>"),
        ))
    for item in order:
        colour = _COLOURS[(number[item] - 1) % len(_COLOURS)]
        name = f"{number[item]}. {_escape(labels.get(item, item))}"
        row = summary[summary["item_id"] == item]
        if not row.empty:
            r = row.iloc[0]
            traces.append(dict(type="scatter",
                x=[r["x_mean"]], y=[r["y_mean"]], mode="markers+text", legendgroup=item,
                name=_wrap(f"{number[item]}. {labels.get(item, item)}", 42),
                text=[str(number[item])],
                textposition="middle center",
                textfont={"size": S.SMALL, "color": "white"},
                marker={"size": 34, "color": colour, "line": {"width": 2, "color": "white"}},
                customdata=[[int(r["count"])]],
                hovertemplate=(f"<b>{name}</b><br>{avg}<br>{x_name}: %{{x:.2f}}<br>"
                               f"{y_name}: %{{y:.2f}}<br>{count_label}: "
                               "%{customdata[0]}<extra></extra>"),
            ))
    fig = go.Figure(data=traces)
    x_mid, y_mid = (xa.min + xa.max) / 2, (ya.min + ya.max) / 2
    x0, x1, y0, y1 = xa.min - 0.5, xa.max + 0.5, ya.min - 0.5, ya.max + 0.5
    shapes = []
    corners = ((x0, x_mid, y_mid, y1), (x_mid, x1, y_mid, y1),
               (x0, x_mid, y0, y_mid), (x_mid, x1, y0, y_mid))
    for fill, (a, b, c, d) in zip(_QUADRANT_FILLS, corners, strict=True):
        shapes.append({"type": "rect", "x0": a, "x1": b, "y0": c, "y1": d, "layer": "below",
                       "fillcolor": fill, "line": {"width": 0}})
    shapes += [
        {"type": "line", "x0": x_mid, "x1": x_mid, "y0": y0, "y1": y1, "layer": "below",
         "line": {"color": P.DIVIDER, "width": 2, "dash": "dash"}},
        {"type": "line", "x0": x0, "x1": x1, "y0": y_mid, "y1": y_mid, "layer": "below",
         "line": {"color": P.DIVIDER, "width": 2, "dash": "dash"}},
    ]
    annotations = []
    spots = (("left", "top", 0.0, 1.0), ("right", "top", 1.0, 1.0),
             ("left", "bottom", 0.0, 0.0), ("right", "bottom", 1.0, 0.0))
    for quad, (xanchor, yanchor, px, py) in zip(activity.quadrants, spots, strict=False):
        annotations.append({
            "text": _wrap(quad.get(lang), 26), "xref": "paper", "yref": "paper",
            "x": px, "y": py, "xanchor": xanchor, "yanchor": yanchor, "showarrow": False,
            "align": xanchor, "font": {"size": S.SMALL, "color": P.QUADRANT_INK},
            "bgcolor": P.QUADRANT_LABEL_BG, "borderpad": 4,
        })
    _base_layout(fig, title, lang, demo,
        height=S.MAIN_HEIGHT,  # the main chart: under the control panel on one screen
        shapes=shapes,
        annotations=annotations,
        xaxis={"range": [x0, x1], "dtick": 1, "title": {"text": _axis_title(xa, lang)},
               "showgrid": False, "zeroline": False},
        yaxis={"range": [y0, y1], "dtick": 1, "title": {"text": _axis_title(ya, lang, "<br>")},
               "showgrid": False, "zeroline": False},
        legend={"font": {"size": S.SMALL}, "itemsizing": "constant", "x": 1.02, "y": 1,
                "yanchor": "top", "tracegroupgap": 2},
        margin={"l": 80, "r": 20, "t": S.top_margin(demo), "b": 64},
    )
    return fig


def figures(activity: MatrixActivity, summaries: Mapping[str, Any], lang: str = "id", *,
            demo: bool = False, projector: bool = True) -> dict[str, go.Figure]:
    """``matrix``: every placement and each item's average on the 2x2."""
    return {"matrix": matrix_chart(summaries["votes"], summaries["summary"], activity, lang,
                                   demo=demo)}
