"""The points kind (dot voting): spread at most ``budget`` points over the items.

Answers: ``{"points": {item: int}}``. Points are whole numbers, never negative, at most
``max_per_item`` on one item, and at least one point must be given. The items may be another
activity's ideas (``items_from_activity``; the store passes them in).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from random import Random
from typing import Any, TypedDict

from ..content import Item, PointsActivity
from ..errors import InvalidAnswer
from ._base import Kind
from ._rules import Row, whole_number

__all__ = ["KIND", "Points", "PointsAnswer"]

FIELDS = ("points",)


class PointsAnswer(TypedDict, total=False):
    points: dict[str, int]


class Points(Kind):
    name = "points"
    model = PointsActivity
    answer = PointsAnswer
    analysis = "cityworkshop.analysis.points:summaries"
    charts = "cityworkshop.charts.points:figures"
    form = "cityworkshop.forms.points:PointsForm"
    report = "cityworkshop.report.kinds:points_section"
    sent = "cityworkshop.participant.summary:points_lines"
    example = {"budget": 5, "max_per_item": 3}

    def figure_names(self, activity: PointsActivity) -> tuple[str, ...]:
        return ("points",)

    def validate(self, activity: PointsActivity, answer: Mapping[str, Any],
                 items: Sequence[Item], owners: Sequence[str]) -> list[Row]:
        given = answer.get("points") or {}
        if not isinstance(given, Mapping):
            raise InvalidAnswer("answer.not_mapping")
        known = {it.id for it in items}
        rows: list[Row] = []
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

    def to_answer(self, rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        return {"points": {r["item_id"]: int(r["value_num"]) for r in rows}}

    def demo_answer(self, activity: PointsActivity, items: Sequence[Item],
                    owners: Sequence[str], rng: Random) -> dict[str, Any]:
        cap = min(activity.max_per_item or activity.budget, activity.budget)
        points: dict[str, int] = {}
        left = activity.budget
        for it in rng.sample(list(items), len(items)):
            if left <= 0:
                break
            n = rng.randint(1, min(cap, left))
            points[it.id] = n
            left -= n
        return {"points": points}


KIND = Points()
