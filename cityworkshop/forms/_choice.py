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

from collections.abc import Sequence
from typing import Any

import ipyvue
from traitlets import Any as AnyTrait
from traitlets import Bool, List, TraitError, Unicode, validate

__all__ = ["ChoiceButtons", "choice_template"]

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
