"""The participant server at room scale: N phones on one Solara process, against a bare Solara
page with one ``ipywidgets.IntSlider`` served by the same machinery in the same run.

Measures (targets of issue 8):

1. server memory per connected page: RSS of the server process and its children with 0 pages,
   then with N Chromium pages open (ours: joined, on the waiting screen) -> MiB per page
   (target <= 5 MiB);
2. server CPU per page load: CPU time (user + system, children included) over K sequential
   fresh-context loads to the first form (target <= 0.2 s per load); first-load and reload
   bytes as the browser received them (CDP ``Network.loadingFinished`` encodedDataLength; target
   <= 3 MB and <= 0.3 MB) and requests to any host other than 127.0.0.1 (target 0);
3. with the N pages connected: the facilitator's ``store.open_activity`` to the new form
   visible on every page, p50/p95 over pages and rounds, and "Kirim" to "Terkirim" on each page
   in turn, all drawn by this one browser on the server's cores (what a phone sees, against the
   targets p95 <= 1 s and <= 0.3 s, is ``bench_phone.py``'s);
4. idle release: every page closed, after the idle time (``--idle-minutes``, short here) the
   server's RSS back within 10% of the 0-page level, sessions counted; then a second wave of
   pages on the released server shows whether the memory kept is reused or lost.

The follow time is split with the websocket frames each page receives (CDP
``Network.webSocketFrameReceived``): the server's first and last frame, then the browser's
rendering.

    .venv/bin/python bench/bench_room.py [--pages 40] [--loads 5] [--rounds 4] [--no-write]

About 5 minutes on 2 cores with 40 pages (two idle waits of ``--idle-minutes``).

All pages run in one headless Chromium (Debian's, /usr/bin/chromium) with one context per
phone, on the same cores as the server: the page-side times include rendering N pages on this
machine, which real phones do each on their own. Servers listen on 127.0.0.1 and are stopped
by their process ids.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import async_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import ProcessTree, command, free_port, machine, pct, write_section  # noqa: E402

from cityworkshop.serve import child_options, start_participant_server, stop_process  # noqa: E402
from cityworkshop.store import WorkshopStore  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 390, "height": 844}
# The facilitator's "next" from here on, through four kinds (text, scale, matrix, plan), as the
# branding block of the reference day runs; then one jump to an activity that is not the next.
START = "presentation-feedback"
# a text form; not the next one (after leader-questions, reflection is, built ahead by every
# page): its form is built on the spot; the submits are timed on it
JUMP = "closing-comments"
OURS_FORM, BARE_FORM = ".cw-code input", ".widget-slider"

BARE_APP = '''import ipywidgets as widgets

page = widgets.IntSlider(description="x")
'''

# The participant server's main() (configure, build_app, uvicorn.run with the same options)
# with SOLARA_APP pointed at the bare app, plus one route answering the virtual kernel count.
BARE_RUNNER = r'''
import os, sys
from cityworkshop.participant.server import build_app, configure

db, app, port, idle = sys.argv[1:5]
configure(db, "id", float(idle))
os.environ["SOLARA_APP"] = app
import uvicorn

inner = build_app()


async def with_count(scope, receive, send):
    if scope["type"] == "http" and scope.get("path") == "/_bench/kernels":
        from solara.server import kernel_context
        body = str(len(kernel_context.contexts)).encode()
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/plain"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
        return
    await inner(scope, receive, send)


uvicorn.run(with_count, host="127.0.0.1", port=int(port), log_level="warning",
            access_log=False, lifespan="on", ws_ping_interval=20, ws_ping_timeout=20)
'''




def wait_port(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the bare server exited with code {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


class Server(ProcessTree):
    """One server under test: its pid, URL, form selector and session counter."""

    def __init__(self, label: str, pid: int, url: str, form: str, count_path: str,
                 count_label: str, stop):
        self.label, self.pid, self.url, self.form = label, pid, url, form
        self.count_path, self.count_label, self._stop = count_path, count_label, stop





    def sessions(self) -> int:
        with urllib.request.urlopen(self.url + self.count_path, timeout=10) as r:
            return int(r.read())

    def stop(self) -> None:
        self._stop()


class Net:
    """What one page received, from Chrome DevTools Protocol network events."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.bytes = 0
        self.responses = 0
        self.foreign: list[str] = []
        self.last = time.monotonic()

    async def attach(self, context, page) -> None:
        cdp = await context.new_cdp_session(page)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.requestWillBeSent", lambda e: self._url(e["request"]["url"]))
        cdp.on("Network.webSocketCreated", lambda e: self._url(e["url"]))
        await cdp.send("Network.enable")

    def _finished(self, event: dict) -> None:
        self.bytes += int(event.get("encodedDataLength") or 0)
        self.last = time.monotonic()

    def _response(self, _event: dict) -> None:
        self.responses += 1
        self.last = time.monotonic()

    def _url(self, url: str) -> None:
        self.last = time.monotonic()
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about", "chrome-extension"):
            return
        if parts.hostname != "127.0.0.1":
            self.foreign.append(url)

    async def settle(self, quiet: float = 0.7, limit: float = 8.0) -> None:
        """Wait until no network event came for ``quiet`` seconds (at most ``limit``)."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline and time.monotonic() - self.last < quiet:
            await asyncio.sleep(0.1)


def watch_hosts(context, foreign: list[str]) -> None:
    """Record every request and websocket of ``context`` that leaves 127.0.0.1."""
    def check(url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("data", "blob", "about") and parts.hostname != "127.0.0.1":
            foreign.append(url)

    context.on("request", lambda r: check(r.url))
    context.on("page", lambda p: p.on("websocket", lambda ws: check(ws.url)))




async def wait_sessions(servers: list[Server], timeout: float, target: int = 0
                        ) -> dict[str, tuple[int, float]]:
    """Poll each server's session count until ``target``; its last count and seconds waited."""
    t0 = time.monotonic()
    left = {s.label: s for s in servers}
    out: dict[str, tuple[int, float]] = {}
    while left and time.monotonic() - t0 < timeout:
        for label, s in list(left.items()):
            n = s.sessions()
            if n <= target:
                out[label] = (n, time.monotonic() - t0)
                del left[label]
        await asyncio.sleep(0.5)
    for label, s in left.items():
        out[label] = (s.sessions(), time.monotonic() - t0)
    return out


