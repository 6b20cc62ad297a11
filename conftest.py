"""Test-session set-up shared by tests/ and notebooks/ (nbval).

Before any kernel starts: Jupyter and IPython write into a temporary folder, not $HOME, and
CITYWORKSHOP_DB points to a fresh demo workshop, so every notebook runs against it (made after
collection, unless only fast-lane tests are going to run).

The lanes (README, "Tests: which lane"): ``pytest`` runs everything (CI); ``pytest -m "not
browser"`` is the fast lane of unit and widget tests. ``browser`` is the mark of everything
outside it, set here on every item that has one of the precise marks below:

- ``chromium``: drives headless Chromium (Playwright or ``--print-to-pdf``); a test marked
  ``browser`` in its own file is a Chromium test and gets ``chromium`` too;
- ``notebook``: a notebook cell run by nbval in a Jupyter kernel (every item of notebooks/);
- ``slow``: a long integration run: starts a server or runs the ``cityworkshop`` command line in
  another process, builds whole workshops' documents, or takes more than a few seconds (set in
  the test file, or by ``SLOW`` and ``SLOW_FILES`` of tests/conftest.py);
- ``postgres``: runs against a throwaway PostgreSQL server.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

_BASE: Path | None = None

#: the precise marks; an item with any of them is outside the fast lane (gets ``browser``)
LANES = ("chromium", "notebook", "slow", "postgres")


def pytest_configure(config: pytest.Config) -> None:
    global _BASE
    _BASE = Path(tempfile.mkdtemp(prefix="cityworkshop-tests-"))
    for var in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        path = _BASE / var.lower()
        path.mkdir()
        os.environ[var] = str(path)
    os.environ["CITYWORKSHOP_DB"] = str(_BASE / "demo.db")  # made in pytest_collection_finish


def _is_notebook_cell(item: pytest.Item) -> bool:
    return item.path.suffix == ".ipynb" or type(item).__name__ == "IPyNbCell"


@pytest.hookimpl(tryfirst=True)  # before -m deselects anything
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("browser") is not None:  # marked in its file: Chromium
            item.add_marker(pytest.mark.chromium)
        if _is_notebook_cell(item):
            item.add_marker(pytest.mark.notebook)
        if any(item.get_closest_marker(m) is not None for m in LANES):
            item.add_marker(pytest.mark.browser)


def pytest_collection_finish(session: pytest.Session) -> None:
    """The notebooks' demo workshop, made unless only fast-lane tests are going to run."""
    db = Path(os.environ["CITYWORKSHOP_DB"])
    if db.exists() or all(item.get_closest_marker("browser") is None for item in session.items):
        return
    from cityworkshop.demo import make_demo

    make_demo(db).close()


def pytest_unconfigure(config: pytest.Config) -> None:
    if _BASE is not None:
        shutil.rmtree(_BASE, ignore_errors=True)
