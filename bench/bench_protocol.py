"""300 simulated participants on the participant server (Solara, one process), no browser.

A protocol-level client does what a phone's page does on the wire, nothing more:

1. ``GET /`` (the page's HTML; Solara sets its ``solara-session-id`` cookie);
2. the websocket ``/jupyter/api/kernels/<random kernel id>/channels?session_id=<page id>``
   with that cookie, carrying Jupyter messages as Solara's own client sends them:
   ``kernel_info_request``, ``comm_open`` of the ``solara.control`` comm and its ``run``
   message; the server answers with a ``comm_open`` (ipywidgets state) per widget and
   ``finished``;
3. the page's widgets are found by their ``_dom_classes`` (``cw-page``, ``cw-code``, ``cw-name``,
   ``cw-device``, ``cw-join``) in the widget tree the client keeps (``comm_open`` states,
   ``update`` / ``echo_update`` messages, ``comm_close``); it sets the device token, the group
   code and a unique name (``comm_msg`` ``update``) and clicks "Gabung" (``custom``
   ``{"event": "click"}``), then waits for the page's ``cw-screen-wait`` class;
4. the facilitator (this script, through :class:`WorkshopStore`) opens the participant-scope
   text activity ``reflection``; every client waits until its page shows the form
   (``cw-screen-form`` with a ``cw-entry-text`` text area and a ``cw-send`` button under the
   page), types a unique answer after a random think time, clicks "Kirim" and waits for
   ``cw-screen-sent`` (or an error message on the page). As a phone's page does, it echoes the
   page's settle probe (the ipyvue widget with an ``asked`` counter, which "Kirim" right after
   typing sets) with a ``custom`` ``{"event": "answered", "data": asked}``.

Sessions open in waves (``--wave`` at a time, the next wave once the previous one joined), as a
room scanning the QR code. Measured, for ``--clients`` and, in the same run on a fresh server
and database, for ``--baseline`` clients (40, the room of ``bench_room.py``): server RSS
(process and children) fresh / with 1 session / all joined / all submitted, MiB per session,
server CPU per join, server CPU while the room idles, ``open_activity`` -> form and "Kirim" ->
"Terkirim" (p50 / p95), errors, and the answers in the store (each client's unique text must be
there: 0 lost). Targets (issue 8): server memory <= 2 GiB with 300, 0 answers lost.

    .venv/bin/python bench/bench_protocol.py [--clients 300] [--wave 20] [--baseline 40]
                                             [--think 10] [--no-write]

The clients run in this one process on the same cores as the server; their times are when this
process read the server's frames. The page's static files (JavaScript, CSS) are not fetched:
``bench_room.py`` measures them with a real browser. The server listens on 127.0.0.1 and is
stopped by its process id.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import math
import random
import re
import struct
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import psutil
from websockets.asyncio.client import connect

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import ProcessTree, command, free_port, machine, pct, write_section

from cityworkshop.serve import start_participant_server
from cityworkshop.store import WorkshopStore

ACTIVITY = "reflection"  # participant scope: every client answers for itself
BEFORE = "leader-questions"  # opened and closed first: ``reflection`` is then the "next" one
TARGET_MIB = 2048
GROUP_SIZE = 6  # participants per group (at most 50 groups)


# -- the wire ---------------------------------------------------------------------------------

def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat().replace("+00:00", "Z")


def _decode(frame: str | bytes) -> dict[str, Any]:
    """A Jupyter message from a websocket frame (JSON text, or Solara's binary framing)."""
    if isinstance(frame, str):
        return json.loads(frame)
    nbufs = struct.unpack("!i", frame[:4])[0]
    offsets = list(struct.unpack("!" + "I" * nbufs, frame[4:4 * (nbufs + 1)]))
    end = offsets[1] if len(offsets) > 1 else None
    return json.loads(frame[offsets[0]:end].decode("utf8"))






class Failed(Exception):
    """A client could not do what a participant does (phase and reason in the message)."""


class Client:
    """One simulated phone: its session, websocket and the widget models it was sent."""

    def __init__(self, i: int, url: str, code: str, timeout: float):
        self.i = i
        self.url = url
        self.code = code
        self.name = f"Peserta {i:03d}"
        self.device = f"bench-{uuid.uuid4().hex}"
        self.answer = f"Jawaban unik peserta {i:03d} {uuid.uuid4().hex[:8]}"
        self.timeout = timeout
        self.page_id = str(uuid.uuid4())  # Jupyter's session_id: Solara's page id
        self.kernel_id = str(uuid.uuid4())
        self.models: dict[str, dict[str, Any]] = {}
        self.control = uuid.uuid4().hex
        self.root: str | None = None
        self.page: str | None = None  # the model id of the cw-page VBox
        self.ws: Any = None
        self.changed = asyncio.Event()
        self.last = 0.0  # when the last frame was read
        self.frames = 0
        self.closed: str | None = None
        self.reader: asyncio.Task[None] | None = None
        self.probe: str | None = None  # the model id of the page's settle probe
        self.echoes: set[asyncio.Task[None]] = set()
        self.t: dict[str, float] = {}
        self.error: str | None = None

    # -- messages ---------------------------------------------------------------------------

    def _msg(self, msg_type: str, content: dict[str, Any]) -> str:
        return json.dumps({
            "header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "",
                       "session": self.page_id, "date": _now(), "version": "5.3"},
            "parent_header": {}, "metadata": {}, "content": content, "channel": "shell",
            "buffers": []})

    async def send(self, msg_type: str, content: dict[str, Any]) -> None:
        await self.ws.send(self._msg(msg_type, content))

    async def set_value(self, model: str, **state: Any) -> None:
        self.models[model]["state"].update(state)
        await self.send("comm_msg", {"comm_id": model, "data": {
            "method": "update", "state": state, "buffer_paths": []}})

    async def click(self, model: str) -> None:
        await self.send("comm_msg", {"comm_id": model, "data": {
            "method": "custom", "content": {"event": "click"}}})

    async def _read(self) -> None:
        try:
            async for frame in self.ws:
                self.last = time.monotonic()
                self.frames += 1
                self._apply(_decode(frame))
                self.changed.set()
        except Exception as e:  # noqa: BLE001 - a lost connection is a result, not a crash
            self.closed = f"{type(e).__name__}: {e}"
        else:
            self.closed = f"closed by the server ({self.ws.close_code})"
        self.changed.set()

    def _apply(self, msg: dict[str, Any]) -> None:
        kind = msg.get("msg_type") or msg.get("header", {}).get("msg_type")
        content = msg.get("content") or {}
        comm = content.get("comm_id")
        if kind == "comm_open" and content.get("target_name") == "jupyter.widget":
            state = (content.get("data") or {}).get("state") or {}
            self.models[comm] = {"state": dict(state)}
            if "cw-page" in (state.get("_dom_classes") or ()):
                self.page = comm
            if "asked" in state and "answered" in (state.get("events") or ()):
                self.probe = comm
        elif kind == "comm_msg":
            data = content.get("data") or {}
            if comm == self.control:
                if data.get("method") == "finished":
                    self.root = data.get("widget_id")
                return
            if data.get("method") in ("update", "echo_update") and comm in self.models:
                state = data.get("state") or {}
                self.models[comm]["state"].update(state)
                if "cw-page" in (state.get("_dom_classes") or ()):
                    self.page = comm
                if comm == self.probe and "asked" in state:  # the page's template echoes it
                    echo = asyncio.get_running_loop().create_task(self.send("comm_msg", {
                        "comm_id": comm, "data": {"method": "custom", "content": {
                            "event": "answered", "data": state["asked"]}}}))
                    self.echoes.add(echo)
                    echo.add_done_callback(self.echoes.discard)
        elif kind == "comm_close":
            self.models.pop(comm, None)

    # -- the page's widget tree -------------------------------------------------------------

    def classes(self, model: str | None) -> tuple[str, ...]:
        m = self.models.get(model or "")
        return tuple(m["state"].get("_dom_classes") or ()) if m else ()

    def under_page(self) -> list[str]:
        """Model ids in the page's shown tree (through ``children``), the page included."""
        if self.page is None:
            return []
        seen, todo = [], [self.page]
        while todo:
            mid = todo.pop()
            m = self.models.get(mid)
            if m is None or mid in seen:
                continue
            seen.append(mid)
            for ref in m["state"].get("children") or ():
                if isinstance(ref, str) and ref.startswith("IPY_MODEL_"):
                    todo.append(ref[len("IPY_MODEL_"):])
        return seen

    def find(self, css: str, ids: list[str]) -> str | None:
        for mid in ids:
            if css in self.classes(mid):
                return mid
        return None

    def error_shown(self, ids: list[str]) -> str | None:
        """The text of an error message shown on the page (a ``cw-msg-error`` box), if any."""
        for mid in ids:
            value = self.models[mid]["state"].get("value")
            if isinstance(value, str) and "cw-msg-error" in value:
                return re.sub(r"<[^>]+>", "", value).strip()
        return None

    async def wait(self, what: str, test: Callable[[], Any]) -> Any:
        """Wait until ``test()`` is true; its value. Raises :class:`Failed` on a timeout,
        a closed connection or an error message on the page."""
        deadline = time.monotonic() + self.timeout
        while True:
            got = test()
            if got:
                return got
            if self.closed:
                raise Failed(f"{what}: connection lost ({self.closed})")
            left = deadline - time.monotonic()
            if left <= 0:
                raise Failed(f"{what}: timeout after {self.timeout:.0f} s")
            self.changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), left)

    def screen(self, name: str) -> Callable[[], Any]:
        def test() -> Any:
            if f"cw-screen-{name}" in self.classes(self.page):
                return True
            ids = self.under_page()
            err = self.error_shown(ids)
            if err:
                raise Failed(f"page said: {err}")
            return False
        return test

    # -- what a participant does ------------------------------------------------------------

    async def open_and_join(self) -> None:
        t0 = time.monotonic()
        async with httpx.AsyncClient(timeout=self.timeout) as http:
            r = await http.get(self.url)
        if r.status_code != 200:
            raise Failed(f"GET /: HTTP {r.status_code}")
        sid = r.cookies.get("solara-session-id")
        if not sid:
            raise Failed("GET /: no solara-session-id cookie")
        self.t["get"] = time.monotonic() - t0
        ws_url = (self.url.replace("http://", "ws://")
                  + f"jupyter/api/kernels/{self.kernel_id}/channels?session_id={self.page_id}")
        self.ws = await connect(ws_url, additional_headers={"Cookie": f"solara-session-id={sid}"},
                                max_size=None, ping_interval=None, open_timeout=self.timeout,
                                close_timeout=2)
        self.reader = asyncio.create_task(self._read())
        await self.send("kernel_info_request", {})
        await self.send("comm_open", {"comm_id": self.control, "target_name": "solara.control",
                                      "data": {}})
        await self.send("comm_msg", {"comm_id": self.control, "data": {
            "method": "run", "args": {"path": "/", "appName": None, "dark": False,
                                      "themes": None}}})

        def join_form() -> Any:
            if self.root is None:
                return None
            ids = self.under_page()
            found = {c: self.find(c, ids) for c in ("cw-code", "cw-name", "cw-device",
                                                     "cw-join")}
            return found if all(found.values()) else None

        w = await self.wait("join form", join_form)
        self.t["form"] = time.monotonic() - t0
        t1 = time.monotonic()
        await self.set_value(w["cw-device"], value=self.device)  # what the page's script does
        await self.set_value(w["cw-code"], value=self.code)
        await self.set_value(w["cw-name"], value=self.name)
        await self.click(w["cw-join"])
        await self.wait("joined (waiting screen)", self.screen("wait"))
        self.t["join"] = time.monotonic() - t1
        self.t["open_to_joined"] = time.monotonic() - t0

    async def answer_activity(self, opened_at: float, think: float) -> None:
        def form() -> Any:
            if "cw-screen-form" not in self.classes(self.page):
                return None
            ids = self.under_page()
            text, send = self.find("cw-entry-text", ids), self.find("cw-send", ids)
            return (text, send) if text and send else None

        text, send = await self.wait("form shown", form)
        self.t["follow"] = self.last - opened_at
        await asyncio.sleep(random.random() * think)  # typing
        await self.set_value(text, value=self.answer)
        t0 = time.monotonic()
        await self.click(send)
        await self.wait("sent screen", self.screen("sent"))
        self.t["submit"] = self.last - t0

    async def close(self) -> None:
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await self.ws.close()
        if self.reader is not None:
            try:
                await asyncio.wait_for(self.reader, 5)
            except (TimeoutError, asyncio.CancelledError, Exception):  # noqa: BLE001
                self.reader.cancel()


