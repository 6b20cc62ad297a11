"""Plotly figures of the scale results: radar, group x criterion heatmap, gap ranking.

The charts layer: each function takes an analysis frame (:mod:`cityworkshop.analysis`), the
:class:`~cityworkshop.content.Activity` for labels and scale, and a language. Charts never query
the store. Sized and lettered for a projector; participant free text in hover labels is
HTML-escaped; a demo workshop shows the demo banner under the title; no data gives a figure that
says so instead of an error.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from .. import palette as P
from ..content import Activity
from ..i18n import t
from ..markup import escape
from . import _style as S

__all__ = [
    "agenda_chart",
    "gap_chart",
    "heatmap_chart",
    "matrix_chart",
    "peer_chart",
    "points_chart",
    "radar_chart",
    "roadmap_chart",
    "scale_bars_chart",
    "word_chart",
]

FONT_SIZE = S.FONT
HEIGHT = S.MAIN_HEIGHT
_DIMENSION_COLOURS = P.SERIES[:4]
_COLORSCALE = "RdYlGn"
_REASON_CHARS = 220


def _escape(text: object) -> str:
    """Text made safe for a plotly label: HTML special characters shown as text (plotly's
    labels know only ``<``, ``>`` and ``&`` as markup: quotes stay quotes)."""
    return escape(text, quote=False)


def _wrap(text: str, width: int) -> str:
    """Escape ``text``, then break it into lines of at most ``width`` characters with ``<br>``."""
    lines = textwrap.wrap(str(text), width=width, break_on_hyphens=False,
                          break_long_words=False) or [""]
    return "<br>".join(_escape(line) for line in lines)


def _item_labels(activity: Activity, lang: str) -> dict[str, str]:
    return {it.id: it.label.get(lang) for it in activity.items}


_TEMPLATE: go.layout.Template | None = None


def _template() -> go.layout.Template:
    """A small white template, built once: the look of plotly_white without its cost
    (plotly validates a full named template on every figure: ~45 ms against ~5 ms here)."""
    global _TEMPLATE
    if _TEMPLATE is None:
        import plotly.io as pio

        white = pio.templates["plotly_white"].layout
        grid = {"gridcolor": P.GRID, "zerolinecolor": P.GRID, "linecolor": P.GRID}
        _TEMPLATE = go.layout.Template(layout={
            "paper_bgcolor": "white", "plot_bgcolor": "white", "colorway": white.colorway,
            "colorscale": white.colorscale,
            "polar": {"bgcolor": "white",
                      "radialaxis": {"gridcolor": P.GRID, "linecolor": P.GRID},
                      "angularaxis": {"gridcolor": P.GRID, "linecolor": P.GRID}},
        })
        fonts = S.layout_fonts()
        _TEMPLATE.layout = _merge(_TEMPLATE.layout.to_plotly_json(), _merge(fonts, {
            "font": {"color": P.CHART_INK},
            "xaxis": {**grid, "automargin": True}, "yaxis": {**grid, "automargin": True}}))
    return _TEMPLATE


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """``extra`` over ``base``, nested dicts merged key by key (as ``update_layout`` does)."""
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _base_layout(fig: go.Figure, title: str, lang: str, demo: bool, **layout: Any) -> go.Figure:
    """The house layout (title, demo banner, template, fonts) plus a chart's own ``layout``,
    set in one assignment: ``update_layout`` goes through plotly's relayout machinery and cost
    2-3x as much (about 12 ms against 5 ms a chart), the biggest share of a refresh."""
    subtitle = {"text": _escape(t("demo.banner", lang)),
                "font": {"color": P.ALERT, "size": S.SUBTITLE}}
    base = {
        "title": {"text": _escape(title), "font": {"size": S.TITLE}, "x": 0.02,
                  "xanchor": "left", **({"subtitle": subtitle} if demo else {})},
        "template": _template(),
        "font": {"size": S.FONT},
        "height": S.MAIN_HEIGHT,
        "margin": {"t": S.top_margin(demo), "l": 40, "r": 40, "b": 40},
        "hoverlabel": {"font": {"size": S.HOVER}, "align": "left"},
    }
    fig.layout = _merge(fig.layout.to_plotly_json(), _merge(base, layout))
    return fig


def _empty(title: str, lang: str, demo: bool) -> go.Figure:
    """A figure that says there is nothing to show yet."""
    fig = go.Figure()
    _base_layout(fig, title, lang, demo,
        height=S.EMPTY_HEIGHT,
        xaxis={"visible": False},
        yaxis={"visible": False},
        annotations=[{"text": _escape(t("chart.empty", lang)), "showarrow": False,
                      "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5,
                      "font": {"size": S.TITLE, "color": P.MUTED}}],
    )
    return fig


def _translucent(colour: str, alpha: float = 0.18) -> str:
    """``#rrggbb`` as an rgba colour, so that overlapping polygons stay visible."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _nan_to_none(values: list[float]) -> list[float | None]:
    return [None if v is None or (isinstance(v, float) and math.isnan(v)) else v for v in values]


