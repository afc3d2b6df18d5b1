"""Property-based fuzzing of the running console from its own OpenAPI documents (schemathesis).

A real ``smsconsole serve`` runs in its own process; every operation of the
Retarus, HORISEN and Diafaan documents gets a fixed number of generated
requests inside the schemas and as many outside them (``FUZZ_EXAMPLES`` each,
8 by default, ``SMSCONSOLE_FUZZ_EXAMPLES`` for a longer run). Whatever is sent: no answer is a 5xx other than 503, every
Retarus job answered 201 is still there at the end, and neither the password
nor a token appears in the console's log (stderr and log file).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from app.api.openapi import DOCUMENTS, document

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Fuzz-pa55word-never-logged"
FUZZ_EXAMPLES = int(os.environ.get("SMSCONSOLE_FUZZ_EXAMPLES", "8"))
CONFIG = f"""
[api]
listen = "127.0.0.1:0"
rate_limit = 0

[settings]
send_server_command_enabled = true

[[users]]
name = "fuzzer"
password = "{PASSWORD}"
admin = true

[[gateways]]
name = "Sim"
kind = "simulator"
send_delay = 0.0
report_delay = 0.0
"""


@pytest.fixture(scope="module")
def console(tmp_path_factory):
    """A console serving its APIs in a process of its own; yields its base URL and the paths of its logs."""
    tmp = tmp_path_factory.mktemp("fuzz")
    (tmp / "console.toml").write_text(CONFIG)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_STATE_HOME": str(tmp / "state"),
           "XDG_DATA_HOME": str(tmp / "data"), "XDG_CONFIG_HOME": str(tmp / "config"), "QT_QPA_PLATFORM": "offscreen"}
    stderr = open(tmp / "stderr.log", "w+b")
    proc = subprocess.Popen([sys.executable, "-c", "from app.cli import main; main()", "serve", "--config",
                             str(tmp / "console.toml"), "--db", f"sqlite:///{tmp / 'console.db'}"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
    url = None
    deadline = time.monotonic() + 60
    while url is None and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.1)
        found = re.search(rb"HTTP API serving on (http://[0-9.:]+)", (tmp / "stderr.log").read_bytes())
        url = found.group(1).decode() if found else None
    if url is None:
        proc.kill()
        pytest.fail("the console did not start: " + (tmp / "stderr.log").read_text()[-2000:])
    yield url, tmp
    proc.send_signal(signal.SIGTERM)
    proc.wait(30)
    stderr.close()


def _logs(tmp: Path) -> str:
    text = (tmp / "stderr.log").read_text(errors="replace")
    for path in (tmp / "state").rglob("*.log*"):
        text += path.read_text(errors="replace")
    return text


def _fuzz(name: str, url: str, prepare, seen: list) -> None:
    schema = schemathesis.openapi.from_dict(json.loads(document(name)))
    http = requests.Session()
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=True, database=None,
                      suppress_health_check=list(HealthCheck))
            def run(case):
                prepare(case)
                response = case.call(base_url=url, session=http, timeout=30)
                seen.append((operation.label, response.status_code, response))
                assert response.status_code < 500 or response.status_code == 503, (
                    operation.label, response.status_code, response.text[:300])

            run()


def test_no_request_generated_from_the_documents_gets_a_server_error(console):
    url, tmp = console
    http = requests.Session()
    tokens: list[str] = []

    def token() -> str:
        """A fresh token: a user holds 50 at most, and the token endpoint is fuzzed too."""
        tokens.append(http.post(url + "/oauth2/access-token", data={
            "grant_type": "client_credentials", "client_id": "fuzzer", "client_secret": PASSWORD},
            timeout=30).json()["access_token"])
        return tokens[-1]

    seen: list = []

    def retarus(case):
        case.headers = {**(case.headers or {}), "Authorization": requests.auth._basic_auth_str("fuzzer", PASSWORD)}

    def horisen(case):
        if "access-token" in case.path and isinstance(case.body, dict):
            # the right credentials: wrong ones would (rightly) make every later guess wait its turn
            case.body.update(client_id="fuzzer", client_secret=PASSWORD)
        elif "access-token" not in case.path:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token()}"}
        if "customer-connections" in case.path and isinstance(case.body, dict):
            case.body.pop("authName", None) if case.body.get("authName") == "fuzzer" else None

    def diafaan(case):
        for where in (case.query, case.body):
            if isinstance(where, dict):
                where.update(username="fuzzer", password=PASSWORD)
                if where.get("command") in ("stop-connector", "set-connector-property", "stop-gateway"):
                    where["command"] = "get-server-settings"  # keep the connectors up for the rest of the run
        if case.query is None and case.body is None:
            case.query = {"username": "fuzzer", "password": PASSWORD}

    for name, prepare in (("retarus", retarus), ("horisen", horisen), ("diafaan", diafaan)):
        assert name in DOCUMENTS
        _fuzz(name, url + ("/rest/v1" if name == "retarus" else ""), prepare, seen)

    statuses = [status for _label, status, _r in seen]
    print(f"\n{len(seen)} generated requests: " + ", ".join(
        f"{s}: {statuses.count(s)}" for s in sorted(set(statuses))))
    assert len({label for label, _s, _r in seen}) >= 20  # every operation of the three documents was driven
    accepted = [r.json()["jobId"] for label, status, r in seen if label == "POST /jobs" and status == 201]
    auth = {"Authorization": requests.auth._basic_auth_str("fuzzer", PASSWORD)}
    for job_id in accepted:  # nothing accepted is lost
        assert http.get(f"{url}/rest/v1/jobs/{job_id}", headers=auth, timeout=30).status_code == 200, job_id
    logs = _logs(tmp)
    assert PASSWORD not in logs and not any(t in logs for t in tokens)
    assert 401 not in statuses  # the fuzzer's own credentials held all along
    assert "Traceback" not in logs, logs[logs.index("Traceback") - 300:][:3000]


def test_the_console_serves_its_openapi_documents(console):
    url, _tmp = console
    index = requests.get(url + "/openapi/", timeout=30).json()
    assert set(index) == set(DOCUMENTS)
    for name, path in index.items():
        served = requests.get(url + path, timeout=30)
        assert served.status_code == 200 and served.json()["openapi"].startswith("3.")
        assert served.content == document(name)
