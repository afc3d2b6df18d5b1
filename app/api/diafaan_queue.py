"""Group commit for send-message: the requests of one user that arrive
within a few milliseconds of each other are queued in one transaction.

Each request still gets its own items, in its own order, and its reply is
written only after the transaction holding its messages has committed. A
request naming its own message id is queued alone (a reused id refuses the
whole request, which would otherwise shift the items of its neighbours).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from app.engine.requests import OutboundRequest, QueueItem

if TYPE_CHECKING:
    from app.engine.engine import Engine

log = logging.getLogger(__name__)

#: Recipients queued at most in one transaction; more start the next one.
MAX_BATCH_RECIPIENTS = 5000
#: How long the first request of a transaction waits for others to join it.
BATCH_WINDOW = 0.005


class QueueBatcher:
    def __init__(self, engine: "Engine", source: str):
        self.engine = engine
        self.source = source
        self._pending: dict[str, list[tuple[OutboundRequest, asyncio.Future]]] = {}
        self._count = 0
        self._handle: asyncio.Handle | None = None

    async def queue(self, user: str, request: OutboundRequest) -> list[QueueItem]:
        """Queue one request; returns its items once they are committed."""
        if request.uid:
            return list(self.engine.queue_messages([request], user=user, source=self.source).items)
        loop = asyncio.get_running_loop()
        fut = loop.create_future()
        self._pending.setdefault(user, []).append((request, fut))
        self._count += len(request.recipients)
        if self._count >= MAX_BATCH_RECIPIENTS:
            self.flush()
        elif self._handle is None:
            self._handle = loop.call_later(BATCH_WINDOW, self.flush)
        return await fut

    def flush(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        pending, self._pending, self._count = self._pending, {}, 0
        for user, entries in pending.items():
            self._queue(user, entries)

    def _queue(self, user: str, entries: list[tuple[OutboundRequest, asyncio.Future]]) -> None:
        try:
            result = self.engine.queue_messages([r for r, _ in entries], user=user, source=self.source)
        except Exception as exc:
            if len(entries) > 1:  # find the one request at fault; the others go through
                for entry in entries:
                    self._queue(user, [entry])
            elif not entries[0][1].done():
                entries[0][1].set_exception(exc)
            return
        items = iter(result.items)
        for request, fut in entries:
            mine = [next(items) for _ in request.recipients]
            if not fut.done():
                fut.set_result(mine)
