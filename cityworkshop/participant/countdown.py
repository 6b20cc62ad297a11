"""The facilitator's countdown on the participant page: "Sisa waktu 04:59", ticking every second.

Pages layer. The store knows when the timer ends; the page reads it on each poll and this
widget counts down locally (a light asyncio task, only while a timer runs and only when an event
loop runs), so the clock does not depend on the database between polls.
"""

from __future__ import annotations

import asyncio
import math
import time

import ipywidgets as widgets

from ..i18n import t
from ..markup import escape

__all__ = ["Countdown", "format_clock"]


def format_clock(seconds: float) -> str:
    """``299.2`` -> ``"05:00"`` (rounded up: "00:00" only when time is up); hours when needed.

    >>> format_clock(299.2), format_clock(3725)
    ('05:00', '1:02:05')
    """
    s = max(0, math.ceil(seconds))
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m:02d}:{sec:02d}"


class Countdown:
    """An HTML line (CSS ``cw-timer``) showing the time left; hidden without a timer."""

    def __init__(self, lang: str = "id"):
        self.lang = lang
        self.widget = widgets.HTML()
        self.widget.add_class("cw-timer")
        self.widget.layout.display = "none"
        self._deadline: float | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def remaining(self) -> float | None:
        """Seconds left (0 when up), None without a timer."""
        return None if self._deadline is None else max(0.0, self._deadline - time.monotonic())

    def set_remaining(self, seconds: float | None) -> None:
        """Follow the store's ``timer_remaining``: None hides the line, a number shows it."""
        self._deadline = None if seconds is None else time.monotonic() + seconds
        self.render()
        if seconds is not None and seconds > 0:
            self._start_ticking()

    def set_lang(self, lang: str) -> None:
        self.lang = lang
        self.render()

    def render(self) -> None:
        left = self.remaining
        if left is None:
            self.widget.layout.display = "none"
            self.widget.value = ""
            return
        self.widget.layout.display = None
        if left <= 0:
            text, cls = t("page.timer_over", self.lang), "cw-timer-over"
        else:
            text = t("page.timer_left", self.lang, time=format_clock(left))
            cls = "cw-timer-low" if left <= 60 else "cw-timer-run"
        self.widget.value = f'<div class="cw-timer-text {cls}">{escape(text)}</div>'

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    def _start_ticking(self) -> None:
        if self._task is not None and not self._task.done():
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # plain Python or pytest: the page's poll still updates the text
        self._task = loop.create_task(self._tick())

    async def _tick(self) -> None:
        while True:
            left = self.remaining
            if left is None or left <= 0:
                self.render()
                return
            # wake just after the shown second changes
            await asyncio.sleep(min(1.0, max(0.02, left - math.floor(left) + 0.01)))
            self.render()
