"""Plan answers: the groups' action steps as one tidy row each, for the roadmap.

Analysis layer: tidy answers frame in, tidy frame out; drawn by
:func:`~cityworkshop.charts.roadmap_chart`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
else:
    from . import pd

from .text import _frame

__all__ = ["plan_steps"]

STEP_COLUMNS = ("subject", "group", "entry", "phase", "what", "owner", "start", "end", "kpi")
_FIELDS = ("phase", "what", "owner", "start", "end", "kpi")


def plan_steps(frame: pd.DataFrame | Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """One row per action step of the current plans.

    Parameters
    ----------
    frame
        An answers frame of a plan activity (or the store's answer rows).

    Returns
    -------
    DataFrame
        Columns ``subject``, ``group``, ``entry`` (``s00``, ``s01``... in the group's order),
        ``phase`` (item id), ``what``, ``owner`` (OPD id), ``start`` and ``end`` (``YYYY-MM``),
        ``kpi``; text verbatim. Sorted by group id, subject and entry.

    Examples
    --------
    >>> plan_steps([]).columns.tolist()[:4]
    ['subject', 'group', 'entry', 'phase']
    """
    frame = _frame(frame)
    rows = frame[frame["field"].isin(_FIELDS)]
    if rows.empty:
        return pd.DataFrame(columns=list(STEP_COLUMNS))
    wide = (rows.groupby(["group_id", "subject", "group", "item_id", "field"], sort=False)
            ["value_text"].last().unstack("field"))  # = pivot_table(aggfunc="last"), faster
    wide = wide.reindex(columns=list(_FIELDS)).reset_index()
    wide = wide.rename(columns={"item_id": "entry"})
    wide = wide.sort_values(["group_id", "subject", "entry"], kind="stable")
    out = wide[list(STEP_COLUMNS)].reset_index(drop=True).astype(object)
    out.columns.name = None
    return out.where(out.notna(), None)
