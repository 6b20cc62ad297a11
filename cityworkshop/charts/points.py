"""Dot-voting results: items ranked by the points they received.

Charts layer: draws :func:`~cityworkshop.analysis.summarize_points`; item labels (a group's
idea text) are escaped, wrapped and shortened, the full text is in the hover label.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from .. import palette as P
from ..content import Item
from ..i18n import t
from . import _base_layout, _empty, _escape, _wrap
from . import _style as S

__all__ = ["figures", "points_chart"]

_LABEL_CHARS = 140  # two lines of _WRAP
_WRAP = 72


def _short(text: str, n: int = _LABEL_CHARS) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _unique(labels: list[str]) -> list[str]:
    """Category labels made distinct (two identical ideas stay two bars): a zero-width space
    is appended to each repeat."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        n = seen.get(label, 0)
        seen[label] = n + 1
        out.append(label + "\u200b" * n)
    return out


def points_chart(
    summary: pd.DataFrame, items: Sequence[Item], lang: str = "id", *, demo: bool = False,
    height: int | None = S.MAIN_HEIGHT,
) -> go.Figure:
    """Items ranked by points, the most chosen on top; items with 0 points stay visible.

    As many of the top items as fit ``height`` are drawn (at least three; the title then says
    "n of N"); ``height=None`` draws them all, as tall as they need.

    Parameters
    ----------
    summary
        :func:`~cityworkshop.analysis.summarize_points` (sorted by points).
    items
        The items voted on (``WorkshopStore.items_of(activity)``): the label of each bar, and
        its ``help`` (the idea's group) as a prefix.
    lang
        ``"id"`` or ``"en"``.
    demo
        Show the demo banner under the title.

    height
        The most px the figure may take (the main chart of a points activity shares the screen
        with the control panel), or None.

    Returns
    -------
    Figure
        One horizontal ``bar`` trace: x = points, in the order of ``summary`` (its first rows).
    """
    title = t("chart.points_title", lang)
    if summary.empty or int(summary["points"].sum()) == 0:
        return _empty(title, lang, demo)
    by_id = {it.id: it for it in items}
    labels, hovers = [], []
    for item_id in summary["item_id"]:
        it = by_id.get(item_id)
        text = it.label.get(lang) if it else str(item_id)
        group = it.help.get(lang) if it and it.help else ""
        prefix = f"{group}: " if group else ""
        labels.append(_wrap(prefix + _short(text), _WRAP))
        hovers.append(_wrap(prefix + text, 60))
    fixed = S.top_margin(demo) + 70  # title, x axis and its title

    def rows_px(label: str) -> int:
        return S.LINE * (label.count("<br>") + 1) + 16

    shown = len(labels)
    if height is not None:
        used, shown = fixed, 0
        for label in labels:
            if used + rows_px(label) > height and shown >= 3:
                break
            used += rows_px(label)
            shown += 1
    total = len(labels)
    if shown < total:
        title = f"{title} ({t('chart.top_of', lang, n=shown, total=total)})"
        summary, labels, hovers = summary.iloc[:shown], labels[:shown], hovers[:shown]
    points_label = _escape(t("chart.points", lang))
    voters_label = _escape(t("chart.voters", lang))
    fig = go.Figure([dict(type="bar",
        x=summary["points"].tolist(),
        y=_unique(labels),
        orientation="h",
        text=[str(int(p)) for p in summary["points"]],
        textposition="outside",
        cliponaxis=False,
        textfont={"size": S.VALUE},
        customdata=[[h, int(v)] for h, v in zip(hovers, summary["voters"], strict=True)],
        marker={"color": P.ORANGE},
        hovertemplate=(f"%{{customdata[0]}}<br><b>{points_label}: %{{x}}</b><br>"
                       f"{voters_label}: %{{customdata[1]}}<extra></extra>"),
    )])
    top = float(summary["points"].max())
    need = fixed + sum(rows_px(label) for label in labels)
    _base_layout(fig, title, lang, demo,
        height=max(S.EMPTY_HEIGHT, need if height is None else min(need, height)),
        xaxis={"title": {"text": points_label}, "range": [0, top * 1.12 + 0.5]},
        yaxis={"autorange": "reversed", "automargin": True, "tickfont": {"size": S.SMALL},
               "ticklabelstandoff": 10, "type": "category"},
        bargap=0.25,
    )
    return fig


def figures(activity: Any, summaries: Mapping[str, Any], lang: str = "id", *,
            demo: bool = False, projector: bool = True) -> dict[str, go.Figure]:
    """``points``: the items ranked by points (an idea deleted since keeps its points,
    labelled "(dihapus)")."""
    return {"points": points_chart(summaries["points"], summaries["items"], lang, demo=demo)}
