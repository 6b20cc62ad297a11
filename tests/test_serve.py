"""The participant page's server (Solara, one process): up on a fixed port, exposing nothing but
the page, loading nothing from the internet, compressing its bundle once, freeing the sessions
of pages that went away."""

from __future__ import annotations

import json
import os
import socket
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from cityworkshop.participant.server import WEB, PageGate
from cityworkshop.serve import participant_notebook_path, start_participant_server
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


def test_notebook_and_page_assets_are_found() -> None:
    nb = json.loads(participant_notebook_path().read_text("utf-8"))
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    assert all(c.get("execution_count") is None and not c.get("outputs") for c in nb["cells"])
    for name in ("custom.css", "custom.js"):
        text = (WEB / "assets" / name).read_text("utf-8")
        assert "https://" not in text and "cdn." not in text


def test_the_gate_lets_only_the_page_through(tmp_path: Path) -> None:
    (tmp_path / "lib@1" / "dist").mkdir(parents=True)
    (tmp_path / "lib@1" / "dist" / "a.js").write_text("x")
    gate = PageGate(lambda *a: None, tmp_path)  # type: ignore[arg-type]
    assert gate.allowed("/") and gate.allowed("/_solara/cdn/lib@1/dist/a.js")
    assert gate.allowed("/jupyter/api/kernels/abc/channels") and gate.allowed("/static/x.js")
    for refused in ("/resourcez", "/workshop.db", "/_solara/cdn/lib@1/dist/missing.js",
                    "/_solara/cdn/../../etc/passwd", "/_solara/api/evict/k", "/app.py",
                    "/static/public/x", "/api/contents", "/files/participant.ipynb"):
        assert not gate.allowed(refused), refused


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
        for path in ("files/participant.ipynb", "api/contents", "tree", "resourcez",
                     f"files/{db_name}", db_name, f"static/{db_name}", "server.log",
                     "static/public/app.py", "static/assets/../script/app.py",
                     "_solara/cdn/left-pad@1.3.0/index.js", "_solara/api/evict/x",
                     "notebooks/participant.ipynb", "api/kernels"):
            code, body = _status(server.url + path)
            assert code in (403, 404, 405), f"/{path} answered {code}"
            assert b'"cells"' not in body and b"SQLite format" not in body, path
            assert b"new_page" not in body, path  # the app's source
        code, body = _status(server.url)
        assert code == 200 and b"Lokakarya Kota" in body
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
            assert server.process.wait(60) != 0  # it gives up instead of moving
            with pytest.raises(RuntimeError, match="exited"):
                server.wait_ready(5)
        finally:
            server.stop()


def _get(url: str, gzip_ok: bool = True) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gzip_ok else {})
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()


@pytest.mark.slow
def test_the_big_bundle_is_served_compressed_and_cacheable(store: WorkshopStore) -> None:
    import gzip
    import re

    server = start_participant_server(store.path, port=_free_port())
    try:
        server.wait_ready(60)
        _, _, page = _get(server.url)
        bundle = re.search(rb'src="(/_solara/cdn/[^"]+solara-vuetify-app[^"]+\.js)"', page)
        assert bundle, "the page names its bundle"
        url = server.url.rstrip("/") + bundle.group(1).decode()
        status, headers, first = _get(url)
        _, _, again = _get(url)
        assert status == 200 and headers.get("content-encoding") == "gzip"
        assert "max-age" in headers.get("cache-control", "")
        assert again == first and len(first) < 4_000_000  # ~13 MB of JavaScript, gzipped
        assert gzip.decompress(first)[:200].strip()  # a real gzip stream of the bundle
    finally:
        server.stop()


def test_the_gate_compresses_a_file_once(tmp_path: Path) -> None:
    """Two requests for the same static file: the inner app is asked once."""
    import asyncio
    import gzip

    calls = []
    body = b"x" * 5000

    async def inner(scope, receive, send):
        calls.append(scope["path"])
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/javascript")]})
        await send({"type": "http.response.body", "body": body})

    gate = PageGate(inner, tmp_path)

    async def get() -> tuple[list, bytes]:
        sent: list = []

        async def send(m):
            sent.append(m)

        async def receive():
            return {"type": "http.request"}

        await gate({"type": "http", "method": "GET", "path": "/static/main.js",
                    "query_string": b"v=1", "headers": [(b"accept-encoding", b"gzip")]},
                   receive, send)
        return sent[0]["headers"], sent[1]["body"]

    first = asyncio.run(get())
    second = asyncio.run(get())
    assert calls == ["/static/main.js"]
    assert (b"content-encoding", b"gzip") in first[0] and first == second
    assert gzip.decompress(first[1]) == body
