"""A client stopped by an operator stays blocked across restarts until it is unblocked."""

from __future__ import annotations

import pytest

from app.engine.requests import EngineError
from app.store.models import User
from app.store.passwords import hash_password


def add_user(engine, name: str) -> None:
    with engine.db.session() as s:
        s.add(User(name=name, password_hash=hash_password("pw")))
        s.commit()


def test_stop_is_kept_across_restarts_until_unblocked(make_engine):
    engine = make_engine()
    add_user(engine, "alice")
    add_user(engine, "bob")
    engine.sessions.stop_customer("alice")
    assert make_engine().sessions.blocked_users == {"alice"}
    engine.sessions.unblock("alice")
    assert engine.sessions.blocked_users == set()
    assert make_engine().sessions.blocked_users == set()


def test_stopping_an_unknown_user_is_refused(make_engine):
    engine = make_engine()
    with pytest.raises(EngineError, match="no user named 'ghost'"):
        engine.sessions.stop_customer("ghost")
    assert engine.sessions.blocked_users == set()


def test_idle_customer_sessions_close_after_the_setting_and_few_closed_ones_are_kept(make_engine):
    from app.engine.sessions import MAX_CLOSED

    engine = make_engine()
    now = [1_000_000.0]
    engine.sessions.clock = lambda: now[0]
    engine.set_setting("session_idle_seconds", 60)
    for i in range(15_000):
        engine.sessions.open_customer("alice", f"10.{i // 65536}.{i // 256 % 256}.{i % 256}", "console", "retarus")
    kept = engine.sessions.open_customer("bob", "10.9.9.9", "console", "diafaan")
    assert len(engine.sessions.customers) == 15_001
    now[0] += 30
    assert engine.sessions.open_customer("bob", "10.9.9.9", "console", "diafaan").session_id == kept.session_id
    now[0] += 31
    assert engine.sessions.expire_idle() == 15_000
    sessions = engine.sessions.customers
    assert len(sessions) == MAX_CLOSED + 1 and sessions[kept.session_id].state == "open"
    assert sum(s.state == "closed" for s in sessions.values()) == MAX_CLOSED
    # a closed client that comes back gets a new session
    back = engine.sessions.open_customer("alice", "10.0.0.1", "console", "retarus")
    assert back.state == "open" and back.session_id > kept.session_id
