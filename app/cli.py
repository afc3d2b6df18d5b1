"""Command line: ``smsconsole [gui]``, ``serve``, ``doctor``, ``count``, ``pdu``."""

from __future__ import annotations

import argparse
import sys

from app import __version__

DESCRIPTION = """\
SMS Console: send and receive SMS through USB GSM modems, REST and SMPP providers.
With no command it opens the console window; `serve` runs the same engine
headless. Every command that opens the store takes --config FILE.toml and
--db URL."""


def _store_options(p: argparse.ArgumentParser, top: bool = False) -> None:
    # On subcommands the default is SUPPRESS, so an option given before the
    # command is not reset by the subcommand's own default.
    default = None if top else argparse.SUPPRESS
    p.add_argument("--config", metavar="FILE.toml", default=default,
                   help="configuration file: store, API, SMPP, users, gateways, settings (see README)")
    p.add_argument("--db", metavar="URL", default=default,
                   help="store URL, e.g. sqlite:////path/console.db or postgresql+psycopg://user@host/db "
                   "(default: SQLite in the platform data directory)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="smsconsole", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"smsconsole {__version__}")
    _store_options(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    gui = sub.add_parser("gui", help="open the console window (the default)",
                         description="Open the console window: Inbox, Outbox, Sessions and Gateways.")
    _store_options(gui)
    gui.set_defaults(func=run_gui)

    serve = sub.add_parser("serve", help="run the engine headless until SIGINT/SIGTERM",
                           description="Run the engine, its gateways, the local HTTP API and (when [smpp] enabled is "
                           "set) the SMPP server with no window (no display needed) until SIGINT or "
                           "SIGTERM, then finish messages in flight and close the store. It runs on uvloop "
                           "when installed (SMSCONSOLE_LOOP=asyncio: asyncio's loop). Logs go to stderr and "
                           "the log file.")
    _store_options(serve)
    serve.set_defaults(func=run_serve)

    from app.sms import commands as sms_commands

    sms_commands.register(sub)
    from app.gateways.modem import commands as modem_commands

    modem_commands.register(sub)
    from app import doctor

    doctor.register(sub, _store_options)
    parser.set_defaults(func=run_gui)
    return parser


def _engine(args):
    from app.config import ConfigError
    from app.runtime import build_engine
    from app.store.database import StoreError

    try:
        return build_engine(args.config, args.db)
    except (ConfigError, StoreError) as exc:
        print(f"smsconsole: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def run_serve(args) -> int:
    from app.logging_setup import setup_logging
    from app.serve import run, serve

    setup_logging(stderr=True)
    engine, cfg = _engine(args)
    run(serve(engine, cfg))
    return 0


def refuse_without_qt_libraries() -> None:
    """Before Qt starts (it would abort the process): say in one line what the window lacks and how to fix it."""
    from app.qt_libraries import display_problem, missing_libraries

    missing = missing_libraries()
    problem = missing.message() if missing else display_problem()
    if problem:
        print(f"smsconsole: {problem}", file=sys.stderr)
        raise SystemExit(2)


def run_gui(args) -> int:
    from app.config import Config, ConfigError, load_config
    from app.logging_setup import setup_logging

    setup_logging(stderr=False)
    try:  # a bad file is refused before any window (cheap: no store, no engine)
        cfg = load_config(args.config) if args.config else Config()
    except ConfigError as exc:
        print(f"smsconsole: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    refuse_without_qt_libraries()
    from app.ui.application import run_application

    def open_engine():
        from app.runtime import engine_for

        return engine_for(cfg, args.db)

    return run_application(cfg, open_engine)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return args.func(args) or 0


if __name__ == "__main__":
    sys.exit(main())
