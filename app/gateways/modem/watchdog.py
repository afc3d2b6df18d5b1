"""The watchdog: bringing back a modem that stopped answering, by the least disruptive means that works.

A modem that gives no answer to a command (a keep-alive ``AT``, a send, a
storage read) is not closed and forgotten: the watchdog climbs a ladder, one
step at a time, each with its own pauses, and stops at the first step after
which the modem answers:

1. **probe**: a quiet ``AT`` (after an ESC that leaves a forgotten ``> `` prompt), twice;
2. **modem reset**: the modem's own restart command (``AT+CFUN=1,1``, or the
   family's equivalent from its profile, :attr:`.profiles.ModemProfile.reset`,
   or the ``reset_command`` setting), then the port is tried again for
   ``reset_wait_seconds``;
3. **USB reset**: ``USBDEVFS_RESET`` on the modem's USB device (see
   :mod:`.usb_reset`), when permitted (when not, it says so), then the port
   is tried again for ``reset_wait_seconds``;
4. **reopen**: the port is closed and opened again; when it stays silent, the
   modem is looked for by its IMEI on the other ports (the kernel may have
   given its AT interface another name).

After every step that brings an answer the port is reopened and the modem
initialised afresh (PDU mode, indications, storage), and it is checked to be
the remembered modem (see :mod:`.identity`, which also finds a port the
kernel renamed meanwhile). When a whole round fails the next begins after a
pause that doubles up to ``reconnect_max_seconds``. Every step is a line in
the traffic log, and the current one is in the gateway's state and information.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import TYPE_CHECKING, AsyncIterator

from ..base import GatewayState
from .at_channel import AtChannel, AtError, AtTimeout, PortGone
from .driver import SimLocked
from .profiles import ModemProfile
from .profiles import get as get_profile
from .serial_port import close_port, open_port

if TYPE_CHECKING:
    from .gateway import ModemGateway

log = logging.getLogger(__name__)

#: ``AT`` tries of the probe step.
PROBE_TRIES = 2


class PortMissing(Exception):
    """The port is not there: the modem was unplugged rather than hung."""


class Watchdog:
    """The escalation ladder of one modem gateway (runs in its housekeeping task)."""

    STEPS = ("probe", "modem reset", "USB reset", "reopen")

    def __init__(self, gateway: "ModemGateway"):
        self.gw = gateway
        #: The step under way ("" when the watchdog is idle).
        self.step = ""
        self.round = 0
        #: How many times the watchdog brought the modem back.
        self.revivals = 0
        #: How the last revival went, for the gateway's information.
        self.last = ""
        self.reason = ""
        #: The modem's family, as its last start-up found it (its reset command is the profile's).
        self.profile: ModemProfile = get_profile("generic")

    @property
    def active(self) -> bool:
        return bool(self.step)

    def describe(self) -> str:
        return f"{self.step} (round {self.round})" if self.step else ""

    def note(self, text: str) -> None:
        """One line in the traffic log and the program log."""
        self.gw.log_traffic("info", f"watchdog: {text}")
        log.info("gateway %s: watchdog: %s", self.gw.name, text)

    def _enter(self, step: str, doing: str) -> None:
        self.step = step
        self.note(f"{step} (round {self.round}): {doing}")
        self.gw.set_state(GatewayState.ERROR, f"{self.reason}; watchdog: {doing}")

    # --- the ladder --------------------------------------------------------------------

    async def revive(self, reason: str) -> None:
        """Climb the ladder until the modem answers and is initialised again (raises SimLocked if its SIM
        then needs a PIN the gateway cannot give). A port found gone at the probe is left to the
        reconnection (state disconnected), which looks for the modem on its port and by IMEI."""
        loop = asyncio.get_running_loop()
        began, pause = loop.time(), 0.0
        self.reason, self.round = reason, 0
        if self.gw.driver is not None and self.gw.driver.facts.profile:
            self.profile = self.gw.driver.profile
        self.note(f"taking over: {reason}")
        try:
            while True:
                self.round += 1
                for step in (self._probe, self._modem_reset, self._usb_reset, self._reopen):
                    try:
                        revived = await step()
                    except PortMissing as exc:
                        self.note(f"{exc}: left to the reconnection, which looks for the modem")
                        self.gw.set_state(GatewayState.DISCONNECTED, f"{exc}; looking for the modem")
                        return
                    if revived:
                        took = loop.time() - began
                        self.revivals += 1
                        self.last = f"{time.strftime('%H:%M:%S')}: back after {took:.1f} s by {self.step}"
                        self.note(f"the modem answers again: back after {took:.1f} s by {self.step} "
                                  f"(round {self.round})")
                        return
                pause = min(max(pause * 2, 1.0), self.gw.settings["reconnect_max_seconds"])
                self._enter("waiting", f"nothing helped in round {self.round}; trying again in {pause:.1f} s")
                await asyncio.sleep(pause)
        finally:
            self.step = ""

    async def _probe(self) -> bool:
        self._enter("probe", "probing with AT")
        for attempt in range(PROBE_TRIES):
            if attempt:
                await asyncio.sleep(min(1.0, self.gw.settings["command_timeout"]) * attempt)
            answer = await self._ask("AT")
            if answer == "gone":  # unplugged, not hung: the reconnect loop looks for it (also by IMEI)
                self.note("the port is gone; looking for the modem")
                if await self._connect():
                    return True
                raise PortMissing(f"{self.gw._device} is gone")
            if answer is not None:
                self.note(f"AT answered {answer}")
                return await self._connect()
        self.note(f"no answer to AT ({PROBE_TRIES} tries)")
        return False

    async def _modem_reset(self) -> bool:
        command = self.gw.settings["reset_command"] or self.profile.reset
        self._enter("modem reset", f"restarting the modem with {command}")
        answer = await self._ask(command)
        self.note(f"{command}: " + {None: "no answer", "gone": "the port is gone"}.get(answer, f"answered {answer}"))
        self.gw._disconnect()
        return await self._try_port(self.gw.settings["reset_wait_seconds"])

    async def _usb_reset(self) -> bool:
        if not self.gw.settings["usb_reset"]:
            self.note("USB reset skipped: the usb_reset setting is off")
            return False
        self._enter("USB reset", f"resetting the USB device of {self.gw._device}")
        self.gw._disconnect()
        outcome = await asyncio.to_thread(self.gw.usb_reset, self.gw._device)
        self.note(outcome.text)
        if not outcome.done:
            return False
        return await self._try_port(self.gw.settings["reset_wait_seconds"])

    async def _reopen(self) -> bool:
        self._enter("reopen", f"reopening {self.gw._device}")
        self.gw._disconnect()
        if await self._ask("AT") is not None:
            return await self._connect()
        # a port that is there and silent may be another interface of the stick now: look for the IMEI
        moved = await self.gw.identity.find_elsewhere(f"{self.gw._device} does not answer")
        if moved is None:
            return False
        self.gw._device = moved
        return await self._connect()

    # --- helpers -------------------------------------------------------------------------

    async def _try_port(self, budget: float) -> bool:
        """Ask the port ``AT`` with growing pauses for up to ``budget`` seconds; connect once it answers."""
        loop = asyncio.get_running_loop()
        deadline, pause = loop.time() + budget, min(0.25, budget / 4)
        while True:
            answer = await self._ask("AT")
            # an answer, or the port is gone (the modem may be back elsewhere): initialise it, or look for it
            if answer is not None and await self._connect():
                return True
            if loop.time() + pause > deadline:
                self.note(f"no answer within {budget:g} s")
                return False
            await asyncio.sleep(pause)
            pause = min(pause * 2, max(budget / 4, 0.25))

    async def _connect(self) -> bool:
        """Reopen the port, initialise the modem and check its identity; False when that fails."""
        try:
            await self.gw._connect()
        except SimLocked:
            raise
        except Exception as exc:  # the reason is in the traffic log; the ladder goes on
            self.note(f"reopening failed: {type(exc).__name__}: {exc}")
            self.gw._disconnect()
            return False
        return True

    async def _ask(self, command: str) -> str | None:
        """``command``'s final result (OK or the error), None for no answer, "gone" when there is no port."""
        timeout = self.gw.settings["command_timeout"]
        async with self._line() as channel:
            if channel is None:
                return "gone"
            try:
                channel.escape()
                await channel.command(command, timeout)
                return "OK"
            except AtError as exc:
                return str(exc)
            except AtTimeout:
                return None
            except PortGone:
                return "gone"

    @contextlib.asynccontextmanager
    async def _line(self) -> AsyncIterator[AtChannel | None]:
        """The gateway's channel when it is open, else the port opened for a moment (None if it cannot be)."""
        if self.gw.connected:
            yield self.gw.channel
            return
        try:
            port = open_port(self.gw._device, self.gw.settings["baudrate"])
        except OSError:
            yield None
            return
        channel = AtChannel(port.fileno(), lambda line, pdu: None, name=self.gw.name,
                            on_traffic=self.gw.log_traffic)
        try:
            yield channel
        finally:
            channel.detach()
            close_port(port)
