"""A form shown again keeps its widgets: "Kirim" and "Ubah" send the phone nothing new to draw.

After "Kirim" the page shows the stored answer again (new ideas and plan steps get their ids);
a group member's newer answer is shown on an unedited form. The text and plan forms used to
build every entry or step anew for that, so that each "Kirim" on a plan made a phone (with a
CPU four times slower than this machine's, ``bench/bench_phone.py``) draw some hundred new
widget views and the server kept the old ones until the page closed. Now an entry or step keeps
its widgets and only shows the new values; widgets are made only for the positions that are
new.
"""

from __future__ import annotations

from ipywidgets.widgets import widget as widget_module

from cityworkshop.forms import PlanForm, TextForm
from cityworkshop.participant import ParticipantPage
from cityworkshop.store import WorkshopStore

IDEAS, PLAN, REFLECTION = "liveable-ideas", "branding-plan", "reflection"


def _live() -> int:
    """How many widget models exist (every one is a view to draw on a phone that shows it)."""
    return len(widget_module._instances)


def _step(phase: str, what: str, **more: str) -> dict[str, str]:
    return {"phase": phase, "what": what, "owner": more.get("owner", ""),
            "start": more.get("start", ""), "end": more.get("end", ""),
            "kpi": more.get("kpi", "")}


def test_the_text_form_shows_a_new_value_in_the_same_widgets(store: WorkshopStore):
    form = TextForm(store.activity(IDEAS), items=store.items_of(store.activity(IDEAS)))
    form.set_value({"entries": [{"text": "Bus listrik", "item": "mobility"},
                                {"text": "Taman", "item": None}]})
    boxes, areas = [e.box for e in form.entries], [e.text for e in form.entries]
    before = _live()
    form.set_value({"entries": [{"text": "Bus listrik 24 jam", "item": "mobility", "id": "e00"},
                                {"text": "Taman kota", "item": None, "id": "e01"}]})
    assert _live() == before
    assert [e.box for e in form.entries] == boxes and [e.text for e in form.entries] == areas
    assert form.value == {"entries": [
        {"text": "Bus listrik 24 jam", "item": "mobility", "id": "e00"},
        {"text": "Taman kota", "item": None, "id": "e01"}]}
    assert list(form.entry_box.children) == boxes


def test_the_text_form_drops_and_adds_positions_and_clears_what_is_not_given(store):
    form = TextForm(store.activity(IDEAS), items=store.items_of(store.activity(IDEAS)))
    form.set_value({"entries": [{"text": "A", "item": "mobility", "id": "e00"},
                                {"text": "B", "item": None, "id": "e01"}]})
    first = form.entries[0]
    form.set_value({"entries": [{"text": "C", "item": "not-an-item"}]})
    assert form.entries == [first] and len(form.entry_box.children) == 1
    # an unknown item is shown as none chosen, and the id is gone with the old value
    assert form.value == {"entries": [{"text": "C", "item": None}]}
    form.set_value({"entries": [{"text": "D"}, {"text": "E"}, {"text": "F"}]})
    assert form.entries[0] is first and len(form.entries) == 3
    assert [e["text"] for e in form.value["entries"]] == ["D", "E", "F"]
    assert [e.n for e in form.entries] == [1, 2, 3]
    # removing the middle entry moves the third up into the second's widgets
    second = form.entries[1]
    form.remove_entry(1)
    assert form.entries[1] is second and [e["text"] for e in form.value["entries"]] == ["D", "F"]
    form.set_value(None)
    assert form.entries == [first] and form.value == {"entries": [{"text": "", "item": None}]}


