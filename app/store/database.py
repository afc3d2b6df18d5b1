"""Database setup: engine, pragmas, schema creation and migrations.

SQLite (WAL) in the platform data directory is the default; any SQLAlchemy
URL (``postgresql+psycopg://...``) can replace it.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable

from sqlalchemy import event, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, SQLModel, create_engine, select

from . import checkpoints, conversations, journal, loop_guard, models, notify, search
from . import derived as _derived
from .models import SchemaVersion

log = logging.getLogger(__name__)

#: The schema version this code writes. Each migration brings a store from
#: ``version - 1`` to ``version``; a new store is created at SCHEMA_VERSION.
SCHEMA_VERSION = 12


def _v2_user_api_blocked(s: Session) -> None:
    """Version 2: a stopped API client stays blocked across restarts (``user.api_blocked``)."""
    s.exec(text('ALTER TABLE "user" ADD COLUMN api_blocked BOOLEAN NOT NULL DEFAULT FALSE'))


def _v3_no_recipient_index(s: Session) -> None:
    """Version 3: messages are found by correspondent through ``ix_message_counterpart``; the
    recipient index only slowed queueing down."""
    s.exec(text("DROP INDEX IF EXISTS ix_message_recipient"))


def _v4_parts_as_rows(s: Session) -> None:
    """Version 4: a sent message's parts are rows of ``message_part`` (a report finds its part by
    gateway and reference through an index); the references kept in ``message.reference`` lose their
    delivered marks (``:d``), which become the parts' states."""
    from . import part_migration

    part_migration.migrate(s.connection())
    s.exec(text("DROP INDEX IF EXISTS ix_message_reference"))


def _add_column(s: Session, table: str, column: str, ddl: str) -> None:
    """Add a column unless it is there already (a migration run again changes nothing)."""
    from sqlalchemy import inspect

    if column not in {c["name"] for c in inspect(s.connection()).get_columns(table)}:
        s.exec(text(f'ALTER TABLE "{table}" ADD COLUMN {column} {ddl}'))


def _v5_shared_store(s: Session) -> None:
    """Version 5: several consoles on one store. A message's claim has a token (``claim_seq``) that its
    outcome is written under; consoles register in ``instance`` (created with the other tables); a
    gateway has the console running it (``runner``) until ``runner_until``."""
    _add_column(s, "message", "claim_seq", "INTEGER NOT NULL DEFAULT 0")
    s.exec(text("DROP INDEX IF EXISTS ix_message_claim"))  # without the lease's time (see models.Message)
    s.exec(text("CREATE INDEX ix_message_claim ON message (status, claimed_by) WHERE claimed_by IS NOT NULL"))
    _add_column(s, "gateway", "runner", "VARCHAR(64)")
    _add_column(s, "gateway", "runner_until", "TIMESTAMP")


def _v6_smpp(s: Session) -> None:
    """Version 6: users bind to the SMPP server with a password of their own (``user.smpp_password_hash``);
    ``smpp_cursor`` (created with the other tables) keeps what each user's binds were handed."""
    _add_column(s, "user", "smpp_password_hash", "VARCHAR(256) NOT NULL DEFAULT ''")


def _v7_who_changed_shared_values(s: Session) -> None:
    """Version 7: a setting and a routing rule remember which console wrote them, and when (the store's
    clock): a console's configuration file replaces a shared value only when the file is newer."""
    for table in ("setting", "routing_rule"):
        _add_column(s, table, "changed_by", "VARCHAR(64) NOT NULL DEFAULT ''")
        _add_column(s, table, "changed_at", "TIMESTAMP")


def _v8_smpp_delivery(s: Session) -> None:
    """Version 8: consoles sharing a store take turns handing a user's SMPP deliveries out
    (``smpp_cursor.holder`` until ``lease_until``), and what they handed out beyond the cursor is kept in
    ``smpp_delivered`` (created with the other tables)."""
    _add_column(s, "smpp_cursor", "holder", "VARCHAR(64) NOT NULL DEFAULT ''")
    _add_column(s, "smpp_cursor", "lease_until", "FLOAT NOT NULL DEFAULT 0")


def _v9_gateway_pending(s: Session) -> None:
    """Version 9: what an SMPP gateway acknowledged and holds (parts of incoming long messages, receipts
    before their submit_sm_resp) is kept in ``gateway_pending`` across restarts. The table is created with
    the other tables; this step makes sure of it, whatever ran before."""
    from .models import GatewayPending

    GatewayPending.__table__.create(s.connection(), checkfirst=True)