async def loads(browser, server: Server, k: int, foreign: list[str]) -> dict:
    """One warm-up load, then K sequential fresh-context loads to the form: server CPU, wall
    time; bytes of the first counted load and of a reload in the same context."""
    async def one(measure_net: bool):
        ctx = await browser.new_context(viewport=VIEWPORT)
        watch_hosts(ctx, foreign)
        page = await ctx.new_page()
        net = Net()
        if measure_net:
            await net.attach(ctx, page)
        t0 = time.monotonic()
        await page.goto(server.url, wait_until="commit")
        await page.locator(server.form).wait_for(state="visible", timeout=120_000)
        return ctx, page, net, time.monotonic() - t0

    ctx, *_ = await one(False)  # the first request pays for imports and the compressed bundle
    await ctx.close()
    await asyncio.sleep(1.0)
    walls, cpus = [], []
    first: dict = {}
    for i in range(k):
        c0 = server.cpu()
        ctx, page, net, wall = await one(i == 0)
        await asyncio.sleep(0.3)  # the server's last messages of this load
        cpus.append(server.cpu() - c0)
        walls.append(wall)
        if i == 0:
            await net.settle()
            first = {"bytes": net.bytes, "responses": net.responses, "foreign": len(net.foreign)}
            net.reset()
            await page.reload(wait_until="commit")
            await page.locator(server.form).wait_for(state="visible", timeout=120_000)
            await net.settle()
            first.update(reload_bytes=net.bytes, reload_responses=net.responses,
                         reload_foreign=len(net.foreign))
        await ctx.close()
    return {"cpu": statistics.mean(cpus), "cpu_max": max(cpus), "wall": statistics.median(walls),
            "wall_max": max(walls), **first}


