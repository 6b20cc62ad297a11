"""One phone among forty: what a participant's phone shows, with the room connected.

``bench_room.py`` opens all 40 pages in one Chromium on the server's 2 cores, so its follow and
submit times include this machine drawing every page. In the room, each phone draws on its own
CPU. Here one real page (``--phones``; Debian's Chromium, 390x844 at 2x, touch, the CPU slowed
4x with CDP ``Emulation.setCPUThrottlingRate``, the slowdown Lighthouse uses for a mid-range
phone) shares the server with ``--clients`` - ``--phones`` protocol-level phones
(``bench_protocol.Client``: the page's own websocket messages, joined, following, answering,
echoing the settle probe; they draw nothing). Baseline, same run, fresh server and database:
the same real phone with nobody else connected ("alone"): the ratio is what the room costs.

One real phone, not five: Chromium slows a page by stopping its main thread for a share of the
wall-clock time, so on 2 shared cores each further slowed page also slows the others (measured
here: "Kirim" -> "Terkirim" p50 0.23 s with one slowed page open, 0.91 s with five, the same
code), which no room of phones does.

Measured on the real phone, stamped in the page (a ``MutationObserver`` and the animation frame
after the DOM change that shows it, page clock ``performance.timeOrigin + performance.now()``
against this process's ``time.time()``; a click is stamped by a listener in the page):

1. first load on a fresh context: ``goto`` to the join form's field painted;
2. the facilitator's ``next`` (``store.advance()``, as the control panel does) from
   presentation-feedback, closed, through five kinds (text, scale, matrix, plan, questions
   board), ``--repeats`` times, each after the room had its minute to build the next form
   ahead, as between two activities of a real day: to the new heading and its "Kirim" /
   "Tanya" painted (target p95 <= 1 s); split by the server's first websocket frame to that
   page (CDP ``Network.webSocketFrameReceived``);
3. a jump to an activity that is not the next (``closing-comments``, its form built on the spot on
   every page at once);
4. "Kirim" -> "Terkirim" on ``closing-comments``, ``--submits`` times ("Ubah", new text, "Kirim"),
   while the protocol phones send their answers in the same ``--think`` seconds (target p95
   <= 0.3 s); then every answer's text is looked up in the store (0 lost).

    .venv/bin/python bench/bench_phone.py [--clients 40] [--phones 1] [--repeats 2]
                                          [--baseline-repeats 1] [--submits 10] [--think 10]
                                          [--throttle 4] [--no-write]

About 20 minutes (each ``next`` waits the pages' look-ahead, about a minute). The server listens
on 127.0.0.1 and is stopped by its process id; never run during CI or another benchmark.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from playwright.async_api import async_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import command, machine, pct, write_section  # noqa: E402
from bench_protocol import Client, Server, ahead_wait, settle_rss  # noqa: E402

from cityworkshop.store import WorkshopStore  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True}
START = "presentation-feedback"  # opened and closed first: "next" goes on from here
# participant scope, text; not the next one (after leader-questions, reflection is, and every
# page has built it ahead): its form is built on the spot; the submits are timed on it
JUMP = "closing-comments"
GROUP_SIZE = 6
ROUNDS = 5  # text, scale, matrix, plan, questions board: the day's order after START

# Stamps in the page: what to wait for is armed from here; the observer records the first DOM
# change that shows it and the animation frame after it (when the phone paints it).
STAMP = r"""() => {
  if (window.__bench) return;
  const now = () => performance.timeOrigin + performance.now();
  const shown = el => !!el && el.offsetParent !== null && el.getClientRects().length > 0;
  window.__bench = {want: null, hit: null, click: null};
  const checks = {
    form: w => [...document.querySelectorAll('h2.cw-h')].some(
                 h => shown(h) && (h.textContent || '').includes(w.title))
               && [...document.querySelectorAll('button.cw-send, button.cw-ask')].some(shown),
    sent: w => shown(document.querySelector('button.cw-edit')),
    join: w => shown(document.querySelector('.cw-code input')),
  };
  const look = () => {
    const b = window.__bench, w = b.want;
    if (!w || b.hit || !checks[w.what](w)) return;
    const hit = {dom: now(), frame: null};
    b.hit = hit;
    requestAnimationFrame(() => { hit.frame = now(); });
  };
  window.__bench.look = look;
  const start = () => new MutationObserver(look).observe(document.documentElement,
      {subtree: true, childList: true, characterData: true, attributes: true,
       attributeFilter: ['class', 'style']});
  if (document.documentElement) start(); else document.addEventListener('DOMContentLoaded', start);
  document.addEventListener('click', e => {
    if (e.target.closest && e.target.closest('button.cw-send')) window.__bench.click = now();
  }, true);
}"""
ARM = "(w) => { window.__bench.hit = null; window.__bench.click = null; " \
      "window.__bench.want = w; window.__bench.look(); }"
DONE = "() => !!(window.__bench && window.__bench.hit && window.__bench.hit.frame)"


class Phone:
    """One real page with a slowed CPU: its context, page, CDP session and frame times."""

    def __init__(self, i: int, code: str):
        self.i, self.code = i, code
        self.name = f"Telepon {i:02d}"
        self.frames: list[float] = []  # time.monotonic() clock (CDP's on Linux)
        self.texts: list[str] = []
        self.page: Any = None
        self.ctx: Any = None

    async def open(self, browser: Any, url: str, throttle: float) -> float:
        """Open and join; seconds from ``goto`` to the join field painted (page clock)."""
        self.ctx = await browser.new_context(**PHONE)
        await self.ctx.add_init_script(f"({STAMP})()")
        self.page = await self.ctx.new_page()
        cdp = await self.ctx.new_cdp_session(self.page)
        cdp.on("Network.webSocketFrameReceived",
               lambda e: self.frames.append(float(e["timestamp"])))
        await cdp.send("Network.enable")
        if throttle > 1:
            await cdp.send("Emulation.setCPUThrottlingRate", {"rate": throttle})
        t0 = time.time() * 1000
        await self.page.goto(url, wait_until="commit")
        await self.page.wait_for_function("() => !!window.__bench", timeout=60_000)
        await self.page.evaluate(ARM, {"what": "join"})
        await self.page.wait_for_function(DONE, timeout=180_000, polling=100)
        took = (await self.page.evaluate("window.__bench.hit.frame") - t0) / 1000
        await self.page.locator(".cw-code input").fill(self.code)
        await self.page.locator(".cw-name input").fill(self.name)
        await self.page.locator("button.cw-join").click()
        await self.page.locator("button.cw-check").wait_for(state="visible", timeout=120_000)
        return took

    async def arm(self, what: str, title: str = "") -> None:
        await self.page.evaluate(ARM, {"what": what, "title": title})

    async def hit(self, timeout: float = 120.0) -> float:
        """The armed state's animation frame, epoch ms (page clock)."""
        await self.page.wait_for_function(DONE, timeout=timeout * 1000, polling=100)
        return float(await self.page.evaluate("window.__bench.hit.frame"))

    async def submit(self, k: int) -> float:
        """Type an answer, press "Kirim": seconds from the click to "Terkirim" painted."""
        page = self.page
        if k:  # "Ubah" first: the form again
            await page.locator("button.cw-edit").click()
        box = page.locator(".cw-entry-text-1 textarea:visible")
        await box.wait_for(timeout=60_000)
        text = f"Jawaban {self.name} ke-{k + 1} {uuid.uuid4().hex[:8]}"
        await box.fill(text)
        await asyncio.sleep(0.3 + random.random())  # reads it over, then presses "Kirim"
        await self.arm("sent")
        await page.locator("button.cw-send:visible").first.click()
        frame = await self.hit(60)
        clicked = await page.evaluate("window.__bench.click")
        self.texts.append(text)
        return (frame - clicked) / 1000

    async def close(self) -> None:
        if self.ctx is not None:
            await self.ctx.close()


