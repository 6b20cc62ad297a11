"""Scale answers: re-exported from :mod:`cityworkshop.kinds.scale`, where the kind is declared."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..content import Item, ScaleActivity
from ..kinds.scale import FIELDS, KIND

__all__ = ["FIELDS", "to_answer", "validate"]


def validate(activity: ScaleActivity, answer: Mapping[str, Any], items: Sequence[Item],
             owners: Sequence[str]) -> list[dict[str, Any]]:
    return KIND.validate(activity, answer, items, owners)


def to_answer(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    return KIND.to_answer(rows)
