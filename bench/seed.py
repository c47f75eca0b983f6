"""Seeds customers and purchases through the services' own write paths.

Customers: the profile service's bulk path, ImportCustomers (a CSV of N rows:
validation, unique indexes, staged CustomerRegistered events -> loyalty
accounts); their ids are read back from the profile store by first name. The
one-by-one RegisterCustomer RPC (`seed_customers`) seeds the few customers the
lag scenario tracks.
Purchases: partner events on the `purchases` Kafka topic, exactly as a POS would
publish them, Zipf-distributed over customers, categories and stores; they go
through the full loyalty ingestion (dedupe, ledger, account, metrics).
"""

from __future__ import annotations

import asyncio
import json
import random
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaProducer
from customer360.profile.v1 import profile_pb2, profile_pb2_grpc
from pymongo import AsyncMongoClient

from bench.scenarios.csv_import import import_file, write_csv
from c360.grpc_client import open_channel
from deploy.local.stack import Stack

SEED_NAME = "Bench"  # the first-name prefix the search scenario looks for

CATEGORIES = ["Coffee", "Bakery", "Dairy", "Snacks", "Beverages", "Produce", "Frozen", "Household", "Beauty", "Toys"]
STORES = [f"JKT-{n:02d}" for n in range(1, 41)]


def zipf_index(size: int, rng: random.Random, exponent: float = 1.1) -> int:
    """Index in [0, size) with a Zipf-like skew: a few customers, stores, categories take most purchases."""
    while True:
        value = int(rng.paretovariate(exponent)) - 1
        if value < size:
            return value


async def import_customers(stack: Stack, count: int) -> list[tuple[str, str]]:
    """(customer id, mobile) of `count` customers imported in one CSV."""
    channel = open_channel(stack.config.address("profile"))
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "seed.csv"
            write_csv(path, count, first_name=SEED_NAME, mobile_prefix="+62812")
            await import_file(profile_pb2_grpc.ProfileServiceStub(channel), path)
    finally:
        await channel.close()
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(stack.config.mongodb_uri)
    try:
        found = client[f"{stack.config.database_prefix}profile"]["customers"].find(
            {"first_name": {"$regex": f"^{SEED_NAME}"}}, {"mobile": 1}
        )
        return sorted([(str(doc["_id"]), str(doc["mobile"])) async for doc in found])
    finally:
        await client.close()


async def wait_for_accounts(stack: Stack, count: int, limit: float = 600.0) -> float:
    """Seconds until loyalty holds `count` accounts (its CustomerRegistered consumer is asynchronous)."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(stack.config.mongodb_uri)
    accounts = client[f"{stack.config.database_prefix}loyalty"]["accounts"]
    started = time.perf_counter()
    try:
        # Another process writes the store: polling it is the only way to see the accounts arrive.
        while await accounts.estimated_document_count() < count and time.perf_counter() - started < limit:  # noqa: ASYNC110
            await asyncio.sleep(0.5)
    finally:
        await client.close()
    return time.perf_counter() - started


async def seed_customers(
    profile_address: str, count: int, concurrency: int = 32, first_name: str = "Lag"
) -> list[tuple[str, str]]:
    """(customer id, mobile) of `count` new customers, registered one by one."""
    channel = open_channel(profile_address)
    stub = profile_pb2_grpc.ProfileServiceStub(channel)
    base = random.randint(10_000_000, 80_000_000)
    queue = iter(range(count))
    created: list[tuple[str, str]] = []

    async def worker() -> None:
        for n in queue:
            mobile = f"+62814{base + n}"
            reply = await stub.RegisterCustomer(
                profile_pb2.RegisterCustomerRequest(first_name=f"{first_name}{n}", last_name="Customer", mobile=mobile),
                timeout=30,
            )
            created.append((reply.customer.id, mobile))

    try:
        await asyncio.gather(*(worker() for _ in range(concurrency)))
    finally:
        await channel.close()
    return created


def purchase_event(customer_mobile: str, rng: random.Random, when: datetime) -> dict[str, object]:
    items = []
    total = Decimal(0)
    for _ in range(1 + zipf_index(5, rng)):
        price = Decimal(rng.choice([5000, 12000, 18000, 25000, 45000, 95000]))
        quantity = rng.randint(1, 3)
        total += price * quantity
        items.append(
            {
                "sku": f"SKU-{rng.randint(1, 500)}",
                "name": "Item",
                "category": CATEGORIES[zipf_index(len(CATEGORIES), rng)],
                "quantity": quantity,
                "unit_price": str(price),
            }
        )
    return {
        "event_id": str(uuid.uuid4()),
        "partner_id": "bench-pos",
        "transaction_id": f"TX-{uuid.uuid4().hex}",
        "receipt_id": f"R-{rng.randint(1, 10**9)}",
        "occurred_at": when.isoformat().replace("+00:00", "Z"),
        "customer": {"mobile": customer_mobile},
        "store_id": STORES[zipf_index(len(STORES), rng)],
        "terminal_id": "T1",
        "source": "IN_STORE",
        "currency": "IDR",
        "total": str(total),
        "items": items,
    }


async def publish_purchases(
    bootstrap: str,
    topic: str,
    customers: list[tuple[str, str]],
    count: int,
    seed: int = 7,
    purchase_ids: list[str] | None = None,
) -> dict[str, int]:
    """Publishes `count` purchases as fast as the producer goes; returns purchases per customer id
    (and appends the purchase ids loyalty will store, in publishing order, to `purchase_ids`)."""
    rng = random.Random(seed)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5, max_batch_size=256 * 1024)
    await producer.start()
    per_customer: dict[str, int] = {}
    start = datetime.now(UTC) - timedelta(days=365)
    try:
        pending = []
        for n in range(count):
            customer_id, mobile = customers[zipf_index(len(customers), rng)]
            when = start + timedelta(seconds=n * 365 * 86400 // max(count, 1))
            event = purchase_event(mobile, rng, when)
            if purchase_ids is not None:
                purchase_ids.append(f"{event['partner_id']}:{event['transaction_id']}")
            pending.append(await producer.send(topic, json.dumps(event).encode(), key=mobile.encode()))
            per_customer[customer_id] = per_customer.get(customer_id, 0) + 1
            if len(pending) >= 1000:
                await asyncio.gather(*pending)
                pending.clear()
        await asyncio.gather(*pending)
    finally:
        await producer.stop()
    return per_customer
