"""The workshop report and exports: what the city office keeps after the day.

Report layer: reads the store, never writes. :func:`build_report` makes one self-contained HTML
file (plotly.js embedded once, opens offline in any browser, prints cleanly); :func:`write_pdf`
prints it to PDF with headless Chromium; :func:`export` writes every activity's answers as one
XLSX workbook or a folder of CSV files. ``anonymous=True`` leaves every participant name out
(groups stay). Whatever an older database holds (control characters, formulas, markup, huge
texts), the report and the exports are written, safely: every file goes to a temporary file
beside its target and is renamed into place, so a failure never leaves a partial file.

>>> with WorkshopStore("workshop.db") as store:  # doctest: +SKIP
...     write_report(store, "report.html", lang="id")
...     export(store, "results.xlsx")
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import CityWorkshopError
from ..i18n import t

if TYPE_CHECKING:
    from ..store import WorkshopStore

__all__ = ["ReportButton", "ReportError", "build_report", "export", "write_pdf", "write_report"]


class ReportError(CityWorkshopError, OSError):
    """A report or export could not be written (folder missing, no permission, no Chromium)."""


def build_report(store: WorkshopStore, lang: str = "id", *, anonymous: bool = False) -> str:
    """The whole report as one HTML document.

    Parameters
    ----------
    store
        The workshop (read only).
    lang
        ``"id"`` (default) or ``"en"``.
    anonymous
        Leave out every participant name (groups stay).

    Returns
    -------
    str
        A self-contained HTML page: cover, agenda, each session's results, appendix of method
        and sources. plotly.js appears once, in ``<head>``.
    """
    from .html import esc, page, plotly_js
    from .kinds import Context
    from .sections import agenda, appendix, cover, session_section

    t("report.title", lang)  # an unknown language fails here, before any work
    ctx = Context(store=store, lang=lang, anonymous=anonymous, demo=store.info().is_demo)
    program = store.pack.program
    sessions = "".join(session_section(ctx, s) for s in program.sessions if s.activities)
    body = (cover(store, lang) + agenda(store, lang) + sessions + appendix(store, lang)
            + f'<footer class="cw-meta"><p>{esc(t("report.footer", lang))}</p></footer>')
    title = f"{t('report.title', lang)}: {program.title.get(lang)}"
    return page(title, lang, body, plotlyjs=plotly_js())


def write_report(store: WorkshopStore, path: str | Path, lang: str = "id", *,
                 anonymous: bool = False) -> Path:
    """Build the report and write it to ``path`` (UTF-8); returns the path.

    The file is written beside ``path`` and renamed into place: a failure leaves no partial
    file, and an earlier report at ``path`` stays as it was. Raises :class:`ReportError` (one
    clear sentence) when ``path`` cannot be written.
    """
    from .export import write_atomically

    path = Path(path)
    if path.is_dir():
        raise ReportError(key="report.cannot_write", path=str(path),
                          reason=t("report.is_folder", lang))
    if not path.parent.is_dir():
        raise ReportError(key="report.cannot_write", path=str(path),
                          reason=t("report.no_folder", lang))
    text = build_report(store, lang, anonymous=anonymous)
    return write_atomically(path, lambda tmp: tmp.write_text(text, encoding="utf-8"), lang=lang)


from .export import export  # noqa: E402
from .pdf import write_pdf  # noqa: E402


def __getattr__(name: str) -> object:
    if name == "ReportButton":  # ipywidgets only when the widget is asked for
        from .widget import ReportButton

        return ReportButton
    raise AttributeError(name)
