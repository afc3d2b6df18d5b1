"""replace_sm and what a gateway or the SMPP server holds (gateway_pending) on a PostgreSQL store
(SMSCONSOLE_TEST_PG_URL): the lifecycle's statements over arrays with the replaced columns, the table's reads
and writes, a replacement read in the message's data_coding, parts of a long message across a restart."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlmodel import select

from app.engine import gateway_pending
from app.smpp.submit import smpp_time
from app.store import models as m
from app.store.models import Job

from tests.smpp.test_replace import REPLACE_SM_RESP, replace
from tests.smpp.test_submit import stored, submit


async def test_replace_sm_on_postgresql(pg_url, make_engine, start_smpp, smpp_client):
    server = await start_smpp(make_engine(url=pg_url))
    engine = server.engine
    engine.settings["sending_paused"] = True
    client = await smpp_client(server)
    uid = (await submit(client, "erster Text")).message_id.decode()
    later = engine.clock.now() + timedelta(hours=1)
    assert await replace(client, 5, uid, b"zweiter Text", schedule=smpp_time(later),
                         registered_delivery=2) == (REPLACE_SM_RESP, 0, 5, b"")
    row = stored(engine, uid)
    assert (row.text, row.status, row.status_report) == ("zweiter Text", m.SCHEDULED, True)
    with engine.db.session() as s:
        assert s.exec(select(Job.options).where(Job.id == row.job_id)).one() == '{"registered_delivery": 2}'


async def test_gateway_pending_on_postgresql(make_engine, pg_url):
    engine = make_engine(url=pg_url)
    first = gateway_pending._keep(engine, "Up", "part", "fp1", '{"at": 1}')
    second = gateway_pending._keep(engine, "Up", "receipt", "r2", "{}")
    gateway_pending._keep(engine, "Other", "part", "fp3", "{}")
    gateway_pending._settle(engine, [first], True)
    assert [(p.key, p.done) for p in gateway_pending._load(engine, "Up")] == [("fp1", True), ("r2", False)]
    gateway_pending._settle(engine, [second], False)
    assert gateway_pending._purge(engine, "Up", datetime.now(timezone.utc) + timedelta(seconds=1)) == 1
    assert gateway_pending._load(engine, "Up") == []
    assert [p.key for p in gateway_pending._load(engine, "Other")] == ["fp3"]
    assert gateway_pending._received_fingerprints(engine, "Up", datetime.now(timezone.utc)) == []
    engine.db.close()


async def test_latin1_replace_and_parts_across_a_restart_on_postgresql(pg_url, make_engine, start_smpp,
                                                                      smpp_client):
    """The coding kept in the job's options, and held parts of a long message taken up again."""
    from tests.smpp.test_long_restart import TEXT, held, outbound, part, restart

    server = await start_smpp(make_engine(url=pg_url))
    server.engine.settings["sending_paused"] = True
    client = await smpp_client(server)
    latin = (await submit(client, "Grüße".encode("latin-1"), coding=3)).message_id.decode()
    assert (await replace(client, 6, latin, "Très bien".encode("latin-1")))[:2] == (REPLACE_SM_RESP, 0)
    assert stored(server.engine, latin).text == "Très bien"
    uid = await part(client, 1)
    await part(client, 2)
    await client.close()
    server = await restart(server, start_smpp, make_engine, url=pg_url)
    client = await smpp_client(server)
    assert await part(client, 3) == uid
    assert stored(server.engine, uid).text == TEXT and held(server.engine) == []
    assert len(outbound(server.engine)) == 2
