"""An asynchronous AT command channel over a serial port.

One command is in flight at a time; commands queued behind it are written by
the reader the moment its final result arrives, and the data after a ``> ``
prompt is written as soon as the prompt is read. Bytes are read by an
event-loop reader on the port's non-blocking file descriptor, so nothing here
ever blocks the loop. The line parser accepts ``\\r\\n`` and ``\\r\\r\\n`` endings, drops the
modem's echo and stray NUL bytes, recognises the prompt of ``AT+CMGS`` (``> ``,
or a bare ``>`` with or without a line end around it), the final results
``OK`` / ``ERROR`` / ``+CME ERROR:`` / ``+CMS ERROR:`` (and vendors' error words such as
Huawei's ``COMMAND NOT SUPPORT``), and hands unsolicited lines (``+CMTI``,
``+CMT`` with its PDU line, ``+CDS``, ``RING``, ``^RSSI``, ``RDY``, ``+QIND`` ...) to a
callback, also in the middle of a command.

Some modems send a command's information response and no final result (a
Wavecom or a freshly booted Quectel answers ``AT+CPIN?`` with ``+CPIN: READY``
alone). Once the response is complete (its ``+XXX:`` line, and for ``AT+CMGR`` the
PDU line after it), the channel waits :attr:`AtChannel.info_grace` seconds more
for the final result and then takes the response as the answer, instead of
letting the command time out.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import re
from collections import deque
from dataclasses import dataclass
from typing import Callable

from .profiles import every_error_final, every_unsolicited

log = logging.getLogger(__name__)

CTRL_Z = "\x1a"
ESC = "\x1b"

#: Lines that a modem sends on its own. A line with one of these prefixes is a
#: response only when the command in flight asks for that prefix.
UNSOLICITED = ("+CMTI:", "+CMT:", "+CDS:", "+CDSI:", "+CBM:", "RING", "+CRING:", "+CLIP:", "+CUSD:",
               "+CREG:", "+CGREG:", "+CEREG:", "+CIEV:", "+CPIN:", "^", "NO CARRIER", "+PBREADY",
               "RDY", "SMS READY", "CALL READY", "+STIN:", "+QIND:", "*PSUTTZ", "+CTZV:", "+CSQN:")
UNSOLICITED = tuple(dict.fromkeys(UNSOLICITED + tuple(p.upper() for p in every_unsolicited())))
#: Final results of some vendors that mean the command failed (answered as a plain ERROR).
ERROR_WORDS = frozenset(every_error_final())
#: Unsolicited lines in PDU mode that are followed by one PDU line.
WITH_PDU = ("+CMT:", "+CDS:", "+CBM:")
_FINAL_ERROR = re.compile(r"^\+(CME|CMS) ERROR:\s*(.*)$")
_HEX = re.compile(r"[0-9A-Fa-f]+")


def is_hex(line: str) -> bool:
    """A line that can be a PDU: hex digits only."""
    return _HEX.fullmatch(line) is not None


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


class NotSent(AtTimeout):
    """A command waiting behind one that got no answer: it was never written."""

    def __init__(self, command: str):
        self.command, self.data_written = command, False
        Exception.__init__(self, f"{command} was not sent: the command before it got no answer")


class Withdrawn(Exception):
    """A command taken back before it was written (or whose ``after`` command failed)."""


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
    if line == "ERROR" or line in ERROR_WORDS:
        return AtError(command, "ERROR", None)
    m = _FINAL_ERROR.match(line)
    kind, value = m.group(1), m.group(2).strip()
    return AtError(command, kind, int(value) if value.isdigit() else None, value)


_SECRET = re.compile(r"^(AT\+(?:CPIN|CPWD|CLCK)=).*$", re.IGNORECASE | re.DOTALL)
_CONTROL = str.maketrans({"\r": None, "\n": None, CTRL_Z: "<Ctrl-Z>", ESC: "<Esc>"})
#: A PIN command quoted inside a sentence of the traffic log (a skipped line that echoes one).
_SECRET_INSIDE = re.compile(r"(AT\+(?:CPIN|CPWD|CLCK)=)[^'\s]*", re.IGNORECASE)


def shown(text: str) -> str:
    """What was written, as a traffic log shows it: control characters named, a PIN or PUK hidden."""
    if text[:3].upper() == "AT+":
        text = _SECRET.sub(r"\1<hidden>", text)
    return text.translate(_CONTROL)


def is_final(line: str) -> bool:
    return line in ("OK", "ERROR") or line in ERROR_WORDS or bool(_FINAL_ERROR.match(line))


def _retrieve(fut: asyncio.Future) -> None:
    """An answer nobody waits for any more must not warn."""
    if not fut.cancelled():
        fut.exception()


class AtCommand:
    """One command in the channel's queue: written when every command before it has its final result."""

    __slots__ = ("command", "data", "timeout", "prompt_timeout", "after", "expect", "lines", "done", "written",
                 "data_written", "timer", "grace", "channel", "_handed")

    def __init__(self, channel: "AtChannel", command: str, data: str | None, timeout: float,
                 prompt_timeout: float, after: "AtCommand | None"):
        self.channel = channel
        self.command = command
        self.data = data
        self.timeout, self.prompt_timeout = timeout, prompt_timeout
        self.after = after
        self.expect = _expected_prefix(command)
        self.lines: list[str] = []
        self.done: asyncio.Future[AtResponse] = channel.loop.create_future()
        self.done.add_done_callback(_retrieve)
        #: The command line was written (the modem may have acted on it).
        self.written = False
        #: The data after the prompt was written (the modem may have sent the message).
        self.data_written = False
        self.timer: asyncio.TimerHandle | None = None
        #: Armed once the information response is complete and no final result has come yet.
        self.grace: asyncio.TimerHandle | None = None
        self._handed: asyncio.Future | None = None

    def complete(self) -> bool:
        """The information response holds what the command asks for (the final result may still follow)."""
        up = self.command.upper()
        if self.expect is None or up.endswith("=?") or up.startswith("AT+CMGL"):
            return False
        if self.data is not None and not self.data_written:
            return False
        at = next((i for i, line in enumerate(self.lines) if line.upper().startswith(self.expect)), None)
        if at is None:
            return False
        return len(self.lines) > at + 1 if up.startswith("AT+CMGR") else True

    async def data_sent(self) -> None:
        """Return once the data after the prompt is written, or the command has its outcome."""
        if self.data_written or self.done.done():
            return
        if self._handed is None:
            self._handed = self.channel.loop.create_future()
            self.done.add_done_callback(self._set_handed)
        await self._handed

    def _set_handed(self, _fut=None) -> None:
        if self._handed is not None and not self._handed.done():
            self._handed.set_result(None)

    async def result(self) -> AtResponse:
        """The answer; raises AtError, AtTimeout, PortGone or Withdrawn.

        A caller cancelled while waiting takes the command back if it was not
        written yet; a written one keeps the line until its final result.
        """
        try:
            return await asyncio.shield(self.done)
        except asyncio.CancelledError:
            self.channel.withdraw(self)
            raise


