"""The activity kinds, each declared once: the registry every layer looks kinds up in.

Kinds layer (between content and store): pure Python, no pandas, plotly or widgets. Each module
of this package declares one kind (:class:`Kind`): its answer rules, a typed answer, a generic
demo answer, the names of its figures, and the dotted paths of its analysis, charts, form,
report section, "sent" summary and live view, imported on first use. :func:`kind_of` is the one
lookup; no other module compares ``activity.kind`` with a name.

>>> scoring = load_pack().program.activity("disruptive-scoring")  # doctest: +SKIP
>>> kind_of(scoring).figure_names(scoring)  # doctest: +SKIP
('radar', 'heatmap', 'gaps')

A new kind is a module here (its ``KIND``), its name in ``_MODULES``, its content model in
:mod:`cityworkshop.content`, and its analysis, charts and form (``docs/ARCHITECTURE.md``).
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import import_module
from types import MappingProxyType
from typing import Any

from ._base import ActivityData, Kind, load
from ._rules import NEW_ENTRY, Row

__all__ = ["ActivityData", "KINDS", "Kind", "MATRIX", "NEW_ENTRY", "PLAN", "POINTS",
           "QUESTIONS", "Row", "SCALE", "TEXT", "kind_of", "load", "names"]

#: the modules of this package that declare a kind, in the order kinds are listed
_MODULES = ("scale", "text", "matrix", "points", "plan", "questions")

KINDS: Mapping[str, Kind] = MappingProxyType(
    {k.name: k for k in (import_module(f"{__name__}.{m}").KIND for m in _MODULES)})
"""Kind name -> its declaration, every kind of the registry."""

SCALE, TEXT, MATRIX, POINTS, PLAN, QUESTIONS = (
    KINDS[n] for n in ("scale", "text", "matrix", "points", "plan", "questions"))


def names() -> tuple[str, ...]:
    """The names of every kind, in the registry's order."""
    return tuple(KINDS)


def kind_of(activity: Any) -> Kind:
    """The declaration of ``activity``'s kind (an activity, or a kind's name).

    Raises
    ------
    ValueError
        For a kind no module declares, naming the known ones.
    """
    name = activity if isinstance(activity, str) else activity.kind
    try:
        return KINDS[name]
    except (KeyError, TypeError):
        whose = "" if isinstance(activity, str) else f" of activity {activity.id!r}"
        raise ValueError(f"Unknown activity kind {name!r}{whose}: cityworkshop knows "
                         f"{', '.join(KINDS)}. Use one of those kinds.") from None
