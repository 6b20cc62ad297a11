"""Store under a full room: 40 processes submit 25 answers each at once to one workshop database.

Each process opens the workshop with the public API (``WorkshopStore``), joins a group and, once
all 40 are ready, submits 25 valid scale answers (10 criteria x now/target) to the open scoring
activity. Baseline, same run, same load: a bare ``sqlite3`` INSERT of one row per submission into
a WAL database with ``BEGIN IMMEDIATE`` and a busy timeout (no validation, no SQLAlchemy).
Reports rows stored (all 1,000 must be there), p50/p95/p99/max latency per submit, wall time and
throughput, and writes them into the ``store-concurrency`` section of BENCHMARKS.md.

When PostgreSQL is available (Debian's ``postgresql`` binaries and ``psycopg``), the same run
also starts a throwaway server (:mod:`cityworkshop.store.pgcluster`: default durability, fsync
and synchronous_commit on, 127.0.0.1) and runs the same load on a PostgreSQL workshop
(``--db postgresql+psycopg://...?workshop=bench``). Its baseline: raw ``psycopg`` inserts of the
same rows (one submission row and its 20 answer rows per transaction, into a workshop's tables
in another schema), no validation, no SQLAlchemy. ``--no-postgres`` skips it.

    .venv/bin/python bench/bench_store.py [--procs 40] [--per-proc 25] [--no-write] [--no-postgres]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
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


def _pg_raw_worker(dsn: str, code: str, index: int, n: int, barrier, results) -> None:
    """The same rows as one ``submit`` (a submission and its 20 answer rows), inserted with
    plain psycopg in one transaction each."""
    import datetime as dt
    import uuid

    import psycopg

    rng = random.Random(index)
    latencies: list[float] = []
    errors: list[str] = []
    con = psycopg.connect(dsn, autocommit=True)
    group_id = con.execute("SELECT id FROM groups WHERE code = %s", (code,)).fetchone()[0]
    pid = uuid.uuid4().hex
    con.execute("INSERT INTO participants (id, group_id, name, joined_at) VALUES (%s, %s, %s, %s)",
                (pid, group_id, f"Peserta {index:02d}", dt.datetime.now(dt.UTC).isoformat()))
    items = [r[0] for r in con.execute("SELECT DISTINCT item_id FROM items ORDER BY 1")]
    barrier.wait()
    for _ in range(n):
        now = {i: rng.randint(1, 4) for i in items}
        t0 = time.perf_counter()
        try:
            with con.transaction():
                sid = con.execute(
                    "INSERT INTO submissions (activity_id, subject, group_id, participant_id, "
                    "created_at) VALUES (%s, %s, %s, %s, %s) RETURNING id",
                    (ACTIVITY, f"g:{group_id}", group_id, pid,
                     dt.datetime.now(dt.UTC).isoformat())).fetchone()[0]
                with con.cursor() as cur:
                    cur.executemany(
                        "INSERT INTO answers (submission_id, item_id, field, value_num) "
                        "VALUES (%s, %s, %s, %s)",
                        [(sid, i, f, v) for i in items
                         for f, v in (("now", now[i]), ("target", rng.randint(now[i], 5)))])
        except psycopg.Error as e:
            errors.append(f"{type(e).__name__}: {e}")
        latencies.append(time.perf_counter() - t0)
    con.close()
    results.put((latencies, errors))


def _postgres_available() -> str | None:
    """None when PostgreSQL can run here, else why not."""
    from cityworkshop.store.pgcluster import find_binaries

    if find_binaries() is None:
        return "no PostgreSQL binaries under /usr/lib/postgresql/*/bin"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed"
    return None


def _run_postgres(procs: int, per_proc: int, ctx) -> dict:
    """Store and raw-psycopg baseline on a throwaway PostgreSQL server."""
    import psycopg

    from cityworkshop.store import WorkshopStore
    from cityworkshop.store.pgcluster import start_cluster

    with start_cluster(fsync=True) as pg:
        url = pg.url("bench")
        with WorkshopStore.create(url, groups=5, seed=1) as store:
            store.open_activity(ACTIVITY)
            codes = [g.code for g in store.list_groups()]
            items = [it.id for it in store.activity(ACTIVITY).items]
        store_res = _run(_store_worker, url, codes, procs, per_proc, ctx)
        with WorkshopStore.create(pg.url("raw"), groups=5, seed=1):  # the same tables
            pass
        dsn = pg.psycopg_dsn() + " options='-c search_path=raw'"
        with psycopg.connect(dsn, autocommit=True) as con:
            con.execute("CREATE TABLE items (item_id VARCHAR PRIMARY KEY)")
            con.cursor().executemany("INSERT INTO items VALUES (%s)", [(i,) for i in items])
        raw_res = _run(_pg_raw_worker, dsn, codes, procs, per_proc, ctx)
        with psycopg.connect(pg.psycopg_dsn(), autocommit=True) as con:
            count = "SELECT count(*) FROM {}.submissions WHERE activity_id = %s"
            store_res["stored"] = con.execute(count.format("bench"), (ACTIVITY,)).fetchone()[0]
            store_res["answer_rows"] = con.execute(
                "SELECT count(*) FROM bench.answers").fetchone()[0]
            raw_res["stored"] = con.execute(count.format("raw"), (ACTIVITY,)).fetchone()[0]
            raw_res["answer_rows"] = con.execute("SELECT count(*) FROM raw.answers").fetchone()[0]
            version = con.execute("SHOW server_version").fetchone()[0]
    return {"store": store_res, "raw": raw_res, "version": version}


def _table(store_res: dict, raw_res: dict, stored: tuple[int, int], expected: int,
           unit: str) -> str:
    ms = lambda s: f"{s * 1000:.2f} ms"  # noqa: E731
    rows = [("rows stored", f"{stored[0]} / {expected}", f"{stored[1]} / {expected}", "")]
    for k in ("p50", "p95", "p99", "max"):
        rows.append((f"{k} latency per submit", ms(store_res[k]), ms(raw_res[k]),
                     f"{store_res[k] / raw_res[k]:.1f}x"))
    rows.append(("wall time", f"{store_res['wall']:.2f} s", f"{raw_res['wall']:.2f} s",
                 f"{store_res['wall'] / raw_res['wall']:.1f}x"))
    rows.append(("throughput", f"{store_res['throughput']:.0f} submits/s",
                 f"{raw_res['throughput']:.0f} {unit}/s",
                 f"{store_res['throughput'] / raw_res['throughput']:.2f}x"))
    return "\n".join(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows)


def _run(worker, path: Path | str, codes: list[str], procs: int, per_proc: int, ctx) -> dict:
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
    ap.add_argument("--no-postgres", action="store_true", help="SQLite only")
    args = ap.parse_args()
    expected = args.procs * args.per_proc
    ctx = mp.get_context("spawn")
    load = os.getloadavg()[0]  # the machine is shared: say how busy it was

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
    table = _table(store_res, raw_res, (stored, raw_stored), expected, "inserts")
    print(table)
    why_not = "--no-postgres" if args.no_postgres else _postgres_available()
    pg = None
    if why_not is None:
        pg = _run_postgres(args.procs, args.per_proc, ctx)
        pg_table = _table(pg["store"], pg["raw"], (pg["store"]["stored"], pg["raw"]["stored"]),
                          expected, "transactions")
        print(f"PostgreSQL {pg['version']}: store answer rows {pg['store']['answer_rows']}, "
              f"baseline answer rows {pg['raw']['answer_rows']}, errors "
              f"{len(pg['store']['errors'])} / {len(pg['raw']['errors'])}")
        for e in (pg["store"]["errors"] + pg["raw"]["errors"])[:5]:
            print("  error:", e)
        print(pg_table)
        ratio = lambda k: pg["store"][k] / store_res[k]  # noqa: E731
        pg_md = f"""
