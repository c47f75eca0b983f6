"""Counts the gRPC calls one GraphQL request makes, per backend (`extensions.rpcCalls` in test mode).

Tests and the benchmark use the counts to prove batching: a list of 50 customers
costs one RPC per backend per field level, not one per customer.
"""

from __future__ import annotations

import contextvars
from collections import Counter
from collections.abc import Callable
from typing import Any

import grpc

_calls: contextvars.ContextVar[Counter[str] | None] = contextvars.ContextVar("rpc_calls", default=None)


def start_counting() -> Counter[str]:
    """A fresh counter for the current request; tasks spawned from it share the same object."""
    counter: Counter[str] = Counter()
    _calls.set(counter)
    return counter


def counted_calls() -> dict[str, int]:
    return dict(_calls.get() or {})


class RpcCountingInterceptor(grpc.aio.UnaryUnaryClientInterceptor):
    def __init__(self, backend: str) -> None:
        self._backend = backend

    async def intercept_unary_unary(
        self, continuation: Callable[[Any, Any], Any], client_call_details: Any, request: Any
    ) -> Any:
        counter = _calls.get()
        if counter is not None:
            counter[self._backend] += 1
        return await continuation(client_call_details, request)
