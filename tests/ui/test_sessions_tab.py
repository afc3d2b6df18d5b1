"""Sessions tab: live customer and supplier sessions, filter boxes, and Stop /
Unblock / Restart acting on the engine as the HORISEN API does."""

from __future__ import annotations

import os

import aiohttp
import pytest

from app.api.server import ApiServer
from app.config import Config
from app.store.models import User
from app.store.passwords import hash_password
from app.ui.sessions_tab import C_MODE, C_PROTOCOL, C_STATE
from tests.ui.conftest import complete, settle

pytestmark = pytest.mark.gui


def _cells(model, column):
    return [model.index(r, column).data() for r in range(model.rowCount())]


def _select(table, text):
    """Select the rows of a session table whose user or gateway is ``text``."""
    table.view.clearSelection()
    proxy = table.proxy
    for r in range(proxy.rowCount()):
        if proxy.index(r, 1).data() == text:
            table.view.selectRow(r)


def _shot(widget, name):
    out = os.environ.get("SMSCONSOLE_SCREENSHOTS")
    if out:
        widget.grab().save(os.path.join(out, name))


@pytest.fixture
def tab(qtbot, qloop, make_engine):
    """The Sessions tab over a started engine with one fast simulated gateway."""
    from app.ui.application import make_qapplication
    from app.ui.engine_bridge import EngineBridge
    from app.ui.sessions_tab import SessionsTab

    make_qapplication()
    engine = make_engine()
    engine.add_gateway("Demo", "simulator", {"send_delay": 0.05, "report_delay": 0.05})
    bridge = EngineBridge(engine)
    widget = SessionsTab(bridge)
    widget.bridge = bridge
    widget.resize(900, 600)
    qtbot.addWidget(widget)
    widget.show()
    complete(qtbot, engine.start())
    yield widget
    widget.close()
    bridge.close()  # no engine event may reach the deleted widgets while the engine stops
    complete(qtbot, engine.stop())


def test_api_clients_appear_and_stop_blocks_them_until_unblocked(tab, qtbot):
    engine = tab.engine
    with engine.db.session() as s:
        s.add(User(name="alice", password_hash=hash_password("pw")))
        s.commit()
    cfg = Config()
    cfg.api["listen"] = "127.0.0.1:0"
    server = ApiServer(engine, cfg, front_ends=("app.api.diafaan",))
    complete(qtbot, server.start())

    async def status_request():
        async with aiohttp.ClientSession() as http:
            r = await http.get(f"{server.url}/http/request-status-update",
                               params={"username": "alice", "password": "pw", "message-id": "x"})
            return r.status, await r.text()

    try:
        with qtbot.waitSignal(tab.customer_model.modelReset):
            assert complete(qtbot, status_request())[0] == 200
        model = tab.customers.proxy
        assert _cells(model, 1) == ["alice"] and _cells(model, 3) == ["diafaan"]
        assert _cells(model, 2) == ["127.0.0.1"] and _cells(model, C_MODE) == [""]  # no mode over HTTP
        _shot(tab, "sessions-live.png")

        _select(tab.customers, "alice")
        tab.stop_action.trigger()
        settle(qtbot)
        assert "alice" in engine.sessions.blocked_users
        assert _cells(model, 1) == ["alice"] and _cells(model, C_STATE) == ["stopped"]
        status, text = complete(qtbot, status_request())
        assert status == 401 and "stopped by the operator" in text
        _shot(tab, "sessions-stopped.png")

        _select(tab.customers, "alice")
        tab.unblock_action.trigger()
        settle(qtbot)
        # the stopped session stays listed as closed; the next request opens a new one
        assert "alice" not in engine.sessions.blocked_users and _cells(model, C_STATE) == ["closed"]
        assert complete(qtbot, status_request())[0] == 200
        assert sorted(_cells(model, C_STATE)) == ["closed", "open"]
    finally:
        complete(qtbot, server.stop())


