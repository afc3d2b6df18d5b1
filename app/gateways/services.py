"""What the engine offers one gateway: a narrow service object, bound to that gateway.

A gateway is built with a :class:`GatewayServices` and asks only it: it tells of outcomes (``sent``),
messages it hands back untried (``returned``), received messages and delivery reports (``received``,
``report``: each returns what to await for the engine's commit), its own news for the operator
(``state_changed``, ``alert``), the time (``now``), what it remembers about its device (``recall``,
``remember``) and what the store knows of its sends (``sent_count``, ``latest_sends``,
``awaiting_reports``). It never reaches the engine, its outbox or its store.

The engine builds one from itself (:meth:`GatewayServices.of`, which adapts any :class:`GatewaySink`);
a test builds its own fake with the same methods and hands it to the gateway's constructor
(``services=``), so a gateway is tested with no engine at all.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import TYPE_CHECKING, Any, Awaitable, Callable

if TYPE_CHECKING:
    from .base import DeliveryReport, Gateway, GatewaySink, IncomingSms, OutboundSms, SendResult


class GatewayServices:
    """The engine's services for one gateway, through a :class:`GatewaySink` (the engine, in the console)."""

    def __init__(self, sink: "GatewaySink", gateway: "Gateway", *, clock: Callable[[], float] = time.time):
        self._sink = sink
        self._gateway = gateway
        self._clock = clock

    @classmethod
    def of(cls, sink: "GatewaySink", gateway: "Gateway") -> "GatewayServices":
        return cls(sink, gateway)

    # --- news, in the order the gateway gives it ---------------------------------------------

    def sent(self, sms: "OutboundSms", result: "SendResult") -> None:
        """The outcome of a send the gateway tried."""
        self._sink.gateway_sent(self._gateway, sms, result)

    def returned(self, sms: "list[OutboundSms]") -> None:
        """Messages handed over that the gateway never tried: back to the queue."""
        self._sink.gateway_returned(self._gateway, sms)

    def received(self, sms: "IncomingSms") -> "Awaitable[None] | None":
        """A received message; returns what to await for its commit (None: committed already)."""
        return self._sink.gateway_received(self._gateway, sms)

    def report(self, report: "DeliveryReport") -> "Awaitable[None] | None":
        """A delivery report; returns what to await for its commit (None: committed already)."""
        return self._sink.gateway_report(self._gateway, report)

    # --- events for the operator ---------------------------------------------------------------

    def state_changed(self) -> None:
        self._sink.gateway_state_changed(self._gateway)

    def alert(self, text: str) -> None:
        alert = getattr(self._sink, "gateway_alert", None)
        if alert is not None:
            alert(self._gateway, text)

    # --- facts ---------------------------------------------------------------------------------

    def now(self) -> float:
        """Wall-clock time (seconds since the epoch)."""
        return self._clock()

    async def recall(self) -> dict[str, Any]:
        """What the gateway remembered about its device ({} when nothing can be remembered)."""
        recall = getattr(self._sink, "recall_gateway_facts", None)
        return await recall(self._gateway.name) if recall is not None else {}

    async def remember(self, facts: dict[str, Any]) -> None:
        remember = getattr(self._sink, "remember_gateway_facts", None)
        if remember is not None:
            await remember(self._gateway.name, facts)

    # --- what it acknowledged and holds (kept across restarts) ------------------------------------

    @property
    def keeps_pending(self) -> bool:
        """The store keeps what the gateway holds (:meth:`keep_pending` and the others do something)."""
        return hasattr(self._sink, "keep_gateway_pending")

    async def keep_pending(self, kind: str, key: str, data: str) -> int:
        """Keep an item (JSON ``data``) until :meth:`settle_pending`; its id once committed (0: not kept)."""
        if not self.keeps_pending:
            return 0
        return await self._sink.keep_gateway_pending(self._gateway.name, kind, key, data)

    async def settle_pending(self, ids: list[int], *, done: bool = False) -> None:
        """Items no longer held: dropped, or (``done``) kept marked as stored until :meth:`purge_pending`."""
        ids = [i for i in ids if i]
        if ids and self.keeps_pending:
            await self._sink.settle_gateway_pending(self._gateway.name, ids, done=done)

    async def load_pending(self) -> list:
        """What the gateway held when it last ran (``gateway_pending.Pending`` rows, oldest first)."""
        return await self._sink.load_gateway_pending(self._gateway.name) if self.keeps_pending else []

    async def purge_pending(self, before: datetime) -> None:
        if self.keeps_pending:
            await self._sink.purge_gateway_pending(self._gateway.name, before)

    async def received_fingerprints(self, since: float) -> list[tuple[str, float]]:
        """(fingerprint, wall time) of the messages the gateway received since ``since`` (epoch seconds)."""
        if not self.keeps_pending:
            return []
        return await self._sink.received_fingerprints(self._gateway.name, since)

    @property
    def counts_sends(self) -> bool:
        """The store can tell what the gateway sent lately (:meth:`sent_count`, :meth:`latest_sends`)."""
        return hasattr(self._sink, "sent_count") and hasattr(self._sink, "latest_sends")

    def sent_count(self, since: datetime) -> int:
        """Messages the gateway sent since ``since`` (reads the store: call it off the loop)."""
        return self._sink.sent_count(self._gateway.name, since)

    def latest_sends(self, since: datetime, limit: int) -> list[datetime]:
        """When the gateway sent its latest ``limit`` messages since ``since`` (off the loop)."""
        return self._sink.latest_sends(self._gateway.name, since, limit)

    def awaiting_reports(self, since: datetime) -> list[tuple[str, str, datetime]]:
        """(uid, reference, sent at) of its messages sent since ``since`` still awaiting a report (off the loop)."""
        return self._sink.awaiting_reports(self._gateway.name, since)
