"""The figures of a questions activity: none (the board lists the questions by votes).

Charts layer: the entry point of the questions kind, so that every kind has one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["figures"]


def figures(activity: Any, summaries: Mapping[str, Any], lang: str = "id", *,
            demo: bool = False, projector: bool = True) -> dict[str, Any]:
    """No figures: the questions are shown as a list (facilitator) and a table (report)."""
    return {}
