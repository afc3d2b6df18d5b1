"""TP-DCS interpretation and the user data header (TS 23.038 §4, TS 23.040 §9.2.3.24)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from app.sms.errors import PduError

IEI_CONCAT_8 = 0x00
IEI_CONCAT_16 = 0x08
IEI_SINGLE_SHIFT = 0x24
IEI_LOCKING_SHIFT = 0x25

#: What TP-DCS values are sent for each encoding; flash (class 0) adds 0x10.
DCS_OF = {"gsm": 0x00, "8bit": 0x04, "ucs2": 0x08}
FLASH_BIT = 0x10


@dataclass(frozen=True)
class Dcs:
    """What a TP-DCS octet says about the user data."""

    encoding: str
    message_class: int | None
    compressed: bool = False
    #: Set when the value is reserved: what was assumed, in words.
    reserved: str = ""


def read_dcs(dcs: int) -> Dcs:
    """Interpret TP-DCS; reserved codings are taken as GSM 7-bit, as TS 23.038 §4 requires."""
    group = dcs >> 4
    if group <= 0x7:  # general data coding, with or without automatic deletion
        alphabet = ("gsm", "8bit", "ucs2", "gsm")[(dcs >> 2) & 3]
        reserved = f"TP-DCS {dcs:02X} names the reserved alphabet 11" if (dcs >> 2) & 3 == 3 else ""
        return Dcs(alphabet, dcs & 3 if dcs & 0x10 else None, bool(dcs & 0x20), reserved)
    if group in (0xC, 0xD):  # message waiting indication, GSM 7-bit
        return Dcs("gsm", None)
    if group == 0xE:  # message waiting indication, UCS-2
        return Dcs("ucs2", None)
    if group == 0xF:  # data coding / message class
        return Dcs("8bit" if dcs & 0x04 else "gsm", dcs & 3)
    return Dcs("gsm", None, reserved=f"TP-DCS {dcs:02X} is in the reserved coding group {group:04b}")


@dataclass(frozen=True)
class Concat:
    """Concatenation information: ``reference`` of the set, this ``part`` of ``total``."""

    reference: int
    part: int
    total: int

    def to_dict(self) -> dict:
        return {"reference": self.reference, "part": self.part, "total": self.total}


@dataclass(frozen=True)
class UdhElement:
    """One information element of a user data header."""

    iei: int
    data: bytes

    def to_dict(self) -> dict:
        return {"iei": self.iei, "data": self.data.hex().upper()}


@dataclass(frozen=True)
class Udh:
    """A parsed user data header: its elements and what they mean for the text."""

    elements: tuple[UdhElement, ...]
    concat: Concat | None
    single_shift: int
    locking_shift: int


def build_udh(concat: Concat | None = None, single_shift: int = 0, locking_shift: int = 0) -> bytes:
    """User data header octets (UDHL first), or ``b""`` when there is nothing to say."""
    body = b""
    if concat is not None:
        body += bytes((IEI_CONCAT_8, 3, concat.reference & 0xFF, concat.total, concat.part))
    if single_shift:
        body += bytes((IEI_SINGLE_SHIFT, 1, single_shift))
    if locking_shift:
        body += bytes((IEI_LOCKING_SHIFT, 1, locking_shift))
    return bytes((len(body),)) + body if body else b""


def parse_udh(header: bytes, offset: int, lenient: Callable[[str, int, str], None] | None = None) -> Udh:
    """Parse the information elements of ``header`` (UDHL octet excluded).

    ``offset`` is where ``header`` starts in the PDU, for error messages. A
    concatenation element whose part number is 0 or above the total is
    ignored, as TS 23.040 §9.2.3.24.1 requires; the last of repeated
    elements counts. A malformed element raises :class:`PduError`, or, with
    ``lenient`` (``Reader.lenient``), is skipped and reported to it: the
    header length still says where the text starts.
    """
    def refuse(problem: str, at: int, action: str) -> None:
        if lenient is None:
            raise PduError(problem, at)
        lenient(problem, at, action)

    elements = []
    concat = None
    single = locking = 0
    pos = 0
    while pos < len(header):
        if pos + 2 > len(header):
            refuse("user data header ends inside an information element", offset + pos, "the rest is ignored")
            break
        iei, size = header[pos], header[pos + 1]
        data = header[pos + 2:pos + 2 + size]
        if len(data) < size:
            refuse(f"information element {iei:02X} of {size} octets runs past the user data header",
                   offset + pos, "the element is ignored")
            break
        if iei in (IEI_CONCAT_8, IEI_CONCAT_16):
            expected = 3 if iei == IEI_CONCAT_8 else 4
            if size != expected:
                refuse(f"concatenation element {iei:02X} has {size} octets instead of {expected}",
                       offset + pos, "the element is ignored (the part is taken as a message of its own)")
                pos += 2 + size
                continue
            reference = data[0] if iei == IEI_CONCAT_8 else data[0] << 8 | data[1]
            total, part = data[-2], data[-1]
            concat = Concat(reference, part, total) if 0 < part <= total else None
        elif iei in (IEI_SINGLE_SHIFT, IEI_LOCKING_SHIFT):
            if size != 1:
                refuse(f"national language element {iei:02X} has {size} octets instead of 1",
                       offset + pos, "the element is ignored (the GSM default tables apply)")
                pos += 2 + size
                continue
            if iei == IEI_SINGLE_SHIFT:
                single = data[0]
            else:
                locking = data[0]
        elements.append(UdhElement(iei, bytes(data)))
        pos += 2 + size
    return Udh(tuple(elements), concat, single, locking)
