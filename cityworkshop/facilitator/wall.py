"""The answer wall of a text activity: one card per entry, pins and the room's synthesis.

Pages layer: cards show the group (and the group a feedback is about), never a participant's
name; every text is HTML-escaped. Pinning and the synthesis write through the store
(:meth:`~cityworkshop.store.WorkshopStore.pin`,
:meth:`~cityworkshop.store.WorkshopStore.set_synthesis`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from ..content import Activity
from ..errors import CityWorkshopError
from ..i18n import t
from ..store import WorkshopStore
from ._html import error_html, esc
from ._live import LivePart

__all__ = ["AnswerWall", "WallPart"]


class AnswerWall(widgets.VBox):
    """Cards of every text entry (pinned first, highlighted), and the synthesis editor.

    Parameters
    ----------
    store, activity, lang
        The workshop, a ``text`` activity and the language.
    on_change
        Called after a pin or the synthesis was saved (LiveResults redraws).

    Attributes
    ----------
    cards : dict[str, HTML]
        The card of each entry by its ref (``<subject>#<entry>``).
    pin_buttons : dict[str, Button]
        "Sematkan" / "Lepas sematan" per entry.
    synthesis_text : Textarea
    save_synthesis_button : Button
        "Simpan sintesis".
    synthesis_view : HTML
        The saved synthesis, large.
    """

    def __init__(self, store: WorkshopStore, activity: Activity, lang: str = "id", *,
                 on_change: Callable[[], Any] | None = None):
        self.store, self.activity, self.lang = store, activity, lang
        self._on_change = on_change
        self.cards: dict[str, widgets.HTML] = {}
        self.pin_buttons: dict[str, widgets.Button] = {}
        self._pinned: list[str] = []
        self.heading = widgets.HTML()
        self.grid = widgets.GridBox(layout=widgets.Layout(
            grid_template_columns="repeat(auto-fill, minmax(360px, 1fr))", grid_gap="12px",
            width="100%"))
        self.grid.add_class("cw-wall")
        self.synthesis_view = widgets.HTML()
        self.synthesis_text = widgets.Textarea(
            placeholder=t("results.synthesis_placeholder", lang),
            layout=widgets.Layout(width="96%", max_width="1200px", height="110px"))
        self.synthesis_text.add_class("cw-synthesis-text")
        self.save_synthesis_button = widgets.Button(description=t("results.save_synthesis", lang),
                                                    icon="save", button_style="success",
                                                    layout=widgets.Layout(width="auto"))
        self.save_synthesis_button.add_class("cw-save-synthesis")
        self.save_synthesis_button.on_click(lambda _: self.save_synthesis())
        self.message = widgets.HTML()
        super().__init__([self.heading, self.grid, self.synthesis_view, self.synthesis_text,
                          widgets.HBox([self.save_synthesis_button, self.message])])
        self.add_class("cw-answer-wall")

    # -- actions ------------------------------------------------------------------------------

    def toggle_pin(self, ref: str) -> None:
        """Pin an entry, or unpin it when it is pinned."""
        try:
            self.store.pin(self.activity.id, ref, ref not in self._pinned)
        except CityWorkshopError as e:
            self.message.value = error_html(str(e), self.lang)
            return
        if self._on_change is not None:
            self._on_change()

    def save_synthesis(self) -> None:
        """Store the typed synthesis (an empty text clears it)."""
        try:
            self.store.set_synthesis(self.activity.id, self.synthesis_text.value)
        except CityWorkshopError as e:
            self.message.value = error_html(str(e), self.lang)
            return
        self.message.value = (f'<span class="cw-src">{esc(t("results.synthesis_saved", self.lang))}'
                              "</span>")
        if self._on_change is not None:
            self._on_change()

    # -- drawing ------------------------------------------------------------------------------

    def _card(self, r: Any, pinned: bool) -> str:
        lang = self.lang
        labels = {it.id: it.label.get(lang) for it in self.activity.items}
        tags = [f'<span class="cw-tag">{esc(str(r.group))}'
                + (f" → {esc(str(r.about_group))}" if _present(r.about_group) else "")
                + "</span>"]
        if _present(r.item_id):
            tags.append(f'<span class="cw-tag">{esc(labels.get(str(r.item_id), str(r.item_id)))}'
                        "</span>")
        if pinned:
            tags.insert(0, f'<span class="cw-tag cw-pin">{esc(t("results.pinned", lang))}</span>')
        cls = "cw-card cw-pinned" if pinned else "cw-card"
        return (f'<div class="cw-box"><div class="{cls}">{"".join(tags)}'
                f'<div class="cw-text">{esc(str(r.text))}</div></div></div>')

    def update(self, entries: Any, pinned: list[str], synthesis: str | None) -> None:
        """Redraw from :func:`~cityworkshop.analysis.text_entries`, the pinned refs and the
        stored synthesis."""
        lang = self.lang
        self._pinned = list(pinned)
        order = {ref: i for i, ref in enumerate(self._pinned)}
        records = list(entries.itertuples(index=False))
        # feedback about groups: the cards for one receiving group stay together
        records.sort(key=lambda r: str(r.about_group) if _present(r.about_group) else "")
        records.sort(key=lambda r: (order.get(r.ref, len(order)), 0 if r.ref in order else 1))
        self.heading.value = (f'<div class="cw-box"><h3>{esc(t("results.wall", lang))} '
                              f'({len(records)})</h3></div>')
        self.cards, self.pin_buttons = {}, {}
        children = []
        for r in records:
            is_pinned = r.ref in order
            card = widgets.HTML(self._card(r, is_pinned))
            button = widgets.Button(
                description=t("results.unpin" if is_pinned else "results.pin", lang),
                icon="thumb-tack", layout=widgets.Layout(width="auto"),
                button_style="warning" if is_pinned else "")
            button.add_class("cw-pin-button")
            button.on_click(lambda _b, ref=r.ref: self.toggle_pin(ref))
            self.cards[r.ref], self.pin_buttons[r.ref] = card, button
            children.append(widgets.VBox([card, widgets.HBox(
                [button], layout=widgets.Layout(justify_content="flex-end"))]))
        if not children:
            none = esc(t("panel.no_answers", lang))
            children = [widgets.HTML(f'<div class="cw-box cw-src">{none}</div>')]
        self.grid.children = children
        heading = f'<h3>{esc(t("results.synthesis", lang))}</h3>'
        if synthesis:
            self.synthesis_view.value = (f'<div class="cw-box">{heading}'
                                         f'<div class="cw-synthesis">{esc(synthesis)}</div></div>')
        else:
            self.synthesis_view.value = f'<div class="cw-box">{heading}</div>'
        if not self.synthesis_text.value and synthesis:
            self.synthesis_text.value = synthesis

    def wall_html(self) -> str:
        """Every card's HTML, pinned first: what the projector shows."""
        return "".join(c.value for c in self.cards.values())


def _present(value: Any) -> bool:
    if value is None:
        return False
    try:
        import math

        if isinstance(value, float) and math.isnan(value):
            return False
    except TypeError:
        pass
    return str(value) not in ("", "nan", "None", "<NA>")


class WallPart(LivePart):
    """A text activity's live results: the answer wall above the word chart (``live.wall``)."""

    def __init__(self, results: Any):
        super().__init__(results)
        wall = AnswerWall(results.store, results.activity, results.lang,
                          on_change=lambda: results.refresh(force=True))
        self.widgets = {"wall": wall}
        self.before = [wall]

    def update(self, summaries: Any, data: Any) -> None:
        self.widgets["wall"].update(summaries["entries"], list(data.pinned), data.synthesis)
