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

log = logging.getLogger(__name__)

SERVICE = "smsconsole"


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
