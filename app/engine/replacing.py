"""Replacing a message that still waits: a new text, schedule, validity or receipt request (SMPP
``replace_sm``, §4.10 of SMPP 3.4).

Only a queued or scheduled message can be replaced; one the dispatcher claimed meanwhile (or that was
cancelled, or expired) is left as it is, because the lifecycle's transitions change only a message still
in the state it was read in. The new text is prepared as a queued one is (its encoding and parts by the
message type); a new schedule makes the message scheduled or due, as queueing it with that schedule
would (blackout periods included). Runs in the store lane, in the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from app.sms.errors import EncodeError
from app.sms.prepare import prepare
from app.store import models as m
from app.store.models import Message

from . import blackout, lifecycle
from .queueing import _schedule
from .requests import EngineError

T = Message.__table__
#: A value of :class:`Replacement` that keeps what the message has.
KEEP: Any = object()


@dataclass(frozen=True)
class Replacement:
    """What changes; :data:`KEEP` (the default) keeps the message's own value."""

    text: Any = KEEP
    scheduled_at: Any = KEEP
    expires_at: Any = KEEP
    status_report: Any = KEEP
    job_id: Any = KEEP


def replace_waiting(conn: Connection, ids: list[int], change: Replacement, now: datetime) -> list[int]:
    """Replace those of ``ids`` that are queued or scheduled; returns the ids replaced. Raises EngineError
    when the new text cannot be sent (nothing is changed then)."""
    rows = conn.execute(select(T.c.id, T.c.status, T.c.message_type, T.c.text, T.c.encoding, T.c.parts,
                               T.c.status_report, T.c.scheduled_at, T.c.expires_at, T.c.job_id, T.c.blackout)
                        .where(T.c.id.in_(ids), T.c.direction == m.OUT,
                               T.c.status.in_(lifecycle.WAITING))).mappings().all()
    prepared: dict[str, Any] = {}
    by_move: dict[tuple[lifecycle.Transition, str], list[dict]] = {}
    for row in rows:
        values = {"b_id": row["id"], "updated_at": now, "text": row["text"], "encoding": row["encoding"],
                  "parts": row["parts"], "status_report": row["status_report"], "job_id": row["job_id"],
                  "expires_at": row["expires_at"], "scheduled_at": row["scheduled_at"]}
        if change.text is not KEEP:
            kind = row["message_type"]
            if kind not in prepared:
                try:
                    prepared[kind] = prepare(change.text, message_type=kind)
                except EncodeError as exc:
                    raise EngineError(f"the new text cannot be sent: {exc}") from None
            ready = prepared[kind]
            values.update(text=ready.text, encoding=ready.encoding, parts=ready.count.parts)
        for key in ("expires_at", "status_report", "job_id"):
            if getattr(change, key) is not KEEP:
                values[key] = getattr(change, key)
        asked = values["scheduled_at"] if change.scheduled_at is KEEP else change.scheduled_at
        planned = _schedule(blackout.loads(row["blackout"]), asked, now)
        values.update(scheduled_at=planned["scheduled_at"], reason=planned["reason"])
        target = lifecycle.REPLACE_SCHEDULED if planned["status"] == m.SCHEDULED else lifecycle.REPLACE_DUE
        by_move.setdefault((target, row["status"]), []).append(values)
    done: list[int] = []
    for (transition, status), group in by_move.items():
        for values in group:  # one by one (a replace names one message, or a submit_multi's few): which changed
            if lifecycle.apply(conn, transition, [values], expect=status):
                done.append(values["b_id"])
    return done
