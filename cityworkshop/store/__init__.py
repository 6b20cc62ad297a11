"""The workshop store: the only module that speaks SQL.

:class:`WorkshopStore` is a facade over SQLAlchemy Core, one database per workshop, a SQLite file
by default (WAL journal, busy timeout, foreign keys, ``BEGIN IMMEDIATE`` for every write). It
holds the workshop, its groups with join codes, participants, append-only submissions (an edit
is a new row; the latest row per activity and subject is the answer) and the facilitator's state
(which activities are open). It validates every answer against the content pack itself: a widget
clamping a value is not enough. Imports no pandas, Jupyter, widget or plotly module, so that the
participant page's kernel stays lean; :mod:`cityworkshop.analysis` turns its rows into frames.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import time
import secrets
import sqlite3
import unicodedata
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from random import Random
from typing import Any

from sqlalchemy import create_engine, event, func, insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DatabaseError, OperationalError

from ..answers import rows_to_answer, validate_answer
from ..content import Activity, ContentPack, Item, load_pack
from ..errors import ActivityClosed, CityWorkshopError, InvalidAnswer, NotFound, StoreError
from .schema import (
    MIGRATIONS,
    SCHEMA_VERSION,
    activity_state_table,
    answers_table,
    events_table,
    groups_table,
    meta_table,
    metadata,
    notes_table,
    participants_table,
    questions_table,
    submissions_table,
    votes_table,
)

__all__ = ["default_db_path", "Group", "Participant", "Submission", "WorkshopInfo", "WorkshopStore", "normalize_code"]

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed on phones
CODE_LENGTH = 6
NAME_MAX_CHARS = 80
BUSY_TIMEOUT_S = 30.0
_SHORT_WAIT_MS = 5  # SQLite's own wait inside one try of BEGIN IMMEDIATE (see _begin_immediate)
_DEVICE = re.compile(r"[A-Za-z0-9_-]{8,64}")  # the page's device token: random, url-safe

def default_db_path() -> Path:
    """The workshop database to use: ``$CITYWORKSHOP_DB``, else ``./workshop.db``."""
    import os

    return Path(os.environ.get("CITYWORKSHOP_DB") or "workshop.db")


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def normalize_code(code: str) -> str:
    """A group code as typed on a phone, made comparable: upper case, no spaces or dashes.

    >>> normalize_code(" k7q-2mx ")
    'K7Q2MX'
    """
    return "".join(ch for ch in str(code).upper() if ch.isalnum())


def _name_key(name: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


@dataclass(frozen=True)
class WorkshopInfo:
    """What the workshop is: its program, when it was made and whether it is demo data."""

    program_id: str
    created_at: str
    is_demo: bool
    schema_version: int
    path: str


@dataclass(frozen=True)
class Group:
    id: int
    number: int
    name: str
    code: str


@dataclass(frozen=True)
class Participant:
    id: str
    group_id: int
    name: str | None
    joined_at: str
    rejoined: bool = False


@dataclass(frozen=True)
class Submission:
    id: int
    activity_id: str
    subject: str
    group_id: int
    participant_id: str
    created_at: str
    answer: dict[str, Any]
    about_group_id: int | None = None


def _begin_immediate(dbapi_conn: Any) -> None:
    """Take the write lock, waiting for other writers up to :data:`BUSY_TIMEOUT_S`.

    SQLite's own busy handler sleeps up to 100 ms between tries, so with 40 writers a waiter
    often sleeps through the moment the lock is free. Here SQLite waits at most a few ms, then
    we retry after a short random pause: the same total patience, a much shorter tail.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    dbapi_conn.execute(f"PRAGMA busy_timeout = {_SHORT_WAIT_MS}")
    try:
        while True:
            try:
                dbapi_conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as e:
                if "locked" not in str(e) and "busy" not in str(e):
                    raise
                if time.monotonic() >= deadline:
                    raise
                time.sleep(random.uniform(0.002, 0.010))
    finally:
        dbapi_conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")


def _make_engine(path: Path) -> Engine:
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        # The driver's own transaction handling is off: we emit BEGIN ourselves (below), so that
        # writes take the write lock first (BEGIN IMMEDIATE) and wait for it instead of failing.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        if mode != "IMMEDIATE":
            conn.exec_driver_sql(f"BEGIN {mode}")
            return
        _begin_immediate(conn.connection.dbapi_connection)

    return engine


