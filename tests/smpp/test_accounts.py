"""Where the SMPP server and its users' passwords come from: the [smpp] section, [[users]] smpp_password,
the Settings dialog's user book, the schema migration, and `smsconsole serve`."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys

import pytest
import smpplib.consts as C
import smpplib.exceptions
from sqlmodel import select

from app.config import ConfigError, load_config
from app.engine.api_overrides import effective_smpp
from app.engine.configure import apply_config
from app.engine.requests import EngineError
from app.store.database import SCHEMA_VERSION, Database
from app.store.models import User
from app.store.passwords import verify_password


def write(tmp_path, text: str):
    path = tmp_path / "console.toml"
    path.write_text(text)
    return path


def test_smpp_is_off_unless_the_file_or_the_settings_turn_it_on(tmp_path):
    off = load_config(write(tmp_path, ""))
    assert off.smpp["enabled"] is False and off.smpp["listen"] == "127.0.0.1:2775"
    on = load_config(write(tmp_path, '[smpp]\nlisten = "0.0.0.0:2776"\n'))
    assert on.smpp["enabled"] is True and on.smpp["listen"] == "0.0.0.0:2776"
    assert load_config(write(tmp_path, '[smpp]\nlisten = "0.0.0.0:2776"\nenabled = false\n')).smpp["enabled"] is False
    chosen = effective_smpp(off.smpp, {"smpp_enabled": True, "smpp_listen": "127.0.0.1:2999"})
    assert chosen["enabled"] is True and chosen["listen"] == "127.0.0.1:2999"


@pytest.mark.parametrize("text, message", [
    ('[smpp]\nlisten = "2775"\n', "smpp.listen: expected HOST:PORT"),
    ('[smpp]\nmax_binds = 0\n', "smpp.max_binds"),
    ('[smpp]\nport = 1\n', "smpp.port: unknown key"),
    ('[[users]]\nname = "a"\npassword = "longenough"\nsmpp_password = "123456789"\n',
     "users[0].smpp_password: SMPP passwords have at most 8 characters"),
])
def test_bad_smpp_settings_are_refused_with_the_key(tmp_path, text, message):
    with pytest.raises(ConfigError) as err:
        load_config(write(tmp_path, text))
    assert message in str(err.value)


def test_users_smpp_password_from_the_file_is_stored_hashed(tmp_path, make_engine, monkeypatch):
    monkeypatch.setenv("KANNEL_SMPP", "fromenv")
    cfg = load_config(write(tmp_path, '[[users]]\nname = "a"\npassword = "longenough"\nsmpp_password = "pw1"\n'
                                      '[[users]]\nname = "b"\npassword = "longenough"\n'
                                      'smpp_password_env = "KANNEL_SMPP"\n'))
    engine = make_engine()
    apply_config(engine, cfg)
    with engine.db.session() as s:
        rows = {u.name: u.smpp_password_hash for u in s.exec(select(User))}
    assert verify_password("pw1", rows["a"]) and "pw1" not in rows["a"]
    assert verify_password("fromenv", rows["b"])


async def test_the_user_book_sets_and_removes_an_smpp_password(start_smpp, smpp_client):
    server = await start_smpp(users=())
    book = server.engine.users
    book.save("carol", password="long password", admin=False, smpp_password="c4rol")
    await smpp_client(server, system_id="carol", password="c4rol")
    with pytest.raises(EngineError):
        book.save("carol", password=None, admin=False, smpp_password="123456789")
    book.save("carol", password=None, admin=False, smpp_password="")
    client = await smpp_client(server, bind=None)
    with pytest.raises(smpplib.exceptions.PDUError) as err:
        await client.bind(system_id="carol", password="c4rol")
    assert err.value.args[1] == C.SMPP_ESME_RINVPASWD


def test_a_version_5_store_gains_smpp_passwords_and_cursors(db_url):
    db = Database(db_url)
    db.create()
    db.close()
    path = db_url.removeprefix("sqlite:///")
    conn = sqlite3.connect(path)  # the store as version 5 wrote it
    conn.execute('ALTER TABLE "user" DROP COLUMN smpp_password_hash')
    conn.execute("DROP TABLE smpp_cursor")
    conn.execute("UPDATE schema_version SET version = 5")
    conn.execute("INSERT INTO user (name, password_hash, api_secret_hash, admin, enabled, privileges, origin, "
                 "api_blocked) VALUES ('alice', 'x', '', 0, 1, '[]', 'store', 0)")
    conn.commit()
    conn.close()
    for _ in range(2):  # a migration run again changes nothing
        db = Database(db_url)
        db.create()
        assert db.schema_version() == SCHEMA_VERSION
        with db.session() as s:
            assert s.exec(select(User.smpp_password_hash).where(User.name == "alice")).one() == ""
        db.close()
        conn = sqlite3.connect(path)
        conn.execute("UPDATE schema_version SET version = 5")
        conn.commit()
        conn.close()
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM smpp_cursor").fetchone() == (0,)
    conn.close()


def test_serve_starts_the_smpp_server(tmp_path):
    cfg = write(tmp_path, "[api]\nenabled = false\n[smpp]\nlisten = '127.0.0.1:0'\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMSCONSOLE_")}
    env.update({"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)})
    proc = subprocess.Popen([sys.executable, "-m", "app.cli", "serve", "--config", str(cfg),
                             "--db", f"sqlite:///{tmp_path}/console.db"], env=env, stderr=subprocess.PIPE,
                            text=True)
    try:
        lines = []
        for line in proc.stderr:
            lines.append(line)
            if "serving on store" in line:
                break
        assert any("SMPP server on 127.0.0.1:" in line for line in lines), "".join(lines)
        proc.send_signal(signal.SIGTERM)
        rest = proc.stderr.read()
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "SMPP server stopped" in rest and "Traceback" not in "".join(lines) + rest
