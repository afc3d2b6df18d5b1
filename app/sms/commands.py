"""The ``count`` and ``pdu`` commands of ``smsconsole``: the codec on the command line.

Operators use them to check a text before sending and to read modem logs;
they run the same code as the gateways. :func:`register` adds them to the
program's argparse subcommands.
"""

from __future__ import annotations

import argparse
import json
import sys

from app.sms.counter import count
from app.sms.errors import EncodeError, PduError
from app.sms.numbers import InvalidNumber, validate_sender
from app.sms.pdu import decode, encode_submit


def _print_json(data: dict) -> None:
    print(json.dumps(data, ensure_ascii=False))


def run_count(args: argparse.Namespace) -> int:
    """Print the part count of ``args.text`` as one JSON object."""
    _print_json(count(args.text, encoding=args.encoding, national=not args.no_national).to_dict())
    return 0


def run_pdu_decode(args: argparse.Namespace) -> int:
    """Print one JSON object per PDU (its ``notes`` list each leniency); failures go to stderr, exit 1 if any
    PDU failed."""
    failed = False
    for pdu in args.pdus:
        try:
            _print_json(decode(pdu, has_sca=not args.no_sca, direction=args.direction,
                               strict=args.strict).to_dict())
        except PduError as exc:
            print(f"ERROR: {exc}", file=sys.stderr)
            failed = True
    return 1 if failed else 0


def run_pdu_encode(args: argparse.Namespace) -> int:
    """Print ``LENGTH HEX`` for each part of the SMS-SUBMIT."""
    try:
        if args.sender:
            validate_sender(args.sender)
        parts = encode_submit(args.to, args.text, encoding=args.encoding, flash=args.flash,
                              status_report=args.report, validity_minutes=args.validity,
                              message_reference=args.reference, concat_reference=args.concat_reference,
                              sca=args.smsc, national=not args.no_national)
    except (EncodeError, InvalidNumber) as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 1
    for part in parts:
        print(part.length, part.hex)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``count`` and ``pdu`` subcommands to ``subparsers``."""
    counting = subparsers.add_parser(
        "count", help="show encoding and parts of a text",
        description="Print how a text goes out as SMS, as JSON: encoding (gsm or ucs2), national "
                    "language table if one is used, parts, characters, units (septets or UCS-2 units) "
                    "and units left in the last part.")
    counting.add_argument("text", help="the message text")
    counting.add_argument("--encoding", choices=("auto", "gsm", "ucs2"), default="auto",
                          help="auto: GSM 7-bit when possible, else Unicode (default); gsm: always 7-bit, "
                               "unsupported characters count as '?'; ucs2: always Unicode")
    counting.add_argument("--no-national", action="store_true",
                          help="do not use national language shift tables (TS 23.038 Annex A)")
    counting.set_defaults(func=run_count)

    pdu = subparsers.add_parser("pdu", help="decode or encode SMS PDUs (modem PDU mode)",
                                description="Read and write the hex PDUs that GSM modems exchange in "
                                            "PDU mode (AT+CMGF=0), as modem logs show them.")
    actions = pdu.add_subparsers(dest="pdu_command", required=True, metavar="{decode,encode}")
    decoding = actions.add_parser(
        "decode", help="decode PDUs to JSON",
        description="Print one JSON object per PDU: type (deliver, status-report, submit), numbers, text, "
                    "encoding, DCS, UDH elements, concatenation, time stamps, delivery status, and notes: "
                    "what was accepted although it is not as TS 23.040 has it (octets after the user data "
                    "ignored as padding, an unreadable time stamp left empty, user data cut short kept as "
                    "far as it goes ...), each with its octet offset. A PDU whose essential fields cannot be "
                    "read prints 'ERROR: <what and where>' on stderr; the others still print and the exit "
                    "status is 1.")
    decoding.add_argument("pdus", nargs="+", metavar="HEX", help="PDU as hex, SMSC address first")
    decoding.add_argument("--no-sca", action="store_true",
                          help="the PDUs start at the first octet (no SMSC address field)")
    decoding.add_argument("--direction", choices=("auto", "in", "out"), default="auto",
                          help="in: received PDUs only; out: SMS-SUBMIT only; auto: either (default)")
    decoding.add_argument("--strict", action="store_true",
                          help="refuse, with ERROR, every PDU that needs a leniency (one that would have notes)")
    decoding.set_defaults(func=run_pdu_decode)

    encoding = actions.add_parser(
        "encode", help="encode an SMS-SUBMIT",
        description="Print one line 'LENGTH HEX' per part: LENGTH is what AT+CMGS=<length> takes (octets "
                    "without the SMSC address), HEX the PDU to send after the prompt.")
    encoding.add_argument("--to", required=True, help="destination number (+49... international)")
    encoding.add_argument("--text", required=True, help="message text")
    encoding.add_argument("--from", dest="sender",
                          help="sender id to check (the network sets the originator of a modem's SMS)")
    encoding.add_argument("--flash", action="store_true", help="class 0 (flash) message")
    encoding.add_argument("--report", action="store_true", help="request a status report")
    encoding.add_argument("--validity", type=int, metavar="MINUTES", help="relative validity period")
    encoding.add_argument("--encoding", choices=("auto", "gsm", "ucs2"), default="auto",
                          help="auto (default), gsm (7-bit, '?' for unsupported characters) or ucs2")
    encoding.add_argument("--no-national", action="store_true", help="do not use national language tables")
    encoding.add_argument("--smsc", help="SMSC number to put in the PDU (default: the modem's own, 00)")
    encoding.add_argument("--reference", type=int, default=0, help="TP-MR of the first part (default 0)")
    encoding.add_argument("--concat-reference", type=int,
                          help="concatenation reference 0-255 of a multipart message (default: next of a "
                               "counter)")
    encoding.set_defaults(func=run_pdu_encode)
