"""Seats: who a phone is, and who it may become (issue 7, point 4).

One browser is one participant whatever names it types; another device takes an existing
member's seat only with that member's personal code; a name taken in the group is refused
without it; wrong codes are throttled. Checked on the store and on the participant page.
"""

from __future__ import annotations

import sqlite3

import pytest

from cityworkshop.errors import InvalidAnswer
from cityworkshop.participant import ParticipantPage
from cityworkshop.store import WorkshopStore
from cityworkshop.store.schema import SCHEMA_VERSION

ALPHABET = set("ABCDEFGHJKMNPQRSTUVWXYZ23456789")
SCALE = "disruptive-scoring"


@pytest.fixture
def groups(store: WorkshopStore):
    return store.list_groups()


def _count(store: WorkshopStore, sql: str) -> int:
    con = sqlite3.connect(store.path)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def test_every_participant_gets_a_personal_code(store, groups):
    a = store.join(groups[0].code, "Ayu")
    b = store.join(groups[0].code)
    assert a.seat and b.seat and a.seat != b.seat
    assert len(a.seat) == 5 and set(a.seat) <= ALPHABET
    assert store.participant(a.id).seat == a.seat


def test_a_taken_name_without_the_code_is_refused_and_nothing_changes(store, groups):
    ayu = store.join(groups[0].code, "Ayu Lestari", device="dev-ayu-phone")
    with pytest.raises(InvalidAnswer) as info:
        store.join(groups[0].code, "ayu  lestari", device="dev-intruder1")
    assert info.value.key == "join.name_taken"
    assert "ayu lestari" in info.value.message("id") and "kode pribadi" in info.value.message("id")
    with pytest.raises(InvalidAnswer):
        store.join(groups[0].code, "AYU LESTARI")  # no device at all
    assert [p.id for p in store.list_participants()] == [ayu.id]


def test_another_device_takes_the_seat_only_with_the_personal_code(open_store):
    g = open_store.list_groups()[0]
    ayu = open_store.join(g.code, "Ayu", device="dev-ayu-phone")
    with pytest.raises(InvalidAnswer) as info:
        open_store.join(g.code, "Ayu", device="dev-laptop-01", seat="ZZZZZ")
    assert info.value.key == "join.bad_seat"
    laptop = open_store.join(g.code, "Ayu", device="dev-laptop-01", seat=ayu.seat.lower())
    assert laptop.id == ayu.id and laptop.rejoined
    # the laptop is now Ayu's device: it comes back by itself
    assert open_store.join(g.code, device="dev-laptop-01").id == ayu.id


def test_the_personal_code_alone_works_without_a_name(store, groups):
    anon = store.join(groups[1].code, device="dev-anon-phone")
    again = store.join(groups[1].code, seat=anon.seat, device="dev-anon-laptop")
    assert again.id == anon.id


def test_a_personal_code_of_another_group_is_refused(store, groups):
    ayu = store.join(groups[0].code, "Ayu")
    with pytest.raises(InvalidAnswer) as info:
        store.join(groups[1].code, seat=ayu.seat)
    assert info.value.key == "join.bad_seat"


def test_one_browser_is_one_participant_whatever_names_it_types(store, groups):
    first = store.join(groups[0].code, "Ayu", device="dev-one-browser")
    for name in ("Budi", "Citra", "", None, "Dewi"):
        assert store.join(groups[0].code, name, device="dev-one-browser").id == first.id
    assert len(store.list_participants()) == 1
    assert store.participant(first.id).name == "Dewi"  # the last name typed is kept


def test_one_browser_cannot_vote_twice_under_new_names(store, groups):
    qa = next(a.id for a in store.pack.program.activities if a.kind == "questions")
    store.open_activity(qa)
    asker = store.join(groups[1].code, "Penanya", device="dev-asker-01")
    qid = store.ask(qa, asker.id, "Bagaimana memulai?")
    votes = 0
    for name in ("Ayu", "Budi", "Citra"):
        voter = store.join(groups[0].code, name, device="dev-voter-01")
        votes += store.vote(qid, voter.id)
    assert votes == 1
    assert store.question_rows(qa)[0]["votes"] == 1


def test_joining_another_group_with_the_same_browser_moves_the_participant(store, groups):
    ayu = store.join(groups[0].code, "Ayu", device="dev-wrong-group")
    moved = store.join(groups[1].code, "Ayu", device="dev-wrong-group")
    assert moved.id == ayu.id and moved.group_id == groups[1].id
    assert moved.moved_from == groups[0].id
    assert store.group_sizes() == {groups[0].id: 0, groups[1].id: 1,
                                   **{g.id: 0 for g in groups[2:]}}


