"""Phone number normalisation and sender id validation."""

import pytest

from app.sms.numbers import InvalidNumber, is_alphanumeric_sender, normalize_number, validate_sender


@pytest.mark.parametrize("raw, country, expected", [
    ("+49 176 1234-5678", None, "+4917612345678"),
    ("0049 (176) 123.45678", None, "+4917612345678"),
    ("+1 (555) 010-0000", "49", "+15550100000"),
    ("0176 12345678", "49", "+4917612345678"),
    ("0176 12345678", "+49", "+4917612345678"),
    ("0176/12345678", None, "017612345678"),
    ("12345", "49", "12345"),
    ("112", None, "112"),
    ("4917612345678", "49", "4917612345678"),
    ("+123456789012345", None, "+123456789012345"),
])
def test_normalize_number(raw, country, expected):
    assert normalize_number(raw, country) == expected


@pytest.mark.parametrize("raw, reason", [
    ("", "empty"),
    ("   ", "empty"),
    ("0176 CALL ME", "contains"),
    ("+49+176", "contains"),
    ("+1234567890123456", "at most 15"),
    ("12", "too short"),
    ("+0176123", "cannot start with 0"),
])
def test_normalize_number_refuses(raw, reason):
    with pytest.raises(InvalidNumber, match=reason):
        normalize_number(raw)


def test_bad_default_country_is_reported():
    with pytest.raises(InvalidNumber, match="calling code"):
        normalize_number("0176123456", "Germany")


def test_alphanumeric_sender():
    assert is_alphanumeric_sender("ACME Shop")
    assert not is_alphanumeric_sender("+49 176 123")
    assert validate_sender("ACME Shop") == "ACME Shop"
    assert validate_sender("+49 176-123") == "+49176123"
    assert validate_sender("12345678901") == "12345678901"


@pytest.mark.parametrize("sender, reason", [
    ("", "empty"),
    ("ThisNameIsTooLong", "at most 11"),
    ("Price€€€€€€", "at most 11"),
    ("Café Ünïcode", "outside the GSM alphabet"),
    ("12345678901234567", "at most 16"),
])
def test_validate_sender_refuses(sender, reason):
    with pytest.raises(InvalidNumber, match=reason):
        validate_sender(sender)
