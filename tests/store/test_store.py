"""The store: schema creation, versions, password hashes, time zones."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from app.store import database
from app.store.database import SCHEMA_VERSION, Database, StoreError
from app.store.models import Message
from sqlmodel import select
from app.store.passwords import hash_password, verify_password


def test_schema_is_created_with_a_version(db_url):
    db = Database(db_url)
    db.create()
    assert db.schema_version() == database.SCHEMA_VERSION
    db.create()  # a second start finds it as it is
    assert db.schema_version() == database.SCHEMA_VERSION


def test_a_newer_store_is_refused_in_words(db_url, monkeypatch):
    Database(db_url).create()
    monkeypatch.setattr(database, "SCHEMA_VERSION", 0)
    with pytest.raises(StoreError, match="newer than this program"):
        Database(db_url).create()


def test_migrations_run_in_order(db_url, monkeypatch):
    Database(db_url).create()
    ran = []
    monkeypatch.setattr(database, "SCHEMA_VERSION", database.SCHEMA_VERSION + 2)
    monkeypatch.setattr(database, "MIGRATIONS", {
        database.SCHEMA_VERSION - 1: lambda s: ran.append(1),
        database.SCHEMA_VERSION: lambda s: ran.append(2)})
    db = Database(db_url)
    db.create()
    assert ran == [1, 2] and db.schema_version() == database.SCHEMA_VERSION


def test_sqlite_store_uses_wal(db_url):
    db = Database(db_url)
    db.create()
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_times_come_back_as_utc(db_url):
    db = Database(db_url)
    db.create()
    local = datetime(2030, 5, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    with db.session() as s:
        s.add(Message(uid="u1", direction="out", status="queued", scheduled_at=local))
        s.commit()
    with db.session() as s:
        got = s.exec(select(Message)).one().scheduled_at
    assert got == local and got.utcoffset() == timedelta(0)


def test_password_hash_is_salted_and_checked():
    a, b = hash_password("pw"), hash_password("pw")
    assert a != b and "pw" not in a
    assert verify_password("pw", a) and not verify_password("pW", a)
    assert not verify_password("pw", "garbage") and not verify_password("pw", "scrypt$1$2")


def test_bad_store_url_is_refused_in_words():
    with pytest.raises(StoreError, match="cannot use store URL"):
        Database("nosuchdb://x")


def test_a_version_1_store_gains_the_user_block_column(db_url):
    import sqlite3

    from sqlmodel import select

    from app.store.models import User

    db = Database(db_url)
    db.create()
    db.close()
    path = db_url.removeprefix("sqlite:///")
    conn = sqlite3.connect(path)  # the store as version 1 wrote it
    conn.execute('ALTER TABLE "user" DROP COLUMN api_blocked')
    conn.execute("UPDATE schema_version SET version = 1")
    conn.execute("INSERT INTO user (name, password_hash, api_secret_hash, admin, enabled, privileges, origin) "
                  "VALUES ('alice', 'x', '', 0, 1, '[]', 'store')")
    conn.commit()
    conn.close()
    db = Database(db_url)
    db.create()
    assert db.schema_version() == SCHEMA_VERSION
    with db.session() as s:
        assert s.exec(select(User.api_blocked).where(User.name == "alice")).one() is False


def test_a_version_2_store_loses_the_recipient_index(db_url):
    import sqlite3

    db = Database(db_url)
    db.create()
    db.close()
    path = db_url.removeprefix("sqlite:///")
    conn = sqlite3.connect(path)  # the store as version 2 wrote it
    conn.execute("CREATE INDEX ix_message_recipient ON message (recipient, created_at)")
    conn.execute("UPDATE schema_version SET version = 2")
    conn.commit()
    conn.close()
    db = Database(db_url)
    db.create()
    assert db.schema_version() == 3
    db.close()
    conn = sqlite3.connect(path)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    conn.close()
    assert "ix_message_recipient" not in names and "ix_message_counterpart" in names
