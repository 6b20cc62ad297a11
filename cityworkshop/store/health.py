"""Health of a workshop database file: can it be opened, is it intact, and safe copies of it.

Pure Python and :mod:`sqlite3` (no SQLAlchemy, pandas or widgets). The store's engine opens
the file through :func:`connect`; the ``cityworkshop`` command checks it with
:func:`ensure_usable` before every command, runs ``check`` with :func:`integrity_problems` and
``backup`` with :func:`backup`; ``serve`` keeps rolling copies with :class:`Snapshotter`.

- :func:`connect` never creates a file, and reads a WAL database on read-only media: SQLite
  then cannot create the ``-shm`` index beside it, so it is opened ``immutable=1`` (safe: nobody
  can be writing to it), unless a ``-wal`` file with changes not yet in the database lies beside
  it (``immutable`` would silently ignore them).
- :func:`explain` turns an error into a :class:`~cityworkshop.errors.StoreError` that names the
  real cause: missing, a folder, permission denied, empty, not SQLite, damaged, locked, disk
  full, read-only file, folder or medium.
- :func:`backup` copies with SQLite's online backup API (consistent while participants write),
  into a temporary file that is checked and then renamed: a copy is whole or absent.

A PostgreSQL workshop (``db`` is a URL) has no file: :func:`ensure_usable` then asks the server
(reachable, the workshop there, writable by this login), :func:`integrity_problems` checks the
workshop's tables, and :func:`backup` and the snapshots make a logical copy into a SQLite
workshop file (:func:`cityworkshop.store.postgres.copy_to_sqlite`) that opens anywhere; the
snapshots of a URL go to ``./<database>-<workshop>.snapshots/``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import filecmp
import os
import re
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from ..errors import StoreError

__all__ = [
    "SNAPSHOT_EVERY_MIN",
    "SNAPSHOT_KEEP",
    "Snapshotter",
    "backup",
    "connect",
    "ensure_usable",
    "explain",
    "explain_write",
    "file_problem",
    "integrity_problems",
    "list_snapshots",
    "snapshot",
    "snapshot_folder",
]

SQLITE_MAGIC = b"SQLite format 3\x00"
CHECK_TIMEOUT_S = 5.0  # how long the check before a command waits for a lock
SNAPSHOT_EVERY_MIN = 10.0
SNAPSHOT_KEEP = 6

# errors that mean "the WAL index (-shm) cannot be created here": read-only media or folder
_NO_WAL_INDEX = {"SQLITE_CANTOPEN", "SQLITE_READONLY_DIRECTORY", "SQLITE_READONLY_CANTINIT",
                 "SQLITE_READONLY_CANTLOCK"}


def _uri(path: Path, mode: str, *, immutable: bool = False) -> str:
    uri = f"file:{quote(str(path.absolute()), safe='/')}?mode={mode}"
    return uri + "&immutable=1" if immutable else uri


def _header(path: Path) -> bytes:
    with open(path, "rb") as f:
        return f.read(100)


def _is_wal(path: Path) -> bool:
    """The file's header says WAL journal (format version bytes 18 and 19 are 2)."""
    try:
        head = _header(path)
    except OSError:
        return False
    return len(head) >= 20 and head[18] == 2 and head[19] == 2


def _wal_pending(path: Path) -> bool:
    """A ``-wal`` file with content lies beside the database: changes not yet copied in."""
    try:
        return os.path.getsize(f"{path}-wal") > 0
    except OSError:
        return False


