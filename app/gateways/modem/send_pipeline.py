"""One message through the modem: PDUs encoded, ``AT+CMGS`` per part, the references collected, the outcome.

:meth:`SendPipeline.begin` encodes a message (:func:`app.sms.pdu.encode_submit`) and queues an ``AT+CMGS``
for each part on the AT channel, each part only if the one before it succeeds (the channel writes the PDU
the moment it reads the ``> `` prompt). :meth:`SendPipeline.finish` waits for the answers and gives the
outcome by one rule:

- every part answered ``+CMGS: <mr>``: **sent**, with the message references in part order;
- no part can have reached the network (the modem refused the first part, its prompt never came, the
  line was lost before a PDU was handed over): **retry later** when the cause is passing (a busy or
  unanswering modem, a temporary network error), **failed** when it is not (an unassigned number);
- a PDU was handed over and no answer came, or earlier parts were already sent: **failed**, with a reason
  that says so; it is not sent again automatically (the recipient would get parts twice), the operator
  retries it.

The pipeline knows nothing of gateways or the engine: it is given a way to queue one ``AT+CMGS`` (the
driver's :meth:`~app.gateways.modem.driver.ModemDriver.submit_pdu`), and is told what to call when a
message counts against the send limits and when the modem stopped answering. So it can be tested alone
against an AT channel on a pseudo-terminal whose modem side a test writes by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Protocol

from app.sms.errors import EncodeError
from app.sms.pdu import encode_submit

from ..base import OutboundSms, SendResult
from .at_channel import AtCommand, AtError, AtResponse, AtTimeout, NotSent, PortGone, Withdrawn
from .modem_errors import describe, send_retryable

NOT_CONNECTED = "the modem is not connected"
NOT_ANSWERING = "the modem stopped answering"


class SubmitPdu(Protocol):
    """Queue one SMS-SUBMIT (``AT+CMGS=<length>`` then the PDU at the prompt); with ``after``, only once that
    command has succeeded."""

    def __call__(self, length: int, pdu: str, after: AtCommand | None = None) -> AtCommand: ...


@dataclass
class Sending:
    """One message's parts queued on the AT channel, or its outcome when it could not be queued."""

    sms: OutboundSms
    commands: list[AtCommand] = field(default_factory=list)
    result: SendResult | None = None

    @property
    def untried(self) -> bool:
        """No command of it was written: the modem never saw it."""
        return self.result is None and not any(c.written for c in self.commands)

    def withdraw(self) -> bool:
        """Take its commands back if none was written yet; True when the modem never sees it."""
        if self.result is not None or any(c.written for c in self.commands):
            return False
        for command in self.commands:
            command.channel.withdraw(command)
        return True


def message_reference(answer: AtResponse) -> int:
    """The message reference (TP-MR) in an ``AT+CMGS`` answer; AtError when the modem gave none."""
    value = answer.first("+CMGS:")
    head = value.split(",")[0].strip() if value is not None else ""
    if not head.isdigit():
        raise AtError("AT+CMGS", "CMS", None, "the modem sent no message reference")
    return int(head)


class SendPipeline:
    def __init__(self, submit: SubmitPdu, *, smsc: Callable[[], str] = str,
                 connected: Callable[[], bool] = lambda: True, counted: Callable[[], None] = lambda: None,
                 hung: Callable[[str], None] = lambda why: None):
        """``submit`` queues one ``AT+CMGS``; ``smsc()`` is the service centre to put in each PDU (empty: the
        SIM's); ``connected()`` whether a channel is there; ``counted()`` is called once for each message that
        may have reached the network (the send limits count it); ``hung(why)`` when the modem took a PDU and
        did not answer (the gateway's watchdog takes over)."""
        self.submit = submit
        self.smsc = smsc
        self.connected = connected
        self.counted = counted
        self.hung = hung

    async def send(self, sms: OutboundSms) -> SendResult:
        """:meth:`begin` and :meth:`finish` in one."""
        return await self.finish(self.begin(sms))

    def begin(self, sms: OutboundSms) -> Sending:
        """Encode ``sms`` and queue its parts on the channel (each part only if the one before succeeds)."""
        if not self.connected():
            return Sending(sms, result=SendResult(ok=False, reason=NOT_CONNECTED, retryable=True))
        validity = max(5, -(-sms.validity_seconds // 60)) if sms.validity_seconds else None
        try:
            parts = encode_submit(sms.recipient, sms.text, encoding=sms.encoding if sms.encoding in (
                "gsm", "ucs2", "8bit") else "auto", flash=sms.flash, status_report=sms.status_report,
                validity_minutes=validity, sca=self.smsc() or None)
        except EncodeError as exc:
            return Sending(sms, result=SendResult(ok=False, reason=str(exc), retryable=False))
        commands: list[AtCommand] = []
        for part in parts:
            commands.append(self.submit(part.length, part.hex, after=commands[-1] if commands else None))
        return Sending(sms, commands)

    async def finish(self, sending: Sending) -> SendResult:
        """Wait for the answers to ``sending``'s parts; the outcome by the rule in the module's docstring."""
        if sending.result is not None:
            return sending.result
        references: list[str] = []
        total = len(sending.commands)
        for command in sending.commands:
            try:
                references.append(str(message_reference(await command.result())))
            except AtError as exc:
                return self._part_failed(references, total, describe(exc), send_retryable(exc), unknown=False)
            except NotSent:
                return self._part_failed(references, total, NOT_ANSWERING, True, unknown=False)
            except AtTimeout as exc:
                self.hung(f"{NOT_ANSWERING} ({exc})")
                return self._part_failed(references, total, NOT_ANSWERING, True, unknown=exc.data_written)
            except (PortGone, Withdrawn) as exc:
                return self._part_failed(references, total, f"the modem was lost ({exc})", True,
                                         unknown=getattr(exc, "data_written", False))
        self.counted()
        return SendResult(ok=True, references=tuple(references), parts=total)

    def _part_failed(self, references: list[str], total: int, why: str, retryable: bool, *,
                     unknown: bool) -> SendResult:
        done = len(references)
        if unknown:
            self.counted()
            return SendResult(ok=False, references=tuple(references), parts=total, retryable=False, reason=(
                f"{why} after part {done + 1} of {total} was handed over; it may have been sent, so it is not "
                "sent again automatically (retry it to send it again)"))
        if done:
            self.counted()
            return SendResult(ok=False, references=tuple(references), parts=total, retryable=False, reason=(
                f"parts 1–{done} of {total} were sent, part {done + 1} failed: {why}; not sent again "
                "automatically, so the recipient gets no duplicate parts (retry it to send it again)"))
        return SendResult(ok=False, parts=total, retryable=retryable, reason=why)
