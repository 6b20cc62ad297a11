"""``cityworkshop compare`` of two demo workshops: build and write time.

Makes two demo workshops (40 participants, 5 groups, every activity answered; seeds 2008 and
2009, not timed) and times :func:`cityworkshop.compare.write_compare` of A and B, ``--runs``
times after one warm-up run (imports, content pack, plotly.js bundle): median and spread.
Also the command once in a fresh process. Baseline in the same run: loading both workshops'
answer rows of every activity into pandas
(``answer_rows`` -> ``answers_frame``). Target: median under 3 s. Writes the ``compare``
section of BENCHMARKS.md.

    .venv/bin/python bench/bench_compare.py [--runs 5] [--no-write]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import command, machine, write_section

TARGET_S = 3.0


def _timed(fn, runs: int) -> list[float]:
    fn()  # warm-up
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def _fmt(xs: list[float]) -> str:
    return (f"{statistics.median(xs) * 1000:.0f} ms (min {min(xs) * 1000:.0f}, "
            f"max {max(xs) * 1000:.0f})")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()

    from cityworkshop.analysis import answers_frame
    from cityworkshop.compare import write_compare
    from cityworkshop.demo import DEMO_SEED, make_demo
    from cityworkshop.kinds import kind_of

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        a = make_demo(folder / "a.db", seed=DEMO_SEED)
        b = make_demo(folder / "b.db", seed=DEMO_SEED + 1)
        try:
            acts = [x.id for x in a.pack.program.activities if not kind_of(x).board]

            def load() -> None:
                for store in (a, b):
                    for aid in acts:
                        answers_frame(store.answer_rows(aid))

            out = folder / "compare.html"
            baseline = _timed(load, args.runs)
            compare = _timed(lambda: write_compare(a, b, out, "id"), args.runs)
            size = out.stat().st_size
            t0 = time.perf_counter()  # the command as a facilitator runs it: imports included
            subprocess.run([sys.executable, "-m", "cityworkshop.cli", "compare", str(a.path),
                            str(b.path), "-o", str(folder / "cli.html")], check=True,
                           capture_output=True)
            cold = time.perf_counter() - t0
        finally:
            a.close()
            b.close()

    med = statistics.median(compare)
    ok = med < TARGET_S
    lines = [
        "## compare",
        "",
        f"- machine: {machine()}",
        f"- command: `{command()}`",
        (f"- `write_compare` of two demo workshops (40 participants, 5 groups each), median of "
        f"{args.runs} after a warm-up: **{_fmt(compare)}**; target < {TARGET_S:g} s: "
        f"{'met' if ok else 'NOT met'}"),
        (f"- baseline, same run: both workshops' answer rows of every activity into pandas "
        f"(`answer_rows` -> `answers_frame`): {_fmt(baseline)}"),
        (f"- the command `cityworkshop compare A B -o compare.html` once, in a fresh process "
        f"(imports of pandas and plotly included): {cold:.2f} s"),
        f"- file: {size / 1e6:.2f} MB (plotly.js inline, once)",
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        write_section("compare", text)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
