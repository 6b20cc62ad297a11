"""The ``cityworkshop`` command: every command, its JSON, and its errors (one line, exit 2)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from cityworkshop.cli import main
from cityworkshop.store import WorkshopStore

ACTIVITY = "disruptive-scoring"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_init_prints_every_group_code(tmp_path, capsys):
    db = tmp_path / "w.db"
    code, out, _ = run(capsys, "init", "--db", str(db), "--groups", "4")
    assert code == 0
    with WorkshopStore(db) as store:
        codes = [g.code for g in store.list_groups()]
    assert len(codes) == 4
    for c in codes:
        assert c in out


def test_init_refuses_an_existing_file(tmp_path, capsys):
    db = tmp_path / "w.db"
    run(capsys, "init", "--db", str(db))
    code, out, err = run(capsys, "init", "--db", str(db))
    assert code == 2
    assert str(db) in err and len(err.strip().splitlines()) == 1


def test_status_json_has_the_documented_shape(tmp_path, capsys):
    db = tmp_path / "w.db"
    run(capsys, "init", "--db", str(db), "--groups", "3")
    with WorkshopStore(db) as store:
        g = store.list_groups()
        a = store.join(g[0].code, "Ayu")
        store.join(g[0].code, "Budi")
        store.join(g[2].code)
        store.open_activity(ACTIVITY)
        store.submit(ACTIVITY, a.id, {"scores": {"mobility": {"now": 2, "target": 4}}})
    code, out, _ = run(capsys, "status", "--db", str(db), "--json")
    assert code == 0
    status = json.loads(out)
    assert status["participants"] == 3
    assert [(x["name"], x["code"], x["participants"]) for x in status["groups"]] == [
        (g[0].name, g[0].code, 2), (g[1].name, g[1].code, 0), (g[2].name, g[2].code, 1)]
    acts = {a["id"]: a for a in status["activities"]}
    assert acts[ACTIVITY] == {"id": ACTIVITY, "kind": "scale", "scope": "group", "open": True,
                              "submissions": 1, "revisions": 1}
    assert [a["id"] for a in status["activities"]] == [
        a.id for a in store.pack.program.activities]
    others = [a for a in status["activities"] if a["id"] != ACTIVITY]
    assert others and all(not a["open"] and a["submissions"] == 0 for a in others)


def test_open_and_close_change_what_participants_see(tmp_path, capsys):
    db = tmp_path / "w.db"
    run(capsys, "init", "--db", str(db))
    assert run(capsys, "open", "--db", str(db), ACTIVITY)[0] == 0
    with WorkshopStore(db) as store:
        assert store.current_activity() == ACTIVITY
    code, out, _ = run(capsys, "close", "--db", str(db), ACTIVITY, "--lang", "en")
    assert code == 0 and "closed" in out
    with WorkshopStore(db) as store:
        assert store.current_activity() is None


def test_demo_is_marked_and_answered(tmp_path, capsys):
    db = tmp_path / "d.db"
    code, out, _ = run(capsys, "demo", "--db", str(db))
    assert code == 0 and "DEMO" in out
    code, out, _ = run(capsys, "status", "--db", str(db), "--json")
    status = json.loads(out)
    assert status["demo"] is True
    assert status["participants"] == 40 and len(status["groups"]) == 5
    acts = {a["id"]: a for a in status["activities"]}
    assert acts[ACTIVITY]["submissions"] == 5


@pytest.mark.parametrize("lang, words", [("id", "tidak ditemukan"), ("en", "not found")])
def test_missing_database_is_one_line_in_the_users_language(tmp_path, capsys, lang, words):
    code, out, err = run(capsys, "status", "--db", str(tmp_path / "nope.db"), "--lang", lang)
    assert code == 2 and out == ""
    assert words in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "nope.db").exists()  # looking must not create it


def test_a_file_that_is_not_a_workshop_is_refused_and_left_alone(tmp_path, capsys):
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE notes (x)")
    con.commit()
    con.close()
    before = other.read_bytes()
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    for path in (other, text):
        code, _, err = run(capsys, "open", "--db", str(path), ACTIVITY, "--lang", "en")
        assert code == 2
        assert "not a cityworkshop database" in err and len(err.strip().splitlines()) == 1
    assert other.read_bytes() == before
    assert text.read_text() == "hello"


def test_unknown_activity_names_the_known_ones(tmp_path, capsys):
    db = tmp_path / "w.db"
    run(capsys, "init", "--db", str(db))
    code, _, err = run(capsys, "open", "--db", str(db), "no-such-thing", "--lang", "en")
    assert code == 2
    assert "no-such-thing" in err and ACTIVITY in err and len(err.strip().splitlines()) == 1


def test_db_defaults_to_the_environment_variable(tmp_path):
    db = tmp_path / "env.db"
    env = dict(os.environ, CITYWORKSHOP_DB=str(db))
    subprocess.run([sys.executable, "-m", "cityworkshop.cli", "init"], env=env, check=True,
                   capture_output=True)
    assert db.is_file()


def test_console_script_error_has_no_traceback(tmp_path):
    exe = Path(sys.executable).with_name("cityworkshop")
    if not exe.exists():
        pytest.skip("console script not installed in this environment")
    proc = subprocess.run([str(exe), "close", "--db", str(tmp_path / "x.db"), ACTIVITY],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_serve_prints_address_and_qr_and_stops_on_ctrl_c(tmp_path):
    import signal
    import socket
    import time

    db = tmp_path / "w.db"
    WorkshopStore.create(db, groups=2).close()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "cityworkshop.cli", "serve", "--db", str(db),
                             "--port", str(port), "--lang", "en"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "Ctrl+C" in line:
                break
        out = "".join(lines)
        assert f"http://127.0.0.1:{port}/" in out
        assert "\u2588" in out or "\u2580" in out or "\u2584" in out  # the QR code's blocks
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            pass
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(30)
    assert proc.returncode == 0
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()


def test_facilitator_controls_next_reveal_hide_timer(tmp_path, capsys):
    db = tmp_path / "w.db"
    run(capsys, "init", "--db", str(db))
    with WorkshopStore(db) as store:
        order = [a.id for a in store.pack.program.activities]
    assert run(capsys, "next", "--db", str(db))[0] == 0
    assert run(capsys, "next", "--db", str(db))[0] == 0
    assert run(capsys, "hide", "--db", str(db), order[1])[0] == 0
    code, out, _ = run(capsys, "timer", "--db", str(db), order[1], "5", "--lang", "en")
    assert code == 0 and "5" in out
    with WorkshopStore(db) as store:
        assert store.current_activity() == order[1]
        assert store.open_activities() == [order[1]]
        assert store.is_revealed(order[1]) is False
        assert 290 < store.timer_remaining(order[1]) <= 300
    run(capsys, "reveal", "--db", str(db), order[1])
    run(capsys, "timer", "--db", str(db), order[1], "--stop")
    with WorkshopStore(db) as store:
        assert store.is_revealed(order[1]) is True
        assert store.timer_remaining(order[1]) is None
    code, _, err = run(capsys, "timer", "--db", str(db), order[1])
    assert code == 2 and "--stop" in err
    code, _, err = run(capsys, "timer", "--db", str(db), order[1], "0")
    assert code == 2 and len(err.strip().splitlines()) == 1


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _read_until_token(proc, deadline_s: float = 150) -> list[str]:
    """The command's output up to its JupyterLab link (the line with the token)."""
    import time

    lines = []
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if "token=" in line:
            break
    return lines


