"""What every participant form shares: the send button, the status line, submit callbacks.

Part of the forms layer (ipywidgets, no statistics, no database): a form shows one activity and
gives its answer as ``form.value``; the participant page sends it through the store.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipyvue
import ipywidgets as widgets
from traitlets import Int, Unicode

from .. import palette as P
from ..i18n import t
from ..markup import escape, message_html

__all__ = ["FormBase", "FIELD_CSS", "SettleProbe", "css_id", "chars_left_html", "field_style",
           "labelled", "message_html", "score_names", "when_settled"]

#: Fields are labelled by their own ``description``: ipywidgets draws it as a ``<label for=...>``
#: tied to the input, select or text area (a screen reader says "Fase, combo box"; a tap on the
#: label focuses the field). ipywidgets puts it on the left, right-aligned, on one line cut
#: with "..."; these rules put it above the field, wrapping, like the page's other labels.
FIELD_CSS = (
    ".cw-labelled{display:flex!important;flex-direction:column!important;"
    "align-items:stretch!important;height:auto!important}"
    ".cw-labelled>.widget-label{width:auto!important;max-width:100%;height:auto!important;"
    "margin:0 0 4px 0!important;padding:0;text-align:left!important;white-space:normal!important;"
    "overflow:visible!important;line-height:1.3!important;font-size:15px;font-weight:600;"
    f"color:{P.FIELD_INK}}}"
    ".cw-labelled>select,.cw-labelled>textarea,.cw-labelled>input{flex:0 0 auto!important;"
    "width:100%!important}"
    ".cw-chars-left+.cw-labelled.cw-labelled{margin-top:10px!important}"
    ".cw-about-box .cw-labelled.cw-labelled{margin-top:8px!important}"
)


def css_id(value: str) -> str:
    """An id made safe for a CSS class name (``a b`` -> ``a-b``)."""
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in str(value))


def chars_left_html(text: str, max_chars: int, lang: str) -> str:
    """"123 karakter tersisa", or in red "5 karakter terlalu panjang" (stripped length)."""
    left = max_chars - len(text.strip())
    if left >= 0:
        return f'<div class="cw-ok">{escape(t("form.chars_left", lang, left=left))}</div>'
    return f'<div class="cw-over">{escape(t("form.chars_over", lang, over=-left))}</div>'


def field_style() -> widgets.HTML:
    """The :data:`FIELD_CSS` rules as a hidden widget (a ``<style>`` applies wherever it is)."""
    style = widgets.HTML(f"<style>{FIELD_CSS}</style>", layout=widgets.Layout(display="none"))
    style.add_class("cw-field-style")
    return style


def labelled(widget: widgets.Widget, text: str) -> widgets.Widget:
    """Give a field its visible label, tied to it (``description``, shown as plain text).

    The :func:`field_style` rules (every form includes them) put the label above the field.
    The field also notes when its value last changed (:func:`when_settled`). Returns ``widget``.
    """
    widget.description = text
    widget.description_allow_html = False
    widget.style.description_width = "auto"
    widget.add_class("cw-labelled")
    widget.observe(_note_change, "value")
    return widget


#: without a :class:`SettleProbe` (a form shown outside the participant page): a button pressed
#: within this many seconds of a field's change waits for the field to settle ...
RECENT_S = 0.15
#: ... until no field changed for this long (one round trip to the phone and back), at most
#: SETTLE_MAX_S
SETTLE_S = 0.5
SETTLE_MAX_S = 3.0
#: with a :class:`SettleProbe`: a button pressed within this many seconds of a field's change
#: asks the phone for one round trip first (a held change is older than one round trip plus
#: the server's backlog, so ten seconds is generous); later presses run at once
PROBE_WINDOW_S = 10.0
#: the longest wait for the phone's answer to the probe (a page that lost its connection):
#: then the button runs with what the server has
PROBE_MAX_S = 5.0


def _note_change(change: Any) -> None:
    change["owner"]._cw_changed_at = time.monotonic()


def _last_change(root: widgets.Widget) -> float:
    """When a labelled field under ``root`` last changed (0: never)."""
    last, todo = 0.0, [root]
    while todo:
        w = todo.pop()
        last = max(last, getattr(w, "_cw_changed_at", 0.0))
        todo.extend(getattr(w, "children", ()))
    return last


_PROBE_TEMPLATE = """<template>
  <span class="cw-settle-probe" hidden></span>
