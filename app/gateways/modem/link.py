"""The modem gateway's link to its modem: the port, start-up, housekeeping, and what happens when it fails.

The housekeeping task connects and reconnects (with backoff, up to
``reconnect_max_seconds``), reads received messages, sweeps the storage,
polls the signal and sends a keep-alive ``AT`` when the line is idle. It
never ends on an error: a modem that stops answering is handed to the
:class:`~.watchdog.Watchdog`, an unplugged one is looked for again (on its
port, or by IMEI on the others: :mod:`.identity`), and anything unexpected is
logged, written to the traffic log and treated as a modem that stopped answering.

A gateway down (error, disconnected, SIM changed, PIN needed) for longer than
``down_alert_seconds`` alerts the operator once, and again when it is back.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time

from ..base import GatewayState
from .at_channel import AtChannel, AtError, AtTimeout, PortGone
from .driver import ModemDriver, ModemProblem, SimLocked
from .identity import ModemIdentity, OtherModem
from .modem_errors import describe
from .receiver_jobs import LinkLost
from .serial_port import close_port, open_port
from .usb_reset import reset_usb
from .watchdog import Watchdog

log = logging.getLogger(__name__)

#: States in which the gateway is down: counted for the down alert.
DOWN_STATES = (GatewayState.ERROR, GatewayState.DISCONNECTED, GatewayState.SIM_CHANGED,
               GatewayState.PIN_REQUIRED, GatewayState.PUK_REQUIRED)
#: States that end a down time (the modem is back, or the operator stopped the gateway).
UP_STATES = (GatewayState.RUNNING, GatewayState.PAUSED, GatewayState.STOPPING, GatewayState.STOPPED)


def duration(seconds: float) -> str:
    if seconds < 10:
        return f"{seconds:.1f} s"
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.0f} min"


class ModemLink:
    """Mixin of :class:`~.gateway.ModemGateway`: its port, channel and driver, and their upkeep."""

    #: Resets the USB device of a serial port (see :mod:`.usb_reset`); tests point it at a fake sysfs tree.
    usb_reset = staticmethod(reset_usb)

    def _init_link(self) -> None:
        self.port = None
        self.channel: AtChannel | None = None
        self.driver: ModemDriver | None = None
        self.reconnects = 0
        self.watchdog = Watchdog(self)
        self.identity = ModemIdentity(self)
        self._hung_reason: str | None = None
        #: Wall time the gateway went down (None while up), and whether the operator was alerted.
        self.down_since: float | None = None
        self.down_alerted = False
        self._down_timer: asyncio.TimerHandle | None = None

    # --- connecting -----------------------------------------------------------------------

    async def _connect(self) -> None:
        """Open the port and initialise the modem, finding it by IMEI if it is not where it was."""
        self._disconnect()
        here = self._device
        try:
            await self._initialise()
        except (FileNotFoundError, PortGone, AtTimeout, OtherModem) as exc:
            moved = await self.identity.find_elsewhere(f"{here}: {exc}")
            if moved is None:
                if isinstance(exc, OtherModem):
                    raise OtherModem(f"{exc}; the remembered one is on no other port either, still looking "
                                     f"(accept the modem on {here} to use it instead)") from None
                raise
            self._device = moved
            await self._initialise()
        sim_ok = await self.identity.check_sim()
        await self.receiver.sweep()
        loop = asyncio.get_running_loop()
        self._next_sweep = loop.time() + self.settings["sweep_seconds"]
        self._next_signal = loop.time() + self.settings["signal_seconds"]
        if not sim_ok:
            self.set_state(GatewayState.SIM_CHANGED, self.identity.sim_changed_reason())
        elif self.state != GatewayState.STARTING:
            self.set_state(GatewayState.PAUSED if self.operator_paused else GatewayState.RUNNING)
        else:
            self.state_reason = ""

    async def _initialise(self) -> None:
        """Open the port, check the modem's IMEI (before a PIN goes to its SIM), then start it up."""
        self.port = open_port(self._device, self.settings["baudrate"])
        self.channel = AtChannel(self.port.fileno(), self.receiver.unsolicited, on_lost=self._port_lost,
                                 name=self.name, on_traffic=self.log_traffic)
        self.driver = ModemDriver(self.channel, pin=self.settings["pin"], storage=self.settings["storage"],
                                  cnmi=self.settings["cnmi"], timing=self.timing, rejected_pin=self._rejected_pin,
                                  profile=self.settings["profile"])
        try:
            await self.identity.check_imei(self.driver)
            await self.driver.initialise()
            self.identity.check_imei_answer(self.driver.facts.imei)
        except BaseException:
            self._rejected_pin = self.driver.rejected_pin
            self._disconnect()
            raise

    def _disconnect(self) -> None:
        if self.channel is not None:
            self.channel.detach()
        if self.port is not None:
            close_port(self.port)
        self.port = self.channel = None

    @property
    def connected(self) -> bool:
        return self.channel is not None and not self.channel.closed and self.driver is not None

    def _locked(self, exc: SimLocked) -> None:
        self.set_state(GatewayState.PUK_REQUIRED if exc.state == "PUK" else GatewayState.PIN_REQUIRED, str(exc))

    def _connect_failed(self, exc: Exception) -> None:
        self.log_traffic("info", f"start-up failed: {type(exc).__name__}: {exc}")
        if isinstance(exc, (FileNotFoundError, PortGone, OtherModem)):
            self.set_state(GatewayState.DISCONNECTED, f"{exc}; trying again")
        elif isinstance(exc, AtTimeout):
            self.set_state(GatewayState.ERROR, f"the modem does not answer ({exc}); trying again")
            self._hung_reason = f"the modem does not answer ({exc})"
        elif isinstance(exc, AtError):
            self.set_state(GatewayState.ERROR, f"start-up failed: {describe(exc)}; trying again")
        elif isinstance(exc, (ModemProblem, OSError)):
            self.set_state(GatewayState.ERROR, f"{exc}; trying again")
        else:
            log.exception("gateway %s: unexpected start-up failure", self.name, exc_info=exc)
            self.set_state(GatewayState.ERROR, f"{type(exc).__name__}: {exc}; trying again")
        self._return_queued()

    def _port_lost(self, reason: str) -> None:
        self.log_traffic("info", f"port lost: {reason}")
        if self.state in (GatewayState.STOPPING, GatewayState.STOPPED) or self.watchdog.active:
            return  # the watchdog is at work on the port already
        self.set_state(GatewayState.DISCONNECTED, f"{reason}; reconnecting")
        self._return_queued()
        self.receiver.jobs.put_nowait(LinkLost())

    def _hung(self, reason: str) -> None:
        """The modem stopped answering: sending stops and the housekeeping task hands it to the watchdog."""
        if self.watchdog.active or self._hung_reason is not None \
                or self.state in (GatewayState.STOPPING, GatewayState.STOPPED):
            return
        self._hung_reason = reason
        self.log_traffic("info", f"{reason}: the watchdog takes over")
        self.set_state(GatewayState.ERROR, f"{reason}; the watchdog checks the modem")
        self._return_queued()
        self.receiver.jobs.put_nowait(LinkLost())

    # --- housekeeping task ------------------------------------------------------------------

    async def _supervise(self) -> None:
        backoff = 0.0 if self.connected else 0.5
        while True:
            try:
                if self._hung_reason is not None:
                    reason = self._hung_reason
                    try:
                        await self.watchdog.revive(reason)
                    finally:
                        self._hung_reason = None
                    backoff = 0.0
                    continue
                if not self.connected:
                    if backoff:
                        await asyncio.sleep(backoff * random.uniform(0.9, 1.1))
                    try:
                        await self._connect()
                    except (SimLocked, asyncio.CancelledError):
                        raise
                    except Exception as exc:
                        self._connect_failed(exc)
                        backoff = min(max(backoff * 2, 0.5), self.settings["reconnect_max_seconds"])
                        continue
                    backoff = 0.0
                    self.reconnects += 1
                    continue
                await self._duties()
            except SimLocked as exc:
                self._locked(exc)
                return
            except AtTimeout as exc:
                self._hung(f"the modem stopped answering ({exc})")
            except PortGone:
                pass  # _port_lost has set the state
            except AtError as exc:
                log.warning("gateway %s: %s", self.name, describe(exc))
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # never a dead housekeeping task: the watchdog checks the modem
                log.exception("gateway %s: housekeeping failed", self.name)
                self._hung(f"housekeeping failed ({type(exc).__name__}: {exc})")
                await asyncio.sleep(0.1)

    async def _duties(self) -> None:
        loop = asyncio.get_running_loop()
        now = loop.time()
        idle_until = self.channel.last_line + self.settings["keepalive_seconds"]
        wait = max(0.0, min(idle_until, self._next_sweep, self._next_signal) - now)
        try:
            async with asyncio.timeout(wait):
                job = await self.receiver.jobs.get()
        except TimeoutError:
            job = None
        if not self.connected or self._hung_reason is not None:
            if job is not None:
                self.receiver.drop(job)
            return
        if job is not None:
            await self.receiver.run(job)
        now = loop.time()
        if now >= self._next_sweep:
            self._next_sweep = now + self.settings["sweep_seconds"]
            await self.receiver.sweep()
        if now >= self._next_signal:
            self._next_signal = now + self.settings["signal_seconds"]
            await self.driver.read_signal()
            self.services.state_changed()
        if loop.time() - self.channel.last_line >= self.settings["keepalive_seconds"]:
            await self.driver.at("AT", busy_retry=False)
        await self.receiver.expire()

    # --- down time and the operator's alert --------------------------------------------------

    def set_state(self, state: GatewayState, reason: str = "") -> None:
        super().set_state(state, reason)
        if state in DOWN_STATES and self.down_since is None:
            self.down_since = time.time()
            limit = self.settings["down_alert_seconds"]
            if limit:
                try:
                    self._down_timer = asyncio.get_running_loop().call_later(limit, self._down_too_long)
                except RuntimeError:  # no loop (a script setting states by hand): no alert to time
                    pass
        elif state in UP_STATES and self.down_since is not None:
            if self._down_timer is not None:
                self._down_timer.cancel()
                self._down_timer = None
            if self.down_alerted and state in (GatewayState.RUNNING, GatewayState.PAUSED):
                self._alert(f"{self.name} is back after {duration(time.time() - self.down_since)}")
            self.down_since, self.down_alerted = None, False

    def _down_too_long(self) -> None:
        self._down_timer = None
        if self.down_since is None:
            return
        self.down_alerted = True
        self._alert(f"{self.name} has been down for {duration(time.time() - self.down_since)}: "
                    f"{self.state.value}" + (f" ({self.state_reason})" if self.state_reason else ""))
        self.services.state_changed()

    def _alert(self, text: str) -> None:
        """Tell the operator (the window's notifier, the log, the traffic log)."""
        self.log_traffic("info", f"alert: {text}")
        log.warning("gateway %s: %s", self.name, text)
        self.services.alert(text)
