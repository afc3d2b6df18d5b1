"""Declared settings: each one once, with its type, default and description.

The config file, the store, the settings dialog and the HTTP API's
``set-*-property`` commands all validate against these declarations, so a
value that one of them accepts is a value the program understands.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any


class SettingError(ValueError):
    """A value does not fit its declared setting."""


_TYPE_NAMES = {bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "a list"}


@dataclass(frozen=True)
class Setting:
    name: str
    type: type
    default: Any
    description: str
    choices: tuple = ()
    minimum: float | None = None
    maximum: float | None = None
    secret: bool = False
    required: bool = False
    #: For list settings: the type of each item.
    item_type: type | None = None
    #: For text settings: a regular expression the whole value must match (the empty text always may).
    pattern: str = ""
    #: What ``pattern`` means, for the refusal.
    pattern_text: str = ""

    def check(self, value: Any) -> Any:
        """Return ``value`` as this setting's type, or raise SettingError."""
        t = self.type
        if t is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if t is bool and not isinstance(value, bool):
            raise SettingError(f"expected {_TYPE_NAMES[bool]}, got {value!r}")
        if t is int and (isinstance(value, bool) or not isinstance(value, int)):
            raise SettingError(f"expected {_TYPE_NAMES[int]}, got {value!r}")
        if not isinstance(value, t):
            raise SettingError(f"expected {_TYPE_NAMES.get(t, t.__name__)}, got {value!r}")
        if t is float and not math.isfinite(value):
            raise SettingError(f"expected a finite number, got {value!r}")
        if self.pattern and value and not re.fullmatch(self.pattern, value):
            raise SettingError(f"must be {self.pattern_text or 'of the form ' + self.pattern}, got {value!r}")
        if t is list and self.item_type is not None:
            for item in value:
                if not isinstance(item, self.item_type):
                    raise SettingError(f"expected a list of {_TYPE_NAMES.get(self.item_type)}s, got {item!r}")
        if self.choices and value not in self.choices:
            raise SettingError(f"must be one of {', '.join(map(str, self.choices))}, got {value!r}")
        if self.minimum is not None and value < self.minimum:
            raise SettingError(f"must be at least {self.minimum:g}, got {value!r}")
        if self.maximum is not None and value > self.maximum:
            raise SettingError(f"must be at most {self.maximum:g}, got {value!r}")
        return value

    def parse_text(self, text: str) -> Any:
        """Parse a value given as text (HTTP API, settings dialog)."""
        t = self.type
        try:
            if t is bool:
                low = text.strip().lower()
                if low in ("1", "true", "yes", "on"):
                    return True
                if low in ("0", "false", "no", "off"):
                    return False
                raise SettingError(f"expected a boolean (true/false or 1/0), got {text!r}")
            if t is int:
                return self.check(int(text.strip()))
            if t is float:
                return self.check(float(text.strip()))
            if t is list:
                return self.check([p.strip() for p in text.split(";") if p.strip()])
        except ValueError as exc:
            if isinstance(exc, SettingError):
                raise
            raise SettingError(f"expected {_TYPE_NAMES.get(t)}, got {text!r}") from None
        return self.check(text)


@dataclass
class SettingGroup:
    """An ordered set of declared settings, addressable by name."""

    settings: tuple[Setting, ...]
    by_name: dict[str, Setting] = field(init=False)

    def __post_init__(self) -> None:
        self.by_name = {s.name: s for s in self.settings}

    def __iter__(self):
        return iter(self.settings)

    def __contains__(self, name: str) -> bool:
        return name in self.by_name

    def __getitem__(self, name: str) -> Setting:
        return self.by_name[name]

    def resolve(self, name: str) -> str:
        """The declared name that ``name`` means, letter case aside (``Enabled`` -> ``enabled``); ``name``
        itself when none matches."""
        if name in self.by_name:
            return name
        folded = name.casefold()
        return next((n for n in self.by_name if n.casefold() == folded), name)

    def defaults(self) -> dict[str, Any]:
        return {s.name: s.default for s in self.settings}

    def validate(self, values: dict[str, Any], *, where: str = "") -> dict[str, Any]:
        """Check every key and value; fill defaults. Raises SettingError naming the key."""
        out = self.defaults()
        for key, value in values.items():
            if key not in self.by_name:
                raise SettingError(f"{where}{key}: unknown key")
            try:
                out[key] = self.by_name[key].check(value)
            except SettingError as exc:
                raise SettingError(f"{where}{key}: {exc}") from None
        for s in self.settings:
            if s.required and key_missing(values, s.name):
                raise SettingError(f"{where}{s.name}: required key is missing")
        return out


