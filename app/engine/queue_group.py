"""Group commit of queueing: the jobs submitted in the same turn of the event
loop (concurrent API requests) are stored in one transaction.

Each call keeps its own job, its own atomicity and its own result, exactly
as :meth:`Outbox.queue` would give it; its caller resumes only after the
transaction holding its messages has committed. A call refused with an error
fails alone. Should the shared transaction fail, each call is stored again
on its own, so one bad call never costs its neighbours their jobs.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from .requests import EngineError, OutboundRequest, QueueResult

if TYPE_CHECKING:
    from .outbox import Outbox

log = logging.getLogger(__name__)

#: Recipients stored at most in one transaction; more wait for the next loop turn.
MAX_RECIPIENTS = 20000


class QueueGroup:
    def __init__(self, outbox: "Outbox"):
        self.outbox = outbox
        self._pending: list[tuple[list[OutboundRequest], dict[str, Any], asyncio.Future]] = []
        self._handle: asyncio.Handle | None = None

    async def queue(self, requests: list[OutboundRequest], **kwargs) -> QueueResult:
        """Store one job with the others of this loop turn; returns once it is committed."""
        loop = asyncio.get_running_loop()
        fut = loop.create_future()
        self._pending.append((requests, kwargs, fut))
        if self._handle is None:
            self._handle = loop.call_soon(self._flush)
        return await fut

    def _flush(self) -> None:
        self._handle = None
        take, count = 0, 0
        for requests, _, _ in self._pending:
            count += sum(len(r.recipients) for r in requests)
            take += 1
            if count >= MAX_RECIPIENTS:
                break
        group, self._pending = self._pending[:take], self._pending[take:]
        if self._pending:
            self._handle = asyncio.get_running_loop().call_soon(self._flush)
        group = [g for g in group if not g[2].done()]  # a caller that gave up before its turn is not stored
        if not group:
            return
        outbox = self.outbox
        stored: list[tuple[asyncio.Future, Any]] = []
        try:
            with outbox.db.session() as s:
                for requests, kwargs, fut in group:
                    try:
                        stored.append((fut, outbox.store(s, requests, **kwargs)))
                    except EngineError as exc:  # refused before anything of it was inserted
                        stored.append((fut, exc))
                s.commit()
        except Exception:
            log.exception("storing %d jobs together failed; storing each on its own", len(group))
            for requests, kwargs, fut in group:
                try:
                    result = outbox.queue(requests, **kwargs)
                except Exception as exc:
                    if not fut.done():
                        fut.set_exception(exc)
                    continue
                if not fut.done():
                    fut.set_result(result)
            return
        for fut, outcome in stored:
            if isinstance(outcome, Exception):
                if not fut.done():
                    fut.set_exception(outcome)
                continue
            result = outbox.publish(*outcome)  # announced even if its caller is gone: it is stored
            if not fut.done():
                fut.set_result(result)
