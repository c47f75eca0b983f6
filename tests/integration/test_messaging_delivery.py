"""Delivery through the gateway on the real stack: provider failures, retries with backoff, signed
delivery-status webhooks that never move a status backwards, quiet hours and OTPs that ignore them."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import uuid
from typing import Any

import httpx
from aiokafka import AIOKafkaProducer
from customer360.events.v1 import loyalty_events_pb2

from deploy.local.stack import Stack
from tests.integration.conftest import GraphQLClient, eventually
from tests.integration.messaging_support import (
    link_channel,
    message_status,
    messaging_of,
    publish_event,
    registered,
    send,
    status_becomes,
)
from tests.integration.provider_doubles import WEBHOOK_SECRET, ProviderDoubles, RecordedRequest


def key() -> str:
    return uuid.uuid4().hex


def signed(body: bytes, secret: str = WEBHOOK_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


async def report(stack: Stack, provider_message_id: str, status: str, secret: str = WEBHOOK_SECRET) -> httpx.Response:
    body = json.dumps({"providerMessageId": provider_message_id, "status": status}).encode()
    async with httpx.AsyncClient(base_url=stack.gateway_url) as http:
        return await http.post(
            "/webhooks/delivery-status",
            content=body,
            headers={"content-type": "application/json", "x-webhook-signature": signed(body, secret)},
        )


async def push_to(
    gateway: GraphQLClient, producer: AIOKafkaProducer, stack: Stack, token: str, text: str
) -> tuple[str, str]:
    """A customer with push token `token`, sent `text`: (customer id, message id)."""
    customer_id, _ = await registered(gateway)
    await link_channel(producer, stack, customer_id, "PUSH", token)

    async def queued() -> dict[str, Any] | None:
        reply = await send(gateway, customer_id, "PUSH", key(), body=text)
        return None if reply["userErrors"] else reply

    reply = await eventually(queued)
    return customer_id, reply["message"]["id"]


async def sent_sms(gateway: GraphQLClient, providers: ProviderDoubles, text: str) -> tuple[str, str, str]:
    """A new customer sent `text` by SMS, once SENT: (customer id, message id, the provider's message id)."""
    customer_id, mobile = await registered(gateway)
    reply = await send(gateway, customer_id, "SMS", key(), body=text)
    message_id = reply["message"]["id"]
    await status_becomes(gateway, customer_id, message_id, "SENT")
    sms: RecordedRequest = providers.recorder.to(mobile)[0]
    return customer_id, message_id, sms.provider_message_id()


async def test_a_permanent_provider_refusal_marks_the_message_failed_with_the_providers_reason(
    gateway: GraphQLClient, partner_producer: AIOKafkaProducer, stack: Stack, message_providers: ProviderDoubles
) -> None:
    token = f"reject-{key()}"
    customer_id, message_id = await push_to(gateway, partner_producer, stack, token, "Hello")

    failed = await status_becomes(gateway, customer_id, message_id, "FAILED")

    assert failed["failureReason"] == "Recipient unreachable"
    assert len(message_providers.recorder.to(token)) == 1  # a refusal is not retried


async def test_transient_provider_failures_are_retried_until_the_message_is_sent_once(
    gateway: GraphQLClient, partner_producer: AIOKafkaProducer, stack: Stack, message_providers: ProviderDoubles
) -> None:
    token = f"flaky-{key()}"
    customer_id, message_id = await push_to(gateway, partner_producer, stack, token, "Hello again")

    sent = await status_becomes(gateway, customer_id, message_id, "SENT")

    assert sent["failureReason"] is None  # the earlier 503s were no failure
    attempts = message_providers.recorder.to(token)
    assert len(attempts) == 3  # 503, 503, accepted
    assert {r.headers["idempotency-key"] for r in attempts} == {message_id}


async def test_delivery_reports_move_the_status_forward_only_and_need_the_shared_secret(
    gateway: GraphQLClient, stack: Stack, message_providers: ProviderDoubles
) -> None:
    customer_id, message_id, provider_id = await sent_sms(gateway, message_providers, "Your order shipped")

    forged = await report(stack, provider_id, "delivered", secret="not-the-secret")
    assert forged.status_code == 401
    assert (await message_status(gateway, customer_id, message_id) or {})["status"] == "SENT"

    delivered = await report(stack, provider_id, "delivered")
    assert delivered.json()["statusesApplied"] == 1
    assert (await message_status(gateway, customer_id, message_id) or {})["status"] == "DELIVERED"

    late_sent = await report(stack, provider_id, "sent")  # out of order: must not go back
    again = await report(stack, provider_id, "delivered")  # a repeat: changes nothing
    assert (late_sent.json()["statusesApplied"], again.json()["statusesApplied"]) == (0, 0)
    assert (await message_status(gateway, customer_id, message_id) or {})["status"] == "DELIVERED"

    await report(stack, provider_id, "read")
    late_failed = await report(stack, provider_id, "failed")
    assert late_failed.json()["statusesApplied"] == 0
    assert (await message_status(gateway, customer_id, message_id) or {})["status"] == "READ"


async def test_simultaneous_delivery_reports_end_at_the_furthest_status_each_step_applied_once(
    gateway: GraphQLClient, stack: Stack, message_providers: ProviderDoubles
) -> None:
    customer_id, message_id, provider_id = await sent_sms(gateway, message_providers, "Your parcel is at the door")

    # Providers send DELIVERED and READ moments apart, and retry them: all at once here.
    replies = await asyncio.gather(*(report(stack, provider_id, s) for s in ["delivered", "read"] * 4))

    assert {r.status_code for r in replies} == {200}
    assert 1 <= sum(r.json()["statusesApplied"] for r in replies) <= 2  # READ alone, or DELIVERED then READ
    assert (await message_status(gateway, customer_id, message_id) or {})["status"] == "READ"


async def test_a_delivery_report_that_arrives_before_sent_is_written_is_applied_once_it_is(
    gateway: GraphQLClient, partner_producer: AIOKafkaProducer, stack: Stack, message_providers: ProviderDoubles
) -> None:
    token = f"slow-{key()}"
    customer_id, message_id = await push_to(gateway, partner_producer, stack, token, "Quick, a report")
    in_flight = await eventually(lambda: _first_request(message_providers, token), interval=0.02)

    early = await report(stack, in_flight.provider_message_id(), "delivered")  # we are still waiting for the reply

    assert early.status_code == 200
    assert early.json()["statusesApplied"] == 0
    await status_becomes(gateway, customer_id, message_id, "DELIVERED")


async def _first_request(providers: ProviderDoubles, address: str) -> RecordedRequest | None:
    found = providers.recorder.to(address)
    return found[0] if found else None


async def test_quiet_hours_hold_a_message_while_an_otp_goes_out_at_once_and_is_never_logged_in_clear(
    gateway: GraphQLClient, partner_producer: AIOKafkaProducer, stack: Stack, message_providers: ProviderDoubles
) -> None:
    asleep_id, asleep_mobile = await registered(gateway, quiet=True)
    awake_id, awake_mobile = await registered(gateway, quiet=False)

    held = await send(gateway, asleep_id, "SMS", key(), body="Our weekend sale starts now")
    went = await send(gateway, awake_id, "SMS", key(), body="Our weekend sale starts now")
    await status_becomes(gateway, awake_id, went["message"]["id"], "SENT")

    otp = loyalty_events_pb2.RedemptionOtpRequested(otp_id=key(), code="482913", points=500)
    await publish_event(partner_producer, stack, "loyalty.events", asleep_id, otp)

    async def otp_delivered() -> list[RecordedRequest]:
        return [r for r in message_providers.recorder.to(asleep_mobile) if "482913" in r.text()]

    assert len(await eventually(otp_delivered)) == 1
    log = (await messaging_of(gateway, asleep_id))["communications"]["edges"]
    statuses = {e["node"]["id"]: e["node"] for e in log}
    assert statuses[held["message"]["id"]]["status"] == "QUEUED"  # waits for the customer's morning
    otp_entries = [n for n in statuses.values() if n["id"] != held["message"]["id"]]
    assert len(otp_entries) == 1
    assert "482913" not in otp_entries[0]["body"]
    assert "500 points" in otp_entries[0]["body"]
    assert all("Our weekend sale" not in r.text() for r in message_providers.recorder.to(asleep_mobile))
    assert len(message_providers.recorder.to(awake_mobile)) == 1
