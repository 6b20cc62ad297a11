"""The ``cityworkshop`` command: thin wrappers over the store, the demo and the servers.

Every command takes ``--db PATH`` (default ``$CITYWORKSHOP_DB``, else ``./workshop.db``), or a
PostgreSQL workshop's URL (``postgresql+psycopg://user@host/dbname?workshop=NAME``). Each one
that opens a workshop first runs SQLite's ``quick_check`` (on a server: the server answers and
the workshop is there). A missing, damaged, locked or
read-only file, a file that is not a workshop database, a full disk or an unknown activity gives
one clear line on stderr and exit code 2, never a traceback. The file checks, backups and
snapshots live in :mod:`cityworkshop.store.health`; the servers in :mod:`cityworkshop.serve`.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .errors import CityWorkshopError
from .i18n import LANGUAGES, default_lang, t

__all__ = ["main", "notebooks_dir"]

CHECK_MAX_ERRORS = 100  # problems that 'check' lists at most


def notebooks_dir() -> Path:
    """The guided notebooks: installed beside the package, or ``notebooks/`` of a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_notebooks", here.parent / "notebooks"):
        if (candidate / "participant.ipynb").is_file():
            return candidate
    raise CityWorkshopError(f"Guided notebooks not found next to {here}.")


_READ_ONLY_COMMANDS = ("status", "report", "export", "check", "backup", "seats")


def _store(args: argparse.Namespace) -> Any:
    """Open the workshop at ``--db`` after SQLite's ``quick_check`` said it is intact (and,
    for a command that changes it, that it can be written)."""
    from .store import WorkshopStore
    from .store.health import ensure_usable

    ensure_usable(args.db, write=args.command not in _READ_ONLY_COMMANDS)
    store = WorkshopStore(args.db)
    store.say_on_stderr = False  # main() prints the one line itself
    return store


def _activity_title(store: Any, activity_id: str, lang: str) -> str:
    return store.activity(activity_id).title.get(lang)


def _shown(db: Path | str) -> str:
    """``--db`` for a message: a PostgreSQL URL without its password."""
    from .store.postgres import is_url, parse_url

    return parse_url(db).display if is_url(db) else str(db)


def _sqlite_only(args: argparse.Namespace) -> None:
    from .store.postgres import is_url

    if is_url(args.db):
        raise CityWorkshopError(key="cli.sqlite_file_only", command=args.command)


