"""The client side of one SMPP connection: connect (optionally over TLS), bind, exchange PDUs, unbind.

An :class:`SmppLink` writes requests with their own sequence numbers and hands back a future per request
that its response resolves; any number may be outstanding (the caller keeps its window). Requests from
the SMSC (deliver_sm, enquire_link, unbind) are answered here: a deliver_sm is passed to ``on_deliver``,
whose awaited status is the response, so a message is acknowledged once the receiver has kept it.

The reader never dies of what it reads: a PDU that does not decode is answered with generic_nack (a
request) or taken for what its header says (a response); only octets that cannot be a PDU header at all
(a length below 16 or beyond :data:`MAX_PDU`) end the connection, since the stream can no longer be
followed; the link then reports itself closed and its owner connects again. When the connection ends,
every outstanding request fails with :class:`LinkClosed`.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from . import pdu as P

log = logging.getLogger(__name__)

#: The longest PDU read; a header giving more is not SMPP (garbage on the line).
MAX_PDU = 65536
INTERFACE_VERSION = 0x34


class LinkClosed(ConnectionError):
    """The connection ended before the response came."""


class ResponseTimeout(TimeoutError):
    """No response within the link's timeout."""


class BindRefused(ConnectionError):
    def __init__(self, status: int):
        super().__init__(f"bind refused: {P.status_name(status)}")
        self.status = status


@dataclass(frozen=True)
class BindSettings:
    host: str
    port: int
    system_id: str
    password: str = field(repr=False)
    system_type: str = ""
    tls: bool = False
    verify_tls: bool = True
    addr_ton: int = 0
    addr_npi: int = 0
    address_range: str = ""
    #: Seconds to wait for the connection and for each response.
    timeout: float = 30.0
    #: Seconds of silence before an enquire_link is sent.
    enquire_link: float = 30.0


