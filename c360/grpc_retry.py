"""Retries an idempotent read on another instance when the one it reached answers UNAVAILABLE or CANCELLED.

With `round_robin` over several instances, a call in flight on an instance that
dies (or one picked just before the channel noticed) fails with UNAVAILABLE, and
one that reaches an instance as it drains may be CANCELLED by that server; the
same read sent again lands on a live instance. Only methods named as reads are
retried: a mutation may have been applied before the connection broke, so it is
never sent twice blindly (its caller decides, with its idempotency key).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import grpc

from c360 import metrics

READ_METHOD_PREFIXES = ("Get", "BatchGet", "List", "Search", "Lookup", "Find", "Count", "Check")
MAX_ATTEMPTS = 3
# A call this side cancels never gets here (its task is cancelled), so CANCELLED is the server's doing.
RETRIED_CODES = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.CANCELLED)


def method_name(method: str | bytes) -> str:
    return method.decode() if isinstance(method, bytes) else method


def is_idempotent_read(method: str | bytes) -> bool:
    """`/pkg.Service/GetThing` -> True; the naming rule every service's proto follows for reads."""
    return method_name(method).rpartition("/")[2].startswith(READ_METHOD_PREFIXES)


class ReadRetryInterceptor(grpc.aio.UnaryUnaryClientInterceptor):
    def __init__(self, max_attempts: int = MAX_ATTEMPTS) -> None:
        self._max_attempts = max_attempts

    async def intercept_unary_unary(
        self, continuation: Callable[[Any, Any], Any], client_call_details: Any, request: Any
    ) -> Any:
        if not is_idempotent_read(client_call_details.method):
            return await continuation(client_call_details, request)
        deadline = None if client_call_details.timeout is None else time.monotonic() + client_call_details.timeout
        attempt = 1
        while True:
            call = await continuation(client_call_details, request)
            try:
                await call
                return call
            except grpc.aio.AioRpcError as error:
                left = None if deadline is None else deadline - time.monotonic()
                out_of_time = left is not None and left <= 0
                if error.code() not in RETRIED_CODES or attempt >= self._max_attempts or out_of_time:
                    return call  # awaiting it re-raises the error for the caller
            attempt += 1
            metrics.RPC_CLIENT_RETRIES.labels(method_name(client_call_details.method)).inc()
            client_call_details = client_call_details._replace(timeout=left)
