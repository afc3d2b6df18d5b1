"""The Retarus gateway against a small scripted provider on 127.0.0.1 that
answers 429, 5xx, 401, 409, 422, slowly, or drops the connection."""

from __future__ import annotations

import asyncio
import os
import socket
import time

import pytest
from aiohttp import web

from app.engine.requests import OutboundRequest
from app.gateways.base import GatewayState
from app.gateways.credentials import CredentialError, resolve_password
from app.gateways.retarus_status import outcome
from app.store import models as m
from tests.gateways.test_retarus_roundtrip import settle


class Provider:
    """A Retarus-like endpoint; ``script`` holds what the next POSTs /jobs do, then it accepts."""

    def __init__(self):
        self.script: list = []
        self.posts: list[tuple[float, dict]] = []
        self.jobs: dict[str, dict] = {}
        self.app = web.Application()
        self.app.router.add_post("/rest/v1/jobs", self.post)
        self.app.router.add_get("/rest/v1/jobs", self.list_jobs)
        self.app.router.add_get("/rest/v1/sms", self.sms)

    async def start(self) -> str:
        self.runner = web.AppRunner(self.app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        return f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/rest/v1"

    def create(self, body) -> str:
        job_id = f"J.20300101-000000.000-{len(self.jobs):018d}"
        self.jobs[job_id] = body
        return job_id

    async def post(self, request):
        body = await request.json()
        self.posts.append((time.monotonic(), body))
        step = self.script.pop(0) if self.script else "accept"
        if step == "accept":
            return web.json_response({"jobId": self.create(body)}, status=201)
        if step == "slow-accept":  # creates the job, answers too late
            self.create(body)
            await asyncio.sleep(5)
        if step == "drop":  # closes the connection without creating anything
            request.transport.close()
            await asyncio.sleep(5)
        status, headers = step if isinstance(step, tuple) else (step, {})
        return web.json_response({"code": status, "message": f"scripted {status}"}, status=status, headers=headers)

    async def list_jobs(self, request):
        return web.json_response([{"jobId": j, "customerRef": b["options"]["customerRef"]}
                                  for j, b in self.jobs.items()])

    async def sms(self, request):
        body = self.jobs[request.query["jobId"]]
        return web.json_response([{"smsId": f"S.{i}", "dst": r["dst"], "customerRef": r["customerRef"],
                                   "processStatus": "OPEN"}
                                  for i, r in enumerate(body["messages"][0]["recipients"])])


@pytest.fixture
async def provider():
    p = Provider()
    p.url = await p.start()
    yield p
    await p.runner.cleanup()


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/rest/v1"


async def gateway_engine(make_engine, url: str, **settings):
    engine = make_engine()
    engine.add_gateway("Retarus", "retarus", {"url": url, "username": "u", "password": "p", "backoff": 0.01,
                                              "poll_interval": 60.0, **settings})
    await engine.start()
    return engine


async def send_one(engine, status: str, text: str = "hello"):
    done = settle(engine, status, 1)
    [msg] = engine.queue_messages([OutboundRequest(["+4917615500001"], text)]).accepted
    await asyncio.wait_for(done, 10)
    return engine.message(msg.id)


async def test_429_waits_for_retry_after_and_posts_again(make_engine, provider):
    provider.script = [(429, {"Retry-After": "1"})]
    engine = await gateway_engine(make_engine, provider.url)
    try:
        msg = await send_one(engine, m.SENT)
        assert len(provider.posts) == 2 and len(provider.jobs) == 1
        assert provider.posts[1][0] - provider.posts[0][0] >= 0.9
        assert msg.status == m.SENT
    finally:
        await engine.stop()


async def test_5xx_backs_off_and_fails_over_to_the_secondary(make_engine, provider):
    primary = Provider()
    primary.script = [500] * 100
    try:
        engine = await gateway_engine(make_engine, await primary.start(), secondary_url=provider.url)
        msg = await send_one(engine, m.SENT)
        assert len(primary.posts) == 1 and len(provider.jobs) == 1
        assert engine.gateways["Retarus"].info()["url"] == provider.url
        assert msg.status == m.SENT
    finally:
        await engine.stop()
        await primary.runner.cleanup()


async def test_refused_connection_fails_over_to_the_secondary(make_engine, provider):
    engine = await gateway_engine(make_engine, closed_port_url(), secondary_url=provider.url)
    try:
        await send_one(engine, m.SENT)
        assert len(provider.jobs) == 1
    finally:
        await engine.stop()


async def test_provider_down_after_retries_sends_the_message_back_to_the_queue(make_engine, provider):
    provider.script = [503] * 100
    engine = await gateway_engine(make_engine, provider.url, retries=2)
    try:
        msg = await send_one(engine, m.QUEUED)
        assert len(provider.posts) == 3 and not provider.jobs
        assert "provider unavailable" in msg.reason and "503" in msg.reason
    finally:
        await engine.stop()


async def test_401_stops_sending_and_keeps_messages_queued(make_engine, provider):
    provider.script = [401]
    engine = await gateway_engine(make_engine, provider.url)
    try:
        gw = engine.gateways["Retarus"]
        msg = await send_one(engine, m.QUEUED)
        assert gw.state == GatewayState.AUTH_FAILED and "401" in gw.state_reason
        assert engine.gateway_views()[0].state == "authentication failed"
        engine.dispatcher.tick()
        assert len(provider.posts) == 1 and engine.message(msg.id).status == m.QUEUED
        sent = settle(engine, m.SENT, 1)
        await engine.start_gateway("Retarus")  # after the operator fixed the credentials
        await asyncio.wait_for(sent, 10)
        assert gw.state == GatewayState.RUNNING and len(provider.jobs) == 1
    finally:
        await engine.stop()


@pytest.mark.parametrize("status,words", [(422, "refused by the provider: 422: scripted 422"),
                                          (400, "refused by the provider: 400: scripted 400"),
                                          (409, "duplicate")])
async def test_refusals_fail_the_messages_with_the_servers_reason(make_engine, provider, status, words):
    provider.script = [status]
    engine = await gateway_engine(make_engine, provider.url)
    try:
        msg = await send_one(engine, m.FAILED)
        assert words in msg.reason and len(provider.posts) == 1
    finally:
        await engine.stop()


async def test_unanswered_post_that_created_the_job_is_not_posted_again(make_engine, provider):
    provider.script = ["slow-accept"]
    engine = await gateway_engine(make_engine, provider.url, timeout=0.3)
    try:
        msg = await send_one(engine, m.SENT)
        assert len(provider.posts) == 1 and len(provider.jobs) == 1
        job_id = next(iter(provider.jobs))
        assert msg.status == m.SENT
        assert engine.gateways["Retarus"].tracker.jobs[job_id]
    finally:
        await engine.stop()


async def test_dropped_post_that_created_nothing_is_posted_again_once(make_engine, provider):
    provider.script = ["drop"]
    engine = await gateway_engine(make_engine, provider.url, timeout=2.0)
    try:
        await send_one(engine, m.SENT)
        assert len(provider.posts) == 2 and len(provider.jobs) == 1
        assert provider.posts[0][1]["options"]["customerRef"] == provider.posts[1][1]["options"]["customerRef"]
    finally:
        await engine.stop()


async def test_batch_payload_carries_the_options(make_engine, provider):
    engine = await gateway_engine(make_engine, provider.url, duplicate_detection=True)
    try:
        done = settle(engine, m.SENT, 2)
        engine.queue_messages([OutboundRequest(["+4917615500001", "+4917615500002"], "Grüße ✓", sender="Shop",
                                               status_report=True, flash=True, validity_seconds=600)])
        await asyncio.wait_for(done, 10)
        [(_, body)] = provider.posts
        opts = body["options"]
        assert opts["src"] == "Shop" and opts["encoding"] == "UTF-16" and opts["flash"] is True
        assert opts["statusRequested"] is True and opts["validityMin"] == 10 and opts["duplicateDetection"] is True
        assert opts["customerRef"].startswith("SMSC.") and opts["maxParts"] == 1
        [message] = body["messages"]
        assert message["text"] == "Grüße ✓" and [r["dst"] for r in message["recipients"]] == [
            "+4917615500001", "+4917615500002"]
    finally:
        await engine.stop()


@pytest.mark.parametrize("report,expected", [
    ({"processStatus": "DONE", "status": "SUC_FIN"}, "delivered"),
    ({"processStatus": "DONE", "status": "SUC_ACC"}, None),
    ({"processStatus": "OPEN", "status": "SUC_ACC"}, None),
    ({"processStatus": "OPEN"}, None),
    ({"processStatus": "DONE", "status": "FAILED_FIN"}, "undelivered"),
    ({"processStatus": "DONE", "status": "TIMEOUT"}, "undelivered"),
    ({"processStatus": "DONE", "status": "INVALID_DST"}, "failed"),
    ({"processStatus": "DONE", "status": "BLOCKED"}, "failed"),
    ({"processStatus": "DONE", "status": "SEND_ERR"}, "failed"),
    ({"processStatus": "CANCELED"}, "failed"),
])
def test_retarus_statuses_map_onto_console_outcomes(report, expected):
    assert outcome(report) == expected


# --- credentials -----------------------------------------------------------------------


def test_password_from_environment_keyring_or_private_file(tmp_path, monkeypatch):
    monkeypatch.setenv("RETARUS_PW", "from-env")
    assert resolve_password("R", {"password_env": "RETARUS_PW"}) == "from-env"
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[gateways]\nR = "from-file"\n')
    os.chmod(secrets, 0o600)
    assert resolve_password("R", {"credentials_file": str(secrets)}) == "from-file"
    os.chmod(secrets, 0o644)
    with pytest.raises(CredentialError, match="chmod 600"):
        resolve_password("R", {"credentials_file": str(secrets)})
    with pytest.raises(CredentialError, match="RETARUS_MISSING is not set"):
        resolve_password("R", {"password_env": "RETARUS_MISSING"})
    with pytest.raises(CredentialError, match="no password"):
        resolve_password("R", {"credentials_file": str(tmp_path / "none.toml")})


async def test_gateway_without_a_password_shows_why_it_cannot_start(make_engine, provider):
    engine = make_engine()
    engine.add_gateway("Retarus", "retarus", {"url": provider.url, "username": "u",
                                              "credentials_file": "/nonexistent/secrets.toml"})
    await engine.start()
    try:
        gw = engine.gateways["Retarus"]
        assert gw.state == GatewayState.ERROR and "no password" in gw.state_reason
    finally:
        await engine.stop()


async def test_the_traffic_log_shows_each_request_and_its_answer(make_engine, provider):
    primary = Provider()
    primary.script = [500] * 100
    try:
        primary_url = await primary.start()
        engine = await gateway_engine(make_engine, primary_url, secondary_url=provider.url, retries=1)
        await send_one(engine, m.SENT)
        shown = [(t.direction, t.text) for t in reversed(engine.gateway_traffic("Retarus"))]
        assert shown[:2] == [("out", f"POST {primary_url}/jobs (1 recipient)"),
                             ("in", '500 Internal Server Error: {"code": 500, "message": "scripted 500"}')]
        [job_id] = provider.jobs
        assert ("out", f"POST {provider.url}/jobs (1 recipient)") in shown
        assert ("in", f'201 Created: {{"jobId": "{job_id}"}}') in shown
        assert not [text for _, text in shown if "Basic" in text or ":p@" in text]  # no credentials
    finally:
        await engine.stop()
        await primary.runner.cleanup()


async def test_the_traffic_log_says_when_no_answer_came(make_engine, provider):
    url = closed_port_url()
    engine = await gateway_engine(make_engine, url, secondary_url=provider.url)
    try:
        await send_one(engine, m.SENT)
        shown = [(t.direction, t.text) for t in reversed(engine.gateway_traffic("Retarus"))]
        assert shown[0] == ("out", f"POST {url}/jobs (1 recipient)")
        assert shown[1][0] == "in" and shown[1][1].startswith(f"no answer to POST {url}/jobs: ")
    finally:
        await engine.stop()
