"""The phone form of a ``points`` activity: spread a budget of dots over items (dot voting).

Forms layer: :class:`PointsForm` shows the items (often the groups' ideas, from
:meth:`cityworkshop.store.WorkshopStore.items_of`) with "-" and "+" buttons and gives the answer
mapping that :meth:`~cityworkshop.store.WorkshopStore.submit` takes (``{"points": {item: n}}``);
it never touches the database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as widgets

from .. import palette as P
from ..content import Item, PointsActivity
from ..i18n import t
from ..kinds import KINDS, POINTS
from ..markup import escape, message_html
from ._base import FormBase, css_id

__all__ = ["PointsForm"]


# the dots under the count, one line
_DOTS_STYLE = f"text-align:center;font-size:13px;white-space:nowrap;color:{P.DOT}"


def _button_layout() -> widgets.Layout:
    """A square-ish touch target: 56 x 52 px, never shrunk by a long idea text."""
    return widgets.Layout(width="56px", min_width="56px", height="52px", flex="0 0 auto")



class PointsForm(FormBase):
    """A phone-first form for a ``points`` activity: "-" / count / "+" per item, a live budget.

    A counter ("Sisa poin: 3 dari 5") shows the points left. The buttons never let the
    participant go over the budget, below 0 or over ``max_per_item``: a "+" that would is
    disabled (and ignored if pressed anyway). Item texts (participants' ideas) are shown as
    escaped text, with the group's name (``item.help``) under each.

    Parameters
    ----------
    activity
        A points activity of the content pack.
    lang
        ``"id"`` or ``"en"``.
    items
        The items to vote on; default ``activity.items``. For an activity with
        ``items_from_activity`` pass ``store.items_of(activity)``.
    owners
        Not used (every form takes it, see :func:`cityworkshop.forms.form_for`).
    initial
        An earlier answer to show, as given by :attr:`value`.

    Examples
    --------
    >>> act = store.activity("idea-votes")  # doctest: +SKIP
    >>> form = PointsForm(act, items=store.items_of(act))  # doctest: +SKIP
    >>> form.plus["g:1#e00"].click(); form.plus["g:1#e00"].click()  # doctest: +SKIP
    >>> form.value  # doctest: +SKIP
    {'points': {'g:1#e00': 2}}
    """

    def __init__(self, activity: PointsActivity, lang: str = "id", *,
                 items: Sequence[Item] | None = None, owners: Sequence[Any] | None = None,
                 initial: Mapping[str, Any] | None = None):
        if KINDS.get(activity.kind) is not POINTS:
            raise ValueError(f"PointsForm needs a points activity; {activity.id!r} is "
                             f"{activity.kind!r}. Use the form of that kind instead.")
        super().__init__(lang)
        self.activity = activity
        self.items: tuple[Item, ...] = tuple(activity.items if items is None else items)
        self.budget: int = activity.budget
        #: the most dots one item may get
        self.max_per_item: int = min(activity.max_per_item or activity.budget, activity.budget)
        self.add_class("cw-points-form")
        #: item id -> dots given
        self.counts: dict[str, int] = {it.id: 0 for it in self.items}
        #: item id -> its "+" and "-" buttons, and the HTML showing its count
        self.plus: dict[str, widgets.Button] = {}
        self.minus: dict[str, widgets.Button] = {}
        self._count_views: dict[str, widgets.HTML] = {}
        cards: list[widgets.Widget] = []
        for item in self.items:
            cards.append(self._item_row(item))

        self.remaining = widgets.HTML()
        self.remaining.add_class("cw-points-left")
        hint_text = t("form.points_hint", lang, max=self.max_per_item)
        hint = widgets.HTML(f'<div class="cw-hint-text">{escape(hint_text)}</div>')
        hint.add_class("cw-hint")
        if not self.items:
            empty = widgets.HTML(message_html(t("form.points_no_items", lang), "info"))
            empty.add_class("cw-points-empty")
            cards.append(empty)
            self.send_button.disabled = True
        footer = self._footer()
        self.children = [hint, self.remaining, *cards, footer]
        if initial:
            self.set_value(initial)
        self._refresh()

    def _item_row(self, item: Item) -> widgets.Widget:
        css = css_id(item.id)
        text = f'<div class="cw-idea-text">{escape(item.label.get(self.lang))}</div>'
        if item.help is not None:
            text += (f'<div class="cw-item-help cw-idea-group">'
                     f'{escape(item.help.get(self.lang))}</div>')
        label = widgets.HTML(text, layout=widgets.Layout(flex="1 1 auto", min_width="0"))
        label.add_class("cw-points-label")
        idea = item.label.get(self.lang)
        minus = widgets.Button(description="-",
                               tooltip=t("form.points_minus", self.lang, item=idea),
                               layout=_button_layout())
        minus.add_class("cw-points-button")
        minus.add_class(f"cw-minus-{css}")
        plus = widgets.Button(description="+",
                              tooltip=t("form.points_plus", self.lang, item=idea),
                              layout=_button_layout())
        plus.add_class("cw-points-button")
        plus.add_class(f"cw-plus-{css}")
        minus.on_click(lambda _b, i=item.id: self.take(i))
        plus.on_click(lambda _b, i=item.id: self.give(i))
        count = widgets.HTML(layout=widgets.Layout(width="64px", min_width="64px",
                                                   flex="0 0 auto"))
        count.add_class("cw-points-count")
        count.add_class(f"cw-count-{css}")
        self.plus[item.id], self.minus[item.id] = plus, minus
        self._count_views[item.id] = count
        controls = widgets.HBox([minus, count, plus],
                                layout=widgets.Layout(justify_content="flex-end",
                                                      align_items="center"))
        controls.add_class("cw-points-controls")
        row = widgets.VBox([label, controls])
        row.add_class("cw-item")
        row.add_class("cw-points-row")
        row.add_class(f"cw-points-{css}")
        return row

    # -- value ------------------------------------------------------------------------------

    @property
    def value(self) -> dict[str, Any]:
        """The answer as :meth:`WorkshopStore.submit` takes it: items with at least one dot."""
        return {"points": {i: n for i, n in self.counts.items() if n > 0}}

    def set_value(self, answer: Mapping[str, Any] | None) -> None:
        """Show ``answer`` (as given by :attr:`value`); anything not in it is cleared.

        Unknown items (an idea deleted since), negative or non-integer counts are ignored; a
        count over ``max_per_item`` or beyond the budget is cut, so the form never shows more
        dots than the participant may give.
        """
        given = (answer or {}).get("points") or {}
        self.counts = dict.fromkeys(self.counts, 0)
        left = self.budget
        if isinstance(given, Mapping):
            for item_id in self.counts:
                n = given.get(item_id)
                if isinstance(n, int) and not isinstance(n, bool) and n > 0:
                    self.counts[item_id] = min(n, self.max_per_item, left)
                    left -= self.counts[item_id]
        self._refresh()

    @property
    def left(self) -> int:
        """Dots not given yet."""
        return self.budget - sum(self.counts.values())

    def give(self, item_id: str) -> bool:
        """One more dot on ``item_id`` (the "+" button); False when the budget or the item's
        maximum does not allow it."""
        if self.counts[item_id] >= self.max_per_item or self.left <= 0:
            return False
        self.counts[item_id] += 1
        self._refresh()
        return True

    def take(self, item_id: str) -> bool:
        """One dot back from ``item_id`` (the "-" button); False when it has none."""
        if self.counts[item_id] <= 0:
            return False
        self.counts[item_id] -= 1
        self._refresh()
        return True

    def problems(self) -> list[str]:
        """Why the answer cannot be sent yet, in the participant's language (empty: it can)."""
        if self.left == self.budget:
            return [t("answer.points_none", self.lang, budget=self.budget)]
        return []

    # -- events -----------------------------------------------------------------------------

    def set_sending(self, sending: bool) -> None:
        """Disable the send button and say "Mengirim..." while an answer is being stored."""
        self.send_button.disabled = sending or not self.items
        self.send_button.description = t("form.sending" if sending else "form.send", self.lang)

    def _refresh(self) -> None:
        """Counts, dots, the counter and which buttons may be pressed."""
        left = self.left
        for item_id, n in self.counts.items():
            view = f'<div class="cw-points-n">{n}</div>'
            if self.max_per_item <= 5:  # a few dots read faster than a number
                dots = "●" * n + "○" * (self.max_per_item - n)
                view += (f'<div class="cw-points-dots" style="{_DOTS_STYLE}" '
                         f'aria-hidden="true">{dots}</div>')
            self._count_views[item_id].value = view
            self.minus[item_id].disabled = n <= 0
            self.plus[item_id].disabled = n >= self.max_per_item or left <= 0
        text = t("form.points_left", self.lang, left=left, budget=self.budget)
        self.remaining.value = message_html(text, "ok" if left == 0 else "info")
