"""TP-Status of SMS-STATUS-REPORT (TS 23.040 §9.2.3.15): outcome and meaning.

The outcome is what the console does with the message: ``delivered`` (the
transaction is complete), ``pending`` (the SMSC is still trying: temporary
error), ``failed`` (permanent error, or temporary error after which the SMSC
stopped trying).
"""

from __future__ import annotations

_MEANINGS = {
    0x00: "short message received by the SME",
    0x01: "short message forwarded by the SC to the SME but the SC is unable to confirm delivery",
    0x02: "short message replaced by the SC",
    0x20: "congestion (SC still trying)",
    0x21: "SME busy (SC still trying)",
    0x22: "no response from SME (SC still trying)",
    0x23: "service rejected (SC still trying)",
    0x24: "quality of service not available (SC still trying)",
    0x25: "error in SME (SC still trying)",
    0x40: "remote procedure error",
    0x41: "incompatible destination",
    0x42: "connection rejected by SME",
    0x43: "not obtainable",
    0x44: "quality of service not available",
    0x45: "no interworking available",
    0x46: "SM validity period expired",
    0x47: "SM deleted by originating SME",
    0x48: "SM deleted by SC administration",
    0x49: "SM does not exist",
    0x60: "congestion (SC not making further attempts)",
    0x61: "SME busy (SC not making further attempts)",
    0x62: "no response from SME (SC not making further attempts)",
    0x63: "service rejected (SC not making further attempts)",
    0x64: "quality of service not available (SC not making further attempts)",
    0x65: "error in SME (SC not making further attempts)",
}

#: (first, last, outcome, meaning of codes without their own entry), in TP-ST order.
_RANGES = (
    (0x00, 0x0F, "delivered", "reserved value of a completed transaction"),
    (0x10, 0x1F, "delivered", "SC-specific value of a completed transaction"),
    (0x20, 0x2F, "pending", "reserved value of a temporary error (SC still trying)"),
    (0x30, 0x3F, "pending", "SC-specific temporary error (SC still trying)"),
    (0x40, 0x4F, "failed", "reserved value of a permanent error"),
    (0x50, 0x5F, "failed", "SC-specific permanent error"),
    (0x60, 0x6F, "failed", "reserved value of a temporary error (SC not making further attempts)"),
    (0x70, 0x7F, "failed", "SC-specific temporary error (SC not making further attempts)"),
)


def status_meaning(status: int) -> tuple[str, str]:
    """(outcome, 3GPP meaning) of a TP-ST value.

    Values 0x80–0xFF are reserved; TS 23.040 has the receiver treat them as
    "service rejected", a permanent failure.
    """
    for first, last, outcome, fallback in _RANGES:
        if first <= status <= last:
            return outcome, _MEANINGS.get(status, fallback)
    return "failed", "reserved value (treated as service rejected)"
