"""Scenario 3: purchase ingestion through Kafka and loyalty, against the raw bulk-write rate of the store."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from pymongo import AsyncMongoClient

from bench.quiet import GroupLag
from bench.seed import publish_purchases
from bench.targets import Target
from c360.by_id import bounded, find_by_ids
from deploy.local.stack import Stack

BATCH = 1000
PROBE_WINDOW = 16
CONSUMER_BATCH = 500  # loyalty's purchases consumer: records per fetch (c360/kafka/consumer.py)
ACCOUNT_PARALLELISM = 32  # accounts loyalty updates side by side (services/loyalty/app/post_purchase_changes.py)
CpuProbe = Callable[[], dict[str, float]]


@dataclass
class IngestionResult:
    events: int
    publish_seconds: float
    visible_seconds: float  # from the first publish until every purchase and ledger entry is stored
    raw_seconds: float  # insert_many of the same number of purchase + ledger documents
    account_seconds: float  # one update by _id of each batch's customers' accounts, as loyalty must at least
    cpu: dict[str, float]  # CPU seconds per process (the store included) while the events went in

    @property
    def events_per_second(self) -> float:
        return self.events / self.visible_seconds

    @property
    def raw_per_second(self) -> float:
        return self.events / self.raw_seconds

    @property
    def floor_per_second(self) -> float:
        return self.events / (self.raw_seconds + self.account_seconds)

    def findings(self) -> list[str]:
        share = self.events_per_second / self.raw_per_second
        busy = ", ".join(
            f"{k} {v / self.visible_seconds:.2f}" for k, v in sorted(self.cpu.items(), key=lambda i: -i[1])
        )
        return [
            f"ingested {self.events} purchases in {self.visible_seconds:.1f}s = {self.events_per_second:.0f}/s "
            f"(published in {self.publish_seconds:.1f}s)",
            f"raw bulk write of the same purchase + ledger documents: {self.raw_per_second:.0f}/s",
            f"ingestion = {share:.0%} of the raw write rate (target >= 50%)",
            f"the same raw writes plus one update by `_id` of each customer's account per batch of {CONSUMER_BATCH} "
            f"(the least an atomic balance needs; {self.account_seconds:.2f}s of it): {self.floor_per_second:.0f}/s; "
            f"ingestion = {self.events_per_second / self.floor_per_second:.0%} of that",
            f"cores busy while ingesting (CPU s per wall s): {busy}",
        ]

    def targets(self) -> list[Target]:
        share = self.events_per_second / self.raw_per_second
        return [Target.at_least("3", "ingestion events/s vs raw bulk write of its documents", share, 0.5, "x")]


async def _count_stored(db: Any) -> int:
    purchases = await db["purchases"].count_documents({})
    ledger = await db["ledger"].count_documents({"status": "POSTED", "type": "EARN"})
    return int(min(purchases, ledger))


async def wait_stored(db: Any, count: int, poll: float = 0.2, limit: float = 1800.0) -> None:
    """Until `count` purchases are stored with their ledger entries; a stuck ingestion fails the run."""
    started = time.perf_counter()
    while await _count_stored(db) < count:  # another process writes the store: polling it is the way
        if time.perf_counter() - started > limit:
            raise TimeoutError(f"loyalty stored {await _count_stored(db)} of {count} purchases in {limit:.0f}s")
        await asyncio.sleep(poll)


async def wait_ingested(
    stack: Stack, db: Any, purchase_ids: list[str], poll: float = 0.1, limit: float = 1800.0
) -> float:
    """The moment every purchase was stored with its points posted. Until loyalty has committed every
    record, only the broker is asked (loyalty commits a fetch's offsets once it stored the whole fetch).
    Then every purchase is checked in the store, by `_id`; should any be missing, the moment is when the
    last one showed. Reading the store all along, as before, took store time from the ingestion timed."""
    await wait_committed(stack, poll, limit)
    caught_up = time.perf_counter()
    found = await bounded([partial(_ingested, db, purchase_id) for purchase_id in purchase_ids])
    missing = [p for p, done in zip(purchase_ids, found, strict=True) if not done]
    if not missing:
        return caught_up
    await _wait_each(db, missing, poll)
    return time.perf_counter()


async def wait_committed(stack: Stack, poll: float = 0.1, limit: float = 1800.0) -> None:
    """Until loyalty has committed every record of the `purchases` topic (it commits a fetch once stored)."""
    topic = f"{stack.config.topic_prefix}purchases"
    started = time.perf_counter()
    async with GroupLag(stack.config.kafka_bootstrap, f"{stack.config.topic_prefix}loyalty", topic) as lag:
        while (left := await lag.records()) > 0:  # another process consumes: polling the broker is the way
            if time.perf_counter() - started > limit:
                raise TimeoutError(f"loyalty left {left} purchases uncommitted after {limit:.0f}s")
            await asyncio.sleep(poll)


async def _wait_each(db: Any, purchase_ids: list[str], poll: float, limit: float = 1800.0) -> None:
    """Until each of `purchase_ids` is stored with its points posted, probing by `_id` alone."""
    pending = list(purchase_ids)  # publishing order, which is about the order they get stored in
    started = time.perf_counter()
    while pending:
        window = pending[:PROBE_WINDOW]
        stored = await asyncio.gather(*(_ingested(db, purchase_id) for purchase_id in window))
        pending = [p for p, done in zip(window, stored, strict=True) if not done] + pending[PROBE_WINDOW:]
        if all(stored):
            continue
        if time.perf_counter() - started > limit:
            raise TimeoutError(f"loyalty stored {len(purchase_ids) - len(pending)} of {len(purchase_ids)} purchases")
        await asyncio.sleep(poll)


async def _ingested(db: Any, purchase_id: str) -> bool:
    """One read for a purchase that earned points (its ledger entry is written last), two otherwise."""
    entry = await db["ledger"].find_one({"_id": f"earn:{purchase_id}"}, {"status": 1})
    if entry is not None:
        return bool(entry.get("status") == "POSTED")
    purchase = await db["purchases"].find_one({"_id": purchase_id}, {"points_earned": 1})
    return purchase is not None and not purchase.get("points_earned")


async def wait_history(stack: Stack, count: int) -> None:
    """Until loyalty has stored `count` purchases with their ledger entries: the broker is asked until loyalty
    has committed every record, then the store is counted (counting all along scanned both collections every
    second, which at 200,000 purchases kept the store busy and slowed the very seeding it waited for)."""
    await wait_committed(stack)
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(stack.config.mongodb_uri)
    try:
        await wait_stored(client[f"{stack.config.database_prefix}loyalty"], count, poll=5.0)
    finally:
        await client.close()


async def run(
    stack: Stack, customers: list[tuple[str, str]], events: int, history: int, cpu: CpuProbe
) -> IngestionResult:
    """Waits for the `history` already published, then publishes `events` more and times them in."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(stack.config.mongodb_uri)
    db = client[f"{stack.config.database_prefix}loyalty"]
    try:
        await wait_stored(db, history)
        purchase_ids: list[str] = []
        before = cpu()
        started = time.perf_counter()
        await publish_purchases(
            stack.config.kafka_bootstrap,
            f"{stack.config.topic_prefix}purchases",
            customers,
            events,
            seed=11,
            purchase_ids=purchase_ids,
        )
        published = time.perf_counter() - started
        visible = await wait_ingested(stack, db, purchase_ids) - started  # the stored documents: "reflected"
        after = cpu()
        raw = await _raw_bulk_write(client, db, events)
        accounts = await _account_updates(client, db, purchase_ids)
    finally:
        await client.close()
    spent = {k: after[k] - before[k] for k in after if k in before}
    return IngestionResult(events, published, visible, raw, accounts, spent)


async def _account_updates(client: AsyncMongoClient[dict[str, Any]], db: Any, purchase_ids: list[str]) -> float:
    """Seconds of one `$inc` by `_id` per customer per consumer batch (loyalty's parallelism), on copies of the
    very account documents: what any ingestion keeping an atomic balance per customer writes at least."""
    scratch = client[f"bench_accounts_{uuid.uuid4().hex[:8]}"]
    try:
        owners = {
            d["_id"]: d["customer_id"] for d in await find_by_ids(db["purchases"], purchase_ids, {"customer_id": 1})
        }
        customers = list(dict.fromkeys(owners.values()))
        await scratch["accounts"].insert_many(await find_by_ids(db["accounts"], customers) or [{}])
        gate = asyncio.Semaphore(ACCOUNT_PARALLELISM)

        async def bump(customer_id: str) -> None:
            async with gate:
                await scratch["accounts"].update_one({"_id": customer_id}, {"$inc": {"points_balance": 1}})

        started = time.perf_counter()
        for offset in range(0, len(purchase_ids), CONSUMER_BATCH):
            batch = {owners[p] for p in purchase_ids[offset : offset + CONSUMER_BATCH] if p in owners}
            await asyncio.gather(*(bump(c) for c in batch))
        return time.perf_counter() - started
    finally:
        await client.drop_database(scratch.name)


async def _copy_indexes(source: Any, target: Any) -> None:
    for name, spec in (await source.index_information()).items():
        if name != "_id_":
            options = {k: v for k, v in spec.items() if k in ("unique", "sparse", "partialFilterExpression")}
            await target.create_index(spec["key"], name=name, **options)


async def _raw_bulk_write(client: AsyncMongoClient[dict[str, Any]], db: Any, events: int) -> float:
    """Seconds of insert_many alone for `events` stored purchases and their ledger entries, copied as they are
    into a scratch database with the same indexes: the store's own limit for what ingestion writes at least."""
    scratch = client[f"bench_raw_{uuid.uuid4().hex[:8]}"]
    spent = 0.0
    try:
        for name in ("purchases", "ledger"):
            await _copy_indexes(db[name], scratch[name])
        purchases = await db["purchases"].find({}).to_list(events)
        wanted = {f"earn:{p['_id']}" for p in purchases}
        ledger = [e async for e in db["ledger"].find({"type": "EARN"}) if e["_id"] in wanted]
        for name, docs in (("purchases", purchases), ("ledger", ledger)):
            for offset in range(0, len(docs), BATCH):
                started = time.perf_counter()
                await scratch[name].insert_many(docs[offset : offset + BATCH], ordered=False)
                spent += time.perf_counter() - started
    finally:
        await client.drop_database(scratch.name)
    return spent * events / max(len(purchases), 1)  # scaled to `events` should fewer be stored