def test_up_starts_lab_and_participant_page_and_stops_both(tmp_path):
    """The README's main job: a demo workshop, JupyterLab and the participant page together,
    quietly: the servers' logs go to a file it names, the last two lines are the two links."""
    import signal
    import socket
    import urllib.request

    db = tmp_path / "demo.db"
    page_port, lab_port = _free_port(), _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "cityworkshop.cli", "up", "--demo", "--db",
                             str(db), "--port", str(page_port), "--lab-port", str(lab_port),
                             "--lang", "en"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=tmp_path)
    try:
        lines = _read_until_token(proc)
        assert lines and "token=" in lines[-1], lines
        page_line, lab_line = lines[-2], lines[-1]
        assert page_line.startswith("Participant page") and \
            page_line.endswith(f"http://127.0.0.1:{page_port}/")
        assert lab_line.startswith("Facilitator's JupyterLab")
        lab_url = lab_line.split(": ", 1)[1].strip()
        assert lab_url.startswith(f"http://127.0.0.1:{lab_port}/doc/tree/00_ikhtisar.ipynb?token=")
        out = "\n".join(lines)
        assert "[I " not in out and "ServerApp" not in out  # no server log in the terminal
        logs = tmp_path / "demo.db.logs"
        assert f"Server logs: {logs}" in out
        assert "127.0.0.1" in out and "--host 0.0.0.0" in out  # phones cannot reach it: said
        assert db.is_file()
        with urllib.request.urlopen(lab_url, timeout=30) as resp:  # the token opens it at once
            body = resp.read()
        assert resp.status == 200 and b"JupyterLab" in body
        assert b"login" not in resp.url.encode()
        assert (tmp_path / "demo-notebooks" / "01_kota_disruptif.ipynb").is_file()
        assert not (tmp_path / "demo-notebooks" / "participant.ipynb").exists()
        assert "Jupyter Server" in (logs / "lab.log").read_text("utf-8")
        page = json.loads((tmp_path / "demo.db.page.json").read_text("utf-8"))
        assert page["url"] == f"http://127.0.0.1:{page_port}/" and page["local_only"] is True
        with socket.create_connection(("127.0.0.1", page_port), timeout=2):
            pass
    finally:
        proc.send_signal(signal.SIGTERM)  # a service manager's stop: children go too
        proc.wait(60)
    assert "[I " not in proc.stderr.read()
    assert not (tmp_path / "demo.db.page.json").exists()  # the address goes with the server
    for port in (page_port, lab_port):
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=1).close()


def test_lab_alone_says_how_to_start_the_participant_page(tmp_path):
    import signal

    db = tmp_path / "w.db"
    WorkshopStore.create(db, groups=2).close()
    proc = subprocess.Popen([sys.executable, "-m", "cityworkshop.cli", "lab", "--db", str(db),
                             "--port", str(_free_port())],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=tmp_path)
    try:
        lines = _read_until_token(proc)
        assert lines and "token=" in lines[-1], lines
        out = "\n".join(lines)
        assert f"cityworkshop serve --db {db} --host 0.0.0.0" in out
        assert lines[-1].startswith("JupyterLab fasilitator")  # Bahasa Indonesia by default
        assert "[I " not in out
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(60)
    assert proc.returncode == 0
