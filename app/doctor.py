"""``smsconsole doctor``: what keeps the console from working on this machine, each problem with its fix.

Checks Qt's system libraries, the display, access to serial ports (the
``dialout`` group), ModemManager holding modems, the keyring, the API's
port and the store. Nothing is changed; the exit code is 1 when a check
found a problem.
"""

from __future__ import annotations

import argparse
import errno
import grp
import json
import os
import pwd
import socket
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from app import qt_libraries


@dataclass
class Finding:
    check: str
    ok: bool
    detail: str
    fix: str = ""


def check_qt(env=None) -> Finding:
    missing = qt_libraries.missing_libraries(env=env)
    if missing is None:
        return Finding("Qt libraries", True, f"the {qt_libraries.chosen_platform(env)} platform plugin has every "
                       "library it needs")
    return Finding("Qt libraries", False, f"Qt's {missing.platform} platform plugin lacks "
                   f"{', '.join(missing.libraries)}", missing.install_commands())


def check_display(env=None) -> Finding:
    problem = qt_libraries.display_problem(env=env)
    if problem is None:
        env = os.environ if env is None else env
        shown = env.get("WAYLAND_DISPLAY") or env.get("DISPLAY") or qt_libraries.chosen_platform(env)
        return Finding("Display", True, f"a window can open ({shown})")
    detail, _, fix = problem.partition(". ")
    return Finding("Display", False, detail, fix)


def _user_groups(user: str) -> tuple[set[str], set[str]]:
    """(groups the user belongs to per the group database, groups this process runs with)."""
    listed = {g.gr_name for g in grp.getgrall() if user in g.gr_mem}
    try:
        listed.add(grp.getgrgid(pwd.getpwnam(user).pw_gid).gr_name)
    except KeyError:
        pass
    active = set()
    for gid in os.getgroups():
        try:
            active.add(grp.getgrgid(gid).gr_name)
        except KeyError:
            pass
    return listed, active


def check_serial_ports(ports=None) -> Finding:
    if ports is None:
        from app.gateways.modem.discovery import list_ports

        ports = [p.device for p in list_ports()]
    if not ports:
        return Finding("Serial ports", True, "no serial port found (plug a USB modem in to use one)")
    denied = [p for p in ports if os.path.exists(p) and not os.access(p, os.R_OK | os.W_OK)]
    if not denied:
        return Finding("Serial ports", True, f"{len(ports)} port(s), each readable and writable: "
                       + ", ".join(ports))
    user = pwd.getpwuid(os.getuid()).pw_name
    owners = {grp.getgrgid(os.stat(p).st_gid).gr_name for p in denied}
    listed, active = _user_groups(user)
    group = sorted(owners)[0]
    if group in listed and group not in active:
        fix = f"you were added to the group {group}: log out and in again (or run `newgrp {group}`)"
    else:
        fix = f"sudo usermod -aG {group} {user}, then log out and in again"
    return Finding("Serial ports", False, f"no access to {', '.join(denied)} (group {group})", fix)


def _running(name: str) -> bool:
    for entry in Path("/proc").glob("[0-9]*/comm"):
        try:
            if entry.read_text().strip() == name:
                return True
        except OSError:
            continue
    return False


def check_modem_manager(running: bool | None = None) -> Finding:
    if not sys.platform.startswith("linux"):
        return Finding("ModemManager", True, "not a Linux machine")
    running = _running("ModemManager") if running is None else running
    if not running:
        return Finding("ModemManager", True, "not running: it cannot take a modem's port")
    return Finding("ModemManager", False, "ModemManager is running and opens new modems' ports, which then "
                   "answer the console slowly or not at all",
                   "keep it off the modem with a udev rule: ATTRS{idVendor}==\"VID\", ATTRS{idProduct}==\"PID\", "
                   "ENV{ID_MM_DEVICE_IGNORE}=\"1\" in /etc/udev/rules.d/99-smsconsole.rules (VID:PID from "
                   "`smsconsole ports`), or stop it: sudo systemctl disable --now ModemManager")


def check_keyring() -> Finding:
    try:
        import keyring
        from keyring.errors import KeyringError

        backend = keyring.get_keyring()
        keyring.get_password("smsconsole", "doctor")
    except ImportError:
        backend, error = None, "the keyring package is not installed"
    except (KeyringError, RuntimeError) as exc:
        error = str(exc).split(". ")[0]
    else:
        return Finding("Keyring", True, f"provider passwords are kept in {type(backend).__module__}")
    from app.gateways.credentials import default_secrets_file

    return Finding("Keyring", False, f"no keyring: {error}",
                   "start a Secret Service (GNOME Keyring or KWallet) in the desktop session, or keep provider "
                   f"passwords in an environment variable (password_env) or in {default_secrets_file()} "
                   "(mode 0600)")


