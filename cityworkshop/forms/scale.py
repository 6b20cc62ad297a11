"""The form of a ``scale`` activity: 1-5 per item and dimension, optional reasons.

Forms layer (ipywidgets only): gives its answer as the mapping the store takes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as widgets

from ..content import Activity, Item
from ..i18n import t
from ..kinds import KINDS, SCALE
from ..markup import escape
from ._base import FormBase, css_id, labelled, score_names
from ._choice import ChoiceCard, ChoiceRow, card_template

__all__ = ["ScaleForm"]


class ScaleForm(FormBase):
    """A phone-first form for a ``scale`` activity: 1-5 per item and dimension, optional reasons.

    Each item (criterion) shows its label and guiding question, one row of number buttons per
    dimension (e.g. "Sekarang" and "Target 2029"; no button selected means "not scored"), an
    optional reason with the characters left, and at the end a "Kirim" button. Each number
    button tells a screen reader its meaning ("3 dari 5: Cukup") and whether it is pressed
    (:class:`~cityworkshop.forms._choice.ChoiceCard`: one widget per item); the reason is labelled.

    Parameters
    ----------
    activity
        A scale activity of the content pack (its items already resolved).
    lang
        ``"id"`` or ``"en"``: the language of labels and hints.
    items
        The items to score; default ``activity.items``.
    owners
        Not used (the agreed form interface; plan forms need it).
    initial
        An earlier answer to show, as given by :meth:`value`.

    Examples
    --------
    >>> form = ScaleForm(store.activity("disruptive-scoring"))  # doctest: +SKIP
    >>> form.scores["digital_services"]["now"].value = 3  # doctest: +SKIP
    >>> form.value  # doctest: +SKIP
    {'scores': {'digital_services': {'now': 3}}, 'reasons': {}}
    """

    def __init__(self, activity: Activity, lang: str = "id", *,
                 items: Sequence[Item] | None = None, owners: Sequence[Any] | None = None,
                 initial: Mapping[str, Any] | None = None):
        if KINDS.get(activity.kind) is not SCALE:
            raise ValueError(f"ScaleForm needs a scale activity; {activity.id!r} is "
                             f"{activity.kind!r}. Use the form of that kind instead.")
        super().__init__(lang)
        self.activity = activity
        self.items = tuple(activity.items if items is None else items)
        values = list(range(activity.scale_min, activity.scale_max + 1))
        options = [(str(v), v) for v in values]
        meanings = {v: text.get(lang) for v, text in activity.scale_labels.items()}
        names = score_names(values, meanings, lang)
        template = card_template()  # shared by every card: sent once
        #: item id -> dimension id -> its row of number buttons (value None = not scored)
        self.scores: dict[str, dict[str, ChoiceRow]] = {}
        #: item id -> Textarea of the reason (absent when the activity asks no reason)
        self.reasons: dict[str, widgets.Textarea] = {}
        self._chars_left: dict[str, widgets.HTML] = {}
        cards: list[widgets.Widget] = []
        total = len(self.items)
        #: without reasons, every item's card is drawn by one widget (one view on the phone)
        deck: ChoiceCard | None = None
        held = contextlib.ExitStack()  # each card's rows reach the phone in one message
        for n, item in enumerate(self.items, start=1):
            head = {"number": f"{n}/{total}", "title": item.label.get(lang),
                    "help": item.help.get(lang) if item.help is not None else ""}
            own = ["cw-item", f"cw-item-{css_id(item.id)}"]
            index = 0
            if activity.reason != "none":
                card = ChoiceCard(template=template, **head)
                held.enter_context(card.hold_sync())
            elif deck is None:
                card = deck = ChoiceCard(template=template, classes=own, **head)
                held.enter_context(deck.hold_sync())
                cards.append(deck)
            else:
                card, index = deck, deck.add_card(classes=own, **head)
            self.scores[item.id] = {}
            for dim in activity.dimensions:
                group = f"{item.label.get(lang)}: {dim.label.get(lang)}"
                row = card.add_row(f"{item.id}/{dim.id}", dim.label.get(lang), options,
                                   names=names, group_label=group, card=index,
                                   classes=["cw-scale",
                                            f"cw-score-{css_id(item.id)}-{css_id(dim.id)}"])
                row.observe(self._on_score, "value")
                self.scores[item.id][dim.id] = row
            if activity.reason != "none":
                key = ("form.reason_label" if activity.reason == "optional"
                       else "form.reason_required")
                area = labelled(widgets.Textarea(placeholder=t("form.reason_placeholder", lang),
                                                 layout=widgets.Layout(width="100%")),
                                t(key, lang))
                area.add_class("cw-reason")
                area.add_class(f"cw-reason-{css_id(item.id)}")
                left = widgets.HTML()
                left.add_class("cw-chars-left")
                area.observe(lambda change, i=item.id: self._update_chars(i), "value")
                self.reasons[item.id] = area
                self._chars_left[item.id] = left
                self._update_chars(item.id)
                area.add_class("cw-reason-box")  # in the item's box: no box of its own
                box = widgets.VBox([card, area, left])
                for cls in own:
                    box.add_class(cls)
                cards.append(box)
        held.close()

        self.progress = widgets.HTML()
        self.progress.add_class("cw-progress")
        hint = widgets.HTML(self._scale_hint())
        hint.add_class("cw-hint")
        self.children = [hint, *cards, self._footer(self.progress)]
        if initial:
            self.set_value(initial)
        self._update_progress()

    # -- value ------------------------------------------------------------------------------

    @property
    def value(self) -> dict[str, Any]:
        """The answer as :meth:`WorkshopStore.submit` takes it: scored dimensions, non-empty
        reasons."""
        scores: dict[str, dict[str, int]] = {}
        for item_id, dims in self.scores.items():
            chosen = {d: int(w.value) for d, w in dims.items() if w.value is not None}
            if chosen:
                scores[item_id] = chosen
        reasons = {i: w.value for i, w in self.reasons.items() if w.value.strip()}
        return {"scores": scores, "reasons": reasons}

    def set_value(self, answer: Mapping[str, Any] | None) -> None:
        """Show ``answer`` (as given by :attr:`value`); anything not in it is cleared.

        Unknown items, dimensions or out-of-range scores (an answer from an older program) are
        ignored rather than shown wrongly.
        """
        answer = answer or {}
        scores = answer.get("scores") or {}
        reasons = answer.get("reasons") or {}
        lo, hi = self.activity.scale_min, self.activity.scale_max
        for item_id, dims in self.scores.items():
            given = scores.get(item_id) or {}
            for dim_id, w in dims.items():
                v = given.get(dim_id)
                w.value = int(v) if isinstance(v, int | float) and lo <= v <= hi else None
        for item_id, area in self.reasons.items():
            text = reasons.get(item_id)
            area.value = text if isinstance(text, str) else ""
        self._update_progress()

    def scored_items(self) -> int:
        """How many items have at least one dimension scored."""
        return sum(any(w.value is not None for w in dims.values()) for dims in self.scores.values())

    # -- events -----------------------------------------------------------------------------

    def _on_score(self, _change: Mapping[str, Any]) -> None:
        self._update_progress()

    def _update_progress(self) -> None:
        if not hasattr(self, "progress"):
            return  # still building
        text = t("form.progress", self.lang, done=self.scored_items(), total=len(self.scores))
        self.progress.value = f'<div class="cw-progress-text">{escape(text)}</div>'

    def _update_chars(self, item_id: str) -> None:
        left = self.activity.reason_max_chars - len(self.reasons[item_id].value.strip())
        if left >= 0:
            text, cls = t("form.chars_left", self.lang, left=left), "cw-ok"
        else:
            text, cls = t("form.chars_over", self.lang, over=-left), "cw-over"
        self._chars_left[item_id].value = f'<div class="{cls}">{escape(text)}</div>'

    def _scale_hint(self) -> str:
        labels = self.activity.scale_labels
        parts = [f"{v} = {escape(labels[v].get(self.lang))}" for v in sorted(labels)]
        hint = t("form.scale_hint", self.lang)
        text = f'<div class="cw-hint-text">{escape(hint)}</div>'
        if parts:
            text += f'<div class="cw-hint-scale">{" · ".join(parts)}</div>'
        return text
