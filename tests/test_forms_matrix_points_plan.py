"""MatrixForm, PointsForm and PlanForm in plain pytest: built on the reference pack's activities,
filled in by setting widget values and clicking buttons, their value sent through a real store."""

from __future__ import annotations

from html import unescape
from pathlib import Path

import pytest

from cityworkshop.content import Item, Text, load_pack
from cityworkshop.errors import InvalidAnswer
from cityworkshop.forms.matrix import MatrixForm
from cityworkshop.forms.plan import PlanForm
from cityworkshop.forms.points import PointsForm
from cityworkshop.store import WorkshopStore


@pytest.fixture(scope="module")
def pack():
    return load_pack()


@pytest.fixture
def ws(tmp_path: Path):
    with WorkshopStore.create(tmp_path / "w.db", groups=3, seed=1) as s:
        yield s


def _member(store: WorkshopStore, group: int = 0, name: str = "Ayu"):
    return store.join(store.list_groups()[group].code, name)


def _texts(widget) -> str:
    """Every HTML/label text inside a widget tree."""
    own = widget.value if isinstance(getattr(widget, "value", None), str) else ""
    desc = getattr(widget, "description", "") or ""
    card = widget.texts() if callable(getattr(widget, "texts", None)) else ""  # a ChoiceCard
    return " ".join([own, desc, card, *(_texts(c) for c in getattr(widget, "children", ()))])


def _item(item_id: str, label: str, group: str | None = None) -> Item:
    return Item(id=item_id, label=Text(id=label, en=label),
                help=Text(id=group, en=group) if group else None)


# -- MatrixForm --------------------------------------------------------------------------------


@pytest.fixture
def matrix(pack):
    return pack.program.activity("branding-initiatives")


def test_matrix_two_rows_of_numbers_per_item_with_axis_words(matrix) -> None:
    form = MatrixForm(matrix)
    assert list(form.x) == list(form.y) == [it.id for it in matrix.items]
    for item_id in form.x:
        for axis, w in (("x", form.x[item_id]), ("y", form.y[item_id])):
            assert [v for _, v in w.options] == [1, 2, 3, 4, 5]
            assert w.value is None
            assert f"cw-{axis}-{item_id}" in w._dom_classes
    text = _texts(form)
    assert "Dampak (kecil 1 - 5 besar)" in text
    assert "Urgensi (bisa menunggu 1 - 5 mendesak)" in text
    assert "Identitas visual kota yang seragam" in text
    assert "0 dari 8 inisiatif" in form.progress.value
    assert form.send_button.description == "Kirim" and "cw-send" in form.send_button._dom_classes
    english = _texts(MatrixForm(matrix, "en"))
    assert "Impact (low 1 - 5 high)" in english and "Urgency (can wait 1 - 5 urgent)" in english


def test_matrix_value_goes_through_the_store(ws: WorkshopStore, matrix) -> None:
    ws.open_activity("branding-initiatives")
    me = _member(ws)
    form = MatrixForm(ws.activity("branding-initiatives"))
    form.x["city_story"].value, form.y["city_story"].value = 4, 5
    form.x["signature_event"].value, form.y["signature_event"].value = 2, 1
    assert form.value == {"positions": {"city_story": {"x": 4, "y": 5},
                                        "signature_event": {"x": 2, "y": 1}}}
    assert "2 dari 8" in form.progress.value
    seen = []
    form.on_submit(lambda f: seen.append(ws.submit("branding-initiatives", me.id, f.value)))
    form.send_button.click()
    assert len(seen) == 1
    assert ws.latest_answer("branding-initiatives", me.id).answer == form.value


def test_matrix_item_on_one_axis_is_named_and_not_sent(matrix) -> None:
    form = MatrixForm(matrix)
    seen = []
    form.on_submit(seen.append)
    form.send_button.click()
    assert seen == [] and "Tempatkan setidaknya satu inisiatif" in form.status.value
    form.x["ambassadors"].value = 3  # y missing
    assert form.value == {"positions": {}}
    form.send_button.click()
    assert seen == []
    assert "Duta warga dan komunitas" in form.status.value and "kedua sumbu" in form.status.value
    form.y["ambassadors"].value = 3
    form.send_button.click()
    assert seen == [form]


