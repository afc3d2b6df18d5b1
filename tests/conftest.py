"""Shared fixtures: a fresh temporary store and engine for each test."""

from __future__ import annotations

import asyncio
import inspect
import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The loop guard is on for every test (as in the README's test command): the store reached on the event
# loop's thread fails the test (docs/ARCHITECTURE.md). SMSCONSOLE_STRICT_LOOP=warn only reports the places.
os.environ.setdefault("SMSCONSOLE_STRICT_LOOP", "1")


_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_APP, _TESTS = _ROOT + "app" + os.sep, _ROOT + "tests" + os.sep


def _a_tests_own_store_access(frame) -> bool:
    """Under SMSCONSOLE_STRICT_LOOP: a store access on the loop's thread is the test's own when test code
    called a synchronous function of the engine or the store directly (to set the test up, or to check
    what the application stored), as a script would. The window's code, the APIs' handlers, the gateways,
    the engine's coroutines and whatever the loop calls back are not: what they reach on the loop fails
    the test."""
    entry, gap = None, False  # the outermost frame of the application; library frames above it
    while frame is not None:
        path = frame.f_code.co_filename
        if path.startswith(_APP):
            entry, gap = frame, False
        elif path.startswith(_TESTS):
            if entry is None:
                return True  # test code used the store itself (a session of its own)
            if gap:
                return False
            where = entry.f_code.co_filename[len(_APP):].replace(os.sep, "/")
            return where.startswith(("engine/", "store/")) and not entry.f_code.co_flags & inspect.CO_COROUTINE
        elif entry is not None:
            gap = True  # the loop, Qt or a library called the application: not the test itself
        frame = frame.f_back
    return False


@pytest.fixture(autouse=True, scope="session")
def _tests_own_store_access():
    from app.store import loop_guard

    loop_guard.exempt = _a_tests_own_store_access
    yield
    loop_guard.exempt = None


@pytest.fixture(autouse=True)
def _store_kept_off_the_loop():
    """A store access the guard refused fails the test even when the code that made it swallowed the error
    (a Qt slot, a callback of the loop, a task nobody awaited)."""
    from app.store import loop_guard

    before = len(loop_guard.violations)
    yield
    found = loop_guard.violations[before:]
    if found and loop_guard.mode() == "raise":
        del loop_guard.violations[before:]
        pytest.fail("the store was reached on the event loop's thread from " + ", ".join(
            f"app/{place}" for place in dict.fromkeys(found)), pytrace=False)


@pytest.fixture
def strict_loop(monkeypatch):
    """The loop guard raises for this test whatever the environment says; what it recorded is dropped after."""
    from app.store import loop_guard

    monkeypatch.setenv("SMSCONSOLE_STRICT_LOOP", "1")
    before = len(loop_guard.violations)
    yield
    del loop_guard.violations[before:]


@pytest.fixture(autouse=True)
def _private_dirs(tmp_path, monkeypatch):
    """Keep each test's platform directories (data, logs, Qt settings) out of the user's home."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))


@pytest.fixture
def db_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'console.db'}"


@pytest.fixture
def make_engine(db_url):
    """Build an engine on the test's store; gateways are declared by the test."""
    from app.engine.engine import Engine
    from app.store.database import Database

    def make(**kwargs) -> Engine:
        engine = Engine(Database(kwargs.pop("url", db_url)), **kwargs)
        engine.open_store()
        return engine

    return make


async def next_event(engine, predicate, timeout: float = 5.0):
    """Wait for the first engine event for which ``predicate(event)`` is true."""
    loop = asyncio.get_running_loop()
    fut = loop.create_future()

    def listener(event):
        if not fut.done() and predicate(event):
            fut.set_result(event)

    unsubscribe = engine.events.subscribe(listener)
    try:
        return await asyncio.wait_for(fut, timeout)
    finally:
        unsubscribe()


@pytest.fixture
def pg_url():
    """A fresh database on the PostgreSQL test server (SMSCONSOLE_TEST_PG_URL), dropped afterwards."""
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = os.environ.get("SMSCONSOLE_TEST_PG_URL")
    if not url:
        pytest.skip("SMSCONSOLE_TEST_PG_URL is not set: no PostgreSQL server")
    server = make_url(url)
    name = f"smsconsole_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield server.set(database=name).render_as_string(hide_password=False)
    _drop_database(admin, name)
    admin.dispose()


def _drop_database(admin, name: str) -> None:
    """Drop a test database; an autovacuum worker still in it (which only a superuser may end) is waited for."""
    import time
    import warnings

    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    for _ in range(40):
        try:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            return
        except DBAPIError as exc:
            last = exc
            time.sleep(0.25)
    warnings.warn(f"test database {name} left behind: {last}")


def pytest_terminal_summary(terminalreporter):
    """With SMSCONSOLE_STRICT_LOOP set: where the store was reached on the event loop's thread."""
    from collections import Counter

    from app.store import loop_guard

    if loop_guard.mode() and loop_guard.violations:
        terminalreporter.section("store reached on the event loop's thread")
        for place, n in Counter(loop_guard.violations).most_common():
            terminalreporter.write_line(f"{n:6d}  app/{place}")
