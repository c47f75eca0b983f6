"""The activity timeline: a projection of every service's events, paginated, and live over graphql-transport-ws."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer
from websockets.asyncio.client import ClientConnection, connect

from deploy.local.stack import Stack
from tests.integration.conftest import GraphQLClient, eventually, token
from tests.integration.profile_support import mutate, register
from tests.integration.test_thin_slice import purchase

TIMELINE = """
query Timeline($id: ID!, $first: Int, $after: String) {
  customer360(id: $id) { timeline(first: $first, after: $after) {
    edges { cursor node { id type occurredAt summary } } pageInfo { hasNextPage endCursor } } }
}"""
SUBSCRIBE = "subscription($id: ID!) { customerTimeline(customerId: $id) { id type occurredAt summary } }"
SET_TAG = 'mutation($id: ID!, $v: String!) { setTag(customerId: $id, key: "probe", value: $v) { customer { id } } }'


async def timeline_types(gateway: GraphQLClient, customer_id: str) -> list[str]:
    body = await gateway.execute(TIMELINE, id=customer_id, first=50)
    return [e["node"]["type"] for e in body["data"]["customer360"]["timeline"]["edges"]]


async def send_purchase(producer: AIOKafkaProducer, stack: Stack, mobile: str, total: str) -> None:
    event = purchase(mobile, total)
    await producer.send_and_wait(
        f"{stack.config.topic_prefix}purchases", json.dumps(event).encode(), key=mobile.encode()
    )


async def test_timeline_shows_what_happened_newest_first_across_services_and_pages(
    gateway: GraphQLClient, stack: Stack, partner_producer: AIOKafkaProducer
) -> None:
    customer = await register(gateway)
    await mutate(gateway, SET_TAG, "setTag", id=customer["id"], v="1")
    await gateway.execute(
        'mutation($id: ID!) { addNote(customerId: $id, body: "Called about a refund") { note { id } } }',
        id=customer["id"],
    )
    await send_purchase(partner_producer, stack, customer["profile"]["mobile"], "120000.00")

    async def complete() -> list[str] | None:
        types = await timeline_types(gateway, customer["id"])
        wanted = {"CustomerRegistered", "CustomerUpdated", "NoteAdded", "PurchaseRecorded", "PointsChanged"}
        return types if wanted <= set(types) else None

    types = await eventually(complete)
    body = await gateway.execute(TIMELINE, id=customer["id"], first=2)
    page = body["data"]["customer360"]["timeline"]
    times = [e["node"]["occurredAt"] for e in page["edges"]]
    assert times == sorted(times, reverse=True)
    assert page["pageInfo"]["hasNextPage"] is True
    rest = await gateway.execute(TIMELINE, id=customer["id"], first=50, after=page["pageInfo"]["endCursor"])
    rest_ids = [e["node"]["id"] for e in rest["data"]["customer360"]["timeline"]["edges"]]
    assert len(rest_ids) == len(types) - 2
    assert not {e["node"]["id"] for e in page["edges"]} & set(rest_ids)
    everything = [e["node"]["occurredAt"] for e in rest["data"]["customer360"]["timeline"]["edges"]]
    assert [*times, *everything] == sorted([*times, *everything], reverse=True)  # by when it happened
    summaries = [e["node"]["summary"] for e in rest["data"]["customer360"]["timeline"]["edges"]]
    assert "Edited: tags" in [*summaries, *(e["node"]["summary"] for e in page["edges"])]


async def _messages(ws: ClientConnection) -> AsyncIterator[dict[str, Any]]:
    async for raw in ws:
        yield json.loads(raw)


async def _next_entry(ws: ClientConnection, seconds: float) -> dict[str, Any] | None:
    """The next timeline entry pushed on the socket, or None if none came in time."""
    try:
        async with asyncio.timeout(seconds):
            async for message in _messages(ws):
                if message["type"] == "next":
                    entry: dict[str, Any] = message["payload"]["data"]["customerTimeline"]
                    return entry
                assert message["type"] != "error", message
    except TimeoutError:
        return None
    return None


async def _subscribe(ws: ClientConnection, customer_id: str, init_payload: dict[str, Any]) -> dict[str, Any]:
    await ws.send(json.dumps({"type": "connection_init", "payload": init_payload}))
    ack = json.loads(await ws.recv())
    await ws.send(
        json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE, "variables": {"id": customer_id}}})
    )
    return dict(ack)


async def test_the_subscription_streams_a_purchase_published_on_kafka(
    gateway: GraphQLClient, stack: Stack, partner_producer: AIOKafkaProducer
) -> None:
    customer = await register(gateway)
    url = stack.gateway_url.replace("http://", "ws://") + "/graphql"
    async with connect(url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        viewer = f"Bearer {token('viewer-vi', ('VIEWER',))}"
        assert (await _subscribe(ws, customer["id"], {"Authorization": viewer}))["type"] == "connection_ack"
        # The subscription is live once an edit made after it shows up; no clock involved.
        for attempt in range(30):
            await mutate(gateway, SET_TAG, "setTag", id=customer["id"], v=str(attempt))
            if await _next_entry(ws, 2.0):
                break
        else:
            pytest.fail("the subscription never delivered an entry")

        await send_purchase(partner_producer, stack, customer["profile"]["mobile"], "75000.00")
        for _ in range(40):
            entry = await _next_entry(ws, 2.0)
            if entry and entry["type"] == "PurchaseRecorded":
                break
        else:
            pytest.fail("the purchase never reached the subscription")
    assert "75000" in entry["summary"]
    assert entry["occurredAt"]


async def test_a_socket_without_a_valid_token_gets_no_entries(stack: Stack) -> None:
    url = stack.gateway_url.replace("http://", "ws://") + "/graphql"
    async with connect(url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        await _subscribe(ws, "anyone", {"Authorization": "Bearer not-a-token"})
        reply = json.loads(await asyncio.wait_for(ws.recv(), 10))
    assert reply["type"] in ("error", "next"), reply
    errors = reply["payload"] if reply["type"] == "error" else reply["payload"]["errors"]
    assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED"