def radar_chart(
    summary: pd.DataFrame, activity: Activity, lang: str = "id", *, demo: bool = False
) -> go.Figure:
    """The room's mean per criterion, one closed polygon per dimension (e.g. now vs target).

    Parameters
    ----------
    summary
        :func:`~cityworkshop.analysis.summarize_scale` by ``("item_id", "field")``.
    activity
        The scale activity: item labels, dimensions and the scale's range.
    lang
        ``"id"`` or ``"en"``.
    demo
        Show the demo banner under the title.

    Returns
    -------
    Figure
        One ``scatterpolar`` trace per dimension that has scores, in the activity's item order;
        the first point is repeated at the end to close the polygon. Radial range is the scale.
    """
    title = t("chart.radar_title", lang)
    if summary.empty:
        return _empty(title, lang, demo)
    labels = _item_labels(activity, lang)
    order = [it.id for it in activity.items]
    fig = go.Figure()
    for i, dim in enumerate(activity.dimensions):
        rows = summary[summary["field"] == dim.id].set_index("item_id").reindex(order)
        if rows["mean"].isna().all():
            continue
        theta = [_wrap(labels[item], 16) for item in order]
        means = _nan_to_none(rows["mean"].tolist())
        counts = [0 if pd.isna(c) else int(c) for c in rows["count"]]
        colour = _DIMENSION_COLOURS[i % len(_DIMENSION_COLOURS)]
        fig.add_trace(dict(type="scatterpolar",
            r=[*means, means[0]],
            theta=[*theta, theta[0]],
            customdata=[*counts, counts[0]],
            name=_escape(dim.label.get(lang)),
            mode="lines+markers",
            fill="toself",
            fillcolor=_translucent(colour),
            line={"color": colour, "width": 3},
            marker={"size": 8},
            connectgaps=True,
            hovertemplate=(f"<b>%{{theta}}</b><br>{_escape(dim.label.get(lang))}: "
                           f"%{{r:.2f}}<br>{_escape(t('chart.count', lang))}: %{{customdata}}"
                           "<extra></extra>"),
        ))
    # Main chart: fits under the control panel. The legend sits to the right of the polar
    # area, the criteria (wrapped) around it, in the margins kept for them.
    _base_layout(fig, title, lang, demo,
        height=S.MAIN_HEIGHT,
        polar={"radialaxis": {"range": [activity.scale_min, activity.scale_max],
                              "dtick": 1, "tickfont": {"size": S.SMALL},
                              "angle": 90 - 180 / max(len(order), 1)},  # between two items
               "angularaxis": {"tickfont": {"size": S.SMALL}, "direction": "clockwise"},
               "domain": {"x": [0.0, 1.0]}},
        legend={"x": 0.76, "xanchor": "left", "y": 0.5, "yanchor": "middle",
                "font": {"size": S.VALUE}},
        margin={"l": 120, "r": 20, "t": S.top_margin(demo) + 52, "b": 52},  # room for labels
    )
    return fig


def _reason_cells(
    matrix: pd.DataFrame, reasons: pd.DataFrame | None
) -> list[list[str]]:
    """Per heatmap cell, the group's reason for the item: escaped, shortened, wrapped."""
    lookup: Mapping[tuple[str, str], str] = {}
    if reasons is not None and not reasons.empty:
        lookup = {(r.group, r.item_id): r.text for r in reasons.itertuples(index=False)}
    cells = []
    for group in matrix.index:
        row = []
        for item in matrix.columns:
            text = lookup.get((group, item), "")
            if len(text) > _REASON_CHARS:
                text = text[: _REASON_CHARS - 1] + "…"
            row.append(_wrap(text, 48) if text else "")
        cells.append(row)
    return cells


