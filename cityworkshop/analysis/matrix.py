"""Matrix answers (e.g. impact x urgency): each placement, and the room's average per item.

Analysis layer: tidy answers frame in, tidy frame out; :func:`~cityworkshop.charts.matrix_chart`
draws both on the 2x2.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
else:
    from . import pd

from .text import _frame

__all__ = ["matrix_votes", "summarize_matrix", "summaries"]


def matrix_votes(frame: pd.DataFrame | Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Every placement of an item: one row per subject and item with both coordinates.

    Parameters
    ----------
    frame
        An answers frame of a matrix activity (or the store's answer rows).

    Returns
    -------
    DataFrame
        Columns ``subject``, ``group``, ``item_id``, ``x``, ``y`` (floats); a placement missing
        a coordinate is left out. Sorted by group id, subject and item.
    """
    frame = _frame(frame)
    columns = ["subject", "group", "item_id", "x", "y"]
    coords = frame[frame["field"].isin(["x", "y"]) & frame["value_num"].notna()]
    if coords.empty:
        return pd.DataFrame(columns=columns).astype({"x": "float64", "y": "float64"})
    # groupby + unstack: the same table as pivot_table(aggfunc="last"), several times faster
    wide = (coords.groupby(["group_id", "subject", "group", "item_id", "field"], sort=False)
            ["value_num"].last().unstack("field"))
    wide = wide.reindex(columns=["x", "y"]).dropna().reset_index()
    wide = wide.sort_values(["group_id", "subject", "item_id"], kind="stable")
    out = wide[columns].reset_index(drop=True)
    out.columns.name = None
    return out.astype({"x": "float64", "y": "float64"})


def summarize_matrix(frame: pd.DataFrame | Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """The room's average position of each item.

    Parameters
    ----------
    frame
        An answers frame of a matrix activity (or the store's answer rows).

    Returns
    -------
    DataFrame
        Columns ``item_id``, ``x_mean``, ``y_mean``, ``count`` (the placements, see
        :func:`matrix_votes`), sorted by item id.

    Examples
    --------
    >>> summarize_matrix([]).columns.tolist()
    ['item_id', 'x_mean', 'y_mean', 'count']
    """
    votes = matrix_votes(frame)
    columns = ["item_id", "x_mean", "y_mean", "count"]
    if votes.empty:
        return pd.DataFrame(columns=columns).astype(
            {"x_mean": "float64", "y_mean": "float64", "count": "int64"})
    out = votes.groupby("item_id", sort=True).agg(
        x_mean=("x", "mean"), y_mean=("y", "mean"), count=("x", "size")).reset_index()
    return out[columns].astype({"count": "int64"})


def summaries(activity: Any, data: Any) -> dict[str, Any]:
    """The frames of a matrix activity's results: ``votes`` (:func:`matrix_votes`) and
    ``summary`` (:func:`summarize_matrix`)."""
    frame = _frame(list(data.rows))
    return {"votes": matrix_votes(frame), "summary": summarize_matrix(frame)}
