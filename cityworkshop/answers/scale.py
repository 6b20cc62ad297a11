"""Scale answers: ``{"scores": {item: {dimension: int}}, "reasons": {item: str}}``.

A score of None means "skipped"; at least one score is needed. Reasons are optional or required
per activity and at most ``reason_max_chars`` long.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..content import Activity, Item
from ..errors import InvalidAnswer

FIELDS = ("scores", "reasons")


def validate(activity: Activity, answer: Mapping[str, Any], items: Sequence[Item],
             owners: Sequence[str]) -> list[dict[str, Any]]:
    scores = answer.get("scores") or {}
    reasons = answer.get("reasons") or {}
    if not isinstance(scores, Mapping) or not isinstance(reasons, Mapping):
        raise InvalidAnswer("answer.not_mapping")
    known = {it.id for it in items}
    dims = {d.id for d in activity.dimensions}
    rows: list[dict[str, Any]] = []
    for item_id, values in scores.items():
        if item_id not in known:
            raise InvalidAnswer("answer.unknown_item", item=str(item_id))
        if not isinstance(values, Mapping):
            raise InvalidAnswer("answer.not_mapping")
        for dim, value in values.items():
            if dim not in dims:
                raise InvalidAnswer("answer.unknown_dimension", item=item_id, dimension=str(dim))
            if value is None:
                continue  # skipped
            if isinstance(value, bool) or not isinstance(value, int):
                raise InvalidAnswer("answer.score_type", item=item_id, dimension=dim,
                                    value=repr(value)[:40])
            if not activity.scale_min <= value <= activity.scale_max:
                raise InvalidAnswer("answer.score_range", item=item_id, dimension=dim, value=value,
                                    min=activity.scale_min, max=activity.scale_max)
            rows.append({"item_id": item_id, "field": dim, "value_num": float(value),
                         "value_text": None})
    for item_id, reason in reasons.items():
        if item_id not in known:
            raise InvalidAnswer("answer.unknown_item", item=str(item_id))
        if reason is None:
            continue
        if not isinstance(reason, str):
            raise InvalidAnswer("answer.reason_type", item=item_id)
        if activity.reason == "none":
            raise InvalidAnswer("answer.reason_not_asked")
        text = reason.strip()
        if len(text) > activity.reason_max_chars:
            raise InvalidAnswer("answer.reason_too_long", item=item_id,
                                max=activity.reason_max_chars, length=len(text))
        if text:
            rows.append({"item_id": item_id, "field": "reason", "value_num": None,
                         "value_text": text})
    if not any(r["value_num"] is not None for r in rows):
        raise InvalidAnswer("answer.empty")
    if activity.reason == "required":
        scored = {r["item_id"] for r in rows if r["value_num"] is not None}
        reasoned = {r["item_id"] for r in rows if r["field"] == "reason"}
        missing = sorted(scored - reasoned)
        if missing:
            raise InvalidAnswer("answer.reason_required", item=missing[0])
    return rows


def to_answer(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    scores: dict[str, dict[str, int]] = {}
    reasons: dict[str, str] = {}
    for r in rows:
        if r["field"] == "reason":
            reasons[r["item_id"]] = r["value_text"]
        elif r["value_num"] is not None:
            scores.setdefault(r["item_id"], {})[r["field"]] = int(r["value_num"])
    return {"scores": scores, "reasons": reasons}
