"""Test-session set-up shared by tests/ and notebooks/ (nbval).

Before any kernel starts: Jupyter and IPython write into a temporary folder, not $HOME, and
CITYWORKSHOP_DB points to a fresh demo workshop, so every notebook runs against it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

_BASE: Path | None = None


def pytest_configure(config: object) -> None:
    global _BASE
    _BASE = Path(tempfile.mkdtemp(prefix="cityworkshop-tests-"))
    for var in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        path = _BASE / var.lower()
        path.mkdir()
        os.environ[var] = str(path)
    from cityworkshop.demo import make_demo

    db = _BASE / "demo.db"
    make_demo(db).close()
    os.environ["CITYWORKSHOP_DB"] = str(db)


def pytest_unconfigure(config: object) -> None:
    if _BASE is not None:
        shutil.rmtree(_BASE, ignore_errors=True)
