"""Consoles sharing one PostgreSQL store follow each other's configuration changes (SMSCONSOLE_TEST_PG_URL)."""

from __future__ import annotations

import asyncio
import logging
import os
import time

from sqlmodel import select

from app.config import Config
from app.engine import events as ev
from app.engine.routing import RoutingRule
from app.runtime import engine_for
from app.store.models import SettingValue

from .consoles import console, needs_postgres, until
from .scripted_gateway import KIND

pytestmark = needs_postgres


async def test_a_running_console_follows_settings_rules_and_gateways_another_one_changes(pg_url):
    a, b = console(pg_url, "a"), console(pg_url, "b")
    a.add_gateway("P", KIND, {"window": 3})
    await a.start()
    await b.start()
    rules_seen = []
    b.events.subscribe(lambda e: isinstance(e, ev.RoutingRulesChanged) and rules_seen.append(e))
    assert await asyncio.get_running_loop().run_in_executor(None, b.cluster.config.listening.wait, 10)
    try:
        a.set_setting("max_attempts", 7)
        await until(lambda: b.settings["max_attempts"] == 7, "the setting seen by b")
        assert b.routing_rules() == []  # read once: b keeps them until it hears of a change
        a.set_routing_rules([RoutingRule(("P",), name="all to P", destination="+49")])
        await until(lambda: rules_seen, "b's window hears of the change")
        assert [r.name for r in b.routing_rules()] == ["all to P"]
        a.add_gateway("New", KIND, {"window": 2})
        await until(lambda: "New" in b.gateways, "the new gateway known to b")
        await until(lambda: sum("New" in {g.name for g in e.gateways.values() if g.running} for e in (a, b)) == 1,
                    "the new gateway run by exactly one console")
        await a.set_gateway_property("P", "window", "9")
        await until(lambda: b.gateways["P"].settings["window"] == 9, "the changed property seen by b")
        await a.remove_gateway("New")
        await until(lambda: "New" not in b.gateways, "the removed gateway gone from b")
    finally:
        await asyncio.gather(a.stop(), b.stop())


def test_a_file_that_changes_shared_values_says_so(pg_url, caplog):
    first = Config()
    first.settings = {"max_attempts": 3}
    engine_for(first, pg_url).db.close()
    caplog.set_level(logging.WARNING)
    second = Config()
    second.settings = {"max_attempts": 5}
    second.store = {**second.store, "instance": "other"}
    engine_for(second, pg_url).db.close()
    assert any("settings.max_attempts = 5 replaces 3 for every console sharing the store" in r.getMessage()
               for r in caplog.records)


def _file(path, max_attempts: int, destination: str, modified: float):
    """A console's configuration file with one shared setting and one routing rule, modified at ``modified``."""
    from app.config import load_config

    path.write_text(f"[settings]\nmax_attempts = {max_attempts}\n\n"
                    f'[[routing]]\nname = "to {destination}"\ndestination = "{destination}"\ngateways = ["Demo"]\n')
    os.utime(path, (modified, modified))
    return load_config(path)


def _start(cfg, url: str, name: str):
    cfg.store = {**cfg.store, "instance": name}
    engine = engine_for(cfg, url)
    engine.cluster.unregister()  # stopped: its name free for its next start
    engine.db.close()
    return engine


def _stored(url: str) -> tuple[int, list[str]]:
    engine = console(url, "reader")
    try:
        return engine.settings["max_attempts"], [r.destination for r in engine.routing_rules()]
    finally:
        engine.db.close()


def test_a_console_whose_file_is_older_than_the_shared_values_leaves_them_as_they_are(pg_url, tmp_path, caplog):
    caplog.set_level(logging.WARNING)
    now = time.time()
    _start(_file(tmp_path / "a.toml", 3, "+49", now - 3600), pg_url, "a")  # the store had none: written
    assert _stored(pg_url) == (3, ["+49"])
    older = _file(tmp_path / "b.toml", 5, "+44", now - 1800)  # b's file, not edited since a wrote its values
    _start(older, pg_url, "b")
    assert _stored(pg_url) == (3, ["+49"]), "an older file changes nothing"
    said = " ".join(r.getMessage() for r in caplog.records)
    assert "settings.max_attempts = 5 is not applied: the store's 3 was written by console 'a'" in said
    assert "[[routing]] = to +44 -> Demo is not applied: the store's to +49 -> Demo was written by console 'a'" in said

    _start(_file(tmp_path / "b.toml", 5, "+44", time.time()), pg_url, "b")  # saved again, nothing changed in it
    assert _stored(pg_url) == (3, ["+49"]), "a file saved again unchanged is no edit"

    caplog.clear()
    newer = _file(tmp_path / "b.toml", 6, "+43", now - 7200)  # b's file edited (whatever its host's clock says)
    _start(newer, pg_url, "b")
    assert _stored(pg_url) == (6, ["+43"])
    said = " ".join(r.getMessage() for r in caplog.records)
    assert ("settings.max_attempts = 6 replaces 3 for every console sharing the store (the store's was written "
            "by console 'a'") in said and "changed by console 'b'" in said

    caplog.clear()
    _start(_file(tmp_path / "a.toml", 3, "+49", now - 3600), pg_url, "a")  # a restarts with its old file
    assert _stored(pg_url) == (6, ["+43"]), "b's newer values stay"
    window = console(pg_url, "a")
    window.set_setting("max_attempts", 9)  # changed in a's window after b's file was applied
    window.db.close()
    _start(newer, pg_url, "b")  # b restarts with its file, older than that change
    assert _stored(pg_url) == (9, ["+43"])
    assert "settings.max_attempts = 6 is not applied: the store's 9 was written by console 'a'" in " ".join(
        r.getMessage() for r in caplog.records)


def test_a_console_starting_with_the_stored_values_writes_nothing(pg_url, tmp_path):
    cfg = _file(tmp_path / "a.toml", 3, "+49", time.time())
    _start(cfg, pg_url, "a")
    engine = console(pg_url, "reader")
    with engine.db.session() as s:
        before = {r.key: r.changed_at for r in s.exec(select(SettingValue))}
    _start(cfg, pg_url, "b")
    with engine.db.session() as s:
        assert {r.key: r.changed_at for r in s.exec(select(SettingValue))} == before
    engine.db.close()


def test_a_console_without_routing_rules_leaves_the_shared_ones_and_one_whose_rules_were_removed_removes_them(
        pg_url, tmp_path):
    _start(_file(tmp_path / "a.toml", 3, "+49", time.time() - 60), pg_url, "a")
    _start(Config(), pg_url, "b")  # no file at all
    bare = tmp_path / "c.toml"
    bare.write_text("[settings]\nmax_attempts = 3\n")
    from app.config import load_config

    _start(load_config(bare), pg_url, "c")  # a file that never had rules, saved after a's
    assert _stored(pg_url) == (3, ["+49"])
    a_file = tmp_path / "a.toml"
    a_file.write_text("[settings]\nmax_attempts = 3\n")  # a's rules removed from its file
    _start(load_config(a_file), pg_url, "a")
    assert _stored(pg_url) == (3, [])
