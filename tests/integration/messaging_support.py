"""Helpers the messaging tests share: customers in a chosen time of day, profile events, GraphQL documents."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import phonenumbers
from aiokafka import AIOKafkaProducer
from customer360.events.v1 import profile_events_pb2
from google.protobuf.message import Message
from phonenumbers import timezone as phone_timezones

from c360.events import new_envelope
from deploy.local.stack import Stack
from services.messaging.domain.quiet_hours import QuietHours
from tests.integration.conftest import GraphQLClient, eventually

QUIET = QuietHours.parse("21:00-08:00")  # the service's default
PATIENCE = 40.0  # seconds an event may take through Kafka and two services on a busy shared machine
assert QUIET is not None

REGISTER = """
mutation Register($input: RegisterCustomerInput!) {
  registerCustomer(input: $input) { customer { id } userErrors { code message } }
}"""

SEND = """
mutation Send($input: SendMessageInput!) {
  sendMessage(input: $input) {
    message { id channel body status sentAt failureReason sentBy }
    userErrors { field code message }
  }
}"""

MESSAGING = """
query Messaging($id: ID!, $channel: Channel) {
  customer360(id: $id) { messaging {
    communications(first: 50, channel: $channel) {
      edges { cursor node { id channel body status sentAt failureReason sentBy } }
      pageInfo { hasNextPage endCursor }
    }
    inbox { edges { node { id title shortDescription distributedAt expiresAt status } } }
    campaignsReceived { edges { node { campaign channel receivedAt } } }
    whatsappSessionOpenUntil
  } }
}"""


def mobile_where_local_time(quiet: bool) -> str:
    """A random valid mobile whose country (one time zone) is now inside (or outside) quiet hours,
    at least an hour from either edge so the answer holds for the whole test."""
    now = datetime.now(UTC)
    regions = sorted(phonenumbers.SUPPORTED_REGIONS)
    random.shuffle(regions)
    for region in regions:
        example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
        zones = phone_timezones.time_zones_for_number(example) if example else ()
        if not example or len(zones) != 1 or zones[0] == phone_timezones.UNKNOWN_TIMEZONE:
            continue
        zone = ZoneInfo(zones[0])
        if not all(QUIET.contains((now + timedelta(minutes=m)).astimezone(zone).time()) == quiet for m in (-60, 60)):
            continue
        national = str(example.national_number)
        if len(national) < 9:
            continue
        for _ in range(50):
            digits = national[:-5] + f"{random.randint(0, 99_999):05d}"
            number = phonenumbers.parse(f"+{example.country_code}{digits}")
            if phonenumbers.is_valid_number(number) and phone_timezones.time_zones_for_number(number) == zones:
                return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    raise AssertionError("no country found at that time of day")


async def register(gateway: GraphQLClient, mobile: str, email: str | None = None, first_name: str = "Rina") -> str:
    body = await gateway.execute(REGISTER, input={"firstName": first_name, "mobile": mobile, "email": email})
    assert "errors" not in body, body
    assert body["data"]["registerCustomer"]["userErrors"] == [], body
    customer_id: str = body["data"]["registerCustomer"]["customer"]["id"]
    return customer_id


async def known_to_messaging(gateway: GraphQLClient, customer_id: str) -> None:
    """Waits until messaging's projection has the customer (it follows profile events)."""
    await eventually(lambda: _projected(gateway, customer_id), within_seconds=PATIENCE, interval=0.2)


async def _projected(gateway: GraphQLClient, customer_id: str) -> bool:
    body = await send(gateway, customer_id, "SMS", key="projection-probe", templateId="no-such-template")
    return body["userErrors"][0]["code"] != "UNKNOWN_CUSTOMER"


async def registered(gateway: GraphQLClient, *, quiet: bool = False, email: str | None = None) -> tuple[str, str]:
    """A customer messaging already knows: (id, mobile)."""
    mobile = mobile_where_local_time(quiet)
    customer_id = await register(gateway, mobile, email)
    await known_to_messaging(gateway, customer_id)
    return customer_id, mobile


async def send(gateway: GraphQLClient, customer_id: str, channel: str, key: str, **fields: Any) -> dict[str, Any]:
    body = await gateway.execute(
        SEND, input={"customerId": customer_id, "channel": channel, "idempotencyKey": key, **fields}
    )
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["sendMessage"]
    return payload


async def messaging_of(gateway: GraphQLClient, customer_id: str, channel: str | None = None) -> dict[str, Any]:
    body = await gateway.execute(MESSAGING, id=customer_id, channel=channel)
    assert "errors" not in body, body
    section: dict[str, Any] = body["data"]["customer360"]["messaging"]
    return section


async def message_status(gateway: GraphQLClient, customer_id: str, message_id: str) -> dict[str, Any] | None:
    section = await messaging_of(gateway, customer_id)
    return next((e["node"] for e in section["communications"]["edges"] if e["node"]["id"] == message_id), None)


async def status_becomes(gateway: GraphQLClient, customer_id: str, message_id: str, status: str) -> dict[str, Any]:
    async def probe() -> dict[str, Any] | None:
        node = await message_status(gateway, customer_id, message_id)
        return node if node and node["status"] == status else None

    found: dict[str, Any] = await eventually(probe, within_seconds=PATIENCE)
    return found


async def publish_event(
    producer: AIOKafkaProducer, stack: Stack, topic: str, customer_id: str, payload: Message
) -> str:
    """Publishes an event envelope as its owning service would; returns the event id."""
    envelope = new_envelope(customer_id, topic.split(".")[0], payload, actor="tests")
    await producer.send_and_wait(
        f"{stack.config.topic_prefix}{topic}", value=envelope.SerializeToString(), key=customer_id.encode()
    )
    return envelope.event_id


async def opt_in(
    producer: AIOKafkaProducer, stack: Stack, customer_id: str, campaign: str, opted_in: bool = True
) -> None:
    await publish_event(
        producer,
        stack,
        "profile.events",
        customer_id,
        profile_events_pb2.OptInChanged(campaign=campaign, opted_in=opted_in),
    )


async def link_channel(producer: AIOKafkaProducer, stack: Stack, customer_id: str, channel: str, link_id: str) -> None:
    await publish_event(
        producer,
        stack,
        "profile.events",
        customer_id,
        profile_events_pb2.ChannelLinkChanged(channel=channel, link_id=link_id),
    )
