"""Store layer internals shared by the facade's parts: the engine (WAL, busy timeout,
``BEGIN IMMEDIATE`` in short retried steps), value objects, small helpers and
:class:`StoreCore`, what the parts of ``WorkshopStore`` may use of it."""

from __future__ import annotations

import datetime as dt
import os
import random
import sqlite3
import time
import unicodedata
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, CursorResult, Engine

if TYPE_CHECKING:
    from ..content import Activity, ContentPack

BUSY_TIMEOUT_S = 30.0
_SHORT_WAIT_MS = 5  # SQLite's own wait inside one try of BEGIN IMMEDIATE (see _begin_immediate)

def default_db_path() -> Path | str:
    """The workshop database to use: ``$CITYWORKSHOP_DB``, else ``./workshop.db``.

    A path, or the URL (a ``str``) of a PostgreSQL workshop when ``$CITYWORKSHOP_DB`` is one.
    """
    return db_location(os.environ.get("CITYWORKSHOP_DB") or "workshop.db")


def db_location(db: str | Path) -> Path | str:
    """A ``--db`` value as the store takes it: a database URL stays a string (``Path`` would
    fold its ``//``), anything else is a file path."""
    if isinstance(db, str) and "://" in db:
        return db
    return Path(db)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def _inserted_id(result: CursorResult[Any]) -> int:
    """The id the database gave the one row an INSERT just added."""
    key = result.inserted_primary_key
    if key is None:  # an INSERT of one row always has one; the type allows None
        raise TypeError("not the result of an INSERT of one row")
    return int(key[0])


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
    #: the personal code that lets this participant take their seat from another device
    seat: str | None = None
    #: the group this participant came from when this join moved them (else None)
    moved_from: int | None = None


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


@dataclass(frozen=True)
class Subject:
    """Who owns an answer: a group (group scope) or a participant, and for a peer answer
    (``about: groups``) the group it is about. The store keeps it as text (``g:1``, ``p:<id>``,
    ``g:1>g:2``); that text is built and read here only.

    >>> str(Subject(group_id=1, about=2)), Subject.parse("p:ab12").participant_id
    ('g:1>g:2', 'ab12')
    """

    group_id: int | None = None
    participant_id: str | None = None
    about: int | None = None

    @classmethod
    def of(cls, scope: str, participant: Participant, about: int | None = None) -> Subject:
        """The subject of ``participant``'s answers to an activity of ``scope``."""
        if scope == "group":
            return cls(group_id=participant.group_id, about=about)
        return cls(participant_id=participant.id, about=about)

    @classmethod
    def parse(cls, text: str) -> Subject:
        """A stored subject back as a value; ValueError for anything else."""
        owner, _, about = str(text).partition(">")
        rated = None
        if about:
            if not about.startswith("g:") or not about[2:].isdigit():
                raise ValueError(f"Could not read the subject {text!r}: after '>' comes g:<id>.")
            rated = int(about[2:])
        if owner.startswith("g:") and owner[2:].isdigit():
            return cls(group_id=int(owner[2:]), about=rated)
        if owner.startswith("p:") and len(owner) > 2:
            return cls(participant_id=owner[2:], about=rated)
        raise ValueError(f"Could not read the subject {text!r}: expected g:<group id> or "
                         "p:<participant id>, optionally followed by >g:<group id>.")

    @property
    def owner(self) -> Subject:
        """The group or participant alone (a peer answer without the group it is about)."""
        return Subject(self.group_id, self.participant_id)

    def __str__(self) -> str:
        base = f"g:{self.group_id}" if self.participant_id is None else f"p:{self.participant_id}"
        return f"{base}>g:{self.about}" if self.about is not None else base


@dataclass(frozen=True)
class GroupProgress:
    """How far one group is with an activity: ``answered`` of ``possible``."""

    name: str
    answered: int
    possible: int


@dataclass(frozen=True)
class Progress:
    """Who answered an activity (:meth:`WorkshopStore.progress`).

    ``unit`` says what is counted: ``"groups"`` (a group answered or not), ``"participants"``
    (of those who joined), ``"pairs"`` (peer answers: rater and rated group) or
    ``"questions"`` (a board: questions per group; ``total`` is the participants, ``votes``
    the votes given).
    """

    answered: int
    total: int
    groups: tuple[GroupProgress, ...]
    unit: str
    votes: int = 0

    def as_tuple(self) -> tuple[int, int, list[tuple[str, int, int]]]:
        """``(answered, total, [(group name, answered, possible), ...])``."""
        return self.answered, self.total, [(g.name, g.answered, g.possible) for g in self.groups]


class StoreCore(Protocol):
    """What the parts of :class:`~cityworkshop.store.WorkshopStore` use of the facade.

    ``WorkshopStore`` is put together from parts, one module each: ``RoomState`` (``room.py``),
    ``QuestionsAndNotes`` (``sharing.py``) and ``PageAddressRows`` (``page.py``). Each part
    inherits this protocol, so that its methods are checked against what it uses (its
    transactions, the content, the lookups), and ``WorkshopStore`` implements every member: mypy
    refuses a part that uses anything else, and a facade that lacks one of these.
    """

    #: the SQLAlchemy engine of the SQLite file or the PostgreSQL workshop
    _engine: Engine

    @property
    def pack(self) -> ContentPack:
        """The workshop's content pack."""
        ...

    def _write(self, *, ordered: bool = True) -> AbstractContextManager[Connection]:
        """A write transaction (``ordered``: wait for the write lock first)."""
        ...

    def _read(self) -> AbstractContextManager[Connection]:
        """A read: every statement sees the latest commit."""
        ...

    def _records(self, query: Any) -> list[dict[str, Any]]:
        """A query's rows as dicts."""
        ...

    def activity(self, activity_id: str) -> Activity:
        """The activity of the program; ``NotFound`` if unknown."""
        ...

    def participant(self, participant_id: str) -> Participant:
        """The participant; ``NotFound`` if unknown."""
        ...

    def is_open(self, activity_id: str) -> bool:
        """Whether the activity takes answers (``RoomState``)."""
        ...


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


def _make_engine(path: Path, *, read_only: bool = False) -> Engine:
    """The engine of one workshop file; connections come from :func:`health.connect`.

    Never creates the file (``mode=rw``), and reads a database on read-only media or in a
    read-only folder (a USB stick, a CD, a copy handed to the city office). ``read_only=True``
    opens it for reading only (``mode=ro``): every write fails with SQLite's "attempt to write
    a readonly database".
    """
    from .health import connect

    def _connect() -> sqlite3.Connection:
        return connect(path, read_only=read_only, timeout=BUSY_TIMEOUT_S,
                       check_same_thread=False)

    engine = create_engine(f"sqlite:///{path}", creator=_connect)

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
