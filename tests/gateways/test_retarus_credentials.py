"""A provider password written in the configuration file is used by the
gateway but never stored in plain text: the store's gateway settings hold
everything of the file except its secrets."""

from __future__ import annotations

import asyncio
import json

from sqlmodel import select

from app.config import parse_config
from app.engine.configure import apply_config
from app.engine.requests import OutboundRequest
from app.store import models as m
from app.store.models import GatewayRecord
from tests.api.conftest import make_user, start_api  # noqa: F401  (fixtures)
from tests.gateways.test_retarus_roundtrip import settle

PASSWORD = "config-only-secret-7f3a"


def config(url: str):
    return parse_config({"gateways": [{"name": "Retarus", "kind": "retarus", "url": url, "username": "acct",
                                       "password": PASSWORD, "poll_interval": 0.05}]})


def stored_settings(engine) -> list[str]:
    with engine.db.session() as s:
        return [r.settings for r in s.exec(select(GatewayRecord))]


async def test_config_password_is_used_but_not_stored(start_api, make_user, make_engine, tmp_path):
    b = await start_api()
    make_user(b.ctx.engine, "acct", PASSWORD)
    url = b.url + "/rest/v1"
    a = make_engine(url=f"sqlite:///{tmp_path / 'client.db'}")
    apply_config(a, config(url))
    [settings] = stored_settings(a)
    assert PASSWORD not in settings and json.loads(settings)["url"] == url
    await a.start()
    try:
        sent = settle(a, m.SENT, 1)
        a.queue_messages([OutboundRequest(["+4917615500001"], "Hello")])
        await asyncio.wait_for(sent, 10)  # the provider accepted the configured password
        await a.set_gateway_property("Retarus", "timeout", "20")  # rebuilt from the store: still has it
        sent = settle(a, m.SENT, 1)
        a.queue_messages([OutboundRequest(["+4917615500002"], "Hello again")])
        await asyncio.wait_for(sent, 10)
        assert all(PASSWORD not in text for text in stored_settings(a))
    finally:
        await a.stop()
    raw = (tmp_path / "client.db").read_bytes()
    assert PASSWORD.encode() not in raw


async def test_a_password_stored_by_an_earlier_version_is_removed(make_engine, tmp_path):
    engine = make_engine()
    engine.add_gateway("Retarus", "retarus", {"url": "http://127.0.0.1:9/rest/v1", "username": "acct",
                                              "password": PASSWORD}, origin="config")
    assert PASSWORD in stored_settings(engine)[0]
    apply_config(engine, config("http://127.0.0.1:9/rest/v1"))
    assert PASSWORD not in stored_settings(engine)[0]
    assert engine.gateway_secrets["Retarus"] == {"password": PASSWORD}
