"""Statistics of the workshop's answers: tidy DataFrame in, tidy DataFrame out.

The analysis layer. It takes the rows of :meth:`WorkshopStore.answer_rows
<cityworkshop.store.WorkshopStore.answer_rows>` (never a store) and returns small pandas frames
that :mod:`cityworkshop.charts` draws and the report prints. Imports no Jupyter, widget or plotly
module.

>>> frame = answers_frame(store.answer_rows("disruptive-scoring"))  # doctest: +SKIP
>>> summarize_scale(frame).head()  # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    import pandas as pd
else:

    class _Lazy(ModuleType):
        """pandas, imported on first use: ``import cityworkshop.analysis`` stays cheap (the
        import-time target is 0.5 s for content + store + analysis, and pandas alone costs
        about 0.4 s)."""

        def __getattr__(self, name: str) -> Any:
            module = importlib.import_module(self.__name__)
            return getattr(module, name)

    pd = _Lazy("pandas")

__all__ = [
    "ANSWER_COLUMNS",
    "answers_frame",
    "group_item_matrix",
    "matrix_votes",
    "plan_steps",
    "questions_frame",
    "scale_gaps",
    "scale_reasons",
    "summarize_matrix",
    "summarize_peer",
    "summarize_points",
    "summarize_scale",
    "text_entries",
    "word_frequencies",
]

ANSWER_COLUMNS = (
    "submission_id",
    "activity_id",
    "subject",
    "group_id",
    "group",
    "participant_id",
    "participant",
    "item_id",
    "field",
    "value_num",
    "value_text",
    "created_at",
    "about_group_id",
    "about_group",
)
"""The columns of an answers frame, in order (those of ``WorkshopStore.answer_rows``)."""

REASON_FIELD = "reason"
_STATS = ("mean", "median", "std", "min", "max", "count")
_BY_ALLOWED = ("item_id", "field", "group", "group_id", "subject")


def answers_frame(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Build the tidy answers frame: one row per (submission, item, field).

    Parameters
    ----------
    rows
        The rows of ``WorkshopStore.answer_rows(activity_id)``: dicts with the keys of
        :data:`ANSWER_COLUMNS`. Extra keys are dropped; missing keys become empty columns.

    Returns
    -------
    DataFrame
        Columns :data:`ANSWER_COLUMNS`; ``value_num`` is float (NaN for a reason row),
        ``group_id`` and ``submission_id`` are integers. An empty input gives an empty frame
        with the same columns.

    Examples
    --------
    >>> answers_frame([]).columns.tolist()[:3]
    ['submission_id', 'activity_id', 'subject']
    """
    frame = pd.DataFrame(list(rows), columns=list(ANSWER_COLUMNS))
    frame["value_num"] = pd.to_numeric(frame["value_num"], errors="coerce").astype("float64")
    for col in ("submission_id", "group_id"):
        if frame[col].notna().all():
            frame[col] = frame[col].astype("int64")
    return frame


def _scores(frame: pd.DataFrame) -> pd.DataFrame:
    """The score rows of an answers frame: not a reason, with a number."""
    return frame[(frame["field"] != REASON_FIELD) & frame["value_num"].notna()]


def _check_by(by: Sequence[str]) -> list[str]:
    if isinstance(by, str):
        by = (by,)
    cols = list(by)
    bad = [c for c in cols if c not in _BY_ALLOWED]
    if bad or not cols:
        raise ValueError(
            f"Could not group by {bad or cols!r} (argument 'by'): use a non-empty selection of "
            f"{', '.join(_BY_ALLOWED)}."
        )
    return cols


def summarize_scale(
    frame: pd.DataFrame, by: Sequence[str] = ("item_id", "field")
) -> pd.DataFrame:
    """Mean, median, spread, range and count of the scores, per criterion and dimension.

    Parameters
    ----------
    frame
        An answers frame (:func:`answers_frame`). Reason rows are ignored.
    by
        The columns to summarise by; default per item and dimension (``field``). Add
        ``"group"`` for one row per group, item and dimension.

    Returns
    -------
    DataFrame
        The ``by`` columns, then ``mean``, ``median``, ``std``, ``min``, ``max``, ``count``.
        ``std`` is the spread: the sample standard deviation (``ddof=1``), NaN when only one
        answer is there. ``count`` is the number of answers (subjects) scored. Sorted by ``by``.

    Examples
    --------
    >>> summarize_scale(answers_frame([])).columns.tolist()
    ['item_id', 'field', 'mean', 'median', 'std', 'min', 'max', 'count']
    """
    cols = _check_by(by)
    scores = _scores(frame)
    if scores.empty:
        empty = pd.DataFrame(columns=[*cols, *_STATS])
        return empty.astype({s: "float64" for s in _STATS} | {"count": "int64"})
    out = (
        scores.groupby(cols, sort=True)["value_num"]
        .agg(["mean", "median", "std", "min", "max", "count"])
        .reset_index()
    )
    out.columns = [*cols, *_STATS]
    out["count"] = out["count"].astype("int64")
    return out