# -- the server -------------------------------------------------------------------------------

class Server(ProcessTree):
    """The participant server under test, measured through its process id."""

    def __init__(self, db: Path, idle_minutes: float, log: Path):
        self.proc = start_participant_server(db, host="127.0.0.1", port=free_port(), lang="id",
                                             idle_minutes=idle_minutes, log_path=log,
                                             count_route=True)
        self.pid, self.url, self.log = self.proc.pid, self.proc.url, log





    def sessions(self) -> int:
        r = httpx.get(self.url + "_cityworkshop/pages", timeout=30)
        return int(r.text)

    def log_problems(self) -> list[str]:
        try:
            text = self.log.read_text("utf-8", errors="replace")
        except OSError:
            return []
        return [line for line in text.splitlines()
                if re.search(r"Traceback|ERROR|Exception|error", line)]

    def stop(self) -> None:
        self.proc.stop()  # SIGTERM to its process group by pid, then SIGKILL


async def settle_rss(server: Server, seconds: float = 3.0) -> float:
    """The server's RSS after ``seconds`` of quiet (max of the last few samples)."""
    await asyncio.sleep(seconds)
    samples = []
    for _ in range(3):
        samples.append(server.rss())
        await asyncio.sleep(0.3)
    return max(samples)


def ahead_wait() -> float:
    """How long a page takes at most to build the next form ahead after a screen change."""
    from cityworkshop import participant

    return participant.LOOKAHEAD_SECONDS + participant.LOOKAHEAD_SPREAD + 2.0


