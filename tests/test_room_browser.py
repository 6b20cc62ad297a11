"""The live room on the real page (issue 8): what a day of phones does to the participant page.

Served by the page server (Solara) and driven in Debian's headless Chromium, never a browser
download. One workshop and one server for the whole module (tests share it, each with its own
phones and names):

- the join rush: 10 phones (browser contexts) open the page and press "Gabung" at once;
- reload, a locked phone (offline, then online) and the back button, on every activity kind:
  the same participant, the open form again, the unsent edit kept and said, and an answer sent
  while offline confirmed once the phone is back;
- the connection banner never covers "Kirim", and goes when the connection is back;
- back to the top of the page on every change of screen;
- "Ganti kelompok": earlier answers stay with the first group;
- a nameless participant who reloads and acts at once, five times: still one participant.

No timing is asserted (speed is measured in ``bench/``); waits are generous, the machine is shared.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

# tests/ is on sys.path (no package): the page tests' own building blocks
from test_browser import ARGS, CHROMIUM, PAGE_ERROR, _css, _free_port, _join, _send_and_wait

from cityworkshop.i18n import t
from cityworkshop.participant import DRAFT_SECONDS
from cityworkshop.serve import start_participant_server
from cityworkshop.store import WorkshopStore

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium "
                       "(apt-get install chromium); never a Playwright browser download"),
]

LOAD = 90_000  # a page load on a busy 2-core machine
STEP = 30_000  # one screen change
RESTORED = t("draft.restored", "id")  # "Yang Anda tulis tetapi belum terkirim sudah ..."
ASKED = t("question.asked", "id")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@dataclass
class Room:
    store: WorkshopStore
    server: Any
    browser: Any

    def phone(self, **options: Any) -> Any:
        """A new phone: its own browser context (its own localStorage, so its own token)."""
        return self.browser.new_context(**{**PHONE, **options})

    def open(self, context: Any) -> Any:
        page = context.new_page()
        page.goto(self.server.url, wait_until="commit")
        page.locator(".cw-code input").wait_for(state="visible", timeout=LOAD)
        return page


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Room]:
    """One workshop (8 groups, no activity open) and one server for the whole module."""
    sync_api = pytest.importorskip("playwright.sync_api")
    store = WorkshopStore.create(tmp_path_factory.mktemp("room") / "workshop.db", groups=8,
                                 seed=11)
    server = start_participant_server(store.path, port=_free_port())
    try:
        server.wait_ready(60)
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            try:
                yield Room(store, server, browser)
            finally:
                browser.close()
    finally:
        server.stop()
        store.close()


def _close_current(store: WorkshopStore) -> None:
    while (current := store.current_activity()) is not None:
        store.close_activity(current)


def _me(store: WorkshopStore, name: str) -> Any:
    (me,) = [p for p in store.list_participants() if p.name == name]
    return me


def _wait_until(check: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:.0f} s: {what}")
        time.sleep(0.2)


def _eventually(check: Callable[[], None], timeout: float = 10) -> None:
    """``check()`` passes within ``timeout`` seconds (the page shows what the server sent)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            check()
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.25)


def _assert_equal(got: Any, expected: Any) -> None:
    assert got == expected


# -- 1. the join rush ---------------------------------------------------------------------------

RUSH = 10


