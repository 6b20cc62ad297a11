"""Participant page: from the facilitator's "next activity" to the new form visible on a phone.

Target (issue 3): the new form within 3 s of the facilitator's click, for every activity of the
day. The page polls the store; the baseline measured in the same run is the time the browser
needs to show a change that needs no poll at all: a reload of the page's static HTML (the
Voila page's own first paint of an already-running kernel is not reachable from outside), so
the ratio says how much of the wait is ours.

    .venv/bin/python bench/bench_advance.py [--rounds 2]

Needs Debian's Chromium at /usr/bin/chromium; the server listens on 127.0.0.1 and is stopped
by its PID.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import command, machine, write_section  # noqa: E402

from cityworkshop.participant import POLL_SECONDS  # noqa: E402
from cityworkshop.serve import start_participant_server  # noqa: E402
from cityworkshop.store import WorkshopStore  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rounds", type=int, default=2, help="passes through the whole program")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="cw-bench-advance-"))
    for var in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        (tmp / var.lower()).mkdir()
        os.environ[var] = str(tmp / var.lower())
    db = tmp / "w.db"
    store = WorkshopStore.create(db, groups=5, seed=3)
    code = store.list_groups()[0].code
    order = [a.id for a in store.pack.program.activities]
    timings: dict[str, list[float]] = {a: [] for a in order}
    server = start_participant_server(db, host="127.0.0.1", port=free_port())
    try:
        server.wait_ready(60)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 390, "height": 844})
            page.goto(server.url, wait_until="commit")
            page.locator(".cw-code input").wait_for(state="visible", timeout=90_000)
            page.locator(".cw-code input").fill(code)
            page.locator("button.cw-join").click()
            page.locator("button.cw-check").wait_for(state="visible", timeout=30_000)
            for _ in range(args.rounds):
                for _ in order:
                    started = time.monotonic()
                    current = store.advance()
                    assert current is not None
                    title = store.activity(current).title.get("id")
                    page.locator("h2.cw-h", has_text=title).first.wait_for(
                        state="visible", timeout=30_000)
                    timings[current].append(time.monotonic() - started)
                store.advance()  # past the last one: the waiting screen again
                page.locator("button.cw-check").wait_for(state="visible", timeout=30_000)
            # Baseline: how long the same browser takes to paint a small static page change.
            base = []
            for _ in range(5):
                t0 = time.monotonic()
                page.set_content("<h2 class='x'>ok</h2>")
                page.locator("h2.x").wait_for(state="visible")
                base.append(time.monotonic() - t0)
            browser.close()
    finally:
        server.stop()
        store.close()

    all_times = [x for v in timings.values() for x in v]
    worst = max(all_times)
    med = statistics.median(all_times)
    baseline = statistics.median(base)
    rows = "\n".join(
        f"| {a} | {statistics.median(v):.2f} | {max(v):.2f} |" for a, v in timings.items())
    text = (
        f"{machine()}; Chromium 390x844; poll every {POLL_SECONDS:g} s; {args.rounds} passes "
        f"through the {len(order)} activities.\n\n"
        "| activity | median (s) | worst (s) |\n|---|---|---|\n" + rows + "\n\n"
        f"All activities: median {med:.2f} s, worst {worst:.2f} s (target: every one under 3 s: "
        f"{'met' if worst < 3 else 'NOT met'}). Baseline in the same browser, a static paint: "
        f"{baseline * 1000:.0f} ms; the rest is the poll interval (on average half of "
        f"{POLL_SECONDS:g} s), the kernel building the form and the widgets' first paint.\n\n"
        f"Command: `{command()}`")
    print(text)
    write_section("advance", "## Participant page follows the facilitator\n\n" + text)


if __name__ == "__main__":
    main()
