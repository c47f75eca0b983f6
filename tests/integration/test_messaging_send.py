"""sendMessage through the gateway on the real stack: SMS over the Twilio-style API, e-mail over SMTP,
push over FCM with an inbox item, idempotency keys, and every refusal with its code."""

from __future__ import annotations

import uuid
from typing import Any

from aiokafka import AIOKafkaProducer

from deploy.local.stack import Stack
from tests.integration.conftest import GraphQLClient, eventually
from tests.integration.messaging_support import link_channel, messaging_of, registered, send, status_becomes
from tests.integration.provider_doubles import ProviderDoubles

MARK_READ = """
mutation Read($customerId: ID!, $messageId: ID!) {
  markInboxRead(customerId: $customerId, messageId: $messageId) {
    message { id status } userErrors { field code message }
  }
}"""


def key() -> str:
    return uuid.uuid4().hex


async def test_sms_is_queued_then_sent_through_the_sms_provider_once_per_idempotency_key(
    gateway: GraphQLClient, message_providers: ProviderDoubles
) -> None:
    customer_id, mobile = await registered(gateway)
    idempotency_key = key()

    first = await send(gateway, customer_id, "SMS", idempotency_key, body="Your parcel is on its way")
    again = await send(gateway, customer_id, "SMS", idempotency_key, body="Your parcel is on its way")

    assert first["userErrors"] == []
    assert first["message"]["status"] == "QUEUED"
    assert first["message"]["sentBy"] == "agent-ana"
    assert again["message"]["id"] == first["message"]["id"]
    sent = await status_becomes(gateway, customer_id, first["message"]["id"], "SENT")
    assert sent["sentAt"] is not None
    requests = message_providers.recorder.to(mobile)
    assert len(requests) == 1
    assert requests[0].text() == "Your parcel is on its way"
    assert requests[0].path == "/2010-04-01/Accounts/ACtest/Messages.json"


async def test_email_from_a_template_arrives_at_the_smtp_server_with_its_variables(
    gateway: GraphQLClient, message_providers: ProviderDoubles
) -> None:
    email = f"rina.{key()[:8]}@example.com"
    customer_id, _ = await registered(gateway, email=email)

    reply = await send(
        gateway,
        customer_id,
        "EMAIL",
        key(),
        templateId="order_ready",
        variables=[{"name": "order_id", "value": "ORD-77"}],
    )

    assert reply["userErrors"] == []
    assert reply["message"]["body"] == "Hi Rina, your order ORD-77 is ready for pickup."
    await status_becomes(gateway, customer_id, reply["message"]["id"], "SENT")
    mails = message_providers.mailbox.to(email)
    assert len(mails) == 1
    assert mails[0]["Subject"] == "Your order is ready"
    assert "your order ORD-77 is ready" in mails[0].get_payload()


async def test_an_email_the_smtp_server_refuses_for_good_is_failed_with_the_servers_reply(
    gateway: GraphQLClient, message_providers: ProviderDoubles
) -> None:
    email = f"reject.{key()[:8]}@example.com"
    customer_id, _ = await registered(gateway, email=email)

    reply = await send(gateway, customer_id, "EMAIL", key(), body="We could not reach you")

    assert reply["userErrors"] == []
    failed = await status_becomes(gateway, customer_id, reply["message"]["id"], "FAILED")
    assert "mailbox unavailable" in (failed["failureReason"] or "")
    assert message_providers.mailbox.to(email) == []


async def test_push_goes_to_the_linked_token_and_lands_in_the_inbox_which_can_be_marked_read(
    gateway: GraphQLClient, message_providers: ProviderDoubles, partner_producer: AIOKafkaProducer, stack: Stack
) -> None:
    customer_id, _ = await registered(gateway)
    token = f"fcm-token-{key()}"
    await link_channel(partner_producer, stack, customer_id, "PUSH", token)

    async def sent_push() -> dict[str, object] | None:
        reply = await send(gateway, customer_id, "PUSH", key(), body="Your points are about to expire")
        return None if reply["userErrors"] else reply

    reply = await eventually(sent_push)
    await status_becomes(gateway, customer_id, reply["message"]["id"], "SENT")
    assert [r.text() for r in message_providers.recorder.to(token)] == ["Your points are about to expire"]

    inbox = (await messaging_of(gateway, customer_id))["inbox"]["edges"]
    assert len(inbox) == 1
    item = inbox[0]["node"]
    assert item["status"] == "NEW"
    assert item["shortDescription"] == "Your points are about to expire"
    assert item["expiresAt"] > item["distributedAt"]

    read = await gateway.execute(MARK_READ, customerId=customer_id, messageId=item["id"])
    assert read["data"]["markInboxRead"] == {"message": {"id": item["id"], "status": "READ"}, "userErrors": []}
    missing = await gateway.execute(MARK_READ, customerId=customer_id, messageId="no-such-item")
    assert missing["data"]["markInboxRead"]["userErrors"][0]["code"] == "NOT_FOUND"


