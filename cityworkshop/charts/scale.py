"""The figures of a scale activity: the entry point of the scale kind.

Charts layer: :func:`figures` draws, for each of the activity's figure names (decided once, by
:meth:`Kind.figure_names <cityworkshop.kinds.Kind.figure_names>`), its chart from
:func:`cityworkshop.analysis.scale.summaries`: ``radar``, ``heatmap`` and ``gaps``
(two dimensions or more), ``bars`` (one), ``peer`` (a peer rating).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import plotly.graph_objects as go

from ..content import ScaleActivity
from ..kinds import SCALE
from . import gap_chart, heatmap_chart, radar_chart
from .peer import peer_chart
from .scale_bars import scale_bars_chart

__all__ = ["figures"]


def figures(activity: ScaleActivity, summaries: Mapping[str, Any], lang: str = "id", *,
            demo: bool = False, projector: bool = True) -> dict[str, go.Figure]:
    """The scale activity's figures by name, in the order of its figure names."""
    s = summaries
    draw: dict[str, Callable[[], go.Figure]] = {
        "peer": lambda: peer_chart(s["peer"], activity, lang, demo=demo),
        "radar": lambda: radar_chart(s["summary"], activity, lang, demo=demo),
        "heatmap": lambda: heatmap_chart(s["matrix"], activity, lang, reasons=s["reasons"],
                                         demo=demo),
        "gaps": lambda: gap_chart(s["gaps"], activity, lang, demo=demo),
        "bars": lambda: scale_bars_chart(s["summary"], activity, lang, demo=demo),
    }
    return {name: draw[name]() for name in SCALE.figure_names(activity)}
