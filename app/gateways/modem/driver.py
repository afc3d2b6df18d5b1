"""The modem's start-up, sending and storage commands over an :class:`AtChannel`.

:meth:`ModemDriver.initialise` brings a modem from power-up to ready: wake
(``AT`` until it answers, for as long as the family may take to boot), reset,
echo off, verbose errors, identity and the family's profile (detected from
``AT+CGMI`` / ``AT+CGMM``, or the one the gateway is set to), SIM PIN (entered
once, never again after a refusal), PDU mode, preferred storage, new-message
indications (falling back through the ``AT+CNMI`` variants the profile lists),
network registration, subscriber, operator and signal. "SIM busy" answers
(``+CME ERROR: 14`` or ``515``) are retried with growing pauses.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass, field

from .at_channel import AtChannel, AtCommand, AtError, AtResponse, AtTimeout, is_hex
from .modem_errors import describe, is_sim_busy
from .send_pipeline import message_reference
from .profiles import AUTO, ModemProfile, detect
from .profiles import get as get_profile

log = logging.getLogger(__name__)

STORAGE_FALLBACKS = ("SM", "MT", "ME")


class ModemProblem(Exception):
    """The modem cannot be used as it is; ``str()`` says what and what to do."""


class SimLocked(ModemProblem):
    """The SIM needs a PIN or PUK the console cannot give (``state``: "PIN" or "PUK")."""

    def __init__(self, state: str, message: str):
        self.state = state
        super().__init__(message)


@dataclass
class ModemFacts:
    """What the start-up learnt about the modem."""

    manufacturer: str = ""
    model: str = ""
    revision: str = ""
    imei: str = ""
    imsi: str = ""
    operator: str = ""
    rssi: int | None = None
    cnmi: str = ""
    storage: str = "SM"
    storage_used: int = 0
    storage_total: int = 0
    report_storage: bool = False
    needs_cnma: bool = False
    registered: bool = False
    #: The profile in use, and whether it was detected (else the gateway's setting chose it).
    profile: str = ""
    profile_detected: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def signal_dbm(self) -> int | None:
        """+CSQ 0–31 as dBm (-113 + 2·rssi); None when unknown (99)."""
        return None if self.rssi is None or self.rssi > 31 else -113 + 2 * self.rssi

    @property
    def signal_bars(self) -> int:
        """0–5 bars, as handsets show them."""
        if self.rssi is None or self.rssi > 31:
            return 0
        return min(5, (self.rssi + 2) // 5) if self.rssi else 0


@dataclass
class Timing:
    command: float = 5.0
    send: float = 60.0
    busy_total: float = 30.0
    registration: float = 60.0
    #: How long start-up keeps sending AT to a modem that does not answer yet (a booting modem).
    boot: float = 6.0


class ModemDriver:
    def __init__(self, channel: AtChannel, *, pin: str = "", storage: str = "SM", cnmi: str = "",
                 timing: Timing | None = None, rejected_pin: str | None = None, profile: str = AUTO):
        self.channel = channel
        #: The family profile: the one set, else ``generic`` until start-up detects the family.
        self.profile: ModemProfile = get_profile("generic" if profile == AUTO else profile)
        self.profile_setting = profile
        self.pin = pin
        self.storage = storage
        self.cnmi = cnmi
        self.timing = timing or Timing()
        self.rejected_pin = rejected_pin
        self.facts = ModemFacts()
        self.mem1 = storage

    async def at(self, command: str, *, timeout: float | None = None, busy_retry: bool = True) -> AtResponse:
        """One command; "SIM busy" answers are retried with growing pauses for up to ``busy_total`` seconds."""
        delay, waited = 0.25, 0.0
        while True:
            try:
                return await self.channel.command(command, timeout or self.timing.command)
            except AtError as exc:
                if not busy_retry or not is_sim_busy(exc) or waited >= self.timing.busy_total:
                    raise
                log.info("%s: %s; trying again in %.2g s", self.channel.name, describe(exc), delay)
                await asyncio.sleep(delay)
                waited += delay
                delay = min(delay * 2, 4.0)

    async def _optional(self, command: str) -> AtResponse | None:
        try:
            return await self.at(command)
        except AtError:
            return None

    # --- start-up --------------------------------------------------------------

    async def initialise(self) -> ModemFacts:
        await self.wake()
        await self._optional("ATZ")
        await self.at("ATE0")
        await self._optional("AT+CMEE=1")
        await self.identify()
        self._apply_profile()
        await self._unlock()
        try:
            await self.at("AT+CMGF=0")
        except AtError as exc:
            raise ModemProblem(f"the modem refuses PDU mode ({describe(exc)})") from None
        csms = await self._optional("AT+CSMS?")
        service = (csms.first("+CSMS:") or "0").split(",")[0].strip() if csms else "0"
        self.facts.needs_cnma = service == "1"
        if self.profile.sms_storage:
            await self._choose_storage()
        else:
            self.facts.storage = ""
        await self._choose_cnmi()
        await self._wait_registered()
        await self.subscriber()
        await self.read_signal()
        return self.facts

    async def wake(self) -> None:
        """Send ``AT`` until the modem answers: it may still be booting, and the first answer may be garbage."""
        self.channel.escape()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timing.boot
        attempt = 0
        while True:
            left = deadline - loop.time()
            try:
                await self.channel.command("AT", max(0.05, min(0.5 + attempt / 2, left)))
                return
            except AtTimeout:
                attempt += 1
                if loop.time() >= deadline - 0.01:
                    raise AtTimeout("AT", self.timing.boot) from None
            except AtError:
                return

    def _apply_profile(self) -> None:
        """Use the family's profile: the one set, else the one the identity matches."""
        if self.profile_setting == AUTO:
            self.profile = detect(self.facts.manufacturer, self.facts.model)
        self.facts.profile = self.profile.name
        self.facts.profile_detected = self.profile_setting == AUTO
        self.channel.info_grace = self.profile.info_grace
        log.info("%s: %s, profile %s (%s)", self.channel.name,
                 " ".join(p for p in (self.facts.manufacturer, self.facts.model) if p) or "unknown modem",
                 self.profile.name, "detected" if self.facts.profile_detected else "set")

    async def _unlock(self) -> None:
        state = (await self.at("AT+CPIN?")).first("+CPIN:") or "READY"
        state = state.strip('"').upper()
        if state == "READY":
            return
        if state == "SIM PIN":
            if not self.pin:
                raise SimLocked("PIN", "the SIM needs its PIN: set the gateway's pin")
            if self.pin == self.rejected_pin:
                raise SimLocked("PIN", "the configured PIN was refused before and is not tried again "
                                       "(another refusal could lock the SIM): correct the pin setting")
            try:
                await self.at(f'AT+CPIN="{self.pin}"', busy_retry=False)
            except AtError as exc:
                self.rejected_pin = self.pin
                raise SimLocked("PIN", f"the SIM refused the configured PIN ({describe(exc)}); it is not tried "
                                       "again: correct the pin setting, or unlock the SIM in a phone") from None
            return
        if state == "SIM PUK":
            raise SimLocked("PUK", "the SIM is blocked and needs its PUK: unlock it in a phone")
        raise SimLocked("PIN", f"the SIM asks for {state}, which the console cannot give")

    async def _choose_storage(self) -> None:
        options = tuple(dict.fromkeys((self.storage, self.profile.storage) + STORAGE_FALLBACKS))
        supported = await self._optional("AT+CPMS=?")
        self.facts.report_storage = bool(supported and '"SR"' in " ".join(supported.lines))
        for mem in options:
            try:
                answer = await self.at(f'AT+CPMS="{mem}","{mem}","{mem}"')
            except AtError:
                continue
            self.mem1 = self.facts.storage = mem
            numbers = re.findall(r"\d+", answer.first("+CPMS:") or "")
            if len(numbers) >= 2:
                self.facts.storage_used, self.facts.storage_total = int(numbers[0]), int(numbers[1])
            return
        log.warning("%s: the modem accepts none of the storages %s", self.channel.name, ", ".join(options))

    async def _choose_cnmi(self) -> None:
        for variant in ((self.cnmi,) if self.cnmi else self.profile.cnmi):
            try:
                await self.at(f"AT+CNMI={variant}")
            except AtError:
                continue
            self.facts.cnmi = variant
            return
        self.facts.cnmi = ""
        log.warning("%s: the modem accepts no new-message indication; received messages are found by "
                    "the periodic storage sweep only", self.channel.name)

    async def _wait_registered(self) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timing.registration
        while True:
            answer = await self._optional("AT+CREG?")
            # an unsolicited "+CREG: <stat>" may arrive amid the answer "+CREG: <n>,<stat>"
            forms = [line[6:].split(",") for line in answer.lines if line.startswith("+CREG:")] if answer else []
            stat = next((f for f in forms if len(f) >= 2), [])
            if answer is None or (len(stat) >= 2 and stat[1].strip() in ("1", "5")):
                self.facts.registered = True
                return
            if loop.time() >= deadline:
                raise ModemProblem(f"the modem did not register with a network within "
                                   f"{self.timing.registration:g} s (check the SIM and the antenna)")
            await asyncio.sleep(min(1.0, self.timing.registration / 10))

    async def identify(self) -> None:
        """Manufacturer, model, revision and IMEI (asked before the SIM is unlocked: they need no SIM)."""
        for attr, command in (("manufacturer", "AT+CGMI"), ("model", "AT+CGMM"), ("revision", "AT+CGMR"),
                              ("imei", "AT+CGSN")):
            await self._fact(attr, command)

    async def _fact(self, attr: str, command: str) -> None:
        answer = await self._optional(command)
        if answer and answer.lines:
            value = answer.lines[0]
            setattr(self.facts, attr, value.split(":", 1)[1].strip() if value.startswith("+") else value.strip())

    async def subscriber(self) -> None:
        """The SIM's IMSI and the network operator."""
        await self._fact("imsi", "AT+CIMI")
        await self._optional("AT+COPS=3,0")
        cops = await self._optional("AT+COPS?")
        m = re.search(r'"([^"]*)"', (cops.first("+COPS:") or "") if cops else "")
        self.facts.operator = m.group(1) if m else ""

    async def read_signal(self) -> None:
        answer = await self._optional("AT+CSQ")
        m = re.match(r"(\d+)", (answer.first("+CSQ:") or "") if answer else "")
        if m:
            self.facts.rssi = int(m.group(1))

    # --- messages ----------------------------------------------------------------

    async def send_pdu(self, length: int, pdu: str) -> int:
        """Send one SMS-SUBMIT; returns the message reference (TP-MR) the modem gives it."""
        return self.reference(await self.submit_pdu(length, pdu).result())

    def submit_pdu(self, length: int, pdu: str, after: AtCommand | None = None) -> AtCommand:
        """Queue one SMS-SUBMIT (``AT+CMGS``) on the channel; with ``after``, only if that one succeeds."""
        return self.channel.submit(f"AT+CMGS={length}", self.timing.send, data=pdu,
                                   prompt_timeout=self.timing.command, after=after)

    #: The message reference in an ``AT+CMGS`` answer; AtError when the modem gave none.
    reference = staticmethod(message_reference)

    async def use_storage(self, mem: str) -> None:
        """Make ``mem`` the storage that AT+CMGR/CMGL/CMGD work on (caller holds the channel lock)."""
        if mem != self.mem1:
            await self.channel.command_locked(f'AT+CPMS="{mem}"', self.timing.command)
            self.mem1 = mem

    async def read(self, index: int, mem: str) -> str | None:
        """The PDU stored at ``index`` of ``mem``; None when the slot is empty."""
        async with self.channel.lock:
            await self.use_storage(mem)
            try:
                answer = await self.channel.command_locked(f"AT+CMGR={index}", self.timing.command)
            except AtError as exc:
                if exc.kind == "CMS" and exc.code == 321:
                    return None
                raise
        pdus = []
        for line in answer.lines:
            if is_hex(line):
                pdus.append(line)
            elif not line.startswith("+CMGR:"):
                self.channel.note(f"skipped {line!r} in the answer to AT+CMGR={index}: it is not a PDU")
        return pdus[0] if pdus else None

    async def list_all(self, mem: str) -> list[tuple[int, str]]:
        """(index, PDU) of every message in ``mem`` (AT+CMGL=4); none on a device without storage over AT.

        Each ``+CMGL:`` line is paired with the next hex line; any other line
        (garbage some modems send, an unknown unsolicited result) is skipped
        with a traffic-log line and never taken for a PDU.
        """
        if not self.profile.sms_storage:
            return []
        async with self.channel.lock:
            await self.use_storage(mem)
            answer = await self.channel.command_locked("AT+CMGL=4", self.timing.send)
        out, index = [], None
        for line in answer.lines:
            if line.startswith("+CMGL:"):
                if index is not None:
                    self.channel.note(f"skipped +CMGL entry {index} of {mem}: no PDU came with it")
                first = line[6:].split(",")[0].strip()
                index = int(first) if first.isdigit() else None
            elif index is not None and is_hex(line):
                out.append((index, line))
                index = None
            else:
                self.channel.note(f"skipped {line!r} in the answer to AT+CMGL=4: it is not a PDU")
        if index is not None:
            self.channel.note(f"skipped +CMGL entry {index} of {mem}: no PDU came with it")
        return out

    async def delete(self, index: int, mem: str) -> None:
        async with self.channel.lock:
            await self.use_storage(mem)
            await self.channel.command_locked(f"AT+CMGD={index}", self.timing.command)

    async def restore_storage(self) -> None:
        if not self.profile.sms_storage:
            return
        async with self.channel.lock:
            await self.use_storage(self.storage if self.facts.storage == "" else self.facts.storage)
