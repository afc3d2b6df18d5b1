"""Helpers of the tests with several consoles on one PostgreSQL store (SMSCONSOLE_TEST_PG_URL)."""

from __future__ import annotations

import asyncio
import os

import pytest

from app.engine.engine import Engine
from app.store.database import Database

PG_URL = os.environ.get("SMSCONSOLE_TEST_PG_URL")
#: Marks of a module that needs the PostgreSQL test server.
needs_postgres = [pytest.mark.postgres,
                  pytest.mark.skipif(not PG_URL, reason="SMSCONSOLE_TEST_PG_URL is not set: no PostgreSQL server")]


def console(url: str, name: str) -> Engine:
    """A console named ``name`` on the store at ``url``, its store open, not started."""
    engine = Engine(Database(url), instance_id=name)
    engine.open_store()
    return engine


async def until(predicate, what: str, timeout: float = 20.0) -> None:
    """Wait until ``predicate()`` holds. Another console (or the store) decides it, through the store, where
    no signal of this process can tell: so look again shortly."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)
