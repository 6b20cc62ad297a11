"""Live results of any activity for the projector, dispatched on the activity's kind.

Pages layer: statistics come from :mod:`cityworkshop.analysis`, figures from
:mod:`cityworkshop.charts` (both imported when first drawn, so that this module imports
quickly); this widget lays them out, hides them until the facilitator reveals them, and
refreshes on demand and every few seconds. Answers are shown by group, never with names.

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

from ..content import Activity
from ..i18n import t
from ..store import WorkshopStore
from ._html import CSS, banner, error_html, esc, local_time
from ._live import figure_output, follow, running_loop
from .questions import QuestionList
from .wall import AnswerWall

__all__ = ["LiveResults", "figure_names"]

AUTO_REFRESH_SECONDS = 5.0  # at the latest; a change shows within WATCH_SECONDS + a redraw
WATCH_SECONDS = 0.1  # comparing a number: cheap; a change shows within ~0.1 s + a redraw
WORDS_SHOWN = 20  # readable from the back of the room
KINDS = ("scale", "text", "matrix", "points", "plan", "questions")
_log = logging.getLogger(__name__)


def figure_names(activity: Activity) -> tuple[str, ...]:
    """The names of the figures LiveResults draws for an activity (keys of ``figures``)."""
    if activity.kind == "scale":
        if activity.about == "groups":
            return ("peer",)
        return ("radar", "heatmap", "gaps") if len(activity.dimensions) >= 2 else ("bars",)
    return {"text": ("words",), "matrix": ("matrix",), "points": ("points",),
            "plan": ("roadmap",)}.get(activity.kind, ())


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
        if activity.kind not in KINDS:
            raise ValueError(f"LiveResults shows {', '.join(KINDS)} activities; {activity_id!r} "
                             f"is a {activity.kind!r} activity. Use an activity of those kinds.")
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
                        for name in figure_names(activity)}
        self.reasons = widgets.HTML()
        self.steps = widgets.HTML()
        self.wall = AnswerWall(store, activity, lang, on_change=lambda: self.refresh(force=True))
        self.questions = QuestionList(store, activity, lang,
                                      on_change=lambda: self.refresh(force=True))
        parts: list[widgets.Widget] = []
        if activity.kind == "text":
            parts.append(self.wall)
        parts.extend(self.outputs.values())
        if activity.kind == "scale" and activity.reason != "none":
            parts.append(self.reasons)
        if activity.kind == "plan":
            parts.append(self.steps)
        if activity.kind == "questions":
            parts.append(self.questions)
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

    def _state(self) -> tuple[list[dict[str, Any]], tuple[Any, ...]]:
        """The rows to draw and a signature that changes whenever the view would."""
        store, aid = self.store, self.activity.id
        revealed = store.is_revealed(aid)
        demo = store.info().is_demo
        if self.activity.kind == "questions":
            rows = store.question_rows(aid)
            data: tuple[Any, ...] = tuple((r["question_id"], r["votes"], r["answered_at"])
                                          for r in rows)
        else:
            rows = store.answer_rows(aid)
            data = tuple(sorted({r["submission_id"] for r in rows}))
        extra: tuple[Any, ...] = ()
        if self.activity.kind == "text":
            extra = (tuple(store.pinned(aid)), store.synthesis(aid))
        if self.activity.kind == "points" and self.activity.items_from_activity:
            src = store.answer_rows(self.activity.items_from_activity)
            extra = (tuple(sorted({r["submission_id"] for r in src})),)
        return rows, (demo, revealed, data, extra)

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
        rows, signature = self._state()
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
        charts_first = bool(self.outputs) and self.activity.kind != "text"
        self.banner.layout.display = "none" if charts_first and demo else None
        draw = getattr(self, f"_draw_{self.activity.kind}")
        self.figures = draw(rows, demo)
        for name, out in self.outputs.items():
            out.outputs = (figure_output(self.figures[name]),) if name in self.figures else ()
        return True

    def _draw_scale(self, rows: list[dict[str, Any]], demo: bool) -> dict[str, go.Figure]:
        from .. import analysis as A
        from .. import charts as C

        act, lang = self.activity, self.lang
        frame = A.answers_frame(rows)
        dims = [d.id for d in act.dimensions]
        if act.about == "groups":
            figures = {"peer": C.peer_chart(A.summarize_peer(frame), act, lang, demo=demo)}
        elif len(dims) >= 2:
            items = [it.id for it in act.items]
            figures = {
                "radar": C.radar_chart(A.summarize_scale(frame), act, lang, demo=demo),
                "heatmap": C.heatmap_chart(A.group_item_matrix(frame, dims[0], items=items), act,
                                           lang, reasons=A.scale_reasons(frame), demo=demo),
                "gaps": C.gap_chart(A.scale_gaps(frame, now=dims[0], target=dims[-1]), act, lang,
                                    demo=demo),
            }
        else:
            figures = {"bars": C.scale_bars_chart(A.summarize_scale(frame), act, lang, demo=demo)}
        if act.reason != "none":
            self.reasons.value = self._reasons_html(A.scale_reasons(frame))
        return figures

    def _draw_text(self, rows: list[dict[str, Any]], demo: bool) -> dict[str, go.Figure]:
        from .. import analysis as A
        from .. import charts as C

        entries = A.text_entries(A.answers_frame(rows))
        aid = self.activity.id
        self.wall.update(entries, self.store.pinned(aid), self.store.synthesis(aid))
        freqs = A.word_frequencies(entries["text"].astype(str).tolist(), top=WORDS_SHOWN)
        return {"words": C.word_chart(freqs, self.lang, demo=demo)}

    def _draw_matrix(self, rows: list[dict[str, Any]], demo: bool) -> dict[str, go.Figure]:
        from .. import analysis as A
        from .. import charts as C

        frame = A.answers_frame(rows)
        return {"matrix": C.matrix_chart(A.matrix_votes(frame), A.summarize_matrix(frame),
                                         self.activity, self.lang, demo=demo)}

    def _draw_points(self, rows: list[dict[str, Any]], demo: bool) -> dict[str, go.Figure]:
        from .. import analysis as A
        from .. import charts as C

        items = self.store.items_of(self.activity)
        summary = A.summarize_points(A.answers_frame(rows), items=[it.id for it in items])
        # an idea deleted since keeps its points, labelled "(dihapus) ..."
        labelled = self.store.items_of(self.activity, with_deleted=True)
        return {"points": C.points_chart(summary, labelled, self.lang, demo=demo)}

    def _draw_plan(self, rows: list[dict[str, Any]], demo: bool) -> dict[str, go.Figure]:
        from .. import analysis as A
        from .. import charts as C

        steps = A.plan_steps(A.answers_frame(rows))
        owners = self.store.pack.city.opds
        self.steps.value = self._steps_html(steps)
        return {"roadmap": C.roadmap_chart(steps, self.activity, owners, self.lang, demo=demo,
                                           per_group=True)}  # a group at a time: one screen

    def _draw_questions(self, rows: list[dict[str, Any]], demo: bool) -> dict[str, go.Figure]:
        self.questions.update(rows)
        return {}

    # -- tables -------------------------------------------------------------------------------

    def _reasons_html(self, reasons: Any) -> str:
        lang = self.lang
        head = f"<h3>{esc(t('results.reasons', lang))}</h3>"
        if reasons.empty:
            return f'<div class="cw-box">{head}<p>{esc(t("results.no_reasons", lang))}</p></div>'
        rows = []
        for item in self.activity.items:
            sub = reasons[reasons["item_id"] == item.id]
            for i, r in enumerate(sub.itertuples(index=False)):
                first = (f'<th rowspan="{len(sub)}" style="width:24%">'
                         f"{esc(item.label.get(lang))}</th>") if i == 0 else ""
                rows.append(f"<tr>{first}<td style='width:14%'>{esc(str(r.group))}</td>"
                            f"<td>{esc(str(r.text))}</td></tr>")
        return (f'<div class="cw-box cw-reasons">{head}<table class="cw-table"><tr>'
                f"<th>{esc(t('chart.criterion', lang))}</th><th>{esc(t('chart.group', lang))}"
                f"</th><th>{esc(t('results.reason', lang))}</th></tr>{''.join(rows)}</table></div>")

    def _steps_html(self, steps: Any) -> str:
        lang = self.lang
        head = f"<h3>{esc(t('results.steps', lang))}</h3>"
        if steps.empty:
            return f'<div class="cw-box">{head}<p>{esc(t("panel.no_answers", lang))}</p></div>'
        phases = {it.id: it.label.get(lang) for it in self.activity.items}
        owners = {o.id: o.name.get(lang) for o in self.store.pack.city.opds}
        order = {it.id: i for i, it in enumerate(self.activity.items)}
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
