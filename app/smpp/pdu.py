"""SMPP 3.4 protocol data units: a strict codec of the commands the console's server speaks.

A PDU is a 16-octet header (command_length, command_id, command_status,
sequence_number, big-endian) and a body of mandatory fields (integers,
NUL-terminated C-octet strings with a maximum length, one octet string whose
length is the field before it) followed by optional TLVs (tag, length, value).
:func:`decode` refuses anything that does not follow the specification with a
:class:`PduError` carrying the ``ESME_R…`` status to answer; nothing here
knows about the engine, sockets or Qt.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

HEADER = struct.Struct(">IIII")

# command ids (SMPP 3.4 §5.1.2.1)
GENERIC_NACK = 0x80000000
BIND_RECEIVER, BIND_TRANSMITTER, QUERY_SM, SUBMIT_SM, DELIVER_SM = 0x01, 0x02, 0x03, 0x04, 0x05
UNBIND, REPLACE_SM, CANCEL_SM, BIND_TRANSCEIVER, OUTBIND = 0x06, 0x07, 0x08, 0x09, 0x0B
ENQUIRE_LINK, SUBMIT_MULTI, ALERT_NOTIFICATION, DATA_SM = 0x15, 0x21, 0x102, 0x103
RESP = 0x80000000

# command_status values (§5.1.3)
ESME_ROK = 0x00
ESME_RINVMSGLEN = 0x01
ESME_RINVCMDLEN = 0x02
ESME_RINVCMDID = 0x03
ESME_RINVBNDSTS = 0x04
ESME_RALYBND = 0x05
ESME_RSYSERR = 0x08
ESME_RINVSRCADR = 0x0A
ESME_RINVDSTADR = 0x0B
ESME_RINVMSGID = 0x0C
ESME_RBINDFAIL = 0x0D
ESME_RINVPASWD = 0x0E
ESME_RINVSYSID = 0x0F
ESME_RCANCELFAIL = 0x11
ESME_RREPLACEFAIL = 0x13
ESME_RINVNUMDESTS = 0x33
ESME_RINVDLNAME = 0x34
ESME_RMSGQFUL = 0x14
ESME_RINVDESTFLAG = 0x40
ESME_RINVESMCLASS = 0x43
ESME_RSUBMITFAIL = 0x45
ESME_RINVSCHED = 0x61
ESME_RINVDFTMSGID = 0x63
ESME_RINVEXPIRY = 0x62
ESME_RTHROTTLED = 0x58
ESME_RINVDCS = 0x104  # SMPP 5.0's code; 3.4 clients show it as a vendor code
ESME_RQUERYFAIL = 0x67
ESME_RINVOPTPARSTREAM = 0xC0
ESME_ROPTPARNOTALLWD = 0xC1
ESME_RINVPARLEN = 0xC2
ESME_RMISSINGOPTPARAM = 0xC3
ESME_RUNKNOWNERR = 0xFF

STATUS_NAMES = {v: k for k, v in globals().items() if k.startswith("ESME_R")}

# optional parameter tags (§5.3.2)
TAG_SC_INTERFACE_VERSION = 0x0210
TAG_RECEIPTED_MESSAGE_ID = 0x001E
TAG_MESSAGE_STATE = 0x0427
TAG_MESSAGE_PAYLOAD = 0x0424
TAG_SAR_MSG_REF_NUM, TAG_SAR_TOTAL_SEGMENTS, TAG_SAR_SEGMENT_SEQNUM = 0x020C, 0x020E, 0x020F
TAG_QOS_TIME_TO_LIVE = 0x0017

# message states (§5.2.28)
ENROUTE, DELIVERED, EXPIRED, DELETED, UNDELIVERABLE, ACCEPTED, UNKNOWN, REJECTED = 1, 2, 3, 4, 5, 6, 7, 8

_ADDR = (("ton", "B"), ("npi", "B"))
_SM_FIELDS = (
    ("service_type", 6), ("source_addr_ton", "B"), ("source_addr_npi", "B"), ("source_addr", 21),
    ("dest_addr_ton", "B"), ("dest_addr_npi", "B"), ("destination_addr", 21), ("esm_class", "B"),
    ("protocol_id", "B"), ("priority_flag", "B"), ("schedule_delivery_time", 17), ("validity_period", 17),
    ("registered_delivery", "B"), ("replace_if_present_flag", "B"), ("data_coding", "B"),
    ("sm_default_msg_id", "B"), ("short_message", "sm"),
)
#: data_sm (§4.7.1): addresses of up to 64 octets, the message in message_payload.
_DATA_SM_FIELDS = (
    ("service_type", 6), ("source_addr_ton", "B"), ("source_addr_npi", "B"), ("source_addr", 65),
    ("dest_addr_ton", "B"), ("dest_addr_npi", "B"), ("destination_addr", 65), ("esm_class", "B"),
    ("registered_delivery", "B"), ("data_coding", "B"),
)
#: submit_multi (§4.5.1): submit_sm's fields with a list of destinations (kind "dests") for the one.
_MULTI_FIELDS = (_SM_FIELDS[:4] + (("dest_addresses", "dests"),) + _SM_FIELDS[7:])
_BIND = (("system_id", 16), ("password", 9), ("system_type", 13), ("interface_version", "B"),
         ("addr_ton", "B"), ("addr_npi", "B"), ("address_range", 41))

#: Mandatory fields of each command: (name, kind) with kind an int (C-octet string of at most that many
#: octets with its NUL), "B" (one octet) or "sm" (sm_length octet and that many octets).
BODIES: dict[int, tuple] = {
    BIND_RECEIVER: _BIND, BIND_TRANSMITTER: _BIND, BIND_TRANSCEIVER: _BIND,
    BIND_RECEIVER | RESP: (("system_id", 16),), BIND_TRANSMITTER | RESP: (("system_id", 16),),
    BIND_TRANSCEIVER | RESP: (("system_id", 16),),
    UNBIND: (), UNBIND | RESP: (), ENQUIRE_LINK: (), ENQUIRE_LINK | RESP: (), GENERIC_NACK: (),
    SUBMIT_SM: _SM_FIELDS, SUBMIT_SM | RESP: (("message_id", 65),),
    DELIVER_SM: _SM_FIELDS, DELIVER_SM | RESP: (("message_id", 65),),
    QUERY_SM: (("message_id", 65), ("source_addr_ton", "B"), ("source_addr_npi", "B"), ("source_addr", 21)),
    QUERY_SM | RESP: (("message_id", 65), ("final_date", 17), ("message_state", "B"), ("error_code", "B")),
    CANCEL_SM: (("service_type", 6), ("message_id", 65), ("source_addr_ton", "B"), ("source_addr_npi", "B"),
                ("source_addr", 21), ("dest_addr_ton", "B"), ("dest_addr_npi", "B"), ("destination_addr", 21)),
    CANCEL_SM | RESP: (),
    OUTBIND: (("system_id", 16), ("password", 9)),
    REPLACE_SM: (("message_id", 65), ("source_addr_ton", "B"), ("source_addr_npi", "B"), ("source_addr", 21),
                 ("schedule_delivery_time", 17), ("validity_period", 17), ("registered_delivery", "B"),
                 ("sm_default_msg_id", "B"), ("short_message", "sm")),
    REPLACE_SM | RESP: (),
    DATA_SM: _DATA_SM_FIELDS, DATA_SM | RESP: (("message_id", 65),),
    SUBMIT_MULTI: _MULTI_FIELDS, SUBMIT_MULTI | RESP: (("message_id", 65), ("unsuccess_sme", "unsuccess")),
}
#: Commands whose body may end in TLVs (replace_sm: SMPP 5.0's message_payload, taken as well).
_WITH_TLVS = {SUBMIT_SM, DELIVER_SM, BIND_RECEIVER | RESP, BIND_TRANSMITTER | RESP, BIND_TRANSCEIVER | RESP,
              DATA_SM, DATA_SM | RESP, SUBMIT_MULTI, REPLACE_SM}

#: dest_flag of a submit_multi destination (§5.2.25).
SME_ADDRESS, DISTRIBUTION_LIST = 1, 2


@dataclass(frozen=True)
class MultiDest:
    """One destination of a submit_multi: an SME address, or a distribution list named by ``address``."""

    flag: int
    address: str
    ton: int = 0
    npi: int = 0


@dataclass(frozen=True)
class Unsuccess:
    """One destination a submit_multi_resp names as refused, with the ESME_R… code why."""

    address: str
    status: int
    ton: int = 0
    npi: int = 0

COMMAND_NAMES = {
    GENERIC_NACK: "generic_nack", BIND_RECEIVER: "bind_receiver", BIND_TRANSMITTER: "bind_transmitter",
    QUERY_SM: "query_sm", SUBMIT_SM: "submit_sm", DELIVER_SM: "deliver_sm", UNBIND: "unbind",
    REPLACE_SM: "replace_sm", CANCEL_SM: "cancel_sm", BIND_TRANSCEIVER: "bind_transceiver", OUTBIND: "outbind",
    ENQUIRE_LINK: "enquire_link", SUBMIT_MULTI: "submit_multi", ALERT_NOTIFICATION: "alert_notification",
    DATA_SM: "data_sm",
}


def command_name(command_id: int) -> str:
    base = COMMAND_NAMES.get(command_id & ~RESP if command_id != GENERIC_NACK else command_id)
    if base is None:
        return f"0x{command_id:08x}"
    return base + ("_resp" if command_id & RESP and command_id != GENERIC_NACK else "")


def status_name(status: int) -> str:
    return STATUS_NAMES.get(status, f"0x{status:08x}")


class PduError(ValueError):
    """A PDU that cannot be used; ``status`` is the ESME_R… code to answer with."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass
