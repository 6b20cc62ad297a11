"""Tests of cityworkshop.charts: the numbers drawn are the analysis numbers; text is escaped."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from test_analysis import answer  # tests/ is on sys.path (no package)

from cityworkshop.analysis import (
    answers_frame,
    group_item_matrix,
    scale_gaps,
    scale_reasons,
    summarize_scale,
)
from cityworkshop.charts import gap_chart, heatmap_chart, radar_chart
from cityworkshop.content import Activity, load_pack
from cityworkshop.i18n import t

EVIL = "<script>alert('x')</script>"


@pytest.fixture(scope="module")
def activity() -> Activity:
    return load_pack().program.activity("disruptive-scoring")


@pytest.fixture
def frame() -> pd.DataFrame:
    rows = (
        answer(1, {"mobility": {"now": 1, "target": 4}, "environment": {"now": 2, "target": 3}},
               {"mobility": EVIL})
        + answer(2, {"mobility": {"now": 2, "target": 5}, "environment": {"now": 4, "target": 4}})
        + answer(3, {"mobility": {"now": 3, "target": 3}, "data_driven": {"now": 2}})
    )
    return answers_frame(rows)


def _unwrap(label: str) -> str:
    return label.replace("<br>", " ")


def _all_text(fig_dict: dict) -> str:
    return repr(fig_dict)


def test_radar_traces_equal_summary_means(frame: pd.DataFrame, activity: Activity) -> None:
    summary = summarize_scale(frame)
    fig = radar_chart(summary, activity, "en").to_dict()
    traces = fig["data"]
    assert [tr["name"] for tr in traces] == ["Now", "Target 2029"]
    order = [it.id for it in activity.items]
    labels = {it.id: it.label.en for it in activity.items}
    for trace, dim in zip(traces, ("now", "target"), strict=True):
        assert trace["type"] == "scatterpolar"
        assert trace["r"][0] == trace["r"][-1] and trace["theta"][0] == trace["theta"][-1]
        assert len(trace["r"]) == len(order) + 1  # closed polygon
        expected = summary[summary["field"] == dim].set_index("item_id")["mean"]
        for item, r, theta in zip(order, trace["r"], trace["theta"], strict=False):
            assert _unwrap(theta) == labels[item]
            if item in expected.index:
                assert r == pytest.approx(expected[item])
            else:
                assert r is None
    assert list(fig["layout"]["polar"]["radialaxis"]["range"]) == [1, 5]
    assert fig["layout"]["title"]["text"] == t("chart.radar_title", "en")


def test_radar_labels_in_bahasa_indonesia(frame: pd.DataFrame, activity: Activity) -> None:
    fig = radar_chart(summarize_scale(frame), activity, "id").to_dict()
    assert [tr["name"] for tr in fig["data"]] == ["Sekarang", "Target 2029"]
    assert _unwrap(fig["data"][0]["theta"][0]) == activity.items[0].label.id


def test_heatmap_values_equal_matrix(frame: pd.DataFrame, activity: Activity) -> None:
    items = [it.id for it in activity.items]
    matrix = group_item_matrix(frame, "now", items=items)
    fig = heatmap_chart(matrix, activity, "id", reasons=scale_reasons(frame)).to_dict()
    hm = fig["data"][0]
    assert hm["type"] == "heatmap"
    assert list(hm["y"]) == ["Kelompok 1", "Kelompok 2", "Kelompok 3"]
    assert [_unwrap(x) for x in hm["x"]] == [it.label.id for it in activity.items]
    for i, group in enumerate(matrix.index):
        for j, item in enumerate(items):
            want = matrix.loc[group, item]
            got = hm["z"][i][j]
            if math.isnan(want):
                assert got is None and hm["text"][i][j] == ""
            else:
                assert got == pytest.approx(want)
                assert hm["text"][i][j] == f"{want:.1f}"  # values annotated on the cells
    assert (hm["zmin"], hm["zmax"]) == (1, 5)


def test_heatmap_escapes_reasons_in_hover(frame: pd.DataFrame, activity: Activity) -> None:
    items = [it.id for it in activity.items]
    fig = heatmap_chart(group_item_matrix(frame, items=items), activity, "id",
                        reasons=scale_reasons(frame)).to_dict()
    hm = fig["data"][0]
    cell = hm["customdata"][0][items.index("mobility")]
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in _unwrap(cell)
    assert "<script" not in _all_text(fig)
    assert "%{customdata}" in hm["hovertemplate"]


def test_escapes_group_names(activity: Activity) -> None:
    rows = answer(1, {"mobility": {"now": 3, "target": 4}})
    for r in rows:
        r["group"] = "<img src=x onerror=alert(1)>"
    frame = answers_frame(rows)
    fig = heatmap_chart(group_item_matrix(frame), activity, "id").to_dict()
    assert fig["data"][0]["y"][0] == "&lt;img src=x onerror=alert(1)&gt;"


def test_gap_chart_matches_gaps_largest_on_top(frame: pd.DataFrame, activity: Activity) -> None:
    gaps = scale_gaps(frame)
    fig = gap_chart(gaps, activity, "en").to_dict()
    bar = fig["data"][0]
    assert bar["type"] == "bar" and bar["orientation"] == "h"
    expected = gaps.dropna(subset=["gap"])
    labels = {it.id: it.label.en for it in activity.items}
    assert list(bar["y"]) == [labels[i] for i in expected["item_id"]]
    assert list(bar["x"]) == pytest.approx(expected["gap"].tolist())
    assert bar["x"][0] == max(bar["x"])
    assert fig["layout"]["yaxis"]["autorange"] == "reversed"  # first row drawn on top
    assert bar["y"][0] == "Integrated mobility"


@pytest.mark.parametrize("lang", ["id", "en"])
def test_empty_data_says_so(activity: Activity, lang: str) -> None:
    empty = answers_frame([])
    figs = [
        radar_chart(summarize_scale(empty), activity, lang),
        heatmap_chart(group_item_matrix(empty), activity, lang),
        gap_chart(scale_gaps(empty), activity, lang),
    ]
    for fig in figs:
        d = fig.to_dict()
        assert d["data"] == []
        assert [a["text"] for a in d["layout"]["annotations"]] == [t("chart.empty", lang)]
    assert t("chart.empty", "id").startswith("Belum ada jawaban")


def test_gap_chart_without_target_scores_is_empty(activity: Activity) -> None:
    frame = answers_frame(answer(1, {"mobility": {"now": 2}}))
    d = gap_chart(scale_gaps(frame), activity, "id").to_dict()
    assert d["data"] == [] and d["layout"]["annotations"][0]["text"] == t("chart.empty", "id")


@pytest.mark.parametrize("chart", ["radar", "heatmap", "gap"])
def test_demo_banner(frame: pd.DataFrame, activity: Activity, chart: str) -> None:
    build = {
        "radar": lambda demo: radar_chart(summarize_scale(frame), activity, "id", demo=demo),
        "heatmap": lambda demo: heatmap_chart(group_item_matrix(frame), activity, "id", demo=demo),
        "gap": lambda demo: gap_chart(scale_gaps(frame), activity, "id", demo=demo),
    }[chart]
    banner = t("demo.banner", "id")
    assert build(True).to_dict()["layout"]["title"]["subtitle"]["text"] == banner
    assert banner not in _all_text(build(False).to_dict())


def test_charts_do_not_change_their_input(frame: pd.DataFrame, activity: Activity) -> None:
    summary = summarize_scale(frame)
    before = summary.copy()
    radar_chart(summary, activity, "id")
    pd.testing.assert_frame_equal(summary, before)
