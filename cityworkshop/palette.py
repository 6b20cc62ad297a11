"""Every colour of cityworkshop, defined once: the charts, the report, the comparison page, the
facilitator's blocks and the forms' few inline styles take them from here.

Top layer: no import of cityworkshop, no plotly. It is not in ``charts/`` (the charts read it
through :mod:`cityworkshop.charts._style`) because importing anything of ``charts`` imports
pandas and plotly, which the phones' forms and the report's export must not pay for.

Style sheets name a colour as ``$name`` (the constant in lower case) and go through
:func:`css`:

>>> css(".cw-up {color: $good;}")
'.cw-up {color: #1b7f3b;}'
"""

from __future__ import annotations

from string import Template

__all__ = ["QUADRANT_FILLS", "SERIES", "css"]

# -- text ---------------------------------------------------------------------------------------
INK = "#1d1d1d"  #: body text
QUOTE = "#333333"  #: the question quoted on an answer card
NOTE = "#444444"  #: a "nothing here yet" note
MUTED = "#555555"  #: sources, meta lines, small counts
FADED = "#777777"  #: an answered question, struck through
FIELD_INK = "#1d2630"  #: a form field's label on the phone
CHART_INK = "#2a3f5f"  #: text on a chart (plotly_white's)
WHITE = "#ffffff"
DARK = "#111111"  #: the QR code's modules

# -- meaning --------------------------------------------------------------------------------------
ACCENT = "#1f5fa8"  #: the house blue: rules under headings, links, tags, the first series
GOOD = "#1b7f3b"  #: open, answered, done, a rise
GOOD_BG = "#f0f8f2"  #: behind the room's synthesis
ALERT = "#b3261e"  #: the demo banner, errors, the time now, a fall, time up
CAUTION = "#8a4b00"  #: an unverified fact, a small sample, a warning
CAUTION_BG = "#fff1d6"
CAUTION_INK = "#5a3000"  #: the snapshot notice's text
PIN = "#e0a100"  #: a pinned answer card
PIN_BG = "#fff6d9"
PIN_LINE = "#e0c060"
PIN_INK = "#8a5a00"  #: the "pinned" tag's text
PIN_TAG = "#fff1c2"  #: the "pinned" tag's background
CLOSED = "#6b6b6b"  #: a closed activity's state
ABSENT = "#9aa3ad"  #: a group that has not answered yet
DOT = "#b5302a"  #: the points left, as dots on the phone

# -- surfaces and lines ---------------------------------------------------------------------------
PANEL = "#eef1f5"  #: light grey panels, table heads, the report's page background
CARD = "#f8fafd"  #: an answer card
EMPTY_BG = "#f6f7f9"  #: the report's "no answers" box
LINE = "#c9d3e0"  #: card and box borders
RULE = "#dde3ea"  #: a rule between table rows on the projector
TABLE_LINE = "#b8c2cf"  #: the report's table cells
EDGE = "#aab4c0"  #: chips and dashed "nothing yet" boxes

# -- charts ---------------------------------------------------------------------------------------
GRID = "#EBF0F8"  #: chart grid and axis lines (plotly_white's)
TIMELINE_GRID = "#e3e8ee"  #: the agenda timeline's grid
ROADMAP_GRID = "#e5e7eb"  #: the roadmap's month grid
DIVIDER = "#9ca3af"  #: the matrix's mid lines, the roadmap's phase dividers
PLANNED = "rgba(120,130,145,0.28)"  #: a planned session block on the timeline
PLANNED_LINE = "#7b8794"
OWNER_INK = "#4b5563"  #: who carries a roadmap step
QUADRANT_INK = "#374151"  #: a matrix quadrant's name
QUADRANT_LABEL_BG = "rgba(255,255,255,0.75)"

# one colour per series (dimension, phase, group, initiative), in this order
BLUE = ACCENT
ORANGE = "#e07b00"
TEAL = "#2a9d8f"
PURPLE = "#8e44ad"
RED = "#c0392b"
OLIVE = "#6d8b00"
GOLD = "#b8860b"
PINK = "#d6336c"
SKY = "#3b7dd8"
BROWN = "#7f5539"
PINE = "#0f766e"
GREY = "#6b7280"  #: also a roadmap step of no known phase

SERIES = (BLUE, ORANGE, TEAL, PURPLE, RED, OLIVE, GOLD, PINK, SKY, BROWN, PINE, GREY)
"""Series colours in order: a chart with n series takes the first n."""

QUADRANT_FILLS = ("#fff4e5", "#e8f5e9", "#f3f4f6", "#e3f2fd")
"""The matrix's quadrants: top left, top right, bottom left, bottom right."""

_NAMES = {name.lower(): value for name, value in dict(globals()).items()
          if name.isupper() and isinstance(value, str)}


def css(sheet: str) -> str:
    """``sheet`` with every ``$name`` replaced by the palette's colour of that name.

    A name the palette does not have raises ``KeyError`` (when the module is imported, for a
    style sheet built at import).
    """
    return Template(sheet).substitute(_NAMES)