class Pdu:
    command_id: int
    sequence: int
    status: int = ESME_ROK
    fields: dict = field(default_factory=dict)
    #: Optional parameters by tag (raw values).
    tlvs: dict[int, bytes] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return command_name(self.command_id)

    def get(self, key: str, default=None):
        return self.fields.get(key, default)


def encode(pdu: Pdu) -> bytes:
    """The PDU's octets; a body is written only for status 0 (and always for generic_nack's empty one)."""
    body = bytearray()
    spec = BODIES.get(pdu.command_id)
    if spec is None:
        raise ValueError(f"cannot encode {pdu.name}")
    # a response with an error carries no body (§3.4: "the body ... should not be returned")
    if pdu.status == ESME_ROK or not pdu.command_id & RESP:
        for name, kind in spec:
            value = pdu.fields.get(name, b"" if kind == "sm" else (0 if kind == "B" else ""))
            if kind == "B":
                body.append(int(value) & 0xFF)
            elif kind == "dests":
                body.append(len(value))
                for d in value:
                    body.append(d.flag)
                    if d.flag == SME_ADDRESS:
                        body += bytes([d.ton, d.npi])
                    body += _cstr(d.address, 21, name)
            elif kind == "unsuccess":
                body.append(len(value))
                for u in value:
                    body += bytes([u.ton, u.npi]) + _cstr(u.address, 21, name) + struct.pack(">I", u.status)
            elif kind == "sm":
                if len(value) > 254:
                    raise ValueError("short_message longer than 254 octets: use message_payload")
                body.append(len(value))
                body += value
            else:
                raw = value.encode("latin-1") if isinstance(value, str) else bytes(value)
                if len(raw) >= kind or b"\0" in raw:
                    raise ValueError(f"{name}: at most {kind - 1} octets without NUL")
                body += raw + b"\0"
        for tag, value in pdu.tlvs.items():
            body += struct.pack(">HH", tag, len(value)) + value
    return HEADER.pack(16 + len(body), pdu.command_id, pdu.status, pdu.sequence) + body


