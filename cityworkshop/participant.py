"""The participant page: join a group, wait, answer the open activity, see it sent, edit.

The pages layer: :class:`ParticipantPage` composes a form from :mod:`cityworkshop.forms` with the
store and follows the facilitator (which activity is open) by polling the database. Served by
Voila from ``notebooks/participant.ipynb`` (see :mod:`cityworkshop.serve`). Every error is
caught and shown as a friendly sentence in the participant's language; participant text is
always escaped. Kept lean on purpose (no pandas, plotly, analysis or charts): forty of these
kernels share the facilitator's laptop.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import ipywidgets as widgets

from .errors import InvalidAnswer
from .forms import ScaleForm
from .i18n import LANGUAGES, default_lang, t
from .store import Group, Participant, WorkshopStore

__all__ = ["ParticipantPage", "POLL_SECONDS"]

log = logging.getLogger(__name__)

POLL_SECONDS = 2.0


def _msg(text: str, kind: str = "info") -> str:
    """A message box as HTML; ``text`` is escaped (it may hold participant input)."""
    return f'<div class="cw-msg cw-msg-{kind}">{html.escape(text)}</div>' if text else ""


def _button(description: str, css: str, style: str = "") -> widgets.Button:
    b = widgets.Button(description=description, button_style=style,
                       layout=widgets.Layout(width="100%"))
    b.add_class(css)
    return b


class ParticipantPage:
    """What a participant sees on their phone, from joining to "Terkirim".

    Screens (:attr:`screen`): ``"join"`` -> ``"wait"`` while no activity is open -> ``"form"``
    of the open activity, prefilled with the latest answer -> ``"sent"`` with "Ubah jawaban".
    :meth:`poll` follows the facilitator; in a running kernel it is called every
    :data:`POLL_SECONDS` by an asyncio task (not started without a running event loop).

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

    def __init__(self, store_or_path: WorkshopStore | str | Path, lang: str | None = None):
        self.store = (store_or_path if isinstance(store_or_path, WorkshopStore)
                      else WorkshopStore(store_or_path))
        self.lang = lang if lang in LANGUAGES else default_lang()
        self.screen = "join"
        self.participant: Participant | None = None
        self.group: Group | None = None
        self.activity_id: str | None = None
        self.form: ScaleForm | None = None
        self._loaded: tuple[int | None, dict[str, Any] | None] = (None, None)
        self._task: asyncio.Task[None] | None = None
        self._drafts: dict[str, dict[str, Any]] = {}
        self._welcome = ""
        self._timezone = ZoneInfo(self.store.pack.city.timezone)
        self._tz_label = self.store.pack.city.timezone_label

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
        self.body = widgets.VBox()
        self.body.add_class("cw-body")
        self.status = widgets.HTML()
        self.status.add_class("cw-status")
        self.is_demo = self.store.info().is_demo

        self.code = widgets.Text(layout=widgets.Layout(width="100%"))
        self.code.add_class("cw-code")
        self.name = widgets.Text(layout=widgets.Layout(width="100%"))
        self.name.add_class("cw-name")
        self.join_button = _button("", "cw-join", "primary")
        self.join_button.on_click(self._guard(lambda _b: self.join()))
        self.check_button = _button("", "cw-check")
        self.check_button.on_click(self._guard(lambda _b: self.poll()))
        self.edit_button = _button("", "cw-edit", "primary")
        self.edit_button.on_click(self._guard(lambda _b: self._show_form()))
        self.sent_info = widgets.HTML()
        self.sent_info.add_class("cw-sent")

        children = [header, self.banner, self.who, self.body]
        self.widget = widgets.VBox(children)
        self.widget.add_class("cw-page")
        self._render()

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
            self.participant = self.store.join(self.code.value, self.name.value)
        except InvalidAnswer as err:
            self._say(err.message(self.lang), "error")
            return
        self.group = self.store.find_group(self.code.value)
        self.activity_id = None
        self._welcome = t("join.welcome_back" if self.participant.rejoined else "join.welcome",
                          self.lang, group=self.group.name)
        self._say(self._welcome, "ok")
        self.poll(force=True)
        self._welcome = ""

    def poll(self, force: bool = False) -> None:
        """Check the store and switch screens when the facilitator opened, closed or changed the
        activity. Never throws away what the participant is typing."""
        if self.participant is None:
            return
        current = self.store.current_activity()
        if current is None:
            if self.screen != "wait" or force:
                self._keep_draft()
                self.activity_id, self.form = None, None
                self._go("wait")
            return
        if current != self.activity_id or force:
            self._keep_draft()
            self._load_activity(current)
            return
        if self.screen == "form" and self.form is not None:
            self._refresh_unedited_form()

    def set_lang(self, lang: str) -> None:
        """Switch the page to ``lang`` (``"id"`` or ``"en"``), keeping everything typed."""
        if lang not in LANGUAGES or lang == self.lang:
            return
        self.lang = lang
        self.status.value = ""
        if self.form is not None:
            typed, loaded = self.form.value, self._loaded
            self.form = self._make_form(typed)
            self._loaded = loaded
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

    # -- screens ----------------------------------------------------------------------------

    def _go(self, screen: str) -> None:
        self.screen = screen
        self._render()

    def _render(self) -> None:
        lang = self.lang
        self.title.value = f'<div class="cw-title-text">{html.escape(t("app.title", lang))}</div>'
        self.lang_button.description = "English" if lang == "id" else "Bahasa Indonesia"
        self.banner.value = _msg(t("demo.banner", lang), "demo") if self.is_demo else ""
        self.banner.layout.display = None if self.is_demo else "none"
        self.who.value = self._who_html()
        if self.screen == "join":
            self.code.description = ""
            self.code.placeholder = t("join.code_placeholder", lang)
            self.name.placeholder = t("join.name_placeholder", lang)
            self.join_button.description = t("join.button", lang)
            self.body.children = [
                self._heading(t("join.heading", lang), t("join.help", lang)),
                self._label(t("join.code_label", lang)), self.code,
                self._label(t("join.name_label", lang)), self.name,
                self.status, self.join_button]
        elif self.screen == "wait":
            self.check_button.description = t("wait.check", lang)
            self.body.children = [self._heading(t("wait.heading", lang), t("wait.body", lang)),
                                  self.status, self.check_button]
        elif self.screen == "unsupported":
            title = self.store.activity(self.activity_id or "").title.get(lang)
            self.body.children = [self._heading(title, t("wait.unsupported", lang)), self.status]
        elif self.screen == "form" and self.form is not None:
            activity = self.form.activity
            scope = (t("form.group_scope", lang, group=self.group.name if self.group else "")
                     if activity.scope == "group" else t("form.participant_scope", lang))
            self.body.children = [
                self._heading(activity.title.get(lang), activity.prompt.get(lang), scope),
                self.status, self.form]
        elif self.screen == "sent":
            self.edit_button.description = t("sent.edit", lang)
            self.body.children = [self.sent_info, self.edit_button]

    def _who_html(self) -> str:
        if self.participant is None or self.group is None:
            return ""
        text = self.group.name
        if self.participant.name:
            text = f"{self.participant.name} · {self.group.name}"
        return f'<div class="cw-who-text">{html.escape(text)}</div>'

    @staticmethod
    def _heading(title: str, body: str, note: str = "") -> widgets.HTML:
        out = f'<h2 class="cw-h">{html.escape(title)}</h2><p class="cw-p">{html.escape(body)}</p>'
        if note:
            out += f'<p class="cw-note">{html.escape(note)}</p>'
        w = widgets.HTML(out)
        w.add_class("cw-heading")
        return w

    @staticmethod
    def _label(text: str) -> widgets.HTML:
        w = widgets.HTML(f'<label class="cw-label">{html.escape(text)}</label>')
        return w

    def _say(self, text: str, kind: str = "info") -> None:
        self.status.value = _msg(text, kind)

    # -- activity and answers ---------------------------------------------------------------

    def _load_activity(self, activity_id: str) -> None:
        activity = self.store.activity(activity_id)
        self.activity_id = activity_id
        if activity.kind != "scale":
            self.form = None
            self._go("unsupported")
            return
        assert self.participant is not None
        latest = self.store.latest_answer(activity_id, self.participant.id)
        self.form = self._make_form(latest.answer if latest else None)
        self._loaded = (latest.id, self.form.value) if latest else (None, self.form.value)
        draft = self._drafts.pop(activity_id, None)
        if draft is not None:
            self.form.set_value(draft)  # typed before the activity was closed and reopened
        if latest is not None:
            previous = t("sent.previous", self.lang, time=self._local_time(latest.created_at))
            self._say(f"{self._welcome} {previous}".strip(), "info")
        self._go("form")

    def _keep_draft(self) -> None:
        """Remember an unsent edit of the current form, in case the same activity comes back."""
        if self.form is not None and self.activity_id and self.form.value != self._loaded[1]:
            self._drafts[self.activity_id] = self.form.value

    def _make_form(self, answer: dict[str, Any] | None) -> ScaleForm:
        assert self.activity_id is not None
        form = ScaleForm(self.store.activity(self.activity_id), self.lang, initial=answer)
        form.on_submit(self._guard(lambda f: self.submit()))
        return form

    def _refresh_unedited_form(self) -> None:
        """Show a group member's newer answer, but only while this participant has not edited."""
        assert self.form is not None and self.participant is not None and self.activity_id
        loaded_id, loaded_value = self._loaded
        if self.form.value != loaded_value:
            return  # the participant is typing: keep it
        latest = self.store.latest_answer(self.activity_id, self.participant.id)
        if latest is not None and latest.id != loaded_id:
            self.form.set_value(latest.answer)
            self._loaded = (latest.id, self.form.value)
            self._say(t("sent.previous", self.lang, time=self._local_time(latest.created_at)))

    def submit(self) -> None:
        """Send the form's answer through the store and show "Terkirim" (or why not)."""
        if self.form is None or self.participant is None or self.activity_id is None:
            return
        form = self.form
        form.set_sending(True)
        form.show_status("")
        try:
            sub = self.store.submit(self.activity_id, self.participant.id, form.value)
        except InvalidAnswer as err:  # ActivityClosed too
            form.show_status(self._error_text(err), "error")
            return
        finally:
            form.set_sending(False)
        self._loaded = (sub.id, form.value)
        self.status.value = ""
        self.sent_info.value = self._sent_html(sub.answer, sub.created_at)
        self._go("sent")

    def _sent_html(self, answer: dict[str, Any], created_at: str) -> str:
        assert self.activity_id is not None
        lang = self.lang
        activity = self.store.activity(self.activity_id)
        who = t("sent.by_group" if activity.scope == "group" else "sent.by_you", lang)
        scores, reasons = answer.get("scores", {}), answer.get("reasons", {})
        lines = []
        for item in activity.items:
            dims = scores.get(item.id, {})
            if not dims and item.id not in reasons:
                continue
            vals = " · ".join(f"{html.escape(d.label.get(lang))}: <b>{dims[d.id]}</b>"
                              for d in activity.dimensions if d.id in dims)
            reason = reasons.get(item.id, "")
            short = reason if len(reason) <= 160 else reason[:157] + "..."
            reason_html = f'<div class="cw-sum-reason">{html.escape(short)}</div>' if reason else ""
            lines.append(f'<li><div class="cw-sum-item">{html.escape(item.label.get(lang))}</div>'
                         f'<div class="cw-sum-vals">{vals}</div>{reason_html}</li>')
        return (f'<div class="cw-sent-box"><h2 class="cw-h cw-sent-heading">&#10003; '
                f'{html.escape(t("sent.heading", lang))}</h2>'
                f'<p class="cw-p">{html.escape(t("sent.body", lang, who=who, time=self._local_time(created_at)))}</p>'
                f'<p class="cw-p">{html.escape(t("sent.summary", lang, done=len(scores), total=len(activity.items)))}</p>'
                f'<ul class="cw-summary">{"".join(lines)}</ul></div>')

    def _error_text(self, err: InvalidAnswer) -> str:
        """The error in the participant's language, naming items by their label, not their id."""
        item_id = err.params.get("item")
        if self.form is None or not isinstance(item_id, str):
            return err.message(self.lang)
        labels = {it.id: it.label.get(self.lang) for it in self.form.activity.items}
        dims = {d.id: d.label.get(self.lang) for d in self.form.activity.dimensions}
        params = dict(err.params, item=labels.get(item_id, item_id))
        if isinstance(params.get("dimension"), str):
            params["dimension"] = dims.get(params["dimension"], params["dimension"])
        return t(err.key, self.lang, **params)

    def _show_form(self) -> None:
        if self.form is None:
            self.poll(force=True)
            return
        self.status.value = ""
        self._go("form")
        self._refresh_unedited_form()

    def _local_time(self, iso_utc: str) -> str:
        when = dt.datetime.fromisoformat(iso_utc)
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        return f"{when.astimezone(self._timezone):%H:%M} {self._tz_label}"

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
        while True:
            await asyncio.sleep(POLL_SECONDS)
            try:
                self.poll()
            except Exception:
                log.exception("participant page: polling failed")
