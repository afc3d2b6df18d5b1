"""XML replies of the Diafaan HTTP API: received messages, server status,
server configuration and server settings.

Element order is the Diafaan SMS Server's, because some clients read the
children of ``<Message>`` by position. Times are the server's local time as
``yyyyMMddHHmmss``. Characters that XML 1.0 cannot carry (control
characters a received SMS may contain) become U+FFFD.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Any, Iterable

from app.engine.views import GatewayView, MessageView

_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

#: Children of <Message>, in the order clients expect.
MESSAGE_ELEMENTS = ("From", "To", "MessageText", "MessageType", "MessageId", "MessagePart",
                    "ReceivedMessageParts", "TotalMessageParts", "SendTime", "ReceiveTime", "Gateway", "SMSC",
                    "PDU", "IsRemoved")


def clean(value: Any) -> str:
    return _NOT_XML.sub("\ufffd", "" if value is None else str(value))


def stamp(when: datetime | None) -> str:
    return when.astimezone().strftime("%Y%m%d%H%M%S") if when else ""


def _flag(value: bool) -> str:
    return "1" if value else "0"


def _document(root: ET.Element) -> bytes:
    ET.indent(root, space=" ")
    return b"<?xml version='1.0' encoding='UTF-8'?>\n" + ET.tostring(root, encoding="utf-8") + b"\n"


def _child(parent: ET.Element, tag: str, value: Any = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, {k: clean(v) for k, v in attrs.items()})
    if value is not None and value != "":
        el.text = clean(value)
    return el


def received_messages(messages: Iterable[MessageView], removed: bool) -> bytes:
    """``<MessageList Count="n">`` with one ``<Message>`` per received message."""
    messages = list(messages)
    root = ET.Element("MessageList", {"Count": str(len(messages))})
    for msg in messages:
        el = ET.SubElement(root, "Message")
        values = (msg.sender, msg.recipient, msg.text, msg.message_type, msg.uid, -1, msg.received_parts,
                  msg.total_parts, stamp(msg.sent_at), stamp(msg.created_at), msg.gateway or "", msg.smsc,
                  msg.pdu, _flag(removed or msg.removed))
        for tag, value in zip(MESSAGE_ELEMENTS, values):
            _child(el, tag, value)
    return _document(root)


def server_status(gateways: list[GatewayView], connectors: dict[str, bool], counts: dict[str, int],
                  queue: int, version: str, recent=None) -> bytes:
    """``<ServerStatus>`` with gateways, connectors and ``<Statistics>``."""
    root = ET.Element("ServerStatus")
    _child(root, "Server", Name="SMS Console", Version=version)
    gws = ET.SubElement(root, "Gateways")
    for i, g in enumerate(gateways, start=1):
        running = g.state in ("running", "paused")
        el = _child(gws, "Gateway", Name=g.name, Id=str(i), Active=_flag(running),
                    Available=_flag(g.state == "running"), SendEnabled=_flag(g.state == "running"),
                    ReceiveEnabled=_flag(running))
        _child(el, "Type", g.kind)
        _child(el, "State", g.state)
        _child(el, "StateReason", g.state_reason)
        for key, tag in (("signal", "SignalStrength"), ("signal_quality", "SignalStrength"),
                         ("operator", "Operator"), ("network", "Network")):
            if key in g.info:
                _child(el, tag, g.info[key])
        _child(el, "MessagesSent", g.sent)
        _child(el, "MessagesReceived", g.received)
        _child(el, "MessagesFailed", g.failed)
        _child(el, "MessagesInProgress", g.busy)
        for key, value in g.info.items():
            _child(el, "Info", value, Name=key)
    cons = ET.SubElement(root, "Connectors")
    for i, (name, active) in enumerate(connectors.items(), start=1):
        _child(cons, "Connector", Name=name, Id=str(i), Active=_flag(active))
    stats = ET.SubElement(root, "Statistics")
    sent = sum(counts.get(s, 0) for s in ("sent", "delivered", "undelivered"))
    for tag, value in (("MessagesInSendQueue", queue), ("MessagesSending", counts.get("sending", 0)),
                       ("MessagesSent", sent), ("MessagesDelivered", counts.get("delivered", 0)),
                       ("MessagesUndelivered", counts.get("undelivered", 0)),
                       ("MessagesFailed", counts.get("failed", 0)), ("MessagesExpired", counts.get("expired", 0)),
                       ("MessagesCancelled", counts.get("cancelled", 0)),
                       ("MessagesReceived", counts.get("received", 0))):
        _child(stats, tag, str(value))
    if recent is not None:  # the last hour's traffic and the last day's delivery rate, read every minute
        rate = recent.delivery_rate
        for tag, value in (("MessagesSentLastHour", recent.sent_last_hour),
                           ("MessagesReceivedLastHour", recent.received_last_hour),
                           ("MessagesDeliveredLastDay", recent.delivered_last_day),
                           ("MessagesFailedLastDay", recent.failed_last_day),
                           ("DeliveryRateLastDay", "" if rate is None else f"{rate:.3f}")):
            _child(stats, tag, str(value))
    return _document(root)


def server_configuration(gateways: list[tuple[GatewayView, list[tuple[str, str, Any]]]],
                         connectors: list[tuple[str, dict[str, Any], dict[str, dict[str, Any]]]]) -> bytes:
    """Every gateway's declared properties and every connector's properties and routing.

    ``gateways``: (view, [(property, type name, value)]); ``connectors``:
    (name, properties, {gateway: routing properties}).
    """
    root = ET.Element("ServerConfiguration")
    gws = ET.SubElement(root, "Gateways")
    for view, props in gateways:
        el = _child(gws, "Gateway", Name=view.name, Type=view.kind)
        for key, type_name, value in props:
            _child(el, "Property", _text(value), Name=key, Type=type_name)
    cons = ET.SubElement(root, "Connectors")
    for name, props, routing in connectors:
        el = _child(cons, "Connector", Name=name)
        for key, value in props.items():
            _child(el, "Property", _text(value), Name=key, Type=type(value).__name__)
        for gateway, route in routing.items():
            r = _child(el, "Routing", Gateway=gateway)
            for key, value in route.items():
                _child(r, "Property", _text(value), Name=key, Type=type(value).__name__)
    return _document(root)


def server_settings(settings: list[tuple[str, str, Any, str]]) -> bytes:
    """The general settings: (name, type name, value, description)."""
    root = ET.Element("ServerSettings")
    for key, type_name, value, description in settings:
        _child(root, "Property", _text(value), Name=key, Type=type_name, Description=description)
    return _document(root)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, list):
        return ";".join(map(str, value))
    return "" if value is None else str(value)