# -- one room ---------------------------------------------------------------------------------

async def room(n: int, args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    """N clients on a fresh server and database: everything measured for this size."""
    groups = max(1, min(50, math.ceil(n / GROUP_SIZE)))
    db = tmp / f"w{n}.db"
    store = WorkshopStore.create(db, groups=groups, seed=1)
    if not args.jump:  # the room was at the questions board, closed: reflection is "next"
        store.open_activity(BEFORE)
        store.close_activity(BEFORE)
    codes = [g.code for g in store.list_groups()]
    server = Server(db, args.idle_minutes, tmp / f"server{n}.log")
    res: dict[str, Any] = {"n": n, "groups": groups, "errors": [], "phase_errors": {}}
    clients = [Client(i, server.url, codes[i % len(codes)], args.timeout) for i in range(n)]

    def failed(phase: str, c: Client, e: BaseException) -> None:
        c.error = f"{phase}: {e}"
        res["errors"].append(f"client {c.i}: {c.error}")
        res["phase_errors"][phase] = res["phase_errors"].get(phase, 0) + 1

    async def join(c: Client) -> None:
        try:
            await c.open_and_join()
        except Exception as e:  # noqa: BLE001
            failed("join", c, e)

    try:
        server.proc.wait_ready(60)
        await asyncio.sleep(1.0)
        res["rss_fresh"] = server.rss()
        res["threads_fresh"] = server.threads()
        t_start = time.monotonic()
        me = psutil.Process()
        mine0 = sum(me.cpu_times()[:2])
        c0 = server.cpu()
        # the first session alone: it pays for the imports of the page (ipywidgets, forms ...)
        await join(clients[0])
        res["first_cpu"] = server.cpu() - c0
        res["first_wall"] = time.monotonic() - t_start
        await asyncio.sleep(ahead_wait())
        res["rss_1"] = await settle_rss(server, 1.0)
        # then the room, in waves
        print(f"[{n}] joining in waves of {args.wave} ...", flush=True)
        c1, w0 = server.cpu(), time.monotonic()
        waves = []
        for k in range(1, n, args.wave):
            wt = time.monotonic()
            await asyncio.gather(*(join(c) for c in clients[k:k + args.wave]))
            waves.append(time.monotonic() - wt)
        res["join_wall"] = time.monotonic() - w0
        res["join_cpu"] = server.cpu() - c1
        res["waves"] = waves
        c2 = server.cpu()
        await asyncio.sleep(ahead_wait())  # every page builds the next form ahead
        res["ahead_cpu"] = server.cpu() - c2
        c3, t3 = server.cpu(), time.monotonic()
        await asyncio.sleep(5.0)
        res["idle_cpu_share"] = (server.cpu() - c3) / (time.monotonic() - t3)
        res["rss_joined"] = await settle_rss(server, 0.5)
        res["threads_joined"] = server.threads()
        res["sessions_joined"] = server.sessions()
        joined = [c for c in clients if c.error is None]
        res["joined"] = len(joined)
        # the facilitator opens the activity; every phone answers it
        print(f"[{n}] {len(joined)} joined; opening {ACTIVITY} ...", flush=True)
        c4 = server.cpu()
        opened_at = time.monotonic()
        store.open_activity(ACTIVITY)

        async def answer(c: Client) -> None:
            try:
                await c.answer_activity(opened_at, args.think)
            except Exception as e:  # noqa: BLE001
                failed("answer", c, e)

        await asyncio.gather(*(answer(c) for c in joined))
        res["answer_wall"] = time.monotonic() - opened_at
        res["answer_cpu"] = server.cpu() - c4
        res["rss_submitted"] = await settle_rss(server, 2.0)
        res["threads_submitted"] = server.threads()
        res["sessions_submitted"] = server.sessions()
        res["wall"] = time.monotonic() - t_start
        # what reached the store
        rows = store.answer_rows(ACTIVITY)
        texts = [r["value_text"] for r in rows if r.get("value_text")]
        res["rows"] = len({r["submission_id"] for r in rows})
        stored = set(texts)
        res["lost"] = sum(1 for c in clients if c.answer not in stored)
        res["sent_ok"] = sum(1 for c in clients if "submit" in c.t)
        res["dropped"] = sum(1 for c in clients
                             if c.closed and "connection lost" in (c.error or ""))
        res["frames"] = sum(c.frames for c in clients)
        res["client_cpu"] = sum(me.cpu_times()[:2]) - mine0
        for key in ("get", "form", "join", "open_to_joined", "follow", "submit"):
            res[key] = [c.t[key] for c in clients if key in c.t]
    finally:
        await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)
        res["log_problems"] = server.log_problems()
        server.stop()
        store.close()
    return res


