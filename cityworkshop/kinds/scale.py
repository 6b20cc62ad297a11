"""The scale kind: rate each item on each dimension (e.g. now and target), with a reason.

Answers: ``{"scores": {item: {dimension: int | None}}, "reasons": {item: str}}``. A score of None
means "skipped"; at least one score is needed. Reasons are optional or required per activity and
at most ``reason_max_chars`` long. A peer rating (``about: groups``) is a scale whose subject
names the rated group: it draws one chart per presenting group instead of the room's radar.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from random import Random
from typing import Any, TypedDict

from ..content import Item, Program, ScaleActivity
from ..errors import InvalidAnswer
from ._base import Kind
from ._rules import Row

__all__ = ["KIND", "ScaleAnswer", "Scale"]

FIELDS = ("scores", "reasons")


class ScaleAnswer(TypedDict, total=False):
    """A scale answer: scores per item and dimension (None: skipped), reasons per item."""

    scores: dict[str, dict[str, int | None]]
    reasons: dict[str, str]


class Scale(Kind):
    name = "scale"
    model = ScaleActivity
    answer = ScaleAnswer
    analysis = "cityworkshop.analysis.scale:summaries"
    charts = "cityworkshop.charts.scale:figures"
    form = "cityworkshop.forms.scale:ScaleForm"
    report = "cityworkshop.report.kinds:scale_section"
    sent = "cityworkshop.participant.summary:scale_lines"
    live = "cityworkshop.facilitator.results:ReasonsPart"
    example = {"dimensions": [{"id": "now", "label": {"id": "Sekarang", "en": "Now"}},
                              {"id": "target", "label": {"id": "Target", "en": "Target"}}]}

    def figure_names(self, activity: ScaleActivity) -> tuple[str, ...]:
        """Peer ratings: ``peer``; two dimensions or more: ``radar``, ``heatmap``, ``gaps``
        (the first dimension against the last); one: ``bars``. The one place this is decided."""
        if activity.peer:
            return ("peer",)
        return ("radar", "heatmap", "gaps") if len(activity.dimensions) >= 2 else ("bars",)

    def comparable(self, activity: ScaleActivity, program: Program) -> str | None:
        return "scores"

    def validate(self, activity: ScaleActivity, answer: Mapping[str, Any],
                 items: Sequence[Item], owners: Sequence[str]) -> list[Row]:
        scores = answer.get("scores") or {}
        reasons = answer.get("reasons") or {}
        if not isinstance(scores, Mapping) or not isinstance(reasons, Mapping):
            raise InvalidAnswer("answer.not_mapping")
        known = {it.id for it in items}
        dims = {d.id for d in activity.dimensions}
        rows: list[Row] = []
        for item_id, values in scores.items():
            if item_id not in known:
                raise InvalidAnswer("answer.unknown_item", item=str(item_id))
            if not isinstance(values, Mapping):
                raise InvalidAnswer("answer.not_mapping")
            for dim, value in values.items():
                if dim not in dims:
                    raise InvalidAnswer("answer.unknown_dimension", item=item_id,
                                        dimension=str(dim))
                if value is None:
                    continue  # skipped
                if isinstance(value, bool) or not isinstance(value, int):
                    raise InvalidAnswer("answer.score_type", item=item_id, dimension=dim,
                                        value=repr(value)[:40])
                if not activity.scale_min <= value <= activity.scale_max:
                    raise InvalidAnswer("answer.score_range", item=item_id, dimension=dim,
                                        value=value, min=activity.scale_min,
                                        max=activity.scale_max)
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

    def to_answer(self, rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        scores: dict[str, dict[str, int]] = {}
        reasons: dict[str, str] = {}
        for r in rows:
            if r["field"] == "reason":
                reasons[r["item_id"]] = r["value_text"]
            elif r["value_num"] is not None:
                scores.setdefault(r["item_id"], {})[r["field"]] = int(r["value_num"])
        return {"scores": scores, "reasons": reasons}

    def demo_answer(self, activity: ScaleActivity, items: Sequence[Item],
                    owners: Sequence[str], rng: Random) -> dict[str, Any]:
        lo, hi = activity.scale_min, activity.scale_max
        scores = {it.id: {d.id: rng.randint(lo, hi) for d in activity.dimensions} for it in items}
        reasons = ({it.id: f"Alasan contoh {n}" for n, it in enumerate(items, start=1)}
                   if activity.reason == "required" else {})
        return {"scores": scores, "reasons": reasons}


KIND = Scale()
