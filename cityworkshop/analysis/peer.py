"""Peer ratings (``about: groups``): how the other groups rated each presenting group.

Analysis layer: tidy answers frame in, tidy frame out; drawn by
:func:`~cityworkshop.charts.peer_chart`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
else:
    from . import pd

from .text import _frame

__all__ = ["summarize_peer"]


def summarize_peer(frame: pd.DataFrame | Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Mean score and number of rating groups per presenting group and rubric item.

    Parameters
    ----------
    frame
        An answers frame of a scale activity with ``about: groups`` (or the store's rows).
        Reasons and rows without a rated group are ignored; all dimensions are pooled (the
        rubric has one).

    Returns
    -------
    DataFrame
        Columns ``about_group_id`` (int), ``about_group``, ``item_id``, ``mean``, ``count``
        (ratings), sorted by presenting group id and item id.

    Examples
    --------
    >>> summarize_peer([]).columns.tolist()
    ['about_group_id', 'about_group', 'item_id', 'mean', 'count']
    """
    frame = _frame(frame)
    columns = ["about_group_id", "about_group", "item_id", "mean", "count"]
    scores = frame[(frame["field"] != "reason") & frame["value_num"].notna()
                   & frame["about_group_id"].notna()]
    if scores.empty:
        return pd.DataFrame(columns=columns).astype(
            {"about_group_id": "int64", "mean": "float64", "count": "int64"})
    out = (scores.groupby(["about_group_id", "about_group", "item_id"], sort=True)["value_num"]
           .agg(["mean", "count"]).reset_index())
    out.columns = columns
    return out.astype({"about_group_id": "int64", "mean": "float64", "count": "int64"})
