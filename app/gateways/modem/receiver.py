"""Received messages and status reports of one modem.

``+CMTI`` / ``+CDSI`` announce a stored message: it is read (``AT+CMGR``),
handed to the engine, and deleted (``AT+CMGD``) only after the engine has
committed it. ``+CMT`` / ``+CDS`` bring the PDU directly; it is acknowledged
with ``AT+CNMA`` after the commit when the modem runs phase 2+ (``AT+CSMS``
service 1). A sweep (``AT+CMGL``) at start and periodically reads whatever
is stored. Parts of a concatenated message stay on the SIM until the whole
message is stored. A message read twice gets the same fingerprint, so the
engine stores it once.

PDUs are decoded leniently (:func:`app.sms.pdu.decode`): each note of the
decode goes to the traffic log and the log, and an unreadable time stamp is
replaced by the time of reception, so a status report whose reference,
recipient and status can be read always reaches the engine. A PDU whose
essential fields cannot be read is stored as a placeholder message with its
raw hex, the reason, and the sender when that much was readable; it is never
dropped. An SMS-SUBMIT found in storage (a message written there to be sent)
is no received message: it is left where it is, with a traffic-log line.
A message the engine cannot take stays on the modem (not deleted, ``+CMT``
not acknowledged) and the reader goes on.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import time
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from app.gateways.base import DeliveryReport, IncomingSms
from app.sms.concat import IncomingMessage, Reassembler
from app.sms.errors import PduError
from app.sms.pdu import StatusReport, decode

from .at_channel import AtError, AtTimeout
from .modem_errors import describe

if TYPE_CHECKING:
    from .gateway import ModemGateway

log = logging.getLogger(__name__)

Slot = tuple[str, int]  # (storage, index)

#: Unsolicited results the console knows and has no use for (calls, registration, start-up, Huawei status).
_IGNORED = ("RING", "+CRING", "+CLIP", "+CREG", "+CGREG", "+CEREG", "+CPIN", "+CIEV", "+CBM", "+CUSD", "RDY",
            "SMS READY", "CALL READY", "+PBREADY", "+QIND", "*PSUTTZ", "+CTZV", "+CSQN", "+STIN", "NO CARRIER",
            "^RSSI", "^MODE", "^BOOT", "^DSFLOWRPT", "^SRVST", "^SIMST", "^HCSQ", "^SYSSTART", "^CSNR", "^RFSWITCH",
            "^NWTIME", "^STIN", "^SMMEMFULL")


def fingerprint(gateway: str, pdus: list[str]) -> str:
    """The same message read again (same PDUs, any order) gets the same fingerprint."""
    digest = hashlib.sha256("|".join([gateway, *sorted(p.upper() for p in pdus)]).encode())
    return digest.hexdigest()


class Receiver:
    def __init__(self, gateway: "ModemGateway", reassembly_timeout: float = 600.0):
        self.gateway = gateway
        self.reassembler = Reassembler(reassembly_timeout)
        self.jobs: asyncio.Queue[tuple] = asyncio.Queue()
        #: Slots holding parts of incomplete concatenated messages, by set key.
        self._held: dict[tuple, set[Slot]] = {}
        self._held_slots: set[Slot] = set()
        #: Stored SMS-SUBMITs already reported as left in storage: (slot, PDU).
        self._left: set[tuple[Slot, str]] = set()

    @property
    def driver(self):
        return self.gateway.driver

    # --- unsolicited lines (called by the channel, no commands from here) --------

    def unsolicited(self, line: str, pdu: str | None) -> None:
        head = line.split(":", 1)[0].upper()
        value = line.split(":", 1)[1].strip() if ":" in line else ""
        if head in ("+CMTI", "+CDSI"):
            m = re.match(r'"?(\w+)"?\s*,\s*(\d+)', value)
            if m:
                self.jobs.put_nowait(("read", m.group(1).upper(), int(m.group(2))))
            else:
                self._traffic(f"skipped {line!r}: it names no storage and index (the next sweep reads the "
                              "message)")
        elif head in ("+CMT", "+CDS"):
            if pdu is None:
                log.warning("%s: %s without its PDU", self.gateway.name, line)
                return
            self.jobs.put_nowait(("direct", pdu))
        elif head in ("^SMMEMFULL",) or (head == "+CIEV" and "SMSFULL" in value.upper()):
            self.jobs.put_nowait(("sweep",))
        elif head == "^RSSI" and value.isdigit():
            self.gateway.signal_changed(int(value))
        elif head in _IGNORED:
            log.debug("%s: unsolicited %s", self.gateway.name, line)
        else:
            log.debug("%s: unknown unsolicited %s", self.gateway.name, line)
            self._traffic(f"skipped {line!r}: an unsolicited result the console does not use")

    # --- jobs (run by the gateway's housekeeping task) ------------------------------

    async def run_job(self, job: tuple) -> None:
        if job[0] == "read":
            await self.read(job[1], job[2])
        elif job[0] == "direct":
            await self.direct(job[1])
        elif job[0] == "sweep":
            await self.sweep()

    async def read(self, mem: str, index: int) -> None:
        if (mem, index) in self._held_slots:
            return
        pdu = await self.driver.read(index, mem)
        if pdu is not None:
            await self._stored_pdu(mem, index, pdu)

    async def sweep(self) -> int:
        """Read every stored message (and stored status report); returns how many were found."""
        found = 0
        mems = [self.driver.facts.storage or self.driver.storage]
        if self.driver.facts.report_storage and self.driver.facts.cnmi.split(",")[3:4] == ["2"]:
            mems.append("SR")
        for mem in mems:
            try:
                listing = await self.driver.list_all(mem)
            except AtError as exc:
                log.warning("%s: listing %s failed: %s", self.gateway.name, mem, describe(exc))
                continue
            for index, pdu in listing:
                found += 1
                if (mem, index) not in self._held_slots:
                    await self._stored_pdu(mem, index, pdu)
        if len(mems) > 1:
            await self.driver.restore_storage()
        await self.expire()
        return found

    async def _stored_pdu(self, mem: str, index: int, pdu: str) -> None:
        try:
            done = await self.take(pdu, {(mem, index)})
        except Exception as exc:
            log.exception("%s: %s %d could not be handed over", self.gateway.name, mem, index)
            self._traffic(f"kept {mem} {index} on the modem: the console could not take it ({exc}); "
                          "the next sweep reads it again")
            return
        for slots in done:
            for slot_mem, slot_index in sorted(slots):
                try:
                    await self.driver.delete(slot_index, slot_mem)
                except AtError as exc:
                    log.warning("%s: deleting %s %d failed: %s", self.gateway.name, slot_mem, slot_index,
                                describe(exc))

    async def direct(self, pdu: str) -> None:
        try:
            await self.take(pdu, set())
        except Exception as exc:
            log.exception("%s: a +CMT/+CDS PDU could not be handed over", self.gateway.name)
            self._traffic(f"did not acknowledge a +CMT/+CDS PDU: the console could not take it ({exc})")
            return  # not acknowledged: a phase 2+ network delivers it again
        if self.driver.facts.needs_cnma:
            try:
                await self.driver.at("AT+CNMA", busy_retry=False)
            except (AtError, AtTimeout) as exc:
                log.warning("%s: AT+CNMA failed: %s", self.gateway.name, exc)

    # --- decoding and handing over ----------------------------------------------------

    async def take(self, pdu: str, slots: set[Slot]) -> list[set[Slot]]:
        """Decode and hand over one PDU; returns, once the engine has committed what it was handed, the slot
        sets that may now be deleted."""
        try:
            message = decode(pdu, direction="in", received_at=datetime.now(timezone.utc))
        except PduError as exc:
            return await self._undecodable(pdu, slots, exc)
        who = message.recipient if isinstance(message, StatusReport) else message.sender
        for note in message.notes:
            log.info("%s: PDU %s: %s", self.gateway.name, pdu, note)
            self._traffic(f"{'status report about' if isinstance(message, StatusReport) else 'PDU from'} "
                          f"{who}: {note}")
        if isinstance(message, StatusReport):
            await _committed(self.gateway.report(DeliveryReport(
                reference=str(message.message_reference),
                outcome={"failed": "undelivered"}.get(message.outcome, message.outcome),
                reason=message.status_text, at=message.discharge_time, recipient=message.recipient)))
            return [slots]
        done = self.reassembler.add(message, time.monotonic())
        concat = message.concat
        if done is None:
            key = (message.sender, concat.reference, concat.total)
            self._held.setdefault(key, set()).update(slots)
            self._held_slots.update(slots)
            return []
        if concat is not None and concat.total > 1:
            slots = slots | self._release((message.sender, concat.reference, concat.total))
        await self._hand_over(self._incoming(done))
        return [slots]

    async def _undecodable(self, pdu: str, slots: set[Slot], exc: PduError) -> list[set[Slot]]:
        """A PDU whose essential fields cannot be read: a placeholder message keeps it (a SUBMIT stays put)."""
        found = exc.found
        where = ", ".join(f"{mem} {index}" for mem, index in sorted(slots)) or "a +CMT/+CDS line"
        if found.get("type") == "submit":
            if not any(((slot, pdu) in self._left) for slot in slots):
                self._left.update((slot, pdu) for slot in slots)
                self._traffic(f"left {where} in storage: it holds an SMS-SUBMIT (a message to send), "
                              "not a received message")
            return []
        what = "status report" if found.get("type") == "status-report" else "message"
        sender = found.get("sender") or found.get("recipient") or ""
        log.warning("%s: undecodable PDU %s: %s", self.gateway.name, pdu, exc)
        self._traffic(f"stored the PDU of {where} as an undecodable {what}: {exc}")
        await self._hand_over(IncomingSms(sender=sender, text=f"[{what} the modem could not decode: {exc}]",
                                    smsc=found.get("smsc") or "", pdu=pdu,
                                    fingerprint=fingerprint(self.gateway.name, [pdu])))
        return [slots]

    def _traffic(self, text: str) -> None:
        self.gateway.log_traffic("info", text)

    async def expire(self) -> None:
        """Hand over sets still incomplete after the reassembly timeout (missing parts marked)."""
        for done in self.reassembler.expire(time.monotonic()):
            slots = self._release((done.sender, done.reference, done.total_parts))
            try:
                await self._hand_over(self._incoming(done))
            except Exception as exc:
                log.exception("%s: an incomplete message could not be handed over", self.gateway.name)
                self._traffic(f"kept the parts of an incomplete message from {done.sender} on the modem: the "
                              f"console could not take it ({exc}); the next sweep reads them again")
                continue
            for mem, index in sorted(slots):
                self.jobs.put_nowait(("delete", mem, index))

    def _release(self, key: tuple) -> set[Slot]:
        slots = self._held.pop(key, set())
        self._held_slots.difference_update(slots)
        return slots

    def _incoming(self, done: IncomingMessage) -> IncomingSms:
        return IncomingSms(sender=done.sender, text=done.text, recipient=self.gateway.own_number,
                           smsc=done.smsc or "", pdu=",".join(done.pdus), sent_at=done.timestamp,
                           total_parts=done.total_parts, received_parts=done.parts_received,
                           fingerprint=fingerprint(self.gateway.name, done.pdus))

    async def _hand_over(self, sms: IncomingSms) -> None:
        """Returns once the engine has committed the message; an exception here keeps the PDUs on the SIM."""
        await _committed(self.gateway.received(sms))


async def _committed(pending) -> None:
    """Wait for the engine's commit of what was handed to it (None: committed already)."""
    if pending is not None:
        await pending
