"""Field codecs of TS 23.040 PDUs: addresses, time stamps, validity, DCS, user data header.

Decoding reads through a :class:`Reader`, which knows the octet offset of
everything it hands out, so every :class:`PduError` says where the problem is.
The reader also collects the decode's *notes*: what was accepted although
it is not as TS 23.040 has it (padding, an unreadable time stamp, a filler
digit inside a number) and what was done about it. A strict reader refuses
those with :class:`PduError` instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from app.sms.errors import EncodeError, PduError
from app.sms.gsm7 import charset, pack, unpack

#: Type-of-number values of an address (TS 23.040 §9.1.2.5), by name.
TON_NAMES = {0: "unknown", 1: "international", 2: "national", 3: "network", 4: "subscriber",
             5: "alphanumeric", 6: "abbreviated", 7: "reserved"}
_BCD_DIGITS = "0123456789*#abc"
_BCD_VALUES = {c: i for i, c in enumerate(_BCD_DIGITS)}


class Reader:
    """Reads octets of one PDU, raising :class:`PduError` with the offset when it runs out.

    ``notes`` collects, in words, each leniency of the decode; with
    ``strict`` every leniency is a :class:`PduError` instead.
    """

    __slots__ = ("data", "pos", "strict", "notes")

    def __init__(self, data: bytes, *, strict: bool = False) -> None:
        self.data = data
        self.pos = 0
        self.strict = strict
        self.notes: list[str] = []

    def lenient(self, problem: str, offset: int | None, action: str) -> None:
        """Accept ``problem`` (found at ``offset``) by doing ``action``; refuse it when strict."""
        if self.strict:
            raise PduError(problem, offset)
        where = f" at octet {offset}" if offset is not None else ""
        self.notes.append(f"{problem}{where}: {action}")

    def note(self, text: str) -> None:
        """A fact about the PDU worth telling that TS 23.040 itself allows (never refused)."""
        self.notes.append(text)

    def left(self) -> int:
        return len(self.data) - self.pos

    def octet(self, what: str) -> int:
        if self.pos >= len(self.data):
            raise PduError(f"PDU ends where {what} should be", self.pos)
        self.pos += 1
        return self.data[self.pos - 1]

    def take(self, count: int, what: str) -> bytes:
        left = len(self.data) - self.pos
        if count > left:
            raise PduError(f"{what} needs {count} octets but only {left} remain", self.pos)
        self.pos += count
        return self.data[self.pos - count:self.pos]

    def rest(self) -> bytes:
        chunk = self.data[self.pos:]
        self.pos = len(self.data)
        return chunk


def parse_hex(text: str, notes: Reader | None = None) -> bytes:
    """Octets of a hex string (whitespace ignored); :class:`PduError` for anything else.

    With a lenient ``notes`` reader, a last octet cut in half is dropped and noted.
    """
    digits = "".join(str(text).split())
    if not digits:
        raise PduError("the PDU is empty", 0)
    if len(digits) % 2:
        problem = f"odd number of hex digits ({len(digits)}): the last octet is cut in half"
        if notes is None:
            raise PduError(problem, len(digits) // 2)
        notes.lenient(problem, len(digits) // 2, "the half octet is left out")
        digits = digits[:-1]
    try:
        return bytes.fromhex(digits)
    except ValueError:
        bad = next(i for i, c in enumerate(digits) if c not in "0123456789abcdefABCDEF")
        raise PduError(f"{digits[bad]!r} is not a hex digit", bad // 2) from None


# --- addresses ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Address:
    """A decoded address: ``number`` (``+`` prefixed when international) and its type."""

    number: str
    ton: int
    npi: int

    @property
    def kind(self) -> str:
        return TON_NAMES[self.ton]


def _bcd(digits: str) -> bytes:
    """Swapped semi-octets of ``digits``, padded with F."""
    nibbles = [_BCD_VALUES[c] for c in digits] + [0x0F] * (len(digits) % 2)
    return bytes(nibbles[i] | nibbles[i + 1] << 4 for i in range(0, len(nibbles), 2))


def encode_address(number: str, *, what: str = "destination") -> tuple[int, int, bytes]:
    """(digit or semi-octet count, type-of-address octet, value octets) of an address.

    ``+<digits>`` is international (0x91); other digit strings, which include
    national numbers and short codes, go as dialled with unknown type (0x81);
    anything with letters is alphanumeric (0xD0, GSM 7-bit, at most 11 characters).
    """
    value = "".join(str(number or "").split())
    if not value:
        raise EncodeError(f"the {what} is empty")
    body = value[1:] if value.startswith("+") else value
    if body and all(c in _BCD_VALUES and c not in "abc" for c in body):
        if len(body) > 20:
            raise EncodeError(f"the {what} {number!r} has {len(body)} digits; an address holds at most 20")
        return len(body), 0x91 if value.startswith("+") else 0x81, _bcd(body)
    default = charset()
    if not default.covers(value):
        raise EncodeError(f"the {what} {number!r} is neither a number nor a GSM alphanumeric name")
    septets = default.septets(value).encode("latin-1")
    if len(septets) > 11:
        raise EncodeError(f"the alphanumeric {what} {number!r} is longer than 11 characters")
    packed = pack(septets)
    return (len(septets) * 7 + 3) // 4, 0xD0, packed


def encode_sca(sca: str | None) -> bytes:
    """The SMSC address field: ``00`` (use the SMSC stored in the modem) when ``sca`` is empty."""
    if not sca:
        return b"\x00"
    _, toa, value = encode_address(sca, what="service centre address")
    if toa == 0xD0:
        raise EncodeError(f"the service centre address {sca!r} must be a number")
    return bytes((len(value) + 1, toa)) + value


def _decode_digits(value: bytes, count: int, reader: Reader, start: int, what: str) -> str:
    digits = []
    for i in range(count):
        nibble = (value[i // 2] >> (4 * (i % 2))) & 0x0F
        if nibble == 0x0F:
            if i == count - 1:  # some phones count the filler as a digit
                break
            reader.lenient(f"filler digit F inside the {what} of {count} digits", start + i // 2,
                           "the digit is left out")
            continue
        digits.append(_BCD_DIGITS[nibble])
    return "".join(digits)


def read_address(reader: Reader, what: str) -> Address:
    """An originating, destination or recipient address (length counts digits)."""
    count = reader.octet(f"the {what} length")
    count_at = reader.pos - 1
    toa = reader.octet(f"the {what} type")
    ton, npi = (toa >> 4) & 0x07, toa & 0x0F
    if count > 20:
        kind = "an alphanumeric name longer than 11 characters" if ton == 5 else "more digits"
        reader.lenient(f"{what} length {count} is more than the 20 digits an address holds", count_at,
                       f"read as {kind}, as the length says")
    start = reader.pos
    value = reader.take((count + 1) // 2, f"the {what}")
    if ton == 5:
        text = charset().decode(unpack(value, count * 4 // 7))
        return Address(text, ton, npi)
    digits = _decode_digits(value, count, reader, start, what)
    return Address("+" + digits if ton == 1 and digits else digits, ton, npi)


def read_sca(reader: Reader) -> Address | None:
    """The SMSC address in front of a TPDU (length counts octets, type included)."""
    size = reader.octet("the service centre address length")
    if size == 0:
        return None
    if size > 11:
        raise PduError(f"service centre address length {size} is more than 11 octets", 0)
    toa = reader.octet("the service centre address type")
    start = reader.pos
    value = reader.take(size - 1, "the service centre address")
    count = 2 * len(value) - (1 if value and value[-1] >> 4 == 0x0F else 0)
    digits = _decode_digits(value, count, reader, start, "service centre address")
    return Address("+" + digits if (toa >> 4) & 7 == 1 and digits else digits, (toa >> 4) & 7, toa & 0x0F)


# --- time stamps and validity -------------------------------------------------------------

def read_timestamp(reader: Reader, what: str, instead: datetime | None = None) -> datetime | None:
    """A 7-octet TP-SCTS / TP-DT time stamp with its time zone (quarters of an hour).

    An unreadable time stamp (its 7 octets are there, their values are not a
    time) is noted and ``instead`` (the time of reception, when known) is
    returned in its place; a strict reader refuses it.
    """
    start = reader.pos
    raw = reader.take(7, what)
    problem, at = _timestamp_problem(raw, what)
    if problem is None:
        try:
            return _timestamp(raw)
        except ValueError as exc:
            problem, at = f"{what} is not a valid date and time ({exc})", 0
    octets = raw.hex().upper()
    reader.lenient(problem, start + at, f"the time of reception stands in for it (its octets: {octets})"
                   if instead is not None else
                   f"left empty (its octets: {octets}); a receiving gateway uses the time of reception")
    return instead


def _timestamp_problem(raw: bytes, what: str) -> tuple[str | None, int]:
    """(what is wrong with the semi-octets of a time stamp, its index), or (None, 0)."""
    for i, octet in enumerate(raw[:6]):
        if octet & 0x0F > 9 or octet >> 4 > 9:
            return f"{what} has a non-decimal digit ({octet:02X})", i
    tz_low, tz_high = raw[6] & 0x0F, raw[6] >> 4
    if tz_high > 9:
        return f"{what} has a non-decimal time zone ({raw[6]:02X})", 6
    quarters = (tz_low & 7) * 10 + tz_high
    if quarters > 72:
        return f"{what} time zone of {quarters} quarter hours is out of range", 6
    return None, 0


def _timestamp(raw: bytes) -> datetime:
    """The time stamp of 7 checked octets; ValueError when the values are no date and time."""
    year, month, day, hour, minute, second = ((o & 0x0F) * 10 + (o >> 4) for o in raw[:6])
    tz_low, tz_high = raw[6] & 0x0F, raw[6] >> 4
    offset = timedelta(minutes=15 * ((tz_low & 7) * 10 + tz_high)) * (-1 if tz_low & 8 else 1)
    return datetime(2000 + year if year < 70 else 1900 + year, month, day, hour, minute, second,
                    tzinfo=timezone(offset))


def validity_octet(minutes: int) -> int:
    """Relative TP-VP for at least ``minutes`` (rounded up to the next step the format has)."""
    if minutes <= 0:
        raise EncodeError(f"validity must be a positive number of minutes, not {minutes}")
    if minutes <= 720:
        return (minutes + 4) // 5 - 1
    if minutes <= 1440:
        return 143 + (minutes - 720 + 29) // 30
    if minutes <= 30 * 1440:
        return 166 + (minutes + 1439) // 1440
    return min(255, 192 + (minutes + 10079) // 10080)


def validity_minutes(octet: int) -> int:
    """Minutes a relative TP-VP octet stands for."""
    if octet <= 143:
        return (octet + 1) * 5
    if octet <= 167:
        return 720 + (octet - 143) * 30
    if octet <= 196:
        return (octet - 166) * 1440
    return (octet - 192) * 10080
