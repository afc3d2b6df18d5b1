"""SMPP deliveries on a PostgreSQL store shared by consoles (SMSCONSOLE_TEST_PG_URL): a receipt whose
journal id commits after a higher one is still handed out, and two consoles serving the same user hand
each receipt out once."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import pytest
from sqlalchemy import text
from sqlmodel import select

from app.engine import lifecycle
from app.smpp import delivery
from app.store import models as m
from app.store.models import Message, SmppDelivered

from tests.engine.consoles import console, needs_postgres
from tests.smpp.test_deliver import deliveries
from tests.smpp.test_submit import submit

pytestmark = needs_postgres


@pytest.fixture
def quick(monkeypatch):
    monkeypatch.setattr(delivery, "HORIZON_SECONDS", 1.5)
    monkeypatch.setattr(delivery, "RESCAN_SECONDS", 0.2)
    monkeypatch.setattr(delivery, "POLL_SECONDS", 0.2)


def _deliver(conn, uid: str) -> None:
    """The message claimed, sent and delivered, as the lifecycle writes it (journal rows included)."""
    (row_id,) = conn.execute(text("SELECT id FROM message WHERE uid = :u"), {"u": uid}).one()
    now = datetime.now(timezone.utc)
    lifecycle.apply_all(conn, lifecycle.CLAIM, [row_id], gateway="A", claimed_by="one", lease_until=now,
                        updated_at=now)
    lifecycle.apply_all(conn, lifecycle.DELIVERED, [row_id], reason="", finished_at=now, updated_at=now)


def receipted(pdus) -> list[str]:
    return [p.receipted_message_id.decode().rstrip("\0") for p in pdus]


async def nothing_more(client, seconds: float = 1.0) -> bool:
    client.raw._socket.settimeout(seconds)
    try:
        pdu = await client.read()
    except OSError:
        return True
    finally:
        client.raw._socket.settimeout(10)
    return pdu.command != "deliver_sm"


async def test_a_receipt_committed_after_a_later_one_is_not_skipped(pg_url, start_smpp, smpp_client, quick):
    server = await start_smpp(console(pg_url, "one"), gateways={})
    engine = server.engine
    engine.settings["sending_paused"] = True  # the receipts come from the journal rows written here
    client = await smpp_client(server)
    first, second = [(await submit(client, f"text {n}", registered_delivery=1)).message_id.decode()
                     for n in range(2)]
    slow = engine.db.engine.connect()
    try:
        slow_tx = slow.begin()
        _deliver(slow, first)  # its journal row takes the lower id, and is not committed yet
        with engine.db.engine.begin() as fast:
            _deliver(fast, second)
        assert receipted(await deliveries(client, 1)) == [second]
        await asyncio.sleep(0.6)  # the delivery task reads on past the higher id meanwhile
        slow_tx.commit()
    finally:
        slow.close()
    assert receipted(await deliveries(client, 1)) == [first]
    assert await nothing_more(client)
    await asyncio.sleep(2.0)  # past the horizon: the cursor moves over both, their records are dropped
    with engine.db.session() as s:
        assert s.exec(select(SmppDelivered)).all() == []
        top = s.exec(text("SELECT max(id) FROM message_event")).scalar()
        assert s.exec(text("SELECT event_id FROM smpp_cursor WHERE \"user\" = 'alice'")).scalar() == top


async def test_two_consoles_serving_one_user_hand_each_receipt_out_once(pg_url, start_smpp, smpp_client, quick):
    one = await start_smpp(console(pg_url, "one"), gateways={})
    two = await start_smpp(console(pg_url, "two"), gateways={}, users=())
    one.engine.settings["sending_paused"] = True
    tx = await smpp_client(one, bind="transmitter")
    on_one = await smpp_client(one, bind="receiver")
    on_two = await smpp_client(two, bind="receiver")
    uids = [(await submit(tx, f"text {n}", registered_delivery=1)).message_id.decode() for n in range(20)]
    with one.engine.db.engine.begin() as conn:
        for uid in uids:
            _deliver(conn, uid)

    async def drain(client) -> list[str]:
        got = []
        while not await nothing_more_collect(client, got):
            pass
        return got

    async def nothing_more_collect(client, got) -> bool:
        client.raw._socket.settimeout(1.5)
        try:
            pdu = await client.read()
        except OSError:
            return True
        if pdu.command == "deliver_sm":
            got.append(pdu.receipted_message_id.decode().rstrip("\0"))
            await asyncio.sleep(0.05)  # a slow customer: the other console reads the store meanwhile
            await client.call(client.raw._message_received, pdu)
        return False

    first, second = await asyncio.gather(drain(on_one), drain(on_two))
    assert sorted(first + second) == sorted(uids)  # every receipt, none twice
    assert not first or not second  # the console holding the user's lease hands them all out
    holder, idle = (on_one, on_two) if first else (on_two, on_one)
    # the holder's receiver goes: the other console takes over the user's deliveries
    await holder.close()
    more = (await submit(tx, "after the handover", registered_delivery=1)).message_id.decode()
    with one.engine.db.engine.begin() as conn:
        _deliver(conn, more)
    idle.raw._socket.settimeout(10)
    assert receipted(await deliveries(idle, 1, timeout=15)) == [more]
    with one.engine.db.session() as s:
        assert s.exec(select(Message.status).where(Message.uid == more)).one() == m.DELIVERED


def test_a_console_whose_clock_runs_ahead_takes_no_healthy_delivery_lease(pg_url):
    """Lease times are the store's clock: an hour ahead on its host, a console still waits for the lease
    another one holds and renews."""
    from datetime import datetime, timedelta, timezone

    from app.engine.clock import ManualClock
    from app.smpp import cursors

    one, ahead = console(pg_url, "one"), console(pg_url, "ahead")
    ahead.clock = ManualClock(datetime.now(timezone.utc) + timedelta(hours=1))
    try:
        cursors.open_cursor(one, "alice")
        assert cursors.take_lease(one, "alice", 30.0)
        assert not cursors.take_lease(ahead, "alice", 30.0)
        assert cursors.take_lease(one, "alice", 30.0)  # renewed by its holder
        cursors.release_lease(one, "alice")
        assert cursors.take_lease(ahead, "alice", 30.0)
    finally:
        one.db.close()
        ahead.db.close()
