"""What each activity kind accepts: the answer rules, kept for the names they had here.

The rules now live with each kind's declaration in :mod:`cityworkshop.kinds`
(``kind_of(activity).check(...)``); this package re-exports them under their earlier names:
:func:`validate_answer` checks an answer against its activity and returns the rows the store
writes (``item_id``, ``field``, ``value_num``, ``value_text``); :func:`rows_to_answer` turns
stored rows back into the mapping. Every refusal is an
:class:`~cityworkshop.errors.InvalidAnswer` with a catalogue key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..content import Activity, Item
from ..errors import InvalidAnswer
from ..kinds import kind_of
from ..kinds._rules import (
    NEW_ENTRY,
    Row,
    clean_text,
    entry_key,
    entry_order,
    normalize_name,
    normalize_text,
    whole_number,
)

__all__ = ["Row", "validate_answer", "rows_to_answer", "normalize_text", "normalize_name",
           "clean_text", "entry_key", "entry_order", "whole_number", "NEW_ENTRY"]


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
        for a scale; see each kind's module in :mod:`cityworkshop.kinds`.
    items
        The items to answer about when they are not fixed in the content pack (a points
        activity over another activity's ideas); default ``activity.items``.
    owners
        Ids of the units that may own a plan step (the city's OPDs).

    Raises
    ------
    InvalidAnswer
        Naming the item, field and value, with a catalogue key for the participant's language;
        ``answer.kind_unsupported`` for a kind whose answers are not sent as one (questions).
    """
    if not isinstance(answer, Mapping):
        raise InvalidAnswer("answer.not_mapping")
    try:
        kind = kind_of(activity)
    except ValueError:
        raise InvalidAnswer("answer.kind_unsupported", kind=activity.kind) from None
    if kind.board:
        raise InvalidAnswer("answer.kind_unsupported", kind=activity.kind)
    return kind.check(activity, answer, items=items, owners=owners)


def rows_to_answer(rows: Sequence[Mapping[str, Any]], kind: str = "scale") -> dict[str, Any]:
    """Stored rows of one submission back into the answer mapping of ``kind``."""
    return kind_of(kind).to_answer(rows)
