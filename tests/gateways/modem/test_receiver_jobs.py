"""Each receiver job alone: the line it comes from, and its handler against a modem driver and a gateway that
the test plays (what was read, deleted and acknowledged, and when the engine's commit is done)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import pytest

from app.gateways.modem.at_channel import AtError, AtTimeout
from app.gateways.modem.receiver import Receiver
from app.gateways.modem.receiver_jobs import (AckAfterStore, DirectMessage, DirectReport,
                                              LinkLost, Skipped, StoredMessage, StoredReport, Sweep, job_for)
from app.gateways.modem.sim_pdus import encode_deliver, encode_status_report
from tests.sms.field_pdus import BAD_ZONE_REPORT

[HELLO] = encode_deliver("+4917011111", "hello")
REPORT = encode_status_report(42, "+4917099999", 0, submitted=datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc))


class Facts:
    storage, report_storage, cnmi, needs_cnma = "SM", True, "2,1,0,2,0", True


class Driver:
    """The modem's storage and what the receiver asked of it."""

    def __init__(self, stored: dict[tuple[str, int], str] | None = None):
        self.facts, self.storage = Facts(), "SM"
        self.stored = dict(stored or {})
        self.done: list[str] = []

    async def read(self, index, mem):
        self.done.append(f"CMGR {mem} {index}")
        return self.stored.get((mem, index))

    async def list_all(self, mem):
        self.done.append(f"CMGL {mem}")
        return [(i, pdu) for (m, i), pdu in sorted(self.stored.items()) if m == mem]

    async def delete(self, index, mem):
        self.done.append(f"CMGD {mem} {index}")
        del self.stored[(mem, index)]

    async def at(self, command, busy_retry=True):
        self.done.append(command)

    async def restore_storage(self):
        pass


class Gateway:
    """The gateway as the receiver sees it; each hand-over returns a future the test completes."""

    name, own_number = "M", "+4915550100"

    def __init__(self, driver: Driver):
        self.driver = driver
        self.handed: list = []
        self.commits: list[asyncio.Future] = []
        self.traffic: list[str] = []

    def _commit(self, what):
        self.handed.append(what)
        self.commits.append(asyncio.get_running_loop().create_future())
        return self.commits[-1]

    received = report = _commit

    def log_traffic(self, direction, text):
        self.traffic.append(text)

    def signal_changed(self, rssi):
        self.handed.append(("rssi", rssi))


def receiver_for(stored=None, **facts) -> tuple[Receiver, Gateway, Driver]:
    driver = Driver(stored)
    for key, value in facts.items():
        setattr(driver.facts, key, value)
    gateway = Gateway(driver)
    return Receiver(gateway), gateway, driver


def queued(receiver: Receiver) -> list:
    out = []
    while not receiver.jobs.empty():
        out.append(receiver.jobs.get_nowait())
    return out


@pytest.mark.parametrize("line, pdu, job", [
    ('+CMTI: "SM",3', None, StoredMessage("SM", 3)),
    ("+CMTI: sm, 12", None, StoredMessage("SM", 12)),
    ('+CDSI: "SR",1', None, StoredReport("SR", 1)),
    ("+CMT: ,23", HELLO, DirectMessage(HELLO)),
    ("+CDS: 25", REPORT, DirectReport(REPORT)),
    ('^SMMEMFULL: "SM"', None, Sweep("storage full")),
    ('+CIEV: "SMSFULL",1', None, Sweep("storage full")),
    ("+CMTI: garbage", None, Skipped("+CMTI: garbage", "it names no storage and index (the next sweep reads the "
                                                       "message)")),
    ("+CMTI", None, Skipped("+CMTI", "it names no storage and index (the next sweep reads the message)")),
    ("+CMT: ,5", None, Skipped("+CMT: ,5", "its PDU line is missing")),
    ("RING", None, None),
    ("\xff\xfe:\x00", None, None),
])
def test_each_indication_becomes_its_job(line, pdu, job):
    assert job_for(line, pdu) == job


async def test_a_stored_message_is_read_handed_over_and_deleted_only_after_the_commit():
    receiver, gateway, driver = receiver_for({("SM", 3): HELLO})
    await receiver.run(StoredMessage("SM", 3))
    assert [sms.text for sms in gateway.handed] == ["hello"] and driver.done == ["CMGR SM 3"]
    await receiver.run(StoredMessage("SM", 3))  # announced again before its delete: not read twice
    assert driver.done == ["CMGR SM 3"]
    await asyncio.sleep(0.01)
    assert queued(receiver) == []  # the engine has not committed yet: nothing to delete
    gateway.commits[0].set_result(None)
    await asyncio.sleep(0)
    [delete] = queued(receiver)
    assert delete.slots == (("SM", 3),)
    await receiver.run(delete)
    assert driver.done == ["CMGR SM 3", "CMGD SM 3"] and driver.stored == {}


async def test_a_stored_report_is_handed_over_as_a_delivery_report():
    receiver, gateway, driver = receiver_for({("SR", 1): REPORT})
    await receiver.run(StoredReport("SR", 1))
    [report] = gateway.handed
    assert (report.reference, report.outcome, report.recipient) == ("42", "delivered", "+4917099999")
    gateway.commits[0].set_result(None)
    await asyncio.sleep(0)
    [delete] = queued(receiver)
    await receiver.run(delete)
    assert driver.done == ["CMGR SR 1", "CMGD SR 1"]


