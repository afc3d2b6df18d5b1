"""Consoles sharing one PostgreSQL store register under their names (SMSCONSOLE_TEST_PG_URL)."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import update

from app.config import Config
from app.engine import instances
from app.engine.engine import Engine
from app.engine.instances import InstanceNameInUse
from app.engine.requests import OutboundRequest
from app.runtime import engine_for
from app.store import models as m

from .consoles import console, needs_postgres
from .scripted_gateway import KIND

pytestmark = needs_postgres


def set_row(engine: Engine, name: str, **values) -> None:
    with engine.db.engine.begin() as conn:
        conn.execute(update(instances.I).where(instances.I.c.name == name).values(**values))


async def test_a_second_console_of_a_live_name_is_refused_and_leaves_the_first_ones_claims(pg_url):
    first = console(pg_url, "one")
    first.add_gateway("G", KIND, {"window": 5})
    await first.start()
    first.gateways["G"].hold = asyncio.Event()
    first.queue_messages([OutboundRequest([f"+1555{i:07d}" for i in range(5)], "mine")])
    while first.status_counts() != {m.SENDING: 5}:
        await asyncio.sleep(0.05)
    second = console(pg_url, "one")
    try:
        with pytest.raises(InstanceNameInUse) as refused:
            await second.start()
        text = str(refused.value)
        assert "'one' is in use by the console on " + socket.gethostname() in text and "\n" not in text
        assert first.status_counts() == {m.SENDING: 5}, "the live console's claims are left alone"
        [view] = [v for v in first.cluster.instances() if v.name == "one"]
        assert view.state == "running" and view.pid == os.getpid() and view.heartbeat_age < instances.STALE
    finally:
        second.db.close()
        first.gateways["G"].hold.set()
        await first.stop()
    # stopped cleanly: the name is free at once
    third = console(pg_url, "one")
    await third.start()
    assert third.cluster.registered
    await third.stop()


async def test_a_name_whose_heartbeat_stopped_or_whose_process_ended_is_free(pg_url):
    first = console(pg_url, "one")
    first.cluster.register()
    set_row(first, "one", host="elsewhere", heartbeat_at=datetime.now(timezone.utc) - timedelta(minutes=5))
    again = console(pg_url, "one")
    again.cluster.register()  # the other host's console has been silent for longer than STALE
    assert again.cluster.registered
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    set_row(again, "one", pid=dead.pid)  # same host, fresh heartbeat, but its process has ended
    third = console(pg_url, "one")
    third.cluster.register()
    assert third.cluster.registered
    assert not again.cluster.beat(), "the older run learns that its name was taken"
    assert again.cluster.lost and again.dispatcher._snapshot(again.clock.now()).room == {}, "and takes nothing"
    for e in (first, again, third):
        e.db.close()


async def test_the_heartbeat_keeps_a_name_and_shows_the_console(pg_url):
    engine = console(pg_url, "one")
    engine.add_gateway("G", KIND, {})
    await engine.start()
    try:
        set_row(engine, "one", heartbeat_at=datetime.now(timezone.utc) - timedelta(seconds=10))
        assert await asyncio.get_running_loop().run_in_executor(engine.store_lane, engine.cluster.beat, 2.5, ("G",))
        [view] = engine.cluster.instances()
        assert (view.state, view.send_rate, view.gateways) == ("running", 2.5, ("G",))
        assert view.heartbeat_age < 2
    finally:
        await engine.stop()
    [view] = console(pg_url, "x").cluster.instances()
    assert view.state == "stopped"


def test_the_default_name_on_a_shared_store_is_the_host_name(pg_url, tmp_path):
    shared = engine_for(Config(), pg_url)
    own = engine_for(Config(), f"sqlite:///{tmp_path / 'own.db'}")
    assert shared.instance_id == socket.gethostname() and own.instance_id == "local"
    shared.db.close()
    own.db.close()


def test_serve_refuses_a_live_name_with_one_line(pg_url, tmp_path):
    live = console(pg_url, "desk")
    live.cluster.register()
    set_row(live, "desk", host="otherhost", pid=4242)
    config = tmp_path / "console.toml"
    config.write_text('[store]\ninstance = "desk"\n\n[api]\nenabled = false\n')
    run = subprocess.run([sys.executable, "-m", "app.cli", "serve", "--config", str(config), "--db", pg_url],
                         capture_output=True, text=True, timeout=60, cwd=Path(__file__).parents[2])
    assert run.returncode == 2
    lines = [ln for ln in run.stderr.splitlines() if ln.startswith("smsconsole:")]
    assert len(lines) == 1 and "Traceback" not in run.stderr, run.stderr
    assert lines[0].startswith("smsconsole: instance name 'desk' is in use by the console on otherhost (pid 4242, "
                               "last heartbeat ")
    assert lines[0].endswith("s ago): give each console sharing the store its own [store] instance")
    live.db.close()