def heatmap_chart(
    matrix: pd.DataFrame,
    activity: Activity,
    lang: str = "id",
    *,
    reasons: pd.DataFrame | None = None,
    demo: bool = False,
) -> go.Figure:
    """Mean score per group (rows) and criterion (columns), coloured on the scale, values shown.

    Parameters
    ----------
    matrix
        :func:`~cityworkshop.analysis.group_item_matrix` (groups x item ids).
    activity
        The scale activity: item labels and the scale's range (the colour range).
    lang
        ``"id"`` or ``"en"``.
    reasons
        Optional :func:`~cityworkshop.analysis.scale_reasons`: each group's reason appears in
        the hover label of its cell, HTML-escaped.
    demo
        Show the demo banner under the title.
    """
    title = t("chart.heatmap_title", lang)
    if matrix.empty or matrix.isna().all().all():
        return _empty(title, lang, demo)
    labels = _item_labels(activity, lang)
    values = [_nan_to_none(row) for row in matrix.to_numpy(dtype="float64").tolist()]
    text = [["" if v is None else f"{v:.1f}" for v in row] for row in values]
    x = [_wrap(labels.get(item, item), 11) for item in matrix.columns]
    y = [_escape(g) for g in matrix.index]
    fig = go.Figure([dict(type="heatmap",
        z=values,
        x=x,
        y=y,
        text=text,
        texttemplate="%{text}",
        textfont={"size": S.VALUE},
        customdata=_reason_cells(matrix, reasons),
        zmin=activity.scale_min,
        zmax=activity.scale_max,
        colorscale=_COLORSCALE,
        xgap=2,
        ygap=2,
        colorbar={**S.colorbar(_escape(t("chart.mean", lang))), "dtick": 1},
        hovertemplate=("<b>%{y}</b><br>%{x}<br>" + _escape(t("chart.mean", lang))
                       + ": %{z:.1f}<br>%{customdata}<extra></extra>"),
    )])
    lines = max(x_label.count("<br>") + 1 for x_label in x)
    _base_layout(fig, title, lang, demo,
        height=S.clamp(S.top_margin(demo) + 56 * len(y) + S.LINE * lines + 40),
        xaxis={"side": "bottom", "tickangle": 0, "tickfont": {"size": S.SMALL}},
        yaxis={"autorange": "reversed", "title": {"text": _escape(t("chart.group", lang))}},
    )
    return fig


def gap_chart(
    gaps: pd.DataFrame, activity: Activity, lang: str = "id", *, demo: bool = False
) -> go.Figure:
    """Criteria ranked by gap (target minus now), largest gap on top.

    Parameters
    ----------
    gaps
        :func:`~cityworkshop.analysis.scale_gaps` for the room (not by group).
    activity
        The scale activity: item labels.
    lang
        ``"id"`` or ``"en"``.
    demo
        Show the demo banner under the title.

    Returns
    -------
    Figure
        One horizontal ``bar`` trace; rows in the order of ``gaps`` sorted by gap descending
        (criteria without a gap left out) and a reversed y axis, so the largest is on top.
    """
    title = t("chart.gap_title", lang)
    rows = gaps.dropna(subset=["gap"]).sort_values(["gap", "item_id"],
                                                  ascending=[False, True], kind="stable")
    if rows.empty:
        return _empty(title, lang, demo)
    labels = _item_labels(activity, lang)
    dims = {d.id: d.label.get(lang) for d in activity.dimensions}
    now_label = _escape(dims.get("now", "now"))
    target_label = _escape(dims.get("target", "target"))
    fig = go.Figure([dict(type="bar",
        x=rows["gap"].tolist(),
        y=[_escape(labels.get(item, item)) for item in rows["item_id"]],
        orientation="h",
        text=[f"{g:+.1f}" for g in rows["gap"]],
        textposition="outside",
        cliponaxis=False,
        textfont={"size": S.VALUE},
        marker={"color": P.ACCENT},
        customdata=rows[["now", "target"]].to_numpy().tolist(),
        hovertemplate=(f"<b>%{{y}}</b><br>{now_label}: %{{customdata[0]:.2f}}<br>"
                       f"{target_label}: %{{customdata[1]:.2f}}<br>"
                       f"{_escape(t('chart.gap', lang))}: %{{x:.2f}}<extra></extra>"),
    )])
    top = max(float(rows["gap"].max()), 0.0)
    low = min(float(rows["gap"].min()), 0.0)
    _base_layout(fig, title, lang, demo,
        height=S.clamp(S.top_margin(demo) + 110 + 38 * len(rows)),
        xaxis={"title": {"text": _escape(t("chart.gap", lang))},
               "range": [low - 0.1 if low < 0 else 0, top * 1.15 + 0.1], "zeroline": True},
        yaxis={"autorange": "reversed", "automargin": True, "tickfont": {"size": S.FONT},
               "ticksuffix": "  "},
        bargap=0.25,
    )
    return fig


# One module per activity kind, and the day's timeline; imported last: they use the helpers above.
from .agenda import agenda_chart  # noqa: E402
from .matrix import matrix_chart  # noqa: E402
from .peer import peer_chart  # noqa: E402
from .plan import roadmap_chart  # noqa: E402
from .points import points_chart  # noqa: E402
from .scale_bars import scale_bars_chart  # noqa: E402
from .text import word_chart  # noqa: E402
