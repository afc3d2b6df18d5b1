"""Binding, the refusal codes, the session of a bind, an operator's stop, and PDUs that are not SMPP."""

from __future__ import annotations

import asyncio
import struct
import time

import pytest
import smpplib.consts as C
import smpplib.exceptions

from tests.smpp.conftest import add_user, cstr, raw_pdu


def bind_body(system_id: str, password: str) -> bytes:
    return cstr(system_id) + cstr(password) + cstr("") + bytes([0x34, 0, 0]) + cstr("")


async def refused(client, **kwargs) -> int:
    with pytest.raises(smpplib.exceptions.PDUError) as err:
        await client.bind(**kwargs)
    return err.value.args[1]


async def test_bind_modes_open_sessions_with_their_details(start_smpp, smpp_client):
    server = await start_smpp()
    modes = ("transmitter", "receiver", "transceiver")
    for mode in modes:
        await smpp_client(server, bind=mode)
    sessions = [s for s in server.engine.sessions.customers.values() if s.protocol == "SMPP"]
    assert sorted(s.mode for s in sessions) == sorted(modes)
    for s in sessions:
        assert s.user == "alice" and s.protocol_version == "3.4" and s.state == "open"
        assert s.ip.startswith("127.0.0.1:") and s.server == f"127.0.0.1:{server.port}"


async def test_wrong_password_unknown_user_and_no_smpp_password_are_refused(start_smpp, smpp_client):
    server = await start_smpp()
    add_user(server.engine, "bob", smpp_password="")
    for kwargs in ({"password": "wrong"}, {"system_id": "mallory"}, {"system_id": "bob", "password": ""}):
        client = await smpp_client(server, bind=None)
        assert await refused(client, **kwargs) == C.SMPP_ESME_RINVPASWD


async def test_disabled_user_is_refused_with_bindfail(start_smpp, smpp_client):
    server = await start_smpp(users=())
    add_user(server.engine, "alice", enabled=False)
    client = await smpp_client(server, bind=None)
    assert await refused(client) == C.SMPP_ESME_RBINDFAIL


async def test_binds_beyond_the_limit_are_refused(start_smpp, smpp_client):
    server = await start_smpp(max_binds=2)
    await smpp_client(server)
    await smpp_client(server, bind="receiver")
    third = await smpp_client(server, bind=None)
    assert await refused(third) == C.SMPP_ESME_RBINDFAIL


async def test_binding_twice_on_one_connection_is_already_bound(start_smpp, smpp_client):
    server = await start_smpp()
    client = await smpp_client(server)
    await client.send_raw(raw_pdu(0x09, 5, bind_body("alice", "secret1")))
    assert (await client.read_raw())[:3] == (0x80000009, C.SMPP_ESME_RALYBND, 5)


async def test_stop_unbinds_and_blocks_the_user(start_smpp, smpp_client):
    server = await start_smpp()
    client = await smpp_client(server)
    await server.engine.sessions.stop_customer_async("alice")
    command_id, _status, seq, _body = await client.read_raw()
    assert command_id == 0x06  # the server asks the client to unbind
    await client.send_raw(raw_pdu(0x80000006, seq))
    session = next(s for s in server.engine.sessions.customers.values() if s.protocol == "SMPP")
    for _ in range(50):
        if session.state == "closed":
            break
        await asyncio.sleep(0.05)
        session = server.engine.sessions.customers[session.session_id]
    assert session.state == "closed" and session.blocked
    again = await smpp_client(server, bind=None)
    assert await refused(again) == C.SMPP_ESME_RBINDFAIL


async def test_enquire_link_ticks_the_session_and_unbind_ends_it(start_smpp, smpp_client):
    server = await start_smpp()
    client = await smpp_client(server)
    session = next(s for s in server.engine.sessions.customers.values() if s.protocol == "SMPP")
    await asyncio.sleep(0.05)
    await client.send_raw(raw_pdu(0x15, 9))
    assert await client.read_raw() == (0x80000015, 0, 9, b"")
    assert server.engine.sessions.customers[session.session_id].last_tick > session.last_tick
    await client.send_raw(raw_pdu(0x06, 10))
    assert await client.read_raw() == (0x80000006, 0, 10, b"")
    assert await client.call(client.raw._socket.recv, 1) == b""  # the server closed the connection
    await asyncio.sleep(0.05)
    assert server.engine.sessions.customers[session.session_id].state == "closed"


async def test_requests_before_bind_are_refused_invbndsts(start_smpp, smpp_client):
    server = await start_smpp()
    client = await smpp_client(server, bind=None)
    await client.send_raw(raw_pdu(0x03, 3, cstr("x") + bytes([0, 0]) + cstr("")))
    assert (await client.read_raw())[:3] == (0x80000003, C.SMPP_ESME_RINVBNDSTS, 3)


async def test_submit_on_a_receiver_bind_is_refused(start_smpp, smpp_client):
    server = await start_smpp()
    client = await smpp_client(server, bind="receiver")
    await client.send_raw(raw_pdu(0x03, 4, cstr("x") + bytes([0, 0]) + cstr("")))
    assert (await client.read_raw())[:3] == (0x80000003, C.SMPP_ESME_RINVBNDSTS, 4)


