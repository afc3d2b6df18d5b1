"""Public ids of jobs and messages: the Retarus form, unique, in ascending order within a job."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timezone

from app.engine.ids import new_job_id, new_message_uids

AT = datetime(2026, 11, 22, 10, 24, 7, 583000, tzinfo=timezone.utc)


def test_job_and_message_ids_have_the_retarus_form():
    assert re.fullmatch(r"J\.20261122-102407\.583-[A-Za-z0-9]{18}", new_job_id(AT))
    assert all(re.fullmatch(r"S\.20261122-102407\.583-[A-Za-z0-9]{18}", u) for u in new_message_uids(50, AT))


def test_message_ids_of_a_job_are_unique_ascending_and_evenly_random():
    uids = new_message_uids(20000, AT)
    assert len(set(uids)) == 20000 and uids == sorted(uids)
    tails = Counter("".join(u[-18:] for u in uids))
    assert len(tails) == 62  # every letter and digit occurs...
    expected = 18 * 20000 / 62
    # ...about equally often: the plain modulo of a byte would make eight of them 24 % more frequent;
    # chance alone stays far within 12 % (that is over 9 standard deviations)
    assert all(abs(n - expected) < 0.12 * expected for n in tails.values())


def test_ids_drawn_one_at_a_time_from_the_pool_never_repeat():
    uids = [new_message_uids(1, AT)[0] for _ in range(5000)] + [new_job_id(AT) for _ in range(5000)]
    assert len({u[-18:] for u in uids}) == 10000


def test_a_forked_process_draws_other_ids_than_its_parent():
    import os

    new_message_uids(1, AT)  # the pool holds characters now
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its next ids, to the parent
        os.close(read)
        os.write(write, "".join(new_message_uids(1, AT)[0][-18:] for _ in range(20)).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as f:
        child = f.read()
    os.waitpid(pid, 0)
    parent = "".join(new_message_uids(1, AT)[0][-18:] for _ in range(20))
    assert len(child) == len(parent) == 360 and child != parent