def cmd_init(args: argparse.Namespace) -> int:
    from .store import WorkshopStore

    with WorkshopStore.create(args.db, program=_program(args), groups=args.groups,
                              content=args.content) as store:
        groups = store.list_groups()
        print(t("cli.init_done", args.lang, path=_shown(args.db), n=len(groups)))
        for g in groups:
            print(f"  {g.name}: {g.code}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from .demo import DEMO_SEED, make_demo
    from .store.postgres import drop_workshop, is_url

    if is_url(args.db) and args.force:
        drop_workshop(args.db)
    elif not is_url(args.db) and args.db.exists() and args.force:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{args.db}{suffix}").unlink(missing_ok=True)
    with make_demo(args.db, seed=args.seed if args.seed is not None else DEMO_SEED,
                   program=_program(args),
                   content=getattr(args, "content", None)) as store:
        groups = store.list_groups()
        print(t("cli.demo_done", args.lang, path=_shown(args.db),
                participants=len(store.list_participants()), groups=len(groups)))
        for g in groups:
            print(f"  {g.name}: {g.code}")
    return 0


def _program(args: argparse.Namespace) -> str:
    """``--program``; without it the only program of ``--content``, else the reference one."""
    if getattr(args, "program", None):
        return str(args.program)
    content = getattr(args, "content", None)
    if content is not None and (Path(content) / "programs").is_dir():
        found = sorted(p.stem for p in (Path(content) / "programs").glob("*.yaml"))
        if len(found) == 1:
            return found[0]
        if found:
            raise CityWorkshopError(key="cli.pack_which_program", path=content,
                                    programs=", ".join(found))
    return "tangsel-elp"


def cmd_pack_new(args: argparse.Namespace) -> int:
    """Write a commented starting pack to fill in."""
    from .packs import new_pack

    written = new_pack(args.folder)
    print(t("cli.pack_new_done", args.lang, path=args.folder, n=len(written)))
    for path in written:
        print(f"  {path}")
    print(t("cli.pack_new_next", args.lang, path=args.folder))
    return 0


def cmd_pack_check(args: argparse.Namespace) -> int:
    """Every problem of a pack folder (exit 1), or that it is ready (exit 0)."""
    from .packs import check_pack, placeholders, problem_text

    problems = check_pack(args.folder, args.program)
    if problems:
        for p in problems:
            print(f"  - {problem_text(p, args.lang)}")
        print(t("cli.pack_check_problems", args.lang, n=len(problems), path=args.folder))
        return 1
    n = 1 if args.program else len(list((args.folder / "programs").glob("*.yaml")))
    print(t("cli.pack_check_ok", args.lang, path=args.folder, n=n))
    to_fill = placeholders(args.folder)
    if to_fill:
        print(t("cli.pack_check_to_fill", args.lang, n=len(to_fill)))
        for p in to_fill:
            print(f"  * {p}")
    return 0


def status_dict(store: Any) -> dict[str, Any]:
    """What ``cityworkshop status --json`` prints."""
    from .kinds import kind_of

    sizes = store.group_sizes()
    open_ids = set(store.open_activities())
    counts = store.submission_counts()
    asked = store.question_counts()
    info = store.info()

    def counted(a: Any) -> dict[str, Any]:
        if a.id in asked or kind_of(a).board:  # questions and votes are not submissions
            q = asked.get(a.id, {"questions": 0, "votes": 0})
            return {"submissions": q["questions"], "revisions": q["questions"], **q}
        return {"submissions": counts[a.id]["subjects"], "revisions": counts[a.id]["revisions"]}

    return {
        "program": info.program_id,
        "demo": info.is_demo,
        "participants": sum(sizes.values()),
        "groups": [{"name": g.name, "code": g.code, "participants": sizes.get(g.id, 0)}
                   for g in store.list_groups()],
        "activities": [{"id": a.id, "kind": a.kind, "scope": a.scope, "open": a.id in open_ids,
                        **counted(a)}
                       for a in store.pack.program.activities],
    }


def cmd_status(args: argparse.Namespace) -> int:
    with _store(args) as store:
        status = status_dict(store)
        if args.json:
            print(json.dumps(status, ensure_ascii=False, indent=2))
            return 0
        lang = args.lang
        if status["demo"]:
            print(t("demo.banner", lang))
        print(f"{t('status.participants', lang)}: {status['participants']}")
        print(f"{t('status.groups', lang)}:")
        for g in status["groups"]:
            print(f"  {g['name']:<12} {g['code']}  {g['participants']:>3}")
        print(f"{t('status.activities', lang)}:")
        for a in status["activities"]:
            state = t("status.open" if a["open"] else "status.closed", lang)
            count = (t("status.questions", lang, questions=a["questions"], votes=a["votes"])
                     if "questions" in a else f"{a['submissions']} {t('status.answers', lang)}")
            print(f"  {a['id']:<24} {a['kind']:<9} {a['scope']:<11} {state:<8} {count}")
    return 0


def cmd_open(args: argparse.Namespace) -> int:
    with _store(args) as store:
        closed = store.open_activity(args.activity)
        title = _activity_title(store, args.activity, args.lang)
        if closed:  # one activity is open at a time: say which one this closed
            print(t("cli.opened_closing", args.lang, activity=title,
                    closed=", ".join(_activity_title(store, c, args.lang) for c in closed)))
        else:
            print(t("cli.opened", args.lang, activity=title))
    return 0


def cmd_close(args: argparse.Namespace) -> int:
    with _store(args) as store:
        store.close_activity(args.activity)
        print(t("cli.closed", args.lang, activity=_activity_title(store, args.activity, args.lang)))
    return 0


def cmd_next(args: argparse.Namespace) -> int:
    with _store(args) as store:
        now_open = store.advance()
        if now_open is None:
            print(t("cli.next_end", args.lang))
        else:
            print(t("cli.opened", args.lang, activity=_activity_title(store, now_open, args.lang)))
    return 0


def cmd_seats(args: argparse.Namespace) -> int:
    """Participants and their personal codes: for one whose first phone is gone (not for the
    projector: a personal code opens that participant's answers)."""
    with _store(args) as store:
        groups = {g.id: g for g in store.list_groups()}
        wanted = None
        if args.group:
            wanted = store.find_group(args.group).id
        print(t("cli.seats_heading", args.lang))
        for p in store.list_participants():
            if wanted is not None and p.group_id != wanted:
                continue
            name = p.name or t("cli.seats_no_name", args.lang)
            print(f"  {groups[p.group_id].name:<12} {p.seat or '-':<6} {name}")
    return 0


def cmd_reveal(args: argparse.Namespace) -> int:
    with _store(args) as store:
        store.reveal(args.activity, args.command == "reveal")
        key = "cli.revealed" if args.command == "reveal" else "cli.hidden"
        print(t(key, args.lang, activity=_activity_title(store, args.activity, args.lang)))
    return 0


def cmd_timer(args: argparse.Namespace) -> int:
    with _store(args) as store:
        title = _activity_title(store, args.activity, args.lang)
        if args.stop:
            store.stop_timer(args.activity)
            print(t("cli.timer_stopped", args.lang, activity=title))
        else:
            if args.minutes is None:
                raise CityWorkshopError(key="cli.timer_minutes")
            store.start_timer(args.activity, args.minutes * 60)
            print(t("cli.timer_started", args.lang, activity=title, minutes=args.minutes))
    return 0


def _print_qr(url: str) -> None:
    try:
        import segno
    except ImportError:  # pragma: no cover - segno is a dependency
        return
    segno.make(url, error="m").terminal(compact=True)


def _announce(url: str, host: str, port: int, lang: str, snapshots: str | None = None,
              public_url: str | None = None, root_path: str = "") -> Any:
    """What ``serve`` prints: the page's address, the one phones open, its QR code.

    ``public_url``: the address phones open behind a reverse proxy (printed, QR-coded and
    left for the notebooks instead of the venue-network address)."""
    from .venue import PageAddress, join_url

    print(t("cli.serve_url", lang, url=url))
    if public_url:
        address = PageAddress(public_url, False)
        print(t("cli.serve_public", lang, url=address.url))
    else:
        address = join_url(host, port)
        if root_path:
            address = PageAddress(address.url.rstrip("/") + root_path + "/", address.local_only)
        if not address.local_only and address.url != url:
            print(t("cli.serve_lan", lang, url=address.url))
    _print_qr(address.url)
    if snapshots:
        print(snapshots)
    print(t("cli.serve_stop", lang))
    return address


def _ensure_port(host: str, port: int) -> None:
    """Refuse a port that another program holds, before anything is printed."""
    import errno

    from .serve import check_port_free

    try:
        check_port_free(host, port)
    except OSError as e:
        if e.errno == errno.EADDRINUSE:
            raise CityWorkshopError(key="cli.port_taken", host=host, port=port) from None
        raise CityWorkshopError(key="cli.port_unusable", host=host, port=port,
                                reason=e.strerror or str(e)) from None


def _server_failed(server: Any) -> CityWorkshopError:
    """The participant server ended on its own: one line with its exit code and last words."""
    lines = [line.strip() for line in server.log().splitlines() if line.strip()]
    return CityWorkshopError(key="cli.serve_failed", code=server.process.returncode,
                             log=lines[-1][:200] if lines else "-")


def _wait_for_server(server: Any) -> None:
    try:
        server.wait_ready(60)
    except (RuntimeError, TimeoutError):
        if server.process.poll() is None:
            raise CityWorkshopError(key="cli.serve_timeout", url=server.url) from None
        raise _server_failed(server) from None
    if server.process.poll() is not None:  # what answered on the port was not our server
        raise _server_failed(server)


def _start_snapshots(args: argparse.Namespace) -> tuple[Any, str]:
    """Rolling snapshots beside the database (``--snapshot-every``/``--snapshot-keep``).

    Returns the running :class:`Snapshotter` (None when off) and the line that says where.
    A failed snapshot prints one warning line; serving goes on.
    """
    from .store.health import Snapshotter, snapshot_folder

    every, keep = args.snapshot_every, args.snapshot_keep
    if every <= 0 or keep <= 0:
        return None, t("cli.snapshots_off", args.lang)
    lang = args.lang

    def warn(err: Any) -> None:
        print(t("cli.snapshot_failed", lang, reason=err.message(lang)), file=sys.stderr,
              flush=True)

    snaps = Snapshotter(args.db, every_s=every * 60, keep=keep, on_error=warn).start()
    minutes = f"{every:g}"
    return snaps, t("cli.snapshots_on", lang, every=minutes, keep=keep,
                    folder=snapshot_folder(args.db))


def _leave_page_address(db: Path, address: Any) -> Path | None:
    """The page's address beside the database, for a JupyterLab started on its own."""
    from .venue import write_page_file

    try:
        return write_page_file(db, address)
    except OSError:  # a read-only folder: the notebooks then say how to find the page
        return None


def _forget_page_address(written: Path | None) -> None:
    if written is not None:
        written.unlink(missing_ok=True)


def _keep_page_address_in_workshop(args: argparse.Namespace, address: Any) -> Any:
    """A PostgreSQL workshop has no folder for the page file: the address goes into the
    workshop itself, renewed every ``PAGE_RENEW_S`` seconds while serving (the notebooks' join
    card shows it, also from a JupyterLab on another machine). Returns a function that stops
    renewing and clears it; None for a SQLite file."""
    import threading

    from .store.page import PAGE_RENEW_S

    if "://" not in str(args.db):
        return None
    store = _store(args)
    stop = threading.Event()

    def renew() -> None:
        while True:
            try:
                store.leave_page_address(address.url, address.local_only)
            except CityWorkshopError as err:  # the server unreachable for a moment: say it once
                print(err.message(args.lang), file=sys.stderr, flush=True)
            if stop.wait(PAGE_RENEW_S):
                return

    thread = threading.Thread(target=renew, name="cityworkshop-page-address", daemon=True)
    thread.start()

    def done() -> None:
        stop.set()
        thread.join(10)
        with contextlib.suppress(CityWorkshopError):
            store.forget_page_address()
        store.close()

    return done


def _proxy_options(args: argparse.Namespace) -> tuple[str, str | None]:
    """``serve --root-path`` made plain, and ``--public-url`` checked (an http(s) address)."""
    from urllib.parse import urlsplit

    from .serve import normal_root_path

    try:
        root_path = normal_root_path(args.root_path)
    except ValueError:
        raise CityWorkshopError(key="cli.bad_root_path", value=args.root_path) from None
    public = (args.public_url or "").strip() or None
    if public is not None:
        parts = urlsplit(public)
        if (parts.scheme not in ("http", "https") or not parts.hostname
                or any(ch.isspace() or ord(ch) < 32 for ch in public)):
            raise CityWorkshopError(key="cli.bad_public_url", value=args.public_url)
        public = public if public.endswith("/") else public + "/"
    return root_path, public


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import start_participant_server

    root_path, public_url = _proxy_options(args)
    _store(args).close()  # a clear error now rather than in every participant's kernel
    _ensure_port(args.host, args.port)
    server = start_participant_server(args.db, host=args.host, port=args.port, lang=args.lang,
                                      idle_minutes=args.idle_minutes, root_path=root_path)
    snaps = None
    written = None
    kept = None
    try:
        _wait_for_server(server)
        snaps, where = _start_snapshots(args)
        address = _announce(server.url, args.host, args.port, args.lang, where,
                            public_url=public_url, root_path=root_path)
        kept = _keep_page_address_in_workshop(args, address)
        written = None if kept else _leave_page_address(args.db, address)
        server.process.wait()
        raise _server_failed(server)  # it was not asked to stop
    except KeyboardInterrupt:
        pass
    finally:
        _forget_page_address(written)
        if kept is not None:
            kept()
        if snaps is not None:
            snaps.stop()
        server.stop()
    return 0


LAB_READY_S = 120.0  # JupyterLab's first start on a slow laptop


def _start_lab(launch: Any, log: Path) -> subprocess.Popen[bytes]:
    """JupyterLab as a child that ends with us (its own process group, PDEATHSIG on Linux).

    Its output goes to ``log``, not to the terminal. It reads nothing from the terminal:
    Ctrl+C reaches this process only, which then stops Lab with SIGTERM (Jupyter's clean
    shutdown, no "Shutdown this server?" question).
    """
    from .serve import child_options

    with open(log, "ab") as out:
        return subprocess.Popen(launch.cmd, env=launch.env, stdin=subprocess.DEVNULL,
                                stdout=out, stderr=subprocess.STDOUT, **child_options())


def _last_line(log: Path) -> str:
    try:
        lines = [x.strip() for x in log.read_text("utf-8", errors="replace").splitlines()]
    except OSError:
        return "-"
    lines = [x for x in lines if x]
    return lines[-1][:200] if lines else "-"


def _wait_for_lab(lab: subprocess.Popen[bytes], launch: Any, log: Path) -> None:
    """Wait until JupyterLab accepts connections, so that the link works when it is printed."""
    import socket
    import time

    deadline = time.monotonic() + LAB_READY_S
    while time.monotonic() < deadline:
        if lab.poll() is not None:
            raise CityWorkshopError(key="cli.lab_failed_log", code=lab.returncode,
                                    log=_last_line(log), path=log)
        try:
            with socket.create_connection(("127.0.0.1", launch.port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise CityWorkshopError(key="cli.lab_timeout", path=log)


def _print_links(lang: str, lab_url: str, page: Any = None) -> None:
    """The last lines of ``up``/``lab``: the two links (the facilitator's with its token)."""
    print(flush=True)
    if page is not None:
        print(t("cli.up_page", lang, url=page.url))
    print(t("cli.up_lab", lang, url=lab_url), flush=True)


def _wait_lab(lab: subprocess.Popen[bytes], log: Path, lang: str) -> int:
    if lab.wait() != 0:
        print(t("cli.lab_failed_log", lang, code=lab.returncode, log=_last_line(log), path=log),
              file=sys.stderr)
        return 2
    return 0


def cmd_lab(args: argparse.Namespace) -> int:
    """The facilitator's JupyterLab alone (the participant page is ``serve``'s job)."""
    from .lab import lab_command, logs_folder
    from .serve import stop_process
    from .venue import find_page_address

    _sqlite_only(args)
    _store(args).close()
    _ensure_port("127.0.0.1", args.port)
    page = find_page_address(args.db, environ={})  # a 'serve' already running for this db
    launch = lab_command(args.db, args.port, args.lang, page)
    log = logs_folder(args.db) / "lab.log"
    proc = _start_lab(launch, log)
    try:
        _wait_for_lab(proc, launch, log)
        print(t("cli.logs", args.lang, folder=log.parent))
        if page is None:
            print(t("cli.lab_no_page", args.lang, db=args.db))
        print(t("cli.serve_stop", args.lang))
        _print_links(args.lang, launch.url, page)
        return _wait_lab(proc, log, args.lang)
    except KeyboardInterrupt:
        return 0
    finally:
        stop_process(proc)


def cmd_up(args: argparse.Namespace) -> int:
    """Start the facilitator's JupyterLab and the participant page together (the main job).

    Quiet: the servers' output goes to ``<db>.logs/``; the output ends with the two links.
    """
    from .lab import lab_command, logs_folder
    from .serve import start_participant_server, stop_process
    from .venue import join_url

    _sqlite_only(args)
    if args.demo and not args.db.exists():
        cmd_demo(argparse.Namespace(db=args.db, seed=None, force=False, lang=args.lang))
    _store(args).close()
    _ensure_port(args.host, args.port)
    _ensure_port("127.0.0.1", args.lab_port)
    address = join_url(args.host, args.port)
    launch = lab_command(args.db, args.lab_port, args.lang, address)
    logs = logs_folder(args.db)
    server = start_participant_server(args.db, host=args.host, port=args.port, lang=args.lang,
                                      idle_minutes=args.idle_minutes,
                                      log_path=logs / "page.log")
    lab = None
    snaps = None
    written = None
    try:
        lab = _start_lab(launch, logs / "lab.log")
        _wait_for_server(server)
        _wait_for_lab(lab, launch, logs / "lab.log")
        snaps, where = _start_snapshots(args)
        written = _leave_page_address(args.db, address)
        print(where)
        print(t("cli.logs", args.lang, folder=logs))
        if address.local_only:
            print(t("cli.page_local_only", args.lang))
        print(t("cli.serve_stop", args.lang))
        _print_links(args.lang, launch.url, address)
        return _wait_lab(lab, logs / "lab.log", args.lang)
    except KeyboardInterrupt:
        pass
    finally:
        _forget_page_address(written)
        if snaps is not None:
            snaps.stop()
        if lab is not None:
            stop_process(lab)
        server.stop()
    return 0


def _names_options(p: argparse.ArgumentParser, what: str) -> None:
    """``--names`` (participants' names in the report or export) and ``--anonymous`` (the
    default, kept for older scripts)."""
    g = p.add_mutually_exclusive_group()
    g.add_argument("--names", action="store_true",
                   help=f"show participants' names in the {what} (default: none, as on the "
                        "projector)")
    g.add_argument("--anonymous", action="store_true",
                   help="leave participant names out (the default)")


def cmd_report(args: argparse.Namespace) -> int:
    """Write the workshop report (HTML; with ``--pdf`` also a PDF beside it)."""
    from .report import write_pdf, write_report

    out = args.output
    html_path = out.with_suffix(".html") if out.suffix.lower() == ".pdf" else out
    with _store(args) as store:
        write_report(store, html_path, args.lang, names=args.names)
    print(t("report.cli_written", args.lang, path=html_path))
    if args.pdf:
        pdf_path = write_pdf(html_path, html_path.with_suffix(".pdf"), lang=args.lang)
        print(t("report.cli_pdf_written", args.lang, path=pdf_path))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Write every answer as an XLSX workbook, or as CSV files into a folder."""
    from .report import export

    with _store(args) as store:
        path = export(store, args.output, names=args.names, lang=args.lang,
                      sep="\t" if args.sep == "tab" else args.sep)
    print(t("export.cli_written", args.lang, path=path))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """SQLite's full ``integrity_check``: "ok" (exit 0), or every problem found (exit 2)."""
    from .store.health import integrity_problems, snapshot_folder
    from .store.postgres import is_url

    problems = integrity_problems(args.db, max_errors=CHECK_MAX_ERRORS)
    if not problems:
        print(t("cli.check_ok_pg" if is_url(args.db) else "cli.check_ok", args.lang,
                path=_shown(args.db)))
        return 0
    for line in problems:
        print(f"  {line}")
    n = f"{len(problems)}+" if len(problems) >= CHECK_MAX_ERRORS else str(len(problems))
    print(t("cli.error", args.lang, message=t(
        "cli.check_problems", args.lang, path=_shown(args.db), n=n,
        snapshots=snapshot_folder(args.db))), file=sys.stderr)
    return 2


def cmd_backup(args: argparse.Namespace) -> int:
    """A consistent copy of the workshop while it runs (SQLite's online backup API; from
    PostgreSQL a logical copy into a SQLite workshop file)."""
    from .store.health import backup, ensure_usable
    from .store.postgres import is_url

    ensure_usable(args.db)
    out = args.output if args.output is not None else (
        Path.cwd() if is_url(args.db) else args.db.absolute().parent)
    path = backup(args.db, out, overwrite=args.force)
    print(t("cli.backup_done", args.lang, path=path))
    return 0


def build_parser() -> argparse.ArgumentParser:
    from .store import default_db_path
    from .store._base import db_location

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", type=db_location, default=default_db_path(),
                        help="workshop database: a SQLite file, or a PostgreSQL URL "
                             "postgresql+psycopg://user@host/dbname?workshop=NAME (default: "
                             "$CITYWORKSHOP_DB, else ./workshop.db)")
    common.add_argument("--lang", choices=LANGUAGES, default=default_lang(),
                        help="language of messages and pages (default: id)")

    parser = argparse.ArgumentParser(
        prog="cityworkshop",
        description="Run a city-branding leadership workshop from Jupyter, offline.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("init", parents=[common],
                       help="create a new workshop (the reference program, or --content DIR)")
    p.add_argument("--groups", type=int, default=None, help="number of groups (default: 5)")
    _content_options(p)
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("demo", parents=[common], help="create a demo workshop with made-up answers")
    _content_options(p)
    p.add_argument("--seed", type=int, default=None, help="random seed (default: 2008)")
    p.add_argument("--force", action="store_true", help="replace an existing file at --db")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("status", parents=[common], help="groups, codes, activities and answers")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("seats", parents=[common],
                       help="participants' personal codes (for one whose phone is gone; "
                            "not for the projector)")
    p.add_argument("--group", help="only the group with this code")
    p.set_defaults(func=cmd_seats)

    for name, func, text in (("open", cmd_open, "open an activity for participants"),
                             ("close", cmd_close, "close an activity")):
        p = sub.add_parser(name, parents=[common], help=text)
        p.add_argument("activity", help="activity id, e.g. disruptive-scoring")
        p.set_defaults(func=func)

    p = sub.add_parser("next", parents=[common],
                       help="move the room on: close the current activity, open the next")
    p.set_defaults(func=cmd_next)

    for name, text in (("reveal", "show an activity's results on the facilitator's screen"),
                       ("hide", "hide an activity's results until revealed")):
        p = sub.add_parser(name, parents=[common], help=text)
        p.add_argument("activity")
        p.set_defaults(func=cmd_reveal)

    p = sub.add_parser("timer", parents=[common], help="start or stop an activity's countdown")
    p.add_argument("activity")
    p.add_argument("minutes", nargs="?", type=float, help="length of the countdown in minutes")
    p.add_argument("--stop", action="store_true", help="stop the countdown")
    p.set_defaults(func=cmd_timer)

    p = sub.add_parser("serve", parents=[common], help="serve the participant page")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on; 0.0.0.0 lets phones on the venue network in")
    p.add_argument("--port", type=int, default=8866)
    p.add_argument("--idle-minutes", type=float, default=5.0,
                   help="how long the session of a page that went away is kept (default 5)")
    p.add_argument("--root-path", default="",
                   help="the page's path prefix behind a reverse proxy that serves several "
                        "workshops at one address, e.g. /tangsel_2026")
    p.add_argument("--public-url", default=None,
                   help="the address phones open through that proxy, e.g. "
                        "https://training.example.org/tangsel_2026/ (printed, as a QR code, "
                        "and shown by the notebooks)")
    _snapshot_options(p)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("lab", parents=[common], help="JupyterLab on the guided notebooks")
    p.add_argument("--port", type=int, default=8888)
    p.set_defaults(func=cmd_lab)

    p = sub.add_parser("up", parents=[common],
                       help="JupyterLab and the participant page together (the main job)")
    p.add_argument("--demo", action="store_true",
                   help="create a demo workshop first if --db is missing")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8866, help="participant page port")
    p.add_argument("--lab-port", type=int, default=8888)
    p.add_argument("--idle-minutes", type=float, default=5.0, help="see 'serve --idle-minutes'")
    _snapshot_options(p)
    p.set_defaults(func=cmd_up)

    p = sub.add_parser("report", parents=[common],
                       help="write the workshop report: one self-contained HTML file")
    p.add_argument("-o", "--output", type=Path, default=Path("report.html"),
                   help="report file (default: report.html)")
    _names_options(p, "report")
    p.add_argument("--pdf", action="store_true",
                   help="also print it to PDF beside the HTML (needs /usr/bin/chromium)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("export", parents=[common],
                       help="write every answer to XLSX, or CSV files when -o is a folder/")
    p.add_argument("-o", "--output", default="results.xlsx",
                   help="results.xlsx, or a folder (ending with /) for CSV files")
    _names_options(p, "export")
    p.add_argument("--sep", choices=(",", ";", "tab"), default=",",
                   help="CSV separator: ',' (default), ';' with decimal commas for spreadsheets "
                        "set to Indonesian, or 'tab'")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("check", parents=[common],
                       help="check the database file for damage (SQLite integrity_check)")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("backup", parents=[common],
                       help="copy the workshop safely, even while it runs")
    p.add_argument("-o", "--output", type=Path, default=None,
                   help="backup file, or a folder (default: the database's folder; the copy "
                        "is named after the database and the UTC time)")
    p.add_argument("--force", action="store_true", help="replace an existing backup file")
    p.set_defaults(func=cmd_backup)
    _compare_parser(sub)
    _pack_parser(sub)
    return parser


def _content_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--content", type=Path, default=None, metavar="DIR",
                   help="a city's own content pack: a folder with cities/, frameworks/ and "
                        "programs/ (default: the package's own); the workshop keeps a copy")
    p.add_argument("--program", default=None,
                   help="program id: the file programs/ID.yaml of the pack (default: the only "
                        "program of --content, else tangsel-elp)")


