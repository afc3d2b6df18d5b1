"""What the SMPP server reads and writes in the store; every function runs in the engine's store lane
(``await engine.in_lane(fn, engine, …)``) and returns plain data.

Delivery receipts are derived from the event journal (``message_event``) and
incoming messages from the message table, each behind a per-user cursor
(``smpp_cursor``) that moves only after a bind acknowledged the deliver_sm:
what a restart interrupts is delivered again, nothing is lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, text
from sqlmodel import col, select

from app.engine.received import _OWNER
from app.store import models as m
from app.store.models import Job, Message, MessageEvent, SmppCursor, User

if TYPE_CHECKING:
    from app.engine.engine import Engine

#: Journal states a receipt is sent for, with the receipt's stat text and message_state.
FINAL = {m.DELIVERED: ("DELIVRD", 2), m.UNDELIVERED: ("UNDELIV", 5), m.FAILED: ("REJECTD", 8),
         m.EXPIRED: ("EXPIRED", 3), m.CANCELLED: ("DELETED", 4)}
#: message_state of query_sm for every status.
STATES = {m.QUEUED: 1, m.SCHEDULED: 1, m.SENDING: 1, m.SENT: 1, **{k: v[1] for k, v in FINAL.items()}}


@dataclass(frozen=True)
class Account:
    user_id: int
    name: str
    admin: bool
    enabled: bool
    blocked: bool
    smpp_hash: str


def account(engine: "Engine", name: str) -> Account | None:
    with engine.db.session() as s:
        row = s.exec(select(User).where(User.name == name)).first()
        if row is None:
            return None
        return Account(row.id or 0, row.name, row.admin, row.enabled, row.api_blocked, row.smpp_password_hash)


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


@dataclass(frozen=True)
class Receipt:
    event_id: int
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
    #: Where each cursor may move once every item is acknowledged.
    receipts_to: int
    incoming_to: int


def pending(engine: "Engine", user: str, admin: bool, limit: int) -> Pending:
    """The user's next receipts and incoming messages beyond the cursor, oldest first."""
    with engine.db.session() as s:
        cur = s.get(SmppCursor, user) or SmppCursor(user=user)
        top_event = s.exec(select(func.max(MessageEvent.id))).one() or 0
        top_message = s.exec(select(func.max(Message.id))).one() or 0
        q = (select(MessageEvent.id, Message.uid, MessageEvent.to_status, Message.sender, Message.recipient,
                    Message.text, Message.created_at, MessageEvent.at)
             .join(Message, Message.id == MessageEvent.message_id)
             .join(Job, Job.id == Message.job_id)
             .where(MessageEvent.id > cur.event_id, MessageEvent.id <= top_event, MessageEvent.part == 0,
                    col(MessageEvent.to_status).in_(list(FINAL)), Message.user == user,
                    Message.status_report == True, Job.source == "smpp")  # noqa: E712
             .order_by(MessageEvent.id).limit(limit))
        receipts = [Receipt(*row) for row in s.exec(q).all()]
        q = (select(Message.id, Message.sender, Message.recipient, Message.text)
             .where(Message.direction == m.IN, Message.id > cur.received_id, Message.id <= top_message))
        if not admin:
            q = q.where(text(f"{_OWNER} = :owner").bindparams(owner=user))
        incoming = [Incoming(*row) for row in s.exec(q.order_by(Message.id).limit(limit)).all()]
    return Pending(receipts, incoming,
                   receipts[-1].event_id if len(receipts) == limit else top_event,
                   incoming[-1].message_id if len(incoming) == limit else top_message)


def advance(engine: "Engine", user: str, event_id: int | None, received_id: int | None) -> None:
    """Move the user's cursors forward (never back)."""
    with engine.db.session() as s:
        cur = s.get(SmppCursor, user) or SmppCursor(user=user)
        if event_id is not None:
            cur.event_id = max(cur.event_id, event_id)
        if received_id is not None:
            cur.received_id = max(cur.received_id, received_id)
        s.add(cur)
        s.commit()


@dataclass(frozen=True)
class Found:
    id: int
    status: str
    finished_at: datetime | None


def find(engine: "Engine", user: str, uid: str) -> Found | None:
    """The user's outbound message with that id."""
    with engine.db.session() as s:
        row = s.exec(select(Message.id, Message.status, Message.finished_at).where(
            Message.uid == uid, Message.user == user, Message.direction == m.OUT)).first()
    return Found(*row) if row else None
