"""The Voila server of the participant page: up on a fixed port, exposing nothing but the page."""

from __future__ import annotations

import json
import os
import socket
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from cityworkshop.serve import (
    participant_notebook_path,
    start_participant_server,
    template_root,
)
from cityworkshop.store import WorkshopStore


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _status(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is gone for our purposes only once reaped: Popen.wait() reaps it
    return True


def test_notebook_and_template_are_found() -> None:
    nb = json.loads(participant_notebook_path().read_text("utf-8"))
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    assert all(c.get("execution_count") is None and not c.get("outputs") for c in nb["cells"])
    folder = template_root() / "voila" / "templates" / "cityworkshop"
    assert json.loads((folder / "conf.json").read_text())["base_template"] == "lab"
    template = (folder / "index.html.j2").read_text()
    assert "cdn." not in template and "https://" not in template


def test_missing_database_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="cityworkshop init"):
        start_participant_server(tmp_path / "nope.db", port=_free_port())


@pytest.mark.slow
def test_server_serves_only_the_page(store: WorkshopStore) -> None:
    port = _free_port()
    server = start_participant_server(store.path, port=port)
    pid = server.pid
    try:
        server.wait_ready(60)
        assert server.url == f"http://127.0.0.1:{port}/"
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            pass
        db_name = store.path.name
        for path in ("voila/files/participant.ipynb", "files/participant.ipynb",
                     "api/contents", "api/contents/participant.ipynb", "tree",
                     f"voila/files/{db_name}", f"files/{db_name}", "voila/files/voila.log",
                     "voila/tree", "api/kernels", "notebooks/participant.ipynb"):
            code, body = _status(server.url + path)
            assert code in (403, 404, 405), f"/{path} answered {code}"
            assert b'"cells"' not in body and b"SQLite format" not in body, path
    finally:
        server.stop()
    assert server.process.returncode is not None
    assert not _pid_alive(pid)
    assert not server.workdir.exists()


@pytest.mark.slow
def test_port_is_not_moved_when_taken(store: WorkshopStore) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        server = start_participant_server(store.path, port=port)
        try:
            # Voila must give up (port_retries=0) instead of moving to another port
            assert server.process.wait(60) != 0
            with pytest.raises(RuntimeError, match="Voila exited"):
                server.wait_ready(5)
        finally:
            server.stop()
