"""Decoding real-world PDUs: liberal in what is accepted, every leniency a note (TS 23.040).

Each PDU names its source. "Public" PDUs are copied from the test suites and
bug reports named; "reconstructed" ones are built here with the properties a
report describes, where the report's own PDU is not public.
"""

from datetime import datetime, timedelta, timezone

import pytest

from app.sms.errors import PduError
from app.sms.gsm7 import charset, pack
from app.sms.pdu import Deliver, StatusReport, Submit, decode
from tests.sms.field_pdus import BAD_ZONE_REPORT, PADDED_DELIVER

RECEIVED = datetime(2026, 12, 7, 2, 0, tzinfo=timezone.utc)


def tz(hours: float) -> timezone:
    return timezone(timedelta(hours=hours))


# --- the two field reports (tests/sms/field_pdus.py) ---------------------------------------


def test_padded_deliver_is_the_field_report_exactly():
    data = bytes.fromhex(PADDED_DELIVER)
    assert data[22] == 53 and len(data) - 23 == 77  # TP-UDL 53 septets, 77 octets follow it
    with pytest.raises(PduError) as info:
        decode(PADDED_DELIVER, strict=True)
    assert str(info.value) == "30 octets follow the user data of length 53 at octet 70"


def test_octets_after_the_user_data_are_padding_and_noted():
    sms = decode(PADDED_DELIVER)
    assert isinstance(sms, Deliver)
    assert (sms.sender, sms.smsc, sms.text) == ("503", "+14155551212",
                                                "Your parcel 4711 arrives today between 10:00 and 14h.")
    assert sms.timestamp == datetime(2007, 11, 1, 13, 46, 36, tzinfo=tz(-7))
    assert sms.notes == ("30 octets follow the user data of length 53 at octet 70: ignored as padding "
                         "(the length fields define the fields)",)
    assert sms.to_dict()["notes"] == list(sms.notes)


def test_status_report_with_a_non_bcd_time_zone_is_kept():
    with pytest.raises(PduError) as info:
        decode(BAD_ZONE_REPORT, strict=True)
    assert str(info.value) == "the service centre time stamp has a non-decimal time zone (C2) at octet 18"
    report = decode(BAD_ZONE_REPORT, received_at=RECEIVED)
    assert isinstance(report, StatusReport)
    assert (report.message_reference, report.recipient, report.status, report.outcome) == (
        35, "+62895357614989", 0, "delivered")
    assert report.timestamp == RECEIVED  # the unreadable one is replaced by the time of reception
    assert report.discharge_time == datetime(2016, 10, 30, 4, 59, 44, tzinfo=tz(7))  # readable, kept
    [note] = report.notes
    assert "non-decimal time zone (C2) at octet 18" in note and "time of reception" in note
    assert "610103409544C2" in note  # the octets that were replaced are not lost


def test_without_a_reception_time_an_unreadable_time_stamp_is_left_empty():
    report = decode(BAD_ZONE_REPORT)
    assert report.timestamp is None and report.to_dict()["timestamp"] is None
    assert "left empty" in report.notes[0]


# --- public PDUs that decode without any note ----------------------------------------------

ANDROID = "Android GsmSmsTest (platform/frameworks, telephony tests)"


