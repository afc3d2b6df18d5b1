"""A console sharing its store hears of what the other consoles do to messages once a window follows them
(SMSCONSOLE_TEST_PG_URL)."""

from __future__ import annotations

import asyncio

from app.engine import events as ev
from app.engine.requests import OutboundRequest
from app.store import models as m

from .consoles import console, needs_postgres, until
from .scripted_gateway import KIND

pytestmark = needs_postgres


async def test_a_console_hears_of_the_messages_another_console_sends_and_cancels(pg_url):
    a, b = console(pg_url, "a"), console(pg_url, "b")
    a.add_gateway("P", KIND, {"window": 5})
    await a.start()
    await b.start()
    heard: dict[str, dict[int, set[str]]] = {"a": {}, "b": {}}
    for name, engine in (("a", a), ("b", b)):
        engine.follow_other_consoles()  # as a window does
        engine.events.subscribe(lambda e, n=name: isinstance(e, ev.MessageChanged)
                                and heard[n].setdefault(e.message.id, set()).add(e.message.status))
    try:
        await until(lambda: sum(e.gateways["P"].running for e in (a, b)) == 1, "P run by one console")
        runner, other = (a, b) if a.gateways["P"].running else (b, a)
        quiet = "b" if runner is a else "a"
        # a message queued by the console that does not send it: its sending is heard there all the same
        result = other.queue_messages([OutboundRequest([f"+4917600000{i:02d}"], f"Nachricht {i}")
                                       for i in range(10)])
        ids = [item.message.id for item in result.items]
        await until(lambda: all(m.SENT in heard[quiet].get(i, ()) for i in ids),
                    "every send heard by the console that did not make it")
        # cancelled by the sending console's operator (no claim, so no console named in the journal)
        runner.pause_gateway("P")
        later = runner.queue_messages([OutboundRequest(["+491760000099"], "später")]).items[0].message.id
        assert len(await runner.in_lane(runner.cancel, [later])) == 1
        await until(lambda: m.CANCELLED in heard[quiet].get(later, ()), "the cancel heard by the other console")
    finally:
        await asyncio.gather(a.stop(), b.stop())


def test_a_headless_console_leaves_the_other_consoles_changes_unread(pg_url):
    engine = console(pg_url, "headless")
    try:
        assert engine.peers is None
        engine.follow_other_consoles()
        assert engine.peers is not None and engine.peers.instance == "headless"
    finally:
        engine.db.close()
