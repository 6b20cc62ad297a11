"""The plan kind: add action steps (what, owner, start, end, KPI) per phase.

Answers: ``{"steps": [{"phase", "what", "owner", "start", "end", "kpi", "id"}]}``. Each step names
a phase of the process model (the activity's items), what is done, the unit that owns it (an OPD
of the city), a start and end month (``YYYY-MM``, within the plan's window, the end not before
the start) and a KPI. Every refusal names the step and the field. A step keeps a stable ``id``
(``s00``, ``s04`` ...) from the moment it is stored; a step sent without one is new.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from random import Random
from typing import Any, TypedDict

from ..content import Item, PlanActivity, Program
from ..errors import InvalidAnswer
from ._base import Kind
from ._rules import Row, clean_text, entry_key, entry_order

__all__ = ["KIND", "Plan", "PlanAnswer", "PlanStep", "STEP_FIELDS", "month_index",
           "month_label", "window"]

FIELDS = ("steps",)
STEP_FIELDS = ("phase", "what", "owner", "start", "end", "kpi")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class PlanStep(TypedDict, total=False):
    phase: str
    what: str
    owner: str
    start: str
    end: str
    kpi: str
    id: str


class PlanAnswer(TypedDict, total=False):
    steps: list[PlanStep]


def month_index(value: str) -> int:
    """``"2026-03"`` -> months since year 0 (for comparing and placing on a timeline)."""
    year, month = value.split("-")
    return int(year) * 12 + int(month) - 1


def month_label(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def window(activity: PlanActivity) -> tuple[str, str]:
    """First and last month a step may use."""
    first = month_index(activity.plan_start)
    return activity.plan_start, month_label(first + activity.plan_months - 1)


class Plan(Kind):
    name = "plan"
    model = PlanActivity
    answer = PlanAnswer
    labels_from = "phase"
    texts = ("steps", "what")
    analysis = "cityworkshop.analysis.plan:summaries"
    charts = "cityworkshop.charts.plan:figures"
    form = "cityworkshop.forms.plan:PlanForm"
    report = "cityworkshop.report.kinds:plan_section"
    sent = "cityworkshop.participant.summary:plan_lines"
    live = "cityworkshop.facilitator.results:StepsPart"

    def figure_names(self, activity: PlanActivity) -> tuple[str, ...]:
        return ("roadmap",)

    def comparable(self, activity: PlanActivity, program: Program) -> str | None:
        return "steps"

    def validate(self, activity: PlanActivity, answer: Mapping[str, Any],
                 items: Sequence[Item], owners: Sequence[str]) -> list[Row]:
        steps = answer.get("steps")
        if not isinstance(steps, Sequence) or isinstance(steps, str | bytes):
            raise InvalidAnswer("answer.not_mapping")
        if not steps:
            raise InvalidAnswer("answer.plan_empty")
        if len(steps) > activity.max_steps:
            raise InvalidAnswer("answer.too_many_entries", max=activity.max_steps, n=len(steps))
        phases = {it.id for it in items}
        first, last = window(activity)
        rows: list[Row] = []
        seen: set[str] = set()
        for i, step in enumerate(steps):
            n = i + 1
            if not isinstance(step, Mapping):
                raise InvalidAnswer("answer.not_mapping")
            extra = set(step) - set(STEP_FIELDS) - {"id"}
            if extra:
                raise InvalidAnswer("answer.unknown_field",
                                    field=", ".join(sorted(map(str, extra))))
            for field in STEP_FIELDS:
                if step.get(field) in (None, ""):
                    raise InvalidAnswer("answer.plan_missing", n=n, field=field)
            if not isinstance(step["phase"], str) or (phases and step["phase"] not in phases):
                raise InvalidAnswer("answer.plan_unknown", n=n, field="phase",
                                    value=str(step["phase"])[:40])
            if not isinstance(step["owner"], str) or step["owner"] not in owners:
                raise InvalidAnswer("answer.plan_unknown", n=n, field="owner",
                                    value=str(step["owner"])[:40])
            for field in ("start", "end"):
                value = step[field]
                if not isinstance(value, str) or not _MONTH.match(value):
                    raise InvalidAnswer("answer.plan_month", n=n, field=field,
                                        value=str(value)[:20])
                if not first <= value <= last:
                    raise InvalidAnswer("answer.plan_window", n=n, field=field, value=value,
                                        first=first, last=last)
            if step["end"] < step["start"]:
                raise InvalidAnswer("answer.plan_end_before_start", n=n, start=step["start"],
                                    end=step["end"])
            key = entry_key(step, i, "s", seen)
            values = {
                "phase": step["phase"],
                "what": clean_text(step["what"], max_chars=activity.max_chars, where={"n": n}),
                "owner": step["owner"],
                "start": step["start"],
                "end": step["end"],
                "kpi": clean_text(step["kpi"], max_chars=activity.max_chars, where={"n": n}),
            }
            rows += [{"item_id": key, "field": f, "value_num": None, "value_text": v}
                     for f, v in values.items()]
        return rows

    def to_answer(self, rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        steps: dict[str, dict[str, Any]] = {}
        for r in rows:
            steps.setdefault(r["item_id"], {"id": r["item_id"]})[r["field"]] = r["value_text"]
        return {"steps": [steps[k] for k in sorted(steps, key=entry_order)]}

    def demo_answer(self, activity: PlanActivity, items: Sequence[Item],
                    owners: Sequence[str], rng: Random) -> dict[str, Any]:
        first = month_index(activity.plan_start)
        steps = []
        for n, it in enumerate(list(items)[:activity.max_steps]):
            start = first + min(rng.randint(0, 3) + 3 * n, activity.plan_months - 1)
            end = min(start + rng.randint(0, 5), first + activity.plan_months - 1)
            steps.append({"phase": it.id, "what": f"Langkah contoh {n + 1}",
                          "owner": rng.choice(list(owners)) if owners else "",
                          "start": month_label(start), "end": month_label(end),
                          "kpi": f"KPI contoh {n + 1}"})
        return {"steps": steps}


KIND = Plan()
