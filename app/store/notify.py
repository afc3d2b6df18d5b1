"""Store-wide configuration changes announced to every console sharing a PostgreSQL store.

A statement trigger on each shared configuration table sends ``NOTIFY smsconsole_config, '<table>'``; it
is delivered when the change commits, to every console listening (:mod:`app.engine.config_sync`), so a
setting, routing rule, gateway or user changed by one console is seen by the others at once. A gateway's
run (``runner``, renewed with every heartbeat) is not a configuration change and notifies nothing.
SQLite stores have one console: nothing is installed.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

CHANNEL = "smsconsole_config"
#: Tables whose changes every console follows, and the columns that matter (None: any).
TABLES: dict[str, tuple[str, ...] | None] = {
    "setting": None,
    "routing_rule": None,
    "gateway": ("name", "kind", "enabled", "settings", "origin"),
    "user": None,
    "blocked_number": None,
}

_FUNCTION = f"""
CREATE OR REPLACE FUNCTION smsconsole_config_changed() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('{CHANNEL}', TG_TABLE_NAME);
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""


def install(conn: Connection, is_sqlite: bool) -> None:
    if is_sqlite:
        return  # (CREATE OR REPLACE TRIGGER: PostgreSQL 14 or newer)
    conn.exec_driver_sql(_FUNCTION)
    for table, columns in TABLES.items():
        name = f"smsconsole_{table}_changed"
        update = f"UPDATE OF {', '.join(columns)}" if columns else "UPDATE"
        conn.exec_driver_sql(f'CREATE OR REPLACE TRIGGER {name} AFTER INSERT OR {update} OR DELETE ON "{table}" '
                             f"FOR EACH STATEMENT EXECUTE FUNCTION smsconsole_config_changed()")
