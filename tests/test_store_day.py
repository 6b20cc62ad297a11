"""The store for the whole day (schema 2): every kind's answers, peer ratings, questions and votes,
facilitator state (reveal, timer, advance), notes, and the migration from schema 1."""

from __future__ import annotations

import sqlite3

import pytest

from cityworkshop.errors import ActivityClosed, InvalidAnswer, StoreError
from cityworkshop.store import WorkshopStore
from cityworkshop.store.schema import SCHEMA_VERSION


@pytest.fixture
def people(store):
    g = store.list_groups()
    return {
        "ayu": store.join(g[0].code, "Ayu"),
        "budi": store.join(g[0].code, "Budi"),
        "citra": store.join(g[1].code, "Citra"),
        "dedi": store.join(g[2].code, "Dedi"),
    }


def _key(err: pytest.ExceptionInfo[InvalidAnswer]) -> str:
    return err.value.key


# -- text -------------------------------------------------------------------------------------

def test_text_entries_round_trip_and_keep_history(store, people):
    store.open_activity("liveable-ideas")
    first = {"entries": [{"text": "  Bus listrik Pamulang-Serpong ", "item": "mobility"}]}
    store.submit("liveable-ideas", people["ayu"].id, first)
    second = {"entries": [{"text": "Bus listrik", "item": "mobility"},
                          {"text": "<script>alert(1)</script>", "item": "city_identity"}]}
    store.submit("liveable-ideas", people["budi"].id, second)  # same group: edits the answer
    got = store.latest_answer("liveable-ideas", people["ayu"].id).answer
    # Budi's edit sent no ids: both entries are new, after Ayu's e00 (ids are never reused)
    assert got == {"entries": [{"text": "Bus listrik", "item": "mobility", "id": "e01"},
                               {"text": "<script>alert(1)</script>", "item": "city_identity",
                                "id": "e02"}]}
    history = store.answer_rows("liveable-ideas", history=True)
    assert sorted({r["submission_id"] for r in history}) == [1, 2]
    assert any(r["value_text"] == "Bus listrik Pamulang-Serpong" for r in history)  # stripped


@pytest.mark.parametrize("answer, key", [
    ({"entries": [{"text": "   ", "item": "mobility"}]}, "answer.text_empty"),
    ({"entries": []}, "answer.text_empty"),
    ({"entries": [{"text": "x" * 301, "item": "mobility"}]}, "answer.text_too_long"),
    ({"entries": [{"text": "ok"}]}, "answer.item_required"),
    ({"entries": [{"text": "ok", "item": "nope"}]}, "answer.unknown_item"),
    ({"entries": [{"text": "ok", "item": "mobility"}] * 6}, "answer.too_many_entries"),
    ({"entries": [{"text": 5, "item": "mobility"}]}, "answer.text_type"),
])
def test_bad_text_is_refused_and_nothing_stored(store, people, answer, key):
    store.open_activity("liveable-ideas")
    store.submit("liveable-ideas", people["ayu"].id,
                 {"entries": [{"text": "Taman kota", "item": "health_liveability"}]})
    with pytest.raises(InvalidAnswer) as err:
        store.submit("liveable-ideas", people["ayu"].id, answer)
    assert _key(err) == key
    assert err.value.message("id") and err.value.message("id") != err.value.message("en")
    assert store.latest_answer("liveable-ideas", people["ayu"].id).answer == {
        "entries": [{"text": "Taman kota", "item": "health_liveability", "id": "e00"}]}


# -- points over another activity's ideas -------------------------------------------------------

def test_points_spread_over_the_groups_ideas(store, people):
    store.open_activity("liveable-ideas")
    store.submit("liveable-ideas", people["ayu"].id, {"entries": [
        {"text": "Bus listrik", "item": "mobility"},
        {"text": "Bank sampah", "item": "environment"}]})
    store.submit("liveable-ideas", people["citra"].id, {"entries": [
        {"text": "Satu aplikasi layanan", "item": "digital_services"}]})
    items = store.items_of("idea-votes")
    labels = {it.label.id for it in items}
    assert labels == {"Bus listrik", "Bank sampah", "Satu aplikasi layanan"}
    g = {gr.id: gr.name for gr in store.list_groups()}
    ids = {it.label.id: it.id for it in items}
    assert ids["Bus listrik"] == f"g:{people['ayu'].group_id}#e00"
    assert {it.help.id for it in items} == {g[people["ayu"].group_id], g[people["citra"].group_id]}

    store.open_activity("idea-votes")
    store.submit("idea-votes", people["dedi"].id,
                 {"points": {ids["Bus listrik"]: 3, ids["Bank sampah"]: 2}})
    with pytest.raises(InvalidAnswer) as err:
        store.submit("idea-votes", people["dedi"].id, {"points": {ids["Bus listrik"]: 3,
                                                                  ids["Bank sampah"]: 3}})
    assert _key(err) == "answer.points_over_budget"  # 6 > 5
    with pytest.raises(InvalidAnswer) as err:
        store.submit("idea-votes", people["dedi"].id, {"points": {ids["Bus listrik"]: -1}})
    assert _key(err) == "answer.points_negative"
    with pytest.raises(InvalidAnswer) as err:
        store.submit("idea-votes", people["dedi"].id, {"points": {ids["Bus listrik"]: 4}})
    assert _key(err) == "answer.number_range"  # at most 3 on one idea
    with pytest.raises(InvalidAnswer) as err:
        store.submit("idea-votes", people["dedi"].id, {"points": {"g:99#e00": 1}})
    assert _key(err) == "answer.unknown_item"
    assert store.latest_answer("idea-votes", people["dedi"].id).answer == {
        "points": {ids["Bus listrik"]: 3, ids["Bank sampah"]: 2}}


