"""The questions of a sharing session for the projector: most votes first, answered ones marked.

Pages layer: shows the group of the asker, never a name; text is HTML-escaped. The
"Sudah dijawab" toggle writes :meth:`~cityworkshop.store.WorkshopStore.mark_answered`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as widgets

from ..content import Activity
from ..errors import CityWorkshopError
from ..i18n import t
from ..store import WorkshopStore
from ._html import error_html, esc
from ._live import LivePart

__all__ = ["QuestionList", "QuestionsPart"]


class QuestionList(widgets.VBox):
    """The room's questions by votes; open questions first, answered ones greyed at the end.

    Attributes
    ----------
    answered_toggles : dict[int, ToggleButton]
        "Sudah dijawab" per question id; switching it marks the question answered (or not).
    rows : dict[int, HTML]
        The line of each question.
    """

    def __init__(self, store: WorkshopStore, activity: Activity, lang: str = "id", *,
                 on_change: Callable[[], Any] | None = None):
        self.store, self.activity, self.lang = store, activity, lang
        self._on_change = on_change
        self.answered_toggles: dict[int, widgets.ToggleButton] = {}
        self.rows: dict[int, widgets.HTML] = {}
        self.heading = widgets.HTML()
        self.list = widgets.VBox()
        self.message = widgets.HTML()
        super().__init__([self.heading, self.list, self.message])
        self.add_class("cw-question-list")

    def _mark(self, question_id: int, answered: bool) -> None:
        try:
            self.store.mark_answered(question_id, answered)
        except CityWorkshopError as e:
            self.message.value = error_html(str(e), self.lang)
            return
        if self._on_change is not None:
            self._on_change()

    def update(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """Redraw from :meth:`WorkshopStore.question_rows` (already sorted by votes)."""
        lang = self.lang
        ordered = sorted(rows, key=lambda r: r["answered_at"] is not None)  # stable: votes kept
        self.heading.value = (f'<div class="cw-box"><h3>{esc(t("results.questions", lang))} '
                              f"({len(ordered)})</h3></div>")
        self.answered_toggles, self.rows = {}, {}
        children = []
        for r in ordered:
            qid, done = int(r["question_id"]), r["answered_at"] is not None
            cls = "cw-question cw-answered" if done else "cw-question"
            line = widgets.HTML(
                f'<div class="cw-box"><span class="cw-votes">▲ {int(r["votes"])}</span> '
                f'<span class="{cls}">{esc(str(r["text"]))}</span> '
                f'<span class="cw-tag">{esc(str(r["group"]))}</span></div>',
                layout=widgets.Layout(flex="1 1 auto"))
            toggle = widgets.ToggleButton(value=done,
                                          description=t("results.answered_toggle", lang),
                                          icon="check", button_style="success" if done else "",
                                          layout=widgets.Layout(width="auto", min_width="150px"))
            toggle.add_class("cw-answered-toggle")
            toggle.observe(lambda ch, qid=qid: self._mark(qid, bool(ch["new"])), names="value")
            self.answered_toggles[qid], self.rows[qid] = toggle, line
            children.append(widgets.HBox([toggle, line],
                                         layout=widgets.Layout(align_items="center")))
        if not children:
            none = esc(t("panel.no_answers", lang))
            children = [widgets.HTML(f'<div class="cw-box cw-src">{none}</div>')]
        self.list.children = children


class QuestionsPart(LivePart):
    """A questions activity's live results: the questions by votes (``live.questions``)."""

    def __init__(self, results: Any):
        super().__init__(results)
        questions = QuestionList(results.store, results.activity, results.lang,
                                 on_change=lambda: results.refresh(force=True))
        self.widgets = {"questions": questions}
        self.after = [questions]

    def update(self, summaries: Any, data: Any) -> None:
        self.widgets["questions"].update(list(data.rows))
