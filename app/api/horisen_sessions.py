"""Customer and supplier sessions as HORISEN session-manager records.

Customer sessions are the console's API clients; supplier sessions are its
own gateway connections. Each record type has a whitelist of typed fields
(:data:`CUSTOMER_FIELDS`, :data:`SUPPLIER_FIELDS`) that filters and sort may
name; times are ISO 8601 in UTC (``2030-01-01T12:00:00Z``), so comparing
them as text orders them in time.
"""

from __future__ import annotations

import time
from typing import Any

from app import APP_DIRNAME, APP_NAME
from app.engine.sessions import CustomerSession, SupplierSession

OWNER = {"ownerId": 1, "ownerBpName": APP_NAME, "ownerBpBriefName": APP_DIRNAME}

CUSTOMER_FIELDS: dict[str, type] = {
    "sessionID": str, "customer": str, "accountName": str, "accountID": int, "ipAddr": str, "serverAddr": str,
    "blocked": bool, "sessionStart": str, "sessionLastTick": str, "authName": str, "protocol": str,
    "protocolVersion": str, "mode": str, "state": str, "ownerId": int, "ownerBpName": str,
    "ownerBpBriefName": str,
}
CUSTOMER_SEARCH = ("customer", "accountName", "ipAddr", "serverAddr", "authName", "protocol", "state")

SUPPLIER_FIELDS: dict[str, type] = {
    "sessionID": str, "gateID": int, "connID": int, "instNum": int, "sessionType": str, "startDT": str,
    "status": str, "lastTickDT": str, "protocolVersion": str, "supplier": str, "gateName": str,
    "connectionName": str, "remoteHost": str, "remotePort": int, "localHost": str, "localPort": int,
    "gateCName": str, "connectionCName": str, "ownerId": int, "ownerBpName": str, "ownerBpBriefName": str,
}
SUPPLIER_SEARCH = ("gateName", "connectionName", "remoteHost", "sessionType", "status", "supplier")

#: What each API front-end speaks, shown as the customer session's protocol version.
PROTOCOL_VERSIONS = {"diafaan": "Diafaan HTTP 4", "retarus": "Retarus REST v1", "horisen": "HORISEN v1"}
#: What each gateway kind connects with.
KIND_PROTOCOLS = {"modem": "AT (3GPP TS 27.005)", "retarus": "Retarus REST v1", "simulator": "simulated",
                  "smpp": "SMPP 3.4"}


def iso(ts: float | None) -> str | None:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts)) if ts else None


def customer_record(s: CustomerSession, blocked_users: set[str]) -> dict[str, Any]:
    return {
        "sessionID": str(s.session_id), "customer": s.user, "accountName": s.user, "accountID": s.user_id,
        "ipAddr": s.ip, "serverAddr": s.server, "blocked": s.blocked or s.user in blocked_users,
        "sessionStart": iso(s.started), "sessionLastTick": iso(s.last_tick), "authName": s.user,
        "protocol": s.protocol, "protocolVersion": s.protocol_version or PROTOCOL_VERSIONS.get(s.protocol, ""),
        "mode": s.mode or "http", "state": s.state, **OWNER,
    }


def supplier_record(s: SupplierSession) -> dict[str, Any]:
    where = s.device or (f"{s.remote_host}:{s.remote_port}" if s.remote_host else "")
    if s.mode:
        where += f" ({s.mode})"
    return {
        "sessionID": str(s.session_id), "gateID": s.gate_id, "connID": s.conn_id, "instNum": s.conn_id,
        "sessionType": s.kind, "startDT": iso(s.started), "status": s.status, "lastTickDT": iso(s.last_tick),
        "protocolVersion": KIND_PROTOCOLS.get(s.kind, s.kind), "supplier": s.kind, "gateName": s.gateway,
        "connectionName": where, "remoteHost": s.device or s.remote_host, "remotePort": int(s.remote_port or 0),
        "localHost": s.local_host, "localPort": int(s.local_port or 0), "gateCName": s.gateway, "connectionCName": s.gateway, **OWNER,
    }
