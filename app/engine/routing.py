"""Routing rules: which gateways may carry a message, and which of them takes it.

Rules are tried in order; the first enabled rule whose every non-empty field
matches gives the gateway list. No rule matches: every gateway may carry it.
A request's own gateway list narrows the result. Among the candidates that
are running and have room, the least busy takes the message; a gateway that
failed the message with a retryable error is passed over while another
candidate can take it (failover).
"""

from __future__ import annotations

import dataclasses
import fnmatch
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable

from sqlmodel import col, delete, select

from app.gateways.base import GatewayState
from app.store.models import RoutingRule as RuleRow

from . import shared_queue

if TYPE_CHECKING:
    from app.gateways.base import Gateway

    from .engine import Engine

_PATTERN_CHARS = set("*?[")


@dataclass(frozen=True)
class RoutingRule:
    """A routing rule as the window, the config file and the engine see it."""

    gateways: tuple[str, ...]
    name: str = ""
    #: Destination prefix (``+4917``) or shell-style pattern (``+4917[56]*``).
    destination: str = ""
    sender: str = ""
    user: str = ""
    message_type: str = ""
    enabled: bool = True
    id: int | None = None
    origin: str = "store"

    def matches(self, recipient: str, sender: str, user: str, message_type: str) -> bool:
        return (self.enabled
                and _match(self.destination, recipient, prefix=True)
                and _match(self.sender, sender)
                and (not self.user or self.user == user)
                and _match(self.message_type, message_type))

    def describe(self) -> str:
        return self.name or f"rule {self.id}"

    @classmethod
    def of(cls, row: RuleRow) -> "RoutingRule":
        return cls(gateways=tuple(n for n in row.gateways.split(";") if n), name=row.name,
                   destination=row.destination, sender=row.sender, user=row.user, message_type=row.message_type,
                   enabled=row.enabled, id=row.id, origin=row.origin)

    def row(self, position: int) -> RuleRow:
        return RuleRow(position=position, name=self.name, destination=self.destination, sender=self.sender,
                       user=self.user, message_type=self.message_type, gateways=";".join(self.gateways),
                       enabled=self.enabled, origin=self.origin)


def _match(pattern: str, value: str, prefix: bool = False) -> bool:
    if not pattern:
        return True
    if _PATTERN_CHARS & set(pattern):
        return fnmatch.fnmatchcase(value, pattern)
    return value.startswith(pattern) if prefix else value == pattern


@dataclass
class Route:
    """The gateways a message may use, and where that list came from."""

    candidates: tuple[str, ...]
    rule: RoutingRule | None = None
    #: Names the request allowed (empty: any).
    allowed: tuple[str, ...] = ()
    failed: frozenset[str] = field(default_factory=frozenset)


