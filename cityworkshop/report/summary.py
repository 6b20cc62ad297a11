"""The report's first page: the day at a glance, for the office that files it.

Report layer, private to :mod:`cityworkshop.report`. Who, when and where (in the cover), then four
cards computed from the answers: the largest gaps between now and target, the ideas the room
chose, the roadmap by phase, and satisfaction. Each card carries ``data-`` attributes with what
it shows (item ids, numbers) so that tests compare them with :mod:`cityworkshop.analysis`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from ..content import Activity
from ..i18n import t
from ..kinds import kind_of
from .html import clean_rows, data_attr, esc, local, number, table

if TYPE_CHECKING:
    from ..store import WorkshopStore

TOP_GAPS = 3
TOP_IDEAS = 3
IDEA_CHARS = 140
"""An idea longer than this is cut (with "…") on the first page; its section shows it whole."""


def workshop_day(store: WorkshopStore) -> dt.date:
    """The day of the workshop in the city's time zone: of its first facilitator event (an
    activity opened), else of the database's creation. The facilitator's timeline uses the
    same rule."""
    for e in store.events():
        try:
            return local(store, e["at"]).date()
        except (KeyError, TypeError, ValueError):
            continue
    return local(store, store.info().created_at).date()


def _first(store: WorkshopStore, figure: str) -> Activity | None:
    """The first activity of the program that draws ``figure`` (a name of
    :meth:`Kind.figure_names <cityworkshop.kinds.Kind.figure_names>`): ``gaps`` (a scale of
    now and target, not a peer rating), ``points``, ``roadmap``."""
    for a in store.pack.program.activities:
        if figure in kind_of(a).figure_names(a):
            return a
    return None


def _cut(text: str, limit: int = IDEA_CHARS) -> str:
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


def _card(key: str, title: str, source: Activity | None, body: str, lang: str,
          attrs: str = "", *, wide: bool | None = False) -> str:
    """One card; ``wide``: True for two thirds of the row, None for one third, False half."""
    link = ""
    if source is not None:
        link = (f'<p class="cw-source">→ <a href="#a-{esc(source.id)}">'
                f"{esc(source.title.get(lang))}</a></p>")
    cls = "cw-summary-card" + {True: " cw-wide", False: "", None: " cw-narrow"}[wide]
    return (f'<div class="{cls}" id="cw-summary-{key}"{attrs}>'
            f"<h3>{esc(title)}</h3>{body}{link}</div>")


def _none(lang: str) -> str:
    return f'<p class="cw-meta">{esc(t("report.summary_none", lang))}</p>'


def largest_gaps(store: WorkshopStore, activity: Activity, n: int = TOP_GAPS) -> Any:
    """The ``n`` criteria furthest from their target (``analysis.scale_gaps``, first and last
    dimension), largest first; ties keep the criteria's order."""
    from .. import analysis as A

    frame = A.answers_frame(clean_rows(store.answer_rows(activity.id)))
    dims = [d.id for d in activity.dimensions]
    gaps = A.scale_gaps(frame, now=dims[0], target=dims[-1]).dropna(subset=["gap"])
    order = {it.id: i for i, it in enumerate(activity.items)}
    gaps = gaps.assign(_o=gaps["item_id"].map(order).fillna(len(order)))
    gaps = gaps.sort_values(["gap", "_o"], ascending=[False, True], kind="stable")
    return gaps.head(n).drop(columns="_o").reset_index(drop=True)


def _gaps_card(store: WorkshopStore, lang: str) -> str:
    activity = _first(store, "gaps")
    title = t("report.summary_gaps", lang, n=TOP_GAPS)
    if activity is None:
        return _card("gaps", title, None, _none(lang), lang)
    top = largest_gaps(store, activity)
    if top.empty:
        return _card("gaps", title, activity, _none(lang), lang, data_attr("items", []))
    labels = {it.id: it.label.get(lang) for it in activity.items}
    dims = {d.id: d.label.get(lang) for d in activity.dimensions}
    first, last = activity.dimensions[0].id, activity.dimensions[-1].id
    rows = [[labels.get(r.item_id, r.item_id), number(r.now, 1), number(r.target, 1),
             f"+{number(r.gap, 1)}" if r.gap > 0 else number(r.gap, 1)]
            for r in top.itertuples(index=False)]
    body = table([t("report.col_item", lang), dims[first], dims[last],
                  t("report.col_gap", lang)], rows, numeric=(1, 2, 3))
    attrs = (data_attr("items", top["item_id"].tolist())
             + data_attr("gaps", [round(float(g), 2) for g in top["gap"]]))
    return _card("gaps", title, activity, body, lang, attrs)


def chosen_ideas(store: WorkshopStore, activity: Activity, n: int = TOP_IDEAS) -> Any:
    """The ``n`` items with the most points (at least one), ``analysis.summarize_points``."""
    from .. import analysis as A

    live = store.items_of(activity)
    summary = A.summarize_points(A.answers_frame(store.answer_rows(activity.id)),
                                 items=[it.id for it in live])
    return summary[summary["points"] > 0].head(n).reset_index(drop=True)