async def _rush(url: str, code: str, names: list[str]) -> list[dict[str, Any]]:
    """Ten phones (ten browser contexts of one Chromium) open the page at the same moment,
    fill in the join form, and press "Gabung" together."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            contexts = [await browser.new_context(**PHONE) for _ in names]
            pages = [await c.new_page() for c in contexts]

            async def load(page: Any, name: str) -> None:
                await page.goto(url, wait_until="commit", timeout=LOAD)
                await page.locator(".cw-code input").wait_for(state="visible", timeout=3 * LOAD)
                await page.locator(".cw-code input").fill(code)
                await page.locator(".cw-name input").fill(name)

            await asyncio.gather(*(load(pg, n) for pg, n in zip(pages, names, strict=True)))
            await asyncio.gather(*(pg.locator("button.cw-join").click() for pg in pages))

            async def arrived(page: Any) -> dict[str, Any]:
                await page.locator("button.cw-check").wait_for(state="visible", timeout=3 * LOAD)
                return {"who": await page.locator(".cw-who").inner_text(),
                        "error": PAGE_ERROR in await page.content()}

            return list(await asyncio.gather(*(arrived(pg) for pg in pages)))
        finally:
            await browser.close()


def test_the_join_rush_of_ten_phones_at_once(room: Room) -> None:
    store = room.store
    _close_current(store)
    group = store.list_groups()[7]
    names = [f"Serbu {n}" for n in range(1, RUSH + 1)]
    before = {p.id for p in store.list_participants()}
    out: dict[str, Any] = {}

    def run() -> None:  # its own thread and event loop, away from the module's sync browser
        try:
            out["pages"] = asyncio.run(_rush(room.server.url, group.code, names))
        except BaseException as err:  # noqa: BLE001 - re-raised in the test's thread
            out["error"] = err

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    if "error" in out:
        raise out["error"]
    pages = out["pages"]
    assert [p["who"] for p in pages] == [f"{n} · {group.name}" for n in names]
    assert not any(p["error"] for p in pages)
    new = [p for p in store.list_participants() if p.id not in before]
    assert len(new) == RUSH and len({p.id for p in new}) == RUSH
    assert sorted(p.name for p in new) == sorted(names)  # nobody twice, nobody lost
    assert {p.group_id for p in new} == {group.id}
    assert len({p.seat for p in new}) == RUSH


# -- 2. reload, a locked phone and the back button, on every kind ---------------------------------

@dataclass
class Kind:
    """How a participant edits one activity on the page, and how to check it."""

    activity: str
    edits: list[Callable[[Any], None]]  # edit n on the page
    shown: Callable[[Any, int], None]  # asserts the first n edits show on the page
    stored: Callable[[Any, int], None]  # asserts the answer (or question) holds the first n edits
    ready: str = "button.cw-send"


def _click(selector: str, text: str) -> Callable[[Any], None]:
    return lambda page: page.locator(selector + " button", has_text=text).click()


def _active(page: Any, selector: str) -> str:
    return " ".join(page.locator(f"{selector} button.mod-active").all_inner_texts()).strip()


def _scale_kind() -> Kind:
    clicks = [(".cw-score-digital_services-now", "3", "digital_services", "now"),
              (".cw-score-mobility-now", "2", "mobility", "now"),
              (".cw-score-environment-target", "5", "environment", "target")]

    def shown(page: Any, n: int) -> None:
        for sel, text, *_ in clicks[:n]:
            assert _active(page, sel) == text, sel

    def stored(answer: Any, n: int) -> None:
        for _, text, item, dim in clicks[:n]:
            assert answer["scores"][item][dim] == int(text), (item, dim)

    return Kind("disruptive-scoring", [_click(c[0], c[1]) for c in clicks], shown, stored)


def _text_kind() -> Kind:
    texts = ["Janji kota", "Janji kota kepada warga", "Janji kota kepada warga, ditepati"]
    box = ".cw-entry-text-1 textarea"

    def shown(page: Any, n: int) -> None:
        assert page.locator(box).input_value() == texts[n - 1]

    def stored(answer: Any, n: int) -> None:
        assert [e["text"] for e in answer["entries"]] == [texts[n - 1]]

    return Kind("branding-definition",
                [lambda page, s=s: page.locator(box).fill(s) for s in texts], shown, stored)


def _points_kind(store: WorkshopStore) -> Kind:
    ideas = store.items_of("idea-votes")
    plan = [ideas[0].id, ideas[1].id, ideas[0].id]  # one "+" each

    def counts(n: int) -> dict[str, int]:
        out: dict[str, int] = {}
        for item in plan[:n]:
            out[item] = out.get(item, 0) + 1
        return out

    def shown(page: Any, n: int) -> None:
        for item, k in counts(n).items():
            count = page.locator(f".cw-count-{_css(item)}").first.inner_text().split()
            assert count[:1] == [str(k)], (item, count)

    def stored(answer: Any, n: int) -> None:
        assert {k: int(v) for k, v in answer["points"].items() if v} == counts(n)

    return Kind("idea-votes", [lambda page, i=i: page.locator(f".cw-plus-{_css(i)}").first.click()
                               for i in plan], shown, stored)


def _matrix_kind() -> Kind:
    # an initiative counts as placed once it has both axes: each edit places one
    places = [("visual_identity", "4", "5"), ("city_story", "2", "3"), ("ambassadors", "5", "1")]

    def place(item: str, x: str, y: str) -> Callable[[Any], None]:
        def edit(page: Any) -> None:
            page.locator(f".cw-x-{item} button", has_text=x).click()
            page.locator(f".cw-y-{item} button", has_text=y).click()
        return edit

    def shown(page: Any, n: int) -> None:
        for item, x, y in places[:n]:
            assert (_active(page, f".cw-x-{item}"), _active(page, f".cw-y-{item}")) == (x, y), item

    def stored(answer: Any, n: int) -> None:
        for item, x, y in places[:n]:
            assert answer["positions"][item] == {"x": int(x), "y": int(y)}, item

    return Kind("branding-initiatives", [place(*p) for p in places], shown, stored)


def _plan_kind() -> Kind:
    what = ".cw-plan-what-1 textarea"
    kpi = ".cw-plan-kpi-1 input"

    def first(page: Any) -> None:
        page.locator(".cw-plan-phase-1 select").select_option(index=1)
        page.locator(what).fill("Lokakarya visi merek")

    def second(page: Any) -> None:
        page.locator(".cw-plan-owner-1 select").select_option(index=1)
        page.locator(kpi).fill("3 lokakarya")

    def third(page: Any) -> None:
        page.locator(".cw-plan-start-1 select").select_option(index=1)
        page.locator(".cw-plan-end-1 select").select_option(index=3)

    def shown(page: Any, n: int) -> None:
        assert page.locator(what).input_value() == "Lokakarya visi merek"
        if n >= 2:
            assert page.locator(kpi).input_value() == "3 lokakarya"
            assert page.locator(".cw-plan-owner-1 select").evaluate("s => s.selectedIndex") == 1
        if n >= 3:
            assert page.locator(".cw-plan-end-1 select").evaluate("s => s.selectedIndex") == 3

    def stored(answer: Any, n: int) -> None:
        (step,) = answer["steps"]
        assert step["what"] == "Lokakarya visi merek" and step["kpi"] == "3 lokakarya"
        assert step["owner"] and step["start"] and step["end"]

    return Kind("branding-plan", [first, second, third], shown, stored)


def _questions_kind() -> Kind:
    texts = ["Bagaimana", "Bagaimana meyakinkan staf", "Bagaimana meyakinkan staf senior?"]
    box = ".cw-question-text textarea"

    def shown(page: Any, n: int) -> None:
        assert page.locator(box).input_value() == texts[n - 1]

    def stored(questions: Any, n: int) -> None:
        assert texts[n - 1] in questions

    return Kind("leader-questions", [lambda page, s=s: page.locator(box).fill(s) for s in texts],
                shown, stored, ready=".cw-board")


def _peer_kind() -> Kind:
    clicks = [(".cw-score-clarity-score", "4", "clarity"),
              (".cw-score-feasibility-score", "3", "feasibility"),
              (".cw-score-innovation-score", "5", "innovation")]

    def shown(page: Any, n: int) -> None:
        for sel, text, _ in clicks[:n]:
            assert _active(page, sel) == text, sel

    def stored(answer: Any, n: int) -> None:
        for _, text, item in clicks[:n]:
            assert answer["scores"][item]["score"] == int(text), item

    return Kind("presentation-rating", [_click(c[0], c[1]) for c in clicks], shown, stored,
                ready=".cw-about select")


ACTIVITIES = {"scale": "disruptive-scoring", "text": "branding-definition", "points": "idea-votes",
              "matrix": "branding-initiatives", "plan": "branding-plan",
              "questions": "leader-questions", "peer": "presentation-rating"}
KINDS = list(ACTIVITIES)
EVENTS = ["reload", "lock", "back"]


def _kind(name: str, store: WorkshopStore) -> Kind:
    return {"scale": _scale_kind, "text": _text_kind, "matrix": _matrix_kind,
            "plan": _plan_kind, "questions": _questions_kind, "peer": _peer_kind,
            "points": lambda: _points_kind(store)}[name]()


def _open_for(store: WorkshopStore, activity_id: str) -> None:
    """The facilitator opens ``activity_id`` (for the points, after two groups wrote ideas)."""
    if activity_id == "idea-votes" and not store.items_of("idea-votes"):
        crit = store.activity("liveable-ideas").items
        for n, text in ((5, "Bus listrik ke stasiun"), (6, "Satu aplikasi layanan warga")):
            author = store.join(store.list_groups()[n].code, f"Penggagas {n}")
            store.submit("liveable-ideas", author.id, {"entries": [
                {"text": text, "item": crit[n % len(crit)].id}]}, require_open=False)
    if store.current_activity() != activity_id:
        store.open_activity(activity_id)


def _rated(store: WorkshopStore) -> Any:
    return store.list_groups()[4]  # the group a peer rating is about (never one's own)


def _pick_rated(page: Any, store: WorkshopStore) -> None:
    page.locator(".cw-about select").select_option(label=_rated(store).name)
    page.locator(".cw-score-clarity-score button").first.wait_for(state="visible", timeout=STEP)


def _answer_of(store: WorkshopStore, kind: Kind, me: Any) -> Any:
    if kind.activity == "leader-questions":
        return [q["text"] for q in store.question_rows(kind.activity)
                if q["participant_id"] == me.id]
    about = _rated(store).id if kind.activity == "presentation-rating" else None
    latest = store.latest_answer(kind.activity, me.id, about=about)
    return latest.answer if latest else None


def _kept(store: WorkshopStore, kind: Kind, me: Any, before: Any) -> None:
    """Give the page the time it takes to keep an unsent edit (it does every DRAFT_SECONDS):
    until the store holds a new draft, or two rounds of it."""
    about = _rated(store).id if kind.activity == "presentation-rating" else None
    deadline = time.monotonic() + 2 * DRAFT_SECONDS + 2
    while time.monotonic() < deadline:
        draft = store.draft(me.id, kind.activity, about)
        if draft is not None and draft != before:
            return
        time.sleep(0.2)


def _back_at_the_form(page: Any, store: WorkshopStore, kind: Kind, me: Any, group: Any,
                      n: int, event: str) -> None:
    """After ``event``: the same participant, the open activity's form, the first ``n`` edits
    shown, and the participant told that an unsent edit was kept."""
    page.locator(kind.ready).first.wait_for(state="visible", timeout=LOAD)
    assert page.locator(".cw-who").inner_text() == f"{me.name} · {group.name}"
    assert _me(store, me.name).id == me.id  # nobody new
    title = store.activity(kind.activity).title.get("id")
    assert page.locator("h2.cw-h", has_text=title).first.is_visible()
    if kind.activity == "presentation-rating":
        chosen = page.locator(".cw-about select").evaluate("s => s.options[s.selectedIndex].text")
        assert chosen.replace("\xa0", " ") == _rated(store).name, (
            f"after {event} the page no longer knows which group was being rated")
    _eventually(lambda: kind.shown(page, n))
    assert page.get_by_text(RESTORED[:40]).first.is_visible(), (
        f"after {event} the participant is not told that the unsent edit was kept")
    assert PAGE_ERROR not in page.content()


def _forward(page: Any) -> None:
    """The browser's forward button, back onto the page. Chromium may still be swapping the
    tab's document right after "back" ("Not attached to an active page"): press it again."""
    for attempt in range(5):
        try:
            page.go_forward(wait_until="commit")
            return
        except Exception as err:  # playwright's Error
            if "Not attached" not in str(err) or attempt == 4:
                raise
            page.wait_for_timeout(500)


