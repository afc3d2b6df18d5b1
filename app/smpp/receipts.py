"""Delivery receipts an SMSC sends an ESME, read liberally, and the message ids they carry.

A receipt is a deliver_sm whose esm_class says so (bits 2–5: 0x04 SMSC delivery receipt, 0x08/0x10 SME
acknowledgements, 0x20 intermediate notification). Its short_message holds the text the SMPP 3.4
specification suggests in Appendix B (``id:… sub:… dlvrd:… submit date:… done date:… stat:… err:…
text:…``); many SMSCs also give the ``receipted_message_id`` and ``message_state`` options.

Providers do not agree on how a message id is written: Jasmin answers submit_sm with a hexadecimal id and
puts the same number in decimal into the receipt text (Jasmin issue #643), others pad with zeros or change
the letter case. :func:`canonical` is the one form a reference is stored in, and
:func:`candidates` the forms a receipt's id may stand for, so the sender can find the one it holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

from . import pdu as P

#: ``stat:`` values -> (outcome, final). Outcomes are those of a delivery report: "delivered",
#: "undelivered", "failed"; "pending" is not final (the message is still on its way).
STATS: dict[str, tuple[str, bool]] = {
    "DELIVRD": ("delivered", True), "EXPIRED": ("undelivered", True), "DELETED": ("undelivered", True),
    "UNDELIV": ("undelivered", True), "ACCEPTD": ("pending", False), "UNKNOWN": ("undelivered", True),
    "REJECTD": ("failed", True), "ENROUTE": ("pending", False),
}
#: message_state values (§5.2.28) -> the ``stat:`` word they stand for.
STATES = {P.ENROUTE: "ENROUTE", P.DELIVERED: "DELIVRD", P.EXPIRED: "EXPIRED", P.DELETED: "DELETED",
          P.UNDELIVERABLE: "UNDELIV", P.ACCEPTED: "ACCEPTD", P.UNKNOWN: "UNKNOWN", P.REJECTED: "REJECTD"}
#: The stat words in the operator's terms, for a report's reason.
WORDS = {"DELIVRD": "delivered", "EXPIRED": "expired before it could be delivered",
         "DELETED": "deleted by the SMSC", "UNDELIV": "undeliverable", "ACCEPTD": "accepted by the SMSC",
         "UNKNOWN": "in an unknown state at the SMSC", "REJECTD": "rejected by the SMSC",
         "ENROUTE": "on its way"}
#: Some SMSCs write the long forms.
_ALIASES = {"DELIVERED": "DELIVRD", "UNDELIVERABLE": "UNDELIV", "ACCEPTED": "ACCEPTD", "REJECTED": "REJECTD",
            "DELETED": "DELETED", "EXPIRED": "EXPIRED", "ENROUTE": "ENROUTE", "UNKNOWN": "UNKNOWN"}

_RECEIPT_BITS = 0x3C
_FIELD = re.compile(r"(id|sub|dlvrd|submit date|done date|stat|err)\s*:\s*", re.IGNORECASE)
_HEX = re.compile(r"^[0-9a-fA-F]+$")


def is_receipt(esm_class: int) -> bool:
    return bool(esm_class & _RECEIPT_BITS)


@dataclass(frozen=True)
class Receipt:
    #: The message id as the receipt writes it (the receipted_message_id option first, else ``id:``).
    message_id: str
    #: The other id the receipt names, when both are given and differ.
    other_id: str
    stat: str
    outcome: str
    final: bool
    error: str
    done: datetime | None

    @property
    def reason(self) -> str:
        words = WORDS.get(self.stat, self.stat.lower())
        err = f", error {self.error}" if self.error and self.error.strip("0") else ""
        return f"{self.stat}: {words}{err}"


def parse_fields(text: str) -> dict[str, str]:
    """The ``key:value`` fields of a receipt text, keys in lower case (``text`` runs to the end)."""
    out: dict[str, str] = {}
    head, sep, rest = text.partition("text:") if "text:" in text else text.partition("TEXT:")
    if not sep:
        head, rest = text, None
    pieces = _FIELD.split(head)
    for i in range(1, len(pieces) - 1, 2):
        out.setdefault(pieces[i].lower(), pieces[i + 1].strip())
    if rest is not None:
        out.setdefault("text", rest)
    return out


def _time(value: str) -> datetime | None:
    digits = value.strip()
    if len(digits) not in (10, 12) or not digits.isdigit():
        return None
    try:
        return datetime(2000 + int(digits[0:2]), int(digits[2:4]), int(digits[4:6]), int(digits[6:8]),
                        int(digits[8:10]), int(digits[10:12] or 0), tzinfo=timezone.utc)
    except ValueError:
        return None


def parse_receipt(text: str, tlvs: dict[int, bytes]) -> Receipt | None:
    """The receipt in a deliver_sm's text and options; None when it names no message id or state."""
    fields = parse_fields(text)
    option_id = tlvs.get(P.TAG_RECEIPTED_MESSAGE_ID, b"").split(b"\0", 1)[0].decode("latin-1").strip()
    text_id = fields.get("id", "")
    message_id = option_id or text_id
    stat = fields.get("stat", "").upper()
    stat = _ALIASES.get(stat, stat)
    if stat not in STATS and P.TAG_MESSAGE_STATE in tlvs and tlvs[P.TAG_MESSAGE_STATE]:
        stat = STATES.get(tlvs[P.TAG_MESSAGE_STATE][0], stat)
    if not message_id or not stat:
        return None
    outcome, final = STATS.get(stat, ("undelivered", True))
    return Receipt(message_id, text_id if option_id and text_id != option_id else "", stat, outcome, final,
                   fields.get("err", ""), _time(fields.get("done date", "")))


def canonical(message_id: str) -> str:
    """The one form a message id is stored in: hexadecimal digits (which decimal digits are too) in lower
    case without leading zeros; any other id as it is, without surrounding blanks."""
    value = message_id.strip().rstrip("\0")
    if value and _HEX.match(value):
        return value.lower().lstrip("0") or "0"
    return value


def candidates(message_id: str) -> list[str]:
    """The canonical forms ``message_id`` may stand for: itself, and the same number in the other base
    (a decimal id read as the hexadecimal one an SMSC answered submit_sm with, and the other way)."""
    value = message_id.strip().rstrip("\0")
    out = [canonical(value)]
    if value.isdigit() and len(value) <= 40:
        out.append(format(int(value), "x"))
    if value and _HEX.match(value) and len(value) <= 32:
        out.append(str(int(value, 16)))
    return list(dict.fromkeys(out))
