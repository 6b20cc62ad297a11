"""Where the participant page is served, kept in the workshop itself (store layer; a part of
WorkshopStore).

A SQLite workshop leaves the page's address in a small file beside the database
(:func:`cityworkshop.venue.write_page_file`). A PostgreSQL workshop has no folder of its own,
and its facilitator's JupyterLab may run on another machine (JupyterHub): ``serve`` leaves the
address in the workshop's ``meta`` rows instead and renews it every :data:`PAGE_RENEW_S`
seconds; an address not renewed for :data:`PAGE_STALE_S` seconds belongs to a server that is
gone (stopped with ``kill -9``, its machine off) and is not shown.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, insert, select

from ._base import StoreCore
from .schema import meta_table

__all__ = ["PAGE_RENEW_S", "PAGE_STALE_S", "PageAddressRows"]

#: ``serve`` renews the address this often (one small write; the pages' watchers see it)
PAGE_RENEW_S = 120.0
#: an address older than this is taken for a server that is gone
PAGE_STALE_S = 300.0
_KEYS = ("page_url", "page_local", "page_seen")


class PageAddressRows(StoreCore):
    """Page-address methods of :class:`~cityworkshop.store.WorkshopStore`."""

    def leave_page_address(self, url: str, local_only: bool = False) -> None:
        """Keep (or renew) the address phones open, for the notebooks' join card."""
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        with self._write() as conn:
            conn.execute(delete(meta_table).where(meta_table.c.key.in_(_KEYS)))
            conn.execute(insert(meta_table), [
                {"key": "page_url", "value": url},
                {"key": "page_local", "value": "1" if local_only else "0"},
                {"key": "page_seen", "value": now}])

    def forget_page_address(self) -> None:
        """The page server stopped: no address to show any more."""
        with self._write() as conn:
            conn.execute(delete(meta_table).where(meta_table.c.key.in_(_KEYS)))

    def page_address(self, *, max_age_s: float = PAGE_STALE_S) -> tuple[str, bool] | None:
        """``(url, local_only)`` of a page server that renewed its address within
        ``max_age_s`` seconds, else None."""
        with self._read() as conn:
            rows = dict(conn.execute(select(meta_table.c.key, meta_table.c.value)
                                     .where(meta_table.c.key.in_(_KEYS))).all())
        url, seen = rows.get("page_url"), rows.get("page_seen")
        if not url or not seen:
            return None
        try:
            age = (dt.datetime.now(dt.UTC) - dt.datetime.fromisoformat(seen)).total_seconds()
        except ValueError:
            return None
        if not -60 <= age <= max_age_s:  # stale, or from a clock far ahead
            return None
        return url, rows.get("page_local") == "1"
