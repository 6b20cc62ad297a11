"""Store under a full room: 40 processes submit 25 answers each at once to one workshop database.

Each process opens the workshop with the public API (``WorkshopStore``), joins a group and, once
all 40 are ready, submits 25 valid scale answers (10 criteria x now/target) to the open scoring
activity. Baseline, same run, same load: a bare ``sqlite3`` INSERT of one row per submission into
a WAL database with ``BEGIN IMMEDIATE`` and a busy timeout (no validation, no SQLAlchemy).
Reports rows stored (all 1,000 must be there), p50/p95/p99/max latency per submit, wall time and
throughput, and writes them into the ``store-concurrency`` section of BENCHMARKS.md.

    /work/venv/bin/python bench/bench_store.py [--procs 40] [--per-proc 25] [--no-write]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import command, machine, write_section  # noqa: E402

ACTIVITY = "disruptive-scoring"
BUSY_TIMEOUT_MS = 30_000


def _store_worker(path: str, code: str, index: int, n: int, barrier, results) -> None:
    from cityworkshop.store import WorkshopStore

    rng = random.Random(index)
    latencies: list[float] = []
    errors: list[str] = []
    with WorkshopStore(path) as store:
        me = store.join(code, f"Peserta {index:02d}")
        items = [it.id for it in store.activity(ACTIVITY).items]
        barrier.wait()
        for _ in range(n):
            now = {i: rng.randint(1, 4) for i in items}
            answer = {"scores": {i: {"now": now[i], "target": rng.randint(now[i], 5)}
                                 for i in items}}
            t0 = time.perf_counter()
            try:
                store.submit(ACTIVITY, me.id, answer)
            except Exception as e:  # counted, and the row check below fails
                errors.append(f"{type(e).__name__}: {e}")
            latencies.append(time.perf_counter() - t0)
    results.put((latencies, errors))


def _raw_worker(path: str, code: str, index: int, n: int, barrier, results) -> None:
    latencies: list[float] = []
    errors: list[str] = []
    con = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    con.execute("PRAGMA synchronous = NORMAL")  # as the store sets it
    barrier.wait()
    for k in range(n):
        t0 = time.perf_counter()
        try:
            con.execute("BEGIN IMMEDIATE")
            con.execute("INSERT INTO submissions (subject, value, created_at) VALUES (?, ?, ?)",
                        (f"p:{index}", k, time.time()))
            con.execute("COMMIT")
        except sqlite3.Error as e:
            errors.append(f"{type(e).__name__}: {e}")
        latencies.append(time.perf_counter() - t0)
    con.close()
    results.put((latencies, errors))


def _run(worker, path: Path, codes: list[str], procs: int, per_proc: int, ctx) -> dict:
    barrier = ctx.Barrier(procs + 1)
    results = ctx.Queue()
    workers = [ctx.Process(target=worker, args=(str(path), codes[i % len(codes)], i, per_proc,
                                                barrier, results)) for i in range(procs)]
    for w in workers:
        w.start()
    barrier.wait(timeout=300)  # every worker has opened the database and joined
    t0 = time.perf_counter()
    collected = [results.get(timeout=600) for _ in workers]
    wall = time.perf_counter() - t0
    for w in workers:
        w.join(60)
    lat = sorted(x for latencies, _ in collected for x in latencies)
    errors = [e for _, errs in collected for e in errs]
    q = statistics.quantiles(lat, n=100, method="inclusive")
    return {"n": len(lat), "errors": errors, "wall": wall, "p50": q[49], "p95": q[94],
            "p99": q[98], "max": lat[-1], "throughput": len(lat) / wall}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--procs", type=int, default=40)
    ap.add_argument("--per-proc", type=int, default=25)
    ap.add_argument("--no-write", action="store_true", help="print only, keep BENCHMARKS.md")
    args = ap.parse_args()
    expected = args.procs * args.per_proc
    ctx = mp.get_context("spawn")

    from cityworkshop.store import WorkshopStore

    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        db = Path(tmp) / "workshop.db"
        with WorkshopStore.create(db, groups=5, seed=1) as store:
            store.open_activity(ACTIVITY)
            codes = [g.code for g in store.list_groups()]
        store_res = _run(_store_worker, db, codes, args.procs, args.per_proc, ctx)
        con = sqlite3.connect(db)
        stored = con.execute("SELECT count(*) FROM submissions WHERE activity_id = ?",
                             (ACTIVITY,)).fetchone()[0]
        answer_rows = con.execute("SELECT count(*) FROM answers").fetchone()[0]
        con.close()

        raw = Path(tmp) / "raw.db"
        con = sqlite3.connect(raw, isolation_level=None)
        con.execute("PRAGMA journal_mode = WAL")
        con.execute("CREATE TABLE submissions (id INTEGER PRIMARY KEY, subject TEXT, value INTEGER,"
                    " created_at REAL)")
        con.close()
        raw_res = _run(_raw_worker, raw, codes, args.procs, args.per_proc, ctx)
        con = sqlite3.connect(raw)
        raw_stored = con.execute("SELECT count(*) FROM submissions").fetchone()[0]
        con.close()

    print(f"store:    rows stored {stored} of {expected} ({answer_rows} answer rows), "
          f"errors {len(store_res['errors'])}")
    print(f"baseline: rows stored {raw_stored} of {expected}, errors {len(raw_res['errors'])}")
    for e in (store_res["errors"] + raw_res["errors"])[:5]:
        print("  error:", e)
    ms = lambda s: f"{s * 1000:.2f} ms"  # noqa: E731
    rows = [("rows stored", f"{stored} / {expected}", f"{raw_stored} / {expected}", "")]
    for k in ("p50", "p95", "p99", "max"):
        rows.append((f"{k} latency per submit", ms(store_res[k]), ms(raw_res[k]),
                     f"{store_res[k] / raw_res[k]:.1f}x"))
    rows.append(("wall time", f"{store_res['wall']:.2f} s", f"{raw_res['wall']:.2f} s",
                 f"{store_res['wall'] / raw_res['wall']:.1f}x"))
    rows.append(("throughput", f"{store_res['throughput']:.0f} submits/s",
                 f"{raw_res['throughput']:.0f} inserts/s",
                 f"{store_res['throughput'] / raw_res['throughput']:.2f}x"))
    table = "\n".join(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows)
    print(table)
    md = f"""## Store: {args.procs} writers x {args.per_proc} answers at once

{machine()}

Command: `{command()}`

{args.procs} processes (multiprocessing, spawn) each open the workshop with `WorkshopStore`, join
a group, wait at a barrier, then call `store.submit` {args.per_proc} times with a valid answer
(10 criteria x now/target = 20 answer rows) to the open group-scope scoring activity. Latency is
one `submit` call (validation, reads, `BEGIN IMMEDIATE` write). Wall time runs from the barrier
to the last result. Baseline, same run and load: raw `sqlite3`, WAL, `busy_timeout`
{BUSY_TIMEOUT_MS} ms, `synchronous=NORMAL`, `BEGIN IMMEDIATE` + one-row INSERT + COMMIT.

| measure | store | bare sqlite3 baseline | store / baseline |
|---|---|---|---|
{table}

Errors: store {len(store_res['errors'])}, baseline {len(raw_res['errors'])}.
"""
    if not args.no_write:
        write_section("store-concurrency", md)
        print("written to BENCHMARKS.md (section store-concurrency)")
    assert not store_res["errors"], store_res["errors"][:5]
    assert stored == expected, f"store kept {stored} of {expected} submissions"
    assert raw_stored == expected, f"baseline kept {raw_stored} of {expected} rows"


if __name__ == "__main__":
    main()