# -- report -----------------------------------------------------------------------------------

def verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def report(args: argparse.Namespace, rooms: list[dict[str, Any]], wall: float,
           load: str) -> str:
    big = rooms[-1]
    base = rooms[0] if len(rooms) > 1 else None

    def per_session(r: dict[str, Any]) -> float:
        return (r["rss_joined"] - r["rss_1"]) / max(1, r["n"] - 1)

    def p(xs: list[float]) -> str:
        return f"{pct(xs, 50):.2f} / {pct(xs, 95):.2f} (max {max(xs):.2f})" if xs else "none"

    cols = [base, big] if base else [big]

    def row(label: str, f: Callable[[dict[str, Any]], str], target: str = "",
            met: str = "", ratio: Callable[[dict[str, Any]], float] | None = None) -> str:
        cells = [f(r) for r in cols]
        rat = ""
        if base and ratio is not None:
            a, b = ratio(big), ratio(base)
            rat = f"{a / b:.2f}x" if b else ""
        return "| " + " | ".join([label, *cells, *([rat] if base else []), target, met]) + " |"

    head = ["measure", *[f"{r['n']} clients ({r['groups']} groups)" for r in cols]]
    if base:
        head.append(f"{big['n']} / {base['n']}")
    head += ["target", ""]
    mem_ok = big["rss_submitted"] <= TARGET_MIB and big["rss_joined"] <= TARGET_MIB
    lost_ok = big["lost"] == 0
    cpu_ok = all(r["join_cpu"] / max(1, r["n"] - 1) <= 0.2 for r in cols)
    rows = [
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
        row("server RSS, fresh process (MiB)", lambda r: f"{r['rss_fresh']:.0f}"),
        row("server RSS, 1 session joined (MiB)", lambda r: f"{r['rss_1']:.0f}"),
        row("server RSS, all sessions joined, next form built ahead (MiB)",
            lambda r: f"{r['rss_joined']:.0f}", ratio=lambda r: r["rss_joined"]),
        row("**server RSS, all answers submitted (MiB)**",
            lambda r: f"**{r['rss_submitted']:.0f}**",
            f"<= {TARGET_MIB} ({big['n']})", verdict(mem_ok), ratio=lambda r: r["rss_submitted"]),
        row("server memory per session, joined (MiB)", lambda r: f"{per_session(r):.2f}",
            "", "", ratio=per_session),
        row("server memory per session, after submit (MiB)",
            lambda r: f"{(r['rss_submitted'] - r['rss_1']) / max(1, r['n'] - 1):.2f}",
            ratio=lambda r: (r["rss_submitted"] - r["rss_1"]) / max(1, r["n"] - 1)),
        row("**answers lost (client's unique text not in the store)**",
            lambda r: f"**{r['lost']}** of {r['n']}", "0", verdict(lost_ok)),
        row("submissions in the store / clients that saw \"Terkirim\"",
            lambda r: f"{r['rows']} / {r['sent_ok']}"),
        row("clients failed (join / answer)", lambda r: (
            f"{r['phase_errors'].get('join', 0)} / {r['phase_errors'].get('answer', 0)}"), "0",
            verdict(not big["errors"])),
        row("open page sessions counted by the server: joined / after submit",
            lambda r: f"{r['sessions_joined']} / {r['sessions_submitted']}"),
        row("server CPU, first session (imports included) (s)", lambda r: f"{r['first_cpu']:.2f}"),
        row("**server CPU per join**: all of the server's CPU while the waves of "
            f"{args.wave} joined, per client: GET, websocket, page built, join (and the pages "
            "already joined meanwhile) (s)",
            lambda r: f"**{r['join_cpu'] / max(1, r['n'] - 1):.3f}**",
            "<= 0.2 (page request to join form)", verdict(cpu_ok),
            ratio=lambda r: r["join_cpu"] / max(1, r["n"] - 1)),
        row("server CPU building the next form ahead, all sessions (s)",
            lambda r: f"{r['ahead_cpu']:.1f} ({r['ahead_cpu'] / r['n'] * 1000:.0f} ms each)"),
        row("server CPU while the room waits (share of one core)",
            lambda r: f"{r['idle_cpu_share']:.0%}", ratio=lambda r: r["idle_cpu_share"]),
        row("joining: wall time of all waves (s)",
            lambda r: f"{r['join_wall']:.1f} ({r['join_wall'] / max(1, r['n'] - 1):.2f} per "
                      "client)"),
        row("GET / -> join form on the wire, p50 / p95 (s)", lambda r: p(r["form"])),
        row("\"Gabung\" -> waiting screen, p50 / p95 (s)", lambda r: p(r["join"])),
        row("**`open_activity` -> form on every client, p50 / p95 (s)**",
            lambda r: p(r["follow"]), ratio=lambda r: pct(r["follow"], 95)),
        row("**\"Kirim\" -> \"Terkirim\", p50 / p95 (s)**", lambda r: p(r["submit"]),
            ratio=lambda r: pct(r["submit"], 95)),
        row("server CPU from `open_activity` to the last \"Terkirim\" (s)",
            lambda r: f"{r['answer_cpu']:.1f} in {r['answer_wall']:.1f} s"),
        row("server threads: fresh / joined / after submit",
            lambda r: f"{r['threads_fresh']} / {r['threads_joined']} / {r['threads_submitted']}"),
        row("clients whose connection was lost", lambda r: f"{r['dropped']}", "0",
            verdict(big["dropped"] == 0)),
        row("websocket frames read by the clients", lambda r: f"{r['frames']:,}",
            ratio=lambda r: r["frames"]),
        row("CPU of the client process (all clients, whole room) (s)",
            lambda r: f"{r['client_cpu']:.1f}"),
    ]
    flow = ("a jump (its form built on the spot)" if args.jump else
            f"the room's `next` ({BEFORE} was opened and closed first, so every page builds "
            f"{ACTIVITY}'s form ahead while it waits)")
    text = [
        f"{machine()}; whole run {wall:.0f} s; {load}.",
        "",
        f"Command: `{command()}`",
        "",
        ("Protocol-level clients (no browser), all in one asyncio process on the same cores as "
        "the server: `GET /` for the session cookie, the page's websocket with Solara's own "
        "messages (`solara.control` `run`), the join widgets found by their CSS classes, "
        "values set with ipywidgets `update` messages, buttons pressed with `custom` "
        f"`click`. Sessions open {args.wave} at a time, the next wave once the previous "
        f"joined; the first session alone before them. The facilitator opens `{ACTIVITY}` "
        f"(participant scope, text) through the store as {flow}; each client types a unique "
        f"answer after a random 0-{args.think:g} s, presses \"Kirim\" and waits for "
        "\"Terkirim\". Each size runs on a fresh server and database; RSS is the server "
        "process and its children (after a few seconds' quiet), per session is the growth "
        "from 1 session to all, divided by the other sessions. Times are when the client "
        "process read the server's frames (its own share of the 2 cores included); the "
        "page's static files are not fetched (see the `room` section for those)."),
        "",
        *rows,
    ]
    problems = [line for r in rooms for line in r["log_problems"]]
    errors = [e for r in rooms for e in r["errors"]]
    if errors or problems:
        text += ["", f"Client errors: {len(errors)}; first: "
                 + "; ".join(errors[:5]) if errors else "Client errors: none.",
                 f"Server log lines naming an error: {len(problems)}"
                 + (f"; first: `{problems[0][:200]}`" if problems else "")]
    else:
        text += ["", "No client error; no error in the server's log."]
    return "\n".join(text)


