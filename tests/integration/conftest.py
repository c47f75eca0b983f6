"""The real stack, once per test session: Kafka, FerretDB (or the servers named by C360_* env vars),
the four services and the gateway as real processes.

Each session gets its own topic prefix and database prefix, so runs that reuse
a running Kafka and MongoDB never see each other's data; tests isolate
themselves further by using fresh customers (random mobiles).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from pymongo import AsyncMongoClient, MongoClient

from deploy.local.infra import ensure_infra, infra_status, stop_infra
from deploy.local.stack import Stack, StackConfig
from gateway.auth import mint_token
from tests.integration.provider_doubles import ProviderDoubles

REPO = Path(__file__).resolve().parents[2]
JWT_SECRET = "integration-tests-secret-with-at-least-32-bytes"


@pytest.fixture(scope="session")
def infra() -> Iterator[Any]:
    started_here = any(s.owner == "down" for s in infra_status().services)
    endpoints = ensure_infra()
    yield endpoints
    if started_here and not os.environ.get("C360_KEEP_INFRA"):
        stop_infra()


@pytest.fixture(scope="session")
def message_providers() -> Iterator[ProviderDoubles]:
    """Local SMTP and recording HTTP servers the messaging service delivers to (started before the stack)."""
    doubles = ProviderDoubles.start()
    yield doubles
    doubles.stop()


@contextlib.contextmanager
def running_stack(infra: Any, message_providers: ProviderDoubles, label: str = "") -> Iterator[Stack]:
    """A whole stack of its own (prefixes, ports, logs) on the shared infra, its databases dropped after."""
    run_id = uuid.uuid4().hex[:8]
    config = StackConfig.on_free_ports(
        kafka_bootstrap=infra.kafka_bootstrap,
        mongodb_uri=infra.mongodb_uri,
        log_dir=REPO / ".run" / "test-logs" / f"{label}{run_id}",
        topic_prefix=f"t{run_id}.",
        database_prefix=f"t{run_id}_",
        extra_env={
            "C360_JWT_SECRET": JWT_SECRET,
            "C360_ENV": "test",
            "C360_LOG_LEVEL": "INFO",
            # Functional tests on a loaded 2-core CI box: a roomier budget than production's 2 s, still
            # under the test client's 10 s HTTP timeout (budget behaviour is tested with this value).
            "C360_GATEWAY_REQUEST_BUDGET_SECONDS": "6",
            **message_providers.environment(),
            "C360_COUPONS_LAPSE_INTERVAL_SECONDS": "1",
            "C360_COUPONS_BULK_LEASE_SECONDS": "2",
            "C360_LOYALTY_RFM_INTERVAL_SECONDS": "2",
            "C360_LOYALTY_EXPIRY_INTERVAL_SECONDS": "2",
            "C360_LOYALTY_RECONCILE_INTERVAL_SECONDS": "2",
            "C360_LOYALTY_RECONCILE_AFTER_SECONDS": "2",
        },
    )
    running = Stack(config)
    running.start()
    try:
        asyncio.run(running.wait_ready())
        yield running
    finally:
        running.stop()
        drop_databases(config.mongodb_uri, config.database_prefix)


@pytest.fixture(scope="session")
def stack(infra: Any, message_providers: ProviderDoubles) -> Iterator[Stack]:
    with running_stack(infra, message_providers) as running:
        yield running


@pytest.fixture(scope="session")
def import_stack(infra: Any, message_providers: ProviderDoubles) -> Iterator[Stack]:
    """The bulk imports' own stack: their thousands of registrations would hold back every other test's events."""
    with running_stack(infra, message_providers, label="import-") as running:
        yield running


def drop_databases(mongodb_uri: str, prefix: str) -> None:
    """A test session leaves nothing behind on a shared server (the topics are cheap and expire)."""
    with MongoClient(mongodb_uri) as client:
        for name in client.list_database_names():
            if name.startswith(prefix):
                client.drop_database(name)


def token(subject: str = "agent-ana", roles: tuple[str, ...] = ("ADMIN",)) -> str:
    return mint_token(subject, list(roles), JWT_SECRET)


class GraphQLClient:
    """Talks to the gateway over HTTP exactly as a web or mobile client would."""

    def __init__(self, http: httpx.AsyncClient, bearer: str | None) -> None:
        self._http = http
        self.bearer = bearer

    def as_user(self, subject: str, *roles: str) -> GraphQLClient:
        """The same connection, authenticated as someone else."""
        return GraphQLClient(self._http, token(subject, roles))

    async def execute(self, query: str, **variables: Any) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.bearer}"} if self.bearer else {}
        reply = await self._http.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
        assert reply.status_code == 200, reply.text
        body: dict[str, Any] = reply.json()
        return body


@pytest.fixture
async def gateway(stack: Stack) -> AsyncIterator[GraphQLClient]:
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=10) as http:
        yield GraphQLClient(http, token())


@pytest.fixture
async def partner_producer(stack: Stack) -> AsyncIterator[AIOKafkaProducer]:
    """A plain producer, as a partner's POS would use."""
    producer = AIOKafkaProducer(bootstrap_servers=stack.config.kafka_bootstrap, acks="all")
    await producer.start()
    yield producer
    await producer.stop()


@pytest.fixture
async def mongo(stack: Stack) -> AsyncIterator[AsyncMongoClient[dict[str, Any]]]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(stack.config.mongodb_uri, tz_aware=True)
    yield client
    await client.close()


def random_mobile() -> str:
    """A valid, unused Indonesian mobile number."""
    return f"+62812{random.randint(10_000_000, 99_999_999)}"


async def eventually(probe: Any, within_seconds: float = 20.0, interval: float = 0.1) -> Any:
    """Polls an async probe until it returns a truthy value; the stack is asynchronous by design."""
    deadline = asyncio.get_running_loop().time() + within_seconds
    while True:
        value = await probe()
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {within_seconds}s; last value: {value!r}")
        await asyncio.sleep(interval)
