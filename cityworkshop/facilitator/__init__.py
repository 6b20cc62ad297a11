"""The facilitator's building blocks for the guided notebooks: material, control panel, live results.

The pages layer: composes the store, :mod:`cityworkshop.analysis` and :mod:`cityworkshop.charts`
into ipywidgets that a notebook shows with one short call each. Statistics come from the analysis
layer; these widgets only count who answered and lay things out, large enough for a projector.
Answers are shown by group, never with participant names. All text is HTML-escaped.

>>> material(store.pack, "disruptive-scoring")  # doctest: +SKIP
>>> ControlPanel(store, "disruptive-scoring")  # doctest: +SKIP
>>> LiveResults(store, "disruptive-scoring")  # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import json
import logging
from typing import Any
from zoneinfo import ZoneInfo

import ipywidgets as widgets
import plotly.graph_objects as go
import plotly.io as pio

from ..analysis import answers_frame, group_item_matrix, scale_gaps, scale_reasons, summarize_scale
from ..charts import gap_chart, heatmap_chart, radar_chart
from ..content import Activity, ContentPack, Criterion, Fact
from ..errors import CityWorkshopError, InvalidAnswer
from ..i18n import t
from ..store import WorkshopStore

__all__ = ["ControlPanel", "LiveResults", "material"]

AUTO_REFRESH_SECONDS = 5.0
_log = logging.getLogger(__name__)
_esc = html.escape

_CSS = """<style>
.cw-box {font-size: 17px; line-height: 1.45; color: #1d1d1d; max-width: 1200px;}
.cw-box h3 {font-size: 24px; margin: 14px 0 6px 0;}
.cw-box h4 {font-size: 19px; margin: 0 0 4px 0;}
.cw-grid {display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 12px;}
.cw-card {border: 1px solid #c9d3e0; border-left: 6px solid #1f5fa8; border-radius: 6px;
  padding: 10px 14px; background: #f8fafd;}
.cw-q {font-style: italic; color: #333; margin: 6px 0;}
.cw-tag {display: inline-block; font-size: 13px; font-weight: 600; color: #1f5fa8;
  border: 1px solid #1f5fa8; border-radius: 10px; padding: 0 8px; margin-bottom: 4px;}
.cw-unverified {display: inline-block; font-size: 13px; font-weight: 600; color: #8a4b00;
  background: #fff1d6; border-radius: 10px; padding: 0 8px;}
.cw-src {font-size: 14px; color: #555;}
.cw-table {border-collapse: collapse; width: 100%;}
.cw-table td, .cw-table th {border-bottom: 1px solid #dde3ea; padding: 6px 8px; text-align: left;
  vertical-align: top;}
.cw-banner {background: #b3261e; color: #fff; font-weight: 700; font-size: 18px;
  padding: 8px 14px; border-radius: 6px;}
.cw-state {display: inline-block; font-weight: 800; font-size: 22px; padding: 4px 16px;
  border-radius: 6px; color: #fff;}
.cw-open {background: #1b7f3b;} .cw-closed {background: #6b6b6b;}
.cw-count {font-size: 26px; font-weight: 700;}
.cw-chip {display: inline-block; font-size: 16px; padding: 3px 12px; margin: 3px 6px 3px 0;
  border-radius: 14px; border: 1px solid #aab4c0; background: #eef1f5; color: #555;}
.cw-chip.cw-done {background: #1b7f3b; border-color: #1b7f3b; color: #fff;}
.cw-error {color: #b3261e; font-weight: 600;}
</style>"""


def _banner(lang: str) -> str:
    return f'<div class="cw-box"><div class="cw-banner">{_esc(t("demo.banner", lang))}</div></div>'


# -- material --------------------------------------------------------------------------------


def _fact_html(fact: Fact, lang: str) -> str:
    flag = ""
    if not fact.verified:
        flag = f' <span class="cw-unverified">{_esc(t("material.unverified", lang))}</span>'
    return (f"<b>{_esc(fact.label.get(lang))}</b>: {_esc(fact.value.get(lang))}{flag}"
            f' <span class="cw-src">({_esc(t("material.source", lang))}: {_esc(fact.source)},'
            f" {fact.year})</span>")


def _criterion_html(c: Criterion, pack: ContentPack, lang: str) -> str:
    facts = {f.key: f for f in pack.city.facts}
    linked = "".join(f"<li>{_fact_html(facts[k], lang)}</li>" for k in c.facts if k in facts)
    linked_html = (f'<div class="cw-src">{_esc(t("material.linked_facts", lang))}:</div>'
                   f'<ul style="margin:2px 0 0 18px;padding:0">{linked}</ul>') if linked else ""
    return (
        '<div class="cw-card">'
        f'<span class="cw-tag">{_esc(t("material.dimension", lang))}: '
        f'{_esc(t("dimension." + c.smart_city_dimension, lang))}</span>'
        f"<h4>{_esc(c.name.get(lang))}</h4>"
        f"<div>{_esc(c.description.get(lang))}</div>"
        f'<div class="cw-q">{_esc(t("material.question", lang))}: {_esc(c.question.get(lang))}'
        f"</div>{linked_html}</div>"
    )


def _material_html(pack: ContentPack, activity_id: str | None, lang: str) -> str:
    parts = [_CSS, '<div class="cw-box">']
    if activity_id is None:
        frameworks = list(pack.frameworks.values())
        items_html = ""
    else:
        activity = pack.program.activity(activity_id)
        frameworks = [pack.framework(activity.items_from)] if activity.items_from else []
        parts.append(f"<h3>{_esc(activity.title.get(lang))}</h3>"
                     f"<p>{_esc(activity.prompt.get(lang))}</p>")
        items_html = "" if frameworks else "".join(
            f'<div class="cw-card"><h4>{_esc(it.label.get(lang))}</h4>'
            + (f'<div class="cw-q">{_esc(it.help.get(lang))}</div>' if it.help else "")
            + "</div>" for it in activity.items)
    for fw in frameworks:
        parts.append(f"<h3>{_esc(fw.name.get(lang))}</h3>"
                     f"<p>{_esc(fw.description.get(lang))}</p>")
        parts.append('<div class="cw-grid">'
                     + "".join(_criterion_html(c, pack, lang) for c in fw.criteria) + "</div>")
        sources = "; ".join(_esc(s) for s in fw.sources)
        parts.append(f'<p class="cw-src">{_esc(t("material.framework_sources", lang))}: '
                     f"{sources}</p>")
    if items_html:
        parts.append(f'<div class="cw-grid">{items_html}</div>')
    city = pack.city
    rows = "".join(
        f"<tr><td><b>{_esc(f.label.get(lang))}</b></td><td>{_esc(f.value.get(lang))}"
        + (f' <span class="cw-unverified">{_esc(t("material.unverified", lang))}</span>'
           if not f.verified else "")
        + f'</td><td class="cw-src">{_esc(f.source)}</td><td class="cw-src">{f.year}</td></tr>'
        for f in city.facts)
    parts.append(
        f"<h3>{_esc(t('material.facts', lang))}: {_esc(city.name)}</h3>"
        f'<table class="cw-table"><tr><th></th><th></th><th>{_esc(t("material.source", lang))}'
        f'</th><th>{_esc(t("material.year", lang))}</th></tr>{rows}</table>'
    )
    parts.append("</div>")
    return "".join(parts)


def material(pack: ContentPack, activity_id: str | None = None, lang: str = "id") -> widgets.HTML:
    """The session's material: the criteria and the city's facts with source and year.

    Parameters
    ----------
    pack
        The content pack (``store.pack`` or :func:`~cityworkshop.content.load_pack`).
    activity_id
        Show the criteria behind this activity (with its title and prompt); default every
        framework of the program.
    lang
        ``"id"`` or ``"en"``.

    Returns
    -------
    HTML
        A widget: per criterion its name, description, guiding question, Smart City dimension
        and linked facts; then every fact of the city with source and year, facts with
        ``verified: false`` marked as unverified. All text is escaped.
    """
    w = widgets.HTML(_material_html(pack, activity_id, lang))
    w.add_class("cw-material")
    return w


# -- control panel ---------------------------------------------------------------------------


def _local_time(store: WorkshopStore) -> str:
    city = store.pack.city
    now = dt.datetime.now(ZoneInfo(city.timezone))
    return f"{now:%H:%M:%S} {city.timezone_label}"


class ControlPanel(widgets.VBox):
    """Open and close an activity and see who has answered.

    Parameters
    ----------
    store
        The workshop.
    activity_id
        The activity to control.
    lang
        ``"id"`` or ``"en"``.

    Attributes
    ----------
    open_button, close_button, refresh_button : Button
        "Buka untuk peserta", "Tutup", "Perbarui".
    state, count, groups : HTML
        DIBUKA/DITUTUP; "n of N groups answered" (participant scope: participants who answered
        out of those who joined); one chip per group, filled when it answered.
    """

    def __init__(self, store: WorkshopStore, activity_id: str, lang: str = "id"):
        self.store = store
        self.activity: Activity = store.activity(activity_id)
        self.lang = lang
        self.banner = widgets.HTML(_banner(lang) if store.info().is_demo else "")
        title = widgets.HTML(f'{_CSS}<div class="cw-box"><h3>{_esc(t("panel.heading", lang))}: '
                             f"{_esc(self.activity.title.get(lang))}</h3></div>")
        self.open_button = widgets.Button(description=t("panel.open", lang), button_style="success",
                                          icon="play", layout=widgets.Layout(width="auto"))
        self.close_button = widgets.Button(description=t("panel.close", lang),
                                           button_style="danger", icon="stop",
                                           layout=widgets.Layout(width="auto"))
        self.refresh_button = widgets.Button(description=t("panel.refresh", lang), icon="refresh",
                                             layout=widgets.Layout(width="auto"))
        for b, cls in ((self.open_button, "cw-open-button"), (self.close_button, "cw-close-button"),
                       (self.refresh_button, "cw-refresh-button")):
            b.add_class(cls)
        self.state = widgets.HTML()
        self.count = widgets.HTML()
        self.groups = widgets.HTML()
        self.message = widgets.HTML()
        self.open_button.on_click(lambda _: self._act(store.open_activity))
        self.close_button.on_click(lambda _: self._act(store.close_activity))
        self.refresh_button.on_click(lambda _: self.refresh())
        buttons = widgets.HBox([self.open_button, self.close_button, self.refresh_button,
                                self.state], layout=widgets.Layout(align_items="center"))
        super().__init__([self.banner, title, buttons, self.count, self.groups, self.message])
        self.add_class("cw-control-panel")
        self.refresh()

    def _act(self, action: Any) -> None:
        """Run an open/close action; a known store error is shown, not raised."""
        try:
            action(self.activity.id)
        except CityWorkshopError as e:
            text = e.message(self.lang) if isinstance(e, InvalidAnswer) else str(e)
            self.message.value = (f'<div class="cw-box cw-error">'
                                  f'{_esc(t("panel.error", self.lang, message=text))}</div>')
            return
        self.message.value = ""
        self.refresh()

    def progress(self) -> tuple[int, int, list[tuple[str, int, int]]]:
        """Who answered: ``(answered, total, [(group name, answered, members), ...])``.

        Group scope counts groups (a group has answered or not: members is 1); participant
        scope counts participants who answered among those who joined.
        """
        subjects = self.store.answered_subjects(self.activity.id)
        groups = self.store.list_groups()
        if self.activity.scope == "group":
            per = [(g.name, int(f"g:{g.id}" in subjects), 1) for g in groups]
            return sum(a for _, a, _ in per), len(groups), per
        people = self.store.list_participants()
        per = []
        for g in groups:
            members = [p for p in people if p.group_id == g.id]
            per.append((g.name, sum(f"p:{p.id}" in subjects for p in members), len(members)))
        return sum(a for _, a, _ in per), len(people), per

    def refresh(self) -> None:
        """Read the state and the answer counts from the store again."""
        lang = self.lang
        is_open = self.store.is_open(self.activity.id)
        key, cls = ("panel.state_open", "cw-open") if is_open else ("panel.state_closed",
                                                                   "cw-closed")
        self.state.value = (f'<div class="cw-box"><span class="cw-state {cls}">'
                            f"{_esc(t(key, lang))}</span></div>")
        n, total, per = self.progress()
        key = "panel.answered" if self.activity.scope == "group" else "panel.answered_participants"
        self.count.value = (f'<div class="cw-box"><span class="cw-count">'
                            f"{_esc(t(key, lang, n=n, total=total))}</span> "
                            f'<span class="cw-src">{_esc(t("panel.updated", lang, time=_local_time(self.store)))}'
                            "</span></div>")
        chips = []
        for name, answered, members in per:
            label = _esc(name)
            if self.activity.scope == "participant":
                label += f" {answered}/{members}"
            done = " cw-done" if answered else ""
            mark = "✓ " if answered else ""
            chips.append(f'<span class="cw-chip{done}">{mark}{label}</span>')
        self.groups.value = (f'<div class="cw-box">{_esc(t("panel.groups_answered", lang))}: '
                             f'{"".join(chips)}</div>')


# -- live results ----------------------------------------------------------------------------


def _figure_output(fig: go.Figure) -> dict[str, Any]:
    """A display_data output of a figure for an Output widget, rendered offline by JupyterLab's
    plotly extension; set as ``Output.outputs`` it works from any task, without a display hook."""
    fig_dict = json.loads(pio.to_json(fig, validate=False))
    bundle = {
        "application/vnd.plotly.v1+json": {
            "data": fig_dict.get("data", []),
            "layout": fig_dict.get("layout", {}),
            "config": {"displaylogo": False},
        },
        "text/plain": str(fig.layout.title.text or "plotly figure"),
    }
    return {"output_type": "display_data", "data": bundle, "metadata": {}}


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        pass
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    kernel = getattr(get_ipython(), "kernel", None)
    loop = getattr(getattr(kernel, "io_loop", None), "asyncio_loop", None)
    return loop if loop is not None and loop.is_running() else None


class LiveResults(widgets.VBox):
    """The scale activity's live charts: radar, group x criterion heatmap, gap ranking, reasons.

    Parameters
    ----------
    store
        The workshop.
    activity_id
        A ``scale`` activity.
    lang
        ``"id"`` or ``"en"``.
    interval
        Seconds between automatic refreshes.

    Notes
    -----
    :meth:`refresh` reads the answers and redraws; the "Perbarui" button forces it. In a kernel,
    automatic refresh runs as an asyncio task on the kernel's event loop (:meth:`start`,
    :meth:`stop`, or the "Perbarui otomatis" checkbox) and redraws only when answers changed.
    Outside a running event loop (plain pytest) :meth:`start` returns False. ``figures`` holds
    the last plotly figures by name: ``"radar"``, ``"heatmap"``, ``"gaps"``.
    """

    def __init__(self, store: WorkshopStore, activity_id: str, lang: str = "id", *,
                 interval: float = AUTO_REFRESH_SECONDS):
        activity = store.activity(activity_id)
        if activity.kind != "scale":
            raise ValueError(f"LiveResults shows scale activities; {activity_id!r} is a "
                             f"{activity.kind!r} activity. Use a scale activity id.")
        self.store, self.activity, self.lang, self.interval = store, activity, lang, interval
        self.figures: dict[str, go.Figure] = {}
        self._signature: tuple[Any, ...] | None = None
        self._task: asyncio.Task[None] | None = None
        self.banner = widgets.HTML(_banner(lang) if store.info().is_demo else "")
        self.refresh_button = widgets.Button(description=t("panel.refresh", lang), icon="refresh")
        self.refresh_button.add_class("cw-results-refresh")
        self.auto = widgets.Checkbox(value=False, description=t("panel.auto_refresh", lang),
                                     indent=False)
        self.updated = widgets.HTML()
        self.message = widgets.HTML()
        self.outputs = {name: widgets.Output(layout=widgets.Layout(width="100%"))
                        for name in ("radar", "heatmap", "gaps")}
        self.reasons = widgets.HTML()
        self.refresh_button.on_click(lambda _: self.refresh(force=True))
        self.auto.observe(self._on_auto, names="value")
        header = widgets.HBox([self.refresh_button, self.auto, self.updated],
                              layout=widgets.Layout(align_items="center"))
        title = widgets.HTML(f'{_CSS}<div class="cw-box"><h3>{_esc(t("results.heading", lang))}: '
                             f"{_esc(activity.title.get(lang))}</h3></div>")
        super().__init__([self.banner, title, header, self.message, *self.outputs.values(),
                          self.reasons])
        self.add_class("cw-live-results")
        self.refresh(force=True)
        if _running_loop() is not None:
            self.auto.value = True  # starts the task through _on_auto

    # -- drawing --------------------------------------------------------------------------

    def refresh(self, force: bool = False) -> bool:
        """Read the current answers and redraw the charts and reasons.

        Parameters
        ----------
        force
            Redraw even when the answers did not change since the last refresh.

        Returns
        -------
        bool
            Whether the charts were redrawn.
        """
        rows = self.store.answer_rows(self.activity.id)
        demo = self.store.info().is_demo
        signature = (demo, tuple(sorted({r["submission_id"] for r in rows})))
        self.updated.value = (f'<span class="cw-src">'
                              f'{_esc(t("panel.updated", self.lang, time=_local_time(self.store)))}'
                              "</span>")
        if not force and signature == self._signature:
            return False
        self._signature = signature
        act, lang = self.activity, self.lang
        frame = answers_frame(rows)
        dims = [d.id for d in act.dimensions]
        items = [it.id for it in act.items]
        self.figures = {
            "radar": radar_chart(summarize_scale(frame), act, lang, demo=demo),
            "heatmap": heatmap_chart(group_item_matrix(frame, dims[0], items=items), act, lang,
                                     reasons=scale_reasons(frame), demo=demo),
        }
        if len(dims) >= 2:
            gaps = scale_gaps(frame, now=dims[0], target=dims[-1])
            self.figures["gaps"] = gap_chart(gaps, act, lang, demo=demo)
        for name, out in self.outputs.items():
            out.outputs = (_figure_output(self.figures[name]),) if name in self.figures else ()
        self.reasons.value = self._reasons_html(scale_reasons(frame))
        return True

    def _reasons_html(self, reasons: Any) -> str:
        lang = self.lang
        head = f"<h3>{_esc(t('results.reasons', lang))}</h3>"
        if reasons.empty:
            return f'<div class="cw-box">{head}<p>{_esc(t("results.no_reasons", lang))}</p></div>'
        rows = []
        for item in self.activity.items:
            sub = reasons[reasons["item_id"] == item.id]
            for i, r in enumerate(sub.itertuples(index=False)):
                first = (f'<th rowspan="{len(sub)}" style="width:24%">'
                         f"{_esc(item.label.get(lang))}</th>") if i == 0 else ""
                rows.append(f"<tr>{first}<td style='width:14%'>{_esc(str(r.group))}</td>"
                            f"<td>{_esc(str(r.text))}</td></tr>")
        return (f'<div class="cw-box cw-reasons">{head}<table class="cw-table"><tr>'
                f"<th>{_esc(t('chart.criterion', lang))}</th><th>{_esc(t('chart.group', lang))}"
                f"</th><th>{_esc(t('results.reason', lang))}</th></tr>{''.join(rows)}</table></div>")

    # -- automatic refresh ----------------------------------------------------------------

    def _on_auto(self, change: dict[str, Any]) -> None:
        if change["new"]:
            if not self.start():
                self.auto.value = False
        else:
            self.stop()

    def start(self, interval: float | None = None) -> bool:
        """Refresh every ``interval`` seconds on the running event loop; False without one."""
        if interval is not None:
            self.interval = interval
        loop = _running_loop()
        if loop is None:
            return False
        if self._task is None or self._task.done():
            self._task = loop.create_task(self._auto_refresh())
        if not self.auto.value:
            self.auto.value = True
        return True

    def stop(self) -> None:
        """Stop the automatic refresh (the charts stay as they are)."""
        if self._task is not None:
            self._task.cancel()
            self._task = None
        if self.auto.value:
            self.auto.value = False

    @property
    def running(self) -> bool:
        """Whether the automatic refresh is on."""
        return self._task is not None and not self._task.done()

    async def _auto_refresh(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                self.refresh()
                self.message.value = ""
            except Exception as e:  # keep refreshing: a busy database must not stop the loop
                _log.warning("automatic refresh failed: %s", e)
                self.message.value = (f'<div class="cw-box cw-error">'
                                      f'{_esc(t("panel.error", self.lang, message=str(e)))}</div>')
