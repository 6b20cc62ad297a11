"""The results of one activity in the report: its charts and the answers behind them, by kind.

Report layer, private to :mod:`cityworkshop.report`. Each kind's section is named by its
declaration (:attr:`Kind.report <cityworkshop.kinds.Kind.report>`) and looked up in
:data:`SECTIONS`; a kind without one gets :func:`generic_section`. A section takes the
activity's :class:`~cityworkshop.kinds.ActivityData`, draws the kind's figures
(:meth:`Kind.figures <cityworkshop.kinds.Kind.figures>` on its summaries) and writes the tables;
every answer table is escaped by :func:`~cityworkshop.report.html.table`. With ``anonymous`` no
participant name is written anywhere (groups stay).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..content import Activity
from ..i18n import t
from ..kinds import ActivityData, kind_of
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


def _results(ctx: Context, activity: Activity, data: ActivityData
             ) -> tuple[dict[str, Any], dict[str, Any]]:
    """The kind's summaries of ``data`` and its figures for the page (all groups at once)."""
    kind = kind_of(activity)
    summaries = kind.summaries(activity, data)
    return summaries, kind.figures(activity, summaries, ctx.lang, demo=ctx.demo, projector=False)


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


def scale_section(ctx: Context, activity: Any, data: ActivityData) -> str:
    lang = ctx.lang
    summaries, figs = _results(ctx, activity, data)
    labels = _labels(activity, lang)
    dims = [d.id for d in activity.dimensions]
    dim_labels = {d.id: d.label.get(lang) for d in activity.dimensions}
    if "heatmap" in figs:
        figs["heatmap"] = readable_heatmap(figs["heatmap"])
    out = [ctx.chart(fig) for fig in figs.values()]
    if "peer" in summaries:
        body = [[r.about_group, labels.get(r.item_id, r.item_id), number(r.mean), int(r.count)]
                for r in summaries["peer"].itertuples(index=False)]
        out.append(table([t("report.col_presenting", lang), t("report.col_item", lang),
                          t("report.col_mean", lang), t("report.col_count", lang)], body,
                         numeric=(2, 3), classes="cw-peer"))
    elif "gaps" in summaries:
        by_item = summaries["gaps"].set_index("item_id")
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
        by_item = summaries["summary"].set_index("item_id")
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
    out.append(_reasons_table(ctx, activity, summaries["answers"]))
    return "".join(out)


# -- text -------------------------------------------------------------------------------------


def text_section(ctx: Context, activity: Any, data: ActivityData) -> str:
    lang = ctx.lang
    summaries, figs = _results(ctx, activity, data)
    entries = summaries["entries"]
    out = [ctx.chart(fig) for fig in figs.values()]
    labels = _labels(activity, lang)
    pinned = set(data.pinned)
    entries = entries.assign(_pin=~entries["ref"].isin(pinned))
    entries = entries.sort_values(["_pin", "group_id", "subject", "entry"], kind="stable")
    person = activity.scope == "participant" and not ctx.anonymous
    about = activity.peer
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


def _quadrant(activity: Any, x: float, y: float, lang: str) -> str:
    if len(activity.quadrants) != 4:
        return ""
    xm = (activity.x_axis.min + activity.x_axis.max) / 2
    ym = (activity.y_axis.min + activity.y_axis.max) / 2
    top, right = y >= ym, x >= xm
    index = (0 if top else 2) + (1 if right else 0)
    return str(activity.quadrants[index].get(lang))


def matrix_section(ctx: Context, activity: Any, data: ActivityData) -> str:
    lang = ctx.lang
    summaries, figs = _results(ctx, activity, data)
    out = [ctx.chart(fig) for fig in figs.values()]
    labels = _labels(activity, lang)
    x_label, y_label = activity.x_axis.label.get(lang), activity.y_axis.label.get(lang)
    body = [[labels.get(r.item_id, r.item_id), number(r.x_mean), number(r.y_mean), int(r.count),
             _quadrant(activity, float(r.x_mean), float(r.y_mean), lang)]
            for r in summaries["summary"].itertuples(index=False)]
    out.append(table([t("report.col_item", lang), x_label, y_label, t("report.col_count", lang),
                      t("report.col_quadrant", lang)], body, numeric=(1, 2, 3),
                     classes="cw-matrix-summary"))
    return "".join(out)


