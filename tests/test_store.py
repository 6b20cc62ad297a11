"""Tests of cityworkshop.store: creating and opening workshop databases, SQLite settings, group
codes and joining, the facilitator's open/close state, submitting answers (validation, history,
group scope, nothing lost on a refused answer) and waiting for another writer's lock (one
test for every kind of write: the page's 'Kirim' and a question).

Temporary databases come from the fixtures in conftest.py; expected values are written out by
hand or read with plain sqlite3/PyYAML, never by calling the code under test a second time.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml

from cityworkshop.errors import ActivityClosed, InvalidAnswer, NotFound, StoreError
from cityworkshop.store import WorkshopStore

ACTIVITY = "disruptive-scoring"
DATA = Path(__file__).resolve().parent.parent / "data"
ALPHABET = set("ABCDEFGHJKMNPQRSTUVWXYZ23456789")  # no 0/O, 1/I/L
ITEMS = [c["id"] for c in yaml.safe_load(
    (DATA / "frameworks" / "disruptive-city.yaml").read_text(encoding="utf-8"))["criteria"]]


def _rows(path: Path, sql: str, *params: object) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def _snapshot(store: WorkshopStore) -> list[tuple]:
    """Every stored answer row, every revision, as plain tuples (order-independent)."""
    return sorted(tuple(sorted(r.items())) for r in store.answer_rows(ACTIVITY, history=True))


@pytest.fixture
def member(open_store: WorkshopStore):
    group = open_store.list_groups()[0]
    return open_store.join(group.code, "Ayu Lestari")


# -- create and open ------------------------------------------------------------------------


def test_create_makes_a_workshop_of_the_reference_program(store, db_path):
    info = store.info()
    assert info.program_id == "tangsel-elp"
    assert info.is_demo is False
    assert info.schema_version >= 1
    assert db_path.is_file()
    assert _rows(db_path, "SELECT count(*) FROM groups") == [(5,)]


def test_reopen_an_existing_workshop(store, db_path):
    codes = sorted(g.code for g in store.list_groups())
    store.close()
    with WorkshopStore(db_path) as again:
        assert sorted(g.code for g in again.list_groups()) == codes
        assert again.info().program_id == "tangsel-elp"


def test_create_refuses_to_overwrite_an_existing_file(tmp_path):
    path = tmp_path / "taken.db"
    path.write_bytes(b"precious")
    with pytest.raises(StoreError) as info:
        WorkshopStore.create(path, groups=3)
    assert info.value.key == "store.exists"
    assert str(path) in str(info.value)
    assert path.read_bytes() == b"precious"


def test_open_missing_file_is_a_clear_store_error(tmp_path):
    path = tmp_path / "nowhere.db"
    with pytest.raises(StoreError) as info:
        WorkshopStore(path)
    assert info.value.key == "store.missing"
    assert str(path) in str(info.value) and "init" in str(info.value)
    assert not path.exists(), "opening a missing file must not create it"


def test_open_text_file_is_a_clear_store_error(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("shopping list: rice, tea\n" * 50, encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(StoreError) as info:
        WorkshopStore(path)
    assert info.value.key == "store.not_sqlite"
    assert str(path) in str(info.value)
    assert path.read_bytes() == before


def test_open_other_apps_sqlite_file_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT)")
    con.execute("INSERT INTO users (email) VALUES ('a@example.org')")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(StoreError) as info:
        WorkshopStore(path)
    assert info.value.key == "store.not_workshop"
    assert str(path) in str(info.value)
    assert _rows(path, "PRAGMA journal_mode") == [("delete",)], "journal mode was changed"
    assert path.read_bytes() == before


def test_open_database_from_a_newer_release_is_refused(store, db_path):
    store.close()
    con = sqlite3.connect(db_path)
    con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    with pytest.raises(StoreError) as info:
        WorkshopStore(db_path)
    assert info.value.key == "store.newer"
    assert "99" in str(info.value) and "upgrade" in str(info.value).lower()


def test_wal_busy_timeout_and_foreign_keys_on_every_connection(store, db_path):
    assert _rows(db_path, "PRAGMA journal_mode") == [("wal",)]  # a property of the file
    with store._engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_foreign_keys_are_enforced(store):
    with (store._engine.connect() as conn, pytest.raises(Exception, match="FOREIGN KEY"),
          conn.begin()):
        conn.exec_driver_sql(
            "INSERT INTO participants (id, group_id, name, name_key, joined_at) "
            "VALUES ('x', 999, NULL, NULL, '2025-01-01T00:00:00+00:00')")


# -- group codes and joining ----------------------------------------------------------------


def test_group_codes_are_unique_six_unambiguous_characters(tmp_path):
    with WorkshopStore.create(tmp_path / "w.db", groups=50, seed=1) as s:
        groups = s.list_groups()
    codes = [g.code for g in groups]
    assert len(codes) == 50 == len(set(codes))
    assert [g.number for g in groups] == list(range(1, 51))
    for code in codes:
        assert len(code) == 6 and set(code) <= ALPHABET, code


def test_group_codes_are_reproducible_with_a_seed(tmp_path):
    def codes(name: str, seed: int) -> list[str]:
        with WorkshopStore.create(tmp_path / name, groups=5, seed=seed) as s:
            return [g.code for g in s.list_groups()]

    assert codes("a.db", 7) == codes("b.db", 7)
    assert codes("c.db", 7) != codes("d.db", 8)


@pytest.mark.parametrize("typed", ["{c}", "{lower}", "  {lower}  ", "{a}-{b}", "{a} {b}",
                                   " {a_lower} - {b} "])
def test_join_by_code_ignores_case_spaces_and_dashes(store, typed):
    group = store.list_groups()[2]
    c = group.code
    text = typed.format(c=c, lower=c.lower(), a=c[:3], b=c[3:], a_lower=c[:3].lower())
    p = store.join(text, "Budi")
    assert p.group_id == group.id
    assert _rows(store.path, "SELECT group_id FROM participants WHERE id = ?", p.id) == [
        (group.id,)]


def test_join_unknown_code_is_invalid_answer_join_bad_code(store):
    assert "ZZZZZZ" not in {g.code for g in store.list_groups()}
    with pytest.raises(InvalidAnswer) as info:
        store.join("zzz-zzz", "Budi")
    assert info.value.key == "join.bad_code"
    assert store.list_participants() == []


def test_rejoin_from_the_same_browser_returns_same_participant(store):
    code = store.list_groups()[0].code
    first = store.join(code, "Ayu Lestari", device="dev-ayu-0001")
    again = store.join(code.lower(), "  ayu   LESTARI ", device="dev-ayu-0001")
    assert again.id == first.id
    assert again.rejoined is True and first.rejoined is False
    assert len(store.list_participants()) == 1


def test_same_name_in_another_group_is_another_participant(store):
    g1, g2 = store.list_groups()[:2]
    assert store.join(g1.code, "Eko").id != store.join(g2.code, "Eko").id


def test_anonymous_joins_are_separate_participants(store):
    code = store.list_groups()[0].code
    a, b = store.join(code), store.join(code, "   ")
    assert a.id != b.id and a.name is None and b.name is None


def test_name_of_80_chars_is_accepted_81_refused(store):
    code = store.list_groups()[0].code
    assert store.join(code, "A" * 80).name == "A" * 80
    with pytest.raises(InvalidAnswer) as info:
        store.join(code, "B" * 81)
    assert info.value.key == "join.name_too_long"


@pytest.mark.parametrize(("name", "kept"), [("Ayu\x00", "Ayu"), ("Ayu\x1b[31mRed", "Ayu[31mRed"),
                                           ("\x07Bell", "Bell"), ("A\u202eyu", "Ayu"),
                                           ("Ayu\u0085\u009b", "Ayu")])
def test_control_and_bidi_characters_are_removed_from_names(store, name, kept):
    p = store.join(store.list_groups()[0].code, name)
    assert p.name == kept
    assert _rows(store.path, "SELECT name FROM participants") == [(kept,)]


# -- facilitator state ----------------------------------------------------------------------


@pytest.fixture
def two_activity_store(store: WorkshopStore):
    """A workshop whose program has a second activity of participant scope (branding-urgency)."""
    assert store.activity("branding-urgency").scope == "participant"
    return store


def test_no_activity_is_open_at_first(store):
    assert store.current_activity() is None
    assert store.is_open(ACTIVITY) is False


def test_open_and_close_activity(store):
    store.open_activity(ACTIVITY)
    assert store.is_open(ACTIVITY) and store.current_activity() == ACTIVITY
    store.close_activity(ACTIVITY)
    assert not store.is_open(ACTIVITY) and store.current_activity() is None
    assert [(e["action"], e["activity_id"]) for e in store.events()] == [
        ("open", ACTIVITY), ("close", ACTIVITY)]


def test_one_activity_is_open_at_a_time(two_activity_store):
    s = two_activity_store
    assert s.open_activity(ACTIVITY) == []
    assert s.open_activity("branding-urgency") == [ACTIVITY]  # says what it closed
    assert s.open_activities() == ["branding-urgency"] and not s.is_open(ACTIVITY)
    assert s.open_activity(ACTIVITY) == ["branding-urgency"]
    assert s.current_activity() == ACTIVITY
    assert [(e["action"], e["activity_id"]) for e in s.events()][-2:] == [
        ("close", "branding-urgency"), ("open", ACTIVITY)]
    s.close_activity(ACTIVITY)
    assert s.current_activity() is None


def test_advance_moves_on_from_the_one_open_activity_of_an_old_file(two_activity_store):
    """A file from an older release may hold two open activities: next leaves one open."""
    s = two_activity_store
    s.open_activity(ACTIVITY)
    con = sqlite3.connect(s.path)
    con.execute("UPDATE activity_state SET is_open = 1, opened_at = '2000-01-01' "
                "WHERE activity_id = 'branding-urgency'")
    con.commit()
    con.close()
    assert len(s.open_activities()) == 2
    order = [a.id for a in s.pack.program.activities]
    nxt = s.advance()
    assert nxt == order[order.index(ACTIVITY) + 1]
    assert s.open_activities() == [nxt]


def test_participant_scope_keeps_one_answer_per_member(two_activity_store):
    s = two_activity_store
    s.open_activity("branding-urgency")
    code = s.list_groups()[0].code
    a, b = s.join(code, "A"), s.join(code, "B")
    s.submit("branding-urgency", a.id, {"scores": {"urgency": {"score": 5}}})
    s.submit("branding-urgency", b.id, {"scores": {"urgency": {"score": 2}}})
    rows = s.answer_rows("branding-urgency")
    assert sorted((r["subject"], r["value_num"]) for r in rows) == sorted(
        [(f"p:{a.id}", 5.0), (f"p:{b.id}", 2.0)])


@pytest.mark.parametrize("call", ["open_activity", "close_activity", "answer_rows", "activity"])
def test_unknown_activity_is_not_found(store, call):
    with pytest.raises(NotFound):
        getattr(store, call)("no-such-activity")


def test_submit_to_unknown_activity_or_participant_is_not_found(open_store, member):
    with pytest.raises(NotFound):
        open_store.submit("no-such-activity", member.id, {"scores": {ITEMS[0]: {"now": 3}}})
    with pytest.raises(NotFound):
        open_store.submit(ACTIVITY, "no-such-participant", {"scores": {ITEMS[0]: {"now": 3}}})


# -- submitting answers ---------------------------------------------------------------------


def test_valid_answer_is_stored_as_tidy_rows(open_store, member):
    answer = {
        "scores": {ITEMS[0]: {"now": 2, "target": 5}, ITEMS[3]: {"now": 1, "target": 4}},
        "reasons": {ITEMS[0]: "Perizinan sudah daring."},
    }
    sub = open_store.submit(ACTIVITY, member.id, answer)
    assert sub.answer == answer
    got = sorted((r["item_id"], r["field"], r["value_num"], r["value_text"])
                 for r in open_store.answer_rows(ACTIVITY))
    assert got == sorted([
        (ITEMS[0], "now", 2.0, None), (ITEMS[0], "target", 5.0, None),
        (ITEMS[3], "now", 1.0, None), (ITEMS[3], "target", 4.0, None),
        (ITEMS[0], "reason", None, "Perizinan sudah daring."),
    ])
    # Straight from the file, with plain sqlite3.
    assert _rows(open_store.path, "SELECT count(*) FROM submissions") == [(1,)]
    assert _rows(open_store.path, "SELECT count(*) FROM answers") == [(5,)]


def test_answer_rows_columns(open_store, member):
    open_store.submit(ACTIVITY, member.id, {"scores": {ITEMS[0]: {"now": 3}}})
    (row,) = open_store.answer_rows(ACTIVITY)
    assert set(row) == {"submission_id", "activity_id", "subject", "group_id", "group",
                        "participant_id", "participant", "item_id", "field", "value_num",
                        "value_text", "created_at", "about_group_id", "about_group"}
    assert row["about_group_id"] is None and row["about_group"] is None  # not a peer rating
    group = open_store.list_groups()[0]
    assert row["activity_id"] == ACTIVITY
    assert row["subject"] == f"g:{group.id}"
    assert row["group"] == group.name and row["group_id"] == group.id
    assert row["participant"] == "Ayu Lestari" and row["participant_id"] == member.id
    assert row["created_at"].endswith("+00:00"), "times are stored in UTC"


def test_none_score_is_skipped(open_store, member):
    open_store.submit(ACTIVITY, member.id, {"scores": {ITEMS[0]: {"now": 4, "target": None},
                                                      ITEMS[1]: {"now": None}}})
    got = [(r["item_id"], r["field"]) for r in open_store.answer_rows(ACTIVITY)]
    assert got == [(ITEMS[0], "now")]


def test_edit_is_a_new_row_and_history_is_kept(open_store, member):
    first = open_store.submit(ACTIVITY, member.id, {"scores": {ITEMS[0]: {"now": 2}}})
    second = open_store.submit(ACTIVITY, member.id, {"scores": {ITEMS[0]: {"now": 4}}})
    assert second.id != first.id
    history = [(r["submission_id"], r["value_num"])
               for r in open_store.answer_rows(ACTIVITY, history=True)]
    assert sorted(history) == sorted([(first.id, 2.0), (second.id, 4.0)])
    latest = [(r["submission_id"], r["value_num"]) for r in open_store.answer_rows(ACTIVITY)]
    assert latest == [(second.id, 4.0)]
    assert open_store.latest_answer(ACTIVITY, member.id).answer["scores"] == {ITEMS[0]: {"now": 4}}


def test_group_scope_two_members_edit_the_same_answer(open_store):
    g1, g2 = open_store.list_groups()[:2]
    ayu, budi = open_store.join(g1.code, "Ayu"), open_store.join(g1.code, "Budi")
    other = open_store.join(g2.code, "Citra")
    open_store.submit(ACTIVITY, ayu.id, {"scores": {ITEMS[0]: {"now": 1}}})
    open_store.submit(ACTIVITY, other.id, {"scores": {ITEMS[0]: {"now": 5}}})
    open_store.submit(ACTIVITY, budi.id, {"scores": {ITEMS[0]: {"now": 3}}})
    # Ayu sees Budi's edit: one answer per group.
    seen = open_store.latest_answer(ACTIVITY, ayu.id)
    assert seen.answer["scores"] == {ITEMS[0]: {"now": 3}}
    assert seen.participant_id == budi.id
    rows = open_store.answer_rows(ACTIVITY)
    assert sorted((r["subject"], r["participant"], r["value_num"]) for r in rows) == sorted(
        [(f"g:{g1.id}", "Budi", 3.0), (f"g:{g2.id}", "Citra", 5.0)])
    assert open_store.answered_subjects(ACTIVITY) == {f"g:{g1.id}", f"g:{g2.id}"}
    assert open_store.submission_counts()[ACTIVITY] == {"subjects": 2, "revisions": 3}


def test_submission_counts_start_at_zero(store):
    counts = store.submission_counts()
    assert set(counts) == {a.id for a in store.pack.program.activities}
    assert ACTIVITY in counts
    assert all(c == {"subjects": 0, "revisions": 0} for c in counts.values())


LONG = "x" * 2001
INVALID = [
    pytest.param({"scores": {ITEMS[0]: {"now": 0}}}, "answer.score_range", id="score-0"),
    pytest.param({"scores": {ITEMS[0]: {"now": 6}}}, "answer.score_range", id="score-6"),
    pytest.param({"scores": {ITEMS[0]: {"target": 99}}}, "answer.score_range", id="score-99"),
    pytest.param({"scores": {ITEMS[0]: {"now": -1}}}, "answer.score_range", id="score-neg"),
    pytest.param({"scores": {ITEMS[0]: {"now": "3"}}}, "answer.score_type", id="str"),
    pytest.param({"scores": {ITEMS[0]: {"now": 3.5}}}, "answer.score_type", id="float"),
    pytest.param({"scores": {ITEMS[0]: {"now": 3.0}}}, "answer.score_type", id="float-whole"),
    pytest.param({"scores": {ITEMS[0]: {"now": True}}}, "answer.score_type", id="bool"),
    pytest.param({"scores": {"no_such_item": {"now": 3}}}, "answer.unknown_item", id="item"),
    pytest.param({"scores": {ITEMS[0]: {"later": 3}}}, "answer.unknown_dimension", id="dim"),
    pytest.param({"scores": {ITEMS[0]: {"now": 3}}, "reasons": {ITEMS[0]: LONG}},
                 "answer.reason_too_long", id="reason-2001"),
    pytest.param({"scores": {ITEMS[0]: {"now": 3}}, "reasons": {"no_such_item": "x"}},
                 "answer.unknown_item", id="reason-item"),
    pytest.param({"scores": {ITEMS[0]: {"now": 3}}, "reasons": {ITEMS[0]: 42}},
                 "answer.reason_type", id="reason-type"),
    pytest.param({}, "answer.empty", id="empty"),
    pytest.param({"scores": {}}, "answer.empty", id="no-scores"),
    pytest.param({"scores": {ITEMS[0]: {"now": None, "target": None}}}, "answer.empty",
                 id="all-skipped"),
    pytest.param({"reasons": {ITEMS[0]: "only a reason"}}, "answer.empty", id="reason-only"),
    pytest.param({"scores": {ITEMS[0]: {"now": 3}}, "comment": "hi"}, "answer.unknown_field",
                 id="extra-key"),
    pytest.param([("scores", 3)], "answer.not_mapping", id="list"),
    pytest.param({"scores": {ITEMS[0]: 3}}, "answer.not_mapping", id="item-not-mapping"),
]


@pytest.mark.parametrize(("answer", "key"), INVALID)
def test_invalid_answer_is_refused_and_earlier_answer_unchanged(open_store, member, answer, key):
    good = {"scores": {ITEMS[1]: {"now": 2, "target": 4}}, "reasons": {ITEMS[1]: "ok"}}
    open_store.submit(ACTIVITY, member.id, good)
    before = _snapshot(open_store)
    files_before = _rows(open_store.path, "SELECT count(*) FROM submissions")
    with pytest.raises(InvalidAnswer) as info:
        open_store.submit(ACTIVITY, member.id, answer)
    assert info.value.key == key
    assert not isinstance(info.value, ActivityClosed)
    assert _snapshot(open_store) == before
    assert _rows(open_store.path, "SELECT count(*) FROM submissions") == files_before == [(1,)]
    assert open_store.latest_answer(ACTIVITY, member.id).answer == good
    # The participant can read the refusal in both languages.
    assert info.value.message("id") and info.value.message("en")


def test_reason_of_exactly_2000_chars_is_accepted(open_store, member):
    reason = "y" * 2000
    open_store.submit(ACTIVITY, member.id, {"scores": {ITEMS[0]: {"now": 3}},
                                            "reasons": {ITEMS[0]: reason}})
    texts = [r["value_text"] for r in open_store.answer_rows(ACTIVITY) if r["field"] == "reason"]
    assert texts == [reason]


def test_html_in_a_reason_is_stored_verbatim(open_store, member):
    reason = "<script>alert('x')</script> & <b>bold</b> \"quoted\""
    open_store.submit(ACTIVITY, member.id, {"scores": {ITEMS[0]: {"now": 3}},
                                            "reasons": {ITEMS[0]: reason}})
    assert _rows(open_store.path, "SELECT value_text FROM answers WHERE field = 'reason'") == [
        (reason,)]


def test_submit_while_closed_is_activity_closed(store):
    member = store.join(store.list_groups()[0].code, "Ayu")
    with pytest.raises(ActivityClosed) as info:
        store.submit(ACTIVITY, member.id, {"scores": {ITEMS[0]: {"now": 3}}})
    assert info.value.key == "answer.closed"
    assert isinstance(info.value, InvalidAnswer)
    assert _rows(store.path, "SELECT count(*) FROM submissions") == [(0,)]


def test_closing_keeps_earlier_answers_and_refuses_new_ones(open_store, member):
    open_store.submit(ACTIVITY, member.id, {"scores": {ITEMS[0]: {"now": 3}}})
    open_store.close_activity(ACTIVITY)
    with pytest.raises(ActivityClosed):
        open_store.submit(ACTIVITY, member.id, {"scores": {ITEMS[0]: {"now": 5}}})
    assert [r["value_num"] for r in open_store.answer_rows(ACTIVITY)] == [3.0]


# -- concurrency ----------------------------------------------------------------------------


LOCK_HOLD_S = 0.2  # SQLite's busy timeout is 30 s: a wait of any length proves the same


@contextmanager
def _write_lock_held(path: Path, seconds: float = LOCK_HOLD_S):
    """Another connection takes the write lock (BEGIN IMMEDIATE, with a row of its own) and
    holds it until ``seconds`` after the write under test began. Yields ``write(fn)``: runs the
    write, checks it returned only once the holder was letting go, and gives the seconds it
    took."""
    locked, go, releasing = threading.Event(), threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def hold_lock() -> None:
        try:
            con = sqlite3.connect(path, isolation_level=None, timeout=5)
            con.execute("BEGIN IMMEDIATE")
            con.execute("INSERT INTO events (at, action, activity_id) "
                        "VALUES ('2025-01-01T00:00:00+00:00', 'other-writer', NULL)")
            locked.set()
            go.wait(5)
            time.sleep(seconds)
            releasing.set()
            con.execute("COMMIT")
            con.close()
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)
            locked.set()

    def write(fn) -> float:
        start = time.perf_counter()
        go.set()
        fn()
        waited = time.perf_counter() - start
        assert releasing.is_set(), f"the write returned after {waited:.2f} s, lock still held"
        return waited

    thread = threading.Thread(target=hold_lock)
    thread.start()
    assert locked.wait(5)
    try:
        yield write
    finally:
        go.set()
        thread.join(10)
    assert errors == []


def _page_texts(widget) -> str:
    """Everything a participant can read in a widget tree (values, labels, descriptions)."""
    parts = [v for a in ("value", "description", "placeholder")
             if isinstance(v := getattr(widget, a, None), str)]
    if callable(getattr(widget, "texts", None)):  # a card of number buttons draws its own text
        parts.append(widget.texts())
    parts += [_page_texts(child) for child in getattr(widget, "children", ())]
    return "\n".join(parts)


def test_every_write_waits_for_another_writers_lock_and_succeeds(open_store):
    """A participant's 'Kirim' on the page (store.submit) and a question (any other write) each
    meet the write lock held by another connection: each waits for it instead of failing, the
    page says 'sent' and never 'locked', and the other writer's rows are kept beside them."""
    from cityworkshop.participant import ParticipantPage

    page = ParticipantPage(open_store)
    page.code.value = open_store.list_groups()[0].code
    page.join_button.click()
    page.form.scores[ITEMS[0]]["now"].value = 4
    with _write_lock_held(open_store.path) as write:
        waited = write(page.form.send_button.click)
    assert waited >= LOCK_HOLD_S, f"submit returned after {waited:.2f} s: it did not wait"
    assert page.screen == "sent"
    assert "locked" not in _page_texts(page.widget).lower()
    assert [r["value_num"] for r in open_store.answer_rows(ACTIVITY)] == [4.0]

    open_store.open_activity("leader-questions")
    me = open_store.list_participants()[0]
    with _write_lock_held(open_store.path) as write:
        waited = write(lambda: open_store.ask("leader-questions", me.id, "Masih di sana?"))
    assert waited >= LOCK_HOLD_S, f"the question returned after {waited:.2f} s: it did not wait"
    assert len(open_store.question_rows("leader-questions")) == 1

    assert _rows(open_store.path, "SELECT count(*) FROM submissions") == [(1,)]
    assert _rows(open_store.path, "SELECT count(*) FROM events WHERE action = 'other-writer'") \
        == [(2,)]
