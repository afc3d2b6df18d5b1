"""Plain-Python events the engine publishes. The window's adapter re-emits
them as Qt signals; the HTTP API and tests subscribe directly."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Callable

from .views import GatewayView, MessageView

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MessageStored:
    """A message entered the store (queued outbound or received inbound)."""

    message: MessageView


@dataclass(frozen=True)
class MessageChanged:
    """A stored message changed state (status, read flag, gateway...)."""

    message: MessageView


@dataclass(frozen=True)
class MessagesDeleted:
    ids: tuple[int, ...]


@dataclass(frozen=True)
class GatewayStateChanged:
    gateway: GatewayView


@dataclass(frozen=True)
class GatewayAlert:
    """Something about a gateway the operator must hear of (a modem down too long, its SIM changed)."""

    gateway: str
    text: str


@dataclass(frozen=True)
class GatewaysChanged:
    """Gateways were added or removed."""


@dataclass(frozen=True)
class UsersChanged:
    """API users were added, changed or removed: ``name`` (None: any, as another console sharing the store
    changed them). Remembered password checks of them no longer hold."""

    name: str | None = None


@dataclass(frozen=True)
class SessionsChanged:
    """A customer or supplier session opened, closed, or changed."""


@dataclass(frozen=True)
class RoutingRulesChanged:
    """The routing rules were replaced (the window, the HTTP API or the configuration file)."""


Event = object
Listener = Callable[[Event], None]


@dataclass(frozen=True)
class StoreHealthChanged:
    """The store went away (``reachable`` false, with the cause) or answers again (after ``gone_for`` s)."""

    reachable: bool
    cause: str = ""
    gone_for: float = 0.0


class EventBus:
    """Listeners run on the event loop's thread. An event published from another thread (an engine
    operation run in the store lane) is handed to the loop and delivered there, in order."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        #: The loop listeners run on, once the engine runs on one (``attach``).
        self._loop = None
        self._thread: int | None = None

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def attach(self, loop) -> None:
        """Deliver events on ``loop``'s thread (the calling thread, which runs it)."""
        self._loop, self._thread = loop, threading.get_ident()

    def call_on_loop(self, fn: Callable[[], None]) -> None:
        """Call ``fn`` on the loop's thread: now when this is it, else handed over (from the store lane)."""
        if self._thread is not None and threading.get_ident() != self._thread and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(fn)
        else:
            fn()

    def publish(self, event: Event) -> None:
        if self._thread is not None and threading.get_ident() != self._thread and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._deliver, event)
            return
        for listener in list(self._listeners):  # as _deliver, without the calls: changes come by the thousand
            try:
                listener(event)
            except Exception:
                log.exception("event listener failed on %s", type(event).__name__)

    def publish_all(self, events: list[Event]) -> None:
        """Publish each of ``events`` in order (one hand-over to the loop for all of them)."""
        if self._thread is not None and threading.get_ident() != self._thread and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._deliver_all, events)
            return
        self._deliver_all(events)

    def _deliver_all(self, events: list[Event]) -> None:
        listeners = list(self._listeners)
        for event in events:
            for listener in listeners:
                try:
                    listener(event)
                except Exception:
                    log.exception("event listener failed on %s", type(event).__name__)

    def _deliver(self, event: Event) -> None:
        self._deliver_all((event,))