def decode_header(data: bytes) -> tuple[int, int, int, int]:
    """(length, command_id, status, sequence) of the first 16 octets."""
    return HEADER.unpack_from(data)


def decode(data: bytes) -> Pdu:
    """Parse one whole PDU (header included); raises PduError with the status to answer."""
    length, command_id, status, sequence = HEADER.unpack_from(data)
    if length != len(data):
        raise PduError(ESME_RINVCMDLEN, f"command_length {length} but {len(data)} octets")
    spec = BODIES.get(command_id)
    if spec is None:
        raise PduError(ESME_RINVCMDID, f"unsupported command {command_name(command_id)}")
    pdu = Pdu(command_id, sequence, status)
    pos, end = 16, len(data)
    if command_id & RESP and status != ESME_ROK and pos == end:
        return pdu  # an error response without a body
    for name, kind in spec:
        if kind == "B":
            if pos >= end:
                raise PduError(ESME_RINVCMDLEN, f"{pdu.name}: body ends before {name}")
            pdu.fields[name] = data[pos]
            pos += 1
        elif kind in ("dests", "unsuccess"):
            pdu.fields[name], pos = _decode_list(pdu, data, pos, end, kind)
        elif kind == "sm":
            if pos >= end:
                raise PduError(ESME_RINVCMDLEN, f"{pdu.name}: body ends before sm_length")
            n = data[pos]
            if pos + 1 + n > end:
                raise PduError(ESME_RINVMSGLEN, f"{pdu.name}: sm_length {n} beyond the body")
            pdu.fields[name] = bytes(data[pos + 1:pos + 1 + n])
            pos += 1 + n
        else:
            nul = data.find(b"\0", pos, min(end, pos + kind))
            if nul < 0:
                raise PduError(ESME_RINVPARLEN if end - pos >= kind else ESME_RINVCMDLEN,
                               f"{pdu.name}: {name} is not a C-octet string of at most {kind} octets")
            pdu.fields[name] = data[pos:nul].decode("latin-1")
            pos = nul + 1
    if pos < end and command_id not in _WITH_TLVS:
        raise PduError(ESME_RINVCMDLEN, f"{pdu.name}: {end - pos} octets after the body")
    while pos < end:
        if end - pos < 4:
            raise PduError(ESME_RINVOPTPARSTREAM, f"{pdu.name}: a truncated optional parameter")
        tag, n = struct.unpack_from(">HH", data, pos)
        if pos + 4 + n > end:
            raise PduError(ESME_RINVOPTPARSTREAM, f"{pdu.name}: optional parameter 0x{tag:04x} runs past the end")
        pdu.tlvs[tag] = bytes(data[pos + 4:pos + 4 + n])
        pos += 4 + n
    return pdu


