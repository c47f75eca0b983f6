"""Observability and graceful stop of the real processes: every service and the gateway export spans over OTLP/HTTP to a
collector this test runs, and serve Prometheus metrics that this test scrapes.

One `registerCustomer` is one trace: the gateway's operation, profile's RPC and outbox publish, and
loyalty's consumer, joined through gRPC metadata and Kafka record headers. A SIGTERM to the gateway lets
the request it is serving finish.
"""

from __future__ import annotations

import asyncio
import signal
import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from prometheus_client.parser import text_string_to_metric_families

from deploy.local.stack import Stack, StackConfig, free_port
from tests.integration.conftest import JWT_SECRET, REPO, GraphQLClient, eventually, random_mobile, token

EXAMPLE = Path(__file__).resolve().parents[3] / "shared" / "contracts" / "purchase-event.example.json"
REGISTER = """
mutation Register($input: RegisterCustomerInput!) {
  registerCustomer(input: $input) { customer { id } userErrors { code } }
}"""
VIEW = "query View($id: ID!) { customer360(id: $id) { id loyalty { pointsBalance } } }"


@dataclass(frozen=True)
class ReceivedSpan:
    service: str
    trace_id: str
    span_id: str
    parent_span_id: str
    name: str


class Collector(BaseHTTPRequestHandler):
    """An OTLP/HTTP (protobuf) trace receiver: what an OpenTelemetry Collector does first."""

    spans: list[ReceivedSpan] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        request = ExportTraceServiceRequest()
        request.ParseFromString(body)
        for resource_spans in request.resource_spans:
            attributes = {a.key: a.value.string_value for a in resource_spans.resource.attributes}
            for scope in resource_spans.scope_spans:
                for span in scope.spans:
                    Collector.spans.append(
                        ReceivedSpan(
                            attributes.get("service.name", ""),
                            span.trace_id.hex(),
                            span.span_id.hex(),
                            span.parent_span_id.hex(),
                            span.name,
                        )
                    )
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def collector_port() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()


@pytest.fixture(scope="module")
def observed_stack(infra: Any, collector_port: int) -> Iterator[Stack]:
    run_id = uuid.uuid4().hex[:8]
    config = StackConfig.on_free_ports(
        kafka_bootstrap=infra.kafka_bootstrap,
        mongodb_uri=infra.mongodb_uri,
        log_dir=REPO / ".run" / "test-logs" / f"observed-{run_id}",
        topic_prefix=f"o{run_id}.",
        database_prefix=f"o{run_id}_",
        extra_env={
            "C360_JWT_SECRET": JWT_SECRET,
            "C360_ENV": "test",
            "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{collector_port}",
            # Room for the drain test to hold a request in flight while the gateway is told to stop.
            "C360_GATEWAY_REQUEST_BUDGET_SECONDS": "15",
        },
    ).scaled({}, with_metrics=True)
    running = Stack(config)
    running.start()
    try:
        asyncio.run(running.wait_ready())
        yield running
    finally:
        running.stop()


@pytest.fixture
async def client(observed_stack: Stack) -> AsyncIterator[GraphQLClient]:
    async with httpx.AsyncClient(base_url=observed_stack.gateway_url, timeout=10) as http:
        yield GraphQLClient(http, token())


async def register(client: GraphQLClient, mobile: str) -> str:
    body = await client.execute(REGISTER, input={"firstName": "Olly", "mobile": mobile})
    assert "errors" not in body, body
    customer_id: str = body["data"]["registerCustomer"]["customer"]["id"]
    return customer_id