async def test_bad_input_is_refused_with_a_specific_code_and_nothing_is_sent(
    gateway: GraphQLClient, message_providers: ProviderDoubles
) -> None:
    customer_id, mobile = await registered(gateway)
    cases = [
        ({"body": "   "}, "SMS", "EMPTY_BODY", ["input", "body"]),
        ({"body": "x" * 1601}, "SMS", "BODY_TOO_LONG", ["input", "body"]),
        ({"templateId": "no_such_template"}, "SMS", "UNKNOWN_TEMPLATE", ["input", "templateId"]),
        ({"templateId": "order_ready"}, "SMS", "MISSING_TEMPLATE_VARIABLES", ["input", "variables"]),
        ({"body": "Hi", "templateId": "order_ready"}, "SMS", "BODY_AND_TEMPLATE", ["input", "body"]),
    ]
    for fields, channel, code, path in cases:
        reply = await send(gateway, customer_id, channel, key(), **fields)
        assert reply["message"] is None
        assert [(e["code"], e["field"]) for e in reply["userErrors"]] == [(code, path)], fields

    no_key = await send(gateway, customer_id, "SMS", "", body="Hi")
    assert no_key["userErrors"][0]["code"] == "IDEMPOTENCY_KEY_REQUIRED"
    unknown = await send(gateway, "no-such-customer", "SMS", key(), body="Hi")
    assert [(e["code"], e["field"]) for e in unknown["userErrors"]] == [("UNKNOWN_CUSTOMER", ["input", "customerId"])]
    assert message_providers.recorder.to(mobile) == []
    assert (await messaging_of(gateway, customer_id))["communications"]["edges"] == []


async def test_a_channel_without_an_address_is_refused_as_no_address_and_logged_rejected(
    gateway: GraphQLClient,
) -> None:
    customer_id, _ = await registered(gateway)  # no e-mail, no push token

    for channel in ("EMAIL", "PUSH"):
        reply = await send(gateway, customer_id, channel, key(), body="Hello")
        assert [(e["code"], e["field"]) for e in reply["userErrors"]] == [("NO_ADDRESS", ["input", "channel"])]

    log = (await messaging_of(gateway, customer_id))["communications"]["edges"]
    assert sorted((e["node"]["channel"], e["node"]["status"], e["node"]["failureReason"]) for e in log) == [
        ("EMAIL", "REJECTED", "NO_ADDRESS"),
        ("PUSH", "REJECTED", "NO_ADDRESS"),
    ]


async def test_sending_needs_the_agent_role(gateway: GraphQLClient) -> None:
    viewer = gateway.as_user("viewer-vic", "VIEWER")
    body = await viewer.execute(
        """mutation { sendMessage(input: {customerId: "x", channel: SMS, body: "Hi", idempotencyKey: "k"}) {
             message { id } } }"""
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


PAGE = """
query Page($id: ID!, $after: String, $channel: Channel) {
  customer360(id: $id) { messaging { communications(first: 2, after: $after, channel: $channel) {
    edges { cursor node { body channel } } pageInfo { hasNextPage endCursor } } } }
}"""


async def test_the_log_is_newest_first_paged_by_cursor_and_filterable_by_channel(
    gateway: GraphQLClient,
) -> None:
    email = f"log.{key()[:8]}@example.com"
    customer_id, _ = await registered(gateway, email=email)
    for n, channel in enumerate(["SMS", "EMAIL", "SMS", "SMS"]):
        reply = await send(gateway, customer_id, channel, key(), body=f"message {n}")
        assert reply["userErrors"] == []

    async def page(after: str | None = None, channel: str | None = None) -> dict[str, Any]:
        body = await gateway.execute(PAGE, id=customer_id, after=after, channel=channel)
        connection: dict[str, Any] = body["data"]["customer360"]["messaging"]["communications"]
        return connection

    first = await page()
    second = await page(after=first["pageInfo"]["endCursor"])
    assert [e["node"]["body"] for e in first["edges"]] == ["message 3", "message 2"]
    assert first["pageInfo"]["hasNextPage"] is True
    assert [e["node"]["body"] for e in second["edges"]] == ["message 1", "message 0"]
    assert second["pageInfo"]["hasNextPage"] is False
    only_email = await page(channel="EMAIL")
    assert [(e["node"]["body"], e["node"]["channel"]) for e in only_email["edges"]] == [("message 1", "EMAIL")]
