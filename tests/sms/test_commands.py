"""The count and pdu commands as an operator runs them."""

import argparse
import json

import pytest

from app.sms.commands import register


def run(argv, capsys):
    parser = argparse.ArgumentParser(prog="smsconsole")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    code = args.func(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_count_prints_json(capsys):
    code, out, _ = run(["count", "Hello"], capsys)
    assert code == 0
    assert json.loads(out) == {"encoding": "gsm", "parts": 1, "chars": 5, "units": 5, "left": 155,
                                "per_part": 160, "language": None, "locking_shift": 0, "single_shift": 0}
    code, out, _ = run(["count", "--encoding", "ucs2", "Hello"], capsys)
    assert json.loads(out)["encoding"] == "ucs2"
    code, out, _ = run(["count", "--no-national", "Şişli " * 30], capsys)
    assert json.loads(out)["language"] is None


def test_pdu_encode_prints_length_and_hex(capsys):
    code, out, _ = run(["pdu", "encode", "--to", "+27820001111", "--text", "Hello World!"], capsys)
    assert (code, out) == (0, "24 0001000B917228001011F100000CC8329BFD065DDF72363904\n")
    code, out, _ = run(["pdu", "encode", "--to", "+4917612345678", "--text", "x" * 200, "--flash", "--report",
                        "--validity", "1440", "--concat-reference", "5"], capsys)
    lines = out.splitlines()
    assert len(lines) == 2 and all(line.split()[1].startswith("0071") for line in lines)


def test_pdu_encode_refusal(capsys):
    code, _, err = run(["pdu", "encode", "--to", "", "--text", "x"], capsys)
    assert code == 1 and err.startswith("ERROR: ") and "empty" in err
    code, _, err = run(["pdu", "encode", "--to", "+491761", "--text", "x", "--from", "WayTooLongSender"], capsys)
    assert code == 1 and "at most 11" in err


def test_pdu_decode_continues_after_errors(capsys):
    good = "07911326040000F0040B911346610089F60000208062917314080CC8F71D14969741F977FD07"
    code, out, err = run(["pdu", "decode", good, "0011", good], capsys)
    assert code == 1
    objects = [json.loads(line) for line in out.splitlines()]
    assert [o["text"] for o in objects] == ["How are you?", "How are you?"]
    assert objects[0]["type"] == "deliver" and objects[0]["timestamp"] == "2002-08-26T19:37:41+00:00"
    assert err.count("ERROR: ") == 1 and "at octet" in err


def test_pdu_decode_status_report(capsys):
    code, out, _ = run(["pdu", "decode", "0006D60B911326880736F4111011719551401110117195714000"], capsys)
    report = json.loads(out)
    assert (code, report["type"], report["outcome"], report["message_reference"]) == (0, "status-report",
                                                                                       "delivered", 214)


def test_pdu_decode_prints_notes_and_fails_only_on_essential_fields(capsys):
    from tests.sms.field_pdus import BAD_ZONE_REPORT, PADDED_DELIVER

    code, out, err = run(["pdu", "decode", PADDED_DELIVER, BAD_ZONE_REPORT], capsys)
    sms, report = [json.loads(line) for line in out.splitlines()]
    assert (code, err) == (0, "")
    assert sms["sender"] == "503" and sms["notes"] == [
        "30 octets follow the user data of length 53 at octet 70: ignored as padding (the length fields define "
        "the fields)"]
    assert (report["message_reference"], report["outcome"], report["timestamp"]) == (35, "delivered", None)
    assert "non-decimal time zone (C2) at octet 18" in report["notes"][0]
    code, out, err = run(["pdu", "decode", "--strict", PADDED_DELIVER], capsys)
    assert (code, out) == (1, "") and err == "ERROR: 30 octets follow the user data of length 53 at octet 70\n"


def test_help_texts_explain_themselves(capsys):
    with pytest.raises(SystemExit):
        run(["pdu", "encode", "--help"], capsys)
    out, _ = capsys.readouterr()
    assert "AT+CMGS" in out
