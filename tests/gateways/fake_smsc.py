"""A small scripted SMSC for the SMPP gateway's fault tests: an asyncio server on 127.0.0.1 speaking
through the console's own codec (app.smpp.pdu). Each submit_sm is answered by ``on_submit``, which the
test replaces to answer late, refuse, throttle, say nothing, or close the connection."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field

from app.smpp import pdu as P


@dataclass
class Conn:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    mode: str = ""
    outstanding: int = 0
    deliver_seq: itertools.count = field(default_factory=lambda: itertools.count(1))
    waiting: dict = field(default_factory=dict)

    def write(self, pdu: P.Pdu) -> None:
        if not self.writer.is_closing():
            self.writer.write(P.encode(pdu))

    async def deliver(self, fields: dict, tlvs: dict | None = None, command: int = P.DELIVER_SM, *,
                      sequence: int | None = None) -> P.Pdu:
        """Send a deliver_sm (or a data_sm, whose text travels in message_payload) and wait for its
        response; ``sequence``: the sequence_number to send it with (an earlier one's, to send it again)."""
        seq = next(self.deliver_seq) if sequence is None else sequence
        fut = asyncio.get_running_loop().create_future()
        self.waiting[seq] = fut
        fields = {**DELIVER_DEFAULTS, **fields}
        if command == P.DATA_SM:
            tlvs = {P.TAG_MESSAGE_PAYLOAD: fields.pop("short_message"), **(tlvs or {})}
            fields = {"service_type": "", **{k: v for k, v in fields.items() if k in DATA_SM_FIELDS}}
        self.write(P.Pdu(command, seq, fields=fields, tlvs=tlvs or {}))
        return await asyncio.wait_for(fut, 10)


DELIVER_DEFAULTS = {"source_addr_ton": 1, "source_addr_npi": 1, "source_addr": "4915112345678",
                    "dest_addr_ton": 0, "dest_addr_npi": 1, "destination_addr": "12345", "esm_class": 0,
                    "data_coding": 0, "short_message": b""}


DATA_SM_FIELDS = {"source_addr_ton", "source_addr_npi", "source_addr", "dest_addr_ton", "dest_addr_npi",
                  "destination_addr", "esm_class", "registered_delivery", "data_coding"}


class FakeSmsc:
    def __init__(self):
        self.server: asyncio.base_events.Server | None = None
        self.port = 0
        self.conns: list[Conn] = []
        self.binds: list[tuple[str, str, str]] = []
        #: Every submit_sm received, in order.
        self.submits: list[P.Pdu] = []
        self.enquire_links = 0
        self.max_outstanding = 0
        self.ids = itertools.count(1)
        self.bound = asyncio.Event()
        self.on_submit = self.accept
        #: The connections made for outbind, served as tasks.
        self.outbinds: list[asyncio.Task] = []

    async def start(self, ssl=None) -> "FakeSmsc":
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=ssl)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        for c in self.conns:
            c.writer.close()
        if self.server is not None:
            self.server.close()

    async def outbind(self, port: int, system_id: str = "FAKE", password: str = "secret") -> None:
        """Connect to an ESME listening for outbind and send one; the connection is then served as the
        ones the ESME makes (its bind_receiver is answered)."""
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(P.encode(P.Pdu(P.OUTBIND, 1, fields={"system_id": system_id, "password": password})))
        self.outbinds.append(asyncio.create_task(self._serve(reader, writer)))

    def receiver(self) -> Conn:
        return next(c for c in reversed(self.conns) if c.mode in ("transceiver", "receiver")
                    and not c.writer.is_closing())

    async def accept(self, conn: Conn, pdu: P.Pdu) -> None:
        """The default answer: accepted, with a decimal message id."""
        conn.write(P.response(pdu, message_id=str(next(self.ids))))

    async def _serve(self, reader, writer) -> None:
        conn = Conn(reader, writer)
        self.conns.append(conn)
        try:
            while True:
                head = await reader.readexactly(16)
                length = int.from_bytes(head[:4], "big")
                pdu = P.decode(head + await reader.readexactly(length - 16))
                if pdu.command_id in (P.BIND_TRANSCEIVER, P.BIND_TRANSMITTER, P.BIND_RECEIVER):
                    conn.mode = P.command_name(pdu.command_id).removeprefix("bind_")
                    self.binds.append((conn.mode, pdu.get("system_id"), pdu.get("password")))
                    conn.write(P.response(pdu, system_id="FAKE"))
                    self.bound.set()
                elif pdu.command_id == P.SUBMIT_SM:
                    self.submits.append(pdu)
                    conn.outstanding += 1
                    self.max_outstanding = max(self.max_outstanding, conn.outstanding)
                    asyncio.create_task(self._answer(conn, pdu))
                elif pdu.command_id == P.ENQUIRE_LINK:
                    self.enquire_links += 1
                    conn.write(P.response(pdu))
                elif pdu.command_id == P.UNBIND:
                    conn.write(P.response(pdu))
                elif pdu.command_id & P.RESP:
                    fut = conn.waiting.pop(pdu.sequence, None)
                    if fut is not None and not fut.done():
                        fut.set_result(pdu)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def _answer(self, conn: Conn, pdu: P.Pdu) -> None:
        try:
            await self.on_submit(conn, pdu)
        finally:
            conn.outstanding -= 1
