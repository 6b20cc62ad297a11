"""Refresh of every chart of a session: store read -> analysis -> figures, per session of the day.

For each session of the program that has activities, one "refresh" is what the facilitator's
notebook does when the room's answers change, through the same entry points as
``LiveResults.refresh``: read every activity's data from the store (``activity_data``), turn it
into its kind's summaries (``kind_of(a).summaries``) and build every figure of the session
(``kind_of(a).figures``, as on the projector). Timed on the demo (40 participants,
``make_demo``) and on a synthetic workshop of 10,000 participants in 50 groups, inserted
directly with ``executemany`` (set-up, not the code under test; every participant answers
every activity once). Baseline, same run, same data: the raw read plus one pandas groupby mean
per activity
(``pd.DataFrame(store.answer_rows(a)).groupby(["item_id", "field"])["value_num"].mean()``).

Targets: a session's refresh under 200 ms with 40 participants and under 2 s with 10,000.
A kind whose analysis or charts cannot be imported is listed as not covered. Writes the
``refresh`` section of BENCHMARKS.md.

    /work/venv/bin/python bench/bench_refresh.py [--runs 7] [--big-runs 5] [--people 10000]
                                                  [--no-write]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from random import Random
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import command, machine, write_section  # noqa: E402

TARGET_DEMO_S = 0.200
TARGET_BIG_S = 2.0
BIG_GROUPS = 50  # the store's maximum

class Functions:
    """Every kind's entry points (``cityworkshop.kinds``): ``missing`` names the kinds whose
    analysis or charts cannot be imported (their activities are not timed)."""

    def __init__(self) -> None:
        from cityworkshop.kinds import KINDS, load

        self.missing: list[str] = []
        for kind in KINDS.values():
            for path in (kind.analysis, kind.charts):
                try:
                    load(path)
                except (ImportError, AttributeError):
                    self.missing.append(path)

    def covers(self, activity) -> bool:
        from cityworkshop.kinds import kind_of

        kind = kind_of(activity)
        return kind.analysis not in self.missing and kind.charts not in self.missing


# -- one refresh: what LiveResults.refresh does, through the same entry points ----------------

def _read(store, activity):
    return store.activity_data(activity)


def _analyse(f: Functions, activity, data) -> dict[str, Any]:
    from cityworkshop.kinds import kind_of

    return kind_of(activity).summaries(activity, data) if f.covers(activity) else {}


def _figures(f: Functions, activity, res: dict[str, Any], demo: bool,
             lang: str = "id") -> list[Any]:
    from cityworkshop.kinds import kind_of

    if not f.covers(activity):
        return []
    return list(kind_of(activity).figures(activity, res, lang, demo=demo).values())


def refresh_session(store, session, f: Functions) -> dict[str, Any]:
    """One refresh of every chart of ``session``; seconds spent reading, analysing, drawing."""
    t0 = time.perf_counter()
    demo = store.info().is_demo
    data = {a.id: _read(store, a) for a in session.activities}
    t1 = time.perf_counter()
    res = {a.id: _analyse(f, a, data[a.id]) for a in session.activities}
    t2 = time.perf_counter()
    figs = [fig for a in session.activities for fig in _figures(f, a, res[a.id], demo)]
    t3 = time.perf_counter()
    return {"read": t1 - t0, "analyse": t2 - t1, "figures": t3 - t2, "total": t3 - t0,
            "n_figures": len(figs)}


def baseline_session(store, session) -> float:
    """Raw read + one pandas groupby mean per activity of the session."""
    import pandas as pd

    from cityworkshop.kinds import kind_of

    t0 = time.perf_counter()
    for a in session.activities:
        if kind_of(a).board:
            df = pd.DataFrame(store.question_rows(a.id))
            if not df.empty:
                df.groupby("group")["votes"].mean()
            continue
        df = pd.DataFrame(store.answer_rows(a.id))
        if not df.empty:
            df.groupby(["item_id", "field"])["value_num"].mean()
    return time.perf_counter() - t0


def covered(session, f: Functions) -> tuple[list[str], list[str]]:
    """Activities whose charts are all built, and the missing pieces of the others."""
    from cityworkshop.kinds import kind_of

    done, gaps = [], []
    for a in session.activities:
        if f.covers(a):
            done.append(a.id)
        else:
            kind = kind_of(a)
            missing = [p for p in (kind.analysis, kind.charts) if p in f.missing]
            gaps.append(f"{a.id}: {', '.join(missing)}")
    return done, gaps


# -- the big synthetic workshop -------------------------------------------------------------------

def build_big(path: Path, people: int, seed: int = 1) -> dict[str, int]:
    """A workshop of ``people`` participants in 50 groups who all answered every activity once.

    Made with ``WorkshopStore.create`` (schema, groups, state), then filled with raw ``sqlite3``
    ``executemany`` in one transaction, in the store's row format (the same rows the answer
    validators produce; a sample is checked with ``validate_answer`` by :func:`check_big`).
    Group-scope activities thus hold one revision per member; the latest per group counts.
    """
    from cityworkshop import demo as d
    from cityworkshop.store import WorkshopStore

    rng = Random(seed)
    with WorkshopStore.create(path, groups=BIG_GROUPS, demo=True, seed=seed) as store:
        pack = store.pack
        groups = [g.id for g in store.list_groups()]
        owners = store.owners()
    acts = {a.id: a for a in pack.program.activities}
    base = dt.datetime(2026, 11, 30, 1, 0, tzinfo=dt.UTC)
    clock = [0]

    def now() -> str:
        clock[0] += 1
        return (base + dt.timedelta(microseconds=clock[0] * 50)).isoformat(timespec="microseconds")

    members = {g: [] for g in groups}
    participants = []
    for i in range(people):
        g = groups[i % len(groups)]
        pid = uuid.UUID(int=rng.getrandbits(128)).hex
        name = f"Peserta {i:05d}"
        members[g].append(pid)
        participants.append((pid, g, name, name.lower(), now()))
    owner_of = [(p[0], p[1]) for p in participants]

    subs: list[tuple] = []
    answers: list[tuple] = []
    sid = [0]

    def submit(activity_id: str, subject: str, gid: int, pid: str, rows: list[tuple],
               about: int | None = None) -> None:
        sid[0] += 1
        subs.append((sid[0], activity_id, subject, gid, pid, now(), about))
        answers.extend((sid[0], *r) for r in rows)

    def clamp(x: float) -> float:
        return float(max(1, min(5, round(x))))

    idea_pool = [(c, t) for c, ts in d._IDEAS.items() for t in ts]
    final_ideas: dict[int, int] = {}
    pairs = [(pid, g) for pid, g in owner_of]
    # Session 1
    scoring = acts["disruptive-scoring"]
    for pid, g in pairs:
        rows = []
        for it in scoring.items:
            n_, t_ = d._BASELINE.get(it.id, (3.0, 4.0))
            n = clamp(n_ + rng.gauss(0, 0.8))
            t = max(n, clamp(t_ + rng.gauss(0, .6)))
            rows += [(it.id, "now", n, None), (it.id, "target", t, None)]
            if rng.random() < 0.3:
                rows.append((it.id, "reason", None, d._REASONS[it.id]))
        submit(scoring.id, f"g:{g}", g, pid, rows)
    for pid, g in pairs:
        n = rng.randint(3, 5)
        rows = []
        for i, (c, t) in enumerate(rng.sample(idea_pool, n)):
            rows += [(f"e{i:02d}", "text", None, t), (f"e{i:02d}", "item", None, c)]
        submit("liveable-ideas", f"g:{g}", g, pid, rows)
        final_ideas[g] = n  # the last revision of each group is its answer
    ideas = [f"g:{g}#e{i:02d}" for g in groups for i in range(final_ideas[g])]
    for pid, g in pairs:
        points: dict[str, int] = {}
        while sum(points.values()) < 5:
            k = rng.choice(ideas)
            if points.get(k, 0) < 3:
                points[k] = points.get(k, 0) + 1
        submit("idea-votes", f"p:{pid}", g, pid, [(k, "points", float(v), None)
                                                  for k, v in points.items()])
    # Session 2
    rating = acts["presentation-rating"]
    for pid, g in pairs:
        about = rng.choice([h for h in groups if h != g])
        submit(rating.id, f"g:{g}>g:{about}", g, pid,
               [(it.id, "score", clamp(3.7 + rng.gauss(0, 0.8)), None) for it in rating.items],
               about)
    for pid, g in pairs:
        about = rng.choice([h for h in groups if h != g])
        rows = [("e00", "text", None, rng.choice(d._STRENGTHS)), ("e00", "item", None, "strength"),
                ("e01", "text", None, rng.choice(d._SUGGESTIONS)),
                ("e01", "item", None, "suggestion")]
        submit("presentation-feedback", f"g:{g}>g:{about}", g, pid, rows, about)
    # Session 3
    for pid, g in pairs:
        text = (f"{rng.choice(d._DEF_OPEN)} {rng.choice(d._DEF_CORE)} "
                f"{rng.choice(d._DEF_PURPOSE)}")
        submit("branding-definition", f"p:{pid}", g, pid, [("e00", "text", None, text)])
    levels, weights = zip(*d._URGENCY_WEIGHTS.items(), strict=True)
    for pid, g in pairs:
        s = rng.choices(levels, weights)[0]
        rows = [("urgency", "score", float(s), None)]
        if rng.random() < 0.8:
            rows.append(("urgency", "reason", None, rng.choice(d._URGENCY_REASONS[s])))
        submit("branding-urgency", f"p:{pid}", g, pid, rows)
    matrix = acts["branding-initiatives"]
    for pid, g in pairs:
        rows = []
        for it in matrix.items:
            x, y = d._MATRIX.get(it.id, (3.0, 3.0))
            rows += [(it.id, "x", clamp(x + rng.gauss(0, .8)), None),
                     (it.id, "y", clamp(y + rng.gauss(0, .8)), None)]
        submit(matrix.id, f"g:{g}", g, pid, rows)
    from cityworkshop.kinds.plan import month_index, month_label

    plan = acts["branding-plan"]
    first = month_index(plan.plan_start)
    for pid, g in pairs:
        rows = []
        phases = [it.id for it in plan.items]
        phases += rng.sample(["implement", "implement", "monitor"], rng.randint(0, 2))
        for i, phase in enumerate(sorted(phases, key=phases.index)):
            (s_lo, s_hi, d_lo, d_hi), pool = d._PLAN[phase]
            what, leads, kpi = rng.choice(pool)
            start = rng.randint(s_lo, s_hi)
            end = min(start + rng.randint(d_lo, d_hi) - 1, plan.plan_months - 1)
            owner = leads[0] if leads[0] in owners else owners[0]
            rows += [(f"s{i:02d}", k, None, v) for k, v in (
                ("phase", phase), ("what", what), ("owner", owner),
                ("start", month_label(first + start)), ("end", month_label(first + end)),
                ("kpi", kpi))]
        submit(plan.id, f"g:{g}", g, pid, rows)
    # Session 4 and closing
    questions, votes = [], []
    askers = rng.sample(pairs, max(1, people // 10))
    for qid, (pid, g) in enumerate(askers, start=1):
        questions.append((qid, "leader-questions", pid, g, rng.choice(d._QUESTIONS), now(),
                          now() if qid <= 5 else None))
    asked_by = {q[0]: q[2] for q in questions}
    for pid, _g in pairs:
        for q in set(rng.choices(range(1, len(questions) + 1), k=3)):
            if asked_by[q] != pid:
                votes.append((q, pid, now()))
    for pid, g in pairs:
        submit("reflection", f"p:{pid}", g, pid, [("e00", "text", None, (
            f"{rng.choice(d._REFLECT_DO)} {rng.choice(d._REFLECT_WHEN)}"))])
    sat = acts["satisfaction"]
    for pid, g in pairs:
        mood = rng.gauss(0, 0.5)
        submit(sat.id, f"p:{pid}", g, pid, [(it.id, "score", clamp(4.2 + mood + rng.gauss(0, .5)),
                                             None) for it in sat.items])
    for pid, g in pairs:
        if rng.random() < 0.6:
            submit("closing-comments", f"p:{pid}", g, pid,
                   [("e00", "text", None, rng.choice(d._COMMENTS))])

    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.execute("PRAGMA synchronous = OFF")
        con.execute("BEGIN")
        con.executemany("INSERT INTO participants (id, group_id, name, name_key, joined_at) "
                        "VALUES (?, ?, ?, ?, ?)", participants)
        con.executemany("INSERT INTO submissions (id, activity_id, subject, group_id, "
                        "participant_id, created_at, about_group_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        subs)
        con.executemany("INSERT INTO answers (submission_id, item_id, field, value_num, "
                        "value_text) VALUES (?, ?, ?, ?, ?)", answers)
        con.executemany("INSERT INTO questions (id, activity_id, participant_id, group_id, text, "
                        "created_at, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?)", questions)
        con.executemany("INSERT INTO votes (question_id, participant_id, created_at) "
                        "VALUES (?, ?, ?)", votes)
        con.execute("COMMIT")
        con.execute("ANALYZE")
    finally:
        con.close()
    return {"participants": len(participants), "submissions": len(subs),
            "answer_rows": len(answers), "questions": len(questions), "votes": len(votes)}


def check_big(store, sample: int = 30) -> None:
    """The synthetic rows are valid answers: a sample of each activity passes the validators."""
    from cityworkshop.answers import rows_to_answer, validate_answer
    from cityworkshop.kinds import kind_of

    owners = store.owners()
    for a in store.pack.program.activities:
        if kind_of(a).board:
            continue
        by_sub: dict[int, list[dict]] = {}
        for r in store.answer_rows(a.id):
            if len(by_sub) >= sample and r["submission_id"] not in by_sub:
                break
            by_sub.setdefault(r["submission_id"], []).append(r)
        items = store.items_of(a)
        assert by_sub, a.id
        for rows in by_sub.values():
            validate_answer(a, rows_to_answer(rows, a.kind), items=items, owners=owners)


# -- main ----------------------------------------------------------------------------------------

def measure(store, sessions, f: Functions, runs: int) -> dict[str, dict[str, Any]]:
    out = {}
    for s in sessions:
        refresh_session(store, s, f)  # warm-up: imports, plotly templates, sqlite cache
        baseline_session(store, s)
        ours, base = [], []
        for _ in range(runs):  # interleaved, so that load on the machine hits both alike
            ours.append(refresh_session(store, s, f))
            base.append(baseline_session(store, s))
        med = {k: statistics.median(r[k] for r in ours) for k in ("read", "analyse", "figures",
                                                                  "total")}
        out[s.id] = {**med, "n_figures": ours[0]["n_figures"], "baseline": statistics.median(base),
                     "max": max(r["total"] for r in ours)}
    return out


def _table(results: dict[str, dict[str, Any]], sessions, target: float) -> str:
    rows = []
    for s in sessions:
        r = results[s.id]
        ok = "yes" if r["total"] < target else "NO"
        rows.append(f"| {s.id} ({len(s.activities)} act.) | {r['n_figures']} | "
                    f"{r['read'] * 1000:.0f} | {r['analyse'] * 1000:.0f} | "
                    f"{r['figures'] * 1000:.0f} | **{r['total'] * 1000:.0f}** | "
                    f"{r['max'] * 1000:.0f} | {r['baseline'] * 1000:.0f} | "
                    f"{r['total'] / r['baseline']:.1f}x | {ok} |")
    head = ("| session | figures | read ms | analyse ms | figures ms | refresh ms (median) | "
            "max ms | baseline ms | refresh / baseline | under target |\n"
            "|---|---|---|---|---|---|---|---|---|---|")
    return head + "\n" + "\n".join(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7, help="timed runs per session, demo")
    ap.add_argument("--big-runs", type=int, default=5, help="timed runs per session, big")
    ap.add_argument("--people", type=int, default=10_000)
    ap.add_argument("--no-write", action="store_true", help="print only, keep BENCHMARKS.md")
    args = ap.parse_args()

    import cityworkshop.charts  # noqa: F401  (imports outside the timings)
    from cityworkshop.demo import make_demo
    from cityworkshop.store import WorkshopStore

    f = Functions()
    with tempfile.TemporaryDirectory(prefix="bench-refresh-") as tmp:
        t0 = time.perf_counter()
        store = make_demo(Path(tmp) / "demo.db")
        demo_make = time.perf_counter() - t0
        sessions = [s for s in store.pack.program.sessions if s.activities]
        coverage = {s.id: covered(s, f) for s in sessions}
        with store:
            demo_res = measure(store, sessions, f, args.runs)
        print(f"demo made in {demo_make:.2f} s")
        print(_table(demo_res, sessions, TARGET_DEMO_S))

        t0 = time.perf_counter()
        sizes = build_big(Path(tmp) / "big.db", args.people)
        build_s = time.perf_counter() - t0
        print(f"big workshop built in {build_s:.1f} s: {sizes}")
        with WorkshopStore(Path(tmp) / "big.db") as big:
            check_big(big)
            big_res = measure(big, sessions, f, args.big_runs)
        print(_table(big_res, sessions, TARGET_BIG_S))

    missing_txt = ", ".join(f"`{m}`" for m in f.missing) or "none"
    gaps = [g for s in sessions for g in coverage[s.id][1]]
    gaps_txt = ("\n".join(f"- {g}" for g in gaps) if gaps
                else "- none: every activity's analysis and charts are timed")
    worst_demo = max(r["total"] for r in demo_res.values())
    worst_big = max(r["total"] for r in big_res.values())
    verdict = (f"Slowest session refresh: {worst_demo * 1000:.0f} ms with 40 participants "
               f"(target {TARGET_DEMO_S * 1000:.0f} ms: "
               f"{'met' if worst_demo < TARGET_DEMO_S else 'NOT met'}), "
               f"{worst_big:.2f} s with {sizes['participants']:,} "
               f"(target {TARGET_BIG_S:.0f} s: "
               f"{'met' if worst_big < TARGET_BIG_S else 'NOT met'}).")
    def shares(res: dict[str, dict[str, Any]]) -> str:
        tot = {k: sum(r[k] for r in res.values()) for k in ("read", "analyse", "figures")}
        whole = sum(tot.values()) or 1.0
        return ", ".join(f"{k} {v / whole:.0%}" for k, v in tot.items())

    verdict += (f" Where the time goes (sum of the session medians): 40 participants: "
                f"{shares(demo_res)}; {sizes['participants']:,}: {shares(big_res)}.")
    print(verdict)
    print("not covered:", gaps or "none")
    md = f"""## Refresh of every chart of a session (read, analyse, build figures)