def _v10_who_changed_users_and_gateways(s: Session) -> None:
    """Version 10: a user and a gateway remember which console wrote them, and when (the store's clock), as
    settings and routing rules do; what each console's file said when it was applied is kept in
    ``config_applied`` (created with the other tables), so a file's value is dated by the store's clock."""
    for table in ("user", "gateway"):
        _add_column(s, table, "changed_by", "VARCHAR(64) NOT NULL DEFAULT ''")
        _add_column(s, table, "changed_at", "TIMESTAMP")


def _v11_queue_index_of_the_queue_alone(s: Session) -> None:
    """Version 11: ``ix_message_queue`` holds only the messages waiting to be claimed (a partial index): a
    message's changes once it has left the queue write nothing in it."""
    from .models import QUEUE_CONDITION

    s.exec(text("DROP INDEX IF EXISTS ix_message_queue"))
    s.exec(text(f"CREATE INDEX ix_message_queue ON message (direction, status, priority DESC, id) "
                f"WHERE {QUEUE_CONDITION}"))


def _v12_journal_written_by_the_statements(s: Session) -> None:
    """Version 12: on PostgreSQL the statements that change a message's status write its journal rows
    themselves (``app.engine.lifecycle``); the statement-level trigger, which copied every updated row, goes.
    (SQLite keeps its row trigger: nothing to do there.)"""
    if s.get_bind().dialect.name == "postgresql":
        journal.install(s.connection(), False)


MIGRATIONS: dict[int, Callable[[Session], None]] = {2: _v2_user_api_blocked, 3: _v3_no_recipient_index,
                                                    4: _v4_parts_as_rows, 5: _v5_shared_store, 6: _v6_smpp,
                                                    7: _v7_who_changed_shared_values, 8: _v8_smpp_delivery,
                                                    9: _v9_gateway_pending, 10: _v10_who_changed_users_and_gateways,
                                                    11: _v11_queue_index_of_the_queue_alone,
                                                    12: _v12_journal_written_by_the_statements}


#: The advisory lock a console holds while it creates or migrates a shared store's schema.
_SCHEMA_LOCK = 0x534D5343


class StoreError(RuntimeError):
    """The store cannot be opened or is of a newer schema than this program."""


def default_url() -> str:
    from platformdirs import user_data_dir

    from app import APP_DIRNAME

    path = Path(user_data_dir(APP_DIRNAME, appauthor=False)) / "console.db"
    return f"sqlite:///{path}"


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    # a larger page cache (64 MB) and in-memory temporary tables: bulk inserts touch many index pages
    cur.execute("PRAGMA cache_size=-65536")
    cur.execute("PRAGMA temp_store=MEMORY")
    cur.close()


def _checkpoint_backstop(dbapi_conn, _record) -> None:
    """A store whose log is checkpointed in the background (:mod:`.checkpoints`): its connections checkpoint
    only a log grown past the backstop."""
    dbapi_conn.execute(f"PRAGMA wal_autocheckpoint={checkpoints.BACKSTOP_PAGES}")
    dbapi_conn.execute(f"PRAGMA journal_size_limit={checkpoints.LOG_FILE_LIMIT}")


