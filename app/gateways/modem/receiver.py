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

The work comes as typed jobs (:mod:`.receiver_jobs`): an indication, a
direct PDU, a sweep, a delete or acknowledgement after the engine's commit.
The delete of a slot is a job of its own, queued once the engine's commit
is done, so the next stored message is read while the engine commits the
one before; a slot awaiting its delete is not read again meanwhile.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Awaitable

from app.gateways.base import DeliveryReport, IncomingSms
from app.sms.concat import IncomingMessage, Reassembler
from app.sms.errors import PduError
from app.sms.pdu import StatusReport, decode

from .at_channel import AtError, AtTimeout
from .modem_errors import describe
from .receiver_jobs import AckAfterStore, DeleteAfterStore, Job, Slot, job_for

if TYPE_CHECKING:
    from .gateway import ModemGateway

log = logging.getLogger(__name__)

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
        self.jobs: asyncio.Queue[Job] = asyncio.Queue()
        #: Slots holding parts of incomplete concatenated messages, by set key.
        self._held: dict[tuple, set[Slot]] = {}
        self._held_slots: set[Slot] = set()
        #: Stored SMS-SUBMITs already reported as left in storage: (slot, PDU).
        self._left: set[tuple[Slot, str]] = set()
        #: Slots handed over whose delete waits for the engine's commit (not read again meanwhile), with the
        #: job that deletes them; and the jobs under way (by id), with the event set once each is done.
        self._deleting: dict[Slot, DeleteAfterStore] = {}
        self._running: dict[int, asyncio.Event] = {}

    @property
    def driver(self):
        return self.gateway.driver

    # --- unsolicited lines (called by the channel, no commands from here) --------

    def unsolicited(self, line: str, pdu: str | None) -> None:
        job = job_for(line, pdu)
        if job is not None:
            self.jobs.put_nowait(job)
            return
        head, _, value = line.partition(":")
        head, value = head.strip().upper(), value.strip()
        if head == "^RSSI" and value.isdigit():
            self.gateway.signal_changed(int(value))
        elif head in _IGNORED:
            log.debug("%s: unsolicited %s", self.gateway.name, line)
        else:
            log.debug("%s: unknown unsolicited %s", self.gateway.name, line)
            self.traffic(f"skipped {line!r}: an unsolicited result the console does not use")

    # --- jobs (run by the gateway's housekeeping task) ------------------------------

    async def run(self, job: Job) -> None:
        """Run one job. A job that fails for any reason but the modem's (a bug, a PDU nothing expected) is
        logged and skipped: the housekeeping task goes on with the next."""
        try:
            await job.run(self)
        except (AtError, AtTimeout, ConnectionError, OSError, asyncio.CancelledError):
            raise
        except Exception as exc:
            log.exception("%s: %s failed", self.gateway.name, job)
            self.traffic(f"skipped {type(job).__name__}: {type(exc).__name__}: {exc}")

    def drop(self, job: Job) -> None:
        """A job not run (the link went down): slots it was to delete may be read again by the next sweep."""
        if isinstance(job, DeleteAfterStore) and id(job) not in self._running:
            self._release_slots(job)

    def _release_slots(self, job: DeleteAfterStore) -> None:
        for slot in job.slots:
            if self._deleting.get(slot) is job:
                del self._deleting[slot]

    def _busy(self, slot: Slot) -> bool:
        """The slot's message is held for its other parts, or handed over and awaiting its delete."""
        return slot in self._held_slots or slot in self._deleting

    async def read(self, mem: str, index: int) -> None:
        if self._busy((mem, index)):
            return
        pdu = await self.driver.read(index, mem)
        if pdu is not None:
            self._stored_pdu(mem, index, pdu)

    async def sweep(self) -> int:
        """Read every stored message (and stored status report); returns how many were found, once what
        was handed over is committed and deleted."""
        found = 0
        deletes: list[DeleteAfterStore] = []
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
                if not self._busy((mem, index)):
                    self._stored_pdu(mem, index, pdu, deletes)
                elif (mem, index) in self._deleting and self._deleting[(mem, index)] not in deletes:
                    deletes.append(self._deleting[(mem, index)])  # handed over before: its delete is run now
        for job in deletes:
            await self.delete_after_store(job)
        if len(mems) > 1:
            await self.driver.restore_storage()
        await self.expire()
        return found

    def _stored_pdu(self, mem: str, index: int, pdu: str, deletes: list[DeleteAfterStore] | None = None) -> None:
        """Hand over a stored PDU; the slots that may then go are deleted once the engine commits: by a job
        of their own, or by the caller when it gives ``deletes``."""
        try:
            stored, done = self.take(pdu, {(mem, index)})
        except Exception as exc:
            self._not_taken(f"{mem} {index}", exc)
            return
        for slots in done:
            self._delete_after(slots, stored, deletes)

    def _delete_after(self, slots: set[Slot], stored, deletes: list[DeleteAfterStore] | None = None) -> None:
        if slots:
            job = DeleteAfterStore(tuple(sorted(slots)), stored)
            self._deleting.update((slot, job) for slot in slots)
            if deletes is not None:
                deletes.append(job)
            elif asyncio.isfuture(stored) and not stored.done():
                # queued once the commit is done: reads of the next messages do not wait behind it
                stored.add_done_callback(lambda _: self.jobs.put_nowait(job))
            else:
                self.jobs.put_nowait(job)

    def _not_taken(self, where: str, exc: BaseException) -> None:
        log.error("%s: %s could not be handed over", self.gateway.name, where, exc_info=exc)
        self.traffic(f"kept {where} on the modem: the console could not take it ({exc}); the next sweep reads "
                     "it again")

    async def delete_after_store(self, job: DeleteAfterStore) -> None:
        """Delete the job's slots once the engine has committed what they held. A job is run once: run again
        (its queued copy after a sweep ran it) it waits for the first run, or does nothing."""
        if id(job) in self._running:
            await self._running[id(job)].wait()
            return
        if not any(self._deleting.get(slot) is job for slot in job.slots):
            return  # done already
        done = self._running[id(job)] = asyncio.Event()
        try:
            try:
                await _committed(job.stored)
            except Exception as exc:
                self._not_taken(", ".join(f"{mem} {index}" for mem, index in job.slots), exc)
                return
            for slot_mem, slot_index in job.slots:
                try:
                    await self.driver.delete(slot_index, slot_mem)
                except AtError as exc:
                    log.warning("%s: deleting %s %d failed: %s", self.gateway.name, slot_mem, slot_index,
                                describe(exc))
        finally:
            self._release_slots(job)
            del self._running[id(job)]
            done.set()

    async def direct(self, pdu: str, what: str = "message") -> None:
        try:
            stored, _ = self.take(pdu, set())
        except Exception as exc:
            log.error("%s: a +CMT/+CDS PDU could not be handed over", self.gateway.name, exc_info=exc)
            self.traffic(f"did not acknowledge a +CMT/+CDS PDU: the console could not take it ({exc})")
            return  # not acknowledged: a phase 2+ network delivers it again
        await self.ack_after_store(AckAfterStore(stored, what))

    async def ack_after_store(self, job: AckAfterStore) -> None:
        try:
            await _committed(job.stored)
        except Exception as exc:
            log.error("%s: a +CMT/+CDS PDU could not be stored", self.gateway.name, exc_info=exc)
            self.traffic(f"did not acknowledge a +CMT/+CDS PDU: the console could not take it ({exc})")
            return
        if self.driver.facts.needs_cnma:
            try:
                await self.driver.at("AT+CNMA", busy_retry=False)
            except (AtError, AtTimeout) as exc:
                log.warning("%s: AT+CNMA failed: %s", self.gateway.name, exc)

    # --- decoding and handing over ----------------------------------------------------

    def take(self, pdu: str, slots: set[Slot]) -> tuple[Awaitable[None] | None, list[set[Slot]]]:
        """Decode and hand over one PDU. Returns what to await for the engine's commit of what it was handed
        (None: committed already) and the slot sets that may be deleted once it is done."""
        try:
            message = decode(pdu, direction="in", received_at=datetime.now(timezone.utc))
        except PduError as exc:
            return self._undecodable(pdu, slots, exc)
        who = message.recipient if isinstance(message, StatusReport) else message.sender
        for note in message.notes:
            log.info("%s: PDU %s: %s", self.gateway.name, pdu, note)
            self.traffic(f"{'status report about' if isinstance(message, StatusReport) else 'PDU from'} "
                          f"{who}: {note}")
        if isinstance(message, StatusReport):
            return self.gateway.report(DeliveryReport(
                reference=str(message.message_reference),
                outcome={"failed": "undelivered"}.get(message.outcome, message.outcome),
                reason=message.status_text, at=message.discharge_time, recipient=message.recipient)), [slots]
        done = self.reassembler.add(message, time.monotonic())
        concat = message.concat
        if done is None:
            key = (message.sender, concat.reference, concat.total)
            self._held.setdefault(key, set()).update(slots)
            self._held_slots.update(slots)
            return None, []
        if concat is not None and concat.total > 1:
            slots = slots | self._release((message.sender, concat.reference, concat.total))
        return self.gateway.received(self._incoming(done)), [slots]

    def _undecodable(self, pdu: str, slots: set[Slot], exc: PduError) -> tuple[Awaitable[None] | None,
                                                                                 list[set[Slot]]]:
        """A PDU whose essential fields cannot be read: a placeholder message keeps it (a SUBMIT stays put)."""
        found = exc.found
        where = ", ".join(f"{mem} {index}" for mem, index in sorted(slots)) or "a +CMT/+CDS line"
        if found.get("type") == "submit":
            if not any(((slot, pdu) in self._left) for slot in slots):
                self._left.update((slot, pdu) for slot in slots)
                self.traffic(f"left {where} in storage: it holds an SMS-SUBMIT (a message to send), "
                             "not a received message")
            return None, []
        what = "status report" if found.get("type") == "status-report" else "message"
        sender = found.get("sender") or found.get("recipient") or ""
        log.warning("%s: undecodable PDU %s: %s", self.gateway.name, pdu, exc)
        self.traffic(f"stored the PDU of {where} as an undecodable {what}: {exc}")
        return self.gateway.received(IncomingSms(sender=sender, text=f"[{what} the modem could not decode: {exc}]",
                                                 smsc=found.get("smsc") or "", pdu=pdu,
                                                 fingerprint=fingerprint(self.gateway.name, [pdu]))), [slots]

    def traffic(self, text: str) -> None:
        self.gateway.log_traffic("info", text)

    async def expire(self) -> None:
        """Hand over sets still incomplete after the reassembly timeout (missing parts marked)."""
        for done in self.reassembler.expire(time.monotonic()):
            slots = self._release((done.sender, done.reference, done.total_parts))
            try:
                stored = self.gateway.received(self._incoming(done))
            except Exception as exc:
                self._not_taken(f"the parts of an incomplete message from {done.sender}", exc)
                continue
            self._delete_after(slots, stored)

    def _release(self, key: tuple) -> set[Slot]:
        slots = self._held.pop(key, set())
        self._held_slots.difference_update(slots)
        return slots

    def _incoming(self, done: IncomingMessage) -> IncomingSms:
        return IncomingSms(sender=done.sender, text=done.text, recipient=self.gateway.own_number,
                           smsc=done.smsc or "", pdu=",".join(done.pdus), sent_at=done.timestamp,
                           total_parts=done.total_parts, received_parts=done.parts_received,
                           fingerprint=fingerprint(self.gateway.name, done.pdus))

async def _committed(pending) -> None:
    """Wait for the engine's commit of what was handed to it (None: committed already)."""
    if pending is not None:
        await pending