# -- matrix -------------------------------------------------------------------------------------

def test_matrix_positions_within_the_axes(store, people):
    store.open_activity("branding-initiatives")
    ok = {"positions": {"visual_identity": {"x": 4, "y": 5}, "signature_event": {"x": 2, "y": 1}}}
    store.submit("branding-initiatives", people["ayu"].id, ok)
    assert store.latest_answer("branding-initiatives", people["budi"].id).answer == ok
    for bad, key in (({"positions": {"visual_identity": {"x": 6, "y": 1}}}, "answer.number_range"),
                     ({"positions": {"visual_identity": {"x": 3}}}, "answer.matrix_both"),
                     ({"positions": {"visual_identity": {"x": "3", "y": 1}}}, "answer.number_type"),
                     ({"positions": {}}, "answer.empty")):
        with pytest.raises(InvalidAnswer) as err:
            store.submit("branding-initiatives", people["ayu"].id, bad)
        assert _key(err) == key


# -- plan ---------------------------------------------------------------------------------------

STEP = {"phase": "goals", "what": "Lokakarya visi bersama", "owner": "bappelitbangda",
        "start": "2027-01", "end": "2027-03", "kpi": "Visi disepakati"}


def test_plan_steps_are_checked_field_by_field(store, people):
    store.open_activity("branding-plan")
    store.submit("branding-plan", people["ayu"].id, {"steps": [STEP]})
    stored = {"steps": [dict(STEP, id="s00")]}  # a stored step has its stable id
    assert store.latest_answer("branding-plan", people["ayu"].id).answer == stored
    cases = [
        (dict(STEP, end="2026-12"), "answer.plan_window"),
        (dict(STEP, start="2027-05", end="2027-04"), "answer.plan_end_before_start"),
        (dict(STEP, owner="dinas-rahasia"), "answer.plan_unknown"),
        (dict(STEP, phase="party"), "answer.plan_unknown"),
        (dict(STEP, kpi=""), "answer.plan_missing"),
        (dict(STEP, start="Jan 2027"), "answer.plan_month"),
    ]
    for step, key in cases:
        with pytest.raises(InvalidAnswer) as err:
            store.submit("branding-plan", people["ayu"].id, {"steps": [STEP, step]})
        assert _key(err) == key
        assert "2" in err.value.message("id")  # the message names step 2
    err_owner = pytest.raises(InvalidAnswer)
    with err_owner as err:
        store.submit("branding-plan", people["ayu"].id,
                     {"steps": [dict(STEP, owner="dinas-rahasia")]})
    assert "owner" in err.value.message("en") and "dinas-rahasia" in err.value.message("en")
    assert store.latest_answer("branding-plan", people["ayu"].id).answer == stored


# -- peer ratings -------------------------------------------------------------------------------

def test_a_group_rates_other_groups_never_itself(store, people):
    store.open_activity("presentation-rating")
    own, other = people["ayu"].group_id, people["citra"].group_id
    with pytest.raises(InvalidAnswer) as err:
        store.submit("presentation-rating", people["ayu"].id,
                     {"about": own, "scores": {"clarity": {"score": 4}}})
    assert _key(err) == "answer.about_own_group"
    with pytest.raises(InvalidAnswer) as err:
        store.submit("presentation-rating", people["ayu"].id, {"scores": {"clarity": {"score": 4}}})
    assert _key(err) == "answer.about_required"
    store.submit("presentation-rating", people["ayu"].id,
                 {"about": other, "scores": {"clarity": {"score": 4}}})
    store.submit("presentation-rating", people["budi"].id,
                 {"about": people["dedi"].group_id, "scores": {"clarity": {"score": 2}}})
    mine = store.latest_answer("presentation-rating", people["budi"].id, about=other)
    assert mine.answer["scores"] == {"clarity": {"score": 4}} and mine.about_group_id == other
    rows = store.answer_rows("presentation-rating")
    assert sorted((r["group_id"], r["about_group_id"]) for r in rows) == sorted(
        [(own, other), (own, people["dedi"].group_id)])
    assert store.latest_answer("presentation-rating", people["ayu"].id) is None


