"""The demo workshop: how long ``make_demo`` takes (was the test ``test_make_demo_is_fast``).

Makes the demo workshop (40 participants in 5 groups, every activity of the day answered) into a
fresh file with :func:`cityworkshop.demo.make_demo`, ``--runs`` times after one warm-up run, and
reports the median and the spread. Baselines in the same run, each on a fresh file too:
``WorkshopStore.create`` of the same program with 5 groups (schema, content pack and group
codes: the floor under the demo), and the demo's rows written by bare ``sqlite3`` (WAL, one
``BEGIN IMMEDIATE`` transaction per submission with its answer rows, into a two-table schema of
its own): what the store adds per write. Target: median under 2 s. Writes the ``demo`` section
of BENCHMARKS.md.

    .venv/bin/python bench/bench_demo.py [--runs 5] [--no-write]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import command, machine, write_section  # noqa: E402

TARGET_S = 2.0


def _timed(make: Callable[[Path], None], folder: Path, runs: int) -> list[float]:
    """Seconds of ``make(path)`` on a fresh path each time, after one warm-up run."""
    make(folder / "warm-up.db")  # imports, content pack, first queries
    out = []
    for n in range(runs):
        path = folder / f"run-{n}.db"
        t0 = time.perf_counter()
        make(path)
        out.append(time.perf_counter() - t0)
    return out


def _counts(path: Path) -> tuple[int, int, int]:
    con = sqlite3.connect(path)
    try:
        return tuple(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore
                     for table in ("participants", "submissions", "answers"))
    finally:
        con.close()


def _bare(path: Path, submissions: int, answers: int) -> None:
    """The same number of writes with nothing but sqlite3: one transaction per submission."""
    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.execute("PRAGMA journal_mode = WAL")
        con.execute("PRAGMA synchronous = NORMAL")
        con.execute("CREATE TABLE submissions (id INTEGER PRIMARY KEY, at TEXT)")
        con.execute("CREATE TABLE answers (submission INTEGER, field TEXT, value TEXT)")
        per, extra = divmod(answers, submissions)
        for n in range(submissions):
            con.execute("BEGIN IMMEDIATE")
            cur = con.execute("INSERT INTO submissions (at) VALUES (datetime('now'))")
            con.executemany("INSERT INTO answers VALUES (?, ?, ?)",
                            [(cur.lastrowid, f"f{k}", "x") for k in range(per + (n < extra))])
            con.execute("COMMIT")
    finally:
        con.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()

    from cityworkshop.demo import make_demo
    from cityworkshop.store import WorkshopStore

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "demo").mkdir()
        (folder / "create").mkdir()
        (folder / "bare").mkdir()
        demo = _timed(lambda p: make_demo(p).close(), folder / "demo", args.runs)
        people, subs, rows = _counts(folder / "demo" / "warm-up.db")
        create = _timed(lambda p: WorkshopStore.create(p, groups=5, seed=7).close(),
                        folder / "create", args.runs)
        bare = _timed(lambda p: _bare(p, subs, rows), folder / "bare", args.runs)

    med, med_create, med_bare = (statistics.median(x) for x in (demo, create, bare))
    ok = med < TARGET_S

    def row(what: str, xs: list[float], ratio: str) -> str:
        return (f"| {what} | {statistics.median(xs)*1000:.0f} ms | {min(xs)*1000:.0f} ms | "
                f"{max(xs)*1000:.0f} ms | {ratio} |")

    md = "\n".join([
        "## Demo workshop: `make_demo`",
        "",
        f"{machine()}",
        "",
        f"Command: `{command()}`",
        "",
        (f"`make_demo` into a fresh file: {people} participants in 5 groups, {subs} submissions "
         f"with {rows} answer rows; median of {args.runs} runs after one warm-up, each baseline "
         "on fresh files in the same run."),
        "",
        "| what | median | min | max | demo / this |",
        "|---|---|---|---|---|",
        row(f"`make_demo` (target < {TARGET_S:.0f} s)", demo, "1.0"),
        row("baseline: `WorkshopStore.create`, 5 groups (schema, content pack, codes)", create,
            f"{med / med_create:.1f}"),
        row(f"baseline: bare `sqlite3`, {subs} transactions of the same rows", bare,
            f"{med / med_bare:.1f}"),
        "",
        f"Result: {'OK' if ok else 'OVER TARGET'}.",
    ])
    print(md)
    if not args.no_write:
        write_section("demo", md)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
