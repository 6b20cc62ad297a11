"""Live results of any activity for the projector: its kind's charts and parts.

Pages layer: the activity's data comes from the store (``activity_data``), its statistics and
figures from its kind's entry points (:meth:`Kind.summaries
<cityworkshop.kinds.Kind.summaries>`, :meth:`Kind.figures <cityworkshop.kinds.Kind.figures>`,
imported when first drawn, so that this module imports quickly), and what the kind shows beside
its charts from its live part (:attr:`Kind.live <cityworkshop.kinds.Kind.live>`). This widget
lays them out, hides them until the facilitator reveals them, and refreshes on demand and every
few seconds; it never asks which kind it shows. Answers are shown by group, never with names.

========== ===================================================================================
kind       what it shows
========== ===================================================================================
scale      radar, group x item heatmap, gap ranking (two dimensions); mean bars (one
           dimension); per presenting group x rubric item (``about: groups``); reasons
text       answer wall (pins, synthesis) and word frequencies
matrix     2x2 of every vote with the averages and quadrants
points     ranked points per item (the groups' ideas for dot voting)
plan       roadmap timeline and a table of the steps
questions  questions by votes with a "Sudah dijawab" toggle
========== ===================================================================================
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import ipywidgets as widgets
import plotly.graph_objects as go

from ..charts.text import WORDS_SHOWN
from ..content import Activity
from ..i18n import t
from ..kinds import kind_of, names
from ..store import WorkshopStore
from ._html import CSS, banner, error_html, esc, local_time
from ._live import LivePart, figure_output, follow, running_loop

__all__ = ["KINDS", "WORDS_SHOWN", "LiveResults", "ReasonsPart", "StepsPart", "figure_names"]

AUTO_REFRESH_SECONDS = 5.0  # at the latest; a change shows within WATCH_SECONDS + a redraw
WATCH_SECONDS = 0.1  # comparing a number: cheap; a change shows within ~0.1 s + a redraw
KINDS = names()
"""The kinds LiveResults shows: every kind of the registry."""
_log = logging.getLogger(__name__)


def figure_names(activity: Activity) -> tuple[str, ...]:
    """The names of the figures LiveResults draws for an activity (keys of ``figures``)."""
    return kind_of(activity).figure_names(activity)


class LiveResults(widgets.VBox):
    """An activity's live results: charts for its kind, hidden until revealed.

    Parameters
    ----------
    store
        The workshop.
    activity_id
        Any activity of the program.
    lang
        ``"id"`` or ``"en"``.
    interval
        Seconds between automatic refreshes.

    Notes
    -----
    :meth:`refresh` reads the answers and redraws; the "Perbarui" button forces it. In a kernel,
    automatic refresh runs as an asyncio task on the kernel's event loop (:meth:`start`,
    :meth:`stop`, or the "Perbarui otomatis" checkbox) and redraws only when something changed
    (answers, reveal, pins, synthesis, questions). Outside a running event loop (plain pytest)
    :meth:`start` returns False. ``figures`` holds the last plotly figures by name (see
    :func:`figure_names`); it is empty while the results are hidden. Text activities have
    ``wall`` (:class:`AnswerWall`), questions ``questions`` (:class:`QuestionList`), plans
    ``steps`` (an HTML table), scales ``reasons``.
    """

    def __init__(self, store: WorkshopStore, activity_id: str, lang: str = "id", *,
                 interval: float = AUTO_REFRESH_SECONDS):
        activity = store.activity(activity_id)
        self.kind = kind_of(activity)  # ValueError for a kind nobody declared
        self.store, self.activity, self.lang, self.interval = store, activity, lang, interval
        self.figures: dict[str, go.Figure] = {}
        self._signature: tuple[Any, ...] | None = None
        self._task: asyncio.Task[None] | None = None
        self.banner = widgets.HTML(banner(store, lang))
        self.refresh_button = widgets.Button(description=t("panel.refresh", lang), icon="refresh")
        self.refresh_button.add_class("cw-results-refresh")
        self.auto = widgets.Checkbox(value=False, description=t("panel.auto_refresh", lang),
                                     indent=False)
        self.updated = widgets.HTML()
        self.message = widgets.HTML()
        self.hidden = widgets.HTML()
        self.hidden.add_class("cw-hidden")
        self.outputs = {name: widgets.Output(layout=widgets.Layout(width="100%"))
                        for name in self.kind.figure_names(activity)}
        #: what the kind shows beside its charts; its widgets are attributes of this one too
        self.part: LivePart = self.kind.live_part()(self)
        for name, widget in self.part.widgets.items():
            setattr(self, name, widget)
        parts = [*self.part.before, *self.outputs.values(), *self.part.after]
        self.body = widgets.VBox(parts, layout=widgets.Layout(width="100%"))
        self.refresh_button.on_click(lambda _: self.refresh(force=True))
        self.auto.observe(self._on_auto, names="value")
        # One row above the charts (title, refresh, time): the first chart shares the screen
        # with the control panel (charts/_style.py: MAIN_HEIGHT).
        title = widgets.HTML(f'{CSS}<div class="cw-box"><h3 style="margin:4px 16px 4px 0">'
                             f'{esc(t("results.heading", lang))}: '
                             f"{esc(activity.title.get(lang))}</h3></div>")
        header = widgets.HBox([title, self.refresh_button, self.auto, self.updated],
                              layout=widgets.Layout(align_items="center", flex_flow="row wrap"))
        super().__init__([self.banner, header, self.message, self.hidden, self.body])
        self.add_class("cw-live-results")
        self.add_class(f"cw-results-for-{activity.id}")  # the presenter test finds it
        try:
            self.refresh(force=True)
        except Exception as e:  # noqa: BLE001 - show it in the notebook, keep the widget
            _log.exception("drawing the results of %s failed", activity_id)
            self.message.value = error_html(f"{type(e).__name__}: {e}", lang)
        follow(store.path, activity.id, self)  # a reveal in this kernel redraws at once
        if running_loop() is not None:
            self.auto.value = True  # starts the task through _on_auto

    # -- drawing ------------------------------------------------------------------------------

    def _state(self) -> tuple[Any, tuple[Any, ...]]:
        """The activity's data and a signature that changes whenever the view would."""
        store, aid = self.store, self.activity.id
        revealed = store.is_revealed(aid)
        demo = store.info().is_demo
        data = store.activity_data(self.activity)
        return data, (demo, revealed, self.kind.signature(data))

    def refresh(self, force: bool = False) -> bool:
        """Read the current answers and redraw.

        Parameters
        ----------
        force
            Redraw even when nothing changed since the last refresh.

        Returns
        -------
        bool
            Whether the view was redrawn.
        """
        data, signature = self._state()
        self.updated.value = (f'<span class="cw-src">'
                              f'{esc(t("panel.updated", self.lang, time=local_time(self.store)))}'
                              "</span>")
        if not force and signature == self._signature:
            return False
        self._signature = signature
        demo, revealed = signature[0], signature[1]
        if not revealed:
            self.banner.layout.display = None
            self.figures = {}
            for out in self.outputs.values():
                out.outputs = ()
            self.hidden.value = (f'<div class="cw-box"><div class="cw-hidden-note">'
                                 f'{esc(t("results.hidden", self.lang))}</div></div>')
            self.body.layout.display = "none"
            return True
        self.hidden.value = ""
        self.body.layout.display = None
        # A chart first carries the demo banner under its title: one banner, not two.
        charts_first = bool(self.outputs) and not self.part.before
        self.banner.layout.display = "none" if charts_first and demo else None
        summaries = self.kind.summaries(self.activity, data)
        self.part.update(summaries, data)
        self.figures = self.kind.figures(self.activity, summaries, self.lang, demo=demo)
        for name, out in self.outputs.items():
            out.outputs = (figure_output(self.figures[name]),) if name in self.figures else ()
        return True

    # -- automatic refresh --------------------------------------------------------------------

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
        loop = running_loop()
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
        """Redraw within a fraction of a second of any commit: the process's change watcher
        (``PRAGMA data_version``) is compared every :data:`WATCH_SECONDS`, and the store is read
        only when it moved (or every ``interval`` seconds, as a safety net)."""
        from ..store.watch import watcher_for

        watcher = watcher_for(self.store.path)
        seen, waited = -1, 0.0
        while True:
            await asyncio.sleep(WATCH_SECONDS)
            waited += WATCH_SECONDS
            if watcher.version == seen and waited < self.interval:
                continue
            seen, waited = watcher.version, 0.0
            try:
                self.refresh()
                self.message.value = ""
            except Exception as e:  # noqa: BLE001 - a busy database must not stop the loop
                _log.warning("automatic refresh failed: %s", e)
                self.message.value = error_html(str(e), self.lang)


