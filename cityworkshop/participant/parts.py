"""Small building blocks of the participant page: headings, labels, messages, times, errors.

Pages layer; every participant-provided text is escaped here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

import ipywidgets as widgets

from ..clock import clock, to_zone
from ..errors import InvalidAnswer
from ..forms._base import field_style, labelled
from ..i18n import t
from ..markup import escape, message_html

__all__ = ["msg", "button", "heading", "label", "labelled", "field_style", "local_time",
           "error_text", "about_box", "who_html"]


msg = message_html
"""A message box as HTML (:func:`cityworkshop.markup.message_html`): ``msg(text, kind)``."""


def button(description: str, css: str, style: str = "") -> widgets.Button:
    b = widgets.Button(description=description, button_style=style,
                       layout=widgets.Layout(width="100%"))
    b.add_class(css)
    return b


def heading(title: str, body: str, note: str = "") -> widgets.HTML:
    out = f'<h2 class="cw-h">{escape(title)}</h2><p class="cw-p">{escape(body)}</p>'
    if note:
        out += f'<p class="cw-note">{escape(note)}</p>'
    w = widgets.HTML(out)
    w.add_class("cw-heading")
    return w


def label(text: str) -> widgets.HTML:
    """A label as HTML: NOT tied to a field (a screen reader does not say it with the field).
    For a field, prefer :func:`labelled` (``labelled(text_box, "Kode kelompok")``) together
    with one :func:`field_style` on the screen."""
    return widgets.HTML(f'<label class="cw-label">{escape(text)}</label>')


def local_time(iso_utc: str, timezone: ZoneInfo, tz_label: str) -> str:
    """``"2026-11-29T03:05:00+00:00"`` -> ``"10:05 WIB"`` (:mod:`cityworkshop.clock`)."""
    return clock(to_zone(iso_utc, timezone), tz_label)


def error_text(err: InvalidAnswer, lang: str, items: Sequence[Any],
               dimensions: Sequence[Any] = ()) -> str:
    """The error in ``lang``, naming items and dimensions by their label, not their id."""
    item_id = err.params.get("item")
    if not isinstance(item_id, str) or not err.key:
        return err.message(lang)
    labels = {it.id: it.label.get(lang) for it in items}
    dims = {d.id: d.label.get(lang) for d in dimensions}
    params = dict(err.params, item=labels.get(item_id, item_id))
    if isinstance(params.get("dimension"), str):
        params["dimension"] = dims.get(params["dimension"], params["dimension"])
    return t(err.key, lang, **params)


def about_box(picker: widgets.Dropdown, lang: str, *, chosen: bool) -> widgets.VBox:
    """The picker of the group a peer answer is about, labelled, with its help (and "choose
    first")."""
    note = f'<p class="cw-note">{escape(t("page.about_help", lang))}</p>'
    if not chosen:
        note += msg(t("page.about_first", lang), "info")
    labelled(picker, t("page.about_label", lang))
    box = widgets.VBox([picker, widgets.HTML(note), field_style()])
    box.add_class("cw-about-box")
    return box


def who_html(name: str | None, group: str | None) -> str:
    """"Ayu · Kelompok 2" (escaped), or "" before joining."""
    if group is None:
        return ""
    text = f"{name} · {group}" if name else group
    return f'<div class="cw-who-text">{escape(text)}</div>'
