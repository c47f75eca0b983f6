"""customers(query, field): search by name prefix, mobile, email, ext ref, tag and receipt id, cursor-paginated."""

from __future__ import annotations

import json
import random
import string
import uuid
from typing import Any

from aiokafka import AIOKafkaProducer

from deploy.local.stack import Stack
from tests.integration.conftest import GraphQLClient, eventually
from tests.integration.profile_support import mutate, register
from tests.integration.test_thin_slice import purchase

SEARCH = """
query Search($q: String!, $field: CustomerSearchField, $first: Int, $after: String) {
  customers(query: $q, field: $field, first: $first, after: $after) {
    edges { cursor node { id profile { firstName lastName status } } }
    pageInfo { hasNextPage endCursor }
  }
}"""


def letters(n: int = 8) -> str:
    return "".join(random.choices(string.ascii_lowercase, k=n))


async def search(gateway: GraphQLClient, query: str, field: str = "ANY", **more: Any) -> list[str]:
    body = await gateway.execute(SEARCH, q=query, field=field, **more)
    assert "errors" not in body, body
    return [edge["node"]["id"] for edge in body["data"]["customers"]["edges"]]


async def test_name_prefix_search_ignores_case_and_matches_first_or_last_name(gateway: GraphQLClient) -> None:
    stem = letters()
    first = await register(gateway, firstName=f"{stem.title()}ina")
    last = await register(gateway, firstName="Bo", lastName=f"{stem.upper()}son")
    await register(gateway, firstName=f"x{stem}")
    assert sorted(await search(gateway, stem.upper()[:6], "NAME")) == sorted([first["id"], last["id"]])
    assert sorted(await search(gateway, stem)) == sorted([first["id"], last["id"]])


async def test_mobile_email_ext_ref_and_tag_each_find_their_customer(gateway: GraphQLClient) -> None:
    ext_ref = f"EXT-{uuid.uuid4().hex[:8]}"
    email = f"{letters()}@example.com"
    customer = await register(gateway, email=email, extRef=ext_ref)
    mobile = customer["profile"]["mobile"]
    tag_value = letters()
    await mutate(
        gateway,
        'mutation($id: ID!, $v: String!) { setTag(customerId: $id, key: "segment", value: $v) { customer { id } } }',
        "setTag",
        id=customer["id"],
        v=tag_value,
    )
    local = "0" + mobile.removeprefix("+62")
    spaced = f"{local[:4]} {local[4:8]}-{local[8:]}"
    for query, field in [
        (local, "MOBILE"),
        (spaced, "MOBILE"),
        (mobile, "ANY"),
        (email.upper(), "EMAIL"),
        (email, "ANY"),
        (ext_ref, "EXT_REF"),
        (ext_ref, "ANY"),
        (f"segment={tag_value}", "TAG"),
        (f"segment={tag_value}", "ANY"),
    ]:
        assert await search(gateway, query, field) == [customer["id"]], (query, field)


async def test_suspended_customers_are_found_and_marked_deleted_ones_never(gateway: GraphQLClient) -> None:
    stem = letters()
    suspended = await register(gateway, firstName=f"{stem}a")
    deleted = await register(gateway, firstName=f"{stem}b")
    await gateway.execute(
        'mutation($id: ID!) { suspendCustomer(id: $id, reason: "checking") { userErrors { code } } }',
        id=suspended["id"],
    )
    await gateway.execute(
        'mutation($id: ID!) { deleteCustomer(id: $id, reason: "asked") { userErrors { code } } }', id=deleted["id"]
    )
    body = await gateway.execute(SEARCH, q=stem, field="NAME")
    edges = body["data"]["customers"]["edges"]
    assert [(e["node"]["id"], e["node"]["profile"]["status"]) for e in edges] == [(suspended["id"], "SUSPENDED")]


async def test_results_are_cursor_paginated(gateway: GraphQLClient) -> None:
    stem = letters()
    ids = sorted([(await register(gateway, firstName=f"{stem}{i}"))["id"] for i in range(3)])
    body = await gateway.execute(SEARCH, q=stem, field="NAME", first=2)
    page = body["data"]["customers"]
    assert [e["node"]["id"] for e in page["edges"]] == ids[:2]
    assert page["pageInfo"]["hasNextPage"] is True
    rest = await gateway.execute(SEARCH, q=stem, field="NAME", first=2, after=page["pageInfo"]["endCursor"])
    assert [e["node"]["id"] for e in rest["data"]["customers"]["edges"]] == ids[2:]
    assert rest["data"]["customers"]["pageInfo"] == {"hasNextPage": False, "endCursor": ids[2]}


async def test_a_page_of_customers_costs_one_call_per_backend_not_one_per_customer(gateway: GraphQLClient) -> None:
    stem = letters()
    for i in range(3):
        await register(gateway, firstName=f"{stem}{i}")
    body = await gateway.execute(
        """query($q: String!) { customers(query: $q, field: NAME, first: 50) { edges { node {
             profile { firstName tags { key } } loyalty { pointsBalance tier } } } } }""",
        q=stem,
    )
    assert "errors" not in body, body
    nodes = [e["node"] for e in body["data"]["customers"]["edges"]]
    assert len(nodes) == 3
    assert all(n["profile"]["firstName"].startswith(stem) for n in nodes)
    # The search primes the profile loader; the loyalty section is one batch call for the whole page.
    assert body["extensions"]["rpcCalls"] == {"profile": 1, "loyalty": 1}


async def test_bad_searches_are_refused_with_bad_user_input(gateway: GraphQLClient) -> None:
    for query, field, first in [("abc", "MOBILE", 20), ("segment", "TAG", 20), ("", "ANY", 20), ("ana", "NAME", 0)]:
        body = await gateway.execute(SEARCH, q=query, field=field, first=first)
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", (query, field)
    long_query = await gateway.execute(SEARCH, q="a" * 101, field="NAME")
    assert long_query["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_receipt_id_is_resolved_through_loyalty(
    gateway: GraphQLClient, stack: Stack, partner_producer: AIOKafkaProducer
) -> None:
    customer = await register(gateway)
    receipt = f"R-{uuid.uuid4().hex[:10]}"
    event = purchase(customer["profile"]["mobile"], "50000.00", receipt_id=receipt)
    await partner_producer.send_and_wait(
        f"{stack.config.topic_prefix}purchases", json.dumps(event).encode(), key=customer["profile"]["mobile"].encode()
    )

    async def found() -> list[str]:
        return await search(gateway, receipt, "RECEIPT_ID")

    assert await eventually(found) == [customer["id"]]
    assert await search(gateway, "R-none-such", "RECEIPT_ID") == []
