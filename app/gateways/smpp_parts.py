"""The submit_sm PDUs of one outgoing message, and the text of an incoming deliver_sm.

A text the GSM alphabet covers goes in the gateway's ``data_coding`` (0: the SMSC default alphabet as
unpacked septets, 1: IA5/ASCII, 3: Latin-1), any other text in UCS-2 (8). A text longer than one SMS is
split where :func:`app.sms.counter.layout` splits it and sent as parts with a concatenation user data
header (``long_messages = "udh"``), as parts with the sar_* options (``"sar"``), or whole in the
message_payload option of one submit_sm (``"payload"``), as the provider asks.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from app.sms.counter import layout
from app.sms.gsm7 import charset
from app.smpp import pdu as P
from app.smpp.text import GSM, IA5, LATIN1, UCS2, TextError, decode_text

from .base import OutboundSms

LONG_MODES = ("udh", "sar", "payload")
_UDHI = 0x40
_refs = itertools.count(1)


@dataclass(frozen=True)
class Addressing:
    """TON/NPI of source and destination addresses; -1: chosen from the address itself."""

    source_ton: int = -1
    source_npi: int = -1
    dest_ton: int = -1
    dest_npi: int = -1


def address(number: str, ton: int, npi: int) -> tuple[str, int, int]:
    """(address, TON, NPI): "+49…" is international (1/1) without its plus, digits are unknown/ISDN (0/1),
    anything else alphanumeric (5/0); a configured TON or NPI (not -1) wins."""
    if number.startswith("+") and number[1:].isdigit():
        addr, t, n = number[1:], 1, 1
    elif number.isdigit() or not number:
        addr, t, n = number, 0, 1 if number else 0
    else:
        addr, t, n = number, 5, 0
    return addr, (t if ton < 0 else ton), (n if npi < 0 else npi)


def validity(seconds: int | None) -> str:
    """A relative SMPP time (``YYMMDDhhmmss000R``) for a validity in seconds."""
    if not seconds:
        return ""
    days, rest = divmod(int(seconds), 86400)
    days = min(days, 99 * 30)
    months, days = divmod(days, 30)
    h, rest = divmod(rest, 3600)
    m, s = divmod(rest, 60)
    return f"00{months:02d}{days:02d}{h:02d}{m:02d}{s:02d}000R"


def _octets(text: str, coding: int) -> bytes:
    if coding == UCS2:
        return text.encode("utf-16-be")
    if coding == GSM:
        return charset().septets(text).encode("latin-1")
    if coding == IA5:
        return text.encode("ascii", "replace")
    return text.encode("latin-1", "replace")


def coding_of(text: str, encoding: str, data_coding: int) -> int:
    """The data_coding a text goes in: the configured one when it holds every character (the GSM default
    alphabet for 0, ASCII for 1, Latin-1 for 3), else UCS-2, so nothing is replaced by "?"."""
    if encoding == "ucs2":
        return UCS2
    if data_coding == GSM:
        fits = charset().covers(text)
    else:
        fits = all(ord(c) < (128 if data_coding == IA5 else 256) for c in text)
    return data_coding if fits else UCS2


def submit_pdus(sms: OutboundSms, *, data_coding: int = GSM, long_messages: str = "udh",
                addressing: Addressing = Addressing(), service_type: str = "") -> list[tuple[dict, dict]]:
    """(fields, options) of each submit_sm that sends ``sms``; raises ValueError for what SMPP cannot carry
    (an address too long)."""
    coding = coding_of(sms.text, sms.encoding, data_coding)
    lay = layout(sms.text, "ucs2" if coding == UCS2 else ("8bit" if coding == LATIN1 else "gsm"), national=False)
    text = lay.text
    src, src_ton, src_npi = address(sms.sender, addressing.source_ton, addressing.source_npi)
    dst, dst_ton, dst_npi = address(sms.recipient, addressing.dest_ton, addressing.dest_npi)
    if len(src) > 20 or len(dst) > 20:
        raise ValueError(f"an SMPP address holds at most 20 characters: {src if len(src) > 20 else dst!r}")
    dcs = coding | (0x10 if sms.flash and coding in (GSM, UCS2) else 0)
    base = {"service_type": service_type, "source_addr_ton": src_ton, "source_addr_npi": src_npi,
            "source_addr": src, "dest_addr_ton": dst_ton, "dest_addr_npi": dst_npi, "destination_addr": dst,
            "esm_class": 0, "protocol_id": 0, "priority_flag": 1 if sms.priority > 0 else 0,
            "schedule_delivery_time": "", "validity_period": validity(sms.validity_seconds),
            "registered_delivery": 1 if sms.status_report else 0, "replace_if_present_flag": 0,
            "data_coding": dcs, "sm_default_msg_id": 0}
    if lay.parts == 1:
        data = _octets(text, coding)
        if len(data) <= 254:
            return [({**base, "short_message": data}, {})]
    if long_messages == "payload":
        return [({**base, "short_message": b""}, {P.TAG_MESSAGE_PAYLOAD: _octets(text, coding)})]
    ref = next(_refs) % 0x10000
    total = lay.parts
    out = []
    for number, (start, end) in enumerate(lay.bounds, 1):
        data = _octets(text[start:end], coding)
        if long_messages == "sar":
            out.append(({**base, "short_message": data}, {
                P.TAG_SAR_MSG_REF_NUM: ref.to_bytes(2, "big"), P.TAG_SAR_TOTAL_SEGMENTS: bytes([total]),
                P.TAG_SAR_SEGMENT_SEQNUM: bytes([number])}))
        else:
            udh = bytes([5, 0, 3, ref % 256, total, number])
            out.append(({**base, "esm_class": _UDHI, "short_message": udh + data}, {}))
    return out


def incoming_text(data: bytes, dcs: int) -> tuple[str, str]:
    """(text, encoding name) of a deliver_sm's octets, whatever its data_coding: the SMPP codings, the
    TS 23.038 groups (general data coding, message class), and Latin-1 for anything else."""
    coding = dcs
    if dcs not in (GSM, IA5, LATIN1, UCS2):
        if dcs & 0xC0 == 0x00 or dcs & 0xF0 == 0xF0:  # general data coding / message class groups
            alphabet = (dcs >> 2) & 0x03 if dcs & 0xF0 != 0xF0 else (dcs >> 2) & 0x01
            coding = {0: GSM, 1: LATIN1, 2: UCS2}.get(alphabet, LATIN1)
        else:
            coding = LATIN1
    try:
        return decode_text(data, coding), "ucs2" if coding == UCS2 else "gsm"
    except (TextError, UnicodeDecodeError):
        return data.decode("latin-1"), "8bit"
