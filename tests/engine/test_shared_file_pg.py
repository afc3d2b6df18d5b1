"""Consoles sharing one PostgreSQL store, each with its own configuration file: a file's users and gateways
replace the store's only where the file's value is newer, dated by the store's clock however far a host's
clock is off; running consoles follow what another one changes (SMSCONSOLE_TEST_PG_URL)."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import select

from app.api.auth import AuthError
from app.api.server import ApiServer
from app.config import Config, load_config
from app.engine.clock import Clock
from app.engine.configure import apply_config
from app.engine.engine import Engine
from app.engine.gateway_properties import _store_property
from app.engine.shared_queue import store_now
from app.store.database import Database
from app.store.models import GatewayRecord, User
from app.store.passwords import verify_password

from .consoles import console, needs_postgres, until

pytestmark = needs_postgres

#: Every secret the files below give: none may appear in a log line.
SECRETS = ("alice-pw-1", "alice-pw-2", "alice-pw-3", "alice-pw-4", "sm1", "sm2", "gw-secret-1", "gw-secret-2", "gw-secret-3")


class HostClock(Clock):
    """A host whose clock is ``offset`` seconds off (ahead when positive); its files are dated by it."""

    def __init__(self, offset: float = 0.0):
        self.offset = timedelta(seconds=offset)

    def now(self):
        return super().now() + self.offset


def _file(path, *, admin: bool = False, password: str = "alice-pw-1", smpp: str = "sm1", concurrency: int = 2,
          gw_password: str = "gw-secret-1", window: int = 4, max_attempts: int = 3, clock: Clock | None = None,
          modified: float | None = None):
    """A console's file with user alice, the Retarus gateway R, the simulator S and one shared setting, saved
    by the host whose clock is ``clock`` (or at ``modified``)."""
    path.write_text(f"""[settings]
max_attempts = {max_attempts}

[[users]]
name = "alice"
password = "{password}"
smpp_password = "{smpp}"
admin = {str(admin).lower()}
privileges = ["sms-session-manager.view"]

[[gateways]]
name = "R"
kind = "retarus"
url = "https://sms.example.com/rest/v1"
username = "acme"
password = "{gw_password}"
concurrency = {concurrency}

