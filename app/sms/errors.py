"""The error types of the SMS codec.

Every problem the codec finds is one of these three, so callers catch exactly
what they expect: a gateway reading a modem's PDU catches :class:`PduError`,
the compose dialog and the HTTP API catch :class:`EncodeError` and
:class:`InvalidNumber` and show their message to the operator.
"""

from __future__ import annotations


class PduError(ValueError):
    """A PDU cannot be decoded.

    The message says what is wrong and at which octet offset of the PDU (the
    offset counts from the first octet of the hex string, SCA included), e.g.
    ``"user data header length 9 runs past the user data (5 octets) at octet 27"``.
    ``offset`` holds that octet offset, or ``None`` when the problem is not
    tied to one place (odd number of hex digits is at the end of the string).
    ``found`` holds what :func:`app.sms.pdu.decode` could read before the
    problem (``type``, ``smsc``, ``sender`` ...), so a receiver that keeps
    the PDU as a placeholder can still say who sent it.
    """

    found: dict = {}

    def __init__(self, message: str, offset: int | None = None) -> None:
        self.reason = message
        self.offset = offset
        super().__init__(message if offset is None else f"{message} at octet {offset}")


class EncodeError(ValueError):
    """A text or destination cannot be sent under the chosen options; the message says why."""


class InvalidNumber(ValueError):
    """A phone number or sender id is not acceptable; the message says why."""
