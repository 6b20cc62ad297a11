"""The city's clock: stored UTC times in the workshop city's time zone, and "10:05 WIB".

Top layer: no import of cityworkshop. The store keeps every time in UTC (ISO text); the phone,
the facilitator's blocks, the report and the export show them in the city's zone
(``City.timezone``, e.g. ``Asia/Jakarta``) with its label (``City.timezone_label``, ``WIB``)
through these two functions.

>>> when = to_zone("2026-11-29T03:05:00+00:00", "Asia/Jakarta")
>>> clock(when, "WIB"), clock(when, "WIB", seconds=True)
('10:05 WIB', '10:05:00 WIB')
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

__all__ = ["clock", "to_zone"]


def to_zone(when: str | dt.datetime | None, zone: str | dt.tzinfo) -> dt.datetime:
    """``when`` in ``zone`` (an aware datetime).

    Parameters
    ----------
    when
        A stored time: ISO text or a datetime, UTC when it has no offset; None is now.
    zone
        The city's zone: its name (``"Asia/Jakarta"``) or a ``tzinfo``.
    """
    tz = ZoneInfo(zone) if isinstance(zone, str) else zone
    if when is None:
        return dt.datetime.now(tz)
    if isinstance(when, str):
        when = dt.datetime.fromisoformat(when)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(tz)


def clock(when: dt.datetime, label: str, *, seconds: bool = False) -> str:
    """``"09:41 WIB"``: the time of ``when`` as it is (convert with :func:`to_zone` first) and
    the zone's label; ``"09:41:05 WIB"`` with ``seconds``."""
    return f"{when:%H:%M:%S} {label}" if seconds else f"{when:%H:%M} {label}"
