"""SMS-SUBMIT encoding (TS 23.040), and the codec's PDU interface.

:func:`encode_submit` turns a text into the PDUs a modem sends with
``AT+CMGS=<length>`` in PDU mode, one per part; :func:`decode` (from
:mod:`app.sms.decoding`) reads any PDU a modem reports or a log shows. Both
are what the ``smsconsole pdu`` commands run. Encoding is strict: it refuses
what it cannot send as asked (:class:`~app.sms.errors.EncodeError`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from itertools import count as _counter

from app.sms.counter import layout
from app.sms.decoding import Deliver, StatusReport, Submit, decode
from app.sms.errors import EncodeError
from app.sms.fields import encode_address, encode_sca, validity_octet
from app.sms.gsm7 import pack
from app.sms.udh import DCS_OF, FLASH_BIT, Concat, build_udh

__all__ = ["SubmitPart", "Deliver", "StatusReport", "Submit", "encode_submit", "decode",
           "next_concat_reference"]

_references = _counter(random.randrange(256))


def next_concat_reference() -> int:
    """The next 8-bit concatenation reference: a per-process counter from a random start."""
    return next(_references) % 256


@dataclass(frozen=True)
class SubmitPart:
    """One SMS-SUBMIT to send: ``AT+CMGS=<length>`` then ``hex`` (SCA included)."""

    length: int
    hex: str
    part: int
    total: int
    text: str
    reference: int | None = None


def encode_submit(destination: str, text: str, *, encoding: str = "auto", flash: bool = False,
                  status_report: bool = False, validity_minutes: int | None = None,
                  message_reference: int = 0, concat_reference: int | None = None,
                  sca: str | None = None, national: bool = True,
                  reject_duplicates: bool = False) -> list[SubmitPart]:
    """The SMS-SUBMIT PDUs of ``text`` to ``destination``, one per part.

    ``encoding`` is ``auto``, ``gsm``, ``ucs2`` or ``8bit`` (text of code points
    below 256 sent as octets); see :func:`app.sms.counter.layout`. Parts
    follow :func:`~app.sms.counter.layout` exactly. A multipart message gets
    ``concat_reference``, or the next value of :func:`next_concat_reference`.
    Part *i* (from 0) carries TP-MR ``message_reference + i`` modulo 256.
    """
    if encoding not in ("auto", "gsm", "ucs2", "8bit"):
        raise EncodeError(f"unknown encoding {encoding!r}; use auto, gsm, ucs2 or 8bit")
    if encoding == "8bit" and any(ord(c) > 0xFF for c in text):
        raise EncodeError("8-bit data can only carry characters U+0000 to U+00FF")
    lay = layout(text, encoding, national)
    if lay.parts > 255:
        raise EncodeError(f"the text needs {lay.parts} parts; a concatenated SMS has at most 255")
    digits, toa, address = encode_address(destination)
    smsc = encode_sca(sca)
    first = 0x01 | (0x04 if reject_duplicates else 0) | (0x20 if status_report else 0)
    vp = b""
    if validity_minutes is not None:
        first |= 0x10
        vp = bytes((validity_octet(validity_minutes),))
    dcs = DCS_OF[lay.encoding] | (FLASH_BIT if flash else 0)
    cs = lay.charset
    single, locking = (cs.single, cs.locking) if cs is not None else (0, 0)
    reference = None
    if lay.parts > 1:
        reference = (next_concat_reference() if concat_reference is None else concat_reference) & 0xFF
    parts = []
    for index, (start, end) in enumerate(lay.bounds):
        piece = lay.text[start:end]
        concat = Concat(reference, index + 1, lay.parts) if reference is not None else None
        udh = build_udh(concat, single, locking)
        if lay.encoding == "gsm":
            septets = cs.septets(piece).encode("latin-1")
            fill = (7 - len(udh) * 8 % 7) % 7
            udl = (len(udh) * 8 + fill) // 7 + len(septets)
            body = udh + pack(septets, fill)
        else:
            body = udh + (piece.encode("utf-16-be", "surrogatepass") if lay.encoding == "ucs2"
                          else piece.encode("latin-1"))
            udl = len(body)
        tpdu = (bytes((first | (0x40 if udh else 0), (message_reference + index) & 0xFF, digits, toa))
                + address + bytes((0, dcs)) + vp + bytes((udl,)) + body)
        parts.append(SubmitPart(len(tpdu), (smsc + tpdu).hex().upper(), index + 1, lay.parts, piece,
                                reference))
    return parts
