"""Screenshots of every live-results figure of a demo workshop, as the projector shows them.

Each figure that :class:`~cityworkshop.facilitator.LiveResults` draws (demo data and an empty
workshop, Bahasa Indonesia and English) is written to HTML with the installed plotly.js and
photographed in headless Chromium (Debian's ``/usr/bin/chromium``) at 1366x768, at the width of
a JupyterLab output area with the sidebars closed. Look at the PNGs: nothing clipped, nothing
overlapping, text readable from the back of the room.

    .venv/bin/python bench/shoot_charts.py [--out bench/shots] [--lang id] [--width 1260]

Also ``--report``: the same figures at the report's fixed width (900 px).
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Iterator
from pathlib import Path

import plotly.graph_objects as go

from cityworkshop.demo import make_demo
from cityworkshop.facilitator import LiveResults
from cityworkshop.facilitator.results import KINDS
from cityworkshop.store import WorkshopStore

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1366, "height": 768}
OUTPUT_WIDTH = 1186  # JupyterLab 4 at 1366 px, file browser closed: its output area (measured)


def live_figures(store: WorkshopStore, lang: str) -> Iterator[tuple[str, str, go.Figure]]:
    """``(activity id, figure name, figure)`` of every activity the projector shows."""
    for session in store.pack.program.sessions:
        for act in session.activities:
            if act.kind not in KINDS:
                continue
            store.reveal(act.id, True)
            results = LiveResults(store, act.id, lang)
            for name, fig in results.figures.items():
                yield act.id, name, fig


def write_html(fig: go.Figure, path: Path, width: int | None) -> None:
    """A page with the figure drawn by the plotly.js beside it (``plotly.min.js``), as wide as
    ``width`` (None: the figure's own width)."""
    style = f"width:{width}px;" if width else ""
    div = fig.to_html(full_html=False, include_plotlyjs="directory", div_id="fig",
                      config={"displaylogo": False, "responsive": True})
    path.write_text(
        "<!doctype html><html><head><meta charset='utf-8'></head>"
        "<body style='margin:0;padding:0 0 0 70px;background:#fff'>"
        f"<div style='{style}'>{div}</div></body></html>", encoding="utf-8")


def shoot(pages: list[Path], viewport: dict[str, int] = VIEWPORT, full_page: bool = True) -> None:
    """Screenshot each HTML page to a PNG beside it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport=viewport)
        for html in pages:
            page.goto(html.resolve().as_uri())
            page.wait_for_selector(".main-svg")
            page.wait_for_timeout(150)
            page.screenshot(path=str(html.with_suffix(".png")), full_page=full_page)
        browser.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "shots")
    ap.add_argument("--lang", action="append", help="id, en (default: both)")
    ap.add_argument("--width", type=int, default=OUTPUT_WIDTH)
    ap.add_argument("--report", action="store_true", help="at the report's width instead")
    ap.add_argument("--only", help="only figures whose file name contains this")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    from plotly.offline import get_plotlyjs

    (args.out / "plotly.min.js").write_text(get_plotlyjs(), encoding="utf-8")
    langs = args.lang or ["id", "en"]
    pages = []
    with tempfile.TemporaryDirectory() as tmp:
        demo = make_demo(Path(tmp) / "demo.db", seed=1)
        empty = WorkshopStore.create(Path(tmp) / "empty.db")
        for label, store in (("demo", demo), ("empty", empty)):
            for lang in langs:
                for aid, name, fig in live_figures(store, lang):
                    stem = f"{label}-{lang}-{aid}-{name}"
                    if args.only and args.only not in stem:
                        continue
                    path = args.out / f"{stem}.html"
                    if args.report:
                        from cityworkshop.report.html import CHART_WIDTH

                        fig.update_layout(width=CHART_WIDTH)
                        path = args.out / f"report-{stem}.html"
                    write_html(fig, path, None if args.report else args.width)
                    pages.append(path)
                    print(f"{stem}: height {fig.layout.height}")
        demo.close()
        empty.close()
    shoot(pages)
    print(f"{len(pages)} screenshots in {args.out}")


if __name__ == "__main__":
    main()
