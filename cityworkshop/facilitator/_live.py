"""Drawing plotly figures into Output widgets and refreshing on the kernel's event loop.

Private to :mod:`cityworkshop.facilitator`.
"""

from __future__ import annotations

import asyncio
import json
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
