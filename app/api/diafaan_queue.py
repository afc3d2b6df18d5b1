"""Queueing for send-message: each request is one job, stored by the engine's group commit in its
store lane (:mod:`app.engine.queue_group`), so the requests that arrive while the store is busy are
committed together and the loop never waits on the store. A request alone is stored at once, with no
wait for others to join it. Its reply is written only after the transaction holding its messages has
committed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.engine.requests import OutboundRequest, QueueItem

if TYPE_CHECKING:
    from app.engine.engine import Engine


class QueueBatcher:
    def __init__(self, engine: "Engine", source: str):
        self.engine = engine
        self.source = source

    async def queue(self, user: str, request: OutboundRequest) -> list[QueueItem]:
        """Queue one request; returns its items once they are committed."""
        result = await self.engine.queue_messages_async([request], user=user, source=self.source)
        return list(result.items)
