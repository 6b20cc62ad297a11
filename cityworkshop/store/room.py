"""The facilitator's state in the store: which activity is open, revealed results, countdowns,
moving the room on, and the log of those actions (store layer; a part of WorkshopStore)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, insert, select, update

from ..errors import StoreError
from ._base import StoreCore, _now
from .schema import activity_state_table, events_table, submissions_table


class RoomState(StoreCore):
    """Facilitator state methods of :class:`~cityworkshop.store.WorkshopStore`."""

    # -- facilitator state ------------------------------------------------------------------

    def _set_open(self, activity_id: str, is_open: bool) -> list[str]:
        """Open or close one activity; opening closes every other open one (in the same
        transaction). Returns the ids of the activities it closed besides."""
        self.activity(activity_id)  # NotFound for an unknown id
        now = _now()
        st = activity_state_table
        values: dict[str, Any] = {"is_open": is_open}
        values["opened_at" if is_open else "closed_at"] = now
        with self._write() as conn:
            closed: list[str] = []
            if is_open:
                closed = [r[0] for r in conn.execute(select(st.c.activity_id).where(
                    st.c.is_open.is_(True), st.c.activity_id != activity_id)).all()]
                if closed:
                    conn.execute(update(st).where(st.c.activity_id.in_(closed))
                                 .values(is_open=False, closed_at=now))
                    conn.execute(insert(events_table), [
                        {"at": now, "action": "close", "activity_id": aid} for aid in closed])
            res = conn.execute(update(st).where(st.c.activity_id == activity_id).values(**values))
            if res.rowcount == 0:
                conn.execute(insert(st).values(activity_id=activity_id, **values))
            conn.execute(insert(events_table).values(
                at=now, action="open" if is_open else "close", activity_id=activity_id))
        return closed

    def open_activity(self, activity_id: str) -> list[str]:
        """Open an activity for answers; the participant page shows it.

        One activity is open at a time: opening one closes the one open before (their answers
        stay). Returns the ids of the activities this closed, so that the panel and the CLI can
        say so.
        """
        return self._set_open(activity_id, True)

    def close_activity(self, activity_id: str) -> None:
        """Close an activity: answers are refused, the earlier ones stay."""
        self._set_open(activity_id, False)

    def is_open(self, activity_id: str) -> bool:
        return activity_id in self.open_activities()

    def open_activities(self) -> list[str]:
        """Ids of the open activities, the most recently opened first."""
        with self._read() as conn:
            rows = conn.execute(select(activity_state_table.c.activity_id)
                                .where(activity_state_table.c.is_open.is_(True))
                                .order_by(activity_state_table.c.opened_at.desc())).all()
        known = {a.id for a in self.pack.program.activities}
        return [r[0] for r in rows if r[0] in known]

    def current_activity(self) -> str | None:
        """The activity the participant page shows: the most recently opened open one."""
        open_ids = self.open_activities()
        return open_ids[0] if open_ids else None

    def latest_submissions(self, activity_id: str) -> dict[str, int]:
        """The id of the current answer of every subject of ``activity_id`` (one read, for
        every page of the room to see whether its own answer changed)."""
        self.activity(activity_id)
        s = submissions_table
        with self._read() as conn:
            rows = conn.execute(select(s.c.subject, func.max(s.c.id))
                                .where(s.c.activity_id == activity_id)
                                .group_by(s.c.subject)).all()
        return {subject: int(sid) for subject, sid in rows}

    def activity_state(self, activity_id: str) -> dict[str, Any]:
        """``is_open``, ``revealed``, ``opened_at``, ``closed_at`` and ``timer_ends_at`` of one
        activity."""
        self.activity(activity_id)
        with self._read() as conn:
            r = conn.execute(select(activity_state_table).where(
                activity_state_table.c.activity_id == activity_id)).first()
        if r is None:
            return {"is_open": False, "revealed": True, "opened_at": None, "closed_at": None,
                    "timer_ends_at": None}
        return {k: v for k, v in r._mapping.items() if k != "activity_id"}

    def _update_state(self, activity_id: str, action: str, **values: Any) -> None:
        self.activity(activity_id)
        now = _now()
        with self._write() as conn:
            res = conn.execute(update(activity_state_table)
                               .where(activity_state_table.c.activity_id == activity_id)
                               .values(**values))
            if res.rowcount == 0:
                conn.execute(insert(activity_state_table).values(
                    activity_id=activity_id, is_open=False, **values))
            conn.execute(insert(events_table).values(at=now, action=action,
                                                     activity_id=activity_id))

    def reveal(self, activity_id: str, revealed: bool = True) -> None:
        """Show (or hide) an activity's results on the facilitator's screen.

        Hidden results keep early answers from anchoring the rest of the room.
        """
        self._update_state(activity_id, "reveal" if revealed else "hide", revealed=revealed)

    def is_revealed(self, activity_id: str) -> bool:
        return bool(self.activity_state(activity_id)["revealed"])

    def start_timer(self, activity_id: str, seconds: float) -> str:
        """Start a countdown of ``seconds`` for an activity; returns its end time (UTC, ISO)."""
        if not 0 < seconds <= 4 * 3600:
            raise StoreError(key="store.timer_range", seconds=seconds)
        ends = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)).isoformat(
            timespec="seconds")
        self._update_state(activity_id, "timer", timer_ends_at=ends)
        return ends

    def stop_timer(self, activity_id: str) -> None:
        self._update_state(activity_id, "timer_stop", timer_ends_at=None)

    def timer_remaining(self, activity_id: str) -> float | None:
        """Seconds left on the activity's countdown (0 when run out), None without a timer."""
        ends = self.activity_state(activity_id)["timer_ends_at"]
        if not ends:
            return None
        left = (dt.datetime.fromisoformat(ends) - dt.datetime.now(dt.UTC)).total_seconds()
        return max(0.0, left)

    def advance(self) -> str | None:
        """Move the room on: close the current activity and open the next one of the program.

        Returns the activity now open, or None after the last one.
        """
        current = self.current_activity()
        nxt = self.next_activity()
        if current is not None:
            self.close_activity(current)
        if nxt is not None:
            self.open_activity(nxt)
        return nxt

    def next_activity(self) -> str | None:
        """The activity :meth:`advance` would open: the one after the open activity in the
        program; with none open, the one after the activity opened last (the room carries on
        where it was, also after a manual close); the first one on a new workshop; None after
        the last one. The participant page builds this one's form ahead, hidden."""
        order = [a.id for a in self.pack.program.activities]
        st = activity_state_table
        with self._read() as conn:
            rows = conn.execute(select(st.c.activity_id, st.c.is_open)
                                .where(st.c.opened_at.is_not(None))
                                .order_by(st.c.opened_at.desc())).all()
        known = [(aid, bool(is_open)) for aid, is_open in rows if aid in order]
        if not known:
            return order[0] if order else None
        open_ids = [aid for aid, is_open in known if is_open]
        last = open_ids[0] if open_ids else known[0][0]
        i = order.index(last) + 1
        return order[i] if i < len(order) else None

    def events(self) -> list[dict[str, Any]]:
        with self._read() as conn:
            return [dict(r._mapping) for r in conn.execute(
                select(events_table).order_by(events_table.c.id))]
