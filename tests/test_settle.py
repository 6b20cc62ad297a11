"""'Kirim' pressed right after typing waits for the last typing (forms/_base.when_settled)."""

from __future__ import annotations

import asyncio
import time

from cityworkshop.forms import _base, form_for
from cityworkshop.store import WorkshopStore


def _text_form(store: WorkshopStore):
    form = form_for(store.activity("branding-definition"), "id", items=(), owners=(),
                    initial=None)
    sent: list[str] = []
    form.on_submit(lambda f: sent.append(f.value["entries"][0]["text"]))
    return form, sent


def test_a_click_right_after_typing_waits_for_the_held_typing(store: WorkshopStore) -> None:
    form, sent = _text_form(store)

    async def phone() -> None:
        form.entries[0].text.value = "Janji kota"
        form.send_button.click()  # within RECENT_S of the change
        assert sent == [] and form.send_button.description == "Mengirim..."
        form.send_button.click()  # a second press while waiting: still one send
        await asyncio.sleep(0.1)
        form.entries[0].text.value = "Janji kota kepada warga, ditepati"  # held, arrives late
        await asyncio.sleep(_base.SETTLE_S + 0.3)

    asyncio.run(phone())
    assert sent == ["Janji kota kepada warga, ditepati"]
    assert form.send_button.description == "Kirim"


def test_a_click_after_a_pause_sends_at_once(store: WorkshopStore) -> None:
    form, sent = _text_form(store)
    form.entries[0].text.value = "Janji kota"
    form.entries[0].text._cw_changed_at = time.monotonic() - 1.0  # typed a second ago

    async def phone() -> None:
        form.send_button.click()
        assert sent == ["Janji kota"]

    asyncio.run(phone())


def test_a_field_that_never_settles_is_sent_after_the_longest_wait(store: WorkshopStore,
                                                                   monkeypatch) -> None:
    monkeypatch.setattr(_base, "SETTLE_MAX_S", 0.5)
    form, sent = _text_form(store)

    async def phone() -> None:
        form.entries[0].text.value = "a"
        form.send_button.click()
        for i in range(12):  # keeps changing every 0.1 s
            await asyncio.sleep(0.1)
            form.entries[0].text.value = f"a{i}"
        await asyncio.sleep(0.2)

    asyncio.run(phone())
    assert len(sent) == 1 and sent[0].startswith("a")


def test_asking_a_question_waits_for_the_held_typing_too(store: WorkshopStore) -> None:
    from cityworkshop.forms import QuestionsBoard

    store.open_activity("leader-questions")
    p = store.join(store.list_groups()[0].code, "Ayu")
    board = QuestionsBoard(store.activity("leader-questions"), "id", store=store,
                           participant_id=p.id)

    async def phone() -> None:
        board.question.value = "Bagaimana"
        board.ask_button.click()
        await asyncio.sleep(0.1)
        board.question.value = "Bagaimana meyakinkan staf senior?"
        await asyncio.sleep(_base.SETTLE_S + 0.3)

    asyncio.run(phone())
    assert [r["text"] for r in store.question_rows("leader-questions")] == [
        "Bagaimana meyakinkan staf senior?"]
    assert board.question.value == ""


def test_a_click_right_after_a_number_press_waits_for_the_held_press(store: WorkshopStore) -> None:
    """A matrix item placed offline comes back as two changes of its one card widget, the second
    held by the phone until the server answered the first, while "Kirim" goes at once."""
    form = form_for(store.activity("branding-initiatives"), "id", items=None, owners=(),
                    initial=None)
    sent: list[dict] = []
    form.on_submit(lambda f: sent.append(f.value["positions"]))
    card = form.cards["city_story"]

    async def phone() -> None:
        card.values = {"x": 4}  # as the page sends it: the card's whole state
        form.send_button.click()
        assert sent == [] and form.send_button.description == "Mengirim..."
        await asyncio.sleep(0.1)
        card.values = {"x": 4, "y": 2}  # the held second press
        await asyncio.sleep(_base.SETTLE_S + 0.3)

    asyncio.run(phone())
    assert sent == [{"city_story": {"x": 4, "y": 2}}]
    assert "terkirim" not in form.status.value.lower() and not form.status.value


def test_a_card_drops_values_no_button_of_it_has(store: WorkshopStore) -> None:
    """A crafted widget message: unknown rows, values off the scale, booleans, text."""
    form = form_for(store.activity("branding-initiatives"), "id", items=None, owners=(),
                    initial=None)
    card = form.cards["city_story"]
    card.values = {"x": 9, "y": True, "z": 3, "<script>": "1"}
    assert card.values == {} and form.value == {"positions": {}}
    card.values = {"x": 5, "y": "2"}
    assert card.values == {"x": 5} and form.x["city_story"].value == 5
    card.values = ["not", "a", "dict"]
    assert card.values == {} and form.x["city_story"].value is None
