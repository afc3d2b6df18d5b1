"""What a client asks the engine to send, and what it answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .views import MessageView


@dataclass
class OutboundRequest:
    """One text to one or more recipients, with its options."""

    recipients: list[str]
    text: str
    sender: str = ""
    message_type: str = "sms.automatic"
    priority: int = 0
    #: Gateway names that may carry it (empty: any).
    gateways: list[str] = field(default_factory=list)
    scheduled_at: datetime | None = None
    validity_seconds: int | None = None
    status_report: bool = False
    flash: bool = False
    #: Public id for the message (single recipient only); generated when empty.
    uid: str | None = None
    customer_ref: str = ""
    #: Per-recipient customer references, parallel to ``recipients``.
    recipient_refs: list[str] | None = None
    message_info: str = ""
    billcode: str = ""
    #: Retarus ``encoding``: "STANDARD" (GSM 7-bit) or "UTF-16"; None: as the message type says.
    encoding: str | None = None
    #: Retarus ``invalidCharacters``: REFUSE, REPLACE, TO_UTF16, TRANSLITERATE (None: the type's default).
    invalid_characters: str | None = None
    #: Truncate the text to this many parts (1–20).
    max_parts: int | None = None
    #: Allow national language shift tables when they save parts.
    national: bool = True
    #: ``"start/end"`` ISO-8601 periods in which the message must not be sent.
    blackout: list[str] = field(default_factory=list)
    #: Per-recipient blackout periods, parallel to ``recipients`` (None: none).
    recipient_blackout: list[list[str]] | None = None
    #: Refuse a recipient when the same sender, recipient and text was accepted
    #: within the ``duplicate_window_seconds`` setting.
    duplicate_detection: bool = False


@dataclass(frozen=True)
class QueueItem:
    recipient: str
    message: MessageView | None = None
    #: Why this recipient was refused (``message`` is None then).
    error: str = ""
    #: A short machine code for the refusal: "invalid-number", "blocked", "duplicate-id".
    code: str = ""


@dataclass(frozen=True)
class QueueResult:
    job_id: str
    items: tuple[QueueItem, ...]

    @property
    def accepted(self) -> list[MessageView]:
        return [i.message for i in self.items if i.message is not None]

    @property
    def refused(self) -> list[QueueItem]:
        return [i for i in self.items if i.message is None]


class EngineError(ValueError):
    """An operation was refused; the message says why in the operator's terms."""


def job_ref(requests: list[OutboundRequest]) -> str:
    """The job's own reference (the Retarus ``customerRef`` of a job): its requests share it."""
    return (requests[0].customer_ref or "")[:64] if requests else ""
