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
   visible on every page, p50/p95 over pages and rounds (target p95 <= 1 s), and "Kirim" to
   "Terkirim" on each page in turn (target p95 <= 0.3 s);
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
from urllib.parse import urlsplit

import psutil
from playwright.async_api import async_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import command, machine, write_section  # noqa: E402

from cityworkshop.serve import child_options, start_participant_server, stop_process  # noqa: E402
from cityworkshop.store import WorkshopStore  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 390, "height": 844}
ACTIVITIES = ("branding-definition", "reflection")  # two text forms, participant scope
OURS_FORM, BARE_FORM = ".cw-code input", ".widget-slider"
MiB = 2**20

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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


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


class Server:
    """One server under test: its pid, URL, form selector and session counter."""

    def __init__(self, label: str, pid: int, url: str, form: str, count_path: str,
                 count_label: str, stop):
        self.label, self.pid, self.url, self.form = label, pid, url, form
        self.count_path, self.count_label, self._stop = count_path, count_label, stop

    def procs(self) -> list[psutil.Process]:
        p = psutil.Process(self.pid)
        return [p, *p.children(recursive=True)]

    def rss(self) -> float:
        total = 0
        for p in self.procs():
            try:
                total += p.memory_info().rss
            except psutil.NoSuchProcess:
                pass
        return total / MiB

    def cpu(self) -> float:
        total = 0.0
        for p in self.procs():
            try:
                t = p.cpu_times()
                total += t.user + t.system + t.children_user + t.children_system
            except psutil.NoSuchProcess:
                pass
        return total

    def threads(self) -> int:
        return sum(p.num_threads() for p in self.procs())

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


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) of values, by linear interpolation."""
    xs = sorted(values)
    if len(xs) == 1:
        return xs[0]
    pos = (len(xs) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


async def wait_sessions(servers: list[Server], timeout: float) -> dict[str, tuple[int, float]]:
    """Poll each server's session count until 0; its last count and seconds waited."""
    t0 = time.monotonic()
    left = {s.label: s for s in servers}
    out: dict[str, tuple[int, float]] = {}
    while left and time.monotonic() - t0 < timeout:
        for label, s in list(left.items()):
            n = s.sessions()
            if n == 0:
                out[label] = (0, time.monotonic() - t0)
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
                     frames: dict[int, list[float]] | None = None) -> tuple[list, float]:
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


async def follow(store: WorkshopStore, server: Server, pages: list, rounds: int,
                 frames: dict[int, list[float]]) -> dict[str, list[float]]:
    """Open the two activities in turn; time from open_activity to the form on every page,
    split by the websocket frames: the server's first and last frame before the form shows."""
    out: dict[str, list[float]] = {"visible": [], "first": [], "last": [], "cpu": [],
                                   "quiet": []}
    for r in range(rounds):
        aid = ACTIVITIES[r % 2]
        title = store.activity(aid).title.get("id")

        async def seen(page, t0: float) -> float:
            await page.locator("h2.cw-h", has_text=title).first.wait_for(state="visible",
                                                                         timeout=60_000)
            await page.locator(".cw-entry-text-1 textarea").wait_for(state="visible",
                                                                     timeout=60_000)
            return time.monotonic()

        quiet_from = time.monotonic()
        await asyncio.sleep(1.0)  # frames while nothing changes (none expected)
        c0, t0 = server.cpu(), time.monotonic()
        out["quiet"].append(sum(1 for v in frames.values() for x in v if quiet_from <= x < t0))
        store.open_activity(aid)
        done = await asyncio.gather(*(seen(p, t0) for _, p in pages))
        out["cpu"].append(server.cpu() - c0)
        for (_, page), t_seen in zip(pages, done):
            out["visible"].append(t_seen - t0)
            mine = [x for x in frames.get(id(page), []) if t0 <= x <= t_seen]
            if mine:
                out["first"].append(min(mine) - t0)
                out["last"].append(max(mine) - t0)
        await asyncio.sleep(0.5)
    return out


