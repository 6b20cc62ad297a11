"""The participant page builds the next activity's form ahead, hidden, and "next" swaps it in."""

from __future__ import annotations

import pytest

from cityworkshop.participant import ParticipantPage
from cityworkshop.store import WorkshopStore


def _join(page: ParticipantPage, code: str, name: str = "") -> None:
    page.code.value = code
    page.name.value = name
    page.join_button.click()


@pytest.fixture
def order(store: WorkshopStore) -> list[str]:
    return [a.id for a in store.pack.program.activities]


def _page(store: WorkshopStore, group: int = 0, name: str = "Ayu") -> ParticipantPage:
    page = ParticipantPage(store, lang="id")
    _join(page, store.list_groups()[group].code, name)
    return page


def _fill_first(form) -> str:
    """Score the first item of a scale form on every dimension; its id."""
    item, dims = next(iter(form.scores.items()))
    for w in dims.values():
        w.value = form.activity.scale_min + 1
    return item


def test_next_activity_follows_the_program_and_carries_on_after_a_close(
        store: WorkshopStore, order: list[str]) -> None:
    assert store.next_activity() == order[0]  # a new workshop starts at the top
    store.open_activity(order[2])
    assert store.next_activity() == order[3]
    store.close_activity(order[2])
    # a manual close: "next" carries on after it (it used to start the day again)
    assert store.next_activity() == order[3]
    assert store.advance() == order[3]
    store.open_activity(order[-1])
    assert store.next_activity() is None


def test_next_forms_are_built_ahead_and_swapped_in(store: WorkshopStore,
                                                   order: list[str]) -> None:
    page = _page(store)
    assert page.screen == "wait"
    assert page.prepare_next() is True
    prepared = page._ahead.form
    assert prepared.activity.id == order[0]
    assert prepared not in page.body.children  # built, not shown: the waiting screen stays
    # ... but in the page's hidden body, where the phone draws it while the room waits
    waiting, hidden = page.body, page._spare
    assert prepared in hidden.children and hidden.layout.display == "none"
    assert hidden.children.count(page._statuses[1 - page._shown]) == 1
    assert page.prepare_next() is False  # already built: nothing more to do
    store.advance()
    page.poll()
    assert page.screen == "form" and page.form is prepared
    # "next" swapped the two bodies: the one drawn ahead is shown, the other emptied and hidden
    assert page.body is hidden and hidden.layout.display is None and prepared in hidden.children
    assert waiting.children == () and waiting.layout.display == "none"
    assert page.status in hidden.children
    assert page.form in page.body.children and page._ahead is None
    # it is a working form: the answer reaches the store
    item = _fill_first(page.form)
    page.form.send_button.click()
    assert page.screen == "sent", page.form.status.value
    assert {r["item_id"] for r in store.answer_rows(order[0])} == {item}


def test_the_swap_is_one_class_change_on_the_page(store: WorkshopStore,
                                                  order: list[str]) -> None:
    """The phone swaps both bodies at once: the page's class names the body shown (the style
    sheet hides the other) and every class change is one message, so the phone never draws
    both forms, nor a page without its screen's class, between two messages."""
    from pathlib import Path

    import cityworkshop.participant as module

    page = _page(store)
    page.prepare_next()
    seen: list[tuple[str, ...]] = []
    page.widget.observe(lambda c: seen.append(tuple(c["new"])), "_dom_classes")
    for _ in range(3):  # form -> form -> form: the body shown changes every time
        shown = page._shown
        store.advance()
        page.poll()
        assert page._shown == 1 - shown and f"cw-show-{page._shown}" in page.widget._dom_classes
        page.prepare_next()
    assert seen, "no class change was sent"
    for classes in seen:  # every state the phone is sent is a whole one
        assert sum(c.startswith("cw-show-") for c in classes) == 1, classes
        assert sum(c.startswith("cw-screen-") for c in classes) == 1, classes
        assert sum(c.startswith("cw-lang-") for c in classes) == 1, classes
    assert [f"cw-body-{n}" in b._dom_classes for n, b in enumerate(page._bodies)] == [True, True]
    css = (Path(module.__file__).parent / "web" / "assets" / "custom.css").read_text("utf-8")
    assert ".cw-page.cw-show-0 .cw-body-1, .cw-page.cw-show-1 .cw-body-0 { display: none " \
           "!important; }" in css
    page.set_lang("en")
    assert sum(c.startswith("cw-lang-") for c in seen[-1]) == 1 and "cw-lang-en" in seen[-1]


def test_a_form_built_ahead_for_another_activity_is_not_used(store: WorkshopStore,
                                                             order: list[str]) -> None:
    page = _page(store)
    page.prepare_next()
    prepared = page._ahead.form
    store.open_activity(order[4])  # the facilitator jumps
    page.poll()
    assert page.screen == "form" and page.form is not prepared
    assert page.form.activity.id == order[4] and page.form in page.body.children


def test_a_form_built_ahead_in_another_language_is_rebuilt(store: WorkshopStore,
                                                           order: list[str]) -> None:
    page = _page(store)
    page.prepare_next()
    prepared = page._ahead.form
    page.set_lang("en")
    store.advance()
    page.poll()
    assert page.form is not prepared and page.form.lang == "en"


