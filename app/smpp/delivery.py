"""Delivery receipts and incoming messages handed to a user's receiver and transceiver binds as deliver_sm.

One task per user with such a bind reads what lies beyond the user's cursor
(``store_ops.pending``), sends it over the user's receiving binds in turn and
moves the cursor past what the binds acknowledged. What a bind refuses or
leaves unanswered is sent again later (every ``RETRY_SECONDS``), to the same
or another bind; with no receiving bind it waits in the store until one binds.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from typing import TYPE_CHECKING

from app.sms.gsm7 import charset

from . import pdu as P
from .store_ops import FINAL, Incoming, Receipt, advance, pending
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


def receipt_text(r: Receipt) -> str:
    stat = FINAL[r.status][0]
    done = "001" if stat == "DELIVRD" else "000"
    text = charset().replace_foreign(r.text[:20].replace("\n", " "))
    return (f"id:{r.uid} sub:001 dlvrd:{done} submit date:{receipt_time(r.submitted)} "
            f"done date:{receipt_time(r.done)} stat:{stat} err:{'000' if stat == 'DELIVRD' else '001'} "
            f"text:{text}")


def receipt_pdu(r: Receipt) -> tuple[dict, dict]:
    fields = {"source_addr": _addr(r.recipient), "source_addr_ton": _ton(r.recipient), "source_addr_npi": 1,
              "destination_addr": _addr(r.sender), "dest_addr_ton": _ton(r.sender), "dest_addr_npi": 1,
              "esm_class": 0x04, "data_coding": 0, "short_message": charset().septets(receipt_text(r)).encode("latin-1")}
    tlvs = {P.TAG_RECEIPTED_MESSAGE_ID: r.uid.encode("latin-1") + b"\0",
            P.TAG_MESSAGE_STATE: bytes([FINAL[r.status][1]])}
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
        self.task = asyncio.create_task(self._run(), name=f"smpp-deliver-{user}")

    def _binds(self):
        return [b for b in self.server.binds_of(self.user) if b.receives]

    async def _run(self) -> None:
        engine = self.server.engine
        while self._binds():
            try:
                batch = await engine.in_lane(pending, engine, self.user, self.admin, BATCH)
                done = await self._send(batch)
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - a store outage: try again later
                log.exception("SMPP %s: cannot hand out receipts and messages now", self.user)
                done = False
            if done is None:  # nothing to hand out: wait for news
                self.wake.clear()
                try:
                    await asyncio.wait_for(self.wake.wait(), POLL_SECONDS)
                except TimeoutError:
                    pass
                await asyncio.sleep(MIN_GAP)
            elif not done:
                await asyncio.sleep(RETRY_SECONDS)

    async def _send(self, batch) -> bool | None:
        """Send a batch; None when it held nothing new, else whether every item was acknowledged."""
        engine = self.server.engine
        items = [("r", r.event_id, *receipt_pdu(r)) for r in batch.receipts]
        items += [("i", i.message_id, *incoming_pdu(i)) for i in batch.incoming]
        if not items:
            await engine.in_lane(advance, engine, self.user, batch.receipts_to, batch.incoming_to)
            return None
        results = await asyncio.gather(*(self._offer(f, t) for _k, _id, f, t in items))
        acked = {"r": None, "i": None}
        complete = {"r": True, "i": True}
        for (kind, key, _f, _t), ok in zip(items, results):
            if not ok:
                complete[kind] = False
            elif complete[kind]:
                acked[kind] = key
        to_r = batch.receipts_to if complete["r"] else acked["r"]
        to_i = batch.incoming_to if complete["i"] else acked["i"]
        await engine.in_lane(advance, engine, self.user, to_r, to_i)
        return all(results)

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
