"""The facilitator's control panel for one activity: open, close, reveal, timer, next, progress.

Pages layer: every button writes through :class:`~cityworkshop.store.WorkshopStore`; the panel
only counts who answered and lays it out for a projector. A known store error is shown in the
panel, never raised into the notebook.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from ..content import Activity
from ..errors import CityWorkshopError, InvalidAnswer
from ..i18n import t
from ..store import WorkshopStore
from ._html import CSS, error_html, esc, local_time
from ._live import nudge, running_loop

__all__ = ["ControlPanel", "activity_progress"]

_log = logging.getLogger(__name__)
TICK_SECONDS = 1.0
WATCH_SECONDS = 0.1  # how often the change watcher's number is compared (cheap)
COUNT_EVERY_TICKS = 5
DEFAULT_MINUTES = 10

# The panel on a projector: about 150 px tall at 1366x768 (four rows of 36-40 px), so that the
# activity's first chart fits under it on one screen; every text and button label >= 16 px.
PANEL_CSS = """<style>
.cw-control-panel {padding: 0 0 2px 0;}
.cw-control-panel .cw-panel-row {gap: 3px 8px; margin: 0 0 3px 0;}
.cw-control-panel .cw-panel-row > .jupyter-widgets {margin: 0;}
.cw-control-panel .widget-html, .cw-control-panel .widget-html > .widget-html-content {
  height: auto; line-height: 1.25;}
