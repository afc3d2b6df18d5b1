"""``kind = "smpp"``: sends through an SMSC (a provider) that the console binds to over SMPP 3.4.

The gateway binds as a transceiver, or as a transmitter plus a receiver (``bind_mode``), and keeps the
binds up: an enquire_link after ``enquire_link_interval`` seconds of silence, and after a lost connection
a new bind after ``reconnect_backoff`` seconds, doubling up to ``reconnect_backoff_max``. Up to ``window``
messages are under way at once, at most ``messages_per_second`` submit_sm a second.
``ESME_RTHROTTLED`` and ``ESME_RMSGQFUL`` pause the sending (``throttle_backoff`` seconds, doubling while
they last) and the part is sent again; any other refusal fails the message, for good or to be retried
later as :mod:`app.smpp.status_meanings` says, with the code's meaning as the reason.

A message whose submit_sm went out and got no response (the connection ended, or ``timeout`` passed)
may have reached the provider: it goes back to the queue to be retried later, flagged as a possible
duplicate. One not written yet goes back untried. Delivery receipts and incoming messages are handled
by :mod:`.smpp_inbound` and :mod:`.smpp_receive`; each deliver_sm is acknowledged once what it carried is
committed (or kept in the store while it waits: a part, an early receipt), and one the SMSC sends again is
taken once.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from datetime import datetime, timedelta, timezone
from typing import Any

from app.settings import Setting, SettingError, SettingGroup, parse_listen
from app.smpp import pdu as P
from app.smpp.client import BindRefused, BindSettings, LinkClosed, SmppLink
from app.smpp.outbind import OutbindError, OutbindListener
from app.smpp.status_meanings import SLOW_DOWN, meaning

from .base import COMMON_SETTINGS, Gateway, GatewayState, IncomingSms, OutboundSms, SendResult
from .credentials import PASSWORD_SETTINGS, CredentialError, resolve_password
from .send_limiter import LIMIT_SETTINGS
from .smpp_inbound import committed as _committed
from .smpp_parts import LONG_MODES, Addressing, submit_pdus
from .smpp_receive import SmppReceiver

log = logging.getLogger(__name__)

BIND_MODES = ("transceiver", "transmitter+receiver", "transmitter")
#: The binds each bind_mode makes (a transmitter alone receives through outbind, if at all).
_BINDS = {"transceiver": [P.BIND_TRANSCEIVER], "transmitter+receiver": [P.BIND_TRANSMITTER, P.BIND_RECEIVER],
          "transmitter": [P.BIND_TRANSMITTER]}
#: Bind refusals that need the operator (wrong credentials): the state says so while binding goes on.
_AUTH = {P.ESME_RINVPASWD, P.ESME_RINVSYSID}
#: Most throttled answers to one part before it goes back to the queue.
MAX_THROTTLED = 50
_TON = dict(minimum=-1, maximum=6)
_NPI = dict(minimum=-1, maximum=18)


class NotWritten(Exception):
    """The part was never written (no bind, or the gateway stops)."""


class Unanswered(Exception):
    """The submit_sm was written and its response never came."""


class SmppGateway(Gateway):
    kind = "smpp"
    SETTINGS = (
        Setting("host", str, "", "The SMSC's host name or address.", required=True),
        Setting("port", int, 2775, "The SMSC's TCP port.", minimum=1, maximum=65535),
        Setting("tls", bool, False, "Connect over TLS."),
        Setting("verify_tls", bool, True, "Check the SMSC's TLS certificate."),
        Setting("system_id", str, "", "The account (system_id) to bind with.", required=True),
        *PASSWORD_SETTINGS,
        Setting("system_type", str, "", "system_type of the bind (most providers want it empty)."),
        Setting("bind_mode", str, "transceiver", "One transceiver bind, a transmitter and a receiver bind, or a "
                "transmitter alone (messages and receipts then come through outbind).", choices=BIND_MODES),
        Setting("outbind_listen", str, "", "HOST:PORT on which the SMSC's outbind is awaited; each one becomes a "
                "receiver bind on the SMSC's connection (empty: none)."),
        Setting("outbind_system_id", str, "", "The system_id the SMSC's outbind must carry (empty: any); its "
                "password must be the gateway's."),
        Setting("source_ton", int, -1, "TON of the sender address (-1: from the address: 1 for +…, 5 for "
                "letters, else 0).", **_TON),
        Setting("source_npi", int, -1, "NPI of the sender address (-1: from the address).", **_NPI),
        Setting("dest_ton", int, -1, "TON of the recipient address (-1: 1 for +…, else 0).", **_TON),
        Setting("dest_npi", int, -1, "NPI of the recipient address (-1: 1).", **_NPI),
        Setting("data_coding", int, 0, "data_coding of texts in the GSM alphabet: 0 (the SMSC's default "
                "alphabet), 1 (IA5/ASCII) or 3 (Latin-1); other texts go as UCS-2 (8).", choices=(0, 1, 3)),
        Setting("long_messages", str, "udh", "How a long text is sent: parts with a concatenation header (udh), "
                "parts with the sar_* options (sar), or whole in message_payload (payload).", choices=LONG_MODES),
        Setting("messages_per_second", float, 0.0, "Most submit_sm a second (0: as fast as the window allows).",
                minimum=0.0, maximum=100000.0),
        Setting("enquire_link_interval", float, 30.0, "Seconds of silence before an enquire_link.",
                minimum=0.05, maximum=3600.0),
        Setting("timeout", float, 30.0, "Seconds to wait for the connection and for each response.",
                minimum=0.05, maximum=600.0),
        Setting("reconnect_backoff", float, 1.0, "First wait before binding again after a lost connection.",
                minimum=0.01, maximum=600.0),
        Setting("reconnect_backoff_max", float, 60.0, "Longest wait between two binds.", minimum=0.01,
                maximum=3600.0),
        Setting("throttle_backoff", float, 1.0, "First pause after ESME_RTHROTTLED or ESME_RMSGQFUL; doubles while "
                "they last (up to 30 s).", minimum=0.001, maximum=30.0),
        Setting("duplicate_window", float, 600.0, "Seconds during which a deliver_sm the SMSC sends again (its "
                "response lost) is recognised and not stored twice; 0: only by the SMSC's id for it.",
                minimum=0.0, maximum=86400.0),
        Setting("status_max_age", float, 72.0, "Hours after sending during which receipts are matched, also "
                "after a restart.", minimum=0.01, maximum=2160.0),
    ) + LIMIT_SETTINGS

    @classmethod
    def setting_group(cls) -> SettingGroup:
        common = tuple(Setting("window", int, 100, "Messages under way at once (the SMPP window).", minimum=1,
                               maximum=10000) if s.name == "window" else s for s in COMMON_SETTINGS)
        return SettingGroup(common + cls.SETTINGS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        s = self.settings
        self.addressing = Addressing(s["source_ton"], s["source_npi"], s["dest_ton"], s["dest_npi"])
        self.links: list[SmppLink] = []
        #: Receiver binds made on the SMSC's connections after its outbind.
        self.outbind_links: list[SmppLink] = []
        self.outbind: OutbindListener | None = None
        self._tx: SmppLink | None = None
        self._sending: set[asyncio.Task] = set()
        self._in_progress = 0
        self._manager: asyncio.Task | None = None
        self._sweeper: asyncio.Task | None = None
        self._next_send = 0.0
        self._throttled_until = 0.0
        self._throttle_wait = 0.0
        self.inbound = SmppReceiver(self)
        self.receipts = self.inbound.receipts
        self.parts = self.inbound.parts
        self.binds = 0
        self.throttled = 0
        self.possible_duplicates = 0
        self._password = ""

    # --- life -------------------------------------------------------------------------------------

    @property
    def busy(self) -> int:
        return self._queue.qsize() + self._in_progress

    async def open(self) -> None:
        try:
            self._password = resolve_password(self.name, self.settings)
        except CredentialError as exc:
            raise RuntimeError(str(exc)) from None
        since = datetime.now(timezone.utc) - timedelta(hours=self.settings["status_max_age"])
        try:
            waiting = await asyncio.to_thread(self.services.awaiting_reports, since)
            self.receipts.restore([ref for _uid, ref, _at in waiting])
        except Exception:  # noqa: BLE001 - receipts of earlier messages are then not matched
            log.exception("gateway %s: messages waiting for a receipt could not be read", self.name)
        try:
            await self.inbound.restore()
        except Exception:  # noqa: BLE001 - what was held stays in the store for the next start
            log.exception("gateway %s: the parts and receipts held before could not be taken up", self.name)
        if self.settings["outbind_listen"]:
            await self._listen_for_outbind()
        try:
            await self._bind()
        except (OSError, TimeoutError, BindRefused, ValueError) as exc:
            self._unbound(exc)
        self._manager = asyncio.create_task(self._manage(), name=f"gateway:{self.name}:binds")
        self._sweeper = asyncio.create_task(self._sweep(), name=f"gateway:{self.name}:sweep")

    async def _listen_for_outbind(self) -> None:
        s = self.settings
        try:
            host, port = parse_listen(s["outbind_listen"])
        except SettingError as exc:
            raise RuntimeError(f"outbind_listen: {exc}") from None
        self.outbind = OutbindListener(self.name, self._password, self._outbound, system_id=s["outbind_system_id"],
                                       timeout=s["timeout"], on_traffic=self.log_traffic)
        try:
            await self.outbind.start(host, port)
        except OutbindError as exc:
            self.outbind = None
            raise RuntimeError(str(exc)) from None

    async def _outbound(self, pdu: P.Pdu, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """An SMSC's outbind: bind as a receiver on its connection."""
        link = self._link(P.BIND_RECEIVER)
        try:
            await link.adopt(reader, writer)
        except (OSError, TimeoutError, BindRefused) as exc:
            log.warning("gateway %s: the receiver bind after an outbind failed: %s", self.name, exc)
            await link.abort(str(exc))
            return
        self.outbind_links.append(link)
        log.info("gateway %s: bound as receiver after an outbind from %s", self.name, pdu.get("system_id"))
        self.services.state_changed()  # one more supplier session
        await link.closed.wait()
        if link in self.outbind_links:
            self.outbind_links.remove(link)
            self.services.state_changed()

    def _link(self, mode: int) -> SmppLink:
        s = self.settings
        settings = BindSettings(s["host"], s["port"], s["system_id"], self._password, s["system_type"], s["tls"],
                                s["verify_tls"], timeout=s["timeout"], enquire_link=s["enquire_link_interval"])
        connection = secrets.token_hex(4)  # tells this connection's deliver_sm from the others'
        return SmppLink(settings, mode, name=self.name,
                        on_deliver=lambda pdu, c=connection: self.inbound.deliver(pdu, c),
                        on_traffic=self.log_traffic)

    async def start(self) -> None:
        if self.state in (GatewayState.DISCONNECTED, GatewayState.AUTH_FAILED):  # binding again on its own
            await self.stop()
        await super().start()

    async def close(self) -> None:
        for task in (self._manager, self._sweeper):
            if task is not None:
                task.cancel()
        if self._sending:
            _, late = await asyncio.wait(set(self._sending), timeout=self.settings["timeout"])
            for task in late:
                task.cancel()
        links, self.links, self._tx = self.links, [], None
        if self.outbind is not None:
            await self.outbind.stop()
            self.outbind = None
        links += self.outbind_links
        await asyncio.gather(*(link.unbind() for link in links), return_exceptions=True)
        await self.inbound.close()

    async def _bind(self) -> None:
        s = self.settings
        links: list[SmppLink] = []
        try:
            for mode in _BINDS[s["bind_mode"]]:
                link = self._link(mode)
                await link.open()
                links.append(link)
        except BaseException:
            await asyncio.gather(*(link.unbind() for link in links), return_exceptions=True)
            raise
        self.links = links
        self._tx = links[0]
        self.binds += 1
        log.info("gateway %s: bound to %s:%d as %s", self.name, s["host"], s["port"],
                 " and ".join(link.mode_name for link in links))
        if self.state not in (GatewayState.STARTING, GatewayState.STOPPING, GatewayState.STOPPED):
            self.set_state(GatewayState.PAUSED if self.operator_paused else GatewayState.RUNNING)

    def _unbound(self, exc: BaseException) -> None:
        if isinstance(exc, ValueError) and not isinstance(exc, OSError):  # a bind field SMPP cannot carry
            self.set_state(GatewayState.ERROR, f"cannot bind: {exc}")
            return
        if not isinstance(exc, (OSError, TimeoutError, BindRefused)):
            log.error("gateway %s: binding failed", self.name, exc_info=exc)
        if isinstance(exc, BindRefused) and exc.status in _AUTH:
            reason = meaning(exc.status)[0]
            self.set_state(GatewayState.AUTH_FAILED, f"the SMSC refused the bind: {reason}; correct system_id "
                           "and password, binding is tried again meanwhile")
        else:
            self.set_state(GatewayState.DISCONNECTED, f"cannot bind to {self.settings['host']}:"
                           f"{self.settings['port']}: {exc or type(exc).__name__}")

    async def _manage(self) -> None:
        """Keep the binds up: wait for one to end, close the others, bind again after a backoff."""
        s = self.settings
        backoff = s["reconnect_backoff"]
        while True:
            if self.links:
                waits = [asyncio.ensure_future(link.closed.wait()) for link in self.links]
                try:
                    await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
                finally:
                    for wait in waits:
                        wait.cancel()
                reason = next((link.close_reason for link in self.links if link.closed.is_set()), "")
                links, self.links, self._tx = self.links, [], None
                for link in links:
                    await link.abort(reason)
                if self.state in (GatewayState.RUNNING, GatewayState.PAUSED):
                    self.set_state(GatewayState.DISCONNECTED, reason)
                self._return_queued()
                backoff = s["reconnect_backoff"]
            await asyncio.sleep(backoff)
            try:
                await self._bind()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the keeper never dies: it says why and tries again
                self._unbound(exc)
                backoff = min(backoff * 2, s["reconnect_backoff_max"])

    async def _sweep(self) -> None:
        """Held receipts past their wait, incoming parts that never completed."""
        while True:
            await asyncio.sleep(1.0)
            self.receipts.forget_older(self.settings["status_max_age"] * 3600)
            try:
                await self.inbound.sweep()
            except Exception:  # noqa: BLE001 - the sweep goes on; what it held is tried again next time
                log.exception("gateway %s: sweeping what it received failed", self.name)

    # --- sending ----------------------------------------------------------------------------------

    async def _work(self) -> None:
        while True:
            sms = await self._queue.get()
            if self.state not in (GatewayState.RUNNING, GatewayState.PAUSED) or self._tx is None:
                self.services.returned([sms])
                continue
            self._in_progress += 1
            task = asyncio.create_task(self._send_one(sms))
            self._sending.add(task)
            task.add_done_callback(self._sending.discard)

    async def _send_one(self, sms: OutboundSms) -> None:
        try:
            result = await self._send_message(sms)
        except Exception as exc:  # noqa: BLE001
            log.exception("gateway %s: sending message %s failed", self.name, sms.uid)
            result = SendResult(ok=False, reason=f"{type(exc).__name__}: {exc}", retryable=True)
        finally:
            self._in_progress -= 1
        if result is None:
            self.services.returned([sms])
            return
        self.answered(sms, result)
        self.receipts.release(result.references)
        self.inbound.settle_reported()

    async def _send_message(self, sms: OutboundSms) -> SendResult | None:
        s = self.settings
        try:
            pdus = submit_pdus(sms, data_coding=s["data_coding"], long_messages=s["long_messages"],
                               addressing=self.addressing, service_type="")
        except ValueError as exc:
            return SendResult(ok=False, reason=str(exc))
        references: list[str] = []
        total = len(pdus)
        for number, (fields, tlvs) in enumerate(pdus, 1):
            try:
                resp = await self._submit(fields, tlvs)
            except NotWritten:
                if number == 1:
                    return None
                return self._partial(references, total, number, "the connection to the SMSC was lost")
            except Unanswered as exc:
                self.possible_duplicates += 1
                return SendResult(ok=False, references=tuple(references), parts=total, retryable=True,
                                  possible_duplicate=True, reason=(
                                      f"{exc}: the SMSC may have taken it, so it is sent again later flagged "
                                      "as a possible duplicate"))
            if resp.status != P.ESME_ROK:
                text, retryable = meaning(resp.status)
                if number == 1:
                    return SendResult(ok=False, parts=total, retryable=retryable,
                                      reason=f"the SMSC refused it: {text}")
                return self._partial(references, total, number, f"the SMSC refused it: {text}")
            ref = self.receipts.sent(resp.get("message_id", ""), receipt=sms.status_report)
            if ref and ref not in references:  # an SMSC that joins the parts answers each with one id
                references.append(ref)
        return SendResult(ok=True, references=tuple(references), parts=total)

    @staticmethod
    def _partial(references: list[str], total: int, number: int, why: str) -> SendResult:
        return SendResult(ok=False, references=tuple(references), parts=total, retryable=False, reason=(
            f"parts 1–{number - 1} of {total} were sent, part {number} was not: {why}; not sent again "
            "automatically, so the recipient gets no duplicate parts (retry it to send it again)"))

    async def _submit(self, fields: dict, tlvs: dict) -> P.Pdu:
        """One submit_sm and its response; throttled answers are waited out and the part sent again."""
        throttled = 0
        while True:
            await self._pace()
            link = self._tx
            if link is None or link.closed.is_set() or self.state in (GatewayState.STOPPING,
                                                                      GatewayState.STOPPED):
                raise NotWritten()
            try:
                resp = await link.request(P.SUBMIT_SM, fields, tlvs)
            except TimeoutError:
                raise Unanswered(f"the SMSC did not answer submit_sm in {self.settings['timeout']:g} s") from None
            except LinkClosed as exc:
                raise Unanswered(f"the connection ended before the SMSC answered submit_sm ({exc})") from None
            if resp.status in SLOW_DOWN and throttled < MAX_THROTTLED:
                throttled += 1
                self._slow_down(resp.status)
                continue
            if resp.status == P.ESME_ROK:
                self._speed_up()
            return resp

    async def _pace(self) -> None:
        loop = asyncio.get_running_loop()
        now = loop.time()
        wait = self._throttled_until - now
        rate = self.settings["messages_per_second"]
        if rate:
            slot = max(now, self._next_send)
            self._next_send = slot + 1.0 / rate
            wait = max(wait, slot - now)
        if wait > 0:
            await asyncio.sleep(wait)

    def _slow_down(self, status: int) -> None:
        now = asyncio.get_running_loop().time()
        self.throttled += 1
        if now >= self._throttled_until:  # the first throttled answer of a burst sets the pause
            base = self.settings["throttle_backoff"]
            self._throttle_wait = min(30.0, self._throttle_wait * 2 if self._throttle_wait else base)
            self._throttled_until = now + self._throttle_wait
            self.log_traffic("info", f"{P.status_name(status)}: pausing {self._throttle_wait:g} s")

    def _speed_up(self) -> None:
        if self._throttle_wait and asyncio.get_running_loop().time() >= self._throttled_until:
            self._throttle_wait = 0.0

    # --- receiving --------------------------------------------------------------------------------

    def _report(self, report):
        self.last_activity = time.time()
        return self.services.report(report)

    async def _store(self, sender: str, text: str, recipient: str, total: int, received: int,
                     fingerprint: str | None = None) -> None:
        await _committed(self.received(IncomingSms(sender=sender, text=text, recipient=recipient,
                                                   smsc=self.settings["host"], total_parts=total,
                                                   received_parts=received, fingerprint=fingerprint)))

    # --- facts ------------------------------------------------------------------------------------

    def info(self) -> dict[str, Any]:
        s = self.settings
        return {"smsc": f"{s['host']}:{s['port']}" + (" (TLS)" if s["tls"] else ""), "bind": s["bind_mode"],
                "system_id": s["system_id"], "binds": self.binds, "throttled": self.throttled,
                "possible_duplicates": self.possible_duplicates,
                "outstanding": sum(link.outstanding for link in self.links),
                "awaiting_receipts": len(self.receipts.known), "receipts_matched": self.receipts.matched,
                "sent_again": self.inbound.repeats,
                **({"outbind": f"{self.outbind.host}:{self.outbind.port}",
                    "outbind_binds": len(self.outbind_links)} if self.outbind is not None else {}),
                **self.limiter.info()}

    def connection(self) -> dict[str, Any]:
        return {"device": "", "remote_host": self.settings["host"], "remote_port": self.settings["port"]}

    def connections(self) -> list[dict[str, Any]]:
        """One entry per bind (a transmitter and a receiver are two supplier sessions)."""
        if not self.links and not self.outbind_links:
            return [self.connection()]
        return [{**self.connection(), "mode": link.mode_name, "local_host": link.local[0],
                 "local_port": link.local[1]} for link in self.links] + [
                {**self.connection(), "mode": "receiver (outbind)", **_peer(link), "local_host": link.local[0],
                 "local_port": link.local[1]} for link in self.outbind_links]


def _peer(link: SmppLink) -> dict[str, Any]:
    """The SMSC's end of a connection it made (an outbind's)."""
    peer = link.writer.get_extra_info("peername") if link.writer is not None else None
    return {"remote_host": peer[0], "remote_port": peer[1]} if peer else {}
