"""The one interface every gateway kind implements.

A gateway owns one worker task and one queue. The engine hands it messages
it has already committed as ``sending`` (:meth:`Gateway.submit`); the worker
sends them one at a time and reports each outcome to the engine through its
:class:`~app.gateways.services.GatewayServices` (built from the engine, a
:class:`GatewaySink`, or a test's fake). Received messages and delivery
reports go the same way. Gateways know nothing of the store or of routing.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any, Awaitable, ClassVar, Protocol

from app.settings import Setting, SettingGroup

from .send_limiter import SendLimiter
from .services import GatewayServices

log = logging.getLogger(__name__)


class GatewayState(str, Enum):
    STOPPED = "stopped"
    STARTING = "starting"
    RUNNING = "running"
    PAUSED = "paused"
    STOPPING = "stopping"
    ERROR = "error"
    DISCONNECTED = "disconnected"
    AUTH_FAILED = "authentication failed"
    PIN_REQUIRED = "PIN required"
    PUK_REQUIRED = "PUK required"
    #: A modem's SIM is not the one it had: nothing is sent until the operator accepts it.
    SIM_CHANGED = "SIM changed"


@dataclass(frozen=True)
class OutboundSms:
    """What a gateway needs to send one message (all its parts)."""

    message_id: int
    uid: str
    recipient: str
    text: str
    sender: str = ""
    message_type: str = "sms.automatic"
    #: "gsm" or "ucs2", as the engine prepared the text.
    encoding: str = "gsm"
    flash: bool = False
    status_report: bool = False
    validity_seconds: int | None = None
    customer_ref: str = ""
    #: The message's priority (higher first); providers with classes of service send > 0 as express.
    priority: int = 0
    #: Billing code to pass on to a provider that accepts one.
    billcode: str = ""
    #: The token of the engine's claim on the message when it was handed over (gateways pass it on
    #: untouched): its outcome is written only while that claim holds.
    claim: int = 0
    #: Whether the store may hold parts of an earlier send of the message (it had a gateway reference when
    #: claimed): they are dropped when this send is recorded. False spares a first send that statement.
    earlier_parts: bool = True


@dataclass(frozen=True)
class SendResult:
    ok: bool
    #: The gateway's reference(s), used to match delivery reports.
    references: tuple[str, ...] = ()
    parts: int = 1
    reason: str = ""
    #: A failure that may succeed later (network, modem busy) rather than for good.
    retryable: bool = False
    #: The provider may have taken it all the same (a request written and never answered): a retry is
    #: flagged as a possible duplicate.
    possible_duplicate: bool = False


@dataclass(frozen=True)
class IncomingSms:
    sender: str
    text: str
    recipient: str = ""
    smsc: str = ""
    pdu: str = ""
    sent_at: datetime | None = None
    total_parts: int = 1
    received_parts: int = 1
    message_type: str = "sms.text"
    #: Identifies the message across repeated reads, so it is stored once.
    fingerprint: str | None = None


@dataclass(frozen=True)
class DeliveryReport:
    reference: str
    #: "delivered", "undelivered" or "pending".
    outcome: str
    reason: str = ""
    at: datetime | None = None
    recipient: str = ""


class GatewaySink(Protocol):
    """How a gateway tells the engine what happened."""

    def gateway_sent(self, gateway: "Gateway", sms: OutboundSms, result: SendResult) -> None: ...
    def gateway_returned(self, gateway: "Gateway", sms: list[OutboundSms]) -> None: ...
    def gateway_received(self, gateway: "Gateway", sms: IncomingSms) -> "Awaitable[None] | None": ...
    def gateway_report(self, gateway: "Gateway", report: DeliveryReport) -> "Awaitable[None] | None": ...
    def awaiting_reports(self, gateway: str, since: datetime) -> list[tuple[str, str, datetime]]: ...
    def sent_count(self, gateway: str, since: datetime) -> int: ...
    def latest_sends(self, gateway: str, since: datetime, limit: int) -> list[datetime]: ...
    def gateway_state_changed(self, gateway: "Gateway") -> None: ...
    def gateway_alert(self, gateway: "Gateway", text: str) -> None: ...
    async def recall_gateway_facts(self, name: str) -> dict[str, Any]: ...
    async def remember_gateway_facts(self, name: str, facts: dict[str, Any]) -> None: ...


@dataclass
class Counters:
    sent: int = 0
    failed: int = 0
    received: int = 0
    #: (minute number, count) of sent messages, for the last hour.
    per_minute: deque = field(default_factory=lambda: deque(maxlen=60))

    def count_sent(self, now: float | None = None) -> None:
        self.sent += 1
        minute = int((now if now is not None else time.time()) // 60)
        if self.per_minute and self.per_minute[-1][0] == minute:
            self.per_minute[-1] = (minute, self.per_minute[-1][1] + 1)
        else:
            self.per_minute.append((minute, 1))

    def last_hour(self, now: float | None = None) -> list[int]:
        """Messages sent in each of the last 60 minutes, oldest first."""
        current = int((now if now is not None else time.time()) // 60)
        counts = dict(self.per_minute)
        return [counts.get(m, 0) for m in range(current - 59, current + 1)]


#: Lines of traffic each gateway keeps for diagnosis.
TRAFFIC_LINES = 500
#: A gateway's worker lets the loop run after this many answers in a row given without waiting.
YIELD_EVERY = 32


@dataclass(frozen=True)
class TrafficEntry:
    """One line of a gateway's dialogue with its device or provider (an AT command, an HTTP exchange)."""

    at: float
    #: "out" (to the device or provider), "in" (from it) or "info".
    direction: str
    text: str