# -- what scale and plan activities show beside their charts -----------------------------------


class ReasonsPart(LivePart):
    """A scale activity's written reasons, by criterion and group, below its charts
    (``live.reasons``; none when the activity asks for no reason)."""

    def __init__(self, results: LiveResults):
        super().__init__(results)
        reasons = widgets.HTML()
        self.widgets = {"reasons": reasons}
        self.after = [reasons] if results.activity.reason != "none" else []

    def update(self, summaries: Any, data: Any) -> None:
        if self.after:
            self.widgets["reasons"].value = self._html(summaries["reasons"])

    def _html(self, reasons: Any) -> str:
        lang, activity = self.results.lang, self.results.activity
        head = f"<h3>{esc(t('results.reasons', lang))}</h3>"
        if reasons.empty:
            return f'<div class="cw-box">{head}<p>{esc(t("results.no_reasons", lang))}</p></div>'
        rows = []
        for item in activity.items:
            sub = reasons[reasons["item_id"] == item.id]
            for i, r in enumerate(sub.itertuples(index=False)):
                first = (f'<th rowspan="{len(sub)}" style="width:24%">'
                         f"{esc(item.label.get(lang))}</th>") if i == 0 else ""
                rows.append(f"<tr>{first}<td style='width:14%'>{esc(str(r.group))}</td>"
                            f"<td>{esc(str(r.text))}</td></tr>")
        return (f'<div class="cw-box cw-reasons">{head}<table class="cw-table"><tr>'
                f"<th>{esc(t('chart.criterion', lang))}</th><th>{esc(t('chart.group', lang))}"
                f"</th><th>{esc(t('results.reason', lang))}</th></tr>{''.join(rows)}</table></div>")


