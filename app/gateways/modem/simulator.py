"""An AT modem simulator on a pseudo-terminal.

The simulator opens a pty and speaks the AT dialect of
:mod:`~app.gateways.modem.sim_dialect` on its master side; the driver opens
the slave side (``/dev/pts/N`` or the ``link`` symlink) exactly as it opens a
USB modem. It can throttle the line to a baud rate, delay sends, answer
``+CMS ERROR`` to a fraction of them, hang, vanish (as an unplugged modem)
and come back, receive messages (``+CMTI`` into storage or ``+CMT`` directly,
multipart included) and send status reports (``+CDS`` or ``+CDSI``).
It plays the line habits of its options' modem family: the boot time
(commands sent meanwhile are lost), the banners after power-up (``RDY``,
``^SYSSTART``, ``SMS Ready``...), unsolicited floods amid answers (Huawei's
``^RSSI`` / ``^BOOT``), the prompt's form, stray NUL bytes.
Everything runs on the asyncio loop with non-blocking descriptors.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import random
import time
import tty
from collections import deque
from datetime import datetime, timezone
from typing import Callable, TextIO

from .sim_dialect import RESET_COMMANDS, SentPdu, SimModem, SimOptions
from .sim_pdus import encode_deliver, encode_status_report, tpdu_length

log = logging.getLogger(__name__)

BITS_PER_BYTE = 10  # start bit, 8 data bits, stop bit
#: Paced output is handed over by a timer set this much before the bytes are due, then a busy wait to the
#: exact moment. A process woken from idle by a timer runs 0.1-0.2 ms late, which would make the simulated
#: line slower than its baud rate; the wait never hands bytes over before their last bit has crossed.
PRECISE_HANDOVER = 0.0003


class ModemSimulator:
    """One simulated modem. ``await start()``, then connect to :attr:`path`."""

    def __init__(self, options: SimOptions | None = None, *, link: str | None = None, baud: int | None = None,
                 log_file: TextIO | None = None, seed: int | None = None):
        self.options = options or SimOptions()
        self.modem = SimModem(self.options)
        self.modem.registered = self._registered
        self.link = link
        self.baud = baud
        self.log_file = log_file
        self.random = random.Random(seed)
        self.path = ""
        self.master = self.slave = -1
        self.hung = False
        #: While hung, a reset command (AT+CFUN=1,1 or a family's equivalent) still gets through and cures it.
        self.reset_cures = False
        self._deaf = ""
        #: After a reset command the modem drops off the bus for ``reset_downtime`` seconds and comes back with
        #: its link at this path (a USB modem re-enumerates, maybe under another name); None: the port stays.
        self.reset_replug: str | None = None
        self.reset_downtime = 0.0
        self.bytes_in = self.bytes_out = 0
        self.pending_network: list[str] = []
        self._powered = time.monotonic()
        self._input = ""
        self._pdu_length: int | None = None
        self._busy = False
        self._rx_free = self._tx_free = 0.0
        #: Line time of the bytes being handled (see :meth:`_line_now`); None outside a paced arrival.
        self._now: float | None = None
        #: Paced output: (time its last bit crosses the line, bytes), oldest first.
        self._tx: deque[tuple[float, bytes]] = deque()
        self._tx_timer: asyncio.TimerHandle | None = None
        self._tasks: set[asyncio.Task] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._waiters: list[tuple[str, int, asyncio.Future]] = []
        self.behaviour = self.options.behaviour
        #: Loop time until which the modem boots (input is lost); set by :meth:`start`.
        self.booting_until = 0.0
        self._floods = 0
        #: Called with (command line, answer lines) before an answer is written; returns the lines to write
        #: instead, so a test can garble, pad or interleave what a real modem would send.
        self.answer_filter: Callable[[str, list[str]], list[str]] | None = None

    # --- life ----------------------------------------------------------------------

    async def start(self) -> str:
        """Open the pty; returns the device path the driver opens (the link if one is set)."""
        self._loop = asyncio.get_running_loop()
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        tty.setraw(self.master)
        os.set_blocking(self.master, False)
        self.path = os.ttyname(self.slave)
        if self.link:
            tmp = f"{self.link}.{os.getpid()}.tmp"
            os.symlink(self.path, tmp)
            os.replace(tmp, self.link)
        self._loop.add_reader(self.master, self._readable)
        self._boot()
        return self.link or self.path

    def _boot(self) -> None:
        """Power-up as the family does it: deaf for its boot time, then its banners."""
        seconds = self.behaviour.boot_seconds * self.options.boot_scale
        self.booting_until = self._loop.time() + seconds
        if self.behaviour.banners:
            self._spawn(self._banners(seconds))

    async def _banners(self, delay: float) -> None:
        await asyncio.sleep(delay)
        self.send_lines(*self.behaviour.banners)

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        self._close_pty()
        if self.link and os.path.islink(self.link):
            os.unlink(self.link)

    def _close_pty(self) -> None:
        self._tx.clear()
        if self._tx_timer is not None:
            self._tx_timer.cancel()
            self._tx_timer = None
        if self.master >= 0:
            self._loop.remove_reader(self.master)
            os.close(self.master)
            os.close(self.slave)
            self.master = self.slave = -1

    async def vanish(self) -> None:
        """Behave as an unplugged modem: the device and its link disappear."""
        self._close_pty()
        if self.link and os.path.islink(self.link):
            os.unlink(self.link)
        self._input = ""
        self._pdu_length = None

    async def come_back(self, link: str | None = None) -> str:
        """Plug the modem in again: a new pty (the link points to it) and a power-up.

        With ``link``, the port comes back under that name (as the kernel renames ``ttyUSB2`` to
        ``ttyUSB5``, or another socket gives another by-path name).
        """
        if link is not None:
            self.link = link
        self.hung = False
        self.modem.power_up()
        self._powered = time.monotonic()
        return await self.start()

    async def replug(self, link: str | None = None) -> str:
        """Drop off and come back at once, as a modem does after a USB reset."""
        await self.vanish()
        return await self.come_back(link)

    def hang(self, hung: bool = True, *, reset_cures: bool = False) -> None:
        """Stop answering (input is discarded) until ``hang(False)``.

        With ``reset_cures`` the modem ignores everything but its reset command (``AT+CFUN=1,1`` or a
        family's equivalent), which it answers and which ends the hang.
        """
        self.hung = hung
        self.reset_cures = hung and reset_cures
        self._deaf = ""

    def _registered(self) -> bool:
        return time.monotonic() - self._powered >= self.options.registration_delay

    # --- line ----------------------------------------------------------------------

    def _readable(self) -> None:
        try:
            data = os.read(self.master, 4096)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:  # EIO: no one has the slave open (cannot happen while we hold it)
            return
        if not data:
            return
        if self.hung:
            data = self._through_hang(data)
            if not data:
                return
        self.bytes_in += len(data)
        if self.baud:
            # the bytes left the driver now; their last bit reaches the modem after their line time
            self._rx_free = max(self._loop.time(), self._rx_free) + self.line_seconds(len(data))
            self._loop.call_at(self._rx_free, self._arrived, self._rx_free, data.decode("latin-1"))
        else:
            self._received(data.decode("latin-1"))

    def _through_hang(self, data: bytes) -> bytes:
        """What a hung modem takes in: nothing, or, when a reset cures it, its reset command on."""
        if not self.reset_cures:
            return b""
        text = self._deaf + data.decode("latin-1")
        at = min((i for i in (text.upper().find(c) for c in RESET_COMMANDS) if i >= 0), default=-1)
        if at < 0:
            self._deaf = text[-16:]
            return b""
        self.hung = self.reset_cures = False
        self._deaf = self._input = ""
        self._pdu_length = None
        return text[at:].encode("latin-1")

    def line_seconds(self, count: int) -> float:
        """Time the throttled line takes to carry ``count`` bytes in one direction (8N1: 10 bits a byte)."""
        return count * BITS_PER_BYTE / self.baud

    def _arrived(self, at: float, text: str) -> None:
        """Bytes whose last bit reached the modem at loop time ``at``: the modem acts on them as of then."""
        self._now = at
        try:
            self._received(text)
        finally:
            self._now = None

    def _line_now(self) -> float:
        """The line's present: the arrival time of the bytes being handled, else the loop's time.

        A timer may fire a little late; answering as of the arrival time keeps that lateness out of the
        line's timing, so the simulated line is as fast as a real one and never faster.
        """
        return self._now if self._now is not None else self._loop.time()

    def write(self, text: str) -> None:
        """Send characters to the driver (paced to the baud rate when throttled)."""
        if self.master < 0 or self.hung:
            return
        data = text.encode("latin-1")
        self.bytes_out += len(data)
        if self.baud:
            self._tx_free = max(self._line_now(), self._tx_free) + self.line_seconds(len(data))
            self._tx.append((self._tx_free, data))
            if self._tx_timer is None:  # a pending timer hands this over after the chunks before it
                self._send_due()
        else:
            self._put(data)

    def _send_due(self) -> None:
        """Hand the driver, in order, every chunk whose last bit has crossed the line; wait for the next."""
        self._tx_timer = None
        while self._tx:
            due, now = self._tx[0][0], time.monotonic()  # the loop's clock
            if due - now > PRECISE_HANDOVER:
                self._tx_timer = self._loop.call_at(due - PRECISE_HANDOVER, self._send_due)
                return
            while now < due:
                now = time.monotonic()
            self._put(self._tx.popleft()[1])

    def _put(self, data: bytes) -> None:
        if self.master < 0:
            return
        try:
            os.write(self.master, data)
        except OSError as exc:
            log.debug("simulator: write failed: %s", exc)

    def send_lines(self, *lines: str) -> None:
        end = self.options.line_end
        nul = "\x00" if self.behaviour.nul_bytes else ""
        self.write("".join(f"{end}{line}{end}{nul}" for line in lines))

    def _received(self, text: str) -> None:
        if self.master < 0 or self.hung or self._line_now() < self.booting_until:
            return
        self._input += text
        while self._input:
            if self._pdu_length is not None:
                cut = min((i for i in (self._input.find("\x1a"), self._input.find("\x1b")) if i >= 0), default=-1)
                if cut < 0:
                    return
                pdu, end, self._input = self._input[:cut].strip(), self._input[cut], self._input[cut + 1:]
                length, self._pdu_length = self._pdu_length, None
                if self.modem.echo:
                    self.write(pdu + end)
                if end == "\x1b":
                    self.send_lines("OK")
                else:
                    self._submit(length, pdu)
                continue
            cut = self._input.find("\r")
            if cut < 0:
                return
            line, self._input = self._input[:cut].replace("\x1b", "").strip("\n "), self._input[cut + 1:]
            if self.modem.echo:
                self.write(line + "\r")
            if line:
                self._command(line)

    async def wait_for_command(self, prefix: str, count: int = 1, timeout: float = 10.0) -> None:
        """Return once ``count`` command lines starting with ``prefix`` have been received."""
        fut = self._loop.create_future()
        self._waiters.append((prefix.upper(), count, fut))
        self._check_waiters()
        async with asyncio.timeout(timeout):
            await fut

    def commands_starting(self, prefix: str) -> list[str]:
        return [c for c in self.modem.commands if c.upper().startswith(prefix.upper())]

    def _check_waiters(self) -> None:
        for waiter in list(self._waiters):
            prefix, count, fut = waiter
            if fut.done() or len(self.commands_starting(prefix)) >= count:
                self._waiters.remove(waiter)
                if not fut.done():
                    fut.set_result(None)

    def _command(self, line: str) -> None:
        try:
            self._answer(line)
        finally:
            self._check_waiters()

    def _answer(self, line: str) -> None:
        if self.options.noise:
            self.send_lines("^RSSI: 21", "^MODE: 5,4")
        floods = self.behaviour.floods
        if floods:
            self.send_lines(floods[self._floods % len(floods)])
            self._floods += 1
        answer = self.modem.handle(line)
        if answer == "PROMPT":
            self._pdu_length = int(line.split("=", 1)[1])
            self.write(self.behaviour.prompt.replace("\r\n", self.options.line_end))
            return
        if self.answer_filter is not None:
            answer = self.answer_filter(line, list(answer))
        self.send_lines(*answer)
        if line.upper().startswith(("AT+CMGD", "AT+CNMI")):
            self._deliver_waiting()
        if self.reset_replug is not None and line.strip().upper() in RESET_COMMANDS:
            self.hang()  # rebooting: nothing answers until it is back
            self._spawn(self._reenumerate(self.reset_replug))

    async def _reenumerate(self, link: str) -> None:
        await asyncio.sleep(0.01)  # the driver reads the OK first
        await self.vanish()
        await asyncio.sleep(self.reset_downtime)
        await self.come_back(link)

    # --- sending -------------------------------------------------------------------

    def _submit(self, length: int, pdu: str) -> None:
        """A PDU after the prompt: answered at once, or after the send delay."""
        sms, problem = self.modem.submit(length, pdu)
        if self.options.send_delay:
            self._spawn(self._answer_later(self._line_now() + self.options.send_delay, sms, problem, pdu))
        else:
            self._answer_submit(sms, problem, pdu)

    async def _answer_later(self, at: float, sms, problem: str | None, pdu: str) -> None:
        await asyncio.sleep(max(0.0, at - self._loop.time()))
        self._now = at
        try:
            self._answer_submit(sms, problem, pdu)
        finally:
            self._now = None

    def _answer_submit(self, sms, problem: str | None, pdu: str) -> None:
        if self.options.noise:
            self.send_lines("^BOOT:20952066,0,0,0,75")
        if problem is None and sms.recipient in self.options.fail_numbers:
            problem = self.modem.error("CMS", self.options.fail_numbers[sms.recipient])
        if problem is None and self.options.error_rate and self.random.random() < self.options.error_rate:
            problem = self.modem.error("CMS", self.options.error_code)
        if problem is not None:
            self.send_lines(problem)
            return
        reference = self.modem.next_reference
        self.modem.next_reference = (reference + 1) % 256
        concat = (sms.concat.reference, sms.concat.part, sms.concat.total) if sms.concat else None
        entry = SentPdu(reference, sms.recipient, sms.text, pdu, sms.status_report_request, concat)
        self.modem.sent.append(entry)
        if self.log_file is not None:
            self.log_file.write(json.dumps({"time": datetime.now(timezone.utc).isoformat(), "reference": reference,
                                            "recipient": sms.recipient, "text": sms.text, "concat": concat,
                                            "status_report": sms.status_report_request}, ensure_ascii=False) + "\n")
            self.log_file.flush()
        self.send_lines(f"+CMGS: {reference}", "OK")
        if sms.status_report_request:
            self._spawn(self._report_later(entry))

    async def _report_later(self, sent: SentPdu) -> None:
        await asyncio.sleep(self.options.report_delay)
        status = self.options.report_status.get(sent.recipient, 0)
        pdu = encode_status_report(sent.reference, sent.recipient, status, submitted=datetime.now(timezone.utc))
        self.report(pdu)

    def report(self, pdu: str) -> None:
        """Hand a status report to the driver as the CNMI setting asks (``+CDS`` or ``+CDSI``)."""
        ds = self.modem.cnmi[3]
        if ds == 1:
            self.send_lines(f"+CDS: {tpdu_length(pdu)}", pdu)
        elif ds == 2:
            index = self.modem.store(pdu, reports=True)
            if index is not None:
                self.send_lines(f'+CDSI: "SR",{index}')

    # --- receiving -----------------------------------------------------------------

    def receive(self, sender: str, text: str, *, encoding: str = "auto", when: datetime | None = None) -> list[str]:
        """A message arrives from the network (several PDUs when it is long); returns its PDUs."""
        pdus = encode_deliver(sender, text, encoding=encoding, when=when)
        for pdu in pdus:
            self.receive_pdu(pdu)
        return pdus

    def receive_pdu(self, pdu: str) -> None:
        mt = self.modem.cnmi[1]
        if mt in (2, 3) and self.master >= 0 and not self.hung:
            self.send_lines(f"+CMT: ,{tpdu_length(pdu)}", pdu)
            return
        index = self.modem.store(pdu)
        if index is None:
            self.pending_network.append(pdu)  # storage full: the network keeps it and tries later
            return
        if mt == 1 and self.master >= 0:
            self.send_lines(f'+CMTI: "{self.modem.mem[2]}",{index}')

    def _deliver_waiting(self) -> None:
        waiting, self.pending_network = self.pending_network, []
        for pdu in waiting:
            self.receive_pdu(pdu)

    def _spawn(self, coro) -> None:
        task = self._loop.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
