"""The event journal of messages (``message_event``) and their parts (``message_part``).

One journal row is appended for every change of a message's status, in the
statement that makes it: on SQLite by a trigger, whatever statement makes the
change; on PostgreSQL by the statements of :mod:`app.engine.lifecycle`, the
only code that changes a status (one INSERT for all the messages a statement
changed, with no copy of their rows). Part events (one part of a multipart message
delivered) are appended by the code that records them. The window's
timeline of a message reads the journal, and so do the engine's counts per
state and, on a shared store, its news of what other consoles changed; old rows are pruned by age
(setting ``journal_retention_days``), oldest first, a slice at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import text as sql
from sqlalchemy.engine import Connection

from sqlalchemy import select

from .models import MessageEvent

E = MessageEvent.__table__

_SQLITE = (
    "DROP TRIGGER IF EXISTS message_journal",
    """CREATE TRIGGER message_journal AFTER UPDATE OF status ON message
       WHEN OLD.status IS NOT NEW.status
       BEGIN
         INSERT INTO message_event (message_id, at, from_status, to_status, part, reason, gateway, instance)
         VALUES (NEW.id, NEW.updated_at, OLD.status, NEW.status, 0, NEW.reason, NEW.gateway,
                 coalesce(NEW.claimed_by, OLD.claimed_by));
       END""",
)

# PostgreSQL: the statements of app.engine.lifecycle write the journal rows themselves, in the statement that
# changes the status (the update returns its rows and the journal rows are inserted from them).
# A statement-level trigger over transition tables did it before; its copy of every updated (wide) row cost as
# much as the journal rows, and it ran for every update of a message, a lease renewed included.
_POSTGRES = (
    "DROP TRIGGER IF EXISTS message_journal ON message",
    "DROP FUNCTION IF EXISTS message_journal()",
)


def install(conn: Connection, is_sqlite: bool) -> None:
    """SQLite: create (or renew) the journal's trigger. PostgreSQL: drop the trigger of earlier versions."""
    for statement in _SQLITE if is_sqlite else _POSTGRES:
        conn.execute(sql(statement))


@dataclass(frozen=True)
class JournalEntry:
    """One line of a message's timeline."""

    id: int
    at: datetime
    from_status: str
    to_status: str
    part: int
    reason: str
    gateway: str | None
    instance: str | None


def timeline(conn: Connection, message_id: int) -> list[JournalEntry]:
    """The journal of one message, oldest first."""
    q = (select(E.c.id, E.c.at, E.c.from_status, E.c.to_status, E.c.part, E.c.reason, E.c.gateway, E.c.instance)
         .where(E.c.message_id == message_id).order_by(E.c.id))
    return [JournalEntry(*r) for r in conn.execute(q)]


def part_event_sql(mark: str) -> str:
    """The statement that journals the report of one part (the message's own status is unchanged by it):
    parameters message id, time (as stored), part, state, reason, gateway."""
    return (f"INSERT INTO message_event (message_id, at, from_status, to_status, part, reason, gateway) "
            f"VALUES ({mark}, {mark}, 'sent', {mark}, {mark}, {mark}, {mark})")


#: Journal rows deleted at most in one statement while pruning.
PRUNE_SLICE = 5000


def prune(conn: Connection, now: datetime, days: float) -> int:
    """Delete journal rows older than ``days`` (0: keep all), oldest first, one slice; returns how many.

    Rows are appended in time order, so the oldest ids are the oldest rows: a slice is read from the
    primary key and its leading run older than the cutoff deleted, without an index on the time.
    """
    if days <= 0:
        return 0
    cutoff = now - timedelta(days=days)
    count, last = 0, None
    for row_id, at in conn.execute(select(E.c.id, E.c.at).order_by(E.c.id).limit(PRUNE_SLICE)):
        if at >= cutoff:
            break
        count, last = count + 1, row_id
    if last is not None:
        conn.execute(E.delete().where(E.c.id <= last))
    return count
