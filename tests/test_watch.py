"""The process's change watcher and the page that follows it (issue 8, the room by push).

The watcher's counter moves on every commit (of this process or another) and only then; a page
with a watcher reads the store only when the counter moved; a browser whose token belongs to a
participant goes back to its seat without typing anything.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time

from cityworkshop.participant import ParticipantPage
from cityworkshop.store import WorkshopStore
from cityworkshop.store.watch import ChangeWatcher, watcher_for


def _settle(w: ChangeWatcher) -> int:
    time.sleep(w.interval * 4)
    return w.version


def test_the_counter_moves_on_a_commit_and_only_then(store: WorkshopStore):
    w = ChangeWatcher(store.path, interval=0.02)
    try:
        v = _settle(w)
        assert _settle(w) == v  # nothing committed: nothing seen
        store.open_activity("disruptive-scoring")  # a commit of this process's store
        assert _settle(w) > v
        v = w.version
        con = sqlite3.connect(store.path)  # another process's commit looks the same
        con.execute("INSERT INTO events (at, action) VALUES ('2026-01-01', 'test')")
        con.commit()
        con.close()
        assert _settle(w) > v
        v = w.version
        store.list_groups()  # a read is no change
        assert _settle(w) == v
    finally:
        w.stop()


def test_one_watcher_per_database_per_process(store: WorkshopStore, tmp_path):
    assert watcher_for(store.path) is watcher_for(str(store.path))
    other = WorkshopStore.create(tmp_path / "other.db", groups=2)
    assert watcher_for(other.path) is not watcher_for(store.path)
    other.close()


def test_a_page_with_a_watcher_reads_the_store_only_after_a_change(store: WorkshopStore,
                                                                   monkeypatch):
    import cityworkshop.participant as module

    monkeypatch.setattr(module, "WATCH_SECONDS", 0.02)
    w = ChangeWatcher(store.path, interval=0.01)
    page = ParticipantPage(store, lang="id", watcher=w)
    page.code.value = store.list_groups()[0].code
    page.join_button.click()
    looks = []
    real = store.current_activity
    monkeypatch.setattr(store, "current_activity", lambda: looks.append(1) or real())

    async def run() -> None:
        page.start_polling()
        await asyncio.sleep(0.3)
        quiet = len(looks)
        store.open_activity("branding-definition")
        for _ in range(50):
            await asyncio.sleep(0.02)
            if page.screen == "form":
                break
        page.stop_polling()
        assert quiet <= 1, quiet  # one look after joining, then nothing while nothing changes
        assert page.screen == "form"

    try:
        asyncio.run(run())
    finally:
        w.stop()


def test_a_known_browser_goes_back_to_its_seat_by_itself(store: WorkshopStore):
    store.open_activity("branding-definition")
    first = ParticipantPage(store, lang="id")
    first.device.value = "d-0123456789abcdef"
    first.code.value = store.list_groups()[1].code
    first.join_button.click()
    reloaded = ParticipantPage(store, lang="id")
    reloaded.device.value = "d-0123456789abcdef"  # what the page's script does after a reload
    assert reloaded.participant is not None
    assert reloaded.participant.id == first.participant.id and reloaded.screen == "form"
    assert "kembali" in reloaded.status.value
    unknown = ParticipantPage(store, lang="id")
    unknown.device.value = "d-fedcba9876543210"
    assert unknown.participant is None and unknown.screen == "join"