def test_about_is_refused_where_the_activity_has_no_peers(store, people):
    store.open_activity("disruptive-scoring")
    with pytest.raises(InvalidAnswer) as err:
        store.submit("disruptive-scoring", people["ayu"].id,
                     {"about": people["citra"].group_id, "scores": {"mobility": {"now": 2}}})
    assert _key(err) == "answer.unknown_field"


# -- questions ----------------------------------------------------------------------------------

def test_questions_one_vote_per_person(store, people):
    store.open_activity("leader-questions")
    q1 = store.ask("leader-questions", people["ayu"].id, "Bagaimana menghadapi penolakan?")
    q2 = store.ask("leader-questions", people["citra"].id, "<b>Berapa</b> lama prosesnya?")
    with pytest.raises(InvalidAnswer) as err:
        store.ask("leader-questions", people["citra"].id, "   ")
    assert _key(err) == "answer.text_empty"
    assert store.vote(q1, people["citra"].id) is True
    assert store.vote(q1, people["citra"].id) is False  # second vote ignored
    assert store.vote(q1, people["dedi"].id) is True
    assert store.vote(q1, people["ayu"].id) is False  # own question
    assert store.vote(q2, people["ayu"].id) is True
    rows = store.question_rows("leader-questions")
    assert [(r["question_id"], r["votes"]) for r in rows] == [(q1, 2), (q2, 1)]
    assert rows[1]["text"] == "<b>Berapa</b> lama prosesnya?"
    store.mark_answered(q1)
    rows = store.question_rows("leader-questions")
    assert rows[0]["answered_at"] is not None and rows[1]["answered_at"] is None
    assert store.votes_of("leader-questions", people["citra"].id) == {q1}
    store.close_activity("leader-questions")
    with pytest.raises(ActivityClosed):
        store.vote(q2, people["dedi"].id)
    with pytest.raises(InvalidAnswer):
        store.submit("leader-questions", people["ayu"].id, {"entries": []})


# -- facilitator state --------------------------------------------------------------------------

def test_reveal_timer_and_advance(store):
    assert store.is_revealed("disruptive-scoring") is True
    store.reveal("disruptive-scoring", False)
    assert store.is_revealed("disruptive-scoring") is False
    assert store.timer_remaining("disruptive-scoring") is None
    store.start_timer("disruptive-scoring", 120)
    left = store.timer_remaining("disruptive-scoring")
    assert 115 < left <= 120
    store.stop_timer("disruptive-scoring")
    assert store.timer_remaining("disruptive-scoring") is None
    with pytest.raises(StoreError):
        store.start_timer("disruptive-scoring", 0)

    order = [a.id for a in store.pack.program.activities]
    assert store.advance() == order[0]
    assert store.current_activity() == order[0]
    assert store.advance() == order[1]
    assert store.open_activities() == [order[1]]
    store.close_activity(order[1])
    store.open_activity(order[-1])
    assert store.advance() is None and store.current_activity() is None
    actions = [e["action"] for e in store.events()]
    assert actions.count("open") == 3 and "timer" in actions and "hide" in actions


def test_notes_pins_and_synthesis(store):
    assert store.synthesis("branding-definition") is None
    store.set_synthesis("branding-definition", "Merek kota = janji + bukti layanan")
    store.set_synthesis("branding-definition", "Merek kota = janji yang dibuktikan")
    assert store.synthesis("branding-definition") == "Merek kota = janji yang dibuktikan"
    store.pin("branding-definition", "p:a#e00")
    store.pin("branding-definition", "p:b#e00")
    store.pin("branding-definition", "p:a#e00", pinned=False)
    store.pin("branding-definition", "p:c#e00")
    assert store.pinned("branding-definition") == ["p:b#e00", "p:c#e00"]


# -- migration ----------------------------------------------------------------------------------

