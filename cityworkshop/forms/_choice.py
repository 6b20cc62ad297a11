"""A row of big number buttons that tells assistive technology what it means and what is chosen.

Forms layer. ipywidgets' ``ToggleButtons`` names each button only by its text ("3") and marks
the chosen one with a CSS class alone, so a screen reader hears "3, button" five times and never
which one is selected. :class:`ChoiceButtons` keeps the same look (the same
``widget-toggle-button`` / ``mod-active`` classes and markup) and the same Python interface
(``options``, ``value``, ``observe(..., "value")``), and gives every button a spoken name
(``aria-label``, e.g. "3 dari 5: Cukup") and its pressed state (``aria-pressed``), the row a
name (``role="group"``). It is an ipyvue template, which the participant page's server (Solara)
and JupyterLab both render; no other script is needed.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import ipyvue
from traitlets import Any as AnyTrait
from traitlets import Bool, HasTraits, List, TraitError, Unicode, validate

__all__ = ["ChoiceButtons", "ChoiceCard", "ChoiceRow", "card_template", "choice_template"]

#: ``value === o[1]``: the options' values are numbers (JSON), compared as they are
_TEMPLATE = """<template>
  <div class="cw-choice-row" role="group" :aria-label="group_label || null">
    <button v-for="(o, i) in options" :key="i" type="button"
            :class="['widget-toggle-button', 'jupyter-button', 'cw-choice',
                     value === o[1] ? 'mod-active' : '']"
            :aria-pressed="value === o[1] ? 'true' : 'false'"
            :aria-label="names[i] || null" :title="tooltips[i] || null"
            :disabled="disabled" @click="value = o[1]">{{ o[0] }}</button>
  </div>
</template>"""


def choice_template() -> ipyvue.Template:
    """The rows' template as one widget, to share among the rows of a form: its text then
    travels to the phone once, not once per row (half a kilobyte each)."""
    return ipyvue.Template(template=_TEMPLATE)


class ChoiceButtons(ipyvue.VueTemplate):
    """One row of buttons, one per option; at most one chosen (``value``, None: none chosen).

    Parameters
    ----------
    options
        ``(text, value)`` pairs: the text shown on the button (short: "3") and its value.
    names
        What each button is called for assistive technology ("3 dari 5: Cukup"); it should
        start with the text shown, so that voice control ("press 3") finds it.
    tooltips
        A hint per button shown on hover (default: the names).
    group_label
        The name of the whole row ("Layanan digital: Sekarang").
    template
        A :func:`choice_template` shared by the rows of one form (default: the text itself).

    Examples
    --------
    >>> row = ChoiceButtons(options=[("1", 1), ("2", 2)], names=["1 dari 2", "2 dari 2"])
    >>> row.value = 2
    >>> row.value
    2
    """

    #: ``(text, value)`` per button
    options = List().tag(sync=True)
    #: the chosen option's value; None when nothing is chosen
    value = AnyTrait(None, allow_none=True).tag(sync=True)
    #: the spoken name of each button (``aria-label``)
    names = List().tag(sync=True)
    #: the hover hint of each button (``title``)
    tooltips = List().tag(sync=True)
    #: the spoken name of the row
    group_label = Unicode("").tag(sync=True)
    disabled = Bool(False).tag(sync=True)

    def __init__(self, options: Sequence[tuple[str, Any]] = (), *,
                 names: Sequence[str] | None = None, tooltips: Sequence[str] | None = None,
                 group_label: str = "", value: Any = None,
                 template: ipyvue.Template | str = _TEMPLATE, **kwargs: Any):
        pairs = [(str(text), v) for text, v in options]
        names = list(names) if names is not None else [text for text, _ in pairs]
        super().__init__(options=pairs, names=names,
                         tooltips=list(tooltips) if tooltips is not None else names,
                         group_label=group_label, template=template, **kwargs)
        self.value = value

    @validate("value")
    def _known_value(self, proposal: dict[str, Any]) -> Any:
        value = proposal["value"]
        if value is None:
            return None
        for _text, v in self.options:
            if v == value and not isinstance(value, bool):
                return v
        raise TraitError(f"{value!r} is not one of the options "
                         f"{[v for _t, v in self.options]}.")

    @property
    def pressed(self) -> list[bool]:
        """Whether each button is shown pressed (``aria-pressed``), in the order of ``options``."""
        return [self.value is not None and v == self.value for _t, v in self.options]


# -- many rows in one widget ------------------------------------------------------------------

#: Items' cards (title, help and every row of number buttons), drawn by one ipyvue widget.
#: The classes are those the rows had as separate widgets (``cw-dim``, ``cw-scale``,
#: ``cw-choice-row``, ``widget-toggle-button``, ``mod-active``), so the page's CSS and the
#: browser tests find the same markup. The phone compiles every ipyvue view's template into
#: modules of its own (two blob: scripts per view, measured), so a form draws all its cards in
#: one view where it can (the matrix form) instead of one per item.
#:
#: A press is sent twice: as the ``values`` state (which the phone's widget client holds back
#: while an earlier change of the same widget awaits the server's answer) and as a ``choose``
#: event, which goes at once and in order with the "Kirim" click that may follow. On a phone
#: coming back online after presses made offline, the state could otherwise arrive after the
#: click, and the answer would be sent without them.
_CARD_TEMPLATE = """<template>
  <div class="cw-choice-deck">
    <div v-for="(c, ci) in cards" :key="'card-' + ci" :class="['cw-choice-card'].concat(c.classes)">
      <div class="cw-item-title"><span class="cw-item-number">{{ c.number }}</span>
        {{ c.title }}</div>
      <div v-if="c.help" class="cw-item-help">{{ c.help }}</div>
      <div v-for="r in c.rows" :key="'row-' + r.key"
           :class="['cw-dim'].concat(r.row_classes)">
        <div class="cw-dim-label">{{ r.label }}</div>
        <div :class="r.classes">
          <div class="cw-choice-row" role="group" :aria-label="r.group_label || null">
            <button v-for="(o, i) in r.options" :key="i" type="button"
                    :class="['widget-toggle-button', 'jupyter-button', 'cw-choice',
                             values[r.key] === o[1] ? 'mod-active' : '']"
                    :aria-pressed="values[r.key] === o[1] ? 'true' : 'false'"
                    :aria-label="r.names[i] || null" :title="r.tooltips[i] || null"
                    :disabled="disabled"
                    @click="press(r.key, o[1])">{{ o[0] }}</button>
          </div>
        </div>
      </div>
    </div>
  </div>