# "Kirim" right after typing (even typing done while the signal was gone) stores the last
# typing: the page waits for it (forms/_base.when_settled). Text and questions are the kinds
# whose edits are one field typed twice.
CASES = [pytest.param(k, e) for k in KINDS for e in EVENTS]


@pytest.mark.parametrize(("kind_name", "event"), CASES)
def test_reload_lock_and_back_keep_the_participant_and_their_edit(room: Room, kind_name: str,
                                                                  event: str) -> None:
    """reload: the page loads again; back: the participant leaves the page with the back
    button and comes forward again; lock: the phone loses its signal (offline), the participant
    edits and presses "Kirim", the signal comes back."""
    store = room.store
    _open_for(store, ACTIVITIES[kind_name])
    kind = _kind(kind_name, store)
    assert kind.activity == ACTIVITIES[kind_name]
    group = store.list_groups()[EVENTS.index(event)]
    name = f"{kind_name.title()} {event}"
    context = room.phone()
    try:
        page = room.open(context)  # its history: about:blank, then the page
        _join(page, group.code, name)
        page.locator(kind.ready).first.wait_for(state="visible", timeout=STEP)
        me = _me(store, name)
        if kind.activity == "presentation-rating":
            _pick_rated(page, store)
        kind.edits[0](page)
        _eventually(lambda: kind.shown(page, 1))
        if event == "lock":
            kind.edits[1](page)  # an edit before the signal goes
            context.set_offline(True)
            page.locator("#cw-offline").wait_for(state="visible", timeout=STEP)
            kind.edits[2](page)  # and one while it is gone
            page.locator("button.cw-send").first.click()  # "Kirim" without a signal
            context.set_offline(False)
        else:
            _kept(store, kind, me, None)
            if event == "reload":
                page.reload(wait_until="commit")
            else:
                page.go_back(wait_until="commit")  # off the page (its history's first entry)
                assert page.url == "about:blank"
                _forward(page)
            _back_at_the_form(page, store, kind, me, group, 1, event)
            kind.edits[1](page)
            kind.edits[2](page)
            page.locator("button.cw-send").first.click()
        # sent and confirmed
        if kind.activity == "leader-questions":
            page.get_by_text(ASKED).first.wait_for(state="visible", timeout=LOAD)
            _eventually(lambda: _assert_equal(
                page.locator(".cw-question-text textarea").input_value(), ""))
        else:
            page.locator("button.cw-edit").wait_for(state="visible", timeout=LOAD)
            assert "Terkirim" in page.locator(".cw-sent-heading").inner_text()
        page.locator("#cw-offline").wait_for(state="hidden", timeout=STEP)
        answer = _answer_of(store, kind, me)
        assert answer, f"{kind.activity}: nothing stored for {name}"
        kind.stored(answer, 3)
        assert len([p for p in store.list_participants() if p.name == name]) == 1
    finally:
        context.close()


