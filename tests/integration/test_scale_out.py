"""Scale-out on one machine: two profile and two loyalty instances behind the gateway, under a steady load
of customer360 queries and partner purchases, lose one instance of each: first gracefully (SIGTERM drains),
then abruptly (SIGKILL). Queries keep succeeding and every purchase is applied exactly once.
"""

from __future__ import annotations

import asyncio
import json
import random
import signal
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from prometheus_client.parser import text_string_to_metric_families
from pymongo import AsyncMongoClient

from deploy.local.stack import Stack, StackConfig
from tests.integration.conftest import JWT_SECRET, REPO, GraphQLClient, eventually, random_mobile, token

EXAMPLE = Path(__file__).resolve().parents[3] / "shared" / "contracts" / "purchase-event.example.json"
QUERY_WORKERS = 4
PURCHASES_PER_ROUND = 24

REGISTER = """
mutation Register($input: RegisterCustomerInput!) {
  registerCustomer(input: $input) { customer { id profile { mobile } } userErrors { code } }
}"""
VIEW = "query View($id: ID!) { customer360(id: $id) { id profile { mobile } loyalty { pointsBalance } } }"


@pytest.fixture(scope="module")
def scaled_stack(infra: Any) -> Iterator[Stack]:
    run_id = uuid.uuid4().hex[:8]
    config = StackConfig.on_free_ports(
        kafka_bootstrap=infra.kafka_bootstrap,
        mongodb_uri=infra.mongodb_uri,
        log_dir=REPO / ".run" / "test-logs" / f"scale-{run_id}",
        topic_prefix=f"s{run_id}.",
        database_prefix=f"s{run_id}_",
        extra_env={
            "C360_JWT_SECRET": JWT_SECRET,
            "C360_ENV": "test",
            # This is about losing instances, not latency: a slow answer on a busy 2-core machine is not a failure.
            "C360_GATEWAY_REQUEST_BUDGET_SECONDS": "10",
            # All the load comes from one token: the per-token rate limit (tested on its own) would refuse it.
            "C360_GATEWAY_RATE_LIMIT_PER_SECOND": "0",
        },
    ).scaled({"profile": 2, "loyalty": 2}, with_metrics=True)
    running = Stack(config)
    running.start()
    try:
        asyncio.run(running.wait_ready())
        yield running
    finally:
        running.stop()


@dataclass
class Load:
    """Queries from several workers and a stream of purchases, with what each should add up to."""

    stack: Stack
    client: GraphQLClient
    customers: dict[str, str]  # id -> mobile
    expected_points: dict[str, int] = field(default_factory=dict)
    transactions: dict[str, list[str]] = field(default_factory=dict)
    ok_queries: int = 0
    failed_queries: list[list[str]] = field(default_factory=list)
    stop: asyncio.Event = field(default_factory=asyncio.Event)

    async def query_until_stopped(self) -> None:
        ids = list(self.customers)
        while not self.stop.is_set():
            body = await self.client.execute(VIEW, id=random.choice(ids))
            view = (body.get("data") or {}).get("customer360") or {}
            if body.get("errors") or not view.get("profile") or not view.get("loyalty"):
                self.failed_queries.append([e.get("extensions", {}).get("code", "?") for e in body.get("errors", [])])
            else:
                self.ok_queries += 1

    async def publish_purchases(self, producer: AIOKafkaProducer, count: int, halfway: asyncio.Event) -> None:
        example = json.loads(EXAMPLE.read_text())
        for n in range(count):
            customer_id, mobile = random.choice(list(self.customers.items()))
            points = random.randint(1, 50)
            total = str(Decimal(points * 1000))
            transaction = f"TX-{uuid.uuid4().hex[:12]}"
            event = {
                **example,
                "event_id": str(uuid.uuid4()),
                "transaction_id": transaction,
                "customer": {"mobile": mobile},
                "total": total,
                "items": [{"sku": "SKU-1", "quantity": 1, "unit_price": total}],
                "coupon_codes": [],
            }
            topic = f"{self.stack.config.topic_prefix}purchases"
            await producer.send_and_wait(topic, value=json.dumps(event).encode(), key=mobile.encode())
            self.expected_points[customer_id] = self.expected_points.get(customer_id, 0) + points
            self.transactions.setdefault(customer_id, []).append(transaction)
            if n == count // 3:
                halfway.set()
            await asyncio.sleep(0.05)

    @property
    def expected(self) -> dict[str, int]:
        return {customer_id: self.expected_points.get(customer_id, 0) for customer_id in self.customers}

    async def balances(self) -> dict[str, int | None]:
        """Each customer's balance; None where this read failed (it is polled again, not counted as load)."""
        result: dict[str, int | None] = {}
        for customer_id in self.customers:
            body = await self.client.execute(VIEW, id=customer_id)
            loyalty = ((body.get("data") or {}).get("customer360") or {}).get("loyalty")
            result[customer_id] = loyalty["pointsBalance"] if loyalty else None
        return result


