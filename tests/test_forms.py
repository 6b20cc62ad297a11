"""ScaleForm in plain pytest: its value is exactly what WorkshopStore.submit takes."""

from __future__ import annotations

import pytest

from cityworkshop.forms import ScaleForm
from cityworkshop.store import WorkshopStore

ACTIVITY = "disruptive-scoring"


@pytest.fixture
def activity(store: WorkshopStore):
    return store.activity(ACTIVITY)


def test_one_row_of_choices_per_item_and_dimension(activity) -> None:
    form = ScaleForm(activity)
    assert set(form.scores) == {it.id for it in activity.items}
    for dims in form.scores.values():
        assert list(dims) == ["now", "target"]
        for w in dims.values():
            assert [v for _, v in w.options] == [1, 2, 3, 4, 5]
            assert w.value is None  # not scored until tapped
            assert "cw-scale" in w._dom_classes
    assert "cw-score-mobility-target" in form.scores["mobility"]["target"]._dom_classes
    assert "cw-reason-mobility" in form.reasons["mobility"]._dom_classes
    assert form.send_button.description == "Kirim"
    assert "cw-send" in form.send_button._dom_classes


def test_empty_form_value(activity) -> None:
    assert ScaleForm(activity).value == {"scores": {}, "reasons": {}}


def test_value_is_accepted_by_the_store(open_store: WorkshopStore, activity) -> None:
    form = ScaleForm(activity)
    form.scores["mobility"]["now"].value = 2
    form.scores["mobility"]["target"].value = 4
    form.scores["environment"]["target"].value = 5
    form.reasons["mobility"].value = "Macet di Pamulang"
    form.reasons["environment"].value = "   "  # blank reasons are not sent
    assert form.value == {
        "scores": {"mobility": {"now": 2, "target": 4}, "environment": {"target": 5}},
        "reasons": {"mobility": "Macet di Pamulang"},
    }
    me = open_store.join(open_store.list_groups()[0].code, "Ayu")
    sub = open_store.submit(ACTIVITY, me.id, form.value)
    assert sub.answer == form.value


def test_set_value_round_trips_and_clears(activity) -> None:
    answer = {"scores": {"data_driven": {"now": 1, "target": 5}}, "reasons": {"data_driven": "x"}}
    form = ScaleForm(activity, initial=answer)
    assert form.value == answer
    form.set_value({"scores": {"mobility": {"now": 3}}})
    assert form.value == {"scores": {"mobility": {"now": 3}}, "reasons": {}}
    # an answer from an older program: unknown item and out-of-range score are ignored
    form.set_value({"scores": {"gone": {"now": 3}, "mobility": {"now": 9}}, "reasons": {}})
    assert form.value == {"scores": {}, "reasons": {}}


def test_progress_and_chars_left(activity) -> None:
    form = ScaleForm(activity)
    assert "0 dari 10" in form.progress.value
    form.scores["mobility"]["now"].value = 2
    form.scores["mobility"]["target"].value = 3
    form.scores["environment"]["now"].value = 1
    assert "2 dari 10" in form.progress.value
    form.reasons["mobility"].value = "abc"
    assert "1997 karakter tersisa" in form._chars_left["mobility"].value
    form.reasons["mobility"].value = "a" * 2005
    assert "5 karakter terlalu panjang" in form._chars_left["mobility"].value


def test_english_labels_and_scale_hint(activity) -> None:
    form = ScaleForm(activity, lang="en")
    assert form.send_button.description == "Send"
    hint = form.children[0].value
    assert "1 = Very weak" in hint and "5 = Very strong" in hint
    def texts(w) -> str:
        own = w.value if isinstance(getattr(w, "value", None), str) else ""
        card = w.texts() if callable(getattr(w, "texts", None)) else ""  # a ChoiceCard's own text
        return " ".join([own, card, *(texts(c) for c in getattr(w, "children", ()))])

    texts = texts(form.children[1])
    assert "Now" in texts and "Target 2029" in texts


def test_submit_callback_and_sending_state(activity) -> None:
    form = ScaleForm(activity)
    seen = []
    form.on_submit(lambda f: seen.append(f.value))
    form.scores["mobility"]["now"].value = 4
    form.send_button.click()
    assert seen == [{"scores": {"mobility": {"now": 4}}, "reasons": {}}]
    form.set_sending(True)
    assert form.send_button.disabled and form.send_button.description == "Mengirim..."
    form.set_sending(False)
    assert not form.send_button.disabled and form.send_button.description == "Kirim"


def test_status_is_escaped(activity) -> None:
    form = ScaleForm(activity)
    form.show_status("<script>alert(1)</script>", "error")
    assert "<script>" not in form.status.value
    assert "&lt;script&gt;" in form.status.value


def test_refuses_other_kinds(activity) -> None:
    other = activity.model_copy(update={"kind": "text"})
    with pytest.raises(ValueError, match="scale activity"):
        ScaleForm(other)
