"""The store on a real PostgreSQL server: every kind of answer, the room's state, seats, questions,
drafts, migrations, several workshops side by side, two processes writing at once, the change
watcher, every CLI command and the participant server.

A throwaway server is started once for the session (Debian's ``postgresql`` binaries, ``initdb``
into a temporary folder, 127.0.0.1 on a free port; see :mod:`cityworkshop.store.pgcluster`) and
stopped by its pid at the end. Without the binaries or the ``psycopg`` driver these tests are
skipped with the reason; ``bash scripts/setup.sh test`` installs both.
"""

from __future__ import annotations

import itertools
import json
import multiprocessing as mp
import sqlite3
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from cityworkshop.store import WorkshopStore
from cityworkshop.store.pgcluster import find_binaries

pytestmark = pytest.mark.postgres

ACTIVITY = "disruptive-scoring"
_names = itertools.count(1)


@pytest.fixture(scope="session")
def pg():
    """One throwaway PostgreSQL server for the whole test session."""
    if find_binaries() is None:
        pytest.skip("PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin "
                    "(apt-get install postgresql, or bash scripts/setup.sh test)")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("the psycopg driver is not installed (pip install 'cityworkshop[postgres]')")
    from cityworkshop.store.pgcluster import start_cluster

    cluster = start_cluster(fsync=False)
    try:
        yield cluster
    finally:
        cluster.stop()
    assert not cluster.alive()


@pytest.fixture
def url(pg) -> str:
    """The URL of a workshop name no other test uses (the workshop itself is not made)."""
    return pg.url(f"t{next(_names)}")


@pytest.fixture
def pg_store(url):
    with WorkshopStore.create(url, groups=5, seed=7) as s:
        yield s


def _psql(pg, sql: str, *params):
    import psycopg

    with psycopg.connect(pg.psycopg_dsn(), autocommit=True) as con:
        cur = con.execute(sql, params or None)
        return cur.fetchall() if cur.description else None


def _key(err) -> str:
    return getattr(err.value, "key", None) or str(err.value)


# -- the whole day -----------------------------------------------------------------------------


def _content(store: WorkshopStore) -> dict:
    """What the room answered, without the ids and times that differ between two runs."""
    names = {p.id: p.name for p in store.list_participants()}

    def subject(s: str) -> str:
        return "".join(names.get(part[2:], part) if part.startswith("p:") else part
                       for part in s.replace(">", "|>|").split("|"))

    out: dict = {}
    for a in store.pack.program.activities:
        if a.kind == "questions":
            out[a.id] = sorted((q["text"], q["group"], q["votes"], q["answered_at"] is None)
                               for q in store.question_rows(a.id))
            continue
        out[a.id] = Counter((subject(r["subject"]), r["group"], r["participant"],
                             r["item_id"].split("#")[-1], r["field"], r["value_num"],
                             r["value_text"], r["about_group"]) for r in store.answer_rows(a.id))
    return out


def test_demo_day_on_postgres_holds_the_same_answers_as_on_sqlite(url, tmp_path):
    """Every kind (scale, text, matrix, points, plan, questions with votes, peer ratings),
    written by the demo through the public API, reads back exactly as from a SQLite file."""
    from cityworkshop.demo import make_demo

    with make_demo(url) as on_pg, make_demo(tmp_path / "demo.db") as on_file:
        assert on_pg.info().is_demo and on_pg.info().schema_version == on_file.info().schema_version
        assert [(g.name, g.code) for g in on_pg.list_groups()] == \
            [(g.name, g.code) for g in on_file.list_groups()]
        assert on_pg.group_sizes().values() and \
            sorted(on_pg.group_sizes().values()) == sorted(on_file.group_sizes().values())
        assert on_pg.submission_counts() == on_file.submission_counts()
        assert on_pg.question_counts() == on_file.question_counts()
        kinds = {a.kind for a in on_pg.pack.program.activities}
        assert kinds >= {"scale", "text", "matrix", "points", "plan", "questions"}
        assert _content(on_pg) == _content(on_file)
        for a in on_pg.pack.program.activities:
            if a.items_from_activity:  # items made of the groups' ideas: same labels
                assert [i.label.id for i in on_pg.items_of(a)] == \
                    [i.label.id for i in on_file.items_of(a)]