{machine()}

Command: `{command()}`

One refresh = what a facilitator notebook does for one session, through the entry points
`LiveResults.refresh` calls: read every activity's data (`store.activity_data`: its rows, items,
OPDs, pins and synthesis), its kind's summaries (`kind_of(a).summaries`, `cityworkshop.analysis`)
and every figure as on the projector (`kind_of(a).figures`, `cityworkshop.charts`; built, not
rendered or serialised). Median of {args.runs} runs per session
(demo) and {args.big_runs} runs (big), after one warm-up; "max" is the slowest run. Baseline,
same run, interleaved with ours: the raw read plus one pandas groupby mean per activity
(`pd.DataFrame(store.answer_rows(a)).groupby(["item_id", "field"])["value_num"].mean()`;
questions: `question_rows` + mean votes per group). The machine is shared with other work:
figures vary between runs.

### Demo: 40 participants in 5 groups (`make_demo`, built in {demo_make:.2f} s)

{_table(demo_res, sessions, TARGET_DEMO_S)}

### Synthetic: {sizes['participants']:,} participants in {BIG_GROUPS} groups

Built in {build_s:.1f} s by `executemany` into a `WorkshopStore.create` database (set-up, not
timed): every participant answered every activity once ({sizes['submissions']:,} submissions,
{sizes['answer_rows']:,} answer rows; group-scope activities hold one revision per member and the
latest per group counts; each peer answer is about a random other group),
{sizes['questions']:,} questions with {sizes['votes']:,} votes. A sample of each activity's rows
passes `validate_answer`.

{_table(big_res, sessions, TARGET_BIG_S)}

{verdict}

Entry points that could not be imported (not timed): {missing_txt}.
Activities whose charts are not (fully) covered:

{gaps_txt}
"""
    if not args.no_write:
        write_section("refresh", md)
        print("written to BENCHMARKS.md (section refresh)")


if __name__ == "__main__":
    main()