async def room(browser: Any, label: str, n_clients: int, repeats: int,
               args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    """``args.phones`` real phones and ``n_clients`` protocol phones on a fresh server."""
    total = args.phones + n_clients
    groups = max(1, min(50, math.ceil(total / GROUP_SIZE)))
    db = tmp / f"{label}.db"
    store = WorkshopStore.create(db, groups=groups, seed=1)
    store.open_activity(START)
    store.close_activity(START)
    codes = [g.code for g in store.list_groups()]
    server = Server(db, 5.0, tmp / f"{label}.log")
    res: dict[str, Any] = {"label": label, "clients": n_clients, "groups": groups,
                           "errors": [], "follow": [], "first": [], "kinds": [],
                           "jump": [], "submit": [], "load": []}
    clients = [Client(1000 + i, server.url, codes[(i + args.phones) % len(codes)], 120.0)
               for i in range(n_clients)]
    phones = [Phone(i, codes[i % len(codes)]) for i in range(args.phones)]
    try:
        server.proc.wait_ready(60)
        await asyncio.sleep(1.0)
        res["rss_fresh"] = server.rss()
        for k in range(0, n_clients, 20):  # the protocol phones, 20 at a time
            got = await asyncio.gather(*(c.open_and_join() for c in clients[k:k + 20]),
                                       return_exceptions=True)
            res["errors"] += [f"client join: {e}" for e in got if isinstance(e, BaseException)]
        for p in phones:  # the real phones one after the other: each first load on its own
            res["load"].append(await p.open(browser, server.url, args.throttle))
        print(f"[{label}] {len(phones)} phones + {n_clients} clients joined", flush=True)
        steps = [("next", None)] * ROUNDS
        for r in range(repeats):
            if r:  # back to START, closed: the four kinds again, built ahead again
                store.open_activity(START)
                store.close_activity(START)
            await asyncio.sleep(args.ahead)
            for how, _ in steps:
                target = store.next_activity()
                assert target is not None
                activity = store.activity(target)
                res["kinds"].append(activity.kind)
                await asyncio.gather(*(p.arm("form", activity.title.get("id")) for p in phones))
                await asyncio.sleep(1.0)
                c0, t0, m0 = server.cpu(), time.time() * 1000, time.monotonic()
                store.advance()
                seen = await asyncio.gather(*(p.hit() for p in phones))
                res.setdefault("cpu", []).append(server.cpu() - c0)
                for p, frame in zip(phones, seen, strict=True):
                    res["follow"].append((frame - t0) / 1000)
                    mine = [x for x in p.frames if x >= m0]
                    if mine:
                        res["first"].append(min(mine) - m0)
                print(f"[{label}] {how} {activity.kind}: "
                      f"{max((f - t0) / 1000 for f in seen):.2f} s", flush=True)
                await asyncio.sleep(args.ahead)
        # the jump: a form nobody built ahead
        jump = store.activity(JUMP)
        await asyncio.gather(*(p.arm("form", jump.title.get("id")) for p in phones))
        await asyncio.sleep(1.0)
        c0, t0 = server.cpu(), time.time() * 1000
        store.open_activity(JUMP)
        seen = await asyncio.gather(*(p.hit() for p in phones))
        res["jump"] = [(f - t0) / 1000 for f in seen]
        res["jump_cpu"] = server.cpu() - c0
        # the submits: everybody answers within the same ``think`` seconds
        opened = time.monotonic()

        async def client_answers(c: Client) -> None:
            try:
                await c.answer_activity(opened, args.think)
            except Exception as e:  # noqa: BLE001 - a failed client is a result
                res["errors"].append(f"client {c.i} answer: {e}")

        async def phone_answers(p: Phone) -> None:
            for k in range(args.submits):
                await asyncio.sleep(random.random() * args.think / args.submits)
                res["submit"].append(await p.submit(k))

        c0 = server.cpu()
        await asyncio.gather(*(client_answers(c) for c in clients),
                             *(phone_answers(p) for p in phones))
        res["answer_cpu"] = server.cpu() - c0
        res["client_submit"] = [c.t["submit"] for c in clients if "submit" in c.t]
        res["rss_end"] = await settle_rss(server, 2.0)
        stored = {r["value_text"] for r in store.answer_rows(JUMP) if r.get("value_text")}
        # a phone's last text is its answer; the earlier ones were replaced by "Ubah"
        history = {r["value_text"] for r in store.answer_rows(JUMP, history=True)
                   if r.get("value_text")}
        res["lost"] = (sum(1 for p in phones if p.texts and p.texts[-1] not in stored)
                       + sum(1 for c in clients if c.answer not in stored))
        res["lost_history"] = sum(1 for p in phones for t in p.texts if t not in history)
        res["answers"] = len(phones) + len(clients)
        res["log_problems"] = server.log_problems()
    finally:
        await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)
        await asyncio.gather(*(p.close() for p in phones), return_exceptions=True)
        server.stop()
        store.close()
    return res


