"""Where each user's SMPP deliveries stand in the store; every function runs in the engine's store lane
(``await engine.in_lane(fn, engine, …)``) and returns plain data.

Delivery receipts are derived from the event journal (``message_event``) and incoming messages from the
message table, each behind a per-user cursor (``smpp_cursor``). Two things make this safe on a store
that several consoles share:

* Ids are not committed in order there (a lower id can commit after a higher one is read). An item a
  bind acknowledged is recorded in ``smpp_delivered``; the cursor moves only up to the highest id read at
  least ``horizon`` seconds ago (no lower id can still appear by then) and never past an item not yet
  acknowledged, and the records below it are dropped. On SQLite ids commit in order: no horizon.
* One console at a time hands a user's items out: it holds the cursor's lease (``holder`` until
  ``lease_until``, by the store's clock), taken and renewed by compare-and-set; another console waits
  until it is released or runs out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import and_, delete, func, or_, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select

from app.engine.received import _OWNER
from app.engine.shared_queue import store_now
from app.store import models as m
from app.store.models import Job, Message, MessageEvent, SmppCursor, SmppDelivered

from .store_ops import FAILURE_ONLY, FINAL, INTERMEDIATE

if TYPE_CHECKING:
    from app.engine.engine import Engine

C, D = SmppCursor.__table__, SmppDelivered.__table__
RECEIPT, INCOMING = "r", "i"


def open_cursor(engine: "Engine", user: str) -> None:
    """Start the user's cursor at the store's present end when the user binds for the first time: a new
    SMPP user is not handed the history."""
    with engine.db.session() as s:
        if s.get(SmppCursor, user) is not None:
            return
        event = s.exec(select(func.max(MessageEvent.id))).one() or 0
        message = s.exec(select(func.max(Message.id))).one() or 0
        s.add(SmppCursor(user=user, event_id=event, received_id=message))
        s.commit()


def take_lease(engine: "Engine", user: str, seconds: float, now: float | None = None) -> bool:
    """Take or renew the user's delivery lease for this console; False while another console holds it.
    Lease times are the store's clock (PostgreSQL ``now()``; a host whose clock is off takes over no
    healthy lease), or ``now`` (epoch seconds) where a test gives it."""
    me = engine.instance_id
    with engine.db.engine.begin() as conn:
        if now is None:
            now = store_now(conn, engine.clock.now()).timestamp()
        done = conn.execute(update(C).where(C.c.user == user, or_(
            C.c.holder == me, C.c.holder == "", C.c.lease_until < now)).values(holder=me, lease_until=now + seconds))
    return done.rowcount == 1


def release_lease(engine: "Engine", user: str) -> None:
    with engine.db.engine.begin() as conn:
        conn.execute(update(C).where(C.c.user == user, C.c.holder == engine.instance_id)
                     .values(holder="", lease_until=0.0))


@dataclass(frozen=True)
class Receipt:
    event_id: int
    #: The message_id its submit_sm (or submit_multi) was answered with.
    uid: str
    status: str
    sender: str
    recipient: str
    text: str
    submitted: datetime
    done: datetime


@dataclass(frozen=True)
class Incoming:
    message_id: int
    sender: str
    recipient: str
    text: str


@dataclass(frozen=True)
class Pending:
    receipts: list[Receipt]
    incoming: list[Incoming]
    #: Where the next read may start, once these are handed out (the last item read when the read was
    #: cut at its limit, else the store's end).
    receipts_to: int
    incoming_to: int
    #: The highest ids in the store at the read.
    top_event: int
    top_message: int


def _receipt_ids(user: str):
    """The ids of the journal rows that are receipts (or intermediate notifications) for the user."""
    wanted = or_(and_(col(MessageEvent.to_status).in_(list(FINAL)), Message.status_report == True,  # noqa: E712
                      or_(MessageEvent.to_status != m.DELIVERED, col(Job.options).not_in(FAILURE_ONLY))),
                 and_(MessageEvent.to_status == m.SENT, col(Job.options).in_(INTERMEDIATE)))
    return (select(MessageEvent.id).join(Message, Message.id == MessageEvent.message_id)
            .join(Job, Job.id == Message.job_id)
            .where(MessageEvent.part == 0, Message.user == user, Job.source == "smpp", wanted))


def _incoming_ids(user: str, admin: bool):
    q = select(Message.id).where(Message.direction == m.IN)
    return q if admin else q.where(text(f"{_OWNER} = :owner").bindparams(owner=user))


def _not_delivered(user: str, kind: str, column):
    return ~select(D.c.item_id).where(D.c.user == user, D.c.kind == kind, D.c.item_id == column).exists()


def pending(engine: "Engine", user: str, admin: bool, limit: int, *, after_event: int = 0,
            after_message: int = 0) -> Pending:
    """The user's next receipts and incoming messages beyond the cursor (and beyond ``after_…``, where the
    previous read ended) not handed out yet, oldest first."""
    with engine.db.session() as s:
        cur = s.get(SmppCursor, user) or SmppCursor(user=user)
        top_event = s.exec(select(func.max(MessageEvent.id))).one() or 0
        top_message = s.exec(select(func.max(Message.id))).one() or 0
        ids = (_receipt_ids(user).where(MessageEvent.id > max(cur.event_id, after_event),
                                        MessageEvent.id <= top_event, _not_delivered(user, RECEIPT, MessageEvent.id))
               .order_by(MessageEvent.id).limit(limit).subquery())
        uid = func.coalesce(func.nullif(Message.customer_ref, ""), Message.uid)
        q = (select(MessageEvent.id, uid, MessageEvent.to_status, Message.sender, Message.recipient, Message.text,
                    Message.created_at, MessageEvent.at)
             .join(Message, Message.id == MessageEvent.message_id)
             .where(col(MessageEvent.id).in_(select(ids.c.id))).order_by(MessageEvent.id))
        receipts = [Receipt(*row) for row in s.exec(q).all()]
        q = (select(Message.id, Message.sender, Message.recipient, Message.text)
             .where(col(Message.id).in_(_incoming_ids(user, admin).where(
                 Message.id > max(cur.received_id, after_message), Message.id <= top_message,
                 _not_delivered(user, INCOMING, Message.id)))))
        incoming = [Incoming(*row) for row in s.exec(q.order_by(Message.id).limit(limit)).all()]
    return Pending(receipts, incoming,
                   receipts[-1].event_id if len(receipts) == limit else top_event,
                   incoming[-1].message_id if len(incoming) == limit else top_message, top_event, top_message)


def record(engine: "Engine", user: str, admin: bool, receipts: list[int], incoming: list[int],
           safe_event: int | None, safe_message: int | None) -> None:
    """Keep what the binds acknowledged, and move the cursors up to the safe ids (the highest read at least
    the horizon ago) but not past anything not handed out yet; the records below the cursors are dropped.
    A cursor only moves forward, whichever console writes it."""
    with engine.db.session() as s:
        conn = s.connection()
        rows = [{"user": user, "kind": RECEIPT, "item_id": i} for i in receipts]
        rows += [{"user": user, "kind": INCOMING, "item_id": i} for i in incoming]
        if rows:  # an item handed out twice (a lease that ran out mid-way) is recorded once
            dialect_insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
            conn.execute(dialect_insert(D).on_conflict_do_nothing(), rows)
        cur = s.get(SmppCursor, user)
        if cur is None:
            s.commit()
            return
        moves = ((RECEIPT, C.c.event_id, cur.event_id, safe_event,
                  _receipt_ids(user), MessageEvent.id),
                 (INCOMING, C.c.received_id, cur.received_id, safe_message,
                  _incoming_ids(user, admin), Message.id))
        for kind, column, at, safe, ids, id_col in moves:
            if safe is None or safe <= at:
                continue
            first_open = s.exec(select(func.min(ids.where(id_col > at, id_col <= safe,
                                                          _not_delivered(user, kind, id_col)).subquery().c.id))).one()
            to = safe if first_open is None else first_open - 1
            if to > at:
                conn.execute(update(C).where(C.c.user == user, column < to).values({column.key: to}))
                conn.execute(delete(D).where(D.c.user == user, D.c.kind == kind, D.c.item_id <= to))
        s.commit()
