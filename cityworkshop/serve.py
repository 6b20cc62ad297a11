"""Serve the participant page, offline and exposing nothing else.

The pages layer's server side: :func:`start_participant_server` runs
``python -m cityworkshop.participant.server`` (Solara's server, one process holding every
phone's page; see :mod:`cityworkshop.participant.server` for what it serves and refuses) in an
empty temporary folder, on a fixed IP and port (no silent move to another port).
``cityworkshop serve`` and ``up`` use it.

Children never outlive the command that started them (:func:`child_options`): on Linux the
kernel sends them SIGTERM when their parent dies, even by ``kill -9``; each runs in its own
process group, which :func:`stop_process` ends as a whole on a normal exit.
"""

from __future__ import annotations

import ctypes
import errno
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = [
    "ParticipantServer",
    "check_port_free",
    "child_options",
    "normal_root_path",
    "participant_notebook_path",
    "start_participant_server",
    "stop_process",
]

NOTEBOOK_NAME = "participant.ipynb"
IDLE_MINUTES = 5.0  # see cityworkshop.participant.server.IDLE_MINUTES


def normal_root_path(value: str | None) -> str:
    """The page's path prefix behind a reverse proxy: ``""`` (none) or ``/a/b``, no slash at
    the end. Letters, digits, ``-``, ``_``, ``.`` and ``~`` only (the prefix goes into the
    page's HTML); ValueError otherwise.

    >>> normal_root_path("tangsel_2026/"), normal_root_path(None)
    ('/tangsel_2026', '')
    """
    text = (value or "").strip().strip("/")
    if not text:
        return ""
    parts = text.split("/")
    if any(not p or p in (".", "..") or not _ROOT_PART.fullmatch(p) for p in parts):
        raise ValueError(f"{value!r} is not a path prefix such as /tangsel_2026 (letters, digits, "
                         "'-', '_', '.' or '~' between slashes)")
    return "/" + "/".join(parts)


_ROOT_PART = re.compile(r"[A-Za-z0-9._~-]+")


def participant_notebook_path() -> Path:
    """The participant notebook (the page inside JupyterLab, for a look without the server):
    installed in ``cityworkshop/_notebooks`` or from the checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_notebooks" / NOTEBOOK_NAME,
                      here.parent / "notebooks" / NOTEBOOK_NAME):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"{NOTEBOOK_NAME} not found in {here / '_notebooks'} nor in "
                            f"{here.parent / 'notebooks'}: reinstall cityworkshop.")


_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> Callable[[], None] | None:
    """A ``preexec_fn`` that asks Linux to SIGTERM the child when this process dies."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong,
                      ctypes.c_ulong]
    prctl.restype = ctypes.c_int
    parent = os.getpid()
    term = int(signal.SIGTERM)

    def preexec() -> None:  # runs in the child between fork and exec: keep it tiny
        prctl(_PR_SET_PDEATHSIG, term, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before prctl: follow it now
            os._exit(1)

    return preexec


def child_options() -> dict[str, Any]:
    """``subprocess.Popen`` options for a server child that must end when we end.

    Its own process group (Ctrl+C reaches only us; we stop the group as a whole), and on
    Linux ``PR_SET_PDEATHSIG``: the kernel sends it SIGTERM when this process dies, however
    it dies (``kill -9`` included). Call Popen from the main thread: Linux ties the signal to
    the thread that started the child.
    """
    options: dict[str, Any] = {}
    if os.name == "posix":
        options["process_group"] = 0
        preexec = _die_with_parent()
        if preexec is not None:
            options["preexec_fn"] = preexec
    return options


def _signal_group(process: subprocess.Popen[Any], sig: int) -> None:
    try:
        if os.name == "posix":
            os.killpg(process.pid, sig)
        else:  # pragma: no cover - not Linux
            process.send_signal(sig)
    except (ProcessLookupError, PermissionError):
        pass


def stop_process(process: subprocess.Popen[Any], timeout: float = 10.0) -> None:
    """End a child started with :func:`child_options` and its process group.

    SIGTERM (the servers then shut down cleanly), then SIGKILL after ``timeout``
    seconds; whatever is left in the group is killed too.
    """
    if process.poll() is None:
        _signal_group(process, signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)
            process.wait(timeout)
    _signal_group(process, signal.SIGKILL)  # stragglers of the group, if any


def check_port_free(host: str, port: int) -> None:
    """Raise :class:`OSError` (``EADDRINUSE`` ...) unless a server can listen on ``host:port``.

    Binds and releases the port the way the server will (``SO_REUSEADDR``, as tornado does),
    so that a port taken by another program is found before anything is printed.
    """
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM,
                                   flags=socket.AI_PASSIVE)
    except socket.gaierror as e:
        raise OSError(errno.EADDRNOTAVAIL, str(e)) from None
    for family, kind, proto, _, address in infos:
        with socket.socket(family, kind, proto) as s:
            if hasattr(socket, "SO_REUSEADDR") and os.name == "posix":
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6 and hasattr(socket, "IPV6_V6ONLY"):
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            s.bind(address)
            s.listen(1)