async def test_unknown_command_gets_generic_nack_and_the_bind_goes_on(start_smpp, smpp_client):
    server = await start_smpp()
    client = await smpp_client(server)
    await client.send_raw(raw_pdu(0x00000FFF, 11, b"junk"))
    assert (await client.read_raw())[:3] == (0x80000000, C.SMPP_ESME_RINVCMDID, 11)
    await client.send_raw(raw_pdu(0x15, 12))
    assert (await client.read_raw())[:3] == (0x80000015, 0, 12)


async def test_an_outbind_from_a_customer_gets_generic_nack(start_smpp, smpp_client):
    server = await start_smpp()
    client = await smpp_client(server)
    await client.send_raw(raw_pdu(0x0B, 16, cstr("alice") + cstr("secret1")))
    assert (await client.read_raw())[:3] == (0x80000000, C.SMPP_ESME_RINVCMDID, 16)
    await client.send_raw(raw_pdu(0x0B, 17, b"no NUL"))  # garbled: still no outbind_resp, which SMPP has not
    assert (await client.read_raw())[:3] == (0x80000000, C.SMPP_ESME_RINVCMDLEN, 17)
    await client.send_raw(raw_pdu(0x15, 18))
    assert (await client.read_raw())[:3] == (0x80000015, 0, 18)


async def test_garbled_body_is_answered_with_an_error_and_the_bind_goes_on(start_smpp, smpp_client):
    server = await start_smpp()
    client = await smpp_client(server)
    # a submit_sm whose service_type never ends: no NUL in the whole body
    await client.send_raw(raw_pdu(0x04, 13, b"A" * 40))
    command_id, status, seq, _ = await client.read_raw()
    assert (command_id, seq) == (0x80000004, 13) and status in (C.SMPP_ESME_RINVCMDLEN, 0xC2)
    # a submit_sm whose sm_length runs past the body
    body = cstr("") + bytes([5, 0]) + cstr("Shop") + bytes([1, 1]) + cstr("491511234567") + bytes(3) \
        + cstr("") + cstr("") + bytes(4) + bytes([200]) + b"short"
    await client.send_raw(raw_pdu(0x04, 14, body))
    assert (await client.read_raw())[:3] == (0x80000004, C.SMPP_ESME_RINVMSGLEN, 14)
    await client.send_raw(raw_pdu(0x15, 15))
    assert (await client.read_raw())[:3] == (0x80000015, 0, 15)


