"""What the SMPP server reads and writes in the store about accounts and submitted messages; every
function runs in the engine's store lane (``await engine.in_lane(fn, engine, …)``) and returns plain data.
The delivery cursors are in ``cursors.py``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlmodel import col, select

from app.store import models as m
from app.store.models import Message, User

from .text import CODINGS

if TYPE_CHECKING:
    from app.engine.engine import Engine

#: Journal states a receipt is sent for, with the receipt's stat text and message_state.
FINAL = {m.DELIVERED: ("DELIVRD", 2), m.UNDELIVERED: ("UNDELIV", 5), m.FAILED: ("REJECTD", 8),
         m.EXPIRED: ("EXPIRED", 3), m.CANCELLED: ("DELETED", 4)}
#: The intermediate notification of a message handed to the network (registered_delivery bit 0x10).
ENROUTE_NOTICE = ("ENROUTE", 1)
#: A final receipt's stat text and message_state, and the intermediate notification's, by journal state.
NOTICES = {**FINAL, m.SENT: ENROUTE_NOTICE}
#: message_state of query_sm for every status.
STATES = {m.QUEUED: 1, m.SCHEDULED: 1, m.SENDING: 1, m.SENT: 1, **{k: v[1] for k, v in FINAL.items()}}


def job_options(registered_delivery: int, data_coding: int = 0) -> str:
    """The options of the job a submitted message goes in: what registered_delivery asks beyond the
    default (a receipt for every final state, or none), so the receipts can honour it, and the data_coding
    the text was submitted in when it is not the default 0, so replace_sm reads its text in it. Bits 0-1
    of registered_delivery: 1 a receipt, 2 a receipt only on failure; bit 4 (0x10): an intermediate
    notification when sent."""
    wanted = registered_delivery & 0x13
    options: dict[str, int] = {}
    if wanted not in (0, 1):
        options["registered_delivery"] = wanted
    if data_coding:
        options["data_coding"] = data_coding
    return json.dumps(options) if options else "{}"


def submitted_coding(options: str | None) -> int | None:
    """The data_coding a job's options keep (None: not kept, the message was queued before they kept it
    or in the default 0)."""
    try:
        coding = json.loads(options or "{}").get("data_coding")
    except (ValueError, AttributeError):
        return None
    return coding if isinstance(coding, int) else None


#: Job options of messages whose DELIVRD receipt is not wanted, and of those that want an intermediate
#: notification (in every data_coding a text is accepted in).
FAILURE_ONLY = [job_options(rd, dc) for rd in (2, 0x12) for dc in CODINGS]
INTERMEDIATE = [job_options(rd, dc) for rd in (0x10, 0x11, 0x12) for dc in CODINGS]


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


@dataclass(frozen=True)
class Member:
    """One message of what a message_id names: the message, or every destination of a submit_multi."""

    id: int
    status: str
    sender: str
    job_id: str | None
    encoding: str
    finished_at: datetime | None


def message_set(s, user: str, uid: str) -> list[Member]:
    """The user's outbound messages a message_id names: the message with that id and, for a submit_multi
    answered with it, the other destinations (its message_id is their customer_ref, in its job). When the
    queue refused the first destination (no message has the id), the others are found by their
    customer_ref alone. Ordered by id: the first destination first."""
    mine = (Message.user == user, Message.direction == m.OUT)
    fields = (Message.id, Message.status, Message.sender, Message.job_id, Message.encoding, Message.finished_at)
    first = s.exec(select(*fields).where(Message.uid == uid, *mine)).first()
    if first is None:
        rows = s.exec(select(*fields).where(*mine, Message.customer_ref == uid)).all()
    elif first[3]:
        rows = s.exec(select(*fields).where(Message.job_id == first[3], Message.customer_ref == uid, *mine)).all()
        rows = rows if any(r[0] == first[0] for r in rows) else [first, *rows]
    else:
        rows = [first]
    return sorted((Member(*r) for r in rows), key=lambda r: r.id)


def set_state(engine: "Engine", user: str, uid: str) -> tuple[str, datetime | None] | None:
    """What query_sm answers for a message_id: (status, final date) of the message, or of a submit_multi's
    destinations together: not final (the first one still under way) while any is under way; when every
    one is final, delivered if every one was, else the first that was not; the date the last became
    final. None: the user has no message of that id."""
    with engine.db.session() as s:
        members = message_set(s, user, uid)
    if not members:
        return None
    open_ = [r for r in members if r.status not in FINAL]
    if open_:
        return open_[0].status, None
    last = max((r.finished_at for r in members if r.finished_at), default=None)
    failed = [r for r in members if r.status != m.DELIVERED]
    return (failed[0].status if failed else m.DELIVERED), last


def cancellable(engine: "Engine", user: str, uid: str, sender: str = "", recipient: str = "") -> list[int]:
    """The ids of the user's messages a cancel_sm names that are still waiting: by message_id (every
    destination of a submit_multi answered with it; ``sender``, when given, must match), or with an
    empty message_id every waiting message from ``sender`` to ``recipient``."""
    waiting = (m.QUEUED, m.SCHEDULED)
    mine = (Message.user == user, Message.direction == m.OUT)
    with engine.db.session() as s:
        if not uid:
            return list(s.exec(select(Message.id).where(*mine, col(Message.status).in_(waiting),
                                                        Message.sender == sender,
                                                        Message.recipient == recipient)).all())
        members = message_set(s, user, uid)
    if sender and members and members[0].sender != sender:
        return []
    return [r.id for r in members if r.status in waiting and (not sender or r.sender == sender)]


def stored_uids(engine: "Engine", uids: list[str]) -> list[str]:
    """Which of ``uids`` name a stored message."""
    found: list[str] = []
    with engine.db.session() as s:
        for i in range(0, len(uids), 500):
            found += s.exec(select(Message.uid).where(col(Message.uid).in_(uids[i:i + 500]))).all()
    return found
