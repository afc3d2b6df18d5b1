"""The conversation summary: one row per correspondent.

``conversation(number, last_id, unread, total)`` answers "who wrote or was
written to most recently, and how many of their messages are unread" from a
small table, so the Inbox's conversation list opens at once on a store with
a million messages. New messages are added in bulk by the catch-up of
``app.store.derived`` (before every read of the summary); triggers on
``message`` keep it in step with read-flag changes and deletes, whichever
code makes them.

On PostgreSQL there is no summary table; the same rows come from a grouped
query over ``message`` (slower on very large stores).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text as sql

from . import derived
from .search import counterpart_sql
from .timeutil import UTCDateTime

_CP_OLD = counterpart_sql("old")

_MARK = derived.mark("conversation")
#: Adds the messages of one id range to the summary.
_SUMMARISE = (f"INSERT INTO conversation (number, last_id, unread, total) "
              f"SELECT {counterpart_sql()}, max(id), sum(direction = 'in' AND NOT read), count(*) "
              f"FROM message WHERE id > :lo AND id <= :hi GROUP BY {counterpart_sql()} "
              f"ON CONFLICT (number) DO UPDATE SET last_id = max(last_id, excluded.last_id), "
              f"unread = unread + excluded.unread, total = total + excluded.total")

_SQLITE = (
    "CREATE TABLE conversation (number VARCHAR(32) PRIMARY KEY, last_id INTEGER NOT NULL, "
    "unread INTEGER NOT NULL DEFAULT 0, total INTEGER NOT NULL DEFAULT 0)",
    "CREATE INDEX ix_conversation_last ON conversation (last_id)",
    # new messages are summarised in bulk by the catch-up (app.store.derived); the triggers follow
    # the reads and deletes of the messages at or below the mark
    "CREATE TRIGGER message_conversation_au AFTER UPDATE OF read ON message "
    f"WHEN new.direction = 'in' AND new.read IS NOT old.read AND old.id <= {_MARK} BEGIN "
    "UPDATE conversation SET unread = unread + (CASE WHEN new.read THEN -1 ELSE 1 END) "
    "WHERE number = new.sender; END",
    f"CREATE TRIGGER message_conversation_ad AFTER DELETE ON message WHEN old.id <= {_MARK} BEGIN "
    f"UPDATE conversation SET total = total - 1, unread = unread - (old.direction = 'in' AND NOT old.read) "
    f"WHERE number = {_CP_OLD}; "
    f"DELETE FROM conversation WHERE number = {_CP_OLD} AND total <= 0; "
    f"UPDATE conversation SET last_id = (SELECT max(id) FROM message WHERE {counterpart_sql()} = {_CP_OLD} "
    f"AND id <= {_MARK}) WHERE number = {_CP_OLD} AND last_id = old.id; END",
    f"INSERT INTO conversation (number, last_id, unread, total) "
    f"SELECT {counterpart_sql()}, max(id), sum(direction = 'in' AND NOT read), count(*) "
    f"FROM message GROUP BY {counterpart_sql()}",
)
derived.CATCH_UP["conversation"] = _SUMMARISE


def install(conn, is_sqlite: bool) -> None:
    """Create the summary table and its triggers, filled from the messages already stored (idempotent)."""
    if not is_sqlite:
        return
    if conn.execute(sql("SELECT 1 FROM sqlite_master WHERE name = 'conversation'")).first():
        if derived.has_mark(conn, "conversation"):
            conn.execute(sql("DROP TRIGGER IF EXISTS message_conversation_ai"))  # of earlier versions
            return
        for name in ("message_conversation_ai", "message_conversation_au", "message_conversation_ad"):
            conn.execute(sql(f"DROP TRIGGER IF EXISTS {name}"))  # a store summarised row by row: rebuild
        conn.execute(sql("DROP TABLE conversation"))
    derived.install_mark(conn, "conversation")
    for statement in _SQLITE:
        conn.execute(sql(statement))


@dataclass(frozen=True)
class ConversationRow:
    number: str
    name: str
    unread: int
    total: int
    last_id: int
    last_text: str
    last_direction: str
    last_status: str
    last_at: datetime | None


_COLUMNS = ("c.number, coalesce((SELECT name FROM contact WHERE contact.number = c.number LIMIT 1), ''), "
            "c.unread, c.total, c.last_id, m.text, m.direction, m.status, m.created_at")

_PG_SUMMARY = (f"(SELECT {counterpart_sql()} AS number, max(id) AS last_id, "
               f"sum(CASE WHEN direction = 'in' AND NOT read THEN 1 ELSE 0 END) AS unread, "
               f"count(*) AS total FROM message GROUP BY 1)")


def page(conn, *, is_sqlite: bool, before_last_id: int | None = None, limit: int = 200,
         unread_only: bool = False, text: str = "") -> list[ConversationRow]:
    """Conversations, most recent first; page on with the ``last_id`` of the last row seen.

    ``text`` keeps those whose number or contact name contains it.
    """
    where = ["1 = 1"]
    params: dict[str, Any] = {"limit": limit}
    if before_last_id is not None:
        where.append("c.last_id < :before")
        params["before"] = before_last_id
    if unread_only:
        where.append("c.unread > 0")
    if text.strip():
        where.append("(c.number LIKE :like OR EXISTS (SELECT 1 FROM contact k WHERE k.number = c.number "
                     "AND lower(k.name) LIKE lower(:like)))")
        params["like"] = f"%{text.strip()}%"
    if is_sqlite:
        derived.catch_up(conn.engine)
    source = "conversation" if is_sqlite else _PG_SUMMARY
    statement = (f"SELECT {_COLUMNS} FROM {source} c JOIN message m ON m.id = c.last_id "
                 f"WHERE {' AND '.join(where)} ORDER BY c.last_id DESC LIMIT :limit")
    return [_row(r) for r in conn.execute(_typed(statement), params)]


def one(conn, number: str, *, is_sqlite: bool) -> ConversationRow | None:
    """The summary of one correspondent, or None when nothing was exchanged with them."""
    if is_sqlite:
        derived.catch_up(conn.engine)
    source = "conversation" if is_sqlite else _PG_SUMMARY
    r = conn.execute(_typed(f"SELECT {_COLUMNS} FROM {source} c JOIN message m ON m.id = c.last_id "
                            f"WHERE c.number = :n"), {"n": number}).first()
    return _row(r) if r is not None else None


def _typed(statement: str):
    return sql(statement).columns(created_at=UTCDateTime)


def _row(r) -> ConversationRow:
    return ConversationRow(r[0], r[1], int(r[2] or 0), int(r[3] or 0), r[4], r[5] or "", r[6], r[7], r[8])
