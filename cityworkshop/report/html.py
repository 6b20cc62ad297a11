"""The page of the workshop report: style sheet, plotly embedding and small HTML builders.

Report layer, private to :mod:`cityworkshop.report`. Everything here returns HTML text; every
piece of participant or content text passes through :func:`esc` first. plotly.js is written once
into the page's ``<head>``; each figure is a ``<div>`` with its own small script that draws it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from ..clock import clock as clock_text
from ..clock import to_zone
from ..i18n import t
from ..markup import escape
from ..palette import MUTED, css

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from ..store import WorkshopStore

CHART_WIDTH = 900
"""Every chart is drawn at this fixed width (px), so that it prints the same as it shows."""


# What no report or export may carry, whatever an older database holds: C0 and C1 control
# characters but tab and newline (openpyxl refuses most of them, XML 1.0 allows none of C0, HTML
# calls them parse errors), DEL, lone surrogates and the non-characters U+FFFE/U+FFFF. A
# carriage return becomes a newline first. The store's ``normalize_text`` rule, for files written
# before it (plus what sqlite cannot hold anyway, for text that comes from elsewhere).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_NEWLINES = re.compile("\r\n?")
# Bidi embeddings, overrides and isolates: in a one-line name they can make it read as someone
# else's (U+202E turns "Ayu" around); the store leaves them out of names too.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def clean(value: str) -> str:
    """``value`` without the characters no report or export may carry (see ``_CONTROL``).

    >>> clean("Ide\\x00 baru\\r\\nkedua\\x1b")
    'Ide baru\\nkedua'
    """
    if "\r" in value:
        value = _NEWLINES.sub("\n", value)
    return _CONTROL.sub("", value)


def clean_name(value: str) -> str:
    """A participant's or group's name as shown: :func:`clean`, without bidi controls."""
    return _BIDI_CONTROLS.sub("", clean(value))


NAME_KEYS = ("participant", "group", "about_group")
"""Keys of the store's rows that hold a name (cleaned with :func:`clean_name`)."""


_DIRTY = re.compile(f"{_CONTROL.pattern}|{_BIDI_CONTROLS.pattern}")


def clean_rows(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The store's rows with every text :func:`clean` (names :func:`clean_name`): a row that
    needs it as a new dict, a clean row (nearly always) as it is."""
    out = []
    for r in rows:
        if _DIRTY.search("".join(v for v in r.values() if type(v) is str)):
            r = {k: (clean_name(v) if k in NAME_KEYS else clean(v)) if isinstance(v, str) else v
                 for k, v in r.items()}
        out.append(r)
    return out


def esc(value: object) -> str:
    """Text shown as text: :func:`clean`, then ``<``, ``>``, ``&`` and quotes escaped."""
    return escape(None if value is None else clean(str(value)))


CSS = css("""
:root {--ink: $ink; --muted: $muted; --line: $line; --accent: $accent;}
* {box-sizing: border-box;}
body {font-family: "Noto Sans", "DejaVu Sans", Arial, sans-serif; color: var(--ink);
  margin: 0; background: $panel; line-height: 1.45; font-size: 15px;}
main {max-width: 1000px; margin: 0 auto; background: $white; padding: 28px 40px 48px;}
h1 {font-size: 30px; margin: 8px 0 4px; line-height: 1.2;}
h2 {font-size: 24px; margin: 28px 0 8px; border-bottom: 3px solid var(--accent);
  padding-bottom: 4px;}
h3 {font-size: 19px; margin: 22px 0 6px;}
h4 {font-size: 16px; margin: 14px 0 4px;}
p {margin: 6px 0;}
a {color: var(--accent);}
.cw-cover {border-bottom: 1px solid var(--line); padding-bottom: 16px; margin-bottom: 8px;}
.cw-city {font-size: 16px; font-weight: 700; text-transform: uppercase; letter-spacing: 2px;
  color: var(--accent);}
.cw-facts {display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr));
  gap: 10px; margin: 16px 0 0;}
.cw-fact {border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px;}
.cw-fact .cw-label {font-size: 13px; color: var(--muted);}
.cw-fact .cw-value {font-size: 20px; font-weight: 700;}
.cw-fact.cw-fact-text {grid-column: span 2;}
.cw-fact.cw-fact-text .cw-value {font-size: 16px;}
.cw-summary {margin-top: 14px;}
.cw-summary h2 {margin-top: 6px;}
.cw-summary-grid {display: grid; grid-template-columns: repeat(6, 1fr); gap: 12px 22px;}
.cw-summary-card {grid-column: span 3;}
.cw-summary-card.cw-wide {grid-column: span 4;}
.cw-summary-card.cw-narrow {grid-column: span 2;}
.cw-summary-card {border: 1px solid var(--line); border-top: 4px solid var(--accent);
  border-radius: 6px; padding: 6px 12px 8px; break-inside: avoid; page-break-inside: avoid;}
