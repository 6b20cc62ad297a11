"""Shared fixtures: a temporary workshop database, a seeded random generator, and a guard that
fails a test when a widget callback raised (ipywidgets only logs those).

Also the ``slow`` mark of the long integration runs that their files do not mark themselves:
tests that start the command line or a server in another process (``SLOW``) and the files that
build whole workshops' documents (``SLOW_FILES``); the lanes are explained in the root
conftest.py. A note at the end of the run names any test of the fast lane that ran the command
line in another process all the same.
"""

from __future__ import annotations

import logging
import random
import shutil
import sys
from pathlib import Path

import pytest

from cityworkshop.store import WorkshopStore

ACTIVITY = "disruptive-scoring"

#: Tests, by file and function, that run the ``cityworkshop`` command line or a server in a
#: process of their own (about 0.5 s of start-up each, seconds for a server): ``slow``, so
#: outside ``pytest -m "not browser"``. A new such test is marked ``@pytest.mark.slow`` in its
#: file, or listed here.
SLOW: dict[str, set[str]] = {
    "test_cli.py": {
        "test_db_defaults_to_the_environment_variable",
        "test_console_script_error_has_no_traceback",
        "test_serve_prints_address_and_qr_and_stops_on_ctrl_c",
        "test_up_starts_lab_and_participant_page_and_stops_both",
        "test_lab_alone_says_how_to_start_the_participant_page",
    },
    "test_faults.py": {
        # damaged files, through the real entry point
        "test_every_command_refuses_a_damaged_file_in_one_line",
        "test_check_says_ok_on_an_intact_file",
        "test_check_lists_the_problems_of_a_damaged_file",
        "test_the_damage_message_speaks_bahasa_indonesia",
        "test_backup_of_a_live_workshop_is_consistent",
        "test_backup_refuses_an_existing_file_without_force",
        "test_backup_refuses_to_overwrite_the_database_itself",
        # read-only media (unshare --mount) and permission bits (setpriv)
        "test_status_report_export_work_from_a_read_only_medium",
        "test_a_change_on_a_read_only_medium_names_the_medium",
        "test_a_read_only_medium_with_pending_wal_changes_is_not_read_stale",
        "test_a_read_only_copy_in_a_read_only_folder_can_be_read",
        "test_a_read_only_file_names_the_file",
        "test_a_writable_file_in_a_read_only_folder_names_the_folder",
        "test_an_unreadable_file_says_permission_denied",
        # servers and ports
        "test_serve_prints_a_failed_snapshot_as_a_warning_and_keeps_serving",
        "test_serve_stopped_normally_leaves_nothing_running",
        "test_serve_on_a_taken_port_says_so_and_prints_no_address",
        "test_up_refuses_a_taken_lab_port_before_starting_anything",
    },
}


#: Files whose every test is ``slow``: long integration runs that build whole demo workshops'
#: documents (the report and the office's report, the xlsx/csv exports, the comparison page)
#: and read them back; their shared fixtures alone take seconds of plotly, openpyxl and pandas
#: (5-10 s a file). The layers under them (analysis, charts, the facilitator's live results)
#: keep their unit and widget tests in the fast lane.
SLOW_FILES = {"test_report.py", "test_office_report.py", "test_export.py",
              "test_export_hostile.py", "test_compare.py"}


def pytest_itemcollected(item: pytest.Item) -> None:
    name = getattr(item, "originalname", item.name)
    if item.path.name in SLOW_FILES or name in SLOW.get(item.path.name, ()):
        item.add_marker(pytest.mark.slow)


# -- a test of the fast lane that runs the command line in another process ---------------------

_current: list[pytest.Item] = []
_unmarked: dict[str, str] = {}


def _audit(event: str, args: tuple) -> None:
    """Note a ``cityworkshop`` command started by a test of the fast lane (never raises: an
    audit hook that raised would fail the process start)."""
    if event != "subprocess.Popen" or not _current:
        return
    try:
        item = _current[-1]
        argv = list(args[1]) if isinstance(args[1], list | tuple) else [args[1]]
        words = " ".join(map(str, argv))
        if ("cityworkshop.cli" in words or Path(str(argv[0])).name == "cityworkshop") \
                and item.get_closest_marker("browser") is None:
            _unmarked.setdefault(item.nodeid, words[:100])
    except Exception:  # pragma: no cover - a note only
        pass


sys.addaudithook(_audit)  # audit hooks stay for the process; this one only reads


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    _current.append(item)
    try:
        yield
    finally:
        _current.pop()


def pytest_terminal_summary(terminalreporter) -> None:
    if not _unmarked:
        return
    tr = terminalreporter
    tr.section("fast lane: unmarked tests that ran the command line in another process",
               yellow=True)
    tr.line("Each costs about 0.5 s or more: mark it @pytest.mark.slow (or list it in SLOW of "
            "tests/conftest.py), so that pytest -m \"not browser\" stays under a minute.")
    for nodeid, words in _unmarked.items():
        tr.line(f"  {nodeid}: {words}")


@pytest.fixture
def rng() -> random.Random:
    return random.Random(20081126)  # Tangsel's founding day


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "workshop.db"


@pytest.fixture(scope="session")
def _store_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``WorkshopStore.create(..., groups=5, seed=7)``, made once a session and then copied."""
    path = tmp_path_factory.mktemp("template") / "workshop.db"
    WorkshopStore.create(path, groups=5, seed=7).close()
    assert not Path(f"{path}-wal").exists(), "the last close checkpoints the WAL into the file"
    return path


@pytest.fixture
def store(db_path: Path, _store_template: Path):
    """A new workshop of the reference program with 5 groups and reproducible codes (a copy of
    one made by ``WorkshopStore.create`` in this session: the same file, without the 60-70 ms
    of schema and content pack per test)."""
    shutil.copyfile(_store_template, db_path)
    with WorkshopStore(db_path) as s:
        yield s


@pytest.fixture
def open_store(store: WorkshopStore) -> WorkshopStore:
    """The same workshop with the scoring activity open."""
    store.open_activity(ACTIVITY)
    return store


class _CallbackErrors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(autouse=True)
def fail_on_callback_errors():
    """ipywidgets swallows exceptions raised in on_click/observe handlers and only logs them
    through the 'traitlets' logger: make such a log record fail the test."""
    handler = _CallbackErrors()
    logger = logging.getLogger("traitlets")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)
    if handler.records:
        msgs = "\n".join(handler.format(r) if r.exc_info is None else
                         logging.Formatter().format(r) for r in handler.records)
        pytest.fail(f"A widget callback raised:\n{msgs}")
