"""Where the participant page is served, as the notebooks' join card finds it.

A SQLite workshop has its page file beside the database (tests/test_facilitator.py and
test_presenter.py cover it); a PostgreSQL workshop keeps the address in the workshop itself,
renewed while ``serve`` runs, so that a JupyterLab on another machine (JupyterHub) shows it and
never shows the address of a server that is gone.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from cityworkshop.store import WorkshopStore
from cityworkshop.store.schema import meta_table
from cityworkshop.venue import PageAddress, find_page_address


def test_the_address_kept_in_the_workshop_is_shown_while_renewed(store: WorkshopStore) -> None:
    assert store.page_address() is None
    store.leave_page_address("https://training.example.org/tangsel_2026/")
    assert store.page_address() == ("https://training.example.org/tangsel_2026/", False)
    store.leave_page_address("http://127.0.0.1:8866/", local_only=True)  # renewed: one address
    assert store.page_address() == ("http://127.0.0.1:8866/", True)
    # not renewed for longer than PAGE_STALE_S: the server is gone
    old = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)).isoformat(timespec="seconds")
    with store._write() as conn:
        conn.execute(update(meta_table).where(meta_table.c.key == "page_seen").values(value=old))
    assert store.page_address() is None
    store.leave_page_address("http://10.0.0.5:8866/")
    store.forget_page_address()
    assert store.page_address() is None
    store.leave_page_address("http://10.0.0.5:8866/")
    with store._write() as conn:  # a damaged row is no address, never an error
        conn.execute(update(meta_table).where(meta_table.c.key == "page_seen").values(value="x"))
    assert store.page_address() is None


def test_the_join_card_finds_a_server_workshops_address_through_its_store(
        store: WorkshopStore) -> None:
    url = "postgresql+psycopg://trainer@db.agency.local/workshops?workshop=tangsel_2026"
    assert find_page_address(url, environ={}) is None  # no folder, no store: nothing to read
    store.leave_page_address("https://training.example.org/tangsel_2026/")
    assert find_page_address(url, environ={}, store=store) == PageAddress(
        "https://training.example.org/tangsel_2026/", False)
    # the environment set by 'up' still comes first
    env = {"CITYWORKSHOP_PAGE_URL": "http://192.168.1.23:8866/", "CITYWORKSHOP_PAGE_LOCAL": "0"}
    assert find_page_address(url, environ=env, store=store).url == "http://192.168.1.23:8866/"