def test_room_state_reveal_timer_next(pg_store):
    s = pg_store
    order = [a.id for a in s.pack.program.activities]
    assert s.current_activity() is None and s.next_activity() == order[0]
    assert s.advance() == order[0]
    assert s.open_activity(order[1]) == [order[0]]  # one activity open at a time
    assert s.open_activities() == [order[1]]
    s.close_activity(order[1])
    assert s.current_activity() is None and s.next_activity() == order[2]
    s.reveal(order[2], False)
    assert s.is_revealed(order[2]) is False and s.is_revealed(order[3]) is True
    s.reveal(order[2])
    assert s.is_revealed(order[2]) is True
    ends = s.start_timer(order[2], 90)
    assert s.activity_state(order[2])["timer_ends_at"] == ends
    assert 85 < s.timer_remaining(order[2]) <= 90
    s.stop_timer(order[2])
    assert s.timer_remaining(order[2]) is None
    assert [e["action"] for e in s.events()][-3:] == ["reveal", "timer", "timer_stop"]


def test_seats_rejoin_move_and_names(pg_store):
    from cityworkshop.errors import InvalidAnswer

    g = pg_store.list_groups()
    ayu = pg_store.join(g[0].code, "Ayu", device="tok-AAAA1111")
    assert ayu.seat and len(ayu.seat) == 5
    assert pg_store.join(g[0].code.lower(), "", device="tok-AAAA1111").id == ayu.id
    with pytest.raises(InvalidAnswer) as err:
        pg_store.join(g[0].code, "ayu", device="tok-BBBB2222")
    assert _key(err) == "join.name_taken"
    assert pg_store.join(g[0].code, "", device="tok-BBBB2222", seat=ayu.seat).id == ayu.id
    with pytest.raises(InvalidAnswer) as err:
        pg_store.join(g[0].code, "", seat="ZZZZZ")
    assert _key(err) == "join.bad_seat"
    # that device is hers now; with it she moves to another group (a wrong code fixed)
    moved = pg_store.join(g[1].code, "", device="tok-BBBB2222")
    assert moved.id == ayu.id and moved.moved_from == g[0].id
    assert pg_store.find_device("tok-BBBB2222")[1].code == g[1].code
    assert pg_store.group_sizes()[g[1].id] == 1


def test_answers_history_questions_votes_drafts(pg_store):
    from cityworkshop.errors import ActivityClosed, InvalidAnswer

    s = pg_store
    g = s.list_groups()
    a, b = s.join(g[0].code, "Ayu"), s.join(g[1].code, "Budi")
    with pytest.raises(ActivityClosed):
        s.submit(ACTIVITY, a.id, {"scores": {"mobility": {"now": 2, "target": 4}}})
    s.open_activity(ACTIVITY)
    s.submit(ACTIVITY, a.id, {"scores": {"mobility": {"now": 2, "target": 4}}})
    s.submit(ACTIVITY, a.id, {"scores": {"mobility": {"now": 3, "target": 4}}})
    with pytest.raises(InvalidAnswer):
        s.submit(ACTIVITY, a.id, {"scores": {"mobility": {"now": 9, "target": 4}}})
    assert s.latest_answer(ACTIVITY, a.id).answer["scores"] == {"mobility": {"now": 3,
                                                                             "target": 4}}
    assert len(s.answer_rows(ACTIVITY, history=True)) == 4 and len(s.answer_rows(ACTIVITY)) == 2

    s.open_activity("leader-questions")
    q1 = s.ask("leader-questions", a.id, "Bagaimana memulai?")
    q2 = s.ask("leader-questions", b.id, "Siapa yang menolak?")
    assert s.vote(q1, b.id) is True and s.vote(q1, b.id) is False  # one vote per person
    assert s.vote(q1, a.id) is False  # not on one's own question
    s.mark_answered(q2)
    with pytest.raises(InvalidAnswer):
        s.mark_answered(q2 + 1000)
    rows = s.question_rows("leader-questions")
    assert [(r["question_id"], r["votes"]) for r in rows] == [(q1, 1), (q2, 0)]
    assert rows[1]["answered_at"] is not None and s.votes_of("leader-questions", b.id) == {q1}

    assert s.save_draft(a.id, ACTIVITY, {"mobility": {"now": 5}}) is True
    assert s.save_draft(a.id, ACTIVITY, {"mobility": {"now": 4}}) is True  # replaced
    assert s.draft(a.id, ACTIVITY) == {"mobility": {"now": 4}}
    s.drop_draft(a.id, ACTIVITY)
    assert s.draft(a.id, ACTIVITY) is None

    s.set_synthesis(ACTIVITY, "Mobilitas dulu")
    s.pin(ACTIVITY, "g:1#e00")
    assert s.synthesis(ACTIVITY) == "Mobilitas dulu" and s.pinned(ACTIVITY) == ["g:1#e00"]


