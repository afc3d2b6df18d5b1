"""Where a provider gateway's password comes from, so it need not sit in plain
text in the configuration.

Looked up in this order; the first that has one wins:

1. ``password`` in the gateway's settings. Written in the configuration
   file, it is kept in memory only while the console runs: applying the file
   never writes it to the store (the file itself stays the plain-text copy,
   so prefer the sources below on shared machines);
2. ``password_env``: the name of an environment variable holding it
   (headless servers: systemd ``Environment=``/``EnvironmentFile=``);
3. the platform keyring (Secret Service, macOS Keychain, Windows Credential
   Locker), service ``smsconsole``, user ``gateway:<gateway name>`` — store it
   once with :func:`save_password` or ``keyring set smsconsole gateway:<name>``;
4. the secrets file ``<config dir>/smsconsole/secrets.toml`` (or the gateway's
   ``credentials_file``), a TOML table ``[gateways]`` of ``"<name>" =
   "<password>"``; it must be readable by its owner only (mode 0600), else it
   is refused.
"""

from __future__ import annotations

import logging
import os
import stat
import tomllib
from pathlib import Path

from app.settings import Setting

log = logging.getLogger(__name__)

SERVICE = "smsconsole"

#: The settings of a provider gateway's password, looked up in the order of the module's docstring.
PASSWORD_SETTINGS = (
    Setting("password", str, "", "Password in plain text (prefer password_env, the keyring or the "
            "secrets file).", secret=True),
    Setting("password_env", str, "", "Name of an environment variable holding the password."),
    Setting("credentials_file", str, "", "TOML secrets file ([gateways] name = \"password\", mode 0600); "
            "empty: secrets.toml in the configuration directory."),
)


class CredentialError(RuntimeError):
    """No usable password; the message says where to put one."""


def keyring_user(gateway: str) -> str:
    return f"gateway:{gateway}"


def default_secrets_file() -> Path:
    from platformdirs import user_config_dir

    from app import APP_DIRNAME

    return Path(user_config_dir(APP_DIRNAME, appauthor=False)) / "secrets.toml"


def _from_keyring(gateway: str) -> str | None:
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:
        return None
    try:
        return keyring.get_password(SERVICE, keyring_user(gateway))
    except (KeyringError, RuntimeError) as exc:  # no backend on a headless machine
        log.debug("keyring unavailable: %s", exc)
        return None


def save_password(gateway: str, password: str) -> None:
    """Keep the password in the platform keyring; raises CredentialError when there is none."""
    try:
        import keyring
        from keyring.errors import KeyringError

        keyring.set_password(SERVICE, keyring_user(gateway), password)
    except (ImportError, KeyringError, RuntimeError) as exc:
        raise CredentialError(f"no keyring on this machine ({exc}): use password_env or the secrets file "
                              f"{default_secrets_file()} (mode 0600)") from None


def _from_file(gateway: str, path: Path) -> str | None:
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise CredentialError(f"{path} may be read by other users: chmod 600 {path}")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CredentialError(f"{path}: cannot read: {exc}") from None
    value = (data.get("gateways") or {}).get(gateway)
    return value if isinstance(value, str) else None


def resolve_password(gateway: str, settings: dict) -> str:
    """The gateway's password from the first source that has one (see the module doc)."""
    if settings.get("password"):
        return settings["password"]
    env = settings.get("password_env")
    if env:
        value = os.environ.get(env)
        if value is None:
            raise CredentialError(f"gateway {gateway}: environment variable {env} is not set")
        return value
    value = _from_keyring(gateway)
    if value:
        return value
    path = Path(settings.get("credentials_file") or default_secrets_file())
    value = _from_file(gateway, path)
    if value:
        return value
    raise CredentialError(f"gateway {gateway}: no password: set password_env, store it in the keyring "
                          f"(service {SERVICE}, user {keyring_user(gateway)}), or add it to {path} (mode 0600)")


def _toml_string(value: str) -> str:
    escaped = "".join(c if c >= " " and c not in '"\\' else f"\\u{ord(c):04x}" for c in value)
    return f'"{escaped}"'


def save_password_to_file(gateway: str, password: str, path: Path | None = None) -> Path:
    """Keep the password in the secrets file (created with mode 0600), next to the ones already there.

    The fallback where no keyring exists; returns the file's path. A file that holds more than the
    ``[gateways]`` table of strings is left alone (CredentialError), so nothing in it is lost."""
    path = Path(path or default_secrets_file())
    data: dict = {}
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise CredentialError(f"{path}: cannot read: {exc}") from None
    table = data.get("gateways", {})
    if set(data) - {"gateways"} or not isinstance(table, dict) or not all(isinstance(v, str)
                                                                          for v in table.values()):
        raise CredentialError(f"{path} holds more than a [gateways] table of passwords: add "
                              f"{_toml_string(gateway)} = \"...\" to it by hand")
    table = {**table, gateway: password}
    text = "[gateways]\n" + "".join(f"{_toml_string(k)} = {_toml_string(v)}\n" for k, v in table.items())
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(path, 0o600)
    except OSError as exc:
        raise CredentialError(f"{path}: cannot write: {exc.strerror or exc}") from None
    return path
