"""A gateway kind for tests: answers from a script, can hold sends until released, records what it sent."""

from __future__ import annotations

import asyncio
import itertools
from collections import deque

from app.gateways.base import Gateway, OutboundSms, SendResult

KIND = "scripted"
TARGET = "tests.engine.scripted_gateway:ScriptedGateway"


class ScriptedGateway(Gateway):
    kind = KIND

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sent: list[OutboundSms] = []
        #: Answers to give, in order; when empty every send succeeds.
        self.outcomes: deque[SendResult] = deque()
        #: While set and not released, sends wait.
        self.hold: asyncio.Event | None = None
        self._refs = itertools.count(1)

    async def send(self, sms: OutboundSms) -> SendResult:
        if self.hold is not None:
            await self.hold.wait()
        self.sent.append(sms)
        if self.outcomes:
            return self.outcomes.popleft()
        return SendResult(ok=True, references=(f"{self.name}-{next(self._refs)}",))
