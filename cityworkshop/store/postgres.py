"""PostgreSQL as the workshop database: one schema per workshop in a shared server (store layer).

A training agency runs many workshops on one PostgreSQL server. ``--db`` then takes a
SQLAlchemy URL, and the workshop is named by ``?workshop=NAME`` (default ``public``)::

    postgresql+psycopg://trainer@db.example/agency?workshop=tangsel_2026

Each workshop lives in its own PostgreSQL schema ``NAME``, with exactly the tables of a SQLite
workshop file (see docs/DECISIONS.md, "PostgreSQL"): every query stays as it is, and one
workshop can be migrated, copied or dropped without touching the others. Every connection sets
``search_path`` to that schema only.

Beside the workshop's tables the schema holds one more, ``revision``: a change counter per
server connection, which every write transaction bumps (an upsert of the row of
``pg_backend_pid()``: writers never wait for one another there). Their sum is what the change
watcher reads every 0.1 s (:mod:`cityworkshop.store.watch`); it moves exactly when a write
commits. A write that reads before it writes (the next entry id, a name already taken, opening
one activity closes the others) first takes the workshop's advisory lock
(:func:`order_writers`), which orders those writers as SQLite's ``BEGIN IMMEDIATE`` does: each
sees every earlier commit, so two phones never get the same entry id. Plain appends (most
answers) take no lock and commit side by side.

Also here: the check that the workshop's tables are all there (``cityworkshop check``), a
logical copy of a workshop into a SQLite workshop file (``backup`` and ``serve``'s snapshots:
a copy that opens anywhere, without a server), and dropping a workshop.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import BigInteger, Column, Integer, MetaData, Table, create_engine, text
from sqlalchemy.engine import URL, Connection, Engine, make_url

from ..errors import StoreError

__all__ = ["WorkshopURL", "copy_to_sqlite", "drop_workshop", "is_url", "list_workshops",
           "parse_url", "problems"]

WORKSHOP_PARAM = "workshop"
DEFAULT_WORKSHOP = "public"
_NAME = re.compile(r"[a-z][a-z0-9_]{0,62}")
_RESERVED = re.compile(r"pg_.*|information_schema")

server_metadata = MetaData()
#: the workshop's change counters, one row per server connection that wrote (its backend pid)
revision_table = Table(
    "revision",
    server_metadata,
    Column("pid", Integer, primary_key=True, autoincrement=False),
    Column("n", BigInteger, nullable=False),
)
#: the first key of the workshops' advisory locks ("cw"); the second is the schema's hash
LOCK_CLASS = 0x6377


def is_url(db: object) -> bool:
    """Whether ``db`` (a ``--db`` value) is a database URL rather than a file path."""
    return isinstance(db, str) and "://" in db


@dataclass(frozen=True)
class WorkshopURL:
    """Where a PostgreSQL workshop lives: the server's URL and the workshop's schema."""

    url: URL  #: the server URL, without the ``workshop`` parameter
    workshop: str

    @property
    def text(self) -> str:
        """The full URL, as ``--db`` takes it (password included): for reopening."""
        return self.url.update_query_dict({WORKSHOP_PARAM: self.workshop}).render_as_string(
            hide_password=False)

    @property
    def display(self) -> str:
        """The URL for messages and screens: the password hidden."""
        return self.url.update_query_dict({WORKSHOP_PARAM: self.workshop}).render_as_string(
            hide_password=True)

    @property
    def stem(self) -> str:
        """A file-name stem for copies of this workshop: ``<database>-<workshop>``."""
        return f"{self.url.database or 'postgres'}-{self.workshop}"

    def __str__(self) -> str:
        return self.display


def parse_url(db: str) -> WorkshopURL:
    """Split a ``--db`` URL into the server URL and the workshop's schema name.

    >>> parse_url("postgresql+psycopg://u@h/agency?workshop=tangsel").workshop
    'tangsel'

    A plain ``postgresql://`` URL uses the psycopg (v3) driver. Raises :class:`StoreError`
    (``store.bad_url``, ``store.bad_workshop``, ``store.pg_only``) with the reason.
    """
    try:
        url = make_url(db)
    except Exception as e:  # noqa: BLE001 - SQLAlchemy's ArgumentError and ValueError alike
        raise StoreError(key="store.bad_url", url=_hide_password(db), reason=str(e)) from None
    if url.get_backend_name() != "postgresql":
        raise StoreError(key="store.pg_only", url=_hide_password(db),
                         backend=url.get_backend_name())
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    query = dict(url.query)
    name = query.pop(WORKSHOP_PARAM, DEFAULT_WORKSHOP)
    if isinstance(name, tuple):
        name = name[-1]
    if not _NAME.fullmatch(name) or (name != DEFAULT_WORKSHOP and _RESERVED.fullmatch(name)):
        raise StoreError(key="store.bad_workshop", name=name)
    return WorkshopURL(url.set(query=query), name)


def _hide_password(db: str) -> str:
    return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", db)


def make_engine(where: WorkshopURL, *, pool_size: int = 5, read_only: bool = False) -> Engine:
    """The engine of one workshop: each connection's ``search_path`` is the workshop's schema
    alone, so the tables resolve there and nowhere else. ``read_only=True``: every transaction
    is read-only (a write fails)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise StoreError(key="store.pg_driver") from None
    options = f"-c search_path={where.workshop}"
    if read_only:
        options += " -c default_transaction_read_only=on"
    given = where.url.query.get("options")
    if isinstance(given, str) and given:
        options = f"{given} {options}"
    url = where.url.set(query={k: v for k, v in where.url.query.items() if k != "options"})
    return create_engine(url, connect_args={"options": options, "connect_timeout": 10,
                                            "application_name": "cityworkshop"},
                         # at most 10 connections per process (+1 for its watcher): a page's
                         # reads and writes are short, and ten workshops' servers must fit
                         # PostgreSQL's default max_connections of 100
                         pool_size=pool_size, max_overflow=5, pool_timeout=30)


