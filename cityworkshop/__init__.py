"""cityworkshop: run a city-branding leadership workshop from Jupyter, offline.

The public API is small; heavy modules (charts, widgets) are imported only when asked for, so
that ``import cityworkshop`` stays fast on a participant's kernel.
"""

from __future__ import annotations

from .errors import (
    ActivityClosed,
    CityWorkshopError,
    ContentError,
    InvalidAnswer,
    NotFound,
    StoreError,
)

__version__ = "0.1.0"

__all__ = [
    "ActivityClosed",
    "CityWorkshopError",
    "ContentError",
    "InvalidAnswer",
    "NotFound",
    "StoreError",
    "__version__",
]
