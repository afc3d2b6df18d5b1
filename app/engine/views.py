"""Read-only snapshots handed to the window and the HTTP API, so neither
needs a database session."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from operator import itemgetter
from typing import Any, Mapping

from sqlalchemy import Boolean, select

from app.store.models import Message
from app.store.timeutil import UTCDateTime, as_utc


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
        return view_of({c: getattr(m, c) for c in MESSAGE_VIEW_COLUMNS})


_FIELDS = fields(MessageView)
MESSAGE_VIEW_COLUMNS = tuple(f.name for f in _FIELDS)
_VALUES = itemgetter(*MESSAGE_VIEW_COLUMNS)


def view_of(row: Mapping[str, Any]) -> MessageView:
    """The view of a message row (any mapping with every view column: a row read or built, a model's
    attributes). The one way views are made.

    The values are taken as they are, without the dataclass's constructor (the row was typed by the
    store or by the code that built it): views of a job of a hundred thousand messages are made in a
    blink.
    """
    view = object.__new__(MessageView)
    if type(row) is dict:  # a row built or read as a dict: taken whole (its other columns are unused)
        view.__dict__.update(row)
    else:
        view.__dict__.update(zip(MESSAGE_VIEW_COLUMNS, _VALUES(row)))
    return view


def adopt_view(row: dict[str, Any]) -> MessageView:
    """:func:`view_of` a row built as a dict that nothing else uses any more: the view takes the dict
    itself (the rows of a job become its views without a copy)."""
    view = object.__new__(MessageView)
    object.__setattr__(view, "__dict__", row)
    return view


def changed_view(view: MessageView, **changes: Any) -> MessageView:
    """``dataclasses.replace`` for a view, without the constructor (see :func:`view_of`)."""
    new = object.__new__(MessageView)
    new.__dict__.update(view.__dict__, **changes)
    return new


def views_of(conn, ids: list[int], chunk: int = 500) -> list[MessageView]:
    """The views of the messages ``ids`` as stored now, by id."""
    T = Message.__table__
    out: list[MessageView] = []
    ids = sorted(set(ids))
    sqlite = conn.dialect.name == "sqlite"
    for i in range(0, len(ids), chunk):
        part = ids[i:i + chunk]
        if sqlite:  # the driver's own statement and rows (the writer of outcomes reads thousands a second)
            result = conn.exec_driver_sql(f"SELECT {_VIEW_SELECT} FROM message WHERE id IN "
                                          f"({', '.join(['?'] * len(part))}) ORDER BY id", tuple(part))
            out += [adopt_view(row) for row in typed_rows(result)]
            continue
        rows = conn.execute(select(*(T.c[c] for c in MESSAGE_VIEW_COLUMNS)).where(T.c.id.in_(part)).order_by(T.c.id))
        out += [view_of(r) for r in rows.mappings()]
    return out


_VIEW_SELECT = ", ".join(f'"{c}"' for c in MESSAGE_VIEW_COLUMNS)
_TIMES = frozenset(c.name for c in Message.__table__.columns if isinstance(c.type, UTCDateTime))
_BOOLS = frozenset(c.name for c in Message.__table__.columns if isinstance(c.type, Boolean))


def typed_rows(result) -> list[dict[str, Any]]:
    """SQLite: the rows of a driver-level ``SELECT`` of message columns as dicts, typed as ``UTCDateTime`` and
    ``Boolean`` would give them, read from the driver's cursor at once."""
    names = list(result.keys())
    times = [i for i, n in enumerate(names) if n in _TIMES]
    bools = [i for i, n in enumerate(names) if n in _BOOLS]
    rows = []
    fromisoformat = datetime.fromisoformat
    try:
        for raw in result.cursor.fetchall():
            values = list(raw)
            for i in times:
                if values[i] is not None:
                    try:  # stored as naive UTC: read as UTC at once (a fifth of the time of parse, then replace)
                        values[i] = fromisoformat(values[i] + "+00:00")
                    except ValueError:  # written with an offset of its own
                        values[i] = as_utc(fromisoformat(values[i]))
            for i in bools:
                if values[i] is not None:
                    values[i] = bool(values[i])
            rows.append(dict(zip(names, values)))
    finally:
        result.close()
    return rows


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
