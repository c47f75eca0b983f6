"""The foundation's end-to-end slice, through the gateway's HTTP endpoint and a real Kafka producer:
register -> account opened -> partner purchase earns points -> customer360 shows them;
a duplicate earns once; malformed events go to the dead-letter topic and the consumer keeps going.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from customer360.events.v1.profile_events_pb2 import CustomerRegistered
from pymongo import AsyncMongoClient

from c360.events import parse_envelope, unpack
from deploy.local.stack import Stack
from tests.integration.conftest import GraphQLClient, eventually, random_mobile

EXAMPLE = Path(__file__).resolve().parents[3] / "shared" / "contracts" / "purchase-event.example.json"

REGISTER = """
mutation Register($input: RegisterCustomerInput!) {
  registerCustomer(input: $input) {
    customer { id profile { firstName mobile email status referralCode memberSince } }
    userErrors { field code message }
  }
}"""

VIEW = """
query View($id: ID!) {
  customer360(id: $id) { id profile { firstName mobile } loyalty { pointsBalance lifetimePoints tier } }
}"""


def purchase(mobile: str, total: str, **changes: Any) -> dict[str, Any]:
    event: dict[str, Any] = json.loads(EXAMPLE.read_text())
    event.update(
        event_id=str(uuid.uuid4()),
        transaction_id=f"TX-{uuid.uuid4().hex[:10]}",
        customer={"mobile": mobile},
        total=total,
        items=[{"sku": "SKU-1", "quantity": 1, "unit_price": total}],
        coupon_codes=[],
    )
    event.update(changes)
    return event


async def publish(producer: AIOKafkaProducer, stack: Stack, key: str, value: bytes) -> None:
    await producer.send_and_wait(f"{stack.config.topic_prefix}purchases", value=value, key=key.encode())


async def register(gateway: GraphQLClient, mobile: str) -> dict[str, Any]:
    body = await gateway.execute(REGISTER, input={"firstName": "Ana", "mobile": mobile, "email": "Ana@Example.com"})
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["registerCustomer"]
    assert payload["userErrors"] == []
    return payload["customer"]


async def points_of(gateway: GraphQLClient, customer_id: str) -> int | None:
    body = await gateway.execute(VIEW, id=customer_id)
    loyalty = body["data"]["customer360"]["loyalty"]
    return loyalty["pointsBalance"] if loyalty else None


async def test_registration_through_the_gateway_stores_publishes_and_opens_an_account(
    gateway: GraphQLClient, stack: Stack, mongo: AsyncMongoClient[dict[str, Any]]
) -> None:
    mobile = random_mobile()
    customer = await register(gateway, mobile.replace("+62", "0"))
    profile = customer["profile"]
    assert profile["mobile"] == mobile
    assert profile["email"] == "ana@example.com"
    assert profile["status"] == "ACTIVE"
    assert len(profile["referralCode"]) == 7

    stored = await mongo[f"{stack.config.database_prefix}profile"]["customers"].find_one({"_id": customer["id"]})
    assert stored is not None
    assert stored["mobile"] == mobile

    accounts = mongo[f"{stack.config.database_prefix}loyalty"]["accounts"]
    account = await eventually(lambda: accounts.find_one({"_id": customer["id"]}))
    assert account["points_balance"] == 0


async def test_customer_registered_event_is_on_kafka(gateway: GraphQLClient, stack: Stack) -> None:
    consumer = AIOKafkaConsumer(
        f"{stack.config.topic_prefix}profile.events",
        bootstrap_servers=stack.config.kafka_bootstrap,
        auto_offset_reset="earliest",
        group_id=f"test-{uuid.uuid4().hex}",
    )
    await consumer.start()
    try:
        customer = await register(gateway, random_mobile())

        async def registered_event() -> Any:
            batches = await consumer.getmany(timeout_ms=500)
            for records in batches.values():
                for record in records:
                    envelope = parse_envelope(record.value)
                    if envelope.customer_id == customer["id"]:
                        return envelope
            return None

        envelope = await eventually(registered_event)
        registered = unpack(envelope, CustomerRegistered)
        assert registered is not None
        assert registered.customer.mobile == customer["profile"]["mobile"]
    finally:
        await consumer.stop()


async def test_partner_purchase_earns_points_once_even_when_delivered_twice(
    gateway: GraphQLClient, stack: Stack, partner_producer: AIOKafkaProducer
) -> None:
    mobile = random_mobile()
    customer = await register(gateway, mobile)
    event = json.dumps(purchase(mobile, "185000.00")).encode()
    await publish(partner_producer, stack, mobile, event)
    await publish(partner_producer, stack, mobile, event)  # the same event again
    same_transaction = purchase(mobile, "185000.00")
    await publish(partner_producer, stack, mobile, json.dumps(same_transaction).encode())
    retry = {**same_transaction, "event_id": str(uuid.uuid4())}  # a partner retry: new event id, same transaction
    await publish(partner_producer, stack, mobile, json.dumps(retry).encode())
    marker = purchase(mobile, "1000.00")  # published last; same partition, so earlier ones are done when it is
    await publish(partner_producer, stack, mobile, json.dumps(marker).encode())

    await eventually(lambda: _equals(points_of(gateway, customer["id"]), 185 + 185 + 1))
    body = await gateway.execute(VIEW, id=customer["id"])
    view = body["data"]["customer360"]
    assert view["profile"]["firstName"] == "Ana"
    assert view["loyalty"] == {"pointsBalance": 371, "lifetimePoints": 371, "tier": "BRONZE"}


async def test_purchase_for_an_unknown_mobile_enrols_the_customer(
    gateway: GraphQLClient, stack: Stack, partner_producer: AIOKafkaProducer
) -> None:
    mobile = random_mobile()
    await publish(partner_producer, stack, mobile, json.dumps(purchase(mobile, "5000")).encode())
    query = "query($m: String!) { customerByMobile(mobile: $m) { id loyalty { pointsBalance } } }"

    async def enrolled_with_points() -> Any:
        found = (await gateway.execute(query, m=mobile))["data"]["customerByMobile"]
        return found if found and found["loyalty"]["pointsBalance"] == 5 else None

    await eventually(enrolled_with_points)


async def test_malformed_events_are_dead_lettered_with_a_reason_and_consumption_continues(
    gateway: GraphQLClient, stack: Stack, partner_producer: AIOKafkaProducer
) -> None:
    mobile = random_mobile()
    customer = await register(gateway, mobile)
    bad_json = b'{"event_id": "x", oops'
    schema_violation = json.dumps({**purchase(mobile, "1000"), "currency": "rupiah"}).encode()
    await publish(partner_producer, stack, mobile, bad_json)
    await publish(partner_producer, stack, mobile, schema_violation)
    await publish(partner_producer, stack, mobile, json.dumps(purchase(mobile, "7000")).encode())

    await eventually(lambda: _equals(points_of(gateway, customer["id"]), 7))

    consumer = AIOKafkaConsumer(
        f"{stack.config.topic_prefix}purchases.dlq",
        bootstrap_servers=stack.config.kafka_bootstrap,
        auto_offset_reset="earliest",
        group_id=f"test-{uuid.uuid4().hex}",
    )
    await consumer.start()
    reasons: dict[bytes, str] = {}
    try:

        async def both_dead_lettered() -> bool:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                for record in records:
                    reasons[record.value] = dict(record.headers)["dlq-reason"].decode()
            return bad_json in reasons and schema_violation in reasons

        await eventually(both_dead_lettered)
    finally:
        await consumer.stop()
    assert reasons[bad_json].startswith("not JSON")
    assert reasons[schema_violation].startswith("schema violation: currency")


async def _equals(value: Any, expected: Any) -> bool:
    return bool(await value == expected)
