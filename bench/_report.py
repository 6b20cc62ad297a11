"""Write benchmark figures into their own section of BENCHMARKS.md at the repository root.

Each benchmark owns the text between ``<!-- bench:NAME -->`` and ``<!-- /bench:NAME -->``;
:func:`write_section` replaces it (or appends it), leaving every other section alone.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import os
import platform
import re
import shlex
import socket
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
    with contextlib.suppress(ValueError):
        argv[0] = str(Path(sys.argv[0]).resolve().relative_to(ROOT))
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


# -- helpers the benchmarks share ------------------------------------------------------------

MiB = 2**20


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) of values, by linear interpolation (nan when empty)."""
    xs = sorted(values)
    if not xs:
        return math.nan
    if len(xs) == 1:
        return xs[0]
    pos = (len(xs) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ProcessTree:
    """Memory, CPU and threads of a server process (``self.pid``) and its children."""

    pid: int

    def procs(self) -> list:
        import psutil

        p = psutil.Process(self.pid)
        return [p, *p.children(recursive=True)]

    def rss(self) -> float:
        """Resident memory of the tree, MiB."""
        import psutil

        total = 0
        for p in self.procs():
            with contextlib.suppress(psutil.NoSuchProcess):
                total += p.memory_info().rss
        return total / MiB

    def cpu(self) -> float:
        """CPU time of the tree (user + system, children included), seconds."""
        import psutil

        total = 0.0
        for p in self.procs():
            try:
                t = p.cpu_times()
                total += t.user + t.system + t.children_user + t.children_system
            except psutil.NoSuchProcess:
                pass
        return total

    def threads(self) -> int:
        return sum(p.num_threads() for p in self.procs())
