"""The official Retarus Python SDK (``retarus-sms`` 1.0.1), unmodified, against the console's served API.

The SDK needs pydantic 1 and the console pydantic 2, so a session fixture installs it into a virtual
environment of its own (kept in ``~/.cache/smsconsole-tests`` between runs, or ``SMSCONSOLE_SDK_VENV``)
and each test runs ``clients/retarus_sdk_driver.py`` there against a server on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent / "clients"
REQUIREMENTS = HERE / "retarus-sdk-requirements.txt"
FRONT = ("app.api.retarus",)


@pytest.fixture(scope="session")
def sdk_python() -> Path:
    """The Python of a virtual environment holding the pinned SDK (made on first use)."""
    pins = REQUIREMENTS.read_text()
    home = Path(os.environ.get("SMSCONSOLE_SDK_VENV") or Path.home() / ".cache/smsconsole-tests/retarus-sdk")
    python = home / "bin" / "python"
    stamp = home / "requirements.txt"
    if not (python.exists() and stamp.exists() and stamp.read_text() == pins):
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(home)], check=True)
        done = subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                               "-r", str(REQUIREMENTS)], capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            message = f"cannot install the Retarus SDK: {done.stderr.strip()[-500:]}"
            if os.environ.get("CI"):
                pytest.fail(message)
            pytest.skip(message)
        stamp.write_text(pins)
    return python


async def test_every_sdk_call_works_unmodified(sdk_python, start_api, make_engine, make_user):
    engine = make_engine()
    make_user(engine, "sdkuser", "sdk-secret")
    server = await start_api(engine, front_ends=FRONT)
    proc = await asyncio.create_subprocess_exec(
        str(sdk_python), str(HERE / "retarus_sdk_driver.py"), server.url, "sdkuser", "sdk-secret",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode == 0, err.decode()[-3000:]
    result = json.loads(out)
    assert result["wrong_password"] == "ApiAuthorizationError"
    assert result["version"]["majorVersion"] == 2015
    minimal, full = result["reports"]
    # what the request did not set is reported with its effective value (the SDK's JobReport needs them all)
    assert (minimal["src"], minimal["encoding"], minimal["qos"], minimal["status_requested"]) == (
        "", "standard", "NORMAL", False)
    assert len(minimal["recipient_ids"]) == 1
    # the snake-case options the SDK sends took effect
    assert (full["src"], full["billcode"], full["customer_ref"], full["qos"], full["validity_min"]) == (
        "SDKTest", "B-1", "SDK-JOB-1", "EXPRESS", 60)
    assert full["status_requested"] is True and len(full["recipient_ids"]) == 2
    with engine.db.session() as s:
        from sqlmodel import select

        from app.store.models import Message

        rows = s.exec(select(Message).where(Message.job_id == result["jobs"][1]).order_by(Message.id)).all()
    assert [r.customer_ref for r in rows] == ["R-2", "+4917600000003"]
    assert all(r.blackout and r.priority == 1 and r.status_report for r in rows)
    assert result["filtered_old"] == []
    assert result["missing"] is False  # the SDK answers an unknown job (our 404) with False
