"""Questions with votes (the sharing session) and the facilitator's notes (pinned answers,
the room's synthesis) in the store (store layer; a part of WorkshopStore)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, insert, select, update

from ..content import Activity
from ..errors import ActivityClosed, InvalidAnswer
from ..kinds import kind_of
from ._base import StoreCore, _inserted_id, _now

if TYPE_CHECKING:
    from sqlalchemy.dialects.postgresql import Insert as PgInsert
    from sqlalchemy.dialects.sqlite import Insert as SqliteInsert

from .schema import (
    drafts_table,
    groups_table,
    notes_table,
    participants_table,
    questions_table,
    votes_table,
)

DRAFT_MAX_BYTES = 256 * 1024  # a form's value is a few KB; a crafted megabyte is not kept


def conn_dialect(store: StoreCore) -> str:
    """``"sqlite"`` or ``"postgresql"``: the store's engine's SQL dialect."""
    return str(store._engine.dialect.name)


class QuestionsAndNotes(StoreCore):
    """Question, vote and note methods of :class:`~cityworkshop.store.WorkshopStore`."""

    # -- questions (sharing session) ---------------------------------------------------------

    def _questions_activity(self, activity_id: str) -> Activity:
        activity = self.activity(activity_id)
        if not kind_of(activity).board:
            raise InvalidAnswer("answer.kind_unsupported", kind=activity.kind)
        return activity

    def ask(self, activity_id: str, participant_id: str, text: str, *,
            require_open: bool = True) -> int:
        """Add a question; returns its id. Empty or over-long text is refused."""
        activity = self._questions_activity(activity_id)
        participant = self.participant(participant_id)
        (row,) = kind_of(activity).check(activity, {"text": text})  # the kind's rules
        body = row["value_text"]
        if require_open and not self.is_open(activity_id):
            raise ActivityClosed("answer.closed")
        with self._write(ordered=False) as conn:
            return _inserted_id(conn.execute(insert(questions_table).values(
                activity_id=activity_id, participant_id=participant.id,
                group_id=participant.group_id, text=body, created_at=_now())))

    def vote(self, question_id: int, participant_id: str, *, require_open: bool = True) -> bool:
        """Vote a question up; one vote per person per question.

        Returns False (and stores nothing) for a second vote or a vote on one's own question:
        the page says so with ``question.voted_already`` / ``question.own``.
        """
        participant = self.participant(participant_id)
        with self._read() as conn:
            q = conn.execute(select(questions_table).where(
                questions_table.c.id == question_id)).first()
        if q is None:
            raise InvalidAnswer("question.unknown")
        if require_open and not self.is_open(q.activity_id):
            raise ActivityClosed("answer.closed")
        if q.participant_id == participant.id:
            return False
        # each dialect's own INSERT ... ON CONFLICT, imported when first needed
        if conn_dialect(self) == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            new_vote: PgInsert | SqliteInsert = pg_insert(votes_table)
        else:
            from sqlalchemy.dialects.sqlite import insert as sqlite_insert

            new_vote = sqlite_insert(votes_table)
        with self._write(ordered=False) as conn:
            # RETURNING, not rowcount: psycopg reports -1 for an INSERT ... ON CONFLICT
            res = conn.execute(new_vote.values(
                question_id=question_id, participant_id=participant.id, created_at=_now())
                .on_conflict_do_nothing().returning(votes_table.c.question_id))
            return res.first() is not None

    def mark_answered(self, question_id: int, answered: bool = True) -> None:
        """The facilitator marks a question answered (or not)."""
        with self._write(ordered=False) as conn:
            res = conn.execute(update(questions_table).where(questions_table.c.id == question_id)
                               .values(answered_at=_now() if answered else None))
            if res.rowcount == 0:
                raise InvalidAnswer("question.unknown")

    def question_rows(self, activity_id: str) -> list[dict[str, Any]]:
        """Questions of an activity, most votes first (then oldest first).

        Columns: question_id, text, group_id, group, participant_id, participant, votes,
        created_at, answered_at.
        """
        self._questions_activity(activity_id)
        q, v, g, p = questions_table, votes_table, groups_table, participants_table
        votes = func.count(v.c.participant_id).label("votes")
        query = (select(q.c.id.label("question_id"), q.c.text, q.c.group_id,
                        g.c.name.label("group"), q.c.participant_id,
                        p.c.name.label("participant"), votes, q.c.created_at, q.c.answered_at)
                 .join(g, g.c.id == q.c.group_id)
                 .join(p, p.c.id == q.c.participant_id)
                 .outerjoin(v, v.c.question_id == q.c.id)
                 .where(q.c.activity_id == activity_id)
                 .group_by(q.c.id, g.c.name, p.c.name)
                 .order_by(votes.desc(), q.c.id))
        return self._records(query)

    def question_counts(self) -> dict[str, dict[str, int]]:
        """Activity id -> {"questions": questions asked, "votes": votes given}, for every
        activity that has questions."""
        q, v = questions_table, votes_table
        with self._read() as conn:
            asked = conn.execute(select(q.c.activity_id, func.count())
                                 .group_by(q.c.activity_id)).all()
            voted = conn.execute(select(q.c.activity_id, func.count())
                                 .select_from(v.join(q, q.c.id == v.c.question_id))
                                 .group_by(q.c.activity_id)).all()
        counts = {aid: {"questions": n, "votes": 0} for aid, n in asked}
        for aid, n in voted:
            counts.setdefault(aid, {"questions": 0, "votes": 0})["votes"] = n
        return counts

    def votes_of(self, activity_id: str, participant_id: str) -> set[int]:
        """Ids of the questions of ``activity_id`` that ``participant_id`` voted for."""
        with self._read() as conn:
            rows = conn.execute(select(votes_table.c.question_id)
                                .join(questions_table,
                                      questions_table.c.id == votes_table.c.question_id)
                                .where(questions_table.c.activity_id == activity_id,
                                       votes_table.c.participant_id == participant_id)).all()
        return {r[0] for r in rows}

    def votes_by_participant(self, activity_id: str) -> dict[str, set[int]]:
        """Every participant's votes on ``activity_id``'s questions (one read for all pages:
        :meth:`votes_of` of each participant at once)."""
        with self._read() as conn:
            rows = conn.execute(select(votes_table.c.participant_id, votes_table.c.question_id)
                                .join(questions_table,
                                      questions_table.c.id == votes_table.c.question_id)
                                .where(questions_table.c.activity_id == activity_id)).all()
        out: dict[str, set[int]] = {}
        for pid, qid in rows:
            out.setdefault(pid, set()).add(qid)
        return out

    # -- drafts: a participant's unsent edit survives a reload -------------------------------

    def save_draft(self, participant_id: str, activity_id: str, value: Any,
                   about: int | None = None) -> bool:
        """Keep ``value`` (the form's value, JSON-able) as the participant's unsent edit of an
        activity; False (nothing kept) for a value over :data:`DRAFT_MAX_BYTES`."""
        import json

        self.activity(activity_id)
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
        if len(text.encode()) > DRAFT_MAX_BYTES:
            return False
        key = {"participant_id": participant_id, "activity_id": activity_id,
               "about_group_id": about or 0}
        with self._write() as conn:
            conn.execute(delete(drafts_table).where(*(drafts_table.c[k] == v
                                                      for k, v in key.items())))
            conn.execute(insert(drafts_table).values(**key, value=text, updated_at=_now()))
        return True

    def draft(self, participant_id: str, activity_id: str, about: int | None = None
              ) -> Any | None:
        """The participant's kept unsent edit of an activity, or None."""
        import json

        d = drafts_table
        with self._read() as conn:
            r = conn.execute(select(d.c.value).where(
                d.c.participant_id == participant_id, d.c.activity_id == activity_id,
                d.c.about_group_id == (about or 0))).first()
        if r is None:
            return None
        try:
            return json.loads(r[0])
        except ValueError:
            return None

    def drafted(self, activity_id: str) -> frozenset[tuple[str, int | None]]:
        """(participant id, rated group or None) of every kept draft of ``activity_id``: one
        read for every page of the room, which then reads its own draft only if it has one."""
        d = drafts_table
        with self._read() as conn:
            rows = conn.execute(select(d.c.participant_id, d.c.about_group_id)
                                .where(d.c.activity_id == activity_id)).all()
        return frozenset((str(pid), int(about) or None) for pid, about in rows)

    def draft_abouts(self, participant_id: str, activity_id: str) -> list[int]:
        """The rated groups of the participant's kept drafts of a peer activity, the latest
        edited first (a reload goes back to the group being rated)."""
        d = drafts_table
        with self._read() as conn:
            rows = conn.execute(select(d.c.about_group_id).where(
                d.c.participant_id == participant_id, d.c.activity_id == activity_id,
                d.c.about_group_id != 0).order_by(d.c.updated_at.desc())).all()
        return [int(r[0]) for r in rows]

    def drop_draft(self, participant_id: str, activity_id: str, about: int | None = None) -> None:
        """Forget the unsent edit (it was sent)."""
        d = drafts_table
        with self._write(ordered=False) as conn:
            conn.execute(delete(d).where(d.c.participant_id == participant_id,
                                         d.c.activity_id == activity_id,
                                         d.c.about_group_id == (about or 0)))

    # -- facilitator notes: the room's synthesis and pinned answers --------------------------

    def set_synthesis(self, activity_id: str, text: str) -> None:
        """Store the room's synthesis of an activity (each edit is kept; the latest counts)."""
        from ..answers import normalize_text

        self.activity(activity_id)
        value = normalize_text(str(text)).strip()
        with self._write(ordered=False) as conn:
            conn.execute(insert(notes_table).values(activity_id=activity_id, kind="synthesis",
                                                    value=value, created_at=_now()))

    def synthesis(self, activity_id: str) -> str | None:
        with self._read() as conn:
            r = conn.execute(select(notes_table.c.value).where(
                notes_table.c.activity_id == activity_id, notes_table.c.kind == "synthesis")
                .order_by(notes_table.c.id.desc()).limit(1)).first()
        return r[0] if r and r[0] else None

    def pin(self, activity_id: str, ref: str, pinned: bool = True) -> None:
        """Pin (or unpin) an answer on the wall; ``ref`` is ``<subject>#<entry>``."""
        self.activity(activity_id)
        with self._write(ordered=False) as conn:
            conn.execute(insert(notes_table).values(
                activity_id=activity_id, kind="pin" if pinned else "unpin", value=ref,
                created_at=_now()))

    def pinned(self, activity_id: str) -> list[str]:
        """Refs pinned on an activity's wall, in the order they were pinned."""
        with self._read() as conn:
            rows = conn.execute(select(notes_table.c.kind, notes_table.c.value).where(
                notes_table.c.activity_id == activity_id,
                notes_table.c.kind.in_(("pin", "unpin"))).order_by(notes_table.c.id)).all()
        state: dict[str, bool] = {}
        for kind, ref in rows:
            state.pop(ref, None)
            state[ref] = kind == "pin"
        return [ref for ref, on in state.items() if on]