class Router:
    def __init__(self, engine: "Engine"):
        self.engine = engine
        self._rules: list[RoutingRule] | None = None

    # --- rules ------------------------------------------------------------------

    def rules(self) -> list[RoutingRule]:
        if self._rules is None:
            with self.engine.db.session() as s:
                rows = s.exec(select(RuleRow).order_by(col(RuleRow.position), col(RuleRow.id))).all()
            self._rules = [RoutingRule.of(r) for r in rows]
        return self._rules

    def reload(self) -> None:
        """Forget the cached rules (they changed in the store)."""
        self._rules = None

    # --- decisions ----------------------------------------------------------------

    def route(self, recipient: str, sender: str, user: str, message_type: str, allowed: str,
              failed: str = "") -> Route:
        allowed_names = tuple(n for n in allowed.split(";") if n) if allowed else ()
        rule = next((r for r in self.rules() if r.matches(recipient, sender, user, message_type)), None)
        # a copy taken at once: passes run in the store lane while the loop may add or remove gateways
        names: Iterable[str] = rule.gateways if rule is not None else tuple(self.engine.gateways)
        if allowed_names:
            names = [n for n in names if n in allowed_names]
        return Route(tuple(names), rule, allowed_names, frozenset(n for n in failed.split(";") if n))

    def choose(self, route: Route, room: dict[str, int]) -> "Gateway | None":
        """The least busy candidate with room, preferring ones that have not failed this message."""
        best = None
        best_key = None
        for name in route.candidates:
            if room.get(name, 0) <= 0:
                continue
            gw = self.engine.gateways[name]
            key = (name in route.failed, gw.window - room[name])  # busy, counting this pass's picks
            if best_key is None or key < best_key:
                best, best_key = gw, key
        return best

    def untried_up(self, route: Route, failed_now: str) -> list[str]:
        """Candidates that are running (here or on another console sharing the store) and have not failed
        the message yet (failover targets)."""
        failed = route.failed | {failed_now}
        elsewhere = self.engine.cluster.owners.remote_up
        return [n for n in route.candidates
                if n not in failed and (n in elsewhere or (n in self.engine.gateways
                                                           and self.engine.gateways[n].state == GatewayState.RUNNING))]

    def why_waiting(self, route: Route) -> str:
        """The Outbox's words for a message no candidate can take now."""
        if not route.candidates:
            if route.rule is not None and route.allowed:
                return (f"waiting: routing rule '{route.rule.describe()}' allows "
                        f"{', '.join(route.rule.gateways) or 'no gateway'}, the message only "
                        f"{', '.join(route.allowed)}")
            if route.rule is not None:
                return f"waiting: routing rule '{route.rule.describe()}' names no gateway"
            if route.allowed:
                return f"waiting: gateway {', '.join(route.allowed)} does not exist"
            return "waiting: there is no gateway; add one in the Gateways tab"
        states = []
        owners = self.engine.cluster.owners
        for name in route.candidates:
            gw = self.engine.gateways.get(name)
            if gw is not None and not owners.runs_here(name):
                why = owners.why_not_here(name)
                if why is None:  # it runs on another console: that one sends the message
                    return ""
                if why:
                    states.append(why)
                    continue
            if gw is None:
                states.append(f"{name} does not exist")
            elif gw.state == GatewayState.RUNNING and not gw.under_limits():
                states.append(f"{name} is at its sending limit")
            elif gw.state != GatewayState.RUNNING:
                states.append(f"{name} is {gw.state.value}")
        if not states:
            return ""
        via = f" (routing rule '{route.rule.describe()}')" if route.rule is not None else ""
        return f"waiting for a gateway{via}: " + "; ".join(states)


def check_rule(rule: RoutingRule) -> RoutingRule:
    """Refuse a rule that can never route anything, in words."""
    gateways = tuple(n.strip() for n in rule.gateways if n.strip())
    if not gateways:
        raise ValueError(f"routing rule '{rule.name or rule.destination or '(unnamed)'}' names no gateway")
    if len(set(gateways)) != len(gateways):
        raise ValueError(f"routing rule '{rule.name or rule.destination}' names a gateway twice")
    return dataclasses.replace(rule, gateways=gateways, destination=rule.destination.strip(),
                               sender=rule.sender.strip(), user=rule.user.strip(),
                               message_type=rule.message_type.strip())


def replace_rules(engine: "Engine", rules: list[RoutingRule], *, origin: str | None = None) -> None:
    """Store ``rules`` in order in place of the current ones (or only those of ``origin``).

    Rules of other origins keep their place after the new ones.
    """
    from .requests import EngineError

    try:
        checked = [check_rule(r if origin is None else dataclasses.replace(r, origin=origin)) for r in rules]
    except ValueError as exc:
        raise EngineError(str(exc)) from None
    with engine.db.session() as s:
        kept = []
        if origin is not None:
            kept = s.exec(select(RuleRow).where(RuleRow.origin != origin)
                          .order_by(col(RuleRow.position), col(RuleRow.id))).all()
            s.exec(delete(RuleRow).where(RuleRow.origin == origin))
        else:
            s.exec(delete(RuleRow))
        at = shared_queue.store_now(s.connection(), engine.clock.now())
        for i, rule in enumerate(checked):
            row = rule.row(i)
            row.changed_by, row.changed_at = engine.instance_id, at
            s.add(row)
        for i, row in enumerate(kept, start=len(checked)):
            row.position = i
            s.add(row)
        s.commit()
    engine.router.reload()
