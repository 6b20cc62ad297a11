"""Mean per item of a one-dimension scale (urgency, satisfaction), with the number of answers.

Charts layer: draws :func:`~cityworkshop.analysis.summarize_scale` for scales that have no
"now/target" pair, where a radar says little.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from .. import palette as P
from ..content import Activity
from ..i18n import t
from . import _base_layout, _empty, _escape, _item_labels, _wrap
from . import _style as S

__all__ = ["scale_bars_chart"]


def scale_bars_chart(
    summary: pd.DataFrame, activity: Activity, lang: str = "id", *, demo: bool = False
) -> go.Figure:
    """Mean score per item as horizontal bars, in the activity's item order, with the count.

    Parameters
    ----------
    summary
        :func:`~cityworkshop.analysis.summarize_scale` (by ``item_id`` and ``field``, or by
        ``item_id`` alone). Only the activity's first dimension is drawn.
    activity
        The scale activity: item labels, title, scale range and scale labels (the ticks).
    lang
        ``"id"`` or ``"en"``.
    demo
        Show the demo banner under the title.

    Returns
    -------
    Figure
        One horizontal ``bar`` trace: x = mean, y = item label, text ``mean (n=count)``.
    """
    title = activity.title.get(lang)
    rows = summary
    if "field" in rows.columns and activity.dimensions:
        rows = rows[rows["field"] == activity.dimensions[0].id]
    order = [it.id for it in activity.items]
    rows = rows.dropna(subset=["mean"]).set_index("item_id")
    rows = rows.reindex([i for i in order if i in rows.index]
                        + [i for i in rows.index if i not in order])
    if rows.empty:
        return _empty(title, lang, demo)
    labels = _item_labels(activity, lang)
    mean_label = _escape(t("chart.mean", lang))
    count_label = _escape(t("chart.count", lang))
    counts = [int(c) for c in rows["count"]]
    fig = go.Figure([dict(type="bar",
        x=rows["mean"].tolist(),
        y=[_wrap(labels.get(i, i), 28) for i in rows.index],
        orientation="h",
        text=[f"{m:.1f}  (n={c})" for m, c in zip(rows["mean"], counts, strict=True)],
        textposition="outside",
        cliponaxis=False,
        textfont={"size": S.VALUE},
        customdata=counts,
        marker={"color": P.ACCENT},
        hovertemplate=(f"<b>%{{y}}</b><br>{mean_label}: %{{x:.2f}}<br>"
                       f"{count_label}: %{{customdata}}<extra></extra>"),
    )])
    lo, hi = activity.scale_min, activity.scale_max
    ticks = list(range(lo, hi + 1))
    ticktext = [f"{v}<br>{_wrap(activity.scale_labels[v].get(lang), 14)}"
                if v in activity.scale_labels else str(v) for v in ticks]
    y_lines = sum(label.count("<br>") + 1 for label in (_wrap(labels.get(i, i), 28)
                                                         for i in rows.index))
    x_lines = max(text.count("<br>") + 1 for text in ticktext)
    _base_layout(fig, title, lang, demo,  # the main chart: under the control panel
        height=S.clamp(S.top_margin(demo) + 30 + max(S.LINE * y_lines + 12 * len(rows),
                                                    44 * len(rows)) + S.LINE * x_lines,
                       S.MAIN_HEIGHT),
        xaxis={"range": [lo - 0.5 if lo > 0 else lo, hi + 0.9], "tickvals": ticks,
               "ticktext": ticktext, "tickfont": {"size": S.SMALL}, "zeroline": False},
        yaxis={"autorange": "reversed", "automargin": True, "tickfont": {"size": S.FONT},
               "ticklabelstandoff": 10},
        margin={"b": 20},
        bargap=0.3,
    )
    return fig