.cw-summary-card h3 {font-size: 16px; margin: 2px 0 4px;}
.cw-summary-card .cw-table {font-size: 13px; margin: 4px 0;}
.cw-summary-card ol {margin: 4px 0; padding-left: 20px;}
.cw-summary-card li {margin: 2px 0;}
.cw-summary-card .cw-table td.cw-nowrap {white-space: nowrap;}
.cw-scores {list-style: none; padding: 0; margin: 2px 0;}
.cw-scores li {display: flex; justify-content: space-between; gap: 8px;
  border-bottom: 1px dotted var(--line);}
.cw-scores b {font-variant-numeric: tabular-nums;}
.cw-roadmap-table td:nth-child(3) {white-space: nowrap;}
.cw-summary-card .cw-source {font-size: 12px; color: var(--muted); margin-top: 4px;}
.cw-summary-card .cw-source a {color: var(--muted);}
.cw-big {font-size: 26px; font-weight: 800; color: var(--accent);}
.cw-keep {break-inside: avoid; page-break-inside: avoid;}
.cw-banner {border: 3px solid $alert; color: $alert; font-weight: 800; font-size: 18px;
  padding: 8px 14px; border-radius: 6px; margin: 8px 0; text-align: center; letter-spacing: 1px;}
.cw-snapshot {border: 2px dashed $caution; background: $caution_bg; color: $caution_ink;
  font-weight: 700; padding: 8px 14px; border-radius: 6px; margin: 8px 0;}
.cw-session {margin-top: 12px;}
.cw-session-time {color: var(--muted); font-weight: 400; font-size: 17px;}
.cw-activity {margin: 18px 0 26px; padding-top: 4px; border-top: 1px solid var(--line);}
.cw-prompt {color: var(--muted); font-style: italic;}
.cw-meta {font-size: 13px; color: var(--muted);}
.cw-chart {width: __W__px; max-width: 100%; overflow-x: auto; margin: 10px 0;
  break-inside: avoid; page-break-inside: avoid;}
.cw-table {border-collapse: collapse; width: 100%; margin: 8px 0 12px; font-size: 14px;}
.cw-table th, .cw-table td {border: 1px solid $table_line; padding: 4px 7px; text-align: left;
  vertical-align: top; overflow-wrap: break-word;}
.cw-table th {background: $panel; font-weight: 700;}
.cw-table td.cw-num, .cw-table th.cw-num {text-align: right; font-variant-numeric: tabular-nums;
  white-space: nowrap;}
.cw-table tr {break-inside: avoid; page-break-inside: avoid;}
.cw-text {white-space: pre-wrap;}
.cw-no-answers {border: 2px dashed $edge; border-radius: 6px; padding: 14px; color: $note;
  font-weight: 700; text-align: center; background: $empty_bg;}
.cw-synthesis {border: 2px solid $good; border-left-width: 8px; border-radius: 6px;
  padding: 8px 14px; margin: 10px 0; background: $good_bg; break-inside: avoid;}
.cw-synthesis .cw-text {font-size: 16px;}
.cw-unverified {font-size: 12px; font-weight: 700; color: $caution; border: 1px solid $caution;
  border-radius: 8px; padding: 0 6px; white-space: nowrap;}