async def submits(pages: list) -> list[float]:
    """On each page in turn: type an answer, then time "Kirim" to "Terkirim"."""
    times: list[float] = []
    for n, (_, page) in enumerate(pages):
        await page.locator(".cw-entry-text-1 textarea").fill(f"Kota yang ramah pejalan kaki {n}")
        await asyncio.sleep(0.2)  # the typed value reaches the server, as when a person types
        t0 = time.monotonic()
        await page.locator("button.cw-send").first.click()
        await page.locator("button.cw-edit").wait_for(state="visible", timeout=60_000)
        times.append(time.monotonic() - t0)
    return times


async def close_all(pages: list) -> None:
    await asyncio.gather(*(ctx.close() for ctx, _ in pages))


async def settle_rss(server: Server, seconds: float = 3.0) -> float:
    await asyncio.sleep(seconds)
    return server.rss()


async def run(args, ours: Server, bare: Server, store: WorkshopStore) -> dict:
    codes = [g.code for g in store.list_groups()]
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
        c0 = ours.cpu()
        pages, took = await open_pages(browser, ours, args.pages, codes, foreign["ours"],
                                       args.parallel, frames)
        res["ours"]["open_s"], res["ours"]["open_cpu"] = took, ours.cpu() - c0
        res["ours"]["rssN"] = await settle_rss(ours)
        res["ours"]["threadsN"] = ours.threads()
        res["ours"]["sessionsN"] = ours.sessions()
        print("[ours] facilitator opens activities ...", flush=True)
        res["ours"]["follow"] = await follow(store, ours, pages, args.rounds, frames)
        print("[ours] submits ...", flush=True)
        res["ours"]["submit"] = await submits(pages)
        res["ours"]["rss_after_use"] = ours.rss()
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
    fol, sub = o["follow"], o["submit"]
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
        f"| **open_activity -> new form visible on every page, p50 / p95 ({len(vis)} = {n} "
        f"pages x {args.rounds} rounds) (s)** | **{f50:.2f} / {f95:.2f}** (max {max(vis):.2f}) "
        f"| | | p95 <= 1 | {verdict(f95 <= 1)} |",
        f"| of which: open_activity -> the server's first websocket frame to the page, "
        f"p50 / p95 (s) | {p5095(fol['first'])} | | | | |",
        f"| of which: open_activity -> the last frame before the form showed, p50 / p95 (s) | "
        f"{p5095(fol['last'])} | | | | |",
        f"| server CPU per activity change, all {n} pages (s) | {cpu_change:.2f} "
        f"({cpu_change / n * 1000:.0f} ms per page) | | | | |",
        f"| **\"Kirim\" -> \"Terkirim\", each page in turn, {n} pages open, p50 / p95 (s)** | "
        f"**{s50:.2f} / {s95:.2f}** (max {max(sub):.2f}) | | | p95 <= 0.3 | "
        f"{verdict(s95 <= 0.3)} |",
        f"| server RSS {o['released'][1]:.0f} s / {b['released'][1]:.0f} s after the last page "
        f"closed (MiB) | {o['rss_idle']:.0f} ({o['rss_idle'] / o['rss0'] - 1:+.0%} of 0 pages) | "
        f"{b['rss_idle']:.0f} ({b['rss_idle'] / b['rss0'] - 1:+.0%}) | | within 10% of 0 pages | "
        f"ours {verdict(o_back)}, bare {verdict(b_back)} |",
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
    quiet = sum(fol["quiet"])
    text = [
        f"{machine()}; one headless Chromium 390x844, one context per phone; {n} pages, "
        f"{args.loads} timed loads, {args.rounds} rounds alternating {ACTIVITIES[0]} / "
        f"{ACTIVITIES[1]}; idle time {args.idle_minutes:g} min; whole run {wall:.0f} s.",
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
        "server's part (its page poll, every 1 s, and building the form) and the browser's; "
        f"{quiet} frames arrived in the quiet second before each change.",
        "",
        *rows,
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
    bare_proc = subprocess.Popen(
        [sys.executable, "-W", "ignore", "-c", BARE_RUNNER, str(db), str(app), str(bare_port),
         f"{args.idle_minutes:g}"],
        cwd=workdir, env=dict(os.environ, PYTHONUNBUFFERED="1"), stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=open(tmp / "bare.log", "ab"), **child_options())
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