</template>
<script>
module.exports = {
  methods: {
    press(key, value) {
      var next = Object.assign({}, this.values);
      next[key] = value;
      this.values = next;  // shown pressed at once, offline too; synced when the model may send
      this.choose([key, value]);  // and a message that keeps its place before a later "Kirim"
    }
  }
}
</script>"""


def card_template() -> ipyvue.Template:
    """The cards' template as one widget, shared by the cards of one form (sent once)."""
    return ipyvue.Template(template=_CARD_TEMPLATE)


class ChoiceRow(HasTraits):
    """One row of number buttons inside a :class:`ChoiceCard`: its Python side.

    The same interface as :class:`ChoiceButtons` (``options``, ``names``, ``group_label``,
    ``value``, ``observe(..., "value")``, ``pressed``), without being a widget of its own: the
    card draws every row of an item, so a form of ten items sends ten widgets to the phone, not
    a hundred (one per row, its label and its box, each with its layout), and the phone builds
    one view per item.
    """

    value = AnyTrait(None, allow_none=True)

    def __init__(self, card: ChoiceCard, key: str, options: Sequence[tuple[str, Any]], *,
                 names: Sequence[str], group_label: str, classes: Sequence[str]):
        super().__init__()
        self.card = card
        self.key = key
        self.options: list[tuple[str, Any]] = [(str(text), v) for text, v in options]
        self.names = list(names)
        self.tooltips = list(names)
        self.group_label = group_label
        #: the CSS classes of the row's element on the page (``cw-x-<item>``, ...)
        self._dom_classes = tuple(classes)

    @validate("value")
    def _known_value(self, proposal: dict[str, Any]) -> Any:
        return _option_value(self.options, proposal["value"])

    @property
    def template(self) -> ipyvue.Template:
        """The card's template (what the page draws)."""
        return self.card.template

    @property
    def disabled(self) -> bool:
        return self.card.disabled

    @property
    def pressed(self) -> list[bool]:
        """Whether each button is shown pressed (``aria-pressed``), in the order of ``options``."""
        return [self.value is not None and v == self.value for _t, v in self.options]