def scale_gaps(
    frame: pd.DataFrame,
    *,
    now: str = "now",
    target: str = "target",
    by_group: bool = False,
) -> pd.DataFrame:
    """How far each criterion is from its target: mean target minus mean now.

    Parameters
    ----------
    frame
        An answers frame (:func:`answers_frame`).
    now, target
        The dimension ids of the activity for the present and the target (the ``id`` of its
        :class:`~cityworkshop.content.Dimension`).
    by_group
        One row per group and item instead of one per item for the whole room.

    Returns
    -------
    DataFrame
        Columns ``item_id`` (``group_id``, ``group`` first when ``by_group``), ``now``,
        ``target``, ``gap``, ``count_now``, ``count_target``. Each mean is over the subjects
        who scored that dimension. ``gap`` is NaN when a dimension has no score. Sorted by
        ``gap`` descending (ties by item), NaN last; per group when ``by_group``.
    """
    keys = ["group_id", "group", "item_id"] if by_group else ["item_id"]
    columns = [*keys, "now", "target", "gap", "count_now", "count_target"]
    scores = _scores(frame)
    scores = scores[scores["field"].isin([now, target])]
    if scores.empty:
        return pd.DataFrame(columns=columns).astype(
            {"now": "float64", "target": "float64", "gap": "float64",
             "count_now": "int64", "count_target": "int64"})
    stats = scores.groupby([*keys, "field"])["value_num"].agg(["mean", "count"]).unstack("field")
    # the (statistic, field) columns unstacked: each statistic is a frame of fields
    means = cast("pd.DataFrame", stats["mean"]).reindex(columns=[now, target])
    counts = (cast("pd.DataFrame", stats["count"]).reindex(columns=[now, target])
              .fillna(0).astype("int64"))
    out = pd.DataFrame({
        "now": means[now],
        "target": means[target],
        "count_now": counts[now],
        "count_target": counts[target],
    }).reset_index()
    out["gap"] = out["target"] - out["now"]
    # Sort on a rounded copy: 4.2 - 2.0 and 4.4 - 2.2 are one tie, broken by item id.
    out["_rank"] = out["gap"].round(9)
    sort = ["group_id", "_rank", "item_id"] if by_group else ["_rank", "item_id"]
    ascending = [True, False, True] if by_group else [False, True]
    out = out.sort_values(sort, ascending=ascending, na_position="last", kind="stable")
    return out[columns].reset_index(drop=True)


def group_item_matrix(
    frame: pd.DataFrame, field: str = "now", *, items: Sequence[str] | None = None
) -> pd.DataFrame:
    """The group x item matrix of mean scores on one dimension, for the heatmap.

    Parameters
    ----------
    frame
        An answers frame (:func:`answers_frame`).
    field
        The dimension id to show (default ``"now"``).
    items
        The item ids, in the order of the columns (the activity's order); items nobody
        scored become columns of NaN. Default: the items present, sorted.

    Returns
    -------
    DataFrame
        Index: group names in group order (``group_id``), named ``group``; columns: item ids,
        named ``item_id``; values: mean score (NaN where a group did not score an item).
        For a group-scope activity the mean is the group's one answer.
    """
    scores = _scores(frame)
    scores = scores[scores["field"] == field]
    if scores.empty:
        out = pd.DataFrame(index=pd.Index([], name="group"),
                           columns=pd.Index(list(items or []), name="item_id"), dtype="float64")
        return out
    order = scores.drop_duplicates("group_id").sort_values("group_id")["group"].tolist()
    out = (scores.groupby(["group", "item_id"], sort=False)["value_num"].mean()
           .unstack("item_id").reindex(index=order))  # = pivot_table(aggfunc="mean"), faster
    if items is not None:
        out = out.reindex(columns=list(items))
    out.index.name, out.columns.name = "group", "item_id"
    return out.astype("float64")


def scale_reasons(frame: pd.DataFrame) -> pd.DataFrame:
    """The written reasons of the current answers, without participant names.

    Parameters
    ----------
    frame
        An answers frame (:func:`answers_frame`) of current answers.

    Returns
    -------
    DataFrame
        Columns ``item_id``, ``group_id``, ``group``, ``text``: one row per non-blank reason,
        sorted by item then group. The participant is left out on purpose: the projector
        shows groups, not names.
    """
    columns = ["item_id", "group_id", "group", "text"]
    rows = frame[(frame["field"] == REASON_FIELD) & frame["value_text"].notna()]
    rows = rows[rows["value_text"].astype(str).str.strip() != ""]
    out = rows.rename(columns={"value_text": "text"})[columns]
    return out.sort_values(["item_id", "group_id"], kind="stable").reset_index(drop=True)


# One module per activity kind; imported last: they use ``pd`` and ``answers_frame`` from here.
from .matrix import matrix_votes, summarize_matrix  # noqa: E402
from .peer import summarize_peer  # noqa: E402
from .plan import plan_steps  # noqa: E402
from .points import summarize_points  # noqa: E402
from .questions import questions_frame  # noqa: E402
from .text import text_entries, word_frequencies  # noqa: E402