def p5095(xs: list[float]) -> str:
    if not xs:
        return "none"
    return f"{pct(xs, 50):.2f} / {pct(xs, 95):.2f} (max {max(xs):.2f})"


def verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def report(args: argparse.Namespace, alone: dict[str, Any], full: dict[str, Any],
           wall: float) -> str:
    def ratio(key: str, q: float = 95) -> str:
        a, b = pct(full[key], q), pct(alone[key], q)
        return f"{a / b:.2f}x" if b else ""

    n = args.phones + full["clients"]
    kinds = full["kinds"][:ROUNDS]
    per_kind = []
    for i, kind in enumerate(kinds):
        xs = [x for r in range(args.repeats) for x in
              full["follow"][(r * ROUNDS + i) * args.phones:(r * ROUNDS + i + 1) * args.phones]]
        per_kind.append(f"{kind} {max(xs):.2f}")
    follow_ok = pct(full["follow"], 95) <= 1.0
    submit_ok = pct(full["submit"], 95) <= 0.3
    rows = [
        f"| measure | {args.phones} real alone | {args.phones} real + {full['clients']} "
        f"protocol phones ({n} connected) | room / alone | target | |",
        "|---|---|---|---|---|---|",
        f"| first load, `goto` -> join form painted, empty cache, p50 / max (s) | "
        f"{pct(alone['load'], 50):.2f} / {max(alone['load']):.2f} | "
        f"{pct(full['load'], 50):.2f} / {max(full['load']):.2f} | {ratio('load', 50)} | | |",
        f"| **the facilitator's `next` -> new form painted on the phone, p50 / p95 "
        f"({len(full['follow'])} = {args.phones} x {ROUNDS * args.repeats} changes; alone "
        f"{len(alone['follow'])}) (s)** | "
        f"{p5095(alone['follow'])} | **{p5095(full['follow'])}** | {ratio('follow')} | "
        f"p95 <= 1 | {verdict(follow_ok)} |",
        f"| by kind, slowest, {n} connected (s) | | {', '.join(per_kind)} | | | |",
        f"| of which: `next` -> the server's first websocket frame to the phone, p50 / p95 (s) | "
        f"{p5095(alone['first'])} | {p5095(full['first'])} | {ratio('first')} | | |",
        f"| server CPU per `next`, every page (s) | {statistics.mean(alone['cpu']):.2f} | "
        f"{statistics.mean(full['cpu']):.2f} | | | |",
        f"| a jump to `{JUMP}` (form built on the spot on every page) -> painted, p50 / p95 (s) | "
        f"{p5095(alone['jump'])} (server CPU {alone['jump_cpu']:.2f}) | "
        f"{p5095(full['jump'])} (server CPU {full['jump_cpu']:.2f}) | {ratio('jump')} | | |",
        f"| **\"Kirim\" -> \"Terkirim\" painted on the phone, p50 / p95 ({len(full['submit'])} "
        f"= {args.phones} x {args.submits}, while every other phone sends its answer in "
        f"the same {args.think:g} s) (s)** | {p5095(alone['submit'])} | "
        f"**{p5095(full['submit'])}** | {ratio('submit')} | p95 <= 0.3 | {verdict(submit_ok)} |",
        f"| the protocol phones' \"Kirim\" -> \"Terkirim\" on the wire, p50 / p95 (s) | | "
        f"{p5095(full['client_submit'])} | | | |",
        f"| **answers lost (latest text of each phone not in the store)** | "
        f"{alone['lost']} of {alone['answers']} | **{full['lost']}** of {full['answers']} | | 0 | "
        f"{verdict(alone['lost'] == 0 and full['lost'] == 0)} |",
        f"| texts the real phone(s) sent that are not in the store's history (every \"Kirim\") | "
        f"{alone['lost_history']} of {args.phones * args.submits} | {full['lost_history']} of "
        f"{args.phones * args.submits} | | 0 | "
        f"{verdict(alone['lost_history'] == 0 and full['lost_history'] == 0)} |",
        f"| server RSS, fresh / at the end (MiB) | {alone['rss_fresh']:.0f} / "
        f"{alone['rss_end']:.0f} | {full['rss_fresh']:.0f} / {full['rss_end']:.0f} | | | |",
    ]
    errors = alone["errors"] + full["errors"]
    problems = alone["log_problems"] + full["log_problems"]
    text = [
        f"{machine()}; whole run {wall:.0f} s; CPU of each real phone slowed {args.throttle:g}x.",
        "",
        f"Command: `{command()}`",
        "",
        (f"{args.phones} real page(s) (Debian's Chromium, one context each, 390x844 at 2x, "
         f"touch, CPU slowed {args.throttle:g}x by CDP `Emulation.setCPUThrottlingRate`, as "
         "Lighthouse slows a mid-range phone; one, because Chromium slows a page by stopping it "
         "for a share of the wall-clock time, so on 2 shared cores slowed pages slow each other "
         "down) on the participant server with "
         f"{full['clients']} protocol-level phones (`bench_protocol.Client`, joined, following, "
         "answering; they draw nothing, as phones that draw on their own CPU cost this machine "
         "nothing). Baseline in the same run, on a fresh server and database: the same real "
         "phones alone. Times are stamped in the page: a `MutationObserver` and the animation "
         "frame after the DOM change that shows the state (page clock, epoch ms, against this "
         "process's `time.time()`); a click by a listener in the page. Each `next` "
         f"(from {START}, closed: text, scale, matrix, plan, questions board) comes after "
         "the pages had their minute to build the next form ahead, as between two activities "
         "of the day. "
         "The browser, this script and the server share the 2 cores; the websocket runs over "
         "127.0.0.1 (no radio: a venue router adds its own few milliseconds)."),
        "",
        *rows,
        "",
        (f"Client errors: {len(errors)}; first: " + "; ".join(errors[:3])) if errors
        else "No client error.",
        (f"Server log lines naming an error: {len(problems)}; first: `{problems[0][:200]}`")
        if problems else "No error in the server's log.",
    ]
    return "\n".join(text)


