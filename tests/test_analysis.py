"""Tests of cityworkshop.analysis against hand computations and plain pandas on small frames."""

from __future__ import annotations

import math
import statistics
import subprocess
import sys
from typing import Any

import pandas as pd
import pytest

from cityworkshop.analysis import (
    ANSWER_COLUMNS,
    answers_frame,
    group_item_matrix,
    scale_gaps,
    scale_reasons,
    summarize_scale,
)

_next_id = iter(range(1, 10_000))


def answer(group_id: int, scores: dict[str, dict[str, int]],
           reasons: dict[str, str] | None = None, participant: str = "Ayu") -> list[dict[str, Any]]:
    """The answer rows of one group submission, shaped like WorkshopStore.answer_rows."""
    sid = next(_next_id)
    base = {"submission_id": sid, "activity_id": "disruptive-scoring", "subject": f"g:{group_id}",
            "group_id": group_id, "group": f"Kelompok {group_id}", "participant_id": f"p{sid}",
            "participant": participant, "created_at": f"2025-01-01T00:00:{sid:02d}+00:00"}
    rows = [{**base, "item_id": item, "field": dim, "value_num": float(v), "value_text": None}
            for item, dims in scores.items() for dim, v in dims.items()]
    rows += [{**base, "item_id": item, "field": "reason", "value_num": None, "value_text": text}
             for item, text in (reasons or {}).items()]
    return rows


@pytest.fixture
def frame() -> pd.DataFrame:
    rows = (
        answer(1, {"mobility": {"now": 1, "target": 4}, "environment": {"now": 2, "target": 3}},
               {"mobility": "Macet di Pamulang", "environment": "  "})
        + answer(2, {"mobility": {"now": 2, "target": 5}, "environment": {"now": 4, "target": 4}},
                 {"environment": "<b>Sampah</b>"})
        + answer(3, {"mobility": {"now": 3, "target": 3}})
    )
    return answers_frame(rows)


def test_answers_frame_columns_and_types(frame: pd.DataFrame) -> None:
    assert tuple(frame.columns) == ANSWER_COLUMNS
    assert len(frame) == 4 + 2 + 4 + 1 + 2
    assert frame["value_num"].dtype == "float64"
    assert frame["group_id"].dtype == "int64"
    assert frame.loc[frame["field"] == "reason", "value_num"].isna().all()


def test_answers_frame_empty() -> None:
    empty = answers_frame([])
    assert tuple(empty.columns) == ANSWER_COLUMNS
    assert empty.empty


def test_summarize_scale_matches_hand_computation(frame: pd.DataFrame) -> None:
    out = summarize_scale(frame).set_index(["item_id", "field"])
    mob_now = [1, 2, 3]
    row = out.loc[("mobility", "now")]
    assert row["mean"] == pytest.approx(statistics.mean(mob_now))
    assert row["median"] == pytest.approx(statistics.median(mob_now))
    assert row["std"] == pytest.approx(statistics.stdev(mob_now))  # ddof=1
    assert (row["min"], row["max"], row["count"]) == (1, 3, 3)
    env_target = out.loc[("environment", "target")]
    assert env_target["mean"] == pytest.approx(3.5)
    assert env_target["std"] == pytest.approx(statistics.stdev([3, 4]))
    assert env_target["count"] == 2
    assert "reason" not in out.index.get_level_values("field")
    assert len(out) == 4  # 2 items x 2 dimensions


def test_summarize_scale_matches_plain_pandas(frame: pd.DataFrame) -> None:
    scores = frame[frame["field"] != "reason"]
    expected = scores.groupby(["item_id", "field"])["value_num"].agg(
        lambda s: s.sum() / len(s)).rename("mean").reset_index()
    got = summarize_scale(frame)[["item_id", "field", "mean"]]
    pd.testing.assert_frame_equal(got.reset_index(drop=True), expected, check_dtype=False)


def test_summarize_scale_per_group(frame: pd.DataFrame) -> None:
    out = summarize_scale(frame, by=("group", "item_id", "field"))
    assert list(out.columns[:3]) == ["group", "item_id", "field"]
    one = out[(out["group"] == "Kelompok 2") & (out["item_id"] == "mobility")
              & (out["field"] == "target")].iloc[0]
    assert one["mean"] == 5 and one["count"] == 1
    assert math.isnan(one["std"])  # a single answer has no spread


def test_summarize_scale_one_answer_and_empty() -> None:
    one = summarize_scale(answers_frame(answer(1, {"mobility": {"now": 4}})))
    assert len(one) == 1
    assert one.iloc[0]["mean"] == 4 and one.iloc[0]["count"] == 1
    assert math.isnan(one.iloc[0]["std"])
    empty = summarize_scale(answers_frame([]))
    assert empty.empty
    assert list(empty.columns) == ["item_id", "field", "mean", "median", "std", "min", "max",
                                   "count"]


def test_summarize_scale_rejects_unknown_by(frame: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="participant"):
        summarize_scale(frame, by=("participant",))


