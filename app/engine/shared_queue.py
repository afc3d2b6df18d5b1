"""The queue in the store, shared by every instance that opens it.

A message is claimed by exactly one instance: candidates are read with
``SELECT ... FOR UPDATE SKIP LOCKED`` (PostgreSQL; SQLite has one writer at
a time) and the claim is a conditional update (``status = 'queued'``) that
returns the ids it really took. A claim carries a lease: the instance renews
the leases of the messages it is sending, and when an instance stops renewing
(it died), another one settles its claims under the interrupted-send rule.

Lease times are the store's (PostgreSQL's ``now()``), never a host's: a
console whose clock runs ahead does not see healthy claims as expired. (A
SQLite store is one machine's: its time is the engine's clock.) Each claim
also gets a token (``claim_seq``); outcomes are written under it
(:mod:`app.engine.lifecycle`'s fenced transitions).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import or_, select, text, update
from sqlalchemy.orm import Session

from app.store import models as m
from app.store.models import QUEUE_CONDITION, Message

from . import lifecycle
from .views import typed_rows

T = Message.__table__


def queued_queries(now: datetime, limit: int, *, after: tuple[int, int] | None, skip_locked: bool) -> list:
    """The statements of :func:`queued_batch`, each read by ``ix_message_queue`` in its order from where it
    seeks to: after a ``(priority, id)`` cursor, first the rest of the cursor's priority (``priority = p AND
    id > last``), then the lower priorities (``priority < p``). One statement with ``OR`` would walk the index
    from the queue's head every time: a pass would cost more the longer the queue."""
    due = (text(QUEUE_CONDITION),  # as written: the condition of the partial ix_message_queue
           or_(T.c.next_attempt_at.is_(None), T.c.next_attempt_at <= now))
    if after is None:
        parts = [select(T).where(*due)]
    else:
        prio, last = after
        parts = [select(T).where(*due, T.c.priority == prio, T.c.id > last),
                 select(T).where(*due, T.c.priority < prio)]
    queries = []
    for q in parts:
        q = q.order_by(T.c.priority.desc(), T.c.id).limit(limit)
        queries.append(q.with_for_update(skip_locked=True) if skip_locked else q)
    return queries


def queued_batch(s: Session, now: datetime, limit: int, *, after: tuple[int, int] | None,
                 skip_locked: bool) -> list[dict[str, Any]]:
    """Due queued messages, highest priority then oldest first, after the ``(priority, id)`` cursor."""
    conn = s.connection()
    rows: list[dict[str, Any]] = []
    for query in queued_queries(now, limit, after=after, skip_locked=skip_locked):
        result = conn.execute(query.limit(limit - len(rows)))
        rows += typed_rows(result) if conn.dialect.name == "sqlite" else [dict(r) for r in result.mappings().all()]
        if len(rows) >= limit:
            break
    return rows


def store_now(conn, local: datetime) -> datetime:
    """The store's time (UTC): PostgreSQL's ``now()`` (the transaction's start); ``local`` on SQLite."""
    if conn.dialect.name == "sqlite":
        return local
    return conn.exec_driver_sql("SELECT now() AT TIME ZONE 'UTC'").scalar().replace(tzinfo=timezone.utc)


def claim(s: Session, ids: list[int], gateway: str, *, instance: str, now: datetime,
          lease: float) -> set[int]:
    """Mark queued messages ``sending`` for ``gateway``, with a lease measured by the store's clock;
    returns the ids this instance really claimed (each claim's token is its ``claim_seq`` as read, plus one:
    the rows were read locked, or on SQLite in the one writer's transaction)."""
    if not ids:
        return set()
    conn = s.connection()
    until = store_now(conn, now) + timedelta(seconds=lease)
    return set(lifecycle.apply_all(conn, lifecycle.CLAIM, ids, gateway=gateway, claimed_by=instance,
                                   lease_until=until, updated_at=now))


def renew_leases(s: Session, *, instance: str, now: datetime, lease: float) -> int:
    """Extend the leases of everything this instance is sending (by the store's clock)."""
    until = store_now(s.connection(), now) + timedelta(seconds=lease)
    stmt = (update(T).where(T.c.status == m.SENDING, T.c.claimed_by == instance).values(lease_until=until))
    return s.connection().execute(stmt).rowcount


@dataclass(frozen=True)
class ExpiredClaims:
    """Claims another instance stopped renewing: the messages, whose they were, and since when they lapsed."""

    ids: list[int]
    #: instance -> (messages, seconds its oldest and newest lapsed lease had been expired)
    by_instance: dict[str, tuple[int, float, float]]


def expired_claims(s: Session, *, instance: str, now: datetime, skip_locked: bool) -> ExpiredClaims:
    """Messages another instance claimed and stopped renewing (expired by the store's clock)."""
    conn = s.connection()
    at = store_now(conn, now)
    q = select(T.c.id, T.c.claimed_by, T.c.lease_until).where(
        T.c.status == m.SENDING, T.c.claimed_by != instance, T.c.lease_until < at)
    if skip_locked:
        q = q.with_for_update(skip_locked=True)
    ids: list[int] = []
    lapsed: dict[str, list[float]] = {}
    for id_, owner, until in conn.execute(q):
        ids.append(id_)
        lapsed.setdefault(owner, []).append((at - until).total_seconds())
    return ExpiredClaims(ids, {k: (len(v), max(v), min(v)) for k, v in lapsed.items()})
