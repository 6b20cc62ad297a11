"""Participant page: time from request to form visible, and kernel memory, against a bare Voila
notebook with one slider measured in the same run.

Targets (issue 2): time at most 1.5x the bare page; kernel memory at most 1.5x the bare kernel.

    .venv/bin/python bench/bench_page.py [--rounds 5]

Needs Debian's Chromium at /usr/bin/chromium. Servers listen on 127.0.0.1 only and are stopped
by their process id at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import machine, write_section  # noqa: E402

from cityworkshop.serve import start_participant_server  # noqa: E402
from cityworkshop.store import WorkshopStore  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

BARE_NOTEBOOK = {
    "cells": [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
               "source": ["import ipywidgets as widgets\n", "widgets.IntSlider(description='x')"]}],
    "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                "name": "python3"}},
    "nbformat": 4, "nbformat_minor": 5,
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


class BareServer:
    """Voila on a one-slider notebook, with the same flags as the participant page."""

    def __init__(self, folder: Path, env: dict[str, str]):
        nb = folder / "bare.ipynb"
        nb.write_text(json.dumps(BARE_NOTEBOOK))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "voila", str(nb), "--no-browser", "--Voila.ip=127.0.0.1",
             f"--port={self.port}", "--Voila.port_retries=0"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port(self.port)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()


def kernel_memory(server_pid: int) -> tuple[float, float]:
    """RSS and USS (MiB) of the newest kernel process started by the server."""
    kids = [p for p in psutil.Process(server_pid).children(recursive=True)
            if "ipykernel" in " ".join(p.cmdline())]
    if not kids:
        raise RuntimeError("no kernel process found")
    newest = max(kids, key=lambda p: p.create_time())
    info = newest.memory_full_info()
    return info.rss / 2**20, info.uss / 2**20


def time_page(browser, url: str, selector: str, server_pid: int) -> tuple[float, float, float]:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    t0 = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_selector(selector, state="visible", timeout=60_000)
    elapsed = time.perf_counter() - t0
    time.sleep(1.0)  # let the kernel settle after the last widget message
    rss, uss = kernel_memory(server_pid)
    page.close()
    time.sleep(0.5)
    return elapsed, rss, uss


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--preheat", type=int, default=2, help="pool size of the preheated server")
    ap.add_argument("--pause", type=float, default=4.0,
                    help="seconds between visits to the preheated server (pool refill)")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="cw-bench-page-"))
    env = dict(os.environ)
    for var in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        (tmp / var.lower()).mkdir()
        env[var] = str(tmp / var.lower())
    os.environ.update(env)
    db = tmp / "w.db"
    with WorkshopStore.create(db, groups=5, seed=1) as store:
        store.open_activity("disruptive-scoring")

    bare = BareServer(tmp, env)
    ours = start_participant_server(db, host="127.0.0.1", port=free_port(), lang="id")
    ours.wait_ready(60)
    warm = start_participant_server(db, host="127.0.0.1", port=free_port(), lang="id",
                                    preheat=args.preheat)
    warm.wait_ready(60)
    results: dict[str, list[tuple[float, float, float]]] = {"bare": [], "ours": [], "warm": []}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            # One warm-up each: the first request pays for imports in the server process.
            time_page(browser, bare.url, ".widget-slider", bare.process.pid)
            time_page(browser, ours.url, ".cw-code", ours.pid)
            time_page(browser, warm.url, ".cw-code", warm.pid)
            for _ in range(args.rounds):
                results["bare"].append(time_page(browser, bare.url, ".widget-slider",
                                                 bare.process.pid))
                results["ours"].append(time_page(browser, ours.url, ".cw-code", ours.pid))
                time.sleep(args.pause)  # the pool refills in the background, as between visitors
                results["warm"].append(time_page(browser, warm.url, ".cw-code", warm.pid))
            browser.close()
    finally:
        bare.stop()
        ours.stop()
        warm.stop()

    def med(name: str, i: int) -> float:
        return statistics.median(r[i] for r in results[name])

    t_bare, t_ours, t_warm = med("bare", 0), med("ours", 0), med("warm", 0)
    rss_bare, rss_ours = med("bare", 1), med("ours", 1)
    uss_bare, uss_ours = med("bare", 2), med("ours", 2)
    lines = [
        f"{machine()}; "
        f"median of {args.rounds} rounds after one warm-up each, Chromium 390x844.",
        "",
        "| measure | bare Voila + 1 slider | participant page | ratio | target |",
        "|---|---|---|---|---|",
        f"| request -> form visible (s) | {t_bare:.2f} | {t_ours:.2f} | "
        f"{t_ours / t_bare:.2f}x | <= 1.5x |",
        f"| same, preheated pool of {args.preheat} (`cityworkshop serve` default) (s) | "
        f"{t_bare:.2f} | {t_warm:.2f} | {t_warm / t_bare:.2f}x | <= 1.5x |",
        f"| kernel RSS after render (MiB) | {rss_bare:.0f} | {rss_ours:.0f} | "
        f"{rss_ours / rss_bare:.2f}x | <= 1.5x |",
        f"| kernel USS after render (MiB) | {uss_bare:.0f} | {uss_ours:.0f} | "
        f"{uss_ours / uss_bare:.2f}x | |",
        "",
        "Command: `.venv/bin/python bench/bench_page.py --rounds "
        f"{args.rounds}`",
    ]
    text = "\n".join(lines)
    print(text)
    write_section("page", "## Participant page: load time and kernel memory\n\n" + text)


if __name__ == "__main__":
    main()
