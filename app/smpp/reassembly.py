"""The parts of a long message a customer submits one by one (a concatenation header with esm_class UDHI,
or the sar_* options), put together into one message.

The parts of one message share a key: the user, source_addr, destination, the reference and the number of
parts. The first part to come gives the message its id (every part's submit_sm_resp carries it) and its
options (receipts, schedule, validity); when the last part comes, the text of all of them is queued as one
message under that id. Parts still missing ``REASSEMBLY_SECONDS`` after the first came: the ones that came
are queued as they are (a warning says so).

**Held across restarts.** Each part is kept in the store before its response is sent: a row of
``gateway_pending`` (``app/engine/gateway_pending.py``, through the engine's store lane) under the holder
``smpp-server@<instance>`` (this console's instance name) with the kind ``smpppart`` and the message's id
as key. Once the message is queued (or refused by the queue) its rows are deleted. At the server's start
the rows are taken up again: a message already stored under their id (the console stopped between queuing
it and deleting them) only loses its rows, never is queued twice; parts whose time ran out while the
console was stopped are queued as they are, with the timeout's warning; the others get the rest of their
time (counted by the engine's clock from the first part) and are completed by the parts that come after.

**A console that is gone.** On a store several consoles share, the parts held by a console that stopped
for good (or fell silent) would wait for its next start. Every ``ADOPT_EVERY`` seconds each running SMPP
server looks for them: a message whose time is over is taken over by one console (its rows move to that
console's holder in one statement) and queued with what came, exactly as its own console would have done.
Parts whose time is not over yet are left: their console may be starting again.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from app.engine import gateway_pending
from app.engine.ids import new_message_uid
from app.engine.requests import OutboundRequest, QueueItem

from .store_ops import stored_uids
from .text import Segment

if TYPE_CHECKING:
    from .server import SmppServer

log = logging.getLogger(__name__)

#: Seconds the parts of a long message may take to arrive; then the parts that came are queued.
REASSEMBLY_SECONDS = 300.0
#: Long messages being put together at once, all users; one more part of a new one is refused.
MAX_REASSEMBLING = 10_000
#: Seconds before a message whose queuing failed (the store) is tried again.
RETRY_SECONDS = 30.0
#: The kind of a held part's row in ``gateway_pending``.
KIND = "smpppart"


@dataclass
class Long:
    uid: str
    user: str
    key: tuple
    total: int
    request: OutboundRequest
    options: str
    #: When the first part came (epoch seconds by the engine's clock).
    at: float
    parts: dict[int, str] = field(default_factory=dict)
    #: The ids of its parts' rows in the store.
    rows: list[int] = field(default_factory=list)
    timer: asyncio.TimerHandle | None = None


def holder(server: "SmppServer") -> str:
    """Whose rows of ``gateway_pending`` the held parts are: this console's SMPP server."""
    return f"smpp-server@{server.engine.instance_id}"[:64]


async def add_part(server: "SmppServer", user: str, request: OutboundRequest, segment: Segment,
                   options: str) -> tuple[Long | None, bool]:
    """Keep a part in the store and hold it: (its message, whether it was the last part: then the message
    is no longer held and the caller queues it with :func:`complete`). (None, False): too many long
    messages are being put together."""
    key = (user, request.sender, request.recipients[0], segment.reference, segment.total)
    while True:
        long = server.long_messages.get(key)
        if long is None:
            if len(server.long_messages) >= MAX_REASSEMBLING:
                return None, False
            long = Long(new_message_uid(), user, key, segment.total, request, options,
                        server.engine.clock.now().timestamp())
            _hold(server, long, REASSEMBLY_SECONDS)
        try:
            row = await gateway_pending.keep(server.engine, holder(server), KIND, long.uid,
                                             json.dumps(_row(long, segment.number, request.text)))
        except BaseException:
            if not long.parts and server.long_messages.get(key) is long:
                _release(server, long)  # nothing of it is held
            raise
        if server.long_messages.get(key) is long:
            break
        # its message was queued while the part was being kept (its time ran out): it starts a new one
        await gateway_pending.settle(server.engine, holder(server), [row])
    long.rows.append(row)
    long.parts[segment.number] = request.text
    if len(long.parts) < long.total:
        return long, False
    _release(server, long)
    return long, True


