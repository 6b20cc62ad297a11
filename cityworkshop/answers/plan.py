"""Plan answers: re-exported from :mod:`cityworkshop.kinds.plan`, where the kind is declared."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..content import Item, PlanActivity
from ..kinds.plan import FIELDS, KIND, STEP_FIELDS, month_index, month_label, window

__all__ = ["FIELDS", "STEP_FIELDS", "month_index", "month_label", "to_answer", "validate",
           "window"]


def validate(activity: PlanActivity, answer: Mapping[str, Any], items: Sequence[Item],
             owners: Sequence[str]) -> list[dict[str, Any]]:
    return KIND.validate(activity, answer, items, owners)


def to_answer(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    return KIND.to_answer(rows)
