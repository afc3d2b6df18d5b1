"""Texts in SMPP: short_message octets by data_coding, concatenation headers, SMPP times.

data_coding 0 is the SMSC default alphabet, here GSM 03.38 in unpacked
septets (one per octet), as SMPP servers and Kannel use it; 1 is IA5/ASCII,
3 Latin-1, 8 UCS-2 (big-endian UTF-16). Other codings are refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from app.sms.gsm7 import charset

from . import pdu as P

GSM, IA5, LATIN1, UCS2 = 0, 1, 3, 8
#: The data_coding values a text is accepted in.
CODINGS = (GSM, IA5, LATIN1, UCS2)
#: Octets to septets: the top bit of an unpacked GSM or IA5 octet is not part of the character.
_SEPTETS = bytes(b & 0x7F for b in range(256))


class TextError(ValueError):
    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


def decode_text(data: bytes, data_coding: int) -> str:
    """The text of short_message (or message_payload) octets."""
    if data_coding == GSM:
        return charset().decode(data.translate(_SEPTETS))
    if data_coding == IA5:
        return data.translate(_SEPTETS).decode("ascii")
    if data_coding == LATIN1:
        return data.decode("latin-1")
    if data_coding == UCS2:
        if len(data) % 2:
            raise TextError(P.ESME_RINVMSGLEN, "UCS-2 text of an odd number of octets")
        return data.decode("utf-16-be", "replace")
    raise TextError(P.ESME_RINVDCS, f"data_coding {data_coding} is not supported (0, 1, 3 and 8 are)")


def encode_text(text: str) -> tuple[int, bytes]:
    """(data_coding, octets) for a text sent to a client: the GSM alphabet when it covers it, else UCS-2."""
    gsm = charset()
    if gsm.covers(text):
        return GSM, gsm.septets(text).encode("latin-1")
    return UCS2, text.encode("utf-16-be")


@dataclass(frozen=True)
class Segment:
    reference: int
    total: int
    number: int


def split_udh(data: bytes) -> tuple[Segment | None, bytes]:
    """A user data header's concatenation element (8- or 16-bit reference) and the octets after it."""
    if not data or data[0] + 1 > len(data):
        raise TextError(P.ESME_RINVMSGLEN, "esm_class says UDH but the header runs past the message")
    udhl = data[0]
    header, rest = data[1:1 + udhl], data[1 + udhl:]
    pos, seg = 0, None
    while pos + 2 <= len(header):
        iei, n = header[pos], header[pos + 1]
        value = header[pos + 2:pos + 2 + n]
        if len(value) != n:
            raise TextError(P.ESME_RINVMSGLEN, "a user data header element runs past the header")
        if iei == 0x00 and n == 3:
            seg = Segment(value[0], value[1], value[2])
        elif iei == 0x08 and n == 4:
            seg = Segment(value[0] << 8 | value[1], value[2], value[3])
        pos += 2 + n
    if seg is not None and not (1 <= seg.number <= seg.total):
        raise TextError(P.ESME_RINVMSGLEN, f"part {seg.number} of {seg.total}")
    return seg, rest


_ABSOLUTE = re.compile(r"^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d)(\d{2})([+-])$")
_RELATIVE = re.compile(r"^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d)(\d{2})R$")


def parse_time(value: str, now: datetime, status: int) -> datetime | None:
    """An SMPP time (``YYMMDDhhmmsstnnp``, absolute or relative ``R``) as UTC; None when empty."""
    if not value:
        return None
    m = _RELATIVE.match(value)
    if m:
        y, mo, d, h, mi, s = (int(g) for g in m.groups()[:6])
        return now + timedelta(days=y * 365 + mo * 30 + d, hours=h, minutes=mi, seconds=s)
    m = _ABSOLUTE.match(value)
    if not m:
        raise TextError(status, f"{value!r} is not an SMPP time (YYMMDDhhmmsstnnp)")
    y, mo, d, h, mi, s, t, nn = (int(g) for g in m.groups()[:8])
    offset = timedelta(minutes=15 * nn) * (1 if m.group(9) == "+" else -1)
    try:
        local = datetime(2000 + y, mo, d, h, mi, s, t * 100_000)
    except ValueError:
        raise TextError(status, f"{value!r} is not a date") from None
    return (local - offset).replace(tzinfo=timezone.utc)


def receipt_time(at: datetime | None) -> str:
    """``YYMMDDhhmm`` of a receipt's dates (UTC)."""
    return at.strftime("%y%m%d%H%M") if at else "0000000000"