def _pack_parser(sub: Any) -> None:
    lang = argparse.ArgumentParser(add_help=False)
    lang.add_argument("--lang", choices=LANGUAGES, default=default_lang(),
                      help="language of messages (default: id)")
    p = sub.add_parser("pack", help="a city's own content pack: 'pack new DIR', 'pack check DIR'")
    packs = p.add_subparsers(dest="pack_command", required=True, metavar="new|check")
    q = packs.add_parser("new", parents=[lang],
                         help="write a commented starting pack into DIR (new or empty)")
    q.add_argument("folder", type=Path, metavar="DIR")
    q.set_defaults(func=cmd_pack_new)
    q = packs.add_parser("check", parents=[lang], help="list every problem of the pack in DIR")
    q.add_argument("folder", type=Path, metavar="DIR")
    q.add_argument("--program", default=None, help="check only this program (default: all)")
    q.set_defaults(func=cmd_pack_check)


def cmd_compare(args: argparse.Namespace) -> int:
    """Compare workshop A with workshop B (a follow-up, or another city on the same
    framework) into one offline HTML page; every shift is B - A."""
    from .compare import write_compare
    from .store import WorkshopStore
    from .store.health import ensure_usable, explain

    args.db = args.a  # a SQLite error main() explains is about A, unless B is the cause
    for path in (args.a, args.b):
        ensure_usable(path)  # missing, not a workshop, damaged: the store's own messages
    try:
        with WorkshopStore(args.a) as a, WorkshopStore(args.b) as b:
            a.say_on_stderr = b.say_on_stderr = False
            path = write_compare(a, b, args.output, args.lang)
    except CityWorkshopError:
        raise
    except Exception as e:  # damage found half-way: say which file
        if _file_error(args, e) is None:
            raise
        for p in (args.a, args.b):
            ensure_usable(p)
        raise explain(args.a, e) from None
    print(t("compare.cli_written", args.lang, path=path))
    return 0


