"""Partner purchases through Kafka, seen through the gateway: points, metrics, purchase history,
returns, identification by ext ref or local mobile, invalid events dead-lettered (a total must match the items
less the discounts), and the event for coupons."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from customer360.events.v1.loyalty_events_pb2 import PurchaseRecorded
from pymongo import AsyncMongoClient

from c360.events import unpack
from deploy.local.stack import Stack
from tests.integration.conftest import GraphQLClient, eventually, random_mobile
from tests.integration.loyalty_support import (
    PURCHASES,
    EventTap,
    assert_ledger_matches_balance,
    balance_becomes,
    ledger_settles_to,
    loyalty_view,
    publish,
    purchase,
)
from tests.integration.profile_support import register

Mongo = AsyncMongoClient[dict[str, Any]]


async def test_a_purchase_earns_points_updates_metrics_and_publishes_purchase_recorded_with_coupon_codes(
    gateway: GraphQLClient, stack: Stack, partner_producer: AIOKafkaProducer, mongo: Mongo
) -> None:
    customer = await register(gateway)
    items = [
        {"sku": "LATTE", "name": "Latte", "category": "Coffee", "quantity": 2, "unit_price": "45000"},
        {"sku": "CROIS", "name": "Croissant", "category": "Bakery", "quantity": 1, "unit_price": "95000"},
    ]
    first = purchase({"customer_id": customer["id"]}, "185000", items=items, coupon_codes=["WELCOME-1"])
    second = purchase({"customer_id": customer["id"]}, "15000", items=[{**items[0], "unit_price": "7500"}])
    async with EventTap(stack) as tap:
        await publish(partner_producer, stack, first, second)
        await balance_becomes(gateway, customer["id"], 185 + 15)
        recorded = [unpack(e, PurchaseRecorded) for e in await tap.find(customer["id"], "PurchaseRecorded")]
    by_transaction = {r.transaction_id: r for r in recorded if r is not None}
    assert list(by_transaction[first["transaction_id"]].coupon_codes) == ["WELCOME-1"]
    assert by_transaction[first["transaction_id"]].kind == "SALE"
    assert by_transaction[first["transaction_id"]].points_earned == 185

    metrics = (await loyalty_view(gateway, customer["id"]))["metrics"]
    assert Decimal(metrics["lifetimeSpend"]) == Decimal(200000)
    assert metrics["orders"] == 2
    assert Decimal(metrics["averageTransactionValue"]) == Decimal(100000)
    assert Decimal(metrics["lastTransactionValue"]) == Decimal(15000)
    assert metrics["daysSinceLastPurchase"] == 0
    assert metrics["topCategories"] == [
        {"category": "Coffee", "amount": "105000", "quantity": 4},
        {"category": "Bakery", "amount": "95000", "quantity": 1},
    ]
    await assert_ledger_matches_balance(mongo, stack, customer["id"])


async def test_purchases_list_newest_first_with_cursor_paging_and_search_by_receipt_or_transaction(
    gateway: GraphQLClient, stack: Stack, partner_producer: AIOKafkaProducer
) -> None:
    customer = await register(gateway)
    now = datetime.now(UTC)
    events = [
        purchase({"customer_id": customer["id"]}, "1000", occurred_at=(now - timedelta(hours=h)).isoformat())
        for h in (3, 1, 2)
    ]
    events[1]["source"] = "ONLINE"
    await publish(partner_producer, stack, *events)
    await balance_becomes(gateway, customer["id"], 3)

    first_page = (await gateway.execute(PURCHASES, id=customer["id"], first=2))["data"]["customer360"]["purchases"]
    newest = [e["node"]["transactionId"] for e in first_page["edges"]]
    assert newest == [events[1]["transaction_id"], events[2]["transaction_id"]]
    assert first_page["pageInfo"]["hasNextPage"] is True
    assert first_page["edges"][0]["node"]["source"] == "ONLINE"
    assert first_page["edges"][0]["node"]["items"][0] == {
        "sku": "SKU-1",
        "name": "Thing",
        "category": "Coffee",
        "quantity": 1,
        "unitPrice": "1000",
    }
    rest = await gateway.execute(PURCHASES, id=customer["id"], first=2, after=first_page["pageInfo"]["endCursor"])
    edges = rest["data"]["customer360"]["purchases"]["edges"]
    assert [e["node"]["transactionId"] for e in edges] == [events[0]["transaction_id"]]

    for search, expected in ((events[2]["receipt_id"], events[2]), (events[0]["transaction_id"], events[0])):
        found = (await gateway.execute(PURCHASES, id=customer["id"], search=search))["data"]["customer360"]
        assert [e["node"]["transactionId"] for e in found["purchases"]["edges"]] == [expected["transaction_id"]]


async def test_customer_search_by_receipt_id_finds_the_buyer(
    gateway: GraphQLClient, stack: Stack, partner_producer: AIOKafkaProducer
) -> None:
    customer = await register(gateway)
    sale = purchase({"customer_id": customer["id"]}, "2000")
    await publish(partner_producer, stack, sale)
    await balance_becomes(gateway, customer["id"], 2)
    query = "query($q: String!) { customers(query: $q, field: RECEIPT_ID) { edges { node { id } } } }"
    body = await gateway.execute(query, q=sale["receipt_id"])
    assert [e["node"]["id"] for e in body["data"]["customers"]["edges"]] == [customer["id"]]


async def test_a_return_reverses_points_pro_rata_and_below_zero_records_a_debt_the_next_earning_settles(
    gateway: GraphQLClient, stack: Stack, partner_producer: AIOKafkaProducer, mongo: Mongo
) -> None:
    customer = await register(gateway)
    sale = purchase({"customer_id": customer["id"]}, "100000")
    await publish(partner_producer, stack, sale)
    await balance_becomes(gateway, customer["id"], 100)
    half_back = purchase(
        {"customer_id": customer["id"]}, "50000", type="RETURN", original_transaction_id=sale["transaction_id"]
    )
    await publish(partner_producer, stack, half_back)
    await balance_becomes(gateway, customer["id"], 50)
    view = await loyalty_view(gateway, customer["id"])
    reversal = view["loyalty"]["history"]["edges"][0]["node"]
    assert (reversal["type"], reversal["points"], reversal["balanceAfter"]) == ("REVERSAL", -50, 50)
    assert Decimal(view["metrics"]["lifetimeSpend"]) == Decimal(50000)

    spend = await gateway.execute(
        "mutation($i: AdjustPointsInput!) { adjustPoints(input: $i) { userErrors { code } } }",
        i={
            "customerId": customer["id"],
            "points": -40,
            "remark": "goodwill undone",
            "idempotencyKey": uuid.uuid4().hex,
        },
    )
    assert spend["data"]["adjustPoints"]["userErrors"] == []
    rest_back = {**half_back, "event_id": str(uuid.uuid4()), "transaction_id": f"TX-{uuid.uuid4().hex[:12]}"}
    await publish(partner_producer, stack, rest_back)

    async def settled() -> Any:
        loyalty = (await loyalty_view(gateway, customer["id"]))["loyalty"]
        return loyalty if loyalty["pointsDebt"] == 40 else None

    loyalty = await eventually(settled)
    assert loyalty["pointsBalance"] == 0
    await publish(partner_producer, stack, purchase({"customer_id": customer["id"]}, "50000"))
    await balance_becomes(gateway, customer["id"], 10)  # the next 50 points settle the 40 owed first
    assert (await loyalty_view(gateway, customer["id"]))["loyalty"]["pointsDebt"] == 0
    await assert_ledger_matches_balance(mongo, stack, customer["id"])


async def test_customers_are_identified_by_ext_ref_and_by_a_mobile_in_local_format(
    gateway: GraphQLClient, stack: Stack, partner_producer: AIOKafkaProducer, mongo: Mongo
) -> None:
    ext_ref = f"EXT-{uuid.uuid4().hex[:10]}"
    by_ext_ref = await register(gateway, extRef=ext_ref)
    mobile = random_mobile()
    by_mobile = await register(gateway, mobile=mobile)
    await publish(
        partner_producer,
        stack,
        purchase({"ext_ref": ext_ref}, "3000"),
        purchase({"mobile": mobile.replace("+62", "0")}, "4000"),
    )
    await balance_becomes(gateway, by_ext_ref["id"], 3)
    await balance_becomes(gateway, by_mobile["id"], 4)
    await ledger_settles_to(mongo, stack, by_ext_ref["id"], 3)
    await ledger_settles_to(mongo, stack, by_mobile["id"], 4)


async def test_invalid_purchases_are_dead_lettered_with_their_reason_and_consumption_goes_on(
    gateway: GraphQLClient, stack: Stack, partner_producer: AIOKafkaProducer
) -> None:
    customer = await register(gateway)
    who = {"customer_id": customer["id"]}
    unknown_currency = purchase(who, "1000", currency="XYZ")
    total_mismatch = purchase(who, "5000")
    total_mismatch["items"][0]["unit_price"] = "1000"
    negative_quantity = purchase(who, "1000")
    negative_quantity["items"][0]["quantity"] = -1
    unknown_customer = purchase({"customer_id": "no-such-customer"}, "1000")
    member_price = [{"description": "member price", "amount": "1000"}]
    discount_not_taken = purchase(who, "6000", discounts=member_price)
    discounted = purchase(who, "5000", discounts=member_price)
    discounted["items"][0]["unit_price"] = "6000"
    bad = [unknown_currency, total_mismatch, negative_quantity, unknown_customer, discount_not_taken]
    await publish(partner_producer, stack, *bad, purchase(who, "6000"), discounted)
    await balance_becomes(gateway, customer["id"], 6 + 5)

    consumer = AIOKafkaConsumer(
        f"{stack.config.topic_prefix}purchases.dlq",
        bootstrap_servers=stack.config.kafka_bootstrap,
        auto_offset_reset="earliest",
        group_id=f"test-{uuid.uuid4().hex}",
    )
    reasons: dict[str, str] = {}
    await consumer.start()
    try:

        async def all_dead_lettered() -> bool:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                for record in records:
                    reasons[record.value.decode(errors="replace")] = dict(record.headers)["dlq-reason"].decode()
            found = {e["event_id"] for e in bad} & {_event_id(v) for v in reasons}
            return len(found) == len(bad)

        await eventually(all_dead_lettered)
    finally:
        await consumer.stop()
    by_event = {_event_id(value): reason for value, reason in reasons.items()}
    assert by_event[unknown_currency["event_id"]].startswith("unknown currency")
    assert by_event[total_mismatch["event_id"]].startswith("total mismatch")
    assert by_event[negative_quantity["event_id"]].startswith("schema violation: items/0/quantity")
    assert by_event[unknown_customer["event_id"]].startswith("unknown customer")
    assert by_event[discount_not_taken["event_id"]].startswith("total mismatch")
    assert discounted["event_id"] not in by_event


def _event_id(value: str) -> str:
    try:
        return str(json.loads(value).get("event_id"))
    except ValueError:
        return ""
