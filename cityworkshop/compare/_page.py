"""The comparison as one self-contained HTML page: notes, score shifts, satisfaction, texts.

Compare layer, private to :mod:`cityworkshop.compare`. The page, its style sheet, plotly.js
(inline, once) and the escaping come from :mod:`cityworkshop.report.html`, so the comparison
looks, prints and stays offline like the report. Every piece of participant or content text
passes through ``esc`` (participant texts also in ``<bdi>``, so that a right-to-left text cannot
turn its row around); a long text is cut to :data:`SHOW_CHARS` characters. Stable ids and classes
(``cw-compare-notes``, ``cw-scale`` with ``data-activity``, ``cw-room``, ``cw-groups``,
``cw-gaps``, ``cw-satisfaction``, ``cw-ideas``, ``cw-steps``) let tests and readers find each
part.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from .. import palette as P
from ..i18n import t
from ..markup import escape
from ..report.html import clean_name, data_attr, esc, figure, long_date, number, page, plotly_js
from ._scores import NOISE_SE, SMALL_N, finite
from ._texts import MAX_WORDS

if TYPE_CHECKING:
    import pandas as pd

    from ..content import Activity
    from ..store import WorkshopStore
    from . import Comparison, ScaleShift, Side

SHOW_CHARS = 400
"""Characters of a participant's text shown; the rest is counted ("… (+N characters)")."""

CSS = P.css("""
.cw-sides {display: grid; grid-template-columns: 1fr 1fr; gap: 12px; margin: 14px 0;}
.cw-side {border: 1px solid var(--line); border-top: 4px solid var(--accent); border-radius: 6px;
  padding: 6px 12px 8px;}
.cw-side.cw-b {border-top-color: $orange;}
.cw-side h3 {margin: 2px 0 4px; font-size: 17px;}
.cw-side .cw-meta {overflow-wrap: anywhere;}
.cw-notes li {margin: 3px 0;}
.cw-up {color: $good; font-weight: 700;}
.cw-down {color: $alert; font-weight: 700;}
.cw-flag {font-size: 12px; color: $caution; white-space: nowrap;}
.cw-cell small {display: block; color: var(--muted); font-size: 12px; white-space: nowrap;}
.cw-wide {overflow-x: auto;}
.cw-groups td, .cw-groups th {padding: 3px 5px;}
.cw-pairs td:nth-child(2), .cw-pairs td:nth-child(4) {width: 43%;}
.cw-pairs td:nth-child(1), .cw-pairs td:nth-child(3) {width: 7%;}
.cw-pairs bdi {white-space: pre-wrap; overflow-wrap: anywhere;}
.cw-headline {font-size: 20px; margin: 8px 0;}
""")


def _sign(value: Any, digits: int = 2) -> str:
    """``+0.40``, ``−0.20`` (a real minus), ``0.00``; empty when missing."""
    if not finite(value):
        return ""
    v = round(float(value), digits)
    if v == 0:
        return f"{0:.{digits}f}"
    return f"{'+' if v > 0 else '−'}{abs(v):.{digits}f}"


def _shift_html(value: Any) -> str:
    s = _sign(value)
    if not s:
        return "–"
    cls = "cw-up" if s.startswith("+") else "cw-down" if s.startswith("−") else ""
    return f'<span class="{cls}">{esc(s)}</span>' if cls else esc(s)


def _shown(text: object, lang: str) -> str:
    """A participant's text, escaped, isolated (``<bdi>``), cut to :data:`SHOW_CHARS`."""
    value = "" if text is None else str(text)
    more = len(value) - SHOW_CHARS
    if more > 0:
        value = value[:SHOW_CHARS]
        tail = esc(t("compare.text_cut", lang, n=f"{more:,}"))
        return f"<bdi>{esc(value)}</bdi>{tail}"
    return f"<bdi>{esc(value)}</bdi>"


