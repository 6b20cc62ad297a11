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
    deck = form.deck

    async def phone() -> None:
        deck.values = {"city_story/x": 4}  # as the page sends it: the cards' whole state
        form.send_button.click()
        assert sent == [] and form.send_button.description == "Mengirim..."
        await asyncio.sleep(0.1)
        deck.values = {"city_story/x": 4, "city_story/y": 2}  # the held second press
        await asyncio.sleep(_base.SETTLE_S + 0.3)

    asyncio.run(phone())
    assert sent == [{"city_story": {"x": 4, "y": 2}}]
    assert "terkirim" not in form.status.value.lower() and not form.status.value


def test_a_card_drops_values_no_button_of_it_has(store: WorkshopStore) -> None:
    """A crafted widget message: unknown rows, values off the scale, booleans, text."""
    form = form_for(store.activity("branding-initiatives"), "id", items=None, owners=(),
                    initial=None)
    deck = form.deck
    deck.values = {"city_story/x": 9, "city_story/y": True, "city_story/z": 3, "x": 3,
                   "<script>": "1"}
    assert deck.values == {} and form.value == {"positions": {}}
    deck.values = {"city_story/x": 5, "city_story/y": "2"}
    assert deck.values == {"city_story/x": 5} and form.x["city_story"].value == 5
    deck.values = ["not", "a", "dict"]
    assert deck.values == {} and form.x["city_story"].value is None


def test_a_press_event_lands_before_the_kirim_that_follows_it(store: WorkshopStore) -> None:
    """The card's 'choose' event travels in order with the click: the press is in the answer
    even when the phone still holds the card's state back."""
    form = form_for(store.activity("branding-initiatives"), "id", items=None, owners=(),
                    initial=None)
    sent: list[dict] = []
    form.on_submit(lambda f: sent.append(f.value["positions"]))
    deck = form.deck
    deck._handle_event(None, {"event": "choose", "data": ["city_story/x", 4]}, None)
    deck._handle_event(None, {"event": "choose", "data": ["city_story/y", 2]}, None)
    for crafted in (["city_story/x", 99], ["nope/x", 1], "x", [1, 2], ["city_story/y"]):
        deck._handle_event(None, {"event": "choose", "data": crafted}, None)
    form._submit_now()
    assert sent == [{"city_story": {"x": 4, "y": 2}}]


# -- with the page's probe: one round trip to the phone instead of a guess by time ------------

def _echo(probe, data) -> None:
    """The phone's answer to the probe, as its widget message arrives."""
    probe._handle_event(None, {"event": "answered", "data": data}, None)


def test_with_the_probe_a_click_waits_for_the_phones_echo_not_for_a_time(store: WorkshopStore,
                                                                          monkeypatch) -> None:
    monkeypatch.setattr(_base, "SETTLE_MAX_S", 0.1)  # the time guess would have sent long ago
    form, sent = _text_form(store)
    probe = _base.SettleProbe()
    form.settle_probe = probe

    async def phone() -> None:
        form.entries[0].text.value = "Janji kota"
        form.entries[0].text._cw_changed_at = time.monotonic() - 2.0  # the server was busy
        form.send_button.click()
        assert probe.asked == 1 and sent == []
        assert form.send_button.description == "Mengirim..."
        await asyncio.sleep(0.4)
        assert sent == []  # no echo yet: still waiting
        form.entries[0].text.value = "Janji kota kepada warga, ditepati"  # the held typing
        for crafted in ("1", True, None, [1], {"n": 1}, 0):
            _echo(probe, crafted)
        assert sent == []
        _echo(probe, 1)  # behind the held typing
        assert sent == ["Janji kota kepada warga, ditepati"]
        _echo(probe, 1)  # twice: still one send
        await asyncio.sleep(0.1)

    asyncio.run(phone())
    assert sent == ["Janji kota kepada warga, ditepati"]
    assert form.send_button.description == "Kirim"


def test_with_the_probe_a_click_long_after_typing_sends_at_once(store: WorkshopStore) -> None:
    form, sent = _text_form(store)
    probe = _base.SettleProbe()
    form.settle_probe = probe
    form.entries[0].text.value = "Janji kota"
    form.entries[0].text._cw_changed_at = time.monotonic() - _base.PROBE_WINDOW_S - 1

    async def phone() -> None:
        form.send_button.click()

    asyncio.run(phone())
    assert sent == ["Janji kota"] and probe.asked == 0


def test_a_probe_the_phone_never_answers_sends_what_arrived(store: WorkshopStore,
                                                            monkeypatch) -> None:
    """A page that lost its connection after the click: after PROBE_MAX_S the answer is sent
    with what the server has, once, and a late echo changes nothing."""
    monkeypatch.setattr(_base, "PROBE_MAX_S", 0.3)
    form, sent = _text_form(store)
    probe = _base.SettleProbe()
    form.settle_probe = probe

    async def phone() -> None:
        form.entries[0].text.value = "Janji kota"
        form.send_button.click()
        await asyncio.sleep(0.1)
        assert sent == []
        await asyncio.sleep(0.4)
        assert sent == ["Janji kota"]
        _echo(probe, 1)

    asyncio.run(phone())
    assert sent == ["Janji kota"]


def test_asking_with_the_probe_asks_the_whole_question(store: WorkshopStore) -> None:
    from cityworkshop.forms import QuestionsBoard

    store.open_activity("leader-questions")
    p = store.join(store.list_groups()[0].code, "Ayu")
    board = QuestionsBoard(store.activity("leader-questions"), "id", store=store,
                           participant_id=p.id)
    board.settle_probe = probe = _base.SettleProbe()

    async def phone() -> None:
        board.question.value = "Bagaimana"
        board.ask_button.click()
        board.ask_button.click()  # pressed twice while waiting: one question
        board.question.value = "Bagaimana meyakinkan staf senior?"
        _echo(probe, probe.asked)

    asyncio.run(phone())
    assert [r["text"] for r in store.question_rows("leader-questions")] == [
        "Bagaimana meyakinkan staf senior?"]
    assert board.question.value == ""


def test_a_late_echo_after_the_facilitator_moved_on_sends_nothing_for_the_next_form(
        store: WorkshopStore) -> None:
    """"Kirim" waits for the phone's echo; meanwhile the facilitator opens the next activity.
    The echo must not send the new form (a choice made, not sent) as an answer: the waiting
    form is no longer shown, its typing is kept as a draft of its own activity."""
    from cityworkshop.participant import ParticipantPage

    store.open_activity("branding-definition")
    page = ParticipantPage(store, lang="id")
    page.code.value = store.list_groups()[0].code
    page.join_button.click()
    me = page.participant.id

    async def phone() -> None:
        old = page.form
        old.entries[0].text.value = "Janji kota"
        old.send_button.click()  # waits for the echo
        assert page.probe.asked == 1
        store.open_activity("branding-urgency")
        page.poll()
        assert page.form is not old
        page.form.scores["urgency"]["score"].value = 4  # a valid choice, not sent yet
        _echo(page.probe, 1)

    asyncio.run(phone())
    assert store.latest_answer("branding-definition", me) is None
    assert store.latest_answer("branding-urgency", me) is None
    assert store.draft(me, "branding-definition") == {
        "entries": [{"text": "Janji kota", "item": None}]}