def _compare_parser(sub: Any) -> None:
    p = sub.add_parser("compare", help="compare two workshops (A, then B) in one HTML file: "
                                       "score shifts B - A, satisfaction, ideas that came back")
    p.add_argument("a", type=Path, metavar="A", help="the first (earlier) workshop database")
    p.add_argument("b", type=Path, metavar="B", help="the second (later) workshop database")
    p.add_argument("-o", "--output", type=Path, default=Path("compare.html"),
                   help="comparison file (default: compare.html)")
    p.add_argument("--lang", choices=LANGUAGES, default=default_lang(),
                   help="language of messages and the page (default: id)")
    p.set_defaults(func=cmd_compare)


def _snapshot_options(p: argparse.ArgumentParser) -> None:
    from .store.health import SNAPSHOT_EVERY_MIN, SNAPSHOT_KEEP

    p.add_argument("--snapshot-every", type=float, default=SNAPSHOT_EVERY_MIN, metavar="MIN",
                   help="copy the database into <db>.snapshots/ every MIN minutes "
                        f"(default: {SNAPSHOT_EVERY_MIN:g}; 0: no snapshots)")
    p.add_argument("--snapshot-keep", type=int, default=SNAPSHOT_KEEP, metavar="N",
                   help=f"snapshots kept, the newest (default: {SNAPSHOT_KEEP}; 0: none)")


