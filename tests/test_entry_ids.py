"""Stable ids of what participants create (issue 7, point 3).

An idea, a plan step or a question keeps its id from the moment it is stored; points given to
an idea follow that id, so deleting, editing or adding ideas never moves them to another idea.
A deleted idea keeps its points in the results, shown as deleted; its voters get them back on
their form and are told. Checked through the store, the analysis and the participant page.
"""

from __future__ import annotations

import threading

import pytest

from cityworkshop.analysis import answers_frame, summarize_points
from cityworkshop.errors import InvalidAnswer
from cityworkshop.forms import TextForm
from cityworkshop.participant import ParticipantPage
from cityworkshop.store import WorkshopStore

IDEAS, VOTES, PLAN = "liveable-ideas", "idea-votes", "branding-plan"
CRIT = "mobility"


@pytest.fixture
def people(store: WorkshopStore):
    g = store.list_groups()
    return {"ayu": store.join(g[0].code, "Ayu"), "budi": store.join(g[0].code, "Budi"),
            "citra": store.join(g[1].code, "Citra")}


def _ideas(*texts: str, ids: tuple[str | None, ...] = ()) -> dict:
    entries = []
    for n, text in enumerate(texts):
        entry = {"text": text, "item": CRIT}
        if n < len(ids) and ids[n]:
            entry["id"] = ids[n]
        entries.append(entry)
    return {"entries": entries}


def _points(store: WorkshopStore) -> dict[str, int]:
    summary = summarize_points(answers_frame(store.answer_rows(VOTES)))
    return {r.item_id: int(r.points) for r in summary.itertuples() if r.points}


def test_new_entries_get_ids_and_keep_them_through_edits(store, people):
    store.open_activity(IDEAS)
    sub = store.submit(IDEAS, people["ayu"].id, _ideas("Bus listrik", "Taman"))
    assert [e["id"] for e in sub.answer["entries"]] == ["e00", "e01"]
    edited = store.submit(IDEAS, people["budi"].id,
                          _ideas("Bus listrik 24 jam", "Taman", "Jalur sepeda",
                                 ids=("e00", "e01")))
    assert [(e["id"], e["text"]) for e in edited.answer["entries"]] == [
        ("e00", "Bus listrik 24 jam"), ("e01", "Taman"), ("e02", "Jalur sepeda")]


def test_a_deleted_idea_keeps_its_points_and_its_neighbours_keep_theirs(store, people):
    g1 = people["ayu"].group_id
    store.open_activity(IDEAS)
    store.submit(IDEAS, people["ayu"].id, _ideas("Bus listrik", "Taman", "Sepeda"))
    store.open_activity(VOTES)
    ideas = {it.label.get("id"): it.id for it in store.items_of(VOTES)}
    store.submit(VOTES, people["citra"].id, {"points": {ideas["Bus listrik"]: 3,
                                                         ideas["Sepeda"]: 1}})
    assert _points(store) == {f"g:{g1}#e00": 3, f"g:{g1}#e02": 1}
    # the group deletes its first idea: on today's main its 3 points moved to "Taman"
    store.open_activity(IDEAS)
    store.submit(IDEAS, people["ayu"].id, _ideas("Taman", "Sepeda", ids=("e01", "e02")))
    assert _points(store) == {f"g:{g1}#e00": 3, f"g:{g1}#e02": 1}
    live = {it.id: it.label.get("id") for it in store.items_of(VOTES)}
    assert live == {f"g:{g1}#e01": "Taman", f"g:{g1}#e02": "Sepeda"}
    labels = {it.id: it.label.get("en") for it in store.items_of(VOTES, with_deleted=True)}
    assert labels[f"g:{g1}#e00"] == "(deleted) Bus listrik"
    assert labels[f"g:{g1}#e01"] == "Taman"


def test_ids_are_never_reused_after_a_delete(store, people):
    store.open_activity(IDEAS)
    store.submit(IDEAS, people["ayu"].id, _ideas("A", "B"))
    store.submit(IDEAS, people["ayu"].id, _ideas("A", ids=("e00",)))  # B deleted
    again = store.submit(IDEAS, people["ayu"].id, _ideas("A", "C", ids=("e00",)))
    assert [e["id"] for e in again.answer["entries"]] == ["e00", "e02"]  # not B's e01


def test_ids_sort_by_number_past_99(store, people):
    store.open_activity(IDEAS)
    store.submit(IDEAS, people["ayu"].id, _ideas("x", ids=("e98",)))
    sub = store.submit(IDEAS, people["ayu"].id, _ideas("x", "y", ids=("e98",)))
    sub = store.submit(IDEAS, people["ayu"].id, _ideas("x", "y", "z", ids=("e98", "e99")))
    assert [e["id"] for e in sub.answer["entries"]] == ["e98", "e99", "e100"]


