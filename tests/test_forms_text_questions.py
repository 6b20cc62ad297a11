"""TextForm and QuestionsBoard in plain pytest: set values, click, assert on the store."""

from __future__ import annotations

import pytest

from cityworkshop.forms import FORM_MODULES, QuestionsBoard, ScaleForm, TextForm, form_for
from cityworkshop.store import WorkshopStore


def _me(store: WorkshopStore, group: int = 0, name: str = "Ayu"):
    return store.join(store.list_groups()[group].code, name)


# -- TextForm ---------------------------------------------------------------------------------

def test_single_entry_form_has_no_add_button_and_no_dropdown(store: WorkshopStore) -> None:
    form = TextForm(store.activity("branding-definition"))
    assert len(form.entries) == 1 and form.entries[0].item is None
    assert form.add_button.layout.display == "none"
    assert "cw-entry-text-1" in form.entries[0].text._dom_classes
    assert form.value == {"entries": [{"text": "", "item": None}]}
    form.entries[0].text.value = "Janji kota"
    assert "390 karakter tersisa" in form.entries[0].chars.value
    assert form.send_button.description == "Kirim"


def test_entries_with_items_add_remove_and_round_trip(store: WorkshopStore) -> None:
    act = store.activity("liveable-ideas")
    form = TextForm(act)
    assert form.add_button.description == "+ Tambah"
    labels = [label for label, _ in form.entries[0].item.options]
    assert labels[0] == "- pilih -" and len(labels) == 1 + len(act.items)
    for _ in range(10):
        form.add_button.click()
    assert len(form.entries) == act.max_entries == 5
    assert form.add_button.layout.display == "none"
    form.entries[0].text.value = "Satu aplikasi layanan"
    form.entries[0].item.value = "digital_services"
    form.entries[1].text.value = "Bus listrik"
    form.entries[1].item.value = "mobility"
    # untouched extra entries are not sent
    expected = {"entries": [{"text": "Satu aplikasi layanan", "item": "digital_services"},
                            {"text": "Bus listrik", "item": "mobility"}]}
    assert form.value == expected
    form.entries[0].remove_button.click()
    assert len(form.entries) == 4 and form.entries[0].text.value == "Bus listrik"
    again = TextForm(act, initial=expected)
    assert again.value == expected and len(again.entries) == 2
    again.set_value(None)
    assert len(again.entries) == 1 and again.entries[0].text.value == ""


def test_value_is_accepted_and_bad_text_refused_by_the_store(store: WorkshopStore) -> None:
    store.open_activity("branding-definition")
    me = _me(store)
    form = TextForm(store.activity("branding-definition"))
    for bad, key in (("", "masih kosong"), ("   \n ", "masih kosong"),
                     ("x" * 401, "terlalu panjang")):
        form.entries[0].text.value = bad
        with pytest.raises(Exception) as err:
            store.submit("branding-definition", me.id, form.value)
        assert key in err.value.message("id")
    form.entries[0].text.value = "<b>Merek</b> kota"
    sub = store.submit("branding-definition", me.id, form.value)
    assert sub.answer == {"entries": [dict(form.value["entries"][0], id="e00")]}
    assert "<b>" not in form.entries[0].chars.value  # counters never echo the text


def test_form_for_picks_by_kind(store: WorkshopStore) -> None:
    assert isinstance(form_for(store.activity("disruptive-scoring"), "id"), ScaleForm)
    text = form_for(store.activity("presentation-feedback"), "en",
                    initial={"entries": [{"text": "Clear", "item": "strength"}]})
    assert isinstance(text, TextForm) and text.send_button.description == "Send"
    assert text.value == {"entries": [{"text": "Clear", "item": "strength"}]}
    with pytest.raises(ValueError, match="QuestionsBoard"):
        form_for(store.activity("leader-questions"), "id")
    assert set(FORM_MODULES) == {"scale", "text", "matrix", "points", "plan"}


# -- QuestionsBoard ---------------------------------------------------------------------------

@pytest.fixture
def qstore(store: WorkshopStore) -> WorkshopStore:
    store.open_activity("leader-questions")
    return store


def _board(store: WorkshopStore, who, lang: str = "id") -> QuestionsBoard:
    return QuestionsBoard(store.activity("leader-questions"), lang, store=store,
                          participant_id=who.id)


def test_ask_empty_refused_then_asked(qstore: WorkshopStore) -> None:
    me = _me(qstore)
    board = _board(qstore, me)
    assert "Belum ada pertanyaan" in board.list_box.children[0].value
    board.question.value = "   "
    board.ask_button.click()
    assert "masih kosong" in board.status.value and qstore.question_rows("leader-questions") == []
    board.question.value = "x" * 301
    board.ask_button.click()
    assert "terlalu panjang" in board.status.value
    board.question.value = "<script>alert(1)</script> Bagaimana memulai?"
    board.ask_button.click()
    rows = qstore.question_rows("leader-questions")
    assert [r["text"] for r in rows] == ["<script>alert(1)</script> Bagaimana memulai?"]
    assert board.question.value == "" and "terkirim" in board.status.value
    card = board.list_box.children[0]
    assert "<script>" not in card.children[0].value and "&lt;script&gt;" in card.children[0].value
    assert "Ini pertanyaan Anda sendiri" in card.children[0].value
    assert board.vote_buttons == {}  # no vote button on one's own question


def test_vote_once_second_vote_ignored_with_message(qstore: WorkshopStore) -> None:
    asker, voter = _me(qstore, 0, "A"), _me(qstore, 1, "B")
    qid = qstore.ask("leader-questions", asker.id, "Apa tantangan terbesar?")
    board = _board(qstore, voter)
    assert board.vote_buttons[qid].description == "Dukung"
    board.vote_buttons[qid].click()
    assert "tercatat" in board.vote_status.value
    assert qstore.question_rows("leader-questions")[0]["votes"] == 1
    assert "Didukung" in board.vote_buttons[qid].description
    board.vote_buttons[qid].click()
    assert "sudah mendukung" in board.vote_status.value
    assert qstore.question_rows("leader-questions")[0]["votes"] == 1
    assert board.vote(qid) is False


def test_list_by_votes_answered_marked_and_refresh(qstore: WorkshopStore) -> None:
    a, b, c = _me(qstore, 0, "A"), _me(qstore, 1, "B"), _me(qstore, 2, "C")
    q1 = qstore.ask("leader-questions", a.id, "Pertama")
    board = _board(qstore, c)
    assert board.refresh() is False  # nothing new
    q2 = qstore.ask("leader-questions", b.id, "Kedua")
    qstore.vote(q2, a.id)
    qstore.mark_answered(q1)
    assert board.refresh() is True
    texts = [card.children[0].value for card in board.list_box.children]
    assert "Kedua" in texts[0] and "Pertama" in texts[1]
    assert "Sudah dijawab" in texts[1] and "1 dukungan" in texts[0]
    assert "cw-question-answered" in board.list_box.children[1]._dom_classes
    assert "(2)" in board.heading.value


def test_board_in_english_and_closed_activity(qstore: WorkshopStore) -> None:
    me = _me(qstore)
    board = _board(qstore, me, "en")
    assert board.ask_button.description == "Send question"
    qstore.close_activity("leader-questions")
    board.question.value = "Too late?"
    board.ask_button.click()
    assert "closed" in board.status.value