def load_line(samples: list[float]) -> str:
    if not samples:
        return ""
    return (f"1-min load average during the run {min(samples):.1f}-{max(samples):.1f} "
            "(other work on the machine included)")


async def main_async(args: argparse.Namespace, tmp: Path, samples: list[float]) -> list[dict]:
    async def sample() -> None:
        while True:
            samples.append(psutil.getloadavg()[0])
            await asyncio.sleep(5)

    sampler = asyncio.create_task(sample())
    try:
        rooms = []
        sizes = ([args.baseline] if args.baseline and args.baseline != args.clients else [])
        for n in [*sizes, args.clients]:
            rooms.append(await room(n, args, tmp))
            r = rooms[-1]
            print(f"[{n}] RSS fresh {r['rss_fresh']:.0f} / joined {r['rss_joined']:.0f} / "
                  f"submitted {r['rss_submitted']:.0f} MiB; lost {r['lost']}; errors "
                  f"{len(r['errors'])}", flush=True)
        return rooms
    finally:
        sampler.cancel()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=300, help="simulated participants")
    ap.add_argument("--wave", type=int, default=20, help="sessions opened at the same time")
    ap.add_argument("--baseline", type=int, default=40,
                    help="the baseline room, run first on its own server (0: none)")
    ap.add_argument("--think", type=float, default=10.0,
                    help="each client types its answer for a random 0..THINK seconds")
    ap.add_argument("--timeout", type=float, default=180.0, help="per step of a client (s)")
    ap.add_argument("--idle-minutes", type=float, default=5.0,
                    help="the server's idle time before a gone page's session is freed")
    ap.add_argument("--jump", action="store_true",
                    help="open the activity as a jump (form built on the spot), not as next")
    ap.add_argument("--no-write", action="store_true", help="print only, leave BENCHMARKS.md")
    args = ap.parse_args()
    if args.clients < 2 or args.wave < 1:
        ap.error("--clients must be at least 2 and --wave at least 1")

    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="cw-bench-protocol-"))
    samples: list[float] = []
    rooms = asyncio.run(main_async(args, tmp, samples))
    text = report(args, rooms, time.monotonic() - started, load_line(samples))
    print(text)
    if not args.no_write:
        write_section("protocol", "## 300 simulated participants (protocol-level client, "
                      "Solara, one process)\n\n" + text)


if __name__ == "__main__":
    main()