def test_moving_into_a_group_where_the_name_is_taken_is_refused(store, groups):
    store.join(groups[1].code, "Ayu", device="dev-ayu-group2")
    mine = store.join(groups[0].code, "Ayu", device="dev-ayu-group1")
    with pytest.raises(InvalidAnswer) as info:
        store.join(groups[1].code, "Ayu", device="dev-ayu-group1")
    assert info.value.key == "join.name_taken"
    assert store.participant(mine.id).group_id == groups[0].id


def test_wrong_personal_codes_are_throttled(store, groups):
    store.join(groups[0].code, "Ayu")
    from cityworkshop import store as store_module

    for _ in range(store_module.SEAT_MAX_FAILURES):
        with pytest.raises(InvalidAnswer) as info:
            store.join(groups[0].code, "Ayu", seat="AAAAA")
        assert info.value.key == "join.bad_seat"
    with pytest.raises(InvalidAnswer) as info:
        store.join(groups[0].code, "Ayu", seat="AAAAA")
    assert info.value.key == "join.seat_locked"
    assert _count(store, "SELECT count(*) FROM events WHERE action = 'seat_refused'") == \
        store_module.SEAT_MAX_FAILURES


def test_a_schema_3_file_gets_personal_codes_on_opening(store, groups):
    a = store.join(groups[0].code, "Ayu")
    b = store.join(groups[0].code, "Budi")
    path = store.path
    store.close()
    con = sqlite3.connect(path)
    con.executescript("""
        PRAGMA foreign_keys = OFF;
        CREATE TABLE p3 AS SELECT id, group_id, name, name_key, joined_at, device_key
            FROM participants;
        DROP TABLE participants;
        ALTER TABLE p3 RENAME TO participants;
    """)
    con.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    with WorkshopStore(path) as again:
        seats = {p.id: p.seat for p in again.list_participants()}
        assert again.info().schema_version == SCHEMA_VERSION
    assert set(seats) == {a.id, b.id}
    assert all(s and len(s) == 5 for s in seats.values()) and len(set(seats.values())) == 2


# -- on the participant page --------------------------------------------------------------


def _page(store, code, name="", device="", seat=""):
    page = ParticipantPage(store, lang="id")
    page.code.value, page.name.value, page.device.value = code, name, device
    page.seat.value = seat
    page.join_button.click()
    return page


def test_page_refuses_a_colleagues_name_and_offers_the_personal_code(open_store):
    g = open_store.list_groups()[0]
    ayu = _page(open_store, g.code, "Ayu", "dev-ayu-phone")
    assert ayu.screen == "form"
    intruder = _page(open_store, g.code, "Ayu", "dev-intruder1")
    assert intruder.screen == "join" and intruder.participant is None
    assert "sudah dipakai" in intruder.status.value
    assert intruder.seat in intruder.body.children  # the personal-code field is now shown
    intruder.seat.value = ayu.participant.seat
    intruder.join_button.click()
    assert intruder.participant is not None and intruder.participant.id == ayu.participant.id


def test_page_shows_the_personal_code_after_joining(store):
    g = store.list_groups()[0]
    page = _page(store, g.code, "Ayu", "dev-ayu-phone")
    assert page.screen == "wait"
    assert page.participant.seat in page.seat_info.value
    assert page.is_shown(page.seat_info)


def test_the_facilitator_can_read_a_participants_personal_code(store, capsys):
    from cityworkshop.cli import main

    g = store.list_groups()
    ayu = store.join(g[0].code, "Ayu")
    store.join(g[1].code, "Budi")
    assert main(["seats", "--db", str(store.path), "--group", g[0].code.lower()]) == 0
    out = capsys.readouterr().out
    assert ayu.seat in out and "Ayu" in out and "Budi" not in out
    assert "proyektor" in out


def test_a_participant_in_the_wrong_group_switches_from_the_page(store):
    g = store.list_groups()
    store.open_activity("branding-definition")
    page = _page(store, g[0].code, "Ayu", "dev-ayu-phone")
    me = page.participant.id
    page.form.entries[0].text.value = "Janji kota"
    page.form.send_button.click()
    assert page.screen == "sent" and page.is_shown(page.switch_button)
    page.switch_button.click()
    assert page.screen == "join" and page.participant is None
    page.code.value = g[1].code
    page.join_button.click()
    assert page.participant.id == me and page.group.id == g[1].id
    assert "pindah" in page.status.value or "Kelompok 2" in page.status.value
    assert len(store.list_participants()) == 1
    # the answer already sent stays (a participant answer: it follows the participant)
    assert page.form.entries[0].text.value == "Janji kota"