def test_smpp_binds_show_their_mode(tab, qtbot):
    """An SMPP bind's session (as the SMPP server opens it) shows transmitter, receiver or transceiver."""
    sessions = tab.engine.sessions
    with qtbot.waitSignal(tab.customer_model.modelReset):
        for n, mode in enumerate(("transmitter", "receiver", "transceiver")):
            sessions.open_connection("carol", f"127.0.0.1:{4000 + n}", "127.0.0.1:2775", "SMPP", "3.4", mode)
    model = tab.customers.proxy
    while model.rowCount() < 3:
        qtbot.wait(20)
    assert sorted(_cells(model, C_MODE)) == ["receiver", "transceiver", "transmitter"]
    assert set(_cells(model, C_PROTOCOL)) == {"SMPP"}
    _shot(tab, "sessions-smpp-modes.png")


def test_restart_button_restarts_the_selected_gateway(tab, qtbot):
    engine = tab.engine
    rows = tab.suppliers.proxy
    assert _cells(rows, 1) == ["Demo"] and _cells(rows, 3) == ["running"]
    states = []

    def seen(view):
        states.append(view.state)
        return view.state == "running" and "stopped" in states

    _select(tab.suppliers, "Demo")
    with qtbot.waitSignal(tab.bridge.gateway_state_changed, check_params_cb=seen, timeout=5000):
        tab.restart_action.trigger()
    assert states[:2] == ["stopping", "stopped"] and engine.gateway("Demo").state.value == "running"
    assert _cells(rows, 3) == ["running"]


def test_filter_boxes_narrow_each_table(tab, qtbot):
    engine = tab.engine
    for user, ip, proto in (("alice", "10.0.0.1", "diafaan"), ("bob", "10.0.0.2", "retarus"),
                            ("carol", "192.168.0.7", "horisen")):
        engine.sessions.open_customer(user, ip, "console", proto)
    table = tab.customers
    assert _cells(table.proxy, 1) == ["alice", "bob", "carol"]
    table.filter.setText("10.0.0")
    assert _cells(table.proxy, 1) == ["alice", "bob"]
    table.filter.setText("HORISEN")
    assert _cells(table.proxy, 1) == ["carol"]
    _shot(tab, "sessions-filtered.png")
    # the filter holds across live updates
    engine.sessions.open_customer("dave", "10.9.9.9", "console", "horisen")
    assert _cells(table.proxy, 1) == ["carol", "dave"]
    table.filter.clear()
    assert len(_cells(table.proxy, 1)) == 4
    tab.suppliers.filter.setText("no such gateway")
    assert tab.suppliers.proxy.rowCount() == 0


def test_a_session_tick_is_shown_in_place_keeping_the_selection(tab, qtbot):
    engine = tab.engine
    first = engine.sessions.open_customer("alice", "10.0.0.1", "console", "diafaan")
    _select(tab.customers, "alice")
    later = engine.sessions.open_customer("alice", "10.0.0.1", "console", "diafaan")
    assert later.session_id == first.session_id
    with qtbot.waitSignal(tab.customer_model.dataChanged, timeout=10000):
        pass
    assert tab.customers.selected_keys() == ["alice"]


def test_an_smpp_transmitter_and_receiver_are_two_supplier_rows(tab, qtbot):
    from tests.gateways.fake_smsc import FakeSmsc

    engine = tab.engine
    smsc = complete(qtbot, FakeSmsc().start())
    try:
        engine.add_gateway("Upstream", "smpp", {"host": "127.0.0.1", "port": smsc.port, "system_id": "esme",
                                                "password": "pw", "bind_mode": "transmitter+receiver"})
        with qtbot.waitSignal(tab.bridge.gateway_state_changed, timeout=5000,
                              check_params_cb=lambda g: g.name == "Upstream" and g.state == "running"):
            complete(qtbot, engine.start_gateway("Upstream"))
        tab.suppliers.model.reload()
        rows = tab.suppliers.proxy
        mine = [r for r in range(rows.rowCount()) if rows.index(r, 1).data() == "Upstream"]
        assert sorted(rows.index(r, 4).data() for r in mine) == [f"127.0.0.1:{smsc.port} (receiver)",
                                                                  f"127.0.0.1:{smsc.port} (transmitter)"]
        assert {rows.index(r, 2).data() for r in mine} == {"smpp"}
        complete(qtbot, engine.stop_gateway("Upstream"))
    finally:
        complete(qtbot, smsc.stop())