def connect(path: str | Path, *, read_only: bool = False, timeout: float = CHECK_TIMEOUT_S,
            check_same_thread: bool = True) -> sqlite3.Connection:
    """Open the SQLite file at ``path`` (never creating it) and read its schema once.

    ``read_only=True`` opens it for reading only (``mode=ro``). Either way, a WAL database on
    read-only media or in a read-only folder is opened ``immutable=1`` when SQLite cannot
    create its ``-shm`` index there and no ``-wal`` file holds pending changes; writes then fail
    with SQLite's "attempt to write a readonly database". Raises :class:`sqlite3.Error` (turn it
    into a clear message with :func:`explain`).
    """
    path = Path(path)
    con = sqlite3.connect(_uri(path, "ro" if read_only else "rw"), uri=True, timeout=timeout,
                          check_same_thread=check_same_thread)
    try:
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return con
    except sqlite3.OperationalError as e:
        con.close()
        if (getattr(e, "sqlite_errorname", "") not in _NO_WAL_INDEX or not path.is_file()
                or not _is_wal(path) or _wal_pending(path)):
            raise
        first = e
    con = sqlite3.connect(_uri(path, "ro", immutable=True), uri=True, timeout=timeout,
                          check_same_thread=check_same_thread)
    try:
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error:
        con.close()
        raise first from None
    return con


# -- what went wrong ----------------------------------------------------------------------


def _is_url(db: object) -> bool:
    return isinstance(db, str) and "://" in db


def _stem(db: str | Path) -> str:
    """The name copies of ``db`` are named after: the file's stem, or for a PostgreSQL
    workshop ``<database>-<workshop>``."""
    if _is_url(db):
        from .postgres import parse_url

        return parse_url(str(db)).stem
    return Path(db).stem


def snapshot_folder(db: str | Path) -> Path:
    """Where ``serve`` keeps rolling snapshots of ``db``: ``<db>.snapshots/`` beside it (for a
    PostgreSQL workshop, ``<database>-<workshop>.snapshots/`` in the current folder)."""
    if _is_url(db):
        return Path.cwd() / f"{_stem(db)}.snapshots"
    db = Path(db).absolute()
    return db.parent / f"{db.name}.snapshots"


def _server_store(db: str, *, read_only: bool = True):  # type: ignore[no-untyped-def]
    from . import WorkshopStore

    store = WorkshopStore(db, read_only=read_only)
    store.say_on_stderr = False
    return store


