"""Shared look of the facilitator widgets: the projector style sheet, escaping, banners, clock.

Private to :mod:`cityworkshop.facilitator` (pages layer). Everything here returns HTML text;
participant text always passes through :func:`esc` first.
"""

from __future__ import annotations

import datetime as dt

from ..clock import clock, to_zone
from ..i18n import t
from ..markup import escape
from ..palette import css
from ..store import WorkshopStore

esc = escape
"""Text shown as text (:func:`cityworkshop.markup.escape`)."""

CSS = css("""<style>
.cw-box {font-size: 17px; line-height: 1.45; color: $ink; max-width: 1200px;}
.cw-box h3 {font-size: 24px; margin: 14px 0 6px 0;}
.cw-box h4 {font-size: 19px; margin: 0 0 4px 0;}
.cw-grid {display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 12px;}
.cw-card {border: 1px solid $line; border-left: 6px solid $accent; border-radius: 6px;
  padding: 10px 14px; background: $card;}
.cw-card.cw-pinned {border-left-color: $pin; background: $pin_bg; border-color: $pin_line;}
.cw-card .cw-text {font-size: 19px; margin: 4px 0; white-space: pre-wrap; overflow-wrap: anywhere;}
.cw-q {font-style: italic; color: $quote; margin: 6px 0;}
.cw-tag {display: inline-block; font-size: 13px; font-weight: 600; color: $accent;
  border: 1px solid $accent; border-radius: 10px; padding: 0 8px; margin: 0 4px 4px 0;}
.cw-tag.cw-pin {color: $pin_ink; border-color: $pin; background: $pin_tag;}
.cw-unverified {display: inline-block; font-size: 13px; font-weight: 600; color: $caution;
  background: $caution_bg; border-radius: 10px; padding: 0 8px;}
.cw-src {font-size: 14px; color: $muted;}
.cw-table {border-collapse: collapse; width: 100%;}
.cw-table td, .cw-table th {border-bottom: 1px solid $rule; padding: 6px 8px; text-align: left;
  vertical-align: top;}
.cw-table td.cw-mark {text-align: center; font-weight: 700;}
.cw-yes {color: $good;} .cw-no {color: $absent;}
.cw-banner {background: $alert; color: $white; font-weight: 700; font-size: 18px;
  padding: 8px 14px; border-radius: 6px;}
.cw-state {display: inline-block; font-weight: 800; font-size: 22px; padding: 4px 16px;
  border-radius: 6px; color: $white;}
.cw-open {background: $good;} .cw-closed {background: $closed;}
.cw-count {font-size: 26px; font-weight: 700;}
.cw-chip {display: inline-block; font-size: 16px; padding: 3px 12px; margin: 3px 6px 3px 0;
  border-radius: 14px; border: 1px solid $edge; background: $panel; color: $muted;}
.cw-chip.cw-done {background: $good; border-color: $good; color: $white;}
.cw-error {color: $alert; font-weight: 600;}
.cw-timer {display: inline-block; font-size: 30px; font-weight: 800;
  font-variant-numeric: tabular-nums; padding: 2px 14px; border-radius: 6px; background: $panel;
  color: $ink;}
.cw-timer.cw-up {background: $alert; color: $white;}
.cw-hidden-note {font-size: 24px; font-weight: 700; color: $note; background: $panel;
  border: 2px dashed $edge; border-radius: 8px; padding: 28px 20px; text-align: center;}
.cw-synthesis {border: 2px solid $good; border-radius: 8px; background: $good_bg;
  padding: 10px 16px; font-size: 20px; white-space: pre-wrap;}
.cw-codes {display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 16px;}
.cw-code-card {border: 2px solid $accent; border-radius: 10px; padding: 12px; text-align: center;}
.cw-code-card .cw-group {font-size: 24px; font-weight: 700;}
.cw-code-card .cw-code {font-size: 54px; font-weight: 800; letter-spacing: 6px;
  font-family: "DejaVu Sans Mono", monospace; color: $accent;}
.cw-question {font-size: 20px;}
.cw-question.cw-answered {color: $faded; text-decoration: line-through;}
.cw-votes {display: inline-block; min-width: 54px; font-size: 22px; font-weight: 800;
  color: $accent;}
</style>""")


def banner(store: WorkshopStore, lang: str) -> str:
    """The red demo banner for a demo workshop, else nothing."""
    if not store.info().is_demo:
        return ""
    return f'<div class="cw-box"><div class="cw-banner">{esc(t("demo.banner", lang))}</div></div>'


def heading(key: str, title: str, lang: str) -> str:
    """A section heading ``<key>: <title>`` with the style sheet."""
    return f'{CSS}<div class="cw-box"><h3>{esc(t(key, lang))}: {esc(title)}</h3></div>'


def error_html(message: str, lang: str) -> str:
    return f'<div class="cw-box cw-error">{esc(t("panel.error", lang, message=message))}</div>'


def local_now(store: WorkshopStore) -> dt.datetime:
    """Now in the city's zone (:func:`cityworkshop.clock.to_zone`)."""
    return to_zone(None, store.pack.city.timezone)


def local_time(store: WorkshopStore) -> str:
    """The time now in the city's zone, e.g. ``09:41:05 WIB``."""
    return clock(local_now(store), store.pack.city.timezone_label, seconds=True)


def to_local(store: WorkshopStore, utc_iso: str) -> dt.datetime:
    """A stored UTC ISO time as a naive local (city) time."""
    return to_zone(utc_iso, store.pack.city.timezone).replace(tzinfo=None)
