"""One change watcher per process: notices any commit to the workshop database (store layer).

SQLite's ``PRAGMA data_version`` is a counter that moves when another connection commits; one
read costs a few microseconds and takes no lock. A :class:`ChangeWatcher` reads it on its own
connection every ``interval`` seconds in a daemon thread and bumps :attr:`ChangeWatcher.version`
when it moved. Every page of the process compares that number with the one it last drew, and
reads the store only when it changed: forty phones cost one counter read, not forty polls of the
tables. The facilitator's live results use the same counter.

On PostgreSQL the counter is the sum of the workshop's ``revision`` rows, which every write
transaction bumps (:mod:`cityworkshop.store.postgres`): the watcher reads it on its own
autocommit connection, one round trip of ~0.1 ms every ``interval``, and sees the commits of
every process writing to that workshop, on any machine.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

__all__ = ["ChangeWatcher", "watcher_for"]

INTERVAL_S = 0.1


class ChangeWatcher:
    """Watch ``path`` for commits by any connection (this process's own included).

    Attributes
    ----------
    version
        A number that grows by one each time a look found the database changed; compare it with
        the one seen before. It also grows when the file cannot be read (so that pages look at
        the store and say what is wrong).
    """

    def __init__(self, path: str | Path, interval: float = INTERVAL_S):
        from .postgres import is_url

        self.url = str(path) if is_url(path) else None
        self.path = Path(path) if self.url is None else None
        self.interval = interval
        self.version = 0
        self._seen: int | None = None
        self._stop = threading.Event()
        self._conn: Any = None
        self._engine: Any = None
        self._thread = threading.Thread(target=self._run, name="cityworkshop-watcher",
                                        daemon=True)
        self._thread.start()

    def _connect(self) -> Any:
        if self.path is None:  # a PostgreSQL workshop (self.url)
            return self._connect_server()
        # read only, never creating the file; a URI keeps odd characters in the path safe
        uri = f"file:{self.path.resolve().as_posix()}?mode=ro"
        conn = sqlite3.connect(uri, uri=True, timeout=0.5, check_same_thread=False)
        return conn

    def _connect_server(self) -> Any:
        from .postgres import make_engine, parse_url

        if self._engine is None:
            self._engine = make_engine(parse_url(str(self.url)), pool_size=1, read_only=True)
        raw = self._engine.raw_connection()
        raw.driver_connection.autocommit = True  # each read sees the latest commit
        return raw

    def _read(self) -> int:
        if self.url is not None:
            from .postgres import read_revision

            return read_revision(self._conn.driver_connection)
        # it counts the commits of other connections: the watcher never writes, so every
        # commit of the store (this process's or another's) moves it
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def look(self) -> bool:
        """Read the counter once; True (and :attr:`version` bumped) when it moved."""
        try:
            if self._conn is None:
                self._conn = self._connect()
            value = self._read()
        except Exception:  # noqa: BLE001 - sqlite3.Error, or the server gone: look again later
            if self._conn is not None:
                # a server connection is dropped from its pool, never reused
                with contextlib.suppress(Exception):
                    getattr(self._conn, "invalidate", self._conn.close)()
                self._conn = None
            self.version += 1
            return True
        if value != self._seen:
            self._seen = value
            self.version += 1
            return True
        return False

    def _run(self) -> None:
        while not self._stop.is_set():
            self.look()
            self._stop.wait(self.interval)
        if self._conn is not None:
            self._conn.close()
        if self._engine is not None:
            self._engine.dispose()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)

    def wait_for_change(self, since: int, timeout: float) -> int:
        """Block until :attr:`version` passes ``since`` or ``timeout`` seconds have gone."""
        deadline = time.monotonic() + timeout
        while self.version == since and time.monotonic() < deadline:
            time.sleep(min(self.interval, 0.05))
        return self.version


_watchers: dict[Path | str, ChangeWatcher] = {}
_lock = threading.Lock()


def watcher_for(path: str | Path) -> ChangeWatcher:
    """The one watcher of this process for the database at ``path`` (a file, or a PostgreSQL
    workshop's URL; started on first use)."""
    from .postgres import is_url

    key: Path | str = str(path) if is_url(path) else Path(path).resolve()
    with _lock:
        w = _watchers.get(key)
        if w is None:
            w = _watchers[key] = ChangeWatcher(key)
        return w
