"""Redemption: loyalty's PurchaseRecorded applies a coupon once, for its owner, while ACTIVE and unexpired;
other codes are rejected with a reason and the purchase still counts; a RETURN can give the coupon back."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaProducer
from customer360.events.v1.coupons_events_pb2 import CouponApplied
from pymongo import AsyncMongoClient

from c360.events import unpack
from deploy.local.stack import Stack
from tests.integration.conftest import GraphQLClient, eventually, random_mobile
from tests.integration.coupons_support import (
    CouponsEvents,
    codes,
    coupons_of,
    expiring_campaign,
    issued_coupon,
    publish_purchase,
    register,
    until,
)

Mongo = AsyncMongoClient[dict[str, Any]]
EXAMPLE = Path(__file__).resolve().parents[3] / "shared" / "contracts" / "purchase-event.example.json"


async def applied(gateway: GraphQLClient, customer_id: str) -> list[dict[str, Any]]:
    return [edge["node"] for edge in (await coupons_of(gateway, customer_id))["applied"]["edges"]]


async def rejections(mongo: Mongo, stack: Stack, transaction_id: str) -> list[dict[str, Any]]:
    cursor = mongo[f"{stack.config.database_prefix}coupons"]["redemption_rejections"].find(
        {"transaction_id": transaction_id}
    )
    return [doc async for doc in cursor]


async def test_a_purchase_with_the_code_applies_the_coupon_once_with_transaction_and_time(
    gateway: GraphQLClient, stack: Stack, partner_producer: AIOKafkaProducer
) -> None:
    customer_id = await register(gateway)
    coupon = await issued_coupon(gateway, customer_id, "welcome")
    transaction = await publish_purchase(partner_producer, stack, customer_id, [coupon["code"].lower()])
    await publish_purchase(partner_producer, stack, customer_id, [coupon["code"]], transaction_id=transaction)

    [used] = await eventually(lambda: applied(gateway, customer_id))
    assert (used["code"], used["status"], used["transactionId"]) == (coupon["code"], "APPLIED", transaction)
    assert used["appliedAt"] is not None
    section = await coupons_of(gateway, customer_id)
    assert codes(section["active"]) == []


async def test_applying_publishes_coupon_applied_once_even_when_the_purchase_is_delivered_twice(
    gateway: GraphQLClient, stack: Stack, partner_producer: AIOKafkaProducer
) -> None:
    events = CouponsEvents(stack)
    await events.start()
    try:
        customer_id = await register(gateway)
        coupon = await issued_coupon(gateway, customer_id, "welcome")
        transaction = await publish_purchase(partner_producer, stack, customer_id, [coupon["code"]])
        await publish_purchase(partner_producer, stack, customer_id, [coupon["code"]], transaction_id=transaction)
        [envelope] = await events.of_customer(customer_id, "CouponApplied")
        payload = unpack(envelope, CouponApplied)
        assert payload is not None
        assert (payload.code, payload.transaction_id, payload.campaign_id) == (coupon["code"], transaction, "welcome")
        await asyncio.sleep(1.5)
        assert len(await events.of_customer(customer_id, "CouponApplied")) == 1
    finally:
        await events.stop()


async def test_a_second_purchase_with_an_applied_code_is_rejected_as_already_applied(
    gateway: GraphQLClient, stack: Stack, partner_producer: AIOKafkaProducer, mongo: Mongo
) -> None:
    customer_id = await register(gateway)
    coupon = await issued_coupon(gateway, customer_id, "welcome")
    first = await publish_purchase(partner_producer, stack, customer_id, [coupon["code"]])
    await eventually(lambda: applied(gateway, customer_id))
    second = await publish_purchase(partner_producer, stack, customer_id, [coupon["code"]])
    [rejected] = await eventually(lambda: rejections(mongo, stack, second))
    assert (rejected["code"], rejected["reason"]) == (coupon["code"], "ALREADY_APPLIED")
    [used] = await applied(gateway, customer_id)
    assert used["transactionId"] == first


async def test_a_code_of_another_customer_is_rejected_and_stays_active(
    gateway: GraphQLClient, stack: Stack, partner_producer: AIOKafkaProducer, mongo: Mongo
) -> None:
    owner, other = await register(gateway), await register(gateway)
    coupon = await issued_coupon(gateway, owner, "welcome")
    transaction = await publish_purchase(partner_producer, stack, other, [coupon["code"], "NOPE-2345678923"])

    async def both_judged() -> list[dict[str, Any]] | None:
        found = await rejections(mongo, stack, transaction)
        return found if len(found) == 2 else None

    found = await eventually(both_judged)
    reasons = {doc["code"]: (doc["reason"], doc["customer_id"]) for doc in found}
    assert reasons == {coupon["code"]: ("OTHER_CUSTOMER", other), "NOPE-2345678923": ("UNKNOWN_CODE", other)}
    assert codes((await coupons_of(gateway, owner))["active"]) == [coupon["code"]]


async def test_an_expired_coupon_is_rejected_as_expired(
    gateway: GraphQLClient, stack: Stack, partner_producer: AIOKafkaProducer, mongo: Mongo
) -> None:
    customer_id = await register(gateway)
    campaign, ends = await expiring_campaign(gateway)
    coupon = await issued_coupon(gateway, customer_id, campaign["id"])
    await until(ends)
    transaction = await publish_purchase(partner_producer, stack, customer_id, [coupon["code"]])
    [rejected] = await eventually(lambda: rejections(mongo, stack, transaction))
    assert rejected["reason"] in {"EXPIRED", "LAPSED"}  # the lapse job may get there first
    assert await applied(gateway, customer_id) == []


async def test_a_return_reinstates_the_coupon_when_the_campaign_allows_it(
    gateway: GraphQLClient, stack: Stack, partner_producer: AIOKafkaProducer
) -> None:
    customer_id = await register(gateway)
    kept = await issued_coupon(gateway, customer_id, "service-recovery")  # campaign does not reinstate
    given_back = await issued_coupon(gateway, customer_id, "welcome")  # campaign reinstates on return
    sale = await publish_purchase(partner_producer, stack, customer_id, [kept["code"], given_back["code"]])

    async def both_applied() -> bool:
        return len(await applied(gateway, customer_id)) == 2

    await eventually(both_applied)
    await publish_purchase(partner_producer, stack, customer_id, [], kind="RETURN", original_transaction_id=sale)

    async def reinstated() -> list[str]:
        return codes((await coupons_of(gateway, customer_id))["active"])

    assert await eventually(reinstated) == [given_back["code"]]
    [still_used] = await applied(gateway, customer_id)
    assert (still_used["code"], still_used["transactionId"]) == (kept["code"], sale)


def partner_purchase(mobile: str, **changes: Any) -> dict[str, Any]:
    """A purchase as a partner's POS publishes it on `purchases` (the published contract's example, adapted)."""
    event: dict[str, Any] = json.loads(EXAMPLE.read_text())
    event.update(
        event_id=str(uuid.uuid4()),
        transaction_id=f"TX-{uuid.uuid4().hex[:10]}",
        occurred_at=datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        customer={"mobile": mobile},
        **changes,
    )
    return event


async def send_to_partner_topic(producer: AIOKafkaProducer, stack: Stack, event: dict[str, Any]) -> None:
    await producer.send_and_wait(
        f"{stack.config.topic_prefix}purchases",
        value=json.dumps(event).encode(),
        key=event["customer"]["mobile"].encode(),
    )


async def test_a_partner_purchase_applies_the_code_and_its_partner_return_gives_it_back_end_to_end(
    gateway: GraphQLClient, stack: Stack, partner_producer: AIOKafkaProducer
) -> None:
    """Partner POS -> `purchases` -> loyalty stores it and publishes PurchaseRecorded -> coupons applies the code."""
    mobile = random_mobile()
    customer_id = await register(gateway, mobile)
    coupon = await issued_coupon(gateway, customer_id, "welcome")
    sale = partner_purchase(mobile, coupon_codes=[coupon["code"]])
    await send_to_partner_topic(partner_producer, stack, sale)
    [used] = await eventually(lambda: applied(gateway, customer_id), within_seconds=40)
    assert (used["code"], used["transactionId"]) == (coupon["code"], sale["transaction_id"])

    returned = partner_purchase(mobile, type="RETURN", original_transaction_id=sale["transaction_id"], coupon_codes=[])
    await send_to_partner_topic(partner_producer, stack, returned)

    async def reinstated() -> list[str]:
        return codes((await coupons_of(gateway, customer_id))["active"])

    assert await eventually(reinstated, within_seconds=40) == [coupon["code"]]