@pytest.mark.parametrize("bad", ["E00", "e0", "x01", "e00; DROP", 7, ["e00"], "s00"])
def test_malformed_or_foreign_ids_are_refused(store, people, bad):
    store.open_activity(IDEAS)
    with pytest.raises(InvalidAnswer) as info:
        store.submit(IDEAS, people["ayu"].id, {"entries": [{"text": "A", "item": CRIT,
                                                             "id": bad}]})
    assert info.value.key == "answer.unknown_item"


def test_the_same_id_twice_is_refused(store, people):
    store.open_activity(IDEAS)
    with pytest.raises(InvalidAnswer) as info:
        store.submit(IDEAS, people["ayu"].id, _ideas("A", "B", ids=("e00", "e00")))
    assert info.value.key == "answer.duplicate_entry"


def test_two_members_adding_at_once_get_different_ids(store, people):
    store.open_activity(IDEAS)
    results, errors = [], []

    def add(who: str, text: str) -> None:
        try:
            results.append(store.submit(IDEAS, people[who].id, _ideas(text)))
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=add, args=(w, t)) for w, t in
               (("ayu", "Satu"), ("budi", "Dua"))]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    ids = sorted(r.answer["entries"][0]["id"] for r in results)
    assert ids == ["e00", "e01"]


def test_plan_steps_keep_their_ids_when_one_is_removed(store, people):
    store.open_activity(PLAN)
    owner = store.owners()[0]
    step = {"phase": "goals", "what": "Forum", "owner": owner, "start": "2027-01",
            "end": "2027-02", "kpi": "Dokumen"}
    sub = store.submit(PLAN, people["ayu"].id, {"steps": [step, dict(step, what="Survei"),
                                                           dict(step, what="Logo")]})
    assert [s["id"] for s in sub.answer["steps"]] == ["s00", "s01", "s02"]
    kept = [dict(s) for s in sub.answer["steps"] if s["what"] != "Survei"]
    again = store.submit(PLAN, people["ayu"].id, {"steps": kept})
    assert [(s["id"], s["what"]) for s in again.answer["steps"]] == [("s00", "Forum"),
                                                                      ("s02", "Logo")]


def test_the_text_form_sends_the_ids_it_was_given_and_none_for_new_entries(store):
    act = store.activity(IDEAS)
    form = TextForm(act, "id", initial={"entries": [
        {"text": "A", "item": CRIT, "id": "e00"}, {"text": "B", "item": CRIT, "id": "e03"}]})
    form.remove_entry(0)
    form.add_button.click()
    form.entries[1].text.value = "C"
    form.entries[1].item.value = CRIT
    assert form.value == {"entries": [{"text": "B", "item": CRIT, "id": "e03"},
                                      {"text": "C", "item": CRIT}]}


def _join(page: ParticipantPage, code: str, name: str, device: str) -> None:
    page.code.value, page.name.value, page.device.value = code, name, device
    page.join_button.click()


def test_on_the_page_an_edit_after_sending_keeps_the_ideas_ids(store):
    g = store.list_groups()[0]
    store.open_activity(IDEAS)
    page = ParticipantPage(store, lang="id")
    _join(page, g.code, "Ayu", "dev-ayu-phone")
    page.form.entries[0].text.value = "Bus listrik"
    page.form.entries[0].item.value = CRIT
    page.form.send_button.click()
    assert page.screen == "sent"
    page.edit_button.click()
    page.form.entries[0].text.value = "Bus listrik 24 jam"  # the same idea, reworded
    page.form.send_button.click()
    rows = [r for r in store.answer_rows(IDEAS) if r["field"] == "text"]
    assert [(r["item_id"], r["value_text"]) for r in rows] == [("e00", "Bus listrik 24 jam")]


def test_a_voter_gets_points_on_a_deleted_idea_back_and_is_told(store, people):
    g1 = people["ayu"].group_id
    store.open_activity(IDEAS)
    store.submit(IDEAS, people["ayu"].id, _ideas("Bus listrik", "Taman"))
    store.open_activity(VOTES)
    voter = ParticipantPage(store, lang="id")
    _join(voter, store.list_groups()[1].code, "Dedi", "dev-dedi-phone")
    voter.form.set_value({"points": {f"g:{g1}#e00": 3, f"g:{g1}#e01": 2}})
    voter.form.send_button.click()
    assert voter.screen == "sent"
    store.submit(IDEAS, people["ayu"].id, _ideas("Taman", ids=("e01",)), require_open=False)
    again = ParticipantPage(store, lang="id")
    _join(again, store.list_groups()[1].code, "", "dev-dedi-phone")
    assert again.form.value == {"points": {f"g:{g1}#e01": 2}}
    assert "3 poin Anda ada pada gagasan yang sudah dihapus" in again.status.value
