"""Faults of the file and the machine: damaged pages, read-only media, wrong files, locks,
full disks, taken ports, and a ``kill -9`` of the server. Each must give one clear line (exit
2), never a traceback, a wrong reason or a server left running.

How the read-only cases are made real (the tests run as root, whom permission bits do not
stop): a read-only medium is a read-only bind mount in a private mount namespace
(``unshare --mount``; the mount disappears with that process), and permission bits are made
to bite by running the command as root *without* CAP_DAC_OVERRIDE (``setpriv
--bounding-set``). Each such test is skipped, saying why, where the machine allows neither.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from cityworkshop.cli import main
from cityworkshop.demo import make_demo
from cityworkshop.store import WorkshopStore, health
from cityworkshop.store._base import _make_engine

ACTIVITY = "disruptive-scoring"
PY = sys.executable
REPO = Path(__file__).resolve().parent.parent


# -- helpers --------------------------------------------------------------------------------


def cli(*argv: str, cwd: Path | None = None, timeout: float = 120,
        prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    """The real entry point in a fresh process (so a traceback would show on stderr)."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run([*prefix, PY, "-m", "cityworkshop.cli", *argv], capture_output=True,
                          text=True, timeout=timeout, cwd=cwd, env=env)


def one_line(proc: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    return lines[0]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    make_demo(path).close()
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0
    return path


@pytest.fixture
def demo(demo_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "tangsel.db"
    shutil.copyfile(demo_template, path)
    return path


def corrupt(path: Path) -> list[int]:
    """Overwrite the middle of three leaf pages of the answers table (not the header)."""
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = [r[0] for r in con.execute(
        "SELECT pageno FROM dbstat WHERE name = 'answers' AND pagetype = 'leaf' ORDER BY pageno")]
    size = con.execute("PRAGMA page_size").fetchone()[0]
    con.close()
    assert len(pages) >= 4, pages
    with open(path, "r+b") as f:
        for page in pages[1:4]:
            f.seek((page - 1) * size + 8)
            f.write(b"\xff" * 40 + b"\x00" * (size // 2))
    return pages[1:4]


@pytest.fixture
def damaged(demo: Path) -> Path:
    corrupt(demo)
    assert health.integrity_problems(demo)  # the damage is real
    return demo


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- 7. a damaged database is noticed --------------------------------------------------------


@pytest.mark.parametrize("argv", [
    ("status",), ("status", "--json"), ("open", ACTIVITY), ("close", ACTIVITY), ("next",),
    ("report", "-o", "REPORT"), ("export", "-o", "EXPORT"), ("backup", "-o", "BACKUP"),
    ("serve", "--port", "PORT"),
])
def test_every_command_refuses_a_damaged_file_in_one_line(damaged, tmp_path, argv):
    subs = {"REPORT": str(tmp_path / "r.html"), "EXPORT": str(tmp_path / "r.xlsx"),
            "BACKUP": str(tmp_path / "b.db"), "PORT": str(_free_port())}
    argv = tuple(subs.get(a, a) for a in argv)
    proc = cli(*argv, "--db", str(damaged), "--lang", "en")
    line = one_line(proc)
    assert proc.returncode == 2
    assert str(damaged) in line and "damaged" in line
    assert "cityworkshop check" in line and "snapshot" in line and "backup" in line
    assert "http://" not in proc.stdout  # serve did not start
    for made in ("r.html", "r.xlsx", "b.db"):
        assert not (tmp_path / made).exists()


def test_the_damage_message_speaks_bahasa_indonesia(damaged):
    proc = cli("status", "--db", str(damaged), "--lang", "id")
    line = one_line(proc)
    assert proc.returncode == 2 and "rusak" in line and "cityworkshop check" in line


def test_an_error_halfway_through_a_report_is_one_line_not_a_traceback(
        damaged, tmp_path, capsys, monkeypatch):
    """Damage that the quick check before the command did not see (it appeared later, or in
    a page the quick check does not read): the report's own query meets "database disk image
    is malformed". The check is switched off here to reach that query on a really damaged
    file; the error travels up through SQLAlchemy and pandas as it would."""
    monkeypatch.setattr(health, "ensure_usable", lambda *a, **k: None)
    code, out, err = run(capsys, "report", "--db", str(damaged), "-o", str(tmp_path / "r.html"),
                         "--lang", "en")
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "damaged" in err and str(damaged) in err
    code, out, err = run(capsys, "export", "--db", str(damaged), "-o", str(tmp_path / "r.xlsx"),
                         "--lang", "en")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "damaged" in err


def test_a_sqlite_error_wrapped_anywhere_in_a_command_becomes_its_cause(demo, capsys,
                                                                         monkeypatch):
    import cityworkshop.cli as cli_module

    def full(store):
        raise OperationalError("INSERT ...", {}, sqlite3.OperationalError(
            "database or disk is full"))

    monkeypatch.setattr(cli_module, "status_dict", full)
    code, _, err = run(capsys, "status", "--db", str(demo), "--lang", "en")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "full" in err and str(demo) in err


def test_check_lists_the_problems_of_a_damaged_file(damaged):
    proc = cli("check", "--db", str(damaged), "--lang", "en")
    assert proc.returncode == 2
    problems = [line for line in proc.stdout.splitlines() if line.strip()]
    assert problems and all("page" in line.lower() for line in problems[:3])
    assert "Traceback" not in proc.stderr and "damaged" in proc.stderr


def test_check_says_ok_on_an_intact_file(demo):
    proc = cli("check", "--db", str(demo), "--lang", "en")
    assert proc.returncode == 0, proc.stderr
    assert "ok" in proc.stdout and proc.stderr == ""


def test_integrity_problems_reports_damage_that_stops_even_the_schema(demo):
    with open(demo, "r+b") as f:  # all of page 1 past the 100-byte header: the schema table
        f.seek(100)
        f.write(b"\xfe" * (4096 - 100))
    problems = health.integrity_problems(demo)
    assert problems
    with pytest.raises(Exception) as info:
        health.ensure_usable(demo)
    assert info.value.key == "store.damaged"


# -- 7. backups and snapshots -----------------------------------------------------------------


def _writer(path: Path, stop: threading.Event, written: list[int]) -> None:
    """Another connection that keeps joining participants (one row per transaction)."""
    with WorkshopStore(path) as store:
        code = store.list_groups()[0].code
        i = 0
        while not stop.is_set():
            store.join(code, f"Peserta {i}")
            written.append(i)
            i += 1


def _rows(path: Path, query: str) -> list[tuple]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute(query).fetchall()
    finally:
        con.close()


def test_backup_of_a_live_workshop_is_consistent(demo, tmp_path):
    stop, written = threading.Event(), []
    writer = threading.Thread(target=_writer, args=(demo, stop, written))
    writer.start()
    try:
        while len(written) < 20:
            time.sleep(0.01)
        copies = []
        for n in range(3):
            out = tmp_path / f"copy{n}.db"
            proc = cli("backup", "--db", str(demo), "-o", str(out), "--lang", "en")
            assert proc.returncode == 0, proc.stderr
            assert str(out) in proc.stdout
            copies.append(out)
        during = len(written)
    finally:
        stop.set()
        writer.join()
    assert during > 20  # the writer kept writing while the copies were made
    final = tmp_path / "final.db"
    health.backup(demo, final)
    query = "SELECT id, group_id, name, joined_at FROM participants ORDER BY id"
    source = _rows(demo, query)
    for copy in copies + [final]:
        assert _rows(copy, "PRAGMA integrity_check") == [("ok",)]
        assert _rows(copy, "PRAGMA foreign_key_check") == []
        rows = _rows(copy, query)
        assert set(rows) <= set(source)  # a state the workshop really was in
        assert len(rows) >= 40
    assert _rows(final, query) == source
    count = "SELECT count(*) FROM answers"
    assert _rows(final, count) == _rows(demo, count)
    assert not list(tmp_path.glob(".*partial*"))  # no temporary file left behind


def test_backup_refuses_to_overwrite_the_database_itself(demo, tmp_path):
    before = demo.read_bytes()
    alias = tmp_path / "sub" / ".." / demo.name
    (tmp_path / "sub").mkdir()
    link = tmp_path / "link.db"
    link.symlink_to(demo)
    for target in (demo, alias, link):
        proc = cli("backup", "--db", str(demo), "-o", str(target), "--force", "--lang", "en")
        assert proc.returncode == 2
        assert "database itself" in one_line(proc)
    assert demo.read_bytes() == before


def test_backup_refuses_an_existing_file_without_force(demo, tmp_path):
    other = tmp_path / "other.db"
    other.write_bytes(b"keep me")
    proc = cli("backup", "--db", str(demo), "-o", str(other), "--lang", "en")
    assert proc.returncode == 2 and "--force" in one_line(proc)
    assert other.read_bytes() == b"keep me"
    proc = cli("backup", "--db", str(demo), "-o", str(other), "--force", "--lang", "en")
    assert proc.returncode == 0
    assert _rows(other, "PRAGMA integrity_check") == [("ok",)]


def test_backup_into_a_folder_names_the_copy_by_utc_time(demo, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    made = health.backup(demo, folder)
    assert made.parent == folder and made.name.startswith("tangsel-") and made.name.endswith("Z.db")
    assert _rows(made, "SELECT count(*) FROM participants") == [(40,)]


def test_a_backup_onto_a_full_disk_says_so_and_leaves_no_partial_file(demo, tmp_path,
                                                                     monkeypatch):
    """A full disk, made by SQLite itself: the copy's connection may grow to 3 pages only."""
    real = sqlite3.connect

    def small_disk(target, *args, **kwargs):
        con = real(target, *args, **kwargs)
        if str(target).endswith(".partial"):
            con.execute("PRAGMA max_page_count = 3")
        return con

    monkeypatch.setattr(health.sqlite3, "connect", small_disk)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(Exception) as info:
        health.backup(demo, out / "b.db")
    assert info.value.key == "store.out_full"
    assert "No space left on the disk" in info.value.message("en")
    assert list(out.iterdir()) == []  # neither the copy nor its temporary file


def test_snapshots_rotate_and_keep_the_newest(demo):
    t0 = dt.datetime(2026, 12, 2, 1, 0, tzinfo=dt.UTC)
    made = []
    with WorkshopStore(demo) as store:
        code = store.list_groups()[0].code
        for n in range(5):
            store.join(code, f"Baru {n}")  # something changed since the last snapshot
            made.append(health.snapshot(demo, keep=3, now=t0 + dt.timedelta(minutes=10 * n)))
    folder = health.snapshot_folder(demo)
    assert folder == demo.parent / "tangsel.db.snapshots"
    kept = health.list_snapshots(demo)
    assert [p.name for p in kept] == ["tangsel-20261202T012000Z.db", "tangsel-20261202T013000Z.db",
                                      "tangsel-20261202T014000Z.db"]
    assert kept == made[2:]
    assert sorted(p.name for p in folder.iterdir()) == [p.name for p in kept]  # nothing else
    assert _rows(kept[-1], "SELECT count(*) FROM participants") == [(45,)]
    assert _rows(kept[0], "SELECT count(*) FROM participants") == [(43,)]
    # nothing changed: no new snapshot pushes the older ones out
    assert health.snapshot(demo, keep=3, now=t0 + dt.timedelta(hours=1)) is None
    assert health.list_snapshots(demo) == kept


def test_snapshots_within_one_second_keep_the_newest(demo):
    """Four snapshots in the same second with keep=2: the rotation never removes the one just
    made (a name it freed, reused, used to sort first and go at once)."""
    now = dt.datetime(2026, 12, 2, 1, 0, tzinfo=dt.UTC)
    made = []
    with WorkshopStore(demo) as store:
        code = store.list_groups()[0].code
        for n in range(4):
            store.join(code, f"Sedetik {n}")
            made.append(health.snapshot(demo, keep=2, now=now))
    assert [p.name for p in made] == [f"tangsel-20261202T010000Z{n}.db"
                                      for n in ("", "-2", "-3", "-4")]
    assert health.list_snapshots(demo) == made[2:]


def test_snapshotter_takes_snapshots_on_its_interval(demo):
    errors = []
    snaps = health.Snapshotter(demo, every_s=0.3, keep=2, on_error=errors.append)
    with WorkshopStore(demo) as store, snaps:
        code = store.list_groups()[0].code
        deadline = time.monotonic() + 20
        n = 0
        while len(snaps.taken) < 4 and time.monotonic() < deadline:
            store.join(code, f"Orang {n}")
            n += 1
            time.sleep(0.05)
    assert errors == []
    assert len(snaps.taken) >= 4
    kept = health.list_snapshots(demo)
    assert len(kept) == 2 and kept[-1] == snaps.taken[-1]
    for p in kept:
        assert _rows(p, "PRAGMA integrity_check") == [("ok",)]


def test_a_failing_snapshot_warns_and_the_next_one_is_still_taken(demo, monkeypatch):
    real = health.backup
    calls = {"n": 0}

    def disk_full_twice(db, dest, **kw):
        calls["n"] += 1
        if calls["n"] <= 2:
            raise OSError(errno.ENOSPC, "No space left on device", str(dest))
        return real(db, dest, **kw)

    monkeypatch.setattr(health, "backup", disk_full_twice)
    errors = []
    snaps = health.Snapshotter(demo, every_s=0.2, keep=3, on_error=errors.append)
    with snaps:
        deadline = time.monotonic() + 20
        while not snaps.taken and time.monotonic() < deadline:
            time.sleep(0.05)
        assert snaps._thread is not None and snaps._thread.is_alive()
    assert [e.key for e in errors] == ["store.out_full", "store.out_full"]
    assert "No space left on the disk" in errors[0].message("en")
    assert len(snaps.taken) == 1 and snaps.taken[0].is_file()


def test_serve_prints_a_failed_snapshot_as_a_warning_and_keeps_serving(demo, tmp_path):
    """The snapshot folder cannot be made (a file is in its way): one warning, still up."""
    health.snapshot_folder(demo).write_text("in the way")
    port = _free_port()
    proc, out = _start("serve", "--db", str(demo), "--port", str(port), "--lang", "en",
                       cwd=tmp_path)
    try:
        assert f"http://127.0.0.1:{port}/" in out
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            pass
        assert proc.poll() is None
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(30)
    err = proc.stderr.read()
    warnings = [line for line in err.splitlines() if "Warning: snapshot not made" in line]
    assert len(warnings) == 1, err
    assert "keeps running" in warnings[0] and "Traceback" not in err
    assert proc.returncode == 0


def test_a_snapshot_of_a_damaged_database_keeps_the_good_ones(demo):
    good = health.snapshot(demo, keep=2)
    assert good is not None
    corrupt(demo)
    errors = []
    snaps = health.Snapshotter(demo, every_s=60, keep=1, on_error=errors.append)
    assert snaps.take() is None
    assert [e.key for e in errors] == ["store.damaged"]
    assert health.list_snapshots(demo) == [good]  # not rotated out by a damaged copy
    assert not list(health.snapshot_folder(demo).glob(".*"))


# -- 8. the true reason -----------------------------------------------------------------------


@pytest.mark.parametrize("make, words", [
    (lambda p: p.write_text("hello, not a database"), "not a SQLite file"),
    (lambda p: p.write_bytes(b""), "empty file"),
    (lambda p: None, "not found"),
    (lambda p: p.mkdir(), "is a folder"),
])
def test_each_wrong_file_gets_its_true_message(tmp_path, capsys, make, words):
    path = tmp_path / "w.db"
    make(path)
    for argv in (("status",), ("open", ACTIVITY), ("check",), ("backup", "-o",
                                                                str(tmp_path / "b.db"))):
        code, out, err = run(capsys, *argv, "--db", str(path), "--lang", "en")
        assert code == 2, argv
        assert words in err and len(err.strip().splitlines()) == 1, (argv, err)
        assert "damaged" not in err
    assert not (tmp_path / "b.db").exists()


def test_the_old_message_remains_for_a_sqlite_file_of_another_program(tmp_path, capsys):
    other = tmp_path / "notes.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE notes (x)")
    con.commit()
    con.close()
    code, _, err = run(capsys, "status", "--db", str(other), "--lang", "en")
    assert code == 2 and "not a cityworkshop database" in err


def test_a_locked_file_says_locked(demo):
    holder = sqlite3.connect(demo)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("INSERT INTO meta (key, value) VALUES ('lock', 'held')")
    try:
        with pytest.raises(Exception) as info:
            health.ensure_usable(demo, timeout=0.2)
        assert info.value.key == "store.locked"
        assert "locked by another program" in info.value.message("en")
    finally:
        holder.rollback()
        holder.close()
    health.ensure_usable(demo)  # free again


@pytest.mark.parametrize("error, key", [
    (sqlite3.OperationalError("database or disk is full"), "store.disk_full"),
    (sqlite3.DatabaseError("database disk image is malformed"), "store.damaged"),
    (sqlite3.OperationalError("database is locked"), "store.locked"),
])
def test_sqlite_errors_are_named_by_their_cause(demo, error, key):
    assert health.explain(demo, error).key == key


@pytest.mark.parametrize("code, key", [(errno.ENOSPC, "store.out_full"),
                                       (errno.EROFS, "store.out_read_only"),
                                       (errno.EACCES, "store.out_denied")])
def test_output_errors_are_named_by_their_cause(tmp_path, code, key):
    err = health.explain_write(tmp_path / "r.html", OSError(code, os.strerror(code)))
    assert err.key == key and str(tmp_path / "r.html") in err.message("en")


def test_a_report_into_a_full_disk_is_one_line(demo, capsys, monkeypatch):
    import cityworkshop.report as report

    def full(store, path, *a, **k):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(report, "write_report", full)
    code, _, err = run(capsys, "report", "--db", str(demo), "-o", "/tmp/x-report.html",
                       "--lang", "en")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "No space left on the disk" in err


def test_a_read_only_engine_refuses_writes_and_reads(demo):
    engine = _make_engine(demo, read_only=True)
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM participants").scalar() == 40
            with pytest.raises(Exception, match="readonly"):
                conn.exec_driver_sql("DELETE FROM participants")
    finally:
        engine.dispose()
    assert _rows(demo, "SELECT count(*) FROM participants") == [(40,)]


def test_a_missing_file_is_never_created_by_the_engine(tmp_path):
    engine = _make_engine(tmp_path / "nope.db")
    try:
        with pytest.raises(OperationalError, match="unable to open"), engine.connect():
            pass
    finally:
        engine.dispose()
    assert not (tmp_path / "nope.db").exists()


# read-only media, for real -------------------------------------------------------------------


def _can_mount_read_only(tmp_path: Path) -> bool:
    if not shutil.which("unshare") or not sys.platform.startswith("linux"):
        return False
    probe = tmp_path / "probe"
    probe.mkdir(exist_ok=True)
    proc = subprocess.run(["unshare", "--mount", "--", "sh", "-c",
                           f"mount --bind -o ro '{probe}' '{probe}' && ! touch '{probe}/x'"],
                          capture_output=True)
    return proc.returncode == 0 and not (probe / "x").exists()


def on_read_only_medium(folder: Path, *argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the command while ``folder`` is a read-only mount (in its own mount namespace)."""
    inner = " ".join(["exec", PY, "-m", "cityworkshop.cli", *[f"'{a}'" for a in argv]])
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run(["unshare", "--mount", "--", "sh", "-c",
                           f"mount --bind -o ro '{folder}' '{folder}' && {inner}"],
                          capture_output=True, text=True, timeout=120, cwd=cwd, env=env)


@pytest.fixture
def medium(demo: Path, tmp_path: Path) -> Path:
    if not _can_mount_read_only(tmp_path):
        pytest.skip("needs 'unshare --mount' and a read-only bind mount (root on Linux)")
    folder = tmp_path / "usb"
    folder.mkdir()
    db = folder / "tangsel.db"
    shutil.move(demo, db)
    return db


def test_status_report_export_work_from_a_read_only_medium(medium, tmp_path):
    before = medium.read_bytes()
    proc = on_read_only_medium(medium.parent, "status", "--db", str(medium), "--json",
                               cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert '"participants": 40' in proc.stdout
    for argv, made in ((("report", "-o", str(tmp_path / "r.html")), "r.html"),
                       (("export", "-o", str(tmp_path / "r.xlsx")), "r.xlsx"),
                       (("check",), None),
                       (("backup", "-o", str(tmp_path / "copy.db")), "copy.db")):
        proc = on_read_only_medium(medium.parent, *argv, "--db", str(medium), "--lang", "en",
                                   cwd=tmp_path)
        assert proc.returncode == 0, (argv, proc.stderr)
        if made:
            assert (tmp_path / made).stat().st_size > 0
    assert medium.read_bytes() == before
    assert sorted(p.name for p in medium.parent.iterdir()) == ["tangsel.db"]


def test_a_change_on_a_read_only_medium_names_the_medium(medium, tmp_path):
    for argv in (("open", ACTIVITY), ("next",), ("serve", "--port", str(_free_port()))):
        proc = on_read_only_medium(medium.parent, *argv, "--db", str(medium), "--lang", "en",
                                   cwd=tmp_path)
        assert proc.returncode == 2, (argv, proc.stderr)
        line = one_line(proc)
        assert "read-only medium" in line and "not a cityworkshop database" not in line
        assert "http://" not in proc.stdout


def test_a_read_only_medium_with_pending_wal_changes_is_not_read_stale(medium, tmp_path):
    """``immutable=1`` would ignore the -wal file: the newest answers would be missing."""
    con = sqlite3.connect(medium)
    con.execute("PRAGMA wal_autocheckpoint = 0")
    con.execute("INSERT INTO meta (key, value) VALUES ('late', 'answer')")
    con.commit()
    keep = tmp_path / "keep"
    keep.mkdir()
    for suffix in ("", "-wal"):  # what a copy taken while the workshop ran holds
        shutil.copyfile(f"{medium}{suffix}", keep / f"tangsel.db{suffix}")
    con.close()
    for suffix in ("", "-wal"):
        shutil.copyfile(keep / f"tangsel.db{suffix}", f"{medium}{suffix}")
    Path(f"{medium}-shm").unlink(missing_ok=True)
    assert Path(f"{medium}-wal").stat().st_size > 0
    proc = on_read_only_medium(medium.parent, "status", "--db", str(medium), "--lang", "en",
                               cwd=tmp_path)
    assert proc.returncode == 2
    assert "-wal" in one_line(proc)


# permission bits, for real ------------------------------------------------------------------


def _without_dac() -> tuple[str, ...]:
    """A prefix that runs a command with permission bits enforced, also for root."""
    if os.geteuid() != 0:
        return ()
    if not shutil.which("setpriv"):
        pytest.skip("running as root without 'setpriv': permission bits would not apply")
    probe = subprocess.run(["setpriv", "--bounding-set=-dac_override,-dac_read_search", "true"],
                           capture_output=True)
    if probe.returncode != 0:
        pytest.skip("setpriv cannot drop CAP_DAC_OVERRIDE here")
    return ("setpriv", "--bounding-set=-dac_override,-dac_read_search", "--")


@pytest.fixture
def locked_folder(demo: Path, tmp_path: Path):
    folder = tmp_path / "copy"
    folder.mkdir()
    db = folder / "tangsel.db"
    shutil.move(demo, db)
    yield db
    os.chmod(folder, 0o755)
    if db.exists():
        os.chmod(db, 0o644)


def test_a_read_only_copy_in_a_read_only_folder_can_be_read(locked_folder, tmp_path):
    prefix = _without_dac()
    os.chmod(locked_folder, 0o444)
    os.chmod(locked_folder.parent, 0o555)
    proc = cli("status", "--db", str(locked_folder), "--json", prefix=prefix, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    proc = cli("report", "--db", str(locked_folder), "-o", str(tmp_path / "r.html"),
               prefix=prefix, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    proc = cli("open", ACTIVITY, "--db", str(locked_folder), "--lang", "en", prefix=prefix)
    assert proc.returncode == 2 and "read-only" in one_line(proc)


def test_a_writable_file_in_a_read_only_folder_names_the_folder(locked_folder, tmp_path):
    prefix = _without_dac()
    os.chmod(locked_folder.parent, 0o555)
    proc = cli("open", ACTIVITY, "--db", str(locked_folder), "--lang", "en", prefix=prefix)
    assert proc.returncode == 2
    assert "folder" in one_line(proc) and "read-only" in one_line(proc)


def test_a_read_only_file_names_the_file(locked_folder, tmp_path):
    prefix = _without_dac()
    os.chmod(locked_folder, 0o444)
    proc = cli("close", ACTIVITY, "--db", str(locked_folder), "--lang", "en", prefix=prefix)
    assert proc.returncode == 2
    assert "read-only file" in one_line(proc)


def test_an_unreadable_file_says_permission_denied(locked_folder, tmp_path):
    prefix = _without_dac()
    os.chmod(locked_folder, 0o000)
    proc = cli("status", "--db", str(locked_folder), "--lang", "en", prefix=prefix)
    assert proc.returncode == 2
    assert "Permission denied" in one_line(proc)


# -- 9. ports and children --------------------------------------------------------------------


def _descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        p = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{p}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                children = Path(f"/proc/{p}/task/{task}/children").read_text().split()
            except OSError:
                continue
            for c in map(int, children):
                if c not in found:
                    found.add(c)
                    todo.append(c)
    return found


def _alive(pid: int) -> bool:
    """Running, not a zombie waiting for a parent that is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _start(*argv: str, cwd: Path) -> tuple[subprocess.Popen[str], str]:
    """Start a server command and read its output up to the "Ctrl+C" line (``up``: to its
    last line, the JupyterLab link with its token)."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.Popen([PY, "-m", "cityworkshop.cli", *argv], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=cwd, env=env)
    lines = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if "token=" in line or ("Ctrl+C" in line and argv[0] != "up"):
            break
    return proc, "".join(lines)


def _gone_within(pids: set[int], seconds: float) -> set[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        alive = {p for p in pids if _alive(p)}
        if not alive:
            return set()
        time.sleep(0.1)
    return {p for p in pids if _alive(p)}


def _listener(port: int) -> str:
    """Who still listens on ``port`` (for the failure message)."""
    import shutil as _sh

    if not _sh.which("ss"):
        return "ss not installed"
    return subprocess.run(["ss", "-ltnp", f"sport = :{port}"], capture_output=True,
                          text=True).stdout


def _port_closed(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return True
    return False


@pytest.mark.slow
def test_kill_9_of_serve_ends_the_page_server_too(demo, tmp_path):
    port = _free_port()
    proc, out = _start("serve", "--db", str(demo), "--port", str(port), "--snapshot-every", "0.01",
                       "--snapshot-keep", "2", "--lang", "en", cwd=tmp_path)
    children: set[int] = set()
    try:
        assert f"http://127.0.0.1:{port}/" in out, out + proc.stderr.read() if proc.poll() else out
        assert str(health.snapshot_folder(demo)) in out  # says where the snapshots are
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(_descendants(proc.pid)) < 2:
            time.sleep(0.2)  # the page server
        children = _descendants(proc.pid)
        assert children, "serve started no child"
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            pass
        assert health.list_snapshots(demo)  # the first snapshot is taken at start
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    left = _gone_within(children, 15)
    try:
        assert left == set(), f"still running after kill -9 of serve: {sorted(left)}"
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not _port_closed(port):
            time.sleep(0.3)
        assert _port_closed(port), _listener(port)
    finally:
        for pid in left:
            os.kill(pid, signal.SIGKILL)


@pytest.mark.slow
def test_kill_9_of_up_ends_lab_and_the_participant_server(demo, tmp_path):
    page_port, lab_port = _free_port(), _free_port()
    proc, out = _start("up", "--db", str(demo), "--port", str(page_port), "--lab-port",
                       str(lab_port), "--snapshot-every", "0", "--lang", "en",
                       cwd=tmp_path)
    children: set[int] = set()
    try:
        assert f"http://127.0.0.1:{page_port}/" in out
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and _port_closed(lab_port):
            time.sleep(0.3)
        assert not _port_closed(lab_port), "JupyterLab did not start"
        children = _descendants(proc.pid)
        assert len(children) >= 2
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    left = _gone_within(children, 20)
    try:
        assert left == set(), f"still running after kill -9 of up: {sorted(left)}"
        assert _port_closed(page_port) and _port_closed(lab_port)
    finally:
        for pid in left:
            os.kill(pid, signal.SIGKILL)


def test_serve_stopped_normally_leaves_nothing_running(demo, tmp_path):
    port = _free_port()
    proc, out = _start("serve", "--db", str(demo), "--port", str(port), "--snapshot-every", "0",
                       "--lang", "en", cwd=tmp_path)
    try:
        assert "Snapshots are off" in out
        children = _descendants(proc.pid)
        assert children
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
    assert proc.returncode == 0
    assert _gone_within(children, 10) == set()


@pytest.mark.parametrize("listening", [True, False])
def test_serve_on_a_taken_port_says_so_and_prints_no_address(demo, listening):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        if listening:
            busy.listen()
        port = busy.getsockname()[1]
        t0 = time.monotonic()
        proc = cli("serve", "--db", str(demo), "--port", str(port), "--lang", "en", timeout=60)
        elapsed = time.monotonic() - t0
    assert proc.returncode == 2
    line = one_line(proc)
    assert str(port) in line and "already in use" in line
    assert proc.stdout == ""  # no URL, no QR code
    assert elapsed < 30
    assert not health.snapshot_folder(demo).exists()


def test_up_refuses_a_taken_lab_port_before_starting_anything(demo, tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        lab_port = busy.getsockname()[1]
        proc = cli("up", "--db", str(demo), "--port", str(_free_port()), "--lab-port",
                   str(lab_port), "--lang", "id", cwd=tmp_path, timeout=60)
    assert proc.returncode == 2
    assert str(lab_port) in one_line(proc) and "sudah dipakai" in one_line(proc)
    assert proc.stdout == ""
