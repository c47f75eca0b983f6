"""Crash safety of purchase ingestion: SIGKILL the loyalty process in the middle of 2,000 purchase
events (10% of them delivered twice), restart it, and every balance is exact, no event lost or doubled."""

from __future__ import annotations

import asyncio
import json
import random
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer
from pymongo import AsyncMongoClient

from deploy.local.stack import Stack
from tests.integration.conftest import GraphQLClient, eventually, running_stack
from tests.integration.loyalty_support import assert_ledger_matches_balance, purchase
from tests.integration.profile_support import register
from tests.integration.provider_doubles import ProviderDoubles

Mongo = AsyncMongoClient[dict[str, Any]]
CUSTOMERS = 20
EVENTS = 2000
DUPLICATES = EVENTS // 10


@pytest.fixture(scope="module")
def stack(infra: Any, message_providers: ProviderDoubles) -> Iterator[Stack]:
    """A stack of its own: its thousands of purchases (and a killed process) stay out of the other tests' way."""
    with running_stack(infra, message_providers, label="crash-") as running:
        yield running


async def test_killing_loyalty_mid_stream_loses_and_doubles_nothing(
    gateway: GraphQLClient, stack: Stack, partner_producer: AIOKafkaProducer, mongo: Mongo
) -> None:
    customers = [(await register(gateway))["id"] for _ in range(CUSTOMERS)]
    rng = random.Random(42)
    unique = [
        purchase({"customer_id": rng.choice(customers)}, str(1000 * rng.randint(1, 20)))
        for _ in range(EVENTS - DUPLICATES)
    ]
    expected = dict.fromkeys(customers, 0)
    for event in unique:
        expected[event["customer"]["customer_id"]] += int(event["total"]) // 1000
    # Half the duplicates are the same record again; half are partner retries (new event id, same transaction).
    duplicates = [dict(rng.choice(unique)) for _ in range(DUPLICATES)]
    for retry in duplicates[::2]:
        retry["event_id"] = str(uuid.uuid4())
    stream = [*unique, *duplicates]
    rng.shuffle(stream)

    purchases = mongo[f"{stack.config.database_prefix}loyalty"]["purchases"]
    before = await purchases.count_documents({})
    topic = f"{stack.config.topic_prefix}purchases"
    sends = [
        await partner_producer.send(topic, value=json.dumps(e).encode(), key=e["customer"]["customer_id"].encode())
        for e in stream
    ]
    await asyncio.gather(*sends)

    async def partly_consumed() -> bool:
        return await purchases.count_documents({}) - before >= 300

    await eventually(partly_consumed, within_seconds=60, interval=0.05)
    stack.kill("loyalty")
    stored_at_kill = await purchases.count_documents({}) - before
    assert stored_at_kill < len(unique), "the kill came too late to prove anything"
    stack.start_process("loyalty")

    accounts = mongo[f"{stack.config.database_prefix}loyalty"]["accounts"]

    async def all_applied() -> bool:
        found = {a["_id"]: a["points_balance"] async for a in accounts.find({"_id": {"$in": customers}})}
        return found == expected

    await eventually(all_applied, within_seconds=240, interval=1)
    assert await purchases.count_documents({"customer_id": {"$in": customers}}) == len(unique)
    balance = "query($id: ID!) { customer360(id: $id) { loyalty { pointsBalance } } }"
    for customer_id in customers:
        body = await gateway.execute(balance, id=customer_id)
        assert body["data"]["customer360"]["loyalty"]["pointsBalance"] == expected[customer_id], body
        assert await assert_ledger_matches_balance(mongo, stack, customer_id) == expected[customer_id]
