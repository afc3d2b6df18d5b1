"""Gateways built with a fake of the engine's services, and the engine's adapter of its sink: no engine, no
store. The modem runs its real driver against the simulator on a pty."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

from app.gateways.base import DeliveryReport, Gateway, GatewayState, OutboundSms, SendResult
from app.gateways.modem.gateway import ModemGateway
from app.gateways.services import GatewayServices

from .conftest import FAST


class FakeServices:
    """What a gateway may ask of the engine, recorded; hand-overs return futures the test completes."""

    counts_sends = False

    def __init__(self):
        self.sent_: list[tuple[OutboundSms, SendResult]] = []
        self.returned_: list[OutboundSms] = []
        self.handed: list = []
        self.commits: list[asyncio.Future] = []
        self.states: list[GatewayState] = []
        self.alerts: list[str] = []
        self.facts: dict = {}
        self.news = asyncio.Event()
        self.gateway: Gateway | None = None

    def sent(self, sms, result):
        self.sent_.append((sms, result))
        self.news.set()

    def returned(self, sms):
        self.returned_.extend(sms)
        self.news.set()

    def _hand(self, what):
        self.handed.append(what)
        self.commits.append(asyncio.get_running_loop().create_future())
        self.news.set()
        return self.commits[-1]

    received = report = _hand

    def state_changed(self):
        self.states.append(self.gateway.state)

    def alert(self, text):
        self.alerts.append(text)

    def now(self):
        return 1_700_000_000.0

    async def recall(self):
        return dict(self.facts)

    async def remember(self, facts):
        self.facts = dict(facts)


async def news(fake: FakeServices, check, timeout: float = 5.0):
    async with asyncio.timeout(timeout):
        while not check():
            fake.news.clear()
            await fake.news.wait()


def sms(i: int = 1, **kwargs) -> OutboundSms:
    return OutboundSms(message_id=i, uid=f"u{i}", recipient="+4917612345678", text=f"message {i}", **kwargs)


async def test_a_modem_gateway_sends_and_receives_through_a_fake_of_the_engine(make_sim):
    sim = await make_sim()
    fake = FakeServices()
    gw = ModemGateway("M", {"port": sim.link, **FAST}, services=fake)
    fake.gateway = gw
    await gw.start()
    try:
        assert gw.state == GatewayState.RUNNING and fake.states[-1] == GatewayState.RUNNING
        assert fake.facts["imei"]  # the modem's identity, remembered through the services
        gw.submit(sms(1, status_report=True))
        await news(fake, lambda: fake.sent_)
        [(sent, result)] = fake.sent_
        assert sent.uid == "u1" and result.ok and result.references
        assert gw.last_activity == fake.now()

        sim.receive("+4917011111", "hello over a fake engine")
        await news(fake, lambda: any(getattr(h, "text", "") == "hello over a fake engine" for h in fake.handed))
        await asyncio.sleep(0.2)
        assert not sim.commands_starting("AT+CMGD")  # not deleted before the engine commits
        for commit in fake.commits:
            commit.set_result(None)
        await sim.wait_for_command("AT+CMGD")
    finally:
        await gw.stop()
    assert fake.states[-1] == GatewayState.STOPPED


async def test_messages_queued_at_a_pause_go_back_through_the_services():
    fake = FakeServices()

    class Slow(Gateway):
        kind = "slow"

        async def send(self, sms):
            await asyncio.sleep(3600)

    gw = Slow("S", {}, services=fake)
    fake.gateway = gw
    await gw.start()
    for i in range(3):
        gw.submit(sms(i))
    await asyncio.sleep(0.01)  # the first is in flight
    gw.pause()
    assert [s.uid for s in fake.returned_] == ["u1", "u2"]
    assert fake.states[-1] == GatewayState.PAUSED
    await gw.stop(timeout=0.1)


class Plain(Gateway):
    kind = "plain"


class RecordingSink:
    def __init__(self):
        self.calls: list[tuple] = []

    def __getattr__(self, name):
        if not name.startswith("gateway_") and name not in ("sent_count", "latest_sends", "awaiting_reports"):
            raise AttributeError(name)
        return lambda *args: self.calls.append((name, *args)) or name


def test_the_engine_adapter_binds_every_call_to_its_gateway():
    sink = RecordingSink()
    gw = Plain("G", {}, sink)
    services = gw.services
    report = DeliveryReport("7", "delivered")
    since = datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert services.report(report) == "gateway_report"
    services.sent(sms(), SendResult(ok=True))
    services.returned([sms(2)])
    services.alert("down")
    services.sent_count(since)
    services.latest_sends(since, 5)
    assert [c[:2] for c in sink.calls] == [("gateway_report", gw), ("gateway_sent", gw), ("gateway_returned", gw),
                                           ("gateway_alert", gw), ("sent_count", "G"), ("latest_sends", "G")]
    assert services.counts_sends and isinstance(services.now(), float)


async def test_a_sink_that_remembers_nothing_gives_empty_facts():
    class Bare:
        def gateway_state_changed(self, gateway):
            pass

    services = GatewayServices.of(Bare(), Plain("G", {}, Bare()))
    assert await services.recall() == {} and not services.counts_sends
    await services.remember({"imei": "1"})
    services.alert("nobody listens")