.cw-pin {font-weight: 700;}
.cw-toc {columns: 2; font-size: 14px;}
.cw-appendix {margin-top: 36px;}
@media print {
  body {background: $white; font-size: 11pt;}
  main {max-width: none; padding: 0;}
  .cw-session, .cw-appendix, #cw-agenda {break-before: page; page-break-before: always;}
  .cw-chart {zoom: 0.78; overflow: visible; max-width: none;}
  h2, h3, h4, .cw-prompt, .cw-activity > .cw-meta {break-after: avoid; page-break-after: avoid;}
  thead {display: table-header-group;}
  .cw-cover {padding-bottom: 6px; margin-bottom: 0;}
  .cw-cover h1 {font-size: 17pt; margin: 2px 0;}
  .cw-banner {font-size: 11pt; padding: 3px 10px; margin: 0 0 6px;}
  .cw-facts {grid-template-columns: 1.35fr 1.35fr 0.65fr 0.65fr; gap: 6px; margin-top: 8px;}
  .cw-fact {padding: 3px 8px;}
  .cw-fact .cw-label {font-size: 8.5pt;}
  .cw-fact .cw-value {font-size: 12pt; white-space: nowrap;}
  .cw-fact.cw-fact-text .cw-value {white-space: normal;}
  .cw-fact.cw-fact-text .cw-value {font-size: 10.5pt;}
  .cw-cover .cw-meta {font-size: 8.5pt; margin: 3px 0;}
  .cw-summary {margin-top: 6px;}
  .cw-summary h2 {margin: 4px 0 6px; font-size: 16pt;}
  .cw-summary-grid {gap: 7px 12px;}
  .cw-summary-card {padding: 3px 9px 5px; font-size: 9.5pt;}
  .cw-summary-card h3 {font-size: 11pt; margin: 2px 0;}
  .cw-summary-card .cw-table {font-size: 8.5pt; margin: 3px 0;}
  .cw-summary-card .cw-table td, .cw-summary-card .cw-table th {padding: 2px 5px;}
  .cw-summary-card .cw-meta {font-size: 8pt;}
  .cw-summary-card p {margin: 2px 0;}
  .cw-big {font-size: 18pt;}
  .cw-meta-footer {display: none;}
  .cw-banner, .cw-snapshot {border-style: solid;}
  .modebar-container {display: none !important;}
  a {color: var(--ink); text-decoration: none;}
  * {-webkit-print-color-adjust: exact; print-color-adjust: exact;}
}
""").replace("__W__", str(CHART_WIDTH))


def css_string(value: str) -> str:
    r"""``value`` as a CSS string literal: every character but letters, digits, spaces and
    ``.,:;()-`` as a hex escape, so that no text can end the string or the style sheet.

    >>> css_string('Tangsel "2026" </style>')
    '"Tangsel \\22 2026\\22  \\3c \\2f style\\3e "'
    """
    safe = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:;()-")
    out = "".join(ch if ch in safe else f"\\{ord(ch):x} " for ch in clean(value))
    return f'"{out}"'


def print_css(footer: str, page_label: str, of_label: str) -> str:
    """The printed page: A4, and a footer with ``footer`` (the workshop's name) on the left and
    "``page_label`` 3 ``of_label`` 27" on the right (CSS page-margin boxes, which Chromium's
    print-to-PDF draws)."""
    return (
        "@page {size: A4; margin: 14mm 12mm 18mm;"
        "@bottom-left {content: " + css_string(footer) + "; font: 8pt \"Noto Sans\", "
        "\"DejaVu Sans\", Arial, sans-serif; color: " + MUTED + "; vertical-align: top; "
        "padding-top: 4mm;}"
        "@bottom-right {content: " + css_string(page_label + " ") + " counter(page) "
        + css_string(" " + of_label + " ") + " counter(pages); font: 8pt \"Noto Sans\", "
        "\"DejaVu Sans\", Arial, sans-serif; color: " + MUTED + "; vertical-align: top; "
        "padding-top: 4mm; white-space: nowrap;}}"
    )


def page(title: str, lang: str, body: str, *, plotlyjs: str, print_style: str = "") -> str:
    """The whole HTML document: one ``<script>`` with plotly.js, the style sheet, the body.
    ``print_style``: the :func:`print_css` of this report."""
    # A literal "</script" inside the bundle would end the script element early.
    js = plotlyjs.replace("</script", "<\\/script")
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{esc(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="cityworkshop">\n'
        # No network: everything the page needs is inside the file.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; "
        "img-src data: blob:; font-src data:\">\n"
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n"
        f'<style id="cw-print">{print_style.replace("<", "")}</style>\n'
        f'<script type="text/javascript" id="cw-plotlyjs">{js}</script>\n'
        f"</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def plotly_js() -> str:
    """The plotly.js bundle that ships with the installed plotly (no network)."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def figure(fig: go.Figure, div_id: str) -> str:
    """One figure as a ``<div>`` drawn by the page's single plotly.js, at a fixed size."""
    fig.update_layout(width=CHART_WIDTH)
    body = fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id,
                       config={"displaylogo": False, "responsive": False,
                               "modeBarButtonsToRemove": ["sendDataToCloud"]})
    return f'<div class="cw-chart">{body}</div>'


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]], *,
          numeric: Sequence[int] = (), classes: str = "") -> str:
    """An HTML table; every cell is escaped. ``numeric``: indexes of right-aligned columns."""
    num = set(numeric)

    def cell(tag: str, i: int, value: Any) -> str:
        cls = ' class="cw-num"' if i in num else ""
        return f"<{tag}{cls}>{esc(value)}</{tag}>"

    head = "".join(cell("th", i, h) for i, h in enumerate(headers))
    body = "".join("<tr>" + "".join(cell("td", i, v) for i, v in enumerate(r)) + "</tr>"
                   for r in rows)
    return (f'<table class="cw-table {classes}"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>")


def number(value: Any, digits: int = 2) -> str:
    """A number for a table: ``3.40``; empty for a missing value."""
    try:
        f = float(value)
    except (TypeError, ValueError):
        return ""
    if f != f:  # NaN
        return ""
    return f"{f:.{digits}f}"


def local(store: WorkshopStore, utc_iso: str | None = None) -> dt.datetime:
    """A stored UTC time (or now) in the city's time zone (:func:`cityworkshop.clock.to_zone`)."""
    return to_zone(utc_iso, store.pack.city.timezone)


def long_date(when: dt.date, lang: str) -> str:
    """``26 November 2026`` with the month named in ``lang``."""
    months = t("report.months", lang).split(",")
    name = months[when.month - 1].strip() if len(months) == 12 else f"{when.month:02d}"
    return f"{when.day} {name} {when.year}"


def clock(store: WorkshopStore, when: dt.datetime) -> str:
    """``09:41 WIB`` (:func:`cityworkshop.clock.clock`)."""
    return clock_text(when, store.pack.city.timezone_label)


def data_attr(name: str, value: Any) -> str:
    """A ``data-`` attribute for tests and scripts: the value JSON-encoded and escaped."""
    return f' data-{name}="{esc(json.dumps(value))}"'
