"""Password guessing is slowed per client address across connections, not only per connection."""

from __future__ import annotations

import asyncio
import logging

import pytest
import smpplib.consts as C

from app.smpp import bind as bind_mod
from app.smpp import guard

from tests.smpp.conftest import raw_pdu
from tests.smpp.test_binds import bind_body, refused


@pytest.fixture
def quick(monkeypatch):
    monkeypatch.setattr(bind_mod, "REFUSAL_DELAY", 0.05)
    monkeypatch.setattr(guard, "FREE_FAILURES", 2)
    monkeypatch.setattr(guard, "FIRST_DELAY", 0.4)
    monkeypatch.setattr(guard, "MAX_ATTEMPTS", 2)


async def test_failures_on_separate_connections_slow_the_next_bind_from_the_address(start_smpp, smpp_client,
                                                                                   quick, caplog):
    caplog.set_level(logging.INFO, logger="app.smpp")
    server = await start_smpp()
    loop = asyncio.get_running_loop()
    for n in range(3):  # three guesses, each on a connection of its own
        client = await smpp_client(server, bind=None)
        assert await refused(client, password=f"guess{n}") == C.SMPP_ESME_RINVPASWD
        await client.close()
    assert server.guard.failures("127.0.0.1") == 3
    assert "3 failed binds from 127.0.0.1" in caplog.text
    # one failure beyond the free ones: even the right password waits before it is checked
    started = loop.time()
    right = await smpp_client(server, bind=None)
    await right.bind()
    assert loop.time() - started >= 0.4
    assert "this bind waits" in caplog.text
    assert server.guard.failures("127.0.0.1") == 0  # a successful bind clears the address
    started = loop.time()
    again = await smpp_client(server, bind=None)
    await again.bind()
    assert loop.time() - started < 0.4


async def test_the_delay_doubles_with_each_further_failure(monkeypatch):
    monkeypatch.setattr(guard, "FREE_FAILURES", 3)
    now = [0.0]
    g = guard.BindGuard(clock=lambda: now[0])
    delays = []
    for _ in range(9):
        delays.append(g.enter("10.0.0.9"))
        g.leave("10.0.0.9", ok=False)
    assert delays == [0, 0, 0, 0, 1, 2, 4, 8, 16]
    assert g.enter("10.0.0.8") == 0  # another address is not slowed
    g.leave("10.0.0.8", ok=True)
    now[0] += guard.FORGET_SECONDS + 1
    assert g.enter("10.0.0.9") == 0  # forgotten after a quiet while


async def test_binds_from_one_address_beyond_the_cap_are_refused_at_once(start_smpp, smpp_client, quick,
                                                                       monkeypatch, caplog):
    caplog.set_level(logging.INFO, logger="app.smpp")
    monkeypatch.setattr(bind_mod, "REFUSAL_DELAY", 1.0)
    server = await start_smpp()
    clients = [await smpp_client(server, bind=None) for _ in range(3)]
    for n, client in enumerate(clients):
        await client.send_raw(raw_pdu(0x09, 100 + n, bind_body("alice", f"guess{n}")))
    answers = await asyncio.gather(*(c.read_raw() for c in clients))
    statuses = sorted(a[1] for a in answers)
    assert statuses == sorted([C.SMPP_ESME_RINVPASWD, C.SMPP_ESME_RINVPASWD, C.SMPP_ESME_RBINDFAIL])
    assert "binds from 127.0.0.1 are being checked already" in caplog.text
    assert server.guard.failures("127.0.0.1") == 2  # the refused third was not a guess checked
