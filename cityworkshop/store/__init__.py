"""The workshop store: the only module that speaks SQL.

:class:`WorkshopStore` is a facade over SQLAlchemy Core, one database per workshop, a SQLite file
by default (WAL journal, busy timeout, foreign keys, ``BEGIN IMMEDIATE`` for every write). It
holds the workshop, its groups with join codes, participants, append-only submissions (an edit
is a new row; the latest row per activity and subject is the answer) and the facilitator's state
(which activities are open). It validates every answer against the content pack itself: a widget
clamping a value is not enough. Imports no pandas, Jupyter, widget or plotly module, so that the
participant page's kernel stays lean; :mod:`cityworkshop.analysis` turns its rows into frames.
The facade is assembled from parts: ``_base`` (engine, value objects), ``room`` (facilitator
state), ``sharing`` (questions, votes, notes) and ``schema`` (tables, migrations). Given a
``postgresql+psycopg://...?workshop=NAME`` URL instead of a path, the same facade works on one
schema of a PostgreSQL server (:mod:`cityworkshop.store.postgres`).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import sqlite3
import sys
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from random import Random
from typing import Any, NoReturn

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DatabaseError, DBAPIError, OperationalError

from ..answers import NEW_ENTRY, normalize_name, rows_to_answer, validate_answer
from ..content import Activity, ContentPack, Item, load_pack
from ..errors import (
    ActivityClosed,
    CityWorkshopError,
    InvalidAnswer,
    NotFound,
    StoreError,
    StoreUnavailable,
)
from ..kinds import ActivityData, kind_of
from ..packs import load_content, pack_from_snapshot
from . import postgres as _pg
from ._base import (
    Group,
    GroupProgress,
    Participant,
    Progress,
    Subject,
    Submission,
    WorkshopInfo,
    _inserted_id,
    _make_engine,
    _name_key,
    _now,
    default_db_path,
    normalize_code,
)
from .page import PageAddressRows
from .room import RoomState
from .schema import (
    MIGRATIONS,
    SCHEMA_VERSION,
    activity_state_table,
    answers_table,
    content_pack_table,
    events_table,
    groups_table,
    meta_table,
    metadata,
    participants_table,
    save_pack_copy,
    submissions_table,
)
from .sharing import QuestionsAndNotes

__all__ = ["default_db_path", "ActivityData", "Group", "GroupProgress", "Participant",
           "Progress", "Subject", "Submission", "WorkshopInfo", "WorkshopStore",
           "normalize_code"]

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed on phones
CODE_LENGTH = 6
NAME_MAX_CHARS = 80
SEAT_LENGTH = 5  # a personal code: 31**5 = 28 million, and wrong guesses are throttled
SEAT_MAX_FAILURES = 20  # wrong personal codes per group within SEAT_LOCK_MINUTES ...
SEAT_LOCK_MINUTES = 10  # ... before personal codes are refused for a while
_DEVICE = re.compile(r"[A-Za-z0-9_-]{8,64}")  # the page's device token: random, url-safe


def _file_identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the file at ``path``, None when there is none."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _server_trouble(e: DBAPIError) -> str | None:
    """The driver's first line when a PostgreSQL error means the workshop cannot be used now
    (server gone or refusing, disk full, read-only, no permission, schema dropped), else None."""
    state = str(getattr(e.orig, "sqlstate", "") or "")
    if (isinstance(e, OperationalError) or e.connection_invalidated
            or state[:2] in ("08", "53", "57", "58", "25", "3D", "3F")
            or state in ("42501", "42P01")):
        text_ = str(e.orig).strip()
        return (text_.splitlines()[0] if text_ else state or type(e.orig).__name__)[:300]
    return None


def _group_count(pack: ContentPack, groups: int | None) -> int:
    n_groups = pack.program.groups_default if groups is None else groups
    if not 1 <= n_groups <= 50:
        raise StoreError(key="store.groups_range", n=n_groups)
    return n_groups


def _content(program: str, content: str | Path | None,
             pack: ContentPack | None) -> tuple[ContentPack, str]:
    """The pack of a new workshop and where it comes from (for the copy the workshop keeps)."""
    if pack is not None:
        return pack, pack.files.get("program", "-")
    from ..content import data_dir

    pack = load_content(program, content)
    return pack, str(Path(content).resolve() if content is not None else data_dir())


def _fill(conn: Connection, pack: ContentPack, n_groups: int, seed: int | None,
          demo: bool, source: str) -> None:
    """The first rows of a new workshop: meta, the copy of its content, the groups with their
    codes, activity state. ``seed`` makes the group codes reproducible (demo)."""
    rng: Any = Random(seed) if seed is not None else secrets.SystemRandom()
    codes: set[str] = set()
    while len(codes) < n_groups:
        codes.add("".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)))
    conn.execute(insert(meta_table), [
        {"key": "schema_version", "value": str(SCHEMA_VERSION)},
        {"key": "program_id", "value": pack.program.id},
        {"key": "created_at", "value": _now()},
        {"key": "is_demo", "value": "1" if demo else "0"},
    ])
    save_pack_copy(conn, pack, source)
    conn.execute(insert(groups_table), [
        {"number": i + 1, "name": f"Kelompok {i + 1}", "code": code}
        for i, code in enumerate(sorted(codes, key=lambda c: rng.random()))
    ])
    conn.execute(insert(activity_state_table), [
        {"activity_id": a.id, "is_open": False} for a in pack.program.activities
    ])


class WorkshopStore(RoomState, QuestionsAndNotes, PageAddressRows):
    """One workshop's database.

    Open an existing workshop with ``WorkshopStore(path)``; make a new one with
    :meth:`WorkshopStore.create`. Use it as a context manager to release the file.

    >>> with WorkshopStore.create(tmp_path / "w.db", groups=3) as store:  # doctest: +SKIP
    ...     group = store.list_groups()[0]
    ...     me = store.join(group.code, "Ayu")
    """

    #: print a write failure's cause on the server's stderr (the CLI prints it itself)
    say_on_stderr = True

    #: the path of the SQLite file, or the URL (a ``str``) of a PostgreSQL workshop
    path: Path | str

    def __init__(self, path: str | Path, *, pack: ContentPack | None = None,
                 read_only: bool = False):
        self._alarmed: set[str] = set()
        self._pack = pack
        #: where a PostgreSQL workshop lives (None: a SQLite file)
        self.server: _pg.WorkshopURL | None = None
        if _pg.is_url(path):
            self.server = _pg.parse_url(str(path))
            self.path = self.server.text
            self._identity = None
            self._engine = _pg.make_engine(self.server, read_only=read_only)
        else:
            self.path = Path(path)
            if not self.path.is_file():
                raise StoreError(key="store.missing", path=str(self.path))
            self._identity = _file_identity(self.path)
            self._engine = _make_engine(self.path, read_only=read_only)
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
        content: str | Path | None = None,
    ) -> WorkshopStore:
        """Make a new workshop database of ``program`` with ``groups`` groups and their codes.

        ``content`` is the folder of a city's own pack (default: the package's ``data/``); the
        workshop keeps a copy of the pack, and every later command reads that copy. Refuses to
        touch an existing file; a pack with problems raises
        :class:`~cityworkshop.errors.ContentError` before anything is written. ``seed`` makes
        the group codes reproducible (demo).
        """
        if _pg.is_url(path):
            return cls._create_on_server(str(path), program=program, groups=groups, demo=demo,
                                         seed=seed, pack=pack, content=content)
        path = Path(path)
        if path.exists():
            raise StoreError(key="store.exists", path=str(path))
        if not path.parent.is_dir():
            raise StoreError(key="store.no_folder", path=str(path.parent))
        pack, source = _content(program, content, pack)
        n_groups = _group_count(pack, groups)
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
            with (engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn,
                  conn.begin()):
                _fill(conn, pack, n_groups, seed, demo, source)
        finally:
            engine.dispose()
        return cls(path, pack=pack)

    @classmethod
    def _create_on_server(cls, url: str, *, program: str, groups: int | None, demo: bool,
                          seed: int | None, pack: ContentPack | None,
                          content: str | Path | None = None) -> WorkshopStore:
        """:meth:`create` on PostgreSQL: the workshop's schema, its tables and first rows in
        one transaction (a workshop is whole or absent)."""
        where = _pg.parse_url(url)
        pack, source = _content(program, content, pack)
        n_groups = _group_count(pack, groups)
        engine = _pg.make_engine(where, pool_size=1)
        try:
            with engine.connect() as conn, conn.begin():
                # two 'init's of the same name at once: the second waits, then is refused
                conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:s))"),
                             {"s": where.workshop})
                if "meta" in _pg.table_names(conn, where.workshop):
                    raise StoreError(key="store.exists", path=where.display)
                conn.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{where.workshop}"')
                metadata.create_all(conn)
                _pg.ensure_revision(conn)
                _fill(conn, pack, n_groups, seed, demo, source)
        except DBAPIError as e:
            raise _pg.explain(where, e) from None
        finally:
            engine.dispose()
        return cls(url, pack=pack)

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> WorkshopStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def where(self) -> str:
        """The workshop's database for messages: the file's path, or the URL without its
        password."""
        return self.server.display if self.server is not None else str(self.path)

    def _check_schema(self) -> None:
        if self.server is not None:
            self._check_server_schema(self.server)
            return
        try:
            with self._engine.connect() as conn:
                names = {r[0] for r in conn.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type='table'")}
                if "meta" not in names:
                    raise StoreError(key="store.not_workshop", path=str(self.path))
                row = conn.execute(select(meta_table.c.value).where(
                    meta_table.c.key == "schema_version")).first()
        except DatabaseError as e:  # the true cause: damaged, locked, read-only, not SQLite ...
            from .health import explain

            raise explain(self.path, e.orig) from None
        version = int(row[0]) if row else 0
        if version > SCHEMA_VERSION:
            raise StoreError(key="store.newer", path=str(self.path), version=version,
                             supported=SCHEMA_VERSION)
        if version < SCHEMA_VERSION:
            self._migrate(version)

    def _check_server_schema(self, where: _pg.WorkshopURL) -> None:
        try:
            with self._engine.connect() as conn:
                names = _pg.table_names(conn, where.workshop)
                if "meta" not in names:
                    missing = not _pg.schema_exists(conn, where.workshop) or not names
                    raise StoreError(key="store.missing" if missing else "store.not_workshop",
                                     path=where.display)
                row = conn.execute(select(meta_table.c.value).where(
                    meta_table.c.key == "schema_version")).first()
            if "revision" not in names:  # made by a release without the change counter
                with self._engine.begin() as conn:
                    conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:s))"),
                                 {"s": where.workshop})
                    _pg.ensure_revision(conn)
        except DBAPIError as e:  # the server unreachable, the login refused, no such database
            raise _pg.explain(where, e) from None
        version = int(row[0]) if row else 0
        if version > SCHEMA_VERSION:
            raise StoreError(key="store.newer", path=where.display, version=version,
                             supported=SCHEMA_VERSION)
        if version < SCHEMA_VERSION:
            self._migrate(version)

    def _migrate(self, version: int) -> None:
        """Bring an older database up to :data:`SCHEMA_VERSION`, one step at a time."""
        with self._write() as conn:
            # read again under the write lock: another process may have migrated it meanwhile
            row = conn.execute(select(meta_table.c.value).where(
                meta_table.c.key == "schema_version")).first()
            version = int(row[0]) if row else 0
            while version < SCHEMA_VERSION:
                if version not in MIGRATIONS:
                    raise StoreError(key="store.no_migration", path=self.where, version=version)
                MIGRATIONS[version](conn)
                version += 1
            conn.execute(update(meta_table).where(meta_table.c.key == "schema_version")
                         .values(value=str(version)))

    def _check_file(self) -> None:
        """Refuse to write when the file opened is no longer the one at :attr:`path`.

        SQLite keeps writing into a deleted (unlinked) or replaced file without a word: every
        answer would then be lost while the page says "Terkirim". A stat per write costs a few
        microseconds. A PostgreSQL workshop has no file to check.
        """
        if not isinstance(self.path, Path):  # a PostgreSQL workshop (self.server)
            return
        now = _file_identity(self.path)
        if now is None:
            self._fail("store.file_gone", path=str(self.path))
        if now != self._identity:
            self._fail("store.file_replaced", path=str(self.path))

    def _fail(self, key: str, **params: Any) -> NoReturn:
        """Raise :class:`StoreUnavailable`, and say it once on the server's own terminal (a
        participant page's kernel prints nothing a facilitator would see otherwise)."""
        err = StoreUnavailable(key=key, **params)
        if key not in self._alarmed and self.say_on_stderr:
            self._alarmed.add(key)
            stream = sys.__stderr__ or sys.stderr
            with suppress(OSError, ValueError):
                print(f"cityworkshop: ERROR: {err}", file=stream, flush=True)
        raise err

    @contextmanager
    def _write(self, *, ordered: bool = True) -> Iterator[Connection]:
        """A write transaction that starts with BEGIN IMMEDIATE and waits for the lock.

        On PostgreSQL ``ordered=False`` (a plain append that reads nothing first) takes no
        lock: such writes commit side by side.

        Fails loudly (:class:`StoreUnavailable`) when the file is gone or replaced, the disk is
        full or the file cannot be written: never a silent loss.
        """
        if self.server is not None:
            with self._write_on_server(ordered) as conn:
                yield conn
            return
        self._check_file()
        try:
            with (self._engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn,
                  conn.begin()):
                yield conn
        except OperationalError as e:
            reason = str(e.orig)
            if "locked" in reason or "busy" in reason:
                raise InvalidAnswer("error.busy") from None
            if any(w in reason for w in ("full", "readonly", "read-only", "unable to open",
                                         "disk I/O", "no such table")):
                self._fail("store.write_failed", path=str(self.path), reason=reason)
            raise

    @contextmanager
    def _write_on_server(self, ordered: bool) -> Iterator[Connection]:
        """A PostgreSQL write transaction: the workshop's write lock first when ``ordered``
        (it orders the writers that read first, as ``BEGIN IMMEDIATE`` does), and a bump of
        the change counter that the watchers see at commit. A server gone, a full disk, a
        read-only server or a role that may not write raise :class:`StoreUnavailable`; the
        answer is NOT saved and the page says so."""
        try:
            with self._engine.connect() as conn, conn.begin():
                if ordered:
                    _pg.order_writers(conn)
                _pg.bump(conn)
                yield conn
        except DBAPIError as e:
            state = str(getattr(e.orig, "sqlstate", "") or "")
            if state in ("40001", "40P01"):  # serialization failure, deadlock: try again
                raise InvalidAnswer("error.busy") from None
            reason = _server_trouble(e)
            if reason is not None:
                self._fail("store.write_failed", path=self.where, reason=reason)
            raise

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        if self.server is not None:
            # each statement sees every earlier commit (READ COMMITTED); a transaction around
            # a read would only add two round trips
            try:
                with self._engine.connect().execution_options(
                        isolation_level="AUTOCOMMIT") as conn:
                    yield conn
            except DBAPIError as e:  # the server gone: the page says so, as for a write
                reason = _server_trouble(e)
                if reason is not None:
                    self._fail("store.pg_unusable", path=self.where, reason=reason)
                raise
            return
        with self._engine.connect() as conn, conn.begin():
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
            path=self.where,
        )

    @property
    def pack(self) -> ContentPack:
        """The content pack the workshop was made with: the copy it keeps (loaded once).

        A database from before schema 6 whose copy could not be made on migration (its program
        is not in this release's ``data/``) loads the program by its id.
        """
        if self._pack is None:
            with self._read() as conn:
                row = conn.execute(select(content_pack_table.c.snapshot)
                                   .where(content_pack_table.c.id == 1)).first()
            if row is not None:
                self._pack = pack_from_snapshot(row[0], self.where)
            else:
                self._pack = load_pack(self._meta()["program_id"])
        return self._pack

    def pack_source(self) -> str | None:
        """The pack folder the workshop's copy of its content came from (None: no copy)."""
        with self._read() as conn:
            row = conn.execute(select(content_pack_table.c.source)
                               .where(content_pack_table.c.id == 1)).first()
        return None if row is None else str(row[0])

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

    def join(self, code: str, name: str | None = None, *, device: str | None = None,
             seat: str | None = None) -> Participant:
        """Join the group with code ``code``; returns the participant this browser is.

        One browser is one participant: the same ``device`` token (kept by the participant's
        browser) always comes back as the same participant, whatever name it types, and joining
        another group's code with it moves that participant there (a wrong group fixed). Another
        device takes an existing member's seat only with that member's personal ``seat`` code
        (:attr:`Participant.seat`, shown to them once joined). A name already taken in the group
        is refused without that code (``join.name_taken``), so nobody reads or overwrites a
        colleague's answers by typing their name.

        Raises :class:`InvalidAnswer` with a catalogue key for the participant's language:
        ``join.bad_code`` for an unknown group code, ``join.name_taken``, ``join.bad_seat``,
        ``join.seat_locked`` after too many wrong personal codes, ``join.name_too_long``.
        """
        try:
            group = self.find_group(code)
        except NotFound:
            raise InvalidAnswer("join.bad_code", code=normalize_name(code)[:20]) from None
        if isinstance(name, str) and len(name) > 4 * NAME_MAX_CHARS:
            raise InvalidAnswer("join.name_too_long", max=NAME_MAX_CHARS)
        clean = normalize_name(name)
        if len(clean) > NAME_MAX_CHARS:
            raise InvalidAnswer("join.name_too_long", max=NAME_MAX_CHARS)
        key = _name_key(clean) if clean else None
        token = device if isinstance(device, str) and _DEVICE.fullmatch(device) else None
        seat_code = normalize_code(seat)[:SEAT_LENGTH + 4] if isinstance(seat, str) else ""
        if seat_code and self._seat_attempts(group.id) >= SEAT_MAX_FAILURES:
            raise InvalidAnswer("join.seat_locked", minutes=SEAT_LOCK_MINUTES)
        p = participants_table
        failed = False
        with self._write() as conn:
            me = None
            if token:
                me = conn.execute(select(p).where(p.c.device_key == token)
                                  .order_by(p.c.joined_at.desc()).limit(1)).first()
            if me is None and seat_code:
                me = conn.execute(select(p).where(p.c.group_id == group.id,
                                                  p.c.seat_code == seat_code)).first()
                failed = me is None
            if me is not None:
                return self._rejoin(conn, me, group, clean, key, token)
            if not failed:
                if key and conn.execute(select(p.c.id).where(
                        p.c.group_id == group.id, p.c.name_key == key)).first():
                    raise InvalidAnswer("join.name_taken", name=clean)
                pid = uuid.uuid4().hex
                joined = _now()
                new_seat = self._new_seat_code(conn)
                conn.execute(insert(p).values(id=pid, group_id=group.id, name=clean or None,
                                              name_key=key, joined_at=joined, device_key=token,
                                              seat_code=new_seat))
                return Participant(pid, group.id, clean or None, joined, seat=new_seat)
        # a wrong personal code: remember it (outside the refused transaction), then say so
        with self._write(ordered=False) as conn:
            conn.execute(insert(events_table).values(at=_now(), action="seat_refused",
                                                     activity_id=f"g:{group.id}"))
        raise InvalidAnswer("join.bad_seat")

    def find_device(self, device: str | None) -> tuple[Participant, Group] | None:
        """The participant this browser's token belongs to, and their group (None: unknown).

        The page uses it to take a participant straight back to their seat after a reload.
        """
        if not isinstance(device, str) or not _DEVICE.fullmatch(device):
            return None
        p, g = participants_table, groups_table
        with self._read() as conn:
            r = conn.execute(select(p, g.c.code).join(g, g.c.id == p.c.group_id)
                             .where(p.c.device_key == device)
                             .order_by(p.c.joined_at.desc()).limit(1)).first()
        if r is None:
            return None
        return (Participant(r.id, r.group_id, r.name, r.joined_at, rejoined=True,
                            seat=r.seat_code), self.find_group(r.code))

    def _rejoin(self, conn: Connection, me: Any, group: Group, clean: str, key: str | None,
                token: str | None) -> Participant:
        """Come back as ``me``: into ``group`` (moved when it is another), under the typed name
        when one is given and nobody else in that group has it; this device is now theirs."""
        p = participants_table
        values: dict[str, Any] = {}
        if me.group_id != group.id:
            values["group_id"] = group.id
        name, name_key = me.name, me.name_key
        if key and key != me.name_key:
            name, name_key = clean, key
        if name_key and (values or name_key != me.name_key) and conn.execute(
                select(p.c.id).where(p.c.group_id == group.id, p.c.name_key == name_key,
                                     p.c.id != me.id)).first():
            raise InvalidAnswer("join.name_taken", name=name or "")
        if name_key != me.name_key:
            values.update(name=name, name_key=name_key)
        if token and me.device_key != token:
            values["device_key"] = token
        seat = me.seat_code
        if not seat:
            values["seat_code"] = seat = self._new_seat_code(conn)
        if values:
            conn.execute(update(p).where(p.c.id == me.id).values(**values))
        if "group_id" in values:
            conn.execute(insert(events_table).values(at=_now(), action="moved",
                                                     activity_id=f"g:{group.id}"))
        return Participant(me.id, group.id, name, me.joined_at, rejoined=True, seat=seat,
                           moved_from=me.group_id if "group_id" in values else None)

    def _new_seat_code(self, conn: Connection) -> str:
        """A personal code no other participant of the workshop has."""
        p = participants_table
        while True:
            seat = "".join(secrets.choice(CODE_ALPHABET) for _ in range(SEAT_LENGTH))
            if conn.execute(select(p.c.id).where(p.c.seat_code == seat)).first() is None:
                return seat

    def _seat_attempts(self, group_id: int) -> int:
        """Wrong personal codes typed for ``group_id`` in the last :data:`SEAT_LOCK_MINUTES`."""
        since = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=SEAT_LOCK_MINUTES)).isoformat(
            timespec="microseconds")
        with self._read() as conn:
            return int(conn.execute(select(func.count()).select_from(events_table).where(
                events_table.c.action == "seat_refused",
                events_table.c.activity_id == f"g:{group_id}",
                events_table.c.at >= since)).scalar_one())

    def participant(self, participant_id: str) -> Participant:
        with self._read() as conn:
            r = conn.execute(select(participants_table).where(
                participants_table.c.id == participant_id)).first()
        if r is None:
            raise NotFound(f"No participant {participant_id!r}.")
        return Participant(r.id, r.group_id, r.name, r.joined_at, seat=r.seat_code)

    def list_participants(self) -> list[Participant]:
        with self._read() as conn:
            rows = conn.execute(select(participants_table).order_by(
                participants_table.c.joined_at)).all()
        return [Participant(r.id, r.group_id, r.name, r.joined_at, seat=r.seat_code)
                for r in rows]

    def group_sizes(self) -> dict[int, int]:
        """Group id -> number of participants who joined it (0 for an empty group)."""
        with self._read() as conn:
            rows = conn.execute(select(participants_table.c.group_id, func.count())
                                .group_by(participants_table.c.group_id)).all()
        sizes = {g.id: 0 for g in self.list_groups()}
        sizes.update({gid: n for gid, n in rows})
        return sizes

    # -- answers ----------------------------------------------------------------------------

    def subject_of(self, activity: Activity, participant: Participant,
                   about: int | None = None) -> str:
        """Who owns the answer (:class:`Subject`, as the store keeps it): the group for group
        scope, the participant otherwise; a peer rating's subject also names the group it is
        about."""
        return str(Subject.of(activity.scope, participant, about))

    def owners(self) -> tuple[str, ...]:
        """Ids of the units that may own a plan step: the city's OPDs."""
        return tuple(o.id for o in self.pack.city.opds)

    def items_of(self, activity: Activity | str, *, with_deleted: bool = False
                 ) -> tuple[Item, ...]:
        """What an activity asks about: its fixed items, or the current entries of the earlier
        activity named by ``items_from_activity`` (e.g. the groups' ideas), oldest first.

        A derived item's id is ``<subject>#<entry id>``, stable from the moment the entry is
        stored: its author may edit the wording, and deleting or adding other entries never
        moves it. Its label is the entry's text and its help the group's name.
        ``with_deleted=True`` adds entries deleted since (their last wording, marked
        "(dihapus)" / "(deleted)"), so that points already given to them keep a label.
        """
        if isinstance(activity, str):
            activity = self.activity(activity)
        if not activity.items_from_activity:
            return activity.items
        from ..content import Text as _Text

        def item(r: dict[str, Any], deleted: bool = False) -> Item:
            text = r["value_text"] or ""
            label = (_Text(id=f"(dihapus) {text}", en=f"(deleted) {text}") if deleted
                     else _Text(id=text, en=text))
            return Item(id=f"{r['subject']}#{r['item_id']}", label=label,
                        help=_Text(id=r["group"], en=r["group"]))

        current = [item(r) for r in self.answer_rows(activity.items_from_activity)
                   if r["field"] == "text"]
        if not with_deleted:
            return tuple(current)
        live = {i.id for i in current}
        gone: dict[str, Item] = {}
        for r in self.answer_rows(activity.items_from_activity, history=True):
            if r["field"] == "text" and f"{r['subject']}#{r['item_id']}" not in live:
                gone[f"{r['subject']}#{r['item_id']}"] = item(r, deleted=True)  # latest wording
        return (*current, *gone.values())

    def _about(self, activity: Activity, participant: Participant,
               answer: object) -> int | None:
        """The group a peer answer is about (None for any other); ``answer`` as the caller
        sent it (its kind's rules refuse one that is not a mapping)."""
        about = answer.get("about") if isinstance(answer, Mapping) else None
        if not activity.peer:
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
        if kind_of(activity).board:  # questions and votes: ask() and vote()
            raise InvalidAnswer("answer.kind_unsupported", kind=activity.kind)
        participant = self.participant(participant_id)
        about = self._about(activity, participant, answer)
        rows = validate_answer(activity, answer, items=self.items_of(activity),
                               owners=self.owners())
        if require_open and not self.is_open(activity_id):
            raise ActivityClosed("answer.closed")
        subject = self.subject_of(activity, participant, about)
        now = _now()
        # only new entries need the lock (their ids are chosen from what is stored)
        new_entries = any(r["item_id"].startswith(NEW_ENTRY) for r in rows)
        with self._write(ordered=new_entries) as conn:
            rows = self._give_entry_ids(conn, activity_id, subject, rows)
            sid = _inserted_id(conn.execute(insert(submissions_table).values(
                activity_id=activity_id, subject=subject, group_id=participant.group_id,
                participant_id=participant.id, created_at=now, about_group_id=about)))
            conn.execute(insert(answers_table), [{"submission_id": sid, **r} for r in rows])
        return Submission(sid, activity_id, subject, participant.group_id, participant.id, now,
                          rows_to_answer(rows, activity.kind), about)

    def _give_entry_ids(self, conn: Connection, activity_id: str, subject: str,
                        rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Replace the placeholder ids of new entries by ids this subject never used before
        (in the write transaction, so two members of a group adding at once get two ids)."""
        new = sorted({r["item_id"] for r in rows if r["item_id"].startswith(NEW_ENTRY)})
        if not new:
            return rows
        s, a = submissions_table, answers_table
        used = conn.execute(select(a.c.item_id).distinct().join(s, s.c.id == a.c.submission_id)
                            .where(s.c.activity_id == activity_id, s.c.subject == subject)).all()
        taken = {r["item_id"] for r in rows} | {u[0] for u in used}
        numbers = [int(i[1:]) for i in taken if i[1:].isdigit()]
        start = max(numbers, default=-1) + 1
        # a placeholder is "?" + the kind's prefix + the entry's position: "?e003" -> "e07"
        given = {old: f"{old[1]}{start + n:02d}" for n, old in enumerate(new)}
        return [{**r, "item_id": given.get(r["item_id"], r["item_id"])} for r in rows]

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

    def rows_of(self, activity: Activity | str) -> list[dict[str, Any]]:
        """The current rows of any activity: :meth:`answer_rows`, or for a board kind
        (questions) :meth:`question_rows`."""
        if isinstance(activity, str):
            activity = self.activity(activity)
        if kind_of(activity).board:
            return self.question_rows(activity.id)
        return self.answer_rows(activity.id)

    def activity_data(self, activity: Activity | str) -> ActivityData:
        """Everything an activity's analysis, charts and report read, in one value
        (:class:`~cityworkshop.kinds.ActivityData`): its current rows (:meth:`rows_of`), the
        items it asks about now and with those deleted since (:meth:`items_of`), the city's
        OPDs, and the facilitator's pins and synthesis."""
        if isinstance(activity, str):
            activity = self.activity(activity)
        items = self.items_of(activity)
        every = self.items_of(activity, with_deleted=True) if activity.items_from_activity \
            else items
        return ActivityData(rows=tuple(self.rows_of(activity)), items=items, all_items=every,
                            owners=self.pack.city.opds, pinned=tuple(self.pinned(activity.id)),
                            synthesis=self.synthesis(activity.id))

    def progress(self, activity: Activity | str) -> Progress:
        """Who answered ``activity``, per group (:class:`Progress`).

        Group scope counts groups (a group has answered or not); participant scope counts the
        participants who answered among those who joined. A peer activity (``about: groups``)
        counts rater-rated pairs: each group (or participant) may rate every other group. A
        board (questions) counts questions per group, of the participants who joined.
        """
        if isinstance(activity, str):
            activity = self.activity(activity)
        groups = self.list_groups()
        people = self.list_participants()
        if kind_of(activity).board:
            rows = self.question_rows(activity.id)
            per = tuple(GroupProgress(g.name, sum(r["group_id"] == g.id for r in rows),
                                      sum(p.group_id == g.id for p in people)) for g in groups)
            return Progress(len(rows), len(people), per, "questions",
                            votes=sum(int(r["votes"] or 0) for r in rows))
        subjects = [Subject.parse(s) for s in self.answered_subjects(activity.id)]
        rated = max(len(groups) - 1, 0) if activity.peer else 1
        out = []
        for g in groups:
            if activity.scope == "group":
                mine = [s for s in subjects if s.participant_id is None and s.group_id == g.id]
                possible = rated
            else:
                members = {p.id for p in people if p.group_id == g.id}
                mine = [s for s in subjects if s.participant_id in members]
                possible = len(members) * rated
            out.append(GroupProgress(g.name, len(mine), possible))
        unit = "pairs" if activity.peer else f"{activity.scope}s"
        return Progress(sum(g.answered for g in out), sum(g.possible for g in out), tuple(out),
                        unit)

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


__all__ += ["validate_answer", "rows_to_answer", "CityWorkshopError"]
