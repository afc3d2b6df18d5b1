"""Received messages handed out to API clients (Diafaan ``request-received-messages``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlmodel import col, select

from app.store import models as m
from app.store.models import Message
from app.store.search import counterpart_sql

from .events import MessageChanged
from .views import MessageView

if TYPE_CHECKING:
    from .engine import Engine


#: The user of the latest outbound message to the sender of a received message, sent before it arrived
#: (found through ``ix_message_counterpart``).
_OWNER = (f'(SELECT o."user" FROM message o WHERE {counterpart_sql("o")} = message.sender '
          "AND o.direction = 'out' AND o.id < message.id ORDER BY o.id DESC LIMIT 1)")


def take_received(engine: "Engine", *, limit: int | None = None, newest: bool = False, remove: bool = False,
                  gateways_excluded: tuple[str, ...] = (), owner: str | None = None) -> list[MessageView]:
    """Received messages not yet removed, oldest first (or newest first), at most ``limit``.

    With ``owner``, only the messages that answer that user: whose sender was
    last written to, before the message arrived, by a message of that user.
    With ``remove`` they are marked removed in the same transaction and never
    handed out again; the views returned still show them as they were.
    """
    q = select(Message).where(Message.direction == m.IN, Message.removed == False)  # noqa: E712
    if owner is not None:
        q = q.where(text(f"{_OWNER} = :owner").bindparams(owner=owner))
    if gateways_excluded:
        q = q.where(col(Message.gateway).not_in(gateways_excluded))
    q = q.order_by(col(Message.id).desc() if newest else col(Message.id))
    if limit is not None:
        q = q.limit(limit)
    with engine.db.session() as s:
        rows = s.exec(q).all()
        views = [MessageView.of(r) for r in rows]
        if remove and rows:
            for row in rows:
                row.removed = True
                s.add(row)
            s.commit()
            changed = [MessageView.of(r) for r in rows]
        else:
            changed = []
    for v in changed:
        engine.events.publish(MessageChanged(v))
    return views
