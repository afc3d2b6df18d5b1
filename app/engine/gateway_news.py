"""What the engine does with its gateways' news (the :class:`~app.gateways.base.GatewaySink` the
engine is to every gateway, through :class:`~app.gateways.services.GatewayServices`): states and alerts
announced, outcomes, reports and received messages queued for the writer in order, what a gateway
remembers and holds kept in the store. A part of :class:`~app.engine.engine.Engine` (its base class),
kept apart so that each file stays readable.
"""

from __future__ import annotations

import asyncio
from typing import Any

from sqlmodel import col, select

from app.gateways.base import DeliveryReport, Gateway, GatewayState, IncomingSms, OutboundSms, SendResult
from app.store import models as m
from app.store.models import Message

from . import gateway_memory, gateway_pending
from .events import GatewayAlert, GatewayStateChanged, MessageStored
from .peer_changes import PeerChanges
from .views import MessageView


class GatewayNews:
    """Mixed into :class:`Engine`: every method runs with the engine as ``self``."""

    # --- gateway sink ----------------------------------------------------------------

    def gateway_state_changed(self, gateway: Gateway) -> None:
        self._new_dispatch_epoch()
        if gateway.name in self.gateways:
            self.events.publish(GatewayStateChanged(self.gateway_view(gateway)))
            self.sessions.gateway_changed(gateway)
        if gateway.state in (GatewayState.RUNNING,):
            self.dispatcher.wake()

    def gateway_alert(self, gateway: Gateway, text: str) -> None:
        self.events.publish(GatewayAlert(gateway.name, text))

    #: What a gateway remembers about its device (a modem's IMEI and IMSI), read and written in the store lane.
    recall_gateway_facts = gateway_memory.recall
    remember_gateway_facts = gateway_memory.remember
    #: What a gateway acknowledged and holds (parts awaiting the others, early receipts), kept in the store.
    keep_gateway_pending = gateway_pending.keep
    settle_gateway_pending = gateway_pending.settle
    load_gateway_pending = gateway_pending.load
    purge_gateway_pending = gateway_pending.purge
    received_fingerprints = gateway_pending.received_fingerprints

    def gateway_sent(self, gateway: Gateway, sms: OutboundSms, result: SendResult) -> None:
        self.outbox.record_result(gateway, sms, result)
        self.dispatcher.wake()

    def gateway_returned(self, gateway: Gateway, sms: list[OutboundSms]) -> None:
        self.outbox.requeue(sms)
        self.dispatcher.wake()

    def gateway_report(self, gateway: Gateway, report: DeliveryReport) -> asyncio.Future | None:
        return self.outbox.record_report(gateway, report)

    def awaiting_reports(self, gateway: str, since) -> list[tuple[str, str, Any]]:
        """(uid, reference, sent_at) of the messages ``gateway`` sent since ``since`` that have no final
        outcome yet, so a provider gateway can ask for their statuses again after a restart.
        Reads the store; safe in a worker thread."""
        with self.db.session() as s:
            return [tuple(r) for r in s.exec(select(Message.uid, Message.reference, Message.sent_at).where(
                Message.direction == m.OUT, Message.status == m.SENT, Message.gateway == gateway,
                Message.sent_at >= since, col(Message.reference).is_not(None)))]

    def gateway_received(self, gateway: Gateway, sms: IncomingSms) -> asyncio.Future | None:
        """Store a received message (in the store lane, in order with the gateway's other news); the future
        is done once it is committed."""
        return self.outbox.record_received(gateway, sms)

    def message_received(self, view: MessageView) -> None:
        """A received message was committed (on the loop): counted unread and announced."""
        self._unread_add(1)
        self.messages_stored([view])

    def follow_other_consoles(self) -> None:
        """Announce the changes other consoles sharing the store make to messages (``MessageChanged``), as
        the window's lists want; a headless console has no use for them and leaves them unread."""
        if not self.db.is_sqlite and self.peers is None:
            self.peers = PeerChanges(self.instance_id)

    def messages_stored(self, views: list[MessageView]) -> None:
        """Committed new messages (on the loop): counted by state, queued for the search index and the
        conversation summary in the background, announced (MessageStored each). Once for a whole job:
        a job of a hundred thousand messages is handed over in a blink."""
        if not views:
            return
        self.counts.stored(views)
        self.db.messages_added()
        self.events.publish_all([MessageStored(v) for v in views])