async def open_pages(browser, server: Server, n: int, codes: list[str] | None,
                     foreign: list[str], parallel: int,
                     frames: dict[int, list[float]] | None = None,
                    cdps: dict[int, object] | None = None) -> tuple[list, float]:
    """N contexts on the server's page (ours: joined to a group); their pages, seconds taken.

    With ``frames``: the arrival times (CDP timestamps, the same clock as
    :func:`time.monotonic` on Linux) of the websocket frames each page receives, by page id.
    """
    gate = asyncio.Semaphore(parallel)
    opened: list = []

    async def one(i: int) -> None:
        async with gate:
            ctx = await browser.new_context(viewport=VIEWPORT)
            watch_hosts(ctx, foreign)
            page = await ctx.new_page()
            if frames is not None:  # when each websocket frame from the server arrived
                got: list[float] = []
                frames[id(page)] = got
                cdp = await ctx.new_cdp_session(page)
                cdp.on("Network.webSocketFrameReceived",
                       lambda e, got=got: got.append(float(e["timestamp"])))
                await cdp.send("Network.enable")
                if cdps is not None:
                    cdps[id(page)] = cdp
            await page.goto(server.url, wait_until="commit")
            await page.locator(server.form).wait_for(state="visible", timeout=180_000)
            if codes:
                await page.locator(".cw-code input").fill(codes[i % len(codes)])
                await page.locator("button.cw-join").click()
                await page.locator("button.cw-check").wait_for(state="visible", timeout=120_000)
            opened.append((ctx, page))

    t0 = time.monotonic()
    await asyncio.gather(*(one(i) for i in range(n)))
    return opened, time.monotonic() - t0


def ahead_wait() -> float:
    """How long the pages take, at most, to build the next form ahead after a change."""
    from cityworkshop import participant

    return participant.LOOKAHEAD_SECONDS + participant.LOOKAHEAD_SPREAD + 2.0


async def set_frozen(cdps: dict[int, object], pages: list, frozen: bool) -> None:
    """Freeze (or wake) the renderers of ``pages``: a frozen page stays connected and its
    browser still receives every websocket frame, but it draws nothing, as a phone that draws
    on its own CPU costs this machine nothing."""
    state = "frozen" if frozen else "active"
    await asyncio.gather(*(cdps[id(p)].send("Page.setWebLifecycleState", {"state": state})
                           for _, p in pages))


READY = "button.cw-send:visible, button.cw-ask:visible"  # a form's "Kirim", the board's "Tanya"


async def follow(store: WorkshopStore, server: Server, pages: list, rounds: int,
                 frames: dict[int, list[float]], cdps: dict[int, object],
                 drawn: int) -> dict[str, Any]:
    """The facilitator's "next" once with every page drawn by this browser, then ``rounds``
    times with ``drawn`` pages drawn and the others frozen, then one jump; time from the
    store's change to the new form (its heading and "Kirim") on the drawn pages; the websocket
    frames split it: the server's first and last frame to each of the pages (frozen ones too).
    Between changes every page is awake and builds the next form ahead: its CPU is measured."""
    out: dict[str, Any] = {}
    steps = ([("all", None, len(pages))] + [("next", None, drawn)] * rounds
             + [("jump", JUMP, drawn)])
    c0 = server.cpu()
    await asyncio.sleep(ahead_wait())  # the pages joined just now build the first form ahead
    ahead_cpu = [server.cpu() - c0]
    for how, aid, n_drawn in steps:
        rec = out.setdefault(how, {"visible": [], "first": [], "last": [], "served": [],
                                   "cpu": [], "quiet": [], "kinds": [], "caught_up": []})
        target = aid or store.next_activity()
        assert target is not None, "the program ended before the rounds did"
        activity = store.activity(target)
        title = activity.title.get("id")
        rec["kinds"].append(activity.kind)

        async def seen(page, title: str = title) -> float:
            await page.locator("h2.cw-h:visible", has_text=title).first.wait_for(
                timeout=120_000)
            await page.locator(READY).first.wait_for(timeout=120_000)
            return time.monotonic()

        shown, frozen = pages[:n_drawn], pages[n_drawn:]
        if frozen:
            await set_frozen(cdps, frozen, True)
        quiet_from = time.monotonic()
        await asyncio.sleep(1.0)  # frames while nothing changes (none expected)
        c0, t0 = server.cpu(), time.monotonic()
        rec["quiet"].append(sum(1 for v in frames.values() for x in v if quiet_from <= x < t0))
        if aid is None:
            store.advance()
        else:
            store.open_activity(aid)
        done = await asyncio.gather(*(seen(p) for _, p in shown))
        t_all = max(done)
        rec["cpu"].append(server.cpu() - c0)
        for (_, page), t_seen in zip(shown, done, strict=True):
            rec["visible"].append(t_seen - t0)
            mine = [x for x in frames.get(id(page), []) if t0 <= x <= t_seen]
            if mine:
                rec["first"].append(min(mine) - t0)
                rec["last"].append(max(mine) - t0)
        if frozen:  # the server's part for the frozen pages: its frames, up to the drawn ones
            await asyncio.sleep(0.5)
            for _, page in frozen:
                mine = [x for x in frames.get(id(page), []) if t0 <= x <= t_all]
                if mine:
                    rec["served"].append(max(mine) - t0)
            t1 = time.monotonic()
            await set_frozen(cdps, frozen, False)
            await asyncio.gather(*(seen(p) for _, p in frozen))  # every phone got it
            rec["caught_up"].append(time.monotonic() - t1)
        c1 = server.cpu()
        await asyncio.sleep(ahead_wait())
        ahead_cpu.append(server.cpu() - c1)
    out["ahead_cpu"] = ahead_cpu
    return out


