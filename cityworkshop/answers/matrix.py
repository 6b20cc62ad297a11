"""Matrix answers: ``{"positions": {item: {"x": int, "y": int}}}``, each within its axis.

An item left out is not placed; at least one item must be placed, with both coordinates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..content import Activity, Item
from ..errors import InvalidAnswer

FIELDS = ("positions",)


def validate(activity: Activity, answer: Mapping[str, Any], items: Sequence[Item],
             owners: Sequence[str]) -> list[dict[str, Any]]:
    from . import whole_number

    positions = answer.get("positions") or {}
    if not isinstance(positions, Mapping):
        raise InvalidAnswer("answer.not_mapping")
    assert activity.x_axis is not None and activity.y_axis is not None  # content checks it
    known = {it.id for it in items}
    rows: list[dict[str, Any]] = []
    for item_id, pos in positions.items():
        if item_id not in known:
            raise InvalidAnswer("answer.unknown_item", item=str(item_id))
        if pos is None:
            continue
        if not isinstance(pos, Mapping) or set(pos) != {"x", "y"}:
            raise InvalidAnswer("answer.matrix_both", item=item_id)
        for field, axis in (("x", activity.x_axis), ("y", activity.y_axis)):
            value = whole_number(pos[field], axis.min, axis.max,
                                 where={"item": item_id, "field": axis.label.get("en")})
            rows.append({"item_id": item_id, "field": field, "value_num": float(value),
                         "value_text": None})
    if not rows:
        raise InvalidAnswer("answer.empty")
    return rows


def to_answer(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    positions: dict[str, dict[str, int]] = {}
    for r in rows:
        positions.setdefault(r["item_id"], {})[r["field"]] = int(r["value_num"])
    return {"positions": positions}