def test_two_members_adding_ideas_at_once_get_different_ids(pg_store):
    """A read-then-write transaction (the next entry id) is ordered by the revision row's lock:
    eight members of one group adding an idea at the same moment get eight ids."""
    s = pg_store
    code = s.list_groups()[0].code
    members = [s.join(code, f"Anggota {i}") for i in range(8)]
    s.open_activity("liveable-ideas")
    activity = s.activity("liveable-ideas")
    item = activity.items[0].id if activity.items else None
    start = threading.Barrier(len(members))
    ids: list[str] = []
    errors: list[BaseException] = []

    def add(m) -> None:
        entry = {"text": f"Gagasan {m.name}"}
        if item:
            entry["item"] = item
        start.wait()
        try:
            kept = s.latest_answer("liveable-ideas", m.id)
            entries = list(kept.answer["entries"]) if kept else []
            # the group's answer holds every entry so far; each member sends it with one more
            sent = s.submit("liveable-ideas", m.id, {"entries": [*entries, entry]})
            ids.extend(e["id"] for e in sent.answer["entries"] if e["text"] == entry["text"])
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=add, args=(m,)) for m in members]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(ids) == len(set(ids)) == len(members)


def test_a_schema_1_workshop_on_the_server_is_migrated(pg):
    """A workshop of schema 1 (no change counter either) opens, is migrated in place once."""
    from cityworkshop.store.schema import SCHEMA_VERSION
    from tests.test_store_day import V1_SCHEMA  # the same hand-written schema 1 as for SQLite

    name = f"t{next(_names)}"
    ddl = (V1_SCHEMA.replace("INTEGER PRIMARY KEY AUTOINCREMENT", "SERIAL PRIMARY KEY")
           .replace("'disruptive-scoring', 1,", "'disruptive-scoring', true,"))
    _psql(pg, f'CREATE SCHEMA "{name}"')
    _psql(pg, f'SET search_path TO "{name}"; {ddl}')
    _psql(pg, f"SELECT setval('\"{name}\".submissions_id_seq', 1)")
    url = pg.url(name)
    with WorkshopStore(url) as store:
        assert store.info().schema_version == SCHEMA_VERSION == 6
        assert store.pack_source() is not None  # schema 6 kept a copy of the content
        assert store.latest_answer(ACTIVITY, "p1").answer["scores"] == {
            "mobility": {"now": 2, "target": 4}}
        assert store.current_activity() == ACTIVITY and store.is_revealed(ACTIVITY) is True
        assert store.participant("p1").seat  # schema 4 gave every participant a seat code
        store.open_activity("leader-questions")
        qid = store.ask("leader-questions", "p1", "Apa kabar?")
        assert store.question_rows("leader-questions")[0]["question_id"] == qid
        store.submit(ACTIVITY, "p1", {"scores": {"mobility": {"now": 3, "target": 5}}},
                     require_open=False)
    with WorkshopStore(url) as again:  # a second open migrates nothing
        assert again.info().schema_version == SCHEMA_VERSION
        assert len(again.answer_rows(ACTIVITY, history=True)) == 4
    _psql(pg, f"UPDATE \"{name}\".meta SET value = '99' WHERE key = 'schema_version'")
    from cityworkshop.errors import StoreError

    with pytest.raises(StoreError) as err:
        WorkshopStore(url)
    assert _key(err) == "store.newer"


# -- many workshops, one server -----------------------------------------------------------------


def test_workshops_side_by_side_in_one_database(pg):
    """Two workshops with the same group codes in one database: nothing crosses over."""
    from cityworkshop.errors import StoreError
    from cityworkshop.store.postgres import drop_workshop, list_workshops

    a_url, b_url = pg.url(f"t{next(_names)}"), pg.url(f"t{next(_names)}")
    with WorkshopStore.create(a_url, groups=3, seed=1) as a, \
            WorkshopStore.create(b_url, groups=3, seed=1) as b:
        assert [g.code for g in a.list_groups()] == [g.code for g in b.list_groups()]
        code = a.list_groups()[0].code
        pa, pb = a.join(code, "Ayu"), b.join(code, "Ayu")  # the same name in each: fine
        a.open_activity(ACTIVITY)
        a.submit(ACTIVITY, pa.id, {"scores": {"mobility": {"now": 1, "target": 5}}})
        assert b.current_activity() is None and b.answer_rows(ACTIVITY) == []
        assert [p.id for p in b.list_participants()] == [pb.id]
        assert a.submission_counts()[ACTIVITY]["revisions"] == 1
    with pytest.raises(StoreError) as err:
        WorkshopStore.create(a_url)
    assert _key(err) == "store.exists"
    names = list_workshops(pg.url())
    assert {a_url.rsplit("=", 1)[1], b_url.rsplit("=", 1)[1]} <= set(names)
    drop_workshop(b_url)
    with pytest.raises(StoreError) as err:
        WorkshopStore(b_url)
    assert _key(err) == "store.missing"
    with WorkshopStore(a_url) as a:
        assert len(a.answer_rows(ACTIVITY)) == 2


