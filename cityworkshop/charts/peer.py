"""Peer ratings: how the other groups rated each presenting group, per rubric item.

Charts layer: draws :func:`~cityworkshop.analysis.summarize_peer`; group names are escaped.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from .. import palette as P
from ..content import Activity
from ..i18n import t
from . import _base_layout, _empty, _escape, _item_labels, _wrap
from . import _style as S

__all__ = ["peer_chart"]

_COLOURS = P.SERIES[:6]


def peer_chart(
    summary: pd.DataFrame, activity: Activity, lang: str = "id", *, demo: bool = False
) -> go.Figure:
    """Mean peer score per presenting group (x) and rubric item (one bar colour per item).

    Parameters
    ----------
    summary
        :func:`~cityworkshop.analysis.summarize_peer`.
    activity
        The peer-rating scale: item labels, title and scale range (the y range).
    lang
        ``"id"`` or ``"en"``.
    demo
        Show the demo banner under the title.

    Returns
    -------
    Figure
        One ``bar`` trace per rubric item in the activity's order (grouped bars); x = the
        presenting groups in group order, y = mean; hover shows the number of ratings.
    """
    title = activity.title.get(lang)
    if summary.empty:
        return _empty(title, lang, demo)
    labels = _item_labels(activity, lang)
    groups = (summary.drop_duplicates("about_group_id").sort_values("about_group_id"))
    x = [_escape(g) for g in groups["about_group"]]
    mean_l, count_l = _escape(t("chart.mean", lang)), _escape(t("chart.count", lang))
    order = [it.id for it in activity.items]
    items = [i for i in order if i in set(summary["item_id"])]
    items += sorted(set(summary["item_id"]) - set(order))
    fig = go.Figure()
    for k, item in enumerate(items):
        rows = (summary[summary["item_id"] == item].set_index("about_group_id")
                .reindex(groups["about_group_id"]))
        means = [None if pd.isna(m) else float(m) for m in rows["mean"]]
        counts = [0 if pd.isna(c) else int(c) for c in rows["count"]]
        name = _escape(labels.get(item, item))
        fig.add_trace(dict(type="bar",
            x=x, y=means, name=_wrap(labels.get(item, item), 26),
            marker={"color": _COLOURS[k % len(_COLOURS)]},
            text=["" if m is None else f"{m:.1f}" for m in means],
            textposition="outside", cliponaxis=False, textfont={"size": S.SMALL},
            customdata=counts,
            hovertemplate=(f"<b>%{{x}}</b><br>{name}<br>{mean_l}: %{{y:.2f}}<br>"
                           f"{count_l}: %{{customdata}}<extra></extra>"),
        ))
    _base_layout(fig, title, lang, demo,
        barmode="group",
        height=S.MAIN_HEIGHT,  # the main chart: under the control panel on one screen
        xaxis={"title": {"text": _escape(t("chart.presenting_group", lang))},
               "tickfont": {"size": S.FONT}, "type": "category"},
        yaxis={"title": {"text": mean_l}, "range": [0, activity.scale_max + 0.6], "dtick": 1},
        legend={"x": 1.02, "xanchor": "left", "y": 1, "yanchor": "top",
                "font": {"size": S.SMALL}, "tracegroupgap": 6},
        bargap=0.2,
        bargroupgap=0.05,
    )
    return fig
