"""One change watcher per process: notices any commit to the workshop database (store layer).

SQLite's ``PRAGMA data_version`` is a counter that moves when another connection commits; one
read costs a few microseconds and takes no lock. A :class:`ChangeWatcher` reads it on its own
connection every ``interval`` seconds in a daemon thread and bumps :attr:`ChangeWatcher.version`
when it moved. Every page of the process compares that number with the one it last drew, and
reads the store only when it changed: forty phones cost one counter read, not forty polls of the
tables. The facilitator's live results use the same counter.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

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
        self.path = Path(path)
        self.interval = interval
        self.version = 0
        self._seen: int | None = None
        self._stop = threading.Event()
        self._conn: sqlite3.Connection | None = None
        self._thread = threading.Thread(target=self._run, name="cityworkshop-watcher",
                                        daemon=True)
        self._thread.start()

    def _connect(self) -> sqlite3.Connection:
        # read only, never creating the file; a URI keeps odd characters in the path safe
        uri = f"file:{self.path.resolve().as_posix()}?mode=ro"
        conn = sqlite3.connect(uri, uri=True, timeout=0.5, check_same_thread=False)
        return conn

    def look(self) -> bool:
        """Read the counter once; True (and :attr:`version` bumped) when it moved."""
        try:
            if self._conn is None:
                self._conn = self._connect()
            # it counts the commits of other connections: the watcher never writes, so every
            # commit of the store (this process's or another's) moves it
            value = int(self._conn.execute("PRAGMA data_version").fetchone()[0])
        except sqlite3.Error:
            if self._conn is not None:
                self._conn.close()
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

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)

    def wait_for_change(self, since: int, timeout: float) -> int:
        """Block until :attr:`version` passes ``since`` or ``timeout`` seconds have gone."""
        deadline = time.monotonic() + timeout
        while self.version == since and time.monotonic() < deadline:
            time.sleep(min(self.interval, 0.05))
        return self.version


_watchers: dict[Path, ChangeWatcher] = {}
_lock = threading.Lock()


def watcher_for(path: str | Path) -> ChangeWatcher:
    """The one watcher of this process for the database at ``path`` (started on first use)."""
    key = Path(path).resolve()
    with _lock:
        w = _watchers.get(key)
        if w is None:
            w = _watchers[key] = ChangeWatcher(key)
        return w
