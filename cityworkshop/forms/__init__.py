"""ipywidgets forms that participants fill in on their phones, one module per activity kind.

The forms layer: a form shows one activity, gives its answer as the mapping that
:meth:`cityworkshop.store.WorkshopStore.submit` takes (``form.value``) and restores an earlier
answer (``form.set_value``). Every form has the same interface: constructor ``(activity,
lang="id", *, items=None, owners=None, initial=None)``, ``.value``, ``.set_value(answer)``,
``.on_submit(cb)``, ``.show_status(text, kind)``, ``.set_sending(bool)`` and ``.send_button``.
Forms compute no statistics and never touch the database; :func:`form_for` picks the form of an
activity's kind. A ``questions`` activity is a :class:`QuestionsBoard` instead, which writes
questions and votes through the store. Every widget a test or a stylesheet needs has a stable
``cw-...`` CSS class.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from importlib import import_module
from typing import Any

from ..content import Activity, Item
from ..kinds import KINDS
from ._base import FormBase, SettleProbe, css_id
from .questions import QuestionsBoard
from .scale import ScaleForm
from .text import TextForm

__all__ = ["ScaleForm", "TextForm", "MatrixForm", "PointsForm", "PlanForm", "QuestionsBoard",
           "SettleProbe", "form_for", "FORM_MODULES"]

_css_id = css_id  # the name used before forms became a package

#: activity kind -> (module of this package, form class), from each kind's declaration
#: (:attr:`Kind.form <cityworkshop.kinds.Kind.form>`); only those with a form to send ("Kirim"),
#: each imported only when asked for
FORM_MODULES: dict[str, tuple[str, str]] = {
    k.name: (k.form.partition(":")[0].removeprefix(f"{__name__}."), k.form.partition(":")[2])
    for k in KINDS.values() if not k.board and k.form.startswith(f"{__name__}.")
}


def _form_class(kind: str) -> type[FormBase]:
    declared = KINDS.get(kind)
    if declared is not None and declared.board:
        cls_name = declared.form.partition(":")[2]
        raise ValueError(f"A {kind} activity has no form to send: show a {cls_name} "
                         f"({declared.form.replace(':', '.')}) instead.")
    if kind in FORM_MODULES:
        module, name = FORM_MODULES[kind]
        found: type[FormBase] = getattr(import_module(f"{__name__}.{module}"), name)
        return found
    if declared is None:
        raise ValueError(f"No form for activity kind {kind!r}; known kinds: "
                         f"{', '.join(KINDS)}.")
    cls: type[FormBase] = declared.form_class()  # a form outside this package
    return cls


def form_for(activity: Activity, lang: str = "id", *, items: Sequence[Item] | None = None,
             owners: Sequence[Any] | None = None,
             initial: Mapping[str, Any] | None = None) -> Any:
    """The form of ``activity``'s kind, built with the agreed constructor.

    Parameters
    ----------
    activity
        Any activity but a ``questions`` one (that is a :class:`QuestionsBoard`).
    lang
        ``"id"`` or ``"en"``.
    items
        The activity's items as the store resolves them (``store.items_of(activity)``), e.g.
        the groups' ideas of a points activity.
    owners
        The units that may own a plan step (``store.pack.city.opds``).
    initial
        An earlier answer to show.

    Raises
    ------
    ValueError
        For a questions activity or an unknown kind.
    ImportError
        When the module of that kind's form is missing.

    Examples
    --------
    >>> form = form_for(store.activity("branding-definition"), "id")  # doctest: +SKIP
    >>> type(form).__name__  # doctest: +SKIP
    'TextForm'
    """
    cls = _form_class(activity.kind)
    return cls(activity, lang, items=items, owners=owners, initial=initial)


def __getattr__(name: str) -> Any:
    """``MatrixForm``, ``PointsForm`` and ``PlanForm``, imported on first use."""
    for kind, (_module, cls_name) in FORM_MODULES.items():
        if cls_name == name:
            return _form_class(kind)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
