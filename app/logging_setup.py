"""Logging: a rotating file in the platform log directory, and stderr for ``serve``."""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

from app import APP_DIRNAME

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def log_dir() -> Path:
    from platformdirs import user_log_dir

    return Path(user_log_dir(APP_DIRNAME, appauthor=False))


def setup_logging(*, stderr: bool, level: int = logging.INFO, file: bool = True) -> Path | None:
    root = logging.getLogger()
    root.setLevel(level)
    for h in list(root.handlers):
        root.removeHandler(h)
    path = None
    if file:
        try:
            directory = log_dir()
            directory.mkdir(parents=True, exist_ok=True)
            path = directory / "smsconsole.log"
            fh = logging.handlers.RotatingFileHandler(path, maxBytes=5_000_000, backupCount=5, encoding="utf-8")
            fh.setFormatter(logging.Formatter(FORMAT))
            root.addHandler(fh)
        except OSError as exc:
            print(f"smsconsole: cannot write the log file: {exc}", file=sys.stderr)
            path = None
    if stderr:
        sh = logging.StreamHandler(sys.stderr)
        sh.setFormatter(logging.Formatter(FORMAT))
        root.addHandler(sh)
    return path
