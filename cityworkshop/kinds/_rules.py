"""What the rules of every kind share: text as the store keeps it, entry ids, whole numbers.

Kinds layer, private to :mod:`cityworkshop.kinds` (re-exported by :mod:`cityworkshop.answers`).
Every refusal is an :class:`~cityworkshop.errors.InvalidAnswer` with a catalogue key.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from ..errors import InvalidAnswer

__all__ = ["NEW_ENTRY", "Row", "clean_text", "entry_key", "entry_order", "normalize_name",
           "normalize_text", "whole_number"]

Row = dict[str, Any]
"""One stored answer row: ``item_id``, ``field``, ``value_num``, ``value_text``."""

# C0 and C1 control characters but tab and newline (and DEL): invisible, refused by spreadsheets
# and XML, and a way to garble a report. Carriage returns become newlines first.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_NEWLINES = re.compile("\r\n?")
# Bidi embeddings, overrides and isolates: legitimate inside a text, but in a one-line name
# they can make it read as someone else's (U+202E turns "Ayu" around).
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def normalize_text(value: str) -> str:
    """Text as the store keeps it: Unicode NFC, newlines as ``\\n``, and no C0/C1 control
    characters other than newline and tab. Every text that reaches the store passes here once.

    >>> normalize_text("Ide\\x00 baru\\r\\nkedua\\x1b")
    'Ide baru\\nkedua'
    """
    return _CONTROL.sub("", unicodedata.normalize("NFC", _NEWLINES.sub("\n", value)))


def normalize_name(value: Any) -> str:
    """A display name as the store keeps it: :func:`normalize_text`, without bidi controls,
    on one line with single spaces."""
    return " ".join(_BIDI_CONTROLS.sub("", normalize_text(str(value or ""))).split())


def clean_text(value: Any, *, max_chars: int, where: Mapping[str, Any]) -> str:
    """A participant's text, normalised (:func:`normalize_text`) and stripped; refused when
    empty, not text, or over ``max_chars``."""
    if not isinstance(value, str):
        raise InvalidAnswer("answer.text_type", **where)
    if len(value) > 4 * max_chars + 1000:  # no need to normalise a megabyte to refuse it
        raise InvalidAnswer("answer.text_too_long", max=max_chars, length=len(value), **where)
    cleaned = normalize_text(value).strip()
    if not cleaned:
        raise InvalidAnswer("answer.text_empty", **where)
    if len(cleaned) > max_chars:
        raise InvalidAnswer("answer.text_too_long", max=max_chars, length=len(cleaned), **where)
    return cleaned


# Items that participants create (an idea, a plan step) keep an id from the moment they are
# stored: votes and points refer to it, so deleting or reordering never moves them. An answer
# names the id of each entry it keeps; an entry without one is new, and the store gives it the
# next id of its author (``e07``, ``s03``), never one used before by them.
_ENTRY_ID = re.compile(r"[a-z][0-9]{2,6}")
NEW_ENTRY = "?"  # prefix of a row's item_id until the store gives the entry its id


def entry_key(entry: Mapping[str, Any], i: int, prefix: str, seen: set[str]) -> str:
    """The ``item_id`` of the ``i``-th entry's rows: its own stable id, or a placeholder that
    the store replaces by a new id (:data:`NEW_ENTRY`)."""
    given = entry.get("id")
    if given is None or given == "":
        return f"{NEW_ENTRY}{prefix}{i:03d}"
    if not isinstance(given, str) or not _ENTRY_ID.fullmatch(given) or given[0] != prefix:
        raise InvalidAnswer("answer.unknown_item", item=str(given)[:20])
    if given in seen:
        raise InvalidAnswer("answer.duplicate_entry", item=given)
    seen.add(given)
    return given


def entry_order(item_id: str) -> tuple[int, str]:
    """Sort key of stable entry ids: by number (``e100`` after ``e99``)."""
    digits = item_id[1:]
    return (int(digits), item_id) if digits.isdigit() else (10**9, item_id)


def whole_number(value: Any, lo: int, hi: int | None, *, where: Mapping[str, Any]) -> int:
    """An integer in ``lo..hi`` (``hi`` None: no upper bound); bools and floats are refused."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidAnswer("answer.number_type", value=repr(value)[:40], **where)
    if value < lo or (hi is not None and value > hi):
        raise InvalidAnswer("answer.number_range", value=value, min=lo,
                            max=hi if hi is not None else "-", **where)
    return value
