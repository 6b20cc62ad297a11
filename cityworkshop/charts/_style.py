"""The projector's lettering and sizes, in one place for every chart.

Charts layer, private. The facilitator presents on a 1366x768 projector in JupyterLab: after
its toolbars about :data:`SCREEN_HEIGHT` px of notebook show at once. An activity's control
panel and its first ("main") chart share one screen, so a main chart is at most
:data:`MAIN_HEIGHT` px tall; every further chart is one screen at most. No text is smaller than
:data:`MIN_FONT` px (hover labels excepted: they are read up close). The colours are
:mod:`cityworkshop.palette`'s (the charts import it as ``P``): one palette for the charts,
the report and the facilitator's HTML.
"""

from __future__ import annotations

from typing import Any

__all__ = ["MAIN_HEIGHT", "MIN_FONT", "SCREEN_HEIGHT"]

SCREEN_HEIGHT = 600  # notebook px visible at 1366x768 in JupyterLab, under its toolbars
PANEL_HEIGHT = 180  # control panel + the results' header row, above the main chart
MAIN_HEIGHT = SCREEN_HEIGHT - PANEL_HEIGHT  # 420: the first chart of an activity
EMPTY_HEIGHT = 260  # "no answers yet"

MIN_FONT = 16  # the smallest text on any chart, readable from the back of the room
FONT = 17  # axis titles, ticks, legends, annotations: inherited from layout.font
SMALL = 16  # long tick labels (criteria, ideas, steps) and quadrant names
VALUE = 18  # numbers drawn on bars and cells
TITLE = 22
SUBTITLE = 16  # the demo banner under the title
HOVER = 15  # hover labels: not counted in MIN_FONT

LINE = 21  # px of one line of 16 px text (plotly: 1.3 em), for sizing wrapped labels
ROW = 34  # px of one bar of one line


def top_margin(demo: bool) -> int:
    """Room above the plot for the title (and the demo banner under it)."""
    return 100 if demo else 70


def clamp(height: float, limit: int = SCREEN_HEIGHT) -> int:
    """``height`` rounded, and at most ``limit`` (one screen by default)."""
    return int(min(round(height), limit))


def layout_fonts() -> dict[str, Any]:
    """The font sizes of the house template (layout defaults that each chart inherits)."""
    tick = {"tickfont": {"size": FONT}, "title": {"font": {"size": FONT}}}
    return {
        "font": {"size": FONT},
        "xaxis": tick, "yaxis": tick,
        "legend": {"font": {"size": FONT}, "title": {"font": {"size": FONT}}},
        "annotationdefaults": {"font": {"size": FONT}},
        "polar": {"radialaxis": {"tickfont": {"size": SMALL}},
                  "angularaxis": {"tickfont": {"size": SMALL}}},
        "coloraxis": {"colorbar": {"tickfont": {"size": FONT}}},
    }


def colorbar(title: str) -> dict[str, Any]:
    """A colour bar whose title sits beside it (a title on top is cut when it is wider than
    the bar) and whose text is projector-sized."""
    return {"title": {"text": title, "side": "right", "font": {"size": FONT}},
            "tickfont": {"size": FONT}, "thickness": 22}
