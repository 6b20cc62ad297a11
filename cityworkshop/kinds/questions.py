"""The questions kind: ask the speaker questions and vote others' questions up.

A shared board, not an answer per subject: each question and vote is stored as it is made, in
tables of its own (``WorkshopStore.ask``, ``vote``), so that the room sees them arrive. Its
"answer" is one question: ``{"text": str}``, at most ``max_chars`` long.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from random import Random
from typing import Any, TypedDict

from ..content import Item, QuestionsActivity
from ._base import ActivityData, Kind
from ._rules import Row, clean_text

__all__ = ["KIND", "Question", "Questions"]

FIELDS = ("text",)


class Question(TypedDict):
    text: str


class Questions(Kind):
    name = "questions"
    model = QuestionsActivity
    answer = Question
    board = True
    analysis = "cityworkshop.analysis.questions:summaries"
    charts = "cityworkshop.charts.questions:figures"
    form = "cityworkshop.forms.questions:QuestionsBoard"
    report = "cityworkshop.report.kinds:questions_section"
    sent = "cityworkshop.participant.summary:question_lines"
    live = "cityworkshop.facilitator.questions:QuestionsPart"

    def validate(self, activity: QuestionsActivity, answer: Mapping[str, Any],
                 items: Sequence[Item], owners: Sequence[str]) -> list[Row]:
        body = clean_text(answer.get("text"), max_chars=activity.max_chars, where={"n": 1})
        return [{"item_id": "q", "field": "text", "value_num": None, "value_text": body}]

    def to_answer(self, rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        return {"text": next((r["value_text"] for r in rows if r["field"] == "text"), "")}

    def demo_answer(self, activity: QuestionsActivity, items: Sequence[Item],
                    owners: Sequence[str], rng: Random) -> dict[str, Any]:
        return {"text": f"Pertanyaan contoh {rng.randint(1, 99)}?"[:activity.max_chars]}

    def signature(self, data: ActivityData) -> tuple[Any, ...]:
        votes = tuple((r["question_id"], r["votes"], r["answered_at"]) for r in data.rows)
        return votes, data.pinned, data.synthesis


KIND = Questions()
