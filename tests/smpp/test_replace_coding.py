"""replace_sm carries no data_coding (SMPP 3.4 §4.10): its short_message is read in the data_coding the
message was first submitted with, kept in the options of the message's job."""

from __future__ import annotations

import json

from sqlmodel import select

from app.store.models import Job, Message

from tests.smpp.conftest import raw_pdu
from tests.smpp.test_more_commands import multi_body, multi_resp
from tests.smpp.test_replace import REPLACE_SM_RESP, paused, replace
from tests.smpp.test_submit import stored, submit


def job_options(engine, uid: str) -> dict:
    with engine.db.session() as s:
        return json.loads(s.exec(select(Job.options).join(Message, Message.job_id == Job.id)
                                 .where(Message.uid == uid)).one())


async def test_a_latin1_message_is_replaced_by_latin1_text(start_smpp, smpp_client):
    engine, client = await paused(start_smpp, smpp_client)
    uid = (await submit(client, "Grüße".encode("latin-1"), coding=3)).message_id.decode()
    assert await replace(client, 1, uid, "Café à 8 £".encode("latin-1")) == (REPLACE_SM_RESP, 0, 1, b"")
    assert stored(engine, uid).text == "Café à 8 £"
    # a replace asking for other receipts moves the message to a job of its own: the coding goes with it
    assert (await replace(client, 2, uid, "Noël".encode("latin-1"), registered_delivery=2))[:2] == (REPLACE_SM_RESP, 0)
    assert stored(engine, uid).text == "Noël"
    assert job_options(engine, uid) == {"registered_delivery": 2, "data_coding": 3}
    assert (await replace(client, 3, uid, "Ça va".encode("latin-1")))[:2] == (REPLACE_SM_RESP, 0)
    assert stored(engine, uid).text == "Ça va"


async def test_a_ucs2_message_is_replaced_by_ucs2_text(start_smpp, smpp_client):
    """Even when its text (in the GSM alphabet) goes as GSM 7-bit."""
    engine, client = await paused(start_smpp, smpp_client)
    uid = (await submit(client, "Hello".encode("utf-16-be"), coding=8)).message_id.decode()
    assert stored(engine, uid).encoding != "ucs2"
    assert await replace(client, 1, uid, "Grüße ✓".encode("utf-16-be")) == (REPLACE_SM_RESP, 0, 1, b"")
    assert stored(engine, uid).text == "Grüße ✓"


async def test_a_message_in_the_default_alphabet_is_still_read_in_it(start_smpp, smpp_client):
    engine, client = await paused(start_smpp, smpp_client)
    uid = (await submit(client, b"plain")).message_id.decode()
    assert job_options(engine, uid) == {}  # the default (GSM, no receipt wanted beyond the default) is not written
    assert (await replace(client, 1, uid, b"\x00 GSM \x1b\x65"))[:2] == (REPLACE_SM_RESP, 0)
    assert stored(engine, uid).text == "@ GSM €"


async def test_the_destinations_of_a_latin1_submit_multi_are_replaced_by_latin1_text(start_smpp, smpp_client):
    engine, client = await paused(start_smpp, smpp_client)
    dests = [("sme", 1, "4915112345678"), ("sme", 1, "4930123456")]
    await client.send_raw(raw_pdu(0x21, 5, multi_body(dests, "Señor".encode("latin-1"), coding=3)))
    message_id, _ = multi_resp((await client.read_raw())[3])
    assert (await replace(client, 6, message_id, "Señora".encode("latin-1")))[:2] == (REPLACE_SM_RESP, 0)
    with engine.db.session() as s:
        texts = s.exec(select(Message.text).where(Message.customer_ref == message_id)).all()
    assert texts == ["Señora", "Señora"]


async def test_a_submit_replacing_a_waiting_message_brings_its_own_coding(start_smpp, smpp_client):
    """replace_if_present_flag 1: the message takes the new submit_sm's text and its data_coding, which a
    later replace_sm reads in."""
    engine, client = await paused(start_smpp, smpp_client)
    uid = (await submit(client, b"first")).message_id.decode()
    again = await submit(client, "Zweite Grüße".encode("latin-1"), coding=3, replace_if_present_flag=1)
    assert again.message_id.decode() == uid and stored(engine, uid).text == "Zweite Grüße"
    assert (await replace(client, 1, uid, "Dritte Grüße".encode("latin-1")))[:2] == (REPLACE_SM_RESP, 0)
    assert stored(engine, uid).text == "Dritte Grüße"
