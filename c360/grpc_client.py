"""Outbound gRPC channels that carry the caller's correlation id, so one request is one trail in the logs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import grpc

from c360.grpc_server import CORRELATION_HEADER
from c360.logging import correlation_id

CLIENT_OPTIONS = [
    ("grpc.keepalive_time_ms", 30_000),
    ("grpc.keepalive_timeout_ms", 10_000),
    ("grpc.keepalive_permit_without_calls", 1),
    # Several addresses (or a DNS name with several records) are balanced per call.
    ("grpc.lb_policy_name", "round_robin"),
]


class _CorrelationInterceptor(grpc.aio.UnaryUnaryClientInterceptor):
    async def intercept_unary_unary(
        self, continuation: Callable[[Any, Any], Any], client_call_details: Any, request: Any
    ) -> Any:
        cid = correlation_id()
        if cid:
            metadata = grpc.aio.Metadata(*(client_call_details.metadata or ()))
            metadata.add(CORRELATION_HEADER, cid)
            client_call_details = client_call_details._replace(metadata=metadata)
        return await continuation(client_call_details, request)


def open_channel(target: str) -> grpc.aio.Channel:
    """A long-lived channel; `target` may be `host:port` or `ipv4:a:p,b:q` for several instances."""
    return grpc.aio.insecure_channel(target, options=CLIENT_OPTIONS, interceptors=[_CorrelationInterceptor()])
