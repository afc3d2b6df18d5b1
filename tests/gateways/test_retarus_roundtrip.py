"""One console's Retarus gateway sending to another console's served
/rest/v1/ API over real HTTP on 127.0.0.1; the second console sends through a
simulated gateway, and the statuses travel back to the first."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

from sqlmodel import select

from app.api.retarus_jobs import QOS_PRIORITY
from app.engine import events as ev
from app.engine.requests import OutboundRequest
from app.gateways.base import GatewayState
from app.store import models as m
from app.store.models import Job, Message
from tests.api.conftest import make_user, start_api  # noqa: F401  (fixtures)


def settle(engine, status: str, n: int):
    """A future resolved when ``n`` messages of ``engine`` reached ``status``."""
    fut = asyncio.get_running_loop().create_future()
    seen: set[int] = set()

    def listener(e):
        if isinstance(e, ev.MessageChanged) and e.message.status == status:
            seen.add(e.message.id)
            if len(seen) >= n and not fut.done():
                fut.set_result(seen)

    engine.events.subscribe(listener)
    return fut


async def provider(start_api, make_user, **sim):
    server = await start_api(gateways={"Sim": ("simulator", {"send_delay": 0.0, "report_delay": 0.0, **sim})})
    make_user(server.ctx.engine, "acct", "pw")
    return server


async def client_engine(make_engine, tmp_path, url: str, **settings):
    engine = make_engine(url=f"sqlite:///{tmp_path / 'client.db'}")
    engine.add_gateway("Retarus", "retarus", {"url": url, "username": "acct", "password": "pw",
                                              "poll_interval": 0.02, "poll_max_interval": 0.1, **settings})
    await engine.start()
    return engine


async def test_statuses_travel_back_from_the_served_console(start_api, make_user, make_engine, tmp_path):
    b = await provider(start_api, make_user)
    a = await client_engine(make_engine, tmp_path, b.url + "/rest/v1")
    try:
        assert a.gateways["Retarus"].state == GatewayState.RUNNING
        delivered = settle(a, m.DELIVERED, 5)
        numbers = [f"+4917615500{i:03d}" for i in range(5)]
        result = a.queue_messages([OutboundRequest(numbers, "Hello from A", sender="Shop", status_report=True)])
        await asyncio.wait_for(delivered, 10)
        gw = a.gateways["Retarus"]
        assert gw.jobs_posted == 1
        with b.ctx.engine.db.session() as s:
            remote = {r.customer_ref: r for r in s.exec(select(Message))}
        for msg in result.accepted:
            mine = a.message(msg.id)
            theirs = remote[mine.uid]  # the recipient's customerRef is the message's own id
            assert mine.status == m.DELIVERED and mine.gateway == "Retarus"
            assert theirs.uid.startswith("S.") and theirs.status == m.DELIVERED
            assert theirs.recipient == mine.recipient and theirs.text == "Hello from A" and theirs.sender == "Shop"
            assert theirs.status_report and theirs.user == "acct"
            assert mine.reason == theirs.reason
            with a.db.session() as s:
                assert s.get(Message, msg.id).reference == f"{theirs.job_id}/{mine.uid}"
    finally:
        await a.stop()


async def test_same_text_is_batched_and_other_texts_get_their_own_jobs(start_api, make_user, make_engine, tmp_path):
    b = await provider(start_api, make_user)
    a = await client_engine(make_engine, tmp_path, b.url + "/rest/v1", concurrency=1)
    try:
        await a.stop_gateway("Retarus")
        sent = settle(a, m.SENT, 250)
        a.queue_messages([OutboundRequest([f"+49176155{i:05d}" for i in range(200)], "Bulk text"),
                          OutboundRequest([f"+49176166{i:05d}" for i in range(50)], "Other text"),
                          ])
        await a.start_gateway("Retarus")
        await asyncio.wait_for(sent, 10)
        assert a.gateways["Retarus"].jobs_posted == 2
        with b.ctx.engine.db.session() as s:
            jobs = {j: n for j, n in s.exec(select(Message.job_id, Message.id)).all()}
            texts = set(s.exec(select(Message.text)).all())
        assert len(set(jobs)) == 2 and texts == {"Bulk text", "Other text"}
    finally:
        await a.stop()


async def test_failure_at_the_provider_comes_back_failed_with_its_reason(start_api, make_user, make_engine,
                                                                          tmp_path):
    b = await provider(start_api, make_user)
    await b.ctx.engine.stop_gateway("Sim")  # messages wait at the provider, then are cancelled there
    a = await client_engine(make_engine, tmp_path, b.url + "/rest/v1")
    try:
        sent = settle(a, m.SENT, 1)
        failed = settle(a, m.FAILED, 1)
        [msg] = a.queue_messages([OutboundRequest(["+4917615500001"], "Cancelled remotely")]).accepted
        await asyncio.wait_for(sent, 10)
        remote = b.ctx.engine.list_messages(m.OUT)[0]
        b.ctx.engine.cancel([remote.id])
        await asyncio.wait_for(failed, 10)
        assert a.message(msg.id).reason == "cancelled by the operator"
    finally:
        await a.stop()


async def test_qos_and_billcode_reach_the_provider_and_split_batches(start_api, make_user, make_engine, tmp_path):
    b = await provider(start_api, make_user)
    a = await client_engine(make_engine, tmp_path, b.url + "/rest/v1")
    try:
        await a.stop_gateway("Retarus")
        sent = settle(a, m.SENT, 4)
        a.queue_messages([OutboundRequest(["+4917615500001", "+4917615500002"], "Same text", priority=1,
                                          billcode="Dept 42")])
        a.queue_messages([OutboundRequest(["+4917615500003"], "Same text", priority=1, billcode="Dept 7")])
        a.queue_messages([OutboundRequest(["+4917615500004"], "Same text")])
        await a.start_gateway("Retarus")
        await asyncio.wait_for(sent, 10)
        assert a.gateways["Retarus"].jobs_posted == 3  # equal options only share a job
        with b.ctx.engine.db.session() as s:
            remote = {r.recipient: r for r in s.exec(select(Message))}
            jobs = {j.id: json.loads(j.options) for j in s.exec(select(Job))}
        for number, billcode in (("+4917615500001", "Dept 42"), ("+4917615500002", "Dept 42"),
                                 ("+4917615500003", "Dept 7")):
            row = remote[number]
            assert row.billcode == billcode and row.priority == QOS_PRIORITY["EXPRESS"]
            assert jobs[row.job_id]["qos"] == "EXPRESS" and jobs[row.job_id]["billcode"] == billcode
        normal = remote["+4917615500004"]
        assert normal.priority == QOS_PRIORITY["NORMAL"] and normal.billcode == ""
        assert jobs[normal.job_id]["qos"] == "NORMAL" and "billcode" not in jobs[normal.job_id]
    finally:
        await a.stop()


async def test_statuses_still_arrive_after_the_sending_console_restarts(start_api, make_user, make_engine, tmp_path):
    b = await provider(start_api, make_user)
    await b.ctx.engine.stop_gateway("Sim")  # the provider holds the messages: no status yet
    a = await client_engine(make_engine, tmp_path, b.url + "/rest/v1")
    numbers = [f"+4917615500{i:03d}" for i in range(3)]
    try:
        sent = settle(a, m.SENT, 3)
        result = a.queue_messages([OutboundRequest(numbers, "Tracked across a restart", status_report=True)])
        await asyncio.wait_for(sent, 10)
        assert len(a.gateways["Retarus"].tracker.jobs) == 1
    finally:
        await a.stop()  # stopped while the job is tracked
    await b.ctx.engine.start_gateway("Sim")  # meanwhile the provider delivers them
    again = make_engine(url=f"sqlite:///{tmp_path / 'client.db'}")
    delivered = settle(again, m.DELIVERED, 3)
    await again.start()
    try:
        await asyncio.wait_for(delivered, 10)
        with b.ctx.engine.db.session() as s:
            remote = {r.customer_ref: r for r in s.exec(select(Message))}
        for msg in result.accepted:
            view = again.message(msg.id)
            assert view.status == m.DELIVERED and view.reason == remote[view.uid].reason
        assert again.gateways["Retarus"].tracker.jobs == {}  # every recipient final: no more polling
    finally:
        await again.stop()


async def test_statuses_older_than_the_tracking_age_are_not_asked_for_again(start_api, make_user, make_engine,
                                                                            tmp_path):
    b = await provider(start_api, make_user)
    await b.ctx.engine.stop_gateway("Sim")
    a = await client_engine(make_engine, tmp_path, b.url + "/rest/v1", status_max_age=1.0)
    try:
        sent = settle(a, m.SENT, 2)
        [old, recent] = a.queue_messages([OutboundRequest(["+4917615500001"], "Old"),
                                          OutboundRequest(["+4917615500002"], "Recent")]).accepted
        await asyncio.wait_for(sent, 10)
    finally:
        await a.stop()
    again = make_engine(url=f"sqlite:///{tmp_path / 'client.db'}")
    with again.db.session() as s:
        row = s.get(Message, old.id)
        row.sent_at = row.sent_at - timedelta(hours=2)
        s.add(row)
        s.commit()
    await again.start()
    try:
        jobs = again.gateways["Retarus"].tracker.jobs
        assert [set(j.refs) for j in jobs.values()] == [{recent.uid}]
    finally:
        await again.stop()


async def test_messages_handed_over_one_at_a_time_share_jobs(start_api, make_user, make_engine, tmp_path):
    import math
    import time

    b = await provider(start_api, make_user)
    a = await client_engine(make_engine, tmp_path, b.url + "/rest/v1", batch_wait=0.05)
    try:
        sent = settle(a, m.SENT, 200)
        started = time.monotonic()
        for i in range(200):  # one request each, as API clients send them
            a.queue_messages([OutboundRequest([f"+4917615501{i:03d}"], "Same text for all")])
            await asyncio.sleep(0.0005)
        spread = time.monotonic() - started
        await asyncio.wait_for(sent, 20)
        jobs = a.gateways["Retarus"].jobs_posted
        print(f"\n200 messages handed over one at a time in {spread:.2f} s: {jobs} jobs")
        # each job gathers everything of one batch_wait at least: one job per message before
        assert jobs <= math.ceil(spread / 0.05) + 1 and jobs <= 50, (jobs, spread)
    finally:
        await a.stop()
