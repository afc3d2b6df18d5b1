"""The dispatcher reads the queue through ix_message_queue, which holds the waiting messages alone."""

from __future__ import annotations

from datetime import datetime, timezone

from app.engine import shared_queue
from app.engine.requests import OutboundRequest
from app.store import models as m


def _queue(engine) -> list:
    return engine.queue_messages([OutboundRequest([f"+155500{i}{j}" for j in range(5)], "hello", priority=i % 2)
                                  for i in range(4)]).accepted


def test_the_queue_is_read_by_its_partial_index_in_its_order_without_a_sort(make_engine):
    engine = make_engine()
    _queue(engine)
    now = datetime.now(timezone.utc)
    with engine.db.session() as s:
        rows = shared_queue.queued_batch(s, now, 100, after=None, skip_locked=False)
        conn = s.connection()
        plans = []
        for after in (None, (1, rows[3]["id"])):
            for query in shared_queue.queued_queries(now, 100, after=after, skip_locked=False):
                compiled = query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})
                plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}"))
                assert "USING INDEX ix_message_queue" in plan, plan
                assert "TEMP B-TREE" not in plan, plan  # the index's order: no sort
                plans.append(plan)
    # after a cursor each statement seeks to where it starts, not walking from the queue's head
    assert "priority=? AND id>?" in plans[1] and "priority<?" in plans[2], plans
    assert len(rows) == 20
    assert [(r["priority"], r["id"]) for r in rows] == sorted(((r["priority"], r["id"]) for r in rows),
                                                               key=lambda p: (-p[0], p[1]))


def test_a_read_after_a_cursor_goes_on_in_the_queue_order(make_engine):
    engine = make_engine()
    _queue(engine)
    now = datetime.now(timezone.utc)
    with engine.db.session() as s:
        whole = [r["id"] for r in shared_queue.queued_batch(s, now, 100, after=None, skip_locked=False)]
        read, after = [], None
        while True:  # three at a time, across the change of priority
            rows = shared_queue.queued_batch(s, now, 3, after=after, skip_locked=False)
            if not rows:
                break
            assert len(rows) == 3 or len(read) + len(rows) == len(whole)
            read += [r["id"] for r in rows]
            after = (rows[-1]["priority"], rows[-1]["id"])
    assert read == whole


def test_messages_that_left_the_queue_are_not_in_its_index(make_engine):
    engine = make_engine()
    views = engine.queue_messages([OutboundRequest(["+15550001", "+15550002"], "hello")]).accepted
    engine.cancel([views[0].id])
    with engine.db.engine.connect() as conn:
        indexed = conn.exec_driver_sql(
            f"SELECT id FROM message INDEXED BY ix_message_queue WHERE {m.QUEUE_CONDITION}").scalars().all()
        sql = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'ix_message_queue'").scalar()
    assert indexed == [views[1].id]
    assert sql.endswith(f"WHERE {m.QUEUE_CONDITION}")


def _generic_plan(conn, query) -> str:
    """PostgreSQL's generic plan of ``query`` (as after five executions of a prepared statement: the
    parameters' values unseen)."""
    compiled = query.compile(dialect=conn.dialect)
    names = list(compiled.params)
    sql = str(compiled)
    for i, name in enumerate(names, 1):  # the driver's named parameters as a prepared statement's
        sql = sql.replace(f"%({name})s", f"${i}")
    conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
    conn.exec_driver_sql("SET LOCAL plan_cache_mode = force_generic_plan")
    conn.exec_driver_sql(f"PREPARE queued AS {sql}".replace("%", "%%"))
    values = ", ".join(f"'{compiled.params[n]}'" for n in names)
    plan = " ".join(r[0] for r in conn.exec_driver_sql(f"EXPLAIN EXECUTE queued ({values})"))
    conn.exec_driver_sql("DEALLOCATE queued")
    return plan


def test_postgresql_reads_the_queue_by_the_partial_index_in_a_generic_plan_too(make_engine, pg_url):
    engine = make_engine(url=pg_url)
    _queue(engine)
    now = datetime.now(timezone.utc)
    with engine.db.session() as s:
        conn = s.connection()
        [head] = shared_queue.queued_queries(now, 100, after=None, skip_locked=True)
        head_plan = _generic_plan(conn, head)
        cursor_plans = [_generic_plan(conn, q) for q in shared_queue.queued_queries(now, 100, after=(1, 0),
                                                                                      skip_locked=True)]
    engine.db.close()
    assert "ix_message_queue" in head_plan and "Sort" not in head_plan, head_plan
    for plan in cursor_plans:  # an index seek in the queue's order
        assert "Index Cond" in plan and "Sort" not in plan, plan
