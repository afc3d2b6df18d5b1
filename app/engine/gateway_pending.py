"""What a gateway acknowledged to its peer and holds before it becomes a message or a report: parts of an
incoming long message awaiting the others, a delivery receipt that came before the response naming its
message id (``gateway_pending``); also what the SMPP server acknowledged to a customer and holds: the
parts of a long message awaiting the others (``app/smpp/reassembly.py``, under the holder
``smpp-server@<instance>``, kind ``smpppart``). Kept in the store so a restart loses none; each function
runs in the engine's store lane (the async ones hand themselves to it), off the event loop. A removed
gateway's items stay: a gateway added again under its name takes them up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from sqlalchemy import delete, update
from sqlmodel import col, select

from app.store import models as m
from app.store.models import GatewayPending, Message

if TYPE_CHECKING:
    from .engine import Engine


@dataclass(frozen=True)
class Pending:
    id: int
    kind: str
    key: str
    data: str
    created_at: datetime
    done: bool


def _keep(engine: "Engine", gateway: str, kind: str, key: str, data: str) -> int:
    with engine.db.session() as s:
        row = GatewayPending(gateway=gateway, kind=kind, key=key, data=data, created_at=engine.clock.now())
        s.add(row)
        s.commit()
        return row.id or 0


def _settle(engine: "Engine", ids: list[int], done: bool) -> None:
    with engine.db.session() as s:
        if done:
            s.exec(update(GatewayPending).where(col(GatewayPending.id).in_(ids)).values(done=True))
        else:
            s.exec(delete(GatewayPending).where(col(GatewayPending.id).in_(ids)))
        s.commit()


def _load(engine: "Engine", gateway: str) -> list[Pending]:
    with engine.db.session() as s:
        rows = s.exec(select(GatewayPending).where(GatewayPending.gateway == gateway)
                      .order_by(col(GatewayPending.id))).all()
        return [Pending(r.id or 0, r.kind, r.key, r.data, r.created_at, r.done) for r in rows]


def _purge(engine: "Engine", gateway: str, before: datetime) -> int:
    with engine.db.session() as s:
        gone = s.exec(delete(GatewayPending).where(GatewayPending.gateway == gateway,
                                                   col(GatewayPending.done).is_(True),
                                                   GatewayPending.created_at < before)).rowcount
        s.commit()
        return gone


#: Received messages looked at, newest first, for their fingerprints after a restart.
_RECENT_LIMIT = 20_000


def _received_fingerprints(engine: "Engine", gateway: str, since: datetime) -> list[tuple[str, float]]:
    with engine.db.session() as s:
        rows = s.exec(select(Message.fingerprint, Message.created_at, Message.gateway)
                      .where(Message.direction == m.IN).order_by(col(Message.id).desc()).limit(_RECENT_LIMIT))
        out = []
        for fingerprint, at, by in rows:
            if at < since:
                break
            if by == gateway and fingerprint:
                out.append((fingerprint, at.timestamp()))
        return out


async def received_fingerprints(engine: "Engine", gateway: str, since: float) -> list[tuple[str, float]]:
    """(fingerprint, epoch seconds) of the messages ``gateway`` received since ``since`` (the newest
    received messages are read, up to a limit, by the index of direction and id)."""
    return await engine.in_lane(_received_fingerprints, engine, gateway,
                                datetime.fromtimestamp(since, timezone.utc))


async def keep(engine: "Engine", gateway: str, kind: str, key: str, data: str) -> int:
    """Keep one item; its id once committed."""
    return await engine.in_lane(_keep, engine, gateway, kind, key, data)


async def settle(engine: "Engine", gateway: str, ids: list[int], *, done: bool = False) -> None:
    """Items the gateway no longer holds: deleted, or (``done``) marked as stored and kept until purged."""
    if ids:
        await engine.in_lane(_settle, engine, list(ids), done)


async def load(engine: "Engine", gateway: str) -> list[Pending]:
    return await engine.in_lane(_load, engine, gateway)


async def purge(engine: "Engine", gateway: str, before: datetime) -> int:
    """Forget the done items kept since before ``before``."""
    return await engine.in_lane(_purge, engine, gateway, before)
