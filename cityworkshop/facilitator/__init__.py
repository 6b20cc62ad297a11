"""The facilitator's building blocks for the guided notebooks: material, control panel, live
results and the day's overview.

The pages layer: composes the store, :mod:`cityworkshop.analysis` and :mod:`cityworkshop.charts`
into ipywidgets that a notebook shows with one short call each. Statistics come from the analysis
layer; these widgets only count who answered and lay things out, large enough for a projector.
Answers are shown by group, never with participant names. All text is HTML-escaped.

>>> material(store.pack, "disruptive-scoring")  # doctest: +SKIP
>>> ControlPanel(store, "disruptive-scoring")  # doctest: +SKIP
>>> LiveResults(store, "disruptive-scoring")  # doctest: +SKIP
>>> agenda_timeline(store)  # doctest: +SKIP
>>> JoinCard(store)  # the link, QR code and group codes  # doctest: +SKIP
>>> narrative(store, "thanks")  # the notebook's city-specific text, from the pack  # doctest: +SKIP
"""

from __future__ import annotations

from .join import JoinCard
from .material import material
from .narrative import narrative, session_intro
from .overview import agenda, agenda_timeline, group_codes, who_answered
from .panel import ControlPanel, activity_progress
from .questions import QuestionList
from .results import LiveResults
from .wall import AnswerWall

__all__ = [
    "AnswerWall",
    "ControlPanel",
    "JoinCard",
    "LiveResults",
    "QuestionList",
    "activity_progress",
    "agenda",
    "agenda_timeline",
    "group_codes",
    "material",
    "narrative",
    "session_intro",
    "who_answered",
]
