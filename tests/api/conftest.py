"""HTTP fixtures shared by the API tests: a started engine with an ApiServer on
an ephemeral 127.0.0.1 port, and console users.

``start_api(engine=None, gateways=..., api=...)`` starts the engine (by default
with one fast simulated gateway named "Sim") and an :class:`ApiServer` bound to
127.0.0.1 port 0; ``server.url`` is its base URL and ``server.ctx.engine`` the
engine. Everything started is stopped when the test ends.
``make_user(engine, name, password, admin=..., privileges=..., enabled=...)``
stores a user the API accepts.
"""

from __future__ import annotations

import json

import pytest

from app.api.server import ApiServer
from app.config import Config
from app.store.models import User
from app.store.passwords import hash_password

#: A simulated gateway that sends and reports at once.
FAST_SIM = {"Sim": ("simulator", {"send_delay": 0.0, "report_delay": 0.0})}


@pytest.fixture
def make_user():
    def make(engine, name: str = "alice", password: str = "secret", *, admin: bool = False,
             privileges: tuple[str, ...] = (), enabled: bool = True) -> tuple[str, str]:
        with engine.db.session() as s:
            s.add(User(name=name, password_hash=hash_password(password), admin=admin, enabled=enabled,
                       privileges=json.dumps(list(privileges))))
            s.commit()
        return name, password

    return make


@pytest.fixture
async def start_api(make_engine):
    started: list[tuple] = []

    async def start(engine=None, *, gateways: dict | None = None, api: dict | None = None,
                    front_ends: tuple[str, ...] | None = None) -> ApiServer:
        engine = engine or make_engine()
        for name, (kind, settings) in (FAST_SIM if gateways is None else gateways).items():
            engine.add_gateway(name, kind, settings)
        await engine.start()
        cfg = Config()
        cfg.api.update({"listen": "127.0.0.1:0", **(api or {})})
        kwargs = {"front_ends": front_ends} if front_ends is not None else {}
        server = ApiServer(engine, cfg, **kwargs)
        started.append((engine, server))
        await server.start()
        return server

    yield start
    for engine, server in reversed(started):
        await server.stop()
        if engine.started:
            await engine.stop()
