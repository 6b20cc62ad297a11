"""The workshop database's tables and their migrations (store layer).

Schema 1: workshop meta, groups, participants, append-only submissions and answers, activity
state, events. Schema 2 adds what the whole day needs: the group a peer rating is about,
revealed results and a countdown per activity, questions with votes, and facilitator notes
(pinned answers, the room's synthesis). Schema 3 adds a device token per participant (rejoining
without a name). Schema 4 adds a personal code per participant (their seat from another device;
a name alone no longer rejoins). Schema 5 keeps each participant's unsent edit per activity
(a draft survives a reload). Schema 6 keeps a copy of the content pack the workshop was made
with (``content_pack``): every later command reads the program, city and frameworks from it.
``MIGRATIONS`` brings an older file up to date in place.

The version is the ``schema_version`` row of ``meta`` (not SQLite's ``PRAGMA user_version``),
and every migration is written for both SQLite and PostgreSQL: a workshop on a server is
migrated the same way, in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Connection

SCHEMA_VERSION = 6

metadata = MetaData()

meta_table = Table(
    "meta",
    metadata,
    Column("key", String, primary_key=True),
    Column("value", Text, nullable=False),
)
groups_table = Table(
    "groups",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", Integer, nullable=False, unique=True),
    Column("name", String, nullable=False),
    Column("code", String, nullable=False, unique=True),
)
participants_table = Table(
    "participants",
    metadata,
    Column("id", String, primary_key=True),
    Column("group_id", Integer, ForeignKey("groups.id"), nullable=False, index=True),
    Column("name", String, nullable=True),
    Column("name_key", String, nullable=True, index=True),
    Column("joined_at", String, nullable=False),
    # schema 3: a random token the participant's browser keeps, so a phone that joined without
    # a name finds its own answers again after a reload
    Column("device_key", String, nullable=True, index=True),
    # schema 4: the personal code that lets a participant take their seat from another device
    Column("seat_code", String, nullable=True, unique=True),
)
submissions_table = Table(
    "submissions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("activity_id", String, nullable=False),
    Column("subject", String, nullable=False),
    Column("group_id", Integer, ForeignKey("groups.id"), nullable=False),
    Column("participant_id", String, ForeignKey("participants.id"), nullable=False),
    Column("created_at", String, nullable=False),
    Column("about_group_id", Integer, ForeignKey("groups.id"), nullable=True),  # schema 2
)
answers_table = Table(
    "answers",
    metadata,
    Column("submission_id", Integer, ForeignKey("submissions.id"), primary_key=True),
    Column("item_id", String, primary_key=True),
    Column("field", String, primary_key=True),
    Column("value_num", Float, nullable=True),
    Column("value_text", Text, nullable=True),
)
activity_state_table = Table(
    "activity_state",
    metadata,
    Column("activity_id", String, primary_key=True),
    Column("is_open", Boolean, nullable=False, default=False),
    Column("opened_at", String, nullable=True),
    Column("closed_at", String, nullable=True),
    Column("revealed", Boolean, nullable=False, default=True),  # schema 2
    Column("timer_ends_at", String, nullable=True),  # schema 2
)
events_table = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String, nullable=False),
    Column("action", String, nullable=False),
    Column("activity_id", String, nullable=True),
)

# Index on (activity_id, subject, id) makes "latest row per subject" a cheap lookup.
Index("ix_submissions_latest", submissions_table.c.activity_id, submissions_table.c.subject,
      submissions_table.c.id)



questions_table = Table(  # schema 2
    "questions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("activity_id", String, nullable=False, index=True),
    Column("participant_id", String, ForeignKey("participants.id"), nullable=False),
    Column("group_id", Integer, ForeignKey("groups.id"), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", String, nullable=False),
    Column("answered_at", String, nullable=True),
)
votes_table = Table(  # schema 2
    "votes",
    metadata,
    Column("question_id", Integer, ForeignKey("questions.id"), primary_key=True),
    Column("participant_id", String, ForeignKey("participants.id"), primary_key=True),
    Column("created_at", String, nullable=False),
)
notes_table = Table(  # schema 2: facilitator notes per activity, append-only like answers
    "notes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("activity_id", String, nullable=False, index=True),
    Column("kind", String, nullable=False),  # "synthesis" | "pin" | "unpin"
    Column("value", Text, nullable=False),
    Column("created_at", String, nullable=False),
    UniqueConstraint("id"),
)


drafts_table = Table(  # schema 5: a participant's unsent edit, one per activity (and rated group)
    "drafts",
    metadata,
    Column("participant_id", String, ForeignKey("participants.id"), primary_key=True),
    Column("activity_id", String, primary_key=True),
    Column("about_group_id", Integer, primary_key=True),  # 0: not a peer answer
    Column("value", Text, nullable=False),  # JSON of the form's value
    Column("updated_at", String, nullable=False),
)


content_pack_table = Table(  # schema 6: the content the workshop was made with (packs.py)
    "content_pack",
    metadata,
    Column("id", Integer, primary_key=True),  # 1: one copy per workshop
    Column("format", Integer, nullable=False),
    Column("program_id", String, nullable=False),
    Column("source", Text, nullable=False),  # the pack folder it was copied from, for messages
    Column("saved_at", String, nullable=False),
    Column("snapshot", Text, nullable=False),  # JSON: program, city, frameworks
)


def save_pack_copy(conn: Connection, pack: object, source: str) -> None:
    """Keep ``pack`` (a :class:`~cityworkshop.content.ContentPack`) as the workshop's copy."""
    import datetime as dt

    from ..packs import SNAPSHOT_FORMAT, pack_snapshot

    conn.execute(content_pack_table.insert().values(
        id=1, format=SNAPSHOT_FORMAT, program_id=pack.program.id,  # type: ignore[attr-defined]
        source=source, saved_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        snapshot=pack_snapshot(pack)))  # type: ignore[arg-type]


