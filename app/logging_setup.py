"""Logging: a rotating file in the platform log directory, and stderr for ``serve``."""

from __future__ import annotations

import logging
import logging.handlers
import re
import sys
from pathlib import Path

from app import APP_DIRNAME

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

#: Credentials as they appear in URLs, form bodies, JSON, headers and URLs with a user part.
_SECRETS = (
    (re.compile(r"(?i)((?:^|[?&;\s'\"(,])(?:password|passwd|pwd|client_secret|secret|api_?key|access_token|"
                r"token|pin|puk)(?:=|%3D))[^&\s'\"),]*"), r"\1<hidden>"),
    (re.compile(r"(?i)(\"(?:password|client_secret|secret|access_token|token|pin|puk)\"\s*:\s*\")[^\"]*"),
     r"\1<hidden>"),
    (re.compile(r"(?i)(\b(?:authorization|proxy-authorization)['\"]?\s*[:=,]\s*['\"]?(?:basic|bearer|digest)?\s*)"
                r"[A-Za-z0-9+/=._~-]+"), r"\1<hidden>"),
    (re.compile(r"(?i)(\b(?:basic|bearer)\s+)[A-Za-z0-9+/=._~-]{8,}"), r"\1<hidden>"),
    (re.compile(r"(://[^/\s:@'\"]+:)[^@\s/'\"]+@"), r"\1<hidden>@"),
)


def redact(text: str) -> str:
    """``text`` with every password, secret, PIN, token and Authorization value replaced by ``<hidden>``."""
    for pattern, repl in _SECRETS:
        text = pattern.sub(repl, text)
    return text


class RedactingFilter(logging.Filter):
    """Hides credentials in a record's message, traceback and stack, whichever library logged it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a record whose arguments do not fit its format: keep it, minus the arguments
            message = str(record.msg)
        hidden = redact(message)
        if hidden != message or record.args:
            record.msg, record.args = hidden, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


#: Loggers of the libraries that see raw requests; they get the filter themselves, so every handler
#: (also one a test or an embedding program adds) receives the hidden form.
GUARDED_LOGGERS = ("aiohttp.server", "aiohttp.web", "aiohttp.access", "aiohttp.client", "aiohttp.internal",
                   "asyncio", "httpx", "httpcore", "app.api")


def guard_loggers() -> None:
    """Put a :class:`RedactingFilter` on the loggers of :data:`GUARDED_LOGGERS` (once)."""
    for name in GUARDED_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(RedactingFilter())


def log_dir() -> Path:
    from platformdirs import user_log_dir

    return Path(user_log_dir(APP_DIRNAME, appauthor=False))


def setup_logging(*, stderr: bool, level: int = logging.INFO, file: bool = True) -> Path | None:
    root = logging.getLogger()
    root.setLevel(level)
    for h in list(root.handlers):
        root.removeHandler(h)
    path = None
    guard_loggers()
    if file:
        try:
            directory = log_dir()
            directory.mkdir(parents=True, exist_ok=True)
            path = directory / "smsconsole.log"
            fh = logging.handlers.RotatingFileHandler(path, maxBytes=5_000_000, backupCount=5, encoding="utf-8")
            fh.setFormatter(logging.Formatter(FORMAT))
            fh.addFilter(RedactingFilter())
            root.addHandler(fh)
        except OSError as exc:
            print(f"smsconsole: cannot write the log file: {exc}", file=sys.stderr)
            path = None
    if stderr:
        sh = logging.StreamHandler(sys.stderr)
        sh.setFormatter(logging.Formatter(FORMAT))
        sh.addFilter(RedactingFilter())
        root.addHandler(sh)
    return path
