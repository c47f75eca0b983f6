"""Abusive queries are refused before any backend is called: cost, depth, aliases, tokens.

No path of this schema is deeper than the default depth limit (introspection is exempt
from it), so a second gateway with tighter limits shows the depth limit, and that all
three limits are the settings `C360_GATEWAY_MAX_QUERY_DEPTH`, `_TOKENS` and `_ALIASES`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from deploy.local.stack import Stack
from tests.integration.conftest import GraphQLClient, random_mobile, token
from tests.integration.gateway_support import extra_gateway

REGISTER = """
mutation Register($input: RegisterCustomerInput!) {
  registerCustomer(input: $input) { customer { id } userErrors { code } }
}"""
# 29 aliased pages of the audit log plus a customer view: the page size alone decides the estimate.
PAGES = "\n".join(
    f"  page{i}: auditLog(first: $n) {{ edges {{ cursor node {{ id actor operation target outcome codes at }} }} }}"
    for i in range(29)
)
WIDE = f"""query Wide($id: ID!, $n: Int!) {{
  customer360(id: $id) {{ id loyalty {{ pointsBalance }} }}
{PAGES}
}}"""


async def _customer(gateway: GraphQLClient) -> str:
    body = await gateway.execute(REGISTER, input={"firstName": "Lim", "mobile": random_mobile()})
    customer_id: str = body["data"]["registerCustomer"]["customer"]["id"]
    return customer_id


async def test_a_query_over_the_cost_limit_is_refused_before_any_backend_is_called(gateway: GraphQLClient) -> None:
    customer_id = await _customer(gateway)
    cheap = await gateway.execute(WIDE, id=customer_id, n=2)
    assert "errors" not in cheap
    assert cheap["extensions"]["rpcCalls"] == {"profile": 1, "loyalty": 1}
    assert cheap["extensions"]["queryCost"] < 1000

    costly = await gateway.execute(WIDE, id=customer_id, n=100)
    assert costly["data"] is None
    [error] = costly["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "too expensive" in error["message"]
    assert error["extensions"]["cost"] > error["extensions"]["maxCost"] == 25_000
    assert costly["extensions"]["rpcCalls"] == {}


async def test_too_many_aliases_are_refused_as_bad_user_input(gateway: GraphQLClient) -> None:
    query = "{ " + " ".join(f'a{i}: customer360(id: "x{i}") {{ id }}' for i in range(31)) + " }"
    body = await gateway.execute(query)
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "aliases" in body["errors"][0]["message"]
    assert body["extensions"]["rpcCalls"] == {}


async def test_a_query_with_too_many_tokens_is_refused_as_bad_user_input(gateway: GraphQLClient) -> None:
    fields = " ".join("__typename" for _ in range(4100))
    body = await gateway.execute(f'{{ customer360(id: "x") {{ id }} {fields} }}')
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "token" in body["errors"][0]["message"].lower()
    assert body["extensions"]["rpcCalls"] == {}


async def test_a_syntax_error_is_bad_user_input_and_calls_nothing(gateway: GraphQLClient) -> None:
    body = await gateway.execute("{ customer360(id: ")
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


TIGHT_LIMITS = {
    "C360_GATEWAY_MAX_QUERY_DEPTH": "5",
    "C360_GATEWAY_MAX_QUERY_ALIASES": "2",
    "C360_GATEWAY_MAX_QUERY_TOKENS": "60",
}
# `name` is six fields below the root: one level over the tight gateway's depth limit.
DEEP = """query Deep($id: ID!) {
  customer360(id: $id) { coupons { active { edges { node { code campaign { name } } } } } }
}"""
SHALLOW = "query Shallow($id: ID!) { customer360(id: $id) { coupons { active { edges { node { code } } } } } }"
ALIASED = "query Aliased($id: ID!) {{ {} }}"
VIEW = "query View($id: ID!) {{ customer360(id: $id) {{ id loyalty {{ pointsBalance }} }} {} }}"


@pytest.fixture(scope="module")
async def tight_gateway(stack: Stack) -> AsyncIterator[GraphQLClient]:
    async with extra_gateway(stack, "tight-gateway", TIGHT_LIMITS) as url, httpx.AsyncClient(base_url=url) as http:
        yield GraphQLClient(http, token())


def _refused(body: dict[str, Any], words: str) -> None:
    assert body["data"] is None, body
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert words in error["message"], error
    assert body["extensions"]["rpcCalls"] == {}


async def test_a_query_deeper_than_the_configured_depth_is_refused_before_any_backend_is_called(
    gateway: GraphQLClient, tight_gateway: GraphQLClient
) -> None:
    customer_id = await _customer(gateway)
    _refused(await tight_gateway.execute(DEEP, id=customer_id), "exceeds maximum operation depth of 5")
    shallow = await tight_gateway.execute(SHALLOW, id=customer_id)
    assert shallow["data"]["customer360"]["coupons"]["active"]["edges"] == [], shallow
    assert shallow["extensions"]["rpcCalls"] == {"profile": 1, "coupons": 1}
    assert "errors" not in await gateway.execute(DEEP, id=customer_id)  # within the default depth of 12


async def test_more_aliases_than_configured_are_refused_before_any_backend_is_called(
    gateway: GraphQLClient, tight_gateway: GraphQLClient
) -> None:
    customer_id = await _customer(gateway)
    views = [f"v{i}: customer360(id: $id) {{ id }}" for i in range(3)]
    _refused(await tight_gateway.execute(ALIASED.format(" ".join(views)), id=customer_id), "aliases")
    allowed = await tight_gateway.execute(ALIASED.format(" ".join(views[:2])), id=customer_id)
    assert allowed["data"] == {"v0": {"id": customer_id}, "v1": {"id": customer_id}}, allowed
    assert allowed["extensions"]["rpcCalls"] == {"profile": 1}


async def test_more_tokens_than_configured_are_refused_before_any_backend_is_called(
    gateway: GraphQLClient, tight_gateway: GraphQLClient
) -> None:
    customer_id = await _customer(gateway)
    _refused(await tight_gateway.execute(VIEW.format("__typename " * 40), id=customer_id), "token")
    allowed = await tight_gateway.execute(VIEW.format("__typename"), id=customer_id)
    assert allowed["data"]["customer360"] == {"id": customer_id, "loyalty": {"pointsBalance": 0}}, allowed
    assert allowed["extensions"]["rpcCalls"] == {"profile": 1, "loyalty": 1}