</template>
<script>
export default {
  watch: { asked(n) { this.answered(n); } }
};
</script>"""


class SettleProbe(ipyvue.VueTemplate):
    """One round trip to the phone, to know that every change it held back has arrived.

    The phone's widget client sends a field's next change only after the server finished the
    one before (it waits for the kernel's "idle" for it), while a button's click goes out at
    once: "Kirim" pressed right after typing can reach the server before the last typing.
    The server handles a page's messages in order and says "idle" for the earlier change
    before it handles the click, so the phone sends its held change as soon as that "idle"
    arrives, before it sees anything the server sends while handling the click. A counter
    set now (``asked``) and echoed back by the phone (``answered``) therefore comes back
    behind every held change. The participant page puts one probe in its page; its forms
    use it through :func:`when_settled`. Hidden; no text; one small view per phone.
    """

    template = Unicode(_PROBE_TEMPLATE).tag(sync=True)
    #: the last probe sent; the phone echoes it with ``answered``
    asked = Int(0).tag(sync=True)

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self._waiting: list[tuple[int, Callable[[], Any]]] = []

    def after_phone(self, action: Callable[[], Any]) -> None:
        """Run ``action`` once the phone answered a probe sent now."""
        self.asked += 1
        self._waiting.append((self.asked, action))

    def vue_answered(self, data: Any) -> None:
        """The phone's echo of ``asked``: run what waited for it (anything else is ignored)."""
        if isinstance(data, bool) or not isinstance(data, int):
            return  # a crafted message
        ready = [a for n, a in self._waiting if n <= data]
        self._waiting = [(n, a) for n, a in self._waiting if n > data]
        for action in ready:
            action()


def when_settled(root: widgets.Widget, action: Callable[[], Any]) -> bool:
    """Run ``action`` now, or once the changes the phone still holds for ``root`` arrived.

    The phone's widget client sends a field's next change only after the server answered the
    one before, while a button's click goes out at once: pressed right after typing, "Kirim"
    arrives before the last typing. With a :class:`SettleProbe` (``root.settle_probe``, set by
    the participant page) a click within :data:`PROBE_WINDOW_S` of a change waits for one
    round trip to the phone, which comes back behind every held change (at most
    :data:`PROBE_MAX_S`). Without one, a click within :data:`RECENT_S` of a change waits until
    no field changed for :data:`SETTLE_S` (at most :data:`SETTLE_MAX_S`): a guess that a slow
    server can beat. Without a running event loop (plain pytest) it runs at once. True when it
    ran now."""
    import asyncio

    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        action()
        return True
    started = time.monotonic()
    since = started - _last_change(root)
    probe = getattr(root, "settle_probe", None)
    if isinstance(probe, SettleProbe) and probe.comm is not None:
        if since >= PROBE_WINDOW_S:
            action()
            return True
        done = False

        def once() -> None:
            nonlocal done
            if not done:
                done = True
                action()

        probe.after_phone(once)
        loop.call_later(PROBE_MAX_S, once)
        return False
    if since >= RECENT_S:
        action()
        return True

    def check() -> None:
        now = time.monotonic()
        if now - _last_change(root) >= SETTLE_S or now - started >= SETTLE_MAX_S:
            action()
        else:
            loop.call_later(0.05, check)

    loop.call_later(SETTLE_S, check)
    return False


def score_names(values: Sequence[int], labels: Mapping[int, str], lang: str) -> list[str]:
    """What each number button is called for a screen reader: "3 dari 5: Cukup", "2 dari 5".

    ``labels`` gives the meaning of some values (often only the ends of the scale).
    """
    top = max(values) if values else 0
    return [t("form.score_name_label", lang, value=v, max=top, label=labels[v]) if labels.get(v)
            else t("form.score_name", lang, value=v, max=top) for v in values]


class FormBase(widgets.VBox):
    """A VBox with the agreed form interface around ``value`` / ``set_value``.

    Subclasses build their widgets, then call :meth:`_footer` for the status line and the
    "Kirim" button (``.send_button``, CSS ``cw-send``).
    """

    #: the page's :class:`SettleProbe` (the participant page sets it; None: guess by time)
    settle_probe: SettleProbe | None = None

    def __init__(self, lang: str = "id", **kwargs: Any):
        super().__init__(**kwargs)
        self.lang = lang
        self.add_class("cw-form")
        self.status = widgets.HTML()
        self.status.add_class("cw-status")
        self.send_button = widgets.Button(description=t("form.send", lang), button_style="primary",
                                          layout=widgets.Layout(width="100%"))
        self.send_button.add_class("cw-send")
        self._submit_callbacks: list[Callable[[Any], Any]] = []
        self.send_button.on_click(lambda _b: self._fire_submit())

    def _footer(self, *above: widgets.Widget) -> widgets.VBox:
        footer = widgets.VBox([*above, self.status, self.send_button, field_style()])
        footer.add_class("cw-form-footer")
        return footer

    @property
    def draft_value(self) -> Any:
        """Everything typed or chosen so far, to keep as a draft: :attr:`value`, or more where
        a form's value leaves out what cannot be sent yet (:class:`MatrixForm`)."""
        return self.value  # type: ignore[attr-defined]

    def on_submit(self, callback: Callable[[Any], Any]) -> None:
        """Call ``callback(form)`` when the participant presses "Kirim"."""
        self._submit_callbacks.append(callback)

    def problems(self) -> list[str]:
        """What the participant must still fix before sending, in their language (none here;
        forms that can tell ahead of the store override this)."""
        return []

    def _fire_submit(self) -> None:
        """Call the :meth:`on_submit` callbacks once the fields settled (:func:`when_settled`),
        unless :meth:`problems` names something to fix: then show the first problem instead
        (the store re-validates in any case)."""
        if getattr(self, "_settling", False):
            return  # pressed again while waiting for the last typing: one send
        self._settling = True

        def fire() -> None:
            self._settling = False
            self.send_button.description = t("form.send", self.lang)
            self._submit_now()

        if not when_settled(self, fire):
            self.send_button.description = t("form.sending", self.lang)

    def _submit_now(self) -> None:
        problems = self.problems()
        if problems:
            self.show_status(problems[0], "error")
            return
        for cb in self._submit_callbacks:
            cb(self)

    def show_status(self, text: str, kind: str = "info") -> None:
        """Show a message (plain text, escaped) next to the send button; ``kind`` info/error/ok."""
        self.status.value = message_html(text, kind)

    def set_sending(self, sending: bool) -> None:
        """Disable the send button and say "Mengirim..." while an answer is being stored."""
        self.send_button.disabled = sending
        self.send_button.description = t("form.sending" if sending else "form.send", self.lang)
