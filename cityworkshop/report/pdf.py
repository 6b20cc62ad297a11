"""The report as PDF, printed by headless Chromium (Debian's ``chromium``; never a download).

Report layer, private to :mod:`cityworkshop.report`. Chromium runs with a fresh temporary
profile, no network services and a time limit; on time-out it is stopped by its process id.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ..i18n import t

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--no-pdf-header-footer",
    "--run-all-compositor-stages-before-draw",
    "--virtual-time-budget=15000",
)


def find_chromium() -> str | None:
    """``/usr/bin/chromium``, else ``chromium`` (or ``chromium-browser``) on PATH, else None."""
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium") or shutil.which("chromium-browser")


def write_pdf(html_path: str | Path, pdf_path: str | Path, *, timeout: float = 120.0,
              chromium: str | None = None, lang: str = "id") -> Path:
    """Print the report ``html_path`` to ``pdf_path`` with headless Chromium.

    Chromium prints to a temporary file beside ``pdf_path``, renamed into place once complete:
    a failure leaves no partial PDF, and an earlier one at ``pdf_path`` stays as it was.

    Raises :class:`~cityworkshop.report.ReportError` when Chromium is not installed, when it
    fails or runs longer than ``timeout`` seconds (it is then stopped), or when ``pdf_path``
    cannot be written.
    """
    from . import ReportError
    from .export import write_atomically

    html_path, pdf_path = Path(html_path).resolve(), Path(pdf_path)
    exe = chromium or find_chromium()
    if exe is None:
        raise ReportError(key="report.no_chromium")
    if not pdf_path.parent.is_dir() or pdf_path.is_dir():
        raise ReportError(key="report.cannot_write", path=str(pdf_path),
                          reason=t("report.no_folder", lang))
    write_atomically(pdf_path.resolve(),
                     lambda tmp: _print(exe, html_path, tmp, timeout), lang=lang, suffix=".tmp.pdf")
    return pdf_path


def _print(exe: str, html_path: Path, out: Path, timeout: float) -> None:
    """Chromium prints ``html_path`` to ``out``; ReportError when it fails or times out."""
    from . import ReportError

    with tempfile.TemporaryDirectory(prefix="cityworkshop-chromium-") as profile:
        args = [exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                f"--print-to-pdf={out}", html_path.as_uri()]
        env = {**os.environ, "HOME": profile}  # Chromium writes caches into $HOME
        try:
            proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                    env=env, start_new_session=True)
        except OSError as e:  # not an executable: say so, not "cannot write the PDF"
            raise ReportError(key="report.pdf_failed", code=e.errno,
                              detail=f"{exe}: {e.strerror or type(e).__name__}") from None
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            # Its own session: stop Chromium and the helpers it started, by its process id.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise ReportError(key="report.pdf_timeout", seconds=int(timeout)) from None
    if proc.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
        last = (err or b"").decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        raise ReportError(key="report.pdf_failed", code=proc.returncode, detail=last[0][:200])
