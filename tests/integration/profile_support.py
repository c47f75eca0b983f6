"""Helpers shared by the profile's integration tests (tests/integration/test_profile_*.py)."""

from __future__ import annotations

import asyncio
from typing import Any

from aiokafka import AIOKafkaConsumer
from customer360.events.v1 import events_pb2
from google.protobuf.message import Message

from c360.events import parse_envelope, unpack
from deploy.local.stack import Stack
from tests.integration.conftest import GraphQLClient, random_mobile

PROFILE_FIELDS = """
  id firstName lastName mobile email customerType status extRef dateOfBirth gender maritalStatus referralCode
  address { street city postcode state country }
  attributes { name value } tags { key value } lists { id name }
  optIns { campaign optedIn updatedAt } channelLinks { channel linkId }
"""

CUSTOMER_PAYLOAD = f"customer {{ id profile {{ {PROFILE_FIELDS} }} }} userErrors {{ field code message }}"

REGISTER = f"""
mutation Register($input: RegisterCustomerInput!) {{ registerCustomer(input: $input) {{ {CUSTOMER_PAYLOAD} }} }}"""

PROFILE = f"""
query Profile($id: ID!) {{ customer360(id: $id) {{ id profile {{ {PROFILE_FIELDS} }} }} }}"""


async def register(gateway: GraphQLClient, **fields: Any) -> dict[str, Any]:
    data = {"firstName": "Ana", "mobile": random_mobile(), **fields}
    body = await gateway.execute(REGISTER, input=data)
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["registerCustomer"]
    assert payload["userErrors"] == [], payload
    return payload["customer"]


async def profile_of(gateway: GraphQLClient, customer_id: str) -> dict[str, Any] | None:
    body = await gateway.execute(PROFILE, id=customer_id)
    assert "errors" not in body, body
    view = body["data"]["customer360"]
    return view["profile"] if view else None


async def mutate(gateway: GraphQLClient, document: str, name: str, **variables: Any) -> dict[str, Any]:
    """The mutation's payload; fails the test on GraphQL errors (refusals come back as userErrors)."""
    body = await gateway.execute(document, **variables)
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"][name]
    return payload


def error_codes(payload: dict[str, Any]) -> list[str]:
    return [e["code"] for e in payload["userErrors"]]


async def domain_events(
    stack: Stack,
    topic: str,
    customer_id: str,
    payload_type: type[Message],
    count: int = 1,
    within_seconds: float = 20.0,
) -> list[tuple[events_pb2.EventEnvelope, Any]]:
    """Every event of `payload_type` about one customer on a topic so far, waiting until there are `count`."""
    name = f"{stack.config.topic_prefix}{topic}"
    consumer = AIOKafkaConsumer(
        name, bootstrap_servers=stack.config.kafka_bootstrap, enable_auto_commit=False, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        while not consumer.assignment():  # noqa: ASYNC110 - no group: partitions are assigned once metadata is in
            await asyncio.sleep(0.05)
        partitions = sorted(consumer.assignment())
        found: list[tuple[events_pb2.EventEnvelope, Any]] = []
        deadline = asyncio.get_running_loop().time() + within_seconds
        while True:
            ends = await consumer.end_offsets(partitions)
            while any([await consumer.position(p) < ends[p] for p in partitions]):
                for records in (await consumer.getmany(timeout_ms=500)).values():
                    for record in records:
                        envelope = parse_envelope(record.value)
                        payload = unpack(envelope, payload_type)
                        seen = {e.event_id for e, _ in found}
                        if (
                            envelope.customer_id == customer_id
                            and payload is not None
                            and envelope.event_id not in seen
                        ):
                            found.append((envelope, payload))
            if len(found) >= count or asyncio.get_running_loop().time() > deadline:
                return found
            await asyncio.sleep(0.2)
    finally:
        await consumer.stop()
