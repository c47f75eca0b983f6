"""Points over a customer's life, through the gateway: lots expire, purchases move between customers,
referrals reward once, suspended customers earn nothing, erased customers keep an anonymous ledger, RFM scores."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aiokafka import AIOKafkaProducer
from pymongo import AsyncMongoClient

from deploy.local.stack import Stack
from tests.integration.conftest import GraphQLClient, eventually
from tests.integration.loyalty_support import (
    PURCHASES,
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
from tests.integration.test_loyalty_redemption import codes, request_otp

Mongo = AsyncMongoClient[dict[str, Any]]

TRANSFER = """
mutation($tx: ID!, $to: ID!, $remark: String!) {
  transferPurchase(transactionId: $tx, toCustomerId: $to, remark: $remark) {
    purchase { transactionId pointsEarned } userErrors { field code }
  }
}"""


async def test_lots_past_their_date_expire_and_next_expiry_shows_the_nearest_lot(
    gateway: GraphQLClient, stack: Stack, partner_producer: AIOKafkaProducer, mongo: Mongo
) -> None:
    customer = await register(gateway)
    long_ago = (datetime.now(UTC) - timedelta(days=800)).isoformat()
    await publish(
        partner_producer,
        stack,
        purchase({"customer_id": customer["id"]}, "40000", occurred_at=long_ago),
        purchase({"customer_id": customer["id"]}, "7000"),
    )

    async def expired() -> Any:
        loyalty = (await loyalty_view(gateway, customer["id"]))["loyalty"]
        return loyalty if loyalty["expiredPoints"] == 40 else None

    loyalty = await eventually(expired)
    assert (loyalty["pointsBalance"], loyalty["lifetimePoints"]) == (7, 47)
    assert loyalty["nextExpiry"]["points"] == 7
    in_a_year = datetime.fromisoformat(loyalty["nextExpiry"]["expiresAt"]) - datetime.now(UTC)
    assert timedelta(days=364) < in_a_year <= timedelta(days=365)
    assert [(e["node"]["pointsLeft"], e["node"]["type"]) for e in loyalty["statement"]["edges"]] == [(7, "EARN")]
    assert "EXPIRE" in [e["node"]["type"] for e in loyalty["history"]["edges"]]
    assert await assert_ledger_matches_balance(mongo, stack, customer["id"]) == 7


async def test_a_transferred_purchase_takes_its_points_and_spend_to_the_other_customer(
    gateway: GraphQLClient, stack: Stack, partner_producer: AIOKafkaProducer, mongo: Mongo
) -> None:
    giver, taker = await register(gateway), await register(gateway)
    sale = purchase({"customer_id": giver["id"]}, "30000")
    await publish(partner_producer, stack, sale)
    await balance_becomes(gateway, giver["id"], 30)
    manager = gateway.as_user("manager-mia", "MANAGER")

    moved = (await manager.execute(TRANSFER, tx=sale["transaction_id"], to=taker["id"], remark="wrong card"))["data"]
    assert moved["transferPurchase"] == {
        "purchase": {"transactionId": sale["transaction_id"], "pointsEarned": 30},
        "userErrors": [],
    }
    giver_view, taker_view = await loyalty_view(gateway, giver["id"]), await loyalty_view(gateway, taker["id"])
    assert (giver_view["loyalty"]["pointsBalance"], taker_view["loyalty"]["pointsBalance"]) == (0, 30)
    assert giver_view["loyalty"]["history"]["edges"][0]["node"]["type"] == "TRANSFER"
    assert taker_view["loyalty"]["history"]["edges"][0]["node"]["remark"] == "wrong card"
    assert (giver_view["metrics"]["orders"], taker_view["metrics"]["orders"]) == (0, 1)
    listed = (await gateway.execute(PURCHASES, id=taker["id"]))["data"]["customer360"]["purchases"]["edges"]
    assert [e["node"]["transactionId"] for e in listed] == [sale["transaction_id"]]
    for customer in (giver, taker):
        await assert_ledger_matches_balance(mongo, stack, customer["id"])

    before = [await loyalty_snapshot(mongo, stack, c["id"]) for c in (giver, taker)]
    refusals = [
        (("TX-none", taker["id"], "x"), ("NOT_FOUND", ["transactionId"])),
        ((sale["transaction_id"], taker["id"], "again"), ("SAME_CUSTOMER", ["toCustomerId"])),
        ((sale["transaction_id"], giver["id"], " "), ("REMARK_REQUIRED", ["remark"])),
        ((sale["transaction_id"], "no-such-customer", "x"), ("NOT_FOUND", ["toCustomerId"])),
    ]
    for (tx, to, remark), expected in refusals:
        body = await manager.execute(TRANSFER, tx=tx, to=to, remark=remark)
        assert codes(body["data"]["transferPurchase"]) == [expected]
    agent = await gateway.as_user("agent-al", "AGENT").execute(TRANSFER, tx="x", to=giver["id"], remark="x")
    assert agent["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert [await loyalty_snapshot(mongo, stack, c["id"]) for c in (giver, taker)] == before
    assert not await account_exists(mongo, stack, "no-such-customer")


async def test_a_referred_customers_first_purchase_rewards_the_referrer_once(
    gateway: GraphQLClient, stack: Stack, partner_producer: AIOKafkaProducer, mongo: Mongo
) -> None:
    referrer = await register(gateway)
    code = referrer["profile"]["referralCode"]
    friend = await register(gateway, referredByCode=code)
    await eventually(lambda: _projected(mongo, stack, friend["id"]))
    await publish(partner_producer, stack, purchase({"customer_id": friend["id"]}, "5000"))
    await balance_becomes(gateway, referrer["id"], 100)
    await publish(partner_producer, stack, purchase({"customer_id": friend["id"]}, "6000"))
    await balance_becomes(gateway, friend["id"], 11)
    loyalty = (await loyalty_view(gateway, referrer["id"]))["loyalty"]
    assert loyalty["referral"] == {"code": code, "referredCount": 1, "pointsEarned": 100}
    assert loyalty["pointsBalance"] == 100
    assert loyalty["history"]["edges"][0]["node"]["type"] == "REFERRAL"
    await ledger_settles_to(mongo, stack, referrer["id"], 100)
    await ledger_settles_to(mongo, stack, friend["id"], 11)


async def test_suspended_customers_purchases_are_recorded_but_earn_nothing_and_they_cannot_redeem(
    gateway: GraphQLClient, stack: Stack, partner_producer: AIOKafkaProducer, mongo: Mongo
) -> None:
    customer = await register(gateway)
    await publish(partner_producer, stack, purchase({"customer_id": customer["id"]}, "9000"))
    await balance_becomes(gateway, customer["id"], 9)
    manager = gateway.as_user("manager-mia", "MANAGER")
    suspend = 'mutation($id: ID!) { suspendCustomer(id: $id, reason: "fraud check") { userErrors { code } } }'
    assert (await manager.execute(suspend, id=customer["id"]))["data"]["suspendCustomer"]["userErrors"] == []

    async def refused_as_suspended() -> bool:
        return codes(await request_otp(gateway, customer["id"], 5)) == [("CUSTOMER_SUSPENDED", ["customerId"])]

    await eventually(refused_as_suspended)
    while_suspended = purchase({"customer_id": customer["id"]}, "50000")
    await publish(partner_producer, stack, while_suspended)

    async def recorded() -> Any:
        body = await gateway.execute(PURCHASES, id=customer["id"], search=while_suspended["transaction_id"])
        return body["data"]["customer360"]["purchases"]["edges"]

    edges = await eventually(recorded)
    assert edges[0]["node"]["pointsEarned"] == 0
    view = await loyalty_view(gateway, customer["id"])
    assert view["loyalty"]["pointsBalance"] == 9
    assert view["metrics"]["orders"] == 2
    await ledger_settles_to(mongo, stack, customer["id"], 9)


async def test_an_erased_customer_is_anonymised_and_the_ledger_is_kept(
    gateway: GraphQLClient, stack: Stack, partner_producer: AIOKafkaProducer, mongo: Mongo
) -> None:
    customer = await register(gateway)
    await publish(partner_producer, stack, purchase({"customer_id": customer["id"]}, "8000"))
    await balance_becomes(gateway, customer["id"], 8)
    erase = 'mutation($id: ID!) { deleteCustomer(id: $id, reason: "asked") { userErrors { code } } }'
    assert (await gateway.execute(erase, id=customer["id"]))["data"]["deleteCustomer"]["userErrors"] == []
    projection = mongo[f"{stack.config.database_prefix}loyalty"]["customers"]

    async def anonymised() -> Any:
        doc = await projection.find_one({"_id": customer["id"]})
        return doc if doc and doc["status"] == "ERASED" else None

    doc = await eventually(anonymised)
    assert (doc["mobile"], doc["ext_ref"]) == (None, None)
    assert await assert_ledger_matches_balance(mongo, stack, customer["id"]) == 8


async def test_rfm_scores_customers_with_purchases_and_is_null_without(
    gateway: GraphQLClient, stack: Stack, partner_producer: AIOKafkaProducer, mongo: Mongo
) -> None:
    buyer, idle = await register(gateway), await register(gateway)
    await publish(partner_producer, stack, purchase({"customer_id": buyer["id"]}, "0.01"))
    await publish(partner_producer, stack, purchase({"customer_id": buyer["id"]}, "999000"))

    async def scored() -> Any:
        return (await loyalty_view(gateway, buyer["id"]))["metrics"]["rfm"]

    rfm = await eventually(scored)
    assert all(1 <= rfm[k] <= 5 for k in ("recency", "frequency", "monetary"))
    assert (await loyalty_view(gateway, idle["id"]))["metrics"]["rfm"] is None
    await ledger_settles_to(mongo, stack, buyer["id"], 999)


async def _projected(mongo: Mongo, stack: Stack, customer_id: str) -> bool:
    doc = await mongo[f"{stack.config.database_prefix}loyalty"]["customers"].find_one({"_id": customer_id})
    return doc is not None
