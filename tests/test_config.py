"""The configuration file: what it accepts, what it refuses, and in which words."""

from __future__ import annotations

import pytest
from sqlmodel import select

from app.config import ConfigError, load_config
from app.engine.configure import apply_config
from app.store.models import GatewayRecord, User
from app.store.passwords import verify_password


def write(tmp_path, text: str):
    path = tmp_path / "console.toml"
    path.write_text(text)
    return path


GOOD = """
[store]
url = "sqlite:///x.db"
[api]
listen = "127.0.0.1:9711"
[settings]
default_country = "49"
[[users]]
name = "admin"
password = "change-me"
admin = true
[[gateways]]
name = "Demo"
kind = "simulator"
send_delay = 0.1
"""


def test_a_good_file_is_read(tmp_path):
    cfg = load_config(write(tmp_path, GOOD))
    assert cfg.store["url"] == "sqlite:///x.db"
    assert cfg.listen == ("127.0.0.1", 9711)
    assert cfg.users[0]["name"] == "admin" and cfg.users[0]["admin"] is True
    assert cfg.gateways == [{"name": "Demo", "kind": "simulator", "send_delay": 0.1}]
    assert cfg.settings == {"default_country": "49"}


@pytest.mark.parametrize("text, words", [
    ("[stor]\nurl='x'", "stor: unknown key"),
    ("[api]\nlisten = 9710", "api.listen: expected a string"),
    ("[api]\nlisten = 'localhost'", "api.listen: expected HOST:PORT"),
    ("[api]\ntls_cert = 'a.pem'", "tls_cert and tls_key go together"),
    ("[settings]\nmax_attempts = 'many'", "settings.max_attempts: expected an integer"),
    ("[settings]\ninterrupted_rule = 'maybe'", "settings.interrupted_rule: must be one of resend, fail"),
    ("[settings]\nretry_base_seconds = nan", "settings.retry_base_seconds: expected a finite number"),
    ("[settings]\nretry_max_seconds = inf", "settings.retry_max_seconds: expected a finite number"),
    ("[settings]\ndefault_country = 'DE'", "settings.default_country: must be a calling code"),
    ("[[gateways]]\nname = 'A'\nkind = 'modem'\nport = '/dev/x'\nsweep_seconds = inf",
     "gateways[0].sweep_seconds: expected a finite number"),
    ("[[users]]\npassword = 'x'", "users[0].name: required key is missing"),
    ("[[users]]\nname='a'\nadmin='yes'", "users[0].admin: expected a boolean"),
    ("[[gateways]]\nname = 'A'", "gateways[0].kind: required key is missing"),
    ("[[gateways]]\nname = 'A'\nkind = 'fax'", "gateways[0].kind: unknown gateway kind 'fax'"),
    ("[[gateways]]\nname = 'A'\nkind = 'simulator'\nspeed = 3", "gateways[0].speed: unknown key"),
    ("[[gateways]]\nname = 'A'\nkind = 'simulator'\nsend_delay = 'fast'",
     "gateways[0].send_delay: expected a number"),
    ("[[gateways]]\nname='A'\nkind='simulator'\n[[gateways]]\nname='A'\nkind='simulator'",
     "gateways[1].name: duplicate gateway name 'A'"),
    ("gateways = 3", "gateways: expected an array of tables"),
    ("[store\nurl = 1", "not valid TOML"),
])
def test_a_bad_file_is_refused_in_one_line(tmp_path, text, words):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    message = str(err.value)
    assert message.startswith(str(path) + ": ")
    assert words in message
    assert "\n" not in message


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="no such file"):
        load_config(tmp_path / "nope.toml")


def test_the_file_wins_for_the_names_it_declares(tmp_path, make_engine):
    engine = make_engine()
    engine.add_gateway("Demo", "simulator", {"send_delay": 5.0})
    engine.add_gateway("Mine", "simulator", {})
    apply_config(engine, load_config(write(tmp_path, GOOD)))
    with engine.db.session() as s:
        gws = {g.name: g for g in s.exec(select(GatewayRecord))}
        users = {u.name: u for u in s.exec(select(User))}
    assert set(gws) == {"Demo", "Mine"}
    assert '"send_delay": 0.1' in gws["Demo"].settings and gws["Demo"].origin == "config"
    assert gws["Mine"].origin == "store"
    assert verify_password("change-me", users["admin"].password_hash)
    assert "change-me" not in users["admin"].password_hash
    assert engine.settings["default_country"] == "49"


def test_password_from_environment(tmp_path, make_engine, monkeypatch):
    path = write(tmp_path, "[[users]]\nname='ops'\npassword_env='OPS_PW'\n")
    engine = make_engine()
    with pytest.raises(ConfigError, match="OPS_PW is not set"):
        apply_config(engine, load_config(path))
    monkeypatch.setenv("OPS_PW", "s3cret")
    apply_config(engine, load_config(path))
    with engine.db.session() as s:
        assert verify_password("s3cret", s.exec(select(User)).one().password_hash)
