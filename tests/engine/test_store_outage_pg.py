"""A PostgreSQL store that goes away and comes back (SMSCONSOLE_TEST_PG_URL): one line each way, a growing
wait in between, nothing lost."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.engine import make_url

from app.engine import events as ev
from app.engine.engine import Engine
from app.engine.requests import OutboundRequest
from app.store import models as m
from app.store.database import Database

from .consoles import needs_postgres, until
from .scripted_gateway import KIND
from .tcp_proxy import TcpRelay

pytestmark = needs_postgres


async def test_an_outage_is_told_once_each_way_and_loses_nothing(pg_url, caplog):
    url = make_url(pg_url)
    relay = TcpRelay(url.host or "127.0.0.1", url.port or 5432)
    relay.open()
    engine = Engine(Database(url.set(host="127.0.0.1", port=relay.port).render_as_string(hide_password=False)),
                    instance_id="one")
    engine.open_store()
    engine.add_gateway("G", KIND, {"window": 4})
    health = []
    engine.events.subscribe(lambda e: isinstance(e, ev.StoreHealthChanged) and health.append(e))
    await engine.start()
    gw = engine.gateways["G"]
    try:
        gw.hold = asyncio.Event()
        queued = engine.queue_messages([OutboundRequest([f"+1555{i:07d}" for i in range(40)], "x")]).accepted
        await until(lambda: gw.busy == 4, "sends under way")
        caplog.clear()
        caplog.set_level(logging.DEBUG)
        relay.cut()
        gw.hold.set()  # the gateway answers while the store is away: the answers wait
        await until(lambda: health, "the outage noticed")
        await asyncio.sleep(4)
        during = [r for r in caplog.records if r.levelno >= logging.INFO]
        relay.open()
        await until(lambda: len(health) == 2, "the store back")
        await until(lambda: engine.status_counts() == {m.SENT: 40}, "every message sent", timeout=60)
        lines = [r for r in caplog.records if r.levelno >= logging.INFO and r.name.startswith("app.")]
        gone = [r.getMessage() for r in lines if "unreachable" in r.getMessage()]
        back = [r.getMessage() for r in lines if "reachable again" in r.getMessage()]
        assert len(gone) == 1 and "OperationalError" in gone[0], gone
        assert len(back) == 1 and "reachable again after" in back[0], back
        assert not [r for r in lines if r.exc_info], "no traceback for an outage"
        assert len([r for r in during if r.name.startswith("app.")]) <= 3, [r.getMessage() for r in during]
        assert not health[0].reachable and health[0].cause and health[1].reachable and health[1].gone_for >= 4
        assert engine.store_health.retry_delay() == 0.5, "the wait starts short again"
        sent = [s.message_id for s in gw.sent]
        assert sorted(set(sent)) == sorted(v.id for v in queued), "nothing lost"
    finally:
        await engine.stop()
        relay.cut()