class AtChannel:
    """AT commands over one open file descriptor (a serial port or a pty)."""

    def __init__(self, fd: int, on_unsolicited: Callable[[str, str | None], None], *,
                 on_lost: Callable[[str], None] | None = None, name: str = "modem",
                 on_traffic: Callable[[str, str], None] | None = None):
        self.fd = fd
        self.name = name
        self.on_unsolicited = on_unsolicited
        self.on_lost = on_lost
        #: Told ("out", what was written) and ("in", each line read), for a traffic log; a PIN is hidden.
        self.on_traffic = on_traffic
        self.loop = asyncio.get_running_loop()
        self.lock = asyncio.Lock()
        self.closed = False
        self.bytes_in = 0
        self.bytes_out = 0
        self._buffer = ""
        self._out = bytearray()
        #: The command written and waiting for its final result.
        self._pending: AtCommand | None = None
        #: Commands not written yet, in order.
        self._waiting: deque[AtCommand] = deque()
        self._pdu_for: str | None = None
        #: Loop time of the last line the modem sent (keep-alive looks at it).
        self.last_line = self.loop.time()
        #: Seconds to wait for a final result after a complete information response (0: wait for the timeout).
        self.info_grace = 0.3
        #: How many answers were taken without a final result.
        self.graced = 0
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
        return await self.submit(command, timeout, data=data, prompt_timeout=prompt_timeout).result()

    def submit(self, command: str, timeout: float = 5.0, *, data: str | None = None, prompt_timeout: float = 5.0,
               after: AtCommand | None = None) -> AtCommand:
        """Queue ``command`` without waiting; ``await cmd.result()`` for its answer.

        The modem gets one command at a time: a queued command is written the
        moment the one before it gets its final result, from the reader itself,
        so the line does not idle while the loop runs other work. With
        ``after``, it is written only if that command succeeded (the next part
        of a message); otherwise it fails with :class:`Withdrawn`. The timeouts
        count from the writing of the command (``prompt_timeout`` until the
        ``> `` prompt, then ``timeout``). If a command gets no answer, those
        waiting behind it fail with :class:`NotSent`.
        """
        cmd = AtCommand(self, command, data, timeout, prompt_timeout, after)
        if self.closed:
            cmd.done.set_exception(PortGone("the port is closed"))
            return cmd
        self._waiting.append(cmd)
        if self._pending is None:
            self._start_next()
        return cmd

    def withdraw(self, cmd: AtCommand) -> bool:
        """Take back ``cmd`` if it is not written yet; True when the modem never sees it."""
        if cmd.written:
            return False
        try:
            self._waiting.remove(cmd)
        except ValueError:
            pass
        if not cmd.done.done():
            cmd.done.set_exception(Withdrawn(f"{cmd.command} was taken back before it was sent"))
        return True

    def _start_next(self) -> None:
        """Write the first waiting command that may go (none is in flight)."""
        while self._waiting and self._pending is None and not self.closed:
            cmd = self._waiting.popleft()
            after = cmd.after
            if after is not None and (not after.done.done() or after.done.cancelled()
                                      or after.done.exception() is not None):
                cmd.done.set_exception(Withdrawn(f"{cmd.command} was not sent: {after.command} failed"))
                continue
            self._pending = cmd
            cmd.written = True
            try:
                self._write(cmd.command + "\r")
            except PortGone:
                return  # _lost failed it and everything waiting
            self._arm(cmd, cmd.prompt_timeout if cmd.data is not None else cmd.timeout)

    def _arm(self, cmd: AtCommand, seconds: float) -> None:
        if cmd.timer is not None:
            cmd.timer.cancel()
        cmd.timer = self.loop.call_later(seconds, self._expired, cmd)

    def _prompted(self, cmd: AtCommand) -> None:
        """The ``> `` prompt: the data goes out at once, from the reader."""
        if self.on_traffic is not None:
            self.on_traffic("in", ">")
        cmd.data_written = True
        try:
            self._write(cmd.data + CTRL_Z)
        except PortGone:
            return
        self._arm(cmd, cmd.timeout)
        cmd._set_handed()

    def _finish(self, cmd: AtCommand, line: str) -> None:
        """``cmd``'s final result: answer it, then write the next command straight away."""
        if cmd.timer is not None:
            cmd.timer.cancel()
        if cmd.grace is not None:
            cmd.grace.cancel()
            cmd.grace = None
        self._pending = None
        if not cmd.done.done():
            if line == "OK":
                cmd.done.set_result(AtResponse(tuple(cmd.lines)))
            else:
                cmd.done.set_exception(parse_error(cmd.command, line))
        self._start_next()

    def _arm_grace(self, cmd: AtCommand) -> None:
        """(Re)start the wait for a final result after ``cmd``'s complete information response."""
        if cmd.grace is not None:
            cmd.grace.cancel()
        cmd.grace = self.loop.call_later(self.info_grace, self._graced, cmd)

    def _graced(self, cmd: AtCommand) -> None:
        """No final result after a complete information response: the response is the answer."""
        cmd.grace = None
        if cmd is not self._pending:
            return
        self.graced += 1
        log.debug("%s: %s: no final result after its information response; taken as the answer",
                  self.name, cmd.command)
        if self.on_traffic is not None:
            self.on_traffic("in", "(no final result: the information response is the answer)")
        self._finish(cmd, "OK")

    def _expired(self, cmd: AtCommand) -> None:
        if cmd is not self._pending:
            return
        if cmd.grace is not None:
            cmd.grace.cancel()
            cmd.grace = None
        self._pending = None
        prompt_wait = cmd.data is not None and not cmd.data_written
        if prompt_wait and not self.closed:
            try:
                self._write(ESC)  # leave the prompt if it comes late
            except PortGone:
                pass
        timeout = AtTimeout(cmd.command, cmd.prompt_timeout if prompt_wait else cmd.timeout, cmd.data_written)
        self.note(str(timeout))
        if not cmd.done.done():
            cmd.done.set_exception(timeout)
        waiting, self._waiting = self._waiting, deque()
        for other in waiting:
            if not other.done.done():
                other.done.set_exception(NotSent(other.command))

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
        pending = self._pending
        if pending is not None and pending.grace is not None:
            self._arm_grace(pending)  # more is coming: the final result may be in it
        self.feed(chunk.decode("latin-1"))

    def note(self, text: str) -> None:
        """Tell the traffic log what the channel or its user skipped or noticed (an "info" line)."""
        if self.on_traffic is not None:
            self.on_traffic("info", _SECRET_INSIDE.sub(r"\1<hidden>", text).translate(_CONTROL))

    def feed(self, text: str) -> None:
        """Parse received characters (split into lines on CR or LF; empty lines are skipped).

        NUL bytes (line noise, a modem waking up) are dropped and counted in
        the traffic log; a line that cannot be handled is skipped with a
        traffic-log line, and the reader goes on with the next one.
        """
        if "\0" in text:
            self.note(f"skipped {text.count(chr(0))} NUL byte(s) the modem sent")
            text = text.replace("\0", "")
        self._buffer += text
        while True:
            cut = min((i for i in (self._buffer.find("\r"), self._buffer.find("\n")) if i >= 0), default=-1)
            if cut < 0:
                break
            line, self._buffer = self._buffer[:cut].strip(), self._buffer[cut + 1:]
            if line:
                try:
                    self._line(line)
                except Exception as exc:
                    log.exception("%s: could not handle line %r", self.name, line)
                    self.note(f"skipped the line {line!r}, which could not be handled ({type(exc).__name__}: {exc})")
        pending = self._pending
        if pending is not None and pending.data is not None and not pending.data_written \
                and self._buffer.lstrip().startswith(">"):
            self._buffer = ""
            self._prompted(pending)

    def _line(self, line: str) -> None:
        self.last_line = self.loop.time()
        if self.on_traffic is not None:
            self.on_traffic("in", shown(line))  # an echoed PIN stays hidden too
        if self._pdu_for is not None:
            head, self._pdu_for = self._pdu_for, None
            if is_hex(line):
                self._unsolicited(head, line)
                return
            self.note(f"skipped {head!r}: the line after it is not the PDU it announces")
            self._unsolicited(head, None)  # announced PDU missing: report the header alone
        pending = self._pending
        if pending is not None:
            if line.upper() == pending.command.upper() or (pending.data and line.rstrip(CTRL_Z) == pending.data):
                return  # echo
            if line.startswith(">") and pending.data is not None and not pending.data_written:
                self._prompted(pending)
                return
            if is_final(line):
                self._finish(pending, line)
                return
            if pending.expect and line.upper().startswith(pending.expect):
                self._response_line(pending, line)
                return
        if line.upper().startswith(UNSOLICITED):
            if line.startswith(WITH_PDU):
                self._pdu_for = line
                return
            self._unsolicited(line, None)
            return
        if pending is not None:
            self._response_line(pending, line)
        elif line != "OK":
            log.debug("%s: unexpected line %r", self.name, line)
            self.note(f"skipped {line!r}: no command waits for an answer and it is no known unsolicited result")

    def _response_line(self, cmd: AtCommand, line: str) -> None:
        cmd.lines.append(line)
        if self.info_grace > 0 and cmd.complete():
            self._arm_grace(cmd)

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
        if self.on_traffic is not None:
            self.on_traffic("out", shown(text))
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
        self.detach(reason)
        if self.on_lost is not None:
            self.on_lost(reason)

    def detach(self, reason: str = "the port was closed") -> None:
        """Stop reading and writing (the caller closes the port); commands not answered fail with PortGone."""
        if self.closed:
            return
        self.closed = True
        self.loop.remove_reader(self.fd)
        self.loop.remove_writer(self.fd)
        failed = ([self._pending] if self._pending is not None else []) + list(self._waiting)
        self._pending, self._waiting = None, deque()
        for cmd in failed:
            if cmd.timer is not None:
                cmd.timer.cancel()
            if not cmd.done.done():
                cmd.done.set_exception(PortGone(reason, cmd.data_written))


def port_gone_errno(exc: OSError) -> bool:
    """An error that means the device is not there (rather than busy or forbidden)."""
    return exc.errno in (errno.ENOENT, errno.ENODEV, errno.ENXIO, errno.EIO)
