"""CouponIssued, published through the outbox, reaches the other services: messaging tells an opted-in
customer, and the profile timeline shows the coupon's story."""

from __future__ import annotations

from typing import Any

from aiokafka import AIOKafkaProducer
from pymongo import AsyncMongoClient

from deploy.local.stack import Stack
from tests.integration.conftest import GraphQLClient, eventually
from tests.integration.coupons_support import REMOVE, issued_coupon, publish_purchase, register

VIEW = """
query View($id: ID!) {
  customer360(id: $id) {
    messaging { communications { edges { node { body channel } } } }
    timeline(first: 50) { edges { node { type summary } } }
  }
}"""


async def view(gateway: GraphQLClient, customer_id: str) -> dict[str, Any]:
    body = await gateway.execute(VIEW, id=customer_id)
    return body["data"]["customer360"]  # type: ignore[no-any-return]


async def test_an_opted_in_customer_is_told_of_the_coupon_and_the_timeline_shows_its_story(
    gateway: GraphQLClient, stack: Stack, partner_producer: AIOKafkaProducer, mongo: AsyncMongoClient[dict[str, Any]]
) -> None:
    customer_id = await register(gateway)
    opted = await gateway.execute(
        'mutation($id: ID!) { setOptIn(customerId: $id, campaign: "coupons", optedIn: true) { userErrors { code } } }',
        id=customer_id,
    )
    assert opted["data"]["setOptIn"]["userErrors"] == [], opted
    # The consent travels on profile.events, the coupon on coupons.events: Kafka orders neither against the
    # other, so the customer counts as opted in for messaging once its copy of the consent says so.
    recipients = mongo[f"{stack.config.database_prefix}messaging"]["recipients"]
    await eventually(lambda: recipients.find_one({"_id": customer_id, "opt_ins.coupons": True}))
    applied = await issued_coupon(gateway, customer_id, "welcome")
    removed = await issued_coupon(gateway, customer_id, "service-recovery")

    async def told() -> list[str]:
        messaging = (await view(gateway, customer_id))["messaging"] or {"communications": {"edges": []}}
        return [e["node"]["body"] for e in messaging["communications"]["edges"] if applied["code"] in e["node"]["body"]]

    assert await eventually(told, within_seconds=30)
    await gateway.execute(REMOVE, code=removed["code"], remark="duplicate")
    await publish_purchase(partner_producer, stack, customer_id, [applied["code"]])

    async def story() -> set[str] | None:
        timeline = (await view(gateway, customer_id))["timeline"] or {"edges": []}
        types = {e["node"]["type"] for e in timeline["edges"]}
        wanted = {"CouponIssued", "CouponRemoved", "CouponApplied"}
        return types if wanted <= types else None

    await eventually(story, within_seconds=30)
