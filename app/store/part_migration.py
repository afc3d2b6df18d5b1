"""Schema version 4: the parts of sent messages, once a comma-separated ``reference`` string with a
``:d`` mark on each delivered part, become rows of ``message_part``."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from . import models as m
from .models import Message, MessagePart

_MARK = ":d"
_SLICE = 2000
#: A message's status -> the state of its parts that have no mark of their own.
_UNMARKED = {m.DELIVERED: m.PART_DELIVERED, m.UNDELIVERED: m.PART_UNDELIVERED, m.FAILED: m.PART_FAILED}


def part_rows(message: dict) -> list[dict]:
    """The part rows of one message as the earlier schema kept it (``id``, ``status``, ``gateway``,
    ``reference``, ``sent_at``, ``finished_at``)."""
    refs = [r for r in (message["reference"] or "").split(",") if r]
    rows = []
    for number, ref in enumerate(refs, 1):
        delivered = ref.endswith(_MARK)
        state = m.PART_DELIVERED if delivered else _UNMARKED.get(message["status"], m.PART_SENT)
        final = state != m.PART_SENT
        rows.append({"message_id": message["id"], "part": number, "gateway": message["gateway"] or "",
                     "reference": ref[:-len(_MARK)] if delivered else ref, "state": state,
                     "sent_at": message["sent_at"], "finished_at": message["finished_at"] if final else None})
    return rows


def migrate(conn: Connection) -> int:
    """Write the part rows of every message with references; returns how many messages had some."""
    T = Message.__table__
    q = (select(T.c.id, T.c.status, T.c.gateway, T.c.reference, T.c.sent_at, T.c.finished_at)
         .where(T.c.reference.is_not(None), T.c.direction == m.OUT).order_by(T.c.id))
    done, last = 0, 0
    while True:
        found = [dict(r) for r in conn.execute(q.where(T.c.id > last).limit(_SLICE)).mappings()]
        if not found:
            return done
        parts = [p for msg in found for p in part_rows(msg)]
        if parts:
            conn.execute(MessagePart.__table__.insert(), parts)
        marked = [{"b_id": msg["id"], "b_ref": msg["reference"].replace(_MARK, "")}
                  for msg in found if _MARK in msg["reference"]]
        if marked:
            from sqlalchemy import bindparam

            conn.execute(update(T).where(T.c.id == bindparam("b_id")).values(reference=bindparam("b_ref")), marked)
        done += len(found)
        last = found[-1]["id"]
