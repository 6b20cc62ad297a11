"""Word-frequency chart of text answers: the room's most used words as ranked bars.

Charts layer: draws :func:`~cityworkshop.analysis.word_frequencies`; words are escaped.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ..i18n import t
from . import _base_layout, _empty, _escape
from . import _style as S

__all__ = ["word_chart"]


def word_chart(freqs: pd.DataFrame, lang: str = "id", *, demo: bool = False) -> go.Figure:
    """The most frequent words, most frequent on top.

    Parameters
    ----------
    freqs
        :func:`~cityworkshop.analysis.word_frequencies` (columns ``word``, ``count``).
    lang
        ``"id"`` or ``"en"``.
    demo
        Show the demo banner under the title.

    Returns
    -------
    Figure
        One horizontal ``bar`` trace in the order of ``freqs`` (reversed y axis).
    """
    title = t("chart.words_title", lang)
    if freqs.empty:
        return _empty(title, lang, demo)
    count_label = _escape(t("chart.word_count", lang))
    fig = go.Figure([dict(type="bar",
        x=freqs["count"].tolist(),
        y=[_escape(w) for w in freqs["word"]],
        orientation="h",
        text=[str(int(c)) for c in freqs["count"]],
        textposition="outside",
        cliponaxis=False,
        textfont={"size": S.FONT},
        marker={"color": "#2a9d8f"},
        hovertemplate=f"<b>%{{y}}</b><br>{count_label}: %{{x}}<extra></extra>",
    )])
    _base_layout(fig, title, lang, demo,
        height=S.clamp(S.top_margin(demo) + 80 + 24 * len(freqs)),  # at most one screen
        xaxis={"title": {"text": count_label},
               "range": [0, float(freqs["count"].max()) * 1.12 + 0.5],
               "dtick": 1 if freqs["count"].max() <= 10 else None},
        yaxis={"autorange": "reversed", "automargin": True, "tickfont": {"size": S.SMALL},
               "ticklabelstandoff": 10, "type": "category"},
        bargap=0.2,
    )
    return fig
