"""Consoles sharing one PostgreSQL store follow each other's configuration changes (SMSCONSOLE_TEST_PG_URL)."""

from __future__ import annotations

import asyncio
import logging

from app.config import Config
from app.engine import events as ev
from app.engine.routing import RoutingRule
from app.runtime import engine_for

from .consoles import console, needs_postgres, until
from .scripted_gateway import KIND

pytestmark = needs_postgres


async def test_a_running_console_follows_settings_rules_and_gateways_another_one_changes(pg_url):
    a, b = console(pg_url, "a"), console(pg_url, "b")
    a.add_gateway("P", KIND, {"window": 3})
    await a.start()
    await b.start()
    rules_seen = []
    b.events.subscribe(lambda e: isinstance(e, ev.RoutingRulesChanged) and rules_seen.append(e))
    assert await asyncio.get_running_loop().run_in_executor(None, b.cluster.config.listening.wait, 10)
    try:
        a.set_setting("max_attempts", 7)
        await until(lambda: b.settings["max_attempts"] == 7, "the setting seen by b")
        assert b.routing_rules() == []  # read once: b keeps them until it hears of a change
        a.set_routing_rules([RoutingRule(("P",), name="all to P", destination="+49")])
        await until(lambda: rules_seen, "b's window hears of the change")
        assert [r.name for r in b.routing_rules()] == ["all to P"]
        a.add_gateway("New", KIND, {"window": 2})
        await until(lambda: "New" in b.gateways, "the new gateway known to b")
        await until(lambda: sum("New" in {g.name for g in e.gateways.values() if g.running} for e in (a, b)) == 1,
                    "the new gateway run by exactly one console")
        await a.set_gateway_property("P", "window", "9")
        await until(lambda: b.gateways["P"].settings["window"] == 9, "the changed property seen by b")
        await a.remove_gateway("New")
        await until(lambda: "New" not in b.gateways, "the removed gateway gone from b")
    finally:
        await asyncio.gather(a.stop(), b.stop())


def test_a_file_that_changes_shared_values_says_so(pg_url, caplog):
    first = Config()
    first.settings = {"max_attempts": 3}
    engine_for(first, pg_url).db.close()
    caplog.set_level(logging.WARNING)
    second = Config()
    second.settings = {"max_attempts": 5}
    second.store = {**second.store, "instance": "other"}
    engine_for(second, pg_url).db.close()
    assert any("settings.max_attempts = 5 replaces 3 for every console sharing the store" in r.getMessage()
               for r in caplog.records)