@pytest.mark.parametrize("source, pdu, expected", [
    (ANDROID + " testAddressing", "07914151551512f2040B916105551511f100006060605130308A04D4F29C0E",
     {"smsc": "+14155551212", "sender": "+16505551111", "text": "Test",
      "timestamp": datetime(2006, 6, 6, 15, 3, 3, tzinfo=tz(-7))}),
    (ANDROID + " testAddressing", "07914151551512f2040B916105551511f100036060924180008A0DA8695DAC2E8FE9296A794E07",
     {"sender": "+16505551111", "text": "(Subject)Test"}),
    (ANDROID + " testUcs2", "07912160130300F4040B914151245584F600087010807121352B10212200A900AE00680065006C006C006F",
     {"sender": "+14154255486", "text": "\u2122\u00a9\u00aehello", "encoding": "ucs2"}),
    (ANDROID + " testCPHSVoiceMail: alphanumeric originator", "07912160130310F20404D0110041006060627171118A0120",
     {"sender": "_@", "sender_type": "alphanumeric", "text": " ", "pid": 0x41}),
    (ANDROID + " testCPHSVoiceMail", "07912160130310F20404D0100041006060627161058A0120",
     {"sender": "\u0394@", "sender_type": "alphanumeric", "text": " "}),
    (ANDROID + " testCingularVoiceMail: header only, no text", "07912180958750F84401800500C87020026195702B06040102000200",
     {"sender": "5", "text": "", "dcs": 0xC8}),
    (ANDROID + " testEmailGateway", "07914151551512f204038105f300007011103164638a28e6f71b50c687db"
                                    "7076d9357eb7412f7a794e07cdeb6275794c07bde8e5391d247e93f3",
     {"sender": "503", "text": "foo@example.com /test subject /test body"}),
    (ANDROID + " testExtendedCharacterTable", "07914151551512f2040B916105551511f100006080615131728A44D4F29C0E2"
                                              "AE3E96537B94C068DD16179784C2FCB41F4B0985D06B958ADD00FB0E94536AF9749"
                                              "74DA6D281BA00E95E26D509B946FC3DBF87A25D56A04",
     {"text": "Test extended character table .,-!?@~_\\/&\"';^|:()<{}>[]=%*+#"}),
    (ANDROID + " testUdh: 8-bit WAP push, concatenated", "07914140279510F6440A8111110301003BF56080207130238A3B0B05"
                                                         "040B8423F000032A0202362E3130322E3137312E3135302F524E4539"
                                                         "55304A6D713551414142666C414141414D774141423651414141414100",
     {"sender": "1111301000", "encoding": "8bit", "concat": (42, 2, 2),
      "text": "6.102.171.150/RNE9U0Jmq5QAABflAAAAMwAAB6QAAAAA\x00"}),
    (ANDROID + " testMultipart, part 2", "07916163838408F6440B816105224431F700007060217185000A23050003"
                                         "00020262B1582C168BC96432994C2693C96432994C2693C96432990C",
     {"sender": "16502244137", "concat": (0, 2, 2), "text": "1111111222222222222222222222"}),
    ("warthog618/sms issue 5 (AT&T balance reply, part 1; 16-bit concatenation reference)",
     "07912180958739F144038102F100001211304113338A940608041E96020141AA890A32CACB6550737ED6298675B9BCECA683C461"
     "76D83D2EEB4002980B065340C3F976D94D0791EB6510394C2FEB40B1D84B367BC9620A64FA8C6ECDE1E53219440ED3C32079B91D"
     "4EBBD3EEB30E5473C160A0A350410DB3D72013885EC6D375A0AA9B9D6EA7E965B2E258A683C8657A38CD9E83C26E32A80D",
     {"sender": "201", "concat": (7830, 1, 2), "text": "AT&T Free Msg:\nCurrent balance: $0.00\nPayment due date: "
      "11/23/21\nHigh-speed data remaining: 5.00 GB\nTalk & text: Unlimited\nGet details and m"}),
    ("warthog618/sms issue 5 (part 2: its last septet's spare bits are a space, not zero)",
     "07912180958739F144038102F100001211304113338A2F0608041E9602026177F85C06E5DF7539283C1EBFEB6E3A284C0785E974"
     "D7F8DD7EB5F37079191E4E9341",
     {"concat": (7830, 2, 2), "text": "anage your account at att.com/myprepaid",
      "timestamp": datetime(2021, 11, 3, 14, 31, 33, tzinfo=tz(-7))}),
    ("xlab/at pull 14: alphanumeric originator of 18 semi-octets, UCS-2",
     "07919731899699F32412D0DA37FB4D7FE76BB81A0008811141901161218A04230020042204150411042F002000310033003400"
     "39003904310021041C0415041D042F04190020043D043000200417041E041B041E0422041E00200434043E002000350030002500"
     "210421043A04380434043A043800200434043E00200037003000250021000A003500380035007A006F006C006F0074006F007900"
     "2E00720075002F006E00760031",
     {"sender": "Zolotoy585", "sender_type": "alphanumeric", "smsc": "+79139869993",
      "text": "У ТЕБЯ 13499б!МЕНЯЙ на ЗОЛОТО до 50%!Скидки до 70%!\n585zolotoy.ru/nv1"}),
    ("xlab/at pull 14: UCS-2 with a 16-bit concatenation header",
     "07919731899699F3440B919781455534F20008811151906461215B0608040A32030304380442044C0020043F043504400435043204"
     "3E043400200441043E002004410447043504420430002004320430044804350433043E0020043D043E043C0435044004300020002A"
     "003100310035002A00310023",
     {"sender": "+79185455432", "concat": (2610, 3, 3), "text": "ить перевод со счета вашего номера *115*1#"}),
    ("DarkHobbit/doublecontact issue 49: alphanumeric originator, UCS-2 part 3 of 3",
     "07918350000014F0400ED0D637396C7EBBCB000802601190106321840500038803030020043F0430043A0435044204300020043F04"
     "3E043F043E0432043D04560442044C00200440043004450443043D043E043A00200432045604340020003100300030002004330440"
     "043804320435043D044C0020044204300020043D043004310435044004560442044C0020002A003100300031002A0034003400340023",
     {"sender": "Vodafone", "smsc": "+38050000410", "concat": (136, 3, 3),
      "text": " пакета поповніть рахунок від 100 гривень та наберіть *101*444#"}),
    ("mgaman/PDUlib issue 39 (+CMGL: 0,0,,148): UCS-2 part 1 of 7",
     "0791246020099990640681991976000832602111455580840500033107010044006F0073006C006500630068006C00690020006A00"
     "73006D0065002000730065002C0020007A006500200064006E006500730020006D00610074006500200063006F0020006F0073006C"
     "00610076006F007600610074002100200041002000700072006F0074006F007A006500200064006100720065006B00200070",
     {"sender": "999167", "smsc": "+420602909909", "concat": (49, 1, 7),
      "timestamp": datetime(2023, 6, 12, 11, 54, 55, tzinfo=tz(2)),
      "text": "Doslechli jsme se, ze dnes mate co oslavovat! A protoze darek p"}),
])
def test_public_pdus_decode_without_notes(source, pdu, expected):
    sms = decode(pdu, direction="in")
    assert isinstance(sms, Deliver), source
    got = {key: getattr(sms, key) for key in expected if key != "concat"}
    if "concat" in expected:
        got["concat"] = (sms.concat.reference, sms.concat.part, sms.concat.total)
    assert got == expected, source
    assert sms.notes == (), source
    assert decode(pdu, strict=True) == sms  # nothing lenient was needed


