"""Stable identity: a modem gateway knows its modem by IMEI and its SIM by IMSI.

At its first connection the gateway remembers the modem's IMEI and the SIM's
IMSI (in the store, through the engine's store lane). Afterwards:

- when its port is gone, is silent, or answers with another IMEI, it probes
  the USB serial ports (and the ``find_in`` paths) for the remembered IMEI,
  skipping ports another program holds, and uses the port where it answers
  (the AT interface of a multi-interface stick: the others do not answer
  ``AT``). The configured port is not changed; the information shows both;
- when the SIM's IMSI differs from the remembered one, the gateway goes to
  the state *SIM changed*: it keeps receiving (nothing the new SIM gets is
  lost) but sends nothing until the operator accepts the SIM
  (:meth:`ModemIdentity.accept`: the Gateways tab's *Accept modem/SIM*, or
  Diafaan's ``send-server-command`` ``accept-modem``); the operator is alerted;
- when another modem answers on the configured port and the remembered one is
  nowhere, the gateway stays disconnected and keeps looking; accepting takes
  the modem on the configured port instead.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from ..base import GatewayState
from .at_channel import AtError
from .driver import ModemDriver
from .discovery import candidate_ports, find_modem, imei_digits
from .receiver_jobs import LinkLost

if TYPE_CHECKING:
    from .gateway import ModemGateway

log = logging.getLogger(__name__)


class OtherModem(Exception):
    """Another modem (another IMEI) answers on the port."""


class ModemIdentity:
    def __init__(self, gateway: "ModemGateway"):
        self.gw = gateway
        self.imei = ""
        self.imsi = ""
        #: The IMSI of a SIM found in place of the remembered one, until the operator accepts it.
        self.new_imsi = ""
        #: (port, IMEI) of another modem found on the port while the remembered one is missing.
        self.other: tuple[str, str] | None = None
        self.loaded = False

    def note(self, text: str) -> None:
        self.gw.log_traffic("info", f"identity: {text}")
        log.info("gateway %s: %s", self.gw.name, text)

    async def load(self) -> None:
        """Read the remembered IMEI and IMSI from the store (once)."""
        if self.loaded:
            return
        try:
            facts = await self.gw.services.recall()
        except Exception:
            log.exception("gateway %s: its remembered modem identity could not be read", self.gw.name)
            return
        self.imei, self.imsi = facts.get("imei", ""), facts.get("imsi", "")
        self.loaded = True

    async def _save(self) -> None:
        try:
            await self.gw.services.remember({"imei": self.imei, "imsi": self.imsi})
        except Exception:
            log.exception("gateway %s: its modem identity could not be stored", self.gw.name)

    # --- checks after each start-up -----------------------------------------------------

    async def check_imei(self, driver: ModemDriver) -> None:
        """Before start-up (so no PIN goes to another modem's SIM): raise OtherModem when the modem on the
        port has an IMEI and it is not the remembered one. AtTimeout when the port stays silent as long as
        the modem may take to boot."""
        if not self.imei:
            return
        await driver.wake()
        try:
            answer = await driver.channel.command("AT+CGSN", self.gw.settings["command_timeout"])
        except AtError:
            return  # cannot tell before start-up: checked after it
        value = answer.lines[0] if answer.lines else ""
        self.check_imei_answer(value.split(":", 1)[1] if value.startswith("+") else value)

    def check_imei_answer(self, value: str) -> None:
        imei = imei_digits(value)
        if self.imei and imei and imei != self.imei:
            self.other = (self.gw._device, imei)
            self.note(f"{self.gw._device} has another modem (IMEI {imei}), not the remembered one "
                      f"(IMEI {self.imei})")
            raise OtherModem(f"{self.gw._device} has another modem (IMEI {imei}), not this gateway's "
                             f"(IMEI {self.imei})")

    async def check_sim(self) -> bool:
        """Remember a first identity; False when the SIM is not the remembered one (the state says so)."""
        facts = self.gw.driver.facts
        imei, imsi = imei_digits(facts.imei), facts.imsi.strip()
        self.other = None
        if not self.imei and imei or not self.imsi and imsi:
            self.imei, self.imsi = self.imei or imei, self.imsi or imsi
            self.note(f"remembered IMEI {self.imei or '?'}, IMSI {self.imsi or '?'}")
            await self._save()
            return True
        if imsi and imsi != self.imsi and imsi != self.new_imsi:
            self.new_imsi = imsi
            self.note(f"SIM changed: was IMSI {self.imsi}, now {imsi}; sending stops until the operator "
                      "accepts it")
            self.gw.services.alert(f"{self.gw.name}: SIM changed (was IMSI {self.imsi}, now {imsi}); nothing is "
                                   "sent until you accept it (Gateways tab: Accept modem/SIM)")
        elif imsi == self.imsi:
            self.new_imsi = ""
        return not self.new_imsi

    def sim_changed_reason(self) -> str:
        return (f"SIM changed: was IMSI {self.imsi}, now {self.new_imsi}; nothing is sent until the "
                "operator accepts it")

    # --- finding the modem ------------------------------------------------------------------

    async def find_elsewhere(self, why: str) -> str | None:
        """The port where the remembered modem answers now, other than the current one; None if nowhere."""
        if not self.imei:
            return None
        settings, here = self.gw.settings, self.gw._device
        paths = await asyncio.to_thread(candidate_ports, settings["find_in"])
        found, results = await find_modem(self.imei, paths, baudrate=settings["baudrate"],
                                          timeout=settings["command_timeout"], exclude=(here,))
        checked = "; ".join(f"{r.device}: {f'IMEI {r.imei}' if r.answers else r.problem}" for r in results)
        if found is None:
            self.note(f"{why}; the modem with IMEI {self.imei} is on none of {len(results)} other ports"
                      + (f" ({checked})" if checked else ""))
            return None
        self.note(f"{why}; found the modem with IMEI {self.imei} at {found.device} (was {here})")
        return found.device

    # --- the operator's decision ------------------------------------------------------------

    @property
    def pending(self) -> bool:
        return bool(self.new_imsi or self.other)

    async def accept(self) -> str:
        """Take the SIM (or the modem) now present as the gateway's own; returns what was accepted."""
        if self.new_imsi:
            was, self.imsi, self.new_imsi = self.imsi, self.new_imsi, ""
            await self._save()
            self.note(f"the operator accepted the SIM with IMSI {self.imsi} (was {was})")
            if self.gw.state == GatewayState.SIM_CHANGED:
                self.gw.set_state(GatewayState.PAUSED if self.gw.operator_paused else GatewayState.RUNNING)
            return f"SIM {self.imsi}"
        if self.other:
            port, imei = self.other
            self.imei = self.imsi = ""
            self.other = None
            await self._save()
            self.gw._device = port
            self.note(f"the operator accepted the modem on {port} (IMEI {imei}); it is remembered at the next "
                      "connection")
            self.gw.receiver.jobs.put_nowait(LinkLost())
            return f"modem {imei}"
        raise LookupError(f"gateway {self.gw.name} has no new modem or SIM to accept")
