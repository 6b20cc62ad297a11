"""What every participant form shares: the send button, the status line, submit callbacks.

Part of the forms layer (ipywidgets, no statistics, no database): a form shows one activity and
gives its answer as ``form.value``; the participant page sends it through the store.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from ..i18n import t

__all__ = ["FormBase", "css_id", "chars_left_html", "message_html"]


def css_id(value: str) -> str:
    """An id made safe for a CSS class name (``a b`` -> ``a-b``)."""
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in str(value))


def message_html(text: str, kind: str = "info") -> str:
    """A message box as HTML; ``text`` is escaped (it may hold participant input)."""
    if not text:
        return ""
    return f'<div class="cw-msg cw-msg-{html.escape(kind)}">{html.escape(text)}</div>'


def chars_left_html(text: str, max_chars: int, lang: str) -> str:
    """"123 karakter tersisa", or in red "5 karakter terlalu panjang" (stripped length)."""
    left = max_chars - len(text.strip())
    if left >= 0:
        return f'<div class="cw-ok">{html.escape(t("form.chars_left", lang, left=left))}</div>'
    return f'<div class="cw-over">{html.escape(t("form.chars_over", lang, over=-left))}</div>'


class FormBase(widgets.VBox):
    """A VBox with the agreed form interface around ``value`` / ``set_value``.

    Subclasses build their widgets, then call :meth:`_footer` for the status line and the
    "Kirim" button (``.send_button``, CSS ``cw-send``).
    """

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
        footer = widgets.VBox([*above, self.status, self.send_button])
        footer.add_class("cw-form-footer")
        return footer

    def on_submit(self, callback: Callable[[Any], Any]) -> None:
        """Call ``callback(form)`` when the participant presses "Kirim"."""
        self._submit_callbacks.append(callback)

    def problems(self) -> list[str]:
        """What the participant must still fix before sending, in their language (none here;
        forms that can tell ahead of the store override this)."""
        return []

    def _fire_submit(self) -> None:
        """Call the :meth:`on_submit` callbacks, unless :meth:`problems` names something to fix:
        then show the first problem instead (the store re-validates in any case)."""
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
