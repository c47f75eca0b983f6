"""Helpers shared by the loyalty integration tests (tests/integration/test_loyalty_*.py)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from pymongo import AsyncMongoClient

from c360.events import parse_envelope
from deploy.local.stack import Stack
from services.loyalty.adapters.account_documents import to_state
from tests.integration.conftest import GraphQLClient, eventually

Mongo = AsyncMongoClient[dict[str, Any]]
NO_OUTBOX = {"outbox": 0, "outbox_pending": 0}  # cleared by the relays whenever they get to it

LOYALTY = """
query Loyalty($id: ID!) {
  customer360(id: $id) {
    id
    loyalty {
      pointsBalance lifetimePoints redeemedPoints expiredPoints tier pointsDebt
      nextExpiry { points expiresAt }
      referral { code referredCount pointsEarned }
      history(first: 100) { edges { cursor node { id type points balanceAfter remark actor transactionId
        storeId terminalId createdAt } } pageInfo { hasNextPage endCursor } }
      statement(first: 50) { edges { node { id points pointsLeft transactionId expiresAt type } } }
      otps { id maskedCode points status createdAt expiresAt }
    }
    metrics {
      lifetimeSpend orders averageTransactionValue lastTransactionValue lastTransactionAt daysSinceLastPurchase
      rfm { recency frequency monetary }
      topCategories(limit: 3) { category amount quantity }
    }
  }
}"""

PURCHASES = """
query Purchases($id: ID!, $first: Int, $after: String, $search: String) {
  customer360(id: $id) {
    purchases(first: $first, after: $after, search: $search) {
      edges { cursor node { transactionId receiptId occurredAt storeId terminalId source total currency
        items { sku name category quantity unitPrice } couponCodes pointsEarned pointsRedeemed } }
      pageInfo { hasNextPage endCursor }
    }
  }
}"""


def purchase(customer: dict[str, str], total: str, **changes: Any) -> dict[str, Any]:
    """A partner purchase in the published contract, one item worth `total` unless told otherwise."""
    event: dict[str, Any] = {
        "event_id": str(uuid.uuid4()),
        "partner_id": "pos-test",
        "transaction_id": f"TX-{uuid.uuid4().hex[:12]}",
        "receipt_id": f"R-{uuid.uuid4().hex[:8]}",
        "occurred_at": datetime.now(UTC).isoformat(),
        "customer": customer,
        "store_id": "JKT-01",
        "terminal_id": "T3",
        "source": "IN_STORE",
        "currency": "IDR",
        "total": total,
        "items": [{"sku": "SKU-1", "name": "Thing", "category": "Coffee", "quantity": 1, "unit_price": total}],
        "coupon_codes": [],
    }
    event.update(changes)
    return event


async def publish(producer: AIOKafkaProducer, stack: Stack, *events: dict[str, Any] | bytes) -> None:
    for event in events:
        value = event if isinstance(event, bytes) else json.dumps(event).encode()
        key = "x" if isinstance(event, bytes) else json.dumps(event.get("customer", {}), sort_keys=True)
        await producer.send_and_wait(f"{stack.config.topic_prefix}purchases", value=value, key=key.encode())


async def loyalty_view(gateway: GraphQLClient, customer_id: str) -> dict[str, Any]:
    body = await gateway.execute(LOYALTY, id=customer_id)
    assert "errors" not in body, body
    view: dict[str, Any] = body["data"]["customer360"]
    return view


async def balance_becomes(gateway: GraphQLClient, customer_id: str, expected: int, within: float = 20) -> None:
    async def reached() -> bool:
        return bool((await loyalty_view(gateway, customer_id))["loyalty"]["pointsBalance"] == expected)

    await eventually(reached, within_seconds=within)


async def assert_ledger_matches_balance(mongo: AsyncMongoClient[dict[str, Any]], stack: Stack, customer_id: str) -> int:
    """The invariant checked after every scenario: the posted ledger adds up to the balance, no entry left pending."""
    database = mongo[f"{stack.config.database_prefix}loyalty"]
    total = 0
    async for entry in database["ledger"].find({"customer_id": customer_id}):
        assert entry["status"] in ("POSTED", "REJECTED"), entry
        total += entry["points"] if entry["status"] == "POSTED" else 0
    account = await database["accounts"].find_one({"_id": customer_id})
    assert account is not None
    assert account["points_balance"] == total
    assert sum(lot.left for lot in to_state(account, "BRONZE").lots) == total
    return total


async def ledger_settles_to(mongo: Mongo, stack: Stack, customer_id: str, points: int) -> None:
    """The same invariant after effects of Kafka consumption, which may show the balance a moment before
    the consumer has finished posting the entries; a real mismatch still fails (with its last assertion)."""
    last: list[AssertionError] = []

    async def holds() -> bool:
        try:
            assert await assert_ledger_matches_balance(mongo, stack, customer_id) == points
        except AssertionError as error:
            last[:] = [error]
            return False
        return True

    try:
        await eventually(holds)
    except AssertionError as timed_out:
        raise (last[0] if last else timed_out) from timed_out


async def loyalty_snapshot(mongo: Mongo, stack: Stack, customer_id: str) -> dict[str, Any]:
    """What a refused command must leave exactly as it was: the account (its version moves on every write),
    every ledger entry that counts or may count, and every OTP of the customer. (A deduction the account
    refuses leaves its entry REJECTED, so a retry with the same key gets the same answer; it never counts.)"""
    database = mongo[f"{stack.config.database_prefix}loyalty"]
    account = await database["accounts"].find_one({"_id": customer_id}, NO_OUTBOX)
    counting = {"customer_id": customer_id, "status": {"$ne": "REJECTED"}}
    ledger = [e async for e in database["ledger"].find(counting, NO_OUTBOX)]
    otps = [o async for o in database["otps"].find({"customer_id": customer_id}, NO_OUTBOX)]
    return {
        "account": account,
        "ledger": sorted(ledger, key=lambda e: str(e["_id"])),
        "otps": sorted(otps, key=lambda o: str(o["_id"])),
    }


async def account_exists(mongo: Mongo, stack: Stack, customer_id: str) -> bool:
    found = await mongo[f"{stack.config.database_prefix}loyalty"]["accounts"].find_one({"_id": customer_id})
    return found is not None


class EventTap:
    """Reads `loyalty.events` from the beginning, for assertions on what the service published."""

    def __init__(self, stack: Stack) -> None:
        self._consumer = AIOKafkaConsumer(
            f"{stack.config.topic_prefix}loyalty.events",
            bootstrap_servers=stack.config.kafka_bootstrap,
            auto_offset_reset="earliest",
            group_id=f"test-{uuid.uuid4().hex}",
        )
        self.seen: list[Any] = []

    async def __aenter__(self) -> EventTap:
        await self._consumer.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self._consumer.stop()

    async def find(self, customer_id: str, type_name: str, within: float = 20) -> Any:
        async def probe() -> Any:
            for records in (await self._consumer.getmany(timeout_ms=300)).values():
                self.seen.extend(parse_envelope(r.value) for r in records)
            matching = [
                e for e in self.seen if e.customer_id == customer_id and e.payload.TypeName().endswith(type_name)
            ]
            return matching or None

        return await eventually(probe, within_seconds=within)
