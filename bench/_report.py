"""Write benchmark figures into their own section of BENCHMARKS.md at the repository root.

Each benchmark owns the text between ``<!-- bench:NAME -->`` and ``<!-- /bench:NAME -->``;
:func:`write_section` replaces it (or appends it), leaving every other section alone.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import shlex
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "BENCHMARKS.md"
HEADER = (
    "# Benchmarks\n\n"
    "Figures written by the scripts in `bench/` (see `bench/README.md`); each script rewrites "
    "only its own section.\n"
)


def machine() -> str:
    """One line: date, CPUs, Python and platform of this run."""
    return (f"{dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; nproc {os.cpu_count()}; "
            f"Python {platform.python_version()}; {platform.platform(terse=True)}")


def command() -> str:
    """The exact command that ran this benchmark, relative to the repository root."""
    argv = [sys.argv[0]]
    try:
        argv[0] = str(Path(sys.argv[0]).resolve().relative_to(ROOT))
    except ValueError:
        pass
    return shlex.join([sys.executable, *argv, *sys.argv[1:]])


def write_section(name: str, markdown: str, path: Path = BENCHMARKS) -> None:
    """Replace the section ``name`` of ``path`` with ``markdown`` (created if missing)."""
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{start}\n{markdown.strip()}\n{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _m: block, text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    tmp = path.with_suffix(".md.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
