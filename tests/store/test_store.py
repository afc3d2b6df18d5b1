"""The store: schema creation, versions, password hashes, time zones."""

from __future__ import annotations

import pathlib
from datetime import datetime, timedelta, timezone

import pytest

from app.store import database
from app.store.database import SCHEMA_VERSION, Database, StoreError
from app.store.models import Message
from sqlalchemy import text
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


def _as_written_by(db_url: str, version: int, *statements: str) -> None:
    """Make a new SQLite store at ``db_url`` look as ``version`` wrote it: ``statements`` undo what came later."""
    import sqlite3

    db = Database(db_url)
    db.create()
    db.close()
    conn = sqlite3.connect(db_url.removeprefix("sqlite:///"))
    for statement in statements:
        conn.execute(statement)
    conn.execute(f"UPDATE schema_version SET version = {version}")
    conn.commit()
    conn.close()


def _migrated(db_url: str, version: int, *statements: str) -> Database:
    """The store at ``db_url`` as ``version`` wrote it (see :func:`_as_written_by`), opened: migrated."""
    _as_written_by(db_url, version, *statements)
    db = Database(db_url)
    db.create()
    assert db.schema_version() == SCHEMA_VERSION
    return db


def test_a_version_1_store_gains_the_user_block_column(db_url):
    from sqlmodel import select

    from app.store.models import User

    db = _migrated(db_url, 1, 'ALTER TABLE "user" DROP COLUMN api_blocked',
                   "INSERT INTO user (name, password_hash, api_secret_hash, admin, enabled, privileges, origin) "
                   "VALUES ('alice', 'x', '', 0, 1, '[]', 'store')")
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
    assert db.schema_version() == SCHEMA_VERSION
    db.close()
    conn = sqlite3.connect(path)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    conn.close()
    assert "ix_message_recipient" not in names and "ix_message_counterpart" in names


def test_a_version_3_store_gets_its_message_parts_as_rows(tmp_path):
    """A store written by the release before parts were rows (tests/store/data/store_v3.sqlite: multipart
    references with a ``:d`` mark on each delivered part) is migrated: every part a row with its state,
    the marks gone from the references, and a report finds the part it is about."""
    import shutil

    from sqlalchemy import select as core_select

    from app.store import models as m

    path = tmp_path / "v3.sqlite"
    shutil.copy(pathlib.Path(__file__).parent / "data" / "store_v3.sqlite", path)
    db = Database(f"sqlite:///{path}")
    db.create()
    assert db.schema_version() == SCHEMA_VERSION
    P, T = m.MessagePart.__table__, m.Message.__table__
    with db.engine.connect() as conn:
        parts = conn.execute(core_select(T.c.uid, P.c.part, P.c.reference, P.c.state, P.c.gateway)
                             .join(T, T.c.id == P.c.message_id).order_by(P.c.message_id, P.c.part)).all()
        refs = dict(conn.execute(core_select(T.c.uid, T.c.reference)).all())
        indexes = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'index'")}
    db.close()
    assert [tuple(p) for p in parts] == [
        ("u-single", 1, "17", m.PART_SENT, "Modem 1"),
        ("u-multi", 1, "41", m.PART_DELIVERED, "Modem 1"),
        ("u-multi", 2, "42", m.PART_SENT, "Modem 1"),
        ("u-multi", 3, "43", m.PART_SENT, "Modem 1"),
        ("u-done", 1, "50", m.PART_DELIVERED, "Modem 1"),
        ("u-done", 2, "51", m.PART_DELIVERED, "Modem 1"),
        ("u-retarus", 1, "J.20261130-120000.000-abcdefghij/S1", m.PART_SENT, "Retarus"),
        ("u-undel", 1, "60", m.PART_UNDELIVERED, "Modem 1"),
        ("u-undel", 2, "61", m.PART_UNDELIVERED, "Modem 1"),
    ]
    assert refs["u-multi"] == "41,42,43" and refs["u-done"] == "50,51" and refs["u-queued"] is None
    assert "ix_part_awaiting" in indexes and "ix_message_reference" not in indexes


async def test_a_migrated_multipart_message_is_delivered_by_the_reports_of_its_other_parts(tmp_path):
    import shutil

    from app.engine.engine import Engine
    from app.gateways.base import DeliveryReport
    from app.store import models as m

    path = tmp_path / "v3.sqlite"
    shutil.copy(pathlib.Path(__file__).parent / "data" / "store_v3.sqlite", path)
    engine = Engine(Database(f"sqlite:///{path}"))
    engine.open_store()

    class Modem:
        name = "Modem 1"

    for ref in ("42", "43"):
        engine.outbox.record_report(Modem(), DeliveryReport(reference=ref, outcome="delivered"))
    await engine.outbox.settle()
    assert engine.message("u-multi").status == m.DELIVERED
    assert engine.message("u-single").status == m.SENT
    engine.db.close()