def test_the_plan_form_shows_a_new_value_in_the_same_steps(store: WorkshopStore):
    activity = store.activity(PLAN)
    owners = store.pack.city.opds
    form = PlanForm(activity, owners=owners)
    phase = activity.items[0].id
    owner = owners[0].id
    form.set_value({"steps": [_step(phase, "Lokakarya", owner=owner, start="2027-01",
                                    end="2027-02", kpi="50 peserta"), _step(phase, "Survei")]})
    cards = [s.card for s in form._steps]
    before = _live()
    stored = {"steps": [dict(_step(phase, "Lokakarya visi", owner=owner, start="2027-01",
                                   end="2027-03", kpi="60 peserta"), id="s00"),
                        dict(_step(phase, "Survei"), id="s01")]}
    form.set_value(stored)
    assert _live() == before and [s.card for s in form._steps] == cards
    assert form.value == stored
    # fewer steps: the first keeps its widgets; fields not given and choices not offered
    # are shown empty, and the old id is not sent again
    form.set_value({"steps": [{"phase": "no-such-phase", "what": "Baru"}]})
    assert [s.card for s in form._steps] == cards[:1]
    assert form.value == {"steps": [_step("", "Baru")]}
    form.set_value({"steps": []})
    assert [s.card for s in form._steps] == cards[:1] and form.value == {"steps": []}


def test_kirim_and_ubah_on_the_page_make_no_new_widgets(store: WorkshopStore):
    """The page after "Kirim" (the stored answer shown again) and after "Ubah"."""
    g = store.list_groups()[0]
    for aid, answer in ((REFLECTION, None), (PLAN, None)):
        store.open_activity(aid)
        page = ParticipantPage(store)
        page.code.value, page.name.value = g.code, f"Ayu {aid}"
        page.join()
        assert page.screen == "form" and page.form.activity.id == aid
        form = page.form
        if aid == REFLECTION:
            form.entries[0].text.value = "Kota yang ramah pejalan kaki"
        else:
            activity = store.activity(PLAN)
            step = form.steps[0]
            step["phase"].value = activity.items[0].id
            step["what"].value = "Lokakarya visi"
            step["owner"].value = store.pack.city.opds[0].id
            step["start"].value, step["end"].value = "2027-01", "2027-02"
            step["kpi"].value = "50 peserta"
        page.submit()
        assert page.screen == "sent", page.status.value
        before = _live()
        page._show_form()  # "Ubah"
        assert page.screen == "form" and page.form is form
        page.submit()
        assert page.screen == "sent"
        assert _live() == before, f"{aid}: {_live() - before} new widgets for Kirim + Ubah"
        answer = store.latest_answer(aid, page.participant.id).answer
        assert answer == {k: v for k, v in {**form.value}.items()}
        store.close_activity(aid)


def test_terkirim_is_shown_over_the_kept_form_and_ubah_shows_it_again(store: WorkshopStore):
    """Between the form and "Terkirim" only what is shown changes: the body keeps the form."""
    g = store.list_groups()[0]
    store.open_activity(REFLECTION)
    page = ParticipantPage(store)
    page.code.value, page.name.value = g.code, "Budi"
    page.join()
    form, body = page.form, page.body
    parts = list(body.children)
    assert page.is_shown(form) and not page.is_shown(page.sent_info)
    assert not page.is_shown(page.switch_button)  # the foot is only on waiting and sent screens
    form.entries[0].text.value = "Kota hijau"
    page.submit()
    assert page.screen == "sent" and page.body is body and list(body.children) == parts
    assert not page.is_shown(form) and body.layout.display == "none"
    assert page.is_shown(page.sent_info) and page.is_shown(page.edit_button)
    assert page.is_shown(page.switch_button) and page.is_shown(page.seat_info)
    assert "Terkirim" in page.sent_info.value and "Kota hijau" in page.sent_info.value
    page._show_form()  # "Ubah"
    assert page.screen == "form" and page.is_shown(form) and list(body.children) == parts
    assert not page.is_shown(page.sent_info) and form.entries[0].text.value == "Kota hijau"
    # the facilitator closes it: the waiting screen, its foot shown, nothing else
    store.close_activity(REFLECTION)
    page.poll(force=True)
    assert page.screen == "wait" and page.is_shown(page.check_button)
    assert page.is_shown(page.switch_button) and not page.is_shown(page.edit_button)
    assert not page.is_shown(form)
