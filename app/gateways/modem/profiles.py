"""Modem profiles: how each family of modems answers, and what the driver does about it.

A profile is data. :class:`ModemProfile` holds a family's identification
(patterns on the ``AT+CGMI`` / ``AT+CGMM`` answers), the driver settings it
implies (the ``AT+CNMI`` variants to try first, the storage, whether the
modem keeps SMS in storage at all, how long to wait after a complete
information response that has no final result, how long it boots), and
:class:`Behaviour`: what the modem says on the line as its vendor's manual
records it, which the simulator plays and the driver must cope with.

The families and the manuals their facts come from are in
:mod:`~app.gateways.modem.profile_data`; :func:`detect` picks one from a
modem's identity, :func:`get` one by name. ``generic`` is the profile of a
modem no pattern matches: plain 3GPP TS 27.005 / 27.007.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: New-message indication settings tried in order: stored messages announced
#: with +CMTI and status reports with +CDS/+CDSI first; +CMT direct delivery
#: only when the modem accepts nothing else.
CNMI_VARIANTS = ("2,1,0,2,0", "2,1,0,1,0", "1,1,0,2,0", "1,1,0,1,0", "2,1,0,0,0", "1,1,0,0,0",
                 "2,1", "1,1", "2,2,0,1,0", "1,2,0,1,0", "2,2", "1,2")
#: For a device without SMS storage over AT: messages and reports come directly (+CMT, +CDS).
CNMI_DIRECT = ("2,2,0,1,0", "1,2,0,1,0", "2,2,0,0,0", "1,2,0,0,0", "2,2", "1,2")
#: The value of the ``profile`` setting that detects the family from the modem's identity.
AUTO = "auto"


@dataclass(frozen=True)
class Behaviour:
    """What a modem of the family says on the line (the simulator plays it; the driver copes with it)."""

    #: The ``AT+CGMI`` and ``AT+CGMM`` answers (padding spaces as the modem sends them).
    manufacturer: str
    model: str
    revision: str = "1.0"
    #: Lines sent on their own after power-up, in order (``RDY``, ``^SYSSTART``, ``SMS Ready``...).
    banners: tuple[str, ...] = ()
    #: Seconds after power-up during which the modem ignores commands (the simulator scales this down).
    boot_seconds: float = 0.0
    #: Unsolicited lines the modem sends amid answers (status floods such as ``^RSSI``).
    floods: tuple[str, ...] = ()
    #: Commands answered with their information response and no final ``OK``.
    no_final: tuple[str, ...] = ()
    #: The ``AT+CMGS`` prompt as sent after the command line: ``\\r\\n> ``, ``\\r\\n>\\r\\n`` or a bare ``>``.
    prompt: str = "\r\n> "
    #: The first storage index (0 or 1).
    index_base: int = 1
    #: ``AT+CNMI=?`` as the manual lists it: accepted values of <mode>,<mt>,<bm>,<ds>,<bfr>.
    cnmi_ranges: str = "(0-3),(0-3),(0,2),(0-2),(0,1)"
    #: The message storages ``AT+CPMS`` accepts; empty: no SMS storage over AT.
    storages: tuple[str, ...] = ("SM", "ME", "MT")
    #: Status reports can be stored ("SR" storage, ``+CDSI``).
    report_storage: bool = True
    #: ``+CMGL: <index>,<stat>,"",<length>`` (an empty quoted alpha) instead of ``...,<stat>,,<length>``.
    cmgl_alpha: bool = False
    #: AT+CSMS service 1 (phase 2+): +CMT / +CDS are acknowledged with AT+CNMA.
    phase2plus: bool = True
    #: NUL bytes between lines.
    nul_bytes: bool = False
    #: Errors in words (``+CME ERROR: SIM busy``) whatever AT+CMEE asks.
    verbose_errors: bool = False
    #: The final result of a command the modem does not know.
    unknown_command: str = "ERROR"
    line_end: str = "\r\n"


@dataclass(frozen=True)
class ModemProfile:
    name: str
    title: str
    #: The manual (and section) or public record each fact comes from.
    source: str
    #: Regular expressions searched (case-insensitive) in the AT+CGMI and AT+CGMM answers.
    manufacturer: str
    model: str = ""
    #: AT+CNMI variants tried in order (the first one accepted is used).
    cnmi: tuple[str, ...] = CNMI_VARIANTS
    #: Preferred message storage.
    storage: str = "SM"
    #: The device keeps SMS in a storage the driver can list and delete; else messages come by +CMT only.
    sms_storage: bool = True
    #: Seconds to wait for a final result after a complete information response before taking it as the answer.
    info_grace: float = 0.3
    #: Seconds the modem may take after power-up before it answers AT (how long start-up keeps asking).
    boot_seconds: float = 5.0
    #: Unsolicited prefixes of the family (never taken as a command's response).
    unsolicited: tuple[str, ...] = ()
    #: Final results of the family meaning an error, besides ERROR / +CME ERROR / +CMS ERROR.
    error_finals: tuple[str, ...] = ()
    #: The command that restarts the modem (the watchdog's modem reset); 3GPP TS 27.007 AT+CFUN=1,1 by default.
    reset: str = "AT+CFUN=1,1"
    behaviour: Behaviour = Behaviour("SMS Console", "Simulated modem", "1.0.0-sim")

    def matches(self, manufacturer: str, model: str) -> bool:
        if not re.search(self.manufacturer, manufacturer, re.IGNORECASE):
            return False
        return not self.model or bool(re.search(self.model, model, re.IGNORECASE))

    def summary(self) -> str:
        return f"{self.name} ({self.title})"


def all_profiles() -> tuple[ModemProfile, ...]:
    from .profile_data import PROFILES

    return PROFILES


def names() -> tuple[str, ...]:
    return tuple(p.name for p in all_profiles())


def get(name: str) -> ModemProfile:
    """The profile called ``name``; KeyError naming the known ones otherwise."""
    for profile in all_profiles():
        if profile.name == name:
            return profile
    raise KeyError(f"no modem profile {name!r} (known: {', '.join(names())})")


def detect(manufacturer: str, model: str) -> ModemProfile:
    """The first family whose patterns match the modem's identity; ``generic`` when none does."""
    for profile in all_profiles():
        if profile.name != "generic" and profile.matches(manufacturer, model):
            return profile
    return get("generic")


def every_unsolicited() -> tuple[str, ...]:
    """Every family's unsolicited prefixes: the channel knows them before the family is known."""
    return tuple(dict.fromkeys(p for profile in all_profiles() for p in profile.unsolicited))


def every_error_final() -> tuple[str, ...]:
    return tuple(dict.fromkeys(p for profile in all_profiles() for p in profile.error_finals))
