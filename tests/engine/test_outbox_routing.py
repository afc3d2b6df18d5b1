"""Order, routing rules, least-busy spreading, failover and waiting reasons."""

from __future__ import annotations

import asyncio

import pytest

from app.engine.requests import EngineError, OutboundRequest
from app.engine.routing import RoutingRule
from app.gateways.base import SendResult
from app.store import models as m

from .conftest import drain, run_until_settled


def sent_to(engine, name):
    return [s.recipient for s in engine.gateways[name].sent]


async def test_higher_priority_first_then_first_queued(engine_with):
    engine = await engine_with("A", window=1)
    engine.queue_messages([OutboundRequest(["+15550001", "+15550002"], "low")])
    engine.queue_messages([OutboundRequest(["+15550003"], "high", priority=5)])
    engine.queue_messages([OutboundRequest(["+15550004"], "low again")])
    engine.queue_messages([OutboundRequest(["+15550005"], "high again", priority=5)])
    await run_until_settled(engine)
    assert sent_to(engine, "A") == ["+15550003", "+15550005", "+15550001", "+15550002", "+15550004"]


async def test_rule_by_destination_prefix_and_pattern(engine_with):
    engine = await engine_with("A", "B", "C")
    engine.set_routing_rules([RoutingRule(("B",), name="DE mobile", destination="+4917"),
                              RoutingRule(("C",), name="US", destination="+1555[0-4]*")])
    engine.queue_messages([OutboundRequest(["+4917612345678", "+15550001", "+15559001", "+441234567890"], "x")])
    await run_until_settled(engine)
    assert sent_to(engine, "B") == ["+4917612345678"]
    assert sent_to(engine, "C") == ["+15550001"]
    # no rule matches: any gateway may carry them
    assert sorted(sent_to(engine, "A")) == ["+15559001", "+441234567890"]


async def test_first_matching_rule_wins_on_sender_user_and_type(engine_with):
    engine = await engine_with("A", "B", "C")
    engine.set_routing_rules([
        RoutingRule(("A",), sender="Shop", message_type="sms.text"),
        RoutingRule(("B",), user="alice"),
        RoutingRule(("C",), message_type="sms.*"),
    ])
    engine.queue_messages([OutboundRequest(["+15550001"], "x", sender="Shop", message_type="sms.text")],
                          user="alice")
    engine.queue_messages([OutboundRequest(["+15550002"], "x", sender="Other", message_type="sms.text")],
                          user="alice")
    engine.queue_messages([OutboundRequest(["+15550003"], "x", sender="Shop", message_type="sms.unicode")],
                          user="bob")
    await run_until_settled(engine)
    assert (sent_to(engine, "A"), sent_to(engine, "B"), sent_to(engine, "C")) == (
        ["+15550001"], ["+15550002"], ["+15550003"])


async def test_request_gateway_list_narrows_the_rule(engine_with):
    engine = await engine_with("A", "B", "C")
    engine.set_routing_rules([RoutingRule(("A", "B"), destination="+1")])
    engine.queue_messages([OutboundRequest(["+15550001"] , "x", gateways=["B", "C"])])
    await run_until_settled(engine)
    assert sent_to(engine, "B") == ["+15550001"] and sent_to(engine, "A") == sent_to(engine, "C") == []


async def test_no_candidate_waits_and_the_outbox_says_why(engine_with):
    engine = await engine_with("A", "B")
    engine.set_routing_rules([RoutingRule(("B",), name="only B")])
    await engine.stop_gateway("B")
    [msg] = engine.queue_messages([OutboundRequest(["+15550001"], "x")]).accepted
    engine.dispatcher.tick()
    view = engine.message(msg.id)
    assert view.status == m.QUEUED
    assert view.reason == "waiting for a gateway (routing rule 'only B'): B is stopped"
    await engine.start_gateway("B")
    await run_until_settled(engine)
    view = engine.message(msg.id)
    assert view.status == m.SENT and view.gateway == "B" and view.reason == ""


async def test_rule_and_request_with_nothing_in_common_wait_with_reason(engine_with):
    engine = await engine_with("A", "B")
    engine.set_routing_rules([RoutingRule(("A",), name="A only")])
    [msg] = engine.queue_messages([OutboundRequest(["+15550001"], "x", gateways=["B"])]).accepted
    engine.dispatcher.tick()
    view = engine.message(msg.id)
    assert view.status == m.QUEUED
    assert view.reason == "waiting: routing rule 'A only' allows A, the message only B"


async def test_load_is_spread_to_the_least_busy(engine_with):
    engine = await engine_with("A", "B")
    for g in engine.gateways.values():
        g.hold = asyncio.Event()
    engine.queue_messages([OutboundRequest([f"+1555000{i}" for i in range(6)], "x")])
    engine.dispatcher.tick()
    assert engine.gateways["A"].busy == 3 and engine.gateways["B"].busy == 3
    for g in engine.gateways.values():
        g.hold.set()
    await drain(engine)


async def test_retryable_error_fails_over_to_the_next_candidate(engine_with):
    engine = await engine_with("A", "B")
    engine.set_routing_rules([RoutingRule(("A", "B"))])  # equally idle: the first listed is chosen
    engine.gateways["A"].outcomes.append(SendResult(ok=False, reason="no network", retryable=True))
    [msg] = engine.queue_messages([OutboundRequest(["+15550001"], "x")]).accepted
    engine.dispatcher.tick()
    await drain(engine)
    view = engine.message(msg.id)
    assert view.status == m.QUEUED and view.reason == "failing over from A after: no network"
    engine.dispatcher.tick()  # at once, no backoff, and not back to A
    await drain(engine)
    view = engine.message(msg.id)
    assert view.status == m.SENT and view.gateway == "B" and view.attempts == 2
    assert sent_to(engine, "A") == sent_to(engine, "B") == ["+15550001"]


async def test_bad_rule_is_refused_in_words(engine_with):
    engine = await engine_with("A")
    with pytest.raises(EngineError, match="names no gateway"):
        engine.set_routing_rules([RoutingRule((), name="empty")])
    assert engine.routing_rules() == []


async def test_config_rules_replace_only_config_rules(engine_with):
    engine = await engine_with("A", "B")
    engine.set_routing_rules([RoutingRule(("A",), name="mine")])
    engine.set_routing_rules([RoutingRule(("B",), name="from file")], origin="config")
    engine.set_routing_rules([RoutingRule(("A", "B"), name="file v2")], origin="config")
    assert [(r.name, r.origin) for r in engine.routing_rules()] == [("file v2", "config"), ("mine", "store")]