#: A phone on a slow signal: everything the server sends reaches the page LAG_MS later, in order
#: (the page's own websocket wrapper, installed before the page's scripts).
LAG_MS = 400
SLOW_SIGNAL = """(() => {
  const Native = window.WebSocket, lag = LAG_MS;
  function Slow(url, protocols) {
    const ws = protocols === undefined ? new Native(url) : new Native(url, protocols);
    if (String(url).indexOf("/api/kernels/") === -1) { return ws; }
    const later = (fn) => function (ev) {
      const self = this;
      setTimeout(() => fn.call(self, ev), lag);
    };
    const add = ws.addEventListener.bind(ws);
    ws.addEventListener = (type, fn, opts) => add(type, type === "message" ? later(fn) : fn, opts);
    let handler = null;
    Object.defineProperty(ws, "onmessage", {
      get: () => handler,
      set: (fn) => { handler = fn; add("message", later((ev) => handler && handler(ev))); },
    });
    return ws;
  }
  Slow.prototype = Native.prototype;
  ["CONNECTING", "OPEN", "CLOSING", "CLOSED"].forEach((k) => { Slow[k] = Native[k]; });
  window.WebSocket = Slow;
})();""".replace("LAG_MS", str(LAG_MS))


def test_ask_right_behind_typing_on_a_slow_signal_sends_the_last_typing(room: Room) -> None:
    """Typing, a pause, more typing, "Ask" at once, on a phone that hears the server 0.4 s late:
    the phone holds the second edit until it hears the server took the first, while the click
    goes out at once and reaches the server first. The page asks the phone for one round trip
    (forms/_base.SettleProbe) before it acts, so every question stored is the whole text, five
    times in a row; the phone's own frames show the probe's echo after each click."""
    store = room.store
    _open_for(store, "leader-questions")
    group = store.list_groups()[2]
    name = "Penanya sinyal lemah"
    context = room.phone()
    context.add_init_script(SLOW_SIGNAL)
    try:
        page = context.new_page()
        echoes: list[float] = []  # when the phone sent the probe's echo
        page.on("websocket", lambda ws: ws.on(
            "framesent", lambda frame: echoes.append(time.monotonic())
            if isinstance(frame, str) and '"answered"' in frame else None))
        page.goto(room.server.url, wait_until="commit")
        page.locator(".cw-code input").wait_for(state="visible", timeout=LOAD)
        _join(page, group.code, name)
        box = page.locator(".cw-question-text textarea")
        box.wait_for(state="visible", timeout=STEP)
        asked = []
        for n in range(5):
            whole = f"Pertanyaan {n}: bagaimana kota ini dikenal warga dan dunia?"
            clicked = time.monotonic()
            box.fill(whole[:12])
            page.wait_for_timeout(LAG_MS // 2)  # the server has it; the phone has not heard yet
            box.fill(whole)  # held by the phone
            page.locator("button.cw-ask").click()  # goes out at once
            asked.append(whole)
            _eventually(lambda n=n: _assert_equal(len(_mine(store, name)), n + 1))
            _eventually(lambda: _assert_equal(box.input_value(), ""))
            assert any(e > clicked for e in echoes), f"question {n}: the phone echoed no probe"
        assert sorted(_mine(store, name)) == sorted(asked)
    finally:
        context.close()


def test_kirim_right_behind_typing_on_a_slow_signal_sends_the_last_typing(room: Room) -> None:
    """The same on a form ("Kirim", then "Ubah jawaban" and again, three times): the answer
    stored is the whole text each time."""
    store = room.store
    _open_for(store, "branding-definition")
    name = "Penulis sinyal lemah"
    context = room.phone()
    context.add_init_script(SLOW_SIGNAL)
    try:
        page = room.open(context)
        _join(page, store.list_groups()[2].code, name)
        box = page.locator(".cw-entry-text-1 textarea")
        for n in range(3):
            whole = f"Kota {n}: janji kepada warga yang ditepati, setiap hari"
            box.wait_for(state="visible", timeout=STEP)
            box.fill(whole[:8])
            page.wait_for_timeout(LAG_MS // 2)
            box.fill(whole)
            page.locator("button.cw-send").first.click()
            page.locator("button.cw-edit").wait_for(state="visible", timeout=STEP)
            latest = store.latest_answer("branding-definition", _me(store, name).id)
            assert latest is not None
            assert [e["text"] for e in latest.answer["entries"]] == [whole]
            page.locator("button.cw-edit").click()
    finally:
        context.close()


def _mine(store: WorkshopStore, name: str) -> list[str]:
    me = _me(store, name)
    return [r["text"] for r in store.question_rows("leader-questions")
            if r["participant_id"] == me.id]


# -- 3. the connection banner never covers "Kirim" --------------------------------------------

#: how far the page is scrolled: the window, and any box around the page that scrolls
_SCROLLED = """() => { let n = window.scrollY, e = document.querySelector('.cw-page');
  for (e = e && e.parentElement; e; e = e.parentElement) { n += e.scrollTop; } return n; }"""
#: how far it could scroll
_SCROLL_ROOM = """() => { let n = document.documentElement.scrollHeight - window.innerHeight;
  let e = document.querySelector('.cw-page');
  for (e = e && e.parentElement; e; e = e.parentElement) {
    n = Math.max(n, e.scrollHeight - e.clientHeight); } return n; }"""


#: the page's script (custom.js) has seen this screen: its kind and the heading shown now
_SEEN_BY_SCRIPT = """(screen) => { const el = document.querySelector('.cw-page');
  if (!el) return false;
  const shown = [...el.querySelectorAll('.cw-body h2')].find(h => h.getClientRects().length);
  return el.getAttribute('data-cw-screen') === screen + '|' + (shown ? shown.textContent : ''); }"""


def _scroll_to_end(page: Any, what: str) -> None:
    """Swipe down to the end of the page, as a participant does (whatever box scrolls)."""
    size = page.viewport_size
    page.mouse.move(size["width"] / 2, size["height"] / 2)
    page.mouse.wheel(0, 20_000)
    last = [-1.0]

    def settled() -> bool:
        now = page.evaluate(_SCROLLED)
        done = now > 0 and now == last[0]
        last[0] = now
        return done

    _wait_until(settled, 10, f"{what}: the page does not scroll")


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])


