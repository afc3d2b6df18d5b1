"""SQLModel tables of the message store.

One ``message`` table holds both directions; a ``job`` groups the messages
submitted together (one API request, one bulk send). Status names are the
constants below; the life of an outbound message is
``queued → (scheduled) → sending → sent → delivered`` with side exits
``failed``, ``expired``, ``cancelled`` and ``undelivered``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import Index, Text, text
from sqlmodel import Field, SQLModel

from .timeutil import UTCDateTime, utcnow

# Directions
OUT = "out"
IN = "in"

# Outbound states
QUEUED = "queued"
SCHEDULED = "scheduled"
SENDING = "sending"
SENT = "sent"
DELIVERED = "delivered"
FAILED = "failed"
EXPIRED = "expired"
CANCELLED = "cancelled"
UNDELIVERED = "undelivered"
# Inbound state
RECEIVED = "received"

PENDING_STATES = (QUEUED, SCHEDULED, SENDING)
FINAL_STATES = (DELIVERED, FAILED, EXPIRED, CANCELLED, UNDELIVERED)
#: States in which no more work is done unless a delivery report arrives.
DONE_STATES = (SENT,) + FINAL_STATES


#: The rows of ``ix_message_queue``.
QUEUE_CONDITION = f"direction = '{OUT}' AND status = '{QUEUED}'"


def _where(condition: str) -> dict:
    """Keyword arguments of a partial index, for both backends."""
    return {"sqlite_where": text(condition), "postgresql_where": text(condition)}


def _ts(**kw):
    return Field(sa_type=UTCDateTime, **kw)


class Message(SQLModel, table=True):
    __table_args__ = (
        # the queue alone (outbound messages waiting to be claimed), priority descending, so "highest
        # priority, then oldest" is an index walk, not a sort; a message leaving the queue leaves it, and its
        # later changes (sent, delivered) write nothing in it. Queries name both values as literals (a
        # bound value does not match a partial index's condition: SQLite, PostgreSQL's generic plans). The
        # two constant columns lead it so that SQLite, with no statistics, prefers it to ix_message_dir_status.
        Index("ix_message_queue", "direction", "status", text("priority DESC"), "id", **_where(QUEUE_CONDITION)),
        # Columns that a new message leaves empty are indexed only where set (partial indexes), so
        # queueing a message writes no entry in them; every query on them names a value, which
        # implies "IS NOT NULL" and lets both SQLite and PostgreSQL use the partial index.
        Index("ix_message_expiry", "status", "expires_at", **_where("expires_at IS NOT NULL")),
        Index("ix_message_schedule", "status", "scheduled_at", **_where("scheduled_at IS NOT NULL")),
        Index("ix_message_retry", "status", "next_attempt_at", **_where("next_attempt_at IS NOT NULL")),
        # not the lease's time: renewing a lease changes no indexed column (a HOT update on PostgreSQL)
        Index("ix_message_claim", "status", "claimed_by", **_where("claimed_by IS NOT NULL")),
        Index("ix_message_fingerprint", "fingerprint", **_where("fingerprint IS NOT NULL")),
        Index("ix_message_dir_id", "direction", "id"),
        Index("ix_message_job", "job_id"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    uid: str = Field(unique=True, index=True, max_length=80)
    direction: str = Field(max_length=3)
    status: str = Field(max_length=16)
    sender: str = Field(default="", max_length=32)
    recipient: str = Field(default="", max_length=32)
    text: str = Field(default="", sa_type=Text)
    message_type: str = Field(default="sms.automatic", max_length=24)
    encoding: str = Field(default="", max_length=8)
    flash: bool = False
    status_report: bool = False
    parts: int = 1
    priority: int = 0
    gateway: Optional[str] = Field(default=None, max_length=64)
    #: Gateways the submitter allowed, ``;``-separated (empty: any).
    gateways_allowed: str = Field(default="", max_length=512)
    #: The gateway's reference(s) for the sent parts, ``,``-separated, for display; reports are matched
    #: through the parts' rows (``message_part``).
    reference: Optional[str] = Field(default=None, max_length=128)
    reason: str = Field(default="", max_length=512)
    attempts: int = 0
    possible_duplicate: bool = False
    job_id: Optional[str] = Field(default=None, max_length=64)
    customer_ref: str = Field(default="", max_length=64)
    billcode: str = Field(default="", max_length=70)
    message_info: str = Field(default="", max_length=512)
    user: str = Field(default="", max_length=64)
    #: JSON list of ``"start/end"`` ISO-8601 periods in which it must not be sent.
    blackout: str = Field(default="", sa_type=Text)
    created_at: datetime = _ts(default_factory=utcnow)
    scheduled_at: Optional[datetime] = _ts(default=None)
    expires_at: Optional[datetime] = _ts(default=None)
    next_attempt_at: Optional[datetime] = _ts(default=None)
    sent_at: Optional[datetime] = _ts(default=None)
    finished_at: Optional[datetime] = _ts(default=None)
    updated_at: datetime = _ts(default_factory=utcnow)
    # Inbound
    read: bool = False
    removed: bool = False
    smsc: str = Field(default="", max_length=32)
    pdu: str = Field(default="", sa_type=Text)
    total_parts: int = 1
    received_parts: int = 1
    #: Fingerprint of an inbound message, so one read twice is stored once.
    fingerprint: Optional[str] = Field(default=None, max_length=64)
    #: Gateways that failed this message with a retryable error since its last backoff, ``;``-separated;
    #: the next attempt prefers another candidate (failover).
    gateways_failed: str = Field(default="", max_length=512)
    # Shared queue (several instances on one database)
    claimed_by: Optional[str] = Field(default=None, max_length=64)
    lease_until: Optional[datetime] = _ts(default=None)
    #: Counted up by each claim: the token an outcome is written under (fencing), so the answer to a send
    #: whose claim was taken over changes nothing.
    claim_seq: int = 0


#: States of one part of a sent message.
PART_SENT = "sent"          # accepted by the gateway; a report may follow
PART_DELIVERED = "delivered"
PART_UNDELIVERED = "undelivered"
PART_FAILED = "failed"
PART_CLOSED = "closed"      # no report awaited any more: the message became final by another part's report


class MessagePart(SQLModel, table=True):
    """One part of a sent message as the gateway accepted it: its reference (a modem's message reference,
    a provider's id) and what its delivery report said. A report finds its part by (gateway, reference)."""

    __tablename__ = "message_part"
    __table_args__ = (
        Index("ix_part_message", "message_id", "part"),
        # parts still waiting for a report only: a report's lookup walks no delivered history
        Index("ix_part_awaiting", "gateway", "reference", "id", **_where("state = 'sent'")),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    message_id: int
    #: 1-based position of the part in the message.
    part: int = 1
    gateway: str = Field(max_length=64)
    reference: str = Field(max_length=128)
    state: str = Field(default=PART_SENT, max_length=12)
    sent_at: Optional[datetime] = _ts(default=None)
    finished_at: Optional[datetime] = _ts(default=None)


class MessageEvent(SQLModel, table=True):
    """The event journal: one row per change of a message's status (written by a trigger in the same
    transaction as the change) and per delivery report of one part of a multipart message."""

    __tablename__ = "message_event"
    __table_args__ = (Index("ix_event_message", "message_id", "id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    message_id: int
    at: datetime = _ts(default_factory=utcnow)
    from_status: str = Field(default="", max_length=16)
    to_status: str = Field(default="", max_length=16)
    #: The part a part event is about (0: the whole message).
    part: int = 0
    reason: str = Field(default="", max_length=512)
    gateway: Optional[str] = Field(default=None, max_length=64)
    #: The console holding the message's claim at the time (several consoles on one store).
    instance: Optional[str] = Field(default=None, max_length=64)


class Job(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=64)
    user: str = Field(default="", max_length=64)
    source: str = Field(default="gui", max_length=16)
    customer_ref: str = Field(default="", max_length=64)
    #: The submitted options, as JSON, echoed back in job reports.
    options: str = Field(default="{}", sa_type=Text)
    created_at: datetime = _ts(default_factory=utcnow, index=True)
    finished_at: Optional[datetime] = _ts(default=None)


class GatewayRecord(SQLModel, table=True):
    __tablename__ = "gateway"

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=64)
    kind: str = Field(max_length=16)
    enabled: bool = True
    #: Kind-specific settings as JSON (port, url, limits...).
    settings: str = Field(default="{}", sa_type=Text)
    #: Where the gateway was declared: "config" (file wins) or "store".
    origin: str = Field(default="store", max_length=8)
    #: The console running it now (several consoles on one store), and until when its run holds
    #: (the store's clock) unless renewed.
    runner: Optional[str] = Field(default=None, max_length=64)
    runner_until: Optional[datetime] = _ts(default=None)
    #: The console that declared or changed the gateway last (its file, window or API), and when by the
    #: store's clock (empty, None: not recorded, written before schema 10); a run is no change.
    changed_by: str = Field(default="", max_length=64, sa_column_kwargs={"server_default": ""})
    changed_at: Optional[datetime] = _ts(default=None)


class InstanceRecord(SQLModel, table=True):
    """A console sharing the store: registered at its start, its heartbeat kept by the store's clock."""

    __tablename__ = "instance"

    name: str = Field(primary_key=True, max_length=64)
    host: str = Field(default="", max_length=255)
    pid: int = 0
    #: Which run of the console holds the name (a new one at each start).
    token: str = Field(default="", max_length=32)
    #: "running" or "stopped" (a running console whose heartbeat is old is gone).
    state: str = Field(default="running", max_length=16)
    started_at: Optional[datetime] = _ts(default=None)
    heartbeat_at: Optional[datetime] = _ts(default=None)
    #: Messages per second its gateways sent since the previous heartbeat.
    send_rate: float = 0.0
    #: The gateways it runs, ``;``-separated.
    gateways: str = Field(default="", sa_type=Text)


class User(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=64)
    password_hash: str = Field(max_length=256)
    api_secret_hash: str = Field(default="", max_length=256)
    admin: bool = False
    enabled: bool = True
    #: JSON list of privilege names.
    privileges: str = Field(default="[]", sa_type=Text)
    origin: str = Field(default="store", max_length=8)
    #: API access stopped by an operator (Sessions tab, HORISEN customer-connections/stop) until unblocked.
    api_blocked: bool = False
    #: Salted hash of the password for binding to the SMPP server (empty: the user may not bind).
    smpp_password_hash: str = Field(default="", max_length=256, sa_column_kwargs={"server_default": ""})
    #: The console that declared or changed the user last (its file, window or API), and when by the store's
    #: clock (empty, None: not recorded, written before schema 10); an operator's block is no change.
    changed_by: str = Field(default="", max_length=64, sa_column_kwargs={"server_default": ""})
    changed_at: Optional[datetime] = _ts(default=None)


class ConfigApplied(SQLModel, table=True):
    """What a console's configuration file said of one shared value (``item``: ``settings.<key>``,
    ``[[routing]]``, ``users.<name>``, ``gateways.<name>``) when the console last applied the file, and since
    when it says so by the store's clock: the time of that edit. A file's value whose digest is still the
    one kept here is as old as ``edited_at``; a different one is an edit made at the start that reads it.
    See :mod:`app.engine.file_edits`."""

    __tablename__ = "config_applied"

    instance: str = Field(primary_key=True, max_length=64)
    #: The file's absolute path, as the console reads it.
    file: str = Field(primary_key=True, max_length=1024)
    item: str = Field(primary_key=True, max_length=200)
    #: SHA-256 (hex) of the value's declaration without its secrets.
    digest: str = Field(max_length=64)
    #: JSON list of salted hashes (as of passwords) of the value's secrets, in order ("" for one not given;
    #: empty when it has none): a secret changed in the file is an edit too, though the store never learns it.
    secret_hashes: str = Field(default="", sa_type=Text)
    edited_at: datetime = _ts()


class SmppCursor(SQLModel, table=True):
    """How far the SMPP server has handed a user's delivery receipts (journal rows) and incoming messages
    (message ids) to the user's binds: what lies beyond is delivered when a receiver binds."""

    __tablename__ = "smpp_cursor"

    user: str = Field(primary_key=True, max_length=64)
    event_id: int = 0
    received_id: int = 0
    #: The console handing the user's deliveries out (its instance name) until ``lease_until`` (epoch
    #: seconds): consoles sharing a store take turns, none delivers what another is delivering.
    holder: str = Field(default="", max_length=64)
    lease_until: float = 0.0


class SmppDelivered(SQLModel, table=True):
    """A receipt (kind "r", a journal row's id) or incoming message (kind "i", a message id) beyond the
    user's cursor that a bind acknowledged. On a shared store ids are not committed in order, so the
    cursor moves only over ids old enough that no lower one can still appear; what was handed out above
    it is kept here until then, so it is not handed out twice."""

    __tablename__ = "smpp_delivered"

    user: str = Field(primary_key=True, max_length=64)
    kind: str = Field(primary_key=True, max_length=1)
    item_id: int = Field(primary_key=True)


class GatewayPending(SQLModel, table=True):
    """What a gateway took from a peer and acknowledged before it could be stored as a message or a report:
    a part of an incoming long message awaiting the others (kind "part"), a delivery receipt that came
    before the response naming its message id (kind "receipt"); and a part of a long message a customer
    submitted to the SMPP server (gateway ``smpp-server@<instance>``, kind "smpppart", keyed by the
    message's id). Kept so a restart of the console loses none; ``data`` is the holder's own JSON. A part of a message already stored stays ``done`` for a while,
    so the same part sent again is recognised."""

    __tablename__ = "gateway_pending"
    __table_args__ = (Index("ix_gateway_pending_gateway", "gateway", "kind"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    gateway: str = Field(max_length=64)
    kind: str = Field(max_length=8)
    #: What the gateway finds it by (a part's fingerprint, a receipt's message id, a held part's message id).
    key: str = Field(default="", max_length=128)
    data: str = Field(default="{}", sa_type=Text)
    created_at: datetime = _ts(default_factory=utcnow)
    done: bool = False


class ContactGroupLink(SQLModel, table=True):
    __tablename__ = "contact_group_link"

    contact_id: int = Field(foreign_key="contact.id", primary_key=True)
    group_id: int = Field(foreign_key="contact_group.id", primary_key=True)


class Contact(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(index=True, max_length=128)
    number: str = Field(index=True, max_length=32)
    note: str = Field(default="", max_length=512)


class ContactGroup(SQLModel, table=True):
    __tablename__ = "contact_group"

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=128)


class BlockedNumber(SQLModel, table=True):
    __tablename__ = "blocked_number"

    number: str = Field(primary_key=True, max_length=32)
    reason: str = Field(default="", max_length=256)


class RoutingRule(SQLModel, table=True):
    """One routing rule: which gateways may carry the messages it matches. Rules are tried by position."""

    __tablename__ = "routing_rule"

    id: Optional[int] = Field(default=None, primary_key=True)
    position: int = Field(default=0, index=True)
    name: str = Field(default="", max_length=128)
    #: Destination prefix (``+4917``) or shell-style pattern (``+4917[56]*``); empty: any.
    destination: str = Field(default="", max_length=64)
    #: Sender id, exact or pattern; empty: any.
    sender: str = Field(default="", max_length=64)
    #: API user name; empty: any.
    user: str = Field(default="", max_length=64)
    #: Message type (``sms.text``) or pattern (``sms.*``); empty: any.
    message_type: str = Field(default="", max_length=32)
    #: Gateway names, ``;``-separated, in order of preference.
    gateways: str = Field(default="", max_length=512)
    enabled: bool = True
    #: Where the rule was declared: "config" (the file wins) or "store".
    origin: str = Field(default="store", max_length=8)
    #: The console that wrote the rule, and when (the store's clock): as for settings.
    changed_by: str = Field(default="", max_length=64)
    changed_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)


class SettingValue(SQLModel, table=True):
    __tablename__ = "setting"

    key: str = Field(primary_key=True, max_length=128)
    #: JSON-encoded value.
    value: str = Field(sa_type=Text)
    #: The console that wrote the value last (empty: not recorded, written before schema 7).
    changed_by: str = Field(default="", max_length=64)
    #: When it did, by the store's clock (a configuration file's value replaces it only when the file's value
    #: was edited after it; see :mod:`app.engine.file_edits`).
    changed_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)


class SchemaVersion(SQLModel, table=True):
    __tablename__ = "schema_version"

    id: int = Field(default=1, primary_key=True)
    version: int
