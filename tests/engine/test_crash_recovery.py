"""Crash safety: ``smsconsole serve`` killed with SIGKILL in the middle of a batch.

The rule: a message committed as ``sending`` whose answer was never recorded
is, at the next start, queued again and flagged ``possible_duplicate``
(setting ``interrupted_rule = "resend"``). So no message is lost, and the
only messages the device may have sent twice are flagged ones.
"""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlmodel import select

from app.engine.engine import Engine
from app.engine.requests import OutboundRequest
from app.store import models as m
from app.store.database import Database

COUNT = 150


def serve(config: Path, log: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "app.cli", "serve", "--config", str(config)],
                            stdout=subprocess.DEVNULL, stderr=log.open("ab"), cwd=Path(__file__).parents[2])


def wait_until(predicate, what: str, timeout: float = 60.0) -> None:
    # another process is doing the work: nothing in this process can signal it, so look again
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def statuses(url: str) -> dict[str, tuple[str, bool]]:
    db = Database(url)
    try:
        with db.session() as s:
            return {uid: (status, dup) for uid, status, dup in s.exec(
                select(m.Message.uid, m.Message.status, m.Message.possible_duplicate).where(
                    m.Message.direction == m.OUT))}
    finally:
        db.close()


def test_sigkill_mid_batch_loses_nothing_and_flags_what_may_be_doubled(tmp_path):
    url = f"sqlite:///{tmp_path / 'console.db'}"
    sends = tmp_path / "sends.txt"
    config = tmp_path / "console.toml"
    config.write_text(f'''
[store]
url = "{url}"

[api]
enabled = false

[[gateways]]
name = "Slow"
kind = "simulator"
send_delay = 0.01
window = 4
send_log = "{sends}"
''')
    engine = Engine(Database(url))
    engine.open_store()
    queued = engine.queue_messages([OutboundRequest([f"+1555{i:07d}" for i in range(COUNT)], "crash test")])
    assert len(queued.accepted) == COUNT
    engine.db.close()

    log = tmp_path / "serve.log"
    first = serve(config, log)
    try:
        wait_until(lambda: sends.exists() and len(sends.read_text().split()) >= COUNT // 3, "a third of the sends")
    finally:
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
    at_kill = collections.Counter(s for s, _ in statuses(url).values())
    assert at_kill[m.SENDING] >= 1 and at_kill[m.QUEUED] >= 1, at_kill

    second = serve(config, log)
    try:
        wait_until(lambda: all(s in m.DONE_STATES for s, _ in statuses(url).values()), "every message final")
    finally:
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=30) == 0, log.read_text()[-2000:]

    final = statuses(url)
    sent = collections.Counter(sends.read_text().split())
    assert set(final) == {v.uid for v in queued.accepted}
    assert {s for s, _ in final.values()} == {m.SENT}
    assert set(sent) == set(final), "every message was really sent"
    flagged = {uid for uid, (_, dup) in final.items() if dup}
    twice = {uid for uid, n in sent.items() if n > 1}
    assert all(n <= 2 for n in sent.values())
    assert twice <= flagged, "a message sent twice is flagged as a possible duplicate"
    assert len(flagged) == at_kill[m.SENDING], "exactly the messages interrupted while sending are flagged"