class SmppLink:
    def __init__(self, settings: BindSettings, mode: int, *, name: str = "",
                 on_deliver: Callable[[P.Pdu], Awaitable[int]] | None = None,
                 on_traffic: Callable[[str, str], None] | None = None):
        self.settings = settings
        self.mode = mode
        self.name = name
        self.on_deliver = on_deliver
        self.on_traffic = on_traffic
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.remote_system_id = ""
        self.closed = asyncio.Event()
        self.close_reason = ""
        self._sequence = 0
        #: sequence -> (the response's future, when it is given up), oldest first.
        self._waiting: dict[int, tuple[asyncio.Future, float]] = {}
        self._out: list[bytes] = []
        self._flushing: asyncio.Handle | None = None
        self._tasks: set[asyncio.Task] = set()
        self._reader_task: asyncio.Task | None = None
        self._heard = 0.0
        self.local = ("", 0)

    @property
    def mode_name(self) -> str:
        return P.command_name(self.mode).removeprefix("bind_")

    def _traffic(self, direction: str, text: str) -> None:
        if self.on_traffic is not None:
            self.on_traffic(direction, text)

    # --- connecting -----------------------------------------------------------------------------

    async def open(self) -> None:
        """Connect and bind; raises OSError/TimeoutError (no connection) or BindRefused."""
        s = self.settings
        context = None
        if s.tls:
            context = ssl.create_default_context()
            if not s.verify_tls:
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
        async with asyncio.timeout(s.timeout):
            reader, writer = await asyncio.open_connection(s.host, s.port, ssl=context)
        await self.adopt(reader, writer)

    async def adopt(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Bind on a connection made already (the one an SMSC made to send its outbind); raises
        TimeoutError or BindRefused."""
        s = self.settings
        self.reader, self.writer = reader, writer
        self.local = (self.writer.get_extra_info("sockname") or ("", 0))[:2]
        loop = asyncio.get_running_loop()
        self._heard = loop.time()
        self._reader_task = asyncio.create_task(self._read(), name=f"smpp-link:{self.name}")
        self._spawn(self._expire())
        fields = {"system_id": s.system_id, "password": s.password, "system_type": s.system_type,
                  "interface_version": INTERFACE_VERSION, "addr_ton": s.addr_ton, "addr_npi": s.addr_npi,
                  "address_range": s.address_range}
        self._traffic("out", f"{P.command_name(self.mode)} system_id={s.system_id}")
        try:
            resp = await self.request(self.mode, fields)
        except BaseException:
            await self.abort("bind not answered")
            raise
        if resp.status != P.ESME_ROK:
            await self.abort(f"bind refused: {P.status_name(resp.status)}")
            raise BindRefused(resp.status)
        self.remote_system_id = resp.get("system_id", "")
        self._traffic("in", f"{resp.name} system_id={self.remote_system_id}")
        self._spawn(self._keep_alive())

    async def unbind(self) -> None:
        """Unbind politely (a short wait for unbind_resp), then close."""
        if self.closed.is_set():
            return
        try:
            await self.request(P.UNBIND, timeout=min(2.0, self.settings.timeout))
        except (TimeoutError, ConnectionError):
            pass
        await self.abort("unbound")

    async def abort(self, reason: str) -> None:
        """Close the connection now; outstanding requests fail."""
        self._closed(reason)
        for task in list(self._tasks) + ([self._reader_task] if self._reader_task else []):
            if task is not asyncio.current_task():
                task.cancel()
        if self.writer is not None:
            try:
                await asyncio.wait_for(self.writer.wait_closed(), 1.0)
            except (OSError, TimeoutError, ssl.SSLError):
                pass

    def _closed(self, reason: str) -> None:
        if self.closed.is_set():
            return
        self.close_reason = reason
        self.closed.set()
        if self.writer is not None and not self.writer.is_closing():
            if self._out:
                self.flush()
            self.writer.close()
        waiting, self._waiting = self._waiting, {}
        for fut, _deadline in waiting.values():
            if not fut.done():
                fut.set_exception(LinkClosed(reason))
        self._traffic("info", f"connection closed: {reason}")

    # --- writing --------------------------------------------------------------------------------

    def _next_sequence(self) -> int:
        self._sequence = self._sequence % 0x7FFFFFFF + 1
        return self._sequence

    def send(self, pdu: P.Pdu) -> None:
        """Write a PDU with the others of this loop turn (one write for many)."""
        data = P.encode(pdu)
        if self.closed.is_set():
            raise LinkClosed(self.close_reason)
        self._out.append(data)
        if self._flushing is None:
            self._flushing = asyncio.get_running_loop().call_soon(self.flush)

    def flush(self) -> None:
        self._flushing = None
        out, self._out = self._out, []
        if out and self.writer is not None and not self.writer.is_closing():
            self.writer.write(b"".join(out))

    def request(self, command_id: int, fields: dict | None = None, tlvs: dict | None = None, *,
                timeout: float | None = None) -> asyncio.Future:
        """Write a request; the future is its response (LinkClosed when the connection ends first,
        ResponseTimeout when none came within ``timeout``, by default the link's; a late one is ignored)."""
        loop = asyncio.get_running_loop()
        fut = loop.create_future()
        if self.closed.is_set():
            fut.set_exception(LinkClosed(self.close_reason))
            return fut
        seq = self._next_sequence()
        self.send(P.Pdu(command_id, seq, fields=fields or {}, tlvs=tlvs or {}))
        self._waiting[seq] = (fut, loop.time() + (self.settings.timeout if timeout is None else timeout))
        return fut

    async def _expire(self) -> None:
        """Fail the requests whose response is overdue (one look a tick, not a timer per request)."""
        loop = asyncio.get_running_loop()
        tick = min(1.0, self.settings.timeout / 4)
        while not self.closed.is_set():
            await asyncio.sleep(tick)
            now = loop.time()
            overdue = [seq for seq, (_fut, deadline) in self._waiting.items() if deadline <= now]
            for seq in overdue:
                fut, _deadline = self._waiting.pop(seq)
                if not fut.done():
                    fut.set_exception(ResponseTimeout(f"no response in {self.settings.timeout:g} s"))

    @property
    def outstanding(self) -> int:
        return len(self._waiting)

    # --- reading --------------------------------------------------------------------------------

    async def _read(self) -> None:
        assert self.reader is not None
        loop = asyncio.get_running_loop()
        reason = "the provider closed the connection"
        try:
            while True:
                head = await self.reader.readexactly(16)
                length = int.from_bytes(head[:4], "big")
                if not 16 <= length <= MAX_PDU:
                    reason = (f"the provider sent octets that are not an SMPP PDU (command_length {length}); "
                              "connecting again")
                    log.warning("SMPP gateway %s: %s", self.name, reason)
                    break
                data = head + (await self.reader.readexactly(length - 16) if length > 16 else b"")
                self._heard = loop.time()
                self._received(data)
        except (asyncio.IncompleteReadError, ConnectionError, OSError, ssl.SSLError) as exc:
            if not isinstance(exc, asyncio.IncompleteReadError):
                reason = f"connection lost: {exc}"
        except asyncio.CancelledError:
            reason = self.close_reason or "closed"
        self._closed(reason)

    def _received(self, data: bytes) -> None:
        _length, command_id, status, seq = P.decode_header(data)
        try:
            pdu = P.decode(data)
        except P.PduError as exc:
            if command_id & P.RESP:  # take the response for what its header says
                body = data[16:]
                pdu = P.Pdu(command_id, seq, status, {"message_id": body.split(b"\0", 1)[0].decode("latin-1")})
                self._traffic("in", f"{P.command_name(command_id)} seq={seq} read leniently: {exc.reason}")
            else:
                self._traffic("in", f"{P.command_name(command_id)} seq={seq} refused: {exc.reason}")
                self.send(P.generic_nack(seq, exc.status))
                return
        if command_id & P.RESP:
            fut, _deadline = self._waiting.pop(seq, (None, 0.0))
            if fut is not None and not fut.done():
                fut.set_result(pdu)
            elif command_id == P.GENERIC_NACK:
                self._traffic("in", f"generic_nack seq={seq} {P.status_name(status)}")
            return
        if command_id == P.ENQUIRE_LINK:
            self.send(P.response(pdu))
        elif command_id in (P.DELIVER_SM, P.DATA_SM):  # some SMSCs send receipts and messages as data_sm
            self._spawn(self._deliver(pdu))
        elif command_id == P.UNBIND:
            self.send(P.response(pdu))
            self._traffic("in", "unbind")
            self._closed("the provider unbound")
        else:
            self.send(P.generic_nack(seq, P.ESME_RINVCMDID))

    async def _deliver(self, pdu: P.Pdu) -> None:
        try:
            status = await self.on_deliver(pdu) if self.on_deliver is not None else P.ESME_RINVBNDSTS
        except Exception:  # noqa: BLE001 - the SMSC offers it again later
            log.exception("SMPP gateway %s: a deliver_sm could not be taken", self.name)
            status = P.ESME_RSYSERR
        if not self.closed.is_set():
            self.send(P.response(pdu, status, message_id=""))

    def _spawn(self, coro) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _keep_alive(self) -> None:
        """An enquire_link after each ``enquire_link`` seconds of silence; no answer ends the connection."""
        loop = asyncio.get_running_loop()
        interval = self.settings.enquire_link
        while not self.closed.is_set():
            await asyncio.sleep(max(0.01, self._heard + interval - loop.time()))
            if loop.time() - self._heard < interval:
                continue
            try:
                await self.request(P.ENQUIRE_LINK)
            except TimeoutError:
                self._closed(f"no answer to enquire_link in {self.settings.timeout:g} s")
                return
            except ConnectionError:
                return