def _name(value: object) -> str:
    return f"<bdi>{esc(clean_name(str(value)))}</bdi>"


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]], *, numeric: Sequence[int] = (),
           classes: str = "") -> str:
    """A table of cells already made HTML (each escaped by the caller); headers escaped here."""
    num = set(numeric)
    head = "".join(f'<th{" class=cw-num" if i in num else ""}>{esc(h)}</th>'
                   for i, h in enumerate(headers))
    body = "".join("<tr>" + "".join(f'<td{" class=cw-num" if i in num else ""}>{c}</td>'
                                    for i, c in enumerate(r)) + "</tr>" for r in rows)
    return (f'<table class="cw-table {classes}"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>")


def _labels(activity: Activity, lang: str) -> tuple[dict[str, str], dict[str, str]]:
    return ({i.id: i.label.get(lang) for i in activity.items},
            {d.id: d.label.get(lang) for d in activity.dimensions})


def _note(row: Any, lang: str, *, small: bool = True) -> str:
    """The row's caveats; ``small=False`` leaves "few answers" out (said once for the table)."""
    notes = []
    if row["n_a"] == 0 or row["n_b"] == 0:
        notes.append(t("compare.note_missing", lang, side="A" if row["n_a"] == 0 else "B"))
    else:
        if row["small_n"] and small:
            notes.append(t("compare.note_small", lang))
        if min(row["n_a"], row["n_b"]) < 2:
            notes.append(t("compare.note_one", lang))
        elif row["may_be_chance"]:
            notes.append(t("compare.note_chance", lang))
    return "; ".join(notes)


def _ordered(frame: pd.DataFrame, s: ScaleShift) -> pd.DataFrame:
    """Rows in the activity's order of items and dimensions (A's order)."""
    item_rank = {i: n for n, i in enumerate(s.items)}
    dim_rank = {d: n for n, d in enumerate(s.dimensions)}
    keys = frame.assign(_i=frame["item_id"].map(item_rank), _d=frame["field"].map(dim_rank))
    by = (["group"] if "group" in frame.columns else []) + ["_i", "_d"]
    return keys.sort_values(by, kind="stable")


def _room_table(s: ScaleShift, lang: str) -> str:
    items, dims = _labels(s.activity_a, lang)
    many = len(s.dimensions) > 1
    headers = [t("compare.col_item", lang)] + ([t("compare.col_dimension", lang)] if many else [])
    headers += [t("compare.col_mean", lang, side="A"), t("compare.col_sd", lang, side="A"),
                t("compare.col_n", lang, side="A"), t("compare.col_mean", lang, side="B"),
                t("compare.col_sd", lang, side="B"), t("compare.col_n", lang, side="B"),
                t("compare.col_shift", lang), t("compare.col_note", lang)]
    first = 2 if many else 1
    rows = []
    all_small = bool(len(s.room)) and bool(s.room["small_n"].all())
    for _, r in _ordered(s.room, s).iterrows():
        cells = [esc(items.get(r["item_id"], r["item_id"]))]
        if many:
            cells.append(esc(dims.get(r["field"], r["field"])))
        cells += [esc(number(r["mean_a"])), esc(number(r["std_a"])), esc(r["n_a"]),
                  esc(number(r["mean_b"])), esc(number(r["std_b"])), esc(r["n_b"]),
                  _shift_html(r["shift"]),
                  f'<span class="cw-flag">{esc(_note(r, lang, small=not all_small))}</span>']
        rows.append(cells)
    table = _table(headers, rows, numeric=range(first, first + 7), classes="cw-room")
    if all_small:
        n = int(min(s.room["n_a"].min(), s.room["n_b"].min()))
        small = esc(t("compare.all_small", lang, n=n, k=SMALL_N))
        table = f'<p class="cw-flag cw-small-n">{small}</p>' + table
    return table


def _gap_table(s: ScaleShift, lang: str) -> str:
    assert s.gaps is not None
    items, _ = _labels(s.activity_a, lang)
    order = {i: n for n, i in enumerate(s.items)}
    gaps = s.gaps.assign(_i=s.gaps["item_id"].map(order)).sort_values("_i", kind="stable")
    rows = [[esc(items.get(r["item_id"], r["item_id"])), esc(number(r["gap_a"])),
             esc(number(r["gap_b"])), esc(_sign(r["change"]) or "–")]
            for _, r in gaps.iterrows()]
    headers = [t("compare.col_item", lang), t("compare.col_gap", lang, side="A"),
               t("compare.col_gap", lang, side="B"), t("compare.col_change", lang)]
    return (f"<h4>{esc(t('compare.gaps', lang))}</h4>"
            + _table(headers, rows, numeric=(1, 2, 3), classes="cw-gaps")
            + f'<p class="cw-meta">{esc(t("compare.gaps_note", lang))}</p>')


def _cell(r: Any) -> str:
    """One group's shift with both means, spreads and counts under it."""
    def side(mean: Any, sd: Any, n: Any) -> str:
        if not n:
            return "–"
        spread = f" ± {number(sd, 1)}" if finite(sd) else ""
        return f"{number(mean)}{spread} ({n})"

    a = esc("A " + side(r["mean_a"], r["std_a"], r["n_a"]))
    b = esc("B " + side(r["mean_b"], r["std_b"], r["n_b"]))
    return (f'<span class="cw-cell">{_shift_html(r["shift"])}<small>{a}</small>'
            f"<small>{b}</small></span>")


def _group_table(s: ScaleShift, groups: Sequence[str], lang: str) -> str:
    items, dims = _labels(s.activity_a, lang)
    many = len(s.dimensions) > 1
    frame = s.groups
    cells: dict[tuple[str, str, str], str] = {
        (r["group"], r["item_id"], r["field"]): _cell(r) for _, r in frame.iterrows()}
    present = [g for g in groups if (frame["group"] == g).any()]
    headers = [t("compare.col_item", lang)] + ([t("compare.col_dimension", lang)] if many else [])
    headers += present
    rows = []
    for item in s.items:
        for dim in s.dimensions:
            row = [esc(items.get(item, item))] + ([esc(dims.get(dim, dim))] if many else [])
            row += [cells.get((g, item, dim), "–") for g in present]
            rows.append(row)
    first = 2 if many else 1
    return ('<div class="cw-wide">'
            + _table(headers, rows, numeric=range(first, first + len(present)), classes="cw-groups")
            + "</div>")


def _chart(s: ScaleShift, lang: str, demo: bool) -> str:
    """Dumbbells: for each criterion, now and target of A (hollow) to B (filled)."""
    import plotly.graph_objects as go

    from ..charts import _style as S

    items, dims = _labels(s.activity_a, lang)
    room = s.room.set_index(["item_id", "field"])
    colours = {"now": P.BLUE, "target": P.ORANGE}
    offset = {"now": -0.18, "target": 0.18}
    fig = go.Figure()
    n = len(s.items)
    for dim in ("now", "target"):
        xs_line: list[Any] = []
        ys_line: list[Any] = []
        xa, xb, ys = [], [], []
        for k, item in enumerate(s.items):
            y = n - 1 - k + offset[dim]
            a = room["mean_a"].get((item, dim), math.nan)
            b = room["mean_b"].get((item, dim), math.nan)
            xa.append(a if finite(a) else None)
            xb.append(b if finite(b) else None)
            ys.append(y)
            if finite(a) and finite(b):
                xs_line += [a, b, None]
                ys_line += [y, y, None]
        label = escape(dims.get(dim, dim), quote=False)
        fig.add_trace(go.Scatter(x=xs_line, y=ys_line, mode="lines", hoverinfo="skip",
                                 line={"color": colours[dim], "width": 3}, showlegend=False))
        fig.add_trace(go.Scatter(x=xa, y=ys, mode="markers", name=f"{label} A",
                                 marker={"size": 14, "color": "white", "symbol": "circle",
                                         "line": {"color": colours[dim], "width": 3}},
                                 hovertemplate="%{x:.2f}<extra>" + label + " A</extra>"))
        fig.add_trace(go.Scatter(x=xb, y=ys, mode="markers", name=f"{label} B",
                                 marker={"size": 14, "color": colours[dim]},
                                 hovertemplate="%{x:.2f}<extra>" + label + " B</extra>"))
    ticks = ["<br>".join(escape(line, quote=False)
                         for line in textwrap.wrap(items.get(i, i), 30) or [""])
             for i in s.items]
    act = s.activity_a
    title = escape(t("compare.chart_title", lang, title=act.title.get(lang)), quote=False)
    layout: dict[str, Any] = {
        "title": {"text": title, "font": {"size": S.TITLE - 2}, "x": 0.02, "xanchor": "left"},
        "template": "plotly_white", "font": {"size": S.FONT},
        "height": int(130 + 90 + n * 2.1 * S.LINE),
        "margin": {"t": 130, "l": 20, "r": 20, "b": 90},
        "legend": {"orientation": "h", "y": 1.02, "x": 0, "yanchor": "bottom",
                   "font": {"size": S.SMALL}},
        "xaxis": {"range": [act.scale_min - 0.3, act.scale_max + 0.3], "dtick": 1,
                  "title": {"text": escape(t("compare.chart_axis", lang), quote=False)}},
        "yaxis": {"tickvals": list(range(n - 1, -1, -1)), "ticktext": ticks,
                  "tickfont": {"size": S.SMALL}, "automargin": True,
                  "range": [-0.6, n - 0.4], "zeroline": False},
        "hoverlabel": {"font": {"size": S.HOVER}},
    }
    fig.update_layout(**layout)
    return figure(fig, f"cw-chart-{act.id}")


def _scale_section(c: Comparison, s: ScaleShift, lang: str) -> str:
    act = s.activity_a
    unit = ("compare.answered_ratings" if act.peer else "compare.answered_group"
            if act.scope == "group" else "compare.answered_participant")
    parts = [(f'<section class="cw-activity cw-scale" id="c-{esc(act.id)}"'
             f'{data_attr("activity", act.id)}>'),
             f"<h3>{esc(act.title.get(lang))}</h3>",
             f'<p class="cw-meta">{esc(t(unit, lang, a=s.answers[0], b=s.answers[1]))}</p>']
    if s.has_now_target:
        parts.append(_chart(s, lang, c.a.is_demo or c.b.is_demo))
    parts.append(f"<h4>{esc(t('compare.room', lang))}</h4>")
    parts.append(_room_table(s, lang))
    if s.gaps is not None:
        parts.append(_gap_table(s, lang))
    if c.groups_shared and not s.groups.empty:
        parts.append(f"<h4>{esc(t('compare.per_group', lang))}</h4>")
        if act.peer:
            parts.append(f'<p class="cw-meta">{esc(t("compare.about_groups_note", lang))}</p>')
        parts.append(f'<p class="cw-meta">{esc(t("compare.group_cell_note", lang))}</p>')
        parts.append(_group_table(s, c.groups_shared, lang))
    parts.append("</section>")
    return "".join(parts)


def _satisfaction(c: Comparison, lang: str) -> str:
    s = c.satisfaction
    parts = [f'<section id="cw-satisfaction"><h2>{esc(t("compare.satisfaction", lang))}</h2>']
    if s is None:
        parts.append(f"<p>{esc(t('compare.satisfaction_none', lang))}</p></section>")
        return "".join(parts)
    items, _ = _labels(s.activity_a, lang)
    head = "overall" if "overall" in s.items else None
    if head is not None:
        r = s.room[s.room["item_id"] == head].iloc[0]
        note = _note(r, lang)
        parts.append(f'<p class="cw-headline"{data_attr("shift", _sign(r["shift"]))}>'
                     f"<b>{esc(items[head])}</b>: {esc(number(r['mean_a']))} → "
                     f"{esc(number(r['mean_b']))} ({_shift_html(r['shift'])})"
                     f'{" <span class=cw-flag>" + esc(note) + "</span>" if note else ""}</p>')
    parts.append(_scale_section(c, s, lang))
    parts.append("</section>")
    return "".join(parts)


def _pairs(c: Comparison, kind: str, lang: str) -> str:
    frame = c.ideas if kind == "ideas" else c.steps
    na, nb = c.ideas_count if kind == "ideas" else c.steps_count
    parts = [f'<section id="cw-{kind}"><h2>{esc(t(f"compare.{kind}", lang))}</h2>',
             (f'<p{data_attr("matched", len(frame))}>'
             f"{esc(t(f'compare.{kind}_count', lang, m=len(frame), a=na, b=nb))}</p>")]
    if frame.empty:
        parts.append(f'<p class="cw-no-answers">'
                     f"{esc(t('compare.none_back', lang, threshold=number(c.threshold)))}</p>")
    else:
        rows = [[esc(n + 1),
                 _shown(r["text_a"], lang) + f"<br><small>{_name(r['group_a'])}</small>",
                 esc(t("compare.same", lang) if r["same"] else f"{r['similarity']:.2f}"),
                 _shown(r["text_b"], lang) + f"<br><small>{_name(r['group_b'])}</small>"]
                for n, (_, r) in enumerate(frame.iterrows())]
        headers = ["#", t("compare.col_text", lang, side="A"), t("compare.col_similarity", lang),
                   t("compare.col_text", lang, side="B")]
        parts.append(_table(headers, rows, numeric=(0, 2), classes=f"cw-pairs cw-{kind}-table"))
    parts.append("</section>")
    return "".join(parts)


def _side(side: Side, lang: str) -> str:
    line = t("compare.side_line", lang, city=side.city, date=long_date(side.day, lang),
             participants=side.participants, groups=len(side.groups))
    demo = (f'<div class="cw-banner">{esc(t("demo.banner", lang))}</div>' if side.is_demo
            else "")
    cls = "cw-side cw-b" if side.label == "B" else "cw-side"
    return (f'<div class="{cls}" id="cw-side-{side.label.lower()}">'
            f"<h3>{esc(t('compare.side', lang, side=side.label))}: "
            f"{esc(side.program_title.get(lang))}</h3><p>{esc(line)}</p>"
            f'<p class="cw-meta">{esc(t("compare.file", lang, path=side.path))}</p>{demo}</div>')


def _names(values: Iterable[str]) -> str:
    return ", ".join(clean_name(v) for v in values)


def _notes(c: Comparison, lang: str) -> str:
    """What is compared, and clearly what could not be."""
    li: list[str] = []
    if c.groups_shared:
        li.append(t("compare.groups_note", lang, names=_names(c.groups_shared)))
    else:
        li.append(t("compare.groups_none", lang))
    for side, names in (("A", c.groups_only_a), ("B", c.groups_only_b)):
        if names:
            li.append(t("compare.groups_only", lang, side=side, names=_names(names)))
    missing: list[str] = []
    for side, acts in (("A", c.scales_only_a), ("B", c.scales_only_b)):
        for a in acts:
            missing.append(t("compare.activity_only", lang, title=a.title.get(lang), side=side))
    for s in c.scales:
        title = s.activity_a.title.get(lang)
        if s.activity_a.items_from != s.activity_b.items_from:
            missing.append(t("compare.framework_differs", lang, title=title,
                             fa=s.activity_a.items_from or "-", fb=s.activity_b.items_from or "-"))
        for side, ids, act in (("A", s.items_only_a, s.activity_a),
                               ("B", s.items_only_b, s.activity_b)):
            if ids:
                labels = {i.id: i.label.get(lang) for i in act.items}
                missing.append(t("compare.items_only", lang, title=title, side=side,
                                 items=", ".join(labels.get(i, i) for i in ids)))
        for side, ids in (("A", s.dimensions_only_a), ("B", s.dimensions_only_b)):
            if ids:
                missing.append(t("compare.dims_only", lang, title=title, side=side,
                                 dims=", ".join(ids)))
    body = "".join(f"<li>{esc(x)}</li>" for x in li)
    out = [f'<section id="cw-compare-notes"><h2>{esc(t("compare.what", lang))}</h2>',
           f'<p>{esc(t("compare.shift_rule", lang))}</p><ul class="cw-notes">{body}</ul>',
           f'<h3>{esc(t("compare.not_compared", lang))}</h3>']
    if missing:
        out.append('<ul class="cw-notes" id="cw-not-compared">'
                   + "".join(f"<li>{esc(x)}</li>" for x in missing) + "</ul>")
    else:
        out.append(f'<p id="cw-not-compared">{esc(t("compare.all_compared", lang))}</p>')
    out.append("</section>")
    return "".join(out)


def _method(c: Comparison, lang: str) -> str:
    paras = [t("compare.method_shift", lang),
             t("compare.method_se", lang, k=f"{NOISE_SE:g}", n=SMALL_N),
             t("compare.method_text", lang, threshold=number(c.threshold), words=MAX_WORDS)]
    return (f'<section class="cw-appendix" id="cw-method"><h2>{esc(t("compare.method", lang))}'
            "</h2>" + "".join(f"<p>{esc(p)}</p>" for p in paras) + "</section>")


def page_of(c: Comparison, a: WorkshopStore, b: WorkshopStore, lang: str) -> str:
    """The whole HTML document of comparison ``c`` of workshops ``a`` and ``b``."""
    scales = [s for s in c.scales if s is not c.satisfaction]
    body = [f"<style>{CSS}</style>", '<header class="cw-cover" id="cw-cover">',
            f"<h1>{esc(t('compare.title', lang))}</h1>",
            f'<div class="cw-sides">{_side(c.a, lang)}{_side(c.b, lang)}</div>', "</header>",
            _notes(c, lang),
            f'<section id="cw-scores"><h2>{esc(t("compare.scores", lang))}</h2>',
            *(_scale_section(c, s, lang) for s in scales), "</section>",
            _satisfaction(c, lang), _pairs(c, "ideas", lang), _pairs(c, "steps", lang),
            _method(c, lang)]
    title = f"{t('compare.title', lang)}: {c.a.program_title.get(lang)} / " \
            f"{c.b.program_title.get(lang)}"
    return page(title, lang, "".join(body), plotlyjs=plotly_js())
