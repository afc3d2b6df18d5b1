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
