"""The store lane: answering work first, background work in its share, each kind in order."""

from __future__ import annotations

import threading
import time

import pytest

from app.engine import store_lane
from app.engine.store_lane import StoreLane


def _blocked_lane():
    """A lane whose thread is held by a piece of background work until the returned event is set (so
    background work has had more than its share of the lane lately)."""
    lane = StoreLane("test-lane")
    release = threading.Event()
    lane.background.submit(release.wait)
    time.sleep(0.01)
    return lane, release


def test_answering_work_runs_before_background_work_handed_over_earlier_and_each_kind_keeps_its_order():
    lane, release = _blocked_lane()
    threading.Timer(0.02, release.set).start()
    ran: list[str] = []
    futures = [lane.background.submit(ran.append, "background 1"),
               lane.background.submit(ran.append, "background 2"),
               lane.submit(ran.append, "answering 1"),
               lane.submit(ran.append, "answering 2")]
    release.set()
    for f in futures:
        f.result(5)
    assert ran == ["answering 1", "answering 2", "background 1", "background 2"]
    lane.shutdown()


def test_background_work_behind_its_share_goes_first():
    lane = StoreLane("test-lane")
    release = threading.Event()
    lane.submit(release.wait)  # answering work has had the lane
    threading.Timer(0.03, release.set).start()
    ran: list[str] = []
    futures = [lane.submit(ran.append, "answering"), lane.background.submit(ran.append, "background")]
    for f in futures:
        f.result(5)
    assert ran == ["background", "answering"]
    lane.shutdown()


def test_background_work_gets_its_turn_while_answering_work_keeps_coming(monkeypatch):
    monkeypatch.setattr(store_lane, "BACKGROUND_MAX_WAIT", 0.05)
    lane = StoreLane("test-lane")
    stop = threading.Event()

    def flood():  # answering work of 2 ms each, always one more waiting
        while not stop.is_set():
            lane.submit(time.sleep, 0.002).result()

    clients = [threading.Thread(target=flood) for _ in range(2)]
    for c in clients:
        c.start()
    time.sleep(0.05)
    handed = time.monotonic()
    ran_at = lane.background.submit(time.monotonic).result(5)
    stop.set()
    for c in clients:
        c.join()
    # it waited for its share or at most BACKGROUND_MAX_WAIT (plus the piece running), never for the flood
    assert ran_at - handed < 0.05 + 0.05
    lane.shutdown()


def test_background_work_alone_runs_at_once():
    lane = StoreLane("test-lane")
    handed = time.monotonic()
    assert lane.background.submit(time.monotonic).result(5) - handed < 0.05
    lane.shutdown()


def test_errors_reach_the_caller_and_the_lane_goes_on():
    lane = StoreLane("test-lane")
    with pytest.raises(ZeroDivisionError):
        lane.background.submit(lambda: 1 / 0).result(5)
    assert lane.submit(lambda: threading.current_thread().name).result(5) == "test-lane_0"


def test_shutdown_runs_what_was_handed_over_or_cancels_it():
    lane, release = _blocked_lane()
    ran: list[int] = []
    kept = [lane.submit(ran.append, 1), lane.background.submit(ran.append, 2)]
    threading.Timer(0.05, release.set).start()
    lane.shutdown(wait=True)
    assert ran == [1, 2] and all(f.done() for f in kept)
    with pytest.raises(RuntimeError):
        lane.submit(ran.append, 3)

    lane, release = _blocked_lane()
    dropped = [lane.submit(ran.append, 4), lane.background.submit(ran.append, 5)]
    lane.shutdown(wait=False, cancel_futures=True)
    release.set()
    assert all(f.cancelled() for f in dropped) and ran == [1, 2]


def test_the_lane_says_when_it_answers_clients():
    lane = StoreLane("test-lane")
    assert not lane.answering()
    lane.submit(lambda: None).result(5)
    assert lane.answering(within=1.0)
    lane.background.submit(lambda: None).result(5)
    time.sleep(0.02)
    assert not lane.answering(within=0.01)  # background work is not answering work
    lane.shutdown()


def test_answering_work_done_elsewhere_holds_background_work_to_its_share():
    """The queue writer stores clients' jobs in a process of its own: while it does, the dispatcher's and the
    outcome writer's pieces keep to their share as if the lane had stored them."""
    lane = StoreLane("test-lane")
    lane.background.submit(time.sleep, 0.02).result(5)  # background work has used the lane lately
    lane.answered_elsewhere(0.01)  # less than its four times: background work is ahead of its share
    handed = time.monotonic()
    ran_at = lane.background.submit(time.monotonic).result(5)
    assert ran_at - handed >= store_lane.ANSWERING_GAP * 0.9  # it waited for the next answering work
    assert ran_at - handed < store_lane.BACKGROUND_MAX_WAIT + 0.05

    lane.answered_elsewhere(1.0)  # far more answering work: background work is behind its share
    handed = time.monotonic()
    assert lane.background.submit(time.monotonic).result(5) - handed < store_lane.ANSWERING_GAP
    assert lane.answering()
    lane.shutdown()