async def complete(server: "SmppServer", long: Long, *, timed_out: bool = False) -> QueueItem:
    """Queue a message no longer held with the parts that came, then delete its parts' rows. When the
    queuing fails, the message is held again (tried again later)."""
    if timed_out:
        log.warning("SMPP %s: only %d of %d parts of message %s came within %d s: queued what came",
                    long.user, len(long.parts), long.total, long.uid, REASSEMBLY_SECONDS)
    long.request.text = "".join(long.parts[n] for n in sorted(long.parts))
    long.request.uid = long.uid
    try:
        item = await server.batcher.queue(long.user, long.request, long.options)
    except BaseException:
        if long.key not in server.long_messages and not server.stopped:
            _hold(server, long, max(RETRY_SECONDS, _left(server, long)))
        raise
    if item.message is None and timed_out:
        log.warning("SMPP %s: long message %s refused: %s", long.user, long.uid, item.error)
    try:
        await gateway_pending.settle(server.engine, holder(server), long.rows)
    except Exception:  # noqa: BLE001 - the message is stored: the next start deletes the rows
        log.exception("SMPP %s: the held parts of message %s stay in the store until the next start",
                      long.user, long.uid)
    return item


def _hold(server: "SmppServer", long: Long, seconds: float) -> None:
    server.long_messages[long.key] = long
    long.timer = asyncio.get_running_loop().call_later(seconds, server.spawn, _timed_out, server, long)


def _release(server: "SmppServer", long: Long) -> None:
    if server.long_messages.get(long.key) is long:
        del server.long_messages[long.key]
    if long.timer is not None:
        long.timer.cancel()
        long.timer = None


async def _timed_out(server: "SmppServer", long: Long) -> None:
    if server.long_messages.get(long.key) is not long:
        return
    _release(server, long)
    try:
        await complete(server, long, timed_out=len(long.parts) < long.total)
    except Exception:  # noqa: BLE001 - held again: tried again later
        log.exception("SMPP %s: long message %s could not be queued", long.user, long.uid)


def _left(server: "SmppServer", long: Long) -> float:
    return REASSEMBLY_SECONDS - (server.engine.clock.now().timestamp() - long.at)


def _row(long: Long, number: int, text: str) -> dict:
    r = long.request
    return {"user": long.user, "sender": r.sender, "recipient": r.recipients[0], "ref": long.key[3],
            "total": long.total, "number": number, "text": text, "options": long.options, "at": long.at,
            "status_report": r.status_report, "validity_seconds": r.validity_seconds,
            "scheduled_at": r.scheduled_at.isoformat() if r.scheduled_at else None}


def _long_of(uid: str, first: dict) -> Long:
    request = OutboundRequest(
        recipients=[first["recipient"]], text="", sender=first["sender"], status_report=first["status_report"],
        validity_seconds=first["validity_seconds"],
        scheduled_at=datetime.fromisoformat(first["scheduled_at"]) if first["scheduled_at"] else None)
    key = (first["user"], first["sender"], first["recipient"], first["ref"], first["total"])
    return Long(uid, first["user"], key, first["total"], request, first["options"], first["at"])


async def restore(server: "SmppServer") -> None:
    """Take up the parts held when the server last ran (before it accepts binds)."""
    engine, who = server.engine, holder(server)
    rows = [r for r in await gateway_pending.load(engine, who) if r.kind == KIND and not r.done]
    if rows:
        queued, messages = await _take_up(server, rows)
        log.info("SMPP: took up %d parts of %d long messages held before the restart (%d were queued already)",
                 len(rows), messages, queued)