def _cstr(value: str, size: int, name: str) -> bytes:
    raw = value.encode("latin-1")
    if len(raw) >= size or b"\0" in raw:
        raise ValueError(f"{name}: at most {size - 1} octets without NUL")
    return raw + b"\0"


def _decode_list(pdu: Pdu, data: bytes, pos: int, end: int, kind: str) -> tuple[list, int]:
    """submit_multi's destinations or submit_multi_resp's unsuccessful ones: a count octet, then entries."""

    def octet() -> int:
        nonlocal pos
        if pos >= end:
            raise PduError(ESME_RINVCMDLEN, f"{pdu.name}: body ends inside its address list")
        pos += 1
        return data[pos - 1]

    def cstring() -> str:
        nonlocal pos
        nul = data.find(b"\0", pos, min(end, pos + 21))
        if nul < 0:
            raise PduError(ESME_RINVPARLEN if end - pos >= 21 else ESME_RINVCMDLEN,
                           f"{pdu.name}: an address is not a C-octet string of at most 21 octets")
        value, pos = data[pos:nul].decode("latin-1"), nul + 1
        return value

    entries: list = []
    for _ in range(octet()):
        if kind == "unsuccess":
            ton, npi, address = octet(), octet(), cstring()
            if pos + 4 > end:
                raise PduError(ESME_RINVCMDLEN, f"{pdu.name}: body ends inside error_status_code")
            entries.append(Unsuccess(address, struct.unpack_from(">I", data, pos)[0], ton, npi))
            pos += 4
            continue
        flag = octet()
        if flag == SME_ADDRESS:
            ton, npi = octet(), octet()
            entries.append(MultiDest(flag, cstring(), ton, npi))
        elif flag == DISTRIBUTION_LIST:
            entries.append(MultiDest(flag, cstring()))
        else:
            raise PduError(ESME_RINVDESTFLAG, f"{pdu.name}: dest_flag {flag} is neither 1 nor 2")
    return entries, pos


def response(request: Pdu, status: int = ESME_ROK, **fields) -> Pdu:
    return Pdu(request.command_id | RESP, request.sequence, status, fields)


def generic_nack(sequence: int, status: int) -> Pdu:
    return Pdu(GENERIC_NACK, sequence, status)
