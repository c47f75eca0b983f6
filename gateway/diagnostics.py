"""Test mode only: `extensions.rpcCalls` ({backend: count}) and `extensions.queryCost` in each response.

They let tests and the benchmark prove batching (one RPC per backend per field
level) and see what the cost limit saw, from outside the process.
"""

from __future__ import annotations

from typing import Any

from strawberry.extensions import SchemaExtension

from gateway.rpc_counting import counted_calls


class Diagnostics(SchemaExtension):
    def get_results(self) -> dict[str, Any]:
        context = self.execution_context.context
        guards = getattr(context, "guards", None)
        if guards is None or not guards.expose_diagnostics:
            return {}
        return {"rpcCalls": counted_calls(), "queryCost": getattr(context, "query_cost", None)}
