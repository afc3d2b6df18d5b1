"""The one adapter between the engine's plain-Python events and Qt signals."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.engine import events as ev
from app.engine.engine import Engine


class EngineBridge(QObject):
    message_stored = Signal(object)      # MessageView
    message_changed = Signal(object)     # MessageView
    messages_deleted = Signal(object)    # tuple[int, ...]
    gateway_state_changed = Signal(object)  # GatewayView
    gateways_changed = Signal()
    gateway_alert = Signal(str, str)     # gateway name, what the operator must hear
    sessions_changed = Signal()
    routing_rules_changed = Signal()
    users_changed = Signal()             # here or by another console sharing the store
    store_health_changed = Signal(object)  # StoreHealthChanged

    def __init__(self, engine: Engine, parent: QObject | None = None):
        super().__init__(parent)
        self.engine = engine
        self._unsubscribe = engine.events.subscribe(self._on_event)
        engine.follow_other_consoles()  # the window's lists follow what other consoles do

    def _on_event(self, event: object) -> None:
        if isinstance(event, ev.MessageStored):
            self.message_stored.emit(event.message)
        elif isinstance(event, ev.MessageChanged):
            self.message_changed.emit(event.message)
        elif isinstance(event, ev.MessagesDeleted):
            self.messages_deleted.emit(event.ids)
        elif isinstance(event, ev.GatewayStateChanged):
            self.gateway_state_changed.emit(event.gateway)
        elif isinstance(event, ev.GatewayAlert):
            self.gateway_alert.emit(event.gateway, event.text)
        elif isinstance(event, ev.GatewaysChanged):
            self.gateways_changed.emit()
        elif isinstance(event, ev.SessionsChanged):
            self.sessions_changed.emit()
        elif isinstance(event, ev.RoutingRulesChanged):
            self.routing_rules_changed.emit()
        elif isinstance(event, ev.UsersChanged):
            self.users_changed.emit()
        elif isinstance(event, ev.StoreHealthChanged):
            self.store_health_changed.emit(event)

    def close(self) -> None:
        self._unsubscribe()
