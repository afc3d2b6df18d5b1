"""``kind = "modem"``: a USB GSM modem driven with AT commands in PDU mode.

The gateway owns the port, the AT channel and two tasks: the worker
(sends, one message ahead: the next message's PDUs are encoded and its
``AT+CMGS`` queued while one is in flight, so the line does not idle
between messages; each message goes through :mod:`.send_pipeline`) and a
housekeeping task (:mod:`.link`) that connects and reconnects, reads
received messages (:mod:`.receiver`), sweeps the storage, polls the signal,
sends a keep-alive ``AT`` when the line is idle, and hands a modem that
stopped answering to the watchdog (:mod:`.watchdog`). The gateway knows its
modem by IMEI and its SIM by IMSI (:mod:`.identity`).

A message in flight when the modem fails follows the pipeline's rule: it is
retried automatically only when no part of it can have reached the network;
otherwise it is failed with a reason that says so. The message ahead of it,
whose command was not written, goes back to the queue untried. So a message is never silently lost and never silently sent twice.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time

from app.settings import Setting

from ..base import DeliveryReport, Gateway, GatewayState, IncomingSms, OutboundSms, SendResult
from ..send_limiter import LIMIT_SETTINGS
from .at_channel import AtCommand
from .driver import SimLocked, Timing
from .link import ModemLink
from .profiles import AUTO
from .profiles import get as get_profile
from .profiles import names as profile_names
from .receiver import Receiver
from .send_pipeline import SendPipeline, Sending

log = logging.getLogger(__name__)

#: ``port`` value that runs the built-in modem simulator on a pty in this process.
BUILTIN_SIMULATOR = "simulator"


class ModemGateway(ModemLink, Gateway):
    kind = "modem"
    SETTINGS = (
        Setting("port", str, "", "Serial port of the modem; prefer /dev/serial/by-id/... paths, which survive "
                "re-plugging. \"simulator\" runs the built-in modem simulator.", required=True),
        Setting("baudrate", int, 115200, "Line speed of the serial port.", minimum=300, maximum=4000000),
        Setting("pin", str, "", "SIM PIN, entered once when the SIM asks for it (never retried after a refusal).",
                secret=True),
        *LIMIT_SETTINGS,
        Setting("number", str, "", "The SIM's own number, shown as recipient of received messages."),
        Setting("smsc", str, "", "Service centre number to put in each PDU (empty: the one stored in the SIM)."),
        Setting("storage", str, "SM", "Preferred message storage (SM, ME or MT).", choices=("SM", "ME", "MT")),
        Setting("cnmi", str, "", "AT+CNMI parameters to use (empty: the first variant the modem accepts)."),
        Setting("profile", str, AUTO, "Modem family profile (how the modem answers and what the driver does "
                "about it); \"auto\" detects it from AT+CGMI/AT+CGMM at start-up.",
                choices=(AUTO,) + profile_names()),
        Setting("command_timeout", float, 5.0, "Seconds to wait for the answer to a command.", minimum=0.1),
        Setting("send_timeout", float, 60.0, "Seconds to wait for the answer to AT+CMGS.", minimum=1.0),
        Setting("keepalive_seconds", float, 30.0, "Idle seconds before a keep-alive AT.", minimum=0.1),
        Setting("sweep_seconds", float, 300.0, "Seconds between reads of the whole message storage.", minimum=0.5),
        Setting("signal_seconds", float, 60.0, "Seconds between signal readings.", minimum=0.5),
        Setting("registration_timeout", float, 60.0, "Seconds to wait for network registration at start.",
                minimum=0.0),
        Setting("reconnect_max_seconds", float, 60.0, "Longest pause between reconnection attempts.", minimum=0.1),
        Setting("reassembly_timeout", float, 600.0, "Seconds to wait for missing parts of a long message.",
                minimum=1.0),
        Setting("down_alert_seconds", float, 300.0, "Seconds the modem may be down (not answering, unplugged, SIM "
                "changed, PIN needed) before the operator is alerted (0: never).", minimum=0.0),
        Setting("reset_command", str, "", "Command that restarts the modem, which the watchdog sends when AT gets "
                "no answer (empty: the modem family's, from its profile; AT+CFUN=1,1 for most)."),
        Setting("reset_wait_seconds", float, 30.0, "Seconds the watchdog gives the modem to answer again after "
                "its own reset or a USB reset.", minimum=0.1),
        Setting("usb_reset", bool, True, "Let the watchdog reset the modem's USB device when its own reset does "
                "not help (needs write access to its /dev/bus/usb node)."),
        Setting("find_in", str, "", "Further paths or glob patterns, space-separated, where the modem is looked "
                "for by its IMEI when its port is gone or holds another modem (every USB serial port is "
                "searched anyway)."),
        Setting("sim_send_delay", float, 0.3, "Built-in simulator only: seconds each send takes.", minimum=0.0),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        s = self.settings
        self.timing = Timing(command=s["command_timeout"], send=s["send_timeout"],
                             registration=s["registration_timeout"],
                             boot=max(6.0, get_profile(s["profile"]).boot_seconds) if s["profile"] != AUTO else 6.0)
        self.receiver = Receiver(self, s["reassembly_timeout"])
        self.pipeline = SendPipeline(self._submit_pdu, smsc=lambda: self.settings["smsc"],
                                     connected=lambda: self.connected, counted=self.limiter.count, hung=self._hung)
        self._init_link()
        self.simulator = None
        self._device = s["port"]
        self._supervisor: asyncio.Task | None = None
        self._rejected_pin: str | None = None
        self._next_sweep = self._next_signal = 0.0
        #: The message taken from the queue behind the one in flight (see :meth:`_work`).
        self._ahead: Sending | None = None

    # --- window -----------------------------------------------------------------

    def can_accept(self) -> bool:
        """Take more only when half the window is free: the engine hands messages over in groups.

        The modem drains what it holds one message at a time; asking for one
        message after each send would cost the engine a pass over its queue
        per message, which a group of half a window spreads out.
        """
        return super().can_accept() and self.busy * 2 <= self._window

    # --- life ---------------------------------------------------------------------

    async def start(self) -> None:
        if self._supervisor is not None and not self._supervisor.done():
            return  # already connecting or connected
        if self._worker is not None:  # after PIN/PUK required: start again from scratch
            await self.stop()
        await super().start()

    async def open(self) -> None:
        await self.identity.load()
        if self.settings["port"] == BUILTIN_SIMULATOR and self.simulator is None:
            from .sim_dialect import SimOptions
            from .simulator import ModemSimulator

            profile = self.settings["profile"]
            self.simulator = ModemSimulator(SimOptions(send_delay=self.settings["sim_send_delay"],
                                                       own_number=self.settings["number"] or "+15550100",
                                                       profile="generic" if profile == AUTO else profile))
            self._device = await self.simulator.start()
        try:
            await self._connect()
        except SimLocked as exc:
            self._locked(exc)
            return
        except Exception as exc:
            self._connect_failed(exc)
        self._supervisor = asyncio.create_task(self._supervise(), name=f"modem:{self.name}")

    async def close(self) -> None:
        if self._supervisor is not None:
            self._supervisor.cancel()
            try:
                await self._supervisor
            except (asyncio.CancelledError, Exception):
                pass
            self._supervisor = None
        self._disconnect()
        if self.simulator is not None:
            await self.simulator.stop()
            self.simulator = None

    # --- sending --------------------------------------------------------------------

    @property
    def busy(self) -> int:
        return super().busy + (1 if self._ahead is not None else 0)

    async def _work(self) -> None:
        """The base worker, one message ahead.

        While a message is in flight, the next one is taken from the queue,
        encoded, and its first ``AT+CMGS`` queued on the channel, which writes
        it the moment the modem gives its final result (the modem still gets
        one command at a time). Outcomes are reported in order. The one ahead
        goes back to the queue untried when the gateway pauses, stops or loses
        the modem before its command was written.
        """
        while True:
            if self._ahead is None:
                sms = await self._queue.get()
                if self.state not in (GatewayState.RUNNING, GatewayState.PAUSED):
                    self.services.returned([sms])
                    continue
                current = self._begin(sms)
            else:
                current, self._ahead = self._ahead, None
            self._inflight = current.sms
            if self.state == GatewayState.RUNNING and not self._queue.empty() and self.connected:
                self._ahead = self._begin(self._queue.get_nowait())
            try:
                result = await self._finish(current)
            except asyncio.CancelledError:
                self._inflight = None
                self._return_ahead()
                raise
            first = self._ahead.commands[0] if self._ahead is not None and self._ahead.commands else None
            if first is not None and first.written:
                # the outcome is reported once the next PDU is on its way: the engine's work on it then
                # overlaps the PDU's time on the line instead of delaying the reading of the prompt
                try:
                    await first.data_sent()
                except asyncio.CancelledError:
                    self._inflight = None
                    self._report(current, result)
                    raise
            self._inflight = None
            self._report(current, result)
            if self.state == GatewayState.STOPPING and self._ahead is None:
                return

    def _report(self, sending: Sending, result: SendResult) -> None:
        """Tell the engine the outcome (a message the modem never saw goes back to the queue)."""
        self.last_activity = self.services.now()
        if sending.untried:
            self.services.returned([sending.sms])
            return
        if result.ok:
            self.counters.count_sent()
        else:
            self.counters.failed += 1
        self.services.sent(sending.sms, result)

    def _return_queued(self) -> None:
        self._return_ahead()
        super()._return_queued()

    def _return_ahead(self) -> None:
        """The message ahead goes back to the queue if its command was not written yet."""
        ahead = self._ahead
        if ahead is not None and ahead.withdraw():
            self._ahead = None
            self.services.returned([ahead.sms])

    async def send(self, sms: OutboundSms) -> SendResult:
        return await self.pipeline.send(sms)

    def _begin(self, sms: OutboundSms) -> Sending:
        return self.pipeline.begin(sms)

    async def _finish(self, sending: Sending) -> SendResult:
        return await self.pipeline.finish(sending)

    def _submit_pdu(self, length: int, pdu: str, after: AtCommand | None = None) -> AtCommand:
        return self.driver.submit_pdu(length, pdu, after)

    # --- receiving --------------------------------------------------------------------

    @property
    def own_number(self) -> str:
        return self.settings["number"]

    def report(self, report: DeliveryReport):
        """Hand a status report to the engine; returns what to await for its commit (None: committed)."""
        self.last_activity = self.services.now()
        return self.services.report(report)

    def signal_changed(self, rssi: int) -> None:
        if self.driver is not None:
            self.driver.facts.rssi = rssi

    def simulate_incoming(self, sender: str | None = None, text: str | None = None) -> IncomingSms | None:
        """Have the built-in simulator receive a message; it arrives through the modem like any other."""
        from app.engine.requests import EngineError

        if self.simulator is None:
            raise EngineError(f"gateway {self.name} is a real modem; only the built-in simulator can "
                              "simulate incoming messages")
        self.simulator.receive(sender or f"+1555{random.randrange(1000000):07d}",
                               text if text is not None else "Hello from the simulated network!")
        return None

    # --- what the console shows --------------------------------------------------------

    def info(self) -> dict:
        facts = self.driver.facts if self.driver is not None else None
        out: dict = {"port": self._device}
        if self.simulator is None and self._device != self.settings["port"]:
            out["configured_port"] = self.settings["port"]
        if facts is not None:
            dbm = facts.signal_dbm
            out["signal"] = f"{dbm} dBm ({facts.signal_bars}/5)" if dbm is not None else "unknown"
            out["signal_dbm"] = dbm
            out["signal_bars"] = facts.signal_bars
            out["operator"] = facts.operator
            out["model"] = " ".join(p for p in (facts.manufacturer, facts.model) if p)
            if facts.profile:
                out["profile"] = f"{facts.profile} ({'detected' if facts.profile_detected else 'set'})"
        out["imei"] = facts.imei if facts is not None and facts.imei else self.identity.imei
        out["imsi"] = facts.imsi if facts is not None and facts.imsi else self.identity.imsi
        if self.identity.new_imsi:
            out["sim_changed"] = f"was IMSI {self.identity.imsi}, now {self.identity.new_imsi} (not accepted yet)"
        if self.identity.other:
            out["other_modem"] = (f"{self.identity.other[0]} has IMEI {self.identity.other[1]}; looking for IMEI "
                                  f"{self.identity.imei}")
        if self.reconnects:
            out["reconnects"] = self.reconnects
        if self.watchdog.active:
            out["watchdog"] = self.watchdog.describe()
        if self.watchdog.revivals:
            out["revivals"] = self.watchdog.revivals
            out["last_revival"] = self.watchdog.last
        if self.down_since is not None:
            out["down_since"] = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.down_since))
            if self.down_alerted:
                out["down_alert"] = f"sent after {self.settings['down_alert_seconds']:g} s"
        return out

    async def accept_identity(self) -> str:
        """The operator takes the SIM (or modem) now found as this gateway's own; returns what was taken."""
        return await self.identity.accept()

    def connection(self) -> dict:
        return {"device": self._device, "remote_host": "", "remote_port": 0}
