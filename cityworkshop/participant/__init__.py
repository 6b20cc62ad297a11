"""The participant page: join a group, wait, answer whatever activity is open, see it sent, edit.

The pages layer: :class:`ParticipantPage` shows the form of the activity the facilitator opened
(:func:`cityworkshop.forms.form_for`, or a :class:`~cityworkshop.forms.QuestionsBoard`), follows
the facilitator by polling the database every :data:`POLL_SECONDS`, shows the facilitator's
countdown (:mod:`.countdown`) and a confirmation per activity kind (:mod:`.summary`). Served by
Solara's server, one page per phone in one process (:mod:`.server`, :mod:`cityworkshop.serve`).
Every error is caught and shown as a friendly sentence in the participant's language;
participant text is always escaped. Kept lean on purpose (no pandas, plotly, analysis or
charts): forty of these kernels share the facilitator's laptop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import ipywidgets as widgets

from ..errors import InvalidAnswer, StoreError
from ..forms import QuestionsBoard, SettleProbe, form_for
from ..i18n import LANGUAGES, default_lang, t
from ..kinds import kind_of
from ..markup import escape
from ..store import Group, Participant, WorkshopStore
from .countdown import Countdown
from .parts import (
    about_box,
    button,
    error_text,
    field_style,
    heading,
    labelled,
    local_time,
    msg,
    who_html,
)
from .room import RoomSnapshot, SharedRoom
from .summary import sent_html

__all__ = ["ParticipantPage", "POLL_SECONDS"]

log = logging.getLogger(__name__)

#: seconds between two looks at the store. The facilitator's move shows after this wait plus
#: the browser drawing the new form (up to ~1.4 s for the largest, the 10-criteria scale), under
#: the 3 s promised. A look costs about 1 ms of the kernel (3 small SELECTs): 40 kernels at 1 s
#: are cheap next to a form that appears a second late.
POLL_SECONDS = 1.0
#: with the process's change watcher: how often a page compares the watcher's counter (a
#: number, no database read), and how long it goes at most without a look at the store
WATCH_SECONDS = 0.1
SAFETY_SECONDS = 15.0
#: how often an unsent edit is kept in the store (only when it changed): a reload loses at most
#: this much typing
DRAFT_SECONDS = 3.0
#: after a screen change, a page builds the form of the activity the facilitator most likely
#: opens next (``store.next_activity()``), hidden, so that "next" only swaps it in. Each page
#: waits this long plus a random part of LOOKAHEAD_SPREAD: forty pages do not all build at once.
LOOKAHEAD_SECONDS = 20.0
LOOKAHEAD_SPREAD = 40.0


@dataclass
class _Ahead:
    """A form built ahead of time for the activity most likely next (not shown yet)."""

    activity_id: str
    lang: str
    group_id: int | None
    items: tuple[Any, ...]
    form: Any
    picker: widgets.Dropdown | None


def _points_on_deleted(answer: dict[str, Any], items: tuple[Any, ...]) -> int:
    """Points of an earlier answer given to ideas that are gone (their group deleted them):
    the form no longer shows them, so the participant gets them back and is told."""
    points = answer.get("points")
    if not isinstance(points, dict):
        return 0
    live = {it.id for it in items}
    return sum(int(v) for k, v in points.items() if k not in live)


class ParticipantPage:
    """What a participant sees on their phone, from joining to "Terkirim", all day long.

    Screens (:attr:`screen`): ``"join"`` -> ``"wait"`` while no activity is open -> ``"form"``
    of the open activity (any kind), prefilled with the latest answer -> ``"sent"`` with
    "Ubah jawaban"; a questions activity is the ``"questions"`` board. A peer activity
    (``about: groups``) first asks which OTHER group the answer is about (:attr:`about_picker`).
    :meth:`poll` follows the facilitator; in a running kernel it is called every
    :data:`POLL_SECONDS` by an asyncio task (not started without a running event loop).
    Unsent edits are kept in memory per activity (and rated group) when the facilitator moves on.

    Parameters
    ----------
    store_or_path
        An open :class:`WorkshopStore`, or the path of the workshop database.
    lang
        ``"id"`` or ``"en"``; default :func:`cityworkshop.i18n.default_lang`.

    Examples
    --------
    >>> page = ParticipantPage(store)  # doctest: +SKIP
    >>> page.code.value = store.list_groups()[0].code; page.join_button.click()  # doctest: +SKIP
    >>> page.screen  # doctest: +SKIP
    'wait'
    """

    def __init__(self, store_or_path: WorkshopStore | str | Path, lang: str | None = None, *,
                 watcher: Any = None, room: SharedRoom | None = None):
        self.store = (store_or_path if isinstance(store_or_path, WorkshopStore)
                      else WorkshopStore(store_or_path))
        #: the process's :class:`~cityworkshop.store.watch.ChangeWatcher` (None: poll on a timer)
        self.watcher = watcher
        #: the room read once per change for every page of the process (its own otherwise)
        self.room = room if room is not None else SharedRoom(self.store, watcher)
        self._seen_version = -1
        self.lang = lang if lang in LANGUAGES else default_lang()
        self.screen = "join"
        self.participant: Participant | None = None
        self.group: Group | None = None
        self.activity_id: str | None = None
        #: the form of the open activity (None on the questions board)
        self.form: Any = None
        self.board: QuestionsBoard | None = None
        #: the group a peer answer is about (None: not chosen, or not a peer activity)
        self.about: int | None = None
        self._items: tuple[Any, ...] = ()
        self._loaded: tuple[int | None, dict[str, Any] | None] = (None, None)
        self._task: asyncio.Task[None] | None = None
        self._drafts: dict[tuple[str, int | None], dict[str, Any]] = {}
        self._saved_draft: Any = None  # the unsent edit last kept in the store
        self._welcome = ""
        self._timezone = ZoneInfo(self.store.pack.city.timezone)
        self._tz_label = self.store.pack.city.timezone_label
        self._owners = self.store.pack.city.opds

        self.title = widgets.HTML()
        self.title.add_class("cw-title")
        self.lang_button = widgets.Button(layout=widgets.Layout(width="auto"))
        self.lang_button.add_class("cw-lang")
        self.lang_button.on_click(self._guard(lambda _b: self.set_lang(
            "en" if self.lang == "id" else "id")))
        header = widgets.HBox([self.title, self.lang_button])
        header.add_class("cw-header")
        self.banner = widgets.HTML()
        self.banner.add_class("cw-demo")
        self.who = widgets.HTML()
        self.who.add_class("cw-who")
        self.countdown = Countdown(self.lang)
        # Two bodies, one shown: the form built ahead is put in the hidden one, so that the
        # phone draws it (its views) while the room waits, and "next" only swaps which of the
        # two is shown: two small messages, nothing new to draw. Each has its own status line
        # (a widget shown in both would be drawn, and found by scripts, twice).
        self._bodies = (widgets.VBox(), widgets.VBox())
        self._statuses = (widgets.HTML(), widgets.HTML())
        for n, (box, line) in enumerate(zip(self._bodies, self._statuses, strict=True)):
            box.add_class("cw-body")
            box.add_class(f"cw-body-{n}")
            line.add_class("cw-status")
        self._bodies[1].layout.display = "none"
        self._shown = 0
        #: the next activity's form, built ahead (:meth:`prepare_next`), not yet shown
        self._ahead: _Ahead | None = None
        self._ahead_due: float | None = None
        self._parts: dict[tuple[Any, ...], widgets.Widget] = {}  # headings of the shown form
        self.is_demo = self.store.info().is_demo

        self.code = widgets.Text(layout=widgets.Layout(width="100%"))
        self.code.add_class("cw-code")
        self.name = widgets.Text(layout=widgets.Layout(width="100%"))
        self.name.add_class("cw-name")
        # Only for taking one's seat from another device: hidden until asked for, or until a
        # name already taken in the group is refused.
        self.seat = widgets.Text(layout=widgets.Layout(width="100%"))
        self.seat.add_class("cw-seat")
        self.seat_button = widgets.Button(layout=widgets.Layout(width="auto"))
        self.seat_button.add_class("cw-seat-show")
        self.seat_button.on_click(self._guard(lambda _b: self._show_seat_field(True)))
        self._seat_shown = False
        self.seat_info = widgets.HTML()
        self.seat_info.add_class("cw-seat-info")
        # Filled by the page template's script with a random token kept in the browser's
        # localStorage: a phone that joined without a name finds its own answers again.
        self.device = widgets.Text(layout=widgets.Layout(display="none"))
        self.device.add_class("cw-device")
        self.device.observe(self._guard(lambda _c: self.resume()), "value")
        self.join_button = button("", "cw-join", "primary")
        self.join_button.on_click(self._guard(lambda _b: self.join()))
        self.check_button = button("", "cw-check")
        self.check_button.on_click(self._guard(lambda _b: self.poll()))
        self.switch_button = widgets.Button(layout=widgets.Layout(width="auto"))
        self.switch_button.add_class("cw-switch-group")
        self.switch_button.on_click(self._guard(lambda _b: self.switch_group()))
        self.edit_button = button("", "cw-edit", "primary")
        self.edit_button.on_click(self._guard(lambda _b: self._show_form()))
        self.sent_info = widgets.HTML()
        self.sent_info.add_class("cw-sent")
        self._syncing = False  # True while the page itself changes the picker's options
        self.about_picker = self._new_picker()

        # "Terkirim" is shown over the form, not instead of it: the form's body is hidden and
        # kept (drawn) for "Ubah", so that neither "Kirim" nor "Ubah" makes the phone draw
        # a form again (on a plan, some hundred widget views). The personal code and "change
        # group" of the waiting and the sent screen sit below both.
        self._sent_box = widgets.VBox([self.sent_info, self.edit_button],
                                      layout=widgets.Layout(display="none"))
        self._sent_box.add_class("cw-sent-screen")
        self._foot = widgets.VBox([self.seat_info, self.switch_button],
                                  layout=widgets.Layout(display="none"))
        self._foot.add_class("cw-foot")
        #: one round trip to the phone before "Kirim" acts on a field just changed
        #: (:func:`cityworkshop.forms._base.when_settled`)
        self.probe = SettleProbe()
        self.widget = widgets.VBox([header, self.banner, self.who, self.countdown.widget,
                                    *self._bodies, self._sent_box, self._foot, self.probe])
        self.widget.add_class("cw-page")
        self.widget.add_class("cw-show-0")  # which body is shown, for the page's style sheet
        self.widget.add_class("cw-screen-join")
        self.widget.add_class(f"cw-lang-{self.lang}")
        self._render()

    @property
    def body(self) -> widgets.VBox:
        """The box of the screen shown (the other one holds the form built ahead, hidden)."""
        return self._bodies[self._shown]

    @property
    def status(self) -> widgets.HTML:
        """The status line of the screen shown."""
        return self._statuses[self._shown]

    @property
    def _spare(self) -> widgets.VBox:
        return self._bodies[1 - self._shown]

    def _swap_bodies(self) -> None:
        """Show the hidden body (the form built ahead, drawn already); empty the other.

        The page's class says which body is shown (``cw-show-0`` / ``cw-show-1``; the style
        sheet hides the other), so that the phone swaps both in one message: two layout
        messages can arrive in two frames, showing both forms for a moment. The layouts
        follow, for a page shown without that style sheet (a notebook)."""
        old = self._shown
        self._shown = 1 - old
        self._bodies[self._shown].layout.display = None  # still hidden by the page's class
        self._replace_class(f"cw-show-{old}", f"cw-show-{self._shown}")
        self._bodies[old].layout.display = "none"
        self._bodies[old].children = []
        self._statuses[old].value = ""

    def _drop_ahead(self) -> None:
        """Forget the form built ahead, and take it out of the page."""
        self._ahead = None
        self._spare.children = []

    # -- public -----------------------------------------------------------------------------

    def show(self) -> widgets.VBox:
        """Start following the facilitator (in a running kernel) and return the page widget.

        The last expression of a notebook cell displays it: ``ParticipantPage(path).show()``.
        """
        self.start_polling()
        return self.widget

    def _ipython_display_(self) -> None:  # shown directly in a notebook cell
        from IPython.display import display

        display(self.show())

    def join(self) -> None:
        """Join with the typed group code and name, then show what the facilitator has open."""
        if not self.code.value.strip():
            self._say(t("join.empty_code", self.lang), "error")
            return
        try:
            self.participant = self.store.join(self.code.value, self.name.value,
                                               device=self.device.value or None,
                                               seat=self.seat.value or None)
        except InvalidAnswer as err:
            if err.key in ("join.name_taken", "join.bad_seat"):
                self._show_seat_field(True)
            self._say(err.message(self.lang), "error")
            return
        except StoreError:
            self._say(t("error.not_saved", self.lang), "error")
            return
        self.group = self.store.find_group(self.code.value)
        self.activity_id = None
        self._drafts.clear()  # another group (or seat): an unsent edit belongs to the old one
        key = ("join.moved" if self.participant.moved_from is not None else
               "join.welcome_back" if self.participant.rejoined else "join.welcome")
        self._welcome = t(key, self.lang, group=self.group.name)
        self.seat.value = ""
        self._show_seat_field(False)
        self._say(self._welcome, "ok")
        self.poll(force=True)
        self._welcome = ""

    def switch_group(self) -> None:
        """Back to the join screen to type another group's code: this browser stays the same
        participant, moved to that group (answers already given stay with the group they were
        given to)."""
        self._keep_draft()
        self._drop_ahead()
        self.participant, self.group = None, None
        self.activity_id, self.form, self.board = None, None, None
        self.code.value = ""
        self._say(t("join.switch_help", self.lang), "info")
        self._go("join")

    def resume(self) -> bool:
        """Back to one's seat without typing anything: a browser whose token belongs to a
        participant (a reload, a phone that slept) joins as them at once. False otherwise."""
        if self.participant is not None or self.screen != "join":
            return False
        found = self.store.find_device(self.device.value or None)
        if found is None:
            return False
        self.participant, self.group = found
        self.activity_id = None
        self._welcome = t("join.welcome_back", self.lang, group=self.group.name)
        self._say(self._welcome, "ok")
        self.poll(force=True)
        self._welcome = ""
        return True

    def poll(self, force: bool = False) -> None:
        """Check the store and switch screens when the facilitator opened, closed or changed the
        activity; update the countdown. Never throws away what the participant is typing."""
        if self.participant is None:
            return
        snap = self.room.snapshot()
        current = snap.current
        if current is None:
            if self.screen != "wait" or force:
                self._keep_draft()
                self.activity_id, self.form, self.board = None, None, None
                self._go("wait")
        elif current != self.activity_id or force:
            self._keep_draft()
            self._load_activity(current)
        elif self.screen == "form" and self.form is not None:
            self._refresh_unedited_form(snap)
        elif self.screen == "questions" and self.board is not None:
            self.board.refresh(shared=snap.questions if snap.current == self.activity_id
                               else None)
        self.countdown.set_remaining(snap.remaining(self.activity_id))

    def choose_about(self, group_id: int | None) -> None:
        """Answer about ``group_id`` (a peer activity): keep the unsent edit of the group chosen
        before, load the answer already given about this one."""
        if self.activity_id is None or group_id == self.about:
            return
        self._keep_draft()
        self.about = group_id
        self.status.value = ""
        self._load_answer()
        self._render()

    def set_lang(self, lang: str) -> None:
        """Switch the page to ``lang`` (``"id"`` or ``"en"``), keeping everything typed."""
        if lang not in LANGUAGES or lang == self.lang:
            return
        # the page's script sets <html lang> from this class
        self._replace_class(f"cw-lang-{self.lang}", f"cw-lang-{lang}")
        self.lang = lang
        self.status.value = ""
        self.countdown.set_lang(lang)
        if self.form is not None:
            typed, loaded = self.form.draft_value, self._loaded
            self.form = self._make_form(typed)
            self._loaded = loaded
        if self.board is not None:
            typed_q = self.board.question.value
            self.board = self._new_board(self.board.activity, lang)
            self.board.question.value = typed_q
        self._render()

    def start_polling(self) -> None:
        """Poll every :data:`POLL_SECONDS` on the running event loop (a kernel's); no-op without
        one, e.g. in plain pytest, and never blocks the caller."""
        if self._task is not None and not self._task.done():
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self._task = loop.create_task(self._poll_forever())

    def stop_polling(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self.countdown.stop()

    # -- screens ----------------------------------------------------------------------------

    def _go(self, screen: str) -> None:
        if screen != self.screen:  # a CSS hook: the page's script scrolls to the top on change
            self._replace_class(f"cw-screen-{self.screen}", f"cw-screen-{screen}")
            self._arm_lookahead()
        self.screen = screen
        self._render()

    def _replace_class(self, old: str, new: str) -> None:
        """Put CSS class ``new`` in place of ``old`` on the page in one message (``remove_class``
        then ``add_class`` is two, and the phone may draw the page between them)."""
        classes = tuple(c for c in self.widget._dom_classes if c not in (old, new))
        self.widget._dom_classes = (*classes, new)

    def _arm_lookahead(self) -> None:
        """Build the next form ahead some time from now (:data:`LOOKAHEAD_SECONDS`)."""
        self._ahead_due = time.monotonic() + LOOKAHEAD_SECONDS + random.random() * LOOKAHEAD_SPREAD

    def _render(self) -> None:
        lang = self.lang
        self.title.value = f'<h1 class="cw-title-text">{escape(t("app.title", lang))}</h1>'
        self.lang_button.description = "English" if lang == "id" else "Bahasa Indonesia"
        self.banner.value = msg(t("demo.banner", lang), "demo") if self.is_demo else ""
        self.banner.layout.display = None if self.is_demo else "none"
        self.who.value = self._who_html()
        if self.screen == "join":
            self.code.placeholder = t("join.code_placeholder", lang)
            self.name.placeholder = t("join.name_placeholder", lang)
            self.join_button.description = t("join.button", lang)
            self.seat.placeholder = t("join.seat_placeholder", lang)
            self.seat_button.description = t("join.seat_show", lang)
            seat_parts: list[widgets.Widget] = (
                [labelled(self.seat, t("join.seat_label", lang))] if self._seat_shown
                else [self.seat_button])
            self.body.children = [
                heading(t("join.heading", lang), t("join.help", lang)), field_style(),
                labelled(self.code, t("join.code_label", lang)),
                labelled(self.name, t("join.name_label", lang)),
                *seat_parts, self.status, self.join_button, self.device]
        elif self.screen == "wait":
            self.check_button.description = t("wait.check", lang)
            self.body.children = [heading(t("wait.heading", lang), t("wait.body", lang)),
                                  self.status, self.check_button]
        elif self.screen == "unsupported":
            title = self.store.activity(self.activity_id or "").title.get(lang)
            self.body.children = [heading(title, t("wait.unsupported", lang)), self.status]
        elif self.screen == "questions" and self.board is not None:
            self.body.children = [self._board_heading(self.board.activity), self.status,
                                  self.board]
        elif self.screen in ("form", "sent") and self.form is not None:
            self.body.children = self._form_children(self.form, self.about_picker, self.about)
        sent, footed = self.screen == "sent", self.screen in ("wait", "sent")
        if sent:
            self.edit_button.description = t("sent.edit", lang)
        if footed:
            self.switch_button.description = t("join.switch", lang)
            self._seat_html()
        # what changes between these screens is only what is shown (small messages)
        self.body.layout.display = "none" if sent else None
        self._sent_box.layout.display = None if sent else "none"
        self._foot.layout.display = None if footed else "none"

    def shown(self) -> list[widgets.Widget]:
        """The parts of the screen shown under the header: the body (or, after "Kirim", the
        sent box over the hidden form) and the foot of the waiting and sent screens."""
        return [w for w in (self.body, self._sent_box, self._foot)
                if w.layout.display != "none"]

    def is_shown(self, widget: widgets.Widget) -> bool:
        """True when ``widget`` is on the screen shown (in :meth:`shown`, not hidden)."""
        todo = list(self.shown())
        while todo:
            w = todo.pop()
            if w is widget:
                return True
            todo.extend(c for c in getattr(w, "children", ())
                        if getattr(c.layout, "display", None) != "none")
        return False

    def _show_seat_field(self, shown: bool) -> None:
        if shown != self._seat_shown:
            self._seat_shown = shown
            if self.screen == "join":
                self._render()

    def _seat_html(self) -> widgets.HTML:
        """The participant's personal code, to take their seat from another device."""
        seat = self.participant.seat if self.participant else None
        text = escape(t("page.seat", self.lang, seat=seat)) if seat else ""
        if seat:  # the code itself stands out (it is letters and digits only: safe as is)
            text = text.replace(seat, f'<b class="cw-seat-code">{seat}</b>', 1)
        self.seat_info.value = f'<p class="cw-note cw-seat-note">{text}</p>' if seat else ""
        return self.seat_info

    def _form_children(self, form: Any, picker: widgets.Dropdown, about: int | None,
                       status: widgets.HTML | None = None) -> list[widgets.Widget]:
        """The form screen's parts: heading, (the picker of the rated group), status, form.

        The heading and picker box are kept while they stay the same, so that showing a form
        built ahead (:meth:`prepare_next`) sends the browser nothing new to draw."""
        lang, activity = self.lang, form.activity
        scope = (t("form.group_scope", lang, group=self.group.name if self.group else "")
                 if activity.scope == "group" else t("form.participant_scope", lang))
        key = ("heading", activity.id, lang, scope)
        if key not in self._parts:
            self._parts[key] = heading(activity.title.get(lang), activity.prompt.get(lang), scope)
        parts: list[widgets.Widget] = [self._parts[key]]
        if activity.peer:
            parts += self._about_parts(picker, about)
        form.layout.display = "none" if activity.peer and about is None else None
        return [*parts, status or self.status, form]

    def _board_heading(self, activity: Any) -> widgets.Widget:
        """The questions board's heading, kept while it stays the same (as a form's is)."""
        key = ("heading", activity.id, self.lang, None)
        if key not in self._parts:
            self._parts[key] = heading(activity.title.get(self.lang),
                                       activity.prompt.get(self.lang))
        return self._parts[key]

    def _new_picker(self) -> widgets.Dropdown:
        """A picker of the group a peer answer is about (option 0: "- pilih kelompok -")."""
        picker = widgets.Dropdown(options=[("", 0)], value=0, layout=widgets.Layout(width="100%"))
        picker.add_class("cw-about")

        def chosen(change: Any) -> None:
            if not self._syncing and change["owner"] is self.about_picker:
                self.choose_about(change["owner"].value or None)
        picker.observe(self._guard(chosen), "value")
        return picker

    def _about_parts(self, picker: widgets.Dropdown, about: int | None) -> list[widgets.Widget]:
        """The picker of the group being rated: every group but one's own."""
        assert self.group is not None
        others = [(g.name, g.id) for g in self.store.list_groups() if g.id != self.group.id]
        options = [(t("page.about_pick", self.lang), 0), *others]
        self._syncing = True
        try:
            if list(picker.options) != options:
                picker.options = options
            picker.value = about if about in dict(others).values() else 0
        finally:
            self._syncing = False
        key = ("about", id(picker), self.lang, about is not None)
        if key not in self._parts:
            self._parts[key] = about_box(picker, self.lang, chosen=about is not None)
        return [self._parts[key]]

    def _who_html(self) -> str:
        return who_html(self.participant.name if self.participant else None,
                        self.group.name if self.group else None)

    def _say(self, text: str, kind: str = "info") -> None:
        self.status.value = msg(text, kind)

    # -- activity and answers ---------------------------------------------------------------

    def _load_activity(self, activity_id: str) -> None:
        assert self.participant is not None
        activity = self.store.activity(activity_id)
        self.activity_id, self.form, self.board, self.about = activity_id, None, None, None
        self._arm_lookahead()  # from one form to the next the screen stays "form"
        if kind_of(activity).board:
            ahead = self._ahead
            board = ahead.form if ahead is not None and isinstance(ahead.form, QuestionsBoard) \
                and (ahead.activity_id, ahead.lang, ahead.form.participant_id) == (
                    activity_id, self.lang, self.participant.id) else None
            if board is None:
                self._drop_ahead()
                board = self._new_board(activity, self.lang)
            else:  # built ahead: only the questions asked since (usually none) are drawn
                self._ahead = None
                self._swap_bodies()
                snap = self.room.snapshot()
                board.refresh(shared=snap.questions if snap.current == activity_id else None)
            self.board = board
            self._parts = {k: v for k, v in self._parts.items() if k[1] == activity_id}
            self._saved_draft = None
            self._restore_question()
            self._go("questions")
            return
        self._items = self.store.items_of(activity)
        if activity.peer:
            remembered = [k[1] for k in self._drafts if k[0] == activity_id and k[1] is not None]
            if not remembered:  # a reload: the group being rated when the page went away
                try:
                    remembered = self.store.draft_abouts(self.participant.id, activity_id)[:1]
                except StoreError:
                    remembered = []
                mine = self.group.id if self.group else None
                remembered = [g for g in remembered if g != mine]
            self.about = remembered[-1] if remembered else None
        ahead = self._ahead
        if ahead is not None and (ahead.activity_id, ahead.lang, ahead.items, ahead.group_id) != (
                activity_id, self.lang, self._items, self.group.id if self.group else None):
            ahead = None  # built for another activity, language or group, or the ideas changed
        if ahead is None:
            self._drop_ahead()
        else:  # its body, drawn while hidden, is shown: the status line is that body's
            self._ahead = None
            self._swap_bodies()
        try:
            self._load_answer(ahead.form if ahead is not None else None,
                              self.room.snapshot() if self.room.watcher is not None else None)
        except (ImportError, ValueError):
            log.exception("participant page: no form for %s (%s)", activity_id, activity.kind)
            self.form = None
            self._go("unsupported")
            return
        if ahead is not None and ahead.picker is not None:
            self.about_picker = ahead.picker
        self._parts = {k: v for k, v in self._parts.items()  # only this screen's parts
                       if k[1] in (activity_id, id(self.about_picker))}
        self._go("form")

    def _load_answer(self, built: Any = None, snap: RoomSnapshot | None = None) -> None:
        """Build the form of the open activity with the latest answer (about the chosen group),
        or fill the form ``built`` ahead with it; then put back an unsent edit kept in memory
        or in the store.

        With the room's ``snap`` (an activity opening, seen by the watcher), the store is read
        only if that reading has an answer or a kept draft of this subject: forty pages
        opening a new activity then read nothing of their own."""
        assert self.participant is not None and self.activity_id is not None
        activity = self.store.activity(self.activity_id)
        if snap is not None and snap.current != self.activity_id:
            snap = None
        subject = self.store.subject_of(activity, self.participant, self.about)
        latest = None
        if (not activity.peer or self.about is not None) and (
                snap is None or subject in snap.latest):
            latest = self.store.latest_answer(self.activity_id, self.participant.id,
                                              about=self.about)
        answer = {k: v for k, v in latest.answer.items() if k != "about"} if latest else None
        if built is not None:
            self.form = built
            if answer is not None:
                built.set_value(answer)
        else:
            self.form = self._make_form(answer)
        self._loaded = (latest.id if latest else None, self.form.draft_value)
        draft = self._drafts.pop((self.activity_id, self.about), None)
        if draft is None and (snap is None or (self.participant.id, self.about) in snap.drafted):
            try:  # typed before a reload, or on a page that was closed
                draft = self.store.draft(self.participant.id, self.activity_id, self.about)
            except StoreError:
                draft = None
        restored = False
        if isinstance(draft, dict) and draft != self._loaded[1]:
            self.form.set_value(draft)  # typed before the facilitator moved on and came back
            restored = self.form.draft_value != self._loaded[1]
        self._saved_draft = self.form.draft_value if restored else None
        if restored:
            self._say(f"{self._welcome} {t('draft.restored', self.lang)}".strip(), "info")
        elif latest is not None:
            previous = t("sent.previous", self.lang, time=self._local_time(latest.created_at))
            returned = _points_on_deleted(answer or {}, self._items)
            if returned:
                previous += " " + t("points.returned", self.lang, n=returned)
            self._say(f"{self._welcome} {previous}".strip(), "info")

    def _restore_question(self) -> None:
        """Put back a question typed before a reload or before the facilitator moved on."""
        assert self.board is not None and self.participant is not None and self.activity_id
        key = (self.activity_id, None)
        kept = self._drafts.pop(key, None)
        if kept is None:
            try:
                kept = self.store.draft(self.participant.id, self.activity_id)
            except StoreError:
                kept = None
        text = kept.get("question") if isinstance(kept, dict) else None
        asked = {r["text"] for r in self.board._rows
                 if r.get("participant_id") == self.participant.id}
        if (isinstance(text, str) and text.strip() and text.strip() not in asked
                and not self.board.question.value.strip()):
            self.board.question.value = text
            self._saved_draft = {"question": text}
            self._say(f"{self._welcome} {t('draft.restored', self.lang)}".strip(), "info")

    def _keep_draft(self) -> None:
        """Remember an unsent edit of the current form, in case the same activity comes back
        (in memory, and in the store, so that it survives a reload too)."""
        if self.form is not None and self.activity_id and (
                self.form.draft_value != self._loaded[1]):
            self._drafts[(self.activity_id, self.about)] = self.form.draft_value
            self.persist_draft()
        elif self.board is not None and self.activity_id:
            text = self.board.question.value
            if text.strip():
                self._drafts[(self.activity_id, None)] = {"question": text}
            self.persist_draft()

    def persist_draft(self) -> bool:
        """Keep the form's unsent edit in the store when it changed since last kept (the page
        calls it every :data:`DRAFT_SECONDS` while a form is shown). True when it wrote."""
        if self.participant is None or not self.activity_id:
            return False
        if self.board is not None and self.screen == "questions":
            return self._persist_question()
        if self.form is None or self.screen != "form":
            return False
        value = self.form.draft_value
        if value == self._loaded[1] or value == self._saved_draft:
            return False
        try:
            kept = self.store.save_draft(self.participant.id, self.activity_id, value,
                                         about=self.about)
        except StoreError:
            return False
        self._saved_draft = value
        return kept

    def _persist_question(self) -> bool:
        """Keep the question being typed on the board (or forget it once asked)."""
        assert self.board is not None and self.participant is not None and self.activity_id
        text = self.board.question.value
        value = {"question": text} if text.strip() else None
        if value == self._saved_draft:
            return False
        try:
            if value is None:
                self.store.drop_draft(self.participant.id, self.activity_id)
                kept = False
            else:
                kept = self.store.save_draft(self.participant.id, self.activity_id, value)
        except StoreError:
            return False
        self._saved_draft = value
        return kept

    def _make_form(self, answer: dict[str, Any] | None, activity: Any = None,
                   items: tuple[Any, ...] | None = None) -> Any:
        assert activity is not None or self.activity_id is not None
        form = form_for(activity or self.store.activity(self.activity_id or ""), self.lang,
                        items=self._items if items is None else items, owners=self._owners,
                        initial=answer)
        # a "Kirim" that waited for the phone (forms/_base.when_settled) acts only if its form
        # is still the one shown: the facilitator may have moved on meanwhile (its typing is
        # kept as a draft of its own activity)
        form.on_submit(self._guard(lambda f: self.submit() if f is self.form else None))
        form.settle_probe = self.probe
        return form

    def _new_board(self, activity: Any, lang: str) -> QuestionsBoard:
        assert self.participant is not None
        board = QuestionsBoard(activity, lang, store=self.store,
                               participant_id=self.participant.id)
        board.settle_probe = self.probe
        return board

    def prepare_next(self) -> bool:
        """Build the form of the activity the facilitator most likely opens next, not shown yet,
        so that the switch costs the server and the phone almost nothing: its widgets exist
        already, and the phone draws them in the page's hidden second body (``display: none``:
        out of screen readers' and the browser's find), which ``next`` then shows. Used only if
        that activity, language, group and its items are still the same when it opens. True
        when it built one."""
        if self.participant is None or self.screen == "join":
            return False
        nid = self.store.next_activity()
        if nid is None or nid == self.activity_id:
            return False
        group_id = self.group.id if self.group else None
        if self._ahead is not None and (self._ahead.activity_id, self._ahead.lang,
                                        self._ahead.group_id) == (nid, self.lang, group_id):
            return False
        activity = self.store.activity(nid)
        if kind_of(activity).board:  # its questions are read again when it opens
            board = self._new_board(activity, self.lang)
            self._ahead = _Ahead(nid, self.lang, group_id, (), board, None)
            self._spare.children = [self._board_heading(activity), self._statuses[1 - self._shown],
                                    board]
            return True
        items = self.store.items_of(activity)
        try:
            form = self._make_form(None, activity, items)
        except (ImportError, ValueError):
            return False
        picker = self._new_picker() if activity.peer else None
        self._ahead = _Ahead(nid, self.lang, group_id, items, form, picker)
        self._spare.children = self._form_children(form, picker or self.about_picker, None,
                                                   self._statuses[1 - self._shown])
        return True

    def _refresh_unedited_form(self, snap: RoomSnapshot | None = None) -> None:
        """Show a group member's newer answer, but only while this participant has not edited.

        With the room's ``snap``, the store is read only when this subject's answer changed."""
        assert self.form is not None and self.participant is not None and self.activity_id
        loaded_id, loaded_value = self._loaded
        if self.form.draft_value != loaded_value:
            return  # the participant is typing: keep it
        if self.form.activity.peer and self.about is None:
            return
        if snap is not None and snap.current == self.activity_id:
            subject = self.store.subject_of(self.form.activity, self.participant, self.about)
            if snap.latest.get(subject) in (None, loaded_id):
                return  # nobody sent a newer answer for this subject
        latest = self.store.latest_answer(self.activity_id, self.participant.id, about=self.about)
        if latest is not None and latest.id != loaded_id:
            self.form.set_value({k: v for k, v in latest.answer.items() if k != "about"})
            self._loaded = (latest.id, self.form.draft_value)
            self._say(t("sent.previous", self.lang, time=self._local_time(latest.created_at)))

    def submit(self) -> None:
        """Send the form's answer through the store and show "Terkirim" (or why not)."""
        if self.form is None or self.participant is None or self.activity_id is None:
            return
        form = self.form
        answer = dict(form.value)
        if form.activity.peer:
            if self.about is None:
                form.show_status(t("page.about_first", self.lang), "error")
                return
            answer["about"] = self.about
        form.set_sending(True)
        form.show_status("")
        try:
            sub = self.store.submit(self.activity_id, self.participant.id, answer)
        except InvalidAnswer as err:  # ActivityClosed too
            form.show_status(error_text(err, self.lang, self._items,
                                         getattr(form.activity, "dimensions", ())),
                             "error")
            return
        except StoreError:  # the file is gone, replaced, full or read-only: NOT saved
            form.show_status(t("error.not_saved", self.lang), "error")
            return
        finally:
            form.set_sending(False)
        with contextlib.suppress(StoreError):
            self.store.drop_draft(self.participant.id, self.activity_id, self.about)
        self._saved_draft = None
        # the stored answer: new ideas and plan steps now carry the ids the store gave them,
        # so that an edit sent later keeps them (and the points given to them)
        form.set_value({k: v for k, v in sub.answer.items() if k != "about"})
        self._loaded = (sub.id, form.draft_value)
        self.status.value = ""
        activity = form.activity
        about = ({g.id: g.name for g in self.store.list_groups()}.get(self.about)
                 if self.about is not None else None)
        self.sent_info.value = sent_html(
            activity, sub.answer, lang=self.lang, items=self._items, about=about,
            who=t("sent.by_group" if activity.scope == "group" else "sent.by_you", self.lang),
            time=self._local_time(sub.created_at),
            owners={o.id: o.name.get(self.lang) for o in self._owners})
        self._go("sent")

    def _show_form(self) -> None:
        if self.form is None:
            self.poll(force=True)
            return
        self.status.value = ""
        self._go("form")
        self._refresh_unedited_form()

    def _local_time(self, iso_utc: str) -> str:
        return local_time(iso_utc, self._timezone, self._tz_label)

    # -- robustness -------------------------------------------------------------------------

    def _guard(self, handler: Callable[[Any], Any]) -> Callable[[Any], None]:
        """Wrap a widget callback: an unexpected error is logged and shown as a friendly line."""
        def wrapped(arg: Any) -> None:
            try:
                handler(arg)
            except Exception:
                log.exception("participant page: unexpected error in a callback")
                text = t("error.unexpected", self.lang)
                if self.screen == "form" and self.form is not None:
                    self.form.show_status(text, "error")
                else:
                    self._say(text, "error")
        return wrapped

    async def _poll_forever(self) -> None:
        import cityworkshop.participant as module  # POLL_SECONDS may be changed (tests)

        waited = 0.0
        since_draft = 0.0
        while True:
            if getattr(self.widget, "comm", True) is None:
                return  # the page was closed (its server session freed): nothing to follow
            if self.watcher is None:  # no watcher: look at the store on a timer
                await asyncio.sleep(module.POLL_SECONDS)
                since_draft += module.POLL_SECONDS
                changed = True
            else:  # the process's watcher says when anything was committed: look only then
                await asyncio.sleep(module.WATCH_SECONDS)
                waited += module.WATCH_SECONDS
                since_draft += module.WATCH_SECONDS
                version = self.watcher.version
                changed = version != self._seen_version or waited >= module.SAFETY_SECONDS
                self._seen_version = version
            if since_draft >= module.DRAFT_SECONDS:
                since_draft = 0.0
                try:
                    self.persist_draft()
                except Exception:
                    log.exception("participant page: keeping the draft failed")
            if self._ahead_due is not None and time.monotonic() >= self._ahead_due:
                self._ahead_due = None
                try:
                    self.prepare_next()
                except Exception:
                    log.exception("participant page: building the next form failed")
            if not changed:
                continue
            waited = 0.0
            try:
                self.poll()
            except Exception:
                log.exception("participant page: polling failed")