def test_bad_urls_and_names_are_clear_errors(pg):
    from cityworkshop.errors import StoreError

    for db, key in ((pg.url("Tangsel-2026"), "store.bad_workshop"),
                    (pg.url("pg_catalog"), "store.bad_workshop"),
                    ("mysql://u@h/x", "store.pg_only"),
                    ("postgresql+psycopg://u@127.0.0.1:1/x?workshop=a", "store.pg_unusable")):
        with pytest.raises(StoreError) as err:
            WorkshopStore(db)
        assert _key(err) == key, db
    with pytest.raises(StoreError) as err:
        WorkshopStore(pg.url("nobody_here"))
    assert _key(err) == "store.missing"


def _writer(url: str, code: str, who: int, n: int, barrier, results) -> None:
    """One participant server's share of the room: 4 threads (Solara runs each phone's page in
    a thread), each a participant submitting ``n`` answers, plus ideas added to one group."""
    from cityworkshop.store import WorkshopStore

    errors: list[str] = []
    with WorkshopStore(url) as store:
        members = [store.join(code, f"P{who}-{k}") for k in range(4)]
        ideas = store.activity("liveable-ideas")
        item = ideas.items[0].id if ideas.items else None
        barrier.wait()

        def send(m) -> None:
            for i in range(n):
                try:
                    store.submit("branding-definition", m.id,
                                 {"entries": [{"text": f"{m.name} jawaban {i}"}]})
                    # a new idea of the group: its id is chosen inside the write transaction
                    idea = {"text": f"{m.name} ide {i}", **({"item": item} if item else {})}
                    store.submit("liveable-ideas", m.id, {"entries": [idea]},
                                 require_open=False)
                except Exception as e:  # noqa: BLE001 - counted: the test fails on any
                    errors.append(f"{type(e).__name__}: {e}")

        threads = [threading.Thread(target=send, args=(m,)) for m in members]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    results.put(errors)


def test_two_server_processes_writing_at_once_lose_no_answer(pg_store):
    """Two processes (as two participant servers of one workshop would), 4 phones each, write
    at the same time: every answer is stored, and ideas added at once get distinct ids."""
    s = pg_store
    s.open_activity("branding-definition")
    code = s.list_groups()[0].code
    n = 25
    ctx = mp.get_context("spawn")
    barrier, results = ctx.Barrier(3), ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(s.path, code, who, n, barrier, results))
             for who in (1, 2)]
    for p in procs:
        p.start()
    barrier.wait(timeout=120)
    errors = [e for _ in procs for e in results.get(timeout=300)]
    for p in procs:
        p.join(60)
    assert errors == []
    assert s.submission_counts()["branding-definition"] == {"subjects": 8, "revisions": 8 * n}
    texts = Counter(r["value_text"] for r in s.answer_rows("branding-definition", history=True))
    assert len(texts) == 8 * n and set(texts.values()) == {1}
    # every new idea of the group got an id of its own, whichever process stored it
    ideas = {r["value_text"]: r["item_id"] for r in s.answer_rows("liveable-ideas", history=True)
             if r["field"] == "text"}
    assert len(ideas) == 8 * n and len(set(ideas.values())) == 8 * n


# -- the change watcher -------------------------------------------------------------------------


def test_watcher_sees_every_commit_of_any_connection(pg_store, pg):
    from cityworkshop.store.watch import ChangeWatcher, watcher_for

    w = ChangeWatcher(pg_store.path, interval=0.02)
    try:
        time.sleep(0.1)
        v = w.version
        assert v >= 1
        time.sleep(0.1)
        assert w.version == v  # nothing written: nothing seen
        pg_store.open_activity(ACTIVITY)
        assert w.wait_for_change(v, 2) > v
        v = w.version
        with WorkshopStore(pg_store.path) as other:  # another connection, as another process
            other.reveal(ACTIVITY, False)
        assert w.wait_for_change(v, 2) > v
        v = w.version
        pg_store.list_groups()  # reads move nothing
        time.sleep(0.1)
        assert w.version == v
    finally:
        w.stop()
    assert watcher_for(pg_store.path) is watcher_for(str(pg_store.path))


