"""Unsent edits survive a reload, the back button and the facilitator moving on (issue 8):
kept per participant and activity in the store, restored with a message, dropped when sent."""

from __future__ import annotations

import json

from cityworkshop.participant import ParticipantPage
from cityworkshop.store import WorkshopStore

DEFINITION, SCALE = "branding-definition", "disruptive-scoring"


def _page(store: WorkshopStore, device: str = "dev-draft-phone") -> ParticipantPage:
    page = ParticipantPage(store, lang="id")
    page.code.value = store.list_groups()[0].code
    page.device.value = device
    page.join_button.click()
    return page


def test_an_unsent_edit_comes_back_after_a_reload_and_is_said(store):
    store.open_activity(DEFINITION)
    page = _page(store)
    page.form.entries[0].text.value = "Janji kota yang belum terkirim"
    assert page.persist_draft() is True
    assert page.persist_draft() is False  # unchanged: no second write
    reloaded = _page(store)  # the same browser, after a reload: back to its seat by itself
    assert reloaded.form.entries[0].text.value == "Janji kota yang belum terkirim"
    assert "belum terkirim sudah dikembalikan" in reloaded.status.value


def test_a_sent_answer_drops_its_draft(store):
    store.open_activity(DEFINITION)
    page = _page(store)
    page.form.entries[0].text.value = "Draf"
    page.persist_draft()
    page.form.entries[0].text.value = "Terkirim"
    page.form.send_button.click()
    assert page.screen == "sent"
    assert store.draft(page.participant.id, DEFINITION) is None
    again = _page(store)
    assert again.form.entries[0].text.value == "Terkirim"
    assert "dikembalikan" not in again.status.value


def test_the_facilitator_moving_on_keeps_the_edit_in_the_store(store):
    store.open_activity(DEFINITION)
    page = _page(store)
    page.form.entries[0].text.value = "Setengah jadi"
    store.open_activity(SCALE)
    page.poll()
    assert page.activity_id == SCALE
    assert store.draft(page.participant.id, DEFINITION) == {
        "entries": [{"text": "Setengah jadi", "item": None}]}
    store.open_activity(DEFINITION)
    fresh = _page(store)  # even on another page object (a reload meanwhile)
    assert fresh.form.entries[0].text.value == "Setengah jadi"


def test_a_crafted_megabyte_is_not_kept(store):
    store.open_activity(DEFINITION)
    page = _page(store)
    page.form.entries[0].text.value = "x" * 1_000_000
    assert page.persist_draft() is False
    assert store.draft(page.participant.id, DEFINITION) is None


def test_drafts_are_per_participant(store):
    store.open_activity(DEFINITION)
    a = _page(store, "dev-draft-aaaa")
    a.form.entries[0].text.value = "punya A"
    a.persist_draft()
    b = _page(store, "dev-draft-bbbb")
    assert b.form.entries[0].text.value == ""
    raw = store.draft(a.participant.id, DEFINITION)
    assert json.dumps(raw)  # plain JSON


def test_a_question_being_typed_survives_a_reload(store):
    store.open_activity("leader-questions")
    page = _page(store, "dev-question-phone")
    assert page.screen == "questions"
    page.board.question.value = "Bagaimana merek kota bertahan setelah pergantian pimpinan?"
    assert page.persist_draft() is True
    reloaded = _page(store, "dev-question-phone")
    assert reloaded.board.question.value.startswith("Bagaimana merek kota bertahan")
    assert "dikembalikan" in reloaded.status.value
    # once asked, it is not offered again
    reloaded.board.ask_button.click()
    assert reloaded.board.question.value == ""
    reloaded.persist_draft()
    again = _page(store, "dev-question-phone")
    assert again.board.question.value == "" and "dikembalikan" not in again.status.value


def test_a_peer_rating_comes_back_to_the_group_being_rated(store):
    peer = next(a for a in store.pack.program.activities
                if a.about == "groups" and a.kind == "scale")
    store.open_activity(peer.id)
    page = _page(store, "dev-peer-phone")
    other = [v for _, v in page.about_picker.options if v][1]
    page.about_picker.value = other
    item, dims = next(iter(page.form.scores.items()))
    for w in dims.values():
        w.value = peer.scale_min
    assert page.persist_draft() is True
    reloaded = _page(store, "dev-peer-phone")
    assert reloaded.about == other and reloaded.about_picker.value == other
    assert all(w.value == peer.scale_min for w in reloaded.form.scores[item].values())
    assert "dikembalikan" in reloaded.status.value


def test_a_matrix_item_placed_on_one_axis_is_kept(store):
    store.open_activity("branding-initiatives")
    page = _page(store, "dev-matrix-phone")
    first = next(iter(page.form.x))
    page.form.x[first].value = page.form.activity.x_axis.max
    assert page.form.value == {"positions": {}}  # not sendable yet ...
    assert page.persist_draft() is True  # ... but kept
    reloaded = _page(store, "dev-matrix-phone")
    assert reloaded.form.x[first].value == page.form.activity.x_axis.max
    assert reloaded.form.y[first].value is None
    assert "dikembalikan" in reloaded.status.value
