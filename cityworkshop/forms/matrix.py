"""The phone form of a ``matrix`` activity: place each item on two axes (e.g. impact x urgency).

Forms layer: :class:`MatrixForm` shows the items and gives the answer mapping that
:meth:`cityworkshop.store.WorkshopStore.submit` takes (``{"positions": {item: {"x", "y"}}}``);
it never touches the database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as widgets

from ..content import Activity, Axis, Item
from ..i18n import t
from ..kinds import KINDS, MATRIX
from ..markup import escape
from ._base import FormBase, css_id, score_names
from ._choice import ChoiceCard, ChoiceRow

__all__ = ["MatrixForm"]



def _axis_label(axis: Axis, lang: str) -> str:
    """``"Dampak (kecil 1 - 5 besar)"``: the axis name with its range and low/high words."""
    if axis.low is not None and axis.high is not None:
        return t("form.axis_label", lang, label=axis.label.get(lang), low=axis.low.get(lang),
                 min=axis.min, max=axis.max, high=axis.high.get(lang))
    return t("form.axis_range", lang, label=axis.label.get(lang), min=axis.min, max=axis.max)


class MatrixForm(FormBase):
    """A phone-first form for a ``matrix`` activity: one card per item, a row of numbers per axis.

    Each card shows the item, then for the x axis and the y axis a row of number buttons
    (``min`` .. ``max``, labelled e.g. "Dampak (kecil 1 - 5 besar)"; each tells a screen reader
    its meaning, "5 dari 5: besar", and whether it is pressed); no button selected means
    "not placed". Only items placed on both axes are sent; pressing "Kirim" with an item placed
    on one axis only shows which one instead of sending.

    Parameters
    ----------
    activity
        A matrix activity of the content pack.
    lang
        ``"id"`` or ``"en"``.
    items
        The items to place; default ``activity.items``.
    owners
        Not used (every form takes it, see :func:`cityworkshop.forms.form_for`).
    initial
        An earlier answer to show, as given by :attr:`value`.

    Examples
    --------
    >>> form = MatrixForm(store.activity("branding-initiatives"))  # doctest: +SKIP
    >>> form.x["city_story"].value, form.y["city_story"].value = 4, 5  # doctest: +SKIP
    >>> form.value  # doctest: +SKIP
    {'positions': {'city_story': {'x': 4, 'y': 5}}}
    """

    def __init__(self, activity: Activity, lang: str = "id", *,
                 items: Sequence[Item] | None = None, owners: Sequence[Any] | None = None,
                 initial: Mapping[str, Any] | None = None):
        if KINDS.get(activity.kind) is not MATRIX:
            raise ValueError(f"MatrixForm needs a matrix activity; {activity.id!r} is "
                             f"{activity.kind!r}. Use the form of that kind instead.")
        assert activity.x_axis is not None and activity.y_axis is not None  # content checks it
        super().__init__(lang)
        self.activity = activity
        self.items: tuple[Item, ...] = tuple(activity.items if items is None else items)
        self.add_class("cw-matrix-form")
        #: item id -> the number buttons of the x axis (value None = not placed)
        self.x: dict[str, ChoiceRow] = {}
        #: item id -> the number buttons of the y axis
        self.y: dict[str, ChoiceRow] = {}
        total = len(self.items)

        def head(n: int, item: Item) -> dict[str, Any]:
            return {"number": f"{n}/{total}", "title": item.label.get(lang),
                    "help": item.help.get(lang) if item.help is not None else "",
                    "classes": ["cw-item", f"cw-item-{css_id(item.id)}"]}

        #: every item's card (title, help, both rows) in one widget: one view on the phone
        self.deck = ChoiceCard(**head(1, self.items[0])) if self.items else ChoiceCard()
        self.deck.add_class("cw-matrix-deck")
        with self.deck.hold_sync():  # the cards reach the phone in one message
            for n, item in enumerate(self.items, start=1):
                card = 0 if n == 1 else self.deck.add_card(**head(n, item))
                for name, axis, target in (("x", activity.x_axis, self.x),
                                           ("y", activity.y_axis, self.y)):
                    values = list(range(axis.min, axis.max + 1))
                    ends = {axis.min: axis.low.get(lang) if axis.low else "",
                            axis.max: axis.high.get(lang) if axis.high else ""}
                    row = self.deck.add_row(
                        f"{item.id}/{name}", _axis_label(axis, lang),
                        [(str(v), v) for v in values], names=score_names(values, ends, lang),
                        group_label=f"{item.label.get(lang)}: {axis.label.get(lang)}",
                        # the scale form's big number buttons
                        classes=["cw-scale", "cw-matrix-axis", f"cw-{name}-{css_id(item.id)}"],
                        row_classes=[f"cw-axis-{name}"], card=card)
                    row.observe(lambda _c: self._update_progress(), "value")
                    target[item.id] = row

        self.progress = widgets.HTML()
        self.progress.add_class("cw-progress")
        hint = widgets.HTML(f'<div class="cw-hint-text">'
                            f'{escape(t("form.matrix_hint", lang))}</div>')
        hint.add_class("cw-hint")
        footer = self._footer(self.progress)
        self.children = [hint, self.deck, footer]
        if initial:
            self.set_value(initial)
        self._update_progress()

    # -- value ------------------------------------------------------------------------------

    @property
    def value(self) -> dict[str, Any]:
        """The answer as :meth:`WorkshopStore.submit` takes it: items placed on both axes."""
        positions = {i: {"x": int(self.x[i].value), "y": int(self.y[i].value)}
                     for i in self.x if self.x[i].value is not None and self.y[i].value is not None}
        return {"positions": positions}

    @property
    def draft_value(self) -> dict[str, Any]:
        """:attr:`value` with the items placed on one axis only too (a draft keeps them; the
        store would refuse them)."""
        positions = {i: {"x": self.x[i].value, "y": self.y[i].value} for i in self.x
                     if self.x[i].value is not None or self.y[i].value is not None}
        return {"positions": {i: {k: int(v) for k, v in pos.items() if v is not None}
                              for i, pos in positions.items()}}

    def set_value(self, answer: Mapping[str, Any] | None) -> None:
        """Show ``answer`` (as given by :attr:`value`); anything not in it is cleared.

        Unknown items and coordinates outside an axis (an answer from an older program) are
        ignored rather than shown wrongly.
        """
        positions = (answer or {}).get("positions") or {}
        for name, axis, target in (("x", self.activity.x_axis, self.x),
                                  ("y", self.activity.y_axis, self.y)):
            assert axis is not None
            for item_id, w in target.items():
                pos = positions.get(item_id)
                v = pos.get(name) if isinstance(pos, Mapping) else None
                ok = isinstance(v, int) and not isinstance(v, bool) and axis.min <= v <= axis.max
                w.value = v if ok else None
        self._update_progress()

    def placed_items(self) -> int:
        """How many items are placed on both axes."""
        return len(self.value["positions"])

    def problems(self) -> list[str]:
        """Why the answer cannot be sent yet, in the participant's language (empty: it can).

        An item placed on one axis only, or no item placed at all.
        """
        half = [it for it in self.items
                if (self.x[it.id].value is None) != (self.y[it.id].value is None)]
        out = [t("answer.matrix_both", self.lang, item=it.label.get(self.lang)) for it in half]
        if not out and not self.placed_items():
            out.append(t("form.matrix_empty", self.lang))
        return out

    # -- events -----------------------------------------------------------------------------

    def _update_progress(self) -> None:
        if not hasattr(self, "progress"):
            return  # still building
        text = t("form.matrix_progress", self.lang, done=self.placed_items(), total=len(self.x))
        self.progress.value = f'<div class="cw-progress-text">{escape(text)}</div>'
