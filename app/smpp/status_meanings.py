"""What an SMSC's ``command_status`` means to a client, and whether trying again later may help.

The SMPP 3.4 codes (§5.1.3) with their meanings in words. ``ESME_RTHROTTLED`` and ``ESME_RMSGQFUL`` are
not failures of a message at all: the sender slows down and sends it again (:data:`SLOW_DOWN`). A code the
table does not hold (a vendor's own, 0x400–0x4FF, or an unassigned one) is retried later, since the
provider may well accept the message then; the reason names the code.
"""

from __future__ import annotations

from . import pdu as P

#: The statuses that ask the client to send more slowly; the message is sent again, not failed.
SLOW_DOWN = frozenset({P.ESME_RTHROTTLED, P.ESME_RMSGQFUL})

#: status -> (meaning, retryable)
MEANINGS: dict[int, tuple[str, bool]] = {
    0x01: ("message length is invalid", False),
    0x02: ("command length is invalid", False),
    0x03: ("invalid command ID", False),
    0x04: ("incorrect bind status for the command", True),
    0x05: ("already bound", True),
    0x06: ("invalid priority flag", False),
    0x07: ("invalid registered delivery flag", False),
    0x08: ("system error at the SMSC", True),
    0x0A: ("invalid source address", False),
    0x0B: ("invalid destination address", False),
    0x0C: ("message ID is invalid", False),
    0x0D: ("bind failed", True),
    0x0E: ("invalid password", False),
    0x0F: ("invalid system ID", False),
    0x11: ("cancel_sm failed", False),
    0x13: ("replace_sm failed", False),
    0x14: ("message queue full", True),
    0x15: ("invalid service type", False),
    0x33: ("invalid number of destinations", False),
    0x34: ("invalid distribution list name", False),
    0x40: ("destination flag is invalid", False),
    0x42: ("invalid submit with replace request", False),
    0x43: ("invalid esm_class field data", False),
    0x44: ("cannot submit to distribution list", False),
    0x45: ("submit_sm or submit_multi failed", True),
    0x48: ("invalid source address TON", False),
    0x49: ("invalid source address NPI", False),
    0x50: ("invalid destination address TON", False),
    0x51: ("invalid destination address NPI", False),
    0x53: ("invalid system_type field", False),
    0x54: ("invalid replace_if_present flag", False),
    0x55: ("invalid number of messages", False),
    0x58: ("throttling error: the client exceeded the allowed message limits", True),
    0x61: ("invalid scheduled delivery time", False),
    0x62: ("invalid message validity period (expiry time)", False),
    0x63: ("predefined message invalid or not found", False),
    0x64: ("ESME receiver temporary application error", True),
    0x65: ("ESME receiver permanent application error", False),
    0x66: ("ESME receiver reject message error", False),
    0x67: ("query_sm request failed", True),
    0xC0: ("error in the optional part of the PDU body", False),
    0xC1: ("optional parameter not allowed", False),
    0xC2: ("invalid parameter length", False),
    0xC3: ("expected optional parameter missing", False),
    0xC4: ("invalid optional parameter value", False),
    0xFE: ("delivery failure (used for data_sm_resp)", False),
    0xFF: ("unknown error", True),
    0x104: ("invalid data coding scheme", False),
}


def meaning(status: int) -> tuple[str, bool]:
    """(the status in words with its name and code, whether a later try may succeed)."""
    text, retryable = MEANINGS.get(status, ("a code the SMPP specification does not define (the provider's "
                                            "own)", True))
    return f"{P.status_name(status)} (0x{status:08x}): {text}", retryable
