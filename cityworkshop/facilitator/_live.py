"""Drawing plotly figures into Output widgets, refreshing on the kernel's event loop, and the
live views of each activity in this kernel (a reveal clicked here redraws them at once).

Private to :mod:`cityworkshop.facilitator`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import weakref
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio


def figure_output(fig: go.Figure) -> dict[str, Any]:
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


_log = logging.getLogger(__name__)
_views: dict[tuple[str, str], weakref.WeakSet[Any]] = {}


def follow(path: str | Path, activity_id: str, view: Any) -> None:
    """Register a live view (anything with ``refresh()``) of an activity of a workshop."""
    _views.setdefault((str(path), activity_id), weakref.WeakSet()).add(view)


def nudge(path: str | Path, activity_id: str) -> None:
    """Refresh now the live views of this activity in this kernel: a reveal clicked in this
    kernel shows without waiting for the change watcher (which still tells other kernels)."""
    for view in list(_views.get((str(path), activity_id), ())):
        try:
            view.refresh()
        except Exception as e:  # noqa: BLE001 - a view that cannot draw must not stop the click
            _log.warning("refreshing a live view of %s failed: %s", activity_id, e)


def running_loop() -> asyncio.AbstractEventLoop | None:
    """The running asyncio loop (a kernel's, or the test's), or None."""
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


class LivePart:
    """What a kind's live results show beside its charts: nothing, by default.

    A kind names its own part (:attr:`Kind.live <cityworkshop.kinds.Kind.live>`): a subclass
    built with the :class:`~cityworkshop.facilitator.results.LiveResults` it belongs to. Its
    ``before`` widgets stand above the charts, ``after`` below them; ``widgets`` become
    attributes of the results by name (``live.wall``, ``live.steps``...); :meth:`update` gets the
    kind's summaries and the activity's data at every redraw while the results are shown.
    """

    def __init__(self, results: Any):
        self.results = results
        self.widgets: dict[str, Any] = {}
        self.before: list[Any] = []
        self.after: list[Any] = []

    def update(self, summaries: Any, data: Any) -> None:
        """Redraw from the kind's ``summaries`` and the activity's ``data``."""
