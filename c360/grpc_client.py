"""Outbound gRPC channels that carry the caller's correlation id, so one request is one trail in the logs."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from typing import Any

import grpc

from c360 import tracing
from c360.grpc_retry import ReadRetryInterceptor
from c360.grpc_server import CORRELATION_HEADER
from c360.logging import correlation_id

CLIENT_OPTIONS = [
    ("grpc.keepalive_time_ms", 30_000),
    ("grpc.keepalive_timeout_ms", 10_000),
    ("grpc.keepalive_permit_without_calls", 1),
    # Several addresses (or a DNS name with several records) are balanced per call.
    ("grpc.lb_policy_name", "round_robin"),
    # An instance that restarts is used again within seconds (gRPC's default backoff grows to 2 minutes).
    ("grpc.initial_reconnect_backoff_ms", 500),
    ("grpc.max_reconnect_backoff_ms", 3_000),
]


class _CorrelationInterceptor(grpc.aio.UnaryUnaryClientInterceptor):
    async def intercept_unary_unary(
        self, continuation: Callable[[Any, Any], Any], client_call_details: Any, request: Any
    ) -> Any:
        cid = correlation_id()
        method = client_call_details.method
        name = method.decode() if isinstance(method, bytes) else str(method)
        with tracing.tracer().start_as_current_span(name, kind=tracing.SpanKind.CLIENT):
            # The trace context rides beside the correlation id, so the server's span joins this trace.
            metadata = grpc.aio.Metadata(*(client_call_details.metadata or ()))
            if cid:
                metadata.add(CORRELATION_HEADER, cid)
            for key, value in tracing.current_trace_headers().items():
                metadata.add(key, value)
            client_call_details = client_call_details._replace(metadata=metadata)
            call = await continuation(client_call_details, request)
            with contextlib.suppress(grpc.aio.AioRpcError):  # the caller sees the error when it awaits the call
                await call  # so the client span lasts until the answer
            return call


def open_channel(target: str, outer: Sequence[grpc.aio.ClientInterceptor] = ()) -> grpc.aio.Channel:
    """A long-lived channel; `target` may be `host:port` or `ipv4:a:p,b:q` for several instances.

    `outer` interceptors run first (a retried read passes them once); then reads are retried
    on UNAVAILABLE, and each attempt carries the correlation id and trace context.
    """
    interceptors = [*outer, ReadRetryInterceptor(), _CorrelationInterceptor()]
    return grpc.aio.insecure_channel(target, options=CLIENT_OPTIONS, interceptors=interceptors)