[[gateways]]
name = "S"
kind = "simulator"
window = {window}
""")
    at = modified if modified is not None else (clock or Clock()).now().timestamp()
    os.utime(path, (at, at))
    return load_config(path)


def _start(cfg: Config, url: str, name: str, clock: Clock | None = None) -> None:
    """Console ``name`` starts with ``cfg`` (applies it) and stops again, its name free for its next start."""
    engine = Engine(Database(url), instance_id=name, clock=clock)
    apply_config(engine, cfg)
    engine.cluster.unregister()
    engine.db.close()


def _stored(url: str) -> dict:
    """What the store holds of alice, R, S and max_attempts, and who wrote alice and R."""
    engine = console(url, "reader")
    try:
        with engine.db.session() as s:
            alice = s.exec(select(User).where(User.name == "alice")).one()
            gws = {g.name: g for g in s.exec(select(GatewayRecord))}
            now = store_now(s.connection(), datetime.now(timezone.utc))
        r, sim = json.loads(gws["R"].settings), json.loads(gws["S"].settings)
        return {"admin": alice.admin, "password": next((p for p in SECRETS if verify_password(p, alice.password_hash)), None),
                "smpp": next((p for p in ("sm1", "sm2") if verify_password(p, alice.smpp_password_hash)), None),
                "concurrency": r["concurrency"], "window": sim["window"], "max_attempts": engine.settings["max_attempts"],
                "alice_by": alice.changed_by, "r_by": gws["R"].changed_by, "alice_at": alice.changed_at,
                "r_at": gws["R"].changed_at, "s_by": gws["S"].changed_by, "s_at": gws["S"].changed_at, "store_now": now, "r_has_password": "password" in r}
    finally:
        engine.db.close()


def _said(caplog) -> str:
    return "\n".join(r.getMessage() for r in caplog.records)


def _no_secret_logged(caplog) -> None:
    said = _said(caplog)
    assert not [s for s in SECRETS if s in said], "a secret in the log"


def test_a_users_and_gateways_older_file_leaves_the_stores_and_an_edited_one_replaces_them(pg_url, tmp_path, caplog):
    caplog.set_level(logging.INFO)
    now = time.time()
    _start(_file(tmp_path / "a.toml", modified=now - 3600), pg_url, "a")  # the store had none: written
    stored = _stored(pg_url)
    assert (stored["admin"], stored["password"], stored["smpp"], stored["concurrency"]) == (False, "alice-pw-1", "sm1", 2)
    assert (stored["alice_by"], stored["r_by"], stored["r_has_password"]) == ("a", "a", False)
    assert "users.alice = admin=False, enabled=True, privileges=['sms-session-manager.view'], with password, " \
           "SMPP password written for every console sharing the store (the store had none)" in _said(caplog)

    caplog.clear()  # b's file, saved before a's start and not edited since: it changes nothing
    older = _file(tmp_path / "b.toml", admin=True, password="alice-pw-2", smpp="sm2", concurrency=4,
                  gw_password="gw-secret-2", modified=now - 1800)
    _start(older, pg_url, "b")
    stored = _stored(pg_url)
    assert (stored["admin"], stored["password"], stored["smpp"], stored["concurrency"]) == (False, "alice-pw-1", "sm1", 2)
    said = _said(caplog)
    assert ("users.alice = admin=True, enabled=True, privileges=['sms-session-manager.view'], with password, SMPP "
            "password (password and SMPP password other than the store's) is not applied: the store's admin=False, "
            "enabled=True, privileges=['sms-session-manager.view'], with password, SMPP password was written by "
            "console 'a' at ") in said
    assert "gateways.R = retarus, enabled=True, " in said and '"concurrency": 4' in said
    assert "is not applied: the store's retarus, enabled=True, " in said
    _no_secret_logged(caplog)

    caplog.clear()  # b's file edited (alice's password only, R's concurrency): whatever its time, the newest
    _start(_file(tmp_path / "b.toml", admin=True, password="alice-pw-3", smpp="sm2", concurrency=5,
                 gw_password="gw-secret-3", modified=now - 7200), pg_url, "b")
    stored = _stored(pg_url)
    assert (stored["admin"], stored["password"], stored["smpp"], stored["concurrency"]) == (True, "alice-pw-3", "sm2", 5)
    assert (stored["alice_by"], stored["r_by"], stored["r_has_password"]) == ("b", "b", False)
    said = _said(caplog)
    assert "users.alice = admin=True" in said and "replaces admin=False" in said and "changed by console 'b'" in said
    assert "(the store's was written by console 'a' at " in said
    _no_secret_logged(caplog)

    caplog.clear()  # a restarts with its old file: b's edit stays
    _start(_file(tmp_path / "a.toml", modified=now - 3600), pg_url, "a")
    stored = _stored(pg_url)
    assert (stored["admin"], stored["password"], stored["smpp"], stored["concurrency"]) == (True, "alice-pw-3", "sm2", 5)
    said = _said(caplog)
    assert "users.alice = admin=False" in said and "was written by console 'b'" in said
    assert "unchanged in this file since" in said
    _no_secret_logged(caplog)

    caplog.clear()  # only a's password edited (in its environment, not its file's text): an edit all the same
    cfg = _file(tmp_path / "a.toml", modified=now - 3600)
    cfg.users[0].update(password="", password_env="ALICE_PASSWORD")
    os.environ["ALICE_PASSWORD"] = "alice-pw-4"
    try:
        _start(cfg, pg_url, "a")
    finally:
        del os.environ["ALICE_PASSWORD"]
    stored = _stored(pg_url)
    assert (stored["admin"], stored["password"], stored["alice_by"]) == (False, "alice-pw-4", "a")
    _no_secret_logged(caplog)


def test_an_unchanged_file_applied_again_writes_nothing(pg_url, tmp_path):
    cfg = _file(tmp_path / "a.toml")
    _start(cfg, pg_url, "a")
    before = _stored(pg_url)
    _start(cfg, pg_url, "a")
    _start(_file(tmp_path / "b.toml"), pg_url, "b")  # the same values in b's file
    after = _stored(pg_url)
    assert [(after[k], after["alice_by"], after["r_by"]) for k in ("alice_at", "r_at")] == \
           [(before[k], "a", "a") for k in ("alice_at", "r_at")]


@pytest.mark.parametrize("offset", [7200, -7200], ids=["ahead", "behind"])
def test_a_host_whose_clock_is_off_decides_by_the_stores_clock(pg_url, tmp_path, offset):
    host = HostClock(offset)
    b_file = tmp_path / "b.toml"
    if offset > 0:  # saved before a's values were written, though its time says two hours later
        first = _file(b_file, admin=True, concurrency=4, window=9, clock=host)
        time.sleep(0.05)
        _start(_file(tmp_path / "a.toml"), pg_url, "a")
    else:  # saved after a's values were written, though its time says two hours earlier
        _start(_file(tmp_path / "a.toml"), pg_url, "a")
        time.sleep(0.05)
        first = _file(b_file, admin=True, concurrency=4, window=9, clock=host)
    _start(first, pg_url, "b", host)
    stored = _stored(pg_url)
    newer = offset < 0
    assert (stored["admin"], stored["concurrency"], stored["window"]) == ((True, 4, 9) if newer else (False, 2, 4))

    window = console(pg_url, "a")  # a changes S in its window (the store's part of it)
    _store_property(window, "S", "window", 5)
    window.db.close()
    assert _stored(pg_url)["window"] == 5
    _start(first, pg_url, "b", host)  # b restarts with its file as it was: a's change stays
    assert _stored(pg_url)["window"] == 5

    _start(_file(b_file, admin=True, concurrency=4, window=7, clock=host), pg_url, "b", host)  # b edits S
    stored = _stored(pg_url)
    assert (stored["admin"], stored["concurrency"]) == ((True, 4) if newer else (False, 2)), "the others as they were"
    assert (stored["window"], stored["s_by"]) == (7, "b")
    assert abs(stored["s_at"] - stored["store_now"]) < timedelta(minutes=1), "stamped by the store's clock"


def test_a_user_made_in_a_window_outlives_a_console_restarting_with_an_older_file(pg_url, tmp_path, caplog):
    caplog.set_level(logging.WARNING)
    old = _file(tmp_path / "b.toml", admin=True, modified=time.time() - 600)  # b's file, saved ten minutes ago
    window = console(pg_url, "a")
    window.users.save("alice", password="alice-pw-2", admin=False, privileges=("sms-session-manager.view",))
    window.db.close()
    with Database(pg_url).session() as s:
        assert s.exec(select(User.changed_by).where(User.name == "alice")).one() == "a"
    _start(old, pg_url, "b")
    engine = console(pg_url, "reader")
    with engine.db.session() as s:
        row = s.exec(select(User).where(User.name == "alice")).one()
    engine.db.close()
    assert (row.admin, row.origin, verify_password("alice-pw-2", row.password_hash)) == (False, "store", True)
    assert "users.alice = admin=True" in _said(caplog) and "was written by console 'a'" in _said(caplog)
    _no_secret_logged(caplog)


async def test_running_consoles_follow_users_and_gateways_another_one_changes(pg_url, tmp_path):
    a, b = console(pg_url, "a"), console(pg_url, "b")
    a.add_gateway("S", "simulator", {"window": 3})
    a.users.save("erin", password="erin-pass-1", admin=False)
    await a.start()
    await b.start()
    cfg = Config()
    cfg.api = {**cfg.api, "listen": "127.0.0.1:0"}
    api = ApiServer(b, cfg)
    await api.start()
    loop = asyncio.get_running_loop()
    assert await loop.run_in_executor(None, b.cluster.config.listening.wait, 10)
    try:
        user = await api.ctx.auth.check("erin", "erin-pass-1", "127.0.0.1")  # remembered for 30 s
        assert user.name == "erin"
        await a.in_lane(a.users.save, "erin", password=None, admin=False, enabled=False)  # a's window
        refused = None
        deadline = loop.time() + 10
        while refused is None and loop.time() < deadline:
            try:
                await api.ctx.auth.check("erin", "erin-pass-1", "127.0.0.1")
                await asyncio.sleep(0.05)
            except AuthError as exc:
                refused = exc
        assert refused is not None and refused.blocked, "b refuses the user a disabled, at once"

        edited = _file(tmp_path / "c.toml", window=6)  # a third console starts with its file
        await loop.run_in_executor(None, _start, edited, pg_url, "c")
        await until(lambda: b.gateways["S"].settings["window"] == 6 and a.gateways["S"].settings["window"] == 6,
                    "the gateway c's file changed, seen by the running consoles")
        await until(lambda: "alice" in {u.name for u in b.users.list()}, "the user c's file added, known to b")
    finally:
        await api.stop()
        await asyncio.gather(a.stop(), b.stop())
