"""Plain-Python events the engine publishes. The window's adapter re-emits
them as Qt signals; the HTTP API and tests subscribe directly."""

from __future__ import annotations

import logging
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
class GatewaysChanged:
    """Gateways were added or removed."""


@dataclass(frozen=True)
class SessionsChanged:
    """A customer or supplier session opened, closed, or changed."""


@dataclass(frozen=True)
class RoutingRulesChanged:
    """The routing rules were replaced (the window, the HTTP API or the configuration file)."""


Event = object
Listener = Callable[[Event], None]


class EventBus:
    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def publish(self, event: Event) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                log.exception("event listener failed on %s", type(event).__name__)
