"""The "make the report" button for the closing notebook.

Report layer (Jupyter glue): one button that writes ``report.html`` beside the workshop database
and shows where it is; an error is shown as a message in the facilitator's language.
"""

from __future__ import annotations

import html
import os
from pathlib import Path

import ipywidgets as widgets

from ..errors import CityWorkshopError
from ..i18n import t
from ..store import WorkshopStore

__all__ = ["ReportButton"]

REPORT_NAME = "report.html"


class ReportButton(widgets.VBox):
    """"Buat laporan": write the report beside the database and show its path and a link.

    Parameters
    ----------
    store
        The workshop.
    lang
        ``"id"`` or ``"en"``.
    anonymous
        Leave participant names out of the report.

    Attributes
    ----------
    button : Button
    message : HTML
        The path and link after success, or the error.
    path : Path | None
        The report written last.
    """

    def __init__(self, store: WorkshopStore, lang: str = "id", *, anonymous: bool = False):
        self.store, self.lang, self.anonymous = store, lang, anonymous
        self.path: Path | None = None
        self.button = widgets.Button(description=t("report.button", lang), icon="file-text",
                                     button_style="primary", layout=widgets.Layout(width="auto"))
        self.button.add_class("cw-report-button")
        self.message = widgets.HTML()
        self.message.add_class("cw-report-message")
        self.button.on_click(lambda _: self.make())
        super().__init__([self.button, self.message])
        self.add_class("cw-report")

    @property
    def target(self) -> Path:
        """Where the report goes: ``report.html`` in the database's folder."""
        return Path(self.store.path).resolve().with_name(REPORT_NAME)

    def make(self) -> Path | None:
        """Write the report; returns its path, or None after showing the error."""
        from . import write_report

        lang = self.lang
        self.button.disabled = True
        self.message.value = f"<i>{html.escape(t('report.working', lang))}</i>"
        try:
            self.path = write_report(self.store, self.target, lang, anonymous=self.anonymous)
        except CityWorkshopError as e:
            self.message.value = (f'<span class="cw-error" style="color:#b3261e;font-weight:600">'
                                  f"{html.escape(e.message(lang))}</span>")
            return None
        except Exception as e:  # a button must say what went wrong, never fail silently
            self.message.value = (f'<span class="cw-error" style="color:#b3261e;font-weight:600">'
                                  f"{html.escape(t('report.failed', lang, error=str(e)))}</span>")
            return None
        finally:
            self.button.disabled = False
        shown = html.escape(str(self.path))
        link = ""
        try:  # a link JupyterLab can open when the report is under the notebook's folder
            rel = os.path.relpath(self.path, Path.cwd())
            if not rel.startswith(".."):
                link = (f' · <a href="{html.escape(Path(rel).as_posix())}" target="_blank" '
                        f'rel="noopener">{html.escape(t("report.open", lang))}</a>')
        except ValueError:
            pass
        self.message.value = (f"<span>{html.escape(t('report.written', lang))} "
                              f"<code>{shown}</code>{link}</span>")
        return self.path
