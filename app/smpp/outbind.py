"""Outbind (SMPP 3.4 §2.2.1, §4.1.7): an SMSC that has messages for an ESME connects to it and sends
``outbind`` (its system_id and a password); the ESME answers on that connection with ``bind_receiver``,
and the connection is then an ordinary receiver bind. outbind has no response.

:class:`OutbindListener` listens for such connections for a gateway: the first PDU must be an outbind
with the password the gateway expects (and, when one is configured, the SMSC's system_id), within the
gateway's timeout; anything else is logged and the connection closed. An outbind that passes is handed
to ``on_outbind`` with its connection, which binds on it.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import os
from collections.abc import Awaitable, Callable

from . import pdu as P

log = logging.getLogger(__name__)


class OutbindError(RuntimeError):
    """The address cannot be listened on; ``str()`` is the one line to show."""


class OutbindListener:
    def __init__(self, name: str, password: str, on_outbind: Callable[[P.Pdu, asyncio.StreamReader,
                                                                       asyncio.StreamWriter], Awaitable[None]],
                 *, system_id: str = "", timeout: float = 30.0,
                 on_traffic: Callable[[str, str], None] | None = None):
        self.name = name
        self._password = password
        self.system_id = system_id
        self.timeout = timeout
        self.on_outbind = on_outbind
        self.on_traffic = on_traffic or (lambda _direction, _text: None)
        self.host, self.port = "", 0
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task] = set()

    async def start(self, host: str, port: int) -> None:
        try:
            self._server = await asyncio.start_server(self._accept, host, port)
        except OSError as exc:
            why = (os.strerror(exc.errno) if exc.errno else str(exc)).lower()
            raise OutbindError(f"cannot listen for outbind on {host}:{port}: {why}") from None
        self.host, self.port = host, self._server.sockets[0].getsockname()[1]
        log.info("SMPP gateway %s: listening for outbind on %s:%d", self.name, self.host, self.port)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        self._tasks.add(task)
        peer = "%s:%s" % (writer.get_extra_info("peername") or ("?", 0))[:2]
        try:
            pdu = await asyncio.wait_for(self._first(reader), self.timeout)
            why = self._refusal(pdu)
            if why:
                log.warning("SMPP gateway %s: connection from %s refused: %s", self.name, peer, why)
                self.on_traffic("in", f"outbind from {peer} refused: {why}")
                if pdu is not None and pdu.command_id != P.OUTBIND and not pdu.command_id & P.RESP:
                    writer.write(P.encode(P.generic_nack(pdu.sequence, P.ESME_RINVCMDID)))
                writer.close()
                return
            self.on_traffic("in", f"outbind system_id={pdu.get('system_id')} from {peer}")
            log.info("SMPP gateway %s: outbind from %s (system_id %r): binding as receiver", self.name, peer,
                     pdu.get("system_id"))
            await self.on_outbind(pdu, reader, writer)
        except (TimeoutError, asyncio.IncompleteReadError, ConnectionError, P.PduError) as exc:
            log.warning("SMPP gateway %s: connection from %s sent no usable outbind: %s", self.name, peer,
                        exc or type(exc).__name__)
            writer.close()
        except Exception:  # noqa: BLE001 - one connection's fault never stops the listener
            log.exception("SMPP gateway %s: outbind from %s failed", self.name, peer)
            writer.close()
        finally:
            self._tasks.discard(task)

    @staticmethod
    async def _first(reader: asyncio.StreamReader) -> P.Pdu | None:
        head = await reader.readexactly(16)
        length = int.from_bytes(head[:4], "big")
        if not 16 <= length <= 1024:  # an outbind is short; anything else is not one
            return None
        return P.decode(head + await reader.readexactly(length - 16))

    def _refusal(self, pdu: P.Pdu | None) -> str:
        if pdu is None:
            return "not an SMPP PDU"
        if pdu.command_id != P.OUTBIND:
            return f"{pdu.name} where an outbind was expected"
        if self.system_id and pdu.get("system_id", "") != self.system_id:
            return f"system_id {pdu.get('system_id')!r} is not {self.system_id!r}"
        if not hmac.compare_digest(pdu.get("password", "").encode("latin-1"), self._password.encode("latin-1")):
            return "wrong password"
        return ""
