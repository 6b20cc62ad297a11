"""The workshop report and exports: what the city office keeps after the day.

Report layer: reads the store, never writes. :func:`build_report` makes one self-contained HTML
file (plotly.js embedded once, opens offline in any browser, prints cleanly); :func:`write_pdf`
prints it to PDF with headless Chromium; :func:`export` writes every activity's answers as one
XLSX workbook or a folder of CSV files. Participant names are left out of every one of them
unless ``names=True`` (groups and anonymous ids stay): anonymous by default, as the projector
is. Whatever an older database holds (control characters, formulas, markup, huge texts), the
report and the exports are written, safely: every file goes to a temporary file
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


def build_report(store: WorkshopStore, lang: str = "id", *, names: bool = False) -> str:
    """The whole report as one HTML document.

    Parameters
    ----------
    store
        The workshop (read only).
    lang
        ``"id"`` (default) or ``"en"``.
    names
        Show participants' names beside their answers. By default the report has none (groups
        stay), as on the projector.

    Returns
    -------
    str
        A self-contained HTML page: a first page that summarises the day (who, when, where; the
        largest gaps, the chosen ideas, the roadmap, satisfaction), the agenda, each session's
        results, an appendix of method and sources. Printed, every page has the workshop's
        name and its page number in the footer. plotly.js appears once, in ``<head>``.
    """
    from .html import esc, long_date, page, plotly_js, print_css
    from .kinds import Context
    from .sections import agenda, appendix, cover, session_section
    from .summary import summary, workshop_day

    t("report.title", lang)  # an unknown language fails here, before any work
    ctx = Context(store=store, lang=lang, anonymous=not names, demo=store.info().is_demo)
    program = store.pack.program
    sessions = "".join(session_section(ctx, s) for s in program.sessions if s.activities)
    body = (cover(store, lang) + summary(store, lang) + agenda(store, lang) + sessions
            + appendix(store, lang, names=names)
            + f'<footer class="cw-meta cw-meta-footer"><p>{esc(t("report.footer", lang))}</p>'
              "</footer>")  # on screen only: printed pages have their own footer
    title = f"{t('report.title', lang)}: {program.title.get(lang)}"
    footer = t("report.page_footer", lang, title=program.title.get(lang),
               city=store.pack.city.short_name, date=long_date(workshop_day(store), lang))
    style = print_css(footer, t("report.page", lang), t("report.page_of", lang))
    return page(title, lang, body, plotlyjs=plotly_js(), print_style=style)


def write_report(store: WorkshopStore, path: str | Path, lang: str = "id", *,
                 names: bool = False) -> Path:
    """Build the report (:func:`build_report`) and write it to ``path`` (UTF-8); returns the
    path.

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
    text = build_report(store, lang, names=names)
    return write_atomically(path, lambda tmp: tmp.write_text(text, encoding="utf-8"), lang=lang)


from .export import export  # noqa: E402
from .pdf import write_pdf  # noqa: E402


def __getattr__(name: str) -> object:
    if name == "ReportButton":  # ipywidgets only when the widget is asked for
        from .widget import ReportButton

        return ReportButton
    raise AttributeError(name)
