"""A gateway that needs no hardware: sends after a delay, reports delivery,
and produces incoming messages on demand."""

from __future__ import annotations

import asyncio
import itertools
import random
from datetime import datetime, timezone

from app.settings import Setting
from app.sms.counter import count

from .base import DeliveryReport, Gateway, IncomingSms, OutboundSms, SendResult

_SAMPLE_TEXTS = (
    "Hi, can you call me back?",
    "Order 4711 arrived, thanks!",
    "STOP",
    "Running 10 minutes late.",
    "Confirmed for Tuesday 14:00.",
    "Grüße aus München – bis später!",
)


class SimulatorGateway(Gateway):
    kind = "simulator"
    SETTINGS = (
        Setting("send_delay", float, 0.3, "Seconds each message takes to send.", minimum=0.0, maximum=600.0),
        Setting("report_delay", float, 1.0, "Seconds until the delivery report of a message that asked for one.",
                minimum=0.0, maximum=3600.0),
        Setting("failure_rate", float, 0.0, "Fraction of sends that fail with a retryable error (0–1).",
                minimum=0.0, maximum=1.0),
        Setting("number", str, "+15550100", "The simulated SIM's own number."),
        Setting("send_log", str, "", "File to which the id of each message really sent is appended, one per "
                "line (empty: none); lets a test count sends across a crash."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._refs = itertools.count(1)
        self._tasks: set[asyncio.Task] = set()
        self._random = random.Random()

    async def send(self, sms: OutboundSms) -> SendResult:
        delay = self.settings["send_delay"]
        if delay:
            await asyncio.sleep(delay)
        self.log_traffic("out", f"SUBMIT to {sms.recipient} ({sms.encoding}): {sms.text[:60]}")
        if self._random.random() < self.settings["failure_rate"]:
            self.log_traffic("in", "ERROR simulated network error")
            return SendResult(ok=False, reason="simulated network error", retryable=True)
        ref = str(next(self._refs))
        if self.settings["send_log"]:
            with open(self.settings["send_log"], "a", encoding="utf-8") as log_file:
                log_file.write(sms.uid + "\n")
        self.log_traffic("in", f"OK reference {ref}")
        if sms.status_report:
            self._later(self.settings["report_delay"], self._report, ref, sms.recipient)
        parts = count(sms.text, encoding=sms.encoding).parts
        return SendResult(ok=True, references=(ref,), parts=parts)

    def _later(self, delay: float, fn, *args) -> None:
        async def run():
            await asyncio.sleep(delay)
            fn(*args)

        task = asyncio.create_task(run())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _report(self, ref: str, recipient: str) -> None:
        if self.running:
            self.services.report(DeliveryReport(
                reference=ref, outcome="delivered", reason="Message is delivered to destination.",
                at=datetime.now(timezone.utc), recipient=recipient))

    def simulate_incoming(self, sender: str | None = None, text: str | None = None) -> IncomingSms:
        """Produce one incoming message as if the network had delivered it."""
        sms = IncomingSms(
            sender=sender or f"+1555{self._random.randrange(1000000):07d}",
            text=text if text is not None else self._random.choice(_SAMPLE_TEXTS),
            recipient=self.settings["number"],
            sent_at=datetime.now(timezone.utc),
        )
        self.log_traffic("in", f"DELIVER from {sms.sender}: {sms.text[:60]}")
        self.received(sms)
        return sms

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()

    def info(self) -> dict:
        return {"number": self.settings["number"], "send_delay": self.settings["send_delay"]}

    def connection(self) -> dict:
        return {"device": "simulator", "remote_host": "", "remote_port": 0}