def schema_exists(conn: Connection, workshop: str) -> bool:
    return conn.execute(text("SELECT 1 FROM pg_namespace WHERE nspname = :s"),
                        {"s": workshop}).first() is not None


def table_names(conn: Connection, workshop: str) -> set[str]:
    return {r[0] for r in conn.execute(text(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = :s"),
        {"s": workshop})}


def ensure_revision(conn: Connection) -> None:
    """The change counters' table (a workshop made by an older release has none)."""
    revision_table.create(conn, checkfirst=True)


def order_writers(conn: Connection) -> None:
    """Take the workshop's write lock (an advisory lock, held until the transaction ends):
    for a write that reads first, as ``BEGIN IMMEDIATE`` on SQLite."""
    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({LOCK_CLASS}, "
                         "hashtext(current_schema()))")


def bump(conn: Connection) -> None:
    """In every write transaction: move this connection's change counter (its own row, so no
    writer waits for another here); the watchers see it when the transaction commits."""
    conn.exec_driver_sql("INSERT INTO revision (pid, n) VALUES (pg_backend_pid(), 1) "
                         "ON CONFLICT (pid) DO UPDATE SET n = revision.n + 1")


def read_revision(conn: Any) -> int:
    """The sum of the counters, on a plain psycopg connection (the watcher's): it grows with
    every commit of any writer."""
    row = conn.execute("SELECT coalesce(sum(n), 0) FROM revision").fetchone()
    return int(row[0]) if row else 0


def list_workshops(db: str) -> list[str]:
    """Names of the workshops in the database of URL ``db`` (schemas with a workshop's
    ``meta`` table), sorted."""
    where = parse_url(db)
    engine = make_engine(where, pool_size=1)
    try:
        with engine.connect() as conn:
            return [r[0] for r in conn.execute(text(
                "SELECT table_schema FROM information_schema.tables WHERE table_name = 'meta' "
                "ORDER BY table_schema"))]
    finally:
        engine.dispose()


def drop_workshop(db: str) -> None:
    """Remove the workshop of URL ``db`` (its schema and everything in it); nothing when there
    is none. The ``public`` schema is emptied of the workshop's tables, not dropped."""
    from .schema import metadata

    where = parse_url(db)
    engine = make_engine(where, pool_size=1)
    try:
        with engine.begin() as conn:
            if where.workshop == DEFAULT_WORKSHOP:
                for table in (*reversed(metadata.sorted_tables), revision_table):
                    conn.exec_driver_sql(f'DROP TABLE IF EXISTS "{table.name}" CASCADE')
            else:
                conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{where.workshop}" CASCADE')
    finally:
        engine.dispose()


def problems(engine: Engine, where: WorkshopURL) -> list[str]:
    """What ``cityworkshop check`` finds wrong with a PostgreSQL workshop: missing tables or
    columns, rows whose references are broken. PostgreSQL checks its own pages (data
    checksums, ``pg_amcheck``); this checks the workshop."""
    from sqlalchemy import inspect

    from .schema import metadata

    found: list[str] = []
    with engine.connect() as conn:
        insp = inspect(conn)
        names = set(insp.get_table_names(schema=where.workshop))
        for table in (*metadata.sorted_tables, revision_table):
            if table.name not in names:
                found.append(f"table {table.name} is missing")
                continue
            cols = {c["name"] for c in insp.get_columns(table.name, schema=where.workshop)}
            found += [f"table {table.name}: column {c.name} is missing"
                      for c in table.columns if c.name not in cols]
        if not found:
            orphans = conn.execute(text(
                "SELECT count(*) FROM answers a LEFT JOIN submissions s "
                "ON s.id = a.submission_id WHERE s.id IS NULL")).scalar_one()
            if orphans:
                found.append(f"{orphans} answer rows belong to no submission")
    return found


def copy_to_sqlite(engine: Engine, dest: Path) -> None:
    """Copy every row of the workshop into a new SQLite workshop file at ``dest`` (which must
    not exist), in one consistent read (``REPEATABLE READ``) of the server.

    The copy is an ordinary workshop file: ``cityworkshop ... --db COPY.db`` opens it anywhere,
    without a server. Its schema version is the workshop's.
    """
    import sqlite3

    from sqlalchemy import select

    from .schema import metadata

    out = sqlite3.connect(dest, isolation_level=None)
    try:
        out.execute("PRAGMA journal_mode = WAL")
        out.execute("PRAGMA foreign_keys = OFF")
        sqlite_engine = create_engine("sqlite://", creator=lambda: out)
        metadata.create_all(sqlite_engine)  # the same DDL as WorkshopStore.create
        out.execute("BEGIN")
        with (engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn,
              conn.begin()):
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            for table in metadata.sorted_tables:
                cols = [c.name for c in table.columns]
                rows = conn.execute(select(*table.columns).order_by(
                    *table.primary_key.columns)).all()
                if rows:
                    marks = ", ".join("?" * len(cols))
                    names = ", ".join(f'"{c}"' for c in cols)
                    out.executemany(f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})',
                                    [tuple(r) for r in rows])
        out.execute("COMMIT")
        out.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        out.close()


def pg_dump_path() -> str | None:
    """``pg_dump`` of this machine, if any (the README's other way to back up a server)."""
    import shutil

    from .pgcluster import find_binaries

    found = find_binaries()
    if found is not None and (found / "pg_dump").is_file():
        return str(found / "pg_dump")
    return shutil.which("pg_dump")


def explain(where: WorkshopURL, error: BaseException) -> StoreError:
    """A :class:`StoreError` naming what went wrong with the server: unreachable, refused,
    unknown database, no permission ... in the driver's first line."""
    if isinstance(error, StoreError):
        return error
    orig = getattr(error, "orig", None) or error
    reason = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    return StoreError(key="store.pg_unusable", path=where.display, reason=reason[:300])
