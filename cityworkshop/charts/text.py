"""Word-frequency chart of text answers: the room's most used words as ranked bars.

Charts layer: draws :func:`~cityworkshop.analysis.word_frequencies`; words are escaped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from .. import palette as P
from ..i18n import t
from . import _base_layout, _empty, _escape
from . import _style as S

__all__ = ["WORDS_PAGE", "WORDS_SHOWN", "figures", "word_chart"]


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
        marker={"color": P.TEAL},
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


WORDS_SHOWN = 20
"""Words on the projector: readable from the back of the room."""
WORDS_PAGE = 30
"""Words in the report."""


def figures(activity: Any, summaries: Mapping[str, Any], lang: str = "id", *,
            demo: bool = False, projector: bool = True) -> dict[str, go.Figure]:
    """``words``: the most used words (:data:`WORDS_SHOWN` on the projector, else
    :data:`WORDS_PAGE`)."""
    words = summaries["words"].head(WORDS_SHOWN if projector else WORDS_PAGE)
    return {"words": word_chart(words, lang, demo=demo)}
