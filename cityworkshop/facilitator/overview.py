"""The day at a glance: agenda, group codes, planned vs actual timeline, who answered what.

Pages layer, for the overview notebook (``00_ikhtisar.ipynb``). Times are stored in UTC
(:meth:`~cityworkshop.store.WorkshopStore.events`) and shown in the city's zone (Asia/Jakarta,
WIB, for Tangsel). Groups are shown, never participants' names.

>>> agenda(store, "id")  # doctest: +SKIP
>>> group_codes(store, "id")  # doctest: +SKIP
>>> agenda_timeline(store, "id")  # doctest: +SKIP
>>> who_answered(store, "id")  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ipywidgets as widgets
import plotly.graph_objects as go

from ..charts import agenda_chart
from ..i18n import t
from ..store import WorkshopStore
from ._html import CSS, banner, esc, local_now, to_local

__all__ = ["agenda", "agenda_timeline", "group_codes", "who_answered"]


def agenda(store: WorkshopStore, lang: str = "id") -> widgets.HTML:
    """The program's sessions: time, title, description, activities and notebook."""
    pack = store.pack
    prog = pack.program
    tz = pack.city.timezone_label
    rows = []
    for s in prog.sessions:
        acts = "".join(f"<li>{esc(a.title.get(lang))}</li>" for a in s.activities)
        acts_html = f'<ul style="margin:0;padding-left:18px">{acts}</ul>' if acts else ""
        desc = esc(s.description.get(lang)) if s.description else ""
        rows.append(f"<tr><td style='white-space:nowrap'><b>{s.start:%H:%M}–{s.end:%H:%M}</b></td>"
                    f"<td><b>{esc(s.title.get(lang))}</b><div class='cw-src'>{desc}</div></td>"
                    f"<td>{acts_html}</td><td class='cw-src'>{esc(s.notebook or '')}</td></tr>")
    head = "".join(f"<th>{esc(t(k, lang, tz=tz))}</th>" for k in
                   ("overview.time", "overview.session", "overview.activities",
                    "overview.notebook"))
    value = (f'{CSS}{banner(store, lang)}<div class="cw-box"><h3>{esc(prog.title.get(lang))}</h3>'
             f'<p>{esc(prog.audience.get(lang))} · {esc(prog.venue.get(lang))}</p>'
             f'<h3>{esc(t("overview.agenda", lang))}</h3>'
             f'<table class="cw-table"><tr>{head}</tr>{"".join(rows)}</table></div>')
    w = widgets.HTML(value)
    w.add_class("cw-agenda")
    return w


def group_codes(store: WorkshopStore, lang: str = "id") -> widgets.HTML:
    """Every group's join code, large enough to read from the back of the room."""
    cards = "".join(
        f'<div class="cw-code-card"><div class="cw-group">{esc(g.name)}</div>'
        f'<div class="cw-code">{esc(g.code)}</div></div>' for g in store.list_groups())
    w = widgets.HTML(f'{CSS}<div class="cw-box" style="max-width:1400px">'
                     f'<h3>{esc(t("overview.codes", lang))}</h3>'
                     f'<div class="cw-codes">{cards}</div></div>')
    w.add_class("cw-group-codes")
    return w


def _workshop_day(store: WorkshopStore, events: list[dict[str, Any]]) -> dt.date:
    """The day of the workshop: of its first event, else of its creation (local time)."""
    first = events[0]["at"] if events else store.info().created_at
    try:
        return to_local(store, first).date()
    except (TypeError, ValueError):
        return local_now(store).date()


def agenda_timeline(store: WorkshopStore, lang: str = "id") -> go.Figure:
    """Planned session blocks against the actual open-close times of the activities.

    Drawn by :func:`cityworkshop.charts.agenda_chart` from the store's program, city and events.

    Parameters
    ----------
    store
        The workshop; actual times come from ``store.events()`` (UTC), shown in the city's zone.
    lang
        ``"id"`` or ``"en"``.

    Returns
    -------
    Figure
        One row per session: a grey bar for the planned block, blue bars for each time one of
        its activities was open (green while still open), and a red line at the current time
        when it falls on the workshop day.
    """
    pack = store.pack
    events = store.events()
    return agenda_chart(pack.program, pack.city, events, lang, day=_workshop_day(store, events),
                        demo=store.info().is_demo)


#: what is counted (:attr:`Progress.unit <cityworkshop.store.Progress.unit>`) -> whose row
_SCOPE_KEYS = {"questions": "overview.scope_questions", "groups": "overview.scope_group",
               "pairs": "overview.scope_group", "participants": "overview.scope_participant"}


def who_answered(store: WorkshopStore, lang: str = "id") -> widgets.HTML:
    """A table of activity x group: ✓ for a group's answer, ``n/m`` for participants (or for
    the groups a group rated), the number of questions for a questions activity."""
    groups = store.list_groups()
    rows = []
    for session in store.pack.program.sessions:
        for act in session.activities:
            progress = store.progress(act)
            n, total, per = progress.as_tuple()
            cells = []
            for _name, done, possible in per:
                if progress.unit == "questions":
                    mark, cls = (str(done), "cw-yes") if done else ("–", "cw-no")
                elif progress.unit == "groups":
                    mark, cls = ("✓", "cw-yes") if done else ("–", "cw-no")
                else:
                    mark = f"{done}/{possible}" if possible else "–"
                    cls = "cw-yes" if done and done >= possible else ("" if done else "cw-no")
                cells.append(f'<td class="cw-mark {cls}">{mark}</td>')
            scope = t(_SCOPE_KEYS[progress.unit], lang)
            summary = f"{n}" if progress.unit == "questions" else f"{n}/{total}"
            rows.append(f"<tr><td>{esc(act.title.get(lang))}<div class='cw-src'>"
                        f"{esc(session.title.get(lang))} · {esc(scope)}</div></td>"
                        f"{''.join(cells)}<td class='cw-mark'>{summary}</td></tr>")
    head = "".join(f"<th style='text-align:center'>{esc(g.name)}</th>" for g in groups)
    value = (f'{CSS}<div class="cw-box cw-who-answered"><h3>{esc(t("overview.who_title", lang))}'
             f'</h3><table class="cw-table"><tr><th>{esc(t("overview.activity", lang))}</th>'
             f'{head}<th style="text-align:center">{esc(t("overview.total", lang))}</th></tr>'
             f'{"".join(rows)}</table>'
             f'<p class="cw-src">{esc(t("overview.legend", lang))}</p></div>')
    w = widgets.HTML(value)
    w.add_class("cw-who-answered")
    return w
