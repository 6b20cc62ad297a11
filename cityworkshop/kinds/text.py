"""The text kind: write a short answer, a definition, or a group's ideas.

Answers: ``{"entries": [{"text": str, "item": str | None, "id": str}]}``: up to ``max_entries``
entries, each non-empty and at most ``max_chars`` long, linked to one of the activity's items
when ``link_items`` asks for it. Each entry keeps a stable ``id`` (``e00``, ``e07`` ...): an entry
sent without one is new and gets its id from the store; points given to an idea follow that id,
whatever is deleted around it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from random import Random
from typing import Any, TypedDict

from ..content import Item, Program, TextActivity
from ..errors import InvalidAnswer
from ._base import Kind
from ._rules import Row, clean_text, entry_key, entry_order

__all__ = ["KIND", "Text", "TextAnswer", "TextEntry"]

FIELDS = ("entries",)


class TextEntry(TypedDict, total=False):
    """One written entry; ``blank`` marks an empty field of the form (left out)."""

    text: str
    item: str | None
    id: str
    blank: bool


class TextAnswer(TypedDict, total=False):
    entries: list[TextEntry]


class Text(Kind):
    name = "text"
    model = TextActivity
    answer = TextAnswer
    texts = ("entries", "text")
    analysis = "cityworkshop.analysis.text:summaries"
    charts = "cityworkshop.charts.text:figures"
    form = "cityworkshop.forms.text:TextForm"
    report = "cityworkshop.report.kinds:text_section"
    sent = "cityworkshop.participant.summary:text_lines"
    live = "cityworkshop.facilitator.wall:WallPart"
    example = {"max_entries": 3, "link_items": "optional"}

    def figure_names(self, activity: TextActivity) -> tuple[str, ...]:
        return ("words",)

    def comparable(self, activity: TextActivity, program: Program) -> str | None:
        """The groups' ideas (a group's texts, or texts a points activity votes on) come back
        next year; a peer's feedback or one person's reflection does not compare."""
        voted = any(a.items_from_activity == activity.id for a in program.activities)
        if not activity.peer and (activity.scope == "group" or voted):
            return "ideas"
        return None

    def validate(self, activity: TextActivity, answer: Mapping[str, Any],
                 items: Sequence[Item], owners: Sequence[str]) -> list[Row]:
        entries = answer.get("entries")
        if not isinstance(entries, Sequence) or isinstance(entries, str | bytes):
            raise InvalidAnswer("answer.not_mapping")
        entries = [e for e in entries if not (isinstance(e, Mapping) and e.get("blank"))]
        if not entries:
            raise InvalidAnswer("answer.text_empty", n=1)
        if len(entries) > activity.max_entries:
            raise InvalidAnswer("answer.too_many_entries", max=activity.max_entries,
                                n=len(entries))
        known = {it.id for it in items}
        rows: list[Row] = []
        seen: set[str] = set()
        for i, entry in enumerate(entries):
            if not isinstance(entry, Mapping):
                raise InvalidAnswer("answer.not_mapping")
            extra = set(entry) - {"text", "item", "id", "blank"}
            if extra:
                raise InvalidAnswer("answer.unknown_field",
                                    field=", ".join(sorted(map(str, extra)))[:60])
            where = {"n": i + 1}
            body = clean_text(entry.get("text"), max_chars=activity.max_chars, where=where)
            key = entry_key(entry, i, "e", seen)
            rows.append({"item_id": key, "field": "text", "value_num": None, "value_text": body})
            item = entry.get("item")
            if activity.link_items == "none":
                if item is not None:
                    raise InvalidAnswer("answer.unknown_field", field="item")
                continue
            if item is None or item == "":
                if activity.link_items == "required":
                    raise InvalidAnswer("answer.item_required", n=i + 1)
                continue
            if not isinstance(item, str) or item not in known:
                raise InvalidAnswer("answer.unknown_item", item=str(item)[:40])
            rows.append({"item_id": key, "field": "item", "value_num": None, "value_text": item})
        return rows

    def to_answer(self, rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        entries: dict[str, dict[str, Any]] = {}
        for r in rows:
            entry = entries.setdefault(r["item_id"], {"text": "", "item": None,
                                                      "id": r["item_id"]})
            entry[r["field"]] = r["value_text"]
        return {"entries": [entries[k] for k in sorted(entries, key=entry_order)]}

    def demo_answer(self, activity: TextActivity, items: Sequence[Item],
                    owners: Sequence[str], rng: Random) -> dict[str, Any]:
        n = rng.randint(1, min(3, activity.max_entries))
        entries: list[dict[str, Any]] = []
        for k in range(n):
            entry: dict[str, Any] = {"text": f"Jawaban contoh {k + 1}"[:activity.max_chars]}
            if activity.link_items != "none" and items:
                entry["item"] = rng.choice(items).id
            entries.append(entry)
        return {"entries": entries}


KIND = Text()
