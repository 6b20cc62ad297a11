"""Tests of cityworkshop.demo: the demo workshop has 40 made-up participants in 5 groups, is
marked as demo, every activity of the day has plausible and valid answers, and it is reproducible
by seed.
"""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from cityworkshop.answers import rows_to_answer, validate_answer
from cityworkshop.answers.plan import window
from cityworkshop.demo import DEMO_SEED, make_demo

ACTIVITY = "disruptive-scoring"
QUESTIONS = "leader-questions"
ANSWERED = [  # every activity with answers, i.e. all but the questions (own table)
    "disruptive-scoring", "liveable-ideas", "idea-votes", "presentation-rating",
    "presentation-feedback", "branding-definition", "branding-urgency", "branding-initiatives",
    "branding-plan", "reflection", "satisfaction", "closing-comments",
]


def _answers(store, activity: str = ACTIVITY) -> list[tuple]:
    """The demo's answers without random ids or times: comparable across two databases."""
    return sorted((r["group"], r["participant"], r["item_id"], r["field"], r["value_num"],
                   r["value_text"], r["about_group"])
                  for r in store.answer_rows(activity, history=True))


def _questions(store) -> list[tuple]:
    return [(r["text"], r["group"], r["participant"], r["votes"], r["answered_at"] is not None)
            for r in store.question_rows(QUESTIONS)]


def _submissions(store, activity: str) -> dict[int, dict]:
    """Current answers of ``activity``: submission id -> {"rows", "group_id", "about", ...}."""
    out: dict[int, dict] = {}
    for r in store.answer_rows(activity):
        sub = out.setdefault(r["submission_id"], {"rows": [], "group_id": r["group_id"],
                                                  "about": r["about_group_id"],
                                                  "participant_id": r["participant_id"],
                                                  "subject": r["subject"]})
        sub["rows"].append(r)
    return out


def _answer(store, activity: str, sub: dict) -> dict:
    return rows_to_answer(sub["rows"], store.activity(activity).kind)


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


def test_demo_covers_every_activity_of_the_program(demo):
    program = [a.id for a in demo.pack.program.activities]
    assert len(program) == 13
    assert sorted(program) == sorted([*ANSWERED, QUESTIONS])
    counts = demo.submission_counts()
    assert {a: counts[a]["subjects"] for a in ANSWERED} == {
        "disruptive-scoring": 5, "liveable-ideas": 5, "idea-votes": 40,
        "presentation-rating": 20, "presentation-feedback": 20, "branding-definition": 40,
        "branding-urgency": 40, "branding-initiatives": 5, "branding-plan": 5,
        "reflection": 40, "satisfaction": 40,
        "closing-comments": counts["closing-comments"]["subjects"],
    }
    assert 10 <= counts["closing-comments"]["subjects"] < 40  # not everyone comments
    assert 8 <= len(demo.question_rows(QUESTIONS)) <= 15


def test_no_activity_is_left_open(demo):
    assert demo.open_activities() == []
    assert demo.current_activity() is None


def test_every_answer_is_valid_for_its_activity(demo):
    owners = demo.owners()
    for activity_id in ANSWERED:
        activity = demo.activity(activity_id)
        items = demo.items_of(activity)
        subs = _submissions(demo, activity_id)
        assert subs, activity_id
        for sub in subs.values():
            answer = _answer(demo, activity_id, sub)
            rows = validate_answer(activity, answer, items=items, owners=owners)
            assert len(rows) == len(sub["rows"]), activity_id


def test_answers_are_clean_text_without_markup(demo):
    texts = [r["value_text"] for a in ANSWERED for r in demo.answer_rows(a, history=True)
             if r["value_text"]]
    texts += [r["text"] for r in demo.question_rows(QUESTIONS)]
    assert texts
    assert not [t for t in texts if "<" in t or ">" in t or "&" in t or t != t.strip()]


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