def test_a_server_gone_is_store_unavailable_never_a_silent_loss(tmp_path):
    """The server stops during the workshop: the write raises StoreUnavailable (the page says
    the answer was NOT saved); the watcher bumps its version so that pages look."""
    from cityworkshop.errors import StoreUnavailable
    from cityworkshop.store.pgcluster import start_cluster
    from cityworkshop.store.watch import ChangeWatcher

    cluster = start_cluster(fsync=False)
    try:
        url = cluster.url("gone")
        store = WorkshopStore.create(url, groups=2, seed=3)
        store.say_on_stderr = False
        store.open_activity(ACTIVITY)
        me = store.join(store.list_groups()[0].code, "Ayu")
        w = ChangeWatcher(url, interval=0.02)
        time.sleep(0.1)
        v = w.version
        cluster.stop()
        with pytest.raises(StoreUnavailable):
            store.submit(ACTIVITY, me.id, {"scores": {"mobility": {"now": 2, "target": 3}}},
                         require_open=False)
        assert w.wait_for_change(v, 2) > v
        w.stop()
        store.close()
    finally:
        cluster.stop()


def test_read_only_login_is_refused_up_front(pg_store, pg):
    from cityworkshop.errors import StoreError
    from cityworkshop.store.health import ensure_usable

    schema = pg_store.server.workshop
    _psql(pg, "DO $$ BEGIN CREATE ROLE reader LOGIN; EXCEPTION WHEN duplicate_object THEN "
              "NULL; END $$")
    _psql(pg, f'GRANT USAGE ON SCHEMA "{schema}" TO reader; '
              f'GRANT SELECT ON ALL TABLES IN SCHEMA "{schema}" TO reader')
    url = pg_store.path.replace("cityworkshop@", "reader@", 1)
    ensure_usable(url)  # reading is fine
    with pytest.raises(StoreError) as err:
        ensure_usable(url, write=True)
    assert _key(err) == "store.pg_read_only"


# -- every command, and the participant server --------------------------------------------------