class ParticipantServer:
    """A running server of the participant page; stop it with :meth:`stop` or ``with``.

    Attributes
    ----------
    url
        The page's address, e.g. ``http://127.0.0.1:8866/``.
    pid
        The process id of the server.
    """

    def __init__(self, process: subprocess.Popen[bytes], host: str, port: int, workdir: Path,
                 log_path: Path, root_path: str = ""):
        self.process = process
        self.host = host
        self.port = port
        self.workdir = workdir
        self.log_path = log_path
        connect_host = "127.0.0.1" if host in ("0.0.0.0", "") else host
        self.root_path = root_path
        self.url = f"http://{connect_host}:{port}{root_path}/"

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Wait until the server accepts TCP connections (a page GET would start a kernel).

        Raises ``RuntimeError`` with the server's log if it exits, ``TimeoutError`` if it is
        not up within ``timeout`` seconds.
        """
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"The participant server exited with code "
                                   f"{self.process.returncode}:\n{self.log()}")
            try:
                with socket.create_connection((host, self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        raise TimeoutError(f"The participant server did not listen on {self.url} within "
                           f"{timeout} s:\n{self.log()}")

    def log(self) -> str:
        """The server's output so far (its last 8,000 characters)."""
        try:
            return self.log_path.read_text("utf-8", errors="replace")[-8000:]
        except OSError:
            return ""

    def stop(self, timeout: float = 10.0) -> None:
        """Terminate the server's process group (its kernels shut down with it), wait, clean
        its folder."""
        stop_process(self.process, timeout)
        shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> ParticipantServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _command(db: Path | str, host: str, port: int, lang: str, idle_minutes: float,
             count_route: bool, root_path: str = "") -> list[str]:
    cmd = [sys.executable, "-W", "ignore", "-m", "cityworkshop.participant.server",
           "--db", str(db), "--host", host, "--port", str(port), "--lang", lang,
           "--idle-minutes", f"{idle_minutes:g}", f"--root-path={root_path}"]
    return [*cmd, "--count-route"] if count_route else cmd


def start_participant_server(db_path: str | Path, host: str = "127.0.0.1", port: int = 8866,
                             lang: str = "id", *, idle_minutes: float = IDLE_MINUTES,
                             log_path: Path | None = None,
                             count_route: bool = False, root_path: str = "") -> ParticipantServer:
    """Start the participant page's server (Solara, one process) for the workshop at ``db_path``.

    Parameters
    ----------
    db_path
        The workshop database (must exist), passed on as an absolute path; or a PostgreSQL
        workshop's URL, passed on as it is.
    host, port
        Where to listen. ``0.0.0.0`` lets phones on the venue network in. The port is not moved
        if it is taken: the server fails instead.
    lang
        ``"id"`` or ``"en"``: the page's starting language.
    idle_minutes
        How long the server keeps the session of a page that went away (a closed tab, a phone
        asleep, a lost connection) before it frees it. A page that comes back later starts a
        new session and finds its participant again by the browser's token.
    root_path
        The page's path prefix behind a reverse proxy (``/tangsel_2026``): the page asks for
        its files and websocket under it. ValueError if it is not a plain path.
    count_route
        Answer ``/_cityworkshop/pages`` with the number of open page sessions (for tests and
        benchmarks; off by default).
    log_path
        Where the server's own output goes (default: a file in its temporary folder); errors
        that concern the facilitator (the database gone, the disk full) still reach this
        process's standard error.

    Returns
    -------
    ParticipantServer
        Call :meth:`ParticipantServer.wait_ready` before opening the page.

    Examples
    --------
    >>> with start_participant_server("workshop.db", port=8866) as server:  # doctest: +SKIP
    ...     server.wait_ready()
    ...     print(server.url)
    """
    from .store._base import db_location

    root_path = normal_root_path(root_path)
    db = db_location(db_path)
    if isinstance(db, Path):
        db = db.resolve()
        if not db.is_file():
            raise FileNotFoundError(f"Workshop database not found: {db}. "
                                    "Create one with 'cityworkshop init --db PATH'.")
    # its own empty folder as working directory: Solara would read a ".env" file found there
    workdir = Path(tempfile.mkdtemp(prefix="cityworkshop-page-"))
    log = log_path or workdir / "server.log"
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    with open(log, "ab") as log_file:  # stderr stays ours: what the facilitator must read
        process = subprocess.Popen(_command(db, host, port, lang, idle_minutes, count_route,
                                            root_path),
                                   cwd=workdir,
                                   env=env, stdout=log_file, stdin=subprocess.DEVNULL,
                                   **child_options())
    return ParticipantServer(process, host, port, workdir, log, root_path)
