"""The shift of every scale score between two workshops: per criterion and dimension, for the
room and per group, with its spread.

Compare layer, private to :mod:`cityworkshop.compare`. Tidy frames in, tidy frames out: the
statistics of each workshop are :func:`cityworkshop.analysis.summarize_scale` (mean, sample
standard deviation, count) and :func:`cityworkshop.analysis.scale_gaps`; this module only sets
the two side by side. The shift is ``mean B - mean A``; its standard error
``sqrt(sd_A**2 / n_A + sd_B**2 / n_B)`` says how much of it chance alone could make.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..analysis import scale_gaps, summarize_scale

if TYPE_CHECKING:
    import pandas as pd

SMALL_N = 10
"""Fewer answers than this on either side: the shift is marked as resting on few answers."""
NOISE_SE = 2.0
"""A shift smaller than this many standard errors is marked "may be chance"."""

SHIFT_COLUMNS = ("mean_a", "std_a", "n_a", "mean_b", "std_b", "n_b", "shift", "se",
                 "small_n", "may_be_chance")


def scale_shifts(frame_a: pd.DataFrame, frame_b: pd.DataFrame,
                 by: Sequence[str] = ("item_id", "field")) -> pd.DataFrame:
    """Mean, spread and count of each workshop's scores side by side, and the shift B - A.

    Parameters
    ----------
    frame_a, frame_b
        Answers frames (:func:`~cityworkshop.analysis.answers_frame`) of the same scale
        activity in workshop A and workshop B.
    by
        What to compare by (as :func:`~cityworkshop.analysis.summarize_scale`); add
        ``"group"`` to compare groups of the same name.

    Returns
    -------
    DataFrame
        The ``by`` columns, then ``mean_a``, ``std_a`` (sample standard deviation, NaN for one
        answer), ``n_a``, the same for B, ``shift`` (``mean_b - mean_a``, NaN when one side has
        no answer), ``se`` (standard error of the shift, NaN when a side has fewer than two
        answers), ``small_n`` (fewer than :data:`SMALL_N` answers on a side) and
        ``may_be_chance`` (``|shift| < NOISE_SE * se``). One row per key present in A or B,
        sorted by ``by``.

    Examples
    --------
    >>> from cityworkshop.analysis import answers_frame
    >>> scale_shifts(answers_frame([]), answers_frame([])).columns.tolist()[:4]
    ['item_id', 'field', 'mean_a', 'std_a']
    """
    import pandas as pd

    cols = list(by)
    keep = ["mean", "std", "count"]
    sa = summarize_scale(frame_a, cols)[[*cols, *keep]]
    sb = summarize_scale(frame_b, cols)[[*cols, *keep]]
    sa.columns = [*cols, "mean_a", "std_a", "n_a"]
    sb.columns = [*cols, "mean_b", "std_b", "n_b"]
    out = sa.merge(sb, on=cols, how="outer", sort=True)
    for n in ("n_a", "n_b"):
        out[n] = out[n].fillna(0).astype("int64")
    for c in ("mean_a", "std_a", "mean_b", "std_b"):
        out[c] = out[c].astype("float64")
    out["shift"] = out["mean_b"] - out["mean_a"]
    ok = (out["n_a"] >= 2) & (out["n_b"] >= 2)
    se = (out["std_a"] ** 2 / out["n_a"].where(ok) + out["std_b"] ** 2 / out["n_b"].where(ok))
    out["se"] = se.pow(0.5).astype("float64")
    out["small_n"] = (out[["n_a", "n_b"]].min(axis=1) < SMALL_N)
    out["may_be_chance"] = (out["se"].notna() & out["shift"].notna()
                            & (out["shift"].abs() < NOISE_SE * out["se"]))
    if out.empty:
        out = pd.DataFrame(columns=[*cols, *SHIFT_COLUMNS])
    return out[[*cols, *SHIFT_COLUMNS]].reset_index(drop=True)


def gap_shifts(frame_a: pd.DataFrame, frame_b: pd.DataFrame, *, now: str = "now",
               target: str = "target") -> pd.DataFrame:
    """The room's distance to target (mean target - mean now) in A and in B, per criterion.

    Returns
    -------
    DataFrame
        Columns ``item_id``, ``gap_a``, ``gap_b``, ``change`` (``gap_b - gap_a``: negative when
        the room sees itself closer to its target), sorted by item id. From
        :func:`~cityworkshop.analysis.scale_gaps` of each workshop.
    """
    ga = scale_gaps(frame_a, now=now, target=target)[["item_id", "gap"]]
    gb = scale_gaps(frame_b, now=now, target=target)[["item_id", "gap"]]
    out = ga.rename(columns={"gap": "gap_a"}).merge(gb.rename(columns={"gap": "gap_b"}),
                                                   on="item_id", how="outer", sort=True)
    out["gap_a"] = out["gap_a"].astype("float64")
    out["gap_b"] = out["gap_b"].astype("float64")
    out["change"] = out["gap_b"] - out["gap_a"]
    return out.reset_index(drop=True)


def about_groups(frame: pd.DataFrame) -> pd.DataFrame:
    """A peer-rating frame whose ``group`` is the group rated (the presenting group), not the
    group that rated: per group, a peer rating is about the group it rates."""
    out = frame.copy()
    out["group"] = out["about_group"]
    out["group_id"] = out["about_group_id"]
    return out


def finite(value: object) -> bool:
    """Whether ``value`` is a number that is not NaN."""
    try:
        return math.isfinite(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
