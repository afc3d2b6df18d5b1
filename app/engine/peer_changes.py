"""What other consoles sharing the store did to messages, for this console's window and listeners.

On a shared store a message queued here may be sent, delivered or failed by another console, and an
operator there may cancel or retry it. The event journal (``message_event``) holds every change of status
with the console holding the claim (``instance``); this console reads the journal's tail in the store
lane, with its other time-driven work, and announces the changes it did not make as ``MessageChanged``
(the message as stored now), so an Outbox row, a job's progress or a conversation follows what another
console did. Changes made without a claim (a cancel, a retry) name no console and are announced too: a
change this console announced already is announced again, which its listeners take as a refresh.

New messages another console stores are not announced (a list shows them when it is read again).
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from app.store import models as m

from .views import MessageView, views_of

E = m.MessageEvent.__table__
#: Journal rows read at most per look (the rest at the next look, a fifth of a second later).
LIMIT = 2000


class PeerChanges:
    def __init__(self, instance: str):
        self.instance = instance
        self._last: int | None = None

    def read(self, conn: Connection) -> list[MessageView]:
        """The messages another console changed since the last look (none at the first look, which only
        notes where the journal ends)."""
        if self._last is None:
            self._last = conn.execute(select(func.coalesce(func.max(E.c.id), 0))).scalar()
            return []
        rows = conn.execute(select(E.c.id, E.c.message_id, E.c.instance).where(E.c.id > self._last)
                            .order_by(E.c.id).limit(LIMIT)).all()
        if not rows:
            return []
        self._last = rows[-1].id
        ids = {r.message_id for r in rows if r.instance != self.instance}
        return views_of(conn, list(ids)) if ids else []
