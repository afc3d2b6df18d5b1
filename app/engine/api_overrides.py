"""The HTTP API's address and TLS files as chosen in the Settings dialog.

They are kept in the store (settings ``api_listen``, ``api_tls_cert``,
``api_tls_key``); an empty value leaves the configuration file's ``[api]``
value in force. They take effect when the API starts.
"""

from __future__ import annotations

from typing import Any

from app.config import parse_listen
from app.settings import SettingError

OVERRIDES = {"api_listen": "listen", "api_tls_cert": "tls_cert", "api_tls_key": "tls_key"}


def effective_api(api: dict[str, Any], settings: dict[str, Any]) -> dict[str, Any]:
    """``api`` (the file's ``[api]`` table) with the stored choices applied."""
    out = dict(api)
    for key, target in OVERRIDES.items():
        if settings.get(key):
            out[target] = settings[key]
    return out


def effective_smpp(smpp: dict[str, Any], settings: dict[str, Any]) -> dict[str, Any]:
    """``smpp`` (the file's ``[smpp]`` table) with the Settings dialog's choices applied: served when the
    file or the dialog enables it."""
    out = dict(smpp)
    if settings.get("smpp_enabled"):
        out["enabled"] = True
    if settings.get("smpp_listen"):
        out["listen"] = settings["smpp_listen"]
    return out


def check_listen(value: str) -> str:
    """An empty value, or ``host:port``; raises SettingError in words."""
    if value.strip():
        try:
            parse_listen(value.strip())
        except (SettingError, ValueError) as exc:
            raise SettingError(f"API address: {exc}") from None
    return value.strip()
