"""What the Inbox reads: conversations by correspondent, one correspondent's
thread, and message lists by search and filters.

Every function opens its own session, so the window may call them from a
worker thread as well as from the event loop.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from app.store import conversations as store_conversations
from app.store import models as m
from app.store.conversations import ConversationRow
from app.store.models import Message
from app.store.search import MessageFilter, counterpart_sql, page_ids

from .views import MessageView

if TYPE_CHECKING:
    from .engine import Engine

__all__ = ["ConversationRow", "MessageFilter", "conversations", "conversation", "thread",
           "search_messages", "unread_ids_from"]


def _views(engine: "Engine", ids: list[int]) -> list[MessageView]:
    if not ids:
        return []
    table = Message.__table__  # plain rows, not ORM objects: a page is built several times faster
    with engine.db.engine.connect() as conn:
        rows = {r.id: r for r in conn.execute(select(table).where(table.c.id.in_(ids)))}
    return [MessageView.of(rows[i]) for i in ids if i in rows]


def search_messages(engine: "Engine", flt: MessageFilter, *, before_id: int | None = None,
                    limit: int = 200) -> list[MessageView]:
    """Messages ``flt`` selects, newest first, ``limit`` at a time."""
    with engine.db.engine.connect() as conn:
        ids = page_ids(conn, flt, is_sqlite=engine.db.is_sqlite, before_id=before_id, limit=limit)
    return _views(engine, ids)


def conversations(engine: "Engine", *, before_last_id: int | None = None, limit: int = 200,
                  unread_only: bool = False, text: str = "") -> list[ConversationRow]:
    """Correspondents, the most recent exchange first, with their unread counts."""
    with engine.db.engine.connect() as conn:
        return store_conversations.page(conn, is_sqlite=engine.db.is_sqlite, before_last_id=before_last_id,
                                        limit=limit, unread_only=unread_only, text=text)


def conversation(engine: "Engine", number: str) -> ConversationRow | None:
    with engine.db.engine.connect() as conn:
        return store_conversations.one(conn, number, is_sqlite=engine.db.is_sqlite)


def thread(engine: "Engine", number: str, *, before_id: int | None = None, limit: int = 200) -> list[MessageView]:
    """Messages exchanged with ``number`` in both directions, newest first."""
    return search_messages(engine, MessageFilter(counterpart=number), before_id=before_id, limit=limit)


def unread_ids_from(engine: "Engine", number: str) -> list[int]:
    """Ids of the unread messages received from ``number``."""
    from sqlalchemy import text as sql

    with engine.db.engine.connect() as conn:
        rows = conn.execute(sql(f"SELECT id FROM message WHERE {counterpart_sql()} = :n "
                                f"AND direction = '{m.IN}' AND read = false"), {"n": number})
        return [r[0] for r in rows]