def _in_view(page: Any, box: dict[str, float]) -> bool:
    height = page.evaluate("window.innerHeight")
    return box["y"] >= 0 and box["y"] + box["height"] <= height


@pytest.mark.parametrize("size", [(360, 740), (390, 844)], ids=["360x740", "390x844"])
def test_the_connection_banner_never_covers_kirim(room: Room, size: tuple[int, int]) -> None:
    store = room.store
    _open_for(store, "disruptive-scoring")  # the longest form: "Kirim" far down the page
    width, height = size
    name = f"Sinyal {width}"
    context = room.phone(viewport={"width": width, "height": height})
    try:
        page = room.open(context)
        _join(page, store.list_groups()[3].code, name)
        send = page.locator("button.cw-send")
        send.wait_for(state="visible", timeout=STEP)
        assert not page.locator("#cw-offline").is_visible()
        context.set_offline(True)
        banner = page.locator("#cw-offline")
        banner.wait_for(state="visible", timeout=STEP)
        page.wait_for_timeout(500)  # the script makes room for it (every 200 ms)
        # wherever "Kirim" is when the participant reaches it: swiped to the end of the page,
        # or brought into view by the browser (a tap on a field, the keyboard's "next")
        for where in ("end of the page", "scrolled into view by the browser"):
            if where == "end of the page":
                _scroll_to_end(page, where)
            else:
                page.evaluate("document.querySelector('button.cw-send')"
                              ".scrollIntoView({block: 'start'})")
                page.wait_for_timeout(300)
            b, k = banner.bounding_box(), send.bounding_box()
            assert b is not None and k is not None and b["height"] > 0
            assert _in_view(page, b), f"{where}: the banner {b} is not on the screen"
            assert _in_view(page, k), f"{where}: Kirim {k} is not on the screen"
            assert not _overlap(b, k), f"{where}: the banner {b} covers Kirim {k} at {size}"
            send.click(trial=True, timeout=5_000)  # Kirim itself takes the tap
        context.set_offline(False)
        banner.wait_for(state="hidden", timeout=STEP)
        assert not page.evaluate("document.body.classList.contains('cw-is-offline')")
        assert _me(store, name) is not None
    finally:
        context.close()


