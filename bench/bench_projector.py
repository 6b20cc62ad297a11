"""The projector follows the room: a participant's submit to the change on the facilitator's
screen, and "Tampilkan hasil" to the charts shown, in a real JupyterLab in Chromium.

Targets (issue 9, "Speed"):

1. a submit through the store (``WorkshopStore.submit`` from another process, as the participant
   server does) to the change on the facilitator's screen: the control panel's "n dari N" count
   and the chart's ``(n=k)`` labels, p95 <= 1 s over 20 submits;
2. a click of "Tampilkan hasil" to the charts shown, p95 <= 0.5 s over 20 clicks (each after a
   "Sembunyikan hasil");
3. baseline in the same run, same page: the same chart redrawn by hand, a button whose click
   empties the chart's output and calls ``LiveResults.refresh(force=True)`` in the kernel
   (kernel round trip, figure built, plotly drawing it anew), 20 clicks.

The JupyterLab is the one ``cityworkshop up`` starts (``cityworkshop.lab.lab_command``: presenter
view, our settings, 127.0.0.1 with a token) on a fresh workshop of 20 participants in 5 groups;
one bench notebook in its folder holds ``ControlPanel`` and ``LiveResults`` of the satisfaction
activity (a scale of one dimension: mean bars labelled ``mean (n=count)``) and the redraw
button. A ``MutationObserver`` in the page stamps the first DOM change that shows the new
state, and the animation frame after it (the screen), on the page's clock
(``performance.timeOrigin + performance.now()``, epoch ms, compared with Python's
``time.time()`` on the same machine); clicks are stamped by a listener in the page.

    .venv/bin/python bench/bench_projector.py [--submits 20] [--reveals 20] [--no-write]

About 2 minutes on 2 cores. Debian's Chromium (/usr/bin/chromium), never a downloaded one; the
server listens on 127.0.0.1 and is stopped by its process id.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import command, free_port, machine, pct, write_section

from cityworkshop.lab import lab_command, prepare_notebook
from cityworkshop.serve import child_options, stop_process
from cityworkshop.store import WorkshopStore

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEW = {"width": 1366, "height": 768}
AID = "satisfaction"
GROUPS, PER_GROUP = 5, 4
NOTEBOOK = "bench_projector.ipynb"
RESULTS = f".cw-results-for-{AID}"

CELLS = [
    ("import os\n"
     "import ipywidgets as widgets\n"
     "from cityworkshop.facilitator import ControlPanel, LiveResults\n"
     "from cityworkshop.store import WorkshopStore\n"
     f"store = WorkshopStore(os.environ['CITYWORKSHOP_DB'])\nAID = {AID!r}"),
    "panel = ControlPanel(store, AID, 'id')\npanel",
    "live = LiveResults(store, AID, 'id')\nlive",
    ("# the baseline: the same chart redrawn by hand\n"
     "redraw = widgets.Button(description='Gambar ulang')\nredraw.add_class('cw-bench-redraw')\n"
     "def by_hand(_):\n"
     "    live.outputs['bars'].outputs = ()  # else the same figure is no change to send\n"
     "    live.refresh(force=True)\n"
     "redraw.on_click(by_hand)\nredraw"),
]

# Stamps, on the page's clock (epoch ms): the first mutation showing what `want` describes, and
# the animation frame after it; the last click on a watched button.
OBSERVER = """() => {
  const now = () => performance.timeOrigin + performance.now();
  window.__bench = {want: null, seen: {}, click: null};
  const plot = () => document.querySelector('%(results)s .js-plotly-plot');
  const checks = {
    count: w => (document.querySelector('.cw-control-panel .cw-count')?.textContent || '')
                  .startsWith(w.n + ' dari '),
    chart: w => { const p = plot(); return !!p && !p.__old &&
                  (p.textContent || '').includes('(n=' + w.n + ')'); },
    shown: w => { const p = plot(); return !!p && !p.__old && !!p.querySelector('.main-svg') &&
                  (p.textContent || '').includes('(n='); },
  };
  new MutationObserver(() => {
    const w = window.__bench.want;
    if (!w) return;
    for (const name of w.watch) {
      if (window.__bench.seen[name] || !checks[name](w)) continue;
      const hit = {dom: now(), frame: null};
      window.__bench.seen[name] = hit;
      requestAnimationFrame(() => { hit.frame = now(); });
    }
  }).observe(document.body, {subtree: true, childList: true, characterData: true,
                             attributes: true, attributeFilter: ['class', 'style']});
  document.addEventListener('click', e => {
    if (e.target.closest('.cw-reveal-button, .cw-bench-redraw')) window.__bench.click = now();
  }, true);
}""".replace("%(results)s", RESULTS)
ARM = """(w) => {
  const p = document.querySelector('%(results)s .js-plotly-plot');
  if (p) p.__old = true;  // a redraw must bring a new plot
  window.__bench.seen = {}; window.__bench.click = null; window.__bench.want = w;
}""".replace("%(results)s", RESULTS)
DONE = "(names) => names.every(n => window.__bench.seen[n] && window.__bench.seen[n].frame)"






def make_workshop(folder: Path) -> tuple[Path, list[str]]:
    """A fresh workshop: 20 participants joined, the activity open and its results shown."""
    db = folder / "projector.db"
    store = WorkshopStore.create(db, groups=GROUPS, seed=7)
    people = [store.join(g.code, f"Peserta {g.name} {i}", device=f"dev-{g.id}-{i}").id
              for g in store.list_groups() for i in range(PER_GROUP)]
    store.open_activity(AID)
    store.reveal(AID, True)
    store.close()
    return db, people


def write_notebook(folder: Path) -> Path:
    def cell(i: int, src: str) -> dict:
        return {"cell_type": "code", "id": f"bench-{i}", "metadata": {}, "source": src,
                "outputs": [], "execution_count": None}

    nb = {"nbformat": 4, "nbformat_minor": 5,
          "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                      "language": "python"}},
          "cells": [cell(i, s) for i, s in enumerate(CELLS)]}
    path = folder / NOTEBOOK
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    prepare_notebook(path)
    return path


def wait_http(url: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"JupyterLab did not answer at {url}")


def answer(store: WorkshopStore, k: int) -> dict:
    scores = {it.id: {"score": 1 + (k + i) % 5} for i, it in enumerate(store.activity(AID).items)}
    return {"scores": scores}


def seen(page, name: str) -> dict:
    return page.evaluate(f"window.__bench.seen[{name!r}]")


def measure(args: argparse.Namespace) -> dict:
    rng = random.Random(9)
    res: dict = {"submit_count": [], "submit_chart": [], "submit_store": [], "reveal": [],
                 "reveal_panel": [], "redraw": []}
    with tempfile.TemporaryDirectory(prefix="bench-projector-") as tmp:
        db, people = make_workshop(Path(tmp))
        launch = lab_command(db, free_port(), "id", None)
        write_notebook(launch.folder)
        with open(Path(tmp) / "lab.log", "wb") as log:
            lab = subprocess.Popen(launch.cmd, env=launch.env, stdout=log, stderr=log,
                                   stdin=subprocess.DEVNULL, **child_options())
        print(f"JupyterLab pid {lab.pid} on 127.0.0.1:{launch.port}", flush=True)
        try:
            token = launch.url.split("?", 1)[1]
            wait_http(f"http://127.0.0.1:{launch.port}/api/status?{token}")
            url = launch.url.replace("00_ikhtisar.ipynb", NOTEBOOK)
            with sync_playwright() as p, WorkshopStore(db) as store:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                page = browser.new_context(viewport=VIEW).new_page()
                page.goto(url, wait_until="domcontentloaded")
                page.locator(".jp-Notebook").first.wait_for(timeout=120_000)
                page.get_by_text("| Idle").first.wait_for(state="attached", timeout=120_000)
                page.get_by_role("menuitem", name="Run", exact=True).click()
                page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
                page.locator(".cw-bench-redraw").wait_for(timeout=120_000)
                page.locator(f"{RESULTS} .js-plotly-plot .main-svg").first.wait_for(
                    timeout=60_000)
                page.evaluate(OBSERVER)
                page.wait_for_timeout(2000)
                panel = page.locator(".cw-control-panel").first

                # 1. submits through the store, from this process (as the participant server)
                print(f"{args.submits} submits ...", flush=True)
                for k in range(1, args.submits + 1):
                    page.wait_for_timeout(rng.uniform(600, 1400))  # any phase of the polls
                    page.evaluate(ARM, {"n": k, "watch": ["count", "chart"]})
                    t0 = time.time()
                    store.submit(AID, people[k - 1], answer(store, k))
                    t1 = time.time()
                    page.wait_for_function(DONE, arg=["count", "chart"], timeout=20_000)
                    res["submit_store"].append(t1 - t0)
                    res["submit_count"].append(seen(page, "count")["frame"] / 1000 - t0)
                    res["submit_chart"].append(seen(page, "chart")["frame"] / 1000 - t0)
                n = args.submits

                # 2. "Tampilkan hasil" after "Sembunyikan hasil", clicked in the page
                print(f"{args.reveals} reveals ...", flush=True)
                for _ in range(args.reveals):
                    panel.locator(".cw-hide-button").click()
                    page.locator(f"{RESULTS} .cw-hidden-note").wait_for(timeout=20_000)
                    page.wait_for_timeout(rng.uniform(600, 1400))
                    page.evaluate(ARM, {"n": n, "watch": ["shown"]})
                    t0 = time.time()
                    panel.locator(".cw-reveal-button").click()
                    t1 = time.time()
                    page.wait_for_function(DONE, arg=["shown"], timeout=20_000)
                    click = page.evaluate("window.__bench.click") / 1000
                    res["reveal"].append(seen(page, "shown")["frame"] / 1000 - click)
                    res["reveal_panel"].append(t1 - t0)

                # 3. baseline: the same chart redrawn by hand (kernel refresh, plotly draw)
                print(f"{args.reveals} redraws by hand ...", flush=True)
                for _ in range(args.reveals):
                    page.wait_for_timeout(rng.uniform(600, 1400))
                    page.evaluate(ARM, {"n": n, "watch": ["shown"]})
                    page.locator(".cw-bench-redraw").click()
                    page.wait_for_function(DONE, arg=["shown"], timeout=20_000)
                    click = page.evaluate("window.__bench.click") / 1000
                    res["redraw"].append(seen(page, "shown")["frame"] / 1000 - click)
                browser.close()
        finally:
            stop_process(lab)
            print(f"JupyterLab pid {lab.pid} stopped", flush=True)
    return res


def report(args: argparse.Namespace, r: dict, wall: float) -> str:
    def cell(xs: list[float]) -> str:
        return f"{pct(xs, 50):.2f} / {pct(xs, 95):.2f} (max {max(xs):.2f})"

    def verdict(ok: bool) -> str:
        return "met" if ok else "**not met**"

    base = statistics.median(r["redraw"])

    def ratio(xs: list[float]) -> str:
        return f"{statistics.median(xs) / base:.2f}x" if base > 0 else ""

    c95, h95, v95 = pct(r["submit_count"], 95), pct(r["submit_chart"], 95), pct(r["reveal"], 95)
    s, v = args.submits, args.reveals
    rows = [
        "| measure (s) | p50 / p95 | median / baseline's | target | |",
        "|---|---|---|---|---|",
        (f"| **submit -> \"n dari N\" count changed on the screen** ({s} submits) | "
         f"**{cell(r['submit_count'])}** | {ratio(r['submit_count'])} | p95 <= 1 | "
         f"{verdict(c95 <= 1.0)} |"),
        (f"| **submit -> chart redrawn with the new answer** (`(n=k)`) ({s} submits) | "
         f"**{cell(r['submit_chart'])}** | {ratio(r['submit_chart'])} | p95 <= 1 | "
         f"{verdict(h95 <= 1.0)} |"),
        f"| of which: `store.submit` itself | {cell(r['submit_store'])} | | | |",
        (f"| **\"Tampilkan hasil\" click -> charts shown** ({v} clicks) | "
         f"**{cell(r['reveal'])}** | {ratio(r['reveal'])} | p95 <= 0.5 | {verdict(v95 <= 0.5)} |"),
        (f"| baseline: the same chart redrawn by hand (a button: output emptied, "
         f"`LiveResults.refresh(force=True)`) ({v} clicks) | {cell(r['redraw'])} | 1.00x | | |"),
    ]
    return (
        f"{machine()}; one headless Chromium {VIEW['width']}x{VIEW['height']}; JupyterLab as "
        f"`cityworkshop up` starts it (presenter view, 127.0.0.1); a fresh workshop of "
        f"{GROUPS * PER_GROUP} participants in {GROUPS} groups, activity `{AID}` (mean bars); "
        f"whole run {wall:.0f} s.\n\n"
        f"Command: `{command()}`\n\n"
        "Times are from the submit's call (this process, through the store, as the participant "
        "server writes) or the click (stamped in the page) to the animation frame after the "
        "first DOM change that shows it (a `MutationObserver` in the page; page clock "
        "`performance.timeOrigin + performance.now()` against Python's `time.time()`, same "
        "machine). A random 0.6-1.4 s pause before each, so the submits fall at any phase of "
        "the change watcher's polls. The baseline is the same figure drawn by a button in the "
        "same page: kernel round trip, figures built, plotly drawing; what the live path adds "
        "to it is the change watcher's noticing.\n\n"
        + "\n".join(rows) + "\n")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--submits", type=int, default=20)
    ap.add_argument("--reveals", type=int, default=20)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    if args.submits > GROUPS * PER_GROUP:
        ap.error(f"--submits at most {GROUPS * PER_GROUP} (one per participant)")
    start = time.monotonic()
    r = measure(args)
    md = report(args, r, time.monotonic() - start)
    print(md)
    if not args.no_write:
        write_section("projector", "## Projector follows the room (JupyterLab in Chromium)\n\n"
                      + md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
