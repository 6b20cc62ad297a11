"""The participant page served by Voila and driven in headless Chromium (Debian's, no download).

Join -> wait -> the facilitator opens the activity -> score and give a reason -> "Kirim" ->
"Terkirim" -> the row is in the database -> reload, rejoin -> the earlier answer is selected.
Every request must stay on 127.0.0.1 (the venue has no internet). Screenshots go to
``$CITYWORKSHOP_SHOTS`` (default: the test's temporary folder).
"""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from cityworkshop.serve import start_participant_server
from cityworkshop.store import WorkshopStore

CHROMIUM = Path("/usr/bin/chromium")
ACTIVITY = "disruptive-scoring"
VOILA_ERROR = "There was an error when executing cell"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium "
                       "(apt-get install chromium); never a Playwright browser download"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("CITYWORKSHOP_SHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(params=[0], ids=["fresh-kernel"])
def served(tmp_path: Path, request: pytest.FixtureRequest):
    """A fresh workshop (no activity open yet) and a Voila server of its participant page.

    ``param`` is the number of preheated kernels (``cityworkshop serve`` uses 2).
    """
    store = WorkshopStore.create(tmp_path / "workshop.db", groups=5, seed=11)
    server = start_participant_server(store.path, port=_free_port(), preheat=request.param)
    try:
        server.wait_ready(60)
        yield store, server
    finally:
        server.stop()
        store.close()


@pytest.fixture
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield b
        finally:
            b.close()


def _join(page, code: str, name: str) -> None:
    page.locator(".cw-code input").fill(code)
    page.locator(".cw-name input").fill(name)
    page.locator("button.cw-join").click()


def _no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_participant_page_end_to_end(served, browser, shots: Path) -> None:
    store, server = served
    code = store.list_groups()[1].code
    requests: list[str] = []
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    page.on("request", lambda r: requests.append(r.url))
    try:
        started = time.monotonic()
        page.goto(server.url, wait_until="commit")
        page.locator(".cw-code input").wait_for(state="visible", timeout=90_000)
        print(f"\npage usable after {time.monotonic() - started:.2f} s")
        assert page.get_by_text("Kode grup").first.is_visible()
        assert _no_horizontal_scroll(page)
        page.screenshot(path=str(shots / "1-join-390.png"))

        _join(page, "WRONG1", "")
        page.get_by_text("tidak dikenal").wait_for(timeout=15_000)

        _join(page, code, "Ayu <b>Lestari</b>")
        page.locator("button.cw-check").wait_for(state="visible", timeout=15_000)
        assert page.get_by_text("Ayu <b>Lestari</b>").first.is_visible()  # shown as text
        page.screenshot(path=str(shots / "2-wait-390.png"))

        store.open_activity(ACTIVITY)  # the facilitator opens it; the page follows by itself
        page.locator("button.cw-send").wait_for(state="visible", timeout=20_000)
        assert _no_horizontal_scroll(page)
        page.screenshot(path=str(shots / "3-form-390.png"))
        page.screenshot(path=str(shots / "3-form-390-full.png"), full_page=True)

        page.locator(".cw-score-digital_services-now button", has_text="3").click()
        page.locator(".cw-score-digital_services-target button", has_text="5").click()
        page.locator(".cw-score-mobility-now button", has_text="2").click()
        page.locator(".cw-reason-digital_services textarea").fill("Perizinan sudah daring <i>x</i>")
        page.get_by_text("2 dari 10 kriteria", exact=False).first.wait_for(timeout=10_000)
        page.locator("button.cw-send").click()
        page.locator("button.cw-edit").wait_for(state="visible", timeout=20_000)
        assert page.get_by_text("Terkirim").first.is_visible()
        assert page.get_by_text("WIB").first.is_visible()
        page.screenshot(path=str(shots / "4-sent-390.png"))

        rows = {(r["item_id"], r["field"]): r for r in store.answer_rows(ACTIVITY)}
        assert rows[("digital_services", "now")]["value_num"] == 3
        assert rows[("digital_services", "target")]["value_num"] == 5
        assert rows[("mobility", "now")]["value_num"] == 2
        assert rows[("digital_services", "reason")]["value_text"] == "Perizinan sudah daring <i>x</i>"

        page.reload(wait_until="commit")
        page.locator(".cw-code input").wait_for(state="visible", timeout=90_000)
        _join(page, code.lower(), "ayu <b>lestari</b>")
        page.locator("button.cw-send").wait_for(state="visible", timeout=20_000)
        active = page.locator(".cw-score-digital_services-now button.mod-active")
        assert active.inner_text().strip() == "3"
        assert page.locator(".cw-score-mobility-now button.mod-active").inner_text().strip() == "2"
        assert page.locator(".cw-score-environment-now button.mod-active").count() == 0
        assert (page.locator(".cw-reason-digital_services textarea").input_value()
                == "Perizinan sudah daring <i>x</i>")
        assert VOILA_ERROR not in page.content()
    finally:
        context.close()

    hosts = {urlsplit(u).hostname for u in requests if not u.startswith(("data:", "blob:"))}
    assert hosts == {"127.0.0.1"}, f"requests left the laptop: {sorted(hosts)}"


@pytest.mark.parametrize("served", [2], ids=["preheated"], indirect=True)
def test_participant_page_at_360px(served, browser, shots: Path) -> None:
    store, server = served
    store.open_activity(ACTIVITY)
    context = browser.new_context(viewport={"width": 360, "height": 780}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(server.url, wait_until="commit")
        page.locator(".cw-code input").wait_for(state="visible", timeout=90_000)
        _join(page, store.list_groups()[0].code, "")
        page.locator("button.cw-send").wait_for(state="visible", timeout=20_000)
        assert _no_horizontal_scroll(page)
        box = page.locator(".cw-score-digital_services-now button").first.bounding_box()
        assert box is not None and box["width"] >= 44 and box["height"] >= 44
        page.screenshot(path=str(shots / "5-form-360.png"))
        assert VOILA_ERROR not in page.content()
    finally:
        context.close()
