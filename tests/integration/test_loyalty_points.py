"""Points commands through the gateway: adjustPoints (idempotent, concurrent, refused with specific codes),
setTier and automatic upgrades, and the reconciler finishing an entry a crash left pending."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaProducer
from pymongo import AsyncMongoClient

from deploy.local.stack import Stack
from tests.integration.conftest import GraphQLClient, eventually
from tests.integration.loyalty_support import (
    EventTap,
    account_exists,
    assert_ledger_matches_balance,
    balance_becomes,
    ledger_settles_to,
    loyalty_snapshot,
    loyalty_view,
    publish,
    purchase,
)
from tests.integration.profile_support import register

Mongo = AsyncMongoClient[dict[str, Any]]
RETRIES = 15

ADJUST = """
mutation Adjust($input: AdjustPointsInput!) {
  adjustPoints(input: $input) {
    loyalty { pointsBalance }
    entry { id type points balanceAfter remark actor }
    userErrors { field code message }
  }
}"""

SET_TIER = """
mutation SetTier($id: ID!, $tier: String!, $remark: String!) {
  setTier(customerId: $id, tier: $tier, remark: $remark) { loyalty { tier } userErrors { field code } }
}"""


async def adjust(gateway: GraphQLClient, customer_id: str, points: int, **changes: Any) -> dict[str, Any]:
    """As a careful client does it: a timed-out call is retried with the same idempotency key."""
    data = {"customerId": customer_id, "points": points, "remark": "goodwill", "idempotencyKey": uuid.uuid4().hex}
    for _ in range(RETRIES):
        body = await gateway.execute(ADJUST, input={**data, **changes})
        codes = {e["extensions"]["code"] for e in body.get("errors", [])}
        if not codes & {"DEADLINE_EXCEEDED", "UNAVAILABLE"}:
            break
        await asyncio.sleep(1)  # past a busy moment, or the gateway's circuit pause
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["adjustPoints"]
    return payload


async def test_adjustments_credit_and_debit_with_remark_and_actor_once_per_idempotency_key(
    gateway: GraphQLClient, stack: Stack, mongo: Mongo
) -> None:
    customer = await register(gateway)
    manager = gateway.as_user("manager-mia", "MANAGER")
    added = await adjust(manager, customer["id"], 500, idempotencyKey="k-add")
    assert added["userErrors"] == []
    assert added["entry"]["type"] == "ADJUST"
    assert (added["entry"]["points"], added["entry"]["balanceAfter"]) == (500, 500)
    assert (added["entry"]["remark"], added["entry"]["actor"]) == ("goodwill", "manager-mia")
    again = await adjust(manager, customer["id"], 500, idempotencyKey="k-add")
    assert again["entry"]["id"] == added["entry"]["id"]
    taken = await adjust(manager, customer["id"], -200)
    assert taken["loyalty"]["pointsBalance"] == 300
    view = await loyalty_view(gateway, customer["id"])
    assert [e["node"]["points"] for e in view["loyalty"]["history"]["edges"]] == [-200, 500]
    assert await assert_ledger_matches_balance(mongo, stack, customer["id"]) == 300


async def test_bad_adjustments_are_refused_with_specific_codes(
    gateway: GraphQLClient, mongo: Mongo, stack: Stack
) -> None:
    customer = await register(gateway)
    cid = customer["id"]
    await adjust(gateway, cid, 100, idempotencyKey="used-key")
    before = await loyalty_snapshot(mongo, stack, cid)
    cases: list[tuple[dict[str, Any], str, list[str]]] = [
        ({"points": 0}, "INVALID_POINTS", ["input", "points"]),
        ({"points": 2_000_000_000}, "POINTS_OUT_OF_RANGE", ["input", "points"]),
        ({"remark": "   "}, "REMARK_REQUIRED", ["input", "remark"]),
        ({"idempotencyKey": ""}, "IDEMPOTENCY_KEY_REQUIRED", ["input", "idempotencyKey"]),
        ({"customerId": "no-such-customer"}, "NOT_FOUND", ["input", "customerId"]),
        ({"points": -101}, "INSUFFICIENT_POINTS", ["input", "points"]),
        ({"idempotencyKey": "used-key", "points": 99}, "IDEMPOTENCY_KEY_REUSED", ["input", "idempotencyKey"]),
    ]
    for changes, code, field in cases:
        points = int(changes.pop("points", 10))
        payload = await adjust(gateway, cid, points, **changes)
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [(code, field)], changes
    assert await loyalty_snapshot(mongo, stack, cid) == before
    assert not await account_exists(mongo, stack, "no-such-customer")
    assert await assert_ledger_matches_balance(mongo, stack, cid) == 100


async def test_only_managers_adjust_points(gateway: GraphQLClient) -> None:
    customer = await register(gateway)
    body = await gateway.as_user("agent-al", "AGENT").execute(
        ADJUST, input={"customerId": customer["id"], "points": 5, "remark": "x", "idempotencyKey": "k"}
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_hundred_concurrent_adjustments_on_one_customer_end_with_the_exact_balance(
    gateway: GraphQLClient, stack: Stack, mongo: Mongo
) -> None:
    customer = await register(gateway)
    await adjust(gateway, customer["id"], 1000)
    amounts = [7 if i % 2 else -3 for i in range(100)]
    payloads = await asyncio.gather(*(adjust(gateway, customer["id"], points) for points in amounts))
    assert all(p["userErrors"] == [] for p in payloads)
    await balance_becomes(gateway, customer["id"], 1000 + sum(amounts))
    assert await assert_ledger_matches_balance(mongo, stack, customer["id"]) == 1000 + sum(amounts)


async def test_tiers_upgrade_at_once_from_earned_points_and_can_be_set_by_hand_with_a_remark(
    gateway: GraphQLClient, stack: Stack, partner_producer: AIOKafkaProducer, mongo: Mongo
) -> None:
    customer = await register(gateway)
    async with EventTap(stack) as tap:
        await publish(partner_producer, stack, purchase({"customer_id": customer["id"]}, "1200000"))
        await balance_becomes(gateway, customer["id"], 1200)
        assert (await loyalty_view(gateway, customer["id"]))["loyalty"]["tier"] == "SILVER"
        await tap.find(customer["id"], "TierChanged")
    manager = gateway.as_user("manager-mia", "MANAGER")
    body = await manager.execute(SET_TIER, id=customer["id"], tier="GOLD", remark="VIP")
    assert body["data"]["setTier"] == {"loyalty": {"tier": "GOLD"}, "userErrors": []}
    refused = await manager.execute(SET_TIER, id=customer["id"], tier="PLATINUM", remark="VIP")
    assert refused["data"]["setTier"]["userErrors"] == [{"field": ["tier"], "code": "UNKNOWN_TIER"}]
    no_remark = await manager.execute(SET_TIER, id=customer["id"], tier="BRONZE", remark=" ")
    assert no_remark["data"]["setTier"]["userErrors"] == [{"field": ["remark"], "code": "REMARK_REQUIRED"}]
    await ledger_settles_to(mongo, stack, customer["id"], 1200)


async def test_bad_tier_overrides_are_refused_with_specific_codes_and_change_nothing(
    gateway: GraphQLClient, stack: Stack, mongo: Mongo
) -> None:
    customer = await register(gateway)
    cid = customer["id"]
    await adjust(gateway, cid, 100)
    manager = gateway.as_user("manager-mia", "MANAGER")
    before = await loyalty_snapshot(mongo, stack, cid)
    cases: list[tuple[str, str, str, tuple[str, list[str]]]] = [
        ("no-such-customer", "GOLD", "VIP", ("NOT_FOUND", ["customerId"])),
        (" ", "GOLD", "VIP", ("NOT_FOUND", ["customerId"])),
        (cid, "GOLD", "", ("REMARK_REQUIRED", ["remark"])),
        (cid, "GOLD", "  ", ("REMARK_REQUIRED", ["remark"])),
        (cid, "PLATINUM", "VIP", ("UNKNOWN_TIER", ["tier"])),
        (cid, "", "VIP", ("UNKNOWN_TIER", ["tier"])),
    ]
    for who, tier, remark, expected in cases:
        body = await manager.execute(SET_TIER, id=who, tier=tier, remark=remark)
        payload = body["data"]["setTier"]
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [expected], (who, tier, remark)
        assert payload["loyalty"] is None
    assert await loyalty_snapshot(mongo, stack, cid) == before
    assert not await account_exists(mongo, stack, "no-such-customer")
    assert (await loyalty_view(gateway, cid))["loyalty"]["tier"] == "BRONZE"
    assert await assert_ledger_matches_balance(mongo, stack, cid) == 100


async def test_an_entry_left_pending_by_a_crash_is_posted_by_the_reconciler(
    gateway: GraphQLClient, stack: Stack, mongo: Mongo
) -> None:
    customer = await register(gateway)
    await adjust(gateway, customer["id"], 10)
    # What a crash right after step 1 of a posting leaves behind: a PENDING entry nobody retries.
    await mongo[f"{stack.config.database_prefix}loyalty"]["ledger"].insert_one(
        {
            "_id": f"adjust:{uuid.uuid4().hex}",
            "customer_id": customer["id"],
            "type": "ADJUST",
            "points": 25,
            "status": "PENDING",
            "remark": "crashed request",
            "actor": "manager-mia",
            "created_at": datetime.now(UTC),
            "expires_at": None,
            "spend": None,
        }
    )
    await balance_becomes(gateway, customer["id"], 35)
    assert await eventually(lambda: _ledger_consistent(mongo, stack, customer["id"]))


async def _ledger_consistent(mongo: Mongo, stack: Stack, customer_id: str) -> bool:
    try:
        return await assert_ledger_matches_balance(mongo, stack, customer_id) == 35
    except AssertionError:
        return False
