"""The participant page's own address: fixed when the server starts, never by a request.

- Solara takes its root path from the first request's ``X-Script-Name`` header unless one is
  configured; one request on the venue Wi-Fi could then make every phone load the page's
  JavaScript from another host. The server fixes it (none, or ``--root-path``).
- Behind a reverse proxy that serves several workshops at one address (``/tangsel_2026/``), the
  page asks for its files and its websocket under that prefix, whether the proxy takes the
  prefix off (nginx ``proxy_pass http://127.0.0.1:8866/;``) or passes it on.
"""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from cityworkshop.serve import normal_root_path, start_participant_server
from cityworkshop.store import WorkshopStore

pytestmark = pytest.mark.slow
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
PREFIX = "/tangsel_2026"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


def _sources(page: str) -> list[str]:
    """Where the page loads its scripts and styles from."""
    return re.findall(r'(?:src|href)="([^"]+)"', page)


def test_root_paths_are_plain_paths() -> None:
    assert normal_root_path("") == normal_root_path(None) == normal_root_path("/") == ""
    assert normal_root_path("tangsel_2026") == normal_root_path("/tangsel_2026/") == PREFIX
    assert normal_root_path("/agency/bogor-2026") == "/agency/bogor-2026"
    assert normal_root_path("//evil.example") == "/evil.example"  # a path, never a host
    for bad in ("/a/../b", "/a b", "/<script>", "/a?x=1", "/%2e%2e",
                "http://evil.example/x", "/a//b", "/ä"):
        with pytest.raises(ValueError, match="/tangsel_2026"):
            normal_root_path(bad)


@pytest.fixture(scope="module")
def workshop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkshopStore]:
    store = WorkshopStore.create(tmp_path_factory.mktemp("root") / "workshop.db", groups=2,
                                 seed=3)
    store.open_activity("branding-urgency")
    yield store
    store.close()


def test_no_request_can_move_the_pages_files_to_another_host(workshop: WorkshopStore) -> None:
    server = start_participant_server(workshop.path, port=_free_port())
    try:
        server.wait_ready(60)
        # the first request of the day, from anyone on the venue Wi-Fi
        status, _ = _get(server.url, {"X-Script-Name": "//evil.example",
                                      "Script-Name": "//evil.example", "Host": "evil.example"})
        assert status == 200
        status, page = _get(server.url)  # a phone's
        assert status == 200 and "evil.example" not in page
        sources = _sources(page)
        assert sources and all(s.startswith("/") and not s.startswith("//") for s in sources)
    finally:
        server.stop()


def test_behind_a_proxy_the_page_asks_for_everything_under_its_prefix(
        workshop: WorkshopStore) -> None:
    server = start_participant_server(workshop.path, port=_free_port(), root_path="tangsel_2026/")
    base = f"http://127.0.0.1:{server.port}"
    try:
        assert server.url == f"{base}{PREFIX}/"
        server.wait_ready(60)
        for url in (f"{base}{PREFIX}/", f"{base}/"):  # the proxy passes the prefix on, or not
            status, page = _get(url)
            assert status == 200, url
            local = [s for s in _sources(page) if s.startswith("/")]
            assert local and all(s.startswith(PREFIX + "/") for s in local), local
            assert f'"{PREFIX}/jupyter' in page or f"'{PREFIX}/jupyter" in page or \
                f"{PREFIX}/jupyter" in page  # the websocket's address
        # a file the page loads, through the prefix and without it (a proxy that takes it off)
        asset = next(s for s in _sources(page) if s.startswith(f"{PREFIX}/static/"))
        assert _get(base + asset)[0] == 200
        assert _get(base + asset[len(PREFIX):])[0] == 200
        # the gate still refuses what is not the page's, under the prefix too
        for refused in (f"{PREFIX}/resourcez", f"{PREFIX}/workshop.db", f"{PREFIX}/../workshop.db",
                        "/tangsel_2026x/", f"{PREFIX}/_solara/api/evict/x"):
            assert _get(base + refused)[0] in (403, 404), refused
    finally:
        server.stop()


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")
def test_a_phone_joins_and_answers_through_the_prefix(workshop: WorkshopStore) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    server = start_participant_server(workshop.path, port=_free_port(), root_path=PREFIX)
    outside: list[str] = []
    try:
        server.wait_ready(60)
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            try:
                page = browser.new_page(viewport={"width": 390, "height": 844})
                page.on("request", lambda r: None if r.url.startswith(
                    (f"http://127.0.0.1:{server.port}{PREFIX}/", "data:", "blob:"))
                    else outside.append(r.url))
                page.on("websocket", lambda ws: None if f"{PREFIX}/jupyter/" in ws.url
                        else outside.append(ws.url))
                page.goto(server.url, wait_until="commit")
                page.locator(".cw-code input").wait_for(state="visible", timeout=90_000)
                page.locator(".cw-code input").fill(workshop.list_groups()[0].code)
                page.locator(".cw-name input").fill("Prefiks")
                page.locator("button.cw-join").click()
                page.locator(".cw-score-urgency-score button", has_text="4").click()
                page.locator("button.cw-send").first.click()
                page.locator("button.cw-edit").wait_for(state="visible", timeout=30_000)
            finally:
                browser.close()
    finally:
        server.stop()
    (me,) = [x for x in workshop.list_participants() if x.name == "Prefiks"]
    answer = workshop.latest_answer("branding-urgency", me.id)
    assert answer is not None and answer.answer["scores"] == {"urgency": {"score": 4}}
    assert outside == []  # every file and the websocket under the prefix


def _serve(db: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "cityworkshop.cli", "serve", "--db", str(db),
                             "--lang", "en", *extra], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _until_ready(proc: subprocess.Popen[str]) -> str:
    lines: list[str] = []
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        line = proc.stdout.readline() if proc.stdout else ""
        if not line:
            break
        lines.append(line)
        if "Ctrl+C" in line:
            break
    return "".join(lines)


def test_serve_behind_a_proxy_prints_and_leaves_the_public_address(tmp_path: Path) -> None:
    from cityworkshop.venue import find_page_address

    db = tmp_path / "w.db"
    WorkshopStore.create(db, groups=2).close()
    port = _free_port()
    public = "https://training.example.org/tangsel_2026/"
    proc = _serve(db, "--port", str(port), "--root-path", "tangsel_2026",
                  "--public-url", public.rstrip("/"))
    try:
        out = _until_ready(proc)
        assert f"http://127.0.0.1:{port}{PREFIX}/" in out
        assert f"Phones open (through the reverse proxy): {public}" in out
        assert _get(f"http://127.0.0.1:{port}{PREFIX}/")[0] == 200
        found = find_page_address(db, environ={})
        assert found is not None and found.url == public  # the notebooks' join card
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(30)
    assert proc.returncode == 0


@pytest.mark.parametrize(("option", "value", "says"), [
    ("--root-path", "/a/../b", "path prefix"),
    ("--root-path", "/<script>", "path prefix"),
    ("--public-url", "javascript:alert(1)", "public address"),
    ("--public-url", "training.example.org", "public address"),
])
def test_serve_refuses_a_bad_prefix_or_address_in_one_line(tmp_path: Path, option: str,
                                                           value: str, says: str) -> None:
    db = tmp_path / "w.db"
    WorkshopStore.create(db, groups=2).close()
    proc = _serve(db, "--port", str(_free_port()), option, value)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode != 0 and says in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and "http://" not in out