def key_missing(values: dict, name: str) -> bool:
    return name not in values or values[name] in (None, "")


#: Operational settings of the console, kept in the store.
GENERAL = SettingGroup((
    Setting("default_country", str, "", "Country calling code used to turn national numbers "
            "(0176...) into international ones, e.g. \"49\". Empty: numbers are kept as entered.",
            pattern=r"[1-9][0-9]{0,2}", pattern_text="a calling code of 1 to 3 digits such as \"49\" (no + or 00)"),
    Setting("max_attempts", int, 5, "How many times a message is tried on transient errors before it fails.",
            minimum=1, maximum=100),
    Setting("retry_base_seconds", float, 5.0, "First retry delay; each further retry doubles it (with jitter).",
            minimum=0.0, maximum=3600.0),
    Setting("interrupted_rule", str, "resend", "What happens at start to a message that was being sent when "
            "the console stopped without recording the answer: \"resend\" (sent again and flagged as a possible "
            "duplicate) or \"fail\" (marked failed, the operator decides).", choices=("resend", "fail")),
    Setting("send_server_command_enabled", bool, False, "Allow admin users to run send-server-command over the "
            "HTTP API (disabled by default)."),
    Setting("duplicate_window_seconds", int, 600, "Window in which the same sender, recipient and text count "
            "as a duplicate when duplicate detection is asked for.", minimum=1, maximum=7 * 86400),
    Setting("notify_new_messages", bool, True, "Show a notification when a message arrives."),
    Setting("api_listen", str, "", "HTTP API address HOST:PORT chosen in the Settings dialog; empty: [api] listen "
            "of the configuration file. Takes effect at the next start."),
    Setting("smpp_enabled", bool, False, "Serve SMPP as chosen in the Settings dialog (also when the "
            "configuration file has no [smpp] section). Takes effect at the next start."),
    Setting("smpp_listen", str, "", "SMPP server address HOST:PORT chosen in the Settings dialog; empty: [smpp] "
            "listen of the configuration file. Takes effect at the next start."),
    Setting("api_tls_cert", str, "", "PEM certificate for HTTPS chosen in the Settings dialog; empty: [api] "
            "tls_cert of the configuration file."),
    Setting("api_tls_key", str, "", "PEM private key for api_tls_cert; empty: [api] tls_key of the configuration "
            "file."),
    Setting("color_scheme", str, "system", "Window colours: follow the desktop, or always light or dark.",
            choices=("system", "light", "dark")),
    Setting("retry_max_seconds", float, 3600.0, "Longest delay between two tries of a message.",
            minimum=0.0, maximum=86400.0),
    Setting("retry_max_age_seconds", int, 86400, "A message still failing this long after it was due fails "
            "with its last reason instead of being tried again (0: no age limit).", minimum=0, maximum=30 * 86400),
    Setting("sending_paused", bool, False, "Hold every outgoing message in the queue (global pause)."),
    Setting("session_idle_seconds", int, 600, "An API client's customer session closes after this many seconds "
            "without a request (shown as closed in the Sessions tab and the HORISEN API).", minimum=10,
            maximum=7 * 86400),
    Setting("lease_seconds", int, 120, "How long an instance's claim on a message it is sending lasts without "
            "renewal; another instance sharing the store takes over the claims of one that stopped renewing.",
            minimum=10, maximum=86400),
    Setting("journal_retention_days", int, 90, "How long the journal of message events (each message's "
            "timeline) is kept, in days; older events are pruned a slice at a time (0: kept for ever).",
            minimum=0, maximum=3650),
))


def parse_listen(value: str) -> tuple[str, int]:
    """(host, port) of a ``HOST:PORT`` address to listen on (no host: 127.0.0.1); raises SettingError."""
    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit() or not (0 <= int(port) <= 65535):
        raise SettingError(f"expected HOST:PORT, got {value!r}")
    return host.strip("[]") or "127.0.0.1", int(port)