async def scrape(url: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    async with httpx.AsyncClient(timeout=5) as http:
        text = (await http.get(url)).text
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def total(samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str) -> float:
    return sum(v for (n, got), v in samples.items() if n == name and labels.items() <= dict(got).items())


async def test_one_registration_is_one_trace_across_gateway_profile_and_the_loyalty_consumer(
    client: GraphQLClient, observed_stack: Stack
) -> None:
    customer_id = await register(client, random_mobile())
    registered_topic = f"{observed_stack.config.topic_prefix}profile.events"

    def chain_of_registration() -> list[ReceivedSpan]:
        """Loyalty's consumer span and its parents up to the gateway's operation; empty until all have
        arrived (each service exports in batches of its own, so a parent may arrive after its child)."""
        operations = [s for s in Collector.spans if s.service == "c360-gateway" and "Register" in s.name]
        for operation in operations:
            trace = [s for s in Collector.spans if s.trace_id == operation.trace_id]
            by_id = {s.span_id: s for s in trace}
            consumed = (f"process {registered_topic}", f"process {registered_topic} batch")  # one by one, in bulk
            for consumer in (s for s in trace if s.service == "c360-loyalty" and s.name in consumed):
                chain = [consumer]
                while chain[-1].parent_span_id in by_id:
                    chain.append(by_id[chain[-1].parent_span_id])
                if chain[-1].service == "c360-gateway":
                    return chain
        return []

    async def found() -> list[ReceivedSpan]:
        return chain_of_registration()

    # Walk up from loyalty's consumer span: every parent is in the same trace, up to the gateway's operation.
    chain = await eventually(found, within_seconds=30, interval=0.5)
    assert "c360-profile" in {s.service for s in chain}
    assert customer_id


async def test_services_and_gateway_expose_rpc_graphql_consumer_and_outbox_metrics(
    client: GraphQLClient, observed_stack: Stack
) -> None:
    customer_id = await register(client, random_mobile())
    refused = await client.execute(REGISTER, input={"firstName": "Olly", "mobile": "12"})
    assert refused["data"]["registerCustomer"]["userErrors"]
    await client.execute(VIEW, id=customer_id)
    producer = AIOKafkaProducer(bootstrap_servers=observed_stack.config.kafka_bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(f"{observed_stack.config.topic_prefix}purchases", b"not json", key=b"x")
    finally:
        await producer.stop()

    metrics_url = {n: f"http://127.0.0.1:{p}/metrics" for n, p in observed_stack.config.metrics_ports.items()}
    register_rpc = "/customer360.profile.v1.ProfileService/RegisterCustomer"
    profile = await scrape(metrics_url["profile"])
    assert total(profile, "c360_rpc_server_handled_total", method=register_rpc, code="OK") >= 2
    assert total(profile, "c360_rpc_server_handling_seconds_count", method=register_rpc) >= 3
    errors = total(profile, "c360_rpc_server_handled_total", method=register_rpc)
    assert errors - total(profile, "c360_rpc_server_handled_total", method=register_rpc, code="OK") >= 1
    assert total(profile, "c360_outbox_published_total") >= 2
    assert ("c360_outbox_backlog_documents" in {name for name, _ in profile}) is True

    async def loyalty_dead_lettered_the_poison() -> dict[Any, float] | None:
        loyalty = await scrape(metrics_url["loyalty"])
        return loyalty if total(loyalty, "c360_kafka_records_dead_lettered_total") >= 1 else None

    loyalty = await eventually(loyalty_dead_lettered_the_poison)
    assert (
        total(
            loyalty, "c360_kafka_records_processed_total", topic=f"{observed_stack.config.topic_prefix}profile.events"
        )
        >= 2
    )
    assert any(name == "c360_kafka_consumer_lag" for name, _ in loyalty)

    gateway = await scrape(f"{observed_stack.gateway_url}/metrics")
    operation = {"operation_type": "mutation", "operation_name": "Register", "outcome": "ok"}
    assert total(gateway, "c360_graphql_operation_seconds_count", **operation) >= 2
    assert total(gateway, "c360_graphql_operation_seconds_bucket", le="+Inf", **operation) >= 2


async def test_sigterm_lets_the_gateway_finish_the_request_in_flight_then_exit_cleanly(
    client: GraphQLClient, observed_stack: Stack
) -> None:
    customer_id = await register(client, random_mobile())
    profile = observed_stack.processes["profile"]
    profile.send_signal(signal.SIGSTOP)  # the next query waits on profile: it is in flight in the gateway
    try:
        in_flight = asyncio.create_task(client.execute(VIEW, id=customer_id))

        async def gateway_is_serving_it() -> bool:
            samples = await scrape(f"{observed_stack.gateway_url}/metrics")
            return total(samples, "c360_graphql_operations_in_flight") >= 1

        await eventually(gateway_is_serving_it, interval=0.05)
        observed_stack.processes["gateway"].send_signal(signal.SIGTERM)
    finally:
        profile.send_signal(signal.SIGCONT)
    body = await in_flight
    assert "errors" not in body, body
    assert body["data"]["customer360"]["id"] == customer_id
    # uvicorn re-raises the SIGTERM it handled once its graceful shutdown is complete.
    assert await asyncio.to_thread(observed_stack.processes["gateway"].wait, 30) in (0, -signal.SIGTERM)
    assert "Application shutdown complete" in observed_stack.log_tail("gateway", 20)

    observed_stack.start_process("gateway")
    await observed_stack.wait_ready()