V1_SCHEMA = """
CREATE TABLE meta (key VARCHAR PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE groups (id INTEGER PRIMARY KEY, number INTEGER NOT NULL UNIQUE, name VARCHAR NOT NULL,
  code VARCHAR NOT NULL UNIQUE);
CREATE TABLE participants (id VARCHAR PRIMARY KEY, group_id INTEGER NOT NULL REFERENCES groups(id),
  name VARCHAR, name_key VARCHAR, joined_at VARCHAR NOT NULL);
CREATE TABLE submissions (id INTEGER PRIMARY KEY AUTOINCREMENT, activity_id VARCHAR NOT NULL,
  subject VARCHAR NOT NULL, group_id INTEGER NOT NULL REFERENCES groups(id),
  participant_id VARCHAR NOT NULL REFERENCES participants(id), created_at VARCHAR NOT NULL);
CREATE TABLE answers (submission_id INTEGER NOT NULL REFERENCES submissions(id), item_id VARCHAR
  NOT NULL, field VARCHAR NOT NULL, value_num FLOAT, value_text TEXT,
  PRIMARY KEY (submission_id, item_id, field));
CREATE TABLE activity_state (activity_id VARCHAR PRIMARY KEY, is_open BOOLEAN NOT NULL,
  opened_at VARCHAR, closed_at VARCHAR);
CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, at VARCHAR NOT NULL, action VARCHAR
  NOT NULL, activity_id VARCHAR);
INSERT INTO meta VALUES ('schema_version', '1'), ('program_id', 'tangsel-elp'),
  ('created_at', '2026-11-01T01:00:00+00:00'), ('is_demo', '0');
INSERT INTO groups VALUES (1, 1, 'Kelompok 1', 'AAAAAA'), (2, 2, 'Kelompok 2', 'BBBBBB');
INSERT INTO participants VALUES ('p1', 1, 'Ayu', 'ayu', '2026-11-01T01:00:00+00:00');
INSERT INTO submissions VALUES
  (1, 'disruptive-scoring', 'g:1', 1, 'p1', '2026-11-01T01:01:00+00:00');
INSERT INTO answers VALUES (1, 'mobility', 'now', 2.0, NULL), (1, 'mobility', 'target', 4.0, NULL);
INSERT INTO activity_state VALUES ('disruptive-scoring', 1, '2026-11-01T01:00:30+00:00', NULL);
"""


def test_a_schema_1_database_opens_and_is_migrated(tmp_path):
    path = tmp_path / "old.db"
    con = sqlite3.connect(path)
    con.executescript(V1_SCHEMA)
    con.commit()
    con.close()
    with WorkshopStore(path) as store:
        assert store.info().schema_version == SCHEMA_VERSION == 6
        assert store.latest_answer("disruptive-scoring", "p1").answer["scores"] == {
            "mobility": {"now": 2, "target": 4}}
        assert store.current_activity() == "disruptive-scoring"
        assert store.is_revealed("disruptive-scoring") is True
        store.open_activity("leader-questions")
        qid = store.ask("leader-questions", "p1", "Apa kabar?")
        assert store.question_rows("leader-questions")[0]["question_id"] == qid
    with WorkshopStore(path) as again:  # idempotent: a second open migrates nothing
        assert again.info().schema_version == SCHEMA_VERSION
        assert len(again.answer_rows("disruptive-scoring")) == 2


# -- rejoining without a name: the browser's device token -------------------------------------

def test_a_phone_without_a_name_rejoins_by_its_device_token(store):
    g = store.list_groups()
    first = store.join(g[0].code, "", device="tok-AAAA1111")
    store.open_activity("branding-definition")
    store.submit("branding-definition", first.id, {"entries": [{"text": "Janji kota"}]})
    again = store.join(g[0].code.lower(), None, device="tok-AAAA1111")
    assert again.id == first.id and again.rejoined is True
    assert store.latest_answer("branding-definition", again.id).answer == {
        "entries": [{"text": "Janji kota", "item": None, "id": "e00"}]}
    other_phone = store.join(g[0].code, "", device="tok-BBBB2222")
    assert other_phone.id != first.id and other_phone.rejoined is False
    no_token = store.join(g[0].code, "")
    assert no_token.id != first.id
    for bad in ("short", "x" * 65, "<script>alert(1)</script>", 12345678):
        assert store.join(g[0].code, "", device=bad).id != first.id  # ignored, not an error


def test_a_name_alone_no_longer_takes_a_seat_and_a_device_learns_it(store):
    g = store.list_groups()
    ayu = store.join(g[0].code, "Ayu")  # an old page without a device token
    # Ayu's phone joins later with her name: her personal code is needed, then the phone is hers
    with pytest.raises(InvalidAnswer) as err:
        store.join(g[0].code, "ayu", device="tok-CCCC3333")
    assert _key(err) == "join.name_taken"
    assert store.join(g[0].code, "ayu", device="tok-CCCC3333", seat=ayu.seat).id == ayu.id
    assert store.join(g[0].code, "", device="tok-CCCC3333").id == ayu.id
    # whatever name is typed on that phone, it stays Ayu's phone (one browser, one participant)
    assert store.join(g[0].code, "Budi", device="tok-CCCC3333").id == ayu.id