def test_the_shared_store_migration_can_run_again(tmp_path):
    """Schema 5 adds what is missing and leaves a store that has it as it is."""
    db = Database(f"sqlite:///{tmp_path / 'again.db'}")
    db.create()
    with db.session() as s:
        database.MIGRATIONS[5](s)
        database.MIGRATIONS[5](s)
        s.commit()
    with db.session() as s:
        assert s.exec(text("SELECT claim_seq FROM message")).all() == []
    db.close()


def test_a_version_6_store_learns_which_console_changed_a_shared_value(db_url):
    from app.store.models import SettingValue

    _as_written_by(db_url, 6, *(f"ALTER TABLE {table} DROP COLUMN {column}" for table in ("setting", "routing_rule")
                                for column in ("changed_by", "changed_at")),
                   "INSERT INTO setting (key, value) VALUES ('max_attempts', '4')")
    db = Database(db_url)
    db.create()
    assert db.schema_version() == SCHEMA_VERSION
    with db.session() as s:
        row = s.get(SettingValue, "max_attempts")
        assert (row.value, row.changed_by, row.changed_at) == ("4", "", None)
    db.close()
    database.MIGRATIONS[8](Database(db_url).session())  # run again: nothing to add, no error


def test_a_version_8_store_learns_which_console_changed_a_user_or_gateway(db_url):
    from sqlmodel import select

    from app.store.models import ConfigApplied, GatewayRecord, User

    db = _migrated(db_url, 8, *(f'ALTER TABLE "{table}" DROP COLUMN {column}' for table in ("user", "gateway")
                                for column in ("changed_by", "changed_at")),
                   "DROP TABLE config_applied",
                   "INSERT INTO user (name, password_hash, api_secret_hash, admin, enabled, privileges, origin, "
                   "api_blocked, smpp_password_hash) VALUES ('alice', 'x', '', 0, 1, '[]', 'config', 0, '')",
                   "INSERT INTO gateway (name, kind, enabled, settings, origin) VALUES ('S', 'simulator', 1, '{}', "
                   "'config')")
    with db.session() as s:
        user = s.exec(select(User).where(User.name == "alice")).one()
        gateway = s.exec(select(GatewayRecord).where(GatewayRecord.name == "S")).one()
        assert (user.changed_by, user.changed_at, gateway.changed_by, gateway.changed_at) == ("", None, "", None)
        assert s.exec(select(ConfigApplied)).all() == []
    db.close()
    with Database(db_url).session() as s:  # run again: nothing to add, no error
        database.MIGRATIONS[10](s)
        s.commit()


def test_a_version_10_store_keeps_only_the_waiting_messages_in_the_queue_index(db_url):
    import sqlite3

    from app.store.models import QUEUE_CONDITION

    from app.store.models import Message

    def insert(uid: str, status: str) -> str:
        row = Message(uid=uid, direction="out", status=status, recipient="+15550001").model_dump(exclude={"id"})
        row = {k: (v.strftime("%Y-%m-%d %H:%M:%S.%f") if hasattr(v, "strftime") else v) for k, v in row.items()}
        values = ", ".join("NULL" if v is None else str(int(v)) if isinstance(v, (bool, int)) else repr(str(v))
                           for v in row.values())
        return f"INSERT INTO message ({', '.join(f'{k!r}' for k in row)}) VALUES ({values})"

    db = _migrated(db_url, 10, "DROP INDEX ix_message_queue",
                   "CREATE INDEX ix_message_queue ON message (direction, status, priority DESC, id)",
                   insert("a", "queued"), insert("b", "sent"))
    db.close()
    conn = sqlite3.connect(db_url.removeprefix("sqlite:///"))
    try:
        sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'ix_message_queue'").fetchone()[0]
        assert sql.endswith(f"WHERE {QUEUE_CONDITION}")
        assert conn.execute(f"SELECT uid FROM message INDEXED BY ix_message_queue WHERE {QUEUE_CONDITION}"
                            ).fetchall() == [("a",)]
    finally:
        conn.close()
    with Database(db_url).session() as s:  # run again: the same index, no error
        database.MIGRATIONS[11](s)
        s.commit()