def test_each_group_wrote_3_to_5_ideas_linked_to_criteria(demo):
    criteria = {it.id for it in demo.activity("liveable-ideas").items}
    subs = _submissions(demo, "liveable-ideas")
    assert sorted(s["group_id"] for s in subs.values()) == [g.id for g in demo.list_groups()]
    all_texts = []
    for sub in subs.values():
        entries = _answer(demo, "liveable-ideas", sub)["entries"]
        assert 3 <= len(entries) <= 5
        assert all(e["item"] in criteria and len(e["text"]) > 30 for e in entries)
        all_texts += [e["text"] for e in entries]
    assert len(set(all_texts)) == len(all_texts)  # no two groups wrote the same idea
    assert len(demo.items_of("idea-votes")) == len(all_texts)


def test_all_40_participants_spent_their_dots_within_the_rules(demo):
    activity = demo.activity("idea-votes")
    ideas = {it.id for it in demo.items_of(activity)}
    subs = _submissions(demo, "idea-votes")
    assert {s["participant_id"] for s in subs.values()} == {p.id for p in demo.list_participants()}
    spent = Counter()
    for sub in subs.values():
        points = _answer(demo, "idea-votes", sub)["points"]
        assert set(points) <= ideas
        assert 1 <= sum(points.values()) <= activity.budget == 5
        assert max(points.values()) <= activity.max_per_item == 3
        spent.update(points)
    assert sum(v for v in spent.values()) >= 40 * 4
    assert len(spent) >= len(ideas) // 2  # votes spread over many ideas, with a clear ranking
    top = spent.most_common()
    assert top[0][1] > top[-1][1]


@pytest.mark.parametrize("activity_id", ["presentation-rating", "presentation-feedback"])
def test_each_group_rated_every_other_group_and_never_itself(demo, activity_id):
    groups = [g.id for g in demo.list_groups()]
    subs = _submissions(demo, activity_id)
    pairs = sorted((s["group_id"], s["about"]) for s in subs.values())
    assert pairs == sorted((g, h) for g in groups for h in groups if g != h)
    assert all(s["subject"] == f"g:{s['group_id']}>g:{s['about']}" for s in subs.values())
    for sub in subs.values():
        assert all(r["about_group_id"] != r["group_id"] for r in sub["rows"])
        assert demo.participant(sub["participant_id"]).group_id == sub["group_id"]


def test_peer_ratings_score_every_rubric_item_and_differ_between_groups(demo):
    items = {it.id for it in demo.activity("presentation-rating").items}
    rows = demo.answer_rows("presentation-rating")
    by_sub = defaultdict(set)
    for r in rows:
        by_sub[r["submission_id"]].add(r["item_id"])
        assert 1 <= r["value_num"] <= 5
    assert all(s == items for s in by_sub.values())
    means = defaultdict(list)
    for r in rows:
        means[r["about_group_id"]].append(r["value_num"])
    assert len({round(sum(v) / len(v), 2) for v in means.values()}) > 1


def test_peer_feedback_has_strengths_and_suggestions(demo):
    for sub in _submissions(demo, "presentation-feedback").values():
        kinds = Counter(e["item"] for e in _answer(demo, "presentation-feedback", sub)["entries"])
        assert kinds["strength"] >= 1 and kinds["suggestion"] >= 1
        assert sum(kinds.values()) <= 4


def test_everyone_defined_city_branding_in_their_own_words(demo):
    subs = _submissions(demo, "branding-definition")
    texts = [_answer(demo, "branding-definition", s)["entries"][0]["text"] for s in subs.values()]
    assert len(texts) == 40
    assert len(set(texts)) >= 35
    assert all("city branding" in t.lower() and t.endswith(".") for t in texts)


def test_urgency_scores_and_reasons(demo):
    rows = demo.answer_rows("branding-urgency")
    scores = [r["value_num"] for r in rows if r["field"] == "score"]
    reasons = [r["value_text"] for r in rows if r["field"] == "reason"]
    assert len(scores) == 40 and all(1 <= s <= 5 for s in scores)
    assert len(set(scores)) >= 3
    assert 20 <= len(reasons) < 40


def test_each_group_placed_its_initiatives_on_the_matrix(demo):
    activity = demo.activity("branding-initiatives")
    for sub in _submissions(demo, "branding-initiatives").values():
        positions = _answer(demo, activity.id, sub)["positions"]
        assert len(positions) >= len(activity.items) - 2
        for pos in positions.values():
            assert activity.x_axis.min <= pos["x"] <= activity.x_axis.max
            assert activity.y_axis.min <= pos["y"] <= activity.y_axis.max