class WorkshopStore:
    """One workshop's database.

    Open an existing workshop with ``WorkshopStore(path)``; make a new one with
    :meth:`WorkshopStore.create`. Use it as a context manager to release the file.

    >>> with WorkshopStore.create(tmp_path / "w.db", groups=3) as store:  # doctest: +SKIP
    ...     group = store.list_groups()[0]
    ...     me = store.join(group.code, "Ayu")
    """

    def __init__(self, path: str | Path, *, pack: ContentPack | None = None):
        self.path = Path(path)
        if not self.path.is_file():
            raise StoreError(key="store.missing", path=str(self.path))
        self._engine = _make_engine(self.path)
        self._pack = pack
        try:
            self._check_schema()
        except BaseException:
            self._engine.dispose()
            raise

    # -- life cycle -------------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        path: str | Path,
        *,
        program: str = "tangsel-elp",
        groups: int | None = None,
        demo: bool = False,
        seed: int | None = None,
        pack: ContentPack | None = None,
    ) -> WorkshopStore:
        """Make a new workshop database of ``program`` with ``groups`` groups and their codes.

        Refuses to touch an existing file. ``seed`` makes the group codes reproducible (demo).
        """
        path = Path(path)
        if path.exists():
            raise StoreError(key="store.exists", path=str(path))
        if not path.parent.is_dir():
            raise StoreError(key="store.no_folder", path=str(path.parent))
        pack = pack or load_pack(program)
        n_groups = pack.program.groups_default if groups is None else groups
        if not 1 <= n_groups <= 50:
            raise StoreError(key="store.groups_range", n=n_groups)
        # WAL is a property of the file, kept across connections: set it once, here, so that
        # opening someone else's SQLite file never changes it.
        raw = sqlite3.connect(path)
        try:
            raw.execute("PRAGMA journal_mode = WAL")
        finally:
            raw.close()
        engine = _make_engine(path)
        try:
            metadata.create_all(engine)
            rng: Any = Random(seed) if seed is not None else secrets.SystemRandom()
            codes: set[str] = set()
            while len(codes) < n_groups:
                codes.add("".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)))
            with engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn:
                with conn.begin():
                    conn.execute(insert(meta_table), [
                        {"key": "schema_version", "value": str(SCHEMA_VERSION)},
                        {"key": "program_id", "value": pack.program.id},
                        {"key": "created_at", "value": _now()},
                        {"key": "is_demo", "value": "1" if demo else "0"},
                    ])
                    conn.execute(insert(groups_table), [
                        {"number": i + 1, "name": f"Kelompok {i + 1}", "code": code}
                        for i, code in enumerate(sorted(codes, key=lambda c: rng.random()))
                    ])
                    conn.execute(insert(activity_state_table), [
                        {"activity_id": a.id, "is_open": False} for a in pack.program.activities
                    ])
        finally:
            engine.dispose()
        return cls(path, pack=pack)

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> WorkshopStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _check_schema(self) -> None:
        try:
            with self._engine.connect() as conn:
                names = {r[0] for r in conn.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type='table'")}
                if "meta" not in names:
                    raise StoreError(key="store.not_workshop", path=str(self.path))
                row = conn.execute(select(meta_table.c.value).where(
                    meta_table.c.key == "schema_version")).first()
        except DatabaseError:
            raise StoreError(key="store.not_workshop", path=str(self.path)) from None
        version = int(row[0]) if row else 0
        if version > SCHEMA_VERSION:
            raise StoreError(key="store.newer", path=str(self.path), version=version,
                             supported=SCHEMA_VERSION)
        if version < SCHEMA_VERSION:
            self._migrate(version)

    def _migrate(self, version: int) -> None:
        """Bring an older database up to :data:`SCHEMA_VERSION`, one step at a time."""
        with self._write() as conn:
            while version < SCHEMA_VERSION:
                if version not in MIGRATIONS:
                    raise StoreError(key="store.no_migration", path=str(self.path), version=version)
                MIGRATIONS[version](conn)
                version += 1
            conn.execute(update(meta_table).where(meta_table.c.key == "schema_version")
                         .values(value=str(version)))

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """A write transaction that starts with BEGIN IMMEDIATE and waits for the lock."""
        try:
            with self._engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn:
                with conn.begin():
                    yield conn
        except OperationalError as e:
            if "locked" in str(e.orig) or "busy" in str(e.orig):
                raise InvalidAnswer("error.busy") from None
            raise

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self._engine.connect() as conn:
            with conn.begin():
                yield conn

    # -- workshop ---------------------------------------------------------------------------

    def _meta(self) -> dict[str, str]:
        with self._read() as conn:
            return {k: v for k, v in conn.execute(select(meta_table.c.key, meta_table.c.value))}

    def info(self) -> WorkshopInfo:
        m = self._meta()
        return WorkshopInfo(
            program_id=m["program_id"],
            created_at=m["created_at"],
            is_demo=m.get("is_demo") == "1",
            schema_version=int(m["schema_version"]),
            path=str(self.path),
        )

    @property
    def pack(self) -> ContentPack:
        """The content pack of this workshop's program (loaded once)."""
        if self._pack is None:
            self._pack = load_pack(self._meta()["program_id"])
        return self._pack

    def activity(self, activity_id: str) -> Activity:
        """The activity ``activity_id`` of this workshop's program; :class:`NotFound` if unknown."""
        return self.pack.program.activity(activity_id)

    # -- groups and participants ------------------------------------------------------------

    def list_groups(self) -> list[Group]:
        with self._read() as conn:
            rows = conn.execute(select(groups_table).order_by(groups_table.c.number)).all()
        return [Group(r.id, r.number, r.name, r.code) for r in rows]

    def find_group(self, code: str) -> Group:
        """The group with join code ``code`` (case, spaces and dashes ignored)."""
        with self._read() as conn:
            r = conn.execute(select(groups_table).where(
                groups_table.c.code == normalize_code(code))).first()
        if r is None:
            raise NotFound(f"No group has the code {code!r}.")
        return Group(r.id, r.number, r.name, r.code)

    def join(self, code: str, name: str | None = None, *, device: str | None = None
             ) -> Participant:
        """Join the group with code ``code``.

        The same name in the same group rejoins as the same participant; without a name, the
        same ``device`` token (kept by the participant's browser) does. A malformed token is
        ignored. Raises :class:`InvalidAnswer` (``join.bad_code``) for an unknown code, so that
        the page can say so in the participant's language.
        """
        try:
            group = self.find_group(code)
        except NotFound:
            raise InvalidAnswer("join.bad_code", code=str(code).strip()[:20]) from None
        clean = " ".join(str(name or "").split())
        if len(clean) > NAME_MAX_CHARS:
            raise InvalidAnswer("join.name_too_long", max=NAME_MAX_CHARS)
        if any(unicodedata.category(ch) == "Cc" for ch in clean):
            raise InvalidAnswer("join.name_invalid")
        key = _name_key(clean) if clean else None
        token = device if isinstance(device, str) and _DEVICE.fullmatch(device) else None
        p = participants_table
        with self._write() as conn:
            match = None
            if key:
                match = conn.execute(select(p).where(p.c.group_id == group.id,
                                                     p.c.name_key == key)).first()
            elif token:
                match = conn.execute(select(p).where(p.c.group_id == group.id,
                                                     p.c.device_key == token)
                                     .order_by(p.c.joined_at.desc()).limit(1)).first()
            if match is not None:
                if token and match.device_key is None:
                    conn.execute(update(p).where(p.c.id == match.id).values(device_key=token))
                return Participant(match.id, match.group_id, match.name, match.joined_at,
                                   rejoined=True)
            pid = uuid.uuid4().hex
            joined = _now()
            conn.execute(insert(p).values(id=pid, group_id=group.id, name=clean or None,
                                          name_key=key, joined_at=joined, device_key=token))
        return Participant(pid, group.id, clean or None, joined)

    def participant(self, participant_id: str) -> Participant:
        with self._read() as conn:
            r = conn.execute(select(participants_table).where(
                participants_table.c.id == participant_id)).first()
        if r is None:
            raise NotFound(f"No participant {participant_id!r}.")
        return Participant(r.id, r.group_id, r.name, r.joined_at)

    def list_participants(self) -> list[Participant]:
        with self._read() as conn:
            rows = conn.execute(select(participants_table).order_by(
                participants_table.c.joined_at)).all()
        return [Participant(r.id, r.group_id, r.name, r.joined_at) for r in rows]

    def group_sizes(self) -> dict[int, int]:
        """Group id -> number of participants who joined it (0 for an empty group)."""
        with self._read() as conn:
            rows = conn.execute(select(participants_table.c.group_id, func.count())
                                .group_by(participants_table.c.group_id)).all()
        sizes = {g.id: 0 for g in self.list_groups()}
        sizes.update({gid: n for gid, n in rows})
        return sizes

    # -- facilitator state ------------------------------------------------------------------

    def _set_open(self, activity_id: str, is_open: bool) -> None:
        self.activity(activity_id)  # NotFound for an unknown id
        now = _now()
        values: dict[str, Any] = {"is_open": is_open}
        values["opened_at" if is_open else "closed_at"] = now
        with self._write() as conn:
            res = conn.execute(update(activity_state_table)
                               .where(activity_state_table.c.activity_id == activity_id)
                               .values(**values))
            if res.rowcount == 0:
                conn.execute(insert(activity_state_table).values(activity_id=activity_id, **values))
            conn.execute(insert(events_table).values(
                at=now, action="open" if is_open else "close", activity_id=activity_id))

    def open_activity(self, activity_id: str) -> None:
        """Open an activity for answers; the participant page shows the latest opened one."""
        self._set_open(activity_id, True)

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

    def activity_state(self, activity_id: str) -> dict[str, Any]:
        """``is_open``, ``revealed``, ``opened_at``, ``closed_at``, ``timer_ends_at`` of one activity."""
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
        order = [a.id for a in self.pack.program.activities]
        current = self.current_activity()
        nxt = order[0] if current is None else (
            order[order.index(current) + 1] if order.index(current) + 1 < len(order) else None)
        if current is not None:
            self.close_activity(current)
        if nxt is not None:
            self.open_activity(nxt)
        return nxt

    # -- answers ----------------------------------------------------------------------------

    def subject_of(self, activity: Activity, participant: Participant,
                   about: int | None = None) -> str:
        """Who owns the answer: the group for group scope, the participant otherwise; a peer
        rating's subject also names the group it is about."""
        base = f"g:{participant.group_id}" if activity.scope == "group" else f"p:{participant.id}"
        return f"{base}>g:{about}" if about is not None else base

    def owners(self) -> tuple[str, ...]:
        """Ids of the units that may own a plan step: the city's OPDs."""
        return tuple(o.id for o in self.pack.city.opds)

    def items_of(self, activity: Activity | str) -> tuple[Item, ...]:
        """What an activity asks about: its fixed items, or the current entries of the earlier
        activity named by ``items_from_activity`` (e.g. the groups' ideas), newest last.

        A derived item's id is ``<subject>#<entry>`` (stable while its author edits it); its
        label is the entry's text and its help the group's name.
        """
        if isinstance(activity, str):
            activity = self.activity(activity)
        if not activity.items_from_activity:
            return activity.items
        from ..content import Text as _Text

        rows = self.answer_rows(activity.items_from_activity)
        items = []
        for r in rows:
            if r["field"] == "text":
                label = r["value_text"]
                items.append(Item(id=f"{r['subject']}#{r['item_id']}",
                                  label=_Text(id=label, en=label),
                                  help=_Text(id=r["group"], en=r["group"])))
        return tuple(items)

    def _about(self, activity: Activity, participant: Participant,
               answer: Mapping[str, Any]) -> int | None:
        about = answer.get("about") if isinstance(answer, Mapping) else None
        if activity.about != "groups":
            if about is not None:
                raise InvalidAnswer("answer.unknown_field", field="about")
            return None
        if about is None:
            raise InvalidAnswer("answer.about_required")
        if isinstance(about, bool) or not isinstance(about, int):
            raise InvalidAnswer("answer.about_unknown")
        if about == participant.group_id:
            raise InvalidAnswer("answer.about_own_group")
        if about not in {g.id for g in self.list_groups()}:
            raise InvalidAnswer("answer.about_unknown")
        return about

    def submit(
        self,
        activity_id: str,
        participant_id: str,
        answer: Mapping[str, Any],
        *,
        require_open: bool = True,
    ) -> Submission:
        """Store one answer as a new row; the earlier rows stay (an edit keeps its history).

        Raises :class:`InvalidAnswer` (with a catalogue key for the participant's language) for
        an answer that breaks the activity's rules, :class:`ActivityClosed` when the activity is
        not open, and :class:`NotFound` for an unknown activity or participant. A peer rating
        (``about: groups``) names the group it is about as ``answer["about"]`` (a group id);
        a group never rates itself.
        """
        activity = self.activity(activity_id)
        if activity.kind == "questions":
            raise InvalidAnswer("answer.kind_unsupported", kind=activity.kind)
        participant = self.participant(participant_id)
        about = self._about(activity, participant, answer)
        rows = validate_answer(activity, answer, items=self.items_of(activity),
                               owners=self.owners())
        if require_open and not self.is_open(activity_id):
            raise ActivityClosed("answer.closed")
        subject = self.subject_of(activity, participant, about)
        now = _now()
        with self._write() as conn:
            sid = conn.execute(insert(submissions_table).values(
                activity_id=activity_id, subject=subject, group_id=participant.group_id,
                participant_id=participant.id, created_at=now,
                about_group_id=about)).inserted_primary_key[0]
            conn.execute(insert(answers_table), [{"submission_id": sid, **r} for r in rows])
        return Submission(sid, activity_id, subject, participant.group_id, participant.id, now,
                          rows_to_answer(rows, activity.kind), about)

    def latest_answer(self, activity_id: str, participant_id: str,
                      about: int | None = None) -> Submission | None:
        """The current answer that ``participant_id`` sees for ``activity_id`` (or None);
        ``about`` names the rated group of a peer rating."""
        activity = self.activity(activity_id)
        subject = self.subject_of(activity, self.participant(participant_id), about)
        with self._read() as conn:
            sub = conn.execute(select(submissions_table)
                               .where(submissions_table.c.activity_id == activity_id,
                                      submissions_table.c.subject == subject)
                               .order_by(submissions_table.c.id.desc()).limit(1)).first()
            if sub is None:
                return None
            rows = conn.execute(select(answers_table.c.item_id, answers_table.c.field,
                                       answers_table.c.value_num, answers_table.c.value_text)
                                .where(answers_table.c.submission_id == sub.id)).all()
        return Submission(sub.id, sub.activity_id, sub.subject, sub.group_id, sub.participant_id,
                          sub.created_at,
                          rows_to_answer([r._asdict() for r in rows], activity.kind),
                          sub.about_group_id)

    def answer_rows(self, activity_id: str, *, history: bool = False) -> list[dict[str, Any]]:
        """Tidy answer rows of an activity: one per (submission, item, field).

        By default only the current answer of each subject; ``history=True`` gives every
        revision. Columns: submission_id, activity_id, subject, group_id, group, participant_id,
        participant, item_id, field, value_num, value_text, created_at, about_group_id,
        about_group (the last two only set for peer ratings).
        """
        self.activity(activity_id)
        s, a, g, p = submissions_table, answers_table, groups_table, participants_table
        ga = groups_table.alias("about")
        query = (select(s.c.id.label("submission_id"), s.c.activity_id, s.c.subject, s.c.group_id,
                        g.c.name.label("group"), s.c.participant_id, p.c.name.label("participant"),
                        a.c.item_id, a.c.field, a.c.value_num, a.c.value_text, s.c.created_at,
                        s.c.about_group_id, ga.c.name.label("about_group"))
                 .join(a, a.c.submission_id == s.c.id)
                 .join(g, g.c.id == s.c.group_id)
                 .join(p, p.c.id == s.c.participant_id)
                 .outerjoin(ga, ga.c.id == s.c.about_group_id)
                 .where(s.c.activity_id == activity_id)
                 .order_by(s.c.id, a.c.item_id, a.c.field))
        if not history:
            latest = (select(func.max(s.c.id)).where(s.c.activity_id == activity_id)
                      .group_by(s.c.subject)).scalar_subquery()
            query = query.where(s.c.id.in_(latest))
        return self._records(query)

    def _records(self, query: Any) -> list[dict[str, Any]]:
        """Rows of a query as dicts; zipping plain tuples is several times faster than going
        through SQLAlchemy's Row mappings, which matters for 10,000 participants' answers."""
        with self._read() as conn:
            result = conn.execute(query)
            keys = list(result.keys())
            return [dict(zip(keys, row, strict=True)) for row in result.fetchall()]

    def answered_subjects(self, activity_id: str) -> set[str]:
        """Subjects (``g:<group id>`` or ``p:<participant id>``) with an answer."""
        with self._read() as conn:
            rows = conn.execute(select(submissions_table.c.subject).distinct()
                                .where(submissions_table.c.activity_id == activity_id)).all()
        return {r[0] for r in rows}

    def submission_counts(self) -> dict[str, dict[str, int]]:
        """Activity id -> {"subjects": answered subjects, "revisions": rows stored}."""
        s = submissions_table
        with self._read() as conn:
            rows = conn.execute(select(s.c.activity_id, func.count(s.c.subject.distinct()),
                                       func.count()).group_by(s.c.activity_id)).all()
        counts = {a.id: {"subjects": 0, "revisions": 0} for a in self.pack.program.activities}
        for aid, subjects, revisions in rows:
            counts[aid] = {"subjects": subjects, "revisions": revisions}
        return counts

    # -- questions (sharing session) ---------------------------------------------------------

    def _questions_activity(self, activity_id: str) -> Activity:
        activity = self.activity(activity_id)
        if activity.kind != "questions":
            raise InvalidAnswer("answer.kind_unsupported", kind=activity.kind)
        return activity

    def ask(self, activity_id: str, participant_id: str, text: str, *,
            require_open: bool = True) -> int:
        """Add a question; returns its id. Empty or over-long text is refused."""
        from ..answers import clean_text

        activity = self._questions_activity(activity_id)
        participant = self.participant(participant_id)
        body = clean_text(text, max_chars=activity.max_chars, where={"n": 1})
        if require_open and not self.is_open(activity_id):
            raise ActivityClosed("answer.closed")
        with self._write() as conn:
            return int(conn.execute(insert(questions_table).values(
                activity_id=activity_id, participant_id=participant.id,
                group_id=participant.group_id, text=body, created_at=_now())
            ).inserted_primary_key[0])

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
        with self._write() as conn:
            res = conn.exec_driver_sql(
                "INSERT OR IGNORE INTO votes (question_id, participant_id, created_at) "
                "VALUES (?, ?, ?)", (question_id, participant.id, _now()))
            return bool(res.rowcount)

    def mark_answered(self, question_id: int, answered: bool = True) -> None:
        """The facilitator marks a question answered (or not)."""
        with self._write() as conn:
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
                 .group_by(q.c.id)
                 .order_by(votes.desc(), q.c.id))
        return self._records(query)

    def votes_of(self, activity_id: str, participant_id: str) -> set[int]:
        """Ids of the questions of ``activity_id`` that ``participant_id`` voted for."""
        with self._read() as conn:
            rows = conn.execute(select(votes_table.c.question_id)
                                .join(questions_table,
                                      questions_table.c.id == votes_table.c.question_id)
                                .where(questions_table.c.activity_id == activity_id,
                                       votes_table.c.participant_id == participant_id)).all()
        return {r[0] for r in rows}

    # -- facilitator notes: the room's synthesis and pinned answers --------------------------

    def set_synthesis(self, activity_id: str, text: str) -> None:
        """Store the room's synthesis of an activity (each edit is kept; the latest counts)."""
        self.activity(activity_id)
        with self._write() as conn:
            conn.execute(insert(notes_table).values(activity_id=activity_id, kind="synthesis",
                                                    value=str(text).strip(), created_at=_now()))

    def synthesis(self, activity_id: str) -> str | None:
        with self._read() as conn:
            r = conn.execute(select(notes_table.c.value).where(
                notes_table.c.activity_id == activity_id, notes_table.c.kind == "synthesis")
                .order_by(notes_table.c.id.desc()).limit(1)).first()
        return r[0] if r and r[0] else None

    def pin(self, activity_id: str, ref: str, pinned: bool = True) -> None:
        """Pin (or unpin) an answer on the wall; ``ref`` is ``<subject>#<entry>``."""
        self.activity(activity_id)
        with self._write() as conn:
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

    def events(self) -> list[dict[str, Any]]:
        with self._read() as conn:
            return [dict(r._mapping) for r in conn.execute(
                select(events_table).order_by(events_table.c.id))]


__all__ += ["validate_answer", "rows_to_answer", "CityWorkshopError"]
