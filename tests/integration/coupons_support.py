"""Shared helpers of the coupons integration tests (test_coupons_*.py): everything goes through the gateway,
except the events other services would publish, which the tests put on Kafka themselves."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from customer360.events.v1 import events_pb2
from customer360.events.v1.loyalty_events_pb2 import PurchaseRecorded
from google.protobuf.message import Message

from c360.events import new_envelope, parse_envelope, timestamp
from deploy.local.stack import Stack
from tests.integration.conftest import GraphQLClient, eventually, random_mobile

COUPON_FIELDS = "code status issuedAt expiresAt appliedAt transactionId issuedBy remark removedBy campaign { id name }"

ISSUE = f"""
mutation Issue($input: IssueCouponInput!) {{
  issueCoupon(input: $input) {{ coupon {{ {COUPON_FIELDS} }} userErrors {{ field code message }} }}
}}"""

REMOVE = f"""
mutation Remove($code: String!, $remark: String, $customerId: ID) {{
  removeCoupon(code: $code, remark: $remark, customerId: $customerId) {{
    coupon {{ {COUPON_FIELDS} }} userErrors {{ field code message }}
  }}
}}"""

CREATE_CAMPAIGN = """
mutation Create($input: CreateCampaignInput!) {
  createCampaign(input: $input) {
    campaign { id name description discountType discountValue validDays perCustomerLimit totalLimit codePrefix
               active validFrom validUntil reinstateOnReturn }
    userErrors { field code message }
  }
}"""

COUPONS = f"""
query Coupons($id: ID!, $first: Int, $after: String) {{
  customer360(id: $id) {{
    coupons {{
      active(first: $first, after: $after) {{ edges {{ cursor node {{ {COUPON_FIELDS} }} }}
                                              pageInfo {{ hasNextPage endCursor }} }}
      applied {{ edges {{ node {{ {COUPON_FIELDS} }} }} }}
      lapsed {{ edges {{ node {{ {COUPON_FIELDS} }} }} }}
    }}
  }}
}}"""

REGISTER = """
mutation Register($input: RegisterCustomerInput!) {
  registerCustomer(input: $input) { customer { id } userErrors { code } }
}"""


RETRIED_CODES = frozenset({"DEADLINE_EXCEEDED", "UNAVAILABLE"})
NOT_CALLED = frozenset({"UNAVAILABLE"})  # the circuit was open: the backend never saw the request


async def execute_retrying(
    gateway: GraphQLClient, query: str, attempts: int = 12, retried: frozenset[str] = RETRIED_CODES, **variables: Any
) -> dict[str, Any]:
    """Runs a query, or a mutation with an idempotency key, again when it missed the budget on a loaded machine
    or met the gateway's open circuit, as a client would: the same request (the same key) is safe to repeat."""
    for _ in range(attempts - 1):
        body = await gateway.execute(query, **variables)
        codes = {e.get("extensions", {}).get("code") for e in body.get("errors", [])}
        if not codes & retried:
            return body
        await asyncio.sleep(1)
    return await gateway.execute(query, **variables)


async def register(gateway: GraphQLClient, mobile: str | None = None) -> str:
    variables = {"firstName": "Cora", "mobile": mobile or random_mobile()}
    body = await execute_retrying(gateway, REGISTER, retried=NOT_CALLED, input=variables)
    assert "errors" not in body, body
    return str(body["data"]["registerCustomer"]["customer"]["id"])


async def create_campaign(gateway: GraphQLClient, **fields: Any) -> dict[str, Any]:
    definition = {
        "name": "Test campaign",
        "discountType": "PERCENT",
        "discountValue": "15",
        "codePrefix": "TEST",
        "validDays": 10,
        **fields,
    }
    body = await execute_retrying(gateway, CREATE_CAMPAIGN, retried=NOT_CALLED, input=definition)
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["createCampaign"]
    assert payload["userErrors"] == [], payload
    return payload["campaign"]  # type: ignore[no-any-return]