async def test_garbage_bytes_get_generic_nack_and_close_and_the_server_lives(start_smpp, smpp_client):
    server = await start_smpp()
    client = await smpp_client(server, bind=None)
    await client.send_raw(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    command_id, status, _seq, _ = await client.read_raw()
    assert (command_id, status) == (0x80000000, C.SMPP_ESME_RINVCMDLEN)
    assert await client.call(client.raw._socket.recv, 1) == b""
    assert (await smpp_client(server)).raw.state == C.SMPP_CLIENT_STATE_BOUND_TRX


async def test_an_oversized_pdu_is_refused_and_closed(start_smpp, smpp_client):
    server = await start_smpp(max_pdu=1000)
    client = await smpp_client(server)
    await client.send_raw(struct.pack(">IIII", 5000, 0x04, 0, 21) + b"x" * 100)
    assert (await client.read_raw())[:3] == (0x80000000, C.SMPP_ESME_RINVCMDLEN, 21)
    assert await client.call(client.raw._socket.recv, 1) == b""
    short = await smpp_client(server, bind=None)
    await short.send_raw(struct.pack(">IIII", 8, 0x15, 0, 22))
    assert (await short.read_raw())[:3] == (0x80000000, C.SMPP_ESME_RINVCMDLEN, 22)


async def test_throughput_beyond_the_limit_is_throttled(start_smpp, smpp_client):
    server = await start_smpp(throughput=5)
    client = await smpp_client(server)
    for _ in range(20):
        await client.call(client.raw.send_message, source_addr_ton=5, source_addr="Shop", dest_addr_ton=1,
                          destination_addr="4915112345678", short_message=b"hi")
    statuses = [(await client.read()).status for _ in range(20)]
    assert statuses.count(0) >= 5 and statuses.count(C.SMPP_ESME_RTHROTTLED) >= 10
    assert set(statuses) <= {0, C.SMPP_ESME_RTHROTTLED}


async def test_many_outstanding_requests_are_answered_each_by_its_sequence(start_smpp, smpp_client):
    server = await start_smpp(window=64, throughput=0)
    client = await smpp_client(server)
    sent = []
    for n in range(200):
        pdu = await client.call(client.raw.send_message, source_addr_ton=5, source_addr="Shop", dest_addr_ton=1,
                                destination_addr="4915112345678", short_message=f"m{n}".encode())
        sent.append(pdu.sequence)
    answers = [await client.read() for _ in sent]
    assert sorted(a.sequence for a in answers) == sorted(sent)
    assert all(a.status == 0 for a in answers)
    uids = {a.message_id.decode() for a in answers}
    assert len(uids) == 200


async def test_pipelined_guesses_on_one_connection_are_checked_one_after_another(start_smpp, smpp_client,
                                                                                 monkeypatch):
    from app.smpp import bind

    monkeypatch.setattr(bind, "REFUSAL_DELAY", 0.2)
    server = await start_smpp()
    client = await smpp_client(server, bind=None)
    loop = asyncio.get_running_loop()
    started = loop.time()
    await client.send_raw(b"".join(raw_pdu(0x09, n, bind_body("alice", f"guess{n}")) for n in range(1, 4)))
    answers = [await client.read_raw() for _ in range(3)]
    assert [a[:3] for a in answers] == [(0x80000009, C.SMPP_ESME_RINVPASWD, n) for n in range(1, 4)]
    assert loop.time() - started >= 3 * 0.2  # each refusal waits its delay, none in parallel


async def test_horisen_lists_the_bind_and_its_stop_unbinds_it(start_smpp, smpp_client):
    """The HORISEN session manager shows an SMPP bind as a customer session, and its
    customer-connections/stop unbinds it and refuses the user's next bind."""
    import aiohttp

    from app.api.server import ApiServer
    from app.config import Config
    from app.engine.users import KNOWN_PRIVILEGES

    server = await start_smpp()
    engine = server.engine
    engine.users.save("ops", password="opspassword", admin=False, privileges=KNOWN_PRIVILEGES)
    client = await smpp_client(server)
    cfg = Config()
    cfg.api.update({"listen": "127.0.0.1:0"})
    api = ApiServer(engine, cfg, front_ends=("app.api.horisen",))
    await api.start()
    try:
        async with aiohttp.ClientSession(base_url=api.url) as http:
            r = await http.post("/oauth2/access-token", data={"grant_type": "client_credentials",
                                                              "client_id": "ops", "client_secret": "opspassword"})
            headers = {"Authorization": f"Bearer {(await r.json())['access_token']}"}
            base = "/bulk/sms-session-manager/v1"
            r = await http.get(f"{base}/sess-manager", headers=headers)
            rows = [row for row in (await r.json())["data"] if row["protocol"] == "SMPP"]
            assert [(row["authName"], row["state"], row["mode"]) for row in rows] == [("alice", "open", "transceiver")]
            r = await http.put(f"{base}/customer-connections/stop", headers=headers, json={"authName": "alice"})
            assert r.status == 201
    finally:
        await api.stop()
    command_id, _status, seq, _ = await client.read_raw()
    assert command_id == 0x06
    await client.send_raw(raw_pdu(0x80000006, seq))
    again = await smpp_client(server, bind=None)
    assert await refused(again) == C.SMPP_ESME_RBINDFAIL


async def test_a_silent_bind_is_unbound(start_smpp, smpp_client):
    server = await start_smpp(enquire_timeout=1)
    client = await smpp_client(server)
    command_id, _status, seq, _ = await client.read_raw()  # nothing sent for a second: the server unbinds
    assert command_id == 0x06
    await client.send_raw(raw_pdu(0x80000006, seq))
    assert await client.call(client.raw._socket.recv, 1) == b""


async def test_a_bind_checked_for_longer_than_the_enquire_timeout_is_answered(start_smpp, smpp_client, monkeypatch):
    from app.smpp import bind as bind_mod
    checked = bind_mod.verify_password

    def slow_check(password, stored):  # a busy machine: the password check outlasts the timeout
        time.sleep(1.6)
        return checked(password, stored)

    monkeypatch.setattr(bind_mod, "verify_password", slow_check)
    server = await start_smpp(enquire_timeout=1)
    client = await smpp_client(server)  # bound: the client waited for its answer, it was not silent
    assert server.binds_of("alice")
    command_id, _status, seq, _ = await client.read_raw()  # then silent for a second: unbound
    assert command_id == 0x06


async def test_a_connection_that_never_binds_is_closed_when_silent(start_smpp, smpp_client):
    server = await start_smpp(enquire_timeout=1)
    client = await smpp_client(server, bind=None)
    assert await client.call(client.raw._socket.recv, 1) == b""  # no unbind to a connection never bound
    for _ in range(50):
        if not server._connections:
            break
        await asyncio.sleep(0.02)
    assert not server._connections


async def test_garbage_on_a_bound_connection_closes_it_and_ends_its_session(start_smpp, smpp_client):
    server = await start_smpp()
    client = await smpp_client(server)
    session = next(s for s in server.engine.sessions.customers.values() if s.protocol == "SMPP")
    await client.send_raw(b"\xff\xff\xff\xff garbage after a bind")
    command_id, status, _seq, _ = await client.read_raw()
    assert (command_id, status) == (0x80000000, C.SMPP_ESME_RINVCMDLEN)
    assert await client.call(client.raw._socket.recv, 1) == b""
    for _ in range(50):
        if server.engine.sessions.customers[session.session_id].state == "closed":
            break
        await asyncio.sleep(0.02)
    assert server.engine.sessions.customers[session.session_id].state == "closed"
    assert server.binds_of("alice") == []