def _ensure_server_usable(db: str, *, write: bool) -> None:
    """The server answers, the workshop is there (its schema checked or migrated) and, with
    ``write``, this login may write to it on a primary server."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from .postgres import explain

    store = _server_store(db, read_only=False)
    try:
        if write:
            with store._engine.connect() as conn:
                standby, may_write = conn.execute(text(
                    "SELECT pg_is_in_recovery(), has_table_privilege('submissions', 'INSERT') "
                    "AND has_table_privilege('revision', 'INSERT')")).one()
            if standby or not may_write:
                raise StoreError(key="store.pg_read_only", path=store.where)
    except DBAPIError as e:
        raise explain(store.server, e) from None
    finally:
        store.close()


def file_problem(path: str | Path) -> StoreError | None:
    """What is wrong with the file itself, before SQLite is asked (None: nothing found)."""
    path = Path(path)
    p = str(path)
    if not path.exists():
        return StoreError(key="store.missing", path=p)
    if path.is_dir():
        return StoreError(key="store.is_folder", path=p)
    try:
        head = _header(path)
    except PermissionError:
        return StoreError(key="store.permission", path=p)
    except OSError as e:
        return StoreError(key="store.io_error", path=p, reason=e.strerror or str(e))
    if not head:
        return StoreError(key="store.empty", path=p)
    if not head.startswith(SQLITE_MAGIC):
        return StoreError(key="store.not_sqlite", path=p)
    return None


def _on_read_only_mount(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):
        return False


def _read_only(path: Path) -> StoreError:
    """Which of the file, its folder or the medium is read-only."""
    p, folder = str(path), path.absolute().parent
    if _on_read_only_mount(folder):
        if _wal_pending(path):
            return StoreError(key="store.read_only_wal", path=p)
        return StoreError(key="store.read_only_media", path=p)
    if not os.access(path, os.W_OK):
        return StoreError(key="store.read_only_file", path=p)
    if not os.access(folder, os.W_OK):
        if _wal_pending(path):
            return StoreError(key="store.read_only_wal", path=p)
        return StoreError(key="store.read_only_folder", path=p)
    return StoreError(key="store.read_only_file", path=p)


def _first_problem(text: str) -> str:
    lines = [line.strip() for line in str(text).splitlines()
             if line.strip() and not line.startswith("*** in database")]
    return lines[0][:160] if lines else str(text)[:160]


def damaged(path: str | Path, detail: str) -> StoreError:
    """The "damaged: run check, restore from a backup or a snapshot" error for ``path``."""
    return StoreError(key="store.damaged", path=str(path), detail=_first_problem(detail),
                      snapshots=str(snapshot_folder(path)))


def _is_damage(name: str, text: str) -> bool:
    return (name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in text
            or "not a database" in text or "corrupt" in text)


def explain(path: str | Path, error: BaseException | None = None) -> StoreError:
    """A :class:`StoreError` naming the real cause of ``error`` met while using ``path``.

    The file is looked at first (missing, a folder, unreadable, empty, not SQLite); then
    SQLite's error code decides: damaged, disk full, locked, read-only (file, folder or
    medium), disk I/O. Anything else keeps SQLite's own words.
    """
    path = Path(path)
    found = file_problem(path)
    if found is not None:
        return found
    if isinstance(error, StoreError):
        return error
    p = str(path)
    name = str(getattr(error, "sqlite_errorname", "") or "")
    text = str(error or "").lower()
    if _is_damage(name, text):
        return damaged(path, str(error))
    if name.startswith("SQLITE_FULL") or "disk is full" in text:
        return StoreError(key="store.disk_full", path=p)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text or "busy" in text:
        return StoreError(key="store.locked", path=p)
    if name.startswith("SQLITE_READONLY") or "readonly" in text or "read-only" in text:
        return _read_only(path)
    # the file itself is readable (file_problem above): what cannot be opened is the -wal/-shm
    # beside it, in a folder or on a medium that cannot be written
    if (name.startswith("SQLITE_CANTOPEN") or "unable to open" in text) and (
            _on_read_only_mount(path.absolute().parent)
            or not os.access(path.absolute().parent, os.W_OK)):
        return _read_only(path)
    if name in ("SQLITE_PERM", "SQLITE_AUTH"):
        return StoreError(key="store.permission", path=p)
    if isinstance(error, OSError):
        return explain_write(path, error)
    if name.startswith("SQLITE_IOERR") or "i/o error" in text:
        return StoreError(key="store.io_error", path=p, reason=str(error))
    return StoreError(key="store.unusable", path=p, reason=str(error))


def explain_write(path: str | Path, error: BaseException) -> StoreError:
    """A :class:`StoreError` for a file that could not be written (a report, a backup)."""
    p = str(path)
    code = getattr(error, "errno", None)
    name = str(getattr(error, "sqlite_errorname", "") or "")
    text = str(error).lower()
    if code in (errno.ENOSPC, errno.EDQUOT) or name.startswith("SQLITE_FULL") \
            or "disk is full" in text:
        return StoreError(key="store.out_full", path=p)
    if code == errno.EROFS or name.startswith("SQLITE_READONLY") or "readonly" in text:
        return StoreError(key="store.out_read_only", path=p)
    if code in (errno.EACCES, errno.EPERM) or name in ("SQLITE_PERM", "SQLITE_CANTOPEN"):
        return StoreError(key="store.out_denied", path=p)
    reason = getattr(error, "strerror", None) or str(error)
    return StoreError(key="store.out_failed", path=p, reason=reason)


# -- checks -------------------------------------------------------------------------------


def ensure_usable(path: str | Path, *, write: bool = False,
                  timeout: float = CHECK_TIMEOUT_S) -> None:
    """Refuse a file that cannot be used, with the reason: runs ``PRAGMA quick_check``.

    Opens the file read-only, so that it works on read-only media and changes nothing. With
    ``write=True`` it also starts a write that it rolls back (``BEGIN IMMEDIATE``, the same
    ``user_version`` set again, ``ROLLBACK``: nothing reaches the file), so that a read-only
    file, folder or medium is refused up front rather than at the first answer. Raises
    :class:`StoreError` (``store.damaged`` when SQLite finds damaged pages).
    """
    if _is_url(path):
        _ensure_server_usable(str(path), write=write)
        return
    found = file_problem(path)
    if found is not None:
        raise found
    try:
        con = connect(path, read_only=True, timeout=timeout)
        try:
            rows = con.execute("PRAGMA quick_check(1)").fetchall()
        finally:
            con.close()
        if rows == [("ok",)] and write:
            con = connect(path, timeout=timeout)
            try:
                con.isolation_level = None
                version = int(con.execute("PRAGMA user_version").fetchone()[0])
                con.execute("BEGIN IMMEDIATE")
                try:
                    con.execute(f"PRAGMA user_version = {version}")
                finally:
                    con.execute("ROLLBACK")
            finally:
                con.close()
    except sqlite3.Error as e:
        raise explain(path, e) from None
    if rows != [("ok",)]:
        raise damaged(path, str(rows[0][0]) if rows else "quick_check failed")


def integrity_problems(path: str | Path, *, max_errors: int = 100) -> list[str]:
    """Every problem ``PRAGMA integrity_check`` finds (up to ``max_errors``); [] when ok.

    Damage that stops SQLite from even reading the schema is one problem, in SQLite's words.
    Other reasons the check cannot run (missing, locked ...) raise :class:`StoreError`.
    A PostgreSQL workshop: tables or columns missing, answers without their submission
    (PostgreSQL checks its own pages: data checksums, ``pg_amcheck``).
    """
    if _is_url(path):
        from .postgres import problems

        store = _server_store(str(path))
        try:
            return problems(store._engine, store.server)[:max_errors]
        finally:
            store.close()
    found = file_problem(path)
    if found is not None:
        raise found
    try:
        con = connect(path, read_only=True)
        try:
            rows = con.execute(f"PRAGMA integrity_check({int(max_errors)})").fetchall()
        finally:
            con.close()
    except sqlite3.Error as e:
        if _is_damage(str(getattr(e, "sqlite_errorname", "")), str(e).lower()):
            return [str(e)]
        raise explain(path, e) from None
    lines = [line.strip() for row in rows for line in str(row[0]).splitlines()
             if line.strip() and not line.startswith("*** in database")]
    return [] if lines == ["ok"] else lines


# -- copies -------------------------------------------------------------------------------


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()


def _utc_stamp(now: dt.datetime | None = None) -> str:
    return (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _fsync(path: Path, *, folder: bool = False) -> None:
    flags = os.O_RDONLY | (getattr(os, "O_DIRECTORY", 0) if folder else 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove_partial(tmp: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        with contextlib.suppress(OSError):
            os.unlink(f"{tmp}{suffix}")


def backup(db: str | Path, dest: str | Path, *, overwrite: bool = False,
           timeout: float = 30.0) -> Path:
    """Copy the workshop at ``db`` to ``dest`` while it is in use; returns the copy's path.

    SQLite's online backup API (:meth:`sqlite3.Connection.backup`) copies every page in one
    read transaction: a consistent state, while writers (WAL) carry on. The copy is written to
    a temporary file beside ``dest``, checked with ``quick_check``, flushed to disk and only
    then renamed to ``dest``. ``dest`` may be a folder (the copy is named after ``db`` and the
    UTC time). Refuses to write over ``db`` itself, and over an existing file unless
    ``overwrite``. Raises :class:`StoreError` with the reason.

    A PostgreSQL workshop (``db`` a URL) is copied row by row, in one consistent read, into
    a SQLite workshop file (:func:`cityworkshop.store.postgres.copy_to_sqlite`): the copy
    opens anywhere, without a server, and is checked and renamed the same way.
    """
    if _is_url(db):
        return _backup_server(str(db), Path(dest), overwrite=overwrite)
    db, dest = Path(db), Path(dest)
    if dest.is_dir():
        dest = dest / f"{db.stem}-{_utc_stamp()}.db"
    if any(_same_file(Path(f"{db}{s}"), dest) for s in ("", "-wal", "-shm", "-journal")):
        raise StoreError(key="store.backup_self", path=str(dest))
    if dest.exists() and not overwrite:
        raise StoreError(key="store.backup_exists", path=str(dest))
    if not dest.parent.is_dir():
        raise StoreError(key="store.no_folder", path=str(dest.parent))
    found = file_problem(db)
    if found is not None:
        raise found
    tmp = dest.parent / f".{dest.name}.{os.getpid()}.{threading.get_ident()}.partial"
    try:
        try:
            source = connect(db, read_only=True, timeout=timeout)
        except sqlite3.Error as e:
            raise explain(db, e) from None
        try:
            target = sqlite3.connect(tmp)
            try:
                try:
                    source.backup(target)
                except sqlite3.DatabaseError as e:
                    if _is_damage(str(getattr(e, "sqlite_errorname", "")), str(e).lower()):
                        raise damaged(db, str(e)) from None
                    raise
                rows = target.execute("PRAGMA quick_check(1)").fetchall()
                target.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                target.close()
        finally:
            source.close()
        if rows != [("ok",)]:
            raise damaged(db, str(rows[0][0]) if rows else "quick_check failed")
        if _wal_pending(tmp):  # the copy's pages must all be in the file we rename
            raise StoreError(key="store.out_failed", path=str(dest),
                             reason="the copy's -wal file was not merged")
        _fsync(tmp)
        os.replace(tmp, dest)
        _fsync(dest.parent, folder=True)
    except StoreError:
        _remove_partial(tmp)
        raise
    except (OSError, sqlite3.Error) as e:
        _remove_partial(tmp)
        raise explain_write(dest, e) from None
    except BaseException:
        _remove_partial(tmp)
        raise
    _remove_partial(tmp)  # the -wal/-shm SQLite may leave beside the temporary name
    return dest


def _backup_server(db: str, dest: Path, *, overwrite: bool) -> Path:
    from sqlalchemy.exc import DBAPIError

    from .postgres import copy_to_sqlite, explain

    if dest.is_dir():
        dest = dest / f"{_stem(db)}-{_utc_stamp()}.db"
    if dest.exists() and not overwrite:
        raise StoreError(key="store.backup_exists", path=str(dest))
    if not dest.parent.is_dir():
        raise StoreError(key="store.no_folder", path=str(dest.parent))
    store = _server_store(db)
    tmp = dest.parent / f".{dest.name}.{os.getpid()}.{threading.get_ident()}.partial"
    try:
        try:
            copy_to_sqlite(store._engine, tmp)
        except DBAPIError as e:
            raise explain(store.server, e) from None
        con = sqlite3.connect(tmp)
        try:
            rows = con.execute("PRAGMA quick_check(1)").fetchall()
        finally:
            con.close()
        if rows != [("ok",)]:
            raise StoreError(key="store.out_failed", path=str(dest), reason=str(rows))
        _fsync(tmp)
        os.replace(tmp, dest)
        _fsync(dest.parent, folder=True)
    except StoreError:
        _remove_partial(tmp)
        raise
    except (OSError, sqlite3.Error) as e:
        _remove_partial(tmp)
        raise explain_write(dest, e) from None
    except BaseException:
        _remove_partial(tmp)
        raise
    finally:
        store.close()
    _remove_partial(tmp)
    return dest


def _snapshot_name(db: str | Path) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(_stem(db))}-(\d{{8}}T\d{{6}}Z)(?:-(\d+))?\.db$")


def list_snapshots(db: str | Path, folder: str | Path | None = None) -> list[Path]:
    """The snapshots of ``db`` in ``folder`` (default :func:`snapshot_folder`), oldest first."""
    db = db if _is_url(db) else Path(db)
    folder = Path(folder) if folder is not None else snapshot_folder(db)
    pattern = _snapshot_name(db)
    found = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    for entry in entries:
        m = pattern.match(entry.name)
        if m and entry.is_file():
            found.append(((m.group(1), int(m.group(2) or 0)), entry))
    return [e for _, e in sorted(found)]


def snapshot(db: str | Path, *, keep: int = SNAPSHOT_KEEP, folder: str | Path | None = None,
             now: dt.datetime | None = None) -> Path | None:
    """Take one snapshot of ``db`` and keep only the newest ``keep``; returns its path.

    Named ``<stem>-YYYYmmddTHHMMSSZ.db`` (UTC) in ``folder`` (default ``<db>.snapshots/``).
    Returns None, keeping nothing new, when the copy is identical to the newest snapshot (a
    quiet lunch break does not push the morning's snapshots out). A damaged database raises
    :class:`StoreError` and leaves the existing snapshots alone.
    """
    db = db if _is_url(db) else Path(db)
    folder = Path(folder) if folder is not None else snapshot_folder(db)
    try:
        folder.mkdir(exist_ok=True)
    except OSError as e:
        raise explain_write(folder, e) from None
    before = list_snapshots(db, folder)
    stamp = _utc_stamp(now)
    stem = _stem(db)
    # several in one second: -2, -3 ... after the highest number of that second still kept (a
    # name freed by the rotation, reused, would sort first and be rotated out at once)
    pattern = _snapshot_name(db)
    n = max((int(m.group(2) or 1) for p in before
             if (m := pattern.match(p.name)) and m.group(1) == stamp), default=0) + 1
    dest = folder / (f"{stem}-{stamp}.db" if n == 1 else f"{stem}-{stamp}-{n}.db")
    while dest.exists():
        n += 1
        dest = folder / f"{stem}-{stamp}-{n}.db"
    made = backup(db, dest)
    if before and filecmp.cmp(before[-1], made, shallow=False):
        made.unlink()
        return None
    if keep > 0:
        for old in list_snapshots(db, folder)[:-keep]:
            with contextlib.suppress(OSError):
                old.unlink()
    return made


class Snapshotter:
    """Rolling snapshots of a workshop while it runs, from a background thread.

    Takes one at :meth:`start`, then one every ``every_s`` seconds, keeping the newest
    ``keep`` (see :func:`snapshot`). A failing snapshot (disk full, damaged database) calls
    ``on_error`` with the :class:`StoreError` and the next one is tried on time: it never
    stops the caller.
    """

    def __init__(self, db: str | Path, *, every_s: float = SNAPSHOT_EVERY_MIN * 60,
                 keep: int = SNAPSHOT_KEEP, folder: str | Path | None = None,
                 on_error: Callable[[StoreError], None] | None = None,
                 on_snapshot: Callable[[Path], None] | None = None):
        if every_s <= 0:
            raise ValueError("every_s must be > 0")
        self.db: str | Path = str(db) if _is_url(db) else Path(db).absolute()
        self.every_s = float(every_s)
        self.keep = keep
        self.folder = Path(folder) if folder is not None else snapshot_folder(self.db)
        self.on_error = on_error
        self.on_snapshot = on_snapshot
        self.taken: list[Path] = []
        self.failures = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def take(self) -> Path | None:
        """One snapshot now; None when unchanged or failed (``on_error`` was told)."""
        try:
            made = snapshot(self.db, keep=self.keep, folder=self.folder)
        except Exception as e:  # noqa: BLE001 - a snapshot must never stop the server
            self.failures += 1
            err = e if isinstance(e, StoreError) else explain_write(self.folder, e)
            if self.on_error is not None:
                with contextlib.suppress(Exception):  # the callback's own failure: ignored
                    self.on_error(err)
            return None
        if made is not None:
            self.taken.append(made)
            if self.on_snapshot is not None:
                self.on_snapshot(made)
        return made

    def _run(self) -> None:
        while True:
            self.take()
            if self._stop.wait(self.every_s):
                return

    def start(self) -> Snapshotter:
        self._thread = threading.Thread(target=self._run, name="cityworkshop-snapshots",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        """Stop after the snapshot under way, if any."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def __enter__(self) -> Snapshotter:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