async def main_async(args: argparse.Namespace, tmp: Path) -> tuple[dict, dict]:
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            alone = await room(browser, "alone", 0, args.baseline_repeats, args, tmp)
            full = await room(browser, "room", args.clients - args.phones, args.repeats, args, tmp)
        finally:
            await browser.close()
    return alone, full


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=40, help="phones connected in all")
    ap.add_argument("--phones", type=int, default=1,
                    help="of which real, timed pages (more than one disturb each other: the "
                         "slowdown is in wall time, see the module's text)")
    ap.add_argument("--repeats", type=int, default=2, help="times through the five kinds")
    ap.add_argument("--baseline-repeats", type=int, default=1,
                    help="times through the five kinds with the real phones alone")
    ap.add_argument("--submits", type=int, default=10, help="'Kirim' per real phone")
    ap.add_argument("--think", type=float, default=10.0,
                    help="seconds in which the room sends its answers")
    ap.add_argument("--throttle", type=float, default=4.0, help="CPU slowdown of a real phone")
    ap.add_argument("--ahead", type=float, default=ahead_wait(),
                    help="seconds given to the pages to build the next form ahead after each "
                         "change (default: the page's look-ahead time and spread, + 2 s; "
                         "shorter only to try the script: the forms are then built on the spot)")
    ap.add_argument("--no-write", action="store_true", help="print only, leave BENCHMARKS.md")
    args = ap.parse_args()
    if not 1 <= args.phones <= args.clients:
        ap.error("--phones must be between 1 and --clients")
    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="cw-bench-phone-"))
    alone, full = asyncio.run(main_async(args, tmp))
    text = report(args, alone, full, time.monotonic() - started)
    print(text)
    if not args.no_write:
        write_section("phone", "## One phone among forty (real pages with a slowed CPU, the "
                      "room connected)\n\n" + text)


if __name__ == "__main__":
    main()
