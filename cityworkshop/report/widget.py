"""The "make the report" button for the closing notebook.

Report layer (Jupyter glue): one button that writes ``report.html`` beside the workshop database
and gives a link that opens it (a path relative to the notebook, which JupyterLab opens and serves
through its ``/files/`` route); an error is shown as a message in the facilitator's language.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

import ipywidgets as widgets

from .. import palette as P
from ..errors import CityWorkshopError
from ..i18n import t
from ..markup import escape
from ..store import WorkshopStore

__all__ = ["ReportButton"]

REPORT_NAME = "report.html"


def notebook_link(path: Path, cwd: Path | None = None,
                  session: str | None = None) -> str | None:
    """``path`` as a link relative to the notebook (the kernel's working folder ``cwd``), or
    None when JupyterLab could not serve it: JupyterLab resolves such a link against the
    notebook's folder and serves the file through its ``/files/`` route, but only inside the
    folder it was started in. ``session``: the notebook's path in that folder
    (``JPY_SESSION_NAME``, set by Jupyter Server), which tells how many folders up the link may
    go; without it, none.

    >>> notebook_link(Path("/w/nb/report.html"), Path("/w/nb"))
    'report.html'
    >>> notebook_link(Path("/w/report.html"), Path("/w/nb"), "nb/05_penutupan.ipynb")
    '../report.html'
    >>> notebook_link(Path("/tmp/report.html"), Path("/w/nb"), "nb/05_penutupan.ipynb") is None
    True
    """
    cwd = Path.cwd() if cwd is None else cwd
    if session is None:
        session = os.environ.get("JPY_SESSION_NAME")
    depth = 0
    if session and not os.path.isabs(session):
        depth = len(PurePosixPath(session).parent.parts)
    try:
        rel = PurePosixPath(Path(os.path.relpath(path, cwd)).as_posix())
    except ValueError:  # another drive
        return None
    ups = 0
    for part in rel.parts:
        if part != "..":
            break
        ups += 1
    return str(rel) if ups <= depth else None


class ReportButton(widgets.VBox):
    """"Buat laporan": write the report beside the database and give a link that opens it.

    Parameters
    ----------
    store
        The workshop.
    lang
        ``"id"`` or ``"en"``.
    names
        Show participants' names in the report (default: none, as on the projector).

    Attributes
    ----------
    button : Button
    message : HTML
        Where the report was written, or the error.
    link : Output
        After success, the link that opens the report (rendered by JupyterLab, which serves
        the file through its ``/files/`` route); empty when JupyterLab cannot reach the file.
    path : Path | None
        The report written last.
    """

    def __init__(self, store: WorkshopStore, lang: str = "id", *, names: bool = False):
        self.store, self.lang, self.names = store, lang, names
        self.path: Path | None = None
        self.button = widgets.Button(description=t("report.button", lang), icon="file-text",
                                     button_style="primary", layout=widgets.Layout(width="auto"))
        self.button.add_class("cw-report-button")
        self.message = widgets.HTML()
        self.message.add_class("cw-report-message")
        self.link = widgets.Output()
        self.link.add_class("cw-report-link")
        self.button.on_click(lambda _: self.make())
        super().__init__([self.button, self.message, self.link])
        self.add_class("cw-report")

    @property
    def target(self) -> Path:
        """Where the report goes: ``report.html`` in the database's folder; for a workshop on a
        PostgreSQL server, in the notebook's folder (the kernel's working folder), named after
        the workshop."""
        from ..store.postgres import is_url, parse_url

        if is_url(self.store.path):
            name = parse_url(str(self.store.path)).workshop
            return Path.cwd().resolve() / f"report-{name}.html"
        return Path(self.store.path).resolve().with_name(REPORT_NAME)

    def make(self) -> Path | None:
        """Write the report; returns its path, or None after showing the error."""
        from . import write_report

        lang = self.lang
        self.button.disabled = True
        self.link.outputs = ()
        self.message.value = f"<i>{escape(t('report.working', lang))}</i>"
        try:
            self.path = write_report(self.store, self.target, lang, names=self.names)
        except CityWorkshopError as e:
            self.message.value = (f'<span class="cw-error" style="color:{P.ALERT};font-weight:600">'
                                  f"{escape(e.message(lang))}</span>")
            return None
        except Exception as e:  # a button must say what went wrong, never fail silently
            self.message.value = (f'<span class="cw-error" style="color:{P.ALERT};font-weight:600">'
                                  f"{escape(t('report.failed', lang, error=str(e)))}</span>")
            return None
        finally:
            self.button.disabled = False
        shown = escape(str(self.path))
        rel = notebook_link(self.path)
        note = "" if rel else f"<br>{escape(t('report.written_outside', lang))}"
        self.message.value = (f"<span>{escape(t('report.written', lang))} "
                              f"<code>{shown}</code>{note}</span>")
        if rel:
            href = escape(rel)
            markup = (f'<p class="cw-report-open" style="font-size:1.15em;margin:4px 0">'
                      f'<a href="{href}" target="_blank" rel="noopener" style="font-weight:700">'
                      f"📄 {escape(t('report.open_link', lang))}</a> "
                      f'<span style="color:{P.MUTED}">{escape(t("report.open_hint", lang))}'
                      "</span></p>")
            # An output JupyterLab renders (not the widget's own HTML): it resolves the link
            # against the notebook's folder and opens the file, served by its /files/ route.
            self.link.outputs = ({"output_type": "display_data", "metadata": {},
                                  "data": {"text/html": markup, "text/plain": rel}},)
        return self.path