### The same load on PostgreSQL {pg['version']}

A throwaway server started by the benchmark (`cityworkshop.store.pgcluster`: Debian's binaries,
default durability: `fsync` and `synchronous_commit` on; 127.0.0.1 TCP), on the same 2 cores as
the 40 writers. The store runs on a workshop URL (`--db postgresql+psycopg://...?workshop=bench`):
each write transaction bumps its own connection's row of the workshop's `revision` table (the
change watcher's counter; these answers add no new entries, so they take no write lock), then
the same reads and inserts as on SQLite. Baseline, same run and load:
raw `psycopg` inserting the same rows (one submission and its 20 answer rows, one transaction per
submit) into the same tables in another schema; no validation, no SQLAlchemy.

| measure | store on PostgreSQL | raw psycopg baseline | store / baseline |
|---|---|---|---|
{pg_table}

Errors: store {len(pg['store']['errors'])}, baseline {len(pg['raw']['errors'])}. Answer rows
stored: store {pg['store']['answer_rows']}, baseline {pg['raw']['answer_rows']}.
PostgreSQL store against the SQLite store of this run: p99 {ratio('p99'):.2f}x, throughput
{ratio('throughput'):.2f}x.
"""
    else:
        pg_md = f"\nPostgreSQL: not run in this run ({why_not}).\n"
    md = f"""## Store: {args.procs} writers x {args.per_proc} answers at once

{machine()}; load average {load:.1f} at the start (other work on the machine)

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
{pg_md}"""
    if not args.no_write:
        write_section("store-concurrency", md)
        print("written to BENCHMARKS.md (section store-concurrency)")
    assert not store_res["errors"], store_res["errors"][:5]
    assert stored == expected, f"store kept {stored} of {expected} submissions"
    assert raw_stored == expected, f"baseline kept {raw_stored} of {expected} rows"
    if pg is not None:
        assert not pg["store"]["errors"], pg["store"]["errors"][:5]
        assert pg["store"]["stored"] == expected, f"PostgreSQL store kept {pg['store']['stored']}"
        assert pg["raw"]["stored"] == expected, f"psycopg baseline kept {pg['raw']['stored']}"


if __name__ == "__main__":
    main()
