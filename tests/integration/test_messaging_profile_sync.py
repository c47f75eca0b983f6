"""Messaging follows the real profile service's events end to end: a new e-mail, an opt-in, a push token,
and an erasure made through the gateway each change what messaging may send."""

from __future__ import annotations

import uuid
from typing import Any

from tests.integration.conftest import GraphQLClient, eventually
from tests.integration.messaging_support import registered, send, status_becomes
from tests.integration.provider_doubles import ProviderDoubles

UPDATE = """
mutation Update($id: ID!, $input: UpdateCustomerInput!) {
  updateCustomer(id: $id, input: $input) { userErrors { code message } }
}"""
OPT_IN = """
mutation OptIn($id: ID!, $campaign: String!) {
  setOptIn(customerId: $id, campaign: $campaign, optedIn: true) { userErrors { code message } }
}"""
LINK = """
mutation Link($id: ID!, $token: String!) {
  setChannelLink(customerId: $id, channel: PUSH, linkId: $token) { userErrors { code message } }
}"""
DELETE = """
mutation Delete($id: ID!) { deleteCustomer(id: $id, reason: "customer asked") { userErrors { code message } } }"""


def key() -> str:
    return uuid.uuid4().hex


async def mutate(gateway: GraphQLClient, document: str, **variables: Any) -> None:
    body = await gateway.execute(document, **variables)
    assert "errors" not in body, body
    payload = next(iter(body["data"].values()))
    assert payload["userErrors"] == [], payload


async def accepted(gateway: GraphQLClient, customer_id: str, channel: str, **fields: Any) -> dict[str, Any] | None:
    """The queued message once messaging accepts it (its projection follows profile events)."""
    reply = await send(gateway, customer_id, channel, key(), **fields)
    return None if reply["userErrors"] else reply["message"]


async def refused_with(gateway: GraphQLClient, customer_id: str, channel: str, code: str, **fields: Any) -> bool:
    reply = await send(gateway, customer_id, channel, key(), **fields)
    return [e["code"] for e in reply["userErrors"]] == [code]


async def test_profile_edits_opt_ins_links_and_erasure_reach_messaging(
    gateway: GraphQLClient, message_providers: ProviderDoubles
) -> None:
    customer_id, _ = await registered(gateway)
    assert await refused_with(gateway, customer_id, "EMAIL", "NO_ADDRESS", body="Hi")
    assert await refused_with(gateway, customer_id, "SMS", "CONSENT_REQUIRED", body="News", campaign="newsletter")

    # One change at a time, each awaited in messaging: back-to-back profile writes can lose one on
    # FerretDB (the profile outbox relay's pop races the next write; see the messaging report).
    email = f"new.{key()[:8]}@example.com"
    await mutate(gateway, UPDATE, id=customer_id, input={"email": email})
    mail = await eventually(
        lambda: accepted(gateway, customer_id, "EMAIL", body="Your new address works"), within_seconds=45, interval=0.3
    )
    await status_becomes(gateway, customer_id, mail["id"], "SENT")
    assert len(message_providers.mailbox.to(email)) == 1

    await mutate(gateway, OPT_IN, id=customer_id, campaign="newsletter")
    assert await eventually(
        lambda: accepted(gateway, customer_id, "SMS", body="News", campaign="newsletter"),
        within_seconds=45,
        interval=0.3,
    )

    token = f"fcm-{key()}"
    await mutate(gateway, LINK, id=customer_id, token=token)
    push = await eventually(
        lambda: accepted(gateway, customer_id, "PUSH", body="Hello on the app"), within_seconds=45, interval=0.3
    )
    await status_becomes(gateway, customer_id, push["id"], "SENT")
    assert [r.text() for r in message_providers.recorder.to(token)] == ["Hello on the app"]

    await mutate(gateway, DELETE, id=customer_id)
    assert await eventually(
        lambda: refused_with(gateway, customer_id, "SMS", "CUSTOMER_ERASED", body="Still there?"),
        within_seconds=45,
        interval=0.3,
    )