# -- 4. back to the top on every screen change --------------------------------------------------

def _at_top(page: Any, screen: str, heading: str, what: str) -> None:
    """The new screen is shown from its top, its heading on the screen. It is tall enough
    that the old scroll position would still be possible (so the check can fail)."""
    page.wait_for_function(f"() => (document.querySelector('.cw-page') || {{className: ''}})"
                           f".className.includes('cw-screen-{screen}')", timeout=STEP)
    # the page's script has seen the whole new screen (its class and its heading can reach
    # the phone in two frames, and the script looks every 200 ms): a swipe after this is not
    # undone by the script's own move to the top
    page.wait_for_function(_SEEN_BY_SCRIPT, arg=screen, timeout=STEP)
    assert page.evaluate(_SCROLL_ROOM) > 0, f"{what}: the new screen is too short to tell"
    try:
        page.wait_for_function(f"() => ({_SCROLLED})() === 0", timeout=10_000)
    except Exception as err:  # playwright's TimeoutError
        raise AssertionError(f"{what}: the page stays scrolled by "
                             f"{page.evaluate(_SCROLLED)} px") from err
    box = page.locator(heading).first.bounding_box()
    assert box is not None and _in_view(page, box), f"{what}: {heading} is not on the screen"


def test_every_screen_change_starts_at_the_top(room: Room) -> None:
    store = room.store
    _close_current(store)
    # a phone with its keyboard up: 360 px wide, a short visible height
    context = room.phone(viewport={"width": 360, "height": 440})
    try:
        page = room.open(context)
        page.locator(".cw-code input").fill(store.list_groups()[5].code)
        _scroll_to_end(page, "join")
        page.locator("button.cw-join").click()
        _at_top(page, "wait", "h2.cw-h", "join -> wait")

        _scroll_to_end(page, "wait")
        store.start_timer("disruptive-scoring", 900)
        store.open_activity("disruptive-scoring")
        _at_top(page, "form", "h2.cw-h", "wait -> form")

        page.locator(".cw-score-digital_services-now button", has_text="2").click()
        _scroll_to_end(page, "form")
        clock = page.locator(".cw-timer-text").first.bounding_box()  # the countdown stays
        assert clock is not None and _in_view(page, clock), f"countdown scrolled away: {clock}"
        page.locator("button.cw-send").click()
        _at_top(page, "sent", ".cw-sent-heading", "form -> sent")

        _scroll_to_end(page, "sent")
        page.locator("button.cw-edit").click()
        _at_top(page, "form", "h2.cw-h", "sent -> form (Ubah jawaban)")

        _scroll_to_end(page, "form, before the facilitator moves on")
        assert store.advance() == "liveable-ideas"
        page.locator("h2.cw-h", has_text=store.activity("liveable-ideas").title.get("id")
                     ).first.wait_for(state="attached", timeout=STEP)
        _at_top(page, "form", "h2.cw-h", "form -> the next activity's form (facilitator)")
    finally:
        context.close()


