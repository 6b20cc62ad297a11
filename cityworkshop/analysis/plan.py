"""Plan answers: the groups' action steps as one tidy row each, for the roadmap.

Analysis layer: tidy answers frame in, tidy frame out; drawn by
:func:`~cityworkshop.charts.roadmap_chart`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
else:
    from . import pd

from .text import _frame

__all__ = ["drawable", "plan_steps", "summaries"]

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


_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def drawable(steps: pd.DataFrame) -> pd.DataFrame:
    """The steps whose start and end are months (``YYYY-MM``): an older database may hold
    anything there; a table lists every step, the roadmap draws these."""
    ok = [bool(_MONTH.fullmatch(str(a))) and bool(_MONTH.fullmatch(str(b)))
          for a, b in zip(steps["start"], steps["end"], strict=True)]
    return steps[ok] if not all(ok) else steps


def summaries(activity: Any, data: Any) -> dict[str, Any]:
    """The frames of a plan activity's results: ``steps`` (:func:`plan_steps`) and ``owners``
    (the city's OPDs, for their names)."""
    return {"steps": plan_steps(_frame(list(data.rows))), "owners": tuple(data.owners)}