def _ideas_card(store: WorkshopStore, lang: str) -> str:
    activity = _first(store, "points")
    title = t("report.summary_ideas", lang)
    if activity is None:
        return _card("ideas", title, None, _none(lang), lang)
    top = chosen_ideas(store, activity)
    if top.empty:
        return _card("ideas", title, activity, _none(lang), lang, data_attr("items", []))
    by_id = {it.id: it for it in store.items_of(activity, with_deleted=True)}
    items = []
    for r in top.itertuples(index=False):
        it = by_id.get(r.item_id)
        label = _cut(it.label.get(lang)) if it else r.item_id
        who = it.help.get(lang) if it and it.help else ""
        points = t("report.summary_points", lang, points=int(r.points), voters=int(r.voters))
        items.append(f"<li>{esc(label)}<br><span class=\"cw-meta\">"
                     f"{esc(' · '.join(x for x in (who, points) if x))}</span></li>")
    attrs = (data_attr("items", top["item_id"].tolist())
             + data_attr("points", [int(p) for p in top["points"]]))
    return _card("ideas", title, activity, f"<ol>{''.join(items)}</ol>", lang, attrs)


def _roadmap_card(store: WorkshopStore, lang: str) -> str:
    from .. import analysis as A
    from ..analysis.plan import drawable as _drawable

    activity = _first(store, "roadmap")
    title = t("report.summary_roadmap", lang)
    if activity is None:
        return _card("roadmap", title, None, _none(lang), lang, wide=True)
    steps = A.plan_steps(A.answers_frame(clean_rows(store.answer_rows(activity.id))))
    if steps.empty:
        return _card("roadmap", title, activity, _none(lang), lang, data_attr("steps", 0),
                     wide=True)
    dated = _drawable(steps)
    # The OPD's short name (before its explanation in brackets): the full one is in the section.
    owners = {o.id: o.name.get(lang).split(" (")[0] for o in store.pack.city.opds}
    rows = []
    for it in activity.items:
        phase = steps[steps["phase"] == it.id]
        if phase.empty:
            continue
        when = dated[dated["phase"] == it.id]
        span = f"{min(when['start'])} – {max(when['end'])}" if not when.empty else ""
        lead = phase["owner"].dropna().astype(str).value_counts()
        lead_name = owners.get(lead.index[0], lead.index[0]) if not lead.empty else ""
        rows.append([it.label.get(lang), len(phase), span, lead_name])
    n_groups = steps["group"].nunique()
    intro = t("report.summary_roadmap_intro", lang, steps=len(steps), groups=n_groups)
    if not dated.empty:
        intro += " " + t("report.summary_roadmap_span", lang, start=min(dated["start"]),
                         end=max(dated["end"]))
    body = (f"<p>{esc(intro)}</p>"
            + table([t("report.col_phase", lang), t("report.summary_col_steps", lang),
                     t("report.col_when", lang), t("report.summary_col_lead", lang)], rows,
                    numeric=(1,), classes="cw-roadmap-table"))
    attrs = data_attr("steps", len(steps)) + data_attr("groups", int(n_groups))
    return _card("roadmap", title, activity, body, lang, attrs, wide=True)


def _satisfaction_card(store: WorkshopStore, lang: str) -> str:
    from .. import analysis as A
    from ..errors import NotFound

    title = t("report.summary_satisfaction", lang)
    try:
        activity = store.activity("satisfaction")
    except NotFound:
        return _card("satisfaction", title, None, _none(lang), lang, wide=None)
    summary = A.summarize_scale(A.answers_frame(store.answer_rows(activity.id)))
    if summary.empty:
        return _card("satisfaction", title, activity, _none(lang), lang, wide=None)
    by_item = summary.set_index("item_id")
    top = activity.scale_max
    parts, items, attrs = [], [], ""
    for it in activity.items:
        if it.id not in by_item.index:
            continue
        s = by_item.loc[it.id]
        if it.id == "overall":
            note = t("report.summary_overall", lang, n=int(s["count"]))
            parts.append(f'<p><span class="cw-big">{esc(number(s["mean"], 1))}</span> / {top} '
                         f'<span class="cw-meta">{esc(note)}</span></p>')
            attrs = data_attr("value", round(float(s["mean"]), 2))
        else:
            items.append(f"<li><span>{esc(it.label.get(lang))}</span> "
                         f"<b>{esc(number(s['mean'], 1))}</b></li>")
    if items:
        parts.append(f'<ul class="cw-scores">{"".join(items)}</ul>')
    return _card("satisfaction", title, activity, "".join(parts), lang, attrs, wide=None)


def summary(store: WorkshopStore, lang: str) -> str:
    """The four cards of the first page under one heading (``id="cw-summary"``)."""
    cards = (_gaps_card(store, lang) + _ideas_card(store, lang) + _roadmap_card(store, lang)
             + _satisfaction_card(store, lang))
    return (f'<section class="cw-summary" id="cw-summary">'
            f'<h2>{esc(t("report.summary", lang))}</h2>'
            f'<div class="cw-summary-grid">{cards}</div></section>')