# -- 5. change group ----------------------------------------------------------------------------

def test_change_group_keeps_earlier_answers_with_the_first_group(room: Room) -> None:
    store = room.store
    first, second = store.list_groups()[6], store.list_groups()[5]
    name = "Pindah Kelompok"
    _open_for(store, "branding-definition")
    context = room.phone()
    try:
        page = room.open(context)
        _join(page, first.code, name)
        page.locator(".cw-entry-text-1 textarea").wait_for(state="visible", timeout=STEP)
        page.locator(".cw-entry-text-1 textarea").fill("Ditulis di kelompok pertama")
        _send_and_wait(page)
        me = _me(store, name)

        page.locator("button.cw-switch-group").click()
        page.locator(".cw-code input").wait_for(state="visible", timeout=STEP)
        page.locator(".cw-code input").fill(second.code)
        page.locator("button.cw-join").click()
        page.locator(".cw-entry-text-1 textarea").wait_for(state="visible", timeout=STEP)
        assert page.locator(".cw-who").inner_text() == f"{name} · {second.name}"
        assert page.get_by_text(t("join.moved", "id", group=second.name)).first.is_visible()

        assert _me(store, name).id == me.id  # the same participant ...
        assert store.participant(me.id).group_id == second.id  # ... now in the second group
        (row,) = [r for r in store.answer_rows("branding-definition")
                  if r["participant_id"] == me.id]
        assert row["group_id"] == first.id and row["value_text"] == "Ditulis di kelompok pertama"

        page.locator(".cw-entry-text-1 textarea").fill("Ditulis di kelompok kedua")
        _send_and_wait(page)
        history = [(r["group_id"], r["value_text"]) for r in
                   store.answer_rows("branding-definition", history=True)
                   if r["participant_id"] == me.id]
        assert history == [(first.id, "Ditulis di kelompok pertama"),
                           (second.id, "Ditulis di kelompok kedua")]
    finally:
        context.close()


