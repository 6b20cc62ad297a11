"""Shared fixtures: a temporary workshop database, a seeded random generator, and a guard that
fails a test when a widget callback raised (ipywidgets only logs those)."""

from __future__ import annotations

import logging
import random
from pathlib import Path

import pytest

from cityworkshop.store import WorkshopStore

ACTIVITY = "disruptive-scoring"


@pytest.fixture
def rng() -> random.Random:
    return random.Random(20081126)  # Tangsel's founding day


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "workshop.db"


@pytest.fixture
def store(db_path: Path):
    """A new workshop of the reference program with 5 groups and reproducible codes."""
    with WorkshopStore.create(db_path, groups=5, seed=7) as s:
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
