"""SMS-SUBMIT encoding and PDU decoding against published vectors (TS 23.040)."""

from datetime import datetime, timedelta, timezone

import pytest

from app.sms.errors import EncodeError, PduError
from app.sms.gsm7 import charset, pack, unpack
from app.sms.pdu import Deliver, StatusReport, Submit, decode, encode_submit


def tz(hours: float) -> timezone:
    return timezone(timedelta(hours=hours))


def test_hellohello_septet_packing():
    # The packing example of GSM 03.38 / TS 23.038 §6.1.2.1, quoted in every PDU tutorial.
    septets = charset().septets("hellohello").encode("latin-1")
    assert pack(septets).hex().upper() == "E8329BFD4697D9EC37"
    assert unpack(bytes.fromhex("E8329BFD4697D9EC37"), 10) == septets


def test_fill_bits_after_header():
    # A 6-octet UDH is followed by one fill bit, so the text starts on a septet boundary.
    assert pack(b"\x01", 1) == b"\x02"
    assert unpack(b"\x02", 1, 1) == b"\x01"


# Vectors from python-gsmmodem (faucamp/python-gsmmodem, test/test_pdu.py, TestSmsPdu.test_encodeSmsSubmit).
def test_encode_submit_hello_world():
    [part] = encode_submit("+27820001111", "Hello World!")
    assert part.hex == "0001000B917228001011F100000CC8329BFD065DDF72363904"
    assert part.length == 24


def test_encode_submit_ucs2_with_smsc_and_validity():
    [part] = encode_submit("+123456789", "世界您好！", validity_minutes=52 * 7 * 24 * 60, sca="+44000000000")
    assert part.hex == "07914400000000F01100099121436587F90008F40A4E16754C60A8597DFF01"
    assert part.length == len(part.hex) // 2 - 8


def test_encode_submit_concatenated_matches_published_parts():
    # python-gsmmodem test_encodeSmsSubmit_concatenated: reject-duplicates, reference 0, concat ref 0.
    text = ("Lorem ipsum dolor sit amet, consectetur adipisicing elit, sed do eiusmod tempor incididunt ut "
            "labore et dolore magna aliqua.Ut enim ad minim veniam, quinostrud exercitation ullamco laboris "
            "nisi ut aliquip ex ea commodo consequat.Duis aute irure dolor in reprehenderit in voluptate "
            "velit esse cillum doloe eu fugiat nulla pariatur.Excepteur sint occaecat cupidatat non proident, "
            "sunt in culpa qui officia deserunt mollit anim id est laborum")
    parts = encode_submit("+15125551234", text, concat_reference=0, reject_duplicates=True)
    assert [p.hex[:40] for p in parts] == [
        "0045000B915121551532F40000A0050003000301",
        "0045010B915121551532F40000A0050003000302",
        "0045020B915121551532F400008C050003000303"]
    # Same user data as the published PDUs (those keep TP-MR 0 in every part).
    assert parts[0].hex[40:] == (
        "986F79B90D4AC3E7F53688FC66BFE5A0799A0E0AB7CB741668FC76CFCB637A995E9783C2E4343C3D4F8FD3EE33A8CC4ED359A07"
        "9990C22BF41E5747DDE7E9341F4721BFE9683D2EE719A9C26D7DD74509D0E6287C56F791954A683C86FF65B5E06B5C36777181466"
        "A7E3F5B0AB4A0795DDE936284C06B5D3EE741B642FBBD3E1360B14AFA7DD")
    assert parts[2].hex.endswith("0C8AD7D3A0B7D99C1EA7C32072795E96D7DD7450FBCD66A7E9A0B03BDD06A5C9A0F29C0E6287C56F79BD0D")
    assert "".join(p.text for p in parts) == text


def test_submit_header_flags():
    [part] = encode_submit("+4917612345678", "hi", flash=True, status_report=True, validity_minutes=60,
                           message_reference=7)
    submit = decode(part.hex)
    assert isinstance(submit, Submit)
    assert part.hex.startswith("0031070D91947116325476F8001")  # SRR + VPF relative, MR 7
    assert (submit.flash, submit.status_report_request, submit.validity, submit.message_reference) == (
        True, True, 60, 7)
    assert submit.dcs == 0x10


def test_national_destination_and_alphanumeric():
    [part] = encode_submit("01761234567", "x")
    assert "0B81" in part.hex and decode(part.hex).recipient == "01761234567"
    [part] = encode_submit("ACME", "x")
    submit = decode(part.hex)
    assert (submit.recipient, submit.recipient_type) == ("ACME", "alphanumeric")


