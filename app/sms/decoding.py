"""SMS-DELIVER / SMS-STATUS-REPORT / SMS-SUBMIT decoding (TS 23.040), liberal in what it accepts.

:func:`decode` reads any PDU a modem reports or a log shows (``smsconsole
pdu decode`` runs it; :mod:`app.sms.pdu` re-exports it). As TS 23.040 asks,
the length fields define the fields, so octets after the user data are
padding; an unreadable time stamp keeps the rest of the PDU; user data cut
short is kept as far as it goes. Each such leniency is a sentence in the
result's ``notes``, never silent. Only a PDU whose essential fields cannot be
read raises :class:`~app.sms.errors.PduError`: for SMS-DELIVER and
SMS-SUBMIT the address and user data (length, header, text), for
SMS-STATUS-REPORT the message reference, recipient and status. The error's
``found`` holds what was read before the problem (type, sender, SMSC). With
``strict=True`` every leniency is a :class:`PduError` instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.sms.errors import PduError
from app.sms.fields import (Address, Reader, parse_hex, read_address, read_sca, read_timestamp,
                            validity_minutes)
from app.sms.gsm7 import charset, unpack
from app.sms.national import LANGUAGES
from app.sms.status import status_meaning
from app.sms.udh import Concat, Udh, UdhElement, parse_udh, read_dcs

__all__ = ["Deliver", "StatusReport", "Submit", "decode"]


@dataclass(frozen=True)
class _Message:
    """Fields shared by the decoded message types."""

    smsc: str | None
    text: str
    encoding: str
    dcs: int
    message_class: int | None
    pid: int
    udh: tuple[UdhElement, ...]
    concat: Concat | None
    language: str | None
    raw: str
    #: Each leniency of the decode, in words (empty for a PDU exactly as TS 23.040 has it).
    notes: tuple[str, ...] = ()

    @property
    def flash(self) -> bool:
        """Class 0: shown at once, not stored."""
        return self.message_class == 0

    def _common(self) -> dict:
        return {"smsc": self.smsc, "text": self.text, "encoding": self.encoding, "dcs": self.dcs,
                "message_class": self.message_class, "flash": self.flash, "pid": self.pid,
                "udh": [e.to_dict() for e in self.udh],
                "concat": self.concat.to_dict() if self.concat else None,
                "language": self.language, "raw": self.raw, "notes": list(self.notes)}


@dataclass(frozen=True)
class Deliver(_Message):
    """A received SMS-DELIVER. ``timestamp`` is None when it was unreadable and no reception time was given."""

    sender: str = ""
    sender_type: str = "unknown"
    timestamp: datetime | None = None
    status_report_indication: bool = False
    type: str = "deliver"

    def to_dict(self) -> dict:
        return {"type": self.type, "sender": self.sender, "sender_type": self.sender_type,
                "timestamp": self.timestamp.isoformat() if self.timestamp else None, **self._common()}


@dataclass(frozen=True)
class Submit(_Message):
    """An SMS-SUBMIT read back (from a log or the modem's storage)."""

    recipient: str = ""
    recipient_type: str = "unknown"
    message_reference: int = 0
    status_report_request: bool = False
    reject_duplicates: bool = False
    validity: int | datetime | str | None = None
    type: str = "submit"

    def to_dict(self) -> dict:
        validity = self.validity.isoformat() if isinstance(self.validity, datetime) else self.validity
        return {"type": self.type, "recipient": self.recipient, "recipient_type": self.recipient_type,
                "message_reference": self.message_reference, "status_report_request": self.status_report_request,
                "reject_duplicates": self.reject_duplicates, "validity": validity, **self._common()}


@dataclass(frozen=True)
class StatusReport:
    """A received SMS-STATUS-REPORT for a message this side sent.

    ``timestamp`` (when the SMSC took the message) and ``discharge_time`` are
    None when unreadable and no reception time was given.
    """

    smsc: str | None
    message_reference: int
    recipient: str
    timestamp: datetime | None
    discharge_time: datetime | None
    status: int
    outcome: str
    status_text: str
    raw: str
    notes: tuple[str, ...] = ()
    type: str = "status-report"

    def to_dict(self) -> dict:
        return {"type": self.type, "smsc": self.smsc, "message_reference": self.message_reference,
                "recipient": self.recipient,
                "timestamp": self.timestamp.isoformat() if self.timestamp else None,
                "discharge_time": self.discharge_time.isoformat() if self.discharge_time else None,
                "status": self.status, "outcome": self.outcome, "status_text": self.status_text,
                "raw": self.raw, "notes": list(self.notes)}


def _user_data_octets(reader: Reader, udl: int, gsm: bool) -> bytes:
    """The octets of TP-UD of length ``udl``: cut-short data is kept, padding after it is skipped."""
    udl_at = reader.pos - 1
    limit, unit = (160, "septets") if gsm else (140, "octets")
    octets = (udl * 7 + 7) // 8 if gsm else udl
    if udl > limit:
        reader.lenient(f"user data length {udl} is more than {limit} {unit}", udl_at,
                       "read as the length says")
    if octets > reader.left():
        left = reader.left()
        reader.lenient(f"user data of length {udl} needs {octets} octets but only {left} remain", reader.pos,
                       "the text is kept as far as it goes")
        return reader.take(left, "the user data")
    data = reader.take(octets, f"user data of length {udl}")
    if reader.left():
        reader.lenient(f"{reader.left()} octets follow the user data of length {udl}", reader.pos,
                       "ignored as padding (the length fields define the fields)")
        reader.rest()
    return data


def _read_user_data(reader: Reader, dcs_octet: int, has_udh: bool) -> tuple[str, str, Udh | None]:
    """Text, encoding and header of the TP-UDL + TP-UD at the reader's position."""
    dcs = read_dcs(dcs_octet)
    if dcs.compressed:
        raise PduError(f"TP-DCS {dcs_octet:02X} announces compressed text, which handsets do not send",
                       reader.pos - 1)
    if dcs.reserved:
        reader.note(f"{dcs.reserved}: the text is read as {'UCS-2' if dcs.encoding == 'ucs2' else 'GSM 7-bit'}"
                    f" (TS 23.038 §4)")
    udl_at = reader.pos
    udl = reader.octet("the user data length")
    ud_at = reader.pos
    data = _user_data_octets(reader, udl, dcs.encoding == "gsm")
    udh = None
    header_octets = 0
    if has_udh:
        if not data:
            raise PduError("TP-UDHI is set but there is no user data", ud_at)
        header_octets = data[0] + 1
        if header_octets > len(data):
            raise PduError(f"user data header length {data[0]} runs past the user data ({len(data)} octets)",
                           ud_at)
        udh = parse_udh(data[1:header_octets], ud_at + 1, reader.lenient)
    if dcs.encoding == "gsm":
        skip = (header_octets * 8 + 6) // 7
        if skip > udl:
            reader.lenient(f"user data header of {header_octets} octets is longer than the user data length "
                           f"of {udl} septets", udl_at, "the message has no text")
        fill = skip * 7 - header_octets * 8
        septets = min(udl - skip, ((len(data) - header_octets) * 8 - fill) // 7)
        locking = udh.locking_shift if udh and udh.locking_shift in LANGUAGES and LANGUAGES[
            udh.locking_shift].locking else 0
        single = udh.single_shift if udh and udh.single_shift in LANGUAGES else 0
        return charset(locking, single).decode(unpack(data[header_octets:], septets, fill)), "gsm", udh
    body = data[header_octets:]
    if dcs.encoding == "ucs2":
        if len(body) % 2:
            reader.lenient(f"UCS-2 text has an odd number of octets ({len(body)})", ud_at + len(data) - 1,
                           "the last octet is left out")
            body = body[:-1]
        return body.decode("utf-16-be", "surrogatepass"), "ucs2", udh
    return body.decode("latin-1"), "8bit", udh


def _language(udh: Udh | None) -> str | None:
    if udh is None:
        return None
    ident = udh.locking_shift or udh.single_shift
    return LANGUAGES[ident].name if ident in LANGUAGES else None


def _address_text(address: Address | None) -> str | None:
    return address.number if address is not None else None


_TYPES = {0: "deliver", 1: "submit", 2: "status-report"}


def decode(hex_str: str, *, has_sca: bool = True, direction: str = "auto", strict: bool = False,
           received_at: datetime | None = None) -> Deliver | StatusReport | Submit:
    """Decode one PDU given as hex.

    ``has_sca``: the PDU starts with the SMSC address field (as ``AT+CMGL``
    and ``+CMT`` show it). ``direction``: ``"in"`` for PDUs a modem received
    (TP-MTI 0 DELIVER, 2 STATUS-REPORT; the reserved 3 is read as DELIVER,
    as TS 23.040 §9.2.3.1 has a receiver do), ``"out"`` for PDUs it sends
    (1 SUBMIT), ``"auto"`` for either (what a mixed log holds).
    ``received_at`` stands in for a time stamp that cannot be read.
    ``strict``: refuse every leniency (see the module doc) with PduError.
    """
    if direction not in ("auto", "in", "out"):
        raise ValueError(f"direction must be auto, in or out, not {direction!r}")
    found: dict[str, Any] = {}
    reader = Reader(b"", strict=strict)
    try:
        reader.data = parse_hex(hex_str, None if strict else reader)
        return _decode(reader, has_sca, direction, received_at, found)
    except PduError as exc:
        exc.found = found
        raise


def _decode(reader: Reader, has_sca: bool, direction: str, received_at: datetime | None,
            found: dict[str, Any]) -> Deliver | StatusReport | Submit:
    raw = reader.data.hex().upper()
    smsc = _address_text(read_sca(reader)) if has_sca else None
    found["smsc"] = smsc
    first_at = reader.pos
    first = reader.octet("the first octet")
    mti = first & 0x03
    allowed = {"auto": (0, 1, 2), "in": (0, 2), "out": (1,)}[direction]
    found["type"] = _TYPES.get(mti, "reserved")
    if mti == 3 and direction == "in":
        reader.note("TP-MTI 3 is reserved: the PDU is read as an SMS-DELIVER (TS 23.040 §9.2.3.1)")
        mti = 0
    elif mti not in allowed:
        names = {0: "SMS-DELIVER", 1: "SMS-SUBMIT", 2: "SMS-STATUS-REPORT", 3: "a reserved message type"}
        raise PduError(f"TP-MTI {mti} is {names[mti]}, not expected in direction {direction!r}", first_at)
    if mti == 2:
        return _decode_status_report(reader, smsc, raw, received_at, found)
    if mti == 1:
        reference = reader.octet("TP-MR")
        address = read_address(reader, "destination address")
        found["recipient"] = address.number
    else:
        address = read_address(reader, "originating address")
        found["sender"] = address.number
    pid = reader.octet("TP-PID")
    dcs = reader.octet("TP-DCS")
    if mti == 0:
        timestamp = read_timestamp(reader, "the service centre time stamp", received_at)
        validity = None
    else:
        vpf = (first >> 3) & 3
        validity = None
        if vpf == 2:
            validity = validity_minutes(reader.octet("TP-VP"))
        elif vpf == 3:
            validity = read_timestamp(reader, "the validity period")
        elif vpf == 1:
            validity = reader.take(7, "the enhanced validity period").hex().upper()
    text, encoding, udh = _read_user_data(reader, dcs, bool(first & 0x40))
    common = dict(smsc=smsc, text=text, encoding=encoding, dcs=dcs, message_class=read_dcs(dcs).message_class,
                  pid=pid, udh=udh.elements if udh else (), concat=udh.concat if udh else None,
                  language=_language(udh), raw=raw, notes=tuple(reader.notes))
    if mti == 0:
        return Deliver(**common, sender=address.number, sender_type=address.kind, timestamp=timestamp,
                       status_report_indication=bool(first & 0x20))
    return Submit(**common, recipient=address.number, recipient_type=address.kind, message_reference=reference,
                  status_report_request=bool(first & 0x20), reject_duplicates=bool(first & 0x04),
                  validity=validity)


def _decode_status_report(reader: Reader, smsc: str | None, raw: str, received_at: datetime | None,
                          found: dict[str, Any]) -> StatusReport:
    """Reference, recipient and status are essential; unreadable time stamps are noted and replaced.

    What may follow TP-ST (TP-PI and the fields it announces, TS 23.040
    §9.2.2.3) carries nothing the console uses: it is not read, and a note
    says so.
    """
    reference = reader.octet("TP-MR")
    found["message_reference"] = reference
    recipient = read_address(reader, "recipient address")
    found["recipient"] = recipient.number
    timestamp = read_timestamp(reader, "the service centre time stamp", received_at)
    discharge = read_timestamp(reader, "the discharge time", received_at)
    status = reader.octet("TP-ST")
    if reader.left():
        reader.note(f"{reader.left()} octets after TP-ST at octet {reader.pos} (TP-PI and the fields it announces, "
                    "or padding) are not read")
    outcome, meaning = status_meaning(status)
    return StatusReport(smsc, reference, recipient.number, timestamp, discharge, status, outcome, meaning, raw,
                        tuple(reader.notes))
