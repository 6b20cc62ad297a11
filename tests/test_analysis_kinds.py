"""Tests of the analysis of text, matrix, points, plan, peer and question answers.

Frames are built the way ``WorkshopStore.answer_rows`` returns them; expected values come from
plain pandas or from hand computation. One test analyses a real temporary workshop.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from cityworkshop.analysis import (
    answers_frame,
    matrix_votes,
    plan_steps,
    questions_frame,
    summarize_matrix,
    summarize_peer,
    summarize_points,
    text_entries,
    word_frequencies,
)
from cityworkshop.store import WorkshopStore

EVIL = "<script>alert('x')</script> & <b>bold</b>"

_sid = iter(range(1, 10_000))


def rows_of(subject: str, group_id: int, fields: list[tuple[str, str, Any]], *,
            activity: str = "act", participant: str = "Budi", about: int | None = None,
            created_at: str = "2026-11-29T02:00:00+00:00") -> list[dict[str, Any]]:
    """The answer rows of one submission: (item_id, field, value) triples."""
    sid = next(_sid)
    out = []
    for item_id, field, value in fields:
        num = float(value) if isinstance(value, int | float) else None
        text = value if isinstance(value, str) else None
        out.append({"submission_id": sid, "activity_id": activity, "subject": subject,
                    "group_id": group_id, "group": f"Kelompok {group_id}",
                    "participant_id": f"pid-{participant}", "participant": participant,
                    "item_id": item_id, "field": field, "value_num": num, "value_text": text,
                    "created_at": created_at, "about_group_id": about,
                    "about_group": f"Kelompok {about}" if about is not None else None})
    return out


# -- text -------------------------------------------------------------------------------------

@pytest.fixture
def text_rows() -> list[dict[str, Any]]:
    return (rows_of("g:2", 2, [("e00", "text", "Taman kota yang hijau"),
                               ("e00", "item", "environment"),
                               ("e01", "text", EVIL)])
            + rows_of("g:1", 1, [("e00", "text", "Bus listrik"), ("e00", "item", "mobility")],
                      about=3))


def test_text_entries_one_row_per_entry(text_rows: list[dict[str, Any]]) -> None:
    out = text_entries(answers_frame(text_rows))
    assert out.columns.tolist() == ["subject", "group_id", "group", "participant", "entry",
                                    "text", "item_id", "about_group", "ref", "created_at"]
    assert out[["subject", "entry", "item_id"]].values.tolist() == [
        ["g:1", "e00", "mobility"], ["g:2", "e00", "environment"], ["g:2", "e01", None]]
    assert out["ref"].tolist() == ["g:1#e00", "g:2#e00", "g:2#e01"]
    assert out["about_group"].tolist() == ["Kelompok 3", None, None]
    # Text is kept verbatim: escaping is the job of whoever shows it.
    assert out.loc[2, "text"] == EVIL


def test_text_entries_accepts_store_rows_and_empty(text_rows: list[dict[str, Any]]) -> None:
    pd.testing.assert_frame_equal(text_entries(text_rows), text_entries(answers_frame(text_rows)))
    empty = text_entries(answers_frame([]))
    assert empty.empty and "ref" in empty.columns
    assert text_entries([]).empty


def test_word_frequencies_against_plain_counting() -> None:
    texts = ["Kota yang hijau dan ramah untuk warga.", "Warga kota: di kota, dengan data!",
             None, "Data-data 2029 kota"]
    out = word_frequencies(texts)
    assert out.columns.tolist() == ["word", "count"]
    expected = {"kota": 4, "warga": 2, "data": 1, "data-data": 1, "hijau": 1, "ramah": 1}
    assert dict(zip(out["word"], out["count"], strict=True)) == expected
    assert out["word"].tolist()[:2] == ["kota", "warga"]
    assert out["count"].is_monotonic_decreasing
    assert str(out["count"].dtype) == "int64"


@pytest.mark.parametrize("word", ["yang", "dan", "di", "untuk", "dengan", "the", "and", "of",
                                  "is", "to"])
def test_word_frequencies_drops_stopwords(word: str) -> None:
    out = word_frequencies([f"{word} kota {word.upper()} branding"])
    assert word not in out["word"].tolist()
    assert set(out["word"]) == {"kota", "branding"}


def test_word_frequencies_top_extra_stopwords_numbers_and_html() -> None:
    out = word_frequencies(["a b c 12 3.5 tangsel Tangsel alpha beta beta gamma gamma gamma"],
                           top=2, extra_stopwords=["TANGSEL"])
    assert out.values.tolist() == [["gamma", 3], ["beta", 2]]
    evil = word_frequencies([EVIL])
    assert "script" in evil["word"].tolist()  # markup is just text, counted as words
    assert all("<" not in w for w in evil["word"])


def test_word_frequencies_empty() -> None:
    for texts in ([], [None, "", "  ", "yang dan di 2029"]):
        out = word_frequencies(texts)
        assert out.empty and out.columns.tolist() == ["word", "count"]


# -- matrix -----------------------------------------------------------------------------------

@pytest.fixture
def matrix_rows() -> list[dict[str, Any]]:
    return (rows_of("g:1", 1, [("a", "x", 1), ("a", "y", 5), ("b", "x", 4), ("b", "y", 4)])
            + rows_of("g:2", 2, [("a", "x", 3), ("a", "y", 2)])
            + rows_of("g:3", 3, [("a", "x", 5), ("a", "y", 2), ("c", "x", 2)]))  # c: no y


def test_matrix_votes(matrix_rows: list[dict[str, Any]]) -> None:
    votes = matrix_votes(answers_frame(matrix_rows))
    assert votes.columns.tolist() == ["subject", "group", "item_id", "x", "y"]
    assert votes[["subject", "item_id", "x", "y"]].values.tolist() == [
        ["g:1", "a", 1.0, 5.0], ["g:1", "b", 4.0, 4.0], ["g:2", "a", 3.0, 2.0],
        ["g:3", "a", 5.0, 2.0]]


def test_summarize_matrix_matches_plain_pandas(matrix_rows: list[dict[str, Any]]) -> None:
    frame = answers_frame(matrix_rows)
    out = summarize_matrix(frame)
    assert out.columns.tolist() == ["item_id", "x_mean", "y_mean", "count"]
    votes = pd.DataFrame([("a", 1, 5), ("b", 4, 4), ("a", 3, 2), ("a", 5, 2)],
                         columns=["item_id", "x", "y"])
    expected = votes.groupby("item_id").agg(x_mean=("x", "mean"), y_mean=("y", "mean"),
                                            count=("x", "size")).reset_index()
    pd.testing.assert_frame_equal(out, expected, check_dtype=False)
    assert out.loc[0, "x_mean"] == pytest.approx(3.0) and out.loc[0, "y_mean"] == pytest.approx(3.0)


def test_matrix_empty() -> None:
    assert matrix_votes(answers_frame([])).empty
    out = summarize_matrix([])
    assert out.empty and out.columns.tolist() == ["item_id", "x_mean", "y_mean", "count"]


# -- points -----------------------------------------------------------------------------------

@pytest.fixture
def points_rows() -> list[dict[str, Any]]:
    return (rows_of("p:1", 1, [("g:1#e00", "points", 3), ("g:2#e00", "points", 2)])
            + rows_of("p:2", 1, [("g:2#e00", "points", 3), ("g:2#e01", "points", 2)])
            + rows_of("p:3", 2, [("g:1#e00", "points", 1), ("gone#e09", "points", 1)]))


def test_summarize_points_hand_computed(points_rows: list[dict[str, Any]]) -> None:
    out = summarize_points(answers_frame(points_rows))
    assert out.columns.tolist() == ["item_id", "points", "voters"]
    assert out.values.tolist() == [["g:2#e00", 5, 2], ["g:1#e00", 4, 2], ["g:2#e01", 2, 1],
                                   ["gone#e09", 1, 1]]
    frame = answers_frame(points_rows)
    plain = frame.groupby("item_id")["value_num"].sum().sort_values(ascending=False)
    assert out.set_index("item_id")["points"].to_dict() == plain.astype(int).to_dict()


def test_summarize_points_includes_zero_items_in_item_order(
        points_rows: list[dict[str, Any]]) -> None:
    from cityworkshop.content import Item, Text

    items = [Item(id=i, label=Text(id=i, en=i)) for i in ("z#e00", "g:1#e00", "g:2#e00")]
    out = summarize_points(points_rows, items=[*items, "g:2#e01", "a#e00"])
    assert out["item_id"].tolist() == ["g:2#e00", "g:1#e00", "g:2#e01", "gone#e09", "z#e00",
                                       "a#e00"]
    assert out["points"].tolist() == [5, 4, 2, 1, 0, 0]
    assert out["voters"].tolist() == [2, 2, 1, 1, 0, 0]
    assert summarize_points([], items=["a", "b"]).values.tolist() == [["a", 0, 0], ["b", 0, 0]]
    assert summarize_points([]).empty


# -- plan -------------------------------------------------------------------------------------

def _step(key: str, phase: str, what: str, owner: str, start: str, end: str, kpi: str):
    return [(key, "phase", phase), (key, "what", what), (key, "owner", owner),
            (key, "start", start), (key, "end", end), (key, "kpi", kpi)]


def test_plan_steps() -> None:
    rows = (rows_of("g:2", 2, _step("s00", "goals", EVIL, "setda", "2027-01", "2027-03", "KPI 1"))
            + rows_of("g:1", 1, _step("s01", "audit", "Audit", "diskominfo", "2027-04",
                                      "2027-06", "Laporan")
                      + _step("s00", "goals", "Visi", "setda", "2027-01", "2027-02", "Dok")))
    out = plan_steps(answers_frame(rows))
    assert out.columns.tolist() == ["subject", "group", "entry", "phase", "what", "owner",
                                    "start", "end", "kpi"]
    assert out[["subject", "entry", "phase", "owner", "start", "end"]].values.tolist() == [
        ["g:1", "s00", "goals", "setda", "2027-01", "2027-02"],
        ["g:1", "s01", "audit", "diskominfo", "2027-04", "2027-06"],
        ["g:2", "s00", "goals", "setda", "2027-01", "2027-03"]]
    assert out.loc[2, "what"] == EVIL
    assert plan_steps([]).empty and plan_steps([]).columns.tolist() == out.columns.tolist()


# -- peer -------------------------------------------------------------------------------------

def test_summarize_peer_matches_plain_pandas() -> None:
    rows = (rows_of("g:1>g:2", 1, [("clarity", "score", 4), ("evidence", "score", 2)], about=2)
            + rows_of("g:3>g:2", 3, [("clarity", "score", 5), ("evidence", "score", 3)], about=2)
            + rows_of("g:2>g:1", 2, [("clarity", "score", 1)], about=1)
            + rows_of("g:2>g:1", 2, [("clarity", "reason", "bagus")], about=1))
    frame = answers_frame(rows)
    out = summarize_peer(frame)
    scores = frame[frame["field"] == "score"]
    expected = (scores.groupby(["about_group_id", "about_group", "item_id"])["value_num"]
                .agg(["mean", "count"]).reset_index())
    pd.testing.assert_frame_equal(out, expected, check_dtype=False)
    assert out.values.tolist() == [[1, "Kelompok 1", "clarity", 1.0, 1],
                                   [2, "Kelompok 2", "clarity", 4.5, 2],
                                   [2, "Kelompok 2", "evidence", 2.5, 2]]
    assert summarize_peer([]).empty


# -- questions --------------------------------------------------------------------------------

def test_questions_frame() -> None:
    rows = [
        {"question_id": 2, "text": EVIL, "group_id": 1, "group": "Kelompok 1",
         "participant_id": "a", "participant": "Siti", "votes": 1, "created_at": "t2",
         "answered_at": None},
        {"question_id": 1, "text": "Bagaimana memulai?", "group_id": 2, "group": "Kelompok 2",
         "participant_id": "b", "participant": None, "votes": 3, "created_at": "t1",
         "answered_at": "t9"},
        {"question_id": 3, "text": "Q3", "group_id": 2, "group": "Kelompok 2",
         "participant_id": "c", "participant": None, "votes": 1, "created_at": "t3",
         "answered_at": None},
    ]
    out = questions_frame(rows)
    assert out["question_id"].tolist() == [1, 2, 3]
    assert out["votes"].tolist() == [3, 1, 1]
    assert out["answered"].tolist() == [True, False, False]
    assert out.loc[1, "text"] == EVIL
    empty = questions_frame([])
    assert empty.empty and {"question_id", "text", "votes", "answered"} <= set(empty.columns)


# -- a real workshop --------------------------------------------------------------------------

def test_every_kind_through_a_real_store(tmp_path: Path) -> None:
    with WorkshopStore.create(tmp_path / "w.db", groups=3, seed=1) as store:
        g1, g2, g3 = store.list_groups()
        a = store.join(g1.code, "Ani")
        b = store.join(g2.code, "Budi")
        c = store.join(g3.code, "Citra")
        # one activity is open at a time: answer them all without opening each (the day's order
        # is not what this test is about)
        submit, ask = store.submit, store.ask
        store.submit = lambda *a, **k: submit(*a, require_open=False, **k)  # type: ignore
        store.ask = lambda *a, **k: ask(*a, require_open=False, **k)  # type: ignore
        vote = store.vote
        store.vote = lambda *a, **k: vote(*a, require_open=False, **k)  # type: ignore
        crit = store.activity("liveable-ideas").items[0].id
        store.submit("liveable-ideas", a.id, {"entries": [
            {"text": "Taman kota untuk warga", "item": crit}, {"text": EVIL, "item": crit}]})
        store.submit("liveable-ideas", b.id, {"entries": [{"text": "Bus kota", "item": crit}]})
        entries = text_entries(store.answer_rows("liveable-ideas"))
        assert entries["text"].tolist() == ["Taman kota untuk warga", EVIL, "Bus kota"]
        assert entries["ref"].tolist() == [f"g:{g1.id}#e00", f"g:{g1.id}#e01", f"g:{g2.id}#e00"]
        words = word_frequencies(entries["text"])
        assert words.iloc[0].tolist() == ["kota", 2]

        ideas = store.items_of("idea-votes")
        ids = [it.id for it in ideas]
        store.submit("idea-votes", a.id, {"points": {ids[2]: 3, ids[0]: 2}})
        store.submit("idea-votes", c.id, {"points": {ids[2]: 1}})
        points = summarize_points(store.answer_rows("idea-votes"), items=ideas)
        assert points.values.tolist() == [[ids[2], 4, 2], [ids[0], 2, 1], [ids[1], 0, 0]]

        store.submit("presentation-rating", a.id, {"about": g2.id, "scores": {
            "clarity": {"score": 4}, "evidence": {"score": 3}}})
        store.submit("presentation-rating", c.id, {"about": g2.id, "scores": {
            "clarity": {"score": 2}}})
        peer = summarize_peer(store.answer_rows("presentation-rating"))
        assert peer[["about_group", "item_id", "mean", "count"]].values.tolist() == [
            [g2.name, "clarity", 3.0, 2], [g2.name, "evidence", 3.0, 1]]

        store.submit("presentation-feedback", c.id, {"about": g1.id, "entries": [
            {"text": "Jelas", "item": "strength"}]})
        fb = text_entries(store.answer_rows("presentation-feedback"))
        assert fb[["about_group", "item_id", "text"]].values.tolist() == [
            [g1.name, "strength", "Jelas"]]

        store.submit("branding-initiatives", a.id, {"positions": {
            "visual_identity": {"x": 5, "y": 4}, "city_story": {"x": 2, "y": 1}}})
        store.submit("branding-initiatives", b.id, {"positions": {
            "visual_identity": {"x": 3, "y": 2}}})
        summary = summarize_matrix(store.answer_rows("branding-initiatives"))
        assert summary.values.tolist() == [["city_story", 2.0, 1.0, 1],
                                           ["visual_identity", 4.0, 3.0, 2]]
        assert len(matrix_votes(store.answer_rows("branding-initiatives"))) == 3

        owner = store.owners()[0]
        step = {"phase": "goals", "what": "Forum visi", "owner": owner, "start": "2027-01",
                "end": "2027-03", "kpi": "Dokumen visi"}
        store.submit("branding-plan", b.id, {"steps": [step, {**step, "phase": "audit"}]})
        steps = plan_steps(store.answer_rows("branding-plan"))
        assert steps[["group", "entry", "phase", "owner"]].values.tolist() == [
            [g2.name, "s00", "goals", owner], [g2.name, "s01", "audit", owner]]

        q1 = store.ask("leader-questions", a.id, "Bagaimana memulai?")
        q2 = store.ask("leader-questions", b.id, EVIL)
        store.vote(q2, a.id)
        store.vote(q2, c.id)
        store.vote(q1, b.id)
        store.mark_answered(q1)
        qs = questions_frame(store.question_rows("leader-questions"))
        assert qs[["question_id", "votes", "answered"]].values.tolist() == [
            [q2, 2, False], [q1, 1, True]]
        assert qs.loc[0, "text"] == EVIL

        # A participant's edit: only the current answer is analysed.
        store.submit("branding-definition", a.id, {"entries": [{"text": "Draf"}]})
        store.submit("branding-definition", a.id, {"entries": [{"text": "Janji kota"}]})
        assert text_entries(store.answer_rows("branding-definition"))["text"].tolist() == [
            "Janji kota"]


def test_import_stays_free_of_pandas_plotly_and_widgets() -> None:
    code = ("import sys, cityworkshop.analysis; "
            "print(sorted(m for m in ('pandas', 'plotly', 'ipywidgets', 'IPython') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
