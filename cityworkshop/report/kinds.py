"""The results of one activity in the report: its charts and the answers behind them, by kind.

Report layer, private to :mod:`cityworkshop.report`. Statistics come from
:mod:`cityworkshop.analysis`, figures from :mod:`cityworkshop.charts` (imported when first used);
every answer table is escaped by :func:`~cityworkshop.report.html.table`. With ``anonymous``
no participant name is written anywhere (groups stay).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..content import Activity
from ..i18n import t
from .html import esc, figure, number, table

if TYPE_CHECKING:
    import pandas as pd

    from ..store import WorkshopStore


CHART_END = "<!--/cw-chart-->"
"""Written after each chart of a section, so that the section can keep its heading with the
first chart (removed from the page)."""


@dataclass
class Context:
    """What every activity section needs: the store, language, anonymity, demo flag."""

    store: WorkshopStore
    lang: str
    anonymous: bool
    demo: bool
    _count: int = 0

    def chart(self, fig: Any) -> str:
        self._count += 1
        return figure(fig, f"cw-fig-{self._count}") + CHART_END


def _chart_or_none(name: str) -> Any:
    """The chart function ``name`` of :mod:`cityworkshop.charts`, or None when it is missing."""
    from .. import charts

    return getattr(charts, name, None)


def _labels(activity: Activity, lang: str) -> dict[str, str]:
    return {it.id: it.label.get(lang) for it in activity.items}


def _person(ctx: Context, value: Any) -> str:
    return "" if ctx.anonymous or value is None else str(value)


# -- scale ------------------------------------------------------------------------------------


def _reasons_table(ctx: Context, activity: Activity, frame: pd.DataFrame) -> str:
    lang = ctx.lang
    rows = frame[(frame["field"] == "reason") & frame["value_text"].notna()]
    rows = rows[rows["value_text"].astype(str).str.strip() != ""]
    if rows.empty:
        return ""
    labels = _labels(activity, lang)
    order = {it.id: i for i, it in enumerate(activity.items)}
    rows = rows.assign(_o=rows["item_id"].map(order)).sort_values(["_o", "group_id"],
                                                                  kind="stable")
    person = activity.scope == "participant" and not ctx.anonymous
    headers = [t("report.col_item", lang), t("report.col_group", lang)]
    if person:
        headers.append(t("report.col_participant", lang))
    headers.append(t("report.col_reason", lang))
    body = []
    for r in rows.itertuples(index=False):
        row = [labels.get(r.item_id, r.item_id), r.group]
        if person:
            row.append(_person(ctx, r.participant))
        row.append(r.value_text)
        body.append(row)
    return f"<h4>{esc(t('report.reasons', lang))}</h4>" + table(headers, body)


def _swap_xy(template: Any) -> Any:
    if not isinstance(template, str):
        return template
    return template.replace("%{x}", "\0").replace("%{y}", "%{x}").replace("\0", "%{y}")


def readable_heatmap(fig: Any) -> Any:
    """The group x criterion heatmap turned for the page: criteria as rows, their names on one
    line at the left, groups as columns; ``fig`` is changed and returned. On the projector the
    criteria are columns with wrapped names, which overlap at the report's width.

    Anything but a one-trace heatmap is returned unchanged."""
    import numpy as np

    if len(fig.data) != 1 or fig.data[0].type != "heatmap" or fig.data[0].z is None:
        return fig
    trace = fig.data[0]
    z = np.asarray(trace.z, dtype=object)
    if z.ndim != 2:
        return fig
    x = [str(v).replace("<br>", " ") for v in (trace.x or ())]
    y = list(trace.y or ())
    changes: dict[str, Any] = {"z": z.T.tolist(), "x": y, "y": x,
                               "hovertemplate": _swap_xy(trace.hovertemplate)}
    for name in ("text", "customdata"):
        value = getattr(trace, name)
        if value is not None and not isinstance(value, str):
            arr = np.asarray(value, dtype=object)
            if arr.ndim >= 2 and arr.shape[:2] == z.shape:
                changes[name] = np.swapaxes(arr, 0, 1).tolist()
            else:
                changes[name] = None
    trace.update(changes)
    xaxis = fig.layout.xaxis
    x_title = xaxis.title.text if xaxis.title else None
    fig.update_layout(
        height=max(360, 150 + 38 * len(x)),
        # groups ("Kelompok 1"...) name themselves: no axis title to crowd the chart's title
        xaxis={"title": {"text": None}, "side": "top", "tickangle": 0, "automargin": True,
               "tickfont": {"size": 15}},
        yaxis={"title": {"text": x_title}, "autorange": "reversed", "automargin": True,
               "tickfont": {"size": 15}},
        margin={"l": 20, "t": max(140, int(fig.layout.margin.t or 0) + 40)},
    )
    return fig


def scale_section(ctx: Context, activity: Activity, rows: list[dict[str, Any]]) -> str:
    from .. import analysis as A
    from .. import charts as C

    lang, frame = ctx.lang, A.answers_frame(rows)
    labels = _labels(activity, lang)
    dims = [d.id for d in activity.dimensions]
    dim_labels = {d.id: d.label.get(lang) for d in activity.dimensions}
    out: list[str] = []
    if activity.about == "groups":
        summary = A.summarize_peer(frame)
        fn = _chart_or_none("peer_chart")
        if fn is not None:
            out.append(ctx.chart(fn(summary, activity, lang, demo=ctx.demo)))
        body = [[r.about_group, labels.get(r.item_id, r.item_id), number(r.mean), int(r.count)]
                for r in summary.itertuples(index=False)]
        out.append(table([t("report.col_presenting", lang), t("report.col_item", lang),
                          t("report.col_mean", lang), t("report.col_count", lang)], body,
                         numeric=(2, 3), classes="cw-peer"))
    else:
        summary = A.summarize_scale(frame)
        if len(dims) >= 2:
            items = [it.id for it in activity.items]
            out.append(ctx.chart(C.radar_chart(summary, activity, lang, demo=ctx.demo)))
            out.append(ctx.chart(readable_heatmap(C.heatmap_chart(
                A.group_item_matrix(frame, dims[0], items=items), activity, lang,
                reasons=A.scale_reasons(frame), demo=ctx.demo))))
            gaps = A.scale_gaps(frame, now=dims[0], target=dims[-1])
            out.append(ctx.chart(C.gap_chart(gaps, activity, lang, demo=ctx.demo)))
            by_item = gaps.set_index("item_id")
            body = []
            for it in activity.items:
                if it.id not in by_item.index:
                    continue
                g = by_item.loc[it.id]
                body.append([it.label.get(lang), number(g["now"]), number(g["target"]),
                             number(g["gap"]), int(g["count_now"])])
            out.append(table([t("report.col_item", lang), dim_labels.get(dims[0], dims[0]),
                              dim_labels.get(dims[-1], dims[-1]), t("report.col_gap", lang),
                              t("report.col_count", lang)], body, numeric=(1, 2, 3, 4),
                             classes="cw-scale-summary"))
        else:
            fn = _chart_or_none("scale_bars_chart")
            if fn is not None:
                out.append(ctx.chart(fn(summary, activity, lang, demo=ctx.demo)))
            by_item = summary.set_index("item_id")
            body = []
            for it in activity.items:
                if it.id not in by_item.index:
                    continue
                s = by_item.loc[it.id]
                body.append([it.label.get(lang), number(s["mean"]), number(s["median"], 1),
                             number(s["std"]), int(s["count"])])
            out.append(table([t("report.col_item", lang), t("report.col_mean", lang),
                              t("report.col_median", lang), t("report.col_std", lang),
                              t("report.col_count", lang)], body, numeric=(1, 2, 3, 4),
                             classes="cw-scale-summary"))
    out.append(_reasons_table(ctx, activity, frame))
    return "".join(out)


# -- text -------------------------------------------------------------------------------------


def text_section(ctx: Context, activity: Activity, rows: list[dict[str, Any]]) -> str:
    from .. import analysis as A

    lang = ctx.lang
    entries = A.text_entries(A.answers_frame(rows))
    out: list[str] = []
    fn = _chart_or_none("word_chart")
    if fn is not None:
        freqs = A.word_frequencies(entries["text"].astype(str).tolist())
        out.append(ctx.chart(fn(freqs, lang, demo=ctx.demo)))
    labels = _labels(activity, lang)
    pinned = set(ctx.store.pinned(activity.id))
    entries = entries.assign(_pin=~entries["ref"].isin(pinned))
    entries = entries.sort_values(["_pin", "group_id", "subject", "entry"], kind="stable")
    person = activity.scope == "participant" and not ctx.anonymous
    about = activity.about == "groups"
    linked = bool(activity.items)
    headers = [t("report.col_group", lang)]
    if person:
        headers.append(t("report.col_participant", lang))
    if about:
        headers.append(t("report.col_about", lang))
    if linked:
        headers.append(t("report.col_item", lang))
    headers.append(t("report.col_text", lang))
    body = []
    for r in entries.itertuples(index=False):
        row: list[Any] = [r.group]
        if person:
            row.append(_person(ctx, r.participant))
        if about:
            row.append(r.about_group or "")
        if linked:
            row.append(labels.get(r.item_id, r.item_id or ""))
        text = str(r.text)
        row.append(("📌 " + text) if r.ref in pinned else text)
        body.append(row)
    out.append(f"<h4>{esc(t('report.answers', lang, n=len(body)))}</h4>")
    out.append(table(headers, body, classes="cw-entries"))
    return "".join(out)


# -- matrix -----------------------------------------------------------------------------------


def _quadrant(activity: Activity, x: float, y: float, lang: str) -> str:
    if len(activity.quadrants) != 4 or activity.x_axis is None or activity.y_axis is None:
        return ""
    xm = (activity.x_axis.min + activity.x_axis.max) / 2
    ym = (activity.y_axis.min + activity.y_axis.max) / 2
    top, right = y >= ym, x >= xm
    index = (0 if top else 2) + (1 if right else 0)
    return activity.quadrants[index].get(lang)


def matrix_section(ctx: Context, activity: Activity, rows: list[dict[str, Any]]) -> str:
    from .. import analysis as A

    lang, frame = ctx.lang, A.answers_frame(rows)
    votes, summary = A.matrix_votes(frame), A.summarize_matrix(frame)
    out: list[str] = []
    fn = _chart_or_none("matrix_chart")
    if fn is not None:
        out.append(ctx.chart(fn(votes, summary, activity, lang, demo=ctx.demo)))
    labels = _labels(activity, lang)
    x_label = activity.x_axis.label.get(lang) if activity.x_axis else "x"
    y_label = activity.y_axis.label.get(lang) if activity.y_axis else "y"
    body = [[labels.get(r.item_id, r.item_id), number(r.x_mean), number(r.y_mean), int(r.count),
             _quadrant(activity, float(r.x_mean), float(r.y_mean), lang)]
            for r in summary.itertuples(index=False)]
    out.append(table([t("report.col_item", lang), x_label, y_label, t("report.col_count", lang),
                      t("report.col_quadrant", lang)], body, numeric=(1, 2, 3),
                     classes="cw-matrix-summary"))
    return "".join(out)


# -- points -----------------------------------------------------------------------------------


def points_section(ctx: Context, activity: Activity, rows: list[dict[str, Any]]) -> str:
    from .. import analysis as A

    lang = ctx.lang
    live = ctx.store.items_of(activity)
    summary = A.summarize_points(A.answers_frame(rows), items=[it.id for it in live])
    items = ctx.store.items_of(activity, with_deleted=True)  # deleted ideas keep a label
    out: list[str] = []
    fn = _chart_or_none("points_chart")
    if fn is not None:
        out.append(ctx.chart(fn(summary, items, lang, demo=ctx.demo)))
    by_id = {it.id: it for it in items}
    body = []
    for rank, r in enumerate(summary.itertuples(index=False), start=1):
        it = by_id.get(r.item_id)
        body.append([rank, it.label.get(lang) if it else r.item_id,
                     it.help.get(lang) if it and it.help else "", int(r.points), int(r.voters)])
    out.append(table(["#", t("report.col_item", lang), t("report.col_group", lang),
                      t("report.col_points", lang), t("report.col_voters", lang)], body,
                     numeric=(0, 3, 4), classes="cw-points"))
    return "".join(out)


# -- plan -------------------------------------------------------------------------------------

_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def _drawable(steps: pd.DataFrame) -> pd.DataFrame:
    """The steps whose start and end are months (``YYYY-MM``): an older database may hold
    anything there; the table lists every step, the roadmap draws these."""
    ok = [bool(_MONTH.fullmatch(str(a))) and bool(_MONTH.fullmatch(str(b)))
          for a, b in zip(steps["start"], steps["end"], strict=True)]
    return steps[ok] if not all(ok) else steps


def plan_section(ctx: Context, activity: Activity, rows: list[dict[str, Any]]) -> str:
    from .. import analysis as A

    lang = ctx.lang
    steps = A.plan_steps(A.answers_frame(rows))
    opds = ctx.store.pack.city.opds
    out: list[str] = []
    fn = _chart_or_none("roadmap_chart")
    if fn is not None:
        fig = fn(_drawable(steps), activity, opds, lang, demo=ctx.demo)
        # At the report's fixed width the owner labels beside late bars would be cut off.
        fig.update_traces(cliponaxis=False, selector={"type": "bar"})
        fig.update_layout(margin={"r": 200}, xaxis={"dtick": "M6", "tickangle": 0})
        out.append(ctx.chart(fig))
    phases = _labels(activity, lang)
    order = {it.id: i for i, it in enumerate(activity.items)}
    owners = {o.id: o.name.get(lang) for o in opds}
    records = sorted(steps.itertuples(index=False),
                     key=lambda r: (str(r.group), order.get(str(r.phase), 99), str(r.start)))
    body = [[r.group, phases.get(str(r.phase), r.phase), r.what, owners.get(str(r.owner), r.owner),
             f"{r.start} – {r.end}", r.kpi] for r in records]
    out.append(table([t("report.col_group", lang), t("report.col_phase", lang),
                      t("report.col_what", lang), t("report.col_owner", lang),
                      t("report.col_when", lang), t("report.col_kpi", lang)], body,
                     classes="cw-steps"))
    return "".join(out)


# -- questions --------------------------------------------------------------------------------


def questions_section(ctx: Context, activity: Activity, rows: list[dict[str, Any]]) -> str:
    lang = ctx.lang
    headers = ["#", t("report.col_question", lang), t("report.col_group", lang)]
    if not ctx.anonymous:
        headers.append(t("report.col_participant", lang))
    headers += [t("report.col_votes", lang), t("report.col_answered", lang)]
    body = []
    for rank, r in enumerate(rows, start=1):
        row: list[Any] = [rank, r["text"], r["group"]]
        if not ctx.anonymous:
            row.append(_person(ctx, r["participant"]))
        row += [int(r["votes"] or 0), t("report.yes", lang) if r["answered_at"] else ""]
        body.append(row)
    votes_col = len(headers) - 2
    return table(headers, body, numeric=(0, votes_col), classes="cw-questions")


SECTIONS = {
    "scale": scale_section,
    "text": text_section,
    "matrix": matrix_section,
    "points": points_section,
    "plan": plan_section,
    "questions": questions_section,
}