def _stop_on_sigterm() -> None:
    """SIGTERM (a service manager, ``kill``) and SIGHUP (the terminal window closed) stop like
    Ctrl+C: children are stopped as a process group. (``kill -9`` cannot be caught: the
    children then get SIGTERM from the kernel, see :func:`cityworkshop.serve.child_options`.)"""

    def _raise(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _raise)
    if hasattr(signal, "SIGHUP") and signal.getsignal(signal.SIGHUP) is not signal.SIG_IGN:
        signal.signal(signal.SIGHUP, _raise)  # ignored under nohup: leave it so
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:  # started in the background by a shell
        signal.signal(signal.SIGINT, _raise)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command in ("serve", "lab", "up"):
        _stop_on_sigterm()
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(line_buffering=True)  # addresses show at once, even when piped
    try:
        return int(args.func(args) or 0)
    except CityWorkshopError as e:
        print(t("cli.error", args.lang, message=e.message(args.lang)), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as e:  # noqa: BLE001 - a damaged file or a full disk is one line, too
        problem = _file_error(args, e)
        if problem is None:
            raise
        print(t("cli.error", args.lang, message=problem.message(args.lang)), file=sys.stderr)
        return 2


def _file_error(args: argparse.Namespace, exc: BaseException) -> CityWorkshopError | None:
    """The clear error behind a SQLite error anywhere in a command (say "database disk image
    is malformed" half-way through a report), or an output file that could not be written."""
    from .store.health import explain, explain_write

    seen: set[int] = set()
    e: BaseException | None = exc
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        orig = getattr(e, "orig", None)  # SQLAlchemy and pandas wrap the driver's error
        for candidate in (e, orig):
            if isinstance(candidate, sqlite3.Error):
                return explain(args.db, candidate)
            if type(candidate).__module__.startswith("psycopg"):  # a PostgreSQL workshop
                from .store.postgres import explain as explain_server
                from .store.postgres import parse_url

                return explain_server(parse_url(str(args.db)), candidate)
        if isinstance(e, OSError) and e.filename:
            return explain_write(e.filename, e)
        e = e.__cause__ or e.__context__
    return None


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
