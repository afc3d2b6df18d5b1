"""API authentication: salted hashes, the cache of successful checks, slower failures, blocked users."""

from __future__ import annotations

import pytest

from app.api import auth as auth_module
from app.api.auth import FREE_FAILURES, AuthError, Authenticator


@pytest.fixture
def counted(monkeypatch):
    calls = []
    real = auth_module.verify_password

    def verify(password, stored):
        calls.append(password)
        return real(password, stored)

    monkeypatch.setattr(auth_module, "verify_password", verify)
    return calls


async def test_successful_check_is_remembered_and_wrong_passwords_are_always_checked(make_engine, make_user,
                                                                                     counted):
    engine = make_engine()
    make_user(engine, "alice", "secret", privileges=("send",))
    auth = Authenticator(engine)
    user = await auth.check("alice", "secret", "10.0.0.1")
    assert user.name == "alice" and user.has("send") and not user.has("admin-only")
    assert await auth.check("alice", "secret", "10.0.0.1") == user
    assert len(counted) == 1
    for _ in range(2):
        with pytest.raises(AuthError) as err:
            await auth.check("alice", "wrong", "10.0.0.1")
        assert not err.value.blocked
    assert len(counted) == 3
    auth.forget("alice")
    await auth.check("alice", "secret", "10.0.0.1")
    assert len(counted) == 4


async def test_admin_has_every_privilege_and_unknown_users_are_refused(make_engine, make_user):
    engine = make_engine()
    make_user(engine, "root", "pw", admin=True)
    auth = Authenticator(engine)
    assert (await auth.check("root", "pw", "::1")).has("anything")
    with pytest.raises(AuthError, match="wrong user name or password"):
        await auth.check("nobody", "pw", "::1")


async def test_stopped_user_is_refused_even_when_remembered(make_engine, make_user):
    engine = make_engine()
    make_user(engine, "alice", "secret")
    auth = Authenticator(engine)
    await auth.check("alice", "secret", "10.0.0.1")
    engine.sessions.stop_customer("alice")
    with pytest.raises(AuthError, match="stopped") as err:
        await auth.check("alice", "secret", "10.0.0.1")
    assert err.value.blocked


async def test_repeated_failures_from_one_address_are_slowed_down(make_engine, make_user, monkeypatch):
    engine = make_engine()
    make_user(engine, "alice", "secret")
    auth = Authenticator(engine)
    waited = []

    async def sleep(seconds):
        waited.append(seconds)

    monkeypatch.setattr(auth_module.asyncio, "sleep", sleep)
    for _ in range(FREE_FAILURES + 3):
        with pytest.raises(AuthError):
            await auth.check("alice", "guess", "10.0.0.9")
    assert waited == [0.25, 0.5, 1.0]
    assert auth.penalty("10.0.0.9") == 2.0 and auth.penalty("10.0.0.10") == 0.0
    await auth.check("alice", "secret", "10.0.0.9")  # waits, then succeeds and forgives
    assert auth.penalty("10.0.0.9") == 0.0


async def test_concurrent_requests_with_the_same_credentials_share_one_check(make_engine, make_user, counted):
    import asyncio

    engine = make_engine()
    make_user(engine, "alice", "secret")
    auth = Authenticator(engine)
    users = await asyncio.gather(*(auth.check("alice", "secret", "10.0.0.1") for _ in range(20)))
    assert {u.name for u in users} == {"alice"} and len(counted) == 1
    wrong = await asyncio.gather(*(auth.check("alice", "bad", "10.0.0.2") for _ in range(3)),
                                 return_exceptions=True)
    assert all(isinstance(w, AuthError) for w in wrong) and len(counted) == 2
    assert auth.failures("10.0.0.2") == 3  # each refused request counts
