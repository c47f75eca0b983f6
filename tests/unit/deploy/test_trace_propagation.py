"""The trace context a request carries is stored with its outbox records and continued by the consumer,
checked with the OpenTelemetry SDK's in-memory exporter."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from c360 import tracing
from c360.outbox import OutboxRecord


@pytest.fixture
def exporter() -> Iterator[InMemorySpanExporter]:
    memory = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(memory))
    original = tracing.tracer
    tracing.tracer = lambda: provider.get_tracer("test")  # type: ignore[assignment]
    yield memory
    tracing.tracer = original  # type: ignore[assignment]


def test_an_outbox_record_keeps_the_trace_of_the_request_that_wrote_it(exporter: InMemorySpanExporter) -> None:
    with tracing.span_from_headers("RegisterCustomer", {}, tracing.SpanKind.SERVER) as request:
        record = OutboxRecord("e1", "profile.events", "c1", b"")
    stored = OutboxRecord.from_document(record.to_document())
    assert stored.trace_headers["traceparent"].split("-")[1] == format(request.get_span_context().trace_id, "032x")


def test_a_consumer_span_continues_the_trace_from_kafka_headers(exporter: InMemorySpanExporter) -> None:
    with tracing.span_from_headers("RegisterCustomer", {}, tracing.SpanKind.SERVER):
        headers = [(k, v.encode()) for k, v in tracing.current_trace_headers().items()]
    with tracing.span_from_headers(
        "process profile.events", tracing.kafka_trace_headers(headers), tracing.SpanKind.CONSUMER
    ):
        pass
    request, consumer = exporter.get_finished_spans()
    assert consumer.context.trace_id == request.context.trace_id
    assert consumer.parent is not None
    assert consumer.parent.span_id == request.context.span_id


def test_without_a_recording_span_nothing_is_stored() -> None:
    assert OutboxRecord("e1", "t", "k", b"").trace_headers == {}


def test_a_batch_span_continues_the_first_records_trace_and_links_the_others(exporter: InMemorySpanExporter) -> None:
    contexts = []
    for name in ("purchase-1", "purchase-2", "purchase-3"):
        with tracing.span_from_headers(name, {}, tracing.SpanKind.PRODUCER):
            contexts.append(tracing.current_trace_headers())
    with tracing.span_for_batch("process purchases batch", contexts, tracing.SpanKind.CONSUMER):
        pass
    first, second, third, batch = exporter.get_finished_spans()
    assert batch.context.trace_id == first.context.trace_id
    assert [link.context.span_id for link in batch.links] == [second.context.span_id, third.context.span_id]
