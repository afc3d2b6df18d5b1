"""Delivery receipt texts and message ids as SMSCs write them (app/smpp/receipts.py), with the id forms of
public bug reports: Jasmin issues #643, #1034 (hexadecimal submit_sm_resp id, zero-padded decimal id in
the receipt), #535 (10C8F40D answered, 281605133 in the receipt) and #1129 (00B8BE19 answered, leading
zeros dropped in the receipt)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from app.gateways.smpp_inbound import ReceiptMatcher
from app.smpp import pdu as P
from app.smpp.receipts import STATS, candidates, canonical, is_receipt, parse_fields, parse_receipt

APPENDIX_B = ("id:0123456789 sub:001 dlvrd:001 submit date:0610191018 done date:0610191019 stat:DELIVRD "
              "err:000 text:Hello: world id:x")


def test_the_specification_s_receipt_text_is_read():
    fields = parse_fields(APPENDIX_B)
    assert fields["id"] == "0123456789" and fields["stat"] == "DELIVRD" and fields["err"] == "000"
    assert fields["text"] == "Hello: world id:x"  # the text runs to the end, whatever it holds
    r = parse_receipt(APPENDIX_B, {})
    assert (r.message_id, r.outcome, r.final) == ("0123456789", "delivered", True)
    assert r.done == datetime(2006, 10, 19, 10, 19, tzinfo=timezone.utc)
    assert r.reason == "DELIVRD: delivered"


@pytest.mark.parametrize("stat, outcome, final", [
    ("DELIVRD", "delivered", True), ("EXPIRED", "undelivered", True), ("DELETED", "undelivered", True),
    ("UNDELIV", "undelivered", True), ("ACCEPTD", "pending", False), ("UNKNOWN", "undelivered", True),
    ("REJECTD", "failed", True), ("ENROUTE", "pending", False)])
def test_every_stat_value_has_a_state(stat, outcome, final):
    r = parse_receipt(f"id:7 sub:001 dlvrd:000 submit date:2601010000 done date:2601010001 stat:{stat} err:042",
                      {})
    assert (r.stat, r.outcome, r.final) == (stat, outcome, final)
    assert set(STATS) == {"DELIVRD", "EXPIRED", "DELETED", "UNDELIV", "ACCEPTD", "UNKNOWN", "REJECTD", "ENROUTE"}
    if outcome != "delivered":
        assert "error 042" in r.reason


def test_options_win_over_the_text_and_the_state_may_come_alone():
    tlvs = {P.TAG_RECEIPTED_MESSAGE_ID: b"39f99dd5\0", P.TAG_MESSAGE_STATE: bytes([P.UNDELIVERABLE])}
    r = parse_receipt("id:0972660181 submit date:2203031741", tlvs)
    assert (r.message_id, r.other_id, r.stat, r.outcome) == ("39f99dd5", "0972660181", "UNDELIV", "undelivered")
    assert parse_receipt("no receipt here", {}) is None
    assert is_receipt(0x04) and is_receipt(0x20) and not is_receipt(0x40) and not is_receipt(0)


@pytest.mark.parametrize("answered, receipted", [
    ("39f99dd5", "0972660181"),  # Jasmin #1034: hexadecimal answer, zero-padded decimal receipt
    ("10C8F40D", "281605133"),   # Jasmin #535
    ("00B8BE19", "B8BE19"),      # Jasmin #1129: the receipt drops the leading zeros
    ("b8be19", "00B8BE19"),
    ("281605133", "281605133"),  # the same form on both sides
    ("e4c1e0b0-3c2f-4b0a-9f3e-6f1b0d7e5a11", "e4c1e0b0-3c2f-4b0a-9f3e-6f1b0d7e5a11"),  # a UUID, as it is
])
def test_a_receipt_finds_the_id_its_message_was_answered_with(answered, receipted):
    reported = []
    matcher = ReceiptMatcher(reported.append)
    ref = matcher.sent(answered)
    assert ref == canonical(answered)
    receipt = parse_receipt(f"id:{receipted} stat:DELIVRD", {})
    matcher.receipt(receipt, "+4917612345678")
    assert [r.reference for r in reported] == [ref] and not matcher.known


def test_a_receipt_before_its_answer_is_held_until_the_answer_names_its_id():
    now = [0.0]
    reported = []
    matcher = ReceiptMatcher(reported.append, clock=lambda: now[0])
    assert matcher.receipt(parse_receipt("id:281605133 stat:DELIVRD", {}), "") is None
    assert not reported and matcher.held
    matcher.release([matcher.sent("10C8F40D")])
    assert [r.reference for r in reported] == ["10c8f40d"] and not matcher.held
    matcher.receipt(parse_receipt("id:99 stat:EXPIRED", {}), "")  # never answered
    now[0] = 29.0
    matcher.expire()
    assert len(reported) == 1
    now[0] = 31.0
    matcher.expire()
    assert [r.reference for r in reported] == ["10c8f40d", "99"] and not matcher.held


def test_canonical_forms():
    assert canonical(" 000123 ") == "123" and canonical("ABC") == "abc" and canonical("0") == "0"
    assert canonical("S.2026-XY") == "S.2026-XY"
    assert candidates("255") == ["255", "ff", "597"] and candidates("ff") == ["ff", "255"]