def _cli(capsys, *argv: str) -> tuple[int, str, str]:
    from cityworkshop.cli import main

    code = main([*argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_every_cli_command_works_with_a_url(url, tmp_path, capsys):
    db = ["--db", url, "--lang", "en"]
    assert _cli(capsys, "demo", *db)[0] == 0
    code, out, _ = _cli(capsys, "demo", *db)
    assert code == 2
    code, out, _ = _cli(capsys, "demo", "--force", *db)
    assert code == 0 and "40" in out
    code, out, _ = _cli(capsys, "status", "--json", *db)
    status = json.loads(out)
    assert code == 0 and status["participants"] == 40 and status["demo"] is True
    code, out, _ = _cli(capsys, "seats", *db)
    assert code == 0 and len(out.splitlines()) == 41
    for argv in (("open", ACTIVITY), ("next",), ("reveal", "liveable-ideas"),
                 ("hide", "liveable-ideas"), ("timer", "liveable-ideas", "5"),
                 ("timer", "liveable-ideas", "--stop"), ("close", "liveable-ideas")):
        assert _cli(capsys, *argv, *db)[0] == 0, argv
    with WorkshopStore(url) as store:
        assert store.current_activity() is None and not store.is_revealed("liveable-ideas")
    code, out, _ = _cli(capsys, "check", *db)
    assert code == 0 and "ok" in out and "cityworkshop@" in out
    report = tmp_path / "report.html"
    assert _cli(capsys, "report", *db, "-o", str(report))[0] == 0
    assert report.stat().st_size > 10_000
    assert _cli(capsys, "export", *db, "-o", str(tmp_path / "results.xlsx"))[0] == 0
    assert (tmp_path / "results.xlsx").is_file()
    copy = tmp_path / "copy.db"
    code, out, _ = _cli(capsys, "backup", *db, "-o", str(copy))
    assert code == 0 and copy.is_file()
    with WorkshopStore(url) as on_pg, WorkshopStore(copy) as on_file:  # a copy that opens
        assert on_file.submission_counts() == on_pg.submission_counts()  # anywhere
        assert _content(on_file) == _content(on_pg)
        assert [e["action"] for e in on_file.events()] == [e["action"] for e in on_pg.events()]
    for command in ("lab", "up"):
        code, _, err = _cli(capsys, command, *db)
        assert code == 2 and "SQLite" in err and "serve" in err


def test_cli_errors_of_a_server_are_one_clear_line(capsys):
    code, _, err = _cli(capsys, "status", "--db",
                        "postgresql+psycopg://someone:secret@127.0.0.1:1/x?workshop=a")
    assert code == 2 and "127.0.0.1" in err and "secret" not in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_snapshots_of_a_server_workshop_are_sqlite_files(pg_store, tmp_path):
    from cityworkshop.store.health import Snapshotter

    snaps = Snapshotter(pg_store.path, every_s=3600, keep=2, folder=tmp_path / "snaps")
    first = snaps.take()
    assert first is not None and first.name.startswith(f"cityworkshop-{pg_store.server.workshop}-")
    assert snaps.take() is None  # unchanged: the same copy is not kept twice
    con = sqlite3.connect(first)
    assert con.execute("SELECT value FROM meta WHERE key = 'program_id'").fetchone() == (
        "tangsel-elp",)
    con.close()


def test_participant_page_and_server_on_a_workshop_url(pg_store):
    """The page (plain pytest, as test_participant does) and the server process on a URL."""
    import urllib.request

    from cityworkshop.participant import ParticipantPage
    from cityworkshop.serve import check_port_free, start_participant_server

    pg_store.open_activity(ACTIVITY)
    page = ParticipantPage(pg_store.path, lang="id")
    page.code.value = pg_store.list_groups()[0].code
    page.name.value = "Ayu"
    page.join_button.click()
    assert page.screen == "form"
    page.form.scores["mobility"]["now"].value = 2
    page.form.scores["mobility"]["target"].value = 4
    page.form.send_button.click()
    assert page.screen == "sent"
    assert {(r["item_id"], r["field"]) for r in pg_store.answer_rows(ACTIVITY)} >= {
        ("mobility", "now"), ("mobility", "target")}
    page.store.close()

    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    check_port_free("127.0.0.1", port)
    with start_participant_server(pg_store.path, port=port) as server:
        server.wait_ready(90)
        with urllib.request.urlopen(server.url, timeout=30) as resp:
            assert resp.status == 200
        assert server.process.poll() is None
    assert "Traceback" not in server.log()


@pytest.mark.slow
def test_the_guided_notebooks_run_on_a_workshop_url(pg):
    """Every guided notebook, executed with nbval, on a PostgreSQL demo workshop
    (``CITYWORKSHOP_DB`` is the URL; the root conftest, which points it to a SQLite demo, is
    left out of that run)."""
    import os
    import subprocess
    import sys

    from cityworkshop.demo import make_demo

    url = pg.url(f"t{next(_names)}")
    make_demo(url).close()
    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ, CITYWORKSHOP_DB=url)
    done = subprocess.run([sys.executable, "-m", "pytest", "notebooks", "-q", "--noconftest",
                           "-p", "no:cacheprovider", "-o",
                           "addopts=--nbval-lax --nbval-current-env", "--nbval-lax"],
                          cwd=root, env=env, capture_output=True, text=True, timeout=900,
                          check=False)
    assert done.returncode == 0, done.stdout[-3000:]
    assert " passed" in done.stdout and "failed" not in done.stdout


def test_serve_leaves_the_page_address_in_the_workshop_while_it_runs(pg_store, url):
    """A PostgreSQL workshop has no folder for the page file: the facilitator's JupyterLab
    (perhaps on a JupyterHub) finds the address through the workshop, until serve stops."""
    import signal
    import socket
    import subprocess
    import sys

    from cityworkshop.venue import find_page_address

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    public = "https://training.example.org/tangsel_2026/"
    proc = subprocess.Popen([sys.executable, "-m", "cityworkshop.cli", "serve", "--db", url,
                             "--port", str(port), "--lang", "en", "--root-path", "/tangsel_2026",
                             "--public-url", public, "--snapshot-every", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and "Ctrl+C" not in (proc.stdout.readline() or "Ctrl+C"):
            pass
        found = None
        while time.monotonic() < deadline and found is None:
            found = find_page_address(url, environ={}, store=pg_store)
            time.sleep(0.2)
        assert found is not None and found.url == public
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert find_page_address(url, environ={}, store=pg_store) is None