async def run_round(load: Load, producer: AIOKafkaProducer, lose_instances: Any) -> None:
    """Load on, lose instances a third of the way through the purchases, load off once all are applied."""
    load.stop.clear()
    queries = [asyncio.create_task(load.query_until_stopped()) for _ in range(QUERY_WORKERS)]
    halfway = asyncio.Event()
    publishing = asyncio.create_task(load.publish_purchases(producer, PURCHASES_PER_ROUND, halfway))
    await halfway.wait()
    await asyncio.to_thread(lose_instances)
    await publishing

    wrong: dict[str, tuple[int | None, int]] = {}

    async def all_applied() -> bool:
        actual = await load.balances()
        wrong.clear()
        wrong.update({c: (actual[c], n) for c, n in load.expected.items() if actual[c] != n})
        return not wrong

    try:
        await eventually(all_applied, within_seconds=90, interval=0.5)
    except AssertionError as timeout:
        raise AssertionError(f"(balance, expected) differ: {wrong}") from timeout
    finally:
        load.stop.set()
        await asyncio.gather(*queries)


async def assert_each_purchase_posted_once(load: Load, mongo: AsyncMongoClient[dict[str, Any]]) -> None:
    ledger = mongo[f"{load.stack.config.database_prefix}loyalty"]["ledger"]
    for customer_id, transactions in load.transactions.items():
        entries = await ledger.find({"customer_id": customer_id, "status": "POSTED"}).to_list()
        assert sorted(e["transaction_id"] for e in entries) == sorted(transactions)
        assert sum(e["points"] for e in entries) == load.expected_points[customer_id]


@pytest.fixture(scope="module")
async def load(scaled_stack: Stack) -> Load:
    async with httpx.AsyncClient(base_url=scaled_stack.gateway_url, timeout=10) as http:
        client = GraphQLClient(http, token())
        customers = {}
        for _ in range(8):
            mobile = random_mobile()
            body = await client.execute(REGISTER, input={"firstName": "Scale", "mobile": mobile})
            customers[body["data"]["registerCustomer"]["customer"]["id"]] = mobile
    return Load(scaled_stack, client, customers)


@pytest.fixture
async def running_load(load: Load, scaled_stack: Stack) -> Any:
    async with httpx.AsyncClient(base_url=scaled_stack.gateway_url, timeout=10) as http:
        load.client = GraphQLClient(http, token())
        await eventually(lambda: _all_accounts_open(load), within_seconds=30)
        load.ok_queries, load.failed_queries = 0, []
        yield load


async def _all_accounts_open(load: Load) -> bool:
    body = await load.client.execute("query { __typename }")
    if "errors" in body:
        return False
    for customer_id in load.customers:
        view = (await load.client.execute(VIEW, id=customer_id))["data"]["customer360"]
        if not view["loyalty"]:
            return False
    return True


