"""Keep-alive, hang and reopen, a vanished port, and the rule for a message in flight."""

from __future__ import annotations

from app.engine.requests import OutboundRequest
from app.store import models as m

from .conftest import until, until_state, until_status


def queue(engine, text, to="+4917612345678"):
    [msg] = engine.queue_messages([OutboundRequest([to], text)]).accepted
    return msg


async def test_idle_line_gets_keepalive(modem_engine):
    engine, sim = await modem_engine(keepalive_seconds=0.2)
    await sim.wait_for_command("AT", count=sim.modem.commands.count("AT") + 2)
    assert engine.gateways["M"].state.value == "running"


async def test_hang_is_noticed_and_the_port_reopened(modem_engine):
    engine, sim = await modem_engine(keepalive_seconds=0.2, command_timeout=0.3)
    inits = len(sim.commands_starting("AT+CMGF=0"))
    sim.hang()
    await until_state(engine, "M", "error")
    assert "stopped answering" in engine.gateways["M"].state_reason
    sim.hang(False)
    await until_state(engine, "M", "running")
    assert len(sim.commands_starting("AT+CMGF=0")) == inits + 1  # initialised again
    msg = queue(engine, "after the hang")
    await until_status(engine, msg.id, m.SENT)


async def test_vanished_port_disconnects_and_reconnects(modem_engine):
    engine, sim = await modem_engine()
    await sim.vanish()
    await until_state(engine, "M", "disconnected")
    msg = queue(engine, "waits for the modem")
    engine.dispatcher.tick()
    # a dispatcher pass begun before the port vanished may hand it over: the gateway returns it untried
    waiting = await until_status(engine, msg.id, m.QUEUED)
    assert waiting.attempts == 0 and not sim.modem.sent
    await sim.come_back()
    await until_state(engine, "M", "running")
    await until_status(engine, msg.id, m.SENT)
    assert engine.gateways["M"].reconnects == 1
    assert engine.gateway_view(engine.gateways["M"]).info["reconnects"] == 1


async def test_message_in_flight_when_modem_hangs_after_the_pdu_is_failed_not_resent(modem_engine):
    engine, sim = await modem_engine({"send_delay": 5}, send_timeout=1.0, command_timeout=0.5)
    msg = queue(engine, "maybe sent")
    await sim.wait_for_command("AT+CMGS")
    sim.hang()
    final = await until_status(engine, msg.id, m.FAILED)
    assert "may have been sent" in final.reason and "not sent again automatically" in final.reason
    sim.hang(False)
    await until_state(engine, "M", "running")
    assert engine.message(msg.id).status == m.FAILED


async def test_message_in_flight_when_port_vanishes_before_the_pdu_is_retried(modem_engine):
    engine, sim = await modem_engine()
    sim.options.noise = False
    sim.hang()  # the prompt never comes
    msg = queue(engine, "not yet handed over")
    await sim.wait_for_command("AT", 0)
    await until_status(engine, msg.id, m.SENDING)
    await sim.vanish()
    requeued = await until_status(engine, msg.id, m.QUEUED)
    assert "lost" in requeued.reason or "not connected" in requeued.reason
    sim.hang(False)
    await sim.come_back()
    engine.settings["retry_base_seconds"] = 0.0
    await until_status(engine, msg.id, m.SENT)
    assert [p.text for p in sim.modem.sent] == ["not yet handed over"]


async def test_stop_finishes_the_message_in_flight(modem_engine):
    engine, sim = await modem_engine({"send_delay": 0.3})
    msg = queue(engine, "finish me")
    await sim.wait_for_command("AT+CMGS")
    await engine.stop_gateway("M")
    assert engine.message(msg.id).status == m.SENT


async def test_message_ahead_goes_back_untried_when_the_modem_hangs(modem_engine):
    engine, sim = await modem_engine({"send_delay": 5}, send_timeout=1.0, command_timeout=0.5)
    first = queue(engine, "maybe sent")
    second = queue(engine, "waits behind it")
    await sim.wait_for_command("AT+CMGS")
    await until(engine, lambda: engine.gateways["M"].busy == 2)  # the second is taken ahead, not written
    sim.hang()
    assert (await until_status(engine, first.id, m.FAILED)).reason.count("may have been sent") == 1
    back = await until_status(engine, second.id, m.QUEUED)
    assert back.attempts == 0 and back.reason == ""
    sim.hang(False)
    sim.options.send_delay = 0
    await until_status(engine, second.id, m.SENT)
    assert [p.text for p in sim.modem.sent] == ["waits behind it"]


async def test_message_ahead_goes_back_untried_when_the_gateway_pauses(modem_engine):
    engine, sim = await modem_engine({"send_delay": 0.5})
    first = queue(engine, "in flight")
    second = queue(engine, "ahead")
    await sim.wait_for_command("AT+CMGS")
    await until(engine, lambda: engine.gateways["M"].busy == 2)
    engine.pause_gateway("M")
    await until_status(engine, first.id, m.SENT)
    back = await until_status(engine, second.id, m.QUEUED)
    assert back.attempts == 0
    assert [p.text for p in sim.modem.sent] == ["in flight"]
    engine.resume_gateway("M")
    await until_status(engine, second.id, m.SENT)