# --- each leniency: accepted with a note, refused when strict -----------------------------

def _alnum_originator(name: str) -> str:
    septets = charset().septets(name).encode("latin-1")
    return f"{len(septets) * 7 // 4 + (1 if len(septets) * 7 % 4 else 0):02X}D0" + pack(septets).hex().upper()


#: python-gsmmodem test_pdu.py (Hello World SMS-SUBMIT) turned into a DELIVER header by hand: built here.
_HEAD = "00040B917228001011F10000"
_SCTS = "31308051206180"


@pytest.mark.parametrize("what, pdu, note, check", [
    ("a PDU line cut in the middle of an octet (built from python-gsmmodem's Hello World)",
     "0001000B917228001011F100000CC8329BFD065DDF7236390",
     "odd number of hex digits (49)", lambda s: s.text == "Hello World"),
    ("user data cut short (python-gsmmodem's Hello World, truncated)", "0001000B917228001011F100000CC8329BFD",
     "needs 11 octets but only 4 remain", lambda s: s.text == "Hell"),
    ("python-gsmmodem's UCS-2 SUBMIT whose TP-UDL (A0) is longer than the data",
     "0041010C910661345542F60008A0050003000301306F3044", "user data length 160 is more than 140 octets",
     lambda s: s.text == "\u306f\u3044" and s.concat.part == 1),
    ("a filler digit inside the originator (built)", "00040B917228F01011F1" + "0000" + _SCTS + "0141",
     "filler digit F inside the originating address", lambda s: s.sender == "+2782001111" and s.text == "A"),
    ("an alphanumeric originator of 12 characters (built)",
     "0004" + _alnum_originator("InfoServices") + "0000" + _SCTS + "0141",
     "length 21 is more than the 20 digits an address holds at octet 2: read as an alphanumeric name longer than "
     "11 characters", lambda s: s.sender == "InfoServices"),
    ("a date that does not exist (built: month 99)", _HEAD + "31993051206180" + "0141",
     "not a valid date and time", lambda s: s.timestamp == RECEIVED and s.text == "A"),
    ("UCS-2 text of an odd number of octets (built)", "00040B917228001011F10008" + _SCTS + "03004100",
     "odd number of octets (3)", lambda s: s.text == "A"),
    ("a concatenation element of the wrong size (built)", "00440B917228001011F10004" + _SCTS + "0705000200030141",
     "concatenation element 00 has 2 octets instead of 3", lambda s: s.concat is None and s.text == "A"),
    ("a user data header longer than TP-UDL says (built)", "00440B917228001011F10000" + _SCTS + "06050003AB0201",
     "is longer than the user data length of 6 septets", lambda s: s.text == "" and s.concat.reference == 0xAB),
])
def test_leniencies_are_noted_and_refused_when_strict(what, pdu, note, check):
    sms = decode(pdu, received_at=RECEIVED)
    assert any(note in n for n in sms.notes), (what, sms.notes)
    assert check(sms), what
    with pytest.raises(PduError) as info:
        decode(pdu, strict=True)
    assert str(info.value) in sms.notes[0]  # the refusal is the note's first half