async def submits(pages: list) -> list[float]:
    """On each page in turn: type an answer, then time "Kirim" to "Terkirim"."""
    times: list[float] = []
    for n, (_, page) in enumerate(pages):
        await page.locator(".cw-entry-text-1 textarea:visible").fill(
            f"Kota yang ramah pejalan kaki {n}")
        await asyncio.sleep(0.2)  # the typed value reaches the server, as when a person types
        t0 = time.monotonic()
        await page.locator("button.cw-send:visible").first.click()
        await page.locator("button.cw-edit").wait_for(state="visible", timeout=60_000)
        times.append(time.monotonic() - t0)
    return times


async def reload_all(pages: list, times: int, parallel: int) -> None:
    """Each page reloads ``times`` times and comes back to its seat and form (no typing)."""
    gate = asyncio.Semaphore(parallel)

    async def one(page) -> None:
        for _ in range(times):
            async with gate:
                await page.reload(wait_until="commit")
                await page.locator(READY).first.wait_for(timeout=180_000)

    await asyncio.gather(*(one(p) for _, p in pages))


async def close_all(pages: list) -> None:
    await asyncio.gather(*(ctx.close() for ctx, _ in pages))


async def settle_rss(server: Server, seconds: float = 3.0) -> float:
    await asyncio.sleep(seconds)
    return server.rss()


