"""Delivery receipts and incoming messages handed to a user's receiver and transceiver binds as deliver_sm.

One task per user with such a bind reads what lies beyond the user's cursor
(``cursors.pending``), sends it over the user's receiving binds in turn and
records what the binds acknowledged, which moves the cursor (see cursors.py
for why this is safe with several consoles on one PostgreSQL store). What a
bind refuses or leaves unanswered is sent again later (every
``RETRY_SECONDS``), to the same or another bind; with no receiving bind it
waits in the store until one binds. While another console sharing the store
hands the user's items out (it holds the user's lease), this one waits.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections import deque
from typing import TYPE_CHECKING

from app.sms.gsm7 import charset
from app.store import models as m

from . import pdu as P
from .cursors import Incoming, Receipt, pending, record, release_lease, take_lease
from .store_ops import NOTICES
from .text import encode_text, receipt_time

if TYPE_CHECKING:
    from .server import SmppServer

log = logging.getLogger(__name__)

#: deliver_sm sent at once per user before their responses are awaited.
BATCH = 64
#: Seconds between two looks when nothing woke the task (changes made by another console).
POLL_SECONDS = 2.0
#: Seconds before what a bind did not take is offered again.
RETRY_SECONDS = 5.0
#: Least seconds between two reads of the store for one user while messages keep changing.
MIN_GAP = 0.1
#: Seconds a console holds a user's delivery lease; renewed by a read once a third of it has passed (longer
#: than a read and its deliver_sm responses take, RESPONSE_TIMEOUT).
LEASE_SECONDS = 60.0
#: On a shared (PostgreSQL) store: seconds after which no id below one read then can still be committed
#: (a store transaction takes far less); the cursor moves only over ids read that long ago.
HORIZON_SECONDS = 60.0
#: Seconds between two reads from the cursor itself (the others start where the previous read ended):
#: what was refused, and ids committed late on a shared store, are found there.
RESCAN_SECONDS = RETRY_SECONDS


#: Journal states whose receipt says the message failed.
FAILED = (m.UNDELIVERED, m.FAILED, m.EXPIRED, m.CANCELLED)


def receipt_text(r: Receipt) -> str:
    """The customary receipt text; an intermediate notification (a message sent) says ENROUTE."""
    stat = NOTICES[r.status][0]
    done = "001" if stat == "DELIVRD" else "000"
    text = charset().replace_foreign(r.text[:20].replace("\n", " "))
    return (f"id:{r.uid} sub:001 dlvrd:{done} submit date:{receipt_time(r.submitted)} "
            f"done date:{receipt_time(r.done)} stat:{stat} err:{'001' if r.status in FAILED else '000'} "
            f"text:{text}")


def receipt_pdu(r: Receipt) -> tuple[dict, dict]:
    fields = {"source_addr": _addr(r.recipient), "source_addr_ton": _ton(r.recipient), "source_addr_npi": 1,
              "destination_addr": _addr(r.sender), "dest_addr_ton": _ton(r.sender), "dest_addr_npi": 1,
              "esm_class": 0x20 if r.status == m.SENT else 0x04, "data_coding": 0, "short_message": charset().septets(receipt_text(r)).encode("latin-1")}
    tlvs = {P.TAG_RECEIPTED_MESSAGE_ID: r.uid.encode("latin-1") + b"\0",
            P.TAG_MESSAGE_STATE: bytes([NOTICES[r.status][1]])}
    return fields, tlvs


def incoming_pdu(i: Incoming) -> tuple[dict, dict]:
    coding, data = encode_text(i.text)
    fields = {"source_addr": _addr(i.sender), "source_addr_ton": _ton(i.sender), "source_addr_npi": 1,
              "destination_addr": _addr(i.recipient), "dest_addr_ton": _ton(i.recipient), "dest_addr_npi": 1,
              "esm_class": 0, "data_coding": coding}
    if len(data) <= 254:
        return {**fields, "short_message": data}, {}
    return {**fields, "short_message": b""}, {P.TAG_MESSAGE_PAYLOAD: data}


def _ton(number: str) -> int:
    if number.startswith("+"):
        return 1
    return 0 if not number or number.isdigit() else 5


def _addr(number: str) -> str:
    return (number[1:] if number.startswith("+") else number)[:20]


class UserDelivery:
    """The task that hands one user's receipts and incoming messages to the user's receiving binds."""

    def __init__(self, server: "SmppServer", user: str, admin: bool):
        self.server, self.user, self.admin = server, user, admin
        self.wake = asyncio.Event()
        self._turn = itertools.count()
        #: (monotonic time, highest journal id, highest message id) of recent reads, oldest first.
        self._tops: deque[tuple[float, int, int]] = deque()
        self._horizon = 0.0 if server.engine.db.is_sqlite else HORIZON_SECONDS
        #: When this console's lease runs out (epoch seconds; 0: not held).
        self._leased_until = 0.0
        self.task = asyncio.create_task(self._run(), name=f"smpp-deliver-{user}")

    def _binds(self):
        return [b for b in self.server.binds_of(self.user) if b.receives]

    def _safe(self, now: float) -> tuple[int | None, int | None]:
        """The highest ids read at least the horizon ago: no lower id can still be committed."""
        safe = (None, None)
        while self._tops and self._tops[0][0] <= now - self._horizon:
            safe = self._tops.popleft()[1:]
        if safe[0] is not None:
            self._tops.appendleft((now - self._horizon, *safe))  # still the newest safe read
        return safe

    async def _run(self) -> None:
        engine = self.server.engine
        after = (0, 0)  # where the previous read ended (0: from the cursor)
        rescanned = time.monotonic()
        try:
            while self._binds():
                self.wake.clear()  # news from now on wakes the next wait
                try:
                    now = time.monotonic()
                    if not await self._lease():
                        done = None  # another console hands them out
                    else:
                        if now - rescanned >= RESCAN_SECONDS:
                            after, rescanned = (0, 0), now
                        batch = await engine.in_lane(pending, engine, self.user, self.admin, BATCH,
                                                     after_event=after[0], after_message=after[1])
                        self._tops.append((now, batch.top_event, batch.top_message))
                        done = await self._send(batch)
                        after = (batch.receipts_to, batch.incoming_to) if done is not False else (0, 0)
                except asyncio.CancelledError:
                    raise
                except Exception:  # noqa: BLE001 - a store outage: try again later
                    log.exception("SMPP %s: cannot hand out receipts and messages now", self.user)
                    done, after = False, (0, 0)
                if done is None:  # nothing to hand out: wait for news
                    try:
                        await asyncio.wait_for(self.wake.wait(), POLL_SECONDS)
                    except TimeoutError:
                        pass
                    await asyncio.sleep(MIN_GAP)
                elif not done:
                    await asyncio.sleep(RETRY_SECONDS)
        finally:
            try:
                await asyncio.shield(engine.in_lane(release_lease, engine, self.user))
            except Exception:  # noqa: BLE001 - the lease runs out by itself
                pass

    async def _lease(self) -> bool:
        """Whether this console hands the user's items out: the lease is taken, or renewed once a third of
        it has passed (not at every read)."""
        now = time.time()
        if now < self._leased_until - 2 * LEASE_SECONDS / 3:
            return True
        engine = self.server.engine
        if await engine.in_lane(take_lease, engine, self.user, LEASE_SECONDS):
            self._leased_until = now + LEASE_SECONDS
            return True
        self._leased_until = 0.0
        return False

    async def _send(self, batch) -> bool | None:
        """Send a batch; None when it held nothing new, else whether every item was acknowledged."""
        engine = self.server.engine
        items = [("r", r.event_id, *receipt_pdu(r)) for r in batch.receipts]
        items += [("i", i.message_id, *incoming_pdu(i)) for i in batch.incoming]
        results = await asyncio.gather(*(self._offer(f, t) for _k, _id, f, t in items)) if items else []
        acked = {"r": [], "i": []}
        for (kind, key, _f, _t), ok in zip(items, results):
            if ok:
                acked[kind].append(key)
        safe_event, safe_message = self._safe(time.monotonic())
        if items or safe_event is not None:
            await engine.in_lane(record, engine, self.user, self.admin, acked["r"], acked["i"], safe_event,
                                 safe_message)
        return all(results) if items else None

    async def _offer(self, fields: dict, tlvs: dict) -> bool:
        binds = self._binds()
        if not binds:
            return False
        bind = binds[next(self._turn) % len(binds)]
        try:
            resp = await bind.request(P.DELIVER_SM, fields, tlvs)
        except (TimeoutError, ConnectionError):
            return False
        if resp.status != P.ESME_ROK:
            log.info("SMPP %s %s: deliver_sm answered %s: offered again later", bind.address, self.user,
                     P.status_name(resp.status))
        return resp.status == P.ESME_ROK
