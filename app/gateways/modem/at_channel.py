"""An asynchronous AT command channel over a serial port.

One command is in flight at a time. Bytes are read by an event-loop reader on
the port's non-blocking file descriptor, so nothing here ever blocks the
loop. The line parser accepts ``\\r\\n`` and ``\\r\\r\\n`` endings, drops the
modem's echo, recognises the ``> `` prompt of ``AT+CMGS``, the final results
``OK`` / ``ERROR`` / ``+CME ERROR:`` / ``+CMS ERROR:``, and hands unsolicited
lines (``+CMTI``, ``+CMT`` with its PDU line, ``+CDS``, ``RING``, ``^RSSI`` ...)
to a callback, also in the middle of a command.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import re
from dataclasses import dataclass
from typing import Callable

log = logging.getLogger(__name__)

CTRL_Z = "\x1a"
ESC = "\x1b"

#: Lines that a modem sends on its own. A line with one of these prefixes is a
#: response only when the command in flight asks for that prefix.
UNSOLICITED = ("+CMTI:", "+CMT:", "+CDS:", "+CDSI:", "+CBM:", "RING", "+CRING:", "+CLIP:", "+CUSD:",
               "+CREG:", "+CGREG:", "+CEREG:", "+CIEV:", "+CPIN:", "^", "NO CARRIER", "+PBREADY",
               "RDY", "SMS READY", "CALL READY", "+STIN:", "+QIND:", "*PSUTTZ", "+CTZV:", "+CSQN:")
#: Unsolicited lines in PDU mode that are followed by one PDU line.
WITH_PDU = ("+CMT:", "+CDS:", "+CBM:")
_FINAL_ERROR = re.compile(r"^\+(CME|CMS) ERROR:\s*(.*)$")


class AtError(Exception):
    """The modem answered ``ERROR``, ``+CME ERROR`` or ``+CMS ERROR``."""

    def __init__(self, command: str, kind: str, code: int | None, text: str = ""):
        self.command, self.kind, self.code, self.text = command, kind, code, text
        detail = f"+{kind} ERROR: {code if code is not None else text}" if kind != "ERROR" else "ERROR"
        super().__init__(f"{command} answered {detail}")


class AtTimeout(Exception):
    """No final result in time. ``data_written``: the PDU after the prompt had been written."""

    def __init__(self, command: str, seconds: float, data_written: bool = False):
        self.command, self.data_written = command, data_written
        super().__init__(f"{command} got no answer within {seconds:g} s")


class PortGone(Exception):
    """The port closed under us: the device was unplugged or the channel was closed."""

    def __init__(self, reason: str = "the port is gone", data_written: bool = False):
        self.data_written = data_written
        super().__init__(reason)


@dataclass(frozen=True)
class AtResponse:
    lines: tuple[str, ...]
    final: str = "OK"

    def first(self, prefix: str) -> str | None:
        """The value after ``prefix`` of the first line starting with it."""
        for line in self.lines:
            if line.startswith(prefix):
                return line[len(prefix):].strip()
        return None


def _expected_prefix(command: str) -> str | None:
    """``AT+CPMS?`` expects ``+CPMS:`` lines; ``AT^SYSINFO`` expects ``^SYSINFO:``."""
    m = re.match(r"^AT([+^*$%][A-Z0-9]+)", command.upper())
    return f"{m.group(1)}:" if m else None


def parse_error(command: str, line: str) -> AtError:
    if line == "ERROR":
        return AtError(command, "ERROR", None)
    m = _FINAL_ERROR.match(line)
    kind, value = m.group(1), m.group(2).strip()
    return AtError(command, kind, int(value) if value.isdigit() else None, value)


def is_final(line: str) -> bool:
    return line in ("OK", "ERROR") or bool(_FINAL_ERROR.match(line))


class _Pending:
    def __init__(self, command: str, data: str | None, loop: asyncio.AbstractEventLoop):
        self.command = command
        self.data = data
        self.expect = _expected_prefix(command)
        self.lines: list[str] = []
        self.prompt = loop.create_future() if data is not None else None
        self.done = loop.create_future()
        self.data_written = False
        for fut in (self.prompt, self.done):
            if fut is not None:  # an answer nobody waits for any more must not warn
                fut.add_done_callback(lambda f: f.cancelled() or f.exception())


class AtChannel:
    """AT commands over one open file descriptor (a serial port or a pty)."""

    def __init__(self, fd: int, on_unsolicited: Callable[[str, str | None], None], *,
                 on_lost: Callable[[str], None] | None = None, name: str = "modem"):
        self.fd = fd
        self.name = name
        self.on_unsolicited = on_unsolicited
        self.on_lost = on_lost
        self.loop = asyncio.get_running_loop()
        self.lock = asyncio.Lock()
        self.closed = False
        self.bytes_in = 0
        self.bytes_out = 0
        self._buffer = ""
        self._out = bytearray()
        self._pending: _Pending | None = None
        self._pdu_for: str | None = None
        #: Loop time of the last line the modem sent (keep-alive looks at it).
        self.last_line = self.loop.time()
        os.set_blocking(fd, False)
        self.loop.add_reader(fd, self._readable)

    # --- commands ------------------------------------------------------------------

    async def command(self, command: str, timeout: float = 5.0, *, data: str | None = None,
                      prompt_timeout: float = 5.0) -> AtResponse:
        """Send ``command``; with ``data``, wait for ``> ``, send data + Ctrl-Z. Raises AtError/AtTimeout/PortGone."""
        async with self.lock:
            return await self.command_locked(command, timeout, data=data, prompt_timeout=prompt_timeout)

    async def command_locked(self, command: str, timeout: float = 5.0, *, data: str | None = None,
                             prompt_timeout: float = 5.0) -> AtResponse:
        """As :meth:`command`, for a caller that holds :attr:`lock` (a sequence of commands)."""
        if self.closed:
            raise PortGone("the port is closed")
        pending = self._pending = _Pending(command, data, self.loop)
        try:
            self._write(command + "\r")
            if pending.prompt is not None:
                try:
                    async with asyncio.timeout(prompt_timeout):
                        await asyncio.wait({pending.prompt, pending.done}, return_when=asyncio.FIRST_COMPLETED)
                except TimeoutError:
                    self._write(ESC)  # leave the prompt if it comes late
                    raise AtTimeout(command, prompt_timeout) from None
                if pending.done.done():
                    return pending.done.result()
                pending.data_written = True
                self._write(data + CTRL_Z)
            try:
                async with asyncio.timeout(timeout):
                    return await pending.done
            except TimeoutError:
                raise AtTimeout(command, timeout, pending.data_written) from None
        except PortGone as exc:
            raise PortGone(str(exc), pending.data_written) from None
        finally:
            self._pending = None

    # --- reading -------------------------------------------------------------------

    def _readable(self) -> None:
        try:
            chunk = os.read(self.fd, 4096)
        except BlockingIOError:
            return
        except OSError as exc:
            self._lost(f"the port failed: {os.strerror(exc.errno)}" if exc.errno else str(exc))
            return
        if not chunk:
            self._lost("the port closed (device unplugged?)")
            return
        self.bytes_in += len(chunk)
        self.feed(chunk.decode("latin-1"))

    def feed(self, text: str) -> None:
        """Parse received characters (split into lines on CR or LF; empty lines are skipped)."""
        self._buffer += text
        while True:
            cut = min((i for i in (self._buffer.find("\r"), self._buffer.find("\n")) if i >= 0), default=-1)
            if cut < 0:
                break
            line, self._buffer = self._buffer[:cut].strip(), self._buffer[cut + 1:]
            if line:
                try:
                    self._line(line)
                except Exception:
                    log.exception("%s: could not handle line %r", self.name, line)
        pending = self._pending
        rest = self._buffer.lstrip()
        if pending is not None and pending.prompt is not None and not pending.prompt.done() and rest.startswith(">"):
            self._buffer = ""
            pending.prompt.set_result(None)

    def _line(self, line: str) -> None:
        self.last_line = self.loop.time()
        if self._pdu_for is not None:
            head, self._pdu_for = self._pdu_for, None
            if re.fullmatch(r"[0-9A-Fa-f]+", line):
                self._unsolicited(head, line)
                return
            self._unsolicited(head, None)  # announced PDU missing: report the header alone
        pending = self._pending
        if pending is not None:
            if line.upper() == pending.command.upper() or (pending.data and line.rstrip(CTRL_Z) == pending.data):
                return  # echo
            if line.startswith(">") and pending.prompt is not None and not pending.prompt.done():
                pending.prompt.set_result(None)
                return
            if is_final(line):
                if not pending.done.done():
                    if line == "OK":
                        pending.done.set_result(AtResponse(tuple(pending.lines)))
                    else:
                        pending.done.set_exception(parse_error(pending.command, line))
                return
            if pending.expect and line.upper().startswith(pending.expect):
                pending.lines.append(line)
                return
        if line.upper().startswith(UNSOLICITED):
            if line.startswith(WITH_PDU):
                self._pdu_for = line
                return
            self._unsolicited(line, None)
            return
        if pending is not None:
            pending.lines.append(line)
        elif line != "OK":
            log.debug("%s: unexpected line %r", self.name, line)

    def _unsolicited(self, line: str, pdu: str | None) -> None:
        try:
            self.on_unsolicited(line, pdu)
        except Exception:
            log.exception("%s: handler of %r failed", self.name, line)

    # --- writing -------------------------------------------------------------------

    def escape(self) -> None:
        """Send ESC: leaves a ``> `` prompt a previous connection may have left the modem in."""
        self._write(ESC)

    def _write(self, text: str) -> None:
        if self.closed:
            raise PortGone("the port is closed")
        data = text.encode("latin-1")
        self.bytes_out += len(data)
        if self._out:
            self._out += data
            return
        try:
            n = os.write(self.fd, data)
        except BlockingIOError:
            n = 0
        except OSError as exc:
            self._lost(f"writing failed: {os.strerror(exc.errno)}")
            raise PortGone(f"writing failed: {os.strerror(exc.errno)}") from None
        if n < len(data):
            self._out += data[n:]
            self.loop.add_writer(self.fd, self._writable)

    def _writable(self) -> None:
        try:
            n = os.write(self.fd, self._out)
        except BlockingIOError:
            return
        except OSError as exc:
            self._lost(f"writing failed: {os.strerror(exc.errno)}")
            return
        del self._out[:n]
        if not self._out:
            self.loop.remove_writer(self.fd)

    # --- end -----------------------------------------------------------------------

    def _lost(self, reason: str) -> None:
        if self.closed:
            return
        self.detach()
        pending = self._pending
        if pending is not None:
            for fut in (pending.prompt, pending.done):
                if fut is not None and not fut.done():
                    fut.set_exception(PortGone(reason))
        if self.on_lost is not None:
            self.on_lost(reason)

    def detach(self) -> None:
        """Stop reading and writing (the caller closes the port)."""
        if not self.closed:
            self.closed = True
            self.loop.remove_reader(self.fd)
            self.loop.remove_writer(self.fd)
            if self._pending is not None:
                for fut in (self._pending.prompt, self._pending.done):
                    if fut is not None and not fut.done():
                        fut.set_exception(PortGone("the port was closed"))


def port_gone_errno(exc: OSError) -> bool:
    """An error that means the device is not there (rather than busy or forbidden)."""
    return exc.errno in (errno.ENOENT, errno.ENODEV, errno.ENXIO, errno.EIO)
