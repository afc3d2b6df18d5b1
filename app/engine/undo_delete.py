"""Deleting messages so that the operator can take it back.

:func:`delete_for_undo` keeps a full copy of every row it deletes in the
returned :class:`DeletedBatch`; :func:`restore` writes them back with their
ids, so they return to their place in every list and conversation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable

from sqlmodel import col, select

from app.store import derived
from app.store import models as m
from app.store.models import Message

from .views import MessageView

if TYPE_CHECKING:
    from .engine import Engine


@dataclass(frozen=True)
class DeletedBatch:
    """Copies of the deleted rows (column -> value)."""

    rows: tuple[dict[str, Any], ...]

    def __len__(self) -> int:
        return len(self.rows)


def _copy(row: Message) -> dict[str, Any]:
    return {c.name: getattr(row, c.name) for c in Message.__table__.columns}


def delete_for_undo(engine: "Engine", ids: Iterable[int]) -> DeletedBatch:
    """Delete ``ids`` (messages being sent are kept) and return what was deleted."""
    ids = list(ids)
    with engine.db.session() as s:
        rows = s.exec(select(Message).where(col(Message.id).in_(ids), Message.status != m.SENDING)).all()
        copies = tuple(_copy(r) for r in rows)
    if copies:
        engine.delete_messages([c["id"] for c in copies])
    return DeletedBatch(copies)


def restore(engine: "Engine", batch: DeletedBatch) -> list[MessageView]:
    """Write the deleted rows back. A row whose id was taken meanwhile gets a new id."""
    views = []
    with engine.db.session() as s:
        taken = set(s.exec(select(Message.id).where(col(Message.id).in_([r["id"] for r in batch.rows]))))
        taken_uids = set(s.exec(select(Message.uid).where(col(Message.uid).in_([r["uid"] for r in batch.rows]))))
        restored = []
        for data in batch.rows:
            if data["uid"] in taken_uids:
                continue  # the same message exists again: nothing to restore
            data = dict(data)
            if data["id"] in taken:
                data.pop("id")
            row = Message(**data)
            s.add(row)
            restored.append(row)
        s.flush()
        if engine.db.is_sqlite:
            derived.index_written_back(s.connection(), [r.id for r in restored])
        s.commit()
        views = sorted((MessageView.of(r) for r in restored), key=lambda v: v.id)
    return views