async def _take_up(server: "SmppServer", rows: list) -> tuple[int, int]:
    """Hold again the messages of held parts' rows (this server's), or queue them when their time is over;
    a message already queued under their id only loses its rows. (messages queued already, others)."""
    engine, who = server.engine, holder(server)
    by_uid: dict[str, list] = {}
    for row in rows:
        by_uid.setdefault(row.key, []).append(row)
    queued = await engine.in_lane(stored_uids, engine, list(by_uid))
    await gateway_pending.settle(engine, who, [r.id for uid in queued for r in by_uid.pop(uid)])
    for uid, parts in by_uid.items():
        data = [json.loads(r.data) for r in parts]
        long = _long_of(uid, data[0])
        long.rows = [r.id for r in parts]
        long.parts = {d["number"]: d["text"] for d in data}
        earlier = server.long_messages.get(long.key)
        if earlier is not None:  # the same key twice: the earlier message's time is over
            await _timed_out(server, earlier)
        left = _left(server, long)
        if left > 0 and len(long.parts) < long.total:
            _hold(server, long, left)
        else:
            _hold(server, long, 0)
            await _timed_out(server, long)
    return len(queued), len(by_uid)


# --- the parts of consoles that are gone (a shared store) -------------------------------------------------

#: Seconds between two looks for the held parts of consoles that are gone.
ADOPT_EVERY = 60.0
_PREFIX = "smpp-server@"


def _adopt(engine, mine: str, before: datetime) -> list[int]:
    """Store lane: the held parts of the consoles that are gone (stopped, or silent past their heartbeat)
    whose messages' time was over by ``before`` become ``mine``; their row ids. Each message's rows move in
    one statement, and only from the holder they had: of two consoles looking at once, one takes them."""
    from sqlalchemy import update
    from sqlmodel import col, select

    from app.store.models import GatewayPending as G

    live = {f"{_PREFIX}{name}"[:64] for name in engine.cluster.live_names()}
    with engine.db.session() as s:
        rows = s.exec(select(G.id, G.gateway, G.key, G.created_at).where(
            G.kind == KIND, G.done == False, col(G.gateway).startswith(_PREFIX),  # noqa: E712 - SQL
            col(G.gateway).not_in(live | {mine}))).all()
        messages: dict[tuple[str, str], list] = {}
        for row_id, who, key, created_at in rows:
            messages.setdefault((who, key), []).append((row_id, created_at))
        moved: list[int] = []
        for (who, _), parts in messages.items():
            if min(at for _, at in parts) > before:
                continue  # its time is not over: its console may be starting again to take it up
            ids = [row_id for row_id, _ in parts]
            done = s.exec(update(G).where(col(G.id).in_(ids), G.gateway == who).values(gateway=mine))
            if done.rowcount:
                moved += ids
        s.commit()
    return moved


async def adopt(server: "SmppServer") -> int:
    """On a shared store: take over the parts of long messages held by the SMPP servers of consoles that
    are gone, once those messages' time is over, and queue what came of each (as their own console would
    on its next start). Returns how many messages were taken over."""
    engine, who = server.engine, holder(server)
    if not engine.cluster.shared:
        return 0
    before = engine.clock.now() - timedelta(seconds=REASSEMBLY_SECONDS)
    moved = set(await engine.in_lane(_adopt, engine, who, before))
    if not moved:
        return 0
    rows = [r for r in await gateway_pending.load(engine, who) if r.id in moved]
    queued, messages = await _take_up(server, rows)
    log.warning("SMPP: took over %d parts of %d long messages held by consoles that are gone (%d were queued "
                "already); what came of each is queued", len(rows), messages + queued, queued)
    return messages + queued


async def adopt_while_running(server: "SmppServer") -> None:
    """Look for the held parts of consoles that are gone now and every ADOPT_EVERY seconds."""
    while not server.stopped:
        try:
            await adopt(server)
        except Exception:  # noqa: BLE001 - tried again at the next look
            log.exception("SMPP: the held parts of consoles that are gone could not be taken over")
        await asyncio.sleep(ADOPT_EVERY)
