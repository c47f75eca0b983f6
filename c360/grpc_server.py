"""One way to run a gRPC service: health, reflection, correlation ids, error mapping, graceful stop."""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from c360 import metrics, tracing
from c360.errors import DomainError, ErrorKind
from c360.logging import correlation_id, set_correlation_id

log = logging.getLogger(__name__)

CORRELATION_HEADER = "x-correlation-id"
ERROR_CODE_HEADER = "x-error-code"
ERROR_FIELD_HEADER = "x-error-field"

STATUS_BY_KIND = {
    ErrorKind.INVALID: grpc.StatusCode.INVALID_ARGUMENT,
    ErrorKind.NOT_FOUND: grpc.StatusCode.NOT_FOUND,
    ErrorKind.CONFLICT: grpc.StatusCode.ALREADY_EXISTS,
    ErrorKind.PRECONDITION: grpc.StatusCode.FAILED_PRECONDITION,
    ErrorKind.FORBIDDEN: grpc.StatusCode.PERMISSION_DENIED,
}

KEEPALIVE_OPTIONS = [
    ("grpc.keepalive_time_ms", 30_000),
    ("grpc.keepalive_timeout_ms", 10_000),
    ("grpc.http2.min_ping_interval_without_data_ms", 10_000),
    ("grpc.keepalive_permit_without_calls", 1),
]


class _RequestScopeInterceptor(grpc.aio.ServerInterceptor):
    """Adopts the caller's correlation id and turns exceptions into proper statuses.

    Domain errors become their status with the stable code in trailing metadata;
    anything else is logged with its stack and reported as INTERNAL without details.
    """

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler[Any, Any] | None]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler[Any, Any] | None:
        handler = await continuation(handler_call_details)
        if handler is None or handler.unary_unary is None:
            return handler
        metadata = {k: v for k, v in handler_call_details.invocation_metadata or () if isinstance(v, str)}
        method = handler_call_details.method
        inner: Any = handler.unary_unary

        async def behaviour(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
            set_correlation_id(metadata.get(CORRELATION_HEADER))
            started = time.perf_counter()
            outcome = "OK"
            try:
                with tracing.span_from_headers(method, metadata, tracing.SpanKind.SERVER, **{"rpc.method": method}):
                    return await inner(request, context)
            except DomainError as error:
                outcome = error.code
                context.set_trailing_metadata(
                    ((ERROR_CODE_HEADER, error.code), (ERROR_FIELD_HEADER, error.field or ""))
                )
                await context.abort(STATUS_BY_KIND[error.kind], error.message)
            except (asyncio.CancelledError, grpc.aio.AbortError):
                raise
            except Exception:
                outcome = "INTERNAL"
                log.exception("unhandled error in %s", method)
                await context.abort(grpc.StatusCode.INTERNAL, f"internal error (correlation id {correlation_id()})")
            finally:
                elapsed_ms = round((time.perf_counter() - started) * 1000, 2)
                metrics.RPC_HANDLED.labels(method, outcome).inc()
                metrics.RPC_LATENCY.labels(method).observe(elapsed_ms / 1000)
                log.info("rpc", extra={"fields": {"method": method, "outcome": outcome, "ms": elapsed_ms}})

        return grpc.unary_unary_rpc_method_handler(
            behaviour,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )


Registrar = Callable[[grpc.aio.Server], None]


async def serve(
    *,
    address: str,
    registrars: Iterable[Registrar],
    service_names: Iterable[str],
    on_started: Callable[[], Awaitable[None]] | None = None,
    grace_seconds: float = 10.0,
    stop: asyncio.Event | None = None,
) -> None:
    """Serves until SIGTERM/SIGINT (or `stop`), then lets in-flight calls finish within the grace."""
    server = grpc.aio.server(interceptors=[_RequestScopeInterceptor()], options=KEEPALIVE_OPTIONS)
    for register in registrars:
        register(server)
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    names = list(service_names)
    # The servicer reports the server ("") SERVING from birth; not until start-up (seeds, topics) is done.
    await health_servicer.set("", health_pb2.HealthCheckResponse.NOT_SERVING)
    reflection.enable_server_reflection([*names, health.SERVICE_NAME, reflection.SERVICE_NAME], server)
    server.add_insecure_port(address)
    await server.start()
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    if on_started is not None:
        await on_started()
    for name in ["", *names]:
        await health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    log.info("gRPC server listening", extra={"fields": {"address": address}})
    await stop.wait()
    log.info("shutting down gRPC server")
    for name in ["", *names]:
        await health_servicer.set(name, health_pb2.HealthCheckResponse.NOT_SERVING)
    await server.stop(grace_seconds)
