"""Search, filters, conversations and export on PostgreSQL (SMSCONSOLE_TEST_PG_URL): the same
behaviour the SQLite store has, from the GIN full-text index and the grouped summary."""

from __future__ import annotations

import os

import pytest

from app.store import models as m
from app.store.search import MessageFilter, count_ids, match_expression

from . import test_search as on_sqlite
from .test_search import add, texts

PG_URL = os.environ.get("SMSCONSOLE_TEST_PG_URL")
pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not PG_URL, reason="SMSCONSOLE_TEST_PG_URL is not set: no PostgreSQL server "
                                 "to test search and conversations against")]


@pytest.fixture
def engine(make_engine, pg_url):
    engine = make_engine(url=pg_url)
    assert not engine.db.is_sqlite
    yield engine
    engine.db.close()


# The SQLite store's tests, run as they are against PostgreSQL.
test_words_match_as_prefixes_in_any_order_and_without_accents = \
    on_sqlite.test_words_match_as_prefixes_in_any_order_and_without_accents
test_index_follows_edits_and_deletes = on_sqlite.test_index_follows_edits_and_deletes
test_filters_unread_gateway_status_and_date = on_sqlite.test_filters_unread_gateway_status_and_date
test_pages_newest_first = on_sqlite.test_pages_newest_first
test_conversations_count_unread_and_follow_reads_and_deletes = \
    on_sqlite.test_conversations_count_unread_and_follow_reads_and_deletes
test_undo_restores_deleted_messages_in_place = on_sqlite.test_undo_restores_deleted_messages_in_place
test_export_writes_csv_and_cancel_leaves_nothing = on_sqlite.test_export_writes_csv_and_cancel_leaves_nothing
test_export_of_a_selection = on_sqlite.test_export_of_a_selection


def test_query_words_are_prefix_terms_joined_by_and():
    assert match_expression('say "hi" OR x', is_sqlite=False) == "say:* & hi:* & OR:* & x:*"
    assert match_expression("+49 176-12", is_sqlite=False) == "4917612:*"
    assert match_expression("'; DROP", is_sqlite=False) == "DROP:*"


def test_operators_in_the_search_text_are_words_not_syntax(engine):
    add(engine, m.IN, "+15550001", "a & b | !c (d) e:* f")
    for query in ("&", "a & b", "!c", "(d)", "e:*", "b | f", "'", "\\"):
        found = texts(engine.search_messages(MessageFilter(text=query)))
        assert found in ([], ["a & b | !c (d) e:* f"]), query
    assert texts(engine.search_messages(MessageFilter(text="(d) !c"))) == ["a & b | !c (d) e:* f"]


def test_counts_match_the_pages(engine):
    for i in range(12):
        add(engine, m.IN if i % 3 else m.OUT, f"+1555000{i % 4}", f"parcel {i}", read=i % 2 == 0)
    for flt in (MessageFilter(text="parcel"), MessageFilter(text="parcel", unread=True),
                MessageFilter(direction=m.OUT), MessageFilter(counterpart="+15550001"),
                MessageFilter(text="nothing-here"), MessageFilter(text="!!")):
        with engine.db.engine.connect() as conn:
            counted = count_ids(conn, flt, is_sqlite=False)
        assert counted == len(engine.search_messages(flt, limit=100)), flt


def test_unread_count_and_reading_a_conversation(engine):
    add(engine, m.IN, "+15550001", "one")
    add(engine, m.IN, "+15550001", "two")
    add(engine, m.IN, "+15550002", "three", read=True)
    assert engine.unread_count() == 2
    assert engine.mark_conversation_read("+15550001") == 2
    assert engine.unread_count() == 0
    assert [(r.number, r.unread, r.total) for r in engine.conversations()] == [("+15550002", 0, 1),
                                                                              ("+15550001", 0, 2)]