.cw-control-panel .cw-box {line-height: 1.25;}
.cw-control-panel .cw-box h3 {font-size: 22px; margin: 0;}
.cw-control-panel .cw-state {font-size: 18px; padding: 3px 12px;}
.cw-control-panel .cw-src {font-size: 16px;}
.cw-control-panel .cw-banner {font-size: 18px; font-weight: 800; padding: 4px 12px;}
.cw-control-panel .cw-panel-head .cw-refresh-button {margin-left: auto;}
.cw-control-panel .jupyter-button {font-size: 16px; height: 36px; padding: 0 10px;}
.cw-control-panel .widget-text input, .cw-control-panel .widget-label {font-size: 16px;}
.cw-control-panel .widget-text {height: 36px; line-height: 36px;}
.cw-control-panel .widget-text input {height: 36px;}
.cw-control-panel .cw-timer {font-size: 24px; padding: 0 12px; line-height: 36px;}
.cw-control-panel .cw-count {font-size: 22px;}
.cw-control-panel .cw-chip {font-size: 16px; padding: 2px 10px; margin: 2px 6px 2px 0;}
.cw-control-panel .cw-updated {margin-left: 6px; white-space: nowrap;}
.cw-control-panel .cw-box.cw-chips {max-width: none;}
</style>"""


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


def activity_progress(store: WorkshopStore, act: Activity
                      ) -> tuple[int, int, list[tuple[str, int, int]]]:
    """Who answered: ``(answered, total, [(group name, answered, possible), ...])``.

    Group scope counts groups (a group has answered or not: possible is 1); participant
    scope counts participants who answered among those who joined. A peer activity
    (``about: groups``) counts rater-rated pairs: each group (or participant) may rate every
    other group. A questions activity counts questions per group (total: participants).
    See :meth:`WorkshopStore.progress <cityworkshop.store.WorkshopStore.progress>`.
    """
    return store.progress(act).as_tuple()


#: what is counted (:attr:`Progress.unit <cityworkshop.store.Progress.unit>`) -> the sentence
_COUNT_KEYS = {"groups": "panel.answered", "participants": "panel.answered_participants",
               "pairs": "panel.answered_pairs", "questions": "panel.questions_count"}


class ControlPanel(widgets.VBox):
    """Open and close an activity, reveal its results, time it, move on, and see who answered.

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
    reveal_button, hide_button : Button
        "Tampilkan hasil" and "Sembunyikan hasil": two states, not a toggle. Each sets the state
        it names (:meth:`show_results`, :meth:`hide_results`); a second click of "Tampilkan"
        keeps the results shown. The button of the state in force is coloured and ticked.
    join_button : ToggleButton
        "Cara bergabung": shows the join card (link, QR code, group codes, "n of N joined",
        :class:`~cityworkshop.facilitator.join.JoinCard`) inside the panel, or hides it again.
    minutes : BoundedIntText
        Length of the countdown in minutes.
    start_timer_button, stop_timer_button : Button
        "Mulai" / "Hentikan" the countdown (``store.start_timer`` / ``store.stop_timer``).
    next_button : Button
        "Kegiatan berikutnya": :meth:`WorkshopStore.advance` (closes the current activity of the
        program and opens the next one).
    state, shown, timer, count, groups, message : HTML
        DIBUKA/DITUTUP; whether the results are shown; time left; "n of N groups answered"
        (participant scope: participants who joined; about: groups: pairs rated of pairs
        possible; questions: questions and votes); one chip per group, and when it was counted.

    In a kernel the timer ticks every second and the counts refresh every few seconds on the
    kernel's event loop (:meth:`start`, :meth:`stop`).
    """

    def __init__(self, store: WorkshopStore, activity_id: str, lang: str = "id"):
        self.store = store
        self.activity: Activity = store.activity(activity_id)
        self.lang = lang
        self._task: asyncio.Task[None] | None = None
        # The demo banner's sentence is under the panel on the same screen (the first chart's
        # subtitle, or the results' banner): here a short red label on the title's line.
        self.banner = widgets.HTML(
            f'<span class="cw-banner" title="{esc(t("demo.banner", lang))}">'
            f'{esc(t("panel.demo", lang))}</span>' if store.info().is_demo else "")
        self.banner.add_class("cw-panel-banner")
        title = widgets.HTML(f'{CSS}{PANEL_CSS}<div class="cw-box"><h3>'
                             f'{esc(t("panel.heading", lang))}: '
                             f"{esc(self.activity.title.get(lang))}</h3></div>")
        title.add_class("cw-panel-title")
        auto = widgets.Layout(width="auto")
        self.open_button = widgets.Button(description=t("panel.open", lang), button_style="success",
                                          icon="play", layout=auto)
        self.close_button = widgets.Button(description=t("panel.close", lang),
                                           button_style="danger", icon="stop", layout=auto)
        self.refresh_button = widgets.Button(description=t("panel.refresh", lang), icon="refresh",
                                             layout=auto)
        self.reveal_button = widgets.Button(description=t("panel.reveal", lang), icon="eye",
                                            layout=auto, tooltip=t("panel.reveal_tip", lang))
        self.hide_button = widgets.Button(description=t("panel.hide", lang), icon="eye-slash",
                                          layout=auto, tooltip=t("panel.hide_tip", lang))
        self.join_button = widgets.ToggleButton(description=t("panel.join", lang), icon="qrcode",
                                                layout=auto, tooltip=t("panel.join_tip", lang))
        self.next_button = widgets.Button(description=t("panel.next", lang), icon="forward",
                                          button_style="primary", layout=auto)
        self.minutes = widgets.BoundedIntText(value=DEFAULT_MINUTES, min=1, max=240,
                                              description=t("panel.minutes", lang),
                                              style={"description_width": "initial"},
                                              layout=widgets.Layout(width="150px"))
        self.start_timer_button = widgets.Button(description=t("panel.timer_start", lang),
                                                 icon="hourglass-start", layout=auto)
        self.stop_timer_button = widgets.Button(description=t("panel.timer_stop", lang),
                                                icon="hourglass-end", layout=auto)
        for b, cls in ((self.open_button, "cw-open-button"), (self.close_button, "cw-close-button"),
                       (self.refresh_button, "cw-refresh-button"),
                       (self.reveal_button, "cw-reveal-button"),
                       (self.hide_button, "cw-hide-button"),
                       (self.join_button, "cw-join-button"),
                       (self.next_button, "cw-next-button"),
                       (self.start_timer_button, "cw-timer-start"),
                       (self.stop_timer_button, "cw-timer-stop")):
            b.add_class(cls)
        self.state = widgets.HTML()
        self.shown = widgets.HTML()
        self.timer = widgets.HTML()
        self.count = widgets.HTML()
        self.groups = widgets.HTML()
        self.message = widgets.HTML()
        self.open_button.on_click(lambda _: self._open())
        self.close_button.on_click(lambda _: self._act(store.close_activity))
        self.refresh_button.on_click(lambda _: self.refresh())
        self.reveal_button.on_click(lambda _: self.show_results())
        self.hide_button.on_click(lambda _: self.hide_results())
        self.join = widgets.Box(layout=widgets.Layout(display="none"))
        self.join.add_class("cw-panel-join")
        self.join_button.observe(self._on_join, "value")
        self.start_timer_button.on_click(lambda _: self._act(
            lambda aid: store.start_timer(aid, int(self.minutes.value) * 60)))
        self.stop_timer_button.on_click(lambda _: self._act(store.stop_timer))
        self.next_button.on_click(lambda _: self._advance())
        # Four rows for a 1366x768 projector (charts/_style.py PANEL_HEIGHT): the title with
        # the state, the demo label and "Perbarui"; the buttons that act on the activity, with
        # whether the results are shown; the clock and the count; the groups. A row wraps only
        # when it must (many groups).
        def row(children: list[widgets.Widget], cls: str) -> widgets.HBox:
            box = widgets.HBox(children, layout=widgets.Layout(align_items="center",
                                                               flex_flow="row wrap"))
            box.add_class("cw-panel-row")
            box.add_class(cls)
            return box

        head = row([title, self.state, self.banner, self.refresh_button], "cw-panel-head")
        buttons = row([self.open_button, self.close_button, self.reveal_button, self.hide_button,
                       self.shown, self.next_button, self.join_button], "cw-panel-buttons")
        timer_row = row([self.timer, self.minutes, self.start_timer_button,
                         self.stop_timer_button, self.count], "cw-panel-clock")
        super().__init__([head, buttons, timer_row, self.groups, self.message, self.join])
        self.add_class("cw-control-panel")
        self.add_class(f"cw-panel-for-{self.activity.id}")  # the presenter test finds it
        self.refresh()
        if running_loop() is not None:
            self.start()

    # -- actions ------------------------------------------------------------------------------

    def _act(self, action: Callable[[str], Any]) -> bool:
        """Run a store action on this activity; a known store error is shown, not raised."""
        try:
            action(self.activity.id)
        except CityWorkshopError as e:
            text = e.message(self.lang) if isinstance(e, InvalidAnswer) else str(e)
            self.message.value = error_html(text, self.lang)
            return False
        self.message.value = ""
        self.refresh()
        return True

    def show_results(self) -> bool:
        """Show this activity's results (on the projector and the phones); already shown: no
        change. This kernel's live results of the activity redraw at once, others within a
        fraction of a second (the change watcher)."""
        return self._act(lambda aid: self._set_revealed(aid, True))

    def hide_results(self) -> bool:
        """Hide this activity's results until :meth:`show_results`; already hidden: no change."""
        return self._act(lambda aid: self._set_revealed(aid, False))

    def _set_revealed(self, aid: str, revealed: bool) -> None:
        if self.store.is_revealed(aid) != revealed:
            self.store.reveal(aid, revealed)
            nudge(self.store.path, aid)  # this kernel's results now, not at the watcher's poll

    def _on_join(self, change: dict[str, Any]) -> None:
        """Show the join card in the panel (built on first use), or hide it."""
        if change["new"]:
            if not self.join.children:
                from .join import JoinCard

                self.join.children = (JoinCard(self.store, self.lang),)
            else:
                for card in self.join.children:
                    card.draw_link()
                    card.refresh()
            self.join.layout.display = None
        else:
            self.join.layout.display = "none"

    def _open(self) -> None:
        """Open this activity; one is open at a time, so say which one it closed."""
        closed: list[str] = []
        if not self._act(lambda aid: closed.extend(self.store.open_activity(aid))) or not closed:
            return
        titles = ", ".join(self.store.activity(c).title.get(self.lang) for c in closed)
        text = t("cli.opened_closing", self.lang, activity=self.activity.title.get(self.lang),
                 closed=titles)
        self.message.value = f'<div class="cw-box"><b>{esc(text)}</b></div>'

    def _advance(self) -> None:
        result: list[str | None] = []
        if not self._act(lambda _aid: result.append(self.store.advance())):
            return
        nxt = result[0]
        if nxt is None:
            text = t("panel.next_none", self.lang)
        else:
            text = t("panel.next_opened", self.lang,
                     title=self.store.activity(nxt).title.get(self.lang))
        self.message.value = f'<div class="cw-box"><b>{esc(text)}</b></div>'

    # -- counting -----------------------------------------------------------------------------

    def progress(self) -> tuple[int, int, list[tuple[str, int, int]]]:
        """Who answered: ``(answered, total, [(group name, answered, possible), ...])``; see
        :func:`activity_progress`."""
        return activity_progress(self.store, self.activity)

    # -- drawing ------------------------------------------------------------------------------

    def _count_key(self) -> str:
        return _COUNT_KEYS[self.store.progress(self.activity).unit]

    def refresh(self) -> None:
        """Read the state, the timer and the answer counts from the store again."""
        lang, store, aid = self.lang, self.store, self.activity.id
        is_open = store.is_open(aid)
        revealed = store.is_revealed(aid)
        key, cls = ("panel.state_open", "cw-open") if is_open else ("panel.state_closed",
                                                                   "cw-closed")
        shown = t("panel.results_shown" if revealed else "panel.results_hidden", lang)
        self.state.value = f'<span class="cw-state {cls}">{esc(t(key, lang))}</span>'
        self.shown.value = f'<span class="cw-src cw-shown">{esc(shown)}</span>'
        # two states: the button of the state in force is coloured and ticked; pressing it
        # again changes nothing
        self.reveal_button.button_style = "info" if revealed else ""
        self.reveal_button.icon = "check" if revealed else "eye"
        self.hide_button.button_style = "" if revealed else "warning"
        self.hide_button.icon = "eye-slash" if revealed else "check"
        self.refresh_timer()
        progress = self.store.progress(self.activity)
        n, total, per = progress.as_tuple()
        extra = {"votes": progress.votes} if progress.unit == "questions" else {}
        self.count.value = (f'<div class="cw-box"><span class="cw-count">'
                            f"{esc(t(_COUNT_KEYS[progress.unit], lang, n=n, total=total, **extra))}"
                            "</span></div>")
        questions = progress.unit == "questions"
        chips = []
        for name, answered, possible in per:
            label = esc(name)
            if questions:  # "Pertanyaan per kelompok: Kelompok 1: 2"
                label += f": {answered}"
            elif progress.unit in ("participants", "pairs"):
                label += f" {answered}/{possible}"
            done = " cw-done" if answered else ""
            mark = "✓ " if answered else ""
            chips.append(f'<span class="cw-chip{done}">{mark}{label}</span>')
        head = t("panel.questions_per_group" if questions else "panel.groups_answered", lang)
        updated = t("panel.updated", lang, time=local_time(store))
        self.groups.value = (f'<div class="cw-box cw-chips">{esc(head)}: {"".join(chips)}'
                             f'<span class="cw-src cw-updated">{esc(updated)}</span></div>')

    def refresh_timer(self) -> None:
        """Show the time left on the countdown."""
        left = self.store.timer_remaining(self.activity.id)
        if left is None:
            self.timer.value = (f'<span class="cw-src">{esc(t("panel.timer_none", self.lang))}'
                                "</span>")
        elif left <= 0:
            self.timer.value = (f'<span class="cw-timer cw-up">'
                                f'{esc(t("panel.timer_up", self.lang))}</span>')
        else:
            self.timer.value = (f'<span class="cw-timer">'
                                f'{esc(t("panel.timer_left", self.lang, time=_clock(left)))}'
                                "</span>")

    # -- ticking ------------------------------------------------------------------------------

    def start(self) -> bool:
        """Tick the timer every second and refresh the counts every few seconds; False
        without a running event loop."""
        loop = running_loop()
        if loop is None:
            return False
        if self._task is None or self._task.done():
            self._task = loop.create_task(self._tick())
        return True

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def _tick(self) -> None:
        """The clock every second; the counts as soon as the process's change watcher saw a
        commit (compared every :data:`WATCH_SECONDS`), and every few seconds at the latest."""
        from ..store.watch import watcher_for

        watcher = watcher_for(self.store.path)
        seen, n = watcher.version, 0
        per_tick = max(1, round(TICK_SECONDS / WATCH_SECONDS))
        while True:
            await asyncio.sleep(WATCH_SECONDS)
            n += 1
            try:
                if watcher.version != seen or n % (per_tick * COUNT_EVERY_TICKS) == 0:
                    seen = watcher.version
                    self.refresh()
                elif n % per_tick == 0:
                    self.refresh_timer()
            except Exception as e:  # noqa: BLE001 - a busy database must not stop the clock
                _log.warning("control panel refresh failed: %s", e)
