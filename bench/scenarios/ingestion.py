"""Scenario 3: purchase ingestion through Kafka and loyalty, against the raw bulk-write rate of the store."""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pymongo import AsyncMongoClient

from bench.seed import publish_purchases
from deploy.local.stack import Stack

BATCH = 1000


@dataclass
class IngestionResult:
    events: int
    publish_seconds: float
    visible_seconds: float  # from the first publish until every purchase and ledger entry is stored
    raw_seconds: float  # insert_many of the same number of purchase + ledger documents

    @property
    def events_per_second(self) -> float:
        return self.events / self.visible_seconds

    @property
    def raw_per_second(self) -> float:
        return self.events / self.raw_seconds

    def findings(self) -> list[str]:
        share = self.events_per_second / self.raw_per_second
        return [
            f"ingested {self.events} purchases in {self.visible_seconds:.1f}s = {self.events_per_second:.0f}/s "
            f"(published in {self.publish_seconds:.1f}s)",
            f"raw bulk write of the same purchase + ledger documents: {self.raw_per_second:.0f}/s",
            f"ingestion = {share:.0%} of the raw write rate (target >= 50%)",
        ]


async def _count_stored(db: Any) -> int:
    purchases = await db["purchases"].count_documents({})
    ledger = await db["ledger"].count_documents({"status": "POSTED", "type": "EARN"})
    return int(min(purchases, ledger))


async def run(stack: Stack, customers: list[tuple[str, str]], events: int) -> IngestionResult:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(stack.config.mongodb_uri)
    db = client[f"{stack.config.database_prefix}loyalty"]
    try:
        before = await _count_stored(db)
        started = time.perf_counter()
        await publish_purchases(
            stack.config.kafka_bootstrap, f"{stack.config.topic_prefix}purchases", customers, events, seed=11
        )
        published = time.perf_counter() - started
        while True:  # poll the store: the stored documents are what "reflected" means here
            if await _count_stored(db) >= before + events:
                break
            await asyncio.sleep(0.2)
        visible = time.perf_counter() - started
        raw = await _raw_bulk_write(client, events)
    finally:
        await client.close()
    return IngestionResult(events, published, visible, raw)


async def _raw_bulk_write(client: AsyncMongoClient[dict[str, Any]], events: int) -> float:
    """The store's own limit for the documents one purchase needs at least: a purchase and a ledger entry."""
    scratch = client[f"bench_raw_{uuid.uuid4().hex[:8]}"]
    now = datetime.now(UTC)
    started = time.perf_counter()
    for offset in range(0, events, BATCH):
        size = min(BATCH, events - offset)
        ids = [uuid.uuid4().hex for _ in range(size)]
        await scratch["purchases"].insert_many(
            [
                {
                    "_id": f"bench-pos:{i}",
                    "event_id": i,
                    "customer_id": "c",
                    "total": "185000",
                    "items": [{"sku": "A", "quantity": 1, "unit_price": "185000"}],
                    "occurred_at": now,
                }
                for i in ids
            ],
            ordered=False,
        )
        await scratch["ledger"].insert_many(
            [
                {
                    "_id": f"earn:bench-pos:{i}",
                    "customer_id": "c",
                    "type": "EARN",
                    "points": 185,
                    "status": "POSTED",
                    "created_at": now,
                }
                for i in ids
            ],
            ordered=False,
        )
    elapsed = time.perf_counter() - started
    await client.drop_database(scratch.name)
    return elapsed
