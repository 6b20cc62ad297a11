"""Questions of the sharing session, ranked by votes.

Analysis layer: the rows of :meth:`WorkshopStore.question_rows
<cityworkshop.store.WorkshopStore.question_rows>` as a frame.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
else:
    from . import pd

__all__ = ["QUESTION_COLUMNS", "questions_frame", "summaries"]

QUESTION_COLUMNS = ("question_id", "text", "group_id", "group", "participant_id", "participant",
                    "votes", "created_at", "answered_at")


def questions_frame(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """The questions as a frame, most votes first (then the oldest first).

    Parameters
    ----------
    rows
        ``WorkshopStore.question_rows(activity_id)``.

    Returns
    -------
    DataFrame
        Columns :data:`QUESTION_COLUMNS` plus ``answered`` (bool: ``answered_at`` is set);
        ``votes`` and ``question_id`` are int; text verbatim.

    Examples
    --------
    >>> questions_frame([]).columns.tolist()[-2:]
    ['answered_at', 'answered']
    """
    out = pd.DataFrame(list(rows), columns=list(QUESTION_COLUMNS))
    out["votes"] = pd.to_numeric(out["votes"]).fillna(0).astype("int64")
    out["question_id"] = out["question_id"].astype("int64")
    out["answered"] = out["answered_at"].notna().astype(bool)
    out = out.sort_values(["votes", "question_id"], ascending=[False, True], kind="stable")
    return out.reset_index(drop=True)


def summaries(activity: Any, data: Any) -> dict[str, Any]:
    """The frames of a questions activity's results: ``questions`` (:func:`questions_frame`)
    and ``rows``, the board's rows as the store gave them (most votes first)."""
    return {"questions": questions_frame(data.rows), "rows": list(data.rows)}
