"""cityworkshop.palette: every colour defined once; style sheets name them; and the guard that
no module of the package spells a colour of its own."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cityworkshop import palette as P

PACKAGE = Path(__file__).resolve().parent.parent / "cityworkshop"
COLOUR = re.compile(r"['\"(:;,\s]#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?\b|\brgba?\(\s*\d")


def test_css_names_colours() -> None:
    assert P.css(".a {color: $accent; border: 1px solid $caution_bg;}") == (
        f".a {{color: {P.ACCENT}; border: 1px solid {P.CAUTION_BG};}}")


def test_an_unknown_name_is_refused() -> None:
    with pytest.raises(KeyError, match="acent"):
        P.css(".a {color: $acent;}")


def test_series_and_fills_are_colours() -> None:
    hexes = [*P.SERIES, *P.QUADRANT_FILLS]
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in hexes)
    assert len(set(P.SERIES)) == len(P.SERIES) and P.SERIES[0] == P.ACCENT


def test_the_style_sheets_use_the_palette() -> None:
    from cityworkshop.facilitator._html import CSS as FACILITATOR
    from cityworkshop.report.html import CSS as REPORT

    for sheet in (FACILITATOR, REPORT):
        assert "$" not in sheet and P.ACCENT in sheet and P.ALERT in sheet


def test_no_colour_is_spelled_outside_the_palette() -> None:
    """Colours live in palette.py: the charts, the report, the comparison page, the
    facilitator's HTML and the forms' inline styles name them."""
    found = [f"{p.relative_to(PACKAGE)}:{n}: {line.strip()}"
             for p in sorted(PACKAGE.rglob("*.py")) if p.name != "palette.py"
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1)
             if COLOUR.search(line) and "rgba({r}" not in line]
    assert found == []
