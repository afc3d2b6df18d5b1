"""Every Retarus option has its effect on the console's messages, end to end
through the served API (the engine's clock is a ManualClock)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import httpx
import pytest
from sqlmodel import select

from app.engine.clock import ManualClock
from app.store import models as m
from app.store.models import Message

NOW = datetime(2030, 9, 24, 10, 0, tzinfo=timezone.utc)


@pytest.fixture
async def api(start_api, make_engine, make_user):
    clock = ManualClock(NOW)
    engine = make_engine(clock=clock)
    make_user(engine, "alice", "secret")
    server = await start_api(engine)
    engine.pause_gateway("Sim")  # messages stay where the test looks at them
    async with httpx.AsyncClient(base_url=server.url + "/rest/v1", auth=("alice", "secret")) as client:
        client.engine, client.clock = engine, clock
        yield client


async def post(api, *recipients, text="Hello", **options):
    r = await api.post("/jobs", json={"options": options, "messages": [
        {"text": text, "recipients": [r if isinstance(r, dict) else {"dst": r} for r in recipients]}]})
    assert r.status_code == 201, r.text
    with api.engine.db.session() as s:
        return list(s.exec(select(Message).where(Message.job_id == r.json()["jobId"]).order_by(Message.id)))


async def test_job_period_schedules_and_validity_expires(api):
    [msg] = await post(api, "+4917615500001", jobPeriod="2030-09-24T14:00:00.000+02:00", validityMin=5)
    assert msg.status == m.SCHEDULED and msg.scheduled_at == NOW + timedelta(hours=2)
    assert msg.expires_at == NOW + timedelta(hours=2, minutes=5)  # validity runs from the job period
    [short] = await post(api, "+4917615500002", validityMin=5)
    assert short.expires_at == NOW + timedelta(minutes=5)
    api.clock.advance(301)
    api.engine.dispatcher.tick()
    assert api.engine.message(short.id).status == m.EXPIRED


async def test_blackout_periods_per_job_and_per_recipient_hold_messages(api):
    rows = await post(api, "+4917615500001",
                      {"dst": "+4917615500002", "blackoutPeriods": ["2030-09-24T12:00:00+02:00/2030-09-24T15:00:00+02:00"]},
                      blackoutPeriods=["2030-09-24T11:30:00+02:00/2030-09-24T12:30:00+02:00"])
    first, second = rows
    assert first.status == m.SCHEDULED and first.scheduled_at == datetime(2030, 9, 24, 10, 30, tzinfo=timezone.utc)
    assert second.status == m.SCHEDULED and second.scheduled_at == datetime(2030, 9, 24, 13, tzinfo=timezone.utc)
    api.engine.resume_gateway("Sim")
    api.clock.advance(31 * 60)
    api.engine.dispatcher.tick()
    assert api.engine.message(first.id).status in (m.SENDING, m.SENT)
    assert api.engine.message(second.id).status == m.SCHEDULED


async def test_text_options_encoding_max_parts_flash_and_invalid_characters(api):
    [ucs2] = await post(api, "+4917615500001", text="plain", encoding="utf-16")
    assert ucs2.encoding == "ucs2"
    [one] = await post(api, "+4917615500001", text="x" * 160, maxParts=1, flash="True")
    assert one.text == "x" * 160 and one.parts == 1 and one.flash
    [translit] = await post(api, "+4917615500001", text="Tschüß “quoted”", encoding="STANDARD",
                            invalidCharacters="TRANSLITERATE")
    assert translit.encoding == "gsm" and "“" not in translit.text
    [report] = await post(api, "+4917615500001", statusRequested="true", billcode="B-7", customerRef="JOB-1",
                          src="Shop")
    assert report.status_report and report.billcode == "B-7" and report.sender == "Shop"
    assert report.customer_ref == "+4917615500001"  # the recipient's own reference defaults to the number


async def test_a_text_needing_more_parts_than_allowed_is_refused_up_front(api):
    for text, options, words in (("x" * 400, {"maxParts": 2}, "more than maxParts 2"),
                                 ("x" * 15_000_000, {}, "more than the 255 parts")):
        r = await api.post("/jobs", json={"options": options, "messages": [
            {"text": text, "recipients": [{"dst": "+4917615500001"}]}]})
        assert r.status_code == 422 and words in r.json()["message"], r.text[:200]
    with api.engine.db.session() as s:
        assert s.exec(select(Message)).first() is None


async def test_express_jobs_are_sent_before_normal_ones(api):
    [normal] = await post(api, "+4917615500001", qos="NORMAL")
    [express] = await post(api, "+4917615500002", qos="express")
    gw = api.engine.gateways["Sim"]
    api.engine.resume_gateway("Sim")
    gw.window = 1
    api.engine.dispatcher.tick()
    assert api.engine.message(express.id).status == m.SENDING
    assert api.engine.message(normal.id).status == m.QUEUED


def test_finished_is_never_before_sent_when_a_modem_report_carries_an_earlier_network_time():
    from datetime import datetime, timedelta, timezone

    from app.api.retarus_reports import job_report, recipient_report
    from app.store.models import Job

    sent = datetime(2030, 9, 24, 12, 0, 5, tzinfo=timezone.utc)
    report_time = sent - timedelta(seconds=3)  # the SMSC's clock in the status report
    row = ("S.1", "+4917615500001", m.DELIVERED, True, "", "", sent, report_time, sent - timedelta(seconds=9))
    rcp = recipient_report(row)
    assert rcp["processStatus"] == "DONE" and rcp["finishedTs"] >= rcp["sentTs"]
    job = job_report(Job(id="J.1", created_at=sent - timedelta(seconds=9)), [row])
    assert datetime.fromisoformat(job["finishedTs"]) >= sent
