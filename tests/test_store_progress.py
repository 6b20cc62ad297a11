"""Subjects (who owns an answer) and who answered (``WorkshopStore.progress``): the store builds
and reads the subject text, nobody else does."""

from __future__ import annotations

import pytest

from cityworkshop.store import GroupProgress, Participant, Progress, Subject, WorkshopStore


@pytest.mark.parametrize(("subject", "text"), [
    (Subject(group_id=3), "g:3"),
    (Subject(participant_id="ab12cd"), "p:ab12cd"),
    (Subject(group_id=1, about=2), "g:1>g:2"),
    (Subject(participant_id="ab12cd", about=4), "p:ab12cd>g:4"),
])
def test_a_subject_is_its_stored_text_and_back(subject: Subject, text: str) -> None:
    assert str(subject) == text
    assert Subject.parse(text) == subject
    assert subject.owner == Subject(subject.group_id, subject.participant_id)


@pytest.mark.parametrize("text", ["", "g:", "g:x", "q:1", "g:1>p:2", "g:1>g:", "p:"])
def test_a_subject_that_is_none_says_what_it_expected(text: str) -> None:
    with pytest.raises(ValueError, match="Could not read the subject"):
        Subject.parse(text)


def test_the_subject_of_a_participant_follows_the_scope() -> None:
    me = Participant("ab12cd", 2, "Ayu", "2026-01-01T00:00:00+00:00")
    assert str(Subject.of("group", me)) == "g:2"
    assert str(Subject.of("participant", me)) == "p:ab12cd"
    assert str(Subject.of("group", me, about=5)) == "g:2>g:5"


@pytest.fixture
def room(tmp_path):
    with WorkshopStore.create(tmp_path / "w.db", groups=3, seed=5) as store:
        groups = store.list_groups()
        people = [store.join(g.code, f"Peserta {g.number}{n}") for g in groups for n in "ab"]
        yield store, groups, people


def test_progress_counts_groups_participants_pairs_and_questions(room) -> None:
    store, groups, people = room
    ayu, budi = people[0], people[2]  # groups 1 and 2
    items = store.activity("disruptive-scoring").items
    store.submit("disruptive-scoring", ayu.id,
                 {"scores": {items[0].id: {"now": 3, "target": 4}}}, require_open=False)
    got = store.progress("disruptive-scoring")
    assert (got.unit, got.answered, got.total) == ("groups", 1, 3)
    assert got.groups[0] == GroupProgress(groups[0].name, 1, 1)

    store.submit("reflection", budi.id, {"entries": [{"text": "Lebih cepat"}]},
                 require_open=False)
    got = store.progress(store.activity("reflection"))
    assert (got.unit, got.answered, got.total) == ("participants", 1, 6)
    assert [g.possible for g in got.groups] == [2, 2, 2]

    rating = store.activity("presentation-rating")
    scores = {it.id: {d.id: 4 for d in rating.dimensions} for it in rating.items}
    store.submit(rating.id, ayu.id, {"scores": scores, "about": groups[1].id},
                 require_open=False)
    got = store.progress(rating.id)
    assert (got.unit, got.answered, got.total) == ("pairs", 1, 6)  # 3 groups x 2 others

    q = store.ask("leader-questions", ayu.id, "Bagaimana memulai?", require_open=False)
    store.vote(q, budi.id, require_open=False)
    got = store.progress("leader-questions")
    assert isinstance(got, Progress)
    assert (got.unit, got.answered, got.total, got.votes) == ("questions", 1, 6, 1)
    assert got.as_tuple()[2][0] == (groups[0].name, 1, 2)