def test_matrix_set_value_round_trips_and_ignores_unknowns(matrix) -> None:
    answer = {"positions": {"visual_identity": {"x": 1, "y": 5}, "service_proof": {"x": 5, "y": 2}}}
    form = MatrixForm(matrix, initial=answer)
    assert form.value == answer
    form.set_value(form.value)
    assert form.value == answer
    form.set_value({"positions": {"gone": {"x": 1, "y": 1}, "city_story": {"x": 9, "y": 2},
                                  "ambassadors": {"x": True, "y": 2}}})
    assert form.value == {"positions": {}}
    assert form.y["city_story"].value == 2 and form.x["city_story"].value is None
    form.set_value(None)
    assert all(w.value is None for w in [*form.x.values(), *form.y.values()])


def test_matrix_status_sending_and_other_kinds(matrix, pack) -> None:
    form = MatrixForm(matrix)
    form.show_status("<script>alert(1)</script>", "error")
    assert "<script>" not in form.status.value and "&lt;script&gt;" in form.status.value
    form.set_sending(True)
    assert form.send_button.disabled and form.send_button.description == "Mengirim..."
    form.set_sending(False)
    assert not form.send_button.disabled and form.send_button.description == "Kirim"
    with pytest.raises(ValueError, match="matrix activity"):
        MatrixForm(pack.program.activity("branding-plan"))


# -- PointsForm --------------------------------------------------------------------------------


@pytest.fixture
def votes(pack):
    return pack.program.activity("idea-votes")


@pytest.fixture
def ideas_store(ws: WorkshopStore) -> WorkshopStore:
    """Two groups have sent ideas, one of them with HTML in it."""
    ws.open_activity("liveable-ideas")
    crit = ws.activity("liveable-ideas").items
    a, b = _member(ws, 0, "Ayu"), _member(ws, 1, "Budi")
    ws.submit("liveable-ideas", a.id, {"entries": [
        {"text": "Satu aplikasi untuk semua layanan", "item": crit[0].id},
        {"text": "<script>alert('x')</script> & <b>taman</b>", "item": crit[1].id}]})
    ws.submit("liveable-ideas", b.id, {"entries": [
        {"text": "Bus listrik ke stasiun", "item": crit[2].id}]})
    ws.close_activity("liveable-ideas")
    ws.open_activity("idea-votes")
    return ws


def test_points_rows_show_ideas_as_text_with_their_group(ideas_store, votes) -> None:
    items = ideas_store.items_of("idea-votes")
    assert len(items) == 3
    form = PointsForm(votes, items=items)
    groups = ideas_store.list_groups()
    for it in items:
        css = it.id.replace(":", "-").replace("#", "-")
        assert f"cw-plus-{css}" in form.plus[it.id]._dom_classes
        assert f"cw-minus-{css}" in form.minus[it.id]._dom_classes
    rows = [c for c in form.children if any(k.startswith("cw-points-g-") for k in c._dom_classes)]
    assert len(rows) == 3
    html_row = next(r for r in rows if "taman" in _texts(r))
    shown = _texts(html_row)
    assert "<script>" not in shown and "<b>" not in shown
    assert ("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;b&gt;taman&lt;/b&gt;"
            in shown)
    assert groups[0].name in shown
    assert "Sisa poin: 5 dari 5" in form.remaining.value


def test_points_budget_and_per_item_limit_cannot_be_exceeded_by_clicking(votes) -> None:
    items = [_item("a", "Ide A", "Kelompok 1"), _item("b", "Ide B", "Kelompok 2"),
             _item("c", "Ide C", "Kelompok 3")]
    form = PointsForm(votes, items=items)
    assert form.minus["a"].disabled  # nothing to take back yet
    for _ in range(5):
        form.plus["a"].click()
    assert form.counts["a"] == 3 and form.plus["a"].disabled  # max_per_item 3
    assert "Sisa poin: 2 dari 5" in form.remaining.value
    for _ in range(5):
        form.plus["b"].click()
    assert form.value == {"points": {"a": 3, "b": 2}}
    assert "Sisa poin: 0 dari 5" in form.remaining.value
    assert all(form.plus[i].disabled for i in "abc")
    form.plus["c"].click()  # pressed anyway (a slow phone): still ignored
    for _ in range(3):
        form.minus["c"].click()
    assert form.value == {"points": {"a": 3, "b": 2}} and form.left == 0
    form.minus["a"].click()
    assert form.value == {"points": {"a": 2, "b": 2}}
    assert not form.plus["c"].disabled and "Sisa poin: 1 dari 5" in form.remaining.value