class ChoiceCard(ipyvue.VueTemplate):
    """Cards of rows of number buttons (an item's title, help and rows), drawn by one widget.

    Made with a first card (``number``, ``title``, ``help``); :meth:`add_card` adds more to the
    same widget. Add rows with :meth:`add_row`; each returns its :class:`ChoiceRow`, whose
    ``value`` is kept in step with what the participant presses (``values``: row key -> chosen
    value; row keys are unique in the widget). A value the page sends that is no option of its
    row (a crafted widget message) is dropped.

    Examples
    --------
    >>> card = ChoiceCard(number="1/2", title="Mobilitas")
    >>> row = card.add_row("now", "Sekarang", [("1", 1), ("2", 2)], names=["1 dari 2", "2 dari 2"])
    >>> card.values = {"now": 2}
    >>> row.value
    2
    """

    #: what each card draws: number, title, help, classes, rows (key, label, options, names)
    cards = List().tag(sync=True)
    #: row key -> chosen value (a row without a key: nothing chosen)
    #: (any JSON from the page is taken in and checked: a crafted message is cut to what fits)
    values = AnyTrait().tag(sync=True)
    disabled = Bool(False).tag(sync=True)

    def __init__(self, *, template: ipyvue.Template | str = _CARD_TEMPLATE, number: str = "",
                 title: str = "", help: str = "", classes: Sequence[str] = (), **kwargs: Any):
        self._rows: dict[str, ChoiceRow] = {}
        self._cards: list[dict[str, Any]] = []
        self._add(number, title, help, classes)
        super().__init__(template=template, values={}, cards=self._cards_state(), **kwargs)
        self.observe(self._sync_rows, "values")

    def _add(self, number: str, title: str, help: str, classes: Sequence[str]) -> int:
        self._cards.append({"number": number, "title": title, "help": help,
                            "classes": list(classes), "rows": []})
        return len(self._cards) - 1

    def _cards_state(self) -> list[dict[str, Any]]:
        return [{**c, "rows": list(c["rows"])} for c in self._cards]

    def add_card(self, number: str, title: str, help: str = "",
                 classes: Sequence[str] = ()) -> int:
        """Another card under the last one, in the same widget; returns its index."""
        index = self._add(number, title, help, classes)
        self.cards = self._cards_state()
        return index

    def add_row(self, key: str, label: str, options: Sequence[tuple[str, Any]], *,
                names: Sequence[str] | None = None, group_label: str = "",
                classes: Sequence[str] = (), row_classes: Sequence[str] = (),
                card: int = -1) -> ChoiceRow:
        """Add a row of buttons to a card (default: the last one); returns its
        :class:`ChoiceRow`. ``key`` must be new in this widget."""
        if key in self._rows:
            raise ValueError(f"row {key!r} exists already")
        pairs = [(str(text), v) for text, v in options]
        names = list(names) if names is not None else [text for text, _ in pairs]
        row = ChoiceRow(self, key, pairs, names=names, group_label=group_label, classes=classes)
        row.observe(lambda change: self._row_changed(key, change["new"]), "value")
        self._rows[key] = row
        self._cards[card]["rows"].append({
            "key": key, "label": label, "classes": list(classes),
            "row_classes": list(row_classes), "options": pairs, "names": names,
            "tooltips": names, "group_label": group_label})
        self.cards = self._cards_state()
        return row

    def texts(self) -> str:
        """Every text the cards show (numbers, titles, help, row labels), for checks."""
        return " ".join(part for c in self._cards
                        for part in (c["number"], c["title"], c["help"],
                                     *(r["label"] for r in c["rows"])))

    @validate("values")
    def _known_values(self, proposal: dict[str, Any]) -> dict[str, Any]:
        given = proposal["value"]
        if not isinstance(given, dict):
            return {}
        out: dict[str, Any] = {}
        for key, v in given.items():
            row = self._rows.get(key) if hasattr(self, "_rows") else None
            if row is None or v is None:
                continue
            try:
                out[key] = _option_value(row.options, v)
            except TraitError:
                continue  # not a button of this row: ignored
        return out

    def vue_choose(self, data: Any) -> None:
        """A press on the phone (``[row key, value]``), in order with the other messages; a
        key or value that is no button of the card is ignored."""
        if not isinstance(data, list | tuple) or len(data) != 2 or not isinstance(data[0], str):
            return
        key, value = data
        row = self._rows.get(key)
        if row is None:
            return
        try:
            value = _option_value(row.options, value)
        except TraitError:
            return
        new = {**self.values, key: value}
        with self._lock_property(values=new):  # the phone shows it already: no echo, which
            self.values = new  # could land after a newer press there and undo it

    def _row_changed(self, key: str, value: Any) -> None:
        if self.values.get(key) == value and (value is not None or key not in self.values):
            return
        values = {k: v for k, v in self.values.items() if k != key}
        if value is not None:
            values[key] = value
        self.values = values

    def _sync_rows(self, change: dict[str, Any]) -> None:
        # noted like a labelled field's change (forms._base.when_settled): the phone holds a
        # card's second press until the server answered its first, while "Kirim" goes at once,
        # so a "Kirim" right behind a press waits for the held one (a matrix item placed on
        # both axes offline arrives as two changes of this one widget)
        self._cw_changed_at = time.monotonic()
        for key, row in self._rows.items():
            v = change["new"].get(key)
            if row.value != v:
                row.value = v


def _option_value(options: Sequence[tuple[str, Any]], value: Any) -> Any:
    """``value`` if it is one of the options' values (None stays None), else TraitError."""
    if value is None:
        return None
    for _text, v in options:
        if v == value and not isinstance(value, bool):
            return v
    raise TraitError(f"{value!r} is not one of the options {[v for _t, v in options]}.")
