"""Jobs and their messages as the APIs report them: read in the store lane (``Engine.in_lane``), so an API
handler only parses the request and formats the answer."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Sequence

from sqlalchemy import and_, exists, or_
from sqlmodel import col, select

from app.store import models as m
from app.store.models import Job, Message

if TYPE_CHECKING:
    from .engine import Engine

#: Job ids whose messages are read in one query.
_CHUNK = 500


def unfinished_condition():
    """SQL condition: the message is still under way (waiting, being sent, or sent with a report awaited)."""
    return or_(col(Message.status).in_(m.PENDING_STATES),
               and_(Message.status == m.SENT, Message.status_report == True))  # noqa: E712


def find_job(engine: "Engine", job_id: str, user: str | None) -> Job | None:
    """The job ``job_id`` if ``user`` submitted it (``None``: any user's, for an administrator)."""
    q = select(Job).where(Job.id == job_id)
    if user is not None:
        q = q.where(Job.user == user)
    with engine.db.session() as s:
        return s.exec(q).first()


def jobs_between(engine: "Engine", from_ts: datetime, to_ts: datetime, *, user: str | None,
                 unfinished: bool | None, limit: int, offset: int) -> list[Job]:
    """Jobs created between the two times, oldest first (``unfinished``: only those with messages under way,
    or only those without; ``None``: all)."""
    q = select(Job).where(Job.created_at >= from_ts, Job.created_at <= to_ts)
    if user is not None:
        q = q.where(Job.user == user)
    if unfinished is not None:
        pending = exists().where(Message.job_id == Job.id, unfinished_condition())
        q = q.where(pending if unfinished else ~pending)
    q = q.order_by(col(Job.created_at), col(Job.id)).offset(offset).limit(limit)
    with engine.db.session() as s:
        return list(s.exec(q))


def job_messages(engine: "Engine", job_ids: list[str], columns: Sequence[Any]) -> dict[str, list[tuple]]:
    """The ``columns`` of each job's messages, in the order they were submitted, by job id."""
    out: dict[str, list] = {j: [] for j in job_ids}
    with engine.db.session() as s:
        for i in range(0, len(job_ids), _CHUNK):
            q = (select(Message.job_id, *columns).where(col(Message.job_id).in_(job_ids[i:i + _CHUNK]))
                 .order_by(col(Message.id)))
            for row in s.exec(q):
                out[row[0]].append(tuple(row[1:]))
    return out