def test_reserved_values_that_ts_23038_and_23040_define_a_reading_for_are_noted_even_when_strict():
    # TP-DCS 0x80 (reserved coding group 1000) is read as GSM 7-bit; TP-MTI 3 received is read as DELIVER.
    sms = decode(_HEAD[:-2] + "80" + _SCTS + "0141", strict=True)
    assert sms.text == "A" and "reserved coding group 1000" in sms.notes[0]
    sms = decode("0007" + _HEAD[4:] + _SCTS + "0141", direction="in", strict=True)
    assert isinstance(sms, Deliver) and "TP-MTI 3 is reserved" in sms.notes[0]
    with pytest.raises(PduError, match="TP-MTI 3"):
        decode("0007" + _HEAD[4:] + _SCTS + "0141", direction="auto")


# --- what stays an error: essential fields cannot be read ----------------------------------

@pytest.mark.parametrize("pdu, reason, found", [
    ("", "empty", {}),
    ("00ZZ", "not a hex digit", {}),
    ("00", "first octet", {"smsc": None}),
    ("0004", "originating address length", {"type": "deliver"}),
    ("00040B917228001011F1", "TP-PID", {"sender": "+27820001111"}),
    ("00040B917228001011F10000" + _SCTS, "user data length", {"sender": "+27820001111"}),
    ("00440B917228001011F10000" + _SCTS + "050905000300", "user data header length 9 runs past",
     {"sender": "+27820001111"}),
    ("00040B917228001011F10020" + _SCTS + "0141", "compressed", {"sender": "+27820001111"}),
    ("000623" + "0E9126983575169498" + "610103409544C2" + "61010340954482", "TP-ST",
     {"type": "status-report", "message_reference": 35, "recipient": "+62895357614989"}),
    ("0006230E912698357516", "recipient address needs 7 octets", {"message_reference": 35}),
    ("0001000B917228001011F100000CC8329BFD065DDF72363904", "SMS-SUBMIT", {"type": "submit"}),
])
def test_unreadable_essential_fields_raise_with_what_was_found(pdu, reason, found):
    with pytest.raises(PduError, match=reason) as info:
        decode(pdu, direction="in")
    assert found.items() <= info.value.found.items()


def test_submit_read_back_keeps_notes_too():
    # python-gsmmodem's Hello World SUBMIT with two octets of padding.
    sms = decode("0001000B917228001011F100000CC8329BFD065DDF723639040000")
    assert isinstance(sms, Submit) and sms.text == "Hello World!"
    assert sms.notes == ("2 octets follow the user data of length 12 at octet 25: ignored as padding "
                         "(the length fields define the fields)",)


def test_octets_after_the_status_of_a_report_are_noted_not_read():
    # BAD_ZONE_REPORT with TP-PI 00 and one more octet after TP-ST (built here).
    report = decode(BAD_ZONE_REPORT + "0000", received_at=RECEIVED)
    assert (report.message_reference, report.outcome) == (35, "delivered")
    assert report.notes[1] == ("2 octets after TP-ST at octet 27 (TP-PI and the fields it announces, or padding) "
                               "are not read")