async def expiring_campaign(gateway: GraphQLClient, seconds: float = 4.0) -> tuple[dict[str, Any], datetime]:
    """A campaign whose window (so every coupon of it) ends in `seconds`: long enough to issue on a loaded machine."""
    ends = datetime.now(UTC) + timedelta(seconds=seconds)
    return await create_campaign(gateway, validDays=None, validUntil=ends.isoformat()), ends


async def until(moment: datetime) -> None:
    await asyncio.sleep(max(0.0, (moment - datetime.now(UTC)).total_seconds()) + 0.2)


async def issue(gateway: GraphQLClient, customer_id: str, campaign_id: str, key: str | None = None) -> dict[str, Any]:
    """The issueCoupon payload (coupon and userErrors)."""
    variables = {"customerId": customer_id, "campaignId": campaign_id, "idempotencyKey": key or uuid.uuid4().hex}
    body = await execute_retrying(gateway, ISSUE, input=variables)
    assert "errors" not in body, body
    return body["data"]["issueCoupon"]  # type: ignore[no-any-return]


async def issued_coupon(gateway: GraphQLClient, customer_id: str, campaign_id: str) -> dict[str, Any]:
    payload = await issue(gateway, customer_id, campaign_id)
    assert payload["userErrors"] == [], payload
    return payload["coupon"]  # type: ignore[no-any-return]


async def coupons_of(gateway: GraphQLClient, customer_id: str, **variables: Any) -> dict[str, Any]:
    body = await execute_retrying(gateway, COUPONS, id=customer_id, **variables)
    assert "errors" not in body, body
    return body["data"]["customer360"]["coupons"]  # type: ignore[no-any-return]


def codes(connection: dict[str, Any]) -> list[str]:
    return [edge["node"]["code"] for edge in connection["edges"]]


async def publish_event(
    producer: AIOKafkaProducer, stack: Stack, topic: str, customer_id: str, payload: Message
) -> None:
    """What another service's outbox relay would publish."""
    envelope = new_envelope(customer_id, "test", payload, actor="system")
    await producer.send_and_wait(
        f"{stack.config.topic_prefix}{topic}", value=envelope.SerializeToString(), key=customer_id.encode()
    )


async def publish_purchase(
    producer: AIOKafkaProducer,
    stack: Stack,
    customer_id: str,
    codes: list[str],
    transaction_id: str | None = None,
    kind: str = "SALE",
    original_transaction_id: str = "",
) -> str:
    """Loyalty's PurchaseRecorded for a stored purchase; returns its transaction id."""
    transaction_id = transaction_id or f"TX-{uuid.uuid4().hex[:12]}"
    purchase = PurchaseRecorded(
        transaction_id=transaction_id,
        partner_id="pos-1",
        kind=kind,
        original_transaction_id=original_transaction_id,
        total="100000",
        currency="IDR",
        occurred_at=timestamp(datetime.now(UTC)),
        coupon_codes=codes,
    )
    await publish_event(producer, stack, "loyalty.events", customer_id, purchase)
    return transaction_id


class CouponsEvents:
    """Reads `coupons.events` from the start, for assertions on what the service published."""

    def __init__(self, stack: Stack) -> None:
        self._consumer = AIOKafkaConsumer(
            f"{stack.config.topic_prefix}coupons.events",
            bootstrap_servers=stack.config.kafka_bootstrap,
            auto_offset_reset="earliest",
            group_id=f"test-{uuid.uuid4().hex}",
        )
        self.seen: list[events_pb2.EventEnvelope] = []

    async def start(self) -> None:
        await self._consumer.start()

    async def stop(self) -> None:
        await self._consumer.stop()

    async def of_customer(self, customer_id: str, type_name: str, count: int = 1) -> list[events_pb2.EventEnvelope]:
        """Waits until `count` events of that type for that customer have been seen."""

        async def matching() -> list[events_pb2.EventEnvelope] | None:
            batches = await self._consumer.getmany(timeout_ms=300)
            self.seen += [parse_envelope(r.value) for records in batches.values() for r in records]
            found = [e for e in self.seen if e.customer_id == customer_id and e.payload.TypeName().endswith(type_name)]
            return found if len(found) >= count else None

        return await eventually(matching)  # type: ignore[no-any-return]