def test_scale_gaps_room(frame: pd.DataFrame) -> None:
    gaps = scale_gaps(frame)
    assert gaps["item_id"].tolist() == ["mobility", "environment"]  # largest gap first
    mob = gaps.iloc[0]
    assert mob["now"] == pytest.approx((1 + 2 + 3) / 3)
    assert mob["target"] == pytest.approx((4 + 5 + 3) / 3)
    assert mob["gap"] == pytest.approx(4 - 2)
    assert (mob["count_now"], mob["count_target"]) == (3, 3)
    env = gaps.iloc[1]
    assert env["gap"] == pytest.approx((3 + 4) / 2 - (2 + 4) / 2)


def test_scale_gaps_by_group_and_custom_dimensions(frame: pd.DataFrame) -> None:
    renamed = frame.replace({"field": {"now": "sekarang", "target": "tujuan"}})
    gaps = scale_gaps(renamed, now="sekarang", target="tujuan", by_group=True)
    assert gaps[["group_id", "item_id"]].values.tolist() == [
        [1, "mobility"], [1, "environment"], [2, "mobility"], [2, "environment"], [3, "mobility"]]
    assert gaps["gap"].tolist() == pytest.approx([3, 1, 3, 0, 0])
    assert scale_gaps(renamed).empty  # the default ids are not in this frame


def test_scale_gaps_missing_dimension_is_nan_and_last() -> None:
    rows = (answer(1, {"mobility": {"now": 2, "target": 3}, "environment": {"now": 1}})
            + answer(2, {"city_identity": {"target": 5}}))
    gaps = scale_gaps(answers_frame(rows))
    assert gaps["item_id"].tolist()[0] == "mobility"
    assert gaps.set_index("item_id")["gap"].isna().to_dict() == {
        "mobility": False, "environment": True, "city_identity": True}
    ident = gaps.set_index("item_id").loc["city_identity"]
    assert math.isnan(ident["now"]) and ident["target"] == 5 and ident["count_now"] == 0


def test_scale_gaps_ties_by_item_despite_float_noise() -> None:
    # 4.2 - 2.0 and 4.4 - 2.2 differ in binary floating point; they must still tie.
    rows = []
    for g, (a, b) in enumerate([((2, 4), (2, 4)), ((2, 4), (3, 5)), ((2, 5), (2, 4)),
                                ((2, 4), (2, 5)), ((2, 4), (2, 4))], start=1):
        rows += answer(g, {"b_item": {"now": a[0], "target": a[1]},
                           "a_item": {"now": b[0], "target": b[1]}})
    gaps = scale_gaps(answers_frame(rows))
    assert gaps["gap"].tolist() == pytest.approx([2.2, 2.2])
    assert gaps["item_id"].tolist() == ["a_item", "b_item"]


def test_group_item_matrix(frame: pd.DataFrame) -> None:
    m = group_item_matrix(frame, "now", items=["mobility", "environment", "city_identity"])
    assert m.index.tolist() == ["Kelompok 1", "Kelompok 2", "Kelompok 3"]
    assert m.columns.tolist() == ["mobility", "environment", "city_identity"]
    assert m.loc["Kelompok 2", "environment"] == 4
    assert math.isnan(m.loc["Kelompok 3", "environment"])
    assert m["city_identity"].isna().all()
    expected = frame[frame["field"] == "now"].pivot_table(
        index="group", columns="item_id", values="value_num", aggfunc="mean")
    pd.testing.assert_frame_equal(m[["environment", "mobility"]], expected,
                                  check_names=False, check_dtype=False)


def test_group_item_matrix_orders_groups_by_id_not_name() -> None:
    rows = answer(10, {"mobility": {"now": 5}}) + answer(2, {"mobility": {"now": 1}})
    m = group_item_matrix(answers_frame(rows))
    assert m.index.tolist() == ["Kelompok 2", "Kelompok 10"]


def test_group_item_matrix_mean_for_participant_scope() -> None:
    rows = answer(1, {"mobility": {"now": 2}}) + answer(1, {"mobility": {"now": 5}})
    assert group_item_matrix(answers_frame(rows)).loc["Kelompok 1", "mobility"] == 3.5


def test_group_item_matrix_empty() -> None:
    m = group_item_matrix(answers_frame([]), items=["mobility"])
    assert m.empty and m.columns.tolist() == ["mobility"]


def test_scale_reasons(frame: pd.DataFrame) -> None:
    reasons = scale_reasons(frame)
    assert list(reasons.columns) == ["item_id", "group_id", "group", "text"]
    assert reasons[["item_id", "group", "text"]].values.tolist() == [
        ["environment", "Kelompok 2", "<b>Sampah</b>"],  # blank reason of group 1 dropped
        ["mobility", "Kelompok 1", "Macet di Pamulang"],
    ]
    assert "participant" not in reasons.columns
    assert scale_reasons(answers_frame([])).empty


def test_analysis_imports_no_plotly_or_widgets() -> None:
    code = ("import sys, cityworkshop.analysis; "
            "print(sorted(m for m in ('plotly', 'ipywidgets', 'IPython') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