def test_national_language_headers():
    parts = encode_submit("+4917612345678", "Çok güzel bir gün, şimdi İstanbul'dayız. " * 4, concat_reference=9)
    first = decode(parts[0].hex)
    ieis = [e.iei for e in first.udh]
    assert ieis[0] == 0x00 and set(ieis[1:]) <= {0x24, 0x25} and len(ieis) > 1
    assert first.language == "Turkish"
    assert "".join(decode(p.hex).text for p in parts) == "".join(p.text for p in parts)


def test_encode_refusals():
    with pytest.raises(EncodeError, match="empty"):
        encode_submit("", "hello")
    with pytest.raises(EncodeError, match="8-bit"):
        encode_submit("+491761234", "€", encoding="8bit")
    with pytest.raises(EncodeError, match="positive"):
        encode_submit("+491761234", "x", validity_minutes=0)
    with pytest.raises(EncodeError, match="255"):
        encode_submit("+491761234", "a" * 153 * 256)
    with pytest.raises(EncodeError, match="11"):
        encode_submit("ThisNameIsTooLong", "x")


# Decoding vectors. Sources are cited per case.
def test_decode_deliver_dreamfabric():
    # The SMS-DELIVER example of the dreamfabric "SMS and the PDU format" tutorial.
    sms = decode("07911326040000F0040B911346610089F60000208062917314080CC8F71D14969741F977FD07")
    assert isinstance(sms, Deliver)
    assert (sms.smsc, sms.sender, sms.text) == ("+31624000000", "+31641600986", "How are you?")
    assert sms.timestamp == datetime(2002, 8, 26, 19, 37, 41, tzinfo=tz(0))


@pytest.mark.parametrize("pdu, sender, smsc, text, when", [
    # python-gsmmodem test_pdu.py TestSmsPdu.test_decode
    ("06917228195339040B917228214365F700003130805120618005D4F29C2E03", "+27821234567", "+2782913593", "Test2",
     datetime(2013, 3, 8, 15, 2, 16, tzinfo=tz(2))),
    ("07915892000000F0040B915892214365F700007040213252242331493A283D0795C3F33C88FE06C9CB6132885EC6D341EDF27C1E"
     "3E97E7207B3A0C0A5241E377BB1D7693E72E", "+85291234567", "+85290000000",
     "It is easy to read text messages via AT commands.", datetime(2007, 4, 12, 23, 25, 42, tzinfo=tz(8))),
])
def test_decode_deliver_vectors(pdu, sender, smsc, text, when):
    sms = decode(pdu)
    assert (sms.sender, sms.smsc, sms.text, sms.timestamp) == (sender, smsc, text, when)


def test_decode_deliver_with_concatenation_header():
    # python-gsmmodem test_pdu.py: national originator, 8-bit concatenation reference C3, part 1 of 1.
    sms = decode("0591721891F1400781721881F800003160526104848059050003C30101916536FB1DCABEEB2074D85E064941B19CA"
                 "B060319A5C522289C96D3D3ED32286C0FA7D96131BBEC024941B19CAB0603DDD36C36A88C87A7E565D0DB0D82C55E"
                 "B0DB4B068BCD5C20")
    assert (sms.sender, sms.sender_type, sms.smsc) == ("2781188", "unknown", "+2781191")
    assert sms.text == "Hello!You have R 19.50 FREE airtime available. R 19.50 will expire on 01/07/2013. "
    assert (sms.concat.reference, sms.concat.part, sms.concat.total) == (0xC3, 1, 1)
    assert sms.to_dict()["udh"] == [{"iei": 0, "data": "C30101"}]


def test_decode_submit_vectors():
    # python-gsmmodem test_pdu.py: UCS-2, 8-bit data and absolute validity SMS-SUBMITs.
    ucs2 = decode("07914346466554F601000B914316565811F9000806304253F68449")
    assert (ucs2.recipient, ucs2.smsc, ucs2.text, ucs2.encoding) == ("+34616585119", "+34646456456", "あ叶葉", "ucs2")
    data = decode("0591721891F101000B917228214365F700040C48656C6C6F20776F726C6421")
    assert (data.text, data.encoding) == ("Hello world!", "8bit")
    absolute = decode("0019000B917228001011F100003170013193008017D474BB3CA787DB70903DCC4E93D3F43C885E9ED301")
    assert absolute.text == "Timestamp validity test"
    assert absolute.validity == datetime(2013, 7, 10, 13, 39, tzinfo=tz(2))


