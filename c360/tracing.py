"""OpenTelemetry tracing: one trace follows a request from the gateway over gRPC and Kafka to its consumers.

The W3C `traceparent` travels in gRPC metadata and in Kafka record headers; the
outbox stores it beside each record, so an event published seconds later by the
relay still continues the trace of the request that caused it. Spans are
exported over OTLP/HTTP when `OTEL_EXPORTER_OTLP_ENDPOINT` (or the traces-only
variant) is set; without it tracing still propagates context but exports nothing.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager

from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import Link, Span, SpanKind

__all__ = ["SpanKind", "configure_tracing", "current_trace_headers", "span_for_batch", "span_from_headers", "tracer"]

TRACE_HEADERS = ("traceparent", "tracestate")
_ENDPOINT_VARIABLES = ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT")


def configure_tracing(service: str, extra_processors: Iterable[SpanProcessor] = ()) -> TracerProvider:
    """Installs the process's tracer provider, named after the service; call once at start-up."""
    provider = TracerProvider(resource=Resource.create({"service.name": f"c360-{service}"}))
    if any(os.environ.get(name) for name in _ENDPOINT_VARIABLES):
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(), schedule_delay_millis=500))
    for processor in extra_processors:
        provider.add_span_processor(processor)
    trace.set_tracer_provider(provider)
    return provider


def shutdown_tracing() -> None:
    """Flushes spans still buffered (called on a graceful stop)."""
    provider = trace.get_tracer_provider()
    if isinstance(provider, TracerProvider):
        provider.shutdown()


@functools.cache
def tracer() -> trace.Tracer:
    """One tracer per process (a proxy until the provider is installed): the SDK builds a new one per call,
    which was 3 % of the gateway's CPU with a span per RPC."""
    return trace.get_tracer("customer360")


def current_trace_headers() -> dict[str, str]:
    """The active trace context as text headers (empty when no span is recording)."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return {k: v for k, v in carrier.items() if k in TRACE_HEADERS}


@contextmanager
def span_from_headers(name: str, headers: Mapping[str, str], kind: SpanKind, **attributes: str) -> Iterator[Span]:
    """A span whose parent is the context carried by `headers` (from metadata or a Kafka record)."""
    with _span(name, headers, kind, [], attributes) as span:
        yield span


@contextmanager
def span_for_batch(name: str, each_headers: list[Mapping[str, str]], kind: SpanKind) -> Iterator[Span]:
    """One span for records handled together: child of the first record's trace, linked to the others'."""
    links = [Link(context) for context in map(_span_context, each_headers[1:]) if context.is_valid]
    with _span(name, each_headers[0] if each_headers else {}, kind, links, {}) as span:
        yield span


@contextmanager
def _span(
    name: str, headers: Mapping[str, str], kind: SpanKind, links: list[Link], attributes: Mapping[str, str]
) -> Iterator[Span]:
    token = otel_context.attach(propagate.extract(dict(headers)))
    try:
        with tracer().start_as_current_span(name, kind=kind, attributes=attributes, links=links) as span:
            yield span
    finally:
        otel_context.detach(token)


def _span_context(headers: Mapping[str, str]) -> trace.SpanContext:
    return trace.get_current_span(propagate.extract(dict(headers))).get_span_context()


def kafka_trace_headers(headers: Iterable[tuple[str, bytes]] | None) -> dict[str, str]:
    """The trace headers of a Kafka record, decoded."""
    return {key: bytes(value).decode(errors="replace") for key, value in headers or () if key in TRACE_HEADERS}