def test_each_group_planned_4_to_7_steps_across_all_phases(demo):
    activity = demo.activity("branding-plan")
    phases = [it.id for it in activity.items]
    first, last = window(activity)
    assert (first, last) == ("2027-01", "2029-12")
    owners = set(demo.owners())
    for sub in _submissions(demo, "branding-plan").values():
        steps = _answer(demo, activity.id, sub)["steps"]
        assert 4 <= len(steps) <= 7
        assert {s["phase"] for s in steps} == set(phases)
        assert [phases.index(s["phase"]) for s in steps] == sorted(
            phases.index(s["phase"]) for s in steps)
        for s in steps:
            assert s["owner"] in owners
            assert first <= s["start"] <= s["end"] <= last
            assert s["what"] and s["kpi"]


def test_questions_for_the_speaker_with_votes(demo):
    rows = demo.question_rows(QUESTIONS)
    assert 8 <= len(rows) <= 15
    assert len({r["text"] for r in rows}) == len(rows)
    assert all(r["text"].endswith("?") for r in rows)
    votes = [r["votes"] for r in rows]
    assert votes == sorted(votes, reverse=True) and votes[0] > votes[-1] and sum(votes) >= 40
    assert sum(r["answered_at"] is not None for r in rows) == 2
    asked_by = {r["question_id"]: r["participant_id"] for r in rows}
    for p in demo.list_participants():  # nobody voted for their own question
        assert all(asked_by[q] != p.id for q in demo.votes_of(QUESTIONS, p.id))


def test_reflections_satisfaction_and_comments(demo):
    texts = [r["value_text"] for r in demo.answer_rows("reflection")]
    assert len(texts) == 40 and len(set(texts)) >= 35
    activity = demo.activity("satisfaction")
    rows = demo.answer_rows("satisfaction")
    per_person = defaultdict(set)
    for r in rows:
        per_person[r["participant_id"]].add(r["item_id"])
        assert 1 <= r["value_num"] <= 5
    assert len(per_person) == 40
    assert all(s == {it.id for it in activity.items} for s in per_person.values())
    comments = [r["value_text"] for r in demo.answer_rows("closing-comments")]
    assert len(set(comments)) == len(comments)


def test_demo_is_reproducible_with_the_same_seed(tmp_path: Path, demo):
    with make_demo(tmp_path / "again.db", seed=DEMO_SEED) as again:
        assert [g.code for g in again.list_groups()] == [g.code for g in demo.list_groups()]
        assert sorted(p.name for p in again.list_participants()) == sorted(
            p.name for p in demo.list_participants())
        for activity in ANSWERED:
            assert _answers(again, activity) == _answers(demo, activity), activity
        assert _questions(again) == _questions(demo)
        assert again.submission_counts() == demo.submission_counts()


def test_demo_with_another_seed_differs(tmp_path: Path, demo):
    with make_demo(tmp_path / "other.db", seed=DEMO_SEED + 1) as other:
        assert [g.code for g in other.list_groups()] != [g.code for g in demo.list_groups()]
        for activity in ANSWERED:
            assert _answers(other, activity) != _answers(demo, activity), activity
        assert _questions(other) != _questions(demo)


@pytest.mark.parametrize("groups, per_group", [(1, 1), (2, 1), (3, 2), (7, 6)])
def test_small_and_large_rooms_still_get_valid_demo_data(tmp_path: Path, groups, per_group):
    with make_demo(tmp_path / "small.db", groups=groups, participants_per_group=per_group) as s:
        counts = s.submission_counts()
        n = groups * per_group
        assert counts["idea-votes"]["subjects"] == n
        assert counts["presentation-rating"]["subjects"] == groups * (groups - 1)
        assert counts["branding-plan"]["subjects"] == groups
        assert s.open_activities() == []
        rows = s.question_rows(QUESTIONS)
        assert 8 <= len(rows) <= 15


def test_make_demo_refuses_an_existing_file(tmp_path: Path):
    from cityworkshop.errors import StoreError

    path = tmp_path / "taken.db"
    path.write_bytes(b"")
    with pytest.raises(StoreError):
        make_demo(path)