def test_a_form_built_ahead_gets_the_groups_answer_given_meanwhile(
        store: WorkshopStore, order: list[str]) -> None:
    group_scoped = next(a for a in store.pack.program.activities
                        if a.scope == "group" and a.kind == "scale" and a.about != "groups")
    i = order.index(group_scoped.id)
    if i:
        store.open_activity(order[i - 1])
    ayu, budi = _page(store, name="Ayu"), _page(store, name="Budi")
    assert ayu.prepare_next() and ayu._ahead is not None
    prepared = ayu._ahead.form
    store.open_activity(group_scoped.id)
    budi.poll()
    item = _fill_first(budi.form)
    budi.form.send_button.click()
    assert budi.screen == "sent", budi.form.status.value
    ayu.poll()
    assert ayu.form is prepared  # the form drawn ahead, filled with the group's answer
    assert ayu.form.value["scores"][item] == budi.form.value["scores"][item]


def test_points_built_ahead_are_rebuilt_when_new_ideas_came_in(store: WorkshopStore,
                                                               order: list[str]) -> None:
    ideas = next(a for a in store.pack.program.activities if a.kind == "points")
    source = order[order.index(ideas.id) - 1]
    assert store.activity(source).kind == "text"
    store.open_activity(source)
    page = _page(store)
    page.poll()
    assert page.prepare_next()
    prepared = page._ahead.form
    entry = page.form.entries[0]
    entry.text.value = "Trotoar teduh di seluruh kecamatan"
    if entry.item is not None:
        entry.item.value = entry.item.options[1][1]
    page.form.send_button.click()
    assert page.screen == "sent", page.form.status.value
    store.advance()
    page.poll()
    assert page.form.activity.id == ideas.id and page.form is not prepared
    labels = [it.label.get("id") for it in page._items]
    assert any("Trotoar teduh" in label for label in labels)


def test_a_peer_form_built_ahead_has_its_own_group_picker(store: WorkshopStore,
                                                          order: list[str]) -> None:
    peer = next(a for a in store.pack.program.activities if a.about == "groups")
    store.open_activity(order[order.index(peer.id) - 1])
    page = _page(store)
    page.poll()
    old_picker = page.about_picker
    assert page.prepare_next()
    store.advance()
    page.poll()
    assert page.form.activity.id == peer.id and page.about_picker is not old_picker
    own = store.list_groups()[0].id
    offered = [v for _, v in page.about_picker.options if v]
    assert offered and own not in offered
    assert page.form.layout.display == "none"  # until the rated group is chosen
    page.about_picker.value = offered[0]
    assert page.about == offered[0] and page.form.layout.display is None
    old_picker.value = 0  # the old picker is gone from the screen: it changes nothing
    assert page.about == offered[0]


def test_no_form_is_built_ahead_before_joining_or_after_the_last_activity(
        store: WorkshopStore, order: list[str]) -> None:
    page = ParticipantPage(store)
    assert page.prepare_next() is False and page._ahead is None
    _join(page, store.list_groups()[0].code)
    store.open_activity(order[-1])
    page.poll()
    assert page.prepare_next() is False


def test_moving_from_one_form_to_the_next_arms_the_next_build(store: WorkshopStore,
                                                              order: list[str]) -> None:
    page = _page(store)
    store.advance()
    page.poll()
    assert page.screen == "form"
    page._ahead_due = None
    page.prepare_next()
    store.advance()  # form -> form: the screen stays "form"
    page.poll()
    assert page.screen == "form" and page._ahead_due is not None


def _before_board(store: WorkshopStore, order: list[str]) -> str:
    """Open and close the activity just before the questions board; the board's id."""
    board_id = next(a.id for a in store.pack.program.activities if a.kind == "questions")
    before = order[order.index(board_id) - 1]
    store.open_activity(before)
    store.close_activity(before)
    return board_id


def test_the_questions_board_is_built_ahead_and_shows_questions_asked_meanwhile(
        store: WorkshopStore, order: list[str]) -> None:
    board_id = _before_board(store, order)
    page = _page(store, 0, "Ayu")
    other = _page(store, 1, "Budi")
    assert page.prepare_next() is True
    prepared = page._ahead.form
    assert prepared.activity.id == board_id and prepared not in page.body.children
    assert prepared.vote_buttons == {}  # nobody could ask before it opened
    assert page.prepare_next() is False  # already built
    store.advance()
    other.poll()
    other.board.question.value = "Bagaimana meyakinkan staf?"
    assert other.board.ask() is not None
    page.poll()
    assert page.screen == "questions" and page.board is prepared
    assert prepared in page.body.children
    # the question asked after it was built is on it, with its "Dukung" button
    assert len(prepared.vote_buttons) == 1


def test_a_board_built_ahead_in_another_language_or_for_another_participant_is_rebuilt(
        store: WorkshopStore, order: list[str]) -> None:
    _before_board(store, order)
    page = _page(store, 0, "Ayu")
    page.prepare_next()
    prepared = page._ahead.form
    page.set_lang("en")
    store.advance()
    page.poll()
    assert page.screen == "questions" and page.board is not prepared
    assert page.board.lang == "en"
    assert page._spare.children == ()  # the stale board is out of the page


def test_a_form_built_ahead_for_another_activity_leaves_the_page(store: WorkshopStore,
                                                                 order: list[str]) -> None:
    page = _page(store)
    page.prepare_next()
    prepared = page._ahead.form
    shown = page.body
    store.open_activity(order[3])  # not the one built ahead
    page.poll()
    assert page.body is shown and page.form is not prepared
    assert page._spare.children == () and page._ahead is None
