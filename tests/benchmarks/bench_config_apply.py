"""Configuration file benchmark: how long a console takes to apply a file of N users (each with a password
and an SMPP password) and N gateways to a store, as consoles start:

    python tests/benchmarks/bench_config_apply.py [--count N] [--pg URL]

With ``--pg`` (or SMSCONSOLE_TEST_PG_URL) the store is a fresh PostgreSQL database (made and dropped
again) shared by two consoles: console a's first start (the store has nothing), its restart with the file
unchanged, console b's first start with the same file, and a's restart after one user's password was
edited. Without it the store is SQLite (one console, the file applied at every start). A user's password
check (scrypt, about 50 ms) dominates: the figures say how many users' worth each start costs.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from app.config import load_config  # noqa: E402
from app.engine.configure import apply_config  # noqa: E402
from app.engine.engine import Engine  # noqa: E402
from app.store.database import Database  # noqa: E402


def write(path: Path, count: int, edited: bool = False) -> None:
    users = "".join(f'[[users]]\nname = "user{i}"\npassword = "{"edited-pw" if edited and i == 0 else "password"}-{i}"\n'
                    f'smpp_password = "sm{i}"\nprivileges = ["sms-session-manager.view"]\n\n' for i in range(count))
    gateways = "".join(f'[[gateways]]\nname = "G{i}"\nkind = "simulator"\nwindow = {i % 10 + 1}\n\n'
                       for i in range(count))
    path.write_text(users + gateways)


def start(url: str, name: str, path: Path) -> float:
    """Seconds console ``name`` takes to apply the file at ``path`` (its store opened first)."""
    engine = Engine(Database(url), instance_id=name)
    engine.open_store()
    cfg = load_config(path)
    began = time.perf_counter()
    apply_config(engine, cfg)
    took = time.perf_counter() - began
    engine.cluster.unregister()
    engine.db.close()
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20, help="users and gateways in the file (20)")
    parser.add_argument("--pg", default=os.environ.get("SMSCONSOLE_TEST_PG_URL"), help="PostgreSQL server URL")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "console.toml"
        write(path, args.count)
        if not args.pg:
            url = f"sqlite:///{tmp}/store.db"
            print(f"SQLite, {args.count} users and {args.count} gateways")
            print(f"  first start:                {start(url, 'local', path) * 1000:8.0f} ms")
            print(f"  restart, file unchanged:    {start(url, 'local', path) * 1000:8.0f} ms")
            return
        server = make_url(args.pg)
        name = f"smsconsole_bench_{uuid.uuid4().hex[:12]}"
        admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = server.set(database=name).render_as_string(hide_password=False)
        try:
            print(f"PostgreSQL shared by consoles a and b, {args.count} users and {args.count} gateways")
            print(f"  a's first start (store empty):   {start(url, 'a', path) * 1000:8.0f} ms")
            print(f"  a's restart, file unchanged:     {start(url, 'a', path) * 1000:8.0f} ms")
            print(f"  b's first start, the same file:  {start(url, 'b', path) * 1000:8.0f} ms")
            write(path, args.count, edited=True)
            print(f"  a's restart, one user edited:    {start(url, 'a', path) * 1000:8.0f} ms")
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