def test_points_value_goes_through_the_store(ideas_store, votes) -> None:
    items = ideas_store.items_of("idea-votes")
    me = _member(ideas_store, 2, "Citra")
    form = PointsForm(ideas_store.activity("idea-votes"), items=items)
    seen = []
    form.on_submit(seen.append)
    form.send_button.click()  # no dot given yet: said, not sent
    assert seen == [] and "setidaknya satu dari 5 poin" in form.status.value
    form.plus[items[2].id].click()
    form.plus[items[2].id].click()
    form.plus[items[0].id].click()
    form.send_button.click()
    assert seen == [form]
    ideas_store.submit("idea-votes", me.id, form.value)
    latest = ideas_store.latest_answer("idea-votes", me.id)
    assert latest.answer == {"points": {items[0].id: 1, items[2].id: 2}} == form.value


def test_points_set_value_round_trips_and_never_shows_more_than_allowed(votes) -> None:
    items = [_item(x, f"Ide {x}") for x in "abcd"]
    form = PointsForm(votes, items=items, initial={"points": {"b": 1, "d": 3}})
    assert form.value == {"points": {"b": 1, "d": 3}}
    form.set_value(form.value)
    assert form.value == {"points": {"b": 1, "d": 3}} and form.left == 1
    form.set_value({"points": {"a": 3, "b": 3, "c": -2, "gone": 1, "d": True}})
    assert form.value == {"points": {"a": 3, "b": 2}} and form.left == 0
    form.set_value({"points": {"a": 99}})
    assert form.value == {"points": {"a": 3}}
    form.set_value(None)
    assert form.value == {"points": {}} and form.left == 5


def test_points_without_ideas_says_so(votes) -> None:
    form = PointsForm(votes)  # idea-votes has no fixed items
    assert form.send_button.disabled
    assert "Belum ada gagasan" in _texts(form)
    form.set_sending(False)
    assert form.send_button.disabled


# -- PlanForm ----------------------------------------------------------------------------------


@pytest.fixture
def plan(pack):
    return pack.program.activity("branding-plan")


def _fill(step, phase="goals", what="Lokakarya visi", owner="setda", start="2027-01",
          end="2027-03", kpi="1 dokumen visi") -> None:
    step["phase"].value, step["what"].value, step["owner"].value = phase, what, owner
    step["start"].value, step["end"].value, step["kpi"].value = start, end, kpi


def test_plan_starts_with_one_empty_step_with_its_choices(plan, pack) -> None:
    form = PlanForm(plan, owners=pack.city.opds)
    assert len(form.steps) == 1 and form.value == {"steps": []}
    step = form.steps[0]
    for field in ("phase", "what", "owner", "start", "end", "kpi"):
        assert f"cw-plan-{field}-1" in step[field]._dom_classes
    assert [v for _, v in step["phase"].options] == ["", *(it.id for it in plan.items)]
    owners = dict((v, label) for label, v in step["owner"].options)
    assert owners["diskominfo"] == "Dinas Komunikasi dan Informatika"
    months = step["start"].options
    assert months[1] == ("Jan 2027", "2027-01") and months[8] == ("Agu 2027", "2027-08")
    assert months[-1] == ("Des 2029", "2029-12") and len(months) == 1 + 36
    en = PlanForm(plan, "en", owners=pack.city.opds).steps[0]
    assert en["end"].options[8] == ("Aug 2027", "2027-08")
    assert "cw-plan-add" in form.add_button._dom_classes
    assert form.add_button.description == "+ Tambah langkah"
    assert "cw-plan-remove-1" in form.remove_buttons[0]._dom_classes


def test_plan_value_goes_through_the_store(ws: WorkshopStore, plan) -> None:
    ws.open_activity("branding-plan")
    me = _member(ws)
    form = PlanForm(ws.activity("branding-plan"), owners=ws.pack.city.opds)
    _fill(form.steps[0], what="  Lokakarya visi  ")
    form.add_button.click()
    _fill(form.steps[1], phase="audit", what="Survei <b>citra</b> kota", owner="diskominfo",
          start="2027-04", end="2027-04", kpi="1.000 responden")
    expected = {"steps": [
        {"phase": "goals", "what": "Lokakarya visi", "owner": "setda", "start": "2027-01",
         "end": "2027-03", "kpi": "1 dokumen visi"},
        {"phase": "audit", "what": "Survei <b>citra</b> kota", "owner": "diskominfo",
         "start": "2027-04", "end": "2027-04", "kpi": "1.000 responden"}]}
    assert form.value == expected
    seen = []
    form.on_submit(lambda f: seen.append(ws.submit("branding-plan", me.id, f.value)))
    form.send_button.click()
    assert len(seen) == 1
    assert ws.latest_answer("branding-plan", me.id).answer == {
        "steps": [dict(step, id=f"s{n:02d}") for n, step in enumerate(expected["steps"])]}


