"""Received messages handed out to API clients (Diafaan ``request-received-messages``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlmodel import col, select

from app.store import models as m
from app.store.models import Message

from .events import MessageChanged
from .views import MessageView

if TYPE_CHECKING:
    from .engine import Engine


def take_received(engine: "Engine", *, limit: int | None = None, newest: bool = False, remove: bool = False,
                  gateways_excluded: tuple[str, ...] = ()) -> list[MessageView]:
    """Received messages not yet removed, oldest first (or newest first), at most ``limit``.

    With ``remove`` they are marked removed in the same transaction and never
    handed out again; the views returned still show them as they were.
    """
    q = select(Message).where(Message.direction == m.IN, Message.removed == False)  # noqa: E712
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
