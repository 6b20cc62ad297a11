"""What each activity kind accepts: pure functions from an answer mapping to answer rows.

The store layer's rules, kept apart from SQL: :func:`validate_answer` checks an answer against
its activity and returns the rows the store writes (``item_id``, ``field``, ``value_num``,
``value_text``); :func:`rows_to_answer` turns stored rows back into the mapping. Every refusal is
an :class:`~cityworkshop.errors.InvalidAnswer` with a catalogue key, so that the participant page
says it in the participant's language. One module per kind; no pandas, widgets or plotly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..content import Activity, Item
from ..errors import InvalidAnswer
from . import matrix, plan, points, scale, text

__all__ = ["Row", "validate_answer", "rows_to_answer"]

Row = dict[str, Any]

_KINDS = {"scale": scale, "text": text, "matrix": matrix, "points": points, "plan": plan}


def validate_answer(
    activity: Activity,
    answer: Mapping[str, Any],
    *,
    items: Sequence[Item] | None = None,
    owners: Sequence[str] = (),
) -> list[Row]:
    """Check ``answer`` against ``activity`` and return the rows to store.

    Parameters
    ----------
    activity
        The activity answered.
    answer
        The kind's answer mapping, e.g. ``{"scores": {item: {dimension: int}}, "reasons": {}}``
        for a scale; see each kind's module.
    items
        The items to answer about when they are not fixed in the content pack (a points
        activity over another activity's ideas); default ``activity.items``.
    owners
        Ids of the units that may own a plan step (the city's OPDs).

    Raises
    ------
    InvalidAnswer
        Naming the item, field and value, with a catalogue key for the participant's language.
    """
    if not isinstance(answer, Mapping):
        raise InvalidAnswer("answer.not_mapping")
    module = _KINDS.get(activity.kind)
    if module is None:
        raise InvalidAnswer("answer.kind_unsupported", kind=activity.kind)
    unknown = set(answer) - set(module.FIELDS) - {"about"}
    if unknown:
        raise InvalidAnswer("answer.unknown_field", field=", ".join(sorted(map(str, unknown))))
    known_items = tuple(activity.items if items is None else items)
    return module.validate(activity, answer, known_items, tuple(owners))


def rows_to_answer(rows: Sequence[Mapping[str, Any]], kind: str = "scale") -> dict[str, Any]:
    """Stored rows of one submission back into the answer mapping of ``kind``."""
    return _KINDS[kind].to_answer(rows)


def clean_text(value: Any, *, max_chars: int, where: Mapping[str, Any]) -> str:
    """A participant's text, stripped; refused when empty, not text, or over ``max_chars``."""
    if not isinstance(value, str):
        raise InvalidAnswer("answer.text_type", **where)
    cleaned = value.strip()
    if not cleaned:
        raise InvalidAnswer("answer.text_empty", **where)
    if len(cleaned) > max_chars:
        raise InvalidAnswer("answer.text_too_long", max=max_chars, length=len(cleaned), **where)
    return cleaned


def whole_number(value: Any, lo: int, hi: int | None, *, where: Mapping[str, Any]) -> int:
    """An integer in ``lo..hi`` (``hi`` None: no upper bound); bools and floats are refused."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidAnswer("answer.number_type", value=repr(value)[:40], **where)
    if value < lo or (hi is not None and value > hi):
        raise InvalidAnswer("answer.number_range", value=value, min=lo,
                            max=hi if hi is not None else "-", **where)
    return value