def test_plan_end_before_start_is_named_at_once_and_not_sent(ws: WorkshopStore, plan) -> None:
    ws.open_activity("branding-plan")
    me = _member(ws)
    form = PlanForm(plan, owners=ws.pack.city.opds)
    seen = []
    form.on_submit(seen.append)
    _fill(form.steps[0], start="2027-06", end="2027-03")
    message = "Langkah 1: bulan selesai (Mar 2027) tidak boleh sebelum bulan mulai (Jun 2027)."
    assert message in form._steps[0].problem.value  # shown before pressing "Kirim"
    form.send_button.click()
    assert seen == [] and message in form.status.value
    with pytest.raises(InvalidAnswer) as err:  # the store refuses it too
        ws.submit("branding-plan", me.id, form.value)
    assert err.value.key == "answer.plan_end_before_start"
    form.steps[0]["end"].value = "2027-06"
    assert form._steps[0].problem.value == ""
    form.send_button.click()
    assert seen == [form]


def test_plan_missing_field_is_named(plan, pack) -> None:
    form = PlanForm(plan, owners=pack.city.opds)
    seen = []
    form.on_submit(seen.append)
    form.send_button.click()
    assert seen == [] and "Tambahkan setidaknya satu langkah" in form.status.value
    _fill(form.steps[0], kpi="   ")
    form.send_button.click()
    assert seen == []
    assert 'Langkah 1: isi kolom "KPI (ukuran keberhasilan)".' in unescape(form.status.value)
    assert "KPI (ukuran keberhasilan)" in form._steps[0].problem.value  # shown at the step too
    form.steps[0]["kpi"].value = "x" * 301
    form.send_button.click()
    assert seen == [] and "terlalu panjang (301 karakter)" in form.status.value
    english = PlanForm(plan, "en", owners=pack.city.opds)
    _fill(english.steps[0], owner="")
    english.send_button.click()
    assert 'Step 1: fill in "Owning OPD".' in unescape(english.status.value)


def test_plan_add_and_remove_steps_renumbers_them(plan, pack) -> None:
    form = PlanForm(plan, owners=pack.city.opds)
    for _ in range(3):
        form.add_button.click()
    assert len(form.steps) == 4
    for n, step in enumerate(form.steps, start=1):
        step["what"].value = f"langkah {n}"
    form.remove_buttons[1].click()  # remove step 2
    assert [s["what"].value for s in form.steps] == ["langkah 1", "langkah 3", "langkah 4"]
    moved = form.steps[1]["what"]
    assert "cw-plan-what-2" in moved._dom_classes and "cw-plan-what-3" not in moved._dom_classes
    assert "cw-plan-remove-3" in form.remove_buttons[2]._dom_classes
    assert form.remove_buttons[2].description == "Hapus langkah 3"
    while form.add_step():
        pass
    assert len(form.steps) == plan.max_steps and form.add_button.disabled
    form.add_button.click()
    assert len(form.steps) == plan.max_steps
    form.remove_buttons[0].click()
    assert not form.add_button.disabled


def test_plan_set_value_round_trips_and_ignores_stale_choices(plan, pack) -> None:
    answer = {"steps": [
        {"phase": "monitor", "what": "Evaluasi", "owner": "bappelitbangda", "start": "2029-01",
         "end": "2029-12", "kpi": "laporan"},
        {"phase": "essence", "what": "Logo", "owner": "disbudpar", "start": "2027-02",
         "end": "2027-05", "kpi": "logo"}]}
    form = PlanForm(plan, owners=pack.city.opds, initial=answer)
    assert form.value == answer
    form.set_value(form.value)
    assert form.value == answer and len(form.steps) == 2
    form.set_value({"steps": [{"phase": "gone", "what": "A", "owner": "nobody",
                               "start": "2020-01", "end": "2027-02", "kpi": "k"}]})
    assert form.value == {"steps": [{"phase": "", "what": "A", "owner": "", "start": "",
                                     "end": "2027-02", "kpi": "k"}]}
    form.set_value(None)
    assert len(form.steps) == 1 and form.value == {"steps": []}


def test_plan_needs_owners_and_a_plan_activity(plan, pack) -> None:
    with pytest.raises(ValueError, match="owners"):
        PlanForm(plan)
    with pytest.raises(ValueError, match="plan activity"):
        PlanForm(pack.program.activity("branding-initiatives"), owners=pack.city.opds)
    ids = PlanForm(plan, owners=("setda", "dlh")).steps[0]["owner"].options
    assert ids == (("Pilih...", ""), ("setda", "setda"), ("dlh", "dlh"))