async def run(args, ours: Server, bare: Server, store: WorkshopStore) -> dict:
    codes = [g.code for g in store.list_groups()]
    store.open_activity(START)  # the room has done the activities before START; "next" goes on
    store.close_activity(START)
    res: dict = {"ours": {}, "bare": {}}
    foreign = {"ours": [], "bare": []}
    res["ours"]["rss_fresh"], res["bare"]["rss_fresh"] = ours.rss(), bare.rss()
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # 2. loads, one server after the other (each alone on the machine)
        for s in (bare, ours):
            print(f"[{s.label}] {args.loads} loads ...", flush=True)
            res[s.label].update(await loads(browser, s, args.loads, foreign[s.label]))
        # the sessions of those loads end after the idle time: then the 0-page level
        print("waiting for the sessions of the loads to be released ...", flush=True)
        waited = await wait_sessions([bare, ours], args.idle_minutes * 60 + 60)
        for s in (bare, ours):
            res[s.label]["released_before"] = waited[s.label]
            res[s.label]["rss0"] = await settle_rss(s, 1.0)
            res[s.label]["threads0"] = s.threads()
        # 1. + 3. ours with N pages joined
        print(f"[ours] opening {args.pages} pages ...", flush=True)
        frames: dict[int, list[float]] = {}
        cdps: dict[int, object] = {}
        c0 = ours.cpu()
        pages, took = await open_pages(browser, ours, args.pages, codes, foreign["ours"],
                                       args.parallel, frames, cdps)
        res["ours"]["open_s"], res["ours"]["open_cpu"] = took, ours.cpu() - c0
        res["ours"]["rssN"] = await settle_rss(ours)
        res["ours"]["threadsN"] = ours.threads()
        res["ours"]["sessionsN"] = ours.sessions()
        print("[ours] facilitator moves the room on ...", flush=True)
        res["ours"]["follow"] = await follow(store, ours, pages, args.rounds, frames, cdps,
                                             min(args.drawn, args.pages))
        print("[ours] submits ...", flush=True)
        res["ours"]["submit"] = await submits(pages)
        res["ours"]["rss_after_use"] = await settle_rss(ours)
        # 4a. every phone reloads its page `reloads` times (a locked phone, a lost signal):
        # the sessions left behind are released after the idle time, memory back to its level
        print(f"[ours] every page reloads {args.reloads} times ...", flush=True)
        await reload_all(pages, args.reloads, args.parallel)
        res["ours"]["reload_sessions"] = ours.sessions()
        waited = await wait_sessions([ours], args.idle_minutes * 60 + 60, target=len(pages))
        res["ours"]["reload_released"] = waited["ours"]
        res["ours"]["rss_reloaded"] = await settle_rss(ours, 2.0)
        for aid in store.open_activities():  # the waiting screen again for the second wave
            store.close_activity(aid)
        await close_all(pages)
        closed = {"ours": time.monotonic()}
        del frames
        # 1. bare with N pages
        print(f"[bare] opening {args.pages} pages ...", flush=True)
        pages, took = await open_pages(browser, bare, args.pages, None, foreign["bare"],
                                       args.parallel)
        res["bare"]["open_s"] = took
        res["bare"]["rssN"] = await settle_rss(bare)
        res["bare"]["threadsN"] = bare.threads()
        res["bare"]["sessionsN"] = bare.sessions()
        await close_all(pages)
        closed["bare"] = time.monotonic()
        # 4. idle release
        print("waiting for the idle release ...", flush=True)
        waited = await wait_sessions([bare, ours], args.idle_minutes * 60 + 60)
        for s in (bare, ours):
            count, _ = waited[s.label]
            res[s.label]["released"] = (count, time.monotonic() - closed[s.label])
            res[s.label]["rss_idle"] = await settle_rss(s, 2.0)
            res[s.label]["threads_idle"] = s.threads()
        # freed inside the process, or kept? A second wave of pages on the released server
        m = args.second_wave
        if m:
            print(f"[ours] second wave of {m} pages ...", flush=True)
            pages, _ = await open_pages(browser, ours, m, codes, foreign["ours"], args.parallel)
            res["ours"]["rss_wave2"] = await settle_rss(ours)
            await close_all(pages)
        await browser.close()
    for s in (bare, ours):
        res[s.label]["foreign"] = len(foreign[s.label])
        res[s.label]["foreign_hosts"] = sorted({urlsplit(u).hostname or u
                                                for u in foreign[s.label]})
    return res


def verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def report(args, r: dict, wall: float) -> str:
    o, b = r["ours"], r["bare"]
    n, m = args.pages, args.second_wave
    o_pp = (o["rssN"] - o["rss0"]) / n
    b_pp = (b["rssN"] - b["rss0"]) / n
    fol, sub = o["follow"]["next"], o["submit"]
    jump, every = o["follow"]["jump"], o["follow"]["all"]
    drawn = min(args.drawn, n)
    rel_n, rel_s = o["reload_released"]
    reload_ok = o["rss_reloaded"] <= o["rss_after_use"] * 1.10 and rel_n <= n
    ahead_cpu = o["follow"]["ahead_cpu"]
    vis = fol["visible"]
    f50, f95, s50, s95 = pct(vis, 50), pct(vis, 95), pct(sub, 50), pct(sub, 95)
    o_back = o["rss_idle"] <= o["rss0"] * 1.10
    b_back = b["rss_idle"] <= b["rss0"] * 1.10
    cpu_change = statistics.mean(fol["cpu"])

    def ratio(x: float, y: float) -> str:
        return f"{x / y:.2f}x" if y > 0 else ""

    def p5095(xs: list[float]) -> str:
        return f"{pct(xs, 50):.2f} / {pct(xs, 95):.2f}" if xs else "not seen"

    rows = [
        "| measure | participant server | bare Solara + 1 IntSlider | ours / bare | target | |",
        "|---|---|---|---|---|---|",
        f"| server RSS, fresh process (MiB) | {o['rss_fresh']:.0f} | {b['rss_fresh']:.0f} | "
        f"{ratio(o['rss_fresh'], b['rss_fresh'])} | | |",
        f"| server RSS, 0 pages after warm-up (MiB) | {o['rss0']:.0f} | {b['rss0']:.0f} | "
        f"{ratio(o['rss0'], b['rss0'])} | | |",
        f"| server RSS, {n} pages open (ours joined) (MiB) | {o['rssN']:.0f} | {b['rssN']:.0f} | "
        f"{ratio(o['rssN'], b['rssN'])} | | |",
        f"| **server memory per connected page (MiB)** | **{o_pp:.2f}** | {b_pp:.2f} | "
        f"{ratio(o_pp, b_pp)} | <= 5 | {verdict(o_pp <= 5)} |",
        f"| server total for {n} pages above 0 pages (MiB) | {o['rssN'] - o['rss0']:.0f} | "
        f"{b['rssN'] - b['rss0']:.0f} | {ratio(o['rssN'] - o['rss0'], b['rssN'] - b['rss0'])} "
        "| | |",
        f"| server RSS, {n} pages after the follow rounds and submits (MiB) | "
        f"{o['rss_after_use']:.0f} ({(o['rss_after_use'] - o['rss0']) / n:.2f} per page) | | | "
        "| |",
        f"| **server CPU per page load, mean of {args.loads} (s)** | **{o['cpu']:.3f}** "
        f"(max {o['cpu_max']:.3f}) | {b['cpu']:.3f} (max {b['cpu_max']:.3f}) | "
        f"{ratio(o['cpu'], b['cpu'])} | <= 0.2 | {verdict(o['cpu'] <= 0.2)} |",
        f"| server CPU per page, {n} pages opened and joined {args.parallel} at a time (s) | "
        f"{o['open_cpu'] / n:.3f} | | | | |",
        f"| request -> form visible, one page alone, median (s) | {o['wall']:.2f} | "
        f"{b['wall']:.2f} | {ratio(o['wall'], b['wall'])} | | |",
        f"| **first load, bytes received (MB)** | **{o['bytes'] / 1e6:.2f}** "
        f"({o['responses']} responses) | {b['bytes'] / 1e6:.2f} ({b['responses']} responses) | "
        f"{ratio(o['bytes'], b['bytes'])} | <= 3 | {verdict(o['bytes'] <= 3e6)} |",
        f"| **reload, bytes received (MB)** | **{o['reload_bytes'] / 1e6:.3f}** "
        f"({o['reload_responses']} responses) | {b['reload_bytes'] / 1e6:.3f} "
        f"({b['reload_responses']} responses) | {ratio(o['reload_bytes'], b['reload_bytes'])} "
        f"| <= 0.3 | {verdict(o['reload_bytes'] <= 0.3e6)} |",
        f"| **requests to a host other than 127.0.0.1 (whole run, every page)** | "
        f"**{o['foreign']}** | {b['foreign']} | | 0 | {verdict(o['foreign'] == 0)} |",
        f"| **the facilitator's `next` -> new form visible on a phone, {n} pages connected, "
        f"{drawn} drawn, p50 / p95 ({len(vis)} = {drawn} pages x {args.rounds} rounds: "
        f"{', '.join(fol['kinds'])}) (s)** | **{f50:.2f} / {f95:.2f}** (max {max(vis):.2f}) "
        f"| | | (the target is a phone's own view: section `phone`) | |",
        "| by kind, p95 (s) | " + ", ".join(
            f"{kind} {pct(fol['visible'][i * drawn:(i + 1) * drawn], 95):.2f}"
            for i, kind in enumerate(fol["kinds"])) + " | | | | |",
        f"| of which: `next` -> the server's first websocket frame to a drawn page, "
        f"p50 / p95 (s) | {p5095(fol['first'])} | | | | |",
        f"| of which: `next` -> the last frame before the form showed, p50 / p95 (s) | "
        f"{p5095(fol['last'])} | | | | |",
        f"| `next` -> the server's last frame to each of the {n - drawn} frozen pages, "
        f"p50 / p95 (s) | {p5095(fol['served'])} | | | | |",
        f"| the frozen pages woken: all showing the form after (s, mean) | "
        f"{statistics.mean(fol['caught_up']):.2f} | | | | |" if fol["caught_up"] else "",
        f"| `next` with all {n} pages drawn by this one browser on the server's "
        f"{os.cpu_count()} cores ({', '.join(every['kinds'])}), p50 / p95 (s) | "
        f"{p5095(every['visible'])} (max {max(every['visible']):.2f}) | | | | |",
        f"| server CPU per `next`, all {n} pages (s) | {cpu_change:.2f} "
        f"({cpu_change / n * 1000:.0f} ms per page) | | | | |",
        f"| server CPU building the next form ahead, hidden, after each change, all {n} pages "
        f"(s) | {statistics.mean(ahead_cpu):.2f} ({statistics.mean(ahead_cpu) / n * 1000:.0f} "
        f"ms per page, spread over {ahead_wait() - 2:.0f} s) | | | | |",
        f"| a jump to an activity that is not the next ({JUMP}: form built on the spot) -> "
        f"visible on every page, p50 / p95 (s) | {p5095(jump['visible'])} (max "
        f"{max(jump['visible']):.2f}; server CPU {statistics.mean(jump['cpu']):.2f}) | | | | |",
        f"| server RSS, {n} pages connected after use (MiB) / after every page reloaded "
        f"{args.reloads} times ({o['reload_sessions']} sessions) and the idle time "
        f"({rel_n} sessions left after {rel_s:.0f} s) (MiB) | **{o['rss_after_use']:.0f} / "
        f"{o['rss_reloaded']:.0f}** ({o['rss_reloaded'] / o['rss_after_use'] - 1:+.0%}) | | | "
        f"within 10% | {verdict(reload_ok)} |",
        f"| **\"Kirim\" -> \"Terkirim\", each page in turn, {n} pages open, p50 / p95 (s)** | "
        f"**{s50:.2f} / {s95:.2f}** (max {max(sub):.2f}) | | | (the target is a phone's own "
        "view: section `phone`) | |",
        f"| every page closed: server RSS {o['released'][1]:.0f} s / {b['released'][1]:.0f} s "
        f"after the last one (MiB) | {o['rss_idle']:.0f} "
        f"({o['rss_idle'] / o['rss0'] - 1:+.0%} of 0 pages) | "
        f"{b['rss_idle']:.0f} ({b['rss_idle'] / b['rss0'] - 1:+.0%}) | | (information: the "
        f"target is the reload row; what stays is the forms' modules, imported once, and "
        f"memory the allocator keeps for the next pages) | ours {'back' if o_back else 'kept'}, "
        f"bare {'back' if b_back else 'kept'} |",
        f"| sessions left after the idle time: ours open page sessions, bare virtual kernels | "
        f"{o['released'][0]} (of {o['sessionsN']}) | {b['released'][0]} (of {b['sessionsN']}) "
        "| | 0 | " + verdict(o["released"][0] == 0 and b["released"][0] == 0) + " |",
    ]
    if m:
        grow = o["rss_wave2"] - o["rss_idle"]
        rows.append(
            f"| then {m} new pages joined on the released server: RSS growth (MiB) | "
            f"{grow:+.1f} ({grow / m:+.2f} per page; first time {o_pp:.2f}) | | | | |")
    rows.append(
        f"| server threads: 0 pages / {n} pages / after idle | {o['threads0']} / "
        f"{o['threadsN']} / {o['threads_idle']} | {b['threads0']} / {b['threadsN']} / "
        f"{b['threads_idle']} | | | |")
    hosts = o["foreign_hosts"] + b["foreign_hosts"]
    quiet = sum(fol["quiet"]) + sum(jump["quiet"])
    text = [
        f"{machine()}; one headless Chromium 390x844, one context per phone; {n} pages, "
        f"{args.loads} timed loads, {args.rounds} times `next` after {START}, then a jump to "
        f"{JUMP}; idle time {args.idle_minutes:g} min; whole run {wall:.0f} s.",
        "",
        f"Command: `{command()}`",
        "",
        "Both servers run `cityworkshop.participant.server`'s `configure` + `build_app` under "
        "uvicorn (ours through `start_participant_server`, the bare one with `SOLARA_APP` set "
        "to a one-slider script, plus a bench-only route counting its virtual kernels). RSS is "
        "the server process and its children. \"0 pages\" is taken after one warm-up load and "
        f"{args.loads} timed loads whose sessions were then released by the idle time "
        f"(ours after {o['released_before'][1]:.0f} s, bare {b['released_before'][1]:.0f} s): "
        "the per-page figure is the growth from there to all pages open, divided by the pages. "
        "CPU per load is the server's CPU time from `goto` to the form visible + 0.3 s, "
        "one fresh context at a time (empty cache); bytes are CDP `Network.loadingFinished` "
        "encodedDataLength of that page (websocket frames not included), the reload in the "
        "same context. Follow and submit times are measured in the browser that also renders "
        f"all {n} pages on the same {os.cpu_count()} cores as the server (it took "
        f"{o['open_s']:.0f} s to open and join the {n} pages, {args.parallel} at a time); on "
        "real phones the rendering is spread over the phones. The websocket frame times "
        "(CDP `Network.webSocketFrameReceived`, same clock) split a follow time into the "
        "server's part (the change watcher, every 0.1 s, and showing the form) and the "
        "browser's; "
        f"{quiet} frames arrived in the quiet second before each change.",
        "",
        *[r for r in rows if r],
        "",
        f"Hosts other than 127.0.0.1: {', '.join(hosts) if hosts else 'none'}. Sessions: ours "
        "counts the open participant page sessions (`--count-route`), the bare one Solara's "
        "virtual kernels; the threads are one per connected page (Solara runs each page's "
        "websocket in a worker thread) and stay as idle workers after the pages go, so they "
        "are no count of kernels.",
    ]
    return "\n".join(text)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=40, help="connected pages (phones)")
    ap.add_argument("--loads", type=int, default=5, help="timed sequential page loads")
    ap.add_argument("--rounds", type=int, default=4, help="activity openings to time")
    ap.add_argument("--reloads", type=int, default=5, help="reloads of every page")
    ap.add_argument("--drawn", type=int, default=5,
                    help="pages drawn (timed) at each change; the others are frozen meanwhile")
    ap.add_argument("--parallel", type=int, default=4, help="pages opened at the same time")
    ap.add_argument("--second-wave", type=int, default=None,
                    help="pages opened again on the released server (default: half of --pages; "
                         "0: none)")
    ap.add_argument("--idle-minutes", type=float, default=0.5,
                    help="the servers' idle time before a closed page's session is freed")
    ap.add_argument("--no-write", action="store_true", help="print only, leave BENCHMARKS.md")
    args = ap.parse_args()
    if args.second_wave is None:
        args.second_wave = max(1, args.pages // 2)

    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="cw-bench-room-"))
    db = tmp / "w.db"
    store = WorkshopStore.create(db, groups=5, seed=1)
    app = tmp / "bare" / "app.py"
    app.parent.mkdir()
    app.write_text(BARE_APP)
    workdir = tmp / "run"  # an empty working folder (Solara reads a .env found there)
    workdir.mkdir()

    server = start_participant_server(db, host="127.0.0.1", port=free_port(), lang="id",
                                      idle_minutes=args.idle_minutes, count_route=True)
    bare_port = free_port()
    with open(tmp / "bare.log", "ab") as bare_log:  # the child keeps its own copy of the file
        bare_proc = subprocess.Popen(
            [sys.executable, "-W", "ignore", "-c", BARE_RUNNER, str(db), str(app),
             str(bare_port), f"{args.idle_minutes:g}"],
            cwd=workdir, env=dict(os.environ, PYTHONUNBUFFERED="1"), stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=bare_log, **child_options())
    try:
        server.wait_ready(60)
        wait_port(bare_port, bare_proc)
        ours = Server("ours", server.pid, server.url, OURS_FORM, "_cityworkshop/pages",
                      "open page sessions", server.stop)
        bare = Server("bare", bare_proc.pid, f"http://127.0.0.1:{bare_port}/", BARE_FORM,
                      "_bench/kernels", "virtual kernels", lambda: stop_process(bare_proc))
        res = asyncio.run(run(args, ours, bare, store))
    finally:
        server.stop()
        stop_process(bare_proc)
        store.close()
    text = report(args, res, time.monotonic() - started)
    print(text)
    if not args.no_write:
        write_section("room", "## Participant server at room scale (Solara, one process)\n\n"
                      + text)


if __name__ == "__main__":
    main()
