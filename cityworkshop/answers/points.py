"""Points answers: ``{"points": {item: int}}``: spread at most ``budget`` points over items.

Points are whole numbers, never negative, at most ``max_per_item`` on one item, and at least one
point must be given. Items may be another activity's ideas (passed in by the store).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..content import Activity, Item
from ..errors import InvalidAnswer

FIELDS = ("points",)


def validate(activity: Activity, answer: Mapping[str, Any], items: Sequence[Item],
             owners: Sequence[str]) -> list[dict[str, Any]]:
    from . import whole_number

    given = answer.get("points") or {}
    if not isinstance(given, Mapping):
        raise InvalidAnswer("answer.not_mapping")
    assert activity.budget is not None  # content checks it
    known = {it.id for it in items}
    rows: list[dict[str, Any]] = []
    total = 0
    for item_id, value in given.items():
        if item_id not in known:
            raise InvalidAnswer("answer.unknown_item", item=str(item_id))
        if isinstance(value, int) and not isinstance(value, bool) and value < 0:
            raise InvalidAnswer("answer.points_negative", item=item_id, value=value)
        n = whole_number(value, 0, activity.max_per_item or activity.budget,
                         where={"item": item_id, "field": "points"})
        total += n
        if n:
            rows.append({"item_id": item_id, "field": "points", "value_num": float(n),
                         "value_text": None})
    if total > activity.budget:
        raise InvalidAnswer("answer.points_over_budget", total=total, budget=activity.budget)
    if total == 0:
        raise InvalidAnswer("answer.points_none", budget=activity.budget)
    return rows


def to_answer(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    return {"points": {r["item_id"]: int(r["value_num"]) for r in rows}}