class Database:
    """Owns the SQLAlchemy engine; hands out sessions."""

    def __init__(self, url: str | None = None, *, derived: bool = True):
        """``derived``: keep the derived tables up to date and checkpoint SQLite's write-ahead log in the
        background (False for a second process writing to a store a console keeps)."""
        self.url = url or default_url()
        parsed = make_url(self.url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        kwargs: dict = {}
        if self.is_sqlite:
            db = parsed.database
            if db and db != ":memory:":
                Path(db).parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"check_same_thread": False}
        else:
            kwargs["pool_pre_ping"] = True
        try:
            self.engine: Engine = create_engine(self.url, **kwargs)
        except Exception as exc:  # bad URL, missing driver
            raise StoreError(f"cannot use store URL {parsed.render_as_string(hide_password=True)}: {exc}") from exc
        #: Background indexing of new messages (SQLite's search index and conversation summary).
        self.derived: _derived.DerivedIndexes | None = None
        #: SQLite's write-ahead log copied into the database file off the writers' threads.
        self.checkpoints: checkpoints.Checkpointer | None = None
        loop_guard.install(self.engine)
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
            if derived:
                self.derived = _derived.DerivedIndexes(self.engine)
            if self.shareable:  # a file, not an in-memory store: its log is checkpointed in the background
                event.listen(self.engine, "connect", _checkpoint_backstop)
                if derived:  # (by the console that keeps the store, for a second process writing to it too)
                    self.checkpoints = checkpoints.Checkpointer(str(Path(parsed.database).resolve()))
                    event.listen(self.engine, "checkin", self.checkpoints.used)  # a unit of work ended

    @property
    def shareable(self) -> bool:
        """Whether another process can open this store (not SQLite's in-memory database)."""
        if not self.is_sqlite:
            return True
        db = make_url(self.url).database
        return bool(db) and db != ":memory:" and not db.startswith("file::memory:")

    def messages_added(self) -> None:
        """New messages were committed: bring the derived tables up to date in the background."""
        if self.derived is not None:
            self.derived.messages_added()

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def create(self) -> None:
        """Create the schema on first start, or migrate an older one.

        On a shared store one console at a time does it (an advisory lock): two consoles replacing the
        same triggers at once would deadlock each other."""
        if self.is_sqlite:
            self._create()
            return
        try:
            lock = self.engine.connect()
        except Exception as exc:
            raise StoreError(f"cannot open the store at {self.display_url}: {exc}") from exc
        try:
            lock.exec_driver_sql(f"SELECT pg_advisory_lock({_SCHEMA_LOCK})")
            lock.commit()
            self._create()
        finally:
            try:
                lock.exec_driver_sql(f"SELECT pg_advisory_unlock({_SCHEMA_LOCK})")
                lock.commit()
            finally:
                lock.close()

    def _installed(self) -> bool:
        """PostgreSQL: whether the store is at this schema version with its triggers in place. Then nothing
        is replaced: replacing a trigger on the message table waits for every console's writes to it, and
        while they wait for the replacing transaction's other locks, they deadlock."""
        if self.is_sqlite:
            return False
        try:
            with self.engine.connect() as conn:
                version = conn.execute(text("SELECT version FROM schema_version WHERE id = 1")).scalar()
                triggers = set(conn.execute(text("SELECT tgname FROM pg_trigger WHERE tgname IN "
                                                 "('message_journal', 'smsconsole_setting_changed')")).scalars())
        except Exception:  # noqa: BLE001 - a new store: no schema_version yet
            return False
        return version == SCHEMA_VERSION and triggers == {"smsconsole_setting_changed"}

    def _create(self) -> None:
        if self._installed():
            return
        try:
            SQLModel.metadata.create_all(self.engine, tables=_tables())
            with self.engine.begin() as conn:  # search table, conversation summary, filter indexes
                search.install(conn, self.is_sqlite)
                conversations.install(conn, self.is_sqlite)
                journal.install(conn, self.is_sqlite)
                notify.install(conn, self.is_sqlite)
                if not self.is_sqlite:  # room on each page for a row's next version: updates that change no
                    # indexed column (a lease renewed, a reason noted) stay on the page (HOT)
                    options = conn.execute(text("SELECT reloptions FROM pg_class WHERE relname = 'message'")).scalar()
                    if "fillfactor=80" not in (options or []):
                        conn.execute(text("ALTER TABLE message SET (fillfactor = 80)"))
        except Exception as exc:
            raise StoreError(f"cannot open the store at {self.display_url}: {exc}") from exc
        with self.session() as s:
            row = s.get(SchemaVersion, 1)
            if row is None:
                s.add(SchemaVersion(id=1, version=SCHEMA_VERSION))
                s.commit()
                return
            if row.version > SCHEMA_VERSION:
                raise StoreError(
                    f"the store at {self.display_url} has schema version {row.version}, "
                    f"newer than this program's {SCHEMA_VERSION}: update SMS Console"
                )
            while row.version < SCHEMA_VERSION:
                step = row.version + 1
                log.info("migrating store to schema version %d", step)
                MIGRATIONS[step](s)
                row.version = step
                s.add(row)
                s.commit()

    def schema_version(self) -> int:
        with self.session() as s:
            return s.exec(select(SchemaVersion.version)).one()

    @property
    def display_url(self) -> str:
        return make_url(self.url).render_as_string(hide_password=True)

    def checkpoint(self) -> None:
        if self.is_sqlite:
            with self.engine.connect() as conn:
                conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))

    def close(self) -> None:
        if self.derived is not None:
            self.derived.close()
        if self.checkpoints is not None:
            self.checkpoints.close()
        try:
            self.checkpoint()
        finally:
            self.engine.dispose()


def _tables():
    names = [
        "message", "job", "gateway", "user", "contact", "contact_group",
        "contact_group_link", "blocked_number", "setting", "schema_version", "routing_rule",
        "message_part", "message_event", "instance", "smpp_cursor", "smpp_delivered", "config_applied",
        "gateway_pending",
    ]
    md = SQLModel.metadata.tables
    assert models  # the tables register themselves on import
    return [md[n] for n in names]