def _v1_to_v2(conn: Connection) -> None:
    conn.exec_driver_sql("ALTER TABLE submissions ADD COLUMN about_group_id INTEGER "
                         "REFERENCES groups(id)")
    conn.exec_driver_sql("ALTER TABLE activity_state ADD COLUMN revealed BOOLEAN NOT NULL "
                         "DEFAULT TRUE")
    conn.exec_driver_sql("ALTER TABLE activity_state ADD COLUMN timer_ends_at VARCHAR")
    for table in (questions_table, votes_table, notes_table):
        table.create(conn, checkfirst=True)


def _v2_to_v3(conn: Connection) -> None:
    conn.exec_driver_sql("ALTER TABLE participants ADD COLUMN device_key VARCHAR")
    conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_participants_device_key "
                         "ON participants (device_key)")


def _v3_to_v4(conn: Connection) -> None:
    import secrets

    conn.exec_driver_sql("ALTER TABLE participants ADD COLUMN seat_code VARCHAR")
    conn.exec_driver_sql("CREATE UNIQUE INDEX IF NOT EXISTS ix_participants_seat_code "
                         "ON participants (seat_code)")
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    used: set[str] = set()
    for (pid,) in conn.exec_driver_sql("SELECT id FROM participants").fetchall():
        seat = ""
        while not seat or seat in used:
            seat = "".join(secrets.choice(alphabet) for _ in range(5))
        used.add(seat)
        conn.execute(text("UPDATE participants SET seat_code = :seat WHERE id = :pid"),
                     {"seat": seat, "pid": pid})


def _v4_to_v5(conn: Connection) -> None:
    drafts_table.create(conn, checkfirst=True)


def _v5_to_v6(conn: Connection) -> None:
    """The copy of the content: the program of this release's ``data/`` with the workshop's
    program id. When this release has no such program, or it does not load, the table stays
    empty and the store goes on loading the pack by id (with that error's message)."""
    from ..content import data_dir
    from ..errors import CityWorkshopError
    from ..packs import load_content

    content_pack_table.create(conn, checkfirst=True)
    if conn.execute(text("SELECT 1 FROM content_pack WHERE id = 1")).first() is not None:
        return  # the copy is there already (a migration run again): keep it, never replace it
    row = conn.execute(text("SELECT value FROM meta WHERE key = 'program_id'")).first()
    if row is None:
        return
    try:
        pack = load_content(row[0])
        source = str(data_dir())
    except CityWorkshopError:
        return
    save_pack_copy(conn, pack, source)


# version -> the step that upgrades a database of that version to the next one
MIGRATIONS: dict[int, Callable[[Connection], None]] = {1: _v1_to_v2, 2: _v2_to_v3, 3: _v3_to_v4,
                                                       4: _v4_to_v5, 5: _v5_to_v6}