async def test_sigterm_drains_an_instance_of_each_service_without_failing_a_query_or_losing_a_purchase(
    running_load: Load, scaled_stack: Stack, partner_producer_of_scaled: AIOKafkaProducer, mongo_of_scaled: Any
) -> None:
    def drain() -> None:
        scaled_stack.kill("profile-2", signal.SIGTERM)
        scaled_stack.kill("loyalty-2", signal.SIGTERM)

    await run_round(running_load, partner_producer_of_scaled, drain)

    assert scaled_stack.processes["profile-2"].returncode == 0
    assert scaled_stack.processes["loyalty-2"].returncode == 0
    assert running_load.failed_queries == []
    assert running_load.ok_queries > 0
    await assert_each_purchase_posted_once(running_load, mongo_of_scaled)
    await assert_drained_consumer_committed_its_offsets(scaled_stack)

    for name in ("profile-2", "loyalty-2"):
        scaled_stack.start_process(name)
    await scaled_stack.wait_ready()
    # Back in rotation: the gateway's balanced channels send the restarted instances reads again.
    await eventually(lambda: _serves_reads(scaled_stack, "profile-2"), within_seconds=30)
    await eventually(lambda: _serves_reads(scaled_stack, "loyalty-2"), within_seconds=30)


async def _serves_reads(stack: Stack, instance: str) -> bool:
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=10) as http:
        client = GraphQLClient(http, token())
        for customer_id in await _any_customer_ids(stack):
            await client.execute(VIEW, id=customer_id)
        text = (await http.get(f"http://127.0.0.1:{stack.config.metrics_ports[instance]}/metrics")).text
    handled = [
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "c360_rpc_server_handled_total" and "Get" in sample.labels["method"]
    ]
    return sum(handled) > 0


async def _any_customer_ids(stack: Stack) -> list[str]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(stack.config.mongodb_uri)
    try:
        customers = client[f"{stack.config.database_prefix}profile"]["customers"]
        return [doc["_id"] async for doc in customers.find({}, {"_id": 1}).limit(8)]
    finally:
        await client.close()


async def test_sigkill_of_an_instance_of_each_service_fails_at_most_in_flight_queries_and_applies_purchases_once(
    running_load: Load, scaled_stack: Stack, partner_producer_of_scaled: AIOKafkaProducer, mongo_of_scaled: Any
) -> None:
    def crash() -> None:
        scaled_stack.kill("profile", signal.SIGKILL)
        scaled_stack.kill("loyalty", signal.SIGKILL)

    await run_round(running_load, partner_producer_of_scaled, crash)

    assert running_load.ok_queries > 0
    # Only requests in flight on a killed instance may fail (and reads are retried on the other one).
    assert len(running_load.failed_queries) <= 2 * QUERY_WORKERS
    assert all(codes == ["UNAVAILABLE"] for codes in running_load.failed_queries), running_load.failed_queries
    await assert_each_purchase_posted_once(running_load, mongo_of_scaled)


async def assert_drained_consumer_committed_its_offsets(stack: Stack) -> None:
    """The drained loyalty instance logged what it committed; Kafka holds at least that for its group."""
    stopped = [
        json.loads(line)
        for line in stack.log_tail("loyalty-2", 400).splitlines()
        if line.startswith("{") and '"consumer stopped"' in line
    ]
    purchases_group = next(s for s in stopped if s["group"] == f"{stack.config.topic_prefix}loyalty")
    admin = AIOKafkaAdminClient(bootstrap_servers=stack.config.kafka_bootstrap)
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(purchases_group["group"])
    finally:
        await admin.close()
    committed = {f"{tp.topic}/{tp.partition}": meta.offset for tp, meta in offsets.items()}
    for partition, offset in purchases_group["committed"].items():
        assert committed[partition] >= offset


@pytest.fixture
async def partner_producer_of_scaled(scaled_stack: Stack) -> Any:
    producer = AIOKafkaProducer(bootstrap_servers=scaled_stack.config.kafka_bootstrap, acks="all")
    await producer.start()
    yield producer
    await producer.stop()


@pytest.fixture
async def mongo_of_scaled(scaled_stack: Stack) -> Any:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(scaled_stack.config.mongodb_uri)
    yield client
    await client.close()
