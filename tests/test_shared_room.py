"""Every page of a process reads the room once per change (participant/room.py)."""

from __future__ import annotations

from cityworkshop.participant import ParticipantPage
from cityworkshop.participant.room import SharedRoom
from cityworkshop.store import WorkshopStore


class Counter:
    """A watcher as the pages see it: a version that moves when something was committed."""

    def __init__(self) -> None:
        self.version = 0


def _pages(store: WorkshopStore, room: SharedRoom, watcher: Counter, n: int,
           group: int = 0) -> list[ParticipantPage]:
    code = store.list_groups()[group].code
    out = []
    for i in range(n):
        page = ParticipantPage(store, watcher=watcher, room=room)
        page.code.value, page.name.value = code, f"P{i}"
        page.join_button.click()
        out.append(page)
    return out


def test_forty_pages_read_the_room_once_per_change(store: WorkshopStore,
                                                   monkeypatch) -> None:
    watcher = Counter()
    room = SharedRoom(store, watcher)
    pages = _pages(store, room, watcher, 40)
    store.open_activity("reflection")  # participant scope
    watcher.version += 1
    before = room.reads
    for p in pages:
        p.poll()
    assert room.reads == before + 1
    assert all(p.screen == "form" and p.activity_id == "reflection" for p in pages)
    # one participant sends: the others read no answer of theirs (it did not change)
    calls: list[str] = []
    real = store.latest_answer
    monkeypatch.setattr(store, "latest_answer",
                        lambda aid, pid, about=None: calls.append(pid) or real(aid, pid, about))
    pages[0].form.entries[0].text.value = "Kota yang menepati janji"
    pages[0].form.send_button.click()
    assert pages[0].screen == "sent"
    watcher.version += 1
    for p in pages:
        p.poll()
    assert room.reads == before + 2
    assert calls == []
    # the same version again: nothing is read at all
    for p in pages:
        p.poll()
    assert room.reads == before + 2


def test_a_group_members_answer_still_reaches_the_others(store: WorkshopStore) -> None:
    watcher = Counter()
    room = SharedRoom(store, watcher)
    ayu, budi = _pages(store, room, watcher, 2)
    group_scoped = next(a for a in store.pack.program.activities
                        if a.scope == "group" and a.kind == "scale" and a.about != "groups")
    store.open_activity(group_scoped.id)
    watcher.version += 1
    ayu.poll()
    budi.poll()
    item, dims = next(iter(budi.form.scores.items()))
    for w in dims.values():
        w.value = group_scoped.scale_max
    budi.form.send_button.click()
    assert budi.screen == "sent"
    watcher.version += 1
    ayu.poll()
    assert ayu.form.value["scores"][item] == budi.form.value["scores"][item]


def test_the_countdown_and_the_questions_come_from_the_shared_reading(
        store: WorkshopStore) -> None:
    watcher = Counter()
    room = SharedRoom(store, watcher)
    ayu, budi = _pages(store, room, watcher, 2)
    store.open_activity("leader-questions")
    store.start_timer("leader-questions", 300)
    watcher.version += 1
    ayu.poll()
    budi.poll()
    assert 290 < room.snapshot().remaining("leader-questions") <= 300
    assert "5:00" in ayu.countdown.widget.value or "4:5" in ayu.countdown.widget.value
    ayu.board.question.value = "Bagaimana menjaga konsistensi merek kota?"
    ayu.board.ask_button.click()
    watcher.version += 1
    budi.poll()
    texts = [r["text"] for r in budi.board._rows]
    assert "Bagaimana menjaga konsistensi merek kota?" in texts
    snap = room.snapshot()
    assert snap.questions is not None and snap.remaining("reflection") is None


def test_without_a_watcher_every_poll_reads(store: WorkshopStore) -> None:
    room = SharedRoom(store)
    assert room.snapshot().current is None
    store.open_activity("reflection")
    assert room.snapshot().current == "reflection" and room.reads == 2


def test_opening_an_activity_reads_only_the_answers_and_drafts_that_exist(
        store: WorkshopStore, monkeypatch) -> None:
    watcher = Counter()
    room = SharedRoom(store, watcher)
    pages = _pages(store, room, watcher, 10)
    # before the activity opens again: one participant has an answer, another a kept draft
    store.open_activity("reflection")
    watcher.version += 1
    for p in pages:
        p.poll()
    pages[0].form.entries[0].text.value = "Kota yang menepati janji"
    pages[0].form.send_button.click()
    pages[1].form.entries[0].text.value = "Belum terkirim"
    assert pages[1].persist_draft()
    store.close_activity("reflection")
    watcher.version += 1
    for p in pages:
        p.poll()
        p._drafts.clear()  # as after a reload: only the store has the draft
    answers: list[str] = []
    drafts: list[str] = []
    real_answer, real_draft = store.latest_answer, store.draft
    monkeypatch.setattr(store, "latest_answer", lambda aid, pid, about=None:
                        answers.append(pid) or real_answer(aid, pid, about))
    monkeypatch.setattr(store, "draft", lambda pid, aid, about=None:
                        drafts.append(pid) or real_draft(pid, aid, about))
    store.open_activity("reflection")
    watcher.version += 1
    for p in pages:
        p.poll()
    assert answers == [pages[0].participant.id]
    assert drafts == [pages[1].participant.id]
    assert pages[0].form.entries[0].text.value == "Kota yang menepati janji"
    assert pages[1].form.entries[0].text.value == "Belum terkirim"
    assert all(p.form.entries[0].text.value == "" for p in pages[2:])