class StepsPart(LivePart):
    """A plan activity's steps as a table below the roadmap (``live.steps``)."""

    def __init__(self, results: LiveResults):
        super().__init__(results)
        steps = widgets.HTML()
        self.widgets = {"steps": steps}
        self.after = [steps]

    def update(self, summaries: Any, data: Any) -> None:
        self.widgets["steps"].value = self._html(summaries["steps"], data.owners)

    def _html(self, steps: Any, opds: Any) -> str:
        lang, activity = self.results.lang, self.results.activity
        head = f"<h3>{esc(t('results.steps', lang))}</h3>"
        if steps.empty:
            return f'<div class="cw-box">{head}<p>{esc(t("panel.no_answers", lang))}</p></div>'
        phases = {it.id: it.label.get(lang) for it in activity.items}
        owners = {o.id: o.name.get(lang) for o in opds}
        order = {it.id: i for i, it in enumerate(activity.items)}
        records = sorted(steps.itertuples(index=False),
                         key=lambda r: (str(r.group), order.get(str(r.phase), 99), str(r.start)))
        cols = ("chart.group", "results.step_phase", "results.step_what", "results.step_owner",
                "results.step_when", "results.step_kpi")
        body = "".join(
            f"<tr><td style='white-space:nowrap'>{esc(str(r.group))}</td>"
            f"<td>{esc(phases.get(str(r.phase), str(r.phase)))}</td><td>{esc(str(r.what))}</td>"
            f"<td>{esc(owners.get(str(r.owner), str(r.owner)))}</td>"
            f"<td style='white-space:nowrap'>{esc(str(r.start))} – {esc(str(r.end))}</td>"
            f"<td>{esc(str(r.kpi))}</td></tr>"
            for r in records)
        header = "".join(f"<th>{esc(t(c, lang))}</th>" for c in cols)
        return (f'<div class="cw-box cw-steps">{head}<table class="cw-table"><tr>{header}</tr>'
                f"{body}</table></div>")
