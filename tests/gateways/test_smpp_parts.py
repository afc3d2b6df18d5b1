"""The submit_sm of an outgoing message (app/gateways/smpp_parts.py): codings, long texts by UDH, sar_*
options or message_payload, addresses and validity."""

from __future__ import annotations

from app.gateways.base import OutboundSms
from app.gateways.smpp_parts import Addressing, address, incoming_text, submit_pdus, validity
from app.smpp import pdu as P
from app.smpp.text import decode_text, split_udh

LONG = "Lange Nachricht mit [Klammern] " * 8  # 248 characters, the brackets two septets each


def sms(text: str, **kw) -> OutboundSms:
    return OutboundSms(1, "u", kw.pop("recipient", "+4917612345678"), text, **kw)


def test_a_short_gsm_text_is_one_submit_sm_of_septets():
    [(fields, tlvs)] = submit_pdus(sms("Hi {you} €", sender="Shop", status_report=True))
    assert fields["data_coding"] == 0 and fields["short_message"] == b"Hi \x1b(you\x1b) \x1be"
    assert decode_text(fields["short_message"], 0) == "Hi {you} €"
    assert (fields["source_addr"], fields["source_addr_ton"], fields["source_addr_npi"]) == ("Shop", 5, 0)
    assert (fields["destination_addr"], fields["dest_addr_ton"], fields["dest_addr_npi"]) == ("4917612345678", 1, 1)
    assert fields["registered_delivery"] == 1 and fields["esm_class"] == 0 and not tlvs
    P.encode(P.Pdu(P.SUBMIT_SM, 1, fields=fields, tlvs=tlvs))  # the codec takes it


def test_a_long_text_goes_in_parts_with_a_concatenation_header():
    pdus = submit_pdus(sms(LONG))
    assert len(pdus) == 2
    segments = [split_udh(f["short_message"]) for f, _ in pdus]
    assert all(f["esm_class"] == 0x40 for f, _ in pdus)
    assert [(s.number, s.total) for s, _ in segments] == [(1, 2), (2, 2)]
    assert len({s.reference for s, _ in segments}) == 1
    assert all(len(rest) <= 153 for _, rest in segments)
    assert "".join(decode_text(rest, 0) for _, rest in segments) == LONG


def test_sar_options_and_payload_as_the_provider_asks():
    sar = submit_pdus(sms(LONG), long_messages="sar")
    assert [t[P.TAG_SAR_SEGMENT_SEQNUM] for _, t in sar] == [b"\1", b"\2"]
    assert all(t[P.TAG_SAR_TOTAL_SEGMENTS] == b"\2" and f["esm_class"] == 0 for f, t in sar)
    assert "".join(decode_text(f["short_message"], 0) for f, _ in sar) == LONG
    [(fields, tlvs)] = submit_pdus(sms(LONG, encoding="ucs2"), long_messages="payload")
    assert fields["short_message"] == b"" and fields["data_coding"] == 8
    assert tlvs[P.TAG_MESSAGE_PAYLOAD].decode("utf-16-be") == LONG


def test_ucs2_flash_priority_and_validity():
    [(fields, _)] = submit_pdus(sms("Grüße ✓", encoding="ucs2", flash=True, priority=1, validity_seconds=90061))
    assert fields["data_coding"] == 0x18 and fields["short_message"].decode("utf-16-be") == "Grüße ✓"
    assert fields["priority_flag"] == 1 and fields["validity_period"] == "000001010101000R"
    assert validity(None) == "" and len(validity(10**9)) == 16


def test_other_codings_and_configured_ton_npi():
    [(fields, _)] = submit_pdus(sms("Café"), data_coding=3, addressing=Addressing(source_ton=3, source_npi=9))
    assert fields["data_coding"] == 3 and fields["short_message"] == "Café".encode("latin-1")
    assert (fields["source_addr_ton"], fields["source_addr_npi"]) == (3, 9)
    assert address("12345", -1, -1) == ("12345", 0, 1) and address("", -1, -1) == ("", 0, 0)


def test_incoming_codings_are_read_liberally():
    assert incoming_text("Grüße".encode("utf-16-be"), 8) == ("Grüße", "ucs2")
    assert incoming_text("Grüße".encode("utf-16-be"), 0x18)[0] == "Grüße"  # class 0 with UCS-2 alphabet
    assert incoming_text(b"caf\xe9", 3)[0] == "café"
    assert incoming_text(b"\x00\x01abc", 0xF4)[0] == "\x00\x01abc"  # 8-bit data: as Latin-1
    assert incoming_text(b"\xff\xfe", 0x42)[0] == "\xff\xfe"  # a coding group SMPP does not define


def test_a_text_the_configured_coding_cannot_hold_goes_as_ucs2():
    for coding, text in ((0, "Şükrü"), (1, "Grüße"), (3, "Preis: 5 €")):
        [(fields, _)] = submit_pdus(sms(text), data_coding=coding)
        assert fields["data_coding"] == 8 and fields["short_message"].decode("utf-16-be") == text
    [(fields, _)] = submit_pdus(sms("Grüße"), data_coding=0)  # the GSM alphabet has ü and ß
    assert fields["data_coding"] == 0 and decode_text(fields["short_message"], 0) == "Grüße"
