"""Text answers: ``{"entries": [{"text": str, "item": str | None, "id": str}]}``.

Up to ``max_entries`` entries (one definition, a group's ideas ...), each non-empty and at most
``max_chars`` long, linked to one of the activity's items when ``link_items`` asks for it. Each
entry keeps a stable ``id`` (``e00``, ``e07`` ...): an entry sent without one is new and gets
its id from the store; points given to an idea follow that id, whatever is deleted around it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..content import Activity, Item
from ..errors import InvalidAnswer

FIELDS = ("entries",)


def validate(activity: Activity, answer: Mapping[str, Any], items: Sequence[Item],
             owners: Sequence[str]) -> list[dict[str, Any]]:
    from . import clean_text, entry_key

    entries = answer.get("entries")
    if not isinstance(entries, Sequence) or isinstance(entries, str | bytes):
        raise InvalidAnswer("answer.not_mapping")
    entries = [e for e in entries if not (isinstance(e, Mapping) and e.get("blank"))]
    if not entries:
        raise InvalidAnswer("answer.text_empty", n=1)
    if len(entries) > activity.max_entries:
        raise InvalidAnswer("answer.too_many_entries", max=activity.max_entries, n=len(entries))
    known = {it.id for it in items}
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        if not isinstance(entry, Mapping):
            raise InvalidAnswer("answer.not_mapping")
        extra = set(entry) - {"text", "item", "id", "blank"}
        if extra:
            raise InvalidAnswer("answer.unknown_field", field=", ".join(sorted(map(str, extra)))[:60])
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


def to_answer(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    from . import entry_order

    entries: dict[str, dict[str, Any]] = {}
    for r in rows:
        entry = entries.setdefault(r["item_id"], {"text": "", "item": None, "id": r["item_id"]})
        entry[r["field"]] = r["value_text"]
    return {"entries": [entries[k] for k in sorted(entries, key=entry_order)]}
