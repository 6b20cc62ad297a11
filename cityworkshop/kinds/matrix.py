"""The matrix kind: place each item on two axes (e.g. impact x urgency).

Answers: ``{"positions": {item: {"x": int, "y": int}}}``, each within its axis. An item left out
is not placed; at least one item must be placed, with both coordinates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from random import Random
from typing import Any, TypedDict

from ..content import Item, MatrixActivity
from ..errors import InvalidAnswer
from ._base import Kind
from ._rules import Row, whole_number

__all__ = ["KIND", "Matrix", "MatrixAnswer", "Position"]

FIELDS = ("positions",)


class Position(TypedDict):
    x: int
    y: int


class MatrixAnswer(TypedDict, total=False):
    positions: dict[str, Position]


class Matrix(Kind):
    name = "matrix"
    model = MatrixActivity
    answer = MatrixAnswer
    analysis = "cityworkshop.analysis.matrix:summaries"
    charts = "cityworkshop.charts.matrix:figures"
    form = "cityworkshop.forms.matrix:MatrixForm"
    report = "cityworkshop.report.kinds:matrix_section"
    sent = "cityworkshop.participant.summary:matrix_lines"
    example = {"x_axis": {"label": {"id": "Dampak", "en": "Impact"}},
               "y_axis": {"label": {"id": "Urgensi", "en": "Urgency"}},
               "quadrants": [{"id": q, "en": q} for q in ("A", "B", "C", "D")]}

    def figure_names(self, activity: MatrixActivity) -> tuple[str, ...]:
        return ("matrix",)

    def validate(self, activity: MatrixActivity, answer: Mapping[str, Any],
                 items: Sequence[Item], owners: Sequence[str]) -> list[Row]:
        positions = answer.get("positions") or {}
        if not isinstance(positions, Mapping):
            raise InvalidAnswer("answer.not_mapping")
        known = {it.id for it in items}
        rows: list[Row] = []
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

    def to_answer(self, rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        positions: dict[str, dict[str, int]] = {}
        for r in rows:
            positions.setdefault(r["item_id"], {})[r["field"]] = int(r["value_num"])
        return {"positions": positions}

    def demo_answer(self, activity: MatrixActivity, items: Sequence[Item],
                    owners: Sequence[str], rng: Random) -> dict[str, Any]:
        x, y = activity.x_axis, activity.y_axis
        return {"positions": {it.id: {"x": rng.randint(x.min, x.max),
                                      "y": rng.randint(y.min, y.max)} for it in items}}


KIND = Matrix()
