"""The served Retarus REST v1 API over real HTTP on 127.0.0.1: jobs, reports,
authentication and every error status."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from app.engine import events as ev
from app.store import models as m
from app.store.models import Job
from tests.conftest import next_event


async def watch(engine, predicate):
    """Start waiting for an event now (a task), before the request that causes it."""
    task = asyncio.ensure_future(next_event(engine, predicate))
    await asyncio.sleep(0)
    return task

JOB_ID = re.compile(r"^J\..{18,38}$")
SMS_ID = re.compile(r"^S\.\d{8}-\d{6}\.\d{3}-[A-Za-z0-9]{18}$")


def job(*recipients: str, text: str = "Hello Germany...", **options) -> dict:
    return {"options": options, "messages": [{"text": text, "recipients": [{"dst": r} for r in recipients]}]}


@pytest.fixture
async def api(start_api, make_user):
    """A served engine with user alice/secret and a client logged in as her."""
    server = await start_api()
    make_user(server.ctx.engine, "alice", "secret")
    async with httpx.AsyncClient(base_url=server.url + "/rest/v1", auth=("alice", "secret")) as client:
        client.server = server
        client.engine = server.ctx.engine
        yield client


async def test_job_is_created_sent_and_reported_delivered(api):
    body = {
        "options": {"src": "retarusREST", "statusRequested": True, "customerRef": "JOBREF.000001",
                    "billcode": "Billingcode", "qos": "EXPRESS", "validityMin": 5, "encoding": "STANDARD"},
        "messages": [
            {"text": "Hello Germany...", "recipients": [{"dst": "+4917615500001", "customerRef": "RECIREF.001"},
                                                         {"dst": "+4917500001"}]},
            {"text": "Hello USA...", "recipients": [{"dst": "+17615500002", "customerRef": "RECIREF.003"}]},
        ],
    }
    delivered = 0

    def count(e):
        nonlocal delivered
        delivered += isinstance(e, ev.MessageChanged) and e.message.status == m.DELIVERED
        return delivered == 3

    waiter = await watch(api.engine, count)
    r = await api.post("/jobs", json=body)
    assert r.status_code == 201, r.text
    job_id = r.json()["jobId"]
    assert JOB_ID.match(job_id)
    await waiter

    r = await api.get(f"/jobs/{job_id}")
    report = r.json()
    assert r.status_code == 200
    assert report["jobId"] == job_id and report["src"] == "retarusREST" and report["encoding"] == "standard"
    assert report["billcode"] == "Billingcode" and report["customerRef"] == "JOBREF.000001"
    assert report["statusRequested"] is True and report["qos"] == "EXPRESS" and report["validityMin"] == 5
    assert len(report["recipientIds"]) == 3 and all(SMS_ID.match(i) for i in report["recipientIds"])
    with api.engine.db.session() as s:  # the job's reference is its own column, as a search would use it
        assert s.get(Job, job_id).customer_ref == "JOBREF.000001"
    assert datetime.fromisoformat(report["finishedTs"]) >= datetime.fromisoformat(report["receiptTs"])

    r = await api.get("/sms", params={"jobId": job_id})
    reports = r.json()
    assert [x["smsId"] for x in reports] == report["recipientIds"]
    assert [x["dst"] for x in reports] == ["+4917615500001", "+4917500001", "+17615500002"]
    assert [x["customerRef"] for x in reports] == ["RECIREF.001", "+4917500001", "RECIREF.003"]
    assert {(x["processStatus"], x["status"]) for x in reports} == {("DONE", "SUC_FIN")}
    assert all(x["reason"] and x["sentTs"] and x["finishedTs"] for x in reports)

    msg = api.engine.message(report["recipientIds"][0])
    assert msg.job_id == job_id and msg.sender == "retarusREST" and msg.priority == 1 and msg.user == "alice"


async def test_report_of_a_job_still_open_has_no_finished_time(api):
    await api.engine.stop_gateway("Sim")
    r = await api.post("/jobs", json=job("+4917615500001"))
    job_id = r.json()["jobId"]
    report = (await api.get(f"/jobs/{job_id}")).json()
    assert "finishedTs" not in report and len(report["recipientIds"]) == 1
    [rcp] = (await api.get("/sms", params={"jobId": job_id})).json()
    assert rcp["processStatus"] == "OPEN" and "status" not in rcp and "finishedTs" not in rcp


async def test_sent_without_report_is_done_accepted_and_cancelled_is_canceled(api):
    waiter = await watch(api.engine, lambda e: isinstance(e, ev.MessageChanged) and e.message.status == m.SENT)
    sent_job = (await api.post("/jobs", json=job("+4917615500001"))).json()["jobId"]
    await waiter
    [rcp] = (await api.get("/sms", params={"jobId": sent_job})).json()
    assert (rcp["processStatus"], rcp["status"], rcp["reason"]) == ("DONE", "SUC_ACC", "Accepted.")

    await api.engine.stop_gateway("Sim")
    cancelled_job = (await api.post("/jobs", json=job("+4917615500002"))).json()["jobId"]
    [rcp] = (await api.get("/sms", params={"jobId": cancelled_job})).json()
    api.engine.cancel([api.engine.message(rcp["smsId"]).id])
    [rcp] = (await api.get("/sms", params={"jobId": cancelled_job})).json()
    assert (rcp["processStatus"], rcp["status"]) == ("CANCELED", "NOT_ACC_REC")
    assert "finishedTs" in (await api.get(f"/jobs/{cancelled_job}")).json()


async def test_version(api):
    r = await api.get("/version")
    assert r.status_code == 200
    assert {"buildNumber", "buildTimestamp", "majorVersion", "minorVersion", "versionInfo", "message"} <= set(r.json())


# --- authentication ------------------------------------------------------------


@pytest.mark.parametrize("auth", [None, ("alice", "wrong"), ("nobody", "secret")])
async def test_bad_credentials_answer_401_with_a_reason(api, auth):
    async with httpx.AsyncClient(base_url=str(api.base_url), auth=auth) as client:
        r = await client.post("/jobs", json=job("+4917615500001"))
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"].startswith("Basic")
    assert r.json()["code"] == 401 and r.json()["message"]
    assert api.engine.queue_length() == 0


async def test_disabled_and_stopped_users_are_refused(api, make_user):
    make_user(api.engine, "bob", "pw", enabled=False)
    async with httpx.AsyncClient(base_url=str(api.base_url), auth=("bob", "pw")) as client:
        r = await client.get("/version")
    assert r.status_code == 401 and "disabled" in r.json()["message"]

    assert (await api.get("/version")).status_code == 200
    api.engine.sessions.stop_customer("alice")
    r = await api.get("/version")
    assert r.status_code == 401 and "stopped" in r.json()["message"]
    api.engine.sessions.unblock("alice")
    assert (await api.get("/version")).status_code == 200


async def test_requests_open_a_customer_session(api):
    await api.get("/version")
    [sess] = api.engine.sessions.customers.values()
    assert (sess.user, sess.ip, sess.protocol) == ("alice", "127.0.0.1", "retarus")


async def test_stopped_connector_refuses_clients(api):
    await api.engine.connectors.stop("retarus")
    r = await api.get("/version")
    assert r.status_code == 503 and "stopped" in r.json()["message"]


# --- rate limit ------------------------------------------------------------------


async def test_more_requests_than_the_limit_in_10_seconds_answer_429(start_api, make_user):
    server = await start_api(api={"rate_limit": 3})
    make_user(server.ctx.engine, "alice", "secret")
    make_user(server.ctx.engine, "carol", "pw")
    async with httpx.AsyncClient(base_url=server.url + "/rest/v1", auth=("alice", "secret")) as client:
        codes = [(await client.get("/version")).status_code for _ in range(4)]
        r = await client.post("/jobs", json=job("+4917615500001"))
    assert codes == [200, 200, 200, 429]
    assert r.status_code == 429 and 1 <= int(r.headers["Retry-After"]) <= 10 and r.json()["code"] == 429
    assert server.ctx.engine.queue_length() == 0
    async with httpx.AsyncClient(base_url=server.url + "/rest/v1", auth=("carol", "pw")) as client:
        assert (await client.get("/version")).status_code == 200


# --- POST /jobs refusals -----------------------------------------------------------

BAD_OPTIONS = [
    {"qos": "FAST"}, {"encoding": "latin1"}, {"validityMin": 4}, {"validityMin": 2881}, {"validityMin": "ten"},
    {"maxParts": 0}, {"maxParts": 21}, {"invalidCharacters": "DROP"}, {"jobPeriod": "tomorrow"},
    {"blackoutPeriods": ["2030-01-01T10:00:00Z"]}, {"blackoutPeriods": ["2030-01-01T10:00:00Z/2030-01-01T09:00Z"]},
    {"flash": "maybe"}, {"statusRequested": 1}, {"billcode": "x" * 71}, {"customerRef": "x" * 65},
    {"src": "a very long sender id"}, {"colour": "red"},
]


@pytest.mark.parametrize("options", BAD_OPTIONS, ids=lambda o: f"{next(iter(o))}={next(iter(o.values()))!r}"[:40])
async def test_invalid_option_values_answer_400(api, options):
    r = await api.post("/jobs", json=job("+4917615500001", **options))
    assert r.status_code == 400, r.text
    assert r.json()["code"] == 400 and next(iter(options)) in r.json()["message"]
    assert api.engine.queue_length() == 0


async def test_body_that_is_not_json_answers_400(api):
    r = await api.post("/jobs", content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["code"] == 400


UNPROCESSABLE = [
    ({"options": {}}, "no messages"),
    ({"messages": []}, "no messages"),
    ({"messages": [{"text": "hi", "recipients": []}]}, "no recipients"),
    ({"messages": [{"text": "", "recipients": [{"dst": "+4917615500001"}]}]}, "no text"),
    ({"messages": [{"text": "hi", "recipients": [{"dst": "+4917615500001"}, {"dst": "call me"}]}]}, "call me"),
    (job("+4917615500001", text="Ω unicode ✓", encoding="STANDARD", invalidCharacters="REFUSE"), "✓"),
    (job(*[f"+49176{i:08d}" for i in range(3001)]), "3000"),
]


@pytest.mark.parametrize("body,words", UNPROCESSABLE, ids=[w for _, w in UNPROCESSABLE])
async def test_jobs_with_nothing_sendable_answer_422_and_store_nothing(api, body, words):
    r = await api.post("/jobs", json=body)
    assert r.status_code == 422, r.text
    assert r.json()["code"] == 422 and words in r.json()["message"]
    assert api.engine.queue_length() == 0 and api.engine.status_counts() == {}


async def test_a_job_of_3000_recipients_is_accepted(api):
    await api.engine.stop_gateway("Sim")
    r = await api.post("/jobs", json=job(*[f"+49176{i:08d}" for i in range(3000)]))
    assert r.status_code == 201
    assert api.engine.queue_length() == 3000


async def test_duplicate_detection_answers_409_for_a_repeated_job(api):
    await api.engine.stop_gateway("Sim")
    first = await api.post("/jobs", json=job("+4917615500001", "+4917615500002", duplicateDetection=True))
    assert first.status_code == 201
    again = await api.post("/jobs", json=job("+4917615500003", "+4917615500002", duplicateDetection="TRUE"))
    assert again.status_code == 409 and again.json()["code"] == 409 and "+4917615500002" in again.json()["message"]
    assert api.engine.queue_length() == 2  # nothing of the refused job was stored
    without = await api.post("/jobs", json=job("+4917615500002", duplicateDetection=False))
    assert without.status_code == 201
    other_text = await api.post("/jobs", json=job("+4917615500002", text="Other", duplicateDetection=True))
    assert other_text.status_code == 201


async def test_other_users_jobs_are_not_found(api, make_user):
    make_user(api.engine, "bob", "pw")
    job_id = (await api.post("/jobs", json=job("+4917615500001"))).json()["jobId"]
    async with httpx.AsyncClient(base_url=str(api.base_url), auth=("bob", "pw")) as client:
        assert (await client.get(f"/jobs/{job_id}")).status_code == 404
        assert (await client.get("/sms", params={"jobId": job_id})).status_code == 404
        assert (await client.get("/jobs")).json() == []
    assert (await api.get("/sms")).status_code == 400


# --- GET /jobs --------------------------------------------------------------------


async def test_job_list_filters_by_time_open_limit_and_offset(api):
    await api.engine.stop_gateway("Sim")
    ids = [(await api.post("/jobs", json=job(f"+491761550000{i}"))).json()["jobId"] for i in range(3)]
    listed = (await api.get("/jobs", params={"jobIdsOnly": "TRUE"})).json()
    assert [j["jobId"] for j in listed] == ids
    assert [j["jobId"] for j in (await api.get("/jobs", params={"limit": 2, "offset": 1})).json()] == ids[1:]
    api.engine.cancel([api.engine.message((await api.get(f"/jobs/{ids[0]}")).json()["recipientIds"][0]).id])
    assert [j["jobId"] for j in (await api.get("/jobs", params={"open": "True"})).json()] == ids[1:]
    assert [j["jobId"] for j in (await api.get("/jobs", params={"open": "false"})).json()] == ids[:1]
    later = (datetime.now(timezone.utc) + timedelta(hours=1)).isoformat()
    assert (await api.get("/jobs", params={"fromTs": later,
                                           "toTs": (datetime.now(timezone.utc) + timedelta(hours=2)).isoformat()}
                          )).json() == []


@pytest.mark.parametrize("params", [
    {"jobIdsOnly": "false"}, {"limit": 0}, {"limit": 1001}, {"offset": -1}, {"open": "perhaps"},
    {"fromTs": "2030-01-01T00:00:00Z", "toTs": "2030-02-01T00:00:01Z"},
    {"fromTs": "2030-01-02T00:00:00Z", "toTs": "2030-01-01T00:00:00Z"}, {"fromTs": "yesterday"},
])
async def test_invalid_job_list_parameters_answer_400(api, params):
    r = await api.get("/jobs", params=params)
    assert r.status_code == 400 and r.json()["code"] == 400
