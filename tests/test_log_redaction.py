"""No credential reaches a log line or a traceback, whichever library writes it."""

from __future__ import annotations

import io
import logging

import pytest

from app.logging_setup import RedactingFilter, redact


@pytest.mark.parametrize("text", [
    "GET /http/send-message?username=bob&password=hunter2&to=1",
    "b'GET /x?username=a&PASSWORD=hunter2'",
    'grant_type=client_credentials&client_id=bob&client_secret=hunter2',
    '{"password": "hunter2"}',
    "Authorization: Basic aHVudGVyMjpodW50ZXIy",
    "{'Authorization': 'Bearer hunter2hunter2'}",
    "https://bob:hunter2@sms.example/rest/v1",
])
def test_credentials_are_hidden(text):
    hidden = redact(text)
    assert "hunter2" not in hidden and "aHVudGVy" not in hidden and "<hidden>" in hidden


def test_a_traceback_and_its_arguments_are_hidden_too():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("tests.redaction")
    logger.addHandler(handler)
    try:
        try:
            raise ValueError("bad line b'GET /?password=hunter2'")
        except ValueError:
            logger.exception("request %s failed", "/http/x?username=a&password=hunter2")
    finally:
        logger.removeHandler(handler)
    out = stream.getvalue()
    assert "hunter2" not in out and out.count("<hidden>") >= 2 and "ValueError" in out
