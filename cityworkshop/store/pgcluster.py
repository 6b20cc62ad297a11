"""A throwaway PostgreSQL server for tests, benchmarks and a first try on a laptop.

:func:`start_cluster` runs Debian's ``postgresql`` binaries (``/usr/lib/postgresql/*/bin``):
``initdb`` into a fresh temporary folder, then ``postgres`` listening on 127.0.0.1 only, on a
free port, with its unix socket in that folder and ``trust`` authentication for a superuser
``cityworkshop``. PostgreSQL refuses to run as root: as root the server runs as the ``postgres``
user (``runuser``). :meth:`Cluster.stop` stops it by its pid and removes the folder. Nothing here
speaks SQL; it only starts and stops a server.

>>> with start_cluster() as pg:  # doctest: +SKIP
...     url = pg.url("tangsel")  # postgresql+psycopg://cityworkshop@127.0.0.1:PORT/cityworkshop?workshop=tangsel
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Cluster", "find_binaries", "start_cluster"]

SUPERUSER = "cityworkshop"
DATABASE = "cityworkshop"


def find_binaries() -> Path | None:
    """The folder of the newest PostgreSQL server binaries (``initdb``, ``postgres``), or None.

    ``$CITYWORKSHOP_PG_BIN`` first, then Debian's ``/usr/lib/postgresql/<version>/bin``.
    """
    env = os.environ.get("CITYWORKSHOP_PG_BIN")
    candidates = [env] if env else []
    found = glob.glob("/usr/lib/postgresql/*/bin")
    found.sort(key=lambda p: int(p.split("/")[-2]) if p.split("/")[-2].isdigit() else 0)
    candidates += reversed(found)
    for c in candidates:
        if c and (Path(c) / "initdb").is_file() and (Path(c) / "postgres").is_file():
            return Path(c)
    which = shutil.which("initdb")
    if which and shutil.which("postgres"):
        return Path(which).parent
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    """A running throwaway server: its folder, port, pid and the way to stop it."""

    folder: Path
    port: int
    pid: int
    log: Path

    @property
    def host(self) -> str:
        return "127.0.0.1"

    def url(self, workshop: str | None = None, database: str = DATABASE) -> str:
        """A SQLAlchemy URL of ``database``; with ``workshop``, that workshop's schema in it."""
        url = f"postgresql+psycopg://{SUPERUSER}@{self.host}:{self.port}/{database}"
        return f"{url}?workshop={workshop}" if workshop else url

    def psycopg_dsn(self, database: str = DATABASE) -> str:
        return f"host={self.host} port={self.port} user={SUPERUSER} dbname={database}"

    def alive(self) -> bool:
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def stop(self, timeout: float = 20.0) -> None:
        """Fast shutdown (SIGINT to the postmaster, by pid), SIGKILL after ``timeout``; the
        folder is removed."""
        if self.alive():
            os.kill(self.pid, signal.SIGINT)
            deadline = time.monotonic() + timeout
            while self.alive() and time.monotonic() < deadline:
                time.sleep(0.05)
            if self.alive():
                os.kill(self.pid, signal.SIGKILL)
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _as_server_user(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    runuser = shutil.which("runuser")
    if runuser is None:
        raise RuntimeError("PostgreSQL refuses to run as root and runuser is missing")
    return [runuser, "-u", "postgres", "--", *cmd]


def start_cluster(*, fsync: bool = True, timeout: float = 60.0,
                  settings: dict[str, str] | None = None) -> Cluster:
    """Start a new PostgreSQL server in a temporary folder; stop it with :meth:`Cluster.stop`.

    ``fsync=False`` makes it faster for tests (data may be lost on a power cut: fine for a
    throwaway server). Raises ``RuntimeError`` with the server's log when it does not start,
    ``FileNotFoundError`` when no binaries are found (see :func:`find_binaries`).
    """
    bin_dir = find_binaries()
    if bin_dir is None:
        raise FileNotFoundError("PostgreSQL server binaries not found (apt-get install "
                                "postgresql, or set CITYWORKSHOP_PG_BIN)")
    folder = Path(tempfile.mkdtemp(prefix="cityworkshop-pg-"))
    data, log = folder / "data", folder / "server.log"
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            shutil.rmtree(folder, ignore_errors=True)
            raise RuntimeError("running as root needs the 'postgres' user (Debian's "
                               "postgresql package creates it)") from None
        os.chown(folder, user.pw_uid, user.pw_gid)
    try:
        subprocess.run(_as_server_user([str(bin_dir / "initdb"), "-D", str(data), "-A", "trust",
                                        "-U", SUPERUSER, "-E", "UTF8", "--no-locale",
                                        "--no-instructions"]),
                       check=True, capture_output=True, timeout=120)
        port = _free_port()
        options = {"listen_addresses": "127.0.0.1", "port": str(port),
                   "unix_socket_directories": str(folder), "fsync": "on" if fsync else "off",
                   "max_connections": "200", "shared_buffers": "64MB",
                   **(settings or {})}
        args = [str(bin_dir / "postgres"), "-D", str(data)]
        for k, v in options.items():
            args += ["-c", f"{k}={v}"]
        with open(log, "ab") as out:
            proc = subprocess.Popen(_as_server_user(args), stdout=out, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
        cluster = Cluster(folder, port, proc.pid, log)
        deadline = time.monotonic() + timeout
        pid_file = data / "postmaster.pid"
        ready = [str(bin_dir / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(port)]
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"PostgreSQL did not start:\n{log.read_text(errors='replace')}")
            # accepting connections, not only listening (it listens while it starts up)
            if subprocess.run(ready, check=False, capture_output=True,
                              timeout=30).returncode == 0:
                try:
                    cluster.pid = int(pid_file.read_text().split()[0])  # the postmaster itself
                    break
                except (OSError, ValueError, IndexError):
                    pass
            time.sleep(0.1)
        else:
            raise RuntimeError(f"PostgreSQL did not accept connections within {timeout} s")
        _create_database(bin_dir, cluster, deadline)
        return cluster
    except BaseException:
        pid_file = data / "postmaster.pid"
        with contextlib.suppress(OSError, ValueError, IndexError):
            os.kill(int(pid_file.read_text().split()[0]), signal.SIGKILL)
        shutil.rmtree(folder, ignore_errors=True)
        raise


def _create_database(bin_dir: Path, cluster: Cluster, deadline: float) -> None:
    cmd = [str(bin_dir / "createdb"), "-h", cluster.host, "-p", str(cluster.port),
           "-U", SUPERUSER, DATABASE]
    while True:
        done = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=60)
        if done.returncode == 0:
            return
        if time.monotonic() >= deadline:
            raise RuntimeError(f"createdb failed: {done.stderr.strip()}")
        time.sleep(0.2)
