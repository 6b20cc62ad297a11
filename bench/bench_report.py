"""The workshop report of the demo day: build time and file size.

Builds the report of a fresh demo workshop (40 participants, 5 groups, every activity answered)
with :func:`cityworkshop.report.build_report`, ``--runs`` times after one warm-up run, and
reports the median and the spread, split into the raw store read and the rest. Baselines in the
same run: the raw store read alone (``answer_rows``/``question_rows`` of every activity) and
``plotly.io.to_html`` of one figure with plotly.js inline. Targets: median under 3 s; size at
most the plotly.js bundle + 1 MB. Writes the ``report`` section of BENCHMARKS.md.

    /work/venv/bin/python bench/bench_report.py [--runs 5] [--no-write]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import command, machine, write_section  # noqa: E402

TARGET_S = 3.0
MB = 1_000_000


def _timed(fn, runs: int) -> list[float]:
    fn()  # warm-up: imports, content pack, first plotly template
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()

    import plotly.graph_objects as go
    import plotly.io as pio
    from plotly.offline import get_plotlyjs

    from cityworkshop.demo import make_demo
    from cityworkshop.report import build_report

    with tempfile.TemporaryDirectory() as tmp:
        store = make_demo(Path(tmp) / "d.db")
        try:
            acts = store.pack.program.activities

            def read() -> None:
                for a in acts:
                    store.rows_of(a)  # answer_rows, or question_rows for a board

            html: dict[str, str] = {}

            def build() -> None:
                html["id"] = build_report(store, "id")

            fig = go.Figure(go.Bar(x=[1, 2, 3], y=[3, 1, 2]))
            report = _timed(build, args.runs)
            raw = _timed(read, args.runs)
            one = _timed(lambda: pio.to_html(fig, include_plotlyjs=True, full_html=True),
                         args.runs)
            n_charts = html["id"].count('class="cw-chart"')
        finally:
            store.close()
    size = len(html["id"].encode("utf-8"))
    bundle = len(get_plotlyjs().encode("utf-8"))
    med = statistics.median(report)
    ok_time, ok_size = med < TARGET_S, size <= bundle + MB
    md = "\n".join([
        "## Report: the demo workshop as one HTML file",
        "",
        f"{machine()}",
        "",
        f"Command: `{command()}`",
        "",
        f"`build_report(store, 'id')` on a fresh demo workshop (40 participants, 5 groups, 13 "
        f"activities, {n_charts} charts); median of {args.runs} runs after one warm-up.",
        "",
        "| what | median | min | max |",
        "|---|---|---|---|",
        f"| report built (target < {TARGET_S:.0f} s) | {med:.2f} s | {min(report):.2f} s | "
        f"{max(report):.2f} s |",
        f"| baseline: raw store read of every activity | {statistics.median(raw)*1000:.0f} ms | "
        f"{min(raw)*1000:.0f} ms | {max(raw)*1000:.0f} ms |",
        f"| baseline: `plotly.io.to_html` of one bar chart, plotly.js inline | "
        f"{statistics.median(one)*1000:.0f} ms | {min(one)*1000:.0f} ms | "
        f"{max(one)*1000:.0f} ms |",
        "",
        f"Size: {size/MB:.2f} MB = plotly.js bundle {bundle/MB:.2f} MB + "
        f"{(size-bundle)/MB:.2f} MB of report (target: bundle + 1 MB).",
        "",
        f"Result: time {'OK' if ok_time else 'OVER TARGET'}, size "
        f"{'OK' if ok_size else 'OVER TARGET'}.",
    ])
    print(md)
    if not args.no_write:
        write_section("report", md)
    return 0 if ok_time and ok_size else 1


if __name__ == "__main__":
    sys.exit(main())
