"""Points answers (dot voting): how many points each item received and from how many voters.

Analysis layer: tidy answers frame in, tidy frame out; drawn by
:func:`~cityworkshop.charts.points_chart`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from ..content import Item
else:
    from . import pd

from .text import _frame

__all__ = ["summarize_points", "summaries"]


def summarize_points(
    frame: pd.DataFrame | Iterable[Mapping[str, Any]],
    items: Sequence[Item | str] | None = None,
) -> pd.DataFrame:
    """Total points and number of voters per item, most points first.

    Parameters
    ----------
    frame
        An answers frame of a points activity (or the store's answer rows).
    items
        The items that could receive points (``WorkshopStore.items_of(activity)``: Items or
        ids). Items nobody chose appear with 0 points; ties keep this order. Items that received
        points but are not in ``items`` (an idea deleted since) are kept, after the ties.

    Returns
    -------
    DataFrame
        Columns ``item_id``, ``points`` (int, the sum), ``voters`` (int, subjects that gave the
        item at least one point), sorted by points descending, then by the order of ``items``
        (else by item id).

    Examples
    --------
    >>> summarize_points([], items=["a", "b"]).values.tolist()
    [['a', 0, 0], ['b', 0, 0]]
    """
    frame = _frame(frame)
    rows = frame[(frame["field"] == "points") & (frame["value_num"].fillna(0) > 0)]
    got = rows.groupby("item_id").agg(points=("value_num", "sum"),
                                      voters=("subject", "nunique"))
    order = [it if isinstance(it, str) else it.id for it in (items or ())]
    order += sorted(i for i in got.index if i not in set(order))
    out = got.reindex(order).fillna(0).reset_index()
    out.columns = ["item_id", "points", "voters"]
    out["_order"] = range(len(out))
    out = out.sort_values(["points", "_order"], ascending=[False, True], kind="stable")
    out = out.drop(columns="_order").reset_index(drop=True)
    return out.astype({"item_id": object, "points": "int64", "voters": "int64"})


def summaries(activity: Any, data: Any) -> dict[str, Any]:
    """The frames of a points activity's results: ``points`` (:func:`summarize_points` over
    the items asked about now) and ``items``, the labels of those and of ideas deleted since."""
    points = summarize_points(_frame(list(data.rows)), items=[it.id for it in data.items])
    return {"points": points, "items": tuple(data.all_items)}