async def test_a_failed_commit_keeps_the_slot_for_the_next_sweep():
    receiver, gateway, driver = receiver_for({("SM", 3): HELLO})
    await receiver.run(StoredMessage("SM", 3))
    gateway.commits[0].set_exception(RuntimeError("store unavailable"))
    await asyncio.sleep(0)
    [delete] = queued(receiver)
    await receiver.run(delete)
    assert "CMGD SM 3" not in driver.done and ("SM", 3) in driver.stored
    assert gateway.traffic[-1] == ("kept SM 3 on the modem: the console could not take it (store unavailable); "
                                   "the next sweep reads it again")
    await receiver.run(StoredMessage("SM", 3))  # no longer awaiting a delete: read again
    assert driver.done.count("CMGR SM 3") == 2


@pytest.mark.parametrize("job, handed", [(DirectMessage(HELLO), "hello"), (DirectReport(BAD_ZONE_REPORT), "delivered")])
async def test_a_direct_pdu_is_acknowledged_only_after_the_commit(job, handed):
    receiver, gateway, driver = receiver_for()
    running = asyncio.create_task(receiver.run(job))
    await asyncio.sleep(0.01)
    [what] = gateway.handed
    assert getattr(what, "text", None) == handed or getattr(what, "outcome", None) == handed
    assert driver.done == []
    gateway.commits[0].set_result(None)
    await running
    assert driver.done == ["AT+CNMA"]


async def test_a_direct_pdu_the_console_cannot_take_is_not_acknowledged():
    receiver, gateway, driver = receiver_for()
    failed = asyncio.get_running_loop().create_future()
    failed.set_exception(RuntimeError("disk full"))
    await receiver.run(AckAfterStore(failed))
    assert driver.done == [] and "could not take it (disk full)" in gateway.traffic[-1]


async def test_without_phase_2_plus_nothing_is_acknowledged():
    receiver, gateway, driver = receiver_for(needs_cnma=False)
    await receiver.run(AckAfterStore(None))
    assert driver.done == []


async def test_a_sweep_hands_over_every_stored_pdu_and_deletes_after_the_commits():
    receiver, gateway, driver = receiver_for({("SM", 0): HELLO, ("SR", 2): REPORT})
    sweeping = asyncio.create_task(receiver.run(Sweep("start")))
    await asyncio.sleep(0.01)
    assert driver.done == ["CMGL SM", "CMGL SR"] and len(gateway.handed) == 2
    for commit in gateway.commits:
        commit.set_result(None)
    await sweeping
    assert driver.done[2:] == ["CMGD SM 0", "CMGD SR 2"] and driver.stored == {}
    assert queued(receiver) == []  # the sweep deleted them itself


async def test_link_lost_does_nothing_and_a_dropped_delete_frees_its_slot():
    receiver, gateway, driver = receiver_for({("SM", 3): HELLO})
    await receiver.run(LinkLost())
    assert driver.done == [] and gateway.handed == []
    await receiver.run(StoredMessage("SM", 3))
    gateway.commits[0].set_result(None)
    await asyncio.sleep(0)
    [delete] = queued(receiver)
    receiver.drop(delete)  # the link went down before it ran
    await receiver.run(StoredMessage("SM", 3))
    assert driver.done == ["CMGR SM 3", "CMGR SM 3"]


async def test_a_skipped_line_is_a_traffic_line():
    receiver, gateway, _ = receiver_for()
    await receiver.run(Skipped("+CMTI: ?", "it names no storage and index"))
    assert gateway.traffic == ["skipped '+CMTI: ?': it names no storage and index"]


async def test_a_job_that_fails_unexpectedly_is_skipped_and_the_next_one_runs():
    receiver, gateway, driver = receiver_for({("SM", 1): HELLO})

    async def broken(index, mem):
        raise ValueError("the driver tripped")

    driver.read = broken
    await receiver.run(StoredMessage("SM", 1))
    assert gateway.traffic[-1] == "skipped StoredMessage: ValueError: the driver tripped"
    driver.read = Driver.read.__get__(driver)
    await receiver.run(StoredMessage("SM", 1))
    assert [sms.text for sms in gateway.handed] == ["hello"]


@pytest.mark.parametrize("error", [AtTimeout("AT+CMGR=1", 1.0), AtError("AT+CMGR=1", "CMS", 500)])
async def test_the_modem_failing_a_job_goes_to_the_housekeeping_task(error):
    receiver, gateway, driver = receiver_for()

    async def failing(index, mem):
        raise error

    driver.read = failing
    with pytest.raises(type(error)):
        await receiver.run(StoredMessage("SM", 1))


def test_garbled_unsolicited_lines_queue_nothing_and_never_raise():
    receiver, gateway, _ = receiver_for()
    for line in ("\x00\xff", ":::", "+CDSI: ,", "^RSSI: 17", "+XYZ: 1"):
        receiver.unsolicited(line, None)
    assert [type(j) for j in queued(receiver)] == [Skipped]
    assert ("rssi", 17) in gateway.handed


async def test_a_sweep_runs_the_delete_a_read_left_waiting_and_the_queued_copy_then_does_nothing():
    receiver, gateway, driver = receiver_for({("SM", 3): HELLO}, report_storage=False)
    await receiver.run(StoredMessage("SM", 3))
    asyncio.get_running_loop().call_later(0.05, gateway.commits[0].set_result, None)
    await asyncio.wait_for(receiver.run(Sweep()), 2)
    assert driver.done == ["CMGR SM 3", "CMGL SM", "CMGD SM 3"] and len(gateway.handed) == 1
    [delete] = queued(receiver)  # queued at the commit, behind the sweep that ran it
    await receiver.run(delete)
    assert driver.done.count("CMGD SM 3") == 1