def check_api_port(cfg) -> Finding:
    if not cfg.api.get("enabled", True):
        return Finding("API port", True, "the HTTP API is switched off ([api] enabled = false)")
    host, port = cfg.listen
    try:
        with socket.create_server((host, port), reuse_port=False):
            pass
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            return Finding("API port", False, f"{host}:{port} is taken by another program (perhaps a console "
                           "already running)", "stop that program, or choose another port with [api] listen "
                           "in the configuration file (or Settings → API)")
        return Finding("API port", False, f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                       "choose an address of this machine with [api] listen")
    return Finding("API port", True, f"{host}:{port} is free")


def check_store(cfg, db_url: str | None) -> Finding:
    from sqlalchemy import create_engine, inspect, make_url, text

    from app.store.database import SCHEMA_VERSION, default_url

    url = db_url or cfg.store.get("url") or default_url()
    parsed = make_url(url)
    shown = parsed.render_as_string(hide_password=True)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(parsed.database)
        folder = next((p for p in (path.parent, *path.parent.parents) if p.exists()), Path("/"))
        if not path.exists():
            if os.access(folder, os.W_OK):
                return Finding("Store", True, f"{path} will be created at the first start")
            return Finding("Store", False, f"{path} cannot be created: {folder} is not writable",
                           "choose a writable place with --db sqlite:////path/console.db or [store] url")
        if not os.access(path, os.R_OK | os.W_OK) or not os.access(path.parent, os.W_OK):
            return Finding("Store", False, f"{path} (or its folder) is not writable by you",
                           f"fix the owner: sudo chown $USER {path} {path.parent}")
    try:
        engine = create_engine(url)
        with engine.connect() as conn:
            version = None
            if inspect(conn).has_table("schemaversion"):
                version = conn.execute(text("SELECT version FROM schemaversion WHERE id = 1")).scalar()
        engine.dispose()
    except Exception as exc:  # bad URL, missing driver, server down, wrong password
        return Finding("Store", False, f"cannot open {shown}: {str(exc).splitlines()[0]}",
                       "check the URL, the driver (pip install 'psycopg[binary]' for PostgreSQL) and the server")
    if version is not None and version > SCHEMA_VERSION:
        return Finding("Store", False, f"{shown} has schema version {version}, newer than this program's "
                       f"{SCHEMA_VERSION}", "update SMS Console")
    return Finding("Store", True, f"{shown} opens (schema version {version or 'new'})")


def run_checks(cfg, db_url: str | None) -> list[Finding]:
    return [check_qt(), check_display(), check_serial_ports(), check_modem_manager(), check_keyring(),
            check_api_port(cfg), check_store(cfg, db_url)]


def report(findings: list[Finding]) -> str:
    lines = []
    for f in findings:
        lines.append(f"{'ok     ' if f.ok else 'PROBLEM'}  {f.check}: {f.detail}")
        if not f.ok and f.fix:
            lines.append(f"         fix: {f.fix}")
    problems = sum(not f.ok for f in findings)
    lines.append("No problem found." if not problems else f"{problems} problem(s) found.")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from app.config import Config, ConfigError, load_config

    try:
        cfg = load_config(args.config) if args.config else Config()
    except ConfigError as exc:
        print(f"smsconsole: {exc}", file=sys.stderr)
        return 2
    findings = run_checks(cfg, args.db)
    if args.json:
        print(json.dumps([asdict(f) for f in findings], indent=2))
    else:
        print(report(findings))
    return 0 if all(f.ok for f in findings) else 1


def register(sub, store_options) -> None:
    p = sub.add_parser("doctor", help="check this machine: Qt libraries, display, serial ports, keyring, API port, "
                       "store", description="Check what keeps the console from working on this machine: Qt's "
                       "system libraries, the display, access to serial ports (dialout), ModemManager holding "
                       "modems, the keyring, the API port and the store. Each problem comes with its fix. "
                       "Exit code 1 when a problem was found.")
    store_options(p)
    p.add_argument("--json", action="store_true", help="the findings as JSON")
    p.set_defaults(func=run)
