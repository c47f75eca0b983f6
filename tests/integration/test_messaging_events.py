"""Messaging reacting to other services' events on the real stack: coupon notifications on the preferred
channel only with consent (once per event), and erasure anonymising the log and stopping every message."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from customer360.events.v1 import coupons_events_pb2, messaging_events_pb2, profile_events_pb2

from c360.events import new_envelope, parse_envelope, timestamp, unpack
from deploy.local.stack import Stack
from tests.integration.conftest import GraphQLClient, eventually
from tests.integration.messaging_support import messaging_of, opt_in, publish_event, registered, send, status_becomes
from tests.integration.provider_doubles import ProviderDoubles


def key() -> str:
    return uuid.uuid4().hex


async def coupon_issued(
    producer: AIOKafkaProducer, stack: Stack, customer_id: str, code: str, valid: timedelta = timedelta(days=14)
) -> bytes:
    """Publishes CouponIssued to partition 0 (so events of several customers keep their order); returns it."""
    payload = coupons_events_pb2.CouponIssued(
        code=code,
        campaign_id="CAMP-1",
        campaign_name="Ten percent off",
        expires_at=timestamp(datetime.now(UTC) + valid),
    )
    value = new_envelope(customer_id, "coupons", payload, actor="tests").SerializeToString()
    await producer.send_and_wait(
        f"{stack.config.topic_prefix}coupons.events", value=value, key=customer_id.encode(), partition=0
    )
    return value


async def test_a_coupon_issued_to_an_opted_in_customer_is_notified_once_on_the_preferred_channel(
    gateway: GraphQLClient, partner_producer: AIOKafkaProducer, stack: Stack, message_providers: ProviderDoubles
) -> None:
    not_opted_email = f"no.{key()[:8]}@example.com"
    not_opted_id, _ = await registered(gateway, email=not_opted_email)
    email = f"yes.{key()[:8]}@example.com"
    customer_id, _ = await registered(gateway, email=email)
    await opt_in(partner_producer, stack, customer_id, "coupons")
    await eventually(lambda: opted_in(gateway, customer_id))

    await coupon_issued(partner_producer, stack, not_opted_id, "SAVE-NOPE")
    event = await coupon_issued(partner_producer, stack, customer_id, "SAVE-10")
    await partner_producer.send_and_wait(  # the same event again: at-least-once delivery
        f"{stack.config.topic_prefix}coupons.events", value=event, key=customer_id.encode(), partition=0
    )

    mails = await eventually(lambda: _mails(message_providers, email))
    assert len(mails) == 1
    assert "code SAVE-10" in mails[0].get_payload()

    async def campaigns_received() -> list[tuple[str, str]]:  # once SENT is written, just after the mail left
        edges = (await messaging_of(gateway, customer_id))["campaignsReceived"]["edges"]
        return [(e["node"]["campaign"], e["node"]["channel"]) for e in edges] if len(edges) == 2 else []

    # Newest first: the coupon e-mail, then the SMS that probed the opt-in.
    assert await eventually(campaigns_received) == [("coupons", "EMAIL"), ("coupons", "SMS")]
    section = await messaging_of(gateway, customer_id)
    inbox = [e["node"] for e in section["inbox"]["edges"]]
    assert [(i["title"], i["status"]) for i in inbox] == [("New coupon: Ten percent off", "NEW")]
    assert inbox[0]["expiresAt"] is not None
    # Partition 0 is consumed in order, so the first coupon was handled before the second: no consent, no message.
    assert message_providers.mailbox.to(not_opted_email) == []
    assert (await messaging_of(gateway, not_opted_id))["communications"]["edges"] == []
    sent = await published(stack, customer_id, messaging_events_pb2.MessageSent)
    assert (sent.channel, sent.campaign, sent.status) == ("EMAIL", "coupons", "SENT")


async def test_an_inbox_item_past_its_expiry_is_expired_and_cannot_be_marked_read(
    gateway: GraphQLClient, partner_producer: AIOKafkaProducer, stack: Stack
) -> None:
    customer_id, _ = await registered(gateway)
    await opt_in(partner_producer, stack, customer_id, "coupons")
    await eventually(lambda: opted_in(gateway, customer_id))

    await coupon_issued(partner_producer, stack, customer_id, "SAVE-OLD", valid=timedelta(seconds=-1))

    async def inbox() -> list[dict[str, Any]]:
        return [e["node"] for e in (await messaging_of(gateway, customer_id))["inbox"]["edges"]]

    item = (await eventually(inbox))[0]
    assert item["status"] == "EXPIRED"
    body = await gateway.execute(
        "mutation($c: ID!, $m: ID!) { markInboxRead(customerId: $c, messageId: $m) { message { id } "
        "userErrors { field code } } }",
        c=customer_id,
        m=item["id"],
    )
    assert body["data"]["markInboxRead"] == {
        "message": None,
        "userErrors": [{"field": ["messageId"], "code": "INBOX_EXPIRED"}],
    }


async def test_campaign_messages_need_the_customers_opt_in(
    gateway: GraphQLClient, partner_producer: AIOKafkaProducer, stack: Stack
) -> None:
    customer_id, _ = await registered(gateway)

    refused = await send(gateway, customer_id, "SMS", key(), body="Newsletter", campaign="newsletter")
    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [("CONSENT_REQUIRED", ["input", "campaign"])]

    await opt_in(partner_producer, stack, customer_id, "newsletter")
    await eventually(lambda: opted_in(gateway, customer_id, "newsletter"))

    async def received() -> list[tuple[str, str]]:
        edges = (await messaging_of(gateway, customer_id))["campaignsReceived"]["edges"]
        return [(e["node"]["campaign"], e["node"]["channel"]) for e in edges]

    assert await eventually(received) == [("newsletter", "SMS")]


async def test_an_erased_customer_is_anonymised_in_the_log_and_never_messaged_again(
    gateway: GraphQLClient, partner_producer: AIOKafkaProducer, stack: Stack, message_providers: ProviderDoubles
) -> None:
    customer_id, mobile = await registered(gateway, quiet=True)
    held = await send(gateway, customer_id, "SMS", key(), body="Sale tomorrow, Rina!")
    assert held["message"]["status"] == "QUEUED"  # quiet hours: still waiting

    await publish_event(partner_producer, stack, "profile.events", customer_id, profile_events_pb2.CustomerErased())

    node = await status_becomes(gateway, customer_id, held["message"]["id"], "REJECTED")
    assert (node["body"], node["failureReason"]) == ("[erased]", "CUSTOMER_ERASED")
    again = await send(gateway, customer_id, "SMS", key(), body="Hello?")
    assert [e["code"] for e in again["userErrors"]] == ["CUSTOMER_ERASED"]
    assert message_providers.recorder.to(mobile) == []
    bodies = {e["node"]["body"] for e in (await messaging_of(gateway, customer_id))["communications"]["edges"]}
    assert bodies == {"[erased]"}


async def opted_in(gateway: GraphQLClient, customer_id: str, campaign: str = "coupons") -> bool:
    """Probes messaging's consent projection with a campaign SMS (which, once accepted, is really sent)."""
    reply = await send(gateway, customer_id, "SMS", key(), body=f"Welcome to {campaign}", campaign=campaign)
    return not reply["userErrors"]


async def _mails(providers: ProviderDoubles, address: str) -> list[Any]:
    return [m for m in providers.mailbox.to(address) if "SAVE-" in m.get_payload()]


async def published(stack: Stack, customer_id: str, kind: type[Any]) -> Any:
    consumer = AIOKafkaConsumer(
        f"{stack.config.topic_prefix}messaging.events",
        bootstrap_servers=stack.config.kafka_bootstrap,
        auto_offset_reset="earliest",
        group_id=f"test-{key()}",
    )
    await consumer.start()
    try:

        async def probe() -> Any:
            batches = await consumer.getmany(timeout_ms=500)
            for record in (r for records in batches.values() for r in records):
                envelope = parse_envelope(record.value)
                payload = unpack(envelope, kind)
                if envelope.customer_id == customer_id and payload is not None and payload.channel == "EMAIL":
                    return payload
            return None

        return await eventually(probe)
    finally:
        await consumer.stop()
