"""Gateway kinds by name. Kinds are imported when first used."""

from __future__ import annotations

import importlib

from .base import Gateway

#: kind -> "module:Class"
KINDS: dict[str, str] = {
    "simulator": "app.gateways.simulator:SimulatorGateway",
    "retarus": "app.gateways.retarus:RetarusGateway",
    "modem": "app.gateways.modem.gateway:ModemGateway",
    "smpp": "app.gateways.smpp:SmppGateway",
}


class UnknownKind(ValueError):
    pass


def gateway_class(kind: str) -> type[Gateway]:
    try:
        target = KINDS[kind]
    except KeyError:
        raise UnknownKind(f"unknown gateway kind {kind!r} (known: {', '.join(sorted(KINDS))})") from None
    module, _, cls = target.partition(":")
    return getattr(importlib.import_module(module), cls)
