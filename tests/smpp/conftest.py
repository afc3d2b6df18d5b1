"""SMPP fixtures: a started engine with one fast simulated gateway and an SmppServer on an ephemeral
127.0.0.1 port, console users with SMPP passwords, and a client driven by smpplib (a library we did not
write) in a worker thread, so the server on the test's loop keeps running while the client waits."""

from __future__ import annotations

import asyncio
import struct

import pytest

from app.config import SMPP
from app.smpp.server import SmppServer
from app.store.models import User
from app.store.passwords import hash_password

FAST_SIM = {"Sim": ("simulator", {"send_delay": 0.0, "report_delay": 0.0})}


def add_user(engine, name: str = "alice", smpp_password: str = "secret1", *, admin: bool = False,
             enabled: bool = True) -> None:
    with engine.db.session() as s:
        s.add(User(name=name, password_hash=hash_password("long password"), admin=admin, enabled=enabled,
                   smpp_password_hash=hash_password(smpp_password) if smpp_password else ""))
        s.commit()


@pytest.fixture
async def start_smpp(make_engine):
    started: list[tuple] = []

    async def start(engine=None, *, gateways: dict | None = None, users=("alice",), **smpp) -> SmppServer:
        engine = engine or make_engine()
        for name, (kind, settings) in (FAST_SIM if gateways is None else gateways).items():
            engine.add_gateway(name, kind, settings)
        for user in users:
            add_user(engine, user)
        await engine.start()
        cfg = SMPP.defaults()
        cfg.update({"listen": "127.0.0.1:0", "enabled": True, **smpp})
        server = SmppServer(engine, cfg)
        await server.start()
        started.append((engine, server))
        return server

    yield start
    for engine, server in reversed(started):
        await server.stop()
        if engine.started:
            await engine.stop()


class Client:
    """An smpplib client whose blocking calls run in a worker thread."""

    def __init__(self, server: SmppServer):
        import smpplib.client

        self.raw = smpplib.client.Client(server.host, server.port, timeout=10, allow_unknown_opt_params=True)
        self.received: list = []
        self.raw.set_message_received_handler(self._received)
        self.raw.set_message_sent_handler(lambda pdu: None)

    def _received(self, pdu):
        self.received.append(pdu)

    async def call(self, fn, *args, **kwargs):
        return await asyncio.to_thread(fn, *args, **kwargs)

    async def connect(self):
        await self.call(self.raw.connect)

    async def bind(self, mode: str = "transceiver", system_id: str = "alice", password: str = "secret1"):
        await self.call(getattr(self.raw, f"bind_{mode}"), system_id=system_id, password=password)

    async def read(self):
        """The next PDU the server sent (a response or a deliver_sm)."""
        return await self.call(self.raw.read_pdu)

    async def send_raw(self, data: bytes) -> None:
        await self.call(self.raw._socket.sendall, data)

    async def read_raw(self) -> tuple[int, int, int, bytes]:
        """The next PDU as (command_id, command_status, sequence, body), read without smpplib's parser."""
        head = await self.call(self.raw._recv_exact, 16)
        length, command_id, status, seq = struct.unpack(">IIII", head)
        body = await self.call(self.raw._recv_exact, length - 16) if length > 16 else b""
        return command_id, status, seq, body

    async def close(self):
        await self.call(self.raw.disconnect)


@pytest.fixture
async def smpp_client():
    clients: list[Client] = []

    async def make(server, *, bind: str | None = "transceiver", **kwargs) -> Client:
        client = Client(server)
        clients.append(client)
        await client.connect()
        if bind:
            await client.bind(bind, **kwargs)
        return client

    yield make
    for c in clients:
        if c.raw._socket is not None:
            c.raw._socket.close()
            c.raw._socket = None


def raw_pdu(command_id: int, seq: int, body: bytes = b"", status: int = 0) -> bytes:
    """A PDU written by hand, octet by octet, for what smpplib cannot send."""
    return struct.pack(">IIII", 16 + len(body), command_id, status, seq) + body


def cstr(value: str) -> bytes:
    return value.encode("latin-1") + b"\0"