# -- 6. the nameless rejoin race ------------------------------------------------------------------

def test_a_nameless_reload_and_rejoin_at_once_five_times_is_one_participant(room: Room) -> None:
    store = room.store
    group = store.list_groups()[4]
    _open_for(store, "reflection")
    before = {p.id for p in store.list_participants()}
    context = room.phone()
    box = ".cw-entry-text-1 textarea"
    try:
        page = room.open(context)
        _join(page, group.code, "")
        page.locator(box).wait_for(state="visible", timeout=STEP)
        for n in range(1, 6):
            page.reload(wait_until="commit")
            # at once: whichever screen comes first, the participant acts on it
            page.locator(f".cw-code input, {box}").first.wait_for(state="visible", timeout=LOAD)
            if page.locator(".cw-code input").is_visible():
                with contextlib.suppress(Exception):  # the page took them back first: fine
                    page.locator(".cw-code input").fill(group.code, timeout=5_000)
                    page.locator("button.cw-join").click(timeout=5_000)
            page.locator(box).wait_for(state="visible", timeout=STEP)
            page.locator(box).fill(f"Refleksi ke-{n}")
            _send_and_wait(page)
            new = [p for p in store.list_participants() if p.id not in before]
            assert len(new) == 1, f"round {n}: {len(new)} participants for one nameless phone"
        (me,) = new
        assert me.name is None and me.group_id == group.id
        assert store.latest_answer("reflection", me.id).answer["entries"][0]["text"] == (
            "Refleksi ke-5")
        assert {r["participant_id"] for r in store.answer_rows("reflection", history=True)
                if r["participant_id"] not in before} == {me.id}
    finally:
        context.close()
