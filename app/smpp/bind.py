"""One SMPP connection: reads PDUs, answers each request in its own task (many outstanding per bind, up
to ``[smpp] window``), writes responses and deliver_sm, and ends cleanly on unbind, on a broken stream,
on silence and when an operator stops its user."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING

from app.store.passwords import verify_password

from . import guard as guard_mod
from . import pdu as P
from .cursors import open_cursor
from .multi import handle_multi
from .replace import handle_replace
from .store_ops import account
from .submit import handle_cancel, handle_query, handle_submit

if TYPE_CHECKING:
    from .server import SmppServer

log = logging.getLogger(__name__)

#: What only a transmitter or transceiver bind may ask.
_TRANSMITTER_COMMANDS = (P.SUBMIT_SM, P.DATA_SM, P.SUBMIT_MULTI, P.QUERY_SM, P.CANCEL_SM, P.REPLACE_SM)
MODES = {P.BIND_TRANSMITTER: "transmitter", P.BIND_RECEIVER: "receiver", P.BIND_TRANSCEIVER: "transceiver"}
#: Seconds a refused bind waits before its answer: guessing passwords is slow (and slower for an address
#: that keeps guessing: see guard.py).
REFUSAL_DELAY = 1.0
#: Seconds a deliver_sm waits for its response.
RESPONSE_TIMEOUT = 30.0
#: Seconds the server's unbind waits for the client's unbind_resp before it closes the connection.
UNBIND_TIMEOUT = 2.0


class SmppBind:
    def __init__(self, server: "SmppServer", reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.server = server
        self.reader, self.writer = reader, writer
        peer = writer.get_extra_info("peername") or ("?", 0)
        local = writer.get_extra_info("sockname") or ("?", 0)
        self.host = str(peer[0])
        self.address = f"{peer[0]}:{peer[1]}"
        self.server_address = f"{local[0]}:{local[1]}"
        self.user = ""
        self.admin = False
        self.mode = ""
        self.session_id = 0
        self.closing = False
        self._window = asyncio.Semaphore(server.cfg["window"])
        self._tasks: set[asyncio.Task] = set()
        self._sequence = 0
        self._waiting: dict[int, asyncio.Future] = {}
        self._out: list[bytes] = []
        self._ticked = 0.0
        self._heard = 0.0  # when the client last spoke, or was last answered
        self._answering = 0  # its requests the console is answering now
        self._watchdog: asyncio.TimerHandle | None = None
        self._flushing: asyncio.Handle | None = None

    @property
    def receives(self) -> bool:
        return self.mode in ("receiver", "transceiver") and not self.closing

    @property
    def transmits(self) -> bool:
        return self.mode in ("transmitter", "transceiver")

    # --- writing --------------------------------------------------------------

    def send(self, pdu: P.Pdu) -> None:
        """Write a PDU with the others of this loop turn (one write for many responses)."""
        self._out.append(P.encode(pdu))
        if self._flushing is None:
            self._flushing = asyncio.get_running_loop().call_soon(self.flush)

    def flush(self) -> None:
        self._flushing = None
        out, self._out = self._out, []
        if out and not self.writer.is_closing():
            self.writer.write(b"".join(out))

    def _next_sequence(self) -> int:
        self._sequence = self._sequence % 0x7FFFFFFF + 1
        return self._sequence

    async def request(self, command_id: int, fields: dict, tlvs: dict | None = None, *,
                      timeout: float = RESPONSE_TIMEOUT) -> P.Pdu:
        """Send a request (deliver_sm, unbind) and wait for its response; raises TimeoutError."""
        seq = self._next_sequence()
        fut = asyncio.get_running_loop().create_future()
        self._waiting[seq] = fut
        try:
            self.send(P.Pdu(command_id, seq, P.ESME_ROK, fields, tlvs or {}))
            return await asyncio.wait_for(fut, timeout)
        finally:
            self._waiting.pop(seq, None)

    # --- reading --------------------------------------------------------------

    async def run(self) -> None:
        self._heard = time.monotonic()
        self._watchdog = asyncio.get_running_loop().call_later(self.server.cfg["enquire_timeout"], self._check_silence)
        try:
            await self._read()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        except Exception:  # noqa: BLE001 - one connection's fault never stops the server
            log.exception("SMPP %s: connection failed", self.address)
        finally:
            await self.close()

    async def _read(self) -> None:
        limit = self.server.cfg["max_pdu"]
        while not self.closing:
            head = await self.reader.readexactly(16)
            self._heard = now = time.monotonic()
            length, command_id, _status, seq = P.decode_header(head)
            if length < 16 or length > limit:
                log.warning("SMPP %s: refused a PDU of %d octets (limit %d): closing", self.address, length, limit)
                self.send(P.generic_nack(seq, P.ESME_RINVCMDLEN))
                return
            data = head + await self.reader.readexactly(length - 16)
            if self.session_id and now - self._ticked >= 1.0:  # the session's last tick, once a second at most
                self._ticked = now
                self.server.engine.sessions.tick(self.session_id)
            await self._window.acquire()
            if self.writer.transport.get_write_buffer_size() > 1 << 20:
                await self.writer.drain()
            if not self.mode:  # before a bind: one request at a time, so passwords are guessed one by one
                await self._handle(data, command_id, seq)
                continue
            task = asyncio.create_task(self._handle(data, command_id, seq))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _handle(self, data: bytes, command_id: int, seq: int) -> None:
        self._answering += 1
        try:
            try:
                pdu = P.decode(data)
            except P.PduError as exc:
                log.warning("SMPP %s (%s): %s: %s", self.address, self.user or "not bound", P.status_name(exc.status),
                            exc.reason)
                known = command_id | P.RESP in P.BODIES and not command_id & P.RESP
                self.send(P.Pdu(command_id | P.RESP, seq, exc.status) if known else P.generic_nack(seq, exc.status))
                return
            await self._dispatch(pdu)
        except Exception:  # noqa: BLE001
            log.exception("SMPP %s: %s failed", self.address, P.command_name(command_id))
            if not command_id & P.RESP:
                self.send(P.Pdu(command_id | P.RESP, seq, P.ESME_RSYSERR) if command_id | P.RESP in P.BODIES
                          else P.generic_nack(seq, P.ESME_RSYSERR))
        finally:
            self._answering -= 1
            self._heard = time.monotonic()  # a client waiting for an answer is not silent
            self._window.release()

    def _check_silence(self) -> None:
        """Unbind a connection silent for ``[smpp] enquire_timeout`` seconds (no PDU, no enquire_link).

        A client waiting for an answer is not silent: the time counts from the last answer.
        """
        limit = self.server.cfg["enquire_timeout"]
        silent = 0.0 if self._answering else time.monotonic() - self._heard
        if self.closing:
            return
        if silent < limit:
            self._watchdog = asyncio.get_running_loop().call_later(limit - silent, self._check_silence)
            return
        log.info("SMPP %s (%s): silent for %d s: unbinding", self.address, self.user or "not bound", limit)
        task = asyncio.ensure_future(self.unbind())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def refuse(self, pdu: P.Pdu, status: int, reason: str) -> None:
        log.info("SMPP %s (%s): %s refused with %s: %s", self.address, self.user or "not bound", pdu.name,
                 P.status_name(status), reason)
        # a request without a response of its own (outbind) is answered with generic_nack
        self.send(P.response(pdu, status) if pdu.command_id | P.RESP in P.BODIES
                  else P.generic_nack(pdu.sequence, status))

    async def _dispatch(self, pdu: P.Pdu) -> None:
        cid = pdu.command_id
        if cid & P.RESP:  # a response to one of our requests (generic_nack included)
            fut = self._waiting.get(pdu.sequence)
            if fut is not None and not fut.done():
                fut.set_result(pdu)
            return
        if cid == P.ENQUIRE_LINK:
            self.send(P.response(pdu))
        elif cid in MODES:
            await self._bind(pdu)
        elif cid == P.OUTBIND:
            self.refuse(pdu, P.ESME_RINVCMDID, "outbind is what an SMSC sends to an ESME, not a customer")
        elif not self.mode:
            self.refuse(pdu, P.ESME_RINVBNDSTS, "not bound")
        elif cid == P.UNBIND:
            self.closing = True  # no more deliver_sm; the requests under way are answered first
            others = [t for t in self._tasks if t is not asyncio.current_task()]
            if others:
                await asyncio.wait(others, timeout=RESPONSE_TIMEOUT)
            self.send(P.response(pdu))
            self.flush()
            self.writer.close()
            log.info("SMPP %s (%s): unbound", self.address, self.user)
        elif cid in _TRANSMITTER_COMMANDS and not self.transmits:
            self.refuse(pdu, P.ESME_RINVBNDSTS, f"{pdu.name} on a receiver bind")
        elif cid in (P.SUBMIT_SM, P.DATA_SM):
            await handle_submit(self, pdu)
        elif cid == P.SUBMIT_MULTI:
            await handle_multi(self, pdu)
        elif cid == P.QUERY_SM:
            await handle_query(self, pdu)
        elif cid == P.CANCEL_SM:
            await handle_cancel(self, pdu)
        elif cid == P.REPLACE_SM:
            await handle_replace(self, pdu)
        else:
            self.refuse(pdu, P.ESME_RINVCMDID, "not a command a customer sends")

    async def _bind(self, pdu: P.Pdu) -> None:
        if self.mode:
            return self.refuse(pdu, P.ESME_RALYBND, f"already bound as {self.mode}")
        guard = self.server.guard
        wait = guard.enter(self.host)
        if wait is None:
            return self.refuse(pdu, P.ESME_RBINDFAIL, f"{guard_mod.MAX_ATTEMPTS} binds from {self.host} are "
                               "being checked already (password guessing is slowed per address)")
        ok = None
        try:
            if wait:
                log.info("SMPP %s: %d failed binds from %s: this bind waits %.0f s", self.address,
                         guard.failures(self.host), self.host, wait)
                await asyncio.sleep(wait)
            ok = await self._check_bind(pdu)
        finally:
            guard.leave(self.host, ok=ok)

    async def _check_bind(self, pdu: P.Pdu) -> bool | None:
        """Answer a bind; whether its password was right (None: refused for another reason)."""
        server, engine = self.server, self.server.engine
        name, password = pdu.get("system_id", ""), pdu.get("password", "")
        acct = await engine.in_lane(account, engine, name) if name else None
        ok = acct is not None and bool(acct.smpp_hash) and await asyncio.to_thread(
            verify_password, password, acct.smpp_hash)
        if not ok:
            await asyncio.sleep(REFUSAL_DELAY)
            why = "no such user" if acct is None else ("no SMPP password" if acct and not acct.smpp_hash
                                                     else "wrong password")
            self.refuse(pdu, P.ESME_RINVPASWD, f"system_id {name!r}: {why} "
                        f"({self.server.guard.failures(self.host) + 1} failed binds from {self.host})")
            return False
        if not acct.enabled or acct.blocked or name in engine.sessions.blocked_users:
            self.refuse(pdu, P.ESME_RBINDFAIL, f"user {name!r} is disabled or stopped by an operator")
            return None
        if len(server.binds_of(name)) >= server.cfg["max_binds"]:
            self.refuse(pdu, P.ESME_RBINDFAIL, f"user {name!r} already holds {server.cfg['max_binds']} "
                        "binds ([smpp] max_binds)")
            return None
        await engine.in_lane(open_cursor, engine, name)
        self.user, self.admin, self.mode = name, acct.admin, MODES[pdu.command_id]
        self.session_id = engine.sessions.open_connection(
            name, self.address, self.server_address, "SMPP", "3.4", self.mode, acct.user_id).session_id
        server.bound(self)
        self.send(P.Pdu(pdu.command_id | P.RESP, pdu.sequence, P.ESME_ROK, {"system_id": server.system_id},
                        {P.TAG_SC_INTERFACE_VERSION: b"\x34"}))
        log.info("SMPP %s: %s bound as %s", self.address, name, self.mode)
        return True

    # --- ending ---------------------------------------------------------------

    async def unbind(self) -> None:
        """Ask the client to unbind (an operator stopped its user, the server stops, it fell silent)."""
        if self.closing or self.writer.is_closing():
            return
        self.closing = True
        if self.mode:
            try:
                await self.request(P.UNBIND, {}, timeout=UNBIND_TIMEOUT)
            except (TimeoutError, ConnectionError):
                pass
        self.flush()
        self.writer.close()

    async def close(self) -> None:
        self.closing = True
        if self._watchdog is not None:
            self._watchdog.cancel()
        for task in list(self._tasks):
            if task is not asyncio.current_task():
                task.cancel()
        for fut in self._waiting.values():
            if not fut.done():
                fut.set_exception(ConnectionError("the connection closed"))
        self.flush()
        try:
            await self.writer.drain()
        except (ConnectionError, RuntimeError):
            pass
        self.writer.close()
        if self.session_id:
            self.server.engine.sessions.close_connection(self.session_id)
        self.server.unbound(self)
