"""WhatsApp's 24-hour customer service window through the gateway on the real stack: the signed inbound
webhook opens it (and links the WhatsApp id), free text only inside it, approved templates any time."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer
from customer360.events.v1 import messaging_events_pb2

from c360.events import parse_envelope, unpack
from deploy.local.stack import Stack
from tests.integration.conftest import GraphQLClient, eventually
from tests.integration.messaging_support import message_status, messaging_of, registered, send, status_becomes
from tests.integration.provider_doubles import WEBHOOK_SECRET, ProviderDoubles


def key() -> str:
    return uuid.uuid4().hex


def meta_payload(value: dict[str, Any]) -> bytes:
    return json.dumps(
        {
            "object": "whatsapp_business_account",
            "entry": [{"id": "WABA", "changes": [{"field": "messages", "value": value}]}],
        }
    ).encode()


async def post_whatsapp(stack: Stack, body: bytes, secret: str = WEBHOOK_SECRET) -> httpx.Response:
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    async with httpx.AsyncClient(base_url=stack.gateway_url) as http:
        return await http.post(
            "/webhooks/whatsapp",
            content=body,
            headers={"content-type": "application/json", "x-hub-signature-256": signature},
        )


def inbound_from(wa_id: str) -> bytes:
    message = {"from": wa_id, "id": f"wamid.{key()}", "timestamp": str(int(time.time())), "type": "text"}
    return meta_payload({"messaging_product": "whatsapp", "messages": [{**message, "text": {"body": "Hi!"}}]})


async def test_free_text_outside_the_window_is_refused_but_an_approved_template_goes_out(
    gateway: GraphQLClient, message_providers: ProviderDoubles
) -> None:
    customer_id, mobile = await registered(gateway)

    free_text = await send(gateway, customer_id, "WHATSAPP", key(), body="Are you still there?")
    unapproved = await send(
        gateway,
        customer_id,
        "WHATSAPP",
        key(),
        templateId="newsletter",
        variables=[{"name": "headline", "value": "News"}],
    )
    approved = await send(
        gateway,
        customer_id,
        "WHATSAPP",
        key(),
        templateId="order_ready",
        variables=[{"name": "order_id", "value": "ORD-9"}],
    )

    assert [(e["code"], e["field"]) for e in free_text["userErrors"]] == [("SESSION_CLOSED", ["input", "body"])]
    assert [(e["code"], e["field"]) for e in unapproved["userErrors"]] == [("SESSION_CLOSED", ["input", "templateId"])]
    assert approved["userErrors"] == []
    await status_becomes(gateway, customer_id, approved["message"]["id"], "SENT")
    sent = message_providers.recorder.to(mobile.removeprefix("+"))
    assert [r.text() for r in sent] == ["template:order_ready:Rina|ORD-9"]  # a Meta template message
    assert sent[0].path == "/v21.0/1000001/messages"
    section = await messaging_of(gateway, customer_id, "WHATSAPP")
    assert section["whatsappSessionOpenUntil"] is None
    rejected = [e["node"] for e in section["communications"]["edges"] if e["node"]["status"] == "REJECTED"]
    assert {n["failureReason"] for n in rejected} == {"SESSION_CLOSED"}


async def test_an_inbound_message_opens_the_window_for_free_text_and_links_the_whatsapp_id(
    gateway: GraphQLClient, stack: Stack, message_providers: ProviderDoubles
) -> None:
    customer_id, mobile = await registered(gateway)
    wa_id = mobile.removeprefix("+")
    before = datetime.now(UTC)

    reply = await post_whatsapp(stack, inbound_from(wa_id))

    assert reply.status_code == 200
    assert reply.json()["inboundFromCustomers"] == 1
    until = datetime.fromisoformat((await messaging_of(gateway, customer_id))["whatsappSessionOpenUntil"])
    assert before + timedelta(hours=23, minutes=59) < until <= datetime.now(UTC) + timedelta(hours=24)
    free_text = await send(gateway, customer_id, "WHATSAPP", key(), body="Thanks for writing, how can we help?")
    assert free_text["userErrors"] == []
    await status_becomes(gateway, customer_id, free_text["message"]["id"], "SENT")
    assert [r.text() for r in message_providers.recorder.to(wa_id)] == ["Thanks for writing, how can we help?"]
    assert await channel_linked_published(stack, customer_id) == wa_id


async def test_whatsapp_status_webhooks_update_the_message_and_forged_ones_are_refused(
    gateway: GraphQLClient, stack: Stack, message_providers: ProviderDoubles
) -> None:
    customer_id, mobile = await registered(gateway)
    reply = await send(
        gateway,
        customer_id,
        "WHATSAPP",
        key(),
        templateId="order_ready",
        variables=[{"name": "order_id", "value": "A1"}],
    )
    message_id = reply["message"]["id"]
    await status_becomes(gateway, customer_id, message_id, "SENT")
    wamid = message_providers.recorder.to(mobile.removeprefix("+"))[0].provider_message_id()
    read = meta_payload({"statuses": [{"id": wamid, "status": "read", "recipient_id": mobile.removeprefix("+")}]})

    forged = await post_whatsapp(stack, read, secret="guess")
    assert forged.status_code == 401
    assert (await message_status(gateway, customer_id, message_id) or {})["status"] == "SENT"

    assert (await post_whatsapp(stack, read)).json()["statusesApplied"] == 1
    assert (await message_status(gateway, customer_id, message_id) or {})["status"] == "READ"


async def test_the_webhook_subscription_handshake_needs_the_verify_token(stack: Stack) -> None:
    async with httpx.AsyncClient(base_url=stack.gateway_url) as http:
        params = {"hub.mode": "subscribe", "hub.challenge": "1158201444"}
        ok = await http.get("/webhooks/whatsapp", params={**params, "hub.verify_token": WEBHOOK_SECRET})
        wrong = await http.get("/webhooks/whatsapp", params={**params, "hub.verify_token": "nope"})
    assert (ok.status_code, ok.text) == (200, "1158201444")
    assert wrong.status_code == 403


async def channel_linked_published(stack: Stack, customer_id: str) -> str:
    """The WhatsApp id in the ChannelLinked event messaging published for the customer."""
    consumer = AIOKafkaConsumer(
        f"{stack.config.topic_prefix}messaging.events",
        bootstrap_servers=stack.config.kafka_bootstrap,
        auto_offset_reset="earliest",
        group_id=f"test-{key()}",
    )
    await consumer.start()
    try:

        async def probe() -> str | None:
            batches = await consumer.getmany(timeout_ms=500)
            for record in (r for records in batches.values() for r in records):
                envelope = parse_envelope(record.value)
                linked = unpack(envelope, messaging_events_pb2.ChannelLinked)
                if envelope.customer_id == customer_id and linked is not None:
                    return f"{linked.channel}:{linked.link_id}"
            return None

        found: str = await eventually(probe)
    finally:
        await consumer.stop()
    channel, _, link_id = found.partition(":")
    assert channel == "WHATSAPP"
    return link_id
