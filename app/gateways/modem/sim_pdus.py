"""PDUs the modem simulator produces: SMS-DELIVER for incoming messages and
SMS-STATUS-REPORT for delivery reports (TS 23.040 §9.2.2.1 and §9.2.2.3).

A DELIVER carries the same user data as the SUBMIT the codec builds for the
same text, so the text is encoded by :func:`app.sms.pdu.encode_submit` and
only the header around it is rewritten.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from app.sms.fields import encode_address, encode_sca
from app.sms.pdu import encode_submit

#: The service centre address the simulator puts in front of received PDUs.
SIM_SMSC = "+4917000000"


def encode_timestamp(when: datetime) -> bytes:
    """A 7-octet TP-SCTS: swapped decimal semi-octets and the zone in quarter hours."""
    when = when if when.tzinfo else when.replace(tzinfo=timezone.utc)
    quarters = int(when.utcoffset().total_seconds() // 900)
    values = [when.year % 100, when.month, when.day, when.hour, when.minute, when.second]
    out = bytes(((v % 10) << 4) | (v // 10) for v in values)
    q = abs(quarters)
    tz = ((q % 10) << 4) | (q // 10) | (0x08 if quarters < 0 else 0)
    return out + bytes((tz,))


def _submit_fields(tpdu: bytes) -> tuple[int, bytes, bytes]:
    """(first octet, PID+DCS, UDL+UD) of an SMS-SUBMIT TPDU without a validity period."""
    digits = tpdu[2]
    at = 4 + (digits + 1) // 2
    return tpdu[0], tpdu[at:at + 2], tpdu[at + 2:]


def encode_deliver(sender: str, text: str, *, when: datetime | None = None, encoding: str = "auto",
                   concat_reference: int | None = None, flash: bool = False) -> list[str]:
    """The SMS-DELIVER PDUs (SMSC address first, as ``+CMT`` and ``AT+CMGR`` show them) of ``text``."""
    when = when or datetime.now(timezone.utc).replace(microsecond=0)
    submits = encode_submit("+1", text, encoding=encoding, flash=flash, concat_reference=concat_reference)
    digits, toa, address = encode_address(sender, what="sender")
    sca = encode_sca(SIM_SMSC)
    out = []
    for part in submits:
        tpdu = bytes.fromhex(part.hex)[1:]  # the submit's SMSC field is the single 00 octet
        first, pid_dcs, user_data = _submit_fields(tpdu)
        deliver_first = 0x04 | (first & 0x40)  # MTI 0, no more messages, UDHI as in the submit
        body = bytes((deliver_first, digits, toa)) + address + pid_dcs + encode_timestamp(when) + user_data
        out.append((sca + body).hex().upper())
    return out


def encode_status_report(reference: int, recipient: str, status: int, *, submitted: datetime,
                         discharged: datetime | None = None) -> str:
    """An SMS-STATUS-REPORT PDU (SMSC address first) for message reference ``reference``."""
    digits, toa, address = encode_address(recipient, what="recipient")
    body = (bytes((0x06, reference & 0xFF, digits, toa)) + address + encode_timestamp(submitted)
            + encode_timestamp(discharged or submitted + timedelta(seconds=1)) + bytes((status,)))
    return (encode_sca(SIM_SMSC) + body).hex().upper()


def tpdu_length(pdu_hex: str) -> int:
    """The length ``+CMT``/``+CMGR`` announce: octets after the SMSC address field."""
    return len(pdu_hex) // 2 - 1 - int(pdu_hex[:2], 16)
