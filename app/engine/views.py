"""Read-only snapshots handed to the window and the HTTP API, so neither
needs a database session."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from app.store.models import Message


@dataclass(frozen=True)
class MessageView:
    id: int
    uid: str
    direction: str
    status: str
    sender: str
    recipient: str
    text: str
    message_type: str
    parts: int
    priority: int
    gateway: str | None
    reason: str
    job_id: str | None
    customer_ref: str
    message_info: str
    read: bool
    possible_duplicate: bool
    attempts: int
    created_at: datetime
    scheduled_at: datetime | None
    expires_at: datetime | None
    sent_at: datetime | None
    finished_at: datetime | None
    updated_at: datetime
    status_report: bool = False
    flash: bool = False
    user: str = ""
    total_parts: int = 1
    received_parts: int = 1
    smsc: str = ""
    pdu: str = ""
    removed: bool = False

    @classmethod
    def of(cls, m: Message) -> "MessageView":
        return cls(**{f.name: getattr(m, f.name) for f in _FIELDS})


_FIELDS = fields(MessageView)
MESSAGE_VIEW_COLUMNS = tuple(f.name for f in _FIELDS)


@dataclass(frozen=True)
class GatewayView:
    name: str
    kind: str
    state: str
    state_reason: str
    enabled: bool
    sent: int
    failed: int
    received: int
    busy: int
    info: dict[str, Any]
    settings: dict[str, Any]
    per_minute: tuple[int, ...] = ()
    #: Where the gateway is declared: "store" (this window, the API) or "config" (the configuration file).
    origin: str = "store"
