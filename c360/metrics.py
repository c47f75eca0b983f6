"""Prometheus metrics every process exposes: RPCs, GraphQL operations, Kafka consumption, outbox backlog.

The metric objects are module-level (prometheus-client's registry is per
process); a service serves them at `/metrics` on `C360_<SERVICE>_METRICS_ADDRESS`,
the gateway on its own HTTP port.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram, start_http_server
from pydantic_settings import BaseSettings, SettingsConfigDict

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

RPC_HANDLED = Counter(
    "c360_rpc_server_handled_total", "RPCs handled by this server, by method and outcome code.", ["method", "code"]
)
RPC_LATENCY = Histogram(
    "c360_rpc_server_handling_seconds", "Time to handle one RPC, by method.", ["method"], buckets=LATENCY_BUCKETS
)
RPC_CLIENT_RETRIES = Counter(
    "c360_rpc_client_retries_total", "Idempotent reads retried on another instance after UNAVAILABLE.", ["method"]
)
GRAPHQL_LATENCY = Histogram(
    "c360_graphql_operation_seconds",
    "Time to execute one GraphQL operation, by operation type and name.",
    ["operation_type", "operation_name", "outcome"],
    buckets=LATENCY_BUCKETS,
)
GRAPHQL_IN_FLIGHT = Gauge("c360_graphql_operations_in_flight", "GraphQL operations being executed right now.")
CONSUMER_PROCESSED = Counter(
    "c360_kafka_records_processed_total", "Records a consumer group handled successfully.", ["group", "topic"]
)
CONSUMER_DEAD_LETTERED = Counter(
    "c360_kafka_records_dead_lettered_total", "Records sent to the dead-letter topic.", ["group", "topic"]
)
CONSUMER_RETRIES = Counter(
    "c360_kafka_record_retries_total", "Transient handler failures that made a record be retried.", ["group", "topic"]
)
CONSUMER_LAG = Gauge(
    "c360_kafka_consumer_lag",
    "Records in a partition not yet processed by this instance (high watermark minus position).",
    ["group", "topic", "partition"],
)
OUTBOX_BACKLOG = Gauge(
    "c360_outbox_backlog_documents", "Documents whose events still wait to be published.", ["collection"]
)
OUTBOX_PUBLISHED = Counter("c360_outbox_published_total", "Events the outbox relay published.", ["collection"])


class MetricsSettings(BaseSettings):
    """`C360_<SERVICE>_METRICS_ADDRESS` (`host:port`); empty means no metrics endpoint."""

    model_config = SettingsConfigDict(extra="ignore")

    metrics_address: str = ""


def metrics_settings(service: str) -> MetricsSettings:
    return MetricsSettings(_env_prefix=f"C360_{service.upper()}_")  # type: ignore[call-arg]


def serve_metrics(address: str) -> None:
    """Serves `/metrics` from a background thread (prometheus-client's own server)."""
    host, _, port = address.rpartition(":")
    start_http_server(int(port), addr=host or "0.0.0.0")
