"""What ``+CMS ERROR`` and ``+CME ERROR`` codes mean, and whether a send that
failed with one may succeed later.

Codes 0–127 of ``+CMS ERROR`` are RP causes of TS 24.011 Annex E, 128–255
TP-Failure-Cause values of TS 23.040 §9.2.3.22, 300–500 the modem's own
errors of TS 27.005 §3.2.5; 512 and above belong to the manufacturer.
``+CME ERROR`` codes are those of TS 27.007 §9.2 (515 is the vendor "please
wait" many modems answer while they start).
"""

from __future__ import annotations

from .at_channel import AtError

#: code -> (meaning, retry later)
CMS_ERRORS: dict[int, tuple[str, bool]] = {
    1: ("unassigned (unallocated) number", False),
    8: ("operator determined barring", False),
    10: ("call barred", False),
    17: ("network failure", True),
    21: ("short message transfer rejected", False),
    22: ("memory capacity exceeded", True),
    27: ("destination out of service", True),
    28: ("unidentified subscriber", False),
    29: ("facility rejected", False),
    30: ("unknown subscriber", False),
    38: ("network out of order", True),
    41: ("temporary failure", True),
    42: ("congestion", True),
    47: ("resources unavailable, unspecified", True),
    50: ("requested facility not subscribed", False),
    69: ("requested facility not implemented", False),
    81: ("invalid short message transfer reference value", True),
    95: ("invalid message, unspecified", False),
    96: ("invalid mandatory information", False),
    97: ("message type non-existent or not implemented", False),
    98: ("message not compatible with short message protocol state", True),
    99: ("information element non-existent or not implemented", False),
    111: ("protocol error, unspecified", True),
    127: ("interworking, unspecified", True),
    128: ("telematic interworking not supported", False),
    129: ("short message type 0 not supported", False),
    130: ("cannot replace short message", False),
    143: ("unspecified TP-PID error", False),
    144: ("data coding scheme (alphabet) not supported", False),
    145: ("message class not supported", False),
    159: ("unspecified TP-DCS error", False),
    160: ("command cannot be actioned", False),
    161: ("command unsupported", False),
    175: ("unspecified TP-Command error", False),
    176: ("TPDU not supported", False),
    192: ("SC busy", True),
    193: ("no SC subscription", False),
    194: ("SC system failure", True),
    195: ("invalid SME address", False),
    196: ("destination SME barred", False),
    197: ("SM rejected: duplicate SM", False),
    198: ("TP-VPF not supported", False),
    199: ("TP-VP not supported", False),
    208: ("(U)SIM SMS storage full", True),
    209: ("no SMS storage capability in (U)SIM", False),
    210: ("error in MS", True),
    211: ("memory capacity exceeded", True),
    212: ("(U)SIM Application Toolkit busy", True),
    213: ("(U)SIM data download error", True),
    255: ("unspecified error cause", True),
    300: ("ME failure", True),
    301: ("SMS service of ME reserved", True),
    302: ("operation not allowed", True),
    303: ("operation not supported", False),
    304: ("invalid PDU mode parameter", False),
    305: ("invalid text mode parameter", False),
    310: ("(U)SIM not inserted", True),
    311: ("(U)SIM PIN required", True),
    312: ("PH-(U)SIM PIN required", True),
    313: ("(U)SIM failure", True),
    314: ("(U)SIM busy", True),
    315: ("(U)SIM wrong", True),
    316: ("(U)SIM PUK required", True),
    317: ("(U)SIM PIN2 required", True),
    318: ("(U)SIM PUK2 required", True),
    320: ("memory failure", True),
    321: ("invalid memory index", True),
    322: ("memory full", True),
    330: ("SMSC address unknown", True),
    331: ("no network service", True),
    332: ("network timeout", True),
    340: ("no +CNMA acknowledgement expected", True),
    500: ("unknown error", True),
}

CME_ERRORS: dict[int, str] = {
    0: "phone failure", 3: "operation not allowed", 4: "operation not supported", 10: "SIM not inserted",
    11: "SIM PIN required", 12: "SIM PUK required", 13: "SIM failure", 14: "SIM busy", 15: "SIM wrong",
    16: "incorrect password", 17: "SIM PIN2 required", 18: "SIM PUK2 required", 20: "memory full",
    21: "invalid index", 22: "not found", 23: "memory failure", 30: "no network service",
    31: "network timeout", 32: "network not allowed, emergency calls only", 100: "unknown",
    515: "please wait, initialisation or command processing in progress",
}

#: Errors after which the same command is tried again after a pause.
_BUSY_CME = {14, 515}
_BUSY_WORDS = ("sim busy", "please wait")


def cms_meaning(code: int | None) -> tuple[str, bool]:
    """(3GPP meaning, retry later) of a ``+CMS ERROR`` code."""
    if code is None:
        return "error", True
    if code in CMS_ERRORS:
        return CMS_ERRORS[code]
    if code < 128:
        return f"RP cause {code}", True
    if code < 256:
        return f"TP failure cause {code:#04x}", code >= 0xE0
    if code >= 512:
        return f"manufacturer-specific error {code}", True
    return f"reserved error {code}", True


def describe(error: AtError) -> str:
    """The error in words, with its code, as a gateway shows it."""
    if error.kind == "CMS":
        meaning = cms_meaning(error.code)[0] if error.code is not None else error.text
        return f"+CMS ERROR {error.code if error.code is not None else ''}: {meaning}".replace(" :", ":")
    if error.kind == "CME":
        meaning = CME_ERRORS.get(error.code, f"error {error.code}") if error.code is not None else error.text
        return f"+CME ERROR {error.code if error.code is not None else ''}: {meaning}".replace(" :", ":")
    return f"{error.command} was refused (ERROR)"


def is_sim_busy(error: AtError) -> bool:
    """SIM busy / please wait: the modem is still starting, try again shortly."""
    if error.kind == "CME" and error.code in _BUSY_CME:
        return True
    if error.kind == "CMS" and error.code == 314:
        return True
    return error.code is None and any(w in error.text.lower() for w in _BUSY_WORDS)


def send_retryable(error: AtError) -> bool:
    """Whether a send refused with ``error`` may succeed later (or through another gateway)."""
    if error.kind == "CMS":
        return cms_meaning(error.code)[1]
    return True