COMMON_SETTINGS = (
    Setting("name", str, "", "Unique gateway name.", required=True),
    Setting("kind", str, "", "Gateway kind.", required=True),
    Setting("enabled", bool, True, "Start the gateway with the console."),
    Setting("window", int, 4, "Messages handed to the gateway at once.", minimum=1, maximum=1000),
    Setting("owner", str, "", "The console (its [store] instance name) that runs the gateway when several "
            "share a store: a modem's machine. Empty: any one console, one at a time."),
)


class Gateway:
    """Base class: queue, worker task, state and counters."""

    kind: ClassVar[str] = ""
    #: Kind-specific settings; the config file and the GUI validate against them.
    SETTINGS: ClassVar[tuple[Setting, ...]] = ()

    def __init__(self, name: str, settings: dict[str, Any], sink: GatewaySink | None = None, *,
                 services: GatewayServices | None = None):
        """``services``: what the engine offers this gateway (a test's fake, say); without it, built from
        ``sink`` (the engine)."""
        self.name = name
        self.settings = self.setting_group().validate({**settings, "name": name, "kind": self.kind})
        if services is None:
            if sink is None:
                raise TypeError("a gateway needs the engine's services (or a sink to build them from)")
            services = GatewayServices.of(sink, self)
        self.services = services
        self.state = GatewayState.STOPPED
        self.state_reason = ""
        self.counters = Counters()
        #: Messages a minute and a day, for the kinds that declare the limit settings (LIMIT_SETTINGS).
        self.limiter = SendLimiter(self.settings.get("per_minute", 0), self.settings.get("per_day", 0))
        self._window: int = self.settings["window"]
        self.started_at: float | None = None
        self.last_activity: float | None = None
        #: The operator paused the gateway (kept while it reconnects, so it comes back paused).
        self.operator_paused = False
        self._queue: asyncio.Queue[OutboundSms] = asyncio.Queue()
        self._inflight: OutboundSms | None = None
        self._worker: asyncio.Task | None = None
        self.traffic: deque[TrafficEntry] = deque(maxlen=TRAFFIC_LINES)

    def log_traffic(self, direction: str, text: str) -> None:
        """Keep one line of the dialogue for the traffic log (the oldest lines are dropped)."""
        self.traffic.append(TrafficEntry(time.time(), direction, text))

    @classmethod
    def setting_group(cls) -> SettingGroup:
        return SettingGroup(COMMON_SETTINGS + cls.SETTINGS)

    # --- state -------------------------------------------------------------

    def set_state(self, state: GatewayState, reason: str = "") -> None:
        if state == self.state and reason == self.state_reason:
            return
        self.state = state
        self.state_reason = reason
        log.info("gateway %s: %s%s", self.name, state.value, f" ({reason})" if reason else "")
        self.services.state_changed()

    @property
    def running(self) -> bool:
        return self.state in (GatewayState.RUNNING, GatewayState.PAUSED)

    @property
    def busy(self) -> int:
        """Messages handed over and not yet answered."""
        return self._queue.qsize() + (1 if self._inflight else 0)

    @property
    def window(self) -> int:
        """How many messages the engine may hand over now: the setting, capped by the send limits."""
        room = self.limiter.room(self.busy)
        if room is None:
            return self._window
        return self.busy + max(0, min(self._window - self.busy, room))

    @window.setter
    def window(self, value: int) -> None:
        self._window = value

    def can_accept(self) -> bool:
        return self.state == GatewayState.RUNNING and self.busy < self.window and self.under_limits()

    def under_limits(self) -> bool:
        room = self.limiter.room(self.busy)
        return room is None or room > 0

    @classmethod
    def has_send_limits(cls) -> bool:
        """The kind declares per-minute and per-day limits (``reset-send-limit`` applies to it)."""
        return any(s.name == "per_minute" for s in cls.SETTINGS)

    def reset_send_limit(self) -> None:
        """Start counting the per-day and per-minute limits afresh (Diafaan's reset-send-limit)."""
        self.limiter.reset()

    # --- life --------------------------------------------------------------

    async def start(self) -> None:
        if self.running or self.state == GatewayState.STARTING:
            return
        self.set_state(GatewayState.STARTING)
        try:
            await self.limiter.restore(self.services, self.name)
            await self.open()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("gateway %s failed to start", self.name)
            self.set_state(GatewayState.ERROR, str(exc) or type(exc).__name__)
            return
        self.started_at = time.time()
        self._worker = asyncio.create_task(self._work(), name=f"gateway:{self.name}")
        if self.state == GatewayState.STARTING:
            self.set_state(GatewayState.RUNNING)

    async def stop(self, timeout: float = 10.0) -> None:
        """Stop taking work, finish the message in flight, return the rest."""
        if self.state == GatewayState.STOPPED:
            return
        self.set_state(GatewayState.STOPPING)
        self._return_queued()
        if self._worker is not None:
            worker, self._worker = self._worker, None
            if self._inflight is None:
                worker.cancel()
            try:
                async with asyncio.timeout(timeout):
                    await asyncio.shield(worker)
            except (TimeoutError, asyncio.CancelledError):
                worker.cancel()
        try:
            await self.close()
        except Exception:
            log.exception("gateway %s: error while closing", self.name)
        self.started_at = None
        self.set_state(GatewayState.STOPPED)

    def pause(self) -> None:
        self.operator_paused = True
        if self.state == GatewayState.RUNNING:
            self._return_queued()
            self.set_state(GatewayState.PAUSED)

    def resume(self) -> None:
        self.operator_paused = False
        if self.state == GatewayState.PAUSED:
            self.set_state(GatewayState.RUNNING)

    def submit(self, sms: OutboundSms) -> None:
        self._queue.put_nowait(sms)

    def _return_queued(self) -> None:
        waiting = []
        while not self._queue.empty():
            waiting.append(self._queue.get_nowait())
        if waiting:
            self.services.returned(waiting)

    async def _work(self) -> None:
        done = 0
        while True:
            sms = await self._queue.get()
            if self.state not in (GatewayState.RUNNING, GatewayState.PAUSED):
                self.services.returned([sms])
                continue
            self._inflight = sms
            try:
                result = await self.send(sms)
            except asyncio.CancelledError:
                self._inflight = None
                raise
            except Exception as exc:
                log.exception("gateway %s: sending message %s failed", self.name, sms.uid)
                result = SendResult(ok=False, reason=f"{type(exc).__name__}: {exc}", retryable=True)
            self._inflight = None
            self.answered(sms, result)
            if self.state == GatewayState.STOPPING:
                return
            done += 1
            if done % YIELD_EVERY == 0:
                await asyncio.sleep(0)  # a kind that answers at once must not keep the loop to itself

    def answered(self, sms: OutboundSms, result: SendResult) -> None:
        """Count a message's outcome and hand it to the engine."""
        self.last_activity = self.services.now()
        if result.ok:
            self.counters.count_sent()
            self.limiter.count()
        else:
            self.counters.failed += 1
        self.services.sent(sms, result)

    # --- for the kinds -------------------------------------------------------

    async def open(self) -> None:
        """Connect to the device or provider; raise to report a start failure."""

    async def close(self) -> None:
        """Release the device or connection."""

    async def send(self, sms: OutboundSms) -> SendResult:
        raise NotImplementedError

    def received(self, sms: IncomingSms) -> "Awaitable[None] | None":
        """Hand a received message to the engine; returns what to await for its commit (None: committed)."""
        self.counters.received += 1
        self.last_activity = self.services.now()
        return self.services.received(sms)

    def info(self) -> dict[str, Any]:
        """Kind-specific facts for the Gateways tab and server status (signal, operator, URL)."""
        return {}

    def connection(self) -> dict[str, Any]:
        """Where this gateway connects: remote host/port or device path (supplier sessions)."""
        return {}

    def connections(self) -> list[dict[str, Any]]:
        """Each connection of the gateway, one supplier session each (an SMPP transmitter and receiver are
        two); keys as :meth:`connection`, and optionally ``mode``, ``local_host`` and ``local_port``."""
        return [self.connection()]
