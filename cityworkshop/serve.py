"""Serve the participant page with Voila, offline and exposing nothing else.

The pages layer's server side: :func:`start_participant_server` runs ``python -m voila`` on a
copy of ``participant.ipynb`` alone in a fresh temporary folder (so neither the database, nor
other notebooks, nor the notebook's source can be fetched), with our CDN-free ``cityworkshop``
template, source stripping, a fixed IP and port (no silent move to another port), and the
database and language passed through the environment. ``cityworkshop serve`` and ``up`` use it.

Children never outlive the command that started them (:func:`child_options`): on Linux the
kernel sends them SIGTERM when their parent dies, even by ``kill -9``; each runs in its own
process group, which :func:`stop_process` ends as a whole on a normal exit.
"""

from __future__ import annotations

import ctypes
import errno
import os
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
    "participant_notebook_path",
    "start_participant_server",
    "stop_process",
    "template_root",
]

NOTEBOOK_NAME = "participant.ipynb"
TEMPLATE_NAME = "cityworkshop"


def participant_notebook_path() -> Path:
    """The participant notebook: installed in ``cityworkshop/_notebooks`` or from the checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_notebooks" / NOTEBOOK_NAME, here.parent / "notebooks" / NOTEBOOK_NAME):
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

    SIGTERM (Voila and Jupyter then shut their kernels down), then SIGKILL after ``timeout``
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


def template_root() -> Path:
    """The folder to put on ``JUPYTER_PATH`` so that Voila finds ``voila/templates/cityworkshop``."""
    return Path(__file__).resolve().parent


class ParticipantServer:
    """A running Voila server of the participant page; stop it with :meth:`stop` or ``with``.

    Attributes
    ----------
    url
        The page's address, e.g. ``http://127.0.0.1:8866/``.
    pid
        The process id of the Voila server.
    """

    def __init__(self, process: subprocess.Popen[bytes], host: str, port: int, workdir: Path,
                 log_path: Path):
        self.process = process
        self.host = host
        self.port = port
        self.workdir = workdir
        self.log_path = log_path
        connect_host = "127.0.0.1" if host in ("0.0.0.0", "") else host
        self.url = f"http://{connect_host}:{port}/"

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Wait until the server accepts TCP connections (a page GET would start a kernel).

        Raises ``RuntimeError`` with the server's log if it exits, ``TimeoutError`` if it is
        not up within ``timeout`` seconds.
        """
        host = self.url.split("//", 1)[1].rsplit(":", 1)[0]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Voila exited with code {self.process.returncode}:\n{self.log()}")
            try:
                with socket.create_connection((host, self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        raise TimeoutError(f"Voila did not listen on {self.url} within {timeout} s:\n{self.log()}")

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


def _command(notebook: Path, host: str, port: int, preheat: int) -> list[str]:
    cmd = [sys.executable, "-m", "voila", str(notebook), "--no-browser",
           f"--Voila.ip={host}", f"--port={port}", "--Voila.port_retries=0",
           f"--template={TEMPLATE_NAME}", "--strip_sources=True",
           "--Voila.show_tracebacks=False"]
    if preheat > 0:
        # Voila's published way to a fast first paint: a pool of kernels that have already run
        # the page. The page asks nothing of the visitor before "Gabung", so a kernel that ran
        # before the visitor arrived shows exactly what a fresh one would.
        cmd += ["--preheat_kernel=True", f"--VoilaConfiguration.default_pool_size={preheat}"]
    return cmd


def _environment(db_path: Path, lang: str) -> dict[str, str]:
    env = dict(os.environ)
    env["CITYWORKSHOP_DB"] = str(db_path)
    env["CITYWORKSHOP_LANG"] = lang
    paths = [str(template_root())]
    if env.get("JUPYTER_PATH"):
        paths.append(env["JUPYTER_PATH"])
    env["JUPYTER_PATH"] = os.pathsep.join(paths)
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def start_participant_server(db_path: str | Path, host: str = "127.0.0.1", port: int = 8866,
                             lang: str = "id", *, preheat: int = 0) -> ParticipantServer:
    """Start Voila serving the participant page of the workshop at ``db_path``.

    Parameters
    ----------
    db_path
        The workshop database (must exist); passed as an absolute path in ``CITYWORKSHOP_DB``.
    host, port
        Where to listen. ``0.0.0.0`` lets phones on the venue network in. The port is not moved
        if it is taken: Voila fails instead.
    lang
        ``"id"`` or ``"en"``: the page's starting language.
    preheat
        Number of kernels kept ready with the page already rendered (0: none, every visitor
        waits for a kernel to start and run the page). Each idle kernel holds about 75 MB.

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
    db = Path(db_path).resolve()
    if not db.is_file():
        raise FileNotFoundError(f"Workshop database not found: {db}. "
                                "Create one with 'cityworkshop init --db PATH'.")
    workdir = Path(tempfile.mkdtemp(prefix="cityworkshop-page-"))
    serve_dir = workdir / "page"
    serve_dir.mkdir()
    notebook = serve_dir / NOTEBOOK_NAME
    shutil.copyfile(participant_notebook_path(), notebook)
    log_path = workdir / "voila.log"
    with open(log_path, "wb") as log_file:
        process = subprocess.Popen(_command(notebook, host, port, preheat), cwd=serve_dir,
                                   env=_environment(db, lang), stdout=log_file,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   **child_options())
    return ParticipantServer(process, host, port, workdir, log_path)
