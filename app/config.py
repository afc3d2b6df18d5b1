"""The configuration file (TOML), validated against the declared settings.

A file with an unknown key, a wrong type or a duplicate gateway name is
refused with one line naming the file, the key and the problem.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.settings import GENERAL, Setting, SettingError, SettingGroup, parse_listen

STORE = SettingGroup((
    Setting("url", str, "", "SQLAlchemy URL of the store. Empty: SQLite in the platform data directory."),
    Setting("instance", str, "", "Name of this console among several sharing one store (PostgreSQL): "
            "each needs its own, kept across restarts, so its claims on messages (and what its file last "
            "applied) are its own. Empty: the host name on a shared store, 'local' on SQLite; a name a live "
            "console holds is refused at start."),
    Setting("queue_process", bool, False, "Store the messages clients submit (HTTP API and SMPP) from a "
            "second process, so the console's own process serves requests meanwhile. It pays off when that "
            "process has a core of its own: on a machine of two cores shared with busy clients it took as "
            "many requests a second as without it (SMPP: fewer). The console stores them itself while that "
            "process starts, and should it stop."),
))

API = SettingGroup((
    Setting("listen", str, "127.0.0.1:9710", "Address and port of the local HTTP API (loopback by default)."),
    Setting("enabled", bool, True, "Serve the local HTTP API."),
    Setting("tls_cert", str, "", "PEM certificate file: serve HTTPS instead of HTTP."),
    Setting("tls_key", str, "", "PEM private key file for tls_cert."),
    Setting("rate_limit", int, 10000, "Requests one API user may make in any 10 seconds before the "
            "Retarus API answers 429 (0: no limit).", minimum=0, maximum=10_000_000),
))

SMPP = SettingGroup((
    Setting("listen", str, "127.0.0.1:2775", "Address and port of the SMPP server (loopback by default)."),
    Setting("enabled", bool, False, "Serve SMPP 3.4 to the console's users (customers bind to the console)."),
    Setting("max_binds", int, 4, "Binds one user may hold at once; one more is refused with ESME_RBINDFAIL.",
            minimum=1, maximum=1000),
    Setting("throughput", int, 1000, "Messages one user may submit per second (a submit_sm or data_sm is one, "
            "a submit_multi one per destination), all binds together; more are answered ESME_RTHROTTLED "
            "(0: no limit).", minimum=0, maximum=10_000_000),
    Setting("window", int, 256, "Requests of one bind handled at once; the server reads no more until "
            "one is answered.", minimum=1, maximum=10_000),
    Setting("max_pdu", int, 70_000, "Largest PDU accepted, in octets; a larger one is answered with "
            "generic_nack ESME_RINVCMDLEN and the connection closed.", minimum=64, maximum=1_000_000),
    Setting("enquire_timeout", int, 300, "Seconds a bind may stay silent (no PDU, no enquire_link) before "
            "the server unbinds it.", minimum=5, maximum=86_400),
))

USER = SettingGroup((
    Setting("name", str, "", "User name for the HTTP API.", required=True),
    Setting("password", str, "", "Password (stored only as a salted hash).", secret=True),
    Setting("password_env", str, "", "Name of an environment variable holding the password."),
    Setting("admin", bool, False, "Administrator: may use every privilege and send-server-command."),
    Setting("enabled", bool, True, "The user may log in."),
    Setting("privileges", list, [], "Privilege names granted to a non-admin user.", item_type=str),
    Setting("api_secret", str, "", "A separate secret the user may give instead of the password (HORISEN "
            "client_secret, Diafaan password); stored only as a salted hash.", secret=True),
    Setting("api_secret_env", str, "", "Name of an environment variable holding the API secret."),
    Setting("smpp_password", str, "", "Password for binding to the SMPP server with the user name as system_id "
            "(at most 8 characters); stored only as a salted hash. Empty: no SMPP.", secret=True),
    Setting("smpp_password_env", str, "", "Name of an environment variable holding the SMPP password."),
))


ROUTING = SettingGroup((
    Setting("gateways", list, [], "Gateway names that may carry the matching messages, in order of preference.",
            required=True, item_type=str),
    Setting("name", str, "", "Name shown in the Routing section and in the Outbox's waiting reasons."),
    Setting("destination", str, "", "Destination prefix (+4917) or shell-style pattern (+4917[56]*); empty: any."),
    Setting("sender", str, "", "Sender id, exact or pattern; empty: any."),
    Setting("user", str, "", "API user name; empty: any."),
    Setting("message_type", str, "", "Message type (sms.text) or pattern (sms.*); empty: any."),
    Setting("enabled", bool, True, "Use the rule."),
))


class ConfigError(Exception):
    """A configuration file cannot be used; ``str()`` is the one line to show."""


@dataclass
class Config:
    path: Path | None = None
    store: dict[str, Any] = field(default_factory=STORE.defaults)
    api: dict[str, Any] = field(default_factory=API.defaults)
    smpp: dict[str, Any] = field(default_factory=SMPP.defaults)
    settings: dict[str, Any] = field(default_factory=dict)
    users: list[dict[str, Any]] = field(default_factory=list)
    gateways: list[dict[str, Any]] = field(default_factory=list)
    #: ``[[routing]]`` rules in order (validated against ROUTING).
    routing: list[dict[str, Any]] = field(default_factory=list)
    #: ``blocked = [...]``: numbers on the opt-out list.
    blocked: list[str] = field(default_factory=list)

    @property
    def listen(self) -> tuple[str, int]:
        return parse_listen(self.api["listen"])


def load_config(path: str | os.PathLike) -> Config:
    p = Path(path)
    where = str(p)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{where}: no such file") from None
    except OSError as exc:
        raise ConfigError(f"{where}: cannot read: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: not valid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{where}: not UTF-8 text") from None
    try:
        return parse_config(data, p)
    except SettingError as exc:
        raise ConfigError(f"{where}: {exc}") from None


_SECTIONS = ("store", "api", "smpp", "settings", "users", "gateways", "routing", "blocked")


def parse_config(data: dict[str, Any], path: Path | None = None) -> Config:
    """Validate a parsed TOML document; raises SettingError naming the key."""
    from app.gateways.registry import KINDS, gateway_class

    for key in data:
        if key not in _SECTIONS:
            raise SettingError(f"{key}: unknown key (known: {', '.join(_SECTIONS)})")
    cfg = Config(path=path)
    cfg.store = STORE.validate(_table(data, "store"), where="store.")
    cfg.api = API.validate(_table(data, "api"), where="api.")
    try:
        parse_listen(cfg.api["listen"])
    except SettingError as exc:
        raise SettingError(f"api.listen: {exc}") from None
    if bool(cfg.api["tls_cert"]) != bool(cfg.api["tls_key"]):
        raise SettingError("api.tls_cert: tls_cert and tls_key go together")
    cfg.smpp = SMPP.validate(_table(data, "smpp"), where="smpp.")
    try:
        parse_listen(cfg.smpp["listen"])
    except SettingError as exc:
        raise SettingError(f"smpp.listen: {exc}") from None
    if "listen" in _table(data, "smpp") and "enabled" not in _table(data, "smpp"):
        cfg.smpp["enabled"] = True  # a configured address means: serve it
    settings = _table(data, "settings")
    GENERAL.validate(settings, where="settings.")
    cfg.settings = dict(settings)

    names: set[str] = set()
    for i, user in enumerate(_array(data, "users")):
        where = f"users[{i}]."
        cfg.users.append(USER.validate(user, where=where))
        name = cfg.users[-1]["name"]
        if len(cfg.users[-1]["smpp_password"]) > 8:
            raise SettingError(f"{where}smpp_password: SMPP passwords have at most 8 characters")
        if name in names:
            raise SettingError(f"{where}name: duplicate user name {name!r}")
        names.add(name)

    names = set()
    for i, gw in enumerate(_array(data, "gateways")):
        where = f"gateways[{i}]."
        kind = gw.get("kind")
        if not isinstance(kind, str) or not kind:
            raise SettingError(f"{where}kind: required key is missing")
        if kind not in KINDS:
            raise SettingError(f"{where}kind: unknown gateway kind {kind!r} (known: {', '.join(sorted(KINDS))})")
        values = gateway_class(kind).setting_group().validate(gw, where=where)
        name = values["name"].strip()
        if name in names:
            raise SettingError(f"{where}name: duplicate gateway name {name!r}")
        names.add(name)
        # keep what the file said (not the defaults) so later defaults still apply
        cfg.gateways.append({k: v for k, v in gw.items()})

    for i, rule in enumerate(_array(data, "routing")):
        where = f"routing[{i}]."
        values = ROUTING.validate(rule, where=where)
        if not [g for g in values["gateways"] if g.strip()]:
            raise SettingError(f"{where}gateways: name at least one gateway")
        if len(set(values["gateways"])) != len(values["gateways"]):
            raise SettingError(f"{where}gateways: a gateway is named twice")
        cfg.routing.append(values)
    blocked = data.get("blocked", [])
    if not isinstance(blocked, list) or not all(isinstance(n, str) for n in blocked):
        raise SettingError("blocked: expected a list of phone numbers")
    from app.sms.numbers import InvalidNumber, normalize_number

    for number in blocked:
        try:
            normalize_number(number, None)
        except InvalidNumber as exc:
            raise SettingError(f"blocked: {number!r} is not a phone number: {exc}") from None
    cfg.blocked = list(blocked)
    return cfg


def _table(data: dict, key: str) -> dict:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise SettingError(f"{key}: expected a table [{key}]")
    return value


def _array(data: dict, key: str) -> list[dict]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise SettingError(f"{key}: expected an array of tables [[{key}]]")
    return value