def test_decode_status_report():
    # python-gsmmodem test_pdu.py: status report for TP-MR 214.
    report = decode("0006D60B911326880736F4111011719551401110117195714000")
    assert isinstance(report, StatusReport)
    assert (report.message_reference, report.recipient, report.status, report.outcome) == (
        214, "+31628870634", 0, "delivered")
    assert report.timestamp == datetime(2011, 1, 11, 17, 59, 15, tzinfo=tz(1))
    assert report.discharge_time == datetime(2011, 1, 11, 17, 59, 17, tzinfo=tz(1))
    assert report.to_dict()["status_text"] == "short message received by the SME"


@pytest.mark.parametrize("status, outcome", [
    (0x00, "delivered"), (0x01, "delivered"), (0x20, "pending"), (0x22, "pending"), (0x30, "pending"),
    (0x41, "failed"), (0x46, "failed"), (0x62, "failed"), (0x7F, "failed"), (0x80, "failed"),
])
def test_status_outcomes(status, outcome):
    report = decode("0006D60B911326880736F41110117195514011101171957140" + f"{status:02X}")
    assert (report.status, report.outcome) == (status, outcome)


def test_status_report_from_zte_modem_with_odd_number():
    # python-gsmmodem test_pdu.py: a ZTE modem's report whose recipient has a B nibble ('#').
    report = decode("0297F1061C0F910B487228297020F5317062419272803170624192138000")
    assert report.message_reference == 28 and report.recipient == "+#08427829207025"
    assert report.discharge_time == datetime(2013, 7, 26, 14, 29, 31, tzinfo=tz(2))


def test_negative_time_zone_and_alphanumeric_sender():
    # Built here: alphanumeric originator "Info" (TON 5), SCTS with time zone -08:00 (0x2B: 32 quarters, sign bit).
    pdu = "00" + "04" + "07D049B7F90D" + "0000" + "7040213252242B" + "02E834"
    sms = decode(pdu)
    assert (sms.sender, sms.sender_type, sms.text) == ("Info", "alphanumeric", "hi")
    assert sms.timestamp == datetime(2007, 4, 12, 23, 25, 42, tzinfo=tz(-8))


def test_decode_without_sca_and_directions():
    pdu = "0001000B917228001011F100000CC8329BFD065DDF72363904"
    assert decode(pdu[2:], has_sca=False).text == "Hello World!"
    with pytest.raises(PduError, match="SMS-SUBMIT"):
        decode(pdu, direction="in")


def test_sixteen_bit_concatenation_accepted():
    # UDH 06 08 04 0180 02 01: 16-bit reference 384, part 1 of 2; 7 octets of UDH then "A" after 0 fill bits.
    pdu = "00440B917228214365F7000031308051206180" + "09" + "06080401800201" + "41"
    sms = decode(pdu)
    assert (sms.concat.reference, sms.concat.part, sms.concat.total, sms.text) == (384, 1, 2, "A")


@pytest.mark.parametrize("pdu, message", [
    ("", "empty"),
    ("0001000", "odd number of hex digits"),
    ("00ZZ", "not a hex digit"),
    ("00", "first octet"),
    ("0043010C910661345542F60008A0050003000301306F3044", "TP-MTI 3"),
    # python-gsmmodem's PDU whose user data length (A0) is longer than the data: a length that lies.
    ("0041010C910661345542F60008A0050003000301306F3044", "user data length 160 is more than 140 octets"),
    ("0001000B917228001011F100000CC8329BFD065DDF7236390400", "follow the user data"),
    ("0041000B917228001011F10000050905000300", "user data header length 9 runs past"),
    ("0041000B917228001011F100000705000500030001", "runs past the user data header"),
    ("0001000B917228001011F100000CC8329BFD", "needs 11 octets but only 4 remain"),
    ("0001000B917228001011F1", "where TP-PID should be"),
    ("0001001B917228001011F100000CC8329BFD065DDF72363904", "more than the 20 digits"),
    ("0001000B917228001011F100200CC8329BFD065DDF72363904", "compressed"),
    ("00040B917228214365F70000319930512061800141", "not a valid date"),
    ("00040B917228214365F700003130805120618F0141", "time zone"),
])
def test_malformed_pdus_raise_pdu_error(pdu, message):
    # Strict decoding refuses each of these; tests/sms/test_lenient_decode.py has what the default makes of them.
    with pytest.raises(PduError, match=message) as info:
        decode(pdu, strict=True)
    assert "at octet" in str(info.value) or info.value.offset is None
