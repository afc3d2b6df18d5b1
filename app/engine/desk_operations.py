"""The engine's operations for the operator's desk and the API front-ends beyond sending: conversations,
search, undoable delete, export, jobs, a gateway's traffic, received messages for API clients, contacts
by name, gateway properties and send limits. A part of :class:`~app.engine.engine.Engine` (its base
class), kept apart so that each file stays readable.
"""

from __future__ import annotations

from typing import Any, Iterable

from sqlalchemy import func
from sqlmodel import col, select

from app.gateways.base import TrafficEntry
from app.store import models as m
from app.store.models import Message
from app.store.search import MessageFilter

from . import conversations, job_progress, undo_delete
from .export import ExportTask
from .job_progress import JobProgress
from .undo_delete import DeletedBatch
from .views import MessageView


class DeskOperations:
    """Mixed into :class:`Engine`: every method runs with the engine as ``self``."""

    # --- inbox: conversations, search, undoable delete, export, traffic -------------------

    def search_messages(self, flt: MessageFilter, *, before_id: int | None = None,
                        limit: int = 200) -> list[MessageView]:
        """Messages matching a search and filters, newest first (safe to call from a worker thread)."""
        return conversations.search_messages(self, flt, before_id=before_id, limit=limit)

    def conversations(self, *, before_last_id: int | None = None, limit: int = 200, unread_only: bool = False,
                      text: str = "") -> list[conversations.ConversationRow]:
        """Correspondents, most recent exchange first, with unread counts and contact names."""
        return conversations.conversations(self, before_last_id=before_last_id, limit=limit,
                                           unread_only=unread_only, text=text)

    def conversation(self, number: str) -> conversations.ConversationRow | None:
        return conversations.conversation(self, number)

    def thread(self, number: str, *, before_id: int | None = None, limit: int = 200) -> list[MessageView]:
        """Messages to and from ``number``, newest first."""
        return conversations.thread(self, number, before_id=before_id, limit=limit)

    def mark_conversation_read(self, number: str) -> int:
        return len(self.mark_read(conversations.unread_ids_from(self, number), True))

    def delete_for_undo(self, ids: Iterable[int]) -> DeletedBatch:
        """Delete messages, keeping a copy that :meth:`undo_delete` writes back."""
        return undo_delete.delete_for_undo(self, ids)

    def undo_delete(self, batch: DeletedBatch) -> int:
        views = undo_delete.restore(self, batch)
        self._unread_add(sum(1 for v in views if v.direction == m.IN and not v.read))
        self.messages_stored(views)
        return len(views)

    def export_messages(self, path: str, *, flt: MessageFilter | None = None, ids: list[int] | None = None,
                        progress=None) -> ExportTask:
        """Write messages to a CSV file in a worker thread; the task can be cancelled."""
        return ExportTask(self, path, flt=flt, ids=ids, progress=progress).start()

    def jobs(self, *, limit: int = 100, ids: list[str] | None = None) -> list[JobProgress]:
        """Recent jobs with their progress (n of m done), newest first."""
        return job_progress.jobs(self, limit=limit, ids=ids)

    def gateway_traffic(self, name: str) -> list[TrafficEntry]:
        """The gateway's recent dialogue with its device or provider, most recent first."""
        return list(reversed(self.gateway(name).traffic))

    # --- API front-ends --------------------------------------------------------------

    def received_messages(self, *, limit: int | None = None, newest: bool = False, remove: bool = False,
                          gateways_excluded: tuple[str, ...] = (), owner: str | None = None) -> list[MessageView]:
        """Received messages not yet removed by an API client (only those answering ``owner``'s messages
        when given); ``remove`` removes them."""
        from .received import take_received

        return take_received(self, limit=limit, newest=newest, remove=remove, gateways_excluded=gateways_excluded,
                             owner=owner)

    def resolve_contact_names(self, names: list[str]) -> list[tuple[str, list[str]]]:
        """Contact and group names -> their numbers, in order (unknown names: empty)."""
        from .contacts import resolve_contact_names

        return resolve_contact_names(self, names)

    async def set_gateway_property(self, name: str, key: str, text: str, *, reload: bool = True) -> Any:
        """Change a declared gateway setting (validated; refused values are not stored)."""
        from .gateway_properties import set_gateway_property

        return await set_gateway_property(self, name, key, text, reload=reload)

    def reset_send_limit(self, name: str) -> None:
        from .gateway_properties import reset_send_limit

        reset_send_limit(self, name)

    async def reset_send_limit_async(self, name: str) -> None:
        """:meth:`reset_send_limit` with its store write in the store lane."""
        from .gateway_properties import reset_send_limit_async

        await reset_send_limit_async(self, name)

    def sent_count(self, gateway: str, since) -> int:
        """Messages ``gateway`` sent since ``since`` (or since its send limit was last reset, if later), so a
        gateway's per-day count survives a restart. Reads the store; safe in a worker thread."""
        from .gateway_properties import sent_since

        return sent_since(self, gateway, since)

    def latest_sends(self, gateway: str, since, limit: int) -> list:
        """When ``gateway`` sent its latest ``limit`` messages since ``since`` (or since its send limit was
        last reset), oldest first, so a per-minute count survives a restart. Safe in a worker thread."""
        from .gateway_properties import latest_sends

        return latest_sends(self, gateway, since, limit)

    def queue_length(self) -> int:
        with self.db.session() as s:
            return s.exec(select(func.count()).select_from(Message).where(
                Message.direction == m.OUT, col(Message.status).in_((m.QUEUED, m.SCHEDULED)))).one()
