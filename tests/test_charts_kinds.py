"""Tests of the charts of text, matrix, points, plan, peer and one-dimension scale answers:
the numbers drawn are the analysis numbers, labels come from the activity in both languages,
participant text is escaped everywhere, no data says so, demo data says so."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import pytest
from test_analysis_kinds import EVIL, _step, rows_of  # tests/ is on sys.path (no package)

from cityworkshop.analysis import (
    answers_frame,
    matrix_votes,
    plan_steps,
    summarize_matrix,
    summarize_peer,
    summarize_points,
    summarize_scale,
    word_frequencies,
)
from cityworkshop.charts import (
    matrix_chart,
    peer_chart,
    points_chart,
    roadmap_chart,
    scale_bars_chart,
    word_chart,
)
from cityworkshop.content import Item, Text, load_pack
from cityworkshop.i18n import t

PACK = load_pack()
ACT = PACK.program.activity


def _json(fig: go.Figure) -> str:
    return json.dumps(fig.to_dict())


def _fonts(obj: Any) -> list[float]:
    """Every font size set anywhere in a figure dict."""
    found = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k in ("font", "textfont", "tickfont", "insidetextfont", "outsidetextfont") \
                    and isinstance(v, dict) and "size" in v:
                found.append(v["size"])
            found += _fonts(v)
    elif isinstance(obj, list):
        for v in obj:
            found += _fonts(v)
    return found


# -- inputs -----------------------------------------------------------------------------------

def words() -> pd.DataFrame:
    return word_frequencies(["kota hijau kota", f"warga {EVIL}"])


def matrix_frame() -> pd.DataFrame:
    return answers_frame(
        rows_of("g:1", 1, [("visual_identity", "x", 5), ("visual_identity", "y", 4),
                           ("city_story", "x", 2), ("city_story", "y", 1)])
        + rows_of("g:2", 2, [("visual_identity", "x", 3), ("visual_identity", "y", 2)]))


IDEAS = (Item(id="g:1#e00", label=Text(id=EVIL, en=EVIL), help=Text(id="Kelompok 1",
                                                                   en="Kelompok 1")),
         Item(id="g:2#e00", label=Text(id="Bus kota", en="City bus"),
              help=Text(id="<i>Kelompok 2</i>", en="<i>Group 2</i>")),
         Item(id="g:2#e01", label=Text(id="Bus kota", en="City bus"),
              help=Text(id="<i>Kelompok 2</i>", en="<i>Group 2</i>")))


def points_summary() -> pd.DataFrame:
    rows = (rows_of("p:1", 1, [("g:1#e00", "points", 3), ("g:2#e00", "points", 2)])
            + rows_of("p:2", 2, [("g:2#e00", "points", 2)]))
    return summarize_points(answers_frame(rows), IDEAS)


def steps() -> pd.DataFrame:
    rows = (rows_of("g:1", 1, _step("s00", "goals", EVIL, "setda", "2027-01", "2027-03",
                                    "<b>KPI</b>")
                    + _step("s01", "audit", "Audit", "diskominfo", "2027-04", "2027-04", "L")))
    return plan_steps(answers_frame(rows))


def peer_summary() -> pd.DataFrame:
    rows = (rows_of("g:1>g:2", 1, [("clarity", "score", 4), ("evidence", "score", 2)], about=2)
            + rows_of("g:3>g:2", 3, [("clarity", "score", 5)], about=2)
            + rows_of("g:2>g:1", 2, [("clarity", "score", 3)], about=1))
    frame = answers_frame(rows)
    frame.loc[frame["about_group_id"] == 1, "about_group"] = EVIL
    return summarize_peer(frame)


def satisfaction_summary() -> pd.DataFrame:
    rows = (rows_of("p:1", 1, [("overall", "score", 5), ("presentations", "score", 3)])
            + rows_of("p:2", 2, [("overall", "score", 4)]))
    return summarize_scale(answers_frame(rows))


BUILD = {
    "word": lambda lang, demo: word_chart(words(), lang, demo=demo),
    "matrix": lambda lang, demo: matrix_chart(matrix_votes(matrix_frame()),
                                              summarize_matrix(matrix_frame()),
                                              ACT("branding-initiatives"), lang, demo=demo),
    "points": lambda lang, demo: points_chart(points_summary(), IDEAS, lang, demo=demo),
    "roadmap": lambda lang, demo: roadmap_chart(steps(), ACT("branding-plan"), PACK.city.opds,
                                                lang, demo=demo),
    "peer": lambda lang, demo: peer_chart(peer_summary(), ACT("presentation-rating"), lang,
                                          demo=demo),
    "scale_bars": lambda lang, demo: scale_bars_chart(satisfaction_summary(),
                                                      ACT("satisfaction"), lang, demo=demo),
}

EMPTY = {
    "word": lambda lang: word_chart(word_frequencies([]), lang),
    "matrix": lambda lang: matrix_chart(matrix_votes([]), summarize_matrix([]),
                                        ACT("branding-initiatives"), lang),
    "points": lambda lang: points_chart(summarize_points([], IDEAS), IDEAS, lang),
    "roadmap": lambda lang: roadmap_chart(plan_steps([]), ACT("branding-plan"), PACK.city.opds,
                                          lang),
    "peer": lambda lang: peer_chart(summarize_peer([]), ACT("presentation-rating"), lang),
    "scale_bars": lambda lang: scale_bars_chart(summarize_scale(answers_frame([])),
                                                ACT("satisfaction"), lang),
}


# -- every chart ------------------------------------------------------------------------------

@pytest.mark.parametrize("chart", BUILD)
@pytest.mark.parametrize("lang", ["id", "en"])
def test_no_unescaped_markup_anywhere(chart: str, lang: str) -> None:
    text = _json(BUILD[chart](lang, False))
    assert "<script" not in text and "<i>" not in text and "<b>KPI" not in text


@pytest.mark.parametrize("chart", BUILD)
def test_readable_on_a_projector(chart: str) -> None:
    fonts = _fonts(BUILD[chart]("id", True).to_dict())
    assert fonts and min(fonts) >= 14


@pytest.mark.parametrize("chart", BUILD)
def test_demo_banner(chart: str) -> None:
    banner = t("demo.banner", "id")
    assert BUILD[chart]("id", True).to_dict()["layout"]["title"]["subtitle"]["text"] == banner
    assert banner not in _json(BUILD[chart]("id", False))


@pytest.mark.parametrize("chart", EMPTY)
@pytest.mark.parametrize("lang", ["id", "en"])
def test_empty_data_says_so(chart: str, lang: str) -> None:
    d = EMPTY[chart](lang).to_dict()
    assert d["data"] == []
    assert d["layout"]["annotations"][0]["text"] == t("chart.empty", lang)


# -- each chart draws the analysis numbers ----------------------------------------------------

def test_word_chart_bars_equal_frequencies() -> None:
    freqs = words()
    bar = word_chart(freqs, "en").to_dict()["data"][0]
    assert list(bar["x"]) == freqs["count"].tolist()
    assert list(bar["y"])[0] == "kota"
    assert "&lt;script&gt;" not in "".join(bar["y"])  # tags are words, not markup: "script"
    assert t("chart.word_count", "en") in _json(word_chart(freqs, "en"))


def test_matrix_chart_points_axes_and_quadrants() -> None:
    activity = ACT("branding-initiatives")
    summary = summarize_matrix(matrix_frame())
    for lang in ("id", "en"):
        fig = matrix_chart(matrix_votes(matrix_frame()), summary, activity, lang).to_dict()
        averages = [tr for tr in fig["data"] if tr.get("mode") == "markers+text"]
        placements = [tr for tr in fig["data"] if tr.get("mode") == "markers"]
        got = {tr["text"][0]: (tr["x"][0], tr["y"][0]) for tr in averages}
        assert got == {"1": (4.0, 3.0), "2": (2.0, 1.0)}  # numbered in the activity's order
        assert sum(len(tr["x"]) for tr in placements) == 3
        # Two placements never hide each other: jitter stays within the cell.
        xs = [x for tr in placements for x in tr["x"]]
        assert all(abs(x - round(x)) < 0.3 for x in xs)
        assert activity.items[0].label.get(lang) in averages[0]["name"].replace("<br>", " ")
        quads = [a["text"].replace("<br>", " ") for a in fig["layout"]["annotations"]]
        assert quads == [q.get(lang) for q in activity.quadrants]
        xt = fig["layout"]["xaxis"]["title"]["text"]
        assert activity.x_axis.label.get(lang) in xt and activity.x_axis.high.get(lang) in xt
        assert activity.y_axis.low.get(lang) in fig["layout"]["yaxis"]["title"]["text"]


def test_points_chart_ranked_with_group_prefix_and_full_hover() -> None:
    summary = points_summary()
    bar = points_chart(summary, IDEAS, "en").to_dict()["data"][0]
    assert list(bar["x"]) == summary["points"].tolist() == [4, 3, 0]
    labels = [y.replace("<br>", " ") for y in bar["y"]]
    assert labels[0].startswith("&lt;i&gt;Group 2&lt;/i&gt;: City bus")
    assert labels[1].startswith("Kelompok 1: &lt;script&gt;")
    assert len(set(bar["y"])) == 3  # two identical ideas stay two bars
    assert [c[1] for c in bar["customdata"]] == summary["voters"].tolist()


def test_roadmap_chart_bars_from_start_to_end_of_month() -> None:
    activity = ACT("branding-plan")
    fig = roadmap_chart(steps(), activity, PACK.city.opds, "en").to_dict()
    bar = fig["data"][0]
    assert list(bar["base"]) == ["2027-01-01", "2027-04-01"]
    day = 24 * 3600 * 1000
    assert list(bar["x"]) == [90 * day, 30 * day]  # Jan-Mar 2027, April 2027
    ticks = fig["layout"]["yaxis"]["ticktext"]  # a heading row for the group, then its steps
    assert ticks[0] == "<b>Kelompok 1</b>" and len(ticks) == 3 and len(bar["y"]) == 2
    hover = bar["customdata"][0]
    setda = next(o for o in PACK.city.opds if o.id == "setda")
    assert setda.name.get("en") in hover and "&lt;b&gt;KPI&lt;/b&gt;" in hover
    legend = [tr["name"] for tr in fig["data"][1:]]
    assert legend == [activity.items[0].label.get("en"), activity.items[1].label.get("en")]
    assert fig["layout"]["xaxis"]["range"] == ["2027-01-01", "2030-01-01"]
    # Owners given as plain ids (WorkshopStore.owners()) still work.
    assert "setda" in _json(roadmap_chart(steps(), activity, ("setda", "diskominfo"), "id"))


def test_peer_chart_one_bar_trace_per_rubric_item() -> None:
    activity = ACT("presentation-rating")
    summary = peer_summary()
    fig = peer_chart(summary, activity, "id").to_dict()
    names = [tr["name"] for tr in fig["data"]]
    assert names == [activity.item("clarity").label.get("id"),
                     activity.item("evidence").label.get("id")]
    clarity = fig["data"][0]
    assert list(clarity["x"]) == ["&lt;script&gt;alert('x')&lt;/script&gt; &amp; "
                                  "&lt;b&gt;bold&lt;/b&gt;", "Kelompok 2"]
    assert list(clarity["y"]) == [3.0, 4.5]
    assert list(fig["data"][1]["y"]) == [None, 2.0]
    assert list(clarity["customdata"]) == [1, 2]


def test_scale_bars_chart_in_item_order_with_counts() -> None:
    activity = ACT("satisfaction")
    fig = scale_bars_chart(satisfaction_summary(), activity, "en").to_dict()
    bar = fig["data"][0]
    assert [y.replace("<br>", " ") for y in bar["y"]] == [
        activity.item("presentations").label.get("en"), activity.item("overall").label.get("en")]
    assert list(bar["x"]) == [3.0, 4.5]
    assert list(bar["customdata"]) == [1, 2]
    assert bar["text"][1].startswith("4.5") and "n=2" in bar["text"][1]
    assert activity.title.get("en") in fig["layout"]["title"]["text"]
    assert "Very satisfied" in " ".join(fig["layout"]["xaxis"]["ticktext"])


def test_charts_do_not_change_their_input() -> None:
    summary, before = points_summary(), points_summary()
    points_chart(summary, IDEAS, "id")
    pd.testing.assert_frame_equal(summary, before)
    plan, plan_before = steps(), steps()
    roadmap_chart(plan, ACT("branding-plan"), PACK.city.opds, "id")
    pd.testing.assert_frame_equal(plan, plan_before)