# -- points -----------------------------------------------------------------------------------


def points_section(ctx: Context, activity: Any, data: ActivityData) -> str:
    lang = ctx.lang
    summaries, figs = _results(ctx, activity, data)
    out = [ctx.chart(fig) for fig in figs.values()]
    by_id = {it.id: it for it in summaries["items"]}  # deleted ideas keep a label
    body = []
    for rank, r in enumerate(summaries["points"].itertuples(index=False), start=1):
        it = by_id.get(r.item_id)
        body.append([rank, it.label.get(lang) if it else r.item_id,
                     it.help.get(lang) if it and it.help else "", int(r.points), int(r.voters)])
    out.append(table(["#", t("report.col_item", lang), t("report.col_group", lang),
                      t("report.col_points", lang), t("report.col_voters", lang)], body,
                     numeric=(0, 3, 4), classes="cw-points"))
    return "".join(out)


# -- plan -------------------------------------------------------------------------------------


def plan_section(ctx: Context, activity: Any, data: ActivityData) -> str:
    lang = ctx.lang
    summaries, figs = _results(ctx, activity, data)
    steps = summaries["steps"]
    out = []
    for fig in figs.values():
        # At the report's fixed width the owner labels beside late bars would be cut off.
        fig.update_traces(cliponaxis=False, selector={"type": "bar"})
        fig.update_layout(margin={"r": 200}, xaxis={"dtick": "M6", "tickangle": 0})
        out.append(ctx.chart(fig))
    phases = _labels(activity, lang)
    order = {it.id: i for i, it in enumerate(activity.items)}
    owners = {o.id: o.name.get(lang) for o in data.owners}
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


def questions_section(ctx: Context, activity: Any, data: ActivityData) -> str:
    lang = ctx.lang
    headers = ["#", t("report.col_question", lang), t("report.col_group", lang)]
    if not ctx.anonymous:
        headers.append(t("report.col_participant", lang))
    headers += [t("report.col_votes", lang), t("report.col_answered", lang)]
    body = []
    for rank, r in enumerate(data.rows, start=1):
        row: list[Any] = [rank, r["text"], r["group"]]
        if not ctx.anonymous:
            row.append(_person(ctx, r["participant"]))
        row += [int(r["votes"] or 0), t("report.yes", lang) if r["answered_at"] else ""]
        body.append(row)
    votes_col = len(headers) - 2
    return table(headers, body, numeric=(0, votes_col), classes="cw-questions")


# -- any other kind ---------------------------------------------------------------------------


def generic_section(ctx: Context, activity: Any, data: ActivityData) -> str:
    """The section of a kind that declares none of its own: its figures, then every current
    answer row (group, item, field, value), escaped like every table."""
    lang = ctx.lang
    _, figs = _results(ctx, activity, data)
    out = [ctx.chart(fig) for fig in figs.values()]
    labels = _labels(activity, lang)
    person = activity.scope == "participant" and not ctx.anonymous
    headers = [t("report.col_group", lang)]
    if person:
        headers.append(t("report.col_participant", lang))
    headers += [t("report.col_item", lang), t("export.head_field", lang),
                t("report.col_value", lang)]
    body = []
    for r in data.rows:
        row: list[Any] = [r.get("group", "")]
        if person:
            row.append(_person(ctx, r.get("participant")))
        value = r.get("value_text", r.get("text"))  # a board's rows hold their text
        if value is None:
            value = number(r.get("value_num"))
        item = str(r.get("item_id") or "")
        row += [labels.get(item, item), r.get("field", ""), value]
        body.append(row)
    out.append(table(headers, body, classes="cw-answers"))
    return "".join(out)


class _Sections(dict[str, Callable[..., str]]):
    """Kind name -> its report section, each looked up (and imported) on first use."""

    def __missing__(self, name: str) -> Callable[..., str]:
        section = kind_of(name).report_section()
        self[name] = section
        return section


SECTIONS: dict[str, Callable[..., str]] = _Sections()
"""Kind name -> the report section of its activities: ``section(ctx, activity, data)``."""
