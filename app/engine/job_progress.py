"""Jobs (messages submitted together) with their progress: how many of them are done."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func
from sqlmodel import col, select

from app.store import models as m
from app.store.models import Job, Message

if TYPE_CHECKING:
    from .engine import Engine


@dataclass(frozen=True)
class JobProgress:
    id: str
    created_at: datetime
    source: str
    user: str
    total: int
    #: Messages in a state where no more work is done (sent, delivered, failed...).
    done: int
    failed: int

    @property
    def finished(self) -> bool:
        return self.total > 0 and self.done == self.total


_FAILED = (m.FAILED, m.EXPIRED, m.UNDELIVERED, m.CANCELLED)


def jobs(engine: "Engine", *, limit: int = 100, ids: list[str] | None = None) -> list[JobProgress]:
    """The most recent jobs (or those named), newest first, with their message counts by outcome."""
    with engine.db.session() as s:
        q = select(Job)
        if ids is not None:
            q = q.where(col(Job.id).in_(ids))
        rows = list(s.exec(q.order_by(col(Job.created_at).desc()).limit(limit)))
        counts: dict[str, dict[str, int]] = {}
        if rows:
            for job_id, status, n in s.exec(select(Message.job_id, Message.status, func.count())
                                            .where(col(Message.job_id).in_([r.id for r in rows]))
                                            .group_by(Message.job_id, Message.status)):
                counts.setdefault(job_id, {})[status] = n
    out = []
    for r in rows:
        c = counts.get(r.id, {})
        out.append(JobProgress(r.id, r.created_at, r.source, r.user, sum(c.values()),
                               sum(n for st, n in c.items() if st in m.DONE_STATES),
                               sum(n for st, n in c.items() if st in _FAILED)))
    return out
