"""Tests of cityworkshop.demo: the demo workshop has 40 made-up participants in 5 groups, is
marked as demo, every group has answered the scoring activity, and it is reproducible by seed.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from cityworkshop.demo import DEMO_SEED, make_demo

ACTIVITY = "disruptive-scoring"


def _answers(store) -> list[tuple]:
    """The demo's answers without random ids or times: comparable across two databases."""
    return sorted((r["group"], r["participant"], r["item_id"], r["field"], r["value_num"],
                   r["value_text"]) for r in store.answer_rows(ACTIVITY, history=True))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    with make_demo(tmp_path_factory.mktemp("demo") / "demo.db") as store:
        yield store


def test_demo_has_40_participants_in_5_groups_of_8(demo):
    groups = demo.list_groups()
    assert len(groups) == 5
    people = demo.list_participants()
    assert len(people) == 40
    assert Counter(p.group_id for p in people) == {g.id: 8 for g in groups}
    assert len({p.name for p in people}) == 40 and all(p.name for p in people)


def test_demo_is_marked_as_demo(demo):
    assert demo.info().is_demo is True
    con = sqlite3.connect(demo.path)
    try:
        assert con.execute("SELECT value FROM meta WHERE key = 'is_demo'").fetchall() == [("1",)]
    finally:
        con.close()


def test_every_group_answered_the_scoring_activity(demo):
    groups = demo.list_groups()
    assert demo.answered_subjects(ACTIVITY) == {f"g:{g.id}" for g in groups}
    rows = demo.answer_rows(ACTIVITY)
    items = {it.id for it in demo.activity(ACTIVITY).items}
    for g in groups:
        scored = {(r["item_id"], r["field"]) for r in rows
                  if r["group_id"] == g.id and r["value_num"] is not None}
        assert scored == {(i, d) for i in items for d in ("now", "target")}, g.name
    assert all(1 <= r["value_num"] <= 5 for r in rows if r["value_num"] is not None)


def test_demo_answers_were_edited_once_per_group(demo):
    assert demo.submission_counts()[ACTIVITY] == {"subjects": 5, "revisions": 10}


def test_demo_target_is_never_below_now(demo):
    by_key: dict[tuple, dict[str, float]] = {}
    for r in demo.answer_rows(ACTIVITY):
        if r["value_num"] is not None:
            by_key.setdefault((r["subject"], r["item_id"]), {})[r["field"]] = r["value_num"]
    assert by_key and all(v["target"] >= v["now"] for v in by_key.values())


def test_demo_is_reproducible_with_the_same_seed(tmp_path: Path, demo):
    with make_demo(tmp_path / "again.db", seed=DEMO_SEED) as again:
        assert [g.code for g in again.list_groups()] == [g.code for g in demo.list_groups()]
        assert sorted(p.name for p in again.list_participants()) == sorted(
            p.name for p in demo.list_participants())
        assert _answers(again) == _answers(demo)


def test_demo_with_another_seed_differs(tmp_path: Path, demo):
    with make_demo(tmp_path / "other.db", seed=DEMO_SEED + 1) as other:
        assert [g.code for g in other.list_groups()] != [g.code for g in demo.list_groups()]
        assert _answers(other) != _answers(demo)


def test_make_demo_refuses_an_existing_file(tmp_path: Path):
    from cityworkshop.errors import StoreError

    path = tmp_path / "taken.db"
    path.write_bytes(b"")
    with pytest.raises(StoreError):
        make_demo(path)
