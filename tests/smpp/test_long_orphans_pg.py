"""On a store several consoles share (SMSCONSOLE_TEST_PG_URL): the parts of a long message held by a console
that is gone for good are taken over by another once the message's time is over, and queued as they came,
as their own console would have done on its next start; a console alive, or one whose parts still have
time, keeps them."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

import pytest

from app.engine.clock import ManualClock
from app.smpp import reassembly

from tests.smpp.test_long_restart import PARTS, held, outbound, part

pytestmark = pytest.mark.postgres


async def test_the_parts_of_a_console_gone_for_good_are_queued_by_another_once_their_time_is_over(
        pg_url, make_engine, start_smpp, smpp_client, caplog):
    first = await start_smpp(make_engine(url=pg_url, instance_id="first"))
    client = await smpp_client(first)
    uid = await part(client, 1)
    assert await part(client, 2) == uid
    await client.close()
    await first.stop()
    await first.engine.stop()  # and it never starts again
    clock = ManualClock(datetime.now(timezone.utc))
    other = await start_smpp(make_engine(url=pg_url, instance_id="other", clock=clock), gateways={}, users=())
    assert await reassembly.adopt(other) == 0  # its time is not over: its console may come back for it
    assert [r.gateway for r in held(other.engine)] == ["smpp-server@first"] * 2
    clock.advance(reassembly.REASSEMBLY_SECONDS + 5)
    with caplog.at_level(logging.WARNING, logger="app.smpp.reassembly"):
        assert await reassembly.adopt(other) == 1
    [message] = outbound(other.engine)
    assert (message.uid, message.text, message.user) == (uid, PARTS[0] + PARTS[1], "alice")
    assert held(other.engine) == []
    assert "took over 2 parts of 1 long messages held by consoles that are gone" in caplog.text
    assert f"only 2 of 3 parts of message {uid} came" in caplog.text
    assert await reassembly.adopt(other) == 0  # taken over once


async def test_a_console_alive_keeps_its_parts_whatever_their_age(pg_url, make_engine, start_smpp, smpp_client):
    first = await start_smpp(make_engine(url=pg_url, instance_id="first"))
    client = await smpp_client(first)
    uid = await part(client, 1)
    later = ManualClock(datetime.now(timezone.utc) + timedelta(seconds=reassembly.REASSEMBLY_SECONDS + 5))
    other = await start_smpp(make_engine(url=pg_url, instance_id="other", clock=later), gateways={}, users=())
    assert await reassembly.adopt(other) == 0
    assert [r.gateway for r in held(other.engine)] == ["smpp-server@first"]
    assert outbound(other.engine) == []
    # its own console completes it
    assert await part(client, 2) == uid and await part(client, 3) == uid
    assert [m.uid for m in outbound(first.engine)] == [uid]


async def test_a_server_starting_takes_over_what_a_console_gone_left_behind(pg_url, make_engine, start_smpp,
                                                                           smpp_client):
    first = await start_smpp(make_engine(url=pg_url, instance_id="first"))
    client = await smpp_client(first)
    uid = await part(client, 1)
    await client.close()
    await first.stop()
    await first.engine.stop()
    later = ManualClock(datetime.now(timezone.utc) + timedelta(seconds=reassembly.REASSEMBLY_SECONDS + 5))
    other = await start_smpp(make_engine(url=pg_url, instance_id="other", clock=later), gateways={}, users=())
    for _ in range(100):  # the server's first look runs as it starts
        if outbound(other.engine):
            break
        await reassembly.asyncio.sleep(0.05)
    assert [(m.uid, m.text) for m in outbound(other.engine)] == [(uid, PARTS[0])]
    assert held(other.engine) == []
