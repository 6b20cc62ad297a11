"""One reading of the room per change, shared by every page of the process (pages layer).

When anything is committed, every connected page wants the same facts: which activity is open,
its countdown, whose answer changed, the questions and their votes. Read by each of 300 pages,
that is 300 x 4 queries after every "Kirim" (a burst of submits kept one core busy and delayed
"Terkirim" by half a minute). :class:`SharedRoom` reads them once per version of the process's
:class:`~cityworkshop.store.watch.ChangeWatcher`, and every page compares in memory: a page reads
the store itself only when its own answer changed (a group member sent one), or when its form
opens and the room's reading says it has an answer or a kept draft to put in it.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..kinds import kind_of

__all__ = ["RoomSnapshot", "SharedRoom"]


@dataclass(frozen=True)
class RoomSnapshot:
    """What every page of the room needs after a change, read at one watcher version."""

    version: int
    #: the open activity (the one the pages show), or None
    current: str | None
    #: when its countdown ends (UTC, ISO), or None
    timer_ends_at: str | None = None
    #: subject -> id of its current answer, for the open activity
    latest: Mapping[str, int] = field(default_factory=dict)
    #: for an open questions activity: (question rows, revealed, votes by participant)
    questions: tuple[list[dict[str, Any]], bool, Mapping[str, set[int]]] | None = None
    #: (participant id, rated group or None) of the kept drafts of the open activity
    drafted: frozenset[tuple[str, int | None]] = frozenset()

    def remaining(self, activity_id: str | None) -> float | None:
        """Seconds left on ``activity_id``'s countdown (0 when run out), None without one."""
        if activity_id is None or activity_id != self.current or not self.timer_ends_at:
            return None
        ends = dt.datetime.fromisoformat(self.timer_ends_at)
        return max(0.0, (ends - dt.datetime.now(dt.UTC)).total_seconds())


class SharedRoom:
    """The room as every page of one process sees it, read once per change.

    Parameters
    ----------
    store
        The process's :class:`~cityworkshop.store.WorkshopStore`.
    watcher
        Its :class:`~cityworkshop.store.watch.ChangeWatcher`; None: read on every call (plain
        pytest, a page in a notebook).
    """

    def __init__(self, store: Any, watcher: Any = None):
        self.store = store
        self.watcher = watcher
        self._snap: RoomSnapshot | None = None
        self._lock = threading.Lock()
        #: how many times the store was read (for tests and benchmarks)
        self.reads = 0

    def snapshot(self) -> RoomSnapshot:
        """The room at the watcher's current version (read now if nobody did yet).

        The version is taken before reading: a commit landing during the read moves it again,
        so the next call reads anew; a snapshot is never newer than its version claims to be
        older. A store error is raised to the caller and nothing is kept.
        """
        if self.watcher is None:
            return self._read(-1)
        version = self.watcher.version
        snap = self._snap
        if snap is not None and snap.version == version:
            return snap
        with self._lock:
            snap = self._snap
            if snap is not None and snap.version == version:
                return snap
            snap = self._snap = self._read(version)
            return snap

    def _read(self, version: int) -> RoomSnapshot:
        self.reads += 1
        store = self.store
        current = store.current_activity()
        if current is None:
            return RoomSnapshot(version, None)
        state = store.activity_state(current)
        activity = store.activity(current)
        if kind_of(activity).board:  # questions and votes arrive as they are made
            questions = (store.question_rows(current), bool(state["revealed"]),
                         store.votes_by_participant(current))
            return RoomSnapshot(version, current, state["timer_ends_at"], questions=questions)
        return RoomSnapshot(version, current, state["timer_ends_at"],
                            latest=store.latest_submissions(current),
                            drafted=store.drafted(current))
