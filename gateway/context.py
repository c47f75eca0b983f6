"""Everything one GraphQL request needs: who is asking, the backends, its loaders, its time budget."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from strawberry.types import Info

from gateway.auth import Principal
from gateway.backends import Backends
from gateway.errors import CodedError

if TYPE_CHECKING:
    from gateway.audit import AuditLog
    from gateway.guards import Guards

MIN_CALL_SECONDS = 0.05


@dataclass
class GatewayContext:
    backends: Backends
    principal: Principal | None
    auth_failure: str | None
    budget_seconds: float
    request: Any = None
    response: Any = None
    started: float = field(default_factory=time.monotonic)
    loaders: Any = None  # gateway.loaders.Loaders, set right after construction
    connection_params: Any = None  # a WebSocket's graphql-transport-ws connection_init payload
    guards: Guards | None = None
    audit: AuditLog | None = None
    query_cost: int | None = None  # estimated by the QueryCostLimit extension

    def timeout(self) -> float:
        """What is left of the request's budget, for the next backend call's deadline."""
        left = self.budget_seconds - (time.monotonic() - self.started)
        if left <= 0:
            raise CodedError("DEADLINE_EXCEEDED", "The request ran out of time.")
        return max(left, MIN_CALL_SECONDS)

    def actor(self) -> str:
        return self.principal.subject if self.principal else ""


GatewayInfo = Info[GatewayContext, None]
